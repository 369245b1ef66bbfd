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
 * max_i |r_i| / d_i, also for the non-linear equation. That bounds one
 * step's error; the stopping rule bounds the error accumulated over the
 * run, which each step carries into the next one's storage term Sy/dt:
 *
 *   max_i |r_i| / gamma_i <= tol_head,
 *   gamma_i = 1/cv_i + sum_{j fixed} C_ij + sum_k g_ik + g_i,spill
 *
 * the diagonal excess without the storage, where g is the slope a drain
 * (or the spill) keeps over tol_head either side of x_i: min(1/c, 1/ci),
 * and up to 1/c where x_i lies tol_head or more above the level; at least
 * Sy_i/GW_HORIZON. If every earlier step's heads are within tol_head of the
 * exact run's, so are this step's (the derivation in docs/model.md §6.4).
 * It is solved by a Jacobi-preconditioned
 * conjugate gradient (Hestenes and Stiefel 1952; Saad, Iterative Methods for
 * Sparse Linear Systems, 2nd ed. 2003, Alg. 9.1), matrix-free, from the
 * current head, deflated with the active cells' indicator (Nicolaides 1987;
 * Saad, Yeung, Erhel and Guyomarc'h 2000, Alg. 3.1): the sum of the
 * residuals, the water-balance error, is zero from the first iteration on,
 * so CG stops on the head bound. Picard iterations recompute the branches from the new head
 * until none changes; for infiltration resistances ci >= c the drain terms are
 * convex and this is a semismooth Newton method that converges in a finite
 * number of steps; as a guard, from the fourth assembly on a branch that was
 * on (drainage, spill) stays on for the rest of the step. The step ends when
 * the residual of the non-linear equation (branches from the new head)
 * meets the stopping rule.
 *
 * Performance (docs/performance.md, "Groundwater solver"): one OpenMP
 * parallel region per step. The inputs are made ready as float (levels,
 * 1/c, 1/ci, 1/cv, phi, Sy, surface; absent systems and cells that are not
 * active turned into zeros and far levels), at every step or, with
 * keep_inputs, only when they change, so the assembly is one vectorised
 * loop per row without tests of presence; it reads the start heads and the
 * recharge from the caller's arrays. The face conductances and the Jacobi
 * preconditioner 1/diag are float too (read-only in the CG passes; the
 * assembly uses the same float conductances, so the operator of CG and of
 * the true residual is one and the same, and symmetric; the rounding of a
 * conductance, 6e-8 relative, is far below what kD is known to [E]). The
 * solver stores the exchange part of the diagonal, ex (diag = ex + the
 * faces, w = ex + ffix); a row whose branches did not change keeps its ex,
 * 1/diag and state. With keep_inputs a step may start from the previous
 * step's end (start_rows: r = recharge + the head-dependent residual kept
 * there), one full assembly less. The passes work on four cells at a
 * time in explicit vectors (gw_v4d), element-wise, with their sums in four
 * lanes in a fixed order; they are also compiled for AVX2 and chosen at
 * run time (GW_CLONES), with the same bytes. Each CG iteration makes two passes over memory:
 *   pass 1: p = z - mu + beta p_old (z = r/diag, formed on the fly), q = A p, p.q
 *   pass 2: x += alpha p, r -= alpha q, r.z, max|r|, max|r|/d, sum r, w.z
 * The rows of the grid are cut into a fixed number of blocks; every sum is
 * taken per block in a fixed order and combined in block order (core_red), so 1
 * and N threads give the same bytes. Each thread walks a contiguous range of
 * blocks and computes the rows of p just outside its range into a private
 * halo buffer, so pass 1 needs no extra barrier. Every pass works on each
 * row's span only (make_spans): from its first to its last cell that is not
 * inactive, widened to multiples of four, so that the lanes of the sums and
 * hence the bytes are those of whole rows (a third of the demo's cells lie
 * outside the spans).
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
#define GW_SPILL_SHIFT 6  /* state bit of the spill; bits 0-5: drain systems */
#define GW_BIT_SPILL (1 << GW_SPILL_SHIFT)
#define GW_PREP_OTHER (1u << CORE_GW_MAX_DRAIN) /* prepare: Sy, the surface, phi and cv */
#define GW_PREP_ALL (((1u << CORE_GW_MAX_DRAIN) - 1u) | GW_PREP_OTHER)
#define GW_SCRATCH (2 + SC_N) /* rows of nx doubles per thread (2 halo + the assembly's) */
/* 1/gamma_i is stored as float (relative rounding 6e-8); this factor keeps
 * the bound max |r_i| / gamma_i an upper bound all the same. */
#define GW_BOUND_SAFE (1.0 + 1e-6)
/* A level no head reaches (m NAP): absent drains and surfaces sit there, so
 * that their branch is off and their flux 0 x (x - GW_FAR) = 0 without a
 * select in the assembly. */
#define GW_FAR 1e30
/* The damping the bound on the accumulated head error assumes at least in
 * a cell (1/d): Sy/GW_HORIZON, a horizon in days [E]. Only a cell without
 * seepage, infiltration, a fixed neighbour or an active drain falls back on
 * it (docs/model.md §6.4). */
#define GW_HORIZON 365.0

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
    SV_BOUND,   /* max |r_i| / gamma_i (m), the stopping rule's bound */
    SV_CHANGED, /* cells whose branches changed */
    SV_BAD,     /* first bad cell (INFINITY: none) */
    SV_FIXED,   /* sum of inflow from fixed-head neighbours (m/d) */
    SV_SCALE,   /* sum diag_i |x_i| + |R_i|: the size of the terms, for round-off (m/d);
                 * from the first assembly of a step */
    SV_SCALEMAX, /* max diag_i |x_i| + |R_i| (m/d), idem */
    SV_E,       /* sum w_i = 1'A1 over active cells (1/d), the coarse matrix of the deflation */
    SV_S1,      /* sum w_i r_i / diag_i (m/d) */
    SV_S2,      /* sum w_i^2 / diag_i (1/d) */
    SV_GX,      /* sum of the head-dependent gross terms |seepage| + |drains| + |spill|
                 * (m/d): with the new recharge, the gross of the next step's start */
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
enum {
    BAD_NONE, BAD_C, BAD_CI, BAD_CV, BAD_HEAD, BAD_RECH, BAD_LEVEL, BAD_PHI, BAD_SURF, BAD_RANGE,
    BAD_NONFINITE
};

