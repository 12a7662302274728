/* Unit tests of the dossier lifecycle (daemons/intake/dossier.c; DOMAIN.md §3-§5).
 *
 * Pure: no storage. Events are written as short specs, "type key=value ...",
 * encoded to MessagePack, decoded with the strict decoder and parsed with
 * cc_dossier_event_parse(), exactly as the daemon sees them. Every rejected
 * step checks its code and that the dossier struct did not change (memcmp).
 *
 * Catalogs: the embedded demo catalogs (cc_catalog_load(NULL, ...)).
 * Facts used (worked out by hand from deploy/catalog):
 *  - TP-LLTP: 10 working days, units SO-TP and TTHCC, not SO-GTVT.
 *    Received Mon 2025-03-03 09:00 -> due Mon 2025-03-17 17:00.
 *  - KD-THANHLAP-DN: 3 working days, SO-KHDT and TTHCC.
 *    Received Mon 2025-03-03 09:00 -> due Thu 2025-03-06 17:00;
 *    received Wed 2025-03-05 09:00 -> due Mon 2025-03-10 17:00.
 *  - H-BIENHOA (district) exists until 2025-06-30; X-TRANBIEN from 2025-07-01;
 *    both handle DD-CHUYENNHUONG (10 working days).
 *  - The calendar covers 2024-2026 only; no holidays in March or December 2026.
 *  - Policy defaults: cut-off 15:00, future tolerance 300 s, supplement late
 *    after 3 working days.
 */
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
#include "cc_catalog.h"
#include "cc_codec.h"
#include "cc_duedate.h"
#include "dossier.h"
#include "support.h"

static cc_catalog_t *cat;
static size_t n_cases; /* transition cases run (applied events) */

/* ---- Helpers -------------------------------------------------------------- */

/* Build and decode the "ev" map of @spec: "type key=value ...". A dossier
 * "HS-1" is added unless the spec names one or has "-dossier". "now=" is
 * not encoded: it sets *@ret_now (default: the event's at). */
