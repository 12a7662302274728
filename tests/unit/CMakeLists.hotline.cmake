# Hotline daemon: the pure modules directly, the domain on a real LMDB store,
# and an end-to-end smoke with the real cchc-hotlined (included by
# tests/unit/CMakeLists.txt).
cchc_unit_test(test_redact ${CMAKE_CURRENT_SOURCE_DIR}/test_redact.c cchc_hotline)
cchc_unit_test(test_hotline_complaint ${CMAKE_CURRENT_SOURCE_DIR}/test_hotline_complaint.c cchc_hotline
  cchc_test_support)
cchc_unit_test(test_hotline ${CMAKE_CURRENT_SOURCE_DIR}/test_hotline.c cchc_hotline cchc_test_support)
cchc_unit_test(test_hotline_smoke ${CMAKE_CURRENT_SOURCE_DIR}/test_hotline_smoke.c cchc_hotline
  cchc_test_support)
target_compile_definitions(test_hotline_smoke PRIVATE HOTLINED="$<TARGET_FILE:cchc-hotlined>")
add_dependencies(test_hotline_smoke cchc-hotlined)
cchc_unit_test(test_personal ${CMAKE_CURRENT_SOURCE_DIR}/test_personal.c cchc_hotline
  cchc_test_support)
