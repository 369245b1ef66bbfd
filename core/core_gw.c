/*
 * core_gw.c: phreatic groundwater, 2-D, implicit in time (DESIGN.md §2;
 * the science is written out in docs/model.md §6, the contract in
 * core_gw.h).
 *
 * Equation per active cell i (everything per unit cell area, m/d), backward
 * Euler with step dt (d), new head x = h' (m NAP), old head h0:
 *
 *   r_i = R_i - L_i - sum_k D_ik - S_i - Q_i - Sy_i (x_i - h0_i)/dt = 0
 *
 *   L_i  = sum_nb C_ij (x_i - x_j)         lateral outflow, C_ij = T_ij/dx^2 (1/d),
 *          T_ij = 2 kD_i kD_j / (kD_i + kD_j)  (harmonic mean, m2/d)
 *   D_ik = (x_i - z_ik)/c_ik   where x_i > z_ik        drainage (m/d)
 *          (x_i - z_ik)/ci_ik  where x_i <= z_ik       infiltration (< 0)
 *   S_i  = (x_i - zs_i)/c_spill where x_i > zs_i       spill (m/d)
 *   Q_i  = (x_i - phi_i)/cv_i                           seepage, out (m/d)
 *
 * A neighbour j that is fixed-head enters with its head x_j (right-hand
 * side); an inactive neighbour has C_ij = 0. For a fixed set of branches
 * (which drains drain, which spill) r(x) = b - A x with A symmetric,
 * diagonally dominant with positive diagonal excess of at least
 *
 *   d_i = Sy_i/dt + 1/cv_i + sum_{j fixed} C_ij
 *
 * (an M-matrix; the drain terms only add to it), so ||x - x*||_inf <=
 * max_i |r_i| / d_i, also for the non-linear equation: the stopping rule
 * (derivation in docs/model.md §6.4). It is solved by a Jacobi-preconditioned
 * conjugate gradient (Hestenes and Stiefel 1952; Saad, Iterative Methods for
 * Sparse Linear Systems, 2nd ed. 2003, Alg. 9.1), matrix-free, from the
 * current head. Picard iterations recompute the branches from the new head
 * until none changes; for infiltration resistances ci >= c the drain terms are
 * convex and this is a semismooth Newton method that converges in a finite
 * number of steps; as a guard, from the fourth assembly on a branch that was
 * on (drainage, spill) stays on for the rest of the step. The step ends when
 * the residual of the non-linear equation (branches from the new head)
 * meets the stopping rule.
 *
 * Performance (docs/performance.md, "Groundwater solver"): one OpenMP
 * parallel region per step; once a step the inverse resistances 1/c, 1/ci,
 * 1/cv are computed (the assembly multiplies); the face conductances and
 * the Jacobi preconditioner 1/diag are stored as float (read-only in the CG
 * passes; the assembly uses the same float conductances, so the operator of
 * CG and of the true residual is one and the same, and symmetric; the
 * rounding of a conductance, 6e-8 relative, is far below what kD is known
 * to [E]); the CG loops are element-wise and vectorised, with the sums
 * in separate loops over a fixed number of partial sums. Each CG iteration
 * makes two passes over memory:
 *   pass 1: p = z + beta p_old (z = r/diag, formed on the fly), q = A p, p.q
 *   pass 2: x += alpha p, r -= alpha q, r.z, max|r|, sum r
 * The rows of the grid are cut into a fixed number of blocks; every sum is
 * taken per block in a fixed order and combined in block order (core_red), so 1
 * and N threads give the same bytes. Each thread walks a contiguous range of
 * blocks and computes the rows of p just outside its range into a private
 * halo buffer, so pass 1 needs no extra barrier.
 *
 * Pure: no I/O, no globals. Units: m, d, m/d, m3/d.
 */
#include "core_gw.h"

#include <assert.h>
#include <float.h>
#include <math.h>
#include <string.h>

#ifdef _OPENMP
#include <omp.h>
#endif

#include "core_red.h"

#define GW_STRIDE 16      /* doubles per block partial (two cache lines) */
#define GW_STICKY_FROM 3  /* Picard assembly from which "on" branches stay on */
#define GW_BIT_SPILL 0x40 /* state bit of the spill; bits 0-5: drain systems */
#define GW_BAD_MARK 256.0 /* added to the branch bits of a cell with a bad c, ci or cv */
#define GW_SCRATCH 12     /* rows of nx doubles per thread (2 halo + 10 scratch) */
/* 1/d_i is stored as float (relative rounding 6e-8); this factor keeps the
 * bound max |r_i| / d_i an upper bound all the same. */
#define GW_BOUND_SAFE (1.0 + 1e-6)

/* Defaults of core_gw_opts [E]: 1 mm on the head is well below what any
 * head observation resolves; 1e-8 of the gross flux makes the daily balance
 * exact for reporting in million m3. */
#define GW_TOL_HEAD 1e-3
#define GW_TOL_BALANCE 1e-8
#define GW_MAX_PICARD 20
#define GW_MAX_CG 2000
#define GW_NBLOCK 64
/* Cells a thread must have at least [E]: below this a step is a few
 * microseconds a pass and the barriers cost more than a thread gains
 * (and far more when the machine is shared and a spinning thread waits for
 * one that was descheduled). The result does not depend on it. */
#define GW_MIN_CELLS_THREAD 16384

/* Values of the assembly pass reduction. */
enum {
    SV_RMAX,    /* max |r_i| (m/d) */
    SV_RSUM,    /* sum r_i (m/d) */
    SV_GROSS,   /* sum of |terms| (m/d) */
    SV_RZ,      /* sum r_i^2 / diag_i */
    SV_BOUND,   /* max |r_i| / d_i (m) */
    SV_CHANGED, /* cells whose branches changed */
    SV_BAD,     /* first bad cell (INFINITY: none) */
    SV_FIXED,   /* sum of inflow from fixed-head neighbours (m/d) */
    SV_SCALE,   /* sum diag_i |x_i|: the size of the terms, for round-off (m/d) */
    SV_SCALEMAX, /* max diag_i |x_i| + |R_i| (m/d) */
    SV_E,       /* sum w_i = 1'A1 over active cells (1/d), the coarse matrix of the deflation */
    SV_S1,      /* sum w_i r_i / diag_i (m/d) */
    SV_S2,      /* sum w_i^2 / diag_i (1/d) */
    SV_N,
    /* not reduced: what is wrong with the block's first bad cell */
    SV_BAD_REASON = SV_N, SV_BAD_SYS, SV_BAD_VALUE
};
_Static_assert(SV_BAD_VALUE < GW_STRIDE, "a block partial holds every value of the assembly");

/* Values of CG pass 1 (all but P1_PQ only in the first iteration, of r'). */
enum { P1_PQ, P1_RZ, P1_RMAX, P1_BOUND, P1_RSUM, P1_N };

/* Values of CG pass 2. */
enum { CV_RZ, CV_RMAX, CV_RSUM, CV_BOUND, CV_WZ, CV_N };

/* Why a cell is bad (the reason goes into the message). */
enum { BAD_NONE, BAD_C, BAD_CI, BAD_CV, BAD_NONFINITE };

