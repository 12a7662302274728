/*
 * cc_mem.c - allocation that aborts on failure (see cc_mem.h).
 */
#include "cc_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *oom(size_t n)
{
    fprintf(stderr, "<2>out of memory allocating %zu bytes; aborting\n", n);
    abort();
}

void *cc_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    return p ? p : oom(n);
}

void *cc_xcalloc(size_t count, size_t n)
{
    void *p = calloc(count ? count : 1, n ? n : 1);

    return p ? p : oom(count * n);
}

void *cc_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    return q ? q : oom(n);
}

char *cc_xstrdup(const char *s)
{
    char *p = strdup(s);

    return p ? p : oom(strlen(s));
}

char *cc_xstrndup(const char *s, size_t n)
{
    char *p = strndup(s, n);

    return p ? p : oom(n);
}
