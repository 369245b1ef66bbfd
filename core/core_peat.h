/*
 * core_peat.h: emission and subsidence of peat meadows from the depth of
 * the water table and the thickness of the peat (issues 5 and 14;
 * docs/model.md §9.2, the sources in docs/parameters.md). Every coefficient
 * is a parameter; the defaults are to be calibrated (against the NOBV plots)
 * before use.
 *
 * The depth that counts is the effective depth of Evans et al. 2021: the
 * depth of the AERATED PEAT, WTDe = min(d, T) with d the mean annual depth
 * of the water table and T the thickness of the peat (m; NaN: unknown, the
 * peat taken as thick enough). Peat that is gone (T <= 0) emits nothing.
 *
 *   E (t CO2e/ha/yr) = min(E_max, max(0, E_ref + s (WTDe - d_ref)))
 *   oxidative subsidence (mm/yr)  = E / r_ox
 *   consolidation and creep (mm/yr) = creep   where the peat is thicker than
 *                                             the aerated layer of a drained
 *                                             meadow (T > T_sat, or T unknown), else 0
 *   subsidence = oxidative + consolidation and creep
 *
 * E is CO2-EQUIVALENT (CO2 and CH4, GWP100): the slope s is Evans's, for
 * CO2 and CH4 together; the anchor E_ref is the NOBV plots' CO2 (Aben et
 * al. 2024), where methane is negligible (their water tables lie near
 * d_ref). Below d_ch4 methane takes over; above d_lin Evans give no slope.
 * E_max caps the line at the largest measured subsidence (24 mm/yr in
 * Friesland) times the total subsidence per emission (1.7 t CO2 per mm/yr).
 *
 * Pure: no I/O, no globals.
 */
#ifndef CORE_PEAT_H
#define CORE_PEAT_H

typedef struct core_peat_params {
    double co2_ref;     /* E_ref (t CO2e/ha/yr) at d_ref */
    double depth_ref;   /* d_ref (m below surface) */
    double co2_slope;   /* s (t CO2e/ha/yr per m deeper) */
    double co2_max;     /* E_max (t CO2e/ha/yr): the cap */
    double co2_per_mm;  /* r_ox (t CO2/ha/yr per mm/yr of oxidative subsidence), > 0 */
    double creep;       /* consolidation and creep of saturated peat (mm/yr), >= 0 */
    double creep_thickness; /* T_sat (m): thinner peat has no permanently saturated layer */
    double ch4_depth;   /* d_ch4 (m): shallower, methane takes over */
} core_peat_params;

/* The defaults (docs/model.md §9.2). */
void core_peat_defaults(core_peat_params *p);

/* The effective depth WTDe = min(d, T) (m); T NaN: d; T <= 0: 0; NaN for
 * a NaN d. */
double core_peat_wtde(double d, double thickness);

/* Emission (t CO2e/ha/yr, 0 ... E_max) at mean annual depth d (m below
 * surface) and peat thickness T (m, NaN: unknown); NaN for a NaN depth. */
double core_peat_co2e(const core_peat_params *p, double d, double thickness);

/* Oxidative subsidence (mm/yr): E / r_ox. */
double core_peat_subsidence_ox(const core_peat_params *p, double d, double thickness);

/* Consolidation and creep (mm/yr): `creep` where the peat is thicker than
 * T_sat (or T unknown), else 0; NaN for a NaN depth. It does not follow the
 * scenario's water table: raising the water table into thin peat does not
 * load it (it lowers the effective stress), so it cannot start creep. */
double core_peat_subsidence_creep(const core_peat_params *p, double d, double thickness);

/* Total subsidence (mm/yr): the two above. */
double core_peat_subsidence(const core_peat_params *p, double d, double thickness);

/* 1 when the depth is above d_ch4 (methane: the relation does not hold). */
int core_peat_methane(const core_peat_params *p, double d);

#endif /* CORE_PEAT_H */
