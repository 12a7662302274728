/*
 * cchc_watch.c - supervisors' alerts: `cchc watch` (live), `cchc alerts`
 * (the active ones, once) and `cchc ack` (acknowledge one).
 *
 * `watch` subscribes on scoring's ROUTER (PROTOCOL.md §5.3): QUERY watch,
 * then ALERT messages on the same connection: snapshot pages, changes,
 * summaries, heartbeats. The server sends only the alerts of the asker's
 * units, matched exactly. The tool keeps the set of alerts it has shown;
 * every snapshot (at the start, after scoring caught up with its sources,
 * after a reconnection) is compared with it, so that what appeared or
 * went while the tool could not hear is printed too, marked as found in a
 * snapshot. When scoring is not up yet, or goes away, the tool waits and
 * subscribes again.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_json.h"
#include "cc_mem.h"
#include "cc_vocab.h"
#include "cchc.h"
#include "cc_time.h"

#define RETRY_MS 1000 /* between attempts to reach scoring */
#define DEFAULT_HEARTBEAT_MS 5000
#define WATCH_DONE (-1) /* on_alert: --count is reached */

const char cchc_help_watch[] =
    "Usage: cchc watch [--unit=A,B] [--kind=K,K] [--severity=S] [--summary] [--json]\n"
    "                  [--count=N] [--timeout=MS]\n"
    "\n"
    "Prints the alerts of your units that are active now, then every alert raised,\n"
    "cleared or acknowledged, one line each, as they happen (role supervisor):\n"
    "  2025-03-10 17:00 ACTIVE warning dossier_overdue H-BIENHOA HS-001: <text>\n"
    "  2025-03-11 09:12 CLEAR  warning dossier_overdue H-BIENHOA HS-001: <text>\n"
    "ACTIVE, GONE and ACKED are what a snapshot showed (at the start, or after a\n"
    "break: active now / cleared / acknowledged meanwhile); RAISE, CLEAR and ACK\n"
    "happen live. The time of a\n"
    "raise is when its condition became true, of a clear or an acknowledgement when\n"
    "it was seen. scoring sends only the alerts of your units (exact unit codes).\n"
    "With --json, one JSON object per line: {\"seq\":S,\"op\":\"raise\"|\"clear\"|\"ack\",\n"
    "\"alert\":{...}}, with \"snapshot\":true for changes found in a snapshot.\n"
    "With --summary, the counts per unit, kind and severity instead, printed again\n"
    "when they change.\n"
    "When scoring is not up, watch waits for it; when it goes away, watch subscribes\n"
    "again when it is back.\n"
    "\n"
    "Options:\n"
    "  --unit=A,B      only these of your units (default: all of your --units)\n"
    "  --kind=K,K      only these kinds (dossier_overdue, pakn_escalated, ...)\n"
    "  --severity=S    only this severity and above (info, warning, critical)\n"
    "  --summary       counts per unit, kind and severity\n"
    "  --role=R        supervisor (default) or operator: every unit, scoring's own alerts\n"
    "  --json          JSON lines instead of text\n"
    "  --count=N       exit (status 0) after N lines, the snapshot included\n"
    "  --timeout=MS    exit with status 3 when no alert line comes for MS ms (and\n"
    "                  when scoring cannot be reached for that long)\n";

const char cchc_help_alerts[] =
    "Usage: cchc alerts [--unit=A,B] [--kind=K,K] [--severity=S] [--summary] [--role=R]\n"
    "                   [--json]\n"
    "\n"
    "Prints the alerts of your units active now, once, as `cchc watch` prints its\n"
    "snapshot (role supervisor); --summary prints their counts per unit, kind and\n"
    "severity instead. Options as for `cchc watch`.\n";

const char cchc_help_ack[] =
    "Usage: cchc ack ALERT-ID [--note=TEXT] [--json]\n"
    "\n"
    "Acknowledges an active alert of your units (role supervisor): scoring keeps who\n"
    "and when, with the note, and every subscriber sees it. ALERT-ID is the alert's id\n"
    "as `cchc alerts --json` or `cchc watch --json` print it, e.g.\n"
    "dossier_overdue:SO-TP-250303-0001. An alert that clears and comes back is a new\n"
    "alert, to be acknowledged again. --role=operator acknowledges as an operator.\n";

