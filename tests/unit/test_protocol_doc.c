/*
 * test_protocol_doc.c - golden test of proto/PROTOCOL.md, the wire contract.
 *
 * The document's examples are fenced blocks with a machine-readable marker:
 *
 *   ```hex example=<name>-header     the header frame
 *   ```hex example=<name>-body       the body frame
 *   ```hex example=<name>-topic      (PUB only) the topic frame
 *   ```json example=<name>           the body in JSON-like notation
 *   ```hex negative=<name>-header / ```hex negative=<name>-body
 *
 * This program reads the document at run time (PROTOCOL_MD, set by CMake)
 * and, for every example: decodes header + body with cc_msg_decode() (it
 * must succeed with the right type); re-encodes the same message field by
 * field with the cc_enc_* encoder, the way the daemons do, and compares the
 * bytes exactly; renders the decoded body in the JSON-like notation and
 * compares it with the document's; and checks the request examples against
 * the daemons' own schemas (HELLO, EVENT common fields, intake events).
 * Every negative example must be refused with CC_EMALFORMED. A minimum set
 * of examples must be present, and an example the test does not know fails
 * (so an edited, added or deleted example cannot go unnoticed). The
 * document must also name every error code and message type.
 *
 * Run with --emit to print the blocks this program's encoders produce: that
 * is how the examples in the document were generated (never by hand).
 */
#include <ctype.h>
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
#include "cc_auth.h"
#include "cc_codec.h"
#include "cc_evd.h"
#include "cc_proto.h"
#include "cc_schema.h"
#include "dossier.h"
#include "support.h"

#ifndef PROTOCOL_MD
#error "PROTOCOL_MD must name proto/PROTOCOL.md (set by tests/unit/CMakeLists.protocol.cmake)"
#endif

/* ---- The examples, encoded the way the daemons and a client do ------------------- */

/* Values shared by the examples: one dossier's story at the provincial
 * public administration service centre (TTHCC), March 2025, UTC+7. */
#define EX_COUNTER "quay-tthcc-01"
#define EX_DOSSIER "TTHCC-250303-0001"
#define EX_EID "q01-20250303-0001"
#define EX_AT 1740970800  /* 2025-03-03 10:00 +07 */
#define EX_DUE 1742205600 /* 2025-03-17 17:00 +07: TP-LLTP, 10 working days */
#define EX_SEQ 42

static void enc_hello(cc_enc_t *e)
{
    cc_enc_map(e, 4);
    cc_enc_kv_u64(e, "rid", 1);
    cc_enc_kv_str(e, "role", "counter");
    cc_enc_kv_str(e, "who", EX_COUNTER);
    cc_enc_str(e, "units");
    cc_enc_array(e, 2);
    cc_enc_str(e, "TTHCC");
    cc_enc_str(e, "SO-TP");
}

/* As handle_hello() in daemons/common/cc_evd.c. */
static void enc_hello_result(cc_enc_t *e)
{
    cc_enc_map(e, 4);
    cc_enc_kv_u64(e, "rid", 1);
    cc_enc_kv_str(e, "daemon", "intake");
    cc_enc_kv_u64(e, "version", CC_PROTO_VERSION);
    cc_enc_kv_u64(e, "head", EX_SEQ - 1);
}

static void enc_event_received(cc_enc_t *e)
{
    cc_enc_map(e, 2);
    cc_enc_kv_u64(e, "rid", 2);
    cc_enc_str(e, "ev");
    cc_enc_map(e, 7);
    cc_enc_kv_str(e, "eid", EX_EID);
    cc_enc_kv_str(e, "type", "received");
    cc_enc_kv_i64(e, "at", EX_AT);
    cc_enc_kv_str(e, "dossier", EX_DOSSIER);
    cc_enc_kv_str(e, "proc", "TP-LLTP");
    cc_enc_kv_str(e, "unit", "TTHCC");
    cc_enc_kv_str(e, "channel", "direct");
}

/* As reply_ack() in cc_evd.c. */
static void enc_ack(cc_enc_t *e)
{
    cc_enc_map(e, 4);
    cc_enc_kv_u64(e, "rid", 2);
    cc_enc_kv_str(e, "eid", EX_EID);
    cc_enc_kv_u64(e, "seq", EX_SEQ);
    cc_enc_kv_bool(e, "dup", false);
}

/* The same event sent again after a timeout (new rid, same eid). */
static void enc_ack_dup(cc_enc_t *e)
{
    cc_enc_map(e, 4);
    cc_enc_kv_u64(e, "rid", 9);
    cc_enc_kv_str(e, "eid", EX_EID);
    cc_enc_kv_u64(e, "seq", EX_SEQ);
    cc_enc_kv_bool(e, "dup", true);
}

/* An event with a Vietnamese string: "note" is not an intake field, so
 * intake v1 ignores it (forward compatibility) but the decoder still checks
 * its UTF-8. */
static void enc_event_sos(cc_enc_t *e)
{
    cc_enc_map(e, 2);
    cc_enc_kv_u64(e, "rid", 3);
    cc_enc_str(e, "ev");
    cc_enc_map(e, 6);
    cc_enc_kv_str(e, "eid", "q01-20250305-0007");
    cc_enc_kv_str(e, "type", "sos_requested");
    cc_enc_kv_i64(e, "at", 1741141800); /* 2025-03-05 09:30 +07 */
    cc_enc_kv_str(e, "dossier", EX_DOSSIER);
    cc_enc_kv_str(e, "kind", "supplement");
    cc_enc_kv_str(e, "note", "Bổ sung bản sao giấy khai sinh");
}

