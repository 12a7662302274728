/*
 * Unit tests of the cchc tool's parts: JSON <-> MessagePack (cc_json), the
 * command line (cc_cli), unit lists, and the client library's push engine
 * (cc_client) against a scripted peer: a real ZeroMQ ROUTER in a thread of
 * this test, which answers, reorders, drops and refuses events as each test
 * case says, so that ordering, retries and give-up are checked exactly.
 * The real daemons are exercised by the integration tests.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#include <cmocka.h>

#include "cc_cli.h"
#include "cc_client.h"
#include "cc_push.h"
#include "cc_hotline.h"
#include "cc_json.h"
#include "cc_net.h"

/* 2025-03-03T09:00:00+07:00 */
#define T_0900 1740967200

/* ---- helpers ------------------------------------------------------------------ */

/* Convert a JSON text to MessagePack and decode it back to an object. */
static int to_msg(const char *text, cc_msg_t *ret, cc_json_error_t *err)
{
    json_error_t jerr;
    json_t *j = json_loads(text, 0, &jerr);
    cc_enc_t e;
    char why[128];
    int r;

    if (j == NULL)
        fail_msg("test JSON does not parse: %s: %s", text, jerr.text);
    cc_enc_init(&e);
    r = cc_json_to_msgpack(j, &e, err);
    if (r == 0)
        assert_int_equal(
            cc_body_decode(e.buf.data, e.buf.size, &cc_limits_reply, ret, why, sizeof(why)), 0);
    cc_enc_deinit(&e);
    json_decref(j);
    return r;
}

static void assert_json_equal(json_t *got, const char *want_text)
{
    json_t *want = json_loads(want_text, 0, NULL);
    char *g = json_dumps(got, JSON_COMPACT | JSON_SORT_KEYS);

    assert_non_null(want);
    if (!json_equal(got, want))
        fail_msg("got %s, want %s", g, want_text);
    free(g);
    json_decref(want);
    json_decref(got);
}

/* ---- JSON <-> MessagePack --------------------------------------------------------- */

static void test_round_trip(void **state)
{
    static const char *const texts[] = {
        "{}",
        ("{\"eid\":\"E-1\",\"type\":\"received\",\"n\":42,\"neg\":-7,\"big\":9007199254740993,"
         "\"min\":-9223372036854775808,\"max\":9223372036854775807}"),
        "{\"ok\":true,\"no\":false,\"nothing\":null,\"empty\":\"\",\"list\":[1,\"a\",[true,{}]]}",
        "{\"vi\":\"Hồ sơ đã xử lý xong — trễ hạn\",\"nested\":{\"a\":{\"b\":[{\"c\":1}]}}}",
    };
    (void)state;
    for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
        cc_msg_t m = { 0 };

        assert_int_equal(to_msg(texts[i], &m, NULL), 0);
        assert_json_equal(cc_json_from_msgpack(&m.body, 0), texts[i]);
        cc_msg_deinit(&m);
    }
}

static void test_integers_keep_their_type(void **state)
{
    cc_msg_t m = { 0 };
    (void)state;
    assert_int_equal(to_msg("{\"a\":5,\"b\":-5,\"c\":0}", &m, NULL), 0);
    assert_int_equal(cc_map_find(&m.body, "a")->type, MSGPACK_OBJECT_POSITIVE_INTEGER);
    assert_int_equal(cc_map_find(&m.body, "b")->type, MSGPACK_OBJECT_NEGATIVE_INTEGER);
    assert_int_equal(cc_map_find(&m.body, "c")->type, MSGPACK_OBJECT_POSITIVE_INTEGER);
    cc_msg_deinit(&m);
}

static void test_time_keys(void **state)
{
    (void)state;
    assert_true(cc_json_is_time_key("at", 2));
    assert_true(cc_json_is_time_key("deadline", 8));
    assert_true(cc_json_is_time_key("promised", 8));
    assert_true(cc_json_is_time_key("due", 3));
    assert_true(cc_json_is_time_key("received_at", 11));
    assert_true(cc_json_is_time_key("x_at", 4));
    assert_false(cc_json_is_time_key("_at", 3));
    assert_false(cc_json_is_time_key("eid", 3));
    assert_false(cc_json_is_time_key("atx", 3));
    assert_false(cc_json_is_time_key("date", 4));
    assert_false(cc_json_is_time_key("due_date", 8));
    /* "at" as a prefix of a longer slice does not count */
    assert_false(cc_json_is_time_key("attempts", 8));
}

static void test_iso_times_converted(void **state)
{
    cc_msg_t m = { 0 };
    int64_t v;
    cc_str_t s;
    (void)state;
    assert_int_equal(to_msg("{\"at\":\"2025-03-03T09:00:00+07:00\","
                            "\"deadline\":\"2025-03-03T02:00:00Z\","
                            "\"promised\":\"2025-03-03T09:00\","
                            "\"due\":\"2025-03-03\","
                            "\"received_at\":\"2025-03-03 09:00:00\","
                            "\"raised_at\":1740967200,"
                            "\"note\":\"2025-03-03T09:00:00+07:00\","
                            "\"inner\":{\"x_at\":\"2025-03-03T10:00:00+08:00\"}}",
                            &m, NULL),
                     0);
    assert_int_equal(cc_map_i64(&m.body, "at", &v), 0);
    assert_int_equal(v, T_0900);
    assert_int_equal(cc_map_i64(&m.body, "deadline", &v), 0);
    assert_int_equal(v, T_0900);
    assert_int_equal(cc_map_i64(&m.body, "promised", &v), 0);
    assert_int_equal(v, T_0900);
    assert_int_equal(cc_map_i64(&m.body, "due", &v), 0);
    assert_int_equal(v, T_0900 - 9 * 3600);
    assert_int_equal(cc_map_i64(&m.body, "received_at", &v), 0);
    assert_int_equal(v, T_0900);
    assert_int_equal(cc_map_i64(&m.body, "raised_at", &v), 0);
    assert_int_equal(v, T_0900);
    /* not a time key: the string stays a string */
    assert_int_equal(cc_map_str(&m.body, "note", &s), 0);
    assert_true(cc_str_eq(s, "2025-03-03T09:00:00+07:00"));
    assert_int_equal(cc_map_i64(cc_map_find(&m.body, "inner"), "x_at", &v), 0);
    assert_int_equal(v, T_0900);
    /* and back to ISO strings when asked */
    assert_json_equal(cc_json_from_msgpack(&m.body, CC_JSON_ISO_TIMES),
                      "{\"at\":\"2025-03-03T09:00:00+07:00\","
                      "\"deadline\":\"2025-03-03T09:00:00+07:00\","
                      "\"promised\":\"2025-03-03T09:00:00+07:00\","
                      "\"due\":\"2025-03-03T00:00:00+07:00\","
                      "\"received_at\":\"2025-03-03T09:00:00+07:00\","
                      "\"raised_at\":\"2025-03-03T09:00:00+07:00\","
                      "\"note\":\"2025-03-03T09:00:00+07:00\","
                      "\"inner\":{\"x_at\":\"2025-03-03T09:00:00+07:00\"}}");
    cc_msg_deinit(&m);
}

static void test_iso_zero_stays_zero(void **state)
{
    cc_msg_t m = { 0 };
    (void)state;
    assert_int_equal(to_msg("{\"promised\":0,\"at\":1740967200}", &m, NULL), 0);
    assert_json_equal(cc_json_from_msgpack(&m.body, CC_JSON_ISO_TIMES),
                      "{\"promised\":0,\"at\":\"2025-03-03T09:00:00+07:00\"}");
    cc_msg_deinit(&m);
}

static void expect_refused(const char *text, const char *field, const char *why_part)
{
    cc_json_error_t err;
    cc_msg_t m = { 0 };

    memset(&err, 0, sizeof(err));
    assert_int_equal(to_msg(text, &m, &err), -EINVAL);
    assert_string_equal(err.field, field);
    if (strstr(err.why, why_part) == NULL)
        fail_msg("reason '%s' lacks '%s'", err.why, why_part);
}

static void test_refusals(void **state)
{
    (void)state;
    expect_refused("{\"amount\":1.5}", "amount", "fractional");
    expect_refused("{\"amount\":1e300}", "amount", "fractional");
    expect_refused("{\"amount\":9.3e18}", "amount", "fractional");
    expect_refused("{\"list\":[1,2.25]}", "", "fractional");
    expect_refused("{\"at\":\"yesterday\"}", "at", "ISO 8601");
    expect_refused("{\"at\":\"2025-13-01T00:00:00+07:00\"}", "at", "ISO 8601");
    expect_refused("{\"deadline\":\"\"}", "deadline", "ISO 8601");
    expect_refused("{\"x\":{\"paid_at\":\"soon\"}}", "paid_at", "ISO 8601");
}

static void test_integral_floats_accepted(void **state)
{
    cc_msg_t m = { 0 };
    int64_t v;
    (void)state;
    assert_int_equal(to_msg("{\"amount\":3.0,\"neg\":-2.0,\"e\":1e3}", &m, NULL), 0);
    assert_int_equal(cc_map_i64(&m.body, "amount", &v), 0);
    assert_int_equal(v, 3);
    assert_int_equal(cc_map_i64(&m.body, "neg", &v), 0);
    assert_int_equal(v, -2);
    assert_int_equal(cc_map_i64(&m.body, "e", &v), 0);
    assert_int_equal(v, 1000);
    cc_msg_deinit(&m);
}

