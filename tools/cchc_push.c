/*
 * cchc_push.c - `cchc push`: events as JSON lines on stdin, one result line
 * per input line on stdout, in input order.
 *
 * Input is read only when the window has room and handled as it arrives,
 * so a counter application can keep the tool open and feed it events as
 * they happen: each result is printed (and flushed) as soon as it and the
 * ones before it are known.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cc_json.h"
#include "cc_mem.h"
#include "cchc.h"

#define MAX_LINE (4u << 20) /* a longer line is refused without being read whole */
#define READ_CHUNK 65536

const char cchc_help_push[] =
    "Usage: cchc push [--to=intake|hotline] [--role=ROLE] [--window=N] [--progress]\n"
    "\n"
    "Reads events from stdin, one JSON object per line (the \"ev\" map of\n"
    "PROTOCOL.md), sends them with up to N in flight (default 1000) and prints one\n"
    "JSON result per line, in input order:\n"
    "  {\"line\":1,\"eid\":\"E1\",\"status\":\"ok\",\"seq\":42,\"dup\":false}\n"
    "  {\"line\":2,\"eid\":\"E2\",\"status\":\"error\",\"code\":\"illegal_transition\","
    "\"field\":\"type\",\"vi\":\"...\",\"en\":\"...\"}\n"
    "  {\"line\":3,\"status\":\"error\",\"code\":\"bad_json\",\"en\":\"...\"}  (not sent)\n"
    "Blank lines are skipped. Times (\"at\", \"deadline\", \"promised\", \"due\", keys\n"
    "ending in \"_at\") may be ISO 8601 strings (2025-03-03T09:00:00+07:00) or Unix\n"
    "seconds; numbers must be integers. An event that gets no answer is sent again\n"
    "with the same event id, which the daemon stores once (a repeat is \"dup\":true).\n"
    "\n"
    "Options:\n"
    "  --to=intake|hotline  where to send (default intake)\n"
    "  --role=ROLE          counter, agent or contact_point (default counter for\n"
    "                       intake, agent for hotline; contact points push\n"
    "                       pakn_accepted / pakn_answered for their --units)\n"
    "  --window=N           events in flight, 1..65536 (default 1000)\n"
    "  --progress           progress on stderr every second (default: when stderr\n"
    "                       is a terminal)\n"
    "A summary goes to stderr at the end. Exit status: 0 all accepted, 1 some\n"
    "rejected, 2 usage, 3 daemon unreachable (unanswered lines get status\n"
    "\"error\", code \"timeout\"), 4 protocol error.\n";

typedef struct {
    FILE *out;
    cc_endpoint_t ep;
    int timeout_ms;
    uint64_t lines; /* non-blank lines handled */
    uint64_t local; /* refused here, never sent */
    bool out_error;
} push_run_t;

static uint64_t now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* ,"key":"value" when @v is not empty. */
static void put_str(FILE *f, const char *key, const char *v)
{
    if (v == NULL || *v == '\0')
        return;
    fprintf(f, ",\"%s\":", key);
    cc_json_write_str(f, v);
}

void cchc_push_result_write(FILE *f, const cc_push_result_t *res, bool with_line, cc_endpoint_t ep,
                            int timeout_ms)
{
    if (with_line)
        fprintf(f, "{\"line\":%llu", (unsigned long long)res->tag);
    else
        fputc('{', f);
    if (res->eid && res->eid[0]) {
        fprintf(f, "%s\"eid\":", with_line ? "," : "");
        cc_json_write_str(f, res->eid);
        with_line = true; /* what follows needs a comma */
    }
    fputs(with_line ? "," : "", f);
    switch (res->status) {
    case CC_PUSH_OK:
        fprintf(f, "\"status\":\"ok\",\"seq\":%llu,\"dup\":%s", (unsigned long long)res->seq,
                res->dup ? "true" : "false");
        break;
    case CC_PUSH_REJECTED:
        fputs("\"status\":\"error\"", f);
        put_str(f, "code", res->err->code);
        put_str(f, "field", res->err->field);
        put_str(f, "vi", res->err->vi);
        put_str(f, "en", res->err->en);
        break;
    case CC_PUSH_TIMEOUT: {
        char en[160];

        snprintf(en, sizeof(en),
                 "no answer from %s within %d ms; the event may or may not "
                 "be stored: send it again (same eid) to know",
                 cc_endpoint_name(ep), timeout_ms);
        fputs("\"status\":\"error\",\"code\":\"timeout\"", f);
        put_str(f, "vi", "Không nhận được trả lời; hãy gửi lại (cùng mã sự kiện)");
        put_str(f, "en", en);
        break;
    }
    }
    fputs("}\n", f);
}

