/*
 * cc_base.c - error buffers (see cc_base.h).
 */
#include "cc_base.h"

#include <stdio.h>
#include <string.h>

void cc_vset_error(char *err, size_t err_len, const char *fmt, va_list ap)
{
    if (err == NULL || err_len == 0)
        return;
    vsnprintf(err, err_len, fmt, ap);
}

void cc_set_error(char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cc_vset_error(err, err_len, fmt, ap);
    va_end(ap);
}

int cc_fail(int code, char *err, size_t err_len, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    cc_vset_error(err, err_len, fmt, ap);
    va_end(ap);
    return code;
}

bool cc_strn_eq(const char *s, size_t len, const char *want)
{
    /* An empty slice may have a NULL pointer: memcmp() must not see it. */
    return strlen(want) == len && (len == 0 || memcmp(s, want, len) == 0);
}
