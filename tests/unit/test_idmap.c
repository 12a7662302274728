/*
 * test_idmap.c - unit tests of the in-memory id index (store/cc_idmap.{h,c})
 * and of the store's write-transaction followers it relies on
 * (cc_store_follow, cc_store_writing).
 *
 * Every test runs on a real LMDB store in its own temporary directory, with
 * a "meta" database holding the map's hash key. Hashes are made up with
 * splitmix64 (distinct, random-looking) or built by hand so that many of
 * them share a home slot, which exercises the probing and the
 * backward-shift deletion that undoes an aborted transaction.
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
#include "cc_idmap.h"
#include "cc_store.h"
#include "support.h"

#define KEY_NAME "idmap-key"
#define KIB ((size_t)1 << 10)

/* ---- Fixture: a store, its meta database and an empty map ------------------ */

typedef struct {
    char dir[64]; /* the temporary directory */
    char env[96]; /* dir/env: the environment under test */
    cc_store_t *store;
    MDB_dbi meta;
    cc_idmap_t *map; /* opened with expected = 0 */
} fixture_t;

static cc_idmap_t *map_ok(cc_store_t *s, MDB_dbi meta, const char *key_name, uint64_t expected)
{
    cc_idmap_t *m = NULL;
    int r = cc_idmap_open(s, meta, key_name, expected, &m);

    if (r != 0)
        fail_msg("cc_idmap_open(%s): %d %s", key_name, r, cc_store_strerror(r));
    assert_non_null(m);
    return m;
}

/* Close the fixture's map and store, then open the store again with @opts
 * (NULL: the defaults) and a new empty map. */
static void fx_reopen(fixture_t *f, const cc_store_opts_t *opts)
{
    cc_idmap_close(&f->map);
    cc_store_close(&f->store);
    f->store = store_open_ok(f->env, opts);
    f->meta = store_dbi_ok(f->store, "meta");
    f->map = map_ok(f->store, f->meta, KEY_NAME, 0);
}

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return -1;
    temp_dir(f->dir, sizeof(f->dir), "cchc-test-idmap");
    snprintf(f->env, sizeof(f->env), "%s/env", f->dir);
    f->store = store_open_ok(f->env, NULL);
    f->meta = store_dbi_ok(f->store, "meta");
    f->map = map_ok(f->store, f->meta, KEY_NAME, 0);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    cc_idmap_close(&f->map);
    cc_store_close(&f->store);
    rm_tree(f->dir);
    free(f);
    return 0;
}

/* ---- Hashes and lookups ------------------------------------------------------ */