static void build(const char *spec, tmsg_t *m, int64_t *ret_now)
{
    char buf[1024], *save = NULL, *tok;
    const char *toks[32];
    size_t n = 0, pairs;
    bool has_dossier = false, no_dossier = false;
    int64_t now = 0;
    cc_enc_t *e = &m->enc;
    char why[256];

    snprintf(buf, sizeof(buf), "%s", spec);
    for (tok = strtok_r(buf, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
        assert_true(n < CC_N(toks));
        toks[n++] = tok;
    }
    assert_true(n >= 1);
    pairs = 1; /* type */
    for (size_t i = 1; i < n; i++) {
        if (strcmp(toks[i], "-dossier") == 0)
            no_dossier = true;
        else if (strncmp(toks[i], "now=", 4) == 0)
            now = T(toks[i] + 4);
        else {
            assert_non_null(strchr(toks[i], '='));
            has_dossier |= strncmp(toks[i], "dossier=", 8) == 0;
            pairs++;
        }
    }
    if (!has_dossier && !no_dossier)
        pairs++;
    cc_enc_init(e);
    cc_enc_map(e, pairs);
    cc_enc_kv_str(e, "type", toks[0]);
    if (!has_dossier && !no_dossier)
        cc_enc_kv_str(e, "dossier", "HS-1");
    for (size_t i = 1; i < n; i++) {
        if (strcmp(toks[i], "-dossier") == 0 || strncmp(toks[i], "now=", 4) == 0)
            continue;
        enc_token(e, toks[i]);
        if (now == 0 && strncmp(toks[i], "at=", 3) == 0)
            now = T(toks[i] + 3);
    }
    assert_int_equal(cc_body_check(e->buf.data, e->buf.size, NULL, why, sizeof(why)), 0);
    assert_int_equal(cc_body_decode(e->buf.data, e->buf.size, NULL, &m->msg, why, sizeof(why)), 0);
    *ret_now = now;
}

/* Parse only. Returns 0 or the rejection code; *@ret_field the field. */
static int parse_only(const char *spec, const char **ret_field)
{
    cc_dossier_event_t ev, before;
    cc_reject_t rej = { 0 };
    tmsg_t m;
    int64_t now;
    int r;

    build(spec, &m, &now);
    memset(&ev, 0xA5, sizeof(ev));
    before = ev;
    r = cc_dossier_event_parse(&m.msg.body, &ev, &rej);
    tmsg_free(&m);
    if (r == 0)
        return 0;
    assert_int_equal(r, 1);
    assert_memory_equal(&ev, &before, sizeof(ev)); /* untouched on failure */
    assert_true(rej.vi[0] != '\0' && rej.en[0] != '\0');
    if (ret_field)
        *ret_field = rej.field;
    return (int)rej.code;
}

/* Parse and apply @spec to @d. Returns 0 when accepted, else the rejection
 * code; on rejection checks that @d is byte for byte unchanged. */
static int step_full(cc_dossier_t *d, const char *spec, cc_dossier_outcome_t *ret_out,
                     cc_reject_t *ret_rej)
{
    cc_dossier_outcome_t out;
    cc_dossier_event_t ev;
    cc_reject_t rej = { 0 };
    cc_dossier_t before;
    tmsg_t m;
    int64_t now;
    int r;

    n_cases++;
    build(spec, &m, &now);
    memcpy(&before, d, sizeof(before));
    r = cc_dossier_event_parse(&m.msg.body, &ev, &rej);
    if (r == 0)
        r = cc_dossier_apply(cat, d, &ev, now, &out, &rej);
    tmsg_free(&m);
    if (ret_rej)
        *ret_rej = rej;
    if (r == 0) {
        if (ret_out)
            *ret_out = out;
        return 0;
    }
    assert_int_equal(r, 1);
    assert_memory_equal(&before, d, sizeof(before));
    assert_true(rej.code != 0 && rej.vi[0] != '\0' && rej.en[0] != '\0');
    return (int)rej.code;
}

static int step(cc_dossier_t *d, const char *spec) { return step_full(d, spec, NULL, NULL); }

#define OK 0
#define EXPECT(d, spec, code)                                                                      \
    do {                                                                                           \
        int got_ = step((d), (spec));                                                              \
        if (got_ != (int)(code))                                                                   \
            fail_msg("%s: got %s, want %s", (spec), got_ ? cc_err_name((cc_err_t)got_) : "ok",     \
                     (code) ? cc_err_name((cc_err_t)(code)) : "ok");                               \
    } while (0)

#define IL CC_ERR_ILLEGAL_TRANSITION
#define UD CC_ERR_UNKNOWN_DOSSIER
#define DD CC_ERR_DUPLICATE_DOSSIER

#define RECV "received proc=TP-LLTP unit=SO-TP channel=direct at=2025-03-03T09:00"
#define RECV3 "received proc=KD-THANHLAP-DN unit=SO-KHDT channel=online at=2025-03-03T09:00"

static void fresh(cc_dossier_t *d) { memset(d, 0, sizeof(*d)); }

static int setup(void **state)
{
    char err[CC_CATALOG_ERR_LEN];

    (void)state;
    if (cc_catalog_load(NULL, &cat, err, sizeof(err)) < 0) {
        fprintf(stderr, "cannot load the demo catalogs: %s\n", err);
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    cc_catalog_destroy(&cat);
    printf("[ INFO     ] %zu transition cases applied\n", n_cases);
    return 0;
}

/* ---- The full state x event matrix ---------------------------------------------- */

enum {
    S_NONE,
    S_PROCESSING,
    S_PENDING, /* processing with a stop request under review */
    S_SUPP_WAIT,
    S_RESOLVED,
    S_RETURNED,
    S_REFUSED,
    S_STOPPED,
    S_WITHDRAWN,
    S_COUNT
};

static const char *const s_names[S_COUNT] = {
    "none",     "processing", "pending", "supplement_wait", "resolved",
    "returned", "refused",    "stopped", "withdrawn",
};

static const char *const prefix[S_COUNT][4] = {
    [S_NONE] = { NULL },
    [S_PROCESSING] = { RECV, NULL },
    [S_PENDING] = { RECV, "sos_requested kind=stop at=2025-03-03T10:00", NULL },
    [S_SUPP_WAIT] = { RECV, "sos_requested kind=supplement at=2025-03-03T10:00",
                      "sos_reviewed approved=true at=2025-03-03T11:00" },
    [S_RESOLVED] = { RECV, "resolved at=2025-03-04T10:00", NULL },
    [S_RETURNED] = { RECV, "resolved at=2025-03-04T10:00",
                     "returned method=counter at=2025-03-04T11:00" },
    [S_REFUSED] = { RECV, "sos_requested kind=refuse at=2025-03-03T10:00",
                    "sos_reviewed approved=true at=2025-03-03T11:00" },
    [S_STOPPED] = { RECV, "sos_requested kind=stop at=2025-03-03T10:00",
                    "sos_reviewed approved=true at=2025-03-03T11:00" },
    [S_WITHDRAWN] = { RECV, "sos_requested kind=withdraw at=2025-03-03T10:00",
                      "sos_reviewed approved=true at=2025-03-03T11:00" },
};

static const uint8_t s_state[S_COUNT] = {
    CC_DOSSIER_NONE,      CC_DOSSIER_PROCESSING, CC_DOSSIER_PROCESSING, CC_DOSSIER_SUPPLEMENT_WAIT,
    CC_DOSSIER_RESOLVED,  CC_DOSSIER_RETURNED,   CC_DOSSIER_REFUSED,    CC_DOSSIER_STOPPED,
    CC_DOSSIER_WITHDRAWN,
};

#define SAME 255 /* the state does not change */

static const struct {
    const char *spec;
    int want[S_COUNT]; /* NONE PROC PEND SWAIT RESOLVED RETURNED REFUSED STOPPED WITHDRAWN */
    uint8_t then;      /* state after acceptance */
} matrix[] = {
    { "received proc=TP-LLTP unit=SO-TP channel=direct at=2025-03-05T10:00",
      { OK, DD, DD, DD, DD, DD, DD, DD, DD },
      CC_DOSSIER_PROCESSING },
    { "rejected_at_counter proc=TP-LLTP unit=SO-TP channel=direct at=2025-03-05T10:00",
      { OK, DD, DD, DD, DD, DD, DD, DD, DD },
      CC_DOSSIER_NONE },
    { "transferred to=TTHCC at=2025-03-05T10:00", { UD, OK, OK, OK, IL, IL, IL, IL, IL }, SAME },
    { "consult_requested agency=SO-XD deadline=2025-03-10T17:00 at=2025-03-05T10:00",
      { UD, OK, OK, OK, IL, IL, IL, IL, IL },
      SAME },
    { "consult_answered agency=SO-XD at=2025-03-05T10:00",
      { UD, IL, IL, IL, IL, IL, IL, IL, IL },
      SAME },
    { "sos_requested kind=stop at=2025-03-05T10:00", { UD, OK, IL, OK, IL, IL, IL, IL, IL }, SAME },
    { "sos_requested kind=supplement at=2025-03-05T10:00",
      { UD, OK, IL, IL, IL, IL, IL, IL, IL },
      SAME },
    { "sos_reviewed approved=true at=2025-03-05T10:00",
      { UD, IL, OK, IL, IL, IL, IL, IL, IL },
      CC_DOSSIER_STOPPED },
    { "sos_reviewed approved=false at=2025-03-05T10:00",
      { UD, IL, OK, IL, IL, IL, IL, IL, IL },
      CC_DOSSIER_PROCESSING },
    { "supplement_completed at=2025-03-05T10:00",
      { UD, IL, IL, OK, IL, IL, IL, IL, IL },
      CC_DOSSIER_PROCESSING },
    { "extended promised=2025-03-20T17:00 at=2025-03-05T10:00",
      { UD, OK, OK, IL, IL, IL, IL, IL, IL },
      SAME },
    { "resolved at=2025-03-05T10:00", { UD, OK, IL, IL, IL, IL, IL, IL, IL }, CC_DOSSIER_RESOLVED },
    { "returned method=post at=2025-03-05T10:00",
      { UD, IL, IL, IL, OK, IL, IL, IL, IL },
      CC_DOSSIER_RETURNED },
    { "fee_paid amount=200000 method=cashless at=2025-03-05T10:00",
      { UD, OK, OK, OK, OK, OK, OK, OK, OK },
      SAME },
    { "digitized what=components at=2025-03-05T10:00",
      { UD, OK, OK, OK, OK, OK, OK, OK, OK },
      SAME },
    { "digitized what=result at=2025-03-05T10:00", { UD, IL, IL, IL, OK, OK, IL, IL, IL }, SAME },
    { "rated rating=satisfied at=2025-03-05T10:00", { UD, OK, OK, OK, OK, OK, OK, OK, OK }, SAME },
};

static void reach(cc_dossier_t *d, int s)
{
    fresh(d);
    for (size_t i = 0; i < 4 && prefix[s][i]; i++)
        EXPECT(d, prefix[s][i], OK);
    assert_int_equal(d->state, s_state[s]);
    assert_int_equal(d->sos_pending != 0, s == S_PENDING);
}

static void test_matrix(void **state)
{
    size_t cells = 0;

    (void)state;
    for (size_t e = 0; e < CC_N(matrix); e++) {
        for (int s = 0; s < S_COUNT; s++) {
            cc_dossier_outcome_t out;
            cc_reject_t rej;
            cc_dossier_t d, before;
            int got;

            reach(&d, s);
            before = d;
            got = step_full(&d, matrix[e].spec, &out, &rej);
            cells++;
            if (got != matrix[e].want[s])
                fail_msg("state %s, %s: got %s, want %s (%s)", s_names[s], matrix[e].spec,
                         got ? cc_err_name((cc_err_t)got) : "ok",
                         matrix[e].want[s] ? cc_err_name((cc_err_t)matrix[e].want[s]) : "ok",
                         got ? rej.en : "");
            if (got == IL)
                assert_string_equal(rej.field, "type");
            if (got != OK)
                continue;
            assert_int_equal(d.state, matrix[e].then == SAME ? s_state[s] : matrix[e].then);
            /* Who writes what: fee_paid, digitized and rated leave the
             * lifecycle (and its time order) alone. */
            if (strncmp(matrix[e].spec, "fee_paid", 8) == 0 ||
                strncmp(matrix[e].spec, "digitized", 9) == 0 ||
                strncmp(matrix[e].spec, "rated", 5) == 0) {
                assert_false(out.stores_state);
                assert_memory_equal(&d, &before, sizeof(d));
            } else if (strncmp(matrix[e].spec, "rejected_at_counter", 19) == 0) {
                assert_false(out.creates);
                assert_false(out.stores_state);
                assert_int_equal(d.state, CC_DOSSIER_NONE);
            } else {
                assert_true(out.stores_state);
                assert_int_equal(d.last_at, T("2025-03-05T10:00"));
                assert_int_equal(out.creates, s == S_NONE);
            }
        }
    }
    assert_int_equal(cells, CC_N(matrix) * S_COUNT);
    printf("[ INFO     ] matrix: %zu state x event cells\n", cells);
}

/* ---- Required examples ------------------------------------------------------------ */

static void test_resolve_withdrawn(void **state)
{
    cc_dossier_t d;

    (void)state;
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "sos_requested kind=withdraw at=2025-03-04T09:00", OK);
    EXPECT(&d, "sos_reviewed approved=true at=2025-03-04T10:00", OK);
    assert_int_equal(d.state, CC_DOSSIER_WITHDRAWN);
    EXPECT(&d, "resolved at=2025-03-05T09:00", IL);
    EXPECT(&d, "returned method=counter at=2025-03-05T09:00", IL);
    assert_int_equal(d.klass, 0);
}

static void test_second_extension(void **state)
{
    cc_dossier_t d;

    (void)state;
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "extended promised=2025-03-20T17:00 at=2025-03-10T09:00", OK);
    EXPECT(&d, "extended promised=2025-03-25T17:00 at=2025-03-11T09:00", IL);
    assert_int_equal(d.promised_at, T("2025-03-20T17:00"));
}

