/*
 * cc_push.c - the push engine (see cc_push.h): events streamed with a
 * window in flight, batched, resent, answered in submission order.
 *
 * Out-of-memory policy: as in the daemons (cc_mem.h), an allocation failure
 * aborts; only peer input and caller input are errors.
 */
#include "cc_push.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include "cc_client_priv.h"
#include "cc_mem.h"
#include "cc_net.h"

/* Silence (no message at all while events wait) after which a push takes
 * the daemon for away and starts pinging it. */
#define PUSH_SILENCE_MS 3000u

typedef enum { SLOT_FREE, SLOT_WAIT, SLOT_DONE } slot_state_t;

/* Events travel in batches: consecutive events waiting to be sent go in
 * one EVENT with `evs` (PROTOCOL.md §2.2), up to this many or this many
 * bytes (the request frame is at most CC_MAX_FRAME). */
#define PUSH_BATCH_EVENTS 256
#define PUSH_BATCH_BYTES (CC_MAX_FRAME - 1024)

/* One submitted event, from submission until its result is handed back.
 * Its event map is kept for resending. */
typedef struct {
    uint64_t no; /* submission number; its rid is base + no + 1 */
    uint64_t tag;
    slot_state_t state;
    cc_push_status_t status;
    bool dup;
    unsigned attempts;    /* sends */
    unsigned soft_errors; /* retryable ERRORs received */
    uint64_t seq;
    uint64_t first_us; /* first send */
    uint64_t done_us;  /* final reply */
    uint64_t due_ms;   /* next (re)send when still unanswered */
    uint64_t epoch;    /* the push's HELLO epoch at the last send */
    uint64_t msg_rid;  /* rid of the message it was last sent in */
    char eid[CC_MAX_ID + 1];
    char *body; /* the event map */
    size_t len, cap;
    bool alone;             /* nests too deep to travel in `evs` (one level deeper): sent as `ev` */
    cc_client_error_t *err; /* allocated on first need, reused */
} slot_t;

struct cc_push {
    cc_client_t *c;
    cc_push_opts_t o;
    slot_t *slots;
    uint64_t base;             /* rid of submission n is base + n */
    uint64_t head;             /* oldest submission not handed back */
    uint64_t next;             /* next submission number */
    size_t waiting;            /* slots in SLOT_WAIT */
    uint64_t next_due_ms;      /* no resend (or probe) is due before this */
    uint64_t last_progress_ms; /* an event last got its final answer (the give-up clock) */
    uint64_t alive_ms;         /* the daemon last said anything at all */
    uint64_t probe_due_ms;     /* next ping while it says nothing */
    bool silent;               /* nothing heard for a retry interval, or the connection
                                  dropped: probing */
    bool need_hello;
    bool one_by_one; /* the daemon takes no `evs` (an older one): one event per EVENT */
    uint64_t *queue; /* submission numbers waiting to be sent, ascending */
    size_t n_queued;
    size_t queued_bytes;
    uint64_t epoch; /* HELLOs said again during the push */
    int fatal;      /* sticky protocol error */
    cc_push_stats_t st;
};

int cc_client_push_begin(cc_client_t *c, const cc_push_opts_t *opts, cc_push_t **ret)
{
    cc_push_t *p;

    if (opts == NULL || opts->on_result == NULL)
        return -EINVAL;
    p = cc_xcalloc(1, sizeof(*p));
    p->c = c;
    p->o = *opts;
    if (p->o.window == 0)
        p->o.window = CC_PUSH_WINDOW;
    if (p->o.timeout_ms <= 0)
        p->o.timeout_ms = c->timeout_ms;
    if (p->o.retry_ms <= 0)
        p->o.retry_ms = p->o.timeout_ms / 3 > 0 ? p->o.timeout_ms / 3 : 1;
    if (p->o.max_attempts == 0)
        p->o.max_attempts = CC_PUSH_MAX_ATTEMPTS;
    p->slots = cc_xcalloc(p->o.window, sizeof(slot_t));
    p->queue = cc_xcalloc(p->o.window, sizeof(uint64_t));
    p->base = ++c->push_sessions << PUSH_RID_SHIFT;
    p->next_due_ms = UINT64_MAX;
    p->last_progress_ms = p->alive_ms = cc_mono_ms();
    *ret = p;
    return 0;
}

