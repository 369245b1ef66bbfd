/*
 * core_couple_impl.h: what core_couple.c (the day) and core_couple_setup.c
 * (building the model, its state) share; not a public header.
 */
#ifndef CORE_COUPLE_IMPL_H
#define CORE_COUPLE_IMPL_H

#include "core_couple.h"

#define NC CORE_DCAT_COUNT

/* The drain systems of the solver's model (core_gw_model.drain). */
enum { CPL_DITCH = 0, CPL_TRENCH = 1, CPL_TILE = 2 };

/* 1 when month/day lies in the summer half. */
static inline int in_summer(const core_cpl_config *cfg, int month, int day)
{
    const int md = month * 100 + day;
    const int ss = cfg->summer_start[0] * 100 + cfg->summer_start[1];
    const int ws = cfg->winter_start[0] * 100 + cfg->winter_start[1];
    return md >= ss && md < ws;
}

/* Today's target level of a district (summer or winter). */
static inline double target_of(const grid_district *t, int summer)
{
    return summer ? t->summer_level : t->winter_level;
}

/* Root-zone storage (m over cells, summed) in district order. */
double core_cpl_rz_storage(const core_cpl *m);

#endif /* CORE_COUPLE_IMPL_H */
