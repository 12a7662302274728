/*
 * scoring.c - the scoring daemon: options, sockets, loop, queries (see
 * scoring.h).
 *
 * Unlike intake and hotline, scoring is not built on cc_evd: it takes no
 * EVENTs and serves no log, but consumes two logs and streams alerts. It
 * keeps cc_evd's conventions (option table, HELLO sessions, ping/stats/
 * clock/backup queries, cc_router_error replies, sd_notify sequence).
 */
#include "scoring.h"

#include <errno.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zmq.h>

#include "cc_base.h"
#include "cc_auth.h"
#include "cc_catalog.h"
#include "cc_clock.h"
#include "cc_config.h"
#include "cc_reject.h"
#include "cc_log.h"
#include "cc_mem.h"
#include "cc_net.h"
#include "cc_sd.h"
#include "cc_sig.h"
#include "feed.h"
#include "report.h"
#include "state.h"
#include "watch.h"
#include "cc_time.h"

static const cc_option_t sc_options[] = {
    CC_DAEMON_OPTIONS(sc_settings_t, d, SC_LISTEN_DEFAULT),
    { "intake", CC_OPT_STR, offsetof(sc_settings_t, intake), SC_INTAKE_DEFAULT, 0, 0,
      "endpoint of cchc-intaked (its log is read by cursor)" },
    { "hotline", CC_OPT_STR, offsetof(sc_settings_t, hotline), SC_HOTLINE_DEFAULT, 0, 0,
      "endpoint of cchc-hotlined (its log is read by cursor)" },
    { "intake_key", CC_OPT_STR, offsetof(sc_settings_t, intake_key), NULL, 0, 0,
      "cchc-intaked's public key (a .pub file or the key): read its log with CurveZMQ "
      "(security = curve)" },
    { "hotline_key", CC_OPT_STR, offsetof(sc_settings_t, hotline_key), NULL, 0, 0,
      "cchc-hotlined's public key (a .pub file or the key): read its log with CurveZMQ "
      "(security = curve)" },
    { "feed_lag_seconds", CC_OPT_INT, offsetof(sc_settings_t, feed_lag_s), "60", 1, 86400,
      "raise feed_lagging when a source's log has not been read to its end for this long" },
    { "publish", CC_OPT_STR, offsetof(sc_settings_t, publish), NULL, 0, 0,
      "no longer used: alerts reach subscribers on the listen socket (QUERY watch); "
      "a value is ignored with a warning" },
};

typedef struct scoring scoring_t;

/* The BATCHes the feeds read and scoring has not applied yet: applied
 * together, in one transaction (group_commit). */
typedef struct {
    zmq_msg_t frame[SC_GROUP_BATCHES]; /* the BATCH bodies as received */
    sc_batch_t batch[SC_GROUP_BATCHES];
    uint64_t head[SC_GROUP_BATCHES]; /* the source's head each one told */
    sc_batch_result_t res[SC_GROUP_BATCHES];
    size_t n;
    uint64_t records;  /* in the batches */
    uint64_t since_ms; /* when the first was taken */
} sc_group_t;

/* The apply callback's context: which feed. */
typedef struct {
    scoring_t *s;
    sc_feed_id_t id;
} feed_ctx_t;

/* What scoring has said about a feed with its feed_lagging alert. */
typedef enum { FEED_OK, FEED_LAGGING, FEED_STOPPED } feed_alert_t;

struct scoring {
    sc_settings_t set;
    cc_catalog_t *catalog;
    sc_state_t *state;
    void *zctx;
    void *router;
    int sigfd;
    int lock_fd; /* the state directory's lock (cc_daemon_state_path) */
    cc_security_t *security;
    cc_sessions_t *sessions;
    sc_watch_t *watch;
    sc_feed_t *feeds[SC_FEED_COUNT_];
    feed_ctx_t feed_ctx[SC_FEED_COUNT_];
    bool behind[SC_FEED_COUNT_];        /* the last BATCH ended before the head */
    char rollback[SC_FEED_COUNT_][192]; /* why the feed stopped; "" when it did not */
    feed_alert_t feed_alert[SC_FEED_COUNT_];
    sc_group_t group;
    uint64_t history_until_ms; /* applying history (an import) until then */
    uint64_t hold_until_ms;    /* the watch keeps changes until then (old records); 0: no hold */
    uint64_t hold_records;     /* old records applied since the hold began */
    bool was_catching_up;
    bool resync_pending; /* changes were held back: subscribers need a snapshot */
    uint64_t held_back;  /* alert changes not published while catching up */
    uint64_t holds;      /* holds begun (history_seen) */
    uint64_t next_rates_all_ms;
    cc_enc_t reply;
    uint64_t started_ms;
    uint64_t n_malformed;
    bool stop;
};

/* ---- Catching up, publication --------------------------------------------------------- */