#define EX_ERR_VI "Thủ tục 'TP-KHONGCO' không có trong danh mục"
#define EX_ERR_EN "Unknown procedure 'TP-KHONGCO'"
#define EX_ERR_EID "q01-20250303-0002"

/* As cc_error_encode() with the reason of dossier.c check_unit_for_receipt(). */
static void enc_error(cc_enc_t *e)
{
    cc_enc_map(e, 6);
    cc_enc_kv_u64(e, "rid", 5);
    cc_enc_kv_str(e, "code", "unknown_procedure");
    cc_enc_kv_str(e, "vi", EX_ERR_VI);
    cc_enc_kv_str(e, "en", EX_ERR_EN);
    cc_enc_kv_str(e, "field", "proc");
    cc_enc_kv_str(e, "eid", EX_ERR_EID);
}

static void enc_read(cc_enc_t *e)
{
    cc_enc_map(e, 4);
    cc_enc_kv_u64(e, "rid", 4);
    cc_enc_kv_u64(e, "after", EX_SEQ - 1);
    cc_enc_kv_u64(e, "max", 100);
    cc_enc_kv_u64(e, "wait", 30000);
}

/* The log record of the received event: append_record() in cc_evd.c (eid,
 * type, at, by) then encode_record() in daemons/intake/intake.c. */
static void enc_record_received(cc_enc_t *e)
{
    cc_enc_map(e, 4 + 8);
    cc_enc_kv_str(e, "eid", EX_EID);
    cc_enc_kv_str(e, "type", "received");
    cc_enc_kv_i64(e, "at", EX_AT);
    cc_enc_kv_str(e, "by", EX_COUNTER);
    cc_enc_kv_str(e, "dossier", EX_DOSSIER);
    cc_enc_kv_str(e, "unit", "TTHCC");
    cc_enc_kv_str(e, "runit", "TTHCC");
    cc_enc_kv_str(e, "proc", "TP-LLTP");
    cc_enc_kv_str(e, "state", "processing");
    cc_enc_kv_i64(e, "received_at", EX_AT);
    cc_enc_kv_i64(e, "due", EX_DUE);
    cc_enc_kv_str(e, "channel", "direct");
}

/* As serve_read() in cc_evd.c: events is an array of [seq, record]. */
static void enc_batch(cc_enc_t *e)
{
    cc_enc_map(e, 4);
    cc_enc_kv_u64(e, "rid", 4);
    cc_enc_kv_u64(e, "last", EX_SEQ);
    cc_enc_kv_u64(e, "head", EX_SEQ);
    cc_enc_str(e, "events");
    cc_enc_array(e, 1);
    cc_enc_array(e, 2);
    cc_enc_u64(e, EX_SEQ);
    enc_record_received(e);
}

static void enc_ping(cc_enc_t *e)
{
    cc_enc_map(e, 2);
    cc_enc_kv_u64(e, "rid", 6);
    cc_enc_kv_str(e, "q", "ping");
}

/* As query_simple_ok() in cc_evd.c. */
static void enc_ping_result(cc_enc_t *e)
{
    cc_enc_map(e, 4);
    cc_enc_kv_u64(e, "rid", 6);
    cc_enc_kv_str(e, "daemon", "intake");
    cc_enc_kv_i64(e, "now", 1740972000); /* 2025-03-03 10:20 +07 */
    cc_enc_kv_bool(e, "test_clock", false);
}

static void enc_query_dossier(cc_enc_t *e)
{
    cc_enc_map(e, 3);
    cc_enc_kv_u64(e, "rid", 7);
    cc_enc_kv_str(e, "q", "dossier");
    cc_enc_kv_str(e, "id", EX_DOSSIER);
}

#define EX_ALERT_TEXT                                                                                           \
    "Hồ sơ " EX_DOSSIER " (thủ tục Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam, người " \
    "nước ngoài đang cư trú tại Việt Nam) quá hạn giải quyết từ 17:00 17/03/2025"

/* As sc_watch_publish() (daemons/scoring/watch.c) sends a raise of
 * sc_alerts_raise() (alerts.c) to a subscriber. */
static void enc_alert(cc_enc_t *e)
{
    cc_enc_map(e, 4);
    cc_enc_kv_u64(e, "rid", 9);
    cc_enc_kv_u64(e, "seq", 1);
    cc_enc_kv_str(e, "op", "raise");
    cc_enc_str(e, "alert");
    cc_enc_map(e, 7);
    cc_enc_kv_str(e, "id", "dossier_overdue:" EX_DOSSIER);
    cc_enc_kv_str(e, "kind", "dossier_overdue");
    cc_enc_kv_str(e, "severity", "warning");
    cc_enc_kv_str(e, "unit", "TTHCC");
    cc_enc_kv_str(e, "subject", EX_DOSSIER);
    cc_enc_kv_i64(e, "raised_at", EX_DUE);
    cc_enc_kv_str(e, "text", EX_ALERT_TEXT);
}

