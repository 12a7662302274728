/*
 * test_codec.c - unit tests of the wire codec (proto/cc_codec.{h,c} and the
 * names in proto/cc_proto.c).
 *
 * Sections: encoder -> decoder round trips; every class of malformed input
 * (each must give CC_EMALFORMED and a reason naming the fault); accepted
 * UTF-8; the schema checker cc_fields_check() and its reasons in
 * Vietnamese and English (cc_fields_explain, cc_event_fields_explain); the
 * cc_map_* accessors;
 * ERROR bodies; error-code names. The hex examples of PROTOCOL.md are
 * checked by test_protocol_doc.c, which reads the document itself.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cc_base.h"
#include "cc_codec.h"
#include "cc_proto.h"
#include "cc_schema.h"

/* Bytes of a body given inline: B(0x81, 0xa1, 'k', 0x01) -> pointer, length. */
#define B(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })

static const uint8_t good_hdr[CC_HEADER_LEN] = { 'C', 'H', CC_PROTO_VERSION, CC_MSG_EVENT };

/* ---- Helpers ----------------------------------------------------------------- */

/* Decode @body with a good EVENT header; fail the test unless it decodes. */
static void decode_ok_lim(const void *body, size_t len, const cc_limits_t *lim, cc_msg_t *msg)
{
    char why[256] = "";
    int r = cc_msg_decode(good_hdr, sizeof(good_hdr), body, len, lim, msg, why, sizeof(why));

    if (r != 0)
        fail_msg("decode failed: %d (%s)", r, why);
    assert_int_equal(msg->type, CC_MSG_EVENT);
    assert_int_equal(msg->body.type, MSGPACK_OBJECT_MAP);
}

static void decode_ok(const void *body, size_t len, cc_msg_t *msg)
{
    decode_ok_lim(body, len, NULL, msg);
}

/* Decode must fail with CC_EMALFORMED and a reason containing @reason; the
 * message must be left untouched. */
static void malformed_lim(const void *body, size_t len, const cc_limits_t *lim, const char *reason)
{
    char why[256] = "";
    cc_msg_t msg;
    cc_msg_t untouched;
    int r;

    memset(&msg, 0x5a, sizeof(msg));
    memcpy(&untouched, &msg, sizeof(msg));
    r = cc_msg_decode(good_hdr, sizeof(good_hdr), body, len, lim, &msg, why, sizeof(why));
    if (r != CC_EMALFORMED)
        fail_msg("expected CC_EMALFORMED (%s), got %d", reason, r);
    if (strstr(why, reason) == NULL)
        fail_msg("reason '%s' does not contain '%s'", why, reason);
    assert_memory_equal(&msg, &untouched, sizeof(msg));
    /* cc_body_check() gives the same verdict without a header. */
    why[0] = '\0';
    assert_int_equal(cc_body_check(body, len, lim, why, sizeof(why)), CC_EMALFORMED);
    assert_non_null(strstr(why, reason));
}

static void malformed(const void *body, size_t len, const char *reason)
{
    malformed_lim(body, len, NULL, reason);
}

/* An encoder holding one map {"k": <string of @len bytes of @fill>}. */
static void enc_str_body(cc_enc_t *e, size_t len, char fill)
{
    char *s = malloc(len + 1);

    assert_non_null(s);
    memset(s, fill, len);
    cc_enc_init(e);
    cc_enc_map(e, 1);
    cc_enc_kv_strn(e, "k", s, len);
    free(s);
}

/* A body {"k": <raw bytes as a string>} with the string bytes given raw. */
static size_t raw_str_body(uint8_t *out, size_t size, const char *bytes, size_t n)
{
    assert_true(n < 32 && n + 3 <= size);
    out[0] = 0x81;
    out[1] = 0xa1;
    out[2] = 'k';
    out[3] = (uint8_t)(0xa0 | n);
    memcpy(out + 4, bytes, n);
    return n + 4;
}

/* ---- Round trips: encoder -> decoder ------------------------------------------------ */

static void test_codec_roundtrip_unsigned(void **state)
{
    const uint64_t v[] = { 0,
                           1,
                           127,
                           128,
                           255,
                           256,
                           65535,
                           65536,
                           0xffffffffull,
                           0x100000000ull,
                           INT64_MAX,
                           (uint64_t)INT64_MAX + 1,
                           UINT64_MAX };
    (void)state;

    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        cc_enc_t e;
        cc_msg_t m;
        uint64_t u = 0;
        int64_t s = 0;

        cc_enc_init(&e);
        cc_enc_map(&e, 1);
        cc_enc_kv_u64(&e, "n", v[i]);
        decode_ok(e.buf.data, e.buf.size, &m);
        assert_int_equal(cc_map_u64(&m.body, "n", &u), 0);
        assert_true(u == v[i]);
        if (v[i] <= INT64_MAX) {
            assert_int_equal(cc_map_i64(&m.body, "n", &s), 0);
            assert_true(s == (int64_t)v[i]);
        } else {
            assert_int_equal(cc_map_i64(&m.body, "n", &s), -EINVAL);
        }
        cc_msg_deinit(&m);
        cc_enc_deinit(&e);
    }
}

static void test_codec_roundtrip_signed(void **state)
{
    const int64_t v[] = { 0,
                          1,
                          -1,
                          -32,
                          -33,
                          -128,
                          -129,
                          -32768,
                          -32769,
                          INT32_MIN,
                          (int64_t)INT32_MIN - 1,
                          INT64_MIN,
                          INT64_MAX,
                          1735689600 };
    (void)state;

    for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
        cc_enc_t e;
        cc_msg_t m;
        int64_t s = 0;
        uint64_t u;

        cc_enc_init(&e);
        cc_enc_map(&e, 1);
        cc_enc_kv_i64(&e, "n", v[i]);
        decode_ok(e.buf.data, e.buf.size, &m);
        assert_int_equal(cc_map_i64(&m.body, "n", &s), 0);
        assert_true(s == v[i]);
        /* Non-negative values travel as unsigned integers. */
        assert_int_equal(cc_map_u64(&m.body, "n", &u), v[i] >= 0 ? 0 : -EINVAL);
        cc_msg_deinit(&m);
        cc_enc_deinit(&e);
    }
}

static void test_codec_roundtrip_bool_nil(void **state)
{
    cc_enc_t e;
    cc_msg_t m;
    bool b = false;
    (void)state;

    cc_enc_init(&e);
    cc_enc_map(&e, 3);
    cc_enc_kv_bool(&e, "t", true);
    cc_enc_kv_bool(&e, "f", false);
    cc_enc_str(&e, "z");
    cc_enc_nil(&e);
    decode_ok(e.buf.data, e.buf.size, &m);
    assert_int_equal(cc_map_bool(&m.body, "t", &b), 0);
    assert_true(b);
    assert_int_equal(cc_map_bool(&m.body, "f", &b), 0);
    assert_false(b);
    /* Nil is on the wire but reads as absent. */
    assert_int_equal(m.body.via.map.size, 3);
    assert_int_equal(m.body.via.map.ptr[2].val.type, MSGPACK_OBJECT_NIL);
    assert_null(cc_map_find(&m.body, "z"));
    assert_int_equal(cc_map_bool(&m.body, "z", &b), -ENOENT);
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);
}

static void test_codec_roundtrip_strings(void **state)
{
    /* fixstr, str8, str16 boundaries, and the request limit itself. */
    const size_t lens[] = { 0, 1, 31, 32, 255, 256, 65, CC_MAX_STR };
    (void)state;

    for (size_t i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
        cc_enc_t e;
        cc_msg_t m;
        cc_str_t s;

        enc_str_body(&e, lens[i], 'x');
        decode_ok(e.buf.data, e.buf.size, &m);
        assert_int_equal(cc_map_str(&m.body, "k", &s), 0);
        assert_int_equal(s.len, lens[i]);
        for (size_t j = 0; j < s.len; j++)
            assert_int_equal(s.ptr[j], 'x');
        cc_msg_deinit(&m);
        cc_enc_deinit(&e);
    }
    { /* cc_enc_str(NULL) packs nil. */
        cc_enc_t e;
        cc_msg_t m;

        cc_enc_init(&e);
        cc_enc_map(&e, 1);
        cc_enc_kv_str(&e, "k", NULL);
        decode_ok(e.buf.data, e.buf.size, &m);
        assert_int_equal(m.body.via.map.ptr[0].val.type, MSGPACK_OBJECT_NIL);
        cc_msg_deinit(&m);
        cc_enc_deinit(&e);
    }
}

static void test_codec_roundtrip_floats(void **state)
{
    cc_enc_t e;
    cc_msg_t m;
    const msgpack_object *o;
    (void)state;

    /* The codec has no float helper; peers may still send floats. */
    cc_enc_init(&e);
    cc_enc_map(&e, 2);
    cc_enc_str(&e, "d");
    msgpack_pack_double(&e.pk, 0.875);
    cc_enc_str(&e, "f");
    msgpack_pack_float(&e.pk, -2.5f);
    decode_ok(e.buf.data, e.buf.size, &m);
    o = cc_map_find(&m.body, "d");
    assert_non_null(o);
    assert_int_equal(o->type, MSGPACK_OBJECT_FLOAT64);
    assert_true(o->via.f64 == 0.875);
    o = cc_map_find(&m.body, "f");
    assert_non_null(o);
    assert_int_equal(o->type, MSGPACK_OBJECT_FLOAT32);
    assert_true(o->via.f64 == -2.5);
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);
}

