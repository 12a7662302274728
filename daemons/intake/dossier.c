/*
 * dossier.c - the dossier lifecycle (see dossier.h). Each rule cites
 * DOMAIN.md; PROTOCOL.md "Intake events" lists the same rules for clients.
 */
#include "dossier.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cc_base.h"

/* ---- Parsing ------------------------------------------------------------------- */

int cc_dossier_event_parse(const msgpack_object *ev, cc_dossier_event_t *ret, cc_reject_t *rej)
{
    cc_dossier_event_t e = { 0 };
    cc_str_t type;
    int k;
    uint8_t v;

    /* The fields of each type: cc_dossier_event_schemas (proto/cc_schema.c). */
    cc_map_str(ev, "type", &type);
    if ((k = cc_vocab_find(&cc_dossier_events, 0, type.ptr, type.len)) < 0)
        return cc_reject_type(rej, CC_EVENTS_INTAKE, type);
    e.kind = (cc_dossier_event_kind_t)k;
    if (cc_reject_event_fields(rej, &cc_dossier_event_schemas[k], ev))
        return 1;
    cc_map_i64(ev, "at", &e.at);
    cc_map_strcpy(ev, "dossier", e.dossier, sizeof(e.dossier));
    switch (e.kind) {
    case CC_EV_RECEIVED:
    case CC_EV_REJECTED_AT_COUNTER:
        cc_map_strcpy(ev, "proc", e.proc, sizeof(e.proc));
        cc_map_strcpy(ev, "unit", e.unit, sizeof(e.unit));
        if (cc_field_enum(ev, "channel", &cc_channels, 0, &e.channel, rej))
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
        if (cc_field_enum(ev, "kind", &cc_sos_kinds, CC_SOS_STOP, &v, rej))
            return 1;
        e.sos_kind = (cc_sos_kind_t)v;
        break;
    case CC_EV_SOS_REVIEWED:
        cc_map_bool(ev, "approved", &e.approved);
        break;
    case CC_EV_EXTENDED:
        cc_map_i64(ev, "promised", &e.promised);
        break;
    case CC_EV_RETURNED:
        if (cc_field_enum(ev, "method", &cc_return_methods, 0, &e.method, rej))
            return 1;
        break;
    case CC_EV_FEE_PAID:
        cc_map_u64(ev, "amount", &e.amount);
        if (cc_field_enum(ev, "method", &cc_fee_methods, 0, &e.method, rej))
            return 1;
        break;
    case CC_EV_DIGITIZED:
        if (cc_field_enum(ev, "what", &cc_digitized, 0, &e.what, rej))
            return 1;
        break;
    case CC_EV_RATED:
        if (cc_field_enum(ev, "rating", &cc_ratings, 0, &e.rating, rej))
            return 1;
        break;
    default:
        break;
    }
    *ret = e;
    return 0;
}

/* ---- The lifecycle table (PROTOCOL.md §3.3) ----------------------------------- */

#define S(x) CC_DOSSIER_##x
#define DUP CC_TR_REFUSED(CC_ERR_DUPLICATE_DOSSIER)
#define UNKNOWN CC_TR_REFUSED(CC_ERR_UNKNOWN_DOSSIER)
/* The same cell in the three terminal states. */
#define ENDED(cell) [S(REFUSED)] = cell, [S(STOPPED)] = cell, [S(WITHDRAWN)] = cell

