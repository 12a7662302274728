/*
 * cchc_watch.c - `cchc watch`: a supervisor's live alerts.
 *
 * The zguide's Clone pattern (PROTOCOL.md §5.3): subscribe to the scoring
 * PUB socket first (topic = unit code), then ask scoring for the snapshot
 * of the alerts active now (QUERY q=alerts -> {seq, alerts}), print it, and
 * from then on print the publications whose seq is above the snapshot's.
 * Publications that arrived while the snapshot was being taken are already
 * in it and are skipped by their seq.
 *
 * PUB drops messages for a subscriber that is away or slow, and seq counts
 * the changes of every unit, so a gap cannot be told from a loss. The tool
 * therefore keeps the set of active alerts it has shown and takes a new
 * snapshot whenever the connection to scoring comes back and every
 * RESNAPSHOT_MS: what the new snapshot adds is printed as raised, what it
 * lacks as cleared. The output is always the true list of changes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_json.h"
#include "cc_mem.h"
#include "cchc.h"

#define RESNAPSHOT_MS 60000

const char cchc_help_watch[] =
    "Usage: cchc watch [--units=A,B] [--json] [--count=N] [--timeout=MS]\n"
    "\n"
    "Prints the alerts of your units that are active now, then every alert raised\n"
    "or cleared, one line each, as they happen (role supervisor):\n"
    "  2025-03-10 17:00 RAISE warning dossier_overdue H-BIENHOA HS-001: <text>\n"
    "  2025-03-11 09:12 CLEAR warning dossier_overdue H-BIENHOA HS-001: <text>\n"
    "(the time of a raise is when it was raised; of a clear, when it was cleared\n"
    "if scoring says so, else when it was raised).\n"
    "With --json, one JSON object per line: {\"seq\":S,\"op\":\"raise\"|\"clear\",\n"
    "\"alert\":{...}}, with \"snapshot\":true for changes found in a snapshot; times\n"
    "are Unix seconds as on the wire.\n"
    "A new snapshot is taken when the connection to scoring comes back and every\n"
    "minute, so that alerts lost by the publisher still show.\n"
    "\n"
    "Options:\n"
    "  --units=A,B   the units to follow (default: the global --units, * = all)\n"
    "  --json        JSON lines instead of text\n"
    "  --count=N     exit (status 0) after N lines, the snapshot included\n"
    "  --timeout=MS  reply timeout of the snapshot query, and also: exit with status\n"
    "                3 when no alert line comes for MS ms (without it, wait forever)\n"
    "Alerts come from cchc-scoringd: queries at --scoring, publications at --alerts.\n";

typedef struct {
    const cc_cli_t *cli;
    cc_client_t *c;
    bool json;
    bool all_units;
    size_t n_units;
    char units[CC_MAX_UNITS][CC_MAX_CODE + 1];
    uint64_t count; /* 0 = unlimited */
    uint64_t printed;
    uint64_t seq;   /* last change applied (snapshot or publication) */
    json_t *active; /* alert id -> alert, as shown */
    uint64_t last_line_ms;
} watch_t;

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

static const char *jstr(const json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));

    return s ? s : "";
}

/* Subscriptions match topic prefixes; keep only our units' alerts. */
static bool ours(const watch_t *w, const json_t *alert)
{
    const char *unit = jstr(alert, "unit");

    if (w->all_units)
        return true;
    for (size_t i = 0; i < w->n_units; i++)
        if (strcmp(w->units[i], unit) == 0)
            return true;
    return false;
}

/* Print one change; returns true when --count is reached. */
static bool print_change(watch_t *w, uint64_t seq, const char *op, json_t *alert, int64_t at,
                         bool snapshot)
{
    bool clear = strcmp(op, "clear") == 0;

    if (w->json) {
        json_t *o = json_object();

        json_object_set_new(o, "seq", json_integer((json_int_t)seq));
        json_object_set_new(o, "op", json_string(op));
        if (snapshot)
            json_object_set_new(o, "snapshot", json_true());
        json_object_set(o, "alert", alert);
        cc_json_print(stdout, o);
    } else {
        const char *subject = jstr(alert, "subject");
        const char *sev = jstr(alert, "severity");
        const char *kind = jstr(alert, "kind");
        const char *unit = jstr(alert, "unit");
        char when[32];

        if (at == 0)
            at = json_integer_value(json_object_get(alert, "raised_at"));
        cchc_format_local(at, when, sizeof(when));
        printf("%s %s %s %s %s%s%s: ", when, clear ? "CLEAR" : "RAISE", sev[0] ? sev : "-",
               kind[0] ? kind : "-", unit[0] ? unit : "-", subject[0] ? " " : "", subject);
        fputs(jstr(alert, "text"), stdout);
        putchar('\n');
    }
    fflush(stdout);
    w->printed++;
    w->last_line_ms = now_ms();
    return w->count && w->printed >= w->count;
}

