/*
 * cc_principals.h - the principals file: who each client key is.
 *
 * With CurveZMQ (cc_security.h) a daemon knows each client by its public
 * key, and this file says whose it is. One line per key, fields separated
 * by spaces or tabs, "#" starting a comment line:
 *
 *   # public key (cchc keygen)                 role        who          units
 *   rq:rM>}U?@Lns47E1%kR.o@n%FcmmsL/@{H8]yf7    counter     quay-tp-1    X-TANPHONG
 *   Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID    supervisor  vp-ubnd      *
 *   ...                                         consumer    scoring      -
 *
 *   key    the client's CURVE public key, 40 Z85 characters
 *   role   counter, agent, contact_point, supervisor, operator, consumer
 *   who    the principal's name: 1..32 printable ASCII characters, no space
 *          (the `by` of its events; its event ids are its own, §7.3)
 *   units  unit codes separated by commas, "*" for every unit, "-" for none
 *
 * Each key appears once. A name may have several keys (a new key beside
 * the old one while a counter changes machines). The file is read at start
 * and again on SIGHUP; it must not be writable by group or others.
 */
#ifndef CC_PRINCIPALS_H
#define CC_PRINCIPALS_H

#include <stddef.h>

#include "cc_auth.h"

#define CC_PRINCIPALS_MAX 100000           /* keys in one file */
#define CC_PRINCIPALS_FILE_MAX (64u << 20) /* bytes */

typedef struct cc_principals cc_principals_t;

/**
 * cc_principals_parse - read a principals file's text.
 * @text, @len: the contents (need not be NUL-terminated).
 * @name: the file's name, for messages.
 * @ret: the table on success; destroy it with cc_principals_destroy().
 * @err, @err_len: "name:line: reason" on failure.
 * Returns 0 or -EINVAL.
 */
int cc_principals_parse(const char *text, size_t len, const char *name, cc_principals_t **ret,
                        char *err, size_t err_len);

/**
 * cc_principals_load - read the principals file @path (refused when group
 * or others may write it).
 * Returns 0 or a negative errno with @err filled.
 */
int cc_principals_load(const char *path, cc_principals_t **ret, char *err, size_t err_len);

/** cc_principals_destroy - free the table; accepts NULL. */
void cc_principals_destroy(cc_principals_t **self_p);

/**
 * cc_principals_find - the principal of public key @key (Z85), or NULL.
 * The pointer belongs to the table (its `key` is @key).
 */
const cc_principal_t *cc_principals_find(const cc_principals_t *t, const char *key);

/** cc_principals_count - the number of keys. */
size_t cc_principals_count(const cc_principals_t *t);

#endif
