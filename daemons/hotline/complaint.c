/*
 * complaint.c - hotline contacts and the PAKN lifecycle (see complaint.h).
 * Each rule cites DOMAIN.md §6; PROTOCOL.md §4 lists the same rules for
 * clients. Rejection reasons name ids, states and fields, never the
 * caller's details or texts (the core may log them).
 */
#include "complaint.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cc_base.h"
#include "cc_duedate.h"

/* ---- Parsing ------------------------------------------------------------------- */

/* A phone as people write it: digits with spaces, '.', '-', '+', '()';
 * 8..15 digits. The value itself is never quoted back. */
static bool phone_shape(cc_str_t s)
{
    size_t digits = 0;

    for (size_t i = 0; i < s.len; i++) {
        char c = s.ptr[i];

        if (c >= '0' && c <= '9')
            digits++;
        else if (!strchr(" .-+()", c))
            return false;
    }
    return digits >= 8 && digits <= 15;
}

int cc_hotline_event_parse(const msgpack_object *ev, cc_hotline_event_t *ret, cc_reject_t *rej)
{
    cc_hotline_event_t e;
    cc_str_t type, eid;
    int k;

    /* The fields of each type: cc_hotline_event_schemas (proto/cc_schema.c). */
    memset(&e, 0, sizeof(e));
    cc_map_str(ev, "type", &type);
    cc_map_str(ev, "eid", &eid);
    if ((k = cc_vocab_find(&cc_hotline_events, 0, type.ptr, type.len)) < 0)
        return cc_reject_type(rej, CC_EVENTS_HOTLINE, type);
    if (cc_hotline_event_schemas[k].daemon_only)
        return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "type", "Chỉ tổng đài tự ghi '%s' khi quá hạn",
                         "Only the daemon raises %s, when a deadline passes",
                         cc_vocab_name(&cc_hotline_events, (unsigned)k));
    if (eid.len >= strlen(CC_HOTLINE_RESERVED_EID) &&
        memcmp(eid.ptr, CC_HOTLINE_RESERVED_EID, strlen(CC_HOTLINE_RESERVED_EID)) == 0)
        return cc_reject(rej, CC_ERR_BAD_FIELD, "eid",
                         "Mã sự kiện bắt đầu bằng 'esc:' dành riêng cho tổng đài",
                         "Event ids beginning with 'esc:' are reserved for the daemon");
    e.kind = (cc_hotline_event_kind_t)k;
    if (cc_reject_event_fields(rej, &cc_hotline_event_schemas[k], ev))
        return 1;
    cc_map_i64(ev, "at", &e.at);
    cc_map_strcpy(ev, "pakn", e.pakn, sizeof(e.pakn));
    cc_map_strcpy(ev, "contact", e.contact, sizeof(e.contact));
    switch (e.kind) {
    case CC_HEV_CONTACT:
        if (cc_field_enum(ev, "ctype", &cc_ctypes, 0, &e.ctype, rej) ||
            cc_field_enum(ev, "channel", &cc_hotline_channels, 0, &e.channel, rej))
            return 1;
        cc_map_strcpy(ev, "agent", e.agent, sizeof(e.agent));
        cc_map_strcpy(ev, "unit", e.unit, sizeof(e.unit));
        cc_map_bool(ev, "closed", &e.closed);
        break;
    case CC_HEV_PAKN_RECEIVED:
        cc_map_str(ev, "text", &e.text);
        cc_map_str(ev, "caller_name", &e.caller_name);
        cc_map_str(ev, "caller_phone", &e.caller_phone);
        cc_map_strcpy(ev, "dossier", e.dossier, sizeof(e.dossier));
        cc_map_bool(ev, "urgent", &e.urgent);
        if (e.caller_phone.len && !phone_shape(e.caller_phone))
            return cc_reject(rej, CC_ERR_BAD_FIELD, "caller_phone",
                             "Số điện thoại người gọi không hợp lệ (8-15 chữ số)",
                             "caller_phone is not a phone number (8-15 digits)");
        break;
    case CC_HEV_PAKN_CLASSIFIED:
        if (cc_field_enum(ev, "category", &cc_pakn_categories, CC_CATEGORY_PROCEDURE, &e.category,
                          rej))
            return 1;
        break;
    case CC_HEV_PAKN_ASSIGNED:
        cc_map_strcpy(ev, "unit", e.unit, sizeof(e.unit));
        break;
    case CC_HEV_PAKN_FORWARDED:
        cc_map_strcpy(ev, "outside", e.outside, sizeof(e.outside));
        break;
    case CC_HEV_PAKN_ANSWERED:
        cc_map_str(ev, "answer", &e.answer);
        break;
    case CC_HEV_PAKN_REFUSED:
        if (cc_field_enum(ev, "reason", &cc_pakn_refusals, CC_REFUSAL_ANONYMOUS, &e.refusal, rej))
            return 1;
        break;
    default:
        break;
    }
    *ret = e;
    return 0;
}

