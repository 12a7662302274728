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
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cc_json.h"
#include "cc_mem.h"
#include "cchc.h"
#include "cc_time.h"

#define MAX_LINE (4u << 20) /* a longer line is refused without being read whole */
#define READ_CHUNK 65536

const char cchc_help_push[] =
    "Usage: cchc push [--to=intake|hotline] [--role=ROLE] [--window=N]\n"
    "                 [--retry-for=DURATION] [--progress]\n"
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
    "seconds; numbers must be integers.\n"
    "\n"
    "A daemon that restarts is ridden out: an event without an answer within\n"
    "--timeout is sent again with the same event id (the daemon stores it once; a\n"
    "repeat is \"dup\":true); a dropped connection or 3 s without a word is taken\n"
    "for a daemon away, pinged until it is back, and then every unanswered event\n"
    "goes again, in order. The push gives up only when no event has been answered\n"
    "for --retry-for; it then says how many lines were acknowledged and how many\n"
    "not. Running the same file again is always safe: what was stored is\n"
    "acknowledged as a duplicate, not stored twice.\n"
    "\n"
    "Options:\n"
    "  --to=intake|hotline     where to send (default intake)\n"
    "  --role=ROLE             counter, agent or contact_point (default counter for\n"
    "                          intake, agent for hotline; contact points push\n"
    "                          pakn_accepted / pakn_answered for their --units)\n"
    "  --window=N              events in flight, 1..65536 (default 1000)\n"
    "  --retry-for=DURATION    how long to wait for the daemon to answer again\n"
    "                          before giving up: 90s, 5m, 1h or seconds, 1s..24h\n"
    "                          (default 60s, longer than a restart)\n"
    "  --progress              a progress line on stderr every second: lines\n"
    "                          acknowledged, events/s, and for a file the share\n"
    "                          done and the time left (default: when stderr is a\n"
    "                          terminal)\n"
    "A summary goes to stderr at the end. Exit status: 0 all accepted, 1 some\n"
    "rejected, 2 usage, 3 daemon unreachable for --retry-for (unanswered lines get\n"
    "status \"error\", code \"timeout\"), 4 protocol error.\n";

#define PUSH_RETRY_FOR_MS 60000u        /* --retry-for default */
#define PUSH_RETRY_FOR_MAX_MS 86400000u /* --retry-for at most */

typedef struct {
    FILE *out;
    cc_endpoint_t ep;
    int timeout_ms;
    uint64_t lines;                       /* non-blank lines handled */
    uint64_t local;                       /* refused here, never sent */
    uint64_t bytes_done;                  /* input bytes handled (lines and their newlines) */
    uint64_t bytes_all;                   /* the input's size when it is a file, else 0 */
    uint64_t first_timeout, last_timeout; /* lines given up on (0: none) */
    bool out_error;
    bool show_progress; /* a progress line every second (--progress) */
    bool tty;           /* stderr is a terminal: the progress line rewrites itself */
    uint64_t start_ms;  /* when the push began (now_ms) */
} push_run_t;

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
        put_str(f, "vi",
                "Không nhận được trả lời; sự kiện có thể đã hoặc chưa được ghi nhận: hãy gửi "
                "lại (cùng mã sự kiện) để biết");
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
    if (res->status == CC_PUSH_TIMEOUT) {
        if (run->first_timeout == 0)
            run->first_timeout = res->tag;
        run->last_timeout = res->tag;
    }
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

