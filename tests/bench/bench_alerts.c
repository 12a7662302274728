/*
 * bench_alerts.c - supervisors' live view under load (prints figures; not a
 * test). Point it at running daemons on a test clock (bench_alerts.py
 * starts them):
 *
 *   bench_alerts latency --intake=EP --scoring=EP [--rate=10000] [--seconds=10]
 *     Pushes `received` events at --rate per second for --seconds, with one
 *     event in a hundred a supplement request that breaks the "guide once"
 *     rule on a dossier received weeks before (PREP dossiers, pushed first):
 *     scoring raises supplement_rule_broken as soon as it applies it. A
 *     subscriber (its own thread and connection, `watch` for that kind)
 *     timestamps each alert; the pusher timestamps each acknowledgement.
 *     Prints the latency from acknowledgement to alert, p50/p90/p99/max.
 *
 *   bench_alerts join --intake=EP --scoring=EP [--dossiers=50000]
 *     Pushes --dossiers receipts that are overdue on the scoring clock
 *     (each raises dossier_overdue and apology_missing: twice as many
 *     alerts), waits for them, then times a supervisor of every unit
 *     joining: QUERY watch until the last snapshot page, and a summary
 *     subscription.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_client.h"
#include "cc_push.h"

#define PREP 2000            /* dossiers received on 2025-03-03 */
#define PREP_AT 1740967200LL /* 2025-03-03T09:00:00+07:00 */
#define LIVE_AT 1742436000LL /* 2025-03-20T09:00:00+07:00: the clock */
#define UNIT "SO-TP"
#define PROC "TP-LLTP"

static uint64_t now_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static const char *arg(int argc, char **argv, const char *name, const char *def)
{
    size_t n = strlen(name);

    for (int i = 2; i < argc; i++)
        if (strncmp(argv[i], name, n) == 0 && argv[i][n] == '=')
            return argv[i] + n + 1;
    return def;
}

static void die(const char *what, int r)
{
    fprintf(stderr, "bench_alerts: %s: %s\n", what, r < 0 ? strerror(-r) : "refused");
    exit(1);
}

/* ---- Pushing ---------------------------------------------------------------------- */

typedef struct {
    uint64_t *ack_us; /* per sample, 0 until acknowledged */
    uint64_t ok, refused;
} push_ctx_t;

static void on_result(void *ctx, const cc_push_result_t *res)
{
    push_ctx_t *p = ctx;

    if (res->status != CC_PUSH_OK) {
        if (p->refused++ == 0)
            fprintf(stderr, "bench_alerts: %s refused: %s\n", res->eid,
                    res->err ? res->err->en : "timeout");
        return;
    }
    p->ok++;
    if (res->tag & (1ull << 63))
        p->ack_us[res->tag & ~(1ull << 63)] = now_us();
}

static void enc_received(cc_enc_t *e, const char *eid, const char *dossier, const char *unit,
                         int64_t at)
{
    size_t m;

    cc_enc_reset(e);
    m = cc_enc_map_open(e);
    cc_enc_kv_str(e, "eid", eid);
    cc_enc_kv_str(e, "type", "received");
    cc_enc_kv_i64(e, "at", at);
    cc_enc_kv_str(e, "dossier", dossier);
    cc_enc_kv_str(e, "proc", PROC);
    cc_enc_kv_str(e, "unit", unit);
    cc_enc_kv_str(e, "channel", "direct");
    cc_enc_map_close(e, m);
}

static cc_push_t *pusher(const char *ep, push_ctx_t *ctx, cc_client_t **ret_c)
{
    cc_push_opts_t po = { .window = 1000, .timeout_ms = 30000, .on_result = on_result, .ctx = ctx };
    cc_push_t *p;
    int r;

    if ((r = cc_client_new(NULL, ep, &(cc_client_opts_t){ .timeout_ms = 30000 }, ret_c)) < 0 ||
        (r = cc_client_hello(*ret_c, "counter", "bench", "*", NULL, NULL)) != 0)
        die("hello intake", r);
    if ((r = cc_client_push_begin(*ret_c, &po, &p)) < 0)
        die("push", r);
    return p;
}

/* ---- Subscribing -------------------------------------------------------------------- */

