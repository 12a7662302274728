/*
 * cc_sig.h - signals as file descriptor events (signalfd).
 *
 * SIGTERM, SIGINT and SIGHUP are blocked and delivered through a signalfd
 * that the daemon's poll loop watches, so no code runs in signal context.
 * SIGPIPE is ignored.
 */
#ifndef CC_SIG_H
#define CC_SIG_H

/**
 * cc_sig_open - block the daemon's signals and return a signalfd for them.
 * Returns the descriptor or -errno.
 */
int cc_sig_open(void);

/**
 * cc_sig_take - read one pending signal from @fd without blocking.
 * Returns the signal number, 0 if none is pending.
 */
int cc_sig_take(int fd);

#endif
