/*
 * test_ids.c - unit tests of which log record holds an event id
 * (daemons/common/cc_ids.{h,c}): the event daemons' exactly-once.
 *
 * Every test runs on a real LMDB store in its own temporary directory with
 * the databases "log" and "meta" of an event daemon. Records are
 * MessagePack maps with "eid", "type", "at" and "by", appended with
 * cc_log_append() and each followed by cc_ids_add(), as cc_evd.c's
 * append_record() does. No log packer is registered: records are stored as
 * given, so that older stores can be built by hand ("dedupe" of both old
 * key forms, and the "ids" of layout 3) and converted by cc_ids_open().
 * Ids are UUID-like strings from a fixed pseudo-random sequence.
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
#include <sodium.h>

#include "cc_base.h"
#include "cc_codec.h"
#include "cc_idmap.h"
#include "cc_ids.h"
#include "cc_log.h"
#include "cc_proto.h"
#include "cc_store.h"
#include "support.h"

/* What cc_ids.c stores (cc_ids.h): 13 bytes a record in "id_runs". */
#define ENTRY 13
#define HAS_ID 0x01
#define HAS_DIGEST 0x02
#define CHUNK 50000 /* records converted per transaction */
#define LAYOUT_KEY "dedupe_keys"
#define HASH_KEY "ids_hash_key"
#define KIB ((size_t)1 << 10)

/* ---- Records ------------------------------------------------------------------ */

/* How a record of a hand-built older store is written. */
typedef enum {
    K_SENDER_DIGEST, /* old "dedupe" key (sender, NUL, eid); value seq, 0x01, digest, sender */
    K_SENDER_PLAIN,  /* ... value seq, sender (no digest) */
    K_EID_DIGEST,    /* old key the eid alone (before ids belonged to their sender) */
    K_EID_PLAIN,     /* ... without digest */
    K_NO_ENTRY,      /* a good record that has no old entry */
    K_BAD_BODY,      /* not MessagePack */
    K_NO_BY,         /* a map without "by" */
    K_NO_EID,        /* a map without "eid" */
    K_EID_NOT_STR,   /* "eid" is an integer */
} kind_t;

typedef struct {
    char by[CC_MAX_CODE + 1];
    char eid[CC_MAX_ID + 1];
    kind_t kind;
    bool has_digest; /* what cc_ids_find() must say */
    uint64_t digest; /* the event's (or the old entry's) */
    uint64_t seq;    /* the record's; 0 while not stored */
} rec_t;

static bool findable(const rec_t *r) { return r->kind <= K_NO_ENTRY; }

static const char *const senders[] = { "intake", "hotline", "so-tu-phap", "ubnd-quan-1",
                                       "scoring" };

/* splitmix64: a bijection of the u64s whose outputs look random. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

static uint64_t rnd(uint64_t *state) { return mix((*state)++); }

/* A UUID-like id (36 characters) into @out. */
static void uuid(char *out, size_t len, uint64_t *state)
{
    uint64_t a = rnd(state), b = rnd(state);

    snprintf(out, len, "%08x-%04x-%04x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xffffu, (unsigned)a & 0xffffu, (unsigned)(b >> 48),
             (unsigned long long)(b & 0xffffffffffffu));
}

/* @n records of random senders and ids; one in five without digest (a
 * record the daemon raises itself). */
static rec_t *recs_random(size_t n, uint64_t *state)
{
    rec_t *recs = calloc(n ? n : 1, sizeof(*recs));

    assert_non_null(recs);
    for (size_t i = 0; i < n; i++) {
        uint64_t x = rnd(state);

        snprintf(recs[i].by, sizeof(recs[i].by), "%s", senders[x % CC_N(senders)]);
        uuid(recs[i].eid, sizeof(recs[i].eid), state);
        recs[i].has_digest = x % 5 != 0;
        recs[i].digest = recs[i].has_digest ? rnd(state) : 0;
        recs[i].kind = K_NO_ENTRY;
    }
    return recs;
}

static void enc_record(cc_enc_t *e, const rec_t *rec, uint64_t i)
{
    size_t map;

    cc_enc_reset(e);
    map = cc_enc_map_open(e);
    if (rec->kind == K_EID_NOT_STR)
        cc_enc_kv_u64(e, "eid", 12345);
    else if (rec->kind != K_NO_EID)
        cc_enc_kv_str(e, "eid", rec->eid);
    cc_enc_kv_str(e, "type", "test.event");
    cc_enc_kv_i64(e, "at", 1767225600 + (int64_t)i);
    if (rec->kind != K_NO_BY)
        cc_enc_kv_str(e, "by", rec->by);
    cc_enc_map_close(e, map);
}

/* ---- Fixture: a store with "log" and "meta", and its ids ---------------------- */

typedef struct {
    char dir[64];  /* the temporary directory */
    char env[128]; /* the environment under test */
    cc_store_t *store;
    MDB_dbi log, meta;
    cc_ids_t *ids;
    cc_enc_t enc;
    uint64_t rng;
} fixture_t;

static MDB_dbi dbi_ok(cc_store_t *s, const char *name)
{
    MDB_dbi dbi = 0;
    int r = cc_store_dbi(s, name, 0, &dbi);

    if (r != 0)
        fail_msg("cc_store_dbi(%s): %d %s", name, r, cc_store_strerror(r));
    return dbi;
}

/* Open the store in @f->env (@opts: NULL for the defaults), no ids yet. */
static void fx_open_store(fixture_t *f, const cc_store_opts_t *opts)
{
    f->store = store_open_ok(f->env, opts);
    f->log = dbi_ok(f->store, "log");
    f->meta = dbi_ok(f->store, "meta");
}

static uint64_t log_head(fixture_t *f)
{
    uint64_t head = 0;
    cc_txn_t txn;

    assert_int_equal(cc_store_read_begin(f->store, &txn), 0);
    assert_int_equal(cc_log_last(&txn, f->log, &head), 0);
    cc_txn_end(&txn);
    return head;
}

/* Open the ids as a daemon does: head = the log's last seq. */
static void fx_open_ids(fixture_t *f)
{
    int r = cc_ids_open(f->store, f->meta, f->log, log_head(f), &f->ids);

    if (r != 0)
        fail_msg("cc_ids_open: %d %s", r, cc_store_strerror(r));
    assert_non_null(f->ids);
}

static void fx_close(fixture_t *f)
{
    cc_ids_close(&f->ids);
    assert_null(f->ids);
    cc_store_close(&f->store);
}

/* Close the ids and the store, then open both again. */
static void fx_reopen(fixture_t *f, const cc_store_opts_t *opts)
{
    fx_close(f);
    fx_open_store(f, opts);
    fx_open_ids(f);
}

/* Use the environment @name under the test's directory (not opened). */
static void fx_env(fixture_t *f, const char *name)
{
    snprintf(f->env, sizeof(f->env), "%s/%s", f->dir, name);
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return -1;
    temp_dir(f->dir, sizeof(f->dir), "cchc-test-ids");
    fx_env(f, "env");
    cc_enc_init(&f->enc);
    f->rng = 20260101;
    *state = f;
    return 0;
}

/* setup() and a new store with its ids. */
static int setup_open(void **state)
{
    fixture_t *f;

    if (setup(state) != 0)
        return -1;
    f = *state;
    fx_open_store(f, NULL);
    fx_open_ids(f);
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    fx_close(f);
    cc_enc_deinit(&f->enc);
    rm_tree(f->dir);
    free(f);
    return 0;
}

