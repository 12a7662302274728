/*
 * dossier.c - the dossier lifecycle (see dossier.h). Each rule cites
 * DOMAIN.md; PROTOCOL.md "Intake events" lists the same rules for clients.
 */
#include "dossier.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cc_base.h"

static const char *const state_names[CC_DOSSIER_STATE_COUNT_] = {
    "none",     "processing", "supplement_wait", "resolved",
    "returned", "refused",    "stopped",         "withdrawn",
};
/* Vietnamese names shown to clerks in rejection reasons. */
static const char *const state_vi[CC_DOSSIER_STATE_COUNT_] = {
    "chưa tiếp nhận", "đang xử lý",       "chờ bổ sung",   "đã xử lý xong",
    "đã trả kết quả", "không giải quyết", "đã dừng xử lý", "đã rút",
};
static const char *const event_names[CC_EV_KIND_COUNT_] = {
    "received",         "rejected_at_counter",
    "transferred",      "consult_requested",
    "consult_answered", "sos_requested",
    "sos_reviewed",     "supplement_completed",
    "extended",         "resolved",
    "returned",         "fee_paid",
    "digitized",        "rated",
};
static const char *const sos_names[] = { "none", "stop", "supplement", "refuse", "withdraw" };
static const char *const apology_names[] = { "none", "in_time", "late" };
static const char *const channel_names[] = { "direct", "online", "postal" };
static const char *const fee_names[] = { "cash", "cashless", "online" };
static const char *const return_names[] = { "counter", "post", "electronic" };
static const char *const digitized_names[] = { "components", "result" };
static const char *const rating_names[] = { "very_satisfied", "satisfied", "dissatisfied" };

#define NAME(tab, i) ((size_t)(i) < CC_N(tab) ? tab[i] : "?")

const char *cc_dossier_state_name(cc_dossier_state_t s) { return NAME(state_names, s); }
const char *cc_dossier_event_name(cc_dossier_event_kind_t k) { return NAME(event_names, k); }
const char *cc_sos_kind_name(cc_sos_kind_t k) { return NAME(sos_names, k); }
const char *cc_apology_name(cc_apology_t a) { return NAME(apology_names, a); }
const char *cc_channel_name(uint8_t c) { return NAME(channel_names, c); }
const char *cc_fee_method_name(uint8_t m) { return NAME(fee_names, m); }
const char *cc_return_method_name(uint8_t m) { return NAME(return_names, m); }
const char *cc_digitized_name(uint8_t w) { return NAME(digitized_names, w); }
const char *cc_rating_name(uint8_t r) { return NAME(rating_names, r); }

/* ---- Parsing ------------------------------------------------------------------- */

/* The fields of each event type beyond eid/type/at (PROTOCOL.md tables). */
static const cc_field_t f_received[] = {
    { "dossier", CC_T_ID, true, 0, 0 },
    { "proc", CC_T_CODE, true, 0, 0 },
    { "unit", CC_T_CODE, true, 0, 0 },
    { "channel", CC_T_CODE, true, 0, 0 },
};
static const cc_field_t f_dossier[] = { { "dossier", CC_T_ID, true, 0, 0 } };
static const cc_field_t f_transferred[] = {
    { "dossier", CC_T_ID, true, 0, 0 },
    { "to", CC_T_CODE, true, 0, 0 },
};
static const cc_field_t f_consult_req[] = {
    { "dossier", CC_T_ID, true, 0, 0 },
    { "agency", CC_T_CODE, true, 0, 0 },
    { "deadline", CC_T_TIME, true, 0, 0 },
};
static const cc_field_t f_consult_ans[] = {
    { "dossier", CC_T_ID, true, 0, 0 },
    { "agency", CC_T_CODE, true, 0, 0 },
};
static const cc_field_t f_sos_req[] = {
    { "dossier", CC_T_ID, true, 0, 0 },
    { "kind", CC_T_CODE, true, 0, 0 },
};
static const cc_field_t f_sos_rev[] = {
    { "dossier", CC_T_ID, true, 0, 0 },
    { "approved", CC_T_BOOL, true, 0, 0 },
};
static const cc_field_t f_extended[] = {
    { "dossier", CC_T_ID, true, 0, 0 },
    { "promised", CC_T_TIME, true, 0, 0 },
};
static const cc_field_t f_returned[] = {
    { "dossier", CC_T_ID, true, 0, 0 },
    { "method", CC_T_CODE, true, 0, 0 },
};
static const cc_field_t f_fee[] = {
    { "dossier", CC_T_ID, true, 0, 0 },
    { "amount", CC_T_UINT, true, 0, 1000000000000LL },
    { "method", CC_T_CODE, true, 0, 0 },
};
static const cc_field_t f_digitized[] = {
    { "dossier", CC_T_ID, true, 0, 0 },
    { "what", CC_T_CODE, true, 0, 0 },
};
static const cc_field_t f_rated[] = {
    { "dossier", CC_T_ID, true, 0, 0 },
    { "rating", CC_T_CODE, true, 0, 0 },
};

