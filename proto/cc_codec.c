/*
 * cc_codec.c - strict decoder and small encoder (see cc_codec.h).
 */
#include "cc_codec.h"

#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_mem.h"

const cc_limits_t cc_limits_request = {
    .max_frame = CC_MAX_FRAME,
    .max_depth = CC_MAX_DEPTH,
    .max_items = CC_MAX_ITEMS,
    .max_str = CC_MAX_STR,
    .max_key = CC_MAX_KEY,
};

const cc_limits_t cc_limits_reply = {
    .max_frame = 64u << 20,
    .max_depth = 8,
    .max_items = 1u << 20,
    .max_str = 1u << 20,
    .max_key = 64,
};

bool cc_utf8_valid(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s;
    const unsigned char *end;

    /* msgpack-c decodes an empty string with a NULL pointer, and NULL + 0
     * is undefined behaviour. */
    if (len == 0)
        return true;
    end = p + len;

    while (p < end) {
        unsigned c = *p;
        size_t n;
        uint32_t cp;

        if (c == 0)
            return false;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return false;
        }
        if ((size_t)(end - p) <= n)
            return false;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return false;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        /* Overlong forms, surrogates and values past U+10FFFF. */
        if ((n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) || cp > 0x10ffff ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return false;
        p += n + 1;
    }
    return true;
}

/* The structural walk. Each call checks one object starting at *pp and
 * moves *pp past it. All reads are bounds-checked against end. */
typedef struct {
    const unsigned char *end;
    const cc_limits_t *lim;
    char *why;
    size_t why_len;
    const unsigned char *key; /* the last map key scanned: its bytes */
    uint32_t key_len;
} scan_t;

/* A map key as scanned, for the duplicate check. */
typedef struct {
    const unsigned char *ptr;
    uint32_t len;
} scan_key_t;

static int key_cmp(const void *a, const void *b)
{
    const scan_key_t *x = a, *y = b;

    if (x->len != y->len)
        return x->len < y->len ? -1 : 1;
    return x->len ? memcmp(x->ptr, y->ptr, x->len) : 0;
}

/* Whether two of the @n keys are equal: a few (an event's) each against
 * the others, more sorted and neighbours compared. */
static bool keys_repeat(scan_key_t *keys, uint32_t n, const scan_key_t **ret)
{
    if (n <= 16) {
        for (uint32_t i = 1; i < n; i++)
            for (uint32_t j = 0; j < i; j++)
                if (key_cmp(&keys[i], &keys[j]) == 0) {
                    *ret = &keys[i];
                    return true;
                }
        return false;
    }
    qsort(keys, n, sizeof(*keys), key_cmp);
    for (uint32_t i = 1; i < n; i++)
        if (key_cmp(&keys[i - 1], &keys[i]) == 0) {
            *ret = &keys[i];
            return true;
        }
    return false;
}

static int need(scan_t *s, const unsigned char *p, size_t n)
{
    if ((size_t)(s->end - p) < n) {
        cc_set_error(s->why, s->why_len, "truncated body");
        return CC_EMALFORMED;
    }
    return 0;
}

