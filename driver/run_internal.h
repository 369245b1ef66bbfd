/*
 * run_internal.h: the parts of `zoet run` shared by its files (driver/run*.c):
 *
 *   run.c          the sequence of a run and of a day, progress;
 *   run_setup.c    load and check the inputs, build the model and the supply
 *                  network, the settings in effect;
 *   run_outputs.c  the output catalogue, the district series, the writers;
 *   run_ckpt.c     checkpoints and restart.
 *
 * Not a public header: the program's interface is driver.h.
 */
#ifndef RUN_INTERNAL_H
#define RUN_INTERNAL_H

#include "core_couple.h"
#include "driver.h"
#include "io_balance.h"
#include "io_forcing.h"
#include "io_out.h"
#include "io_params.h"
#include "io_scenario.h"
#include "peat.h"
#include "clock.h"
#include "lake.h"
#include "supply.h"

/* The run: inputs, model, network, statistics and the day's buffers. */
typedef struct run_ctx {
    io_scenario *sc;
    grid_domain *dom;
    io_params *par;
    io_forcing *forc;
    grid_district *dtab; /* the district table, sorted by id */
    int ndtab;
    core_cpl *m;         /* the model */
    char **d_name;       /* [nd] names of the districts (their ids) */
    int *d_prov;         /* [nd] province of each district */
    float *p, *et0;      /* forcing of the day (mm/d; p is recharge in groundwater mode) */
    uint8_t *outmask;    /* 1 for active cells: the others are written as fill */
    int *sel;            /* [nsel] catalogue index of each selected variable */
    int nsel;
    drv_supply *sup;     /* the supply network (coupled mode with [input] network), or NULL */
    drv_lake *lake;      /* the IJsselmeer as a lake ([lake]), or NULL */
    double *abstr;       /* [ncell] wells' abstraction today (m/d), with the network */
    double *frac;        /* [nd * CORE_DCAT_COUNT] the allocation's fractions */
    drv_peat *peat;      /* groundwater statistics and peat (whenever groundwater is solved) */
    char out_root[4096]; /* the output folder (checkpoints go to its checkpoints/) */
    zt_day first;        /* the first day simulated (after a restart: the checkpoint's) */
    char ckpt_dir[4096]; /* the checkpoint continued from */
    char inputs_sha[65]; /* one sha256 over every input (io_outset_inputs_digest) */
    double totals[3];    /* the summary's largest balance error, CG and Picard iterations
                            so far: in the state, so a continued run's summary is whole */
    double *cap;         /* [ncell] storage capacity of 1 December (mm) */
} run_ctx;

/* The writers of a run: gridded, district series, supply accounting, balance. */
typedef struct run_out {
    io_gridout *grid;
    io_tsout *ts;
    io_balance *bal;
    char path_grid[4096], path_dnc[4096], path_dcsv[4096], path_bal[4096];
    io_var_spec *gvars;
    double *tsval;
} run_out;

/* Set-up (run_setup.c): load and check every input, build the model, the
 * supply network, the statistics and the output selection; *c must be
 * zeroed before. The statuses of the io_ and core_ functions it calls. */
zt_status drv_run_setup(run_ctx *c, const drv_run_opts *o, zt_err *err);
void drv_run_settings(const run_ctx *c, FILE *f);
void drv_run_free(run_ctx *c);

/* Outputs (run_outputs.c): open the writers in dir; the district series of
 * a day into w->tsval; close (keep the files when ok); continue them from
 * a checkpoint's copies (c->ckpt_dir at c->first); the summary line. */
zt_status drv_out_open(run_ctx *c, run_out *w, const char *dir, int ndays, zt_err *err);
void drv_out_district_series(const run_ctx *c, double *tsval);
zt_status drv_out_close(run_ctx *c, run_out *w, int ok, zt_err *err);
zt_status drv_out_resume(run_ctx *c, run_out *w, zt_err *err);
void drv_out_summary(const run_ctx *c, const run_out *w, const drv_run_stats *s);

/* Checkpoints (run_ckpt.c): 1 when one is due after `day`; write the
 * checkpoint of `next` (the first day still to simulate); read a
 * checkpoint's state into the model (sets c->first and c->ckpt_dir). */
int drv_ckpt_due(const run_ctx *c, zt_day day);
zt_status drv_ckpt_write(run_ctx *c, run_out *w, zt_day next, zt_err *err);
zt_status drv_ckpt_restart(run_ctx *c, const char *state, zt_err *err);

/* Wall-clock seconds (monotonic). */

#endif /* RUN_INTERNAL_H */
