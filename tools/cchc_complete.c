/*
 * cchc_complete.c - `cchc __complete WORD...`, the shell completion's
 * brain: commands, subcommands, options, and the values an option takes,
 * from the tool's own tables (commands, options, cc_vocab lists, report
 * figures, event types) and from the catalogs (unit and procedure codes),
 * so that what completes is what the tool and the daemons accept.
 * deploy/cchc.bash only passes the words and prints the answer.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_catalog.h"
#include "cc_figures.h"
#include "cc_schema.h"
#include "cc_vocab.h"
#include "cchc.h"

/* What the words typed so far say. */
typedef struct {
    const cchc_command_t *cmd; /* NULL before the command */
    const char *args[8];       /* operands after the command */
    size_t n_args;
    const char *catalog_dir; /* --catalog-dir given, else NULL */
    const char *opt;         /* the option whose value is being typed, or NULL */
    size_t opt_len;
    const char *cur;    /* the part of the last word to complete */
    const char *prefix; /* what to print before each candidate ("--unit=") */
} ctx_t;

static void say(const ctx_t *c, const char *word)
{
    if (strncmp(word, c->cur, strlen(c->cur)) == 0)
        printf("%s%s\n", c->prefix, word);
}

/* Each word of a space-separated list. */
static void say_list(const ctx_t *c, const char *list, const char *before)
{
    char word[64];

    while (list && *list) {
        size_t n = strcspn(list, " ");

        snprintf(word, sizeof(word), "%s%.*s", before, (int)n, list);
        say(c, word);
        list += n;
        list += strspn(list, " ");
    }
}

static void say_vocab(const ctx_t *c, const cc_vocab_t *v, unsigned first)
{
    for (unsigned i = first; i < v->n; i++)
        say(c, cc_vocab_name(v, i));
}

static void say_codes(const ctx_t *c, bool procedures)
{
    const char *dir = c->catalog_dir ? c->catalog_dir : getenv("CCHC_CATALOG_DIR");
    cc_catalog_t *cat = NULL;

    if (cc_catalog_load(dir && *dir ? dir : NULL, &cat, NULL, 0) < 0)
        return;
    for (size_t i = 0; !procedures && i < cc_catalog_unit_count(cat); i++)
        say(c, cc_catalog_unit_at(cat, i)->code);
    for (size_t i = 0; procedures && i < cc_catalog_procedure_count(cat); i++)
        say(c, cc_catalog_procedure_at(cat, i)->code);
    cc_catalog_destroy(&cat);
}

static bool command_is(const ctx_t *c, const char *name)
{
    return c->cmd && strcmp(c->cmd->name, name) == 0;
}

/* The values of option @c->opt. */
static void say_values(const ctx_t *c)
{
    const char *o = c->opt;
    size_t n = c->opt_len;

    if (cc_strn_eq(o, n, "unit") || cc_strn_eq(o, n, "parent")) {
        say_codes(c, false);
    } else if (cc_strn_eq(o, n, "units")) {
        say(c, "*");
        if (command_is(c, "report") || command_is(c, "grade"))
            say_vocab(c, &cc_unit_kinds, 0);
        say_codes(c, false);
    } else if (cc_strn_eq(o, n, "to") && command_is(c, "push")) {
        say_list(c, "intake hotline", "");
    } else if (cc_strn_eq(o, n, "role")) {
        say_list(c,
                 command_is(c, "push") ? "counter agent contact_point"
                                       : "agent contact_point supervisor operator",
                 "");
    } else if (cc_strn_eq(o, n, "format")) {
        say_list(c, "table csv xlsx json", "");
    } else if (cc_strn_eq(o, n, "kind")) {
        if (command_is(c, "reminder"))
            say_vocab(c, &cc_note_kinds, 0);
        else
            say_vocab(c, &cc_unit_kinds, 0);
    } else if (cc_strn_eq(o, n, "type")) {
        say_vocab(c, &cc_ctypes, 0);
    } else if (cc_strn_eq(o, n, "channel")) {
        say_vocab(c, &cc_hotline_channels, 0);
    } else if (cc_strn_eq(o, n, "category")) {
        say_vocab(c, &cc_pakn_categories, CC_CATEGORY_PROCEDURE);
    } else if (cc_strn_eq(o, n, "reason") && command_is(c, "pakn")) {
        say_vocab(c, &cc_pakn_refusals, CC_REFUSAL_ANONYMOUS);
    } else if (cc_strn_eq(o, n, "grade")) {
        say_vocab(c, &cc_grades, 0);
    } else if (cc_strn_eq(o, n, "rank")) {
        for (size_t i = 0; i < cc_figures_n; i++)
            say(c, cc_figures[i].key);
    } else if (cc_strn_eq(o, n, "output") || cc_strn_eq(o, n, "catalog-dir")) {
        printf("__files__\n");
    }
}

