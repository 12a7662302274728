/*
 * redact.h - removing personal data from Vietnamese text before a PAKN
 * answer is published (DOMAIN.md §6: phone numbers, e-mail addresses,
 * citizen id numbers and the caller's name are removed).
 *
 * Pure and allocation-light: it touches no storage and never logs (the
 * input is personal data by definition). What it removes, each replaced by
 * CC_REDACTED ("[đã ẩn]"):
 *  - e-mail addresses (local@domain.tld);
 *  - Vietnamese phone numbers in their written forms: 0912345678,
 *    0912 345 678, 0912.345.678, 0912-345-678, +84 912 345 678,
 *    (+84) 912..., 84912345678, landlines 0251 3822 123 / (0251) 3822 123;
 *    i.e. a standalone run of digit groups (separated by one space, '.',
 *    '-' or ") ") holding 10-11 digits that starts with 0, or 11-12 digits
 *    that starts with 84;
 *  - citizen ids: 12 digits (CCCD) and 9 digits (old CMND), written
 *    together or in space-separated groups;
 *  - the caller's phone as logged, whatever its grouping;
 *  - every name the caller's name field carries (names separated by
 *    , ; / & + or "và"), matched on its letters: case and Vietnamese
 *    diacritics are ignored ("Nguyễn Văn An" matches "NGUYỄN VĂN AN",
 *    "nguyen van an" and the decomposed (NFD) spelling), any run of spaces
 *    matches a space, and only whole words match; and each name's given
 *    name (its last word) after a form of address: "ông An", "chị Bình";
 *  - street addresses: from a house number ("số nhà 12", "nhà số 7", "số
 *    12 đường …", "12 đường …", "45/2/1 hẻm 7 …", "ở 123 Võ Thị Sáu",
 *    "địa chỉ: 123 …") or a residential subdivision ("tổ 5", "ấp Hưng
 *    Phát", "khu phố 3", "KP 3", "thôn 2", "xóm Mới"), over the streets,
 *    subdivisions and the ward or commune that follow (phường, P., xã, thị
 *    trấn), up to the district, city or province, which stay. A ward or a
 *    street alone ("UBND phường Tân Phong", "đường Võ Thị Sáu bị ngập")
 *    stays: it names no one.
 * What it keeps, on purpose: dossier ids ("000.00.14.H19-230515-0001",
 * "TTHCC-250303-0001": digits glued to letters or to other digit groups by
 * '-', '/' or '.'), dates ("15/05/2023", "2023-05-15", "15.05.2023"),
 * times, amounts ("1.500.000 đồng", "150.000.000", "2500000 đồng": '.'
 * thousands groups not starting with 0, or a number followed by a currency
 * word) and short numbers (article, decision and house numbers).
 * When in doubt between a 9/12-digit id and another number written without
 * grouping, it removes: publishing a citizen's id is the worse mistake.
 */
#ifndef CC_REDACT_H
#define CC_REDACT_H

#include <stddef.h>

/* The replacement text (UTF-8). */
#define CC_REDACTED "[đã ẩn]"

/* Longest input cc_redact() takes (bytes); PAKN texts are at most 2048. */
#define CC_REDACT_MAX_INPUT 65536

/**
 * cc_redact - copy @text with personal data replaced by CC_REDACTED.
 * @text, @len: UTF-8 input (need not be NUL-terminated; invalid UTF-8 bytes
 *   are copied as they are and never match a name).
 * @name: the caller's name field as logged (one name or several), or
 *   NULL/"" (then no name is matched). A name with fewer than 2 letters is
 *   ignored (it would match too much).
 * @phone: the caller's phone as logged, or NULL/"": any standalone digit
 *   run with the same digits (also with 84 for the leading 0) is removed
 *   even where the general phone rules would not catch it.
 * @ret_text: a new NUL-terminated string; the caller free()s it.
 * @ret_count: how many pieces were removed (may be NULL).
 * Returns 0, or -EINVAL (NULL @text/@ret_text, @len over
 * CC_REDACT_MAX_INPUT). Allocation failure aborts (cc_mem policy).
 */
int cc_redact(const char *text, size_t len, const char *name, const char *phone, char **ret_text,
              unsigned *ret_count);

#endif
