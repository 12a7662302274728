/*
 * cc_sd.h - every sd_notify call of a daemon, in one shim.
 *
 * Outside systemd ($NOTIFY_SOCKET unset) each call does nothing. READY=1 is
 * sent only after sockets are bound and LMDB is open; WATCHDOG=1 from the
 * main loop's tick; STATUS= with live figures; STOPPING=1 on SIGTERM;
 * RELOADING=1 around a SIGHUP reload.
 */
#ifndef CC_SD_H
#define CC_SD_H

#include <stddef.h>
#include <stdint.h>

/** cc_sd_ready - READY=1 with a first STATUS= line. */
void cc_sd_ready(const char *status);

/** cc_sd_status - STATUS= line (printf format). */
void cc_sd_status(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/** cc_sd_watchdog - WATCHDOG=1. */
void cc_sd_watchdog(void);

/** cc_sd_stopping - STOPPING=1. */
void cc_sd_stopping(void);

/** cc_sd_reloading - RELOADING=1 (@begin) or READY=1 (end of reload). */
void cc_sd_reloading(int begin);

/**
 * cc_sd_starting - during long work before READY=1 (a rebuild): STATUS=
 * @status and EXTEND_TIMEOUT_USEC=@extend_ms, so that the service manager
 * waits that much longer (and no less) before it gives up on the start.
 */
void cc_sd_starting(const char *status, uint64_t extend_ms);

/**
 * cc_sd_watchdog_interval_ms - half of WatchdogSec in milliseconds, or 0
 * when the watchdog is not enabled for this process.
 */
uint64_t cc_sd_watchdog_interval_ms(void);

/**
 * cc_sd_credential - the path of the systemd credential @name
 * ($CREDENTIALS_DIRECTORY/@name, LoadCredential=) into @buf (@len bytes),
 * or NULL when systemd passed the daemon no credentials.
 */
const char *cc_sd_credential(const char *name, char *buf, size_t len);

#endif
