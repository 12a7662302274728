/*
 * fuzz_config.c - libFuzzer harness of the daemons' configuration file,
 * cchc.conf (daemons/common/cc_config.c, read with inih).
 *
 * The input is the file's text, given to cc_config_load() as
 * --config=/proc/self/fd/N (a memfd) with the daemons' own option rows
 * (CC_DAEMON_OPTIONS) and one option of every other type. Properties: the
 * result is 0 or -EINVAL with "FILE:LINE: reason" or "FILE: reason"; a
 * loaded configuration keeps every integer within its bounds; freeing it
 * leaves no string behind (cc_config_free, checked by the sanitizers).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "cc_base.h"
#include "cc_daemon.h"
#include "fuzz.h"

typedef struct {
    cc_daemon_settings_t d;
    int64_t batch_max;
    bool rebuild;
    char *publish;
} settings_t;

static const cc_option_t options[] = {
    CC_DAEMON_OPTIONS(settings_t, d, "tcp://127.0.0.1:7303"),
    { "batch_max", CC_OPT_INT, offsetof(settings_t, batch_max), "4096", 1, 65536, "" },
    { "rebuild", CC_OPT_BOOL, offsetof(settings_t, rebuild), "no", 0, 0, "" },
    { "publish", CC_OPT_STR, offsetof(settings_t, publish), NULL, 0, 0, "" },
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int fd = -1;
    char arg[64], err[1024] = "";
    char *argv[] = { CC_UNCONST("fuzz"), arg, NULL };
    settings_t set;
    int r;

    if (fd < 0 && (fd = memfd_create("cchc.conf", MFD_CLOEXEC)) < 0)
        abort();
    if (ftruncate(fd, 0) < 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
        abort();
    snprintf(arg, sizeof(arg), "--config=/proc/self/fd/%d", fd);
    memset(&set, 0, sizeof(set));
    r = cc_config_load("intake", options, CC_N(options), &set, 2, argv, err, sizeof(err));
    CHECK(r == 0 || (r == -EINVAL && strstr(err, "/proc/self/fd/") == err));
    if (r == 0) {
        CHECK(set.batch_max >= 1 && set.batch_max <= 65536);
        CHECK(set.d.tick_ms >= 10 && set.d.tick_ms <= 60000);
        CHECK(set.d.map_size_mb >= 1 && set.d.map_size_mb <= 1 << 20);
        CHECK(set.d.state_dir != NULL && set.d.log_level != NULL);
    }
    cc_config_free(options, CC_N(options), &set);
    CHECK(set.d.state_dir == NULL && set.publish == NULL);
    return 0;
}
