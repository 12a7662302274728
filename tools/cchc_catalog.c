/*
 * cchc_catalog.c - `cchc catalog units|procedures`: the codes a clerk
 * types, from the catalogs the daemons load (catalog/), and the lists the
 * shell completion offers.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cc_base.h"
#include "cc_catalog.h"
#include "cc_time.h"
#include "cc_vocab.h"
#include "cchc.h"

const char cchc_help_catalog[] =
    "Usage: cchc catalog units|procedures [CODE...] [--catalog-dir=DIR]\n"
    "\n"
    "The units or the procedures (TTHC) of the catalogs, one per line, fields\n"
    "separated by tabs:\n"
    "  units       code, kind, parent (- if none), first and last valid day (- if\n"
    "              open), name\n"
    "  procedures  code, time allowed (5 working_days, 30 calendar_days, same_day),\n"
    "              the units that handle it (comma-separated), name\n"
    "With CODEs, only those (an unknown code is a usage error). The catalogs are\n"
    "those of DIR (--catalog-dir, else $CCHC_CATALOG_DIR: the daemons'\n"
    "catalog_dir), else the Đồng Nai demo catalogs built into cchc, the same the\n"
    "daemons embed. Formats: cchc-catalog(5).\n";

/* The catalog directory of the command line or the environment; NULL for
 * the embedded demo catalogs. */
static const char *catalog_dir(const cc_cli_t *cli)
{
    const char *dir = NULL;

    if (cc_cli_opt(cli, "catalog-dir", &dir) && dir && *dir)
        return dir;
    dir = getenv("CCHC_CATALOG_DIR");
    return dir && *dir ? dir : NULL;
}

int cchc_catalog_open(const char *dir, cc_catalog_t **ret)
{
    char err[CC_CATALOG_ERR_LEN];

    if (cc_catalog_load(dir, ret, err, sizeof(err)) == 0)
        return CCHC_EXIT_OK;
    fprintf(stderr, "cchc: không đọc được danh mục %s / cannot load the catalogs of %s: %s\n",
            dir ? dir : "(demo)", dir ? dir : "(demo)", err);
    return CCHC_EXIT_USAGE;
}

static void print_day(int32_t day, bool open)
{
    char buf[16];

    if (open || cc_date_format(day, buf, sizeof(buf)) < 0)
        printf("\t-");
    else
        printf("\t%s", buf);
}

static void print_unit(const cc_unit_t *u)
{
    printf("%s\t%s\t%s", u->code, cc_unit_kind_name(u->kind), u->parent ? u->parent : "-");
    print_day(u->effective_from, u->effective_from == INT32_MIN);
    print_day(u->effective_to, u->effective_to == INT32_MAX);
    printf("\t%s\n", u->name);
}

static void print_procedure(const cc_procedure_t *p)
{
    if (p->duration_kind == CC_DURATION_SAME_DAY)
        printf("%s\t%s\t", p->code, cc_duration_kind_name(p->duration_kind));
    else
        printf("%s\t%d %s\t", p->code, p->duration, cc_duration_kind_name(p->duration_kind));
    for (size_t i = 0; i < p->n_units; i++)
        printf("%s%s", i ? "," : "", p->units[i]);
    printf("\t%s\n", p->name);
}

int cchc_cmd_catalog(const cc_cli_t *cli)
{
    static const char *const allowed[] = { "catalog-dir=", NULL };
    const char *what = cli->n_args ? cli->args[0] : "";
    bool units = strcmp(what, "units") == 0;
    cc_catalog_t *cat = NULL;
    char why[256];
    int status;

    if (cc_cli_check_opts(cli, allowed, why, sizeof(why)) < 0)
        return cchc_usage_error("catalog", "%s", why);
    if (!units && strcmp(what, "procedures") != 0)
        return cchc_usage_error("catalog", "usage: cchc catalog units|procedures [CODE...]");
    if ((status = cchc_catalog_open(catalog_dir(cli), &cat)) != CCHC_EXIT_OK)
        return status;
    for (size_t a = 1; a < cli->n_args && status == CCHC_EXIT_OK; a++) {
        const cc_unit_t *u = units ? cc_catalog_unit(cat, cli->args[a]) : NULL;
        const cc_procedure_t *p = units ? NULL : cc_catalog_procedure(cat, cli->args[a]);

        if (u)
            print_unit(u);
        else if (p)
            print_procedure(p);
        else
            status = cchc_usage_error("catalog", "no %s '%s' in the catalogs",
                                      units ? "unit" : "procedure", cli->args[a]);
    }
    for (size_t i = 0; cli->n_args == 1 && units && i < cc_catalog_unit_count(cat); i++)
        print_unit(cc_catalog_unit_at(cat, i));
    for (size_t i = 0; cli->n_args == 1 && !units && i < cc_catalog_procedure_count(cat); i++)
        print_procedure(cc_catalog_procedure_at(cat, i));
    cc_catalog_destroy(&cat);
    return status;
}
