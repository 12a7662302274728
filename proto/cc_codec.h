/*
 * cc_codec.h - strict decoder and small encoder for cchc protocol messages.
 *
 * The decoder is the security boundary of every daemon. Before msgpack-c
 * builds an object tree, cc_msg_decode() walks the raw bytes once and
 * refuses anything outside PROTOCOL.md: a bad header, trailing bytes, a body
 * that is not one map, nesting deeper than CC_MAX_DEPTH, a count larger than
 * CC_MAX_ITEMS or than the bytes left could hold, strings longer than
 * CC_MAX_STR, invalid UTF-8 or NUL inside a string, non-string map keys,
 * and the bin/ext types. Only then is msgpack_unpack() called, so its
 * allocations are bounded by the frame size. Nothing here asserts on input.
 */
#ifndef CC_CODEC_H
#define CC_CODEC_H

#include <msgpack.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_proto.h"

/* Result of cc_msg_decode() for input that breaks the protocol. */
#define CC_EMALFORMED (-74) /* -EBADMSG */

/* Structural limits applied by the decoder. Daemons decode requests with
 * cc_limits_request (PROTOCOL.md "Limits"); clients decode replies, whose
 * BATCH and RESULT bodies are larger, with cc_limits_reply. */
typedef struct {
    size_t max_frame;
    unsigned max_depth;
    uint32_t max_items;
    uint32_t max_str;
    uint32_t max_key;
} cc_limits_t;

extern const cc_limits_t cc_limits_request;
extern const cc_limits_t cc_limits_reply;

/* A decoded message: its type and its body map. Owns the zone. */
typedef struct {
    int type;
    msgpack_object body; /* always MSGPACK_OBJECT_MAP after a good decode */
    msgpack_zone zone;
    bool zone_live;
} cc_msg_t;

/* A borrowed string slice (not NUL-terminated). */
typedef struct {
    const char *ptr;
    size_t len;
} cc_str_t;

/**
 * cc_msg_decode - validate and decode a header frame and a body frame.
 * @hdr, @hdr_len: the header frame.
 * @body, @body_len: the body frame (one MessagePack map).
 * @limits: structural limits; NULL means cc_limits_request.
 * @ret_msg: filled on success; release with cc_msg_deinit().
 * @why, @why_len: receives a one-line English reason on failure.
 * Returns 0, or CC_EMALFORMED when the input breaks the protocol. @ret_msg
 * is untouched on failure. Out of memory aborts (cc_mem.h).
 */
int cc_msg_decode(const void *hdr, size_t hdr_len, const void *body, size_t body_len,
                  const cc_limits_t *limits, cc_msg_t *ret_msg, char *why, size_t why_len);

/**
 * cc_msg_deinit - release what cc_msg_decode() allocated. Accepts a zeroed
 * or already released message.
 */
void cc_msg_deinit(cc_msg_t *msg);

/**
 * cc_body_check - check the structural rules on a body without a header
 * (used for stored records and by the fuzzer).
 * @limits: NULL means cc_limits_request.
 * Returns 0 or CC_EMALFORMED with @why filled.
 */
int cc_body_check(const void *body, size_t len, const cc_limits_t *limits, char *why,
                  size_t why_len);

/**
 * cc_value_check - check the structural rules on one value inside a body,
 * for a reader that walks the body in place: the value starting at @value
 * (within the @len bytes left of the body), nested at @level (a value of
 * the body map is at level 2, the body map itself at level 1), checked as
 * cc_body_check checks it there.
 * @ret_len: the value's length in bytes, on success.
 * Returns 0 or CC_EMALFORMED with @why filled.
 */
int cc_value_check(const void *value, size_t len, unsigned level, const cc_limits_t *limits,
                   size_t *ret_len, char *why, size_t why_len);

/**
 * cc_body_decode - decode one stored or received body map (no header),
 * after cc_body_check(). @ret_msg->type is set to 0.
 * Returns 0 or CC_EMALFORMED.
 */
int cc_body_decode(const void *body, size_t len, const cc_limits_t *limits, cc_msg_t *ret_msg,
                   char *why, size_t why_len);

/**
 * cc_utf8_valid - whether @len bytes at @s are well-formed UTF-8 without NUL
 * (no overlongs, no surrogates, nothing above U+10FFFF).
 */
