/*
 * core_red.h: the one reduction of zoet's grid solvers (STYLE.md 9, 10).
 *
 * A grid of ny rows is cut into a FIXED number of contiguous row blocks,
 * independent of the number of threads (block b holds rows
 * [b ny / nblock, (b + 1) ny / nblock)). A parallel loop computes one partial
 * value per block, summing the rows of the block in row order; this module
 * then combines the partials in block order. Every thread count therefore
 * gives the same bytes: the order of every floating-point addition is fixed
 * by the grid and nblock alone.
 *
 * A later MPI version, where each rank holds a range of blocks, adds one
 * global all-reduce in core_red_combine (gather the partials of all blocks
 * in block order, then combine exactly as here), so the result still does
 * not depend on the number of ranks.
 *
 * Pure: no I/O, no globals.
 */
#ifndef CORE_RED_H
#define CORE_RED_H

#include "zt.h"

/* How a value is combined over the blocks. */
typedef enum core_red_op {
    CORE_RED_SUM = 0, /* sum in block order */
    CORE_RED_MAX = 1, /* maximum; a NaN partial makes the result NaN */
    CORE_RED_MIN = 2  /* minimum; a NaN partial makes the result NaN */
} core_red_op;

/* Rows [*j0, *j1) of block b (0 <= b < nblock, 1 <= nblock <= ny). */
void core_red_rows(zt_idx ny, int nblock, int b, zt_idx *j0, zt_idx *j1);

/*
 * Blocks [*b0, *b1) that thread t of nthread works on: a contiguous static
 * share, so each thread walks its rows in order (the same split as an
 * OpenMP schedule(static) loop over the blocks). Only the work split depends
 * on the thread count; the partials do not.
 */
void core_red_share(int nblock, int nthread, int t, int *b0, int *b1);

/*
 * Combine per-block partials: part[b * stride + v] is the partial of value v
 * in block b (0 <= v < nval <= stride); out[v] = op[v] over b = 0, 1, ...,
 * nblock - 1, in that order. part and op are borrowed; out has nval entries.
 */
void core_red_combine(const double *part, int nblock, int stride, int nval,
                      const core_red_op *op, double *out);

#endif /* CORE_RED_H */
