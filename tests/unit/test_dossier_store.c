/* Unit tests of the stored dossier (daemons/intake/dossier_store.c): every
 * field of the state and a long history survive a save and a load through a
 * real LMDB store, the handling unit is kept apart from the receiving one
 * when they differ, and a value that is not a stored dossier of this
 * version (truncated, trailing bytes, another version, a code too long, no
 * unit) is MDB_CORRUPTED, never read past its end.
 *
 * The table "dossier" is keyed by the big-endian seq of each dossier's
 * first record; the map of ids (cc_dossiers_t) finds the key of an id. So
 * raw values are put under a dossier's real key (be64 of its first seq),
 * and the map is checked to follow the store: thousands of random ids,
 * refilled at open, a transaction that aborts leaving no trace, a value that
 * cannot be read counted at open.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "cc_store.h"
#include "dossier_store.h"
#include "support.h"

typedef struct {
    char dir[64];
    cc_store_t *store;
    MDB_dbi dbi; /* "dossier", for raw reads and puts */
    MDB_dbi meta;
    cc_dossiers_t *ds;
} fx_t;

/* What a write transaction's function returns when what it read is not
 * what the test expects (the test asserts outside the transaction). */
#define WRONG (-EBADMSG)

typedef struct {
    fx_t *fx;
    const char *id;
    const cc_dossier_t *d;
    const cc_stored_dossier_t *old;
    uint64_t seq;
    const void *raw; /* or a raw value to put under the key be64(seq) */
    size_t raw_len;
} put_t;

static int put_txn(cc_txn_t *txn, void *arg)
{
    const put_t *p = arg;

    if (p->raw) {
        uint8_t key[8];

        cc_be64_put(key, p->seq);
        return cc_txn_put(txn, p->fx->dbi, key, sizeof(key), p->raw, p->raw_len, 0);
    }
    return cc_dossier_save(txn, p->fx->ds, p->id, p->d, p->old, p->seq);
}

/* Open the store in fx->dir and the stored dossiers, filling their map;
 * returns how many values could not be read. */
static uint64_t fx_open(fx_t *fx)
{
    uint64_t unreadable = 99;

    assert_int_equal(cc_store_open(fx->dir, NULL, &fx->store), 0);
    assert_int_equal(cc_store_dbi(fx->store, "meta", 0, &fx->meta), 0);
    assert_int_equal(cc_store_dbi(fx->store, "dossier", 0, &fx->dbi), 0);
    assert_int_equal(cc_dossiers_open(fx->store, fx->meta, true, &unreadable, &fx->ds), 0);
    assert_non_null(fx->ds);
    return unreadable;
}

static void fx_close(fx_t *fx)
{
    cc_dossiers_close(&fx->ds);
    assert_null(fx->ds);
    cc_store_close(&fx->store);
}

static int setup(void **state)
{
    fx_t *fx = calloc(1, sizeof(*fx));

    temp_dir(fx->dir, sizeof(fx->dir), "cchc-test-dstore");
    assert_int_equal(fx_open(fx), 0);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fx_t *fx = *state;

    fx_close(fx);
    rm_tree(fx->dir);
    free(fx);
    return 0;
}

static int load(fx_t *fx, const char *id, cc_stored_dossier_t *ret)
{
    cc_txn_t txn;
    int r;

    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    r = cc_dossier_load(&txn, fx->ds, id, ret);
    cc_txn_end(&txn);
    return r;
}

/* Save @d as dossier @id (after @old, as loaded) with @seq, in a
 * transaction of its own; returns what cc_store_write() returned. */
static int save(fx_t *fx, const char *id, const cc_dossier_t *d, const cc_stored_dossier_t *old,
                uint64_t seq)
{
    put_t put = { fx, id, d, old, seq, NULL, 0 };

    return cc_store_write(fx->store, put_txn, &put);
}

/* Put @len raw bytes as the value under the key be64(@seq). */
static void put_raw(fx_t *fx, uint64_t seq, const void *raw, size_t len)
{
    put_t put = { fx, NULL, NULL, NULL, seq, raw, len };

    assert_int_equal(cc_store_write(fx->store, put_txn, &put), 0);
}

/* A copy of the value stored under the key be64(@seq) into @buf (@cap
 * bytes); returns its length. */
