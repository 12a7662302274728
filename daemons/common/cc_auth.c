/*
 * cc_auth.c - principals and sessions (see cc_auth.h).
 */
#include "cc_auth.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_mem.h"

static const char *const role_names[CC_ROLE_COUNT_] = {
    [CC_ROLE_COUNTER] = "counter",
    [CC_ROLE_AGENT] = "agent",
    [CC_ROLE_CONTACT_POINT] = "contact_point",
    [CC_ROLE_SUPERVISOR] = "supervisor",
    [CC_ROLE_OPERATOR] = "operator",
    [CC_ROLE_CONSUMER] = "consumer",
};

const char *cc_role_name(cc_role_t role) { return role < CC_ROLE_COUNT_ ? role_names[role] : "?"; }

int cc_role_parse(const char *s, size_t len, cc_role_t *ret)
{
    for (int i = 0; i < CC_ROLE_COUNT_; i++)
        if (strlen(role_names[i]) == len && memcmp(role_names[i], s, len) == 0) {
            *ret = (cc_role_t)i;
            return 0;
        }
    return -EINVAL;
}

/* Unit codes are printable ASCII without spaces, like CC_T_CODE fields. */
static bool code_chars(const char *s, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if ((unsigned char)s[i] <= 0x20 || (unsigned char)s[i] >= 0x7f)
            return false;
    return true;
}

cc_principal_t *cc_principal_new(cc_role_t role, const char *who, size_t n_units)
{
    cc_principal_t *p = cc_xcalloc(1, sizeof(*p) + n_units * sizeof(p->units[0]));

    p->role = role;
    snprintf(p->who, sizeof(p->who), "%s", who);
    return p;
}

/* HELLO's fields; role and who are checked as required in plain mode only. */
static const cc_field_t hello_fields[] = {
    { "rid", CC_T_UINT, true, 0, 0 },
    { "role", CC_T_CODE, false, 0, 0 },
    { "who", CC_T_CODE, false, 0, 0 },
    { "units", CC_T_ARRAY, false, 0, CC_MAX_UNITS },
};

/* Read a HELLO: a principal with what the body gives (role and name
 * empty-handed when absent: *@ret_has_* say which were given). */
static int hello_read(const msgpack_object *body, bool identity_required, cc_principal_t **ret,
                      bool *ret_has_role, bool *ret_has_units, const char **ret_field, char *why,
                      size_t why_len)
{
    const msgpack_object *units;
    cc_principal_t *p;
    cc_str_t role = { NULL, 0 }, who = { NULL, 0 };
    size_t n = 0;
    cc_role_t r = CC_ROLE_COUNTER;

    *ret = NULL;
    if (cc_fields_check(body, hello_fields, CC_N(hello_fields), ret_field, why, why_len) < 0)
        return -EINVAL;
    *ret_has_role = cc_map_str(body, "role", &role) == 0;
    cc_map_str(body, "who", &who);
    if (identity_required && (role.ptr == NULL || who.ptr == NULL)) {
        *ret_field = role.ptr == NULL ? "role" : "who";
        snprintf(why, why_len, "field '%s' is required", *ret_field);
        return -EINVAL;
    }
    if (*ret_has_role && cc_role_parse(role.ptr, role.len, &r) < 0) {
        *ret_field = "role";
        snprintf(why, why_len,
                 "field 'role': unknown role (counter, agent, contact_point, supervisor, "
                 "operator, consumer)");
        return -EINVAL;
    }
    units = cc_map_find(body, "units");
    *ret_has_units = units != NULL && units->type != MSGPACK_OBJECT_NIL;
    if (*ret_has_units)
        n = units->via.array.size;
    p = cc_principal_new(r, "", n);
    memcpy(p->who, who.ptr ? who.ptr : "", who.len);
    for (size_t i = 0; i < n; i++) {
        const msgpack_object *u = &units->via.array.ptr[i];

        if (u->type != MSGPACK_OBJECT_STR || u->via.str.size == 0 ||
            u->via.str.size > CC_MAX_CODE || !code_chars(u->via.str.ptr, u->via.str.size)) {
            free(p);
            *ret_field = "units";
            snprintf(why, why_len,
                     "field 'units': item %zu is not a unit code of 1..%d printable ASCII bytes", i,
                     CC_MAX_CODE);
            return -EINVAL;
        }
        if (u->via.str.size == 1 && u->via.str.ptr[0] == '*')
            p->all_units = true;
        memcpy(p->units[p->n_units++], u->via.str.ptr, u->via.str.size);
    }
    *ret = p;
    return 0;
}

int cc_principal_from_hello(const msgpack_object *body, cc_principal_t **ret,
                            const char **ret_field, char *why, size_t why_len)
{
    bool has_role, has_units;

    return hello_read(body, true, ret, &has_role, &has_units, ret_field, why, why_len);
}

int cc_principal_narrow(const cc_principal_t *key_p, const msgpack_object *body,
                        cc_principal_t **ret, const char **ret_field, char *why, size_t why_len)
{
    cc_principal_t *p = NULL;
    bool has_role, has_units;
    int r;

    *ret = NULL;
    if ((r = hello_read(body, false, &p, &has_role, &has_units, ret_field, why, why_len)) < 0)
        return r;
    if (!has_role)
        p->role = key_p->role;
    if (p->who[0] == '\0')
        memcpy(p->who, key_p->who, sizeof(p->who));
    if (!has_units) {
        cc_principal_t *all = cc_principal_new(p->role, p->who, key_p->n_units);

        all->all_units = key_p->all_units;
        all->n_units = key_p->n_units;
        memcpy(all->units, key_p->units, key_p->n_units * sizeof(all->units[0]));
        free(p);
        p = all;
    }
    if (!cc_principal_within(p, key_p, ret_field)) {
        if (strcmp(*ret_field, "role") == 0)
            snprintf(why, why_len, "this key's role is %s, not %s", cc_role_name(key_p->role),
                     cc_role_name(p->role));
        else if (strcmp(*ret_field, "who") == 0)
            snprintf(why, why_len, "this key is %s's, not %s's", key_p->who, p->who);
        else
            snprintf(why, why_len, "units outside this key's scope");
        free(p);
        return -EACCES;
    }
    memcpy(p->key, key_p->key, sizeof(p->key));
    *ret = p;
    return 0;
}

