/*
 * main.c - cchc-scoringd: everything is in libcchc_scoring.
 */
#include "scoring.h"

int main(int argc, char **argv) { return sc_scoring_main(argc, argv); }