static void test_codec_roundtrip_containers_and_reencode(void **state)
{
    cc_enc_t e, e2;
    cc_msg_t m, m2;
    const msgpack_object *units, *inner;
    cc_str_t s;
    (void)state;

    cc_enc_init(&e);
    cc_enc_map(&e, 3);
    cc_enc_kv_u64(&e, "rid", 7);
    cc_enc_str(&e, "units");
    cc_enc_array(&e, 3);
    cc_enc_str(&e, "000.00.01.H01");
    cc_enc_str(&e, "000.00.02.H01");
    cc_enc_u64(&e, 3);
    cc_enc_str(&e, "m");
    cc_enc_map(&e, 1);
    cc_enc_kv_str(&e, "note", "Hồ sơ đã tiếp nhận");
    decode_ok(e.buf.data, e.buf.size, &m);
    units = cc_map_find(&m.body, "units");
    assert_non_null(units);
    assert_int_equal(units->type, MSGPACK_OBJECT_ARRAY);
    assert_int_equal(units->via.array.size, 3);
    assert_int_equal(units->via.array.ptr[2].via.u64, 3);
    inner = cc_map_find(&m.body, "m");
    assert_non_null(inner);
    assert_int_equal(cc_map_str(inner, "note", &s), 0);
    assert_true(cc_str_eq(s, "Hồ sơ đã tiếp nhận"));

    /* The decoded message does not borrow from the input buffer: it stays
     * valid after the frame is released (ZeroMQ frames, LMDB pages). */
    {
        cc_msg_t own;
        uint8_t *copy = malloc(e.buf.size);

        assert_non_null(copy);
        memcpy(copy, e.buf.data, e.buf.size);
        decode_ok(copy, e.buf.size, &own);
        memset(copy, 0xa5, e.buf.size);
        free(copy);
        assert_int_equal(cc_map_str(cc_map_find(&own.body, "m"), "note", &s), 0);
        assert_true(cc_str_eq(s, "Hồ sơ đã tiếp nhận"));
        assert_int_equal(cc_map_str(&own.body, "units", &s), -EINVAL);
        cc_msg_deinit(&own);
    }

    /* cc_enc_object() gives back the same bytes (the encoder is canonical). */
    cc_enc_init(&e2);
    cc_enc_object(&e2, &m.body);
    assert_int_equal(e2.buf.size, e.buf.size);
    assert_memory_equal(e2.buf.data, e.buf.data, e.buf.size);
    assert_int_equal(cc_body_decode(e2.buf.data, e2.buf.size, NULL, &m2, NULL, 0), 0);
    assert_int_equal(m2.type, 0);
    cc_msg_deinit(&m2);

    /* cc_enc_raw() appends encoded bytes; cc_enc_reset() empties. */
    cc_enc_reset(&e2);
    assert_int_equal(e2.buf.size, 0);
    cc_enc_map(&e2, 1);
    cc_enc_str(&e2, "x");
    cc_enc_raw(&e2, e.buf.data, e.buf.size);
    decode_ok(e2.buf.data, e2.buf.size, &m2);
    assert_non_null(cc_map_find(cc_map_find(&m2.body, "x"), "rid"));
    cc_msg_deinit(&m2);
    cc_enc_deinit(&e2);

    cc_msg_deinit(&m);
    cc_msg_deinit(&m); /* twice is fine */
    cc_enc_deinit(&e);
}

static void test_codec_header_make_and_types(void **state)
{
    const int types[] = { CC_MSG_HELLO, CC_MSG_EVENT,  CC_MSG_READ,  CC_MSG_QUERY, CC_MSG_ACK,
                          CC_MSG_BATCH, CC_MSG_RESULT, CC_MSG_ERROR, CC_MSG_ALERT };
    (void)state;

    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
        uint8_t h[CC_HEADER_LEN];
        cc_msg_t m;

        cc_header_make(h, (cc_msg_type_t)types[i]);
        assert_int_equal(h[0], 'C');
        assert_int_equal(h[1], 'H');
        assert_int_equal(h[2], CC_PROTO_VERSION);
        assert_int_equal(h[3], types[i]);
        assert_int_equal(cc_msg_decode(h, sizeof(h), B(0x80), NULL, &m, NULL, 0), 0);
        assert_int_equal(m.type, types[i]);
        assert_string_not_equal(cc_msg_type_name(types[i]), "?");
        cc_msg_deinit(&m);
    }
    assert_string_equal(cc_msg_type_name(CC_MSG_EVENT), "EVENT");
    assert_string_equal(cc_msg_type_name(0x7f), "?");
    { /* A zeroed message may be released. */
        cc_msg_t z;

        memset(&z, 0, sizeof(z));
        cc_msg_deinit(&z);
        cc_msg_deinit(NULL);
    }
}

/* ---- Malformed input ---------------------------------------------------------------- */

static void test_codec_malformed_header(void **state)
{
    const uint8_t body[] = { 0x80 };
    const uint8_t five[] = { 'C', 'H', 1, 2, 0 };
    const uint8_t sig0[] = { 'X', 'H', 1, 2 };
    const uint8_t sig1[] = { 'C', 'h', 1, 2 };
    const uint8_t v0[] = { 'C', 'H', 0, 2 };
    const uint8_t v2[] = { 'C', 'H', 2, 2 };
    char why[256];
    cc_msg_t m;
    (void)state;

#define BAD_HDR(h, n, reason)                                                                      \
    do {                                                                                           \
        why[0] = '\0';                                                                             \
        assert_int_equal(cc_msg_decode(h, n, body, sizeof(body), NULL, &m, why, sizeof(why)),      \
                         CC_EMALFORMED);                                                           \
        assert_non_null(strstr(why, reason));                                                      \
    } while (0)

    BAD_HDR(good_hdr, 3, "header frame");
    BAD_HDR(five, 5, "header frame");
    BAD_HDR(good_hdr, 0, "header frame");
    BAD_HDR(NULL, 4, "header frame");
    BAD_HDR(sig0, 4, "header frame");
    BAD_HDR(sig1, 4, "header frame");
    BAD_HDR(v0, 4, "protocol version 0");
    BAD_HDR(v2, 4, "protocol version 2");
#undef BAD_HDR
    /* A NULL reason buffer is allowed. */
    assert_int_equal(cc_msg_decode(sig0, 4, body, sizeof(body), NULL, &m, NULL, 0), CC_EMALFORMED);
    assert_int_equal(cc_msg_decode(good_hdr, 4, body, sizeof(body), NULL, &m, why, 0), 0);
    cc_msg_deinit(&m);
}

static void test_codec_malformed_empty_body(void **state)
{
    (void)state;
    malformed(NULL, 0, "empty body");
    malformed("\x80", 0, "empty body");
    malformed(NULL, 5, "empty body");
}

static void test_codec_malformed_body_not_map(void **state)
{
    (void)state;
    malformed(B(0x90), "not a map");             /* empty array */
    malformed(B(0xa1, 'x'), "not a map");        /* string */
    malformed(B(0x01), "not a map");             /* integer */
    malformed(B(0xc0), "not a map");             /* nil */
    malformed(B(0xdc, 0x00, 0x00), "not a map"); /* array16 */
    malformed(B(0xc1), "not a map");
}

static void test_codec_malformed_trailing_bytes(void **state)
{
    (void)state;
    malformed(B(0x80, 0x00), "1 trailing bytes");
    malformed(B(0x80, 0x80), "trailing bytes"); /* two maps */
    malformed(B(0x81, 0xa1, 'k', 0x01, 0xc0, 0xc0), "2 trailing bytes");
}

static void test_codec_malformed_body_too_large(void **state)
{
    cc_enc_t e;
    cc_msg_t m;
    (void)state;

    /* 3 x 4096-byte strings under 16 keys... simpler: one big array of
     * small strings just over CC_MAX_FRAME bytes. */
    cc_enc_init(&e);
    cc_enc_map(&e, 20);
    for (int i = 0; i < 20; i++) {
        char key[8];
        char val[CC_MAX_STR];

        snprintf(key, sizeof(key), "k%d", i);
        memset(val, 'v', sizeof(val));
        cc_enc_kv_strn(&e, key, val, sizeof(val));
    }
    assert_true(e.buf.size > CC_MAX_FRAME);
    malformed(e.buf.data, e.buf.size, "limit 65536");
    /* The reply limits take it. */
    decode_ok_lim(e.buf.data, e.buf.size, &cc_limits_reply, &m);
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);
}

static void test_codec_malformed_truncated(void **state)
{
    (void)state;
    /* String shorter than its length. */
    malformed(B(0x81, 0xa1, 'k', 0xa5, 'a', 'b'), "truncated");
    malformed(B(0x81, 0xa1, 'k', 0xd9, 0x05, 'a'), "truncated");
    malformed(B(0x81, 0xa1, 'k', 0xda, 0x00), "truncated"); /* str16 length cut */
    malformed(B(0x81, 0xa1, 'k', 0xdb, 0x00, 0x00, 0x00), "truncated");
    malformed(B(0x81, 0xa2, 'k'), "truncated"); /* key cut */
    /* Integers and floats cut short. */
    malformed(B(0x81, 0xa1, 'k', 0xcc), "truncated");
    malformed(B(0x81, 0xa1, 'k', 0xcd, 0x01), "truncated");
    malformed(B(0x81, 0xa1, 'k', 0xce, 0x01, 0x02, 0x03), "truncated");
    malformed(B(0x81, 0xa1, 'k', 0xcf, 1, 2, 3, 4, 5, 6, 7), "truncated");
    malformed(B(0x81, 0xa1, 'k', 0xd3, 1, 2, 3, 4, 5, 6, 7), "truncated");
    malformed(B(0x81, 0xa1, 'k', 0xcb, 1, 2, 3), "truncated");
    /* Value missing; array elements cut. */
    malformed(B(0x81, 0xa1, 'k'), "truncated");
    malformed(B(0x81, 0xa1, 'k', 0x92, 0x01, 0xcd, 0x01), "truncated");
    malformed(B(0x81, 0xa1, 'k', 0xdc, 0x00), "truncated");       /* array16 count cut */
    malformed(B(0x81, 0xa1, 'k', 0xdd, 0x00, 0x00), "truncated"); /* array32 count cut */
    malformed(B(0xde, 0x00), "truncated");                        /* map16 count cut */
    malformed(B(0xdf, 0x00, 0x00, 0x00), "truncated");
}

