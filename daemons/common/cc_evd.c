/*
 * cc_evd.c - the event daemon core (see cc_evd.h).
 */
#include "cc_evd.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "cc_base.h"
#include "cc_clock.h"
#include "cc_daemon.h"
#include "cc_ids.h"
#include "cc_log.h"
#include "cc_logpack.h"
#include "cc_mem.h"
#include "cc_net.h"
#include "cc_sd.h"
#include "cc_sig.h"
#include "cc_time.h"

#define MAX_PARKED 1024           /* long polls waiting at once */
#define READ_MAX_BYTES (4u << 20) /* a BATCH stops after the record that passes this */

/* An EVENT carries one event (`ev`) or several (`evs`), not both. */
static const cc_field_t event_msg_fields[] = {
    { "rid", CC_T_UINT, true, 0, 0 },
    { "ev", CC_T_MAP, false, 0, 0 },
    { "evs", CC_T_ARRAY, false, 1, CC_MAX_EVS },
};

static const cc_field_t read_fields[] = {
    { "rid", CC_T_UINT, true, 0, 0 },
    { "after", CC_T_UINT, true, 0, 0 },
    { "max", CC_T_UINT, false, 1, CC_MAX_READ },
    { "wait", CC_T_UINT, false, 0, CC_MAX_WAIT_MS },
};

/* One event waiting for the group commit, and then its outcome. */
typedef struct {
    const msgpack_object *ev; /* in its message's body */
    const cc_principal_t *who;
    /* outcome, set by the batch transaction */
    bool accepted;
    bool duplicate;
    uint64_t seq;
    cc_reject_t rej;
    char eid[CC_MAX_ID + 1];
} pending_t;

/* One EVENT message waiting for the group commit: its events are
 * batch[first .. first + n); with `evs` (several) one ACK answers them all. */
typedef struct {
    cc_request_t req;
    size_t first, n;
    bool several;
} message_t;

/* A READ waiting for records to arrive. */
typedef struct {
    uint8_t id[CC_ROUTING_ID_MAX];
    size_t id_len;
    uint64_t rid;
    uint64_t after;
    uint32_t max;
    uint64_t deadline_ms;
} parked_t;

struct cc_evd {
    const cc_evd_domain_t *domain;
    void *dom;
    cc_catalog_t *catalog; /* replaced as a whole on SIGHUP */
    cc_evd_settings_t set;
    cc_store_t *store;
    MDB_dbi log_dbi;
    MDB_dbi meta_dbi;   /* shared with the domain (the core's keys: cc_ids.c) */
    cc_ids_t *ids;      /* which record holds an event id */
    cc_logpack_t *pack; /* how the log is stored */
    void *zctx;
    void *router;
    int sigfd;
    int lock_fd; /* the state directory's lock (cc_daemon_state_path) */
    cc_security_t *security;
    cc_sessions_t *sessions;
    cc_option_t *options; /* the option table: the core's and the domain's rows */
    size_t n_options;

    pending_t *batch; /* the events of the group commit, in arrival order */
    size_t batch_len;
    message_t *msgs; /* their messages */
    size_t n_msgs;
    cc_enc_t rec;   /* scratch: a record being built */
    cc_enc_t pairs; /* scratch: the domain's pairs */
    cc_enc_t reply; /* scratch: a reply body */

    parked_t parked[MAX_PARKED];
    size_t n_parked;

    uint64_t head; /* last sequence number in the log */
    uint64_t started_ms;
    bool stop;
    /* figures for stats / STATUS= */
    uint64_t n_accepted, n_duplicate, n_rejected, n_malformed, n_batches, n_reads;
    uint64_t max_batch;
};

static const cc_option_t evd_options[] = {
    /* listen: the domain's endpoint, set by cc_evd_main() */
    CC_DAEMON_OPTIONS(cc_evd_settings_t, d, NULL),
    { "batch_max", CC_OPT_INT, offsetof(cc_evd_settings_t, batch_max), "4096", 1, 65536,
      "most events in one group commit" },
};
/* Offered only by a daemon whose domain can rebuild (cc_evd_domain_t). */
static const cc_option_t rebuild_option = {
    "rebuild",
    CC_OPT_BOOL,
    offsetof(cc_evd_settings_t, rebuild),
    "no",
    0,
    0,
    "rebuild the state from the daemon's own log at start (after a restore), then serve"
};

cc_store_t *cc_evd_store(cc_evd_t *evd) { return evd->store; }

/* ---- Log records ----------------------------------------------------------- */

/* Build a record: the common fields, then the domain's pairs, and append
 * it with its id (of hash @h). @digest: the event's digest, NULL for a
 * record the daemon raises itself. */
