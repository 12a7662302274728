/*
 * cc_curve.h - CurveZMQ keys and the sockets that use them (PROTOCOL.md §9).
 *
 * Every daemon has a long-term key pair (its "server key"); every client
 * (a counter's `cchc`, an agent's, scoring reading the logs) has its own.
 * Keys travel as Z85 text, 40 characters for 32 bytes. A key file is text:
 *
 *   # cchc CURVE key pair of quay-tp-1 (cchc keygen). Keep it secret.
 *   public = rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7
 *   secret = JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6
 *
 * "#" starts a comment; blank lines are ignored; other lines are
 * `name = value`. A key pair file has `secret` (and `public`, which must
 * then match it; without it the public key is derived); it must not be
 * readable by group or others. A public key file has `public` only.
 * `cchc keygen` writes both.
 */
#ifndef CC_CURVE_H
#define CC_CURVE_H

#include <stdbool.h>
#include <stddef.h>

#define CC_CURVE_KEY_LEN 40        /* Z85 text of a 32-byte key */
#define CC_CURVE_FILE_MAX 65536    /* largest key file read */
#define CC_CURVE_ZAP_DOMAIN "cchc" /* ZAP domain of the daemons' ROUTER sockets */

/* A key pair as Z85 text, NUL-terminated. */
typedef struct {
    char public_key[CC_CURVE_KEY_LEN + 1];
    char secret_key[CC_CURVE_KEY_LEN + 1];
} cc_curve_keypair_t;

/**
 * cc_curve_available - whether this libzmq can do CURVE (zmq_has("curve")).
 */
bool cc_curve_available(void);

/**
 * cc_curve_key_valid - whether @z85 (NUL-terminated) is exactly 40 Z85
 * characters, i.e. a 32-byte key.
 */
bool cc_curve_key_valid(const char *z85);

/**
 * cc_curve_keypair_new - a fresh random key pair.
 * Returns 0, or -ENOTSUP when libzmq has no CURVE.
 */
int cc_curve_keypair_new(cc_curve_keypair_t *ret);

/**
 * cc_curve_keypair_from_secret - the key pair of secret key @secret (Z85),
 * its public key derived. Returns 0 or -EINVAL (not a key).
 */
int cc_curve_keypair_from_secret(const char *secret, cc_curve_keypair_t *ret);

/**
 * cc_curve_keypair_parse - read a key pair from the text of a key file.
 * @text, @len: the file's contents (need not be NUL-terminated).
 * @name: the file's name, for messages.
 * @err, @err_len: "name:line: reason" on failure.
 * Returns 0 or -EINVAL.
 */
int cc_curve_keypair_parse(const char *text, size_t len, const char *name, cc_curve_keypair_t *ret,
                           char *err, size_t err_len);

/**
 * cc_curve_keypair_read - read the key pair file @path; refuse one that
 * group or others may read (a secret must stay secret).
 * Returns 0 or a negative errno (-EACCES for loose permissions), with
 * @err filled ("cannot read key file PATH: reason").
 */
int cc_curve_keypair_read(const char *path, cc_curve_keypair_t *ret, char *err, size_t err_len);

/**
 * cc_curve_public_get - a public key from @spec: the 40-character Z85 key
 * itself, or the path of a file whose `public` line holds it (a .pub file
 * or a key pair file).
 * @ret: the key, CC_CURVE_KEY_LEN + 1 bytes.
 * Returns 0 or a negative errno with @err filled.
 */
int cc_curve_public_get(const char *spec, char *ret, char *err, size_t err_len);

/**
 * cc_curve_keypair_write - write @kp as a key pair file @path (created,
 * never overwritten: O_EXCL, mode 0600) and its public key to @pub_path
 * (mode 0644), each with the comment line @comment.
 * Returns 0 or -errno with @err filled; on failure neither file is left.
 */
int cc_curve_keypair_write(const char *path, const char *pub_path, const cc_curve_keypair_t *kp,
                           const char *comment, char *err, size_t err_len);

/**
 * cc_curve_server_socket - make @sock a CURVE server with @kp, asking the
 * ZAP handler of domain CC_CURVE_ZAP_DOMAIN about each client. Call before
 * binding. Returns 0 or -errno.
 */
int cc_curve_server_socket(void *sock, const cc_curve_keypair_t *kp);

/**
 * cc_curve_client_socket - make @sock a CURVE client with key pair @kp
 * that accepts only the server whose public key is @server_public (Z85).
 * Call before connecting. Returns 0 or -errno.
 */
int cc_curve_client_socket(void *sock, const cc_curve_keypair_t *kp, const char *server_public);

/**
 * cc_endpoint_is_local - whether @endpoint stays on this machine:
 * ipc://, inproc://, or tcp:// on a loopback address (127.0.0.0/8, [::1]).
 * Any other address is not, nor all interfaces ("*").
 */
bool cc_endpoint_is_local(const char *endpoint);

#endif
