/* Unit tests of cc_time (time model) and cc_calendar (working days) and cc_policy. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "cc_calendar.h"
#include "cc_policy.h"
#include "cc_time.h"

static int32_t D(const char *s)
{
    int32_t d = 0;
    if (cc_date_parse(s, &d) != 0)
        fail_msg("bad date '%s'", s);
    return d;
}

static cc_calendar_t *parse_ok(const char *text)
{
    cc_calendar_t *cal = NULL;
    char err[256] = "";
    int r = cc_calendar_parse("calendar.tsv", text, strlen(text), &cal, err, sizeof(err));
    if (r != 0)
        fail_msg("parse: %d %s", r, err);
    return cal;
}

static void expect_error(const char *text, const char *msg)
{
    cc_calendar_t *cal = NULL;
    char err[256] = "";
    int r = cc_calendar_parse("calendar.tsv", text, strlen(text), &cal, err, sizeof(err));
    assert_int_equal(r, -EINVAL);
    assert_null(cal);
    assert_string_equal(err, msg);
}

static void test_day_numbers(void **state)
{
    int y, m, d;
    (void)state;
    assert_int_equal(cc_day_from_ymd(1970, 1, 1), 0);
    assert_int_equal(cc_day_from_ymd(1969, 12, 31), -1);
    assert_int_equal(cc_day_from_ymd(2000, 3, 1), 11017);
    assert_int_equal(cc_day_from_ymd(2025, 3, 3), 20150);
    cc_day_to_ymd(20150, &y, &m, &d);
    assert_int_equal(y, 2025);
    assert_int_equal(m, 3);
    assert_int_equal(d, 3);
    for (int32_t day = -800000; day < 800000; day += 97) {
        cc_day_to_ymd(day, &y, &m, &d);
        assert_true(cc_ymd_valid(y, m, d) || y < 1);
        assert_int_equal(cc_day_from_ymd(y, m, d), day);
    }
    assert_int_equal(cc_weekday(0), 3);               /* Thursday */
    assert_int_equal(cc_weekday(D("2025-03-03")), 0); /* Monday */
    assert_int_equal(cc_weekday(D("2025-03-08")), 5); /* Saturday */
    assert_int_equal(cc_weekday(D("2024-02-29")), 3); /* Thursday */
    assert_int_equal(cc_weekday(-1), 2);
    assert_true(cc_ymd_valid(2024, 2, 29));
    assert_false(cc_ymd_valid(2025, 2, 29));
    assert_false(cc_ymd_valid(1900, 2, 29));
    assert_true(cc_ymd_valid(2000, 2, 29));
    assert_false(cc_ymd_valid(2025, 13, 1));
    assert_false(cc_ymd_valid(2025, 4, 31));
}