bool cc_utf8_valid(const char *s, size_t len);

/* ---- Field access ------------------------------------------------------ */

/* Field types in a schema table. CC_T_TIME is a signed integer of Unix
 * seconds; CC_T_ID and CC_T_CODE are strings bounded by CC_MAX_ID and
 * CC_MAX_CODE and restricted to printable ASCII without spaces. */
typedef enum {
    CC_T_STR,
    CC_T_ID,
    CC_T_CODE,
    CC_T_UINT,
    CC_T_INT,
    CC_T_TIME,
    CC_T_BOOL,
    CC_T_MAP,
    CC_T_ARRAY,
} cc_ftype_t;

/* One row of a declarative schema: key, type, whether required, and bounds
 * (string length in bytes for strings, value for integers, count for
 * arrays; 0/0 means the type's default bounds). */
typedef struct {
    const char *key;
    cc_ftype_t type;
    bool required;
    int64_t min;
    int64_t max;
} cc_field_t;

/**
 * cc_field_bounds - the bounds a field of @type checks: @min..@max as the
 * schema gives them, or for 0/0 the type's default (a string's length
 * 1..CC_MAX_TEXT, an id's 1..CC_MAX_ID, a code's 1..CC_MAX_CODE, a time
 * 2000-01-01..2100-01-01 UTC; none for the others: 0/0) into @ret_lo and
 * @ret_hi.
 */
void cc_field_bounds(cc_ftype_t type, int64_t min, int64_t max, int64_t *ret_lo, int64_t *ret_hi);

/** cc_token_chars - whether @s (@len bytes) is printable ASCII without spaces. */
bool cc_token_chars(const char *s, size_t len);

/**
 * cc_fields_check - check a map against a schema table. Unknown keys are
 * ignored (forward compatibility); missing required keys, wrong types and
 * values out of bounds are errors.
 * @map: a MessagePack map object.
 * @fields, @n: the schema.
 * @ret_key: on failure, the offending key (static, from @fields).
 * @why, @why_len: on failure, "field 'unit': ..." in English.
 * Returns 0, or -EINVAL.
 */
int cc_fields_check(const msgpack_object *map, const cc_field_t *fields, size_t n,
                    const char **ret_key, char *why, size_t why_len);

/**
 * cc_fields_explain - cc_fields_check() saying why in Vietnamese too, for
 * a refusal shown to a clerk: @vi ("thiếu trường bắt buộc 'eid'", wire
 * words in quotes) and @en ("field 'eid': required but missing"); either
 * buffer may be NULL.
 * Returns 0, or -EINVAL.
 */
int cc_fields_explain(const msgpack_object *map, const cc_field_t *fields, size_t n,
                      const char **ret_key, char *vi, size_t vi_len, char *en, size_t en_len);

/**
 * cc_map_find - the value stored under @key in @map, or NULL.
 * A nil value counts as absent.
 */
const msgpack_object *cc_map_find(const msgpack_object *map, const char *key);

/**
 * cc_map_str - the string under @key. Returns 0, -ENOENT if absent,
 * -EINVAL if not a string.
 */
int cc_map_str(const msgpack_object *map, const char *key, cc_str_t *ret);

/**
 * cc_map_strcpy - copy the string under @key into @buf as a C string.
 * Returns 0, -ENOENT, -EINVAL (not a string) or -ERANGE (does not fit;
 * @buf then holds ""). @buf is set to "" when the key is absent.
 */
int cc_map_strcpy(const msgpack_object *map, const char *key, char *buf, size_t size);

/**
 * cc_map_i64 - the integer under @key. Returns 0, -ENOENT, or -EINVAL if
 * it is not an integer or does not fit in int64.
 */
int cc_map_i64(const msgpack_object *map, const char *key, int64_t *ret);

/** cc_map_u64 - like cc_map_i64 for unsigned values. */
int cc_map_u64(const msgpack_object *map, const char *key, uint64_t *ret);

/** cc_map_bool - the boolean under @key. Returns 0, -ENOENT or -EINVAL. */
int cc_map_bool(const msgpack_object *map, const char *key, bool *ret);

/** cc_str_eq - whether slice @s equals C string @c. */
bool cc_str_eq(cc_str_t s, const char *c);

