/*
 * cc_base.c - error buffers (see cc_base.h).
 */
#include "cc_base.h"

#include <stdint.h>
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

static uint32_t be_n(const uint8_t *p, size_t n)
{
    uint32_t v = 0;

    for (size_t i = 0; i < n; i++)
        v = (v << 8) | p[i];
    return v;
}

static size_t msgpack_len(const uint8_t *p, size_t len, unsigned depth)
{
    size_t head = 1, bytes = 0, items = 0, total;
    uint8_t b;

    if (len == 0 || depth > CC_MSGPACK_DEPTH)
        return 0;
    b = p[0];
    if (b <= 0x7f || b >= 0xe0 || b == 0xc0 || b == 0xc2 || b == 0xc3)
        return 1; /* fixint, nil, booleans */
    if ((b & 0xe0) == 0xa0) {
        bytes = b & 0x1f; /* fixstr */
    } else if ((b & 0xf0) == 0x90) {
        items = b & 0x0f; /* fixarray */
    } else if ((b & 0xf0) == 0x80) {
        items = 2 * (size_t)(b & 0x0f); /* fixmap */
    } else {
        /* head: the type byte and its length field (and an ext's type). */
        static const struct {
            uint8_t type, head, len_bytes, kind; /* kind: 0 fixed, 1 bytes, 2 items, 3 pairs */
            uint8_t fixed;
        } forms[] = {
            { 0xcc, 1, 0, 0, 1 }, { 0xcd, 1, 0, 0, 2 }, { 0xce, 1, 0, 0, 4 },  { 0xcf, 1, 0, 0, 8 },
            { 0xd0, 1, 0, 0, 1 }, { 0xd1, 1, 0, 0, 2 }, { 0xd2, 1, 0, 0, 4 },  { 0xd3, 1, 0, 0, 8 },
            { 0xca, 1, 0, 0, 4 }, { 0xcb, 1, 0, 0, 8 }, { 0xd4, 2, 0, 0, 1 },  { 0xd5, 2, 0, 0, 2 },
            { 0xd6, 2, 0, 0, 4 }, { 0xd7, 2, 0, 0, 8 }, { 0xd8, 2, 0, 0, 16 }, { 0xd9, 2, 1, 1, 0 },
            { 0xda, 3, 2, 1, 0 }, { 0xdb, 5, 4, 1, 0 }, { 0xc4, 2, 1, 1, 0 },  { 0xc5, 3, 2, 1, 0 },
            { 0xc6, 5, 4, 1, 0 }, { 0xc7, 3, 1, 1, 0 }, { 0xc8, 4, 2, 1, 0 },  { 0xc9, 6, 4, 1, 0 },
            { 0xdc, 3, 2, 2, 0 }, { 0xdd, 5, 4, 2, 0 }, { 0xde, 3, 2, 3, 0 },  { 0xdf, 5, 4, 3, 0 },
        };
        size_t i, n;

        for (i = 0; i < CC_N(forms) && forms[i].type != b; i++)
            ;
        if (i == CC_N(forms) || len < forms[i].head)
            return 0;
        head = forms[i].head;
        n = forms[i].len_bytes ? be_n(p + 1, forms[i].len_bytes) : forms[i].fixed;
        if (forms[i].kind <= 1)
            bytes = n;
        else
            items = forms[i].kind == 3 ? 2 * n : n;
    }
    if (items == 0)
        return head + bytes <= len ? head + bytes : 0;
    for (total = head; items > 0; items--) {
        size_t one = msgpack_len(p + total, len - total, depth + 1);

        if (one == 0)
            return 0;
        total += one;
    }
    return total;
}

size_t cc_msgpack_len(const void *p, size_t len) { return msgpack_len(p, len, 0); }

size_t cc_varint_put(uint8_t *out, uint64_t v)
{
    size_t n = 0;

    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

bool cc_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *ret)
{
    uint64_t v = 0;

    for (unsigned shift = 0; shift < 64 && *p < end; shift += 7) {
        uint8_t b = *(*p)++;

        v |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *ret = v;
            return true;
        }
    }
    return false;
}
