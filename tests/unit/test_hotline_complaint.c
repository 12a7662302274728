/* Unit tests of daemons/hotline/complaint.c, the pure PAKN lifecycle:
 * level deadlines and escalation on the embedded demo calendar (weekends,
 * Tết 2025, 30/4-1/5 2025, Giỗ Tổ 2025), the transition matrix, roles and
 * scope, contacts, and event parsing. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "cc_base.h"
#include "cc_auth.h"
#include "cc_catalog.h"
#include "cc_time.h"
#include "complaint.h"
#include "support.h"

static cc_catalog_t *cat;

static void assert_time(int64_t got, const char *want)
{
    char buf[40];

    if (got != T(want)) {
        cc_time_format_iso(got, buf, sizeof(buf));
        fail_msg("got %s, want %s", buf, want);
    }
}

static int setup(void **state)
{
    char err[CC_CATALOG_ERR_LEN];

    (void)state;
    return cc_catalog_load(NULL, &cat, err, sizeof(err));
}

static int teardown(void **state)
{
    (void)state;
    cc_catalog_destroy(&cat);
    return 0;
}

/* ---- Deadlines ------------------------------------------------------------------ */

static void deadline_is(int level, bool urgent, const char *start, const char *want)
{
    int64_t due = 0;

    assert_int_equal(cc_pakn_level_deadline(cat, level, urgent, T(start), &due), 0);
    assert_time(due, want);
}

static void test_level_deadlines(void **state)
{
    int64_t due;

    (void)state;
    /* Level 1: the same working day; after the 15:00 cut-off or on a day
     * off, the next working day. */
    deadline_is(1, false, "2025-03-03T10:00", "2025-03-03T17:00");
    deadline_is(1, false, "2025-03-07T16:00", "2025-03-10T17:00"); /* Fri after cut-off */
    deadline_is(1, false, "2025-03-08T09:00", "2025-03-10T17:00"); /* Saturday */
    /* 30/4, 1/5, the swapped 2/5 and the weekend: Tuesday -> next Monday. */
    deadline_is(1, false, "2025-04-29T16:00", "2025-05-05T17:00");
    /* The swapped working Saturday 26/4/2025 is a working day. */
    deadline_is(1, false, "2025-04-26T09:00", "2025-04-26T17:00");
    /* Level 2: 15 working days, the start day not counted. */
    deadline_is(2, false, "2025-03-03T10:00", "2025-03-24T17:00");
    /* Across Tết Ất Tỵ (27/1-31/1 off, Saturday 8/2 worked). */
    deadline_is(2, false, "2025-01-23T10:00", "2025-02-19T17:00");
    /* Level 3 across Giỗ Tổ (7/4/2025). */
    deadline_is(3, false, "2025-03-26T08:00", "2025-04-17T17:00");
    /* Urgent: 4 office hours, or the level's own deadline if earlier. */
    deadline_is(1, true, "2025-03-03T10:00", "2025-03-03T15:30");
    deadline_is(2, true, "2025-03-07T15:30", "2025-03-10T09:30"); /* over the weekend */
    deadline_is(2, true, "2025-04-29T16:00", "2025-05-05T10:00"); /* over 30/4-4/5 */
    deadline_is(1, true, "2025-03-03T16:30", "2025-03-04T10:30");
    /* Not a level; a year the calendar does not cover. */
    assert_int_equal(cc_pakn_level_deadline(cat, 4, false, T("2025-03-03T10:00"), &due), -EINVAL);
    assert_int_equal(cc_pakn_level_deadline(cat, 2, false, T("2019-03-03T10:00"), &due), -ERANGE);
}

static cc_pakn_t received(const char *at, bool urgent)
{
    cc_pakn_t p;

    memset(&p, 0, sizeof(p));
    p.version = CC_PAKN_VERSION;
    p.state = CC_PAKN_RECEIVED;
    p.level = 1;
    p.urgent = urgent;
    p.received_at = p.level_at = p.last_at = T(at);
    assert_int_equal(cc_pakn_level_deadline(cat, 1, urgent, T(at), &p.due_at), 0);
    return p;
}

