/*
 * cc_auth.h - principals and the per-connection session table.
 *
 * A connection says who it is once, with HELLO (role, name, units). The
 * daemon keeps the principal under the connection's ROUTER routing id and
 * checks it on every later message: a counter may push only for its units,
 * a contact point act only on its unit's complaints, a consumer read logs.
 *
 * Today the transport is plain TCP on loopback and HELLO is believed (the
 * daemons log this loudly at start). With CurveZMQ, the ZAP handler will map
 * the client's public key to a principal and HELLO will be checked against
 * it (cc_request_t.user_id carries the ZAP User-Id); nothing else changes,
 * because every check already goes through the principal stored here.
 */
#ifndef CC_AUTH_H
#define CC_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_codec.h"
#include "cc_net.h"

typedef enum {
    CC_ROLE_COUNTER,       /* one-stop counter: pushes dossier events */
    CC_ROLE_AGENT,         /* 1022 hotline agent */
    CC_ROLE_CONTACT_POINT, /* a unit's complaint contact point (đầu mối) */
    CC_ROLE_SUPERVISOR,    /* reads reports and alerts of its units */
    CC_ROLE_OPERATOR,      /* ctl: stats, backup, test clock */
    CC_ROLE_CONSUMER,      /* reads a daemon's log (scoring) */
    CC_ROLE_COUNT_
} cc_role_t;

#define CC_MAX_SESSIONS 65536

typedef struct {
    cc_role_t role;
    char who[CC_MAX_CODE + 1];
    bool all_units; /* scope "*": every unit */
    size_t n_units;
    char units[][CC_MAX_CODE + 1]; /* flexible: n_units entries */
} cc_principal_t;

/** cc_role_name - wire name of a role ("counter", ...). */
const char *cc_role_name(cc_role_t role);

/** cc_role_parse - parse a wire role name; returns 0 or -EINVAL. */
int cc_role_parse(const char *s, size_t len, cc_role_t *ret);

/**
 * cc_principal_from_hello - build a principal from a HELLO body.
 * @body: the HELLO map (role, who, units).
 * @ret: a new principal on success (free() it); NULL on failure.
 * @why, @why_len: reason on failure; @ret_field the offending field.
 * Returns 0 or -EINVAL.
 */
int cc_principal_from_hello(const msgpack_object *body, cc_principal_t **ret,
                            const char **ret_field, char *why, size_t why_len);

/** cc_principal_has_unit - whether @unit is in @p's scope. */
bool cc_principal_has_unit(const cc_principal_t *p, const char *unit);

typedef struct cc_sessions cc_sessions_t;

/**
 * cc_sessions_new - an empty session table.
 * @max: most sessions kept (0: CC_MAX_SESSIONS); beyond it the least
 *   recently used one is dropped (its peer is asked for HELLO again).
 */
cc_sessions_t *cc_sessions_new(size_t max);

/** cc_sessions_destroy - free the table and its principals; accepts NULL. */
void cc_sessions_destroy(cc_sessions_t **self_p);

/**
 * cc_sessions_put - bind @p (ownership passes to the table) to a routing
 * id, replacing any earlier principal of that connection, dropping the
 * least recently used session when the table is full.
 * Returns 0, or -EINVAL for a routing id longer than CC_ROUTING_ID_MAX
 * (@p is then freed).
 */
int cc_sessions_put(cc_sessions_t *t, const void *id, size_t id_len, cc_principal_t *p);

/**
 * cc_sessions_get - the principal of a routing id, or NULL; marks the
 * session as used. The pointer stays valid until the next cc_sessions_put.
 */
const cc_principal_t *cc_sessions_get(cc_sessions_t *t, const void *id, size_t id_len);

/** cc_sessions_count - number of bound connections. */
size_t cc_sessions_count(const cc_sessions_t *t);

/** cc_sessions_evicted - sessions dropped to make room, since start. */
uint64_t cc_sessions_evicted(const cc_sessions_t *t);

#endif
