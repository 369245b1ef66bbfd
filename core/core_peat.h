/*
 * core_peat.h: subsidence and CO2 emission of peat meadows from the depth
 * of the water table (issue 5; docs/model.md §9.2; defaults and sources in
 * docs/parameters.md). Every coefficient is a parameter; the defaults are
 * to be calibrated (against NOBV plots) before use:
 *
 *   E (t CO2/ha/yr) = max(0, E_ref + s (d - d_ref))     d: mean annual depth (m)
 *   subsidence (mm/yr) = E / r
 *
 * E_ref = 13.8 t CO2/ha/yr: the mean of the NOBV control plots 2020-2023
 * (Aben et al. 2024) [S]; d_ref = 0.55 m: their mean annual depth [E:
 * about 50-60 cm]; s = 30 t CO2/ha/yr per m (0.3 per cm): Evans et al.
 * 2021, at least 3 t CO2e/ha/yr per 10 cm [S/D]; r = 1.7 t CO2/ha/yr per
 * mm/yr of subsidence (Van den Akker: 22 t at 13 mm/yr) [D]. Above
 * d_ch4 = 0.10 m below surface methane takes over (Evans et al. 2021) [S]
 * and the relation does not hold: core_peat_methane says so.
 *
 * Pure: no I/O, no globals.
 */
#ifndef CORE_PEAT_H
#define CORE_PEAT_H

typedef struct core_peat_params {
    double co2_ref;     /* E_ref (t CO2/ha/yr) */
    double depth_ref;   /* d_ref (m below surface) */
    double co2_slope;   /* s (t CO2/ha/yr per m deeper) */
    double co2_per_mm;  /* r (t CO2/ha/yr per mm/yr of subsidence), > 0 */
    double ch4_depth;   /* d_ch4 (m): shallower, methane takes over */
} core_peat_params;

/* The defaults above. */
void core_peat_defaults(core_peat_params *p);

/* CO2 emission (t CO2/ha/yr, >= 0) at mean annual depth d (m below
 * surface); NaN for a NaN depth. */
double core_peat_co2(const core_peat_params *p, double d);

/* Subsidence (mm/yr, >= 0) at mean annual depth d (m). */
double core_peat_subsidence(const core_peat_params *p, double d);

/* 1 when the depth is above d_ch4 (methane, the relation does not hold). */
int core_peat_methane(const core_peat_params *p, double d);

#endif /* CORE_PEAT_H */
