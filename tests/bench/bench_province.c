/*
 * bench_province.c - a generated province and its records (see
 * bench_province.h).
 */
#include "bench_province.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "bench_common.h"
#include "cc_time.h"

static uint32_t rnd(bench_province_t *pv, uint32_t n)
{
    pv->rng ^= pv->rng << 13;
    pv->rng ^= pv->rng >> 7;
    pv->rng ^= pv->rng << 17;
    return (uint32_t)(pv->rng % n);
}

/* ---- The province and its catalog ---------------------------------------------------- */

void bench_province_make(bench_province_t *pv, int n_units)
{
    memset(pv, 0, sizeof(*pv));
    pv->rng = 0x9E3779B97F4A7C15ull;
    pv->n_units = n_units;
    pv->units = calloc((size_t)n_units, sizeof(*pv->units));
    pv->kind = calloc((size_t)n_units, sizeof(*pv->kind));
    if (!pv->units || !pv->kind)
        bench_die("out of memory");
    for (int i = 0; i < n_units; i++) {
        int k = i == 0                                        ? 0
                : i == 1                                      ? 1
                : i < 2 + BENCH_DEPARTMENTS                   ? 2
                : i < 2 + BENCH_DEPARTMENTS + BENCH_DISTRICTS ? 3
                                                              : 4;

        pv->kind[i] = k;
        snprintf(pv->units[i], sizeof(pv->units[i]), "%s%03d",
                 (const char *[]){ "VP", "HCC", "SO", "H", "X" }[k], i);
    }
    for (int i = 0; i < BENCH_PROCEDURES; i++) {
        bench_proc_t *p = &pv->procs[i];

        p->level = i < 80 ? 0 : i < 90 ? 1 : 2;
        p->dept = i / 4;
        p->days = (int[]){ 0, 3, 5, 10, 15, 20 }[i % 6];
        p->online = i % 3;
        p->fee = i % 2;
        snprintf(p->code, sizeof(p->code), "P%03d", i);
    }
}

void bench_province_free(bench_province_t *pv)
{
    free(pv->units);
    free(pv->kind);
    free(pv->days);
    pv->units = NULL;
    pv->kind = NULL;
    pv->days = NULL;
}

void bench_province_days(bench_province_t *pv, const char *since)
{
    int32_t first, last;

    if (cc_date_parse(since, &first) < 0)
        bench_die("--since=%s: expected YYYY-MM-DD", since);
    cc_date_parse("2024-12-14", &last);
    if (first > last || last - first > 20 * 365)
        bench_die("--since=%s: at most 20 years before 2024-12-14", since);
    free(pv->days);
    pv->days = calloc((size_t)(last - first + 1), sizeof(*pv->days));
    if (pv->days == NULL)
        bench_die("out of memory");
    pv->n_days = 0;
    for (int32_t d = first; d <= last; d++)
        if (cc_weekday(d) < 5)
            pv->days[pv->n_days++] = d;
}

/* Whether unit @u handles procedure @p. */
static bool handles(const bench_province_t *pv, int u, const bench_proc_t *p)
{
    switch (p->level) {
    case 0:
        return pv->kind[u] == 1 ||
               (pv->kind[u] == 2 && (u - 2) % BENCH_DEPARTMENTS == p->dept % BENCH_DEPARTMENTS);
    case 1:
        return pv->kind[u] == 3;
    default:
        return pv->kind[u] == 4;
    }
}

static void copy_file(const char *from, const char *to)
{
    char buf[65536];
    FILE *in = fopen(from, "rb"), *out = fopen(to, "wb");
    size_t n;

    if (!in || !out)
        bench_die("cannot copy %s to %s: %s", from, to, strerror(errno));
    while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
        fwrite(buf, 1, n, out);
    fclose(in);
    if (fclose(out) != 0)
        bench_die("cannot write %s", to);
}

