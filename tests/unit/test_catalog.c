/* Unit tests of cc_catalog: the embedded demo catalogs, loading from a directory,
 * and every refusal with its "file:line: reason". */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <dirent.h>

#include "cc_catalog.h"
#include "cc_time.h"
#include "support.h"

static int32_t D(const char *s)
{
    int32_t d = 0;
    if (cc_date_parse(s, &d) != 0)
        fail_msg("bad date '%s'", s);
    return d;
}

static void test_demo(void **state)
{
    cc_catalog_t *c = NULL;
    char err[CC_CATALOG_ERR_LEN] = "";
    const cc_unit_t *u;
    const cc_procedure_t *p;
    bool has_cal = false, has_same = false, has_w0 = false;
    (void)state;

    assert_int_equal(cc_catalog_load(NULL, &c, err, sizeof(err)), 0);
    assert_non_null(c);
    assert_true(cc_catalog_unit_count(c) >= 40);
    assert_true(cc_catalog_procedure_count(c) >= 30);

    u = cc_catalog_unit(c, "VP-UBND");
    assert_non_null(u);
    assert_string_equal(u->name, "Văn phòng UBND tỉnh Đồng Nai");
    assert_int_equal(u->kind, CC_UNIT_PROVINCE_OFFICE);
    assert_null(u->parent);
    assert_int_equal(u->effective_from, INT32_MIN);
    assert_int_equal(u->effective_to, INT32_MAX);
    u = cc_catalog_unit(c, "TTHCC");
    assert_non_null(u);
    assert_int_equal(u->kind, CC_UNIT_CENTER);
    assert_string_equal(u->parent, "VP-UBND");
    assert_ptr_equal(u->parent, cc_catalog_unit(c, "VP-UBND")->code);

    /* Districts end with 30/6/2025; new communes start 1/7/2025. */
    const char *districts[] = { "H-BIENHOA",  "H-LONGKHANH", "H-NHONTRACH", "H-LONGTHANH",
                                "H-TRANGBOM", "H-THONGNHAT", "H-CAMMY",     "H-XUANLOC",
                                "H-DINHQUAN", "H-TANPHU",    "H-VINHCUU" };
    for (size_t i = 0; i < 11; i++) {
        u = cc_catalog_unit(c, districts[i]);
        assert_non_null(u);
        assert_int_equal(u->kind, CC_UNIT_DISTRICT);
        assert_int_equal(u->effective_to, D("2025-06-30"));
        assert_true(cc_unit_valid_on(u, D("2025-06-30")));
        assert_false(cc_unit_valid_on(u, D("2025-07-01")));
        assert_true(cc_unit_valid_on(u, D("2020-01-01")));
    }
    u = cc_catalog_unit(c, "X-TANMAI");
    assert_non_null(u);
    assert_int_equal(u->kind, CC_UNIT_COMMUNE);
    assert_string_equal(u->parent, "H-BIENHOA");
    u = cc_catalog_unit(c, "X-TRANBIEN");
    assert_non_null(u);
    assert_false(cc_unit_valid_on(u, D("2025-06-30")));
    assert_true(cc_unit_valid_on(u, D("2025-07-01")));
    assert_false(cc_unit_valid_on(NULL, 0));
    assert_non_null(cc_catalog_unit(c, "SO-TP"));
    assert_string_equal(cc_catalog_unit(c, "SO-TP")->name, "Sở Tư pháp");
    assert_null(cc_catalog_unit(c, "SO-XX"));
    assert_null(cc_catalog_unit(c, ""));
    assert_null(cc_catalog_unit(c, NULL));
    assert_null(cc_catalog_unit(NULL, "SO-TP"));

    p = cc_catalog_procedure(c, "TP-LLTP");
    assert_non_null(p);
    assert_int_equal(p->duration, 10);
    assert_int_equal(p->duration_kind, CC_DURATION_WORKING_DAYS);
    assert_int_equal(p->online, CC_ONLINE_FULL);
    assert_true(p->has_fee);
    assert_string_equal(p->level, "province");
    assert_string_equal(p->field, "Tư pháp");
    assert_true(cc_procedure_handled_by(p, "SO-TP"));
    assert_true(cc_procedure_handled_by(p, "TTHCC"));
    assert_false(cc_procedure_handled_by(p, "X-ANBINH"));
    assert_false(cc_procedure_handled_by(p, NULL));
    assert_false(cc_procedure_handled_by(NULL, "SO-TP"));
    assert_null(cc_catalog_procedure(c, "NOPE"));

    /* Iteration agrees with lookup; every unit reference resolves. */
    for (size_t i = 0; i < cc_catalog_unit_count(c); i++) {
        u = cc_catalog_unit_at(c, i);
        assert_ptr_equal(cc_catalog_unit(c, u->code), u);
        if (u->parent)
            assert_non_null(cc_catalog_unit(c, u->parent));
    }
    assert_null(cc_catalog_unit_at(c, cc_catalog_unit_count(c)));
    for (size_t i = 0; i < cc_catalog_procedure_count(c); i++) {
        p = cc_catalog_procedure_at(c, i);
        assert_ptr_equal(cc_catalog_procedure(c, p->code), p);
        assert_true(p->n_units > 0);
        for (size_t k = 0; k < p->n_units; k++)
            assert_ptr_equal(cc_catalog_unit(c, p->units[k])->code, p->units[k]);
        has_cal |= p->duration_kind == CC_DURATION_CALENDAR_DAYS;
        has_same |= p->duration_kind == CC_DURATION_SAME_DAY;
        has_w0 |= p->duration_kind == CC_DURATION_WORKING_DAYS && p->duration == 0;
    }
    assert_null(cc_catalog_procedure_at(c, cc_catalog_procedure_count(c)));
    /* Each unit's procedures: exactly those that list it, sorted by code. */
    for (size_t i = 0; i < cc_catalog_unit_count(c); i++) {
        size_t n = 0, expect = 0;
        const cc_procedure_t *const *ps;

        u = cc_catalog_unit_at(c, i);
        ps = cc_catalog_unit_procedures(c, u, &n);
        for (size_t k = 0; k < cc_catalog_procedure_count(c); k++)
            expect += cc_procedure_handled_by(cc_catalog_procedure_at(c, k), u->code);
        assert_int_equal(n, expect);
        for (size_t k = 0; k < n; k++) {
            assert_true(cc_procedure_handled_by(ps[k], u->code));
            if (k > 0)
                assert_true(strcmp(ps[k - 1]->code, ps[k]->code) < 0);
        }
    }
    {
        size_t n = 7;
        const cc_unit_t other = { .code = "SO-TP" };

        assert_non_null(cc_catalog_unit_procedures(c, cc_catalog_unit(c, "SO-TP"), &n));
        assert_true(n > 0);
        assert_null(cc_catalog_unit_procedures(c, &other, &n));
        assert_int_equal(n, 0);
    }
    assert_true(has_cal);
    assert_true(has_same);
    assert_true(has_w0);

    /* Calendar covers 2024-2026; policy defaults. */
    assert_true(cc_calendar_year_covered(cc_catalog_calendar(c), 2024));
    assert_true(cc_calendar_year_covered(cc_catalog_calendar(c), 2025));
    assert_true(cc_calendar_year_covered(cc_catalog_calendar(c), 2026));
    assert_true(cc_calendar_year_covered(cc_catalog_calendar(c), 2020));
    assert_false(cc_calendar_year_covered(cc_catalog_calendar(c), 2019));
    assert_false(cc_calendar_year_covered(cc_catalog_calendar(c), 2027));
    assert_false(cc_calendar_is_working_day(cc_catalog_calendar(c), D("2026-11-24"), NULL));
    assert_int_equal(cc_catalog_policy(c)->cutoff_minute, 15 * 60);
    assert_int_equal(cc_catalog_policy(c)->afternoon_end_minute, 17 * 60);
    assert_true(cc_policy_on_time_target(cc_catalog_policy(c), 2020) == 94.0);

    cc_catalog_destroy(&c);
    assert_null(c);
    cc_catalog_destroy(&c);
    cc_catalog_destroy(NULL);
}

