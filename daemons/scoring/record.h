/*
 * record.h - a BATCH and its log records, read in place.
 *
 * Scoring reads millions of records when it replays the logs. Decoding
 * each BATCH into a tree of objects (cc_body_decode) and then looking
 * every field up by name costs more than applying the records; so a BATCH
 * is read where it lies, in the frame ZeroMQ received, in one pass that
 * both checks and reads: sc_batch_open finds its figures and its events,
 * sc_batch_next takes one [seq, record] item at a time and reads the
 * record map into an sc_record_t, which points into the frame.
 *
 * THE RULES are the decoder's (PROTOCOL.md §1.3, with the limits of a
 * reply, cc_limits_reply): every string valid UTF-8 without NUL, keys of
 * at most 64 bytes and each once in its map, no bin, ext or reserved type,
 * nesting and counts within bounds, nothing past the frame. Records of the
 * protocol (§3.4, §4) hold scalars under known keys and are read on the
 * fast path; anything else (a key of a later version, a nested value) is
 * checked by the codec's own walk (cc_value_check) before it is read.
 * A record that breaks the rules ends the batch there (malformed); a
 * record whose fields are missing or ill-typed for its type is a good
 * record scoring counts as invalid (sc_record_check).
 */
#ifndef SC_RECORD_H
#define SC_RECORD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_codec.h"

/* The keys of the records of PROTOCOL.md §3.4 and §4 (and §3.5's notes). */
typedef enum {
    SC_F_EID,
    SC_F_TYPE,
    SC_F_AT,
    SC_F_BY,
    SC_F_DOSSIER,
    SC_F_UNIT,
    SC_F_RUNIT,
    SC_F_PROC,
    SC_F_STATE,
    SC_F_RECEIVED_AT,
    SC_F_DUE,
    SC_F_CHANNEL,
    SC_F_TO,
    SC_F_DEADLINE,
    SC_F_AGENCY,
    SC_F_KIND,
    SC_F_RULE_BROKEN,
    SC_F_APPROVED,
    SC_F_PROMISED,
    SC_F_APOLOGY,
    SC_F_CLASS,
    SC_F_METHOD,
    SC_F_AMOUNT,
    SC_F_WHAT,
    SC_F_RATING,
    SC_F_CONTACT,
    SC_F_CTYPE,
    SC_F_CLOSED,
    SC_F_AGENT,
    SC_F_PAKN,
    SC_F_LEVEL,
    SC_F_CATEGORY,
    SC_F_URGENT,
    SC_F_ON_TIME,
    SC_F_LATE,
    SC_F_OUTSIDE,
    SC_F_REOPENED,
    SC_F_REASON,
    SC_F_FROM_LEVEL,
    SC_F_DOC,
    SC_F_DOC_DATE,
    SC_F_PERIOD,
    SC_F_GRADE,
    SC_F_COUNT_
} sc_field_t;

/* What a field held. */
typedef enum {
    SC_V_STR,   /* a string: str */
    SC_V_INT,   /* an integer that fits int64: num */
    SC_V_BIG,   /* an unsigned integer above INT64_MAX: num holds its bits */
    SC_V_BOOL,  /* num 0 or 1 */
    SC_V_OTHER, /* a float, an array or a map */
} sc_value_kind_t;

/* One record as read: its fields (a nil one counts as absent), pointing
 * into the frame. Only fields whose bit is in @present are filled. */
typedef struct {
    const void *raw; /* the record's bytes */
    size_t raw_len;
    bool is_map;      /* else it has no fields */
    uint64_t present; /* 1 << sc_field_t */
    uint8_t kind[SC_F_COUNT_];
    cc_str_t str[SC_F_COUNT_];
    int64_t num[SC_F_COUNT_];
} sc_record_t;

/* A BATCH body read in place (PROTOCOL.md §2.3). */
typedef struct {
    uint64_t rid, last, head;
    bool has_head;
    uint32_t count;      /* items of "events" */
    const uint8_t *next; /* the next item */
    const uint8_t *end;  /* the end of the frame */
    uint32_t taken;      /* items taken so far */
} sc_batch_view_t;

/**
 * sc_batch_open - read the BATCH map of @len bytes at @body: rid, last,
 * head (when there) and where "events" starts.
 * Returns 0, or CC_EMALFORMED (with @why) when it is no BATCH body: not a
 * map, no "events" array, or a part outside the rules.
 */
int sc_batch_open(const void *body, size_t len, sc_batch_view_t *ret, char *why, size_t why_len);

/**
 * sc_batch_next - read the next item of @b, [seq, record]: its sequence
 * number into *@ret_seq and the record into @rec (@rec->raw is the map's
 * bytes; a record that is not a map is read as a record without fields).
 * Returns 1 with an item, 0 after the last, or CC_EMALFORMED (with @why)
 * when the item is not [uint, value] or breaks the rules.
 */
int sc_batch_next(sc_batch_view_t *b, uint64_t *ret_seq, sc_record_t *rec, char *why,
                  size_t why_len);

/* What a field of a record type must be, as a cc_field_t says it of a
 * key (type, required, bounds; 0/0: the type's own). */
typedef struct {
    sc_field_t field;
    cc_ftype_t type;
    bool required;
    int64_t min;
    int64_t max;
} sc_field_rule_t;

/**
 * sc_record_check - whether @rec's fields meet the @n @rules, with the
 * verdicts of cc_fields_check on the same record as a map (fields not in
 * @rules are not looked at). Returns 0 or -EINVAL.
 */
int sc_record_check(const sc_record_t *rec, const sc_field_rule_t *rules, size_t n);

/* Reading a field, as cc_map_str, cc_map_strcpy, cc_map_i64, cc_map_u64
 * and cc_map_bool read a key of a map: 0, -ENOENT when absent, -EINVAL
 * when of another type (cc_map_strcpy: -ERANGE when it does not fit, @buf
 * "" when absent). */
int sc_record_str(const sc_record_t *rec, sc_field_t f, cc_str_t *ret);
int sc_record_strcpy(const sc_record_t *rec, sc_field_t f, char *buf, size_t size);
int sc_record_i64(const sc_record_t *rec, sc_field_t f, int64_t *ret);
int sc_record_u64(const sc_record_t *rec, sc_field_t f, uint64_t *ret);
int sc_record_bool(const sc_record_t *rec, sc_field_t f, bool *ret);

#endif
