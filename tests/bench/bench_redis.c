/*
 * bench_redis.c - the peer: how fast Redis Streams take the same events
 * (XADD), pipelined, from several clients at once.
 *
 * Not a test: it prints figures, and starts no server: compare.sh starts
 * redis-server with `appendonly yes` and `appendfsync always` (every
 * write is in the AOF and fsynced before Redis replies), then again with
 * `everysec`, on a free loopback port. Each of --clients threads opens
 * its own connection and sends its share of --count XADD commands to the
 * one stream --stream, --pipeline (default 64) at a time, then reads
 * their replies (as redis-benchmark -P does). Each entry carries the
 * fields of a cchc `received` event (bench_common.h: eid, type, at,
 * dossier, proc, unit, channel; about 150 bytes, sequential or UUID ids),
 * under an id Redis chooses: no validation, no duplicate check, no state
 * per dossier, which cchc does on every event. The protocol (RESP) is
 * spoken here over a plain socket: no client library needed.
 *
 * Usage: bench_redis --port=PORT [--count=N] [--clients=N] [--pipeline=N]
 *                    [--ids=seq|uuid] [--stream=KEY]
 * Prints "figure rate EVENTS_PER_S".
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "bench_common.h"

/* The options all clients share. */
typedef struct {
    int port;
    size_t pipeline;
    bench_ids_t ids;
    const char *stream;
    pthread_barrier_t start;
} redis_bench_t;

/* One client: its connection, its share and its outcome. */
typedef struct {
    redis_bench_t *bench;
    unsigned no;
    uint64_t count;
    uint64_t replies, errors;
    uint64_t t0, t1;
    char prefix[32];
    char first_error[256];
    int failed; /* errno of a broken connection, 0 */
} client_t;

/* A growable byte buffer for the commands of one pipeline. */
typedef struct {
    char *data;
    size_t len, cap;
} buf_t;

/* Append @n bytes of @s to @b (growing it; aborts when memory runs out). */
static void buf_add(buf_t *b, const char *s, size_t n)
{
    if (b->len + n > b->cap) {
        b->cap = (b->len + n) * 2;
        if ((b->data = realloc(b->data, b->cap)) == NULL)
            abort();
    }
    memcpy(b->data + b->len, s, n);
    b->len += n;
}

/* Append one RESP bulk string holding the C string @s. */
static void resp_bulk(buf_t *b, const char *s)
{
    char head[32];
    size_t n = strlen(s);
    int h = snprintf(head, sizeof(head), "$%zu\r\n", n);

    buf_add(b, head, (size_t)h);
    buf_add(b, s, n);
    buf_add(b, "\r\n", 2);
}

/* Append XADD @stream * with the fields of @e, as a RESP array. */
static void resp_xadd(buf_t *b, const char *stream, const bench_event_t *e)
{
    char at[24];

    snprintf(at, sizeof(at), "%" PRId64, e->at);
    buf_add(b, "*17\r\n", 5);
    resp_bulk(b, "XADD");
    resp_bulk(b, stream);
    resp_bulk(b, "*");
    resp_bulk(b, "eid");
    resp_bulk(b, e->eid);
    resp_bulk(b, "type");
    resp_bulk(b, "received");
    resp_bulk(b, "at");
    resp_bulk(b, at);
    resp_bulk(b, "dossier");
    resp_bulk(b, e->dossier);
    resp_bulk(b, "proc");
    resp_bulk(b, e->proc);
    resp_bulk(b, "unit");
    resp_bulk(b, e->unit);
    resp_bulk(b, "channel");
    resp_bulk(b, e->channel);
}

/* Write all of @b to @fd; 0 or an errno. */
static int write_all(int fd, const buf_t *b)
{
    for (size_t off = 0; off < b->len;) {
        ssize_t w = write(fd, b->data + off, b->len - off);

        if (w < 0 && errno != EINTR)
            return errno;
        off += w > 0 ? (size_t)w : 0;
    }
    return 0;
}

/*
 * Read replies on @fd until @want of them are complete; counts them (and
 * errors, keeping the first) in @c. XADD answers a bulk string (the new
 * entry id) or an error line; anything else is taken as one reply line.
 * @in: a buffer of @cap bytes holding @*len unread bytes, kept between
 * calls. Returns 0 or an errno (EPROTO when the server closes).
 */
static int read_replies(int fd, client_t *c, uint64_t want, char *in, size_t cap, size_t *len)
{
    while (want > 0) {
        char *nl = memchr(in, '\n', *len);
        size_t used;

        if (nl == NULL || (in[0] == '$' && atol(in + 1) >= 0 &&
                           (size_t)(nl - in) + 1 + (size_t)atol(in + 1) + 2 > *len)) {
            ssize_t r;

            if (*len == cap)
                return EPROTO;
            if ((r = read(fd, in + *len, cap - *len)) <= 0) {
                if (r < 0 && errno == EINTR)
                    continue;
                return r == 0 ? EPROTO : errno;
            }
            *len += (size_t)r;
            continue;
        }
        used = (size_t)(nl - in) + 1;
        if (in[0] == '$' && atol(in + 1) >= 0)
            used += (size_t)atol(in + 1) + 2;
        else if (in[0] == '-' && c->errors++ == 0)
            snprintf(c->first_error, sizeof(c->first_error), "%.*s", (int)(nl - in - 1), in + 1);
        c->replies++;
        want--;
        memmove(in, in + used, *len - used);
        *len -= used;
    }
    return 0;
}

