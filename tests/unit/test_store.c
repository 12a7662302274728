/*
 * test_store.c - unit tests of the LMDB layer (store/cc_store.{h,c}).
 *
 * Every test runs in its own directory made with mkdtemp() under /tmp and
 * removed afterwards. The crash test forks a writer, kills it with SIGKILL in
 * the middle of its commits, and checks that every commit it saw return is
 * on disk and that its stale reader slot is cleared by the next open.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "cc_base.h"
#include "cc_store.h"
#include "support.h"

#define MIB ((size_t)1 << 20)

/* ---- Fixture: a fresh temporary directory per test ----------------------- */

typedef struct {
    char dir[64]; /* the temporary directory */
    char env[96]; /* dir/env: the environment under test */
} fixture_t;

static int setup(void **state)
{
    fixture_t *f = calloc(1, sizeof(*f));

    if (f == NULL)
        return -1;
    snprintf(f->dir, sizeof(f->dir), "/tmp/cchc-test-store-XXXXXX");
    if (mkdtemp(f->dir) == NULL) {
        free(f);
        return -1;
    }
    snprintf(f->env, sizeof(f->env), "%s/env", f->dir);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    fixture_t *f = *state;

    rm_tree(f->dir);
    free(f);
    return 0;
}

static MDB_dbi dbi_ok(cc_store_t *s, const char *name, unsigned flags)
{
    MDB_dbi dbi = 0;
    int r = cc_store_dbi(s, name, flags, &dbi);

    if (r != 0)
        fail_msg("cc_store_dbi(%s): %d %s", name, r, cc_store_strerror(r));
    return dbi;
}

/* ---- Small write bodies ---------------------------------------------------- */

typedef struct {
    MDB_dbi dbi;
    const char *key;
    const char *val;
} kv_ctx_t;

static int put_kv(cc_txn_t *txn, void *ctx)
{
    kv_ctx_t *c = ctx;

    return cc_txn_put(txn, c->dbi, c->key, strlen(c->key), c->val, strlen(c->val), 0);
}

static void put_str(cc_store_t *s, MDB_dbi dbi, const char *key, const char *val)
{
    kv_ctx_t c = { dbi, key, val };

    assert_int_equal(cc_store_write(s, put_kv, &c), 0);
}

/* Value under @key as a C string into @buf; returns cc_txn_get's result. */
static int get_str(cc_store_t *s, MDB_dbi dbi, const char *key, char *buf, size_t size)
{
    cc_txn_t t;
    MDB_val v;
    int r;

    assert_int_equal(cc_store_read_begin(s, &t), 0);
    r = cc_txn_get(&t, dbi, key, strlen(key), &v);
    buf[0] = '\0';
    if (r == 0) {
        assert_true(v.mv_size < size);
        memcpy(buf, v.mv_data, v.mv_size);
        buf[v.mv_size] = '\0';
    }
    cc_txn_end(&t);
    return r;
}

static void assert_value(cc_store_t *s, MDB_dbi dbi, const char *key, const char *want)
{
    char buf[256];

    assert_int_equal(get_str(s, dbi, key, buf, sizeof(buf)), 0);
    assert_string_equal(buf, want);
}

static void assert_absent(cc_store_t *s, MDB_dbi dbi, const char *key)
{
    char buf[256];

    assert_int_equal(get_str(s, dbi, key, buf, sizeof(buf)), -ENOENT);
}

/* ---- Open, close, reopen ---------------------------------------------------- */

static void test_store_reopen_keeps_data(void **state)
{
    fixture_t *f = *state;
    cc_store_t *s = store_open_ok(f->env, NULL);
    MDB_dbi db = dbi_ok(s, "dossiers", 0);
    struct stat st;

    /* The directory is created with mode 0700. */
    assert_int_equal(stat(f->env, &st), 0);
    assert_true(S_ISDIR(st.st_mode));
    assert_int_equal(st.st_mode & 0777, 0700);

    put_str(s, db, "000.00.01.H01-250101-0001", "received");
    cc_store_close(&s);
    assert_null(s);
    cc_store_close(&s); /* accepts NULL */
    cc_store_close(NULL);

    s = store_open_ok(f->env, NULL);
    db = dbi_ok(s, "dossiers", 0);
    assert_value(s, db, "000.00.01.H01-250101-0001", "received");
    cc_store_close(&s);
}

static void test_store_open_bad_dir_fails(void **state)
{
    fixture_t *f = *state;
    char path[128];
    cc_store_t *s = NULL;
    int fd;

    /* A path whose parent is a regular file cannot be created. */
    snprintf(path, sizeof(path), "%s/file", f->dir);
    fd = open(path, O_CREAT | O_WRONLY, 0600);
    assert_true(fd >= 0);
    close(fd);
    snprintf(path, sizeof(path), "%s/file/env", f->dir);
    assert_true(cc_store_open(path, NULL, &s) < 0);
    assert_null(s);
}

