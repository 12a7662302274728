/*
 * test_logpack.c - unit tests of the packed stored form of log records
 * (store/cc_logpack.{h,c}) and of the log functions that pack and unpack
 * (cc_store_log_pack, cc_log_append, cc_log_get, cc_log_scan).
 *
 * Every test runs on a real LMDB store in its own temporary directory, with
 * a "log" database packed by a packer whose table of strings is the
 * database "log_strings" and whose tabled values are those of "type", "by",
 * "unit" and "state". Records are built with msgpack-c's packer, or byte by
 * byte for forms it never writes; whatever the stored form, a record must
 * read back as exactly the bytes that were appended.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <msgpack.h>

#include "cc_base.h"
#include "cc_logpack.h"
#include "cc_store.h"
#include "support.h"

#define TABLE "log_strings"
#define KIB ((size_t)1 << 10)

static const char *const VALUES_OF[] = { "type", "by", "unit", "state", NULL };

/* ---- Records -------------------------------------------------------------------- */

typedef struct {
    uint8_t *data;
    size_t len;
} rec_t;

/* Records in order (copies). */
typedef struct {
    rec_t *v;
    size_t n, cap;
} recs_t;

static void recs_add(recs_t *rs, const void *data, size_t len)
{
    if (rs->n == rs->cap) {
        rs->cap = rs->cap ? rs->cap * 2 : 64;
        rs->v = realloc(rs->v, rs->cap * sizeof(*rs->v));
        assert_non_null(rs->v);
    }
    rs->v[rs->n].data = malloc(len ? len : 1);
    assert_non_null(rs->v[rs->n].data);
    if (len)
        memcpy(rs->v[rs->n].data, data, len);
    rs->v[rs->n].len = len;
    rs->n++;
}

static void recs_free(recs_t *rs)
{
    for (size_t i = 0; i < rs->n; i++)
        free(rs->v[i].data);
    free(rs->v);
    memset(rs, 0, sizeof(*rs));
}

static bool same(const void *p, size_t len, const rec_t *want)
{
    return len == want->len && (len == 0 || memcmp(p, want->data, len) == 0);
}

/* Up to 48 bytes of @p in hex, for failure messages. */
static const char *hex(const void *p, size_t len, char *out, size_t out_len)
{
    const uint8_t *b = p;
    size_t at = 0;

    out[0] = '\0';
    for (size_t i = 0; i < len && i < 48 && at + 3 < out_len; i++)
        at += (size_t)snprintf(out + at, out_len - at, "%02x", b[i]);
    if (len > 48 && at + 3 < out_len)
        snprintf(out + at, out_len - at, "..");
    return out;
}

/* A record being built with msgpack-c's packer. */
typedef struct {
    msgpack_sbuffer sb;
    msgpack_packer pk;
} rb_t;

static void rb_init(rb_t *b)
{
    msgpack_sbuffer_init(&b->sb);
    msgpack_packer_init(&b->pk, &b->sb, msgpack_sbuffer_write);
}

/* Add the record to @rs and free the builder. */
static void rb_done(rb_t *b, recs_t *rs)
{
    recs_add(rs, b->sb.data, b->sb.size);
    msgpack_sbuffer_destroy(&b->sb);
}

static void rb_raw(rb_t *b, const void *p, size_t n)
{
    msgpack_sbuffer_write(&b->sb, (const char *)p, n);
}

static void rb_map(rb_t *b, size_t n) { msgpack_pack_map(&b->pk, n); }
static void rb_array(rb_t *b, size_t n) { msgpack_pack_array(&b->pk, n); }
static void rb_int(rb_t *b, int64_t v) { msgpack_pack_int64(&b->pk, v); }
static void rb_nil(rb_t *b) { msgpack_pack_nil(&b->pk); }

static void rb_strn(rb_t *b, const char *s, size_t n)
{
    msgpack_pack_str(&b->pk, n);
    msgpack_pack_str_body(&b->pk, s, n);
}

static void rb_str(rb_t *b, const char *s) { rb_strn(b, s, strlen(s)); }

static void rb_bin(rb_t *b, uint8_t fill, size_t n)
{
    msgpack_pack_bin(&b->pk, n);
    for (size_t i = 0; i < n; i++)
        msgpack_sbuffer_write(&b->sb, (const char *)&fill, 1);
}

static void rb_ext(rb_t *b, int8_t type, size_t n)
{
    msgpack_pack_ext(&b->pk, n, type);
    for (size_t i = 0; i < n; i++) {
        char c = (char)('A' + i % 26);

        msgpack_sbuffer_write(&b->sb, &c, 1);
    }
}

/* @n bytes of @c, NUL-terminated, in @buf (@n + 1 bytes at least). */
static char *rep(char *buf, char c, size_t n)
{
    memset(buf, c, n);
    buf[n] = '\0';
    return buf;
}

/* The typical record: {eid, type, at, by, unit, state}. */
static void typical(recs_t *rs, const char *eid, const char *type, int64_t at, const char *by,
                    const char *unit, const char *state)
{
    rb_t b;

    rb_init(&b);
    rb_map(&b, 6);
    rb_str(&b, "eid");
    rb_str(&b, eid);
    rb_str(&b, "type");
    rb_str(&b, type);
    rb_str(&b, "at");
    rb_int(&b, at);
    rb_str(&b, "by");
    rb_str(&b, by);
    rb_str(&b, "unit");
    rb_str(&b, unit);
    rb_str(&b, "state");
    rb_str(&b, state);
    rb_done(&b, rs);
}

/* {"eid": @eid, @key: <the value that the caller packs next>}: opens the
 * map; the caller adds the value and calls rb_done. */
static void pair_open(rb_t *b, const char *eid, const char *key)
{
    rb_init(b);
    rb_map(b, 2);
    rb_str(b, "eid");
    rb_str(b, eid);
    rb_str(b, key);
}

/* ---- Fixture: a store, its log and the log's packer ---------------------------- */

typedef struct {
    char dir[64]; /* the temporary directory */
    char env[96]; /* dir/env: the environment under test */
    cc_store_t *store;
    MDB_dbi log, table;
    cc_logpack_t *pack;
    recs_t expect;  /* the log's records as appended: seq 1 first */
    bool no_inside; /* append_recs: no reading back inside the transaction */
} fixture_t;

static cc_logpack_t *pack_ok(cc_store_t *s)
{
    cc_logpack_t *p = NULL;
    int r = cc_logpack_open(s, TABLE, VALUES_OF, &p);

    if (r != 0)
        fail_msg("cc_logpack_open: %d %s", r, cc_store_strerror(r));
    assert_non_null(p);
    return p;
}

/* Open the store in f->env with @opts (NULL: the defaults), its log, and a
 * packer registered for the log. */
static void fx_open(fixture_t *f, const cc_store_opts_t *opts)
{
    f->store = store_open_ok(f->env, opts);
    f->log = store_dbi_ok(f->store, "log");
    f->pack = pack_ok(f->store);
    assert_int_equal(cc_store_log_pack(f->store, f->log, f->pack), 0);
    f->table = store_dbi_ok(f->store, TABLE);
}

static void fx_close(fixture_t *f)
{
    if (f->store)
        assert_int_equal(cc_store_log_pack(f->store, f->log, NULL), 0);
    cc_logpack_close(&f->pack);
    cc_store_close(&f->store);
}

static void fx_reopen(fixture_t *f, const cc_store_opts_t *opts)
{
    fx_close(f);
    fx_open(f, opts);
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return -1;
    temp_dir(f->dir, sizeof(f->dir), "cchc-test-logpack");
    snprintf(f->env, sizeof(f->env), "%s/env", f->dir);
    fx_open(f, NULL);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    fx_close(f);
    recs_free(&f->expect);
    rm_tree(f->dir);
    free(f);
    return 0;
}

/* ---- Writes -------------------------------------------------------------------- */

/* A write transaction that appends @n records with cc_log_append, reads
 * them back with cc_log_get inside the transaction, then returns @ret. */
typedef struct {
    MDB_dbi log;
    const rec_t *recs;
    size_t n;
    int ret;
    bool no_inside; /* skip the reading back */
    int calls;
    size_t bad;       /* records read back differently inside the transaction */
    size_t first_bad; /* the first of them */
} append_ctx_t;

