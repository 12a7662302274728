/*
 * cc_security.h - who a daemon's clients are: CurveZMQ with a ZAP handler
 * and the principals file, or plain mode on loopback (PROTOCOL.md §9).
 *
 * Option `security` chooses:
 *
 *   curve  The ROUTER socket is a CURVE server with the daemon's key pair
 *          (`server_key`, or the systemd credential "server.key"). Every
 *          connection's handshake goes to this module's ZAP handler, which
 *          accepts only the keys of the principals file (`principals`) and
 *          binds the key to the connection (ZAP User-Id = the key in Z85,
 *          on every message). The key's principal applies from the first
 *          message; a HELLO may only narrow it (cc_principal_narrow). Each
 *          message is checked against the file as it is now: SIGHUP rereads
 *          it, and a key removed from it is refused from then on, also on
 *          connections already open; a connection whose HELLO no longer
 *          fits its key's principal must say HELLO again.
 *   plain  No encryption, and HELLO is believed. Allowed only when every
 *          endpoint the daemon listens on stays on the machine (loopback or
 *          ipc://): a daemon told to listen beyond loopback in plain mode
 *          refuses to start. Logged loudly at start. The default, for the
 *          embedded demo and the tests.
 */
#ifndef CC_SECURITY_H
#define CC_SECURITY_H

#include <stdbool.h>
#include <stddef.h>

#include "cc_auth.h"
#include "cc_curve.h"
#include "cc_net.h"

typedef struct cc_security cc_security_t;

/* Where the settings come from (cc_daemon_settings_t's rows). */
typedef struct {
    const char *mode;       /* "plain" or "curve" */
    const char *server_key; /* key pair file, NULL: $CREDENTIALS_DIRECTORY/server.key */
    const char *principals; /* principals file (curve) */
} cc_security_opts_t;

/**
 * cc_security_open - set up a daemon's security before it binds.
 * @o: the options; @zctx: the daemon's ZeroMQ context (the ZAP handler is
 *   bound in it); @listen: the endpoints the daemon's ROUTER sockets bind.
 * Plain mode refuses an endpoint that is not local (cc_endpoint_is_local)
 * and logs the PLAIN MODE warning; CURVE mode loads the key pair and the
 * principals file and binds the ZAP handler.
 * @ret: the security; destroy it after the sockets are closed.
 * Returns 0, or a negative errno with @err filled (start-up fails).
 */
int cc_security_open(const cc_security_opts_t *o, void *zctx, const char *const *listen, size_t n,
                     cc_security_t **ret, char *err, size_t err_len);

/** cc_security_destroy - close the ZAP handler and free; accepts NULL. */
void cc_security_destroy(cc_security_t **self_p);

/** cc_security_curve - whether the daemon runs CURVE. */
bool cc_security_curve(const cc_security_t *s);

/**
 * cc_security_keypair - the daemon's key pair (CURVE), which it also uses
 * as a client of other daemons (scoring reading the logs); NULL in plain
 * mode.
 */
const cc_curve_keypair_t *cc_security_keypair(const cc_security_t *s);

/**
 * cc_security_server_socket - make @sock (a ROUTER, before bind) a CURVE
 * server under the ZAP handler; nothing in plain mode. Returns 0 or -errno.
 */
int cc_security_server_socket(const cc_security_t *s, void *sock);

/**
 * cc_security_zap_socket - the ZAP handler's socket, for the daemon's poll
 * loop (NULL in plain mode: poll it with fd -1).
 */
void *cc_security_zap_socket(cc_security_t *s);

/**
 * cc_security_zap_handle - answer every waiting ZAP request: a CURVE
 * client whose key is in the principals file is accepted (User-Id = its
 * key), any other refused (400, logged with the peer's address).
 */
void cc_security_zap_handle(cc_security_t *s);

/**
 * cc_security_reload - SIGHUP: read the principals file again; on success
 * it replaces the old one (keys removed are refused from the next
 * message), on failure the old one stays. Logs the outcome. Nothing in
 * plain mode. Returns 0 or the loader's error.
 */
int cc_security_reload(cc_security_t *s);

/* The principal a request is made under (cc_security_who). */
typedef struct {
    const cc_principal_t *who; /* NULL: none (plain mode before HELLO), or refused */
    const char *vi, *en;       /* set when refused: answer not_authorized with them */
    const char *field;         /* "key" when the key itself is refused (revoked: saying
                                  HELLO again cannot help), else NULL ("send HELLO again") */
} cc_caller_t;

/**
 * cc_security_who - who sent @req. CURVE: the connection's key must be in
 * the principals file now (else refused: the key was removed); its HELLO
 * principal if it said one that still fits the key, else the key's own
 * (a HELLO that no longer fits is forgotten and refused: say HELLO again).
 * Plain: the HELLO principal or NULL.
 * The principal stays valid until the next HELLO, reload or
 * cc_sessions_put/drop.
 */
cc_caller_t cc_security_who(cc_security_t *s, cc_sessions_t *sessions, const cc_request_t *req);

/**
 * cc_security_hello - the principal a HELLO binds: CURVE, the narrowing
 * of the key's (cc_principal_narrow); plain, the one declared.
 * @ret: a new principal (ownership to the caller, e.g. cc_sessions_put).
 * @ret_code: the error code when refused (bad_field or not_authorized).
 * @ret_field, @why, @why_len: the field and reason when refused.
 * Returns 0 or negative.
 */
int cc_security_hello(cc_security_t *s, const cc_request_t *req, cc_principal_t **ret,
                      cc_err_t *ret_code, const char **ret_field, char *why, size_t why_len);

#endif
