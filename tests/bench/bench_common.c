/*
 * bench_common.c - options, clock, percentiles, figure lines, errors,
 * daemons and generated events of the benchmark programs (see
 * bench_common.h).
 */
#include "bench_common.h"

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *bench_opt(int argc, char **argv, const char *name, const char *def)
{
    size_t len = strlen(name);

    for (int i = 1; i < argc; i++)
        if (strncmp(argv[i], name, len) == 0 && argv[i][len] == '=')
            return argv[i] + len + 1;
    return def;
}

uint64_t bench_opt_u64(int argc, char **argv, const char *name, uint64_t def)
{
    const char *s = bench_opt(argc, argv, name, NULL);
    char *end;
    uint64_t v;

    if (s == NULL)
        return def;
    v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end != '\0') {
        fprintf(stderr, "%s: %s=%s is not a whole number\n", argv[0], name, s);
        exit(2);
    }
    return v;
}

uint64_t bench_now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* qsort's order of two uint64_t. */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

void bench_sort_u64(uint64_t *v, size_t n) { qsort(v, n, sizeof(*v), cmp_u64); }

uint64_t bench_percentile(const uint64_t *v, size_t n, unsigned pct)
{
    size_t i = n * pct / 100;

    if (n == 0)
        return 0;
    return v[i < n ? i : n - 1];
}

void bench_figure(const char *key, double value)
{
    printf("figure %s %.6g\n", key, value);
    fflush(stdout);
}

uint64_t bench_seed(void)
{
    uint64_t seed = 0;

    if (getrandom(&seed, sizeof(seed), 0) != (ssize_t)sizeof(seed) || seed == 0)
        seed = bench_now_us() ^ ((uint64_t)getpid() << 32) ^ 0x9e3779b97f4a7c15u;
    return seed;
}

uint64_t bench_random(uint64_t *state)
{
    uint64_t x = *state;

    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

int bench_ids_parse(const char *s, bench_ids_t *ret)
{
    if (strcmp(s, "seq") == 0)
        *ret = BENCH_IDS_SEQ;
    else if (strcmp(s, "uuid") == 0)
        *ret = BENCH_IDS_UUID;
    else
        return -1;
    return 0;
}

void bench_events_init(bench_events_t *g, bench_ids_t ids, const char *prefix, const char *unit,
                       const char *proc)
{
    *g = (bench_events_t){ .ids = ids, .prefix = prefix, .unit = unit, .proc = proc };
    g->rng = bench_seed();
}

/* A random UUID v4 ("xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx") into @out (37 bytes). */
static void uuid_v4(uint64_t *rng, char *out)
{
    static const char hex[] = "0123456789abcdef";
    uint64_t hi = bench_random(rng), lo = bench_random(rng);
    unsigned char b[16];
    int o = 0;

    for (int i = 0; i < 8; i++) {
        b[i] = (unsigned char)(hi >> (8 * i));
        b[8 + i] = (unsigned char)(lo >> (8 * i));
    }
    b[6] = (unsigned char)((b[6] & 0x0f) | 0x40); /* version 4 */
    b[8] = (unsigned char)((b[8] & 0x3f) | 0x80); /* variant 10 */
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[o++] = '-';
        out[o++] = hex[b[i] >> 4];
        out[o++] = hex[b[i] & 15];
    }
    out[o] = '\0';
}

/* 2025-01-02 08:00 +07:00, a Thursday. */
#define FIRST_AT 1735779600

/* A receipt time on a weekday of 2025 between 08:00 and 16:00 local: the
 * catalog accepts any time, but realistic times keep the due dates (and
 * the calendar years they need) realistic too. */
static int64_t receipt_time(uint64_t i)
{
    uint64_t day = (i / 997) % 250;         /* ~ 250 days after the first */
    uint64_t sec = (i * 7919) % (8 * 3600); /* within 8 office hours */
    int64_t t = FIRST_AT + (int64_t)(day * 86400 + sec);
    int64_t local_days = (t + 7 * 3600) / 86400;
    int wd = (int)((local_days + 3) % 7); /* 0 = Monday */

    if (wd >= 5)
        t += (7 - wd) * 86400; /* move a weekend to Monday */
    return t;
}

void bench_events_next(bench_events_t *g, uint64_t i, bench_event_t *ev)
{
    if (g->ids == BENCH_IDS_UUID) {
        uuid_v4(&g->rng, ev->eid);
        uuid_v4(&g->rng, ev->dossier);
    } else {
        snprintf(ev->eid, sizeof(ev->eid), "%se%010llu", g->prefix, (unsigned long long)i);
        snprintf(ev->dossier, sizeof(ev->dossier), "%sd%010llu", g->prefix, (unsigned long long)i);
    }
    ev->at = receipt_time(i);
    ev->unit = g->unit;
    ev->proc = g->proc;
    ev->channel = i % 3 == 0 ? "online" : "direct";
}

int bench_event_json(const bench_event_t *ev, FILE *out)
{
    time_t local = (time_t)(ev->at + 7 * 3600);
    struct tm tm;
    char at[32];

    gmtime_r(&local, &tm);
    strftime(at, sizeof(at), "%Y-%m-%dT%H:%M:%S+07:00", &tm);
    return fprintf(out,
                   "{\"eid\":\"%s\",\"type\":\"received\",\"at\":\"%s\",\"dossier\":\"%s\","
                   "\"proc\":\"%s\",\"unit\":\"%s\",\"channel\":\"%s\"}\n",
                   ev->eid, at, ev->dossier, ev->proc, ev->unit, ev->channel);
}

void bench_die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fprintf(stderr, "%s: ", program_invocation_short_name);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

void bench_workdir(const char *keep, const char *name, char *dir, size_t len)
{
    const char *tmp = getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";

    if (keep)
        snprintf(dir, len, "%s", keep);
    else if (snprintf(dir, len, "%s/cchc-bench-%s-XXXXXX", tmp, name) < 0 || mkdtemp(dir) == NULL)
        bench_die("cannot make a temporary directory");
    mkdir(dir, 0700);
}

void bench_remove(const char *path)
{
    char cmd[4200];

    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
    if (system(cmd) != 0)
        bench_die("cannot remove %s", path);
}

int bench_free_port(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    int s = socket(AF_INET, SOCK_STREAM, 0), port;

    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        getsockname(s, (struct sockaddr *)&a, &len) < 0)
        bench_die("no free port: %s", strerror(errno));
    port = ntohs(a.sin_port);
    close(s);
    return port;
}

pid_t bench_spawn(const char *log, char *const argv[])
{
    pid_t pid = fork();

    if (pid < 0)
        bench_die("fork: %s", strerror(errno));
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execv(argv[0], argv);
        _exit(127);
    }
    return pid;
}
