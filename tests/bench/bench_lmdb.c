/*
 * bench_lmdb.c - the LMDB ceiling: how many records a second LMDB appends
 * durably in one process on this disk.
 *
 * Not a test: it prints figures. It appends --count records of --size
 * bytes (default 120, about a stored event) under increasing 8-byte
 * big-endian keys with MDB_APPEND, --per-commit records (default 1024)
 * per write transaction, each commit synced as LMDB does by default
 * (fdatasync of the data file, then of the meta page): a log with group
 * commit and nothing else, no index, no validation, no network. That is
 * the bound of any durable store built on LMDB here; compare.sh sets
 * cchc's rates against it.
 *
 * Usage: bench_lmdb --dir=DIR [--count=N] [--size=BYTES] [--per-commit=N]
 *   DIR must exist and not hold an LMDB environment yet; its data.mdb is
 *   left there (compare.sh removes it).
 * Prints "figure rate RECORDS_PER_S" and "figure bytes_per_record B".
 */
#include <errno.h>
#include <lmdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_common.h"

/* Print what failed and its LMDB error; returns 1, the exit status. */
static int fail(const char *what, int rc)
{
    fprintf(stderr, "bench_lmdb: %s: %s\n", what, mdb_strerror(rc));
    return 1;
}

int main(int argc, char **argv)
{
    const char *dir = bench_opt(argc, argv, "--dir", NULL);
    uint64_t count = bench_opt_u64(argc, argv, "--count", 1000000);
    size_t size = (size_t)bench_opt_u64(argc, argv, "--size", 120);
    uint64_t per_commit = bench_opt_u64(argc, argv, "--per-commit", 1024);
    MDB_env *env = NULL;
    MDB_dbi dbi;
    MDB_stat st;
    MDB_envinfo info;
    char *value;
    uint64_t t0, t1, seq = 0;
    double secs;
    int rc;

    if (dir == NULL || count == 0 || size == 0 || size > 4000 || per_commit == 0) {
        fprintf(stderr, "Usage: bench_lmdb --dir=DIR [--count=N] [--size=BYTES (1..4000)] "
                        "[--per-commit=N]\n");
        return 2;
    }
    if ((value = malloc(size)) == NULL)
        return fail("value", ENOMEM);
    memset(value, 'e', size);
    if ((rc = mdb_env_create(&env)) != 0 ||
        (rc = mdb_env_set_mapsize(env, (size_t)(count * (size + 64) * 2 + (64u << 20)))) != 0 ||
        (rc = mdb_env_open(env, dir, 0, 0600)) != 0)
        return fail(dir, rc);
    t0 = bench_now_us();
    while (seq < count) {
        MDB_txn *txn;

        if ((rc = mdb_txn_begin(env, NULL, 0, &txn)) != 0 ||
            (rc = mdb_dbi_open(txn, NULL, 0, &dbi)) != 0)
            return fail("begin", rc);
        for (uint64_t i = 0; i < per_commit && seq < count; i++) {
            unsigned char k[8];
            MDB_val key = { sizeof(k), k }, val = { size, value };

            seq++;
            for (int b = 0; b < 8; b++)
                k[b] = (unsigned char)(seq >> (56 - 8 * b));
            memcpy(value, &seq, sizeof(seq) < size ? sizeof(seq) : size);
            if ((rc = mdb_put(txn, dbi, &key, &val, MDB_APPEND)) != 0)
                return fail("put", rc);
        }
        if ((rc = mdb_txn_commit(txn)) != 0)
            return fail("commit", rc);
    }
    t1 = bench_now_us();
    mdb_env_stat(env, &st);
    mdb_env_info(env, &info);
    secs = (double)(t1 - t0) / 1e6;
    printf("bench_lmdb: %llu records of %zu bytes, %llu per commit, synced, in %.3f s: "
           "%.0f records/s; %zu pages of %u bytes used\n",
           (unsigned long long)count, size, (unsigned long long)per_commit, secs,
           (double)count / secs, info.me_last_pgno + 1, st.ms_psize);
    bench_figure("rate", (double)count / secs);
    bench_figure("bytes_per_record", (double)(info.me_last_pgno + 1) * st.ms_psize / (double)count);
    mdb_env_close(env);
    free(value);
    return 0;
}