/* Whether scoring is behind its sources or applying history (scoring.h). */
static bool catching_up(const scoring_t *s)
{
    return s->behind[SC_FEED_INTAKE] || s->behind[SC_FEED_HOTLINE] ||
           cc_mono_ms() < s->history_until_ms;
}

/* After a commit: publish the alert changes queued (kept by the watch
 * while a hold decides whether old records are an import), or hold them
 * back while catching up (dropped, counted, a fresh snapshot later). */
static void publish_changes(scoring_t *s)
{
    if (catching_up(s)) {
        size_t n = sc_state_publish(s->state, NULL, NULL);

        s->held_back += n;
        s->resync_pending |= n > 0;
        return;
    }
    sc_state_publish(s->state, sc_watch_publish, s->watch);
}

/* End the hold: the changes kept go out in order (@send), or are held
 * back like those of a catch-up. */
static void hold_end(scoring_t *s, bool send)
{
    size_t n = sc_watch_release(s->watch, send);

    if (!send) {
        s->held_back += n;
        s->resync_pending |= n > 0;
    }
    s->hold_until_ms = 0;
    s->hold_records = 0;
}

/* @old records of the past were just applied (state.h SC_HISTORY_S). Every
 * change published from then on is kept (sc_watch_hold) for
 * SC_HISTORY_HOLD_MS: an import whose first READ caught only a few records
 * must not reach subscribers. History mode begins once the hold has seen
 * SC_HISTORY_MIN_RECORDS old records (what it kept is held back), and
 * lasts until SC_HISTORY_QUIET_MS after the last old record. Call before
 * publish_changes. */
static void history_seen(scoring_t *s, uint64_t old, uint64_t now_ms)
{
    if (old == 0)
        return;
    if (now_ms < s->history_until_ms) {
        s->history_until_ms = now_ms + SC_HISTORY_QUIET_MS;
        return;
    }
    if (s->hold_until_ms == 0) {
        s->holds++;
        s->hold_until_ms = now_ms + SC_HISTORY_HOLD_MS;
        sc_watch_hold(s->watch);
    }
    s->hold_records += old;
    if (s->hold_records >= SC_HISTORY_MIN_RECORDS) {
        s->history_until_ms = now_ms + SC_HISTORY_QUIET_MS;
        hold_end(s, false);
    }
}

/* End the hold once its time is up (or at once when @force): the changes
 * kept go out, unless scoring is catching up by then. */
static void hold_settle(scoring_t *s, uint64_t now_ms, bool force)
{
    if (s->hold_until_ms == 0 || (!force && now_ms < s->hold_until_ms))
        return;
    /* Changes dropped meanwhile (a catch-up): the snapshot owed replaces
     * these too. */
    hold_end(s, !catching_up(s) && !s->resync_pending);
}

/* ---- Applying what the feeds read ----------------------------------------------------- */

/* Forget the BATCHes taken and not applied. */
static void group_drop(scoring_t *s)
{
    for (size_t i = 0; i < s->group.n; i++)
        zmq_msg_close(&s->group.frame[i]);
    s->group.n = 0;
    s->group.records = 0;
}

/* What a committed batch @i of the group says about its feed. */
static void batch_done(scoring_t *s, size_t i, uint64_t *old)
{
    const sc_batch_result_t *res = &s->group.res[i];
    sc_feed_id_t f = s->group.batch[i].feed;
    const char *name = sc_feed_name(f);
    uint64_t head = s->group.head[i];

    if (res->rollback) {
        if (s->rollback[f][0])
            return; /* said at its first batch */
        snprintf(s->rollback[f], sizeof(s->rollback[f]), "%s", res->rollback_why);
        cc_log(LOG_CRIT,
               "Stopped reading the %s log: %s. The %s store was restored from an older backup "
               "or replaced; scoring's figures no longer match it. Rebuild them with `cchc ctl "
               "scoring rebuild`",
               name, res->rollback_why, name);
        sc_feed_stop(s->feeds[f]);
        return;
    }
    s->behind[f] = head > res->cursor + SC_BEHIND_RECORDS;
    *old += res->history;
    if (res->invalid)
        cc_log(LOG_WARNING, "Skipped %llu invalid %s records (up to seq %llu)",
               (unsigned long long)res->invalid, name, (unsigned long long)res->cursor);
    if (res->gap || res->malformed)
        cc_log(LOG_WARNING, "Batch from %s %s after seq %llu; reading again from there", name,
               res->gap ? "has a gap" : "is malformed", (unsigned long long)res->cursor);
}

/* Apply the BATCHes taken in one transaction, then tell each feed where
 * its stored cursor stands and publish (or hold back) the alert changes. */
