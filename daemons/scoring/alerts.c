/*
 * alerts.c - alert state, due-date index and publication (see alerts.h).
 */
#include "alerts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_mem.h"

#define SEQ_KEY "alert_seq"

/* A change waiting for the commit. */
typedef struct {
    char unit[CC_MAX_CODE + 1];
    size_t off, len; /* body bytes in queue_buf */
} queued_t;

struct sc_alerts {
    MDB_dbi alerts_dbi, due_dbi, sos_dbi, meta_dbi;
    sc_publish_fn publish;
    void *publish_ctx;
    cc_enc_t scratch;
    cc_enc_t queue_buf;
    queued_t *queue;
    size_t n_queue, cap_queue;
};

int sc_alerts_open(cc_store_t *store, sc_alerts_t **ret)
{
    sc_alerts_t *a = cc_xcalloc(1, sizeof(*a));
    int r;

    cc_enc_init(&a->scratch);
    cc_enc_init(&a->queue_buf);
    if ((r = cc_store_dbi(store, "alerts", 0, &a->alerts_dbi)) < 0 ||
        (r = cc_store_dbi(store, "due", 0, &a->due_dbi)) < 0 ||
        (r = cc_store_dbi(store, "sos", 0, &a->sos_dbi)) < 0 ||
        (r = cc_store_dbi(store, "meta", 0, &a->meta_dbi)) < 0)
        goto out;
    *ret = a;
    a = NULL;
out:
    sc_alerts_destroy(&a);
    return r;
}

void sc_alerts_destroy(sc_alerts_t **self_p)
{
    sc_alerts_t *a = self_p ? *self_p : NULL;

    if (a == NULL)
        return;
    cc_enc_deinit(&a->scratch);
    cc_enc_deinit(&a->queue_buf);
    free(a->queue);
    free(a);
    *self_p = NULL;
}

void sc_alerts_set_publisher(sc_alerts_t *a, sc_publish_fn fn, void *ctx)
{
    a->publish = fn;
    a->publish_ctx = ctx;
}

void sc_alerts_begin(sc_alerts_t *a)
{
    cc_enc_reset(&a->queue_buf);
    a->n_queue = 0;
}

void sc_alerts_flush(sc_alerts_t *a)
{
    for (size_t i = 0; i < a->n_queue && a->publish; i++)
        a->publish(a->publish_ctx, a->queue[i].unit, a->queue_buf.buf.data + a->queue[i].off,
                   a->queue[i].len);
    sc_alerts_begin(a);
}

void sc_alert_id(char *buf, size_t size, const char *kind, const char *subject)
{
    snprintf(buf, size, "%s:%s", kind, subject);
}

/* Bump the sequence and queue {seq, op, alert} for @unit. */
static int queue_change(sc_alerts_t *a, cc_txn_t *txn, const char *unit, const char *op,
                        const void *alert, size_t alert_len)
{
    uint64_t seq;
    queued_t *q;
    int r;

    if ((r = cc_txn_get_u64(txn, a->meta_dbi, SEQ_KEY, &seq)) < 0 ||
        (r = cc_txn_put_u64(txn, a->meta_dbi, SEQ_KEY, seq + 1)) < 0)
        return r;
    if (a->n_queue == a->cap_queue) {
        a->cap_queue = a->cap_queue ? 2 * a->cap_queue : 16;
        a->queue = cc_xrealloc(a->queue, a->cap_queue * sizeof(*a->queue));
    }
    q = &a->queue[a->n_queue++];
    snprintf(q->unit, sizeof(q->unit), "%s", unit);
    q->off = a->queue_buf.buf.size;
    cc_enc_map(&a->queue_buf, 3);
    cc_enc_kv_u64(&a->queue_buf, "seq", seq + 1);
    cc_enc_kv_str(&a->queue_buf, "op", op);
    cc_enc_str(&a->queue_buf, "alert");
    cc_enc_raw(&a->queue_buf, alert, alert_len);
    q->len = a->queue_buf.buf.size - q->off;
    return 0;
}

int sc_alerts_raise(sc_alerts_t *a, cc_txn_t *txn, const sc_alert_t *al, bool *ret_raised)
{
    char id[SC_ALERT_ID_MAX + 1];
    MDB_val v;
    size_t map;
    int r;

    sc_alert_id(id, sizeof(id), al->kind, al->subject);
    r = cc_txn_get(txn, a->alerts_dbi, id, strlen(id), &v);
    if (r == 0) {
        if (ret_raised)
            *ret_raised = false;
        return 0;
    }
    if (r != -ENOENT)
        return r;
    cc_enc_reset(&a->scratch);
    map = cc_enc_map_open(&a->scratch);
    cc_enc_kv_str(&a->scratch, "id", id);
    cc_enc_kv_str(&a->scratch, "kind", al->kind);
    cc_enc_kv_str(&a->scratch, "severity", al->severity);
    cc_enc_kv_str(&a->scratch, "unit", al->unit);
    cc_enc_kv_str(&a->scratch, "subject", al->subject);
    cc_enc_kv_i64(&a->scratch, "raised_at", al->raised_at);
    cc_enc_kv_str(&a->scratch, "text", al->text);
    cc_enc_map_close(&a->scratch, map);
    if ((r = cc_txn_put(txn, a->alerts_dbi, id, strlen(id), a->scratch.buf.data,
                        a->scratch.buf.size, 0)) < 0)
        return r;
    if ((r = queue_change(a, txn, al->unit, "raise", a->scratch.buf.data, a->scratch.buf.size)) < 0)
        return r;
    if (ret_raised)
        *ret_raised = true;
    return 0;
}

