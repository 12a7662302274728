/*
 * record.c - a BATCH and its records, read in place (see record.h).
 */
#include "record.h"

#include <errno.h>
#include <string.h>

#include "cc_base.h"

/* Where things sit in a BATCH body (the body map is level 1). */
enum { LEVEL_EVENTS = 2, LEVEL_ITEM = 3, LEVEL_RECORD = 4, LEVEL_FIELD = 5 };

/* The keys of the records, by length (a key's length picks a few to compare). */
static const struct {
    char name[12];
    uint8_t len;
    uint8_t field;
} keys[] = {
    { "at", 2, SC_F_AT },
    { "by", 2, SC_F_BY },
    { "to", 2, SC_F_TO },
    { "eid", 3, SC_F_EID },
    { "due", 3, SC_F_DUE },
    { "doc", 3, SC_F_DOC },
    { "type", 4, SC_F_TYPE },
    { "unit", 4, SC_F_UNIT },
    { "proc", 4, SC_F_PROC },
    { "kind", 4, SC_F_KIND },
    { "what", 4, SC_F_WHAT },
    { "pakn", 4, SC_F_PAKN },
    { "late", 4, SC_F_LATE },
    { "runit", 5, SC_F_RUNIT },
    { "state", 5, SC_F_STATE },
    { "class", 5, SC_F_CLASS },
    { "ctype", 5, SC_F_CTYPE },
    { "level", 5, SC_F_LEVEL },
    { "agent", 5, SC_F_AGENT },
    { "grade", 5, SC_F_GRADE },
    { "agency", 6, SC_F_AGENCY },
    { "method", 6, SC_F_METHOD },
    { "amount", 6, SC_F_AMOUNT },
    { "rating", 6, SC_F_RATING },
    { "closed", 6, SC_F_CLOSED },
    { "urgent", 6, SC_F_URGENT },
    { "reason", 6, SC_F_REASON },
    { "period", 6, SC_F_PERIOD },
    { "dossier", 7, SC_F_DOSSIER },
    { "channel", 7, SC_F_CHANNEL },
    { "apology", 7, SC_F_APOLOGY },
    { "contact", 7, SC_F_CONTACT },
    { "on_time", 7, SC_F_ON_TIME },
    { "outside", 7, SC_F_OUTSIDE },
    { "deadline", 8, SC_F_DEADLINE },
    { "approved", 8, SC_F_APPROVED },
    { "promised", 8, SC_F_PROMISED },
    { "category", 8, SC_F_CATEGORY },
    { "reopened", 8, SC_F_REOPENED },
    { "doc_date", 8, SC_F_DOC_DATE },
    { "from_level", 10, SC_F_FROM_LEVEL },
    { "received_at", 11, SC_F_RECEIVED_AT },
    { "rule_broken", 11, SC_F_RULE_BROKEN },
};
_Static_assert(CC_N(keys) == SC_F_COUNT_, "every field has its key");
_Static_assert(SC_F_COUNT_ <= 64, "the fields seen fit a 64-bit mask");

/* The field a key names, or -1. */
static int field_of(const uint8_t *k, uint32_t len)
{
    for (size_t i = 0; i < CC_N(keys) && keys[i].len <= len; i++)
        if (keys[i].len == len && keys[i].name[0] == k[0] && memcmp(keys[i].name, k, len) == 0)
            return keys[i].field;
    return -1;
}

/* ---- The walk ----------------------------------------------------------------------- */

/* A reader of the frame: where it is, where it ends, why it stopped. */
typedef struct {
    const uint8_t *p, *end;
    char *why;
    size_t why_len;
} reader_t;

static int malformed(reader_t *r, const char *what)
{
    cc_set_error(r->why, r->why_len, "%s", what);
    return CC_EMALFORMED;
}

static bool has(const reader_t *r, size_t n) { return (size_t)(r->end - r->p) >= n; }

