#include "cc_tsv.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cc_file.h"
#include "cc_mem.h"

bool cc_code_valid(const char *s, size_t max_len)
{
    size_t n = 0;

    for (; s[n]; n++) {
        char c = s[n];
        if (n >= max_len)
            return false;
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '.' || c == '_' || c == '-'))
            return false;
    }
    return n > 0;
}

void cc_tsv_init(cc_tsv_t *t, const char *name, const char *buf, size_t len)
{
    memset(t, 0, sizeof(*t));
    t->name = name;
    t->p = buf;
    t->end = buf + len;
    /* A spreadsheet may save a BOM; it is not part of the first column name. */
    if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0)
        t->p += 3;
}

static char *trim(char *s)
{
    char *e;

    while (*s == ' ')
        s++;
    e = s + strlen(s);
    while (e > s && e[-1] == ' ')
        e--;
    *e = '\0';
    return s;
}

int cc_tsv_next(cc_tsv_t *t, char *err, size_t err_len)
{
    for (;;) {
        const char *nl, *s;
        size_t n;
        char *q;

        if (t->p >= t->end)
            return 0;
        t->line++;
        nl = memchr(t->p, '\n', (size_t)(t->end - t->p));
        n = (size_t)((nl ? nl : t->end) - t->p);
        s = t->p;
        t->p = nl ? nl + 1 : t->end;
        if (n > 0 && s[n - 1] == '\r')
            n--;
        if (n > CC_TSV_MAX_LINE) {
            cc_set_error(err, err_len, "%s:%d: line longer than %d bytes", t->name, t->line,
                         CC_TSV_MAX_LINE);
            return -EINVAL;
        }
        if (!cc_utf8_valid(s, n)) {
            cc_set_error(err, err_len, "%s:%d: invalid UTF-8", t->name, t->line);
            return -EINVAL;
        }
        for (size_t i = 0; i < n; i++) {
            unsigned char c = (unsigned char)s[i];
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                cc_set_error(err, err_len, "%s:%d: control character 0x%02x", t->name, t->line, c);
                return -EINVAL;
            }
        }
        memcpy(t->buf, s, n);
        t->buf[n] = '\0';
        q = t->buf;
        while (*q == ' ' || *q == '\t')
            q++;
        if (*q == '\0' || *q == '#')
            continue;

        t->n_fields = 0;
        q = t->buf;
        for (;;) {
            char *tab = strchr(q, '\t');
            if (t->n_fields == CC_TSV_MAX_FIELDS) {
                cc_set_error(err, err_len, "%s:%d: more than %d columns", t->name, t->line,
                             CC_TSV_MAX_FIELDS);
                return -EINVAL;
            }
            if (tab)
                *tab = '\0';
            t->fields[t->n_fields++] = trim(q);
            if (!tab)
                break;
            q = tab + 1;
        }
        /* Trailing empty columns (a spreadsheet's stray tabs) carry nothing. */
        while (t->n_fields > 1 && t->fields[t->n_fields - 1][0] == '\0')
            t->n_fields--;
        return 1;
    }
}

int cc_tsv_expect_header(cc_tsv_t *t, const char *const *cols, size_t n, char *err, size_t err_len)
{
    int r = cc_tsv_expect_header_opt(t, cols, n, n, err, err_len);

    return r < 0 ? r : 0;
}

int cc_tsv_expect_header_opt(cc_tsv_t *t, const char *const *cols, size_t n, size_t n_required,
                             char *err, size_t err_len)
{
    int r = cc_tsv_next(t, err, err_len);

    if (r < 0)
        return r;
    if (r == 0) {
        cc_set_error(err, err_len, "%s:%d: missing header line", t->name, t->line);
        return -EINVAL;
    }
    for (size_t i = 0; i < n || i < t->n_fields; i++) {
        if (i >= n_required && i >= t->n_fields)
            break; /* the optional columns may be left out, from the end */
        if (i >= n || i >= t->n_fields || strcmp(t->fields[i], cols[i]) != 0) {
            char want[256] = "";
            size_t off = 0;
            for (size_t k = 0; k < n && off < sizeof(want); k++)
                off += (size_t)snprintf(want + off, sizeof(want) - off, "%s%s%s%s",
                                        k == n_required ? "[" : "", k ? "<TAB>" : "", cols[k],
                                        k + 1 == n && n > n_required ? "]" : "");
            cc_set_error(err, err_len, "%s:%d: bad header (expected %s)", t->name, t->line, want);
            return -EINVAL;
        }
    }
    return (int)(t->n_fields < n ? t->n_fields : n);
}

int cc_tsv_read_file(const char *path, char **ret_buf, size_t *ret_len)
{
    return cc_file_read(path, CC_CATALOG_MAX_FILE, ret_buf, ret_len, NULL);
}