/* The unit of a stored alert map into @unit (CC_MAX_CODE+1 bytes). */
static void alert_unit(const void *data, size_t len, char *unit)
{
    cc_msg_t m = { 0 };
    char why[64];

    unit[0] = '\0';
    if (cc_body_decode(data, len, &cc_limits_reply, &m, why, sizeof(why)) == 0)
        cc_map_strcpy(&m.body, "unit", unit, CC_MAX_CODE + 1);
    cc_msg_deinit(&m);
}

int sc_alerts_clear(sc_alerts_t *a, cc_txn_t *txn, const char *id, bool *ret_cleared)
{
    char unit[CC_MAX_CODE + 1];
    MDB_val v;
    int r;

    r = cc_txn_get(txn, a->alerts_dbi, id, strlen(id), &v);
    if (r == -ENOENT) {
        if (ret_cleared)
            *ret_cleared = false;
        return 0;
    }
    if (r < 0)
        return r;
    /* Copy before the delete: v points into pages the delete may reuse. */
    cc_enc_reset(&a->scratch);
    cc_enc_raw(&a->scratch, v.mv_data, v.mv_size);
    alert_unit(a->scratch.buf.data, a->scratch.buf.size, unit);
    if ((r = cc_txn_del(txn, a->alerts_dbi, id, strlen(id))) < 0)
        return r;
    if ((r = queue_change(a, txn, unit, "clear", a->scratch.buf.data, a->scratch.buf.size)) < 0)
        return r;
    if (ret_cleared)
        *ret_cleared = true;
    return 0;
}

int sc_alerts_seq(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret)
{
    return cc_txn_get_u64(txn, a->meta_dbi, SEQ_KEY, ret);
}

int sc_alerts_active(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret)
{
    return cc_txn_entries(txn, a->alerts_dbi, ret);
}

static bool in_units(const msgpack_object *units, const char *unit)
{
    size_t len = strlen(unit);

    for (uint32_t i = 0; i < units->via.array.size; i++) {
        const msgpack_object *u = &units->via.array.ptr[i];

        if (u->type == MSGPACK_OBJECT_STR &&
            ((u->via.str.size == len && memcmp(u->via.str.ptr, unit, len) == 0) ||
             (u->via.str.size == 1 && u->via.str.ptr[0] == '*')))
            return true;
    }
    return false;
}

typedef struct {
    sc_alerts_t *a;
    const cc_principal_t *who;
    const msgpack_object *units;
    size_t n;
} snapshot_t;

static int snapshot_one(const MDB_val *k, const MDB_val *v, void *arg)
{
    snapshot_t *s = arg;
    char unit[CC_MAX_CODE + 1];

    (void)k;
    alert_unit(v->mv_data, v->mv_size, unit);
    if (s->who && s->who->role != CC_ROLE_OPERATOR && !cc_principal_has_unit(s->who, unit))
        return 0;
    if (s->units && s->units->type == MSGPACK_OBJECT_ARRAY && !in_units(s->units, unit))
        return 0;
    cc_enc_raw(&s->a->scratch, v->mv_data, v->mv_size);
    s->n++;
    return 0;
}

int sc_alerts_snapshot(sc_alerts_t *a, cc_txn_t *txn, const cc_principal_t *who,
                       const msgpack_object *units, uint64_t rid, cc_enc_t *out)
{
    snapshot_t s = { a, who, units, 0 };
    uint64_t seq = 0;
    int r;

    cc_enc_reset(&a->scratch);
    if ((r = sc_alerts_seq(a, txn, &seq)) < 0 ||
        (r = cc_txn_scan(txn, a->alerts_dbi, NULL, 0, snapshot_one, &s)) < 0)
        return r;
    cc_enc_map(out, 3);
    cc_enc_kv_u64(out, "rid", rid);
    cc_enc_kv_u64(out, "seq", seq);
    cc_enc_str(out, "alerts");
    cc_enc_array(out, s.n);
    cc_enc_raw(out, a->scratch.buf.data, a->scratch.buf.size);
    return 0;
}

/* ---- Due-date and SOS indexes: (time, dossier) pairs (cc_tindex) ------------ */

int sc_due_put(sc_alerts_t *a, cc_txn_t *txn, int64_t due, const char *dossier)
{
    return cc_tindex_put(txn, a->due_dbi, due, dossier);
}

int sc_due_del(sc_alerts_t *a, cc_txn_t *txn, int64_t due, const char *dossier)
{
    return cc_tindex_del(txn, a->due_dbi, due, dossier);
}

int sc_due_first(sc_alerts_t *a, cc_txn_t *txn, int64_t *ret_due, char *ret_dossier)
{
    return cc_tindex_first(txn, a->due_dbi, ret_due, ret_dossier, CC_MAX_ID + 1);
}

int sc_due_count(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret)
{
    return cc_txn_entries(txn, a->due_dbi, ret);
}

int sc_sos_put(sc_alerts_t *a, cc_txn_t *txn, int64_t limit, const char *dossier)
{
    return cc_tindex_put(txn, a->sos_dbi, limit, dossier);
}

int sc_sos_del(sc_alerts_t *a, cc_txn_t *txn, int64_t limit, const char *dossier)
{
    return cc_tindex_del(txn, a->sos_dbi, limit, dossier);
}

int sc_sos_first(sc_alerts_t *a, cc_txn_t *txn, int64_t *ret_limit, char *ret_dossier)
{
    return cc_tindex_first(txn, a->sos_dbi, ret_limit, ret_dossier, CC_MAX_ID + 1);
}

int sc_sos_count(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret)
{
    return cc_txn_entries(txn, a->sos_dbi, ret);
}
