/*
 * cc_file.c - reading a whole small file (see cc_file.h).
 */
#include "cc_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <unistd.h>

#include "cc_mem.h"

int cc_file_read(const char *path, size_t max, char **ret_buf, size_t *ret_len, struct stat *ret_st)
{
    struct stat st;
    char *buf = NULL;
    size_t got = 0;
    int fd, r;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -errno;
    if (fstat(fd, &st) < 0) {
        r = -errno;
        goto out;
    }
    if (!S_ISREG(st.st_mode)) {
        r = -EINVAL;
        goto out;
    }
    if ((uintmax_t)st.st_size > max) {
        r = -EFBIG;
        goto out;
    }
    buf = cc_xmalloc((size_t)st.st_size + 1);
    for (;;) {
        ssize_t k;

        if (got == (size_t)st.st_size) {
            char extra;

            k = read(fd, &extra, 1);
            if (k > 0) {
                r = -EAGAIN; /* grew while reading */
                goto out;
            }
        } else {
            k = read(fd, buf + got, (size_t)st.st_size - got);
        }
        if (k < 0) {
            if (errno == EINTR)
                continue;
            r = -errno;
            goto out;
        }
        if (k == 0)
            break;
        got += (size_t)k;
    }
    buf[got] = '\0';
    *ret_buf = buf;
    *ret_len = got;
    if (ret_st)
        *ret_st = st;
    buf = NULL;
    r = 0;
out:
    free(buf);
    close(fd);
    return r;
}