static void test_store_named_dbs_independent(void **state)
{
    fixture_t *f = *state;
    cc_store_t *s = store_open_ok(f->env, NULL);
    MDB_dbi a = dbi_ok(s, "units", 0);
    MDB_dbi b = dbi_ok(s, "procedures", 0);

    assert_int_not_equal(a, b);
    put_str(s, a, "k", "in units");
    put_str(s, b, "k", "in procedures");
    put_str(s, a, "only-a", "1");
    assert_value(s, a, "k", "in units");
    assert_value(s, b, "k", "in procedures");
    assert_absent(s, b, "only-a");

    /* Opening the same name again gives the same database. */
    assert_int_equal(dbi_ok(s, "units", 0), a);
    cc_store_close(&s);
}

/* ---- put / get / del ---------------------------------------------------- */

typedef struct {
    MDB_dbi dbi;
    int steps;
} crud_ctx_t;

static int crud_body(cc_txn_t *txn, void *ctx)
{
    crud_ctx_t *c = ctx;
    MDB_val v;

    /* Absent keys give -ENOENT from get and del, and neither is sticky. */
    assert_int_equal(cc_txn_get(txn, c->dbi, "nope", 4, &v), -ENOENT);
    assert_int_equal(cc_txn_del(txn, c->dbi, "nope", 4), -ENOENT);
    assert_int_equal(txn->err, 0);
    assert_int_equal(cc_txn_put(txn, c->dbi, "a", 1, "1", 1, 0), 0);
    assert_int_equal(cc_txn_put(txn, c->dbi, "b", 1, "2", 1, 0), 0);
    /* MDB_NOOVERWRITE on an existing key: MDB_KEYEXIST, not sticky. */
    assert_int_equal(cc_txn_put(txn, c->dbi, "a", 1, "x", 1, MDB_NOOVERWRITE), MDB_KEYEXIST);
    assert_int_equal(txn->err, 0);
    assert_int_equal(cc_txn_get(txn, c->dbi, "a", 1, &v), 0);
    assert_int_equal(v.mv_size, 1);
    assert_memory_equal(v.mv_data, "1", 1);
    assert_int_equal(cc_txn_del(txn, c->dbi, "b", 1), 0);
    assert_int_equal(cc_txn_get(txn, c->dbi, "b", 1, &v), -ENOENT);
    c->steps++;
    return 0;
}

static void test_store_put_get_del(void **state)
{
    fixture_t *f = *state;
    cc_store_t *s = store_open_ok(f->env, NULL);
    MDB_dbi db = dbi_ok(s, "kv", 0);
    crud_ctx_t c = { db, 0 };
    cc_store_stats_t st;

    assert_int_equal(cc_store_write(s, crud_body, &c), 0);
    assert_int_equal(c.steps, 1);
    assert_value(s, db, "a", "1");
    assert_absent(s, db, "b");

    /* Overwrite, then delete in a later transaction. */
    put_str(s, db, "a", "one");
    assert_value(s, db, "a", "one");
    {
        cc_txn_t t;

        assert_int_equal(cc_store_read_begin(s, &t), 0);
        assert_int_equal(cc_txn_del(&t, db, "a", 1), -EACCES);
        cc_txn_end(&t);
        cc_txn_end(&t); /* accepts an ended transaction */
    }
    cc_store_stats(s, &st);
    assert_true(st.commits >= 2);
    cc_store_close(&s);
}

/* ---- update: read, change, write back ---------------------------------------- */

/* cc_update_fn: a counter of 8 bytes (little-endian) plus @ctx's step; a
 * step of 0 refuses (-EDOM). */
static int count_up(const MDB_val *old, void *val, void *ctx)
{
    uint64_t n = 0, step = *(const uint64_t *)ctx;

    if (step == 0)
        return -EDOM;
    if (old) {
        assert_int_equal(old->mv_size, sizeof(n));
        memcpy(&n, old->mv_data, sizeof(n));
    }
    n += step;
    memcpy(val, &n, sizeof(n));
    return 0;
}

static int update_body(cc_txn_t *txn, void *ctx)
{
    MDB_dbi dbi = *(MDB_dbi *)ctx;
    uint64_t step = 5, buf, zero = 0;
    MDB_val v;

    /* Absent: created; present: changed in place; the value reads back. */
    assert_int_equal(cc_txn_update(txn, dbi, "n", 1, &buf, sizeof(buf), count_up, &step), 0);
    step = 2;
    assert_int_equal(cc_txn_update(txn, dbi, "n", 1, &buf, sizeof(buf), count_up, &step), 0);
    assert_int_equal(cc_txn_get(txn, dbi, "n", 1, &v), 0);
    memcpy(&buf, v.mv_data, sizeof(buf));
    assert_int_equal(buf, 7);
    /* The function's refusal stores nothing and is not sticky. */
    assert_int_equal(cc_txn_update(txn, dbi, "m", 1, &buf, sizeof(buf), count_up, &zero), -EDOM);
    assert_int_equal(cc_txn_get(txn, dbi, "m", 1, &v), -ENOENT);
    assert_int_equal(txn->err, 0);
    return 0;
}

