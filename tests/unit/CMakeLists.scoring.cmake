# Scoring: the library (state, tally, alerts, report) on a real LMDB.
cchc_unit_test(test_scoring ${CMAKE_CURRENT_SOURCE_DIR}/test_scoring.c cchc_scoring)
# The real-time service index: its rules (table-driven), its counting and its query.
cchc_unit_test(test_index ${CMAKE_CURRENT_SOURCE_DIR}/test_index.c cchc_scoring cchc_test_support)
