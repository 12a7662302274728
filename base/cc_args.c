/*
 * cc_args.c - getopt_long conventions without global state (see cc_args.h).
 */
#include "cc_args.h"

#include <errno.h>
#include <string.h>

#include "cc_base.h"

void cc_args_init(cc_args_t *it, int argc, char *const *argv)
{
    *it = (cc_args_t){ .argc = argc, .argv = argv, .next = 1 };
}

bool cc_args_name_is(const char *name, size_t len, const char *want)
{
    size_t i;

    for (i = 0; i < len && want[i] != '\0'; i++) {
        char a = name[i] == '_' ? '-' : name[i];
        char b = want[i] == '_' ? '-' : want[i];

        if (a != b)
            return false;
    }
    return i == len && want[i] == '\0';
}

/* The next element of argv as the value of option @ret, or an error. */
static int take_value(cc_args_t *it, cc_arg_t *ret, char *err, size_t err_len)
{
    if (it->next >= it->argc)
        return cc_fail(-EINVAL, err, err_len, "option %s needs a value", ret->spelled);
    ret->value = it->argv[it->next++];
    return 1;
}

/* "--name", "--name=value" (@a without the leading "--"). */
static int long_option(cc_args_t *it, const char *a, cc_args_lookup_fn lookup, void *ctx,
                       cc_arg_t *ret, char *err, size_t err_len)
{
    const char *eq = strchr(a, '=');
    size_t len = eq ? (size_t)(eq - a) : strlen(a);
    cc_arg_kind_t kind = CC_ARG_NONE;

    cc_set_error(ret->spelled, sizeof(ret->spelled), "--%.*s", (int)len, a);
    ret->id = lookup(ctx, a, len, 0, &kind);
    if (ret->id < 0)
        return cc_fail(-EINVAL, err, err_len, "unknown option %s", ret->spelled);
    if (eq) {
        if (kind == CC_ARG_NONE)
            return cc_fail(-EINVAL, err, err_len, "option %s takes no value", ret->spelled);
        ret->value = eq + 1;
        return 1;
    }
    return kind == CC_ARG_REQUIRED ? take_value(it, ret, err, err_len) : 1;
}

/* The next short option of the current cluster ("-abc"). */
static int short_option(cc_args_t *it, cc_args_lookup_fn lookup, void *ctx, cc_arg_t *ret,
                        char *err, size_t err_len)
{
    char c = *it->cluster++;
    cc_arg_kind_t kind = CC_ARG_NONE;

    cc_set_error(ret->spelled, sizeof(ret->spelled), "-%c", c);
    ret->id = lookup(ctx, NULL, 0, c, &kind);
    if (ret->id < 0) {
        it->cluster = NULL;
        return cc_fail(-EINVAL, err, err_len, "unknown option %s", ret->spelled);
    }
    if (kind != CC_ARG_REQUIRED) {
        /* A short option takes its optional value only glued ("-r" is the
         * flag); as for getopt, "-r=x" is not a form. */
        if (*it->cluster == '\0')
            it->cluster = NULL;
        return 1;
    }
    if (*it->cluster != '\0') {
        ret->value = it->cluster; /* -uVALUE */
        it->cluster = NULL;
        return 1;
    }
    it->cluster = NULL;
    return take_value(it, ret, err, err_len);
}

int cc_args_next(cc_args_t *it, cc_args_lookup_fn lookup, void *ctx, cc_arg_t *ret, char *err,
                 size_t err_len)
{
    const char *a;

    ret->id = CC_ARGS_OPERAND;
    ret->value = NULL;
    ret->spelled[0] = '\0';
    if (it->cluster)
        return short_option(it, lookup, ctx, ret, err, err_len);
    if (it->next >= it->argc)
        return 0;
    a = it->argv[it->next++];
    if (!it->only_operands && strcmp(a, "--") == 0) {
        it->only_operands = true;
        return cc_args_next(it, lookup, ctx, ret, err, err_len);
    }
    if (it->only_operands || a[0] != '-' || a[1] == '\0') {
        ret->value = a;
        return 1;
    }
    if (a[1] == '-')
        return long_option(it, a + 2, lookup, ctx, ret, err, err_len);
    it->cluster = a + 1;
    return short_option(it, lookup, ctx, ret, err, err_len);
}

/* Columns a UTF-8 string takes (one per character; the help texts have no
 * wide characters). */
static size_t columns(const char *s, size_t len)
{
    size_t n = 0;

    for (size_t i = 0; i < len; i++)
        n += ((unsigned char)s[i] & 0xC0) != 0x80;
    return n;
}

void cc_args_print_help(FILE *f, const char *left, size_t column, const char *help)
{
    const size_t width = 80 - column;
    size_t used = columns(left, strlen(left));

    fputs(left, f);
    if (help == NULL || *help == '\0') {
        fputc('\n', f);
        return;
    }
    if (used + 2 > column) {
        fputc('\n', f);
        used = 0;
    }
    fprintf(f, "%*s", (int)(column - used), "");
    used = 0;
    while (*help) {
        size_t word = strcspn(help, " ");
        size_t cols = columns(help, word);

        if (used > 0 && used + 1 + cols > width) {
            fprintf(f, "\n%*s", (int)column, "");
            used = 0;
        } else if (used > 0) {
            fputc(' ', f);
            used++;
        }
        fwrite(help, 1, word, f);
        used += cols;
        help += word;
        help += strspn(help, " ");
    }
    fputc('\n', f);
}
