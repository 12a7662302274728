/*
 * fuzz.h - what the fuzz harnesses of tests/fuzz share.
 *
 * Each harness is one file defining LLVMFuzzerTestOneInput(). It is built
 * twice (tests/fuzz/CMakeLists.txt, STYLE.md item 19): with libFuzzer
 * (CCHC_FUZZ=ON, clang) as `fuzz_<name>`, which explores, and with
 * replay.c's main() as `fuzz_<name>_replay`, which replays the saved inputs
 * of tests/fuzz/corpus/<name> (seeds and every crasher found so far) as an
 * ordinary ctest. A harness checks properties with CHECK(): a violation
 * aborts, which the fuzzer reports as a crash and the replay as a failure.
 */
#ifndef CCHC_FUZZ_H
#define CCHC_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

/** LLVMFuzzerTestOneInput - run one input; returns 0 (libFuzzer's contract). */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            fprintf(stderr, "%s:%d: property violated: %s\n", __FILE__, __LINE__, #cond);          \
            abort();                                                                               \
        }                                                                                          \
    } while (0)

#endif
