/* Unit tests of cc_duedate: due dates (DOMAIN.md §4), deadlines, classification
 * (§5).  Table-driven; every expected value was worked out by hand from the rules
 * and the test calendar below, not by running the code.
 *
 * The test calendar is a fixed copy of the 2024 and 2025 lines of the demo
 * calendar, so that corrections to deploy/catalog/calendar.tsv do not change these
 * expectations.  2023 and 2026 are deliberately not covered.
 *
 * Calendar facts used below (2025): Mon 3 Mar ... Fri 7 Mar; Tết: Mon 27 Jan - Fri
 * 31 Jan off, Sat 8 Feb working; Mon 7 Apr off (Giỗ Tổ); Sat 26 Apr working; Wed 30
 * Apr - Fri 2 May off; Mon 1 - Tue 2 Sep off; Wed 1 Jan off.
 * (2024): Tết Thu 8 - Wed 14 Feb off; Thu 18 Apr off; Mon 29 Apr - Wed 1 May off;
 * Sat 4 May working; Mon 2 - Tue 3 Sep off.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cc_catalog.h"
#include "cc_duedate.h"
#include "cc_time.h"

static const char test_units[] = "code\tname\tkind\tparent\teffective_from\teffective_to\n"
                                 "U1\tUBND phường Thử nghiệm\tcommune\n";

static const char test_procedures[] =
    "code\tname\tfield\tlevel\tduration\tduration_kind\tonline\thas_fee\tunits\n"
    "W0\tzero working days\tTest\tcommune\t0\tworking_days\tnone\tno\tU1\n"
    "W1\tone working day\tTest\tcommune\t1\tworking_days\tnone\tno\tU1\n"
    "W3\tthree working days\tTest\tcommune\t3\tworking_days\tnone\tno\tU1\n"
    "W5\tfive working days\tTest\tcommune\t5\tworking_days\tnone\tno\tU1\n"
    "W10\tten working days\tTest\tcommune\t10\tworking_days\tnone\tno\tU1\n"
    "W15\tfifteen working days\tTest\tcommune\t15\tworking_days\tnone\tno\tU1\n"
    "W20\ttwenty working days\tTest\tcommune\t20\tworking_days\tnone\tno\tU1\n"
    "SD\tsame day\tTest\tcommune\t0\tsame_day\tnone\tno\tU1\n"
    "C0\tzero calendar days\tTest\tcommune\t0\tcalendar_days\tnone\tno\tU1\n"
    "C10\tten days\tTest\tcommune\t10\tcalendar_days\tnone\tno\tU1\n"
    "C15\tfifteen days\tTest\tcommune\t15\tcalendar_days\tnone\tno\tU1\n"
    "C30\tthirty days\tTest\tcommune\t30\tcalendar_days\tnone\tno\tU1\n"
    "C45\tforty-five days\tTest\tcommune\t45\tcalendar_days\tnone\tno\tU1\n";

static const char test_calendar[] = "date\tkind\tnote\n"
                                    "year\t2024\n"
                                    "2024-01-01\tholiday\n"
                                    "2024-02-08\tcompensatory_day_off\n"
                                    "2024-02-09\tholiday\n"
                                    "2024-02-12\tholiday\n"
                                    "2024-02-13\tholiday\n"
                                    "2024-02-14\tcompensatory_day_off\n"
                                    "2024-04-18\tholiday\n"
                                    "2024-04-29\tcompensatory_day_off\n"
                                    "2024-04-30\tholiday\n"
                                    "2024-05-01\tholiday\n"
                                    "2024-05-04\tworking_saturday\n"
                                    "2024-09-02\tholiday\n"
                                    "2024-09-03\tholiday\n"
                                    "year\t2025\n"
                                    "2025-01-01\tholiday\n"
                                    "2025-01-27\tcompensatory_day_off\n"
                                    "2025-01-28\tholiday\n"
                                    "2025-01-29\tholiday\n"
                                    "2025-01-30\tholiday\n"
                                    "2025-01-31\tholiday\n"
                                    "2025-02-08\tworking_saturday\n"
                                    "2025-04-07\tholiday\n"
                                    "2025-04-26\tworking_saturday\n"
                                    "2025-04-30\tholiday\n"
                                    "2025-05-01\tholiday\n"
                                    "2025-05-02\tcompensatory_day_off\n"
                                    "2025-09-01\tholiday\n"
                                    "2025-09-02\tholiday\n";

typedef enum {
    OP_DUE,     /* cc_due_at(proc, a) == want */
    OP_WDAYS,   /* cc_deadline_working_days(a, n) == want */
    OP_WHOURS,  /* cc_deadline_working_hours(a, n) == want */
    OP_BETWEEN, /* cc_working_days_between(day a, day b) == n */
    OP_CLASS,   /* cc_classify(resolved a, due b) == want (class name) */
} op_t;

