/*
 * cc_base.h - the few things every part of cchc shares: the element count
 * of an array, printf-format checking, and the one way a function fills
 * its caller's error buffer.
 *
 * Error reporting (STYLE.md 5, 12): functions return 0 or a negative errno
 * (or a project code such as CC_EMALFORMED) and, where the caller needs a
 * sentence for the user, write it into a (char *err, size_t err_len)
 * buffer the caller owns. The caller logs or prints it once.
 *
 * Out of memory is not an error that travels: cc_mem.h aborts (the one
 * policy, decided there).
 */
#ifndef CC_BASE_H
#define CC_BASE_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The number of elements of the array @a (not of a pointer). */
#define CC_N(a) (sizeof(a) / sizeof((a)[0]))

/* The pointer @p without its const, for a C API that takes a non-const
 * pointer it does not write through (LMDB's MDB_val, jansson's iterators)
 * or to free memory a const table owns. No cast, so -Wcast-qual stays on
 * for every other place. */
#define CC_UNCONST(p)                                                                              \
    (((union {                                                                                     \
         const void *c;                                                                            \
         void *m;                                                                                  \
     }){ .c = (p) })                                                                               \
         .m)

/* Let the compiler check a printf-like function's arguments: @fmt is the
 * 1-based index of the format, @args that of the first argument. */
#define CC_PRINTF(fmt, args) __attribute__((format(printf, fmt, args)))

/**
 * cc_set_error - write the message @fmt... into @err (@err_len bytes,
 * truncated, always terminated). @err may be NULL (or @err_len 0): the
 * message is then dropped.
 */
/**
 * cc_strn_eq - whether the @len bytes at @s (not NUL-terminated; NULL when
 * @len is 0) are exactly the string @want.
 */
bool cc_strn_eq(const char *s, size_t len, const char *want);

/**
 * cc_fnv1a - FNV-1a (32 bits) of the @len bytes at @p: for in-memory hash
 * tables whose keys nobody outside chooses (else cc_idmap's keyed hash).
 */
static inline uint32_t cc_fnv1a(const void *p, size_t len)
{
    const uint8_t *b = p;
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

/* The most bytes cc_varint_put() writes. */
#define CC_VARINT_MAX 10

/** cc_varint_put - @v as an unsigned LEB128 varint at @out; its length. */
size_t cc_varint_put(uint8_t *out, uint64_t v);

/**
 * cc_varint_get - the unsigned LEB128 varint at *@p (before @end) into
 * @ret, moving *@p past it. Returns false when it is cut short or longer
 * than CC_VARINT_MAX bytes (bits past the 64th are dropped).
 */
bool cc_varint_get(const uint8_t **p, const uint8_t *end, uint64_t *ret);

/* How deep cc_msgpack_len() follows arrays and maps. */
#define CC_MSGPACK_DEPTH 64

/**
 * cc_msgpack_len - the bytes of the one MessagePack value at @p: 0 when it
 * does not fit in @len, is not well-formed (0xc1) or nests deeper than
 * CC_MSGPACK_DEPTH.
 */
size_t cc_msgpack_len(const void *p, size_t len);

void cc_set_error(char *err, size_t err_len, const char *fmt, ...) CC_PRINTF(3, 4);

/** cc_vset_error - cc_set_error() with a va_list. */
void cc_vset_error(char *err, size_t err_len, const char *fmt, va_list ap) CC_PRINTF(3, 0);

/**
 * cc_fail - cc_set_error(), then return @code: `return cc_fail(-EINVAL, err,
 * err_len, "...", ...)` refuses with a reason in one statement.
 */
int cc_fail(int code, char *err, size_t err_len, const char *fmt, ...) CC_PRINTF(4, 5);

#endif
