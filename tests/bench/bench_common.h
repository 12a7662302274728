/*
 * bench_common.h - what the benchmark programs share: their command-line
 * options, a microsecond clock, dying with a message, and the daemons they
 * start.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/**
 * bench_opt - the value of option @name ("--count") given as "--count=V"
 * in @argv, or @def when it is not there. The value is @argv's own.
 */
const char *bench_opt(int argc, char **argv, const char *name, const char *def);

/** bench_now_us - the monotonic clock in microseconds. */
uint64_t bench_now_us(void);

/** bench_die - print "program: message" on stderr and exit 1. */
void bench_die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

/**
 * bench_workdir - the directory a benchmark works in, into @dir (@len
 * bytes): @keep when given (made if missing), else a new temporary one
 * named after @name ("$TMPDIR/cchc-bench-NAME-XXXXXX"). Dies on failure.
 */
void bench_workdir(const char *keep, const char *name, char *dir, size_t len);

/** bench_remove - remove @path and everything below it (rm -rf). */
void bench_remove(const char *path);

/** bench_free_port - a TCP port of 127.0.0.1 free right now (dies if none). */
int bench_free_port(void);

/**
 * bench_spawn - run the program @argv[0] with @argv (NULL-terminated) in a
 * child process whose stdout and stderr go to the file @log (appended).
 * Returns the child's pid; dies when it cannot fork.
 */
pid_t bench_spawn(const char *log, char *const argv[]);

#endif
