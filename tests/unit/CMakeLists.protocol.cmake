# The wire contract: proto/PROTOCOL.md's hex examples are produced and parsed
# by the codec (included by tests/unit/CMakeLists.txt). The document is read
# at run time, so editing it re-runs the check without a rebuild.
cchc_unit_test(test_protocol_doc ${CMAKE_CURRENT_LIST_DIR}/test_protocol_doc.c cchc_proto
  cchc_intake cchc_test_support)
target_compile_definitions(test_protocol_doc PRIVATE PROTOCOL_MD="${PROJECT_SOURCE_DIR}/proto/PROTOCOL.md")
# PROTOCOL.md's lifecycle tables (§3.3, §4) and code lists against the code.
cchc_unit_test(test_lifecycle_doc ${CMAKE_CURRENT_LIST_DIR}/test_lifecycle_doc.c cchc_intake
  cchc_hotline cchc_test_support)
target_compile_definitions(test_lifecycle_doc PRIVATE PROTOCOL_MD="${PROJECT_SOURCE_DIR}/proto/PROTOCOL.md")
# CurveZMQ keys and key files (proto/cc_curve.c).
cchc_unit_test(test_curve ${CMAKE_CURRENT_LIST_DIR}/test_curve.c cchc_proto cchc_test_support)