typedef struct {
    const char *what;
    op_t op;
    const char *proc;
    const char *a;
    const char *b;
    int n;
    int rc;           /* expected return code */
    const char *want; /* expected local time or class name (when rc == 0) */
} row_t;

#define DUE(what, proc, start, want)                                                               \
    {                                                                                              \
        what, OP_DUE, proc, start, NULL, 0, 0, want                                                \
    }
#define DUE_ERR(what, proc, start, rc)                                                             \
    {                                                                                              \
        what, OP_DUE, proc, start, NULL, 0, rc, NULL                                               \
    }
#define WDAYS(what, start, n, want)                                                                \
    {                                                                                              \
        what, OP_WDAYS, NULL, start, NULL, n, 0, want                                              \
    }
#define WDAYS_ERR(what, start, n, rc)                                                              \
    {                                                                                              \
        what, OP_WDAYS, NULL, start, NULL, n, rc, NULL                                             \
    }
#define WHOURS(what, start, n, want)                                                               \
    {                                                                                              \
        what, OP_WHOURS, NULL, start, NULL, n, 0, want                                             \
    }
#define WHOURS_ERR(what, start, n, rc)                                                             \
    {                                                                                              \
        what, OP_WHOURS, NULL, start, NULL, n, rc, NULL                                            \
    }
#define BETWEEN(what, from, to, n)                                                                 \
    {                                                                                              \
        what, OP_BETWEEN, NULL, from, to, n, 0, NULL                                               \
    }
#define BETWEEN_ERR(what, from, to, rc)                                                            \
    {                                                                                              \
        what, OP_BETWEEN, NULL, from, to, 0, rc, NULL                                              \
    }
#define CLASS(what, resolved, due, want)                                                           \
    {                                                                                              \
        what, OP_CLASS, NULL, resolved, due, 0, 0, want                                            \
    }
#define CLASS_ERR(what, resolved, due, rc)                                                         \
    {                                                                                              \
        what, OP_CLASS, NULL, resolved, due, 0, rc, NULL                                           \
    }

