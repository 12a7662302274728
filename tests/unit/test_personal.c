/*
 * test_personal.c - the hotline's personal data at rest
 * (daemons/hotline/personal.c): key files, sealing and opening, what does
 * not open (another complaint's value, an altered one, a missing key),
 * rotation, erased markers and the clear values of older versions.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "personal.h"
#include "support.h"

#define K1 "1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n"
#define K2 "2 A0A1A2A3A4A5A6A7A8A9AAABACADAEAFB0B1B2B3B4B5B6B7B8B9BABBBCBDBEBF\n"

static cc_keyring_t *keys(const char *text)
{
    cc_keyring_t *k = NULL;
    char err[256];

    if (cc_keyring_parse(text, strlen(text), "keys", &k, err, sizeof(err)) < 0)
        fail_msg("%s", err);
    return k;
}

static cc_personal_t person(const char *name, const char *phone, const char *text,
                            const char *answer)
{
    cc_personal_t p = { .name = { name, strlen(name) },
                        .phone = { phone, strlen(phone) },
                        .text = { text, strlen(text) },
                        .answer = { answer, strlen(answer) } };

    return p;
}

static bool has(const uint8_t *v, size_t len, const char *needle)
{
    return memmem(v, len, needle, strlen(needle)) != NULL;
}

static void test_keyring_grammar(void **state)
{
    static const struct {
        const char *text, *err;
    } bad[] = {
        { "", "no key" },
        { "# only a comment\n", "no key" },
        { "0 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n", "keys:1:" },
        { "4294967296 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
          "larger than 4294967295" },
        { "1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e\n", "64 hexadecimal" },
        { "1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1g\n",
          "64 hexadecimal" },
        { "1 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f extra\n",
          "64 hexadecimal" },
        { "x 000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f\n",
          "expected 'ID HEX'" },
        { "1\n", "expected 'ID HEX'" },
        { K1 "\n# again\n" K1, "key ID 1 given twice" },
    };
    cc_keyring_t *k;
    char err[256];

    (void)state;
    k = keys("# keys\n\n  " K2 K1);
    assert_int_equal(cc_keyring_count(k), 2);
    assert_int_equal(cc_keyring_current(k), 2);
    cc_keyring_destroy(&k);
    assert_null(k);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        k = NULL;
        err[0] = '\0';
        assert_int_equal(
            cc_keyring_parse(bad[i].text, strlen(bad[i].text), "keys", &k, err, sizeof(err)),
            -EINVAL);
        assert_null(k);
        if (strstr(err, bad[i].err) == NULL)
            fail_msg("case %zu: '%s' does not say '%s'", i, err, bad[i].err);
    }
}

static void test_seal_and_open(void **state)
{
    cc_keyring_t *k = keys(K1);
    cc_personal_t p = person("Nguyễn Văn An", "0912345678", "Hồ sơ trễ hạn", ""), got;
    uint32_t key_id = 0;
    size_t len = 0;
    uint8_t *v;

    (void)state;
    v = cc_personal_seal(k, "PA-1", &p, &len);
    /* Nothing of it in clear. */
    assert_false(has(v, len, "Nguy") || has(v, len, "0912345678") || has(v, len, "trễ"));
    assert_int_equal(cc_personal_open(k, "PA-1", v, len, &got, NULL, &key_id), CC_PERSONAL_PLAIN);
    assert_int_equal(key_id, 1);
    assert_int_equal(got.name.len, strlen("Nguyễn Văn An"));
    assert_memory_equal(got.name.ptr, "Nguyễn Văn An", got.name.len);
    assert_memory_equal(got.phone.ptr, "0912345678", got.phone.len);
    assert_memory_equal(got.text.ptr, "Hồ sơ trễ hạn", got.text.len);
    assert_int_equal(got.answer.len, 0);
    cc_personal_release(&got);
    assert_null(got.owned);
    /* Another complaint's value does not open as this one. */
    assert_int_equal(cc_personal_open(k, "PA-2", v, len, &got, NULL, NULL), -EBADMSG);
    /* Nor an altered one, nor a cut one. */
    v[len - 1] ^= 1;
    assert_int_equal(cc_personal_open(k, "PA-1", v, len, &got, NULL, NULL), -EBADMSG);
    v[len - 1] ^= 1;
    v[40] ^= 0x80;
    assert_int_equal(cc_personal_open(k, "PA-1", v, len, &got, NULL, NULL), -EBADMSG);
    v[40] ^= 0x80;
    assert_int_equal(cc_personal_open(k, "PA-1", v, 20, &got, NULL, NULL), -EBADMSG);
    assert_int_equal(cc_personal_open(k, "PA-1", v, 0, &got, NULL, NULL), -EBADMSG);
    /* Two seals of the same data differ (a fresh nonce each). */
    {
        size_t len2 = 0;
        uint8_t *v2 = cc_personal_seal(k, "PA-1", &p, &len2);

        assert_int_equal(len2, len);
        assert_memory_not_equal(v, v2, len);
        free(v2);
    }
    free(v);
    cc_keyring_destroy(&k);
}