struct core_gw_solver {
    const core_gw_model *m; /* borrowed */
    core_gw_opts o;         /* with defaults filled in */
    zt_idx nx, ny, n;       /* columns, rows, cells */
    double area;            /* cell area dx^2 (m2) */
    int nblock;             /* row blocks (fixed) */
    float *ce;              /* conductance of the east face (1/d), n */
    float *cn;              /* conductance of the north face (1/d), n */
    uint8_t *nbfix;         /* bits: neighbour E 1, W 2, N 4, S 8 is fixed-head */
    uint8_t *state;         /* branch bits per cell, see GW_BIT_SPILL */
    double *x;              /* working head (m NAP), n; 0 in inactive cells */
    double *r;              /* residual (m/d), n */
    double *pa, *pb;        /* search directions (m), n each, ping-pong */
    double *q;              /* A p (m/d), n */
    double *diag;           /* diagonal of A (1/d), n; 0 outside active cells */
    float *dinv;            /* 1/diag (d), n; 0 outside active cells */
    double *wdf;            /* w = A 1 in active cells (1/d), n; 0 elsewhere: the deflation
                             * vector (Nicolaides 1987) */
    float *dexi;            /* 1/d_i, the inverse diagonal excess (d), n; 0 outside active
                             * cells: max |r_i| dexi_i bounds the head error (m) */
    double *gdr[CORE_GW_MAX_DRAIN]; /* per step: 1/c (1/d), n each; NaN where c <= 0 */
    double *gin[CORE_GW_MAX_DRAIN]; /* per step: 1/ci (1/d), n each; 0: ci = INFINITY or
                                     * no ci array; NaN where ci <= 0 */
    double *gsp;            /* per step: 1/cv (1/d), n; NaN where cv <= 0; NULL without phi */
    uint8_t *rowfix;        /* per row: 1 if a cell of the row has a fixed-head neighbour */
    double *zero;           /* nx zeros: the rows outside the grid */
    float *fzero;           /* nx zeros: the conductances outside the grid */
    double *halo;           /* GW_SCRATCH rows of nx per thread: 2 halo rows, then row scratch */
    int nhalo;              /* threads the halo has room for */
    double *part;           /* 2 x nblock x GW_STRIDE partials */
};

/* ---- creation ------------------------------------------------------------ */

static zt_status cell_fail(zt_err *err, const core_gw_model *m, zt_idx k, const char *what,
                           double v, const char *unit)
{
    return zt_fail(err, ZT_EINPUT, "groundwater model: cell %lld (row %lld, column %lld): %s = %g %s",
                   (long long)k, (long long)(k / m->g.nx), (long long)(k % m->g.nx), what, v,
                   unit);
}

/* Check the static model; ZT_EINPUT names the first bad cell. */
static zt_status check_model(const core_gw_model *m, zt_err *err)
{
    zt_idx n = zt_grid_ncell(&m->g);
    if (m->g.nx < 1 || m->g.ny < 1 || !(m->g.dx > 0.0) || !isfinite(m->g.dx)) {
        return zt_fail(err, ZT_EINPUT, "groundwater model: bad grid %lld x %lld, dx = %g m",
                       (long long)m->g.nx, (long long)m->g.ny, m->g.dx);
    }
    if (!m->mask || !m->kd || !m->sy) {
        return zt_fail(err, ZT_EINPUT, "groundwater model: mask, kD and Sy are required");
    }
    if (m->ndrain < 0 || m->ndrain > CORE_GW_MAX_DRAIN) {
        return zt_fail(err, ZT_EINPUT, "groundwater model: %d drainage systems (at most %d)",
                       m->ndrain, CORE_GW_MAX_DRAIN);
    }
    for (int s = 0; s < m->ndrain; s++) {
        if (!m->drain[s].level || !m->drain[s].c) {
            return zt_fail(err, ZT_EINPUT,
                           "groundwater model: drainage system %d (%s) has no level or c array",
                           s, m->drain[s].name ? m->drain[s].name : "unnamed");
        }
    }
    if (m->surface && !(m->c_spill > 0.0)) {
        return zt_fail(err, ZT_EINPUT, "groundwater model: c_spill = %g d, must be > 0",
                       m->c_spill);
    }
    if (m->phi && !m->cv) {
        return zt_fail(err, ZT_EINPUT, "groundwater model: phi given without cv");
    }
    for (zt_idx k = 0; k < n; k++) {
        uint8_t mk = m->mask[k];
        if (mk > ZT_MASK_FIXED) {
            return cell_fail(err, m, k, "mask", (double)mk, "(0, 1 or 2 expected)");
        }
        if (mk == ZT_MASK_INACTIVE) {
            continue;
        }
        if (!(m->kd[k] >= 0.0) || !isfinite(m->kd[k])) {
            return cell_fail(err, m, k, "kD", m->kd[k], "m2/d (must be finite and >= 0)");
        }
        if (mk != ZT_MASK_ACTIVE) {
            continue;
        }
        if (!(m->sy[k] > 0.0) || !isfinite(m->sy[k])) {
            return cell_fail(err, m, k, "Sy", m->sy[k], "(must be > 0 in an active cell)");
        }
        if (m->phi && isfinite(m->phi[k]) && !(m->cv[k] > 0.0)) {
            return cell_fail(err, m, k, "cv", m->cv[k], "d (must be > 0 where phi is given)");
        }
    }
    return ZT_OK;
}

/* Harmonic mean of two transmissivities (m2/d); 0 when either is 0. */
static double harmonic(double a, double b)
{
    return a + b > 0.0 ? 2.0 * a * b / (a + b) : 0.0;
}

