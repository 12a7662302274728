/* cc_tsv: the one reader for the admin-edited catalog files (internal to the
 * catalog library; other directories should not need it).
 *
 * Format: UTF-8 text, one record per line, fields separated by TAB.  Lines whose
 * first non-blank character is '#' and blank lines are ignored.  The first record is
 * a header naming the columns.  A leading UTF-8 BOM and CR before LF are accepted.
 * Spaces around a field are trimmed.  The reader works on a memory buffer; files are
 * read into memory first (cc_tsv_read_file), so files and the embedded demo catalogs
 * go through the same parser.
 */
#ifndef CC_TSV_H
#define CC_TSV_H

#include <stdbool.h>
#include <stddef.h>

/* Limits on admin-controlled sizes. */
#define CC_TSV_MAX_LINE 4096            /* bytes per line, without the newline */
#define CC_TSV_MAX_FIELDS 16            /* columns per line */
#define CC_CATALOG_MAX_FILE (16u << 20) /* bytes per catalog file */

typedef struct {
    const char *name; /* file name used in messages, e.g. "units.tsv" */
    const char *p;    /* next unread byte */
    const char *end;
    int line; /* line number of the current record, 1-based */
    char buf[CC_TSV_MAX_LINE + 1];
    char *fields[CC_TSV_MAX_FIELDS];
    size_t n_fields;
} cc_tsv_t;

/* Starts reading buf[0..len) named name (both borrowed for the reader's life). */
void cc_tsv_init(cc_tsv_t *t, const char *name, const char *buf, size_t len);

/* Reads the next record into t->fields / t->n_fields (pointing into t->buf).
 * Returns 1 for a record, 0 at end of input, or -EINVAL with "name:line: reason"
 * in err (overlong line, too many fields, invalid UTF-8, control characters). */
int cc_tsv_next(cc_tsv_t *t, char *err, size_t err_len);

/* Reads the header record and checks that it names exactly the columns cols[0..n).
 * Returns 0 or -EINVAL with a message. */
int cc_tsv_expect_header(cc_tsv_t *t, const char *const *cols, size_t n, char *err, size_t err_len);

/* The same, for a file whose last columns cols[n_required..n) are optional:
 * the header names cols[0..k) for some k from n_required to n.
 * Returns k, or -EINVAL with a message. */
int cc_tsv_expect_header_opt(cc_tsv_t *t, const char *const *cols, size_t n, size_t n_required,
                             char *err, size_t err_len);

/* Reads a whole file (at most CC_CATALOG_MAX_FILE bytes) into a malloc'd buffer,
 * NUL-terminated; the caller frees *ret_buf.  Returns 0, -errno, or -EFBIG. */
int cc_tsv_read_file(const char *path, char **ret_buf, size_t *ret_len);

/* cc_utf8_valid() comes from the protocol codec: one UTF-8 check for the
 * whole project (it also refuses NUL). */
#include "cc_base.h"
#include "cc_codec.h"

/* true if s is a valid code: 1..max_len bytes of [A-Za-z0-9._-]. */
bool cc_code_valid(const char *s, size_t max_len);

#endif