static void enc_query_watch(cc_enc_t *e)
{
    cc_enc_map(e, 4);
    cc_enc_kv_u64(e, "rid", 9);
    cc_enc_kv_str(e, "q", "watch");
    cc_enc_str(e, "units");
    cc_enc_array(e, 1);
    cc_enc_str(e, "TTHCC");
    cc_enc_kv_str(e, "severity", "warning");
}

typedef enum { CHECK_NONE, CHECK_HELLO, CHECK_EVENT, CHECK_ERROR } schema_check_t;

typedef struct {
    const char *name;
    cc_msg_type_t type;
    const char *topic; /* PUB topic frame, or NULL */
    void (*encode)(cc_enc_t *e);
    schema_check_t check;
} example_t;

static const example_t examples[] = {
    { "hello", CC_MSG_HELLO, NULL, enc_hello, CHECK_HELLO },
    { "hello-result", CC_MSG_RESULT, NULL, enc_hello_result, CHECK_NONE },
    { "event-received", CC_MSG_EVENT, NULL, enc_event_received, CHECK_EVENT },
    { "ack", CC_MSG_ACK, NULL, enc_ack, CHECK_NONE },
    { "ack-dup", CC_MSG_ACK, NULL, enc_ack_dup, CHECK_NONE },
    { "event-sos", CC_MSG_EVENT, NULL, enc_event_sos, CHECK_EVENT },
    { "error", CC_MSG_ERROR, NULL, enc_error, CHECK_ERROR },
    { "read", CC_MSG_READ, NULL, enc_read, CHECK_NONE },
    { "batch", CC_MSG_BATCH, NULL, enc_batch, CHECK_NONE },
    { "ping", CC_MSG_QUERY, NULL, enc_ping, CHECK_NONE },
    { "ping-result", CC_MSG_RESULT, NULL, enc_ping_result, CHECK_NONE },
    { "query-dossier", CC_MSG_QUERY, NULL, enc_query_dossier, CHECK_NONE },
    { "query-watch", CC_MSG_QUERY, NULL, enc_query_watch, CHECK_NONE },
    { "alert", CC_MSG_ALERT, NULL, enc_alert, CHECK_NONE },
};

/* Negative examples the document must show; each must be refused. */
typedef struct {
    const char *name;
    const uint8_t *hdr;
    size_t hdr_len;
    const uint8_t *body;
    size_t body_len;
} negative_t;

#define B(...) (const uint8_t[]){ __VA_ARGS__ }, sizeof((const uint8_t[]){ __VA_ARGS__ })
#define QHDR B(0x43, 0x48, 0x01, 0x04)

static const negative_t negatives[] = {
    /* {rid: 6, q: "ping"} followed by one stray byte */
    { "trailing-bytes", QHDR,
      B(0x82, 0xa3, 'r', 'i', 'd', 0x06, 0xa1, 'q', 0xa4, 'p', 'i', 'n', 'g', 0xc0) },
    /* {rid: 6, q: "p\xc3\x28"}: 0xc3 must be followed by a continuation byte */
    { "invalid-utf8", QHDR, B(0x82, 0xa3, 'r', 'i', 'd', 0x06, 0xa1, 'q', 0xa3, 'p', 0xc3, 0x28) },
    /* {rid: 6, q: "p\0"}: NUL inside a string */
    { "nul-in-string", QHDR, B(0x82, 0xa3, 'r', 'i', 'd', 0x06, 0xa1, 'q', 0xa2, 'p', 0x00) },
    /* {rid: 6, q: bin8 "ping"}: bin is not allowed */
    { "bin-value", QHDR,
      B(0x82, 0xa3, 'r', 'i', 'd', 0x06, 0xa1, 'q', 0xc4, 0x04, 'p', 'i', 'n', 'g') },
    /* {1: 6}: map keys must be strings */
    { "integer-key", QHDR, B(0x81, 0x01, 0x06) },
    /* {rid: 6, rid: 7}: a key appears once */
    { "repeated-key", QHDR, B(0x82, 0xa3, 'r', 'i', 'd', 0x06, 0xa3, 'r', 'i', 'd', 0x07) },
    /* a map32 announcing 4294967295 pairs in 5 bytes */
    { "count-too-large", QHDR, B(0xdf, 0xff, 0xff, 0xff, 0xff) },
    /* {a: [[[[1]]]]}: nesting depth 5 (limit 4) */
    { "too-deep", QHDR, B(0x81, 0xa1, 'a', 0x91, 0x91, 0x91, 0x91, 0x01) },
    /* a 17-byte key */
    { "long-key", QHDR,
      B(0x81, 0xb1, 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o', 'p',
        'q', 0x01) },
    /* the body is an array, not a map */
    { "not-a-map", QHDR, B(0x92, 0x06, 0xa4, 'p', 'i', 'n', 'g') },
    /* protocol version 2 in the header */
    { "version-2", B(0x43, 0x48, 0x02, 0x04),
      B(0x82, 0xa3, 'r', 'i', 'd', 0x06, 0xa1, 'q', 0xa4, 'p', 'i', 'n', 'g') },
};

/* ---- The document ----------------------------------------------------------- */

typedef struct {
    char kind[16]; /* "example" or "negative" */
    char lang[8];  /* "hex" or "json" */
    char name[64]; /* "hello-body", "hello" (json) */
    char *text;    /* the block's content, NUL-terminated */
    int line;      /* line of the opening fence */
} block_t;

static block_t *blocks;
static size_t n_blocks;
static char *doc;