void bench_province_catalog(const bench_province_t *pv, const char *dir, const char *calendar,
                            const char *policy)
{
    static const char *const kinds[] = { "province_office", "center", "department", "district",
                                         "commune" };
    static const char *const online[] = { "none", "partial", "full" };
    char path[4096];
    FILE *f;

    mkdir(dir, 0700);
    snprintf(path, sizeof(path), "%s/units.tsv", dir);
    if ((f = fopen(path, "w")) == NULL)
        bench_die("cannot write %s", path);
    fprintf(f, "code\tname\tkind\tparent\teffective_from\teffective_to\n");
    for (int i = 0; i < pv->n_units; i++) {
        const char *parent = pv->kind[i] == 1 ? pv->units[0] : "";
        char dist[16] = "";

        if (pv->kind[i] == 4)
            snprintf(dist, sizeof(dist), "%s",
                     pv->units[2 + BENCH_DEPARTMENTS + i % BENCH_DISTRICTS]);
        fprintf(f, "%s\tĐơn vị %s\t%s\t%s\t\t\n", pv->units[i], pv->units[i], kinds[pv->kind[i]],
                dist[0] ? dist : parent);
    }
    fclose(f);
    snprintf(path, sizeof(path), "%s/procedures.tsv", dir);
    if ((f = fopen(path, "w")) == NULL)
        bench_die("cannot write %s", path);
    fprintf(f, "code\tname\tfield\tlevel\tduration\tduration_kind\tonline\thas_fee\tunits\n");
    for (int i = 0; i < BENCH_PROCEDURES; i++) {
        const bench_proc_t *p = &pv->procs[i];
        const char *sep = "";

        fprintf(f, "%s\tThủ tục %s\tLĩnh vực\t%s\t%d\t%s\t%s\t%s\t", p->code, p->code,
                (const char *[]){ "province", "district", "commune" }[p->level], p->days,
                p->days ? "working_days" : "same_day", online[p->online], p->fee ? "yes" : "no");
        for (int u = 0; u < pv->n_units; u++)
            if (handles(pv, u, p)) {
                fprintf(f, "%s%s", sep, pv->units[u]);
                sep = ",";
            }
        fputc('\n', f);
    }
    fclose(f);
    snprintf(path, sizeof(path), "%s/calendar.tsv", dir);
    copy_file(calendar, path);
    if (policy) {
        snprintf(path, sizeof(path), "%s/policy.ini", dir);
        copy_file(policy, path);
    }
}

/* ---- The records ------------------------------------------------------------------------ */

void bench_gen_init(bench_gen_t *g, bench_province_t *pv, bench_record_fn fn, void *ctx)
{
    memset(g, 0, sizeof(*g));
    g->pv = pv;
    g->fn = fn;
    g->ctx = ctx;
    cc_enc_init(&g->rec);
    g->next_seq = calloc((size_t)pv->n_units * pv->n_days, sizeof(*g->next_seq));
    if (g->next_seq == NULL)
        bench_die("out of memory");
}

void bench_gen_deinit(bench_gen_t *g)
{
    cc_enc_deinit(&g->rec);
    free(g->next_seq);
    free(g->dossiers);
}

/* The id of dossier @d into @id. */
static void dossier_id(const bench_gen_t *g, const bench_dossier_ref_t *d, char *id, size_t len)
{
    int y, m, dd;

    cc_day_to_ymd(d->day, &y, &m, &dd);
    snprintf(id, len, "%s-%02d%02d%02d-%04u", g->pv->units[d->unit], y % 100, m, dd, d->seq);
}

/* A new dossier of unit @u received on the @k-th day of the days. */
static const bench_dossier_ref_t *new_dossier(bench_gen_t *g, int u, size_t k)
{
    bench_dossier_ref_t *d;

    if (g->n_dossiers == g->cap) {
        g->cap = g->cap ? 2 * g->cap : 1 << 16;
        if ((g->dossiers = realloc(g->dossiers, g->cap * sizeof(*g->dossiers))) == NULL)
            bench_die("out of memory");
    }
    d = &g->dossiers[g->n_dossiers++];
    d->unit = (uint16_t)u;
    d->day = g->pv->days[k];
    d->seq = ++g->next_seq[(size_t)u * g->pv->n_days + k];
    return d;
}

/* Start a record {eid, type, at, by, ...}; the caller adds the rest and
 * ends it with end_record() and the returned handle. */
static size_t record(bench_gen_t *g, const char *type, int64_t at)
{
    char eid[32];
    size_t map;

    cc_enc_reset(&g->rec);
    snprintf(eid, sizeof(eid), "e%" PRIu64, ++g->records);
    map = cc_enc_map_open(&g->rec);
    cc_enc_kv_str(&g->rec, "eid", eid);
    cc_enc_kv_str(&g->rec, "type", type);
    cc_enc_kv_i64(&g->rec, "at", at);
    cc_enc_kv_str(&g->rec, "by", "bench");
    return map;
}