static int append_record(cc_evd_t *d, cc_txn_t *txn, cc_str_t eid, cc_str_t type, int64_t at,
                         const char *by, const cc_enc_t *pairs, uint64_t h, const uint64_t *digest,
                         uint64_t *ret_seq)
{
    uint64_t seq;
    size_t map;
    int r;

    cc_enc_reset(&d->rec);
    map = cc_enc_map_open(&d->rec);
    cc_enc_kv_strn(&d->rec, "eid", eid.ptr, eid.len);
    cc_enc_kv_strn(&d->rec, "type", type.ptr, type.len);
    cc_enc_kv_i64(&d->rec, "at", at);
    cc_enc_kv_str(&d->rec, "by", by);
    cc_enc_raw(&d->rec, pairs->buf.data, pairs->buf.size);
    cc_enc_map_close(&d->rec, map);
    if ((r = cc_log_append(txn, d->log_dbi, d->rec.buf.data, d->rec.buf.size, &seq)) < 0 ||
        (r = cc_ids_add(d->ids, txn, seq, h, digest)) < 0)
        return r;
    *ret_seq = seq;
    return 0;
}

int cc_evd_append_internal(cc_evd_t *evd, cc_txn_t *txn, const char *eid, const char *type,
                           int64_t at, const cc_enc_t *rec_pairs, uint64_t *ret_seq)
{
    cc_str_t t = { type, strlen(type) }, id = { eid, strlen(eid) };
    uint64_t h = cc_ids_hash(evd->ids, evd->domain->name, id);
    cc_id_found_t dd;
    int r;

    *ret_seq = 0;
    r = cc_ids_find(evd->ids, txn, h, evd->domain->name, id, &dd);
    if (r == 0)
        return 0; /* already raised by an earlier tick */
    if (r != -ENOENT)
        return r;
    return append_record(evd, txn, id, t, at, evd->domain->name, rec_pairs, h, NULL, ret_seq);
}

int cc_evd_history_item(cc_txn_t *txn, MDB_dbi log, uint64_t seq, cc_enc_t *out)
{
    const void *rec;
    size_t len;
    int r;

    if ((r = cc_log_get(txn, log, seq, &rec, &len)) == -ENOENT) {
        cc_enc_nil(out);
        return 0;
    }
    if (r < 0)
        return r;
    cc_enc_array(out, 2);
    cc_enc_u64(out, seq);
    cc_enc_raw(out, rec, len);
    return 0;
}

typedef struct {
    cc_txn_t *txn;
    MDB_dbi log;
    cc_enc_t *out;
} history_t;

static int history_one(const MDB_val *key, const MDB_val *val, void *arg)
{
    history_t *h = arg;

    (void)key;
    if (val->mv_size != 8)
        return MDB_CORRUPTED;
    return cc_evd_history_item(h->txn, h->log, cc_be64_get(val->mv_data), h->out);
}

int cc_evd_history(cc_txn_t *txn, MDB_dbi index, MDB_dbi log, const char *id, cc_enc_t *out)
{
    history_t h = { txn, log, out };
    size_t n = 0;
    int r;

    if ((r = cc_txn_dups(txn, index, id, strlen(id), NULL, NULL, &n)) < 0)
        return r;
    cc_enc_array(out, n);
    return cc_txn_dups(txn, index, id, strlen(id), history_one, &h, NULL);
}

/* ---- Group commit ---------------------------------------------------------- */

static void apply_one(cc_evd_t *d, cc_txn_t *txn, pending_t *p, int64_t now, int *ret_err)
{
    const msgpack_object *ev = p->ev;
    cc_str_t eid, type;
    int64_t at;
    uint64_t next, digest, hash;
    cc_id_found_t dd;
    int r;

    p->accepted = p->duplicate = false;
    if (cc_reject_fields(&p->rej, ev, cc_event_common_fields, CC_N(cc_event_common_fields),
                         "Sự kiện không hợp lệ", "Invalid event"))
        return;
    cc_map_str(ev, "eid", &eid);
    hash = cc_ids_hash(d->ids, p->who->who, eid);
    cc_map_str(ev, "type", &type);
    cc_map_i64(ev, "at", &at);
    memcpy(p->eid, eid.ptr, eid.len);
    p->eid[eid.len] = '\0';

    digest = cc_object_digest(ev);
    r = cc_ids_find(d->ids, txn, hash, p->who->who, eid, &dd);
    if (r == 0) {
        if (dd.has_digest && dd.digest != digest) {
            cc_reject(&p->rej, CC_ERR_EVENT_ID_CONFLICT, "eid",
                      "Mã sự kiện %s đã được dùng cho một sự kiện khác (bản ghi %llu)",
                      "Event id %s was already used for a different event (record %llu)", p->eid,
                      (unsigned long long)dd.seq);
            return;
        }
        p->duplicate = true;
        p->seq = dd.seq;
        return;
    }
    if (r != -ENOENT) {
        *ret_err = r;
        return;
    }
    if ((r = cc_log_last(txn, d->log_dbi, &next)) < 0) {
        *ret_err = r;
        return;
    }
    cc_enc_reset(&d->pairs);
    r = d->domain->apply(d->dom, txn, p->who, ev, now, next + 1, &d->pairs, &p->rej);
    if (r < 0) {
        *ret_err = r;
        return;
    }
    if (r > 0)
        return;
    r = append_record(d, txn, eid, type, at, p->who->who, &d->pairs, hash, &digest, &p->seq);
    if (r < 0) {
        *ret_err = r;
        return;
    }
    p->accepted = true;
}

