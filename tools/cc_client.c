/*
 * cc_client.c - the client side of the cchc protocol (see cc_client.h).
 *
 * Out-of-memory policy: as in the daemons (cc_mem.h), an allocation failure
 * aborts; only peer input and caller input are errors.
 */
#include "cc_client.h"
#include "cc_client_priv.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "cc_mem.h"
#include "cc_net.h"

void cc_client_copy_cut(char *dst, size_t size, const char *s, size_t len)
{
    if (len >= size) {
        len = size - 1;
        while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
            len--;
    }
    if (len > 0) /* an empty string's pointer may be NULL */
        memcpy(dst, s, len);
    dst[len] = '\0';
}

void cc_client_map_copy(const msgpack_object *map, const char *key, char *dst, size_t size)
{
    cc_str_t s;

    if (cc_map_str(map, key, &s) == 0)
        cc_client_copy_cut(dst, size, s.ptr, s.len);
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
uint16_t cc_client_connection_event(cc_client_t *c)
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
        cc_client_connection_event(c);
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
        uint64_t now = cc_mono_ms();
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
    return wait_reply(c, rid, cc_mono_ms() + (uint64_t)timeout_ms, ret_msg);
}

int cc_client_call(cc_client_t *c, cc_msg_type_t type, const void *pairs, size_t pairs_len,
                   cc_msg_t *ret_msg)
{
    return call_until(c, type, pairs, pairs_len, c->timeout_ms, ret_msg);
}

int cc_client_error_from_map(const msgpack_object *map, cc_client_error_t *ret)
{
    cc_client_error_t e;

    cc_client_map_copy(map, "code", e.code, sizeof(e.code));
    if (e.code[0] == '\0')
        return CC_EMALFORMED;
    cc_client_map_copy(map, "field", e.field, sizeof(e.field));
    cc_client_map_copy(map, "eid", e.eid, sizeof(e.eid));
    cc_client_map_copy(map, "vi", e.vi, sizeof(e.vi));
    cc_client_map_copy(map, "en", e.en, sizeof(e.en));
    *ret = e;
    return 0;
}

int cc_client_error_from_msg(const cc_msg_t *msg, cc_client_error_t *ret)
{
    if (msg->type != CC_MSG_ERROR)
        return CC_EMALFORMED;
    return cc_client_error_from_map(&msg->body, ret);
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

int cc_client_encode_hello(cc_enc_t *e, const char *role, const char *who, const char *units)
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
    if ((r = cc_client_encode_hello(&pairs, role, who, units)) < 0)
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
    cc_client_map_copy(&msg.body, "daemon", c->daemon, sizeof(c->daemon));
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
