/*
 * main.c - cchc-intaked: everything is in libcchc_intake and the core.
 */
#include "intake.h"

int main(int argc, char **argv)
{
    return cc_evd_main(&cc_intake_domain, CC_INTAKE_LISTEN, argc, argv);
}