/* splitmix64: a bijection of the u64s whose outputs look random. */
static uint64_t mix(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

/* A hash whose high 32 bits are @k << 16 | @home: every k of one @home has
 * the same home slot in any table of up to 65536 slots, with its own tag.
 * @home 0xffff lands on the table's last slot (probes wrap around). */
static uint64_t clustered(uint32_t home, uint32_t k)
{
    return (uint64_t)((k << 16) | (home & 0xffffu)) << 32 | (mix(k) & 0xffffffffu);
}

/* How many times @value is listed for @hash. */
static int count_value(const cc_idmap_t *m, uint64_t hash, uint64_t value)
{
    cc_idmap_iter_t it;
    uint64_t v;
    int n = 0;

    cc_idmap_lookup(m, hash, &it);
    while (cc_idmap_next(&it, &v))
        n += v == value;
    return n;
}

/* How many values are listed for @hash. */
static int n_values(const cc_idmap_t *m, uint64_t hash)
{
    cc_idmap_iter_t it;
    uint64_t v;
    int n = 0;

    cc_idmap_lookup(m, hash, &it);
    while (cc_idmap_next(&it, &v)) {
        assert_true(v >= 1 && v <= CC_IDMAP_VALUE_MAX);
        n++;
    }
    return n;
}

static void put_ok(cc_idmap_t *m, uint64_t hash, uint64_t value)
{
    int r = cc_idmap_put(m, hash, value);

    if (r != 0)
        fail_msg("cc_idmap_put(%#llx, %llu): %d", (unsigned long long)hash,
                 (unsigned long long)value, r);
}

/* The table is a power of two of 8-byte slots, at most three quarters full. */
static void assert_table_shape(const cc_idmap_t *m)
{
    size_t bytes = cc_idmap_bytes(m);
    uint64_t slots = bytes / 8;

    assert_int_equal(bytes % 8, 0);
    assert_true(slots >= 1024);
    assert_int_equal(slots & (slots - 1), 0);
    assert_true(cc_idmap_count(m) <= slots / 4 * 3);
}

/* ---- Write bodies -------------------------------------------------------------- */

/* A write transaction that puts @n values into the map (hash @hashes[i],
 * value @values[i]) and a marker into meta, then returns @ret. */
typedef struct {
    cc_idmap_t *map;
    MDB_dbi meta;
    const uint64_t *hashes;
    const uint64_t *values;
    size_t n;
    int ret;
    int calls;
    bool writing; /* what cc_store_writing() said inside */
} puts_ctx_t;

static int puts_body(cc_txn_t *txn, void *ctx)
{
    puts_ctx_t *c = ctx;
    int r;

    c->calls++;
    c->writing = cc_store_writing(txn->store);
    for (size_t i = 0; i < c->n; i++)
        if ((r = cc_idmap_put(c->map, c->hashes[i], c->values[i])) < 0)
            return r;
    if ((r = cc_txn_put(txn, c->meta, "marker", 6, "x", 1, 0)) < 0)
        return r;
    return c->ret;
}

static int run_puts(fixture_t *f, const uint64_t *hashes, const uint64_t *values, size_t n, int ret)
{
    puts_ctx_t c = { f->map, f->meta, hashes, values, n, ret, 0, false };
    int r = cc_store_write(f->store, puts_body, &c);

    assert_int_equal(c.calls, 1);
    assert_true(c.writing);
    assert_false(cc_store_writing(f->store));
    return r;
}

/* ---- Put and lookup ------------------------------------------------------------ */

/* A put value is found under its hash and no other; the values of one hash
 * (or of hashes equal in their high 32 bits) are all listed; values 0 and
 * above CC_IDMAP_VALUE_MAX are refused with -EOVERFLOW. */
static void test_idmap_put_lookup(void **state)
{
    fixture_t *f = *state;
    cc_idmap_t *m = f->map;
    uint64_t h1 = mix(1), h2 = mix(2);

    assert_int_equal(cc_idmap_count(m), 0);
    assert_int_equal(n_values(m, h1), 0);

    put_ok(m, h1, 7);
    assert_int_equal(cc_idmap_count(m), 1);
    assert_int_equal(count_value(m, h1, 7), 1);
    assert_int_equal(n_values(m, h1), 1);

    /* A hash never put finds nothing. */
    assert_int_not_equal(h1 >> 32, h2 >> 32);
    assert_int_equal(n_values(m, h2), 0);

    /* A second value of the same hash: both are listed. */
    put_ok(m, h1, 9);
    assert_int_equal(count_value(m, h1, 7), 1);
    assert_int_equal(count_value(m, h1, 9), 1);
    assert_int_equal(n_values(m, h1), 2);
    assert_int_equal(cc_idmap_count(m), 2);

    /* Only the high 32 bits are kept: a hash that differs below is listed
     * with the others (the caller confirms against the store). */
    put_ok(m, h1 ^ 0xffffu, 11);
    assert_int_equal(n_values(m, h1), 3);
    assert_int_equal(count_value(m, h1 ^ 0x1234u, 11), 1);

    /* Values out of range change nothing. */
    assert_int_equal(cc_idmap_put(m, h2, 0), -EOVERFLOW);
    assert_int_equal(cc_idmap_put(m, h2, (uint64_t)CC_IDMAP_VALUE_MAX + 1), -EOVERFLOW);
    assert_int_equal(cc_idmap_put(m, h2, UINT64_MAX), -EOVERFLOW);
    assert_int_equal(n_values(m, h2), 0);
    assert_int_equal(cc_idmap_count(m), 3);

    /* The range's ends, and hashes 0 and all ones. */
    put_ok(m, h2, 1);
    put_ok(m, h2, CC_IDMAP_VALUE_MAX);
    assert_int_equal(count_value(m, h2, 1), 1);
    assert_int_equal(count_value(m, h2, CC_IDMAP_VALUE_MAX), 1);
    put_ok(m, 0, 5);
    put_ok(m, UINT64_MAX, 6);
    assert_int_equal(count_value(m, 0, 5), 1);
    assert_int_equal(n_values(m, 0), 1);
    assert_int_equal(count_value(m, UINT64_MAX, 6), 1);
    assert_int_equal(n_values(m, UINT64_MAX), 1);
    assert_int_equal(cc_idmap_count(m), 7);
    assert_table_shape(m);

    cc_idmap_close(&f->map);
    assert_null(f->map);
    cc_idmap_close(&f->map); /* accepts NULL */
    cc_idmap_close(NULL);
}

/* ---- The hash key ------------------------------------------------------------- */

/* The hash of the id made of @a, a zero byte and @b (NULL: none). */
static uint64_t hash_str(const cc_idmap_t *m, const char *a, const char *b)
{
    return cc_idmap_hash(m, a, strlen(a), b, b ? strlen(b) : 0);
}

/* The hash key is stored in meta: hashes stay the same across a new map
 * and a new store on the same directory, and differ on another store or
 * under another key name; the zero byte keeps ("a","bc") apart from
 * ("ab","c"). */
static void test_idmap_hash_key_kept(void **state)
{
    fixture_t *f = *state;
    uint64_t h = hash_str(f->map, "H01-250101-0001", "sender-1");
    char dir2[64], env2[96];
    cc_store_t *s2;
    cc_idmap_t *m2;
    cc_txn_t t;
    MDB_val v;
    uint8_t key[crypto_shorthash_KEYBYTES];

    assert_int_equal(hash_str(f->map, "H01-250101-0001", "sender-1"), h);

    /* The key, in meta under its name. */
    assert_int_equal(cc_store_read_begin(f->store, &t), 0);
    assert_int_equal(cc_txn_get(&t, f->meta, KEY_NAME, strlen(KEY_NAME), &v), 0);
    assert_int_equal(v.mv_size, crypto_shorthash_KEYBYTES);
    memcpy(key, v.mv_data, sizeof(key));
    cc_txn_end(&t);

    /* A new map on the same store: the same key. */
    cc_idmap_close(&f->map);
    f->map = map_ok(f->store, f->meta, KEY_NAME, 0);
    assert_int_equal(hash_str(f->map, "H01-250101-0001", "sender-1"), h);

    /* The store closed and opened again: still the same, key unchanged. */
    fx_reopen(f, NULL);
    assert_int_equal(hash_str(f->map, "H01-250101-0001", "sender-1"), h);
    assert_int_equal(cc_store_read_begin(f->store, &t), 0);
    assert_int_equal(cc_txn_get(&t, f->meta, KEY_NAME, strlen(KEY_NAME), &v), 0);
    assert_int_equal(v.mv_size, sizeof(key));
    assert_memory_equal(v.mv_data, key, sizeof(key));
    cc_txn_end(&t);

    /* Another key name on the same store: another key. */
    m2 = map_ok(f->store, f->meta, "other-key", 0);
    assert_int_not_equal(hash_str(m2, "H01-250101-0001", "sender-1"), h);
    cc_idmap_close(&m2);

    /* Another store: another key. */
    temp_dir(dir2, sizeof(dir2), "cchc-test-idmap2");
    snprintf(env2, sizeof(env2), "%s/env", dir2);
    s2 = store_open_ok(env2, NULL);
    m2 = map_ok(s2, store_dbi_ok(s2, "meta"), KEY_NAME, 0);
    assert_int_not_equal(hash_str(m2, "H01-250101-0001", "sender-1"), h);
    cc_idmap_close(&m2);
    cc_store_close(&s2);
    rm_tree(dir2);

    /* The parts are kept apart by a zero byte. */
    assert_int_not_equal(hash_str(f->map, "a", "bc"), hash_str(f->map, "ab", "c"));
    assert_int_not_equal(hash_str(f->map, "ab", NULL), hash_str(f->map, "a", "b"));
    assert_int_not_equal(hash_str(f->map, "", "ab"), hash_str(f->map, "ab", ""));
    /* An empty second part is the same with or without a pointer. */
    assert_int_equal(hash_str(f->map, "ab", ""), hash_str(f->map, "ab", NULL));
    assert_int_equal(cc_idmap_hash(f->map, "ab", 2, NULL, 0), hash_str(f->map, "ab", NULL));
}

/* Ids longer than the hash input are cut, not overflowed: the hash of such
 * an id is stable whichever part is long. */
static void test_idmap_hash_long_input(void **state)
{
    fixture_t *f = *state;
    char a[700], b[700];
    uint64_t h1, h2, h3;

    memset(a, 'a', sizeof(a));
    memset(b, 'b', sizeof(b));
    h1 = cc_idmap_hash(f->map, a, sizeof(a), b, sizeof(b));
    h2 = cc_idmap_hash(f->map, a, 100, b, sizeof(b));
    h3 = cc_idmap_hash(f->map, a, sizeof(a), NULL, 0);
    assert_int_equal(cc_idmap_hash(f->map, a, sizeof(a), b, sizeof(b)), h1);
    assert_int_equal(cc_idmap_hash(f->map, a, 100, b, sizeof(b)), h2);
    assert_int_equal(cc_idmap_hash(f->map, a, sizeof(a), NULL, 0), h3);
    assert_int_not_equal(h1, h2);
    assert_int_not_equal(h2, cc_idmap_hash(f->map, a, 101, b, sizeof(b)));
}

/* Stores a 5-byte "key" under bad-key. */
static int put_bad_key(cc_txn_t *txn, void *ctx)
{
    fixture_t *f = ctx;

    return cc_txn_put(txn, f->meta, "bad-key", 7, "short", 5, 0);
}

/* A stored key of the wrong size is refused with MDB_CORRUPTED. */
static void test_idmap_bad_stored_key(void **state)
{
    fixture_t *f = *state;
    cc_idmap_t *m = NULL;

    assert_int_equal(cc_store_write(f->store, put_bad_key, f), 0);
    assert_int_equal(cc_idmap_open(f->store, f->meta, "bad-key", 0, &m), MDB_CORRUPTED);
    assert_null(m);
    /* The store and the fixture's map still work. */
    put_ok(f->map, mix(1), 1);
    assert_int_equal(run_puts(f, NULL, NULL, 0, 0), 0);
    assert_int_equal(count_value(f->map, mix(1), 1), 1);
}

/* ---- Growth ------------------------------------------------------------------- */

#define N_GROW 100000u

/* 100 000 values put outside any transaction into a map opened for none
 * are all found; the table doubled as it filled, stays a power of two at
 * most three quarters full, 11 to 21 bytes an id. */
static void test_idmap_growth(void **state)
{
    fixture_t *f = *state;
    size_t bytes0 = cc_idmap_bytes(f->map);

    assert_int_equal(bytes0, 1024 * 8);
    assert_table_shape(f->map);
    for (uint64_t i = 0; i < N_GROW; i++) {
        put_ok(f->map, mix(i), i + 1);
        if (i % 10000 == 0)
            assert_table_shape(f->map);
    }
    assert_int_equal(cc_idmap_count(f->map), N_GROW);
    assert_table_shape(f->map);
    assert_true(cc_idmap_bytes(f->map) > bytes0);
    assert_true(cc_idmap_bytes(f->map) >= 11 * (size_t)N_GROW);
    assert_true(cc_idmap_bytes(f->map) <= 22 * (size_t)N_GROW);
    for (uint64_t i = 0; i < N_GROW; i++)
        if (count_value(f->map, mix(i), i + 1) != 1)
            fail_msg("value %llu: not found once", (unsigned long long)(i + 1));
}

/* A map opened for the ids it will hold has its room at once: putting
 * them does not grow it. */
static void test_idmap_expected_sizes(void **state)
{
    fixture_t *f = *state;
    cc_idmap_t *m = map_ok(f->store, f->meta, KEY_NAME, N_GROW);
    size_t bytes = cc_idmap_bytes(m);

    assert_table_shape(m);
    assert_true(bytes / 8 / 4 * 3 >= N_GROW);
    for (uint64_t i = 0; i < N_GROW; i++)
        put_ok(m, mix(i), i + 1);
    assert_int_equal(cc_idmap_bytes(m), bytes);
    assert_int_equal(cc_idmap_count(m), N_GROW);
    assert_int_equal(count_value(m, mix(N_GROW - 1), N_GROW), 1);
    cc_idmap_close(&m);
}

/* ---- Abort and commit ---------------------------------------------------------- */

#define N_BASE 600u /* put before, outside a transaction: no resize from 1024 */
#define N_TXN 5000u /* put in the aborted transaction: 1024 -> 8192 slots */
#define N_AFTER 3000u

/* The hashes and values of one test: values of the base, the transaction
 * and the puts after are of separate ranges. */
typedef struct {
    uint64_t base_h[N_BASE], base_v[N_BASE];
    uint64_t txn_h[N_TXN], txn_v[N_TXN];
    uint64_t after_h[N_AFTER], after_v[N_AFTER];
} sets_t;

/* Hashes of set @set (< 16), entry @i (< 12 000): every third is random,
 * the others fall in clusters at homes 0, 1, 2 and the table's last slot,
 * each with a tag of its own (the sets' tags are apart). */
static uint64_t set_hash(uint32_t set, uint32_t i)
{
    static const uint32_t homes[] = { 0, 1, 2, 0xffff };

    assert_true(set < 16 && i < 12000);
    if (i % 3 == 0)
        return mix((uint64_t)set << 32 | i);
    return clustered(homes[i % CC_N(homes)], set * 4000 + i / 3);
}

static void assert_base_only(const cc_idmap_t *m, const sets_t *s)
{
    for (uint32_t i = 0; i < N_BASE; i++)
        if (count_value(m, s->base_h[i], s->base_v[i]) != 1)
            fail_msg("base %u: not found once", i);
    for (uint32_t i = 0; i < N_TXN; i++)
        if (count_value(m, s->txn_h[i], s->txn_v[i]) != 0)
            fail_msg("aborted %u: still found", i);
}

/* The 5 000 puts of a transaction that aborts (its function returns -EIO)
 * are undone, though they grew the table three times and fell in long
 * clusters with the values put before; those are all still found, the
 * count is back, and puts after the abort are found with them. Some puts
 * of the transaction repeat a base hash with another value, or a base
 * (hash, value) itself: the base value stays listed once. */
static void test_idmap_abort_undoes(void **state)
{
    fixture_t *f = *state;
    sets_t *s = calloc(1, sizeof(*s));
    size_t bytes0;

    assert_non_null(s);
    for (uint32_t i = 0; i < N_BASE; i++) {
        s->base_h[i] = set_hash(0, i);
        s->base_v[i] = 1 + i;
    }
    for (uint32_t i = 0; i < N_TXN; i++) {
        s->txn_h[i] = set_hash(1, i);
        s->txn_v[i] = 100000 + i;
    }
    /* Same hash as a base entry, another value. */
    for (uint32_t i = 0; i < N_TXN; i += 50)
        s->txn_h[i] = s->base_h[(i / 50) % N_BASE];
    for (uint32_t i = 0; i < N_AFTER; i++) {
        s->after_h[i] = set_hash(2, i);
        s->after_v[i] = 200000 + i;
    }

    for (uint32_t i = 0; i < N_BASE; i++)
        put_ok(f->map, s->base_h[i], s->base_v[i]);
    bytes0 = cc_idmap_bytes(f->map);
    assert_int_equal(bytes0, 1024 * 8);

    /* An empty aborted transaction changes nothing. */
    assert_int_equal(run_puts(f, NULL, NULL, 0, -EIO), -EIO);
    assert_int_equal(cc_idmap_count(f->map), N_BASE);

    assert_int_equal(run_puts(f, s->txn_h, s->txn_v, N_TXN, -EIO), -EIO);
    assert_int_equal(cc_idmap_count(f->map), N_BASE);
    assert_true(cc_idmap_bytes(f->map) >= 8 * bytes0);
    assert_table_shape(f->map);
    assert_base_only(f->map, s);

    /* Exact copies of base entries, aborted: one copy stays. */
    assert_int_equal(run_puts(f, s->base_h, s->base_v, N_BASE, -ECANCELED), -ECANCELED);
    assert_int_equal(cc_idmap_count(f->map), N_BASE);
    assert_base_only(f->map, s);

    /* The map keeps working. */
    for (uint32_t i = 0; i < N_AFTER; i++)
        put_ok(f->map, s->after_h[i], s->after_v[i]);
    assert_int_equal(cc_idmap_count(f->map), N_BASE + N_AFTER);
    assert_base_only(f->map, s);
    for (uint32_t i = 0; i < N_AFTER; i++)
        if (count_value(f->map, s->after_h[i], s->after_v[i]) != 1)
            fail_msg("after %u: not found once", i);
    assert_table_shape(f->map);
    free(s);
}

/* A transaction that aborts on an empty map grows it several times from
 * its 1024 slots; afterwards the map is empty, finds none of them, and
 * takes new values. */
static void test_idmap_abort_from_empty(void **state)
{
    fixture_t *f = *state;
    uint64_t *h = calloc(N_TXN, sizeof(*h)), *v = calloc(N_TXN, sizeof(*v));

    assert_non_null(h);
    assert_non_null(v);
    assert_int_equal(cc_idmap_bytes(f->map), 1024 * 8);
    for (uint32_t i = 0; i < N_TXN; i++) {
        h[i] = set_hash(3, i);
        v[i] = 1 + i;
    }
    assert_int_equal(run_puts(f, h, v, N_TXN, -EIO), -EIO);
    assert_int_equal(cc_idmap_count(f->map), 0);
    assert_int_equal(cc_idmap_bytes(f->map), 8192 * 8);
    for (uint32_t i = 0; i < N_TXN; i++)
        if (n_values(f->map, h[i]) != 0)
            fail_msg("aborted %u: still found", i);
    /* The same puts committed this time. */
    assert_int_equal(run_puts(f, h, v, N_TXN, 0), 0);
    assert_int_equal(cc_idmap_count(f->map), N_TXN);
    for (uint32_t i = 0; i < N_TXN; i++)
        if (count_value(f->map, h[i], v[i]) != 1)
            fail_msg("committed %u: not found once", i);
    free(h);
    free(v);
}

/* Whether a committed puts_body left its marker in meta. */
static bool marker_stored(fixture_t *f)
{
    cc_txn_t t;
    MDB_val v;
    int r;

    assert_int_equal(cc_store_read_begin(f->store, &t), 0);
    r = cc_txn_get(&t, f->meta, "marker", 6, &v);
    cc_txn_end(&t);
    assert_true(r == 0 || r == -ENOENT);
    return r == 0;
}

#define N_COMMIT 2000u

/* What a committed transaction put stays, also through a later aborted
 * one that put the same hashes (with other values, and with the same). */
static void test_idmap_commit_keeps(void **state)
{
    fixture_t *f = *state;
    uint64_t h[N_COMMIT], v[N_COMMIT], v2[N_COMMIT];

    for (uint32_t i = 0; i < N_COMMIT; i++) {
        h[i] = set_hash(4, i);
        v[i] = 1 + i;
        v2[i] = 50000 + i;
    }
    assert_int_equal(run_puts(f, h, v, N_COMMIT, 0), 0);
    assert_true(marker_stored(f));
    assert_int_equal(cc_idmap_count(f->map), N_COMMIT);

    /* Aborted: the same hashes, new values. */
    assert_int_equal(run_puts(f, h, v2, N_COMMIT, -EIO), -EIO);
    /* Aborted: the same hashes and values. */
    assert_int_equal(run_puts(f, h, v, N_COMMIT, -EIO), -EIO);
    assert_int_equal(cc_idmap_count(f->map), N_COMMIT);
    for (uint32_t i = 0; i < N_COMMIT; i++) {
        if (count_value(f->map, h[i], v[i]) != 1)
            fail_msg("committed %u: not found once", i);
        if (count_value(f->map, h[i], v2[i]) != 0)
            fail_msg("aborted %u: still found", i);
    }

    /* Another commit after the aborts: both are kept. */
    assert_int_equal(run_puts(f, h, v2, N_COMMIT, 0), 0);
    assert_int_equal(cc_idmap_count(f->map), 2 * N_COMMIT);
    for (uint32_t i = 0; i < N_COMMIT; i++) {
        assert_int_equal(count_value(f->map, h[i], v[i]), 1);
        assert_int_equal(count_value(f->map, h[i], v2[i]), 1);
    }
}

/* ---- Random transactions against a model ----------------------------------------- */

#define N_TAGS 48u
#define ROUNDS 120

/* Sort helper for the model's comparisons. */
static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

    return (x > y) - (x < y);
}

