/*
 * report.c - the unit report query (see report.h).
 */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cc_base.h"
#include "cc_time.h"
#include "tally.h"

static const cc_field_t q_report_fields[] = {
    { "unit", CC_T_CODE, true, 0, 0 },
    { "from", CC_T_INT, true, 0, 0 },
    { "to", CC_T_INT, true, 0, 0 },
};

/* A rate's three keys: <name>_num, <name>_den, <name>_rate. */
static void enc_rate(cc_enc_t *out, const char *name, uint64_t num, uint64_t den)
{
    char key[CC_MAX_KEY + 1], rate[32];

    sc_rate_format(num, den, rate, sizeof(rate));
    snprintf(key, sizeof(key), "%s_num", name);
    cc_enc_kv_u64(out, key, num);
    snprintf(key, sizeof(key), "%s_den", name);
    cc_enc_kv_u64(out, key, den);
    snprintf(key, sizeof(key), "%s_rate", name);
    cc_enc_kv_str(out, key, rate);
}

void sc_rate_format(uint64_t num, uint64_t den, char *buf, size_t size)
{
    unsigned __int128 hundredths;

    if (den == 0) {
        snprintf(buf, size, "no data");
        return;
    }
    /* Integer arithmetic: 10000 * num / den, rounded half up. */
    hundredths = ((unsigned __int128)num * 20000 + den) / (2 * (unsigned __int128)den);
    snprintf(buf, size, "%llu.%02llu", (unsigned long long)(hundredths / 100),
             (unsigned long long)(hundredths % 100));
}