/* One result line, formatted by hand: at hundreds of thousands of lines a
 * second, building json_t objects costs more than the whole protocol. */
static void on_result(void *ctx, const cc_push_result_t *res)
{
    push_run_t *run = ctx;

    if (res->status == CC_PUSH_REJECTED && res->attempts == 0)
        run->local++; /* refused here, never sent */
    cchc_push_result_write(run->out, res, true, run->ep, run->timeout_ms);
    if (ferror(run->out))
        run->out_error = true;
}

/* Turn one input line into an event and submit it (or refuse it here). */
static int handle_line(push_run_t *run, cc_push_t *p, cc_enc_t *ev, uint64_t line_no,
                       const char *line, size_t len)
{
    char eid[CC_MAX_ID * 4 + 1];
    cc_json_error_t jerr;
    cc_client_error_t e;
    size_t i;
    int r;

    for (i = 0; i < len && (line[i] == ' ' || line[i] == '\t' || line[i] == '\r'); i++)
        ;
    if (i == len)
        return 0; /* blank */
    run->lines++;
    r = cc_json_event_from_line(line, len, ev, eid, sizeof(eid), &jerr);
    if (r == 0)
        return cc_push_submit(p, line_no, eid[0] ? eid : NULL, ev->buf.data, ev->buf.size);
    memset(&e, 0, sizeof(e));
    if (r == -EBADMSG) {
        snprintf(e.code, sizeof(e.code), "bad_json");
        snprintf(e.vi, sizeof(e.vi), "Dòng không phải một đối tượng JSON hợp lệ");
    } else {
        snprintf(e.code, sizeof(e.code), "bad_field");
        snprintf(e.field, sizeof(e.field), "%.32s", jerr.field);
        snprintf(e.vi, sizeof(e.vi), "Giá trị không hợp lệ ở trường '%s'", jerr.field);
    }
    snprintf(e.en, sizeof(e.en), "not sent: %s", jerr.why);
    return cc_push_local(p, line_no, eid[0] ? eid : NULL, &e);
}

static void progress(const cc_push_t *p, uint64_t start_ms, bool tty, bool final)
{
    cc_push_stats_t st;
    double secs = (double)(now_ms() - start_ms) / 1000.0;
    uint64_t acked;

    cc_push_stats(p, &st);
    acked = st.ok + st.dup + st.rejected;
    fprintf(stderr, "%scchc push: %llu sent, %llu answered, %.0f events/s%s", tty ? "\r" : "",
            (unsigned long long)st.sent, (unsigned long long)acked,
            secs > 0 ? (double)acked / secs : 0.0, tty ? (final ? "\n" : "   ") : "\n");
}

