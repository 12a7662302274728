/*
 * cc_schema.c - the event types and their fields (see cc_schema.h).
 */
#include "cc_schema.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cc_base.h"

const cc_field_t cc_event_common_fields[3] = {
    { "eid", CC_T_ID, true, 0, 0 },
    { "type", CC_T_CODE, true, 0, 0 },
    { "at", CC_T_TIME, true, 0, 0 },
};

/* A field without a list of values, and one with. */
#define F(key, type, req, lo, hi)                                                                  \
    {                                                                                              \
        { (key), (type), (req), (lo), (hi) }, NULL, 0                                              \
    }
#define E(key, vocab, first)                                                                       \
    {                                                                                              \
        { (key), CC_T_CODE, true, 0, 0 }, (vocab), (first)                                         \
    }
#define SCHEMA(type, fields, vi, en)                                                               \
    {                                                                                              \
        (type), (fields), CC_N(fields), (vi), (en), false                                          \
    }

/* ---- Intake: dossiers (PROTOCOL.md §3.1) ------------------------------------------- */

#define F_DOSSIER F("dossier", CC_T_ID, true, 0, 0)

static const cc_event_field_t f_received[] = {
    F_DOSSIER,
    F("proc", CC_T_CODE, true, 0, 0),
    F("unit", CC_T_CODE, true, 0, 0),
    E("channel", &cc_channels, 0),
};
static const cc_event_field_t f_dossier[] = { F_DOSSIER };
static const cc_event_field_t f_transferred[] = { F_DOSSIER, F("to", CC_T_CODE, true, 0, 0) };
static const cc_event_field_t f_consult_req[] = {
    F_DOSSIER,
    F("agency", CC_T_CODE, true, 0, 0),
    F("deadline", CC_T_TIME, true, 0, 0),
};
static const cc_event_field_t f_consult_ans[] = { F_DOSSIER, F("agency", CC_T_CODE, true, 0, 0) };
static const cc_event_field_t f_sos_req[] = { F_DOSSIER, E("kind", &cc_sos_kinds, CC_SOS_STOP) };
static const cc_event_field_t f_sos_rev[] = { F_DOSSIER, F("approved", CC_T_BOOL, true, 0, 0) };
static const cc_event_field_t f_extended[] = { F_DOSSIER, F("promised", CC_T_TIME, true, 0, 0) };
static const cc_event_field_t f_returned[] = { F_DOSSIER, E("method", &cc_return_methods, 0) };
static const cc_event_field_t f_fee[] = {
    F_DOSSIER,
    F("amount", CC_T_UINT, true, 0, 1000000000000LL),
    E("method", &cc_fee_methods, 0),
};
static const cc_event_field_t f_digitized[] = { F_DOSSIER, E("what", &cc_digitized, 0) };
static const cc_event_field_t f_rated[] = { F_DOSSIER, E("rating", &cc_ratings, 0) };

const cc_event_schema_t cc_dossier_event_schemas[CC_EV_KIND_COUNT_] = {
    [CC_EV_RECEIVED] = SCHEMA("received", f_received, "tiếp nhận hồ sơ tại bộ phận một cửa",
                              "a dossier received at the one-stop counter"),
    [CC_EV_REJECTED_AT_COUNTER] =
        SCHEMA("rejected_at_counter", f_received, "từ chối tiếp nhận hồ sơ tại quầy (Mẫu 02/03)",
               "a dossier refused at the counter (form 02/03), never received"),
    [CC_EV_TRANSFERRED] =
        SCHEMA("transferred", f_transferred, "chuyển hồ sơ cho đơn vị khác giải quyết (liên thông)",
               "handed to another unit to handle"),
    [CC_EV_CONSULT_REQUESTED] =
        SCHEMA("consult_requested", f_consult_req, "xin ý kiến cơ quan khác, có thời hạn trả lời",
               "another agency's opinion asked for, by a deadline"),
    [CC_EV_CONSULT_ANSWERED] = SCHEMA("consult_answered", f_consult_ans,
                                      "cơ quan được xin ý kiến đã trả lời", "that agency answered"),
    [CC_EV_SOS_REQUESTED] =
        SCHEMA("sos_requested", f_sos_req,
               "đề nghị dừng, yêu cầu bổ sung, không giải quyết hoặc rút hồ sơ",
               "a request to stop, to ask for a supplement, to refuse or to withdraw"),
    [CC_EV_SOS_REVIEWED] = SCHEMA("sos_reviewed", f_sos_rev, "duyệt hoặc không duyệt đề nghị đó",
                                  "that request approved or not"),
    [CC_EV_SUPPLEMENT_COMPLETED] =
        SCHEMA("supplement_completed", f_dossier, "công dân đã bổ sung đủ hồ sơ",
               "the citizen supplied what was missing"),
    [CC_EV_EXTENDED] =
        SCHEMA("extended", f_extended, "hẹn lại ngày trả kết quả, kèm văn bản xin lỗi (Mẫu 04)",
               "a new promised date, with an apology (form 04)"),
    [CC_EV_RESOLVED] = SCHEMA("resolved", f_dossier, "giải quyết xong", "handling finished"),
    [CC_EV_RETURNED] =
        SCHEMA("returned", f_returned, "trả kết quả cho công dân", "the result handed over"),
    [CC_EV_FEE_PAID] = SCHEMA("fee_paid", f_fee, "thu phí, lệ phí (đồng)", "a fee paid (đồng)"),
    [CC_EV_DIGITIZED] = SCHEMA("digitized", f_digitized, "số hóa thành phần hồ sơ hoặc kết quả",
                               "the dossier's components or its result digitized"),
    [CC_EV_RATED] = SCHEMA("rated", f_rated, "công dân đánh giá mức độ hài lòng",
                           "the citizen's rating at the counter"),
};