/* [event][state]: what the table does not list is ✗ (illegal_transition). */
static const cc_transition_t lifecycle[CC_EV_KIND_COUNT_][CC_DOSSIER_STATE_COUNT_] = {
    [CC_EV_RECEIVED] = { [S(NONE)] = CC_TR_TO(S(PROCESSING), 0),
                         [S(PROCESSING)] = DUP,
                         [S(SUPPLEMENT_WAIT)] = DUP,
                         [S(RESOLVED)] = DUP,
                         [S(RETURNED)] = DUP,
                         ENDED(DUP) },
    [CC_EV_REJECTED_AT_COUNTER] = { [S(NONE)] = CC_TR_SAME(0),
                                    [S(PROCESSING)] = DUP,
                                    [S(SUPPLEMENT_WAIT)] = DUP,
                                    [S(RESOLVED)] = DUP,
                                    [S(RETURNED)] = DUP,
                                    ENDED(DUP) },
    [CC_EV_TRANSFERRED] = { [S(NONE)] = UNKNOWN,
                            [S(PROCESSING)] = CC_TR_SAME('a'),
                            [S(SUPPLEMENT_WAIT)] = CC_TR_SAME('a') },
    [CC_EV_CONSULT_REQUESTED] = { [S(NONE)] = UNKNOWN,
                                  [S(PROCESSING)] = CC_TR_SAME('b'),
                                  [S(SUPPLEMENT_WAIT)] = CC_TR_SAME('b') },
    [CC_EV_CONSULT_ANSWERED] = { [S(NONE)] = UNKNOWN,
                                 [S(PROCESSING)] = CC_TR_SAME('c'),
                                 [S(SUPPLEMENT_WAIT)] = CC_TR_SAME('c'),
                                 [S(RESOLVED)] = CC_TR_SAME('c'),
                                 [S(RETURNED)] = CC_TR_SAME('c'),
                                 ENDED(CC_TR_SAME('c')) },
    [CC_EV_SOS_REQUESTED] = { [S(NONE)] = UNKNOWN,
                              [S(PROCESSING)] = CC_TR_SAME('d'),
                              [S(SUPPLEMENT_WAIT)] = CC_TR_SAME('d') },
    [CC_EV_SOS_REVIEWED] = { [S(NONE)] = UNKNOWN,
                             [S(PROCESSING)] = CC_TR_BY_EFFECT('e'),
                             [S(SUPPLEMENT_WAIT)] = CC_TR_BY_EFFECT('e') },
    [CC_EV_SUPPLEMENT_COMPLETED] = { [S(NONE)] = UNKNOWN,
                                     [S(SUPPLEMENT_WAIT)] = CC_TR_TO(S(PROCESSING), 'f') },
    [CC_EV_EXTENDED] = { [S(NONE)] = UNKNOWN, [S(PROCESSING)] = CC_TR_SAME('g') },
    [CC_EV_RESOLVED] = { [S(NONE)] = UNKNOWN, [S(PROCESSING)] = CC_TR_TO(S(RESOLVED), 'h') },
    [CC_EV_RETURNED] = { [S(NONE)] = UNKNOWN, [S(RESOLVED)] = CC_TR_TO(S(RETURNED), 0) },
    [CC_EV_FEE_PAID] = { [S(NONE)] = UNKNOWN,
                         [S(PROCESSING)] = CC_TR_SAME(0),
                         [S(SUPPLEMENT_WAIT)] = CC_TR_SAME(0),
                         [S(RESOLVED)] = CC_TR_SAME(0),
                         [S(RETURNED)] = CC_TR_SAME(0),
                         ENDED(CC_TR_SAME(0)) },
    [CC_EV_DIGITIZED] = { [S(NONE)] = UNKNOWN,
                          [S(PROCESSING)] = CC_TR_SAME('i'),
                          [S(SUPPLEMENT_WAIT)] = CC_TR_SAME('i'),
                          [S(RESOLVED)] = CC_TR_SAME(0),
                          [S(RETURNED)] = CC_TR_SAME(0),
                          ENDED(CC_TR_SAME('i')) },
    [CC_EV_RATED] = { [S(NONE)] = UNKNOWN,
                      [S(PROCESSING)] = CC_TR_SAME(0),
                      [S(SUPPLEMENT_WAIT)] = CC_TR_SAME(0),
                      [S(RESOLVED)] = CC_TR_SAME(0),
                      [S(RETURNED)] = CC_TR_SAME(0),
                      ENDED(CC_TR_SAME(0)) },
};

const cc_transition_t *cc_dossier_transition(cc_dossier_event_kind_t k, cc_dossier_state_t s)
{
    static const cc_transition_t illegal_cell = { 0 };

    return (unsigned)k < CC_EV_KIND_COUNT_ && (unsigned)s < CC_DOSSIER_STATE_COUNT_
               ? &lifecycle[k][s]
               : &illegal_cell;
}

