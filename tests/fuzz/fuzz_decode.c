/*
 * fuzz_decode.c - libFuzzer harness for the strict decoder (proto/cc_codec.c).
 *
 * Input layout: the first 4 bytes are the header frame (fewer if the input is
 * shorter), the rest is the body frame. Each input is decoded with both limit
 * sets; what decodes is checked against a schema, read through the accessors,
 * re-encoded with cc_enc_object() and decoded again. Properties checked (a
 * violation aborts, which the fuzzer reports as a crash):
 *  - the result is 0 or CC_EMALFORMED, with a reason on failure (out of
 *    memory aborts: base/cc_mem.h);
 *  - the request limits are stricter than the reply limits in every respect,
 *    so whatever a daemon accepts a client accepts too;
 *  - cc_body_check() and the decoder agree;
 *  - a decoded body re-encodes to something that decodes, under the same
 *    limits, and re-encoding is then stable (the encoder is canonical);
 *  - every string the decoder accepted is valid UTF-8 per an independent
 *    checker written here from Unicode table 3-7.
 *
 * Built two ways (STYLE.md item 19, tests/fuzz/CMakeLists.txt): with
 * libFuzzer as `fuzz_decode`, and with replay.c's main() as the ordinary
 * program `fuzz_decode_replay`, which replays tests/fuzz/corpus/decode under
 * ctest.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_codec.h"
#include "fuzz.h"

/* Independent UTF-8 check (Unicode 15, table 3-7, well-formed byte
 * sequences), NUL excluded as the protocol requires. */
static int ref_utf8_valid(const uint8_t *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        uint8_t c = s[i];
        uint8_t lo = 0x80, hi = 0xbf;
        size_t n;

        if (c == 0x00)
            return 0;
        if (c <= 0x7f) {
            i++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf)
            n = 1;
        else if (c == 0xe0)
            n = 2, lo = 0xa0;
        else if ((c >= 0xe1 && c <= 0xec) || c == 0xee || c == 0xef)
            n = 2;
        else if (c == 0xed)
            n = 2, hi = 0x9f;
        else if (c == 0xf0)
            n = 3, lo = 0x90;
        else if (c >= 0xf1 && c <= 0xf3)
            n = 3;
        else if (c == 0xf4)
            n = 3, hi = 0x8f;
        else
            return 0;
        if (len - i < n + 1)
            return 0;
        if (s[i + 1] < lo || s[i + 1] > hi)
            return 0;
        for (size_t k = 2; k <= n; k++)
            if (s[i + k] < 0x80 || s[i + k] > 0xbf)
                return 0;
        i += n + 1;
    }
    return 1;
}

/* Walk a decoded object: every string valid UTF-8, keys strings within the
 * key limit, depth and counts within the limits. */
static void walk(const msgpack_object *o, unsigned depth, const cc_limits_t *lim)
{
    switch (o->type) {
    case MSGPACK_OBJECT_STR:
        CHECK(o->via.str.size <= lim->max_str);
        CHECK(ref_utf8_valid((const uint8_t *)o->via.str.ptr, o->via.str.size));
        CHECK(cc_utf8_valid(o->via.str.ptr, o->via.str.size));
        break;
    case MSGPACK_OBJECT_ARRAY:
        CHECK(depth < lim->max_depth);
        CHECK(o->via.array.size <= lim->max_items);
        for (uint32_t i = 0; i < o->via.array.size; i++)
            walk(&o->via.array.ptr[i], depth + 1, lim);
        break;
    case MSGPACK_OBJECT_MAP:
        CHECK(depth < lim->max_depth);
        CHECK(o->via.map.size <= lim->max_items);
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            const msgpack_object *k = &o->via.map.ptr[i].key;

            CHECK(k->type == MSGPACK_OBJECT_STR);
            CHECK(k->via.str.size <= lim->max_key);
            walk(k, depth + 1, lim);
            walk(&o->via.map.ptr[i].val, depth + 1, lim);
        }
        break;
    case MSGPACK_OBJECT_BIN:
    case MSGPACK_OBJECT_EXT:
        CHECK(false && "bin or ext object after a successful decode");
        break;
    default:
        break;
    }
}

/* A schema shaped like an EVENT: every field type once. */
static const cc_field_t schema[] = {
    { "rid", CC_T_UINT, true, 0, 0 },
    { "eid", CC_T_ID, true, 0, 0 },
    { "unit", CC_T_CODE, false, 0, 0 },
    { "at", CC_T_TIME, false, 0, 0 },
    { "n", CC_T_INT, false, -1000, 1000 },
    { "ok", CC_T_BOOL, false, 0, 0 },
    { "note", CC_T_STR, false, 0, 0 },
    { "m", CC_T_MAP, false, 0, 0 },
    { "a", CC_T_ARRAY, false, 1, CC_MAX_UNITS },
    { "max", CC_T_UINT, false, 1, CC_MAX_READ },
};

