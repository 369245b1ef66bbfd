/*
 * io_outset.h: one output set, all or nothing (issue 11, item 4).
 *
 * A run writes its files into a staging folder inside the output folder,
 * `<dir>/.staging-<pid>/`, and publishes the whole set at the end: the old
 * `<dir>/run.json` is removed, the new files are renamed into `<dir>`, and a
 * new `run.json`, the manifest, is renamed in last. A folder without
 * run.json holds no complete set; a file that run.json does not list (or
 * whose sha256 differs) is not part of it. The manifest names the program
 * and its version, the scenario file and its `extends` chain, every input
 * the scenario names, each with its sha256, the period, the threads, the
 * exit status and every output file with its size and sha256
 * (docs/io.md, "The output set").
 *
 * A lock, `<dir>/.zoet.lock`, keeps a second run out of the folder: it holds
 * the pid and start time of its owner under an flock(2), which the kernel
 * drops when the owner dies, so a lock left by a dead run is taken over (with
 * a line on the log) and so is its staging folder (removed).
 *
 * Signals: io_outset_catch_signals() makes SIGINT and SIGTERM set a flag
 * (the handler does nothing else: async-signal-safe) and ignores SIGXFSZ, so
 * that writing past the file-size limit fails with EFBIG instead of killing
 * the process. The time loop polls the flag (io_outset_poll) once a day, and
 * io_outset_publish checks it before it touches the folder.
 *
 * Usage:
 *   io_outset_create(dir, &info, stderr, &set, err);   lock, staging folder
 *   io_outset_add_scenario(set, sc, err);              inputs and their sha256
 *   ... writers write into io_outset_staging(set) ...
 *   io_outset_poll(set, err);                          once a day
 *   io_outset_publish(set, err);                       or, on failure:
 *   st = io_outset_abort(set, st, err);
 *   io_outset_destroy(&set);
 */
#ifndef IO_OUTSET_H
#define IO_OUTSET_H

#include <stdio.h>

#include "io_scenario.h"
#include "zt.h"

typedef struct io_outset io_outset; /* opaque */

/* What the manifest says about the run. Strings borrowed for the call. */
typedef struct io_outset_info {
    const char *program; /* "zoet" */
    const char *version; /* "0.1.0" */
    zt_day start, end;   /* the period simulated (first and last day) */
    int threads;         /* OpenMP threads used */
} io_outset_info;

/*
 * Begin a set in folder `dir` (made if missing, io_dir_ensure): take the
 * lock, remove staging folders left by dead runs, make the staging folder.
 * log (borrowed, may be NULL) gets one line when a stale lock is taken
 * over. *out is returned to the caller; free it with io_outset_destroy.
 * Statuses: ZT_EIO naming the folder and the reason (io_dir_ensure's; the
 * lock held by a live run: "output folder 'D' is in use by another zoet run
 * (pid N, started T)"; the lock or staging folder cannot be made), ZT_ENOMEM.
 */
zt_status io_outset_create(const char *dir, const io_outset_info *info, FILE *log,
                           io_outset **out, zt_err *err);

/* The staging folder the writers write into, and the output folder
 * (borrowed from s, valid until io_outset_destroy). */
const char *io_outset_staging(const io_outset *s);
const char *io_outset_dir(const io_outset *s);

/*
 * Add an input file under `role` ("domain", "forcing", ...) with its sha256,
 * computed now (the file as the run read it); the manifest names it by its
 * absolute path (realpath). A file added before is skipped. ZT_EIO naming
 * the file when it cannot be read, ZT_ENOMEM.
 */
zt_status io_outset_add_input(io_outset *s, const char *role, const char *path, zt_err *err);

/*
 * Add an INI file (scenario, parameters, network, district table) and the
 * files its `extends` chain names, resolved as io_ini.h does (relative to
 * the file that names them; at most 16 files; a cycle stops the chain).
 * The first gets `role`, the others "<role> (extends)". Statuses as
 * io_outset_add_input.
 */
zt_status io_outset_add_ini(io_outset *s, const char *role, const char *path, zt_err *err);

/*
 * Add every input the scenario names (borrowed): the scenario file and its
 * extends chain ("scenario"), parameters, domain, forcing, districts,
 * recharge, network, ijsselmeer_series, the field replacements
 * ("field <name>") and the peat base tables ("peat_base"), those that are
 * set. Statuses as io_outset_add_input.
 */
zt_status io_outset_add_scenario(io_outset *s, const io_scenario *sc, zt_err *err);

/*
 * 0 while no SIGINT or SIGTERM has come since io_outset_catch_signals, else
 * its number. Async-signal-safe to read; any thread.
 */
int io_outset_interrupted(void);

/*
 * ZT_OK, or, after SIGINT or SIGTERM, ZT_EINTERNAL "interrupted by SIGTERM:
 * nothing published in D, its previous outputs are untouched" (s may be
 * NULL). For the time loop, once a day; main maps the signal to exit 130/143.
 */
zt_status io_outset_poll(const io_outset *s, zt_err *err);

/*
 * Install the handlers: SIGINT and SIGTERM set the flag of
 * io_outset_interrupted (a second one kills the process: SA_RESETHAND);
 * SIGXFSZ is ignored. For main, once. ZT_EINTERNAL when sigaction fails.
 */
zt_status io_outset_catch_signals(zt_err *err);

/*
 * Publish: check the interrupt flag and the free space, hash every file of
 * the staging folder, write the manifest there, fsync; then remove the old
 * run.json, rename every file into the output folder, rename run.json in
 * last, fsync the folder, remove the staging folder and the lock. Every
 * writer must be closed (no .part left: ZT_EINTERNAL naming it). Statuses:
 * ZT_EIO naming the file and the reason (before the old run.json is
 * removed nothing in the folder has changed; after it, the folder holds no
 * complete set), ZT_EINTERNAL for an interrupt or a full file system (as
 * io_outset_abort), ZT_ENOMEM. After a failure call io_outset_abort.
 */
zt_status io_outset_publish(io_outset *s, zt_err *err);

/*
 * Give up the set after a failure with status st (already recorded in err):
 * remove the staging folder and the lock; the output folder's previous
 * files are untouched. Returns the status to report: st, except when st is
 * ZT_EIO or ZT_ENETCDF and a file of the set stopped at a storage limit
 * (io_part_limit, or a file of the staging folder now): then err is
 * replaced by one line naming the file and the reason ("D/districts.nc: No
 * space left on device: the file system has N bytes free; nothing
 * published ...") and ZT_EINTERNAL is returned, exit status 1 (zt.h has no
 * status of its own for exhausted storage; it is not bad input). s may be
 * NULL (returns st). Does nothing after a publish.
 */
zt_status io_outset_abort(io_outset *s, zt_status st, zt_err *err);

/* Free; a set neither published nor aborted is aborted first. Accepts NULL
 * and *s == NULL; sets *s = NULL. */
void io_outset_destroy(io_outset **s);

/* Lowercase hex sha256 of a file into hex (65 bytes). ZT_EIO naming the
 * file, ZT_ENOMEM. (libcrypto's EVP API) */
zt_status io_sha256_file(const char *path, char hex[65], zt_err *err);

/* One sha256 over the roles and sha256 of every input added (the state of
 * a restart excepted), as 64 hex digits: what a checkpoint's run used, so
 * that a restart with other inputs is refused. ZT_EINTERNAL (libcrypto). */
zt_status io_outset_inputs_digest(const io_outset *s, char hex[65], zt_err *err);

#endif /* IO_OUTSET_H */
