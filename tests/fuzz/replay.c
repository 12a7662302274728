/*
 * replay.c - the main() of a harness's replay program (fuzz.h): each
 * argument is a file or a directory of files, and every file is one input
 * given to LLVMFuzzerTestOneInput(). Exits non-zero if a file cannot be read
 * or nothing ran; a property violation aborts, which fails the test.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fuzz.h"

static const char *program = "replay";

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    uint8_t *buf = NULL;
    size_t cap = 0, len = 0;
    int r = -1;

    if (f == NULL) {
        fprintf(stderr, "%s: %s: %s\n", program, path, strerror(errno));
        return -1;
    }
    for (;;) {
        size_t n;

        if (len == cap) {
            uint8_t *nb;

            cap = cap ? cap * 2 : 4096;
            nb = realloc(buf, cap);
            if (nb == NULL)
                goto out;
            buf = nb;
        }
        n = fread(buf + len, 1, cap - len, f);
        len += n;
        if (n == 0)
            break;
    }
    if (ferror(f)) {
        fprintf(stderr, "%s: %s: read error\n", program, path);
        goto out;
    }
    LLVMFuzzerTestOneInput(buf, len);
    r = 0;
out:
    free(buf);
    fclose(f);
    return r;
}

static int replay_path(const char *path, unsigned *count)
{
    struct stat st;
    DIR *d;
    struct dirent *de;
    int r = 0;

    if (stat(path, &st) < 0) {
        fprintf(stderr, "%s: %s: %s\n", program, path, strerror(errno));
        return -1;
    }
    if (!S_ISDIR(st.st_mode)) {
        if (replay_file(path) < 0)
            return -1;
        (*count)++;
        return 0;
    }
    d = opendir(path);
    if (d == NULL) {
        fprintf(stderr, "%s: %s: %s\n", program, path, strerror(errno));
        return -1;
    }
    while ((de = readdir(d)) != NULL) {
        char sub[4096];

        if (de->d_name[0] == '.')
            continue;
        snprintf(sub, sizeof(sub), "%s/%s", path, de->d_name);
        if (replay_path(sub, count) < 0)
            r = -1;
    }
    closedir(d);
    return r;
}

int main(int argc, char **argv)
{
    unsigned count = 0;
    int r = 0;

    program = argv[0];
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++)
        if (replay_path(argv[i], &count) < 0)
            r = 1;
    printf("%s: %u inputs replayed\n", argv[0], count);
    if (count == 0)
        r = 1;
    return r;
}
