/*
 * bench_replay.c - how fast scoring replays a province-year of the intake
 * and hotline logs, from an empty state until it has caught up.
 *
 * Not a test: it asserts nothing and prints figures. It generates the
 * province of bench_province.h and a year of its records (--dossiers
 * dossiers' intake records, --complaints complaints and --contacts
 * contacts of the hotline), sorts each log by time as the sources would
 * have logged them, and writes the two logs into LMDB stores laid out as
 * intake's and hotline's (db "log", big-endian sequence numbers). Then:
 *
 *  - in process (--in-process, the default without --scoringd): scoring's
 *    own code reads the logs page by page as its feeds do, each page a
 *    BATCH body as the sources serve it, read in place (sc_batch_open)
 *    and applied in groups (sc_state_apply_group) as cchc-scoringd gathers
 *    them, into a fresh state. Timed with this thread's CPU clock (reading
 *    and applying only; making the pages is the sources' work) and the
 *    wall clock;
 *  - through the daemons (--scoringd, --intaked, --hotlined): the real
 *    cchc-intaked and cchc-hotlined serve the two stores (intake rebuilds
 *    its dossier state from the log the first time), then a fresh
 *    cchc-scoringd is started and `stats` polled every 20 ms until both
 *    cursors reach the heads: the time from start-up to caught up, the
 *    daemon's CPU time (user + system, /proc), its peak RSS (VmHWM) and
 *    the size of its state. --repeat=N replays N times.
 *
 * The machine may be shared: CPU time per record is the steadier figure.
 *
 * Usage: bench_replay --calendar=FILE [--policy=FILE] [--dossiers=N]
 *                     [--complaints=N] [--contacts=N] [--units=N]
 *                     [--since=YYYY-MM-DD] [--dir=DIR] [--in-process]
 *                     [--scoringd=PATH --intaked=PATH --hotlined=PATH]
 *                     [--repeat=N]
 *   defaults: 1 150 000 dossiers (about 5 million intake records), 40 000
 *   complaints (3 records each), 200 000 contacts, 150 units, 1 repeat
 *   --dir  build the logs there and keep them (default: a temporary
 *          directory, removed at the end); logs already there are reused
 */
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "bench_province.h"
#include "cc_base.h"
#include "cc_catalog.h"
#include "cc_client.h"
#include "cc_store.h"
#include "feed.h"
#include "record.h"
#include "scoring.h"
#include "state.h"

enum { DIR_MAX = 1024, PATH_MAX_ = DIR_MAX + 64 };
/* Log records written per transaction when the logs are made. */
enum { WRITE_CHUNK = 20000 };
/* A page stops after the record that brings it to this size, as the
 * sources' READ does (PROTOCOL.md §2.3). */
#define PAGE_MAX_BYTES (4u << 20)
/* The test clock of the daemons: after every generated record. */
#define CLOCK "2025-03-01T12:00:00+07:00"

static const char *const source_names[SC_FEED_COUNT_] = { "intake", "hotline" };

/* ---- The logs ------------------------------------------------------------------------- */

/* One generated record, by time, in a log being made. */
typedef struct {
    int64_t at;
    uint64_t order; /* generation order: records of one subject keep theirs */
    size_t off, len;
} entry_t;

typedef struct {
    cc_enc_t data; /* the records, one after the other */
    entry_t *e;
    size_t n, cap;
} log_t;

/* bench_record_fn: keep the record for the log. */
static void keep_record(void *ctx, int64_t at, const void *rec, size_t len)
{
    log_t *l = ctx;

    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1 << 16;
        if ((l->e = realloc(l->e, l->cap * sizeof(*l->e))) == NULL)
            bench_die("out of memory");
    }
    l->e[l->n] = (entry_t){ at, l->n, l->data.buf.size, len };
    l->n++;
    cc_enc_raw(&l->data, rec, len);
}

static int by_time(const void *a, const void *b)
{
    const entry_t *x = a, *y = b;

    if (x->at != y->at)
        return x->at < y->at ? -1 : 1;
    return x->order < y->order ? -1 : x->order > y->order;
}

typedef struct {
    const log_t *l;
    MDB_dbi dbi;
    size_t next;
} write_t;