typedef struct {
    const cc_cli_t *cli;
    cc_client_t *c;
    bool json, summary;
    uint64_t count; /* 0 = unlimited */
    uint64_t printed;
    uint64_t rid;     /* of the current watch request */
    uint64_t seq;     /* last change shown */
    json_t *active;   /* alert id -> alert, as shown */
    json_t *incoming; /* a snapshot being received */
    uint64_t last_line_ms, last_heard_ms;
    bool stale;       /* scoring said it is behind its sources */
    const char *role; /* supervisor or operator */
    int heartbeat_ms;
    cc_enc_t filter; /* the filter pairs of the request */
} watch_t;

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* ---- Filter options ---------------------------------------------------------------- */

/* Encode the filter pairs (units, kinds, severity, summary) of the command
 * line into @out. Returns 0 or the usage error's exit status. */
static int encode_filter(const cc_cli_t *cli, const char *cmd, cc_enc_t *out, bool *ret_summary)
{
    char units[CC_MAX_UNITS][CC_MAX_CODE + 1], list[512];
    const char *only = cli->units, *v;
    size_t n = 0;

    /* --unit narrows the view within the scope (--units, the identity). */
    if (cc_cli_opt(cli, "unit", &v) && v)
        only = v;
    if (cc_units_parse(only, units, CC_MAX_UNITS, &n) < 0)
        return cchc_usage_error(cmd, "--unit=%s: not a list of unit codes", only);
    cc_enc_str(out, "units");
    cc_enc_array(out, n);
    for (size_t i = 0; i < n; i++)
        cc_enc_str(out, units[i]);
    if (cc_cli_opt(cli, "kind", &v)) {
        char kinds[32][CC_MAX_CODE + 1];
        size_t k = 0;

        if (v == NULL || cc_units_parse(v, kinds, 32, &k) < 0 || strcmp(kinds[0], "*") == 0)
            goto bad_kind;
        for (size_t i = 0; i < k; i++)
            if (cc_vocab_find(&cc_alert_kinds, 0, kinds[i], strlen(kinds[i])) < 0)
                goto bad_kind;
        cc_enc_str(out, "kinds");
        cc_enc_array(out, k);
        for (size_t i = 0; i < k; i++)
            cc_enc_str(out, kinds[i]);
    }
    if (cc_cli_opt(cli, "severity", &v)) {
        if (v == NULL || cc_vocab_find(&cc_severities, 0, v, strlen(v)) < 0)
            return cchc_usage_error(cmd, "--severity: one of %s",
                                    cc_vocab_list(&cc_severities, 0, ", ", list, sizeof(list)));
        cc_enc_kv_str(out, "severity", v);
    }
    *ret_summary = cc_cli_opt(cli, "summary", NULL);
    if (*ret_summary)
        cc_enc_kv_bool(out, "summary", true);
    return 0;
bad_kind:
    return cchc_usage_error(cmd, "--kind: a list of alert kinds: %s",
                            cc_vocab_list(&cc_alert_kinds, 0, ", ", list, sizeof(list)));
}

/* The role to say HELLO as: --role=supervisor (the default) or operator.
 * Returns it, or NULL after a usage error (*@ret_status set). */
static const char *role_of(const cc_cli_t *cli, const char *cmd, int *ret_status)
{
    const char *v;

    if (!cc_cli_opt(cli, "role", &v))
        return "supervisor";
    if (v && (strcmp(v, "supervisor") == 0 || strcmp(v, "operator") == 0))
        return v;
    *ret_status = cchc_usage_error(cmd, "--role: supervisor or operator");
    return NULL;
}

/* ---- Printing -------------------------------------------------------------------------- */

/* Print one change; returns true when --count is reached. @op is the
 * wire op (raise, clear, ack); @snapshot marks one found in a snapshot. */
