/*
 * core_peat.c: emission and subsidence of peat meadows from the depth of
 * the water table and the thickness of the peat (core_peat.h;
 * docs/model.md §9.2).
 */
#include "core_peat.h"

#include <math.h>

/* Total subsidence per unit of emission: Van den Akker, 22 t CO2/ha/yr at
 * 13 mm/yr in the Groene Hart, about 1.7 t per mm/yr [D]. */
#define CO2_PER_MM_TOTAL 1.7
/* Of the subsidence, about 2/3 happens in the aerated layer (oxidation and
 * shrinkage) and 1/3 in permanently saturated layers (consolidation,
 * creep): WUR, 50 jaar maaivelddaling, WENR 3420 (2025) [S]. */
#define SHARE_OX (2.0 / 3.0)
/* The largest measured subsidence in Friesland: up to 24 mm/yr (Van den
 * Akker et al., FACTS.md §3) [S]. */
#define SUBS_MAX_MEASURED 24.0

void core_peat_defaults(core_peat_params *p)
{
    p->co2_ref = 13.8;   /* t/ha/yr: NOBV control plots 2020-2023 [S] */
    p->depth_ref = 0.55; /* m: their mean annual depth [E] */
    p->co2_slope = 30.0; /* t CO2e/ha/yr per m: Evans et al. 2021 [S/D] */
    /* 24 mm/yr x 1.7 = 40.8 t/ha/yr, reached at 1.45 m [D] */
    p->co2_max = SUBS_MAX_MEASURED * CO2_PER_MM_TOTAL;
    /* 1.7 / (2/3) = 2.55 t CO2 per mm/yr of oxidative subsidence [D] */
    p->co2_per_mm = CO2_PER_MM_TOTAL / SHARE_OX;
    /* the saturated third at the reference: 13.8 / 1.7 / 3 = 2.71 mm/yr [D] */
    p->creep = p->co2_ref / CO2_PER_MM_TOTAL * (1.0 - SHARE_OX);
    /* m: the aerated layer of a drained meadow reaches 80 cm, below it the
       peat is permanently saturated (WENR 3420) [S] */
    p->creep_thickness = 0.80;
    p->ch4_depth = 0.10;   /* m: Evans et al. 2021 [S] */
}

double core_peat_wtde(double d, double thickness)
{
    if (isnan(d)) {
        return NAN;
    }
    if (isnan(thickness)) {
        return d;
    }
    if (thickness <= 0.0) {
        return 0.0;
    }
    return d < thickness ? d : thickness;
}

double core_peat_co2e(const core_peat_params *p, double d, double thickness)
{
    const double w = core_peat_wtde(d, thickness);
    if (isnan(w)) {
        return NAN;
    }
    if (!isnan(thickness) && thickness <= 0.0) {
        return 0.0; /* no peat left */
    }
    const double e = p->co2_ref + p->co2_slope * (w - p->depth_ref);
    if (e <= 0.0) {
        return 0.0;
    }
    return e < p->co2_max ? e : p->co2_max;
}

double core_peat_subsidence_ox(const core_peat_params *p, double d, double thickness)
{
    return core_peat_co2e(p, d, thickness) / p->co2_per_mm;
}

double core_peat_subsidence_creep(const core_peat_params *p, double d, double thickness)
{
    if (isnan(d)) {
        return NAN;
    }
    if (isnan(thickness)) {
        return p->creep;
    }
    return thickness > p->creep_thickness ? p->creep : 0.0;
}

double core_peat_subsidence(const core_peat_params *p, double d, double thickness)
{
    return core_peat_subsidence_ox(p, d, thickness) + core_peat_subsidence_creep(p, d, thickness);
}

int core_peat_methane(const core_peat_params *p, double d)
{
    return d < p->ch4_depth;
}