static int write_chunk(cc_txn_t *txn, void *arg)
{
    write_t *w = arg;
    uint64_t seq;
    int r = 0;

    for (size_t i = w->next; i < w->l->n && i < w->next + WRITE_CHUNK && r == 0; i++)
        r = cc_log_append(txn, w->dbi, w->l->data.buf.data + w->l->e[i].off, w->l->e[i].len, &seq);
    return r;
}

/* Sort @l by time and write it as the log of the store in @dir. */
static void write_log(log_t *l, const char *dir)
{
    cc_store_opts_t so = { .map_size = (size_t)1 << 30 };
    cc_store_t *store = NULL;
    write_t w = { l, 0, 0 };
    int r;

    qsort(l->e, l->n, sizeof(*l->e), by_time);
    if ((r = cc_store_open(dir, &so, &store)) < 0 ||
        (r = cc_store_dbi(store, "log", 0, &w.dbi)) < 0)
        bench_die("cannot open %s: %s", dir, cc_store_strerror(r));
    for (; w.next < l->n; w.next += WRITE_CHUNK)
        if ((r = cc_store_write(store, write_chunk, &w)) < 0)
            bench_die("cannot write the log in %s: %s", dir, cc_store_strerror(r));
    cc_store_close(&store);
}

static void make_logs(bench_province_t *pv, const char *dir, uint64_t dossiers, uint64_t complaints,
                      uint64_t contacts)
{
    log_t logs[SC_FEED_COUNT_];
    bench_gen_t g;
    char path[PATH_MAX_];
    uint64_t t0 = bench_now_us();

    for (int f = 0; f < SC_FEED_COUNT_; f++) {
        memset(&logs[f], 0, sizeof(logs[f]));
        cc_enc_init(&logs[f].data);
    }
    bench_gen_init(&g, pv, keep_record, &logs[SC_FEED_INTAKE]);
    for (uint64_t i = 0; i < dossiers; i++)
        bench_gen_dossier(&g);
    g.ctx = &logs[SC_FEED_HOTLINE];
    for (uint64_t i = 0; i < complaints; i++)
        bench_gen_complaint(&g, i);
    for (uint64_t i = 0; i < contacts; i++)
        bench_gen_contact(&g, i);
    bench_gen_deinit(&g);
    for (int f = 0; f < SC_FEED_COUNT_; f++) {
        snprintf(path, sizeof(path), "%s/%s", dir, source_names[f]);
        mkdir(path, 0700);
        snprintf(path, sizeof(path), "%s/%s/db", dir, source_names[f]);
        write_log(&logs[f], path);
        printf("logs: %s, %zu records (%.0f MiB of MessagePack)\n", source_names[f], logs[f].n,
               (double)logs[f].data.buf.size / (1 << 20));
        cc_enc_deinit(&logs[f].data);
        free(logs[f].e);
    }
    printf("logs: made in %.1f s, in time order\n", (double)(bench_now_us() - t0) / 1e6);
}

/* ---- In process ------------------------------------------------------------------------ */

/* One source's log, read page by page as a feed reads it. */
typedef struct {
    cc_store_t *store;
    MDB_dbi dbi;
    uint64_t head, cursor;
    cc_enc_t items;
    size_t n, bytes;
} source_t;

static int page_one(uint64_t seq, const void *rec, size_t len, void *arg)
{
    source_t *s = arg;

    cc_enc_array(&s->items, 2);
    cc_enc_u64(&s->items, seq);
    cc_enc_raw(&s->items, rec, len);
    s->n++;
    s->bytes += len + 12;
    return s->bytes >= PAGE_MAX_BYTES;
}

/* The next page after the cursor as a BATCH body {rid, last, head,
 * events}, into @page. */
