/*
 * cc_net.c - ZeroMQ framing helpers (see cc_net.h).
 */
#include "cc_net.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <zmq.h>

void *cc_socket_new(void *zctx, int type)
{
    void *s = zmq_socket(zctx, type);
    int hwm = CC_SOCKET_HWM;
    int linger = (type == ZMQ_ROUTER || type == ZMQ_PUB) ? 2000 : 0;
    int64_t maxmsg = (int64_t)CC_MAX_FRAME;

    if (s == NULL)
        return NULL;
    zmq_setsockopt(s, ZMQ_SNDHWM, &hwm, sizeof(hwm));
    zmq_setsockopt(s, ZMQ_RCVHWM, &hwm, sizeof(hwm));
    zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof(linger));
    /* Daemons accept requests only up to the protocol's frame limit; a
     * larger frame drops the peer's connection inside libzmq. */
    if (type == ZMQ_ROUTER)
        zmq_setsockopt(s, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg));
    return s;
}

/* Receive the rest of a multipart message into nothing. */
static void drain(void *sock)
{
    int more = 1;
    size_t sz = sizeof(more);

    while (zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz) == 0 && more) {
        zmq_msg_t m;

        zmq_msg_init(&m);
        zmq_msg_recv(&m, sock, 0);
        zmq_msg_close(&m);
    }
}

static bool has_more(void *sock)
{
    int more = 0;
    size_t sz = sizeof(more);

    zmq_getsockopt(sock, ZMQ_RCVMORE, &more, &sz);
    return more != 0;
}

/* Best effort: find "rid" in a body the decoder refused, so the ERROR can
 * name the request. Only a top-level positive integer is taken. */
static uint64_t salvage_rid(const void *body, size_t len)
{
    msgpack_zone zone;
    msgpack_object obj;
    size_t off = 0;
    uint64_t rid = 0;
    uint64_t v;

    if (len == 0 || len > CC_MAX_FRAME || cc_body_check(body, len, NULL, NULL, 0) < 0)
        return 0;
    if (!msgpack_zone_init(&zone, 1024))
        return 0;
    if (msgpack_unpack(body, len, &off, &zone, &obj) == MSGPACK_UNPACK_SUCCESS &&
        cc_map_u64(&obj, "rid", &v) == 0)
        rid = v;
    msgpack_zone_destroy(&zone);
    return rid;
}

int cc_router_recv(void *router, cc_request_t *req, char *why, size_t why_len)
{
    zmq_msg_t id, hdr, body;
    int r;

    memset(req, 0, sizeof(*req));
    zmq_msg_init(&id);
    zmq_msg_init(&hdr);
    zmq_msg_init(&body);
    if (zmq_msg_recv(&id, router, ZMQ_DONTWAIT) < 0) {
        r = -errno;
        goto out;
    }
    req->id_len = zmq_msg_size(&id) < CC_ROUTING_ID_MAX ? zmq_msg_size(&id) : CC_ROUTING_ID_MAX;
    memcpy(req->id, zmq_msg_data(&id), req->id_len);
    r = CC_EMALFORMED;
    if (!has_more(router) || zmq_msg_recv(&hdr, router, 0) < 0) {
        snprintf(why, why_len, "expected 2 frames (header, body), got 0");
        goto out;
    }
    {
        const char *uid = zmq_msg_gets(&hdr, "User-Id");

        if (uid)
            snprintf(req->user_id, sizeof(req->user_id), "%s", uid);
    }
    if (!has_more(router) || zmq_msg_recv(&body, router, 0) < 0) {
        snprintf(why, why_len, "expected 2 frames (header, body), got 1");
        goto out;
    }
    if (has_more(router)) {
        drain(router);
        snprintf(why, why_len, "expected 2 frames (header, body), got more");
        goto out;
    }
    r = cc_msg_decode(zmq_msg_data(&hdr), zmq_msg_size(&hdr), zmq_msg_data(&body),
                      zmq_msg_size(&body), &cc_limits_request, &req->msg, why, why_len);
    if (r == 0) {
        uint64_t rid;

        if (cc_map_u64(&req->msg.body, "rid", &rid) == 0)
            req->rid = rid;
    } else {
        req->rid = salvage_rid(zmq_msg_data(&body), zmq_msg_size(&body));
    }
out:
    zmq_msg_close(&id);
    zmq_msg_close(&hdr);
    zmq_msg_close(&body);
    return r;
}

void cc_request_deinit(cc_request_t *req)
{
    cc_msg_deinit(&req->msg);
}

int cc_router_send(void *router, const void *id, size_t id_len, cc_msg_type_t type,
                   const void *body, size_t body_len)
{
    uint8_t h[CC_HEADER_LEN];

    cc_header_make(h, type);
    if (zmq_send(router, id, id_len, ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return -errno;
    if (zmq_send(router, h, sizeof(h), ZMQ_SNDMORE | ZMQ_DONTWAIT) < 0)
        return -errno;
    if (zmq_send(router, body, body_len, ZMQ_DONTWAIT) < 0)
        return -errno;
    return 0;
}

int cc_router_error(void *router, const cc_request_t *req, cc_err_t code, const char *vi,
                    const char *en, const char *field, const char *eid)
{
    cc_enc_t e;
    int r;

    cc_enc_init(&e);
    cc_error_encode(&e, req->rid, code, vi, en, field, eid);
    r = cc_router_send(router, req->id, req->id_len, CC_MSG_ERROR, e.buf.data, e.buf.size);
    cc_enc_deinit(&e);
    return r;
}

int cc_dealer_send(void *sock, const char *topic, cc_msg_type_t type, const void *body,
                   size_t body_len, int flags)
{
    uint8_t h[CC_HEADER_LEN];

    cc_header_make(h, type);
    if (topic && zmq_send(sock, topic, strlen(topic), ZMQ_SNDMORE | flags) < 0)
        return -errno;
    if (zmq_send(sock, h, sizeof(h), ZMQ_SNDMORE | flags) < 0)
        return -errno;
    if (zmq_send(sock, body, body_len, flags) < 0)
        return -errno;
    return 0;
}

int cc_dealer_recv(void *sock, int timeout_ms, cc_msg_t *ret_msg, char *why, size_t why_len)
{
    zmq_pollitem_t item = { sock, 0, ZMQ_POLLIN, 0 };
    zmq_msg_t hdr, body;
    int r;

    r = zmq_poll(&item, 1, timeout_ms);
    if (r < 0)
        return -errno;
    if (r == 0)
        return -EAGAIN;
    zmq_msg_init(&hdr);
    zmq_msg_init(&body);
    if (zmq_msg_recv(&hdr, sock, 0) < 0) {
        r = -errno;
        goto out;
    }
    if (!has_more(sock) || zmq_msg_recv(&body, sock, 0) < 0 || has_more(sock)) {
        drain(sock);
        snprintf(why, why_len, "reply is not [header, body]");
        r = CC_EMALFORMED;
        goto out;
    }
    r = cc_msg_decode(zmq_msg_data(&hdr), zmq_msg_size(&hdr), zmq_msg_data(&body),
                      zmq_msg_size(&body), &cc_limits_reply, ret_msg, why, why_len);
out:
    zmq_msg_close(&hdr);
    zmq_msg_close(&body);
    return r;
}