/* ---- Guards and effects: what the table cannot say ------------------------------ */

/* One event being applied: the dossier as it is (@d) and as it will be (@n). */
typedef struct {
    const cc_catalog_t *cat;
    const cc_dossier_t *d;
    cc_dossier_t *n;
    const cc_dossier_event_t *ev;
    cc_dossier_outcome_t *out;
    cc_reject_t *rej;
} step_t;

static int illegal(step_t *s, const char *vi_why, const char *en_why)
{
    return cc_reject_transition(s->rej, cc_vocab_name(&cc_dossier_events, s->ev->kind), "hồ sơ",
                                "dossier", s->ev->dossier,
                                cc_vocab_vi(&cc_dossier_states, s->d->state),
                                cc_vocab_name(&cc_dossier_states, s->d->state), vi_why, en_why);
}

/* A due-date or calendar computation's result @r as a refusal (1), or 0. */
static int date_rule(step_t *s, int r, const char *vi_what, const char *en_what)
{
    return cc_reject_date_error(s->rej, r, s->ev->at, vi_what, en_what);
}

static int check_receipt(const cc_catalog_t *cat, const cc_dossier_event_t *ev, cc_reject_t *rej)
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
    return 0;
}

/* Copy code @src (checked: at most CC_MAX_CODE bytes) into @dst, which
 * holds CC_MAX_CODE + 1. */
static void copy_code(char *dst, const char *src)
{
    size_t n = strnlen(src, CC_MAX_CODE);

    memcpy(dst, src, n);
    dst[n] = '\0';
}

/* received: a new dossier with its due date (DOMAIN.md §4). */
static int on_received(step_t *s)
{
    const cc_procedure_t *proc = cc_catalog_procedure(s->cat, s->ev->proc);
    const cc_dossier_event_t *ev = s->ev;
    cc_dossier_t *n = s->n;
    int64_t due;
    int r;

    if ((r = date_rule(s, cc_due_at(s->cat, proc, ev->at, &due), "hạn giải quyết",
                       "the due date")) != 0)
        return r;
    memset(n, 0, sizeof(*n));
    n->version = CC_DOSSIER_VERSION;
    n->channel = ev->channel;
    n->received_at = ev->at;
    n->due_at = due;
    copy_code(n->proc, ev->proc);
    copy_code(n->recv_unit, ev->unit);
    copy_code(n->unit, ev->unit);
    s->out->creates = true;
    return 0;
}

/* (a) The handling unit becomes `to`; the due date does not change. */
static int on_transferred(step_t *s)
{
    const cc_procedure_t *p = cc_catalog_procedure(s->cat, s->d->proc);
    const cc_dossier_event_t *ev = s->ev;

    if (cc_check_unit(s->cat, "to", ev->to_unit, ev->at, s->rej))
        return 1;
    if (strcmp(ev->to_unit, s->d->unit) == 0)
        return illegal(s, "hồ sơ đã ở đơn vị này", "the dossier is already at that unit");
    if (p && !cc_procedure_handled_by(p, ev->to_unit))
        return cc_reject(s->rej, CC_ERR_PROCEDURE_NOT_HANDLED, "to",
                         "Đơn vị '%s' không giải quyết thủ tục '%s'",
                         "Unit '%s' does not handle procedure '%s'", ev->to_unit, s->d->proc);
    copy_code(s->n->unit, ev->to_unit);
    return 0;
}

/* (b) One more open consultation, with a deadline after the request. */
static int on_consult_requested(step_t *s)
{
    if (s->ev->deadline <= s->ev->at)
        return cc_reject(s->rej, CC_ERR_BAD_FIELD, "deadline",
                         "Hạn trả lời phải sau thời điểm xin ý kiến",
                         "The consultation deadline must be after the request");
    if (s->n->consults_open == UINT8_MAX)
        return illegal(s, "quá nhiều lượt xin ý kiến đang mở", "too many open consultations");
    s->n->consults_open++;
    return 0;
}

