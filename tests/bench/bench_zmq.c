/*
 * bench_zmq.c - the ZeroMQ ceiling: how many messages of an event's size
 * one PUSH socket moves to one PULL socket over TCP on loopback.
 *
 * Not a test: it prints figures. Nothing is stored and nothing answered,
 * so no ingest over ZeroMQ can be faster than this on the machine: it is
 * the bound compare.sh sets cchc's rates against. A thread sends --count
 * messages of --size bytes (default 120, about a MessagePack `received`
 * event) from a PUSH socket bound to a free loopback port; the main
 * thread receives them on a PULL socket; the time runs from the first
 * send to the last receive.
 *
 * Usage: bench_zmq [--count=N] [--size=BYTES]
 * Prints "figure rate MSG_PER_S".
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "bench_common.h"

/* The sending side. */
typedef struct {
    void *push;
    uint64_t count;
    size_t size;
    int error; /* errno of a failed send, 0 */
} sender_t;

/* The sender's thread: --count messages of --size bytes. */
static void *send_all(void *arg)
{
    sender_t *s = arg;
    char *msg = calloc(1, s->size);

    if (msg == NULL) {
        s->error = ENOMEM;
        return NULL;
    }
    memset(msg, 'e', s->size);
    for (uint64_t i = 0; i < s->count; i++) {
        memcpy(msg, &i, s->size < sizeof(i) ? s->size : sizeof(i));
        if (zmq_send(s->push, msg, s->size, 0) < 0) {
            s->error = errno;
            break;
        }
    }
    free(msg);
    return NULL;
}

int main(int argc, char **argv)
{
    sender_t s = { .count = bench_opt_u64(argc, argv, "--count", 5000000),
                   .size = (size_t)bench_opt_u64(argc, argv, "--size", 120) };
    void *ctx = zmq_ctx_new(), *pull;
    char ep[256], buf[65536];
    size_t ep_len = sizeof(ep);
    uint64_t t0, t1, got = 0;
    pthread_t thread;
    double secs;

    if (s.count == 0 || s.size == 0 || s.size > sizeof(buf)) {
        fprintf(stderr, "Usage: bench_zmq [--count=N] [--size=BYTES (1..65536)]\n");
        return 2;
    }
    s.push = zmq_socket(ctx, ZMQ_PUSH);
    pull = zmq_socket(ctx, ZMQ_PULL);
    if (zmq_bind(s.push, "tcp://127.0.0.1:*") < 0 ||
        zmq_getsockopt(s.push, ZMQ_LAST_ENDPOINT, ep, &ep_len) < 0 || zmq_connect(pull, ep) < 0) {
        fprintf(stderr, "bench_zmq: cannot set up the sockets: %s\n", zmq_strerror(errno));
        return 1;
    }
    t0 = bench_now_us();
    if (pthread_create(&thread, NULL, send_all, &s) != 0) {
        fprintf(stderr, "bench_zmq: cannot start the sender\n");
        return 1;
    }
    while (got < s.count && zmq_recv(pull, buf, sizeof(buf), 0) >= 0)
        got++;
    t1 = bench_now_us();
    pthread_join(thread, NULL);
    zmq_close(s.push);
    zmq_close(pull);
    zmq_ctx_term(ctx);
    if (got < s.count || s.error) {
        fprintf(stderr, "bench_zmq: %llu of %llu messages: %s\n", (unsigned long long)got,
                (unsigned long long)s.count, strerror(s.error ? s.error : errno));
        return 1;
    }
    secs = (double)(t1 - t0) / 1e6;
    printf("bench_zmq: %llu messages of %zu bytes PUSH -> PULL over %s in %.3f s: %.0f msg/s\n",
           (unsigned long long)s.count, s.size, ep, secs, (double)s.count / secs);
    bench_figure("rate", (double)s.count / secs);
    return 0;
}
