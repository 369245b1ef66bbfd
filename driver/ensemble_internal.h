/*
 * ensemble_internal.h: the parts of `zoet ensemble` shared by its files:
 *
 *   ensemble.c        preparation (member folders, scenarios, transforms)
 *                     and the local runs;
 *   ensemble_slurm.c  the Slurm scripts and their submission.
 *
 * Not a public header: the program's interface is ensemble.h.
 */
#ifndef DRV_ENSEMBLE_INTERNAL_H
#define DRV_ENSEMBLE_INTERNAL_H

#include <limits.h>

#include "ensemble.h"
#include "io_ensemble.h"

/* An ensemble being prepared and run. */
typedef struct drv_ens {
    const drv_ens_opts *o;
    io_ensemble *e;
    char out[PATH_MAX];  /* the ensemble's folder, absolute */
    io_ens_status *st;   /* [e->nmember] */
} drv_ens;

/* The folder of member i into buf (size n); returns buf. */
char *drv_ens_member_dir(const drv_ens *x, int i, char *buf, size_t n);

/* Slurm (ensemble_slurm.c): write OUT/slurm/members.sbatch, table.sbatch
 * and submit.sh, then, unless o->no_submit, submit the two jobs (ids into
 * r). ZT_EIO naming the file, or sbatch's own message. */
zt_status drv_ens_slurm(drv_ens *x, drv_ens_result *r, zt_err *err);

#endif /* DRV_ENSEMBLE_INTERNAL_H */
