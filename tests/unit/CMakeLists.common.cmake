cchc_unit_test(test_auth ${CMAKE_CURRENT_SOURCE_DIR}/test_auth.c cchc_common)
cchc_unit_test(test_net ${CMAKE_CURRENT_SOURCE_DIR}/test_net.c cchc_common)
cchc_unit_test(test_principals ${CMAKE_CURRENT_SOURCE_DIR}/test_principals.c cchc_common
  cchc_test_support)