static void next_page(source_t *s, cc_enc_t *page)
{
    cc_txn_t txn;
    int r;

    cc_enc_reset(&s->items);
    s->n = s->bytes = 0;
    if ((r = cc_store_read_begin(s->store, &txn)) < 0 ||
        (r = cc_log_scan(&txn, s->dbi, s->cursor, SC_FEED_READ_MAX, page_one, s, NULL)) < 0)
        bench_die("cannot read a log: %s", cc_store_strerror(r));
    cc_txn_end(&txn);
    cc_enc_reset(page);
    cc_enc_map(page, 4);
    cc_enc_kv_u64(page, "rid", 1);
    cc_enc_kv_u64(page, "last", s->cursor + s->n);
    cc_enc_kv_u64(page, "head", s->head);
    cc_enc_str(page, "events");
    cc_enc_array(page, s->n);
    cc_enc_raw(page, s->items.buf.data, s->items.buf.size);
}

static uint64_t thread_cpu_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* Pages read and not yet applied. */
typedef struct {
    cc_enc_t page[SC_GROUP_BATCHES];
    sc_batch_t batch[SC_GROUP_BATCHES];
    sc_batch_result_t res[SC_GROUP_BATCHES];
    size_t n;
    uint64_t records;
} group_t;

static void apply_group(sc_state_t *st, group_t *g)
{
    int r;

    if ((r = sc_state_apply_group(st, g->batch, g->n, 0, g->res)) < 0)
        bench_die("a group was not applied: %s", cc_store_strerror(r));
    sc_state_publish(st, NULL, NULL);
    for (size_t i = 0; i < g->n; i++)
        if (g->res[i].gap || g->res[i].malformed || g->res[i].rollback)
            bench_die("a page was not applied whole");
    g->n = 0;
    g->records = 0;
}

static void replay_in_process(const char *dir)
{
    static group_t g;

    for (size_t i = 0; i < SC_GROUP_BATCHES; i++)
        cc_enc_init(&g.page[i]);
    source_t src[SC_FEED_COUNT_];
    cc_catalog_t *cat = NULL;
    sc_state_t *st = NULL;
    sc_stats_t stats;
    char path[PATH_MAX_], err[CC_CATALOG_ERR_LEN];
    uint64_t records = 0, cpu_us = 0, t0;
    bool more = true;
    int r;

    snprintf(path, sizeof(path), "%s/catalog", dir);
    if (cc_catalog_load(path, &cat, err, sizeof(err)) < 0)
        bench_die("catalog: %s", err);
    snprintf(path, sizeof(path), "%s/replay", dir);
    bench_remove(path);
    if (sc_state_open(path, 0, cat, &st, err, sizeof(err)) < 0)
        bench_die("scoring state: %s", err);
    for (int f = 0; f < SC_FEED_COUNT_; f++) {
        cc_txn_t txn;

        memset(&src[f], 0, sizeof(src[f]));
        cc_enc_init(&src[f].items);
        snprintf(path, sizeof(path), "%s/%s/db", dir, source_names[f]);
        if ((r = cc_store_open(path, NULL, &src[f].store)) < 0 ||
            (r = cc_store_dbi(src[f].store, "log", 0, &src[f].dbi)) < 0 ||
            (r = cc_store_read_begin(src[f].store, &txn)) < 0 ||
            (r = cc_log_last(&txn, src[f].dbi, &src[f].head)) < 0)
            bench_die("cannot open %s: %s", path, cc_store_strerror(r));
        cc_txn_end(&txn);
    }
    t0 = bench_now_us();
    /* Both feeds in turn, a page each, as the daemon's loop takes them;
     * pages gathered into groups applied in one transaction each, as
     * cchc-scoringd gathers them (scoring.h, SC_GROUP_RECORDS). */
    while (more) {
        more = false;
        for (int f = 0; f < SC_FEED_COUNT_; f++) {
            source_t *s = &src[f];
            cc_enc_t *page = &g.page[g.n];
            sc_batch_view_t view;
            char why[128];
            uint64_t c0;

            if (s->cursor >= s->head)
                continue;
            next_page(s, page);
            c0 = thread_cpu_us();
            /* What the feed reads of a BATCH when it comes (feed.c). */
            if (sc_batch_open(page->buf.data, page->buf.size, &view, why, sizeof(why)) < 0)
                bench_die("a page is no BATCH: %s", why);
            g.batch[g.n] = (sc_batch_t){ (sc_feed_id_t)f, page->buf.data, page->buf.size };
            g.n++;
            g.records += s->n;
            s->cursor += s->n;
            if (s->cursor >= s->head || g.n == SC_GROUP_BATCHES || g.records >= SC_GROUP_RECORDS)
                apply_group(st, &g);
            cpu_us += thread_cpu_us() - c0;
            more |= s->cursor < s->head;
        }
    }
    for (int f = 0; f < SC_FEED_COUNT_; f++)
        records += src[f].cursor;
    t0 = bench_now_us() - t0;
    if ((r = sc_state_stats(st, &stats)) < 0)
        bench_die("stats: %s", cc_store_strerror(r));
    printf("in process: %" PRIu64 " records (%" PRIu64 " intake, %" PRIu64 " hotline) in %.2f s: "
           "%.0f records/s; decoding and applying %.2f s of CPU: %.2f us a record (%.0f records "
           "per CPU second); state %.0f MiB\n",
           records, src[0].head, src[1].head, (double)t0 / 1e6, (double)records * 1e6 / (double)t0,
           (double)cpu_us / 1e6, (double)cpu_us / (double)records,
           (double)records * 1e6 / (double)cpu_us, (double)stats.store.used_bytes / (1 << 20));
    for (int f = 0; f < SC_FEED_COUNT_; f++) {
        cc_enc_deinit(&src[f].items);
        cc_store_close(&src[f].store);
    }
    for (size_t i = 0; i < SC_GROUP_BATCHES; i++)
        cc_enc_deinit(&g.page[i]);
    sc_state_close(&st);
    cc_catalog_destroy(&cat);
}