static void test_store_update(void **state)
{
    fixture_t *f = *state;
    cc_store_t *s = store_open_ok(f->env, NULL);
    MDB_dbi db = dbi_ok(s, "kv", 0);
    uint64_t n = 0;
    cc_txn_t t;
    MDB_val v;

    assert_int_equal(cc_store_write(s, update_body, &db), 0);
    assert_int_equal(cc_store_read_begin(s, &t), 0);
    assert_int_equal(cc_txn_get(&t, db, "n", 1, &v), 0);
    memcpy(&n, v.mv_data, sizeof(n));
    assert_int_equal(n, 7);
    /* Not in a read transaction. */
    n = 1;
    assert_true(cc_txn_update(&t, db, "n", 1, &v, sizeof(n), count_up, &n) < 0);
    cc_txn_end(&t);
    cc_store_close(&s);
}

/* ---- Sticky error ----------------------------------------------------------- */

typedef struct {
    MDB_dbi dbi;
    int first_err;
} sticky_ctx_t;

static int sticky_body(cc_txn_t *txn, void *ctx)
{
    sticky_ctx_t *c = ctx;
    char big_key[1024];
    MDB_val v;
    uint64_t u;

    assert_int_equal(cc_txn_put(txn, c->dbi, "before", 6, "x", 1, 0), 0);
    /* A key longer than LMDB's limit (511 bytes) fails the put. */
    memset(big_key, 'k', sizeof(big_key));
    c->first_err = cc_txn_put(txn, c->dbi, big_key, sizeof(big_key), "v", 1, 0);
    assert_true(c->first_err < 0);
    assert_int_equal(txn->err, c->first_err);
    /* Every later operation returns the same error without doing anything. */
    assert_int_equal(cc_txn_put(txn, c->dbi, "after", 5, "y", 1, 0), c->first_err);
    assert_int_equal(cc_txn_get(txn, c->dbi, "before", 6, &v), c->first_err);
    assert_int_equal(cc_txn_del(txn, c->dbi, "before", 6), c->first_err);
    assert_int_equal(cc_txn_get_u64(txn, c->dbi, "n", &u), c->first_err);
    assert_int_equal(cc_txn_put_u64(txn, c->dbi, "n", 1), c->first_err);
    assert_int_equal(cc_log_last(txn, c->dbi, &u), c->first_err);
    /* The body ignores the errors and asks to commit: the commit must fail. */
    return 0;
}

static void test_store_sticky_error_aborts_commit(void **state)
{
    fixture_t *f = *state;
    cc_store_t *s = store_open_ok(f->env, NULL);
    MDB_dbi db = dbi_ok(s, "kv", 0);
    sticky_ctx_t c = { db, 0 };
    cc_store_stats_t before, after;

    int r;

    cc_store_stats(s, &before);
    r = cc_store_write(s, sticky_body, &c);
    assert_int_equal(r, MDB_BAD_VALSIZE);
    assert_int_equal(r, c.first_err);
    assert_string_not_equal(cc_store_strerror(c.first_err), "");
    cc_store_stats(s, &after);
    assert_int_equal(after.commits, before.commits);
    assert_absent(s, db, "before");
    assert_absent(s, db, "after");

    /* The store is still usable. */
    put_str(s, db, "later", "ok");
    assert_value(s, db, "later", "ok");
    cc_store_close(&s);
}

static int abort_body(cc_txn_t *txn, void *ctx)
{
    MDB_dbi *db = ctx;

    assert_int_equal(cc_txn_put(txn, *db, "ghost", 5, "boo", 3, 0), 0);
    return -ECANCELED;
}

static void test_store_write_fn_negative_aborts(void **state)
{
    fixture_t *f = *state;
    cc_store_t *s = store_open_ok(f->env, NULL);
    MDB_dbi db = dbi_ok(s, "kv", 0);

    assert_int_equal(cc_store_write(s, abort_body, &db), -ECANCELED);
    assert_absent(s, db, "ghost");
    cc_store_close(&s);
    s = store_open_ok(f->env, NULL);
    db = dbi_ok(s, "kv", 0);
    assert_absent(s, db, "ghost");
    cc_store_close(&s);
}

/* A follower that writes "prepared" before each commit, counts the ends. */
typedef struct {
    MDB_dbi db;
    int prepared, committed, aborted;
} follow_ctx_t;

static int follow_prepare(cc_txn_t *txn, void *ctx)
{
    follow_ctx_t *c = ctx;

    c->prepared++;
    return cc_txn_put(txn, c->db, "prepared", 8, "yes", 3, 0);
}

static void follow_commit(void *ctx) { ((follow_ctx_t *)ctx)->committed++; }

static void follow_abort(void *ctx) { ((follow_ctx_t *)ctx)->aborted++; }

static int put_one(cc_txn_t *txn, void *ctx)
{
    follow_ctx_t *c = ctx;

    if (cc_txn_put(txn, c->db, "k", 1, "v", 1, 0) < 0)
        return -EIO;
    return 1; /* a positive result commits */
}

/* A follower's prepare writes in the transaction before every commit,
 * whatever non-negative result the function gave, and is told the end;
 * a function's failure aborts with no prepare. */
