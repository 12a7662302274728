/*
 * cc_figures.c - the report's figures and their labels (see cc_figures.h).
 */
#include "cc_figures.h"

#include <stddef.h>
#include <string.h>

#include "cc_base.h"

/* clang-format off */
const cc_figure_t cc_figures[] = {
    { "backlog_at_start", CC_FIG_COUNT, "Tồn đầu kỳ", "backlog at start" },
    { "received", CC_FIG_COUNT, "Tiếp nhận mới", "received" },
    { "received_direct", CC_FIG_COUNT, "Tiếp nhận trực tiếp", "received at the counter" },
    { "received_online", CC_FIG_COUNT, "Tiếp nhận trực tuyến", "received online" },
    { "received_postal", CC_FIG_COUNT, "Tiếp nhận qua bưu chính", "received by post" },
    { "rejected", CC_FIG_COUNT, "Từ chối tại quầy", "rejected at the counter" },
    { "to_handle", CC_FIG_COUNT, "Tổng số phải giải quyết", "to handle" },
    { "resolved", CC_FIG_COUNT, "Đã giải quyết", "resolved" },
    { "resolved_early", CC_FIG_COUNT, "Giải quyết trước hạn", "resolved early" },
    { "resolved_on_time", CC_FIG_COUNT, "Giải quyết đúng hạn", "resolved on time" },
    { "resolved_late", CC_FIG_COUNT, "Giải quyết trễ hạn", "resolved late" },
    { "open_at_end", CC_FIG_COUNT, "Đang giải quyết cuối kỳ", "open at the end" },
    { "open_within", CC_FIG_COUNT, "Đang giải quyết trong hạn cuối kỳ", "open within due at the end" },
    { "open_past", CC_FIG_COUNT, "Đang giải quyết quá hạn cuối kỳ", "open past due at the end" },
    { "ended_no_class", CC_FIG_COUNT, "Dừng/không giải quyết/rút", "ended without a class" },
    { "transferred_in", CC_FIG_COUNT, "Liên thông đến", "transferred in" },
    { "transferred_out", CC_FIG_COUNT, "Liên thông đi", "transferred out" },
    { "on_time", CC_FIG_RATE, "Tỷ lệ đúng hạn", "on-time rate" },
    { "overall", CC_FIG_RATE, "Đánh giá chung (đúng hạn và trong hạn)", "overall rate (on time and within due)" },
    { "ok_share", CC_FIG_RATE, "Tỷ lệ giải quyết đúng hạn trên tổng số", "resolved in time, share of all to handle" },
    { "open_share", CC_FIG_RATE, "Tỷ lệ đang giải quyết trong hạn", "open within due, share of all" },
    { "late_share", CC_FIG_RATE, "Tỷ lệ trễ hạn (đã và đang giải quyết)", "late, resolved or open, share of all" },
    { "online", CC_FIG_RATE, "Tỷ lệ trực tuyến", "online rate" },
    { "sos_requests", CC_FIG_COUNT, "Đề nghị dừng/bổ sung/không giải quyết/rút", "SOS requests" },
    { "sos_pending", CC_FIG_COUNT, "Đề nghị chờ duyệt cuối kỳ", "SOS requests pending" },
    { "sos_stop_req", CC_FIG_COUNT, "Đề nghị dừng xử lý", "stop requested" },
    { "sos_stop_ok", CC_FIG_COUNT, "Dừng xử lý: đồng ý", "stop approved" },
    { "sos_stop_deny", CC_FIG_COUNT, "Dừng xử lý: không đồng ý", "stop denied" },
    { "sos_stop_pend", CC_FIG_COUNT, "Dừng xử lý: đang xem xét", "stop pending" },
    { "sos_supp_req", CC_FIG_COUNT, "Yêu cầu bổ sung", "supplement requested" },
    { "sos_supp_ok", CC_FIG_COUNT, "Yêu cầu bổ sung: đồng ý", "supplement approved" },
    { "sos_supp_deny", CC_FIG_COUNT, "Yêu cầu bổ sung: không đồng ý", "supplement denied" },
    { "sos_supp_pend", CC_FIG_COUNT, "Yêu cầu bổ sung: đang xem xét", "supplement pending" },
    { "sos_refuse_req", CC_FIG_COUNT, "Đề nghị không giải quyết", "refusal requested" },
    { "sos_refuse_ok", CC_FIG_COUNT, "Không giải quyết: đồng ý", "refusal approved" },
    { "sos_refuse_deny", CC_FIG_COUNT, "Không giải quyết: không đồng ý", "refusal denied" },
    { "sos_refuse_pend", CC_FIG_COUNT, "Không giải quyết: đang xem xét", "refusal pending" },
    { "sos_wdraw_req", CC_FIG_COUNT, "Rút hồ sơ", "withdrawal requested" },
    { "sos_wdraw_ok", CC_FIG_COUNT, "Rút hồ sơ: đồng ý", "withdrawal approved" },
    { "sos_wdraw_deny", CC_FIG_COUNT, "Rút hồ sơ: không đồng ý", "withdrawal denied" },
    { "sos_wdraw_pend", CC_FIG_COUNT, "Rút hồ sơ: đang xem xét", "withdrawal pending" },
    { "supp_rule_broken", CC_FIG_COUNT, "Bổ sung sai quy định (quá 3 ngày / lần 2)", "supplement rule broken" },
    { "extended", CC_FIG_COUNT, "Xin lỗi và hẹn lại", "extensions (apologies)" },
    { "apology_in_time", CC_FIG_COUNT, "Trễ hạn, xin lỗi đúng hạn", "late, apology in time" },
    { "apology_late", CC_FIG_COUNT, "Trễ hạn, xin lỗi muộn", "late, apology late" },
    { "apology_missing", CC_FIG_COUNT, "Trễ hạn, không xin lỗi", "late, apology missing" },
    { "paid", CC_FIG_COUNT, "Đã thanh toán phí", "fees paid" },
    { "paid_cash", CC_FIG_COUNT, "Thanh toán tiền mặt", "paid in cash" },
    { "paid_cashless", CC_FIG_COUNT, "Thanh toán không dùng tiền mặt", "paid cashless" },
    { "paid_online", CC_FIG_COUNT, "Thanh toán trực tuyến (Cổng DVCQG)", "paid online" },
    { "cashless", CC_FIG_RATE, "Tỷ lệ không dùng tiền mặt", "cashless rate" },
    { "digitized_result", CC_FIG_COUNT, "Kết quả điện tử", "electronic results" },
    { "digitized_parts", CC_FIG_COUNT, "Số hóa thành phần hồ sơ", "components digitized" },
    { "ratings", CC_FIG_COUNT, "Lượt đánh giá", "ratings" },
    { "rated_very", CC_FIG_COUNT, "Rất hài lòng", "very satisfied" },
    { "rated_ok", CC_FIG_COUNT, "Hài lòng", "satisfied" },
    { "rated_bad", CC_FIG_COUNT, "Không hài lòng", "dissatisfied" },
    { "satisfied", CC_FIG_RATE, "Tỷ lệ hài lòng", "satisfaction rate" },
    { "contacts", CC_FIG_COUNT, "Liên hệ tổng đài 1022", "1022 contacts" },
    { "contacts_info", CC_FIG_COUNT, "1022: hỗ trợ thông tin", "1022: information" },
    { "contacts_guide", CC_FIG_COUNT, "1022: hướng dẫn TTHC", "1022: procedure guidance" },
    { "contacts_postal", CC_FIG_COUNT, "1022: đăng ký bưu chính", "1022: postal registration" },
    { "contacts_pakn", CC_FIG_COUNT, "1022: phản ánh, kiến nghị", "1022: complaints" },
    { "contacts_other", CC_FIG_COUNT, "1022: khác", "1022: other" },
    { "contacts_phone", CC_FIG_COUNT, "1022: điện thoại", "1022: by phone" },
    { "contacts_email", CC_FIG_COUNT, "1022: thư điện tử", "1022: by e-mail" },
    { "contacts_app", CC_FIG_COUNT, "1022: ứng dụng", "1022: by app" },
    { "contacts_zalo", CC_FIG_COUNT, "1022: Zalo", "1022: by Zalo" },
    { "contacts_portal", CC_FIG_COUNT, "1022: từ Cổng DVCQG", "1022: from the national portal" },
    { "pakn_received", CC_FIG_COUNT, "PAKN tiếp nhận", "complaints received" },
    { "pakn_to_unit", CC_FIG_COUNT, "PAKN chuyển đơn vị", "complaints passed to a unit" },
    { "pakn_to_handle", CC_FIG_COUNT, "PAKN phải xử lý", "complaints to handle" },
    { "pakn_handled", CC_FIG_COUNT, "PAKN đã xử lý", "handled: answered, refused, forwarded" },
    { "pakn_answered", CC_FIG_COUNT, "PAKN đã trả lời", "complaints answered" },
    { "pakn_on_time", CC_FIG_COUNT, "PAKN trả lời đúng hạn", "complaints answered on time" },
    { "pakn_ans_l1", CC_FIG_COUNT, "PAKN xử lý cấp độ 1", "answered at level 1" },
    { "pakn_ans_l2", CC_FIG_COUNT, "PAKN xử lý cấp độ 2", "answered at level 2" },
    { "pakn_ans_l3", CC_FIG_COUNT, "PAKN xử lý cấp độ 3", "answered at level 3" },
    { "pakn_published", CC_FIG_COUNT, "PAKN đã công khai", "complaints published" },
    { "pakn_pub_late", CC_FIG_COUNT, "PAKN công khai muộn", "published late" },
    { "pakn_escalated", CC_FIG_COUNT, "PAKN chuyển cấp (quá hạn)", "complaints escalated" },
    { "pakn_overdue", CC_FIG_COUNT, "PAKN quá hạn", "complaints overdue" },
    { "pakn_reopened", CC_FIG_COUNT, "PAKN mở lại (chưa hài lòng)", "complaints reopened" },
    { "pakn_forwarded", CC_FIG_COUNT, "PAKN chuyển ngoài tỉnh", "forwarded outside the province" },
    { "pakn_refused", CC_FIG_COUNT, "PAKN từ chối tiếp nhận", "complaints refused" },
    { "pakn_ref_late", CC_FIG_COUNT, "PAKN từ chối muộn", "refused late" },
    { "reminders", CC_FIG_COUNT, "Văn bản nhắc nhở", "reminders" },
    { "criticisms", CC_FIG_COUNT, "Văn bản phê bình", "criticisms" },
    { "pakn_ot", CC_FIG_RATE, "Tỷ lệ PAKN đúng hạn", "complaints on time" },
    { "pakn_res", CC_FIG_RATE, "Tỷ lệ PAKN đã xử lý", "complaint resolution rate" }
};
/* clang-format on */
const size_t cc_figures_n = CC_N(cc_figures);

