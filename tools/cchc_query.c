/*
 * cchc_query.c - the commands that ask one question and print the answer:
 * `cchc report` (scoring), `cchc dossier show` (intake) and `cchc ctl`
 * (operator: ping, stats, backup, clock on any daemon).
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_json.h"
#include "cc_time.h"
#include "cchc.h"

const char cchc_help_report[] =
    "Usage: cchc report --unit=U --from=YYYY-MM-DD --to=YYYY-MM-DD [--json|--csv]\n"
    "\n"
    "A unit's figures for a period from cchc-scoringd (role supervisor): received,\n"
    "resolved early / on time / late, open, rates with their numerator and\n"
    "denominator (\"no data\" when the denominator is 0), complaints (PAKN), ...\n"
    "Every figure the daemon returns is printed, in its order, labelled in\n"
    "Vietnamese and English when the key is known.\n"
    "\n"
    "Options:\n"
    "  --unit=U        unit code\n"
    "  --from=DATE     first day of the period (local time, from 00:00)\n"
    "  --to=DATE       last day of the period, included (until 23:59:59)\n"
    "  --json          the daemon's answer as JSON\n"
    "  --csv           key,label,value,numerator,denominator rows\n";

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
    "  backup PATH   hot backup of the daemon's LMDB store into directory PATH\n"
    "                (a path on the daemon's machine; made absolute here)\n"
    "  clock TIME    set the daemon's test clock (daemon started with\n"
    "                --test-clock); TIME is ISO 8601 or Unix seconds\n";

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

/* ---- Labels ------------------------------------------------------------------ */

typedef struct {
    const char *key;
    const char *vi;
    const char *en;
} label_t;