static void test_store_followers(void **state)
{
    fixture_t *f = *state;
    cc_store_t *s = store_open_ok(f->env, NULL);
    follow_ctx_t c = { dbi_ok(s, "kv", 0), 0, 0, 0 };

    assert_int_equal(cc_store_follow(s, follow_prepare, follow_abort, follow_commit, &c), 0);
    assert_int_equal(cc_store_write(s, put_one, &c), 0);
    assert_value(s, c.db, "prepared", "yes");
    assert_value(s, c.db, "k", "v");
    assert_int_equal(c.prepared, 1);
    assert_int_equal(c.committed, 1);
    assert_int_equal(cc_store_write(s, abort_body, &c.db), -ECANCELED);
    assert_int_equal(c.prepared, 1);
    assert_int_equal(c.aborted, 1);
    cc_store_unfollow(s, &c);
    assert_int_equal(cc_store_write(s, put_one, &c), 0);
    assert_int_equal(c.committed, 1); /* no longer told */
    cc_store_close(&s);
}

/* ---- Append-only log -------------------------------------------------------- */

typedef struct {
    MDB_dbi log;
    int n; /* records to append */
    uint64_t seqs[16];
} append_ctx_t;

static int append_body(cc_txn_t *txn, void *ctx)
{
    append_ctx_t *c = ctx;

    for (int i = 0; i < c->n; i++) {
        char rec[32];
        int r;

        snprintf(rec, sizeof(rec), "event-%d", i);
        if ((r = cc_log_append(txn, c->log, rec, strlen(rec), &c->seqs[i])) < 0)
            return r;
    }
    return 0;
}

static uint64_t log_last(cc_store_t *s, MDB_dbi log)
{
    cc_txn_t t;
    uint64_t last = 99;

    assert_int_equal(cc_store_read_begin(s, &t), 0);
    assert_int_equal(cc_log_last(&t, log, &last), 0);
    cc_txn_end(&t);
    return last;
}

static void append_n(cc_store_t *s, MDB_dbi log, int n)
{
    append_ctx_t c = { .log = log, .n = n };

    assert_true(n <= 16);
    assert_int_equal(cc_store_write(s, append_body, &c), 0);
}

static void test_store_log_append_sequence(void **state)
{
    fixture_t *f = *state;
    cc_store_t *s = store_open_ok(f->env, NULL);
    MDB_dbi log = dbi_ok(s, "log", 0);
    append_ctx_t c = { .log = log, .n = 3 };

    assert_int_equal(log_last(s, log), 0);
    assert_int_equal(cc_store_write(s, append_body, &c), 0);
    assert_int_equal(c.seqs[0], 1);
    assert_int_equal(c.seqs[1], 2);
    assert_int_equal(c.seqs[2], 3);
    assert_int_equal(log_last(s, log), 3);

    /* Sequence numbers continue across transactions and reopen. */
    c.n = 2;
    assert_int_equal(cc_store_write(s, append_body, &c), 0);
    assert_int_equal(c.seqs[0], 4);
    assert_int_equal(c.seqs[1], 5);
    cc_store_close(&s);
    s = store_open_ok(f->env, NULL);
    log = dbi_ok(s, "log", 0);
    assert_int_equal(log_last(s, log), 5);
    c.log = log;
    c.n = 1;
    assert_int_equal(cc_store_write(s, append_body, &c), 0);
    assert_int_equal(c.seqs[0], 6);
    cc_store_close(&s);
}

typedef struct {
    uint64_t seqs[64];
    size_t n;
    size_t stop_after; /* return 1 after this many (0: never) */
    int stop_value;
} scan_ctx_t;

static int scan_fn(uint64_t seq, const void *rec, size_t len, void *ctx)
{
    scan_ctx_t *c = ctx;

    assert_non_null(rec);
    assert_true(len > 0);
    assert_true(c->n < 64);
    c->seqs[c->n++] = seq;
    if (c->stop_after && c->n == c->stop_after)
        return c->stop_value;
    return 0;
}

static void test_store_log_scan(void **state)
{
    fixture_t *f = *state;
    cc_store_t *s = store_open_ok(f->env, NULL);
    MDB_dbi log = dbi_ok(s, "log", 0);
    cc_txn_t t;
    size_t count;

    append_n(s, log, 10);
    assert_int_equal(cc_store_read_begin(s, &t), 0);

    { /* After 3, at most 4: 4, 5, 6, 7. */
        scan_ctx_t c = { .n = 0 };

        count = 99;
        assert_int_equal(cc_log_scan(&t, log, 3, 4, scan_fn, &c, &count), 0);
        assert_int_equal(count, 4);
        assert_int_equal(c.n, 4);
        for (size_t i = 0; i < 4; i++)
            assert_int_equal(c.seqs[i], 4 + i);
    }
    { /* From the start, max larger than the log: all 10 in order. */
        scan_ctx_t c = { .n = 0 };

        assert_int_equal(cc_log_scan(&t, log, 0, 1000, scan_fn, &c, &count), 0);
        assert_int_equal(count, 10);
        for (size_t i = 0; i < 10; i++)
            assert_int_equal(c.seqs[i], 1 + i);
    }
    { /* After the end, and max 0: nothing. */
        scan_ctx_t c = { .n = 0 };

        assert_int_equal(cc_log_scan(&t, log, 10, 5, scan_fn, &c, &count), 0);
        assert_int_equal(count, 0);
        assert_int_equal(cc_log_scan(&t, log, 0, 0, scan_fn, &c, &count), 0);
        assert_int_equal(count, 0);
        assert_int_equal(c.n, 0);
        assert_int_equal(cc_log_scan(&t, log, 2, 3, scan_fn, &c, NULL), 0);
        assert_int_equal(c.n, 3);
    }
    { /* The callback stops early with a positive value: 0, count so far. */
        scan_ctx_t c = { .stop_after = 2, .stop_value = 1 };

        assert_int_equal(cc_log_scan(&t, log, 5, 100, scan_fn, &c, &count), 0);
        assert_int_equal(count, 2);
        assert_int_equal(c.seqs[0], 6);
        assert_int_equal(c.seqs[1], 7);
    }
    { /* A negative value stops the scan and is returned. */
        scan_ctx_t c = { .stop_after = 1, .stop_value = -EINTR };

        assert_int_equal(cc_log_scan(&t, log, 0, 100, scan_fn, &c, &count), -EINTR);
        assert_int_equal(c.n, 1);
    }
    cc_txn_end(&t);
    cc_store_close(&s);
}