static bool print_change(watch_t *w, uint64_t seq, const char *op, json_t *alert, bool snapshot)
{
    if (w->json) {
        json_t *o = json_object();

        json_object_set_new(o, "seq", json_integer((json_int_t)seq));
        json_object_set_new(o, "op", json_string(op));
        if (snapshot)
            json_object_set_new(o, "snapshot", json_true());
        json_object_set(o, "alert", alert);
        cc_json_print(stdout, o); /* takes @o */
    } else {
        const char *subject = jstr(alert, "subject");
        const char *sev = jstr(alert, "severity");
        const char *kind = jstr(alert, "kind");
        const char *unit = jstr(alert, "unit");
        const json_t *ack = json_object_get(alert, "ack");
        const char *word = strcmp(op, "clear") == 0 ? (snapshot ? "GONE  " : "CLEAR ")
                           : strcmp(op, "ack") == 0 ? (snapshot ? "ACKED " : "ACK   ")
                           : snapshot               ? "ACTIVE"
                                                    : "RAISE ";
        int64_t at = json_integer_value(json_object_get(alert, "raised_at"));
        char when[32];

        if (strcmp(op, "raise") != 0)
            at = (int64_t)time(NULL);
        cchc_format_local(at, when, sizeof(when));
        printf("%s %s %s %s %s%s%s: %s", when, word, sev[0] ? sev : "-", kind[0] ? kind : "-",
               unit[0] ? unit : "-", subject[0] ? " " : "", subject, jstr(alert, "text"));
        if (ack) {
            char ack_when[32];

            cchc_format_local(json_integer_value(json_object_get(ack, "at")), ack_when,
                              sizeof(ack_when));
            printf(" [đã xác nhận / acknowledged: %s %s%s%s]", jstr(ack, "by"), ack_when,
                   jstr(ack, "note")[0] ? ": " : "", jstr(ack, "note"));
        }
        putchar('\n');
    }
    fflush(stdout);
    w->printed++;
    w->last_line_ms = cc_mono_ms();
    return w->count && w->printed >= w->count;
}

/* Print a summary message's counts. */
static bool print_summary(watch_t *w, const msgpack_object *body)
{
    const msgpack_object *rows = cc_map_find(body, "summary");
    uint64_t total = 0;

    if (w->json) {
        json_t *o = cc_json_from_msgpack(body, 0);

        json_object_del(o, "rid");
        cc_json_print(stdout, o); /* takes @o */
    } else {
        cc_map_u64(body, "total", &total);
        printf("%-14s %-26s %-9s %8s %8s\n", "unit", "kind", "severity", "count", "acked");
        for (uint32_t i = 0; rows && rows->type == MSGPACK_OBJECT_ARRAY && i < rows->via.array.size;
             i++) {
            const msgpack_object *r = &rows->via.array.ptr[i];
            char unit[CC_MAX_CODE + 1] = "", kind[CC_MAX_CODE + 1] = "", sev[16] = "";
            uint64_t n = 0, acked = 0;

            cc_map_strcpy(r, "unit", unit, sizeof(unit));
            cc_map_strcpy(r, "kind", kind, sizeof(kind));
            cc_map_strcpy(r, "severity", sev, sizeof(sev));
            cc_map_u64(r, "count", &n);
            cc_map_u64(r, "acked", &acked);
            printf("%-14s %-26s %-9s %8llu %8llu\n", unit[0] ? unit : "-", kind, sev,
                   (unsigned long long)n, (unsigned long long)acked);
        }
        printf("total / tổng: %llu\n", (unsigned long long)total);
    }
    fflush(stdout);
    w->printed++;
    w->last_line_ms = cc_mono_ms();
    return w->count && w->printed >= w->count;
}

/* ---- The view ---------------------------------------------------------------------------- */

/* A complete snapshot (w->incoming) replaces the view: print what it adds
 * and what it lacks. Returns true when --count is reached. */
static bool apply_snapshot(watch_t *w, uint64_t seq)
{
    const char *id;
    json_t *a;
    void *tmp;
    bool done = false;

    json_object_foreach_safe(w->active, tmp, id, a)
    {
        if (!done && json_object_get(w->incoming, id) == NULL) {
            done = print_change(w, seq, "clear", a, true);
            json_object_del(w->active, id);
        }
    }
    json_object_foreach(w->incoming, id, a)
    {
        json_t *old = json_object_get(w->active, id);

        if (done)
            break;
        if (old == NULL)
            done = print_change(w, seq, "raise", a, true);
        else if (json_object_get(a, "ack") &&
                 !json_equal(json_object_get(old, "ack"), json_object_get(a, "ack")))
            done = print_change(w, seq, "ack", a, true); /* acknowledged meanwhile */
        json_object_set(w->active, id, a);
    }
    json_object_clear(w->incoming);
    w->seq = seq;
    return done;
}

