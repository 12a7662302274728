/* Helpers shared by the unit-test programs (support.c): times, messages
 * built from short specs, principals and temporary directories.
 *
 * Each of them fails the running cmocka test (fail_msg/assert_*) when what
 * it was given cannot be used, so the tests need not check their results.
 */
#ifndef CCHC_TEST_SUPPORT_H
#define CCHC_TEST_SUPPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_auth.h"
#include "cc_codec.h"
#include "cc_store.h"

/* The Unix time of the ISO 8601 time @iso; fails the test if it is bad. */
int64_t T(const char *iso);

/* A decoded map and the buffer it was decoded from: msgpack's objects
 * borrow their strings from that buffer. */
typedef struct {
    cc_enc_t enc;
    cc_msg_t msg;
} tmsg_t;

/* Free both the decoded message and its buffer. */
void tmsg_free(tmsg_t *m);

/* Check and decode what @m->enc holds into @m->msg under @lim (NULL: the
 * defaults); fails the test if the body is refused. */
void tmsg_decode(tmsg_t *m, const cc_limits_t *lim);

/* The string @key of @map copied into @buf of @len bytes; fails the test
 * if there is none. Returns @buf. */
const char *str_of(const msgpack_object *map, const char *key, char *buf, size_t len);

/* The integer @key of @map; fails the test if there is none. */
int64_t int_of(const msgpack_object *map, const char *key);

/* The boolean @key of @map; fails the test if there is none. */
bool bool_of(const msgpack_object *map, const char *key);

/* Encode one "key=value" token as a map pair: digits become uints,
 * true/false booleans, ISO times of the time keys (at, promised, deadline,
 * now, doc_date) integers, anything else a string. */
void enc_token(cc_enc_t *e, const char *tok);

/* A principal of @role named @who, scoped to @unit (NULL: no unit). The
 * caller frees it. */
cc_principal_t *principal_of(cc_role_t role, const char *who, const char *unit);

/* The whole file @path, NUL-terminated; fails the test if it cannot be
 * read. The caller frees it. */
char *read_text_file(const char *path);

/* Make a new empty directory /tmp/<@name>-XXXXXX into @dir (@len bytes);
 * fails the test if it cannot. Returns @dir. */
char *temp_dir(char *dir, size_t len, const char *name);

/* Remove the directory @dir and everything below it. */
void rm_tree(const char *dir);

/* A TCP port free on 127.0.0.1 at the time of the call. */
int free_port(void);

/** store_open_ok - cc_store_open() of @dir with @opts (or NULL), failing the test when it fails. */
cc_store_t *store_open_ok(const char *dir, const cc_store_opts_t *opts);

/** store_dbi_ok - cc_store_dbi() of @name, failing the test when it fails. */
MDB_dbi store_dbi_ok(cc_store_t *s, const char *name);

#endif