/* Count the newlines in [@a, @b). */
static int lines_in(const char *a, const char *b)
{
    int n = 0;

    for (; a < b; a++)
        n += *a == '\n';
    return n;
}

/* Collect every fenced block whose info string is "hex <kind>=<name>" or
 * "json <kind>=<name>". */
static int load_doc(void **state)
{
    const char *p;

    (void)state;
    doc = read_text_file(PROTOCOL_MD);
    for (p = doc; *p;) {
        const char *eol = strchr(p, '\n'), *end;
        block_t b = { .line = 1 + lines_in(doc, p) };
        char info[128];

        if (eol == NULL)
            break;
        if (strncmp(p, "```", 3) != 0 || (size_t)(eol - p - 3) >= sizeof(info)) {
            p = eol + 1;
            continue;
        }
        memcpy(info, p + 3, (size_t)(eol - p - 3));
        info[eol - p - 3] = '\0';
        end = strstr(eol, "\n```");
        if (end == NULL) {
            fprintf(stderr, "%s:%d: unterminated block\n", PROTOCOL_MD, b.line);
            return -1;
        }
        if (sscanf(info, "%7s %15[a-z]=%63s", b.lang, b.kind, b.name) == 3 &&
            (strcmp(b.lang, "hex") == 0 || strcmp(b.lang, "json") == 0)) {
            b.text = strndup(eol + 1, (size_t)(end - eol));
            blocks = realloc(blocks, (n_blocks + 1) * sizeof(*blocks));
            blocks[n_blocks++] = b;
        }
        /* Skip past the closing fence line (any fenced block, marked or not). */
        p = strchr(end + 1, '\n');
        if (p == NULL)
            break;
        p++;
    }
    return 0;
}

static int free_doc(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_blocks; i++)
        free(blocks[i].text);
    free(blocks);
    free(doc);
    blocks = NULL;
    n_blocks = 0;
    doc = NULL;
    return 0;
}

static const block_t *find_block(const char *kind, const char *lang, const char *name,
                                 const char *suffix)
{
    char full[96];

    snprintf(full, sizeof(full), "%s%s", name, suffix);
    for (size_t i = 0; i < n_blocks; i++)
        if (strcmp(blocks[i].kind, kind) == 0 && strcmp(blocks[i].lang, lang) == 0 &&
            strcmp(blocks[i].name, full) == 0)
            return &blocks[i];
    return NULL;
}

/* Parse whitespace-separated two-digit hex bytes. Returns the length, or
 * -1 on a token that is not exactly two hex digits. */
static long parse_hex(const char *text, uint8_t *out, size_t size)
{
    size_t n = 0;

    for (const char *p = text; *p;) {
        unsigned v;

        if (isspace((unsigned char)*p)) {
            p++;
            continue;
        }
        if (!isxdigit((unsigned char)p[0]) || !isxdigit((unsigned char)p[1]) ||
            (p[2] && !isspace((unsigned char)p[2])) || n == size)
            return -1;
        if (sscanf(p, "%2x", &v) != 1)
            return -1;
        out[n++] = (uint8_t)v;
        p += 2;
    }
    return (long)n;
}

/* A block's bytes; fails the test when the block is missing or bad. */
static size_t block_bytes(const char *kind, const char *name, const char *suffix, uint8_t *out,
                          size_t size)
{
    const block_t *b = find_block(kind, "hex", name, suffix);
    long n;

    if (b == NULL)
        fail_msg("PROTOCOL.md has no ```hex %s=%s%s block", kind, name, suffix);
    n = parse_hex(b->text, out, size);
    if (n <= 0)
        fail_msg("PROTOCOL.md:%d: block %s%s is not whitespace-separated hex bytes", b->line, name,
                 suffix);
    return (size_t)n;
}

/* ---- JSON-like notation ----------------------------------------------------- */

typedef struct {
    char *buf;
    size_t len, cap;
} text_t;

static void put(text_t *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void put(text_t *t, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (t->len + (size_t)n + 1 > t->cap) {
        t->cap = (t->len + (size_t)n + 1) * 2;
        t->buf = realloc(t->buf, t->cap);
    }
    va_start(ap, fmt);
    vsnprintf(t->buf + t->len, t->cap - t->len, fmt, ap);
    va_end(ap);
    t->len += (size_t)n;
}

static void put_str(text_t *t, const char *s, size_t len)
{
    put(t, "\"");
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"' || s[i] == '\\')
            put(t, "\\%c", s[i]);
        else
            put(t, "%c", s[i]);
    }
    put(t, "\"");
}

static bool is_container(const msgpack_object *o)
{
    return o->type == MSGPACK_OBJECT_MAP || o->type == MSGPACK_OBJECT_ARRAY;
}

/* Render @o: maps one key a line, arrays on one line unless they hold maps
 * or arrays. */
