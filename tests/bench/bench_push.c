/*
 * bench_push.c - how fast intake takes events with durable acknowledgements.
 *
 * Not a test: it asserts nothing and prints figures. It starts nothing
 * either: point it at a running cchc-intaked (tests/bench/compare.sh
 * starts one on a free port with a test clock). It pushes --count valid
 * `received` events for the embedded demo catalog (unit TTHCC, procedure
 * TP-LLTP, receipt times spread over working hours of 2025), each with a
 * unique event id and dossier id, through the client library's push
 * engine with --window events in flight, and prints the rate of
 * acknowledged events (every ACK means the event is committed to LMDB)
 * and the ACK latency percentiles.
 *
 *   --connections=N  N counters at once, each on its own connection with
 *                    its own push engine (a thread each, HELLO as
 *                    bench-1..bench-N), --count shared between them; the
 *                    rate is all their events over the time from the
 *                    first start to the last finish
 *   --ids=seq|uuid   sequential ids (PREFIX e<i>, PREFIX d<i>, --prefix
 *                    default unique per run) or a random UUID v4 for each
 *                    event id and each dossier id
 *   --jsonl          push nothing: write the --count events as JSON lines
 *                    on stdout, for `cchc push` (the same events)
 *
 * The last lines are "figure KEY VALUE" for compare.sh: rate (events/s),
 * p50_ms, p99_ms, rejected, unanswered.
 *
 * Usage: bench_push [--intake=EP] [--count=N] [--window=N] [--connections=N]
 *                   [--ids=seq|uuid] [--prefix=P] [--unit=U] [--proc=P]
 *                   [--timeout=MS] [--jsonl]
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "cc_client.h"
#include "cc_push.h"

/* What all connections share: the options. */
typedef struct {
    const char *ep, *unit, *proc, *prefix;
    bench_ids_t ids;
    size_t window;
    int timeout_ms;
    pthread_barrier_t start; /* connected and said HELLO: go */
} bench_t;

/* One connection (one counter): its share of the events and its results. */
typedef struct {
    bench_t *bench;
    unsigned no;    /* 1..N */
    uint64_t count; /* events this connection pushes */
    char prefix[48];
    uint64_t *latency_us; /* one per answered event, in submission order */
    uint64_t n;
    uint64_t ok, dup, rejected, timed_out, resends;
    uint64_t t0, t1; /* its first submit, its finish */
    int status;      /* 0, or a negative errno: why it stopped */
    char first_error[1200];
} conn_t;

/* The push engine's result callback: count the result, keep its latency. */
static void on_result(void *ctx, const cc_push_result_t *res)
{
    conn_t *c = ctx;

    if (res->status != CC_PUSH_TIMEOUT)
        c->latency_us[c->n++] = res->latency_us;
    switch (res->status) {
    case CC_PUSH_OK:
        res->dup ? c->dup++ : c->ok++;
        break;
    case CC_PUSH_REJECTED:
        if (c->rejected++ == 0)
            snprintf(c->first_error, sizeof(c->first_error), "%s: %s: %s", res->eid, res->err->code,
                     res->err->en);
        break;
    case CC_PUSH_TIMEOUT:
        c->timed_out++;
        break;
    }
}

/* Encode @e as the EVENT's "ev" map into @enc (reset first). */
static void encode_event(cc_enc_t *enc, const bench_event_t *e)
{
    cc_enc_reset(enc);
    cc_enc_map(enc, 7);
    cc_enc_kv_str(enc, "eid", e->eid);
    cc_enc_kv_str(enc, "type", "received");
    cc_enc_kv_i64(enc, "at", e->at);
    cc_enc_kv_str(enc, "dossier", e->dossier);
    cc_enc_kv_str(enc, "proc", e->proc);
    cc_enc_kv_str(enc, "unit", e->unit);
    cc_enc_kv_str(enc, "channel", e->channel);
}

/* Connect and say HELLO as counter bench-<no>; NULL (and a message) on failure. */
static cc_client_t *connect_counter(conn_t *c)
{
    const bench_t *b = c->bench;
    cc_client_opts_t co = { .timeout_ms = b->timeout_ms };
    cc_client_t *cl = NULL;
    cc_client_error_t err;
    char who[32];
    int r;

    snprintf(who, sizeof(who), "bench-%u", c->no);
    if ((r = cc_client_new(NULL, b->ep, &co, &cl)) < 0) {
        fprintf(stderr, "bench_push: cannot connect to %s: %s\n", b->ep, strerror(-r));
        c->status = r;
        return NULL;
    }
    r = cc_client_hello(cl, "counter", who, b->unit, NULL, &err);
    if (r != 0) {
        fprintf(stderr, "bench_push: HELLO to %s failed: %s\n", b->ep,
                r == 1            ? err.en
                : r == -ETIMEDOUT ? "no reply (is cchc-intaked running?)"
                                  : strerror(-r));
        c->status = r == 1 ? -EACCES : r;
        cc_client_destroy(&cl);
    }
    return cl;
}

