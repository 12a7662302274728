/*
 * cchc_query.c - the commands that ask one question and print the answer:
 * `cchc dossier show` (intake) and `cchc ctl` (operator: ping, stats,
 * backup, clock on any daemon); and the query call the report commands
 * (cchc_report.c) share.
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <time.h>

#include "cc_json.h"
#include "cc_time.h"
#include "cchc.h"

const char cchc_help_dossier[] =
    "Usage: cchc dossier show ID [--json]\n"
    "\n"
    "A dossier's current state (procedure, units, received, due and promised dates,\n"
    "class) and its history of events, from cchc-intaked (role supervisor, scoped\n"
    "to --units). --json prints the daemon's answer as JSON (times in Unix seconds).\n";

const char cchc_help_ctl[] =
    "Usage: cchc ctl intake|hotline|scoring COMMAND [--json]\n"
    "\n"
    "Operator commands (role operator):\n"
    "  ping          is the daemon answering? prints \"intake: ok (now ...)\"\n"
    "  stats         the daemon's figures, \"key: value\" lines (or --json)\n"
    "  backup PATH   hot backup of the daemon's LMDB store into directory PATH on\n"
    "                the daemon's machine, below its backup_dir (default\n"
    "                <state_dir>/backup): absolute, or relative to backup_dir\n"
    "  clock TIME    set the daemon's test clock (daemon started with\n"
    "                --test-clock); TIME is ISO 8601 or Unix seconds\n"
    "  rebuild       (scoring) empty the derived state and read both logs again\n"
    "                from the start, e.g. after a source was restored from an older\n"
    "                backup; prints the progress until caught up (--no-wait: return\n"
    "                at once). Supervisors' acknowledgements are kept.\n"
    "  erase --pakn=ID | --phone=NUMBER   (hotline) erase a person's data on request:\n"
    "                the caller's name and phone, the complaint's text and answer, of\n"
    "                that complaint or of every complaint from that number; the\n"
    "                figures stay. Prints the complaints erased.\n";

/* ---- Shared by the query commands ------------------------------------------------ */

int cchc_query(const cc_cli_t *cli, cc_endpoint_t ep, const char *role, const char *q,
               const cc_enc_t *pairs, cc_msg_t *ret)
{
    cc_client_t *c = NULL;
    cc_client_error_t err;
    int status, r;

    status = cchc_connect(cli, ep, role, cli->units, &c);
    if (status != CCHC_EXIT_OK)
        return status;
    r = cc_client_query(c, q, pairs ? pairs->buf.data : NULL, pairs ? pairs->buf.size : 0, ret,
                        &err);
    if (r != 0)
        status = cchc_fail(ep, c, r, &err);
    cc_client_destroy(&c);
    return status;
}

void cchc_print_json(const msgpack_object *body)
{
    json_t *j = cc_json_from_msgpack(body, 0);

    json_object_del(j, "rid");
    cc_json_print(stdout, j);
}

/* ---- dossier show -------------------------------------------------------------- */

static bool key_in(const char *k, size_t len, const char *const *keys)
{
    for (size_t i = 0; keys && keys[i]; i++)
        if (strlen(keys[i]) == len && memcmp(keys[i], k, len) == 0)
            return true;
    return false;
}

static void print_value(const char *key, size_t key_len, const msgpack_object *v)
{
    char when[32];

    switch (v->type) {
    case MSGPACK_OBJECT_STR:
        printf("%.*s", (int)v->via.str.size, v->via.str.ptr);
        break;
    case MSGPACK_OBJECT_POSITIVE_INTEGER:
    case MSGPACK_OBJECT_NEGATIVE_INTEGER:
        if (cc_json_is_time_key(key, key_len)) {
            cchc_format_local(v->via.i64, when, sizeof(when));
            printf("%s", when);
        } else if (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER) {
            printf("%" PRIu64, v->via.u64);
        } else {
            printf("%" PRId64, v->via.i64);
        }
        break;
    case MSGPACK_OBJECT_BOOLEAN:
        printf("%s", v->via.boolean ? "có / yes" : "không / no");
        break;
    default:
        printf("?");
        break;
    }
}