static void group_commit(scoring_t *s)
{
    sc_group_t *g = &s->group;
    uint64_t now_ms = cc_mono_ms();
    uint64_t old = 0;
    int r;

    if (g->n == 0)
        return;
    r = sc_state_apply_group(s->state, g->batch, g->n, cc_clock_now(), g->res);
    for (int f = 0; f < SC_FEED_COUNT_; f++) {
        uint64_t cursor = 0, batches = 0;
        sc_feed_figures_t fig;
        bool touched = false;

        for (size_t i = 0; i < g->n; i++)
            if (g->batch[i].feed == (sc_feed_id_t)f) {
                touched = true;
                batches++;
                cursor = g->res[i].cursor;
            }
        if (!touched)
            continue;
        if (r < 0) {
            sc_state_cursor(s->state, (sc_feed_id_t)f, &cursor);
            sc_feed_reread(s->feeds[f], cursor, true, now_ms);
            continue;
        }
        for (size_t i = 0; i < g->n; i++)
            if (g->batch[i].feed == (sc_feed_id_t)f)
                batch_done(s, i, &old);
        if (s->rollback[f][0])
            continue;
        /* Applied as far as the feed has read, or it must read again. */
        sc_feed_figures(s->feeds[f], &fig);
        if (cursor == fig.taken)
            sc_feed_applied(s->feeds[f], cursor, batches, now_ms);
        else
            sc_feed_reread(s->feeds[f], cursor, false, now_ms);
    }
    if (r < 0)
        cc_log(LOG_ERR, "Failed to store %zu batches: %s", g->n, cc_store_strerror(r));
    group_drop(s);
    if (r < 0)
        return;
    history_seen(s, old, now_ms);
    publish_changes(s);
}

/* sc_feed_take_fn: gather the BATCH into the group; apply the group once
 * it is large, or at once when the feed reached its source's head (live
 * records: their alerts must not wait). */
static void take_batch(void *ctx, zmq_msg_t *body, uint32_t records, uint64_t last, uint64_t head)
{
    feed_ctx_t *fc = ctx;
    scoring_t *s = fc->s;
    sc_group_t *g = &s->group;
    zmq_msg_t *frame = &g->frame[g->n];

    if (g->n == 0)
        g->since_ms = cc_mono_ms();
    zmq_msg_init(frame);
    zmq_msg_move(frame, body);
    g->batch[g->n] = (sc_batch_t){ fc->id, zmq_msg_data(frame), zmq_msg_size(frame) };
    g->head[g->n] = head;
    g->n++;
    g->records += records;
    if (last >= head || g->n == SC_GROUP_BATCHES || g->records >= SC_GROUP_RECORDS)
        group_commit(s);
}

/* The feed_lagging alert of each feed, on a change of its state. */
static void feed_alerts(scoring_t *s, uint64_t now_ms)
{
    for (int f = 0; f < SC_FEED_COUNT_; f++) {
        const char *name = sc_feed_name((sc_feed_id_t)f);
        sc_feed_figures_t fig;
        feed_alert_t want;
        char text[SC_ALERT_TEXT_MAX];
        uint64_t behind_ms;
        int r;

        sc_feed_figures(s->feeds[f], &fig);
        behind_ms = now_ms > fig.caught_up_ms ? now_ms - fig.caught_up_ms : 0;
        want = fig.stopped                                        ? FEED_STOPPED
               : behind_ms >= (uint64_t)s->set.feed_lag_s * 1000u ? FEED_LAGGING
                                                                  : FEED_OK;
        if (want == s->feed_alert[f])
            continue;
        if (want == FEED_STOPPED)
            snprintf(text, sizeof(text),
                     "Đã dừng đọc nhật ký %s: %s. Số liệu không còn khớp với nguồn; cần dựng lại "
                     "(cchc ctl scoring rebuild)",
                     name, s->rollback[f]);
        else
            snprintf(text, sizeof(text),
                     "Số liệu từ %s chậm cập nhật: đã đọc đến bản ghi %llu / %llu, chưa tới cuối "
                     "nhật ký trong %llu giây%s",
                     name, (unsigned long long)fig.cursor, (unsigned long long)fig.head,
                     (unsigned long long)(behind_ms / 1000),
                     fig.connected ? "" : " (mất kết nối tới nguồn)");
        r = sc_state_feed_alert(s->state, (sc_feed_id_t)f, want != FEED_OK, want == FEED_STOPPED,
                                cc_clock_now() - (int64_t)(behind_ms / 1000), text);
        if (r < 0) {
            cc_log(LOG_ERR, "Failed to store the %s feed alert: %s", name, cc_store_strerror(r));
            continue;
        }
        s->feed_alert[f] = want;
        /* News about scoring itself goes out even while it catches up. */
        sc_state_publish(s->state, sc_watch_publish, s->watch);
        if (want == FEED_LAGGING)
            cc_log(LOG_WARNING, "The %s feed is lagging: cursor %llu of %llu, %llu s behind", name,
                   (unsigned long long)fig.cursor, (unsigned long long)fig.head,
                   (unsigned long long)(behind_ms / 1000));
        else if (want == FEED_OK)
            cc_log(LOG_NOTICE, "The %s feed caught up (cursor %llu)", name,
                   (unsigned long long)fig.cursor);
    }
}

