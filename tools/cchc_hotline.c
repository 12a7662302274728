/*
 * cchc_hotline.c - the commands of 1022 hotline agents and unit contact
 * points: `cchc contact ...` and `cchc pakn ...` (cc_hotline.h lists them).
 *
 * Event subcommands are built by cc_hotline_event_build() and sent by the
 * push engine (cchc_push_one); `pakn show` and `pakn open` are queries
 * printed with the record and history tables of cchc_query.c.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cc_hotline.h"
#include "cc_json.h"
#include "cchc.h"

static int64_t wall_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int send_event(const cc_cli_t *cli)
{
    cc_hotline_event_t ev;
    char err[256], what[CC_MAX_CODE + CC_MAX_ID + 2];
    cc_enc_t enc;
    int status;

    cc_enc_init(&enc);
    if (cc_hotline_event_build(cli, wall_ms(), &enc, &ev, err, sizeof(err)) < 0) {
        status = cchc_usage_error(cli->command, "%s", err);
        goto out;
    }
    snprintf(what, sizeof(what), "%s %s", ev.type, ev.subject);
    status = cchc_push_one(cli, CC_EP_HOTLINE, ev.role, ev.eid, enc.buf.data, enc.buf.size, what,
                           cc_cli_opt(cli, "json", NULL));
out:
    cc_enc_deinit(&enc);
    return status;
}

/* ---- pakn show ------------------------------------------------------------------- */

static void print_pakn(const msgpack_object *p, const msgpack_object *history)
{
    static const cchc_row_t rows[] = {
        { "state", "trạng thái / state" },
        { "level", "cấp độ xử lý / level" },
        { "unit", "đơn vị / unit" },
        { "due", "hạn xử lý / due" },
        { "overdue", "quá hạn / overdue" },
        { "category", "phân loại / category" },
        { "urgent", "khẩn / urgent" },
        { "dossier", "hồ sơ / dossier" },
        { "contact", "cuộc liên hệ / contact" },
        { "outside", "chuyển đến / forwarded to" },
        { "refusal", "lý do từ chối / refused: reason" },
        { "received_at", "tiếp nhận / received" },
        { "answered_at", "trả lời / answered" },
        { "on_time", "đúng hạn / answered on time" },
        { "published_at", "ngày công khai / published on" },
        { "late", "công khai muộn / published late" },
        { "closed_at", "kết thúc / closed" },
        { "reopened", "mở lại / reopened" },
        { "escalations", "chuyển cấp / escalations" },
        { "caller_name", "người phản ánh / caller" },
        { "caller_phone", "điện thoại / phone" },
        { "text", "nội dung / complaint" },
        { "answer", "trả lời / answer" },
        { "published", "trả lời công khai / public answer" },
    };
    /* Record keys that repeat the complaint's identity. */
    static const char *const hidden[] = { "pakn", NULL };
    static const char *const changes[] = { "level",  "unit",    "due", "category",
                                           "urgent", "dossier", NULL };
    static const cchc_history_view_t view = { hidden, changes, true };
    char id[CC_MAX_ID + 1] = "";
    size_t n = sizeof(rows) / sizeof(rows[0]);

    cc_map_strcpy(p, "id", id, sizeof(id));
    printf("PAKN / Complaint %s\n", id);
    /* The caller's details come to agents and operators only: no empty rows
     * for the others. */
    for (size_t i = 0; i < n; i++) {
        if ((strcmp(rows[i].key, "caller_name") == 0 || strcmp(rows[i].key, "caller_phone") == 0) &&
            cc_map_find(p, rows[i].key) == NULL)
            continue;
        cchc_print_record(p, &rows[i], 1);
    }
    cchc_print_history(history, &view);
}

static int pakn_show(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "json", "role=", NULL };
    const msgpack_object *p;
    cc_msg_t res = { 0 };
    const char *role;
    char why[256];
    cc_enc_t q;
    int status;

    cc_enc_init(&q);
    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0 ||
        cc_hotline_role(cli, true, true, &role, why, sizeof(why)) < 0) {
        status = cchc_usage_error("pakn show", "%s", why);
        goto out;
    }
    if (cli->n_args != 2 || strlen(cli->args[1]) == 0 || strlen(cli->args[1]) > CC_MAX_ID) {
        status = cchc_usage_error("pakn show",
                                  "usage: cchc pakn show ID [--json] (an id has "
                                  "1..%d characters)",
                                  CC_MAX_ID);
        goto out;
    }
    cc_enc_kv_str(&q, "id", cli->args[1]);
    status = cchc_query(cli, CC_EP_HOTLINE, role, "pakn", &q, &res);
    if (status != CCHC_EXIT_OK)
        goto out;
    p = cc_map_find(&res.body, "pakn");
    if (p == NULL || p->type != MSGPACK_OBJECT_MAP) {
        fprintf(stderr, "cchc: protocol error: hotline's answer has no \"pakn\" map; are the "
                        "versions of cchc and cchc-hotlined the same?\n");
        status = CCHC_EXIT_PROTOCOL;
        goto out;
    }
    if (cc_cli_opt(cli, "json", NULL))
        cchc_print_json(&res.body);
    else
        print_pakn(p, cc_map_find(&res.body, "history"));