static void test_too_deep(void **state)
{
    char text[4 * CC_JSON_MAX_DEPTH + 64];
    size_t n = 0;
    cc_json_error_t err;
    cc_msg_t m = { 0 };
    (void)state;
    for (int i = 0; i <= CC_JSON_MAX_DEPTH + 1; i++)
        text[n++] = '[';
    for (int i = 0; i <= CC_JSON_MAX_DEPTH + 1; i++)
        text[n++] = ']';
    text[n] = '\0';
    assert_int_equal(to_msg(text, &m, &err), -EINVAL);
}

static void test_event_from_line(void **state)
{
    cc_json_error_t err;
    char eid[CC_MAX_ID + 1];
    cc_enc_t e;
    const char *line = "{\"eid\":\"E7\",\"type\":\"resolved\",\"at\":\"2025-03-03T09:00:00+07:00\","
                       "\"dossier\":\"HS-1\"}  \r";
    (void)state;
    cc_enc_init(&e);
    assert_int_equal(cc_json_event_from_line(line, strlen(line), &e, eid, sizeof(eid), &err), 0);
    assert_string_equal(eid, "E7");
    assert_int_equal(cc_body_check(e.buf.data, e.buf.size, NULL, NULL, 0), 0);

    assert_int_equal(cc_json_event_from_line("not json", 8, &e, eid, sizeof(eid), &err), -EBADMSG);
    assert_non_null(strstr(err.why, "invalid JSON"));
    assert_string_equal(eid, "");
    assert_int_equal(cc_json_event_from_line("[1,2]", 5, &e, eid, sizeof(eid), &err), -EBADMSG);
    assert_int_equal(cc_json_event_from_line("{\"a\":1} {", 9, &e, eid, sizeof(eid), &err),
                     -EBADMSG);
    assert_int_equal(cc_json_event_from_line("{\"a\":1,\"a\":2}", 13, &e, eid, sizeof(eid), &err),
                     -EBADMSG);
    assert_int_equal(cc_json_event_from_line("{\"a\":\"\\u0000\"}", 14, &e, eid, sizeof(eid), &err),
                     -EBADMSG);
    /* the eid is known even when a field is refused, for the result line */
    line = "{\"eid\":\"E8\",\"amount\":0.5}";
    assert_int_equal(cc_json_event_from_line(line, strlen(line), &e, eid, sizeof(eid), &err),
                     -EINVAL);
    assert_string_equal(eid, "E8");
    assert_string_equal(err.field, "amount");
    cc_enc_deinit(&e);
}

static void test_from_msgpack_edges(void **state)
{
    cc_enc_t e;
    cc_msg_t m = { 0 };
    char why[128];
    (void)state;
    cc_enc_init(&e);
    cc_enc_map(&e, 2);
    cc_enc_kv_u64(&e, "huge", UINT64_MAX);
    cc_enc_kv_i64(&e, "small", INT64_MIN);
    assert_int_equal(cc_body_decode(e.buf.data, e.buf.size, NULL, &m, why, sizeof(why)), 0);
    assert_json_equal(cc_json_from_msgpack(&m.body, 0),
                      "{\"huge\":\"18446744073709551615\",\"small\":-9223372036854775808}");
    cc_msg_deinit(&m);
    cc_enc_deinit(&e);
}

static void test_write_str(void **state)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    json_t *back;
    (void)state;
    assert_non_null(f);
    assert_int_equal(cc_json_write_str(f, "a\"b\\c\n\t\r\x01 Hồ sơ"), 0);
    fclose(f);
    assert_string_equal(buf, "\"a\\\"b\\\\c\\n\\t\\r\\u0001 Hồ sơ\"");
    back = json_loads(buf, JSON_DECODE_ANY, NULL);
    assert_non_null(back);
    assert_string_equal(json_string_value(back), "a\"b\\c\n\t\r\x01 Hồ sơ");
    json_decref(back);
    free(buf);
}

/* ---- unit lists and the command line ----------------------------------------------- */

static void test_units_parse(void **state)
{
    char units[4][CC_MAX_CODE + 1];
    char big[CC_MAX_CODE + 8];
    size_t n = 0;
    (void)state;
    assert_int_equal(cc_units_parse("H-BIENHOA,TTHCC", units, 4, &n), 0);
    assert_int_equal(n, 2);
    assert_string_equal(units[0], "H-BIENHOA");
    assert_string_equal(units[1], "TTHCC");
    assert_int_equal(cc_units_parse("*", units, 4, &n), 0);
    assert_int_equal(n, 1);
    assert_string_equal(units[0], "*");
    assert_int_equal(cc_units_parse("A,*", NULL, 4, &n), -EINVAL);
    assert_int_equal(cc_units_parse("*,A", NULL, 4, &n), -EINVAL);
    assert_int_equal(cc_units_parse("", NULL, 4, &n), -EINVAL);
    assert_int_equal(cc_units_parse("A,,B", NULL, 4, &n), -EINVAL);
    assert_int_equal(cc_units_parse("A,", NULL, 4, &n), -EINVAL);
    assert_int_equal(cc_units_parse("A B", NULL, 4, &n), -EINVAL);
    assert_int_equal(cc_units_parse("A,B,C,D,E", units, 4, &n), -E2BIG);
    memset(big, 'X', CC_MAX_CODE + 1);
    big[CC_MAX_CODE + 1] = '\0';
    assert_int_equal(cc_units_parse(big, NULL, 4, &n), -EINVAL);
    big[CC_MAX_CODE] = '\0';
    assert_int_equal(cc_units_parse(big, NULL, 4, &n), 0);
}

static const char *test_env(const char *name)
{
    if (strcmp(name, "CCHC_INTAKE") == 0)
        return "tcp://10.0.0.1:9001";
    if (strcmp(name, "CCHC_WHO") == 0)
        return "quay-01";
    if (strcmp(name, "CCHC_HOTLINE_KEY") == 0)
        return "/etc/cchc/hotline.pub";
    if (strcmp(name, "CCHC_KEY") == 0)
        return "/home/quay/.config/cchc/quay.key";
    return NULL;
}

/* argv[0] of the parsed command lines (argv strings are writable in C). */
static char prog[] = "cchc";

static int parse(cc_cli_t *cli, char *err, size_t err_len, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;
    char *a;

    argv[argc++] = prog;
    va_start(ap, err_len);
    while ((a = va_arg(ap, char *)) != NULL)
        argv[argc++] = a;
    va_end(ap);
    return cc_cli_parse(argc, argv, test_env, cli, err, err_len);
}

static void test_cli_defaults_and_env(void **state)
{
    cc_cli_t cli;
    char err[256];
    (void)state;
    assert_int_equal(cc_cli_parse(1, (char *[]){ prog }, NULL, &cli, err, sizeof(err)), 0);
    assert_null(cli.command);
    assert_string_equal(cli.endpoint[CC_EP_INTAKE], "tcp://127.0.0.1:7301");
    assert_string_equal(cli.endpoint[CC_EP_HOTLINE], "tcp://127.0.0.1:7302");
    assert_string_equal(cli.endpoint[CC_EP_SCORING], "tcp://127.0.0.1:7303");
    assert_string_equal(cli.who, "cchc");
    assert_string_equal(cli.units, "*");
    assert_int_equal(cli.timeout_ms, 3000);
    assert_false(cli.timeout_set);

    assert_int_equal(parse(&cli, err, sizeof(err), "push", NULL), 0);
    assert_string_equal(cli.endpoint[CC_EP_INTAKE], "tcp://10.0.0.1:9001");
    assert_string_equal(cli.who, "quay-01");
    /* the command line wins over the environment */
    assert_int_equal(parse(&cli, err, sizeof(err), "--intake=tcp://127.0.0.1:17301", "push",
                           "--who=quay-02", NULL),
                     0);
    assert_string_equal(cli.endpoint[CC_EP_INTAKE], "tcp://127.0.0.1:17301");
    assert_string_equal(cli.who, "quay-02");
}

/* CurveZMQ keys: the daemons' public keys and our key pair, from the
 * environment or the command line; whether --who / --units were given. */
