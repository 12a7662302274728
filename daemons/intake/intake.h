/*
 * intake.h - the intake daemon (cchc-intaked): the source of truth for
 * dossiers. Counters push dossier events; each is checked against the
 * catalogs and the lifecycle (dossier.h), stored, and only then
 * acknowledged. Built on the event daemon core (cc_evd.h).
 */
#ifndef CC_INTAKE_H
#define CC_INTAKE_H

#include "cc_evd.h"

/* The intake domain for cc_evd_main(). */
extern const cc_evd_domain_t cc_intake_domain;

/* Default ROUTER endpoint. */
#define CC_INTAKE_LISTEN "tcp://127.0.0.1:7301"

#endif
