/*
 * io_ckpt.h: checkpoints of a run (docs/io.md, "Checkpoints and restart"):
 * the copies of the outputs written so far, and the state file that holds
 * every state variable of the model, so that `zoet run --restart` continues
 * a run and ends with the same bytes as the run that was not interrupted.
 *
 * A checkpoint is a folder <out>/checkpoints/<date>/, <date> the first day
 * the continued run simulates; it is made under a temporary name and
 * renamed when complete, so a folder with that name is always whole.
 */
#ifndef IO_CKPT_H
#define IO_CKPT_H

#include <stddef.h>
#include <stdio.h>

#include "zt.h"

/* Copy the file src to dir/<the last component of final>. ZT_EIO naming
 * the files and the system's reason (a full disk). */
zt_status io_ckpt_copy_in(const char *src, const char *dir, const char *final, zt_err *err);

/* Copy dir/<the last component of final> to dst. ZT_EINPUT when the
 * checkpoint has no such file; ZT_EIO naming the files otherwise. */
zt_status io_ckpt_copy_out(const char *dir, const char *final, const char *dst, zt_err *err);

/*
 * Continue a text output from a checkpoint: close *f (if open), copy
 * dir/<last component of final> to part, check that it holds `lines`
 * lines (the header and every row up to the checkpoint), and open it for
 * appending into *f. ZT_EINPUT naming the folder when the copy is missing
 * or has another number of lines; ZT_EIO naming the file.
 */
zt_status io_ckpt_resume_text(FILE **f, const char *dir, const char *final, const char *part,
                              long lines, zt_err *err);

/* One array of the state: name, length and values (borrowed; written
 * from, read into). */
typedef zt_named_array io_ckpt_var;

/* Write the state file path (under .part, renamed when whole): the arrays
 * and the global attributes day (the first day still to simulate, as
 * YYYY-MM-DD) and fingerprint (what the run must match to continue).
 * ZT_EIO naming the file. */
zt_status io_ckpt_write(const char *path, zt_day day, const char *fingerprint,
                        const io_ckpt_var *vars, int nvar, zt_err *err);

/* Read the day and fingerprint of a state file (fingerprint into fp, size
 * nfp). ZT_EINPUT naming the file when it is not a zoet state file. */
zt_status io_ckpt_peek(const char *path, zt_day *day, char *fp, size_t nfp, zt_err *err);

/* Read the arrays of a state file into vars (each must be there with the
 * length given). ZT_EINPUT naming file and variable. */
zt_status io_ckpt_read(const char *path, const io_ckpt_var *vars, int nvar, zt_err *err);

/*
 * Start the checkpoint of `day` (the first day the continued run
 * simulates) under root: makes the empty folder root/checkpoints/.DATE.tmp
 * (tmp) and names the final one root/checkpoints/DATE (final). The writers
 * copy into tmp; io_ckpt_commit then puts it in place of final (an older
 * checkpoint of that date is replaced), io_ckpt_discard removes it after a
 * failure. ZT_EIO naming the folder and the reason.
 */
zt_status io_ckpt_begin(const char *root, zt_day day, char *tmp, size_t ntmp, char *final,
                        size_t nfinal, zt_err *err);
zt_status io_ckpt_commit(const char *tmp, const char *final, zt_err *err);
void io_ckpt_discard(const char *tmp);

/* Prune root/checkpoints for a run that simulates from `first` and has
 * just written the checkpoint of `last`: of the checkpoints dated first to
 * last (this run's, and the one it continued from) the `keep` latest stay;
 * those dated after `last` are another run's and stale: they go; those
 * before `first` are left alone. ZT_EIO naming the folder. */
zt_status io_ckpt_prune(const char *root, zt_day first, zt_day last, int keep, zt_err *err);

/* The newest checkpoint of the run whose output folder is root: the path
 * root/checkpoints/DATE/state.nc of the latest DATE that holds a state file
 * into state (size n), and 1; 0 when there is none (no folder, or no room
 * in state). Folders under a temporary name (being written) are skipped. */
int io_ckpt_latest(const char *root, char *state, size_t n);

#endif /* IO_CKPT_H */
