# Unit tests of the protocol codec, the LMDB layer and base/ (included by
# tests/unit/CMakeLists.txt). CMAKE_CURRENT_LIST_DIR is this file's directory
# whichever CMakeLists.txt includes it.
cchc_unit_test(test_store ${CMAKE_CURRENT_LIST_DIR}/test_store.c cchc_store cchc_test_support)
cchc_unit_test(test_idmap ${CMAKE_CURRENT_LIST_DIR}/test_idmap.c cchc_store cchc_test_support)
cchc_unit_test(test_logpack ${CMAKE_CURRENT_LIST_DIR}/test_logpack.c cchc_store cchc_test_support)
cchc_unit_test(test_codec ${CMAKE_CURRENT_LIST_DIR}/test_codec.c cchc_proto)
cchc_unit_test(test_period ${CMAKE_CURRENT_LIST_DIR}/test_period.c cchc_base)
cchc_unit_test(test_args ${CMAKE_CURRENT_LIST_DIR}/test_args.c cchc_base)
