/*
 * dossier_store.c - a dossier as intake stores it (see dossier_store.h).
 */
#include "dossier_store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"

#define SAME_AS_RECV_UNIT 0xff
#define VARINT_MAX 10
/* The value without its history: version, 7 small fields, 6 times, 3 codes. */
#define FIXED_MAX (1 + 7 + 6 * VARINT_MAX + 3 * (1 + CC_MAX_CODE))

/* A reader of one value; any overrun marks it bad. */
typedef struct {
    const uint8_t *p, *end;
    bool bad;
} reader_t;

static uint64_t get_varint(reader_t *r)
{
    uint64_t v = 0;

    for (unsigned shift = 0; shift < 64; shift += 7) {
        uint8_t b;

        if (r->p >= r->end)
            break;
        b = *r->p++;
        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80))
            return v;
    }
    r->bad = true;
    return 0;
}

static uint8_t get_byte(reader_t *r)
{
    if (r->p >= r->end) {
        r->bad = true;
        return 0;
    }
    return *r->p++;
}

/* A code: its length, then its bytes, into @dst (CC_MAX_CODE + 1). */
static void get_code(reader_t *r, char *dst)
{
    uint8_t n = get_byte(r);

    if (n > CC_MAX_CODE || (size_t)(r->end - r->p) < n) {
        r->bad = true;
        dst[0] = '\0';
        return;
    }
    memcpy(dst, r->p, n);
    dst[n] = '\0';
    r->p += n;
}

static size_t put_varint(uint8_t *out, uint64_t v)
{
    size_t n = 0;

    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

static size_t put_code(uint8_t *out, const char *code)
{
    size_t n = strnlen(code, CC_MAX_CODE);

    out[0] = (uint8_t)n;
    memcpy(out + 1, code, n);
    return 1 + n;
}

int cc_dossier_load(cc_txn_t *txn, MDB_dbi dbi, const char *id, cc_stored_dossier_t *ret)
{
    cc_dossier_t *d = &ret->d;
    reader_t r;
    MDB_val v;
    int rc = cc_txn_get(txn, dbi, id, strlen(id), &v);

    memset(ret, 0, sizeof(*ret));
    if (rc == -ENOENT)
        return 0;
    if (rc < 0)
        return rc;
    r = (reader_t){ v.mv_data, (const uint8_t *)v.mv_data + v.mv_size, false };
    if (get_byte(&r) != CC_DOSSIER_STORE_VERSION)
        return MDB_CORRUPTED;
    d->version = CC_DOSSIER_VERSION;
    d->state = get_byte(&r);
    d->channel = get_byte(&r);
    d->sos_pending = get_byte(&r);
    d->apology = get_byte(&r);
    d->supplements = get_byte(&r);
    d->klass = get_byte(&r);
    d->consults_open = get_byte(&r);
    d->received_at = (int64_t)get_varint(&r);
    d->due_at = (int64_t)get_varint(&r);
    d->promised_at = (int64_t)get_varint(&r);
    d->resolved_at = (int64_t)get_varint(&r);
    d->last_at = (int64_t)get_varint(&r);
    d->sos_at = (int64_t)get_varint(&r);
    get_code(&r, d->proc);
    get_code(&r, d->recv_unit);
    if (r.p < r.end && *r.p == SAME_AS_RECV_UNIT) {
        r.p++;
        memcpy(d->unit, d->recv_unit, sizeof(d->unit));
    } else {
        get_code(&r, d->unit);
    }
    ret->n_records = get_varint(&r);
    if (ret->n_records > 0) {
        ret->first_seq = ret->last_seq = get_varint(&r);
        ret->deltas = r.p;
        ret->deltas_len = (size_t)(r.end - r.p);
        /* The last seq, for the next delta; and a check of the whole. */
        for (uint64_t i = 1; i < ret->n_records && !r.bad; i++)
            ret->last_seq += get_varint(&r);
    }
    if (r.bad || r.p != r.end || d->unit[0] == '\0' || d->state == CC_DOSSIER_NONE)
        return MDB_CORRUPTED;
    return 0;
}

int cc_dossier_save(cc_txn_t *txn, MDB_dbi dbi, const char *id, const cc_dossier_t *d,
                    const cc_stored_dossier_t *old, uint64_t seq)
{
    uint8_t stack[512], *buf = stack;
    size_t need = FIXED_MAX + 2 * VARINT_MAX + old->deltas_len + VARINT_MAX, n = 0;
    uint64_t n_records = old->n_records + (seq != 0);
    int r;

    if (need > sizeof(stack))
        buf = cc_xmalloc(need);
    buf[n++] = CC_DOSSIER_STORE_VERSION;
    buf[n++] = d->state;
    buf[n++] = d->channel;
    buf[n++] = d->sos_pending;
    buf[n++] = d->apology;
    buf[n++] = d->supplements;
    buf[n++] = d->klass;
    buf[n++] = d->consults_open;
    n += put_varint(buf + n, (uint64_t)d->received_at);
    n += put_varint(buf + n, (uint64_t)d->due_at);
    n += put_varint(buf + n, (uint64_t)d->promised_at);
    n += put_varint(buf + n, (uint64_t)d->resolved_at);
    n += put_varint(buf + n, (uint64_t)d->last_at);
    n += put_varint(buf + n, (uint64_t)d->sos_at);
    n += put_code(buf + n, d->proc);
    n += put_code(buf + n, d->recv_unit);
    if (strcmp(d->unit, d->recv_unit) == 0)
        buf[n++] = SAME_AS_RECV_UNIT;
    else
        n += put_code(buf + n, d->unit);
    n += put_varint(buf + n, n_records);
    if (old->n_records > 0) {
        n += put_varint(buf + n, old->first_seq);
        memcpy(buf + n, old->deltas, old->deltas_len);
        n += old->deltas_len;
        if (seq)
            n += put_varint(buf + n, seq - old->last_seq);
    } else if (seq) {
        n += put_varint(buf + n, seq);
    }
    /* A new dossier may sort last (ids by date); a stored one never appends. */
    r = old->n_records == 0 ? cc_txn_put_tail(txn, dbi, id, strlen(id), buf, n)
                            : cc_txn_put(txn, dbi, id, strlen(id), buf, n, 0);
    if (buf != stack)
        free(buf);
    return r;
}

int cc_dossier_each_seq(const cc_stored_dossier_t *sd, cc_dossier_seq_fn fn, void *ctx)
{
    reader_t r = { sd->deltas, sd->deltas + sd->deltas_len, false };
    uint64_t seq = sd->first_seq;

    for (uint64_t i = 0; i < sd->n_records; i++) {
        int rc;

        if (i > 0)
            seq += get_varint(&r);
        if (r.bad)
            return MDB_CORRUPTED;
        if ((rc = fn(seq, ctx)) != 0)
            return rc;
    }
    return 0;
}
