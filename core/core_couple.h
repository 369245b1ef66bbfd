/*
 * core_couple.h: one day of the coupled model (DESIGN.md §1; docs/model.md
 * §4 and §8.5), without I/O: root zone, groundwater, districts and the
 * balance of the whole, for every active cell and every district.
 *
 * A day is two calls, with the allocation of the supply network between
 * them (the caller's; core_alloc in the program):
 *
 *   core_cpl_day_begin   root zone -> groundwater solve -> the districts'
 *                        terms -> each district's inlet demand by cause
 *                        (an evaluation of the district step that changes
 *                        nothing) and its surplus;
 *   core_cpl_day_end     the one real district step with the allocated
 *                        fractions, the day's balance and its check.
 *
 * The order of sprinkling and flushing (docs/model.md §8.5): water is never
 * supplied and taken back. The root zone sprinkles, and a district flushes,
 * the fraction of today's want that the allocation of YESTERDAY gave its
 * cause (1 without a network, and on the first day); what is not done is
 * reported as demand not supplied (a shortage) that day.
 *
 * Three modes: coupled (all of it), rootzone (the root zone alone, the water
 * table held at its initial depth), groundwater (recharge given, ditches at
 * their targets, no district balance).
 *
 * Parallel and deterministic (STYLE.md 9): cell loops run block by block
 * (a CSR list of the active cells of each district, in cell order, cut
 * into blocks of at most CORE_CPL_BLOCK cells of one district), OpenMP
 * splitting the blocks with schedule(static); every sum is taken per block
 * in cell order, then over the blocks of a district in order, then over
 * districts in id order. 1 and N threads give the same bytes.
 *
 * The model reads the domain's arrays (grid_domain.h and grid_district are
 * plain data; no code of grids/ is called).
 */
#ifndef CORE_COUPLE_H
#define CORE_COUPLE_H

#include "core_district.h"
#include "core_gw.h"
#include "core_rootzone.h"
#include "grid_domain.h"
#include "zt.h"

typedef enum core_cpl_mode {
    CORE_CPL_COUPLED = 0,
    CORE_CPL_ROOTZONE,
    CORE_CPL_GROUNDWATER
} core_cpl_mode;

/* Per-cell values of a day, the catalogue of gridded output (model units:
 * m/d, m, m NAP). The root zone gives those below CORE_V_NRZ, groundwater
 * those below CORE_V_NGW, the districts the rest. */
enum core_cpl_var {
    CORE_V_P,
    CORE_V_ET0,
    CORE_V_ETP,
    CORE_V_ETACT,
    CORE_V_EI,
    CORE_V_TA,
    CORE_V_EOW,
    CORE_V_PERC,
    CORE_V_CR,
    CORE_V_RECHARGE,
    CORE_V_RUNOFF,
    CORE_V_OWNET,
    CORE_V_SPR,
    CORE_V_SPRDEM,
    CORE_V_S,
    CORE_V_DEFICIT,
    CORE_V_NRZ,
    CORE_V_HEAD = CORE_V_NRZ,
    CORE_V_DEPTH,
    CORE_V_DRAIN_DITCH,
    CORE_V_INFILTRATION,
    CORE_V_DRAIN_TRENCH,
    CORE_V_DRAIN_TILE,
    CORE_V_SEEPAGE,
    CORE_V_SPILL,
    CORE_V_NGW,
    CORE_V_DLEVEL = CORE_V_NGW,
    CORE_V_DEMAND,
    CORE_V_COUNT
};

/* Sums of a day per district, m/d summed over its cells (x cell area: m3/d)
 * unless noted. */
