/*
 * cc_args.h - the command line the way every Unix tool reads it
 * (getopt_long conventions), for the daemons and the cchc tool alike.
 *
 *   --name=value   --name value   -n value   -nvalue   an option with a value
 *   --flag         -f             -fgh (flags in one cluster)
 *   --             ends the options: everything after it is an operand
 *   -              alone, an operand (standard input, by convention)
 *
 * Options and operands may come in any order; operands are returned in
 * their order. In a long name '-' and '_' are the same (--state-dir is
 * --state_dir). Names are matched whole: no abbreviations, so that adding
 * an option never changes what an existing command line means.
 *
 * The parser knows no table of its own: the caller's lookup function says,
 * for a name, which option it is (an id) and whether it takes a value. The
 * daemons' configuration table (cc_config.h) and the tool's option tables
 * (tools/cc_cli.h) are read that way.
 */
#ifndef CC_ARGS_H
#define CC_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* What an option takes. */
typedef enum {
    CC_ARG_NONE,     /* a flag: --json, -j */
    CC_ARG_REQUIRED, /* a value: --unit=U, --unit U, -u U, -uU */
    CC_ARG_OPTIONAL, /* a value only after '=': --rebuild, --rebuild=no */
} cc_arg_kind_t;

/**
 * cc_args_lookup_fn - the caller's table: which option is the long name
 * @name (@len bytes, not terminated; compare with cc_args_name_is), or,
 * when @name is NULL, the short option @short_name.
 * @ret_kind: what it takes.
 * Returns the option's id (>= 0, the caller's choice), or -1 when unknown.
 */
typedef int (*cc_args_lookup_fn)(void *ctx, const char *name, size_t len, char short_name,
                                 cc_arg_kind_t *ret_kind);

/* Where the parser is in argv; fill with cc_args_init(). */
typedef struct {
    int argc;
    char *const *argv;
    int next;            /* the next element of argv */
    const char *cluster; /* the rest of a "-abc" cluster, or NULL */
    bool only_operands;  /* "--" was seen */
} cc_args_t;

/* The id of an operand in cc_arg_t. */
#define CC_ARGS_OPERAND (-1)

/* One option or operand, as cc_args_next() found it. */
typedef struct {
    int id;            /* the lookup's id, or CC_ARGS_OPERAND */
    const char *value; /* the option's value (NULL: none given), or the operand */
    char spelled[48];  /* the option as written, without its value: "--unit", "-u" */
} cc_arg_t;

/**
 * cc_args_init - start reading @argv at argv[1] (argv[0] is the program).
 * @argv must outlive the parser: values and operands point into it.
 */
void cc_args_init(cc_args_t *it, int argc, char *const *argv);

/**
 * cc_args_next - the next option or operand.
 * @lookup, @ctx: the caller's table.
 * @ret: filled when 1 is returned.
 * @err, @err_len: on -EINVAL, why: "unknown option --foo", "option --unit
 *   needs a value", "option --json takes no value".
 * Returns 1 (one more in @ret), 0 at the end, or -EINVAL.
 */
int cc_args_next(cc_args_t *it, cc_args_lookup_fn lookup, void *ctx, cc_arg_t *ret, char *err,
                 size_t err_len);

/**
 * cc_args_name_is - whether the @len bytes at @name spell @want, with '-'
 * and '_' taken as the same character.
 */
bool cc_args_name_is(const char *name, size_t len, const char *want);

/* The column where the help text of an option starts in a --help listing. */
#define CC_ARGS_HELP_COLUMN 26

/**
 * cc_args_print_help - one option of a --help listing on @f: @left (what to
 * type: "  -u, --unit=U") and beside it, from @column (CC_ARGS_HELP_COLUMN
 * for options), @help wrapped at word boundaries to 80 columns (on the next
 * line when @left is too wide). @help may be NULL.
 */
void cc_args_print_help(FILE *f, const char *left, size_t column, const char *help);

#endif
