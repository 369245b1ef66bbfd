/*
 * core_peat.c: subsidence and CO2 of peat meadows from the depth of the
 * water table (core_peat.h; docs/model.md §9.2).
 */
#include "core_peat.h"

#include <math.h>

void core_peat_defaults(core_peat_params *p)
{
    p->co2_ref = 13.8;   /* t CO2/ha/yr: NOBV control plots 2020-2023 [S] */
    p->depth_ref = 0.55; /* m: their mean annual depth [E] */
    p->co2_slope = 30.0; /* t CO2/ha/yr per m: Evans et al. 2021 [S/D] */
    p->co2_per_mm = 1.7; /* t CO2/ha/yr per mm/yr: Van den Akker [D] */
    p->ch4_depth = 0.10; /* m: Evans et al. 2021 [S] */
}

double core_peat_co2(const core_peat_params *p, double d)
{
    const double e = p->co2_ref + p->co2_slope * (d - p->depth_ref);
    if (isnan(e)) {
        return NAN;
    }
    return e > 0.0 ? e : 0.0;
}

double core_peat_subsidence(const core_peat_params *p, double d)
{
    return core_peat_co2(p, d) / p->co2_per_mm;
}

int core_peat_methane(const core_peat_params *p, double d)
{
    return d < p->ch4_depth;
}
