/*
 * cc_file.h - reading a whole small file (catalogs, key files, principals)
 * into memory, in one place.
 */
#ifndef CC_FILE_H
#define CC_FILE_H

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

#endif