void cc_push_end(cc_push_t **self_p)
{
    cc_push_t *p = self_p ? *self_p : NULL;

    if (p == NULL)
        return;
    for (size_t i = 0; i < p->o.window; i++) {
        free(p->slots[i].body);
        free(p->slots[i].err);
    }
    free(p->slots);
    free(p->queue);
    free(p);
    *self_p = NULL;
}

size_t cc_push_in_flight(const cc_push_t *p) { return (size_t)(p->next - p->head); }

size_t cc_push_room(const cc_push_t *p) { return p->o.window - cc_push_in_flight(p); }

void cc_push_stats(const cc_push_t *p, cc_push_stats_t *ret) { *ret = p->st; }

uint64_t cc_push_idle_ms(const cc_push_t *p)
{
    return p->waiting > 0 ? cc_mono_ms() - p->last_progress_ms : 0;
}

static slot_t *slot_of(cc_push_t *p, uint64_t no) { return &p->slots[no % p->o.window]; }

/* Hand back, in submission order, every result that is complete. */
static void deliver(cc_push_t *p)
{
    while (p->head < p->next) {
        slot_t *s = slot_of(p, p->head);
        cc_push_result_t res;

        if (s->state != SLOT_DONE)
            break;
        res = (cc_push_result_t){
            .tag = s->tag,
            .status = s->status,
            .eid = s->eid[0] ? s->eid : (s->err && s->err->eid[0] ? s->err->eid : ""),
            .seq = s->seq,
            .dup = s->dup,
            .err = s->status == CC_PUSH_REJECTED ? s->err : NULL,
            .attempts = s->attempts,
            .latency_us = s->done_us && s->first_us ? s->done_us - s->first_us : 0,
        };
        p->o.on_result(p->o.ctx, &res);
        s->state = SLOT_FREE;
        p->head++;
    }
}

static void finish_slot(cc_push_t *p, slot_t *s, cc_push_status_t status)
{
    if (s->state == SLOT_WAIT)
        p->waiting--;
    if (status != CC_PUSH_TIMEOUT)
        p->last_progress_ms = cc_mono_ms();
    s->state = SLOT_DONE;
    s->status = status;
    s->done_us = cc_mono_us();
    switch (status) {
    case CC_PUSH_OK:
        s->dup ? p->st.dup++ : p->st.ok++;
        break;
    case CC_PUSH_REJECTED:
        p->st.rejected++;
        break;
    case CC_PUSH_TIMEOUT:
        p->st.timed_out++;
        break;
    }
}

/* Say HELLO again without waiting; the daemon handles messages of one
 * connection in order, so the events sent after it are under it. */
static void resend_hello(cc_push_t *p)
{
    cc_client_t *c = p->c;
    cc_enc_t pairs;

    p->need_hello = false;
    if (!c->have_hello)
        return;
    p->epoch++;
    cc_enc_init(&pairs);
    if (cc_client_encode_hello(&pairs, c->role, c->who, c->units) == 0)
        cc_client_send(c, CC_MSG_HELLO, pairs.buf.data, pairs.buf.size, NULL);
    cc_enc_deinit(&pairs);
}

/* Send slots @first .. @first + @n (consecutive submissions) in one
 * message: EVENT with `ev` for one, with `evs` for more; its rid is the
 * first event's, and event i's rid that + i. */
static void send_message(cc_push_t *p, slot_t *const *slots, size_t n, uint64_t now)
{
    cc_enc_t *e = &p->c->enc;
    uint64_t rid = p->base + slots[0]->no + 1;
    int r;

    cc_enc_reset(e);
    cc_enc_map(e, 2);
    cc_enc_kv_u64(e, "rid", rid);
    if (n == 1) {
        cc_enc_str(e, "ev");
    } else {
        cc_enc_str(e, "evs");
        cc_enc_array(e, n);
    }
    for (size_t i = 0; i < n; i++)
        cc_enc_raw(e, slots[i]->body, slots[i]->len);
    r = cc_dealer_send(p->c->sock, NULL, CC_MSG_EVENT, e->buf.data, e->buf.size, ZMQ_DONTWAIT);
    for (size_t i = 0; i < n; i++) {
        slot_t *s = slots[i];

        if (r < 0) {
            /* The queue to the daemon is full (it is away): try again
             * soon; the give-up timeout ends this if it never comes back. */
            s->due_ms = now + 10;
        } else {
            if (s->attempts == 0) {
                s->first_us = cc_mono_us();
                p->st.sent++;
            } else {
                p->st.resends++;
            }
            s->attempts++;
            s->epoch = p->epoch;
            s->msg_rid = rid;
            s->due_ms = now + (uint64_t)p->o.retry_ms;
        }
        if (s->due_ms < p->next_due_ms)
            p->next_due_ms = s->due_ms;
    }
    if (r == 0)
        p->st.messages++;
}