enum core_cpl_sum {
    CORE_S_P,
    CORE_S_ET0,
    CORE_S_ETACT,
    CORE_S_TA,
    CORE_S_RECHARGE,
    CORE_S_S,           /* (1 - paved) x S (m, summed) */
    CORE_S_RUNOFF,      /* paved runoff + open-water net */
    CORE_S_SPRDEM,      /* sprinkling wanted (the potential demand) */
    CORE_S_SPR,         /* sprinkling applied */
    CORE_S_SPR_SW_CAP,  /* applied from surface water: capital-intensive crops */
    CORE_S_SPR_SW_AGRI, /* the same: other crops */
    CORE_S_SPRDEM_CAP,  /* wanted from surface water: capital-intensive crops */
    CORE_S_SPRDEM_AGRI, /* the same: other crops */
    CORE_S_SPR_GW,      /* applied from groundwater */
    CORE_S_CR,
    CORE_S_EI,
    CORE_S_EOW,
    CORE_S_PERC,
    CORE_S_OWNET,
    CORE_S_DRAIN,       /* to ditches (positive part), trenches and tiles */
    CORE_S_INF_PEAT,    /* infiltration into peat cells */
    CORE_S_INF_NATURE,  /* ... into nature cells */
    CORE_S_INF_AGRI,    /* ... into the other cells */
    CORE_S_SPILL,
    CORE_S_SEEP,        /* to the deep aquifer (net; < 0: kwel) */
    CORE_S_FIXED,       /* lateral flow out of the district's cells */
    CORE_S_GWSTOR,      /* Sy (h' - h) */
    CORE_S_GWREACH,     /* recharge as groundwater received it */
    CORE_S_ABSTR,       /* wells of groundwater users */
    CORE_S_DEPTH,       /* depth of the water table (m, summed) */
    CORE_S_COUNT
};

/* Terms of the day's water balance of the domain (m3/d). */
enum core_cpl_bterm {
    CORE_B_P,
    CORE_B_SPR,
    CORE_B_CR,
    CORE_B_EI,
    CORE_B_TA,
    CORE_B_EOW,
    CORE_B_PERC,
    CORE_B_RUNOFF,
    CORE_B_OWNET,
    CORE_B_DS_RZ,
    CORE_B_RECH,
    CORE_B_SPR_GW,
    CORE_B_ABSTR,
    CORE_B_DRAIN,
    CORE_B_INF,
    CORE_B_SPILL,
    CORE_B_SEEP,
    CORE_B_FIXED,
    CORE_B_DS_GW,
    CORE_B_SUPPLIED,
    CORE_B_SPR_SW,
    CORE_B_FLUSH,
    CORE_B_DISCHARGE,
    CORE_B_DV,
    CORE_B_COUNT
};

/* Names of the balance terms (balance.csv's columns without "_m3"). */
extern const char *const core_cpl_bterm_names[CORE_B_COUNT];

/* The balance of a day: terms, errors (m3/d), gross fluxes and relative
 * errors per compartment (root zone, groundwater, districts) and whole. */
typedef struct core_cpl_balance {
    double b[CORE_B_COUNT];
    double err_rz, err_gw, err_d, err_all;
    double gross_rz, gross_gw, gross_d, gross_all;
    double rel_rz, rel_gw, rel_d, rel_all;
} core_cpl_balance;

/* Tolerances of the daily check: root zone and districts are exact
 * bookkeeping, groundwater and the whole carry the solver's tolerance. */
#define CORE_CPL_TOL_EXACT 1e-9
#define CORE_CPL_TOL_GW 1e-6

/* Cells of a block of the parallel cell loops, at most. A district's sums
 * are taken block by block in cell order and the blocks' sums added in
 * order, so a district of at most this many cells is summed as one run
 * over its cells (the order of a sequential loop), and any district the
 * same way for any number of threads. */
#define CORE_CPL_BLOCK 4096

/* Settings of a model (from the scenario). */
/* What the tile system of a peat cell is in a peat scenario (core_cpl.owd). */
enum { CPL_DRAIN_NONE = 0, CPL_DRAIN_SUBMERGED = 1, CPL_DRAIN_PRESSURE = 2 };

typedef struct core_cpl_config {
    core_cpl_mode mode;
    int summer_start[2], winter_start[2]; /* month, day the summer / winter level holds */
    double precip_factor[12], et0_factor[12]; /* monthly change factors (-) */
    core_gw_opts gw;        /* solver options (keep_inputs is set by the model) */
    double c_spill;         /* spill resistance (d) */
    double ci_factor;       /* on every ditch infiltration resistance (-); 0 (unset): 1 */
    double ditch_depth;     /* m of water in the ditches, for their salt (docs/model.md
                               §7.6); 0: no salt store */
    double flush_deficit;   /* m: the precipitation deficit at which the salt load is
                               full (§7.6); 0: always full */
    double peat_target;     /* m below surface, NAN: none (docs/model.md §9.3) */
    int peat_owd;           /* submerged drains in peat cells */
    double peat_owd_c;      /* their resistance (d) */
    int peat_pd;            /* pressure drains in peat cells */
    double peat_pd_depth;   /* their depth (m below surface) */
    double peat_pd_c;       /* their resistance (d) */
    zt_day start;           /* first day (the initial targets) */
} core_cpl_config;