static void test_cli_keys(void **state)
{
    cc_cli_t cli;
    char err[256];

    (void)state;
    assert_int_equal(cc_cli_parse(1, (char *[]){ prog }, NULL, &cli, err, sizeof(err)), 0);
    for (int i = 0; i < CC_EP_COUNT_; i++)
        assert_null(cli.server_key[i]);
    assert_null(cli.key_file);
    assert_null(cli.secret_key);
    assert_false(cli.who_given || cli.units_given);
    assert_int_equal(parse(&cli, err, sizeof(err), "push", NULL), 0);
    assert_null(cli.server_key[CC_EP_INTAKE]);
    assert_string_equal(cli.server_key[CC_EP_HOTLINE], "/etc/cchc/hotline.pub");
    assert_string_equal(cli.key_file, "/home/quay/.config/cchc/quay.key");
    assert_true(cli.who_given); /* $CCHC_WHO */
    assert_false(cli.units_given);
    assert_int_equal(
        parse(&cli, err, sizeof(err), "--intake-key=intake.pub", "push", "--key=mine.key",
              "--scoring-key=Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID", "--units=SO-TP", NULL),
        0);
    assert_string_equal(cli.server_key[CC_EP_INTAKE], "intake.pub");
    assert_string_equal(cli.server_key[CC_EP_SCORING], "Yne@$w-vo<fVvi]a<NY6T1ed:M$fCG*[IaLV{hID");
    assert_string_equal(cli.key_file, "mine.key");
    assert_true(cli.units_given && cli.units_set);
    assert_int_equal(cli.n_opts, 0); /* global options, not the command's */
    assert_int_equal(parse(&cli, err, sizeof(err), "--intake-key=", "push", NULL), -EINVAL);
    assert_non_null(strstr(err, "public key"));
    assert_int_equal(parse(&cli, err, sizeof(err), "--key=", "push", NULL), -EINVAL);
    assert_non_null(strstr(err, "key pair file"));
}

static void test_cli_command_args_options(void **state)
{
    cc_cli_t cli;
    char err[256];
    const char *v = NULL;
    (void)state;
    assert_int_equal(parse(&cli, err, sizeof(err), "--units=H-BIENHOA,TTHCC", "report",
                           "--unit=TTHCC", "--from=2025-01-01", "--json", "--timeout=500", "extra",
                           NULL),
                     0);
    assert_string_equal(cli.command, "report");
    assert_string_equal(cli.units, "H-BIENHOA,TTHCC");
    assert_int_equal(cli.timeout_ms, 500);
    assert_true(cli.timeout_set);
    assert_int_equal(cli.n_args, 1);
    assert_string_equal(cli.args[0], "extra");
    assert_int_equal(cli.n_opts, 3);
    assert_true(cc_cli_opt(&cli, "unit", &v));
    assert_string_equal(v, "TTHCC");
    assert_true(cc_cli_opt(&cli, "json", &v));
    assert_null(v);
    assert_false(cc_cli_opt(&cli, "csv", NULL));
    assert_false(cc_cli_opt(&cli, "uni", NULL));
    assert_int_equal(cc_cli_check_opts(&cli,
                                       (const char *const[]){ "unit=", "from=", "json", NULL }, err,
                                       sizeof(err)),
                     0);
    assert_int_equal(
        cc_cli_check_opts(&cli, (const char *const[]){ "unit=", "json", NULL }, err, sizeof(err)),
        -EINVAL);
    assert_string_equal(err, "unknown option --from for report");
    /* a flag given a value, a value option given none */
    assert_int_equal(cc_cli_check_opts(&cli, (const char *const[]){ "unit", "from=", "json", NULL },
                                       err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "--unit takes no value");
    assert_int_equal(cc_cli_check_opts(&cli,
                                       (const char *const[]){ "unit=", "from=", "json=", NULL },
                                       err, sizeof(err)),
                     -EINVAL);
    assert_string_equal(err, "--json needs a value (--json=...)");

    /* "--" ends the options; "-" alone is an operand */
    assert_int_equal(parse(&cli, err, sizeof(err), "ctl", "--", "--weird", "-", NULL), 0);
    assert_int_equal(cli.n_args, 2);
    assert_string_equal(cli.args[0], "--weird");
    assert_string_equal(cli.args[1], "-");
    assert_int_equal(cli.n_opts, 0);

    assert_int_equal(parse(&cli, err, sizeof(err), "push", "--help", NULL), 0);
    assert_true(cli.help);
    assert_string_equal(cli.command, "push");
    assert_int_equal(parse(&cli, err, sizeof(err), "-h", NULL), 0);
    assert_true(cli.help);
}

static void test_cli_usage_errors(void **state)
{
    cc_cli_t cli;
    char err[256];
    (void)state;
    assert_int_equal(parse(&cli, err, sizeof(err), "--timeout=0", NULL), -EINVAL);
    assert_int_equal(parse(&cli, err, sizeof(err), "--timeout=abc", NULL), -EINVAL);
    assert_int_equal(parse(&cli, err, sizeof(err), "--timeout", NULL), -EINVAL);
    assert_int_equal(parse(&cli, err, sizeof(err), "--units=A,,B", NULL), -EINVAL);
    assert_int_equal(parse(&cli, err, sizeof(err), "--units=", NULL), -EINVAL);
    assert_int_equal(parse(&cli, err, sizeof(err), "--who=a b", NULL), -EINVAL);
    assert_int_equal(parse(&cli, err, sizeof(err), "--who=*", NULL), -EINVAL);
    assert_int_equal(parse(&cli, err, sizeof(err), "--intake", NULL), -EINVAL);
    assert_int_equal(parse(&cli, err, sizeof(err), "-x", NULL), -EINVAL);
    assert_string_equal(err, "unknown option -x");
    assert_int_equal(parse(&cli, err, sizeof(err), "report", "--bogus", "1", NULL), -EINVAL);
    assert_string_equal(err, "unknown option --bogus");
    assert_int_equal(parse(&cli, err, sizeof(err), "report", "--unit", NULL), -EINVAL);
    assert_string_equal(err, "option --unit needs a value");
    assert_int_equal(parse(&cli, err, sizeof(err), "report", "--json=yes", NULL), -EINVAL);
    assert_string_equal(err, "option --json takes no value");
    assert_int_equal(parse(&cli, err, sizeof(err), "-w", "a b", NULL), -EINVAL);
    assert_string_equal(err, "-w a b: the name must be 1..32 printable characters without spaces");
}

/* getopt_long conventions: the value after '=' or as the next argument,
 * short options alone, with their value glued, or flags in a cluster. */
static void test_cli_option_forms(void **state)
{
    static const char *const forms[][8] = {
        { "--who=gs", "report", "--unit=SO-TP", "--period=2025-Q1", "--json" },
        { "--who", "gs", "report", "--unit", "SO-TP", "--period", "2025-Q1", "--json" },
        { "-w", "gs", "report", "-u", "SO-TP", "-p", "2025-Q1", "-j" },
        { "report", "-wgs", "-juSO-TP", "-p2025-Q1" },
        { "report", "-j", "--period", "2025-Q1", "-w", "gs", "--unit=SO-TP" },
    };
    const char *v = NULL;
    cc_cli_t cli;
    char err[256];
    (void)state;

    for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
        const char *const *f = forms[i];

        assert_int_equal(
            parse(&cli, err, sizeof(err), f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], NULL), 0);
        assert_string_equal(cli.command, "report");
        assert_string_equal(cli.who, "gs");
        assert_int_equal(cli.n_args, 0);
        assert_true(cc_cli_opt(&cli, "unit", &v));
        assert_string_equal(v, "SO-TP");
        assert_true(cc_cli_opt(&cli, "period", &v));
        assert_string_equal(v, "2025-Q1");
        assert_true(cc_cli_opt(&cli, "json", &v));
        assert_null(v);
    }
    /* the global short options */
    assert_int_equal(
        parse(&cli, err, sizeof(err), "-U", "SO-TP,X-TANPHONG", "-t", "250", "-V", "push", NULL),
        0);
    assert_string_equal(cli.units, "SO-TP,X-TANPHONG");
    assert_true(cli.units_set);
    assert_int_equal(cli.timeout_ms, 250);
    assert_true(cli.version);
    /* an operand that looks like an option, after "--" */
    assert_int_equal(
        parse(&cli, err, sizeof(err), "pakn", "answer", "PA-1", "--text", "--", "--", "-x", NULL),
        0);
    assert_true(cc_cli_opt(&cli, "text", &v));
    assert_string_equal(v, "--");
    assert_int_equal(cli.n_args, 3);
    assert_string_equal(cli.args[2], "-x");
    /* every command option is named once in the tool's vocabulary */
    for (const cc_cli_option_t *a = cc_cli_command_options; a->name; a++) {
        for (const cc_cli_option_t *b = a + 1; b->name; b++) {
            assert_string_not_equal(a->name, b->name);
            assert_true(a->short_name == 0 || a->short_name != b->short_name);
        }
        for (const cc_cli_option_t *g = cc_cli_globals; g->name; g++) {
            assert_string_not_equal(a->name, g->name);
            assert_true(a->short_name == 0 || a->short_name != g->short_name);
        }
    }
}