static void render(text_t *t, const msgpack_object *o, int indent)
{
    bool tall = false;

    switch (o->type) {
    case MSGPACK_OBJECT_NIL:
        put(t, "null");
        break;
    case MSGPACK_OBJECT_BOOLEAN:
        put(t, "%s", o->via.boolean ? "true" : "false");
        break;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
        put(t, "%llu", (unsigned long long)o->via.u64);
        break;
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        put(t, "%lld", (long long)o->via.i64);
        break;
    case MSGPACK_OBJECT_STR:
        put_str(t, o->via.str.ptr, o->via.str.size);
        break;
    case MSGPACK_OBJECT_ARRAY:
        for (uint32_t i = 0; i < o->via.array.size; i++)
            tall |= is_container(&o->via.array.ptr[i]);
        put(t, "[");
        for (uint32_t i = 0; i < o->via.array.size; i++) {
            if (tall)
                put(t, "%s\n%*s", i ? "," : "", 2 * (indent + 1), "");
            else
                put(t, i ? ", " : "");
            render(t, &o->via.array.ptr[i], indent + 1);
        }
        if (tall)
            put(t, "\n%*s", 2 * indent, "");
        put(t, "]");
        break;
    case MSGPACK_OBJECT_MAP:
        put(t, "{");
        for (uint32_t i = 0; i < o->via.map.size; i++) {
            put(t, "%s\n%*s", i ? "," : "", 2 * (indent + 1), "");
            render(t, &o->via.map.ptr[i].key, indent + 1);
            put(t, ": ");
            render(t, &o->via.map.ptr[i].val, indent + 1);
        }
        if (o->via.map.size)
            put(t, "\n%*s", 2 * indent, "");
        put(t, "}");
        break;
    default:
        put(t, "?");
        break;
    }
}

/* Remove whitespace outside strings, so layout does not matter. */
static void squeeze(const char *in, char *out)
{
    bool in_str = false;

    for (; *in; in++) {
        if (in_str) {
            *out++ = *in;
            if (*in == '\\' && in[1])
                *out++ = *++in;
            else if (*in == '"')
                in_str = false;
        } else if (!isspace((unsigned char)*in)) {
            *out++ = *in;
            in_str = *in == '"';
        }
    }
    *out = '\0';
}

/* ---- Tests -------------------------------------------------------------------- */

static void encode_example(const example_t *ex, cc_enc_t *e)
{
    cc_enc_init(e);
    ex->encode(e);
}

/* The document shows every example the codec knows, and at least these. */
static void test_doc_has_all_examples(void **state)
{
    size_t hex = 0, json = 0, neg = 0;

    (void)state;
    for (size_t i = 0; i < n_blocks; i++) {
        if (strcmp(blocks[i].kind, "negative") == 0)
            neg++;
        else if (strcmp(blocks[i].lang, "hex") == 0)
            hex++;
        else
            json++;
    }
    /* Every example: header + body each; the negatives. */
    assert_true(hex >= 2 * CC_N(examples));
    assert_true(json >= CC_N(examples));
    assert_true(neg >= 2 * CC_N(negatives));
    for (size_t i = 0; i < CC_N(examples); i++) {
        const example_t *ex = &examples[i];

        if (!find_block("example", "hex", ex->name, "-header") ||
            !find_block("example", "hex", ex->name, "-body") ||
            !find_block("example", "json", ex->name, "") ||
            (ex->topic && !find_block("example", "hex", ex->name, "-topic")))
            fail_msg("PROTOCOL.md lacks a block of example '%s'", ex->name);
    }
    for (size_t i = 0; i < CC_N(negatives); i++)
        if (!find_block("negative", "hex", negatives[i].name, "-header") ||
            !find_block("negative", "hex", negatives[i].name, "-body"))
            fail_msg("PROTOCOL.md lacks negative example '%s'", negatives[i].name);
}

/* An example in the document that this test cannot check is an error. */
static void test_doc_has_no_unknown_examples(void **state)
{
    (void)state;
    for (size_t i = 0; i < n_blocks; i++) {
        const block_t *b = &blocks[i];
        bool known = false;
        char base[64];
        char *dash;

        snprintf(base, sizeof(base), "%s", b->name);
        if (strcmp(b->lang, "hex") == 0) {
            dash = strrchr(base, '-');
            if (dash == NULL || (strcmp(dash, "-header") != 0 && strcmp(dash, "-body") != 0 &&
                                 strcmp(dash, "-topic") != 0))
                fail_msg("PROTOCOL.md:%d: block name '%s' must end in -header, -body or "
                         "-topic",
                         b->line, b->name);
            *dash = '\0';
        }
        if (strcmp(b->kind, "example") == 0) {
            for (size_t k = 0; k < CC_N(examples); k++)
                known |= strcmp(examples[k].name, base) == 0;
        } else if (strcmp(b->kind, "negative") == 0) {
            for (size_t k = 0; k < CC_N(negatives); k++)
                known |= strcmp(negatives[k].name, base) == 0;
        }
        if (!known)
            fail_msg("PROTOCOL.md:%d: unknown %s '%s' (add it to test_protocol_doc.c)", b->line,
                     b->kind, b->name);
    }
}

/* Each example decodes, with the right type, under the daemon's limits. */
static void test_examples_decode(void **state)
{
    static uint8_t hdr[64], body[8192];

    (void)state;
    for (size_t i = 0; i < CC_N(examples); i++) {
        const example_t *ex = &examples[i];
        size_t hl = block_bytes("example", ex->name, "-header", hdr, sizeof(hdr));
        size_t bl = block_bytes("example", ex->name, "-body", body, sizeof(body));
        char why[256] = "";
        cc_msg_t msg = { 0 };
        int r;

        r = cc_msg_decode(hdr, hl, body, bl, &cc_limits_request, &msg, why, sizeof(why));
        if (r != 0)
            fail_msg("example %s does not decode: %s", ex->name, why);
        if (msg.type != (int)ex->type)
            fail_msg("example %s: type 0x%02x, expected 0x%02x (%s)", ex->name, msg.type, ex->type,
                     cc_msg_type_name((int)ex->type));
        assert_int_equal(msg.body.type, MSGPACK_OBJECT_MAP);
        cc_msg_deinit(&msg);
    }
}