static const struct {
    const cc_field_t *fields;
    size_t n;
} schema[CC_EV_KIND_COUNT_] = {
    [CC_EV_RECEIVED] = { f_received, CC_N(f_received) },
    [CC_EV_REJECTED_AT_COUNTER] = { f_received, CC_N(f_received) },
    [CC_EV_TRANSFERRED] = { f_transferred, CC_N(f_transferred) },
    [CC_EV_CONSULT_REQUESTED] = { f_consult_req, CC_N(f_consult_req) },
    [CC_EV_CONSULT_ANSWERED] = { f_consult_ans, CC_N(f_consult_ans) },
    [CC_EV_SOS_REQUESTED] = { f_sos_req, CC_N(f_sos_req) },
    [CC_EV_SOS_REVIEWED] = { f_sos_rev, CC_N(f_sos_rev) },
    [CC_EV_SUPPLEMENT_COMPLETED] = { f_dossier, CC_N(f_dossier) },
    [CC_EV_EXTENDED] = { f_extended, CC_N(f_extended) },
    [CC_EV_RESOLVED] = { f_dossier, CC_N(f_dossier) },
    [CC_EV_RETURNED] = { f_returned, CC_N(f_returned) },
    [CC_EV_FEE_PAID] = { f_fee, CC_N(f_fee) },
    [CC_EV_DIGITIZED] = { f_digitized, CC_N(f_digitized) },
    [CC_EV_RATED] = { f_rated, CC_N(f_rated) },
};