typedef struct {
    const char *ep;
    uint64_t *alert_us; /* per sample */
    size_t expected, got;
    uint64_t deadline_us;
    volatile int ready;
} watch_ctx_t;

/* Subscribe as a supervisor of every unit; @pairs: the filter. Returns the
 * client, after the RESULT; *@ret_rid the watch's rid. */
static cc_client_t *subscribe(const char *ep, const cc_enc_t *pairs, uint64_t *ret_rid)
{
    cc_client_t *c;
    cc_msg_t m = { 0 };
    int r;

    if ((r = cc_client_new(NULL, ep, &(cc_client_opts_t){ .timeout_ms = 60000 }, &c)) < 0 ||
        (r = cc_client_hello(c, "supervisor", "bench-gs", "*", NULL, NULL)) != 0)
        die("hello scoring", r);
    if ((r = cc_client_query(c, "watch", pairs ? pairs->buf.data : NULL,
                             pairs ? pairs->buf.size : 0, &m, NULL)) != 0)
        die("watch", r);
    cc_map_u64(&m.body, "rid", ret_rid);
    cc_msg_deinit(&m);
    return c;
}

static void *watch_thread(void *arg)
{
    watch_ctx_t *w = arg;
    cc_enc_t pairs;
    cc_client_t *c;
    uint64_t rid = 0;

    cc_enc_init(&pairs);
    cc_enc_str(&pairs, "kinds");
    cc_enc_array(&pairs, 1);
    cc_enc_str(&pairs, "supplement_rule_broken");
    c = subscribe(w->ep, &pairs, &rid);
    w->ready = 1;
    while (w->got < w->expected && now_us() < w->deadline_us) {
        cc_msg_t m = { 0 };
        char op[16] = "", subject[64] = "";
        const msgpack_object *al;
        uint64_t mrid = 0;

        if (cc_client_recv(c, 200, &m, &mrid) != 0)
            continue;
        if (m.type == CC_MSG_ALERT && mrid == rid &&
            cc_map_strcpy(&m.body, "op", op, sizeof(op)) == 0 && strcmp(op, "raise") == 0 &&
            (al = cc_map_find(&m.body, "alert")) != NULL &&
            cc_map_strcpy(al, "subject", subject, sizeof(subject)) == 0) {
            unsigned long k = strtoul(subject + 2, NULL, 10); /* "P-<k>" */

            if (k < w->expected && w->alert_us[k] == 0) {
                w->alert_us[k] = now_us();
                w->got++;
            }
        }
        cc_msg_deinit(&m);
    }
    cc_client_destroy(&c);
    cc_enc_deinit(&pairs);
    return NULL;
}

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return x < y ? -1 : x > y;
}

