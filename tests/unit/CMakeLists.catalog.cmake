# Unit tests of the catalog library (included by tests/unit/CMakeLists.txt).
cchc_unit_test(test_catalog ${CMAKE_CURRENT_SOURCE_DIR}/test_catalog.c cchc_catalog
  cchc_test_support)
# test_catalog also checks that the files in deploy/catalog equal the embedded copy,
# and the policy keys' read_by_code flags against the sources.
target_compile_definitions(test_catalog PRIVATE
  CC_DEMO_DIR="${CMAKE_CURRENT_SOURCE_DIR}/../../deploy/catalog"
  CC_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
cchc_unit_test(test_calendar ${CMAKE_CURRENT_SOURCE_DIR}/test_calendar.c cchc_catalog)
cchc_unit_test(test_duedate ${CMAKE_CURRENT_SOURCE_DIR}/test_duedate.c cchc_catalog)