static void test_escalation(void **state)
{
    cc_pakn_t p = received("2025-03-03T10:00", false);
    int64_t at = 0;

    (void)state;
    /* At the deadline itself nothing passed yet. */
    assert_int_equal(cc_pakn_escalate(cat, &p, T("2025-03-03T17:00"), &at), 0);
    assert_int_equal(p.level, 1);
    /* One second later: level 2, started when level 1 ran out (17:00,
     * after the cut-off: counted from Tuesday). */
    assert_int_equal(cc_pakn_escalate(cat, &p, T("2025-03-03T17:00:01"), &at), CC_PAKN_ESCALATED);
    assert_time(at, "2025-03-03T17:00");
    assert_int_equal(p.level, 2);
    assert_time(p.level_at, "2025-03-03T17:00");
    assert_time(p.due_at, "2025-03-25T17:00");
    assert_int_equal(cc_pakn_escalate(cat, &p, T("2025-03-25T17:00"), &at), 0);
    /* Level 3 over Giỗ Tổ (Monday 7/4/2025). */
    assert_int_equal(cc_pakn_escalate(cat, &p, T("2025-04-20T00:00"), &at), 1);
    assert_time(at, "2025-03-25T17:00");
    assert_int_equal(p.level, 3);
    assert_time(p.due_at, "2025-04-17T17:00");
    assert_int_equal(p.escalations, 2);
    /* Level 3 is the last: its deadline passing marks the complaint
     * overdue, once, at the deadline; the level and deadline stay. */
    assert_true(cc_pakn_timed(&p));
    assert_int_equal(cc_pakn_escalate(cat, &p, T("2025-04-17T17:00"), &at), 0);
    assert_int_equal(cc_pakn_escalate(cat, &p, T("2025-06-01T00:00"), &at), CC_PAKN_OVERDUE);
    assert_time(at, "2025-04-17T17:00");
    assert_int_equal(p.overdue, 1);
    assert_int_equal(p.level, 3);
    assert_time(p.due_at, "2025-04-17T17:00");
    assert_int_equal(p.escalations, 2);
    assert_false(cc_pakn_timed(&p));
    assert_int_equal(cc_pakn_escalate(cat, &p, T("2025-07-01T00:00"), &at), 0);

    /* Answered complaints do not escalate. */
    p = received("2025-03-03T10:00", false);
    p.state = CC_PAKN_ANSWERED;
    assert_int_equal(cc_pakn_escalate(cat, &p, T("2025-03-04T08:00"), &at), 0);
    p.state = CC_PAKN_FORWARDED;
    assert_int_equal(cc_pakn_escalate(cat, &p, T("2025-03-04T08:00"), &at), 0);

    /* Urgent: escalated after 4 office hours over a weekend, then 4 more. */
    p = received("2025-03-07T15:30", true); /* level 1: min(Mon 17:00, Mon 09:30) */
    assert_time(p.due_at, "2025-03-10T09:30");
    assert_int_equal(cc_pakn_escalate(cat, &p, T("2025-03-10T09:31"), &at), 1);
    assert_int_equal(p.level, 2);
    assert_time(p.due_at, "2025-03-10T15:00"); /* 09:30-11:30, 13:00-15:00 */
    /* Received before Tết: level 1 runs out Friday 24/1, level 2 at once
     * counts over the holiday. */
    p = received("2025-01-24T10:00", false);
    assert_int_equal(cc_pakn_escalate(cat, &p, T("2025-02-01T00:00"), &at), 1);
    assert_time(p.due_at, "2025-02-21T17:00"); /* from Mon 3/2, Sat 8/2 worked */
}

/* ---- Events -------------------------------------------------------------------------- */

static cc_hotline_event_t ev_of(cc_hotline_event_kind_t kind, const char *at)
{
    cc_hotline_event_t e;

    memset(&e, 0, sizeof(e));
    e.kind = kind;
    e.at = T(at);
    snprintf(e.pakn, sizeof(e.pakn), "PAKN-1");
    switch (kind) {
    case CC_HEV_PAKN_RECEIVED:
        e.text = (cc_str_t){ "Hồ sơ trễ hạn", strlen("Hồ sơ trễ hạn") };
        break;
    case CC_HEV_PAKN_CLASSIFIED:
        e.category = CC_CATEGORY_CONDUCT;
        break;
    case CC_HEV_PAKN_ASSIGNED:
        snprintf(e.unit, sizeof(e.unit), "TTHCC");
        break;
    case CC_HEV_PAKN_FORWARDED:
        snprintf(e.outside, sizeof(e.outside), "Bộ Tư pháp");
        break;
    case CC_HEV_PAKN_ANSWERED:
        e.answer = (cc_str_t){ "Đã xử lý", strlen("Đã xử lý") };
        break;
    case CC_HEV_PAKN_REFUSED:
        e.refusal = CC_REFUSAL_NOT_PAKN;
        break;
    default:
        break;
    }
    return e;
}