static void test_return_unresolved(void **state)
{
    cc_dossier_t d;

    (void)state;
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "returned method=electronic at=2025-03-04T09:00", IL);
    EXPECT(&d, "resolved at=2025-03-04T10:00", OK);
    EXPECT(&d, "returned method=electronic at=2025-03-04T11:00", OK);
    EXPECT(&d, "returned method=electronic at=2025-03-04T12:00", IL); /* twice */
}

static void test_review_without_pending(void **state)
{
    cc_dossier_t d;

    (void)state;
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "sos_reviewed approved=true at=2025-03-04T09:00", IL);
    EXPECT(&d, "sos_requested kind=refuse at=2025-03-04T10:00", OK);
    EXPECT(&d, "sos_requested kind=stop at=2025-03-04T10:30", IL); /* one at a time */
    EXPECT(&d, "sos_reviewed approved=false at=2025-03-04T11:00", OK);
    assert_int_equal(d.state, CC_DOSSIER_PROCESSING);
    assert_int_equal(d.sos_pending, CC_SOS_NONE);
    EXPECT(&d, "sos_reviewed approved=true at=2025-03-04T12:00", IL); /* already reviewed */
}

static void test_supplement_completed_not_waiting(void **state)
{
    cc_dossier_t d;

    (void)state;
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "supplement_completed at=2025-03-04T09:00", IL);
    EXPECT(&d, "sos_requested kind=supplement at=2025-03-04T10:00", OK);
    EXPECT(&d, "supplement_completed at=2025-03-04T11:00", IL); /* pending, not approved */
    EXPECT(&d, "sos_reviewed approved=false at=2025-03-04T12:00", OK);
    EXPECT(&d, "supplement_completed at=2025-03-04T13:00", IL); /* denied */
    assert_int_equal(d.due_at, T("2025-03-17T17:00"));
}

static void test_resolve_while_pending(void **state)
{
    cc_dossier_t d;

    (void)state;
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "sos_requested kind=stop at=2025-03-04T10:00", OK);
    EXPECT(&d, "resolved at=2025-03-05T09:00", IL);
    EXPECT(&d, "sos_reviewed approved=false at=2025-03-05T10:00", OK);
    EXPECT(&d, "resolved at=2025-03-05T11:00", OK);
    assert_int_equal(d.state, CC_DOSSIER_RESOLVED);
}

static void test_transfer(void **state)
{
    cc_dossier_t d;
    cc_reject_t rej;

    (void)state;
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "transferred to=SO-TP at=2025-03-04T09:00", IL); /* same unit */
    EXPECT(&d, "transferred to=NO-SUCH-UNIT at=2025-03-04T09:00", CC_ERR_UNKNOWN_UNIT);
    assert_int_equal(step_full(&d, "transferred to=SO-GTVT at=2025-03-04T09:00", NULL, &rej),
                     CC_ERR_PROCEDURE_NOT_HANDLED);
    assert_string_equal(rej.field, "to");
    EXPECT(&d, "transferred to=TTHCC at=2025-03-04T09:00", OK);
    assert_string_equal(d.unit, "TTHCC");
    assert_string_equal(d.recv_unit, "SO-TP");
    assert_int_equal(d.due_at, T("2025-03-17T17:00")); /* due date unchanged */
    EXPECT(&d, "transferred to=TTHCC at=2025-03-04T10:00", IL);
    EXPECT(&d, "transferred to=SO-TP at=2025-03-04T11:00", OK); /* back to the first unit */

    /* A district unit no longer exists after 2025-06-30. */
    fresh(&d);
    EXPECT(&d,
           "received proc=DD-CHUYENNHUONG unit=X-TRANBIEN channel=direct "
           "at=2025-07-02T09:00",
           OK);
    EXPECT(&d, "transferred to=H-BIENHOA at=2025-07-03T09:00", CC_ERR_UNIT_NOT_VALID);
    EXPECT(&d, "transferred to=X-BIENHOA at=2025-07-03T09:00", OK);
}