/* {"k": {"k": ... {"k": 1}}} with @levels maps in all (the body included). */
static void enc_nested_maps(cc_enc_t *e, unsigned levels)
{
    cc_enc_init(e);
    for (unsigned i = 1; i < levels; i++) {
        cc_enc_map(e, 1);
        cc_enc_str(e, "k");
    }
    cc_enc_map(e, 1);
    cc_enc_kv_u64(e, "k", 1);
}

static void test_codec_malformed_nesting(void **state)
{
    cc_enc_t e;
    cc_msg_t m;
    (void)state;

    /* CC_MAX_DEPTH levels of containers, the body map being the first. */
    enc_nested_maps(&e, CC_MAX_DEPTH);
    decode_ok(e.buf.data, e.buf.size, &m);
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);

    enc_nested_maps(&e, CC_MAX_DEPTH + 1);
    malformed(e.buf.data, e.buf.size, "nesting deeper than 4");
    decode_ok_lim(e.buf.data, e.buf.size, &cc_limits_reply, &m);
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);

    /* Arrays count as levels too: body, then 4 arrays. */
    malformed(B(0x81, 0xa1, 'k', 0x91, 0x91, 0x91, 0x91, 0x01), "nesting deeper than 4");
    decode_ok(B(0x81, 0xa1, 'k', 0x91, 0x91, 0x91, 0x01), &m);
    cc_msg_deinit(&m);
    /* Empty containers still count. */
    malformed(B(0x81, 0xa1, 'k', 0x91, 0x91, 0x91, 0x90), "nesting deeper");

    /* Far deeper than the reply limit: refused quickly, no deep recursion. */
    enc_nested_maps(&e, 10000);
    malformed_lim(e.buf.data, e.buf.size, &cc_limits_reply, "nesting deeper than 8");
    cc_enc_deinit(&e);
}

static void test_codec_malformed_too_many_items(void **state)
{
    uint8_t *buf = malloc(16 + 2 * 2 * (CC_MAX_ITEMS + 1) + 8);
    cc_msg_t m;
    size_t n;
    (void)state;

    assert_non_null(buf);
    /* {"k": [1 x 1024]} accepted; 1025 refused. */
    for (uint32_t count = CC_MAX_ITEMS; count <= CC_MAX_ITEMS + 1; count++) {
        n = 0;
        buf[n++] = 0x81;
        buf[n++] = 0xa1;
        buf[n++] = 'k';
        buf[n++] = 0xdc;
        buf[n++] = (uint8_t)(count >> 8);
        buf[n++] = (uint8_t)count;
        for (uint32_t i = 0; i < count; i++)
            buf[n++] = 0x01;
        if (count <= CC_MAX_ITEMS) {
            decode_ok(buf, n, &m);
            assert_int_equal(cc_map_find(&m.body, "k")->via.array.size, count);
            cc_msg_deinit(&m);
        } else {
            malformed(buf, n, "array of 1025 entries (limit 1024)");
            decode_ok_lim(buf, n, &cc_limits_reply, &m);
            cc_msg_deinit(&m);
        }
    }
    /* A body map of 1025 pairs {"a": 0, ...}: map16. */
    n = 0;
    buf[n++] = 0xde;
    buf[n++] = (CC_MAX_ITEMS + 1) >> 8;
    buf[n++] = (CC_MAX_ITEMS + 1) & 0xff;
    for (uint32_t i = 0; i < CC_MAX_ITEMS + 1; i++) {
        buf[n++] = 0xa1;
        buf[n++] = 'a';
        buf[n++] = 0x00;
    }
    malformed(buf, n, "map of 1025 entries (limit 1024)");
    /* The same count as map32 and array32. */
    buf[0] = 0xdf;
    memmove(buf + 5, buf + 3, n - 3);
    buf[1] = 0;
    buf[2] = 0;
    buf[3] = (CC_MAX_ITEMS + 1) >> 8;
    buf[4] = (CC_MAX_ITEMS + 1) & 0xff;
    malformed(buf, n + 2, "map of 1025 entries");
    malformed(B(0x81, 0xa1, 'k', 0xdd, 0x00, 0x00, 0x04, 0x01, 0x01), "array of 1025 entries");
    free(buf);
}

static void test_codec_malformed_count_exceeds_bytes(void **state)
{
    (void)state;
    /* Counts the remaining bytes could never hold: refused before msgpack-c
     * would allocate for them. */
    malformed(B(0xdf, 0xff, 0xff, 0xff, 0xff), "4294967295");
    malformed(B(0xdf, 0xff, 0xff, 0xff, 0xff, 0xa1, 'k', 0x01), "4294967295");
    malformed(B(0x81, 0xa1, 'k', 0xdd, 0xff, 0xff, 0xff, 0xff), "4294967295");
    /* Within the item limit but beyond the bytes left. */
    malformed(B(0xdf, 0x00, 0x00, 0x04, 0x00, 0xa1, 'k', 0x01), "map count 1024 exceeds");
    malformed(B(0x82, 0xa1, 'k', 0x01), "map count 2 exceeds");
    malformed(B(0x81, 0xa1, 'k', 0x9f), "array count 15 exceeds");
    malformed(B(0x81, 0xa1, 'k', 0xdc, 0x03, 0xff, 0x01), "array count 1023 exceeds");
    malformed_lim(B(0xdf, 0x00, 0x0f, 0xff, 0xff), &cc_limits_reply, "map count 1048575 exceeds");
}

static void test_codec_malformed_string_too_long(void **state)
{
    cc_enc_t e;
    cc_msg_t m;
    (void)state;

    enc_str_body(&e, CC_MAX_STR + 1, 'x');
    malformed(e.buf.data, e.buf.size, "string of 4097 bytes (limit 4096)");
    decode_ok_lim(e.buf.data, e.buf.size, &cc_limits_reply, &m);
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);
    /* A str32 claiming 4 GiB is refused on its length, before reading it. */
    malformed(B(0x81, 0xa1, 'k', 0xdb, 0xff, 0xff, 0xff, 0xff), "string of 4294967295 bytes");
}

static void test_codec_malformed_key_not_string(void **state)
{
    (void)state;
    malformed(B(0x81, 0x01, 0x01), "map key is not a string");
    malformed(B(0x81, 0xc0, 0x01), "map key is not a string");
    malformed(B(0x81, 0x80, 0x01), "map key is not a string");
    malformed(B(0x81, 0x90, 0x01), "map key is not a string");
    malformed(B(0x81, 0xc3, 0x01), "map key is not a string");
    malformed(B(0x81, 0xcb, 0, 0, 0, 0, 0, 0, 0, 0, 0x01), "map key is not a string");
    /* Also inside nested maps. */
    malformed(B(0x81, 0xa1, 'k', 0x81, 0x05, 0x01), "map key is not a string");
    /* Keys of bin type too. */
    malformed(B(0x81, 0xc4, 0x01, 'k', 0x01), "map key is not a string");
}

static void test_codec_malformed_key_too_long(void **state)
{
    cc_enc_t e;
    cc_msg_t m;
    char key[CC_MAX_KEY + 2];
    (void)state;

    memset(key, 'k', sizeof(key));
    key[CC_MAX_KEY] = '\0';
    cc_enc_init(&e);
    cc_enc_map(&e, 1);
    cc_enc_kv_u64(&e, key, 1); /* 16 bytes: fine */
    decode_ok(e.buf.data, e.buf.size, &m);
    assert_non_null(cc_map_find(&m.body, key));
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);

    key[CC_MAX_KEY] = 'k';
    key[CC_MAX_KEY + 1] = '\0';
    cc_enc_init(&e);
    cc_enc_map(&e, 1);
    cc_enc_kv_u64(&e, key, 1);
    malformed(e.buf.data, e.buf.size, "map key of 17 bytes (limit 16)");
    /* Replies have their own, larger key limit. */
    decode_ok_lim(e.buf.data, e.buf.size, &cc_limits_reply, &m);
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);
    {
        size_t n = cc_limits_reply.max_key + 1;
        char *big = malloc(n + 1);
        char reason[64];

        assert_non_null(big);
        memset(big, 'k', n);
        big[n] = '\0';
        cc_enc_init(&e);
        cc_enc_map(&e, 1);
        cc_enc_kv_u64(&e, big, 1);
        snprintf(reason, sizeof(reason), "map key of %zu bytes (limit %u)", n,
                 cc_limits_reply.max_key);
        malformed_lim(e.buf.data, e.buf.size, &cc_limits_reply, reason);
        cc_enc_deinit(&e);
        free(big);
    }
}

