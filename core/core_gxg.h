/*
 * core_gxg.h: groundwater statistics per cell from daily depths of the
 * water table, the way Dutch hydrologists read them (issue 5; the
 * definitions in docs/model.md §9):
 *
 *   GHG, GLG  mean highest and lowest groundwater: per hydrological year
 *             (1 April - 31 March) the mean of the 3 highest (HG3) and the
 *             3 lowest (LG3) of the 24 values on the 14th and 28th of each
 *             month; averaged over the complete hydrological years of the
 *             run (those whose 24 dates all lie in the run);
 *   GVG       mean spring groundwater: per year the mean of the values on
 *             14 March, 28 March and 14 April (VG3), averaged over the
 *             years with all three dates in the run;
 *   summer    mean depth from 1 April to 30 September, over the complete
 *             summers of the run;
 *   annual    mean depth over the complete calendar years of the run.
 *
 * Depths are metres below surface (positive down), so the "highest" level
 * is the smallest depth. A statistic with no complete period in the run is
 * NaN, and its count says so. NaN depths (cells outside the model) give NaN.
 *
 * Pure: no I/O, no globals. Units: m.
 */
#ifndef CORE_GXG_H
#define CORE_GXG_H

#include "zt.h"

typedef struct core_gxg core_gxg; /* opaque */

/* The periods a run covered completely. */
typedef struct core_gxg_counts {
    int hydro_years;   /* complete hydrological years (GHG, GLG) */
    int spring_years;  /* years with 14 March, 28 March and 14 April (GVG) */
    int summers;       /* complete summers, 1 April - 30 September */
    int years;         /* complete calendar years */
} core_gxg_counts;

/* For n cells; days must then come one after the other. ZT_ENOMEM. */
zt_status core_gxg_create(zt_idx n, core_gxg **out, zt_err *err);
void core_gxg_destroy(core_gxg **g);

/* One day: depth[k] (m below surface) of every cell. Days must follow each
 * other (the first day may be any day); a gap is a programmer error
 * (assert). */
void core_gxg_day(core_gxg *g, zt_day day, const double *depth);

/* The statistics so far (any pointer may be NULL), n values each (m below
 * surface, NaN where the run has no complete period); counts. */
void core_gxg_get(const core_gxg *g, double *ghg, double *glg, double *gvg, double *summer,
                  double *annual, core_gxg_counts *counts);

/* The state (checkpoints): its arrays into list when they fit in max,
 * pointing into the statistics (valid until the next call); returns their
 * number (12) in any case.
 * After reading a saved state into them, call core_gxg_state_loaded. */
int core_gxg_state(core_gxg *g, zt_named_array *list, int max);
void core_gxg_state_loaded(core_gxg *g);

#endif /* CORE_GXG_H */