static void test_cli_values(void **state)
{
    uint64_t u;
    int64_t t, from, to;
    (void)state;
    assert_int_equal(cc_cli_uint("1000", 1, 65536, &u), 0);
    assert_int_equal(u, 1000);
    assert_int_equal(cc_cli_uint("0", 1, 65536, &u), -EINVAL);
    assert_int_equal(cc_cli_uint("65537", 1, 65536, &u), -EINVAL);
    assert_int_equal(cc_cli_uint("-1", 0, 10, &u), -EINVAL);
    assert_int_equal(cc_cli_uint("12x", 0, 100, &u), -EINVAL);
    assert_int_equal(cc_cli_uint("", 0, 100, &u), -EINVAL);
    assert_int_equal(cc_cli_uint("99999999999999999999999", 0, UINT64_MAX, &u), -EINVAL);

    assert_int_equal(cc_cli_duration("60s", 86400000, &u), 0);
    assert_int_equal(u, 60000);
    assert_int_equal(cc_cli_duration("90", 86400000, &u), 0);
    assert_int_equal(u, 90000);
    assert_int_equal(cc_cli_duration("250ms", 86400000, &u), 0);
    assert_int_equal(u, 250);
    assert_int_equal(cc_cli_duration("2m", 86400000, &u), 0);
    assert_int_equal(u, 120000);
    assert_int_equal(cc_cli_duration("1h", 86400000, &u), 0);
    assert_int_equal(u, 3600000);
    assert_int_equal(cc_cli_duration("25h", 86400000, &u), -EINVAL);
    assert_int_equal(cc_cli_duration("5 s", 86400000, &u), -EINVAL);
    assert_int_equal(cc_cli_duration("s", 86400000, &u), -EINVAL);
    assert_int_equal(cc_cli_duration("-5s", 86400000, &u), -EINVAL);
    assert_int_equal(cc_cli_duration("10d", 86400000, &u), -EINVAL);
    assert_int_equal(cc_cli_duration("99999999999999999999s", 86400000, &u), -EINVAL);

    assert_int_equal(cc_cli_time("1740967200", &t), 0);
    assert_int_equal(t, T_0900);
    assert_int_equal(cc_cli_time("2025-03-03T09:00:00+07:00", &t), 0);
    assert_int_equal(t, T_0900);
    assert_int_equal(cc_cli_time("tomorrow", &t), -EINVAL);

    assert_int_equal(cc_cli_day_range("2025-03-03", "2025-03-03", &from, &to), 0);
    assert_int_equal(from, T_0900 - 9 * 3600);
    assert_int_equal(to, T_0900 + 15 * 3600 - 1);
    assert_int_equal(cc_cli_day_range("2024-12-15", "2025-03-14", &from, &to), 0);
    assert_int_equal(to - from + 1, 90 * 86400);
    assert_int_equal(cc_cli_day_range("2025-03-04", "2025-03-03", &from, &to), -EINVAL);
    assert_int_equal(cc_cli_day_range("2025-02-30", "2025-03-03", &from, &to), -EINVAL);
    assert_int_equal(cc_cli_day_range("2025-03-03T00:00", "2025-03-03", &from, &to), -EINVAL);
}

/* ---- hotline commands -> events (cc_hotline) ------------------------------------------ */

#define NOW_MS ((int64_t)T_0900 * 1000 + 123)

/* Parse a hotline command line, build its event; on success the event as
 * JSON (the caller checks and decrefs it) and what was built. */
static int build(json_t **ret_json, cc_hotline_event_t *ret_ev, char *err, size_t err_len, ...)
{
    char *argv[32];
    int argc = 0;
    va_list ap;
    char *a;
    cc_cli_t cli;
    cc_enc_t e;
    cc_msg_t m = { 0 };
    char why[128];
    int r;

    argv[argc++] = prog;
    va_start(ap, err_len);
    while ((a = va_arg(ap, char *)) != NULL)
        argv[argc++] = a;
    va_end(ap);
    if ((r = cc_cli_parse(argc, argv, test_env, &cli, err, err_len)) < 0)
        return r; /* the command line's shape, before any event */
    cc_enc_init(&e);
    r = cc_hotline_event_build(&cli, NOW_MS, &e, ret_ev, err, err_len);
    if (r == 0) {
        assert_int_equal(
            cc_body_decode(e.buf.data, e.buf.size, &cc_limits_request, &m, why, sizeof(why)), 0);
        *ret_json = cc_json_from_msgpack(&m.body, 0);
        cc_msg_deinit(&m);
    }
    cc_enc_deinit(&e);
    return r;
}

static void test_hotline_contact_log(void **state)
{
    cc_hotline_event_t ev;
    json_t *j = NULL;
    char err[256];
    (void)state;

    assert_int_equal(build(&j, &ev, err, sizeof(err), "contact", "log", "--id=C-1",
                           "--type=information", "--channel=phone", "--closed", "--unit=SO-TP",
                           "--who=tdv-01", NULL),
                     0);
    assert_json_equal(j, "{\"eid\":\"tdv-01-contact-C-1-1740967200123\",\"type\":\"contact\","
                         "\"at\":1740967200,\"contact\":\"C-1\",\"ctype\":\"information\","
                         "\"channel\":\"phone\",\"unit\":\"SO-TP\",\"closed\":true}");
    assert_string_equal(ev.type, "contact");
    assert_string_equal(ev.subject, "C-1");
    assert_string_equal(ev.role, "agent");
    assert_int_equal(ev.at, T_0900);
    /* without the optional ones */
    assert_int_equal(build(&j, &ev, err, sizeof(err), "contact", "log", "--id=C-2", "--type=pakn",
                           "--channel=zalo", "--at=2025-03-03T09:20:00+07:00", "--eid=e-1", NULL),
                     0);
    assert_json_equal(j, "{\"eid\":\"e-1\",\"type\":\"contact\",\"at\":1740968400,"
                         "\"contact\":\"C-2\",\"ctype\":\"pakn\",\"channel\":\"zalo\"}");
    assert_int_equal(build(&j, &ev, err, sizeof(err), "contact", "close", "C-2", NULL), 0);
    assert_json_equal(j, "{\"eid\":\"quay-01-contact_closed-C-2-1740967200123\","
                         "\"type\":\"contact_closed\",\"at\":1740967200,\"contact\":\"C-2\"}");
}

static void test_hotline_pakn_events(void **state)
{
    cc_hotline_event_t ev;
    json_t *j = NULL;
    char err[256];
    (void)state;

    assert_int_equal(build(&j, &ev, err, sizeof(err), "pakn", "receive", "--id=PA-1",
                           "--text=Hồ sơ trễ hạn", "--contact=C-2", "--dossier=HS-001", "--urgent",
                           "--caller-name=Nguyễn Văn An", "--caller-phone=0912345678",
                           "--at=1740968460", NULL),
                     0);
    assert_json_equal(j, "{\"eid\":\"quay-01-pakn_received-PA-1-1740967200123\","
                         "\"type\":\"pakn_received\",\"at\":1740968460,\"pakn\":\"PA-1\","
                         "\"text\":\"Hồ sơ trễ hạn\",\"contact\":\"C-2\",\"dossier\":\"HS-001\","
                         "\"urgent\":true,\"caller_name\":\"Nguyễn Văn An\","
                         "\"caller_phone\":\"0912345678\"}");
    assert_int_equal(
        build(&j, &ev, err, sizeof(err), "pakn", "classify", "PA-1", "--category=conduct", NULL),
        0);
    assert_json_equal(j, "{\"eid\":\"quay-01-pakn_classified-PA-1-1740967200123\","
                         "\"type\":\"pakn_classified\",\"at\":1740967200,\"pakn\":\"PA-1\","
                         "\"category\":\"conduct\"}");
    assert_int_equal(
        build(&j, &ev, err, sizeof(err), "pakn", "assign", "PA-1", "--unit=SO-TP", NULL), 0);
    assert_json_equal(j, "{\"eid\":\"quay-01-pakn_assigned-PA-1-1740967200123\","
                         "\"type\":\"pakn_assigned\",\"at\":1740967200,\"pakn\":\"PA-1\","
                         "\"unit\":\"SO-TP\"}");
    assert_int_equal(
        build(&j, &ev, err, sizeof(err), "pakn", "forward", "PA-1", "--outside=Bộ Công an", NULL),
        0);
    assert_json_equal(j, "{\"eid\":\"quay-01-pakn_forwarded-PA-1-1740967200123\","
                         "\"type\":\"pakn_forwarded\",\"at\":1740967200,\"pakn\":\"PA-1\","
                         "\"outside\":\"Bộ Công an\"}");
    assert_int_equal(
        build(&j, &ev, err, sizeof(err), "pakn", "refuse", "PA-1", "--reason=anonymous", NULL), 0);
    assert_json_equal(j, "{\"eid\":\"quay-01-pakn_refused-PA-1-1740967200123\","
                         "\"type\":\"pakn_refused\",\"at\":1740967200,\"pakn\":\"PA-1\","
                         "\"reason\":\"anonymous\"}");
    assert_int_equal(
        build(&j, &ev, err, sizeof(err), "pakn", "refuse", "PA-1", "--reason=rude", NULL), -EINVAL);
    static const char *const bare[][2] = { { "accept", "pakn_accepted" },
                                           { "publish", "pakn_published" },
                                           { "close", "pakn_closed" },
                                           { "reopen", "pakn_reopened" } };
    for (size_t i = 0; i < 4; i++) {
        char want[256];

        assert_int_equal(build(&j, &ev, err, sizeof(err), "pakn", bare[i][0], "PA-1", NULL), 0);
        snprintf(want, sizeof(want),
                 "{\"eid\":\"quay-01-%s-PA-1-1740967200123\",\"type\":\"%s\","
                 "\"at\":1740967200,\"pakn\":\"PA-1\"}",
                 bare[i][1], bare[i][1]);
        assert_json_equal(j, want);
        assert_string_equal(ev.type, bare[i][1]);
    }
    assert_int_equal(build(&j, &ev, err, sizeof(err), "pakn", "answer", "PA-1",
                           "--text=Đã trả kết quả", "--units=SO-TP", NULL),
                     0);
    assert_json_equal(j, "{\"eid\":\"quay-01-pakn_answered-PA-1-1740967200123\","
                         "\"type\":\"pakn_answered\",\"at\":1740967200,\"pakn\":\"PA-1\","
                         "\"answer\":\"Đã trả kết quả\"}");
    assert_string_equal(ev.role, "contact_point");
}

