/*
 * test_principals.c - the principals file (daemons/common/cc_principals.c):
 * its grammar, every refusal with its line, lookups, and the file's
 * permissions.
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

#include "cc_principals.h"
#include "support.h"

#define K1 "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7"
#define K2 "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID"
#define K3 "JTKVSB%%)wK0E.X)V>+}o?pNmC{O&4W4b!Ni{Lh6"

static int parse(const char *text, cc_principals_t **ret, char *err, size_t err_len)
{
    *ret = NULL;
    return cc_principals_parse(text, strlen(text), "principals", ret, err, err_len);
}

static void test_principals_grammar(void **state)
{
    static const char text[] = "# key                                      role      who   units\n"
                               "\n" K1 "   counter   quay-tp-1  SO-TP,TTHCC\n"
                               "\t" K2 "\tsupervisor\tvp *  \r\n" K3 " consumer scoring -";
    cc_principals_t *t;
    const cc_principal_t *p;
    char err[256] = "";

    (void)state;
    assert_int_equal(parse(text, &t, err, sizeof(err)), 0);
    assert_int_equal(cc_principals_count(t), 3);
    p = cc_principals_find(t, K1);
    assert_non_null(p);
    assert_int_equal(p->role, CC_ROLE_COUNTER);
    assert_string_equal(p->who, "quay-tp-1");
    assert_string_equal(p->key, K1);
    assert_int_equal(p->n_units, 2);
    assert_true(cc_principal_has_unit(p, "TTHCC"));
    assert_false(cc_principal_has_unit(p, "SO-TP2"));
    p = cc_principals_find(t, K2);
    assert_true(p->all_units);
    p = cc_principals_find(t, K3);
    assert_int_equal(p->role, CC_ROLE_CONSUMER);
    assert_int_equal(p->n_units, 0);
    assert_false(p->all_units);
    /* A key that is not there, or differs in one character. */
    assert_null(cc_principals_find(t, "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf8"));
    assert_null(cc_principals_find(t, ""));
    cc_principals_destroy(&t);
    assert_null(t);
    /* An empty file is a file with no key. */
    assert_int_equal(parse("# nobody yet\n", &t, err, sizeof(err)), 0);
    assert_int_equal(cc_principals_count(t), 0);
    assert_null(cc_principals_find(t, K1));
    cc_principals_destroy(&t);
}

static void test_principals_refused(void **state)
{
    static const struct {
        const char *text;
        const char *err; /* a piece of the message */
    } cases[] = {
        { K1 " counter quay-1\n", "principals:1: expected 4 fields" },
        { "\n" K1 " counter quay-1 A extra\n", "principals:2: expected 4 fields" },
        { "short counter q A\n", "not 40 Z85" },
        { "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf\x7f counter q A\n", "not 40 Z85" },
        { K1 " mayor q A\n", "unknown role 'mayor'" },
        { K1 " counter * A\n", "the name must be" },
        { K1 " counter q,r A\n", "the name must be" },
        { K1 " counter 123456789012345678901234567890123 A\n", "the name must be" },
        { K1 " counter q A,,B\n", "units:" },
        { K1 " counter q A,*\n", "units:" },
        { K1 " counter q -,A\n", "units:" },
        { K1 " counter q A,\n", "units:" },
        { K1 " counter q 123456789012345678901234567890123\n", "units:" },
        { K1 " counter q A\n# again\n" K1 " agent r -\n",
          "principals:3: key given again (first on line 1)" },
        { K1 " counter q A\x00\n", "a NUL byte" },
    };
    char err[256];

    (void)state;
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        cc_principals_t *t = NULL;
        size_t len = strlen(cases[i].text);

        if (strstr(cases[i].err, "NUL"))
            len += 2; /* the NUL and the newline after it */
        err[0] = '\0';
        assert_int_equal(
            cc_principals_parse(cases[i].text, len, "principals", &t, err, sizeof(err)), -EINVAL);
        assert_null(t);
        if (strstr(err, cases[i].err) == NULL)
            fail_msg("case %zu: '%s' does not say '%s'", i, err, cases[i].err);
    }
}

static void test_principals_too_many_units(void **state)
{
    char *text = malloc(64 + 300 * 8), *o = text;
    cc_principals_t *t = NULL;
    char err[256];

    (void)state;
    o += sprintf(o, "%s supervisor vp ", K1);
    for (int i = 0; i < 300; i++)
        o += sprintf(o, "%sU-%d", i ? "," : "", i);
    assert_int_equal(parse(text, &t, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "more than 256 units"));
    free(text);
}

static void test_principals_file_permissions(void **state)
{
    char dir[] = "/tmp/test_principals.XXXXXX", path[64], err[512];
    cc_principals_t *t = NULL;
    FILE *f;

    (void)state;
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof(path), "%s/principals", dir);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(K1 " operator vh *\n", f);
    fclose(f);
    assert_int_equal(chmod(path, 0644), 0);
    assert_int_equal(cc_principals_load(path, &t, err, sizeof(err)), 0);
    assert_int_equal(cc_principals_count(t), 1);
    cc_principals_destroy(&t);
    /* Writable by others: anyone could make themselves an operator. */
    assert_int_equal(chmod(path, 0666), 0);
    assert_int_equal(cc_principals_load(path, &t, err, sizeof(err)), -EACCES);
    assert_non_null(strstr(err, "may be written by others"));
    assert_int_equal(chmod(path, 0620), 0);
    assert_int_equal(cc_principals_load(path, &t, err, sizeof(err)), -EACCES);
    unlink(path);
    assert_int_equal(cc_principals_load(path, &t, err, sizeof(err)), -ENOENT);
    assert_non_null(strstr(err, path));
    assert_int_equal(cc_principals_load(dir, &t, err, sizeof(err)), -EINVAL);
    assert_non_null(strstr(err, "not a regular file"));
    rm_tree(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_principals_grammar),
        cmocka_unit_test(test_principals_refused),
        cmocka_unit_test(test_principals_too_many_units),
        cmocka_unit_test(test_principals_file_permissions),
    };

    return cmocka_run_group_tests_name("principals", tests, NULL, NULL);
}
