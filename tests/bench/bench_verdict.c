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
#include "bench_province.h"
#include "cc_base.h"
#include "cc_catalog.h"
#include "cc_client.h"
#include "cc_time.h"
#include "state.h"

enum { BATCH = 4096 };
/* The state directory's path, and room for a file below it. */
enum { DIR_MAX = 1024, PATH_MAX_ = DIR_MAX + 64 };

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
    sc_batch_result_t res;
    uint64_t t0;

    if (f->n == 0)
        return;
    cc_enc_init(&whole);
    cc_enc_map(&whole, 1);
    cc_enc_str(&whole, "events");
    cc_enc_array(&whole, f->n);
    cc_enc_raw(&whole, f->items.buf.data, f->items.buf.size);
    t0 = bench_now_us();
    if (sc_state_apply_batch(f->st, f->feed, whole.buf.data, whole.buf.size, 0, &res) < 0 ||
        res.applied != f->n)
        bench_die("a batch was not applied (%" PRIu64 " of %zu)", res.applied, f->n);
    f->apply_us += bench_now_us() - t0;
    f->records += f->n;
    cc_enc_deinit(&whole);
    cc_enc_reset(&f->items);
    f->n = 0;
}

/* bench_record_fn: the record as the next of the batch, [seq, record]. */
static void add_record(void *ctx, int64_t at, const void *rec, size_t len)
{
    feed_t *f = ctx;

    (void)at;
    if (f->n == BATCH)
        flush(f);
    cc_enc_array(&f->items, 2);
    cc_enc_u64(&f->items, f->seq++);
    cc_enc_raw(&f->items, rec, len);
    f->n++;
}

static void build_state(bench_province_t *pv, const char *state_dir, const char *catalog_dir,
                        const char *since, uint64_t dossiers, uint64_t complaints)
{
    cc_catalog_t *cat = NULL;
    sc_state_t *st = NULL;
    char err[CC_CATALOG_ERR_LEN];
    feed_t f = { .seq = 1 };
    bench_gen_t g;
    uint64_t t0 = bench_now_us();

    if (cc_catalog_load(catalog_dir, &cat, err, sizeof(err)) < 0)
        bench_die("catalog: %s", err);
    if (sc_state_open(state_dir, 256u << 20, cat, &st, err, sizeof(err)) < 0)
        bench_die("scoring state: %s", err);
    bench_province_days(pv, since);
    f.st = st;
    f.feed = SC_FEED_INTAKE;
    cc_enc_init(&f.items);
    bench_gen_init(&g, pv, add_record, &f);
    for (uint64_t i = 0; i < dossiers; i++)
        bench_gen_dossier(&g);
    flush(&f);
    printf("state: %" PRIu64 " dossiers, %" PRIu64 " intake records applied in %.1f s "
           "(%.0f records/s through sc_state_apply_batch)\n",
           dossiers, f.records, (double)f.apply_us / 1e6,
           (double)f.records * 1e6 / (double)(f.apply_us ? f.apply_us : 1));
    f.feed = SC_FEED_HOTLINE;
    f.seq = 1;
    f.records = f.apply_us = 0;
    for (uint64_t i = 0; i < complaints; i++)
        bench_gen_complaint(&g, i);
    flush(&f);
    printf("state: %" PRIu64 " complaints, %" PRIu64 " hotline records; built in %.1f s\n",
           complaints, f.records, (double)(bench_now_us() - t0) / 1e6);
    bench_gen_deinit(&g);
    cc_enc_deinit(&f.items);
    sc_state_close(&st);
    cc_catalog_destroy(&cat);
}

/* ---- The daemon and the queries ---------------------------------------------------- */