static void use_accessors(const msgpack_object *body)
{
    static const char *keys[] = { "rid", "eid", "unit", "at", "n", "ok", "note", "m", "a", "" };
    char buf[CC_MAX_CODE + 1];

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
        cc_str_t s;
        int64_t v;
        uint64_t u;
        bool b;
        int r;

        r = cc_map_str(body, keys[i], &s);
        CHECK(r == 0 || r == -ENOENT || r == -EINVAL);
        if (r == 0)
            CHECK(cc_str_eq(s, keys[i]) ==
                  (s.len == strlen(keys[i]) && (s.len == 0 || memcmp(s.ptr, keys[i], s.len) == 0)));
        r = cc_map_strcpy(body, keys[i], buf, sizeof(buf));
        CHECK(r == 0 || r == -ENOENT || r == -EINVAL || r == -ERANGE);
        CHECK(strlen(buf) < sizeof(buf));
        r = cc_map_i64(body, keys[i], &v);
        CHECK(r == 0 || r == -ENOENT || r == -EINVAL);
        r = cc_map_u64(body, keys[i], &u);
        CHECK(r == 0 || r == -ENOENT || r == -EINVAL);
        r = cc_map_bool(body, keys[i], &b);
        CHECK(r == 0 || r == -ENOENT || r == -EINVAL);
    }
}

/* Re-encode @m's body, decode it again under @lim, and check that a second
 * re-encoding gives the same bytes. */
static void reencode(const cc_msg_t *m, const cc_limits_t *lim)
{
    cc_enc_t e1, e2;
    cc_msg_t m2;
    char why[256] = "";
    int r;

    cc_enc_init(&e1);
    cc_enc_object(&e1, &m->body);
    r = cc_body_decode(e1.buf.data, e1.buf.size, lim, &m2, why, sizeof(why));
    if (r != 0) {
        fprintf(stderr, "re-encoded body refused: %s\n", why);
        CHECK(r == 0);
    }
    CHECK(m2.type == 0);
    cc_enc_init(&e2);
    cc_enc_object(&e2, &m2.body);
    CHECK(e2.buf.size == e1.buf.size);
    CHECK(memcmp(e2.buf.data, e1.buf.data, e1.buf.size) == 0);
    cc_enc_deinit(&e2);
    cc_msg_deinit(&m2);
    cc_enc_deinit(&e1);
}

/* Decode under @lim; returns the decoder's result. */
static int one(const uint8_t *hdr, size_t hdr_len, const uint8_t *body, size_t body_len,
               const cc_limits_t *lim)
{
    cc_msg_t m;
    char why[256] = "";
    int r, rc;

    memset(&m, 0, sizeof(m));
    r = cc_msg_decode(hdr, hdr_len, body, body_len, lim, &m, why, sizeof(why));
    CHECK(r == 0 || r == CC_EMALFORMED);
    if (r == CC_EMALFORMED)
        CHECK(why[0] != '\0' && strlen(why) < sizeof(why));
    /* The header-less check agrees whenever the header was good. */
    if (hdr_len == CC_HEADER_LEN && hdr[0] == CC_PROTO_SIG0 && hdr[1] == CC_PROTO_SIG1 &&
        hdr[2] == CC_PROTO_VERSION) {
        rc = cc_body_check(body, body_len, lim, NULL, 0);
        CHECK(rc == 0 || rc == CC_EMALFORMED);
        CHECK(rc == r);
    } else {
        CHECK(r == CC_EMALFORMED);
    }
    if (r != 0)
        return r;

    CHECK(m.type == hdr[3]);
    CHECK(m.body.type == MSGPACK_OBJECT_MAP);
    CHECK(body_len <= lim->max_frame);
    walk(&m.body, 0, lim);
    {
        const char *key = NULL;
        char fwhy[256] = "";

        rc = cc_fields_check(&m.body, schema, sizeof(schema) / sizeof(schema[0]), &key, fwhy,
                             sizeof(fwhy));
        CHECK(rc == 0 || rc == -EINVAL);
        if (rc < 0)
            CHECK(key != NULL && fwhy[0] != '\0');
    }
    use_accessors(&m.body);
    reencode(&m, lim);
    cc_msg_deinit(&m);
    CHECK(!m.zone_live);
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t hdr_len = size < CC_HEADER_LEN ? size : CC_HEADER_LEN;
    const uint8_t *body = data + hdr_len;
    size_t body_len = size - hdr_len;
    int req, rep;

    req = one(data, hdr_len, body, body_len, &cc_limits_request);
    rep = one(data, hdr_len, body, body_len, &cc_limits_reply);
    /* The request limits are the stricter ones. */
    if (req == 0)
        CHECK(rep == 0);
    return 0;
}
