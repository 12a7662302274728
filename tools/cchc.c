/*
 * cchc.c - the cchc command-line tool: global options, help, dispatch and
 * the helpers every command uses. The commands are in cchc_push.c,
 * cchc_watch.c and cchc_query.c.
 */
#include "cchc.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cc_args.h"
#include "cc_base.h"
#include "cc_hotline.h"
#include "cc_time.h"

const cchc_command_t cchc_commands[] = {
    { .name = "push",
      .summary = "send events (JSON lines on stdin) to intake or hotline (--to=hotline)",
      .run = cchc_cmd_push,
      .help = cchc_help_push,
      .help_more = cchc_events_brief,
      .options = "to role window retry-for progress" },
    { .name = "watch",
      .summary = "follow live alerts of your units (supervisor)",
      .run = cchc_cmd_watch,
      .help = cchc_help_watch,
      .options = "unit kind severity summary role json count" },
    { .name = "alerts",
      .summary = "the active alerts of your units, or their counts (supervisor)",
      .run = cchc_cmd_alerts,
      .help = cchc_help_alerts,
      .options = "unit kind severity summary role json" },
    { .name = "ack",
      .summary = "acknowledge an alert of your units (supervisor)",
      .run = cchc_cmd_ack,
      .help = cchc_help_ack,
      .options = "note role json" },
    { .name = "report",
      .summary = "figures for a period: a unit, its children, or a ranked table (table, "
                 "--format=csv|xlsx|json) (supervisor)",
      .run = cchc_cmd_report,
      .help = cchc_help_report,
      .options = "unit parent with-children period from to rank asc format output json csv" },
    { .name = "grade",
      .summary = "grades A+/A/B/C and what decided them; grade set|reason (supervisor)",
      .run = cchc_cmd_grade,
      .help = cchc_help_grade,
      .subcommands = "set reason",
      .options = "unit parent with-children period from to rank asc format output json csv grade "
                 "reason" },
    { .name = "reminder",
      .summary = "add|list: reminders and criticisms of a unit (supervisor)",
      .run = cchc_cmd_reminder,
      .help = cchc_help_reminder,
      .subcommands = "add list",
      .options = "unit kind doc date reason period from to json" },
    { .name = "index",
      .summary = "the real-time service index (QĐ 766): indicators, points, coverage of a unit "
                 "or a table of units with their total (supervisor)",
      .run = cchc_cmd_index,
      .help = cchc_help_index,
      .options = "unit parent with-children period from to rank asc format output json csv" },
    { .name = "dossier",
      .summary = "show ID: a dossier's state and history",
      .run = cchc_cmd_dossier,
      .help = cchc_help_dossier,
      .subcommands = "show",
      .options = "json" },
    { .name = "contact",
      .summary = "log|close: 1022 contacts (agent)",
      .run = cchc_cmd_hotline,
      .help_of = cc_hotline_help,
      .subcommands = "log close",
      .options = "id type channel unit closed at eid role json" },
    { .name = "pakn",
      .summary = "receive|classify|assign|forward|refuse|accept|answer|publish|close| reopen, "
                 "show ID, open --unit=U: complaints (agent, unit contact point)",
      .run = cchc_cmd_hotline,
      .help_of = cc_hotline_help,
      .subcommands =
          "receive classify assign forward refuse accept answer publish close reopen show open",
      .options = "id text contact dossier urgent caller-name caller-phone category unit outside "
                 "reason max at eid role json" },
    { .name = "ctl",
      .summary = "intake|hotline|scoring ping|stats|backup PATH|clock TIME; scoring rebuild; "
                 "hotline erase --pakn=ID|--phone=N (operator)",
      .run = cchc_cmd_ctl,
      .help = cchc_help_ctl,
      .subcommands = "intake hotline scoring",
      .options = "json no-wait pakn phone" },
    { .name = "keygen",
      .summary = "NAME: a CurveZMQ key pair, NAME.key (secret) and NAME.pub; --data-key=ID: a "
                 "line of the hotline's personal data keys",
      .run = cchc_cmd_keygen,
      .help = cchc_help_keygen,
      .options = "for data-key" },
    { .name = "events",
      .summary = "every event type and its fields, as the daemons check them",
      .run = cchc_cmd_events,
      .help = cchc_help_events },
    { .name = "catalog",
      .summary = "units|procedures [CODE...]: the codes of the catalogs",
      .run = cchc_cmd_catalog,
      .help = cchc_help_catalog,
      .subcommands = "units procedures",
      .options = "catalog-dir" },
    { .name = NULL },
};