typedef struct {
    uint64_t *h, *v; /* committed (hash, value) pairs, duplicates allowed */
    size_t n, cap;
} model_t;

static void model_add(model_t *md, uint64_t h, uint64_t v)
{
    if (md->n == md->cap) {
        md->cap = md->cap ? md->cap * 2 : 1024;
        md->h = realloc(md->h, md->cap * sizeof(*md->h));
        md->v = realloc(md->v, md->cap * sizeof(*md->v));
        assert_non_null(md->h);
        assert_non_null(md->v);
    }
    md->h[md->n] = h;
    md->v[md->n++] = v;
}

/* The values listed for every tag are exactly the model's. */
static void model_check(const cc_idmap_t *m, const model_t *md, const uint64_t *tags)
{
    uint64_t *want = calloc(md->n + 1, sizeof(*want)), *got = calloc(md->n + 1, sizeof(*got));

    assert_non_null(want);
    assert_non_null(got);
    assert_int_equal(cc_idmap_count(m), md->n);
    for (uint32_t t = 0; t < N_TAGS; t++) {
        size_t nw = 0, ng = 0;
        cc_idmap_iter_t it;
        uint64_t v;

        for (size_t i = 0; i < md->n; i++)
            if (md->h[i] >> 32 == tags[t] >> 32)
                want[nw++] = md->v[i];
        cc_idmap_lookup(m, tags[t], &it);
        while (cc_idmap_next(&it, &v)) {
            assert_true(ng < md->n);
            got[ng++] = v;
        }
        qsort(want, nw, sizeof(*want), cmp_u64);
        qsort(got, ng, sizeof(*got), cmp_u64);
        if (nw != ng || (nw > 0 && memcmp(want, got, nw * sizeof(*want)) != 0))
            fail_msg("tag %u: %zu values listed, %zu expected", t, ng, nw);
    }
    free(want);
    free(got);
}