static void test_codec_malformed_invalid_utf8(void **state)
{
    static const struct {
        const char *bytes;
        size_t len;
        const char *what;
    } bad[] = {
        { "\xc0\x80", 2, "overlong NUL" },
        { "\xc1\xbf", 2, "overlong 2-byte" },
        { "\xe0\x80\x80", 3, "overlong 3-byte" },
        { "\xe0\x9f\xbf", 3, "overlong 3-byte (U+07FF)" },
        { "\xf0\x80\x80\x80", 4, "overlong 4-byte" },
        { "\xf0\x8f\xbf\xbf", 4, "overlong 4-byte (U+FFFF)" },
        { "\xed\xa0\x80", 3, "surrogate U+D800" },
        { "\xed\xbf\xbf", 3, "surrogate U+DFFF" },
        { "\xe1\x80", 2, "truncated 3-byte at end" },
        { "\xe1\x80"
          "a",
          3, "truncated 3-byte before ASCII" },
        { "\xf0\x9f\x98", 3, "truncated 4-byte" },
        { "\xc3", 1, "truncated 2-byte" },
        { "\xf4\x90\x80\x80", 4, "above U+10FFFF" },
        { "\xf5\x80\x80\x80", 4, "lead byte 0xf5" },
        { "\xff", 1, "byte 0xff" },
        { "\x80", 1, "lone continuation" },
        { "a\xbf"
          "b",
          3, "continuation in ASCII" },
        { "\xe2\x82\x28", 3, "bad second continuation" },
        { "a\0b", 3, "NUL inside" },
        { "\0", 1, "NUL alone" },
        { "Hồ sơ\0", 9, "NUL at end" },
    };
    (void)state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        uint8_t buf[64];
        size_t n = raw_str_body(buf, sizeof(buf), bad[i].bytes, bad[i].len);

        print_message("  invalid: %s\n", bad[i].what);
        assert_false(cc_utf8_valid(bad[i].bytes, bad[i].len));
        malformed(buf, n, "not valid UTF-8");
        /* In a key as well: {<bytes>: 1}. */
        n = 0;
        buf[n++] = 0x81;
        buf[n++] = (uint8_t)(0xa0 | bad[i].len);
        memcpy(buf + n, bad[i].bytes, bad[i].len);
        n += bad[i].len;
        buf[n++] = 0x01;
        malformed(buf, n, "not valid UTF-8");
    }
}

static void test_codec_malformed_bin_ext_reserved(void **state)
{
    (void)state;
    malformed(B(0x81, 0xa1, 'k', 0xc1), "type byte 0xc1 is not allowed");
    malformed(B(0x81, 0xa1, 'k', 0xc4, 0x01, 0x00), "type byte 0xc4");       /* bin8 */
    malformed(B(0x81, 0xa1, 'k', 0xc5, 0x00, 0x01, 0x00), "type byte 0xc5"); /* bin16 */
    malformed(B(0x81, 0xa1, 'k', 0xc6, 0, 0, 0, 1, 0), "type byte 0xc6");    /* bin32 */
    malformed(B(0x81, 0xa1, 'k', 0xc7, 0x01, 0x01, 0x00), "type byte 0xc7"); /* ext8 */
    malformed(B(0x81, 0xa1, 'k', 0xc8, 0, 1, 1, 0), "type byte 0xc8");       /* ext16 */
    malformed(B(0x81, 0xa1, 'k', 0xc9, 0, 0, 0, 1, 1, 0), "type byte 0xc9"); /* ext32 */
    malformed(B(0x81, 0xa1, 'k', 0xd4, 0x01, 0x00), "type byte 0xd4");       /* fixext1 */
    malformed(B(0x81, 0xa1, 'k', 0xd5, 0x01, 0, 0), "type byte 0xd5");
    malformed(B(0x81, 0xa1, 'k', 0xd6, 0x01, 0, 0, 0, 0), "type byte 0xd6");
    malformed(B(0x81, 0xa1, 'k', 0xd7, 0x01, 0, 0, 0, 0, 0, 0, 0, 0), "type byte 0xd7");
    malformed(B(0x81, 0xa1, 'k', 0xd8, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0),
              "type byte 0xd8");
    /* Timestamps are ext -1: refused like any ext. */
    malformed(B(0x81, 0xa1, 'k', 0xd6, 0xff, 0x65, 0x92, 0x00, 0x00), "type byte 0xd6");
    /* Inside an array. */
    malformed(B(0x81, 0xa1, 'k', 0x92, 0x01, 0xc1), "type byte 0xc1");
}

static void test_codec_malformed_repeated_key(void **state)
{
    cc_enc_t e;
    char key[8];
    (void)state;

    malformed(B(0x82, 0xa1, 'a', 0x01, 0xa1, 'a', 0x02), "map key 'a' appears twice");
    /* The same key however it is encoded (fixstr, str8). */
    malformed(B(0x82, 0xa1, 'a', 0x01, 0xd9, 0x01, 'a', 0x02), "map key 'a' appears twice");
    /* In a nested map. */
    malformed(B(0x81, 0xa1, 'm', 0x82, 0xa2, 'i', 'd', 0x01, 0xa2, 'i', 'd', 0x01),
              "map key 'id' appears twice");
    /* The empty key. */
    malformed(B(0x82, 0xa0, 0x01, 0xa0, 0x02), "map key '' appears twice");
    /* A large map (keys kept on the heap): the repeat is the last pair. */
    cc_enc_init(&e);
    cc_enc_map(&e, 41);
    for (int i = 0; i < 40; i++) {
        snprintf(key, sizeof(key), "k%d", i);
        cc_enc_kv_u64(&e, key, (uint64_t)i);
    }
    cc_enc_kv_u64(&e, "k17", 1);
    malformed(e.buf.data, e.buf.size, "map key 'k17' appears twice");
    cc_enc_deinit(&e);
    /* 16 keys (each against the others) and 17 (sorted): the first key
     * again as the last, keys of one length that differ otherwise. */
    for (int n = 16; n <= 17; n++) {
        cc_enc_init(&e);
        cc_enc_map(&e, (size_t)n);
        for (int i = 0; i < n - 1; i++) {
            snprintf(key, sizeof(key), "k%02d", i);
            cc_enc_kv_u64(&e, key, (uint64_t)i);
        }
        cc_enc_kv_u64(&e, "k00", 1);
        malformed(e.buf.data, e.buf.size, "map key 'k00' appears twice");
        cc_enc_deinit(&e);
    }
    /* Equal values under different keys, and the same key in two maps. */
    {
        cc_msg_t m;

        decode_ok(B(0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0x01), &m);
        cc_msg_deinit(&m);
        decode_ok(B(0x82, 0xa1, 'a', 0x81, 0xa1, 'a', 0x01, 0xa1, 'b', 0x81, 0xa1, 'a', 0x01), &m);
        cc_msg_deinit(&m);
    }
}

static void test_codec_accepts_valid_utf8(void **state)
{
    static const char *good[] = {
        "Hồ sơ đã tiếp nhận",
        "Trả kết quả đúng hạn; phản ánh, kiến nghị (PAKN) — Đường dây nóng 1022",
        "\xf0\x9f\x98\x80", /* U+1F600, 4 bytes */
        "\xf4\x8f\xbf\xbf", /* U+10FFFF */
        "\xf0\x90\x80\x80", /* U+10000 */
        "\xed\x9f\xbf",     /* U+D7FF, just below surrogates */
        "\xee\x80\x80",     /* U+E000, just above */
        "\xef\xbf\xbf",     /* U+FFFF */
        "\xc2\x80",         /* U+0080 */
        "\xdf\xbf",         /* U+07FF */
        "\xe0\xa0\x80",     /* U+0800 */
        "\x01\x7f",         /* controls other than NUL are UTF-8 */
        "",
    };
    (void)state;

    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        cc_enc_t e;
        cc_msg_t m;
        cc_str_t s;

        assert_true(cc_utf8_valid(good[i], strlen(good[i])));
        cc_enc_init(&e);
        cc_enc_map(&e, 1);
        cc_enc_kv_str(&e, "note", good[i]);
        decode_ok(e.buf.data, e.buf.size, &m);
        assert_int_equal(cc_map_str(&m.body, "note", &s), 0);
        assert_true(cc_str_eq(s, good[i]));
        cc_msg_deinit(&m);
        cc_enc_deinit(&e);
    }
    /* Vietnamese keys are legal too (16 bytes is the bound, not 16 letters). */
    {
        cc_enc_t e;
        cc_msg_t m;

        cc_enc_init(&e);
        cc_enc_map(&e, 1);
        cc_enc_kv_u64(&e, "đơn_vị", 1);
        decode_ok(e.buf.data, e.buf.size, &m);
        assert_non_null(cc_map_find(&m.body, "đơn_vị"));
        cc_msg_deinit(&m);
        cc_enc_deinit(&e);
    }
}

/* ---- cc_fields_check() ----------------------------------------------------------- */

/* Decodes a body built by @build into @m (for schema tests). */
typedef void (*build_fn)(cc_enc_t *e);

static int check_fields(build_fn build, const cc_field_t *f, size_t n, const char **ret_key,
                        char *why, size_t why_len)
{
    cc_enc_t e;
    cc_msg_t m;
    int r;

    cc_enc_init(&e);
    build(&e);
    decode_ok(e.buf.data, e.buf.size, &m);
    r = cc_fields_check(&m.body, f, n, ret_key, why, why_len);
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);
    return r;
}