/* The tick's alert work: what time and rates raise, when caught up.
 * @forced: a `clock` query moved the test clock and asks for the tick now:
 * it runs even while history records were just applied (a test pushing
 * events of the past), though not while a source is far behind. */
static void run_tick(scoring_t *s, bool forced)
{
    uint64_t now_ms = cc_mono_ms();
    bool all = now_ms >= s->next_rates_all_ms;
    size_t raised = 0, changes = 0;
    int r;

    hold_settle(s, now_ms, forced);
    /* Before its first BATCH a source's HELLO reply tells how far behind
     * scoring is (a quiet log may keep the first READ waiting). A source
     * that does not answer, or that rolled back, holds nothing back:
     * alerts go on from what scoring has. */
    for (int f = 0; f < SC_FEED_COUNT_; f++) {
        sc_feed_figures_t fig;

        sc_feed_figures(s->feeds[f], &fig);
        if (fig.batches == 0 && fig.head_known)
            s->behind[f] = fig.head > fig.cursor + SC_BEHIND_RECORDS;
        if (fig.stopped ||
            (!fig.connected && now_ms - s->started_ms > SC_FEED_WAIT_MS + SC_FEED_GRACE_MS))
            s->behind[f] = false;
    }
    feed_alerts(s, now_ms);
    sc_watch_set_stale(s->watch, catching_up(s) || s->feed_alert[SC_FEED_INTAKE] != FEED_OK ||
                                     s->feed_alert[SC_FEED_HOTLINE] != FEED_OK);
    if (forced ? s->behind[SC_FEED_INTAKE] || s->behind[SC_FEED_HOTLINE] : catching_up(s)) {
        s->was_catching_up = true;
        return;
    }
    /* Caught up now: every unit's rates, once. */
    if (s->was_catching_up)
        all = true;
    r = sc_state_tick(s->state, cc_clock_now(), &raised);
    if (r < 0)
        cc_log(LOG_ERR, "Failed to run the alert tick: %s", cc_store_strerror(r));
    else
        sc_state_publish(s->state, sc_watch_publish, s->watch);
    r = sc_state_rates(s->state, cc_clock_now(), all, &changes);
    if (r < 0)
        cc_log(LOG_ERR, "Failed to evaluate the rate alerts: %s", cc_store_strerror(r));
    else
        sc_state_publish(s->state, sc_watch_publish, s->watch);
    if (all)
        s->next_rates_all_ms = now_ms + SC_RATES_ALL_MS;
    if (raised)
        cc_log(LOG_INFO, "Raised %zu alerts by time", raised);
    if (s->was_catching_up) {
        s->was_catching_up = false;
        if (s->resync_pending)
            cc_log(LOG_NOTICE,
                   "Caught up with the sources: %llu alert changes held back so far; "
                   "subscribers get a fresh snapshot",
                   (unsigned long long)s->held_back);
    }
    if (s->resync_pending) {
        s->resync_pending = false;
        sc_watch_resync(s->watch);
    }
}

/* ---- Queries ------------------------------------------------------------------------ */

static void send_reply(scoring_t *s, const cc_request_t *req, cc_msg_type_t type)
{
    cc_router_send(s->router, req->id, req->id_len, type, s->reply.buf.data, s->reply.buf.size);
}

static void status_line(scoring_t *s, char *buf, size_t len)
{
    sc_stats_t st;

    if (sc_state_stats(s->state, &st) < 0) {
        snprintf(buf, len, "state unreadable");
        return;
    }
    snprintf(buf, len,
             "%s%s%sintake cursor %llu, hotline cursor %llu; applied %llu; open dossiers %llu; "
             "active alerts %llu; watchers %zu",
             s->rollback[SC_FEED_INTAKE][0] ? "STOPPED: the intake log was rolled back (rebuild "
                                              "needed); "
                                            : "",
             s->rollback[SC_FEED_HOTLINE][0] ? "STOPPED: the hotline log was rolled back "
                                               "(rebuild needed); "
                                             : "",
             catching_up(s) ? "catching up; " : "", (unsigned long long)st.cursor[SC_FEED_INTAKE],
             (unsigned long long)st.cursor[SC_FEED_HOTLINE],
             (unsigned long long)(st.applied[SC_FEED_INTAKE] + st.applied[SC_FEED_HOTLINE]),
             (unsigned long long)st.open_dossiers, (unsigned long long)st.active_alerts,
             sc_watch_count(s->watch));
}