static int batch_txn(cc_txn_t *txn, void *ctx)
{
    cc_evd_t *d = ctx;
    int64_t now = cc_clock_now();
    int err = 0;

    for (size_t i = 0; i < d->batch_len && err == 0; i++)
        apply_one(d, txn, &d->batch[i], now, &err);
    if (err == 0)
        err = cc_log_last(txn, d->log_dbi, &d->head);
    return err;
}

static void reply_ack(cc_evd_t *d, const message_t *m, const pending_t *p)
{
    cc_enc_reset(&d->reply);
    cc_enc_map(&d->reply, 4);
    cc_enc_kv_u64(&d->reply, "rid", m->req.rid);
    cc_enc_kv_str(&d->reply, "eid", p->eid);
    cc_enc_kv_u64(&d->reply, "seq", p->seq);
    cc_enc_kv_bool(&d->reply, "dup", p->duplicate);
    cc_router_send(d->router, m->req.id, m->req.id_len, CC_MSG_ACK, d->reply.buf.data,
                   d->reply.buf.size);
}

/* The ACK of an EVENT with `evs`: `seqs` (0 for a refused event), the
 * indexes of the duplicates, and one entry per refused event (§2.2). */
static void reply_acks(cc_evd_t *d, const message_t *m)
{
    const pending_t *ev = &d->batch[m->first];
    size_t n_dups = 0, n_errors = 0;

    for (size_t i = 0; i < m->n; i++) {
        n_dups += ev[i].duplicate;
        n_errors += !ev[i].accepted && !ev[i].duplicate;
    }
    cc_enc_reset(&d->reply);
    cc_enc_map(&d->reply, 4);
    cc_enc_kv_u64(&d->reply, "rid", m->req.rid);
    cc_enc_str(&d->reply, "seqs");
    cc_enc_array(&d->reply, m->n);
    for (size_t i = 0; i < m->n; i++)
        cc_enc_u64(&d->reply, ev[i].accepted || ev[i].duplicate ? ev[i].seq : 0);
    cc_enc_str(&d->reply, "dups");
    cc_enc_array(&d->reply, n_dups);
    for (size_t i = 0; i < m->n; i++)
        if (ev[i].duplicate)
            cc_enc_u64(&d->reply, i);
    cc_enc_str(&d->reply, "errors");
    cc_enc_array(&d->reply, n_errors);
    for (size_t i = 0; i < m->n; i++) {
        const cc_reject_t *rej = &ev[i].rej;
        size_t map;

        if (ev[i].accepted || ev[i].duplicate)
            continue;
        map = cc_enc_map_open(&d->reply);
        cc_enc_kv_u64(&d->reply, "i", i);
        cc_enc_kv_str(&d->reply, "code", cc_err_name(rej->code));
        cc_enc_kv_str(&d->reply, "vi", rej->vi);
        cc_enc_kv_str(&d->reply, "en", rej->en);
        if (rej->field)
            cc_enc_kv_str(&d->reply, "field", rej->field);
        if (ev[i].eid[0])
            cc_enc_kv_str(&d->reply, "eid", ev[i].eid);
        cc_enc_map_close(&d->reply, map);
    }
    cc_router_send(d->router, m->req.id, m->req.id_len, CC_MSG_ACK, d->reply.buf.data,
                   d->reply.buf.size);
}

/* Count the outcome of event @p (and log a refusal). */
static void count_outcome(cc_evd_t *d, const pending_t *p)
{
    if (p->accepted || p->duplicate) {
        p->accepted ? d->n_accepted++ : d->n_duplicate++;
        return;
    }
    d->n_rejected++;
    cc_log_kv(LOG_DEBUG, "EVENT_ID", p->eid, "ERROR_CODE", cc_err_name(p->rej.code),
              "Rejected event: %s", p->rej.en);
}

