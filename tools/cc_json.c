/*
 * cc_json.c - JSON <-> MessagePack conversion (see cc_json.h).
 */
#include "cc_json.h"

#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "cc_base.h"
#include "cc_time.h"

bool cc_json_is_time_key(const char *key, size_t len)
{
    static const char *const exact[] = { "at", "deadline", "promised", "due" };

    for (size_t i = 0; i < sizeof(exact) / sizeof(exact[0]); i++)
        if (strlen(exact[i]) == len && memcmp(exact[i], key, len) == 0)
            return true;
    return len > 3 && memcmp(key + len - 3, "_at", 3) == 0;
}

static int fail(cc_json_error_t *err, const char *field, const char *why)
{
    if (err) {
        snprintf(err->field, sizeof(err->field), "%s", field ? field : "");
        snprintf(err->why, sizeof(err->why), "%s", why);
    }
    return -EINVAL;
}

/* The map key @key (NULL: none) as a C string in @buf; returns @buf. */
static const char *field_name(char *buf, size_t size, const char *key, size_t key_len)
{
    snprintf(buf, size, "%.*s", key ? (int)key_len : 0, key ? key : "");
    return buf;
}

/* @key: the map key this value sits under (NULL in arrays / top level),
 * which decides whether a string is a time. */
static int to_msgpack(const json_t *j, const char *key, size_t key_len, unsigned depth,
                      cc_enc_t *out, cc_json_error_t *err)
{
    char why[256];
    char field[64]; /* the key, named in an error (made only then: this runs for every value) */

    if (depth > CC_JSON_MAX_DEPTH)
        return fail(err, field_name(field, sizeof(field), key, key_len), "nested too deeply");
    switch (json_typeof(j)) {
    case JSON_OBJECT: {
        const char *k;
        size_t klen;
        json_t *v;
        void *it;

        cc_enc_map(out, json_object_size(j));
        /* jansson's iterators take a non-const object and do not change it. */
        for (it = json_object_iter(CC_UNCONST(j)); it;
             it = json_object_iter_next(CC_UNCONST(j), it)) {
            int r;

            k = json_object_iter_key(it);
            klen = json_object_iter_key_len(it);
            v = json_object_iter_value(it);
            cc_enc_strn(out, k, klen);
            if ((r = to_msgpack(v, k, klen, depth + 1, out, err)) < 0)
                return r;
        }
        return 0;
    }
    case JSON_ARRAY: {
        size_t i;
        json_t *v;

        cc_enc_array(out, json_array_size(j));
        json_array_foreach(j, i, v)
        {
            int r = to_msgpack(v, NULL, 0, depth + 1, out, err);

            if (r < 0)
                return r;
        }
        return 0;
    }
    case JSON_STRING: {
        const char *s = json_string_value(j);
        size_t len = json_string_length(j);
        cc_time_t t;

        if (key && cc_json_is_time_key(key, key_len)) {
            /* cc_time_parse_iso wants a C string; an embedded NUL makes
             * the text end early and fail, as it should. */
            if (strlen(s) != len || cc_time_parse_iso(s, &t) < 0) {
                field_name(field, sizeof(field), key, key_len);
                snprintf(why, sizeof(why),
                         "'%s' is not an ISO 8601 time (e.g. 2025-03-03T09:00:00+07:00) "
                         "nor Unix seconds",
                         field);
                return fail(err, field, why);
            }
            cc_enc_i64(out, t);
            return 0;
        }
        cc_enc_strn(out, s, len);
        return 0;
    }
    case JSON_INTEGER:
        cc_enc_i64(out, (int64_t)json_integer_value(j));
        return 0;
    case JSON_REAL: {
        double v = json_real_value(j);

        /* Only integral values that an int64 holds exactly enough:
         * -2^63 <= v < 2^63. */
        if (!isfinite(v) || v != trunc(v) || v < -9223372036854775808.0 ||
            v >= 9223372036854775808.0) {
            field_name(field, sizeof(field), key, key_len);
            snprintf(why, sizeof(why), "%s%s%sfractional numbers are not allowed (%g)",
                     field[0] ? "'" : "", field, field[0] ? "': " : "", v);
            return fail(err, field, why);
        }
        cc_enc_i64(out, (int64_t)v);
        return 0;
    }
    case JSON_TRUE:
        cc_enc_bool(out, true);
        return 0;
    case JSON_FALSE:
        cc_enc_bool(out, false);
        return 0;
    case JSON_NULL:
    default:
        cc_enc_nil(out);
        return 0;
    }
}

int cc_json_to_msgpack(const json_t *j, cc_enc_t *out, cc_json_error_t *err)
{
    if (j == NULL)
        return fail(err, NULL, "no value");
    return to_msgpack(j, NULL, 0, 0, out, err);
}

