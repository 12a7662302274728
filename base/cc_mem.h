/*
 * cc_mem.h - the out-of-memory policy, decided once.
 *
 * A daemon that cannot allocate a few hundred bytes cannot do anything
 * useful or safe; everything acknowledged is already durable in LMDB, so
 * the policy is to log and abort, and let systemd restart the service.
 * Peer-controlled sizes are bounded before any allocation (cc_proto.h), so
 * a peer cannot trigger this path.
 */
#ifndef CC_MEM_H
#define CC_MEM_H

#include <stddef.h>

/**
 * cc_oom - log that @n bytes could not be allocated, and abort. The one
 * place that decides what out of memory does: the cc_x* helpers below call
 * it, and so does code whose allocation happens inside a library that only
 * reports failure (a msgpack zone, for instance). Never returns.
 */
_Noreturn void cc_oom(size_t n);
/** cc_xmalloc - malloc that aborts on failure. Never returns NULL. */
void *cc_xmalloc(size_t n);
/** cc_xcalloc - calloc that aborts on failure (and on overflow). */
void *cc_xcalloc(size_t count, size_t n);
/** cc_xrealloc - realloc that aborts on failure. */
void *cc_xrealloc(void *p, size_t n);
/** cc_xstrdup - strdup that aborts on failure. */
char *cc_xstrdup(const char *s);
/** cc_xstrndup - strndup that aborts on failure. */
char *cc_xstrndup(const char *s, size_t n);

#endif
