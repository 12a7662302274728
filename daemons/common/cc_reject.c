/*
 * cc_reject.c - refusals and the shared checks (see cc_reject.h).
 */
#include "cc_reject.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cc_base.h"
#include "cc_time.h"

int cc_reject(cc_reject_t *rej, cc_err_t code, const char *field, const char *vi_fmt,
              const char *en_fmt, ...)
{
    va_list ap, ap2;

    rej->code = code;
    rej->field = field;
    va_start(ap, en_fmt);
    va_copy(ap2, ap);
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wformat-nonliteral"
    vsnprintf(rej->vi, sizeof(rej->vi), vi_fmt, ap);
    vsnprintf(rej->en, sizeof(rej->en), en_fmt, ap2);
#pragma GCC diagnostic pop
    va_end(ap2);
    va_end(ap);
    return 1;
}

int cc_reject_transition(cc_reject_t *rej, const char *event, const char *subject_vi,
                         const char *subject_en, const char *id, const char *state_vi,
                         const char *state_en, const char *why_vi, const char *why_en)
{
    rej->code = CC_ERR_ILLEGAL_TRANSITION;
    rej->field = "type";
    snprintf(rej->vi, sizeof(rej->vi),
             "Không thể ghi nhận '%s' cho %s %s (đang ở trạng thái %s): %s", event, subject_vi, id,
             state_vi, why_vi);
    snprintf(rej->en, sizeof(rej->en), "Cannot record '%s' for %s %s (state %s): %s", event,
             subject_en, id, state_en, why_en);
    return 1;
}

int cc_reject_calendar_gap(cc_reject_t *rej, int64_t t)
{
    char when[40];

    cc_time_format_iso(t, when, sizeof(when));
    return cc_reject(rej, CC_ERR_CALENDAR_NOT_COVERED, "at",
                     "Lịch làm việc năm của ngày %s chưa được công bố trong danh mục",
                     "The working calendar for the year of %s is not in the catalog", when);
}

int cc_reject_date_error(cc_reject_t *rej, int r, int64_t at, const char *vi_what,
                         const char *en_what)
{
    if (r >= 0)
        return 0;
    if (r == -ERANGE)
        return cc_reject_calendar_gap(rej, at);
    return cc_reject(rej, CC_ERR_INTERNAL, NULL, "Không tính được %s", "Could not compute %s",
                     vi_what, en_what);
}

int cc_check_not_future(const cc_catalog_t *cat, int64_t at, int64_t now, cc_reject_t *rej)
{
    const cc_policy_t *pol = cc_catalog_policy(cat);
    char when[40], clock[40];

    if (at <= now + pol->future_tolerance_seconds)
        return 0;
    cc_time_format_iso(at, when, sizeof(when));
    cc_time_format_iso(now, clock, sizeof(clock));
    return cc_reject(rej, CC_ERR_FUTURE_EVENT, "at",
                     "Thời điểm %s ở tương lai: đồng hồ máy chủ đang là %s (chỉ nhận sớm hơn tối "
                     "đa %d giây)",
                     "Time %s is in the future: the server's clock says %s (at most %d s ahead "
                     "is accepted)",
                     when, clock, pol->future_tolerance_seconds);
}

int cc_check_not_before(int64_t at, int64_t floor, const char *subject_vi, const char *subject_en,
                        cc_reject_t *rej)
{
    char when[40], last[40];

    if (at >= floor)
        return 0;
    cc_time_format_iso(at, when, sizeof(when));
    cc_time_format_iso(floor, last, sizeof(last));
    /* The subject goes in a different place in each language. */
    rej->code = CC_ERR_BEFORE_PREVIOUS;
    rej->field = "at";
    snprintf(rej->vi, sizeof(rej->vi), "Thời điểm %s sớm hơn sự kiện trước của %s (%s)", when,
             subject_vi, last);
    snprintf(rej->en, sizeof(rej->en), "Time %s is before the %s's previous event (%s)", when,
             subject_en, last);
    return 1;
}

int cc_check_unit(const cc_catalog_t *cat, const char *field, const char *code, int64_t at,
                  cc_reject_t *rej)
{
    const cc_unit_t *u = cc_catalog_unit(cat, code);

    if (u == NULL)
        return cc_reject(rej, CC_ERR_UNKNOWN_UNIT, field, "Đơn vị '%s' không có trong danh mục",
                         "Unknown unit '%s'", code);
    if (!cc_unit_valid_on(u, cc_local_day(at)))
        return cc_reject(rej, CC_ERR_UNIT_NOT_VALID, field,
                         "Đơn vị '%s' không còn (hoặc chưa) hoạt động vào ngày của sự kiện",
                         "Unit '%s' did not exist on the event's date", code);
    return 0;
}

int cc_reject_fields(cc_reject_t *rej, const msgpack_object *body, const cc_field_t *fields,
                     size_t n, const char *what_vi, const char *what_en)
{
    const char *field = NULL;
    char vi[256], en[256];

    if (cc_fields_explain(body, fields, n, &field, vi, sizeof(vi), en, sizeof(en)) == 0)
        return 0;
    rej->code = CC_ERR_BAD_FIELD;
    rej->field = field;
    snprintf(rej->vi, sizeof(rej->vi), "%s: %s", what_vi, vi);
    snprintf(rej->en, sizeof(rej->en), "%s: %s", what_en, en);
    return 1;
}

