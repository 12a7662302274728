cchc_unit_test(test_dossier ${CMAKE_CURRENT_SOURCE_DIR}/test_dossier.c cchc_intake cchc_test_support)
cchc_unit_test(test_intake ${CMAKE_CURRENT_SOURCE_DIR}/test_intake.c cchc_intake cchc_test_support)
cchc_unit_test(test_dossier_store ${CMAKE_CURRENT_SOURCE_DIR}/test_dossier_store.c cchc_intake cchc_test_support)