/* Known figure keys (DOMAIN.md §5, §7). Unknown keys are printed as they are. */
static const label_t labels[] = {
    { "backlog_at_start", "Tồn đầu kỳ", "backlog at start" },
    { "received", "Tiếp nhận mới", "received" },
    { "received_direct", "Tiếp nhận trực tiếp", "received at the counter" },
    { "received_online", "Tiếp nhận trực tuyến", "received online" },
    { "received_postal", "Tiếp nhận qua bưu chính", "received by post" },
    { "rejected", "Từ chối tại quầy", "rejected at the counter" },
    { "to_handle", "Tổng số phải giải quyết", "to handle" },
    { "resolved", "Đã giải quyết", "resolved" },
    { "resolved_early", "Giải quyết trước hạn", "resolved early" },
    { "resolved_on_time", "Giải quyết đúng hạn", "resolved on time" },
    { "resolved_late", "Giải quyết trễ hạn", "resolved late" },
    { "open_at_end", "Đang giải quyết cuối kỳ", "open at the end" },
    { "ended_no_class", "Dừng/không giải quyết/rút", "ended without a class" },
    { "transferred_in", "Liên thông đến", "transferred in" },
    { "transferred_out", "Liên thông đi", "transferred out" },
    { "on_time_rate", "Tỷ lệ đúng hạn", "on-time rate" },
    { "online_rate", "Tỷ lệ trực tuyến", "online rate" },
    { "sos_requests", "Đề nghị dừng/bổ sung/không giải quyết/rút", "SOS requests" },
    { "sos_pending", "Đề nghị chờ duyệt cuối kỳ", "SOS requests pending" },
    { "sos_stop_req", "Đề nghị dừng xử lý", "stop requested" },
    { "sos_stop_ok", "Dừng xử lý: đồng ý", "stop approved" },
    { "sos_stop_deny", "Dừng xử lý: không đồng ý", "stop denied" },
    { "sos_stop_pend", "Dừng xử lý: đang xem xét", "stop pending" },
    { "sos_supp_req", "Yêu cầu bổ sung", "supplement requested" },
    { "sos_supp_ok", "Yêu cầu bổ sung: đồng ý", "supplement approved" },
    { "sos_supp_deny", "Yêu cầu bổ sung: không đồng ý", "supplement denied" },
    { "sos_supp_pend", "Yêu cầu bổ sung: đang xem xét", "supplement pending" },
    { "sos_refuse_req", "Đề nghị không giải quyết", "refusal requested" },
    { "sos_refuse_ok", "Không giải quyết: đồng ý", "refusal approved" },
    { "sos_refuse_deny", "Không giải quyết: không đồng ý", "refusal denied" },
    { "sos_refuse_pend", "Không giải quyết: đang xem xét", "refusal pending" },
    { "sos_wdraw_req", "Rút hồ sơ", "withdrawal requested" },
    { "sos_wdraw_ok", "Rút hồ sơ: đồng ý", "withdrawal approved" },
    { "sos_wdraw_deny", "Rút hồ sơ: không đồng ý", "withdrawal denied" },
    { "sos_wdraw_pend", "Rút hồ sơ: đang xem xét", "withdrawal pending" },
    { "supp_rule_broken", "Bổ sung sai quy định (quá 3 ngày / lần 2)", "supplement rule broken" },
    { "extended", "Xin lỗi và hẹn lại", "extensions (apologies)" },
    { "apology_in_time", "Trễ hạn, xin lỗi đúng hạn", "late, apology in time" },
    { "apology_late", "Trễ hạn, xin lỗi muộn", "late, apology late" },
    { "apology_missing", "Trễ hạn, không xin lỗi", "late, apology missing" },
    { "paid", "Đã thanh toán phí", "fees paid" },
    { "paid_cash", "Thanh toán tiền mặt", "paid in cash" },
    { "paid_cashless", "Thanh toán không dùng tiền mặt", "paid cashless" },
    { "paid_online", "Thanh toán trực tuyến (Cổng DVCQG)", "paid online" },
    { "cashless_rate", "Tỷ lệ không dùng tiền mặt", "cashless rate" },
    { "digitized_result", "Kết quả điện tử", "electronic results" },
    { "digitized_parts", "Số hóa thành phần hồ sơ", "components digitized" },
    { "ratings", "Lượt đánh giá", "ratings" },
    { "rated_very", "Rất hài lòng", "very satisfied" },
    { "rated_ok", "Hài lòng", "satisfied" },
    { "rated_bad", "Không hài lòng", "dissatisfied" },
    { "satisfied_rate", "Tỷ lệ hài lòng", "satisfaction rate" },
    { "contacts", "Liên hệ tổng đài 1022", "1022 contacts" },
    { "contacts_info", "1022: hỗ trợ thông tin", "1022: information" },
    { "contacts_guide", "1022: hướng dẫn TTHC", "1022: procedure guidance" },
    { "contacts_postal", "1022: đăng ký bưu chính", "1022: postal registration" },
    { "contacts_pakn", "1022: phản ánh, kiến nghị", "1022: complaints" },
    { "contacts_other", "1022: khác", "1022: other" },
    { "contacts_phone", "1022: điện thoại", "1022: by phone" },
    { "contacts_email", "1022: thư điện tử", "1022: by e-mail" },
    { "contacts_app", "1022: ứng dụng", "1022: by app" },
    { "contacts_zalo", "1022: Zalo", "1022: by Zalo" },
    { "contacts_portal", "1022: từ Cổng DVCQG", "1022: from the national portal" },
    { "pakn_received", "PAKN tiếp nhận", "complaints received" },
    { "pakn_to_unit", "PAKN chuyển đơn vị", "complaints passed to a unit" },
    { "pakn_to_handle", "PAKN phải xử lý", "complaints to handle" },
    { "pakn_handled", "PAKN đã xử lý", "handled: answered, refused, forwarded" },
    { "pakn_answered", "PAKN đã trả lời", "complaints answered" },
    { "pakn_on_time", "PAKN trả lời đúng hạn", "complaints answered on time" },
    { "pakn_ans_l1", "PAKN xử lý cấp độ 1", "answered at level 1" },
    { "pakn_ans_l2", "PAKN xử lý cấp độ 2", "answered at level 2" },
    { "pakn_ans_l3", "PAKN xử lý cấp độ 3", "answered at level 3" },
    { "pakn_published", "PAKN đã công khai", "complaints published" },
    { "pakn_pub_late", "PAKN công khai muộn", "published late" },
    { "pakn_escalated", "PAKN chuyển cấp (quá hạn)", "complaints escalated" },
    { "pakn_overdue", "PAKN quá hạn", "complaints overdue" },
    { "pakn_reopened", "PAKN mở lại (chưa hài lòng)", "complaints reopened" },
    { "pakn_forwarded", "PAKN chuyển ngoài tỉnh", "forwarded outside the province" },
    { "pakn_refused", "PAKN từ chối tiếp nhận", "complaints refused" },
    { "pakn_ref_late", "PAKN từ chối muộn", "refused late" },
    { "pakn_ot_rate", "Tỷ lệ PAKN đúng hạn", "complaints on time" },
    { "pakn_res_rate", "Tỷ lệ PAKN đã xử lý", "complaint resolution rate" },
};