bool cc_principal_within(const cc_principal_t *p, const cc_principal_t *outer,
                         const char **ret_field)
{
    *ret_field = "role";
    if (p->role != outer->role)
        return false;
    *ret_field = "who";
    if (strcmp(p->who, outer->who) != 0)
        return false;
    *ret_field = "units";
    if (outer->all_units)
        return true;
    if (p->all_units)
        return false;
    for (size_t i = 0; i < p->n_units; i++)
        if (!cc_principal_has_unit(outer, p->units[i]))
            return false;
    return true;
}

bool cc_principal_has_unit(const cc_principal_t *p, const char *unit)
{
    if (p->all_units)
        return true;
    for (size_t i = 0; i < p->n_units; i++)
        if (strcmp(p->units[i], unit) == 0)
            return true;
    return false;
}

/* Chained hashing on the routing id. Connections come and go (every `cchc`
 * run is a new one) and a ROUTER does not say when a peer leaves, so when
 * the table is full the least recently used session is dropped: if that
 * peer is still there, its next request gets "Send HELLO first" and the
 * client library says HELLO again. */
#define BUCKETS 4096

typedef struct entry {
    struct entry *next;
    uint64_t used; /* t->clock at the last lookup */
    size_t id_len;
    uint8_t id[CC_ROUTING_ID_MAX];
    cc_principal_t *p;
} entry_t;

struct cc_sessions {
    entry_t *bucket[BUCKETS];
    size_t count;
    size_t max;
    uint64_t clock;
    uint64_t evicted;
};

static size_t hash(const void *id, size_t len)
{
    const uint8_t *b = id;
    uint64_t h = 1469598103934665603ull;

    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * 1099511628211ull;
    return (size_t)(h % BUCKETS);
}

cc_sessions_t *cc_sessions_new(size_t max)
{
    cc_sessions_t *t = cc_xcalloc(1, sizeof(cc_sessions_t));

    t->max = max ? max : CC_MAX_SESSIONS;
    return t;
}

void cc_sessions_destroy(cc_sessions_t **self_p)
{
    if (self_p == NULL || *self_p == NULL)
        return;
    for (size_t i = 0; i < BUCKETS; i++) {
        entry_t *e = (*self_p)->bucket[i];

        while (e) {
            entry_t *next = e->next;

            free(e->p);
            free(e);
            e = next;
        }
    }
    free(*self_p);
    *self_p = NULL;
}

static entry_t *find(const cc_sessions_t *t, const void *id, size_t id_len)
{
    for (entry_t *e = t->bucket[hash(id, id_len)]; e; e = e->next)
        if (e->id_len == id_len && memcmp(e->id, id, id_len) == 0)
            return e;
    return NULL;
}

/* Drop the least recently used session (a full scan: it runs only when the
 * table is full, once per new connection). */
static void evict_oldest(cc_sessions_t *t)
{
    entry_t **victim = NULL;

    for (size_t b = 0; b < BUCKETS; b++)
        for (entry_t **pp = &t->bucket[b]; *pp; pp = &(*pp)->next)
            if (victim == NULL || (*pp)->used < (*victim)->used)
                victim = pp;
    if (victim) {
        entry_t *e = *victim;

        *victim = e->next;
        free(e->p);
        free(e);
        t->count--;
        t->evicted++;
    }
}

int cc_sessions_put(cc_sessions_t *t, const void *id, size_t id_len, cc_principal_t *p)
{
    entry_t *e = find(t, id, id_len);
    size_t b;

    if (id_len > sizeof(e->id)) {
        free(p);
        return -EINVAL;
    }
    if (e) {
        free(e->p);
        e->p = p;
        e->used = ++t->clock;
        return 0;
    }
    if (t->count >= t->max)
        evict_oldest(t);
    e = cc_xcalloc(1, sizeof(*e));
    e->id_len = id_len;
    memcpy(e->id, id, id_len);
    e->p = p;
    e->used = ++t->clock;
    b = hash(id, id_len);
    e->next = t->bucket[b];
    t->bucket[b] = e;
    t->count++;
    return 0;
}

cc_principal_t *cc_sessions_get(cc_sessions_t *t, const void *id, size_t id_len)
{
    entry_t *e = find(t, id, id_len);

    if (e == NULL)
        return NULL;
    e->used = ++t->clock;
    return e->p;
}

void cc_sessions_drop(cc_sessions_t *t, const void *id, size_t id_len)
{
    entry_t **pp = &t->bucket[hash(id, id_len)];

    for (; *pp; pp = &(*pp)->next) {
        entry_t *e = *pp;

        if (e->id_len == id_len && memcmp(e->id, id, id_len) == 0) {
            *pp = e->next;
            free(e->p);
            free(e);
            t->count--;
            return;
        }
    }
}

size_t cc_sessions_count(const cc_sessions_t *t) { return t->count; }

uint64_t cc_sessions_evicted(const cc_sessions_t *t) { return t->evicted; }