static const row_t rows[] = {
    /* --- working_days: cut-off, receipt day not counted --- */
    DUE("W3 Monday morning", "W3", "2025-03-03T09:00", "2025-03-06T17:00"),
    DUE("W3 Monday at 15:00:00 exactly is before the cut-off", "W3", "2025-03-03T15:00:00",
        "2025-03-06T17:00"),
    DUE("W3 Monday one second after the cut-off", "W3", "2025-03-03T15:00:01", "2025-03-07T17:00"),
    DUE("W3 Monday 16:30", "W3", "2025-03-03T16:30", "2025-03-07T17:00"),
    DUE("W3 Monday midnight", "W3", "2025-03-03", "2025-03-06T17:00"),
    DUE("W3 Monday before office opens", "W3", "2025-03-03T06:00", "2025-03-06T17:00"),
    DUE("W3 UTC input 08:59:59 local", "W3", "2025-03-03T01:59:59Z", "2025-03-06T17:00"),
    DUE("W3 UTC input 15:00:01 local", "W3", "2025-03-03T08:00:01Z", "2025-03-07T17:00"),
    DUE("W3 UTC Sunday evening = Monday 00:30 local", "W3", "2025-03-02T17:30:00Z",
        "2025-03-06T17:00"),
    DUE("W3 explicit +07:00", "W3", "2025-03-03T09:00:00+07:00", "2025-03-06T17:00"),
    DUE("W3 Friday morning", "W3", "2025-03-07T10:00", "2025-03-12T17:00"),
    DUE("W3 Friday after cut-off", "W3", "2025-03-07T15:30", "2025-03-13T17:00"),
    DUE("W3 Saturday", "W3", "2025-03-08T09:00", "2025-03-13T17:00"),
    DUE("W3 Sunday late", "W3", "2025-03-09T23:59", "2025-03-13T17:00"),
    DUE("W1 Friday morning ends Monday", "W1", "2025-03-07T09:00", "2025-03-10T17:00"),
    DUE("W1 Thursday after cut-off ends Monday", "W1", "2025-03-06T16:00", "2025-03-10T17:00"),
    DUE("W5 Monday", "W5", "2025-03-03T09:00", "2025-03-10T17:00"),
    DUE("W10 Monday", "W10", "2025-03-03T09:00", "2025-03-17T17:00"),
    DUE("W15 Monday", "W15", "2025-03-03T09:00", "2025-03-24T17:00"),
    /* --- 0 working days = same_day --- */
    DUE("W0 Monday morning", "W0", "2025-03-03T09:00", "2025-03-03T17:00"),
    DUE("W0 Monday after cut-off", "W0", "2025-03-03T16:00", "2025-03-04T17:00"),
    DUE("W0 Saturday", "W0", "2025-03-08T09:00", "2025-03-10T17:00"),
    /* --- same_day --- */
    DUE("same_day Tuesday morning", "SD", "2025-03-04T08:00", "2025-03-04T17:00"),
    DUE("same_day Tuesday 15:01", "SD", "2025-03-04T15:01", "2025-03-05T17:00"),
    DUE("same_day Friday after cut-off", "SD", "2025-03-07T15:30", "2025-03-10T17:00"),
    DUE("same_day Sunday", "SD", "2025-03-09T10:00", "2025-03-10T17:00"),
    /* --- calendar_days --- */
    DUE("C15 Monday ends Tuesday 18 Mar", "C15", "2025-03-03T09:00", "2025-03-18T17:00"),
    DUE("C15 Monday after cut-off", "C15", "2025-03-03T16:00", "2025-03-19T17:00"),
    DUE("C10 Monday", "C10", "2025-03-03T09:00", "2025-03-13T17:00"),
    DUE("C15 Thursday ends Friday", "C15", "2025-03-06T10:00", "2025-03-21T17:00"),
    DUE("C15 Friday ends Saturday, moved to Monday", "C15", "2025-03-07T10:00", "2025-03-24T17:00"),
    DUE("C15 Saturday counts from Monday", "C15", "2025-03-08T09:00", "2025-03-25T17:00"),
    DUE("C15 ends on 30/4, moved past 1/5, 2/5, weekend", "C15", "2025-04-15T09:00",
        "2025-05-05T17:00"),
    DUE("C10 Sunday receipt ends on 1/5", "C10", "2025-04-20T10:00", "2025-05-05T17:00"),
    DUE("C30 ends Sunday 31/8, moved past 1/9 2/9", "C30", "2025-08-01T09:00", "2025-09-03T17:00"),
    DUE("C45 across the year into Tết", "C45", "2024-12-16T09:00", "2025-02-03T17:00"),
    DUE("C0 is same_day", "C0", "2025-03-03T16:00", "2025-03-04T17:00"),
    /* --- lunar Tết --- */
    DUE("W5 before Tết Ất Tỵ", "W5", "2025-01-23T09:00", "2025-02-06T17:00"),
    DUE("W10 across Tết and working Saturday 8/2", "W10", "2025-01-22T10:00", "2025-02-11T17:00"),
    DUE("W3 Friday before Tết after cut-off", "W3", "2025-01-24T15:30", "2025-02-06T17:00"),
    DUE("W5 across Tết Giáp Thìn", "W5", "2024-02-07T09:00", "2024-02-21T17:00"),
    DUE("W1 day before Tết Giáp Thìn after cut-off", "W1", "2024-02-07T15:30", "2024-02-16T17:00"),
    /* --- swapped working Saturdays --- */
    DUE("W1 Friday ends on working Saturday 8/2", "W1", "2025-02-07T09:00", "2025-02-08T17:00"),
    DUE("same_day on working Saturday", "SD", "2025-02-08T10:00", "2025-02-08T17:00"),
    DUE("W1 working Saturday after cut-off", "W1", "2025-02-08T16:00", "2025-02-11T17:00"),
    DUE("W3 on working Saturday", "W3", "2025-02-08T09:00", "2025-02-12T17:00"),
    DUE("W3 Thursday through working Saturday 26/4", "W3", "2025-04-24T10:00", "2025-04-28T17:00"),
    DUE("W3 Tuesday before 30/4", "W3", "2025-04-29T09:00", "2025-05-07T17:00"),
    DUE("W1 Sunday before Giỗ Tổ Monday", "W1", "2025-04-06T10:00", "2025-04-09T17:00"),
    DUE("W1 Friday ends on working Saturday 4/5/2024", "W1", "2024-05-03T10:00",
        "2024-05-04T17:00"),
    DUE("W3 across 29/4-1/5/2024", "W3", "2024-04-26T09:00", "2024-05-04T17:00"),
    DUE("W10 across Giỗ Tổ and 30/4 2024", "W10", "2024-04-15T09:00", "2024-05-03T17:00"),
    DUE("W20 across 30/4 2025", "W20", "2025-04-14T09:00", "2025-05-14T17:00"),
    DUE("W15 across 2/9 2025", "W15", "2025-08-28T09:00", "2025-09-22T17:00"),
    /* --- supplement restart: full duration again from supplement_completed --- */
    DUE("supplement completed Thursday 14:00", "W10", "2025-03-20T14:00", "2025-04-03T17:00"),
    DUE("supplement completed Thursday 16:00", "W10", "2025-03-20T16:00", "2025-04-04T17:00"),
    DUE("supplement completed Saturday before Giỗ Tổ", "W5", "2025-04-05T10:00",
        "2025-04-15T17:00"),
    /* --- year boundary --- */
    DUE("W3 across 1/1/2025", "W3", "2024-12-30T09:00", "2025-01-03T17:00"),
    DUE("W1 31/12 after cut-off", "W1", "2024-12-31T16:00", "2025-01-03T17:00"),
    DUE("same_day 31/12 after cut-off", "SD", "2024-12-31T15:30", "2025-01-02T17:00"),
    DUE("W3 ends 31/12/2025, last covered day", "W3", "2025-12-26T09:00", "2025-12-31T17:00"),
    /* --- years not covered --- */
    DUE_ERR("W3 runs into 2026", "W3", "2025-12-30T09:00", -ERANGE),
    DUE_ERR("same_day 31/12/2025 after cut-off", "SD", "2025-12-31T16:00", -ERANGE),
    DUE_ERR("receipt in 2026", "W1", "2026-03-02T09:00", -ERANGE),
    DUE_ERR("receipt in 2023", "W3", "2023-12-29T09:00", -ERANGE),
    DUE_ERR("C15 ends in 2026", "C15", "2025-12-20T09:00", -ERANGE),

    /* --- working-day deadlines (PAKN) --- */
    WDAYS("0 days: close of the same working day", "2025-03-03T10:00", 0, "2025-03-03T17:00"),
    WDAYS("0 days after cut-off: next working day", "2025-03-03T16:00", 0, "2025-03-04T17:00"),
    WDAYS("15 days (level 2)", "2025-03-03T09:00", 15, "2025-03-24T17:00"),
    WDAYS("2 days from Friday", "2025-03-07T10:00", 2, "2025-03-11T17:00"),
    WDAYS("5 days across Tết", "2025-01-23T09:00", 5, "2025-02-06T17:00"),
    WDAYS_ERR("negative", "2025-03-03T09:00", -1, -EINVAL),
    WDAYS_ERR("into 2026", "2025-12-29T09:00", 5, -ERANGE),

    /* --- working-hour deadlines (urgent PAKN) --- */
    WHOURS("4h from 08:00 crosses lunch", "2025-03-03T08:00", 4, "2025-03-03T13:30"),
    WHOURS("4h from opening", "2025-03-03T07:00", 4, "2025-03-03T11:00"),
    WHOURS("4h ending exactly at 11:30", "2025-03-03T07:30", 4, "2025-03-03T11:30"),
    WHOURS("4h from 11:00", "2025-03-03T11:00", 4, "2025-03-03T16:30"),
    WHOURS("4h from lunch time", "2025-03-03T12:00", 4, "2025-03-03T17:00"),
    WHOURS("4h from 11:30 exactly", "2025-03-03T11:30", 4, "2025-03-03T17:00"),
    WHOURS("4h from 14:00 runs into next morning", "2025-03-03T14:00", 4, "2025-03-04T08:00"),
    WHOURS("4h from 17:00 exactly", "2025-03-03T17:00", 4, "2025-03-04T11:00"),
    WHOURS("4h from the evening", "2025-03-03T18:00", 4, "2025-03-04T11:00"),
    WHOURS("4h from early morning", "2025-03-03T05:00", 4, "2025-03-03T11:00"),
    WHOURS("4h Friday afternoon over the weekend", "2025-03-07T15:00", 4, "2025-03-10T09:00"),
    WHOURS("4h on Saturday", "2025-03-08T10:00", 4, "2025-03-10T11:00"),
    WHOURS("4h before 30/4-2/5", "2025-04-29T16:00", 4, "2025-05-05T10:00"),
    WHOURS("4h on working Saturday", "2025-04-26T10:00", 4, "2025-04-26T15:30"),
    WHOURS("4h Friday into working Saturday", "2025-04-25T16:00", 4, "2025-04-26T10:00"),
    WHOURS("4h across Tết", "2025-01-24T16:30", 4, "2025-02-03T10:30"),
    WHOURS("8h a full day", "2025-03-03T07:00", 8, "2025-03-03T16:30"),
    WHOURS("17h two full days (8.5h a day)", "2025-03-03T07:00", 17, "2025-03-04T17:00"),
    WHOURS("24h into the third afternoon", "2025-03-03T07:00", 24, "2025-03-05T15:30"),
    WHOURS("0h at lunch", "2025-03-03T12:00", 0, "2025-03-03T13:00"),
    WHOURS("0h inside office hours", "2025-03-03T09:00", 0, "2025-03-03T09:00"),
    WHOURS_ERR("negative hours", "2025-03-03T09:00", -1, -EINVAL),
    WHOURS_ERR("runs into 2026", "2025-12-31T16:00", 4, -ERANGE),

    /* --- working days between (supplement "later than 3 working days") --- */
    BETWEEN("Monday to Thursday", "2025-03-03", "2025-03-06", 3),
    BETWEEN("Monday to next Monday", "2025-03-03", "2025-03-10", 5),
    BETWEEN("across Tết", "2025-01-24", "2025-02-03", 1),
    BETWEEN("counts working Saturday", "2025-02-07", "2025-02-10", 2),
    BETWEEN("same day", "2025-03-03", "2025-03-03", 0),
    BETWEEN("backwards", "2025-03-10", "2025-03-03", 0),
    BETWEEN_ERR("into 2026", "2025-12-30", "2026-01-02", -ERANGE),

    /* --- classification at the boundaries (due Thu 6/3/2025 17:00 unless noted) --- */
    CLASS("resolved exactly at due", "2025-03-06T17:00:00", "2025-03-06T17:00", "on_time"),
    CLASS("one second late", "2025-03-06T17:00:01", "2025-03-06T17:00", "late"),
    CLASS("morning of the due day", "2025-03-06T08:00", "2025-03-06T17:00", "on_time"),
    CLASS("last second of the day before", "2025-03-05T23:59:59", "2025-03-06T17:00", "early"),
    CLASS("Monday", "2025-03-03T10:00", "2025-03-06T17:00", "early"),
    CLASS("next day", "2025-03-07T08:00", "2025-03-06T17:00", "late"),
    CLASS("UTC: Wednesday 23:59:59 local", "2025-03-05T16:59:59Z", "2025-03-06T17:00", "early"),
    CLASS("UTC: Thursday 00:00 local", "2025-03-05T17:00:00Z", "2025-03-06T17:00", "on_time"),
    CLASS("Saturday before a Monday due date", "2025-03-08T10:00", "2025-03-10T17:00", "on_time"),
    CLASS("Friday night before a Monday due date", "2025-03-07T23:00", "2025-03-10T17:00", "early"),
    CLASS("Saturday before a Wednesday due date", "2025-03-08T10:00", "2025-03-12T17:00", "early"),
    CLASS("Tết holiday before the first day back", "2025-01-28T10:00", "2025-02-03T17:00",
          "on_time"),
    CLASS("Sunday before Monday 10/2", "2025-02-09T10:00", "2025-02-10T17:00", "on_time"),
    CLASS("working Saturday before Monday 10/2", "2025-02-08T10:00", "2025-02-10T17:00", "early"),
    CLASS("late into an uncovered year", "2026-01-05T09:00", "2025-12-31T17:00", "late"),
    CLASS("early, due on last covered day", "2025-12-30T09:00", "2025-12-31T17:00", "early"),
    CLASS_ERR("days before due not covered", "2026-01-02T09:00", "2026-01-05T17:00", -ERANGE),
};