/* ---- Who may do what --------------------------------------------------------------- */

static int not_authorized(cc_reject_t *rej, const cc_principal_t *who, const cc_hotline_event_t *ev,
                          const char *vi, const char *en)
{
    rej->code = CC_ERR_NOT_AUTHORIZED;
    rej->field = "type";
    snprintf(rej->vi, sizeof(rej->vi), "Vai trò %s ('%s') không được gửi '%s': %s",
             cc_role_vi(who->role), who->who, cc_vocab_name(&cc_hotline_events, ev->kind), vi);
    snprintf(rej->en, sizeof(rej->en), "%s '%s' may not send '%s': %s", cc_role_name(who->role),
             who->who, cc_vocab_name(&cc_hotline_events, ev->kind), en);
    return 1;
}

int cc_hotline_authorize(const cc_principal_t *who, const cc_pakn_t *p,
                         const cc_hotline_event_t *ev, cc_reject_t *rej)
{
    bool unit_event = ev->kind == CC_HEV_PAKN_ACCEPTED || ev->kind == CC_HEV_PAKN_ANSWERED;

    if (who->role != CC_ROLE_AGENT && who->role != CC_ROLE_CONTACT_POINT)
        return not_authorized(rej, who, ev, "chỉ tổng đài viên và đầu mối đơn vị gửi sự kiện",
                              "only hotline agents and unit contact points send events");
    if (who->role == CC_ROLE_CONTACT_POINT) {
        if (!unit_event)
            return not_authorized(rej, who, ev, "đầu mối đơn vị chỉ nhận và trả lời PAKN",
                                  "a unit contact point only accepts and answers complaints");
        if (p->state != CC_PAKN_NONE &&
            (p->unit[0] == '\0' || !cc_principal_has_unit(who, p->unit)))
            return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "pakn",
                             "PAKN %s không được chuyển cho đơn vị của bạn",
                             "Complaint %s is not assigned to your unit", ev->pakn);
        return 0;
    }
    /* An agent: the hotline's own work, but not the unit's. */
    if (ev->kind == CC_HEV_PAKN_ACCEPTED)
        return not_authorized(rej, who, ev, "chỉ đầu mối của đơn vị được nhận PAKN",
                              "only the unit's contact point accepts a complaint");
    if (ev->kind == CC_HEV_PAKN_ANSWERED && p->unit[0] != '\0')
        return not_authorized(rej, who, ev, "PAKN đã chuyển đơn vị: đầu mối của đơn vị trả lời",
                              "the complaint is assigned: the unit's contact point answers");
    if (ev->kind == CC_HEV_CONTACT && ev->agent[0] && strcmp(ev->agent, who->who) != 0)
        return cc_reject(rej, CC_ERR_NOT_AUTHORIZED, "agent",
                         "Tổng đài viên '%s' không được ghi thay '%s'",
                         "Agent '%s' may not log contacts as '%s'", who->who, ev->agent);
    return 0;
}

/* ---- Contacts ---------------------------------------------------------------------------- */

