/*
 * io_scenario.h: a scenario file (io_ini.h format) read into the settings of
 * a run. Keys (docs/scenarios.md is the reference):
 *
 *   extends = "demo.ini"
 *   [run]      name, start, end (dates), threads (0 = all cores)
 *   [input]    domain (NetCDF), forcing (NetCDF), parameters (table file),
 *              and optional replacements of single static fields:
 *              surface_level = "ahn.nc:Band1" (file:variable), likewise
 *              mask, soil, landuse, district, province, gw_depth_init,
 *              sprinkling_source
 *   [climate]  precipitation_factor, et0_factor: 12 monthly change factors
 *   [output]   dir (default out/<name>), variables (names from the
 *              catalogue; default ["P", "ETact", "recharge"]), aggregation
 *              ("day", "10day", "month", "year"), deflate (0-9),
 *              significant_digits (0 = no quantisation, 1-7), districts (bool)
 */
#ifndef IO_SCENARIO_H
#define IO_SCENARIO_H

#include <stdio.h>

#include "io_nc.h"
#include "io_out.h"
#include "io_lake.h"
#include "zt.h"

#define IO_MAX_FIELD_SOURCES 17

/* What a run simulates ([run] mode). */
/* [run] checkpoint: how often the run writes a checkpoint. */
typedef enum io_ckpt_every { IO_CKPT_NONE = 0, IO_CKPT_MONTH, IO_CKPT_YEAR } io_ckpt_every;

typedef enum io_mode {
    IO_MODE_COUPLED = 0, /* root zone, groundwater and districts */
    IO_MODE_ROOTZONE,    /* the root zone alone, the water table held at its initial depth */
    IO_MODE_GROUNDWATER  /* groundwater alone: recharge from a file, ditch levels at target */
} io_mode;

typedef struct io_scenario {
    char *file;           /* the scenario file as given */
    char *name;           /* scenario name */
    zt_day start, end;    /* first and last day simulated */
    int threads;          /* OpenMP threads, 0 = default */
    io_mode mode;         /* [run] mode: "coupled" (default), "rootzone", "groundwater" */
    io_ckpt_every checkpoint; /* [run] checkpoint: "none" (default), "month", "year" */
    int checkpoints_kept; /* [run] checkpoints_kept: the latest N stay, older ones are
                             removed (default 1) */

    char *domain;         /* static domain NetCDF (resolved path) */
    char *forcing;        /* forcing NetCDF (resolved path); NULL in groundwater mode */
    char *districts_file; /* district table (resolved path); NULL in rootzone mode */
    char *recharge;       /* recharge NetCDF (groundwater mode), else NULL */
    char *network;        /* [input] network: supply network file (coupled mode), or NULL:
                             every demand is supplied */
    double ijssel_factor; /* [supply] ijsselmeer_factor: on the IJsselmeer inlets' capacities */
    char *ijssel_series;  /* [supply] ijsselmeer_series: CSV "date,m3s" of the IJsselmeer's
                             availability per day, or NULL (unlimited) */
    char *parameters;     /* parameter table (resolved path) */
    io_field_source field_src[IO_MAX_FIELD_SOURCES]; /* replacements */
    int nfield_src;
    char *field_buf[IO_MAX_FIELD_SOURCES]; /* owned storage behind field_src[i].path
                                              and .var ("path\0var") */

    double precip_factor[12]; /* monthly change factors (-), default 1 */
    double et0_factor[12];

    char *out_dir;        /* output folder (resolved path); default "out/<name>"
                             relative to the working directory; replace it
                             with io_scenario_set_out_dir (--out) */
    char **out_vars;      /* names of gridded output variables */
    int nout_vars;
    io_agg agg;           /* aggregation of gridded output */
    int deflate;          /* 0-9 */
    int nsd;              /* significant digits, 0 = no quantisation */
    int districts;        /* 1: write district series */
    int supply_users;     /* 1: write the supply network's per-user series */

    int summer_start[2];  /* [districts] summer_start: month, day the summer level starts */
    int winter_start[2];  /* [districts] winter_start: month, day the winter level starts */

    double gw_tol;        /* [groundwater] tolerance_m: head error bound (m) */
    int gw_max_picard;    /* [groundwater] max_picard */
    int gw_max_cg;        /* [groundwater] max_cg */
    double c_spill;       /* [groundwater] spill_resistance_d (d) */
    double ditch_depth;   /* [districts] ditch_water_depth_m (m): the salt store */
    double flush_deficit_mm; /* [districts] flushing_deficit_mm: the deficit of the full
                                salt load */
    double ci_factor;     /* [groundwater] infiltration_resistance_factor (-): on the
                             domain's ditch_infiltration_resistance */

    double peat_target;   /* [peat] target_depth (m below surface), NAN: levels as in the
                             district table */
    int peat_owd;         /* [peat] submerged_drains: 1 = submerged drains in peat cells */
    double peat_owd_c;    /* [peat] submerged_drain_resistance_d (d) */
    int peat_pd;          /* [peat] pressure_drains: 1 = pressure drains in peat cells */
    double peat_pd_depth; /* [peat] pressure_drain_depth (m below surface) */
    double peat_pd_c;     /* [peat] pressure_drain_resistance_d (d) */
    io_lake_cfg lake;     /* [lake] (enabled = 0 without it) */
    char *peat_base;      /* [peat] base: output folder of the scenario this one extends
                             (differences in the peat tables), or NULL */
} io_scenario;

/*
 * Load a scenario. `known_vars` (n_known names, borrowed) is the catalogue
 * that [output] variables must come from. Unknown sections and keys, bad
 * values, a start after the end and extends cycles are ZT_ECONFIG naming
 * file, line and key. *out is returned to the caller.
 */
zt_status io_scenario_load(const char *path, const char *const *known_vars, int n_known,
                           io_scenario **out, zt_err *err);

/* Replace out_dir by a copy of dir (the command line's --out). ZT_ENOMEM. */
zt_status io_scenario_set_out_dir(io_scenario *s, const char *dir, zt_err *err);

/* 1 when s is a valid run name (it names folders): letters, digits, '_',
 * '-' and '.', not empty and not starting with '.'; else 0. */
int io_scenario_name_ok(const char *s);

/* Free; accepts NULL and *s == NULL; sets *s = NULL. */
void io_scenario_destroy(io_scenario **s);

/* Print the settings in effect, one per line, "key = value" (for the log). */
void io_scenario_print(const io_scenario *s, FILE *f);

#endif /* IO_SCENARIO_H */
