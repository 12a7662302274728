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

#include "cc_hotline.h"
#include "cc_time.h"

#ifndef CCHC_VERSION
#define CCHC_VERSION "0"
#endif

static const char help_main[] =
    "Usage: cchc [OPTIONS] COMMAND [ARGS] [OPTIONS]\n"
    "\n"
    "The command-line client of the cchc daemons (intake, hotline, scoring).\n"
    "\n"
    "Commands:\n"
    "  push      send events (JSON lines on stdin) to intake or hotline\n"
    "  watch     follow live alerts of your units (supervisor)\n"
    "  report    figures for a period: a unit, its children, or a ranked table\n"
    "            (table, --format=csv|xlsx|json) (supervisor)\n"
    "  grade     grades A+/A/B/C and what decided them; grade set|reason (supervisor)\n"
    "  reminder  add|list: reminders and criticisms of a unit (supervisor)\n"
    "  dossier   show ID: a dossier's state and history\n"
    "  contact   log|close: 1022 contacts (agent)\n"
    "  pakn      receive|classify|assign|forward|refuse|accept|answer|publish|close|reopen,\n"
    "            show ID, open --unit=U: complaints (agent, unit contact point)\n"
    "  ctl       intake|hotline|scoring ping|stats|backup PATH|clock TIME,\n"
    "            hotline erase --pakn=ID|--phone=N (operator)\n"
    "  keygen    NAME: a CurveZMQ key pair, NAME.key (secret) and NAME.pub;\n"
    "            --data-key=ID: a line of the hotline's personal data keys\n"
    "Run `cchc COMMAND --help` for a command's options.\n"
    "\n"
    "Global options (anywhere on the line; environment variable in brackets):\n"
    "  --intake=EP     intake endpoint   [CCHC_INTAKE]  default tcp://127.0.0.1:7301\n"
    "  --hotline=EP    hotline endpoint  [CCHC_HOTLINE] default tcp://127.0.0.1:7302\n"
    "  --scoring=EP    scoring queries   [CCHC_SCORING] default tcp://127.0.0.1:7303\n"
    "  --alerts=EP     scoring alerts    [CCHC_ALERTS]  default tcp://127.0.0.1:7304\n"
    "  --who=NAME      who you are (1..32 characters, no spaces) [CCHC_WHO] default cchc\n"
    "  --units=A,B     your units, or * for all [CCHC_UNITS] default *\n"
    "  --timeout=MS    how long to wait for a daemon's reply, default 3000\n"
    "CurveZMQ (the daemon's public key makes the connection encrypted, and the daemon\n"
    "knows you by your key: role, name and units come from its principals file):\n"
    "  --key=FILE      your key pair (cchc keygen) [CCHC_KEY], or the secret key\n"
    "                  itself in [CCHC_SECRET_KEY]\n"
    "  --intake-key=K, --hotline-key=K, --scoring-key=K   the daemon's public key:\n"
    "                  its .pub file or the key [CCHC_INTAKE_KEY, CCHC_HOTLINE_KEY,\n"
    "                  CCHC_SCORING_KEY]; without it, plain (the daemon on this machine)\n"
    "  --help, -h      this help;  --version  the version\n"
    "\n"
    "Exit status:\n"
    "  0  everything accepted (events already stored count as accepted)\n"
    "  1  some events, or the request, refused by the daemon\n"
    "  2  usage error\n"
    "  3  daemon unreachable, or no reply within --timeout\n"
    "  4  protocol error (a reply the tool could not understand)\n";

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
    switch (ep) {
    case CC_EP_INTAKE:
        return "cchc-intaked";
    case CC_EP_HOTLINE:
        return "cchc-hotlined";
    case CC_EP_SCORING:
    case CC_EP_ALERTS:
    default:
        return "cchc-scoringd";
    }
}

