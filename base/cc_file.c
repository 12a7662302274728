/*
 * cc_file.c - reading a whole small file (see cc_file.h).
 */
#include "cc_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cc_base.h"
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

int cc_file_read_guarded(const char *path, size_t max, bool secret, const char *what,
                         char **ret_buf, size_t *ret_len, char *err, size_t err_len)
{
    mode_t loose = secret ? S_IRWXG | S_IRWXO : S_IWGRP | S_IWOTH;
    struct stat st;
    int r;

    if ((r = cc_file_read(path, max, ret_buf, ret_len, &st)) < 0)
        return cc_fail(r, err, err_len, "cannot read %s %s: %s", what, path,
                       r == -EINVAL ? "not a regular file" : strerror(-r));
    if (st.st_mode & loose) {
        memset(*ret_buf, 0, *ret_len);
        free(*ret_buf);
        *ret_buf = NULL;
        return cc_fail(-EACCES, err, err_len, "%s %s may be %s by others (mode %04o): chmod %s %s",
                       what, path, secret ? "read" : "written", (unsigned)(st.st_mode & 07777),
                       secret ? "600" : "go-w", path);
    }
    return 0;
}

int cc_file_write_new(const char *path, mode_t mode, const void *data, size_t len)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode);
    size_t at = 0;
    int r = 0;

    if (fd < 0)
        return -errno;
    if (fchmod(fd, mode) < 0)
        r = -errno;
    while (r == 0 && at < len) {
        ssize_t k = write(fd, (const char *)data + at, len - at);

        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0)
            r = -errno;
        else
            at += (size_t)k;
    }
    if (r == 0 && fsync(fd) < 0)
        r = -errno;
    if (close(fd) < 0 && r == 0)
        r = -errno;
    if (r < 0)
        unlink(path);
    return r;
}

static bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

int cc_lines_next(cc_lines_t *it, const char **ret_s, size_t *ret_n)
{
    while (it->at < it->len) {
        const char *s = it->text + it->at, *nl = memchr(s, '\n', it->len - it->at);
        size_t n = nl ? (size_t)(nl - s) : it->len - it->at, a = 0;

        it->at += n + (nl != NULL);
        it->line++;
        while (a < n && is_blank(s[a]))
            a++;
        if (a == n || s[a] == '#')
            continue;
        if (memchr(s + a, '\0', n - a))
            return -EINVAL;
        *ret_s = s + a;
        *ret_n = n - a;
        return 1;
    }
    return 0;
}