static uint32_t be(const unsigned char *p, size_t n)
{
    uint32_t v = 0;

    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

static int scan_object(scan_t *s, const unsigned char **pp, unsigned depth, bool is_key);

static int scan_string(scan_t *s, const unsigned char **pp, uint32_t len, bool is_key)
{
    const unsigned char *p = *pp;
    int r;

    if (is_key && len > s->lim->max_key) {
        cc_set_error(s->why, s->why_len, "map key of %u bytes (limit %u)", len, s->lim->max_key);
        return CC_EMALFORMED;
    }
    if (len > s->lim->max_str) {
        cc_set_error(s->why, s->why_len, "string of %u bytes (limit %u)", len, s->lim->max_str);
        return CC_EMALFORMED;
    }
    if ((r = need(s, p, len)) < 0)
        return r;
    if (!cc_utf8_valid((const char *)p, len)) {
        cc_set_error(s->why, s->why_len, "string is not valid UTF-8 (or contains NUL)");
        return CC_EMALFORMED;
    }
    if (is_key) {
        s->key = p;
        s->key_len = len;
    }
    *pp = p + len;
    return 0;
}

static int scan_container(scan_t *s, const unsigned char **pp, uint32_t n, bool is_map,
                          unsigned depth)
{
    int r;

    if (depth >= s->lim->max_depth) {
        cc_set_error(s->why, s->why_len, "nesting deeper than %u", s->lim->max_depth);
        return CC_EMALFORMED;
    }
    if (n > s->lim->max_items) {
        cc_set_error(s->why, s->why_len, "%s of %u entries (limit %u)", is_map ? "map" : "array", n,
                     s->lim->max_items);
        return CC_EMALFORMED;
    }
    /* Every object takes at least one byte: a count larger than what is
     * left is a lie, refused before msgpack-c would allocate for it. */
    if ((uint64_t)n * (is_map ? 2 : 1) > (uint64_t)(s->end - *pp)) {
        cc_set_error(s->why, s->why_len, "%s count %u exceeds the bytes left",
                     is_map ? "map" : "array", n);
        return CC_EMALFORMED;
    }
    /* A map's keys are kept to refuse one that repeats: readers take the
     * first (cc_map_find), so a repeated key would be a hidden field. */
    scan_key_t small[16], *keys = small;
    const scan_key_t *dup;

    if (is_map && n > sizeof(small) / sizeof(small[0]))
        keys = cc_xmalloc((size_t)n * sizeof(*keys));
    r = 0;
    for (uint32_t i = 0; i < n && r == 0; i++) {
        if (is_map && (r = scan_object(s, pp, depth + 1, true)) < 0)
            break;
        if (is_map)
            keys[i] = (scan_key_t){ s->key, s->key_len };
        r = scan_object(s, pp, depth + 1, false);
    }
    if (r == 0 && is_map && n > 1 && keys_repeat(keys, n, &dup)) {
        cc_set_error(s->why, s->why_len, "map key '%.*s' appears twice", (int)dup->len,
                     (const char *)dup->ptr);
        r = CC_EMALFORMED;
    }
    if (keys != small)
        free(keys);
    return r;
}

static int scan_object(scan_t *s, const unsigned char **pp, unsigned depth, bool is_key)
{
    const unsigned char *p = *pp;
    unsigned c;
    size_t w;
    int r;

    if ((r = need(s, p, 1)) < 0)
        return r;
    c = *p++;
    *pp = p;
    if (c >= 0xa0 && c <= 0xbf)
        return scan_string(s, pp, c & 0x1f, is_key);
    if (c == 0xd9 || c == 0xda || c == 0xdb) {
        w = c == 0xd9 ? 1 : c == 0xda ? 2 : 4;
        if ((r = need(s, p, w)) < 0)
            return r;
        *pp = p + w;
        return scan_string(s, pp, be(p, w), is_key);
    }
    if (is_key) {
        cc_set_error(s->why, s->why_len, "map key is not a string");
        return CC_EMALFORMED;
    }
    if (c <= 0x7f || c >= 0xe0 || c == 0xc0 || c == 0xc2 || c == 0xc3)
        return 0;
    if (c >= 0x80 && c <= 0x8f)
        return scan_container(s, pp, c & 0x0f, true, depth);
    if (c >= 0x90 && c <= 0x9f)
        return scan_container(s, pp, c & 0x0f, false, depth);
    switch (c) {
    case 0xcc:
    case 0xd0:
        w = 1;
        break;
    case 0xcd:
    case 0xd1:
        w = 2;
        break;
    case 0xce:
    case 0xd2:
    case 0xca:
        w = 4;
        break;
    case 0xcf:
    case 0xd3:
    case 0xcb:
        w = 8;
        break;
    case 0xdc:
    case 0xde:
        if ((r = need(s, p, 2)) < 0)
            return r;
        *pp = p + 2;
        return scan_container(s, pp, be(p, 2), c == 0xde, depth);
    case 0xdd:
    case 0xdf:
        if ((r = need(s, p, 4)) < 0)
            return r;
        *pp = p + 4;
        return scan_container(s, pp, be(p, 4), c == 0xdf, depth);
    default:
        cc_set_error(s->why, s->why_len, "type byte 0x%02x is not allowed (bin, ext or reserved)",
                     c);
        return CC_EMALFORMED;
    }
    if ((r = need(s, p, w)) < 0)
        return r;
    *pp = p + w;
    return 0;
}

int cc_body_check(const void *body, size_t len, const cc_limits_t *limits, char *why,
                  size_t why_len)
{
    const unsigned char *p = body;
    scan_t s = { .lim = limits ? limits : &cc_limits_request, .why = why, .why_len = why_len };
    int r;

    if (body == NULL || len == 0) {
        cc_set_error(why, why_len, "empty body");
        return CC_EMALFORMED;
    }
    s.end = p + len; /* only now: NULL + len is undefined behaviour */
    if (len > s.lim->max_frame) {
        cc_set_error(why, why_len, "body of %zu bytes (limit %zu)", len, s.lim->max_frame);
        return CC_EMALFORMED;
    }
    if (!((*p >= 0x80 && *p <= 0x8f) || *p == 0xde || *p == 0xdf)) {
        cc_set_error(why, why_len, "body is not a map");
        return CC_EMALFORMED;
    }
    if ((r = scan_object(&s, &p, 0, false)) < 0)
        return r;
    if (p != s.end) {
        cc_set_error(why, why_len, "%zu trailing bytes after the body map", (size_t)(s.end - p));
        return CC_EMALFORMED;
    }
    return 0;
}

int cc_value_check(const void *value, size_t len, unsigned level, const cc_limits_t *limits,
                   size_t *ret_len, char *why, size_t why_len)
{
    const unsigned char *p = value;
    scan_t s = { .lim = limits ? limits : &cc_limits_request, .why = why, .why_len = why_len };
    int r;

    if (value == NULL || len == 0 || level == 0) {
        cc_set_error(why, why_len, "truncated body");
        return CC_EMALFORMED;
    }
    s.end = p + len;
    if ((r = scan_object(&s, &p, level - 1, false)) < 0)
        return r;
    *ret_len = (size_t)(p - (const unsigned char *)value);
    return 0;
}

int cc_body_decode(const void *body, size_t len, const cc_limits_t *limits, cc_msg_t *ret_msg,
                   char *why, size_t why_len)
{
    msgpack_zone zone;
    msgpack_object obj;
    size_t off = 0;
    int r;

    if ((r = cc_body_check(body, len, limits, why, why_len)) < 0)
        return r;
    /* The zone allocates inside libmsgpack, past cc_xmalloc: its failures
     * go to cc_oom() by hand. */
    if (!msgpack_zone_init(&zone, 2048))
        cc_oom(2048);
    /* msgpack_unpack() does not copy strings: they point into the input.
     * The input is a ZeroMQ frame or an LMDB page that the caller releases
     * right after decoding, so the message keeps its own copy in its zone. */
    if (len > 0) {
        void *copy = msgpack_zone_malloc(&zone, len);

        if (copy == NULL)
            cc_oom(len);
        memcpy(copy, body, len);
        body = copy;
    }
    switch (msgpack_unpack(body, len, &off, &zone, &obj)) {
    case MSGPACK_UNPACK_SUCCESS:
        break;
    case MSGPACK_UNPACK_NOMEM_ERROR:
        cc_oom(len); /* the zone could not grow while unpacking len bytes */
    default:
        /* The walk accepted it, so this is unreachable in practice; still
         * a peer must never reach an assert. */
        msgpack_zone_destroy(&zone);
        cc_set_error(why, why_len, "body could not be unpacked");
        return CC_EMALFORMED;
    }
    ret_msg->type = 0;
    ret_msg->body = obj;
    ret_msg->zone = zone;
    ret_msg->zone_live = true;
    return 0;
}

int cc_msg_decode(const void *hdr, size_t hdr_len, const void *body, size_t body_len,
                  const cc_limits_t *limits, cc_msg_t *ret_msg, char *why, size_t why_len)
{
    const unsigned char *h = hdr;
    cc_msg_t m;
    int r;

    if (hdr == NULL || hdr_len != CC_HEADER_LEN || h[0] != CC_PROTO_SIG0 || h[1] != CC_PROTO_SIG1) {
        cc_set_error(why, why_len, "header frame is not 'CH' + version + type (4 bytes)");
        return CC_EMALFORMED;
    }
    if (h[2] != CC_PROTO_VERSION) {
        cc_set_error(why, why_len, "protocol version %u is not supported (this side speaks %d)",
                     h[2], CC_PROTO_VERSION);
        return CC_EMALFORMED;
    }
    if ((r = cc_body_decode(body, body_len, limits, &m, why, why_len)) < 0)
        return r;
    m.type = h[3];
    *ret_msg = m;
    return 0;
}

void cc_msg_deinit(cc_msg_t *msg)
{
    if (msg == NULL || !msg->zone_live)
        return;
    msgpack_zone_destroy(&msg->zone);
    msg->zone_live = false;
}

/* ---- Field access ------------------------------------------------------ */

const msgpack_object *cc_map_find(const msgpack_object *map, const char *key)
{
    size_t klen = strlen(key);

    if (map == NULL || map->type != MSGPACK_OBJECT_MAP)
        return NULL;
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object_kv *kv = &map->via.map.ptr[i];

        if (kv->key.type == MSGPACK_OBJECT_STR && kv->key.via.str.size == klen &&
            (klen == 0 || memcmp(kv->key.via.str.ptr, key, klen) == 0))
            return kv->val.type == MSGPACK_OBJECT_NIL ? NULL : &kv->val;
    }
    return NULL;
}