/* "1:05:09", "5:09" */
static void clock_text(uint64_t s, char *buf, size_t len)
{
    if (s >= 3600)
        snprintf(buf, len, "%llu:%02llu:%02llu", (unsigned long long)(s / 3600),
                 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
    else
        snprintf(buf, len, "%llu:%02llu", (unsigned long long)(s / 60),
                 (unsigned long long)(s % 60));
}

/* The progress line: what is acknowledged, how fast, and for a file how
 * much is done and how long is left; while the daemon is silent, for how
 * long. On a terminal it rewrites itself. */
static void progress(const push_run_t *run, const cc_push_t *p, bool final)
{
    cc_push_stats_t st;
    uint64_t elapsed = cc_mono_ms() - run->start_ms, idle = cc_push_idle_ms(p);
    bool tty = run->tty;
    uint64_t acked;
    char share[96] = "";

    cc_push_stats(p, &st);
    acked = st.ok + st.dup;
    if (run->bytes_all > 0 && run->bytes_done > 0) {
        double done = (double)run->bytes_done / (double)run->bytes_all;
        char left[24];

        clock_text((uint64_t)((double)elapsed / 1000.0 * (1.0 - done) / done), left, sizeof(left));
        snprintf(share, sizeof(share), " (%.0f%%), còn / left %s", 100.0 * done, left);
    }
    if (idle >= 2000 && !final)
        fprintf(stderr,
                "%scchc push: %llu đã xác nhận / acknowledged%s; %s chưa trả lời / no answer "
                "from %s: %llu s%s",
                tty ? "\r" : "", (unsigned long long)acked, share, cc_endpoint_name(run->ep),
                cc_endpoint_name(run->ep), (unsigned long long)(idle / 1000), tty ? "   " : "\n");
    else
        fprintf(stderr, "%scchc push: %llu đã xác nhận / acknowledged%s, %.0f/s%s", tty ? "\r" : "",
                (unsigned long long)acked, share,
                elapsed ? (double)acked * 1000.0 / (double)elapsed : 0.0,
                tty ? (final ? "\n" : "   ") : "\n");
}

/* The summary at the end, and when the push gave up, what became of the
 * lines and that running the same input again is safe. */
static void summary(const push_run_t *run, const cc_push_t *p, cc_client_t *c, int r, bool eof,
                    uint64_t last_line, int retry_for_ms)
{
    double secs = (double)(cc_mono_ms() - run->start_ms) / 1000.0;
    cc_push_stats_t st;
    uint64_t acked;
    char rest[160] = "", rest_en[160] = "";

    cc_push_stats(p, &st);
    acked = st.ok + st.dup;
    fprintf(stderr,
            "cchc push: %llu dòng: %llu đã ghi nhận (%llu trùng, đã có từ trước), %llu bị từ "
            "chối (%llu không gửi), %llu chưa xác nhận; gửi lại %llu; %.2f s / %llu lines: "
            "%llu acknowledged (%llu duplicates, stored before), %llu refused (%llu not "
            "sent), %llu unanswered; %llu resent; %.2f s (%.0f events/s)\n",
            (unsigned long long)run->lines, (unsigned long long)acked, (unsigned long long)st.dup,
            (unsigned long long)st.rejected, (unsigned long long)run->local,
            (unsigned long long)st.timed_out, (unsigned long long)st.resends, secs,
            (unsigned long long)run->lines, (unsigned long long)acked, (unsigned long long)st.dup,
            (unsigned long long)st.rejected, (unsigned long long)run->local,
            (unsigned long long)st.timed_out, (unsigned long long)st.resends, secs,
            secs > 0 ? (double)(acked + st.rejected - run->local) / secs : 0.0);
    if (r != -ETIMEDOUT)
        return;
    if (!eof) {
        snprintf(rest, sizeof(rest), "; các dòng sau dòng %llu chưa được đọc",
                 (unsigned long long)last_line);
        snprintf(rest_en, sizeof(rest_en), "; the lines after line %llu were not read",
                 (unsigned long long)last_line);
    }
    fprintf(stderr,
            "cchc push: bỏ cuộc: %s tại %s không trả lời sự kiện nào trong %d s. %llu dòng đã "
            "được xác nhận, %llu bị từ chối, %llu chưa được xác nhận (dòng %llu..%llu: có thể "
            "đã hoặc chưa được ghi nhận)%s. Chạy lại đúng tệp này là an toàn: sự kiện đã lưu "
            "được báo trùng (\"dup\") và không ghi hai lần. / gave up: %s at %s answered no "
            "event for %d s. %llu lines acknowledged, %llu refused, %llu not acknowledged "
            "(lines %llu..%llu: they may or may not be stored)%s. Running the same file again "
            "is safe: events already stored are acknowledged as duplicates (\"dup\") and "
            "stored once.\n",
            cc_endpoint_name(run->ep), cc_client_endpoint(c), retry_for_ms / 1000,
            (unsigned long long)acked, (unsigned long long)st.rejected,
            (unsigned long long)st.timed_out, (unsigned long long)run->first_timeout,
            (unsigned long long)run->last_timeout, rest, cc_endpoint_name(run->ep),
            cc_client_endpoint(c), retry_for_ms / 1000, (unsigned long long)acked,
            (unsigned long long)st.rejected, (unsigned long long)st.timed_out,
            (unsigned long long)run->first_timeout, (unsigned long long)run->last_timeout, rest_en);
}

/* What the command line says about the push. */
typedef struct {
    cc_endpoint_t ep;
    const char *role;
    uint64_t window;
    uint64_t retry_for_ms;
    bool show_progress;
} push_opts_t;

static int push_options(const cc_cli_t *cli, push_opts_t *o)
{
    static const char *const allowed[] = {
        "to=", "role=", "window=", "retry-for=", "progress", NULL
    };
    char err[256];
    const char *v;

    *o = (push_opts_t){ .ep = CC_EP_INTAKE,
                        .window = CC_PUSH_WINDOW,
                        .retry_for_ms = PUSH_RETRY_FOR_MS };
    if (cc_cli_check_opts(cli, allowed, err, sizeof(err)) < 0)
        return cchc_usage_error("push", "%s", err);
    if (cli->n_args > 0)
        return cchc_usage_error("push", "push takes no arguments (events come on stdin)");
    if (cc_cli_opt(cli, "to", &v)) {
        if (strcmp(v, "intake") == 0)
            o->ep = CC_EP_INTAKE;
        else if (strcmp(v, "hotline") == 0)
            o->ep = CC_EP_HOTLINE;
        else
            return cchc_usage_error("push", "--to=%s: expected intake or hotline", v);
    }
    o->role = o->ep == CC_EP_INTAKE ? "counter" : "agent";
    if (cc_cli_opt(cli, "role", &v)) {
        if (strcmp(v, "counter") != 0 && strcmp(v, "agent") != 0 && strcmp(v, "contact_point") != 0)
            return cchc_usage_error("push", "--role=%s: expected counter, agent or contact_point",
                                    v);
        o->role = v;
    }
    if (cc_cli_opt(cli, "window", &v) && cc_cli_uint(v, 1, 65536, &o->window) < 0)
        return cchc_usage_error("push", "--window=%s: expected 1..65536", v);
    if (cc_cli_opt(cli, "retry-for", &v) &&
        (cc_cli_duration(v, PUSH_RETRY_FOR_MAX_MS, &o->retry_for_ms) < 0 || o->retry_for_ms < 1000))
        return cchc_usage_error("push", "--retry-for=%s: expected a duration, 1s..24h (90s, 5m)",
                                v);
    o->show_progress = isatty(STDERR_FILENO) || cc_cli_opt(cli, "progress", NULL);
    return CCHC_EXIT_OK;
}

/* stdin as the push reads it: buf[start..len) is read and not handled yet. */
typedef struct {
    char *buf;
    size_t cap, len, start;
    uint64_t line_no; /* the number of the last line taken */
    bool eof;
    bool skipping; /* the rest of an overlong line is dropped as it comes */
} push_input_t;

/* Takes the next line of the input, line_len bytes long, and moves past it
 * and its newline (consumed: line_len + 1, or line_len for a last line
 * without one); handles it (handle_line) unless it is the rest of an
 * overlong line. Returns 0 or a negative errno from the push. */
static int take_line(push_run_t *run, cc_push_t *p, cc_enc_t *ev, push_input_t *in, size_t line_len,
                     size_t consumed)
{
    int r = 0;

    in->line_no++;
    if (!in->skipping)
        r = handle_line(run, p, ev, in->line_no, in->buf + in->start, line_len);
    in->start += consumed;
    run->bytes_done += consumed;
    return r;
}

/* Takes the complete lines of the input while the window has room.
 * Returns 0 or a negative errno from the push. */
static int take_complete_lines(push_run_t *run, cc_push_t *p, cc_enc_t *ev, push_input_t *in)
{
    int r = 0;

    while (r == 0 && cc_push_room(p) > 0 && in->start < in->len) {
        char *nl = memchr(in->buf + in->start, '\n', in->len - in->start);
        size_t l;

        if (nl == NULL)
            break;
        l = (size_t)(nl - (in->buf + in->start));
        r = take_line(run, p, ev, in, l, l + 1);
        in->skipping = false; /* its newline ends an overlong line */
    }
    return r;
}

/* true if the input holds a complete line not handled yet. */
static bool input_has_line(const push_input_t *in)
{
    return in->start < in->len && memchr(in->buf + in->start, '\n', in->len - in->start) != NULL;
}

/* Refuses an endless line without holding it: the line being read, already
 * MAX_LINE bytes without a newline, gets its result now and the rest of it
 * is dropped as it comes. Returns 0 or a negative errno from the push. */
static int refuse_overlong_line(push_run_t *run, cc_push_t *p, push_input_t *in)
{
    cc_client_error_t e = { .code = "bad_json" };
    int r;

    snprintf(e.en, sizeof(e.en), "not sent: line longer than %u bytes", MAX_LINE);
    snprintf(e.vi, sizeof(e.vi), "Dòng quá dài");
    r = cc_push_local(p, in->line_no + 1, NULL, &e);
    run->lines++;
    run->bytes_done += in->len - in->start;
    in->skipping = true;
    in->start = in->len;
    return r;
}

/* Reads what stdin has into the input, after moving the bytes not handled
 * yet to the front (or dropping them, the rest of an overlong line). The
 * end of stdin, or an error reading it, is the end of the input. */
static void read_input(push_run_t *run, push_input_t *in)
{
    ssize_t n;

    if (in->start > 0) {
        memmove(in->buf, in->buf + in->start, in->len - in->start);
        in->len -= in->start;
        in->start = 0;
    }
    if (in->skipping) {
        run->bytes_done += in->len;
        in->len = 0;
    }
    if (in->cap - in->len < READ_CHUNK) {
        in->cap *= 2;
        in->buf = cc_xrealloc(in->buf, in->cap);
    }
    n = read(STDIN_FILENO, in->buf + in->len, in->cap - in->len);
    if (n == 0) {
        in->eof = true;
    } else if (n < 0 && errno != EINTR && errno != EAGAIN) {
        fprintf(stderr, "cchc: cannot read stdin: %s\n", strerror(errno));
        in->eof = true;
    } else if (n > 0) {
        in->len += (size_t)n;
    }
}

/* Waits for the daemon's answers and, when want_input, for stdin (at most
 * 250 ms while the progress line is shown), then writes out the results
 * and reads stdin if it is ready. Returns 0 or a negative errno from the
 * push (-ETIMEDOUT: nothing answered for --retry-for). */
static int wait_for_answers_or_input(push_run_t *run, cc_push_t *p, push_input_t *in,
                                     bool want_input)
{
    bool ready = false;
    int r;

    r = cc_push_wait(p, run->show_progress ? 250 : -1, want_input ? STDIN_FILENO : -1, &ready);
    fflush(run->out);
    if (r < 0)
        return r;
    if (ready)
        read_input(run, in);
    return r;
}

/* Pushes the lines of stdin: hands them over as the window has room, the
 * last one without a newline and an overlong one included, until every
 * line is read and answered, printing the progress line every second when
 * asked. Returns 0 or a negative errno from the push (-ETIMEDOUT: given
 * up); in says how far the input was read. */
static int push_lines(push_run_t *run, cc_push_t *p, push_input_t *in)
{
    uint64_t next_progress = run->start_ms + 1000;
    cc_enc_t ev;
    int r = 0;

    cc_enc_init(&ev);
    while (r == 0) {
        bool has_line, want_input;

        if ((r = take_complete_lines(run, p, &ev, in)) < 0)
            break;
        if (in->eof && in->start < in->len && cc_push_room(p) > 0) {
            /* the last line has no newline */
            r = take_line(run, p, &ev, in, in->len - in->start, in->len - in->start);
            continue;
        }
        if (in->eof && in->start == in->len)
            break;
        has_line = input_has_line(in);
        if (!in->skipping && !has_line && in->len - in->start >= MAX_LINE) {
            r = refuse_overlong_line(run, p, in);
            continue;
        }
        want_input = !in->eof && cc_push_room(p) > 0 && !has_line;
        if (!want_input && cc_push_in_flight(p) == 0)
            break;
        if ((r = wait_for_answers_or_input(run, p, in, want_input)) < 0)
            break;
        if (run->show_progress && cc_mono_ms() >= next_progress) {
            progress(run, p, false);
            next_progress = cc_mono_ms() + 1000;
        }
    }
    cc_enc_deinit(&ev);
    return r;
}

/* Ends the push push_lines left with r: waits for the last answers (or,
 * after a failure, takes back the unanswered events), prints the last
 * progress line and the summary. Returns the exit status. */
static int push_exit_status(push_run_t *run, cc_push_t *p, cc_client_t *c, const push_input_t *in,
                            int r, int retry_for_ms)
{
    cc_push_stats_t st;

    if (r == 0)
        r = cc_push_finish(p);
    else
        cc_push_finish(p); /* hands back the unanswered ones */
    /* The last results leave the buffer only now: a full disk or a closed
     * pipe shows here. */
    if (fflush(run->out) != 0 || ferror(run->out))
        run->out_error = true;
    if (run->show_progress && run->tty)
        progress(run, p, true);
    summary(run, p, c, r, in->eof && in->start == in->len, in->line_no, retry_for_ms);
    if (r < 0)
        return r == -ETIMEDOUT ? CCHC_EXIT_UNREACHABLE : cchc_fail(run->ep, c, r, NULL);
    if (run->out_error) {
        fprintf(stderr, "cchc: cannot write results to stdout\n");
        return CCHC_EXIT_REJECTED;
    }
    cc_push_stats(p, &st);
    return st.rejected > 0 ? CCHC_EXIT_REJECTED : CCHC_EXIT_OK;
}

int cchc_cmd_push(const cc_cli_t *cli)
{
    push_run_t run = { .out = stdout };
    cc_push_opts_t po = { .on_result = on_result, .ctx = &run };
    push_input_t in = { .cap = READ_CHUNK * 2 };
    cc_client_t *c = NULL;
    cc_push_t *p = NULL;
    push_opts_t o;
    struct stat st;
    int status, r;

    if ((status = push_options(cli, &o)) != CCHC_EXIT_OK)
        goto out;
    run.ep = o.ep;
    run.show_progress = o.show_progress;
    run.tty = isatty(STDERR_FILENO);
    po.window = (size_t)o.window;
    /* Resend what has no answer within --timeout; give up when nothing is
     * answered for --retry-for. */
    po.retry_ms = cli->timeout_ms;
    po.timeout_ms = (int)o.retry_for_ms;
    run.timeout_ms = po.timeout_ms; /* what a `timeout` result says it waited */
    if (fstat(STDIN_FILENO, &st) == 0 && S_ISREG(st.st_mode))
        run.bytes_all = (uint64_t)st.st_size;

    status = cchc_connect_wait(cli, run.ep, o.role, cli->units, po.timeout_ms, &c);
    if (status != CCHC_EXIT_OK)
        goto out;
    cc_client_push_begin(c, &po, &p);
    in.buf = cc_xmalloc(in.cap);
    run.start_ms = cc_mono_ms();
    r = push_lines(&run, p, &in);
    status = push_exit_status(&run, p, c, &in, r, po.timeout_ms);
out:
    free(in.buf);
    cc_push_end(&p);
    cc_client_destroy(&c);
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