/* (c) Closes one open consultation. */
static int on_consult_answered(step_t *s)
{
    if (s->d->consults_open == 0)
        return illegal(s, "không có lượt xin ý kiến nào đang chờ",
                       "no consultation is waiting for an answer");
    s->n->consults_open--;
    return 0;
}

#define SOS_STATES_VI                                                                              \
    "chỉ hồ sơ đang xử lý (hoặc chờ bổ sung, trừ đề nghị bổ sung) mới có thể có đề nghị này"
#define SOS_STATES_EN                                                                              \
    "only a dossier in processing (or waiting for a supplement, except for another supplement "    \
    "request) can have such a request"

/* (d) One request pending review at a time; in supplement_wait no second
 * supplement (a dossier waiting for a supplement that never comes must
 * still be able to end: stop, refuse and withdraw are allowed then); a
 * supplement request is flagged when it breaks "guide once, in full". */
static int on_sos_requested(step_t *s)
{
    const cc_dossier_t *d = s->d;
    int32_t rday;
    int wd = 0, r;

    if (d->state == CC_DOSSIER_SUPPLEMENT_WAIT && s->ev->sos_kind == CC_SOS_SUPPLEMENT)
        return illegal(s, SOS_STATES_VI, SOS_STATES_EN);
    if (d->sos_pending)
        return illegal(s, "đã có một đề nghị đang chờ xem xét",
                       "another request is pending review");
    if (s->ev->sos_kind == CC_SOS_SUPPLEMENT) {
        /* Counted from the day the dossier counts as received (after the
         * cut-off: the next working day), like its due date. */
        r = cc_effective_receipt_day(s->cat, d->received_at, &rday);
        if (r == 0)
            r = cc_working_days_between(cc_catalog_calendar(s->cat), rday, cc_local_day(s->ev->at),
                                        &wd);
        if ((r = date_rule(s, r, "số ngày làm việc", "the working days")) != 0)
            return r;
        /* "Guide once, in full" (NĐ 61 Đ17, Đ19 k4): accepted, but flagged. */
        s->out->supplement_rule_broken =
            d->supplements > 0 || wd > cc_catalog_policy(s->cat)->supplement_late_working_days;
        if (s->n->supplements < UINT8_MAX)
            s->n->supplements++;
    }
    s->n->sos_pending = (uint8_t)s->ev->sos_kind;
    s->n->sos_at = s->ev->at;
    return 0;
}

/* (e) Approved: the request's state; denied: the state stays. */
static int on_sos_reviewed(step_t *s)
{
    static const uint8_t approved_state[CC_SOS_KIND_COUNT_] = {
        [CC_SOS_STOP] = CC_DOSSIER_STOPPED,
        [CC_SOS_SUPPLEMENT] = CC_DOSSIER_SUPPLEMENT_WAIT,
        [CC_SOS_REFUSE] = CC_DOSSIER_REFUSED,
        [CC_SOS_WITHDRAW] = CC_DOSSIER_WITHDRAWN,
    };

    if (!s->d->sos_pending || s->d->sos_pending >= CC_SOS_KIND_COUNT_)
        return illegal(s, "không có đề nghị nào đang chờ xem xét", "no request is pending review");
    s->n->sos_pending = CC_SOS_NONE;
    if (s->ev->approved)
        s->n->state = approved_state[s->d->sos_pending];
    return 0;
}

/* (f) The full duration counts again from that day (NĐ 61 Đ19 k4). The
 * apology and its promised date stay: an extension is allowed at most once
 * in a dossier's life (NĐ 61 Đ19 k9). */
static int on_supplement_completed(step_t *s)
{
    const cc_procedure_t *p = cc_catalog_procedure(s->cat, s->d->proc);

    if (p == NULL)
        return cc_reject(s->rej, CC_ERR_UNKNOWN_PROCEDURE, "dossier",
                         "Thủ tục '%s' của hồ sơ không còn trong danh mục",
                         "The dossier's procedure '%s' is no longer in the catalog", s->d->proc);
    return date_rule(s, cc_due_at(s->cat, p, s->ev->at, &s->n->due_at), "hạn giải quyết",
                     "the due date");
}

