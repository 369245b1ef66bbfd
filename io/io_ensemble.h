/*
 * io_ensemble.h: the ensemble file of `zoet ensemble` (issue 15, item 4;
 * docs/hpc.md), in the INI format of io_ini.h, and the member status files
 * and table it writes:
 *
 *   [ensemble]
 *   name = "klimaat"                      # names the Slurm jobs; a run name
 *   out = "../out/klimaat"                # the ensemble's folder (relative to this file)
 *   scenarios = ["demo.ini", "veenweide-30.ini"]   # scenario files (relative to this file)
 *   climates = ["none", "knmi14:WH:2050"]           # none | knmi14:SC:H | knmi23:SC:H
 *   periods = ["1991-01-01/2020-12-31"]             # START/END, overriding [run] start, end
 *
 *   [transform]                           # optional: options of zoet forcing transform
 *   region = "NON"                        # every station's KNMI'14 region (--region)
 *   p99 = "centr"                         # lower | centr | upper (--p99)
 *
 *   [local]                               # zoet ensemble (on this machine)
 *   jobs = 2                              # members at once (default 1)
 *   threads = 1                           # OpenMP threads of each member (default 1)
 *
 *   [slurm]                               # zoet ensemble --slurm
 *   time = "02:00:00"                     # per member task: HH:MM:SS or D-HH:MM:SS
 *   mem = "4G"                            # per member task: N, NK, NM, NG or NT
 *   cpus_per_task = 2                     # per member task; also its threads
 *   partition = "normal"                  # optional
 *   account = "zoetwater"                 # optional
 *   extra = ["--qos=normal"]              # optional: more #SBATCH options, one each
 *   table_time = "00:30:00"               # optional: the table job's limit (default: time)
 *
 * The members are the product scenarios x climates x periods in that order
 * (the period turns fastest); member i is Slurm array task i, and member 0
 * (the first scenario, climate and period) is the reference. A member's
 * name is "<scenario>__<climate>__<period>": the scenario file's name
 * without ".ini", the climate as "none", "knmi14-WH-2050" ("knmi14-2030"
 * for "knmi14:-:2030"), the period as "1991-2020" when it spans whole
 * calendar years, else "19910401-19910930".
 *
 * Errors are ZT_ECONFIG "file:line: [section] key: why" (a missing key, an
 * empty list, an unknown climate, a malformed period, a number out of range,
 * a bad time or memory, two scenario files of one name, an item twice).
 */
#ifndef IO_ENSEMBLE_H
#define IO_ENSEMBLE_H

#include <stdio.h>

#include "zt.h"

#define IO_ENS_NAME_MAX 160  /* a member's name, with its NUL */
#define IO_ENS_MAX_MEMBERS 10000

typedef struct io_ens_climate {
    char spec[48];     /* as written: "none", "knmi14:WH:2050" */
    char family[16];   /* "" (none), "knmi14" or "knmi23": the transform's option */
    char scenario[16]; /* "WH", "Hd"; "-" for KNMI'14 2030 */
    char horizon[16];  /* "2050" */
    char tag[48];      /* in member names: "none", "knmi14-WH-2050" */
} io_ens_climate;

typedef struct io_ens_period {
    zt_day start, end; /* first and last day simulated */
    char tag[24];      /* in member names: "1991-2020", "19910401-19910930" */
} io_ens_period;

typedef struct io_ens_member {
    int scenario, climate, period; /* indices into the lists */
    char name[IO_ENS_NAME_MAX];
} io_ens_member;

typedef struct io_ens_slurm {
    int set;               /* 1 when the file has [slurm] */
    char time[24];         /* as written, "02:00:00" */
    long seconds;          /* the same in seconds (> 0) */
    char table_time[24];   /* the table job's time limit */
    char mem[24];          /* "4G" */
    int cpus_per_task;     /* >= 1 */
    char partition[128];   /* "" when not set */
    char account[128];     /* "" when not set */
    char **extra;          /* [nextra] more #SBATCH options (owned) */
    int nextra;
} io_ens_slurm;

typedef struct io_ensemble {
    char *file;            /* the ensemble file, absolute */
    char name[64];
    char *out;             /* the ensemble's folder, absolute */
    char **scenario;       /* [nscen] scenario files, absolute (owned) */
    char **stem;           /* [nscen] their names without ".ini" (owned) */
    int nscen;
    io_ens_climate *climate;
    int nclim;
    io_ens_period *period;
    int nper;
    io_ens_member *member; /* [nmember] in array-task order */
    int nmember;
    char tf_region[8];     /* [transform] region, "" when not set */
    char tf_p99[8];        /* [transform] p99, "" when not set */
    int jobs, threads;     /* [local] */
    io_ens_slurm slurm;
} io_ensemble;

/*
 * Load an ensemble file. The file's path is made absolute first, so every
 * path in *out is absolute. *out is returned to the caller
 * (io_ensemble_destroy). ZT_ECONFIG as above; ZT_ENOMEM; io_ini_load's
 * statuses for the file itself.
 */
zt_status io_ensemble_load(const char *path, io_ensemble **out, zt_err *err);

/* Free; accepts NULL and *e == NULL; sets *e = NULL. */
void io_ensemble_destroy(io_ensemble **e);

/*
 * Parse one climate ("none", "knmi14:WH:2050", "knmi23:Hd:2050") into *c.
 * Returns 0, or -1 when it is not one of the known climates.
 */
int io_ens_parse_climate(const char *spec, io_ens_climate *c);

/* Parse a period "YYYY-MM-DD/YYYY-MM-DD" (start not after end) into *p.
 * Returns 0, or -1 when malformed. */
int io_ens_parse_period(const char *text, io_ens_period *p);

/*
 * A member's state, kept in its folder as status.txt, one line
 * "STATE EXIT SECONDS" (EXIT "-" while there is none), written by
 * `zoet ensemble` for local members and by the Slurm task script.
 */
typedef struct io_ens_status {
    char state[16];   /* pending, running, done, failed, interrupted, killed */
    int exit_code;    /* -1: none yet */
    double seconds;   /* wall time of its runs so far (s) */
} io_ens_status;

/* Read dir/status.txt into *st; a folder without one gives "pending", -1,
 * 0 (ZT_OK). ZT_EINPUT naming the file when it is malformed. */
zt_status io_ens_status_read(const char *dir, io_ens_status *st, zt_err *err);

/* Write dir/status.txt (through a .part file). ZT_EIO naming the file. */
zt_status io_ens_status_write(const char *dir, const io_ens_status *st, zt_err *err);

/*
 * Write the table of members to path (through a .part file): the columns
 * task, name, scenario, climate, start, end, status, exit_code, seconds;
 * one row per member in task order; st[i] is member i's status. The first
 * line, CSV header, is IO_ENS_CSV_HEADER. ZT_EIO naming the file.
 */
#define IO_ENS_CSV_HEADER "task,name,scenario,climate,start,end,status,exit_code,seconds"
zt_status io_ens_write_csv(const io_ensemble *e, const io_ens_status *st, const char *path,
                           zt_err *err);

/* The fixed columns of member i's row ("0,NAME,SCENARIO,CLIMATE,START,END")
 * into buf (size n); returns buf. */
char *io_ens_csv_row(const io_ensemble *e, int i, char *buf, size_t n);

#endif /* IO_ENSEMBLE_H */