static void test_consult(void **state)
{
    cc_dossier_t d;

    (void)state;
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "consult_answered agency=SO-XD at=2025-03-04T09:00", IL);
    EXPECT(&d, "consult_requested agency=SO-XD deadline=2025-03-07T17:00 at=2025-03-04T10:00", OK);
    EXPECT(&d, "consult_requested agency=SO-TC deadline=2025-03-07T17:00 at=2025-03-04T11:00", OK);
    assert_int_equal(d.consults_open, 2);
    EXPECT(&d, "consult_answered agency=SO-XD at=2025-03-05T09:00", OK);
    EXPECT(&d, "consult_answered agency=SO-TC at=2025-03-05T10:00", OK);
    EXPECT(&d, "consult_answered agency=SO-TC at=2025-03-05T11:00", IL);
    assert_int_equal(d.consults_open, 0);
    /* The deadline must be after the request. */
    EXPECT(&d, "consult_requested agency=SO-XD deadline=2025-03-05T11:00 at=2025-03-05T11:00",
           CC_ERR_BAD_FIELD);
}

/* ---- Extension and apology (NĐ 61 Đ19 k9) --------------------------------------- */

static void test_apology(void **state)
{
    static const struct {
        const char *at;
        uint8_t apology;
    } cases[] = {
        /* due Thu 2025-03-06 17:00 */
        { "2025-03-04T09:00", CC_APOLOGY_IN_TIME },
        { "2025-03-05T16:59", CC_APOLOGY_IN_TIME }, /* the working day before the due day */
        { "2025-03-05T23:00", CC_APOLOGY_IN_TIME },
        { "2025-03-06T08:00", CC_APOLOGY_LATE }, /* on the due day */
        { "2025-03-06T17:00", CC_APOLOGY_LATE },
        { "2025-03-07T10:00", CC_APOLOGY_LATE }, /* after the due date: accepted, late */
        { "2025-03-12T10:00", CC_APOLOGY_LATE },
    };
    char spec[256];

    (void)state;
    for (size_t i = 0; i < CC_N(cases); i++) {
        cc_dossier_t d;

        fresh(&d);
        EXPECT(&d, RECV3, OK);
        assert_int_equal(d.due_at, T("2025-03-06T17:00"));
        snprintf(spec, sizeof(spec), "extended promised=2025-03-14T17:00 at=%s", cases[i].at);
        EXPECT(&d, spec, OK);
        if (d.apology != cases[i].apology)
            fail_msg("apology at %s: got %s", cases[i].at, cc_vocab_name(&cc_apologies, d.apology));
        assert_int_equal(d.promised_at, T("2025-03-14T17:00"));
        assert_int_equal(d.due_at, T("2025-03-06T17:00")); /* legal due date unchanged */
    }
}

static void test_apology_still_late(void **state)
{
    cc_dossier_t d;

    (void)state;
    /* In-time apology, resolved before the promise but after the due date:
     * still late (DOMAIN.md §4 "Extension"). */
    fresh(&d);
    EXPECT(&d, RECV3, OK);
    EXPECT(&d, "extended promised=2025-03-14T17:00 at=2025-03-04T09:00", OK);
    assert_int_equal(d.apology, CC_APOLOGY_IN_TIME);
    EXPECT(&d, "resolved at=2025-03-10T09:00", OK);
    assert_int_equal(d.klass, CC_CLASS_LATE + 1);
    assert_int_equal(d.apology, CC_APOLOGY_IN_TIME);

    /* Late apology, resolved late. */
    fresh(&d);
    EXPECT(&d, RECV3, OK);
    EXPECT(&d, "extended promised=2025-03-14T17:00 at=2025-03-07T09:00", OK);
    EXPECT(&d, "resolved at=2025-03-11T09:00", OK);
    assert_int_equal(d.klass, CC_CLASS_LATE + 1);
    assert_int_equal(d.apology, CC_APOLOGY_LATE);

    /* An extension does not turn an early resolution into anything else. */
    fresh(&d);
    EXPECT(&d, RECV3, OK);
    EXPECT(&d, "extended promised=2025-03-14T17:00 at=2025-03-04T09:00", OK);
    EXPECT(&d, "resolved at=2025-03-04T10:00", OK);
    assert_int_equal(d.klass, CC_CLASS_EARLY + 1);
}

static void test_extension_bad_promise(void **state)
{
    cc_dossier_t d;
    cc_reject_t rej;

    (void)state;
    fresh(&d);
    EXPECT(&d, RECV3, OK);
    /* The promise must be after the due date... */
    assert_int_equal(
        step_full(&d, "extended promised=2025-03-06T17:00 at=2025-03-04T09:00", NULL, &rej),
        CC_ERR_BAD_FIELD);
    assert_string_equal(rej.field, "promised");
    EXPECT(&d, "extended promised=2025-03-05T17:00 at=2025-03-04T09:00", CC_ERR_BAD_FIELD);
    /* ...and after the apology itself. */
    EXPECT(&d, "extended promised=2025-03-07T17:00 at=2025-03-10T09:00", CC_ERR_BAD_FIELD);
    EXPECT(&d, "extended promised=2025-03-10T09:00 at=2025-03-10T09:00", CC_ERR_BAD_FIELD);
    EXPECT(&d, "extended promised=2025-03-12T17:00 at=2025-03-10T09:00", OK);
    assert_int_equal(d.apology, CC_APOLOGY_LATE);
    /* No extension while the clock is stopped. */
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "sos_requested kind=supplement at=2025-03-04T09:00", OK);
    EXPECT(&d, "sos_reviewed approved=true at=2025-03-04T10:00", OK);
    EXPECT(&d, "extended promised=2025-03-25T17:00 at=2025-03-05T09:00", IL);
}

/* ---- Supplement (NĐ 61 Đ17, Đ19 k4) ------------------------------------------------ */