static cc_pakn_t in_state(cc_pakn_state_t s)
{
    cc_pakn_t p = received("2025-03-03T08:00", false);

    p.state = (uint8_t)s;
    p.category = s == CC_PAKN_RECEIVED ? CC_CATEGORY_NONE : CC_CATEGORY_PROCEDURE;
    if (s >= CC_PAKN_ASSIGNED && s <= CC_PAKN_CLOSED)
        snprintf(p.unit, sizeof(p.unit), "SO-TP");
    if (s >= CC_PAKN_ANSWERED && s <= CC_PAKN_CLOSED)
        p.answered_at = T("2025-03-03T08:30");
    if (s == CC_PAKN_FORWARDED)
        snprintf(p.outside, sizeof(p.outside), "Bộ Công an");
    return p;
}

/* The whole matrix: every lifecycle event in every state. */
static void test_transition_matrix(void **state)
{
    static const cc_hotline_event_kind_t events[] = {
        CC_HEV_PAKN_RECEIVED, CC_HEV_PAKN_CLASSIFIED, CC_HEV_PAKN_ASSIGNED,  CC_HEV_PAKN_FORWARDED,
        CC_HEV_PAKN_ACCEPTED, CC_HEV_PAKN_ANSWERED,   CC_HEV_PAKN_PUBLISHED, CC_HEV_PAKN_CLOSED,
        CC_HEV_PAKN_REOPENED, CC_HEV_PAKN_REFUSED,
    };
    /* Resulting state, or NONE when the event is refused (illegal_transition;
     * unknown_complaint from NONE). Columns in the order of events[]. */
    static const uint8_t next[CC_PAKN_STATE_COUNT_][10] = {
        [CC_PAKN_NONE] = { CC_PAKN_RECEIVED, 0, 0, 0, 0, 0, 0, 0, 0 },
        [CC_PAKN_RECEIVED] = { 0, CC_PAKN_CLASSIFIED, 0, CC_PAKN_FORWARDED, 0, 0, 0, 0, 0,
                               CC_PAKN_REFUSED },
        [CC_PAKN_CLASSIFIED] = { 0, CC_PAKN_CLASSIFIED, CC_PAKN_ASSIGNED, CC_PAKN_FORWARDED, 0,
                                 CC_PAKN_ANSWERED, 0, 0, 0, CC_PAKN_REFUSED },
        [CC_PAKN_ASSIGNED] = { 0, 0, CC_PAKN_ASSIGNED, 0, CC_PAKN_ACCEPTED, 0, 0, 0, 0 },
        [CC_PAKN_ACCEPTED] = { 0, 0, 0, 0, 0, CC_PAKN_ANSWERED, 0, 0, 0 },
        [CC_PAKN_ANSWERED] = { 0, 0, 0, 0, 0, 0, CC_PAKN_PUBLISHED, 0, CC_PAKN_ASSIGNED },
        [CC_PAKN_PUBLISHED] = { 0, 0, 0, 0, 0, 0, 0, CC_PAKN_CLOSED, CC_PAKN_ASSIGNED },
        [CC_PAKN_CLOSED] = { 0, 0, 0, 0, 0, 0, 0, 0, CC_PAKN_ASSIGNED },
        [CC_PAKN_FORWARDED] = { 0, 0, 0, 0, 0, 0, 0, CC_PAKN_CLOSED, 0 },
        [CC_PAKN_REFUSED] = { 0 }, /* final */
    };
    size_t checked = 0;

    (void)state;
    for (int s = 0; s < CC_PAKN_STATE_COUNT_; s++) {
        for (size_t e = 0; e < CC_N(events); e++) {
            cc_pakn_t p = s == CC_PAKN_NONE ? (cc_pakn_t){ 0 } : in_state((cc_pakn_state_t)s);
            cc_pakn_t before = p;
            cc_hotline_event_t ev = ev_of(events[e], "2025-03-03T09:00");
            cc_hotline_outcome_t out;
            cc_reject_t rej = { 0 };
            int r = cc_pakn_apply(cat, &p, &ev, NULL, T("2025-03-03T09:00"), &out, &rej);

            if (next[s][e] == 0) {
                cc_err_t want = s == CC_PAKN_NONE                   ? CC_ERR_UNKNOWN_COMPLAINT
                                : events[e] == CC_HEV_PAKN_RECEIVED ? CC_ERR_ILLEGAL_TRANSITION
                                                                    : CC_ERR_ILLEGAL_TRANSITION;

                if (r != 1 || rej.code != want)
                    fail_msg("%s in state %s: want %s, got %s",
                             cc_vocab_name(&cc_hotline_events, events[e]),
                             cc_vocab_name(&cc_pakn_states, (cc_pakn_state_t)s), cc_err_name(want),
                             r == 0 ? "accepted" : cc_err_name(rej.code));
                assert_true(rej.vi[0] && rej.en[0]);
                assert_memory_equal(&p, &before, sizeof(p));
            } else {
                if (r != 0)
                    fail_msg("%s in state %s: refused: %s",
                             cc_vocab_name(&cc_hotline_events, events[e]),
                             cc_vocab_name(&cc_pakn_states, (cc_pakn_state_t)s), rej.en);
                assert_int_equal(p.state, next[s][e]);
                assert_int_equal(p.last_at, ev.at);
            }
            checked++;
        }
    }
    assert_int_equal(checked, CC_PAKN_STATE_COUNT_ * CC_N(events));
}

