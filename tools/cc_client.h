/*
 * cc_client.h - the client side of the cchc protocol (PROTOCOL.md).
 *
 * Used by the `cchc` tool, the integration tests and the benchmarks. A
 * cc_client_t is one DEALER connection to one daemon's ROUTER:
 *
 *   - requests carry a client-chosen `rid`; cc_client_send() and
 *     cc_client_recv() let a caller keep many requests in flight and match
 *     replies itself, cc_client_call() sends one request and waits for the
 *     reply that names it;
 *   - cc_client_hello(), cc_client_query() and cc_client_read() wrap the
 *     protocol's HELLO, QUERY and READ;
 *   - the push engine (cc_push.h) streams events over a client.
 *
 * Return convention: 0 on success, 1 when the daemon answered with an
 * ERROR (the error is copied to a cc_client_error_t), a negative errno
 * otherwise: -ETIMEDOUT when no reply came in time (daemon unreachable),
 * CC_EMALFORMED when a reply breaks the protocol, -EPROTO when a reply has
 * an unexpected type.
 *
 * Threads: a client belongs to one thread at a time (ZeroMQ sockets are not
 * thread-safe).
 */
#ifndef CC_CLIENT_H
#define CC_CLIENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_codec.h"
#include "cc_curve.h"

/* Defaults of the client options. */
#define CC_CLIENT_TIMEOUT_MS 3000
#define CC_CLIENT_RECONNECT_IVL_MS 100
#define CC_CLIENT_RECONNECT_IVL_MAX_MS 1000

/* Default endpoints of the daemons (PROTOCOL.md §1). */
#define CC_ENDPOINT_INTAKE "tcp://127.0.0.1:7301"
#define CC_ENDPOINT_HOTLINE "tcp://127.0.0.1:7302"
#define CC_ENDPOINT_SCORING "tcp://127.0.0.1:7303"

/* An ERROR reply, copied out of the message (PROTOCOL.md "ERROR").
 * Strings are NUL-terminated, "" when the reply did not carry them; long
 * reasons are cut at a UTF-8 character boundary. */
typedef struct {
    char code[CC_MAX_CODE + 1];  /* "illegal_transition", ... */
    char field[CC_MAX_CODE + 1]; /* offending field, or "" */
    char eid[CC_MAX_ID + 1];     /* event id, or "" */
    char vi[1024];               /* reason in Vietnamese */
    char en[1024];               /* reason in English */
} cc_client_error_t;

typedef struct {
    int timeout_ms;                /* reply timeout of a call; 0 = CC_CLIENT_TIMEOUT_MS */
    int reconnect_ivl_ms;          /* ZMQ_RECONNECT_IVL; 0 = CC_CLIENT_RECONNECT_IVL_MS */
    int connect_timeout_ms;        /* ZMQ_CONNECT_TIMEOUT; 0 = the reply timeout */
    const cc_curve_keypair_t *key; /* CurveZMQ: the client's key pair (copied) ... */
    const char *server_key;        /* ... and the daemon's public key; both NULL: plain */
} cc_client_opts_t;

typedef struct cc_client cc_client_t;

/**
 * cc_client_new - create a DEALER socket and connect it to @endpoint.
 * Connecting does not wait for the daemon (ZeroMQ connects in the
 * background and reconnects every reconnect_ivl_ms); the first request
 * tells whether it answers.
 * @zctx: a ZeroMQ context to use, or NULL to give the client its own
 *   (then destroyed with it).
 * @endpoint: "tcp://host:port" or "ipc://path"; copied.
 * @opts: options, or NULL for the defaults; with a key and a server key
 *   the connection is CurveZMQ (encrypted, the daemon knows us by our key).
 * @ret: the new client on success.
 * Returns 0, -EINVAL for a malformed endpoint or a key that is not one, or
 * another -errno (from ZeroMQ, e.g. -EMFILE).
 */
int cc_client_new(void *zctx, const char *endpoint, const cc_client_opts_t *opts,
                  cc_client_t **ret);

/** cc_client_destroy - close the socket (and own context); accepts NULL. */
void cc_client_destroy(cc_client_t **self_p);

/** cc_client_endpoint - the endpoint the client connects to (owned by it). */
const char *cc_client_endpoint(const cc_client_t *c);

/** cc_client_timeout - the reply timeout in milliseconds. */
int cc_client_timeout(const cc_client_t *c);

/**
 * cc_client_handshake_error - why the connection could not be set up, as
 * its monitor saw it (for telling the user after a timeout): 0 when no
 * handshake failed since the last one that succeeded; -EACCES when the
 * daemon refused our key (not in its principals file); -EPROTONOSUPPORT
 * when one end speaks CurveZMQ and the other does not (a plain client
 * whose handshake fails); -EPROTO for another failed handshake of a
 * CurveZMQ client (not the daemon's public key, or a plain daemon).
 */
int cc_client_handshake_error(cc_client_t *c);

/**
 * cc_client_send - send a request of @type whose body is the map
 * { rid, <@pairs> }.
 * @pairs, @pairs_len: already encoded key/value pairs (e.g. with
 *   cc_enc_kv_*), appended after "rid" (counted here); may be NULL/0.
 * @ret_rid: the rid chosen for the request (may be NULL).
 * Returns 0, -EMSGSIZE when the body breaks the request limits of
 * PROTOCOL.md (nothing sent), -EAGAIN when the send queue is full, or
 * another -errno.
 */
