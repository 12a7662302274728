/* End-to-end smoke of the real cchc-hotlined (HOTLINED, set by CMake) on a
 * free loopback port, in a temporary state directory, on the test clock:
 * HELLO as agent, contact point and operator over DEALER sockets; a
 * complaint through its life; a repeated event id applied once; an
 * illegal transition refused; escalation right after the operator moves
 * the clock; the log read back by cursor. */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include <cmocka.h>

#include "cc_codec.h"
#include "cc_net.h"
#include "support.h"

#ifndef HOTLINED
#error "HOTLINED must name the cchc-hotlined binary"
#endif

static char dir[64], endpoint[64];
static pid_t pid;
static void *zctx;
static uint64_t rid;

/* Send @e (a body) and wait for the reply; returns its type. */
static int request(void *s, cc_msg_type_t type, cc_enc_t *e, cc_msg_t *ret)
{
    char why[256];

    assert_int_equal(cc_dealer_send(s, NULL, type, e->buf.data, e->buf.size, 0), 0);
    cc_enc_reset(e);
    if (cc_dealer_recv(s, 10000, ret, why, sizeof(why)) < 0)
        fail_msg("no reply: %s", why);
    return ret->type;
}

static void *connect_as(const char *role, const char *who, const char *unit)
{
    void *s = cc_socket_new(zctx, ZMQ_DEALER);
    cc_enc_t e;
    cc_msg_t m;

    assert_non_null(s);
    assert_int_equal(zmq_connect(s, endpoint), 0);
    cc_enc_init(&e);
    cc_enc_map(&e, unit ? 4 : 3);
    cc_enc_kv_u64(&e, "rid", ++rid);
    cc_enc_kv_str(&e, "role", role);
    cc_enc_kv_str(&e, "who", who);
    if (unit) {
        cc_enc_str(&e, "units");
        cc_enc_array(&e, 1);
        cc_enc_str(&e, unit);
    }
    assert_int_equal(request(s, CC_MSG_HELLO, &e, &m), CC_MSG_RESULT);
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);
    return s;
}

/* EVENT "type" with string pairs k1, v1, ...; returns the reply type and
 * the ack's seq/dup or the error code name. */
static int event(void *s, const char *eid, const char *type, const char *at, uint64_t *ret_seq,
                 bool *ret_dup, char *code, size_t n, ...)
{
    cc_enc_t e;
    cc_msg_t m;
    va_list ap;
    int t;

    cc_enc_init(&e);
    cc_enc_map(&e, 2);
    cc_enc_kv_u64(&e, "rid", ++rid);
    cc_enc_str(&e, "ev");
    cc_enc_map(&e, 3 + n);
    cc_enc_kv_str(&e, "eid", eid);
    cc_enc_kv_str(&e, "type", type);
    cc_enc_kv_i64(&e, "at", T(at));
    va_start(ap, n);
    for (size_t i = 0; i < n; i++) {
        const char *k = va_arg(ap, const char *);
        const char *v = va_arg(ap, const char *);

        cc_enc_kv_str(&e, k, v);
    }
    va_end(ap);
    t = request(s, CC_MSG_EVENT, &e, &m);
    if (t == CC_MSG_ACK) {
        cc_map_u64(&m.body, "seq", ret_seq);
        cc_map_bool(&m.body, "dup", ret_dup);
    } else {
        cc_map_strcpy(&m.body, "code", code, 64);
    }
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);
    return t;
}

static int setup(void **state)
{
    char listen[80], sdir[96], clock[64];

    (void)state;
    snprintf(dir, sizeof(dir), "/tmp/test_hotline_smoke.XXXXXX");
    if (mkdtemp(dir) == NULL)
        return -1;
    snprintf(endpoint, sizeof(endpoint), "tcp://127.0.0.1:%d", free_port());
    snprintf(listen, sizeof(listen), "--listen=%s", endpoint);
    snprintf(sdir, sizeof(sdir), "--state-dir=%s/state", dir);
    snprintf(clock, sizeof(clock), "--test-clock=2025-03-03T09:00:00+07:00");
    pid = fork();
    if (pid == 0) {
        execl(HOTLINED, HOTLINED, listen, sdir, clock, "--tick-ms=100", "--log-level=warning",
              (char *)NULL);
        _exit(127);
    }
    zctx = zmq_ctx_new();
    return pid > 0 ? 0 : -1;
}

