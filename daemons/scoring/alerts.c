/*
 * alerts.c - alert state, acknowledgements, time indexes and the queue of
 * changes (see alerts.h).
 */
#include "alerts.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_mem.h"

#define SEQ_KEY "alert_seq"
#define STORED_VERSION 1

/* The fixed header of a stored alert; the unit code and the map follow. */
typedef struct {
    uint8_t version;
    uint8_t kind;
    uint8_t severity;
    uint8_t unit_len;
    uint8_t acked;
    uint8_t pad[3];
    int64_t raised_at;
} stored_t;

/* A change waiting for the commit. */
typedef struct {
    uint64_t seq;
    sc_alert_op_t op;
    sc_alert_head_t head;
    size_t off, len; /* alert map bytes in queue_buf */
} queued_t;

struct sc_alerts {
    MDB_dbi alerts_dbi, acks_dbi, due_dbi, sos_dbi, timers_dbi, meta_dbi;
    cc_enc_t scratch;   /* a stored alert being built */
    cc_enc_t map;       /* an alert map being built */
    cc_enc_t queue_buf; /* the maps of the queued changes */
    queued_t *queue;
    size_t n_queue, cap_queue;
};

const char *sc_alert_op_name(sc_alert_op_t op)
{
    return op == SC_OP_RAISE ? "raise" : op == SC_OP_CLEAR ? "clear" : "ack";
}

int sc_alerts_open(cc_store_t *store, sc_alerts_t **ret)
{
    sc_alerts_t *a = cc_xcalloc(1, sizeof(*a));
    int r;

    cc_enc_init(&a->scratch);
    cc_enc_init(&a->map);
    cc_enc_init(&a->queue_buf);
    if ((r = cc_store_dbi(store, "alerts", 0, &a->alerts_dbi)) < 0 ||
        (r = cc_store_dbi(store, "acks", 0, &a->acks_dbi)) < 0 ||
        (r = cc_store_dbi(store, "due", 0, &a->due_dbi)) < 0 ||
        (r = cc_store_dbi(store, "sos", 0, &a->sos_dbi)) < 0 ||
        (r = cc_store_dbi(store, "timers", 0, &a->timers_dbi)) < 0 ||
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
    cc_enc_deinit(&a->map);
    cc_enc_deinit(&a->queue_buf);
    free(a->queue);
    free(a);
    *self_p = NULL;
}

size_t sc_alerts_derived(const sc_alerts_t *a, MDB_dbi *ret)
{
    ret[0] = a->alerts_dbi;
    ret[1] = a->due_dbi;
    ret[2] = a->sos_dbi;
    ret[3] = a->timers_dbi;
    return 4;
}

void sc_alerts_begin(sc_alerts_t *a)
{
    cc_enc_reset(&a->queue_buf);
    a->n_queue = 0;
}

size_t sc_alerts_queued(const sc_alerts_t *a) { return a->n_queue; }

size_t sc_alerts_publish(sc_alerts_t *a, sc_publish_fn fn, void *ctx)
{
    size_t n = a->n_queue;

    for (size_t i = 0; i < n && fn; i++) {
        const queued_t *q = &a->queue[i];
        sc_change_t ch = { q->seq, q->op, q->head, a->queue_buf.buf.data + q->off, q->len };

        fn(ctx, &ch);
    }
    sc_alerts_begin(a);
    return n;
}

void sc_alert_id(char *buf, size_t size, cc_alert_kind_t kind, const char *subject,
                 const char *detail)
{
    if (detail && detail[0])
        snprintf(buf, size, "%s:%s:%s", cc_vocab_name(&cc_alert_kinds, kind), subject, detail);
    else
        snprintf(buf, size, "%s:%s", cc_vocab_name(&cc_alert_kinds, kind), subject);
}

int sc_alert_id_parse(const char *id, cc_alert_kind_t *ret_kind, char *ret_subject,
                      char *ret_detail)
{
    const char *colon = strchr(id, ':'), *subject, *end;
    int kind;
    size_t n;

    if (colon == NULL)
        return -EINVAL;
    kind = cc_vocab_find(&cc_alert_kinds, 0, id, (size_t)(colon - id));
    if (kind < 0)
        return -EINVAL;
    subject = colon + 1;
    end = strchr(subject, ':');
    n = end ? (size_t)(end - subject) : strlen(subject);
    if (n == 0 || n > CC_MAX_ID || (end && (end[1] == '\0' || strlen(end + 1) > CC_MAX_ID)))
        return -EINVAL;
    memcpy(ret_subject, subject, n);
    ret_subject[n] = '\0';
    snprintf(ret_detail, CC_MAX_ID + 1, "%s", end ? end + 1 : "");
    *ret_kind = (cc_alert_kind_t)kind;
    return 0;
}

/* Split a stored alert @v into its header and its map. */
static int split_stored(const MDB_val *v, sc_alert_head_t *head, const void **ret_map,
                        size_t *ret_len)
{
    stored_t s;

    if (v->mv_size < sizeof(s))
        return MDB_CORRUPTED;
    memcpy(&s, v->mv_data, sizeof(s));
    if (s.version != STORED_VERSION || s.kind >= CC_ALERT_KIND_COUNT_ ||
        s.severity >= CC_SEV_COUNT_ || s.unit_len > CC_MAX_CODE ||
        v->mv_size <= sizeof(s) + s.unit_len)
        return MDB_CORRUPTED;
    head->kind = (cc_alert_kind_t)s.kind;
    head->severity = (cc_severity_t)s.severity;
    head->raised_at = s.raised_at;
    head->acked = s.acked != 0;
    memcpy(head->unit, (const uint8_t *)v->mv_data + sizeof(s), s.unit_len);
    head->unit[s.unit_len] = '\0';
    *ret_map = (const uint8_t *)v->mv_data + sizeof(s) + s.unit_len;
    *ret_len = v->mv_size - sizeof(s) - s.unit_len;
    return 0;
}

/* Store @head and the map in a->map as alert @id. */
static int put_stored(sc_alerts_t *a, cc_txn_t *txn, const char *id, const sc_alert_head_t *head)
{
    stored_t s = { STORED_VERSION,
                   (uint8_t)head->kind,
                   (uint8_t)head->severity,
                   (uint8_t)strlen(head->unit),
                   head->acked,
                   { 0 },
                   head->raised_at };

    cc_enc_reset(&a->scratch);
    cc_enc_raw(&a->scratch, &s, sizeof(s));
    cc_enc_raw(&a->scratch, head->unit, s.unit_len);
    cc_enc_raw(&a->scratch, a->map.buf.data, a->map.buf.size);
    return cc_txn_put(txn, a->alerts_dbi, id, strlen(id), a->scratch.buf.data, a->scratch.buf.size,
                      0);
}

/* Bump the sequence and queue (@op, @head, the map bytes). */
static int queue_change(sc_alerts_t *a, cc_txn_t *txn, sc_alert_op_t op,
                        const sc_alert_head_t *head, const void *map, size_t len)
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
    q->seq = seq + 1;
    q->op = op;
    q->head = *head;
    q->off = a->queue_buf.buf.size;
    cc_enc_raw(&a->queue_buf, map, len);
    q->len = len;
    return 0;
}