static size_t get_raw(fx_t *fx, uint64_t seq, uint8_t *buf, size_t cap)
{
    uint8_t key[8];
    cc_txn_t txn;
    MDB_val v;

    cc_be64_put(key, seq);
    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    assert_int_equal(cc_txn_get(&txn, fx->dbi, key, sizeof(key), &v), 0);
    assert_true(v.mv_size <= cap);
    memcpy(buf, v.mv_data, v.mv_size);
    cc_txn_end(&txn);
    return v.mv_size;
}

static int collect(uint64_t seq, void *ctx)
{
    uint64_t **p = ctx;

    *(*p)++ = seq;
    return 0;
}

static cc_dossier_t sample(void)
{
    cc_dossier_t d = { .version = CC_DOSSIER_VERSION,
                       .state = 3,
                       .channel = 2,
                       .sos_pending = 1,
                       .apology = 2,
                       .supplements = 4,
                       .klass = 3,
                       .consults_open = 5,
                       .received_at = 1740970800,
                       .due_at = 1742205600,
                       .promised_at = 1742810400,
                       .resolved_at = 0,
                       .last_at = 1741141800,
                       .sos_at = 1741000000 };

    snprintf(d.proc, sizeof(d.proc), "TP-LLTP");
    snprintf(d.recv_unit, sizeof(d.recv_unit), "TTHCC");
    snprintf(d.unit, sizeof(d.unit), "SO-TP");
    return d;
}

/* Every field of two states, one by one (no padding compared). */
static void assert_dossier_equal(const cc_dossier_t *a, const cc_dossier_t *b)
{
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->state, b->state);
    assert_int_equal(a->channel, b->channel);
    assert_int_equal(a->sos_pending, b->sos_pending);
    assert_int_equal(a->apology, b->apology);
    assert_int_equal(a->supplements, b->supplements);
    assert_int_equal(a->klass, b->klass);
    assert_int_equal(a->consults_open, b->consults_open);
    assert_int_equal(a->received_at, b->received_at);
    assert_int_equal(a->due_at, b->due_at);
    assert_int_equal(a->promised_at, b->promised_at);
    assert_int_equal(a->resolved_at, b->resolved_at);
    assert_int_equal(a->last_at, b->last_at);
    assert_int_equal(a->sos_at, b->sos_at);
    assert_string_equal(a->proc, b->proc);
    assert_string_equal(a->recv_unit, b->recv_unit);
    assert_string_equal(a->unit, b->unit);
}

/* A state and 300 records (gaps of every size, a seq past 2^32, the first
 * seq small: the key) back as they went in; an absent dossier is state none
 * with no history. */
static void test_round_trip(void **state)
{
    fx_t *fx = *state;
    cc_dossier_t d = sample();
    cc_stored_dossier_t sd = { 0 }, got;
    uint64_t want[300], seen[300], *p = seen, seq = 7;

    for (int i = 0; i < 300; i++) {
        want[i] = seq;
        assert_int_equal(save(fx, "HS-1", &d, &sd, seq), 0);
        assert_int_equal(load(fx, "HS-1", &sd), 0);
        seq += (uint64_t)1 << (i % 40);
    }
    assert_true(want[299] > UINT32_MAX);
    assert_int_equal(load(fx, "HS-1", &got), 0);
    assert_memory_equal(&got.d, &d, sizeof(d));
    assert_int_equal(got.n_records, 300);
    assert_int_equal(got.first_seq, 7);
    assert_int_equal(got.last_seq, want[299]);
    {
        cc_txn_t txn; /* the history points into the value: read it in its transaction */

        assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
        assert_int_equal(cc_dossier_load(&txn, fx->ds, "HS-1", &got), 0);
        assert_int_equal(cc_dossier_each_seq(&got, collect, &p), 0);
        cc_txn_end(&txn);
    }
    assert_memory_equal(seen, want, sizeof(want));
    assert_int_equal(cc_dossiers_count(fx->ds), 1);
    assert_int_equal(load(fx, "HS-NONE", &got), 0);
    assert_int_equal(got.d.state, CC_DOSSIER_NONE);
    assert_int_equal(got.n_records, 0);
}

/* The handling unit equal to the receiving one is stored once (a value of
 * one record with an id of 4 bytes fits in 56 bytes, under the key of its
 * first seq); a transferred dossier keeps both, under the same key. */
