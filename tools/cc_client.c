/*
 * cc_client.c - the client side of the cchc protocol (see cc_client.h).
 *
 * Out-of-memory policy: as in the daemons (cc_mem.h), an allocation failure
 * aborts; only peer input and caller input are errors.
 */
#include "cc_client.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "cc_mem.h"
#include "cc_net.h"

/* Push rids live in their own range, one range per push session, so that
 * a reply is matched to its slot by arithmetic and a late reply from an
 * earlier session or request can never be taken for a current one. */
#define PUSH_RID_SHIFT 40

/* Silence (no message at all while events wait) after which a push takes
 * the daemon for away and starts pinging it. */
#define PUSH_SILENCE_MS 3000u

struct cc_client {
    void *zctx;
    bool own_ctx;
    void *sock;
    void *mon;     /* PAIR receiving the DEALER's handshake events */
    bool curve;    /* a CurveZMQ client */
    int handshake; /* the last handshake failure seen (cc_client_handshake_error) */
    char *endpoint;
    int timeout_ms;
    uint64_t next_rid;
    uint64_t push_sessions;
    cc_enc_t enc;
    /* the identity of the last successful HELLO, said again after a
     * daemon restart may have dropped the session */
    bool have_hello;
    char daemon[CC_MAX_CODE + 1]; /* as the last HELLO's RESULT named it */
    char role[CC_MAX_CODE + 1];
    char who[CC_MAX_CODE + 1];
    char *units;
};

