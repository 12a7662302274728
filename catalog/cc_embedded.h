/* The demo catalogs of deploy/catalog/, embedded at build time by embed.cmake
 * (generated cc_embedded.c in the build directory).  Internal to the catalog library.
 * Each array has a NUL byte after its _len bytes. */
#ifndef CC_EMBEDDED_H
#define CC_EMBEDDED_H

#include <stddef.h>

extern const unsigned char cc_embedded_units[];
extern const size_t cc_embedded_units_len;
extern const unsigned char cc_embedded_procedures[];
extern const size_t cc_embedded_procedures_len;
extern const unsigned char cc_embedded_calendar[];
extern const size_t cc_embedded_calendar_len;
extern const unsigned char cc_embedded_policy[];
extern const size_t cc_embedded_policy_len;

#endif
