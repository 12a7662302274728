/*
 * bench_verdict.c - how fast cchc-scoringd answers the province's verdict
 * (QUERY report, table, table with grades, index) at a province-year volume.
 *
 * Not a test: it asserts nothing and prints figures. It builds a province:
 * a catalog of --units units (a province office, the service center, 20
 * departments, 11 districts, the rest communes) and 100 procedures, and a
 * year of scoring state (15/12/2023-14/12/2024, the period "2024") from
 * --dossiers dossiers' intake log records (receipt, fee, digitization,
 * supplement and SOS requests, resolution, return, rating: about five
 * records a dossier) and complaints' hotline records, applied through
 * scoring's own code (sc_state_apply_batch) as cchc-scoringd applies what
 * it reads. Then it starts --scoringd on that state (on free loopback
 * ports, a test clock of 20/12/2024 so that the year is over, no intake or
 * hotline to read) and times each query over one connection (HELLO as a
 * supervisor of all units), --repeat times after a warm-up: min, median,
 * p90 and max of the round trip, and the answer's size.
 *
 * Usage: bench_verdict [--scoringd=PATH] --calendar=FILE [--policy=FILE]
 *                      [--dossiers=N] [--units=N] [--complaints=N]
 *                      [--since=YYYY-MM-DD] [--repeat=N] [--dir=DIR]
 *   defaults: 1 150 000 dossiers (about 5 million intake records), 150
 *   units, 40 000 complaints, 20 repeats
 *   --scoringd            the daemon to query; without it, only the state is
 *                         built (and how fast its records were applied said)
 *   --calendar, --policy  deploy/catalog/calendar.tsv and policy.ini
 *   --since               the first receipt day (default 2023-12-15, the
 *                         year 2024); earlier, the dossiers are spread over
 *                         more years of history before the one queried
 *   --dir                 build the state there and keep it (default: a
 *                         temporary directory, removed at the end); a
 *                         directory that already holds one is reused
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "cc_catalog.h"
#include "cc_client.h"
#include "cc_time.h"
#include "state.h"

enum { N_DEPARTMENTS = 20, N_DISTRICTS = 11, N_PROCEDURES = 100, BATCH = 4096 };
/* The state directory's path, and room for a file below it. */
enum { DIR_MAX = 1024, PATH_MAX_ = DIR_MAX + 64 };

/* One procedure of the generated catalog. */
typedef struct {
    char code[16];
    int days;   /* working days; 0 = same day */
    int online; /* 0 none, 1 partial, 2 full */
    int fee;
    int level; /* 0 department (and the center), 1 district, 2 commune */
    int dept;  /* for a department's */
} proc_t;

typedef struct {
    int n_units;
    char (*units)[16];
    int *kind; /* 0 office, 1 center, 2 department, 3 district, 4 commune */
    proc_t procs[N_PROCEDURES];
    uint64_t rng;
} province_t;

static uint32_t rnd(province_t *pv, uint32_t n)
{
    pv->rng ^= pv->rng << 13;
    pv->rng ^= pv->rng >> 7;
    pv->rng ^= pv->rng << 17;
    return (uint32_t)(pv->rng % n);
}

/* The daemon started by start_scoringd(), stopped at exit whatever happens. */
static pid_t daemon_pid;

static void stop_daemon(void)
{
    if (daemon_pid > 0) {
        kill(daemon_pid, SIGTERM);
        waitpid(daemon_pid, NULL, 0);
        daemon_pid = 0;
    }
}

