/*
 * cc_client_priv.h - what the client (cc_client.c) and its push engine
 * (cc_push.c) share: the connection's struct and a few helpers. Not for
 * the client's users: they have cc_client.h and cc_push.h.
 */
#ifndef CC_CLIENT_PRIV_H
#define CC_CLIENT_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include "cc_client.h"
#include "cc_time.h"

/* Push rids live in their own range, one range per push session, so that
 * a reply is matched to its slot by arithmetic and a late reply from an
 * earlier session or request can never be taken for a current one. */
#define PUSH_RID_SHIFT 40

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

/**
 * cc_client_connection_event - read one event of @c's connection monitor
 * (ZMQ_EVENT_*) and note what it says of the handshake
 * (cc_client_handshake_error). Call when the monitor is readable.
 */
uint16_t cc_client_connection_event(cc_client_t *c);

/**
 * cc_client_error_from_map - read an error's reasons from @map: an ERROR
 * body, or an entry of a batch ACK's `errors`.
 * Returns 0 or CC_EMALFORMED (no code).
 */
int cc_client_error_from_map(const msgpack_object *map, cc_client_error_t *ret);

/**
 * cc_client_encode_hello - the pairs of a HELLO as @role, @who, @units
 * (comma-separated, or "*"); a NULL or empty one is left out (with a key,
 * the key's applies).
 * Returns 0, or a negative errno for a role, name or units that cannot be
 * sent.
 */
int cc_client_encode_hello(cc_enc_t *e, const char *role, const char *who, const char *units);

#endif
