/*
 * cc_sd.c - sd_notify shim (see cc_sd.h).
 */
#include "cc_sd.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <systemd/sd-daemon.h>

void cc_sd_ready(const char *status) { sd_notifyf(0, "READY=1\nSTATUS=%s", status); }

void cc_sd_status(const char *fmt, ...)
{
    char buf[512];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    sd_notifyf(0, "STATUS=%s", buf);
}

void cc_sd_watchdog(void) { sd_notify(0, "WATCHDOG=1"); }

void cc_sd_stopping(void) { sd_notify(0, "STOPPING=1\nSTATUS=stopping"); }

void cc_sd_reloading(int begin) { sd_notify(0, begin ? "RELOADING=1" : "READY=1"); }

uint64_t cc_sd_watchdog_interval_ms(void)
{
    uint64_t usec = 0;

    if (sd_watchdog_enabled(0, &usec) <= 0)
        return 0;
    return usec / 2000;
}

void cc_sd_starting(const char *status, uint64_t extend_ms)
{
    sd_notifyf(0, "STATUS=%s\nEXTEND_TIMEOUT_USEC=%llu", status,
               (unsigned long long)extend_ms * 1000ull);
}

const char *cc_sd_credential(const char *name, char *buf, size_t len)
{
    const char *dir = getenv("CREDENTIALS_DIRECTORY");

    if (dir == NULL || *dir == '\0' || (size_t)snprintf(buf, len, "%s/%s", dir, name) >= len)
        return NULL;
    return buf;
}