/* ---- Adding, as cc_evd.c's append_record() ----------------------------------- */

static uint64_t hash_of(fixture_t *f, const char *by, const char *eid)
{
    cc_str_t id = { eid, strlen(eid) };

    return cc_ids_hash(f->ids, by, id);
}

static int append_one(fixture_t *f, cc_txn_t *txn, rec_t *rec)
{
    uint64_t seq;
    int r;

    enc_record(&f->enc, rec, rec->seq);
    if ((r = cc_log_append(txn, f->log, f->enc.buf.data, f->enc.buf.size, &seq)) < 0 ||
        (r = cc_ids_add(f->ids, txn, seq, hash_of(f, rec->by, rec->eid),
                        rec->has_digest ? &rec->digest : NULL)) < 0)
        return r;
    rec->seq = seq;
    return 0;
}

/* A write transaction that appends @n records, then runs @check (if any)
 * inside it and returns @ret. */
typedef struct {
    fixture_t *f;
    rec_t *recs;
    size_t n;
    int ret;
    int calls;
    void (*check)(fixture_t *f, cc_txn_t *txn, void *arg);
    void *arg;
} add_ctx_t;

static int add_body(cc_txn_t *txn, void *ctx)
{
    add_ctx_t *c = ctx;
    int r;

    c->calls++;
    for (size_t i = 0; i < c->n; i++)
        if ((r = append_one(c->f, txn, &c->recs[i])) < 0)
            return r;
    if (c->check)
        c->check(c->f, txn, c->arg);
    return c->ret;
}

static void add_ok(fixture_t *f, rec_t *recs, size_t n)
{
    add_ctx_t c = { .f = f, .recs = recs, .n = n };
    int r = cc_store_write(f->store, add_body, &c);

    if (r != 0)
        fail_msg("cc_store_write (adding %zu records): %d %s", n, r, cc_store_strerror(r));
}

/* ---- Finding ------------------------------------------------------------------- */

static int find(fixture_t *f, cc_txn_t *txn, const char *by, const char *eid, cc_id_found_t *ret)
{
    cc_str_t id = { eid, strlen(eid) };

    memset(ret, 0xa5, sizeof(*ret));
    return cc_ids_find(f->ids, txn, hash_of(f, by, eid), by, id, ret);
}

/* @rec is found at its seq, with its digest (if it has one). */
static void find_ok(fixture_t *f, cc_txn_t *txn, const rec_t *rec)
{
    cc_id_found_t got;
    int r = find(f, txn, rec->by, rec->eid, &got);

    if (r != 0)
        fail_msg("cc_ids_find(%s, %s): %d %s, expected record %llu", rec->by, rec->eid, r,
                 cc_store_strerror(r), (unsigned long long)rec->seq);
    if (got.seq != rec->seq)
        fail_msg("cc_ids_find(%s, %s): record %llu, expected %llu", rec->by, rec->eid,
                 (unsigned long long)got.seq, (unsigned long long)rec->seq);
    if (got.has_digest != rec->has_digest)
        fail_msg("cc_ids_find(%s, %s) (record %llu): has_digest %d, expected %d", rec->by, rec->eid,
                 (unsigned long long)rec->seq, got.has_digest, rec->has_digest);
    assert_int_equal(got.digest, rec->has_digest ? rec->digest : 0);
}

static void find_absent(fixture_t *f, cc_txn_t *txn, const char *by, const char *eid)
{
    cc_id_found_t got;
    int r = find(f, txn, by, eid, &got);

    if (r != -ENOENT)
        fail_msg("cc_ids_find(%s, %s): %d (record %llu), expected -ENOENT", by, eid, r,
                 r == 0 ? (unsigned long long)got.seq : 0ull);
}

/* Every findable record of @recs is found, in a read transaction. */
static void find_all(fixture_t *f, const rec_t *recs, size_t n)
{
    cc_txn_t txn;

    assert_int_equal(cc_store_read_begin(f->store, &txn), 0);
    for (size_t i = 0; i < n; i++)
        if (findable(&recs[i]))
            find_ok(f, &txn, &recs[i]);
    cc_txn_end(&txn);
}

/* ---- The stored runs ------------------------------------------------------------- */

typedef struct {
    fixture_t *f;
    const rec_t *const *by_seq; /* [seq]: the record (seq 1 .. head) */
    uint64_t next;              /* the first seq of the next run */
    size_t n_runs;
    uint64_t *firsts; /* optional, max_runs: each run's first seq */
    size_t *lens;     /* optional: each run's records */
    size_t max_runs;
} runs_check_t;

/* One run: it follows the previous one, 13 bytes a record, each entry as
 * cc_ids.h has it (flags, the high 32 bits of the hash, the digest). */
static int run_one(const MDB_val *key, const MDB_val *val, void *ctx)
{
    runs_check_t *c = ctx;
    const uint8_t *e = val->mv_data;
    uint64_t first;
    size_t n;

    assert_int_equal(key->mv_size, 8);
    first = cc_be64_get(key->mv_data);
    assert_int_equal(first, c->next);
    assert_int_equal(val->mv_size % ENTRY, 0);
    assert_true(val->mv_size > 0);
    n = val->mv_size / ENTRY;
    if (c->firsts && c->n_runs < c->max_runs) {
        c->firsts[c->n_runs] = first;
        c->lens[c->n_runs] = n;
    }
    for (size_t i = 0; i < n; i++, e += ENTRY) {
        const rec_t *rec = c->by_seq[first + i];
        uint64_t tag, digest = cc_be64_get(e + 5);

        assert_non_null(rec);
        assert_int_equal(rec->seq, first + i);
        if (!findable(rec)) {
            assert_int_equal(e[0] & HAS_ID, 0);
            continue;
        }
        assert_int_equal(e[0], HAS_ID | (rec->has_digest ? HAS_DIGEST : 0));
        tag = (uint64_t)e[1] << 24 | (uint64_t)e[2] << 16 | (uint64_t)e[3] << 8 | e[4];
        assert_int_equal(tag, hash_of(c->f, rec->by, rec->eid) >> 32);
        assert_int_equal(digest, rec->has_digest ? rec->digest : 0);
    }
    c->next = first + n;
    c->n_runs++;
    return 0;
}

/* The runs cover records 1 .. @head, one per write transaction; returns
 * how many there are (their first seqs and lengths in @firsts, @lens). */
static size_t check_runs(fixture_t *f, const rec_t *const *by_seq, uint64_t head, uint64_t *firsts,
                         size_t *lens, size_t max_runs)
{
    runs_check_t c = { f, by_seq, 1, 0, firsts, lens, max_runs };
    MDB_dbi runs = dbi_ok(f->store, "id_runs");
    uint64_t entries = 0;
    cc_txn_t txn;

    assert_int_equal(cc_store_read_begin(f->store, &txn), 0);
    assert_int_equal(cc_txn_scan(&txn, runs, NULL, 0, run_one, &c), 0);
    assert_int_equal(cc_txn_entries(&txn, runs, &entries), 0);
    cc_txn_end(&txn);
    assert_int_equal(entries, c.n_runs);
    assert_int_equal(c.next, head + 1);
    return c.n_runs;
}