int cc_reject_event_fields(cc_reject_t *rej, const cc_event_schema_t *s, const msgpack_object *ev)
{
    const char *field = NULL;
    char vi[320], en[320];

    if (cc_event_fields_explain(s, ev, &field, vi, sizeof(vi), en, sizeof(en)) == 0)
        return 0;
    rej->code = CC_ERR_BAD_FIELD;
    rej->field = field;
    snprintf(rej->vi, sizeof(rej->vi), "Sự kiện '%s' không hợp lệ: %s", s->type, vi);
    snprintf(rej->en, sizeof(rej->en), "Invalid %s event: %s", s->type, en);
    return 1;
}

int cc_reject_type(cc_reject_t *rej, cc_event_daemon_t here, cc_str_t type)
{
    cc_event_daemon_t there;
    cc_daemon_words_t h, t;
    const char *push;

    if (cc_event_schema_find(type.ptr, type.len, &there) == NULL || there == here)
        return cc_reject(rej, CC_ERR_UNSUPPORTED, "type", "Không có loại sự kiện '%.*s'",
                         "Unknown event type '%.*s'", (int)type.len, type.ptr);
    h = cc_daemon_words(cc_event_daemon_name(here));
    t = cc_daemon_words(cc_event_daemon_name(there));
    push = there == CC_EVENTS_HOTLINE ? "cchc push --to=hotline" : "cchc push";
    rej->code = CC_ERR_UNSUPPORTED;
    rej->field = "type";
    snprintf(rej->vi, sizeof(rej->vi), "Đây là %s (%s); sự kiện '%.*s' phải gửi đến %s (%s): %s",
             h.vi, h.program, (int)type.len, type.ptr, t.vi, t.program, push);
    snprintf(rej->en, sizeof(rej->en), "This is %s; '%.*s' is an event for %s: send it with %s",
             h.program, (int)type.len, type.ptr, t.program, push);
    return 1;
}

int cc_reject_period(cc_reject_t *rej, const char *spec, const char *why)
{
    return cc_reject(rej, CC_ERR_BAD_FIELD, "period",
                     "Kỳ '%s' không hợp lệ; kỳ viết là 2025-03 (tháng), 2025-Q1, 2025-H1, "
                     "2025-H2, 2025-9M hoặc 2025%.0s",
                     "Invalid period '%s': %s", spec, why);
}

const char *cc_role_vi(cc_role_t role)
{
    switch (role) {
    case CC_ROLE_COUNTER:
        return "quầy một cửa";
    case CC_ROLE_AGENT:
        return "tổng đài viên";
    case CC_ROLE_CONTACT_POINT:
        return "đầu mối đơn vị";
    case CC_ROLE_SUPERVISOR:
        return "giám sát viên";
    case CC_ROLE_OPERATOR:
        return "người vận hành";
    case CC_ROLE_CONSUMER:
        return "bên đọc nhật ký";
    case CC_ROLE_COUNT_:
        break;
    }
    return "?";
}

int cc_field_enum(const msgpack_object *ev, const char *key, const cc_vocab_t *v, unsigned first,
                  uint8_t *ret, cc_reject_t *rej)
{
    char list[256];
    cc_str_t s = { NULL, 0 };
    int i;

    cc_map_str(ev, key, &s);
    if ((i = cc_vocab_find(v, first, s.ptr, s.len)) >= 0) {
        *ret = (uint8_t)i;
        return 0;
    }
    cc_vocab_list(v, first, "', '", list, sizeof(list));
    rej->code = CC_ERR_BAD_FIELD;
    rej->field = key;
    snprintf(rej->vi, sizeof(rej->vi), "Trường '%s' phải là một trong: '%s'", key, list);
    cc_vocab_list(v, first, ", ", list, sizeof(list));
    snprintf(rej->en, sizeof(rej->en), "Field '%s' must be one of: %s", key, list);
    return 1;
}

const char *cc_transition_text(const cc_transition_t *t, const cc_vocab_t *states, char *buf,
                               size_t len)
{
    char note[8] = "";

    if (t->note)
        snprintf(note, sizeof(note), "(%c)", t->note);
    switch (t->kind) {
    case CC_TR_STAY:
        snprintf(buf, len, "=%s%s", note[0] ? " " : "", note);
        break;
    case CC_TR_MOVE:
        snprintf(buf, len, "→ %s%s%s", cc_vocab_name(states, t->next), note[0] ? " " : "", note);
        break;
    case CC_TR_DECIDE:
        snprintf(buf, len, "%s", note);
        break;
    case CC_TR_REFUSE:
        snprintf(buf, len, "`%s`", cc_err_name((cc_err_t)t->code));
        break;
    default:
        snprintf(buf, len, "✗");
        break;
    }
    return buf;
}