/* ---- u64 helpers -------------------------------------------------------------- */

typedef struct {
    MDB_dbi dbi;
    uint64_t in;
    uint64_t out;
} u64_ctx_t;

static int u64_body(cc_txn_t *txn, void *ctx)
{
    u64_ctx_t *c = ctx;
    uint64_t v = 1;
    int r;

    /* Absent: 0 and success. */
    assert_int_equal(cc_txn_get_u64(txn, c->dbi, "absent", &v), 0);
    assert_int_equal(v, 0);
    if ((r = cc_txn_put_u64(txn, c->dbi, "cursor.intake", c->in)) < 0)
        return r;
    return cc_txn_get_u64(txn, c->dbi, "cursor.intake", &c->out);
}

static int bad_u64_body(cc_txn_t *txn, void *ctx)
{
    u64_ctx_t *c = ctx;

    /* A value that is not 8 bytes is reported as corruption (sticky). */
    assert_int_equal(cc_txn_put(txn, c->dbi, "short", 5, "abc", 3, 0), 0);
    assert_int_equal(cc_txn_get_u64(txn, c->dbi, "short", &c->out), MDB_CORRUPTED);
    assert_int_equal(txn->err, MDB_CORRUPTED);
    return 0;
}

static void test_store_u64_helpers(void **state)
{
    fixture_t *f = *state;
    cc_store_t *s = store_open_ok(f->env, NULL);
    MDB_dbi db = dbi_ok(s, "meta", 0);
    u64_ctx_t c = { .dbi = db, .in = 0x0102030405060708ull };
    uint8_t b[8];
    const uint64_t samples[] = { 0, 1, 255, 256, 0xffffffffull, UINT64_MAX };
    cc_txn_t t;
    MDB_val v;

    assert_int_equal(cc_store_write(s, u64_body, &c), 0);
    assert_int_equal(c.out, c.in);

    /* Stored big-endian, 8 bytes. */
    assert_int_equal(cc_store_read_begin(s, &t), 0);
    assert_int_equal(cc_txn_get(&t, db, "cursor.intake", 13, &v), 0);
    assert_int_equal(v.mv_size, 8);
    assert_memory_equal(v.mv_data, "\x01\x02\x03\x04\x05\x06\x07\x08", 8);
    cc_txn_end(&t);

    c.in = UINT64_MAX;
    assert_int_equal(cc_store_write(s, u64_body, &c), 0);
    assert_true(c.out == UINT64_MAX);

    for (size_t i = 0; i < sizeof(samples) / sizeof(samples[0]); i++) {
        cc_be64_put(b, samples[i]);
        assert_true(cc_be64_get(b) == samples[i]);
    }
    /* Big-endian keys sort like the numbers. */
    {
        uint8_t lo[8], hi[8];

        cc_be64_put(lo, 255);
        cc_be64_put(hi, 256);
        assert_true(memcmp(lo, hi, 8) < 0);
    }

    assert_int_equal(cc_store_write(s, bad_u64_body, &c), MDB_CORRUPTED);
    assert_absent(s, db, "short");
    cc_store_close(&s);
}

/* ---- Map growth --------------------------------------------------------------- */

#define CHUNK_LEN 4000 /* bytes per value: one LMDB overflow page run each */

typedef struct {
    MDB_dbi dbi;
    uint32_t first; /* first key number */
    uint32_t count; /* values to write */
    int calls;      /* how many times the body ran (growth retries) */
} fill_ctx_t;

static void fill_value(uint32_t k, uint8_t *out, size_t len)
{
    uint32_t x = k * 2654435761u + 1;

    for (size_t i = 0; i < len; i++) {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        out[i] = (uint8_t)x;
    }
}

static int fill_body(cc_txn_t *txn, void *ctx)
{
    fill_ctx_t *c = ctx;
    uint8_t val[CHUNK_LEN];
    int r;

    c->calls++;
    for (uint32_t k = c->first; k < c->first + c->count; k++) {
        uint8_t key[8];

        cc_be64_put(key, k);
        fill_value(k, val, sizeof(val));
        /* A real body stops at the first error; the sticky error would
         * catch it anyway. */
        if ((r = cc_txn_put(txn, c->dbi, key, sizeof(key), val, sizeof(val), 0)) < 0)
            return r;
    }
    return 0;
}

