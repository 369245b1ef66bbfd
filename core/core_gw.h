/*
 * core_gw.h: phreatic groundwater, 2-D, implicit in time (DESIGN.md §2).
 *
 * Per active cell i with area A = dx^2, head h (m NAP), backward Euler:
 *
 *   Sy (h' - h)/dt = sum_nb T_ij (h_j' - h_i')/dx^2 + R
 *                    - sum_k (h' - z_k)+ / c_k                drainage systems k
 *                    + sum_k (z_k - h')+ / ci_k               infiltration where allowed
 *                    - (h' - zs)+ / c_spill                   spill above the surface zs
 *                    + (phi - h') / cv                        seepage from the deep head
 *   T_ij = harmonic mean of kD of the two cells.
 *
 * Inactive cells are no-flow; fixed-head cells keep their head (Dirichlet).
 * For a fixed set of active drains and infiltration the system is symmetric
 * positive definite; it is solved by a preconditioned conjugate gradient,
 * matrix-free on the 5-point stencil, parallel with OpenMP over contiguous
 * row blocks, warm-started from the previous head. Picard iterations update
 * the active set until it no longer changes. Every global sum goes through
 * one reduction function over a fixed number of row blocks summed in order,
 * so 1 and N threads give the same bytes (and a later MPI decomposition
 * needs only a halo exchange and that reduction).
 *
 * Pure: no I/O, no globals. Units: m, d, m/d.
 */
#ifndef CORE_GW_H
#define CORE_GW_H

#include "zt.h"

#define CORE_GW_MAX_DRAIN 6

/*
 * One drainage system: per cell a level z (m NAP; NAN where the system is
 * absent), a drainage resistance c (d, > 0) and an infiltration resistance
 * ci (d; INFINITY or NULL array: it never infiltrates). Arrays are borrowed
 * and read at every step, so the caller may change them between steps
 * (ditch levels follow the district water levels; ci is set to INFINITY
 * where a district has no water to give); with keep_inputs, only after
 * core_gw_inputs_changed(). The solver keeps levels, inverse resistances,
 * the deep head, Sy and the surface as float (7 significant digits: 1 um
 * on a level of 10 m NAP); the fluxes are computed from these values, so
 * the balance closes on them.
 */
typedef struct core_gw_drain {
    const char *name;     /* "ditch", "trench", "tile", ... (borrowed) */
    const double *level;  /* z (m NAP) per cell, NAN: absent */
    const double *c;      /* drainage resistance (d) per cell */
    const double *ci;     /* infiltration resistance (d) per cell, or NULL */
} core_gw_drain;

/* The static description of an aquifer (all arrays borrowed, ncell each). */
typedef struct core_gw_model {
    zt_grid g;              /* grid: nx, ny, dx (x0, y0 unused) */
    const uint8_t *mask;    /* enum zt_mask */
    const double *kd;       /* transmissivity (m2/d), >= 0 */
    const double *sy;       /* specific yield (-), > 0 in active cells */
    const double *surface;  /* surface level (m NAP); NULL or NAN: no spill */
    double c_spill;         /* resistance of the spill above the surface (d), > 0; not read
                             * without a surface */
    const double *phi;      /* deep head (m NAP), or NULL: no seepage; NAN: none here */
    const double *cv;       /* vertical resistance to the deep head (d), > 0 where phi */
    int ndrain;             /* number of drainage systems, <= CORE_GW_MAX_DRAIN */
    core_gw_drain drain[CORE_GW_MAX_DRAIN];
} core_gw_model;

/* Solver settings; zero fields take the defaults in brackets. */
typedef struct core_gw_opts {
    double tol_head;     /* bound on the head error (m), accumulated over the steps: every
                          * step's heads within it of the exact run's (docs/model.md
                          * §6.4) [1e-3] */
    double tol_balance;  /* |sum of residuals| / gross flux [1e-8] */
    int max_picard;      /* Picard iterations a step [20] */
    int max_cg;          /* CG iterations a linear solve [2000] */
    int nblock;          /* row blocks of the reductions (fixed, not the thread count) [64] */
    int keep_inputs;     /* 1: Sy, the surface, phi, cv and the drain arrays (level, c, ci)
                          * are read at the first step and again only after
                          * core_gw_inputs_changed() or a change of dt; 0: at every step [0] */
    int full_rows;       /* 1: every pass runs over whole grid rows, not only from the first
                          * to the last cell of a row that is not inactive: the same bytes,
                          * more work (the reference of the tests) [0] */
    int cold_start;      /* 1: every step starts from its start heads, also with keep_inputs
                          * when nothing changed (the same bytes as keep_inputs = 0); 0: such
                          * a step starts from the previous step's end [0] */
} core_gw_opts;

