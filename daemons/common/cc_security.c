/*
 * cc_security.c - CurveZMQ, the ZAP handler and plain mode (see
 * cc_security.h).
 */
#include "cc_security.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "cc_base.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_principals.h"
#include "cc_sd.h"

#define ZAP_ENDPOINT "inproc://zeromq.zap.01" /* fixed by the ZAP RFC (27/ZAP) */
#define ZAP_FRAMES 7           /* version, id, domain, address, identity, mechanism, key */
#define REFUSAL_LOG_EVERY_S 60 /* one warning per refused key and minute */

struct cc_security {
    bool curve;
    cc_curve_keypair_t keypair;
    char *principals_path;
    cc_principals_t *principals;
    uint64_t generation; /* +1 per principals file read */
    void *zap;
    /* the last key refused, to keep a reconnecting client from flooding
     * the journal */
    char refused_key[CC_CURVE_KEY_LEN + 1];
    time_t refused_at;
};

bool cc_security_curve(const cc_security_t *s) { return s->curve; }

const cc_curve_keypair_t *cc_security_keypair(const cc_security_t *s)
{
    return s->curve ? &s->keypair : NULL;
}

void *cc_security_zap_socket(cc_security_t *s) { return s->zap; }

/* The key pair file: the option, else the systemd credential. */
static int load_keypair(cc_security_t *s, const char *path, char *err, size_t err_len)
{
    char cred_path[4096];

    if (path == NULL)
        path = cc_sd_credential("server.key", cred_path, sizeof(cred_path));
    if (path == NULL)
        return cc_fail(-EINVAL, err, err_len,
                       "security = curve needs the daemon's key pair: server_key = FILE (made "
                       "by cchc keygen), or the systemd credential server.key "
                       "(LoadCredential=server.key:FILE)");
    return cc_curve_keypair_read(path, &s->keypair, err, err_len);
}

int cc_security_open(const cc_security_opts_t *o, void *zctx, const char *const *listen, size_t n,
                     cc_security_t **ret, char *err, size_t err_len)
{
    cc_security_t *s = cc_xcalloc(1, sizeof(*s));
    int r;

    if (o->mode == NULL || strcmp(o->mode, "plain") == 0) {
        for (size_t i = 0; i < n; i++)
            if (!cc_endpoint_is_local(listen[i])) {
                r = cc_fail(-EINVAL, err, err_len,
                            "refusing to listen on %s without CurveZMQ: plain mode believes "
                            "every HELLO and is for loopback and ipc:// only; set security = "
                            "curve (server_key, principals) or listen on 127.0.0.1",
                            listen[i]);
                goto out;
            }
        for (size_t i = 0; i < n; i++)
            cc_log(LOG_WARNING,
                   "PLAIN MODE (security = plain): no CurveZMQ; HELLO identities are believed. "
                   "Loopback only; do not expose %s",
                   listen[i]);
        *ret = s;
        return 0;
    }
    if (strcmp(o->mode, "curve") != 0) {
        r = cc_fail(-EINVAL, err, err_len, "security = %s: expected curve or plain", o->mode);
        goto out;
    }
    s->curve = true;
    if (!cc_curve_available()) {
        r = cc_fail(-ENOTSUP, err, err_len,
                    "security = curve, but this libzmq was built without CURVE (libsodium)");
        goto out;
    }
    if ((r = load_keypair(s, o->server_key, err, err_len)) < 0)
        goto out;
    if (o->principals == NULL) {
        r = cc_fail(-EINVAL, err, err_len,
                    "security = curve needs principals = FILE: the client keys and who they are");
        goto out;
    }
    s->principals_path = cc_xstrdup(o->principals);
    if ((r = cc_principals_load(s->principals_path, &s->principals, err, err_len)) < 0)
        goto out;
    s->generation = 1;
    s->zap = zmq_socket(zctx, ZMQ_REP);
    if (s->zap == NULL || zmq_bind(s->zap, ZAP_ENDPOINT) < 0) {
        r = cc_fail(-errno, err, err_len, "cannot bind the ZAP handler: %s", zmq_strerror(errno));
        goto out;
    }
    cc_log(LOG_NOTICE, "CurveZMQ: server key %s; %zu client keys in %s", s->keypair.public_key,
           cc_principals_count(s->principals), s->principals_path);
    *ret = s;
    return 0;
out:
    cc_security_destroy(&s);
    return r;
}

