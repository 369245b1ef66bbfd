/*
 * core_stats.c: deficits, plotting positions and return values
 * (core_stats.h).
 */
#include "core_stats.h"

#include <math.h>
#include <stdlib.h>

#include "zt.h"

double core_stats_deficit_max(const double *p, const double *e, int n)
{
    double d = 0.0, dmax = 0.0;
    for (int k = 0; k < n; k++) {
        if (isnan(p[k]) || isnan(e[k])) {
            return NAN;
        }
        d = fmax(0.0, d + e[k] - p[k]);
        dmax = fmax(dmax, d);
    }
    return dmax;
}

int core_stats_rank(const double *v, int n, int dir, int *rank)
{
    int m = 0;
    for (int i = 0; i < n; i++) {
        rank[i] = 0;
        if (isnan(v[i])) {
            continue;
        }
        int r = 1;
        for (int j = 0; j < n; j++) {
            if (j == i || isnan(v[j])) {
                continue;
            }
            const double a = dir * v[j], b = dir * v[i];
            r += a > b || (a == b && j < i);
        }
        rank[i] = r;
        m++;
    }
    return m;
}

double core_stats_return_value(const double *v, int n, int dir, double T)
{
    int *rank = zt_malloc((size_t)(n > 0 ? n : 1) * sizeof *rank);
    double *sorted = zt_malloc((size_t)(n > 0 ? n : 1) * sizeof *sorted);
    double out = NAN;
    if (!rank || !sorted || !(T > 1.0)) {
        zt_free(rank);
        zt_free(sorted);
        return NAN;
    }
    const int m = core_stats_rank(v, n, dir, rank);
    for (int i = 0; i < n; i++) {
        if (rank[i] > 0) {
            sorted[rank[i] - 1] = v[i]; /* sorted[r - 1]: rank r */
        }
    }
    /* exceedance probability 1/T = r/(m+1): the fractional rank */
    const double r = (m + 1) / T;
    if (m > 0 && r >= 1.0 && r <= m) {
        const int lo = (int)floor(r);
        const double f = r - lo;
        out = lo == m ? sorted[m - 1] : sorted[lo - 1] + f * (sorted[lo] - sorted[lo - 1]);
    }
    zt_free(rank);
    zt_free(sorted);
    return out;
}

int core_stats_closest(const double *v, int n, double x)
{
    int best = -1;
    for (int i = 0; i < n && !isnan(x); i++) {
        if (!isnan(v[i]) && (best < 0 || fabs(v[i] - x) < fabs(v[best] - x))) {
            best = i;
        }
    }
    return best;
}