static void build_event(cc_enc_t *e)
{
    cc_enc_map(e, 9);
    cc_enc_kv_u64(e, "rid", 42);
    cc_enc_kv_str(e, "eid", "intake-0001");
    cc_enc_kv_str(e, "unit", "000.00.01.H01");
    cc_enc_kv_i64(e, "at", 1735689600); /* 2025-01-01 00:00:00 UTC */
    cc_enc_kv_i64(e, "delta", -3);
    cc_enc_kv_bool(e, "online", true);
    cc_enc_kv_str(e, "note", "Hồ sơ đã tiếp nhận");
    cc_enc_str(e, "units");
    cc_enc_array(e, 2);
    cc_enc_str(e, "A");
    cc_enc_str(e, "B");
    cc_enc_str(e, "extra"); /* unknown key: ignored */
    cc_enc_map(e, 1);
    cc_enc_kv_u64(e, "x", 1);
}

static const cc_field_t event_schema[] = {
    { "rid", CC_T_UINT, true, 0, 0 },   { "eid", CC_T_ID, true, 0, 0 },
    { "unit", CC_T_CODE, true, 0, 0 },  { "at", CC_T_TIME, true, 0, 0 },
    { "delta", CC_T_INT, true, -5, 5 }, { "online", CC_T_BOOL, false, 0, 0 },
    { "note", CC_T_STR, false, 0, 0 },  { "units", CC_T_ARRAY, false, 1, CC_MAX_UNITS },
    { "extra", CC_T_MAP, false, 0, 0 }, { "absent", CC_T_STR, false, 0, 0 },
};
#define N_EVENT (sizeof(event_schema) / sizeof(event_schema[0]))

/* The same faults said in Vietnamese (wire words in quotes) and English;
 * an enumeration of an event schema names its values in both. */
static void test_fields_explain_both_languages(void **state)
{
    static const cc_field_t f[] = {
        { "eid", CC_T_ID, true, 0, 0 },
        { "at", CC_T_TIME, true, 0, 0 },
        { "amount", CC_T_UINT, true, 0, 10 },
    };
    const cc_event_schema_t *received = &cc_dossier_event_schemas[CC_EV_RECEIVED];
    char vi[256], en[256];
    const char *key = NULL;
    cc_enc_t e;
    cc_msg_t m;
    (void)state;

    cc_enc_init(&e);
    cc_enc_map(&e, 3);
    cc_enc_kv_str(&e, "at", "soon");
    cc_enc_kv_u64(&e, "amount", 11);
    cc_enc_kv_str(&e, "channel", "fax");
    decode_ok(e.buf.data, e.buf.size, &m);
    assert_int_equal(cc_fields_explain(&m.body, f, 3, &key, vi, sizeof(vi), en, sizeof(en)),
                     -EINVAL);
    assert_string_equal(key, "eid");
    assert_string_equal(vi, "thiếu trường bắt buộc 'eid'");
    assert_string_equal(en, "field 'eid': required but missing");
    assert_int_equal(cc_fields_explain(&m.body, f + 1, 1, &key, vi, sizeof(vi), NULL, 0), -EINVAL);
    assert_string_equal(vi, "trường 'at' phải là một thời điểm (số nguyên, giây Unix)");
    assert_int_equal(cc_fields_explain(&m.body, f + 2, 1, &key, vi, sizeof(vi), en, sizeof(en)),
                     -EINVAL);
    assert_string_equal(vi, "trường 'amount': 11 nằm ngoài khoảng 0..10");
    assert_string_equal(en, "field 'amount': 11 is outside 0..10");
    /* only channel of "received" is there, and it is not in its list */
    assert_int_equal(
        cc_event_fields_explain(received, &m.body, &key, vi, sizeof(vi), en, sizeof(en)), -EINVAL);
    assert_string_equal(key, "dossier");
    assert_int_equal(cc_event_fields_explain(received, &m.body, &key, NULL, 0, NULL, 0), -EINVAL);
    cc_msg_deinit(&m);
    cc_enc_reset(&e);
    cc_enc_map(&e, 4);
    cc_enc_kv_str(&e, "dossier", "D-1");
    cc_enc_kv_str(&e, "proc", "P");
    cc_enc_kv_str(&e, "unit", "U");
    cc_enc_kv_str(&e, "channel", "fax");
    decode_ok(e.buf.data, e.buf.size, &m);
    assert_int_equal(
        cc_event_fields_explain(received, &m.body, &key, vi, sizeof(vi), en, sizeof(en)), -EINVAL);
    assert_string_equal(key, "channel");
    assert_string_equal(vi, "trường 'channel' phải là một trong: 'direct', 'online', 'postal'");
    assert_string_equal(en, "field 'channel' must be one of: direct, online, postal");
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);
}

static void test_fields_check_accepts_good_and_ignores_unknown(void **state)
{
    const char *key = "untouched";
    char why[256] = "";
    (void)state;

    assert_int_equal(check_fields(build_event, event_schema, N_EVENT, &key, why, sizeof(why)), 0);
    assert_string_equal(key, "untouched");
    /* A schema that does not mention "extra" or "note" still passes. */
    assert_int_equal(check_fields(build_event, event_schema, 3, NULL, NULL, 0), 0);
    /* An empty schema passes any map. */
    assert_int_equal(check_fields(build_event, event_schema, 0, NULL, NULL, 0), 0);
}

static void test_fields_check_missing_required(void **state)
{
    const cc_field_t f[] = {
        { "rid", CC_T_UINT, true, 0, 0 },
        { "dossier", CC_T_ID, true, 0, 0 },
    };
    const char *key = NULL;
    char why[256] = "";
    (void)state;

    assert_int_equal(check_fields(build_event, f, 2, &key, why, sizeof(why)), -EINVAL);
    assert_string_equal(key, "dossier");
    assert_string_equal(why, "field 'dossier': required but missing");
}

/* One value under "v" of a given shape. */
static int g_shape;

static void build_shape(cc_enc_t *e)
{
    cc_enc_map(e, 1);
    cc_enc_str(e, "v");
    switch (g_shape) {
    case 0:
        cc_enc_str(e, "abc");
        break;
    case 1:
        cc_enc_u64(e, 7);
        break;
    case 2:
        cc_enc_i64(e, -7);
        break;
    case 3:
        cc_enc_bool(e, true);
        break;
    case 4:
        cc_enc_map(e, 0);
        break;
    case 5:
        cc_enc_array(e, 0);
        break;
    case 6:
        cc_enc_u64(e, UINT64_MAX);
        break;
    case 7:
        msgpack_pack_double(&e->pk, 1.5);
        break;
    }
}
#define N_SHAPES 8

static void test_fields_check_wrong_type_each(void **state)
{
    /* For each field type, which shapes are accepted (bit per shape). With
     * default bounds: time needs a plausible date, so 7 and -7 are out of
     * range (not wrong type): the time row is checked separately. */
    static const struct {
        cc_ftype_t type;
        unsigned ok;
        const char *word;
    } rows[] = {
        { CC_T_STR, 1u << 0, "must be a string" },
        { CC_T_ID, 1u << 0, "must be an id string" },
        { CC_T_CODE, 1u << 0, "must be a code string" },
        { CC_T_UINT, (1u << 1) | (1u << 6), "must be an unsigned integer" },
        { CC_T_INT, (1u << 1) | (1u << 2), "must be an integer" },
        { CC_T_TIME, (1u << 1) | (1u << 2), "must be an integer time" },
        { CC_T_BOOL, 1u << 3, "must be a boolean" },
        { CC_T_MAP, 1u << 4, "must be a map" },
        { CC_T_ARRAY, 1u << 5, "must be an array" },
    };
    (void)state;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        for (g_shape = 0; g_shape < N_SHAPES; g_shape++) {
            cc_field_t f = { "v", rows[i].type, true, 0, 0 };
            const char *key = NULL;
            char why[256] = "";
            int r;

            if (rows[i].type == CC_T_TIME) {
                f.min = -100;
                f.max = 100;
            }
            r = check_fields(build_shape, &f, 1, &key, why, sizeof(why));
            if (rows[i].ok & (1u << g_shape)) {
                if (r != 0)
                    fail_msg("type %zu shape %d refused: %s", i, g_shape, why);
            } else {
                if (r != -EINVAL)
                    fail_msg("type %zu shape %d accepted", i, g_shape);
                assert_string_equal(key, "v");
                if (strstr(why, rows[i].word) == NULL)
                    fail_msg("type %zu shape %d: '%s' lacks '%s'", i, g_shape, why, rows[i].word);
            }
        }
    }
}

static const char *g_str;

static void build_str(cc_enc_t *e)
{
    cc_enc_map(e, 1);
    cc_enc_kv_str(e, "v", g_str);
}

static int check_str(cc_ftype_t type, int64_t min, int64_t max, const char *s, char *why,
                     size_t why_len)
{
    cc_field_t f = { "v", type, true, min, max };

    g_str = s;
    return check_fields(build_str, &f, 1, NULL, why, why_len);
}

