/*
 * cchc_events.c - `cchc events`: every event type and its fields, printed
 * from the tables the daemons check them with (proto/cc_schema.c), and the
 * short list at the end of `cchc push --help`.
 */
#include <stdio.h>
#include <string.h>

#include "cc_args.h"
#include "cc_base.h"
#include "cc_schema.h"
#include "cchc.h"

const char cchc_help_events[] =
    "Usage: cchc events [TYPE...]\n"
    "\n"
    "Every event type that cchc push (and the hotline and note commands) can send,\n"
    "with its fields: type and bounds, required or not, and the allowed values of\n"
    "an enumeration; or only the TYPEs named. Printed from the tables the daemons\n"
    "check events with, so an event built from this list passes their field\n"
    "checks. Every event also has eid (your id for it, 1..64 printable ASCII\n"
    "characters, unique forever), type and at (when it happened: ISO 8601 such as\n"
    "2025-03-03T09:00:00+07:00, or Unix seconds). PROTOCOL.md §3 and §4 say what\n"
    "each field means and the rules of each type.\n";

/* How a field's value is written: "id", "code", "text 1..2048 bytes",
 * "uint 0..1000000000000", "time", "yes|no", or its values. */
static void value_text(const cc_event_field_t *f, char *buf, size_t len)
{
    const cc_field_t *c = &f->check;

    if (f->values) {
        char list[256];

        cc_vocab_list(f->values, f->first, "|", list, sizeof(list));
        snprintf(buf, len, "%s", list);
        return;
    }
    switch (c->type) {
    case CC_T_ID:
        snprintf(buf, len, "id (%lld..%lld)", c->min ? (long long)c->min : 1LL,
                 c->max ? (long long)c->max : (long long)CC_MAX_ID);
        break;
    case CC_T_CODE:
        snprintf(buf, len, "code (1..%d)", CC_MAX_CODE);
        break;
    case CC_T_STR:
        snprintf(buf, len, "text (%lld..%lld bytes)", c->min || c->max ? (long long)c->min : 1LL,
                 c->max ? (long long)c->max : (long long)CC_MAX_TEXT);
        break;
    case CC_T_UINT:
        if (c->max)
            snprintf(buf, len, "uint (%lld..%lld)", (long long)c->min, (long long)c->max);
        else
            snprintf(buf, len, "uint");
        break;
    case CC_T_TIME:
        snprintf(buf, len, "time");
        break;
    case CC_T_BOOL:
        snprintf(buf, len, "true|false");
        break;
    default:
        snprintf(buf, len, "int");
        break;
    }
}

/* "intake: dossier events, sent with ...", wrapped. */
static void print_title(FILE *f, const cc_event_group_t *grp)
{
    char left[16];

    snprintf(left, sizeof(left), "%s:", cc_event_daemon_name(grp->daemon));
    cc_args_print_help(f, left, strlen(left) + 2, grp->title);
}

static void print_schema(FILE *f, const cc_event_schema_t *s)
{
    char left[48], v[300];

    snprintf(left, sizeof(left), "  %s", s->type);
    snprintf(v, sizeof(v), "%s / %s%s", s->vi, s->en,
             s->daemon_only ? " (raised by the daemon, never sent by a client)" : "");
    cc_args_print_help(f, left, CC_ARGS_HELP_COLUMN, v);
    for (size_t i = 0; i < s->n; i++) {
        const cc_event_field_t *fd = &s->fields[i];
        char val[256];

        value_text(fd, val, sizeof(val));
        snprintf(left, sizeof(left), "      %-14s", fd->check.key);
        snprintf(v, sizeof(v), "%s%s", val, fd->check.required ? "" : " (optional)");
        cc_args_print_help(f, left, CC_ARGS_HELP_COLUMN, v);
    }
}

int cchc_cmd_events(const cc_cli_t *cli)
{
    char why[256];
    bool shown[8] = { false };

    if (cc_cli_check_opts(cli, NULL, why, sizeof(why)) < 0)
        return cchc_usage_error("events", "%s", why);
    for (size_t a = 0; a < cli->n_args && a < CC_N(shown); a++)
        if (cc_event_schema_find(cli->args[a], strlen(cli->args[a]), NULL) == NULL)
            return cchc_usage_error("events", "no event type '%s' (cchc events lists them)",
                                    cli->args[a]);
    if (cli->n_args > CC_N(shown))
        return cchc_usage_error("events", "at most %zu types at once", CC_N(shown));
    for (size_t g = 0; g < CC_N(cc_event_groups); g++) {
        const cc_event_group_t *grp = &cc_event_groups[g];
        bool title = false;

        for (size_t i = 0; i < grp->n; i++) {
            const cc_event_schema_t *s = &grp->schemas[i];
            bool wanted = cli->n_args == 0;

            for (size_t a = 0; a < cli->n_args; a++)
                wanted = wanted || strcmp(cli->args[a], s->type) == 0;
            if (!wanted)
                continue;
            if (!title && g > 0 && cli->n_args == 0)
                putchar('\n');
            if (!title)
                print_title(stdout, grp);
            title = true;
            print_schema(stdout, s);
        }
    }
    return CCHC_EXIT_OK;
}

void cchc_events_brief(FILE *f)
{
    fputs("\nEvent types and their fields ([optional]; `cchc events` gives types, bounds\n"
          "and values):\n",
          f);
    for (size_t g = 0; g < CC_N(cc_event_groups); g++) {
        const cc_event_group_t *grp = &cc_event_groups[g];

        print_title(f, grp);
        for (size_t i = 0; i < grp->n; i++) {
            const cc_event_schema_t *s = &grp->schemas[i];
            char left[48], fields[300] = "";
            size_t used = 0;

            if (s->daemon_only)
                continue;
            for (size_t k = 0; k < s->n && used < sizeof(fields); k++) {
                const cc_field_t *c = &s->fields[k].check;
                int n = snprintf(fields + used, sizeof(fields) - used, "%s%s%s%s", k ? " " : "",
                                 c->required ? "" : "[", c->key, c->required ? "" : "]");

                used += n > 0 ? (size_t)n : 0;
            }
            snprintf(left, sizeof(left), "  %s", s->type);
            cc_args_print_help(f, left, CC_ARGS_HELP_COLUMN, fields);
        }
    }
}
