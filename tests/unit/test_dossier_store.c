/* Unit tests of the stored dossier (daemons/intake/dossier_store.c): every
 * field of the state and a long history survive a save and a load through a
 * real LMDB store, the handling unit is kept apart from the receiving one
 * when they differ, and a value that is not a stored dossier of this
 * version (truncated, trailing bytes, another version, a code too long, no
 * unit) is MDB_CORRUPTED, never read past its end.
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
    MDB_dbi dbi;
} fx_t;

typedef struct {
    const char *id;
    const cc_dossier_t *d;
    const cc_stored_dossier_t *old;
    uint64_t seq;
    const void *raw; /* or a raw value to put */
    size_t raw_len;
} put_t;

static MDB_dbi dossier_dbi; /* of the store of the test being run */

static int put_txn(cc_txn_t *txn, void *arg)
{
    const put_t *p = arg;

    if (p->raw)
        return cc_txn_put(txn, dossier_dbi, p->id, strlen(p->id), p->raw, p->raw_len, 0);
    return cc_dossier_save(txn, dossier_dbi, p->id, p->d, p->old, p->seq);
}

static int setup(void **state)
{
    fx_t *fx = calloc(1, sizeof(*fx));

    temp_dir(fx->dir, sizeof(fx->dir), "cchc-test-dstore");
    assert_int_equal(cc_store_open(fx->dir, NULL, &fx->store), 0);
    assert_int_equal(cc_store_dbi(fx->store, "dossier", 0, &fx->dbi), 0);
    dossier_dbi = fx->dbi;
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fx_t *fx = *state;

    cc_store_close(&fx->store);
    rm_tree(fx->dir);
    free(fx);
    return 0;
}

