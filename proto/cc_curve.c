/*
 * cc_curve.c - CurveZMQ keys and sockets (see cc_curve.h).
 */
#include "cc_curve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zmq.h>

#include "cc_base.h"
#include "cc_file.h"

bool cc_curve_available(void) { return zmq_has("curve") != 0; }

bool cc_curve_key_valid(const char *z85)
{
    uint8_t bin[32];

    return z85 && strlen(z85) == CC_CURVE_KEY_LEN && zmq_z85_decode(bin, z85) != NULL;
}

int cc_curve_keypair_new(cc_curve_keypair_t *ret)
{
    if (!cc_curve_available() || zmq_curve_keypair(ret->public_key, ret->secret_key) < 0)
        return -ENOTSUP;
    return 0;
}

int cc_curve_keypair_from_secret(const char *secret, cc_curve_keypair_t *ret)
{
    if (!cc_curve_key_valid(secret) || !cc_curve_available())
        return -EINVAL;
    memcpy(ret->secret_key, secret, CC_CURVE_KEY_LEN + 1);
    if (zmq_curve_public(ret->public_key, ret->secret_key) < 0)
        return -EINVAL;
    return 0;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

/* Walk the `name = value` lines of a key file, calling @fn for each.
 * Returns 0 or the first non-zero return of @fn; malformed lines are
 * -EINVAL with "name:line: reason" in @err. */
typedef int (*line_fn)(const char *name, size_t name_len, const char *value, size_t value_len,
                       void *ctx, char *why, size_t why_len);

static int key_lines(const char *text, size_t len, const char *file, line_fn fn, void *ctx,
                     char *err, size_t err_len)
{
    cc_lines_t it = { text, len, 0, 0 };
    const char *s;
    size_t n;
    int r;

    while ((r = cc_lines_next(&it, &s, &n)) > 0) {
        char why[160] = "";
        size_t b, e;

        for (b = 0; b < n && s[b] != '=' && !is_blank(s[b]); b++)
            ;
        for (e = b; e < n && is_blank(s[e]); e++)
            ;
        if (b == 0 || e == n || s[e] != '=')
            return cc_fail(-EINVAL, err, err_len, "%s:%d: expected 'name = value'", file, it.line);
        for (e++; e < n && is_blank(s[e]); e++)
            ;
        while (n > e && is_blank(s[n - 1]))
            n--;
        if ((r = fn(s, b, s + e, n - e, ctx, why, sizeof(why))) != 0)
            return cc_fail(r, err, err_len, "%s:%d: %s", file, it.line, why);
    }
    if (r < 0)
        return cc_fail(-EINVAL, err, err_len, "%s:%d: a NUL byte", file, it.line);
    return 0;
}

typedef struct {
    char public_key[CC_CURVE_KEY_LEN + 1];
    char secret_key[CC_CURVE_KEY_LEN + 1];
} key_text_t;

static int key_line(const char *name, size_t name_len, const char *value, size_t value_len,
                    void *ctx, char *why, size_t why_len)
{
    key_text_t *k = ctx;
    char *dst;

    if (name_len == 6 && memcmp(name, "public", 6) == 0)
        dst = k->public_key;
    else if (name_len == 6 && memcmp(name, "secret", 6) == 0)
        dst = k->secret_key;
    else
        return cc_fail(-EINVAL, why, why_len, "unknown name '%.*s' (public, secret)",
                       (int)(name_len < 32 ? name_len : 32), name);
    if (dst[0])
        return cc_fail(-EINVAL, why, why_len, "'%.*s' given twice", (int)name_len, name);
    if (value_len != CC_CURVE_KEY_LEN)
        return cc_fail(-EINVAL, why, why_len,
                       "'%.*s' is not a key (40 Z85 characters, as cchc keygen writes)",
                       (int)name_len, name);
    memcpy(dst, value, CC_CURVE_KEY_LEN);
    dst[CC_CURVE_KEY_LEN] = '\0';
    if (!cc_curve_key_valid(dst))
        return cc_fail(-EINVAL, why, why_len, "'%.*s' is not a key (40 Z85 characters)",
                       (int)name_len, name);
    return 0;
}

int cc_curve_keypair_parse(const char *text, size_t len, const char *name, cc_curve_keypair_t *ret,
                           char *err, size_t err_len)
{
    key_text_t k = { "", "" };
    cc_curve_keypair_t kp;
    int r;

    if ((r = key_lines(text, len, name, key_line, &k, err, err_len)) < 0)
        return r;
    if (!k.secret_key[0])
        return cc_fail(-EINVAL, err, err_len, "%s: no 'secret' line: not a key pair file", name);
    if (cc_curve_keypair_from_secret(k.secret_key, &kp) < 0)
        return cc_fail(-EINVAL, err, err_len, "%s: the secret key is not usable", name);
    if (k.public_key[0] && strcmp(k.public_key, kp.public_key) != 0)
        return cc_fail(-EINVAL, err, err_len,
                       "%s: the 'public' line is not the public key of its 'secret'", name);
    *ret = kp;
    return 0;
}

int cc_curve_keypair_read(const char *path, cc_curve_keypair_t *ret, char *err, size_t err_len)
{
    char *text = NULL;
    size_t len = 0;
    int r =
        cc_file_read_guarded(path, CC_CURVE_FILE_MAX, true, "key file", &text, &len, err, err_len);

    if (r == 0) {
        r = cc_curve_keypair_parse(text, len, path, ret, err, err_len);
        /* The secret key does not linger in freed memory. */
        memset(text, 0, len);
    }
    free(text);
    return r;
}

int cc_curve_public_get(const char *spec, char *ret, char *err, size_t err_len)
{
    key_text_t k = { "", "" };
    char *text = NULL;
    size_t len = 0;
    int r;

    if (spec == NULL || spec[0] == '\0')
        return cc_fail(-EINVAL, err, err_len, "no public key given");
    if (cc_curve_key_valid(spec) && access(spec, F_OK) < 0) {
        memcpy(ret, spec, CC_CURVE_KEY_LEN + 1);
        return 0;
    }
    if ((r = cc_file_read(spec, CC_CURVE_FILE_MAX, &text, &len, NULL)) < 0)
        return cc_fail(r, err, err_len,
                       "'%s' is neither a public key (40 Z85 characters) nor a readable key "
                       "file: %s",
                       spec, r == -EINVAL ? "not a regular file" : strerror(-r));
    r = key_lines(text, len, spec, key_line, &k, err, err_len);
    memset(text, 0, len);
    free(text);
    if (r < 0)
        return r;
    if (k.public_key[0] == '\0' && k.secret_key[0]) {
        cc_curve_keypair_t kp;

        if (cc_curve_keypair_from_secret(k.secret_key, &kp) < 0)
            return cc_fail(-EINVAL, err, err_len, "%s: the secret key is not usable", spec);
        memcpy(k.public_key, kp.public_key, sizeof(k.public_key));
    }
    if (k.public_key[0] == '\0')
        return cc_fail(-EINVAL, err, err_len, "%s: no 'public' line", spec);
    memcpy(ret, k.public_key, CC_CURVE_KEY_LEN + 1);
    return 0;
}

int cc_curve_keypair_write(const char *path, const char *pub_path, const cc_curve_keypair_t *kp,
                           const char *comment, char *err, size_t err_len)
{
    char text[512];
    int r;

    snprintf(text, sizeof(text),
             "# %s\n# Keep this file secret (mode 0600).\npublic = %s\nsecret = %s\n", comment,
             kp->public_key, kp->secret_key);
    r = cc_file_write_new(path, 0600, text, strlen(text));
    memset(text, 0, sizeof(text));
    if (r < 0)
        return cc_fail(r, err, err_len, "cannot create %s: %s", path, strerror(-r));
    snprintf(text, sizeof(text),
             "# %s\n# The public key: give it to whoever must know it.\npublic = %s\n", comment,
             kp->public_key);
    if ((r = cc_file_write_new(pub_path, 0644, text, strlen(text))) < 0) {
        unlink(path);
        return cc_fail(r, err, err_len, "cannot create %s: %s", pub_path, strerror(-r));
    }
    return 0;
}

int cc_curve_server_socket(void *sock, const cc_curve_keypair_t *kp)
{
    int one = 1;

    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof(one)) < 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, kp->secret_key, CC_CURVE_KEY_LEN) < 0 ||
        zmq_setsockopt(sock, ZMQ_ZAP_DOMAIN, CC_CURVE_ZAP_DOMAIN, strlen(CC_CURVE_ZAP_DOMAIN)) < 0)
        return -errno;
    return 0;
}