static uint64_t be_n(const uint8_t *p, size_t n)
{
    uint64_t v = 0;

    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

/* The map or array at the reader: its type byte and count are taken, the
 * count returned; -1 (nothing taken) when none starts there, -2 when the
 * frame ends first. */
static int64_t container_at(reader_t *r, bool *ret_map)
{
    uint8_t c;
    size_t w;

    if (!has(r, 1))
        return -2;
    c = *r->p;
    *ret_map = (c >= 0x80 && c <= 0x8f) || c == 0xde || c == 0xdf;
    if ((c >= 0x80 && c <= 0x8f) || (c >= 0x90 && c <= 0x9f)) {
        r->p++;
        return c & 0x0f;
    }
    if (c == 0xdc || c == 0xde)
        w = 2;
    else if (c == 0xdd || c == 0xdf)
        w = 4;
    else
        return -1;
    if (!has(r, 1 + w))
        return -2;
    r->p += 1 + w;
    return (int64_t)be_n(r->p - w, w);
}

/* A string after its type byte @c: its bytes, checked (UTF-8, no NUL, at
 * most @max bytes). 0, 1 when @c starts no string, or CC_EMALFORMED. */
static int string_at(reader_t *r, uint8_t c, uint32_t max, cc_str_t *ret)
{
    size_t w = 0;
    uint64_t len;

    if (c >= 0xa0 && c <= 0xbf)
        len = c & 0x1f;
    else if (c == 0xd9 || c == 0xda || c == 0xdb)
        w = c == 0xd9 ? 1 : c == 0xda ? 2 : 4;
    else
        return 1;
    if (w) {
        if (!has(r, w))
            return malformed(r, "truncated body");
        len = be_n(r->p, w);
        r->p += w;
    }
    if (len > max)
        return malformed(r, "string or key too long");
    if (!has(r, len))
        return malformed(r, "truncated body");
    if (!cc_utf8_valid((const char *)r->p, len))
        return malformed(r, "string is not valid UTF-8 (or contains NUL)");
    ret->ptr = (const char *)r->p;
    ret->len = len;
    r->p += len;
    return 0;
}

/* One value at @level: a scalar is read into (*@kind, @str, @num) (kind
 * -1: nil); anything else is checked by the codec and skipped (kind
 * SC_V_OTHER). Returns 0 or CC_EMALFORMED. */
static int value_at(reader_t *r, unsigned level, int *kind, cc_str_t *str, int64_t *num)
{
    const uint8_t *start = r->p;
    size_t w, len;
    uint8_t c;
    int rc;

    if (!has(r, 1))
        return malformed(r, "truncated body");
    c = *r->p++;
    if (c <= 0x7f || c >= 0xe0) {
        *kind = SC_V_INT;
        *num = c <= 0x7f ? c : (int64_t)(int8_t)c;
        return 0;
    }
    if (c == 0xc0) {
        *kind = -1;
        return 0;
    }
    if (c == 0xc2 || c == 0xc3) {
        *kind = SC_V_BOOL;
        *num = c == 0xc3;
        return 0;
    }
    if ((rc = string_at(r, c, cc_limits_reply.max_str, str)) <= 0) {
        *kind = SC_V_STR;
        return rc;
    }
    if ((c >= 0xcc && c <= 0xcf) || (c >= 0xd0 && c <= 0xd3)) {
        w = (size_t)1 << (c & 0x03);
        if (!has(r, w))
            return malformed(r, "truncated body");
        *num = (int64_t)be_n(r->p, w);
        if (c >= 0xd0) /* signed: from its width */
            *num = w == 1 ? (int8_t)*num : w == 2 ? (int16_t)*num : w == 4 ? (int32_t)*num : *num;
        *kind = c == 0xcf && (uint64_t)*num > INT64_MAX ? SC_V_BIG : SC_V_INT;
        r->p += w;
        return 0;
    }
    if (c == 0xca || c == 0xcb) {
        w = c == 0xca ? 4 : 8;
        if (!has(r, w))
            return malformed(r, "truncated body");
        r->p += w;
        *kind = SC_V_OTHER;
        return 0;
    }
    /* A container, or a type the rules refuse: the codec's walk says. */
    if (cc_value_check(start, (size_t)(r->end - start), level, &cc_limits_reply, &len, r->why,
                       r->why_len) < 0)
        return CC_EMALFORMED;
    r->p = start + len;
    *kind = SC_V_OTHER;
    return 0;
}

/* The record map at the reader (level 4): its fields into @rec. */
static int read_record(reader_t *r, sc_record_t *rec)
{
    const uint8_t *start = r->p;
    uint64_t seen = 0;
    bool is_map, unusual = false;
    int64_t n;
    size_t len;

    rec->raw = start;
    rec->present = 0;
    rec->is_map = false;
    n = container_at(r, &is_map);
    if (n == -2)
        return malformed(r, "truncated body");
    if (n < 0 || !is_map) {
        /* Not a map: a record without fields, once checked. */
        if (cc_value_check(start, (size_t)(r->end - start), LEVEL_RECORD, &cc_limits_reply, &len,
                           r->why, r->why_len) < 0)
            return CC_EMALFORMED;
        r->p = start + len;
        rec->raw_len = len;
        return 0;
    }
    if ((uint64_t)n > cc_limits_reply.max_items || (uint64_t)n * 2 > (uint64_t)(r->end - r->p))
        return malformed(r, "map count exceeds the bytes left");
    for (int64_t i = 0; i < n; i++) {
        cc_str_t key, str = { NULL, 0 };
        int64_t num = 0;
        int kind, f, rc;

        if (!has(r, 1))
            return malformed(r, "truncated body");
        rc = string_at(r, *r->p++, cc_limits_reply.max_key, &key);
        if (rc != 0)
            return rc < 0 ? rc : malformed(r, "map key is not a string");
        if ((rc = value_at(r, LEVEL_FIELD, &kind, &str, &num)) < 0)
            return rc;
        f = key.len ? field_of((const uint8_t *)key.ptr, (uint32_t)key.len) : -1;
        if (f < 0) {
            /* A key of a later version: whether it repeats is the codec's to say. */
            unusual = true;
            continue;
        }
        if (seen & ((uint64_t)1 << f))
            return malformed(r, "map key appears twice");
        seen |= (uint64_t)1 << f;
        if (kind < 0)
            continue; /* nil counts as absent */
        rec->present |= (uint64_t)1 << f;
        rec->kind[f] = (uint8_t)kind;
        rec->str[f] = str;
        rec->num[f] = num;
    }
    if (unusual && cc_value_check(start, (size_t)(r->end - start), LEVEL_RECORD, &cc_limits_reply,
                                  &len, r->why, r->why_len) < 0)
        return CC_EMALFORMED;
    rec->is_map = true;
    rec->raw_len = (size_t)(r->p - start);
    return 0;
}

/* ---- The BATCH ------------------------------------------------------------------------ */

/* The events array at the reader: its count, and where its first item is. */
static int events_at(reader_t *r, sc_batch_view_t *ret)
{
    bool is_map;
    int64_t n;

    if ((n = container_at(r, &is_map)) < 0 || is_map)
        return malformed(r, "events is not an array");
    if ((uint64_t)n > cc_limits_reply.max_items || (uint64_t)n > (uint64_t)(r->end - r->p))
        return malformed(r, "events count exceeds the bytes left");
    ret->count = (uint32_t)n;
    ret->next = r->p;
    return 0;
}

int sc_batch_open(const void *body, size_t len, sc_batch_view_t *ret, char *why, size_t why_len)
{
    static const char *const names[] = { "rid", "last", "head", "events" };
    enum { EVENTS = 3 };
    reader_t r = { body, NULL, why, why_len };
    uint64_t *figures[] = { &ret->rid, &ret->last, &ret->head };
    unsigned seen = 0;
    bool is_map, unusual = false;
    int64_t n;

    memset(ret, 0, sizeof(*ret));
    if (body == NULL || len == 0)
        return malformed(&r, "empty body");
    r.end = r.p + len;
    ret->end = r.end;
    if (len > cc_limits_reply.max_frame || (n = container_at(&r, &is_map)) < 0 || !is_map)
        return malformed(&r, "body is not a map");
    if ((uint64_t)n > cc_limits_reply.max_items || (uint64_t)n * 2 > (uint64_t)(r.end - r.p))
        return malformed(&r, "map count exceeds the bytes left");
    for (int64_t i = 0; i < n; i++) {
        cc_str_t key, str;
        int64_t num = 0;
        size_t k, elen;
        int kind, rc;

        if (!has(&r, 1))
            return malformed(&r, "truncated body");
        if ((rc = string_at(&r, *r.p++, cc_limits_reply.max_key, &key)) != 0)
            return rc < 0 ? rc : malformed(&r, "map key is not a string");
        for (k = 0; k < CC_N(names) && !cc_str_eq(key, names[k]); k++)
            ;
        if (k == CC_N(names)) {
            unusual = true; /* a key of a later version */
        } else if (seen & (1u << k)) {
            return malformed(&r, "map key appears twice");
        }
        seen |= k < CC_N(names) ? 1u << k : 0;
        if (k == EVENTS) {
            const uint8_t *start = r.p;

            if ((rc = events_at(&r, ret)) < 0)
                return rc;
            /* The sources put the events last; keys after them are reached
             * past the events, checked. */
            if (i + 1 == n)
                break;
            if (cc_value_check(start, (size_t)(r.end - start), LEVEL_EVENTS, &cc_limits_reply,
                               &elen, why, why_len) < 0)
                return CC_EMALFORMED;
            r.p = start + elen;
            continue;
        }
        if ((rc = value_at(&r, LEVEL_EVENTS, &kind, &str, &num)) < 0)
            return rc;
        /* rid, last, head: unsigned integers (another type counts as absent). */
        if (k < EVENTS && (kind == SC_V_BIG || (kind == SC_V_INT && num >= 0))) {
            *figures[k] = (uint64_t)num;
            ret->has_head |= k == 2;
        }
    }
    if (!(seen & (1u << EVENTS)))
        return malformed(&r, "no events");
    if (unusual && cc_body_check(body, len, &cc_limits_reply, why, why_len) < 0)
        return CC_EMALFORMED;
    return 0;
}

int sc_batch_next(sc_batch_view_t *b, uint64_t *ret_seq, sc_record_t *rec, char *why,
                  size_t why_len)
{
    reader_t r = { b->next, b->end, why, why_len };
    cc_str_t str;
    int64_t n, num = 0;
    bool is_map;
    int kind, rc;

    if (b->taken == b->count) {
        /* The events end the frame, or what follows them was checked. */
        return 0;
    }
    if ((n = container_at(&r, &is_map)) < 0 || is_map || n != 2)
        return malformed(&r, "an event is not [seq, record]");
    if ((rc = value_at(&r, LEVEL_ITEM + 1, &kind, &str, &num)) < 0)
        return rc;
    if (!(kind == SC_V_BIG || (kind == SC_V_INT && num >= 0)))
        return malformed(&r, "an event's seq is not an unsigned integer");
    *ret_seq = (uint64_t)num;
    if ((rc = read_record(&r, rec)) < 0)
        return rc;
    b->next = r.p;
    b->taken++;
    return 1;
}

/* ---- Fields ----------------------------------------------------------------------------- */

/* Whether field @f meets @rule (present). */
static bool rule_met(const sc_record_t *rec, const sc_field_rule_t *rule)
{
    sc_field_t f = rule->field;
    int64_t lo, hi, v = rec->num[f];
    cc_str_t s = rec->str[f];

    cc_field_bounds(rule->type, rule->min, rule->max, &lo, &hi);
    switch (rule->type) {
    case CC_T_STR:
    case CC_T_ID:
    case CC_T_CODE:
        if (rec->kind[f] != SC_V_STR)
            return false;
        if ((int64_t)s.len < lo || (int64_t)s.len > hi)
            return false;
        return rule->type == CC_T_STR || cc_token_chars(s.ptr, s.len);
    case CC_T_UINT:
        if (!(rec->kind[f] == SC_V_BIG || (rec->kind[f] == SC_V_INT && v >= 0)))
            return false;
        return !(lo || hi) || ((uint64_t)v >= (uint64_t)lo && (uint64_t)v <= (uint64_t)hi);
    case CC_T_INT:
    case CC_T_TIME:
        if (rec->kind[f] != SC_V_INT)
            return false;
        return !(lo || hi) || (v >= lo && v <= hi);
    case CC_T_BOOL:
        return rec->kind[f] == SC_V_BOOL;
    default:
        return false; /* no record field is a map or an array */
    }
}

int sc_record_check(const sc_record_t *rec, const sc_field_rule_t *rules, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (!(rec->present & ((uint64_t)1 << rules[i].field))) {
            if (rules[i].required)
                return -EINVAL;
            continue;
        }
        if (!rule_met(rec, &rules[i]))
            return -EINVAL;
    }
    return 0;
}