static int subscribe_waiting(watch_t *w, const cc_enc_t *pairs);

/* One ALERT message of the subscription. Returns 0, WATCH_DONE when --count is
 * reached, or the exit status of a protocol error. */
static int on_alert(watch_t *w, const cc_msg_t *m)
{
    const msgpack_object *alert = cc_map_find(&m->body, "alert");
    char op[16] = "";
    uint64_t seq = 0;
    json_t *a;
    bool done = false;

    if (cc_map_u64(&m->body, "seq", &seq) < 0 || cc_map_strcpy(&m->body, "op", op, sizeof(op)) < 0)
        return cchc_fail(CC_EP_SCORING, w->c, CC_EMALFORMED, NULL);
    if (strcmp(op, "ended") == 0) {
        char en[256] = "";

        cc_map_strcpy(&m->body, "en", en, sizeof(en));
        fprintf(stderr, "cchc: watch: scoring ended the subscription (%s); subscribing again\n",
                en);
        return subscribe_waiting(w, &w->filter);
    }
    if (strcmp(op, "heartbeat") == 0) {
        bool stale = false;

        cc_map_bool(&m->body, "stale", &stale);
        if (stale != w->stale)
            fprintf(stderr, "%s",
                    stale
                        ? "cchc: watch: scoring đang chậm so với nguồn, cảnh báo có thể đến muộn / "
                          "scoring is behind its sources: alerts may come late\n"
                        : "cchc: watch: scoring đã cập nhật kịp nguồn / scoring caught up\n");
        w->stale = stale;
        return 0;
    }
    if (strcmp(op, "summary") == 0)
        return print_summary(w, &m->body) ? WATCH_DONE : 0;
    if (strcmp(op, "snapshot") == 0) {
        const msgpack_object *alerts = cc_map_find(&m->body, "alerts");
        uint64_t page = 0;
        bool last = false;

        cc_map_u64(&m->body, "page", &page);
        cc_map_bool(&m->body, "last", &last);
        if (alerts == NULL || alerts->type != MSGPACK_OBJECT_ARRAY)
            return cchc_fail(CC_EP_SCORING, w->c, CC_EMALFORMED, NULL);
        if (page == 0)
            json_object_clear(w->incoming);
        for (uint32_t i = 0; i < alerts->via.array.size; i++) {
            a = cc_json_from_msgpack(&alerts->via.array.ptr[i], 0);
            if (jstr(a, "id")[0])
                json_object_set(w->incoming, jstr(a, "id"), a);
            json_decref(a);
        }
        return last && apply_snapshot(w, seq) ? WATCH_DONE : 0;
    }
    if (alert == NULL || alert->type != MSGPACK_OBJECT_MAP)
        return 0; /* an op of a later version */
    if (seq <= w->seq)
        return 0;
    w->seq = seq;
    a = cc_json_from_msgpack(alert, 0);
    if (strcmp(op, "clear") == 0)
        json_object_del(w->active, jstr(a, "id"));
    else
        json_object_set(w->active, jstr(a, "id"), a);
    if (strcmp(op, "raise") == 0 || strcmp(op, "clear") == 0 || strcmp(op, "ack") == 0)
        done = print_change(w, seq, op, a, false);
    json_decref(a);
    return done ? WATCH_DONE : 0;
}

/* Wait for scoring (printing once that we do), then subscribe. Returns 0,
 * or the exit status to end with. */