static void flush_batch(cc_evd_t *d)
{
    uint64_t head_before = d->head;
    int r;

    if (d->batch_len == 0)
        return;
    r = cc_store_write(d->store, batch_txn, d);
    if (r < 0) {
        d->head = head_before;
        cc_log(LOG_ERR, "Failed to commit a batch of %zu events: %s", d->batch_len,
               cc_store_strerror(r));
    }
    for (size_t k = 0; k < d->n_msgs; k++) {
        message_t *m = &d->msgs[k];
        const pending_t *one = &d->batch[m->first];

        for (size_t i = 0; r >= 0 && i < m->n; i++)
            count_outcome(d, &one[i]);
        if (r < 0)
            cc_router_error(d->router, &m->req, CC_ERR_INTERNAL,
                            "Lỗi lưu trữ, sự kiện chưa được lưu; hãy gửi lại",
                            "Storage failure, the event was not stored; send it again", NULL,
                            !m->several && one->eid[0] ? one->eid : NULL);
        else if (m->several)
            reply_acks(d, m);
        else if (one->accepted || one->duplicate)
            reply_ack(d, m, one);
        else
            cc_router_error(d->router, &m->req, one->rej.code, one->rej.vi, one->rej.en,
                            one->rej.field, one->eid[0] ? one->eid : NULL);
        cc_request_deinit(&m->req);
    }
    d->n_batches++;
    if (d->batch_len > d->max_batch)
        d->max_batch = d->batch_len;
    d->batch_len = 0;
    d->n_msgs = 0;
}

/* ---- READ: serving the log --------------------------------------------------- */

typedef struct {
    cc_enc_t *items;
    size_t bytes;
    uint64_t last;
} read_ctx_t;

static int read_one(uint64_t seq, const void *rec, size_t len, void *ctx)
{
    read_ctx_t *rc = ctx;

    cc_enc_array(rc->items, 2);
    cc_enc_u64(rc->items, seq);
    cc_enc_raw(rc->items, rec, len);
    rc->bytes += len + 12;
    rc->last = seq;
    return rc->bytes >= READ_MAX_BYTES; /* stop early; the rest comes next time */
}

/* Answer a READ now with what is there (possibly nothing). */
static void serve_read(cc_evd_t *d, const void *id, size_t id_len, uint64_t rid, uint64_t after,
                       uint32_t max)
{
    cc_enc_t items;
    read_ctx_t rc = { &items, 0, after };
    cc_txn_t txn;
    size_t count = 0;
    int r;

    cc_enc_init(&items);
    r = cc_store_read_begin(d->store, &txn);
    if (r == 0) {
        r = cc_log_scan(&txn, d->log_dbi, after, max, read_one, &rc, &count);
        cc_txn_end(&txn);
    }
    cc_enc_reset(&d->reply);
    if (r < 0) {
        cc_error_encode(&d->reply, rid, CC_ERR_INTERNAL, "Lỗi đọc nhật ký",
                        "Failed to read the log", NULL, NULL);
        cc_router_send(d->router, id, id_len, CC_MSG_ERROR, d->reply.buf.data, d->reply.buf.size);
        goto out;
    }
    cc_enc_map(&d->reply, 4);
    cc_enc_kv_u64(&d->reply, "rid", rid);
    cc_enc_kv_u64(&d->reply, "last", rc.last);
    cc_enc_kv_u64(&d->reply, "head", d->head);
    cc_enc_str(&d->reply, "events");
    cc_enc_array(&d->reply, count);
    cc_enc_raw(&d->reply, items.buf.data, items.buf.size);
    cc_router_send(d->router, id, id_len, CC_MSG_BATCH, d->reply.buf.data, d->reply.buf.size);
    d->n_reads++;
out:
    cc_enc_deinit(&items);
}

static void handle_read(cc_evd_t *d, cc_request_t *req)
{
    uint64_t after, max = 1000, wait = 0;

    if (!cc_daemon_check_fields(d->router, req, read_fields, CC_N(read_fields),
                                "Yêu cầu đọc nhật ký không hợp lệ", "Invalid READ"))
        return;
    cc_map_u64(&req->msg.body, "after", &after);
    cc_map_u64(&req->msg.body, "max", &max);
    cc_map_u64(&req->msg.body, "wait", &wait);
    if (after < d->head || wait == 0) {
        serve_read(d, req->id, req->id_len, req->rid, after, (uint32_t)max);
        return;
    }
    if (d->n_parked == MAX_PARKED) {
        cc_router_error(d->router, req, CC_ERR_OVERLOADED, "Quá nhiều yêu cầu đọc đang chờ",
                        "Too many long polls waiting; retry later", NULL, NULL);
        return;
    }
    parked_t *p = &d->parked[d->n_parked++];

    memcpy(p->id, req->id, req->id_len);
    p->id_len = req->id_len;
    p->rid = req->rid;
    p->after = after;
    p->max = (uint32_t)max;
    p->deadline_ms = cc_mono_ms() + wait;
}

