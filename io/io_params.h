/*
 * io_params.h: the parameter table of the root zone: one section per land
 * use and one per soil class, each default with its source in
 * docs/parameters.md. Format (io_ini.h; the table may `extends` another):
 *
 *   [landuse.grass]
 *   crop_factor = [0.80, 0.90, 0.95, 1.20, 1.20, 1.20, 1.10, 1.10, 1.10, 1.00, 0.90, 0.80]
 *   interception_mm = 1.0          # interception capacity (mm/d)
 *   root_depth_m = 0.30
 *   reduction_fraction = 0.5       # p of the Feddes-type reduction (-)
 *   paved_fraction = 0.0
 *   sprinkling = false             # may this land use be sprinkled?
 *   [landuse.water]
 *   open_water = true
 *   open_water_factor = 1.25
 *   [soil.peat]
 *   available_water_mm_per_m = 250 # plant-available water per m of root zone
 *   topsoil_van_genuchten = [0.0, 0.72, 0.018, 1.14]   # theta_r, theta_s, alpha /cm, n
 *   subsoil_van_genuchten = [2.93, 0.0123, 1.276, -1.592] # Ks cm/d, alpha /cm, n, l
 *   specific_yield = 0.0755        # Sy of the phreatic groundwater (-), 0.01-0.5
 *   [sprinkling]
 *   trigger_fraction = 0.5         # a turn starts below this fraction of smax (-)
 *   gift_mm = 25                   # one turn (mm)
 *   capacity_mm_d = 4              # delivery per day (mm/d)
 *   first_month = 4                # season, months 1-12, first <= last
 *   last_month = 9
 *
 * Every land use of enum zt_landuse (grass, arable, capital, nature, urban,
 * water) and soil of enum zt_soil (peat, clay, sand) must have its section,
 * and [sprinkling] too. Required in a land-use section: crop_factor (12
 * values, or one for all months), interception_mm, root_depth_m,
 * reduction_fraction; optional: paved_fraction (0; required for urban),
 * sprinkling (false), open_water (true only for water). An open-water
 * section takes only open_water and open_water_factor (1.25). All soil and
 * sprinkling keys are required. Unknown keys and sections are errors.
 * Classes 0 ("none") get all-zero parameters.
 */
#ifndef IO_PARAMS_H
#define IO_PARAMS_H

#include <stdio.h>

#include "core_rootzone.h"
#include "zt.h"

typedef struct io_params {
    /* the combined root-zone parameters of every land use x soil */
    core_rz_params rz[ZT_NLANDUSE][ZT_NSOIL];
    /* specific yield of the phreatic groundwater per soil (-), from
       [soil.X] specific_yield, 0.01-0.5; sy[ZT_SOIL_NONE] (open water
       cells) is 1: a water table in open water moves with the water */
    double sy[ZT_NSOIL];
    /* the steady capillary flux of each soil's subsoil (core_capillary.h);
       rz[..][soil].cap points here */
    core_cap_table cap[ZT_NSOIL];
    char *file; /* the table read */
} io_params;

/* Load and check a parameter table; *out is returned to the caller.
 * ZT_ECONFIG naming file, line and key. */
zt_status io_params_load(const char *path, io_params **out, zt_err *err);

/* Free; accepts NULL; sets *p = NULL. */
void io_params_destroy(io_params **p);

/* Print the table in effect (for the log). */
void io_params_print(const io_params *p, FILE *f);

#endif /* IO_PARAMS_H */