/* Each example is byte for byte what the encoder produces. */
static void test_examples_match_encoder(void **state)
{
    static uint8_t hdr[64], body[8192], topic[64];

    (void)state;
    for (size_t i = 0; i < CC_N(examples); i++) {
        const example_t *ex = &examples[i];
        size_t hl = block_bytes("example", ex->name, "-header", hdr, sizeof(hdr));
        size_t bl = block_bytes("example", ex->name, "-body", body, sizeof(body));
        uint8_t want_hdr[CC_HEADER_LEN];
        cc_enc_t e;

        cc_header_make(want_hdr, ex->type);
        if (hl != CC_HEADER_LEN || memcmp(hdr, want_hdr, CC_HEADER_LEN) != 0)
            fail_msg("example %s: header differs from cc_header_make()", ex->name);
        encode_example(ex, &e);
        if (e.buf.size != bl || memcmp(e.buf.data, body, bl) != 0) {
            for (size_t k = 0; k < e.buf.size && k < bl; k++)
                if (((uint8_t *)e.buf.data)[k] != body[k]) {
                    fprintf(stderr, "first difference at byte %zu\n", k);
                    break;
                }
            cc_enc_deinit(&e);
            fail_msg("example %s: body differs from the encoder (%zu vs %zu bytes)", ex->name, bl,
                     e.buf.size);
        }
        cc_enc_deinit(&e);
        if (ex->topic) {
            size_t tl = block_bytes("example", ex->name, "-topic", topic, sizeof(topic));

            if (tl != strlen(ex->topic) || memcmp(topic, ex->topic, tl) != 0)
                fail_msg("example %s: topic frame differs", ex->name);
        }
    }
}

/* The JSON-like rendering in the document is the decoded body. */
static void test_examples_json_matches(void **state)
{
    static uint8_t hdr[64], body[8192];

    (void)state;
    for (size_t i = 0; i < CC_N(examples); i++) {
        const example_t *ex = &examples[i];
        const block_t *b = find_block("example", "json", ex->name, "");
        size_t hl = block_bytes("example", ex->name, "-header", hdr, sizeof(hdr));
        size_t bl = block_bytes("example", ex->name, "-body", body, sizeof(body));
        text_t t = { 0 };
        cc_msg_t msg = { 0 };
        char *a, *d;

        assert_non_null(b);
        assert_int_equal(cc_msg_decode(hdr, hl, body, bl, NULL, &msg, NULL, 0), 0);
        render(&t, &msg.body, 0);
        a = malloc(t.len + 1);
        d = malloc(strlen(b->text) + 1);
        squeeze(t.buf, a);
        squeeze(b->text, d);
        if (strcmp(a, d) != 0)
            fail_msg("PROTOCOL.md:%d: JSON of %s differs from the body:\n%s", b->line, ex->name,
                     t.buf);
        free(a);
        free(d);
        free(t.buf);
        cc_msg_deinit(&msg);
    }
}

/* Requests pass the daemons' own checks, so the examples are not merely
 * well-formed MessagePack but messages a daemon accepts. */
static void test_examples_pass_daemon_schemas(void **state)
{
    static uint8_t hdr[64], body[8192];

    (void)state;
    for (size_t i = 0; i < CC_N(examples); i++) {
        const example_t *ex = &examples[i];
        size_t hl = block_bytes("example", ex->name, "-header", hdr, sizeof(hdr));
        size_t bl = block_bytes("example", ex->name, "-body", body, sizeof(body));
        const msgpack_object *ev;
        cc_principal_t *p = NULL;
        const char *field = NULL;
        cc_dossier_event_t de;
        cc_reject_t rej;
        char why[256] = "";
        cc_msg_t msg = { 0 };
        uint64_t rid;

        assert_int_equal(cc_msg_decode(hdr, hl, body, bl, NULL, &msg, NULL, 0), 0);
        if (ex->type != CC_MSG_ALERT)
            assert_int_equal(cc_map_u64(&msg.body, "rid", &rid), 0);
        switch (ex->check) {
        case CHECK_HELLO:
            if (cc_principal_from_hello(&msg.body, &p, &field, why, sizeof(why)) != 0)
                fail_msg("example %s: HELLO refused: %s", ex->name, why);
            assert_int_equal(p->role, CC_ROLE_COUNTER);
            free(p);
            break;
        case CHECK_EVENT:
            ev = cc_map_find(&msg.body, "ev");
            assert_non_null(ev);
            if (cc_fields_check(ev, cc_event_common_fields, CC_N(cc_event_common_fields), &field,
                                why, sizeof(why)) != 0)
                fail_msg("example %s: event refused: %s", ex->name, why);
            if (cc_dossier_event_parse(ev, &de, &rej) != 0)
                fail_msg("example %s: intake refuses the event: %s", ex->name, rej.en);
            break;
        case CHECK_ERROR: {
            char code[32];

            assert_int_equal(cc_map_strcpy(&msg.body, "code", code, sizeof(code)), 0);
            assert_int_not_equal(cc_err_from_name(code), 0);
            break;
        }
        case CHECK_NONE:
            break;
        }
        cc_msg_deinit(&msg);
    }
}