out:
    cc_msg_deinit(&res);
    cc_enc_deinit(&q);
    return status;
}

/* ---- pakn open ------------------------------------------------------------------- */

static void print_open(const char *unit, const msgpack_object *body)
{
    const msgpack_object *items = cc_map_find(body, "items");
    uint64_t count = 0;
    bool more = false;

    cc_map_u64(body, "count", &count);
    cc_map_bool(body, "more", &more);
    printf("PAKN đang xử lý / Open complaints: %s, %" PRIu64 "%s\n",
           unit[0] ? unit : "(chưa giao / not assigned)", count,
           more ? " (còn nữa, không hiện / more not shown)" : "");
    if (items == NULL || items->type != MSGPACK_OBJECT_ARRAY)
        return;
    printf("  %-16s  %-5s %-12s %-10s %s\n", "due", "level", "state", "category", "id");
    for (uint32_t i = 0; i < items->via.array.size; i++) {
        const msgpack_object *it = &items->via.array.ptr[i];
        char id[CC_MAX_ID + 1] = "", state[CC_MAX_CODE + 1] = "", cat[CC_MAX_CODE + 1] = "";
        char when[32];
        int64_t due = 0;
        uint64_t level = 0;
        bool urgent = false, overdue = false;

        if (it->type != MSGPACK_OBJECT_MAP)
            continue;
        cc_map_strcpy(it, "pakn", id, sizeof(id));
        cc_map_strcpy(it, "state", state, sizeof(state));
        cc_map_strcpy(it, "category", cat, sizeof(cat));
        cc_map_i64(it, "due", &due);
        cc_map_u64(it, "level", &level);
        cc_map_bool(it, "urgent", &urgent);
        cc_map_bool(it, "overdue", &overdue);
        cchc_format_local(due, when, sizeof(when));
        printf("  %-16s  %-5" PRIu64 " %-12s %-10s %s%s%s\n", when, level, state,
               cat[0] ? cat : "-", id, urgent ? " khẩn/urgent" : "",
               overdue ? " QUÁ HẠN/OVERDUE" : "");
    }
}

static int pakn_open(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "unit=", "max=", "json", "role=", NULL };
    cc_msg_t res = { 0 };
    const char *unit = NULL, *role, *v;
    uint64_t max = 200;
    size_t n;
    char why[256];
    cc_enc_t q;
    int status;

    cc_enc_init(&q);
    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0 ||
        cc_hotline_role(cli, true, true, &role, why, sizeof(why)) < 0) {
        status = cchc_usage_error("pakn open", "%s", why);
        goto out;
    }
    if (cli->n_args != 1 || !cc_cli_opt(cli, "unit", &unit)) {
        status = cchc_usage_error("pakn open", "usage: cchc pakn open --unit=U [--json]");
        goto out;
    }
    if (strcmp(unit, "-") == 0) {
        unit = ""; /* not yet assigned */
    } else if (cc_units_parse(unit, NULL, 1, &n) < 0 || strcmp(unit, "*") == 0) {
        status = cchc_usage_error("pakn open", "--unit=%s: not a unit code", unit);
        goto out;
    }
    if (cc_cli_opt(cli, "max", &v) && cc_cli_uint(v, 1, 1000, &max) < 0) {
        status = cchc_usage_error("pakn open", "--max=%s: expected 1..1000", v);
        goto out;
    }
    cc_enc_kv_str(&q, "unit", unit);
    if (cc_cli_opt(cli, "max", NULL)) {
        cc_enc_kv_u64(&q, "max", max);
    }
    status = cchc_query(cli, CC_EP_HOTLINE, role, "pakn_open", &q, &res);
    if (status != CCHC_EXIT_OK)
        goto out;
    if (cc_cli_opt(cli, "json", NULL))
        cchc_print_json(&res.body);
    else
        print_open(unit, &res.body);
out:
    cc_msg_deinit(&res);
    cc_enc_deinit(&q);
    return status;
}

int cchc_cmd_hotline(const cc_cli_t *cli)
{
    bool pakn = strcmp(cli->command, "pakn") == 0;

    if (cc_hotline_is_event(cli))
        return send_event(cli);
    if (pakn && cli->n_args > 0 && strcmp(cli->args[0], "show") == 0)
        return pakn_show(cli);
    if (pakn && cli->n_args > 0 && strcmp(cli->args[0], "open") == 0)
        return pakn_open(cli);
    if (cli->n_args == 0)
        return cchc_usage_error(cli->command, "%s needs a subcommand", cli->command);
    return cchc_usage_error(cli->command, "unknown %s subcommand '%s'", cli->command, cli->args[0]);
}