/* Answer long polls that have news or whose wait is over. */
static void wake_parked(cc_evd_t *d, uint64_t now_ms, bool stopping)
{
    size_t kept = 0;

    for (size_t i = 0; i < d->n_parked; i++) {
        parked_t *p = &d->parked[i];

        if (p->after < d->head || now_ms >= p->deadline_ms || stopping)
            serve_read(d, p->id, p->id_len, p->rid, p->after, p->max);
        else
            d->parked[kept++] = *p;
    }
    d->n_parked = kept;
}

/* ---- QUERY --------------------------------------------------------------------- */

static void send_reply(cc_evd_t *d, const cc_request_t *req, cc_msg_type_t type)
{
    cc_router_send(d->router, req->id, req->id_len, type, d->reply.buf.data, d->reply.buf.size);
}

static void stats_line(cc_evd_t *d, char *buf, size_t len)
{
    char dom[256] = "";

    if (d->domain->status)
        d->domain->status(d->dom, dom, sizeof(dom));
    snprintf(buf, len, "log %llu; accepted %llu, duplicates %llu, rejected %llu; %zu sessions%s%s",
             (unsigned long long)d->head, (unsigned long long)d->n_accepted,
             (unsigned long long)d->n_duplicate, (unsigned long long)d->n_rejected,
             cc_sessions_count(d->sessions), dom[0] ? "; " : "", dom);
}

static void query_stats(cc_evd_t *d, const cc_request_t *req)
{
    cc_store_stats_t st;
    char line[512];
    size_t map;

    cc_store_stats(d->store, &st);
    stats_line(d, line, sizeof(line));
    cc_enc_reset(&d->reply);
    map = cc_enc_map_open(&d->reply);
    cc_enc_kv_u64(&d->reply, "rid", req->rid);
    cc_enc_kv_str(&d->reply, "daemon", d->domain->name);
    cc_enc_kv_u64(&d->reply, "log_head", d->head);
    cc_enc_kv_u64(&d->reply, "accepted", d->n_accepted);
    cc_enc_kv_u64(&d->reply, "duplicates", d->n_duplicate);
    cc_enc_kv_u64(&d->reply, "rejected", d->n_rejected);
    cc_enc_kv_u64(&d->reply, "malformed", d->n_malformed);
    cc_enc_kv_u64(&d->reply, "batches", d->n_batches);
    cc_enc_kv_u64(&d->reply, "max_batch", d->max_batch);
    cc_enc_kv_u64(&d->reply, "reads", d->n_reads);
    cc_enc_kv_u64(&d->reply, "sessions", cc_sessions_count(d->sessions));
    cc_enc_kv_u64(&d->reply, "long_polls", d->n_parked);
    cc_enc_kv_u64(&d->reply, "map_size", st.map_size);
    cc_enc_kv_u64(&d->reply, "used_bytes", st.used_bytes);
    cc_enc_kv_u64(&d->reply, "id_map_bytes", cc_ids_map_bytes(d->ids));
    cc_enc_kv_u64(&d->reply, "uptime_s", (cc_mono_ms() - d->started_ms) / 1000);
    cc_enc_kv_i64(&d->reply, "now", cc_clock_now());
    cc_enc_kv_str(&d->reply, "status", line);
    cc_enc_map_close(&d->reply, map);
    send_reply(d, req, CC_MSG_RESULT);
}

static void run_tick(cc_evd_t *d)
{
    if (d->domain->tick) {
        int r = d->domain->tick(d->dom, d, cc_clock_now());
        cc_txn_t txn;

        if (r < 0)
            cc_log(LOG_ERR, "Failed to run the %s tick: %s", d->domain->name, cc_store_strerror(r));
        if (cc_store_read_begin(d->store, &txn) == 0) {
            cc_log_last(&txn, d->log_dbi, &d->head);
            cc_txn_end(&txn);
        }
    }
}

static void handle_query(cc_evd_t *d, cc_request_t *req, const cc_principal_t *who)
{
    cc_reject_t rej;
    cc_str_t q;
    int r;

    switch (cc_daemon_query(d->router, req, who, d->store, &d->set.d, d->domain->name, &q)) {
    case CC_QUERY_ANSWERED:
        return;
    case CC_QUERY_CLOCK_SET:
        run_tick(d);
        wake_parked(d, cc_mono_ms(), false);
        cc_daemon_reply_ok(d->router, req, d->domain->name);
        return;
    case CC_QUERY_MINE:
        break;
    }
    if (cc_str_eq(q, "stats")) {
        query_stats(d, req);
        return;
    }
    cc_enc_reset(&d->reply);
    r = d->domain->query
            ? d->domain->query(d->dom, d->store, who, q, &req->msg.body, req->rid, &d->reply, &rej)
            : -ENOENT;
    if (r == 0) {
        send_reply(d, req, CC_MSG_RESULT);
    } else if (r == 1) {
        cc_router_error(d->router, req, rej.code, rej.vi, rej.en, rej.field, NULL);
    } else if (r == -ENOENT) {
        cc_daemon_refuse_query(d->router, req, d->domain->name, q);
    } else {
        cc_router_error(d->router, req, CC_ERR_INTERNAL, "Lỗi nội bộ khi truy vấn",
                        cc_store_strerror(r), NULL, NULL);
    }
}