/* by_seq of @n records (seq 1 .. n, possibly in any order in @recs). */
static const rec_t **index_by_seq(const rec_t *recs, size_t n, uint64_t head)
{
    const rec_t **by_seq = calloc(head + 1, sizeof(*by_seq));

    assert_non_null(by_seq);
    for (size_t i = 0; i < n; i++)
        if (recs[i].seq != 0) {
            assert_true(recs[i].seq <= head);
            assert_null(by_seq[recs[i].seq]);
            by_seq[recs[i].seq] = &recs[i];
        }
    return by_seq;
}

static uint64_t meta_u64(fixture_t *f, const char *key)
{
    uint64_t v = 0;
    cc_txn_t txn;

    assert_int_equal(cc_store_read_begin(f->store, &txn), 0);
    assert_int_equal(cc_txn_get_u64(&txn, f->meta, key, &v), 0);
    cc_txn_end(&txn);
    return v;
}

/* Whether the named database @name exists. */
static bool has_dbi(fixture_t *f, const char *name)
{
    MDB_dbi dbi;
    cc_txn_t txn;
    int r;

    assert_int_equal(cc_store_read_begin(f->store, &txn), 0);
    r = cc_txn_dbi_find(&txn, name, &dbi);
    cc_txn_end(&txn);
    assert_true(r == 0 || r == -ENOENT);
    return r == 0;
}

/* ---- 1. Finding after adding -------------------------------------------------- */

static rec_t one_alice, one_tick, one_zero;

/* In the adding transaction, and after it: its records are found, nobody
 * else's ids. */
static void check_in_first_txn(fixture_t *f, cc_txn_t *txn, void *arg)
{
    (void)arg;
    find_ok(f, txn, &one_alice);
    find_ok(f, txn, &one_tick);
    find_ok(f, txn, &one_zero);
    find_absent(f, txn, "bob", one_alice.eid);    /* another sender, same eid */
    find_absent(f, txn, "alice", "evt-0002");     /* another eid */
    find_absent(f, txn, "intake", one_alice.eid); /* the daemon's own namespace */
    find_absent(f, txn, "alice", one_tick.eid);   /* the daemon's id, another sender */
}

static rec_t one_bob;

/* A later transaction sees the committed records and its own. */
static void check_in_second_txn(fixture_t *f, cc_txn_t *txn, void *arg)
{
    (void)arg;
    find_ok(f, txn, &one_bob);
    find_ok(f, txn, &one_alice);
    find_ok(f, txn, &one_tick);
    find_ok(f, txn, &one_zero);
}

/* An id is found in the transaction that added it and after the commit,
 * with its digest (a record added with a NULL digest has none; a digest of
 * 0 is still a digest); the same event id of another sender is not found
 * until that sender stores it, and then each finds its own record. */
static void test_ids_find_after_add(void **state)
{
    fixture_t *f = *state;
    rec_t first[3];
    add_ctx_t c = { .f = f, .recs = first, .n = 3, .check = check_in_first_txn };
    cc_txn_t txn;

    one_alice = (rec_t){ "alice", "evt-0001", K_NO_ENTRY, true, 0x0123456789abcdefu, 0 };
    one_tick = (rec_t){ "intake", "tick-2026-01-01", K_NO_ENTRY, false, 0, 0 };
    one_zero = (rec_t){ "carol", "evt-0001", K_NO_ENTRY, true, 0, 0 };
    first[0] = one_alice;
    first[1] = one_tick;
    first[2] = one_zero;
    one_alice.seq = 1;
    one_tick.seq = 2;
    one_zero.seq = 3;
    assert_int_equal(cc_store_write(f->store, add_body, &c), 0);
    assert_int_equal(c.calls, 1);
    assert_int_equal(first[0].seq, 1);
    assert_int_equal(first[2].seq, 3);
    assert_int_equal(cc_ids_count(f->ids), 3);

    assert_int_equal(cc_store_read_begin(f->store, &txn), 0);
    check_in_first_txn(f, &txn, NULL);
    cc_txn_end(&txn);

    one_bob = (rec_t){ "bob", "evt-0001", K_NO_ENTRY, true, 0xfedcba9876543210u, 0 };
    c = (add_ctx_t){ .f = f, .recs = &one_bob, .n = 1, .check = check_in_second_txn };
    assert_int_equal(cc_store_write(f->store, add_body, &c), 0);
    assert_int_equal(one_bob.seq, 4);
    assert_int_equal(cc_ids_count(f->ids), 4);
    assert_true(cc_ids_map_bytes(f->ids) >= 4 * 8);

    assert_int_equal(cc_store_read_begin(f->store, &txn), 0);
    check_in_second_txn(f, &txn, NULL);
    find_absent(f, &txn, "dave", "evt-0001");
    cc_txn_end(&txn);
}

/* ---- 2. Many transactions ------------------------------------------------------ */

#define MANY 20000
#define MANY_TXN_MAX 133 /* about 300 transactions */
#define MAX_TXNS 2000

/* Add @recs in write transactions of 1 .. MANY_TXN_MAX records; returns
 * how many, each one's size in @lens. */
static size_t add_in_txns(fixture_t *f, rec_t *recs, size_t n, size_t *lens, size_t max_txns)
{
    size_t done = 0, t = 0;

    while (done < n) {
        size_t k = 1 + rnd(&f->rng) % MANY_TXN_MAX;

        if (k > n - done)
            k = n - done;
        add_ok(f, recs + done, k);
        assert_true(t < max_txns);
        lens[t++] = k;
        done += k;
    }
    return t;
}

/* 20 000 records of random ids in about 300 transactions: every id is
 * found at its seq with its digest, ids never added (or of another sender)
 * are not, and "id_runs" holds one value per transaction, of 13 bytes a
 * record, each entry as the header describes it. */
static void test_ids_many_transactions(void **state)
{
    fixture_t *f = *state;
    rec_t *recs = recs_random(MANY, &f->rng);
    size_t lens[MAX_TXNS], run_lens[MAX_TXNS], n_txns, n_runs;
    uint64_t firsts[MAX_TXNS], seq = 1;
    const rec_t **by_seq;
    cc_txn_t txn;

    n_txns = add_in_txns(f, recs, MANY, lens, MAX_TXNS);
    assert_true(n_txns > 100);
    for (size_t i = 0; i < MANY; i++)
        assert_int_equal(recs[i].seq, i + 1);
    assert_int_equal(cc_ids_count(f->ids), MANY);
    find_all(f, recs, MANY);

    assert_int_equal(cc_store_read_begin(f->store, &txn), 0);
    for (size_t i = 0; i < 2000; i++) {
        char eid[CC_MAX_ID + 1];

        uuid(eid, sizeof(eid), &f->rng);
        find_absent(f, &txn, senders[i % CC_N(senders)], eid);
    }
    for (size_t i = 0; i < MANY; i += 7) /* the same eid, another sender */
        find_absent(f, &txn, strcmp(recs[i].by, "intake") ? "intake" : "hotline", recs[i].eid);
    cc_txn_end(&txn);

    by_seq = index_by_seq(recs, MANY, MANY);
    n_runs = check_runs(f, by_seq, MANY, firsts, run_lens, MAX_TXNS);
    assert_int_equal(n_runs, n_txns);
    for (size_t t = 0; t < n_txns; t++) {
        assert_int_equal(firsts[t], seq);
        assert_int_equal(run_lens[t], lens[t]);
        seq += lens[t];
    }
    free(by_seq);
    free(recs);
}

/* ---- 3. Reopening ------------------------------------------------------------------- */

