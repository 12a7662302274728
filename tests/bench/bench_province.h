/*
 * bench_province.h - a generated province and a year of its log records,
 * for the benchmarks of scoring (bench_verdict, bench_replay).
 *
 * The province: --units units (a province office, the service center, 20
 * departments, 11 districts, the rest communes) and 100 procedures, written
 * as a catalog directory. The records: each dossier's life as intake logs
 * it (receipt, fee, digitization, supplement and SOS requests, resolution,
 * return, rating: about five records a dossier), complaints as hotline
 * logs them (received, assigned, answered) and hotline contacts, each
 * record a MessagePack map of PROTOCOL.md §3.4 and §4 handed to a callback
 * with its time. The same seed gives the same province and records.
 */
#ifndef BENCH_PROVINCE_H
#define BENCH_PROVINCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "cc_codec.h"

enum { BENCH_DEPARTMENTS = 20, BENCH_DISTRICTS = 11, BENCH_PROCEDURES = 100 };

/* One procedure of the generated catalog. */
typedef struct {
    char code[16];
    int days;   /* working days; 0 = same day */
    int online; /* 0 none, 1 partial, 2 full */
    int fee;
    int level; /* 0 department (and the center), 1 district, 2 commune */
    int dept;  /* for a department's */
} bench_proc_t;

/* The province: its units and procedures, and the generator's state. */
typedef struct {
    int n_units;
    char (*units)[16];
    int *kind; /* 0 office, 1 center, 2 department, 3 district, 4 commune */
    bench_proc_t procs[BENCH_PROCEDURES];
    uint64_t rng;
    int32_t *days; /* the working days records are dated on (bench_province_days) */
    size_t n_days;
} bench_province_t;

/**
 * bench_province_make - the province of @n_units units (at least 34) and
 * its procedures, with the generator's fixed seed.
 */
void bench_province_make(bench_province_t *pv, int n_units);

/** bench_province_free - free what bench_province_make and _days allocated. */
void bench_province_free(bench_province_t *pv);

/**
 * bench_province_days - date the records on the working days (Monday to
 * Friday) from @since ("YYYY-MM-DD") to 14/12/2024, the end of the
 * reporting year 2024. Dies on a bad date or more than 20 years.
 */
void bench_province_days(bench_province_t *pv, const char *since);

/**
 * bench_province_catalog - write units.tsv and procedures.tsv into @dir
 * (created), with copies of @calendar and @policy (may be NULL).
 */
void bench_province_catalog(const bench_province_t *pv, const char *dir, const char *calendar,
                            const char *policy);

/* Called with each generated record (one MessagePack map, @len bytes at
 * @rec, valid during the call) and its `at`. */
typedef void (*bench_record_fn)(void *ctx, int64_t at, const void *rec, size_t len);

/* A dossier made by the generator: its id is "<unit>-YYMMDD-NNNN", the
 * code form of TT 01 Điều 19 (DOMAIN.md §3), numbered per unit and day. */
typedef struct {
    uint16_t unit, seq;
    int32_t day; /* of its receipt */
} bench_dossier_ref_t;

/* A run of the generator: where records go and how many were made. */
typedef struct {
    bench_province_t *pv;
    bench_record_fn fn;
    void *ctx;
    cc_enc_t rec;                  /* the record being built */
    uint64_t records;              /* records made so far (event ids count them) */
    uint16_t *next_seq;            /* per unit and day of receipt (n_units x n_days) */
    bench_dossier_ref_t *dossiers; /* the dossiers made, in order */
    size_t n_dossiers, cap;
} bench_gen_t;

/** bench_gen_init - start a generator over @pv's days, handing records to @fn. */
void bench_gen_init(bench_gen_t *g, bench_province_t *pv, bench_record_fn fn, void *ctx);

/** bench_gen_deinit - free the generator's buffer. */
void bench_gen_deinit(bench_gen_t *g);

/**
 * bench_gen_dossier - the intake records of the next dossier, in the order
 * of its life.
 */
void bench_gen_dossier(bench_gen_t *g);

/**
 * bench_gen_complaint - the hotline records of complaint number @i
 * (received, assigned, answered); every other one names a dossier made
 * before.
 */
void bench_gen_complaint(bench_gen_t *g, uint64_t i);

/** bench_gen_contact - the hotline record of contact number @i. */
void bench_gen_contact(bench_gen_t *g, uint64_t i);

#endif