static void start_scoringd(const char *bin, const char *dir, char *ep, size_t ep_len)
{
    char a[8][PATH_MAX_], log[PATH_MAX_];

    snprintf(ep, ep_len, "tcp://127.0.0.1:%d", bench_free_port());
    snprintf(a[0], sizeof(a[0]), "--listen=%s", ep);
    snprintf(a[1], sizeof(a[1]), "--publish=tcp://127.0.0.1:%d", bench_free_port());
    snprintf(a[2], sizeof(a[2]), "--intake=tcp://127.0.0.1:%d", bench_free_port());
    snprintf(a[3], sizeof(a[3]), "--hotline=tcp://127.0.0.1:%d", bench_free_port());
    snprintf(a[4], sizeof(a[4]), "--state-dir=%s/scoring", dir);
    snprintf(a[5], sizeof(a[5]), "--catalog-dir=%s/catalog", dir);
    snprintf(a[6], sizeof(a[6]), "--test-clock=2024-12-20T12:00:00+07:00");
    snprintf(a[7], sizeof(a[7]), "--log-level=warning");
    snprintf(log, sizeof(log), "%s/scoringd.log", dir);
    daemon_pid = bench_spawn(log, (char *const[]){ CC_UNCONST(bin), a[0], a[1], a[2], a[3], a[4],
                                                   a[5], a[6], a[7], NULL });
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
        bench_die("out of memory");
    for (int i = -1; i < repeat; i++) {
        cc_msg_t m = { 0 };
        uint64_t t0 = bench_now_us();
        int r = cc_client_query(c, q, pairs->buf.data, pairs->buf.size, &m, &err);
        const msgpack_object *rs;

        if (r != 0)
            bench_die("%s: %s", what, r == 1 ? err.en : strerror(-r));
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

static void run_queries(const char *ep, const bench_province_t *pv, int repeat)
{
    cc_client_opts_t co = { .timeout_ms = 60000 };
    cc_client_t *c = NULL;
    cc_client_error_t err;
    cc_enc_t q;
    int r = -ETIMEDOUT;

    cc_enc_init(&q);
    if (cc_client_new(NULL, ep, &co, &c) < 0)
        bench_die("cannot connect to %s", ep);
    for (int i = 0; i < 100 && r == -ETIMEDOUT; i++)
        r = cc_client_hello(c, "supervisor", "bench", "*", NULL, &err);
    if (r != 0)
        bench_die("HELLO to cchc-scoringd failed");
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
            bench_die("the year's table failed");
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
    bench_province_t pv;
    char dir[DIR_MAX], path[PATH_MAX_], ep[64], cmd[PATH_MAX_];
    struct stat sb;

    if (!calendar || n_units < 2 + BENCH_DEPARTMENTS + BENCH_DISTRICTS + 1 || repeat < 1 ||
        dossiers == 0) {
        fprintf(stderr, "Usage: bench_verdict [--scoringd=PATH] --calendar=FILE [--policy=FILE] "
                        "[--dossiers=N] [--units=N (>= 34)] [--complaints=N] "
                        "[--since=YYYY-MM-DD] [--repeat=N] [--dir=DIR]\n");
        return 2;
    }
    bench_workdir(keep, "verdict", dir, sizeof(dir));
    bench_province_make(&pv, n_units);
    printf("province: %d units (1 office, 1 center, %d departments, %d districts, %d communes), "
           "%d procedures; state in %s\n",
           n_units, BENCH_DEPARTMENTS, BENCH_DISTRICTS,
           n_units - 2 - BENCH_DEPARTMENTS - BENCH_DISTRICTS, BENCH_PROCEDURES, dir);
    /* cchc-scoringd --state-dir=D keeps its LMDB environment in D/db. */
    snprintf(path, sizeof(path), "%s/scoring/db/data.mdb", dir);
    if (keep && stat(path, &sb) == 0) {
        printf("state: reusing %s (%.0f MiB)\n", path, (double)sb.st_size / (1 << 20));
    } else {
        snprintf(path, sizeof(path), "%s/catalog", dir);
        bench_province_catalog(&pv, path, calendar, policy);
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
        bench_remove(dir);
    }
    bench_province_free(&pv);
    return 0;
}
