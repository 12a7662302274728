/*
 * cc_json.h - JSON <-> MessagePack conversion for the cchc tool.
 *
 * Counters write events as JSON lines; the wire carries MessagePack maps
 * (PROTOCOL.md). The conversion is generic: objects, arrays, strings,
 * integers, booleans and null map one to one. Floats are refused unless
 * they are integral (3.0 is 3): the protocol has no fractional numbers, and
 * a silently truncated amount of money would be worse than an error.
 *
 * Times: under the keys "at", "deadline", "promised", "due" and any key
 * ending in "_at", a string is read as an ISO 8601 time
 * ("2025-03-03T09:00:00+07:00", "...Z", local "2025-03-03T09:00",
 * "2025-03-03"; cc_time_parse_iso) and sent as Unix seconds; an integer is
 * taken as Unix seconds already. The same keys can be turned back into ISO
 * strings when printing (CC_JSON_ISO_TIMES).
 */
#ifndef CC_JSON_H
#define CC_JSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "cc_codec.h"

/* Deepest JSON nesting converted (the protocol allows far less; the
 * request limits are checked separately, before sending). */
#define CC_JSON_MAX_DEPTH 32

/* cc_json_from_msgpack() flags. */
#define CC_JSON_ISO_TIMES 1u /* integers under time keys become ISO strings */

/* Why a conversion failed. */
typedef struct {
    char field[64]; /* the key at which it failed, "" at top level */
    char why[256];  /* one line in English */
} cc_json_error_t;

/**
 * cc_json_is_time_key - whether a map key holds a time: "at", "deadline",
 * "promised", "due", or a key ending in "_at".
 * @key, @len: the key (not necessarily NUL-terminated).
 */
bool cc_json_is_time_key(const char *key, size_t len);

/**
 * cc_json_to_msgpack - encode a JSON value as MessagePack.
 * @j: the value.
 * @out: encoder to append to (on failure it holds a partial encoding:
 *   reset it before reuse).
 * @err: filled on failure (may be NULL).
 * Returns 0, or -EINVAL (a non-integral or out-of-range number, a time
 * string that is not ISO 8601, nesting deeper than CC_JSON_MAX_DEPTH).
 */
int cc_json_to_msgpack(const json_t *j, cc_enc_t *out, cc_json_error_t *err);

/**
 * cc_json_event_from_line - parse one input line (one JSON object) into an
 * encoded event map.
 * @line, @len: the text (no NUL needed).
 * @out: receives the map (reset first).
 * @eid, @eid_len: receives the object's "eid" when it is a string, else "".
 * @err: filled on failure.
 * Returns 0; -EBADMSG when the line is not JSON or not an object (code
 * bad_json); -EINVAL when a value cannot be converted (code bad_field,
 * err->field names it).
 */
int cc_json_event_from_line(const char *line, size_t len, cc_enc_t *out, char *eid, size_t eid_len,
                            cc_json_error_t *err);

/**
 * cc_json_from_msgpack - the JSON form of a decoded MessagePack object.
 * Maps become objects (non-string keys are skipped), arrays arrays,
 * integers integers (an unsigned value above INT64_MAX becomes its decimal
 * string), floats reals, nil null; bin and ext (which the protocol
 * decoder refuses anyway) become null.
 * @flags: 0 or CC_JSON_ISO_TIMES.
 * Returns a new reference (json_decref() it); NULL only if jansson cannot
 * allocate.
 */
json_t *cc_json_from_msgpack(const msgpack_object *o, unsigned flags);

/**
 * cc_json_write_str - write @s (NUL-terminated UTF-8) to @f as a JSON
 * string literal, quotes included: '"', '\\' and control characters are
 * escaped, everything else is copied. Faster than building a json_t for
 * the one-line-per-event outputs. Returns 0 or -EIO.
 */
int cc_json_write_str(FILE *f, const char *s);

/**
 * cc_json_print - write @j compactly on one line to @f, followed by '\n'.
 * Takes ownership of @j (decrefs it). Returns 0 or -EIO.
 */
int cc_json_print(FILE *f, json_t *j);

#endif