static const label_t *label_of(const char *key)
{
    for (size_t i = 0; i < sizeof(labels) / sizeof(labels[0]); i++)
        if (strcmp(labels[i].key, key) == 0)
            return &labels[i];
    return NULL;
}

/* A rate carried as a map {num, den} (or {numerator, denominator}). */
static bool rate_of(const msgpack_object *o, uint64_t *num, uint64_t *den)
{
    if (o->type != MSGPACK_OBJECT_MAP)
        return false;
    return (cc_map_u64(o, "num", num) == 0 && cc_map_u64(o, "den", den) == 0) ||
           (cc_map_u64(o, "numerator", num) == 0 && cc_map_u64(o, "denominator", den) == 0);
}

/* A rate given as a string "<x>_rate" next to "<x>_num" and "<x>_den"
 * (PROTOCOL.md §5.1): the figures come from the two integers. */
static bool sibling_rate(const msgpack_object *map, const char *key, uint64_t *num, uint64_t *den)
{
    size_t len = strlen(key);
    char k[128];

    if (len < 6 || len >= sizeof(k) || strcmp(key + len - 5, "_rate") != 0)
        return false;
    snprintf(k, sizeof(k), "%.*s_num", (int)(len - 5), key);
    if (cc_map_u64(map, k, num) < 0)
        return false;
    snprintf(k, sizeof(k), "%.*s_den", (int)(len - 5), key);
    return cc_map_u64(map, k, den) == 0;
}

typedef enum { FMT_TABLE, FMT_CSV } fmt_t;

static void csv_field(const char *s)
{
    if (strpbrk(s, ",\"\n\r") == NULL) {
        fputs(s, stdout);
        return;
    }
    putchar('"');
    for (; *s; s++) {
        if (*s == '"')
            putchar('"');
        putchar(*s);
    }
    putchar('"');
}

/* Whether @key is "<x>_num" or "<x>_den" beside a "<x>_rate" in @map. */
static bool is_rate_part(const msgpack_object *map, const char *key)
{
    size_t len = strlen(key);
    char k[64];

    if (len < 5 || len >= sizeof(k) ||
        (strcmp(key + len - 4, "_num") != 0 && strcmp(key + len - 4, "_den") != 0))
        return false;
    snprintf(k, sizeof(k), "%.*s_rate", (int)(len - 4), key);
    return cc_map_find(map, k) != NULL;
}

/* One row: key, value text, and for rates num/den (has_rate). */
static void row(fmt_t fmt, const char *key, const char *value, bool has_rate, uint64_t num,
                uint64_t den)
{
    const label_t *l = label_of(key);
    char label[160];

    if (l)
        snprintf(label, sizeof(label), "%s / %s", l->vi, l->en);
    else
        snprintf(label, sizeof(label), "%s", key);
    if (fmt == FMT_CSV) {
        csv_field(key);
        putchar(',');
        csv_field(l ? l->en : key);
        putchar(',');
        csv_field(value);
        if (has_rate)
            printf(",%" PRIu64 ",%" PRIu64 "\n", num, den);
        else
            fputs(",,\n", stdout);
        return;
    }
    /* Labels hold multi-byte Vietnamese: pad by characters, not bytes. */
    {
        size_t chars = 0;

        for (const char *p = label; *p; p++)
            chars += ((unsigned char)*p & 0xC0) != 0x80;
        printf("  %s%*s  %s\n", label, chars < 62 ? (int)(62 - chars) : 0, "", value);
    }
}

static void rate_row(fmt_t fmt, const char *key, uint64_t num, uint64_t den)
{
    char v[64];

    if (den == 0)
        snprintf(v, sizeof(v), fmt == FMT_CSV ? "" : "no data (0/0)");
    else if (fmt == FMT_CSV)
        snprintf(v, sizeof(v), "%.2f", 100.0 * (double)num / (double)den);
    else
        snprintf(v, sizeof(v), "%.2f%% (%" PRIu64 "/%" PRIu64 ")",
                 100.0 * (double)num / (double)den, num, den);
    row(fmt, key, v, true, num, den);
}

