/*
 * watch.c - the supervisors' view of the alerts: queries, subscriptions,
 * acknowledgements (see watch.h).
 */
#include "watch.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "cc_base.h"
#include "cc_mem.h"
#include "cc_reject.h"

/* Which alerts a view holds: the asker's scope and the filter it asked
 * for, in one. */
typedef struct {
    bool any;       /* every unit, "" (scoring's own alerts) included */
    size_t n_units; /* else only these, matched exactly */
    char (*units)[CC_MAX_CODE + 1];
    uint32_t kinds; /* a bit per cc_alert_kind_t; 0: every kind */
    cc_severity_t min_severity;
    bool summary; /* counts instead of alerts */
} filter_t;

/* One subscription. */
typedef struct {
    uint8_t id[CC_ROUTING_ID_MAX];
    size_t id_len;
    uint64_t rid; /* the watch request's, in every ALERT */
    filter_t f;
    uint64_t seq;     /* the last change this view reflects */
    bool lost;        /* changes were lost or held back: a snapshot is owed */
    bool summary_due; /* summary mode: the counts changed */
    bool gone;        /* the peer is gone: remove */
    uint64_t last_sent_ms;
    uint64_t next_view_ms; /* a view (snapshot, summary) no sooner than this */
} watcher_t;

/* A change kept while publication is held (sc_watch_hold). */
typedef struct {
    uint64_t seq;
    sc_alert_op_t op;
    sc_alert_head_t head;
    size_t off, len; /* its alert map in kept_buf */
} kept_t;

struct sc_watch {
    void *router;
    cc_store_t *store;
    sc_alerts_t *alerts;
    watcher_t *ws[SC_WATCH_MAX];
    size_t n;
    uint64_t sent;
    uint64_t now_ms;
    bool stale;    /* scoring is behind its sources: the views may be late */
    cc_enc_t msg;  /* a message being built */
    cc_enc_t page; /* alert maps of a page */
    bool holding;  /* changes are kept, in order, until sc_watch_release */
    kept_t *kept;
    size_t n_kept, cap_kept;
    cc_enc_t kept_buf; /* the alert maps of the kept changes */
};

sc_watch_t *sc_watch_new(void *router, cc_store_t *store, sc_alerts_t *alerts)
{
    sc_watch_t *w = cc_xcalloc(1, sizeof(*w));

    w->router = router;
    w->store = store;
    w->alerts = alerts;
    cc_enc_init(&w->msg);
    cc_enc_init(&w->page);
    cc_enc_init(&w->kept_buf);
    return w;
}

static void filter_deinit(filter_t *f)
{
    free(f->units);
    memset(f, 0, sizeof(*f));
}

static void watcher_free(watcher_t *x)
{
    if (x) {
        filter_deinit(&x->f);
        free(x);
    }
}

void sc_watch_destroy(sc_watch_t **self_p)
{
    sc_watch_t *w = self_p ? *self_p : NULL;

    if (w == NULL)
        return;
    for (size_t i = 0; i < w->n; i++)
        watcher_free(w->ws[i]);
    cc_enc_deinit(&w->msg);
    cc_enc_deinit(&w->page);
    cc_enc_deinit(&w->kept_buf);
    free(w->kept);
    free(w);
    *self_p = NULL;
}

size_t sc_watch_count(const sc_watch_t *w) { return w->n; }
uint64_t sc_watch_sent(const sc_watch_t *w) { return w->sent; }

/* ---- Filters ------------------------------------------------------------------------- */

static bool may_view(const cc_principal_t *who)
{
    return who && (who->role == CC_ROLE_OPERATOR || who->role == CC_ROLE_SUPERVISOR);
}

/* Whether @who may see the alerts of @unit ("" : scoring's own). */
static bool in_scope(const cc_principal_t *who, const char *unit)
{
    return who->role == CC_ROLE_OPERATOR || cc_principal_has_unit(who, unit);
}