bool cc_str_eq(cc_str_t s, const char *c) { return cc_strn_eq(s.ptr, s.len, c); }

/* splitmix64's finalizer: every input bit moves every output bit. */
static uint64_t digest_mix(uint64_t x)
{
    x ^= x >> 30;
    x *= 0xbf58476d1ce4e5b9ULL;
    x ^= x >> 27;
    x *= 0x94d049bb133111ebULL;
    return x ^ (x >> 31);
}

/* FNV-1a over @len bytes, started from @h. */
static uint64_t digest_bytes(uint64_t h, const void *data, size_t len)
{
    const uint8_t *p = data;

    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 0x100000001b3ULL;
    return h;
}

enum { DG_NIL = 1, DG_BOOL, DG_INT, DG_UINT, DG_FLOAT, DG_STR, DG_BIN, DG_ARRAY, DG_MAP, DG_EXT };

uint64_t cc_object_digest(const msgpack_object *o)
{
    uint64_t h = 0xcbf29ce484222325ULL, acc;
    double d;

    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        return digest_mix(DG_NIL);
    case MSGPACK_OBJECT_BOOLEAN:
        return digest_mix(DG_BOOL) ^ digest_mix(o->via.boolean ? 2 : 1);
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        /* msgpack-c decodes every non-negative integer as positive. */
        return digest_mix(DG_UINT) ^ digest_mix(o->via.u64 + 1);
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        return digest_mix(DG_INT) ^ digest_mix((uint64_t)o->via.i64);
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        d = o->via.f64;
        return digest_mix(DG_FLOAT) ^ digest_bytes(h, &d, sizeof(d));
    case MSGPACK_OBJECT_STR:
        return digest_mix(DG_STR) ^ digest_bytes(h, o->via.str.ptr, o->via.str.size);
    case MSGPACK_OBJECT_BIN:
        return digest_mix(DG_BIN) ^ digest_bytes(h, o->via.bin.ptr, o->via.bin.size);
    case MSGPACK_OBJECT_EXT:
        h = digest_bytes(h, &o->via.ext.type, 1);
        return digest_mix(DG_EXT) ^ digest_bytes(h, o->via.ext.ptr, o->via.ext.size);
    case MSGPACK_OBJECT_ARRAY:
        acc = digest_mix(DG_ARRAY + ((uint64_t)o->via.array.size << 8));
        for (uint32_t i = 0; i < o->via.array.size; i++)
            acc = digest_mix(acc ^ cc_object_digest(&o->via.array.ptr[i]));
        return acc;
    case MSGPACK_OBJECT_MAP:
        /* A sum of the pairs' digests: the order of the pairs is lost. A
         * nil value counts as absent, as for cc_map_find(). */
        acc = digest_mix(DG_MAP);
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            uint64_t k, v;

            if (o->via.map.ptr[i].val.type == MSGPACK_OBJECT_NIL)
                continue;
            k = cc_object_digest(&o->via.map.ptr[i].key);
            v = cc_object_digest(&o->via.map.ptr[i].val);
            acc += digest_mix(k ^ ((v << 17) | (v >> 47)));
        }
        return acc;
    }
    return 0;
}

