/*
 * test_period.c - reporting periods and date forms (base/cc_period.{h,c}),
 * as a table: every kind of period, year boundaries, the policy cut-off
 * (15), a unit's own (26) and the calendar (1); refusals; date forms.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cc_base.h"
#include "cc_period.h"
#include "cc_time.h"

static int32_t D(const char *ymd)
{
    int32_t d = 0;

    if (cc_date_parse(ymd, &d) < 0)
        fail_msg("bad date in the test: %s", ymd);
    return d;
}

static void test_periods(void **state)
{
    static const struct {
        const char *spec;
        int cutoff;
        const char *from, *to;
    } rows[] = {
        /* DOMAIN.md §5, with the seeds' own periods */
        { "2025-03", 15, "2025-02-15", "2025-03-14" },
        { "2025-01", 15, "2024-12-15", "2025-01-14" },
        { "2025-12", 15, "2025-11-15", "2025-12-14" },
        { "2023-Q1", 15, "2022-12-15", "2023-03-14" }, /* seeds/001 */
        { "2025-Q2", 15, "2025-03-15", "2025-06-14" },
        { "2025-Q4", 15, "2025-09-15", "2025-12-14" },
        { "2024-H1", 15, "2023-12-15", "2024-06-14" }, /* seeds/004 */
        { "2024-H2", 15, "2024-06-15", "2024-12-14" },
        { "2025-9M", 15, "2024-12-15", "2025-09-14" },
        { "2025", 15, "2024-12-15", "2025-12-14" },
        { "2024-03", 15, "2024-02-15", "2024-03-14" }, /* a leap February */
        /* a unit's own cut-off: 26th to 25th (seeds/002: 26/4/2023 - 25/5/2023) */
        { "2023-05", 26, "2023-04-26", "2023-05-25" },
        { "2023-01", 26, "2022-12-26", "2023-01-25" },
        { "2023", 26, "2022-12-26", "2023-12-25" },
        /* cut-off 1: the calendar */
        { "2025-02", 1, "2025-02-01", "2025-02-28" },
        { "2024-02", 1, "2024-02-01", "2024-02-29" },
        { "2025-Q1", 1, "2025-01-01", "2025-03-31" },
        { "2025", 1, "2025-01-01", "2025-12-31" },
        { "2025-12", 28, "2025-11-28", "2025-12-27" },
    };
    (void)state;

    for (size_t i = 0; i < CC_N(rows); i++) {
        cc_period_t p;
        char err[200] = "";

        if (cc_period_parse(rows[i].spec, rows[i].cutoff, &p, err, sizeof(err)) < 0)
            fail_msg("%s (cut-off %d): refused: %s", rows[i].spec, rows[i].cutoff, err);
        if (p.from_day != D(rows[i].from) || p.to_day != D(rows[i].to)) {
            char a[16], b[16];

            cc_date_format(p.from_day, a, sizeof(a));
            cc_date_format(p.to_day, b, sizeof(b));
            fail_msg("%s (cut-off %d): %s..%s, want %s..%s", rows[i].spec, rows[i].cutoff, a, b,
                     rows[i].from, rows[i].to);
        }
    }
}

static void test_refused(void **state)
{
    static const char *const bad[] = {
        "",       "2025-13",    "2025-00", "2025-Q5", "2025-Q0",  "2025-H3", "2025-8M", "25-03",
        "2025-3", "2025-03-01", "2025-q1", "03/2025", "2025-03x", "abcd",    "12345",
    };
    cc_period_t p;
    char err[200];
    (void)state;

    for (size_t i = 0; i < CC_N(bad); i++) {
        err[0] = '\0';
        if (cc_period_parse(bad[i], 15, &p, err, sizeof(err)) == 0)
            fail_msg("'%s' accepted as a period", bad[i]);
        assert_non_null(strstr(err, "expected YYYY-MM"));
    }
    assert_int_equal(cc_period_parse("2025", 29, &p, err, sizeof(err)), -EINVAL);
    assert_int_equal(cc_period_parse("2025", 0, &p, err, sizeof(err)), -EINVAL);
    assert_int_equal(cc_period_parse(NULL, 15, &p, err, sizeof(err)), -EINVAL);
}

static void test_date_forms(void **state)
{
    static const struct {
        const char *in, *ymd;
    } ok[] = {
        { "2024-06-14", "2024-06-14" }, { "14/06/2024", "2024-06-14" },
        { "14/6/2024", "2024-06-14" },  { "1/1/2025", "2025-01-01" },
        { "29/02/2024", "2024-02-29" },
    };
    static const char *const bad[] = {
        "29/02/2025", "32/01/2025", "14-06-2024", "14/06/24", "2024/06/14", "14/06/2024x", ""
    };
    int32_t d;
    char buf[16];
    (void)state;

    for (size_t i = 0; i < CC_N(ok); i++) {
        assert_int_equal(cc_date_parse_any(ok[i].in, &d), 0);
        assert_int_equal(d, D(ok[i].ymd));
    }
    for (size_t i = 0; i < CC_N(bad); i++)
        if (cc_date_parse_any(bad[i], &d) == 0)
            fail_msg("'%s' accepted as a date", bad[i]);
    assert_string_equal(cc_date_format_vi(D("2024-06-14"), buf, sizeof(buf)), "14/06/2024");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_periods),
        cmocka_unit_test(test_refused),
        cmocka_unit_test(test_date_forms),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