int cc_contact_apply(const cc_catalog_t *cat, cc_contact_t *c, const cc_hotline_event_t *ev,
                     const cc_principal_t *who, int64_t now, cc_reject_t *rej)
{
    cc_contact_t n = *c;

    if (cc_check_not_future(cat, ev->at, now, rej))
        return 1;
    if (ev->kind == CC_HEV_CONTACT) {
        if (c->exists)
            return cc_reject(rej, CC_ERR_ILLEGAL_TRANSITION, "contact",
                             "Cuộc liên hệ %s đã được ghi nhận trước đó",
                             "Contact %s was already logged", ev->contact);
        if (ev->unit[0] && cc_check_unit(cat, "unit", ev->unit, ev->at, rej))
            return 1;
        /* Only information and guidance end with the call (DOMAIN.md §6);
         * postal registrations and complaints are followed up. */
        if (ev->closed && ev->ctype != CC_CTYPE_INFORMATION && ev->ctype != CC_CTYPE_GUIDANCE)
            return cc_reject(rej, CC_ERR_ILLEGAL_TRANSITION, "closed",
                             "Chỉ liên hệ hỗ trợ thông tin hoặc hướng dẫn TTHC được kết thúc ngay",
                             "Only information and guidance contacts may be closed at once");
        memset(&n, 0, sizeof(n));
        n.version = CC_CONTACT_VERSION;
        n.exists = 1;
        n.ctype = ev->ctype;
        n.channel = ev->channel;
        n.closed = ev->closed;
        n.at = ev->at;
        n.closed_at = ev->closed ? ev->at : 0;
        snprintf(n.agent, sizeof(n.agent), "%s", ev->agent[0] ? ev->agent : who->who);
        snprintf(n.unit, sizeof(n.unit), "%s", ev->unit);
        *c = n;
        return 0;
    }
    if (!c->exists)
        return cc_reject(rej, CC_ERR_BAD_FIELD, "contact", "Không có cuộc liên hệ %s",
                         "No contact %s", ev->contact);
    if (c->ctype == CC_CTYPE_PAKN)
        return cc_reject(rej, CC_ERR_ILLEGAL_TRANSITION, "contact",
                         "Liên hệ %s là PAKN: kết thúc bằng 'pakn_closed'",
                         "Contact %s is a complaint: close the complaint (pakn_closed)",
                         ev->contact);
    if (c->closed)
        return cc_reject(rej, CC_ERR_ILLEGAL_TRANSITION, "contact", "Cuộc liên hệ %s đã kết thúc",
                         "Contact %s is already closed", ev->contact);
    if (cc_check_not_before(ev->at, c->at, "cuộc liên hệ", "contact", rej))
        return 1;
    n.closed = 1;
    n.closed_at = ev->at;
    *c = n;
    return 0;
}

/* ---- Deadlines and escalation ------------------------------------------------------------ */

int cc_pakn_level_deadline(const cc_catalog_t *cat, int level, bool urgent, int64_t start,
                           int64_t *ret)
{
    const cc_policy_t *pol = cc_catalog_policy(cat);
    int days, r;
    int64_t due, hours_due;

    switch (level) {
    case 1:
        days = pol->pakn_level1_working_days;
        break;
    case 2:
        days = pol->pakn_level2_working_days;
        break;
    case 3:
        days = pol->pakn_level3_working_days;
        break;
    default:
        return -EINVAL;
    }
    if ((r = cc_deadline_working_days(cat, start, days, &due)) < 0)
        return r;
    if (urgent) {
        /* Urgent: office hours, never later than the level's own deadline. */
        if ((r = cc_deadline_working_hours(cat, start, pol->pakn_level2_urgent_hours, &hours_due)) <
            0)
            return r;
        if (hours_due < due)
            due = hours_due;
    }
    *ret = due;
    return 0;
}

bool cc_pakn_waiting(const cc_pakn_t *p)
{
    return p->state >= CC_PAKN_RECEIVED && p->state <= CC_PAKN_ACCEPTED;
}

bool cc_pakn_timed(const cc_pakn_t *p)
{
    return cc_pakn_waiting(p) && (p->level < CC_PAKN_MAX_LEVEL || !p->overdue);
}

bool cc_pakn_open(const cc_pakn_t *p)
{
    return p->state != CC_PAKN_NONE && p->state != CC_PAKN_CLOSED &&
           p->state != CC_PAKN_FORWARDED && p->state != CC_PAKN_REFUSED;
}

