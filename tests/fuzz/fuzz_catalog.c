/*
 * fuzz_catalog.c - libFuzzer harness of the catalog files (catalog/:
 * units.tsv, procedures.tsv, calendar.tsv; the TSV reader, the calendar
 * and the loaders), which an operator edits and SIGHUP reloads.
 *
 * Input: the first byte chooses the file the rest replaces (0 units, 1
 * procedures, 2 calendar; modulo 3); the other files are the embedded demo
 * catalogs, so that the fuzzer works on one file against valid others.
 * Properties: the loader returns 0 or a negative errno with a reason;
 * a loaded catalog answers lookups, iterates, and computes a due date for
 * every procedure without crashing; every unit and procedure found by
 * iteration is found by its code.
 */
#include <errno.h>
#include <string.h>

#include "cc_catalog.h"
#include "cc_duedate.h"
#include "cc_embedded.h"
#include "fuzz.h"

static void use(const cc_catalog_t *c)
{
    for (size_t i = 0; i < cc_catalog_unit_count(c); i++) {
        const cc_unit_t *u = cc_catalog_unit_at(c, i);

        CHECK(u != NULL && cc_catalog_unit(c, u->code) != NULL);
        cc_unit_valid_on(u, 20150);
    }
    for (size_t i = 0; i < cc_catalog_procedure_count(c); i++) {
        const cc_procedure_t *p = cc_catalog_procedure_at(c, i);
        cc_time_t due;
        int r;

        CHECK(p != NULL && cc_catalog_procedure(c, p->code) != NULL);
        r = cc_due_at(c, p, 1740970800, &due); /* 2025-03-03 10:00 (+07) */
        CHECK(r == 0 || r == -ERANGE);
        CHECK(r < 0 || due >= 1740970800);
        cc_procedure_handled_by(p, "SO-TP");
    }
    CHECK(cc_catalog_unit(c, "") == NULL);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_catalog_sources_t src = {
        (const char *)cc_embedded_units,      cc_embedded_units_len,
        (const char *)cc_embedded_procedures, cc_embedded_procedures_len,
        (const char *)cc_embedded_calendar,   cc_embedded_calendar_len,
        (const char *)cc_embedded_policy,     cc_embedded_policy_len,
    };
    const char *text = size ? (const char *)data + 1 : "";
    size_t len = size ? size - 1 : 0;
    cc_catalog_t *c = NULL;
    char err[CC_CATALOG_ERR_LEN] = "";
    int r;

    switch (size ? data[0] % 3 : 0) {
    case 0:
        src.units = text;
        src.units_len = len;
        break;
    case 1:
        src.procedures = text;
        src.procedures_len = len;
        break;
    default:
        src.calendar = text;
        src.calendar_len = len;
        break;
    }
    r = cc_catalog_load_buffers(&src, &c, err, sizeof(err));
    CHECK(r == 0 || (r < 0 && err[0] != '\0' && c == NULL));
    if (r == 0) {
        use(c);
        cc_catalog_destroy(&c);
        CHECK(c == NULL);
    }
    return 0;
}