/* Print the fields of @map, nested maps flattened as "outer.inner". */
static void print_fields(fmt_t fmt, const msgpack_object *map, const char *prefix)
{
    for (uint32_t i = 0; i < map->via.map.size; i++) {
        const msgpack_object_kv *kv = &map->via.map.ptr[i];
        const msgpack_object *v = &kv->val;
        char key[128], bare[64], text[128];
        uint64_t num, den;

        if (kv->key.type != MSGPACK_OBJECT_STR)
            continue;
        snprintf(bare, sizeof(bare), "%.*s", (int)kv->key.via.str.size, kv->key.via.str.ptr);
        snprintf(key, sizeof(key), "%s%s%s", prefix, prefix[0] ? "." : "", bare);
        if (!prefix[0] &&
            (strcmp(key, "rid") == 0 || strcmp(key, "unit") == 0 || strcmp(key, "unit_name") == 0 ||
             strcmp(key, "from") == 0 || strcmp(key, "to") == 0))
            continue; /* in the heading */
        if (rate_of(v, &num, &den)) {
            rate_row(fmt, key, num, den);
            continue;
        }
        if (fmt == FMT_TABLE && is_rate_part(map, bare))
            continue; /* shown in its rate's row as (num/den) */
        if (v->type == MSGPACK_OBJECT_STR && sibling_rate(map, bare, &num, &den)) {
            /* "on_time_rate": "93.01" beside on_time_num / on_time_den */
            rate_row(fmt, key, num, den);
            continue;
        }
        switch (v->type) {
        case MSGPACK_OBJECT_POSITIVE_INTEGER:
            snprintf(text, sizeof(text), "%" PRIu64, v->via.u64);
            break;
        case MSGPACK_OBJECT_NEGATIVE_INTEGER:
            snprintf(text, sizeof(text), "%" PRId64, v->via.i64);
            break;
        case MSGPACK_OBJECT_FLOAT32:
        case MSGPACK_OBJECT_FLOAT64:
            snprintf(text, sizeof(text), "%.2f", v->via.f64);
            break;
        case MSGPACK_OBJECT_BOOLEAN:
            snprintf(text, sizeof(text), "%s", v->via.boolean ? "yes" : "no");
            break;
        case MSGPACK_OBJECT_STR:
            snprintf(text, sizeof(text), "%.*s", (int)v->via.str.size, v->via.str.ptr);
            break;
        case MSGPACK_OBJECT_MAP:
            print_fields(fmt, v, key);
            continue;
        default:
            continue; /* arrays and nil: see --json */
        }
        row(fmt, key, text, false, 0, 0);
    }
}

int cchc_cmd_report(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "unit=", "from=", "to=", "json", "csv", NULL };
    const char *unit = NULL, *from = NULL, *to = NULL;
    cc_msg_t res = { 0 };
    cc_enc_t q;
    int64_t t0, t1;
    char why[256];
    bool json, csv;
    size_t n;
    int status;

    cc_enc_init(&q);
    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0) {
        status = cchc_usage_error("report", "%s", why);
        goto out;
    }
    cc_cli_opt(cli, "unit", &unit);
    cc_cli_opt(cli, "from", &from);
    cc_cli_opt(cli, "to", &to);
    json = cc_cli_opt(cli, "json", NULL);
    csv = cc_cli_opt(cli, "csv", NULL);
    if (unit == NULL || from == NULL || to == NULL) {
        status = cchc_usage_error("report", "report needs --unit, --from and --to");
        goto out;
    }
    if (cc_units_parse(unit, NULL, 1, &n) < 0 || strcmp(unit, "*") == 0) {
        status = cchc_usage_error("report", "--unit=%s: not a unit code", unit);
        goto out;
    }
    if (cc_cli_day_range(from, to, &t0, &t1) < 0) {
        status = cchc_usage_error("report", "--from/--to: expected dates YYYY-MM-DD, from <= to");
        goto out;
    }
    if (json && csv) {
        status = cchc_usage_error("report", "choose one of --json and --csv");
        goto out;
    }
    cc_enc_kv_str(&q, "unit", unit);
    cc_enc_kv_i64(&q, "from", t0);
    cc_enc_kv_i64(&q, "to", t1);
    status = cchc_query(cli, CC_EP_SCORING, "supervisor", "report", &q, &res);
    if (status != CCHC_EXIT_OK)
        goto out;
    if (json) {
        cchc_print_json(&res.body);
    } else {
        fmt_t fmt = csv ? FMT_CSV : FMT_TABLE;
        uint64_t early = 0, on_time = 0, late = 0;

        if (csv)
            puts("key,label,value,numerator,denominator");
        else {
            char name[256] = "";

            cc_map_strcpy(&res.body, "unit_name", name, sizeof(name));
            printf("Báo cáo / Report: %s%s%s, %s .. %s\n", unit, name[0] ? " " : "", name, from,
                   to);
        }
        print_fields(fmt, &res.body, "");
        /* The on-time rate, when the daemon gives its parts only. */
        if (cc_map_find(&res.body, "on_time_rate") == NULL &&
            cc_map_u64(&res.body, "resolved_early", &early) == 0 &&
            cc_map_u64(&res.body, "resolved_on_time", &on_time) == 0 &&
            cc_map_u64(&res.body, "resolved_late", &late) == 0)
            rate_row(fmt, "on_time_rate", early + on_time, early + on_time + late);
    }
    status = CCHC_EXIT_OK;