/* What a step did. */
typedef struct core_gw_stats {
    int picard;          /* Picard iterations */
    int cg;              /* CG iterations, all Picard iterations together */
    double head_bound;   /* the stopping rule's bound at the end (m): max |r_i| / gamma_i
                          * (docs/model.md §6.4), <= tol_head */
    double balance_err;  /* sum over active cells of the water-balance error (m3/d) */
    double gross;        /* gross flux (m3/d): sum over active cells of |terms| */
    double fixed_in;     /* net inflow from fixed-head cells into active cells (m3/d) */
    long changed;        /* cells whose drain/spill state changed in the last Picard iteration */
    int assemblies;      /* full assemblies (passes that compute every flux from the heads) */
    int warm_start;      /* 1: the step started from the previous step's end (keep_inputs) */
} core_gw_stats;

/*
 * Fluxes of a step per cell, m/d over the cell area (arrays owned by the
 * caller, ncell each; any may be NULL). Sign: positive = out of the
 * groundwater (drain[k] < 0 is infiltration from system k).
 */
typedef struct core_gw_flux {
    double *drain[CORE_GW_MAX_DRAIN]; /* to system k */
    double *spill;                    /* to the surface, >= 0 */
    double *seepage;                  /* to the deep aquifer (< 0: kwel, upward) */
    double *storage;                  /* Sy (h' - h)/dt, into storage */
    double *lateral;                  /* net lateral outflow to neighbours */
} core_gw_flux;

typedef struct core_gw_solver core_gw_solver; /* opaque */

/*
 * Create a solver for a model (borrowed, must outlive the solver); o may be
 * NULL (defaults). Checks the static model: ZT_EINPUT naming the first bad
 * cell (index, row, column) for a mask other than 0-2, kD < 0 or not finite
 * in a non-inactive cell, Sy <= 0 in an active cell, cv <= 0 where phi is
 * given; and a missing array or c_spill <= 0. Precomputes the face
 * conductances. ZT_ENOMEM when an allocation fails. *out is returned to the
 * caller (NULL on failure).
 */
zt_status core_gw_create(const core_gw_model *m, const core_gw_opts *o, core_gw_solver **out,
                         zt_err *err);

/*
 * One time step of dt days: h holds the heads at the start (fixed-head cells
 * their fixed head; inactive cells are left alone) and gets the heads at the
 * end. recharge (m/d, ncell; may be negative: an abstraction) is the flux
 * into the groundwater. Fills *f (may be NULL; flux arrays are 0 outside
 * active cells) and *st (may be NULL). Threads: the caller's OpenMP thread
 * count (omp_set_num_threads); the result does not depend on it.
 * ZT_EINPUT (naming the cell) for dt <= 0, c <= 0 or ci <= 0 where a system
 * is present, cv <= 0 where phi is given, a non-finite head or recharge;
 * ZT_ENOCONV when CG or Picard does not converge within the limits (the
 * message says which, with the achieved bound); h is then the last iterate.
 * ZT_ENOMEM when the per-thread scratch cannot be allocated.
 */
zt_status core_gw_step(core_gw_solver *s, double dt, const double *recharge, double *h,
                       core_gw_flux *f, core_gw_stats *st, zt_err *err);

/*
 * For a solver made with keep_inputs = 1: the caller has changed Sy, the
 * surface, phi, cv or a drain array (level, c, ci); they are read again at
 * the next step. Without this call such a solver keeps what it read (the
 * groundwater-only mode calls it when a ditch level changes). Cheap; any
 * solver accepts it.
 */
void core_gw_inputs_changed(core_gw_solver *s);

/*
 * For a solver made with keep_inputs = 1: the caller has changed drain
 * system d's arrays (level, c, ci) and nothing else; only they are read
 * again at the next step (the coupled mode moves the ditch levels every
 * day). Ignored for d out of range.
 */
void core_gw_drain_changed(core_gw_solver *s, int d);

/* Free; accepts NULL and *s == NULL; sets *s = NULL. */
void core_gw_destroy(core_gw_solver **s);

#endif /* CORE_GW_H */