/* Rounds of transactions that put between 0 and 300 values of a few
 * heavily colliding hashes (and sometimes repeat a committed pair), half
 * of them aborted: after each round the map lists exactly what the
 * committed rounds put. */
static void test_idmap_random_rounds(void **state)
{
    fixture_t *f = *state;
    static const uint32_t homes[] = { 0, 1, 3, 0xfffe, 0xffff };
    uint64_t tags[N_TAGS], *h = calloc(300, sizeof(*h)), *v = calloc(300, sizeof(*v));
    model_t md = { 0 };
    uint64_t rnd = 42, next_value = 1;

    assert_non_null(h);
    assert_non_null(v);
    for (uint32_t t = 0; t < N_TAGS; t++)
        tags[t] = clustered(homes[t % CC_N(homes)], t / CC_N(homes));
    for (int round = 0; round < ROUNDS; round++) {
        size_t n = (size_t)((rnd = mix(rnd)) % 301);
        bool commit = (rnd = mix(rnd)) % 2 == 0;

        for (size_t i = 0; i < n; i++) {
            rnd = mix(rnd);
            if (md.n > 0 && rnd % 10 == 0) { /* repeat a committed pair */
                size_t j = (size_t)(mix(rnd) % md.n);

                h[i] = md.h[j];
                v[i] = md.v[j];
            } else {
                h[i] = tags[rnd % N_TAGS] ^ (mix(rnd) & 0xffffffffu);
                v[i] = next_value++;
            }
        }
        assert_int_equal(run_puts(f, h, v, n, commit ? 0 : -EIO), commit ? 0 : -EIO);
        if (commit)
            for (size_t i = 0; i < n; i++)
                model_add(&md, h[i], v[i]);
        model_check(f->map, &md, tags);
        assert_table_shape(f->map);
    }
    assert_true(md.n > 1000);
    free(md.h);
    free(md.v);
    free(h);
    free(v);
}