static void check_filled(cc_store_t *s, MDB_dbi dbi, uint32_t n)
{
    uint8_t want[CHUNK_LEN];
    cc_txn_t t;

    assert_int_equal(cc_store_read_begin(s, &t), 0);
    for (uint32_t k = 0; k < n; k++) {
        uint8_t key[8];
        MDB_val v;

        cc_be64_put(key, k);
        assert_int_equal(cc_txn_get(&t, dbi, key, sizeof(key), &v), 0);
        assert_int_equal(v.mv_size, CHUNK_LEN);
        fill_value(k, want, sizeof(want));
        assert_memory_equal(v.mv_data, want, CHUNK_LEN);
    }
    cc_txn_end(&t);
}

static void test_store_map_growth(void **state)
{
    fixture_t *f = *state;
    cc_store_opts_t o = { .map_size = 1 * MIB, .map_size_max = 256 * MIB };
    cc_store_t *s = store_open_ok(f->env, &o);
    MDB_dbi db = dbi_ok(s, "bulk", 0);
    cc_store_stats_t st;
    uint32_t total = 0;
    /* ~20 MiB in transactions of growing size, the last one alone 6 MiB
     * (several doublings inside one cc_store_write). */
    const uint32_t sizes[] = { 64, 128, 256, 512, 1024, 1536, 2000 };
    int big_calls = 0;

    cc_store_stats(s, &st);
    assert_int_equal(st.map_size, 1 * MIB);
    assert_int_equal(st.grows, 0);
    for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
        fill_ctx_t c = { .dbi = db, .first = total, .count = sizes[i] };
        int r = cc_store_write(s, fill_body, &c);

        if (r != 0)
            fail_msg("fill %zu: %d %s", i, r, cc_store_strerror(r));
        total += sizes[i];
        big_calls = c.calls;
    }
    assert_true((size_t)total * CHUNK_LEN >= 20 * MIB);
    assert_true(big_calls >= 1);
    cc_store_stats(s, &st);
    assert_true(st.grows > 0);
    assert_true(st.map_size >= 20 * MIB);
    assert_true(st.used_bytes >= 20 * MIB);
    assert_true(st.used_bytes <= st.map_size);
    assert_int_equal(st.commits, sizeof(sizes) / sizeof(sizes[0]));
    check_filled(s, db, total);

    /* Reopen with the small initial size: LMDB adopts the data file's size. */
    cc_store_close(&s);
    s = store_open_ok(f->env, &o);
    db = dbi_ok(s, "bulk", 0);
    cc_store_stats(s, &st);
    assert_true(st.map_size >= 20 * MIB);
    check_filled(s, db, total);
    cc_store_close(&s);
}

static void test_store_map_max_gives_map_full(void **state)
{
    fixture_t *f = *state;
    cc_store_opts_t o = { .map_size = 1 * MIB, .map_size_max = 4 * MIB };
    cc_store_t *s = store_open_ok(f->env, &o);
    MDB_dbi db = dbi_ok(s, "bulk", 0);
    fill_ctx_t small = { .dbi = db, .first = 0, .count = 16 };
    fill_ctx_t huge = { .dbi = db, .first = 1000, .count = 2048 }; /* 8 MiB */
    cc_store_stats_t st;
    int r;

    assert_int_equal(cc_store_write(s, fill_body, &small), 0);
    r = cc_store_write(s, fill_body, &huge);
    assert_int_equal(r, MDB_MAP_FULL);
    assert_non_null(strstr(cc_store_strerror(r), "MDB_MAP_FULL"));
    assert_true(huge.calls >= 2); /* retried after growing, then gave up */
    cc_store_stats(s, &st);
    assert_true(st.map_size <= 4 * MIB);
    assert_int_equal(st.commits, 1);

    /* Nothing of the failed transaction is stored; the store still works. */
    {
        cc_txn_t t;
        uint8_t key[8];
        MDB_val v;

        assert_int_equal(cc_store_read_begin(s, &t), 0);
        cc_be64_put(key, 1000);
        assert_int_equal(cc_txn_get(&t, db, key, sizeof(key), &v), -ENOENT);
        cc_txn_end(&t);
    }
    check_filled(s, db, 16);
    small.first = 16;
    assert_int_equal(cc_store_write(s, fill_body, &small), 0);
    check_filled(s, db, 32);
    cc_store_close(&s);
}

/* ---- Crash: SIGKILL a writer in the middle of its commits ------------------ */

/* The writer's context: the log and the last seq appended. */
typedef struct {
    uint64_t seq;
    MDB_dbi log;
} writer_ctx_t;

/* Append one record whose text names its own seq (checked after reopen). */
static int append_one(cc_txn_t *txn, void *ctx)
{
    writer_ctx_t *c = ctx;
    uint64_t last;
    char rec[64];
    int r;

    if ((r = cc_log_last(txn, c->log, &last)) < 0)
        return r;
    snprintf(rec, sizeof(rec), "{\"eid\":\"crash-%llu\"}", (unsigned long long)last + 1);
    return cc_log_append(txn, c->log, rec, strlen(rec), &c->seq);
}

