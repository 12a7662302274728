/* cc_policy: the province's policy parameters (DOMAIN.md: everything marked
 * "policy"), read from policy.ini.
 *
 * The parameters are one declarative table in cc_policy.c (section, key, type,
 * default, bounds, offset into cc_policy_t); the defaults, the loader and the
 * documentation in deploy/catalog/policy.ini all follow it.  Unknown sections or keys,
 * repeated keys, malformed values and out-of-range values are errors reported as
 * "policy.ini:LINE: reason".
 */
#ifndef CC_POLICY_H
#define CC_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CC_POLICY_MAX_YEAR_TARGETS 64

typedef struct {
    int year;
    double percent;
} cc_year_target_t;

typedef struct {
    /* [dossier] */
    int cutoff_minute; /* receipts after this local time count next working day (15:00) */
    int future_tolerance_seconds; /* how far in the future an event time may be (300) */
    int supplement_late_working_days; /* supplement request later than this after receipt is alertable (3) */
    int due_soon_working_days;    /* "due soon" alert window (1) */
    int sos_pending_working_days; /* SOS request unreviewed longer than this is alertable (1) */
    /* [office_hours], minutes after local midnight */
    int morning_start_minute;   /* 07:00 */
    int morning_end_minute;     /* 11:30 */
    int afternoon_start_minute; /* 13:00 */
    int afternoon_end_minute;   /* 17:00 = "close of office hours" for due dates */
    /* [on_time_target]: percent per year, default for years not listed */
    double on_time_target_default; /* 97 */
    size_t n_on_time_targets;
    cc_year_target_t on_time_targets[CC_POLICY_MAX_YEAR_TARGETS]; /* sorted by year */
    /* [targets] */
    double pakn_target;               /* PAKN resolution rate target, percent (97) */
    double satisfaction_target;       /* percent (92) */
    double below_target_clear_margin; /* "unit below target" clears this many points above (0.5) */
    /* [pakn] deadlines */
    int pakn_level1_working_days;      /* 0 = close of the same working day */
    int pakn_level2_working_days;      /* 15 */
    int pakn_level2_urgent_hours;      /* 4 office hours */
    int pakn_level3_working_days;      /* 15 */
    int pakn_refusal_working_days;     /* 2 */
    int pakn_publication_working_days; /* 2 */
    int pakn_forward_working_days;     /* 5: forward when outside competence */
    int pakn_retention_days; /* 365: callers' personal data kept this long after closing */
    /* [grade] */
    double grade_a_min;           /* on-time rate for A (70) */
    double grade_b_min;           /* on-time rate for B (50) */
    int grade_max_reminders;      /* more reminders than this gives C (3) */
    int grade_min_volume;         /* fewer resolved dossiers: "low volume" (20) */
    bool aplus_reason_department; /* A+ needs a recorded reason (yes) */
    bool aplus_reason_district;   /* (no) */
    bool aplus_reason_commune;    /* (no) */
    bool aplus_reason_other;      /* province office, center, other (no) */
    /* [report] */
    int report_cutoff_day; /* period runs from this day of the previous month (15) */
    /* Which parameters the file set (bit i: the i-th of cc_policy_key_at). */
    uint64_t set_in_file;
} cc_policy_t;

/* One parameter of the policy table, for messages and checks. */
typedef struct {
    const char *section;
    const char *key;
    const char *field; /* its member of cc_policy_t */
    bool read_by_code; /* some code of this version reads it */
} cc_policy_key_t;

/* Fills *p with the defaults of DOMAIN.md (on-time targets 2020 94, 2023 96, 2024 97). */
void cc_policy_defaults(cc_policy_t *p);

/* Parses policy.ini text buf[0..len) (need not be NUL-terminated) over the defaults.
 * name is the file name used in messages.  Returns 0 and fills *ret_policy, or
 * -EINVAL with "name:line: reason" in err (-ENOMEM only if libinih fails to allocate
 * its own line buffer; our allocations abort, cc_mem.h).  Keys not present keep their
 * defaults; a year listed in [on_time_target] replaces the default year table
 * entirely (so an admin sees all years in one place). */
int cc_policy_parse(const char *name, const char *buf, size_t len, cc_policy_t *ret_policy,
                    char *err, size_t err_len);

/* The on-time target (percent) for a year: the listed value, else the default. */
double cc_policy_on_time_target(const cc_policy_t *p, int year);

/* The keys that p's file set although no code of this version reads them
 * (read_by_code false: they have no effect), as "[section] key" joined by ", "
 * into buf (always NUL-terminated when len > 0).  Returns how many; the daemons
 * warn at start and on reload when it is not 0. */
size_t cc_policy_unread(const cc_policy_t *p, char *buf, size_t len);

/* The parameters of the policy table: how many, and the i-th (0 <= i < count)
 * in *ret.  Returns 0, or -EINVAL when i is out of range. */
size_t cc_policy_key_count(void);
int cc_policy_key_at(size_t i, cc_policy_key_t *ret);

#endif