/* One connection's thread: connect, wait for the others, push its events. */
static void *run_connection(void *arg)
{
    conn_t *c = arg;
    bench_t *b = c->bench;
    cc_push_opts_t po = { .window = b->window, .on_result = on_result, .ctx = c };
    cc_client_t *cl = connect_counter(c);
    cc_push_t *p = NULL;
    cc_push_stats_t st;
    bench_events_t gen;
    bench_event_t e;
    cc_enc_t enc;
    int r = 0;

    pthread_barrier_wait(&b->start);
    if (cl == NULL)
        return NULL;
    bench_events_init(&gen, b->ids, c->prefix, b->unit, b->proc);
    cc_enc_init(&enc);
    cc_client_push_begin(cl, &po, &p);
    c->t0 = bench_now_us();
    for (uint64_t i = 0; i < c->count && r >= 0; i++) {
        bench_events_next(&gen, i, &e);
        encode_event(&enc, &e);
        r = cc_push_submit(p, i, e.eid, enc.buf.data, enc.buf.size);
    }
    {
        int f = cc_push_finish(p);

        c->status = r < 0 ? r : f;
    }
    c->t1 = bench_now_us();
    cc_push_stats(p, &st);
    c->resends = st.resends;
    cc_push_end(&p);
    cc_client_destroy(&cl);
    cc_enc_deinit(&enc);
    return NULL;
}

/* --jsonl: the events of @n_conns connections (each its share of @count)
 * as JSON lines on stdout. */
static int write_jsonl(bench_t *b, conn_t *conns, unsigned n_conns)
{
    for (unsigned k = 0; k < n_conns; k++) {
        bench_events_t gen;
        bench_event_t e;

        bench_events_init(&gen, b->ids, conns[k].prefix, b->unit, b->proc);
        for (uint64_t i = 0; i < conns[k].count; i++) {
            bench_events_next(&gen, i, &e);
            if (bench_event_json(&e, stdout) < 0) {
                perror("bench_push: stdout");
                return 1;
            }
        }
    }
    return fflush(stdout) == 0 ? 0 : 1;
}

/* Add up the connections' results, print them and the figures; the exit status. */
static int report(const bench_t *b, conn_t *conns, unsigned n_conns, uint64_t count)
{
    uint64_t ok = 0, dup = 0, rejected = 0, timed_out = 0, resends = 0, n = 0;
    uint64_t t0 = UINT64_MAX, t1 = 0, *lat;
    int status = 0;

    for (unsigned k = 0; k < n_conns; k++)
        n += conns[k].n;
    if ((lat = calloc(n ? n : 1, sizeof(*lat))) == NULL) {
        fprintf(stderr, "bench_push: out of memory\n");
        return 1;
    }
    n = 0;
    for (unsigned k = 0; k < n_conns; k++) {
        const conn_t *c = &conns[k];

        memcpy(lat + n, c->latency_us, c->n * sizeof(*lat));
        n += c->n;
        ok += c->ok, dup += c->dup, rejected += c->rejected;
        timed_out += c->timed_out, resends += c->resends;
        if (c->t0 && c->t0 < t0)
            t0 = c->t0;
        if (c->t1 > t1)
            t1 = c->t1;
        if (c->status < 0) {
            fprintf(stderr, "bench_push: connection %u stopped: %s\n", c->no,
                    c->status == -ETIMEDOUT ? "no reply within the timeout"
                                            : "protocol error or refused HELLO");
            status = 3;
        }
        if (c->rejected && !status)
            status = 1;
    }
    bench_sort_u64(lat, n);
    {
        double secs = t1 > t0 ? (double)(t1 - t0) / 1e6 : 0;
        double rate = secs > 0 ? (double)(ok + dup + rejected) / secs : 0.0;

        printf("bench_push: %" PRIu64 " events to %s, %u connection(s), window %zu, %s ids\n",
               count, b->ep, n_conns, b->window, b->ids == BENCH_IDS_UUID ? "uuid" : "sequential");
        printf("  ok %" PRIu64 ", duplicates %" PRIu64 ", rejected %" PRIu64 ", unanswered %" PRIu64
               ", resends %" PRIu64 "\n",
               ok, dup, rejected, timed_out, resends);
        printf("  elapsed %.3f s: %.0f events/s acknowledged durably\n", secs, rate);
        printf("  ack latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
               (double)bench_percentile(lat, n, 50) / 1000.0,
               (double)bench_percentile(lat, n, 99) / 1000.0,
               (double)bench_percentile(lat, n, 100) / 1000.0);
        for (unsigned k = 0; k < n_conns; k++)
            if (conns[k].rejected) {
                printf("  first rejection: %s\n", conns[k].first_error);
                break;
            }
        bench_figure("rate", rate);
        bench_figure("p50_ms", (double)bench_percentile(lat, n, 50) / 1000.0);
        bench_figure("p99_ms", (double)bench_percentile(lat, n, 99) / 1000.0);
        bench_figure("rejected", (double)rejected);
        bench_figure("unanswered", (double)(count - (ok + dup + rejected)));
    }
    free(lat);
    return status;
}