static uint64_t mono_us(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t mono_ms(void) { return mono_us() / 1000u; }

/* Copy slice @s into @dst as a C string, cutting at a UTF-8 character
 * boundary when it does not fit. */
static void copy_cut(char *dst, size_t size, const char *s, size_t len)
{
    if (len >= size) {
        len = size - 1;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    memcpy(dst, s, len);
    dst[len] = '\0';
}

static void map_copy(const msgpack_object *map, const char *key, char *dst, size_t size)
{
    cc_str_t s;

    if (cc_map_str(map, key, &s) == 0)
        copy_cut(dst, size, s.ptr, s.len);
    else
        dst[0] = '\0';
}

/* ---- Connection events -------------------------------------------------------- */

static bool sock_more(void *sock)
{
    int more = 0;
    size_t sz = sizeof(more);

    zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
    return more != 0;
}

/* Read one monitor event: [2 bytes event, 4 bytes value][address]. */
static uint16_t monitor_event(void *mon, uint32_t *ret_value)
{
    zmq_msg_t m;
    uint16_t event = 0;

    zmq_msg_init(&m);
    if (zmq_msg_recv(&m, mon, 0) >= 6) {
        memcpy(&event, zmq_msg_data(&m), sizeof(event));
        memcpy(ret_value, (const uint8_t *)zmq_msg_data(&m) + 2, sizeof(*ret_value));
    }
    zmq_msg_close(&m);
    if (sock_more(mon)) {
        zmq_msg_init(&m);
        zmq_msg_recv(&m, mon, 0);
        zmq_msg_close(&m);
    }
    return event;
}

/* Watch socket @sock's connection: @events (ZMQ_EVENT_*) go to a PAIR
 * socket named after @owner, returned (NULL when ZeroMQ cannot). */
static void *monitor_new(void *zctx, void *sock, const void *owner, int events)
{
    char addr[64];
    int linger = 0;
    void *mon;

    snprintf(addr, sizeof(addr), "inproc://cchc-monitor-%p", owner);
    if (zmq_socket_monitor(sock, addr, events) < 0)
        return NULL;
    if ((mon = zmq_socket(zctx, ZMQ_PAIR)) == NULL) {
        zmq_socket_monitor(sock, NULL, 0);
        return NULL;
    }
    zmq_setsockopt(mon, ZMQ_LINGER, &linger, sizeof(linger));
    if (zmq_connect(mon, addr) < 0) {
        zmq_close(mon);
        zmq_socket_monitor(sock, NULL, 0);
        return NULL;
    }
    return mon;
}

/* Stop watching @sock and close its monitor @mon (NULL: nothing to do). */
static void monitor_end(void *sock, void *mon)
{
    if (mon == NULL)
        return;
    zmq_socket_monitor(sock, NULL, 0);
    zmq_close(mon);
}

/* Read one event of the connection and note what it says of the
 * handshake: the most telling failure since the last success is a refused
 * key, then a mechanism mismatch, then any other. A CURVE server closes a
 * plain client's connection as soon as it reads its greeting, so that the
 * client seldom reads the mismatch itself: a plain client's failed
 * handshake is a mismatch (a plain daemon fails none). */
static uint16_t connection_event(cc_client_t *c)
{
    uint32_t value = 0;
    uint16_t ev = monitor_event(c->mon, &value);

    if (ev == ZMQ_EVENT_HANDSHAKE_SUCCEEDED)
        c->handshake = 0;
    else if (ev == ZMQ_EVENT_HANDSHAKE_FAILED_AUTH)
        c->handshake = -EACCES;
    else if ((ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
              ev == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) &&
             c->handshake != -EACCES &&
             (!c->curve || (ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL &&
                            value == ZMQ_PROTOCOL_ERROR_ZMTP_MECHANISM_MISMATCH)))
        c->handshake = -EPROTONOSUPPORT;
    else if ((ev == ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL ||
              ev == ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL) &&
             c->handshake == 0)
        c->handshake = -EPROTO;
    return ev;
}

int cc_client_handshake_error(cc_client_t *c)
{
    zmq_pollitem_t it = { c->mon, 0, ZMQ_POLLIN, 0 };

    while (c->mon && zmq_poll(&it, 1, 0) > 0)
        connection_event(c);
    return c->handshake;
}

int cc_client_new(void *zctx, const char *endpoint, const cc_client_opts_t *opts, cc_client_t **ret)
{
    cc_client_opts_t o = opts ? *opts : (cc_client_opts_t){ 0 };
    cc_client_t *c = cc_xcalloc(1, sizeof(*c));
    int ivl_max = CC_CLIENT_RECONNECT_IVL_MAX_MS;
    int r;

    if (o.timeout_ms <= 0)
        o.timeout_ms = CC_CLIENT_TIMEOUT_MS;
    if (o.reconnect_ivl_ms <= 0)
        o.reconnect_ivl_ms = CC_CLIENT_RECONNECT_IVL_MS;
    if (o.connect_timeout_ms <= 0)
        o.connect_timeout_ms = o.timeout_ms;
    if (ivl_max < o.reconnect_ivl_ms)
        ivl_max = o.reconnect_ivl_ms;
    c->timeout_ms = o.timeout_ms;
    c->next_rid = 1;
    cc_enc_init(&c->enc);
    c->endpoint = cc_xstrdup(endpoint ? endpoint : "");
    c->zctx = zctx;
    if (c->zctx == NULL) {
        c->zctx = zmq_ctx_new();
        c->own_ctx = true;
        if (c->zctx == NULL) {
            r = -errno;
            goto out;
        }
    }
    c->sock = cc_socket_new(c->zctx, ZMQ_DEALER);
    if (c->sock == NULL) {
        r = -errno;
        goto out;
    }
    if (o.server_key || o.key) {
        if (o.server_key == NULL || o.key == NULL || !cc_curve_key_valid(o.server_key)) {
            r = -EINVAL;
            goto out;
        }
        if ((r = cc_curve_client_socket(c->sock, o.key, o.server_key)) < 0)
            goto out;
        c->curve = true;
    }
    /* Handshakes tell a refused key from a daemon that is not there;
     * drops and reconnections drive the push engine's probing. */
    c->mon = monitor_new(c->zctx, c->sock, c,
                         ZMQ_EVENT_HANDSHAKE_SUCCEEDED | ZMQ_EVENT_HANDSHAKE_FAILED_AUTH |
                             ZMQ_EVENT_HANDSHAKE_FAILED_PROTOCOL |
                             ZMQ_EVENT_HANDSHAKE_FAILED_NO_DETAIL | ZMQ_EVENT_DISCONNECTED);
    if (c->mon == NULL) {
        r = -errno;
        goto out;
    }
    zmq_setsockopt(c->sock, ZMQ_RECONNECT_IVL, &o.reconnect_ivl_ms, sizeof(int));
    zmq_setsockopt(c->sock, ZMQ_RECONNECT_IVL_MAX, &ivl_max, sizeof(int));
    zmq_setsockopt(c->sock, ZMQ_CONNECT_TIMEOUT, &o.connect_timeout_ms, sizeof(int));
    if (zmq_connect(c->sock, c->endpoint) < 0) {
        r = errno == EPROTONOSUPPORT || errno == ENOENT ? -EINVAL : -errno;
        goto out;
    }
    *ret = c;
    c = NULL;
    r = 0;
out:
    cc_client_destroy(&c);
    return r;
}

void cc_client_destroy(cc_client_t **self_p)
{
    cc_client_t *c = self_p ? *self_p : NULL;

    if (c == NULL)
        return;
    if (c->sock) {
        monitor_end(c->sock, c->mon);
        zmq_close(c->sock);
    }
    if (c->own_ctx && c->zctx)
        zmq_ctx_term(c->zctx);
    cc_enc_deinit(&c->enc);
    free(c->endpoint);
    free(c->units);
    free(c);
    *self_p = NULL;
}

const char *cc_client_endpoint(const cc_client_t *c) { return c->endpoint; }

int cc_client_timeout(const cc_client_t *c) { return c->timeout_ms; }

void *cc_client_socket(cc_client_t *c) { return c->sock; }

void *cc_client_context(cc_client_t *c) { return c->zctx; }

/* Encode { rid, pairs... } into c->enc and check it against the limits a
 * daemon applies, so that a request the daemon would drop as malformed
 * (and could not answer by rid) is refused here. */
static int build_body(cc_client_t *c, uint64_t rid, const void *pairs, size_t pairs_len)
{
    size_t map;

    cc_enc_reset(&c->enc);
    map = cc_enc_map_open(&c->enc);
    cc_enc_kv_u64(&c->enc, "rid", rid);
    if (pairs_len)
        cc_enc_raw(&c->enc, pairs, pairs_len);
    cc_enc_map_close(&c->enc, map);
    if (cc_body_check(c->enc.buf.data, c->enc.buf.size, &cc_limits_request, NULL, 0) < 0)
        return -EMSGSIZE;
    return 0;
}

int cc_client_send(cc_client_t *c, cc_msg_type_t type, const void *pairs, size_t pairs_len,
                   uint64_t *ret_rid)
{
    uint64_t rid = c->next_rid;
    int r;

    if ((r = build_body(c, rid, pairs, pairs_len)) < 0)
        return r;
    r = cc_dealer_send(c->sock, NULL, type, c->enc.buf.data, c->enc.buf.size, ZMQ_DONTWAIT);
    if (r < 0)
        return r;
    c->next_rid++;
    if (ret_rid)
        *ret_rid = rid;
    return 0;
}

int cc_client_recv(cc_client_t *c, int timeout_ms, cc_msg_t *ret_msg, uint64_t *ret_rid)
{
    char why[256];
    uint64_t rid = 0;
    int r;

    r = cc_dealer_recv(c->sock, timeout_ms, ret_msg, why, sizeof(why));
    if (r == -EAGAIN)
        return -ETIMEDOUT;
    if (r < 0)
        return r;
    cc_map_u64(&ret_msg->body, "rid", &rid);
    if (ret_rid)
        *ret_rid = rid;
    return 0;
}

/* Wait for the reply naming @rid until @deadline_ms, dropping others. */
static int wait_reply(cc_client_t *c, uint64_t rid, uint64_t deadline_ms, cc_msg_t *ret_msg)
{
    for (;;) {
        uint64_t now = mono_ms();
        cc_msg_t msg = { 0 };
        uint64_t got;
        int r;

        if (now >= deadline_ms)
            return -ETIMEDOUT;
        r = cc_client_recv(c, (int)(deadline_ms - now), &msg, &got);
        if (r < 0)
            return r;
        if (got == rid) {
            *ret_msg = msg;
            return 0;
        }
        cc_msg_deinit(&msg); /* an answer to an abandoned request */
    }
}

static int call_until(cc_client_t *c, cc_msg_type_t type, const void *pairs, size_t pairs_len,
                      int timeout_ms, cc_msg_t *ret_msg)
{
    uint64_t rid;
    int r;

    r = cc_client_send(c, type, pairs, pairs_len, &rid);
    if (r == -EAGAIN)
        return -ETIMEDOUT; /* the queue to an absent daemon is full */
    if (r < 0)
        return r;
    return wait_reply(c, rid, mono_ms() + (uint64_t)timeout_ms, ret_msg);
}

int cc_client_call(cc_client_t *c, cc_msg_type_t type, const void *pairs, size_t pairs_len,
                   cc_msg_t *ret_msg)
{
    return call_until(c, type, pairs, pairs_len, c->timeout_ms, ret_msg);
}

/* Read an error's reasons from @map: an ERROR body, or an entry of a
 * batch ACK's `errors`. Returns 0 or CC_EMALFORMED (no code). */
static int error_from_map(const msgpack_object *map, cc_client_error_t *ret)
{
    cc_client_error_t e;

    map_copy(map, "code", e.code, sizeof(e.code));
    if (e.code[0] == '\0')
        return CC_EMALFORMED;
    map_copy(map, "field", e.field, sizeof(e.field));
    map_copy(map, "eid", e.eid, sizeof(e.eid));
    map_copy(map, "vi", e.vi, sizeof(e.vi));
    map_copy(map, "en", e.en, sizeof(e.en));
    *ret = e;
    return 0;
}

int cc_client_error_from_msg(const cc_msg_t *msg, cc_client_error_t *ret)
{
    if (msg->type != CC_MSG_ERROR)
        return CC_EMALFORMED;
    return error_from_map(&msg->body, ret);
}

/* Sort a reply into RESULT-like (0, kept in @msg), ERROR (1, copied to
 * @ret_err, released) or a protocol error (released). */
static int classify(cc_msg_t *msg, int want_type, cc_client_error_t *ret_err)
{
    cc_client_error_t e;
    int r;

    if (msg->type == want_type)
        return 0;
    if (msg->type == CC_MSG_ERROR) {
        r = cc_client_error_from_msg(msg, &e);
        if (r == 0) {
            if (ret_err)
                *ret_err = e;
            r = 1;
        }
    } else {
        r = -EPROTO;
    }
    cc_msg_deinit(msg);
    return r;
}

int cc_units_parse(const char *list, char (*out)[CC_MAX_CODE + 1], size_t max, size_t *ret_n)
{
    size_t n = 0;
    const char *p = list;
    bool star = false;

    if (list == NULL || *list == '\0')
        return -EINVAL;
    if (max > CC_MAX_UNITS)
        max = CC_MAX_UNITS;
    for (;;) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);

        if (len == 0 || len > CC_MAX_CODE)
            return -EINVAL;
        for (size_t i = 0; i < len; i++)
            if (p[i] <= ' ' || p[i] > '~')
                return -EINVAL;
        /* "*" means all units and stands alone */
        if (star || (len == 1 && p[0] == '*' && (n > 0 || end)))
            return -EINVAL;
        star = len == 1 && p[0] == '*';
        if (n == max)
            return -E2BIG;
        if (out) {
            memcpy(out[n], p, len);
            out[n][len] = '\0';
        }
        n++;
        if (!end)
            break;
        p = end + 1;
    }
    *ret_n = n;
    return 0;
}

