/*
 * fuzz_principals.c - libFuzzer harness of the security files an operator
 * writes and the daemons read: the principals file
 * (daemons/common/cc_principals.c), a CurveZMQ key file (proto/cc_curve.c)
 * and the hotline's personal data keys (daemons/hotline/personal.c). The
 * same input goes to the three parsers.
 *
 * Properties: each returns 0 or -EINVAL with a reason naming the file; a
 * principals table finds each of its keys (the first field of each
 * accepted line is looked up again) with a valid principal (role, a name of
 * 1..32 bytes, at most 256 units, "*" alone); a key file gives a usable key
 * pair; a key ring seals and opens a value.
 */
#include <errno.h>
#include <string.h>

#include "cc_curve.h"
#include "cc_principals.h"
#include "fuzz.h"
#include "personal.h"

static void principals(const char *text, size_t len)
{
    cc_principals_t *t = NULL;
    char err[512] = "", key[CC_CURVE_KEY_LEN + 1];
    int r = cc_principals_parse(text, len, "principals", &t, err, sizeof(err));

    CHECK(r == 0 || (r == -EINVAL && strncmp(err, "principals", 10) == 0 && t == NULL));
    if (r < 0)
        return;
    /* Every line's first field that is a key the table holds. */
    for (size_t at = 0; at < len;) {
        const char *nl = memchr(text + at, '\n', len - at);
        size_t n = nl ? (size_t)(nl - (text + at)) : len - at, a = at;
        const cc_principal_t *p;

        while (a < at + n && (text[a] == ' ' || text[a] == '\t' || text[a] == '\r'))
            a++;
        if (a + CC_CURVE_KEY_LEN <= at + n && text[a] != '#') {
            memcpy(key, text + a, CC_CURVE_KEY_LEN);
            key[CC_CURVE_KEY_LEN] = '\0';
            p = cc_principals_find(t, key);
            CHECK(p != NULL && strcmp(p->key, key) == 0);
            CHECK(p->role < CC_ROLE_COUNT_ && p->who[0] != '\0' && strlen(p->who) <= CC_MAX_CODE);
            CHECK(p->n_units <= CC_MAX_UNITS);
            CHECK(!p->all_units || p->n_units == 1);
        }
        at += n + 1;
    }
    cc_principals_destroy(&t);
}

static void key_file(const char *text, size_t len)
{
    cc_curve_keypair_t kp, again;
    char err[512] = "";
    int r = cc_curve_keypair_parse(text, len, "k", &kp, err, sizeof(err));

    CHECK(r == 0 || (r == -EINVAL && err[0] == 'k'));
    if (r == 0) {
        CHECK(cc_curve_key_valid(kp.public_key) && cc_curve_key_valid(kp.secret_key));
        CHECK(cc_curve_keypair_from_secret(kp.secret_key, &again) == 0);
        CHECK(strcmp(again.public_key, kp.public_key) == 0);
    }
}

static void personal_keys(const char *text, size_t len)
{
    static const char name[] = "Nguyễn Văn An";
    cc_personal_t p = { .name = { name, sizeof(name) - 1 } }, got;
    cc_keyring_t *k = NULL;
    char err[512] = "";
    size_t n = 0;
    uint8_t *v;
    int r = cc_keyring_parse(text, len, "keys", &k, err, sizeof(err));

    CHECK(r == 0 || (r == -EINVAL && strncmp(err, "keys", 4) == 0 && k == NULL));
    if (r < 0)
        return;
    CHECK(cc_keyring_count(k) >= 1 && cc_keyring_current(k) >= 1);
    v = cc_personal_seal(k, "PA-1", &p, &n);
    CHECK(cc_personal_open(k, "PA-1", v, n, &got, NULL, NULL) == CC_PERSONAL_PLAIN);
    CHECK(got.name.len == p.name.len && memcmp(got.name.ptr, name, p.name.len) == 0);
    cc_personal_release(&got);
    free(v);
    cc_keyring_destroy(&k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;

    if (!ready && cc_personal_init() == 0)
        ready = 1;
    principals((const char *)data, size);
    key_file((const char *)data, size);
    personal_keys((const char *)data, size);
    return 0;
}