static void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die(const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    fputs("bench_verdict: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

/* ---- The catalog ------------------------------------------------------------------ */

static void copy_file(const char *from, const char *to)
{
    char buf[65536];
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    size_t n;

    if (!in || !out)
        die("cannot copy %s to %s: %s", from, to, strerror(errno));
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    if (fclose(out) != 0)
        die("cannot write %s", to);
}

static void make_province(province_t *pv, int n_units)
{
    pv->n_units = n_units;
    pv->units = calloc((size_t)n_units, sizeof(*pv->units));
    pv->kind = calloc((size_t)n_units, sizeof(*pv->kind));
    if (!pv->units || !pv->kind)
        die("out of memory");
    for (int i = 0; i < n_units; i++) {
        int k = i == 0                                ? 0
                : i == 1                              ? 1
                : i < 2 + N_DEPARTMENTS               ? 2
                : i < 2 + N_DEPARTMENTS + N_DISTRICTS ? 3
                                                      : 4;

        pv->kind[i] = k;
        snprintf(pv->units[i], sizeof(pv->units[i]), "%s%03d",
                 (const char *[]){ "VP", "HCC", "SO", "H", "X" }[k], i);
    }
    for (int i = 0; i < N_PROCEDURES; i++) {
        proc_t *p = &pv->procs[i];

        p->level = i < 80 ? 0 : i < 90 ? 1 : 2;
        p->dept = i / 4;
        p->days = (int[]){ 0, 3, 5, 10, 15, 20 }[i % 6];
        p->online = i % 3;
        p->fee = i % 2;
        snprintf(p->code, sizeof(p->code), "P%03d", i);
    }
}

/* Whether unit @u handles procedure @p. */
static bool handles(const province_t *pv, int u, const proc_t *p)
{
    switch (p->level) {
    case 0:
        return pv->kind[u] == 1 ||
               (pv->kind[u] == 2 && (u - 2) % N_DEPARTMENTS == p->dept % N_DEPARTMENTS);
    case 1:
        return pv->kind[u] == 3;
    default:
        return pv->kind[u] == 4;
    }
}

static void write_catalog(const province_t *pv, const char *dir, const char *calendar,
                          const char *policy)
{
    static const char *const kinds[] = { "province_office", "center", "department", "district",
                                         "commune" };
    static const char *const online[] = { "none", "partial", "full" };
    char path[PATH_MAX_ + 64];
    FILE *f;

    mkdir(dir, 0700);
    snprintf(path, sizeof(path), "%s/units.tsv", dir);
    if ((f = fopen(path, "w")) == NULL)
        die("cannot write %s", path);
    fprintf(f, "code\tname\tkind\tparent\teffective_from\teffective_to\n");
    for (int i = 0; i < pv->n_units; i++) {
        const char *parent = pv->kind[i] == 1 ? pv->units[0] : "";
        char dist[16] = "";

        if (pv->kind[i] == 4)
            snprintf(dist, sizeof(dist), "%s", pv->units[2 + N_DEPARTMENTS + i % N_DISTRICTS]);
        fprintf(f, "%s\tĐơn vị %s\t%s\t%s\t\t\n", pv->units[i], pv->units[i], kinds[pv->kind[i]],
                dist[0] ? dist : parent);
    }
    fclose(f);
    snprintf(path, sizeof(path), "%s/procedures.tsv", dir);
    if ((f = fopen(path, "w")) == NULL)
        die("cannot write %s", path);
    fprintf(f, "code\tname\tfield\tlevel\tduration\tduration_kind\tonline\thas_fee\tunits\n");
    for (int i = 0; i < N_PROCEDURES; i++) {
        const proc_t *p = &pv->procs[i];
        const char *sep = "";

        fprintf(f, "%s\tThủ tục %s\tLĩnh vực\t%s\t%d\t%s\t%s\t%s\t", p->code, p->code,
                (const char *[]){ "province", "district", "commune" }[p->level], p->days,
                p->days ? "working_days" : "same_day", online[p->online], p->fee ? "yes" : "no");
        for (int u = 0; u < pv->n_units; u++)
            if (handles(pv, u, p)) {
                fprintf(f, "%s%s", sep, pv->units[u]);
                sep = ",";
            }
        fputc('\n', f);
    }
    fclose(f);
    snprintf(path, sizeof(path), "%s/calendar.tsv", dir);
    copy_file(calendar, path);
    if (policy) {
        snprintf(path, sizeof(path), "%s/policy.ini", dir);
        copy_file(policy, path);
    }
}

/* ---- The year's records ----------------------------------------------------------- */

/* A batch of log records being built, and what applying them took. */
typedef struct {
    sc_state_t *st;
    sc_feed_id_t feed;
    cc_enc_t items;
    size_t n;
    uint64_t seq, records, apply_us;
} feed_t;

static void flush(feed_t *f)
{
    cc_enc_t whole;
    cc_msg_t m = { 0 };
    sc_batch_result_t res;
    char why[128];
    uint64_t t0;

    if (f->n == 0)
        return;
    cc_enc_init(&whole);
    cc_enc_map(&whole, 1);
    cc_enc_str(&whole, "events");
    cc_enc_array(&whole, f->n);
    cc_enc_raw(&whole, f->items.buf.data, f->items.buf.size);
    if (cc_body_decode(whole.buf.data, whole.buf.size, &cc_limits_reply, &m, why, sizeof(why)) != 0)
        die("a batch does not decode: %s", why);
    t0 = bench_now_us();
    if (sc_state_apply_batch(f->st, f->feed, &m.body, 0, &res) < 0 || res.applied != f->n)
        die("a batch was not applied (%" PRIu64 " of %zu)", res.applied, f->n);
    f->apply_us += bench_now_us() - t0;
    f->records += f->n;
    cc_msg_deinit(&m);
    cc_enc_deinit(&whole);
    cc_enc_reset(&f->items);
    f->n = 0;
}

/* Start a record [seq, {eid, type, at, by, ...}]; the caller adds the rest
 * and closes the map (cc_enc_map_close) with the returned handle. */
static size_t record(feed_t *f, const char *type, int64_t at)
{
    char eid[32];
    size_t map;

    if (f->n == BATCH)
        flush(f);
    snprintf(eid, sizeof(eid), "e%" PRIu64, f->seq);
    cc_enc_array(&f->items, 2);
    cc_enc_u64(&f->items, f->seq++);
    map = cc_enc_map_open(&f->items);
    cc_enc_kv_str(&f->items, "eid", eid);
    cc_enc_kv_str(&f->items, "type", type);
    cc_enc_kv_i64(&f->items, "at", at);
    cc_enc_kv_str(&f->items, "by", "bench");
    f->n++;
    return map;
}

/* What every dossier record carries after the event. */
typedef struct {
    char id[24];
    const char *unit, *proc;
    int64_t received_at, due;
} dossier_t;

static void dossier_record(feed_t *f, const dossier_t *d, const char *type, int64_t at,
                           const char *state, const char *k1, const char *v1, const char *k2,
                           const char *v2)
{
    size_t map = record(f, type, at);

    cc_enc_kv_str(&f->items, "dossier", d->id);
    cc_enc_kv_str(&f->items, "unit", d->unit);
    cc_enc_kv_str(&f->items, "runit", d->unit);
    cc_enc_kv_str(&f->items, "proc", d->proc);
    cc_enc_kv_str(&f->items, "state", state);
    cc_enc_kv_i64(&f->items, "received_at", d->received_at);
    cc_enc_kv_i64(&f->items, "due", d->due);
    if (k1)
        cc_enc_kv_str(&f->items, k1, v1);
    if (k2)
        cc_enc_kv_str(&f->items, k2, v2);
    cc_enc_map_close(&f->items, map);
}

/* The working day @n working days after @day (weekends only). */
static int32_t add_working_days(int32_t day, int n)
{
    while (n > 0)
        if (cc_weekday(++day) < 5)
            n--;
    return day;
}

/* One dossier's life, in order. */
static void one_dossier(province_t *pv, feed_t *f, uint64_t i, const int32_t *days, size_t n_days)
{
    dossier_t d;
    const proc_t *p;
    int u, tries = 0;
    int32_t day, due_day, end_day;
    int64_t at, end;
    uint32_t fate = rnd(pv, 100);

    /* A unit: communes get fewer dossiers than districts and departments. */
    do {
        u = 1 + (int)rnd(pv, (uint32_t)pv->n_units - 1);
    } while (pv->kind[u] == 4 && rnd(pv, 3) != 0 && ++tries < 8);
    do {
        p = &pv->procs[rnd(pv, N_PROCEDURES)];
    } while (!handles(pv, u, p));
    snprintf(d.id, sizeof(d.id), "D%" PRIu64, i);
    d.unit = pv->units[u];
    d.proc = p->code;
    day = days[rnd(pv, (uint32_t)n_days)];
    d.received_at = cc_day_start(day) + 7 * 3600 + 1800 + rnd(pv, 9 * 3600);
    due_day = add_working_days(day, p->days);
    d.due = cc_day_start(due_day) + 17 * 3600;
    dossier_record(f, &d, "received", d.received_at, "processing", "channel",
                   p->online && rnd(pv, 10) < 7 ? "online"
                   : rnd(pv, 20)                ? "direct"
                                                : "postal",
                   NULL, NULL);
    at = d.received_at + 600;
    if (p->fee)
        dossier_record(f, &d, "fee_paid", at, "processing", "method",
                       (const char *[]){ "cash", "cash", "cash", "cashless", "online" }[rnd(pv, 5)],
                       NULL, NULL);
    if (rnd(pv, 7) == 0)
        dossier_record(f, &d, "digitized", at + 60, "processing", "what", "components", NULL, NULL);
    if (fate < 3) { /* a supplement request, denied */
        dossier_record(f, &d, "sos_requested", at + 120, "processing", "kind", "supplement", NULL,
                       NULL);
        dossier_record(f, &d, "sos_reviewed", at + 180, "processing", NULL, NULL, NULL, NULL);
    }
    if (fate >= 97) { /* withdrawn */
        dossier_record(f, &d, "sos_requested", at + 240, "processing", "kind", "withdraw", NULL,
                       NULL);
        dossier_record(f, &d, "sos_reviewed", at + 300, "withdrawn", NULL, NULL, NULL, NULL);
        return;
    }
    /* Mostly in time, some late; those received late in the year may stay open. */
    end_day = add_working_days(day, p->days ? (int)rnd(pv, (uint32_t)p->days + 4) : 0);
    if (end_day > days[n_days - 1] - 2 && rnd(pv, 2))
        return;
    end = cc_day_start(end_day) + 14 * 3600;
    if (end < at + 400)
        end = at + 400;
    dossier_record(f, &d, "resolved", end, "resolved", "class",
                   end > d.due         ? "late"
                   : end_day < due_day ? "early"
                                       : "on_time",
                   "apology", "none");
    if (rnd(pv, 10) < 9)
        dossier_record(f, &d, "returned", end + 3600, "returned", "method",
                       rnd(pv, 3) ? "counter" : "electronic", NULL, NULL);
    if (rnd(pv, 12) == 0)
        dossier_record(f, &d, "digitized", end + 3700, "returned", "what", "result", NULL, NULL);
    if (rnd(pv, 10) < 7)
        dossier_record(f, &d, "rated", end + 3800, "returned", "rating",
                       (const char *[]){ "very_satisfied", "satisfied", "satisfied",
                                         "dissatisfied" }[rnd(pv, 20) ? rnd(pv, 3) : 3],
                       NULL, NULL);
}

static void one_complaint(province_t *pv, feed_t *f, uint64_t i, uint64_t dossiers,
                          const int32_t *days, size_t n_days)
{
    char id[24], dossier[24];
    int64_t at = cc_day_start(days[rnd(pv, (uint32_t)n_days)]) + 9 * 3600;
    const char *unit = pv->units[1 + rnd(pv, (uint32_t)pv->n_units - 1)];
    static const char *const types[] = { "pakn_received", "pakn_assigned", "pakn_answered" };

    snprintf(id, sizeof(id), "PA%" PRIu64, i);
    snprintf(dossier, sizeof(dossier), "D%" PRIu32, rnd(pv, (uint32_t)dossiers));
    for (int k = 0; k < 3; k++) {
        size_t map = record(f, types[k], at + k * 3600);

        cc_enc_kv_str(&f->items, "pakn", id);
        cc_enc_kv_str(&f->items, "unit", k ? unit : "");
        cc_enc_kv_u64(&f->items, "level", k ? 2 : 1);
        cc_enc_kv_str(&f->items, "state",
                      (const char *[]){ "received", "assigned", "answered" }[k]);
        cc_enc_kv_i64(&f->items, "due", at + 86400);
        cc_enc_kv_str(&f->items, "dossier", i % 2 ? dossier : "");
        if (k == 2)
            cc_enc_kv_bool(&f->items, "on_time", rnd(pv, 10) != 0);
        cc_enc_map_close(&f->items, map);
    }
}

static void build_state(province_t *pv, const char *state_dir, const char *catalog_dir,
                        const char *since, uint64_t dossiers, uint64_t complaints)
{
    cc_catalog_t *cat = NULL;
    sc_state_t *st = NULL;
    char err[CC_CATALOG_ERR_LEN];
    int32_t first, last, days[20 * 262];
    size_t n_days = 0;
    feed_t f = { .seq = 1 };
    uint64_t t0 = bench_now_us();

    if (cc_catalog_load(catalog_dir, &cat, err, sizeof(err)) < 0)
        die("catalog: %s", err);
    if (sc_state_open(state_dir, 256u << 20, cat, &st, err, sizeof(err)) < 0)
        die("scoring state: %s", err);
    if (cc_date_parse(since, &first) < 0)
        die("--since=%s: expected YYYY-MM-DD", since);
    cc_date_parse("2024-12-14", &last);
    if (last - first > 20 * 365)
        die("--since=%s: at most 20 years", since);
    for (int32_t d = first; d <= last; d++)
        if (cc_weekday(d) < 5)
            days[n_days++] = d;
    f.st = st;
    f.feed = SC_FEED_INTAKE;
    cc_enc_init(&f.items);
    for (uint64_t i = 0; i < dossiers; i++)
        one_dossier(pv, &f, i, days, n_days);
    flush(&f);
    printf("state: %" PRIu64 " dossiers, %" PRIu64 " intake records applied in %.1f s "
           "(%.0f records/s through sc_state_apply_batch)\n",
           dossiers, f.records, (double)f.apply_us / 1e6,
           (double)f.records * 1e6 / (double)(f.apply_us ? f.apply_us : 1));
    f.feed = SC_FEED_HOTLINE;
    f.seq = 1;
    f.records = f.apply_us = 0;
    for (uint64_t i = 0; i < complaints; i++)
        one_complaint(pv, &f, i, dossiers, days, n_days);
    flush(&f);
    printf("state: %" PRIu64 " complaints, %" PRIu64 " hotline records; built in %.1f s\n",
           complaints, f.records, (double)(bench_now_us() - t0) / 1e6);
    cc_enc_deinit(&f.items);
    sc_state_close(&st);
    cc_catalog_destroy(&cat);
}

/* ---- The daemon and the queries ---------------------------------------------------- */

static int free_port(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t len = sizeof(a);
    int s = socket(AF_INET, SOCK_STREAM, 0), port;

    if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 ||
        getsockname(s, (struct sockaddr *)&a, &len) < 0)
        die("no free port: %s", strerror(errno));
    port = ntohs(a.sin_port);
    close(s);
    return port;
}

static void start_scoringd(const char *bin, const char *dir, char *ep, size_t ep_len)
{
    char a[6][PATH_MAX_], log[PATH_MAX_];
    pid_t pid;

    snprintf(ep, ep_len, "tcp://127.0.0.1:%d", free_port());
    snprintf(a[0], sizeof(a[0]), "--listen=%s", ep);
    snprintf(a[1], sizeof(a[1]), "--publish=tcp://127.0.0.1:%d", free_port());
    snprintf(a[2], sizeof(a[2]), "--intake=tcp://127.0.0.1:%d", free_port());
    snprintf(a[3], sizeof(a[3]), "--hotline=tcp://127.0.0.1:%d", free_port());
    snprintf(a[4], sizeof(a[4]), "--state-dir=%s/scoring", dir);
    snprintf(a[5], sizeof(a[5]), "--catalog-dir=%s/catalog", dir);
    snprintf(log, sizeof(log), "%s/scoringd.log", dir);
    if ((pid = fork()) < 0)
        die("fork: %s", strerror(errno));
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

        if (fd >= 0) {
            dup2(fd, 1);
            dup2(fd, 2);
        }
        execl(bin, bin, a[0], a[1], a[2], a[3], a[4], a[5],
              "--test-clock=2024-12-20T12:00:00+07:00", "--log-level=warning", (char *)NULL);
        _exit(127);
    }
    daemon_pid = pid;
    atexit(stop_daemon);
}