/* ---- Through the daemons --------------------------------------------------------------- */

/* The daemons started, stopped at exit whatever happens. */
static pid_t daemons[3];

static void stop_daemon(pid_t *pid)
{
    if (*pid > 0) {
        kill(*pid, SIGTERM);
        waitpid(*pid, NULL, 0);
        *pid = 0;
    }
}

static void stop_daemons(void)
{
    for (size_t i = 0; i < CC_N(daemons); i++)
        stop_daemon(&daemons[i]);
}

/* Start @bin on @dir/@name's state with a fresh endpoint (into @ep). */
static pid_t start_daemon(const char *bin, const char *dir, const char *name, const char *extra1,
                          const char *extra2, char *ep, size_t ep_len)
{
    char a[5][PATH_MAX_], log[PATH_MAX_];

    snprintf(ep, ep_len, "tcp://127.0.0.1:%d", bench_free_port());
    snprintf(a[0], sizeof(a[0]), "--listen=%s", ep);
    snprintf(a[1], sizeof(a[1]), "--state-dir=%s/%s", dir, name);
    snprintf(a[2], sizeof(a[2]), "--catalog-dir=%s/catalog", dir);
    snprintf(a[3], sizeof(a[3]), "--test-clock=%s", CLOCK);
    snprintf(a[4], sizeof(a[4]), "--log-level=notice");
    snprintf(log, sizeof(log), "%s/%sd.log", dir, name);
    return bench_spawn(log, (char *const[]){ CC_UNCONST(bin), a[0], a[1], a[2], a[3], a[4],
                                             CC_UNCONST(extra1), CC_UNCONST(extra2), NULL });
}

/* A client of @ep said HELLO as an operator (waits up to @wait_s for the
 * daemon: intake may rebuild its state from the log first); its log head.
 * Its queries wait up to a minute: a daemon busy applying answers late. */
static cc_client_t *connect_operator(const char *ep, int wait_s, uint64_t *ret_head)
{
    cc_client_opts_t co = { .timeout_ms = 60000 };
    cc_client_t *c = NULL;
    cc_client_error_t err;
    int r = -ETIMEDOUT;

    if (cc_client_new(NULL, ep, &co, &c) < 0)
        bench_die("cannot connect to %s", ep);
    for (uint64_t t0 = bench_now_us();
         r == -ETIMEDOUT && bench_now_us() - t0 < (uint64_t)wait_s * 1000000u;)
        r = cc_client_hello(c, "operator", "bench", "*", ret_head, &err);
    if (r != 0)
        bench_die("HELLO to %s failed", ep);
    return c;
}