/* Send every queued event still waiting (HELLO first when it must be said
 * again), consecutive ones together. */
static void send_queued(cc_push_t *p, uint64_t now)
{
    slot_t *run[PUSH_BATCH_EVENTS];
    size_t n = 0, bytes = 0;

    if (p->n_queued == 0)
        return;
    if (p->need_hello)
        resend_hello(p);
    for (size_t i = 0; i < p->n_queued; i++) {
        slot_t *s = slot_of(p, p->queue[i]);

        if (s->no != p->queue[i] || s->state != SLOT_WAIT)
            continue; /* answered meanwhile */
        if (n > 0 && (p->one_by_one || s->alone || run[n - 1]->alone || n == PUSH_BATCH_EVENTS ||
                      s->no != run[n - 1]->no + 1 || bytes + s->len > PUSH_BATCH_BYTES)) {
            send_message(p, run, n, now);
            n = bytes = 0;
        }
        run[n++] = s;
        bytes += s->len;
    }
    if (n > 0)
        send_message(p, run, n, now);
    p->n_queued = p->queued_bytes = 0;
}

/* Queue slot @s to be sent with its neighbours (send_queued). */
static void queue_slot(cc_push_t *p, slot_t *s)
{
    p->queue[p->n_queued++] = s->no;
    p->queued_bytes += s->len;
    s->due_ms = UINT64_MAX; /* not due again before it is sent */
}

/* How long a daemon may say nothing at all while events wait before it is
 * taken for away: the retry interval, at most PUSH_SILENCE_MS (a long
 * --timeout must not delay noticing a restart). */
static uint64_t silence_ms(const cc_push_t *p)
{
    return (uint64_t)p->o.retry_ms < PUSH_SILENCE_MS ? (uint64_t)p->o.retry_ms : PUSH_SILENCE_MS;
}

/* The daemon has said nothing for silence_ms() while events wait, or the
 * connection dropped: it is away (restarting, unreachable). Resending every event into
 * the void would only pile copies up in the queue, so ask whether it is
 * back with one ping per probe interval instead; the first word from it
 * (wake) resends everything still unanswered. */
static void probe(cc_push_t *p, uint64_t now)
{
    cc_enc_t q;

    p->silent = true;
    if (now >= p->probe_due_ms) {
        cc_enc_init(&q);
        cc_enc_kv_str(&q, "q", "ping");
        if (cc_client_send(p->c, CC_MSG_QUERY, q.buf.data, q.buf.size, NULL) == 0)
            p->st.probes++;
        cc_enc_deinit(&q);
        p->probe_due_ms =
            now + (uint64_t)(p->o.retry_ms < CC_PUSH_PROBE_MS ? p->o.retry_ms : CC_PUSH_PROBE_MS);
    }
    p->next_due_ms = p->probe_due_ms;
}

/* The daemon speaks again after a silence: whatever it had of the events
 * in flight went down with it or with the connection (a new connection
 * has no session either), so HELLO and every unanswered event go again,
 * in order, now. Those it had stored are acknowledged as duplicates. */
static void wake(cc_push_t *p, uint64_t now)
{
    p->silent = false;
    p->st.wakes++;
    p->need_hello = true;
    for (uint64_t no = p->head; no < p->next; no++) {
        slot_t *s = slot_of(p, no);

        if (s->state == SLOT_WAIT && s->attempts > 0)
            s->due_ms = now;
    }
    p->next_due_ms = now;
}

/* Resend the events whose time has come. Whatever the reason they were
 * not answered (lost in a reconnect, the daemon restarted), the session
 * may be gone too, so HELLO goes first. */