/* Print the usage line on @out. */
static void usage(FILE *out)
{
    fprintf(out, "Usage: bench_push [--intake=EP] [--count=N] [--window=N] [--connections=N]\n"
                 "                  [--ids=seq|uuid] [--prefix=P] [--unit=U] [--proc=P]\n"
                 "                  [--timeout=MS] [--jsonl]\n");
}

int main(int argc, char **argv)
{
    bench_t b = {
        .ep = bench_opt(argc, argv, "--intake", CC_ENDPOINT_INTAKE),
        .unit = bench_opt(argc, argv, "--unit", "TTHCC"),
        .proc = bench_opt(argc, argv, "--proc", "TP-LLTP"),
    };
    uint64_t count = bench_opt_u64(argc, argv, "--count", 200000);
    uint64_t n_conns = bench_opt_u64(argc, argv, "--connections", 1);
    uint64_t timeout = bench_opt_u64(argc, argv, "--timeout", 10000);
    bool jsonl = false;
    char prefix_buf[32];
    conn_t *conns;
    pthread_t *threads;
    int status = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
        jsonl |= strcmp(argv[i], "--jsonl") == 0;
    }
    b.window = (size_t)bench_opt_u64(argc, argv, "--window", 1000);
    b.timeout_ms = timeout <= 3600000 ? (int)timeout : 3600000;
    snprintf(prefix_buf, sizeof(prefix_buf), "B%ld-%d-", (long)time(NULL), (int)getpid());
    b.prefix = bench_opt(argc, argv, "--prefix", prefix_buf);
    if (bench_ids_parse(bench_opt(argc, argv, "--ids", "seq"), &b.ids) < 0) {
        fprintf(stderr, "bench_push: --ids is seq or uuid\n");
        return 2;
    }
    if (count == 0 || b.window == 0 || timeout == 0 || n_conns == 0 || n_conns > 256 ||
        strlen(b.prefix) > 24) {
        fprintf(stderr, "bench_push: --count, --window and --timeout must be positive, "
                        "--connections 1..256, --prefix at most 24 bytes\n");
        usage(stderr);
        return 2;
    }
    conns = calloc(n_conns, sizeof(*conns));
    threads = calloc(n_conns, sizeof(*threads));
    if (conns == NULL || threads == NULL) {
        fprintf(stderr, "bench_push: out of memory\n");
        return 1;
    }
    for (unsigned k = 0; k < n_conns; k++) {
        conn_t *c = &conns[k];

        c->bench = &b;
        c->no = k + 1;
        c->count = count / n_conns + (k < count % n_conns);
        if (n_conns > 1)
            snprintf(c->prefix, sizeof(c->prefix), "%s%u-", b.prefix, c->no);
        else
            snprintf(c->prefix, sizeof(c->prefix), "%s", b.prefix);
        if (!jsonl && (c->latency_us = calloc(c->count, sizeof(uint64_t))) == NULL) {
            fprintf(stderr, "bench_push: out of memory\n");
            return 1;
        }
    }
    if (jsonl) {
        status = write_jsonl(&b, conns, (unsigned)n_conns);
    } else {
        pthread_barrier_init(&b.start, NULL, (unsigned)n_conns);
        for (unsigned k = 0; k < n_conns; k++)
            if (pthread_create(&threads[k], NULL, run_connection, &conns[k]) != 0) {
                fprintf(stderr, "bench_push: cannot start a thread\n");
                return 1; /* the others wait at the barrier: exit */
            }
        for (unsigned k = 0; k < n_conns; k++)
            pthread_join(threads[k], NULL);
        pthread_barrier_destroy(&b.start);
        status = report(&b, conns, (unsigned)n_conns, count);
    }
    for (unsigned k = 0; k < n_conns; k++)
        free(conns[k].latency_us);
    free(conns);
    free(threads);
    return status;
}