static int append_body(cc_txn_t *txn, void *ctx)
{
    append_ctx_t *c = ctx;
    uint64_t first = 0, seq = 0;
    int r;

    c->calls++;
    c->bad = 0;
    for (size_t i = 0; i < c->n; i++) {
        if ((r = cc_log_append(txn, c->log, c->recs[i].data, c->recs[i].len, &seq)) < 0)
            return r;
        if (i == 0)
            first = seq;
    }
    for (size_t i = 0; i < c->n && !c->no_inside; i++) {
        const void *rec = NULL;
        size_t len = 0;

        if ((r = cc_log_get(txn, c->log, first + i, &rec, &len)) < 0)
            return r;
        if (!same(rec, len, &c->recs[i]) && c->bad++ == 0)
            c->first_bad = i;
    }
    return c->ret;
}

/* Append records @from..@from+@n-1 of @rs in one write transaction that
 * returns @ret; on commit they join f->expect. Returns cc_store_write's
 * result; *@ret_calls (may be NULL): how many times the function ran. */
static int append_recs(fixture_t *f, const recs_t *rs, size_t from, size_t n, int ret,
                       int *ret_calls)
{
    append_ctx_t c = { f->log, rs->v + from, n, ret, f->no_inside, 0, 0, 0 };
    int r = cc_store_write(f->store, append_body, &c);

    assert_true(c.calls >= 1);
    if (c.bad)
        fail_msg("%zu records read back differently inside the transaction, first #%zu", c.bad,
                 from + c.first_bad);
    if (r == 0)
        for (size_t i = 0; i < n; i++)
            recs_add(&f->expect, rs->v[from + i].data, rs->v[from + i].len);
    if (ret_calls)
        *ret_calls = c.calls;
    return r;
}

/* Append every record of @rs, committed. */
static void append_all(fixture_t *f, const recs_t *rs)
{
    int r = append_recs(f, rs, 0, rs->n, 0, NULL);

    if (r != 0)
        fail_msg("append: %d %s", r, cc_store_strerror(r));
}

/* ---- Reading back --------------------------------------------------------------- */

typedef struct {
    const recs_t *want;
    uint64_t next; /* the seq expected next */
    size_t bad;
    uint64_t bad_seq;
} scan_ctx_t;

static int scan_one(uint64_t seq, const void *rec, size_t len, void *ctx)
{
    scan_ctx_t *s = ctx;

    if ((seq != s->next || seq == 0 || seq > s->want->n || !same(rec, len, &s->want->v[seq - 1])) &&
        s->bad++ == 0)
        s->bad_seq = seq;
    s->next = seq + 1;
    return 0;
}

/* The log holds f->expect exactly: cc_log_last, cc_log_get of each seq, a
 * whole cc_log_scan, and a short scan from the middle. */
static void check_log(fixture_t *f)
{
    scan_ctx_t s = { &f->expect, 1, 0, 0 };
    uint64_t n = f->expect.n, last = 99, mid = n / 2;
    size_t count = 0;
    cc_txn_t t;
    int r;

    assert_int_equal(cc_store_read_begin(f->store, &t), 0);
    assert_int_equal(cc_log_last(&t, f->log, &last), 0);
    if (last != n) {
        cc_txn_end(&t);
        fail_msg("cc_log_last: %llu, want %llu", (unsigned long long)last, (unsigned long long)n);
    }
    for (uint64_t seq = 1; seq <= n; seq++) {
        const void *rec = NULL;
        size_t len = 0;
        char a[128], b[128];

        r = cc_log_get(&t, f->log, seq, &rec, &len);
        if (r != 0 || !same(rec, len, &f->expect.v[seq - 1])) {
            if (r == 0)
                hex(rec, len, a, sizeof(a));
            hex(f->expect.v[seq - 1].data, f->expect.v[seq - 1].len, b, sizeof(b));
            cc_txn_end(&t);
            if (r != 0)
                fail_msg("cc_log_get(%llu): %d %s; appended %s", (unsigned long long)seq, r,
                         cc_store_strerror(r), b);
            fail_msg("cc_log_get(%llu): read %zu bytes %s; appended %zu bytes %s",
                     (unsigned long long)seq, len, a, f->expect.v[seq - 1].len, b);
        }
    }
    r = cc_log_scan(&t, f->log, 0, SIZE_MAX, scan_one, &s, &count);
    if (r != 0 || count != n || s.bad != 0) {
        cc_txn_end(&t);
        fail_msg("cc_log_scan: %d, %zu records, %zu differ (first seq %llu)", r, count, s.bad,
                 (unsigned long long)s.bad_seq);
    }
    s = (scan_ctx_t){ &f->expect, mid + 1, 0, 0 };
    r = cc_log_scan(&t, f->log, mid, 3, scan_one, &s, &count);
    cc_txn_end(&t);
    assert_int_equal(r, 0);
    assert_int_equal(count, n - mid < 3 ? n - mid : 3);
    assert_int_equal(s.bad, 0);
}

/* The records of the log that cc_log_get reads back otherwise than
 * f->expect has them, described in @msg (@len bytes); how many. */
static size_t log_diffs(fixture_t *f, char *msg, size_t len)
{
    size_t diffs = 0, at = 0;
    cc_txn_t t;

    msg[0] = '\0';
    assert_int_equal(cc_store_read_begin(f->store, &t), 0);
    for (uint64_t seq = 1; seq <= f->expect.n; seq++) {
        const rec_t *want = &f->expect.v[seq - 1];
        const void *rec = NULL;
        size_t rlen = 0;
        char a[128], b[128];
        int r = cc_log_get(&t, f->log, seq, &rec, &rlen);

        if (r == 0 && same(rec, rlen, want))
            continue;
        diffs++;
        hex(want->data, want->len, b, sizeof(b));
        if (r != 0)
            snprintf(a, sizeof(a), "error %d %s", r, cc_store_strerror(r));
        else
            hex(rec, rlen, a, sizeof(a));
        if (at < len)
            at += (size_t)snprintf(msg + at, len - at, "\n  seq %llu: appended %s, read %s",
                                   (unsigned long long)seq, b, a);
    }
    cc_txn_end(&t);
    return diffs;
}

/* The stored bytes of record @seq (as cc_txn_get reads them), copied. */
static rec_t stored(fixture_t *f, uint64_t seq)
{
    uint8_t key[8];
    cc_txn_t t;
    MDB_val v;
    rec_t out;

    cc_be64_put(key, seq);
    assert_int_equal(cc_store_read_begin(f->store, &t), 0);
    assert_int_equal(cc_txn_get(&t, f->log, key, sizeof(key), &v), 0);
    out.len = v.mv_size;
    out.data = malloc(v.mv_size ? v.mv_size : 1);
    assert_non_null(out.data);
    if (v.mv_size)
        memcpy(out.data, v.mv_data, v.mv_size);
    cc_txn_end(&t);
    return out;
}

/* Whether record @seq is stored packed (0 < stored < appended, tag first)
 * or as appended; fails the test if neither. */
static bool stored_packed(fixture_t *f, uint64_t seq)
{
    rec_t s = stored(f, seq);
    const rec_t *want = &f->expect.v[seq - 1];
    bool packed = s.len > 0 && s.data[0] == CC_LOGPACK_TAG && s.len < want->len;
    bool as_is = same(s.data, s.len, want);
    char a[128];

    if (!packed && !as_is)
        fail_msg("record %llu stored neither packed nor as appended: %s", (unsigned long long)seq,
                 hex(s.data, s.len, a, sizeof(a)));
    free(s.data);
    return packed;
}

static uint64_t table_entries(fixture_t *f)
{
    uint64_t n = 0;
    cc_txn_t t;

    assert_int_equal(cc_store_read_begin(f->store, &t), 0);
    assert_int_equal(cc_txn_entries(&t, f->table, &n), 0);
    cc_txn_end(&t);
    return n;
}

/* ---- Round trips ------------------------------------------------------------------- */