int cchc_cmd_push(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "to=", "role=", "window=", "progress", NULL };
    push_run_t run = { .out = stdout, .ep = CC_EP_INTAKE, .timeout_ms = cli->timeout_ms };
    cc_push_opts_t po = { .on_result = on_result, .ctx = &run };
    cc_client_t *c = NULL;
    cc_push_t *p = NULL;
    cc_push_stats_t st = { 0 };
    cc_enc_t ev;
    char err[256];
    const char *v;
    const char *role;
    char *buf = NULL;
    size_t cap = READ_CHUNK * 2, len = 0, start = 0;
    uint64_t line_no = 0, start_ms = 0, next_progress;
    bool eof = false, skipping = false, show_progress, tty;
    uint64_t window = CC_PUSH_WINDOW;
    int status, r = 0;

    cc_enc_init(&ev);
    if (cc_cli_check_opts(cli, allowed, err, sizeof(err)) < 0) {
        status = cchc_usage_error("push", "%s", err);
        goto out;
    }
    if (cli->n_args > 0) {
        status = cchc_usage_error("push", "push takes no arguments (events come on stdin)");
        goto out;
    }
    if (cc_cli_opt(cli, "to", &v)) {
        if (strcmp(v, "intake") == 0) {
            run.ep = CC_EP_INTAKE;
        } else if (strcmp(v, "hotline") == 0) {
            run.ep = CC_EP_HOTLINE;
        } else {
            status = cchc_usage_error("push", "--to=%s: expected intake or hotline", v);
            goto out;
        }
    }
    role = run.ep == CC_EP_INTAKE ? "counter" : "agent";
    if (cc_cli_opt(cli, "role", &v)) {
        if (strcmp(v, "counter") != 0 && strcmp(v, "agent") != 0 &&
            strcmp(v, "contact_point") != 0) {
            status = cchc_usage_error("push",
                                      "--role=%s: expected counter, agent or "
                                      "contact_point",
                                      v);
            goto out;
        }
        role = v;
    }
    if (cc_cli_opt(cli, "window", &v) && cc_cli_uint(v, 1, 65536, &window) < 0) {
        status = cchc_usage_error("push", "--window=%s: expected 1..65536", v);
        goto out;
    }
    po.window = (size_t)window;
    tty = isatty(STDERR_FILENO);
    show_progress = tty || cc_cli_opt(cli, "progress", NULL);

    status = cchc_connect(cli, run.ep, role, cli->units, &c);
    if (status != CCHC_EXIT_OK)
        goto out;
    cc_client_push_begin(c, &po, &p);
    buf = cc_xmalloc(cap);
    start_ms = now_ms();
    next_progress = start_ms + 1000;

    while (r == 0) {
        bool has_line;

        /* Handle complete lines while the window has room. */
        while (r == 0 && cc_push_room(p) > 0 && start < len) {
            char *nl = memchr(buf + start, '\n', len - start);
            size_t l;

            if (nl == NULL)
                break;
            l = (size_t)(nl - (buf + start));
            line_no++;
            if (!skipping)
                r = handle_line(&run, p, &ev, line_no, buf + start, l);
            skipping = false;
            start += l + 1;
        }
        if (r < 0)
            break;
        if (eof && start < len && cc_push_room(p) > 0) {
            /* the last line has no newline */
            line_no++;
            if (!skipping)
                r = handle_line(&run, p, &ev, line_no, buf + start, len - start);
            start = len;
            continue;
        }
        if (eof && start == len)
            break;
        has_line = start < len && memchr(buf + start, '\n', len - start) != NULL;
        if (!skipping && !has_line && len - start >= MAX_LINE) {
            /* Refuse an endless line without holding it: report it now
             * and drop the rest of it as it comes. */
            cc_client_error_t e = { .code = "bad_json" };

            snprintf(e.en, sizeof(e.en), "not sent: line longer than %u bytes", MAX_LINE);
            snprintf(e.vi, sizeof(e.vi), "Dòng quá dài");
            r = cc_push_local(p, line_no + 1, NULL, &e);
            run.lines++;
            skipping = true;
            start = len;
            continue;
        }
        {
            bool want_input = !eof && cc_push_room(p) > 0 && !has_line;
            bool ready = false;
            int wait = show_progress ? 250 : -1;

            if (!want_input && cc_push_in_flight(p) == 0)
                break;
            r = cc_push_wait(p, wait, want_input ? STDIN_FILENO : -1, &ready);
            fflush(run.out);
            if (r < 0)
                break;
            if (ready) {
                ssize_t n;

                if (start > 0) {
                    memmove(buf, buf + start, len - start);
                    len -= start;
                    start = 0;
                }
                if (skipping)
                    len = 0;
                if (cap - len < READ_CHUNK) {
                    cap *= 2;
                    buf = cc_xrealloc(buf, cap);
                }
                n = read(STDIN_FILENO, buf + len, cap - len);
                if (n == 0) {
                    eof = true;
                } else if (n < 0 && errno != EINTR && errno != EAGAIN) {
                    fprintf(stderr, "cchc: cannot read stdin: %s\n", strerror(errno));
                    eof = true;
                } else if (n > 0) {
                    len += (size_t)n;
                }
            }
        }
        if (show_progress && now_ms() >= next_progress) {
            progress(p, start_ms, tty, false);
            next_progress = now_ms() + 1000;
        }
    }
    if (r == 0)
        r = cc_push_finish(p);
    else
        cc_push_finish(p); /* hands back the unanswered ones */
    fflush(run.out);
    if (show_progress && tty)
        progress(p, start_ms, tty, true);
    cc_push_stats(p, &st);
    {
        double secs = (double)(now_ms() - start_ms) / 1000.0;

        fprintf(stderr,
                "cchc push: %llu lines, %llu sent, %llu ok, %llu duplicates, %llu rejected "
                "(%llu not sent), %llu unanswered, %llu resent in %.2f s (%.0f events/s)\n",
                (unsigned long long)run.lines, (unsigned long long)st.sent,
                (unsigned long long)st.ok, (unsigned long long)st.dup,
                (unsigned long long)st.rejected, (unsigned long long)run.local,
                (unsigned long long)st.timed_out, (unsigned long long)st.resends, secs,
                secs > 0 ? (double)(st.ok + st.dup + st.rejected - run.local) / secs : 0.0);
    }
    if (r < 0) {
        status = cchc_fail(run.ep, c, r, NULL);
    } else if (run.out_error) {
        fprintf(stderr, "cchc: cannot write results to stdout\n");
        status = CCHC_EXIT_REJECTED;
    } else {
        status = st.rejected > 0 ? CCHC_EXIT_REJECTED : CCHC_EXIT_OK;
    }
