/*
 * hash.h - the hash of the keys of scoring's in-memory tables (the tally's
 * counts of a transaction, the cache of snapshots).
 */
#ifndef SC_HASH_H
#define SC_HASH_H

#include <stddef.h>
#include <stdint.h>

/** sc_hash - FNV-1a (32 bits) of the @len bytes at @key. */
static inline uint32_t sc_hash(const void *key, size_t len)
{
    const uint8_t *p = key;
    uint32_t h = 2166136261u;

    for (size_t i = 0; i < len; i++)
        h = (h ^ p[i]) * 16777619u;
    return h;
}

#endif
