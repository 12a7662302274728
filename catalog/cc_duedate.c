#include "cc_duedate.h"

#include <errno.h>
#include <string.h>

cc_time_t cc_day_close(const cc_catalog_t *c, int32_t day)
{
    return cc_day_start(day) + (cc_time_t)cc_catalog_policy(c)->afternoon_end_minute * 60;
}

int cc_effective_receipt_day(const cc_catalog_t *c, cc_time_t start, int32_t *ret_day)
{
    const cc_calendar_t *cal = cc_catalog_calendar(c);
    int32_t day = cc_local_day(start);
    bool working;
    int r;

    r = cc_calendar_working_day(cal, day, &working);
    if (r < 0)
        return r;
    if (working && cc_local_second_of_day(start) <= cc_catalog_policy(c)->cutoff_minute * 60) {
        *ret_day = day;
        return 0;
    }
    return cc_calendar_next_working_day(cal, day, false, ret_day);
}

int cc_deadline_working_days(const cc_catalog_t *c, cc_time_t start, int n, cc_time_t *ret)
{
    int32_t day, end;
    int r;

    if (!c || n < 0 || n > CC_DURATION_MAX)
        return -EINVAL;
    r = cc_effective_receipt_day(c, start, &day);
    if (r < 0)
        return r;
    r = cc_calendar_add_working_days(cc_catalog_calendar(c), day, n, &end);
    if (r < 0)
        return r;
    *ret = cc_day_close(c, end);
    return 0;
}

int cc_due_at(const cc_catalog_t *c, const cc_procedure_t *p, cc_time_t start, cc_time_t *ret_due)
{
    int32_t day, end;
    int r;

    if (!c || !p)
        return -EINVAL;
    switch (p->duration_kind) {
    case CC_DURATION_WORKING_DAYS:
        /* 0 working days: same_day, which add_working_days(.., 0) gives. */
        return cc_deadline_working_days(c, start, p->duration, ret_due);
    case CC_DURATION_SAME_DAY:
        return cc_deadline_working_days(c, start, 0, ret_due);
    case CC_DURATION_CALENDAR_DAYS:
        if (p->duration < 0 || p->duration > CC_DURATION_MAX)
            return -EINVAL;
        r = cc_effective_receipt_day(c, start, &day);
        if (r < 0)
            return r;
        r = cc_calendar_next_working_day(cc_catalog_calendar(c), day + p->duration, true, &end);
        if (r < 0)
            return r;
        *ret_due = cc_day_close(c, end);
        return 0;
    }
    return -EINVAL;
}

int cc_classify(const cc_calendar_t *cal, cc_time_t resolved_at, cc_time_t due_at,
                cc_class_t *ret_class)
{
    int32_t rday, dday;

    if (!cal)
        return -EINVAL;
    if (resolved_at > due_at) {
        *ret_class = CC_CLASS_LATE;
        return 0;
    }
    rday = cc_local_day(resolved_at);
    dday = cc_local_day(due_at);
    /* Only the days before the due day matter, so a year after it that the
         * calendar does not cover yet is no obstacle. */
    for (int32_t d = rday; d < dday; d++) {
        bool working;
        int r = cc_calendar_working_day(cal, d, &working);
        if (r < 0)
            return r;
        if (working) {
            *ret_class = CC_CLASS_EARLY;
            return 0;
        }
    }
    *ret_class = CC_CLASS_ON_TIME;
    return 0;
}

const char *cc_class_name(cc_class_t cls) { return cc_vocab_name(&cc_classes, (unsigned)cls); }

int cc_class_parse(const char *s, cc_class_t *ret_class)
{
    int i = s ? cc_vocab_find(&cc_classes, 0, s, strlen(s)) : -1;

    if (i < 0)
        return -EINVAL;
    *ret_class = (cc_class_t)i;
    return 0;
}

int cc_deadline_working_hours(const cc_catalog_t *c, cc_time_t start, int hours, cc_time_t *ret)
{
    const cc_policy_t *pol;
    const cc_calendar_t *cal;
    int64_t remaining;
    cc_time_t t = start;
    int32_t day;
    int r;

    if (!c || hours < 0 || hours > CC_WORKING_HOURS_MAX)
        return -EINVAL;
    pol = cc_catalog_policy(c);
    cal = cc_catalog_calendar(c);
    remaining = (int64_t)hours * 3600;
    day = cc_local_day(t);
    for (int guard = 0; guard <= CC_CALENDAR_MAX_SCAN_DAYS; guard++) {
        const int sessions[2][2] = { { pol->morning_start_minute, pol->morning_end_minute },
                                     { pol->afternoon_start_minute, pol->afternoon_end_minute } };
        bool working;

        r = cc_calendar_working_day(cal, day, &working);
        if (r < 0)
            return r;
        if (working) {
            for (int s = 0; s < 2; s++) {
                cc_time_t open = cc_day_start(day) + (cc_time_t)sessions[s][0] * 60;
                cc_time_t close = cc_day_start(day) + (cc_time_t)sessions[s][1] * 60;
                if (t < open)
                    t = open;
                if (t > close)
                    continue;
                if (remaining <= close - t) {
                    *ret = t + remaining;
                    return 0;
                }
                remaining -= close - t;
                t = close;
            }
        }
        day++;
        t = cc_day_start(day);
    }
    return -ERANGE;
}

int cc_working_days_between(const cc_calendar_t *cal, int32_t from_day, int32_t to_day, int *ret)
{
    int n = 0;

    if (to_day > from_day && (int64_t)to_day - from_day > CC_CALENDAR_MAX_SCAN_DAYS)
        return -ERANGE;
    for (int32_t d = from_day + 1; d <= to_day; d++) {
        bool working;
        int r = cc_calendar_working_day(cal, d, &working);
        if (r < 0)
            return r;
        n += working;
    }
    *ret = n;
    return 0;
}