static void resend_due(cc_push_t *p, uint64_t now)
{
    if (now < p->next_due_ms)
        return;
    if (p->waiting > 0 && (p->silent || now >= p->alive_ms + silence_ms(p))) {
        probe(p, now);
        return;
    }
    /* The queue is empty here (pump sent it before waiting): what is due
     * is queued in order, after a HELLO when one is resent. */
    send_queued(p, now);
    p->next_due_ms = UINT64_MAX;
    for (uint64_t no = p->head; no < p->next; no++) {
        slot_t *s = slot_of(p, no);

        if (s->state != SLOT_WAIT)
            continue;
        if (s->due_ms <= now) {
            if (s->attempts > 0)
                p->need_hello = true;
            queue_slot(p, s);
        } else if (s->due_ms < p->next_due_ms) {
            p->next_due_ms = s->due_ms;
        }
    }
    send_queued(p, now);
}

/* The wait before sending again after the @n-th retryable error in a row:
 * a quarter of the retry interval more each time, at most the interval. */
static uint64_t backoff_ms(const cc_push_t *p, unsigned n)
{
    uint64_t step = (uint64_t)(p->o.retry_ms / 4 + 1);

    return step * n < (uint64_t)p->o.retry_ms ? step * n : (uint64_t)p->o.retry_ms;
}

/* Errors after which the same event may succeed when sent again. A
 * not_authorized without a field is "send HELLO first": the daemon lost
 * our session (it restarted). */
static bool retryable(const cc_client_error_t *e, bool *ret_hello)
{
    *ret_hello = strcmp(e->code, "not_authorized") == 0 && e->field[0] == '\0';
    return *ret_hello || strcmp(e->code, "overloaded") == 0 || strcmp(e->code, "internal") == 0;
}

/* The slot of the event with rid @rid still waiting for its answer, or
 * NULL (a reply to a HELLO, a probe, another session, or already
 * answered: stale). */
static slot_t *waiting_slot(cc_push_t *p, uint64_t rid)
{
    uint64_t no;
    slot_t *s;

    if (rid <= p->base || rid - p->base > p->next)
        return NULL;
    no = rid - p->base - 1;
    s = slot_of(p, no);
    if (no < p->head || s->no != no || s->state != SLOT_WAIT) {
        p->st.stale++;
        return NULL;
    }
    return s;
}

/* Event @s is stored (now, or before when @dup) as record @seq. */
static void slot_stored(cc_push_t *p, slot_t *s, uint64_t seq, bool dup)
{
    s->seq = seq;
    s->dup = dup;
    finish_slot(p, s, CC_PUSH_OK);
}

/* The error of slot @s, allocated at its first need and reused. */
static cc_client_error_t *slot_err(slot_t *s)
{
    if (s->err == NULL)
        s->err = cc_xmalloc(sizeof(*s->err));
    return s->err;
}

/* Event @s was refused with @err: final, or sent again when retryable. */
static void slot_refused(cc_push_t *p, slot_t *s, const cc_client_error_t *err, uint64_t now)
{
    bool hello;

    *slot_err(s) = *err;
    /* A lost session is not the event's fault: it goes again however often
     * it happens, bounded by the give-up time (no event answered for
     * timeout_ms); overload and internal errors count towards max_attempts. */
    if (retryable(s->err, &hello) && (hello || s->soft_errors + 1 < p->o.max_attempts)) {
        s->soft_errors++;
        if (hello && s->epoch == p->epoch && !p->need_hello) {
            /* First news that the session is gone (a daemon restart, a
             * network break; HELLO was not said again since this event
             * was sent). Events sent before it and still unanswered went
             * down with the old connection, since a connection keeps its
             * order: resend them now, in order, ahead of this one, so
             * that an event never overtakes the one it depends on (a
             * transfer before its receipt). */
            p->need_hello = true;
            for (uint64_t k = p->head; k < s->no; k++) {
                slot_t *o = slot_of(p, k);

                if (o->state == SLOT_WAIT && o->attempts > 0 && o->epoch <= s->epoch)
                    o->due_ms = now;
            }
        }
        /* Back off a little on overload, and after a lost session that
         * the last HELLO did not mend; the first time, resend at once
         * (HELLO goes first). */
        s->due_ms = hello && s->soft_errors == 1
                        ? now
                        : now + backoff_ms(p, hello ? s->soft_errors - 1 : s->soft_errors);
        if (s->due_ms < p->next_due_ms)
            p->next_due_ms = s->due_ms;
        return;
    }
    finish_slot(p, s, CC_PUSH_REJECTED);
}