static int subscribe_waiting(watch_t *w, const cc_enc_t *pairs)
{
    uint64_t start = cc_mono_ms();
    bool said = false;

    for (;;) {
        cc_client_error_t err;
        cc_msg_t m = { 0 };
        int r, hb = DEFAULT_HEARTBEAT_MS;

        cc_client_destroy(&w->c);
        if ((r = cchc_connect(w->cli, CC_EP_SCORING, NULL, NULL, &w->c)) != CCHC_EXIT_OK)
            return r;
        r = cchc_hello(w->cli, CC_EP_SCORING, w->c, w->role, w->cli->units, &err);
        if (r == 0)
            r = cc_client_query(w->c, "watch", pairs->buf.data, pairs->buf.size, &m, &err);
        if (r == 0) {
            int64_t v = 0;

            cc_map_u64(&m.body, "rid", &w->rid);
            if (cc_map_i64(&m.body, "heartbeat_ms", &v) == 0 && v > 0 && v < 600000)
                hb = (int)v;
            w->heartbeat_ms = hb;
            w->last_heard_ms = cc_mono_ms();
            cc_msg_deinit(&m);
            if (said)
                fprintf(stderr, "cchc: watch: subscribed to %s\n", cc_client_endpoint(w->c));
            return 0;
        }
        cc_msg_deinit(&m);
        if (r != -ETIMEDOUT)
            return cchc_fail(CC_EP_SCORING, w->c, r, &err);
        if (w->cli->timeout_set && cc_mono_ms() - start >= (uint64_t)w->cli->timeout_ms)
            return cchc_fail(CC_EP_SCORING, w->c, r, NULL);
        if (!said) {
            fprintf(stderr,
                    "cchc: watch: waiting for %s at %s (not answering yet); retrying every "
                    "%d ms\n",
                    cchc_daemon_program(CC_EP_SCORING), w->cli->endpoint[CC_EP_SCORING], RETRY_MS);
            said = true;
        }
        /* The HELLO above already waited the client's timeout. */
        nanosleep(&(struct timespec){ 0, RETRY_MS * 1000000L }, NULL);
    }
}

static watch_t *watch_new(const cc_cli_t *cli)
{
    watch_t *w = cc_xcalloc(1, sizeof(*w));

    w->cli = cli;
    w->json = cc_cli_opt(cli, "json", NULL);
    w->active = json_object();
    w->incoming = json_object();
    cc_enc_init(&w->filter);
    return w;
}

static void watch_destroy(watch_t *w)
{
    cc_client_destroy(&w->c);
    json_decref(w->active);
    json_decref(w->incoming);
    cc_enc_deinit(&w->filter);
    free(w);
}

int cchc_cmd_watch(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "json",    "count=", "kind=", "severity=",
                                           "summary", "unit=",  "role=", NULL };
    watch_t *w;
    char why[256];
    const char *v;
    int status, r;

    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0)
        return cchc_usage_error("watch", "%s", why);
    if (cli->n_args > 0)
        return cchc_usage_error("watch", "watch takes no arguments");
    w = watch_new(cli);
    if ((w->role = role_of(cli, cli->command, &status)) == NULL)
        goto out;
    if (cc_cli_opt(cli, "count", &v) && cc_cli_uint(v, 1, UINT32_MAX, &w->count) < 0) {
        status = cchc_usage_error("watch", "--count=%s: expected a positive number", v);
        goto out;
    }
    if ((status = encode_filter(cli, "watch", &w->filter, &w->summary)) != 0 ||
        (status = subscribe_waiting(w, &w->filter)) != 0)
        goto out;
    w->last_line_ms = cc_mono_ms();
    for (;;) {
        cc_msg_t m = { 0 };
        uint64_t now = cc_mono_ms(), rid = 0;
        uint64_t until = w->last_heard_ms + 3u * (uint64_t)w->heartbeat_ms;

        if (cli->timeout_set && w->last_line_ms + (uint64_t)cli->timeout_ms < until)
            until = w->last_line_ms + (uint64_t)cli->timeout_ms;
        r = cc_client_recv(w->c, until > now ? (int)(until - now) : 0, &m, &rid);
        if (r == 0) {
            w->last_heard_ms = cc_mono_ms();
            if (m.type == CC_MSG_ALERT && rid == w->rid)
                status = on_alert(w, &m);
            cc_msg_deinit(&m);
            if (status == WATCH_DONE) {
                status = CCHC_EXIT_OK;
                goto out;
            }
            if (status != 0)
                goto out;
        } else if (r != -ETIMEDOUT && r != -EINTR && r != -EAGAIN) {
            status = cchc_fail(CC_EP_SCORING, w->c, r, NULL);
            goto out;
        }
        now = cc_mono_ms();
        if (cli->timeout_set && now >= w->last_line_ms + (uint64_t)cli->timeout_ms) {
            fprintf(stderr, "cchc: watch: no alert within %d ms\n", cli->timeout_ms);
            status = CCHC_EXIT_UNREACHABLE;
            goto out;
        }
        if (now >= w->last_heard_ms + 3u * (uint64_t)w->heartbeat_ms) {
            fprintf(stderr,
                    "cchc: watch: nothing from %s for %d ms (not even a heartbeat); "
                    "subscribing again\n",
                    w->cli->endpoint[CC_EP_SCORING], 3 * w->heartbeat_ms);
            if ((status = subscribe_waiting(w, &w->filter)) != 0)
                goto out;
        }
    }