/* ---- A function run twice ----------------------------------------------------- */

#define N_RETRY 200u
#define BLOB_LEN (2 * KIB)

typedef struct {
    cc_idmap_t *map;
    MDB_dbi data;
    int calls;
} retry_ctx_t;

/* Puts N_RETRY values into the map, each with a 2 KiB record in the store
 * (400 KiB: more than the 64 KiB map the test starts with). */
static int retry_body(cc_txn_t *txn, void *ctx)
{
    retry_ctx_t *c = ctx;
    static uint8_t blob[BLOB_LEN];
    int r;

    c->calls++;
    for (uint32_t i = 0; i < N_RETRY; i++) {
        uint8_t key[8];

        if ((r = cc_idmap_put(c->map, mix(i), 1 + i)) < 0)
            return r;
        cc_be64_put(key, i);
        memset(blob, (int)(i & 0xff), sizeof(blob));
        if ((r = cc_txn_put(txn, c->data, key, sizeof(key), blob, sizeof(blob), 0)) < 0)
            return r;
    }
    return 0;
}

/* cc_store_write runs its function again after the map filled (the store
 * opened with 64 KiB): the puts of the aborted runs are undone, so after
 * the commit every value is listed once, with its record in the store. */
static void test_idmap_retry_puts_once(void **state)
{
    fixture_t *f = *state;
    cc_store_opts_t o = { .map_size = 64 * KIB, .map_size_max = 64 * 1024 * KIB };
    retry_ctx_t c = { 0 };
    cc_store_stats_t st;
    cc_txn_t t;
    uint64_t entries = 0;

    cc_idmap_close(&f->map);
    cc_store_close(&f->store);
    rm_tree(f->env);
    fx_reopen(f, &o);
    cc_store_stats(f->store, &st);
    assert_true(st.map_size < (size_t)N_RETRY * BLOB_LEN);

    c.map = f->map;
    c.data = store_dbi_ok(f->store, "data");
    assert_int_equal(cc_store_write(f->store, retry_body, &c), 0);
    assert_true(c.calls >= 2);
    cc_store_stats(f->store, &st);
    assert_true(st.grows >= 1);

    assert_int_equal(cc_idmap_count(f->map), N_RETRY);
    for (uint32_t i = 0; i < N_RETRY; i++)
        if (count_value(f->map, mix(i), 1 + i) != 1)
            fail_msg("value %u: not listed once", 1 + i);
    assert_int_equal(cc_store_read_begin(f->store, &t), 0);
    assert_int_equal(cc_txn_entries(&t, c.data, &entries), 0);
    cc_txn_end(&t);
    assert_int_equal(entries, N_RETRY);
}

