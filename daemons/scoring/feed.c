/*
 * feed.c - a consumer of one event log (see feed.h).
 */
#include "feed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "cc_base.h"
#include "cc_clock.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_net.h"
#include "record.h"
#include "cc_time.h"

struct sc_feed {
    void *zctx;
    char *name;
    char *endpoint;
    void *sock;
    sc_feed_take_fn take;
    void *ctx;
    uint64_t after;     /* where the next READ starts: the last record taken */
    uint64_t req_after; /* the `after` of the READ in flight */
    uint64_t rid;       /* rid of the READ in flight (0: none) */
    uint64_t next_rid;
    uint64_t deadline_ms;
    bool retry;       /* deadline is a retry, not a reply timeout */
    bool verify;      /* the next READ starts at the last record taken (after a HELLO) */
    bool curve;       /* CURVE client with key, to server_key */
    bool hello_fresh; /* HELLO said right before the READ in flight */
    cc_curve_keypair_t key;
    char server_key[CC_CURVE_KEY_LEN + 1];
    sc_feed_figures_t fig;
    cc_enc_t enc;
};

static void send_hello(sc_feed_t *f)
{
    size_t map;

    cc_enc_reset(&f->enc);
    map = cc_enc_map_open(&f->enc);
    cc_enc_kv_u64(&f->enc, "rid", f->next_rid++);
    cc_enc_kv_str(&f->enc, "role", "consumer");
    if (!f->curve) { /* with a key, the source's principals file says the rest */
        cc_enc_kv_str(&f->enc, "who", "scoring");
        cc_enc_str(&f->enc, "units");
        cc_enc_array(&f->enc, 1);
        cc_enc_str(&f->enc, "*");
    }
    cc_enc_map_close(&f->enc, map);
    cc_dealer_send(f->sock, NULL, CC_MSG_HELLO, f->enc.buf.data, f->enc.buf.size, ZMQ_DONTWAIT);
    f->verify = f->after > 0;
    f->hello_fresh = true;
}

/* A DEALER to the source, a CURVE client when the feed has a key. */
static void *connect_socket(sc_feed_t *f)
{
    void *sock = cc_socket_new(f->zctx, ZMQ_DEALER);

    if (sock == NULL)
        return NULL;
    if ((f->curve && cc_curve_client_socket(sock, &f->key, f->server_key) < 0) ||
        zmq_connect(sock, f->endpoint) < 0) {
        int e = errno;

        zmq_close(sock);
        errno = e;
        return NULL;
    }
    return sock;
}

static void send_read(sc_feed_t *f, uint64_t now_ms)
{
    f->rid = f->next_rid++;
    f->req_after = f->verify ? f->after - 1 : f->after;
    cc_enc_reset(&f->enc);
    cc_enc_map(&f->enc, 4);
    cc_enc_kv_u64(&f->enc, "rid", f->rid);
    cc_enc_kv_u64(&f->enc, "after", f->req_after);
    cc_enc_kv_u64(&f->enc, "max", SC_FEED_READ_MAX);
    cc_enc_kv_u64(&f->enc, "wait", SC_FEED_WAIT_MS);
    cc_dealer_send(f->sock, NULL, CC_MSG_READ, f->enc.buf.data, f->enc.buf.size, ZMQ_DONTWAIT);
    f->deadline_ms = now_ms + SC_FEED_WAIT_MS + SC_FEED_GRACE_MS;
    f->retry = false;
}

/* Try again later (no READ in flight meanwhile). */
static void schedule_retry(sc_feed_t *f, uint64_t now_ms)
{
    f->rid = 0;
    f->retry = true;
    f->deadline_ms = now_ms + SC_FEED_RETRY_MS;
}

int sc_feed_new(void *zctx, const char *name, const char *endpoint, const cc_curve_keypair_t *key,
                const char *server_key, uint64_t cursor, sc_feed_take_fn take, void *ctx,
                sc_feed_t **ret)
{
    sc_feed_t *f = cc_xcalloc(1, sizeof(*f));
    int r = 0;

    f->zctx = zctx;
    f->name = cc_xstrdup(name);
    f->endpoint = cc_xstrdup(endpoint);
    f->take = take;
    f->ctx = ctx;
    f->fig.cursor = f->after = cursor;
    f->fig.caught_up_ms = cc_mono_ms();
    f->next_rid = 1;
    cc_enc_init(&f->enc);
    if (key && server_key) {
        f->curve = true;
        f->key = *key;
        snprintf(f->server_key, sizeof(f->server_key), "%s", server_key);
    }
    if ((f->sock = connect_socket(f)) == NULL) {
        r = -errno;
        goto out;
    }
    send_hello(f);
    send_read(f, cc_mono_ms());
    *ret = f;
    f = NULL;
out:
    sc_feed_destroy(&f);
    return r;
}