static void filter_add_unit(filter_t *f, const char *unit, size_t len)
{
    f->units = cc_xrealloc(f->units, (f->n_units + 1) * sizeof(*f->units));
    memcpy(f->units[f->n_units], unit, len);
    f->units[f->n_units][len] = '\0';
    f->n_units++;
}

/* The view of @who asked for by @body (keys units, kinds, severity,
 * summary). Returns 0, or 1 with @rej filled. */
static int filter_parse(const msgpack_object *body, const cc_principal_t *who, filter_t *f,
                        cc_reject_t *rej)
{
    const msgpack_object *units = cc_map_find(body, "units");
    const msgpack_object *kinds = cc_map_find(body, "kinds");
    char list[512];
    cc_str_t sev;
    bool all = who->role == CC_ROLE_OPERATOR || who->all_units;
    int r;

    memset(f, 0, sizeof(*f));
    if (units && (units->type != MSGPACK_OBJECT_ARRAY || units->via.array.size > CC_MAX_UNITS))
        return cc_reject(rej, CC_ERR_BAD_FIELD, "units",
                         "'units' phải là một mảng tối đa %d mã đơn vị",
                         "'units' must be an array of at most %d unit codes", CC_MAX_UNITS);
    for (uint32_t i = 0; units && i < units->via.array.size; i++) {
        const msgpack_object *u = &units->via.array.ptr[i];
        char code[CC_MAX_CODE + 1];

        if (u->type != MSGPACK_OBJECT_STR || u->via.str.size == 0 ||
            u->via.str.size > CC_MAX_CODE) {
            filter_deinit(f);
            return cc_reject(rej, CC_ERR_BAD_FIELD, "units",
                             "'units' phải là một mảng mã đơn vị (1..%d byte)",
                             "'units' must be an array of unit codes (1..%d bytes)", CC_MAX_CODE);
        }
        memcpy(code, u->via.str.ptr, u->via.str.size);
        code[u->via.str.size] = '\0';
        if (strcmp(code, "*") == 0) {
            f->any = true;
            continue;
        }
        if (!in_scope(who, code)) {
            filter_deinit(f);
            return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "units",
                             "Đơn vị %s không thuộc phạm vi được giao",
                             "Unit %s is outside your scope", code);
        }
        filter_add_unit(f, code, u->via.str.size);
    }
    /* "*", or no list: everything in scope. */
    if (units == NULL || f->any) {
        f->n_units = 0;
        f->any = all;
        for (size_t i = 0; !all && i < who->n_units; i++)
            filter_add_unit(f, who->units[i], strlen(who->units[i]));
    }
    if (kinds && (kinds->type != MSGPACK_OBJECT_ARRAY || kinds->via.array.size > 64))
        goto bad_kind;
    for (uint32_t i = 0; kinds && i < kinds->via.array.size; i++) {
        const msgpack_object *k = &kinds->via.array.ptr[i];
        int kind = k->type == MSGPACK_OBJECT_STR
                       ? cc_vocab_find(&cc_alert_kinds, 0, k->via.str.ptr, k->via.str.size)
                       : -1;

        if (kind < 0)
            goto bad_kind;
        f->kinds |= 1u << kind;
    }
    r = cc_map_str(body, "severity", &sev);
    if (r == 0) {
        int s = cc_vocab_find(&cc_severities, 0, sev.ptr, sev.len);

        if (s < 0) {
            filter_deinit(f);
            return cc_reject(rej, CC_ERR_BAD_FIELD, "severity", "'severity' phải là một trong: %s",
                             "'severity' must be one of: %s",
                             cc_vocab_list(&cc_severities, 0, ", ", list, sizeof(list)));
        }
        f->min_severity = (cc_severity_t)s;
    } else if (r != -ENOENT) {
        filter_deinit(f);
        return cc_reject(rej, CC_ERR_BAD_FIELD, "severity", "'severity' phải là chuỗi",
                         "'severity' must be a string");
    }
    if (cc_map_find(body, "summary") && cc_map_bool(body, "summary", &f->summary) < 0) {
        filter_deinit(f);
        return cc_reject(rej, CC_ERR_BAD_FIELD, "summary", "'summary' phải là true/false",
                         "'summary' must be a boolean");
    }
    return 0;
