/* Unit tests of daemons/hotline/redact.c: personal data removed from
 * realistic Vietnamese complaint texts and answers, and the non-personal
 * numbers (dossier ids, dates, amounts, legal references) kept. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cc_base.h"
#include "redact.h"

#define X CC_REDACTED

typedef struct {
    const char *text;
    const char *name;
    const char *phone;
    const char *want;
    unsigned count;
} rcase_t;

static const rcase_t cases[] = {
    /* Phones in their written forms. */
    { "Tôi là Nguyễn Văn An, số điện thoại 0912345678.", "Nguyễn Văn An", NULL,
      "Tôi là " X ", số điện thoại " X ".", 2 },
    { "Liên hệ 0912 345 678 để được hỗ trợ", NULL, NULL, "Liên hệ " X " để được hỗ trợ", 1 },
    { "SĐT: 0912.345.678 (gọi giờ hành chính)", NULL, NULL, "SĐT: " X " (gọi giờ hành chính)", 1 },
    { "Gọi +84 912 345 678 hoặc 84912345678 đều được", NULL, NULL, "Gọi " X " hoặc " X " đều được",
      2 },
    { "Số bàn (0251) 3822 123, máy lẻ 12", NULL, NULL, "Số bàn " X ", máy lẻ 12", 1 },
    { "Điện thoại cơ quan 0251 3822 123 hoặc 0251.3822.123", NULL, NULL,
      "Điện thoại cơ quan " X " hoặc " X, 2 },
    { "Zalo +84-912-345-678", NULL, NULL, "Zalo " X, 1 },
    { "Số cũ 01687654321 nay đã đổi.", NULL, NULL, "Số cũ " X " nay đã đổi.", 1 },
    /* E-mail addresses. */
    { "Gửi về nguyenvanan@gmail.com hoặc an.nguyen_1980@dongnai.gov.vn.", NULL, NULL,
      "Gửi về " X " hoặc " X ".", 2 },
    { "Email: 0912345678@gmail.com", NULL, NULL, "Email: " X, 1 },
    /* Citizen ids. */
    { "Số CCCD 075201001234 cấp ngày 15/05/2023 tại Cục Cảnh sát", NULL, NULL,
      "Số CCCD " X " cấp ngày 15/05/2023 tại Cục Cảnh sát", 1 },
    { "CCCD: 079 201 001 234.", NULL, NULL, "CCCD: " X ".", 1 },
    { "CMND số 271234567 do Công an Đồng Nai cấp", NULL, NULL,
      "CMND số " X " do Công an Đồng Nai cấp", 1 },
    /* The caller's name: case, diacritics, spacing, decomposed accents. */
    { "ÔNG NGUYỄN VĂN AN phản ánh hồ sơ trễ hạn", "Nguyễn Văn An", NULL,
      "ÔNG " X " phản ánh hồ sơ trễ hạn", 1 },
    { "Kính gửi ông nguyễn văn an,", "NGUYỄN VĂN AN", NULL, "Kính gửi ông " X ",", 1 },
    { "Nguoi gui: nguyen van an", "Nguyễn Văn An", NULL, "Nguoi gui: " X, 1 },
    { "Bà Nguye\xcc\x82\xcc\x83n Thi\xcc\xa3 Hoa\xcc\x80 gọi đến", "Nguyễn Thị Hoà", NULL,
      "Bà " X " gọi đến", 1 },
    { "Ông Trần  Đức\u00a0Thắng đề nghị", "Trần Đức Thắng", NULL, "Ông " X " đề nghị", 1 },
    { "ĐẶNG THỊ ÚT và Đặng Thị Út", "đặng thị út", NULL, X " và " X, 2 },
    /* Whole words only. */
    { "Ông Văn Anh và bà Văn An", "Văn An", NULL, "Ông Văn Anh và bà " X, 1 },
    { "Nguyễn Văn An - 0912345678 - an@vnpt.vn", "Nguyễn Văn An", NULL, X " - " X " - " X, 3 },
    /* The caller's phone as logged, even in a form the rules keep. */
    { "gọi lại số 38221234 giúp tôi", NULL, "3822 1234", "gọi lại số " X " giúp tôi", 1 },
    { "gọi lại số 38221234 giúp tôi", NULL, NULL, "gọi lại số 38221234 giúp tôi", 0 },
    /* Non-personal numbers stay. */
    { "Hồ sơ 000.00.14.H19-230515-0001 đã được tiếp nhận", NULL, NULL,
      "Hồ sơ 000.00.14.H19-230515-0001 đã được tiếp nhận", 0 },
    { "Hồ sơ TTHCC-250303-0001 hẹn trả ngày 17/03/2025", NULL, NULL,
      "Hồ sơ TTHCC-250303-0001 hẹn trả ngày 17/03/2025", 0 },
    { "Lệ phí 1.500.000 đồng; phạt 150.000.000 đ; tổng 1.500.000.000 đồng", NULL, NULL,
      "Lệ phí 1.500.000 đồng; phạt 150.000.000 đ; tổng 1.500.000.000 đồng", 0 },
    { "Nộp 150000000 đồng và 2500000 VNĐ", NULL, NULL, "Nộp 150000000 đồng và 2500000 VNĐ", 0 },
    { "ngày 15/05/2023, 2023-05-15 và 15.05.2023 lúc 08:30", NULL, NULL,
      "ngày 15/05/2023, 2023-05-15 và 15.05.2023 lúc 08:30", 0 },
    { "Theo Nghị định 61/2018/NĐ-CP, Quyết định số 1234/QĐ-UBND ngày 20/4/2024", NULL, NULL,
      "Theo Nghị định 61/2018/NĐ-CP, Quyết định số 1234/QĐ-UBND ngày 20/4/2024", 0 },
    { "Mã số thuế 3600123456, tổng đài 1022, tỷ lệ 95,1%, 7.946 cuộc gọi", NULL, NULL,
      "Mã số thuế 3600123456, tổng đài 1022, tỷ lệ 95,1%, 7.946 cuộc gọi", 0 },
    /* Every name the caller's name field carries, and a given name after a
     * form of address. */
    { "Gửi ông An và bà Bình; anh AN đã nhận", "Nguyễn Văn An, Trần Thị Bình", NULL,
      "Gửi ông " X " và bà " X "; anh " X " đã nhận", 3 },
    { "Ông Nguyễn Văn An và bà Trần Thị Bình cùng phản ánh", "Nguyễn Văn An và Trần Thị Bình", NULL,
      "Ông " X " và bà " X " cùng phản ánh", 2 },
    { "chi Hoa goi lai", "Lê Thị Hoa", NULL, "chi " X " goi lai", 1 },
    { "Hoa hồng và An Giang: không phải tên", "Lê Thị Hoa", NULL,
      "Hoa hồng và An Giang: không phải tên", 0 },
    { "Anh Tuấn (0912345678) / chị Lan", "Phạm Anh Tuấn / Đỗ Thị Lan", NULL,
      "Anh " X " (" X ") / chị " X, 3 },
    /* Street addresses in their many written forms. */
    { "Nhà tôi ở số nhà 12, đường Võ Thị Sáu, phường Thống Nhất, TP Biên Hòa", NULL, NULL,
      "Nhà tôi ở " X ", TP Biên Hòa", 1 },
    { "Địa chỉ: 123 Phạm Văn Thuận, P. Tân Tiến, thành phố Biên Hòa", NULL, NULL,
      "Địa chỉ: " X ", thành phố Biên Hòa", 1 },
    { "Cư trú tại tổ 5, khu phố 3, phường Tân Phong, Biên Hòa", NULL, NULL,
      "Cư trú tại " X ", Biên Hòa", 1 },
    { "ấp Hưng Phát, xã Hố Nai 3, huyện Trảng Bom, tỉnh Đồng Nai", NULL, NULL,
      X ", huyện Trảng Bom, tỉnh Đồng Nai", 1 },
    { "Giao về 12/3 đường 30/4, phường Quyết Thắng giúp tôi", NULL, NULL, "Giao về " X " giúp tôi",
      1 },
    { "45/2/1 hẻm 7 Nguyễn Ái Quốc, KP 4, P. Tân Phong.", NULL, NULL, X ".", 1 },
    { "so nha 12 duong Vo Thi Sau, phuong Thong Nhat", NULL, NULL, X, 1 },
    { "nhà số 7 kiệt 12 Lê Lợi, thị trấn Trảng Bom", NULL, NULL, X, 1 },
    { "thôn 2, xã Xuân Bắc, huyện Xuân Lộc", NULL, NULL, X ", huyện Xuân Lộc", 1 },
    { "KP.4, phường Long Bình", NULL, NULL, X, 1 },
    { "SỐ NHÀ 88 ĐƯỜNG CÁCH MẠNG THÁNG 8, PHƯỜNG QUANG VINH", NULL, NULL, X, 1 },
    { "Xin gửi về số 12 đường Hà Huy Giáp", NULL, NULL, "Xin gửi về " X, 1 },
    /* Places that are not a person's address stay. */
    { "UBND phường Tân Phong đã trả lời; đường Võ Thị Sáu bị ngập", NULL, NULL,
      "UBND phường Tân Phong đã trả lời; đường Võ Thị Sáu bị ngập", 0 },
    { "Tổ một cửa áp dụng Điều 17 Nghị định 61/2018/NĐ-CP, Quyết định số 12 ngày 5/3", NULL, NULL,
      "Tổ một cửa áp dụng Điều 17 Nghị định 61/2018/NĐ-CP, Quyết định số 12 ngày 5/3", 0 },
    { "Văn bản số 15 Sở Tư pháp gửi Trung tâm Phục vụ hành chính công tỉnh", NULL, NULL,
      "Văn bản số 15 Sở Tư pháp gửi Trung tâm Phục vụ hành chính công tỉnh", 0 },
    { "", "Nguyễn Văn An", NULL, "", 0 },
    { "A phản ánh", "A", NULL, "A phản ánh", 0 },
};