/* ---- HELLO and dispatch ---------------------------------------------------------- */

static void handle_hello(cc_evd_t *d, cc_request_t *req)
{
    /* Events of this turn were sent under the previous identity. */
    flush_batch(d);
    cc_daemon_hello(d->router, d->security, d->sessions, req, d->domain->name, d->head);
}

/* Check an EVENT's `ev` or `evs` (answering ERROR when they are wrong). */
static bool check_event_message(cc_evd_t *d, const cc_request_t *req, const msgpack_object **ret_ev,
                                const msgpack_object **ret_evs)
{
    const char *vi = "Thông điệp sự kiện không hợp lệ", *en = "Invalid EVENT";
    char why_vi[160], why_en[160];

    if (!cc_daemon_check_fields(d->router, req, event_msg_fields, CC_N(event_msg_fields), vi, en))
        return false;
    *ret_ev = cc_map_find(&req->msg.body, "ev");
    *ret_evs = cc_map_find(&req->msg.body, "evs");
    if ((*ret_ev == NULL) == (*ret_evs == NULL)) {
        snprintf(why_vi, sizeof(why_vi),
                 "%s: cần đúng một trong 'ev' (một sự kiện) và 'evs' "
                 "(nhiều sự kiện)",
                 vi);
        snprintf(why_en, sizeof(why_en),
                 "%s: needs exactly one of 'ev' (one event) and 'evs' "
                 "(several)",
                 en);
        cc_router_error(d->router, req, CC_ERR_BAD_FIELD, why_vi, why_en, *ret_ev ? "evs" : "ev",
                        NULL);
        return false;
    }
    for (uint32_t i = 0; *ret_evs && i < (*ret_evs)->via.array.size; i++) {
        if ((*ret_evs)->via.array.ptr[i].type == MSGPACK_OBJECT_MAP)
            continue;
        snprintf(why_vi, sizeof(why_vi),
                 "%s: phần tử %u của 'evs' không phải một sự kiện (bảng "
                 "khóa - giá trị)",
                 vi, i);
        snprintf(why_en, sizeof(why_en), "%s: item %u of 'evs' is not an event (a map)", en, i);
        cc_router_error(d->router, req, CC_ERR_BAD_FIELD, why_vi, why_en, "evs", NULL);
        return false;
    }
    return true;
}

/* Add the events of EVENT @req (in d->msgs[d->n_msgs]) to the group commit,
 * committing the group first when they would not fit. Returns true when the
 * request now belongs to the batch, false when it was answered. */
static bool take_events(cc_evd_t *d, cc_request_t *req, const cc_principal_t *who)
{
    const msgpack_object *ev, *evs;
    message_t *m;
    size_t n;

    if (!check_event_message(d, req, &ev, &evs))
        return false;
    n = evs ? evs->via.array.size : 1;
    if (d->batch_len > 0 && d->batch_len + n > (size_t)d->set.batch_max) {
        /* Commit what came before; this message then starts the group (a
         * group never splits a message: one larger than batch_max is a
         * group of its own). */
        cc_request_t mine = *req;

        flush_batch(d);
        d->msgs[0].req = mine;
    }
    m = &d->msgs[d->n_msgs++];
    m->first = d->batch_len;
    m->n = n;
    m->several = evs != NULL;
    for (size_t i = 0; i < n; i++) {
        pending_t *p = &d->batch[d->batch_len++];

        p->ev = evs ? &evs->via.array.ptr[i] : ev;
        p->who = who;
        p->eid[0] = '\0';
    }
    return true;
}

