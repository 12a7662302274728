/*
 * bench_common.h - what the benchmark programs share: their command-line
 * options, a microsecond clock, sorting and percentiles, the one line a
 * figure is printed on for tests/bench/compare.sh, dying with a message,
 * the daemons they start, and the `received` events they send (to intake,
 * as JSON lines, to Redis) with sequential or random (UUID v4) event and
 * dossier ids.
 */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

/**
 * bench_opt - the value of option @name ("--count") given as "--count=V"
 * in @argv, or @def when it is not there. The value is @argv's own.
 */
const char *bench_opt(int argc, char **argv, const char *name, const char *def);

/**
 * bench_opt_u64 - option @name as an unsigned number (see bench_opt), @def
 * when absent. Exits with status 2 and a message naming the option when
 * the value is not a whole number.
 */
uint64_t bench_opt_u64(int argc, char **argv, const char *name, uint64_t def);

/** bench_now_us - the monotonic clock in microseconds. */
uint64_t bench_now_us(void);

/** bench_sort_u64 - sort @n values of @v in increasing order. */
void bench_sort_u64(uint64_t *v, size_t n);

/**
 * bench_percentile - the value at @pct (0..100) of @n sorted values @v;
 * 0 when @n is 0.
 */
uint64_t bench_percentile(const uint64_t *v, size_t n, unsigned pct);

/**
 * bench_figure - print the line "figure KEY VALUE" that compare.sh reads
 * a figure from (the other lines are for people).
 */
void bench_figure(const char *key, double value);

/** bench_seed - a random 64-bit seed (getrandom, else the clock and pid). */
uint64_t bench_seed(void);

/** bench_random - the next number of the xorshift generator at @state. */
uint64_t bench_random(uint64_t *state);

/* ---- Generated `received` events ---------------------------------------------- */

/* How the event and dossier ids are chosen. */
typedef enum {
    BENCH_IDS_SEQ, /* PREFIX e<i> and PREFIX d<i>, i zero-padded to 10 digits as a counter numbers them */
    BENCH_IDS_UUID, /* random UUID v4 each, as many clients choose them */
} bench_ids_t;

/* Longest id (PROTOCOL.md: ids are 1..64 bytes). */
#define BENCH_ID_MAX 64

/* A generator of valid `received` events for one unit and procedure of the
 * embedded demo catalog. */
typedef struct {
    bench_ids_t ids;
    const char *prefix; /* SEQ: before each id (borrowed) */
    const char *unit;   /* borrowed */
    const char *proc;   /* borrowed */
    uint64_t rng;       /* UUID: the generator's state */
} bench_events_t;

/* One generated event; strings point into it or into the generator. */
typedef struct {
    char eid[BENCH_ID_MAX + 1];
    char dossier[BENCH_ID_MAX + 1];
    int64_t at; /* receipt time, Unix seconds */
    const char *unit, *proc, *channel;
} bench_event_t;

/**
 * bench_ids_parse - "seq" or "uuid" to @ret. Returns 0, or -1 for anything
 * else.
 */
int bench_ids_parse(const char *s, bench_ids_t *ret);

/**
 * bench_events_init - a generator of @ids ids, @prefix before sequential ones,
 * for @unit and @proc (all borrowed: they must outlive it); random ids
 * come from a fresh random seed.
 */
void bench_events_init(bench_events_t *g, bench_ids_t ids, const char *prefix, const char *unit,
                       const char *proc);

/**
 * bench_events_next - event number @i of @g into @ev: a `received` event of
 * the generator's unit and procedure on a weekday of 2025 between 08:00
 * and 16:00 local, channel online for one in three. Ids are PREFIX e<i>
 * and PREFIX d<i>, or two fresh UUIDs.
 */
void bench_events_next(bench_events_t *g, uint64_t i, bench_event_t *ev);

/**
 * bench_event_json - write @ev to @out as one JSON line, as `cchc push`
 * reads it (time in ISO 8601, +07:00). Returns what fprintf returns.
 */
int bench_event_json(const bench_event_t *ev, FILE *out);
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