static bool code_ok(const char *s)
{
    size_t len = s ? strlen(s) : 0;

    if (len == 0 || len > CC_MAX_CODE)
        return false;
    for (size_t i = 0; i < len; i++)
        if (s[i] <= ' ' || s[i] > '~')
            return false;
    return true;
}

/* Encode the HELLO pairs for the remembered or given identity (a NULL or
 * empty role, name or units is left out: with a key, the key's). */
static int encode_hello(cc_enc_t *e, const char *role, const char *who, const char *units)
{
    char codes[CC_MAX_UNITS][CC_MAX_CODE + 1];
    size_t n = 0;
    int r;

    if ((role && *role && !code_ok(role)) || (who && *who && !code_ok(who)))
        return -EINVAL;
    if (units && *units && (r = cc_units_parse(units, codes, CC_MAX_UNITS, &n)) < 0)
        return r;
    if (role && *role)
        cc_enc_kv_str(e, "role", role);
    if (who && *who)
        cc_enc_kv_str(e, "who", who);
    if (units && *units) {
        cc_enc_str(e, "units");
        cc_enc_array(e, n);
        for (size_t i = 0; i < n; i++)
            cc_enc_str(e, codes[i]);
    }
    return 0;
}

int cc_client_hello(cc_client_t *c, const char *role, const char *who, const char *units,
                    uint64_t *ret_head, cc_client_error_t *ret_err)
{
    cc_enc_t pairs;
    cc_msg_t msg = { 0 };
    int r;

    cc_enc_init(&pairs);
    if ((r = encode_hello(&pairs, role, who, units)) < 0)
        goto out;
    r = cc_client_call(c, CC_MSG_HELLO, pairs.buf.data, pairs.buf.size, &msg);
    if (r < 0)
        goto out;
    if ((r = classify(&msg, CC_MSG_RESULT, ret_err)) != 0)
        goto out;
    if (ret_head) {
        uint64_t head = 0;

        cc_map_u64(&msg.body, "head", &head);
        *ret_head = head;
    }
    map_copy(&msg.body, "daemon", c->daemon, sizeof(c->daemon));
    cc_msg_deinit(&msg);
    snprintf(c->role, sizeof(c->role), "%s", role ? role : "");
    snprintf(c->who, sizeof(c->who), "%s", who ? who : "");
    free(c->units);
    c->units = units ? cc_xstrdup(units) : NULL;
    c->have_hello = true;
out:
    cc_enc_deinit(&pairs);
    return r;
}