/* Records of many shapes, the keys and tabled values at every length. */
static void shapes(recs_t *rs)
{
    char s[2048], k[80];
    rb_t b;

    /* 0, 1: typical records. */
    typical(rs, "e-1", "received", 123, "quay-1", "SO-TP", "processing");
    typical(rs, "e-2", "closed", -5, "quay-2", "SO-TP", "done");

    /* 2: map16, 20 pairs of mixed values (and, at the end, maps of 15 and
     * 16 pairs: the last fixmap, the first map16). */
    rb_init(&b);
    rb_map(&b, 20);
    for (int i = 0; i < 20; i++) {
        snprintf(k, sizeof(k), "f%02d", i);
        rb_str(&b, k);
        if (i % 3 == 0)
            rb_int(&b, i * 1000);
        else if (i % 3 == 1)
            rb_str(&b, k);
        else
            rb_nil(&b);
    }
    rb_done(&b, rs);

    /* 3: keys of 1..64 bytes (fixstr, then str8 from 32), values 0..63. */
    rb_init(&b);
    rb_map(&b, 64);
    for (size_t i = 1; i <= 64; i++) {
        rb_str(&b, rep(s, (char)('a' + i % 26), i));
        rb_int(&b, (int64_t)i - 1);
    }
    rb_done(&b, rs);

    /* 4..7: keys longer than a table string: 65, 200 and 255 bytes (str8),
     * 300 (str16). */
    pair_open(&b, "k65", rep(s, 'K', 65));
    rb_int(&b, 1);
    rb_done(&b, rs);
    pair_open(&b, "k200", rep(s, 'L', 200));
    rb_str(&b, "x");
    rb_done(&b, rs);
    pair_open(&b, "k255", rep(s, 'M', 255));
    rb_nil(&b);
    rb_done(&b, rs);
    pair_open(&b, "k300", rep(s, 'N', 300));
    rb_int(&b, 3);
    rb_done(&b, rs);

    /* 8..: tabled values of every length class: 1, 31 (fixstr), 32, 33, 64
     * (str8), 65 and 255 (str8, too long for the table), 300 (str16), 0. */
    {
        static const size_t lens[] = { 1, 31, 32, 33, 63, 64, 65, 255, 300, 0 };
        static const char *const keys[] = { "type", "by", "unit", "state" };

        for (size_t i = 0; i < CC_N(lens); i++) {
            pair_open(&b, "tv", keys[i % 4]);
            rb_str(&b, rep(s, (char)('p' + i), lens[i]));
            rb_done(&b, rs);
        }
    }
    /* All four tabled keys with values of 32..64 bytes in one record. */
    rb_init(&b);
    rb_map(&b, 5);
    rb_str(&b, "eid");
    rb_str(&b, "tv-all");
    rb_str(&b, "type");
    rb_str(&b, rep(s, 't', 40));
    rb_str(&b, "by");
    rb_str(&b, rep(s, 'b', 64));
    rb_str(&b, "unit");
    rb_str(&b, rep(s, 'u', 32));
    rb_str(&b, "state");
    rb_str(&b, rep(s, 's', 50));
    rb_done(&b, rs);

    /* A tabled key whose value is not a string. */
    pair_open(&b, "nv", "type");
    rb_int(&b, 5);
    rb_done(&b, rs);
    pair_open(&b, "nv", "type");
    rb_nil(&b);
    rb_done(&b, rs);
    pair_open(&b, "nv", "by");
    msgpack_pack_true(&b.pk);
    rb_done(&b, rs);
    pair_open(&b, "nv", "by");
    msgpack_pack_false(&b.pk);
    rb_done(&b, rs);
    pair_open(&b, "nv", "unit");
    rb_array(&b, 2);
    rb_int(&b, 1);
    rb_str(&b, "received"); /* a string of the table, inside: literal */
    rb_done(&b, rs);
    pair_open(&b, "nv", "state");
    rb_map(&b, 1);
    rb_str(&b, "type");
    rb_str(&b, "received");
    rb_done(&b, rs);
    pair_open(&b, "nv", "type");
    rb_bin(&b, 0x5a, 3);
    rb_done(&b, rs);
    pair_open(&b, "nv", "type");
    msgpack_pack_float(&b.pk, 1.5f);
    rb_done(&b, rs);
    pair_open(&b, "nv", "type");
    msgpack_pack_double(&b.pk, -2.25);
    rb_done(&b, rs);
    pair_open(&b, "nv", "type");
    rb_int(&b, -1);
    rb_done(&b, rs);
    pair_open(&b, "nv", "type");
    rb_int(&b, -1000);
    rb_done(&b, rs);
    pair_open(&b, "nv", "type");
    rb_int(&b, INT64_MIN);
    rb_done(&b, rs);
    pair_open(&b, "nv", "type");
    msgpack_pack_uint64(&b.pk, UINT64_MAX);
    rb_done(&b, rs);
    pair_open(&b, "nv", "type");
    rb_ext(&b, 7, 4);
    rb_done(&b, rs);

    /* Values of a key not tabled, of every MessagePack type and form. */
    rb_init(&b);
    rb_map(&b, 42);
    rb_str(&b, "v-fixint");
    rb_int(&b, 7);
    rb_str(&b, "v-u8");
    msgpack_pack_uint64(&b.pk, 200);
    rb_str(&b, "v-u16");
    msgpack_pack_uint64(&b.pk, 60000);
    rb_str(&b, "v-u32");
    msgpack_pack_uint64(&b.pk, 4000000000u);
    rb_str(&b, "v-u64");
    msgpack_pack_uint64(&b.pk, UINT64_MAX);
    rb_str(&b, "v-negfix");
    rb_int(&b, -5);
    rb_str(&b, "v-i8");
    rb_int(&b, -100);
    rb_str(&b, "v-i16");
    rb_int(&b, -30000);
    rb_str(&b, "v-i32");
    rb_int(&b, -2000000000);
    rb_str(&b, "v-i64");
    rb_int(&b, INT64_MIN);
    rb_str(&b, "v-u8-long"); /* 5 as uint8: a longer form than needed */
    msgpack_pack_fix_uint8(&b.pk, 5);
    rb_str(&b, "v-i64-long");
    msgpack_pack_fix_int64(&b.pk, 1);
    rb_str(&b, "v-nil");
    rb_nil(&b);
    rb_str(&b, "v-true");
    msgpack_pack_true(&b.pk);
    rb_str(&b, "v-false");
    msgpack_pack_false(&b.pk);
    rb_str(&b, "v-f32");
    msgpack_pack_float(&b.pk, 0.5f);
    rb_str(&b, "v-f64");
    msgpack_pack_double(&b.pk, 3.141592653589793);
    rb_str(&b, "v-fixstr");
    rb_str(&b, "received"); /* a string of the table: literal under this key */
    rb_str(&b, "v-str8");
    rb_str(&b, rep(s, 'x', 100));
    rb_str(&b, "v-str16");
    rb_str(&b, rep(s, 'y', 1000));
    rb_str(&b, "v-str32"); /* str32 of 2 bytes, by hand */
    rb_raw(&b, "\xdb\x00\x00\x00\x02hi", 7);
    rb_str(&b, "v-bin8");
    rb_bin(&b, 1, 10);
    rb_str(&b, "v-bin16");
    rb_bin(&b, 2, 300);
    rb_str(&b, "v-bin32");
    rb_raw(&b, "\xc6\x00\x00\x00\x01\x09", 6);
    rb_str(&b, "v-fixext1");
    rb_ext(&b, 1, 1);
    rb_str(&b, "v-fixext16");
    rb_ext(&b, -3, 16);
    rb_str(&b, "v-ext8");
    rb_ext(&b, 2, 5);
    rb_str(&b, "v-ext16");
    rb_ext(&b, 3, 300);
    rb_str(&b, "v-ext32");
    rb_raw(&b, "\xc9\x00\x00\x00\x01\x04z", 7);
    rb_str(&b, "v-array");
    rb_array(&b, 2);
    rb_int(&b, 1);
    rb_array(&b, 2);
    rb_int(&b, 2);
    rb_map(&b, 1);
    rb_str(&b, "x");
    rb_str(&b, "y");
    rb_str(&b, "v-array16");
    rb_array(&b, 20);
    for (int i = 0; i < 20; i++)
        rb_int(&b, i);
    rb_str(&b, "v-array32");
    rb_raw(&b, "\xdd\x00\x00\x00\x01\x01", 6);
    rb_str(&b, "v-map");
    rb_map(&b, 2);
    rb_str(&b, "a");
    rb_map(&b, 1);
    rb_str(&b, "b");
    rb_array(&b, 1);
    rb_nil(&b);
    rb_str(&b, "type");
    rb_str(&b, "received");
    rb_str(&b, "v-map16");
    rb_map(&b, 17);
    for (int i = 0; i < 17; i++) {
        snprintf(k, sizeof(k), "m%d", i);
        rb_str(&b, k);
        rb_int(&b, i);
    }
    rb_str(&b, "v-map32");
    rb_raw(&b, "\xdf\x00\x00\x00\x01\xa1k\x01", 8);
    rb_str(&b, "v-empty-array");
    rb_array(&b, 0);
    rb_str(&b, "v-empty-map");
    rb_map(&b, 0);
    rb_str(&b, "v-empty-str");
    rb_str(&b, "");
    rb_str(&b, "v-deep");
    for (int i = 0; i < 60; i++)
        rb_array(&b, 1);
    rb_int(&b, 60);
    rb_str(&b, "type");
    rb_str(&b, "received");
    rb_str(&b, "by");
    rb_str(&b, "quay-1");
    rb_str(&b, "unit");
    rb_str(&b, "");
    rb_done(&b, rs);

    /* A value nested deeper than cc_msgpack_len follows. */
    pair_open(&b, "too-deep", "v");
    for (int i = 0; i < 70; i++)
        rb_array(&b, 1);
    rb_nil(&b);
    rb_done(&b, rs);

    /* The empty map; an empty key and empty values. */
    rb_init(&b);
    rb_map(&b, 0);
    rb_done(&b, rs);
    rb_init(&b);
    rb_map(&b, 3);
    rb_str(&b, "");
    rb_str(&b, "");
    rb_str(&b, "state");
    rb_str(&b, "");
    rb_str(&b, "eid");
    rb_str(&b, "");
    rb_done(&b, rs);

    /* One string as key and as value; a key twice. */
    rb_init(&b);
    rb_map(&b, 4);
    rb_str(&b, "type");
    rb_str(&b, "type");
    rb_str(&b, "by");
    rb_str(&b, "eid");
    rb_str(&b, "eid");
    rb_str(&b, "type");
    rb_str(&b, "state");
    rb_str(&b, "state");
    rb_done(&b, rs);
    rb_init(&b);
    rb_map(&b, 3);
    rb_str(&b, "eid");
    rb_str(&b, "a");
    rb_str(&b, "eid");
    rb_str(&b, "b");
    rb_str(&b, "type");
    rb_str(&b, "received");
    rb_done(&b, rs);

    for (size_t n = 15; n <= 16; n++) {
        rb_init(&b);
        rb_map(&b, n);
        for (size_t i = 0; i < n; i++) {
            snprintf(k, sizeof(k), "g%02zu", i);
            rb_str(&b, k);
            rb_str(&b, i % 2 ? "received" : "closed");
        }
        rb_done(&b, rs);
    }

    /* The typical record again: its strings are known now. */
    typical(rs, "e-1", "received", 123, "quay-1", "SO-TP", "processing");
}

