/*
 * core_capillary.h: capillary rise from the water table to the root zone
 * (issue 13; docs/model.md §3.3).
 *
 * The steady upward flux q (m/d) from a water table at distance z (m)
 * below the bottom of the root zone, with the root zone's bottom held at
 * suction H (m), through a subsoil of Mualem-van Genuchten conductivity
 * K(psi) (Darcy, q = K (dpsi/dz - 1) upwards, integrated from the water
 * table, psi = 0, to the root zone, psi = H):
 *
 *   z(q) = integral_0^H dpsi / (1 + q / K(psi))
 *   K(psi) = Ks Se^l (1 - (1 - Se^(1/m))^m)^2,  Se = (1 + (alpha psi)^n)^-m,
 *   m = 1 - 1/n.
 *
 * z(q) falls from H at q = 0 towards 0 as q grows: the flux is found by
 * tabulating z over a geometric range of q and inverting. With H = 10 m
 * (pF 3, -1000 cm) this is the table of FACTS §8 ("capillary rise vs
 * groundwater depth"), which the tests reproduce.
 *
 * The table holds ln q on a uniform grid of z from z0 to z0 + (nz - 1) dz;
 * below z0 the flux is that at z0 (no extrapolation towards the root zone,
 * where the flux grows without bound); beyond the last point it is 0.
 *
 * Pure: no I/O, no globals.
 */
#ifndef CORE_CAPILLARY_H
#define CORE_CAPILLARY_H

#include "zt.h"

#define CORE_CAP_NZ 240

/* The subsoil's conductivity, Mualem-van Genuchten (SI units). */
typedef struct core_cap_soil {
    double ks;    /* saturated conductivity (m/d), > 0 */
    double alpha; /* 1/m, > 0 */
    double n;     /* > 1 */
    double l;     /* tortuosity (-), may be negative */
} core_cap_soil;

typedef struct core_cap_table {
    double z0;    /* m, the first distance (and the flux held below it) */
    double dz;    /* m */
    int nz;       /* points, 2 .. CORE_CAP_NZ */
    double lnq[CORE_CAP_NZ]; /* ln of the flux (m/d) at z0 + i dz */
} core_cap_table;

/* The conductivity K(psi) (m/d) at suction psi (m, >= 0). */
double core_cap_conductivity(const core_cap_soil *s, double psi);

/*
 * Tabulate the steady flux for distances z0 .. z0 + (nz - 1) dz (m), the
 * root zone at suction h_top (m, > 0). ZT_EINPUT naming the parameter for
 * ks, alpha or n out of range or not finite, z0 <= 0, dz <= 0, nz outside
 * 2 .. CORE_CAP_NZ, h_top <= z0 + (nz - 1) dz (the table must end below
 * the hydrostatic distance, where the flux is 0).
 */
zt_status core_cap_build(const core_cap_soil *s, double h_top, double z0, double dz, int nz,
                         core_cap_table *t, zt_err *err);

/* The flux (m/d) at distance z (m) from the table: z0's below z0, linear
 * in ln q between the points, 0 beyond the last. */
double core_cap_flux(const core_cap_table *t, double z);

/*
 * The capillary rise into a root zone over one day (m): the rate is the
 * table's flux q at the water table's distance, in full while the deficit
 * D (m) is at least dfull, and in proportion to D / dfull between dfull
 * and field capacity (D = 0):
 *   r(D) = q min(1, D / dfull),   dD/dt = -r(D),
 * integrated exactly over the day:
 *   D <= dfull:  rise = D (1 - exp(-q / dfull))
 *   D >  dfull:  rise = q, if the deficit stays above dfull all day; else
 *                (D - dfull) + dfull (1 - exp(-(q / dfull) (1 - t1))),
 *                t1 = (D - dfull) / q.
 * Never more than q (a day) and never more than D. dfull > 0, q >= 0.
 */
double core_cap_rise(double q, double deficit, double dfull);

#endif /* CORE_CAPILLARY_H */