/* Take a snapshot and print how it differs from what was shown. Later
 * snapshots say HELLO first (scoring may have restarted and forgotten us).
 * @first: the first snapshot, whose failure ends the command; a later one
 *   that fails is reported and tried again at the next occasion.
 * @ret_done: set when --count is reached.
 * Returns 0 or the exit status. */
static int snapshot(watch_t *w, bool first, bool *ret_done)
{
    cc_client_error_t err;
    cc_msg_t snap = { 0 };
    const msgpack_object *alerts;
    json_t *now_active = NULL;
    uint64_t seq;
    const char *id;
    json_t *a;
    void *tmp;
    int r;

    *ret_done = false;
    r = first ? 0 : cc_client_hello(w->c, "supervisor", w->cli->who, w->cli->units, NULL, &err);
    if (r == 0)
        r = cc_client_query(w->c, "alerts", NULL, 0, &snap, &err);
    if (r == 0 && (cc_map_u64(&snap.body, "seq", &seq) < 0 ||
                   (alerts = cc_map_find(&snap.body, "alerts")) == NULL ||
                   alerts->type != MSGPACK_OBJECT_ARRAY))
        r = CC_EMALFORMED;
    if (r != 0) {
        if (first) {
            r = cchc_fail(CC_EP_SCORING, w->c, r, &err);
        } else {
            fprintf(stderr,
                    "cchc: watch: could not refresh the snapshot from scoring at %s "
                    "(%s); still listening\n",
                    cc_client_endpoint(w->c),
                    r == -ETIMEDOUT ? "no reply"
                    : r == 1        ? err.en
                                    : "bad reply");
            r = 0;
        }
        goto out;
    }
    now_active = json_object();
    for (uint32_t i = 0; i < alerts->via.array.size; i++) {
        const msgpack_object *o = &alerts->via.array.ptr[i];

        if (o->type != MSGPACK_OBJECT_MAP)
            continue;
        a = cc_json_from_msgpack(o, 0);
        if (ours(w, a) && jstr(a, "id")[0])
            json_object_set(now_active, jstr(a, "id"), a);
        json_decref(a);
    }
    /* What the snapshot lacks was cleared while we could not hear it. */
    json_object_foreach_safe(w->active, tmp, id, a)
    {
        if (json_object_get(now_active, id) == NULL) {
            if (print_change(w, seq, "clear", a, 0, true))
                *ret_done = true;
            json_object_del(w->active, id);
            if (*ret_done)
                goto done;
        }
    }
    json_object_foreach(now_active, id, a)
    {
        if (json_object_get(w->active, id) == NULL) {
            json_object_set(w->active, id, a);
            if (print_change(w, seq, "raise", a, 0, true)) {
                *ret_done = true;
                goto done;
            }
        }
    }
done:
    w->seq = seq;
    r = 0;
out:
    json_decref(now_active);
    cc_msg_deinit(&snap);
    return r;
}

/* Apply one publication. Returns 0 or the exit status of a protocol error;
 * sets *ret_done when --count is reached. */
static int publication(watch_t *w, cc_msg_t *msg, bool *ret_done)
{
    const msgpack_object *alert = cc_map_find(&msg->body, "alert");
    char op[16];
    uint64_t seq;
    int64_t at = 0;
    json_t *a;
    const char *id;
    bool clear;

    *ret_done = false;
    if (msg->type != CC_MSG_ALERT)
        return 0; /* not for us (forward compatibility) */
    if (cc_map_u64(&msg->body, "seq", &seq) < 0 ||
        cc_map_strcpy(&msg->body, "op", op, sizeof(op)) < 0 || alert == NULL ||
        alert->type != MSGPACK_OBJECT_MAP)
        return cchc_fail(CC_EP_ALERTS, w->c, CC_EMALFORMED, NULL);
    if (seq <= w->seq)
        return 0; /* already in the snapshot */
    w->seq = seq;
    a = cc_json_from_msgpack(alert, 0);
    id = jstr(a, "id");
    clear = strcmp(op, "clear") == 0;
    if (ours(w, a)) {
        if (clear) {
            json_object_del(w->active, id);
            if (cc_map_i64(alert, "cleared_at", &at) < 0)
                cc_map_i64(&msg->body, "at", &at);
        } else {
            json_object_set(w->active, id, a);
        }
        *ret_done = print_change(w, seq, clear ? "clear" : "raise", a, at, false);
    }
    json_decref(a);
    return 0;
}