static const msgpack_object *history_record(const msgpack_object *item, uint64_t *ret_seq)
{
    if (item->type != MSGPACK_OBJECT_ARRAY || item->via.array.size != 2 ||
        item->via.array.ptr[0].type != MSGPACK_OBJECT_POSITIVE_INTEGER ||
        item->via.array.ptr[1].type != MSGPACK_OBJECT_MAP)
        return NULL;
    *ret_seq = item->via.array.ptr[0].via.u64;
    return &item->via.array.ptr[1];
}

static void print_history_row(uint64_t seq, const msgpack_object *rec, const msgpack_object *prev,
                              const cchc_history_view_t *view)
{
    static const char *const columns[] = { "eid", "type", "at", "by", "state", NULL };
    char type[CC_MAX_CODE + 1], by[CC_MAX_CODE + 1], state[CC_MAX_CODE + 1], when[32];
    int64_t at = 0;

    cc_map_strcpy(rec, "type", type, sizeof(type));
    cc_map_strcpy(rec, "by", by, sizeof(by));
    cc_map_strcpy(rec, "state", state, sizeof(state));
    cc_map_i64(rec, "at", &at);
    cchc_format_local(at, when, sizeof(when));
    printf("  %-8" PRIu64 " %-16s  %-22s %-12s %-16s", seq, when, type, by, state);
    /* What changed, in the view's order: only news, not the same unit and
     * due date on every line. */
    for (size_t k = 0; view->changes && view->changes[k]; k++) {
        const char *key = view->changes[k];
        const msgpack_object *v = cc_map_find(rec, key);
        const msgpack_object *was = prev ? cc_map_find(prev, key) : NULL;

        if (v == NULL || v->type == MSGPACK_OBJECT_NIL)
            continue;
        if (prev == NULL) {
            if (!view->first_changes || (v->type == MSGPACK_OBJECT_STR && v->via.str.size == 0) ||
                (v->type == MSGPACK_OBJECT_BOOLEAN && !v->via.boolean) ||
                (v->type == MSGPACK_OBJECT_POSITIVE_INTEGER && v->via.u64 == 0))
                continue;
        } else if (was == NULL || msgpack_object_equal(*v, *was) ||
                   (was->type == MSGPACK_OBJECT_STR && was->via.str.size == 0 &&
                    !view->first_changes) ||
                   (cc_json_is_time_key(key, strlen(key)) &&
                    was->type == MSGPACK_OBJECT_POSITIVE_INTEGER && was->via.u64 == 0 &&
                    !view->first_changes)) {
            continue;
        }
        printf(" %s=", key);
        print_value(key, strlen(key), v);
    }
    for (uint32_t i = 0; i < rec->via.map.size; i++) {
        const msgpack_object_kv *kv = &rec->via.map.ptr[i];
        const char *k = kv->key.via.str.ptr;
        size_t len = kv->key.via.str.size;

        if (kv->key.type != MSGPACK_OBJECT_STR || key_in(k, len, columns) ||
            key_in(k, len, view->hidden) || key_in(k, len, view->changes) ||
            (kv->val.type == MSGPACK_OBJECT_STR && kv->val.via.str.size == 0))
            continue; /* "" is "none" in log records */
        printf(" %.*s=", (int)len, k);
        print_value(k, len, &kv->val);
    }
    putchar('\n');
}