static void help_main(FILE *f)
{
    fputs("Usage: cchc [OPTIONS] COMMAND [ARGS] [OPTIONS]\n"
          "\n"
          "The command-line client of the cchc daemons (intake, hotline, scoring).\n"
          "\n"
          "Commands:\n",
          f);
    for (const cchc_command_t *c = cchc_commands; c->name; c++) {
        char left[32];

        snprintf(left, sizeof(left), "  %s", c->name);
        cc_args_print_help(f, left, 12, c->summary);
    }
    fputs("Run `cchc COMMAND --help` for a command's options.\n"
          "\n"
          "Global options (anywhere on the line; environment variable in brackets):\n",
          f);
    cc_cli_print_globals(f);
    fputs("Options take their value after '=' or as the next argument (--who=tdv-01,\n"
          "--who tdv-01, -w tdv-01); `--` ends the options.\n"
          "\n"
          "Exit status:\n"
          "  0  everything accepted (events already stored count as accepted)\n"
          "  1  some events, or the request, refused by the daemon\n"
          "  2  usage error\n"
          "  3  daemon unreachable, no reply within --timeout, or another daemon at its\n"
          "     endpoint\n"
          "  4  protocol error (a reply the tool could not understand)\n",
          f);
}

int cchc_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;

    fputs("cchc: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry `cchc %s%s--help`.\n", cmd ? cmd : "", cmd ? " " : "");
    return CCHC_EXIT_USAGE;
}

const char *cchc_daemon_program(cc_endpoint_t ep)
{
    return cc_daemon_words(cc_endpoint_name(ep)).program;
}

int cchc_fail(cc_endpoint_t ep, cc_client_t *c, int r, const cc_client_error_t *err)
{
    const char *name = cc_endpoint_name(ep);
    const char *prog = cchc_daemon_program(ep);
    int hs;

    if (r == 1 && err) {
        fprintf(stderr, "cchc: %s refused: %s%s%s%s: %s / %s\n", name, err->code,
                err->field[0] ? " (field " : "", err->field, err->field[0] ? ")" : "", err->vi,
                err->en);
        return CCHC_EXIT_REJECTED;
    }
    if (r == CC_EMALFORMED || r == -EPROTO) {
        fprintf(stderr,
                "cchc: lỗi giao thức: %s tại %s trả lời một thông điệp công cụ này không hiểu; "
                "phiên bản của cchc và %s có khớp không? / protocol error: %s at %s sent a reply "
                "this tool does not understand (%s); are the versions of cchc and %s the same?\n",
                name, cc_client_endpoint(c), prog, name, cc_client_endpoint(c),
                r == -EPROTO ? "unexpected message type" : "malformed message", prog);
        return CCHC_EXIT_PROTOCOL;
    }
    if (r == -ETIMEDOUT && (hs = cc_client_handshake_error(c)) != 0) {
        /* The daemon answered the connection, but not our handshake. */
        if (hs == -EACCES)
            fprintf(stderr,
                    "cchc: %s at %s refused this key: it is not in the daemon's principals "
                    "file (revoked, or never added) / %s từ chối khóa này (không có trong "
                    "danh sách khóa được phép)\n",
                    name, cc_client_endpoint(c), name);
        else if (hs == -EPROTONOSUPPORT)
            fprintf(stderr,
                    "cchc: %s at %s and this tool disagree on CurveZMQ: one end uses it, the "
                    "other not (give --%s-key and --key for a daemon with security = curve) / "
                    "hai bên không cùng dùng CurveZMQ\n",
                    name, cc_client_endpoint(c), name);
        else
            fprintf(stderr,
                    "cchc: the CurveZMQ handshake with %s at %s failed: is --%s-key the "
                    "daemon's public key, and does it run with security = curve? / bắt tay "
                    "CurveZMQ thất bại: kiểm tra khóa công khai của %s\n",
                    name, cc_client_endpoint(c), name, name);
        return hs == -EACCES ? CCHC_EXIT_REJECTED : CCHC_EXIT_UNREACHABLE;
    }
    if (r == -ETIMEDOUT) {
        fprintf(stderr,
                "cchc: không liên lạc được với %s tại %s (không có trả lời sau %d ms); %s có "
                "đang chạy không? / cannot reach %s at %s (no reply within %d ms); is %s "
                "running? (systemctl status %s)\n",
                name, cc_client_endpoint(c), cc_client_timeout(c), prog, name,
                cc_client_endpoint(c), cc_client_timeout(c), prog, prog);
        return CCHC_EXIT_UNREACHABLE;
    }
    fprintf(stderr, "cchc: không liên lạc được với %s tại %s / cannot talk to %s at %s: %s\n", name,
            cc_client_endpoint(c), name, cc_client_endpoint(c), strerror(r < 0 ? -r : r));
    return CCHC_EXIT_UNREACHABLE;
}