int cc_pakn_escalate(const cc_catalog_t *cat, cc_pakn_t *p, int64_t now, int64_t *ret_at)
{
    int64_t due;
    int r;

    if (!cc_pakn_timed(p) || p->due_at >= now)
        return 0;
    if (p->level >= CC_PAKN_MAX_LEVEL) {
        /* No level above: the deadline passing is recorded, once a round. */
        *ret_at = p->due_at;
        p->overdue = 1;
        return CC_PAKN_OVERDUE;
    }
    if ((r = cc_pakn_level_deadline(cat, p->level + 1, p->urgent, p->due_at, &due)) < 0)
        return r;
    *ret_at = p->due_at;
    p->level_at = p->due_at;
    p->level++;
    p->due_at = due;
    if (p->escalations < UINT16_MAX)
        p->escalations++;
    return CC_PAKN_ESCALATED;
}

/* ---- The PAKN lifecycle ------------------------------------------------------------------- */

/* Whether @at keeps a limit of @days working days from @from: *@ret = 1 in
 * time, 2 late. Returns 0 or the calendar's error (then *@ret unchanged). */

/* ---- The lifecycle table (PROTOCOL.md §4) ------------------------------------------ */

#define S(x) CC_PAKN_##x
#define UNKNOWN CC_TR_REFUSED(CC_ERR_UNKNOWN_COMPLAINT)
#define AGAIN CC_TR_REFUSED(CC_ERR_ILLEGAL_TRANSITION)

/* [event][state]: what the table does not list is ✗ (illegal_transition).
 * contact and contact_closed have no complaint state (cc_contact_apply);
 * pakn_escalated and pakn_overdue are the daemon's (cc_pakn_escalate). */
static const cc_transition_t lifecycle[CC_HEV_KIND_COUNT_][CC_PAKN_STATE_COUNT_] = {
    [CC_HEV_PAKN_RECEIVED] = { [S(NONE)] = CC_TR_TO(S(RECEIVED), 0),
                               [S(RECEIVED)] = AGAIN,
                               [S(CLASSIFIED)] = AGAIN,
                               [S(ASSIGNED)] = AGAIN,
                               [S(ACCEPTED)] = AGAIN,
                               [S(ANSWERED)] = AGAIN,
                               [S(PUBLISHED)] = AGAIN,
                               [S(CLOSED)] = AGAIN,
                               [S(FORWARDED)] = AGAIN,
                               [S(REFUSED)] = AGAIN },
    [CC_HEV_PAKN_CLASSIFIED] = { [S(NONE)] = UNKNOWN,
                                 [S(RECEIVED)] = CC_TR_TO(S(CLASSIFIED), 'a'),
                                 [S(CLASSIFIED)] = CC_TR_SAME('a') },
    [CC_HEV_PAKN_ASSIGNED] = { [S(NONE)] = UNKNOWN,
                               [S(RECEIVED)] = CC_TR_NOT("cần phân loại trước khi chuyển đơn vị",
                                                         "classify the complaint before assigning "
                                                         "it"),
                               [S(CLASSIFIED)] = CC_TR_TO(S(ASSIGNED), 'b'),
                               [S(ASSIGNED)] = CC_TR_SAME('b') },
    [CC_HEV_PAKN_FORWARDED] = { [S(NONE)] = UNKNOWN,
                                [S(RECEIVED)] = CC_TR_TO(S(FORWARDED), 'c'),
                                [S(CLASSIFIED)] = CC_TR_TO(S(FORWARDED), 'c') },
    [CC_HEV_PAKN_ACCEPTED] = { [S(NONE)] = UNKNOWN, [S(ASSIGNED)] = CC_TR_TO(S(ACCEPTED), 0) },
    [CC_HEV_PAKN_ANSWERED] = { [S(NONE)] = UNKNOWN,
                               [S(RECEIVED)] = CC_TR_NOT("cần phân loại trước khi trả lời",
                                                         "classify the complaint before answering "
                                                         "it"),
                               [S(CLASSIFIED)] = CC_TR_TO(S(ANSWERED), 'e'),
                               [S(ASSIGNED)] = CC_TR_NOT("đơn vị cần nhận PAKN trước khi trả lời",
                                                         "the unit must accept the complaint "
                                                         "before answering it"),
                               [S(ACCEPTED)] = CC_TR_TO(S(ANSWERED), 'e') },
    [CC_HEV_PAKN_PUBLISHED] = { [S(NONE)] = UNKNOWN, [S(ANSWERED)] = CC_TR_TO(S(PUBLISHED), 'f') },
    [CC_HEV_PAKN_CLOSED] = { [S(NONE)] = UNKNOWN,
                             [S(PUBLISHED)] = CC_TR_TO(S(CLOSED), 0),
                             [S(FORWARDED)] = CC_TR_TO(S(CLOSED), 0) },
    [CC_HEV_PAKN_REOPENED] = { [S(NONE)] = UNKNOWN,
                               [S(ANSWERED)] = CC_TR_BY_EFFECT('g'),
                               [S(PUBLISHED)] = CC_TR_BY_EFFECT('g'),
                               [S(CLOSED)] = CC_TR_BY_EFFECT('g') },
    [CC_HEV_PAKN_REFUSED] = { [S(NONE)] = UNKNOWN,
                              [S(RECEIVED)] = CC_TR_TO(S(REFUSED), 'd'),
                              [S(CLASSIFIED)] = CC_TR_TO(S(REFUSED), 'd') },
};