/* Print @s and spaces up to @width characters (UTF-8 counted by character). */
static void print_padded(const char *s, size_t width)
{
    size_t chars = 0;

    for (const char *p = s; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    printf("%s%*s", s, chars < width ? (int)(width - chars) : 0, "");
}

void cchc_print_history(const msgpack_object *history, const cchc_history_view_t *view)
{
    const msgpack_object *prev = NULL;

    if (history == NULL || history->type != MSGPACK_OBJECT_ARRAY)
        return;
    printf("Lịch sử / History (%u sự kiện / events):\n", history->via.array.size);
    /* The header holds Vietnamese: pad by characters, as the labels. */
    printf("  %-8s ", "seq");
    print_padded("thời điểm/time", 18);
    printf("%-22s %-12s %-16s %s\n", "type", "by", "state", "chi tiết/details");
    for (uint32_t i = 0; i < history->via.array.size; i++) {
        uint64_t seq;
        const msgpack_object *rec = history_record(&history->via.array.ptr[i], &seq);

        if (rec == NULL)
            continue;
        print_history_row(seq, rec, prev, view);
        prev = rec;
    }
}

void cchc_print_record(const msgpack_object *rec, const cchc_row_t *rows, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        const msgpack_object *v = cc_map_find(rec, rows[i].key);
        char label[128];

        /* Labels hold multi-byte Vietnamese: pad by characters, not bytes. */
        snprintf(label, sizeof(label), "%s:", rows[i].label);
        printf("  ");
        print_padded(label, 36);
        if (v == NULL || v->type == MSGPACK_OBJECT_NIL ||
            (v->type == MSGPACK_OBJECT_STR && v->via.str.size == 0))
            printf("-");
        else
            print_value(rows[i].key, strlen(rows[i].key), v);
        putchar('\n');
    }
}

static void print_dossier(const msgpack_object *d, const msgpack_object *history)
{
    static const cchc_row_t rows[] = {
        { "state", "trạng thái / state" },
        { "proc", "thủ tục / procedure" },
        { "runit", "nơi tiếp nhận / receiving unit" },
        { "unit", "nơi xử lý / handling unit" },
        { "channel", "kênh / channel" },
        { "received_at", "tiếp nhận / received" },
        { "due", "hạn giải quyết / due" },
        { "promised", "hẹn lại / promised" },
        { "resolved_at", "giải quyết xong / resolved" },
        { "class", "kết quả / class" },
        { "sos_pending", "chờ duyệt / pending request" },
    };
    /* Record keys that repeat the dossier's identity. */
    static const char *const hidden[] = { "dossier", "proc", "runit", "received_at", NULL };
    static const char *const changes[] = { "unit", "due", NULL };
    static const cchc_history_view_t view = { hidden, changes, false };
    char id[CC_MAX_ID + 1];

    cc_map_strcpy(d, "id", id, sizeof(id));
    printf("Hồ sơ / Dossier %s\n", id);
    cchc_print_record(d, rows, sizeof(rows) / sizeof(rows[0]));
    cchc_print_history(history, &view);
}

int cchc_cmd_dossier(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "json", NULL };
    cc_msg_t res = { 0 };
    const msgpack_object *d;
    cc_enc_t q;
    char why[256];
    int status;

    cc_enc_init(&q);
    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0) {
        status = cchc_usage_error("dossier", "%s", why);
        goto out;
    }
    if (cli->n_args != 2 || strcmp(cli->args[0], "show") != 0) {
        status = cchc_usage_error("dossier", "usage: cchc dossier show ID [--json]");
        goto out;
    }
    if (strlen(cli->args[1]) == 0 || strlen(cli->args[1]) > CC_MAX_ID) {
        status = cchc_usage_error("dossier", "a dossier id has 1..%d characters", CC_MAX_ID);
        goto out;
    }
    cc_enc_kv_str(&q, "id", cli->args[1]);
    status = cchc_query(cli, CC_EP_INTAKE, "supervisor", "dossier", &q, &res);
    if (status != CCHC_EXIT_OK)
        goto out;
    d = cc_map_find(&res.body, "dossier");
    if (d == NULL || d->type != MSGPACK_OBJECT_MAP) {
        fprintf(stderr, "cchc: protocol error: intake's answer has no \"dossier\" map; are "
                        "the versions of cchc and cchc-intaked the same?\n");
        status = CCHC_EXIT_PROTOCOL;
        goto out;
    }
    if (cc_cli_opt(cli, "json", NULL)) {
        cchc_print_json(&res.body);
    } else {
        print_dossier(d, cc_map_find(&res.body, "history"));
    }
    status = CCHC_EXIT_OK;