void cc_security_destroy(cc_security_t **self_p)
{
    cc_security_t *s = self_p ? *self_p : NULL;

    if (s == NULL)
        return;
    if (s->zap)
        zmq_close(s->zap);
    cc_principals_destroy(&s->principals);
    free(s->principals_path);
    /* The secret key does not linger in freed memory. */
    memset(&s->keypair, 0, sizeof(s->keypair));
    free(s);
    *self_p = NULL;
}

int cc_security_server_socket(const cc_security_t *s, void *sock)
{
    return s->curve ? cc_curve_server_socket(sock, &s->keypair) : 0;
}

/* ---- ZAP (RFC 27/ZAP) ---------------------------------------------------------- */

static void zap_send(void *zap, const zmq_msg_t *request_id, const char *status, const char *text,
                     const char *user_id)
{
    zmq_send(zap, "1.0", 3, ZMQ_SNDMORE);
    zmq_send(zap, zmq_msg_data(CC_UNCONST(request_id)), zmq_msg_size(CC_UNCONST(request_id)),
             ZMQ_SNDMORE);
    zmq_send(zap, status, strlen(status), ZMQ_SNDMORE);
    zmq_send(zap, text, strlen(text), ZMQ_SNDMORE);
    zmq_send(zap, user_id, strlen(user_id), ZMQ_SNDMORE);
    zmq_send(zap, "", 0, 0); /* no metadata */
}

static bool frame_is(const zmq_msg_t *m, const char *s)
{
    size_t len = strlen(s);

    return zmq_msg_size(CC_UNCONST(m)) == len && memcmp(zmq_msg_data(CC_UNCONST(m)), s, len) == 0;
}

/* Decide one request: returns the status, with the key and its principal
 * for a CURVE client. */
static const char *zap_decide(cc_security_t *s, zmq_msg_t *f, int n, char *key,
                              const cc_principal_t **ret_p)
{
    *ret_p = NULL;
    key[0] = '\0';
    if (n < 6 || !frame_is(&f[0], "1.0"))
        return "500";
    if (frame_is(&f[5], "NULL"))
        return "200"; /* another socket of the daemon (never the CURVE ROUTER) */
    if (!frame_is(&f[5], "CURVE") || n != ZAP_FRAMES || zmq_msg_size(&f[6]) != 32)
        return "400";
    if (zmq_z85_encode(key, zmq_msg_data(&f[6]), 32) == NULL)
        return "400";
    *ret_p = cc_principals_find(s->principals, key);
    return *ret_p ? "200" : "400";
}