static void query_stats(scoring_t *s, const cc_request_t *req)
{
    sc_feed_figures_t fig[SC_FEED_COUNT_];
    char line[512], key[32];
    sc_stats_t st;
    size_t map;
    int r;

    if ((r = sc_state_stats(s->state, &st)) < 0) {
        cc_router_error(s->router, req, CC_ERR_INTERNAL, "Lỗi đọc trạng thái", cc_store_strerror(r),
                        NULL, NULL);
        return;
    }
    status_line(s, line, sizeof(line));
    cc_enc_reset(&s->reply);
    map = cc_enc_map_open(&s->reply);
    cc_enc_kv_u64(&s->reply, "rid", req->rid);
    cc_enc_kv_str(&s->reply, "daemon", "scoring");
    for (int f = 0; f < SC_FEED_COUNT_; f++) {
        const char *name = sc_feed_name((sc_feed_id_t)f);
        uint64_t head;

        sc_feed_figures(s->feeds[f], &fig[f]);
        head = fig[f].head > st.cursor[f] ? fig[f].head : st.cursor[f];
#define KV(what, v)                                                                                \
    do {                                                                                           \
        snprintf(key, sizeof(key), "%s_%s", what, name);                                           \
        cc_enc_kv_u64(&s->reply, key, (v));                                                        \
    } while (0)
        KV("cursor", st.cursor[f]);
        KV("head", head);
        KV("lag", head - st.cursor[f]);
        KV("applied", st.applied[f]);
        KV("skipped", st.skipped[f]);
        KV("invalid", st.invalid[f]);
        KV("dup", st.duplicate[f]);
        KV("batches", fig[f].batches);
        snprintf(key, sizeof(key), "up_%s", name);
        cc_enc_kv_bool(&s->reply, key, fig[f].connected);
        snprintf(key, sizeof(key), "stopped_%s", name);
        cc_enc_kv_bool(&s->reply, key, fig[f].stopped);
#undef KV
    }
    cc_enc_kv_u64(&s->reply, "applied", st.applied[0] + st.applied[1]);
    cc_enc_kv_u64(&s->reply, "skipped", st.skipped[0] + st.skipped[1]);
    cc_enc_kv_u64(&s->reply, "invalid", st.invalid[0] + st.invalid[1]);
    cc_enc_kv_u64(&s->reply, "open_dossiers", st.open_dossiers);
    cc_enc_kv_u64(&s->reply, "active_alerts", st.active_alerts);
    cc_enc_kv_u64(&s->reply, "alert_seq", st.alert_seq);
    cc_enc_kv_u64(&s->reply, "due_indexed", st.due_indexed);
    cc_enc_kv_u64(&s->reply, "sos_indexed", st.sos_indexed);
    cc_enc_kv_u64(&s->reply, "pakn_known", st.pakn_known);
    cc_enc_kv_u64(&s->reply, "timers", st.timers);
    cc_enc_kv_bool(&s->reply, "catching_up", catching_up(s));
    cc_enc_kv_u64(&s->reply, "held_back", s->held_back);
    cc_enc_kv_u64(&s->reply, "holds", s->holds);
    cc_enc_kv_u64(&s->reply, "watchers", sc_watch_count(s->watch));
    cc_enc_kv_u64(&s->reply, "published", sc_watch_sent(s->watch));
    cc_enc_kv_u64(&s->reply, "malformed", s->n_malformed);
    cc_enc_kv_u64(&s->reply, "sessions", cc_sessions_count(s->sessions));
    cc_enc_kv_u64(&s->reply, "map_size", st.store.map_size);
    cc_enc_kv_u64(&s->reply, "used_bytes", st.store.used_bytes);
    cc_enc_kv_u64(&s->reply, "uptime_s", (cc_mono_ms() - s->started_ms) / 1000);
    cc_enc_kv_i64(&s->reply, "now", cc_clock_now());
    cc_enc_kv_str(&s->reply, "status", line);
    cc_enc_map_close(&s->reply, map);
    send_reply(s, req, CC_MSG_RESULT);
}

/* QUERY rebuild (operator): empty the derived state and read both logs
 * again from the start (PROTOCOL.md §5); progress shows in stats. */