out:
    cc_msg_deinit(&res);
    cc_enc_deinit(&q);
    return status;
}

/* ---- ctl ------------------------------------------------------------------------ */

static int ctl_ping(const cc_cli_t *cli, cc_endpoint_t ep)
{
    cc_client_t *c = NULL;
    cc_client_error_t err;
    cc_msg_t res = { 0 };
    char iso[CC_TIME_ISO_LEN] = "?", daemon[CC_MAX_CODE + 1] = "";
    int64_t now = 0;
    bool test = false;
    int status, r;

    status = cchc_connect(cli, ep, NULL, NULL, &c);
    if (status != CCHC_EXIT_OK)
        return status;
    r = cc_client_query(c, "ping", NULL, 0, &res, &err);
    if (r != 0) {
        status = cchc_fail(ep, c, r, &err);
        goto out;
    }
    cc_map_strcpy(&res.body, "daemon", daemon, sizeof(daemon));
    if ((status = cchc_wrong_daemon(ep, c, daemon)) != CCHC_EXIT_OK)
        goto out;
    if (cc_map_i64(&res.body, "now", &now) == 0)
        cc_time_format_iso(now, iso, sizeof(iso));
    cc_map_bool(&res.body, "test_clock", &test);
    printf("%s: ok (now %s%s)\n", cc_endpoint_name(ep), iso, test ? ", test clock" : "");
out:
    cc_msg_deinit(&res);
    cc_client_destroy(&c);
    return status;
}

static int ctl_request(const cc_cli_t *cli, cc_endpoint_t ep, const char *what, const char *arg)
{
    cc_client_t *c = NULL;
    cc_client_error_t err;
    cc_msg_t res = { 0 };
    char path[PATH_MAX + 1];
    char iso[CC_TIME_ISO_LEN];
    cc_enc_t q;
    int64_t t = 0;
    int status, r;

    cc_enc_init(&q);
    if (strcmp(what, "backup") == 0) {
        if ((size_t)snprintf(path, sizeof(path), "%s", arg) >= 1024) {
            status = cchc_usage_error("ctl", "backup: path too long (at most 1023 bytes)");
            goto out;
        }
        cc_enc_kv_str(&q, "path", path);
    } else if (strcmp(what, "erase") == 0) {
        const char *v = NULL;

        if (cc_cli_opt(cli, "pakn", &v))
            cc_enc_kv_str(&q, "pakn", v);
        if (cc_cli_opt(cli, "phone", &v))
            cc_enc_kv_str(&q, "phone", v);
    } else if (strcmp(what, "clock") == 0) {
        if (cc_cli_time(arg, &t) < 0) {
            status = cchc_usage_error("ctl",
                                      "clock %s: expected an ISO 8601 time "
                                      "(2026-01-05T08:00:00+07:00) or Unix seconds",
                                      arg);
            goto out;
        }
        cc_enc_kv_i64(&q, "t", t);
    }
    status = cchc_connect(cli, ep, "operator", cli->units, &c);
    if (status != CCHC_EXIT_OK)
        goto out;
    r = cc_client_query(c, what, q.buf.data, q.buf.size, &res, &err);
    if (r != 0) {
        status = cchc_fail(ep, c, r, &err);
        goto out;
    }
    if (strcmp(what, "stats") == 0) {
        if (cc_cli_opt(cli, "json", NULL)) {
            cchc_print_json(&res.body);
        } else {
            for (uint32_t i = 0; i < res.body.via.map.size; i++) {
                const msgpack_object_kv *kv = &res.body.via.map.ptr[i];
                json_t *j;
                char *s;

                if (kv->key.type != MSGPACK_OBJECT_STR ||
                    (kv->key.via.str.size == 3 && memcmp(kv->key.via.str.ptr, "rid", 3) == 0))
                    continue;
                printf("%.*s: ", (int)kv->key.via.str.size, kv->key.via.str.ptr);
                if (kv->val.type == MSGPACK_OBJECT_STR) {
                    printf("%.*s\n", (int)kv->val.via.str.size, kv->val.via.str.ptr);
                    continue;
                }
                j = cc_json_from_msgpack(&kv->val, 0);
                s = json_dumps(j, JSON_COMPACT | JSON_ENCODE_ANY);
                printf("%s\n", s ? s : "?");
                free(s);
                json_decref(j);
            }
        }
    } else if (strcmp(what, "backup") == 0) {
        printf("%s: backup written to %s\n", cc_endpoint_name(ep), path);
    } else if (strcmp(what, "erase") == 0) {
        if (cc_cli_opt(cli, "json", NULL)) {
            cchc_print_json(&res.body);
        } else {
            const msgpack_object *ids = cc_map_find(&res.body, "pakn");

            printf("%s: erased the personal data of", cc_endpoint_name(ep));
            for (uint32_t i = 0;
                 ids && ids->type == MSGPACK_OBJECT_ARRAY && i < ids->via.array.size; i++)
                if (ids->via.array.ptr[i].type == MSGPACK_OBJECT_STR)
                    printf(" %.*s", (int)ids->via.array.ptr[i].via.str.size,
                           ids->via.array.ptr[i].via.str.ptr);
            printf("%s\n", ids && ids->type == MSGPACK_OBJECT_ARRAY && ids->via.array.size
                               ? ""
                               : " no complaint (nothing left to erase)");
        }
    } else {
        cc_time_format_iso(t, iso, sizeof(iso));
        printf("%s: clock set to %s\n", cc_endpoint_name(ep), iso);
    }
out:
    cc_msg_deinit(&res);
    cc_client_destroy(&c);
    cc_enc_deinit(&q);
    return status;
}