static void test_local_time(void **state)
{
    cc_time_t t;
    char buf[CC_TIME_ISO_LEN];
    (void)state;
    /* 2025-03-03T00:00+07:00 = 2025-03-02T17:00Z = 1740934800 */
    assert_int_equal(cc_time_parse_iso("2025-03-03", &t), 0);
    assert_true(t == 1740934800);
    assert_int_equal(cc_local_day(t), D("2025-03-03"));
    assert_int_equal(cc_local_day(t - 1), D("2025-03-02"));
    assert_true(cc_day_start(D("2025-03-03")) == t);
    assert_int_equal(cc_local_minute_of_day(t), 0);
    assert_int_equal(cc_local_minute_of_day(t - 1), 1439);
    assert_int_equal(cc_time_parse_iso("2025-03-03T09:00:00+07:00", &t), 0);
    assert_true(t == 1740934800 + 9 * 3600);
    assert_int_equal(cc_local_minute_of_day(t), 540);
    assert_int_equal(cc_time_parse_iso("2025-03-03T02:00:00Z", &t), 0);
    assert_true(t == 1740934800 + 9 * 3600);
    assert_int_equal(cc_time_parse_iso("2025-03-03T09:00", &t), 0);
    assert_true(t == 1740934800 + 9 * 3600);
    assert_int_equal(cc_time_parse_iso("2025-03-03 09:00:30", &t), 0);
    assert_true(t == 1740934800 + 9 * 3600 + 30);
    assert_int_equal(cc_time_parse_iso("2025-03-03T04:00:00+02:00", &t), 0);
    assert_true(t == 1740934800 + 9 * 3600);
    assert_int_equal(cc_time_parse_iso("2025-03-02T21:00:00-05:00", &t), 0);
    assert_true(t == 1740934800 + 9 * 3600);
    /* Before 1970: negative times floor correctly. */
    assert_int_equal(cc_time_parse_iso("1969-12-31T23:59:59+07:00", &t), 0);
    assert_int_equal(cc_local_day(t), -1);
    assert_int_equal(cc_local_minute_of_day(t), 1439);
    assert_true(cc_day_start(0) == -25200);

    t = 12345;
    assert_int_equal(cc_time_parse_iso("2025-02-29", &t), -EINVAL);
    assert_int_equal(cc_time_parse_iso("2025-03-03T24:00", &t), -EINVAL);
    assert_int_equal(cc_time_parse_iso("2025-03-03T09:60", &t), -EINVAL);
    assert_int_equal(cc_time_parse_iso("2025-03-03T09", &t), -EINVAL);
    assert_int_equal(cc_time_parse_iso("2025-03-03T09:00:00+0700", &t), -EINVAL);
    assert_int_equal(cc_time_parse_iso("2025-03-03T09:00:00Zjunk", &t), -EINVAL);
    assert_int_equal(cc_time_parse_iso("2025-3-3", &t), -EINVAL);
    assert_int_equal(cc_time_parse_iso("", &t), -EINVAL);
    assert_int_equal(cc_time_parse_iso(NULL, &t), -EINVAL);
    assert_true(t == 12345);

    assert_int_equal(cc_time_parse_iso("2025-03-03T02:00:00Z", &t), 0);
    assert_int_equal(cc_time_format_iso(t, buf, sizeof(buf)), 0);
    assert_string_equal(buf, "2025-03-03T09:00:00+07:00");
    assert_int_equal(cc_time_format_iso(t, buf, 25), -ENOSPC);
    assert_string_equal(buf, "");
    assert_int_equal(cc_date_format(D("2026-11-24"), buf, sizeof(buf)), 0);
    assert_string_equal(buf, "2026-11-24");
    /* Round trip over many instants. */
    for (cc_time_t x = -100000000; x < 4000000000; x += 7777777) {
        cc_time_t y;
        assert_int_equal(cc_time_format_iso(x, buf, sizeof(buf)), 0);
        assert_int_equal(cc_time_parse_iso(buf, &y), 0);
        assert_true(x == y);
    }
}

static const char cal_text[] =
    "# test calendar\n"
    "date\tkind\tnote\n"
    "year\t2025\n"
    "2025-01-01\tholiday\tTết Dương lịch\n"
    "2025-01-27\tcompensatory_day_off\tswap; verify against the official announcement\n"
    "2025-01-28\tholiday\n"
    "2025-01-29\tholiday\n"
    "2025-01-30\tholiday\n"
    "2025-01-31\tholiday\n"
    "2025-02-08\tworking_saturday\tVERIFY\n"
    "\n"
    "   # indented comment\n"
    "2025-04-30\tholiday\r\n"
    "year\t2027\n";