const char *cc_client_daemon(const cc_client_t *c) { return c->daemon; }

int cc_client_query(cc_client_t *c, const char *q, const void *pairs, size_t pairs_len,
                    cc_msg_t *ret_result, cc_client_error_t *ret_err)
{
    cc_enc_t e;
    cc_msg_t msg = { 0 };
    int r;

    cc_enc_init(&e);
    cc_enc_kv_str(&e, "q", q);
    if (pairs_len)
        cc_enc_raw(&e, pairs, pairs_len);
    r = cc_client_call(c, CC_MSG_QUERY, e.buf.data, e.buf.size, &msg);
    if (r < 0)
        goto out;
    if ((r = classify(&msg, CC_MSG_RESULT, ret_err)) == 0)
        *ret_result = msg;
out:
    cc_enc_deinit(&e);
    return r;
}

int cc_client_read(cc_client_t *c, uint64_t after, uint32_t max, uint32_t wait_ms,
                   cc_msg_t *ret_batch, cc_client_error_t *ret_err)
{
    cc_enc_t e;
    cc_msg_t msg = { 0 };
    int r;

    if (max == 0 || max > CC_MAX_READ || wait_ms > CC_MAX_WAIT_MS)
        return -EINVAL;
    cc_enc_init(&e);
    cc_enc_kv_u64(&e, "after", after);
    cc_enc_kv_u64(&e, "max", max);
    cc_enc_kv_u64(&e, "wait", wait_ms);
    r = call_until(c, CC_MSG_READ, e.buf.data, e.buf.size, (int)wait_ms + c->timeout_ms, &msg);
    if (r < 0)
        goto out;
    if ((r = classify(&msg, CC_MSG_BATCH, ret_err)) == 0)
        *ret_batch = msg;
out:
    cc_enc_deinit(&e);
    return r;
}

/* ---- Push engine ---------------------------------------------------------------- */

typedef enum { SLOT_FREE, SLOT_WAIT, SLOT_DONE } slot_state_t;

/* Events travel in batches: consecutive events waiting to be sent go in
 * one EVENT with `evs` (PROTOCOL.md §2.2), up to this many or this many
 * bytes (the request frame is at most CC_MAX_FRAME). */
#define PUSH_BATCH_EVENTS 256
#define PUSH_BATCH_BYTES (CC_MAX_FRAME - 1024)

/* One submitted event, from submission until its result is handed back.
 * Its event map is kept for resending. */
typedef struct {
    uint64_t no; /* submission number; its rid is base + no + 1 */
    uint64_t tag;
    slot_state_t state;
    cc_push_status_t status;
    bool dup;
    unsigned attempts;    /* sends */
    unsigned soft_errors; /* retryable ERRORs received */
    uint64_t seq;
    uint64_t first_us; /* first send */
    uint64_t done_us;  /* final reply */
    uint64_t due_ms;   /* next (re)send when still unanswered */
    uint64_t epoch;    /* the push's HELLO epoch at the last send */
    uint64_t msg_rid;  /* rid of the message it was last sent in */
    char eid[CC_MAX_ID + 1];
    char *body; /* the event map */
    size_t len, cap;
    cc_client_error_t *err; /* allocated on first need, reused */
} slot_t;

struct cc_push {
    cc_client_t *c;
    cc_push_opts_t o;
    slot_t *slots;
    uint64_t base;             /* rid of submission n is base + n */
    uint64_t head;             /* oldest submission not handed back */
    uint64_t next;             /* next submission number */
    size_t waiting;            /* slots in SLOT_WAIT */
    uint64_t next_due_ms;      /* no resend (or probe) is due before this */
    uint64_t last_progress_ms; /* an event last got its final answer (the give-up clock) */
    uint64_t alive_ms;         /* the daemon last said anything at all */
    uint64_t probe_due_ms;     /* next ping while it says nothing */
    bool silent;               /* nothing heard for a retry interval, or the connection
                                  dropped: probing */
    bool need_hello;
    bool one_by_one; /* the daemon takes no `evs` (an older one): one event per EVENT */
    uint64_t *queue; /* submission numbers waiting to be sent, ascending */
    size_t n_queued;
    size_t queued_bytes;
    uint64_t epoch; /* HELLOs said again during the push */
    int fatal;      /* sticky protocol error */
    cc_push_stats_t st;
};

int cc_client_push_begin(cc_client_t *c, const cc_push_opts_t *opts, cc_push_t **ret)
{
    cc_push_t *p;

    if (opts == NULL || opts->on_result == NULL)
        return -EINVAL;
    p = cc_xcalloc(1, sizeof(*p));
    p->c = c;
    p->o = *opts;
    if (p->o.window == 0)
        p->o.window = CC_PUSH_WINDOW;
    if (p->o.timeout_ms <= 0)
        p->o.timeout_ms = c->timeout_ms;
    if (p->o.retry_ms <= 0)
        p->o.retry_ms = p->o.timeout_ms / 3 > 0 ? p->o.timeout_ms / 3 : 1;
    if (p->o.max_attempts == 0)
        p->o.max_attempts = CC_PUSH_MAX_ATTEMPTS;
    p->slots = cc_xcalloc(p->o.window, sizeof(slot_t));
    p->queue = cc_xcalloc(p->o.window, sizeof(uint64_t));
    p->base = ++c->push_sessions << PUSH_RID_SHIFT;
    p->next_due_ms = UINT64_MAX;
    p->last_progress_ms = p->alive_ms = mono_ms();
    *ret = p;
    return 0;
}

void cc_push_end(cc_push_t **self_p)
{
    cc_push_t *p = self_p ? *self_p : NULL;

    if (p == NULL)
        return;
    for (size_t i = 0; i < p->o.window; i++) {
        free(p->slots[i].body);
        free(p->slots[i].err);
    }
    free(p->slots);
    free(p->queue);
    free(p);
    *self_p = NULL;
}

size_t cc_push_in_flight(const cc_push_t *p) { return (size_t)(p->next - p->head); }