/* The figure @key of a stats RESULT, 0 when absent. */
static uint64_t stat_u64(const cc_msg_t *m, const char *key)
{
    uint64_t v = 0;

    cc_map_u64(&m->body, key, &v);
    return v;
}

/* `ctl scoring rebuild`: ask, then follow the progress in stats. */
static int ctl_rebuild(const cc_cli_t *cli)
{
    cc_client_t *c = NULL;
    cc_client_error_t err;
    cc_msg_t res = { 0 };
    bool wait = !cc_cli_opt(cli, "no-wait", NULL);
    int status, r;

    status = cchc_connect(cli, CC_EP_SCORING, "operator", cli->units, &c);
    if (status != CCHC_EXIT_OK)
        return status;
    if ((r = cc_client_query(c, "rebuild", NULL, 0, &res, &err)) != 0) {
        status = cchc_fail(CC_EP_SCORING, c, r, &err);
        goto out;
    }
    printf("scoring: rebuilding from the intake and hotline logs\n");
    fflush(stdout);
    for (int down = 0; wait;) {
        bool catching = true, stopped = false, up_in = true, up_hot = true;
        uint64_t ci, hi, ch, hh;

        nanosleep(&(struct timespec){ 0, 500 * 1000000L }, NULL);
        cc_msg_deinit(&res);
        if ((r = cc_client_query(c, "stats", NULL, 0, &res, &err)) != 0) {
            status = cchc_fail(CC_EP_SCORING, c, r, &err);
            goto out;
        }
        ci = stat_u64(&res, "cursor_intake");
        hi = stat_u64(&res, "head_intake");
        ch = stat_u64(&res, "cursor_hotline");
        hh = stat_u64(&res, "head_hotline");
        cc_map_bool(&res.body, "catching_up", &catching);
        cc_map_bool(&res.body, "stopped_intake", &stopped);
        printf("scoring: intake %llu/%llu, hotline %llu/%llu records\n", (unsigned long long)ci,
               (unsigned long long)hi, (unsigned long long)ch, (unsigned long long)hh);
        fflush(stdout);
        if (stopped || (cc_map_bool(&res.body, "stopped_hotline", &stopped) == 0 && stopped)) {
            fprintf(stderr, "cchc: ctl: a feed stopped again during the rebuild: see `cchc ctl "
                            "scoring stats` and scoring's log\n");
            status = CCHC_EXIT_REJECTED;
            goto out;
        }
        if (!catching && ci >= hi && ch >= hh) {
            printf("scoring: rebuilt (%llu records)\n", (unsigned long long)(ci + ch));
            break;
        }
        /* A source that does not answer leaves the rest to the daemon. */
        cc_map_bool(&res.body, "up_intake", &up_in);
        cc_map_bool(&res.body, "up_hotline", &up_hot);
        down = up_in && up_hot ? 0 : down + 1;
        if (down == 6) {
            fprintf(stderr,
                    "cchc: ctl: %s is not answering; scoring goes on with the rebuild when it "
                    "is back: follow it with `cchc ctl scoring stats`\n",
                    up_in ? "cchc-hotlined" : "cchc-intaked");
            status = CCHC_EXIT_UNREACHABLE;
            goto out;
        }
    }
out:
    cc_msg_deinit(&res);
    cc_client_destroy(&c);
    return status;
}