static void test_fields_check_string_bounds(void **state)
{
    char big[CC_MAX_TEXT + 2];
    char why[256];
    (void)state;

    /* Default bounds: 1..CC_MAX_TEXT for strings. */
    assert_int_equal(check_str(CC_T_STR, 0, 0, "", why, sizeof(why)), -EINVAL);
    assert_string_equal(why, "field 'v': length 0 bytes is outside 1..2048");
    memset(big, 'x', sizeof(big));
    big[CC_MAX_TEXT] = '\0';
    assert_int_equal(check_str(CC_T_STR, 0, 0, big, why, sizeof(why)), 0);
    big[CC_MAX_TEXT] = 'x';
    big[CC_MAX_TEXT + 1] = '\0';
    assert_int_equal(check_str(CC_T_STR, 0, 0, big, why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "length 2049 bytes"));
    /* Bounds count bytes, not letters: "Hồ" is 4 bytes. */
    assert_int_equal(check_str(CC_T_STR, 3, 5, "ab", why, sizeof(why)), -EINVAL);
    assert_int_equal(check_str(CC_T_STR, 3, 5, "abc", why, sizeof(why)), 0);
    assert_int_equal(check_str(CC_T_STR, 3, 5, "abcde", why, sizeof(why)), 0);
    assert_int_equal(check_str(CC_T_STR, 3, 5, "abcdef", why, sizeof(why)), -EINVAL);
    assert_int_equal(check_str(CC_T_STR, 3, 3, "Hồ", why, sizeof(why)), -EINVAL);
    assert_int_equal(check_str(CC_T_STR, 4, 4, "Hồ", why, sizeof(why)), 0);
    /* Optional empty string allowed when min is 0 and max set. */
    assert_int_equal(check_str(CC_T_STR, 0, 10, "", why, sizeof(why)), 0);

    /* Ids up to CC_MAX_ID, codes up to CC_MAX_CODE. */
    memset(big, 'a', sizeof(big));
    big[CC_MAX_ID] = '\0';
    assert_int_equal(check_str(CC_T_ID, 0, 0, big, why, sizeof(why)), 0);
    big[CC_MAX_ID] = 'a';
    big[CC_MAX_ID + 1] = '\0';
    assert_int_equal(check_str(CC_T_ID, 0, 0, big, why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "outside 1..64"));
    big[CC_MAX_CODE] = '\0';
    assert_int_equal(check_str(CC_T_CODE, 0, 0, big, why, sizeof(why)), 0);
    big[CC_MAX_CODE] = 'a';
    big[CC_MAX_CODE + 1] = '\0';
    assert_int_equal(check_str(CC_T_CODE, 0, 0, big, why, sizeof(why)), -EINVAL);
    assert_non_null(strstr(why, "outside 1..32"));
    assert_int_equal(check_str(CC_T_ID, 0, 0, "", why, sizeof(why)), -EINVAL);
}

static void test_fields_check_id_code_charset(void **state)
{
    static const char *bad[] = {
        "000.00.01 H01", " lead",       "trail ",  "tab\there",
        "đơn-vị",        "caf\xc3\xa9", "del\x7f", "ctl\x01",
    };
    static const char *good[] = { "000.00.01.H01", "1.000001", "A-b_c:d/e@f~!", "~" };
    char why[256];
    (void)state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        assert_int_equal(check_str(CC_T_ID, 0, 0, bad[i], why, sizeof(why)), -EINVAL);
        assert_string_equal(why, "field 'v': must be printable ASCII without spaces");
        assert_int_equal(check_str(CC_T_CODE, 0, 0, bad[i], why, sizeof(why)), -EINVAL);
        /* Free text takes them. */
        assert_int_equal(check_str(CC_T_STR, 0, 0, bad[i], why, sizeof(why)), 0);
    }
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
        assert_int_equal(check_str(CC_T_ID, 0, 0, good[i], why, sizeof(why)), 0);
        assert_int_equal(check_str(CC_T_CODE, 0, 0, good[i], why, sizeof(why)), 0);
    }
}

static int64_t g_int;
static uint64_t g_uint;

static void build_int(cc_enc_t *e)
{
    cc_enc_map(e, 1);
    cc_enc_kv_i64(e, "v", g_int);
}

static void build_uint(cc_enc_t *e)
{
    cc_enc_map(e, 1);
    cc_enc_kv_u64(e, "v", g_uint);
}

static int check_int(cc_ftype_t type, int64_t min, int64_t max, int64_t v, char *why)
{
    cc_field_t f = { "v", type, true, min, max };

    g_int = v;
    return check_fields(build_int, &f, 1, NULL, why, 256);
}

static void test_fields_check_time_and_integer_bounds(void **state)
{
    char why[256];
    cc_field_t f = { "v", CC_T_UINT, true, 0, 0 };
    (void)state;

    /* Default time range 2000-01-01 .. 2100-01-01 in seconds. */
    assert_int_equal(check_int(CC_T_TIME, 0, 0, 1735689600, why), 0);
    assert_int_equal(check_int(CC_T_TIME, 0, 0, 946684800, why), 0);
    assert_int_equal(check_int(CC_T_TIME, 0, 0, 4102444800, why), 0);
    assert_int_equal(check_int(CC_T_TIME, 0, 0, 946684799, why), -EINVAL);
    assert_int_equal(check_int(CC_T_TIME, 0, 0, 4102444801, why), -EINVAL);
    /* Milliseconds are the classic unit mistake. */
    assert_int_equal(check_int(CC_T_TIME, 0, 0, 1735689600000, why), -EINVAL);
    assert_string_equal(why, "field 'v': 1735689600000 is outside 946684800..4102444800");
    assert_int_equal(check_int(CC_T_TIME, 0, 0, 0, why), -EINVAL);
    assert_int_equal(check_int(CC_T_TIME, 0, 0, -1735689600, why), -EINVAL);
    /* A time field with explicit bounds uses them. */
    assert_int_equal(check_int(CC_T_TIME, -10, 10, -10, why), 0);

    /* Integers: no bound by default, explicit bounds inclusive. */
    assert_int_equal(check_int(CC_T_INT, 0, 0, INT64_MIN, why), 0);
    assert_int_equal(check_int(CC_T_INT, 0, 0, INT64_MAX, why), 0);
    assert_int_equal(check_int(CC_T_INT, -5, 5, -5, why), 0);
    assert_int_equal(check_int(CC_T_INT, -5, 5, 5, why), 0);
    assert_int_equal(check_int(CC_T_INT, -5, 5, -6, why), -EINVAL);
    assert_string_equal(why, "field 'v': -6 is outside -5..5");
    assert_int_equal(check_int(CC_T_INT, -5, 5, 6, why), -EINVAL);

    /* Unsigned: bounds inclusive, negatives are the wrong type. */
    f.min = 1;
    f.max = CC_MAX_READ;
    g_uint = 1;
    assert_int_equal(check_fields(build_uint, &f, 1, NULL, why, sizeof(why)), 0);
    g_uint = CC_MAX_READ;
    assert_int_equal(check_fields(build_uint, &f, 1, NULL, why, sizeof(why)), 0);
    g_uint = 0;
    assert_int_equal(check_fields(build_uint, &f, 1, NULL, why, sizeof(why)), -EINVAL);
    assert_string_equal(why, "field 'v': 0 is outside 1..4096");
    g_uint = CC_MAX_READ + 1;
    assert_int_equal(check_fields(build_uint, &f, 1, NULL, why, sizeof(why)), -EINVAL);
    assert_int_equal(check_int(CC_T_UINT, 0, 0, -1, why), -EINVAL);
    assert_non_null(strstr(why, "unsigned"));
    /* INT rejects an unsigned value above INT64_MAX (cannot be represented). */
    f.type = CC_T_INT;
    f.min = f.max = 0;
    g_uint = (uint64_t)INT64_MAX + 1;
    assert_int_equal(check_fields(build_uint, &f, 1, NULL, why, sizeof(why)), -EINVAL);
}

static int g_arr;

static void build_arr(cc_enc_t *e)
{
    cc_enc_map(e, 1);
    cc_enc_str(e, "v");
    cc_enc_array(e, (size_t)g_arr);
    for (int i = 0; i < g_arr; i++)
        cc_enc_u64(e, (uint64_t)i);
}

static void test_fields_check_array_bounds(void **state)
{
    cc_field_t f = { "v", CC_T_ARRAY, true, 1, 3 };
    char why[256];
    (void)state;

    for (g_arr = 0; g_arr <= 4; g_arr++) {
        int r = check_fields(build_arr, &f, 1, NULL, why, sizeof(why));

        assert_int_equal(r, g_arr >= 1 && g_arr <= 3 ? 0 : -EINVAL);
    }
    assert_string_equal(why, "field 'v': 4 items is outside 1..3");
    f.min = f.max = 0; /* no bound */
    g_arr = 0;
    assert_int_equal(check_fields(build_arr, &f, 1, NULL, why, sizeof(why)), 0);
}

static void build_nils(cc_enc_t *e)
{
    cc_enc_map(e, 2);
    cc_enc_kv_str(e, "req", NULL);
    cc_enc_kv_str(e, "opt", NULL);
}

static void test_fields_check_nil_is_absent(void **state)
{
    const cc_field_t opt[] = { { "opt", CC_T_ID, false, 0, 0 } };
    const cc_field_t req[] = { { "req", CC_T_ID, true, 0, 0 } };
    const char *key = NULL;
    char why[256];
    (void)state;

    assert_int_equal(check_fields(build_nils, opt, 1, &key, why, sizeof(why)), 0);
    assert_int_equal(check_fields(build_nils, req, 1, &key, why, sizeof(why)), -EINVAL);
    assert_string_equal(key, "req");
    assert_string_equal(why, "field 'req': required but missing");
}