int cc_dossier_event_parse(const msgpack_object *ev, cc_dossier_event_t *ret, cc_reject_t *rej)
{
    cc_dossier_event_t e = { 0 };
    const char *field = NULL;
    char why[256];
    cc_str_t type;
    size_t k;
    uint8_t v;

    cc_map_str(ev, "type", &type);
    for (k = 0; k < CC_EV_KIND_COUNT_; k++)
        if (cc_str_eq(type, event_names[k]))
            break;
    if (k == CC_EV_KIND_COUNT_)
        return cc_reject(rej, CC_ERR_UNSUPPORTED, "type", "Loại sự kiện '%.*s' không tồn tại",
                         "Unknown event type '%.*s'", (int)type.len, type.ptr);
    e.kind = (cc_dossier_event_kind_t)k;
    if (cc_fields_check(ev, schema[k].fields, schema[k].n, &field, why, sizeof(why)) < 0)
        return cc_reject(rej, CC_ERR_BAD_FIELD, field, "Sự kiện %s không hợp lệ: %s",
                         "Invalid %s event: %s", event_names[k], why);
    cc_map_i64(ev, "at", &e.at);
    cc_map_strcpy(ev, "dossier", e.dossier, sizeof(e.dossier));
    switch (e.kind) {
    case CC_EV_RECEIVED:
    case CC_EV_REJECTED_AT_COUNTER:
        cc_map_strcpy(ev, "proc", e.proc, sizeof(e.proc));
        cc_map_strcpy(ev, "unit", e.unit, sizeof(e.unit));
        if (cc_field_enum(ev, "channel", channel_names, CC_N(channel_names), &e.channel, rej))
            return 1;
        break;
    case CC_EV_TRANSFERRED:
        cc_map_strcpy(ev, "to", e.to_unit, sizeof(e.to_unit));
        break;
    case CC_EV_CONSULT_REQUESTED:
        cc_map_i64(ev, "deadline", &e.deadline);
        /* fall through */
    case CC_EV_CONSULT_ANSWERED:
        cc_map_strcpy(ev, "agency", e.agency, sizeof(e.agency));
        break;
    case CC_EV_SOS_REQUESTED:
        if (cc_field_enum(ev, "kind", sos_names + 1, CC_N(sos_names) - 1, &v, rej))
            return 1;
        e.sos_kind = (cc_sos_kind_t)(v + 1);
        break;
    case CC_EV_SOS_REVIEWED:
        cc_map_bool(ev, "approved", &e.approved);
        break;
    case CC_EV_EXTENDED:
        cc_map_i64(ev, "promised", &e.promised);
        break;
    case CC_EV_RETURNED:
        if (cc_field_enum(ev, "method", return_names, CC_N(return_names), &e.method, rej))
            return 1;
        break;
    case CC_EV_FEE_PAID:
        cc_map_u64(ev, "amount", &e.amount);
        if (cc_field_enum(ev, "method", fee_names, CC_N(fee_names), &e.method, rej))
            return 1;
        break;
    case CC_EV_DIGITIZED:
        if (cc_field_enum(ev, "what", digitized_names, CC_N(digitized_names), &e.what, rej))
            return 1;
        break;
    case CC_EV_RATED:
        if (cc_field_enum(ev, "rating", rating_names, CC_N(rating_names), &e.rating, rej))
            return 1;
        break;
    default:
        break;
    }
    *ret = e;
    return 0;
}

/* ---- The lifecycle ---------------------------------------------------------------- */

static int illegal(cc_reject_t *rej, const cc_dossier_t *d, const cc_dossier_event_t *ev,
                   const char *vi_why, const char *en_why)
{
    return cc_reject_transition(rej, event_names[ev->kind], "hồ sơ", "dossier", ev->dossier,
                                d->state < CC_DOSSIER_STATE_COUNT_ ? state_vi[d->state] : "?",
                                cc_dossier_state_name(d->state), vi_why, en_why);
}

/* Checks every event shares: future tolerance, time order. */
static int check_time(const cc_catalog_t *cat, const cc_dossier_t *d, const cc_dossier_event_t *ev,
                      int64_t now, bool lifecycle, cc_reject_t *rej)
{
    if (cc_check_not_future(cat, ev->at, now, rej))
        return 1;
    if (d->state != CC_DOSSIER_NONE)
        return cc_check_not_before(ev->at, lifecycle ? d->last_at : d->received_at, "hồ sơ",
                                   "dossier", rej);
    return 0;
}

static int check_unit_for_receipt(const cc_catalog_t *cat, const cc_dossier_event_t *ev,
                                  const cc_procedure_t **ret_proc, cc_reject_t *rej)
{
    const cc_procedure_t *p = cc_catalog_procedure(cat, ev->proc);

    if (cc_check_unit(cat, "unit", ev->unit, ev->at, rej))
        return 1;
    if (p == NULL)
        return cc_reject(rej, CC_ERR_UNKNOWN_PROCEDURE, "proc",
                         "Thủ tục '%s' không có trong danh mục", "Unknown procedure '%s'",
                         ev->proc);
    if (!cc_procedure_handled_by(p, ev->unit))
        return cc_reject(rej, CC_ERR_PROCEDURE_NOT_HANDLED, "proc",
                         "Đơn vị '%s' không giải quyết thủ tục '%s'",
                         "Unit '%s' does not handle procedure '%s'", ev->unit, ev->proc);
    *ret_proc = p;
    return 0;
}

/* Is @d in a state where processing is still going on? */
static bool open_state(const cc_dossier_t *d)
{
    return d->state == CC_DOSSIER_PROCESSING || d->state == CC_DOSSIER_SUPPLEMENT_WAIT;
}