/* The ACK of an EVENT with `evs` sent with rid @rid: `seqs`, `dups`,
 * `errors` (PROTOCOL.md §2.2). */
static int handle_batch_ack(cc_push_t *p, const msgpack_object *body, uint64_t rid, uint64_t now)
{
    const msgpack_object *seqs = cc_map_find(body, "seqs"), *dups = cc_map_find(body, "dups");
    const msgpack_object *errors = cc_map_find(body, "errors");
    uint32_t n;

    if (seqs == NULL || seqs->type != MSGPACK_OBJECT_ARRAY ||
        (dups && dups->type != MSGPACK_OBJECT_ARRAY) ||
        (errors && errors->type != MSGPACK_OBJECT_ARRAY))
        return CC_EMALFORMED;
    n = seqs->via.array.size;
    /* Refusals first (their seq is 0), then the stored events. */
    for (uint32_t k = 0; errors && k < errors->via.array.size; k++) {
        const msgpack_object *e = &errors->via.array.ptr[k];
        cc_client_error_t err;
        uint64_t i;
        slot_t *s;

        if (cc_map_u64(e, "i", &i) < 0 || i >= n || cc_client_error_from_map(e, &err) < 0)
            return CC_EMALFORMED;
        if ((s = waiting_slot(p, rid + i)) != NULL)
            slot_refused(p, s, &err, now);
    }
    for (uint32_t i = 0; i < n; i++) {
        const msgpack_object *o = &seqs->via.array.ptr[i];
        bool dup = false;
        slot_t *s;

        if (o->type != MSGPACK_OBJECT_POSITIVE_INTEGER)
            return CC_EMALFORMED;
        if (o->via.u64 == 0 || (s = waiting_slot(p, rid + i)) == NULL)
            continue;
        for (uint32_t k = 0; dups && k < dups->via.array.size && !dup; k++)
            dup = dups->via.array.ptr[k].type == MSGPACK_OBJECT_POSITIVE_INTEGER &&
                  dups->via.array.ptr[k].via.u64 == i;
        slot_stored(p, s, o->via.u64, dup);
    }
    return 0;
}

/* An ERROR for the message sent with rid @rid: for each of its events
 * still waiting. A daemon that takes no `evs` (older) says the message
 * lacks `ev`: its events go again one by one. */
static void handle_message_error(cc_push_t *p, const cc_client_error_t *err, uint64_t rid,
                                 uint64_t now)
{
    bool older = strcmp(err->code, "bad_field") == 0 && strcmp(err->field, "ev") == 0;

    for (uint64_t no = p->head; no < p->next; no++) {
        slot_t *s = slot_of(p, no);

        if (s->state != SLOT_WAIT || s->msg_rid != rid)
            continue;
        if (older && !p->one_by_one) {
            /* Not a send of these events: they go again, as if first. */
            s->attempts--;
            if (s->attempts == 0)
                p->st.sent--;
            s->due_ms = now;
            p->next_due_ms = now;
            continue;
        }
        slot_refused(p, s, err, now);
    }
    if (older)
        p->one_by_one = true;
}

static int handle_reply(cc_push_t *p, cc_msg_t *msg, uint64_t rid, uint64_t now)
{
    cc_client_error_t err;
    slot_t *s;
    int r;

    /* Only answers to events show progress: a daemon that says HELLO
     * back but never answers events must still end in a timeout. */
    if (rid <= p->base || rid - p->base > p->next)
        return 0; /* an answer to a HELLO, a probe or another session */
    if (msg->type == CC_MSG_ACK && cc_map_find(&msg->body, "seqs"))
        return handle_batch_ack(p, &msg->body, rid, now);
    if (msg->type == CC_MSG_ERROR) {
        if ((r = cc_client_error_from_msg(msg, &err)) < 0)
            return r;
        handle_message_error(p, &err, rid, now);
        return 0;
    }
    if (msg->type != CC_MSG_ACK)
        return -EPROTO;
    if ((s = waiting_slot(p, rid)) != NULL) {
        uint64_t seq;
        bool dup = false;

        if (cc_map_u64(&msg->body, "seq", &seq) < 0)
            return CC_EMALFORMED;
        cc_map_bool(&msg->body, "dup", &dup);
        if (s->eid[0] == '\0')
            cc_client_map_copy(&msg->body, "eid", s->eid, sizeof(s->eid));
        slot_stored(p, s, seq, dup);
    }
    return 0;
}