size_t cc_push_room(const cc_push_t *p) { return p->o.window - cc_push_in_flight(p); }

void cc_push_stats(const cc_push_t *p, cc_push_stats_t *ret) { *ret = p->st; }

uint64_t cc_push_idle_ms(const cc_push_t *p)
{
    return p->waiting > 0 ? mono_ms() - p->last_progress_ms : 0;
}

static slot_t *slot_of(cc_push_t *p, uint64_t no) { return &p->slots[no % p->o.window]; }

/* Hand back, in submission order, every result that is complete. */
static void deliver(cc_push_t *p)
{
    while (p->head < p->next) {
        slot_t *s = slot_of(p, p->head);
        cc_push_result_t res;

        if (s->state != SLOT_DONE)
            break;
        res = (cc_push_result_t){
            .tag = s->tag,
            .status = s->status,
            .eid = s->eid[0] ? s->eid : (s->err && s->err->eid[0] ? s->err->eid : ""),
            .seq = s->seq,
            .dup = s->dup,
            .err = s->status == CC_PUSH_REJECTED ? s->err : NULL,
            .attempts = s->attempts,
            .latency_us = s->done_us && s->first_us ? s->done_us - s->first_us : 0,
        };
        p->o.on_result(p->o.ctx, &res);
        s->state = SLOT_FREE;
        p->head++;
    }
}

static void finish_slot(cc_push_t *p, slot_t *s, cc_push_status_t status)
{
    if (s->state == SLOT_WAIT)
        p->waiting--;
    if (status != CC_PUSH_TIMEOUT)
        p->last_progress_ms = mono_ms();
    s->state = SLOT_DONE;
    s->status = status;
    s->done_us = mono_us();
    switch (status) {
    case CC_PUSH_OK:
        s->dup ? p->st.dup++ : p->st.ok++;
        break;
    case CC_PUSH_REJECTED:
        p->st.rejected++;
        break;
    case CC_PUSH_TIMEOUT:
        p->st.timed_out++;
        break;
    }
}

/* Say HELLO again without waiting; the daemon handles messages of one
 * connection in order, so the events sent after it are under it. */
static void resend_hello(cc_push_t *p)
{
    cc_client_t *c = p->c;
    cc_enc_t pairs;

    p->need_hello = false;
    if (!c->have_hello)
        return;
    p->epoch++;
    cc_enc_init(&pairs);
    if (encode_hello(&pairs, c->role, c->who, c->units) == 0)
        cc_client_send(c, CC_MSG_HELLO, pairs.buf.data, pairs.buf.size, NULL);
    cc_enc_deinit(&pairs);
}

/* Send slots @first .. @first + @n (consecutive submissions) in one
 * message: EVENT with `ev` for one, with `evs` for more; its rid is the
 * first event's, and event i's rid that + i. */
static void send_message(cc_push_t *p, slot_t *const *slots, size_t n, uint64_t now)
{
    cc_enc_t *e = &p->c->enc;
    uint64_t rid = p->base + slots[0]->no + 1;
    int r;

    cc_enc_reset(e);
    cc_enc_map(e, 2);
    cc_enc_kv_u64(e, "rid", rid);
    if (n == 1) {
        cc_enc_str(e, "ev");
    } else {
        cc_enc_str(e, "evs");
        cc_enc_array(e, n);
    }
    for (size_t i = 0; i < n; i++)
        cc_enc_raw(e, slots[i]->body, slots[i]->len);
    r = cc_dealer_send(p->c->sock, NULL, CC_MSG_EVENT, e->buf.data, e->buf.size, ZMQ_DONTWAIT);
    for (size_t i = 0; i < n; i++) {
        slot_t *s = slots[i];

        if (r < 0) {
            /* The queue to the daemon is full (it is away): try again
             * soon; the give-up timeout ends this if it never comes back. */
            s->due_ms = now + 10;
        } else {
            if (s->attempts == 0) {
                s->first_us = mono_us();
                p->st.sent++;
            } else {
                p->st.resends++;
            }
            s->attempts++;
            s->epoch = p->epoch;
            s->msg_rid = rid;
            s->due_ms = now + (uint64_t)p->o.retry_ms;
        }
        if (s->due_ms < p->next_due_ms)
            p->next_due_ms = s->due_ms;
    }
    if (r == 0)
        p->st.messages++;
}

/* Send every queued event still waiting (HELLO first when it must be said
 * again), consecutive ones together. */
static void send_queued(cc_push_t *p, uint64_t now)
{
    slot_t *run[PUSH_BATCH_EVENTS];
    size_t n = 0, bytes = 0;

    if (p->n_queued == 0)
        return;
    if (p->need_hello)
        resend_hello(p);
    for (size_t i = 0; i < p->n_queued; i++) {
        slot_t *s = slot_of(p, p->queue[i]);

        if (s->no != p->queue[i] || s->state != SLOT_WAIT)
            continue; /* answered meanwhile */
        if (n > 0 && (p->one_by_one || n == PUSH_BATCH_EVENTS || s->no != run[n - 1]->no + 1 ||
                      bytes + s->len > PUSH_BATCH_BYTES)) {
            send_message(p, run, n, now);
            n = bytes = 0;
        }
        run[n++] = s;
        bytes += s->len;
    }
    if (n > 0)
        send_message(p, run, n, now);
    p->n_queued = p->queued_bytes = 0;
}

/* Queue slot @s to be sent with its neighbours (send_queued). */
static void queue_slot(cc_push_t *p, slot_t *s)
{
    p->queue[p->n_queued++] = s->no;
    p->queued_bytes += s->len;
    s->due_ms = UINT64_MAX; /* not due again before it is sent */
}

/* How long a daemon may say nothing at all while events wait before it is
 * taken for away: the retry interval, at most PUSH_SILENCE_MS (a long
 * --timeout must not delay noticing a restart). */
static uint64_t silence_ms(const cc_push_t *p)
{
    return (uint64_t)p->o.retry_ms < PUSH_SILENCE_MS ? (uint64_t)p->o.retry_ms : PUSH_SILENCE_MS;
}