/* ---- Intake: supervisors' notes on units (PROTOCOL.md §3.5) ------------------------ */

static const cc_event_field_t f_reminder[] = {
    F("unit", CC_T_CODE, true, 0, 0),     E("kind", &cc_note_kinds, 0),
    F("doc", CC_T_STR, true, 1, 64),      F("doc_date", CC_T_TIME, true, 0, 0),
    F("reason", CC_T_STR, true, 1, 1024),
};
static const cc_event_field_t f_grade_note[] = {
    F("unit", CC_T_CODE, true, 0, 0),
    F("period", CC_T_CODE, true, 0, 0),
    { { "grade", CC_T_STR, false, 1, 2 }, &cc_grades, 0 },
    F("reason", CC_T_STR, true, 1, 1024),
};

const cc_event_schema_t cc_unit_event_schemas[CC_UEV_KIND_COUNT_] = {
    [CC_UEV_REMINDER] = SCHEMA("reminder", f_reminder, "văn bản nhắc nhở hoặc phê bình một đơn vị",
                               "a supervisor's reminder or criticism of a unit"),
    [CC_UEV_GRADE_NOTE] =
        SCHEMA("grade_note", f_grade_note, "ghi chú xếp loại của giám sát viên: mức đặt lại, lý do",
               "a supervisor's grade for a unit, or the reason for its grade"),
};

/* ---- Hotline 1022 (PROTOCOL.md §4) -------------------------------------------------- */

#define F_PAKN F("pakn", CC_T_ID, true, 1, CC_PAKN_MAX_ID)

static const cc_event_field_t f_contact[] = {
    F("contact", CC_T_ID, true, 0, 0),     E("ctype", &cc_ctypes, 0),
    E("channel", &cc_hotline_channels, 0), F("agent", CC_T_CODE, false, 0, 0),
    F("unit", CC_T_CODE, false, 0, 0),     F("closed", CC_T_BOOL, false, 0, 0),
};
static const cc_event_field_t f_contact_closed[] = { F("contact", CC_T_ID, true, 0, 0) };
static const cc_event_field_t f_pakn_received[] = {
    F_PAKN,
    F("contact", CC_T_ID, false, 0, 0),
    F("text", CC_T_STR, true, 1, CC_MAX_TEXT),
    F("caller_name", CC_T_STR, false, 1, CC_PAKN_MAX_NAME),
    F("caller_phone", CC_T_STR, false, 1, CC_PAKN_MAX_PHONE),
    F("dossier", CC_T_ID, false, 0, 0),
    F("urgent", CC_T_BOOL, false, 0, 0),
};
static const cc_event_field_t f_classified[] = {
    F_PAKN,
    E("category", &cc_pakn_categories, CC_CATEGORY_PROCEDURE),
};
static const cc_event_field_t f_assigned[] = { F_PAKN, F("unit", CC_T_CODE, true, 0, 0) };
static const cc_event_field_t f_forwarded[] = {
    F_PAKN,
    F("outside", CC_T_STR, true, 1, CC_PAKN_MAX_OUTSIDE),
};
static const cc_event_field_t f_pakn[] = { F_PAKN };
static const cc_event_field_t f_answered[] = { F_PAKN,
                                               F("answer", CC_T_STR, true, 1, CC_MAX_TEXT) };
static const cc_event_field_t f_refused[] = {
    F_PAKN,
    E("reason", &cc_pakn_refusals, CC_REFUSAL_ANONYMOUS),
};