static void query_rebuild(scoring_t *s, const cc_request_t *req, const cc_principal_t *who)
{
    int r;

    if (who == NULL || who->role != CC_ROLE_OPERATOR) {
        cc_router_error(s->router, req, CC_ERR_NOT_AUTHORIZED,
                        "Chỉ người vận hành được dựng lại số liệu", "Only an operator may do this",
                        "q", NULL);
        return;
    }
    /* Synced: the store syncs its meta page lazily, and the operator is
     * told it began. */
    if ((r = sc_state_rebuild(s->state)) < 0 || (r = cc_store_sync(sc_state_store(s->state))) < 0) {
        cc_router_error(s->router, req, CC_ERR_INTERNAL, "Không dựng lại được số liệu",
                        cc_store_strerror(r), NULL, NULL);
        return;
    }
    cc_log(LOG_NOTICE,
           "Rebuilding the derived state from the intake and hotline logs, "
           "asked by %s",
           who->who);
    group_drop(s); /* read before the rebuild: read again */
    for (int f = 0; f < SC_FEED_COUNT_; f++) {
        s->rollback[f][0] = '\0';
        s->behind[f] = true;
        s->feed_alert[f] = FEED_OK; /* the alerts were emptied with the rest */
        sc_feed_restart(s->feeds[f], 0);
    }
    s->resync_pending = true;
    cc_daemon_reply_ok(s->router, req, "scoring");
}

static void handle_query(scoring_t *s, cc_request_t *req, const cc_principal_t *who)
{
    cc_reject_t rej;
    cc_str_t q;
    int r;

    switch (
        cc_daemon_query(s->router, req, who, sc_state_store(s->state), &s->set.d, "scoring", &q)) {
    case CC_QUERY_ANSWERED:
        return;
    case CC_QUERY_CLOCK_SET:
        /* Alerts due by the new time are raised (and published) before the
         * reply, so a test that moves the clock can expect them. */
        run_tick(s, true);
        cc_daemon_reply_ok(s->router, req, "scoring");
        return;
    case CC_QUERY_MINE:
        break;
    }
    if (cc_str_eq(q, "stats")) {
        query_stats(s, req);
    } else if (cc_str_eq(q, "alerts")) {
        sc_watch_query_alerts(s->watch, req, who);
    } else if (cc_str_eq(q, "watch")) {
        sc_watch_subscribe(s->watch, req, who);
    } else if (cc_str_eq(q, "unwatch")) {
        sc_watch_unsubscribe(s->watch, req);
    } else if (cc_str_eq(q, "ack")) {
        sc_watch_ack(s->watch, req, who, cc_clock_now());
    } else if (cc_str_eq(q, "rebuild")) {
        query_rebuild(s, req, who);
    } else if (cc_str_eq(q, "report") || cc_str_eq(q, "table") || cc_str_eq(q, "index") ||
               cc_str_eq(q, "notes")) {
        cc_enc_reset(&s->reply);
        r = (cc_str_eq(q, "report")  ? sc_report_query
             : cc_str_eq(q, "table") ? sc_table_query
             : cc_str_eq(q, "index")
                 ? sc_index_query
                 : sc_notes_query)(s->state, who, &req->msg.body, req->rid, &s->reply, &rej);
        if (r == 0)
            send_reply(s, req, CC_MSG_RESULT);
        else if (r == 1)
            cc_router_error(s->router, req, rej.code, rej.vi, rej.en, rej.field, NULL);
        else
            cc_router_error(s->router, req, CC_ERR_INTERNAL, "Lỗi nội bộ khi lập báo cáo",
                            cc_store_strerror(r), NULL, NULL);
    } else {
        cc_daemon_refuse_query(s->router, req, "scoring", q);
    }
}

/* Take one request; false when none was waiting. */
static bool take_request(scoring_t *s)
{
    cc_request_t req;
    cc_caller_t caller;
    char why[256];
    int r;

    memset(&req, 0, sizeof(req));
    r = cc_router_recv(s->router, &req, why, sizeof(why));
    if (r == -EAGAIN || r == -EINTR)
        return false;
    if (r == CC_EMALFORMED) {
        s->n_malformed++;
        cc_router_error(s->router, &req, CC_ERR_BAD_REQUEST, "Thông điệp sai định dạng", why, NULL,
                        NULL);
        return true;
    }
    if (r < 0)
        return false;
    caller = cc_security_who(s->security, s->sessions, &req);
    if (caller.en) {
        cc_router_error(s->router, &req, CC_ERR_NOT_AUTHORIZED, caller.vi, caller.en, caller.field,
                        NULL);
        cc_request_deinit(&req);
        return true;
    }
    switch (req.msg.type) {
    case CC_MSG_HELLO:
        /* A new identity on the connection ends its subscription (a
         * refused HELLO changes nothing). */
        if (cc_daemon_hello(s->router, s->security, s->sessions, &req, "scoring", 0) == 0)
            sc_watch_forget(s->watch, req.id, req.id_len);
        break;
    case CC_MSG_QUERY:
        handle_query(s, &req, caller.who);
        break;
    default:
        cc_daemon_refuse_message(s->router, &req, "scoring");
        break;
    }
    cc_request_deinit(&req);
    return true;
}

/* ---- Life cycle ------------------------------------------------------------------- */

/* The public key the feed @f reads its source with: 0 with @ret "" for
 * plain (a source on this machine only), 0 with the key, or an error. */