/* clang-format off */
const cc_indicator_t cc_indicators[CC_IX_COUNT_] = {
    [CC_IX_CKMB] = { "ckmb", "CKMB", "", 18, false, "CKMB",
        "Công khai, minh bạch", "transparency" },
    [CC_IX_TDGQ] = { "tdgq", "TDGQ", "2.1", 20, true, "TDGQ 2.1",
        "Tiến độ giải quyết: đúng hạn hoặc còn hạn", "progress: ended in time or still within due" },
    [CC_IX_ONLINE_SHARE] = { "online_share", "DVTT", "3.3", 6, true, "DVTT 3.3",
        "Tỷ lệ hồ sơ trực tuyến", "dossiers received online" },
    [CC_IX_ONLINE_OFFER] = { "online_offer", "DVTT", "3.1", 2, true, "DVTT 3.1",
        "TTHC cung cấp dịch vụ trực tuyến", "procedures offered online" },
    [CC_IX_ONLINE_USED] = { "online_used", "DVTT", "3.2", 4, true, "DVTT 3.2",
        "TTHC trực tuyến có phát sinh hồ sơ trực tuyến", "online procedures with an online dossier" },
    [CC_IX_PAY_ONLINE] = { "pay_online", "TTTT", "3.6", 6, true, "TTTT 3.6",
        "Hồ sơ thanh toán trực tuyến", "dossiers paid online" },
    [CC_IX_PAY_OTHER] = { "pay_other", "TTTT", "", 4, false, "TTTT khác",
        "Thanh toán trực tuyến: chỉ tiêu khác", "online payment: other indicators" },
    [CC_IX_E_RESULT] = { "e_result", "MDSH", "", 6, true, "KQ điện tử",
        "Cấp kết quả điện tử", "electronic results issued" },
    [CC_IX_E_PARTS] = { "e_parts", "MDSH", "", 4, true, "Số hóa HS",
        "Số hóa thành phần hồ sơ", "dossier components digitized" },
    [CC_IX_MDSH_OTHER] = { "mdsh_other", "MDSH", "", 12, false, "MDSH khác",
        "Số hóa: chỉ tiêu khác", "digitization: other indicators" },
    [CC_IX_PAKN_TIMELY] = { "pakn_timely", "MDHL", "", 6, true, "PAKN hạn",
        "PAKN được xử lý đúng hạn", "complaints answered on time" },
    [CC_IX_PAKN_SAT] = { "pakn_sat", "MDHL", "", 6, true, "PAKN HL",
        "Hài lòng về xử lý PAKN", "satisfaction with complaint handling" },
    [CC_IX_DOSSIER_SAT] = { "dossier_sat", "MDHL", "", 6, true, "Hồ sơ HL",
        "Hài lòng về giải quyết hồ sơ", "satisfaction with dossiers" },
};