static cc_time_t T(const char *s)
{
    cc_time_t t = 0;
    int r = cc_time_parse_iso(s, &t);
    if (r != 0)
        fail_msg("test table: bad time '%s'", s);
    return t;
}

static int32_t D(const char *s)
{
    int32_t d = 0;
    if (cc_date_parse(s, &d) != 0)
        fail_msg("test table: bad date '%s'", s);
    return d;
}

static int setup(void **state)
{
    cc_catalog_sources_t src = { test_units,
                                 sizeof(test_units) - 1,
                                 test_procedures,
                                 sizeof(test_procedures) - 1,
                                 test_calendar,
                                 sizeof(test_calendar) - 1,
                                 NULL,
                                 0 };
    cc_catalog_t *c = NULL;
    char err[CC_CATALOG_ERR_LEN] = "";
    int r = cc_catalog_load_buffers(&src, &c, err, sizeof(err));
    if (r != 0) {
        print_error("catalog: %s\n", err);
        return -1;
    }
    *state = c;
    return 0;
}

static int teardown(void **state)
{
    cc_catalog_t *c = *state;
    cc_catalog_destroy(&c);
    return 0;
}

static void test_table(void **state)
{
    const cc_catalog_t *c = *state;
    const cc_calendar_t *cal = cc_catalog_calendar(c);
    int failures = 0;

    for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
        const row_t *row = &rows[i];
        cc_time_t got = 0, want = 0;
        cc_class_t cls = CC_CLASS_LATE;
        int n = -1, r = -1;
        char gs[CC_TIME_ISO_LEN], ws[CC_TIME_ISO_LEN];
        bool ok;

        switch (row->op) {
        case OP_DUE: {
            const cc_procedure_t *p = cc_catalog_procedure(c, row->proc);
            assert_non_null(p);
            r = cc_due_at(c, p, T(row->a), &got);
            break;
        }
        case OP_WDAYS:
            r = cc_deadline_working_days(c, T(row->a), row->n, &got);
            break;
        case OP_WHOURS:
            r = cc_deadline_working_hours(c, T(row->a), row->n, &got);
            break;
        case OP_BETWEEN:
            r = cc_working_days_between(cal, D(row->a), D(row->b), &n);
            break;
        case OP_CLASS:
            r = cc_classify(cal, T(row->a), T(row->b), &cls);
            break;
        }
        if (r != row->rc) {
            print_error("row %zu (%s): rc %d, want %d\n", i, row->what, r, row->rc);
            failures++;
            continue;
        }
        if (r != 0)
            continue;
        switch (row->op) {
        case OP_BETWEEN:
            ok = n == row->n;
            if (!ok)
                print_error("row %zu (%s): %d, want %d\n", i, row->what, n, row->n);
            break;
        case OP_CLASS:
            ok = strcmp(cc_class_name(cls), row->want) == 0;
            if (!ok)
                print_error("row %zu (%s): %s, want %s\n", i, row->what, cc_class_name(cls),
                            row->want);
            break;
        default:
            want = T(row->want);
            ok = got == want;
            if (!ok) {
                cc_time_format_iso(got, gs, sizeof(gs));
                cc_time_format_iso(want, ws, sizeof(ws));
                print_error("row %zu (%s): %s, want %s\n", i, row->what, gs, ws);
            }
            break;
        }
        failures += !ok;
    }
    print_message("%zu table rows\n", sizeof(rows) / sizeof(rows[0]));
    assert_int_equal(failures, 0);
}

