# Scoring: the library (state, tally, alerts, report) on a real LMDB.
cchc_unit_test(test_scoring ${CMAKE_CURRENT_SOURCE_DIR}/test_scoring.c cchc_scoring)