struct core_gw_solver {
    const core_gw_model *m; /* borrowed */
    core_gw_opts o;         /* with defaults filled in */
    zt_idx nx, ny, n;       /* columns, rows, cells */
    double area;            /* cell area dx^2 (m2) */
    int nblock;             /* row blocks (fixed) */
    float *ce;              /* conductance of the east face (1/d), n; ce[-1] = 0 */
    float *cebuf;           /* ce - 1, allocated */
    float *cn;              /* conductance of the north face (1/d), n */
    uint8_t *nbfix;         /* bits: neighbour E 1, W 2, N 4, S 8 is fixed-head */
    float *act;             /* 1 in active cells, 0 elsewhere, n (read by prepare_rows) */
    float *ffix;            /* sum of the conductances of the faces to fixed-head cells (1/d)
                             * in active cells, 0 elsewhere, n */
    uint8_t *state;         /* branch bits per cell, see GW_BIT_SPILL */
    double *x;              /* working head (m NAP), n; 0 in inactive cells; x[-1] = x[n] = 0 */
    double *xbuf;           /* x - 1, allocated */
    double *r;              /* residual (m/d), n */
    double *pa, *pb;        /* search directions (m), n each, ping-pong */
    double *q;              /* A p (m/d), n */
    double *ex;             /* the exchange part of the diagonal of A (1/d): Sy/dt + 1/cv +
                             * the active drain and spill conductances, n; 0 outside active
                             * cells. diag = ex + the face conductances; the deflation
                             * vector w = A 1 (Nicolaides 1987) is ex + ffix */
    float *dinv;            /* 1/diag (d), n; 0 outside active cells */
    float *dexi;            /* 1/gamma_i, the inverse damping of the accumulated error (d),
                             * n, from the last assembly's heads; 0 outside active cells:
                             * max |r_i| dexi_i is the stopping rule's bound (m) */
    /* The inputs as the assembly reads them (made ready by prepare_rows: at
     * every step, or with keep_inputs once until they change), float: */
    float *syf;             /* Sy in active cells (> 0), 0 elsewhere: also the mask */
    float *zsf;             /* surface (m NAP); GW_FAR where there is none or not active */
    float *zdr[CORE_GW_MAX_DRAIN]; /* drain level (m NAP), n each; GW_FAR where the system
                                    * is absent or the cell not active */
    float *gdr[CORE_GW_MAX_DRAIN]; /* 1/c (1/d), n each; NaN where c <= 0, 0 where absent */
    float *gin[CORE_GW_MAX_DRAIN]; /* 1/ci (1/d), n each; 0: ci = INFINITY or no ci array;
                                    * NaN where ci <= 0 */
    float *gsp;             /* 1/cv (1/d), n; NaN where cv <= 0; 0 where phi is not finite,
                             * the cell not active or there is no phi */
    float *phs;             /* phi (m NAP), n; 0 where gsp is 0 */
    double *pbad;           /* per block: the first bad cell prepare found, 4 values */
    int ready;              /* the inputs above are made ready (keep_inputs) */
    unsigned dirty;         /* keep_inputs, ready: the drain systems changed since (bit d) */
    int warm;               /* r and gxb hold the previous step's end (keep_inputs): r the
                             * head-dependent part of the residual there, r + storage -
                             * recharge (m/d) */
    double *gxb;            /* keep_inputs: per block, its SV_GX at that end */
    double ready_dt;        /* for this step length (d): ex and dinv depend on it */
    zt_idx *fixlist;        /* the fixed cells next to an active one */
    zt_idx nfix;
    uint8_t *xuse;          /* 1 where the head enters the equations (active cells, fixed
                             * cells next to one), n */
    uint8_t *rowfix;        /* per row: 1 if a cell of the row has a fixed-head neighbour */
    zt_idx *sp0, *sp1;      /* per row: its span [sp0, sp1), the columns every pass works on:
                             * from the first cell that is not inactive rounded down to a
                             * multiple of 4 to after the last one rounded up to a multiple
                             * of 4 (at most nx); 0, 0 in a row without such a cell */
    zt_idx *seg;            /* per block: CG pass 2's pieces of the block's cells, pairs
                             * [a, b) of cell indices (see make_segments) */
    int *segb;              /* block b's pairs are seg[2 segb[b]] .. seg[2 segb[b + 1]] */
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
        if (!(m->sy[k] >= FLT_MIN && m->sy[k] <= FLT_MAX)) {
            /* the solver holds Sy as a float, where 0 marks a cell that is
             * not active: a smaller Sy would turn the cell off silently */
            return cell_fail(err, m, k, "Sy", m->sy[k],
                             "(must be between 1.2e-38 and 3.4e38 in an active cell: "
                             "the solver holds it as a float)");
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

/*
 * The span of every row: [sp0, sp1), from the first column whose cell is
 * not inactive rounded down to a multiple of 4 to after the last one
 * rounded up to a multiple of 4, at most nx (0, 0: no such cell). Every
 * pass works on the spans only. Cells outside them are inactive, so they
 * gave +0 or -0 to every sum, 0 to every maximum and a value that is not
 * read to every array, whose contents there are therefore kept as they are
 * (zeros: x, p, q, r, ex, dinv, ...); the ends on multiples of four keep the
 * lanes of every four-lane sum (lane i mod 4, the cells beyond the last
 * multiple of four of a row into lane 0), so the sums are the same bytes.
 * With full_rows every span is the whole row (the passes as they were).
 */
static void make_spans(core_gw_solver *s)
{
    const uint8_t *mask = s->m->mask;
    const zt_idx nx = s->nx;
    for (zt_idx j = 0; j < s->ny; j++) {
        const uint8_t *row = mask + j * nx;
        zt_idx first = 0, last = nx - 1;
        if (s->o.full_rows) {
            s->sp0[j] = 0;
            s->sp1[j] = nx;
            continue;
        }
        while (first < nx && row[first] == ZT_MASK_INACTIVE) {
            first++;
        }
        if (first == nx) {
            s->sp0[j] = s->sp1[j] = 0;
            continue;
        }
        while (row[last] == ZT_MASK_INACTIVE) {
            last--;
        }
        s->sp0[j] = first / 4 * 4;
        s->sp1[j] = (last + 1 + 3) / 4 * 4 < nx ? (last + 1 + 3) / 4 * 4 : nx;
    }
}

/*
 * CG pass 2 (cg_update) sums in four lanes over the cells of a whole block
 * [k0, k1), lane (k - k0) mod 4, the last (k1 - k0) mod 4 cells into lane 0.
 * Its pieces keep those lanes: per row the span widened to multiples of four
 * from k0 (a piece that reaches beyond the last such multiple runs to k1),
 * overlaps cut off, adjacent pieces joined. Into s->seg and s->segb; the
 * caller has allocated ny pairs and nblock + 1 offsets.
 */
static void make_segments(core_gw_solver *s)
{
    const zt_idx nx = s->nx;
    int nseg = 0;
    for (int b = 0; b < s->nblock; b++) {
        zt_idx j0, j1;
        core_red_rows(s->ny, s->nblock, b, &j0, &j1);
        const zt_idx k0 = j0 * nx, k1 = j1 * nx, kv = k0 + (k1 - k0) / 4 * 4;
        const int first = nseg;
        s->segb[b] = nseg;
        for (zt_idx j = j0; j < j1; j++) {
            if (s->sp0[j] >= s->sp1[j]) {
                continue;
            }
            const zt_idx a = j * nx + s->sp0[j], e = j * nx + s->sp1[j];
            zt_idx pa = k0 + (a - k0) / 4 * 4, pe = k0 + (e - k0 + 3) / 4 * 4;
            pe = pe > kv ? k1 : pe;
            if (nseg > first && pa <= s->seg[2 * nseg - 1]) {
                /* joins the previous piece */
                s->seg[2 * nseg - 1] = pe > s->seg[2 * nseg - 1] ? pe : s->seg[2 * nseg - 1];
                continue;
            }
            s->seg[2 * nseg] = pa;
            s->seg[2 * nseg + 1] = pe;
            nseg++;
        }
    }
    s->segb[s->nblock] = nseg;
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

    s->cebuf = zt_calloc((size_t)n + 1, sizeof *s->cebuf);
    s->ce = s->cebuf ? s->cebuf + 1 : NULL;
    s->cn = zt_calloc((size_t)n, sizeof *s->cn);
    s->nbfix = zt_calloc((size_t)n, sizeof *s->nbfix);
    s->state = zt_calloc((size_t)n, sizeof *s->state);
    s->ffix = zt_calloc((size_t)n, sizeof *s->ffix);
    s->act = zt_calloc((size_t)n, sizeof *s->act);
    s->xbuf = zt_calloc((size_t)n + 2, sizeof *s->xbuf);
    s->x = s->xbuf ? s->xbuf + 1 : NULL;
    s->xuse = zt_calloc((size_t)n, sizeof *s->xuse);
    s->gsp = zt_calloc((size_t)n, sizeof *s->gsp);
    s->phs = zt_calloc((size_t)n, sizeof *s->phs);
    s->syf = zt_calloc((size_t)n, sizeof *s->syf);
    s->zsf = zt_calloc((size_t)n, sizeof *s->zsf);
    if (s->o.keep_inputs) {
        s->gxb = zt_calloc((size_t)s->nblock, sizeof *s->gxb);
        if (!s->gxb) {
            st = zt_fail(err, ZT_ENOMEM, "groundwater solver: out of memory for %lld cells",
                         (long long)n);
            goto done;
        }
    }
    s->pbad = zt_calloc((size_t)s->nblock * 4, sizeof *s->pbad);
    s->r = zt_calloc((size_t)n, sizeof *s->r);
    s->pa = zt_calloc((size_t)n, sizeof *s->pa);
    s->pb = zt_calloc((size_t)n, sizeof *s->pb);
    s->q = zt_calloc((size_t)n, sizeof *s->q);
    s->ex = zt_calloc((size_t)n, sizeof *s->ex);
    s->dinv = zt_calloc((size_t)n, sizeof *s->dinv);
    s->dexi = zt_calloc((size_t)n, sizeof *s->dexi);
    s->zero = zt_calloc((size_t)nx, sizeof *s->zero);
    s->fzero = zt_calloc((size_t)nx, sizeof *s->fzero);
    s->part = zt_calloc((size_t)2 * (size_t)s->nblock * GW_STRIDE, sizeof *s->part);
    s->rowfix = zt_calloc((size_t)ny, sizeof *s->rowfix);
    s->sp0 = zt_calloc((size_t)ny, sizeof *s->sp0);
    s->sp1 = zt_calloc((size_t)ny, sizeof *s->sp1);
    s->seg = zt_calloc((size_t)ny * 2, sizeof *s->seg);
    s->segb = zt_calloc((size_t)s->nblock + 1, sizeof *s->segb);
    if (!s->part || !s->rowfix || !s->sp0 || !s->sp1 || !s->seg || !s->segb || !s->ffix ||
        !s->act || !s->xuse || !s->gsp || !s->phs || !s->pbad || !s->syf || !s->zsf) {
        st = zt_fail(err, ZT_ENOMEM, "groundwater solver: out of memory for %lld cells",
                     (long long)n);
        goto done;
    }
    for (int d = 0; d < m->ndrain; d++) {
        s->gdr[d] = zt_malloc((size_t)n * sizeof *s->gdr[d]);
        s->gin[d] = zt_malloc((size_t)n * sizeof *s->gin[d]);
        s->zdr[d] = zt_malloc((size_t)n * sizeof *s->zdr[d]);
        if (!s->gdr[d] || !s->gin[d] || !s->zdr[d]) {
            st = zt_fail(err, ZT_ENOMEM, "groundwater solver: out of memory for %lld cells",
                         (long long)n);
            goto done;
        }
        /* what prepare_rows makes of a cell that is not active, also
         * outside the spans, where it never writes */
        for (zt_idx k = 0; k < n; k++) {
            s->zdr[d][k] = (float)GW_FAR;
            s->gdr[d][k] = 0.0f;
            s->gin[d][k] = 0.0f;
        }
    }
    for (zt_idx k = 0; k < n; k++) {
        s->zsf[k] = (float)GW_FAR;
    }
    make_spans(s);
    make_segments(s);
    if (!s->ce || !s->cn || !s->nbfix || !s->state || !s->x || !s->r || !s->pa || !s->pb ||
        !s->q || !s->ex || !s->dinv || !s->dexi || !s->zero || !s->fzero || !s->part) {
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
        const uint8_t fb = s->nbfix[k];
        s->act[k] = m->mask[k] == ZT_MASK_ACTIVE ? 1.0f : 0.0f;
        if (fb) {
            s->rowfix[k / nx] = 1;
        }
        if (fb && m->mask[k] == ZT_MASK_ACTIVE) {
            double cf = 0.0;
            cf += (fb & 1) ? (double)s->ce[k] : 0.0;
            cf += (fb & 2) ? (double)s->ce[k - 1] : 0.0;
            cf += (fb & 4) ? (double)s->cn[k] : 0.0;
            cf += (fb & 8) ? (double)s->cn[k - nx] : 0.0;
            s->ffix[k] = (float)cf;
        }
    }
    for (zt_idx k = 0; k < n; k++) {
        const zt_idx i = k % nx, j = k / nx;
        int nbact = (i > 0 && m->mask[k - 1] == ZT_MASK_ACTIVE) ||
                    (i + 1 < nx && m->mask[k + 1] == ZT_MASK_ACTIVE) ||
                    (j > 0 && m->mask[k - nx] == ZT_MASK_ACTIVE) ||
                    (j + 1 < ny && m->mask[k + nx] == ZT_MASK_ACTIVE);
        s->xuse[k] = m->mask[k] == ZT_MASK_ACTIVE || (m->mask[k] == ZT_MASK_FIXED && nbact);
        s->nfix += m->mask[k] == ZT_MASK_FIXED && nbact;
    }
    s->fixlist = zt_malloc((size_t)(s->nfix > 0 ? s->nfix : 1) * sizeof *s->fixlist);
    if (!s->fixlist) {
        st = zt_fail(err, ZT_ENOMEM, "groundwater solver: out of memory for %lld cells",
                     (long long)n);
        goto done;
    }
    for (zt_idx k = 0, q = 0; k < n; k++) {
        if (m->mask[k] == ZT_MASK_FIXED && s->xuse[k]) {
            s->fixlist[q++] = k;
        }
    }
    *out = s;
    s = NULL;
done:
    core_gw_destroy(&s);
    return st;
}

void core_gw_inputs_changed(core_gw_solver *s)
{
    if (s) {
        s->ready = 0;
        s->warm = 0;
    }
}

void core_gw_drain_changed(core_gw_solver *s, int d)
{
    if (s && d >= 0 && d < s->m->ndrain) {
        s->dirty |= 1u << d;
        s->warm = 0;
    }
}

void core_gw_destroy(core_gw_solver **ps)
{
    core_gw_solver *s;
    if (!ps || !*ps) {
        return;
    }
    s = *ps;
    zt_free(s->cebuf);
    zt_free(s->ffix);
    zt_free(s->gxb);
    zt_free(s->act);
    zt_free(s->xuse);
    zt_free(s->fixlist);
    zt_free(s->phs);
    zt_free(s->syf);
    zt_free(s->zsf);
    zt_free(s->pbad);
    zt_free(s->cn);
    zt_free(s->nbfix);
    zt_free(s->state);
    zt_free(s->xbuf);
    zt_free(s->r);
    zt_free(s->pa);
    zt_free(s->pb);
    zt_free(s->q);
    zt_free(s->ex);
    zt_free(s->dinv);
    zt_free(s->dexi);
    zt_free(s->zero);
    zt_free(s->fzero);
    zt_free(s->halo);
    zt_free(s->part);
    zt_free(s->rowfix);
    zt_free(s->sp0);
    zt_free(s->sp1);
    zt_free(s->seg);
    zt_free(s->segb);
    for (int d = 0; d < CORE_GW_MAX_DRAIN; d++) {
        zt_free(s->gdr[d]);
        zt_free(s->gin[d]);
        zt_free(s->zdr[d]);
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
    double *hout;            /* the same array, written at the end (active cells) */
    core_gw_flux *f;         /* or NULL */
    unsigned prepare;        /* the inputs to make ready (prepare_rows): bit d drain system
                              * d, GW_PREP_OTHER Sy, the surface, phi and cv; 0: none */
    int fast;                /* try the start from the previous step's end (start_rows) */
    int warm;                /* out: r and gxb were made ready for that at the end */
    int nasm;                /* out: full assemblies */
    /* outcome, written by thread 0 */
    zt_status st;
    int noconv;              /* 1: Picard, 2: CG */
    int picard, cg;
    double bound_cg, rsum_cg, tol_r; /* CG failure: bound (m), sum r, tolerance (m/d) */
    double sv[SV_N];
    int bad_reason, bad_sys; /* first bad cell */
    double bad_value;
} step_ctx;

/* What is wrong with the inputs of active cell k, first found: BAD_NONE,
 * or the reason, with the drainage system (-1: none) and the value: a
 * resistance <= 0, or a level, deep head, surface or inverse resistance
 * beyond what a float holds, where the system, seepage or surface is
 * present. */
static int cell_bad(const core_gw_model *m, zt_idx k, int *sys, double *val)
{
    for (int d = 0; d < m->ndrain; d++) {
        const double z = m->drain[d].level[k], cd = m->drain[d].c[k];
        const double ci = m->drain[d].ci ? m->drain[d].ci[k] : INFINITY;
        if (z != z) {
            continue; /* the system is absent here */
        }
        *sys = d;
        if (!(fabs(z) <= FLT_MAX)) {
            *val = z;
            return BAD_LEVEL;
        }
        *val = cd;
        if (!(cd > 0.0)) {
            return BAD_C;
        }
        if (!(1.0 / cd <= FLT_MAX)) {
            return BAD_RANGE;
        }
        *val = ci;
        if (!(ci > 0.0)) {
            return BAD_CI;
        }
        if (!(1.0 / ci <= FLT_MAX)) {
            return BAD_RANGE;
        }
    }
    *sys = -1;
    if (m->phi && m->phi[k] == m->phi[k]) {
        const double p = m->phi[k], v = m->cv[k];
        *val = v;
        if (!(v > 0.0)) {
            return BAD_CV;
        }
        if (!(1.0 / v <= FLT_MAX)) {
            return BAD_RANGE;
        }
        if (!(fabs(p) <= FLT_MAX)) {
            *val = p;
            return BAD_PHI;
        }
    }
    if (m->surface && m->surface[k] == m->surface[k] && !(fabs(m->surface[k]) <= FLT_MAX)) {
        *val = m->surface[k];
        return BAD_SURF;
    }
    return BAD_NONE;
}

/* Why the residual of cell k = j nx + i is not finite while its inputs
 * are: its start head or recharge, or (the head) a neighbour's, whose flow
 * to it comes first in the scan when the neighbour lies north or east. Into
 * *at the cell to name. */
static int residual_bad(const step_ctx *c, zt_idx j, zt_idx i, zt_idx *at, double *val)
{
    const core_gw_solver *s = c->s;
    const zt_idx k = j * s->nx + i;
    const zt_idx nb[5] = {k, i + 1 < s->nx ? k + 1 : -1, i > 0 ? k - 1 : -1,
                          j + 1 < s->ny ? k + s->nx : -1, j > 0 ? k - s->nx : -1};
    if (!isfinite(c->rech[k])) {
        *at = k;
        *val = c->rech[k];
        return BAD_RECH;
    }
    for (int q = 0; q < 5; q++) {
        if (nb[q] >= 0 && s->xuse[nb[q]] && !isfinite(c->h0[nb[q]])) {
            *at = nb[q];
            *val = c->h0[nb[q]];
            return BAD_HEAD;
        }
    }
    return BAD_NONFINITE;
}

/* The first bad active cell of row j: bad inputs, or (res given) a residual
 * that is not finite. */
static void find_bad(const step_ctx *c, zt_idx j, const double *res, double *bad, int *reason,
                     int *rsys, double *rval)
{
    const core_gw_model *m = c->s->m;
    const zt_idx nx = c->s->nx;
    for (zt_idx i = c->s->sp0[j]; i < c->s->sp1[j]; i++) {
        zt_idx k = j * nx + i;
        int sys = -1;
        double val = 0.0;
        if (m->mask[k] != ZT_MASK_ACTIVE) {
            continue;
        }
        int why = cell_bad(m, k, &sys, &val);
        if (why == BAD_NONE && res && !isfinite(res[i])) {
            val = res[i];
            why = residual_bad(c, j, i, &k, &val);
        }
        if (why != BAD_NONE) {
            *bad = (double)k;
            *reason = why;
            *rsys = sys;
            *rval = val;
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
/* The passes over the grid also as AVX2 code, chosen when the program
 * starts on a machine that has it (GCC function multi-versioning, an ifunc
 * of glibc): 4 doubles an instruction instead of 2. The results are the
 * same bytes as the baseline code: the compiler contracts no a * b + c
 * into an FMA (ISO C mode, and "avx2" does not enable FMA), and every sum
 * is written with its order fixed in the source. */
#if defined(__GNUC__) && !defined(__clang__) && defined(__x86_64__) && defined(__GLIBC__) &&       \
    !defined(ZT_NO_CLONES)
#define GW_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define GW_CLONES
#endif

/*
 * Before the first assembly of a step (with keep_inputs only when the
 * inputs changed), over rows [j0, j1) of one block: the inputs as the
 * assembly reads them, in float, made such that it needs no test of
 * presence: per drain system the level and the inverse resistances 1/c,
 * 1/ci (1/d), with an absent system (level NaN) or a cell that is not
 * active turned into the level GW_FAR and 0 for 1/c and 1/ci; 1/cv and phi
 * (no deep head: 1/cv = 0); Sy (0 outside active cells, which makes it the
 * mask); the surface (GW_FAR where there is none). A resistance that is
 * not > 0 where it is used gives NaN and makes the block's first such cell
 * the step's error (into bad[0..3]: cell, reason, system, value). INFINITY
 * gives 0 (no exchange).
 */
static inline __attribute__((always_inline)) double prepare_cells(const step_ctx *c, zt_idx k0,
                                                                  zt_idx k1)
{
    const core_gw_solver *s = c->s;
    const core_gw_model *m = s->m;
    const float *restrict act = s->act;
    const unsigned what = c->prepare;
    double nbad = 0.0;
    for (int d = 0; d < m->ndrain; d++) {
        if (!(what & (1u << d))) {
            continue; /* unchanged since it was made ready */
        }
        const double *restrict lv = m->drain[d].level, *restrict cd = m->drain[d].c;
        const int hasci = m->drain[d].ci != NULL;
        const double *restrict ci = hasci ? m->drain[d].ci : cd;
        float *restrict zd = s->zdr[d], *restrict gd = s->gdr[d], *restrict gi = s->gin[d];
        /* no ci array: ci = INFINITY; a NaN ci gives -INFINITY (bad) */
        const double cfloor = hasci ? -INFINITY : INFINITY;
#pragma omp simd reduction(+ : nbad)
        for (zt_idx k = k0; k < k1; k++) {
            const double z = lv[k], vc = cd[k], vr = ci[k], vi = vr > cfloor ? vr : cfloor;
            const double a = act[k], pres = z == z ? a : 0.0;
            const double ic = 1.0 / vc, ii = 1.0 / vi; /* 1/d */
            const double gc = vc > 0.0 ? ic : NAN, gn = vi > 0.0 ? ii : NAN;
            /* selects of values, then the conversions; the count of bad
             * cells by products (an && here is a branch to gcc 12, which
             * then vectorises nothing) */
            const double zz = pres > 0.0 ? z : GW_FAR, gg = pres > 0.0 ? gc : 0.0;
            const double gn2 = pres > 0.0 ? gn : 0.0;
            /* bad: c or ci <= 0, or a level or 1/c, 1/ci beyond a float */
            const double okc = (vc > 0.0 ? 1.0 : 0.0) * (ic <= FLT_MAX ? 1.0 : 0.0);
            const double oki = (vi > 0.0 ? 1.0 : 0.0) * (ii <= FLT_MAX ? 1.0 : 0.0);
            const double okz = fabs(z) <= FLT_MAX ? 1.0 : 0.0;
            zd[k] = (float)zz;
            gd[k] = (float)gg;
            gi[k] = (float)gn2;
            nbad += pres * (1.0 - okc * oki * okz);
        }
    }
    {
        const double *restrict ph = m->phi, *restrict cv = m->cv;
        float *restrict gv = s->gsp, *restrict phs = s->phs;
        if (m->phi && (what & GW_PREP_OTHER)) {
#pragma omp simd reduction(+ : nbad)
            for (zt_idx k = k0; k < k1; k++) {
                const double p = ph[k], v = cv[k], inv = 1.0 / v;
                const double a = act[k], pres = p == p ? a : 0.0;
                const double g = v > 0.0 ? inv : NAN;
                const double gg = pres > 0.0 ? g : 0.0, pp = pres > 0.0 ? p : 0.0;
                const double ok = (v > 0.0 ? 1.0 : 0.0) * (inv <= FLT_MAX ? 1.0 : 0.0) *
                                  (fabs(p) <= FLT_MAX ? 1.0 : 0.0);
                gv[k] = (float)gg;
                phs[k] = (float)pp;
                nbad += pres * (1.0 - ok);
            }
        }
    }
    if (!(what & GW_PREP_OTHER)) {
        return nbad;
    }
    /* Sy and the surface */
    const double *restrict sy = m->sy;
    const double *restrict zs = m->surface ? m->surface : s->xbuf; /* read, not used */
    const int hasz = m->surface != NULL;
    float *restrict syf = s->syf, *restrict zsf = s->zsf;
#pragma omp simd reduction(+ : nbad)
    for (zt_idx k = k0; k < k1; k++) {
        const double v = sy[k], zr = zs[k], z = hasz ? zr : GW_FAR;
        const float sv = (float)v;
        const double a = act[k];
        const double zz = z == z ? z : GW_FAR, zo = a > 0.0 ? zz : GW_FAR;
        const double so = a > 0.0 ? (double)sv : 0.0;
        syf[k] = (float)so;
        zsf[k] = (float)zo;
        nbad += a * (fabs(zz) <= FLT_MAX ? 0.0 : 1.0); /* a surface beyond a float */
    }
    return nbad;
}

/* prepare_cells over the span of every row of [j0, j1) (outside the spans
 * the arrays hold, since create, what it makes of a cell that is not
 * active); then the first bad cell */
GW_VECTORISE
GW_CLONES
static void prepare_rows(const step_ctx *c, zt_idx j0, zt_idx j1, double *bad)
{
    const core_gw_solver *s = c->s;
    const zt_idx nx = s->nx;
    double nbad = 0.0; /* a count: exact in any order */
    for (zt_idx j = j0; j < j1; j++) {
        nbad += prepare_cells(c, j * nx + s->sp0[j], j * nx + s->sp1[j]);
    }
    bad[0] = INFINITY;
    bad[1] = BAD_NONE;
    bad[2] = -1;
    bad[3] = 0.0;
    for (zt_idx j = j0; nbad > 0.0 && j < j1 && !isfinite(bad[0]); j++) {
        int reason = BAD_NONE, rsys = -1;
        find_bad(c, j, NULL, &bad[0], &reason, &rsys, &bad[3]);
        bad[1] = reason;
        bad[2] = rsys;
    }
}

static const core_red_op sv_ops[SV_N] = {
    CORE_RED_MAX, CORE_RED_SUM, CORE_RED_SUM, CORE_RED_MAX, CORE_RED_SUM, CORE_RED_MIN,
    CORE_RED_SUM, CORE_RED_SUM, CORE_RED_MAX, CORE_RED_SUM, CORE_RED_SUM, CORE_RED_SUM,
    CORE_RED_SUM};

/* Per-thread scratch rows of the assembly (after the 2 halo rows). */
enum {
    SC_GRO, SC_SCALE, SC_CHG, SC_GX,
    SC_EX, SC_DI, /* the row's new ex and dinv (float) */
    SC_SO,        /* the row's new state, as int32 */
    SC_TRASH, SC_N = SC_TRASH + CORE_GW_MAX_DRAIN + 4
};

/* Four lanes of doubles (GCC vector extensions, which clang also has; one
 * AVX register, two SSE2 ones): the sums below keep lane l for the cells
 * of a row (or a block) at offsets i with i mod 4 = l, and the cells beyond
 * a multiple of four in lane 0, in the order a scalar loop over those
 * cells would, so the bytes are the same on any machine and for any thread
 * count. */
typedef double gw_v4d __attribute__((vector_size(32)));
typedef int64_t gw_v4l __attribute__((vector_size(32)));
typedef float gw_v4f __attribute__((vector_size(16)));
typedef int32_t gw_v4i __attribute__((vector_size(16)));
/* for loads of doubles from any address (elements aligned only) */
typedef double gw_v4du __attribute__((vector_size(32), aligned(8), may_alias));

/* Macros, not functions: a 32-byte vector argument has an ABI gcc warns of
 * without AVX. Arguments may be evaluated more than once. */
#define V4_LD(p) (*(const gw_v4du *)(const void *)(p))
#define V4_LDF(p) V4_TOD(p)
#define V4_LDI(p) ((gw_v4i){(p)[0], (p)[1], (p)[2], (p)[3]})
/* Conversions lane by lane, from anything indexable (a vector, or memory):
 * gcc 12 makes one instruction of these (vcvtps2pd, vcvtdq2pd, vcvtpd2ps,
 * vcvttpd2dq with AVX), but two halves and a shuffle of
 * __builtin_convertvector between vectors of 16 and 32 bytes. */
#define V4_TOD(v) ((gw_v4d){(v)[0], (v)[1], (v)[2], (v)[3]})
#define V4_TOF(v) ((gw_v4f){(float)(v)[0], (float)(v)[1], (float)(v)[2], (float)(v)[3]})
#define V4_TOI(v)                                                                                  \
    ((gw_v4i){(int32_t)(v)[0], (int32_t)(v)[1], (int32_t)(v)[2], (int32_t)(v)[3]})
#define V4_ST(p, v) (*(gw_v4du *)(void *)(p) = (v))
/* m ? a : b per lane (m all ones or all zeros, as a comparison gives) */
#define V4_SEL(m, a, b) ((gw_v4d)(((m) & (gw_v4l)(a)) | (~(m) & (gw_v4l)(b))))
/* |a| (the sign bit cleared, as fabs) */
#define V4_ABS(a) ((gw_v4d)((gw_v4l)(a) & (gw_v4l){INT64_MAX, INT64_MAX, INT64_MAX, INT64_MAX}))
/* a > m ? a : m per lane */
#define V4_MAX(a, m) V4_SEL((a) > (m), a, m)
/* The first nv (1-4) values at p, the other lanes 0, and the first nv
 * lanes of v stored at p: for the cells of a row beyond a multiple of four
 * (with nv = 4 a plain load or store) */
#define V4_PART(p, nv, FULL, T)                                                                    \
    __extension__({                                                                                \
        T pt_ = {0, 0, 0, 0};                                                                      \
        if ((nv) == 4) {                                                                           \
            pt_ = FULL(p);                                                                         \
        } else {                                                                                   \
            for (int l_ = 0; l_ < (nv); l_++) {                                                    \
                pt_[l_] = (p)[l_];                                                                 \
            }                                                                                      \
        }                                                                                          \
        pt_;                                                                                       \
    })
#define V4_LDN(p, nv) V4_PART(p, nv, V4_LD, gw_v4d)
#define V4_LDFN(p, nv) V4_PART(p, nv, V4_LDF, gw_v4d)
#define V4_LDIN(p, nv) V4_PART(p, nv, V4_LDI, gw_v4i)
/* v is a vector of the element type of p */
#define V4_STN(p, v, nv)                                                                           \
    do {                                                                                           \
        const __typeof__(v) st_ = (v);                                                             \
        memcpy((p), &st_, (size_t)(nv) * sizeof *(p));                                             \
    } while (0)
/* the four lanes summed in a fixed order, and their maximum */
#define V4_SUM(a) (((a)[0] + (a)[1]) + ((a)[2] + (a)[3]))
#define V4_HMAX(a) fmax(fmax((a)[0], (a)[1]), fmax((a)[2], (a)[3]))

/* The rows an assembly of one grid row reads and writes, offset to it. */
typedef struct gw_arow {
    double cspl, rdt, stickyf; /* 1/c_spill, 1/dt (1/d); 1 under the Picard guard */
    double rtol;               /* 1/tol_head (1/m) */
    const float *syf, *ce, *cw, *cn, *cs, *zs, *ph, *gv, *ff;
    const double *xc, *xe, *xw, *xs, *xn, *h0, *rech;
    const uint8_t *st; /* the branch bits */
    const float *lev[CORE_GW_MAX_DRAIN], *gd[CORE_GW_MAX_DRAIN], *gi[CORE_GW_MAX_DRAIN];
    double *r, *ex, *gro, *sca, *chg, *gxr;
    float *dinv, *ei;
    int32_t *so;
    double *fd[CORE_GW_MAX_DRAIN], *fsp, *fse, *fst, *fla;
} gw_arow;

/*
 * The assembly of the nv (1-4) cells from i of a row, in four lanes: the
 * branches from x, the exchange diagonal ex, dinv, the true residual r, the
 * inverse damping dexi of the stopping rule (straight into the solver's
 * array: only this row's sums read it before the next assembly), the new
 * branch bits, and per cell into the scratch rows the gross flux, the
 * size of the terms and whether the branches changed; the fluxes if FLUXES.
 * ND (the number of drain systems), FLUXES and, in the loop over a row, nv
 * are constants where this is inlined, so the drain loop unrolls and the
 * loads and stores are plain. Element-wise, so the bytes do not depend on
 * the lanes. The start heads and the recharge are read from the caller's
 * arrays, selected to 0 outside active cells (where they may be anything);
 * every other input is finite outside active cells (made so by
 * prepare_rows), so products with the mask a suffice there.
 *
 * A face flow is zero where the face conductance is 0, and the heads in x
 * are finite everywhere (0 where not used), so a neighbour that does not
 * exchange never adds a NaN.
 */
static inline __attribute__((always_inline)) void
assemble_cells(const gw_arow *R, zt_idx i, const int nv, const int nd, const int fluxes)
{
    const gw_v4d zero = {0.0, 0.0, 0.0, 0.0}, one = {1.0, 1.0, 1.0, 1.0};
    const gw_v4d xk = V4_LDN(R->xc + i, nv), sdt = V4_LDFN(R->syf + i, nv) * R->rdt;
    const gw_v4l act = sdt > zero;
    const gw_v4d a = V4_SEL(act, one, zero);
    /* lateral outflow over the four faces (1/d, m/d) */
    const gw_v4d cE = V4_LDFN(R->ce + i, nv), cW = V4_LDFN(R->cw + i, nv);
    const gw_v4d cN = V4_LDFN(R->cn + i, nv), cS = V4_LDFN(R->cs + i, nv);
    const gw_v4d fE = cE * (xk - V4_LDN(R->xe + i, nv)), fW = cW * (xk - V4_LDN(R->xw + i, nv));
    const gw_v4d fN = cN * (xk - V4_LDN(R->xn + i, nv)), fS = cS * (xk - V4_LDN(R->xs + i, nv));
    const gw_v4d lat = (fE + fW) + (fN + fS);
    const gw_v4d faces = (cE + cW) + (cN + cS);
    /* storage; the start head and the recharge where the cell is active */
    const gw_v4d hk = V4_SEL(act, V4_LDN(R->h0 + i, nv), xk);
    const gw_v4d rk = V4_SEL(act, V4_LDN(R->rech + i, nv), zero);
    const gw_v4d stor = sdt * (xk - hk); /* m/d */
    /* seepage to the deep head */
    const gw_v4d scond = V4_LDFN(R->gv + i, nv);                         /* 1/d */
    const gw_v4d fsee = scond * (xk - V4_LDFN(R->ph + i, nv)) + 0.0;     /* m/d; + 0: never -0 */
    /* drainage systems: drainage above z, infiltration below; a branch
     * that was on stays on when stickyf = 1 (the Picard guard) */
    const gw_v4i sb = V4_LDIN(R->st + i, nv);
    const gw_v4d old = V4_TOD(sb);
    gw_v4d bits = zero, dsum = zero, dgro = zero, dcond = zero, damp = zero;
#pragma GCC unroll 8
    for (int d = 0; d < nd; d++) {
        const gw_v4d z = V4_LDFN(R->lev[d] + i, nv);
        const gw_v4d was = V4_TOD((sb >> d) & 1) * R->stickyf;
        const gw_v4d on = V4_SEL(xk > z, one, was);
        const gw_v4d gc = V4_LDFN(R->gd[d] + i, nv), gn = V4_LDFN(R->gi[d] + i, nv);
        const gw_v4d cond = V4_SEL(on > zero, gc, gn);
        const gw_v4d fl = cond * (xk - z) + 0.0; /* m/d; + 0: never -0 */
        /* the slope the system keeps over tol_head either side of x (1/d):
         * min(1/c, 1/ci), and 1/c - 1/ci more as x rises to tol_head above z */
        const gw_v4d lo = V4_SEL(gc < gn, gc, gn), up = V4_MAX(gc - gn, zero);
        const gw_v4d fr = (xk - z) * R->rtol;
        damp += lo + up * V4_SEL(fr < one, V4_MAX(fr, zero), one);
        bits += on * (double)(1 << d);
        dsum += fl;
        dgro += V4_ABS(fl);
        dcond += cond;
        if (fluxes) {
            V4_STN(R->fd[d] + i, fl, nv);
        }
    }
    /* spill above the surface (GW_FAR where there is none) */
    const gw_v4d zk = V4_LDFN(R->zs + i, nv);
    const gw_v4d swas = V4_TOD((sb >> GW_SPILL_SHIFT) & 1) * R->stickyf;
    const gw_v4d son = V4_SEL(xk > zk, one, swas) * a;
    const gw_v4d pcond = son * R->cspl;             /* 1/d */
    const gw_v4d fspl = pcond * (xk - zk) + 0.0;    /* m/d; + 0: never -0 */
    const gw_v4d fs = (xk - zk) * R->rtol;
    damp += R->cspl * V4_SEL(fs < one, V4_MAX(fs, zero), one);
    bits += son * (double)GW_BIT_SPILL;
    /* residual, exchange diagonal, preconditioner; every term is finite
     * outside active cells, so a product with a masks them without a
     * select; a / (dg + 1 - a) is 1/dg in active cells, 0 elsewhere */
    const gw_v4d res = rk - lat - stor - fsee - dsum - fspl; /* m/d */
    const gw_v4d e = sdt + scond + dcond + pcond;           /* 1/d */
    const gw_v4d dg = e + faces;                            /* 1/d, the diagonal */
    /* 1/gamma, gamma the damping of the accumulated error (docs/model.md
     * §6.4): seepage, the faces to fixed cells and the drains' and the
     * spill's kept slopes, at least Sy/GW_HORIZON; 0 outside active cells */
    const gw_v4d dm = (scond + V4_LDFN(R->ff + i, nv)) + damp;
    const gw_v4d fl0 = V4_LDFN(R->syf + i, nv) * (1.0 / GW_HORIZON);
    const gw_v4d dm2 = V4_SEL(dm > fl0, dm, fl0) + (1.0 - a);
    const gw_v4d ie = a * (GW_BOUND_SAFE / dm2), fmx = {FLT_MAX, FLT_MAX, FLT_MAX, FLT_MAX};
    V4_STN(R->ei + i, V4_TOF(V4_SEL(ie < fmx, ie, fmx)), nv); /* < FLT_MAX: Sy < 1e-36 */
    V4_STN(R->r + i, a * res, nv);
    V4_STN(R->ex + i, a * e, nv);
    const gw_v4f af = V4_TOF(a);
    const gw_v4f dgf = V4_TOF(dg + (1.0 - a));
    V4_STN(R->dinv + i, af / dgf, nv); /* in float: the preconditioner, not the operator */
    const gw_v4d nb = a * bits;
    V4_STN(R->so + i, V4_TOI(nb), nv);
    V4_STN(R->chg + i, V4_SEL(nb != old, one, zero), nv);
    const gw_v4d gx = V4_ABS(fsee) + dgro + V4_ABS(fspl); /* m/d */
    const gw_v4d g = V4_ABS(rk) + V4_ABS(stor) + gx;      /* m/d */
    V4_STN(R->gro + i, a * g, nv);
    V4_STN(R->gxr + i, a * gx, nv);
    if (!fluxes) {
        /* the size of the terms, for the first assembly of a step (which
         * never computes the fluxes) */
        V4_STN(R->sca + i, a * (dg * V4_ABS(xk) + V4_ABS(rk)), nv);
    } else {
        V4_STN(R->fsp + i, fspl, nv);
        V4_STN(R->fse + i, fsee, nv);
        V4_STN(R->fst + i, a * stor + 0.0, nv);
        V4_STN(R->fla + i, a * lat + 0.0, nv);
    }
}

/* One row j of the assembly (assemble_cells over the row's span). */
static inline __attribute__((always_inline)) void
assemble_row(const step_ctx *c, zt_idx j, const int nd, const int fluxes, double stickyf,
             double *restrict w)
{
    const core_gw_solver *s = c->s;
    const zt_idx nx = s->nx, o = j * nx;
    gw_arow R;
    zt_idx i;

    R.cspl = s->m->surface ? 1.0 / s->m->c_spill : 0.0; /* c_spill unused without a surface */
    R.rdt = 1.0 / c->dt;
    R.stickyf = stickyf;
    R.rtol = 1.0 / s->o.tol_head;
    R.syf = s->syf + o;
    R.ff = s->ffix + o;
    R.ei = s->dexi + o;
    R.ce = s->ce + o;
    R.cw = s->ce + o - 1;
    R.cn = s->cn + o;
    R.cs = j > 0 ? s->cn + o - nx : s->fzero;
    R.zs = s->zsf + o;
    R.ph = s->phs + o;
    R.gv = s->gsp + o;
    R.xc = s->x + o;
    R.xe = R.xc + 1;
    R.xw = R.xc - 1;
    R.xs = j > 0 ? R.xc - nx : s->zero;
    R.xn = j + 1 < s->ny ? R.xc + nx : s->zero;
    R.h0 = c->h0 + o;
    R.rech = c->rech + o;
    R.st = s->state + o;
    R.r = s->r + o;
    R.ex = w + SC_EX * nx;
    R.gro = w + SC_GRO * nx;
    R.sca = w + SC_SCALE * nx;
    R.chg = w + SC_CHG * nx;
    R.gxr = w + SC_GX * nx;
    R.dinv = (float *)(w + SC_DI * nx);
    R.so = (int32_t *)(w + SC_SO * nx);
    R.fsp = R.fse = R.fst = R.fla = NULL;
    for (int d = 0; d < nd; d++) {
        R.lev[d] = s->zdr[d] + o;
        R.gd[d] = s->gdr[d] + o;
        R.gi[d] = s->gin[d] + o;
        R.fd[d] = fluxes && c->f->drain[d] ? c->f->drain[d] + o : w + (SC_TRASH + d) * nx;
    }
    if (fluxes) {
        double *t = w + (SC_TRASH + CORE_GW_MAX_DRAIN) * nx;
        R.fsp = c->f->spill ? c->f->spill + o : t;
        R.fse = c->f->seepage ? c->f->seepage + o : t + nx;
        R.fst = c->f->storage ? c->f->storage + o : t + 2 * nx;
        R.fla = c->f->lateral ? c->f->lateral + o : t + 3 * nx;
    }
    /* the span; its ends on multiples of four, but for a last one at nx */
    const zt_idx i1 = s->sp1[j];
    for (i = s->sp0[j]; i + 4 <= i1; i += 4) {
        assemble_cells(&R, i, 4, nd, fluxes);
    }
    if (i < i1) {
        assemble_cells(&R, i, (int)(i1 - i), nd, fluxes);
    }
}

/* The assembly of row j with the drain count and flux flag as constants. */
GW_CLONES
static void assemble_row_any(const step_ctx *c, zt_idx j, int fluxes, double stickyf, double *w)
{
#define GW_ROW(ND)                                                                                 \
    case ND:                                                                                       \
        if (fluxes) {                                                                              \
            assemble_row(c, j, ND, 1, stickyf, w);                                                 \
        } else {                                                                                   \
            assemble_row(c, j, ND, 0, stickyf, w);                                                 \
        }                                                                                          \
        break;
    switch (c->s->m->ndrain) {
        GW_ROW(0)
        GW_ROW(1)
        GW_ROW(2)
        GW_ROW(3)
        GW_ROW(4)
        GW_ROW(5)
        GW_ROW(6)
    default:
        break;
    }
#undef GW_ROW
}

/*
 * The sums of the assembly over row o/nx, from r, ex, ffix, dinv, dexi and
 * the scratch rows (gross, its head-dependent part, branch changes, the
 * size of the terms if FIRST): into a[SV_...], each of four lanes over
 * i mod 4 combined as V4_SUM does (the cells of a row beyond a multiple of
 * four into lane 0). A fixed order, whatever the thread count.
 */
GW_CLONES
static void row_sums(const core_gw_solver *s, zt_idx o, zt_idx i0, zt_idx i1, const double *w,
                     int first, const double *restrict ex, const float *restrict di,
                     double a[SV_N])
{
    const zt_idx nx = s->nx;
    const double *restrict r = s->r + o;
    const float *restrict ei = s->dexi + o, *restrict ff = s->ffix + o;
    const double *restrict gro = w + SC_GRO * nx, *restrict sca = w + SC_SCALE * nx;
    const double *restrict chg = w + SC_CHG * nx, *restrict gxr = w + SC_GX * nx;
    gw_v4d rs = {0.0, 0.0, 0.0, 0.0}, gr = rs, gx = rs, ch = rs, mx = rs, bd = rs;
    gw_v4d e = rs, s1 = rs, s2 = rs, sc = rs, sm = rs;
    zt_idx i;

    for (i = i0; i + 4 <= i1; i += 4) {
        const gw_v4d ra = V4_LD(r + i), aa = V4_ABS(ra), ba = aa * V4_LDF(ei + i);
        const gw_v4d wa = V4_LD(ex + i) + V4_LDF(ff + i), wda = wa * V4_LDF(di + i);
        rs += ra;
        gr += V4_LD(gro + i);
        gx += V4_LD(gxr + i);
        ch += V4_LD(chg + i);
        mx = V4_MAX(aa, mx);
        bd = V4_MAX(ba, bd);
        /* the coarse problem of the deflation: w = ex + ffix */
        e += wa;
        s1 += wda * ra;
        s2 += wda * wa;
    }
    for (zt_idx k = i0; first && k + 4 <= i1; k += 4) {
        const gw_v4d c = V4_LD(sca + k);
        sc += c;
        sm = V4_MAX(c, sm);
    }
    for (; i < i1; i++) {
        /* the cells beyond a multiple of four, into lane 0 */
        const double ra = r[i], aa = fabs(ra), ba = aa * (double)ei[i];
        const double wa = ex[i] + (double)ff[i], wda = wa * (double)di[i];
        rs[0] += ra;
        gr[0] += gro[i];
        gx[0] += gxr[i];
        ch[0] += chg[i];
        mx[0] = aa > mx[0] ? aa : mx[0];
        bd[0] = ba > bd[0] ? ba : bd[0];
        e[0] += wa;
        s1[0] += wda * ra;
        s2[0] += wda * wa;
        if (first) {
            sc[0] += sca[i];
            sm[0] = sca[i] > sm[0] ? sca[i] : sm[0];
        }
    }
    memset(a, 0, SV_N * sizeof a[0]);
    a[SV_RSUM] = V4_SUM(rs);
    a[SV_GROSS] = V4_SUM(gr);
    a[SV_GX] = V4_SUM(gx);
    a[SV_CHANGED] = V4_SUM(ch);
    a[SV_RMAX] = V4_HMAX(mx);
    a[SV_BOUND] = V4_HMAX(bd);
    a[SV_E] = V4_SUM(e);
    a[SV_S1] = V4_SUM(s1);
    a[SV_S2] = V4_SUM(s2);
    a[SV_SCALE] = V4_SUM(sc);
    a[SV_SCALEMAX] = V4_HMAX(sm);
}

/* A row's sums into the block's: sums added, maxima kept. */
static void sv_add(double sum[SV_N], const double a[SV_N])
{
    for (int v = 0; v < SV_N; v++) {
        sum[v] = sv_ops[v] == CORE_RED_SUM ? sum[v] + a[v] : fmax(sum[v], a[v]);
    }
}

/*
 * The assembly pass over rows [j0, j1) of one block: assemble_row, then the
 * faces to fixed-head cells (few cells, in few rows: their inflow and the
 * part of w they add), the unused drain flux arrays zeroed, and the sums of
 * the row (row_sums: four lanes, a fixed order); partials into pv. A row
 * with a bad cell is scanned for the first one.
 */
GW_VECTORISE
static void assemble_rows(const step_ctx *c, zt_idx j0, zt_idx j1, int sticky, int fluxes,
                          const double *pbad, double *w, double *pv)
{
    const int first = pbad != NULL; /* the first assembly of the step */
    const core_gw_solver *s = c->s;
    const core_gw_model *m = s->m;
    const zt_idx nx = s->nx;
    double sum[SV_N];
    double badcell = INFINITY, fixed = 0.0, rval = 0.0;
    int reason = BAD_NONE, rsys = -1;

    memset(sum, 0, sizeof sum);
    if (pbad && isfinite(pbad[0])) {
        badcell = pbad[0];
        reason = (int)pbad[1];
        rsys = (int)pbad[2];
        rval = pbad[3];
    }
    for (zt_idx j = j0; j < j1; j++) {
        const zt_idx o = j * nx, i0 = s->sp0[j], i1 = s->sp1[j];
        assemble_row_any(c, j, fluxes, sticky ? 1.0 : 0.0, w);
        double row_fixed = 0.0;
        if (s->rowfix[j]) {
            const uint8_t *mask = m->mask + o, *nbfix = s->nbfix + o;
            const double *xc = s->x + o;
            const double *xs = j > 0 ? xc - nx : s->zero, *xn = j + 1 < s->ny ? xc + nx : s->zero;
            const float *ce = s->ce + o, *cn = s->cn + o;
            const float *cs = j > 0 ? s->cn + o - nx : s->fzero;
            double *gw = w + SC_GRO * nx;
            for (zt_idx i = i0; i < i1; i++) {
                const uint8_t fb = nbfix[i];
                if (fb && mask[i] == ZT_MASK_ACTIVE) {
                    const double xk = xc[i];
                    double f = 0.0;
                    f += (fb & 1) ? ce[i] * (xc[i + 1] - xk) : 0.0;
                    f += (fb & 2) ? ce[i - 1] * (xc[i - 1] - xk) : 0.0;
                    f += (fb & 4) ? cn[i] * (xn[i] - xk) : 0.0;
                    f += (fb & 8) ? cs[i] * (xs[i] - xk) : 0.0;
                    gw[i] += fabs(f);
                    row_fixed += f;
                }
            }
        }
        for (int d = m->ndrain; fluxes && d < CORE_GW_MAX_DRAIN; d++) {
            if (c->f->drain[d]) {
                memset(c->f->drain[d] + o, 0, (size_t)nx * sizeof(double));
            }
        }
        if (fluxes) {
            /* the fluxes outside the span: 0, as the assembly makes them in
             * a cell that is not active */
            double *fa[CORE_GW_MAX_DRAIN + 4] = {c->f->spill, c->f->seepage, c->f->storage,
                                                 c->f->lateral};
            for (int d = 0; d < m->ndrain; d++) {
                fa[4 + d] = c->f->drain[d];
            }
            for (int q = 0; q < 4 + m->ndrain; q++) {
                if (fa[q]) {
                    memset(fa[q] + o, 0, (size_t)i0 * sizeof(double));
                    memset(fa[q] + o + i1, 0, (size_t)(nx - i1) * sizeof(double));
                }
            }
        }
        /* the sums of the row (a non-finite residual shows in the sum) */
        double a[SV_N];
        const double *exn = w + SC_EX * nx;
        const float *din = (const float *)(w + SC_DI * nx);
        row_sums(s, o, i0, i1, w, first, exn, din, a);
        if (first || a[SV_CHANGED] > 0.0) {
            /* the row's exchange diagonal, preconditioner and branch bits
             * into the solver's arrays: where no branch changed they are
             * already there, the same bytes (the same inputs and branches;
             * after the first assembly of a step, or a warm start), and
             * the row's writes are saved */
            memcpy(s->ex + o + i0, exn + i0, (size_t)(i1 - i0) * sizeof *s->ex);
            memcpy(s->dinv + o + i0, din + i0, (size_t)(i1 - i0) * sizeof *s->dinv);
            const int32_t *restrict so = (const int32_t *)(w + SC_SO * nx);
            uint8_t *restrict st = s->state + o;
#pragma omp simd
            for (zt_idx i = i0; i < i1; i++) {
                st[i] = (uint8_t)so[i];
            }
        }
        sv_add(sum, a);
        if (!isfinite(a[SV_RSUM]) && !isfinite(badcell)) {
            find_bad(c, j, s->r + o, &badcell, &reason, &rsys, &rval);
        }
        fixed += row_fixed;
    }
    memcpy(pv, sum, SV_N * sizeof *pv);
    pv[SV_BAD] = badcell;
    pv[SV_FIXED] = fixed;
    pv[SV_BAD_REASON] = reason;
    pv[SV_BAD_SYS] = rsys;
    pv[SV_BAD_VALUE] = rval;
}

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
GW_CLONES
static inline void new_direction(const double *restrict r, const float *restrict dinv,
                                 const double *restrict ex, const float *restrict ff,
                                 double delta, double mu,
                                 const double *restrict pold, double beta, double *restrict p,
                                 zt_idx len)
{
    if (beta == 0.0) {
#pragma omp simd
        for (zt_idx i = 0; i < len; i++) {
            const double w = ex[i] + (double)ff[i];
            const double d = dinv[i], rr = r[i] - delta * w, pz = rr * d - mu;
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

/* new_direction over the span of row j into dst (the row of p, or a halo
 * row: then also 0 outside the span, where the rows beside it read it; in
 * p it is 0 there from the start, never written) */
static inline __attribute__((always_inline)) void
row_direction(const core_gw_solver *s, zt_idx j, double delta, double mu,
                          const double *pold, double beta, double *dst, int halo)
{
    const zt_idx o = j * s->nx, i0 = s->sp0[j], i1 = s->sp1[j];
    new_direction(s->r + o + i0, s->dinv + o + i0, s->ex + o + i0, s->ffix + o + i0, delta, mu,
                  pold + o + i0, beta, dst + i0, i1 - i0);
    if (halo) {
        memset(dst, 0, (size_t)i0 * sizeof *dst);
        memset(dst + i1, 0, (size_t)(s->nx - i1) * sizeof *dst);
    }
}

/* The start residual r' = r - delta w of a row: adds r'.z, max |r'|,
 * max |r'|/d_i and sum r' to acc[P1_RZ..P1_RSUM], each in four partial sums
 * over i mod 4 (a fixed order). */
GW_CLONES
static void row_start(const double *restrict r, const float *restrict dinv,
                      const float *restrict ei, const double *restrict ex,
                      const float *restrict ff, double delta, zt_idx i0, zt_idx i1,
                      double *acc)
{
    const gw_v4d zero = {0.0, 0.0, 0.0, 0.0};
    gw_v4d z = zero, m = zero, b = zero, u = zero;
    zt_idx i;
    for (i = i0; i + 4 <= i1; i += 4) {
        const gw_v4d w = V4_LD(ex + i) + V4_LDF(ff + i);
        const gw_v4d rr = V4_LD(r + i) - delta * w, fa = V4_ABS(rr);
        const gw_v4d ea = fa * V4_LDF(ei + i);
        z += rr * rr * V4_LDF(dinv + i);
        m = V4_MAX(fa, m);
        b = V4_MAX(ea, b);
        u += rr;
    }
    for (; i < i1; i++) {
        const double w = ex[i] + (double)ff[i];
        const double rr = r[i] - delta * w, fa = fabs(rr), ea = fa * (double)ei[i];
        z[0] += rr * rr * (double)dinv[i];
        m[0] = fa > m[0] ? fa : m[0];
        b[0] = ea > b[0] ? ea : b[0];
        u[0] += rr;
    }
    acc[P1_RZ] += V4_SUM(z);
    acc[P1_RMAX] = fmax(acc[P1_RMAX], V4_HMAX(m));
    acc[P1_BOUND] = fmax(acc[P1_BOUND], V4_HMAX(b));
    acc[P1_RSUM] += V4_SUM(u);
}

/* q = A p on one row and its p.q, from the rows of p south, centre and north
 * (pointers may be to halo buffers or the zero row), with the diagonal
 * ex + the face conductances, summed as the assembly sums it (the same
 * bytes as the diagonal of dinv). q element-wise in a loop the compiler
 * vectorises; p.q in four partial sums over i mod 4, then
 * ((a0 + a1) + (a2 + a3)): a fixed order, whatever the thread count. ce of
 * the cell before the row and of the row's last cell are 0. */
GW_VECTORISE
GW_CLONES
static inline double row_apply(const double *restrict ex, const float *restrict ce,
                               const float *restrict cn, const float *restrict cs,
                               const double *restrict ps, const double *restrict pc,
                               const double *restrict pn, double *restrict q, zt_idx i0,
                               zt_idx i1, zt_idx nx)
{
    double a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0;
    zt_idx i, lo = i0, hi = i1;
#define GW_DIAG(i) (ex[i] + (((double)ce[i] + (double)ce[(i) - 1]) + ((double)cn[i] + (double)cs[i])))
    if (i0 >= i1) {
        return 0.0;
    }
    if (nx == 1) {
        q[0] = GW_DIAG(0) * pc[0] - cn[0] * pn[0] - cs[0] * ps[0];
        return pc[0] * q[0];
    }
    /* the west and east edges of the row: one face each (ce[nx-1] = 0);
     * a span that ends inside the row reads the zeros of p beside it */
    if (i0 == 0) {
        q[0] = GW_DIAG(0) * pc[0] - cn[0] * pn[0] - cs[0] * ps[0] - ce[0] * pc[1];
        lo = 1;
    }
    if (i1 == nx) {
        q[nx - 1] = GW_DIAG(nx - 1) * pc[nx - 1] - cn[nx - 1] * pn[nx - 1] -
                    cs[nx - 1] * ps[nx - 1] - ce[nx - 2] * pc[nx - 2];
        hi = nx - 1;
    }
#pragma omp simd
    for (i = lo; i < hi; i++) {
        q[i] = GW_DIAG(i) * pc[i] - (double)ce[i] * pc[i + 1] - (double)ce[i - 1] * pc[i - 1] -
               (double)cn[i] * pn[i] - (double)cs[i] * ps[i];
    }
#undef GW_DIAG
    for (i = i0; i + 4 <= i1; i += 4) {
        a0 += pc[i] * q[i];
        a1 += pc[i + 1] * q[i + 1];
        a2 += pc[i + 2] * q[i + 2];
        a3 += pc[i + 3] * q[i + 3];
    }
    double tail = 0.0;
    for (; i < i1; i++) {
        tail += pc[i] * q[i];
    }
    return ((a0 + a1) + (a2 + a3)) + tail;
}

/* Pass 2 of a CG iteration on the cells of a block [k0, k1): x += alpha p +
 * delta, r -= delta w + alpha q (not in cells with dinv = 0: q is not zero
 * in a fixed cell next to an active one; delta != 0 only in the first
 * iteration, the deflation's start), and in the same pass r.z, max |r|,
 * sum r, max |r|/d_i and w.z in four lanes over (k - k0) mod 4, the last
 * (k1 - k0) mod 4 cells into lane 0 (a fixed order). Only on the block's
 * nseg pieces seg[2l] .. seg[2l + 1] (make_segments), which start at
 * multiples of four from k0 and end at one or at k1: the cells between
 * them are outside the spans, where x, p, q and r are 0 and stay so, and
 * would add 0 to every sum and maximum. */
GW_CLONES
static void cg_update(double alpha, double delta, const double *restrict p,
                      const double *restrict q, const float *restrict di,
                      const float *restrict ei, const double *restrict ex,
                      const float *restrict ff, double *restrict x,
                      double *restrict r, const zt_idx *seg, int nseg, double *pv)
{
    const gw_v4d zero = {0.0, 0.0, 0.0, 0.0};
    gw_v4d z = zero, m = zero, u = zero, b = zero, v = zero;
    for (int l = 0; l < nseg; l++) {
        const zt_idx k1 = seg[2 * l + 1];
        zt_idx k;
        for (k = seg[2 * l]; k + 4 <= k1; k += 4) {
            const gw_v4d d = V4_LDF(di + k), rk = V4_LD(r + k), xk = V4_LD(x + k);
            const gw_v4d ea = V4_LDF(ei + k), w = V4_LD(ex + k) + V4_LDF(ff + k);
            gw_v4d ra;
            if (delta != 0.0) {
                /* active cells: dinv > 0, and also dexi > 0 */
                const gw_v4d upd = rk - delta * w - alpha * V4_LD(q + k);
                const gw_v4d xn = xk + (alpha * V4_LD(p + k) + delta);
                V4_ST(x + k, V4_SEL(ea > zero, xn, xk));
                ra = V4_SEL(d > zero, upd, rk);
            } else {
                const gw_v4d upd = rk - alpha * V4_LD(q + k);
                V4_ST(x + k, xk + alpha * V4_LD(p + k));
                ra = V4_SEL(d > zero, upd, rk);
            }
            V4_ST(r + k, ra);
            const gw_v4d fa = V4_ABS(ra), eb = fa * ea;
            z += ra * ra * d;
            m = V4_MAX(fa, m);
            b = V4_MAX(eb, b);
            u += ra;
            v += w * d * ra;
        }
        for (; k < k1; k++) {
            /* the cells beyond a multiple of four, into lane 0 */
            const double w = ex[k] + (double)ff[k];
            const double d = di[k], rk = r[k];
            double ra;
            if (delta != 0.0) {
                const double upd = rk - delta * w - alpha * q[k];
                const double xk = x[k], xn = xk + (alpha * p[k] + delta);
                x[k] = ei[k] > 0.0f ? xn : xk;
                ra = d > 0.0 ? upd : rk;
            } else {
                const double upd = rk - alpha * q[k];
                x[k] += alpha * p[k];
                ra = d > 0.0 ? upd : rk;
            }
            r[k] = ra;
            const double fa = fabs(ra), eb = fa * (double)ei[k];
            z[0] += ra * ra * d;
            m[0] = fa > m[0] ? fa : m[0];
            b[0] = eb > b[0] ? eb : b[0];
            u[0] += ra;
            v[0] += w * d * ra;
        }
    }
    pv[CV_RZ] = V4_SUM(z);
    pv[CV_RMAX] = V4_HMAX(m);
    pv[CV_RSUM] = V4_SUM(u);
    pv[CV_BOUND] = V4_HMAX(b);
    pv[CV_WZ] = V4_SUM(v);
}

/* The rows the start of a step from the previous end reads and writes. */
typedef struct gw_start {
    const float *syf, *dinv, *dexi, *ffix;
    const uint8_t *use;
    const double *h0, *rech, *x, *ex;
    double *r;
} gw_start;

/* Its sums, four lanes each: as row_sums makes them from the scratch rows. */
enum { ST_R, ST_GRO, ST_CHG, ST_RMAX, ST_BOUND, ST_E, ST_S1, ST_S2, ST_SCALE, ST_SCALEMAX,
       ST_N };

/* The start on the nv (1-4) cells from i: r = recharge + r, whether the
 * caller's head differs from the solver's (or is not finite), the gross
 * |recharge| and the size of the terms, and the sums of row_sums in the
 * same pass: lane l over the cells i + l of the row, and the cells beyond a
 * multiple of four into lane 0 one by one, in the order row_sums adds them
 * (so these are its bytes). */
static inline __attribute__((always_inline)) void
start_cells(const gw_start *R, zt_idx i, const int nv, gw_v4d acc[ST_N])
{
    const gw_v4d zero = {0.0, 0.0, 0.0, 0.0}, one = {1.0, 1.0, 1.0, 1.0};
    const gw_v4d hv = V4_LDN(R->h0 + i, nv), xv = V4_LDN(R->x + i, nv);
    const gw_v4d d = V4_LDFN(R->dinv + i, nv);
    const gw_v4l act = V4_LDFN(R->syf + i, nv) > zero;
    const gw_v4d a = V4_SEL(act, one, zero);
    const gw_v4d hu = V4_SEL(V4_LDFN(R->use + i, nv) > zero, hv, zero);
    const gw_v4d rk = V4_SEL(act, V4_LDN(R->rech + i, nv), zero);
    /* 1/d rounded to float (inf where d = 0, not used there): in double
     * first, the same value, as 53 >= 2 x 24 + 2 bits */
    const gw_v4d dq = V4_TOD(V4_TOF(one / d));
    const gw_v4d dg = V4_SEL(d > zero, dq, zero); /* the size of the terms */
    const gw_v4d ra = a * (rk + V4_LDN(R->r + i, nv));
    V4_STN(R->r + i, ra, nv);
    /* the sums (row_sums) */
    const gw_v4d c[ST_N] = {
        [ST_R] = ra,
        [ST_GRO] = V4_ABS(rk),
        [ST_CHG] = V4_SEL(hu == xv, zero, one),
        [ST_RMAX] = V4_ABS(ra),
        [ST_BOUND] = V4_ABS(ra) * V4_LDFN(R->dexi + i, nv),
        [ST_E] = V4_LDN(R->ex + i, nv) + V4_LDFN(R->ffix + i, nv),
        [ST_SCALE] = dg * V4_ABS(xv) + V4_ABS(rk),
    };
    const gw_v4d wda = c[ST_E] * d;
    if (nv == 4) {
        acc[ST_R] += c[ST_R];
        acc[ST_GRO] += c[ST_GRO];
        acc[ST_CHG] += c[ST_CHG];
        acc[ST_RMAX] = V4_MAX(c[ST_RMAX], acc[ST_RMAX]);
        acc[ST_BOUND] = V4_MAX(c[ST_BOUND], acc[ST_BOUND]);
        acc[ST_E] += c[ST_E];
        acc[ST_S1] += wda * ra;
        acc[ST_S2] += wda * c[ST_E];
        acc[ST_SCALE] += c[ST_SCALE];
        acc[ST_SCALEMAX] = V4_MAX(c[ST_SCALE], acc[ST_SCALEMAX]);
    } else {
        for (int l = 0; l < nv; l++) {
            gw_v4d *q = acc;
            q[ST_R][0] += c[ST_R][l];
            q[ST_GRO][0] += c[ST_GRO][l];
            q[ST_CHG][0] += c[ST_CHG][l];
            q[ST_RMAX][0] = c[ST_RMAX][l] > q[ST_RMAX][0] ? c[ST_RMAX][l] : q[ST_RMAX][0];
            q[ST_BOUND][0] = c[ST_BOUND][l] > q[ST_BOUND][0] ? c[ST_BOUND][l] : q[ST_BOUND][0];
            q[ST_E][0] += c[ST_E][l];
            q[ST_S1][0] += wda[l] * ra[l];
            q[ST_S2][0] += wda[l] * c[ST_E][l];
            q[ST_SCALE][0] += c[ST_SCALE][l];
            q[ST_SCALEMAX][0] =
                c[ST_SCALE][l] > q[ST_SCALEMAX][0] ? c[ST_SCALE][l] : q[ST_SCALEMAX][0];
        }
    }
}

/*
 * The start of a step from the end of the previous one (keep_inputs, the
 * inputs unchanged, the same dt, and that end not under the Picard guard),
 * over rows [j0, j1) of one block: the head-dependent part of the residual
 * is what it was at the end (in r), so r = recharge + r, with the branches, ex,
 * dinv and the state of that end, which are those of the heads now. The
 * gross is the new |recharge| plus the block's head-dependent gross of that
 * end (gxb). The sum of changes counts the cells where the head the caller
 * gives differs from the one the solver ended with (or is not finite), and
 * a non-finite recharge shows in the sum of r; either sends the whole step
 * to the full start (copy, assembly). Partials into pv as assemble_rows.
 */
GW_CLONES
static void start_rows(const step_ctx *c, zt_idx j0, zt_idx j1, double gxblock, double *pv)
{
    const core_gw_solver *s = c->s;
    const zt_idx nx = s->nx;
    double sum[SV_N];

    for (int v = 0; v < SV_N; v++) {
        sum[v] = 0.0;
    }
    for (zt_idx j = j0; j < j1; j++) {
        const zt_idx o = j * nx;
        gw_start R = {s->syf + o, s->dinv + o, s->dexi + o, s->ffix + o, s->xuse + o,
                      c->h0 + o, c->rech + o, s->x + o, s->ex + o, s->r + o};
        gw_v4d acc[ST_N];
        double a[SV_N];
        zt_idx i;
        const zt_idx i1 = s->sp1[j];
        memset(acc, 0, sizeof acc);
        for (i = s->sp0[j]; i + 4 <= i1; i += 4) {
            start_cells(&R, i, 4, acc);
        }
        if (i < i1) {
            start_cells(&R, i, (int)(i1 - i), acc);
        }
        memset(a, 0, sizeof a);
        a[SV_RSUM] = V4_SUM(acc[ST_R]);
        a[SV_GROSS] = V4_SUM(acc[ST_GRO]);
        a[SV_CHANGED] = V4_SUM(acc[ST_CHG]);
        a[SV_RMAX] = V4_HMAX(acc[ST_RMAX]);
        a[SV_BOUND] = V4_HMAX(acc[ST_BOUND]);
        a[SV_E] = V4_SUM(acc[ST_E]);
        a[SV_S1] = V4_SUM(acc[ST_S1]);
        a[SV_S2] = V4_SUM(acc[ST_S2]);
        a[SV_SCALE] = V4_SUM(acc[ST_SCALE]);
        a[SV_SCALEMAX] = V4_HMAX(acc[ST_SCALEMAX]);
        sv_add(sum, a);
    }
    sum[SV_GROSS] += gxblock;
    sum[SV_GX] = gxblock;
    memcpy(pv, sum, SV_N * sizeof *pv);
    pv[SV_BAD] = INFINITY;
    pv[SV_FIXED] = 0.0;
    pv[SV_BAD_REASON] = BAD_NONE;
    pv[SV_BAD_SYS] = -1;
    pv[SV_BAD_VALUE] = 0.0;
}

/* The end of a step with keep_inputs on nv (1-4) cells: the heads out into
 * h (active cells), and in r what the next step may start from, r +
 * storage - recharge, the part of the residual that depends on the heads
 * only. Four lanes (a select in a loop gcc 12 makes a branch). */
static inline __attribute__((always_inline)) void
keep_cells(const float *act, const double *x, const double *rech, double rdt, double *r,
           double *h, const int nv)
{
    const gw_v4d zero = {0.0, 0.0, 0.0, 0.0}, one = {1.0, 1.0, 1.0, 1.0};
    const gw_v4d sdt = V4_LDFN(act, nv) * rdt, xv = V4_LDN(x, nv), hv = V4_LDN(h, nv);
    const gw_v4l on = sdt > zero;
    const gw_v4d a = V4_SEL(on, one, zero);
    const gw_v4d hk = V4_SEL(on, hv, xv), rk = V4_SEL(on, V4_LDN(rech, nv), zero);
    V4_STN(r, a * (V4_LDN(r, nv) + sdt * (xv - hk) - rk), nv);
    V4_STN(h, V4_SEL(on, xv, hv), nv);
}

/* The CG passes and the Picard loop, run by every thread of the region. */
GW_CLONES
static void step_thread(step_ctx *c)
{
    core_gw_solver *s = c->s;
    const zt_idx nx = s->nx, ny = s->ny;
    const int nb = s->nblock;
    int t = 0, nt = 1, b0, b1, flip = 0;
    const int want_flux = c->f != NULL;
    double sv[SV_N], cv[CV_N], pq, scale = 0.0, scalemax = 0.0;
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
    double *part = NULL, *lastpart = NULL;
    int fast = c->fast, last_it = 0, nasm = 0;

    if (fast) {
        /* the start from the previous step's end, if the heads are those
         * it ended with (every thread decides the same from the same sums) */
        part = s->part + (size_t)flip * (size_t)nb * GW_STRIDE;
        for (int b = b0; b < b1; b++) {
            zt_idx j0, j1;
            core_red_rows(ny, nb, b, &j0, &j1);
            start_rows(c, j0, j1, s->gxb[b], part + (size_t)b * GW_STRIDE);
        }
#pragma omp barrier
        core_red_combine(part, nb, GW_STRIDE, SV_N, sv_ops, sv);
        flip ^= 1;
        fast = sv[SV_CHANGED] == 0.0 && isfinite(sv[SV_RSUM]);
    }
    if (!fast) {
        for (int b = b0; b < b1; b++) {
            zt_idx j0, j1;
            core_red_rows(ny, nb, b, &j0, &j1);
            const uint8_t *restrict use = s->xuse;
            const double *restrict h = c->h0;
            double *restrict x = s->x;
            for (zt_idx j = j0; j < j1; j++) {
                for (zt_idx k = j * nx + s->sp0[j]; k < j * nx + s->sp1[j]; k++) {
                    const double v = h[k];
                    x[k] = use[k] ? v : 0.0;
                }
            }
            if (c->prepare) {
                prepare_rows(c, j0, j1, s->pbad + 4 * b);
            }
        }
#pragma omp barrier
    }
    for (int it = 0;; it++) {
        int fluxes = want_flux && it > 0;
        if (it > 0 || !fast) {
            /* assembly */
            part = s->part + (size_t)flip * (size_t)nb * GW_STRIDE;
            for (int b = b0; b < b1; b++) {
                zt_idx j0, j1;
                core_red_rows(ny, nb, b, &j0, &j1);
                assemble_rows(c, j0, j1, it >= GW_STICKY_FROM, fluxes,
                              it == 0 ? s->pbad + 4 * b : NULL, hs + 2 * nx,
                              part + (size_t)b * GW_STRIDE);
            }
#pragma omp barrier
            core_red_combine(part, nb, GW_STRIDE, SV_N, sv_ops, sv);
            flip ^= 1;
            lastpart = part;
            last_it = it;
            nasm++;
        }
        if (it == 0) {
            scale = sv[SV_SCALE];
            scalemax = sv[SV_SCALEMAX];
        }
        sv[SV_SCALE] = scale;
        sv[SV_SCALEMAX] = scalemax;
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
            if ((want_flux && !fluxes) || lastpart == NULL) {
                /* converged at the starting head: one more pass for the
                 * fluxes (and after the start from the previous end, for
                 * every figure of the step from a full assembly) */
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
                    row_direction(s, J0 - 1, delta, mu, pold, beta, hs, 1);
                }
                if (J1 < ny) {
                    row_direction(s, J1, delta, mu, pold, beta, hn, 1);
                }
                row_direction(s, J0, delta, mu, pold, beta, p + J0 * nx, 0);
                for (int b = b0; b < b1; b++) {
                    zt_idx j0, j1;
                    double acc[P1_N] = {0.0};
                    core_red_rows(ny, nb, b, &j0, &j1);
                    for (zt_idx j = j0; j < j1; j++) {
                        zt_idx o = j * nx;
                        const zt_idx i0 = s->sp0[j], i1 = s->sp1[j];
                        if (j + 1 < J1) {
                            row_direction(s, j + 1, delta, mu, pold, beta, p + o + nx, 0);
                        }
                        const double *ps = j == J0 ? (J0 > 0 ? hs : s->zero) : p + o - nx;
                        const double *pn = j == J1 - 1 ? (J1 < ny ? hn : s->zero) : p + o + nx;
                        const float *cs = j > 0 ? s->cn + o - nx : s->fzero;
                        acc[P1_PQ] += row_apply(s->ex + o, s->ce + o, s->cn + o, cs, ps,
                                                p + o, pn, s->q + o, i0, i1, nx);
                        if (k_it == 0) {
                            row_start(s->r + o, s->dinv + o, s->dexi + o, s->ex + o,
                                      s->ffix + o, delta, i0, i1, acc);
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
                        for (zt_idx j = j0; j < j1; j++) {
                            for (zt_idx k = j * nx + s->sp0[j]; k < j * nx + s->sp1[j]; k++) {
                                s->x[k] += s->dinv[k] > 0.0f ? delta : 0.0;
                            }
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
                cg_update(alpha, delta, p, s->q, s->dinv, s->dexi, s->ex, s->ffix, s->x, s->r,
                          s->seg + 2 * s->segb[b], s->segb[b + 1] - s->segb[b],
                          part + (size_t)b * GW_STRIDE);
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
    /* the heads out; with keep_inputs, after a full assembly that met the
     * rule without the Picard guard, also what the next step may start
     * from: r + storage - recharge in r, the part of the residual that
     * depends on the heads only, and the blocks' head-dependent gross */
    const int keep = s->gxb != NULL && st == ZT_OK && lastpart != NULL && last_it < GW_STICKY_FROM;
    for (int b = b0; b < b1; b++) {
        zt_idx j0, j1;
        core_red_rows(ny, nb, b, &j0, &j1);
        const float *restrict act = s->syf;
        const double *restrict x = s->x;
        double *restrict h = c->hout;
        if (keep) {
            const double rdt = 1.0 / c->dt;
            const double *restrict rech = c->rech;
            double *restrict r = s->r;
            for (zt_idx j = j0; j < j1; j++) {
                const zt_idx k1 = j * nx + s->sp1[j];
                zt_idx k = j * nx + s->sp0[j];
                for (; k + 4 <= k1; k += 4) {
                    keep_cells(act + k, x + k, rech + k, rdt, r + k, h + k, 4);
                }
                if (k < k1) {
                    keep_cells(act + k, x + k, rech + k, rdt, r + k, h + k, (int)(k1 - k));
                }
            }
            s->gxb[b] = lastpart[(size_t)b * GW_STRIDE + SV_GX];
        } else {
            for (zt_idx j = j0; j < j1; j++) {
                for (zt_idx k = j * nx + s->sp0[j]; k < j * nx + s->sp1[j]; k++) {
                    h[k] = act[k] > 0.0f ? x[k] : h[k];
                }
            }
        }
    }
    if (t == 0) {
        c->warm = keep;
        c->nasm = nasm;
        c->fast = fast;
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
    for (zt_idx q = 0; q < s->nfix; q++) {
        const zt_idx k = s->fixlist[q];
        if (!isfinite(h[k])) {
            return zt_fail(err, ZT_EINPUT,
                           "groundwater step: cell %lld (row %lld, column %lld): fixed head = %g "
                           "(must be finite next to an active cell)",
                           (long long)k, (long long)(k / s->nx), (long long)(k % s->nx), h[k]);
        }
    }
    memset(&c, 0, sizeof c);
    c.s = s;
    c.dt = dt;
    c.rech = recharge;
    c.h0 = h;
    c.hout = h;
    c.f = f;
    c.prepare = (!s->o.keep_inputs || !s->ready || s->ready_dt != dt) ? GW_PREP_ALL : s->dirty;
    c.fast = !c.prepare && s->warm && !s->o.cold_start;
#pragma omp parallel num_threads(nt) default(none) shared(c)
    step_thread(&c);

    s->ready = c.prepare ? c.st != ZT_EINPUT : s->ready;
    s->dirty = 0;
    s->ready_dt = dt;
    s->warm = c.warm;
    if (st) {
        st->picard = c.picard;
        st->cg = c.cg;
        st->head_bound = c.sv[SV_BOUND];
        st->balance_err = c.sv[SV_RSUM] * s->area;
        st->gross = c.sv[SV_GROSS] * s->area;
        st->fixed_in = c.sv[SV_FIXED] * s->area;
        st->changed = (long)c.sv[SV_CHANGED];
        st->assemblies = c.nasm;
        st->warm_start = c.fast;
    }
    if (c.st == ZT_EINPUT) {
        zt_idx k = (zt_idx)c.sv[SV_BAD];
        static const char *const what[] = {
            "", "drainage resistance c", "infiltration resistance ci", "seepage resistance cv",
            "start head", "recharge", "level", "deep head phi", "surface", "resistance",
            "water balance"};
        static const char *const beyond = "m NAP (beyond what the solver holds: a float, "
                                          "at most 3.4e38)";
        const char *const expect[] = {
            "", "d (must be finite and > 0)", "d (must be finite and > 0)",
            "d (must be finite and > 0)", "m NAP (must be finite)", "m/d (must be finite)",
            beyond, beyond, beyond,
            "d (too small for the solver, which holds its inverse as a float: at least "
            "3e-39 d)",
            "m/d (not finite, though the inputs of the cell are)"};
        return zt_fail(err, ZT_EINPUT,
                       "groundwater step: cell %lld (row %lld, column %lld)%s%s: %s = %g %s",
                       (long long)k, (long long)(k / s->nx), (long long)(k % s->nx),
                       c.bad_sys >= 0 ? ", drainage system " : "",
                       c.bad_sys >= 0 && m->drain[c.bad_sys].name ? m->drain[c.bad_sys].name
                                                                  : "",
                       what[c.bad_reason], c.bad_value, expect[c.bad_reason]);
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