static void end_record(bench_gen_t *g, size_t map, int64_t at)
{
    cc_enc_map_close(&g->rec, map);
    g->fn(g->ctx, at, g->rec.buf.data, g->rec.buf.size);
}

/* What every dossier record carries after the event. */
typedef struct {
    char id[CC_MAX_ID + 1];
    const char *unit, *proc;
    int64_t received_at, due;
} dossier_t;

static void dossier_record(bench_gen_t *g, const dossier_t *d, const char *type, int64_t at,
                           const char *state, const char *k1, const char *v1, const char *k2,
                           const char *v2)
{
    size_t map = record(g, type, at);

    cc_enc_kv_str(&g->rec, "dossier", d->id);
    cc_enc_kv_str(&g->rec, "unit", d->unit);
    cc_enc_kv_str(&g->rec, "runit", d->unit);
    cc_enc_kv_str(&g->rec, "proc", d->proc);
    cc_enc_kv_str(&g->rec, "state", state);
    cc_enc_kv_i64(&g->rec, "received_at", d->received_at);
    cc_enc_kv_i64(&g->rec, "due", d->due);
    if (strcmp(type, "fee_paid") == 0)
        cc_enc_kv_u64(&g->rec, "amount", 50000);
    if (k1)
        cc_enc_kv_str(&g->rec, k1, v1);
    if (k2)
        cc_enc_kv_str(&g->rec, k2, v2);
    end_record(g, map, at);
}

/* The working day @n working days after @day (weekends only). */
static int32_t add_working_days(int32_t day, int n)
{
    while (n > 0)
        if (cc_weekday(++day) < 5)
            n--;
    return day;
}

void bench_gen_dossier(bench_gen_t *g)
{
    bench_province_t *pv = g->pv;
    const int32_t *days = pv->days;
    size_t n_days = pv->n_days;
    dossier_t d;
    const bench_proc_t *p;
    int u, tries = 0;
    size_t k;
    int32_t day, due_day, end_day;
    int64_t at, end;
    uint32_t fate = rnd(pv, 100);

    /* A unit: communes get fewer dossiers than districts and departments. */
    do {
        u = 1 + (int)rnd(pv, (uint32_t)pv->n_units - 1);
    } while (pv->kind[u] == 4 && rnd(pv, 3) != 0 && ++tries < 8);
    do {
        p = &pv->procs[rnd(pv, BENCH_PROCEDURES)];
    } while (!handles(pv, u, p));
    k = rnd(pv, (uint32_t)n_days);
    day = days[k];
    dossier_id(g, new_dossier(g, u, k), d.id, sizeof(d.id));
    d.unit = pv->units[u];
    d.proc = p->code;
    d.received_at = cc_day_start(day) + 7 * 3600 + 1800 + rnd(pv, 9 * 3600);
    due_day = add_working_days(day, p->days);
    d.due = cc_day_start(due_day) + 17 * 3600;
    dossier_record(g, &d, "received", d.received_at, "processing", "channel",
                   p->online && rnd(pv, 10) < 7 ? "online"
                   : rnd(pv, 20)                ? "direct"
                                                : "postal",
                   NULL, NULL);
    at = d.received_at + 600;
    if (p->fee)
        dossier_record(g, &d, "fee_paid", at, "processing", "method",
                       (const char *[]){ "cash", "cash", "cash", "cashless", "online" }[rnd(pv, 5)],
                       NULL, NULL);
    if (rnd(pv, 7) == 0)
        dossier_record(g, &d, "digitized", at + 60, "processing", "what", "components", NULL, NULL);
    if (fate < 3) { /* a supplement request, denied */
        dossier_record(g, &d, "sos_requested", at + 120, "processing", "kind", "supplement", NULL,
                       NULL);
        dossier_record(g, &d, "sos_reviewed", at + 180, "processing", NULL, NULL, NULL, NULL);
    }
    if (fate >= 97) { /* withdrawn */
        dossier_record(g, &d, "sos_requested", at + 240, "processing", "kind", "withdraw", NULL,
                       NULL);
        dossier_record(g, &d, "sos_reviewed", at + 300, "withdrawn", NULL, NULL, NULL, NULL);
        return;
    }
    /* Mostly in time, some late; those received late in the year may stay open. */
    end_day = add_working_days(day, p->days ? (int)rnd(pv, (uint32_t)p->days + 4) : 0);
    if (end_day > days[n_days - 1] - 2 && rnd(pv, 2))
        return;
    end = cc_day_start(end_day) + 14 * 3600;
    if (end < at + 400)
        end = at + 400;
    dossier_record(g, &d, "resolved", end, "resolved", "class",
                   end > d.due         ? "late"
                   : end_day < due_day ? "early"
                                       : "on_time",
                   "apology", "none");
    if (rnd(pv, 10) < 9)
        dossier_record(g, &d, "returned", end + 3600, "returned", "method",
                       rnd(pv, 3) ? "counter" : "electronic", NULL, NULL);
    if (rnd(pv, 12) == 0)
        dossier_record(g, &d, "digitized", end + 3700, "returned", "what", "result", NULL, NULL);
    if (rnd(pv, 10) < 7)
        dossier_record(g, &d, "rated", end + 3800, "returned", "rating",
                       (const char *[]){ "very_satisfied", "satisfied", "satisfied",
                                         "dissatisfied" }[rnd(pv, 20) ? rnd(pv, 3) : 3],
                       NULL, NULL);
}