int cchc_wrong_daemon(cc_endpoint_t ep, const cc_client_t *c, const char *daemon)
{
    static const char *const env[CC_EP_COUNT_] = {
        [CC_EP_INTAKE] = "CCHC_INTAKE",
        [CC_EP_HOTLINE] = "CCHC_HOTLINE",
        [CC_EP_SCORING] = "CCHC_SCORING",
    };
    cc_daemon_words_t want = cc_daemon_words(cc_endpoint_name(ep));
    cc_daemon_words_t got;

    if (daemon == NULL || daemon[0] == '\0' || strcmp(daemon, want.name) == 0)
        return CCHC_EXIT_OK;
    got = cc_daemon_words(daemon);
    fprintf(stderr,
            "cchc: %s là %s (%s), không phải %s (%s): hãy sửa --%s hoặc $%s / %s is %s, not "
            "%s: fix --%s or $%s\n",
            cc_client_endpoint(c), got.vi, got.program, want.vi, want.program, cc_endpoint_name(ep),
            env[ep], cc_client_endpoint(c), got.program, want.program, cc_endpoint_name(ep),
            env[ep]);
    return CCHC_EXIT_UNREACHABLE;
}

int cchc_curve(const cc_cli_t *cli, cc_endpoint_t ep, cc_curve_keypair_t *ret_key,
               char *ret_server_key)
{
    char why[512];

    ret_server_key[0] = '\0';
    if (cli->server_key[ep] == NULL)
        return CCHC_EXIT_OK;
    if (cc_curve_public_get(cli->server_key[ep], ret_server_key, why, sizeof(why)) < 0)
        return cchc_usage_error(NULL, "--%s-key: %s", cc_endpoint_name(ep), why);
    if (cli->key_file) {
        if (cc_curve_keypair_read(cli->key_file, ret_key, why, sizeof(why)) < 0)
            return cchc_usage_error(NULL, "--key: %s", why);
    } else if (cli->secret_key) {
        if (cc_curve_keypair_from_secret(cli->secret_key, ret_key) < 0)
            return cchc_usage_error(NULL, "CCHC_SECRET_KEY is not a secret key (40 Z85 "
                                          "characters)");
    } else {
        return cchc_usage_error(NULL,
                                "--%s-key needs your own key pair too: --key=FILE (cchc keygen) "
                                "or CCHC_SECRET_KEY",
                                cc_endpoint_name(ep));
    }
    return CCHC_EXIT_OK;
}

int cchc_hello(const cc_cli_t *cli, cc_endpoint_t ep, cc_client_t *c, const char *role,
               const char *units, cc_client_error_t *err)
{
    if (cli->server_key[ep]) {
        /* The key says who we are; HELLO only narrows it with what was
         * given explicitly. */
        return cc_client_hello(c, "", cli->who_given ? cli->who : NULL,
                               cli->units_given ? units : "", NULL, err);
    }
    return cc_client_hello(c, role, cli->who, units, NULL, err);
}