/* (g) At most once; the promised date after the due date and the apology;
 * in time when at least one working day before the due date. */
static int on_extended(step_t *s)
{
    const cc_dossier_t *d = s->d;
    const cc_dossier_event_t *ev = s->ev;
    int32_t last_day;
    int r;

    if (d->apology != CC_APOLOGY_NONE)
        return illegal(s, "hồ sơ đã được xin lỗi và hẹn lại một lần (NĐ 61 Đ19 k9)",
                       "the dossier was already extended once (NĐ 61 Art. 19(9))");
    if (ev->promised <= d->due_at)
        return cc_reject(s->rej, CC_ERR_BAD_FIELD, "promised",
                         "Ngày hẹn lại phải sau hạn giải quyết",
                         "The promised date must be after the due date");
    if (ev->promised <= ev->at)
        return cc_reject(s->rej, CC_ERR_BAD_FIELD, "promised",
                         "Ngày hẹn lại phải sau thời điểm xin lỗi",
                         "The promised date must be after the apology");
    r = cc_calendar_add_working_days(cc_catalog_calendar(s->cat), cc_local_day(ev->at), 1,
                                     &last_day);
    if ((r = date_rule(s, r, "ngày làm việc", "the working day")) != 0)
        return r;
    s->n->apology = cc_local_day(d->due_at) >= last_day && ev->at <= d->due_at ? CC_APOLOGY_IN_TIME
                                                                               : CC_APOLOGY_LATE;
    s->n->promised_at = ev->promised;
    return 0;
}

/* (h) Not while a request is pending; classified against the due date. */
static int on_resolved(step_t *s)
{
    cc_class_t k;
    int r;

    if (s->d->sos_pending)
        return illegal(s, "đề nghị dừng/bổ sung/không giải quyết/rút đang chờ xem xét",
                       "a stop/supplement/refuse/withdraw request is pending review");
    r = cc_classify(cc_catalog_calendar(s->cat), s->ev->at, s->d->due_at, &k);
    if ((r = date_rule(s, r, "kết quả đúng hạn", "the resolution class")) != 0)
        return r;
    s->n->klass = (uint8_t)(k + 1);
    s->n->resolved_at = s->ev->at;
    return 0;
}

/* (i) A result is digitized only once there is one. */
static int on_digitized(step_t *s)
{
    if (s->ev->what == CC_DIGITIZED_RESULT && s->d->state != CC_DOSSIER_RESOLVED &&
        s->d->state != CC_DOSSIER_RETURNED)
        return illegal(s, "chưa có kết quả để số hóa", "there is no result to digitize yet");
    return 0;
}

/* Per event: its guards and effects, whether it is a lifecycle event (time
 * ordered against the last one, and moving it), and why a ✗ refuses it. */
static const struct {
    int (*effect)(step_t *s);
    bool lifecycle;
    const char *illegal_vi, *illegal_en;
} events[CC_EV_KIND_COUNT_] = {
    [CC_EV_RECEIVED] = { on_received, true, NULL, NULL },
    [CC_EV_REJECTED_AT_COUNTER] = { NULL, true, NULL, NULL },
    [CC_EV_TRANSFERRED] = { on_transferred, true, "hồ sơ đã kết thúc xử lý",
                            "processing of the dossier has ended" },
    [CC_EV_CONSULT_REQUESTED] = { on_consult_requested, true, "hồ sơ đã kết thúc xử lý",
                                  "processing of the dossier has ended" },
    [CC_EV_CONSULT_ANSWERED] = { on_consult_answered, true, NULL, NULL },
    [CC_EV_SOS_REQUESTED] = { on_sos_requested, true, SOS_STATES_VI, SOS_STATES_EN },
    [CC_EV_SOS_REVIEWED] = { on_sos_reviewed, true, "không có đề nghị nào đang chờ xem xét",
                             "no request is pending review" },
    [CC_EV_SUPPLEMENT_COMPLETED] = { on_supplement_completed, true,
                                     "hồ sơ không ở trạng thái chờ bổ sung",
                                     "the dossier is not waiting for a supplement" },
    [CC_EV_EXTENDED] = { on_extended, true, "chỉ hồ sơ đang xử lý mới được xin lỗi và hẹn lại",
                         "only a dossier in processing can be extended" },
    [CC_EV_RESOLVED] = { on_resolved, true, "chỉ hồ sơ đang xử lý mới có thể có kết quả",
                         "only a dossier in processing can be resolved" },
    [CC_EV_RETURNED] = { NULL, true, "chưa có kết quả giải quyết để trả",
                         "there is no result to return" },
    [CC_EV_FEE_PAID] = { NULL, false, NULL, NULL },
    [CC_EV_DIGITIZED] = { on_digitized, false, NULL, NULL },
    [CC_EV_RATED] = { NULL, false, NULL, NULL },
};

