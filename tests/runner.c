/*
 * runner.c: one Check runner for every suite in tests/test_*.c.
 *
 * The Makefile generates suites.h from the `Suite *suite_NAME(void)` lines of
 * the test files, so adding a suite needs no edit here. Set ZT_SUITE=NAME to
 * run one suite only (NAME without the "suite_" prefix).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define ZT_SUITE(fn) Suite *fn(void);
#include "suites.h"
#undef ZT_SUITE

int main(void)
{
    const char *only = getenv("ZT_SUITE");
    SRunner *sr = NULL;
    int failed;

#define ZT_SUITE(fn)                                                           \
    if (!only || strcmp(only, #fn + 6) == 0) {                                 \
        if (!sr) {                                                             \
            sr = srunner_create(fn());                                         \
        } else {                                                               \
            srunner_add_suite(sr, fn());                                       \
        }                                                                      \
    }
#include "suites.h"
#undef ZT_SUITE

    if (!sr) {
        fprintf(stderr, "zoet-tests: no suite named %s\n", only ? only : "(none)");
        return 1;
    }
    srunner_run_all(sr, CK_NORMAL);
    failed = srunner_ntests_failed(sr);
    srunner_free(sr);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