static void test_lifecycle_effects(void **state)
{
    cc_hotline_event_t ev;
    cc_hotline_outcome_t out;
    cc_reject_t rej;
    cc_pakn_t p;
    int64_t now = T("2025-06-01T00:00");

    (void)state;
    /* Assignment starts level 2 from the assignment. */
    p = in_state(CC_PAKN_CLASSIFIED);
    ev = ev_of(CC_HEV_PAKN_ASSIGNED, "2025-03-03T10:00");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, now, &out, &rej), 0);
    assert_int_equal(p.level, 2);
    assert_time(p.due_at, "2025-03-24T17:00");
    /* Reassignment to another unit keeps level and deadline. */
    ev = ev_of(CC_HEV_PAKN_ASSIGNED, "2025-03-04T10:00");
    snprintf(ev.unit, sizeof(ev.unit), "SO-TP");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, now, &out, &rej), 0);
    assert_string_equal(p.unit, "SO-TP");
    assert_time(p.due_at, "2025-03-24T17:00");
    /* Unknown unit, a unit abolished on 1/7/2025, the same unit again. */
    ev = ev_of(CC_HEV_PAKN_ASSIGNED, "2025-03-05T10:00");
    snprintf(ev.unit, sizeof(ev.unit), "NO-SUCH");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, now, &out, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_UNKNOWN_UNIT);
    p = in_state(CC_PAKN_CLASSIFIED);
    p.last_at = 0;
    ev = ev_of(CC_HEV_PAKN_ASSIGNED, "2025-07-02T10:00");
    snprintf(ev.unit, sizeof(ev.unit), "H-BIENHOA");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, T("2025-07-02T10:00"), &out, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_UNIT_NOT_VALID);

    /* Answer on time / late against the current level's deadline. */
    p = in_state(CC_PAKN_CLASSIFIED); /* level 1, due 3/3 17:00 */
    ev = ev_of(CC_HEV_PAKN_ANSWERED, "2025-03-03T17:00");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, now, &out, &rej), 0);
    assert_int_equal(p.on_time, 1);
    p = in_state(CC_PAKN_CLASSIFIED);
    ev = ev_of(CC_HEV_PAKN_ANSWERED, "2025-03-03T17:00:01");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, now, &out, &rej), 0);
    assert_int_equal(p.on_time, 2);
    /* Publication within 2 working days of the answer (Fri -> Tue). */
    p.answered_at = T("2025-03-07T10:00");
    ev = ev_of(CC_HEV_PAKN_PUBLISHED, "2025-03-11T17:00");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, now, &out, &rej), 0);
    assert_int_equal(p.pub_late, 1);
    assert_true(out.publishes);
    p.state = CC_PAKN_ANSWERED;
    ev = ev_of(CC_HEV_PAKN_PUBLISHED, "2025-03-12T08:00");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, now, &out, &rej), 0);
    assert_int_equal(p.pub_late, 2);
    /* Reopened: a new round at the same level, counted. */
    ev = ev_of(CC_HEV_PAKN_REOPENED, "2025-03-13T09:00");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, now, &out, &rej), 0);
    assert_int_equal(p.state, CC_PAKN_CLASSIFIED); /* no unit: the hotline again */
    assert_int_equal(p.reopened, 1);
    assert_int_equal(p.on_time, 0);
    assert_time(p.due_at, "2025-03-13T17:00");
    /* Refused: in time within 2 working days of receipt (Mon 3/3 08:00 ->
     * Wed 5/3 17:00), else late; final, and no longer open. */
    p = in_state(CC_PAKN_CLASSIFIED);
    ev = ev_of(CC_HEV_PAKN_REFUSED, "2025-03-05T17:00");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, now, &out, &rej), 0);
    assert_int_equal(p.state, CC_PAKN_REFUSED);
    assert_int_equal(p.refusal, CC_REFUSAL_NOT_PAKN);
    assert_int_equal(p.ref_late, 1);
    assert_false(cc_pakn_open(&p));
    assert_false(cc_pakn_timed(&p));
    p = in_state(CC_PAKN_RECEIVED);
    ev = ev_of(CC_HEV_PAKN_REFUSED, "2025-03-05T17:00:01");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, now, &out, &rej), 0);
    assert_int_equal(p.ref_late, 2);
    /* Overdue at level 3, then reopened: a new round, watched again. */
    p = in_state(CC_PAKN_ANSWERED);
    p.level = 3;
    p.overdue = 1;
    ev = ev_of(CC_HEV_PAKN_REOPENED, "2025-03-13T09:00");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, now, &out, &rej), 0);
    assert_int_equal(p.overdue, 0);
    assert_true(cc_pakn_timed(&p));
    assert_time(p.due_at, "2025-04-03T17:00");
    /* Forwarded: in time within 5 working days of receipt, else late; a
     * forwarded complaint is not reopened. */
    p = in_state(CC_PAKN_RECEIVED); /* received Mon 3/3 08:00 */
    ev = ev_of(CC_HEV_PAKN_FORWARDED, "2025-03-11T09:00");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, now, &out, &rej), 0);
    assert_int_equal(p.fwd_late, 2);
    assert_string_equal(p.outside, "Bộ Tư pháp");
    p.state = CC_PAKN_CLOSED;
    ev = ev_of(CC_HEV_PAKN_REOPENED, "2025-03-12T09:00");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, now, &out, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_ILLEGAL_TRANSITION);
}

