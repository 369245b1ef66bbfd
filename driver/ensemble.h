/*
 * ensemble.h: `zoet ensemble ENSEMBLE.ini` (issue 15, item 4; docs/hpc.md):
 * the members of an ensemble (scenario files x climates x periods,
 * io_ensemble.h) prepared in folders of their own, then run here, N at a
 * time, as child processes of the zoet program, or on a cluster as a Slurm
 * array job followed by a job that makes the table.
 *
 * The folder of an ensemble (OUT):
 *
 *   OUT/members.csv                   one row per member: its task, name,
 *                                     scenario, climate, period, status,
 *                                     exit code and seconds
 *   OUT/forcing/F__CLIMATE.nc         each forcing transformed to each climate,
 *                                     once (and its .log)
 *   OUT/members/NAME/scenario.ini     the member's scenario, whole and standalone
 *   OUT/members/NAME/log.txt          its runs' output, attempt after attempt
 *   OUT/members/NAME/status.txt       "STATE EXIT SECONDS"
 *   OUT/members/NAME/run.json, ...    its outputs (zoet run), checkpoints/
 *   OUT/slurm/members.sbatch, table.sbatch, submit.sh, jobs.txt, logs/
 *   OUT/table/                        the table job's output (zoet table)
 */
#ifndef DRV_ENSEMBLE_H
#define DRV_ENSEMBLE_H

#include "zt.h"

/* Options of `zoet ensemble` that the command line sets. */
typedef struct drv_ens_opts {
    const char *file;  /* the ensemble file (borrowed) */
    const char *exe;   /* the zoet program the members run, an absolute path (borrowed) */
    const char *out;   /* NULL: the file's [ensemble] out; else this folder */
    int jobs;          /* > 0: members at once (overrides [local] jobs) */
    int threads;       /* > 0: OpenMP threads of each member (overrides [local] threads) */
    int slurm;         /* 1: write the Slurm scripts and submit them ... */
    int no_submit;     /* ... 1: write them only */
    int quiet;         /* 1: no progress lines on stdout; failures still on stderr */
} drv_ens_opts;

/* What came of it. */
typedef struct drv_ens_result {
    int nmember;          /* members */
    int ndone;            /* complete (in this call or before) */
    int nfailed;          /* ended with a non-zero exit status */
    int ninterrupted;     /* stopped by SIGINT or SIGTERM */
    int table_failed;     /* local runs: no table made at the end (said on stderr) */
    char job_members[32]; /* Slurm job id of the array, "" when not submitted */
    char job_table[32];   /* Slurm job id of the table job */
} drv_ens_result;

/*
 * Prepare the members and run them (or write and submit the Slurm jobs).
 * Everything is checked before anything runs: the ensemble file, every
 * scenario, that each member's forcing covers its period (the error names
 * the member and the first day missing), the transforms. A member that
 * fails does not stop the others: it is counted in r->nfailed and named
 * on stderr with its log. A member complete before (its run.json exists)
 * is not run again; one with checkpoints continues from the newest.
 *
 * Statuses: ZT_OK when every member ran (r->nfailed may be > 0) or the jobs
 * were written/submitted; ZT_ECONFIG, ZT_EINPUT for the ensemble file, a
 * scenario, a forcing or a transform; ZT_EIO for the folder, a file or
 * sbatch; ZT_EINTERRUPTED after SIGINT or SIGTERM (io_outset.h): the
 * running members were given the same signal and have stopped, their
 * checkpoints kept; ZT_ENOMEM.
 */
zt_status drv_ensemble(const drv_ens_opts *o, drv_ens_result *r, zt_err *err);

#endif /* DRV_ENSEMBLE_H */