/* ---- Clear, and several maps ------------------------------------------------------ */

/* cc_idmap_clear forgets every value; the map then takes new ones, and an
 * aborted transaction after it undoes only its own puts. */
static void test_idmap_clear(void **state)
{
    fixture_t *f = *state;
    uint64_t h[100], v[100];

    for (uint32_t i = 0; i < 3000; i++)
        put_ok(f->map, set_hash(5, i), 1 + i);
    assert_int_equal(cc_idmap_count(f->map), 3000);
    cc_idmap_clear(f->map);
    assert_int_equal(cc_idmap_count(f->map), 0);
    assert_table_shape(f->map);
    for (uint32_t i = 0; i < 3000; i++)
        if (n_values(f->map, set_hash(5, i)) != 0)
            fail_msg("cleared %u: still found", i);

    put_ok(f->map, set_hash(5, 7), 77);
    assert_int_equal(count_value(f->map, set_hash(5, 7), 77), 1);
    assert_int_equal(n_values(f->map, set_hash(5, 7)), 1);
    for (uint32_t i = 0; i < 100; i++) {
        h[i] = set_hash(6, i);
        v[i] = 1000 + i;
    }
    assert_int_equal(run_puts(f, h, v, 100, -EIO), -EIO);
    assert_int_equal(cc_idmap_count(f->map), 1);
    assert_int_equal(count_value(f->map, set_hash(5, 7), 77), 1);

    /* Clear on an empty map, twice. */
    cc_idmap_clear(f->map);
    cc_idmap_clear(f->map);
    assert_int_equal(cc_idmap_count(f->map), 0);
    assert_int_equal(n_values(f->map, set_hash(5, 7)), 0);
}