int cchc_cmd_ctl(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "json", "no-wait", "pakn=", "phone=", NULL };
    static const cc_endpoint_t eps[] = { CC_EP_INTAKE, CC_EP_HOTLINE, CC_EP_SCORING };
    const char *what;
    char why[256];
    int ep = -1;

    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0)
        return cchc_usage_error("ctl", "%s", why);
    if (cli->n_args < 2)
        return cchc_usage_error("ctl", "usage: cchc ctl intake|hotline|scoring "
                                       "ping|stats|backup PATH|clock TIME|rebuild");
    for (size_t i = 0; i < sizeof(eps) / sizeof(eps[0]); i++)
        if (strcmp(cli->args[0], cc_endpoint_name(eps[i])) == 0)
            ep = (int)eps[i];
    if (ep < 0)
        return cchc_usage_error("ctl", "unknown daemon '%s' (intake, hotline, scoring)",
                                cli->args[0]);
    what = cli->args[1];
    if (strcmp(what, "ping") == 0 || strcmp(what, "stats") == 0) {
        if (cli->n_args != 2)
            return cchc_usage_error("ctl", "%s takes no argument", what);
        return strcmp(what, "ping") == 0 ? ctl_ping(cli, (cc_endpoint_t)ep)
                                         : ctl_request(cli, (cc_endpoint_t)ep, what, NULL);
    }
    if (strcmp(what, "rebuild") == 0) {
        if (cli->n_args != 2 || ep != CC_EP_SCORING)
            return cchc_usage_error("ctl", "usage: cchc ctl scoring rebuild [--no-wait]");
        return ctl_rebuild(cli);
    }
    if (strcmp(what, "erase") == 0) {
        if (ep != CC_EP_HOTLINE || cli->n_args != 2 ||
            cc_cli_opt(cli, "pakn", NULL) == cc_cli_opt(cli, "phone", NULL))
            return cchc_usage_error("ctl", "usage: cchc ctl hotline erase --pakn=ID | "
                                           "--phone=NUMBER");
        return ctl_request(cli, (cc_endpoint_t)ep, what, NULL);
    }
    if ((cc_cli_opt(cli, "pakn", NULL) || cc_cli_opt(cli, "phone", NULL)))
        return cchc_usage_error("ctl", "--pakn and --phone are options of erase");
    if (strcmp(what, "backup") == 0 || strcmp(what, "clock") == 0) {
        if (cli->n_args != 3)
            return cchc_usage_error("ctl", "usage: cchc ctl %s %s %s", cli->args[0], what,
                                    strcmp(what, "backup") == 0 ? "PATH" : "TIME");
        return ctl_request(cli, (cc_endpoint_t)ep, what, cli->args[2]);
    }
    return cchc_usage_error(
        "ctl", "unknown ctl command '%s' (ping, stats, backup, clock, erase, rebuild)", what);
}