bad_kind:
    filter_deinit(f);
    return cc_reject(rej, CC_ERR_BAD_FIELD, "kinds",
                     "'kinds' phải là một mảng các loại cảnh báo: %s",
                     "'kinds' must be an array of alert kinds: %s",
                     cc_vocab_list(&cc_alert_kinds, 0, ", ", list, sizeof(list)));
}

static bool filter_match(const filter_t *f, const sc_alert_head_t *h)
{
    if (f->kinds && !(f->kinds & (1u << h->kind)))
        return false;
    if (h->severity < f->min_severity)
        return false;
    if (f->any)
        return true;
    for (size_t i = 0; i < f->n_units; i++)
        if (strcmp(f->units[i], h->unit) == 0)
            return true;
    return false;
}

/* ---- Reading the active alerts ------------------------------------------------------- */

/* Counts per unit, kind and severity. */
typedef struct {
    char unit[CC_MAX_CODE + 1];
    uint8_t kind, severity;
    uint64_t count, acked;
} count_t;

typedef struct {
    const filter_t *f;
    /* a page */
    cc_enc_t *page;
    size_t in_page, max;
    bool more;
    char last_id[SC_ALERT_ID_MAX + 1];
    /* counts */
    count_t *counts;
    size_t n_counts, cap_counts;
    uint64_t total;
} collect_t;

static int collect_page(const char *id, const sc_alert_head_t *h, const void *map, size_t len,
                        void *arg)
{
    collect_t *c = arg;

    if (!filter_match(c->f, h))
        return 0;
    if (c->in_page == c->max) {
        c->more = true;
        return 1;
    }
    cc_enc_raw(c->page, map, len);
    c->in_page++;
    snprintf(c->last_id, sizeof(c->last_id), "%s", id);
    return 0;
}

static int collect_count(const char *id, const sc_alert_head_t *h, const void *map, size_t len,
                         void *arg)
{
    collect_t *c = arg;
    count_t *k;

    (void)id, (void)map, (void)len;
    if (!filter_match(c->f, h))
        return 0;
    if (c->n_counts == c->cap_counts) {
        c->cap_counts = c->cap_counts ? 2 * c->cap_counts : 256;
        c->counts = cc_xrealloc(c->counts, c->cap_counts * sizeof(*c->counts));
    }
    k = &c->counts[c->n_counts++];
    snprintf(k->unit, sizeof(k->unit), "%s", h->unit);
    k->kind = (uint8_t)h->kind;
    k->severity = (uint8_t)h->severity;
    k->count = 1;
    k->acked = h->acked;
    c->total++;
    return 0;
}

static int count_cmp(const void *a, const void *b)
{
    const count_t *x = a, *y = b;
    int c = strcmp(x->unit, y->unit);

    if (c)
        return c;
    if (x->kind != y->kind)
        return x->kind < y->kind ? -1 : 1;
    return x->severity < y->severity ? -1 : x->severity > y->severity;
}

/* Sort the counts and fold equal (unit, kind, severity) together. */
static void counts_fold(collect_t *c)
{
    size_t out = 0;

    if (c->n_counts)
        qsort(c->counts, c->n_counts, sizeof(*c->counts), count_cmp);
    for (size_t i = 0; i < c->n_counts; i++) {
        if (out && count_cmp(&c->counts[out - 1], &c->counts[i]) == 0) {
            c->counts[out - 1].count += c->counts[i].count;
            c->counts[out - 1].acked += c->counts[i].acked;
        } else {
            c->counts[out++] = c->counts[i];
        }
    }
    c->n_counts = out;
}

