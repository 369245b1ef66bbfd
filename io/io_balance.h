/*
 * io_balance.h: balance.csv, the daily water balance of the domain
 * (docs/model.md §4): one row a day with every term (m3), the errors of
 * root zone, groundwater, districts and the whole (m3), the gross flux
 * (m3), the relative error, and the solver's Picard and CG iterations.
 * Rows are written as the days are simulated (under .part until close).
 */
#ifndef IO_BALANCE_H
#define IO_BALANCE_H

#include "zt.h"

typedef struct io_balance io_balance; /* opaque */

/* One day's row. */
typedef struct io_balance_row {
    const double *term;      /* [nterm] m3 */
    double err_rz, err_gw, err_d, err_all; /* m3 */
    double gross;            /* m3 */
    double rel;              /* |err_all| / gross */
    int picard, cg;
    const double *extra;     /* [nextra] the extra columns (the lake's), or NULL */
} io_balance_row;

/* Open path (as .part) with the names of nterm terms (borrowed; "_m3" is
 * added) and of nextra extra columns after the errors and iterations (the
 * lake's balance, names with their units). ZT_EIO naming the file;
 * ZT_ENOMEM. */
zt_status io_balance_open(const char *path, const char *const *names, int nterm,
                          const char *const *extra, int nextra, io_balance **out, zt_err *err);

/* Append the row of day `day`. ZT_EIO naming the file. */
zt_status io_balance_add(io_balance *b, zt_day day, const io_balance_row *r, zt_err *err);

/* Copy the file as it stands into dir (a checkpoint); after open, continue
 * from the copy in dir, which must hold ndays rows (a restart; io_ckpt.h).
 * ZT_EIO / ZT_EINPUT naming the file. */
zt_status io_balance_checkpoint(io_balance *b, const char *dir, zt_err *err);
zt_status io_balance_resume(io_balance *b, const char *dir, long ndays, zt_err *err);

/* Close: keep the file when ok, else remove it. Frees *b, sets it NULL;
 * accepts NULL. ZT_EIO naming the file (ok only). */
zt_status io_balance_close(io_balance **b, int ok, zt_err *err);

#endif /* IO_BALANCE_H */