const cc_figure_t cc_index_figures[] = {
    { "index_score", CC_FIG_DECIMAL, "Điểm chỉ số (trên 100)", "index score (of 100)" },
    { "index_coverage", CC_FIG_COUNT, "Điểm đo được", "points measurable (of 100)" },
    { "index_share", CC_FIG_PERCENT, "Tỷ lệ điểm đạt trên điểm đo được", "score, share of the measurable points" },
};
/* clang-format on */
const size_t cc_index_figures_n = CC_N(cc_index_figures);

/* Both tables' entries start with their key, so that one search serves them. */
_Static_assert(offsetof(cc_figure_t, key) == 0 && offsetof(cc_indicator_t, key) == 0,
               "a table entry starts with its key");

/* The entry of @table (@n entries of @size bytes) whose key is the @len bytes at @key. */
static const void *find_exact(const void *table, size_t n, size_t size, const char *key, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        const void *entry = (const char *)table + i * size;
        const char *k = *(const char *const *)entry;

        if (strlen(k) == len && memcmp(k, key, len) == 0)
            return entry;
    }
    return NULL;
}

/* The entry whose key is the @len bytes at @key, or whose key followed by
 * "_" and one of the @n_parts @parts is (that part in *@ret_part, else
 * NULL; @ret_part may be NULL). */
