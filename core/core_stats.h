/*
 * core_stats.h: the statistics of a multi-year run (issue 15; `zoet stats`,
 * docs/table.md): the potential precipitation deficit of a summer, the
 * empirical return period of a yearly value by the Weibull plotting
 * position, the value of a given return period, and the year closest to it.
 *
 * Pure: no I/O, no globals.
 */
#ifndef CORE_STATS_H
#define CORE_STATS_H

/*
 * The largest potential precipitation deficit (mm) of a summer, as KNMI's
 * drought monitor computes it: from 1 April the sum of ET0 - P day by day,
 * never below zero (a wet spell empties the deficit but builds no
 * surplus), and its maximum over the n days given (183: 1 April - 30
 * September). p, e: mm per day. NaN when any day is NaN.
 */
double core_stats_deficit_max(const double *p, const double *e, int n);

/*
 * Ranks of the n yearly values v (1 = the most extreme; dir +1: larger is
 * more extreme, as a deficit or a shortage; -1: smaller is, as a lake level
 * or a share of peat held wet). Equal values rank in the order given. NaN
 * values get rank 0 and are not counted; returns the number ranked, m.
 * The Weibull plotting position of rank r is the exceedance probability
 * r / (m + 1), its empirical return period (m + 1) / r years.
 */
int core_stats_rank(const double *v, int n, int dir, int *rank);

/*
 * The value whose empirical return period is T years (T > 1): linear in
 * the exceedance probability 1/T between the plotting positions of the
 * ranked values. NaN when 1/T lies outside [1/(m+1), m/(m+1)] (too few
 * years: a 1-in-10 value needs m >= 9) or m = 0.
 */
double core_stats_return_value(const double *v, int n, int dir, double T);

/* The index of the value closest to x (the first of equals; NaN values and
 * a NaN x: -1). */
int core_stats_closest(const double *v, int n, double x);

#endif /* CORE_STATS_H */