static void test_working_days(void **state)
{
    cc_calendar_t *cal = parse_ok(cal_text);
    bool known = true, w = true;
    int32_t d = 0;
    (void)state;

    assert_true(cc_calendar_year_covered(cal, 2025));
    assert_false(cc_calendar_year_covered(cal, 2026));
    assert_true(cc_calendar_year_covered(cal, 2027));
    assert_false(cc_calendar_year_covered(cal, 2024));

    assert_int_equal(cc_calendar_working_day(cal, D("2025-03-03"), &w), 0);
    assert_true(w);
    assert_int_equal(cc_calendar_working_day(cal, D("2025-03-08"), &w), 0);
    assert_false(w); /* Saturday */
    assert_int_equal(cc_calendar_working_day(cal, D("2025-03-09"), &w), 0);
    assert_false(w); /* Sunday */
    assert_int_equal(cc_calendar_working_day(cal, D("2025-01-01"), &w), 0);
    assert_false(w); /* holiday */
    assert_int_equal(cc_calendar_working_day(cal, D("2025-01-27"), &w), 0);
    assert_false(w); /* compensatory day off */
    assert_int_equal(cc_calendar_working_day(cal, D("2025-02-08"), &w), 0);
    assert_true(w); /* working Saturday */
    w = true;
    assert_int_equal(cc_calendar_working_day(cal, D("2026-03-03"), &w), -ERANGE);
    assert_true(w); /* untouched */
    assert_int_equal(cc_calendar_working_day(cal, D("2024-12-31"), &w), -ERANGE);

    assert_true(cc_calendar_is_working_day(cal, D("2025-02-08"), &known));
    assert_true(known);
    assert_false(cc_calendar_is_working_day(cal, D("2025-01-29"), &known));
    assert_true(known);
    assert_false(cc_calendar_is_working_day(cal, D("2026-03-03"), &known));
    assert_false(known);
    assert_true(cc_calendar_is_working_day(cal, D("2027-03-03"), NULL));

    /* add_working_days: strictly after. */
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-03-03"), 1, &d), 0);
    assert_int_equal(d, D("2025-03-04"));
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-03-07"), 1, &d), 0);
    assert_int_equal(d, D("2025-03-10"));
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-03-08"), 0, &d), 0);
    assert_int_equal(d, D("2025-03-08"));
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-01-24"), 1, &d), 0);
    assert_int_equal(d, D("2025-02-03"));
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-02-07"), 1, &d), 0);
    assert_int_equal(d, D("2025-02-08"));
    /* Only the days after the start are looked at: 31/12/2024 itself is not covered. */
    assert_int_equal(cc_calendar_add_working_days(cal, D("2024-12-31"), 1, &d), 0);
    assert_int_equal(d, D("2025-01-02"));
    assert_int_equal(cc_calendar_add_working_days(cal, D("2024-12-30"), 1, &d), -ERANGE);
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-12-31"), 1, &d), -ERANGE);
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-12-30"), 1, &d), 0);
    assert_int_equal(d, D("2025-12-31"));
    /* Backwards: strictly before, over weekends and Tết Ất Tỵ (27/1-31/1 off). */
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-03-10"), -1, &d), 0);
    assert_int_equal(d, D("2025-03-07"));
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-02-03"), -1, &d), 0);
    assert_int_equal(d, D("2025-01-24"));
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-03-12"), -2, &d), 0);
    assert_int_equal(d, D("2025-03-10"));
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-01-02"), -2, &d), -ERANGE);
    /* 2025 has 365 - 104 weekend days - 7 weekday days off + 1 working Saturday = 255
         * working days, all after the holiday 1/1: the 255th after 1/1 is 31/12. */
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-01-01"), 255, &d), 0);
    assert_int_equal(d, D("2025-12-31"));
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-01-01"), 254, &d), 0);
    assert_int_equal(d, D("2025-12-30"));
    assert_int_equal(cc_calendar_add_working_days(cal, D("2025-01-01"), 256, &d), -ERANGE);

    /* next_working_day */
    assert_int_equal(cc_calendar_next_working_day(cal, D("2025-03-03"), true, &d), 0);
    assert_int_equal(d, D("2025-03-03"));
    assert_int_equal(cc_calendar_next_working_day(cal, D("2025-03-03"), false, &d), 0);
    assert_int_equal(d, D("2025-03-04"));
    assert_int_equal(cc_calendar_next_working_day(cal, D("2025-01-25"), true, &d), 0);
    assert_int_equal(d, D("2025-02-03"));
    assert_int_equal(cc_calendar_next_working_day(cal, D("2025-04-29"), false, &d), 0);
    assert_int_equal(d, D("2025-05-01")); /* only 30/4 is listed in this test calendar */
    assert_int_equal(cc_calendar_next_working_day(cal, D("2025-12-31"), false, &d), -ERANGE);

    cc_calendar_destroy(&cal);
    assert_null(cal);
    cc_calendar_destroy(&cal);
    cc_calendar_destroy(NULL);
}