/* Records of every shape read back byte for byte with cc_log_get and
 * cc_log_scan, inside the writing transaction, after the commit and after
 * a second round; a typical record is stored tagged and shorter, one with
 * a key too long for the table as appended. */
static void test_logpack_round_trip(void **state)
{
    fixture_t *f = *state;
    recs_t rs = { 0 };
    rec_t s;
    size_t n;

    shapes(&rs);
    n = rs.n;
    /* Well-formed, all but the one nested too deep (checked by hand). */
    for (size_t i = 0; i < n; i++)
        if (cc_msgpack_len(rs.v[i].data, rs.v[i].len) != rs.v[i].len &&
            !(rs.v[i].len > 80 && rs.v[i].data[rs.v[i].len - 1] == 0xc0 &&
              rs.v[i].data[rs.v[i].len - 2] == 0x91))
            fail_msg("shape %zu is not one MessagePack value", i);
    append_all(f, &rs);
    check_log(f);

    /* The typical record: tag, then fewer bytes than appended. */
    s = stored(f, 1);
    assert_true(s.len > 0);
    assert_int_equal(s.data[0], 0xc1);
    assert_true(s.len < rs.v[0].len);
    free(s.data);
    assert_true(stored_packed(f, 2));
    assert_true(stored_packed(f, 3));
    assert_true(stored_packed(f, 4));
    /* The keys of 65..300 bytes: not packed, stored as appended. */
    for (uint64_t seq = 5; seq <= 8; seq++)
        assert_false(stored_packed(f, seq));
    /* Every record: packed and shorter, or as appended; the last three
     * (maps of 15 and 16 pairs, the typical one) packed. */
    for (uint64_t seq = 1; seq <= n; seq++)
        (void)stored_packed(f, seq);
    assert_true(stored_packed(f, n - 2));
    assert_true(stored_packed(f, n - 1));
    /* The last one repeats the first: same stored form. */
    {
        rec_t a = stored(f, 1), b = stored(f, n);

        assert_true(same(a.data, a.len, &b));
        free(a.data);
        free(b.data);
    }

    /* All of them again, in a second transaction: the strings are known. */
    append_all(f, &rs);
    check_log(f);
    fx_reopen(f, NULL);
    check_log(f);
    recs_free(&rs);
}

/* ---- Records that are not maps of strings --------------------------------------- */

/* Records that cannot be packed (not a map, a key not a string, cut short,
 * trailing bytes, a value not well-formed, a map32, nothing) are stored as
 * appended and read back identical; strings a record added before it
 * turned out unpackable do no harm. */
static void test_logpack_not_a_map(void **state)
{
    fixture_t *f = *state;
    recs_t rs = { 0 }, typ = { 0 };
    rb_t b;

    typical(&typ, "e-1", "received", 123, "quay-1", "SO-TP", "processing");

    rb_init(&b); /* an array */
    rb_array(&b, 2);
    rb_int(&b, 1);
    rb_str(&b, "type");
    rb_done(&b, &rs);
    rb_init(&b); /* a string */
    rb_str(&b, "received");
    rb_done(&b, &rs);
    rb_init(&b); /* an int key */
    rb_map(&b, 1);
    rb_int(&b, 1);
    rb_str(&b, "a");
    rb_done(&b, &rs);
    rb_init(&b); /* string keys, then an int key */
    rb_map(&b, 3);
    rb_str(&b, "eid");
    rb_str(&b, "x");
    rb_str(&b, "type");
    rb_str(&b, "before-int-key");
    rb_int(&b, 2);
    rb_str(&b, "y");
    rb_done(&b, &rs);
    rb_init(&b); /* a bin key */
    rb_map(&b, 1);
    rb_bin(&b, 'k', 3);
    rb_int(&b, 1);
    rb_done(&b, &rs);
    rb_init(&b); /* a str16 key (3 bytes): not a form of the table */
    rb_map(&b, 2);
    rb_raw(&b,
           "\xda\x00\x03"
           "eid",
           6);
    rb_str(&b, "x");
    rb_str(&b, "type");
    rb_str(&b, "received");
    rb_done(&b, &rs);
    recs_add(&rs, typ.v[0].data, typ.v[0].len - 1); /* cut short, in the last value */
    recs_add(&rs, typ.v[0].data, 20);               /* cut short, mid-record */
    recs_add(&rs, typ.v[0].data, 1);                /* the header alone */
    rb_init(&b);                                    /* more pairs announced than there are */
    rb_map(&b, 3);
    rb_str(&b, "eid");
    rb_str(&b, "x");
    rb_done(&b, &rs);
    rb_init(&b); /* map16 header cut short */
    rb_raw(&b, "\xde\x00", 2);
    rb_done(&b, &rs);
    rb_init(&b); /* trailing nil */
    rb_raw(&b, typ.v[0].data, typ.v[0].len);
    rb_nil(&b);
    rb_done(&b, &rs);
    rb_init(&b); /* two maps */
    rb_raw(&b, typ.v[0].data, typ.v[0].len);
    rb_raw(&b, typ.v[0].data, typ.v[0].len);
    rb_done(&b, &rs);
    rb_init(&b); /* a value that is not MessagePack (0xc1) */
    rb_map(&b, 2);
    rb_str(&b, "eid");
    rb_raw(&b, "\xc1", 1);
    rb_str(&b, "type");
    rb_str(&b, "received");
    rb_done(&b, &rs);
    rb_init(&b); /* a map32 */
    rb_raw(&b, "\xdf\x00\x00\x00\x02", 5);
    rb_str(&b, "eid");
    rb_str(&b, "x");
    rb_str(&b, "type");
    rb_str(&b, "received");
    rb_done(&b, &rs);
    rb_init(&b); /* nil, an int, a bin */
    rb_nil(&b);
    rb_done(&b, &rs);
    rb_init(&b);
    rb_int(&b, 123456);
    rb_done(&b, &rs);
    rb_init(&b);
    rb_bin(&b, 0x80, 8);
    rb_done(&b, &rs);
    recs_add(&rs, "", 0); /* nothing */

    append_all(f, &rs);
    check_log(f);
    for (uint64_t seq = 1; seq <= rs.n; seq++)
        if (stored_packed(f, seq))
            fail_msg("record %llu packed", (unsigned long long)seq);

    /* Packable records after them still pack and read back. */
    append_all(f, &typ);
    assert_true(stored_packed(f, f->expect.n));
    check_log(f);
    fx_reopen(f, NULL);
    check_log(f);
    recs_free(&rs);
    recs_free(&typ);
}

