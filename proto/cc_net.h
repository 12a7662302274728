/*
 * cc_net.h - ZeroMQ plumbing shared by daemons and the cchc client.
 *
 * Framing (PROTOCOL.md "Frames"): a DEALER sends [header, body]; the daemon's
 * ROUTER sees [routing id, header, body] and replies [routing id, header,
 * body]. Every socket gets the same limits: high-water marks, the largest
 * accepted message, and a short linger.
 */
#ifndef CC_NET_H
#define CC_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_codec.h"

#define CC_ROUTING_ID_MAX 255
#define CC_SOCKET_HWM 10000

/* A request taken from a ROUTER socket. */
typedef struct {
    uint8_t id[CC_ROUTING_ID_MAX];
    size_t id_len;
    cc_msg_t msg;     /* decoded when cc_router_recv returned 0 */
    uint64_t rid;     /* the body's "rid", 0 when absent or unreadable */
    char user_id[64]; /* ZAP User-Id of the connection, "" in plain mode */
} cc_request_t;

/**
 * cc_socket_new - create a socket of @type with the project's limits
 * (HWM, ZMQ_MAXMSGSIZE for ROUTERs, linger 0 for clients, 2 s for daemons).
 * Returns the socket or NULL (errno set).
 */
void *cc_socket_new(void *zctx, int type);

/**
 * cc_socket_bind - bind @sock to @endpoint, making the listening socket
 * itself for tcp:// so that libzmq does not resolve the address.
 *
 * libzmq's own tcp bind first looks the host up as an interface name
 * (getifaddrs, a netlink socket) and aborts when the sandbox refuses that
 * (deploy/sandbox.conf). Here a tcp://HOST:PORT endpoint with HOST a
 * numeric IPv4 address, [IPv6 address] or `*` (all IPv4 interfaces) and
 * PORT 1..65535 gets a socket, bind and listen of ours, handed to libzmq
 * with ZMQ_USE_FD; a host name or interface name is refused. Other
 * transports (ipc://, inproc://) go to zmq_bind unchanged.
 * @err, @err_len: "cannot bind <endpoint>: <reason>" on failure.
 * Returns 0 or a negative errno (-EINVAL for an endpoint refused here).
 */
int cc_socket_bind(void *sock, const char *endpoint, char *err, size_t err_len);

/**
 * cc_router_recv - take one request from a ROUTER without blocking.
 * @req: receives the routing id and decoded message; release its message
 *   with cc_request_deinit() after a 0 return.
 * @why, @why_len: reason when the request is malformed.
 * Returns 0; -EAGAIN when none is waiting; CC_EMALFORMED when the frames or
 * body break the protocol (routing id and rid are filled, so the caller
 * can answer with an ERROR); or another negative errno.
 */
int cc_router_recv(void *router, cc_request_t *req, char *why, size_t why_len);

/** cc_request_deinit - release a request's decoded message. */
void cc_request_deinit(cc_request_t *req);

/**
 * cc_router_send - send [@id, header(@type), @body] on a ROUTER.
 * Returns 0 or -errno (an unroutable peer is -EHOSTUNREACH, dropped).
 */
int cc_router_send(void *router, const void *id, size_t id_len, cc_msg_type_t type,
                   const void *body, size_t body_len);

/**
 * cc_router_error - answer a request with an ERROR message.
 * @vi, @en: the reason in Vietnamese and English.
 */
int cc_router_error(void *router, const cc_request_t *req, cc_err_t code, const char *vi,
                    const char *en, const char *field, const char *eid);

/**
 * cc_dealer_send - send [header(@type), @body] on a DEALER (or PUB with a
 * topic frame first when @topic is not NULL).
 * @flags: 0 or ZMQ_DONTWAIT. Returns 0 or -errno.
 */
int cc_dealer_send(void *sock, const char *topic, cc_msg_type_t type, const void *body,
                   size_t body_len, int flags);

/**
 * cc_dealer_recv - receive one reply [header, body] on a DEALER, waiting at
 * most @timeout_ms (-1 forever). Decodes with cc_limits_reply.
 * Returns 0, -EAGAIN on timeout, CC_EMALFORMED, or -errno.
 */
int cc_dealer_recv(void *sock, int timeout_ms, cc_msg_t *ret_msg, char *why, size_t why_len);

#endif