int cchc_cmd_watch(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "json", "count=", NULL };
    const char *topics[CC_MAX_UNITS];
    watch_t *w;
    cc_sub_t *sub = NULL;
    uint64_t next_snapshot;
    char why[256];
    const char *v;
    bool done = false;
    int status, r;

    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0)
        return cchc_usage_error("watch", "%s", why);
    if (cli->n_args > 0)
        return cchc_usage_error("watch", "watch takes no arguments");
    w = cc_xcalloc(1, sizeof(*w));
    w->cli = cli;
    w->json = cc_cli_opt(cli, "json", NULL);
    w->active = json_object();
    if (cc_cli_opt(cli, "count", &v) && cc_cli_uint(v, 1, UINT32_MAX, &w->count) < 0) {
        status = cchc_usage_error("watch", "--count=%s: expected a positive number", v);
        goto out;
    }
    if (cc_units_parse(cli->units, w->units, CC_MAX_UNITS, &w->n_units) < 0) {
        status = cchc_usage_error("watch", "--units=%s: not a list of unit codes", cli->units);
        goto out;
    }
    w->all_units = strcmp(w->units[0], "*") == 0;
    for (size_t i = 0; i < w->n_units; i++)
        topics[i] = w->all_units ? "" : w->units[i];

    /* HELLO first: it tells at once whether scoring is there. */
    status = cchc_connect(cli, CC_EP_SCORING, "supervisor", cli->units, &w->c);
    if (status != CCHC_EXIT_OK)
        goto out;
    r = cc_sub_new(cc_client_context(w->c), cli->endpoint[CC_EP_ALERTS], topics, w->n_units,
                   cc_client_timeout(w->c), &sub);
    if (r < 0) {
        status = r == -EINVAL ? cchc_usage_error("watch", "--alerts=%s is not a ZeroMQ endpoint",
                                                 cli->endpoint[CC_EP_ALERTS])
                              : cchc_fail(CC_EP_ALERTS, w->c, r, NULL);
        goto out;
    }
    if ((status = snapshot(w, true, &done)) != 0 || done)
        goto out;
    w->last_line_ms = now_ms();
    next_snapshot = now_ms() + RESNAPSHOT_MS;

    for (;;) {
        char topic[CC_MAX_CODE + 1];
        cc_msg_t msg = { 0 };
        uint64_t now = now_ms();
        uint64_t until = next_snapshot;

        if (cli->timeout_set && w->last_line_ms + (uint64_t)cli->timeout_ms < until)
            until = w->last_line_ms + (uint64_t)cli->timeout_ms;
        r = cc_sub_recv(sub, until > now ? (int)(until - now) : 0, topic, sizeof(topic), &msg);
        if (r == 0) {
            status = publication(w, &msg, &done);
            cc_msg_deinit(&msg);
            if (status != 0 || done)
                goto out;
        } else if (r == -ECONNRESET) {
            /* back after a break: what was published meanwhile is lost */
            next_snapshot = now_ms();
        } else if (r != -ETIMEDOUT && r != -EINTR) {
            status = cchc_fail(CC_EP_ALERTS, w->c, r, NULL);
            goto out;
        }
        now = now_ms();
        if (cli->timeout_set && now >= w->last_line_ms + (uint64_t)cli->timeout_ms) {
            fprintf(stderr, "cchc: watch: no alert within %d ms\n", cli->timeout_ms);
            status = CCHC_EXIT_UNREACHABLE;
            goto out;
        }
        if (now >= next_snapshot) {
            if ((status = snapshot(w, false, &done)) != 0 || done)
                goto out;
            next_snapshot = now_ms() + RESNAPSHOT_MS;
        }
    }
out:
    cc_sub_destroy(&sub);
    cc_client_destroy(&w->c);
    json_decref(w->active);
    free(w);
    return status;
}