/* The daemon has said nothing for silence_ms() while events wait, or the
 * connection dropped: it is away (restarting, unreachable). Resending every event into
 * the void would only pile copies up in the queue, so ask whether it is
 * back with one ping per probe interval instead; the first word from it
 * (wake) resends everything still unanswered. */
static void probe(cc_push_t *p, uint64_t now)
{
    cc_enc_t q;

    p->silent = true;
    if (now >= p->probe_due_ms) {
        cc_enc_init(&q);
        cc_enc_kv_str(&q, "q", "ping");
        if (cc_client_send(p->c, CC_MSG_QUERY, q.buf.data, q.buf.size, NULL) == 0)
            p->st.probes++;
        cc_enc_deinit(&q);
        p->probe_due_ms =
            now + (uint64_t)(p->o.retry_ms < CC_PUSH_PROBE_MS ? p->o.retry_ms : CC_PUSH_PROBE_MS);
    }
    p->next_due_ms = p->probe_due_ms;
}

/* The daemon speaks again after a silence: whatever it had of the events
 * in flight went down with it or with the connection (a new connection
 * has no session either), so HELLO and every unanswered event go again,
 * in order, now. Those it had stored are acknowledged as duplicates. */
static void wake(cc_push_t *p, uint64_t now)
{
    p->silent = false;
    p->st.wakes++;
    p->need_hello = true;
    for (uint64_t no = p->head; no < p->next; no++) {
        slot_t *s = slot_of(p, no);

        if (s->state == SLOT_WAIT && s->attempts > 0)
            s->due_ms = now;
    }
    p->next_due_ms = now;
}

/* Resend the events whose time has come. Whatever the reason they were
 * not answered (lost in a reconnect, the daemon restarted), the session
 * may be gone too, so HELLO goes first. */
static void resend_due(cc_push_t *p, uint64_t now)
{
    if (now < p->next_due_ms)
        return;
    if (p->waiting > 0 && (p->silent || now >= p->alive_ms + silence_ms(p))) {
        probe(p, now);
        return;
    }
    /* The queue is empty here (pump sent it before waiting): what is due
     * is queued in order, after a HELLO when one is resent. */
    send_queued(p, now);
    p->next_due_ms = UINT64_MAX;
    for (uint64_t no = p->head; no < p->next; no++) {
        slot_t *s = slot_of(p, no);

        if (s->state != SLOT_WAIT)
            continue;
        if (s->due_ms <= now) {
            if (s->attempts > 0)
                p->need_hello = true;
            queue_slot(p, s);
        } else if (s->due_ms < p->next_due_ms) {
            p->next_due_ms = s->due_ms;
        }
    }
    send_queued(p, now);
}

/* The wait before sending again after the @n-th retryable error in a row:
 * a quarter of the retry interval more each time, at most the interval. */
static uint64_t backoff_ms(const cc_push_t *p, unsigned n)
{
    uint64_t step = (uint64_t)(p->o.retry_ms / 4 + 1);

    return step * n < (uint64_t)p->o.retry_ms ? step * n : (uint64_t)p->o.retry_ms;
}

/* Errors after which the same event may succeed when sent again. A
 * not_authorized without a field is "send HELLO first": the daemon lost
 * our session (it restarted). */
static bool retryable(const cc_client_error_t *e, bool *ret_hello)
{
    *ret_hello = strcmp(e->code, "not_authorized") == 0 && e->field[0] == '\0';
    return *ret_hello || strcmp(e->code, "overloaded") == 0 || strcmp(e->code, "internal") == 0;
}

/* The slot of the event with rid @rid still waiting for its answer, or
 * NULL (a reply to a HELLO, a probe, another session, or already
 * answered: stale). */
static slot_t *waiting_slot(cc_push_t *p, uint64_t rid)
{
    uint64_t no;
    slot_t *s;

    if (rid <= p->base || rid - p->base > p->next)
        return NULL;
    no = rid - p->base - 1;
    s = slot_of(p, no);
    if (no < p->head || s->no != no || s->state != SLOT_WAIT) {
        p->st.stale++;
        return NULL;
    }
    return s;
}

/* Event @s is stored (now, or before when @dup) as record @seq. */
static void slot_stored(cc_push_t *p, slot_t *s, uint64_t seq, bool dup)
{
    s->seq = seq;
    s->dup = dup;
    finish_slot(p, s, CC_PUSH_OK);
}

/* Event @s was refused with @err: final, or sent again when retryable. */
static void slot_refused(cc_push_t *p, slot_t *s, const cc_client_error_t *err, uint64_t now)
{
    bool hello;

    if (s->err == NULL)
        s->err = cc_xmalloc(sizeof(*s->err));
    *s->err = *err;
    /* A lost session is not the event's fault: it goes again however often
     * it happens, bounded by the give-up time (no event answered for
     * timeout_ms); overload and internal errors count towards max_attempts. */
    if (retryable(s->err, &hello) && (hello || s->soft_errors + 1 < p->o.max_attempts)) {
        s->soft_errors++;
        if (hello && s->epoch == p->epoch && !p->need_hello) {
            /* First news that the session is gone (a daemon restart, a
             * network break; HELLO was not said again since this event
             * was sent). Events sent before it and still unanswered went
             * down with the old connection, since a connection keeps its
             * order: resend them now, in order, ahead of this one, so
             * that an event never overtakes the one it depends on (a
             * transfer before its receipt). */
            p->need_hello = true;
            for (uint64_t k = p->head; k < s->no; k++) {
                slot_t *o = slot_of(p, k);

                if (o->state == SLOT_WAIT && o->attempts > 0 && o->epoch <= s->epoch)
                    o->due_ms = now;
            }
        }
        /* Back off a little on overload, and after a lost session that
         * the last HELLO did not mend; the first time, resend at once
         * (HELLO goes first). */
        s->due_ms = hello && s->soft_errors == 1
                        ? now
                        : now + backoff_ms(p, hello ? s->soft_errors - 1 : s->soft_errors);
        if (s->due_ms < p->next_due_ms)
            p->next_due_ms = s->due_ms;
        return;
    }
    finish_slot(p, s, CC_PUSH_REJECTED);
}