static void test_supplement_restart(void **state)
{
    const cc_procedure_t *p = cc_catalog_procedure(cat, "TP-LLTP");
    cc_dossier_outcome_t out;
    cc_dossier_t d;
    int64_t due;

    (void)state;
    assert_non_null(p);
    fresh(&d);
    EXPECT(&d, RECV, OK);
    assert_int_equal(d.due_at, T("2025-03-17T17:00"));
    assert_int_equal(step_full(&d, "sos_requested kind=supplement at=2025-03-04T10:00", &out, NULL),
                     OK);
    assert_false(out.supplement_rule_broken);
    assert_int_equal(d.sos_pending, CC_SOS_SUPPLEMENT);
    assert_int_equal(d.state, CC_DOSSIER_PROCESSING); /* the clock runs while pending */
    EXPECT(&d, "sos_reviewed approved=true at=2025-03-04T11:00", OK);
    assert_int_equal(d.state, CC_DOSSIER_SUPPLEMENT_WAIT);
    assert_int_equal(d.sos_pending, CC_SOS_NONE);
    EXPECT(&d, "resolved at=2025-03-05T09:00", IL);
    EXPECT(&d, "sos_requested kind=supplement at=2025-03-05T09:00", IL);
    /* Completed Wed 12 Mar 10:00: ten working days again from that day. */
    EXPECT(&d, "supplement_completed at=2025-03-12T10:00", OK);
    assert_int_equal(d.state, CC_DOSSIER_PROCESSING);
    assert_int_equal(d.due_at, T("2025-03-26T17:00"));
    assert_int_equal(cc_due_at(cat, p, T("2025-03-12T10:00"), &due), 0);
    assert_int_equal(d.due_at, due);
    assert_int_equal(d.received_at, T("2025-03-03T09:00"));     /* receipt unchanged */
    EXPECT(&d, "supplement_completed at=2025-03-12T11:00", IL); /* only once per request */
    EXPECT(&d, "resolved at=2025-03-26T16:00", OK);
    assert_int_equal(d.klass, CC_CLASS_ON_TIME + 1); /* late against the old due date */

    /* After the cut-off: counts from the next working day. */
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "sos_requested kind=supplement at=2025-03-04T10:00", OK);
    EXPECT(&d, "sos_reviewed approved=true at=2025-03-04T11:00", OK);
    EXPECT(&d, "supplement_completed at=2025-03-12T16:00", OK);
    assert_int_equal(d.due_at, T("2025-03-27T17:00"));
}

static void test_supplement_rule(void **state)
{
    static const struct {
        const char *at;
        bool broken;
    } late[] = {
        /* received Mon 3 Mar 09:00 */
        { "2025-03-03T16:00", false }, /* same day */
        { "2025-03-06T16:59", false }, /* 3rd working day after receipt */
        { "2025-03-07T08:00", true },  /* 4th */
        { "2025-03-10T08:00", true },
    };
    cc_dossier_outcome_t out;
    cc_dossier_t d;
    char spec[256];

    (void)state;
    for (size_t i = 0; i < CC_N(late); i++) {
        fresh(&d);
        EXPECT(&d, RECV, OK);
        snprintf(spec, sizeof(spec), "sos_requested kind=supplement at=%s", late[i].at);
        assert_int_equal(step_full(&d, spec, &out, NULL), OK);
        if (out.supplement_rule_broken != late[i].broken)
            fail_msg("supplement at %s: rule_broken %d", late[i].at, out.supplement_rule_broken);
        assert_int_equal(d.supplements, 1);
    }

    /* A second request breaks the rule, even after a completed first one. */
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "sos_requested kind=supplement at=2025-03-04T09:00", OK);
    EXPECT(&d, "sos_reviewed approved=true at=2025-03-04T10:00", OK);
    EXPECT(&d, "supplement_completed at=2025-03-05T09:00", OK);
    assert_int_equal(step_full(&d, "sos_requested kind=supplement at=2025-03-05T10:00", &out, NULL),
                     OK);
    assert_true(out.supplement_rule_broken);
    assert_int_equal(d.supplements, 2);

    /* ...and after a denied one. */
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "sos_requested kind=supplement at=2025-03-04T09:00", OK);
    EXPECT(&d, "sos_reviewed approved=false at=2025-03-04T10:00", OK);
    assert_int_equal(step_full(&d, "sos_requested kind=supplement at=2025-03-04T11:00", &out, NULL),
                     OK);
    assert_true(out.supplement_rule_broken);

    /* Other requests are not supplement requests. */
    fresh(&d);
    EXPECT(&d, RECV, OK);
    assert_int_equal(step_full(&d, "sos_requested kind=stop at=2025-03-12T09:00", &out, NULL), OK);
    assert_false(out.supplement_rule_broken);
    assert_int_equal(d.supplements, 0);
}

/* ---- SOS review outcomes -------------------------------------------------------------- */

static void test_sos_review(void **state)
{
    static const struct {
        const char *kind;
        uint8_t sos;
        uint8_t approved_state;
    } cases[] = {
        { "stop", CC_SOS_STOP, CC_DOSSIER_STOPPED },
        { "supplement", CC_SOS_SUPPLEMENT, CC_DOSSIER_SUPPLEMENT_WAIT },
        { "refuse", CC_SOS_REFUSE, CC_DOSSIER_REFUSED },
        { "withdraw", CC_SOS_WITHDRAW, CC_DOSSIER_WITHDRAWN },
    };
    char spec[256];

    (void)state;
    for (size_t i = 0; i < CC_N(cases); i++) {
        for (int approved = 0; approved <= 1; approved++) {
            cc_dossier_t d;

            fresh(&d);
            EXPECT(&d, RECV, OK);
            snprintf(spec, sizeof(spec), "sos_requested kind=%s at=2025-03-04T09:00",
                     cases[i].kind);
            EXPECT(&d, spec, OK);
            assert_int_equal(d.sos_pending, cases[i].sos);
            assert_int_equal(d.sos_at, T("2025-03-04T09:00"));
            snprintf(spec, sizeof(spec), "sos_reviewed approved=%s at=2025-03-05T09:00",
                     approved ? "true" : "false");
            EXPECT(&d, spec, OK);
            assert_int_equal(d.sos_pending, CC_SOS_NONE);
            assert_int_equal(d.state, approved ? cases[i].approved_state : CC_DOSSIER_PROCESSING);
            assert_int_equal(d.klass, 0); /* ended without a class */
            assert_int_equal(d.due_at, T("2025-03-17T17:00"));
        }
    }
}

/* ---- Classification (DOMAIN.md §5) ---------------------------------------------------- */