int sc_report_query(sc_state_t *st, const cc_principal_t *who, const msgpack_object *body,
                    uint64_t rid, cc_enc_t *out, cc_reject_t *rej)
{
    char unit[CC_MAX_CODE + 1], why[256];
    const cc_catalog_t *cat = sc_state_catalog(st);
    const cc_unit_t *u;
    const char *field = NULL;
    sc_sum_t before, within, all;
    uint64_t backlog, resolved, on_time, paid, ratings, pakn_kept, pakn_handled;
    int64_t from, to;
    bool hotline;
    cc_txn_t txn;
    size_t map;
    int r;

    if (cc_fields_check(body, q_report_fields, CC_N(q_report_fields), &field, why, sizeof(why)) < 0)
        return cc_reject(rej, CC_ERR_BAD_FIELD, field, "Truy vấn báo cáo không hợp lệ: %s",
                         "Invalid report query: %s", why);
    cc_map_strcpy(body, "unit", unit, sizeof(unit));
    /* "-": the hotline's own figures, kept under the empty unit code. */
    hotline = strcmp(unit, SC_REPORT_HOTLINE) == 0;
    cc_map_i64(body, "from", &from);
    cc_map_i64(body, "to", &to);
    if (to < from)
        return cc_reject(rej, CC_ERR_BAD_FIELD, "to", "Ngày kết thúc trước ngày bắt đầu",
                         "'to' is before 'from'");
    if (!(who->role == CC_ROLE_OPERATOR ||
          (who->role == CC_ROLE_SUPERVISOR &&
           (!hotline ? cc_principal_has_unit(who, unit) : who->all_units))))
        return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "unit",
                         "Đơn vị %s không thuộc phạm vi của bạn", "Unit %s is outside your scope",
                         unit);
    u = cat && !hotline ? cc_catalog_unit(cat, unit) : NULL;
    if (cat && !hotline && u == NULL)
        return cc_reject(rej, CC_ERR_UNKNOWN_UNIT, "unit", "Không có đơn vị %s", "No unit %s",
                         unit);
    if ((r = cc_store_read_begin(sc_state_store(st), &txn)) < 0)
        return r;
    r = sc_tally_range(&txn, sc_state_tally_dbi(st), hotline ? "" : unit, cc_local_day(from),
                       cc_local_day(to), &before, &within);
    cc_txn_end(&txn);
    if (r < 0)
        return r;
    backlog = sc_sum_open(&before);
    on_time = within.c[SC_RESOLVED_EARLY] + within.c[SC_RESOLVED_ON_TIME];
    resolved = on_time + within.c[SC_RESOLVED_LATE];
    for (int i = 0; i < SC_COUNTER_COUNT_; i++)
        all.c[i] = before.c[i] + within.c[i];
    paid = within.c[SC_PAID_CASH] + within.c[SC_PAID_CASHLESS] + within.c[SC_PAID_ONLINE];
    ratings = within.c[SC_RATED_VERY] + within.c[SC_RATED_OK] + within.c[SC_RATED_BAD];
    /* Complaints this unit had to handle: for the hotline (""), those it
     * received without a unit less those it handed to a unit. */
    pakn_kept = within.c[SC_PAKN_RECEIVED] > within.c[SC_PAKN_TO_UNIT]
                    ? within.c[SC_PAKN_RECEIVED] - within.c[SC_PAKN_TO_UNIT]
                    : 0;
    /* Handled: answered, refused or forwarded outside the province: each
     * ends the complaint lawfully (NĐ 20/2008). */
    pakn_handled =
        within.c[SC_PAKN_ANSWERED] + within.c[SC_PAKN_REFUSED] + within.c[SC_PAKN_FORWARDED];
    map = cc_enc_map_open(out);
    cc_enc_kv_u64(out, "rid", rid);
    cc_enc_kv_str(out, "unit", unit);
    cc_enc_kv_str(out, "unit_name", u ? u->name : hotline ? "Tổng đài 1022" : "");
    cc_enc_kv_i64(out, "from", from);
    cc_enc_kv_i64(out, "to", to);
    for (int i = 0; i < SC_COUNTER_COUNT_; i++)
        cc_enc_kv_u64(out, sc_counter_name((sc_counter_t)i), within.c[i]);
    cc_enc_kv_u64(out, "resolved", resolved);
    cc_enc_kv_u64(out, "backlog_at_start", backlog);
    cc_enc_kv_u64(out, "to_handle", backlog + within.c[SC_RECEIVED] + within.c[SC_TRANSFERRED_IN]);
    cc_enc_kv_u64(out, "open_at_end", sc_sum_open(&all));
    cc_enc_kv_u64(out, "paid", paid);
    cc_enc_kv_u64(out, "ratings", ratings);
    /* SOS requests still pending at the end of `to`'s day, per kind and in all. */
    {
        static const char *const kinds[] = { "stop", "supp", "refuse", "wdraw" };
        uint64_t pending_all = 0;
        char key[CC_MAX_KEY + 1];

        for (int k = 0; k < 4; k++) {
            uint64_t req = all.c[SC_SOS_STOP_REQ + 3 * k];
            uint64_t done = all.c[SC_SOS_STOP_OK + 3 * k] + all.c[SC_SOS_STOP_DENY + 3 * k];
            uint64_t pending = req > done ? req - done : 0;

            snprintf(key, sizeof(key), "sos_%s_pend", kinds[k]);
            cc_enc_kv_u64(out, key, pending);
            pending_all += pending;
        }
        cc_enc_kv_u64(out, "sos_pending", pending_all);
    }
    cc_enc_kv_u64(out, "pakn_to_handle", pakn_kept);
    cc_enc_kv_u64(out, "pakn_handled", pakn_handled);
    cc_enc_kv_u64(out, "sos_requests",
                  within.c[SC_SOS_STOP_REQ] + within.c[SC_SOS_SUPP_REQ] +
                      within.c[SC_SOS_REFUSE_REQ] + within.c[SC_SOS_WDRAW_REQ]);
    enc_rate(out, "on_time", on_time, resolved);
    enc_rate(out, "satisfied", within.c[SC_RATED_VERY] + within.c[SC_RATED_OK], ratings);
    enc_rate(out, "cashless", within.c[SC_PAID_CASHLESS] + within.c[SC_PAID_ONLINE], paid);
    enc_rate(out, "online", within.c[SC_RECEIVED_ONLINE], within.c[SC_RECEIVED]);
    enc_rate(out, "pakn_ot", within.c[SC_PAKN_ANSWERED_ON_TIME], within.c[SC_PAKN_ANSWERED]);
    enc_rate(out, "pakn_res", pakn_handled, pakn_kept);
    cc_enc_map_close(out, map);
    return 0;
}
