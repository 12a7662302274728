/*
 * test_args.c - the command line's conventions (base/cc_args.{h,c}): every
 * form of an option with a value, flags and their clusters, "--", "-",
 * operands among options, '-' and '_' alike, refusals with their reasons,
 * and the --help listing's wrapping.
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

#include "cc_args.h"
#include "cc_base.h"

/* The table of the tests: --unit/-u takes a value, --json/-j and -v are
 * flags, --state-dir takes a value, --rebuild an optional one. */
static const struct {
    const char *name;
    char short_name;
    cc_arg_kind_t kind;
} table[] = {
    { "unit", 'u', CC_ARG_REQUIRED },  { "json", 'j', CC_ARG_NONE },
    { "verbose", 'v', CC_ARG_NONE },   { "state_dir", 0, CC_ARG_REQUIRED },
    { "rebuild", 0, CC_ARG_OPTIONAL },
};
enum { UNIT, JSON, VERBOSE, STATE_DIR, REBUILD };

static int lookup(void *ctx, const char *name, size_t len, char short_name, cc_arg_kind_t *ret)
{
    (void)ctx;
    for (size_t i = 0; i < CC_N(table); i++)
        if (name ? cc_args_name_is(name, len, table[i].name)
                 : short_name != 0 && short_name == table[i].short_name) {
            *ret = table[i].kind;
            return (int)i;
        }
    return -1;
}

/* Parse @argv (NULL-terminated, without argv[0]) into "id=value" words
 * joined by spaces ("op=x" for operands); on an error, "error: <why>". */
static const char *parse(const char *const *words)
{
    static char out[512];
    char *argv[32] = { CC_UNCONST("prog") }, err[128];
    int argc = 1, r;
    cc_args_t it;
    cc_arg_t a;

    for (; words[argc - 1]; argc++)
        argv[argc] = CC_UNCONST(words[argc - 1]);
    out[0] = '\0';
    cc_args_init(&it, argc, argv);
    while ((r = cc_args_next(&it, lookup, NULL, &a, err, sizeof(err))) > 0) {
        size_t len = strlen(out);

        if (a.id == CC_ARGS_OPERAND)
            snprintf(out + len, sizeof(out) - len, "%sop=%s", len ? " " : "", a.value);
        else
            snprintf(out + len, sizeof(out) - len, "%s%s=%s", len ? " " : "", table[a.id].name,
                     a.value ? a.value : "(none)");
    }
    if (r < 0)
        snprintf(out, sizeof(out), "error: %s", err);
    return out;
}

#define P(...) parse((const char *const[]){ __VA_ARGS__, NULL })

static void test_values_every_form(void **state)
{
    (void)state;
    assert_string_equal(P("--unit=SO-TP"), "unit=SO-TP");
    assert_string_equal(P("--unit", "SO-TP"), "unit=SO-TP");
    assert_string_equal(P("-u", "SO-TP"), "unit=SO-TP");
    assert_string_equal(P("-uSO-TP"), "unit=SO-TP");
    /* a value may start with '-' and may be empty after '=' */
    assert_string_equal(P("--unit", "-x"), "unit=-x");
    assert_string_equal(P("--unit="), "unit=");
    /* '-' and '_' are the same in a long name */
    assert_string_equal(P("--state-dir", "/tmp/a", "--state_dir=/tmp/b"),
                        "state_dir=/tmp/a state_dir=/tmp/b");
    /* an optional value only after '=' */
    assert_string_equal(P("--rebuild", "no"), "rebuild=(none) op=no");
    assert_string_equal(P("--rebuild=no"), "rebuild=no");
}

static void test_flags_clusters_operands(void **state)
{
    (void)state;
    assert_string_equal(P("-jv"), "json=(none) verbose=(none)");
    assert_string_equal(P("-jvu", "X"), "json=(none) verbose=(none) unit=X");
    assert_string_equal(P("-juX", "show"), "json=(none) unit=X op=show");
    /* operands anywhere, in order */
    assert_string_equal(P("pakn", "--json", "assign", "PA-1", "-u", "SO-TP"),
                        "op=pakn json=(none) op=assign op=PA-1 unit=SO-TP");
    /* "--" ends the options; "-" is an operand */
    assert_string_equal(P("ctl", "--", "--json", "-u", "-"), "op=ctl op=--json op=-u op=-");
    assert_string_equal(P("-", "--json"), "op=- json=(none)");
}

static void test_refusals(void **state)
{
    (void)state;
    assert_string_equal(P("--bogus"), "error: unknown option --bogus");
    assert_string_equal(P("--bogus=1"), "error: unknown option --bogus");
    assert_string_equal(P("-x"), "error: unknown option -x");
    assert_string_equal(P("-jx"), "error: unknown option -x");
    assert_string_equal(P("--unit"), "error: option --unit needs a value");
    assert_string_equal(P("-u"), "error: option -u needs a value");
    assert_string_equal(P("--json=yes"), "error: option --json takes no value");
    /* no abbreviations: --uni is not --unit */
    assert_string_equal(P("--uni=X"), "error: unknown option --uni");
    assert_string_equal(P("--=X"), "error: unknown option --");
}

static void test_name_is(void **state)
{
    (void)state;
    assert_true(cc_args_name_is("state-dir", 9, "state_dir"));
    assert_true(cc_args_name_is("state_dir=x", 9, "state-dir"));
    assert_false(cc_args_name_is("state", 5, "state_dir"));
    assert_false(cc_args_name_is("state_dirs", 10, "state_dir"));
    assert_false(cc_args_name_is("", 0, "x"));
}

static void test_help_wraps(void **state)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const char *line2;
    (void)state;

    cc_args_print_help(f, "  -u, --unit=U", CC_ARGS_HELP_COLUMN,
                       "one unit: its code in units.tsv (for example SO-TP or X-TANPHONG); with "
                       "--with-children also each of its children, and their total");
    cc_args_print_help(f, "      --a-very-long-option-name=VALUE", CC_ARGS_HELP_COLUMN, "short");
    fclose(f);
    /* first line: the option, padded to the help column, then words up to 80 columns */
    assert_memory_equal(buf, "  -u, --unit=U            one unit:", 33);
    line2 = strchr(buf, '\n') + 1;
    assert_true(line2 - buf <= 81);
    assert_memory_equal(line2, "                          ", CC_ARGS_HELP_COLUMN);
    for (const char *p = buf; *p; p = strchr(p, '\n') + 1)
        assert_true(strchr(p, '\n') - p <= 80);
    /* an option too wide for the column: the help on the next line */
    assert_non_null(strstr(buf, "=VALUE\n                          short\n"));
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values_every_form), cmocka_unit_test(test_flags_clusters_operands),
        cmocka_unit_test(test_refusals),          cmocka_unit_test(test_name_is),
        cmocka_unit_test(test_help_wraps),
    };

    return cmocka_run_group_tests_name("cc_args", tests, NULL, NULL);
}