zt_status core_gw_create(const core_gw_model *m, const core_gw_opts *o, core_gw_solver **out,
                         zt_err *err)
{
    core_gw_solver *s = NULL;
    zt_status st = ZT_OK;
    zt_idx n, nx, ny;

    assert(m && out);
    *out = NULL;
    st = check_model(m, err);
    if (st != ZT_OK) {
        goto done;
    }
    nx = m->g.nx;
    ny = m->g.ny;
    n = nx * ny;
    s = zt_calloc(1, sizeof *s);
    if (!s) {
        st = zt_fail(err, ZT_ENOMEM, "groundwater solver: out of memory");
        goto done;
    }
    s->m = m;
    s->nx = nx;
    s->ny = ny;
    s->n = n;
    s->area = m->g.dx * m->g.dx;
    if (o) {
        s->o = *o;
    }
    if (!(s->o.tol_head > 0.0)) {
        s->o.tol_head = GW_TOL_HEAD;
    }
    if (!(s->o.tol_balance > 0.0)) {
        s->o.tol_balance = GW_TOL_BALANCE;
    }
    if (s->o.max_picard <= 0) {
        s->o.max_picard = GW_MAX_PICARD;
    }
    if (s->o.max_cg <= 0) {
        s->o.max_cg = GW_MAX_CG;
    }
    if (s->o.nblock <= 0) {
        s->o.nblock = GW_NBLOCK;
    }
    s->nblock = (int)(s->o.nblock < ny ? s->o.nblock : ny);

    s->ce = zt_calloc((size_t)n, sizeof *s->ce);
    s->cn = zt_calloc((size_t)n, sizeof *s->cn);
    s->nbfix = zt_calloc((size_t)n, sizeof *s->nbfix);
    s->state = zt_calloc((size_t)n, sizeof *s->state);
    s->x = zt_calloc((size_t)n, sizeof *s->x);
    s->r = zt_calloc((size_t)n, sizeof *s->r);
    s->pa = zt_calloc((size_t)n, sizeof *s->pa);
    s->pb = zt_calloc((size_t)n, sizeof *s->pb);
    s->q = zt_calloc((size_t)n, sizeof *s->q);
    s->diag = zt_calloc((size_t)n, sizeof *s->diag);
    s->dinv = zt_calloc((size_t)n, sizeof *s->dinv);
    s->dexi = zt_calloc((size_t)n, sizeof *s->dexi);
    s->wdf = zt_calloc((size_t)n, sizeof *s->wdf);
    s->zero = zt_calloc((size_t)nx, sizeof *s->zero);
    s->fzero = zt_calloc((size_t)nx, sizeof *s->fzero);
    s->part = zt_calloc((size_t)2 * (size_t)s->nblock * GW_STRIDE, sizeof *s->part);
    s->rowfix = zt_calloc((size_t)ny, sizeof *s->rowfix);
    if (!s->part || !s->rowfix) {
        st = zt_fail(err, ZT_ENOMEM, "groundwater solver: out of memory for %lld cells",
                     (long long)n);
        goto done;
    }
    for (int d = 0; d < m->ndrain; d++) {
        s->gdr[d] = zt_malloc((size_t)n * sizeof *s->gdr[d]);
        s->gin[d] = zt_malloc((size_t)n * sizeof *s->gin[d]);
        if (!s->gdr[d] || !s->gin[d]) {
            st = zt_fail(err, ZT_ENOMEM, "groundwater solver: out of memory for %lld cells",
                         (long long)n);
            goto done;
        }
    }
    if (m->phi) {
        s->gsp = zt_malloc((size_t)n * sizeof *s->gsp);
        if (!s->gsp) {
            st = zt_fail(err, ZT_ENOMEM, "groundwater solver: out of memory for %lld cells",
                         (long long)n);
            goto done;
        }
    }
    if (!s->ce || !s->cn || !s->nbfix || !s->state || !s->x || !s->r || !s->pa || !s->pb ||
        !s->q || !s->diag || !s->dinv || !s->dexi || !s->wdf || !s->zero || !s->fzero || !s->part) {
        st = zt_fail(err, ZT_ENOMEM, "groundwater solver: out of memory for %lld cells",
                     (long long)n);
        goto done;
    }

    /* Face conductances (1/d) once: a face carries flow between two cells
     * that are not inactive and not both fixed. */
    for (zt_idx j = 0; j < ny; j++) {
        for (zt_idx i = 0; i < nx; i++) {
            zt_idx k = j * nx + i;
            uint8_t mk = m->mask[k];
            if (mk == ZT_MASK_INACTIVE) {
                continue;
            }
            if (i + 1 < nx) {
                uint8_t me = m->mask[k + 1];
                if (me != ZT_MASK_INACTIVE && !(mk == ZT_MASK_FIXED && me == ZT_MASK_FIXED)) {
                    s->ce[k] = (float)(harmonic(m->kd[k], m->kd[k + 1]) / s->area);
                    s->nbfix[k] |= me == ZT_MASK_FIXED ? 1 : 0;
                    s->nbfix[k + 1] |= mk == ZT_MASK_FIXED ? 2 : 0;
                }
            }
            if (j + 1 < ny) {
                uint8_t mn = m->mask[k + nx];
                if (mn != ZT_MASK_INACTIVE && !(mk == ZT_MASK_FIXED && mn == ZT_MASK_FIXED)) {
                    s->cn[k] = (float)(harmonic(m->kd[k], m->kd[k + nx]) / s->area);
                    s->nbfix[k] |= mn == ZT_MASK_FIXED ? 4 : 0;
                    s->nbfix[k + nx] |= mk == ZT_MASK_FIXED ? 8 : 0;
                }
            }
        }
    }
    for (zt_idx k = 0; k < n; k++) {
        if (s->nbfix[k]) {
            s->rowfix[k / nx] = 1;
        }
    }
    *out = s;
    s = NULL;
done:
    core_gw_destroy(&s);
    return st;
}

void core_gw_destroy(core_gw_solver **ps)
{
    core_gw_solver *s;
    if (!ps || !*ps) {
        return;
    }
    s = *ps;
    zt_free(s->ce);
    zt_free(s->cn);
    zt_free(s->nbfix);
    zt_free(s->state);
    zt_free(s->x);
    zt_free(s->r);
    zt_free(s->pa);
    zt_free(s->pb);
    zt_free(s->q);
    zt_free(s->diag);
    zt_free(s->dinv);
    zt_free(s->dexi);
    zt_free(s->wdf);
    zt_free(s->zero);
    zt_free(s->fzero);
    zt_free(s->halo);
    zt_free(s->part);
    zt_free(s->rowfix);
    for (int d = 0; d < CORE_GW_MAX_DRAIN; d++) {
        zt_free(s->gdr[d]);
        zt_free(s->gin[d]);
    }
    zt_free(s->gsp);
    zt_free(s);
    *ps = NULL;
}

/* ---- one step -------------------------------------------------------------- */

/* What all threads of a step share (read-only inside the passes, except
 * the outcome fields that thread 0 writes at the end). */
typedef struct step_ctx {
    core_gw_solver *s;
    double dt;               /* d */
    const double *rech;      /* m/d */
    const double *h0;        /* m NAP, the heads at the start */
    core_gw_flux *f;         /* or NULL */
    /* outcome, written by thread 0 */
    zt_status st;
    int noconv;              /* 1: Picard, 2: CG */
    int picard, cg;
    double bound_cg, rsum_cg, tol_r; /* CG failure: bound (m), sum r, tolerance (m/d) */
    double sv[SV_N];
    int bad_reason, bad_sys; /* first bad cell */
    double bad_value;
} step_ctx;

/* First bad cell of a row (the slow path, only when a row has one). */
static void find_bad(const step_ctx *c, zt_idx j, const double *res, double *bad, int *reason,
                     int *rsys, double *rval)
{
    const core_gw_model *m = c->s->m;
    const zt_idx nx = c->s->nx;
    for (zt_idx i = 0; i < nx; i++) {
        const zt_idx k = j * nx + i;
        if (m->mask[k] != ZT_MASK_ACTIVE) {
            continue;
        }
        for (int d = 0; d < m->ndrain; d++) {
            const double z = m->drain[d].level[k], cd = m->drain[d].c[k];
            const double ci = m->drain[d].ci ? m->drain[d].ci[k] : INFINITY;
            if (z == z && (!(cd > 0.0) || !(ci > 0.0))) {
                *bad = (double)k;
                *reason = !(cd > 0.0) ? BAD_C : BAD_CI;
                *rsys = d;
                *rval = !(cd > 0.0) ? cd : ci;
                return;
            }
        }
        if (m->phi && m->phi[k] == m->phi[k] && !(m->cv[k] > 0.0)) {
            *bad = (double)k;
            *reason = BAD_CV;
            *rsys = -1;
            *rval = m->cv[k];
            return;
        }
        if (!isfinite(res[i])) {
            *bad = (double)k;
            *reason = BAD_NONFINITE;
            *rsys = -1;
            *rval = res[i];
            return;
        }
    }
}

/* GCC: -fno-trapping-math lets the row loops below be vectorised (their
 * selects of comparisons); it changes no result, since zoet never enables
 * floating-point traps. */
#if defined(__GNUC__) && !defined(__clang__)
#define GW_VECTORISE __attribute__((optimize("no-trapping-math")))
#else
#define GW_VECTORISE
#endif

/*
 * Once a step, before the first assembly, over rows [j0, j1) of one block:
 * the inverse resistances 1/c, 1/ci and 1/cv (1/d), so that the assembly
 * passes (about 2.4 a step) multiply instead of divide. A resistance that is
 * not > 0 gives NaN, which the assembly reports as a bad cell; INFINITY
 * gives 0 (no exchange).
 */