/* The ACK of an EVENT with `evs` sent with rid @rid: `seqs`, `dups`,
 * `errors` (PROTOCOL.md §2.2). */
static int handle_batch_ack(cc_push_t *p, const msgpack_object *body, uint64_t rid, uint64_t now)
{
    const msgpack_object *seqs = cc_map_find(body, "seqs"), *dups = cc_map_find(body, "dups");
    const msgpack_object *errors = cc_map_find(body, "errors");
    uint32_t n;

    if (seqs == NULL || seqs->type != MSGPACK_OBJECT_ARRAY ||
        (dups && dups->type != MSGPACK_OBJECT_ARRAY) ||
        (errors && errors->type != MSGPACK_OBJECT_ARRAY))
        return CC_EMALFORMED;
    n = seqs->via.array.size;
    /* Refusals first (their seq is 0), then the stored events. */
    for (uint32_t k = 0; errors && k < errors->via.array.size; k++) {
        const msgpack_object *e = &errors->via.array.ptr[k];
        cc_client_error_t err;
        uint64_t i;
        slot_t *s;

        if (cc_map_u64(e, "i", &i) < 0 || i >= n || error_from_map(e, &err) < 0)
            return CC_EMALFORMED;
        if ((s = waiting_slot(p, rid + i)) != NULL)
            slot_refused(p, s, &err, now);
    }
    for (uint32_t i = 0; i < n; i++) {
        const msgpack_object *o = &seqs->via.array.ptr[i];
        bool dup = false;
        slot_t *s;

        if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
            return CC_EMALFORMED;
        if (o->via.u64 == 0 || (s = waiting_slot(p, rid + i)) == NULL)
            continue;
        for (uint32_t k = 0; dups && k < dups->via.array.size && !dup; k++)
            dup = dups->via.array.ptr[k].type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
                  dups->via.array.ptr[k].via.u64 == i;
        slot_stored(p, s, o->via.u64, dup);
    }
    return 0;
}

/* An ERROR for the message sent with rid @rid: for each of its events
 * still waiting. A daemon that takes no `evs` (older) says the message
 * lacks `ev`: its events go again one by one. */
static void handle_message_error(cc_push_t *p, const cc_client_error_t *err, uint64_t rid,
                                 uint64_t now)
{
    bool older = strcmp(err->code, "bad_field") == 0 && strcmp(err->field, "ev") == 0;

    for (uint64_t no = p->head; no < p->next; no++) {
        slot_t *s = slot_of(p, no);

        if (s->state != SLOT_WAIT || s->msg_rid != rid)
            continue;
        if (older && !p->one_by_one) {
            /* Not a send of these events: they go again, as if first. */
            s->attempts--;
            if (s->attempts == 0)
                p->st.sent--;
            s->due_ms = now;
            p->next_due_ms = now;
            continue;
        }
        slot_refused(p, s, err, now);
    }
    if (older)
        p->one_by_one = true;
}

static int handle_reply(cc_push_t *p, cc_msg_t *msg, uint64_t rid, uint64_t now)
{
    cc_client_error_t err;
    slot_t *s;
    int r;

    /* Only answers to events show progress: a daemon that says HELLO
     * back but never answers events must still end in a timeout. */
    if (rid <= p->base || rid - p->base > p->next)
        return 0; /* an answer to a HELLO, a probe or another session */
    if (msg->type == CC_MSG_ACK && cc_map_find(&msg->body, "seqs"))
        return handle_batch_ack(p, &msg->body, rid, now);
    if (msg->type == CC_MSG_ERROR) {
        if ((r = cc_client_error_from_msg(msg, &err)) < 0)
            return r;
        handle_message_error(p, &err, rid, now);
        return 0;
    }
    if (msg->type != CC_MSG_ACK)
        return -EPROTO;
    if ((s = waiting_slot(p, rid)) != NULL) {
        uint64_t seq;
        bool dup = false;

        if (cc_map_u64(&msg->body, "seq", &seq) < 0)
            return CC_EMALFORMED;
        cc_map_bool(&msg->body, "dup", &dup);
        if (s->eid[0] == '\0')
            map_copy(&msg->body, "eid", s->eid, sizeof(s->eid));
        slot_stored(p, s, seq, dup);
    }
    return 0;
}

/* Take every reply already waiting (and wait up to @timeout_ms for the
 * first one, or for @fd). */
/* The connection's news: dropped (the daemon is away: stop resending,
 * probe), or handshaken again after that (it is back: wake). */
static void connection_news(cc_push_t *p, uint64_t now)
{
    zmq_pollitem_t it = { p->c->mon, 0, ZMQ_POLLIN, 0 };

    while (zmq_poll(&it, 1, 0) > 0) {
        uint16_t event = connection_event(p->c);

        if (event == ZMQ_EVENT_DISCONNECTED) {
            p->silent = true;
            p->next_due_ms = now;
        } else if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED && p->silent && p->waiting > 0) {
            p->alive_ms = now;
            wake(p, now);
        }
    }
}

