/*
 * test_format.c - the Vietnamese forms of the cchc tool's tables
 * (tools/cc_format.h): counts with '.' between thousands, rates with a
 * decimal comma rounded half up, dd/mm/yyyy dates, and text fitted by
 * characters rather than bytes.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "cc_format.h"
#include "cc_time.h"

static void test_counts(void **state)
{
    char b[32];

    (void)state;
    assert_string_equal(cc_fmt_count(0, b, sizeof(b)), "0");
    assert_string_equal(cc_fmt_count(999, b, sizeof(b)), "999");
    assert_string_equal(cc_fmt_count(1000, b, sizeof(b)), "1.000");
    assert_string_equal(cc_fmt_count(13616, b, sizeof(b)), "13.616");
    assert_string_equal(cc_fmt_count(1234567, b, sizeof(b)), "1.234.567");
    assert_string_equal(cc_fmt_count(UINT64_MAX, b, sizeof(b)), "18.446.744.073.709.551.615");
    /* A short buffer is cut and terminated. */
    assert_string_equal(cc_fmt_count(13616, b, 4), "13");
}

static void test_rates(void **state)
{
    char b[32];

    (void)state;
    /* seeds/004: 12.664 of 13.616 = 93,0082...% */
    assert_string_equal(cc_fmt_rate(12664, 13616, b, sizeof(b)), "93,01%");
    assert_string_equal(cc_fmt_rate(11822, 13616, b, sizeof(b)), "86,82%");
    assert_string_equal(cc_fmt_rate(842, 13616, b, sizeof(b)), "6,18%");
    assert_string_equal(cc_fmt_rate(3, 4, b, sizeof(b)), "75,00%");
    assert_string_equal(cc_fmt_rate(1, 1, b, sizeof(b)), "100,00%");
    assert_string_equal(cc_fmt_rate(0, 7, b, sizeof(b)), "0,00%");
    /* Half up: 1/8 = 12,5% exactly; 1/80000 = 0,00125% -> 0,00%; 1/400 = 0,25%. */
    assert_string_equal(cc_fmt_rate(1, 8, b, sizeof(b)), "12,50%");
    assert_string_equal(cc_fmt_rate(1, 80000, b, sizeof(b)), "0,00%");
    assert_string_equal(cc_fmt_rate(1, 40000, b, sizeof(b)), "0,00%");
    assert_string_equal(cc_fmt_rate(1, 20000, b, sizeof(b)), "0,01%");
    assert_string_equal(cc_fmt_rate(2, 3, b, sizeof(b)), "66,67%");
    /* No denominator: no data, not 0%. */
    assert_string_equal(cc_fmt_rate(0, 0, b, sizeof(b)), "–");
    /* Large counts do not overflow. */
    assert_string_equal(cc_fmt_rate(UINT64_MAX, UINT64_MAX, b, sizeof(b)), "100,00%");
}

/* The daemon's decimal strings (points, percents) as an office writes them. */
static void test_decimals(void **state)
{
    char b[32];

    (void)state;
    assert_string_equal(cc_fmt_decimal("17.50", false, b, sizeof(b)), "17,50");
    assert_string_equal(cc_fmt_decimal("48.44", true, b, sizeof(b)), "48,44%");
    assert_string_equal(cc_fmt_decimal("0.00", false, b, sizeof(b)), "0,00");
    assert_string_equal(cc_fmt_decimal("13616.00", false, b, sizeof(b)), "13.616,00");
    assert_string_equal(cc_fmt_decimal("not measured", false, b, sizeof(b)), "–");
    assert_string_equal(cc_fmt_decimal("no data", true, b, sizeof(b)), "–");
    assert_string_equal(cc_fmt_decimal("", false, b, sizeof(b)), "–");
    assert_string_equal(cc_fmt_decimal("12.5", false, b, sizeof(b)), "–");
    assert_string_equal(cc_fmt_decimal(".50", false, b, sizeof(b)), "–");
    assert_string_equal(cc_fmt_decimal("1.2.3", false, b, sizeof(b)), "–");
    assert_string_equal(cc_fmt_decimal("-1.00", false, b, sizeof(b)), "–");
    {
        uint64_t v = 0;

        assert_int_equal(cc_decimal_parse("48.44", &v), 0);
        assert_int_equal(v, 4844);
        assert_int_equal(cc_decimal_parse("100.00", &v), 0);
        assert_int_equal(v, 10000);
        assert_int_equal(cc_decimal_parse("not measured", &v), -EINVAL);
        assert_int_equal(cc_decimal_parse("1.234", &v), -EINVAL);
    }
}

static void test_dates(void **state)
{
    char b[16];
    int32_t day;

    (void)state;
    assert_int_equal(cc_date_parse("2024-06-14", &day), 0);
    assert_string_equal(cc_fmt_date(cc_day_start(day), b, sizeof(b)), "14/06/2024");
    /* 23:59:59 local time is still that day; 17:00 UTC is 00:00 the next day. */
    assert_string_equal(cc_fmt_date(cc_day_start(day) + 86399, b, sizeof(b)), "14/06/2024");
    assert_string_equal(cc_fmt_date(cc_day_start(day) + 86400, b, sizeof(b)), "15/06/2024");
}

static void test_text(void **state)
{
    char b[64];

    (void)state;
    assert_int_equal(cc_text_width("Biên Hòa"), 8);
    assert_int_equal(cc_text_width(""), 0);
    assert_string_equal(cc_text_fit("Biên Hòa", 10, b, sizeof(b)), "Biên Hòa  ");
    assert_string_equal(cc_text_fit("Biên Hòa", 8, b, sizeof(b)), "Biên Hòa");
    assert_string_equal(cc_text_fit("Đánh giá chung", 6, b, sizeof(b)), "Đánh …");
    assert_int_equal(cc_text_width(cc_text_fit("Tổng số phải giải quyết", 10, b, sizeof(b))), 10);
    assert_string_equal(cc_text_fit("abc", 0, b, sizeof(b)), "");
    /* A buffer too small: cut on a character, padded as far as it goes, terminated. */
    assert_string_equal(cc_text_fit("ĐĐĐĐ", 4, b, 7), "ĐĐ  ");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),   cmocka_unit_test(test_rates),
        cmocka_unit_test(test_decimals), cmocka_unit_test(test_dates),
        cmocka_unit_test(test_text),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