static int latency(int argc, char **argv)
{
    const char *intake = arg(argc, argv, "--intake", "tcp://127.0.0.1:7301");
    double rate = atof(arg(argc, argv, "--rate", "10000"));
    double seconds = atof(arg(argc, argv, "--seconds", "10"));
    uint64_t total = (uint64_t)(rate * seconds), samples = total / 100;
    push_ctx_t pc = { 0 };
    watch_ctx_t wc = { 0 };
    cc_client_t *c;
    cc_push_t *p;
    pthread_t th;
    cc_enc_t e;
    char eid[64], dossier[64];
    uint64_t t0, *lat, n = 0;
    int r;

    if (samples > PREP)
        samples = PREP;
    pc.ack_us = calloc(PREP, sizeof(uint64_t));
    wc.alert_us = calloc(PREP, sizeof(uint64_t));
    wc.ep = arg(argc, argv, "--scoring", "tcp://127.0.0.1:7303");
    wc.expected = samples;
    cc_enc_init(&e);
    p = pusher(intake, &pc, &c);
    /* The dossiers the supplement requests will be about. */
    for (uint64_t k = 0; k < PREP; k++) {
        snprintf(eid, sizeof(eid), "prep-%" PRIu64, k);
        snprintf(dossier, sizeof(dossier), "P-%" PRIu64, k);
        enc_received(&e, eid, dossier, UNIT, PREP_AT);
        if ((r = cc_push_submit(p, k, eid, e.buf.data, e.buf.size)) < 0)
            die("push", r);
    }
    if ((r = cc_push_finish(p)) < 0)
        die("push", r);
    /* Let scoring apply them and leave its history mode (the PREP records
     * are weeks old: an import, PROTOCOL.md §5.3), raising their overdue
     * alerts, before the live stream starts. */
    nanosleep(&(struct timespec){ 7, 0 }, NULL);
    wc.deadline_us = now_us() + (uint64_t)(seconds * 1e6) + 30000000u;
    pthread_create(&th, NULL, watch_thread, &wc);
    while (!wc.ready)
        nanosleep(&(struct timespec){ 0, 1000000 }, NULL);
    t0 = now_us();
    for (uint64_t i = 0; i < total; i++) {
        uint64_t due = t0 + (uint64_t)((double)i * 1e6 / rate);

        while (now_us() < due)
            cc_push_wait(p, (int)((due - now_us()) / 1000), -1, NULL);
        if (i % 100 == 50 && i / 100 < samples) {
            uint64_t k = i / 100;
            size_t m;

            snprintf(eid, sizeof(eid), "sos-%" PRIu64, k);
            snprintf(dossier, sizeof(dossier), "P-%" PRIu64, k);
            cc_enc_reset(&e);
            m = cc_enc_map_open(&e);
            cc_enc_kv_str(&e, "eid", eid);
            cc_enc_kv_str(&e, "type", "sos_requested");
            cc_enc_kv_i64(&e, "at", LIVE_AT - 60);
            cc_enc_kv_str(&e, "dossier", dossier);
            cc_enc_kv_str(&e, "kind", "supplement");
            cc_enc_map_close(&e, m);
            r = cc_push_submit(p, k | (1ull << 63), eid, e.buf.data, e.buf.size);
        } else {
            snprintf(eid, sizeof(eid), "live-%" PRIu64, i);
            snprintf(dossier, sizeof(dossier), "L-%" PRIu64, i);
            enc_received(&e, eid, dossier, UNIT, LIVE_AT - 60);
            r = cc_push_submit(p, i, eid, e.buf.data, e.buf.size);
        }
        if (r < 0)
            die("push", r);
    }
    if ((r = cc_push_finish(p)) < 0)
        die("push", r);
    printf("pushed %" PRIu64 " events in %.2f s (%.0f events/s asked, %.0f done), %" PRIu64
           " refused\n",
           total, (double)(now_us() - t0) / 1e6, rate,
           (double)total * 1e6 / (double)(now_us() - t0), pc.refused);
    pthread_join(th, NULL);
    lat = calloc(samples ? samples : 1, sizeof(uint64_t));
    for (uint64_t k = 0; k < samples; k++)
        if (pc.ack_us[k] && wc.alert_us[k])
            lat[n++] = wc.alert_us[k] > pc.ack_us[k] ? wc.alert_us[k] - pc.ack_us[k] : 0;
    qsort(lat, n, sizeof(*lat), cmp_u64);
    if (n == 0) {
        printf("no alert arrived (%zu expected)\n", wc.expected);
        return 1;
    }
    printf("acknowledgement -> alert at a subscriber, %" PRIu64 " of %" PRIu64
           " alerts: p50 %.2f ms, p90 %.2f ms, p99 %.2f ms, max %.2f ms\n",
           n, samples, (double)lat[n / 2] / 1000, (double)lat[n * 9 / 10] / 1000,
           (double)lat[n * 99 / 100] / 1000, (double)lat[n - 1] / 1000);
    cc_push_end(&p);
    cc_client_destroy(&c);
    cc_enc_deinit(&e);
    free(lat);
    free(pc.ack_us);
    free(wc.alert_us);
    return 0;
}

/* ---- Joining ---------------------------------------------------------------------- */