/* The files in deploy/catalog load and give the same catalog as the embedded copy. */
static void test_demo_dir(void **state)
{
    cc_catalog_t *a = NULL, *b = NULL;
    char err[CC_CATALOG_ERR_LEN] = "";
    (void)state;

    assert_int_equal(cc_catalog_load(CC_DEMO_DIR, &a, err, sizeof(err)), 0);
    assert_int_equal(cc_catalog_load(NULL, &b, err, sizeof(err)), 0);
    assert_int_equal(cc_catalog_unit_count(a), cc_catalog_unit_count(b));
    assert_int_equal(cc_catalog_procedure_count(a), cc_catalog_procedure_count(b));
    assert_int_equal(cc_calendar_entry_count(cc_catalog_calendar(a)),
                     cc_calendar_entry_count(cc_catalog_calendar(b)));
    for (size_t i = 0; i < cc_catalog_procedure_count(a); i++)
        assert_string_equal(cc_catalog_procedure_at(a, i)->name,
                            cc_catalog_procedure_at(b, i)->name);
    cc_catalog_destroy(&a);
    cc_catalog_destroy(&b);
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[512];
    FILE *f;
    snprintf(path, sizeof(path), "%s/%s", dir, name);
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void remove_dir(const char *dir)
{
    const char *names[] = { "units.tsv", "procedures.tsv", "calendar.tsv", "policy.ini" };
    char path[512];
    for (size_t i = 0; i < 4; i++) {
        snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
}

static const char base_units[] = "code\tname\tkind\tparent\teffective_from\teffective_to\n"
                                 "A\tUnit A\tdepartment\n"
                                 "B\tUnit B\tcommune\tA\t2025-07-01\n";
static const char base_procedures[] =
    "code\tname\tfield\tlevel\tduration\tduration_kind\tonline\thas_fee\tunits\n"
    "P1\tProcedure one\tField\tprovince\t5\tworking_days\tfull\tyes\tA, B\n";
static const char base_calendar[] =
    "date\tkind\tnote\nyear\t2025\n2025-09-02\tholiday\tQuốc khánh\n";

static void test_dir(void **state)
{
    char dir[] = "/tmp/cc_catalog_test.XXXXXX";
    cc_catalog_t *c = NULL;
    char err[CC_CATALOG_ERR_LEN] = "";
    const cc_procedure_t *p;
    char procs[4096];
    (void)state;

    assert_non_null(mkdtemp(dir));
    /* Missing files are reported with their path. */
    assert_int_equal(cc_catalog_load(dir, &c, err, sizeof(err)), -ENOENT);
    assert_null(c);
    assert_non_null(strstr(err, "units.tsv: "));

    write_file(dir, "units.tsv", base_units);
    write_file(dir, "procedures.tsv", base_procedures);
    write_file(dir, "calendar.tsv", base_calendar);
    /* policy.ini is optional. */
    assert_int_equal(cc_catalog_load(dir, &c, err, sizeof(err)), 0);
    assert_int_equal(cc_catalog_unit_count(c), 2);
    p = cc_catalog_procedure(c, "P1");
    assert_non_null(p);
    assert_int_equal(p->n_units, 2);
    assert_string_equal(p->units[0], "A");
    assert_string_equal(p->units[1], "B");
    assert_int_equal(cc_catalog_policy(c)->cutoff_minute, 900);
    cc_catalog_destroy(&c);

    write_file(dir, "policy.ini", "[dossier]\ncutoff = 16:00\n");
    assert_int_equal(cc_catalog_load(dir, &c, err, sizeof(err)), 0);
    assert_int_equal(cc_catalog_policy(c)->cutoff_minute, 960);
    cc_catalog_destroy(&c);

    write_file(dir, "policy.ini", "[dossier]\n\ncutoff = 16:00\nbogus = 1\n");
    assert_int_equal(cc_catalog_load(dir, &c, err, sizeof(err)), -EINVAL);
    assert_string_equal(err, "policy.ini:4: unknown key 'bogus' in [dossier]");
    write_file(dir, "policy.ini", "");

    /* The message of the brief, from a file on disk: the bad row is line 12. */
    snprintf(procs, sizeof(procs), "%s", base_procedures);
    for (int i = 3; i <= 11; i++)
        strcat(procs, "# comment\n");
    strcat(procs, "P2\tProcedure two\tField\tprovince\t5\tworkdays\tfull\tyes\tA\n");
    write_file(dir, "procedures.tsv", procs);
    assert_int_equal(cc_catalog_load(dir, &c, err, sizeof(err)), -EINVAL);
    assert_null(c);
    assert_string_equal(
        err, "procedures.tsv:12: unknown duration_kind 'workdays' (expected working_days, "
             "calendar_days or same_day)");
    remove_dir(dir);
}

typedef struct {
    char file; /* 'u', 'p', 'c' or 'o' (policy): which source replaces the base */
    const char *text;
    const char *msg;
} bad_t;

#define UH "code\tname\tkind\tparent\teffective_from\teffective_to\n"
#define UHC "code\tname\tkind\tparent\teffective_from\teffective_to\treport_cutoff_day\n"
#define PH "code\tname\tfield\tlevel\tduration\tduration_kind\tonline\thas_fee\tunits\n"
#define C33 "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456"

static void test_errors(void **state)
{
    static char long_name[512];
    static char long_name_units[1024];
    const bad_t bad[] = {
        { 'u', "", "units.tsv:0: missing header line" },
        { 'u', "code\tname\tkind\n",
          "units.tsv:1: bad header (expected "
          "code<TAB>name<TAB>kind<TAB>parent<TAB>effective_from<TAB>effective_to"
          "[<TAB>report_cutoff_day])" },
        { 'u', UHC "A\tUnit A\tdepartment\t\t\t\t29\n",
          "units.tsv:2: report_cutoff_day '29': expected a day of the month, 1..28" },
        { 'u', UHC "A\tUnit A\tdepartment\t\t\t\t0\n",
          "units.tsv:2: report_cutoff_day '0': expected a day of the month, 1..28" },
        { 'u', UHC "A\tUnit A\tdepartment\t\t\t\t26th\n",
          "units.tsv:2: report_cutoff_day '26th': expected a day of the month, 1..28" },
        { 'u', UH "A\tUnit A\tward\n",
          "units.tsv:2: unknown kind 'ward' (expected province_office, department, district, "
          "commune, center or other)" },
        { 'u', UH "A\tUnit A\tdepartment\n# c\nA\tUnit A again\tdepartment\n",
          "units.tsv:4: duplicate unit code 'A' (first on line 2)" },
        { 'u', UH "A\tUnit A\tdepartment\nB\tUnit B\tcommune\tZZ\n",
          "units.tsv:3: unknown parent unit 'ZZ'" },
        { 'u', UH "A\tUnit A\tdepartment\tB\nB\tUnit B\tcommune\tA\n",
          "units.tsv:2: unit 'A' is its own ancestor (parent cycle)" },
        { 'u', UH "A\tUnit A\tdepartment\tA\n",
          "units.tsv:2: unit 'A' is its own ancestor (parent cycle)" },
        { 'u', UH C33 "\tUnit\tdepartment\n",
          "units.tsv:2: code '" C33 "...' longer than 32 bytes" },
        { 'u', UH "A B\tUnit\tdepartment\n",
          "units.tsv:2: code 'A B' may only contain A-Z a-z 0-9 . _ -" },
        { 'u', UH "SỞ\tUnit\tdepartment\n",
          "units.tsv:2: code 'SỞ' may only contain A-Z a-z 0-9 . _ -" },
        { 'u', UH "A\t\tdepartment\n", "units.tsv:2: empty name" },
        { 'u', long_name_units, "units.tsv:2: name longer than 256 bytes" },
        { 'u', UH "A\tS\xE1\xBB\tdepartment\n", "units.tsv:2: invalid UTF-8" },
        { 'u', UH "A\t\xC0\xAF\tdepartment\n", "units.tsv:2: invalid UTF-8" },
        { 'u', UH "A\tUnit\x01\tdepartment\n", "units.tsv:2: control character 0x01" },
        { 'u', UH "A\tUnit\tdepartment\t\t2025-13-01\n",
          "units.tsv:2: bad effective_from '2025-13-01' (expected YYYY-MM-DD or empty)" },
        { 'u', UH "A\tUnit\tdepartment\t\t\t30/06/2025\n",
          "units.tsv:2: bad effective_to '30/06/2025' (expected YYYY-MM-DD or empty)" },
        { 'u', UH "A\tUnit\tdepartment\t\t2025-07-01\t2025-06-30\n",
          "units.tsv:2: effective_from is after effective_to" },
        { 'u', UH "A\tUnit\tdepartment\t\t\t\textra\n",
          "units.tsv:2: too many columns (expected 6)" },
        { 'p', PH "P1\tProc\tField\tprovince\t5\tworkdays\tfull\tyes\tA\n",
          "procedures.tsv:2: unknown duration_kind 'workdays' (expected working_days, "
          "calendar_days or same_day)" },
        { 'p',
          PH "P1\tProc\tField\tprovince\t5\tworking_"
             "days\tfull\tyes\tA\nP1\tAgain\tField\tprovince\t5\tworking_days\tfull\tyes\tA\n",
          "procedures.tsv:3: duplicate procedure code 'P1' (first on line 2)" },
        { 'p', PH "P1\tProc\tField\tprovince\t5\tworking_days\tfull\tyes\tA,ZZ\n",
          "procedures.tsv:2: unknown unit 'ZZ' in units" },
        { 'p', PH "P1\tProc\tField\tprovince\t5\tworking_days\tfull\tyes\tA,,B\n",
          "procedures.tsv:2: empty unit code in units list" },
        { 'p', PH "P1\tProc\tField\tprovince\t5\tworking_days\tfull\tyes\tA,A\n",
          "procedures.tsv:2: unit 'A' listed twice" },
        { 'p', PH "P1\tProc\tField\tprovince\t5\tworking_days\tfull\tyes\n",
          "procedures.tsv:2: empty units (at least one unit must handle it)" },
        { 'p', PH "P1\tProc\tField\tprovince\t-1\tworking_days\tfull\tyes\tA\n",
          "procedures.tsv:2: bad duration '-1' (expected an integer 0..3650)" },
        { 'p', PH "P1\tProc\tField\tprovince\t5 days\tworking_days\tfull\tyes\tA\n",
          "procedures.tsv:2: bad duration '5 days' (expected an integer 0..3650)" },
        { 'p', PH "P1\tProc\tField\tprovince\t99999\tworking_days\tfull\tyes\tA\n",
          "procedures.tsv:2: bad duration '99999' (expected an integer 0..3650)" },
        { 'p', PH "P1\tProc\tField\tprovince\t3\tsame_day\tfull\tyes\tA\n",
          "procedures.tsv:2: same_day needs duration 0 (got 3)" },
        { 'p', PH "P1\tProc\tField\tward\t3\tworking_days\tfull\tyes\tA\n",
          "procedures.tsv:2: unknown level 'ward' (expected province, district or commune)" },
        { 'p', PH "P1\tProc\tField\tprovince\t3\tworking_days\tyes\tyes\tA\n",
          "procedures.tsv:2: unknown online 'yes' (expected none, partial or full)" },
        { 'p', PH "P1\tProc\tField\tprovince\t3\tworking_days\tfull\tcó\tA\n",
          "procedures.tsv:2: bad has_fee 'có' (expected yes or no)" },
        { 'p', PH "P1\tProc\t\tprovince\t3\tworking_days\tfull\tyes\tA\n",
          "procedures.tsv:2: empty field" },
        { 'p', PH "P1\tProc\tField\tprovince\t3\tworking_days\tfull\tyes\tA\tB\n",
          "procedures.tsv:2: too many columns (expected 9)" },
        { 'c', "date\tkind\tnote\nyear\t2025\n2025-09-02\tholidays\n",
          "calendar.tsv:3: unknown kind 'holidays' (expected holiday, compensatory_day_off or "
          "working_saturday)" },
        { 'o', "[grade]\na_min = 170\n", "policy.ini:2: a_min: '170' is not a number in 0..100" },
    };
    (void)state;

    memset(long_name, 'x', 257);
    long_name[257] = '\0';
    snprintf(long_name_units, sizeof(long_name_units), UH "A\t%s\tdepartment\n", long_name);

    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        cc_catalog_sources_t src = { base_units,
                                     sizeof(base_units) - 1,
                                     base_procedures,
                                     sizeof(base_procedures) - 1,
                                     base_calendar,
                                     sizeof(base_calendar) - 1,
                                     NULL,
                                     0 };
        cc_catalog_t *c = NULL;
        char err[CC_CATALOG_ERR_LEN] = "";
        const char *t = bad[i].text;

        switch (bad[i].file) {
        case 'u':
            src.units = t;
            src.units_len = strlen(t);
            break;
        case 'p':
            src.procedures = t;
            src.procedures_len = strlen(t);
            break;
        case 'c':
            src.calendar = t;
            src.calendar_len = strlen(t);
            break;
        default:
            src.policy = t;
            src.policy_len = strlen(t);
            break;
        }
        if (cc_catalog_load_buffers(&src, &c, err, sizeof(err)) != -EINVAL ||
            strcmp(err, bad[i].msg) != 0)
            fail_msg("case %zu: got '%s', want '%s'", i, err, bad[i].msg);
        assert_null(c);
    }
}

/* Name limits are inclusive; a BOM, CRLF, blank lines and trailing tabs are fine. */
static void test_accepted_forms(void **state)
{
    char units[2048], name[300];
    cc_catalog_t *c = NULL;
    char err[CC_CATALOG_ERR_LEN] = "";
    cc_unit_kind_t k;
    cc_duration_kind_t dk;
    cc_online_t o;
    (void)state;

    memset(name, 'y', 256);
    name[256] = '\0';
    snprintf(units, sizeof(units),
             "\xEF\xBB\xBF" UH
             "\r\n# comment\r\n\r\n%s\t%s\tdepartment\t\t\t\t\r\n B \t Unit B \tcommune\t%s\n",
             "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345", name, "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345");
    {
        cc_catalog_sources_t src = {
            units, strlen(units), PH, strlen(PH), base_calendar, sizeof(base_calendar) - 1, NULL, 0
        };
        assert_int_equal(cc_catalog_load_buffers(&src, &c, err, sizeof(err)), 0);
    }
    assert_int_equal(cc_catalog_unit_count(c), 2);
    assert_int_equal(strlen(cc_catalog_unit_at(c, 0)->name), 256);
    assert_string_equal(cc_catalog_unit(c, "B")->name, "Unit B");
    assert_int_equal(cc_catalog_procedure_count(c), 0);
    cc_catalog_destroy(&c);

    assert_string_equal(cc_unit_kind_name(CC_UNIT_CENTER), "center");
    assert_int_equal(cc_unit_kind_parse("province_office", &k), 0);
    assert_int_equal(k, CC_UNIT_PROVINCE_OFFICE);
    assert_string_equal(cc_duration_kind_name(CC_DURATION_CALENDAR_DAYS), "calendar_days");
    assert_int_equal(cc_duration_kind_parse("same_day", &dk), 0);
    assert_int_equal(dk, CC_DURATION_SAME_DAY);
    assert_string_equal(cc_online_name(CC_ONLINE_PARTIAL), "partial");
    assert_int_equal(cc_online_parse("full", &o), 0);
    assert_int_equal(o, CC_ONLINE_FULL);
    assert_int_equal(cc_online_parse("Full", &o), -EINVAL);
}

/* Lookups are hash lookups: a large catalog loads and answers quickly. */
static void test_many_units(void **state)
{
    size_t n = 20000, cap = n * 64 + 128, off = 0;
    char *units = malloc(cap);
    cc_catalog_t *c = NULL;
    char err[CC_CATALOG_ERR_LEN] = "";
    char code[32];
    (void)state;

    assert_non_null(units);
    off += (size_t)snprintf(units + off, cap - off, UH);
    for (size_t i = 0; i < n; i++)
        off += (size_t)snprintf(units + off, cap - off, "U%zu\tUnit %zu\tcommune\n", i, i);
    {
        cc_catalog_sources_t src = {
            units, off, PH, strlen(PH), base_calendar, sizeof(base_calendar) - 1, NULL, 0
        };
        assert_int_equal(cc_catalog_load_buffers(&src, &c, err, sizeof(err)), 0);
    }
    for (size_t round = 0; round < 10; round++)
        for (size_t i = 0; i < n; i++) {
            snprintf(code, sizeof(code), "U%zu", i);
            assert_ptr_equal(cc_catalog_unit(c, code), cc_catalog_unit_at(c, i));
        }
    assert_null(cc_catalog_unit(c, "U20000"));
    cc_catalog_destroy(&c);
    free(units);
}

/* A key set in policy.ini that no code reads would be reported (the
 * daemons warn at start); keys that code reads, and keys left out, are not.
 * Every key of this version is read: a file setting them is not reported. */
static void test_policy_unread(void **state)
{
    static const char text[] = "[targets]\nsatisfaction = 90\npakn = 95\n"
                               "[dossier]\ndue_soon_working_days = 2\ncutoff = 15:30\n";
    static const char grade[] = "[grade]\na_min = 80\n";
    cc_catalog_t *c = NULL;
    char err[CC_CATALOG_ERR_LEN] = "", keys[256];
    cc_policy_t p;
    (void)state;

    assert_int_equal(cc_policy_parse("policy.ini", text, strlen(text), &p, err, sizeof(err)), 0);
    assert_int_equal(cc_policy_unread(&p, keys, sizeof(keys)), 0);
    assert_string_equal(keys, "");
    cc_policy_defaults(&p);
    assert_int_equal(cc_policy_unread(&p, keys, sizeof(keys)), 0);
    assert_string_equal(keys, "");
    assert_int_equal(cc_policy_parse("policy.ini", grade, strlen(grade), &p, err, sizeof(err)), 0);
    assert_int_equal(cc_policy_unread(&p, keys, sizeof(keys)), 0);
    /* The demo file sets every key: exactly the unread ones are named. */
    assert_int_equal(cc_catalog_load(NULL, &c, err, sizeof(err)), 0);
    {
        size_t unread = 0;
        cc_policy_key_t k;

        for (size_t i = 0; cc_policy_key_at(i, &k) == 0; i++)
            unread += !k.read_by_code;
        assert_int_equal(cc_policy_unread(cc_catalog_policy(c), keys, sizeof(keys)), unread);
        assert_int_equal(cc_policy_key_at(cc_policy_key_count(), &k), -EINVAL);
    }
    cc_catalog_destroy(&c);
}

/* Whether @text uses member @field (as "->field" or ".field", a whole word). */
static bool uses_member(const char *text, const char *field)
{
    size_t fl = strlen(field);

    for (const char *p = strstr(text, field); p; p = strstr(p + 1, field)) {
        char after = p[fl];

        if (p > text && (p[-1] == '.' || (p[-1] == '>' && p - text > 1 && p[-2] == '-')) &&
            !(after == '_' || (after >= 'a' && after <= 'z') || (after >= 'A' && after <= 'Z') ||
              (after >= '0' && after <= '9')))
            return true;
    }
    return false;
}

/* The first C file below @dir that uses @field, into @ret (empty when none). */
static void find_reader(const char *dir, const char *field, char *ret, size_t len)
{
    DIR *d = opendir(dir);
    struct dirent *e;

    assert_non_null(d);
    while (!ret[0] && (e = readdir(d)) != NULL) {
        char path[1024];
        size_t nl = strlen(e->d_name);
        char *text;

        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
        if (e->d_type == DT_DIR) {
            find_reader(path, field, ret, len);
            continue;
        }
        if (nl < 3 || e->d_name[nl - 2] != '.' ||
            (e->d_name[nl - 1] != 'c' && e->d_name[nl - 1] != 'h'))
            continue;
        if ((text = read_text_file(path)) != NULL && uses_member(text, field))
            snprintf(ret, len, "%s", path);
        free(text);
    }
    closedir(d);
}

/* read_by_code tells the truth: a key flagged read is used by some code of
 * the daemons, the catalog library or the tool, and one flagged unread by
 * none (the change that starts reading it flips its flag). */
static void test_policy_flags_match_sources(void **state)
{
    static const char *const dirs[] = { "catalog", "daemons", "tools" };
    cc_policy_key_t k;
    (void)state;

    for (size_t i = 0; cc_policy_key_at(i, &k) == 0; i++) {
        char reader[1024] = "", dir[1024];

        for (size_t d = 0; d < sizeof(dirs) / sizeof(dirs[0]) && !reader[0]; d++) {
            snprintf(dir, sizeof(dir), "%s/%s", CC_SOURCE_DIR, dirs[d]);
            find_reader(dir, k.field, reader, sizeof(reader));
        }
        if (k.read_by_code && !reader[0])
            fail_msg("[%s] %s is flagged read_by_code, but no code uses ->%s", k.section, k.key,
                     k.field);
        if (!k.read_by_code && reader[0])
            fail_msg("[%s] %s is flagged unread, but %s uses ->%s: use P() in cc_policy.c",
                     k.section, k.key, reader, k.field);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_demo),
        cmocka_unit_test(test_demo_dir),
        cmocka_unit_test(test_dir),
        cmocka_unit_test(test_errors),
        cmocka_unit_test(test_accepted_forms),
        cmocka_unit_test(test_many_units),
        cmocka_unit_test(test_policy_unread),
        cmocka_unit_test(test_policy_flags_match_sources),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
