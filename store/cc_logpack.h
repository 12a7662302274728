/*
 * cc_logpack.h - the compact stored form of log records.
 *
 * A log record is a MessagePack map with string keys (PROTOCOL.md "Log
 * records"); most of its bytes are the same few strings again and again:
 * the keys ("eid", "received_at", ...) and values from small sets (event
 * types, states, unit and procedure codes, senders). Stored, each such
 * string is a number into a table of strings kept in the store, so a
 * record takes about half the bytes. Readers never see the packed form:
 * cc_log_scan() and cc_log_get() unpack (cc_store.h), READ and history
 * serve records exactly as they were appended.
 *
 * Packed form:
 *   0xc1                   (a byte MessagePack never uses: a record stored
 *                          before packing, or one that could not be packed,
 *                          starts with its map header and is served as is)
 *   varint n               the pairs
 *   n times: varint code   the key, a string of the table
 *            value         0xc1 then varint code: a string of the table;
 *                          else the MessagePack value, as it was
 * The varints are unsigned LEB128. Keys are always tabled; values only
 * those of the keys named at open, and only strings of at most
 * CC_LOGPACK_STRING_MAX bytes. A record is packed only when its map and
 * strings use their shortest forms (as msgpack-c writes them), the forms
 * unpacking writes back. The table holds at most CC_LOGPACK_CODES
 * strings; past that, new strings stay in the record.
 *
 * The table: LMDB database @table, be32(code) -> the string's bytes, read
 * at open; a string added by a transaction that aborts is forgotten
 * (cc_store_follow).
 */
#ifndef CC_LOGPACK_H
#define CC_LOGPACK_H

#include <stddef.h>
#include <stdint.h>

#include "cc_store.h"

#define CC_LOGPACK_STRING_MAX 64
#define CC_LOGPACK_CODES 65536
#define CC_LOGPACK_TAG 0xc1

typedef struct cc_logpack cc_logpack_t;

/* Where a record is unpacked: the caller's, reused from call to call. */
typedef struct {
    uint8_t *data;
    size_t cap;
} cc_logpack_buf_t;

/** cc_logpack_buf_free - release @buf's memory. */
void cc_logpack_buf_free(cc_logpack_buf_t *buf);

/**
 * cc_logpack_open - the packer of a log whose table of strings is the
 * database @table of @store (created if missing).
 * @values_of: NULL-terminated names of the keys whose string values are
 *   tabled (copied).
 * Returns 0, MDB_CORRUPTED for a table that is not one, or a storage error.
 */
int cc_logpack_open(cc_store_t *store, const char *table, const char *const *values_of,
                    cc_logpack_t **ret_pack);

/** cc_logpack_close - free the packer; accepts NULL. */
void cc_logpack_close(cc_logpack_t **pack_p);

/**
 * cc_logpack_pack - the stored form of record @rec (@len bytes), adding
 * new strings to the table in @txn.
 * @ret, @ret_len: the packed record, in the packer's buffer (valid until its
 *   next call), or @rec itself when it cannot be packed (not a map of
 *   string keys, not well-formed, or not in the shortest forms), or
 *   when packing would not make it smaller.
 * Returns 0, -EINVAL for a record that starts with 0xc1 (no
 * MessagePack value does: it would read back as packed), or a storage
 * error.
 */
int cc_logpack_pack(cc_logpack_t *pack, cc_txn_t *txn, const void *rec, size_t len,
                    const void **ret, size_t *ret_len);

/**
 * cc_logpack_unpack - the record of stored form @stored (@len bytes).
 * @ret, @ret_len: the record, in @buf (valid until its next use), or
 *   @stored itself when it was not packed.
 * Returns 0 or MDB_CORRUPTED (a code not in the table, a value cut short).
 */
int cc_logpack_unpack(const cc_logpack_t *pack, const void *stored, size_t len,
                      cc_logpack_buf_t *buf, const void **ret, size_t *ret_len);

/** cc_logpack_strings - strings in the table. */
size_t cc_logpack_strings(const cc_logpack_t *pack);

#endif