static void test_time_rules(void **state)
{
    cc_hotline_event_t ev;
    cc_hotline_outcome_t out;
    cc_reject_t rej;
    cc_pakn_t p;

    (void)state;
    memset(&p, 0, sizeof(p));
    ev = ev_of(CC_HEV_PAKN_RECEIVED, "2025-03-03T10:10");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, T("2025-03-03T10:00"), &out, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_FUTURE_EVENT);
    p = in_state(CC_PAKN_RECEIVED);
    ev = ev_of(CC_HEV_PAKN_CLASSIFIED, "2025-03-03T07:00");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, T("2025-03-04T00:00"), &out, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_BEFORE_PREVIOUS);
    /* A second receipt is refused whatever its time. */
    ev = ev_of(CC_HEV_PAKN_RECEIVED, "2025-03-02T07:00");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, T("2025-03-04T00:00"), &out, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_ILLEGAL_TRANSITION);
    /* No calendar for 2019. */
    memset(&p, 0, sizeof(p));
    ev = ev_of(CC_HEV_PAKN_RECEIVED, "2019-03-04T10:00");
    assert_int_equal(cc_pakn_apply(cat, &p, &ev, NULL, T("2019-03-04T10:00"), &out, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_CALENDAR_NOT_COVERED);
    assert_int_equal(p.state, CC_PAKN_NONE);
}

