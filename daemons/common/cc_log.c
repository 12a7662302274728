/*
 * cc_log.c - journald or stderr logging (see cc_log.h).
 */
#include "cc_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <systemd/sd-journal.h>
#include <time.h>
#include <unistd.h>

#include "cc_time.h"

static const char *log_daemon = "cchc";
static int log_min_prio = LOG_INFO;
static bool log_journal;

void cc_log_init(const char *daemon, int min_prio)
{
    const char *js = getenv("JOURNAL_STREAM");
    unsigned long long dev, ino;
    struct stat st;

    log_daemon = daemon;
    log_min_prio = min_prio;
    log_journal = false;
    if (js && sscanf(js, "%llu:%llu", &dev, &ino) == 2 && fstat(STDERR_FILENO, &st) == 0 &&
        (unsigned long long)st.st_dev == dev && (unsigned long long)st.st_ino == ino)
        log_journal = true;
}

bool cc_log_to_journal(void) { return log_journal; }

/* Now, by the system's clock (never the test clock: a log says when things
 * really happened), as ISO 8601 in the project's zone with milliseconds:
 * "2025-03-03T09:00:00.123+07:00". */
static void stamp(char *buf, size_t len)
{
    char iso[CC_TIME_ISO_LEN];
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    if (cc_time_format_iso(ts.tv_sec, iso, sizeof(iso)) < 0 || strlen(iso) < 19) {
        snprintf(buf, len, "%lld", (long long)ts.tv_sec);
        return;
    }
    /* "YYYY-MM-DDTHH:MM:SS" + ".mmm" + the zone */
    snprintf(buf, len, "%.19s.%03ld%s", iso, ts.tv_nsec / 1000000L, iso + 19);
}

void cc_log_kv(int prio, const char *k1, const char *v1, const char *k2, const char *v2,
               const char *fmt, ...)
{
    char msg[1024], when[CC_TIME_ISO_LEN + 16];
    va_list ap;

    if (prio > log_min_prio)
        return;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    if (log_journal) {
        /* Unused pairs become harmless repeats of DAEMON. */
        sd_journal_send("MESSAGE=%s", msg, "PRIORITY=%d", prio, "SYSLOG_IDENTIFIER=cchc-%sd",
                        log_daemon, "DAEMON=%s", log_daemon, "%s=%s", k1 ? k1 : "DAEMON",
                        k1 ? v1 : log_daemon, "%s=%s", k2 ? k2 : "DAEMON", k2 ? v2 : log_daemon,
                        NULL);
        return;
    }
    stamp(when, sizeof(when));
    fprintf(stderr, "%s <%d>%s: %s", when, prio, log_daemon, msg);
    if (k1)
        fprintf(stderr, " %s=%s", k1, v1 ? v1 : "");
    if (k2)
        fprintf(stderr, " %s=%s", k2, v2 ? v2 : "");
    fputc('\n', stderr);
}