int cchc_fail(cc_endpoint_t ep, cc_client_t *c, int r, const cc_client_error_t *err)
{
    const char *name = cc_endpoint_name(ep);
    const char *prog = cchc_daemon_program(ep);
    int hs;

    if (r == 1 && err) {
        fprintf(stderr, "cchc: %s refused: %s: %s / %s\n", name, err->code, err->en, err->vi);
        return CCHC_EXIT_REJECTED;
    }
    if (r == CC_EMALFORMED || r == -EPROTO) {
        fprintf(stderr,
                "cchc: protocol error: %s at %s sent a reply this tool does not "
                "understand (%s); are the versions of cchc and %s the same?\n",
                name, cc_client_endpoint(c),
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
                "cchc: cannot reach %s at %s (no reply within %d ms); is %s running? "
                "(systemctl status %s)\n",
                name, cc_client_endpoint(c), cc_client_timeout(c), prog, prog);
        return CCHC_EXIT_UNREACHABLE;
    }
    fprintf(stderr, "cchc: cannot talk to %s at %s: %s\n", name, cc_client_endpoint(c),
            strerror(r < 0 ? -r : r));
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

int cchc_connect(const cc_cli_t *cli, cc_endpoint_t ep, const char *role, const char *units,
                 cc_client_t **ret)
{
    cc_client_opts_t o = { .timeout_ms = cli->timeout_ms };
    char server_key[CC_CURVE_KEY_LEN + 1];
    cc_curve_keypair_t key;
    cc_client_error_t err;
    cc_client_t *c = NULL;
    int r;

    if ((r = cchc_curve(cli, ep, &key, server_key)) != CCHC_EXIT_OK)
        return r;
    if (server_key[0]) {
        o.key = &key;
        o.server_key = server_key;
        /* The key says who we are; HELLO only narrows it with what was
         * given explicitly. */
        role = role ? "" : NULL;
        units = cli->units_given ? units : "";
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
    if (role) {
        r = cc_client_hello(c, role, o.key && !cli->who_given ? NULL : cli->who, units, NULL, &err);
        if (r != 0) {
            r = cchc_fail(ep, c, r, &err);
            cc_client_destroy(&c);
            return r;
        }
    }
    *ret = c;
    return CCHC_EXIT_OK;
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

/* A command's help is a fixed text, or (help_of) depends on its
 * subcommand. */
static const struct {
    const char *name;
    int (*run)(const cc_cli_t *cli);
    const char *help;
    const char *(*help_of)(const cc_cli_t *cli);
} commands[] = {
    { "push", cchc_cmd_push, cchc_help_push, NULL },
    { "watch", cchc_cmd_watch, cchc_help_watch, NULL },
    { "report", cchc_cmd_report, cchc_help_report, NULL },
    { "grade", cchc_cmd_grade, cchc_help_grade, NULL },
    { "reminder", cchc_cmd_reminder, cchc_help_reminder, NULL },
    { "dossier", cchc_cmd_dossier, cchc_help_dossier, NULL },
    { "ctl", cchc_cmd_ctl, cchc_help_ctl, NULL },
    { "keygen", cchc_cmd_keygen, cchc_help_keygen, NULL },
    { "contact", cchc_cmd_hotline, NULL, cc_hotline_help },
    { "pakn", cchc_cmd_hotline, NULL, cc_hotline_help },
};

int main(int argc, char **argv)
{
    char err[512];
    cc_cli_t cli;

    if (cc_cli_parse(argc, argv, env_lookup, &cli, err, sizeof(err)) < 0)
        return cchc_usage_error(NULL, "%s", err);
    if (cli.version) {
        printf("cchc %s (protocol %d)\n", CCHC_VERSION, CC_PROTO_VERSION);
        return CCHC_EXIT_OK;
    }
    if (cli.command == NULL) {
        if (cli.help) {
            fputs(help_main, stdout);
            return CCHC_EXIT_OK;
        }
        fputs(help_main, stderr);
        return CCHC_EXIT_USAGE;
    }
    if (strcmp(cli.command, "help") == 0) {
        cli.command = cli.n_args ? cli.args[0] : NULL;
        cli.help = true;
        if (cli.command == NULL) {
            fputs(help_main, stdout);
            return CCHC_EXIT_OK;
        }
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(cli.command, commands[i].name) != 0)
            continue;
        if (cli.help) {
            fputs(commands[i].help_of ? commands[i].help_of(&cli) : commands[i].help, stdout);
            fputs("\nGlobal options and exit status: `cchc --help`.\n", stdout);
            return CCHC_EXIT_OK;
        }
        return commands[i].run(&cli);
    }
    return cchc_usage_error(NULL, "unknown command '%s'", cli.command);
}