int cc_map_str(const msgpack_object *map, const char *key, cc_str_t *ret)
{
    const msgpack_object *o = cc_map_find(map, key);

    if (o == NULL)
        return -ENOENT;
    if (o->type != MSGPACK_OBJECT_STR)
        return -EINVAL;
    ret->ptr = o->via.str.ptr;
    ret->len = o->via.str.size;
    return 0;
}

int cc_map_strcpy(const msgpack_object *map, const char *key, char *buf, size_t size)
{
    cc_str_t s;
    int r;

    if (size > 0)
        buf[0] = '\0';
    if ((r = cc_map_str(map, key, &s)) < 0)
        return r;
    if (s.len >= size)
        return -ERANGE;
    if (s.len > 0) /* an empty string's pointer may be NULL */
        memcpy(buf, s.ptr, s.len);
    buf[s.len] = '\0';
    return 0;
}

int cc_map_i64(const msgpack_object *map, const char *key, int64_t *ret)
{
    const msgpack_object *o = cc_map_find(map, key);

    if (o == NULL)
        return -ENOENT;
    if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER) {
        *ret = o->via.i64;
        return 0;
    }
    if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= INT64_MAX) {
        *ret = (int64_t)o->via.u64;
        return 0;
    }
    return -EINVAL;
}