static void test_rotation(void **state)
{
    cc_keyring_t *old = keys(K1), *both = keys(K1 K2), *only2 = keys(K2);
    cc_personal_t p = person("Trần Thị Bình", "0987654321", "x", "y"), got;
    uint32_t key_id = 0;
    size_t len = 0, len2 = 0;
    uint8_t *v = cc_personal_seal(old, "PA-1", &p, &len), *v2;

    (void)state;
    /* Old data opens with the new file, which seals with key 2. */
    assert_int_equal(cc_personal_open(both, "PA-1", v, len, &got, NULL, &key_id),
                     CC_PERSONAL_PLAIN);
    assert_int_equal(key_id, 1);
    v2 = cc_personal_seal(both, "PA-1", &got, &len2);
    cc_personal_release(&got);
    assert_int_equal(cc_personal_open(only2, "PA-1", v2, len2, &got, NULL, &key_id),
                     CC_PERSONAL_PLAIN);
    assert_int_equal(key_id, 2);
    assert_memory_equal(got.answer.ptr, "y", 1);
    cc_personal_release(&got);
    /* Without key 1, the old value names the key it needs. */
    assert_int_equal(cc_personal_open(only2, "PA-1", v, len, &got, NULL, &key_id), -ENOKEY);
    assert_int_equal(key_id, 1);
    free(v);
    free(v2);
    cc_keyring_destroy(&old);
    cc_keyring_destroy(&both);
    cc_keyring_destroy(&only2);
}

static void test_erased_and_clear_values(void **state)
{
    static const uint8_t clear[] = { 1, 0, 2, 'A', 'n', 0, 3, '0', '9', '1', 0, 1, 't', 0, 0 };
    cc_keyring_t *k = keys(K1);
    uint8_t marker[9];
    int64_t at = 0;
    uint32_t key_id = 99;
    cc_personal_t got;
    size_t n = cc_personal_erased(marker, 1741000000);

    (void)state;
    assert_true(cc_personal_is_erased(marker, n));
    assert_int_equal(cc_personal_open(k, "PA-1", marker, n, &got, &at, &key_id),
                     CC_PERSONAL_ERASED);
    assert_int_equal(at, 1741000000);
    assert_int_equal(key_id, 0);
    assert_int_equal(got.name.len + got.text.len, 0);
    /* A value in clear, from an older version: read (and sealed at start). */
    assert_false(cc_personal_is_erased(clear, sizeof(clear)));
    assert_int_equal(cc_personal_open(k, "PA-1", clear, sizeof(clear), &got, NULL, &key_id),
                     CC_PERSONAL_PLAIN);
    assert_int_equal(key_id, 0);
    assert_memory_equal(got.name.ptr, "An", 2);
    assert_memory_equal(got.phone.ptr, "091", 3);
    cc_personal_release(&got);
    assert_int_equal(cc_personal_open(k, "PA-1", clear, sizeof(clear) - 1, &got, NULL, NULL),
                     -EBADMSG);
    marker[0] = 7;
    assert_int_equal(cc_personal_open(k, "PA-1", marker, n, &got, NULL, NULL), -EBADMSG);
    cc_keyring_destroy(&k);
}

static void test_key_files(void **state)
{
    char dir[] = "/tmp/test_personal.XXXXXX", path[64], err[512], line[96];
    cc_keyring_t *k = NULL, *again = NULL;
    cc_personal_t p = person("A", "B", "C", "D"), got;
    struct stat st;
    size_t len = 0;
    uint8_t *v;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/personal.keys", dir);
    assert_int_equal(cc_keyring_create(path, &k, err, sizeof(err)), 0);
    assert_int_equal(stat(path, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(cc_keyring_current(k), 1);
    assert_int_equal(cc_keyring_create(path, &again, err, sizeof(err)), -EEXIST);
    v = cc_personal_seal(k, "PA-9", &p, &len);
    assert_int_equal(cc_keyring_load(path, &again, err, sizeof(err)), 0);
    assert_int_equal(cc_personal_open(again, "PA-9", v, len, &got, NULL, NULL), CC_PERSONAL_PLAIN);
    cc_personal_release(&got);
    cc_keyring_destroy(&again);
    /* A line for key 2, appended as an operator would. */
    assert_int_equal(cc_keyring_line(2, line, sizeof(line)), 0);
    assert_int_equal(cc_keyring_line(0, line, sizeof(line)), -EINVAL);
    assert_int_equal(cc_keyring_line(2, line, sizeof(line)), 0);
    f = fopen(path, "a");
    fputs(line, f);
    fclose(f);
    assert_int_equal(cc_keyring_load(path, &again, err, sizeof(err)), 0);
    assert_int_equal(cc_keyring_current(again), 2);
    cc_keyring_destroy(&again);
    /* Keys others may read are refused. */
    assert_int_equal(chmod(path, 0640), 0);
    assert_int_equal(cc_keyring_load(path, &again, err, sizeof(err)), -EACCES);
    assert_non_null(strstr(err, "chmod 600"));
    free(v);
    cc_keyring_destroy(&k);
    rm_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keyring_grammar), cmocka_unit_test(test_seal_and_open),
        cmocka_unit_test(test_rotation),        cmocka_unit_test(test_erased_and_clear_values),
        cmocka_unit_test(test_key_files),
    };

    if (cc_personal_init() < 0)
        return 1;
    return cmocka_run_group_tests_name("personal", tests, NULL, NULL);
}
