/*
 * cc_clock.h - the one place every daemon reads "now".
 *
 * By default the system clock. A daemon started with --test-clock=TIME runs
 * on a test clock that starts at TIME and moves only when set (the `clock`
 * query, allowed only in that mode), so that deadlines and alerts over days
 * and holidays are tested in milliseconds, never with sleeps.
 */
#ifndef CC_CLOCK_H
#define CC_CLOCK_H

#include <stdbool.h>
#include <stdint.h>

/** cc_clock_now - current time, Unix seconds. */
int64_t cc_clock_now(void);

/** cc_clock_test_enable - switch to the test clock at @start. */
void cc_clock_test_enable(int64_t start);

/** cc_clock_is_test - whether the test clock is in use. */
bool cc_clock_is_test(void);

/**
 * cc_clock_test_set - move the test clock to @t.
 * Returns 0, or -EPERM when the test clock is not enabled.
 */
int cc_clock_test_set(int64_t t);

#endif
