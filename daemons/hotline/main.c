/*
 * main.c - cchc-hotlined: everything is in libcchc_hotline and the core.
 */
#include "hotline.h"

int main(int argc, char **argv)
{
    return cc_evd_main(&cc_hotline_domain, CC_HOTLINE_LISTEN, argc, argv);
}