out:
    free(buf);
    cc_push_end(&p);
    cc_client_destroy(&c);
    cc_enc_deinit(&ev);
    return status;
}

/* ---- One event (the hotline commands) ----------------------------------------- */

typedef struct {
    cc_endpoint_t ep;
    int timeout_ms;
    bool json;
    bool done;
    cc_push_status_t status;
    uint64_t seq;
    bool dup;
    cc_client_error_t err;
} one_run_t;

static void one_result(void *ctx, const cc_push_result_t *res)
{
    one_run_t *run = ctx;

    run->done = true;
    run->status = res->status;
    run->seq = res->seq;
    run->dup = res->dup;
    if (res->status == CC_PUSH_REJECTED && res->err)
        run->err = *res->err;
    if (run->json)
        cchc_push_result_write(stdout, res, false, run->ep, run->timeout_ms);
}

int cchc_push_one(const cc_cli_t *cli, cc_endpoint_t ep, const char *role, const char *eid,
                  const void *ev, size_t ev_len, const char *what, bool json)
{
    one_run_t run = { .ep = ep, .timeout_ms = cli->timeout_ms, .json = json };
    cc_push_opts_t po = { .window = 1, .on_result = one_result, .ctx = &run };
    cc_client_t *c = NULL;
    cc_push_t *p = NULL;
    int status, r;

    status = cchc_connect(cli, ep, role, cli->units, &c);
    if (status != CCHC_EXIT_OK)
        goto out;
    r = cc_client_push_begin(c, &po, &p);
    if (r == 0)
        r = cc_push_submit(p, 1, eid, ev, ev_len);
    if (r == 0)
        r = cc_push_finish(p);
    else
        cc_push_finish(p); /* hands the event back as unanswered */
    fflush(stdout);
    if (r < 0 && r != -ETIMEDOUT) {
        status = cchc_fail(ep, c, r, NULL);
        goto out;
    }
    if (!run.done || run.status == CC_PUSH_TIMEOUT) {
        if (!json)
            fprintf(stderr,
                    "cchc: %s tại %s không trả lời sau %d ms; %s có thể đã hoặc chưa được "
                    "ghi nhận: chạy lại lệnh với --eid=%s để biết / no answer from %s at %s "
                    "within %d ms; %s may or may not be stored: run the command again with "
                    "--eid=%s to know\n",
                    cc_endpoint_name(ep), cc_client_endpoint(c), cli->timeout_ms, what, eid,
                    cc_endpoint_name(ep), cc_client_endpoint(c), cli->timeout_ms, what, eid);
        status = CCHC_EXIT_UNREACHABLE;
        goto out;
    }
    if (run.status == CC_PUSH_REJECTED) {
        fprintf(stderr, "cchc: %s refused %s: %s%s%s%s: %s / %s\n", cc_endpoint_name(ep), what,
                run.err.code, run.err.field[0] ? " (field " : "", run.err.field,
                run.err.field[0] ? ")" : "", run.err.vi, run.err.en);
        status = CCHC_EXIT_REJECTED;
        goto out;
    }
    if (!json)
        printf("ok: %s (seq %llu, eid %s): %s\n", what, (unsigned long long)run.seq, eid,
               run.dup ? "đã ghi nhận từ trước, không ghi lại / stored before, not applied again"
                       : "đã ghi nhận / stored");
    status = CCHC_EXIT_OK;
out:
    cc_push_end(&p);
    cc_client_destroy(&c);
    return status;
}