/**
 * cc_object_digest - a 64-bit digest of a decoded value, equal for equal
 * values however they were encoded: the pairs of a map in any order, an
 * integer in any width, a float as 32 or 64 bits, a pair with a nil value
 * or no such pair (nil is absent, as for cc_map_find). Arrays keep their
 * order.
 * Not cryptographic: it tells a retried event from a different one sent
 * under the same event id (PROTOCOL.md §7.3). Recursion is bounded by the
 * decoder's depth limit.
 */
uint64_t cc_object_digest(const msgpack_object *o);

/* ---- Encoding ----------------------------------------------------------- */

/* An encoder: a growable buffer and a packer writing into it. Allocation
 * failure aborts the process (base/cc_mem.h). */
typedef struct {
    msgpack_sbuffer buf;
    msgpack_packer pk;
} cc_enc_t;

/** cc_enc_init - make an empty encoder. Release with cc_enc_deinit(). */
void cc_enc_init(cc_enc_t *e);
/** cc_enc_deinit - release the encoder's buffer. */
void cc_enc_deinit(cc_enc_t *e);
/** cc_enc_reset - empty the buffer, keeping its memory. */
void cc_enc_reset(cc_enc_t *e);

/** cc_enc_map - start a map of @n pairs: for a small map whose pairs follow
 * at once in plain sight; otherwise cc_enc_map_open() counts them. */
void cc_enc_map(cc_enc_t *e, size_t n);
/**
 * cc_enc_map_open - start a map whose pairs are counted for you: write its
 * keys and values (nested maps and arrays count as one value), then
 * cc_enc_map_close(@e, mark). Returns the mark.
 */
size_t cc_enc_map_open(cc_enc_t *e);
/**
 * cc_enc_map_close - end the map opened at @mark: its header gets the
 * number of pairs written since, in the smallest form, so the bytes are
 * those a counted cc_enc_map() would have given.
 */
void cc_enc_map_close(cc_enc_t *e, size_t mark);
/** cc_enc_array - start an array of @n items. */
void cc_enc_array(cc_enc_t *e, size_t n);
/** cc_enc_str - a string (NULL packs nil). */
void cc_enc_str(cc_enc_t *e, const char *s);
/** cc_enc_strn - a string of @len bytes. */
void cc_enc_strn(cc_enc_t *e, const char *s, size_t len);
/** cc_enc_u64 / cc_enc_i64 / cc_enc_bool / cc_enc_nil - scalars. */
void cc_enc_u64(cc_enc_t *e, uint64_t v);
void cc_enc_i64(cc_enc_t *e, int64_t v);
void cc_enc_bool(cc_enc_t *e, bool v);
void cc_enc_nil(cc_enc_t *e);
/** cc_enc_object - re-encode a decoded object. */
void cc_enc_object(cc_enc_t *e, const msgpack_object *o);
/** cc_enc_raw - append already encoded MessagePack bytes (one object). */
void cc_enc_raw(cc_enc_t *e, const void *data, size_t len);

/* Key/value helpers for maps: key then value. */
void cc_enc_kv_str(cc_enc_t *e, const char *key, const char *v);
void cc_enc_kv_strn(cc_enc_t *e, const char *key, const char *v, size_t len);
void cc_enc_kv_u64(cc_enc_t *e, const char *key, uint64_t v);
void cc_enc_kv_i64(cc_enc_t *e, const char *key, int64_t v);
void cc_enc_kv_bool(cc_enc_t *e, const char *key, bool v);

/**
 * cc_header_make - fill a header frame for @type.
 * @out: CC_HEADER_LEN bytes.
 */
void cc_header_make(uint8_t out[CC_HEADER_LEN], cc_msg_type_t type);

/**
 * cc_error_encode - encode an ERROR body: rid, code, reason in Vietnamese
 * and English, and the offending field or event id when known.
 * @e: an empty encoder.
 * @rid: the request id being answered.
 * @code: error code.
 * @vi, @en: reasons (NUL-terminated, UTF-8).
 * @field: offending field name, or NULL.
 * @eid: the event id, or NULL.
 */
void cc_error_encode(cc_enc_t *e, uint64_t rid, cc_err_t code, const char *vi, const char *en,
                     const char *field, const char *eid);

#endif