static void zap_one(cc_security_t *s)
{
    zmq_msg_t f[ZAP_FRAMES];
    char key[CC_CURVE_KEY_LEN + 1], address[64] = "";
    const cc_principal_t *p;
    const char *status;
    int n = 0, more = 1;
    size_t sz;

    for (int i = 0; i < ZAP_FRAMES; i++)
        zmq_msg_init(&f[i]);
    while (more) {
        zmq_msg_t extra, *m = n < ZAP_FRAMES ? &f[n] : &extra;

        if (n >= ZAP_FRAMES)
            zmq_msg_init(&extra);
        if (zmq_msg_recv(m, s->zap, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
            if (n >= ZAP_FRAMES)
                zmq_msg_close(&extra);
            goto out;
        }
        if (n >= ZAP_FRAMES)
            zmq_msg_close(&extra);
        n++;
        sz = sizeof(more);
        zmq_getsockopt(s->zap, ZMQ_RCVMORE, &more, &sz);
    }
    status = zap_decide(s, f, n, key, &p);
    if (n > 3)
        snprintf(address, sizeof(address), "%.*s", (int)zmq_msg_size(&f[3]),
                 (const char *)zmq_msg_data(&f[3]));
    if (p) {
        cc_log_kv(LOG_INFO, "PRINCIPAL", p->who, "ROLE", cc_role_name(p->role),
                  "Key of %s (%s) connected from %s", p->who, cc_role_name(p->role), address);
        zap_send(s->zap, &f[1], status, "OK", key);
    } else if (strcmp(status, "200") == 0) {
        zap_send(s->zap, &f[1], status, "OK", "");
    } else {
        time_t now = time(NULL);

        if (strcmp(key, s->refused_key) != 0 || now - s->refused_at >= REFUSAL_LOG_EVERY_S) {
            cc_log_kv(LOG_WARNING, "CLIENT_KEY", key[0] ? key : "-", NULL, NULL,
                      "Refused a connection from %s: %s", address,
                      key[0] ? "its key is not in the principals file" : "not a CurveZMQ client");
            snprintf(s->refused_key, sizeof(s->refused_key), "%s", key);
            s->refused_at = now;
        }
        zap_send(s->zap, &f[1], status, key[0] ? "Unknown key" : "CURVE only", "");
    }
out:
    for (int i = 0; i < ZAP_FRAMES; i++)
        zmq_msg_close(&f[i]);
}

void cc_security_zap_handle(cc_security_t *s)
{
    int events = 0;
    size_t sz = sizeof(events);

    while (s->zap && zmq_getsockopt(s->zap, ZMQ_EVENTS, &events, &sz) == 0 &&
           (events & ZMQ_POLLIN)) {
        zap_one(s);
        sz = sizeof(events);
    }
}

int cc_security_reload(cc_security_t *s)
{
    cc_principals_t *next = NULL;
    char err[512];
    int r;

    if (!s->curve)
        return 0;
    if ((r = cc_principals_load(s->principals_path, &next, err, sizeof(err))) < 0) {
        cc_log(LOG_ERR, "Failed to reload the principals, keeping the old ones: %s", err);
        return r;
    }
    cc_log(LOG_NOTICE, "Principals reloaded: %zu client keys (were %zu)", cc_principals_count(next),
           cc_principals_count(s->principals));
    cc_principals_destroy(&s->principals);
    s->principals = next;
    s->generation++;
    return 0;
}

/* ---- Per message ------------------------------------------------------------------- */

cc_caller_t cc_security_who(cc_security_t *s, cc_sessions_t *sessions, const cc_request_t *req)
{
    cc_caller_t c = { NULL, NULL, NULL, NULL };
    const cc_principal_t *key_p;
    cc_principal_t *p = cc_sessions_get(sessions, req->id, req->id_len);
    const char *field;

    if (!s->curve) {
        c.who = p;
        return c;
    }
    key_p = cc_principals_find(s->principals, req->user_id);
    if (key_p == NULL) {
        c.vi = "Khóa của kết nối này không còn được phép (đã bị thu hồi)";
        c.en = "This connection's key is no longer authorized (revoked)";
        c.field = "key";
        return c;
    }
    if (p == NULL || strcmp(p->key, req->user_id) != 0) {
        c.who = key_p; /* no HELLO, or another key's session under a reused routing id */
        return c;
    }
    if (p->checked != s->generation) {
        if (!cc_principal_within(p, key_p, &field)) {
            cc_log_kv(LOG_NOTICE, "PRINCIPAL", p->who, "ROLE", cc_role_name(p->role),
                      "The principals file changed %s's %s: its HELLO must be said again", p->who,
                      field);
            cc_sessions_drop(sessions, req->id, req->id_len);
            c.vi = "Quyền của khóa đã thay đổi; hãy gửi lại lời chào (HELLO)";
            c.en = "This key's rights changed; send HELLO again";
            return c;
        }
        p->checked = s->generation;
    }
    c.who = p;
    return c;
}

int cc_security_hello(cc_security_t *s, const cc_request_t *req, cc_principal_t **ret,
                      cc_err_t *ret_code, const char **ret_field, char *why, size_t why_len)
{
    const cc_principal_t *key_p;
    int r;

    *ret_code = CC_ERR_BAD_FIELD;
    if (!s->curve)
        return cc_principal_from_hello(&req->msg.body, ret, ret_field, why, why_len);
    if ((key_p = cc_principals_find(s->principals, req->user_id)) == NULL) {
        *ret_code = CC_ERR_NOT_AUTHORIZED;
        *ret_field = "key";
        return cc_fail(-EACCES, why, why_len,
                       "This connection's key is no longer authorized (revoked)");
    }
    r = cc_principal_narrow(key_p, &req->msg.body, ret, ret_field, why, why_len);
    if (r == -EACCES)
        *ret_code = CC_ERR_NOT_AUTHORIZED;
    if (r == 0)
        (*ret)->checked = s->generation;
    return r;
}
