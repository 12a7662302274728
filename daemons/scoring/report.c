/*
 * report.c - the unit report query (see report.h).
 */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cc_time.h"
#include "tally.h"

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const cc_field_t q_report_fields[] = {
    { "unit", CC_T_CODE, true, 0, 0 },
    { "from", CC_T_INT, true, 0, 0 },
    { "to", CC_T_INT, true, 0, 0 },
};

/* Counters copied into the RESULT as they are (summed over the period). */
static const sc_counter_t plain[] = {
    SC_RECEIVED,          SC_RECEIVED_DIRECT,     SC_RECEIVED_ONLINE,
    SC_RECEIVED_POSTAL,   SC_REJECTED_AT_COUNTER, SC_RESOLVED_EARLY,
    SC_RESOLVED_ON_TIME,  SC_RESOLVED_LATE,       SC_ENDED_WITHOUT_CLASS,
    SC_TRANSFERRED_IN,    SC_TRANSFERRED_OUT,     SC_PAKN_RECEIVED,
    SC_PAKN_ANSWERED,     SC_PAKN_ANSWERED_ON_TIME, SC_CONTACTS,
    SC_CONTACTS_INFORMATION, SC_CONTACTS_GUIDANCE, SC_CONTACTS_POSTAL,
    SC_CONTACTS_COMPLAINT, SC_CONTACTS_OTHER,
};

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
    char unit[CC_MAX_CODE + 1], rate[32], why[256];
    const cc_catalog_t *cat = sc_state_catalog(st);
    const cc_unit_t *u;
    const char *field = NULL;
    sc_sum_t before, within;
    uint64_t backlog, resolved, on_time;
    int64_t from, to;
    cc_txn_t txn;
    int r;

    if (cc_fields_check(body, q_report_fields, N(q_report_fields), &field, why, sizeof(why)) < 0)
        return cc_reject(rej, CC_ERR_BAD_FIELD, field, "Truy vấn báo cáo không hợp lệ: %s",
                         "Invalid report query: %s", why);
    cc_map_strcpy(body, "unit", unit, sizeof(unit));
    cc_map_i64(body, "from", &from);
    cc_map_i64(body, "to", &to);
    if (to < from)
        return cc_reject(rej, CC_ERR_BAD_FIELD, "to", "Ngày kết thúc trước ngày bắt đầu",
                         "'to' is before 'from'");
    if (!(who->role == CC_ROLE_OPERATOR ||
          (who->role == CC_ROLE_SUPERVISOR && cc_principal_has_unit(who, unit))))
        return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "unit",
                         "Đơn vị %s không thuộc phạm vi của bạn",
                         "Unit %s is outside your scope", unit);
    u = cat ? cc_catalog_unit(cat, unit) : NULL;
    if (cat && u == NULL)
        return cc_reject(rej, CC_ERR_UNKNOWN_UNIT, "unit", "Không có đơn vị %s",
                         "No unit %s", unit);
    if ((r = cc_store_read_begin(sc_state_store(st), &txn)) < 0)
        return r;
    r = sc_tally_range(&txn, sc_state_tally_dbi(st), unit, cc_local_day(from), cc_local_day(to),
                       &before, &within);
    cc_txn_end(&txn);
    if (r < 0)
        return r;
    backlog = sc_sum_open(&before);
    on_time = within.c[SC_RESOLVED_EARLY] + within.c[SC_RESOLVED_ON_TIME];
    resolved = on_time + within.c[SC_RESOLVED_LATE];
    sc_rate_format(on_time, resolved, rate, sizeof(rate));
    {
        sc_sum_t all = before;

        for (int i = 0; i < SC_COUNTER_COUNT_; i++)
            all.c[i] += within.c[i];
        cc_enc_map(out, 5 + N(plain) + 7);
        cc_enc_kv_u64(out, "rid", rid);
        cc_enc_kv_str(out, "unit", unit);
        cc_enc_kv_str(out, "unit_name", u ? u->name : "");
        cc_enc_kv_i64(out, "from", from);
        cc_enc_kv_i64(out, "to", to);
        for (size_t i = 0; i < N(plain); i++)
            cc_enc_kv_u64(out, sc_counter_name(plain[i]), within.c[plain[i]]);
        cc_enc_kv_u64(out, "resolved", resolved);
        cc_enc_kv_u64(out, "backlog_at_start", backlog);
        cc_enc_kv_u64(out, "to_handle",
                      backlog + within.c[SC_RECEIVED] + within.c[SC_TRANSFERRED_IN]);
        cc_enc_kv_u64(out, "open_at_end", sc_sum_open(&all));
        cc_enc_kv_u64(out, "on_time_num", on_time);
        cc_enc_kv_u64(out, "on_time_den", resolved);
        cc_enc_kv_str(out, "on_time_rate", rate);
    }
    return 0;
}