/* The pairs "total" and "summary" of the counts in @c. */
static void encode_summary(cc_enc_t *e, const collect_t *c)
{
    cc_enc_kv_u64(e, "total", c->total);
    cc_enc_str(e, "summary");
    cc_enc_array(e, c->n_counts);
    for (size_t i = 0; i < c->n_counts; i++) {
        const count_t *k = &c->counts[i];
        size_t m = cc_enc_map_open(e);

        cc_enc_kv_str(e, "unit", k->unit);
        cc_enc_kv_str(e, "kind", cc_vocab_name(&cc_alert_kinds, k->kind));
        cc_enc_kv_str(e, "severity", cc_vocab_name(&cc_severities, k->severity));
        cc_enc_kv_u64(e, "count", k->count);
        cc_enc_kv_u64(e, "acked", k->acked);
        cc_enc_map_close(e, m);
    }
}

/* ---- Sending to subscribers -------------------------------------------------------- */

/* Send w->msg to @x as an ALERT; a full socket marks it lost, a gone peer
 * gone. Returns 0 or the -errno. */
static int send_msg(sc_watch_t *w, watcher_t *x)
{
    int r =
        cc_router_send(w->router, x->id, x->id_len, CC_MSG_ALERT, w->msg.buf.data, w->msg.buf.size);

    if (r == 0) {
        w->sent++;
        x->last_sent_ms = w->now_ms;
    } else if (r == -EAGAIN) {
        x->lost = true;
    } else {
        x->gone = true;
    }
    return r;
}

/* Start w->msg: {rid, seq, op, ...}; returns the map mark. */
static size_t msg_begin(sc_watch_t *w, const watcher_t *x, uint64_t seq, const char *op)
{
    size_t m;

    cc_enc_reset(&w->msg);
    m = cc_enc_map_open(&w->msg);
    cc_enc_kv_u64(&w->msg, "rid", x->rid);
    cc_enc_kv_u64(&w->msg, "seq", seq);
    cc_enc_kv_str(&w->msg, "op", op);
    return m;
}

/* Send one snapshot page of @n alert maps (in w->page). */
static int send_page(sc_watch_t *w, watcher_t *x, uint64_t seq, uint64_t page, size_t n, bool last)
{
    size_t m = msg_begin(w, x, seq, "snapshot");

    cc_enc_kv_u64(&w->msg, "page", page);
    cc_enc_kv_bool(&w->msg, "last", last);
    cc_enc_str(&w->msg, "alerts");
    cc_enc_array(&w->msg, n);
    cc_enc_raw(&w->msg, w->page.buf.data, w->page.buf.size);
    cc_enc_map_close(&w->msg, m);
    return send_msg(w, x);
}

/* The view of @x from scratch, read in one transaction: snapshot pages, or
 * a summary. Clears x->lost when all of it went out. Returns 0 or a
 * storage error (the subscriber stays lost). */
static int send_view(sc_watch_t *w, watcher_t *x, uint64_t *ret_total)
{
    collect_t c = { .f = &x->f, .page = &w->page, .max = SC_WATCH_PAGE };
    uint64_t seq = 0, page = 0, total = 0;
    cc_txn_t txn;
    size_t m;
    int r;

    x->lost = false;
    if ((r = cc_store_read_begin(w->store, &txn)) < 0)
        goto out;
    if ((r = sc_alerts_seq(w->alerts, &txn, &seq)) < 0)
        goto end;
    if (x->f.summary) {
        if ((r = sc_alerts_each(w->alerts, &txn, NULL, collect_count, &c)) < 0)
            goto end;
        counts_fold(&c);
        m = msg_begin(w, x, seq, "summary");
        encode_summary(&w->msg, &c);
        cc_enc_map_close(&w->msg, m);
        total = c.total;
        send_msg(w, x);
        x->summary_due = false;
        goto end;
    }
    for (;;) {
        cc_enc_reset(&w->page);
        c.in_page = 0;
        c.more = false;
        if ((r = sc_alerts_each(w->alerts, &txn, c.last_id, collect_page, &c)) < 0)
            goto end;
        total += c.in_page;
        if (send_page(w, x, seq, page++, c.in_page, !c.more) < 0 || !c.more)
            break;
    }
end:
    cc_txn_end(&txn);
out:
    x->seq = seq;
    free(c.counts);
    if (r < 0)
        x->lost = true;
    if (ret_total)
        *ret_total = total;
    return r;
}