const cc_event_schema_t cc_hotline_event_schemas[CC_HEV_KIND_COUNT_] = {
    [CC_HEV_CONTACT] =
        SCHEMA("contact", f_contact, "một cuộc liên hệ đến 1022: cuộc gọi, thư điện tử, tin nhắn",
               "a 1022 contact: a call, an e-mail, a message"),
    [CC_HEV_CONTACT_CLOSED] = SCHEMA("contact_closed", f_contact_closed,
                                     "kết thúc cuộc liên hệ đang mở", "an open contact closed"),
    [CC_HEV_PAKN_RECEIVED] =
        SCHEMA("pakn_received", f_pakn_received, "tiếp nhận phản ánh, kiến nghị",
               "a complaint or petition received"),
    [CC_HEV_PAKN_CLASSIFIED] = SCHEMA("pakn_classified", f_classified,
                                      "phân loại phản ánh, kiến nghị", "the complaint classified"),
    [CC_HEV_PAKN_ASSIGNED] = SCHEMA("pakn_assigned", f_assigned, "chuyển cho đầu mối của đơn vị",
                                    "assigned to a unit's contact point"),
    [CC_HEV_PAKN_FORWARDED] =
        SCHEMA("pakn_forwarded", f_forwarded, "chuyển cơ quan có thẩm quyền ngoài tỉnh",
               "forwarded to the competent agency outside the province"),
    [CC_HEV_PAKN_ACCEPTED] = SCHEMA("pakn_accepted", f_pakn, "đầu mối đơn vị nhận xử lý",
                                    "the unit's contact point took it"),
    [CC_HEV_PAKN_ANSWERED] =
        SCHEMA("pakn_answered", f_answered, "trả lời phản ánh, kiến nghị", "answered"),
    [CC_HEV_PAKN_PUBLISHED] =
        SCHEMA("pakn_published", f_pakn, "công khai câu trả lời, đã ẩn thông tin cá nhân",
               "the answer published, personal data removed"),
    [CC_HEV_PAKN_CLOSED] = SCHEMA("pakn_closed", f_pakn, "kết thúc", "closed"),
    [CC_HEV_PAKN_REOPENED] = SCHEMA("pakn_reopened", f_pakn, "mở lại: công dân chưa hài lòng",
                                    "reopened: the citizen is not satisfied"),
    [CC_HEV_PAKN_REFUSED] =
        SCHEMA("pakn_refused", f_refused, "từ chối tiếp nhận", "refused before it reached a unit"),
    [CC_HEV_PAKN_ESCALATED] = { "pakn_escalated", f_pakn, CC_N(f_pakn),
                                "chuyển lên cấp trên khi quá hạn (tổng đài tự ghi)",
                                "raised a level when a deadline passed (by the daemon)", true },
    [CC_HEV_PAKN_OVERDUE] = { "pakn_overdue", f_pakn, CC_N(f_pakn),
                              "quá hạn ở cấp cuối (tổng đài tự ghi)",
                              "past the last level's deadline (by the daemon)", true },
};

const cc_event_group_t cc_event_groups[3] = {
    { CC_EVENTS_INTAKE, "dossier events, sent with cchc push", cc_dossier_event_schemas,
      CC_EV_KIND_COUNT_ },
    { CC_EVENTS_INTAKE,
      "supervisors' notes on units, sent with cchc reminder add and cchc grade set|reason",
      cc_unit_event_schemas, CC_UEV_KIND_COUNT_ },
    { CC_EVENTS_HOTLINE,
      "contacts and complaints, sent with cchc push --to=hotline, cchc contact and cchc pakn",
      cc_hotline_event_schemas, CC_HEV_KIND_COUNT_ },
};

const char *cc_event_daemon_name(cc_event_daemon_t d)
{
    return d == CC_EVENTS_HOTLINE ? "hotline" : "intake";
}

const cc_event_schema_t *cc_event_schema_find(const char *type, size_t len,
                                              cc_event_daemon_t *ret_daemon)
{
    for (size_t g = 0; g < CC_N(cc_event_groups); g++)
        for (size_t i = 0; i < cc_event_groups[g].n; i++) {
            const cc_event_schema_t *s = &cc_event_groups[g].schemas[i];

            if (strlen(s->type) == len && memcmp(s->type, type, len) == 0) {
                if (ret_daemon)
                    *ret_daemon = cc_event_groups[g].daemon;
                return s;
            }
        }
    return NULL;
}

int cc_event_fields_explain(const cc_event_schema_t *s, const msgpack_object *ev,
                            const char **ret_key, char *vi, size_t vi_len, char *en, size_t en_len)
{
    for (size_t i = 0; i < s->n; i++) {
        const cc_event_field_t *f = &s->fields[i];
        char list[256];
        cc_str_t v;

        if (cc_fields_explain(ev, &f->check, 1, ret_key, vi, vi_len, en, en_len) < 0)
            return -EINVAL;
        if (f->values == NULL || cc_map_str(ev, f->check.key, &v) < 0 ||
            cc_vocab_find(f->values, f->first, v.ptr, v.len) >= 0)
            continue; /* absent (and optional), or in the list */
        if (ret_key)
            *ret_key = f->check.key;
        cc_vocab_list(f->values, f->first, "', '", list, sizeof(list));
        cc_set_error(vi, vi_len, "trường '%s' phải là một trong: '%s'", f->check.key, list);
        cc_vocab_list(f->values, f->first, ", ", list, sizeof(list));
        cc_set_error(en, en_len, "field '%s' must be one of: %s", f->check.key, list);
        return -EINVAL;
    }
    return 0;
}