/* Time QUERY @q with @pairs @repeat times (after one untimed warm-up). */
static void time_query(cc_client_t *c, const char *what, const char *q, const cc_enc_t *pairs,
                       int repeat)
{
    uint64_t *us = calloc((size_t)repeat, sizeof(*us));
    size_t size = 0, rows = 0;
    cc_client_error_t err;

    if (us == NULL)
        die("out of memory");
    for (int i = -1; i < repeat; i++) {
        cc_msg_t m = { 0 };
        uint64_t t0 = bench_now_us();
        int r = cc_client_query(c, q, pairs->buf.data, pairs->buf.size, &m, &err);
        const msgpack_object *rs;

        if (r != 0)
            die("%s: %s", what, r == 1 ? err.en : strerror(-r));
        if (i >= 0)
            us[i] = bench_now_us() - t0;
        if (i == repeat - 1) { /* the answer's size, re-encoded */
            cc_enc_t e;

            cc_enc_init(&e);
            cc_enc_object(&e, &m.body);
            size = e.buf.size;
            cc_enc_deinit(&e);
        }
        rs = cc_map_find(&m.body, "rows");
        rows = rs && rs->type == MSGPACK_OBJECT_ARRAY ? rs->via.array.size : 1;
        cc_msg_deinit(&m);
    }
    bench_sort_u64(us, (size_t)repeat);
    printf("  %-44s %4zu rows %7zu KiB  min %6.1f  median %6.1f  p90 %6.1f  max %6.1f ms\n", what,
           rows, size / 1024, (double)us[0] / 1e3, (double)us[repeat / 2] / 1e3,
           (double)us[(repeat * 9) / 10] / 1e3, (double)us[repeat - 1] / 1e3);
    free(us);
}

