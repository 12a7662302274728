/* cc_catalog: the catalogs of units, procedures, the working-day calendar and the
 * policy (DOMAIN.md §2), loaded from admin-edited files.
 *
 * Files in the catalog directory (format: deploy/catalog/README.md):
 *   units.tsv       code, name, kind, parent, effective_from, effective_to
 *   procedures.tsv  code, name, field, level, duration, duration_kind, online, has_fee, units
 *   calendar.tsv    holidays, days off, working Saturdays, covered years (cc_calendar.h)
 *   policy.ini      policy parameters (cc_policy.h); optional, defaults if absent
 * The same parser reads the demo catalogs embedded at build time from
 * deploy/catalog/ (cc_catalog_load(NULL, ...)) and memory buffers
 * (cc_catalog_load_buffers).
 *
 * A loaded catalog is immutable: any number of threads may read it, and a daemon
 * reloads by loading a new one and swapping the pointer (then destroying the old one
 * when no reader holds it).  Every pointer returned by the accessors lives as long
 * as the catalog.
 */
#ifndef CC_CATALOG_H
#define CC_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_calendar.h"
#include "cc_policy.h"

/* Limits on admin-controlled sizes (bytes, without the NUL). */
#define CC_CODE_MAX 32
#define CC_NAME_MAX 256
#define CC_FIELD_MAX 256
#define CC_CATALOG_MAX_UNITS 100000
#define CC_CATALOG_MAX_PROCEDURES 100000
#define CC_PROCEDURE_MAX_UNITS 1024
#define CC_DURATION_MAX 3650
/* Size of an error buffer that holds any loader message. */
#define CC_CATALOG_ERR_LEN 512

typedef struct cc_catalog cc_catalog_t; /* opaque, immutable after load: safe to swap on reload */

typedef enum {
    CC_UNIT_PROVINCE_OFFICE,
    CC_UNIT_DEPARTMENT,
    CC_UNIT_DISTRICT,
    CC_UNIT_COMMUNE,
    CC_UNIT_CENTER,
    CC_UNIT_OTHER
} cc_unit_kind_t;

typedef struct {
    const char *code;
    const char *name;
    cc_unit_kind_t kind;
    const char *parent;     /* code of the parent unit, NULL if none */
    int32_t effective_from; /* first valid day (cc_time.h day number); INT32_MIN when open */
    int32_t effective_to;   /* last valid day, inclusive; INT32_MAX when open */
    int report_cutoff_day;  /* day its reporting periods start (26: 26th to 25th); 0 = policy */
} cc_unit_t;

typedef enum {
    CC_DURATION_WORKING_DAYS,
    CC_DURATION_CALENDAR_DAYS,
    CC_DURATION_SAME_DAY
} cc_duration_kind_t;

typedef enum { CC_ONLINE_NONE, CC_ONLINE_PARTIAL, CC_ONLINE_FULL } cc_online_t;

typedef struct {
    const char *code;
    const char *name;
    const char *field; /* lĩnh vực, free text */
    const char *level; /* "province", "district" or "commune" */
    int duration;      /* 0..CC_DURATION_MAX; 0 for same_day */
    cc_duration_kind_t duration_kind;
    cc_online_t online;
    bool has_fee;
    size_t n_units;
    const char *const *units; /* codes of the units that may handle it */
} cc_procedure_t;

/* In-memory texts of the four catalog files; policy may be NULL (defaults). */
typedef struct {
    const char *units;
    size_t units_len;
    const char *procedures;
    size_t procedures_len;
    const char *calendar;
    size_t calendar_len;
    const char *policy;
    size_t policy_len;
} cc_catalog_sources_t;

/* Loads the catalogs from directory dir, or the embedded demo catalogs if dir is
 * NULL.  On failure err (may be NULL; CC_CATALOG_ERR_LEN bytes suffice) receives
 * "file:line: reason", e.g. "procedures.tsv:12: unknown duration_kind 'workdays'
 * (expected working_days, calendar_days or same_day)".
 * Returns 0 and a new catalog in *ret_catalog (caller owns; cc_catalog_destroy),
 * -EINVAL for a bad file, or -ENOENT/-EACCES/... (negative errno) if a file cannot
 * be read. */
int cc_catalog_load(const char *dir, cc_catalog_t **ret_catalog, char *err, size_t err_len);

/* As cc_catalog_load() from memory buffers (borrowed only during the call). */
int cc_catalog_load_buffers(const cc_catalog_sources_t *src, cc_catalog_t **ret_catalog, char *err,
                            size_t err_len);

/* Frees *self_p (NULL allowed) and sets it to NULL. */
void cc_catalog_destroy(cc_catalog_t **self_p);

/* The unit or procedure with this code, or NULL if unknown (O(1) hash lookup). */
const cc_unit_t *cc_catalog_unit(const cc_catalog_t *c, const char *code);
const cc_procedure_t *cc_catalog_procedure(const cc_catalog_t *c, const char *code);

/* The procedures unit u may handle (those whose units list it), sorted by code,
 * owned by the catalog; *ret_n receives how many.  NULL and 0 for a unit that is
 * not one of c's (u must come from c's own accessors). */
const cc_procedure_t *const *cc_catalog_unit_procedures(const cc_catalog_t *c, const cc_unit_t *u,
                                                        size_t *ret_n);

/* true if unit_code is among the units that may handle p. */
bool cc_procedure_handled_by(const cc_procedure_t *p, const char *unit_code);

/* true if u exists on day (effective_from <= day <= effective_to). */
bool cc_unit_valid_on(const cc_unit_t *u, int32_t day);

/* Iteration in file order; i must be < the count (NULL otherwise). */
size_t cc_catalog_unit_count(const cc_catalog_t *c);
const cc_unit_t *cc_catalog_unit_at(const cc_catalog_t *c, size_t i);
size_t cc_catalog_procedure_count(const cc_catalog_t *c);
const cc_procedure_t *cc_catalog_procedure_at(const cc_catalog_t *c, size_t i);

/* The calendar and policy of the catalog (owned by it). */
const cc_calendar_t *cc_catalog_calendar(const cc_catalog_t *c);
const cc_policy_t *cc_catalog_policy(const cc_catalog_t *c);

/* File names of enum values ("department", "working_days", "partial"...) and their
 * parsers (0 or -EINVAL). */
const char *cc_unit_kind_name(cc_unit_kind_t kind);
int cc_unit_kind_parse(const char *s, cc_unit_kind_t *ret_kind);
const char *cc_duration_kind_name(cc_duration_kind_t kind);
int cc_duration_kind_parse(const char *s, cc_duration_kind_t *ret_kind);
const char *cc_online_name(cc_online_t online);
int cc_online_parse(const char *s, cc_online_t *ret_online);

#endif