int cchc_connect_wait(const cc_cli_t *cli, cc_endpoint_t ep, const char *role, const char *units,
                      int patience_ms, cc_client_t **ret)
{
    cc_client_opts_t o = { .timeout_ms = cli->timeout_ms };
    char server_key[CC_CURVE_KEY_LEN + 1];
    cc_curve_keypair_t key;
    cc_client_error_t err;
    cc_client_t *c = NULL;
    uint64_t t0;
    bool said = false;
    int r;

    if ((r = cchc_curve(cli, ep, &key, server_key)) != CCHC_EXIT_OK)
        return r;
    if (server_key[0]) {
        o.key = &key;
        o.server_key = server_key;
    }
    r = cc_client_new(NULL, cli->endpoint[ep], &o, &c);
    memset(&key, 0, sizeof(key));
    if (r == -EINVAL)
        return cchc_usage_error(NULL, "--%s=%s is not a ZeroMQ endpoint (e.g. tcp://host:port)",
                                cc_endpoint_name(ep), cli->endpoint[ep]);
    if (r < 0) {
        fprintf(stderr, "cchc: cannot connect to %s at %s: %s\n", cc_endpoint_name(ep),
                cli->endpoint[ep], strerror(-r));
        return CCHC_EXIT_UNREACHABLE;
    }
    t0 = cc_mono_ms();
    while (role) {
        r = cchc_hello(cli, ep, c, role, units, &err);
        if (r == -ETIMEDOUT && cc_mono_ms() - t0 < (uint64_t)patience_ms) {
            if (!said)
                fprintf(stderr,
                        "cchc: đang chờ %s tại %s (tối đa %d s) / waiting for %s at %s (up to "
                        "%d s)\n",
                        cc_endpoint_name(ep), cli->endpoint[ep], patience_ms / 1000,
                        cc_endpoint_name(ep), cli->endpoint[ep], patience_ms / 1000);
            said = true;
            continue;
        }
        r = r != 0 ? cchc_fail(ep, c, r, &err) : cchc_wrong_daemon(ep, c, cc_client_daemon(c));
        if (r != CCHC_EXIT_OK) {
            cc_client_destroy(&c);
            return r;
        }
        break;
    }
    *ret = c;
    return CCHC_EXIT_OK;
}

int cchc_connect(const cc_cli_t *cli, cc_endpoint_t ep, const char *role, const char *units,
                 cc_client_t **ret)
{
    return cchc_connect_wait(cli, ep, role, units, 0, ret);
}

void cchc_format_local(int64_t t, char *buf, size_t len)
{
    char iso[CC_TIME_ISO_LEN];

    if (t == 0 || cc_time_format_iso(t, iso, sizeof(iso)) < 0) {
        snprintf(buf, len, "-");
        return;
    }
    /* "YYYY-MM-DDTHH:MM:SS+07:00" -> "YYYY-MM-DD HH:MM" */
    iso[10] = ' ';
    iso[16] = '\0';
    snprintf(buf, len, "%s", iso);
}

static const char *env_lookup(const char *name) { return getenv(name); }

int main(int argc, char **argv)
{
    char err[512];
    cc_cli_t cli;

    /* The shell's completion (cchc.bash) asks before any parsing: the words
     * typed so far are not a finished command line. */
    if (argc >= 2 && strcmp(argv[1], "__complete") == 0)
        return cchc_complete(argc - 2, (const char *const *)argv + 2);

    if (cc_cli_parse(argc, argv, env_lookup, &cli, err, sizeof(err)) < 0)
        return cchc_usage_error(NULL, "%s", err);
    if (cli.version) {
        printf("cchc %s (protocol %d)\n", CCHC_VERSION, CC_PROTO_VERSION);
        return CCHC_EXIT_OK;
    }
    if (cli.command == NULL) {
        help_main(cli.help ? stdout : stderr);
        return cli.help ? CCHC_EXIT_OK : CCHC_EXIT_USAGE;
    }
    if (strcmp(cli.command, "help") == 0) {
        cli.command = cli.n_args ? cli.args[0] : NULL;
        cli.help = true;
        if (cli.command == NULL) {
            help_main(stdout);
            return CCHC_EXIT_OK;
        }
    }
    for (const cchc_command_t *c = cchc_commands; c->name; c++) {
        if (strcmp(cli.command, c->name) != 0)
            continue;
        if (cli.help) {
            fputs(c->help_of ? c->help_of(&cli) : c->help, stdout);
            if (c->help_more)
                c->help_more(stdout);
            fputs("\nGlobal options and exit status: `cchc --help`.\n", stdout);
            return CCHC_EXIT_OK;
        }
        return c->run(&cli);
    }
    return cchc_usage_error(NULL, "unknown command '%s'", cli.command);
}