GW_VECTORISE
static void prepare_rows(const step_ctx *c, zt_idx j0, zt_idx j1)
{
    const core_gw_solver *s = c->s;
    const core_gw_model *m = s->m;
    const zt_idx k0 = j0 * s->nx, k1 = j1 * s->nx;
    for (int d = 0; d < m->ndrain; d++) {
        const double *restrict cd = m->drain[d].c;
        const double *restrict ci = m->drain[d].ci;
        double *restrict gd = s->gdr[d], *restrict gi = s->gin[d];
#pragma omp simd
        for (zt_idx k = k0; k < k1; k++) {
            const double v = cd[k], inv = 1.0 / v; /* d, 1/d */
            gd[k] = v > 0.0 ? inv : NAN;
        }
        if (ci) {
#pragma omp simd
            for (zt_idx k = k0; k < k1; k++) {
                const double v = ci[k], inv = 1.0 / v; /* d, 1/d */
                gi[k] = v > 0.0 ? inv : NAN;
            }
        } else {
            memset(gi + k0, 0, (size_t)(k1 - k0) * sizeof *gi);
        }
    }
    if (m->phi) {
        const double *restrict cv = m->cv;
        double *restrict gv = s->gsp;
#pragma omp simd
        for (zt_idx k = k0; k < k1; k++) {
            const double v = cv[k], inv = 1.0 / v; /* d, 1/d */
            gv[k] = v > 0.0 ? inv : NAN;
        }
    }
}

/*
 * The assembly pass over rows [j0, j1) of one block: branches from x,
 * diag, dinv, the true residual r, optionally the fluxes; partials into pv.
 * Each row is done in short loops over the row that the compiler
 * vectorises (omp simd; element-wise, so the bytes do not depend on it),
 * with per-row scratch (`w`, 7 nx doubles of the calling thread), and one
 * plain loop for the sums, in cell order.
 */
