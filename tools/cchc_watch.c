/*
 * cchc_watch.c - `cchc watch`: a supervisor's live alerts.
 *
 * The zguide's Clone pattern: subscribe to the scoring PUB socket first
 * (topic = unit code), then ask scoring for the snapshot of the alerts
 * active now (QUERY q=alerts -> {seq, alerts}), print it, and from then on
 * print the publications whose seq is above the snapshot's. Publications
 * that arrived while the snapshot was being taken are already in the
 * snapshot and are skipped by their seq, so nothing is shown twice and
 * nothing between the two is lost.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_json.h"
#include "cchc.h"

const char cchc_help_watch[] =
    "Usage: cchc watch [--units=A,B] [--json] [--count=N] [--timeout=MS]\n"
    "\n"
    "Prints the alerts of your units that are active now, then every alert raised\n"
    "or cleared, one line each, as they happen (role supervisor):\n"
    "  2025-03-10 17:00 RAISE critical dossier_overdue H-BIENHOA HS-001: <text>\n"
    "  2025-03-11 09:12 CLEAR critical dossier_overdue H-BIENHOA HS-001: <text>\n"
    "With --json, one JSON object per line: {\"seq\":S,\"op\":\"raise\"|\"clear\",\n"
    "\"alert\":{...}} (alerts of the snapshot carry \"snapshot\":true); times are\n"
    "Unix seconds as on the wire.\n"
    "\n"
    "Options:\n"
    "  --units=A,B   the units to follow (default: the global --units, * = all)\n"
    "  --json        JSON lines instead of text\n"
    "  --count=N     exit (status 0) after N lines, the snapshot included\n"
    "  --timeout=MS  reply timeout of the snapshot query, and also: exit with status\n"
    "                3 when no alert line comes for MS ms (without it, wait forever)\n"
    "Alerts come from cchc-scoringd: queries at --scoring, publications at --alerts.\n";

typedef struct {
    bool json;
    uint64_t count; /* 0 = unlimited */
    uint64_t printed;
} watch_t;

/* Print one alert change; returns true when --count is reached. */
static bool print_alert(watch_t *w, uint64_t seq, const char *op, const msgpack_object *alert,
                        int64_t at, bool snapshot)
{
    if (w->json) {
        json_t *o = json_object();

        json_object_set_new(o, "seq", json_integer((json_int_t)seq));
        json_object_set_new(o, "op", json_string(op));
        if (snapshot)
            json_object_set_new(o, "snapshot", json_true());
        json_object_set_new(o, "alert", cc_json_from_msgpack(alert, 0));
        cc_json_print(stdout, o);
    } else {
        char when[32], kind[CC_MAX_CODE + 1], sev[CC_MAX_CODE + 1], unit[CC_MAX_CODE + 1];
        char subject[CC_MAX_ID * 2 + 1], text[CC_MAX_STR + 1];
        int64_t raised = 0;

        cc_map_strcpy(alert, "kind", kind, sizeof(kind));
        cc_map_strcpy(alert, "severity", sev, sizeof(sev));
        cc_map_strcpy(alert, "unit", unit, sizeof(unit));
        cc_map_strcpy(alert, "subject", subject, sizeof(subject));
        cc_map_strcpy(alert, "text", text, sizeof(text));
        cc_map_i64(alert, "raised_at", &raised);
        cchc_format_local(at ? at : raised, when, sizeof(when));
        printf("%s %s %s %s %s%s%s: %s\n", when, strcmp(op, "clear") == 0 ? "CLEAR" : "RAISE",
               sev[0] ? sev : "-", kind[0] ? kind : "-", unit[0] ? unit : "-",
               subject[0] ? " " : "", subject, text);
    }
    fflush(stdout);
    w->printed++;
    return w->count && w->printed >= w->count;
}

/* The time of a change: when it was cleared for a clear (the alert's
 * "cleared_at", else the message's "at"), else when it was raised. */
static int64_t change_time(const msgpack_object *body, const msgpack_object *alert, bool clear)
{
    int64_t t = 0;

    if (clear && cc_map_i64(alert, "cleared_at", &t) < 0)
        cc_map_i64(body, "at", &t);
    return t;
}