/* The key of an acknowledgement: id, 0, unit, 0, be64(raised_at): the
 * alert instance (a dossier transferred elsewhere raises a new one there,
 * at the same moment). */
static size_t ack_key(uint8_t *key, const char *id, const char *unit, int64_t raised_at)
{
    size_t n = strlen(id), u = strlen(unit);

    memcpy(key, id, n);
    key[n] = 0;
    memcpy(key + n + 1, unit, u);
    key[n + 1 + u] = 0;
    cc_be64_put(key + n + u + 2, (uint64_t)raised_at);
    return n + u + 10;
}

/* Append the pairs of the alert map for @al (id @id) to a->map, then
 * `ack` when @ack (an {by, at, note} map of @ack_len bytes) is given. */
static void encode_alert(sc_alerts_t *a, const char *id, const sc_alert_t *al, const void *ack,
                         size_t ack_len)
{
    size_t map;

    cc_enc_reset(&a->map);
    map = cc_enc_map_open(&a->map);
    cc_enc_kv_str(&a->map, "id", id);
    cc_enc_kv_str(&a->map, "kind", cc_vocab_name(&cc_alert_kinds, al->kind));
    cc_enc_kv_str(&a->map, "severity", cc_vocab_name(&cc_severities, al->severity));
    cc_enc_kv_str(&a->map, "unit", al->unit);
    cc_enc_kv_str(&a->map, "subject", al->subject);
    if (al->detail && al->detail[0])
        cc_enc_kv_str(&a->map, "detail", al->detail);
    cc_enc_kv_i64(&a->map, "raised_at", al->raised_at);
    cc_enc_kv_str(&a->map, "text", al->text);
    if (ack) {
        cc_enc_str(&a->map, "ack");
        cc_enc_raw(&a->map, ack, ack_len);
    }
    cc_enc_map_close(&a->map, map);
}