GW_VECTORISE
static void assemble_rows(const step_ctx *c, zt_idx j0, zt_idx j1, int sticky, int fluxes,
                          double *w, double *pv)
{
    const core_gw_solver *s = c->s;
    const core_gw_model *m = s->m;
    const zt_idx nx = s->nx;
    const int nd = m->ndrain;
    const double rdt = 1.0 / c->dt;          /* 1/d */
    const double cspl_on = 1.0 / m->c_spill; /* 1/d */
    double *restrict lat = w;                /* lateral outflow (m/d) */
    double *restrict cdg = w + nx;           /* diagonal (1/d) */
    double *restrict out = w + 2 * nx;       /* drains + spill + seepage (m/d) */
    double *restrict gro = w + 3 * nx;       /* |terms| (m/d) */
    double *restrict dex = w + 4 * nx;       /* diagonal excess (1/d) */
    double *restrict fin = w + 5 * nx;       /* inflow from fixed cells (m/d) */
    double *restrict nowd = w + 6 * nx;      /* new branch bits, as a sum of powers of 2 */
    double *restrict actd = w + 7 * nx;      /* 1 in active cells, else 0 */
    double *restrict trash = w + 8 * nx;     /* fluxes nobody asked for */
    double *restrict cnd = w + 9 * nx;       /* drain and spill conductances (1/d) */
    double rmax = 0.0, rsum = 0.0, gross = 0.0, rz = 0.0, bound = 0.0;
    double esum = 0.0, s1 = 0.0, s2 = 0.0;
    double changed = 0.0, bad = INFINITY, fixed = 0.0, scale = 0.0, scalemax = 0.0;
    int reason = BAD_NONE, rsys = -1;
    double rval = 0.0;

    for (zt_idx j = j0; j < j1; j++) {
        const zt_idx o = j * nx;
        const uint8_t *restrict mask = m->mask + o;
        const uint8_t *restrict nbfix = s->nbfix + o;
        uint8_t *restrict state = s->state + o;
        const double *restrict xc = s->x + o;
        const double *restrict xs = j > 0 ? xc - nx : s->zero;
        const double *restrict xn = j + 1 < s->ny ? xc + nx : s->zero;
        const float *restrict ce = s->ce + o, *restrict cn = s->cn + o;
        const float *restrict cs = j > 0 ? s->cn + o - nx : s->fzero;
        const double *restrict sy = m->sy + o, *restrict h0 = c->h0 + o;
        const double *restrict rech = c->rech + o;
        double *restrict r = s->r + o, *restrict diag = s->diag + o;
        float *restrict dinv = s->dinv + o, *restrict dexi = s->dexi + o;
        double *restrict wdf = s->wdf + o;
        int rowbad = 0;

        /* lateral flow (north and south faces here, west and east below) and storage */
#pragma omp simd
        for (zt_idx i = 0; i < nx; i++) {
            const double xk = xc[i];
            const double sdt = sy[i] * rdt;         /* 1/d */
            const double stor = sdt * (xk - h0[i]); /* m/d */
            lat[i] = cn[i] * (xk - xn[i]) + cs[i] * (xk - xs[i]);
            cdg[i] = sdt + cn[i] + cs[i];
            dex[i] = sdt;
            out[i] = stor;
            gro[i] = fabs(rech[i]) + fabs(stor);
            nowd[i] = 0.0;
            cnd[i] = 0.0;
            actd[i] = mask[i] == ZT_MASK_ACTIVE ? 1.0 : 0.0;
        }
#pragma omp simd
        for (zt_idx i = 1; i < nx - 1; i++) {
            const double xk = xc[i];
            lat[i] += ce[i] * (xk - xc[i + 1]) + ce[i - 1] * (xk - xc[i - 1]);
            cdg[i] += ce[i] + ce[i - 1];
        }
        if (nx > 1) { /* the west and east edges: one face each (ce[nx-1] = 0) */
            lat[0] += ce[0] * (xc[0] - xc[1]);
            cdg[0] += ce[0];
            lat[nx - 1] += ce[nx - 2] * (xc[nx - 1] - xc[nx - 2]);
            cdg[nx - 1] += ce[nx - 2];
        }
        /* the faces to fixed-head cells (few cells, in few rows) */
        memset(fin, 0, (size_t)nx * sizeof *fin);
        for (zt_idx i = 0; s->rowfix[j] && i < nx; i++) {
            const uint8_t fb = nbfix[i];
            if (fb && mask[i] == ZT_MASK_ACTIVE) {
                const double xk = xc[i];
                double f = 0.0, cf = 0.0;
                if (fb & 1) {
                    f += ce[i] * (xc[i + 1] - xk);
                    cf += ce[i];
                }
                if (fb & 2) {
                    f += ce[i - 1] * (xc[i - 1] - xk);
                    cf += ce[i - 1];
                }
                if (fb & 4) {
                    f += cn[i] * (xn[i] - xk);
                    cf += cn[i];
                }
                if (fb & 8) {
                    f += cs[i] * (xs[i] - xk);
                    cf += cs[i];
                }
                fin[i] = f;
                dex[i] += cf;
                gro[i] += fabs(f);
            }
        }
        /* drainage systems: drainage above z, infiltration below; branch-free
         * and vectorised, except when branches stick (Picard guard) */
        for (int d = 0; d < nd; d++) {
            const double *restrict lev = m->drain[d].level + o;
            const double *restrict gdp = s->gdr[d] + o; /* 1/c (1/d) */
            const double *restrict gip = s->gin[d] + o; /* 1/ci (1/d) */
            double *restrict fd = fluxes && c->f->drain[d] ? c->f->drain[d] + o : trash;
            const double dbit = (double)(1u << d);
            if (!sticky) {
                /* every load and division unconditional, then selects, so the
                 * loop vectorises (the division of an absent cell is discarded) */
#pragma omp simd
                for (zt_idx i = 0; i < nx; i++) {
                    const double z = lev[i], xk = xc[i], g_d = gdp[i], g_i = gip[i], a = actd[i];
                    /* arithmetic first, selects of values after (-ftrapping-math
                     * forbids the compiler to move arithmetic out of a branch) */
                    const double pres = z == z ? a : 0.0;
                    const double inv = xk > z ? g_d : g_i;       /* 1/d */
                    const double cond = pres > 0.0 ? inv : 0.0;  /* 1/d */
                    const double dh = xk - z;                    /* m */
                    const double fl0 = cond * dh;                /* m/d (NaN when absent) */
                    const double fl = pres > 0.0 ? fl0 : 0.0;    /* m/d */
                    const double onb = pres * dbit;
                    const double okc = g_d >= 0.0 ? (g_i >= 0.0 ? 0.0 : GW_BAD_MARK) : GW_BAD_MARK;
                    const double badm = pres * okc;
                    nowd[i] += (xk > z ? onb : 0.0) + badm;
                    out[i] += fl;
                    gro[i] += fabs(fl);
                    cdg[i] += cond;
                    cnd[i] += cond;
                    fd[i] = fl;
                }
            } else {
                const uint8_t bit = (uint8_t)(1u << d);
                for (zt_idx i = 0; i < nx; i++) {
                    const double z = lev[i], xk = xc[i], g_d = gdp[i], g_i = gip[i];
                    const int pres = z == z && mask[i] == ZT_MASK_ACTIVE;
                    const int on = xk > z || (state[i] & bit);
                    const double cond = pres ? (on ? g_d : g_i) : 0.0;
                    const double fl = pres ? cond * (xk - z) : 0.0;
                    nowd[i] += (pres && on ? dbit : 0.0) +
                               (pres && !(g_d >= 0.0 && g_i >= 0.0) ? GW_BAD_MARK : 0.0);
                    out[i] += fl;
                    gro[i] += fabs(fl);
                    cdg[i] += cond;
                    cnd[i] += cond;
                    fd[i] = fl;
                }
            }
        }
        /* spill above the surface */
        if (m->surface) {
            const double *restrict zs = m->surface + o;
            double *restrict fsp = fluxes && c->f->spill ? c->f->spill + o : trash;
            const double dbit = (double)GW_BIT_SPILL;
            if (!sticky) {
#pragma omp simd
                for (zt_idx i = 0; i < nx; i++) {
                    const double xk = xc[i], z = zs[i], a = actd[i];
                    const double on = xk > z ? a : 0.0;
                    const double cond = on * cspl_on;
                    const double fl = cond * (xk - z);
                    nowd[i] += on * dbit;
                    out[i] += fl;
                    gro[i] += fabs(fl);
                    cdg[i] += cond;
                    cnd[i] += cond;
                    fsp[i] = fl;
                }
            } else {
                for (zt_idx i = 0; i < nx; i++) {
                    const int on = mask[i] == ZT_MASK_ACTIVE &&
                                   (xc[i] > zs[i] || (state[i] & GW_BIT_SPILL));
                    const double cond = on ? cspl_on : 0.0;
                    const double fl = cond * (xc[i] - zs[i]);
                    nowd[i] += on ? dbit : 0.0;
                    out[i] += fl;
                    gro[i] += fabs(fl);
                    cdg[i] += cond;
                    cnd[i] += cond;
                    fsp[i] = fl;
                }
            }
        } else if (fluxes && c->f->spill) {
            memset(c->f->spill + o, 0, (size_t)nx * sizeof(double));
        }
        /* seepage to the deep head */
        if (m->phi) {
            const double *restrict ph = m->phi + o, *restrict gv = s->gsp + o;
            double *restrict fse = fluxes && c->f->seepage ? c->f->seepage + o : trash;
#pragma omp simd
            for (zt_idx i = 0; i < nx; i++) {
                const double p = ph[i], inv = gv[i], xk = xc[i], a = actd[i]; /* 1/d */
                const double pres = p == p ? a : 0.0;
                const double cond = pres > 0.0 ? inv : 0.0;
                const double dh = xk - p;
                const double fl0 = cond * dh;
                const double fl = pres > 0.0 ? fl0 : 0.0;
                const double badm = pres * GW_BAD_MARK;
                nowd[i] += inv >= 0.0 ? 0.0 : badm;
                out[i] += fl;
                gro[i] += fabs(fl);
                cdg[i] += cond;
                dex[i] += cond;
                fse[i] = fl;
            }
        } else if (fluxes && c->f->seepage) {
            memset(c->f->seepage + o, 0, (size_t)nx * sizeof(double));
        }
        /* residual, diagonal, preconditioner; outside active cells zero */
#pragma omp simd
        for (zt_idx i = 0; i < nx; i++) {
            const double res = rech[i] - lat[i] - out[i], a = actd[i], g = cdg[i];
            const double inv = 1.0 / g, einv = GW_BOUND_SAFE / dex[i];
            r[i] = a > 0.0 ? res : 0.0;
            diag[i] = a > 0.0 ? g : 0.0;
            dinv[i] = (float)(a > 0.0 ? inv : 0.0);
            dexi[i] = (float)(a > 0.0 ? einv : 0.0);
            wdf[i] = a > 0.0 ? dex[i] + cnd[i] : 0.0;
        }
        if (fluxes && c->f->storage) {
            double *restrict fst = c->f->storage + o;
#pragma omp simd
            for (zt_idx i = 0; i < nx; i++) {
                const double v = sy[i] * rdt * (xc[i] - h0[i]);
                fst[i] = actd[i] > 0.0 ? v : 0.0;
            }
        }
        if (fluxes && c->f->lateral) {
            double *restrict fla = c->f->lateral + o;
#pragma omp simd
            for (zt_idx i = 0; i < nx; i++) {
                const double v = lat[i];
                fla[i] = actd[i] > 0.0 ? v : 0.0;
            }
        }
        for (int d = nd; fluxes && d < CORE_GW_MAX_DRAIN; d++) {
            if (c->f->drain[d]) {
                memset(c->f->drain[d] + o, 0, (size_t)nx * sizeof(double));
            }
        }
        /* the sums of the row, in cell order */
        double row_rsum = 0.0, row_gross = 0.0, row_rz = 0.0, row_fixed = 0.0, row_scale = 0.0;
        double row_e = 0.0, row_s1 = 0.0, row_s2 = 0.0;
        for (zt_idx i = 0; i < nx; i++) {
            if (mask[i] != ZT_MASK_ACTIVE) {
                continue;
            }
            const double res = r[i], ar = fabs(res);
            rowbad |= !(ar <= DBL_MAX);
            rowbad |= nowd[i] >= GW_BAD_MARK;
            const uint8_t now = nowd[i] < GW_BAD_MARK ? (uint8_t)nowd[i] : 0;
            changed += now != state[i] ? 1.0 : 0.0;
            state[i] = now;
            rmax = ar > rmax ? ar : rmax;
            row_rsum += res;
            row_gross += gro[i];
            row_rz += res * res * dinv[i];
            const double wi = wdf[i], wd = wi * (double)dinv[i];
            row_e += wi;
            row_s1 += wd * res;
            row_s2 += wd * wi;
            row_fixed += fin[i];
            const double sc = cdg[i] * fabs(xc[i]) + fabs(rech[i]);
            row_scale += sc;
            scalemax = sc > scalemax ? sc : scalemax;
            if (ar > bound * dex[i]) {
                bound = ar / dex[i];
            }
        }
        if (rowbad && !isfinite(bad)) {
            find_bad(c, j, r, &bad, &reason, &rsys, &rval);
        }
        rsum += row_rsum;
        gross += row_gross;
        rz += row_rz;
        fixed += row_fixed;
        scale += row_scale;
        esum += row_e;
        s1 += row_s1;
        s2 += row_s2;
    }
    pv[SV_RMAX] = rmax;
    pv[SV_RSUM] = rsum;
    pv[SV_GROSS] = gross;
    pv[SV_RZ] = rz;
    pv[SV_BOUND] = bound;
    pv[SV_CHANGED] = changed;
    pv[SV_BAD] = bad;
    pv[SV_FIXED] = fixed;
    pv[SV_SCALE] = scale;
    pv[SV_SCALEMAX] = scalemax;
    pv[SV_E] = esum;
    pv[SV_S1] = s1;
    pv[SV_S2] = s2;
    pv[SV_BAD_REASON] = reason;
    pv[SV_BAD_SYS] = rsys;
    pv[SV_BAD_VALUE] = rval;
}