int cc_dossier_apply(const cc_catalog_t *cat, cc_dossier_t *d, const cc_dossier_event_t *ev,
                     int64_t now, cc_dossier_outcome_t *out, cc_reject_t *rej)
{
    const cc_calendar_t *cal = cc_catalog_calendar(cat);
    const cc_policy_t *pol = cc_catalog_policy(cat);
    const cc_procedure_t *proc = NULL;
    cc_dossier_t n = *d; /* work on a copy: @d changes only on acceptance */
    bool lifecycle =
        ev->kind != CC_EV_FEE_PAID && ev->kind != CC_EV_DIGITIZED && ev->kind != CC_EV_RATED;
    int64_t due;
    int r;

    memset(out, 0, sizeof(*out));
    /* A second receipt is a duplicate whatever its time (not "before_previous"). */
    if ((ev->kind == CC_EV_RECEIVED || ev->kind == CC_EV_REJECTED_AT_COUNTER) &&
        d->state != CC_DOSSIER_NONE)
        return cc_reject(rej, CC_ERR_DUPLICATE_DOSSIER, "dossier",
                         "Hồ sơ %s đã được tiếp nhận trước đó", "Dossier %s was already received",
                         ev->dossier);
    if (check_time(cat, d, ev, now, lifecycle, rej))
        return 1;
    if (ev->kind == CC_EV_RECEIVED || ev->kind == CC_EV_REJECTED_AT_COUNTER) {
        if (check_unit_for_receipt(cat, ev, &proc, rej))
            return 1;
        if (ev->kind == CC_EV_REJECTED_AT_COUNTER)
            return 0; /* logged for the counts; no dossier is created (§3) */
        r = cc_due_at(cat, proc, ev->at, &due);
        if (r == -ERANGE)
            return cc_reject_calendar_gap(rej, ev->at);
        if (r < 0)
            return cc_reject(rej, CC_ERR_INTERNAL, NULL, "Không tính được hạn giải quyết",
                             "Could not compute the due date");
        memset(&n, 0, sizeof(n));
        n.version = CC_DOSSIER_VERSION;
        n.state = CC_DOSSIER_PROCESSING;
        n.channel = ev->channel;
        n.received_at = ev->at;
        n.due_at = due;
        n.last_at = ev->at;
        snprintf(n.proc, sizeof(n.proc), "%s", ev->proc);
        snprintf(n.recv_unit, sizeof(n.recv_unit), "%s", ev->unit);
        snprintf(n.unit, sizeof(n.unit), "%s", ev->unit);
        out->creates = out->stores_state = true;
        *d = n;
        return 0;
    }
    if (d->state == CC_DOSSIER_NONE)
        return cc_reject(rej, CC_ERR_UNKNOWN_DOSSIER, "dossier", "Hồ sơ %s chưa được tiếp nhận",
                         "Dossier %s has not been received", ev->dossier);
    switch (ev->kind) {
    case CC_EV_TRANSFERRED: {
        const cc_procedure_t *p = cc_catalog_procedure(cat, d->proc);

        if (!open_state(d))
            return illegal(rej, d, ev, "hồ sơ đã kết thúc xử lý",
                           "processing of the dossier has ended");
        if (cc_check_unit(cat, "to", ev->to_unit, ev->at, rej))
            return 1;
        if (strcmp(ev->to_unit, d->unit) == 0)
            return illegal(rej, d, ev, "hồ sơ đã ở đơn vị này",
                           "the dossier is already at that unit");
        if (p && !cc_procedure_handled_by(p, ev->to_unit))
            return cc_reject(rej, CC_ERR_PROCEDURE_NOT_HANDLED, "to",
                             "Đơn vị '%s' không giải quyết thủ tục '%s'",
                             "Unit '%s' does not handle procedure '%s'", ev->to_unit, d->proc);
        snprintf(n.unit, sizeof(n.unit), "%s", ev->to_unit);
        break;
    }
    case CC_EV_CONSULT_REQUESTED:
        if (!open_state(d))
            return illegal(rej, d, ev, "hồ sơ đã kết thúc xử lý",
                           "processing of the dossier has ended");
        if (ev->deadline <= ev->at)
            return cc_reject(rej, CC_ERR_BAD_FIELD, "deadline",
                             "Hạn trả lời phải sau thời điểm xin ý kiến",
                             "The consultation deadline must be after the request");
        if (n.consults_open == UINT8_MAX)
            return illegal(rej, d, ev, "quá nhiều lượt xin ý kiến đang mở",
                           "too many open consultations");
        n.consults_open++;
        break;
    case CC_EV_CONSULT_ANSWERED:
        if (d->consults_open == 0)
            return illegal(rej, d, ev, "không có lượt xin ý kiến nào đang chờ",
                           "no consultation is waiting for an answer");
        n.consults_open--;
        break;
    case CC_EV_SOS_REQUESTED: {
        int wd = 0;

        /* A dossier waiting for a supplement the citizen never brings must
         * still be able to end: stop, refuse and withdraw are allowed then. */
        if (d->state != CC_DOSSIER_PROCESSING &&
            !(d->state == CC_DOSSIER_SUPPLEMENT_WAIT && ev->sos_kind != CC_SOS_SUPPLEMENT))
            return illegal(rej, d, ev,
                           "chỉ hồ sơ đang xử lý (hoặc chờ bổ sung, trừ đề nghị bổ "
                           "sung) mới có thể có đề nghị này",
                           "only a dossier in processing (or waiting for a supplement, except "
                           "for another supplement request) can have such a request");
        if (d->sos_pending)
            return illegal(rej, d, ev, "đã có một đề nghị đang chờ xem xét",
                           "another request is pending review");
        if (ev->sos_kind == CC_SOS_SUPPLEMENT) {
            int32_t rday;

            /* Counted from the day the dossier counts as received (after the
             * cut-off: the next working day), like its due date. */
            r = cc_effective_receipt_day(cat, d->received_at, &rday);
            if (r == 0)
                r = cc_working_days_between(cal, rday, cc_local_day(ev->at), &wd);
            if (r == -ERANGE)
                return cc_reject_calendar_gap(rej, ev->at);
            /* "Guide once, in full" (NĐ 61 Đ17, Đ19 k4): accepted, but flagged. */
            out->supplement_rule_broken =
                d->supplements > 0 || wd > pol->supplement_late_working_days;
            if (n.supplements < UINT8_MAX)
                n.supplements++;
        }
        n.sos_pending = (uint8_t)ev->sos_kind;
        n.sos_at = ev->at;
        break;
    }
    case CC_EV_SOS_REVIEWED:
        if (!d->sos_pending)
            return illegal(rej, d, ev, "không có đề nghị nào đang chờ xem xét",
                           "no request is pending review");
        n.sos_pending = CC_SOS_NONE;
        if (ev->approved) {
            static const uint8_t to_state[] = {
                [CC_SOS_STOP] = CC_DOSSIER_STOPPED,
                [CC_SOS_SUPPLEMENT] = CC_DOSSIER_SUPPLEMENT_WAIT,
                [CC_SOS_REFUSE] = CC_DOSSIER_REFUSED,
                [CC_SOS_WITHDRAW] = CC_DOSSIER_WITHDRAWN,
            };
            n.state = to_state[d->sos_pending];
        }
        break;
    case CC_EV_SUPPLEMENT_COMPLETED: {
        const cc_procedure_t *p = cc_catalog_procedure(cat, d->proc);

        if (d->state != CC_DOSSIER_SUPPLEMENT_WAIT)
            return illegal(rej, d, ev, "hồ sơ không ở trạng thái chờ bổ sung",
                           "the dossier is not waiting for a supplement");
        if (p == NULL)
            return cc_reject(rej, CC_ERR_UNKNOWN_PROCEDURE, "dossier",
                             "Thủ tục '%s' của hồ sơ không còn trong danh mục",
                             "The dossier's procedure '%s' is no longer in the catalog", d->proc);
        /* The full duration counts again from that day (NĐ 61 Đ19 k4). */
        r = cc_due_at(cat, p, ev->at, &due);
        if (r == -ERANGE)
            return cc_reject_calendar_gap(rej, ev->at);
        if (r < 0)
            return cc_reject(rej, CC_ERR_INTERNAL, NULL, "Không tính được hạn giải quyết",
                             "Could not compute the due date");
        /* The apology and its promised date stay: an extension is allowed
         * at most once in a dossier's life (DOMAIN.md §3, NĐ 61 Đ19 k9). */
        n.due_at = due;
        n.state = CC_DOSSIER_PROCESSING;
        break;
    }
    case CC_EV_EXTENDED: {
        int32_t last_day;

        if (d->state != CC_DOSSIER_PROCESSING)
            return illegal(rej, d, ev, "chỉ hồ sơ đang xử lý mới được xin lỗi và hẹn lại",
                           "only a dossier in processing can be extended");
        if (d->apology != CC_APOLOGY_NONE)
            return illegal(rej, d, ev, "hồ sơ đã được xin lỗi và hẹn lại một lần (NĐ 61 Đ19 k9)",
                           "the dossier was already extended once (NĐ 61 Art. 19(9))");
        if (ev->promised <= d->due_at)
            return cc_reject(rej, CC_ERR_BAD_FIELD, "promised",
                             "Ngày hẹn lại phải sau hạn giải quyết",
                             "The promised date must be after the due date");
        if (ev->promised <= ev->at)
            return cc_reject(rej, CC_ERR_BAD_FIELD, "promised",
                             "Ngày hẹn lại phải sau thời điểm xin lỗi",
                             "The promised date must be after the apology");
        /* Issued in time when at least one working day before the due
         * date (NĐ 61 Đ19 k9); later ones are accepted and counted late. */
        r = cc_calendar_add_working_days(cal, cc_local_day(ev->at), 1, &last_day);
        if (r == -ERANGE)
            return cc_reject_calendar_gap(rej, ev->at);
        n.apology = cc_local_day(d->due_at) >= last_day && ev->at <= d->due_at ? CC_APOLOGY_IN_TIME
                                                                               : CC_APOLOGY_LATE;
        n.promised_at = ev->promised;
        break;
    }
    case CC_EV_RESOLVED: {
        cc_class_t k;

        if (d->state != CC_DOSSIER_PROCESSING)
            return illegal(rej, d, ev, "chỉ hồ sơ đang xử lý mới có thể có kết quả",
                           "only a dossier in processing can be resolved");
        if (d->sos_pending)
            return illegal(rej, d, ev, "đề nghị dừng/bổ sung/không giải quyết/rút đang chờ xem xét",
                           "a stop/supplement/refuse/withdraw request is pending review");
        r = cc_classify(cal, ev->at, d->due_at, &k);
        if (r == -ERANGE)
            return cc_reject_calendar_gap(rej, ev->at);
        n.klass = (uint8_t)(k + 1);
        n.resolved_at = ev->at;
        n.state = CC_DOSSIER_RESOLVED;
        break;
    }
    case CC_EV_RETURNED:
        if (d->state != CC_DOSSIER_RESOLVED)
            return illegal(rej, d, ev, "chưa có kết quả giải quyết để trả",
                           "there is no result to return");
        n.state = CC_DOSSIER_RETURNED;
        break;
    case CC_EV_DIGITIZED:
        if (ev->what == 1 && d->state != CC_DOSSIER_RESOLVED && d->state != CC_DOSSIER_RETURNED)
            return illegal(rej, d, ev, "chưa có kết quả để số hóa",
                           "there is no result to digitize yet");
        break;
    case CC_EV_FEE_PAID:
    case CC_EV_RATED:
        break;
    default:
        return cc_reject(rej, CC_ERR_BAD_FIELD, "type", "Loại sự kiện không hợp lệ",
                         "Invalid event type");
    }
    if (lifecycle)
        n.last_at = ev->at;
    out->stores_state = lifecycle;
    *d = n;
    return 0;
}