static int pump(cc_push_t *p, int timeout_ms, int fd, bool *ret_fd_ready)
{
    zmq_pollitem_t items[3] = { { p->c->sock, 0, ZMQ_POLLIN, 0 } };
    uint64_t now = mono_ms();
    int n_items = 1, fd_item = -1;
    int r;

    items[n_items++] = (zmq_pollitem_t){ p->c->mon, 0, ZMQ_POLLIN, 0 };
    if (fd >= 0) {
        fd_item = n_items;
        items[n_items++] = (zmq_pollitem_t){ NULL, fd, ZMQ_POLLIN, 0 };
    }

    if (ret_fd_ready)
        *ret_fd_ready = false;
    if (p->fatal)
        return p->fatal;
    send_queued(p, now);
    /* Never sleep past a resend, a probe or the give-up time. */
    if (p->waiting > 0) {
        uint64_t give_up = p->last_progress_ms + (uint64_t)p->o.timeout_ms;
        uint64_t until = p->next_due_ms < give_up ? p->next_due_ms : give_up;
        int64_t left = until > now ? (int64_t)(until - now) : 0;

        if (timeout_ms < 0 || left < timeout_ms)
            timeout_ms = (int)left;
    }
    r = zmq_poll(items, n_items, timeout_ms);
    if (r < 0 && errno != EINTR)
        return -errno;
    if (r > 0 && fd_item >= 0 && (items[fd_item].revents & (ZMQ_POLLIN | ZMQ_POLLERR)) &&
        ret_fd_ready)
        *ret_fd_ready = true;
    now = mono_ms();
    connection_news(p, now);
    for (;;) {
        int events = 0;
        size_t sz = sizeof(events);
        cc_msg_t msg = { 0 };
        uint64_t rid;

        if (zmq_getsockopt(p->c->sock, ZMQ_EVENTS, &events, &sz) < 0 || !(events & ZMQ_POLLIN))
            break;
        r = cc_client_recv(p->c, 0, &msg, &rid);
        if (r == -ETIMEDOUT)
            break;
        if (r < 0) {
            p->fatal = r;
            return r;
        }
        p->alive_ms = now;
        if (p->silent)
            wake(p, now);
        r = handle_reply(p, &msg, rid, now);
        cc_msg_deinit(&msg);
        if (r < 0) {
            p->fatal = r;
            return r;
        }
    }
    resend_due(p, now);
    deliver(p);
    if (p->waiting > 0 && now >= p->last_progress_ms + (uint64_t)p->o.timeout_ms)
        return -ETIMEDOUT;
    return 0;
}

int cc_push_wait(cc_push_t *p, int timeout_ms, int fd, bool *ret_fd_ready)
{
    return pump(p, timeout_ms, fd, ret_fd_ready);
}

/* Wait for room in the window, then claim the next slot. */
static int claim(cc_push_t *p, uint64_t tag, const char *eid, slot_t **ret)
{
    slot_t *s;
    int r;

    while (cc_push_room(p) == 0)
        if ((r = pump(p, -1, -1, NULL)) < 0)
            return r;
    if (p->fatal)
        return p->fatal;
    s = slot_of(p, p->next);
    s->no = p->next++;
    s->tag = tag;
    s->state = SLOT_WAIT;
    s->dup = false;
    s->seq = 0;
    s->attempts = s->soft_errors = 0;
    s->first_us = s->done_us = 0;
    if (eid)
        copy_cut(s->eid, sizeof(s->eid), eid, strlen(eid));
    else
        s->eid[0] = '\0';
    p->st.submitted++;
    if (p->waiting++ == 0) {
        /* The give-up clock starts now, and so does the silence: a push
         * that waited for input is not a daemon that went quiet. */
        p->last_progress_ms = mono_ms();
        if (!p->silent)
            p->alive_ms = p->last_progress_ms;
    }
    *ret = s;
    return 0;
}

int cc_push_submit(cc_push_t *p, uint64_t tag, const char *eid, const void *ev, size_t ev_len)
{
    cc_enc_t *e = &p->c->enc;
    char why[256];
    slot_t *s;
    int r;

    if ((r = claim(p, tag, eid, &s)) < 0)
        return r;
    cc_enc_reset(e);
    cc_enc_map(e, 2);
    cc_enc_kv_u64(e, "rid", p->base + s->no + 1);
    cc_enc_str(e, "ev");
    cc_enc_raw(e, ev, ev_len);
    if (cc_body_check(e->buf.data, e->buf.size, &cc_limits_request, why, sizeof(why)) < 0) {
        if (s->err == NULL)
            s->err = cc_xmalloc(sizeof(*s->err));
        memset(s->err, 0, sizeof(*s->err));
        snprintf(s->err->code, sizeof(s->err->code), "bad_request");
        snprintf(s->err->en, sizeof(s->err->en), "not sent: the event breaks the protocol: %s",
                 why);
        snprintf(s->err->vi, sizeof(s->err->vi),
                 "Không gửi: sự kiện vượt giới hạn của giao thức (kích thước, độ sâu, độ dài "
                 "chuỗi hoặc số phần tử)");
        finish_slot(p, s, CC_PUSH_REJECTED);
        deliver(p);
        return 0;
    }
    if (s->cap < ev_len) {
        s->cap = ev_len < 256 ? 256 : ev_len;
        s->body = cc_xrealloc(s->body, s->cap);
    }
    memcpy(s->body, ev, ev_len);
    s->len = ev_len;
    s->msg_rid = 0;
    if (p->queued_bytes + ev_len > PUSH_BATCH_BYTES)
        send_queued(p, mono_ms());
    queue_slot(p, s);
    /* A batch is full: send it, and take what has arrived without
     * waiting, so results flow while the caller keeps submitting. (Any
     * wait sends what is queued first.) */
    if (p->n_queued >= PUSH_BATCH_EVENTS)
        return pump(p, 0, -1, NULL);
    return 0;
}

int cc_push_local(cc_push_t *p, uint64_t tag, const char *eid, const cc_client_error_t *err)
{
    slot_t *s;
    int r;

    if ((r = claim(p, tag, eid, &s)) < 0)
        return r;
    if (s->err == NULL)
        s->err = cc_xmalloc(sizeof(*s->err));
    *s->err = *err;
    finish_slot(p, s, CC_PUSH_REJECTED);
    deliver(p);
    return 0;
}

int cc_push_finish(cc_push_t *p)
{
    int r = 0;

    while (r == 0 && cc_push_in_flight(p) > 0)
        r = pump(p, -1, -1, NULL);
    if (r < 0) {
        /* Give up: every event still unanswered gets its result now. */
        for (uint64_t no = p->head; no < p->next; no++) {
            slot_t *s = slot_of(p, no);

            if (s->state == SLOT_WAIT)
                finish_slot(p, s, CC_PUSH_TIMEOUT);
        }
        deliver(p);
    }
    return r;
}