out:
    cc_msg_deinit(&res);
    cc_enc_deinit(&q);
    return status;
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
        printf("%s", v->via.boolean ? "yes" : "no");
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

void cchc_print_history(const msgpack_object *history, const cchc_history_view_t *view)
{
    const msgpack_object *prev = NULL;

    if (history == NULL || history->type != MSGPACK_OBJECT_ARRAY)
        return;
    printf("History / Lịch sử (%u events):\n", history->via.array.size);
    printf("  %-8s %-16s  %-22s %-12s %-16s %s\n", "seq", "time", "type", "by", "state", "details");
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
        size_t chars = 0;

        /* Labels hold multi-byte Vietnamese: pad by characters, not bytes. */
        for (const char *p = rows[i].label; *p; p++)
            chars += ((unsigned char)*p & 0xC0) != 0x80;
        printf("  %s:%*s ", rows[i].label, chars < 34 ? (int)(34 - chars) : 0, "");
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
        { "state", "state / trạng thái" },
        { "proc", "procedure / thủ tục" },
        { "runit", "receiving unit / nơi tiếp nhận" },
        { "unit", "handling unit / nơi xử lý" },
        { "channel", "channel / kênh" },
        { "received_at", "received / tiếp nhận" },
        { "due", "due / hạn giải quyết" },
        { "promised", "promised / hẹn lại" },
        { "resolved_at", "resolved / giải quyết xong" },
        { "class", "class / kết quả" },
        { "sos_pending", "pending request / chờ duyệt" },
    };
    /* Record keys that repeat the dossier's identity. */
    static const char *const hidden[] = { "dossier", "proc", "runit", "received_at", NULL };
    static const char *const changes[] = { "unit", "due", NULL };
    static const cchc_history_view_t view = { hidden, changes, false };
    char id[CC_MAX_ID + 1];

    cc_map_strcpy(d, "id", id, sizeof(id));
    printf("Dossier / Hồ sơ %s\n", id);
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
    char iso[CC_TIME_ISO_LEN] = "?";
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
        if (arg[0] == '/') {
            snprintf(path, sizeof(path), "%s", arg);
        } else {
            char cwd[PATH_MAX];

            if (getcwd(cwd, sizeof(cwd)) == NULL ||
                (size_t)snprintf(path, sizeof(path), "%s/%s", cwd, arg) >= sizeof(path)) {
                status = cchc_usage_error("ctl", "backup: path too long");
                goto out;
            }
        }
        cc_enc_kv_str(&q, "path", path);
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

int cchc_cmd_ctl(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "json", NULL };
    static const cc_endpoint_t eps[] = { CC_EP_INTAKE, CC_EP_HOTLINE, CC_EP_SCORING };
    const char *what;
    char why[256];
    int ep = -1;

    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0)
        return cchc_usage_error("ctl", "%s", why);
    if (cli->n_args < 2)
        return cchc_usage_error("ctl", "usage: cchc ctl intake|hotline|scoring "
                                       "ping|stats|backup PATH|clock TIME");
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
    if (strcmp(what, "backup") == 0 || strcmp(what, "clock") == 0) {
        if (cli->n_args != 3)
            return cchc_usage_error("ctl", "usage: cchc ctl %s %s %s", cli->args[0], what,
                                    strcmp(what, "backup") == 0 ? "PATH" : "TIME");
        return ctl_request(cli, (cc_endpoint_t)ep, what, cli->args[2]);
    }
    return cchc_usage_error("ctl", "unknown ctl command '%s' (ping, stats, backup, clock)", what);
}
