/*
 * test_capillary.c: the steady capillary flux (core_capillary.h) against
 * FACTS.md §8's table of the Staring series, the hydrostatic limit, bad
 * parameters, and the day's rise against a numerical integration.
 */
#include <check.h>
#include <math.h>
#include <string.h>

#include "core_capillary.h"

#define MM 1e-3

/* FACTS.md §8, "Capillary rise vs groundwater depth": the flux (mm/d) at
 * z = 25, 50, 75, 100, 150 cm, the root zone at -1000 cm, with the
 * Staring 2001 subsoil parameters (Ks cm/d, alpha /cm, n, l). */
static const struct {
    const char *code;
    double ks, alpha, n, l;
    double q[5];
} staring[] = {
    {"O1", 15.22, 0.0224, 2.286, 0.000, {66, 13.7, 3.8, 1.3, 0.24}},
    {"O2", 12.68, 0.0213, 1.951, 0.168, {47, 11.1, 3.6, 1.4, 0.34}},
    {"O9", 2.23, 0.0094, 1.400, -1.382, {15.5, 6.2, 3.4, 2.2, 1.0}},
    {"O11", 13.79, 0.0191, 1.152, -1.384, {8.6, 3.0, 1.5, 0.9, 0.43}},
    {"O12", 1.02, 0.0095, 1.158, -4.295, {2.2, 0.9, 0.5, 0.35, 0.19}},
    {"O17", 2.93, 0.0123, 1.276, -1.592, {8.9, 3.4, 1.8, 1.1, 0.55}},
    {"O16", 1.07, 0.0103, 1.376, -1.411, {6.2, 2.4, 1.3, 0.8, 0.40}},
};

static core_cap_soil si_soil(int i)
{
    const core_cap_soil s = {staring[i].ks / 100.0, staring[i].alpha * 100.0, staring[i].n,
                             staring[i].l};
    return s;
}

START_TEST(staring_table)
{
    /* The table of FACTS §8 was computed by an independent script and
     * rounded to 2-3 digits: within 5 % (and 0.01 mm/d) at every point. */
    static const double z[5] = {0.25, 0.50, 0.75, 1.00, 1.50};
    static core_cap_table t;
    for (size_t i = 0; i < sizeof staring / sizeof staring[0]; i++) {
        const core_cap_soil s = si_soil((int)i);
        zt_err err;
        zt_err_clear(&err);
        ck_assert_msg(core_cap_build(&s, 10.0, 0.25, 0.02, CORE_CAP_NZ, &t, &err) == ZT_OK, "%s",
                      err.msg);
        for (int j = 0; j < 5; j++) {
            const double q = core_cap_flux(&t, z[j]) / MM, want = staring[i].q[j];
            ck_assert_msg(fabs(q - want) <= 0.05 * want + 0.01, "%s at %.2f m: %.3f mm/d, want %g",
                          staring[i].code, z[j], q, want);
        }
        /* monotone: the flux falls with distance */
        for (double zz = 0.25; zz < 5.0; zz += 0.013) {
            ck_assert(core_cap_flux(&t, zz + 0.013) <= core_cap_flux(&t, zz));
        }
        /* nearer than the table: held at its first flux; beyond: 0 */
        ck_assert_double_eq(core_cap_flux(&t, 0.0), core_cap_flux(&t, 0.25));
        ck_assert_double_eq(core_cap_flux(&t, -0.3), core_cap_flux(&t, 0.25));
        ck_assert_double_eq(core_cap_flux(&t, 5.1), 0.0);
    }
}
END_TEST

START_TEST(hydrostatic_limit)
{
    /* With the root zone at only 1.2 m of suction, the water table 1.2 m
     * below it is in equilibrium: no flux. The table may not reach it
     * (an error), and just below it the flux is small. */
    const core_cap_soil s = si_soil(5);
    static core_cap_table t;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_int_eq(core_cap_build(&s, 1.2, 0.25, 0.01, 96, &t, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "suction"), "%s", err.msg);
    ck_assert_int_eq(core_cap_build(&s, 1.2, 0.25, 0.01, 90, &t, &err), ZT_OK);
    ck_assert(core_cap_flux(&t, 1.13) < 0.05 * core_cap_flux(&t, 0.5));
    ck_assert(core_cap_flux(&t, 1.13) > 0.0);
}
END_TEST