/* The parameter tables (borrowed for the create call; the rows are kept by
 * pointer: they must outlive the model). */
typedef struct core_cpl_tables {
    const core_rz_params (*rz)[ZT_NSOIL]; /* [ZT_NLANDUSE][ZT_NSOIL] */
    const double *sy;                      /* [ZT_NSOIL] specific yield */
} core_cpl_tables;

/* Gridded output of the day: the caller's period accumulators (borrowed):
 * for each of nsel selected variables sel[i] (enum core_cpl_var), acc[i]
 * gets scale x value added (set when first) for every active cell, in the
 * order of the model's cell list: acc[i][q] is cell d_cells[q] (so the
 * accumulators hold the active cells only, and the day's passes, which walk
 * that list, write them in order). */
typedef struct core_cpl_acc {
    double *const *acc;
    const int *sel;
    int nsel;
    int first;
} core_cpl_acc;

/* The model: set-up (read-only after create), state carried from day to
 * day (the checkpoint), and the results of the last day. Arrays [ncell]
 * per cell, [nd] per district, [nd * CORE_DCAT_COUNT] per district and cause. */
typedef struct core_cpl {
    core_cpl_config cfg;
    const grid_domain *dom;  /* borrowed */
    zt_idx ncell;
    double cell_area;        /* m2 */
    int rz_on, gw_on;

    /* districts, ids ascending: CSR of their active cells in cell order */
    int nd;
    int32_t *d_id;
    zt_idx *d_start, *d_cells;
    double *d_area, *d_land; /* m2: all; land weighted by (1 - paved) */
    /* blocks of at most CORE_CPL_BLOCK cells of one district, in CSR order:
       the unit of the parallel cell loops (a large district is not one
       thread's work); block b holds cells b_start[b] .. b_start[b + 1] - 1
       of the CSR list, of district b_d[b] */
    int nb;
    zt_idx *b_start;
    int *b_d;
    double *bsum;            /* [nb * CORE_S_COUNT] the sums of a day per block */
    double *dset;            /* [nd] the district levels set_ditch_levels applied last */
    int dset_ok;             /* dset holds them */
    grid_district *dd;       /* [nd] (coupled, groundwater) the table entries, with the
                                peat scenario's levels */
    core_district_params *dpar;
    int npeat_raised;        /* districts whose levels the peat scenario raised */
    double *share;           /* [nd * NC] area shares of a deficit the day starts with */

    /* per cell */
    const core_rz_params **cp;
    core_rz_params nospr[ZT_NLANDUSE][ZT_NSOIL];
    double *s, *spr_left;    /* STATE root zone (m) */
    double *rech, *rech_gw, *depth;

    /* groundwater */
    core_gw_model gwm;
    core_gw_solver *gw;
    double *h;               /* STATE head (m NAP) */
    double *kd, *sy, *surface, *phi, *cv, *ditch_level, *ditch_c, *ditch_ci;
    double *trench_level, *trench_c, *tile_level, *tile_c, *tile_ci;
    uint8_t *owd;            /* CPL_DRAIN_*: the tile system is a submerged or pressure drain
                                (or NULL: neither anywhere) */
    long ntrench_raised;     /* peat cells whose trenches the scenario raised */
    double *pd_ci;           /* [nd] the pressure drains' infiltration resistance last set
                                (NAN: not yet), or NULL without drains */
    double *f_drain[3], *f_spill, *f_seep, *f_stor, *f_lat;
    core_gw_stats gws;       /* of the last day */

    /* districts: STATE */
    double *dv;              /* storage relative to the target (m3) */
    double *dlevel;          /* level at the end of the last day (m NAP) */
    double *dtarget;         /* target of the last day (m NAP) */
    double *dshort;          /* [nd * NC] the last day's shortage by cause (m3) */
    double *gfrac;           /* [nd * NC] the fraction yesterday's allocation gave each
                                cause: today's sprinkling and flushing */
    double rz_total;         /* root-zone storage at the end of the last day (m, summed) */

    /* districts: the day */
    double *dsum;            /* [nd * CORE_S_COUNT] */
    core_district_in *din;   /* [nd] the day's terms */
    core_district_out *dout; /* [nd] the results */
    double *dem;             /* [nd * NC] demand by cause (the evaluation), m3/d */
    double *surplus;         /* [nd] discharge before the allocation, m3/d */
    double *rep;             /* [nd * NC] demand as reported: new demand, with the
                                sprinkling and flushing not done (m3/d) */
    double *real;            /* [nd * NC] taken by each cause (m3/d) */
    double *flush;           /* [nd] flushing done (m3/d) */
    double *flush_need;      /* [nd] flushing the district needs today (m3/d) */
    double *qnat;            /* [nd] the district's discharge of yesterday (m3/d): the
                                throughflow its own water gave against salt */
    double *salt;            /* [nd] the salt of its ditches, in m3 of water at the
                                target concentration (core_district_salt) */
    double pdef;             /* the domain's precipitation deficit since summer_start (m):
                                sum of ET0 - P, never below 0 */
    int summer;              /* the day lies in the summer half */
} core_cpl;

