/*
 * cc_net.c - ZeroMQ framing helpers (see cc_net.h).
 */
#include "cc_net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>
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

/* Parse the HOST:PORT of a tcp:// endpoint into @ret_addr. Returns 0, or
 * -EINVAL with @why set. */
static int tcp_listen_addr(const char *hostport, struct sockaddr_storage *ret_addr,
                           socklen_t *ret_len, const char **why)
{
    const char *colon = strrchr(hostport, ':');
    char host[INET6_ADDRSTRLEN + 2];
    size_t host_len;
    char *end;
    long port;

    *why = "expected tcp://HOST:PORT";
    if (colon == NULL || colon == hostport)
        return -EINVAL;
    errno = 0;
    port = strtol(colon + 1, &end, 10);
    if (colon[1] < '0' || colon[1] > '9' || *end != '\0' || errno != 0 || port < 1 ||
        port > 65535) {
        *why = "the port must be a number from 1 to 65535";
        return -EINVAL;
    }
    host_len = (size_t)(colon - hostport);
    *why = "the host must be a numeric IPv4 address, [IPv6 address] or *, not a name";
    if (host_len >= sizeof(host))
        return -EINVAL;
    memcpy(host, hostport, host_len);
    host[host_len] = '\0';
    memset(ret_addr, 0, sizeof(*ret_addr));
    if (host[0] == '[' && host_len > 2 && host[host_len - 1] == ']') {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ret_addr;

        host[host_len - 1] = '\0';
        if (inet_pton(AF_INET6, host + 1, &a6->sin6_addr) != 1)
            return -EINVAL;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)port);
        *ret_len = sizeof(*a6);
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)ret_addr;

        if (strcmp(host, "*") == 0)
            a4->sin_addr.s_addr = htonl(INADDR_ANY);
        else if (inet_pton(AF_INET, host, &a4->sin_addr) != 1)
            return -EINVAL;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)port);
        *ret_len = sizeof(*a4);
    }
    return 0;
}

/* A listening, non-blocking TCP socket on @addr, or -errno. */
static int tcp_listen_fd(const struct sockaddr_storage *addr, socklen_t len)
{
    int one = 1;
    int fd = socket(addr->ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, IPPROTO_TCP);

    if (fd < 0)
        return -errno;
    /* As libzmq does: a restarted daemon rebinds at once. */
    if (setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
        bind(fd, (const struct sockaddr *)addr, len) < 0 || listen(fd, SOMAXCONN) < 0) {
        int r = -errno;

        close(fd);
        return r;
    }
    return fd;
}

int cc_socket_bind(void *sock, const char *endpoint, char *err, size_t err_len)
{
    static const char tcp[] = "tcp://";
    struct sockaddr_storage addr;
    socklen_t addr_len = 0;
    const char *why = NULL;
    int fd, none = -1, r;

    if (sock == NULL) {
        r = -errno;
        snprintf(err, err_len, "cannot bind %s: %s", endpoint, zmq_strerror(-r));
        return r;
    }
    if (strncmp(endpoint, tcp, sizeof(tcp) - 1) != 0) {
        if (zmq_bind(sock, endpoint) == 0)
            return 0;
        r = -errno;
        snprintf(err, err_len, "cannot bind %s: %s", endpoint, zmq_strerror(-r));
        return r;
    }
    if ((r = tcp_listen_addr(endpoint + sizeof(tcp) - 1, &addr, &addr_len, &why)) < 0) {
        snprintf(err, err_len, "cannot bind %s: %s", endpoint, why);
        return r;
    }
    if ((fd = tcp_listen_fd(&addr, addr_len)) < 0) {
        snprintf(err, err_len, "cannot bind %s: %s", endpoint, strerror(-fd));
        return fd;
    }
    /* libzmq takes the socket over (and closes it with @sock). */
    if (zmq_setsockopt(sock, ZMQ_USE_FD, &fd, sizeof(fd)) < 0 || zmq_bind(sock, endpoint) < 0) {
        r = -errno;
        close(fd);
        snprintf(err, err_len, "cannot bind %s: %s", endpoint, zmq_strerror(-r));
        return r;
    }
    zmq_setsockopt(sock, ZMQ_USE_FD, &none, sizeof(none));
    return 0;
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

void cc_request_deinit(cc_request_t *req) { cc_msg_deinit(&req->msg); }

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
