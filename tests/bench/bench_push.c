/*
 * bench_push.c - how fast intake takes events with durable acknowledgements.
 *
 * Not a test: it asserts nothing and prints figures. It starts nothing
 * either: point it at a running cchc-intaked (tests/bench/run_bench.sh
 * starts one on a free port with a test clock). It pushes --count valid
 * `received` events for the embedded demo catalog (unit TTHCC, procedure
 * TP-LLTP, receipt times spread over working hours of 2025), each with a
 * unique event id and dossier id under --prefix, through the client
 * library's push engine with --window events in flight, and prints the
 * rate of acknowledged events (every ACK means the event is committed to
 * LMDB) and the ACK latency percentiles.
 *
 * Usage: bench_push [--intake=EP] [--count=N] [--window=N] [--prefix=P]
 *                   [--unit=U] [--proc=P] [--timeout=MS]
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench_common.h"
#include "cc_client.h"
#include "cc_push.h"

typedef struct {
    uint64_t *latency_us; /* one per event, in submission order */
    uint64_t n;
    uint64_t ok, dup, rejected, timed_out;
    char first_error[1200];
} bench_t;

static void on_result(void *ctx, const cc_push_result_t *res)
{
    bench_t *b = ctx;

    b->latency_us[b->n++] = res->latency_us;
    switch (res->status) {
    case CC_PUSH_OK:
        res->dup ? b->dup++ : b->ok++;
        break;
    case CC_PUSH_REJECTED:
        if (b->rejected++ == 0)
            snprintf(b->first_error, sizeof(b->first_error), "%s: %s: %s", res->eid, res->err->code,
                     res->err->en);
        break;
    case CC_PUSH_TIMEOUT:
        b->timed_out++;
        break;
    }
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
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

int main(int argc, char **argv)
{
    const char *ep = bench_opt(argc, argv, "--intake", CC_ENDPOINT_INTAKE);
    const char *unit = bench_opt(argc, argv, "--unit", "TTHCC");
    const char *proc = bench_opt(argc, argv, "--proc", "TP-LLTP");
    char prefix_buf[32];
    const char *prefix;
    uint64_t count = strtoull(bench_opt(argc, argv, "--count", "200000"), NULL, 10);
    size_t window = (size_t)strtoull(bench_opt(argc, argv, "--window", "1000"), NULL, 10);
    int timeout = atoi(bench_opt(argc, argv, "--timeout", "10000"));
    cc_client_opts_t co = { .timeout_ms = timeout };
    bench_t b = { 0 };
    cc_push_opts_t po = { .window = window, .on_result = on_result, .ctx = &b };
    cc_client_t *c = NULL;
    cc_push_t *p = NULL;
    cc_client_error_t err;
    cc_push_stats_t st;
    cc_enc_t ev;
    uint64_t t0, t1;
    int r, status = 1;

    if (argc > 1 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("Usage: bench_push [--intake=EP] [--count=N] [--window=N] [--prefix=P] "
               "[--unit=U] [--proc=P] [--timeout=MS]\n");
        return 0;
    }
    snprintf(prefix_buf, sizeof(prefix_buf), "B%ld-%d-", (long)time(NULL), (int)getpid());
    prefix = bench_opt(argc, argv, "--prefix", prefix_buf);
    if (count == 0 || window == 0 || timeout <= 0) {
        fprintf(stderr, "bench_push: --count, --window and --timeout must be positive\n");
        return 2;
    }
    b.latency_us = calloc(count, sizeof(uint64_t));
    if (b.latency_us == NULL) {
        fprintf(stderr, "bench_push: out of memory\n");
        return 1;
    }
    cc_enc_init(&ev);
    if ((r = cc_client_new(NULL, ep, &co, &c)) < 0) {
        fprintf(stderr, "bench_push: cannot connect to %s: %s\n", ep, strerror(-r));
        goto out;
    }
    r = cc_client_hello(c, "counter", "bench", unit, NULL, &err);
    if (r != 0) {
        fprintf(stderr, "bench_push: HELLO to %s failed: %s\n", ep,
                r == 1            ? err.en
                : r == -ETIMEDOUT ? "no reply (is cchc-intaked running?)"
                                  : strerror(-r));
        goto out;
    }
    cc_client_push_begin(c, &po, &p);
    t0 = bench_now_us();
    for (uint64_t i = 0; i < count; i++) {
        char eid[CC_MAX_ID + 1], dossier[CC_MAX_ID + 1];

        snprintf(eid, sizeof(eid), "%se%" PRIu64, prefix, i);
        snprintf(dossier, sizeof(dossier), "%sd%" PRIu64, prefix, i);
        cc_enc_reset(&ev);
        cc_enc_map(&ev, 7);
        cc_enc_kv_str(&ev, "eid", eid);
        cc_enc_kv_str(&ev, "type", "received");
        cc_enc_kv_i64(&ev, "at", receipt_time(i));
        cc_enc_kv_str(&ev, "dossier", dossier);
        cc_enc_kv_str(&ev, "proc", proc);
        cc_enc_kv_str(&ev, "unit", unit);
        cc_enc_kv_str(&ev, "channel", i % 3 == 0 ? "online" : "direct");
        if ((r = cc_push_submit(p, i, eid, ev.buf.data, ev.buf.size)) < 0)
            break;
    }
    {
        int f = cc_push_finish(p);

        if (r >= 0)
            r = f;
    }
    t1 = bench_now_us();
    cc_push_stats(p, &st);
    if (r < 0)
        fprintf(stderr, "bench_push: push stopped: %s\n",
                r == -ETIMEDOUT ? "no reply within the timeout" : "protocol error");
    {
        double secs = (double)(t1 - t0) / 1e6;
        uint64_t answered = b.ok + b.dup + b.rejected;

        qsort(b.latency_us, b.n, sizeof(uint64_t), cmp_u64);
        printf("bench_push: %" PRIu64 " events to %s, window %zu\n", count, ep, po.window);
        printf("  ok %" PRIu64 ", duplicates %" PRIu64 ", rejected %" PRIu64 ", unanswered %" PRIu64
               ", resends %" PRIu64 "\n",
               b.ok, b.dup, b.rejected, b.timed_out, st.resends);
        printf("  elapsed %.3f s: %.0f events/s acknowledged durably\n", secs,
               secs > 0 ? (double)answered / secs : 0.0);
        if (b.n > 0)
            printf("  ack latency: p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
                   (double)b.latency_us[b.n / 2] / 1000.0,
                   (double)b.latency_us[(b.n * 99) / 100 < b.n ? (b.n * 99) / 100 : b.n - 1] /
                       1000.0,
                   (double)b.latency_us[b.n - 1] / 1000.0);
        if (b.rejected)
            printf("  first rejection: %s\n", b.first_error);
    }
    status = r < 0 ? 3 : b.rejected ? 1 : 0;
out:
    cc_push_end(&p);
    cc_client_destroy(&c);
    cc_enc_deinit(&ev);
    free(b.latency_us);
    return status;
}