/* Time one subscription until its view is complete; returns ms. */
static double time_join(const char *ep, bool summary, uint64_t *ret_alerts)
{
    uint64_t t0 = now_us(), rid = 0, alerts = 0;
    cc_enc_t pairs;
    cc_client_t *c;
    bool done = false;

    cc_enc_init(&pairs);
    if (summary)
        cc_enc_kv_bool(&pairs, "summary", true);
    c = subscribe(ep, &pairs, &rid);
    while (!done) {
        cc_msg_t m = { 0 };
        char op[16] = "";
        uint64_t mrid = 0, total = 0;
        const msgpack_object *a;
        int r = cc_client_recv(c, 60000, &m, &mrid);

        if (r != 0)
            die("join", r);
        if (m.type == CC_MSG_ALERT && mrid == rid &&
            cc_map_strcpy(&m.body, "op", op, sizeof(op)) == 0) {
            if (strcmp(op, "snapshot") == 0) {
                a = cc_map_find(&m.body, "alerts");
                alerts += a ? a->via.array.size : 0;
                cc_map_bool(&m.body, "last", &done);
            } else if (strcmp(op, "summary") == 0) {
                cc_map_u64(&m.body, "total", &total);
                alerts = total;
                done = true;
            }
        }
        cc_msg_deinit(&m);
    }
    cc_client_destroy(&c);
    cc_enc_deinit(&pairs);
    *ret_alerts = alerts;
    return (double)(now_us() - t0) / 1000;
}

static int join(int argc, char **argv)
{
    const char *intake = arg(argc, argv, "--intake", "tcp://127.0.0.1:7301");
    const char *scoring = arg(argc, argv, "--scoring", "tcp://127.0.0.1:7303");
    uint64_t dossiers = strtoull(arg(argc, argv, "--dossiers", "50000"), NULL, 10);
    static const char *const units[] = { "SO-TP", "TTHCC" };
    push_ctx_t pc = { .ack_us = NULL };
    cc_client_t *c, *q;
    cc_push_t *p;
    cc_enc_t e;
    char eid[64], dossier[64];
    uint64_t t0, got;
    int r;

    cc_enc_init(&e);
    pc.ack_us = calloc(1, sizeof(uint64_t));
    p = pusher(intake, &pc, &c);
    t0 = now_us();
    for (uint64_t k = 0; k < dossiers; k++) {
        snprintf(eid, sizeof(eid), "join-%" PRIu64, k);
        snprintf(dossier, sizeof(dossier), "J-%" PRIu64, k);
        enc_received(&e, eid, dossier, units[k % 2], PREP_AT);
        if ((r = cc_push_submit(p, k, eid, e.buf.data, e.buf.size)) < 0)
            die("push", r);
    }
    if ((r = cc_push_finish(p)) < 0)
        die("push", r);
    printf("pushed %" PRIu64 " overdue dossiers in %.2f s\n", dossiers,
           (double)(now_us() - t0) / 1e6);
    /* Wait until scoring holds their alerts. */
    if ((r = cc_client_new(NULL, scoring, NULL, &q)) < 0 ||
        (r = cc_client_hello(q, "operator", "bench", "*", NULL, NULL)) != 0)
        die("hello scoring", r);
    t0 = now_us();
    for (;;) {
        cc_msg_t m = { 0 };
        uint64_t active = 0;

        if ((r = cc_client_query(q, "stats", NULL, 0, &m, NULL)) != 0)
            die("stats", r);
        cc_map_u64(&m.body, "active_alerts", &active);
        cc_msg_deinit(&m);
        if (active >= 2 * dossiers)
            break;
        nanosleep(&(struct timespec){ 0, 200000000 }, NULL);
    }
    printf("scoring holds %" PRIu64 " active alerts (%.1f s after the push)\n", 2 * dossiers,
           (double)(now_us() - t0) / 1e6);
    for (int i = 0; i < 3; i++) {
        double ms = time_join(scoring, false, &got);

        printf("join %d: watch of every unit, %" PRIu64 " alerts in the snapshot: %.0f ms\n", i + 1,
               got, ms);
    }
    for (int i = 0; i < 3; i++) {
        double ms = time_join(scoring, true, &got);

        printf("join %d: summary of %" PRIu64 " alerts: %.1f ms\n", i + 1, got, ms);
    }
    cc_client_destroy(&q);
    cc_push_end(&p);
    cc_client_destroy(&c);
    cc_enc_deinit(&e);
    free(pc.ack_us);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "latency") == 0)
        return latency(argc, argv);
    if (argc >= 2 && strcmp(argv[1], "join") == 0)
        return join(argc, argv);
    fprintf(stderr, "usage: bench_alerts latency|join --intake=EP --scoring=EP [...]\n");
    return 2;
}