static void test_fields_check_not_a_map(void **state)
{
    const cc_field_t req[] = { { "rid", CC_T_UINT, true, 0, 0 } };
    const cc_field_t opt[] = { { "rid", CC_T_UINT, false, 0, 0 } };
    msgpack_object o;
    (void)state;

    memset(&o, 0, sizeof(o));
    o.type = MSGPACK_OBJECT_ARRAY;
    assert_int_equal(cc_fields_check(&o, req, 1, NULL, NULL, 0), -EINVAL);
    assert_int_equal(cc_fields_check(&o, opt, 1, NULL, NULL, 0), 0);
    assert_null(cc_map_find(NULL, "rid"));
}

/* ---- cc_map_* accessors ------------------------------------------------------------ */

static void build_access(cc_enc_t *e)
{
    cc_enc_map(e, 8); /* a repeated key is malformed: test_codec_malformed_repeated_key */
    cc_enc_kv_str(e, "e", "");
    cc_enc_kv_str(e, "s", "Sở Y tế");
    cc_enc_kv_u64(e, "u", 5);
    cc_enc_kv_i64(e, "i", -5);
    cc_enc_kv_u64(e, "big", UINT64_MAX);
    cc_enc_kv_bool(e, "b", true);
    cc_enc_kv_str(e, "nil", NULL);
    cc_enc_kv_str(e, "", "empty key");
}

static void test_map_accessors(void **state)
{
    cc_enc_t e;
    cc_msg_t m;
    cc_str_t s;
    char buf[16];
    int64_t i = 0;
    uint64_t u = 0;
    bool b = false;
    (void)state;

    cc_enc_init(&e);
    build_access(&e);
    decode_ok(e.buf.data, e.buf.size, &m);

    assert_non_null(cc_map_find(&m.body, "s"));
    assert_null(cc_map_find(&m.body, "S"));  /* case matters */
    assert_null(cc_map_find(&m.body, "ss")); /* no prefix match */
    assert_null(cc_map_find(&m.body, "nil"));
    assert_non_null(cc_map_find(&m.body, ""));

    assert_int_equal(cc_map_str(&m.body, "s", &s), 0);
    assert_true(cc_str_eq(s, "Sở Y tế"));
    assert_false(cc_str_eq(s, "Sở Y"));
    assert_false(cc_str_eq(s, "Sở Y tế!"));
    assert_int_equal(cc_map_str(&m.body, "u", &s), -EINVAL);
    assert_int_equal(cc_map_str(&m.body, "none", &s), -ENOENT);
    assert_int_equal(cc_map_str(&m.body, "nil", &s), -ENOENT);

    assert_int_equal(cc_map_strcpy(&m.body, "s", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "Sở Y tế");
    assert_int_equal(cc_map_strcpy(&m.body, "s", buf, 12), 0); /* 11 bytes + NUL */
    memset(buf, 'z', sizeof(buf));
    assert_int_equal(cc_map_strcpy(&m.body, "s", buf, 11), -ERANGE);
    assert_string_equal(buf, "");
    memset(buf, 'z', sizeof(buf));
    assert_int_equal(cc_map_strcpy(&m.body, "none", buf, sizeof(buf)), -ENOENT);
    assert_string_equal(buf, "");
    assert_int_equal(cc_map_strcpy(&m.body, "u", buf, sizeof(buf)), -EINVAL);
    assert_int_equal(cc_map_strcpy(&m.body, "s", buf, 0), -ERANGE);

    assert_int_equal(cc_map_i64(&m.body, "u", &i), 0);
    assert_int_equal(i, 5);
    assert_int_equal(cc_map_i64(&m.body, "i", &i), 0);
    assert_int_equal(i, -5);
    assert_int_equal(cc_map_i64(&m.body, "big", &i), -EINVAL);
    assert_int_equal(cc_map_i64(&m.body, "s", &i), -EINVAL);
    assert_int_equal(cc_map_i64(&m.body, "none", &i), -ENOENT);

    assert_int_equal(cc_map_u64(&m.body, "big", &u), 0);
    assert_true(u == UINT64_MAX);
    assert_int_equal(cc_map_u64(&m.body, "i", &u), -EINVAL);
    assert_int_equal(cc_map_u64(&m.body, "b", &u), -EINVAL);
    assert_int_equal(cc_map_u64(&m.body, "nil", &u), -ENOENT);

    assert_int_equal(cc_map_bool(&m.body, "b", &b), 0);
    assert_true(b);

    /* Empty strings (msgpack-c gives them a NULL pointer; found by the
     * fuzzer as undefined behaviour in cc_utf8_valid and memcmp). */
    assert_int_equal(cc_map_str(&m.body, "e", &s), 0);
    assert_int_equal(s.len, 0);
    assert_true(cc_str_eq(s, ""));
    assert_false(cc_str_eq(s, "x"));
    assert_true(cc_utf8_valid(s.ptr, s.len));
    memset(buf, 'z', sizeof(buf));
    assert_int_equal(cc_map_strcpy(&m.body, "e", buf, sizeof(buf)), 0);
    assert_string_equal(buf, "");
    assert_int_equal(cc_map_str(&m.body, "", &s), 0);
    assert_true(cc_str_eq(s, "empty key"));
    assert_true(cc_utf8_valid(NULL, 0));
    assert_int_equal(cc_map_bool(&m.body, "u", &b), -EINVAL);
    assert_int_equal(cc_map_bool(&m.body, "none", &b), -ENOENT);

    /* Not a map: everything is absent. */
    assert_int_equal(cc_map_str(cc_map_find(&m.body, "u"), "s", &s), -ENOENT);

    cc_msg_deinit(&m);
    cc_enc_deinit(&e);
}

/* ---- ERROR bodies ---------------------------------------------------------------------- */

static void test_error_encode_decodes(void **state)
{
    uint8_t h[CC_HEADER_LEN];
    cc_enc_t e;
    cc_msg_t m;
    cc_str_t s;
    uint64_t rid = 0;
    char why[256] = "";
    const cc_field_t schema[] = {
        { "rid", CC_T_UINT, true, 0, 0 },
        { "code", CC_T_CODE, true, 0, 0 },
        { "vi", CC_T_STR, true, 0, 0 },
        { "en", CC_T_STR, true, 0, 0 },
        { "field", CC_T_STR, false, 1, CC_MAX_KEY },
        { "eid", CC_T_ID, false, 0, 0 },
    };
    (void)state;

    cc_header_make(h, CC_MSG_ERROR);
    cc_enc_init(&e);
    cc_error_encode(&e, 12345, CC_ERR_UNKNOWN_PROCEDURE, "Thủ tục không tồn tại",
                    "unknown procedure", "proc", "intake-0001");
    assert_int_equal(
        cc_msg_decode(h, sizeof(h), e.buf.data, e.buf.size, NULL, &m, why, sizeof(why)), 0);
    assert_int_equal(m.type, CC_MSG_ERROR);
    assert_int_equal(m.body.via.map.size, 6);
    assert_int_equal(cc_fields_check(&m.body, schema, 6, NULL, why, sizeof(why)), 0);
    assert_int_equal(cc_map_u64(&m.body, "rid", &rid), 0);
    assert_int_equal(rid, 12345);
    assert_int_equal(cc_map_str(&m.body, "code", &s), 0);
    assert_true(cc_str_eq(s, "unknown_procedure"));
    assert_int_equal(cc_map_str(&m.body, "vi", &s), 0);
    assert_true(cc_str_eq(s, "Thủ tục không tồn tại"));
    assert_int_equal(cc_map_str(&m.body, "en", &s), 0);
    assert_true(cc_str_eq(s, "unknown procedure"));
    assert_int_equal(cc_map_str(&m.body, "field", &s), 0);
    assert_true(cc_str_eq(s, "proc"));
    assert_int_equal(cc_map_str(&m.body, "eid", &s), 0);
    assert_true(cc_str_eq(s, "intake-0001"));
    cc_msg_deinit(&m);

    /* Without field and eid: four keys only. */
    cc_enc_reset(&e);
    cc_error_encode(&e, 0, CC_ERR_OVERLOADED, "Hệ thống đang quá tải", "overloaded", NULL, NULL);
    assert_int_equal(
        cc_msg_decode(h, sizeof(h), e.buf.data, e.buf.size, NULL, &m, why, sizeof(why)), 0);
    assert_int_equal(m.body.via.map.size, 4);
    assert_null(cc_map_find(&m.body, "field"));
    assert_null(cc_map_find(&m.body, "eid"));
    assert_int_equal(cc_map_str(&m.body, "code", &s), 0);
    assert_true(cc_str_eq(s, "overloaded"));
    assert_int_equal(cc_fields_check(&m.body, schema, 6, NULL, why, sizeof(why)), 0);
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);
}

/* The digest of @body's decoded map. */
static uint64_t digest_of(const void *body, size_t len)
{
    cc_msg_t m;
    uint64_t d;

    decode_ok(body, len, &m);
    d = cc_object_digest(&m.body);
    cc_msg_deinit(&m);
    return d;
}