static void test_entries(void **state)
{
    cc_calendar_t *cal = parse_ok(cal_text);
    const cc_calendar_entry_t *e;
    cc_calendar_kind_t k;
    (void)state;

    assert_int_equal(cc_calendar_entry_count(cal), 8);
    e = cc_calendar_entry_at(cal, 0);
    assert_int_equal(e->day, D("2025-01-01"));
    assert_int_equal(e->kind, CC_CAL_HOLIDAY);
    assert_string_equal(e->note, "Tết Dương lịch");
    assert_false(e->verify);
    e = cc_calendar_entry_at(cal, 1);
    assert_int_equal(e->kind, CC_CAL_COMPENSATORY_DAY_OFF);
    assert_true(e->verify);
    e = cc_calendar_entry_at(cal, 2);
    assert_string_equal(e->note, "");
    e = cc_calendar_entry_at(cal, 6);
    assert_int_equal(e->kind, CC_CAL_WORKING_SATURDAY);
    assert_true(e->verify);
    assert_null(cc_calendar_entry_at(cal, 8));
    assert_string_equal(cc_calendar_kind_name(CC_CAL_WORKING_SATURDAY), "working_saturday");
    assert_int_equal(cc_calendar_kind_parse("compensatory_day_off", &k), 0);
    assert_int_equal(k, CC_CAL_COMPENSATORY_DAY_OFF);
    assert_int_equal(cc_calendar_kind_parse("Holiday", &k), -EINVAL);
    cc_calendar_destroy(&cal);
}

static void test_calendar_errors(void **state)
{
    (void)state;
    expect_error("", "calendar.tsv:0: missing header line");
    expect_error("date\tkind\n", "calendar.tsv:1: bad header (expected date<TAB>kind<TAB>note)");
    expect_error("date\tkind\tnote\nyear\t25\n",
                 "calendar.tsv:2: bad year '25' (expected YYYY in 1990..2200)");
    expect_error("date\tkind\tnote\nyear\t2025\nyear\t2025\n",
                 "calendar.tsv:3: year 2025 already declared on line 2");
    expect_error("date\tkind\tnote\nyear\t2025\n2025-02-30\tholiday\n",
                 "calendar.tsv:3: bad date '2025-02-30' (expected YYYY-MM-DD or 'year')");
    expect_error("date\tkind\tnote\nyear\t2025\n2025-02-03\tday_off\n",
                 "calendar.tsv:3: unknown kind 'day_off' (expected holiday, compensatory_day_off "
                 "or working_saturday)");
    expect_error("date\tkind\tnote\nyear\t2025\n2025-02-09\tworking_saturday\n",
                 "calendar.tsv:3: working_saturday 2025-02-09 is not a Saturday");
    expect_error("date\tkind\tnote\nyear\t2025\n2025-02-08\tcompensatory_day_off\n",
                 "calendar.tsv:3: compensatory_day_off 2025-02-08 falls on a weekend");
    expect_error("date\tkind\tnote\nyear\t2025\n2025-04-30\tholiday\n2025-04-30\tholiday\tagain\n",
                 "calendar.tsv:4: date 2025-04-30 already listed on line 3");
    expect_error("date\tkind\tnote\nyear\t2025\n2026-01-01\tholiday\n",
                 "calendar.tsv:3: date 2026-01-01 is in year 2026, which has no 'year' line");
    expect_error("date\tkind\tnote\nyear\t2025\n2025-04-30\tholiday\tnote\textra\n",
                 "calendar.tsv:3: too many columns (expected 3)");
    expect_error("date\tkind\tnote\nyear\t2025\n2025-04-30\tholiday\t\xC3\x28\n",
                 "calendar.tsv:3: invalid UTF-8");
}

