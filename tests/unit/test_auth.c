/*
 * test_auth.c - principals from HELLO and the session table
 * (daemons/common/cc_auth.{h,c}).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cc_auth.h"

/* Decode an encoded HELLO body into @msg. */
static void hello(cc_msg_t *msg, const char *role, const char *who, const char *const *units,
                  size_t n)
{
    cc_enc_t e;
    char why[128];

    cc_enc_init(&e);
    cc_enc_map(&e, units ? 4 : 3);
    cc_enc_kv_u64(&e, "rid", 1);
    cc_enc_kv_str(&e, "role", role);
    cc_enc_kv_str(&e, "who", who);
    if (units) {
        cc_enc_str(&e, "units");
        cc_enc_array(&e, n);
        for (size_t i = 0; i < n; i++)
            cc_enc_str(&e, units[i]);
    }
    assert_int_equal(cc_body_decode(e.buf.data, e.buf.size, NULL, msg, why, sizeof(why)), 0);
    cc_enc_deinit(&e);
}

static cc_principal_t *principal(const char *role, const char *who, const char *const *units,
                                 size_t n, const char **ret_field)
{
    cc_principal_t *p = NULL;
    const char *field = NULL;
    char why[256];
    cc_msg_t m;

    hello(&m, role, who, units, n);
    cc_principal_from_hello(&m.body, &p, &field, why, sizeof(why));
    cc_msg_deinit(&m);
    if (ret_field)
        *ret_field = field;
    return p;
}

static void test_hello_scope(void **state)
{
    static const char *const tp[] = { "SO-TP", "TTHCC" };
    static const char *const all[] = { "*" };
    cc_principal_t *p;

    (void)state;
    p = principal("counter", "quay-1", tp, 2, NULL);
    assert_non_null(p);
    assert_int_equal(p->role, CC_ROLE_COUNTER);
    assert_string_equal(p->who, "quay-1");
    assert_true(cc_principal_has_unit(p, "SO-TP"));
    assert_true(cc_principal_has_unit(p, "TTHCC"));
    assert_false(cc_principal_has_unit(p, "SO-TP2"));
    free(p);
    p = principal("supervisor", "gs", all, 1, NULL);
    assert_true(cc_principal_has_unit(p, "ANY"));
    free(p);
    p = principal("operator", "vh", NULL, 0, NULL);
    assert_false(cc_principal_has_unit(p, "SO-TP"));
    free(p);
}

static void test_hello_refused(void **state)
{
    static const char *const spaced[] = { "SO TP" };
    static const char *const vi[] = { "Sở-TP" };
    static const char *const empty[] = { "" };
    const char *field = NULL;

    (void)state;
    assert_null(principal("mayor", "x", NULL, 0, &field));
    assert_string_equal(field, "role");
    assert_null(principal("counter", "has space", NULL, 0, &field));
    assert_string_equal(field, "who");
    assert_null(principal("counter", "q", spaced, 1, &field));
    assert_string_equal(field, "units");
    assert_null(principal("counter", "q", vi, 1, &field));
    assert_string_equal(field, "units");
    assert_null(principal("counter", "q", empty, 1, &field));
    assert_string_equal(field, "units");
}

static void test_sessions_replace_and_get(void **state)
{
    cc_sessions_t *t = cc_sessions_new(0);

    (void)state;
    assert_null(cc_sessions_get(t, "a", 1));
    assert_int_equal(cc_sessions_put(t, "a", 1, principal("counter", "q1", NULL, 0, NULL)), 0);
    assert_string_equal(cc_sessions_get(t, "a", 1)->who, "q1");
    /* A second HELLO on the same connection replaces the first. */
    assert_int_equal(cc_sessions_put(t, "a", 1, principal("agent", "a1", NULL, 0, NULL)), 0);
    assert_string_equal(cc_sessions_get(t, "a", 1)->who, "a1");
    assert_int_equal(cc_sessions_count(t), 1);
    cc_sessions_destroy(&t);
    assert_null(t);
    cc_sessions_destroy(&t);
}

static void test_sessions_evict_least_recent(void **state)
{
    cc_sessions_t *t = cc_sessions_new(3);
    char id[8];

    (void)state;
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof(id), "c%d", i);
        assert_int_equal(cc_sessions_put(t, id, 2, principal("counter", id, NULL, 0, NULL)), 0);
    }
    /* c0 is used again, so c1 is now the least recently used. */
    assert_non_null(cc_sessions_get(t, "c0", 2));
    assert_int_equal(cc_sessions_put(t, "c3", 2, principal("counter", "c3", NULL, 0, NULL)), 0);
    assert_int_equal(cc_sessions_count(t), 3);
    assert_int_equal(cc_sessions_evicted(t), 1);
    assert_null(cc_sessions_get(t, "c1", 2));
    assert_non_null(cc_sessions_get(t, "c0", 2));
    assert_non_null(cc_sessions_get(t, "c2", 2));
    assert_non_null(cc_sessions_get(t, "c3", 2));
    cc_sessions_destroy(&t);
}

static void test_sessions_many_connections(void **state)
{
    cc_sessions_t *t = cc_sessions_new(1000);
    char id[16];

    (void)state;
    /* Far more connections than the table holds (every `cchc` run is one):
     * new ones are always accepted, the table never grows past its bound. */
    for (int i = 0; i < 20000; i++) {
        snprintf(id, sizeof(id), "conn-%d", i);
        assert_int_equal(
            cc_sessions_put(t, id, strlen(id), principal("counter", "q", NULL, 0, NULL)), 0);
    }
    assert_int_equal(cc_sessions_count(t), 1000);
    assert_int_equal(cc_sessions_evicted(t), 19000);
    assert_non_null(cc_sessions_get(t, "conn-19999", 10));
    assert_null(cc_sessions_get(t, "conn-0", 6));
    cc_sessions_destroy(&t);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hello_scope),
        cmocka_unit_test(test_hello_refused),
        cmocka_unit_test(test_sessions_replace_and_get),
        cmocka_unit_test(test_sessions_evict_least_recent),
        cmocka_unit_test(test_sessions_many_connections),
    };

    return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