/* A record that starts with 0xc1 (no MessagePack value does) would read
 * back as packed: cc_log_append refuses it, and stores nothing. */
static void test_logpack_tag_first_byte(void **state)
{
    fixture_t *f = *state;
    recs_t rs = { 0 };

    typical(&rs, "e-1", "received", 123, "quay-1", "SO-TP", "processing");
    append_all(f, &rs);
    recs_free(&rs);
    recs_add(&rs, "\xc1", 1);
    recs_add(&rs, "\xc1\x00", 2);
    recs_add(&rs, "\xc1\x01\x00\xc0", 4);
    for (size_t i = 0; i < rs.n; i++)
        assert_int_equal(append_recs(f, &rs, i, 1, 0, NULL), -EINVAL);
    recs_free(&rs);
    check_log(f);
}

/* Forms longer than needed (a map16 header for 2 pairs, a str8 header for
 * a 3-byte key or tabled value), which msgpack-c never writes but other
 * encoders may, read back as appended. */
static void test_logpack_long_forms(void **state)
{
    fixture_t *f = *state;
    recs_t rs = { 0 };
    char msg[1024];
    size_t diffs;

    /* {"eid": "x", "type": "received"} with a map16 header. */
    recs_add(&rs,
             "\xde\x00\x02\xa3"
             "eid\xa1x\xa4type\xa8received",
             23);
    /* {"eid": "x", "type": "received"}, "eid" as str8. */
    recs_add(&rs,
             "\x82\xd9\x03"
             "eid\xa1x\xa4type\xa8received",
             22);
    /* {"eid": "x", "type": "received"}, "received" as str8. */
    recs_add(&rs,
             "\x82\xa3"
             "eid\xa1x\xa4type\xd9\x08received",
             22);
    f->no_inside = true;
    append_all(f, &rs);
    diffs = log_diffs(f, msg, sizeof(msg));
    recs_free(&rs);
    if (diffs)
        fail_msg("records read back otherwise:%s", msg);
    check_log(f);
}

/* ---- Records from before packing ------------------------------------------------ */

typedef struct {
    MDB_dbi log;
    const recs_t *rs;
} raw_ctx_t;

/* Put the records under be64 keys 1..n, as the log did before packing. */
static int raw_body(cc_txn_t *txn, void *ctx)
{
    raw_ctx_t *c = ctx;
    uint8_t key[8];
    int r;

    for (size_t i = 0; i < c->rs->n; i++) {
        cc_be64_put(key, i + 1);
        if ((r = cc_txn_put(txn, c->log, key, sizeof(key), c->rs->v[i].data, c->rs->v[i].len,
                            MDB_APPEND)) < 0)
            return r;
    }
    return 0;
}

/* A log written before packing (plain maps under be64 keys, in a store
 * with no table yet) takes packed records after them: the scan and the
 * gets return old and new alike, the old ones still stored as they were. */
static void test_logpack_older_records(void **state)
{
    fixture_t *f = *state;
    recs_t old = { 0 }, fresh = { 0 };
    raw_ctx_t c;
    char eid[32];
    size_t n_old;

    /* The store as an older version left it: a log, no table. */
    fx_close(f);
    rm_tree(f->env);
    f->store = store_open_ok(f->env, NULL);
    f->log = store_dbi_ok(f->store, "log");
    for (int i = 0; i < 40; i++) {
        snprintf(eid, sizeof(eid), "old-%d", i);
        typical(&old, eid, i % 2 ? "received" : "closed", 1000 + i, "quay-1", "SO-TP",
                "processing");
    }
    recs_add(&old, "\x80", 1);
    n_old = old.n;
    c = (raw_ctx_t){ f->log, &old };
    assert_int_equal(cc_store_write(f->store, raw_body, &c), 0);
    for (size_t i = 0; i < old.n; i++)
        recs_add(&f->expect, old.v[i].data, old.v[i].len);
    cc_store_close(&f->store);

    /* Now with packing. */
    fx_open(f, NULL);
    assert_int_equal(cc_logpack_strings(f->pack), 0);
    check_log(f);
    for (int i = 0; i < 40; i++) {
        snprintf(eid, sizeof(eid), "new-%d", i);
        typical(&fresh, eid, i % 2 ? "received" : "reopened", 2000 + i, "quay-2", "SO-TP",
                "processing");
    }
    append_all(f, &fresh);
    check_log(f);
    for (uint64_t seq = 1; seq <= n_old; seq++)
        assert_false(stored_packed(f, seq));
    for (uint64_t seq = n_old + 1; seq <= f->expect.n; seq++)
        assert_true(stored_packed(f, seq));

    /* Old records appended again pack too. */
    append_all(f, &old);
    assert_true(stored_packed(f, n_old + fresh.n + 1));
    fx_reopen(f, NULL);
    check_log(f);
    recs_free(&old);
    recs_free(&fresh);
}

/* ---- The table across opens ------------------------------------------------------ */

/* The table is kept: after the packer and store are closed and opened again
 * it has the same strings, earlier records unpack identically, and a record
 * of known strings adds none and is stored exactly as before; a new string
 * takes the next code and is kept too. */
static void test_logpack_table_persists(void **state)
{
    fixture_t *f = *state;
    recs_t rs = { 0 }, again = { 0 }, one = { 0 };
    size_t n1, first_seq;
    rec_t a, b;

    shapes(&rs);
    append_all(f, &rs);
    n1 = cc_logpack_strings(f->pack);
    assert_true(n1 > 100);
    assert_int_equal(table_entries(f), n1);

    fx_reopen(f, NULL);
    assert_int_equal(cc_logpack_strings(f->pack), n1);
    check_log(f);

    /* Known strings only: the first records again, and a new mix of known
     * keys and values (eid and at are not tabled). */
    typical(&again, "e-1", "received", 123, "quay-1", "SO-TP", "processing");
    typical(&again, "another-eid", "closed", 99999, "quay-1", "SO-TP", "done");
    first_seq = f->expect.n + 1;
    append_all(f, &again);
    assert_int_equal(cc_logpack_strings(f->pack), n1);
    assert_int_equal(table_entries(f), n1);
    a = stored(f, 1);
    b = stored(f, first_seq);
    assert_true(same(a.data, a.len, &b));
    free(a.data);
    free(b.data);
    assert_true(stored_packed(f, first_seq + 1));
    check_log(f);

    /* One new string. */
    typical(&one, "e-3", "escalated", 7, "quay-1", "SO-TP", "done");
    append_all(f, &one);
    assert_int_equal(cc_logpack_strings(f->pack), n1 + 1);
    fx_reopen(f, NULL);
    assert_int_equal(cc_logpack_strings(f->pack), n1 + 1);
    assert_int_equal(table_entries(f), n1 + 1);
    check_log(f);
    recs_free(&rs);
    recs_free(&again);
    recs_free(&one);
}

/* ---- Aborts and retries -------------------------------------------------------------- */

/* @n records, each with a new key and a new type value: "<prefix>-key-<i>",
 * "<prefix>-type-<i>". */