/* Take one request; returns false when none was waiting. */
static bool take_request(cc_evd_t *d)
{
    cc_request_t *req = &d->msgs[d->n_msgs].req;
    const cc_principal_t *who;
    cc_caller_t caller;
    char why[256];
    int r;

    r = cc_router_recv(d->router, req, why, sizeof(why));
    if (r == -EAGAIN || r == -EINTR)
        return false;
    if (r == CC_EMALFORMED) {
        d->n_malformed++;
        cc_router_error(d->router, req, CC_ERR_BAD_REQUEST, "Thông điệp sai định dạng", why, NULL,
                        NULL);
        return true;
    }
    if (r < 0)
        return false;
    caller = cc_security_who(d->security, d->sessions, req);
    who = caller.who;
    if (caller.en) {
        cc_router_error(d->router, req, CC_ERR_NOT_AUTHORIZED, caller.vi, caller.en, caller.field,
                        NULL);
        cc_request_deinit(req);
        return true;
    }
    switch (req->msg.type) {
    case CC_MSG_HELLO:
        handle_hello(d, req);
        break;
    case CC_MSG_EVENT:
        if (who == NULL || !d->domain->may_push(who)) {
            cc_router_error(d->router, req, CC_ERR_NOT_AUTHORIZED,
                            who ? "Vai trò này không được gửi sự kiện"
                                : "Kết nối chưa xưng danh (HELLO)",
                            who ? "This role may not push events" : "Send HELLO first", NULL, NULL);
            break;
        }
        if (take_events(d, req, who))
            return true; /* the request now belongs to the batch */
        break;
    case CC_MSG_READ:
        /* The log holds every unit's events: only consumers (scoring) and
         * operators read it whole. */
        if (who == NULL || (who->role != CC_ROLE_CONSUMER && who->role != CC_ROLE_OPERATOR)) {
            cc_router_error(d->router, req, CC_ERR_NOT_AUTHORIZED,
                            who ? "Chỉ bên đọc nhật ký ('consumer') hoặc người vận hành "
                                  "được đọc nhật ký"
                                : "Kết nối chưa xưng danh (HELLO)",
                            who ? "Only a consumer or an operator may read the log"
                                : "Send HELLO first",
                            NULL, NULL);
            break;
        }
        handle_read(d, req);
        break;
    case CC_MSG_QUERY:
        handle_query(d, req, who);
        break;
    default:
        cc_daemon_refuse_message(d->router, req, d->domain->name);
        break;
    }
    cc_request_deinit(req);
    return true;
}

/* ---- Life cycle ------------------------------------------------------------------- */

/* Store the log packed: the core's keys with values from small sets, and
 * the domain's. */
static int log_pack_open(cc_evd_t *d)
{
    const char *keys[64];
    size_t n = 0;
    int r;

    keys[n++] = "type";
    keys[n++] = "by";
    for (const char *const *k = d->domain->packed_values; k && *k && n < CC_N(keys) - 1; k++)
        keys[n++] = *k;
    keys[n] = NULL;
    if ((r = cc_logpack_open(d->store, "log_strings", keys, &d->pack)) < 0)
        return r;
    return cc_store_log_pack(d->store, d->log_dbi, d->pack);
}

static int open_all(cc_evd_t *d, char *err, size_t err_len)
{
    char path[4096];
    cc_store_opts_t so = { .map_size = (size_t)d->set.d.map_size_mb << 20 };
    cc_txn_t txn;
    int r;

    if ((r = cc_daemon_state_path(d->set.d.state_dir, path, sizeof(path), &d->lock_fd, err,
                                  err_len)) < 0)
        return r;
    if ((r = cc_store_open(path, &so, &d->store)) < 0 ||
        (r = cc_store_dbi(d->store, "log", 0, &d->log_dbi)) < 0 ||
        (r = cc_store_dbi(d->store, "meta", 0, &d->meta_dbi)) < 0 || (r = log_pack_open(d)) < 0) {
        snprintf(err, err_len, "cannot open the store in %.512s: %s", path, cc_store_strerror(r));
        return r;
    }
    if ((r = cc_store_read_begin(d->store, &txn)) < 0)
        return r;
    r = cc_log_last(&txn, d->log_dbi, &d->head);
    cc_txn_end(&txn);
    if (r < 0 || (r = cc_ids_open(d->store, d->meta_dbi, d->log_dbi, d->head, &d->ids)) < 0) {
        snprintf(err, err_len, "cannot open the event ids in %.512s: %s", path,
                 cc_store_strerror(r));
        return r;
    }
    if ((r = cc_daemon_load_catalog(d->set.d.catalog_dir, &d->catalog, err, err_len)) < 0 ||
        (r = d->domain->open(&d->dom, d->store, &d->catalog, &d->set, err, err_len)) < 0)
        return r;
    if (d->set.rebuild && (r = d->domain->rebuild(d->dom, d->store, err, err_len)) < 0)
        return r;
    d->zctx = zmq_ctx_new();
    if ((r = cc_daemon_listen(&d->set.d, d->zctx, &d->security, &d->router, err, err_len)) < 0)
        return r;
    if ((d->sigfd = cc_sig_open()) < 0) {
        snprintf(err, err_len, "cannot set up signals: %s", strerror(-d->sigfd));
        return d->sigfd;
    }
    return 0;
}

static void close_all(cc_evd_t *d)
{
    if (d->dom && d->domain->close)
        d->domain->close(&d->dom);
    if (d->router)
        zmq_close(d->router);
    cc_security_destroy(&d->security);
    cc_ids_close(&d->ids);
    if (d->store)
        cc_store_log_pack(d->store, d->log_dbi, NULL);
    cc_logpack_close(&d->pack);
    if (d->zctx)
        zmq_ctx_term(d->zctx);
    if (d->sigfd > 0)
        close(d->sigfd);
    cc_store_close(&d->store);
    if (d->lock_fd >= 0)
        close(d->lock_fd);
    cc_catalog_destroy(&d->catalog);
    cc_sessions_destroy(&d->sessions);
    cc_enc_deinit(&d->rec);
    cc_enc_deinit(&d->pairs);
    cc_enc_deinit(&d->reply);
    free(d->batch);
    free(d->msgs);
    cc_config_free(d->options, d->n_options, &d->set);
    free(d->options);
}