int sc_alerts_raise(sc_alerts_t *a, cc_txn_t *txn, const sc_alert_t *al, bool *ret_raised)
{
    char id[SC_ALERT_ID_MAX + 1];
    uint8_t key[SC_ALERT_ID_MAX + CC_MAX_CODE + 10];
    sc_alert_head_t head = { al->kind, al->severity, al->raised_at, false, "" };
    MDB_val v, ack;
    int r;

    if (ret_raised)
        *ret_raised = false;
    sc_alert_id(id, sizeof(id), al->kind, al->subject, al->detail);
    r = cc_txn_get(txn, a->alerts_dbi, id, strlen(id), &v);
    if (r != -ENOENT)
        return r; /* 0: active already */
    r = cc_txn_get(txn, a->acks_dbi, key, ack_key(key, id, al->unit, al->raised_at), &ack);
    if (r < 0 && r != -ENOENT)
        return r;
    head.acked = r == 0;
    encode_alert(a, id, al, r == 0 ? ack.mv_data : NULL, r == 0 ? ack.mv_size : 0);
    snprintf(head.unit, sizeof(head.unit), "%s", al->unit);
    if ((r = put_stored(a, txn, id, &head)) < 0 ||
        (r = queue_change(a, txn, SC_OP_RAISE, &head, a->map.buf.data, a->map.buf.size)) < 0)
        return r;
    if (ret_raised)
        *ret_raised = true;
    return 0;
}

int sc_alerts_clear(sc_alerts_t *a, cc_txn_t *txn, const char *id, bool *ret_cleared)
{
    sc_alert_head_t head;
    const void *map;
    size_t len;
    MDB_val v;
    int r;

    if (ret_cleared)
        *ret_cleared = false;
    r = cc_txn_get(txn, a->alerts_dbi, id, strlen(id), &v);
    if (r == -ENOENT)
        return 0;
    if (r < 0 || (r = split_stored(&v, &head, &map, &len)) < 0)
        return r;
    /* Queue before the delete: v points into pages the delete may reuse. */
    if ((r = queue_change(a, txn, SC_OP_CLEAR, &head, map, len)) < 0 ||
        (r = cc_txn_del(txn, a->alerts_dbi, id, strlen(id))) < 0)
        return r;
    if (ret_cleared)
        *ret_cleared = true;
    return 0;
}

int sc_alerts_clear_kind(sc_alerts_t *a, cc_txn_t *txn, cc_alert_kind_t kind, const char *subject)
{
    char id[SC_ALERT_ID_MAX + 1];

    sc_alert_id(id, sizeof(id), kind, subject, NULL);
    return sc_alerts_clear(a, txn, id, NULL);
}

int sc_alerts_get(sc_alerts_t *a, cc_txn_t *txn, const char *id, sc_alert_head_t *ret)
{
    const void *map;
    size_t len;
    MDB_val v;
    int r = cc_txn_get(txn, a->alerts_dbi, id, strlen(id), &v);

    if (r < 0)
        return r;
    return split_stored(&v, ret, &map, &len);
}

int sc_alerts_ack(sc_alerts_t *a, cc_txn_t *txn, const char *id, const char *by, int64_t at,
                  const char *note)
{
    uint8_t key[SC_ALERT_ID_MAX + CC_MAX_CODE + 10];
    sc_alert_head_t head;
    const void *map;
    cc_msg_t m = { 0 };
    cc_enc_t ack;
    size_t len, pairs;
    MDB_val v;
    int r;

    r = cc_txn_get(txn, a->alerts_dbi, id, strlen(id), &v);
    if (r < 0 || (r = split_stored(&v, &head, &map, &len)) < 0)
        return r;
    if (cc_body_decode(map, len, &cc_limits_reply, &m, NULL, 0) != 0) {
        cc_msg_deinit(&m);
        return MDB_CORRUPTED;
    }
    cc_enc_init(&ack);
    pairs = cc_enc_map_open(&ack);
    cc_enc_kv_str(&ack, "by", by);
    cc_enc_kv_i64(&ack, "at", at);
    cc_enc_kv_str(&ack, "note", note);
    cc_enc_map_close(&ack, pairs);
    /* The map again, its `ack` replaced. */
    cc_enc_reset(&a->map);
    pairs = cc_enc_map_open(&a->map);
    for (uint32_t i = 0; i < m.body.via.map.size; i++) {
        const msgpack_object_kv *kv = &m.body.via.map.ptr[i];

        if (kv->key.type == MSGPACK_OBJECT_STR && kv->key.via.str.size == 3 &&
            memcmp(kv->key.via.str.ptr, "ack", 3) == 0)
            continue;
        cc_enc_object(&a->map, &kv->key);
        cc_enc_object(&a->map, &kv->val);
    }
    cc_enc_str(&a->map, "ack");
    cc_enc_raw(&a->map, ack.buf.data, ack.buf.size);
    cc_enc_map_close(&a->map, pairs);
    cc_msg_deinit(&m);
    head.acked = true;
    r = cc_txn_put(txn, a->acks_dbi, key, ack_key(key, id, head.unit, head.raised_at), ack.buf.data,
                   ack.buf.size, 0);
    cc_enc_deinit(&ack);
    if (r < 0 || (r = put_stored(a, txn, id, &head)) < 0)
        return r;
    return queue_change(a, txn, SC_OP_ACK, &head, a->map.buf.data, a->map.buf.size);
}