/* The ERROR example is exactly what the daemons' cc_error_encode() sends. */
static void test_error_example_is_cc_error_encode(void **state)
{
    static uint8_t body[8192];
    size_t bl = block_bytes("example", "error", "-body", body, sizeof(body));
    cc_enc_t e;

    (void)state;
    cc_enc_init(&e);
    cc_error_encode(&e, 5, CC_ERR_UNKNOWN_PROCEDURE, EX_ERR_VI, EX_ERR_EN, "proc", EX_ERR_EID);
    assert_int_equal(e.buf.size, bl);
    assert_memory_equal(e.buf.data, body, bl);
    cc_enc_deinit(&e);
}

/* Every negative example in the document is refused as malformed, and the
 * known ones are shown with exactly the bytes this test expects. */
static void test_negative_examples_refused(void **state)
{
    static uint8_t hdr[64], body[8192];

    (void)state;
    for (size_t i = 0; i < n_blocks; i++) {
        char base[64], why[256] = "";
        cc_msg_t msg = { 0 };
        size_t hl, bl;
        char *dash;
        int r;

        if (strcmp(blocks[i].kind, "negative") != 0 || !strstr(blocks[i].name, "-body"))
            continue;
        snprintf(base, sizeof(base), "%s", blocks[i].name);
        dash = strrchr(base, '-');
        *dash = '\0';
        hl = block_bytes("negative", base, "-header", hdr, sizeof(hdr));
        bl = block_bytes("negative", base, "-body", body, sizeof(body));
        r = cc_msg_decode(hdr, hl, body, bl, &cc_limits_request, &msg, why, sizeof(why));
        if (r != CC_EMALFORMED)
            fail_msg("negative example %s: decode returned %d, not CC_EMALFORMED", base, r);
        for (size_t k = 0; k < CC_N(negatives); k++) {
            const negative_t *ng = &negatives[k];

            if (strcmp(ng->name, base) != 0)
                continue;
            if (hl != ng->hdr_len || memcmp(hdr, ng->hdr, hl) != 0 || bl != ng->body_len ||
                memcmp(body, ng->body, bl) != 0)
                fail_msg("negative example %s differs from the test's copy", base);
        }
    }
}

/* The error table names every code, and the message table every type. */
static void test_doc_names_codes_and_types(void **state)
{
    static const int types[] = { CC_MSG_HELLO,  CC_MSG_EVENT, CC_MSG_READ,
                                 CC_MSG_QUERY,  CC_MSG_ACK,   CC_MSG_BATCH,
                                 CC_MSG_RESULT, CC_MSG_ERROR, CC_MSG_ALERT };
    char needle[64];

    (void)state;
    for (int c = 1; c < CC_ERR_COUNT_; c++) {
        snprintf(needle, sizeof(needle), "| `%s` |", cc_err_name((cc_err_t)c));
        if (strstr(doc, needle) == NULL)
            fail_msg("PROTOCOL.md's error table lacks %s", needle);
    }
    for (size_t i = 0; i < CC_N(types); i++) {
        snprintf(needle, sizeof(needle), "| 0x%02x | %s |", types[i], cc_msg_type_name(types[i]));
        if (strstr(doc, needle) == NULL)
            fail_msg("PROTOCOL.md's message table lacks \"%s\"", needle);
    }
    for (int r = 0; r < CC_ROLE_COUNT_; r++) {
        snprintf(needle, sizeof(needle), "`%s`", cc_role_name((cc_role_t)r));
        if (strstr(doc, needle) == NULL)
            fail_msg("PROTOCOL.md does not name role %s", needle);
    }
}

/* §5.3's table of alert kinds is cc_alert_kinds: one row per kind, in
 * order, "| `kind` [subject] | severity | ...", with its usual severity
 * (and the highest, when it can rise). */
static void test_doc_alert_kinds(void **state)
{
    const char *at = strstr(doc, "| kind | severity | raised | cleared |");
    char needle[128];

    (void)state;
    assert_non_null(at);
    for (unsigned k = 0; k < CC_ALERT_KIND_COUNT_; k++) {
        const cc_alert_kind_info_t *info = &cc_alert_kind_info[k];
        const char *row;

        snprintf(needle, sizeof(needle), "\n| `%s` [%s] | `%s`", cc_vocab_name(&cc_alert_kinds, k),
                 cc_vocab_name(&cc_alert_subjects, info->subject),
                 cc_vocab_name(&cc_severities, info->severity));
        row = strstr(at, needle);
        if (row == NULL)
            fail_msg("PROTOCOL.md §5.3 lacks the row \"%s\" (or it is out of order)", needle + 1);
        if (info->raised != info->severity) {
            const char *eol = strchr(row + 1, '\n');

            snprintf(needle, sizeof(needle), "`%s`", cc_vocab_name(&cc_severities, info->raised));
            if (eol == NULL || !memmem(row, (size_t)(eol - row), needle, strlen(needle)))
                fail_msg("PROTOCOL.md §5.3: %s can become %s", cc_vocab_name(&cc_alert_kinds, k),
                         needle);
        }
        at = row + 1;
    }
}

