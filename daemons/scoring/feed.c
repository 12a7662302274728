/*
 * feed.c - a consumer of one event log (see feed.h).
 */
#include "feed.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "cc_clock.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_net.h"

struct sc_feed {
    void *zctx;
    char *name;
    char *endpoint;
    void *sock;
    sc_feed_apply_fn apply;
    void *ctx;
    uint64_t rid; /* rid of the READ in flight (0: none) */
    uint64_t next_rid;
    uint64_t deadline_ms;
    bool retry;       /* deadline is a retry, not a reply timeout */
    bool verify;      /* the next READ starts at the cursor itself (after a HELLO) */
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
    f->verify = f->fig.cursor > 0;
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
    cc_enc_reset(&f->enc);
    cc_enc_map(&f->enc, 4);
    cc_enc_kv_u64(&f->enc, "rid", f->rid);
    cc_enc_kv_u64(&f->enc, "after", f->verify ? f->fig.cursor - 1 : f->fig.cursor);
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
                const char *server_key, uint64_t cursor, sc_feed_apply_fn apply, void *ctx,
                sc_feed_t **ret)
{
    sc_feed_t *f = cc_xcalloc(1, sizeof(*f));
    int r = 0;

    f->zctx = zctx;
    f->name = cc_xstrdup(name);
    f->endpoint = cc_xstrdup(endpoint);
    f->apply = apply;
    f->ctx = ctx;
    f->fig.cursor = cursor;
    f->fig.caught_up_ms = cc_clock_mono_ms();
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
    send_read(f, cc_clock_mono_ms());
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

void sc_feed_figures(const sc_feed_t *f, sc_feed_figures_t *ret) { *ret = f->fig; }

static void on_batch(sc_feed_t *f, const cc_msg_t *m, uint64_t now_ms)
{
    uint64_t head = 0, cursor = f->fig.cursor;
    int r;

    cc_map_u64(&m->body, "head", &head);
    r = f->apply(f->ctx, &m->body, &cursor);
    if (r == -ESTALE) {
        f->fig.stopped = true;
        f->fig.head = head;
        f->rid = 0;
        f->deadline_ms = UINT64_MAX;
        return;
    }
    if (r < 0) {
        f->fig.errors++;
        cc_log(LOG_ERR, "Failed to apply a batch from %s after %llu: %s", f->name,
               (unsigned long long)f->fig.cursor, strerror(r < -200 ? EIO : -r));
        schedule_retry(f, now_ms);
        return;
    }
    f->hello_fresh = false;
    f->fig.head = head;
    f->fig.head_known = true;
    f->fig.cursor = cursor;
    f->fig.batches++;
    f->fig.connected = true;
    f->fig.behind = cursor < head;
    if (!f->fig.behind)
        f->fig.caught_up_ms = now_ms;
    f->verify = false;
    send_read(f, now_ms);
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

void sc_feed_readable(sc_feed_t *f, uint64_t now_ms)
{
    for (;;) {
        cc_msg_t m = { 0 };
        char why[128];
        uint64_t rid = 0;
        int r = cc_dealer_recv(f->sock, 0, &m, why, sizeof(why));

        if (r == -EAGAIN || r == -EINTR)
            return;
        if (r < 0) {
            if (r == CC_EMALFORMED)
                cc_log(LOG_WARNING, "Malformed reply from %s: %s", f->name, why);
            else
                return;
            continue;
        }
        cc_map_u64(&m.body, "rid", &rid);
        if (m.type == CC_MSG_RESULT) {
            f->fig.connected = true; /* HELLO answered, with the log's head */
            if (cc_map_u64(&m.body, "head", &f->fig.head) == 0)
                f->fig.head_known = true;
        } else if (rid != 0 && rid == f->rid) {
            f->rid = 0;
            if (m.type == CC_MSG_BATCH)
                on_batch(f, &m, now_ms);
            else if (m.type == CC_MSG_ERROR)
                on_error(f, &m, now_ms);
        }
        /* else: a reply to a READ we gave up on; the re-sent one counts. */
        cc_msg_deinit(&m);
    }
}

void sc_feed_restart(sc_feed_t *f, uint64_t cursor)
{
    uint64_t now_ms = cc_clock_mono_ms();

    f->fig.cursor = cursor;
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