/* The operands: subcommands, then what each command takes. */
static void say_operands(const ctx_t *c)
{
    if (c->cmd == NULL) {
        for (const cchc_command_t *k = cchc_commands; k->name; k++)
            say(c, k->name);
        say(c, "help");
        return;
    }
    if (c->n_args == 0 && c->cmd->subcommands) {
        say_list(c, c->cmd->subcommands, "");
        return;
    }
    if (command_is(c, "ctl") && c->n_args == 1) {
        say_list(c, "ping stats backup clock", "");
    } else if (command_is(c, "catalog")) {
        say_codes(c, strcmp(c->args[0], "procedures") == 0);
    } else if (command_is(c, "events")) {
        for (size_t g = 0; g < CC_N(cc_event_groups); g++)
            for (size_t i = 0; i < cc_event_groups[g].n; i++)
                say(c, cc_event_groups[g].schemas[i].type);
    }
}

/* The options: the global ones and the command's. */
static void say_options(const ctx_t *c)
{
    for (const cc_cli_option_t *o = cc_cli_globals; o->name; o++) {
        char word[64];

        snprintf(word, sizeof(word), "--%s%s", o->name, o->value ? "=" : "");
        say(c, word);
    }
    if (c->cmd == NULL || c->cmd->options == NULL)
        return;
    for (const char *l = c->cmd->options; *l;) {
        size_t n = strcspn(l, " ");
        const cc_cli_option_t *o = cc_cli_option_find(l, n, 0, NULL);
        char word[64];

        snprintf(word, sizeof(word), "--%.*s%s", (int)n, l, o && o->value ? "=" : "");
        say(c, word);
        l += n;
        l += strspn(l, " ");
    }
}

/* Whether word @w is an option taking a value in the next word: "--unit",
 * "-u" (not "--unit=X", not a flag). Sets the option's long name. */
static bool takes_next(const char *w, const char **ret_name, size_t *ret_len)
{
    const cc_cli_option_t *o = NULL;

    if (w[0] != '-' || w[1] == '\0' || strchr(w, '='))
        return false;
    if (w[1] == '-')
        o = cc_cli_option_find(w + 2, strlen(w + 2), 0, NULL);
    else if (w[2] == '\0')
        o = cc_cli_option_find(NULL, 0, w[1], NULL);
    if (o == NULL || o->value == NULL)
        return false;
    *ret_name = o->name;
    *ret_len = strlen(o->name);
    return true;
}

int cchc_complete(int n, const char *const *w)
{
    ctx_t c = { .cur = "", .prefix = "" };
    const char *name, *pending = NULL;
    char before[64];
    size_t len;
    int last = n - 1;

    if (n <= 0)
        return 0;
    /* bash splits "--unit=SO" into "--unit" "=" "SO" (COMP_WORDBREAKS). */
    if (last >= 1 && strcmp(w[last], "=") == 0) {
        c.opt = w[last - 1];
        last -= 1; /* completing "" after the '=' */
    } else if (last >= 2 && strcmp(w[last - 1], "=") == 0) {
        c.opt = w[last - 2];
        c.cur = w[last];
        last -= 2;
    } else if (strncmp(w[last], "--", 2) == 0 && strchr(w[last], '=')) {
        /* "--unit=SO" as one word: print "--unit=" before each value. */
        c.opt = w[last];
        c.cur = strchr(w[last], '=') + 1;
        snprintf(before, sizeof(before), "%.*s", (int)(c.cur - w[last]), w[last]);
        c.prefix = before;
    } else {
        c.cur = w[last];
        if (last >= 1 && takes_next(w[last - 1], &name, &len)) {
            c.opt = name;
            c.opt_len = len;
            last -= 1;
        }
    }
    if (c.opt && c.opt_len == 0) {
        c.opt += c.opt[0] == '-' ? (c.opt[1] == '-' ? 2 : 1) : 0;
        c.opt_len = strcspn(c.opt, "=");
    }
    /* The words before: the command, its operands, --catalog-dir. */
    for (int i = 0; i < last; i++) {
        const char *x = w[i];

        if (pending) {
            if (strcmp(x, "=") == 0)
                continue;
            if (strcmp(pending, "catalog-dir") == 0)
                c.catalog_dir = x;
            pending = NULL;
        } else if (strncmp(x, "--catalog-dir=", 14) == 0) {
            c.catalog_dir = x + 14;
        } else if (takes_next(x, &name, &len)) {
            pending = name;
        } else if (x[0] == '-' || strcmp(x, "=") == 0) {
            continue;
        } else if (c.cmd == NULL) {
            for (const cchc_command_t *k = cchc_commands; k->name; k++)
                if (strcmp(k->name, x) == 0)
                    c.cmd = k;
            if (c.cmd == NULL)
                return 0; /* not a command of ours */
        } else if (c.n_args < CC_N(c.args)) {
            c.args[c.n_args++] = x;
        }
    }
    if (c.opt)
        say_values(&c);
    else if (c.cur[0] == '-')
        say_options(&c);
    else
        say_operands(&c);
    return 0;
}