void sc_feed_destroy(sc_feed_t **self_p)
{
    sc_feed_t *f = self_p ? *self_p : NULL;

    if (f == NULL)
        return;
    if (f->sock)
        zmq_close(f->sock);
    memset(&f->key, 0, sizeof(f->key));
    cc_enc_deinit(&f->enc);
    free(f->name);
    free(f->endpoint);
    free(f);
    *self_p = NULL;
}

void *sc_feed_socket(sc_feed_t *f) { return f->sock; }

uint64_t sc_feed_deadline_ms(const sc_feed_t *f) { return f->deadline_ms; }

void sc_feed_figures(const sc_feed_t *f, sc_feed_figures_t *ret)
{
    *ret = f->fig;
    ret->taken = f->after;
}

/* A BATCH for the READ in flight (@body, read as @view), handed over.
 * While the source has more, the next READ goes first, so that the source
 * reads its next page while this one is applied; once caught up, after
 * (as a live BATCH is applied at once): the next one then holds what the
 * source committed meanwhile, not a trickle of small ones. */
static void on_batch(sc_feed_t *f, zmq_msg_t *body, const sc_batch_view_t *view, uint64_t now_ms)
{
    uint64_t head = view->has_head ? view->head : 0, last = view->last;

    f->hello_fresh = false;
    f->verify = false;
    f->fig.head = head;
    f->fig.head_known = true;
    f->fig.connected = true;
    /* An empty batch, or the record checked after a HELLO alone, leaves
     * the position where it was. */
    if (last > f->req_after)
        f->after = last;
    if (last < head) {
        send_read(f, now_ms);
        f->take(f->ctx, body, view->count, last, head);
        return;
    }
    f->take(f->ctx, body, view->count, last, head);
    /* Unless the owner read again or stopped (sc_feed_reread, _stop). */
    if (f->rid == 0 && !f->retry && !f->fig.stopped)
        send_read(f, now_ms);
}

void sc_feed_applied(sc_feed_t *f, uint64_t cursor, uint64_t batches, uint64_t now_ms)
{
    f->fig.cursor = cursor;
    f->fig.batches += batches;
    f->fig.behind = cursor < f->fig.head;
    if (!f->fig.behind)
        f->fig.caught_up_ms = now_ms;
}

void sc_feed_reread(sc_feed_t *f, uint64_t cursor, bool later, uint64_t now_ms)
{
    f->fig.cursor = f->after = cursor;
    f->fig.behind = cursor < f->fig.head;
    if (later) {
        f->fig.errors++;
        schedule_retry(f, now_ms);
    } else if (!f->fig.stopped) {
        send_read(f, now_ms);
    }
}

void sc_feed_stop(sc_feed_t *f)
{
    f->fig.stopped = true;
    f->rid = 0;
    f->deadline_ms = UINT64_MAX;
}

static void on_error(sc_feed_t *f, const cc_msg_t *m, uint64_t now_ms)
{
    char code[32] = "", en[256] = "";

    cc_map_strcpy(&m->body, "code", code, sizeof(code));
    cc_map_strcpy(&m->body, "en", en, sizeof(en));
    f->fig.errors++;
    if (strcmp(code, "not_authorized") == 0 && !f->hello_fresh) {
        /* The source restarted and forgot our HELLO. */
        cc_log(LOG_NOTICE, "%s forgot this consumer (restarted?); saying HELLO again", f->name);
        send_hello(f);
        send_read(f, now_ms);
        return;
    }
    cc_log(LOG_WARNING, "%s refused READ after %llu: %s: %s", f->name,
           (unsigned long long)f->fig.cursor, code, en);
    schedule_retry(f, now_ms);
}

/* The message type of a header frame, or -1 when it is no header of
 * this protocol's version (cc_msg_decode says why). */
static int header_type(const zmq_msg_t *hdr)
{
    const unsigned char *h = zmq_msg_data(CC_UNCONST(hdr));

    if (zmq_msg_size(CC_UNCONST(hdr)) != CC_HEADER_LEN || h[0] != CC_PROTO_SIG0 ||
        h[1] != CC_PROTO_SIG1 || h[2] != CC_PROTO_VERSION)
        return -1;
    return h[3];
}

/* One reply [header, body] taken from the socket into @hdr and @body:
 * 0, -EAGAIN when none waits, or CC_EMALFORMED (other frame counts). */