/* Remove the subscriptions whose peer is gone. */
static void sweep(sc_watch_t *w)
{
    size_t out = 0;

    for (size_t i = 0; i < w->n; i++) {
        if (w->ws[i]->gone)
            watcher_free(w->ws[i]);
        else
            w->ws[out++] = w->ws[i];
    }
    w->n = out;
}

static watcher_t *find(sc_watch_t *w, const void *id, size_t id_len, size_t *ret_i)
{
    for (size_t i = 0; i < w->n; i++)
        if (w->ws[i]->id_len == id_len && memcmp(w->ws[i]->id, id, id_len) == 0) {
            if (ret_i)
                *ret_i = i;
            return w->ws[i];
        }
    return NULL;
}

void sc_watch_forget(sc_watch_t *w, const void *id, size_t id_len)
{
    watcher_t *x = find(w, id, id_len, NULL);

    if (x) {
        x->gone = true;
        sweep(w);
    }
}

void sc_watch_end_all(sc_watch_t *w, const char *vi, const char *en)
{
    for (size_t i = 0; i < w->n; i++) {
        watcher_t *x = w->ws[i];
        size_t m = msg_begin(w, x, x->seq, "ended");

        cc_enc_kv_str(&w->msg, "vi", vi);
        cc_enc_kv_str(&w->msg, "en", en);
        cc_enc_map_close(&w->msg, m);
        send_msg(w, x);
        x->gone = true;
    }
    sweep(w);
}

/* Keep @ch, a copy, after the changes kept before it. */
static void keep(sc_watch_t *w, const sc_change_t *ch)
{
    if (w->n_kept == w->cap_kept) {
        w->cap_kept = w->cap_kept ? 2 * w->cap_kept : 64;
        w->kept = cc_xrealloc(w->kept, w->cap_kept * sizeof(*w->kept));
    }
    w->kept[w->n_kept++] =
        (kept_t){ ch->seq, ch->op, ch->head, w->kept_buf.buf.size, ch->alert_len };
    cc_enc_raw(&w->kept_buf, ch->alert, ch->alert_len);
}

void sc_watch_publish(void *ctx, const sc_change_t *ch)
{
    sc_watch_t *w = ctx;

    if (w->holding) {
        keep(w, ch);
        return;
    }
    for (size_t i = 0; i < w->n; i++) {
        watcher_t *x = w->ws[i];
        size_t m;

        if (x->lost || x->gone || ch->seq <= x->seq)
            continue;
        x->seq = ch->seq;
        if (!filter_match(&x->f, &ch->head))
            continue;
        if (x->f.summary) {
            x->summary_due = true;
            continue;
        }
        m = msg_begin(w, x, ch->seq, sc_alert_op_name(ch->op));
        cc_enc_str(&w->msg, "alert");
        cc_enc_raw(&w->msg, ch->alert, ch->alert_len);
        cc_enc_map_close(&w->msg, m);
        send_msg(w, x);
    }
    sweep(w);
}

void sc_watch_hold(sc_watch_t *w) { w->holding = true; }

size_t sc_watch_release(sc_watch_t *w, bool send)
{
    size_t n = w->n_kept;

    w->holding = false;
    for (size_t i = 0; i < n && send; i++) {
        const kept_t *k = &w->kept[i];
        sc_change_t ch = { k->seq, k->op, k->head, w->kept_buf.buf.data + k->off, k->len };

        sc_watch_publish(w, &ch);
    }
    w->n_kept = 0;
    cc_enc_reset(&w->kept_buf);
    return n;
}

void sc_watch_resync(sc_watch_t *w)
{
    for (size_t i = 0; i < w->n; i++)
        w->ws[i]->lost = true;
}

/* A heartbeat to @x: the seq its view reflects, and whether it is stale. */
static void send_heartbeat(sc_watch_t *w, watcher_t *x)
{
    size_t m = msg_begin(w, x, x->seq, "heartbeat");

    cc_enc_kv_bool(&w->msg, "stale", w->stale);
    cc_enc_map_close(&w->msg, m);
    send_msg(w, x);
}