int cc_map_u64(const msgpack_object *map, const char *key, uint64_t *ret)
{
    const msgpack_object *o = cc_map_find(map, key);

    if (o == NULL)
        return -ENOENT;
    if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
        return -EINVAL;
    *ret = o->via.u64;
    return 0;
}

int cc_map_bool(const msgpack_object *map, const char *key, bool *ret)
{
    const msgpack_object *o = cc_map_find(map, key);

    if (o == NULL)
        return -ENOENT;
    if (o->type != MSGPACK_OBJECT_BOOLEAN)
        return -EINVAL;
    *ret = o->via.boolean;
    return 0;
}

void cc_field_bounds(cc_ftype_t type, int64_t min, int64_t max, int64_t *ret_lo, int64_t *ret_hi)
{
    *ret_lo = min;
    *ret_hi = max;
    if (min != 0 || max != 0)
        return;
    switch (type) {
    case CC_T_STR:
    case CC_T_ID:
    case CC_T_CODE:
        *ret_lo = 1;
        *ret_hi = type == CC_T_ID ? CC_MAX_ID : type == CC_T_CODE ? CC_MAX_CODE : CC_MAX_TEXT;
        break;
    case CC_T_TIME:
        /* Anything else is a unit mistake (milliseconds) or garbage. */
        *ret_lo = 946684800;
        *ret_hi = 4102444800;
        break;
    default:
        break;
    }
}

bool cc_token_chars(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        if (c <= 0x20 || c >= 0x7f)
            return false;
    }
    return true;
}

/* What a type is, in each language ("must be a string" / "phải là một
 * chuỗi ký tự"). Wire words stay in quotes in the Vietnamese. */
static const struct {
    const char *en;
    const char *vi;
} type_words[] = {
    [CC_T_STR] = { "a string", "một chuỗi ký tự" },
    [CC_T_ID] = { "an id string", "một mã định danh (chuỗi)" },
    [CC_T_CODE] = { "a code string", "một mã (chuỗi)" },
    [CC_T_UINT] = { "an unsigned integer", "một số nguyên không âm" },
    [CC_T_INT] = { "an integer", "một số nguyên" },
    [CC_T_TIME] = { "an integer time (Unix seconds)", "một thời điểm (số nguyên, giây Unix)" },
    [CC_T_BOOL] = { "a boolean", "'true' hoặc 'false'" },
    [CC_T_MAP] = { "a map", "một bảng khóa - giá trị" },
    [CC_T_ARRAY] = { "an array", "một mảng" },
};