static int take_reply(sc_feed_t *f, zmq_msg_t *hdr, zmq_msg_t *body)
{
    int more = 0;
    size_t len = sizeof(more);

    if (zmq_msg_recv(hdr, f->sock, ZMQ_DONTWAIT) < 0)
        return -errno;
    zmq_getsockopt(f->sock, ZMQ_RCVMORE, &more, &len);
    if (!more)
        return CC_EMALFORMED;
    if (zmq_msg_recv(body, f->sock, 0) < 0)
        return -errno;
    zmq_getsockopt(f->sock, ZMQ_RCVMORE, &more, &len);
    if (!more)
        return 0;
    while (more) { /* more than two frames: drop the rest */
        zmq_msg_t rest;

        zmq_msg_init(&rest);
        if (zmq_msg_recv(&rest, f->sock, 0) < 0)
            more = 0;
        else
            zmq_getsockopt(f->sock, ZMQ_RCVMORE, &more, &len);
        zmq_msg_close(&rest);
    }
    return CC_EMALFORMED;
}

/* A reply other than a BATCH (HELLO's RESULT, an ERROR), decoded. */
static void on_reply(sc_feed_t *f, const zmq_msg_t *hdr, const zmq_msg_t *body, uint64_t now_ms)
{
    cc_msg_t m = { 0 };
    char why[128];
    uint64_t rid = 0;

    if (cc_msg_decode(zmq_msg_data(CC_UNCONST(hdr)), zmq_msg_size(CC_UNCONST(hdr)),
                      zmq_msg_data(CC_UNCONST(body)), zmq_msg_size(CC_UNCONST(body)),
                      &cc_limits_reply, &m, why, sizeof(why)) < 0) {
        cc_log(LOG_WARNING, "Malformed reply from %s: %s", f->name, why);
        return;
    }
    cc_map_u64(&m.body, "rid", &rid);
    if (m.type == CC_MSG_RESULT) {
        f->fig.connected = true; /* HELLO answered, with the log's head */
        if (cc_map_u64(&m.body, "head", &f->fig.head) == 0)
            f->fig.head_known = true;
    } else if (m.type == CC_MSG_ERROR && rid != 0 && rid == f->rid) {
        f->rid = 0;
        on_error(f, &m, now_ms);
    }
    /* else: a reply to a READ we gave up on; the re-sent one counts. */
    cc_msg_deinit(&m);
}

void sc_feed_readable(sc_feed_t *f, uint64_t now_ms)
{
    for (;;) {
        zmq_msg_t hdr, body;
        sc_batch_view_t view;
        char why[128];
        int r;

        zmq_msg_init(&hdr);
        zmq_msg_init(&body);
        r = take_reply(f, &hdr, &body);
        if (r == CC_EMALFORMED)
            cc_log(LOG_WARNING, "Malformed reply from %s: not [header, body]", f->name);
        else if (r == 0 && header_type(&hdr) != CC_MSG_BATCH)
            on_reply(f, &hdr, &body, now_ms);
        else if (r == 0 && sc_batch_open(zmq_msg_data(&body), zmq_msg_size(&body), &view, why,
                                         sizeof(why)) < 0)
            cc_log(LOG_WARNING, "Malformed BATCH from %s: %s", f->name, why);
        else if (r == 0 && view.rid != 0 && view.rid == f->rid) {
            f->rid = 0;
            on_batch(f, &body, &view, now_ms);
        }
        /* else: a BATCH for a READ we gave up on; the re-sent one counts. */
        zmq_msg_close(&hdr);
        zmq_msg_close(&body);
        if (r < 0 && r != CC_EMALFORMED)
            return;
    }
}

void sc_feed_restart(sc_feed_t *f, uint64_t cursor)
{
    uint64_t now_ms = cc_mono_ms();

    f->fig.cursor = f->after = cursor;
    f->fig.stopped = false;
    f->fig.behind = true;
    f->fig.caught_up_ms = now_ms;
    send_hello(f);
    send_read(f, now_ms);
}

void sc_feed_timer(sc_feed_t *f, uint64_t now_ms)
{
    if (f->fig.stopped || now_ms < f->deadline_ms)
        return;
    if (!f->retry) {
        void *fresh = connect_socket(f);

        f->fig.resends++;
        if (f->fig.connected)
            cc_log(LOG_WARNING, "No reply from %s at %s for %u ms; reconnecting", f->name,
                   f->endpoint, SC_FEED_WAIT_MS + SC_FEED_GRACE_MS);
        f->fig.connected = false;
        /* Lazy Pirate: a new socket, so that requests queued for a dead
         * peer are dropped instead of all being answered later. The caller
         * polls sc_feed_socket() afresh on each turn. */
        if (fresh) {
            zmq_close(f->sock);
            f->sock = fresh;
        }
    }
    send_hello(f);
    send_read(f, now_ms);
}
