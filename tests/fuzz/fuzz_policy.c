/*
 * fuzz_policy.c - libFuzzer harness of policy.ini (catalog/cc_policy.c),
 * the province's targets, deadlines, grades and retention.
 *
 * Properties: the parser returns 0 or -EINVAL with a "policy.ini:LINE:
 * reason"; a policy it accepts keeps the rules its loader promises (office
 * hours in order, cut-off day 1..28, percentages 0..100, retention 1..36500
 * days), and parsing it is deterministic.
 */
#include <errno.h>
#include <string.h>

#include "cc_policy.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cc_policy_t p, again;
    char err[512] = "";
    int r = cc_policy_parse("policy.ini", (const char *)data, size, &p, err, sizeof(err));

    CHECK(r == 0 || r == -EINVAL || r == -ENOMEM);
    if (r < 0) {
        CHECK(strncmp(err, "policy.ini", 10) == 0);
        return 0;
    }
    CHECK(p.morning_start_minute < p.morning_end_minute);
    CHECK(p.morning_end_minute <= p.afternoon_start_minute);
    CHECK(p.afternoon_start_minute < p.afternoon_end_minute);
    CHECK(p.cutoff_minute <= p.afternoon_end_minute);
    CHECK(p.grade_b_min <= p.grade_a_min);
    CHECK(p.report_cutoff_day >= 1 && p.report_cutoff_day <= 28);
    CHECK(p.pakn_target >= 0 && p.pakn_target <= 100);
    CHECK(p.on_time_target_default >= 0 && p.on_time_target_default <= 100);
    CHECK(p.pakn_retention_days >= 1 && p.pakn_retention_days <= 36500);
    CHECK(p.n_on_time_targets <= CC_POLICY_MAX_YEAR_TARGETS);
    CHECK(cc_policy_parse("policy.ini", (const char *)data, size, &again, err, sizeof(err)) == 0);
    CHECK(memcmp(&p, &again, sizeof(p)) == 0);
    return 0;
}