static void run_queries(const char *ep, const province_t *pv, int repeat)
{
    cc_client_opts_t co = { .timeout_ms = 60000 };
    cc_client_t *c = NULL;
    cc_client_error_t err;
    cc_enc_t q;
    int r = -ETIMEDOUT;

    cc_enc_init(&q);
    if (cc_client_new(NULL, ep, &co, &c) < 0)
        die("cannot connect to %s", ep);
    for (int i = 0; i < 100 && r == -ETIMEDOUT; i++)
        r = cc_client_hello(c, "supervisor", "bench", "*", NULL, &err);
    if (r != 0)
        die("HELLO to cchc-scoringd failed");
    {
        /* What the state holds, as the year's table says it. */
        cc_msg_t m = { 0 };
        const msgpack_object *t;
        uint64_t rec = 0, res = 0, open = 0, pakn = 0;
        char rate[16] = "";

        cc_enc_str(&q, "units");
        cc_enc_array(&q, 1);
        cc_enc_str(&q, "*");
        cc_enc_kv_str(&q, "period", "2024");
        if (cc_client_query(c, "table", q.buf.data, q.buf.size, &m, &err) != 0 ||
            (t = cc_map_find(&m.body, "total")) == NULL)
            die("the year's table failed");
        cc_map_u64(t, "received", &rec);
        cc_map_u64(t, "resolved", &res);
        cc_map_u64(t, "open_at_end", &open);
        cc_map_u64(t, "pakn_received", &pakn);
        cc_map_strcpy(t, "on_time_rate", rate, sizeof(rate));
        printf("year 2024 (15/12/2023-14/12/2024), all units: %" PRIu64 " received, %" PRIu64
               " resolved (%s%% on time), %" PRIu64 " open at the end, %" PRIu64 " complaints\n",
               rec, res, rate, open, pakn);
        cc_msg_deinit(&m);
    }
    printf("queries (round trip over one connection, %d times each after a warm-up):\n", repeat);
#define Q(what, query, ...)                                                                        \
    do {                                                                                           \
        cc_enc_reset(&q);                                                                          \
        __VA_ARGS__;                                                                               \
        time_query(c, what, query, &q, repeat);                                                    \
    } while (0)
#define ALL                                                                                        \
    cc_enc_str(&q, "units");                                                                       \
    cc_enc_array(&q, 1);                                                                           \
    cc_enc_str(&q, "*")
    Q("report: one district, year 2024", "report", cc_enc_kv_str(&q, "unit", pv->units[30]);
      cc_enc_kv_str(&q, "period", "2024"));
    Q("report: one commune, month 2024-06", "report", cc_enc_kv_str(&q, "unit", pv->units[100]);
      cc_enc_kv_str(&q, "period", "2024-06"));
    Q("table: all units, year 2024", "table", ALL; cc_enc_kv_str(&q, "period", "2024"));
    Q("table: all units, year, ranked by on_time", "table", ALL;
      cc_enc_kv_str(&q, "period", "2024"); cc_enc_kv_str(&q, "sort", "on_time"));
    Q("table: all units, quarter 2024-Q2", "table", ALL; cc_enc_kv_str(&q, "period", "2024-Q2"));
    Q("table: districts with their communes, year", "table", cc_enc_kv_str(&q, "kind", "district");
      cc_enc_kv_bool(&q, "children", true); cc_enc_kv_str(&q, "period", "2024"));
    Q("grade: all units, year 2024", "table", ALL; cc_enc_kv_str(&q, "period", "2024");
      cc_enc_kv_str(&q, "sort", "on_time"); cc_enc_kv_bool(&q, "grades", true));
    Q("index: all units, year 2024", "index", ALL; cc_enc_kv_str(&q, "period", "2024"));
    Q("index: all units, year, ranked by score", "index", ALL; cc_enc_kv_str(&q, "period", "2024");
      cc_enc_kv_str(&q, "sort", "index_score"));
    Q("index: one district, year 2024", "index", cc_enc_str(&q, "units"); cc_enc_array(&q, 1);
      cc_enc_str(&q, pv->units[30]); cc_enc_kv_str(&q, "period", "2024"));
#undef ALL
#undef Q
    cc_client_destroy(&c);
    cc_enc_deinit(&q);
}