void sc_watch_set_stale(sc_watch_t *w, bool stale)
{
    if (stale == w->stale)
        return;
    w->stale = stale;
    /* Said at once, not at the next heartbeat. */
    for (size_t i = 0; i < w->n; i++)
        w->ws[i]->last_sent_ms = 0;
}

void sc_watch_tick(sc_watch_t *w, uint64_t now_ms)
{
    w->now_ms = now_ms;
    for (size_t i = 0; i < w->n; i++) {
        watcher_t *x = w->ws[i];

        if ((x->lost || (x->summary_due && x->f.summary)) && now_ms >= x->next_view_ms) {
            /* At most one view a second: a summary is a scan of every
             * active alert, and a subscriber that cannot take its snapshot
             * is not sent it again at every turn of the loop. */
            x->next_view_ms = now_ms + SC_WATCH_VIEW_MS;
            send_view(w, x, NULL);
        } else if (!x->lost && now_ms - x->last_sent_ms >= SC_WATCH_HEARTBEAT_MS) {
            send_heartbeat(w, x);
        }
    }
    sweep(w);
}

/* ---- Queries ------------------------------------------------------------------------- */

static void reply_result(sc_watch_t *w, const cc_request_t *req)
{
    cc_router_send(w->router, req->id, req->id_len, CC_MSG_RESULT, w->msg.buf.data,
                   w->msg.buf.size);
}

static void reply_reject(sc_watch_t *w, const cc_request_t *req, const cc_reject_t *rej)
{
    cc_router_error(w->router, req, rej->code, rej->vi, rej->en, rej->field, NULL);
}

static bool refuse_role(sc_watch_t *w, const cc_request_t *req, const cc_principal_t *who)
{
    if (may_view(who))
        return false;
    cc_router_error(w->router, req, CC_ERR_NOT_AUTHORIZED,
                    "Chỉ người giám sát hoặc vận hành được xem cảnh báo",
                    "Only a supervisor or an operator may read alerts", "q", NULL);
    return true;
}

static void reply_internal(sc_watch_t *w, const cc_request_t *req, int r)
{
    cc_router_error(w->router, req, CC_ERR_INTERNAL, "Lỗi đọc cảnh báo", cc_store_strerror(r), NULL,
                    NULL);
}

void sc_watch_query_alerts(sc_watch_t *w, const cc_request_t *req, const cc_principal_t *who)
{
    collect_t c = { .page = &w->page, .max = SC_WATCH_PAGE };
    char after[SC_ALERT_ID_MAX + 1] = "";
    uint64_t seq = 0, max = SC_WATCH_PAGE;
    cc_reject_t rej;
    filter_t f;
    cc_txn_t txn;
    size_t m;
    int r;

    if (refuse_role(w, req, who))
        return;
    if (filter_parse(&req->msg.body, who, &f, &rej)) {
        reply_reject(w, req, &rej);
        return;
    }
    c.f = &f;
    r = cc_map_u64(&req->msg.body, "max", &max);
    if ((r < 0 && r != -ENOENT) || max < 1 || max > SC_ALERTS_PAGE_MAX) {
        cc_reject(&rej, CC_ERR_BAD_FIELD, "max", "'max' phải từ 1 đến %d", "'max' must be 1..%d",
                  SC_ALERTS_PAGE_MAX);
        goto refused;
    }
    c.max = (size_t)max;
    r = cc_map_strcpy(&req->msg.body, "after", after, sizeof(after));
    if (r < 0 && r != -ENOENT) {
        cc_reject(&rej, CC_ERR_BAD_FIELD, "after", "'after' phải là mã cảnh báo (id)",
                  "'after' must be an alert id");
        goto refused;
    }
    cc_enc_reset(&w->page);
    if ((r = cc_store_read_begin(w->store, &txn)) < 0) {
        reply_internal(w, req, r);
        goto out;
    }
    r = sc_alerts_seq(w->alerts, &txn, &seq);
    if (r == 0)
        r = sc_alerts_each(w->alerts, &txn, f.summary ? NULL : after,
                           f.summary ? collect_count : collect_page, &c);
    cc_txn_end(&txn);
    if (r < 0) {
        reply_internal(w, req, r);
        goto out;
    }
    cc_enc_reset(&w->msg);
    m = cc_enc_map_open(&w->msg);
    cc_enc_kv_u64(&w->msg, "rid", req->rid);
    cc_enc_kv_u64(&w->msg, "seq", seq);
    if (f.summary) {
        counts_fold(&c);
        encode_summary(&w->msg, &c);
    } else {
        cc_enc_str(&w->msg, "alerts");
        cc_enc_array(&w->msg, c.in_page);
        cc_enc_raw(&w->msg, w->page.buf.data, w->page.buf.size);
        cc_enc_kv_bool(&w->msg, "more", c.more);
        cc_enc_kv_str(&w->msg, "next", c.more ? c.last_id : "");
    }
    cc_enc_map_close(&w->msg, m);
    reply_result(w, req);
    goto out;
refused:
    reply_reject(w, req, &rej);
out:
    free(c.counts);
    filter_deinit(&f);
}