static void new_strings(recs_t *rs, const char *prefix, int n)
{
    char k[64], v[64];
    rb_t b;

    for (int i = 0; i < n; i++) {
        snprintf(k, sizeof(k), "%s-key-%d", prefix, i);
        snprintf(v, sizeof(v), "%s-type-%d", prefix, i);
        rb_init(&b);
        rb_map(&b, 3);
        rb_str(&b, "eid");
        rb_str(&b, "e");
        rb_str(&b, "type");
        rb_str(&b, v);
        rb_str(&b, k);
        rb_int(&b, i);
        rb_done(&b, rs);
    }
}

/* A transaction that added strings and then failed leaves the table as it
 * was, in memory and in the store (600 strings, so that the packer's slots
 * grew meanwhile); the next committed transaction's strings take the codes
 * again and unpack correctly, also after a reopen, and a string of the
 * aborted transaction is added anew when it comes back. */
static void test_logpack_abort_forgets(void **state)
{
    fixture_t *f = *state;
    recs_t base = { 0 }, aborted = { 0 }, ok = { 0 };
    uint64_t e0, last = 0;
    size_t n0;
    int calls = 0;
    cc_txn_t t;

    typical(&base, "e-1", "received", 123, "quay-1", "SO-TP", "processing");
    append_all(f, &base);
    n0 = cc_logpack_strings(f->pack);
    e0 = table_entries(f);
    assert_int_equal(e0, n0);

    new_strings(&aborted, "ab", 300);
    assert_int_equal(append_recs(f, &aborted, 0, aborted.n, -EIO, &calls), -EIO);
    assert_int_equal(calls, 1);
    assert_int_equal(cc_logpack_strings(f->pack), n0);
    assert_true(table_entries(f) <= e0);
    assert_int_equal(table_entries(f), e0);
    assert_int_equal(cc_store_read_begin(f->store, &t), 0);
    assert_int_equal(cc_log_last(&t, f->log, &last), 0);
    cc_txn_end(&t);
    assert_int_equal(last, 1);
    check_log(f);

    /* Other new strings, committed; then one record of the aborted ones. */
    new_strings(&ok, "ok", 300);
    append_all(f, &ok);
    assert_int_equal(cc_logpack_strings(f->pack), n0 + 600);
    assert_int_equal(table_entries(f), n0 + 600);
    assert_int_equal(append_recs(f, &aborted, 7, 1, 0, NULL), 0);
    assert_int_equal(cc_logpack_strings(f->pack), n0 + 602);
    for (uint64_t seq = 1; seq <= f->expect.n; seq++)
        assert_true(stored_packed(f, seq));
    check_log(f);

    /* An abort of known strings only changes nothing either. */
    assert_int_equal(append_recs(f, &ok, 0, 10, -EIO, NULL), -EIO);
    assert_int_equal(cc_logpack_strings(f->pack), n0 + 602);

    fx_reopen(f, NULL);
    assert_int_equal(cc_logpack_strings(f->pack), n0 + 602);
    check_log(f);
    recs_free(&base);
    recs_free(&aborted);
    recs_free(&ok);
}

#define N_RETRY 40
#define BLOB_LEN (4 * KIB)

/* cc_store_write runs its function again after the map filled (the store
 * opened with 64 KiB, records of 4 KiB with new strings each): the strings
 * of the aborted runs are forgotten, so after the commit the table holds
 * each string once and every record unpacks, also after a reopen. */
static void test_logpack_retry_map_full(void **state)
{
    fixture_t *f = *state;
    cc_store_opts_t o = { .map_size = 64 * KIB, .map_size_max = 64 * 1024 * KIB };
    recs_t rs = { 0 };
    cc_store_stats_t st;
    char k[64];
    int calls = 0;
    rb_t b;

    fx_close(f);
    rm_tree(f->env);
    fx_open(f, &o);
    cc_store_stats(f->store, &st);
    assert_true(st.map_size < (size_t)N_RETRY * BLOB_LEN);

    for (int i = 0; i < N_RETRY; i++) {
        rb_init(&b);
        rb_map(&b, 4);
        rb_str(&b, "eid");
        snprintf(k, sizeof(k), "r-%d", i);
        rb_str(&b, k);
        rb_str(&b, "type");
        snprintf(k, sizeof(k), "retry-type-%d", i);
        rb_str(&b, k);
        rb_str(&b, "by");
        snprintf(k, sizeof(k), "quay-%d", i);
        rb_str(&b, k);
        snprintf(k, sizeof(k), "blob-%d", i);
        rb_str(&b, k);
        rb_bin(&b, (uint8_t)i, BLOB_LEN);
        rb_done(&b, &rs);
    }
    assert_int_equal(append_recs(f, &rs, 0, rs.n, 0, &calls), 0);
    assert_true(calls >= 2);
    cc_store_stats(f->store, &st);
    assert_true(st.grows >= 1);
    /* eid, type, by, and three strings a record. */
    assert_int_equal(cc_logpack_strings(f->pack), 3 + 3 * N_RETRY);
    assert_int_equal(table_entries(f), 3 + 3 * N_RETRY);
    for (uint64_t seq = 1; seq <= N_RETRY; seq++)
        assert_true(stored_packed(f, seq));
    check_log(f);

    fx_reopen(f, &o);
    assert_int_equal(cc_logpack_strings(f->pack), 3 + 3 * N_RETRY);
    check_log(f);
    /* And once more after the reopen, the map full again. */
    assert_int_equal(append_recs(f, &rs, 0, rs.n, 0, NULL), 0);
    assert_int_equal(cc_logpack_strings(f->pack), 3 + 3 * N_RETRY);
    check_log(f);
    recs_free(&rs);
}

/* ---- Corruption --------------------------------------------------------------------- */

/* cc_logpack_unpack of @len bytes at @p, from a heap copy of exactly @len
 * bytes (so that the sanitizers see a read past them). */
static int unpack_copy(fixture_t *f, const void *p, size_t len, cc_logpack_buf_t *buf, rec_t *ret)
{
    uint8_t *copy = malloc(len ? len : 1);
    const void *rec = NULL;
    size_t rlen = 0;
    int r;

    assert_non_null(copy);
    if (len)
        memcpy(copy, p, len);
    r = cc_logpack_unpack(f->pack, copy, len, buf, &rec, &rlen);
    if (r == 0 && ret) {
        ret->data = malloc(rlen ? rlen : 1);
        assert_non_null(ret->data);
        if (rlen)
            memcpy(ret->data, rec, rlen);
        ret->len = rlen;
    }
    free(copy);
    return r;
}

/* A corrupt stored record at seq last+1, put by hand. */
typedef struct {
    rec_t rec;
    MDB_dbi log;
} corrupt_ctx_t;

static int corrupt_body(cc_txn_t *txn, void *ctx)
{
    const corrupt_ctx_t *c = ctx;
    uint64_t last = 0;
    uint8_t key[8];
    int r;

    if ((r = cc_log_last(txn, c->log, &last)) < 0)
        return r;
    cc_be64_put(key, last + 1);
    return cc_txn_put(txn, c->log, key, sizeof(key), c->rec.data, c->rec.len, MDB_APPEND);
}

/* Every truncation of a packed record (codes of 1 and 2 bytes, tabled
 * values, literal values nested) is refused with MDB_CORRUPTED, reading no
 * byte past the end; so are codes beyond the table, a varint too long,
 * too many pairs, trailing bytes and a cut literal value. cc_log_get and
 * cc_log_scan of such a stored value return MDB_CORRUPTED. */
