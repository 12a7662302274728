/*
 * cc_file.h - reading a whole small file (catalogs, key files, principals)
 * into memory, and walking the lines of such a text, in one place.
 */
#ifndef CC_FILE_H
#define CC_FILE_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/stat.h>

/**
 * cc_file_read - read the regular file @path whole.
 * Reads to end of file, not just the size stat() gave (an editor may be
 * writing it): a file that grows while being read is -EAGAIN.
 * @max: largest size accepted, in bytes.
 * @ret_buf: a new buffer with the contents and a terminating NUL (free()
 *   it); @ret_len: the contents' length.
 * @ret_st: the file's stat (mode, owner), or NULL.
 * Returns 0, -EINVAL (not a regular file), -EFBIG (larger than @max),
 * -EAGAIN, or -errno of open/read.
 */
int cc_file_read(const char *path, size_t max, char **ret_buf, size_t *ret_len,
                 struct stat *ret_st);

/**
 * cc_file_read_guarded - cc_file_read() of a file others must not change,
 * or (@secret) must not even read: refused when group or others may write
 * it, or (@secret) read it.
 * @what: how messages name it ("key file", "the principals file").
 * Returns 0, -EACCES for loose permissions, or cc_file_read()'s error,
 * with "cannot read WHAT PATH: reason" or "WHAT PATH may be read by others
 * (mode 0644): chmod 600 PATH" in @err. The caller wipes a secret's buffer.
 */
int cc_file_read_guarded(const char *path, size_t max, bool secret, const char *what,
                         char **ret_buf, size_t *ret_len, char *err, size_t err_len);

/**
 * cc_file_write_new - create @path (never an existing file, never through a
 * symbolic link) with @mode whatever the umask, write @len bytes of @data
 * and fsync it. On failure nothing is left at @path.
 * Returns 0 or -errno (-EEXIST when @path exists).
 */
int cc_file_write_new(const char *path, mode_t mode, const void *data, size_t len);

/* Walks the meaningful lines of a text: blank lines and lines whose first
 * non-blank character is '#' are skipped, and so are a line's leading
 * blanks (space, tab, CR). */
typedef struct {
    const char *text;
    size_t len, at;
    int line; /* number of the line last returned (1-based) */
} cc_lines_t;

/**
 * cc_lines_next - the next meaningful line: *@ret_s and *@ret_n, without
 * its leading blanks and newline (trailing blanks are the caller's).
 * Returns 1, 0 at the end, or -EINVAL for a line holding a NUL byte
 * (@it->line names it).
 */
int cc_lines_next(cc_lines_t *it, const char **ret_s, size_t *ret_n);

#endif