int cc_curve_client_socket(void *sock, const cc_curve_keypair_t *kp, const char *server_public)
{
    if (zmq_setsockopt(sock, ZMQ_CURVE_SERVERKEY, server_public, CC_CURVE_KEY_LEN) < 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_PUBLICKEY, kp->public_key, CC_CURVE_KEY_LEN) < 0 ||
        zmq_setsockopt(sock, ZMQ_CURVE_SECRETKEY, kp->secret_key, CC_CURVE_KEY_LEN) < 0)
        return -errno;
    return 0;
}

bool cc_endpoint_is_local(const char *endpoint)
{
    static const char tcp[] = "tcp://";
    char host[64];
    const char *hp, *colon;
    size_t len;
    struct in_addr a4;
    struct in6_addr a6;

    if (strncmp(endpoint, "ipc://", 6) == 0 || strncmp(endpoint, "inproc://", 9) == 0)
        return true;
    if (strncmp(endpoint, tcp, sizeof(tcp) - 1) != 0)
        return false;
    hp = endpoint + sizeof(tcp) - 1;
    if ((colon = strrchr(hp, ':')) == NULL || (len = (size_t)(colon - hp)) >= sizeof(host))
        return false;
    memcpy(host, hp, len);
    host[len] = '\0';
    if (len > 2 && host[0] == '[' && host[len - 1] == ']') {
        host[len - 1] = '\0';
        return inet_pton(AF_INET6, host + 1, &a6) == 1 && IN6_IS_ADDR_LOOPBACK(&a6);
    }
    /* A tcp endpoint a client connects to may name its host: only the
     * loopback name counts as local, and only as "localhost". */
    if (strcmp(host, "localhost") == 0)
        return true;
    return inet_pton(AF_INET, host, &a4) == 1 && (ntohl(a4.s_addr) >> 24) == 127;
}