/* Durations not in the table: every due date ends at close of office hours on a
 * working day, never before the start, and the receipt day is never counted. */
static void test_due_properties(void **state)
{
    const cc_catalog_t *c = *state;
    const cc_calendar_t *cal = cc_catalog_calendar(c);
    const char *procs[] = { "W1", "W3", "W5", "W10", "W15", "W20", "C10", "C15", "C30", "C45" };
    cc_time_t t0 = T("2024-01-01T00:00");

    for (size_t k = 0; k < sizeof(procs) / sizeof(procs[0]); k++) {
        const cc_procedure_t *p = cc_catalog_procedure(c, procs[k]);
        assert_non_null(p);
        for (int h = 0; h < 24 * 600; h += 7) {
            cc_time_t start = t0 + (cc_time_t)h * 3600, due = 0;
            int32_t rday;
            assert_int_equal(cc_due_at(c, p, start, &due), 0);
            assert_true(due > start);
            assert_int_equal(cc_local_minute_of_day(due), 17 * 60);
            assert_true(cc_calendar_is_working_day(cal, cc_local_day(due), NULL));
            assert_int_equal(cc_effective_receipt_day(c, start, &rday), 0);
            assert_true(cc_local_day(due) > rday);
        }
    }
}

static void test_class_names(void **state)
{
    cc_class_t cls;
    (void)state;
    assert_string_equal(cc_class_name(CC_CLASS_EARLY), "early");
    assert_string_equal(cc_class_name(CC_CLASS_ON_TIME), "on_time");
    assert_string_equal(cc_class_name(CC_CLASS_LATE), "late");
    assert_string_equal(cc_class_name((cc_class_t)7), "?");
    assert_int_equal(cc_class_parse("on_time", &cls), 0);
    assert_int_equal(cls, CC_CLASS_ON_TIME);
    assert_int_equal(cc_class_parse("late", &cls), 0);
    assert_int_equal(cls, CC_CLASS_LATE);
    assert_int_equal(cc_class_parse("early", &cls), 0);
    assert_int_equal(cls, CC_CLASS_EARLY);
    assert_int_equal(cc_class_parse("ontime", &cls), -EINVAL);
    assert_int_equal(cc_class_parse(NULL, &cls), -EINVAL);
}