/* After the ids and the store are closed and opened again (head = the
 * log's last seq), every id is still found and cc_ids_count is the number
 * of records; records added after a reopen continue the seqs and survive
 * another reopen. */
static void test_ids_reopen(void **state)
{
    fixture_t *f = *state;
    size_t n = 6000, lens[MAX_TXNS], n_txns;
    rec_t *recs = recs_random(n, &f->rng);
    const rec_t **by_seq;
    cc_txn_t txn;

    n_txns = add_in_txns(f, recs, 4000, lens, MAX_TXNS);
    fx_reopen(f, NULL);
    assert_int_equal(cc_ids_count(f->ids), 4000);
    assert_int_equal(meta_u64(f, LAYOUT_KEY), 4);
    find_all(f, recs, 4000);
    assert_int_equal(cc_store_read_begin(f->store, &txn), 0);
    for (size_t i = 4000; i < n; i++)
        find_absent(f, &txn, recs[i].by, recs[i].eid);
    cc_txn_end(&txn);
    n_txns += add_in_txns(f, recs + 4000, n - 4000, lens + n_txns, MAX_TXNS - n_txns);
    assert_int_equal(recs[n - 1].seq, n);
    fx_reopen(f, NULL);
    assert_int_equal(cc_ids_count(f->ids), n);
    find_all(f, recs, n);
    by_seq = index_by_seq(recs, n, n);
    assert_int_equal(check_runs(f, by_seq, n, NULL, NULL, 0), n_txns);
    free(by_seq);
    free(recs);
}

/* ---- 4. Aborted transactions ----------------------------------------------------- */

typedef struct {
    rec_t *recs;
    size_t n;
} span_t;

/* Inside the transaction: its records are found (before it aborts). */
static void check_span(fixture_t *f, cc_txn_t *txn, void *arg)
{
    const span_t *s = arg;

    for (size_t i = 0; i < s->n; i++)
        find_ok(f, txn, &s->recs[i]);
}

static void find_none(fixture_t *f, const rec_t *recs, size_t n)
{
    cc_txn_t txn;

    assert_int_equal(cc_store_read_begin(f->store, &txn), 0);
    for (size_t i = 0; i < n; i++)
        find_absent(f, &txn, recs[i].by, recs[i].eid);
    cc_txn_end(&txn);
}

/* A follower whose prepare fails: its transaction aborts after the ids
 * wrote their run (followers are called in the order they came). */
static int failing_prepare(cc_txn_t *txn, void *ctx)
{
    (void)txn;
    (*(int *)ctx)++;
    return -EIO;
}

/* A transaction that adds records and then fails (its function returns
 * -EIO, or a later follower's prepare does, after the ids wrote their run)
 * leaves none of its ids findable and no run; the next committed
 * transaction reuses the seqs (the log aborted too), and its records, the
 * retried ids of the aborted one among them, are found at their own seqs,
 * also after a reopen. */
static void test_ids_abort(void **state)
{
    fixture_t *f = *state;
    rec_t *recs = recs_random(60, &f->rng), *a = recs, *b = recs + 10, *c = recs + 30, d[20];
    span_t sb = { b, 20 }, sc = { c, 10 };
    add_ctx_t ctx = { .f = f, .recs = b, .n = 20, .ret = -EIO, .check = check_span, .arg = &sb };
    uint64_t firsts[4];
    size_t lens[4];
    const rec_t **by_seq;
    int fails = 0;

    add_ok(f, a, 10);
    assert_int_equal(a[9].seq, 10);

    assert_int_equal(cc_store_write(f->store, add_body, &ctx), -EIO);
    assert_int_equal(ctx.calls, 1);
    assert_int_equal(b[0].seq, 11); /* where it was, inside */
    assert_int_equal(cc_ids_count(f->ids), 10);
    find_none(f, b, 20);
    find_all(f, a, 10);
    assert_int_equal(log_head(f), 10);

    assert_int_equal(cc_store_follow(f->store, failing_prepare, NULL, NULL, &fails), 0);
    ctx = (add_ctx_t){ .f = f, .recs = c, .n = 10, .check = check_span, .arg = &sc };
    assert_int_equal(cc_store_write(f->store, add_body, &ctx), -EIO);
    cc_store_unfollow(f->store, &fails);
    assert_int_equal(fails, 1);
    assert_int_equal(c[0].seq, 11);
    assert_int_equal(cc_ids_count(f->ids), 10);
    find_none(f, c, 10);
    assert_int_equal(log_head(f), 10);

    /* The retry: half of the first aborted ids, and new ones. */
    for (size_t i = 0; i < 10; i++) {
        d[i] = b[i];
        d[10 + i] = recs[40 + i];
    }
    add_ok(f, d, 20);
    for (size_t i = 0; i < 20; i++)
        assert_int_equal(d[i].seq, 11 + i);
    assert_int_equal(cc_ids_count(f->ids), 30);
    find_all(f, a, 10);
    find_all(f, d, 20);
    find_none(f, b + 10, 10);
    find_none(f, c, 10);

    for (size_t i = 10; i < 60; i++)
        recs[i].seq = 0; /* not stored: d holds the stored ones */
    fx_reopen(f, NULL);
    assert_int_equal(cc_ids_count(f->ids), 30);
    find_all(f, a, 10);
    find_all(f, d, 20);
    find_none(f, b + 10, 10);
    find_none(f, c, 10);
    by_seq = index_by_seq(d, 20, 30);
    for (size_t i = 0; i < 10; i++)
        by_seq[a[i].seq] = &a[i];
    assert_int_equal(check_runs(f, by_seq, 30, firsts, lens, 4), 2);
    assert_int_equal(firsts[0], 1);
    assert_int_equal(lens[0], 10);
    assert_int_equal(firsts[1], 11);
    assert_int_equal(lens[1], 20);
    free(by_seq);
    free(recs);
}

/* cc_ids_add refuses a seq out of order in its transaction (-EINVAL) and
 * one past CC_IDMAP_VALUE_MAX (-EOVERFLOW); the transactions that fail so
 * leave no id and no run, and the next one starts its run afresh. */
static int bad_adds_body(cc_txn_t *txn, void *ctx)
{
    fixture_t *f = ctx;
    rec_t rec = { "alice", "evt-1", K_NO_ENTRY, false, 0, 0 };
    uint64_t h = hash_of(f, "alice", "evt-2");

    assert_int_equal(append_one(f, txn, &rec), 0);
    assert_int_equal(rec.seq, 1);
    return cc_ids_add(f->ids, txn, 3, h, NULL);
}

static int overflow_body(cc_txn_t *txn, void *ctx)
{
    fixture_t *f = ctx;

    return cc_ids_add(f->ids, txn, (uint64_t)CC_IDMAP_VALUE_MAX + 1, hash_of(f, "a", "b"), NULL);
}

static void test_ids_add_errors(void **state)
{
    fixture_t *f = *state;
    rec_t rec = { "alice", "evt-1", K_NO_ENTRY, true, 42, 0 };
    const rec_t *by_seq[2] = { NULL, &rec };
    cc_ids_t *none = NULL;

    assert_int_equal(cc_store_write(f->store, bad_adds_body, f), -EINVAL);
    assert_int_equal(cc_ids_count(f->ids), 0);
    assert_int_equal(cc_store_write(f->store, overflow_body, f), -EOVERFLOW);
    assert_int_equal(cc_ids_count(f->ids), 0);
    add_ok(f, &rec, 1);
    assert_int_equal(rec.seq, 1);
    find_all(f, &rec, 1);
    assert_int_equal(check_runs(f, by_seq, 1, NULL, NULL, 0), 1);
    cc_ids_close(&none); /* accepts NULL */
    cc_ids_close(NULL);
}

