/*
 * test_curve.c - CurveZMQ keys and files (proto/cc_curve.c): key files
 * parsed and refused, written and read back, public keys from text or
 * files, permissions, and which endpoints stay on the machine.
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

#include "cc_curve.h"
#include "support.h"

/* The key pair of the ZeroMQ CURVE test vectors (zmq_curve(7)). */
#define PUB "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"
#define SEC "D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%cs"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    temp_dir(dir, sizeof(dir), "test_curve");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rm_tree(dir);
    return 0;
}

static void write_file(const char *path, const char *text, mode_t mode)
{
    FILE *f = fopen(path, "w");

    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    assert_int_equal(chmod(path, mode), 0);
}

static void test_key_valid(void **state)
{
    (void)state;
    assert_true(cc_curve_key_valid(PUB));
    assert_false(cc_curve_key_valid(""));
    assert_false(cc_curve_key_valid(NULL));
    assert_false(cc_curve_key_valid("Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hI"));   /* 39 */
    assert_false(cc_curve_key_valid("Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID0")); /* 41 */
    assert_false(cc_curve_key_valid("Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hI\"")); /* not Z85 */
}

static void test_keypair_from_secret(void **state)
{
    cc_curve_keypair_t kp;

    (void)state;
    assert_int_equal(cc_curve_keypair_from_secret(SEC, &kp), 0);
    assert_string_equal(kp.public_key, PUB);
    assert_int_equal(cc_curve_keypair_from_secret("not a key", &kp), -EINVAL);
    assert_int_equal(cc_curve_keypair_new(&kp), 0);
    assert_true(cc_curve_key_valid(kp.public_key) && cc_curve_key_valid(kp.secret_key));
}

static void test_keypair_parse(void **state)
{
    static const struct {
        const char *text;
        const char *err; /* NULL: accepted */
    } cases[] = {
        { "# a comment\n\npublic = " PUB "\nsecret = " SEC "\n", NULL },
        { "  secret=" SEC "  \r\n", NULL }, /* the public key is derived */
        { "public = " PUB "\n", "no 'secret' line" },
        { "secret = " SEC "\npublic = " SEC "\n", "not the public key of its 'secret'" },
        { "secret = " SEC "\nsecret = " SEC "\n", "k:2: 'secret' given twice" },
        { "secret " SEC "\n", "k:1: expected 'name = value'" },
        { "= " SEC "\n", "k:1: expected 'name = value'" },
        { "private = " SEC "\n", "k:1: unknown name 'private'" },
        { "secret = short\n", "k:1: 'secret' is not a key" },
        { "secret = D:)Q[IlAW!ahhC2ac:9*A}h:p?([4%wOTJ%JR%c\"\n", "k:1: 'secret' is not a key" },
    };
    cc_curve_keypair_t kp;
    char err[256];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        int r = cc_curve_keypair_parse(cases[i].text, strlen(cases[i].text), "k", &kp, err,
                                       sizeof(err));

        if (cases[i].err == NULL) {
            assert_int_equal(r, 0);
            assert_string_equal(kp.public_key, PUB);
            assert_string_equal(kp.secret_key, SEC);
        } else {
            assert_int_equal(r, -EINVAL);
            if (strstr(err, cases[i].err) == NULL)
                fail_msg("case %zu: '%s' does not say '%s'", i, err, cases[i].err);
        }
    }
    /* A NUL inside a line. */
    assert_int_equal(cc_curve_keypair_parse("secret = \0x\n", 12, "k", &kp, err, sizeof(err)),
                     -EINVAL);
    assert_non_null(strstr(err, "NUL"));
}