static void test_classify(void **state)
{
    static const struct {
        const char *recv;
        const char *resolved;
        cc_class_t klass;
    } cases[] = {
        /* due Thu 2025-03-06 17:00 */
        { RECV3, "2025-03-03T09:00", CC_CLASS_EARLY }, /* the receipt instant itself */
        { RECV3, "2025-03-05T16:59", CC_CLASS_EARLY },
        { RECV3, "2025-03-05T23:59:59", CC_CLASS_EARLY },
        { RECV3, "2025-03-06T00:00", CC_CLASS_ON_TIME },
        { RECV3, "2025-03-06T16:59:59", CC_CLASS_ON_TIME },
        { RECV3, "2025-03-06T17:00:00", CC_CLASS_ON_TIME },
        { RECV3, "2025-03-06T17:00:01", CC_CLASS_LATE },
        { RECV3, "2025-03-07T09:00", CC_CLASS_LATE },
        /* received Wed 5 Mar: due Mon 10 Mar 17:00 */
        { "received proc=KD-THANHLAP-DN unit=TTHCC channel=postal at=2025-03-05T09:00",
          "2025-03-07T16:00", CC_CLASS_EARLY },
        { "received proc=KD-THANHLAP-DN unit=TTHCC channel=postal at=2025-03-05T09:00",
          "2025-03-08T10:00", CC_CLASS_ON_TIME }, /* Saturday: counts as Monday */
        { "received proc=KD-THANHLAP-DN unit=TTHCC channel=postal at=2025-03-05T09:00",
          "2025-03-10T17:00", CC_CLASS_ON_TIME },
    };
    char spec[256];

    (void)state;
    for (size_t i = 0; i < CC_N(cases); i++) {
        cc_dossier_t d;

        fresh(&d);
        EXPECT(&d, cases[i].recv, OK);
        snprintf(spec, sizeof(spec), "resolved at=%s", cases[i].resolved);
        EXPECT(&d, spec, OK);
        if (d.klass != cases[i].klass + 1)
            fail_msg("resolved %s: got %s, want %s", cases[i].resolved,
                     cc_class_name((cc_class_t)(d.klass - 1)), cc_class_name(cases[i].klass));
        assert_int_equal(d.resolved_at, T(cases[i].resolved));
        assert_int_equal(d.state, CC_DOSSIER_RESOLVED);
    }
}

/* ---- fee_paid, digitized, rated ---------------------------------------------------- */

static void test_side_events_time_order(void **state)
{
    cc_dossier_t d;

    (void)state;
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "resolved at=2025-03-05T10:00", OK);
    /* Before the last lifecycle event but after the receipt: accepted. */
    EXPECT(&d, "fee_paid amount=200000 method=cash at=2025-03-04T09:00", OK);
    EXPECT(&d, "digitized what=components at=2025-03-03T09:00", OK);
    EXPECT(&d, "rated rating=very_satisfied at=2025-03-04T10:00", OK);
    assert_int_equal(d.last_at, T("2025-03-05T10:00"));
    /* Before the receipt: refused. */
    EXPECT(&d, "fee_paid amount=200000 method=online at=2025-03-03T08:59", CC_ERR_BEFORE_PREVIOUS);
    EXPECT(&d, "rated rating=dissatisfied at=2025-03-02T10:00", CC_ERR_BEFORE_PREVIOUS);
    EXPECT(&d, "digitized what=result at=2025-03-03T08:00", CC_ERR_BEFORE_PREVIOUS);
    /* Late side events do not move the lifecycle's floor. */
    EXPECT(&d, "rated rating=satisfied at=2025-03-07T10:00", OK);
    EXPECT(&d, "returned method=counter at=2025-03-06T10:00", OK);
    assert_int_equal(d.last_at, T("2025-03-06T10:00"));
    /* Lifecycle events keep their own order. */
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "transferred to=TTHCC at=2025-03-05T10:00", OK);
    EXPECT(&d, "resolved at=2025-03-05T09:59", CC_ERR_BEFORE_PREVIOUS);
    EXPECT(&d, "resolved at=2025-03-05T10:00", OK); /* same instant is fine */
}

static void test_digitized_result(void **state)
{
    cc_dossier_t d;
    cc_reject_t rej;

    (void)state;
    fresh(&d);
    EXPECT(&d, RECV, OK);
    assert_int_equal(step_full(&d, "digitized what=result at=2025-03-04T09:00", NULL, &rej), IL);
    EXPECT(&d, "digitized what=components at=2025-03-04T09:00", OK);
    EXPECT(&d, "resolved at=2025-03-04T10:00", OK);
    EXPECT(&d, "digitized what=result at=2025-03-04T11:00", OK);
}

/* ---- Receipt checks and other rejection codes ---------------------------------- */

static void test_receipt_rejections(void **state)
{
    cc_dossier_t d;
    cc_reject_t rej;

    (void)state;
    fresh(&d);
    assert_int_equal(step_full(&d,
                               "received proc=TP-LLTP unit=NO-SUCH-UNIT channel=direct "
                               "at=2025-03-03T09:00",
                               NULL, &rej),
                     CC_ERR_UNKNOWN_UNIT);
    assert_string_equal(rej.field, "unit");
    assert_int_equal(step_full(&d,
                               "received proc=NO-SUCH-PROC unit=SO-TP channel=direct "
                               "at=2025-03-03T09:00",
                               NULL, &rej),
                     CC_ERR_UNKNOWN_PROCEDURE);
    assert_string_equal(rej.field, "proc");
    assert_int_equal(step_full(&d,
                               "received proc=TP-CT-BANSAO unit=SO-TP channel=direct "
                               "at=2025-03-03T09:00",
                               NULL, &rej),
                     CC_ERR_PROCEDURE_NOT_HANDLED);
    assert_string_equal(rej.field, "proc");
    /* District units end on 2025-06-30, new communes start on 2025-07-01. */
    EXPECT(&d,
           "received proc=DD-CHUYENNHUONG unit=H-BIENHOA channel=direct "
           "at=2025-07-01T09:00",
           CC_ERR_UNIT_NOT_VALID);
    EXPECT(&d,
           "received proc=DD-CHUYENNHUONG unit=X-TRANBIEN channel=direct "
           "at=2025-06-30T09:00",
           CC_ERR_UNIT_NOT_VALID);
    EXPECT(&d,
           "rejected_at_counter proc=DD-CHUYENNHUONG unit=H-BIENHOA channel=direct "
           "at=2025-07-01T09:00",
           CC_ERR_UNIT_NOT_VALID);
    EXPECT(&d,
           "received proc=DD-CHUYENNHUONG unit=H-BIENHOA channel=direct "
           "at=2025-06-30T23:59",
           OK);
    assert_string_equal(d.unit, "H-BIENHOA");

    /* The calendar of 2030 is not announced. */
    fresh(&d);
    assert_int_equal(step_full(&d,
                               "received proc=HT-KHAISINH unit=X-TRANBIEN channel=online "
                               "at=2030-03-04T09:00",
                               NULL, &rej),
                     CC_ERR_CALENDAR_NOT_COVERED);
    assert_string_equal(rej.field, "at");
    /* Refused at the counter: nothing to compute, nothing created. */
    EXPECT(&d,
           "rejected_at_counter proc=HT-KHAISINH unit=X-TRANBIEN channel=online "
           "at=2030-03-04T09:00",
           OK);
    assert_int_equal(d.state, CC_DOSSIER_NONE);

    /* Future tolerance: 300 s. */
    fresh(&d);
    EXPECT(&d, RECV " now=2025-03-03T08:54:59", CC_ERR_FUTURE_EVENT);
    EXPECT(&d, RECV " now=2025-03-03T08:55:00", OK);
    EXPECT(&d, "resolved at=2025-03-03T10:05:01 now=2025-03-03T10:00", CC_ERR_FUTURE_EVENT);
    EXPECT(&d, "fee_paid amount=1 method=cash at=2025-03-03T10:05:01 now=2025-03-03T10:00",
           CC_ERR_FUTURE_EVENT);

    /* A second receipt of the same id, at any time. */
    EXPECT(&d, RECV, DD);
    EXPECT(&d, "received proc=TP-LLTP unit=SO-TP channel=direct at=2025-03-02T09:00", DD);
    EXPECT(&d, "rejected_at_counter proc=TP-LLTP unit=SO-TP channel=direct at=2025-03-04T09:00",
           DD);

    /* Events for an id never received. */
    fresh(&d);
    EXPECT(&d, "resolved at=2025-03-04T10:00", UD);
    EXPECT(&d, "fee_paid amount=5 method=cash at=2025-03-04T10:00", UD);
}