/* ---- 5. A full map ------------------------------------------------------------------ */

/* In a store whose map starts tiny, cc_store_write() runs the adding
 * function again after growing the map (MDB_MAP_FULL): afterwards each id
 * is there once (cc_ids_count), found at the record it ended up in, and
 * each transaction wrote one run. */
static void test_ids_map_full_retry(void **state)
{
    fixture_t *f = *state;
    cc_store_opts_t tiny = { .map_size = 64 * KIB };
    size_t n = 6000, per = 1500;
    rec_t *recs = recs_random(n, &f->rng);
    const rec_t **by_seq;
    cc_store_stats_t st;
    uint64_t firsts[4];
    size_t lens[4];
    int calls = 0;

    fx_open_store(f, &tiny);
    fx_open_ids(f);
    for (size_t t = 0; t < n / per; t++) {
        span_t s = { recs + t * per, per };
        add_ctx_t c = { .f = f, .recs = recs + t * per, .n = per, .check = check_span, .arg = &s };

        assert_int_equal(cc_store_write(f->store, add_body, &c), 0);
        calls += c.calls;
    }
    cc_store_stats(f->store, &st);
    assert_true(st.grows >= 2);
    assert_true(calls > 4); /* some functions ran again */
    assert_int_equal(cc_ids_count(f->ids), n);
    find_all(f, recs, n);
    by_seq = index_by_seq(recs, n, n);
    assert_int_equal(check_runs(f, by_seq, n, firsts, lens, 4), 4);
    for (size_t t = 0; t < 4; t++) {
        assert_int_equal(firsts[t], 1 + t * per);
        assert_int_equal(lens[t], per);
    }
    fx_reopen(f, &tiny);
    assert_int_equal(cc_ids_count(f->ids), n);
    find_all(f, recs, n);
    free(by_seq);
    free(recs);
}

/* ---- Older stores -------------------------------------------------------------------- */

/* @n records of an older store: random senders and ids, each kind of old
 * "dedupe" entry in turn, and a digest for each (kept by the entries of a
 * K_*_DIGEST kind only). */
static rec_t *recs_old(size_t n, uint64_t *state)
{
    rec_t *recs = recs_random(n, state);

    for (size_t i = 0; i < n; i++) {
        recs[i].kind = (kind_t)(i % (K_NO_ENTRY + 1));
        recs[i].digest = rnd(state);
    }
    return recs;
}

/* The key of @rec's old "dedupe" entry into @key; returns its length. */
static size_t old_key(const rec_t *rec, uint8_t *key)
{
    size_t bl = strlen(rec->by), el = strlen(rec->eid);

    if (rec->kind == K_EID_DIGEST || rec->kind == K_EID_PLAIN) {
        memcpy(key, rec->eid, el);
        return el;
    }
    memcpy(key, rec->by, bl);
    key[bl] = '\0';
    memcpy(key + bl + 1, rec->eid, el);
    return bl + 1 + el;
}

/* Put @rec's old entry: seq, [0x01, digest,] sender. */
static int put_old(cc_txn_t *txn, MDB_dbi old, const rec_t *rec)
{
    uint8_t key[CC_MAX_CODE + 1 + CC_MAX_ID], val[17 + CC_MAX_CODE];
    size_t bl = strlen(rec->by), vl = 8;

    cc_be64_put(val, rec->seq);
    if (rec->kind == K_SENDER_DIGEST || rec->kind == K_EID_DIGEST) {
        val[8] = 0x01;
        cc_be64_put(val + 9, rec->digest);
        vl = 17;
    }
    memcpy(val + vl, rec->by, bl);
    return cc_txn_put(txn, old, key, old_key(rec, key), val, vl + bl, 0);
}

typedef struct {
    fixture_t *f;
    rec_t *recs;
    size_t n;
    bool with_old; /* an old "dedupe" */
    MDB_dbi old;
    uint64_t layout; /* meta "dedupe_keys"; 0: absent */
} build_ctx_t;

static const char not_msgpack[] = "\xc1\xc1 not MessagePack";

/* Append the records as an older version did: plain log records, and an
 * entry in "dedupe" for those of a kind that has one. */
static int build_body(cc_txn_t *txn, void *ctx)
{
    build_ctx_t *b = ctx;
    int r;

    for (size_t i = 0; i < b->n; i++) {
        rec_t *rec = &b->recs[i];
        const void *data = not_msgpack;
        size_t len = sizeof(not_msgpack) - 1;

        if (rec->kind != K_BAD_BODY) {
            enc_record(&b->f->enc, rec, i);
            data = b->f->enc.buf.data;
            len = b->f->enc.buf.size;
        }
        if ((r = cc_log_append(txn, b->f->log, data, len, &rec->seq)) < 0)
            return r;
        if (b->with_old && rec->kind <= K_EID_PLAIN && (r = put_old(txn, b->old, rec)) < 0)
            return r;
    }
    if (b->layout != 0)
        return cc_txn_put_u64(txn, b->f->meta, LAYOUT_KEY, b->layout);
    return 0;
}

/* Build an older store of @recs in @f's open store (no ids open). */
static void build_old(fixture_t *f, rec_t *recs, size_t n, uint64_t layout, bool with_old)
{
    build_ctx_t b = { f, NULL, 0, with_old, 0, layout };

    if (with_old)
        b.old = dbi_ok(f->store, "dedupe");
    for (size_t done = 0; done < n; done += b.n) {
        b.recs = recs + done;
        b.n = n - done < 10000 ? n - done : 10000;
        assert_int_equal(cc_store_write(f->store, build_body, &b), 0);
    }
    if (n == 0)
        assert_int_equal(cc_store_write(f->store, build_body, &b), 0);
}

/* What the converted ids must say of each record's digest: the old
 * entry's, when the conversion may use it. */
static void expect_digests(rec_t *recs, size_t n, uint64_t layout, bool with_old)
{
    for (size_t i = 0; i < n; i++) {
        kind_t k = recs[i].kind;

        recs[i].has_digest =
            with_old && (k == K_SENDER_DIGEST || (k == K_EID_DIGEST && layout == 0));
    }
}

static uint64_t n_findable(const rec_t *recs, size_t n)
{
    uint64_t k = 0;

    for (size_t i = 0; i < n; i++)
        k += findable(&recs[i]);
    return k;
}

/* The records that have no id are found by nobody. */
static void find_no_ids(fixture_t *f, const rec_t *recs, size_t n)
{
    cc_txn_t txn;

    assert_int_equal(cc_store_read_begin(f->store, &txn), 0);
    for (size_t i = 0; i < n; i++) {
        if (findable(&recs[i]))
            continue;
        find_absent(f, &txn, recs[i].by, recs[i].eid);
        if (recs[i].kind == K_EID_NOT_STR)
            find_absent(f, &txn, recs[i].by, "12345");
        for (size_t s = 0; recs[i].kind == K_NO_BY && s < CC_N(senders); s++)
            find_absent(f, &txn, senders[s], recs[i].eid);
    }
    cc_txn_end(&txn);
}