void bench_gen_complaint(bench_gen_t *g, uint64_t i)
{
    bench_province_t *pv = g->pv;
    char id[24], dossier[CC_MAX_ID + 1] = "";
    int64_t at = cc_day_start(pv->days[rnd(pv, (uint32_t)pv->n_days)]) + 9 * 3600;
    const char *unit = pv->units[1 + rnd(pv, (uint32_t)pv->n_units - 1)];
    static const char *const types[] = { "pakn_received", "pakn_assigned", "pakn_answered" };

    snprintf(id, sizeof(id), "PA%" PRIu64, i);
    if (g->n_dossiers > 0)
        dossier_id(g, &g->dossiers[rnd(pv, (uint32_t)g->n_dossiers)], dossier, sizeof(dossier));
    for (int k = 0; k < 3; k++) {
        size_t map = record(g, types[k], at + k * 3600);

        cc_enc_kv_str(&g->rec, "pakn", id);
        cc_enc_kv_str(&g->rec, "unit", k ? unit : "");
        cc_enc_kv_u64(&g->rec, "level", k ? 2 : 1);
        cc_enc_kv_str(&g->rec, "state", (const char *[]){ "received", "assigned", "answered" }[k]);
        cc_enc_kv_i64(&g->rec, "due", at + 86400);
        cc_enc_kv_str(&g->rec, "dossier", i % 2 ? dossier : "");
        if (k == 2)
            cc_enc_kv_bool(&g->rec, "on_time", rnd(pv, 10) != 0);
        end_record(g, map, at + k * 3600);
    }
}

void bench_gen_contact(bench_gen_t *g, uint64_t i)
{
    bench_province_t *pv = g->pv;
    static const char *const ctypes[] = { "information", "guidance", "postal", "information" };
    static const char *const channels[] = { "phone", "phone", "phone", "email",
                                            "app",   "zalo",  "portal" };
    int64_t at =
        cc_day_start(pv->days[rnd(pv, (uint32_t)pv->n_days)]) + 7 * 3600 + rnd(pv, 10 * 3600);
    char id[24];
    size_t map;

    snprintf(id, sizeof(id), "C%" PRIu64, i);
    map = record(g, "contact", at);
    cc_enc_kv_str(&g->rec, "contact", id);
    cc_enc_kv_str(&g->rec, "ctype", ctypes[rnd(pv, 4)]);
    cc_enc_kv_str(&g->rec, "channel", channels[rnd(pv, 7)]);
    cc_enc_kv_str(&g->rec, "unit",
                  rnd(pv, 3) ? pv->units[1 + rnd(pv, (uint32_t)pv->n_units - 1)] : "");
    cc_enc_kv_bool(&g->rec, "closed", true);
    cc_enc_kv_str(&g->rec, "agent", "tdv-01");
    end_record(g, map, at);
}
