/*
 * personal.c - the hotline's personal data, sealed at rest (see personal.h).
 */
#include "personal.h"

#include <errno.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_base.h"
#include "cc_file.h"
#include "cc_mem.h"
#include "cc_store.h"

#define V_PLAIN 1
#define V_SEALED 2
#define V_ERASED 3
#define NONCE_BYTES crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG_BYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define SEALED_HEAD (1 + 4 + NONCE_BYTES)
#define AD_PREFIX "cchc-personal:"

_Static_assert(CC_PERSONAL_KEY_BYTES == crypto_aead_xchacha20poly1305_ietf_KEYBYTES,
               "an XChaCha20-Poly1305 key");

typedef struct {
    uint32_t id;
    uint8_t key[CC_PERSONAL_KEY_BYTES];
} key_t_;

struct cc_keyring {
    key_t_ *v; /* sorted by id */
    size_t n;
};

int cc_personal_init(void) { return sodium_init() < 0 ? -EIO : 0; }

static void be32_put(uint8_t *out, uint32_t v)
{
    for (int i = 3; i >= 0; i--, v >>= 8)
        out[i] = (uint8_t)v;
}

static uint32_t be32_get(const uint8_t *b)
{
    return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

/* ---- The key file ------------------------------------------------------------------- */

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

/* One "ID HEX" line into @ret; returns 0 or -EINVAL with @why. */
static int key_line(const char *s, size_t n, key_t_ *ret, char *why, size_t why_len)
{
    size_t i = 0, hex_start, hex_len;
    uint64_t id = 0;

    while (i < n && s[i] >= '0' && s[i] <= '9') {
        id = id * 10 + (uint64_t)(s[i] - '0');
        if (id > UINT32_MAX)
            return cc_fail(-EINVAL, why, why_len, "the key ID is larger than 4294967295");
        i++;
    }
    if (i == 0 || id == 0 || i == n || !is_blank(s[i]))
        return cc_fail(-EINVAL, why, why_len,
                       "expected 'ID HEX': a key ID 1..4294967295, then the key in 64 "
                       "hexadecimal digits");
    while (i < n && is_blank(s[i]))
        i++;
    hex_start = i;
    while (i < n && !is_blank(s[i]))
        i++;
    hex_len = i - hex_start;
    while (i < n && is_blank(s[i]))
        i++;
    if (i != n || hex_len != 2 * CC_PERSONAL_KEY_BYTES)
        return cc_fail(-EINVAL, why, why_len, "the key must be 64 hexadecimal digits (32 bytes)");
    for (size_t k = 0; k < CC_PERSONAL_KEY_BYTES; k++) {
        int hi = hex_value(s[hex_start + 2 * k]), lo = hex_value(s[hex_start + 2 * k + 1]);

        if (hi < 0 || lo < 0)
            return cc_fail(-EINVAL, why, why_len,
                           "the key must be 64 hexadecimal digits (32 bytes)");
        ret->key[k] = (uint8_t)(hi << 4 | lo);
    }
    ret->id = (uint32_t)id;
    return 0;
}

static int key_cmp(const void *a, const void *b)
{
    uint32_t x = ((const key_t_ *)a)->id, y = ((const key_t_ *)b)->id;

    return x < y ? -1 : x > y ? 1 : 0;
}

int cc_keyring_parse(const char *text, size_t len, const char *name, cc_keyring_t **ret, char *err,
                     size_t err_len)
{
    cc_keyring_t *k = cc_xcalloc(1, sizeof(*k));
    cc_lines_t it = { text, len, 0, 0 };
    const char *s;
    size_t n;
    int r;

    while ((r = cc_lines_next(&it, &s, &n)) > 0) {
        char why[160];

        if (k->n == CC_PERSONAL_MAX_KEYS) {
            r = cc_fail(-EINVAL, err, err_len, "%s:%d: more than %d keys", name, it.line,
                        CC_PERSONAL_MAX_KEYS);
            goto out;
        }
        k->v = cc_xrealloc(k->v, (k->n + 1) * sizeof(*k->v));
        if ((r = key_line(s, n, &k->v[k->n], why, sizeof(why))) < 0) {
            cc_set_error(err, err_len, "%s:%d: %s", name, it.line, why);
            goto out;
        }
        k->n++;
    }
    if (r < 0) {
        r = cc_fail(-EINVAL, err, err_len, "%s:%d: a NUL byte", name, it.line);
        goto out;
    }
    if (k->n == 0) {
        r = cc_fail(-EINVAL, err, err_len, "%s: no key (lines 'ID HEX')", name);
        goto out;
    }
    qsort(k->v, k->n, sizeof(*k->v), key_cmp);
    for (size_t i = 1; i < k->n; i++)
        if (k->v[i].id == k->v[i - 1].id) {
            r = cc_fail(-EINVAL, err, err_len, "%s: key ID %u given twice", name,
                        (unsigned)k->v[i].id);
            goto out;
        }
    *ret = k;
    k = NULL;
out:
    cc_keyring_destroy(&k);
    return r;
}

int cc_keyring_load(const char *path, cc_keyring_t **ret, char *err, size_t err_len)
{
    char *text = NULL;
    size_t len = 0;
    int r = cc_file_read_guarded(path, CC_PERSONAL_FILE_MAX, true, "the personal data keys", &text,
                                 &len, err, err_len);

    if (r == 0) {
        r = cc_keyring_parse(text, len, path, ret, err, err_len);
        sodium_memzero(text, len);
    }
    free(text);
    return r;
}

int cc_keyring_line(uint32_t id, char *buf, size_t len)
{
    uint8_t key[CC_PERSONAL_KEY_BYTES];
    char hex[2 * CC_PERSONAL_KEY_BYTES + 1];

    if (id == 0)
        return -EINVAL;
    randombytes_buf(key, sizeof(key));
    sodium_bin2hex(hex, sizeof(hex), key, sizeof(key));
    snprintf(buf, len, "%u %s\n", (unsigned)id, hex);
    sodium_memzero(key, sizeof(key));
    sodium_memzero(hex, sizeof(hex));
    return 0;
}

int cc_keyring_create(const char *path, cc_keyring_t **ret, char *err, size_t err_len)
{
    char text[512];
    size_t off;
    int r;

    off = (size_t)snprintf(text, sizeof(text),
                           "# cchc-hotlined: keys of the callers' personal data at rest (ID HEX).\n"
                           "# The highest ID seals, every one opens. Keep it secret, and apart\n"
                           "# from the data and its backups.\n");
    cc_keyring_line(1, text + off, sizeof(text) - off);
    r = cc_file_write_new(path, 0600, text, strlen(text));
    if (r == 0)
        r = cc_keyring_parse(text, strlen(text), path, ret, err, err_len);
    else
        cc_set_error(err, err_len, "cannot create %s: %s", path, strerror(-r));
    sodium_memzero(text, sizeof(text));
    return r;
}

void cc_keyring_destroy(cc_keyring_t **self_p)
{
    cc_keyring_t *k = self_p ? *self_p : NULL;

    if (k == NULL)
        return;
    if (k->v)
        sodium_memzero(k->v, k->n * sizeof(*k->v));
    free(k->v);
    free(k);
    *self_p = NULL;
}

uint32_t cc_keyring_current(const cc_keyring_t *k) { return k->v[k->n - 1].id; }

size_t cc_keyring_count(const cc_keyring_t *k) { return k->n; }

static const key_t_ *key_find(const cc_keyring_t *k, uint32_t id)
{
    key_t_ want = { .id = id };

    return bsearch(&want, k->v, k->n, sizeof(*k->v), key_cmp);
}

/* ---- Values ------------------------------------------------------------------------- */

static const cc_str_t *fields(const cc_personal_t *p, size_t i)
{
    const cc_str_t *f[4] = { &p->name, &p->phone, &p->text, &p->answer };

    return f[i];
}

size_t cc_personal_plain_size(const cc_personal_t *p)
{
    size_t size = 0;

    for (size_t i = 0; i < 4; i++)
        size += 2 + fields(p, i)->len;
    return size;
}

/* The four fields in clear (without the version byte). Lengths are bounded
 * by the hotline's schema (<= CC_MAX_TEXT), so 16 bits suffice. */
static void plain_encode(const cc_personal_t *p, uint8_t *out)
{
    size_t at = 0;

    for (size_t i = 0; i < 4; i++) {
        const cc_str_t *f = fields(p, i);

        out[at] = (uint8_t)(f->len >> 8);
        out[at + 1] = (uint8_t)f->len;
        if (f->len)
            memcpy(out + at + 2, f->ptr, f->len);
        at += 2 + f->len;
    }
}

/* Slice @b[0..len) into the four fields of @ret; false when malformed. */
static bool plain_decode(const uint8_t *b, size_t len, cc_personal_t *ret)
{
    cc_str_t *f[4] = { &ret->name, &ret->phone, &ret->text, &ret->answer };
    size_t at = 0;

    for (size_t i = 0; i < 4; i++) {
        size_t n;

        if (at + 2 > len)
            return false;
        n = (size_t)b[at] << 8 | b[at + 1];
        at += 2;
        if (n > len - at)
            return false;
        f[i]->ptr = (const char *)b + at;
        f[i]->len = n;
        at += n;
    }
    return at == len;
}

/* The authenticated data: the complaint id. */
static size_t ad_of(const char *id, uint8_t *ad, size_t size)
{
    int n = snprintf((char *)ad, size, AD_PREFIX "%s", id);

    return n < 0 ? 0 : (size_t)n < size ? (size_t)n : size - 1;
}

uint8_t *cc_personal_seal(const cc_keyring_t *k, const char *id, const cc_personal_t *p,
                          size_t *ret_len)
{
    const key_t_ *key = &k->v[k->n - 1];
    size_t plain_len = cc_personal_plain_size(p);
    uint8_t *plain = cc_xmalloc(plain_len ? plain_len : 1);
    uint8_t *out = cc_xmalloc(SEALED_HEAD + plain_len + TAG_BYTES);
    uint8_t ad[sizeof(AD_PREFIX) + CC_MAX_ID + 1];
    unsigned long long clen = 0;

    plain_encode(p, plain);
    out[0] = V_SEALED;
    be32_put(out + 1, key->id);
    randombytes_buf(out + 5, NONCE_BYTES);
    crypto_aead_xchacha20poly1305_ietf_encrypt(out + SEALED_HEAD, &clen, plain, plain_len, ad,
                                               ad_of(id, ad, sizeof(ad)), NULL, out + 5, key->key);
    sodium_memzero(plain, plain_len);
    free(plain);
    *ret_len = SEALED_HEAD + (size_t)clen;
    return out;
}

int cc_personal_open(const cc_keyring_t *k, const char *id, const void *val, size_t len,
                     cc_personal_t *ret, int64_t *ret_erased_at, uint32_t *ret_key_id)
{
    const uint8_t *b = val;
    uint8_t ad[sizeof(AD_PREFIX) + CC_MAX_ID + 1];
    unsigned long long plen = 0;
    const key_t_ *key;
    uint8_t *plain;

    memset(ret, 0, sizeof(*ret));
    if (ret_key_id)
        *ret_key_id = 0;
    if (len < 1)
        return -EBADMSG;
    if (b[0] == V_ERASED) {
        if (len != 9)
            return -EBADMSG;
        if (ret_erased_at)
            *ret_erased_at = (int64_t)cc_be64_get(b + 1);
        return CC_PERSONAL_ERASED;
    }
    if (b[0] == V_PLAIN) {
        plain = cc_xmalloc(len);
        memcpy(plain, b + 1, len - 1);
        if (!plain_decode(plain, len - 1, ret)) {
            free(plain);
            memset(ret, 0, sizeof(*ret));
            return -EBADMSG;
        }
        ret->owned = plain;
        ret->owned_len = len - 1;
        return CC_PERSONAL_PLAIN;
    }
    if (b[0] != V_SEALED || len < SEALED_HEAD + TAG_BYTES)
        return -EBADMSG;
    if (ret_key_id)
        *ret_key_id = be32_get(b + 1);
    if ((key = key_find(k, be32_get(b + 1))) == NULL)
        return -ENOKEY;
    plain = cc_xmalloc(len - SEALED_HEAD - TAG_BYTES + 1);
    if (crypto_aead_xchacha20poly1305_ietf_decrypt(plain, &plen, NULL, b + SEALED_HEAD,
                                                   len - SEALED_HEAD, ad, ad_of(id, ad, sizeof(ad)),
                                                   b + 5, key->key) != 0 ||
        !plain_decode(plain, (size_t)plen, ret)) {
        sodium_memzero(plain, len - SEALED_HEAD - TAG_BYTES);
        free(plain);
        memset(ret, 0, sizeof(*ret));
        return -EBADMSG;
    }
    ret->owned = plain;
    ret->owned_len = (size_t)plen;
    return CC_PERSONAL_PLAIN;
}

void cc_personal_release(cc_personal_t *p)
{
    if (p->owned) {
        sodium_memzero(p->owned, p->owned_len);
        free(p->owned);
    }
    memset(p, 0, sizeof(*p));
}

bool cc_personal_is_erased(const void *val, size_t len)
{
    return len == 9 && ((const uint8_t *)val)[0] == V_ERASED;
}

size_t cc_personal_erased(uint8_t *buf, int64_t at)
{
    buf[0] = V_ERASED;
    cc_be64_put(buf + 1, (uint64_t)at);
    return 9;
}