/* Close the store and open it again with its ids: the conversion. */
static void convert_ok(fixture_t *f, const cc_store_opts_t *opts)
{
    assert_null(f->ids);
    cc_store_close(&f->store);
    fx_open_store(f, opts);
    fx_open_ids(f);
}

/* ---- 6. Converting the old "dedupe" ------------------------------------------------ */

/* A converted store: each of @recs found as it should be, the old index
 * gone, the layout of runs. */
static void assert_converted(fixture_t *f, const rec_t *recs, size_t n)
{
    assert_int_equal(cc_ids_count(f->ids), n_findable(recs, n));
    find_all(f, recs, n);
    find_no_ids(f, recs, n);
    assert_false(has_dbi(f, "dedupe"));
    assert_int_equal(meta_u64(f, LAYOUT_KEY), 4);
}

/* An older store of @layout (0: meta "dedupe_keys" absent; 2: keys by
 * sender only) with an old "dedupe" of both key forms, records without
 * an entry, and records that have no id (not MessagePack, without "by" or
 * "eid", an "eid" that is no string; the first and the last among them). */
static void convert_dedupe_case(fixture_t *f, uint64_t layout)
{
    size_t n = 1000;
    rec_t *recs = recs_old(n, &f->rng), *more = recs_random(100, &f->rng);
    static const size_t bad[] = { 0, 17, 500, 501, 502, 999 };
    static const kind_t bad_kind[] = { K_BAD_BODY,    K_NO_BY,    K_NO_EID,
                                       K_EID_NOT_STR, K_BAD_BODY, K_NO_BY };
    const rec_t **by_seq;
    uint64_t firsts[4];
    size_t lens[4];

    for (size_t i = 0; i < CC_N(bad); i++)
        recs[bad[i]].kind = bad_kind[i];
    /* One event id of three senders: alice's stored before ids belonged
     * to their sender (keyed by the id alone), bob's and carol's after. */
    recs[100] = (rec_t){ "alice", "shared-1", K_EID_DIGEST, false, 0x1111, 0 };
    recs[101] = (rec_t){ "bob", "shared-1", K_SENDER_DIGEST, false, 0x2222, 0 };
    recs[102] = (rec_t){ "carol", "shared-1", K_SENDER_PLAIN, false, 0x3333, 0 };

    fx_open_store(f, NULL);
    build_old(f, recs, n, layout, true);
    assert_true(has_dbi(f, "dedupe"));
    convert_ok(f, NULL);
    expect_digests(recs, n, layout, true);
    assert_int_equal(recs[100].has_digest, layout == 0);
    assert_true(recs[101].has_digest);

    assert_converted(f, recs, n);
    by_seq = index_by_seq(recs, n, n);
    assert_int_equal(check_runs(f, by_seq, n, firsts, lens, 4), 1);
    assert_int_equal(lens[0], n);
    free(by_seq);

    /* The converted store takes new records, and is not converted again. */
    add_ok(f, more, 60);
    add_ok(f, more + 60, 40);
    assert_int_equal(more[0].seq, n + 1);
    find_all(f, more, 100);
    fx_reopen(f, NULL);
    assert_int_equal(cc_ids_count(f->ids), n_findable(recs, n) + 100);
    find_all(f, recs, n);
    find_all(f, more, 100);
    find_no_ids(f, recs, n);
    assert_int_equal(meta_u64(f, LAYOUT_KEY), 4);
    {
        rec_t *all = calloc(n + 100, sizeof(*all));

        assert_non_null(all);
        memcpy(all, recs, n * sizeof(*all));
        memcpy(all + n, more, 100 * sizeof(*all));
        by_seq = index_by_seq(all, n + 100, n + 100);
        assert_int_equal(check_runs(f, by_seq, n + 100, firsts, lens, 4), 3);
        assert_int_equal(firsts[1], n + 1);
        assert_int_equal(lens[1], 60);
        assert_int_equal(lens[2], 40);
        free(by_seq);
        free(all);
    }
    free(more);
    free(recs);
}

/* The oldest stores (no meta "dedupe_keys"): each record is found by its
 * own sender; the digest comes from the entry keyed (sender, id), else
 * from the one keyed by the id alone; records with no id are skipped and
 * the conversion goes on; "dedupe" is removed, "dedupe_keys" is 4. */
static void test_ids_convert_dedupe_unkeyed(void **state) { convert_dedupe_case(*state, 0); }

/* A store keyed by sender only ("dedupe_keys" 2): an entry keyed by the id
 * alone is not used, so that record has no digest, but it is still found
 * by its own sender. */
static void test_ids_convert_dedupe_by_sender(void **state) { convert_dedupe_case(*state, 2); }

/* An older store with an empty log: no conversion, marked as converted. */
static void test_ids_convert_empty(void **state)
{
    fixture_t *f = *state;
    rec_t rec = { "alice", "evt-1", K_NO_ENTRY, true, 7, 0 };

    fx_open_store(f, NULL);
    build_old(f, NULL, 0, 2, true);
    assert_true(has_dbi(f, "dedupe"));
    convert_ok(f, NULL);
    assert_int_equal(meta_u64(f, LAYOUT_KEY), 4);
    assert_false(has_dbi(f, "dedupe")); /* removed, the log empty as it is */
    assert_int_equal(cc_ids_count(f->ids), 0);
    add_ok(f, &rec, 1);
    fx_reopen(f, NULL);
    find_all(f, &rec, 1);
}

/* ---- 7. Conversion in chunks, and its resumption ---------------------------------- */

typedef struct {
    uint64_t first;
    size_t len; /* bytes */
    uint8_t *data;
} saved_run_t;

typedef struct {
    saved_run_t runs[4];
    size_t n;
} saved_runs_t;

static int save_run(const MDB_val *key, const MDB_val *val, void *ctx)
{
    saved_runs_t *s = ctx;

    assert_true(s->n < CC_N(s->runs));
    s->runs[s->n].first = cc_be64_get(key->mv_data);
    s->runs[s->n].len = val->mv_size;
    s->runs[s->n].data = malloc(val->mv_size);
    assert_non_null(s->runs[s->n].data);
    memcpy(s->runs[s->n].data, val->mv_data, val->mv_size);
    s->n++;
    return 0;
}

static void save_runs(fixture_t *f, saved_runs_t *s)
{
    MDB_dbi runs = dbi_ok(f->store, "id_runs");
    cc_txn_t txn;

    memset(s, 0, sizeof(*s));
    assert_int_equal(cc_store_read_begin(f->store, &txn), 0);
    assert_int_equal(cc_txn_scan(&txn, runs, NULL, 0, save_run, s), 0);
    cc_txn_end(&txn);
}

static void free_runs(saved_runs_t *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->runs[i].data);
    s->n = 0;
}

/* What a conversion interrupted after its first chunk left: that chunk's
 * run. Its old entries are deleted besides, so that a conversion that
 * started over instead of resuming would lose their digests. */
typedef struct {
    const saved_run_t *run;
    const rec_t *recs;
    size_t n_done;
} interrupt_ctx_t;

static int interrupt_body(cc_txn_t *txn, void *ctx)
{
    interrupt_ctx_t *c = ctx;
    MDB_dbi runs, old;
    uint8_t key[CC_MAX_CODE + 1 + CC_MAX_ID];
    int r;

    if ((r = cc_txn_dbi_find(txn, "id_runs", &runs)) < 0 ||
        (r = cc_txn_dbi_find(txn, "dedupe", &old)) < 0)
        return r;
    cc_be64_put(key, c->run->first);
    if ((r = cc_txn_put(txn, runs, key, 8, c->run->data, c->run->len, 0)) < 0)
        return r;
    for (size_t i = 0; i < c->n_done; i++)
        if (c->recs[i].kind <= K_EID_PLAIN &&
            (r = cc_txn_del(txn, old, key, old_key(&c->recs[i], key))) < 0)
            return r;
    return 0;
}