void sc_watch_subscribe(sc_watch_t *w, const cc_request_t *req, const cc_principal_t *who)
{
    watcher_t *x;
    cc_reject_t rej;
    uint64_t total = 0;
    size_t i, m;
    filter_t f;

    if (refuse_role(w, req, who))
        return;
    if (filter_parse(&req->msg.body, who, &f, &rej)) {
        reply_reject(w, req, &rej);
        return;
    }
    x = find(w, req->id, req->id_len, &i);
    if (x == NULL) {
        if (w->n == SC_WATCH_MAX) {
            filter_deinit(&f);
            cc_router_error(w->router, req, CC_ERR_OVERLOADED,
                            "Quá nhiều người đang theo dõi cảnh báo; thử lại sau",
                            "Too many alert subscriptions; try again later", NULL, NULL);
            return;
        }
        x = cc_xcalloc(1, sizeof(*x));
        memcpy(x->id, req->id, req->id_len);
        x->id_len = req->id_len;
        w->ws[w->n++] = x;
    } else {
        filter_deinit(&x->f);
    }
    x->f = f;
    x->rid = req->rid;
    x->gone = false;
    /* The RESULT first, then the view; both read the alerts now. */
    {
        cc_txn_t txn;
        uint64_t seq = 0;

        if (cc_store_read_begin(w->store, &txn) == 0) {
            sc_alerts_seq(w->alerts, &txn, &seq);
            cc_txn_end(&txn);
        }
        cc_enc_reset(&w->msg);
        m = cc_enc_map_open(&w->msg);
        cc_enc_kv_u64(&w->msg, "rid", req->rid);
        cc_enc_kv_u64(&w->msg, "seq", seq);
        cc_enc_kv_u64(&w->msg, "heartbeat_ms", SC_WATCH_HEARTBEAT_MS);
        cc_enc_map_close(&w->msg, m);
        reply_result(w, req);
    }
    send_view(w, x, &total);
    sweep(w);
}

void sc_watch_unsubscribe(sc_watch_t *w, const cc_request_t *req)
{
    size_t m;

    sc_watch_forget(w, req->id, req->id_len);
    cc_enc_reset(&w->msg);
    m = cc_enc_map_open(&w->msg);
    cc_enc_kv_u64(&w->msg, "rid", req->rid);
    cc_enc_map_close(&w->msg, m);
    reply_result(w, req);
}

/* ---- Acknowledgement ----------------------------------------------------------------- */

typedef struct {
    sc_watch_t *w;
    const cc_principal_t *who;
    const char *id, *note;
    int64_t now;
    bool unknown, refused;
} ack_ctx_t;