static const core_red_op sv_ops[SV_N] = {
    CORE_RED_MAX, CORE_RED_SUM, CORE_RED_SUM, CORE_RED_SUM, CORE_RED_MAX, CORE_RED_SUM,
    CORE_RED_MIN, CORE_RED_SUM, CORE_RED_SUM, CORE_RED_MAX, CORE_RED_SUM, CORE_RED_SUM,
    CORE_RED_SUM};
static const core_red_op pq_ops[P1_N] = {CORE_RED_SUM, CORE_RED_SUM, CORE_RED_MAX, CORE_RED_MAX,
                                         CORE_RED_SUM};
static const core_red_op cv_ops[CV_N] = {CORE_RED_SUM, CORE_RED_MAX, CORE_RED_SUM,
                                         CORE_RED_MAX, CORE_RED_SUM};

/* The deflated search direction on cells [0, len) of a row (Saad, Yeung,
 * Erhel and Guyomarc'h 2000, Alg. 3.1, with Z the active cells' indicator):
 * p = z - mu + beta p_old in active cells, 0 elsewhere, where z = dinv r'
 * and r' = r - delta w (delta != 0 only in the first iteration, where it
 * removes the residual's sum; r itself is updated in pass 2, so that the
 * neighbours' halo rows read the same r). Element-wise, so vectorising it
 * changes no byte. */
GW_VECTORISE
static inline void new_direction(const double *restrict r, const float *restrict dinv,
                                 const double *restrict wdf, double delta, double mu,
                                 const double *restrict pold, double beta, double *restrict p,
                                 zt_idx len)
{
    if (beta == 0.0) {
#pragma omp simd
        for (zt_idx i = 0; i < len; i++) {
            const double d = dinv[i], rr = r[i] - delta * wdf[i], pz = rr * d - mu;
            p[i] = d > 0.0 ? pz : 0.0;
        }
    } else {
#pragma omp simd
        for (zt_idx i = 0; i < len; i++) {
            const double d = dinv[i], pz = r[i] * d - mu + beta * pold[i];
            p[i] = d > 0.0 ? pz : 0.0;
        }
    }
}

/* The start residual r' = r - delta w of a row: adds r'.z, max |r'|,
 * max |r'|/d_i and sum r' to acc[P1_RZ..P1_RSUM], each in four partial sums
 * over i mod 4 (a fixed order). */
static void row_start(const double *restrict r, const float *restrict dinv,
                      const float *restrict ei, const double *restrict wdf, double delta,
                      zt_idx nx, double *acc)
{
    double z[4] = {0.0}, m[4] = {0.0}, b[4] = {0.0}, u[4] = {0.0};
    zt_idx i;
    for (i = 0; i + 4 <= nx; i += 4) {
        for (int l = 0; l < 4; l++) {
            const double rr = r[i + l] - delta * wdf[i + l], fa = fabs(rr);
            const double ea = fa * (double)ei[i + l];
            z[l] += rr * rr * (double)dinv[i + l];
            m[l] = fa > m[l] ? fa : m[l];
            b[l] = ea > b[l] ? ea : b[l];
            u[l] += rr;
        }
    }
    for (; i < nx; i++) {
        const double rr = r[i] - delta * wdf[i], fa = fabs(rr), ea = fa * (double)ei[i];
        z[0] += rr * rr * (double)dinv[i];
        m[0] = fa > m[0] ? fa : m[0];
        b[0] = ea > b[0] ? ea : b[0];
        u[0] += rr;
    }
    acc[P1_RZ] += (z[0] + z[1]) + (z[2] + z[3]);
    acc[P1_RMAX] = fmax(acc[P1_RMAX], fmax(fmax(m[0], m[1]), fmax(m[2], m[3])));
    acc[P1_BOUND] = fmax(acc[P1_BOUND], fmax(fmax(b[0], b[1]), fmax(b[2], b[3])));
    acc[P1_RSUM] += (u[0] + u[1]) + (u[2] + u[3]);
}

/* q = A p on one row and its p.q, from the rows of p south, centre and north
 * (pointers may be to halo buffers or the zero row). q element-wise in a
 * loop the compiler vectorises; p.q in four partial sums over i mod 4, then
 * ((a0 + a1) + (a2 + a3)): a fixed order, whatever the thread count. */
GW_VECTORISE
static inline double row_apply(const double *restrict diag, const float *restrict ce,
                               const float *restrict cn, const float *restrict cs,
                               const double *restrict ps, const double *restrict pc,
                               const double *restrict pn, double *restrict q, zt_idx nx)
{
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    zt_idx i;
    if (nx == 1) {
        q[0] = diag[0] * pc[0] - cn[0] * pn[0] - cs[0] * ps[0];
        return pc[0] * q[0];
    }
    /* the west and east edges: one face each (ce[nx-1] = 0) */
    q[0] = diag[0] * pc[0] - cn[0] * pn[0] - cs[0] * ps[0] - ce[0] * pc[1];
    q[nx - 1] = diag[nx - 1] * pc[nx - 1] - cn[nx - 1] * pn[nx - 1] - cs[nx - 1] * ps[nx - 1] -
                ce[nx - 2] * pc[nx - 2];
#pragma omp simd
    for (i = 1; i < nx - 1; i++) {
        q[i] = diag[i] * pc[i] - (double)ce[i] * pc[i + 1] - (double)ce[i - 1] * pc[i - 1] -
               (double)cn[i] * pn[i] - (double)cs[i] * ps[i];
    }
    for (i = 0; i + 4 <= nx; i += 4) {
        a0 += pc[i] * q[i];
        a1 += pc[i + 1] * q[i + 1];
        a2 += pc[i + 2] * q[i + 2];
        a3 += pc[i + 3] * q[i + 3];
    }
    double tail = 0.0;
    for (; i < nx; i++) {
        tail += pc[i] * q[i];
    }
    return ((a0 + a1) + (a2 + a3)) + tail;
}

/* Pass 2 of a CG iteration on cells [k0, k1): x += alpha p + delta,
 * r -= delta w + alpha q (not in cells with dinv = 0: q is not zero in a
 * fixed cell next to an active one; delta != 0 only in the first iteration,
 * the deflation's start), element-wise and vectorised; then r.z, max |r|,
 * sum r, max |r|/d_i and w.z in four partial sums over k mod 4 (a fixed
 * order). */