/* Connect to Redis on loopback port @port; the socket, or -1 with errno set. */
static int connect_redis(int port)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
    int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (fd < 0)
        return -1;
    if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0) {
        int e = errno;

        close(fd);
        errno = e;
        return -1;
    }
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    return fd;
}

/* A client's thread: connect, wait for the others, send its XADDs a
 * pipeline at a time and read their replies. */
static void *run_client(void *arg)
{
    client_t *c = arg;
    redis_bench_t *rb = c->bench;
    int fd = connect_redis(rb->port);
    size_t cap = 1 << 20, len = 0;
    char *in = malloc(cap);
    buf_t out = { 0 };
    bench_events_t gen;
    bench_event_t e;

    if (fd < 0 || in == NULL)
        c->failed = fd < 0 ? errno : ENOMEM;
    pthread_barrier_wait(&rb->start);
    bench_events_init(&gen, rb->ids, c->prefix, "TTHCC", "TP-LLTP");
    c->t0 = bench_now_us();
    for (uint64_t i = 0; i < c->count && !c->failed;) {
        uint64_t n = 0;

        out.len = 0;
        for (; n < rb->pipeline && i < c->count; n++, i++) {
            bench_events_next(&gen, i, &e);
            resp_xadd(&out, rb->stream, &e);
        }
        if ((c->failed = write_all(fd, &out)) == 0)
            c->failed = read_replies(fd, c, n, in, cap, &len);
    }
    c->t1 = bench_now_us();
    if (fd >= 0)
        close(fd);
    free(in);
    free(out.data);
    return NULL;
}

int main(int argc, char **argv)
{
    redis_bench_t rb = { .stream = bench_opt(argc, argv, "--stream", "cchc:events") };
    uint64_t port = bench_opt_u64(argc, argv, "--port", 0);
    uint64_t count = bench_opt_u64(argc, argv, "--count", 200000);
    uint64_t n_clients = bench_opt_u64(argc, argv, "--clients", 1);
    uint64_t replies = 0, errors = 0, t0 = UINT64_MAX, t1 = 0;
    client_t *clients;
    pthread_t *threads;
    int status = 0;
    double secs;

    rb.pipeline = (size_t)bench_opt_u64(argc, argv, "--pipeline", 64);
    if (port == 0 || port > 65535 || count == 0 || n_clients == 0 || n_clients > 256 ||
        rb.pipeline == 0 || rb.pipeline > 4096 ||
        bench_ids_parse(bench_opt(argc, argv, "--ids", "seq"), &rb.ids) < 0) {
        fprintf(stderr, "Usage: bench_redis --port=PORT [--count=N] [--clients=N (1..256)] "
                        "[--pipeline=N (1..4096)] [--ids=seq|uuid] [--stream=KEY]\n");
        return 2;
    }
    rb.port = (int)port;
    clients = calloc(n_clients, sizeof(*clients));
    threads = calloc(n_clients, sizeof(*threads));
    if (clients == NULL || threads == NULL)
        return 1;
    pthread_barrier_init(&rb.start, NULL, (unsigned)n_clients);
    for (unsigned k = 0; k < n_clients; k++) {
        clients[k] = (client_t){ .bench = &rb, .no = k + 1 };
        clients[k].count = count / n_clients + (k < count % n_clients);
        snprintf(clients[k].prefix, sizeof(clients[k].prefix), "R%d-%u-", (int)getpid(), k + 1);
        if (pthread_create(&threads[k], NULL, run_client, &clients[k]) != 0) {
            fprintf(stderr, "bench_redis: cannot start a thread\n");
            return 1;
        }
    }
    for (unsigned k = 0; k < n_clients; k++) {
        const client_t *c = &clients[k];

        pthread_join(threads[k], NULL);
        replies += c->replies, errors += c->errors;
        t0 = c->t0 < t0 ? c->t0 : t0;
        t1 = c->t1 > t1 ? c->t1 : t1;
        if (c->failed) {
            fprintf(stderr, "bench_redis: client %u on port %d: %s\n", c->no, rb.port,
                    strerror(c->failed));
            status = 3;
        }
        if (c->errors)
            fprintf(stderr, "bench_redis: client %u: %" PRIu64 " errors, the first: %s\n", c->no,
                    c->errors, c->first_error);
    }
    pthread_barrier_destroy(&rb.start);
    secs = t1 > t0 ? (double)(t1 - t0) / 1e6 : 0.0;
    printf("bench_redis: %" PRIu64 " XADD to %s on port %d, %u client(s), pipeline %zu, %s ids: "
           "%" PRIu64 " replies (%" PRIu64 " errors) in %.3f s: %.0f events/s\n",
           count, rb.stream, rb.port, (unsigned)n_clients, rb.pipeline,
           rb.ids == BENCH_IDS_UUID ? "uuid" : "sequential", replies, errors, secs,
           secs > 0 ? (double)(replies - errors) / secs : 0.0);
    bench_figure("rate", secs > 0 ? (double)(replies - errors) / secs : 0.0);
    free(clients);
    free(threads);
    return status ? status : errors ? 1 : 0;
}