int sc_alerts_seq(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret)
{
    return cc_txn_get_u64(txn, a->meta_dbi, SEQ_KEY, ret);
}

int sc_alerts_bump_seq(sc_alerts_t *a, cc_txn_t *txn)
{
    uint64_t seq;
    int r;

    if ((r = cc_txn_get_u64(txn, a->meta_dbi, SEQ_KEY, &seq)) < 0)
        return r;
    return cc_txn_put_u64(txn, a->meta_dbi, SEQ_KEY, seq + 1);
}

int sc_alerts_active(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret)
{
    return cc_txn_entries(txn, a->alerts_dbi, ret);
}

typedef struct {
    const char *after;  /* skip ids <= this ("" none) */
    const char *prefix; /* stop at the first id without it (NULL: none) */
    size_t prefix_len;
    sc_alert_fn fn;
    void *ctx;
} each_t;

static int each_one(const MDB_val *k, const MDB_val *v, void *arg)
{
    each_t *e = arg;
    char id[SC_ALERT_ID_MAX + 1];
    sc_alert_head_t head;
    const void *map;
    size_t len;
    int r;

    if (k->mv_size > SC_ALERT_ID_MAX)
        return MDB_CORRUPTED;
    memcpy(id, k->mv_data, k->mv_size);
    id[k->mv_size] = '\0';
    if (e->prefix && strncmp(id, e->prefix, e->prefix_len) != 0)
        return 1;
    if (e->after[0] && strcmp(id, e->after) <= 0)
        return 0;
    if ((r = split_stored(v, &head, &map, &len)) < 0)
        return r;
    return e->fn(id, &head, map, len, e->ctx);
}

int sc_alerts_each(sc_alerts_t *a, cc_txn_t *txn, const char *after, sc_alert_fn fn, void *ctx)
{
    each_t e = { after ? after : "", NULL, 0, fn, ctx };

    return cc_txn_scan(txn, a->alerts_dbi, e.after, strlen(e.after), each_one, &e);
}

int sc_alerts_each_prefix(sc_alerts_t *a, cc_txn_t *txn, const char *prefix, sc_alert_fn fn,
                          void *ctx)
{
    each_t e = { "", prefix, strlen(prefix), fn, ctx };

    return cc_txn_scan(txn, a->alerts_dbi, prefix, e.prefix_len, each_one, &e);
}

/* ---- Time indexes (cc_tindex) ------------------------------------------------ */

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
    return cc_tindex_first(txn, a->due_dbi, ret_due, ret_dossier, CC_TINDEX_ID_MAX + 1);
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
    return cc_tindex_first(txn, a->sos_dbi, ret_limit, ret_dossier, CC_TINDEX_ID_MAX + 1);
}

int sc_sos_count(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret)
{
    return cc_txn_entries(txn, a->sos_dbi, ret);
}

int sc_timer_put(sc_alerts_t *a, cc_txn_t *txn, int64_t t, const char *id)
{
    return t ? cc_tindex_put(txn, a->timers_dbi, t, id) : 0;
}

int sc_timer_del(sc_alerts_t *a, cc_txn_t *txn, int64_t t, const char *id)
{
    return t ? cc_tindex_del(txn, a->timers_dbi, t, id) : 0;
}

int sc_timer_first(sc_alerts_t *a, cc_txn_t *txn, int64_t *ret_t, char *ret_id)
{
    return cc_tindex_first(txn, a->timers_dbi, ret_t, ret_id, CC_TINDEX_ID_MAX + 1);
}

int sc_timer_count(sc_alerts_t *a, cc_txn_t *txn, uint64_t *ret)
{
    return cc_txn_entries(txn, a->timers_dbi, ret);
}