GW_VECTORISE
static void cg_update(double alpha, double delta, const double *restrict p,
                      const double *restrict q, const float *restrict di,
                      const float *restrict ei, const double *restrict wdf, double *restrict x,
                      double *restrict r, zt_idx k0, zt_idx k1, double *pv)
{
    double z[4] = {0.0}, m[4] = {0.0}, u[4] = {0.0}, b[4] = {0.0}, v[4] = {0.0};
    zt_idx k;
    if (delta != 0.0) {
#pragma omp simd
        for (k = k0; k < k1; k++) {
            const double d = di[k], rk = r[k], upd = rk - delta * wdf[k] - alpha * q[k];
            const double xn = x[k] + (alpha * p[k] + delta);
            x[k] = d > 0.0 ? xn : x[k];
            r[k] = d > 0.0 ? upd : rk;
        }
    } else {
#pragma omp simd
        for (k = k0; k < k1; k++) {
            const double d = di[k], rk = r[k], upd = rk - alpha * q[k];
            x[k] += alpha * p[k];
            r[k] = d > 0.0 ? upd : rk;
        }
    }
    for (k = k0; k + 4 <= k1; k += 4) {
        for (int l = 0; l < 4; l++) {
            const double ra = r[k + l], d = di[k + l], fa = fabs(ra);
            const double ea = fa * (double)ei[k + l];
            z[l] += ra * ra * d;
            m[l] = fa > m[l] ? fa : m[l];
            b[l] = ea > b[l] ? ea : b[l];
            u[l] += ra;
            v[l] += wdf[k + l] * d * ra;
        }
    }
    for (; k < k1; k++) {
        const double ra = r[k], d = di[k], fa = fabs(ra), ea = fa * (double)ei[k];
        z[0] += ra * ra * d;
        m[0] = fa > m[0] ? fa : m[0];
        b[0] = ea > b[0] ? ea : b[0];
        u[0] += ra;
        v[0] += wdf[k] * d * ra;
    }
    pv[CV_RZ] = (z[0] + z[1]) + (z[2] + z[3]);
    pv[CV_RMAX] = fmax(fmax(m[0], m[1]), fmax(m[2], m[3]));
    pv[CV_RSUM] = (u[0] + u[1]) + (u[2] + u[3]);
    pv[CV_BOUND] = fmax(fmax(b[0], b[1]), fmax(b[2], b[3]));
    pv[CV_WZ] = (v[0] + v[1]) + (v[2] + v[3]);
}

/* The CG passes and the Picard loop, run by every thread of the region. */
static void step_thread(step_ctx *c)
{
    core_gw_solver *s = c->s;
    const zt_idx nx = s->nx, ny = s->ny;
    const int nb = s->nblock;
    int t = 0, nt = 1, b0, b1, flip = 0;
    const int want_flux = c->f != NULL;
    double sv[SV_N], cv[CV_N], pq;
    int picard = 0, ncg = 0;
    zt_status st = ZT_OK;
    int bad_reason = BAD_NONE, bad_sys = -1, noconv = 0;
    double bad_value = 0.0, bound_cg = 0.0, rsum_cg = 0.0, tol_cg = 0.0;

#ifdef _OPENMP
    t = omp_get_thread_num();
    nt = omp_get_num_threads();
#endif
    core_red_share(nb, nt, t, &b0, &b1);
    zt_idx J0 = 0, J1 = 0, jtmp;
    if (b0 < b1) {
        core_red_rows(ny, nb, b0, &J0, &jtmp);
        core_red_rows(ny, nb, b1 - 1, &jtmp, &J1);
    }
    double *hs = s->halo + (size_t)GW_SCRATCH * (size_t)t * (size_t)nx;
    double *hn = hs + nx;

    for (int b = b0; b < b1; b++) {
        zt_idx j0, j1;
        core_red_rows(ny, nb, b, &j0, &j1);
        prepare_rows(c, j0, j1);
    }
    for (int it = 0;; it++) {
        int fluxes = want_flux && it > 0;
        /* assembly */
        double *part = s->part + (size_t)flip * (size_t)nb * GW_STRIDE;
        for (int b = b0; b < b1; b++) {
            zt_idx j0, j1;
            core_red_rows(ny, nb, b, &j0, &j1);
            assemble_rows(c, j0, j1, it >= GW_STICKY_FROM, fluxes, hs + 2 * nx,
                          part + (size_t)b * GW_STRIDE);
        }
#pragma omp barrier
        core_red_combine(part, nb, GW_STRIDE, SV_N, sv_ops, sv);
        flip ^= 1;
        if (isfinite(sv[SV_BAD])) {
            /* the first block that holds the first bad cell says what is wrong */
            for (int b = 0; b < nb; b++) {
                const double *pv = part + (size_t)b * GW_STRIDE;
                if (pv[SV_BAD] == sv[SV_BAD]) {
                    bad_reason = (int)pv[SV_BAD_REASON];
                    bad_sys = (int)pv[SV_BAD_SYS];
                    bad_value = pv[SV_BAD_VALUE];
                    break;
                }
            }
            st = ZT_EINPUT;
            break;
        }
        /* Tolerances with a floor at the round-off of the terms: a residual
         * of 64 eps times the largest term is exact to round-off. */
        const double tol_r = fmax(s->o.tol_balance * sv[SV_GROSS], 1e-14 * sv[SV_SCALE]);
        const double rfloor = 64.0 * DBL_EPSILON * sv[SV_SCALEMAX];
        const int conv = (sv[SV_BOUND] <= s->o.tol_head || sv[SV_RMAX] <= rfloor) &&
                         fabs(sv[SV_RSUM]) <= tol_r;
        if (conv) {
            if (want_flux && !fluxes) {
                /* converged at the starting head: one more pass for the fluxes */
                continue;
            }
            break;
        }
        if (picard >= s->o.max_picard) {
            st = ZT_ENOCONV;
            noconv = 1;
            break;
        }
        picard++;
        /* Deflated CG from the residual of the assembly: first x += delta
         * (active cells) takes the sum out of r, then every direction is
         * kept A-orthogonal to the uniform vector, so sum r stays 0 to
         * round-off and the water balance closes at every iteration */
        const double esum = sv[SV_E];
        const double delta0 = esum > 0.0 ? sv[SV_RSUM] / esum : 0.0;
        double mu = esum > 0.0 ? (sv[SV_S1] - delta0 * sv[SV_S2]) / esum : 0.0;
        double rz = 0.0, beta = 0.0, delta = delta0, pv1[P1_N];
        double *pold = s->pa, *p = s->pb;
        int k_it = 0, cg_ok = 0;
        for (k_it = 0; k_it < s->o.max_cg; k_it++) {
            /* pass 1: p = z - mu + beta p_old, q = A p, p.q (and r'.z in the first) */
            part = s->part + (size_t)flip * (size_t)nb * GW_STRIDE;
            if (b0 < b1) {
                if (J0 > 0) {
                    zt_idx o = (J0 - 1) * nx;
                    new_direction(s->r + o, s->dinv + o, s->wdf + o, delta, mu, pold + o, beta,
                                  hs, nx);
                }
                if (J1 < ny) {
                    zt_idx o = J1 * nx;
                    new_direction(s->r + o, s->dinv + o, s->wdf + o, delta, mu, pold + o, beta,
                                  hn, nx);
                }
                new_direction(s->r + J0 * nx, s->dinv + J0 * nx, s->wdf + J0 * nx, delta, mu,
                              pold + J0 * nx, beta, p + J0 * nx, nx);
                for (int b = b0; b < b1; b++) {
                    zt_idx j0, j1;
                    double acc[P1_N] = {0.0};
                    core_red_rows(ny, nb, b, &j0, &j1);
                    for (zt_idx j = j0; j < j1; j++) {
                        zt_idx o = j * nx;
                        if (j + 1 < J1) {
                            new_direction(s->r + o + nx, s->dinv + o + nx, s->wdf + o + nx, delta,
                                          mu, pold + o + nx, beta, p + o + nx, nx);
                        }
                        const double *ps = j == J0 ? (J0 > 0 ? hs : s->zero) : p + o - nx;
                        const double *pn = j == J1 - 1 ? (J1 < ny ? hn : s->zero) : p + o + nx;
                        const float *cs = j > 0 ? s->cn + o - nx : s->fzero;
                        acc[P1_PQ] += row_apply(s->diag + o, s->ce + o, s->cn + o, cs, ps,
                                                p + o, pn, s->q + o, nx);
                        if (k_it == 0) {
                            row_start(s->r + o, s->dinv + o, s->dexi + o, s->wdf + o, delta, nx,
                                      acc);
                        }
                    }
                    memcpy(part + (size_t)b * GW_STRIDE, acc, sizeof acc);
                }
            }
#pragma omp barrier
            core_red_combine(part, nb, GW_STRIDE, P1_N, pq_ops, pv1);
            flip ^= 1;
            pq = pv1[P1_PQ];
            if (k_it == 0) {
                rz = pv1[P1_RZ];
                /* the start may already meet the stopping rule (a residual
                 * at round-off gives no direction worth a step) */
                cg_ok = (pv1[P1_BOUND] <= s->o.tol_head || pv1[P1_RMAX] <= rfloor) &&
                        fabs(pv1[P1_RSUM]) <= tol_r;
            }
            if (cg_ok || !(pq > 0.0) || !(rz > 0.0)) {
                /* converged at the start, p = 0 (exact solution) or a
                 * breakdown; the assembly decides, after the deflation's
                 * start is applied */
                if (delta != 0.0) {
                    for (int b = b0; b < b1; b++) {
                        zt_idx j0, j1;
                        core_red_rows(ny, nb, b, &j0, &j1);
                        for (zt_idx k = j0 * nx; k < j1 * nx; k++) {
                            s->x[k] += s->dinv[k] > 0.0f ? delta : 0.0;
                        }
                    }
#pragma omp barrier
                }
                break;
            }
            const double alpha = rz / pq;
            /* pass 2: x += alpha p, r -= alpha q, r.z, max |r|, sum r, w.z */
            part = s->part + (size_t)flip * (size_t)nb * GW_STRIDE;
            for (int b = b0; b < b1; b++) {
                zt_idx j0, j1;
                core_red_rows(ny, nb, b, &j0, &j1);
                cg_update(alpha, delta, p, s->q, s->dinv, s->dexi, s->wdf, s->x, s->r, j0 * nx,
                          j1 * nx, part + (size_t)b * GW_STRIDE);
            }
#pragma omp barrier
            core_red_combine(part, nb, GW_STRIDE, CV_N, cv_ops, cv);
            flip ^= 1;
            delta = 0.0;
            beta = cv[CV_RZ] / rz;
            rz = cv[CV_RZ];
            mu = esum > 0.0 ? cv[CV_WZ] / esum : 0.0;
            {
                double *tmp = pold;
                pold = p;
                p = tmp;
            }
            if ((cv[CV_BOUND] <= s->o.tol_head || cv[CV_RMAX] <= rfloor) &&
                fabs(cv[CV_RSUM]) <= tol_r) {
                cg_ok = 1;
                k_it++;
                break;
            }
        }
        ncg += k_it;
        if (!cg_ok && k_it >= s->o.max_cg) {
            st = ZT_ENOCONV;
            noconv = 2;
            bound_cg = cv[CV_BOUND];
            rsum_cg = cv[CV_RSUM];
            tol_cg = tol_r;
            break;
        }
    }
    if (t == 0) {
        c->st = st;
        c->picard = picard;
        c->cg = ncg;
        memcpy(c->sv, sv, sizeof sv);
        c->noconv = noconv;
        c->bound_cg = bound_cg;
        c->rsum_cg = rsum_cg;
        c->tol_r = tol_cg;
        c->bad_reason = bad_reason;
        c->bad_sys = bad_sys;
        c->bad_value = bad_value;
    }
}