static void test_keypair_files(void **state)
{
    char key[128], pub[128], err[512], got[CC_CURVE_KEY_LEN + 1];
    cc_curve_keypair_t kp, back;
    struct stat st;

    (void)state;
    snprintf(key, sizeof(key), "%s/quay.key", dir);
    snprintf(pub, sizeof(pub), "%s/quay.pub", dir);
    assert_int_equal(cc_curve_keypair_new(&kp), 0);
    assert_int_equal(cc_curve_keypair_write(key, pub, &kp, "test key", err, sizeof(err)), 0);
    assert_int_equal(stat(key, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(pub, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0644);
    assert_int_equal(cc_curve_keypair_read(key, &back, err, sizeof(err)), 0);
    assert_string_equal(back.public_key, kp.public_key);
    assert_string_equal(back.secret_key, kp.secret_key);
    /* Never overwritten. */
    assert_int_equal(cc_curve_keypair_write(key, pub, &kp, "again", err, sizeof(err)), -EEXIST);
    /* The public key from its file, from the key pair file, or as text. */
    assert_int_equal(cc_curve_public_get(pub, got, err, sizeof(err)), 0);
    assert_string_equal(got, kp.public_key);
    assert_int_equal(cc_curve_public_get(key, got, err, sizeof(err)), 0);
    assert_string_equal(got, kp.public_key);
    assert_int_equal(cc_curve_public_get(PUB, got, err, sizeof(err)), 0);
    assert_string_equal(got, PUB);
    assert_true(cc_curve_public_get("/no/such/file", got, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "/no/such/file"));
    assert_true(cc_curve_public_get("", got, err, sizeof(err)) < 0);
    /* A .pub file is not a key pair. */
    assert_int_equal(cc_curve_keypair_read(pub, &back, err, sizeof(err)), -EACCES);
    assert_int_equal(chmod(pub, 0600), 0);
    assert_int_equal(cc_curve_keypair_read(pub, &back, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "no 'secret' line"));
    /* A secret others may read is refused. */
    assert_int_equal(chmod(key, 0640), 0);
    assert_int_equal(cc_curve_keypair_read(key, &back, err, sizeof(err)), -EACCES);
    assert_non_null(strstr(err, "chmod 600"));
    assert_int_equal(chmod(key, 0400), 0); /* as systemd's LoadCredential= leaves it */
    assert_int_equal(cc_curve_keypair_read(key, &back, err, sizeof(err)), 0);
    snprintf(key, sizeof(key), "%s/empty.pub", dir);
    write_file(key, "# nothing\n", 0644);
    assert_true(cc_curve_public_get(key, got, err, sizeof(err)) < 0);
    assert_non_null(strstr(err, "no 'public' line"));
}

static void test_endpoint_is_local(void **state)
{
    (void)state;
    assert_true(cc_endpoint_is_local("tcp://127.0.0.1:7301"));
    assert_true(cc_endpoint_is_local("tcp://127.9.8.7:7301"));
    assert_true(cc_endpoint_is_local("tcp://[::1]:7301"));
    assert_true(cc_endpoint_is_local("tcp://localhost:7301"));
    assert_true(cc_endpoint_is_local("ipc:///run/cchc/intake.sock"));
    assert_true(cc_endpoint_is_local("inproc://x"));
    assert_false(cc_endpoint_is_local("tcp://*:7301"));
    assert_false(cc_endpoint_is_local("tcp://0.0.0.0:7301"));
    assert_false(cc_endpoint_is_local("tcp://10.0.0.5:7301"));
    assert_false(cc_endpoint_is_local("tcp://[::]:7301"));
    assert_false(cc_endpoint_is_local("tcp://[::ffff:127.0.0.1]:7301"));
    assert_false(cc_endpoint_is_local("tcp://128.0.0.1:7301"));
    assert_false(cc_endpoint_is_local("tcp://eth0:7301"));
    assert_false(cc_endpoint_is_local("tcp://127.0.0.1"));
    assert_false(cc_endpoint_is_local("udp://127.0.0.1:7301"));
    assert_false(cc_endpoint_is_local("tcp://:7301"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_key_valid),
        cmocka_unit_test(test_keypair_from_secret),
        cmocka_unit_test(test_keypair_parse),
        cmocka_unit_test_setup_teardown(test_keypair_files, setup, teardown),
        cmocka_unit_test(test_endpoint_is_local),
    };

    return cmocka_run_group_tests_name("curve", tests, NULL, NULL);
}