/* Move all @len bytes of @buf through the pipe @fd, written or read, going
 * on after EINTR. Returns 0, or -1 on an error or end of file. */
static int full_io(int fd, void *buf, size_t len, bool writing)
{
    char *p = buf;

    while (len > 0) {
        ssize_t n = writing ? write(fd, p, len) : read(fd, p, len);

        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

static int full_write(int fd, const void *buf, size_t len)
{
    return full_io(fd, CC_UNCONST(buf), len, true);
}

static int full_read(int fd, void *buf, size_t len) { return full_io(fd, buf, len, false); }

static void __attribute__((noreturn)) writer_child(const char *env, int out_fd)
{
    cc_store_t *s = NULL;
    writer_ctx_t c = { 0 };
    cc_txn_t reader;
    uint64_t zero = 0;

    if (cc_store_open(env, NULL, &s) < 0 || cc_store_dbi(s, "log", 0, &c.log) < 0)
        _exit(2);
    /* Hold a read transaction for ever: the SIGKILL leaves its slot behind. */
    if (cc_store_read_begin(s, &reader) < 0)
        _exit(3);
    if (full_write(out_fd, &zero, sizeof(zero)) < 0) /* ready */
        _exit(4);
    for (;;) {
        if (cc_store_write(s, append_one, &c) < 0)
            _exit(5);
        /* Only now is the record durable: report it. */
        if (full_write(out_fd, &c.seq, sizeof(c.seq)) < 0)
            _exit(6);
    }
}

/* Count reader-table lines that belong to @pid (mdb_reader_list callback). */
typedef struct {
    pid_t pid;
    int count;
} reader_count_t;

static int reader_line(const char *msg, void *ctx)
{
    reader_count_t *c = ctx;
    long pid;

    if (sscanf(msg, "%ld", &pid) == 1 && pid == (long)c->pid)
        c->count++;
    return 0;
}

/* A second process that keeps the environment open, so that its lock file
 * is not reinitialised (which would hide a stale slot), and reports on
 * request how many reader slots the dead writer still holds. It answers one
 * int per byte it reads, and exits at EOF. */
static void __attribute__((noreturn))
holder_child(const char *env, pid_t writer, int in_fd, int out_fd)
{
    MDB_env *e;
    char cmd;
    int ready = 1;

    if (mdb_env_create(&e) != 0 || mdb_env_set_maxdbs(e, 16) != 0 ||
        mdb_env_open(e, env, MDB_NOTLS | MDB_RDONLY, 0600) != 0)
        _exit(2);
    if (full_write(out_fd, &ready, sizeof(ready)) < 0)
        _exit(3);
    while (read(in_fd, &cmd, 1) == 1) {
        reader_count_t c = { writer, 0 };

        mdb_reader_list(e, reader_line, &c);
        if (full_write(out_fd, &c.count, sizeof(c.count)) < 0)
            _exit(4);
    }
    mdb_env_close(e);
    _exit(0);
}

static int ask_holder(int to_fd, int from_fd)
{
    int count = -1;

    assert_int_equal(full_write(to_fd, "?", 1), 0);
    assert_int_equal(full_read(from_fd, &count, sizeof(count)), 0);
    return count;
}

typedef struct {
    uint64_t next; /* the seq expected next */
} contig_ctx_t;

static int contig_fn(uint64_t seq, const void *rec, size_t len, void *ctx)
{
    contig_ctx_t *c = ctx;
    char want[64];

    snprintf(want, sizeof(want), "{\"eid\":\"crash-%llu\"}", (unsigned long long)seq);
    assert_int_equal(seq, c->next);
    assert_int_equal(len, strlen(want));
    assert_memory_equal(rec, want, len);
    c->next++;
    return 0;
}

static void test_store_crash_sigkill_keeps_commits(void **state)
{
    fixture_t *f = *state;
    int wpipe[2], hto[2], hfrom[2];
    pid_t writer, holder;
    uint64_t seq, last_reported = 0;
    int ready, status;
    cc_store_t *s;
    MDB_dbi log;
    uint64_t last;
    contig_ctx_t cc = { 1 };
    cc_txn_t t;
    size_t count;

    /* The environment exists before either child opens it. */
    s = store_open_ok(f->env, NULL);
    (void)dbi_ok(s, "log", 0);
    cc_store_close(&s);

    assert_int_equal(pipe(wpipe), 0);
    writer = fork();
    assert_true(writer >= 0);
    if (writer == 0) {
        close(wpipe[0]);
        writer_child(f->env, wpipe[1]);
    }
    close(wpipe[1]);
    assert_int_equal(full_read(wpipe[0], &seq, sizeof(seq)), 0); /* ready */
    assert_int_equal(seq, 0);

    assert_int_equal(pipe(hto), 0);
    assert_int_equal(pipe(hfrom), 0);
    holder = fork();
    assert_true(holder >= 0);
    if (holder == 0) {
        close(wpipe[0]);
        close(hto[1]);
        close(hfrom[0]);
        holder_child(f->env, writer, hto[0], hfrom[1]);
    }
    close(hto[0]);
    close(hfrom[1]);
    assert_int_equal(full_read(hfrom[0], &ready, sizeof(ready)), 0);

    /* Let the writer commit a while, then kill it between (or inside)
     * commits. Every seq it reported has been committed. */
    while (last_reported < 200) {
        assert_int_equal(full_read(wpipe[0], &seq, sizeof(seq)), 0);
        assert_int_equal(seq, last_reported + 1);
        last_reported = seq;
    }
    assert_int_equal(kill(writer, SIGKILL), 0);
    assert_int_equal(waitpid(writer, &status, 0), writer);
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGKILL);
    /* Drain what it wrote before dying. */
    while (full_read(wpipe[0], &seq, sizeof(seq)) == 0) {
        assert_int_equal(seq, last_reported + 1);
        last_reported = seq;
    }
    close(wpipe[0]);

    /* The dead writer's read transaction still holds a slot ... */
    assert_true(ask_holder(hto[1], hfrom[0]) >= 1);
    /* ... until the next cc_store_open() runs the reader check. */
    s = store_open_ok(f->env, NULL);
    assert_int_equal(ask_holder(hto[1], hfrom[0]), 0);

    log = dbi_ok(s, "log", 0);
    assert_int_equal(cc_store_read_begin(s, &t), 0);
    assert_int_equal(cc_log_last(&t, log, &last), 0);
    /* At most one commit may have landed after the last report. */
    assert_true(last >= last_reported);
    assert_true(last <= last_reported + 1);
    assert_int_equal(cc_log_scan(&t, log, 0, SIZE_MAX, contig_fn, &cc, &count), 0);
    assert_int_equal(count, last);
    assert_int_equal(cc.next, last + 1);
    cc_txn_end(&t);

    /* The writer lock of the dead process is recovered: writes still work. */
    {
        writer_ctx_t c = { .log = log };

        assert_int_equal(cc_store_write(s, append_one, &c), 0);
        assert_int_equal(c.seq, last + 1);
    }
    cc_store_close(&s);

    close(hto[1]); /* EOF: the holder exits */
    assert_int_equal(waitpid(holder, &status, 0), holder);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    close(hfrom[0]);
}

/* ---- Backup -------------------------------------------------------------------- */

static void test_store_backup_copy_same_content(void **state)
{
    fixture_t *f = *state;
    cc_store_t *s = store_open_ok(f->env, NULL);
    MDB_dbi kv = dbi_ok(s, "kv", 0);
    MDB_dbi log = dbi_ok(s, "log", 0);
    char copy[128];
    cc_store_t *b;
    MDB_dbi bkv, blog;
    contig_ctx_t cc = { 1 };
    cc_txn_t t;
    size_t count;

    put_str(s, kv, "unit", "000.00.01.H01");
    put_str(s, kv, "name", "Sở Tư pháp");
    for (int i = 0; i < 5; i++) {
        writer_ctx_t c = { .log = log };

        assert_int_equal(cc_store_write(s, append_one, &c), 0);
    }
    /* A reader open meanwhile does not stop the hot copy. */
    assert_int_equal(cc_store_read_begin(s, &t), 0);
    snprintf(copy, sizeof(copy), "%s/backup", f->dir);
    assert_int_equal(cc_store_backup(s, copy), 0);
    cc_txn_end(&t);
    /* A second backup into the same directory is refused (data.mdb exists). */
    assert_true(cc_store_backup(s, copy) < 0);
    cc_store_close(&s);

    b = store_open_ok(copy, NULL);
    bkv = dbi_ok(b, "kv", 0);
    blog = dbi_ok(b, "log", 0);
    assert_value(b, bkv, "unit", "000.00.01.H01");
    assert_value(b, bkv, "name", "Sở Tư pháp");
    assert_int_equal(log_last(b, blog), 5);
    assert_int_equal(cc_store_read_begin(b, &t), 0);
    assert_int_equal(cc_log_scan(&t, blog, 0, 100, contig_fn, &cc, &count), 0);
    assert_int_equal(count, 5);
    cc_txn_end(&t);
    cc_store_close(&b);
}

static void test_store_strerror(void **state)
{
    (void)state;
    assert_string_equal(cc_store_strerror(-ENOENT), strerror(ENOENT));
    assert_non_null(strstr(cc_store_strerror(MDB_MAP_FULL), "MDB_MAP_FULL"));
    assert_non_null(strstr(cc_store_strerror(MDB_CORRUPTED), "MDB_CORRUPTED"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_store_reopen_keeps_data, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_open_bad_dir_fails, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_named_dbs_independent, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_put_get_del, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_update, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_sticky_error_aborts_commit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_write_fn_negative_aborts, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_followers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_log_append_sequence, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_log_scan, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_u64_helpers, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_map_growth, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_map_max_gives_map_full, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_crash_sigkill_keeps_commits, setup, teardown),
        cmocka_unit_test_setup_teardown(test_store_backup_copy_same_content, setup, teardown),
        cmocka_unit_test(test_store_strerror),
    };

    return cmocka_run_group_tests_name("store", tests, NULL, NULL);
}