zt_status core_gw_step(core_gw_solver *s, double dt, const double *recharge, double *h,
                       core_gw_flux *f, core_gw_stats *st, zt_err *err)
{
    const core_gw_model *m;
    step_ctx c;
    int nt = 1;

    assert(s && recharge && h);
    m = s->m;
    if (st) {
        memset(st, 0, sizeof *st);
    }
    if (!(dt > 0.0) || !isfinite(dt)) {
        return zt_fail(err, ZT_EINPUT, "groundwater step: dt = %g d, must be > 0", dt);
    }
#ifdef _OPENMP
    nt = omp_get_max_threads();
#endif
    if (nt > s->nblock) {
        nt = s->nblock;
    }
    if ((zt_idx)nt > s->n / GW_MIN_CELLS_THREAD) {
        nt = s->n / GW_MIN_CELLS_THREAD > 1 ? (int)(s->n / GW_MIN_CELLS_THREAD) : 1;
    }
    if (nt > s->nhalo) {
        double *hb = zt_calloc((size_t)GW_SCRATCH * (size_t)nt * (size_t)s->nx, sizeof *hb);
        if (!hb) {
            return zt_fail(err, ZT_ENOMEM, "groundwater step: out of memory for %d threads", nt);
        }
        zt_free(s->halo);
        s->halo = hb;
        s->nhalo = nt;
    }
    for (zt_idx k = 0; k < s->n; k++) {
        s->x[k] = m->mask[k] != ZT_MASK_INACTIVE ? h[k] : 0.0;
    }
    memset(&c, 0, sizeof c);
    c.s = s;
    c.dt = dt;
    c.rech = recharge;
    c.h0 = h;
    c.f = f;
#pragma omp parallel num_threads(nt) default(none) shared(c)
    step_thread(&c);

    for (zt_idx k = 0; k < s->n; k++) {
        if (m->mask[k] == ZT_MASK_ACTIVE) {
            h[k] = s->x[k];
        }
    }
    if (st) {
        st->picard = c.picard;
        st->cg = c.cg;
        st->head_bound = c.sv[SV_BOUND];
        st->balance_err = c.sv[SV_RSUM] * s->area;
        st->gross = c.sv[SV_GROSS] * s->area;
        st->fixed_in = c.sv[SV_FIXED] * s->area;
        st->changed = (long)c.sv[SV_CHANGED];
    }
    if (c.st == ZT_EINPUT) {
        zt_idx k = (zt_idx)c.sv[SV_BAD];
        static const char *const what[] = {"", "drainage resistance c", "infiltration resistance ci",
                                           "seepage resistance cv", "non-finite head or recharge"};
        return zt_fail(err, ZT_EINPUT,
                       "groundwater step: cell %lld (row %lld, column %lld)%s%s: %s = %g "
                       "(must be finite and > 0)",
                       (long long)k, (long long)(k / s->nx), (long long)(k % s->nx),
                       c.bad_sys >= 0 ? ", drainage system " : "",
                       c.bad_sys >= 0 && m->drain[c.bad_sys].name ? m->drain[c.bad_sys].name
                                                                  : "",
                       what[c.bad_reason], c.bad_value);
    }
    if (c.st == ZT_ENOCONV && c.noconv == 1) {
        return zt_fail(err, ZT_ENOCONV,
                       "groundwater step: Picard did not converge in %d iterations: %ld cells "
                       "still changed their drain/spill state; head bound %.3g m "
                       "(tolerance %.3g m)",
                       c.picard, (long)c.sv[SV_CHANGED], c.sv[SV_BOUND], s->o.tol_head);
    }
    if (c.st == ZT_ENOCONV) {
        return zt_fail(err, ZT_ENOCONV,
                       "groundwater step: CG did not converge in %d iterations (Picard "
                       "iteration %d): head bound %.3g m (tolerance %.3g m), |sum of "
                       "residuals| %.3g m3/d (tolerance %.3g m3/d)",
                       s->o.max_cg, c.picard, c.bound_cg, s->o.tol_head,
                       fabs(c.rsum_cg) * s->area, c.tol_r * s->area);
    }
    return c.st;
}