static void test_cases(void **state)
{
    (void)state;
    for (size_t i = 0; i < CC_N(cases); i++) {
        const rcase_t *c = &cases[i];
        char *out = NULL;
        unsigned count = 99;

        assert_int_equal(cc_redact(c->text, strlen(c->text), c->name, c->phone, &out, &count), 0);
        if (strcmp(out, c->want) != 0 || count != c->count)
            fail_msg("case %zu: \"%s\"\n got  \"%s\" (%u)\n want \"%s\" (%u)", i, c->text, out,
                     count, c->want, c->count);
        free(out);
    }
}

/* A realistic published answer: everything personal goes, the rest stays. */
static void test_answer(void **state)
{
    const char *answer =
        "Trả lời phản ánh của ông NGUYỄN VĂN AN (CCCD 075201001234, ĐT 0912.345.678, "
        "email nguyenvanan@gmail.com) về hồ sơ 000.00.14.H19-230515-0001 nộp ngày 15/05/2023: "
        "Sở Tư pháp đã trả kết quả ngày 02/6/2023, lệ phí 200.000 đồng. Mọi thắc mắc xin liên "
        "hệ số 0251 3822 123.";
    const char *want =
        "Trả lời phản ánh của ông " X " (CCCD " X ", ĐT " X ", email " X ") về hồ sơ "
        "000.00.14.H19-230515-0001 nộp ngày 15/05/2023: Sở Tư pháp đã trả kết quả ngày "
        "02/6/2023, lệ phí 200.000 đồng. Mọi thắc mắc xin liên hệ số " X ".";
    char *out = NULL;
    unsigned count = 0;

    (void)state;
    assert_int_equal(cc_redact(answer, strlen(answer), "Nguyễn Văn An", "0912345678", &out, &count),
                     0);
    assert_string_equal(out, want);
    assert_int_equal(count, 5);
    free(out);
}

static void test_bad_input(void **state)
{
    char *out = NULL;
    const char bad[] = "abc \xff\xfe 0912345678 \xc3";

    (void)state;
    assert_int_equal(cc_redact(NULL, 0, NULL, NULL, &out, NULL), -EINVAL);
    assert_int_equal(cc_redact("x", 1, NULL, NULL, NULL, NULL), -EINVAL);
    assert_int_equal(cc_redact("x", CC_REDACT_MAX_INPUT + 1, NULL, NULL, &out, NULL), -EINVAL);
    /* Invalid UTF-8 is copied as is; the phone still goes. */
    assert_int_equal(cc_redact(bad, sizeof(bad) - 1, "Nguyễn Văn An", NULL, &out, NULL), 0);
    assert_string_equal(out, "abc \xff\xfe " X " \xc3");
    free(out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cases),
        cmocka_unit_test(test_answer),
        cmocka_unit_test(test_bad_input),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
