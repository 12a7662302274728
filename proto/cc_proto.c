/*
 * cc_proto.c - names of protocol constants (see cc_proto.h).
 */
#include "cc_proto.h"

#include <string.h>

static const char *const err_names[CC_ERR_COUNT_] = {
    [CC_ERR_BAD_REQUEST] = "bad_request",
    [CC_ERR_BAD_FIELD] = "bad_field",
    [CC_ERR_UNSUPPORTED] = "unsupported",
    [CC_ERR_NOT_AUTHORIZED] = "not_authorized",
    [CC_ERR_UNKNOWN_UNIT] = "unknown_unit",
    [CC_ERR_UNKNOWN_PROCEDURE] = "unknown_procedure",
    [CC_ERR_PROCEDURE_NOT_HANDLED] = "procedure_not_handled",
    [CC_ERR_UNIT_NOT_VALID] = "unit_not_valid",
    [CC_ERR_UNKNOWN_DOSSIER] = "unknown_dossier",
    [CC_ERR_DUPLICATE_DOSSIER] = "duplicate_dossier",
    [CC_ERR_ILLEGAL_TRANSITION] = "illegal_transition",
    [CC_ERR_FUTURE_EVENT] = "future_event",
    [CC_ERR_BEFORE_PREVIOUS] = "before_previous",
    [CC_ERR_EVENT_ID_CONFLICT] = "event_id_conflict",
    [CC_ERR_CALENDAR_NOT_COVERED] = "calendar_not_covered",
    [CC_ERR_UNKNOWN_COMPLAINT] = "unknown_complaint",
    [CC_ERR_UNKNOWN_ALERT] = "unknown_alert",
    [CC_ERR_OVERLOADED] = "overloaded",
    [CC_ERR_INTERNAL] = "internal",
};

const char *cc_err_name(cc_err_t code)
{
    if ((int)code <= 0 || code >= CC_ERR_COUNT_ || err_names[code] == NULL)
        return "internal";
    return err_names[code];
}

cc_err_t cc_err_from_name(const char *name)
{
    for (int i = 1; i < CC_ERR_COUNT_; i++)
        if (err_names[i] && strcmp(err_names[i], name) == 0)
            return (cc_err_t)i;
    return 0;
}

const char *cc_msg_type_name(int type)
{
    switch (type) {
    case CC_MSG_HELLO:
        return "HELLO";
    case CC_MSG_EVENT:
        return "EVENT";
    case CC_MSG_READ:
        return "READ";
    case CC_MSG_QUERY:
        return "QUERY";
    case CC_MSG_ACK:
        return "ACK";
    case CC_MSG_BATCH:
        return "BATCH";
    case CC_MSG_RESULT:
        return "RESULT";
    case CC_MSG_ERROR:
        return "ERROR";
    case CC_MSG_ALERT:
        return "ALERT";
    }
    return "?";
}

cc_daemon_words_t cc_daemon_words(const char *name)
{
    static const cc_daemon_words_t words[] = {
        { "intake", "cchc-intaked", "máy chủ tiếp nhận hồ sơ" },
        { "hotline", "cchc-hotlined", "máy chủ tổng đài 1022" },
        { "scoring", "cchc-scoringd", "máy chủ chấm điểm" },
    };

    for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++)
        if (strcmp(words[i].name, name) == 0)
            return words[i];
    return (cc_daemon_words_t){ name, name, name };
}