static int teardown(void **state)
{
    int status = 0;

    (void)state;
    zmq_ctx_term(zctx);
    kill(pid, SIGTERM);
    waitpid(pid, &status, 0);
    rm_tree(dir);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void test_smoke(void **state)
{
    void *agent, *cp, *oper;
    uint64_t seq = 0, seq2 = 0, head = 0;
    bool dup = false;
    char code[64] = "";
    cc_enc_t e;
    cc_msg_t m;

    (void)state;
    agent = connect_as("agent", "tdv-01", NULL);
    cp = connect_as("contact_point", "daumoi-sotp", "SO-TP");
    oper = connect_as("operator", "vanhanh", NULL);
    assert_int_equal(event(agent, "a-1", "contact", "2025-03-03T09:00", &seq, &dup, code, 3,
                           "contact", "C-1", "ctype", "pakn", "channel", "phone"),
                     CC_MSG_ACK);
    assert_int_equal(event(agent, "a-2", "pakn_received", "2025-03-03T09:00", &seq, &dup, code, 4,
                           "pakn", "P-1", "contact", "C-1", "text", "Hồ sơ trễ hạn", "caller_name",
                           "Nguyễn Văn An"),
                     CC_MSG_ACK);
    /* The same event id again: acknowledged, not applied. */
    assert_int_equal(event(agent, "a-2", "pakn_received", "2025-03-03T09:00", &seq2, &dup, code, 4,
                           "pakn", "P-1", "contact", "C-1", "text", "Hồ sơ trễ hạn", "caller_name",
                           "Nguyễn Văn An"),
                     CC_MSG_ACK);
    assert_true(dup);
    assert_int_equal(seq2, seq);
    /* Illegal: accept before assignment (agent), answer by a contact point. */
    assert_int_equal(
        event(cp, "c-1", "pakn_accepted", "2025-03-03T09:00", &seq, &dup, code, 1, "pakn", "P-1"),
        CC_MSG_ERROR);
    assert_string_equal(code, "not_authorized");
    assert_int_equal(event(agent, "a-3", "pakn_assigned", "2025-03-03T09:00", &seq, &dup, code, 2,
                           "pakn", "P-1", "unit", "SO-TP"),
                     CC_MSG_ERROR);
    assert_string_equal(code, "illegal_transition");
    /* Move the clock past the level-1 deadline (17:00): escalated at once. */
    cc_enc_init(&e);
    cc_enc_map(&e, 3);
    cc_enc_kv_u64(&e, "rid", ++rid);
    cc_enc_kv_str(&e, "q", "clock");
    cc_enc_kv_i64(&e, "t", T("2025-03-04T08:00"));
    assert_int_equal(request(oper, CC_MSG_QUERY, &e, &m), CC_MSG_RESULT);
    cc_msg_deinit(&m);
    cc_enc_map(&e, 3);
    cc_enc_kv_u64(&e, "rid", ++rid);
    cc_enc_kv_str(&e, "q", "pakn");
    cc_enc_kv_str(&e, "id", "P-1");
    assert_int_equal(request(oper, CC_MSG_QUERY, &e, &m), CC_MSG_RESULT);
    {
        const msgpack_object *p = cc_map_find(&m.body, "pakn");
        int64_t level = 0;

        assert_non_null(p);
        cc_map_i64(p, "level", &level);
        assert_int_equal(level, 2);
    }
    cc_msg_deinit(&m);
    /* The log by cursor: contact, received, escalated; no personal data. */
    cc_enc_map(&e, 3);
    cc_enc_kv_u64(&e, "rid", ++rid);
    cc_enc_kv_u64(&e, "after", 0);
    cc_enc_kv_u64(&e, "max", 100);
    assert_int_equal(request(oper, CC_MSG_READ, &e, &m), CC_MSG_BATCH);
    cc_map_u64(&m.body, "head", &head);
    assert_int_equal(head, 3);
    {
        const msgpack_object *evs = cc_map_find(&m.body, "events");
        char type[32];

        assert_int_equal(evs->via.array.size, 3);
        for (uint32_t i = 0; i < evs->via.array.size; i++) {
            const msgpack_object *rec = &evs->via.array.ptr[i].via.array.ptr[1];

            assert_null(cc_map_find(rec, "caller_name"));
            assert_null(cc_map_find(rec, "text"));
        }
        cc_map_strcpy(&evs->via.array.ptr[2].via.array.ptr[1], "type", type, sizeof(type));
        assert_string_equal(type, "pakn_escalated");
    }
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);
    zmq_close(agent);
    zmq_close(cp);
    zmq_close(oper);
}

int main(void)
{
    const struct CMUnitTest tests[] = { cmocka_unit_test(test_smoke) };

    return cmocka_run_group_tests(tests, setup, teardown);
}
