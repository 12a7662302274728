/*
 * bench_common.h - what the benchmark programs share: their command-line
 * options and a microsecond clock.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stdint.h>

/**
 * bench_opt - the value of option @name ("--count") given as "--count=V"
 * in @argv, or @def when it is not there. The value is @argv's own.
 */
const char *bench_opt(int argc, char **argv, const char *name, const char *def);

/** bench_now_us - the monotonic clock in microseconds. */
uint64_t bench_now_us(void);

#endif
