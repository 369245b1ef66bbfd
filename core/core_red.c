/*
 * core_red.c: deterministic reductions over a fixed number of row blocks
 * (see core_red.h for the contract and the reason).
 */
#include "core_red.h"

#include <assert.h>
#include <math.h>

void core_red_rows(zt_idx ny, int nblock, int b, zt_idx *j0, zt_idx *j1)
{
    assert(nblock >= 1 && b >= 0 && b < nblock);
    *j0 = (zt_idx)b * ny / nblock;
    *j1 = (zt_idx)(b + 1) * ny / nblock;
}

void core_red_share(int nblock, int nthread, int t, int *b0, int *b1)
{
    assert(nthread >= 1 && t >= 0 && t < nthread);
    *b0 = (int)((long)t * nblock / nthread);
    *b1 = (int)((long)(t + 1) * nblock / nthread);
}

void core_red_combine(const double *part, int nblock, int stride, int nval,
                      const core_red_op *op, double *out)
{
    assert(nblock >= 1 && nval <= stride);
    for (int v = 0; v < nval; v++) {
        double acc = part[v];
        for (int b = 1; b < nblock; b++) {
            double x = part[(size_t)b * (size_t)stride + (size_t)v];
            switch (op[v]) {
            case CORE_RED_SUM:
                acc += x;
                break;
            case CORE_RED_MAX:
                if (x > acc || isnan(x)) {
                    acc = isnan(acc) ? acc : x;
                }
                break;
            case CORE_RED_MIN:
                if (x < acc || isnan(x)) {
                    acc = isnan(acc) ? acc : x;
                }
                break;
            }
        }
        /* A later MPI version gathers the partials of every block from all
         * ranks (MPI_Allgather) before this loop, so the order stays the
         * block order whatever the number of ranks. */
        out[v] = acc;
    }
}