static void test_receipt_state(void **state)
{
    cc_dossier_outcome_t out;
    cc_dossier_t d;

    (void)state;
    fresh(&d);
    assert_int_equal(step_full(&d, RECV, &out, NULL), OK);
    assert_true(out.creates && out.stores_state);
    assert_int_equal(d.version, CC_DOSSIER_VERSION);
    assert_int_equal(d.state, CC_DOSSIER_PROCESSING);
    assert_int_equal(d.channel, 0);
    assert_int_equal(d.received_at, T("2025-03-03T09:00"));
    assert_int_equal(d.last_at, T("2025-03-03T09:00"));
    assert_int_equal(d.due_at, T("2025-03-17T17:00"));
    assert_string_equal(d.proc, "TP-LLTP");
    assert_string_equal(d.unit, "SO-TP");
    assert_string_equal(d.recv_unit, "SO-TP");
    /* After the cut-off: from the next working day (3 wd: Wed, Thu, Fri). */
    fresh(&d);
    EXPECT(&d, "received proc=KD-THANHLAP-DN unit=SO-KHDT channel=postal at=2025-03-03T15:30", OK);
    assert_int_equal(d.channel, 2);
    assert_int_equal(d.due_at, T("2025-03-07T17:00"));
}

static void test_time_order(void **state)
{
    cc_dossier_t d;
    cc_reject_t rej;

    (void)state;
    fresh(&d);
    EXPECT(&d, RECV, OK);
    EXPECT(&d, "sos_requested kind=stop at=2025-03-04T10:00", OK);
    assert_int_equal(step_full(&d, "sos_reviewed approved=false at=2025-03-04T09:59", NULL, &rej),
                     CC_ERR_BEFORE_PREVIOUS);
    assert_string_equal(rej.field, "at");
    EXPECT(&d, "transferred to=TTHCC at=2025-03-03T08:00", CC_ERR_BEFORE_PREVIOUS);
    EXPECT(&d, "sos_reviewed approved=false at=2025-03-04T10:00", OK);
}

/* Years beyond the calendar reached after receipt. */
static void test_calendar_later_events(void **state)
{
    cc_dossier_t d, base;

    (void)state;
    /* Received Tue 2026-12-01: due Tue 2026-12-15. */
    fresh(&base);
    EXPECT(&base, "received proc=TP-LLTP unit=SO-TP channel=direct at=2026-12-01T09:00", OK);
    assert_int_equal(base.due_at, T("2026-12-15T17:00"));
    d = base;
    EXPECT(&d, "sos_requested kind=supplement at=2027-01-05T09:00", CC_ERR_CALENDAR_NOT_COVERED);
    EXPECT(&d, "sos_requested kind=stop at=2027-01-05T09:00", OK); /* needs no calendar */
    d = base;
    EXPECT(&d, "extended promised=2027-01-20T17:00 at=2027-01-05T09:00",
           CC_ERR_CALENDAR_NOT_COVERED);
    d = base;
    EXPECT(&d, "sos_requested kind=supplement at=2026-12-02T09:00", OK);
    EXPECT(&d, "sos_reviewed approved=true at=2026-12-02T10:00", OK);
    EXPECT(&d, "supplement_completed at=2027-01-05T09:00", CC_ERR_CALENDAR_NOT_COVERED);
    EXPECT(&d, "supplement_completed at=2026-12-03T09:00", OK);
    assert_int_equal(d.due_at, T("2026-12-17T17:00"));
}

/* ---- Shape of events (bad_field) ---------------------------------------------------- */

/* One valid spec per event type: dropping any one key must be refused
 * with bad_field naming that key. */
static const char *const valid[] = {
    "received dossier=HS-9 proc=TP-LLTP unit=SO-TP channel=direct at=2025-03-03T09:00",
    ("rejected_at_counter dossier=HS-9 proc=TP-LLTP unit=SO-TP channel=online "
     "at=2025-03-03T09:00"),
    "transferred dossier=HS-9 to=TTHCC at=2025-03-03T09:00",
    "consult_requested dossier=HS-9 agency=SO-XD deadline=2025-03-07T17:00 at=2025-03-03T09:00",
    "consult_answered dossier=HS-9 agency=SO-XD at=2025-03-03T09:00",
    "sos_requested dossier=HS-9 kind=withdraw at=2025-03-03T09:00",
    "sos_reviewed dossier=HS-9 approved=false at=2025-03-03T09:00",
    "supplement_completed dossier=HS-9 at=2025-03-03T09:00",
    "extended dossier=HS-9 promised=2025-03-20T17:00 at=2025-03-03T09:00",
    "resolved dossier=HS-9 at=2025-03-03T09:00",
    "returned dossier=HS-9 method=post at=2025-03-03T09:00",
    "fee_paid dossier=HS-9 amount=150000 method=online at=2025-03-03T09:00",
    "digitized dossier=HS-9 what=components at=2025-03-03T09:00",
    "rated dossier=HS-9 rating=dissatisfied at=2025-03-03T09:00",
};