out:
    watch_destroy(w);
    return status;
}

int cchc_cmd_alerts(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "json",  "kind=", "severity=", "summary",
                                           "unit=", "role=", NULL };
    char after[CC_MAX_ID * 2 + 2 * CC_MAX_CODE] = "";
    watch_t *w;
    char why[256];
    int status;

    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0)
        return cchc_usage_error("alerts", "%s", why);
    if (cli->n_args > 0)
        return cchc_usage_error("alerts", "alerts takes no arguments");
    w = watch_new(cli);
    if ((w->role = role_of(cli, cli->command, &status)) == NULL)
        goto out;
    if ((status = encode_filter(cli, "alerts", &w->filter, &w->summary)) != 0)
        goto out;
    /* Page through them: `after` the last id of the previous page. */
    for (;;) {
        const msgpack_object *alerts;
        cc_msg_t m = { 0 };
        cc_enc_t pairs;
        uint64_t seq = 0;
        bool more = false;

        cc_enc_init(&pairs);
        cc_enc_raw(&pairs, w->filter.buf.data, w->filter.buf.size);
        if (after[0])
            cc_enc_kv_str(&pairs, "after", after);
        status = cchc_query(cli, CC_EP_SCORING, w->role, "alerts", &pairs, &m);
        cc_enc_deinit(&pairs);
        if (status != CCHC_EXIT_OK)
            goto out;
        cc_map_u64(&m.body, "seq", &seq);
        if (w->summary) {
            print_summary(w, &m.body);
            cc_msg_deinit(&m);
            goto out;
        }
        alerts = cc_map_find(&m.body, "alerts");
        for (uint32_t i = 0;
             alerts && alerts->type == MSGPACK_OBJECT_ARRAY && i < alerts->via.array.size; i++) {
            json_t *a = cc_json_from_msgpack(&alerts->via.array.ptr[i], 0);

            print_change(w, seq, "raise", a, true);
            json_decref(a);
        }
        cc_map_bool(&m.body, "more", &more);
        if (!more || cc_map_strcpy(&m.body, "next", after, sizeof(after)) < 0 || !after[0]) {
            cc_msg_deinit(&m);
            break;
        }
        cc_msg_deinit(&m);
    }
out:
    watch_destroy(w);
    return status;
}

int cchc_cmd_ack(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "json", "note=", "role=", NULL };
    const char *note = NULL, *role;
    cc_enc_t pairs;
    cc_msg_t m = { 0 };
    char why[256];
    int status = 0;

    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0)
        return cchc_usage_error("ack", "%s", why);
    if ((role = role_of(cli, "ack", &status)) == NULL)
        return status;
    if (cli->n_args != 1)
        return cchc_usage_error("ack", "usage: cchc ack ALERT-ID [--note=TEXT]");
    if (cc_cli_opt(cli, "note", &note) && (note == NULL || strlen(note) > 512))
        return cchc_usage_error("ack", "--note: a text of 1 to 512 bytes");
    cc_enc_init(&pairs);
    cc_enc_kv_str(&pairs, "id", cli->args[0]);
    if (note)
        cc_enc_kv_str(&pairs, "note", note);
    status = cchc_query(cli, CC_EP_SCORING, role, "ack", &pairs, &m);
    cc_enc_deinit(&pairs);
    if (status == CCHC_EXIT_OK) {
        if (cc_cli_opt(cli, "json", NULL))
            cchc_print_json(&m.body);
        else
            printf("ok: đã xác nhận cảnh báo / acknowledged %s\n", cli->args[0]);
        cc_msg_deinit(&m);
    }
    return status;
}