/* What is wrong with one field, to be said in either language. */
typedef enum {
    FAULT_MISSING, /* required but absent */
    FAULT_TYPE,    /* not of its type */
    FAULT_LENGTH,  /* a string's length (got) outside lo..hi bytes */
    FAULT_CHARS,   /* an id or code with a space or a non-ASCII byte */
    FAULT_RANGE,   /* a number (got) outside lo..hi */
    FAULT_ITEMS,   /* an array's count (got) outside lo..hi */
} fault_kind_t;

typedef struct {
    fault_kind_t kind;
    char got[24]; /* the length, number or count given */
    long long lo, hi;
} fault_t;

static int fault(fault_t *f, fault_kind_t kind, int64_t lo, int64_t hi)
{
    f->kind = kind;
    f->lo = (long long)lo;
    f->hi = (long long)hi;
    return -EINVAL;
}

static int check_one(const msgpack_object *o, const cc_field_t *f, fault_t *ret)
{
    int64_t lo, hi, v;

    cc_field_bounds(f->type, f->min, f->max, &lo, &hi);
    switch (f->type) {
    case CC_T_STR:
    case CC_T_ID:
    case CC_T_CODE: {
        size_t len;

        if (o->type != MSGPACK_OBJECT_STR)
            break;
        len = o->via.str.size;
        if ((int64_t)len < lo || (int64_t)len > hi) {
            snprintf(ret->got, sizeof(ret->got), "%zu", len);
            return fault(ret, FAULT_LENGTH, lo, hi);
        }
        if (f->type != CC_T_STR && !cc_token_chars(o->via.str.ptr, len))
            return fault(ret, FAULT_CHARS, 0, 0);
        return 0;
    }
    case CC_T_UINT:
        if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
            break;
        if ((lo || hi) && (o->via.u64 < (uint64_t)lo || o->via.u64 > (uint64_t)hi)) {
            snprintf(ret->got, sizeof(ret->got), "%llu", (unsigned long long)o->via.u64);
            return fault(ret, FAULT_RANGE, lo, hi);
        }
        return 0;
    case CC_T_INT:
    case CC_T_TIME:
        if (o->type == MSGPACK_OBJECT_NEGATIVE_INTEGER)
            v = o->via.i64;
        else if (o->type == MSGPACK_OBJECT_POSITIVE_INTEGER && o->via.u64 <= INT64_MAX)
            v = (int64_t)o->via.u64;
        else
            break;
        if ((lo || hi) && (v < lo || v > hi)) {
            snprintf(ret->got, sizeof(ret->got), "%lld", (long long)v);
            return fault(ret, FAULT_RANGE, lo, hi);
        }
        return 0;
    case CC_T_BOOL:
        if (o->type != MSGPACK_OBJECT_BOOLEAN)
            break;
        return 0;
    case CC_T_MAP:
        if (o->type != MSGPACK_OBJECT_MAP)
            break;
        return 0;
    case CC_T_ARRAY:
        if (o->type != MSGPACK_OBJECT_ARRAY)
            break;
        if ((lo || hi) && ((int64_t)o->via.array.size < lo || (int64_t)o->via.array.size > hi)) {
            snprintf(ret->got, sizeof(ret->got), "%u", o->via.array.size);
            return fault(ret, FAULT_ITEMS, lo, hi);
        }
        return 0;
    }
    return fault(ret, FAULT_TYPE, 0, 0);
}