static void test_logpack_corrupt(void **state)
{
    fixture_t *f = *state;
    recs_t rs = { 0 };
    cc_logpack_buf_t buf = { 0 };
    corrupt_ctx_t cc;
    rec_t s, back;
    uint8_t bad[32];
    size_t n, at, fails = 0, first_fail = 0;
    char k[32];
    uint64_t seq;
    cc_txn_t t;
    rb_t b;

    /* 150 strings first, so that the record's new strings take 2-byte codes. */
    rb_init(&b);
    rb_map(&b, 150);
    for (int i = 0; i < 150; i++) {
        snprintf(k, sizeof(k), "pad-%03d", i);
        rb_str(&b, k);
        rb_nil(&b);
    }
    rb_done(&b, &rs);
    rb_init(&b);
    rb_map(&b, 8);
    rb_str(&b, "eid"); /* code 150 */
    rb_str(&b, "e-corrupt");
    rb_str(&b, "type");
    rb_str(&b, "corrupt-type");
    rb_str(&b, "at");
    rb_int(&b, 1234567);
    rb_str(&b, "nested");
    rb_map(&b, 1);
    rb_str(&b, "a");
    rb_array(&b, 3);
    rb_int(&b, 1);
    rb_str(&b, "two");
    rb_bin(&b, 3, 4);
    rb_str(&b, "pad-007"); /* code 7: 1 byte */
    rb_str(&b, "x");
    rb_str(&b, "by");
    rb_str(&b, rep(k, 'q', 20));
    rb_str(&b, "unit");
    rb_int(&b, -7);
    rb_str(&b, "state");
    rb_str(&b, "");
    rb_done(&b, &rs);
    append_all(f, &rs);
    check_log(f);
    assert_true(cc_logpack_strings(f->pack) > 150);

    seq = 2;
    s = stored(f, seq);
    assert_true(stored_packed(f, seq));
    assert_int_equal(unpack_copy(f, s.data, s.len, &buf, &back), 0);
    assert_true(same(back.data, back.len, &rs.v[1]));
    free(back.data);
    for (size_t len = 1; len < s.len; len++) {
        int r = unpack_copy(f, s.data, len, &buf, NULL);

        if (r != MDB_CORRUPTED && fails++ == 0)
            first_fail = len;
    }
    if (fails)
        fail_msg("%zu of %zu truncations not MDB_CORRUPTED, first at %zu bytes", fails, s.len - 1,
                 first_fail);
    /* Codes beyond the table. */
    n = cc_logpack_strings(f->pack);
    at = 0;
    bad[at++] = 0xc1;
    bad[at++] = 1;
    at += cc_varint_put(bad + at, n); /* the key */
    bad[at++] = 0xc0;
    assert_int_equal(unpack_copy(f, bad, at, &buf, NULL), MDB_CORRUPTED);
    at = 0;
    bad[at++] = 0xc1;
    bad[at++] = 1;
    bad[at++] = 0; /* "pad-000" */
    bad[at++] = 0xc1;
    at += cc_varint_put(bad + at, n); /* the value */
    assert_int_equal(unpack_copy(f, bad, at, &buf, NULL), MDB_CORRUPTED);
    at = 0;
    bad[at++] = 0xc1;
    bad[at++] = 1;
    at += cc_varint_put(bad + at, UINT32_MAX);
    bad[at++] = 0xc0;
    assert_int_equal(unpack_copy(f, bad, at, &buf, NULL), MDB_CORRUPTED);
    at = 0;
    bad[at++] = 0xc1;
    bad[at++] = 1;
    at += cc_varint_put(bad + at, (uint64_t)1 << 40); /* more than 32 bits */
    bad[at++] = 0xc0;
    assert_int_equal(unpack_copy(f, bad, at, &buf, NULL), MDB_CORRUPTED);
    /* A varint of more than 64 bits. */
    memcpy(bad, "\xc1\x01\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01\xc0", 14);
    assert_int_equal(unpack_copy(f, bad, 14, &buf, NULL), MDB_CORRUPTED);
    /* More pairs than a map16 holds. */
    at = 0;
    bad[at++] = 0xc1;
    at += cc_varint_put(bad + at, 0x10000);
    assert_int_equal(unpack_copy(f, bad, at, &buf, NULL), MDB_CORRUPTED);
    /* 0x10000 well-formed pairs: still too many. */
    {
        size_t big_len = 4 + 2 * 0x10000;
        uint8_t *big = malloc(big_len);

        assert_non_null(big);
        at = 0;
        big[at++] = 0xc1;
        at += cc_varint_put(big + at, 0x10000);
        while (at + 2 <= big_len) {
            big[at++] = 0; /* "pad-000" */
            big[at++] = 0xc0;
        }
        assert_int_equal(unpack_copy(f, big, at, &buf, NULL), MDB_CORRUPTED);
        free(big);
    }
    /* Trailing bytes; a pair missing; a tag without its code; a literal cut. */
    assert_int_equal(unpack_copy(f, "\xc1\x00\xc0", 3, &buf, NULL), MDB_CORRUPTED);
    assert_int_equal(unpack_copy(f, "\xc1\x01\x00\xc0\xc0", 5, &buf, NULL), MDB_CORRUPTED);
    assert_int_equal(unpack_copy(f, "\xc1\x02\x00\xc0", 4, &buf, NULL), MDB_CORRUPTED);
    assert_int_equal(unpack_copy(f, "\xc1\x01\x00\xc1", 4, &buf, NULL), MDB_CORRUPTED);
    assert_int_equal(unpack_copy(f,
                                 "\xc1\x01\x00\xd9\x05"
                                 "ab",
                                 7, &buf, NULL),
                     MDB_CORRUPTED);
    assert_int_equal(unpack_copy(f, "\xc1\x01\x00\x92\x01", 5, &buf, NULL), MDB_CORRUPTED);
    /* A literal value that is not MessagePack (0xc4: bin8 without its length). */
    assert_int_equal(unpack_copy(f, "\xc1\x01\x00\xc4", 4, &buf, NULL), MDB_CORRUPTED);
    assert_int_equal(unpack_copy(f, "\xc1\x01\x00\xd4\x01", 5, &buf, NULL), MDB_CORRUPTED);
    /* Well-formed: {"pad-000": nil} and {}. */
    assert_int_equal(unpack_copy(f, "\xc1\x01\x00\xc0", 4, &buf, &back), 0);
    assert_int_equal(back.len, 10);
    assert_memory_equal(back.data, "\x81\xa7pad-000\xc0", 10);
    free(back.data);
    assert_int_equal(unpack_copy(f, "\xc1\x00", 2, &buf, &back), 0);
    assert_int_equal(back.len, 1);
    assert_int_equal(back.data[0], 0x80);
    free(back.data);

    /* Stored: cc_log_get and cc_log_scan refuse it; the records before it
     * still read. */
    at = 0;
    bad[at++] = 0xc1;
    bad[at++] = 1;
    at += cc_varint_put(bad + at, n);
    bad[at++] = 0xc0;
    cc.rec = (rec_t){ bad, at };
    cc.log = f->log;
    assert_int_equal(cc_store_write(f->store, corrupt_body, &cc), 0);
    assert_int_equal(cc_store_read_begin(f->store, &t), 0);
    {
        const void *rec = NULL;
        size_t len = 0, count = 0;
        scan_ctx_t sc = { &f->expect, 1, 0, 0 };

        assert_int_equal(cc_log_get(&t, f->log, 3, &rec, &len), MDB_CORRUPTED);
        assert_int_equal(cc_log_get(&t, f->log, 2, &rec, &len), 0);
        assert_true(same(rec, len, &rs.v[1]));
        assert_int_equal(cc_log_scan(&t, f->log, 2, 10, scan_one, &sc, &count), MDB_CORRUPTED);
    }
    cc_txn_end(&t);
    assert_int_equal(cc_store_read_begin(f->store, &t), 0);
    {
        size_t count = 0;
        scan_ctx_t sc = { &f->expect, 1, 0, 0 };

        assert_int_equal(cc_log_scan(&t, f->log, 0, 2, scan_one, &sc, &count), 0);
        assert_int_equal(count, 2);
        assert_int_equal(sc.bad, 0);
    }
    cc_txn_end(&t);

    cc_logpack_buf_free(&buf);
    cc_logpack_buf_free(&buf);
    free(s.data);
    recs_free(&rs);
}

/* A table written by hand: entries (be32 code or @key_len bytes, value). */
typedef struct {
    MDB_dbi table;
    const uint8_t (*keys)[8];
    const size_t *key_lens;
    const char *const *vals;
    size_t n;
} table_ctx_t;

static int table_body(cc_txn_t *txn, void *ctx)
{
    table_ctx_t *c = ctx;
    int r;

    for (size_t i = 0; i < c->n; i++)
        if ((r = cc_txn_put(txn, c->table, c->keys[i], c->key_lens[i], c->vals[i],
                            strlen(c->vals[i]), 0)) < 0)
            return r;
    return 0;
}

static int nothing_body(cc_txn_t *txn, void *ctx)
{
    return cc_txn_put(txn, *(MDB_dbi *)ctx, "k", 1, "v", 1, 0);
}