int cchc_cmd_watch(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "json", "count=", NULL };
    char units[CC_MAX_UNITS][CC_MAX_CODE + 1];
    const char *topics[CC_MAX_UNITS];
    size_t n_units = 0;
    watch_t w = { 0 };
    cc_client_t *c = NULL;
    cc_sub_t *sub = NULL;
    cc_client_error_t err;
    cc_msg_t snap = { 0 };
    const msgpack_object *alerts;
    uint64_t snap_seq = 0;
    char why[256];
    const char *v;
    int status, r;

    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0)
        return cchc_usage_error("watch", "%s", why);
    if (cli->n_args > 0)
        return cchc_usage_error("watch", "watch takes no arguments");
    w.json = cc_cli_opt(cli, "json", NULL);
    if (cc_cli_opt(cli, "count", &v) && cc_cli_uint(v, 1, UINT32_MAX, &w.count) < 0)
        return cchc_usage_error("watch", "--count=%s: expected a positive number", v);
    if (cc_units_parse(cli->units, units, CC_MAX_UNITS, &n_units) < 0)
        return cchc_usage_error("watch", "--units=%s: not a list of unit codes", cli->units);
    for (size_t i = 0; i < n_units; i++)
        topics[i] = strcmp(units[i], "*") == 0 ? "" : units[i];

    status = cchc_connect(cli, CC_EP_SCORING, "supervisor", cli->units, &c);
    if (status != CCHC_EXIT_OK)
        goto out;
    r = cc_sub_new(cc_client_context(c), cli->endpoint[CC_EP_ALERTS], topics, n_units,
                   cc_client_timeout(c), &sub);
    if (r < 0) {
        status = r == -EINVAL ? cchc_usage_error("watch", "--alerts=%s is not a ZeroMQ endpoint",
                                                 cli->endpoint[CC_EP_ALERTS])
                              : cchc_fail(CC_EP_ALERTS, c, r, NULL);
        goto out;
    }
    r = cc_client_query(c, "alerts", NULL, 0, 0, &snap, &err);
    if (r != 0) {
        status = cchc_fail(CC_EP_SCORING, c, r, &err);
        goto out;
    }
    if (cc_map_u64(&snap.body, "seq", &snap_seq) < 0 ||
        (alerts = cc_map_find(&snap.body, "alerts")) == NULL ||
        alerts->type != MSGPACK_OBJECT_ARRAY) {
        status = cchc_fail(CC_EP_SCORING, c, CC_EMALFORMED, NULL);
        goto out;
    }
    for (uint32_t i = 0; i < alerts->via.array.size; i++) {
        const msgpack_object *a = &alerts->via.array.ptr[i];

        if (a->type != MSGPACK_OBJECT_MAP)
            continue;
        if (print_alert(&w, snap_seq, "raise", a, 0, true)) {
            status = CCHC_EXIT_OK;
            goto out;
        }
    }

    for (;;) {
        char topic[CC_MAX_CODE + 1];
        cc_msg_t msg = { 0 };
        const msgpack_object *alert;
        char op[16];
        uint64_t seq;
        bool done;

        r = cc_sub_recv(sub, cli->timeout_set ? cli->timeout_ms : -1, topic, sizeof(topic), &msg);
        if (r == -ETIMEDOUT) {
            fprintf(stderr, "cchc: no alert within %d ms\n", cli->timeout_ms);
            status = CCHC_EXIT_UNREACHABLE;
            goto out;
        }
        if (r == -EINTR)
            continue;
        if (r < 0) {
            status = cchc_fail(CC_EP_ALERTS, c, r, NULL);
            goto out;
        }
        if (msg.type != CC_MSG_ALERT) {
            cc_msg_deinit(&msg); /* not for us (forward compatibility) */
            continue;
        }
        alert = cc_map_find(&msg.body, "alert");
        if (cc_map_u64(&msg.body, "seq", &seq) < 0 ||
            cc_map_strcpy(&msg.body, "op", op, sizeof(op)) < 0 || alert == NULL ||
            alert->type != MSGPACK_OBJECT_MAP) {
            cc_msg_deinit(&msg);
            status = cchc_fail(CC_EP_ALERTS, c, CC_EMALFORMED, NULL);
            goto out;
        }
        if (seq <= snap_seq) {
            cc_msg_deinit(&msg); /* already in the snapshot */
            continue;
        }
        done = print_alert(&w, seq, op, alert,
                           change_time(&msg.body, alert, strcmp(op, "clear") == 0), false);
        cc_msg_deinit(&msg);
        if (done) {
            status = CCHC_EXIT_OK;
            goto out;
        }
    }
out:
    cc_msg_deinit(&snap);
    cc_sub_destroy(&sub);
    cc_client_destroy(&c);
    return status;
}