/* The fault @f of field @fd in English (@vi false) or Vietnamese. */
static void fault_text(const fault_t *f, const cc_field_t *fd, bool vi, char *buf, size_t len)
{
    const char *k = fd->key;

    switch (f->kind) {
    case FAULT_MISSING:
        if (vi)
            cc_set_error(buf, len, "thiếu trường bắt buộc '%s'", k);
        else
            cc_set_error(buf, len, "field '%s': required but missing", k);
        break;
    case FAULT_TYPE:
        cc_set_error(buf, len, vi ? "trường '%s' phải là %s" : "field '%s': must be %s", k,
                     vi ? type_words[fd->type].vi : type_words[fd->type].en);
        break;
    case FAULT_LENGTH:
        if (vi)
            cc_set_error(buf, len, "trường '%s' dài %s byte, ngoài khoảng %lld..%lld", k, f->got,
                         f->lo, f->hi);
        else
            cc_set_error(buf, len, "field '%s': length %s bytes is outside %lld..%lld", k, f->got,
                         f->lo, f->hi);
        break;
    case FAULT_CHARS:
        if (vi)
            cc_set_error(buf, len,
                         "trường '%s' chỉ được gồm chữ, số và ký hiệu ASCII, không dấu "
                         "cách",
                         k);
        else
            cc_set_error(buf, len, "field '%s': must be printable ASCII without spaces", k);
        break;
    case FAULT_RANGE:
        cc_set_error(buf, len,
                     vi ? "trường '%s': %s nằm ngoài khoảng %lld..%lld"
                        : "field '%s': %s is outside %lld..%lld",
                     k, f->got, f->lo, f->hi);
        break;
    case FAULT_ITEMS:
        cc_set_error(buf, len,
                     vi ? "trường '%s' có %s phần tử, ngoài khoảng %lld..%lld"
                        : "field '%s': %s items is outside %lld..%lld",
                     k, f->got, f->lo, f->hi);
        break;
    }
}

int cc_fields_explain(const msgpack_object *map, const cc_field_t *fields, size_t n,
                      const char **ret_key, char *vi, size_t vi_len, char *en, size_t en_len)
{
    for (size_t i = 0; i < n; i++) {
        const msgpack_object *o = cc_map_find(map, fields[i].key);
        fault_t f = { 0 };

        if (o == NULL ? !fields[i].required : check_one(o, &fields[i], &f) == 0)
            continue;
        if (o == NULL)
            f.kind = FAULT_MISSING;
        if (ret_key)
            *ret_key = fields[i].key;
        if (vi && vi_len)
            fault_text(&f, &fields[i], true, vi, vi_len);
        if (en && en_len)
            fault_text(&f, &fields[i], false, en, en_len);
        return -EINVAL;
    }
    return 0;
}

int cc_fields_check(const msgpack_object *map, const cc_field_t *fields, size_t n,
                    const char **ret_key, char *why, size_t why_len)
{
    return cc_fields_explain(map, fields, n, ret_key, NULL, 0, why, why_len);
}

/* ---- Encoding ----------------------------------------------------------- */

/* The packer's writer: msgpack_sbuffer_write, but out of memory aborts
 * (base/cc_mem.h) instead of returning -1, which the packer ignores and
 * which would cut the message short. */
static int enc_write(void *data, const char *buf, size_t len)
{
    msgpack_sbuffer *sb = data;

    if (len == 0)
        return 0; /* an empty string's body: @buf may be NULL */
    if (sb->alloc - sb->size < len) {
        size_t want = sb->alloc ? sb->alloc : MSGPACK_SBUFFER_INIT_SIZE;

        while (want - sb->size < len) {
            if (want > SIZE_MAX / 2)
                cc_oom(SIZE_MAX);
            want *= 2;
        }
        sb->data = cc_xrealloc(sb->data, want);
        sb->alloc = want;
    }
    memcpy(sb->data + sb->size, buf, len);
    sb->size += len;
    return 0;
}

void cc_enc_init(cc_enc_t *e)
{
    msgpack_sbuffer_init(&e->buf);
    msgpack_packer_init(&e->pk, &e->buf, enc_write);
}

void cc_enc_deinit(cc_enc_t *e)
{
    msgpack_sbuffer_destroy(&e->buf);
    memset(&e->buf, 0, sizeof(e->buf));
}

void cc_enc_reset(cc_enc_t *e) { e->buf.size = 0; }

void cc_enc_map(cc_enc_t *e, size_t n) { msgpack_pack_map(&e->pk, n); }

size_t cc_enc_map_open(cc_enc_t *e)
{
    static const char placeholder[5] = { (char)0xdf, 0, 0, 0, 0 }; /* map32, sized at close */
    size_t mark = e->buf.size;

    enc_write(&e->buf, placeholder, sizeof(placeholder));
    return mark;
}

