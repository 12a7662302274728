/*
 * bench_common.c - options and clock of the benchmark programs (see
 * bench_common.h).
 */
#include "bench_common.h"

#include <string.h>
#include <time.h>

const char *bench_opt(int argc, char **argv, const char *name, const char *def)
{
    size_t len = strlen(name);

    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], name, len) == 0 && argv[i][len] == '=')
            return argv[i] + len + 1;
    return def;
}

uint64_t bench_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