const cc_transition_t *cc_pakn_transition(cc_hotline_event_kind_t k, cc_pakn_state_t s)
{
    static const cc_transition_t illegal_cell = { 0 };

    return (unsigned)k < CC_HEV_KIND_COUNT_ && (unsigned)s < CC_PAKN_STATE_COUNT_ ? &lifecycle[k][s]
                                                                                  : &illegal_cell;
}

/* ---- Guards and effects: what the table cannot say ------------------------------ */

/* One event being applied: the complaint as it is (@p) and as it will be (@n). */
typedef struct {
    const cc_catalog_t *cat;
    const cc_pakn_t *p;
    cc_pakn_t *n;
    const cc_hotline_event_t *ev;
    const cc_contact_t *link;
    cc_hotline_outcome_t *out;
    cc_reject_t *rej;
} step_t;

static int illegal(step_t *s, const char *vi_why, const char *en_why)
{
    return cc_reject_transition(s->rej, cc_vocab_name(&cc_hotline_events, s->ev->kind), "PAKN",
                                "complaint", s->ev->pakn, cc_vocab_vi(&cc_pakn_states, s->p->state),
                                cc_vocab_name(&cc_pakn_states, s->p->state), vi_why, en_why);
}

/* A deadline computation's result @r as a refusal (1), or 0. */
static int deadline_rule(step_t *s, int r)
{
    return cc_reject_date_error(s->rej, r, s->ev->at, "thời hạn", "the deadline");
}

/* Receipt: level 1 and its deadline; a named contact must be a pakn one. */
static int on_received(step_t *s)
{
    const cc_hotline_event_t *ev = s->ev;
    cc_pakn_t *n = s->n;

    if (ev->contact[0] && (s->link == NULL || !s->link->exists))
        return cc_reject(s->rej, CC_ERR_BAD_FIELD, "contact", "Không có cuộc liên hệ %s",
                         "No contact %s", ev->contact);
    if (ev->contact[0] && s->link->ctype != CC_CTYPE_PAKN)
        return cc_reject(s->rej, CC_ERR_BAD_FIELD, "contact",
                         "Cuộc liên hệ %s không phải loại PAKN", "Contact %s is not of type pakn",
                         ev->contact);
    memset(n, 0, sizeof(*n));
    n->version = CC_PAKN_VERSION;
    n->level = 1;
    n->urgent = ev->urgent;
    n->received_at = n->level_at = ev->at;
    snprintf(n->dossier, sizeof(n->dossier), "%s", ev->dossier);
    snprintf(n->contact, sizeof(n->contact), "%s", ev->contact);
    s->out->stores_personal = true;
    return deadline_rule(s, cc_pakn_level_deadline(s->cat, 1, ev->urgent, ev->at, &n->due_at));
}

/* (a) The category is set; classifying again must change it. */
static int on_classified(step_t *s)
{
    if (s->p->category == s->ev->category)
        return illegal(s, "PAKN đã được phân loại như vậy",
                       "the complaint already has that category");
    s->n->category = s->ev->category;
    return 0;
}