/* Every map of a store follows its transactions: an abort undoes the puts
 * of each. A store takes eight followers; closing a map frees its place and
 * stops the store calling it. */
static void test_idmap_several_maps(void **state)
{
    fixture_t *f = *state;
    cc_idmap_t *m[4] = { f->map, NULL, NULL, NULL }, *more[4], *extra = NULL;
    uint64_t h[10], v[10];

    for (int i = 1; i < 4; i++)
        m[i] = map_ok(f->store, f->meta, KEY_NAME, 0);
    for (int i = 0; i < 4; i++)
        more[i] = map_ok(f->store, f->meta, KEY_NAME, 0);
    assert_int_equal(cc_idmap_open(f->store, f->meta, KEY_NAME, 0, &extra), -ENOSPC);
    assert_null(extra);
    for (int i = 0; i < 4; i++)
        cc_idmap_close(&more[i]);

    for (uint32_t i = 0; i < 10; i++) {
        h[i] = mix(i);
        v[i] = 1 + i;
    }
    for (int i = 0; i < 4; i++)
        put_ok(m[i], mix(100), 100);
    f->map = m[2];
    assert_int_equal(run_puts(f, h, v, 10, -EIO), -EIO);
    f->map = m[3];
    assert_int_equal(run_puts(f, h, v, 10, 0), 0);
    for (int i = 0; i < 4; i++)
        assert_int_equal(count_value(m[i], mix(100), 100), 1);
    assert_int_equal(cc_idmap_count(m[2]), 1);
    assert_int_equal(cc_idmap_count(m[3]), 11);

    /* Closed maps are no longer called (the sanitizers would see it). */
    cc_idmap_close(&m[1]);
    cc_idmap_close(&m[2]);
    extra = map_ok(f->store, f->meta, KEY_NAME, 0);
    assert_int_equal(run_puts(f, h, v, 10, -EIO), -EIO);
    assert_int_equal(cc_idmap_count(m[3]), 11);
    cc_idmap_close(&extra);
    cc_idmap_close(&m[3]);
    f->map = m[0];
    assert_int_equal(run_puts(f, h, v, 10, 0), 0);
    assert_int_equal(cc_idmap_count(f->map), 11);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_idmap_put_lookup, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idmap_hash_key_kept, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idmap_hash_long_input, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idmap_bad_stored_key, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idmap_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idmap_expected_sizes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idmap_abort_undoes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idmap_abort_from_empty, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idmap_commit_keeps, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idmap_random_rounds, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idmap_retry_puts_once, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idmap_clear, setup, teardown),
        cmocka_unit_test_setup_teardown(test_idmap_several_maps, setup, teardown),
    };

    return cmocka_run_group_tests_name("idmap", tests, NULL, NULL);
}