static void test_hotline_roles(void **state)
{
    cc_hotline_event_t ev;
    json_t *j = NULL;
    char err[256];
    (void)state;

    /* accept / answer: contact point when --units lists units, else agent */
    assert_int_equal(
        build(&j, &ev, err, sizeof(err), "pakn", "accept", "PA-1", "--units=SO-TP", NULL), 0);
    json_decref(j);
    assert_string_equal(ev.role, "contact_point");
    assert_int_equal(build(&j, &ev, err, sizeof(err), "pakn", "answer", "PA-1", "--text=x", NULL),
                     0);
    json_decref(j);
    assert_string_equal(ev.role, "agent");
    assert_int_equal(build(&j, &ev, err, sizeof(err), "pakn", "answer", "PA-1", "--text=x",
                           "--units=SO-TP", "--role=agent", NULL),
                     0);
    json_decref(j);
    assert_string_equal(ev.role, "agent");
    /* agent commands stay agent's whatever the units */
    assert_int_equal(
        build(&j, &ev, err, sizeof(err), "pakn", "publish", "PA-1", "--units=SO-TP", NULL), 0);
    json_decref(j);
    assert_string_equal(ev.role, "agent");
    assert_int_equal(
        build(&j, &ev, err, sizeof(err), "pakn", "publish", "PA-1", "--role=supervisor", NULL),
        -EINVAL);
    assert_non_null(strstr(err, "agent or contact_point"));
}

static void test_hotline_usage_errors(void **state)
{
    static const struct {
        const char *args[6];
        const char *why;
    } bad[] = {
        { { "contact", "log", "--type=pakn", "--channel=phone" }, "needs --id=" },
        { { "contact", "log", "--id=C-1", "--channel=phone" }, "needs --type=" },
        { { "contact", "log", "--id=C-1", "--type=letter", "--channel=phone" },
          "information|guidance|postal|pakn" },
        { { "contact", "log", "--id=C-1", "--type=pakn", "--channel=fax" },
          "phone|email|app|zalo|portal" },
        { { "contact", "log", "C-1", "--id=C-1", "--type=pakn", "--channel=phone" }, "no operand" },
        { { "pakn", "receive", "--id=PA-1" }, "needs --text=" },
        { { "pakn", "classify", "PA-1", "--category=weather" }, "procedure|conduct|proposal" },
        { { "pakn", "classify", "--category=conduct" }, "usage: cchc pakn classify ID" },
        { { "pakn", "assign", "PA-1" }, "needs --unit=" },
        { { "pakn", "assign", "PA-1", "--unit=SO-TP", "--urgent" }, "unknown option --urgent" },
        { { "pakn", "answer", "PA-1" }, "needs --text=" },
        { { "pakn", "publish", "PA 1" }, "is not an id" },
        { { "pakn", "publish", "PA-1", "--at=yesterday" }, "--at=yesterday" },
        { { "pakn", "publish", "PA-1", "--eid=a b", "--at=1740967200" }, "--eid=a b" },
        { { "pakn", "publish", "PA-1", "--eid=e-9" }, "--eid needs --at" },
        { { "pakn", "receive", "--id=PA-1", "--text=x", "--urgent=yes" }, "takes no value" },
        { { "pakn", "frobnicate", "PA-1" }, "unknown pakn subcommand" },
    };
    cc_hotline_event_t ev;
    json_t *j = NULL;
    char err[256];
    (void)state;

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        const char *const *a = bad[i].args;

        err[0] = '\0';
        assert_int_equal(build(&j, &ev, err, sizeof(err), a[0], a[1], a[2], a[3], a[4], a[5], NULL),
                         -EINVAL);
        if (strstr(err, bad[i].why) == NULL)
            fail_msg("case %zu: '%s' does not say '%s'", i, err, bad[i].why);
    }
}

static void test_hotline_eid(void **state)
{
    char a[CC_MAX_ID + 1], b[CC_MAX_ID + 1], c[CC_MAX_ID + 1];
    char who[CC_MAX_CODE + 1], id[CC_MAX_ID + 1];
    (void)state;

    assert_int_equal(
        cc_hotline_eid("tdv-01", "pakn_assigned", "PA-1", 1740967200123ull, a, sizeof(a)), 0);
    assert_string_equal(a, "tdv-01-pakn_assigned-PA-1-1740967200123");
    /* too long: who and time kept, the rest hashed, deterministic */
    memset(who, 'w', CC_MAX_CODE);
    who[CC_MAX_CODE] = '\0';
    memset(id, 'p', 58);
    id[58] = '\0';
    assert_int_equal(cc_hotline_eid(who, "pakn_classified", id, 1740967200123ull, a, sizeof(a)), 0);
    assert_int_equal(cc_hotline_eid(who, "pakn_classified", id, 1740967200123ull, b, sizeof(b)), 0);
    assert_string_equal(a, b);
    assert_true(strlen(a) <= CC_MAX_ID);
    assert_int_equal(strncmp(a, who, CC_MAX_CODE), 0);
    assert_non_null(strstr(a, "-1740967200123"));
    /* another type or id or time: another eid */
    assert_int_equal(cc_hotline_eid(who, "pakn_published", id, 1740967200123ull, c, sizeof(c)), 0);
    assert_string_not_equal(a, c);
    id[0] = 'q';
    assert_int_equal(cc_hotline_eid(who, "pakn_classified", id, 1740967200123ull, c, sizeof(c)), 0);
    assert_string_not_equal(a, c);
    assert_int_equal(cc_hotline_eid(who, "pakn_classified", id, 1740967200124ull, b, sizeof(b)), 0);
    assert_string_not_equal(b, c);
    assert_int_equal(cc_hotline_eid("w", "t", "i", 1, a, 16), -EINVAL);
}

static void test_hotline_help_and_kinds(void **state)
{
    cc_cli_t cli;
    char err[256];
    (void)state;

    assert_int_equal(parse(&cli, err, sizeof(err), "pakn", "assign", "--help", NULL), 0);
    assert_true(cc_hotline_is_event(&cli));
    assert_non_null(strstr(cc_hotline_help(&cli), "Usage: cchc pakn assign ID --unit=U"));
    assert_int_equal(parse(&cli, err, sizeof(err), "pakn", "show", "PA-1", NULL), 0);
    assert_false(cc_hotline_is_event(&cli));
    assert_non_null(strstr(cc_hotline_help(&cli), "Usage: cchc pakn show ID"));
    assert_int_equal(parse(&cli, err, sizeof(err), "pakn", "open", "--help", NULL), 0);
    assert_non_null(strstr(cc_hotline_help(&cli), "Usage: cchc pakn open --unit=U"));
    assert_int_equal(parse(&cli, err, sizeof(err), "pakn", NULL), 0);
    assert_non_null(strstr(cc_hotline_help(&cli), "pakn receive --id=PA-1"));
    assert_int_equal(parse(&cli, err, sizeof(err), "contact", "--help", NULL), 0);
    assert_non_null(strstr(cc_hotline_help(&cli), "contact log --id=C-1"));
}

/* ---- the push engine against a scripted peer ----------------------------------------- */

typedef enum {
    PEER_IN_ORDER,   /* answer every event at once */
    PEER_REVERSE,    /* hold events until all arrived, answer in reverse order */
    PEER_DROP_FIRST, /* ignore the first copy of every event, answer the second */
    PEER_OVERLOADED, /* "overloaded" to the first copy, then ACK */
    PEER_FORGET,     /* "Send HELLO first" to the first copy, ACK after a new HELLO */
    PEER_REFUSE_ODD, /* illegal_transition for odd eids, ACK for even; each ACKed twice */
    PEER_SILENT,     /* never answer events, nor pings */
    PEER_LOSE,       /* a reconnect: E0, E1 lost, E2 "Send HELLO first", then ACK all */
    PEER_RESTART,    /* killed at the first event: deaf for PEER_DOWN_MS (events and
                        pings lost), then back without the session */
    PEER_NO_SESSION, /* "Send HELLO first" to every event, however often HELLO comes */
    PEER_BATCH,      /* takes `evs`: one ACK per message, odd eids refused, copies dups */
} peer_mode_t;

#define PEER_DOWN_MS 300

#define PEER_MAX 64

typedef struct {
    void *router;
    peer_mode_t mode;
    size_t expect; /* events to hold in PEER_REVERSE */
    atomic_bool stop;
    /* what the peer saw */
    unsigned hellos;
    unsigned events_seen;
    unsigned copies[PEER_MAX]; /* per event number (eid "E<n>") */
    bool hello_before_resend;
    unsigned pings;       /* pings received (answered unless deaf) */
    uint64_t down_ms;     /* PEER_RESTART: deaf until this (monotonic ms), 0 = not yet */
    bool back;            /* PEER_RESTART: up again */
    unsigned deaf_copies; /* PEER_RESTART: events lost while deaf */
    int order[PEER_MAX];  /* PEER_LOSE: events in the order they came after the HELLO */
    size_t n_order;
    unsigned batches;         /* EVENT messages with `evs` answered (PEER_BATCH) */
    unsigned batches_refused; /* ... refused as an older daemon does (every other mode) */
    pthread_t thread;
} peer_t;