/* A store whose records were put in a fixed hash key (so that a copy
 * hashes alike). */
static int hash_key_body(cc_txn_t *txn, void *ctx)
{
    fixture_t *f = ctx;
    uint8_t key[crypto_shorthash_KEYBYTES];

    for (size_t i = 0; i < sizeof(key); i++)
        key[i] = (uint8_t)(0x5a ^ i);
    return cc_txn_put(txn, f->meta, HASH_KEY, strlen(HASH_KEY), key, sizeof(key), 0);
}

/* 120 000 old records (more than two chunks of 50 000) convert in three
 * transactions, one run each: every id found with its digest. A copy made
 * before, left as a conversion interrupted after its first chunk (its run
 * there, "dedupe_keys" still old, "dedupe" still there), resumes where
 * that chunk ended and ends with the same runs. */
static void test_ids_convert_chunks(void **state)
{
    fixture_t *f = *state;
    size_t n = 120000;
    rec_t *recs = recs_old(n, &f->rng);
    static const size_t bad[] = { 49999, 50000, 99999, 119999 };
    char copy[128];
    const rec_t **by_seq;
    saved_runs_t full, resumed;
    uint64_t firsts[4];
    size_t lens[4];
    interrupt_ctx_t ic;

    for (size_t i = 0; i < CC_N(bad); i++)
        recs[bad[i]].kind = i % 2 ? K_NO_EID : K_BAD_BODY;
    fx_env(f, "a");
    fx_open_store(f, NULL);
    assert_int_equal(cc_store_write(f->store, hash_key_body, f), 0);
    build_old(f, recs, n, 0, true);
    snprintf(copy, sizeof(copy), "%s/b", f->dir);
    assert_int_equal(cc_store_backup(f->store, copy), 0);

    convert_ok(f, NULL);
    expect_digests(recs, n, 0, true);
    assert_converted(f, recs, n);
    by_seq = index_by_seq(recs, n, n);
    assert_int_equal(check_runs(f, by_seq, n, firsts, lens, 4), 3);
    assert_int_equal(lens[0], CHUNK);
    assert_int_equal(lens[1], CHUNK);
    assert_int_equal(lens[2], n - 2 * CHUNK);
    save_runs(f, &full);
    assert_int_equal(full.n, 3);
    fx_close(f);

    /* The copy, as the interrupted conversion left it. */
    snprintf(f->env, sizeof(f->env), "%s", copy);
    fx_open_store(f, NULL);
    dbi_ok(f->store, "id_runs");
    ic = (interrupt_ctx_t){ &full.runs[0], recs, CHUNK };
    assert_int_equal(cc_store_write(f->store, interrupt_body, &ic), 0);
    assert_true(has_dbi(f, "dedupe"));
    assert_int_equal(meta_u64(f, LAYOUT_KEY), 0);

    convert_ok(f, NULL);
    assert_int_equal(cc_ids_count(f->ids), n_findable(recs, n));
    find_all(f, recs, n); /* the first chunk's digests from its run */
    assert_false(has_dbi(f, "dedupe"));
    assert_int_equal(meta_u64(f, LAYOUT_KEY), 4);
    assert_int_equal(check_runs(f, by_seq, n, NULL, NULL, 0), 3);
    save_runs(f, &resumed);
    assert_int_equal(resumed.n, full.n);
    for (size_t i = 0; i < full.n; i++) {
        assert_int_equal(resumed.runs[i].first, full.runs[i].first);
        assert_int_equal(resumed.runs[i].len, full.runs[i].len);
        assert_memory_equal(resumed.runs[i].data, full.runs[i].data, full.runs[i].len);
    }
    free_runs(&resumed);
    free_runs(&full);
    free(by_seq);
    free(recs);
}

/* Exactly two chunks of old records: the last chunk is full, so one more
 * transaction finds nothing left and marks the store converted. */
static void test_ids_convert_whole_chunks(void **state)
{
    fixture_t *f = *state;
    size_t n = 2 * CHUNK;
    rec_t *recs = recs_old(n, &f->rng);
    const rec_t **by_seq;

    fx_open_store(f, NULL);
    build_old(f, recs, n, 2, true);
    convert_ok(f, NULL);
    expect_digests(recs, n, 2, true);
    assert_int_equal(cc_ids_count(f->ids), n);
    find_all(f, recs, n);
    assert_false(has_dbi(f, "dedupe"));
    assert_int_equal(meta_u64(f, LAYOUT_KEY), 4);
    by_seq = index_by_seq(recs, n, n);
    assert_int_equal(check_runs(f, by_seq, n, NULL, NULL, 0), 2);
    fx_reopen(f, NULL);
    assert_int_equal(cc_ids_count(f->ids), n);
    free(by_seq);
    free(recs);
}

/* The conversion of an older store reopened with a tiny map (LMDB makes
 * it just the size of the data file; the hash key is there already, so
 * the conversion is the only write): its chunk runs again after the map
 * grows, and every id is there once, at its record. */
static void test_ids_map_full_convert(void **state)
{
    fixture_t *f = *state;
    cc_store_opts_t tiny = { .map_size = 64 * KIB };
    size_t n = 8000;
    rec_t *recs = recs_old(n, &f->rng);
    const rec_t **by_seq;
    cc_store_stats_t st;

    fx_open_store(f, &tiny);
    assert_int_equal(cc_store_write(f->store, hash_key_body, f), 0); /* the open writes no key */
    build_old(f, recs, n, 0, true);
    convert_ok(f, &tiny);
    cc_store_stats(f->store, &st);
    assert_true(st.grows >= 1);
    expect_digests(recs, n, 0, true);
    assert_int_equal(cc_ids_count(f->ids), n);
    find_all(f, recs, n);
    by_seq = index_by_seq(recs, n, n);
    assert_int_equal(check_runs(f, by_seq, n, NULL, NULL, 0), 1);
    free(by_seq);
    free(recs);
}

/* ---- Ids that share their 32 bits of hash ----------------------------------------- */

/* Two event ids of @by whose hashes share their high 32 bits (all the map
 * keeps), under the store's fixed hash key: a birthday search. */
static void colliding_ids(fixture_t *f, const char *by, char *a, char *b, size_t len)
{
    size_t slots = (size_t)1 << 20, n = 0;
    uint32_t *tags = calloc(slots, sizeof(*tags));
    uint32_t *which = calloc(slots, sizeof(*which));

    assert_non_null(tags);
    assert_non_null(which);
    for (uint32_t i = 1; i < 600000; i++) {
        char eid[32];
        uint32_t tag;
        size_t pos;

        snprintf(eid, sizeof(eid), "c-%u", i);
        tag = (uint32_t)(hash_of(f, by, eid) >> 32);
        for (pos = tag & (slots - 1); which[pos] != 0; pos = (pos + 1) & (slots - 1))
            if (tags[pos] == tag) {
                snprintf(a, len, "c-%u", which[pos]);
                snprintf(b, len, "%s", eid);
                free(tags);
                free(which);
                return;
            }
        tags[pos] = tag;
        which[pos] = i;
        assert_true(++n < slots / 2);
    }
    fail_msg("no two ids share 32 bits of hash");
}