/* Whether field @f is there with a value of one of @kinds (bits 1 <<
 * sc_value_kind_t): 0, -ENOENT when absent, -EINVAL when of another kind. */
static int field_kind(const sc_record_t *rec, sc_field_t f, unsigned kinds)
{
    if (!(rec->present & ((uint64_t)1 << f)))
        return -ENOENT;
    return kinds & (1u << rec->kind[f]) ? 0 : -EINVAL;
}

int sc_record_str(const sc_record_t *rec, sc_field_t f, cc_str_t *ret)
{
    int r = field_kind(rec, f, 1u << SC_V_STR);

    if (r == 0)
        *ret = rec->str[f];
    return r;
}

int sc_record_strcpy(const sc_record_t *rec, sc_field_t f, char *buf, size_t size)
{
    cc_str_t s;
    int r;

    if (size > 0)
        buf[0] = '\0';
    if ((r = sc_record_str(rec, f, &s)) < 0)
        return r;
    if (s.len >= size)
        return -ERANGE;
    memcpy(buf, s.ptr, s.len);
    buf[s.len] = '\0';
    return 0;
}

int sc_record_i64(const sc_record_t *rec, sc_field_t f, int64_t *ret)
{
    int r = field_kind(rec, f, 1u << SC_V_INT);

    if (r == 0)
        *ret = rec->num[f];
    return r;
}

int sc_record_u64(const sc_record_t *rec, sc_field_t f, uint64_t *ret)
{
    int r = field_kind(rec, f, 1u << SC_V_INT | 1u << SC_V_BIG);

    if (r == 0 && rec->kind[f] == SC_V_INT && rec->num[f] < 0)
        r = -EINVAL;
    if (r == 0)
        *ret = (uint64_t)rec->num[f];
    return r;
}

int sc_record_bool(const sc_record_t *rec, sc_field_t f, bool *ret)
{
    int r = field_kind(rec, f, 1u << SC_V_BOOL);

    if (r == 0)
        *ret = rec->num[f] != 0;
    return r;
}