/* (b) To a unit of the catalog, valid on `at`, not the current one; level 2
 * (the unit's, DOMAIN.md §6) with its deadline, unless the complaint was
 * escalated already: it keeps its level and deadline. */
static int on_assigned(step_t *s)
{
    const cc_hotline_event_t *ev = s->ev;
    cc_pakn_t *n = s->n;

    if (cc_check_unit(s->cat, "unit", ev->unit, ev->at, s->rej))
        return 1;
    if (strcmp(s->p->unit, ev->unit) == 0)
        return illegal(s, "PAKN đã ở đơn vị này", "the complaint is already assigned to that unit");
    snprintf(n->unit, sizeof(n->unit), "%s", ev->unit);
    if (n->level >= 2)
        return 0;
    n->level = 2;
    n->level_at = ev->at;
    return deadline_rule(s, cc_pakn_level_deadline(s->cat, 2, n->urgent, ev->at, &n->due_at));
}

/* Whether @at is after @days working days from @from: 1 in time, 2 late. */
static int timeliness(const cc_catalog_t *cat, int64_t from, int days, int64_t at, uint8_t *ret)
{
    int64_t limit;
    int r = cc_deadline_working_days(cat, from, days, &limit);

    if (r == 0)
        *ret = at <= limit ? 1 : 2;
    return r;
}

/* (c) Forward within N working days of receipt (NĐ 20/2008 Đ9). */
static int on_forwarded(step_t *s)
{
    const cc_policy_t *pol = cc_catalog_policy(s->cat);

    snprintf(s->n->outside, sizeof(s->n->outside), "%s", s->ev->outside);
    return deadline_rule(s, timeliness(s->cat, s->p->received_at, pol->pakn_forward_working_days,
                                       s->ev->at, &s->n->fwd_late));
}

/* (d) Refuse within N working days of receipt (DOMAIN.md §6); final. */
static int on_refused(step_t *s)
{
    const cc_policy_t *pol = cc_catalog_policy(s->cat);

    s->n->refusal = s->ev->refusal;
    s->n->closed_at = s->ev->at;
    return deadline_rule(s, timeliness(s->cat, s->p->received_at, pol->pakn_refusal_working_days,
                                       s->ev->at, &s->n->ref_late));
}

/* (e) On time when not after the current level's deadline. */
static int on_answered(step_t *s)
{
    s->n->on_time = s->ev->at <= s->p->due_at ? 1 : 2;
    s->n->answered_at = s->ev->at;
    s->out->stores_personal = true;
    return 0;
}

/* (f) Publication within N working days of the answer (DOMAIN.md §6). */
static int on_published(step_t *s)
{
    const cc_policy_t *pol = cc_catalog_policy(s->cat);

    s->n->published_at = s->ev->at;
    s->out->publishes = true;
    return deadline_rule(s,
                         timeliness(s->cat, s->p->answered_at, pol->pakn_publication_working_days,
                                    s->ev->at, &s->n->pub_late));
}

static int on_closed(step_t *s)
{
    s->n->closed_at = s->ev->at;
    return 0;
}

/* (g) Not satisfied: back to the unit (assigned) or the hotline
 * (classified), answered again at the current level, from now; not for a
 * complaint forwarded outside the province. */
static int on_reopened(step_t *s)
{
    cc_pakn_t *n = s->n;

    if (s->p->outside[0])
        return illegal(s, "PAKN đã chuyển ra ngoài tỉnh",
                       "the complaint was forwarded outside the province");
    n->state = s->p->unit[0] ? CC_PAKN_ASSIGNED : CC_PAKN_CLASSIFIED;
    if (n->reopened < UINT16_MAX)
        n->reopened++;
    n->on_time = n->pub_late = n->overdue = 0;
    n->answered_at = n->published_at = n->closed_at = 0;
    n->level_at = s->ev->at;
    return deadline_rule(
        s, cc_pakn_level_deadline(s->cat, n->level, n->urgent, s->ev->at, &n->due_at));
}