static int eid_number(const cc_request_t *req)
{
    const msgpack_object *ev = cc_map_find(&req->msg.body, "ev");
    char eid[CC_MAX_ID + 1];

    if (ev == NULL || cc_map_strcpy(ev, "eid", eid, sizeof(eid)) < 0 || eid[0] != 'E')
        return -1;
    return atoi(eid + 1);
}

/* An EVENT with `evs`: PEER_BATCH answers one ACK of arrays (odd eids
 * refused, copies seen before as duplicates); every other mode is a daemon
 * older than `evs`, which finds no `ev`. */
static void peer_batch(peer_t *p, const cc_request_t *req, const msgpack_object *evs)
{
    uint32_t n = evs->via.array.size, n_odd = 0, n_dup = 0;
    int nums[CC_MAX_EVS];
    cc_enc_t e;

    if (p->mode != PEER_BATCH) {
        p->batches_refused++;
        cc_router_error(p->router, req, CC_ERR_BAD_FIELD, "Thiếu 'ev'", "Missing 'ev'", "ev", NULL);
        return;
    }
    p->batches++;
    for (uint32_t i = 0; i < n; i++) {
        char eid[CC_MAX_ID + 1] = "";

        cc_map_strcpy(&evs->via.array.ptr[i], "eid", eid, sizeof(eid));
        nums[i] = atoi(eid + 1);
        assert_true(nums[i] >= 0 && nums[i] < PEER_MAX);
        p->events_seen++;
        n_dup += nums[i] % 2 == 0 && ++p->copies[nums[i]] > 1;
        n_odd += (uint32_t)(nums[i] % 2);
    }
    cc_enc_init(&e);
    cc_enc_map(&e, 4);
    cc_enc_kv_u64(&e, "rid", req->rid);
    cc_enc_str(&e, "seqs");
    cc_enc_array(&e, n);
    for (uint32_t i = 0; i < n; i++)
        cc_enc_u64(&e, nums[i] % 2 ? 0 : 100 + (uint64_t)nums[i]);
    cc_enc_str(&e, "dups");
    cc_enc_array(&e, n_dup);
    for (uint32_t i = 0; i < n; i++)
        if (nums[i] % 2 == 0 && p->copies[nums[i]] > 1)
            cc_enc_u64(&e, i);
    cc_enc_str(&e, "errors");
    cc_enc_array(&e, n_odd);
    for (uint32_t i = 0; i < n; i++) {
        if (nums[i] % 2 == 0)
            continue;
        cc_enc_map(&e, 5);
        cc_enc_kv_u64(&e, "i", i);
        cc_enc_kv_str(&e, "code", "illegal_transition");
        cc_enc_kv_str(&e, "vi", "Không được");
        cc_enc_kv_str(&e, "en", "Not allowed");
        cc_enc_kv_str(&e, "field", "type");
    }
    cc_router_send(p->router, req->id, req->id_len, CC_MSG_ACK, e.buf.data, e.buf.size);
    cc_enc_deinit(&e);
}

static void peer_ack(peer_t *p, const cc_request_t *req, int n)
{
    cc_enc_t e;
    char eid[16];

    snprintf(eid, sizeof(eid), "E%d", n);
    cc_enc_init(&e);
    cc_enc_map(&e, 4);
    cc_enc_kv_u64(&e, "rid", req->rid);
    cc_enc_kv_str(&e, "eid", eid);
    cc_enc_kv_u64(&e, "seq", 100 + (uint64_t)n);
    cc_enc_kv_bool(&e, "dup", p->copies[n] > 1);
    cc_router_send(p->router, req->id, req->id_len, CC_MSG_ACK, e.buf.data, e.buf.size);
    cc_enc_deinit(&e);
}

static uint64_t mono_now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* RESULT {rid, daemon} to a QUERY (a ping). */
static void peer_result(peer_t *p, const cc_request_t *req)
{
    cc_enc_t e;

    cc_enc_init(&e);
    cc_enc_map(&e, 2);
    cc_enc_kv_u64(&e, "rid", req->rid);
    cc_enc_kv_str(&e, "daemon", "intake");
    cc_router_send(p->router, req->id, req->id_len, CC_MSG_RESULT, e.buf.data, e.buf.size);
    cc_enc_deinit(&e);
}

static void *peer_main(void *arg)
{
    peer_t *p = arg;
    cc_request_t held[PEER_MAX];
    int held_n[PEER_MAX];
    size_t n_held = 0;
    bool hello_since_forget = false;

    while (!atomic_load(&p->stop)) {
        zmq_pollitem_t it = { p->router, 0, ZMQ_POLLIN, 0 };
        cc_request_t req;
        char why[128];
        int n;

        if (zmq_poll(&it, 1, 10) <= 0)
            continue;
        if (cc_router_recv(p->router, &req, why, sizeof(why)) < 0)
            continue;
        if (p->mode == PEER_RESTART && p->down_ms && !p->back && mono_now_ms() < p->down_ms) {
            /* Killed: whatever comes now is lost. */
            if (req.msg.type == CC_MSG_QUERY)
                p->pings++;
            else if (req.msg.type == CC_MSG_EVENT)
                p->deaf_copies++;
            cc_request_deinit(&req);
            continue;
        }
        if (p->mode == PEER_RESTART && p->down_ms && !p->back) {
            hello_since_forget = false; /* back, with no session */
            p->back = true;
        }
        if (req.msg.type == CC_MSG_QUERY) {
            p->pings++;
            if (p->mode != PEER_SILENT)
                peer_result(p, &req);
            cc_request_deinit(&req);
            continue;
        }
        if (req.msg.type == CC_MSG_HELLO) {
            cc_enc_t e;

            p->hellos++;
            hello_since_forget = true;
            cc_enc_init(&e);
            cc_enc_map(&e, 2);
            cc_enc_kv_u64(&e, "rid", req.rid);
            cc_enc_kv_u64(&e, "head", 0);
            cc_router_send(p->router, req.id, req.id_len, CC_MSG_RESULT, e.buf.data, e.buf.size);
            cc_enc_deinit(&e);
            cc_request_deinit(&req);
            continue;
        }
        if (req.msg.type == CC_MSG_EVENT && cc_map_find(&req.msg.body, "evs")) {
            peer_batch(p, &req, cc_map_find(&req.msg.body, "evs"));
            cc_request_deinit(&req);
            continue;
        }
        n = eid_number(&req);
        if (req.msg.type != CC_MSG_EVENT || n < 0 || n >= PEER_MAX) {
            cc_request_deinit(&req);
            continue;
        }
        p->events_seen++;
        p->copies[n]++;
        switch (p->mode) {
        case PEER_IN_ORDER:
            peer_ack(p, &req, n);
            break;
        case PEER_REVERSE:
            held[n_held] = req;
            held_n[n_held++] = n;
            if (n_held == p->expect)
                while (n_held > 0) {
                    n_held--;
                    peer_ack(p, &held[n_held], held_n[n_held]);
                    cc_request_deinit(&held[n_held]);
                }
            continue; /* the request is held (or already released) */
        case PEER_DROP_FIRST:
            if (p->copies[n] > 1)
                peer_ack(p, &req, n);
            break;
        case PEER_OVERLOADED:
            if (p->copies[n] == 1)
                cc_router_error(p->router, &req, CC_ERR_OVERLOADED, "Quá tải", "Overloaded", NULL,
                                NULL);
            else
                peer_ack(p, &req, n);
            break;
        case PEER_FORGET:
            if (p->copies[n] == 1) {
                hello_since_forget = false;
                cc_router_error(p->router, &req, CC_ERR_NOT_AUTHORIZED,
                                "Kết nối chưa xưng danh (HELLO)", "Send HELLO first", NULL, NULL);
            } else {
                if (hello_since_forget)
                    p->hello_before_resend = true;
                peer_ack(p, &req, n);
            }
            break;
        case PEER_REFUSE_ODD:
            if (n % 2)
                cc_router_error(p->router, &req, CC_ERR_ILLEGAL_TRANSITION, "Không được",
                                "Not allowed", "type", NULL);
            else {
                peer_ack(p, &req, n);
                peer_ack(p, &req, n); /* a stale second answer */
            }
            break;
        case PEER_SILENT:
            break;
        case PEER_RESTART:
            if (p->down_ms == 0) {
                p->down_ms = mono_now_ms() + PEER_DOWN_MS; /* killed with this one */
                p->deaf_copies++;
                p->copies[n]--; /* lost, like those after it */
            } else if (!hello_since_forget) {
                cc_router_error(p->router, &req, CC_ERR_NOT_AUTHORIZED,
                                "Kết nối chưa xưng danh (HELLO)", "Send HELLO first", NULL, NULL);
            } else {
                peer_ack(p, &req, n);
            }
            break;
        case PEER_BATCH: /* one event alone (a resend, or the last of a push) */
            if (n % 2)
                cc_router_error(p->router, &req, CC_ERR_ILLEGAL_TRANSITION, "Không được",
                                "Not allowed", "type", NULL);
            else
                peer_ack(p, &req, n);
            break;
        case PEER_NO_SESSION:
            cc_router_error(p->router, &req, CC_ERR_NOT_AUTHORIZED,
                            "Kết nối chưa xưng danh (HELLO)", "Send HELLO first", NULL, NULL);
            break;
        case PEER_LOSE:
            if (p->hellos < 2) {
                if (n == 2)
                    cc_router_error(p->router, &req, CC_ERR_NOT_AUTHORIZED,
                                    "Kết nối chưa xưng danh (HELLO)", "Send HELLO first", NULL,
                                    NULL);
            } else {
                p->order[p->n_order++] = n;
                peer_ack(p, &req, n);
            }
            break;
        }
        cc_request_deinit(&req);
    }
    while (n_held > 0)
        cc_request_deinit(&held[--n_held]);
    return NULL;
}

