# Unit tests of the client library and the cchc tool's testable parts
# (included by tests/unit/CMakeLists.txt).
cchc_unit_test(test_client ${CMAKE_CURRENT_SOURCE_DIR}/test_client.c cchc_client cchc_cli pthread)
cchc_unit_test(test_format ${CMAKE_CURRENT_SOURCE_DIR}/test_format.c cchc_cli)