/* Per event: its guards and effects, and why a ✗ refuses it. */
static const struct {
    int (*effect)(step_t *s);
    const char *illegal_vi, *illegal_en;
} events[CC_HEV_KIND_COUNT_] = {
    [CC_HEV_PAKN_RECEIVED] = { on_received, NULL, NULL },
    [CC_HEV_PAKN_CLASSIFIED] = { on_classified, "chỉ phân loại PAKN trước khi chuyển đơn vị",
                                 "a complaint is classified before it is assigned" },
    [CC_HEV_PAKN_ASSIGNED] = { on_assigned, "chỉ chuyển PAKN chưa được đơn vị nhận",
                               "only a complaint no unit has accepted can be assigned" },
    [CC_HEV_PAKN_FORWARDED] = { on_forwarded, "chỉ chuyển ra ngoài tỉnh PAKN chưa giao đơn vị",
                                "only a complaint not yet assigned can be forwarded" },
    [CC_HEV_PAKN_ACCEPTED] = { NULL, "chỉ nhận PAKN vừa được chuyển cho đơn vị",
                               "only a complaint just assigned to the unit can be accepted" },
    [CC_HEV_PAKN_ANSWERED] = { on_answered, "PAKN không ở trạng thái chờ trả lời",
                               "the complaint is not waiting for an answer" },
    [CC_HEV_PAKN_PUBLISHED] = { on_published, "chỉ công khai câu trả lời vừa có",
                                "only a fresh answer can be published" },
    [CC_HEV_PAKN_CLOSED] = { on_closed, "chỉ kết thúc PAKN đã công khai hoặc đã chuyển ra ngoài",
                             "only a published or forwarded complaint can be closed" },
    [CC_HEV_PAKN_REOPENED] = { on_reopened, "chỉ mở lại PAKN đã có câu trả lời",
                               "only an answered complaint can be reopened" },
    [CC_HEV_PAKN_REFUSED] = { on_refused, "chỉ từ chối tiếp nhận PAKN chưa giao đơn vị",
                              "only a complaint not yet assigned can be refused" },
};

/* ---- Applying an event ------------------------------------------------------------ */

int cc_pakn_apply(const cc_catalog_t *cat, cc_pakn_t *p, const cc_hotline_event_t *ev,
                  const cc_contact_t *link, int64_t now, cc_hotline_outcome_t *out,
                  cc_reject_t *rej)
{
    cc_pakn_t n = *p; /* work on a copy: @p changes only on acceptance */
    step_t s = { cat, p, &n, ev, link, out, rej };
    const cc_transition_t *t;

    memset(out, 0, sizeof(*out));
    out->due_before = p->due_at;
    out->state_before = p->state;
    t = cc_pakn_transition(ev->kind, (cc_pakn_state_t)p->state);
    /* A second receipt, whatever its time. */
    if (ev->kind == CC_HEV_PAKN_RECEIVED && t->kind == CC_TR_REFUSE)
        return cc_reject(rej, CC_ERR_ILLEGAL_TRANSITION, "pakn",
                         "PAKN %s đã được tiếp nhận trước đó", "Complaint %s was already received",
                         ev->pakn);
    if (cc_check_not_future(cat, ev->at, now, rej))
        return 1;
    if (t->kind == CC_TR_REFUSE)
        return cc_reject(rej, CC_ERR_UNKNOWN_COMPLAINT, "pakn", "Không có PAKN %s",
                         "No complaint %s", ev->pakn);
    if (p->state != CC_PAKN_NONE &&
        cc_check_not_before(ev->at, p->last_at, "PAKN", "complaint", rej))
        return 1;
    if (t->kind == CC_TR_ILLEGAL) {
        if (events[ev->kind].illegal_vi == NULL && t->why_vi == NULL)
            return cc_reject(rej, CC_ERR_BAD_FIELD, "type", "Loại sự kiện không hợp lệ",
                             "Invalid event type");
        return illegal(&s, t->why_vi ? t->why_vi : events[ev->kind].illegal_vi,
                       t->why_en ? t->why_en : events[ev->kind].illegal_en);
    }
    if (events[ev->kind].effect && events[ev->kind].effect(&s))
        return 1;
    if (t->kind == CC_TR_MOVE)
        n.state = t->next;
    n.last_at = ev->at;
    out->stores_pakn = true;
    *p = n;
    return 0;
}
