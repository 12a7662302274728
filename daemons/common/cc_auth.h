/*
 * cc_auth.h - principals and the per-connection session table.
 *
 * A principal is who a connection is: a role, a name and the units in its
 * scope. Every check of every message goes through it: a counter may push
 * only for its units, a contact point act only on its unit's complaints, a
 * consumer read logs.
 *
 * Where it comes from depends on the daemon's security (cc_security.h):
 * with CurveZMQ, the client's key names its principal in the principals
 * file and a HELLO may only narrow it (cc_principal_narrow); in plain mode
 * (loopback only) HELLO declares it and is believed
 * (cc_principal_from_hello). The daemon keeps a HELLO's principal under the
 * connection's ROUTER routing id (the session table below).
 */
#ifndef CC_AUTH_H
#define CC_AUTH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_codec.h"
#include "cc_curve.h"
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
    char key[CC_CURVE_KEY_LEN + 1]; /* the client key it belongs to (Z85); "" in plain mode */
    uint64_t checked;               /* principals file generation it was last checked against */
    bool all_units;                 /* scope "*": every unit */
    size_t n_units;
    char units[][CC_MAX_CODE + 1]; /* flexible: n_units entries */
} cc_principal_t;

/** cc_role_name - wire name of a role ("counter", ...). */
const char *cc_role_name(cc_role_t role);

/** cc_role_parse - parse a wire role name; returns 0 or -EINVAL. */
int cc_role_parse(const char *s, size_t len, cc_role_t *ret);

/**
 * cc_principal_new - a principal of @n_units units (zeroed names), to fill.
 * Returns it (free() it); allocation failure aborts.
 */
cc_principal_t *cc_principal_new(cc_role_t role, const char *who, size_t n_units);

/**
 * cc_principal_from_hello - build a principal from a HELLO body, believed
 * as declared (plain mode).
 * @body: the HELLO map (role, who, units; role and who required).
 * @ret: a new principal on success (free() it); NULL on failure.
 * @why, @why_len: reason on failure; @ret_field the offending field.
 * Returns 0 or -EINVAL.
 */
int cc_principal_from_hello(const msgpack_object *body, cc_principal_t **ret,
                            const char **ret_field, char *why, size_t why_len);

/**
 * cc_principal_narrow - the principal a HELLO asks for on a connection
 * whose key is @key_p: what it leaves out (role, who, units) is the key's;
 * what it gives must stay within the key's (same role and name, units the
 * key has; "*" only for a key of every unit).
 * @ret: a new principal bound to @key_p->key (free() it).
 * @ret_field, @why, @why_len: on failure, the field and the reason.
 * Returns 0, -EINVAL (a malformed field: bad_field) or -EACCES (wider than
 * the key: not_authorized).
 */
int cc_principal_narrow(const cc_principal_t *key_p, const msgpack_object *body,
                        cc_principal_t **ret, const char **ret_field, char *why, size_t why_len);

/**
 * cc_principal_within - whether @p stays within @outer: the same role and
 * name, and every unit of @p in @outer's scope.
 * @ret_field: the first field that does not ("role", "who", "units").
 */
bool cc_principal_within(const cc_principal_t *p, const cc_principal_t *outer,
                         const char **ret_field);

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
 * session as used. The pointer stays valid until the next cc_sessions_put
 * or cc_sessions_drop.
 */
cc_principal_t *cc_sessions_get(cc_sessions_t *t, const void *id, size_t id_len);

/** cc_sessions_drop - forget the session of a routing id (if any). */
void cc_sessions_drop(cc_sessions_t *t, const void *id, size_t id_len);

/** cc_sessions_count - number of bound connections. */
size_t cc_sessions_count(const cc_sessions_t *t);

/** cc_sessions_evicted - sessions dropped to make room, since start. */
uint64_t cc_sessions_evicted(const cc_sessions_t *t);

#endif