/* ---- Applying an event (the order of PROTOCOL.md §3.3) --------------------------- */

int cc_dossier_apply(const cc_catalog_t *cat, cc_dossier_t *d, const cc_dossier_event_t *ev,
                     int64_t now, cc_dossier_outcome_t *out, cc_reject_t *rej)
{
    cc_dossier_t n = *d; /* work on a copy: @d changes only on acceptance */
    step_t s = { cat, d, &n, ev, out, rej };
    const cc_transition_t *t;
    bool receipt = ev->kind == CC_EV_RECEIVED || ev->kind == CC_EV_REJECTED_AT_COUNTER;

    memset(out, 0, sizeof(*out));
    if ((unsigned)ev->kind >= CC_EV_KIND_COUNT_ || (unsigned)d->state >= CC_DOSSIER_STATE_COUNT_)
        return cc_reject(rej, CC_ERR_BAD_FIELD, "type", "Loại sự kiện không hợp lệ",
                         "Invalid event type");
    t = &lifecycle[ev->kind][d->state];
    /* 4. A second receipt is a duplicate whatever its time. */
    if (receipt && t->kind == CC_TR_REFUSE)
        return cc_reject(rej, CC_ERR_DUPLICATE_DOSSIER, "dossier",
                         "Hồ sơ %s đã được tiếp nhận trước đó", "Dossier %s was already received",
                         ev->dossier);
    /* 5. Time: not in the future; not before the previous lifecycle event
     * (fee, digitization and rating: not before the receipt). */
    if (cc_check_not_future(cat, ev->at, now, rej))
        return 1;
    if (d->state != CC_DOSSIER_NONE &&
        cc_check_not_before(ev->at, events[ev->kind].lifecycle ? d->last_at : d->received_at,
                            "hồ sơ", "dossier", rej))
        return 1;
    /* 6. A receipt's unit and procedure; any other event's dossier. */
    if (receipt && check_receipt(cat, ev, rej))
        return 1;
    if (t->kind == CC_TR_REFUSE)
        return cc_reject(rej, CC_ERR_UNKNOWN_DOSSIER, "dossier", "Hồ sơ %s chưa được tiếp nhận",
                         "Dossier %s has not been received", ev->dossier);
    /* 7. The table, then the event's own guards and effects. */
    if (t->kind == CC_TR_ILLEGAL)
        return illegal(&s, t->why_vi ? t->why_vi : events[ev->kind].illegal_vi,
                       t->why_en ? t->why_en : events[ev->kind].illegal_en);
    if (events[ev->kind].effect && events[ev->kind].effect(&s))
        return 1;
    if (t->kind == CC_TR_MOVE)
        n.state = t->next;
    if (ev->kind == CC_EV_REJECTED_AT_COUNTER)
        return 0; /* logged for the counts; no dossier is created (§3) */
    if (events[ev->kind].lifecycle)
        n.last_at = ev->at;
    out->stores_state = events[ev->kind].lifecycle;
    *d = n;
    return 0;
}

/* ---- Restoring from the log (no judgement: the record says it all) ----------------- */