static int feed_key(scoring_t *s, sc_feed_id_t f, const char *endpoint, char *ret, char *err,
                    size_t err_len)
{
    const char *spec = f == SC_FEED_INTAKE ? s->set.intake_key : s->set.hotline_key;
    const char *opt = f == SC_FEED_INTAKE ? "intake_key" : "hotline_key";
    char why[512];

    ret[0] = '\0';
    if (spec == NULL) {
        if (cc_endpoint_is_local(endpoint))
            return 0;
        return cc_fail(-EINVAL, err, err_len,
                       "refusing to read the %s log from %s without CurveZMQ: set %s (and "
                       "security = curve)",
                       sc_feed_name(f), endpoint, opt);
    }
    if (!cc_security_curve(s->security))
        return cc_fail(-EINVAL, err, err_len,
                       "%s needs security = curve: scoring reads the log with its own key pair",
                       opt);
    if (cc_curve_public_get(spec, ret, why, sizeof(why)) < 0)
        return cc_fail(-EINVAL, err, err_len, "%s: %s", opt, why);
    return 0;
}

static int open_all(scoring_t *s, char *err, size_t err_len)
{
    const char *endpoints[SC_FEED_COUNT_] = { s->set.intake, s->set.hotline };
    char path[4096];
    int r;

    if ((r = cc_daemon_load_catalog(s->set.d.catalog_dir, &s->catalog, err, err_len)) < 0)
        return r;
    if ((r = cc_daemon_state_path(s->set.d.state_dir, path, sizeof(path), &s->lock_fd, err,
                                  err_len)) < 0)
        return r;
    if ((r = sc_state_open(path, (size_t)s->set.d.map_size_mb << 20, s->catalog, &s->state, err,
                           err_len)) < 0)
        return r;
    if (sc_state_rebuilt_from(s->state))
        cc_log(LOG_NOTICE,
               "The store held derived state of layout %#llx, this version uses %#llx: emptied "
               "it; rebuilding from the intake and hotline logs from seq 1",
               (unsigned long long)sc_state_rebuilt_from(s->state),
               (unsigned long long)SC_STATE_LAYOUT_CURRENT);
    s->zctx = zmq_ctx_new();
    if ((r = cc_daemon_listen(&s->set.d, s->zctx, &s->security, &s->router, err, err_len)) < 0)
        return r;
    /* A subscriber that is gone or does not read must be told apart
     * (watch.h): sends to it fail instead of vanishing. */
    zmq_setsockopt(s->router, ZMQ_ROUTER_MANDATORY, &(int){ 1 }, sizeof(int));
    s->watch = sc_watch_new(s->router, sc_state_store(s->state), sc_state_alerts(s->state));
    for (int f = 0; f < SC_FEED_COUNT_; f++) {
        char server_key[CC_CURVE_KEY_LEN + 1];
        uint64_t cursor = 0;

        if ((r = feed_key(s, (sc_feed_id_t)f, endpoints[f], server_key, err, err_len)) < 0)
            return r;
        s->feed_ctx[f] = (feed_ctx_t){ s, (sc_feed_id_t)f };
        /* Behind until the source says otherwise (or does not answer). */
        s->behind[f] = true;
        if ((r = sc_state_cursor(s->state, (sc_feed_id_t)f, &cursor)) < 0) {
            snprintf(err, err_len, "cannot read the %s cursor: %s", sc_feed_name((sc_feed_id_t)f),
                     cc_store_strerror(r));
            return r;
        }
        if ((r = sc_feed_new(s->zctx, sc_feed_name((sc_feed_id_t)f), endpoints[f],
                             server_key[0] ? cc_security_keypair(s->security) : NULL,
                             server_key[0] ? server_key : NULL, cursor, take_batch, &s->feed_ctx[f],
                             &s->feeds[f])) < 0) {
            snprintf(err, err_len, "cannot connect to %s at %s: %s", sc_feed_name((sc_feed_id_t)f),
                     endpoints[f], zmq_strerror(-r));
            return r;
        }
        cc_log(LOG_NOTICE, "Reading the %s log at %s after seq %llu%s",
               sc_feed_name((sc_feed_id_t)f), endpoints[f], (unsigned long long)cursor,
               server_key[0] ? " (CurveZMQ)" : "");
    }
    if ((s->sigfd = cc_sig_open()) < 0) {
        r = s->sigfd;
        snprintf(err, err_len, "cannot set up signals: %s", strerror(-r));
        return r;
    }
    return 0;
}

static void close_all(scoring_t *s)
{
    group_drop(s);
    for (int f = 0; f < SC_FEED_COUNT_; f++)
        sc_feed_destroy(&s->feeds[f]);
    sc_watch_destroy(&s->watch);
    if (s->router)
        zmq_close(s->router);
    cc_security_destroy(&s->security);
    if (s->zctx)
        zmq_ctx_term(s->zctx);
    if (s->sigfd >= 0)
        close(s->sigfd);
    sc_state_close(&s->state);
    if (s->lock_fd >= 0)
        close(s->lock_fd);
    cc_catalog_destroy(&s->catalog);
    cc_sessions_destroy(&s->sessions);
    cc_enc_deinit(&s->reply);
    cc_config_free(sc_options, CC_N(sc_options), &s->set);
}

