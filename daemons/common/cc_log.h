/*
 * cc_log.h - logging: journald with structured fields under systemd,
 * stderr otherwise.
 *
 * The sink is chosen once by cc_log_init(): when $JOURNAL_STREAM names the
 * device and inode of our stderr, systemd connected it to the journal and we
 * send native entries (MESSAGE, PRIORITY, DAEMON and the caller's fields;
 * journald adds the time); else lines go to stderr as
 * "2025-03-03T09:00:00.123+07:00 <6>intake: <message> [KEY=value ...]": the
 * system clock's time (never the test clock's) in ISO 8601, the syslog
 * priority, the daemon.
 * Library code does not log: it returns errors, and the caller logs once.
 * Personal data (caller names, phone numbers) is never passed here.
 */
#ifndef CC_LOG_H
#define CC_LOG_H

#include <stdbool.h>
#include <syslog.h>

/**
 * cc_log_init - choose the sink and remember the daemon's name.
 * @daemon: short name ("intake", "hotline", "scoring"); not copied.
 * @min_prio: the least important priority still logged (LOG_DEBUG ... LOG_ERR).
 */
void cc_log_init(const char *daemon, int min_prio);

/** cc_log_to_journal - whether entries go to journald. */
bool cc_log_to_journal(void);

/**
 * cc_log - log one message with up to two structured fields.
 * @prio: LOG_ERR, LOG_WARNING, LOG_NOTICE, LOG_INFO or LOG_DEBUG.
 * @k1, @v1, @k2, @v2: field names (upper case, e.g. "UNIT_CODE") and
 *   values; pass NULL for unused pairs.
 * @fmt: printf format of the human message.
 */
void cc_log_kv(int prio, const char *k1, const char *v1, const char *k2, const char *v2,
               const char *fmt, ...) __attribute__((format(printf, 6, 7)));

#define cc_log(prio, ...) cc_log_kv((prio), NULL, NULL, NULL, NULL, __VA_ARGS__)

#endif