static void test_bad_args(void **state)
{
    const cc_catalog_t *c = *state;
    cc_time_t t = 12345;
    assert_int_equal(cc_due_at(c, NULL, T("2025-03-03T09:00"), &t), -EINVAL);
    assert_int_equal(cc_due_at(NULL, cc_catalog_procedure(c, "W1"), T("2025-03-03T09:00"), &t),
                     -EINVAL);
    assert_int_equal(
        cc_deadline_working_hours(c, T("2025-03-03T09:00"), CC_WORKING_HOURS_MAX + 1, &t), -EINVAL);
    assert_int_equal(t, 12345); /* outputs untouched on failure */
}

/* Policy changes the close of office hours and the cut-off. */
static void test_policy_hours(void **state)
{
    static const char policy[] =
        "[dossier]\ncutoff = 16:00\n[office_hours]\nafternoon_end = 16:30\n";
    cc_catalog_sources_t src = { test_units,      sizeof(test_units) - 1,
                                 test_procedures, sizeof(test_procedures) - 1,
                                 test_calendar,   sizeof(test_calendar) - 1,
                                 policy,          sizeof(policy) - 1 };
    cc_catalog_t *c = NULL;
    char err[CC_CATALOG_ERR_LEN] = "";
    cc_time_t due = 0;
    (void)state;

    assert_int_equal(cc_catalog_load_buffers(&src, &c, err, sizeof(err)), 0);
    assert_int_equal(cc_due_at(c, cc_catalog_procedure(c, "W3"), T("2025-03-03T15:30"), &due), 0);
    assert_true(due == T("2025-03-06T16:30"));
    assert_int_equal(cc_due_at(c, cc_catalog_procedure(c, "W3"), T("2025-03-03T16:00:01"), &due),
                     0);
    assert_true(due == T("2025-03-07T16:30"));
    assert_int_equal(cc_deadline_working_hours(c, T("2025-03-03T15:00"), 4, &due), 0);
    assert_true(due == T("2025-03-04T09:30"));
    cc_catalog_destroy(&c);
    assert_null(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_table, setup, teardown),
        cmocka_unit_test_setup_teardown(test_due_properties, setup, teardown),
        cmocka_unit_test(test_class_names),
        cmocka_unit_test_setup_teardown(test_bad_args, setup, teardown),
        cmocka_unit_test(test_policy_hours),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