static void on_signal(scoring_t *s, int sig)
{
    if (sig == SIGTERM || sig == SIGINT) {
        s->stop = true;
    } else if (sig == SIGHUP) {
        if (cc_daemon_reload_catalog(s->set.d.catalog_dir, &s->catalog) == 0)
            sc_state_set_catalog(s->state, s->catalog);
        /* The principals file may take keys away or narrow them: every
         * subscription ends, and its client subscribes again under what
         * its key may see now (or is refused). */
        if (cc_security_reload(s->security) == 0 && cc_security_curve(s->security))
            sc_watch_end_all(s->watch, "Danh sách khóa đã được nạp lại: hãy đăng ký theo dõi lại",
                             "The principals file was reloaded: subscribe again");
    }
}

static void loop(scoring_t *s)
{
    uint64_t tick_ms = cc_daemon_tick_ms(s->set.d.tick_ms);
    uint64_t next_tick;
    char line[512];

    next_tick = cc_mono_ms() + tick_ms;
    while (!s->stop) {
        zmq_pollitem_t items[3 + SC_FEED_COUNT_] = {
            { s->router, 0, ZMQ_POLLIN, 0 },
            { NULL, s->sigfd, ZMQ_POLLIN, 0 },
            { cc_security_zap_socket(s->security), -1, ZMQ_POLLIN, 0 },
        };
        uint64_t now_ms = cc_mono_ms();
        uint64_t until = next_tick;
        int sig;

        for (int f = 0; f < SC_FEED_COUNT_; f++) {
            items[3 + f] = (zmq_pollitem_t){ sc_feed_socket(s->feeds[f]), 0, ZMQ_POLLIN, 0 };
            if (sc_feed_deadline_ms(s->feeds[f]) < until)
                until = sc_feed_deadline_ms(s->feeds[f]);
        }
        if (s->group.n && s->group.since_ms + SC_GROUP_MS < until)
            until = s->group.since_ms + SC_GROUP_MS;
        if (s->hold_until_ms && s->hold_until_ms < until)
            until = s->hold_until_ms;
        if (zmq_poll(items, CC_N(items), until > now_ms ? (long)(until - now_ms) : 0) < 0 &&
            errno != EINTR)
            break;
        cc_security_zap_handle(s->security);
        while ((sig = cc_sig_take(s->sigfd)) != 0)
            on_signal(s, sig);
        if (s->stop)
            break;
        now_ms = cc_mono_ms();
        for (int f = 0; f < SC_FEED_COUNT_; f++) {
            if (items[3 + f].revents & ZMQ_POLLIN)
                sc_feed_readable(s->feeds[f], now_ms);
            sc_feed_timer(s->feeds[f], now_ms);
        }
        if (s->group.n && now_ms >= s->group.since_ms + SC_GROUP_MS)
            group_commit(s);
        hold_settle(s, now_ms, false);
        while (take_request(s))
            ;
        sc_watch_tick(s->watch, now_ms);
        if (now_ms >= next_tick) {
            run_tick(s, false);
            cc_sd_watchdog();
            status_line(s, line, sizeof(line));
            cc_sd_status("%s", line);
            next_tick = now_ms + tick_ms;
        }
    }
}

int sc_scoring_main(int argc, char **argv)
{
    scoring_t s = { .sigfd = -1, .lock_fd = -1 };
    char err[1024] = "";
    int r;

    r = cc_daemon_configure("scoring", sc_options, CC_N(sc_options), &s.set, &s.set.d, argc, argv);
    if (r >= 0)
        return r;
    s.sessions = cc_sessions_new(0);
    cc_enc_init(&s.reply);
    s.started_ms = cc_mono_ms();
    if ((r = open_all(&s, err, sizeof(err))) < 0) {
        cc_log(LOG_ERR, "Failed to start: %s", err);
        close_all(&s);
        return 1;
    }
    if (s.set.publish)
        cc_log(LOG_WARNING,
               "Option publish=%s is no longer used: supervisors receive alerts on %s "
               "(QUERY watch); remove it from the configuration",
               s.set.publish, s.set.d.listen);
    cc_log(LOG_NOTICE, "Listening on %s (queries and alert subscriptions), state in %s",
           s.set.d.listen, s.set.d.state_dir);
    cc_sd_ready("ready");
    loop(&s);
    cc_sd_stopping();
    cc_log(LOG_NOTICE, "Stopped");
    close_all(&s);
    return 0;
}