static const cc_field_t f_record[] = {
    { "type", CC_T_CODE, true, 0, 0 },     { "at", CC_T_TIME, true, 0, 0 },
    { "dossier", CC_T_ID, true, 0, 0 },    { "unit", CC_T_CODE, true, 0, 0 },
    { "runit", CC_T_CODE, true, 0, 0 },    { "proc", CC_T_CODE, true, 0, 0 },
    { "state", CC_T_CODE, true, 0, 0 },    { "received_at", CC_T_INT, true, 0, 0 },
    { "due", CC_T_INT, true, 0, 0 },       { "channel", CC_T_CODE, false, 0, 0 },
    { "kind", CC_T_CODE, false, 0, 0 },    { "promised", CC_T_INT, false, 0, 0 },
    { "apology", CC_T_CODE, false, 0, 0 }, { "class", CC_T_CODE, false, 0, 0 },
};

/* The code of field @key of @rec in @v, or -1. */
static int record_code(const msgpack_object *rec, const char *key, const cc_vocab_t *v)
{
    cc_str_t s;

    return cc_map_str(rec, key, &s) == 0 ? cc_vocab_find(v, 0, s.ptr, s.len) : -1;
}

int cc_dossier_restore(cc_dossier_t *d, const msgpack_object *rec,
                       cc_dossier_event_kind_t *ret_kind)
{
    cc_str_t type;
    int kind, state, code;
    int64_t at;

    if (cc_map_str(rec, "type", &type) < 0 ||
        (kind = cc_vocab_find(&cc_dossier_events, 0, type.ptr, type.len)) < 0)
        return -EINVAL;
    *ret_kind = (cc_dossier_event_kind_t)kind;
    if (kind == CC_EV_REJECTED_AT_COUNTER)
        return 1;
    if (cc_fields_check(rec, f_record, CC_N(f_record), NULL, NULL, 0) < 0 ||
        (state = record_code(rec, "state", &cc_dossier_states)) <= CC_DOSSIER_NONE)
        return -EINVAL;
    if (!events[kind].lifecycle)
        return 1;
    cc_map_i64(rec, "at", &at);
    if (kind == CC_EV_RECEIVED) {
        memset(d, 0, sizeof(*d));
        d->version = CC_DOSSIER_VERSION;
        if ((code = record_code(rec, "channel", &cc_channels)) < 0)
            return -EINVAL;
        d->channel = (uint8_t)code;
    }
    d->state = (uint8_t)state;
    cc_map_strcpy(rec, "unit", d->unit, sizeof(d->unit));
    cc_map_strcpy(rec, "runit", d->recv_unit, sizeof(d->recv_unit));
    cc_map_strcpy(rec, "proc", d->proc, sizeof(d->proc));
    cc_map_i64(rec, "received_at", &d->received_at);
    cc_map_i64(rec, "due", &d->due_at);
    switch (kind) {
    case CC_EV_CONSULT_REQUESTED:
        if (d->consults_open < UINT8_MAX)
            d->consults_open++;
        break;
    case CC_EV_CONSULT_ANSWERED:
        if (d->consults_open > 0)
            d->consults_open--;
        break;
    case CC_EV_SOS_REQUESTED:
        if ((code = record_code(rec, "kind", &cc_sos_kinds)) <= CC_SOS_NONE)
            return -EINVAL;
        if (code == CC_SOS_SUPPLEMENT && d->supplements < UINT8_MAX)
            d->supplements++;
        d->sos_pending = (uint8_t)code;
        d->sos_at = at;
        break;
    case CC_EV_SOS_REVIEWED:
        d->sos_pending = CC_SOS_NONE;
        break;
    case CC_EV_EXTENDED:
        if ((code = record_code(rec, "apology", &cc_apologies)) < 0)
            return -EINVAL;
        d->apology = (uint8_t)code;
        cc_map_i64(rec, "promised", &d->promised_at);
        break;
    case CC_EV_RESOLVED:
        if ((code = record_code(rec, "class", &cc_classes)) < 0)
            return -EINVAL;
        d->klass = (uint8_t)(code + 1);
        d->resolved_at = at;
        break;
    default:
        break;
    }
    d->last_at = at;
    return 0;
}
