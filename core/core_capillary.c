/*
 * core_capillary.c: the steady capillary flux from a water table, and the
 * day's rise into a root zone (core_capillary.h, docs/model.md §3.3).
 */
#include "core_capillary.h"

#include <math.h>

/* Simpson intervals over the suction range 0 .. h_top (even). */
#define CAP_NPSI 2000
/* The q grid: from 10 Ks down by this ratio until z(q) passes the table. */
#define CAP_RATIO 1.02
#define CAP_QMIN 1e-12 /* m/d; below it the flux counts as 0 */

double core_cap_conductivity(const core_cap_soil *s, double psi)
{
    const double m = 1.0 - 1.0 / s->n;
    if (!(psi > 0.0)) {
        return s->ks;
    }
    const double se = pow(1.0 + pow(s->alpha * psi, s->n), -m);
    const double b = 1.0 - pow(1.0 - pow(se, 1.0 / m), m);
    return s->ks * pow(se, s->l) * b * b;
}

/* z(q) by Simpson's rule over the suction nodes with conductivities k[]. */
static double distance(const double *k, double h, double q)
{
    const double w = h / CAP_NPSI;
    double sum = 0.0;
    for (int i = 0; i <= CAP_NPSI; i++) {
        const double f = k[i] > 0.0 ? 1.0 / (1.0 + q / k[i]) : 0.0;
        const double c = (i == 0 || i == CAP_NPSI) ? 1.0 : (i % 2 ? 4.0 : 2.0);
        sum += c * f;
    }
    return sum * w / 3.0;
}

static zt_status check(const core_cap_soil *s, double h_top, double z0, double dz, int nz,
                       zt_err *err)
{
    if (!(isfinite(s->ks) && s->ks > 0.0)) {
        return zt_fail(err, ZT_EINPUT, "capillary rise: ks = %g: must be finite and > 0", s->ks);
    }
    if (!(isfinite(s->alpha) && s->alpha > 0.0)) {
        return zt_fail(err, ZT_EINPUT, "capillary rise: alpha = %g: must be finite and > 0",
                       s->alpha);
    }
    if (!(isfinite(s->n) && s->n > 1.0 && s->n < 20.0)) {
        return zt_fail(err, ZT_EINPUT, "capillary rise: n = %g: must lie in (1, 20)", s->n);
    }
    if (!(isfinite(s->l) && fabs(s->l) < 20.0)) {
        return zt_fail(err, ZT_EINPUT, "capillary rise: l = %g: must lie in (-20, 20)", s->l);
    }
    if (!(z0 > 0.0 && dz > 0.0 && nz >= 2 && nz <= CORE_CAP_NZ && isfinite(z0 + dz))) {
        return zt_fail(err, ZT_EINPUT, "capillary rise: table z0 %g, dz %g, nz %d out of range",
                       z0, dz, nz);
    }
    if (!(isfinite(h_top) && h_top > z0 + (nz - 1) * dz)) {
        return zt_fail(err, ZT_EINPUT,
                       "capillary rise: the root zone's suction %g m must exceed the table's "
                       "last distance %g m",
                       h_top, z0 + (nz - 1) * dz);
    }
    return ZT_OK;
}

zt_status core_cap_build(const core_cap_soil *s, double h_top, double z0, double dz, int nz,
                         core_cap_table *t, zt_err *err)
{
    static const int npsi = CAP_NPSI + 1;
    double k[CAP_NPSI + 1];
    zt_status st = check(s, h_top, z0, dz, nz, err);
    if (st != ZT_OK) {
        return st;
    }
    for (int i = 0; i < npsi; i++) {
        k[i] = core_cap_conductivity(s, h_top * i / CAP_NPSI);
    }
    t->z0 = z0;
    t->dz = dz;
    t->nz = nz;
    /* walk q down from 10 Ks: z(q) rises; fill each table point when the
       walk passes it, linear in ln q between the two q that bracket it */
    double q_prev = 10.0 * s->ks, z_prev = distance(k, h_top, q_prev);
    int i = 0;
    while (i < nz && z0 + i * dz <= z_prev) {
        t->lnq[i++] = log(q_prev); /* (z0 below the first z: never for real soils) */
    }
    while (i < nz && q_prev > CAP_QMIN) {
        const double q = q_prev / CAP_RATIO, z = distance(k, h_top, q);
        while (i < nz && z0 + i * dz <= z) {
            const double f = (z0 + i * dz - z_prev) / (z - z_prev);
            t->lnq[i++] = log(q_prev) + f * (log(q) - log(q_prev));
        }
        q_prev = q;
        z_prev = z;
    }
    while (i < nz) {
        t->lnq[i++] = log(CAP_QMIN);
    }
    return ZT_OK;
}

double core_cap_flux(const core_cap_table *t, double z)
{
    if (!(z > t->z0)) {
        return exp(t->lnq[0]);
    }
    const double x = (z - t->z0) / t->dz;
    if (x >= t->nz - 1) {
        return 0.0;
    }
    const int i = (int)x;
    const double f = x - i;
    return exp(t->lnq[i] + f * (t->lnq[i + 1] - t->lnq[i]));
}

double core_cap_rise(double q, double deficit, double dfull)
{
    if (!(q > 0.0) || !(deficit > 0.0)) {
        return 0.0;
    }
    if (!(dfull > 0.0)) {
        return q < deficit ? q : deficit;
    }
    if (deficit <= dfull) {
        return deficit * -expm1(-q / dfull);
    }
    const double t1 = (deficit - dfull) / q; /* days at the full rate */
    if (t1 >= 1.0) {
        return q;
    }
    return (deficit - dfull) + dfull * -expm1(-(q / dfull) * (1.0 - t1));
}