int main(int argc, char **argv)
{
    const char *scoringd = bench_opt(argc, argv, "--scoringd", NULL);
    const char *calendar = bench_opt(argc, argv, "--calendar", NULL);
    const char *policy = bench_opt(argc, argv, "--policy", NULL);
    const char *keep = bench_opt(argc, argv, "--dir", NULL);
    const char *since = bench_opt(argc, argv, "--since", "2023-12-15");
    uint64_t dossiers = strtoull(bench_opt(argc, argv, "--dossiers", "1150000"), NULL, 10);
    uint64_t complaints = strtoull(bench_opt(argc, argv, "--complaints", "40000"), NULL, 10);
    int n_units = atoi(bench_opt(argc, argv, "--units", "150"));
    int repeat = atoi(bench_opt(argc, argv, "--repeat", "20"));
    province_t pv = { .rng = 0x9E3779B97F4A7C15ull };
    char dir[DIR_MAX], path[PATH_MAX_], ep[64], cmd[PATH_MAX_];
    struct stat sb;

    if (!calendar || n_units < 2 + N_DEPARTMENTS + N_DISTRICTS + 1 || repeat < 1 || dossiers == 0) {
        fprintf(stderr, "Usage: bench_verdict [--scoringd=PATH] --calendar=FILE [--policy=FILE] "
                        "[--dossiers=N] [--units=N (>= 34)] [--complaints=N] "
                        "[--since=YYYY-MM-DD] [--repeat=N] [--dir=DIR]\n");
        return 2;
    }
    if (keep)
        snprintf(dir, sizeof(dir), "%s", keep);
    else if (snprintf(dir, sizeof(dir), "%s/cchc-bench-verdict-XXXXXX",
                      getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp") < 0 ||
             mkdtemp(dir) == NULL)
        die("cannot make a temporary directory");
    mkdir(dir, 0700);
    make_province(&pv, n_units);
    printf("province: %d units (1 office, 1 center, %d departments, %d districts, %d communes), "
           "%d procedures; state in %s\n",
           n_units, N_DEPARTMENTS, N_DISTRICTS, n_units - 2 - N_DEPARTMENTS - N_DISTRICTS,
           N_PROCEDURES, dir);
    /* cchc-scoringd --state-dir=D keeps its LMDB environment in D/db. */
    snprintf(path, sizeof(path), "%s/scoring/db/data.mdb", dir);
    if (keep && stat(path, &sb) == 0) {
        printf("state: reusing %s (%.0f MiB)\n", path, (double)sb.st_size / (1 << 20));
    } else {
        snprintf(path, sizeof(path), "%s/catalog", dir);
        write_catalog(&pv, path, calendar, policy);
        snprintf(cmd, sizeof(cmd), "%s/scoring", dir);
        mkdir(cmd, 0700);
        snprintf(cmd, sizeof(cmd), "%s/scoring/db", dir);
        build_state(&pv, cmd, path, since, dossiers, complaints);
        snprintf(path, sizeof(path), "%s/scoring/db/data.mdb", dir);
        if (stat(path, &sb) == 0)
            printf("state: LMDB %.0f MiB\n", (double)sb.st_size / (1 << 20));
    }
    if (scoringd) {
        start_scoringd(scoringd, dir, ep, sizeof(ep));
        run_queries(ep, &pv, repeat);
        stop_daemon();
    }
    if (!keep) {
        snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
        if (system(cmd) != 0)
            fprintf(stderr, "bench_verdict: could not remove %s\n", dir);
    }
    return 0;
}