typedef struct {
    void *zctx;
    peer_t peer;
    cc_client_t *client;
    cc_push_t *push;
    /* results in the order handed back */
    size_t n;
    cc_push_result_t res[PEER_MAX];
    char codes[PEER_MAX][CC_MAX_CODE + 1];
} rig_t;

static void on_result(void *ctx, const cc_push_result_t *r)
{
    rig_t *rig = ctx;

    assert_true(rig->n < PEER_MAX);
    rig->res[rig->n] = *r;
    rig->res[rig->n].eid = NULL; /* not valid after the call */
    rig->res[rig->n].err = NULL;
    snprintf(rig->codes[rig->n], sizeof(rig->codes[0]), "%s", r->err ? r->err->code : "");
    rig->n++;
}

static rig_t *rig_new(peer_mode_t mode, size_t expect, int timeout_ms, int retry_ms)
{
    static int counter;
    rig_t *rig = calloc(1, sizeof(*rig));
    char ep[64];
    cc_client_opts_t co = { .timeout_ms = timeout_ms };
    cc_push_opts_t po = { .window = 8, .retry_ms = retry_ms, .on_result = on_result, .ctx = rig };

    assert_non_null(rig);
    snprintf(ep, sizeof(ep), "inproc://test-client-peer-%d", counter++);
    rig->zctx = zmq_ctx_new();
    rig->peer.router = cc_socket_new(rig->zctx, ZMQ_ROUTER);
    assert_int_equal(zmq_bind(rig->peer.router, ep), 0);
    rig->peer.mode = mode;
    rig->peer.expect = expect;
    assert_int_equal(pthread_create(&rig->peer.thread, NULL, peer_main, &rig->peer), 0);
    assert_int_equal(cc_client_new(rig->zctx, ep, &co, &rig->client), 0);
    assert_int_equal(cc_client_hello(rig->client, "counter", "q1", "TTHCC", NULL, NULL), 0);
    assert_int_equal(cc_client_push_begin(rig->client, &po, &rig->push), 0);
    return rig;
}

static void rig_destroy(rig_t *rig)
{
    cc_push_end(&rig->push);
    cc_client_destroy(&rig->client);
    atomic_store(&rig->peer.stop, true);
    pthread_join(rig->peer.thread, NULL);
    zmq_close(rig->peer.router);
    zmq_ctx_term(rig->zctx);
    free(rig);
}

static int submit(rig_t *rig, int n)
{
    char eid[16];
    cc_enc_t e;
    int r;

    snprintf(eid, sizeof(eid), "E%d", n);
    cc_enc_init(&e);
    cc_enc_map(&e, 3);
    cc_enc_kv_str(&e, "eid", eid);
    cc_enc_kv_str(&e, "type", "resolved");
    cc_enc_kv_i64(&e, "at", T_0900);
    r = cc_push_submit(rig->push, (uint64_t)n, eid, e.buf.data, e.buf.size);
    cc_enc_deinit(&e);
    return r;
}

/* Submit events 0..@n-1, wait for them all and check that @n results came
 * back. */
static void push_all(rig_t *rig, int n)
{
    for (int i = 0; i < n; i++)
        assert_int_equal(submit(rig, i), 0);
    assert_int_equal(cc_push_finish(rig->push), 0);
    assert_int_equal(rig->n, n);
}

/* Check that the first @n results are accepted after @attempts attempts. */
static void expect_ok_after(const rig_t *rig, int n, int attempts)
{
    for (int i = 0; i < n; i++) {
        assert_int_equal(rig->res[i].status, CC_PUSH_OK);
        assert_int_equal(rig->res[i].attempts, attempts);
    }
}

/* A daemon that takes `evs`: consecutive events travel together, each
 * with its own outcome, in submission order. */
static void test_push_batches_events(void **state)
{
    rig_t *rig = rig_new(PEER_BATCH, 0, 2000, 1000);
    cc_push_stats_t st;
    (void)state;
    push_all(rig, 40);
    cc_push_stats(rig->push, &st);
    for (int i = 0; i < 40; i++) {
        assert_int_equal(rig->res[i].tag, i);
        assert_int_equal(rig->res[i].status, i % 2 ? CC_PUSH_REJECTED : CC_PUSH_OK);
        if (i % 2)
            assert_string_equal(rig->codes[i], "illegal_transition");
        else
            assert_int_equal(rig->res[i].seq, 100 + i);
        assert_false(rig->res[i].dup);
        assert_int_equal(rig->res[i].attempts, 1);
    }
    /* A window of 8: at most 8 events a message, at least 5 messages. */
    assert_true(rig->peer.batches >= 5 && rig->peer.batches < 40);
    assert_int_equal(rig->peer.events_seen, 40);
    assert_int_equal(st.sent, 40);
    assert_true(st.messages < 40);
    rig_destroy(rig);
}

/* A daemon older than `evs` refuses the first batch for its missing `ev`:
 * the push goes on one event per message, every event sent once. */
static void test_push_older_daemon_one_by_one(void **state)
{
    rig_t *rig = rig_new(PEER_IN_ORDER, 0, 2000, 1000);
    cc_push_stats_t st;
    (void)state;
    push_all(rig, 20);
    cc_push_stats(rig->push, &st);
    expect_ok_after(rig, 20, 1);
    assert_int_equal(rig->peer.batches_refused, 1);
    assert_int_equal(rig->peer.events_seen, 20);
    assert_int_equal(st.sent, 20);
    assert_int_equal(st.resends, 0);
    rig_destroy(rig);
}

static void test_push_in_order_with_window(void **state)
{
    rig_t *rig = rig_new(PEER_IN_ORDER, 0, 2000, 1000);
    cc_push_stats_t st;
    (void)state;
    /* 30 events through a window of 8 */
    for (int i = 0; i < 30; i++) {
        assert_int_equal(submit(rig, i), 0);
        assert_true(cc_push_in_flight(rig->push) <= 8);
    }
    assert_int_equal(cc_push_finish(rig->push), 0);
    assert_int_equal(rig->n, 30);
    for (int i = 0; i < 30; i++) {
        assert_int_equal(rig->res[i].tag, i);
        assert_int_equal(rig->res[i].status, CC_PUSH_OK);
        assert_int_equal(rig->res[i].seq, 100 + i);
        assert_false(rig->res[i].dup);
        assert_int_equal(rig->res[i].attempts, 1);
    }
    cc_push_stats(rig->push, &st);
    assert_int_equal(st.sent, 30);
    assert_int_equal(st.ok, 30);
    assert_int_equal(st.resends, 0);
    rig_destroy(rig);
}

static void test_push_results_in_submission_order(void **state)
{
    rig_t *rig = rig_new(PEER_REVERSE, 6, 2000, 1000);
    (void)state;
    push_all(rig, 6);
    for (int i = 0; i < 6; i++) {
        assert_int_equal(rig->res[i].tag, i);
        assert_int_equal(rig->res[i].seq, 100 + i);
    }
    rig_destroy(rig);
}

static void test_push_resends_unanswered(void **state)
{
    rig_t *rig = rig_new(PEER_DROP_FIRST, 0, 3000, 50);
    cc_push_stats_t st;
    (void)state;
    push_all(rig, 3);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(rig->res[i].status, CC_PUSH_OK);
        assert_int_equal(rig->res[i].attempts, 2);
        assert_true(rig->res[i].dup); /* the peer saw the event id twice */
        assert_int_equal(rig->peer.copies[i], 2);
    }
    cc_push_stats(rig->push, &st);
    assert_int_equal(st.resends, 3);
    rig_destroy(rig);
}

static void test_push_retries_overloaded(void **state)
{
    rig_t *rig = rig_new(PEER_OVERLOADED, 0, 3000, 40);
    (void)state;
    push_all(rig, 4);
    expect_ok_after(rig, 4, 2);
    rig_destroy(rig);
}

static void test_push_says_hello_again(void **state)
{
    rig_t *rig = rig_new(PEER_FORGET, 0, 3000, 1000);
    (void)state;
    push_all(rig, 1);
    assert_int_equal(rig->res[0].status, CC_PUSH_OK);
    assert_int_equal(rig->res[0].attempts, 2);
    assert_int_equal(rig->peer.hellos, 2);
    assert_true(rig->peer.hello_before_resend);
    rig_destroy(rig);
}