/* QUERY stats of @c: @key's value. */
static uint64_t stat_of(cc_client_t *c, const char *key)
{
    cc_client_error_t err;
    cc_msg_t m = { 0 };
    uint64_t v = 0;

    if (cc_client_query(c, "stats", NULL, 0, &m, &err) != 0 || cc_map_u64(&m.body, key, &v) < 0)
        bench_die("stats %s failed", key);
    cc_msg_deinit(&m);
    return v;
}

/* /proc/@pid/stat: user + system CPU in microseconds. */
static uint64_t proc_cpu_us(pid_t pid)
{
    char path[64], buf[1024], *p;
    unsigned long long ut = 0, stime = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
    if ((f = fopen(path, "r")) == NULL || fgets(buf, sizeof(buf), f) == NULL)
        bench_die("cannot read %s", path);
    fclose(f);
    /* After "pid (comm) ": state is field 3, utime 14, stime 15. */
    if ((p = strrchr(buf, ')')) == NULL ||
        sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %llu %llu", &ut, &stime) != 2)
        bench_die("cannot parse %s", path);
    return (ut + stime) * 1000000ull / (unsigned long long)sysconf(_SC_CLK_TCK);
}

/* /proc/@pid/status: @key's value ("VmHWM:") in KiB. */
static uint64_t proc_kib(pid_t pid, const char *key)
{
    char path[64], line[256];
    unsigned long long v = 0;
    FILE *f;

    snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
    if ((f = fopen(path, "r")) == NULL)
        bench_die("cannot read %s", path);
    while (fgets(line, sizeof(line), f))
        if (strncmp(line, key, strlen(key)) == 0)
            sscanf(line + strlen(key), "%llu", &v);
    fclose(f);
    return v;
}

static void replay_daemons(const char *dir, const char *scoringd, const char *intaked,
                           const char *hotlined, int repeat)
{
    char ep[SC_FEED_COUNT_][64], sep[64], opt[SC_FEED_COUNT_][128], cmd[PATH_MAX_];
    const char *bins[SC_FEED_COUNT_] = { intaked, hotlined };
    uint64_t head[SC_FEED_COUNT_];

    atexit(stop_daemons);
    for (int f = 0; f < SC_FEED_COUNT_; f++) {
        cc_client_t *c;

        daemons[1 + f] =
            start_daemon(bins[f], dir, source_names[f], NULL, NULL, ep[f], sizeof(ep[f]));
        c = connect_operator(ep[f], 1200, &head[f]);
        head[f] = stat_of(c, "log_head");
        cc_client_destroy(&c);
        snprintf(opt[f], sizeof(opt[f]), "--%s=%s", source_names[f], ep[f]);
    }
    printf("through the daemons: %s serves %" PRIu64 " records, %s %" PRIu64 "\n", intaked, head[0],
           hotlined, head[1]);
    for (int i = 0; i < repeat; i++) {
        uint64_t t0, dt, cpu, src_cpu[SC_FEED_COUNT_], used, hwm;
        struct stat sb;
        cc_client_t *c;
        char path[PATH_MAX_];

        snprintf(cmd, sizeof(cmd), "%s/scoring", dir);
        bench_remove(cmd);
        for (int f = 0; f < SC_FEED_COUNT_; f++)
            src_cpu[f] = proc_cpu_us(daemons[1 + f]);
        t0 = bench_now_us();
        daemons[0] = start_daemon(scoringd, dir, "scoring", opt[0], opt[1], sep, sizeof(sep));
        c = connect_operator(sep, 60, NULL);
        while (stat_of(c, "cursor_intake") < head[0] || stat_of(c, "cursor_hotline") < head[1])
            usleep(20000);
        dt = bench_now_us() - t0;
        cpu = proc_cpu_us(daemons[0]);
        hwm = proc_kib(daemons[0], "VmHWM:");
        used = stat_of(c, "used_bytes");
        for (int f = 0; f < SC_FEED_COUNT_; f++)
            src_cpu[f] = proc_cpu_us(daemons[1 + f]) - src_cpu[f];
        cc_client_destroy(&c);
        stop_daemon(&daemons[0]);
        snprintf(path, sizeof(path), "%s/scoring/db/data.mdb", dir);
        if (stat(path, &sb) < 0)
            sb.st_size = 0;
        printf("replay %d: %" PRIu64 " records from start-up to caught up in %.2f s: %.0f "
               "records/s; cchc-scoringd %.2f s of CPU (user + system): %.2f us a record (%.0f "
               "records per CPU second); peak RSS %.0f MiB; state %.0f MiB used (data.mdb %.0f "
               "MiB); the sources' CPU meanwhile: intake %.2f s, hotline %.2f s\n",
               i + 1, head[0] + head[1], (double)dt / 1e6,
               (double)(head[0] + head[1]) * 1e6 / (double)dt, (double)cpu / 1e6,
               (double)cpu / (double)(head[0] + head[1]),
               (double)(head[0] + head[1]) * 1e6 / (double)cpu, (double)hwm / 1024,
               (double)used / (1 << 20), (double)sb.st_size / (1 << 20), (double)src_cpu[0] / 1e6,
               (double)src_cpu[1] / 1e6);
        fflush(stdout);
    }
    stop_daemons();
}

int main(int argc, char **argv)
{
    const char *calendar = bench_opt(argc, argv, "--calendar", NULL);
    const char *policy = bench_opt(argc, argv, "--policy", NULL);
    const char *keep = bench_opt(argc, argv, "--dir", NULL);
    const char *since = bench_opt(argc, argv, "--since", "2023-12-15");
    const char *scoringd = bench_opt(argc, argv, "--scoringd", NULL);
    const char *intaked = bench_opt(argc, argv, "--intaked", NULL);
    const char *hotlined = bench_opt(argc, argv, "--hotlined", NULL);
    uint64_t dossiers = strtoull(bench_opt(argc, argv, "--dossiers", "1150000"), NULL, 10);
    uint64_t complaints = strtoull(bench_opt(argc, argv, "--complaints", "40000"), NULL, 10);
    uint64_t contacts = strtoull(bench_opt(argc, argv, "--contacts", "200000"), NULL, 10);
    int n_units = atoi(bench_opt(argc, argv, "--units", "150"));
    int repeat = atoi(bench_opt(argc, argv, "--repeat", "1"));
    bool in_process = scoringd == NULL;
    bench_province_t pv;
    char dir[DIR_MAX], path[PATH_MAX_];
    struct stat sb;

    for (int i = 1; i < argc; i++)
        in_process |= strcmp(argv[i], "--in-process") == 0;
    if (!calendar || n_units < 2 + BENCH_DEPARTMENTS + BENCH_DISTRICTS + 1 || repeat < 1 ||
        dossiers == 0 || (scoringd && (!intaked || !hotlined))) {
        fprintf(stderr, "Usage: bench_replay --calendar=FILE [--policy=FILE] [--dossiers=N] "
                        "[--complaints=N] [--contacts=N] [--units=N (>= 34)] "
                        "[--since=YYYY-MM-DD] [--dir=DIR] [--in-process] "
                        "[--scoringd=PATH --intaked=PATH --hotlined=PATH] [--repeat=N]\n");
        return 2;
    }
    bench_workdir(keep, "replay", dir, sizeof(dir));
    bench_province_make(&pv, n_units);
    snprintf(path, sizeof(path), "%s/intake/db/data.mdb", dir);
    if (keep && stat(path, &sb) == 0) {
        printf("logs: reusing those in %s\n", dir);
    } else {
        snprintf(path, sizeof(path), "%s/catalog", dir);
        bench_province_catalog(&pv, path, calendar, policy);
        bench_province_days(&pv, since);
        printf("province: %d units, %d procedures; %" PRIu64 " dossiers, %" PRIu64
               " complaints, %" PRIu64 " contacts from %s to 2024-12-14; in %s\n",
               n_units, BENCH_PROCEDURES, dossiers, complaints, contacts, since, dir);
        make_logs(&pv, dir, dossiers, complaints, contacts);
    }
    fflush(stdout);
    if (in_process)
        replay_in_process(dir);
    if (scoringd)
        replay_daemons(dir, scoringd, intaked, hotlined, repeat);
    if (!keep)
        bench_remove(dir);
    bench_province_free(&pv);
    return 0;
}