int cc_client_send(cc_client_t *c, cc_msg_type_t type, const void *pairs, size_t pairs_len,
                   uint64_t *ret_rid);

/**
 * cc_client_recv - receive the next reply, whatever its rid.
 * @timeout_ms: longest wait; -1 forever.
 * @ret_msg: the decoded reply; release with cc_msg_deinit().
 * @ret_rid: the reply's rid, 0 when it has none (may be NULL).
 * Returns 0, -ETIMEDOUT, CC_EMALFORMED or another -errno.
 */
int cc_client_recv(cc_client_t *c, int timeout_ms, cc_msg_t *ret_msg, uint64_t *ret_rid);

/**
 * cc_client_call - send one request and wait for the reply naming its rid.
 * Replies to other (earlier, abandoned) requests that arrive meanwhile are
 * discarded. Waits at most the client's timeout.
 * @ret_msg: the reply (any type); release with cc_msg_deinit().
 * Returns 0, -ETIMEDOUT, -EMSGSIZE, CC_EMALFORMED or another -errno.
 */
int cc_client_call(cc_client_t *c, cc_msg_type_t type, const void *pairs, size_t pairs_len,
                   cc_msg_t *ret_msg);

/**
 * cc_client_error_from_msg - copy an ERROR reply's fields into @ret.
 * Returns 0, or CC_EMALFORMED if @msg is not an ERROR with a code.
 */
int cc_client_error_from_msg(const cc_msg_t *msg, cc_client_error_t *ret);

/**
 * cc_client_hello - say who we are (HELLO) and wait for the RESULT.
 * The identity is remembered: the push engine says HELLO again when a
 * daemon restart may have lost the session.
 * @role: "counter", "agent", "contact_point", "supervisor", "operator",
 *   "consumer"; NULL or "" to leave it out (with CURVE: the key's role).
 * @who: principal name (1..32 printable ASCII, no space); NULL or "" to
 *   leave it out (with CURVE: the key's name).
 * @units: comma-separated unit codes, "*" (all units), or NULL / "" to
 *   send no units (with CURVE: the key's units; plain: no unit).
 * @ret_head: the daemon's log head from the RESULT (may be NULL).
 * @ret_err: filled when the daemon refuses (return 1); may be NULL.
 * Returns 0, 1, -EINVAL (bad @who or @units, nothing sent), -ETIMEDOUT,
 * CC_EMALFORMED or -EPROTO.
 */
int cc_client_hello(cc_client_t *c, const char *role, const char *who, const char *units,
                    uint64_t *ret_head, cc_client_error_t *ret_err);

/**
 * cc_client_daemon - the daemon that answered the last HELLO, as its RESULT
 * names it ("intake", "hotline", "scoring"); "" before one. Tells a client
 * pointed at the wrong port (PROTOCOL.md §2.1).
 */
const char *cc_client_daemon(const cc_client_t *c);

/**
 * cc_client_query - QUERY @q with extra fields and wait for the answer.
 * @pairs, @pairs_len: further encoded key/value pairs (or NULL/0).
 * @ret_result: the RESULT message on return 0; release with cc_msg_deinit().
 * @ret_err: the ERROR on return 1 (may be NULL).
 * Returns 0, 1, -ETIMEDOUT, CC_EMALFORMED or -EPROTO.
 */
int cc_client_query(cc_client_t *c, const char *q, const void *pairs, size_t pairs_len,
                    cc_msg_t *ret_result, cc_client_error_t *ret_err);

/**
 * cc_client_read - READ the log after sequence @after (long poll).
 * @max: 1..CC_MAX_READ records; @wait_ms: how long the daemon may hold the
 *   request (0..CC_MAX_WAIT_MS). The reply timeout is @wait_ms plus the
 *   client's timeout.
 * @ret_batch: the BATCH message on return 0 (keys last, head, events);
 *   release with cc_msg_deinit().
 * Returns 0, 1 (ERROR in @ret_err), -EINVAL, -ETIMEDOUT, CC_EMALFORMED or
 * -EPROTO.
 */
int cc_client_read(cc_client_t *c, uint64_t after, uint32_t max, uint32_t wait_ms,
                   cc_msg_t *ret_batch, cc_client_error_t *ret_err);

/**
 * cc_units_parse - split a comma-separated list of unit codes.
 * "*" stands for all units and must be alone. Codes are 1..CC_MAX_CODE
 * printable ASCII characters without space or comma.
 * @list: the list ("A,B", "*").
 * @out: receives up to @max codes (may be NULL to only validate).
 * @ret_n: number of codes.
 * Returns 0, -EINVAL for a malformed list or -E2BIG for more than @max
 * (or CC_MAX_UNITS) codes.
 */
int cc_units_parse(const char *list, char (*out)[CC_MAX_CODE + 1], size_t max, size_t *ret_n);

/**
 * cc_client_copy_cut - copy slice @s (@len bytes) into @dst (@size bytes)
 * as a C string, cutting at a UTF-8 character boundary when it does not fit.
 */
void cc_client_copy_cut(char *dst, size_t size, const char *s, size_t len);

/**
 * cc_client_map_copy - copy string @key of @map into @dst (@size bytes),
 * cut as cc_client_copy_cut(); "" when absent or not a string.
 */
void cc_client_map_copy(const msgpack_object *map, const char *key, char *dst, size_t size);

#endif