static int load(fx_t *fx, const char *id, cc_stored_dossier_t *ret)
{
    cc_txn_t txn;
    int r;

    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    r = cc_dossier_load(&txn, fx->dbi, id, ret);
    cc_txn_end(&txn);
    return r;
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

/* A state and 300 records (gaps of every size, a seq past 2^32) back as
 * they went in; an absent dossier is state none with no history. */
static void test_round_trip(void **state)
{
    fx_t *fx = *state;
    cc_dossier_t d = sample();
    cc_stored_dossier_t sd = { 0 }, got;
    uint64_t want[300], seen[300], *p = seen, seq = 7;

    for (int i = 0; i < 300; i++) {
        put_t put = { "HS-1", &d, &sd, seq, NULL, 0 };

        want[i] = seq;
        assert_int_equal(cc_store_write(fx->store, put_txn, &put), 0);
        assert_int_equal(load(fx, "HS-1", &sd), 0);
        seq += (uint64_t)1 << (i % 40);
    }
    assert_int_equal(load(fx, "HS-1", &got), 0);
    assert_memory_equal(&got.d, &d, sizeof(d));
    assert_int_equal(got.n_records, 300);
    assert_int_equal(got.last_seq, want[299]);
    {
        cc_txn_t txn; /* the history points into the value: read it in its transaction */

        assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
        assert_int_equal(cc_dossier_load(&txn, fx->dbi, "HS-1", &got), 0);
        assert_int_equal(cc_dossier_each_seq(&got, collect, &p), 0);
        cc_txn_end(&txn);
    }
    assert_memory_equal(seen, want, sizeof(want));
    assert_int_equal(load(fx, "HS-NONE", &got), 0);
    assert_int_equal(got.d.state, CC_DOSSIER_NONE);
    assert_int_equal(got.n_records, 0);
}

/* The handling unit equal to the receiving one is stored once (a value of
 * one record fits in 56 bytes); a transferred dossier keeps both. */
static void test_units_and_size(void **state)
{
    fx_t *fx = *state;
    cc_dossier_t d = sample();
    cc_stored_dossier_t none = { 0 }, got;
    put_t put = { "HS-2", &d, &none, 42, NULL, 0 };
    cc_txn_t txn;
    MDB_val v;

    snprintf(d.unit, sizeof(d.unit), "TTHCC");
    assert_int_equal(cc_store_write(fx->store, put_txn, &put), 0);
    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    assert_int_equal(cc_txn_get(&txn, fx->dbi, "HS-2", 4, &v), 0);
    assert_true(v.mv_size <= 56); /* five times set, three codes, one record */
    cc_txn_end(&txn);
    assert_int_equal(load(fx, "HS-2", &got), 0);
    assert_string_equal(got.d.unit, "TTHCC");
    assert_int_equal(got.first_seq, 42);
    snprintf(d.unit, sizeof(d.unit), "SO-KHDT-LONGER-CODE-OF-32-BYTES!");
    put.old = &got;
    put.seq = 43;
    assert_int_equal(cc_store_write(fx->store, put_txn, &put), 0);
    assert_int_equal(load(fx, "HS-2", &got), 0);
    assert_string_equal(got.d.unit, "SO-KHDT-LONGER-CODE-OF-32-BYTES!");
    assert_string_equal(got.d.recv_unit, "TTHCC");
    assert_int_equal(got.n_records, 2);
    assert_int_equal(got.last_seq, 43);
}

/* Values that are not a stored dossier of this version. */
static void test_corrupted(void **state)
{
    fx_t *fx = *state;
    cc_dossier_t d = sample();
    cc_stored_dossier_t none = { 0 }, got;
    put_t put = { "GOOD", &d, &none, 9, NULL, 0 };
    uint8_t good[256], bad[300];
    size_t good_len;
    cc_txn_t txn;
    MDB_val v;

    assert_int_equal(cc_store_write(fx->store, put_txn, &put), 0);
    assert_int_equal(cc_store_read_begin(fx->store, &txn), 0);
    assert_int_equal(cc_txn_get(&txn, fx->dbi, "GOOD", 4, &v), 0);
    good_len = v.mv_size;
    memcpy(good, v.mv_data, good_len);
    cc_txn_end(&txn);
    /* every truncation */
    for (size_t n = 0; n < good_len; n++) {
        put_t raw = { "BAD", NULL, NULL, 0, good, n };

        assert_int_equal(cc_store_write(fx->store, put_txn, &raw), 0);
        assert_int_equal(load(fx, "BAD", &got), MDB_CORRUPTED);
    }
    /* a trailing byte; another version */
    memcpy(bad, good, good_len);
    bad[good_len] = 0;
    {
        put_t raw = { "BAD", NULL, NULL, 0, bad, good_len + 1 };

        assert_int_equal(cc_store_write(fx->store, put_txn, &raw), 0);
        assert_int_equal(load(fx, "BAD", &got), MDB_CORRUPTED);
        bad[0] = CC_DOSSIER_STORE_VERSION + 1;
        raw.raw_len = good_len;
        assert_int_equal(cc_store_write(fx->store, put_txn, &raw), 0);
        assert_int_equal(load(fx, "BAD", &got), MDB_CORRUPTED);
    }
    /* By hand: a procedure code of 32 bytes loads, of 33 does not; nor a
     * dossier of state none (34), nor one without a unit (35). */
    for (int len = 32; len <= 35; len++) {
        size_t n = 0;
        put_t raw = { "HAND", NULL, NULL, 0, bad, 0 };

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
        bad[n++] = 1;    /* one record */
        bad[n++] = 5;    /* seq 5 */
        raw.raw_len = n;
        assert_int_equal(cc_store_write(fx->store, put_txn, &raw), 0);
        assert_int_equal(load(fx, "HAND", &got), len == 32 ? 0 : MDB_CORRUPTED);
        if (len == 32) {
            assert_int_equal(strlen(got.d.proc), 32);
            assert_string_equal(got.d.unit, "U");
            assert_int_equal(got.last_seq, 5);
        }
    }
    assert_int_equal(load(fx, "GOOD", &got), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
        cmocka_unit_test_setup_teardown(test_units_and_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_corrupted, setup, teardown),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
