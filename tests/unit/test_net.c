/*
 * test_net.c - binding daemon sockets (cc_socket_bind in
 * daemons/common/cc_net.{h,c}): the endpoints it takes, those it refuses
 * with a reason, and that a bound socket really serves ZeroMQ peers.
 */
#include <errno.h>
#include <netinet/in.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>
#include <zmq.h>

#include "cc_net.h"
#include "support.h"

/* A DEALER connected to @ep sends one frame; the ROUTER @router gets it. */
static void assert_serves(void *zctx, void *router, const char *ep)
{
    void *dealer = zmq_socket(zctx, ZMQ_DEALER);
    int timeout = 3000, ipv6 = 1;
    char buf[16];

    assert_non_null(dealer);
    zmq_setsockopt(dealer, ZMQ_IPV6, &ipv6, sizeof(ipv6)); /* to reach tcp://[::1] */
    assert_int_equal(zmq_connect(dealer, ep), 0);
    assert_int_equal(zmq_send(dealer, "ping", 4, 0), 4);
    zmq_setsockopt(router, ZMQ_RCVTIMEO, &timeout, sizeof(timeout));
    assert_true(zmq_recv(router, buf, sizeof(buf), 0) > 0); /* routing id */
    assert_int_equal(zmq_recv(router, buf, sizeof(buf), 0), 4);
    assert_memory_equal(buf, "ping", 4);
    zmq_close(dealer);
}

static void test_numeric_endpoints_serve(void **state)
{
    static const char *const hosts[] = { "127.0.0.1", "*", "[::1]" };
    void *zctx = zmq_ctx_new();
    (void)state;

    for (size_t i = 0; i < sizeof(hosts) / sizeof(hosts[0]); i++) {
        char ep[64], peer[64], err[160] = "";
        int port = free_port();
        void *router = cc_socket_new(zctx, ZMQ_ROUTER);
        int r;

        snprintf(ep, sizeof(ep), "tcp://%s:%d", hosts[i], port);
        r = cc_socket_bind(router, ep, err, sizeof(err));
        if (r == -EAFNOSUPPORT || r == -EADDRNOTAVAIL) { /* a host without IPv6 */
            zmq_close(router);
            continue;
        }
        assert_int_equal(r, 0);
        snprintf(peer, sizeof(peer), i == 2 ? "tcp://[::1]:%d" : "tcp://127.0.0.1:%d", port);
        assert_serves(zctx, router, peer);
        zmq_close(router);
    }
    zmq_ctx_term(zctx);
}

static void test_refused_endpoints(void **state)
{
    static const struct {
        const char *ep, *why;
    } refused[] = {
        { "tcp://localhost:7301", "numeric" },
        { "tcp://eth0:7301", "numeric" },
        { "tcp://127.0.0.1", "tcp://HOST:PORT" },
        { "tcp://:7301", "tcp://HOST:PORT" },
        { "tcp://127.0.0.1:0", "port" },
        { "tcp://127.0.0.1:65536", "port" },
        { "tcp://127.0.0.1:73x1", "port" },
        { "tcp://127.0.0.1:-1", "port" },
        { "tcp://[::1:7301", "numeric" },
        { "tcp://999.0.0.1:7301", "numeric" },
        { "carrier-pigeon://127.0.0.1:7301", "cannot bind" },
    };
    void *zctx = zmq_ctx_new();
    void *router = cc_socket_new(zctx, ZMQ_ROUTER);
    (void)state;

    for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
        char err[160] = "";

        assert_true(cc_socket_bind(router, refused[i].ep, err, sizeof(err)) < 0);
        if (strstr(err, refused[i].ep) == NULL || strstr(err, refused[i].why) == NULL)
            fail_msg("%s: reason \"%s\" lacks \"%s\"", refused[i].ep, err, refused[i].why);
    }
    zmq_close(router);
    zmq_ctx_term(zctx);
}

static void test_port_in_use(void **state)
{
    void *zctx = zmq_ctx_new();
    void *a = cc_socket_new(zctx, ZMQ_ROUTER), *b = cc_socket_new(zctx, ZMQ_ROUTER);
    char ep[64], err[160] = "";
    (void)state;

    snprintf(ep, sizeof(ep), "tcp://127.0.0.1:%d", free_port());
    assert_int_equal(cc_socket_bind(a, ep, err, sizeof(err)), 0);
    assert_int_equal(cc_socket_bind(b, ep, err, sizeof(err)), -EADDRINUSE);
    assert_non_null(strstr(err, "Address already in use"));
    /* Closing the first socket frees the port (libzmq owns our descriptor
     * and closes it in its I/O thread, soon after zmq_close returns). */
    zmq_close(a);
    for (int i = 0; cc_socket_bind(b, ep, err, sizeof(err)) != 0; i++) {
        assert_true(i < 200);
        usleep(10 * 1000);
    }
    zmq_close(b);
    zmq_ctx_term(zctx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_numeric_endpoints_serve),
        cmocka_unit_test(test_refused_endpoints),
        cmocka_unit_test(test_port_in_use),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
