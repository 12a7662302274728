/*
 * cc_clock.c - wall clock or test clock (see cc_clock.h).
 */
#include "cc_clock.h"

#include <errno.h>
#include <time.h>

static bool test_mode;
static int64_t test_now;

int64_t cc_clock_now(void)
{
    if (test_mode)
        return test_now;
    return (int64_t)time(NULL);
}

void cc_clock_test_enable(int64_t start)
{
    test_mode = true;
    test_now = start;
}

bool cc_clock_is_test(void) { return test_mode; }

int cc_clock_test_set(int64_t t)
{
    if (!test_mode)
        return -EPERM;
    test_now = t;
    return 0;
}