/* Whether the document names @word in one of the forms its tables use:
 * `word`, "| word |", "| word, " or ", word |". */
static bool doc_names(const char *word)
{
    static const char *const forms[][2] = {
        { "`", "`" }, { "| ", " |" }, { "| ", ", " }, { ", ", " |" }
    };
    char needle[80];

    for (size_t i = 0; i < CC_N(forms); i++) {
        snprintf(needle, sizeof(needle), "%s%s%s", forms[i][0], word, forms[i][1]);
        if (strstr(doc, needle))
            return true;
    }
    return false;
}

/* The event types the daemons check (proto/cc_schema.c) are those of the
 * vocabularies and of the document's tables, field by field, value by
 * value. */
static void test_doc_names_event_schemas(void **state)
{
    static const cc_vocab_t *const vocab[] = { &cc_dossier_events, &cc_unit_events,
                                               &cc_hotline_events };
    size_t types = 0;

    (void)state;
    assert_int_equal(CC_N(vocab), CC_N(cc_event_groups));
    for (size_t g = 0; g < CC_N(cc_event_groups); g++) {
        const cc_event_group_t *grp = &cc_event_groups[g];

        assert_int_equal(grp->n, vocab[g]->n);
        for (size_t i = 0; i < grp->n; i++, types++) {
            const cc_event_schema_t *s = &grp->schemas[i];
            cc_event_daemon_t where;

            assert_string_equal(s->type, cc_vocab_name(vocab[g], (unsigned)i));
            assert_ptr_equal(cc_event_schema_find(s->type, strlen(s->type), &where), s);
            assert_int_equal(where, grp->daemon);
            assert_non_null(s->vi);
            assert_non_null(s->en);
            if (!doc_names(s->type))
                fail_msg("PROTOCOL.md does not name event type %s", s->type);
            for (size_t f = 0; f < s->n; f++) {
                const cc_event_field_t *fd = &s->fields[f];

                if (!doc_names(fd->check.key))
                    fail_msg("PROTOCOL.md does not name field %s of %s", fd->check.key, s->type);
                for (size_t v = fd->first; fd->values && v < fd->values->n; v++)
                    if (!doc_names(cc_vocab_name(fd->values, (unsigned)v)))
                        fail_msg("PROTOCOL.md does not name %s, a value of %s.%s",
                                 cc_vocab_name(fd->values, (unsigned)v), s->type, fd->check.key);
            }
        }
    }
    assert_int_equal(types, CC_EV_KIND_COUNT_ + CC_UEV_KIND_COUNT_ + CC_HEV_KIND_COUNT_);
    assert_null(cc_event_schema_find("frobnicated", 11, NULL));
}

/* ---- --emit: print the blocks for the document ---------------------------------- */

static void emit_hex(const char *kind, const char *name, const char *suffix, const void *data,
                     size_t len)
{
    const uint8_t *b = data;

    printf("```hex %s=%s%s\n", kind, name, suffix);
    for (size_t i = 0; i < len; i++)
        printf("%02x%s", b[i], (i % 16 == 15 || i + 1 == len) ? "\n" : " ");
    printf("```\n");
}

static int emit(void)
{
    for (size_t i = 0; i < CC_N(examples); i++) {
        const example_t *ex = &examples[i];
        uint8_t h[CC_HEADER_LEN];
        text_t t = { 0 };
        cc_msg_t msg = { 0 };
        cc_enc_t e;

        printf("@@EXAMPLE %s\n", ex->name);
        cc_header_make(h, ex->type);
        encode_example(ex, &e);
        if (ex->topic)
            emit_hex("example", ex->name, "-topic", ex->topic, strlen(ex->topic));
        emit_hex("example", ex->name, "-header", h, sizeof(h));
        emit_hex("example", ex->name, "-body", e.buf.data, e.buf.size);
        if (cc_msg_decode(h, sizeof(h), e.buf.data, e.buf.size, NULL, &msg, NULL, 0) != 0)
            return 1;
        render(&t, &msg.body, 0);
        printf("```json example=%s\n%s\n```\n", ex->name, t.buf);
        free(t.buf);
        cc_msg_deinit(&msg);
        cc_enc_deinit(&e);
    }
    for (size_t i = 0; i < CC_N(negatives); i++) {
        printf("@@NEGATIVE %s\n", negatives[i].name);
        emit_hex("negative", negatives[i].name, "-header", negatives[i].hdr, negatives[i].hdr_len);
        emit_hex("negative", negatives[i].name, "-body", negatives[i].body, negatives[i].body_len);
    }
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_doc_has_all_examples),
        cmocka_unit_test(test_doc_has_no_unknown_examples),
        cmocka_unit_test(test_examples_decode),
        cmocka_unit_test(test_examples_match_encoder),
        cmocka_unit_test(test_examples_json_matches),
        cmocka_unit_test(test_examples_pass_daemon_schemas),
        cmocka_unit_test(test_error_example_is_cc_error_encode),
        cmocka_unit_test(test_negative_examples_refused),
        cmocka_unit_test(test_doc_names_codes_and_types),
        cmocka_unit_test(test_doc_alert_kinds),
        cmocka_unit_test(test_doc_names_event_schemas),
    };

    if (argc == 2 && strcmp(argv[1], "--emit") == 0)
        return emit();
    return cmocka_run_group_tests_name("PROTOCOL.md", tests, load_doc, free_doc);
}
