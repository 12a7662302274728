cchc_unit_test(test_auth ${CMAKE_CURRENT_SOURCE_DIR}/test_auth.c cchc_common)
cchc_unit_test(test_net ${CMAKE_CURRENT_SOURCE_DIR}/test_net.c cchc_common cchc_test_support)
cchc_unit_test(test_principals ${CMAKE_CURRENT_SOURCE_DIR}/test_principals.c cchc_common
  cchc_test_support)
# CurveZMQ end to end: the three real daemons with keys and a principals file.
cchc_unit_test(test_security ${CMAKE_CURRENT_SOURCE_DIR}/test_security.c cchc_client
  cchc_test_support)
target_compile_definitions(test_security PRIVATE INTAKED="$<TARGET_FILE:cchc-intaked>"
  HOTLINED="$<TARGET_FILE:cchc-hotlined>" SCORINGD="$<TARGET_FILE:cchc-scoringd>")
add_dependencies(test_security cchc-intaked cchc-hotlined cchc-scoringd)
# Which log record holds an event id (cc_ids), on real stores, old layouts too.
cchc_unit_test(test_ids ${CMAKE_CURRENT_SOURCE_DIR}/test_ids.c cchc_common cchc_test_support)