/* The connection's news: dropped (the daemon is away: stop resending,
 * probe), or handshaken again after that (it is back: wake). */
static void connection_news(cc_push_t *p, uint64_t now)
{
    zmq_pollitem_t it = { p->c->mon, 0, ZMQ_POLLIN, 0 };

    while (zmq_poll(&it, 1, 0) > 0) {
        uint16_t event = cc_client_connection_event(p->c);

        if (event == ZMQ_EVENT_DISCONNECTED) {
            p->silent = true;
            p->next_due_ms = now;
        } else if (event == ZMQ_EVENT_HANDSHAKE_SUCCEEDED && p->silent && p->waiting > 0) {
            p->alive_ms = now;
            wake(p, now);
        }
    }
}

/* Take every reply already waiting (and wait up to @timeout_ms for the
 * first one, or for @fd). */
static int pump(cc_push_t *p, int timeout_ms, int fd, bool *ret_fd_ready)
{
    zmq_pollitem_t items[3] = { { p->c->sock, 0, ZMQ_POLLIN, 0 } };
    uint64_t now = cc_mono_ms();
    int n_items = 1, fd_item = -1;
    int r;

    items[n_items++] = (zmq_pollitem_t){ p->c->mon, 0, ZMQ_POLLIN, 0 };
    if (fd >= 0) {
        fd_item = n_items;
        items[n_items++] = (zmq_pollitem_t){ NULL, fd, ZMQ_POLLIN, 0 };
    }

    if (ret_fd_ready)
        *ret_fd_ready = false;
    if (p->fatal)
        return p->fatal;
    send_queued(p, now);
    /* Never sleep past a resend, a probe or the give-up time. */
    if (p->waiting > 0) {
        uint64_t give_up = p->last_progress_ms + (uint64_t)p->o.timeout_ms;
        uint64_t until = p->next_due_ms < give_up ? p->next_due_ms : give_up;
        int64_t left = until > now ? (int64_t)(until - now) : 0;

        if (timeout_ms < 0 || left < timeout_ms)
            timeout_ms = (int)left;
    }
    r = zmq_poll(items, n_items, timeout_ms);
    if (r < 0 && errno != EINTR)
        return -errno;
    if (r > 0 && fd_item >= 0 && (items[fd_item].revents & (ZMQ_POLLIN | ZMQ_POLLERR)) &&
        ret_fd_ready)
        *ret_fd_ready = true;
    now = cc_mono_ms();
    connection_news(p, now);
    for (;;) {
        int events = 0;
        size_t sz = sizeof(events);
        cc_msg_t msg = { 0 };
        uint64_t rid;

        if (zmq_getsockopt(p->c->sock, ZMQ_EVENTS, &events, &sz) < 0 || !(events & ZMQ_POLLIN))
            break;
        r = cc_client_recv(p->c, 0, &msg, &rid);
        if (r == -ETIMEDOUT)
            break;
        if (r < 0) {
            p->fatal = r;
            return r;
        }
        p->alive_ms = now;
        if (p->silent)
            wake(p, now);
        r = handle_reply(p, &msg, rid, now);
        cc_msg_deinit(&msg);
        if (r < 0) {
            p->fatal = r;
            return r;
        }
    }
    resend_due(p, now);
    deliver(p);
    if (p->waiting > 0 && now >= p->last_progress_ms + (uint64_t)p->o.timeout_ms)
        return -ETIMEDOUT;
    return 0;
}

int cc_push_wait(cc_push_t *p, int timeout_ms, int fd, bool *ret_fd_ready)
{
    return pump(p, timeout_ms, fd, ret_fd_ready);
}

