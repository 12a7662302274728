/*
 * personal.h - the hotline's personal data at rest: callers' names and
 * phone numbers, complaint texts and answers (Luật Bảo vệ dữ liệu cá nhân,
 * NĐ 13/2023), sealed with libsodium's XChaCha20-Poly1305 (AEAD) before
 * they reach LMDB.
 *
 * Keys: a key file, one key per line, "ID HEX" (ID 1..4294967295, HEX 64
 * hexadecimal digits = 32 bytes; "#" starts a comment; each ID once). The
 * key with the highest ID seals; every key of the file opens. Rotation:
 * add a line with a higher ID and restart: what was sealed with an older
 * key is sealed again with the new one at start (cc_hotline_domain), after
 * which the old line may go. `cchc keygen --data-key=ID` prints a line.
 *
 * A stored personal value is one of:
 *   1, then name, phone, text, answer (each a big-endian u16 length and
 *      its bytes): in clear, written by versions before this module; read,
 *      and sealed at the next start;
 *   2, the key ID (big-endian u32), a 24-byte nonce, then the sealed form
 *      of the four fields (16 bytes longer): the authenticated data is the
 *      complaint id, so a value moved to another complaint does not open;
 *   3, then the time it was erased (big-endian i64): erased after the
 *      retention period or on request; nothing personal is left.
 *
 * Pure: no storage, no logging (the plaintext is personal by definition).
 */
#ifndef CC_PERSONAL_H
#define CC_PERSONAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_codec.h"

#define CC_PERSONAL_KEY_BYTES 32
#define CC_PERSONAL_MAX_KEYS 1024
#define CC_PERSONAL_FILE_MAX (1u << 20)

/* What cc_personal_open() found. */
#define CC_PERSONAL_PLAIN 0  /* data (sealed, or in clear from an older version) */
#define CC_PERSONAL_ERASED 1 /* erased: no data */

typedef struct cc_keyring cc_keyring_t;

/**
 * cc_personal_init - set libsodium up; once before anything below (it may
 * be called again). Returns 0, or -EIO when the system offers no random
 * source (nothing can be sealed then).
 */
int cc_personal_init(void);

/* The personal part of a complaint: slices of an event (@owned NULL), or
 * of the clear buffer cc_personal_open() made (@owned; release it with
 * cc_personal_release()). */
typedef struct {
    cc_str_t name, phone, text, answer;
    uint8_t *owned;
    size_t owned_len;
} cc_personal_t;

/**
 * cc_keyring_parse - read a key file's text.
 * @name: the file's name, for messages.
 * @ret: the keys; destroy with cc_keyring_destroy().
 * Returns 0, or -EINVAL with "name:line: reason" in @err.
 */
int cc_keyring_parse(const char *text, size_t len, const char *name, cc_keyring_t **ret, char *err,
                     size_t err_len);

/**
 * cc_keyring_load - read the key file @path; refused when group or others
 * may read it. Returns 0 or a negative errno with @err filled.
 */
int cc_keyring_load(const char *path, cc_keyring_t **ret, char *err, size_t err_len);

/**
 * cc_keyring_create - write a new key file @path (O_EXCL, mode 0600) with
 * one random key, ID 1, and return it loaded.
 * Returns 0 or a negative errno with @err filled (-EEXIST: it exists).
 */
int cc_keyring_create(const char *path, cc_keyring_t **ret, char *err, size_t err_len);

/** cc_keyring_destroy - wipe the keys and free; accepts NULL. */
void cc_keyring_destroy(cc_keyring_t **self_p);

/** cc_keyring_current - the ID of the key that seals. */
uint32_t cc_keyring_current(const cc_keyring_t *k);

/** cc_keyring_count - the number of keys. */
size_t cc_keyring_count(const cc_keyring_t *k);

/**
 * cc_keyring_line - a new key file line "ID HEX\n" with a random key into
 * @buf (at least 80 bytes). Returns 0, or -EINVAL for ID 0.
 */
int cc_keyring_line(uint32_t id, char *buf, size_t len);

/**
 * cc_personal_seal - the stored value of @p for complaint @id, sealed with
 * the current key (format 2).
 * @ret_len: its length. Returns a new buffer (free() it).
 */
uint8_t *cc_personal_seal(const cc_keyring_t *k, const char *id, const cc_personal_t *p,
                          size_t *ret_len);

/**
 * cc_personal_open - read a stored value of complaint @id.
 * @ret: on CC_PERSONAL_PLAIN, the fields in a buffer of their own (release
 *   it with cc_personal_release()); all empty otherwise.
 * @ret_erased_at: on CC_PERSONAL_ERASED, when; may be NULL.
 * @ret_key_id: the key it was sealed with (also on -ENOKEY: the one
 *   missing), 0 for data in clear or erased (may be NULL).
 * Returns CC_PERSONAL_PLAIN, CC_PERSONAL_ERASED, -ENOKEY (sealed with a key
 * the file does not have) or -EBADMSG (malformed, or not this complaint's,
 * or altered).
 */
int cc_personal_open(const cc_keyring_t *k, const char *id, const void *val, size_t len,
                     cc_personal_t *ret, int64_t *ret_erased_at, uint32_t *ret_key_id);

/** cc_personal_release - wipe and free @p's own buffer; empties @p. */
void cc_personal_release(cc_personal_t *p);

/** cc_personal_is_erased - whether a stored value is the erased marker. */
bool cc_personal_is_erased(const void *val, size_t len);

/**
 * cc_personal_erased - the stored value of erased data (format 3), erased
 * at @at, into @buf (9 bytes). Returns its length.
 */
size_t cc_personal_erased(uint8_t *buf, int64_t at);

/** cc_personal_plain_size - the length of the clear form of @p. */
size_t cc_personal_plain_size(const cc_personal_t *p);

#endif