/* Two ids whose hashes share the 32 bits the map keeps never merge: the
 * second is not found while only the first is stored, then each is found
 * at its own record with its own digest, in the transaction and after a
 * reopen. */
static void test_ids_shared_hash_bits(void **state)
{
    fixture_t *f = *state;
    rec_t r[2] = { { "alice", "", K_NO_ENTRY, true, 0xaaaa, 0 },
                   { "alice", "", K_NO_ENTRY, false, 0, 0 } };
    span_t both = { r, 2 };
    add_ctx_t c = { .f = f, .recs = r + 1, .n = 1, .check = check_span, .arg = &both };
    cc_txn_t txn;

    fx_open_store(f, NULL);
    assert_int_equal(cc_store_write(f->store, hash_key_body, f), 0);
    fx_open_ids(f);
    colliding_ids(f, "alice", r[0].eid, r[1].eid, sizeof(r[0].eid));
    assert_int_equal(hash_of(f, "alice", r[0].eid) >> 32, hash_of(f, "alice", r[1].eid) >> 32);
    assert_string_not_equal(r[0].eid, r[1].eid);

    add_ok(f, r, 1);
    assert_int_equal(cc_store_read_begin(f->store, &txn), 0);
    find_ok(f, &txn, &r[0]);
    find_absent(f, &txn, "alice", r[1].eid);
    cc_txn_end(&txn);

    r[1].seq = 2;
    assert_int_equal(cc_store_write(f->store, add_body, &c), 0);
    assert_int_equal(r[1].seq, 2);
    find_all(f, r, 2);
    fx_reopen(f, NULL);
    assert_int_equal(cc_ids_count(f->ids), 2);
    find_all(f, r, 2);
}

/* ---- 8. The layout of one development version ------------------------------------- */

/* Layout 3 kept an "ids" database (key the seq; value the 64-bit hash,
 * then the digest of a peer's event). */
typedef struct {
    fixture_t *f;
    const rec_t *recs;
    size_t n;
    bool ids_db;      /* put the "ids" of layout 3 */
    size_t stale_run; /* put a run of this many made-up entries at seq 1 */
} layout3_ctx_t;

static int layout3_body(cc_txn_t *txn, void *ctx)
{
    layout3_ctx_t *c = ctx;
    uint64_t state = 3;
    MDB_dbi ids, runs;
    uint8_t key[8], val[16];
    int r;

    if (c->ids_db) {
        if ((r = cc_txn_dbi_find(txn, "ids", &ids)) < 0)
            return r;
        for (size_t i = 0; i < c->n; i++) {
            if (!findable(&c->recs[i]))
                continue;
            cc_be64_put(key, c->recs[i].seq);
            cc_be64_put(val, rnd(&state));
            cc_be64_put(val + 8, c->recs[i].digest);
            if ((r = cc_txn_put(txn, ids, key, 8, val, i % 3 ? 16 : 8, MDB_APPEND)) < 0)
                return r;
        }
    }
    if (c->stale_run) {
        uint8_t *run = calloc(c->stale_run, ENTRY);

        assert_non_null(run);
        for (size_t i = 0; i < c->stale_run; i++) {
            run[i * ENTRY] = HAS_ID | HAS_DIGEST;
            cc_be64_put(run + i * ENTRY + 5, rnd(&state));
        }
        cc_be64_put(key, 1);
        r = cc_txn_dbi_find(txn, "id_runs", &runs);
        if (r == 0)
            r = cc_txn_put(txn, runs, key, 8, run, c->stale_run * ENTRY, 0);
        free(run);
        if (r < 0)
            return r;
    }
    return cc_txn_put_u64(txn, c->f->meta, LAYOUT_KEY, 3);
}

static void layout3_case(fixture_t *f, bool ids_db, size_t stale_run)
{
    size_t n = 3000;
    rec_t *recs = recs_random(n, &f->rng);
    layout3_ctx_t c = { f, recs, n, ids_db, stale_run };
    const rec_t **by_seq;

    recs[10].kind = K_BAD_BODY;
    recs[11].kind = K_NO_BY;
    fx_open_store(f, NULL);
    build_old(f, recs, n, 0, false);
    if (ids_db)
        dbi_ok(f->store, "ids");
    if (stale_run)
        dbi_ok(f->store, "id_runs");
    assert_int_equal(cc_store_write(f->store, layout3_body, &c), 0);
    convert_ok(f, NULL);
    expect_digests(recs, n, 3, false);
    for (size_t i = 0; i < n && ids_db; i++) /* the digests "ids" kept, as layout3_body put them */
        recs[i].has_digest = findable(&recs[i]) && i % 3 != 0;
    assert_int_equal(cc_ids_count(f->ids), n - 2);
    find_all(f, recs, n);
    find_no_ids(f, recs, n);
    assert_false(has_dbi(f, "ids"));
    assert_int_equal(meta_u64(f, LAYOUT_KEY), 4);
    by_seq = index_by_seq(recs, n, n);
    assert_int_equal(check_runs(f, by_seq, n, NULL, NULL, 0), 1);
    fx_reopen(f, NULL);
    assert_int_equal(cc_ids_count(f->ids), n - 2);
    find_all(f, recs, n);
    free(by_seq);
    free(recs);
}

/* A store of layout 3 ("dedupe_keys" 3, an "ids" database) is converted
 * from its log: every id found, with the digest "ids" kept for it, and
 * "ids" removed at the end. */
static void test_ids_convert_layout3(void **state) { layout3_case(*state, true, 0); }

/* A layout-3 store without its "ids" and with a stale run of the first
 * records (an interrupted conversion): the runs are made again from the
 * first record, without digests. */
static void test_ids_convert_layout3_resumed(void **state) { layout3_case(*state, false, 700); }

/* Ids kept in the layout of a newer version (after a downgrade) are
 * refused at open (-EPROTO), and left as they are. */
static void test_ids_newer_layout(void **state)
{
    fixture_t *f = *state;
    cc_ids_t *ids = NULL;

    fx_open_store(f, NULL);
    build_old(f, NULL, 0, 5, false);
    assert_int_equal(cc_ids_open(f->store, f->meta, f->log, 0, &ids), -EPROTO);
    assert_null(ids);
    assert_int_equal(meta_u64(f, LAYOUT_KEY), 5);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_ids_find_after_add, setup_open, teardown),
        cmocka_unit_test_setup_teardown(test_ids_many_transactions, setup_open, teardown),
        cmocka_unit_test_setup_teardown(test_ids_reopen, setup_open, teardown),
        cmocka_unit_test_setup_teardown(test_ids_abort, setup_open, teardown),
        cmocka_unit_test_setup_teardown(test_ids_add_errors, setup_open, teardown),
        cmocka_unit_test_setup_teardown(test_ids_map_full_retry, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_map_full_convert, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_convert_dedupe_unkeyed, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_convert_dedupe_by_sender, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_convert_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_newer_layout, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_convert_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_convert_whole_chunks, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_shared_hash_bits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_convert_layout3, setup, teardown),
        cmocka_unit_test_setup_teardown(test_ids_convert_layout3_resumed, setup, teardown),
    };

    cc_log_init("test_ids", LOG_WARNING);
    return cmocka_run_group_tests_name("ids", tests, NULL, NULL);
}
