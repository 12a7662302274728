/* Helpers shared by the unit-test programs; see support.h. */
#include <ftw.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "cc_time.h"
#include "support.h"

int64_t T(const char *iso)
{
    int64_t t = 0;

    if (cc_time_parse_iso(iso, &t) < 0)
        fail_msg("bad time in test: %s", iso);
    return t;
}

void tmsg_free(tmsg_t *m)
{
    cc_msg_deinit(&m->msg);
    cc_enc_deinit(&m->enc);
}

void tmsg_decode(tmsg_t *m, const cc_limits_t *lim)
{
    char why[256];

    if (cc_body_check(m->enc.buf.data, m->enc.buf.size, lim, why, sizeof(why)) < 0 ||
        cc_body_decode(m->enc.buf.data, m->enc.buf.size, lim, &m->msg, why, sizeof(why)) < 0)
        fail_msg("cannot decode: %s", why);
}

const char *str_of(const msgpack_object *map, const char *key, char *buf, size_t len)
{
    if (cc_map_strcpy(map, key, buf, len) < 0)
        fail_msg("no string '%s'", key);
    return buf;
}

int64_t int_of(const msgpack_object *map, const char *key)
{
    int64_t v;

    if (cc_map_i64(map, key, &v) < 0)
        fail_msg("no integer '%s'", key);
    return v;
}

bool bool_of(const msgpack_object *map, const char *key)
{
    bool v;

    if (cc_map_bool(map, key, &v) < 0)
        fail_msg("no boolean '%s'", key);
    return v;
}

static bool is_time_key(const char *k, size_t len)
{
    static const char *const keys[] = { "at", "promised", "deadline", "now", "doc_date" };

    for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
        if (strlen(keys[i]) == len && memcmp(keys[i], k, len) == 0)
            return true;
    return false;
}

void enc_token(cc_enc_t *e, const char *tok)
{
    const char *eq = strchr(tok, '=');
    size_t klen = (size_t)(eq - tok);
    const char *v = eq + 1;
    bool digits = *v != '\0';
    int64_t t;

    for (const char *p = v; *p; p++)
        if (*p < '0' || *p > '9')
            digits = false;
    cc_enc_strn(e, tok, klen);
    if (is_time_key(tok, klen) && !digits && cc_time_parse_iso(v, &t) == 0)
        cc_enc_i64(e, t);
    else if (strcmp(v, "true") == 0 || strcmp(v, "false") == 0)
        cc_enc_bool(e, v[0] == 't');
    else if (digits)
        cc_enc_u64(e, strtoull(v, NULL, 10));
    else
        cc_enc_str(e, v);
}

cc_principal_t *principal_of(cc_role_t role, const char *who, const char *unit)
{
    cc_principal_t *p = calloc(1, sizeof(*p) + sizeof(p->units[0]));

    assert_non_null(p);
    p->role = role;
    snprintf(p->who, sizeof(p->who), "%s", who);
    if (unit) {
        p->n_units = 1;
        snprintf(p->units[0], sizeof(p->units[0]), "%s", unit);
    }
    return p;
}

static int rm_one(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

char *temp_dir(char *dir, size_t len, const char *name)
{
    if ((size_t)snprintf(dir, len, "/tmp/%s-XXXXXX", name) >= len || mkdtemp(dir) == NULL)
        fail_msg("cannot make a temporary directory for %s", name);
    return dir;
}

void rm_tree(const char *dir) { nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS); }

char *read_text_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long len;

    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (len = ftell(f)) < 0 ||
        fseek(f, 0, SEEK_SET) != 0) {
        if (f)
            fclose(f);
        fail_msg("cannot read %s", path);
        return NULL;
    }
    buf = malloc((size_t)len + 1);
    if (buf == NULL || fread(buf, 1, (size_t)len, f) != (size_t)len)
        fail_msg("cannot read %s", path);
    buf[len] = '\0';
    fclose(f);
    return buf;
}

int free_port(void)
{
    struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    socklen_t l = sizeof(a);
    int s = socket(AF_INET, SOCK_STREAM, 0), port;

    assert_true(s >= 0);
    assert_int_equal(bind(s, (struct sockaddr *)&a, sizeof(a)), 0);
    assert_int_equal(getsockname(s, (struct sockaddr *)&a, &l), 0);
    port = ntohs(a.sin_port);
    close(s);
    return port;
}

cc_store_t *store_open_ok(const char *dir, const cc_store_opts_t *opts)
{
    cc_store_t *s = NULL;
    int r = cc_store_open(dir, opts, &s);

    if (r != 0)
        fail_msg("cc_store_open(%s): %d %s", dir, r, cc_store_strerror(r));
    assert_non_null(s);
    return s;
}

MDB_dbi store_dbi_ok(cc_store_t *s, const char *name)
{
    MDB_dbi dbi = 0;
    int r = cc_store_dbi(s, name, 0, &dbi);

    if (r != 0)
        fail_msg("cc_store_dbi(%s): %d %s", name, r, cc_store_strerror(r));
    return dbi;
}
