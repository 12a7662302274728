/*
 * cc_push.h - the push engine: events streamed over a cc_client_t.
 *
 * The push engine (cc_client_push_begin() ...) streams EVENTs with a
 * window of N in flight, collects ACK / ERROR per event and hands the
 * results back in submission order. An event that is not answered in
 * time is sent again with the same rid and event id: the daemon keeps
 * every stored event id and acknowledges a repeat without applying it
 * again (dup), so a retry is always safe. (PROTOCOL.md §7.2 suggests a
 * new rid per send; keeping it means a late answer to the first send
 * completes the event as well as the answer to the resend would.)
 * After "Send HELLO first" (the daemon restarted or the connection was
 * re-established) it says HELLO again and resends, in order, every
 * event still unanswered. When the connection drops, or the daemon
 * says nothing at all for a retry interval (3 s at most), it is taken
 * for away (killed, restarting): nothing is resent into the void, it
 * is pinged every CC_PUSH_PROBE_MS, and when it is back (the next
 * connection's handshake, or its first word) HELLO and every
 * unanswered event go again, in order. The push gives up only when
 * no event has been answered for its timeout.
 *
 * Consecutive events waiting to be sent travel together in one EVENT
 * with `evs` (PROTOCOL.md §2.2), up to 256 or 64 KiB.
 */
#ifndef CC_PUSH_H
#define CC_PUSH_H

#include "cc_client.h"

#define CC_PUSH_WINDOW 1000
#define CC_PUSH_MAX_ATTEMPTS 5
#define CC_PUSH_PROBE_MS 500 /* ping a silent daemon this often, at most */

typedef enum {
    CC_PUSH_OK,       /* stored (ACK); dup tells whether it had been before */
    CC_PUSH_REJECTED, /* ERROR from the daemon, or refused locally */
    CC_PUSH_TIMEOUT,  /* no answer before the push gave up */
} cc_push_status_t;

/* The outcome of one submitted event, handed to the result callback. */
typedef struct {
    uint64_t tag; /* the caller's tag (e.g. its input line) */
    cc_push_status_t status;
    const char *eid;              /* event id as submitted, else as replied; "" if unknown */
    uint64_t seq;                 /* CC_PUSH_OK: log sequence number */
    bool dup;                     /* CC_PUSH_OK: the event id had been stored before */
    const cc_client_error_t *err; /* CC_PUSH_REJECTED: the reason */
    unsigned attempts;            /* times sent (0 for a local refusal) */
    uint64_t latency_us;          /* first send to final reply; 0 if none */
} cc_push_result_t;

/* Called once per submitted event, in submission order. The result and
 * what it points to are valid only during the call. */
typedef void (*cc_push_result_fn)(void *ctx, const cc_push_result_t *res);

typedef struct {
    size_t window;         /* events in flight; 0 = CC_PUSH_WINDOW */
    int retry_ms;          /* resend an unanswered event after this; 0 = timeout / 3 */
    int timeout_ms;        /* give up when no event gets its final answer (ACK
                               or refusal) for this long; 0 = the client's timeout */
    unsigned max_attempts; /* sends of one event answered with a retryable
                               error (overloaded, internal); 0 =
                               CC_PUSH_MAX_ATTEMPTS. A lost session ("Send
                               HELLO first") is retried until timeout_ms. */
    cc_push_result_fn on_result;
    void *ctx;
} cc_push_opts_t;

/* Running totals of a push (for progress and summaries). */
typedef struct {
    uint64_t submitted; /* events given to cc_push_submit / cc_push_local */
    uint64_t sent;      /* events sent at least once */
    uint64_t messages;  /* EVENT messages sent (several events each when batched) */
    uint64_t ok;        /* acknowledged, new */
    uint64_t dup;       /* acknowledged as duplicates */
    uint64_t rejected;  /* refused by the daemon or locally */
    uint64_t timed_out; /* abandoned without an answer */
    uint64_t resends;   /* retries sent */
    uint64_t stale;     /* replies to nothing in flight (late answers to retries) */
    uint64_t probes;    /* pings sent while the daemon said nothing */
    uint64_t wakes;     /* times it spoke again after a silence (all unanswered resent) */
} cc_push_stats_t;

typedef struct cc_push cc_push_t;

/**
 * cc_client_push_begin - start a push session on @c. Call
 * cc_client_hello() first (role counter for intake, agent for hotline).
 * @opts: window, timeouts, the result callback (required).
 * @ret: the session; end it with cc_push_end().
 * Returns 0 or -EINVAL.
 */
int cc_client_push_begin(cc_client_t *c, const cc_push_opts_t *opts, cc_push_t **ret);

/**
 * cc_push_submit - send one event, first waiting (and handling replies)
 * while the window is full.
 * @tag: the caller's tag, given back in the result.
 * @eid: the event id if the caller knows it (for results), or NULL.
 * @ev, @ev_len: the event, one encoded MessagePack map (the EVENT's "ev").
 * An event whose EVENT body breaks the protocol's request limits is not
 * sent: it gets a CC_PUSH_REJECTED result with code "bad_request".
 * Returns 0, -ETIMEDOUT (the daemon answered nothing for timeout_ms),
 * CC_EMALFORMED or -EPROTO (a reply broke the protocol).
 */
int cc_push_submit(cc_push_t *p, uint64_t tag, const char *eid, const void *ev, size_t ev_len);

/**
 * cc_push_local - record a result that never goes to the daemon (input the
 * caller could not turn into an event), so that it is handed back in
 * order with the others. Waits like cc_push_submit() when the window is
 * full. @err is copied.
 * Returns as cc_push_submit().
 */
int cc_push_local(cc_push_t *p, uint64_t tag, const char *eid, const cc_client_error_t *err);

/** cc_push_room - how many events can be submitted without waiting. */
size_t cc_push_room(const cc_push_t *p);

/** cc_push_in_flight - events submitted whose result was not handed back. */
size_t cc_push_in_flight(const cc_push_t *p);

/**
 * cc_push_wait - handle replies for up to @timeout_ms: deliver results,
 * resend what is overdue. Returns early when a reply was handled, or when
 * @fd (>= 0; e.g. the input) becomes readable.
 * @ret_fd_ready: whether @fd is readable (may be NULL).
 * Returns 0, -ETIMEDOUT (nothing answered for timeout_ms while events were
 * in flight), CC_EMALFORMED or -EPROTO.
 */
int cc_push_wait(cc_push_t *p, int timeout_ms, int fd, bool *ret_fd_ready);

/**
 * cc_push_finish - wait until every submitted event has its result. On
 * -ETIMEDOUT the events still unanswered are handed back as
 * CC_PUSH_TIMEOUT, so every submitted event gets exactly one result.
 * Returns 0, -ETIMEDOUT, CC_EMALFORMED or -EPROTO.
 */
int cc_push_finish(cc_push_t *p);

/**
 * cc_push_idle_ms - how long events have been waiting without any getting
 * its final answer (0 when none is in flight): a daemon away for that
 * long, or a slow one.
 */
uint64_t cc_push_idle_ms(const cc_push_t *p);

/** cc_push_stats - the running totals. */
void cc_push_stats(const cc_push_t *p, cc_push_stats_t *ret);

/** cc_push_end - free the session (results not yet handed back are lost);
 * accepts NULL. */
void cc_push_end(cc_push_t **self_p);

#endif
