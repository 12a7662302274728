/*
 * hotline.h - the hotline daemon (cchc-hotlined): the source of truth for
 * 1022 contacts and complaints (PAKN), DOMAIN.md §6. Agents and unit
 * contact points push events; each is checked against the lifecycle
 * (complaint.h), stored, and only then acknowledged; the daemon escalates
 * complaints whose level deadline passed. Built on the event daemon core
 * (cc_evd.h), like intake.
 *
 * Storage (LMDB, beside the core's "log", "log_strings" and "id_runs"):
 *   contact         contact id -> cc_contact_t
 *   pakn            pakn id -> cc_pakn_t (no personal data)
 *   pakn_events     pakn id -> be64 seq (MDB_DUPSORT): the history in the log
 *   personal        pakn id -> caller name, caller phone, text, answer,
 *                   sealed (personal.h; never copied into the log, never
 *                   logged), or the marker of their erasure
 *   published       pakn id -> the published, redacted answer
 *   pakn_timer      be64 due + pakn id -> "" for complaints that escalate
 *   pakn_open       unit NUL be64 due + pakn id -> "" for open complaints
 *   pakn_retention  be64 closed_at + pakn id -> "" for ended complaints
 *                   (closed, refused) whose personal data is still kept
 */
#ifndef CC_HOTLINE_H
#define CC_HOTLINE_H

#include <stddef.h>
#include <stdint.h>

#include "cc_evd.h"

/* The hotline domain for cc_evd_main(). */
extern const cc_evd_domain_t cc_hotline_domain;

/* Default ROUTER endpoint. */
#define CC_HOTLINE_LISTEN "tcp://127.0.0.1:7302"

/* Most complaints escalated in one tick (the rest wait for the next). */
#define CC_HOTLINE_ESCALATE_MAX 1000

/* How escalation appends its records: cc_evd_append_internal() in the
 * daemon, the test's own log append in unit tests. Same contract: *@ret_seq
 * is the new record's sequence number, 0 when @eid was appended before. */
typedef int (*cc_hotline_append_fn)(void *ctx, cc_txn_t *txn, const char *eid, const char *type,
                                    int64_t at, const cc_enc_t *pairs, uint64_t *ret_seq);

/**
 * cc_hotline_escalate - raise every complaint whose level deadline passed
 * before @now by one level per passed deadline (at most to level 3),
 * appending one pakn_escalated record each (event id "esc:<pakn>:<level>")
 * and updating the complaint, its history and indexes, all inside @txn.
 * @dom: the domain state (from cc_hotline_domain.open).
 * @append, @ctx: how to append a record.
 * @ret_count: escalations done (may be NULL).
 * Returns 0 or a negative storage error.
 */
int cc_hotline_escalate(void *dom, cc_txn_t *txn, int64_t now, cc_hotline_append_fn append,
                        void *ctx, size_t *ret_count);

/**
 * cc_hotline_expire - erase the personal data of the complaints that ended
 * (closed, refused) more than the policy's retention_days before @now, at
 * most 1000 per call (the rest at the next), inside @txn; their figures
 * and records stay.
 * @ret_count: complaints erased (may be NULL).
 * Returns 0 or a negative storage error.
 */
int cc_hotline_expire(void *dom, cc_txn_t *txn, int64_t now, size_t *ret_count);

#endif