static void test_object_digest(void **state)
{
    /* {"a": 1, "b": "x"} */
    uint64_t base = digest_of(B(0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0xa1, 'x'));
    (void)state;

    /* The same value encoded otherwise: pairs swapped, 1 as uint8, uint32
     * and int16, "x" as str8. */
    assert_true(digest_of(B(0x82, 0xa1, 'b', 0xa1, 'x', 0xa1, 'a', 0x01)) == base);
    assert_true(digest_of(B(0x82, 0xa1, 'a', 0xcc, 0x01, 0xa1, 'b', 0xa1, 'x')) == base);
    assert_true(digest_of(B(0x82, 0xa1, 'a', 0xce, 0, 0, 0, 1, 0xa1, 'b', 0xa1, 'x')) == base);
    assert_true(digest_of(B(0x82, 0xa1, 'a', 0xd1, 0, 1, 0xa1, 'b', 0xa1, 'x')) == base);
    assert_true(digest_of(B(0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0xd9, 1, 'x')) == base);
    /* Different values. */
    assert_true(digest_of(B(0x82, 0xa1, 'a', 0x02, 0xa1, 'b', 0xa1, 'x')) != base);
    assert_true(digest_of(B(0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0xa1, 'y')) != base);
    assert_true(digest_of(B(0x82, 0xa1, 'a', 0xa1, 'x', 0xa1, 'b', 0x01)) !=
                base); /* values swapped */
    assert_true(digest_of(B(0x82, 0xa1, 'a', 0x01, 0xa1, 'c', 0xa1, 'x')) !=
                base);                                        /* key renamed */
    assert_true(digest_of(B(0x81, 0xa1, 'a', 0x01)) != base); /* pair missing */
    assert_true(digest_of(B(0x82, 0xa1, 'a', 0xff, 0xa1, 'b', 0xa1, 'x')) != base); /* -1 */
    assert_true(digest_of(B(0x82, 0xa1, 'a', 0xc3, 0xa1, 'b', 0xa1, 'x')) != base); /* true */
    assert_true(digest_of(B(0x82, 0xa1, 'a', 0xc0, 0xa1, 'b', 0xa1, 'x')) != base); /* nil */
    /* A nil value is the pair's absence. */
    assert_true(digest_of(B(0x83, 0xa1, 'a', 0x01, 0xa1, 'z', 0xc0, 0xa1, 'b', 0xa1, 'x')) == base);
    /* Arrays keep their order; a 1-element array is not its element. */
    assert_true(digest_of(B(0x81, 0xa1, 'a', 0x92, 0x01, 0x02)) !=
                digest_of(B(0x81, 0xa1, 'a', 0x92, 0x02, 0x01)));
    assert_true(digest_of(B(0x81, 0xa1, 'a', 0x91, 0x01)) != digest_of(B(0x81, 0xa1, 'a', 0x01)));
    /* Nested maps, in any order too. */
    assert_true(digest_of(B(0x81, 0xa1, 'm', 0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0x02)) ==
                digest_of(B(0x81, 0xa1, 'm', 0x82, 0xa1, 'b', 0x02, 0xa1, 'a', 0x01)));
    assert_true(digest_of(B(0x81, 0xa1, 'm', 0x82, 0xa1, 'a', 0x01, 0xa1, 'b', 0x02)) !=
                digest_of(B(0x81, 0xa1, 'm', 0x82, 0xa1, 'a', 0x02, 0xa1, 'b', 0x01)));
}

static void test_err_names_round_trip(void **state)
{
    (void)state;

    for (int c = 1; c < CC_ERR_COUNT_; c++) {
        const char *name = cc_err_name((cc_err_t)c);

        assert_non_null(name);
        assert_true(name[0] != '\0');
        assert_true(strlen(name) <= CC_MAX_CODE);
        for (const char *p = name; *p; p++)
            assert_true((*p >= 'a' && *p <= 'z') || *p == '_');
        assert_int_equal(cc_err_from_name(name), c);
        for (int d = 1; d < c; d++)
            assert_string_not_equal(name, cc_err_name((cc_err_t)d));
    }
    assert_string_equal(cc_err_name(CC_ERR_BAD_REQUEST), "bad_request");
    assert_string_equal(cc_err_name(CC_ERR_ILLEGAL_TRANSITION), "illegal_transition");
    assert_string_equal(cc_err_name((cc_err_t)0), "internal");
    assert_string_equal(cc_err_name(CC_ERR_COUNT_), "internal");
    assert_string_equal(cc_err_name((cc_err_t)-1), "internal");
    assert_int_equal(cc_err_from_name("no_such_error"), 0);
    assert_int_equal(cc_err_from_name(""), 0);
    assert_int_equal(cc_err_from_name("BAD_REQUEST"), 0);
}

/* Write @n pairs of every kind of value (one kind per pair, cycling). */
static void enc_pairs(cc_enc_t *e, size_t n)
{
    static char big[70000];
    static const uint8_t ext[] = { 0xd6, 0x01, 1, 2, 3, 4 }; /* fixext 4 */

    memset(big, 'x', sizeof(big));
    for (size_t i = 0; i < n; i++) {
        char key[32];

        snprintf(key, sizeof(key), "k%zu", i);
        cc_enc_str(e, key);
        switch (i % 12) {
        case 0:
            cc_enc_u64(e, i);
            break;
        case 1:
            cc_enc_i64(e, -(int64_t)i * 1000003);
            break;
        case 2:
            cc_enc_u64(e, UINT64_MAX - i);
            break;
        case 3:
            cc_enc_bool(e, i & 1);
            break;
        case 4:
            cc_enc_nil(e);
            break;
        case 5:
            cc_enc_strn(e, big, i % 40);
            break;
        case 6:
            cc_enc_strn(e, big, 300 + i % 1000);
            break;
        case 7:
            cc_enc_strn(e, big, i == 7 ? sizeof(big) : 70); /* str32 once */
            break;
        case 8:
            cc_enc_array(e, 3);
            cc_enc_u64(e, 1);
            cc_enc_map(e, 1);
            cc_enc_kv_str(e, "a", "b");
            cc_enc_array(e, 0);
            break;
        case 9: {
            size_t inner = cc_enc_map_open(e);

            cc_enc_kv_u64(e, "x", i);
            cc_enc_kv_i64(e, "y", -1);
            cc_enc_map_close(e, inner);
            break;
        }
        case 10:
            cc_enc_raw(e, ext, sizeof(ext));
            break;
        default:
            cc_enc_i64(e, INT64_MIN + (int64_t)i);
            break;
        }
    }
}

/* A map whose pairs the encoder counts is byte for byte the map counted by
 * hand, at every header size, with every kind of value inside. */
static void test_enc_map_counts_itself(void **state)
{
    static const size_t sizes[] = { 0, 1, 2, 15, 16, 17, 255, 65535, 65536, 70001 };
    (void)state;

    for (size_t i = 0; i < CC_N(sizes); i++) {
        cc_enc_t a, b;
        size_t mark;

        cc_enc_init(&a);
        cc_enc_init(&b);
        cc_enc_str(&a, "before"); /* the map need not start the buffer */
        cc_enc_str(&b, "before");
        cc_enc_map(&a, sizes[i]);
        enc_pairs(&a, sizes[i]);
        mark = cc_enc_map_open(&b);
        enc_pairs(&b, sizes[i]);
        cc_enc_map_close(&b, mark);
        if (a.buf.size != b.buf.size || memcmp(a.buf.data, b.buf.data, a.buf.size) != 0)
            fail_msg("%zu pairs: counted map differs (%zu vs %zu bytes)", sizes[i], a.buf.size,
                     b.buf.size);
        cc_enc_deinit(&a);
        cc_enc_deinit(&b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_codec_roundtrip_unsigned),
        cmocka_unit_test(test_enc_map_counts_itself),
        cmocka_unit_test(test_codec_roundtrip_signed),
        cmocka_unit_test(test_codec_roundtrip_bool_nil),
        cmocka_unit_test(test_codec_roundtrip_strings),
        cmocka_unit_test(test_codec_roundtrip_floats),
        cmocka_unit_test(test_codec_roundtrip_containers_and_reencode),
        cmocka_unit_test(test_codec_header_make_and_types),
        cmocka_unit_test(test_codec_malformed_header),
        cmocka_unit_test(test_codec_malformed_empty_body),
        cmocka_unit_test(test_codec_malformed_body_not_map),
        cmocka_unit_test(test_codec_malformed_trailing_bytes),
        cmocka_unit_test(test_codec_malformed_body_too_large),
        cmocka_unit_test(test_codec_malformed_truncated),
        cmocka_unit_test(test_codec_malformed_nesting),
        cmocka_unit_test(test_codec_malformed_too_many_items),
        cmocka_unit_test(test_codec_malformed_count_exceeds_bytes),
        cmocka_unit_test(test_codec_malformed_string_too_long),
        cmocka_unit_test(test_codec_malformed_key_not_string),
        cmocka_unit_test(test_codec_malformed_key_too_long),
        cmocka_unit_test(test_codec_malformed_invalid_utf8),
        cmocka_unit_test(test_codec_malformed_bin_ext_reserved),
        cmocka_unit_test(test_codec_malformed_repeated_key),
        cmocka_unit_test(test_codec_accepts_valid_utf8),
        cmocka_unit_test(test_fields_check_accepts_good_and_ignores_unknown),
        cmocka_unit_test(test_fields_explain_both_languages),
        cmocka_unit_test(test_fields_check_missing_required),
        cmocka_unit_test(test_fields_check_wrong_type_each),
        cmocka_unit_test(test_fields_check_string_bounds),
        cmocka_unit_test(test_fields_check_id_code_charset),
        cmocka_unit_test(test_fields_check_time_and_integer_bounds),
        cmocka_unit_test(test_fields_check_array_bounds),
        cmocka_unit_test(test_fields_check_nil_is_absent),
        cmocka_unit_test(test_fields_check_not_a_map),
        cmocka_unit_test(test_map_accessors),
        cmocka_unit_test(test_error_encode_decodes),
        cmocka_unit_test(test_object_digest),
        cmocka_unit_test(test_err_names_round_trip),
    };
    return cmocka_run_group_tests_name("codec", tests, NULL, NULL);
}