int cc_json_event_from_line(const char *line, size_t len, cc_enc_t *out, char *eid, size_t eid_len,
                            cc_json_error_t *err)
{
    json_error_t jerr;
    json_t *j;
    json_t *e;
    int r;

    if (eid_len)
        eid[0] = '\0';
    cc_enc_reset(out);
    j = json_loadb(line, len, JSON_REJECT_DUPLICATES, &jerr);
    if (j == NULL) {
        if (err) {
            err->field[0] = '\0';
            snprintf(err->why, sizeof(err->why), "invalid JSON at column %d: %s", jerr.column,
                     jerr.text);
        }
        return -EBADMSG;
    }
    if (!json_is_object(j)) {
        if (err) {
            err->field[0] = '\0';
            snprintf(err->why, sizeof(err->why), "an event must be a JSON object");
        }
        r = -EBADMSG;
        goto out;
    }
    e = json_object_get(j, "eid");
    if (e && json_is_string(e) && eid_len)
        snprintf(eid, eid_len, "%s", json_string_value(e));
    r = cc_json_to_msgpack(j, out, err);
out:
    json_decref(j);
    return r;
}

json_t *cc_json_from_msgpack(const msgpack_object *o, unsigned flags)
{
    switch (o->type) {
    case MSGPACK_OBJECT_MAP: {
        json_t *obj = json_object();

        if (obj == NULL)
            return NULL;
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            const msgpack_object_kv *kv = &o->via.map.ptr[i];
            const char *k = kv->key.via.str.ptr;
            size_t klen = kv->key.via.str.size;
            json_t *v;

            if (kv->key.type != MSGPACK_OBJECT_STR)
                continue;
            if ((flags & CC_JSON_ISO_TIMES) && cc_json_is_time_key(k, klen) &&
                (kv->val.type == MSGPACK_OBJECT_POSITIVE_INTEGER ||
                 kv->val.type == MSGPACK_OBJECT_NEGATIVE_INTEGER) &&
                kv->val.via.i64 != 0) {
                char iso[CC_TIME_ISO_LEN];

                /* 0 means "not set" in records (promised, resolved_at):
                 * it stays 0 rather than becoming 1970. */
                cc_time_format_iso(kv->val.via.i64, iso, sizeof(iso));
                v = json_string(iso);
            } else {
                v = cc_json_from_msgpack(&kv->val, flags);
            }
            if (v == NULL || json_object_setn_new(obj, k, klen, v) < 0) {
                json_decref(obj);
                return NULL;
            }
        }
        return obj;
    }
    case MSGPACK_OBJECT_ARRAY: {
        json_t *arr = json_array();

        if (arr == NULL)
            return NULL;
        for (uint32_t i = 0; i < o->via.array.size; i++)
            if (json_array_append_new(arr, cc_json_from_msgpack(&o->via.array.ptr[i], flags)) < 0) {
                json_decref(arr);
                return NULL;
            }
        return arr;
    }
    case MSGPACK_OBJECT_STR: {
        json_t *s = json_stringn(o->via.str.ptr, o->via.str.size);

        return s ? s : json_null(); /* not UTF-8: never from the decoder */
    }
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        if (o->via.u64 > (uint64_t)INT64_MAX) {
            char buf[24];

            snprintf(buf, sizeof(buf), "%" PRIu64, o->via.u64);
            return json_string(buf);
        }
        return json_integer((json_int_t)o->via.u64);
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        return json_integer((json_int_t)o->via.i64);
    case MSGPACK_OBJECT_FLOAT32:
    case MSGPACK_OBJECT_FLOAT64:
        return json_real(o->via.f64);
    case MSGPACK_OBJECT_BOOLEAN:
        return json_boolean(o->via.boolean);
    case MSGPACK_OBJECT_NIL:
    default:
        return json_null();
    }
}

int cc_json_write_str(FILE *f, const char *s)
{
    static const char special[] = "\"\\\001\002\003\004\005\006\007\010\011\012\013"
                                  "\014\015\016\017\020\021\022\023\024\025\026\027\030"
                                  "\031\032\033\034\035\036\037";

    if (putc('"', f) == EOF)
        return -EIO;
    while (*s) {
        size_t n = strcspn(s, special);

        if (n && fwrite(s, 1, n, f) != n)
            return -EIO;
        s += n;
        if (*s == '\0')
            break;
        switch (*s) {
        case '"':
            fputs("\\\"", f);
            break;
        case '\\':
            fputs("\\\\", f);
            break;
        case '\n':
            fputs("\\n", f);
            break;
        case '\t':
            fputs("\\t", f);
            break;
        case '\r':
            fputs("\\r", f);
            break;
        default:
            fprintf(f, "\\u%04x", (unsigned char)*s);
            break;
        }
        s++;
    }
    return putc('"', f) == EOF ? -EIO : 0;
}

int cc_json_print(FILE *f, json_t *j)
{
    int r = 0;

    if (j == NULL)
        return -EIO;
    if (json_dumpf(j, f, JSON_COMPACT | JSON_PRESERVE_ORDER) < 0 || fputc('\n', f) == EOF)
        r = -EIO;
    json_decref(j);
    return r;
}