/* Wait for room in the window, then claim the next slot. */
static int claim(cc_push_t *p, uint64_t tag, const char *eid, slot_t **ret)
{
    slot_t *s;
    int r;

    while (cc_push_room(p) == 0)
        if ((r = pump(p, -1, -1, NULL)) < 0)
            return r;
    if (p->fatal)
        return p->fatal;
    s = slot_of(p, p->next);
    s->no = p->next++;
    s->tag = tag;
    s->state = SLOT_WAIT;
    s->dup = false;
    s->seq = 0;
    s->attempts = s->soft_errors = 0;
    s->first_us = s->done_us = 0;
    if (eid)
        cc_client_copy_cut(s->eid, sizeof(s->eid), eid, strlen(eid));
    else
        s->eid[0] = '\0';
    p->st.submitted++;
    if (p->waiting++ == 0) {
        /* The give-up clock starts now, and so does the silence: a push
         * that waited for input is not a daemon that went quiet. */
        p->last_progress_ms = cc_mono_ms();
        if (!p->silent)
            p->alive_ms = p->last_progress_ms;
    }
    *ret = s;
    return 0;
}

int cc_push_submit(cc_push_t *p, uint64_t tag, const char *eid, const void *ev, size_t ev_len)
{
    cc_enc_t *e = &p->c->enc;
    char why[256];
    size_t checked;
    slot_t *s;
    int r;

    if ((r = claim(p, tag, eid, &s)) < 0)
        return r;
    cc_enc_reset(e);
    cc_enc_map(e, 2);
    cc_enc_kv_u64(e, "rid", p->base + s->no + 1);
    cc_enc_str(e, "ev");
    cc_enc_raw(e, ev, ev_len);
    if (cc_body_check(e->buf.data, e->buf.size, &cc_limits_request, why, sizeof(why)) < 0) {
        memset(slot_err(s), 0, sizeof(*s->err));
        snprintf(s->err->code, sizeof(s->err->code), "bad_request");
        snprintf(s->err->en, sizeof(s->err->en), "not sent: the event breaks the protocol: %s",
                 why);
        snprintf(s->err->vi, sizeof(s->err->vi),
                 "Không gửi: sự kiện vượt giới hạn của giao thức (kích thước, độ sâu, độ dài "
                 "chuỗi hoặc số phần tử)");
        finish_slot(p, s, CC_PUSH_REJECTED);
        deliver(p);
        return 0;
    }
    if (s->cap < ev_len) {
        s->cap = ev_len < 256 ? 256 : ev_len;
        s->body = cc_xrealloc(s->body, s->cap);
    }
    memcpy(s->body, ev, ev_len);
    s->len = ev_len;
    s->msg_rid = 0;
    /* Inside `evs` an event is one level deeper (PROTOCOL.md §2.2); its
     * size needs no check: a batch stays within PUSH_BATCH_BYTES, and one
     * alone goes as `ev`, checked above. */
    s->alone = cc_value_check(ev, ev_len, 3, &cc_limits_request, &checked, why, sizeof(why)) < 0;
    if (p->queued_bytes + ev_len > PUSH_BATCH_BYTES)
        send_queued(p, cc_mono_ms());
    queue_slot(p, s);
    /* A batch is full: send it, and take what has arrived without
     * waiting, so results flow while the caller keeps submitting. (Any
     * wait sends what is queued first.) */
    if (p->n_queued >= PUSH_BATCH_EVENTS)
        return pump(p, 0, -1, NULL);
    return 0;
}

int cc_push_local(cc_push_t *p, uint64_t tag, const char *eid, const cc_client_error_t *err)
{
    slot_t *s;
    int r;

    if ((r = claim(p, tag, eid, &s)) < 0)
        return r;
    *slot_err(s) = *err;
    finish_slot(p, s, CC_PUSH_REJECTED);
    deliver(p);
    return 0;
}

int cc_push_finish(cc_push_t *p)
{
    int r = 0;

    while (r == 0 && cc_push_in_flight(p) > 0)
        r = pump(p, -1, -1, NULL);
    if (r < 0) {
        /* Give up: every event still unanswered gets its result now. */
        for (uint64_t no = p->head; no < p->next; no++) {
            slot_t *s = slot_of(p, no);

            if (s->state == SLOT_WAIT)
                finish_slot(p, s, CC_PUSH_TIMEOUT);
        }
        deliver(p);
    }
    return r;
}
