/*
 * cc_vocab.c - the protocol's closed lists of codes (see cc_vocab.h).
 */
#include "cc_vocab.h"

#include <stdio.h>
#include <string.h>

#include "cc_base.h"

/* Define the list @var from the arrays @names and @vi, which must have the
 * same size. */
#define DEFINE_VOCAB(var, what, names, vi)                                                         \
    _Static_assert(CC_N(names) == CC_N(vi), #var ": one Vietnamese text per name");                \
    const cc_vocab_t var = { what, names, vi, CC_N(names) }

const char *cc_vocab_name(const cc_vocab_t *v, unsigned i) { return i < v->n ? v->names[i] : "?"; }

const char *cc_vocab_vi(const cc_vocab_t *v, unsigned i)
{
    return i >= v->n ? "?" : v->vi ? v->vi[i] : v->names[i];
}

int cc_vocab_find(const cc_vocab_t *v, unsigned first, const char *s, size_t len)
{
    for (size_t i = first; i < v->n; i++)
        if (strlen(v->names[i]) == len && memcmp(v->names[i], s, len) == 0)
            return (int)i;
    return -1;
}

char *cc_vocab_list(const cc_vocab_t *v, unsigned first, const char *sep, char *buf, size_t len)
{
    size_t used = 0;

    if (len == 0)
        return buf;
    buf[0] = '\0';
    for (size_t i = first; i < v->n && used < len; i++) {
        int w = snprintf(buf + used, len - used, "%s%s", i > first ? sep : "", v->names[i]);

        if (w < 0)
            break;
        used += (size_t)w;
    }
    return buf;
}

/* ---- Dossiers ------------------------------------------------------------------ */

static const char *const dossier_state_names[CC_DOSSIER_STATE_COUNT_] = {
    "none",     "processing", "supplement_wait", "resolved",
    "returned", "refused",    "stopped",         "withdrawn",
};
static const char *const dossier_state_vi[CC_DOSSIER_STATE_COUNT_] = {
    "chưa tiếp nhận", "đang xử lý",       "chờ bổ sung",   "đã xử lý xong",
    "đã trả kết quả", "không giải quyết", "đã dừng xử lý", "đã rút",
};
DEFINE_VOCAB(cc_dossier_states, "dossier state", dossier_state_names, dossier_state_vi);

static const char *const dossier_event_names[CC_EV_KIND_COUNT_] = {
    "received",         "rejected_at_counter",
    "transferred",      "consult_requested",
    "consult_answered", "sos_requested",
    "sos_reviewed",     "supplement_completed",
    "extended",         "resolved",
    "returned",         "fee_paid",
    "digitized",        "rated",
};
static const char *const dossier_event_vi[CC_EV_KIND_COUNT_] = {
    "tiếp nhận",
    "từ chối tiếp nhận tại quầy",
    "chuyển xử lý",
    "xin ý kiến",
    "trả lời xin ý kiến",
    "đề nghị dừng, bổ sung, không giải quyết hoặc rút",
    "xem xét đề nghị",
    "hoàn thành bổ sung",
    "xin lỗi và hẹn lại",
    "đã xử lý xong",
    "trả kết quả",
    "nộp phí, lệ phí",
    "số hóa",
    "đánh giá mức độ hài lòng",
};
DEFINE_VOCAB(cc_dossier_events, "dossier event", dossier_event_names, dossier_event_vi);

static const char *const sos_names[CC_SOS_KIND_COUNT_] = {
    "none", "stop", "supplement", "refuse", "withdraw",
};
static const char *const sos_vi[CC_SOS_KIND_COUNT_] = {
    "không có", "dừng xử lý", "bổ sung hồ sơ", "không giải quyết", "rút hồ sơ",
};
DEFINE_VOCAB(cc_sos_kinds, "SOS request", sos_names, sos_vi);

static const char *const apology_names[] = { "none", "in_time", "late" };
static const char *const apology_vi[] = { "không có", "đúng hạn", "muộn" };
DEFINE_VOCAB(cc_apologies, "apology", apology_names, apology_vi);

static const char *const channel_names[] = { "direct", "online", "postal" };
static const char *const channel_vi[] = { "trực tiếp", "trực tuyến", "bưu chính công ích" };
DEFINE_VOCAB(cc_channels, "channel", channel_names, channel_vi);

static const char *const fee_names[] = { "cash", "cashless", "online" };
static const char *const fee_vi[] = { "tiền mặt", "không dùng tiền mặt", "trực tuyến" };
DEFINE_VOCAB(cc_fee_methods, "payment method", fee_names, fee_vi);

static const char *const return_names[] = { "counter", "post", "electronic" };
static const char *const return_vi[] = { "tại bộ phận một cửa", "qua bưu chính", "điện tử" };
DEFINE_VOCAB(cc_return_methods, "return method", return_names, return_vi);

static const char *const digitized_names[] = { "components", "result" };
static const char *const digitized_vi[] = { "thành phần hồ sơ", "kết quả giải quyết" };
DEFINE_VOCAB(cc_digitized, "digitized part", digitized_names, digitized_vi);

static const char *const rating_names[] = { "very_satisfied", "satisfied", "dissatisfied" };
static const char *const rating_vi[] = { "rất hài lòng", "hài lòng", "không hài lòng" };
DEFINE_VOCAB(cc_ratings, "rating", rating_names, rating_vi);

static const char *const class_names[] = { "early", "on_time", "late" };
static const char *const class_vi[] = { "trước hạn", "đúng hạn", "trễ hạn" };
DEFINE_VOCAB(cc_classes, "resolution class", class_names, class_vi);

/* ---- Units (DOMAIN.md §2.1) ----------------------------------------------------- */

static const char *const unit_kind_names[] = { "province_office", "department", "district",
                                               "commune",         "center",     "other" };
static const char *const unit_kind_vi[] = {
    "văn phòng UBND tỉnh",  "sở, ban, ngành", "huyện, thị xã, thành phố",
    "xã, phường, thị trấn", "trung tâm",      "khác"
};
DEFINE_VOCAB(cc_unit_kinds, "unit kind", unit_kind_names, unit_kind_vi);

/* ---- Supervisors' notes on units ------------------------------------------------ */

static const char *const unit_event_names[] = { "reminder", "grade_note" };
static const char *const unit_event_vi[] = { "văn bản nhắc nhở, phê bình",
                                             "ghi chú đánh giá (lý do A+, mức đã quyết định)" };
DEFINE_VOCAB(cc_unit_events, "unit event", unit_event_names, unit_event_vi);

static const char *const note_kind_names[] = { "reminder", "criticism" };
static const char *const note_kind_vi[] = { "nhắc nhở", "phê bình" };
DEFINE_VOCAB(cc_note_kinds, "document kind", note_kind_names, note_kind_vi);

static const char *const grade_names[] = { "A+", "A", "B", "C" };
static const char *const grade_vi[] = { "hoàn thành xuất sắc", "hoàn thành tốt", "hoàn thành",
                                        "không hoàn thành" };
DEFINE_VOCAB(cc_grades, "grade", grade_names, grade_vi);

/* ---- Hotline 1022 ---------------------------------------------------------------- */

static const char *const pakn_state_names[CC_PAKN_STATE_COUNT_] = {
    "none",     "received",  "classified", "assigned",  "accepted",
    "answered", "published", "closed",     "forwarded", "refused",
};
static const char *const pakn_state_vi[CC_PAKN_STATE_COUNT_] = {
    "chưa tiếp nhận",       "đã tiếp nhận",   "đã phân loại",
    "đã chuyển đơn vị",     "đơn vị đã nhận", "đã trả lời",
    "đã công khai",         "đã kết thúc",    "đã chuyển cơ quan ngoài tỉnh",
    "đã từ chối tiếp nhận",
};
DEFINE_VOCAB(cc_pakn_states, "complaint state", pakn_state_names, pakn_state_vi);

static const char *const hotline_event_names[CC_HEV_KIND_COUNT_] = {
    "contact",        "contact_closed", "pakn_received",  "pakn_classified", "pakn_assigned",
    "pakn_forwarded", "pakn_accepted",  "pakn_answered",  "pakn_published",  "pakn_closed",
    "pakn_reopened",  "pakn_refused",   "pakn_escalated", "pakn_overdue",
};
static const char *const hotline_event_vi[CC_HEV_KIND_COUNT_] = {
    "liên hệ",
    "kết thúc liên hệ",
    "tiếp nhận PAKN",
    "phân loại PAKN",
    "chuyển PAKN cho đơn vị",
    "chuyển PAKN ra ngoài tỉnh",
    "đơn vị nhận PAKN",
    "trả lời PAKN",
    "công khai câu trả lời",
    "kết thúc PAKN",
    "mở lại PAKN",
    "từ chối tiếp nhận PAKN",
    "nâng cấp độ xử lý",
    "quá hạn cấp độ 3",
};
DEFINE_VOCAB(cc_hotline_events, "hotline event", hotline_event_names, hotline_event_vi);

static const char *const ctype_names[CC_CTYPE_COUNT_] = {
    "information",
    "guidance",
    "postal",
    "pakn",
};
static const char *const ctype_vi[CC_CTYPE_COUNT_] = {
    "hỗ trợ thông tin",
    "hướng dẫn TTHC",
    "đăng ký bưu chính công ích",
    "phản ánh, kiến nghị",
};
DEFINE_VOCAB(cc_ctypes, "contact type", ctype_names, ctype_vi);

static const char *const hchannel_names[CC_HCHANNEL_COUNT_] = {
    "phone", "email", "app", "zalo", "portal",
};
static const char *const hchannel_vi[CC_HCHANNEL_COUNT_] = {
    "điện thoại", "thư điện tử", "ứng dụng", "Zalo", "Cổng DVCQG",
};
DEFINE_VOCAB(cc_hotline_channels, "hotline channel", hchannel_names, hchannel_vi);

static const char *const category_names[] = { "", "procedure", "conduct", "proposal" };
static const char *const category_vi[] = {
    "chưa phân loại",
    "về thủ tục, hồ sơ",
    "về thái độ, hành vi cán bộ",
    "kiến nghị",
};
DEFINE_VOCAB(cc_pakn_categories, "complaint category", category_names, category_vi);

static const char *const refusal_names[] = {
    "", "anonymous", "unclear", "handled", "not_pakn", "other",
};
static const char *const refusal_vi[] = {
    "không",
    "không rõ người gửi",
    "nội dung không rõ",
    "đã được giải quyết",
    "không phải PAKN (khiếu nại, tố cáo)",
    "lý do khác",
};
DEFINE_VOCAB(cc_pakn_refusals, "refusal reason", refusal_names, refusal_vi);

/* ---- Alerts ----------------------------------------------------------------------- */

static const char *const severity_names[CC_SEV_COUNT_] = { "info", "warning", "critical" };
static const char *const severity_vi[CC_SEV_COUNT_] = { "thông tin", "cảnh báo", "nghiêm trọng" };
DEFINE_VOCAB(cc_severities, "severity", severity_names, severity_vi);

static const char *const subject_names[] = { "dossier", "pakn", "unit", "feed" };
static const char *const subject_vi[] = { "hồ sơ", "PAKN", "đơn vị", "nguồn dữ liệu" };
DEFINE_VOCAB(cc_alert_subjects, "alert subject", subject_names, subject_vi);

static const char *const alert_kind_names[CC_ALERT_KIND_COUNT_] = {
    "dossier_due_soon", "dossier_overdue",   "apology_missing",
    "promise_missed",   "sos_pending",       "supplement_rule_broken",
    "consult_late",     "unit_below_target", "satisfaction_below_target",
    "pakn_due_soon",    "pakn_escalated",    "pakn_overdue",
    "pakn_reopened",    "feed_lagging",
};
static const char *const alert_kind_vi[CC_ALERT_KIND_COUNT_] = {
    "hồ sơ sắp đến hạn",
    "hồ sơ quá hạn",
    "thiếu văn bản xin lỗi",
    "trễ ngày hẹn lại",
    "đề nghị dừng/bổ sung chờ xem xét",
    "yêu cầu bổ sung trái quy định",
    "lấy ý kiến quá hạn",
    "tỷ lệ đúng hạn dưới chỉ tiêu",
    "mức hài lòng dưới chỉ tiêu",
    "PAKN sắp đến hạn",
    "PAKN chuyển cấp",
    "PAKN quá hạn cấp cao nhất",
    "PAKN bị mở lại",
    "số liệu chậm cập nhật",
};
DEFINE_VOCAB(cc_alert_kinds, "alert kind", alert_kind_names, alert_kind_vi);

#define KIND(sev, top, subj, en)                                                                   \
    {                                                                                              \
        CC_SEV_##sev, CC_SEV_##top, CC_SUBJECT_##subj, en                                          \
    }
const cc_alert_kind_info_t cc_alert_kind_info[CC_ALERT_KIND_COUNT_] = {
    [CC_ALERT_DOSSIER_DUE_SOON] = KIND(INFO, INFO, DOSSIER, "dossier due soon"),
    [CC_ALERT_DOSSIER_OVERDUE] = KIND(WARNING, WARNING, DOSSIER, "dossier overdue"),
    [CC_ALERT_APOLOGY_MISSING] = KIND(WARNING, WARNING, DOSSIER, "apology missing"),
    [CC_ALERT_PROMISE_MISSED] = KIND(WARNING, WARNING, DOSSIER, "promised date missed"),
    [CC_ALERT_SOS_PENDING] = KIND(WARNING, WARNING, DOSSIER, "SOS request pending review"),
    [CC_ALERT_SUPPLEMENT_RULE_BROKEN] = KIND(WARNING, WARNING, DOSSIER, "supplement rule broken"),
    [CC_ALERT_CONSULT_LATE] = KIND(WARNING, WARNING, DOSSIER, "consultation late"),
    [CC_ALERT_UNIT_BELOW_TARGET] = KIND(WARNING, WARNING, UNIT, "on-time rate below target"),
    [CC_ALERT_SATISFACTION_BELOW_TARGET] =
        KIND(WARNING, WARNING, UNIT, "satisfaction below target"),
    [CC_ALERT_PAKN_DUE_SOON] = KIND(INFO, INFO, PAKN, "complaint due soon"),
    [CC_ALERT_PAKN_ESCALATED] = KIND(WARNING, CRITICAL, PAKN, "complaint escalated"),
    [CC_ALERT_PAKN_OVERDUE] = KIND(CRITICAL, CRITICAL, PAKN, "complaint overdue at level 3"),
    [CC_ALERT_PAKN_REOPENED] = KIND(WARNING, WARNING, PAKN, "complaint reopened"),
    [CC_ALERT_FEED_LAGGING] = KIND(WARNING, CRITICAL, FEED, "figures lagging behind a source"),
};
#undef KIND