static void on_signal(cc_evd_t *d, int sig)
{
    if (sig == SIGTERM || sig == SIGINT)
        d->stop = true;
    else if (sig == SIGHUP) {
        cc_daemon_reload_catalog(d->set.d.catalog_dir, &d->catalog);
        cc_security_reload(d->security);
    }
}

static void loop(cc_evd_t *d)
{
    uint64_t tick_ms = cc_daemon_tick_ms(d->set.d.tick_ms);
    uint64_t next_tick;
    char line[512];

    next_tick = cc_mono_ms() + tick_ms;
    while (!d->stop) {
        zmq_pollitem_t items[3] = {
            { d->router, 0, ZMQ_POLLIN, 0 },
            { NULL, d->sigfd, ZMQ_POLLIN, 0 },
            { cc_security_zap_socket(d->security), -1, ZMQ_POLLIN, 0 },
        };
        uint64_t now_ms = cc_mono_ms();
        uint64_t until = next_tick;
        int sig;

        for (size_t i = 0; i < d->n_parked; i++)
            if (d->parked[i].deadline_ms < until)
                until = d->parked[i].deadline_ms;
        if (zmq_poll(items, CC_N(items), until > now_ms ? (long)(until - now_ms) : 0) < 0 &&
            errno != EINTR)
            break;
        cc_security_zap_handle(d->security);
        while ((sig = cc_sig_take(d->sigfd)) != 0)
            on_signal(d, sig);
        if (d->stop)
            break;
        while (d->batch_len < (size_t)d->set.batch_max && take_request(d))
            ;
        flush_batch(d);
        now_ms = cc_mono_ms();
        wake_parked(d, now_ms, false);
        if (now_ms >= next_tick) {
            run_tick(d);
            wake_parked(d, now_ms, false);
            cc_sd_watchdog();
            stats_line(d, line, sizeof(line));
            cc_sd_status("%s", line);
            next_tick = now_ms + tick_ms;
        }
    }
}

int cc_evd_main(const cc_evd_domain_t *domain, const char *default_listen, int argc, char **argv)
{
    cc_evd_t d = { .domain = domain, .sigfd = -1, .lock_fd = -1 };
    cc_option_t *options =
        cc_xcalloc(CC_N(evd_options) + 1 + domain->n_options, sizeof(cc_option_t));
    size_t n_options = CC_N(evd_options);
    char err[1024] = "";
    int r;

    memcpy(options, evd_options, sizeof(evd_options));
    if (domain->rebuild)
        options[n_options++] = rebuild_option;
    for (size_t i = 0; i < domain->n_options; i++)
        options[n_options++] = domain->options[i];
    for (size_t i = 0; i < n_options; i++)
        if (strcmp(options[i].name, "listen") == 0)
            options[i].def = default_listen;
    d.options = options;
    d.n_options = n_options;
    r = cc_daemon_configure(domain->name, options, n_options, &d.set, &d.set.d, argc, argv);
    if (r >= 0) {
        free(options);
        return r;
    }
    d.sessions = cc_sessions_new(0);
    /* Room for batch_max events, or for one whole message when it has
     * more (up to CC_MAX_EVS). */
    d.batch = cc_xcalloc((size_t)d.set.batch_max + CC_MAX_EVS, sizeof(pending_t));
    d.msgs = cc_xcalloc((size_t)d.set.batch_max + 1, sizeof(message_t));
    cc_enc_init(&d.rec);
    cc_enc_init(&d.pairs);
    cc_enc_init(&d.reply);
    d.started_ms = cc_mono_ms();
    if ((r = open_all(&d, err, sizeof(err))) < 0) {
        cc_log(LOG_ERR, "Failed to start: %s", err);
        close_all(&d);
        return 1;
    }
    cc_log(LOG_NOTICE, "Listening on %s, state in %s, log head %llu", d.set.d.listen,
           d.set.d.state_dir, (unsigned long long)d.head);
    cc_sd_ready("ready");
    loop(&d);
    cc_sd_stopping();
    /* Everything acknowledged is committed already; answer waiting polls so
     * that consumers do not wait for their timeout. */
    flush_batch(&d);
    wake_parked(&d, cc_mono_ms(), true);
    cc_log(LOG_NOTICE, "Stopped; log head %llu", (unsigned long long)d.head);
    close_all(&d);
    return 0;
}