void cc_enc_map_close(cc_enc_t *e, size_t mark)
{
    uint8_t *body = (uint8_t *)e->buf.data + mark + 5;
    size_t len = e->buf.size - mark - 5, at = 0, objects = 0, pairs, head;
    uint8_t hdr[5];

    while (at < len) {
        size_t one = cc_msgpack_len(body + at, len - at);

        if (one == 0)
            abort(); /* not our own encoding: a bug, and no way to go on */
        at += one;
        objects++;
    }
    if (objects % 2 != 0)
        abort(); /* a key without its value: a bug */
    pairs = objects / 2;
    /* The smallest header, as msgpack_pack_map writes it: the bytes are the
     * same as with a counted cc_enc_map(). */
    if (pairs < 16) {
        hdr[0] = (uint8_t)(0x80 | pairs);
        head = 1;
    } else if (pairs <= 0xffff) {
        hdr[0] = 0xde;
        hdr[1] = (uint8_t)(pairs >> 8);
        hdr[2] = (uint8_t)pairs;
        head = 3;
    } else {
        hdr[0] = 0xdf;
        for (int i = 0; i < 4; i++)
            hdr[1 + i] = (uint8_t)(pairs >> (24 - 8 * i));
        head = 5;
    }
    memmove((uint8_t *)e->buf.data + mark + head, body, len);
    memcpy(e->buf.data + mark, hdr, head);
    e->buf.size = mark + head + len;
}
void cc_enc_array(cc_enc_t *e, size_t n) { msgpack_pack_array(&e->pk, n); }
void cc_enc_u64(cc_enc_t *e, uint64_t v) { msgpack_pack_uint64(&e->pk, v); }
void cc_enc_i64(cc_enc_t *e, int64_t v) { msgpack_pack_int64(&e->pk, v); }
void cc_enc_nil(cc_enc_t *e) { msgpack_pack_nil(&e->pk); }
void cc_enc_object(cc_enc_t *e, const msgpack_object *o) { msgpack_pack_object(&e->pk, *o); }

void cc_enc_bool(cc_enc_t *e, bool v)
{
    if (v)
        msgpack_pack_true(&e->pk);
    else
        msgpack_pack_false(&e->pk);
}

void cc_enc_strn(cc_enc_t *e, const char *s, size_t len)
{
    msgpack_pack_str(&e->pk, len);
    msgpack_pack_str_body(&e->pk, s, len);
}

void cc_enc_str(cc_enc_t *e, const char *s)
{
    if (s == NULL)
        cc_enc_nil(e);
    else
        cc_enc_strn(e, s, strlen(s));
}

void cc_enc_raw(cc_enc_t *e, const void *data, size_t len)
{
    msgpack_sbuffer_write(&e->buf, data, len);
}

void cc_enc_kv_str(cc_enc_t *e, const char *key, const char *v)
{
    cc_enc_str(e, key);
    cc_enc_str(e, v);
}

void cc_enc_kv_strn(cc_enc_t *e, const char *key, const char *v, size_t len)
{
    cc_enc_str(e, key);
    cc_enc_strn(e, v, len);
}

void cc_enc_kv_u64(cc_enc_t *e, const char *key, uint64_t v)
{
    cc_enc_str(e, key);
    cc_enc_u64(e, v);
}

void cc_enc_kv_i64(cc_enc_t *e, const char *key, int64_t v)
{
    cc_enc_str(e, key);
    cc_enc_i64(e, v);
}

void cc_enc_kv_bool(cc_enc_t *e, const char *key, bool v)
{
    cc_enc_str(e, key);
    cc_enc_bool(e, v);
}

void cc_header_make(uint8_t out[CC_HEADER_LEN], cc_msg_type_t type)
{
    out[0] = CC_PROTO_SIG0;
    out[1] = CC_PROTO_SIG1;
    out[2] = CC_PROTO_VERSION;
    out[3] = (uint8_t)type;
}

void cc_error_encode(cc_enc_t *e, uint64_t rid, cc_err_t code, const char *vi, const char *en,
                     const char *field, const char *eid)
{
    size_t map = cc_enc_map_open(e);

    cc_enc_kv_u64(e, "rid", rid);
    cc_enc_kv_str(e, "code", cc_err_name(code));
    cc_enc_kv_str(e, "vi", vi);
    cc_enc_kv_str(e, "en", en);
    if (field != NULL)
        cc_enc_kv_str(e, "field", field);
    if (eid != NULL)
        cc_enc_kv_str(e, "eid", eid);
    cc_enc_map_close(e, map);
}