static const void *find_with_part(const void *table, size_t n, size_t size,
                                  const char *const *parts, size_t n_parts, const char *key,
                                  size_t len, const char **ret_part)
{
    const void *entry = find_exact(table, n, size, key, len);

    if (ret_part)
        *ret_part = NULL;
    for (size_t i = 0; entry == NULL && i < n_parts; i++) {
        size_t pl = strlen(parts[i]);

        if (len > pl + 1 && key[len - pl - 1] == '_' && memcmp(key + len - pl, parts[i], pl) == 0 &&
            (entry = find_exact(table, n, size, key, len - pl - 1)) != NULL && ret_part)
            *ret_part = parts[i];
    }
    return entry;
}

const cc_figure_t *cc_figure_find(const char *key, size_t len, const char **ret_part)
{
    static const char *const parts[] = { "rate", "num", "den" };
    const char *part = NULL;
    const cc_figure_t *f = find_with_part(cc_figures, cc_figures_n, sizeof(*cc_figures), parts,
                                          CC_N(parts), key, len, &part);

    if (ret_part)
        *ret_part = NULL;
    if (f && part && f->kind != CC_FIG_RATE)
        return NULL; /* only a rate has parts */
    if (ret_part)
        *ret_part = part;
    return f;
}

const cc_indicator_t *cc_indicator_find(const char *key, size_t len, const char **ret_part)
{
    static const char *const parts[] = { "num", "den", "pts", "max" };

    return find_with_part(cc_indicators, CC_IX_COUNT_, sizeof(*cc_indicators), parts, CC_N(parts),
                          key, len, ret_part);
}

const cc_figure_t *cc_index_figure_find(const char *key, size_t len)
{
    return find_exact(cc_index_figures, cc_index_figures_n, sizeof(*cc_index_figures), key, len);
}