static int ack_txn(cc_txn_t *txn, void *arg)
{
    ack_ctx_t *a = arg;
    sc_alert_head_t head;
    int r;

    a->unknown = a->refused = false;
    sc_alerts_begin(a->w->alerts);
    r = sc_alerts_get(a->w->alerts, txn, a->id, &head);
    if (r == -ENOENT) {
        a->unknown = true;
        return 0;
    }
    if (r < 0)
        return r;
    if (!in_scope(a->who, head.unit)) {
        a->refused = true;
        return 0;
    }
    return sc_alerts_ack(a->w->alerts, txn, a->id, a->who->who, a->now, a->note);
}

static int copy_alert(const char *id, const sc_alert_head_t *h, const void *map, size_t len,
                      void *arg)
{
    ack_ctx_t *a = arg;

    (void)h;
    if (strcmp(id, a->id) != 0)
        return 0;
    cc_enc_raw(&a->w->page, map, len);
    return 1;
}

void sc_watch_ack(sc_watch_t *w, const cc_request_t *req, const cc_principal_t *who, int64_t now)
{
    char id[SC_ALERT_ID_MAX + 1], note[SC_ALERT_NOTE_MAX + 1] = "";
    ack_ctx_t a = { w, who, id, note, now, false, false };
    cc_txn_t txn;
    size_t m;
    int r;

    if (who == NULL || (who->role != CC_ROLE_SUPERVISOR && who->role != CC_ROLE_OPERATOR)) {
        cc_router_error(w->router, req, CC_ERR_NOT_AUTHORIZED,
                        "Chỉ người giám sát hoặc vận hành được xác nhận cảnh báo",
                        "Only a supervisor or an operator may acknowledge an alert", "q", NULL);
        return;
    }
    if (cc_map_strcpy(&req->msg.body, "id", id, sizeof(id)) < 0 || id[0] == '\0') {
        cc_router_error(w->router, req, CC_ERR_BAD_FIELD, "Thiếu mã cảnh báo 'id' (chuỗi)",
                        "'id' (string): the alert id is required", "id", NULL);
        return;
    }
    r = cc_map_strcpy(&req->msg.body, "note", note, sizeof(note));
    if (r < 0 && r != -ENOENT) {
        cc_router_error(w->router, req, CC_ERR_BAD_FIELD, "'note' phải là chuỗi tối đa 512 byte",
                        "'note' must be a string of at most 512 bytes", "note", NULL);
        return;
    }
    /* A supervisor's acknowledgement is not derived from the logs: durable
     * before the reply (the store syncs its meta page lazily). */
    if ((r = cc_store_write(w->store, ack_txn, &a)) < 0) {
        sc_alerts_begin(w->alerts);
        reply_internal(w, req, r);
        return;
    }
    if (!a.unknown && !a.refused && (r = cc_store_sync(w->store)) < 0) {
        /* Committed, perhaps not durable: subscribers see it; the
         * supervisor is told it may not have been kept. */
        sc_alerts_publish(w->alerts, sc_watch_publish, w);
        reply_internal(w, req, r);
        return;
    }
    if (a.unknown || a.refused) {
        cc_router_error(w->router, req, a.unknown ? CC_ERR_UNKNOWN_ALERT : CC_ERR_NOT_AUTHORIZED,
                        a.unknown ? "Không có cảnh báo đang hiệu lực với mã này"
                                  : "Cảnh báo thuộc đơn vị ngoài phạm vi được giao",
                        a.unknown ? "No active alert has this id"
                                  : "The alert belongs to a unit outside your scope",
                        "id", NULL);
        return;
    }
    sc_alerts_publish(w->alerts, sc_watch_publish, w);
    cc_enc_reset(&w->page);
    if (cc_store_read_begin(w->store, &txn) == 0) {
        sc_alerts_each_prefix(w->alerts, &txn, id, copy_alert, &a);
        cc_txn_end(&txn);
    }
    cc_enc_reset(&w->msg);
    m = cc_enc_map_open(&w->msg);
    cc_enc_kv_u64(&w->msg, "rid", req->rid);
    if (w->page.buf.size) {
        cc_enc_str(&w->msg, "alert");
        cc_enc_raw(&w->msg, w->page.buf.data, w->page.buf.size);
    }
    cc_enc_map_close(&w->msg, m);
    reply_result(w, req);
}