/* ---- Roles and scope ------------------------------------------------------------------- */

static void test_authorize(void **state)
{
    cc_principal_t *agent = principal_of(CC_ROLE_AGENT, "tdv-01", NULL);
    cc_principal_t *cp_tp = principal_of(CC_ROLE_CONTACT_POINT, "daumoi-sotp", "SO-TP");
    cc_principal_t *cp_hcc = principal_of(CC_ROLE_CONTACT_POINT, "daumoi-tthcc", "TTHCC");
    cc_principal_t *sup = principal_of(CC_ROLE_SUPERVISOR, "vp-ubnd", "SO-TP");
    cc_pakn_t assigned = in_state(CC_PAKN_ASSIGNED), accepted = in_state(CC_PAKN_ACCEPTED);
    cc_pakn_t classified = in_state(CC_PAKN_CLASSIFIED);
    cc_hotline_event_t ev;
    cc_reject_t rej;

    (void)state;
    ev = ev_of(CC_HEV_PAKN_ACCEPTED, "2025-03-03T09:00");
    assert_int_equal(cc_hotline_authorize(cp_tp, &assigned, &ev, &rej), 0);
    assert_int_equal(cc_hotline_authorize(cp_hcc, &assigned, &ev, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_NOT_AUTHORIZED);
    assert_int_equal(cc_hotline_authorize(agent, &assigned, &ev, &rej), 1);
    assert_int_equal(cc_hotline_authorize(sup, &assigned, &ev, &rej), 1);
    ev = ev_of(CC_HEV_PAKN_ANSWERED, "2025-03-03T09:00");
    assert_int_equal(cc_hotline_authorize(cp_tp, &accepted, &ev, &rej), 0);
    assert_int_equal(cc_hotline_authorize(cp_hcc, &accepted, &ev, &rej), 1);
    assert_int_equal(cc_hotline_authorize(agent, &accepted, &ev, &rej), 1);
    assert_int_equal(cc_hotline_authorize(agent, &classified, &ev, &rej), 0);
    assert_int_equal(cc_hotline_authorize(cp_tp, &classified, &ev, &rej), 1);
    /* Contact points do nothing else. */
    ev = ev_of(CC_HEV_PAKN_CLOSED, "2025-03-03T09:00");
    assert_int_equal(cc_hotline_authorize(cp_tp, &accepted, &ev, &rej), 1);
    assert_int_equal(cc_hotline_authorize(agent, &accepted, &ev, &rej), 0);
    ev = ev_of(CC_HEV_PAKN_REFUSED, "2025-03-03T09:00");
    assert_int_equal(cc_hotline_authorize(cp_tp, &assigned, &ev, &rej), 1);
    assert_int_equal(cc_hotline_authorize(agent, &classified, &ev, &rej), 0);
    ev = ev_of(CC_HEV_CONTACT, "2025-03-03T09:00");
    assert_int_equal(cc_hotline_authorize(cp_tp, &(cc_pakn_t){ 0 }, &ev, &rej), 1);
    snprintf(ev.agent, sizeof(ev.agent), "tdv-02");
    assert_int_equal(cc_hotline_authorize(agent, &(cc_pakn_t){ 0 }, &ev, &rej), 1);
    assert_string_equal(rej.field, "agent");
    snprintf(ev.agent, sizeof(ev.agent), "tdv-01");
    assert_int_equal(cc_hotline_authorize(agent, &(cc_pakn_t){ 0 }, &ev, &rej), 0);
    free(agent);
    free(cp_tp);
    free(cp_hcc);
    free(sup);
}

static void test_contacts(void **state)
{
    cc_principal_t *agent = principal_of(CC_ROLE_AGENT, "tdv-01", NULL);
    cc_hotline_event_t ev = ev_of(CC_HEV_CONTACT, "2025-03-03T09:00");
    int64_t now = T("2025-03-03T10:00");
    cc_contact_t c, before;
    cc_reject_t rej;

    (void)state;
    memset(&c, 0, sizeof(c));
    ev.ctype = CC_CTYPE_POSTAL;
    ev.closed = true;
    assert_int_equal(cc_contact_apply(cat, &c, &ev, agent, now, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_ILLEGAL_TRANSITION);
    assert_false(c.exists);
    ev.ctype = CC_CTYPE_PAKN;
    assert_int_equal(cc_contact_apply(cat, &c, &ev, agent, now, &rej), 1);
    ev.ctype = CC_CTYPE_GUIDANCE;
    snprintf(ev.unit, sizeof(ev.unit), "NO-SUCH");
    assert_int_equal(cc_contact_apply(cat, &c, &ev, agent, now, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_UNKNOWN_UNIT);
    snprintf(ev.unit, sizeof(ev.unit), "SO-TP");
    assert_int_equal(cc_contact_apply(cat, &c, &ev, agent, now, &rej), 0);
    assert_true(c.exists && c.closed);
    assert_string_equal(c.agent, "tdv-01");
    before = c;
    assert_int_equal(cc_contact_apply(cat, &c, &ev, agent, now, &rej), 1);
    assert_memory_equal(&c, &before, sizeof(c));
    ev = ev_of(CC_HEV_CONTACT_CLOSED, "2025-03-03T09:30");
    assert_int_equal(cc_contact_apply(cat, &c, &ev, agent, now, &rej), 1); /* closed already */
    memset(&c, 0, sizeof(c));
    assert_int_equal(cc_contact_apply(cat, &c, &ev, agent, now, &rej), 1);
    assert_int_equal(rej.code, CC_ERR_BAD_FIELD); /* unknown contact */
    free(agent);
}

/* ---- Parsing ------------------------------------------------------------------------------ */

/* Encode "key=value" pairs (value "true"/"false" -> bool, digits -> uint). */
static void build(tmsg_t *m, const char *type, const char *const *kv, size_t n)
{
    char why[256];

    cc_enc_init(&m->enc);
    cc_enc_map(&m->enc, 3 + n);
    cc_enc_kv_str(&m->enc, "eid", strcmp(type, "reserved") ? "e-1" : "esc:P:2");
    cc_enc_kv_str(&m->enc, "type", strcmp(type, "reserved") ? type : "pakn_closed");
    cc_enc_kv_i64(&m->enc, "at", T("2025-03-03T09:00"));
    for (size_t i = 0; i < n; i++) {
        const char *eq = strchr(kv[i], '=');
        const char *v = eq + 1;

        cc_enc_strn(&m->enc, kv[i], (size_t)(eq - kv[i]));
        if (!strcmp(v, "true") || !strcmp(v, "false"))
            cc_enc_bool(&m->enc, v[0] == 't');
        else if (v[0] >= '0' && v[0] <= '9' && strspn(v, "0123456789") == strlen(v))
            cc_enc_u64(&m->enc, strtoull(v, NULL, 10));
        else
            cc_enc_str(&m->enc, v);
    }
    if (cc_body_decode(m->enc.buf.data, m->enc.buf.size, NULL, &m->msg, why, sizeof(why)) < 0)
        fail_msg("decode: %s", why);
}

static int parse(const char *type, const char *const *kv, size_t n, cc_hotline_event_t *ret,
                 cc_reject_t *rej)
{
    tmsg_t m;
    int r;

    build(&m, type, kv, n);
    r = cc_hotline_event_parse(&m.msg.body, ret, rej);
    /* The slices borrow from the message: the tests look only at copies. */
    ret->text = ret->caller_name = ret->caller_phone = ret->answer = (cc_str_t){ NULL, 0 };
    tmsg_free(&m);
    return r == 0 ? 0 : (int)rej->code;
}

#define PARSE(type, code, ...)                                                                     \
    do {                                                                                           \
        const char *kv_[] = { __VA_ARGS__ };                                                       \
        int got_ = parse((type), kv_, CC_N(kv_), &ev, &rej);                                       \
        if (got_ != (int)(code))                                                                   \
            fail_msg("%s line %d: got %s (%s)", (type), __LINE__,                                  \
                     got_ ? cc_err_name((cc_err_t)got_) : "ok", got_ ? rej.en : "");               \
    } while (0)

static void test_parse(void **state)
{
    cc_hotline_event_t ev;
    cc_reject_t rej;
    char long_id[70];

    (void)state;
    PARSE("contact", 0, "contact=C-1", "ctype=information", "channel=zalo", "closed=true");
    assert_int_equal(ev.kind, CC_HEV_CONTACT);
    assert_int_equal(ev.channel, CC_HCHANNEL_ZALO);
    assert_true(ev.closed);
    PARSE("contact", CC_ERR_BAD_FIELD, "contact=C-1", "ctype=complaint", "channel=phone");
    assert_string_equal(rej.field, "ctype");
    PARSE("contact", CC_ERR_BAD_FIELD, "contact=C-1", "ctype=pakn", "channel=fax");
    PARSE("contact", CC_ERR_BAD_FIELD, "contact=C-1", "ctype=pakn");
    PARSE("contact", CC_ERR_BAD_FIELD, "contact=C-1", "ctype=pakn", "channel=app", "closed=1");
    PARSE("pakn_received", 0, "pakn=P-1", "text=Hồ sơ trễ hạn", "caller_phone=+84 912 345 678",
          "caller_name=Nguyễn Văn An", "urgent=true", "dossier=000.00.14.H19-230515-0001");
    assert_true(ev.urgent);
    assert_string_equal(ev.dossier, "000.00.14.H19-230515-0001");
    PARSE("pakn_received", CC_ERR_BAD_FIELD, "pakn=P-1");
    PARSE("pakn_received", CC_ERR_BAD_FIELD, "pakn=P-1", "text=x", "caller_phone=gọi tôi");
    assert_string_equal(rej.field, "caller_phone");
    /* The reason never quotes the personal value. */
    assert_null(strstr(rej.en, "gọi tôi"));
    assert_null(strstr(rej.vi, "gọi tôi"));
    PARSE("pakn_received", CC_ERR_BAD_FIELD, "pakn=P-1", "text=x", "caller_phone=123");
    PARSE("pakn_received", CC_ERR_BAD_FIELD, "pakn=P 1", "text=x");
    memset(long_id, 'x', 59);
    long_id[59] = '\0';
    {
        char kv[80];
        snprintf(kv, sizeof(kv), "pakn=%s", long_id);
        PARSE("pakn_received", CC_ERR_BAD_FIELD, kv, "text=x");
        long_id[58] = '\0';
        snprintf(kv, sizeof(kv), "pakn=%s", long_id);
        PARSE("pakn_received", 0, kv, "text=x");
    }
    PARSE("pakn_classified", 0, "pakn=P-1", "category=proposal");
    assert_int_equal(ev.category, CC_CATEGORY_PROPOSAL);
    PARSE("pakn_classified", CC_ERR_BAD_FIELD, "pakn=P-1", "category=other");
    PARSE("pakn_assigned", CC_ERR_BAD_FIELD, "pakn=P-1");
    PARSE("pakn_forwarded", CC_ERR_BAD_FIELD, "pakn=P-1", "outside=");
    PARSE("pakn_answered", CC_ERR_BAD_FIELD, "pakn=P-1");
    PARSE("pakn_escalated", CC_ERR_NOT_AUTHORIZED, "pakn=P-1");
    PARSE("pakn_overdue", CC_ERR_NOT_AUTHORIZED, "pakn=P-1");
    PARSE("pakn_refused", 0, "pakn=P-1", "reason=anonymous");
    assert_int_equal(ev.refusal, CC_REFUSAL_ANONYMOUS);
    PARSE("pakn_refused", CC_ERR_BAD_FIELD, "pakn=P-1", "reason=rude");
    assert_string_equal(rej.field, "reason");
    PARSE("pakn_refused", CC_ERR_BAD_FIELD, "pakn=P-1");
    PARSE("pakn_deleted", CC_ERR_UNSUPPORTED, "pakn=P-1");
    PARSE("reserved", CC_ERR_BAD_FIELD, "pakn=P-1");
    assert_string_equal(rej.field, "eid");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_level_deadlines),   cmocka_unit_test(test_escalation),
        cmocka_unit_test(test_transition_matrix), cmocka_unit_test(test_lifecycle_effects),
        cmocka_unit_test(test_time_rules),        cmocka_unit_test(test_authorize),
        cmocka_unit_test(test_contacts),          cmocka_unit_test(test_parse),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