START_TEST(conductivity)
{
    /* K(0) = Ks; by hand for O17 at 100 cm: Se = (1 + 1.23^1.276)^-0.2163
     * = 0.8349; Se^(1/m) = 0.4342; 1 - (1 - 0.4342)^0.2163 = 0.1159;
     * K = 2.93 x 0.8349^-1.592 x 0.1159^2 = 2.93 x 1.3327 x 0.01343
     * = 0.0525 cm/d. */
    const core_cap_soil s = si_soil(5);
    ck_assert_double_eq_tol(core_cap_conductivity(&s, 0.0), 0.0293, 1e-17);
    const double m = 1.0 - 1.0 / 1.276, se = pow(1.0 + pow(1.23, 1.276), -m);
    const double b = 1.0 - pow(1.0 - pow(se, 1.0 / m), m);
    const double want = 0.0293 * pow(se, -1.592) * b * b;
    ck_assert_double_eq_tol(core_cap_conductivity(&s, 1.0), want, 1e-15);
    ck_assert_double_eq_tol(want * 100.0, 0.0525, 0.0002);
}
END_TEST

START_TEST(bad_parameters)
{
    static core_cap_table t;
    const core_cap_soil good = si_soil(1);
    const struct {
        core_cap_soil s;
        const char *want;
    } cases[] = {
        {{0.0, good.alpha, good.n, good.l}, "ks"},
        {{NAN, good.alpha, good.n, good.l}, "ks"},
        {{good.ks, -1.0, good.n, good.l}, "alpha"},
        {{good.ks, good.alpha, 1.0, good.l}, "n ="},
        {{good.ks, good.alpha, INFINITY, good.l}, "n ="},
        {{good.ks, good.alpha, good.n, 50.0}, "l ="},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        zt_err err;
        zt_err_clear(&err);
        ck_assert_int_eq(core_cap_build(&cases[i].s, 10.0, 0.25, 0.02, 100, &t, &err),
                         ZT_EINPUT);
        ck_assert_msg(strstr(err.msg, cases[i].want), "case %zu: %s", i, err.msg);
    }
    zt_err err;
    zt_err_clear(&err);
    ck_assert_int_eq(core_cap_build(&good, 10.0, 0.25, 0.02, CORE_CAP_NZ + 1, &t, &err),
                     ZT_EINPUT);
    ck_assert_int_eq(core_cap_build(&good, 10.0, 0.0, 0.02, 100, &t, &err), ZT_EINPUT);
}
END_TEST

START_TEST(rise_against_integration)
{
    /* dD/dt = -q min(1, D / Dfull) integrated with 100,000 explicit steps
     * against the closed form, over a range of fluxes and deficits. */
    const double qs[] = {0.5, 2.0, 5.0, 20.0};
    const double ds[] = {0.3, 3.0, 9.0, 15.0, 40.0};
    for (size_t i = 0; i < 4; i++) {
        for (size_t j = 0; j < 5; j++) {
            const double q = qs[i] * MM, d0 = ds[j] * MM, dfull = 10.0 * MM;
            const int n = 100000;
            double d = d0;
            for (int k = 0; k < n; k++) {
                const double r = q * (d < dfull ? d / dfull : 1.0);
                d -= r / n;
            }
            const double rise = core_cap_rise(q, d0, dfull);
            ck_assert_msg(fabs(rise - (d0 - d)) <= 1e-4 * q, "q %g D %g: %g against %g", qs[i],
                          ds[j], rise / MM, (d0 - d) / MM);
            ck_assert(rise <= q && rise <= d0);
        }
    }
    ck_assert_double_eq(core_cap_rise(0.0, 0.01, 0.01), 0.0);
    ck_assert_double_eq(core_cap_rise(0.005, 0.0, 0.01), 0.0);
    ck_assert_double_eq(core_cap_rise(0.005, 0.003, 0.0), 0.003);
}
END_TEST

Suite *suite_capillary(void);
Suite *suite_capillary(void)
{
    Suite *su = suite_create("capillary");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, staring_table);
    tcase_add_test(tc, hydrostatic_limit);
    tcase_add_test(tc, conductivity);
    tcase_add_test(tc, bad_parameters);
    tcase_add_test(tc, rise_against_integration);
    suite_add_tcase(su, tc);
    return su;
}
