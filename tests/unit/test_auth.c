/*
 * test_auth.c - principals from HELLO (believed, or narrowing a key's) and
 * the session table (daemons/common/cc_auth.{h,c}).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cc_auth.h"

/* Decode an encoded HELLO body into @msg; a NULL @role or @who is left
 * out. */
static void hello(cc_msg_t *msg, const char *role, const char *who, const char *const *units,
                  size_t n)
{
    cc_enc_t e;
    char why[128];

    cc_enc_init(&e);
    cc_enc_map(&e, (size_t)(1 + (role != NULL) + (who != NULL) + (units != NULL)));
    cc_enc_kv_u64(&e, "rid", 1);
    if (role)
        cc_enc_kv_str(&e, "role", role);
    if (who)
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

/* The principal of a client key, as the principals file would give it. */
static cc_principal_t *key_principal(cc_role_t role, const char *who, const char *const *units,
                                     size_t n)
{
    cc_principal_t *p = cc_principal_new(role, who, n);

    for (size_t i = 0; i < n; i++) {
        p->all_units |= strcmp(units[i], "*") == 0;
        strcpy(p->units[p->n_units++], units[i]);
    }
    strcpy(p->key, "rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7");
    return p;
}

/* cc_principal_narrow of a HELLO against @key; returns the result code. */
static int narrow(const cc_principal_t *key, const char *role, const char *who,
                  const char *const *units, size_t n, cc_principal_t **ret, const char **ret_field)
{
    char why[256];
    cc_msg_t m;
    int r;

    hello(&m, role, who, units, n);
    *ret_field = NULL;
    r = cc_principal_narrow(key, &m.body, ret, ret_field, why, sizeof(why));
    cc_msg_deinit(&m);
    return r;
}

static void test_hello_narrows_a_key(void **state)
{
    static const char *const two[] = { "SO-TP", "TTHCC" };
    static const char *const tp[] = { "SO-TP" };
    cc_principal_t *key = key_principal(CC_ROLE_COUNTER, "quay-1", two, 2);
    cc_principal_t *p = NULL;
    const char *field;

    (void)state;
    /* Nothing but rid: the key's principal, bound to the key. */
    assert_int_equal(narrow(key, NULL, NULL, NULL, 0, &p, &field), 0);
    assert_int_equal(p->role, CC_ROLE_COUNTER);
    assert_string_equal(p->who, "quay-1");
    assert_int_equal(p->n_units, 2);
    assert_true(cc_principal_has_unit(p, "TTHCC"));
    assert_string_equal(p->key, key->key);
    free(p);
    /* The same role and name, one of the key's units: narrowed. */
    assert_int_equal(narrow(key, "counter", "quay-1", tp, 1, &p, &field), 0);
    assert_true(cc_principal_has_unit(p, "SO-TP"));
    assert_false(cc_principal_has_unit(p, "TTHCC"));
    free(p);
    /* No unit at all is narrower still. */
    assert_int_equal(narrow(key, "counter", NULL, tp, 0, &p, &field), 0);
    assert_int_equal(p->n_units, 0);
    free(p);
    free(key);
}

static void test_hello_cannot_widen_a_key(void **state)
{
    static const char *const tp[] = { "SO-TP" };
    static const char *const other[] = { "SO-TP", "SO-GTVT" };
    static const char *const all[] = { "*" };
    static const char *const prefix[] = { "SO-T" };
    cc_principal_t *key = key_principal(CC_ROLE_COUNTER, "quay-1", tp, 1);
    cc_principal_t *sup = key_principal(CC_ROLE_SUPERVISOR, "gs", all, 1);
    cc_principal_t *p = NULL;
    const char *field;

    (void)state;
    assert_int_equal(narrow(key, "operator", NULL, NULL, 0, &p, &field), -EACCES);
    assert_string_equal(field, "role");
    assert_null(p);
    assert_int_equal(narrow(key, "counter", "quay-2", NULL, 0, &p, &field), -EACCES);
    assert_string_equal(field, "who");
    assert_int_equal(narrow(key, NULL, NULL, other, 2, &p, &field), -EACCES);
    assert_string_equal(field, "units");
    assert_int_equal(narrow(key, NULL, NULL, all, 1, &p, &field), -EACCES);
    assert_string_equal(field, "units");
    assert_int_equal(narrow(key, NULL, NULL, prefix, 1, &p, &field), -EACCES);
    assert_string_equal(field, "units");
    /* A malformed field is still bad_field. */
    assert_int_equal(narrow(key, "mayor", NULL, NULL, 0, &p, &field), -EINVAL);
    assert_string_equal(field, "role");
    /* A key of every unit may name any, or "*". */
    assert_int_equal(narrow(sup, NULL, NULL, other, 2, &p, &field), 0);
    free(p);
    assert_int_equal(narrow(sup, "supervisor", "gs", all, 1, &p, &field), 0);
    assert_true(p->all_units);
    free(p);
    free(key);
    free(sup);
}

static void test_principal_within(void **state)
{
    static const char *const two[] = { "A", "B" };
    static const char *const a[] = { "A" };
    static const char *const all[] = { "*" };
    cc_principal_t *outer = key_principal(CC_ROLE_AGENT, "tdv", two, 2);
    cc_principal_t *in = key_principal(CC_ROLE_AGENT, "tdv", a, 1);
    cc_principal_t *star = key_principal(CC_ROLE_AGENT, "tdv", all, 1);
    const char *field;

    (void)state;
    assert_true(cc_principal_within(in, outer, &field));
    assert_false(cc_principal_within(outer, in, &field));
    assert_string_equal(field, "units");
    assert_false(cc_principal_within(star, outer, &field));
    assert_true(cc_principal_within(outer, star, &field));
    in->role = CC_ROLE_CONTACT_POINT;
    assert_false(cc_principal_within(in, outer, &field));
    assert_string_equal(field, "role");
    free(outer);
    free(in);
    free(star);
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
    /* Dropped (a HELLO its key no longer allows): forgotten; others stay. */
    assert_int_equal(cc_sessions_put(t, "b", 1, principal("agent", "b1", NULL, 0, NULL)), 0);
    cc_sessions_drop(t, "a", 1);
    cc_sessions_drop(t, "zz", 2);
    assert_null(cc_sessions_get(t, "a", 1));
    assert_string_equal(cc_sessions_get(t, "b", 1)->who, "b1");
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
        cmocka_unit_test(test_hello_narrows_a_key),
        cmocka_unit_test(test_hello_cannot_widen_a_key),
        cmocka_unit_test(test_principal_within),
        cmocka_unit_test(test_sessions_replace_and_get),
        cmocka_unit_test(test_sessions_evict_least_recent),
        cmocka_unit_test(test_sessions_many_connections),
    };

    return cmocka_run_group_tests_name("auth", tests, NULL, NULL);
}