static void test_push_lost_session_keeps_order(void **state)
{
    /* The retry timeout is far away: only the lost-session path may
     * resend, and it must resend E0 and E1 before E2. */
    rig_t *rig = rig_new(PEER_LOSE, 0, 20000, 10000);
    (void)state;
    push_all(rig, 3);
    expect_ok_after(rig, 3, 2);
    assert_int_equal(rig->peer.n_order, 3);
    assert_int_equal(rig->peer.order[0], 0);
    assert_int_equal(rig->peer.order[1], 1);
    assert_int_equal(rig->peer.order[2], 2);
    rig_destroy(rig);
}

static void test_push_rejections_and_stale_replies(void **state)
{
    rig_t *rig = rig_new(PEER_REFUSE_ODD, 0, 2000, 1000);
    cc_client_error_t local = { .code = "bad_json", .en = "not sent" };
    cc_push_stats_t st;
    (void)state;
    assert_int_equal(submit(rig, 0), 0);
    assert_int_equal(submit(rig, 1), 0);
    assert_int_equal(cc_push_local(rig->push, 2, NULL, &local), 0);
    assert_int_equal(submit(rig, 4), 0);
    assert_int_equal(cc_push_finish(rig->push), 0);
    assert_int_equal(rig->n, 4);
    assert_int_equal(rig->res[0].status, CC_PUSH_OK);
    assert_int_equal(rig->res[1].status, CC_PUSH_REJECTED);
    assert_string_equal(rig->codes[1], "illegal_transition");
    assert_int_equal(rig->res[1].attempts, 1);
    assert_int_equal(rig->res[2].tag, 2);
    assert_int_equal(rig->res[2].status, CC_PUSH_REJECTED);
    assert_string_equal(rig->codes[2], "bad_json");
    assert_int_equal(rig->res[2].attempts, 0);
    assert_int_equal(rig->res[3].tag, 4);
    assert_int_equal(rig->res[3].status, CC_PUSH_OK);
    /* let the second ACK of E4 arrive: it must be ignored, not matched */
    {
        bool ready;

        for (int i = 0; i < 10; i++)
            assert_int_equal(cc_push_wait(rig->push, 10, -1, &ready), 0);
    }
    cc_push_stats(rig->push, &st);
    assert_int_equal(st.ok, 2);
    assert_int_equal(st.rejected, 2);
    assert_true(st.stale >= 1);
    assert_int_equal(rig->n, 4);
    rig_destroy(rig);
}

static void test_push_refuses_oversized_event_locally(void **state)
{
    rig_t *rig = rig_new(PEER_IN_ORDER, 0, 2000, 1000);
    static char text[CC_MAX_STR + 10];
    cc_enc_t e;
    (void)state;
    memset(text, 'x', sizeof(text) - 1);
    cc_enc_init(&e);
    cc_enc_map(&e, 2);
    cc_enc_kv_str(&e, "eid", "E0");
    cc_enc_kv_str(&e, "note", text); /* longer than CC_MAX_STR */
    assert_int_equal(cc_push_submit(rig->push, 0, "E0", e.buf.data, e.buf.size), 0);
    cc_enc_deinit(&e);
    assert_int_equal(cc_push_finish(rig->push), 0);
    assert_int_equal(rig->n, 1);
    assert_int_equal(rig->res[0].status, CC_PUSH_REJECTED);
    assert_string_equal(rig->codes[0], "bad_request");
    assert_int_equal(rig->peer.events_seen, 0);
    rig_destroy(rig);
}

static void test_push_gives_up(void **state)
{
    rig_t *rig = rig_new(PEER_SILENT, 0, 150, 50);
    cc_push_stats_t st;
    (void)state;
    assert_int_equal(submit(rig, 0), 0);
    assert_int_equal(submit(rig, 1), 0);
    assert_int_equal(cc_push_finish(rig->push), -ETIMEDOUT);
    assert_int_equal(rig->n, 2);
    assert_int_equal(rig->res[0].status, CC_PUSH_TIMEOUT);
    assert_int_equal(rig->res[1].status, CC_PUSH_TIMEOUT);
    /* A daemon that says nothing is asked whether it is back, not sent
     * the same events again and again. */
    assert_int_equal(rig->res[0].attempts, 1);
    cc_push_stats(rig->push, &st);
    assert_int_equal(st.timed_out, 2);
    assert_int_equal(st.resends, 0);
    assert_true(st.probes >= 1);
    assert_true(rig->peer.pings >= 1);
    rig_destroy(rig);
}

/* The daemon is killed with the first events in flight and comes back
 * later without the session: the push pings it while it is away, then says
 * HELLO and sends each unanswered event exactly once more, in order. */
static void test_push_rides_out_a_restart(void **state)
{
    rig_t *rig = rig_new(PEER_RESTART, 0, 5000, 50);
    cc_push_stats_t st;
    (void)state;
    push_all(rig, 4);
    expect_ok_after(rig, 4, 2);
    /* Each was sent twice: lost with the daemon, then once when it was back. */
    for (int i = 0; i < 4; i++)
        assert_int_equal(rig->peer.copies[i], 1);
    assert_int_equal(rig->peer.deaf_copies, 4);
    cc_push_stats(rig->push, &st);
    assert_int_equal(st.resends, 4);
    assert_int_equal(st.wakes, 1);
    assert_true(st.probes >= 2); /* PEER_DOWN_MS / CC_PUSH_PROBE_MS, and the retry interval */
    assert_true(rig->peer.hellos >= 2);
    rig_destroy(rig);
}

/* A daemon that keeps answering "Send HELLO first" whatever the push says:
 * the push retries, backing off, and gives up when nothing has been
 * answered for its timeout instead of looping for ever. */
static void test_push_gives_up_without_progress(void **state)
{
    rig_t *rig = rig_new(PEER_NO_SESSION, 0, 400, 40);
    (void)state;
    assert_int_equal(submit(rig, 0), 0);
    assert_int_equal(cc_push_finish(rig->push), -ETIMEDOUT);
    assert_int_equal(rig->n, 1);
    assert_int_equal(rig->res[0].status, CC_PUSH_TIMEOUT);
    assert_true(rig->res[0].attempts >= 3);
    assert_true(rig->res[0].attempts < 40); /* backed off, not spinning */
    rig_destroy(rig);
}

static void test_unreachable_daemon(void **state)
{
    cc_client_opts_t co = { .timeout_ms = 100 };
    cc_client_t *c = NULL;
    cc_client_error_t err;
    cc_msg_t m = { 0 };
    (void)state;
    /* nothing listens on port 1 */
    assert_int_equal(cc_client_new(NULL, "tcp://127.0.0.1:1", &co, &c), 0);
    assert_int_equal(cc_client_hello(c, "counter", "q1", "*", NULL, &err), -ETIMEDOUT);
    assert_int_equal(cc_client_query(c, "ping", NULL, 0, &m, &err), -ETIMEDOUT);
    assert_int_equal(cc_client_hello(c, "counter", "bad name", "*", NULL, &err), -EINVAL);
    cc_client_destroy(&c);
    assert_null(c);
    assert_int_equal(cc_client_new(NULL, "nonsense", &co, &c), -EINVAL);
    assert_null(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_integers_keep_their_type),
        cmocka_unit_test(test_time_keys),
        cmocka_unit_test(test_iso_times_converted),
        cmocka_unit_test(test_iso_zero_stays_zero),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_integral_floats_accepted),
        cmocka_unit_test(test_too_deep),
        cmocka_unit_test(test_event_from_line),
        cmocka_unit_test(test_from_msgpack_edges),
        cmocka_unit_test(test_write_str),
        cmocka_unit_test(test_units_parse),
        cmocka_unit_test(test_cli_defaults_and_env),
        cmocka_unit_test(test_cli_keys),
        cmocka_unit_test(test_cli_command_args_options),
        cmocka_unit_test(test_cli_usage_errors),
        cmocka_unit_test(test_cli_option_forms),
        cmocka_unit_test(test_cli_values),
        cmocka_unit_test(test_hotline_contact_log),
        cmocka_unit_test(test_hotline_pakn_events),
        cmocka_unit_test(test_hotline_roles),
        cmocka_unit_test(test_hotline_usage_errors),
        cmocka_unit_test(test_hotline_eid),
        cmocka_unit_test(test_hotline_help_and_kinds),
        cmocka_unit_test(test_push_batches_events),
        cmocka_unit_test(test_push_older_daemon_one_by_one),
        cmocka_unit_test(test_push_in_order_with_window),
        cmocka_unit_test(test_push_results_in_submission_order),
        cmocka_unit_test(test_push_resends_unanswered),
        cmocka_unit_test(test_push_retries_overloaded),
        cmocka_unit_test(test_push_says_hello_again),
        cmocka_unit_test(test_push_lost_session_keeps_order),
        cmocka_unit_test(test_push_rejections_and_stale_replies),
        cmocka_unit_test(test_push_refuses_oversized_event_locally),
        cmocka_unit_test(test_push_gives_up),
        cmocka_unit_test(test_push_rides_out_a_restart),
        cmocka_unit_test(test_push_gives_up_without_progress),
        cmocka_unit_test(test_unreachable_daemon),
    };

    return cmocka_run_group_tests(tests, NULL, NULL);
}
