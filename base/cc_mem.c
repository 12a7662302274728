/*
 * cc_mem.c - allocation that aborts on failure (see cc_mem.h).
 */
#include "cc_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

_Noreturn void cc_oom(size_t n)
{
    fprintf(stderr, "<2>out of memory allocating %zu bytes; aborting\n", n);
    abort();
}

void *cc_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (!p)
        cc_oom(n);
    return p;
}

void *cc_xcalloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);

    if (!p)
        cc_oom(count * n);
    return p;
}

void *cc_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (!q)
        cc_oom(n);
    return q;
}

char *cc_xstrdup(const char *s)
{
    char *p = strdup(s);

    if (!p)
        cc_oom(strlen(s));
    return p;
}

char *cc_xstrndup(const char *s, size_t n)
{
    char *p = strndup(s, n);

    if (!p)
        cc_oom(n);
    return p;
}