/* Open a packer on a new store (dir/table-@which) whose table holds @n
 * entries: code @codes[i] as a big-endian key of @key_lens[i] bytes (4, or
 * another length for a malformed key), string @vals[i]. Returns
 * cc_logpack_open's result; *@ret_strings: the packer's strings. */
static int open_table(fixture_t *f, int which, const uint32_t *codes, const size_t *key_lens,
                      const char *const *vals, size_t n, size_t *ret_strings)
{
    char env[128];
    uint8_t keys[8][8];
    cc_store_t *s;
    cc_logpack_t *p = NULL;
    table_ctx_t c;
    MDB_dbi other;
    int r;

    assert_true(n <= 8);
    snprintf(env, sizeof(env), "%s/table-%d", f->dir, which);
    s = store_open_ok(env, NULL);
    for (size_t i = 0; i < n; i++) {
        uint8_t be[8];

        assert_true(key_lens[i] >= 1 && key_lens[i] <= 8);
        cc_be64_put(be, codes[i]); /* the code's last @key_lens[i] bytes */
        memcpy(keys[i], be + 8 - key_lens[i], key_lens[i]);
    }
    c = (table_ctx_t){ store_dbi_ok(s, TABLE), (const uint8_t(*)[8])keys, key_lens, vals, n };
    assert_int_equal(cc_store_write(s, table_body, &c), 0);
    r = cc_logpack_open(s, TABLE, VALUES_OF, &p);
    if (r == 0) {
        assert_non_null(p);
        if (ret_strings)
            *ret_strings = cc_logpack_strings(p);
        cc_logpack_close(&p);
    } else {
        assert_null(p);
    }
    /* A failed open leaves no follower behind: writes go on. */
    other = store_dbi_ok(s, "other");
    assert_int_equal(cc_store_write(s, nothing_body, &other), 0);
    cc_store_close(&s);
    return r;
}

/* A table whose codes are not 0, 1, 2, ... (a gap, a start at 1, a jump
 * to 0x10000), a key not of 4 bytes or a string longer than
 * CC_LOGPACK_STRING_MAX makes cc_logpack_open fail with MDB_CORRUPTED (and
 * leave no follower behind); a good one, strings of 0 and 64 bytes among
 * them, opens with its strings. */
static void test_logpack_bad_table(void **state)
{
    fixture_t *f = *state;
    static const uint32_t good[] = { 0, 1, 2 }, gap[] = { 0, 1, 3 }, from1[] = { 1, 2 },
                          big[] = { 0, 0x10000 };
    static const size_t four[] = { 4, 4, 4 }, short3[] = { 4, 3 }, long8[] = { 8 };
    static const uint32_t two[] = { 0, 1 }, zero[] = { 0 };
    static const char *const vals[] = { "a", "b", "" };
    char s65[70], s64[70];
    const char *long_vals[] = { "a", rep(s65, 'z', 65) };
    const char *max_vals[] = { "a", rep(s64, 'z', 64) };
    size_t strings = 0;

    assert_int_equal(open_table(f, 0, good, four, vals, 3, &strings), 0);
    assert_int_equal(strings, 3);
    assert_int_equal(open_table(f, 1, gap, four, vals, 3, NULL), MDB_CORRUPTED);
    assert_int_equal(open_table(f, 2, from1, four, vals, 2, NULL), MDB_CORRUPTED);
    assert_int_equal(open_table(f, 3, big, four, vals, 2, NULL), MDB_CORRUPTED);
    assert_int_equal(open_table(f, 4, two, short3, vals, 2, NULL), MDB_CORRUPTED);
    assert_int_equal(open_table(f, 5, zero, long8, vals, 1, NULL), MDB_CORRUPTED);
    assert_int_equal(open_table(f, 6, two, four, long_vals, 2, NULL), MDB_CORRUPTED);
    assert_int_equal(open_table(f, 7, two, four, max_vals, 2, &strings), 0);
    assert_int_equal(strings, 2);
}

/* ---- The table's cap ------------------------------------------------------------------ */

/* With CC_LOGPACK_CODES strings in the table, new strings stay in the
 * record: a new tabled value is stored literally (the record still
 * packed), a new key leaves the record as appended; the record that filled
 * the last code mid-way is stored as appended; all of them round trip,
 * also after a reopen that loads the full table. */
static void test_logpack_table_full(void **state)
{
    fixture_t *f = *state;
    recs_t first = { 0 }, fill = { 0 }, after = { 0 };
    size_t have, n_fill;
    uint32_t next = 0;
    char k[80];
    rb_t b;

    typical(&first, "e-1", "received", 123, "quay-1", "SO-TP", "processing");
    append_all(f, &first);
    have = cc_logpack_strings(f->pack);

    /* Fill up to one code short of the cap: maps of up to 512 new keys. */
    while (have < CC_LOGPACK_CODES - 1) {
        size_t n = CC_LOGPACK_CODES - 1 - have < 512 ? CC_LOGPACK_CODES - 1 - have : 512;

        rb_init(&b);
        rb_map(&b, n);
        for (size_t i = 0; i < n; i++) {
            snprintf(k, sizeof(k), "f%05u", (unsigned)next++);
            rb_str(&b, k);
            rb_nil(&b);
        }
        rb_done(&b, &fill);
        have += n;
    }
    n_fill = fill.n;
    append_all(f, &fill);
    assert_int_equal(cc_logpack_strings(f->pack), CC_LOGPACK_CODES - 1);

    /* 0: two new keys: the first takes the last code, the record stays as is. */
    rb_init(&b);
    rb_map(&b, 2);
    rb_str(&b, "edge-a");
    rb_int(&b, 1);
    rb_str(&b, "edge-b");
    rb_int(&b, 2);
    rb_done(&b, &after);
    /* 1: the last code used: {"edge-a", "eid"}, packed. */
    rb_init(&b);
    rb_map(&b, 2);
    rb_str(&b, "edge-a");
    rb_int(&b, 5);
    rb_str(&b, "eid");
    rb_str(&b, "y");
    rb_done(&b, &after);
    /* 2, 3: new tabled values, short and of 40 bytes: literal, packed. */
    typical(&after, "e-2", "never-seen-type", 1, "never-seen-by", "SO-TP", "processing");
    typical(&after, "e-3", rep(k, 'n', 40), 1, "quay-1", "SO-TP", "processing");
    /* 4: a new key: as appended. */
    rb_init(&b);
    rb_map(&b, 2);
    rb_str(&b, "eid");
    rb_str(&b, "x");
    rb_str(&b, "never-seen-key");
    rb_int(&b, 1);
    rb_done(&b, &after);
    /* 5: known strings only: the stored form of record 1. */
    typical(&after, "e-1", "received", 123, "quay-1", "SO-TP", "processing");
    append_all(f, &after);
    assert_int_equal(cc_logpack_strings(f->pack), CC_LOGPACK_CODES);
    assert_int_equal(table_entries(f), CC_LOGPACK_CODES);
    {
        uint64_t base = 1 + n_fill;
        rec_t a, c;

        assert_false(stored_packed(f, base + 1));
        assert_true(stored_packed(f, base + 2));
        assert_true(stored_packed(f, base + 3));
        assert_true(stored_packed(f, base + 4));
        assert_false(stored_packed(f, base + 5));
        a = stored(f, 1);
        c = stored(f, base + 6);
        assert_true(same(a.data, a.len, &c));
        free(a.data);
        free(c.data);
    }
    check_log(f);

    fx_reopen(f, NULL);
    assert_int_equal(cc_logpack_strings(f->pack), CC_LOGPACK_CODES);
    check_log(f);
    append_all(f, &after);
    assert_int_equal(cc_logpack_strings(f->pack), CC_LOGPACK_CODES);
    check_log(f);
    recs_free(&first);
    recs_free(&fill);
    recs_free(&after);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_logpack_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logpack_not_a_map, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logpack_tag_first_byte, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logpack_long_forms, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logpack_older_records, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logpack_table_persists, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logpack_abort_forgets, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logpack_retry_map_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logpack_corrupt, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logpack_bad_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_logpack_table_full, setup, teardown),
    };

    return cmocka_run_group_tests_name("logpack", tests, NULL, NULL);
}