/*
 * Build a model over the domain (borrowed; must outlive it) with the
 * district table dtab[ntab] (ids ascending; copied), parameters (borrowed,
 * see core_cpl_tables) and settings. The ids of the districts that have
 * active cells must all be in the table (coupled and groundwater modes).
 * Initial state: root zone at field capacity, heads at surface - gwdepth,
 * district levels at the target of cfg->start. *out is returned to the
 * caller. Statuses: ZT_EINPUT for a district missing from the table or
 * without open water (naming it; the caller adds the file), ZT_EINPUT for
 * a domain without the groundwater fields where they are needed, ZT_ENOMEM,
 * and those of core_gw_create.
 */
zt_status core_cpl_create(const core_cpl_config *cfg, const grid_domain *dom,
                          const grid_district *dtab, int ntab, const core_cpl_tables *tab,
                          core_cpl **out, zt_err *err);

/* Free; accepts NULL and *m == NULL; sets *m = NULL. */
void core_cpl_destroy(core_cpl **m);

/* Districts whose summer level the peat scenario raised (0 without one). */
int core_cpl_peat_districts(const core_cpl *m);

/*
 * First half of day `day`: p and et0 (mm/d, [ncell], borrowed; in
 * groundwater mode p is the recharge) with the scenario's monthly factors;
 * abstr (m/d, [ncell], or NULL) the wells of groundwater users. Fills the
 * gridded output (acc, may be NULL) with the root-zone and groundwater
 * values, and in coupled mode m->dem and m->surplus for the allocation.
 * Statuses: those of core_gw_step (the caller prefixes the date).
 */
zt_status core_cpl_day_begin(core_cpl *m, zt_day day, const float *p, const float *et0,
                             const double *abstr, const core_cpl_acc *acc, zt_err *err);

/*
 * Second half: frac[nd * NC] the fraction of m->dem the allocation gives
 * each cause (NULL: all supplied). The district step, the district output
 * values on their cells (acc), and the day's balance into *bal.
 * Returns ZT_EBALANCE (naming the compartments) when an error exceeds its
 * tolerance.
 */
zt_status core_cpl_day_end(core_cpl *m, const double *frac, const core_cpl_acc *acc,
                           core_cpl_balance *bal, zt_err *err);

/* 1 when day lies in the summer half (the summer target levels). */
int core_cpl_summer(const core_cpl *m, zt_day day);

/* The storage capacity (mm) of every cell at the end of the last day:
 * Sy x depth of the water table + root-zone deficit; NaN outside the
 * active cells. cap[ncell]. */
void core_cpl_storage_capacity(const core_cpl *m, double *cap);

/*
 * The state carried from day to day (checkpoints): its arrays into list
 * when they fit in max, pointing into the model (root-zone storage, sprinkling turns,
 * heads, district storage, levels, targets, shortages and the fractions of
 * the last allocation); returns their number (at most 9) in any case. Reading a saved
 * state into them restores the model.
 */
int core_cpl_state(core_cpl *m, zt_named_array *list, int max);

/*
 * A checkpoint was written, or a state read: the groundwater solver's next
 * step reads its inputs again and starts from the heads alone (no warm
 * start from a step it did not make), so that a continued run and the run
 * that went on take the same path and give the same bytes.
 */
void core_cpl_restart_point(core_cpl *m);

/* The factor from model units to the output units of variable v (mm for
 * fluxes and storages, m for levels and depths). */
double core_cpl_var_scale(int v);

/* After core_cpl_day_begin: the day's mean precipitation and Makkink
 * evaporation over the active cells (m/d, the climate factors applied): the
 * weather of the lake (docs/lake.md). */
void core_cpl_mean_forcing(const core_cpl *m, double *p, double *et0);

#endif /* CORE_COUPLE_H */