static void test_missing_fields(void **state)
{
    size_t cases = 0;

    (void)state;
    assert_int_equal(CC_N(valid), CC_EV_KIND_COUNT_);
    for (size_t i = 0; i < CC_N(valid); i++) {
        char toks[16][128], spec[512], key[32];
        size_t n = 0;
        const char *p = valid[i];
        const char *field = NULL;

        assert_int_equal(parse_only(valid[i], NULL), 0);
        while (*p) {
            size_t len = strcspn(p, " ");

            snprintf(toks[n++], sizeof(toks[0]), "%.*s", (int)len, p);
            p += len;
            p += strspn(p, " ");
        }
        for (size_t drop = 1; drop < n; drop++) {
            if (strncmp(toks[drop], "at=", 3) == 0)
                continue; /* "at" is a common field (cc_event_common_fields) */
            spec[0] = '\0';
            for (size_t j = 0; j < n; j++) {
                if (j == drop)
                    continue;
                strcat(spec, toks[j]);
                strcat(spec, " ");
            }
            if (strncmp(toks[drop], "dossier=", 8) == 0)
                strcat(spec, "-dossier");
            snprintf(key, sizeof(key), "%.*s", (int)strcspn(toks[drop], "="), toks[drop]);
            if (parse_only(spec, &field) != CC_ERR_BAD_FIELD)
                fail_msg("missing %s not refused: %s", key, spec);
            assert_non_null(field);
            assert_string_equal(field, key);
            cases++;
        }
    }
    printf("[ INFO     ] %zu missing-field cases\n", cases);
}

static void test_bad_values(void **state)
{
    static const struct {
        const char *spec;
        const char *field;
    } cases[] = {
        { "received proc=TP-LLTP unit=SO-TP channel=fax at=2025-03-03T09:00", "channel" },
        { "rejected_at_counter proc=TP-LLTP unit=SO-TP channel=Direct at=2025-03-03T09:00",
          "channel" },
        { "sos_requested kind=pause at=2025-03-03T09:00", "kind" },
        { "sos_requested kind=none at=2025-03-03T09:00", "kind" }, /* not a request kind */
        { "returned method=drone at=2025-03-03T09:00", "method" },
        { "returned method=cash at=2025-03-03T09:00", "method" }, /* a fee method */
        { "fee_paid amount=1000 method=bitcoin at=2025-03-03T09:00", "method" },
        { "fee_paid amount=1000 method=counter at=2025-03-03T09:00", "method" },
        { "digitized what=photo at=2025-03-03T09:00", "what" },
        { "rated rating=meh at=2025-03-03T09:00", "rating" },
        /* wrong types and bounds */
        { "sos_reviewed approved=yes at=2025-03-03T09:00", "approved" },
        { "sos_reviewed approved=1 at=2025-03-03T09:00", "approved" },
        { "fee_paid amount=lots method=cash at=2025-03-03T09:00", "amount" },
        { "fee_paid amount=1000000000001 method=cash at=2025-03-03T09:00", "amount" },
        { "received proc=TP-LLTP unit=SO-TP channel=7 at=2025-03-03T09:00", "channel" },
        { "extended promised=soon at=2025-03-03T09:00", "promised" },
        { "extended promised=1 at=2025-03-03T09:00", "promised" }, /* not a 2000..2100 time */
        { "consult_requested agency=SO-XD deadline=tomorrow at=2025-03-03T09:00", "deadline" },
        { "transferred to=THIS-CODE-IS-LONGER-THAN-32-BYTES-X at=2025-03-03T09:00", "to" },
        { "resolved dossier=ID-01234567890123456789012345678901234567890123456789012345678901 "
          "at=2025-03-03T09:00",
          "dossier" },
        { "received proc=TP-LLTP unit=SO-TP channel=direct dossier=5 at=2025-03-03T09:00",
          "dossier" },
    };
    const char *field = NULL;

    (void)state;
    for (size_t i = 0; i < CC_N(cases); i++) {
        if (parse_only(cases[i].spec, &field) != CC_ERR_BAD_FIELD)
            fail_msg("not refused as bad_field: %s", cases[i].spec);
        if (strcmp(field, cases[i].field) != 0)
            fail_msg("%s: field %s, want %s", cases[i].spec, field, cases[i].field);
    }
    /* An event type intake does not know. */
    assert_int_equal(parse_only("frobnicated at=2025-03-03T09:00", &field), CC_ERR_UNSUPPORTED);
    assert_string_equal(field, "type");
}

/* Names used in records and queries. */
static void test_names(void **state)
{
    (void)state;
    for (int k = 0; k < CC_EV_KIND_COUNT_; k++) {
        char spec[64];

        snprintf(spec, sizeof(spec), "%s ",
                 cc_vocab_name(&cc_dossier_events, (cc_dossier_event_kind_t)k));
        assert_int_equal(strncmp(valid[k], spec, strlen(spec)), 0);
    }
    assert_string_equal(cc_vocab_name(&cc_dossier_states, CC_DOSSIER_SUPPLEMENT_WAIT),
                        "supplement_wait");
    assert_string_equal(cc_vocab_name(&cc_dossier_states, CC_DOSSIER_STATE_COUNT_), "?");
    assert_string_equal(cc_vocab_name(&cc_sos_kinds, CC_SOS_WITHDRAW), "withdraw");
    assert_string_equal(cc_vocab_name(&cc_apologies, CC_APOLOGY_IN_TIME), "in_time");
    assert_string_equal(cc_vocab_name(&cc_channels, 1), "online");
    assert_string_equal(cc_vocab_name(&cc_fee_methods, 1), "cashless");
    assert_string_equal(cc_vocab_name(&cc_return_methods, 2), "electronic");
    assert_string_equal(cc_vocab_name(&cc_digitized, 1), "result");
    assert_string_equal(cc_vocab_name(&cc_ratings, 0), "very_satisfied");
    assert_string_equal(cc_vocab_name(&cc_ratings, 3), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matrix),
        cmocka_unit_test(test_resolve_withdrawn),
        cmocka_unit_test(test_second_extension),
        cmocka_unit_test(test_return_unresolved),
        cmocka_unit_test(test_review_without_pending),
        cmocka_unit_test(test_supplement_completed_not_waiting),
        cmocka_unit_test(test_resolve_while_pending),
        cmocka_unit_test(test_transfer),
        cmocka_unit_test(test_consult),
        cmocka_unit_test(test_apology),
        cmocka_unit_test(test_apology_still_late),
        cmocka_unit_test(test_extension_bad_promise),
        cmocka_unit_test(test_supplement_restart),
        cmocka_unit_test(test_supplement_rule),
        cmocka_unit_test(test_sos_review),
        cmocka_unit_test(test_classify),
        cmocka_unit_test(test_side_events_time_order),
        cmocka_unit_test(test_digitized_result),
        cmocka_unit_test(test_receipt_rejections),
        cmocka_unit_test(test_receipt_state),
        cmocka_unit_test(test_time_order),
        cmocka_unit_test(test_calendar_later_events),
        cmocka_unit_test(test_missing_fields),
        cmocka_unit_test(test_bad_values),
        cmocka_unit_test(test_names),
    };

    return cmocka_run_group_tests(tests, setup, teardown);
}