static void test_units_and_size(void **state)
{
    fx_t *fx = *state;
    cc_dossier_t d = sample();
    cc_stored_dossier_t none = { 0 }, got;
    uint8_t raw[256];
    uint64_t n;
    cc_txn_t txn;

    snprintf(d.unit, sizeof(d.unit), "TTHCC");
    assert_int_equal(save(fx, "HS-2", &d, &none, 42), 0);
    assert_true(get_raw(fx, 42, raw, sizeof(raw)) <= 56); /* five times set, three codes */
    assert_int_equal(load(fx, "HS-2", &got), 0);
    assert_string_equal(got.d.unit, "TTHCC");
    assert_int_equal(got.first_seq, 42);
    snprintf(d.unit, sizeof(d.unit), "SO-KHDT-LONGER-CODE-OF-32-BYTES!");
    assert_int_equal(save(fx, "HS-2", &d, &got, 43), 0);
    assert_int_equal(load(fx, "HS-2", &got), 0);
    assert_string_equal(got.d.unit, "SO-KHDT-LONGER-CODE-OF-32-BYTES!");
    assert_string_equal(got.d.recv_unit, "TTHCC");
    assert_int_equal(got.n_records, 2);
    assert_int_equal(got.first_seq, 42);
    assert_int_equal(got.last_seq, 43);
    /* One value, still under the first seq; none under the second. */
    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    assert_int_equal(cc_txn_entries(&txn, fx->dbi, &n), 0);
    cc_txn_end(&txn);
    assert_int_equal(n, 1);
    assert_true(get_raw(fx, 42, raw, sizeof(raw)) > 56);
}

/* Values under a dossier's real key that are not a stored dossier of this
 * version: that dossier is MDB_CORRUPTED, the others still load. */
static void test_corrupted(void **state)
{
    fx_t *fx = *state;
    cc_dossier_t d = sample();
    cc_stored_dossier_t none = { 0 }, got;
    uint8_t good[256], bad[300];
    size_t good_len;

    assert_int_equal(save(fx, "BAD", &d, &none, 7), 0);
    assert_int_equal(save(fx, "GOOD", &d, &none, 9), 0);
    good_len = get_raw(fx, 7, good, sizeof(good)); /* BAD's own value, still good */
    /* every truncation: a reader that went on past the end would take the
     * bytes after the value for the rest of it */
    for (size_t n = 0; n < good_len; n++) {
        put_raw(fx, 7, good, n);
        assert_int_equal(load(fx, "BAD", &got), MDB_CORRUPTED);
        assert_int_equal(load(fx, "GOOD", &got), 0);
    }
    /* a trailing byte; another version */
    memcpy(bad, good, good_len);
    bad[good_len] = 0;
    put_raw(fx, 7, bad, good_len + 1);
    assert_int_equal(load(fx, "BAD", &got), MDB_CORRUPTED);
    bad[0] = CC_DOSSIER_STORE_VERSION + 1;
    put_raw(fx, 7, bad, good_len);
    assert_int_equal(load(fx, "BAD", &got), MDB_CORRUPTED);
    bad[0] = CC_DOSSIER_STORE_VERSION - 1;
    put_raw(fx, 7, bad, good_len);
    assert_int_equal(load(fx, "BAD", &got), MDB_CORRUPTED);
    /* By hand: a procedure code of 32 bytes loads, of 33 does not; nor a
     * dossier of state none (34), nor one without a unit (35). */
    for (int len = 32; len <= 35; len++) {
        size_t n = 0;

        bad[n++] = CC_DOSSIER_STORE_VERSION;
        bad[n++] = len == 34 ? 0 : 1; /* state */
        memset(bad + n, 0, 6 + 6);    /* 6 small fields, 6 times unset */
        n += 12;
        bad[n++] = (uint8_t)(len >= 34 ? 32 : len);
        memset(bad + n, 'P', (size_t)(len >= 34 ? 32 : len));
        n += (size_t)(len >= 34 ? 32 : len);
        if (len == 35) {
            bad[n++] = 0; /* recv_unit: none */
        } else {
            bad[n++] = 1;
            bad[n++] = 'U';
        }
        bad[n++] = 0xff; /* unit: as recv_unit */
        bad[n++] = 3;    /* the id */
        memcpy(bad + n, "BAD", 3);
        n += 3;
        bad[n++] = 1; /* one record */
        bad[n++] = 7; /* seq 7 */
        put_raw(fx, 7, bad, n);
        assert_int_equal(load(fx, "BAD", &got), len == 32 ? 0 : MDB_CORRUPTED);
        if (len == 32) {
            assert_int_equal(strlen(got.d.proc), 32);
            assert_string_equal(got.d.unit, "U");
            assert_int_equal(got.first_seq, 7);
            assert_int_equal(got.last_seq, 7);
        }
    }
    assert_int_equal(load(fx, "GOOD", &got), 0);
    assert_int_equal(got.first_seq, 9);
}

