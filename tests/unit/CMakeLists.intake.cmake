cchc_unit_test(test_dossier ${CMAKE_CURRENT_SOURCE_DIR}/test_dossier.c cchc_intake)