static void test_policy(void **state)
{
    cc_policy_t p;
    char err[256] = "";
    static const char ok[] =
        "; comment\n[dossier]\ncutoff = 14:30\n[on_time_target]\ndefault = 95\n2025 = 98.5\n"
        "2021 = 95\n[grade]\naplus_reason_district = yes\n";
    (void)state;

    cc_policy_defaults(&p);
    assert_int_equal(p.cutoff_minute, 900);
    assert_int_equal(p.morning_start_minute, 420);
    assert_int_equal(p.morning_end_minute, 690);
    assert_int_equal(p.afternoon_start_minute, 780);
    assert_int_equal(p.afternoon_end_minute, 1020);
    assert_true(cc_policy_on_time_target(&p, 2020) == 94.0);
    assert_true(cc_policy_on_time_target(&p, 2023) == 96.0);
    assert_true(cc_policy_on_time_target(&p, 2024) == 97.0);
    assert_true(cc_policy_on_time_target(&p, 2030) == 97.0);
    assert_true(p.pakn_target == 97.0);
    assert_int_equal(p.pakn_level1_working_days, 0);
    assert_int_equal(p.pakn_level2_working_days, 15);
    assert_int_equal(p.pakn_level2_urgent_hours, 4);
    assert_int_equal(p.pakn_level3_working_days, 15);
    assert_int_equal(p.pakn_refusal_working_days, 2);
    assert_int_equal(p.pakn_publication_working_days, 2);
    assert_int_equal(p.pakn_forward_working_days, 5);
    assert_true(p.grade_a_min == 70.0);
    assert_true(p.grade_b_min == 50.0);
    assert_int_equal(p.grade_max_reminders, 3);
    assert_int_equal(p.grade_min_volume, 20);
    assert_true(p.aplus_reason_department);
    assert_false(p.aplus_reason_district);
    assert_int_equal(p.future_tolerance_seconds, 300);
    assert_int_equal(p.report_cutoff_day, 15);

    assert_int_equal(cc_policy_parse("policy.ini", ok, strlen(ok), &p, err, sizeof(err)), 0);
    assert_int_equal(p.cutoff_minute, 870);
    assert_true(cc_policy_on_time_target(&p, 2025) == 98.5);
    assert_true(cc_policy_on_time_target(&p, 2021) == 95.0);
    assert_true(cc_policy_on_time_target(&p, 2020) ==
                95.0); /* listed years replace the built-in ones */
    assert_int_equal(p.n_on_time_targets, 2);
    assert_int_equal(p.on_time_targets[0].year, 2021); /* sorted */
    assert_true(p.aplus_reason_district);
    assert_int_equal(p.afternoon_end_minute, 1020);

    static const struct {
        const char *text;
        const char *msg;
    } bad[] = {
        { "[dossier]\ncutof = 15:00\n", "policy.ini:2: unknown key 'cutof' in [dossier]" },
        { "[dosier]\ncutoff = 15:00\n", "policy.ini:2: unknown key 'cutoff' in [dosier]" },
        { "[dossier]\ncutoff = 25:00\n", "policy.ini:2: cutoff: '25:00' is not a time HH:MM" },
        { "[dossier]\ncutoff = 3pm\n", "policy.ini:2: cutoff: '3pm' is not a time HH:MM" },
        { "[report]\n\ncutoff_day = 31\n",
          "policy.ini:3: cutoff_day: '31' is not an integer in 1..28" },
        { "[pakn]\nlevel2_working_days = -1\n",
          "policy.ini:2: level2_working_days: '-1' is not an integer in 0..365" },
        { "[targets]\npakn = 101\n", "policy.ini:2: pakn: '101' is not a number in 0..100" },
        { "[targets]\npakn = 97%\n", "policy.ini:2: pakn: '97%' is not a number in 0..100" },
        { "[grade]\naplus_reason_commune = maybe\n",
          "policy.ini:2: aplus_reason_commune: 'maybe' is not yes or no" },
        { "[grade]\nmin_volume = 20\nmin_volume = 30\n",
          "policy.ini:3: min_volume given twice in [grade]" },
        { "[on_time_target]\n1999 = 90\n", "policy.ini:2: unknown key '1999' in [on_time_target] "
                                           "(expected default or a year 2000..2200)" },
        { "[on_time_target]\n2024 = 97\n2024 = 98\n", "policy.ini:3: year 2024 given twice" },
        { "[dossier]\njust words\n",
          "policy.ini:2: syntax error (expected [section] or key = value)" },
        { "[office_hours]\nmorning_end = 13:30\n",
          "policy.ini: office hours must satisfy morning_start < morning_end <= afternoon_start < "
          "afternoon_end" },
        { "[grade]\nb_min = 80\n", "policy.ini: grade b_min must not exceed a_min" },
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cc_policy_defaults(&p);
        p.cutoff_minute = -5;
        err[0] = '\0';
        assert_int_equal(
            cc_policy_parse("policy.ini", bad[i].text, strlen(bad[i].text), &p, err, sizeof(err)),
            -EINVAL);
        assert_string_equal(err, bad[i].msg);
        assert_int_equal(p.cutoff_minute, -5); /* untouched */
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_day_numbers),     cmocka_unit_test(test_local_time),
        cmocka_unit_test(test_working_days),    cmocka_unit_test(test_entries),
        cmocka_unit_test(test_calendar_errors), cmocka_unit_test(test_policy),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