/* ---- Many dossiers of random ids ------------------------------------------------ */

#define N_MANY 2000
#define MANY_PER_TXN 300 /* seven transactions of new dossiers */
#define MANY_ROUNDS 3    /* then records appended, in this many rounds */

typedef struct {
    char id[40];
    cc_dossier_t d;
    uint64_t seqs[1 + MANY_ROUNDS];
    uint64_t n;
} many_t;

typedef struct {
    fx_t *fx;
    many_t *m;
    size_t from, to; /* the dossiers of this transaction */
    int round;       /* -1: create them; else append a record */
    uint64_t *next;  /* the last seq handed out */
} many_ctx_t;

static uint64_t splitmix(uint64_t *s)
{
    uint64_t z = (*s += 0x9e3779b97f4a7c15u);

    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

/* A UUID-like id (8-4-4-4-12 lowercase hex digits) from @s. */
static void random_id(uint64_t *s, char *id, size_t len)
{
    uint64_t a = splitmix(s), b = splitmix(s);

    snprintf(id, len, "%08x-%04x-4%03x-%04x-%012llx", (unsigned)(a >> 32),
             (unsigned)(a >> 16) & 0xffffu, (unsigned)a & 0xfffu, (unsigned)(b >> 48) | 0x8000u,
             (unsigned long long)(b & 0xffffffffffffu));
}

/* The states and ids of the many dossiers: every one different. */
static many_t *many_make(void)
{
    many_t *m = calloc(N_MANY, sizeof(*m));
    uint64_t s = 20250303;

    assert_non_null(m);
    for (size_t i = 0; i < N_MANY; i++) {
        cc_dossier_t *d = &m[i].d;

        random_id(&s, m[i].id, sizeof(m[i].id));
        d->version = CC_DOSSIER_VERSION;
        d->state = (uint8_t)(1 + i % 9);
        d->channel = (uint8_t)(i % 3);
        d->supplements = (uint8_t)(i % 5);
        d->received_at = 1740970800 + (int64_t)i * 60;
        d->due_at = d->received_at + 14 * 86400;
        d->last_at = d->received_at;
        snprintf(d->proc, sizeof(d->proc), "P-%zu", i % 43);
        snprintf(d->recv_unit, sizeof(d->recv_unit), "U-%zu", i % 52);
        snprintf(d->unit, sizeof(d->unit), "U-%zu", i % 2 ? i % 52 : (i + 1) % 52);
    }
    return m;
}

static int many_txn(cc_txn_t *txn, void *arg)
{
    const many_ctx_t *c = arg;

    for (size_t i = c->from; i < c->to; i++) {
        many_t *m = &c->m[i];
        cc_stored_dossier_t sd;
        int r;

        if ((r = cc_dossier_load(txn, c->fx->ds, m->id, &sd)) != 0)
            return r;
        if (c->round < 0) {
            if (sd.d.state != CC_DOSSIER_NONE)
                return WRONG;
        } else {
            if ((size_t)c->round >= i % (1 + MANY_ROUNDS))
                continue; /* dossier i gets i % 4 more records */
            if (sd.n_records != m->n)
                return WRONG;
            m->d.last_at += 3600;
            m->d.consults_open = (uint8_t)(c->round + 1);
        }
        m->seqs[m->n++] = ++*c->next;
        if ((r = cc_dossier_save(txn, c->fx->ds, m->id, &m->d, &sd, *c->next)) < 0)
            return r;
    }
    return 0;
}

/* Save the many dossiers: new ones a few hundred a transaction, their
 * first seqs growing, then records appended to some in later ones. */
static void many_save(fx_t *fx, many_t *m)
{
    uint64_t next = 0;

    for (size_t from = 0; from < N_MANY; from += MANY_PER_TXN) {
        many_ctx_t c = { fx,   m,
                         from, from + MANY_PER_TXN < N_MANY ? from + MANY_PER_TXN : N_MANY,
                         -1,   &next };

        assert_int_equal(cc_store_write(fx->store, many_txn, &c), 0);
        next += 1000; /* other records in between */
    }
    for (int round = 0; round < MANY_ROUNDS; round++)
        for (size_t from = 0; from < N_MANY; from += N_MANY / 2) {
            many_ctx_t c = { fx, m, from, from + N_MANY / 2, round, &next };

            assert_int_equal(cc_store_write(fx->store, many_txn, &c), 0);
        }
}

/* Each of the many dossiers loads with its own state and history, under
 * the key of its first seq; an id never saved is state none. */
static void many_check(fx_t *fx, const many_t *m)
{
    cc_stored_dossier_t sd;
    uint64_t n = 0, s = 77;
    char other[40];
    cc_txn_t txn;

    assert_int_equal(cc_dossiers_count(fx->ds), N_MANY);
    assert_true(cc_dossiers_map_bytes(fx->ds) >= N_MANY * 8);
    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    assert_int_equal(cc_txn_entries(&txn, fx->dbi, &n), 0);
    assert_int_equal(n, N_MANY);
    for (size_t i = 0; i < N_MANY; i++) {
        uint64_t seen[1 + MANY_ROUNDS], *p = seen;
        uint8_t key[8];
        MDB_val v;

        assert_int_equal(cc_dossier_load(&txn, fx->ds, m[i].id, &sd), 0);
        assert_dossier_equal(&sd.d, &m[i].d);
        assert_int_equal(sd.n_records, m[i].n);
        assert_int_equal(sd.n_records, 1 + i % (1 + MANY_ROUNDS));
        assert_int_equal(sd.first_seq, m[i].seqs[0]);
        assert_int_equal(sd.last_seq, m[i].seqs[m[i].n - 1]);
        assert_int_equal(cc_dossier_each_seq(&sd, collect, &p), 0);
        assert_memory_equal(seen, m[i].seqs, m[i].n * sizeof(seen[0]));
        cc_be64_put(key, m[i].seqs[0]);
        assert_int_equal(cc_txn_get(&txn, fx->dbi, key, sizeof(key), &v), 0);
        assert_non_null(memmem(v.mv_data, v.mv_size, m[i].id, strlen(m[i].id)));
    }
    random_id(&s, other, sizeof(other));
    assert_int_equal(cc_dossier_load(&txn, fx->ds, other, &sd), 0);
    assert_int_equal(sd.d.state, CC_DOSSIER_NONE);
    assert_int_equal(sd.n_records, 0);
    assert_int_equal(cc_dossier_load(&txn, fx->ds, "", &sd), 0);
    assert_int_equal(sd.d.state, CC_DOSSIER_NONE);
    cc_txn_end(&txn);
}

/* 2000 dossiers of random UUID-like ids, saved over several transactions
 * with growing first seqs and records appended later, all load back with
 * their own state and history; an id never saved is state none. */
static void test_many_random_ids(void **state)
{
    fx_t *fx = *state;
    many_t *m = many_make();

    many_save(fx, m);
    many_check(fx, m);
    free(m);
}

/* After the stored dossiers and the store are closed and opened again, the
 * map is filled again from the table: every dossier still loads, and new
 * dossiers and records go on. */
static void test_many_reopened(void **state)
{
    fx_t *fx = *state;
    many_t *m = many_make();
    cc_stored_dossier_t sd, none = { 0 };
    uint64_t last = 0;

    many_save(fx, m);
    for (size_t i = 0; i < N_MANY; i++)
        last = m[i].seqs[m[i].n - 1] > last ? m[i].seqs[m[i].n - 1] : last;
    fx_close(fx);
    assert_int_equal(fx_open(fx), 0);
    many_check(fx, m);
    /* And once more, with the map empty before it is filled. */
    cc_dossiers_close(&fx->ds);
    {
        uint64_t unreadable = 99;

        assert_int_equal(cc_dossiers_open(fx->store, fx->meta, true, &unreadable, &fx->ds), 0);
        assert_int_equal(unreadable, 0);
    }
    many_check(fx, m);
    /* A record appended to an old dossier, and a new one. */
    assert_int_equal(load(fx, m[5].id, &sd), 0);
    m[5].seqs[m[5].n++] = last + 1;
    assert_int_equal(save(fx, m[5].id, &m[5].d, &sd, last + 1), 0);
    assert_int_equal(save(fx, "HS-NEW", &m[6].d, &none, last + 2), 0);
    assert_int_equal(load(fx, m[5].id, &sd), 0);
    assert_int_equal(sd.n_records, m[5].n);
    assert_int_equal(sd.last_seq, last + 1);
    assert_int_equal(load(fx, "HS-NEW", &sd), 0);
    assert_int_equal(sd.first_seq, last + 2);
    assert_int_equal(cc_dossiers_count(fx->ds), N_MANY + 1);
    free(m);
}

/* ---- Transactions that abort, and bad arguments ------------------------------------ */

typedef struct {
    fx_t *fx;
    uint64_t keep_seq; /* the record appended to KEEP */
} abort_ctx_t;

/* Save a new dossier GONE (seq 2) and a record of KEEP (seq 3), see them
 * in the transaction, then fail. */
static int abort_txn(cc_txn_t *txn, void *arg)
{
    abort_ctx_t *c = arg;
    cc_dossier_t d = sample();
    cc_stored_dossier_t sd, none = { 0 };

    if (cc_dossier_save(txn, c->fx->ds, "GONE", &d, &none, 2) != 0 ||
        cc_dossier_load(txn, c->fx->ds, "GONE", &sd) != 0 || sd.first_seq != 2 ||
        cc_dossiers_count(c->fx->ds) != 2 || cc_dossier_load(txn, c->fx->ds, "KEEP", &sd) != 0 ||
        sd.n_records != 1)
        return WRONG;
    d.state = 7;
    if (cc_dossier_save(txn, c->fx->ds, "KEEP", &d, &sd, c->keep_seq) != 0 ||
        cc_dossier_load(txn, c->fx->ds, "KEEP", &sd) != 0 || sd.n_records != 2)
        return WRONG;
    return -EIO;
}

/* A save in a write transaction whose function then fails leaves no
 * trace: neither in the table nor in the map of ids. The new dossier loads
 * as none, the old one as it was, and the new one can be saved again. */
static void test_abort_leaves_no_trace(void **state)
{
    fx_t *fx = *state;
    cc_dossier_t d = sample();
    cc_stored_dossier_t none = { 0 }, got;
    abort_ctx_t c = { fx, 3 };
    uint64_t n = 0;
    cc_txn_t txn;

    assert_int_equal(save(fx, "KEEP", &d, &none, 1), 0);
    assert_int_equal(cc_store_write(fx->store, abort_txn, &c), -EIO);
    assert_int_equal(cc_dossiers_count(fx->ds), 1);
    assert_int_equal(load(fx, "GONE", &got), 0);
    assert_int_equal(got.d.state, CC_DOSSIER_NONE);
    assert_int_equal(got.n_records, 0);
    assert_int_equal(load(fx, "KEEP", &got), 0);
    assert_int_equal(got.d.state, d.state);
    assert_int_equal(got.n_records, 1);
    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    assert_int_equal(cc_txn_entries(&txn, fx->dbi, &n), 0);
    cc_txn_end(&txn);
    assert_int_equal(n, 1);
    /* Twice more, so that the undone slots are not merely hidden. */
    assert_int_equal(cc_store_write(fx->store, abort_txn, &c), -EIO);
    assert_int_equal(cc_store_write(fx->store, abort_txn, &c), -EIO);
    assert_int_equal(cc_dossiers_count(fx->ds), 1);
    /* Saved again, for good this time, with the same seq. */
    assert_int_equal(save(fx, "GONE", &d, &none, 2), 0);
    assert_int_equal(load(fx, "GONE", &got), 0);
    assert_int_equal(got.d.state, d.state);
    assert_int_equal(got.first_seq, 2);
    assert_int_equal(got.n_records, 1);
    assert_int_equal(cc_dossiers_count(fx->ds), 2);
    assert_int_equal(load(fx, "KEEP", &got), 0);
    assert_int_equal(got.n_records, 1);
    assert_int_equal(save(fx, "KEEP", &d, &got, 3), 0);
    assert_int_equal(load(fx, "KEEP", &got), 0);
    assert_int_equal(got.n_records, 2);
    /* And the map, filled again from the table, agrees. */
    fx_close(fx);
    assert_int_equal(fx_open(fx), 0);
    assert_int_equal(cc_dossiers_count(fx->ds), 2);
    assert_int_equal(load(fx, "GONE", &got), 0);
    assert_int_equal(got.first_seq, 2);
}

/* A new dossier needs its first seq (0: -EINVAL), one the map can number
 * (past 2^32 - 1: -EOVERFLOW); neither stores anything. An old dossier may
 * be saved without a record appended. */
static void test_save_needs_seq(void **state)
{
    fx_t *fx = *state;
    cc_dossier_t d = sample();
    cc_stored_dossier_t none = { 0 }, got;

    assert_int_equal(save(fx, "HS-0", &d, &none, 0), -EINVAL);
    assert_int_equal(save(fx, "HS-0", &d, &none, (uint64_t)CC_IDMAP_VALUE_MAX + 1), -EOVERFLOW);
    assert_int_equal(cc_dossiers_count(fx->ds), 0);
    assert_int_equal(load(fx, "HS-0", &got), 0);
    assert_int_equal(got.d.state, CC_DOSSIER_NONE);
    assert_int_equal(save(fx, "HS-0", &d, &none, CC_IDMAP_VALUE_MAX), 0);
    assert_int_equal(load(fx, "HS-0", &got), 0);
    assert_int_equal(got.first_seq, CC_IDMAP_VALUE_MAX);
    d.state = 6;
    assert_int_equal(save(fx, "HS-0", &d, &got, 0), 0); /* the state alone */
    assert_int_equal(load(fx, "HS-0", &got), 0);
    assert_int_equal(got.d.state, 6);
    assert_int_equal(got.n_records, 1);
}

typedef struct {
    fx_t *fx;
    uint8_t value[256];
    size_t len;
} stray_t;

static int stray_txn(cc_txn_t *txn, void *arg)
{
    const stray_t *st = arg;

    return cc_txn_put(txn, st->fx->dbi, "HS-A", 4, st->value, st->len, 0);
}

/* At open, a value that cannot be read is counted as unreadable (its id is
 * unknown then: it loads as none until a rebuild) and the others load; so
 * is an entry whose key is not a seq (an older layout's id). */
static void test_open_counts_unreadable(void **state)
{
    fx_t *fx = *state;
    cc_dossier_t d = sample();
    cc_stored_dossier_t none = { 0 }, got;
    static const uint8_t junk[3] = { CC_DOSSIER_STORE_VERSION, 1, 2 };

    assert_int_equal(save(fx, "HS-A", &d, &none, 10), 0);
    assert_int_equal(save(fx, "HS-B", &d, &none, 11), 0);
    assert_int_equal(save(fx, "HS-C", &d, &none, 12), 0);
    put_raw(fx, 11, junk, sizeof(junk));
    fx_close(fx);
    assert_int_equal(fx_open(fx), 1);
    assert_int_equal(cc_dossiers_count(fx->ds), 2);
    assert_int_equal(load(fx, "HS-A", &got), 0);
    assert_int_equal(got.first_seq, 10);
    assert_int_equal(load(fx, "HS-C", &got), 0);
    assert_int_equal(got.first_seq, 12);
    assert_int_equal(load(fx, "HS-B", &got), 0);
    assert_int_equal(got.d.state, CC_DOSSIER_NONE);
    /* A good value under a key of the previous layout: the dossier id. */
    {
        stray_t st = { fx, { 0 }, 0 };

        st.len = get_raw(fx, 10, st.value, sizeof(st.value));
        assert_int_equal(cc_store_write(fx->store, stray_txn, &st), 0);
    }
    fx_close(fx);
    assert_int_equal(fx_open(fx), 2);
    assert_int_equal(load(fx, "HS-A", &got), 0);
    assert_int_equal(load(fx, "HS-C", &got), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_units_and_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_random_ids, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_reopened, setup, teardown),
        cmocka_unit_test_setup_teardown(test_abort_leaves_no_trace, setup, teardown),
        cmocka_unit_test_setup_teardown(test_save_needs_seq, setup, teardown),
        cmocka_unit_test_setup_teardown(test_open_counts_unreadable, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
