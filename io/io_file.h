/*
 * io_file.h: files written whole or not at all (STYLE.md 4).
 *
 * Every output is written under "<final>.part" and renamed to <final> only
 * when it is complete; a failed run removes the .part file, so no file that
 * looks whole is ever left behind.
 */
#ifndef IO_FILE_H
#define IO_FILE_H

#include <stdio.h>

#include "zt.h"

/*
 * Make the folder `dir` (and its parents) if it does not exist and check
 * that it can be written. ZT_EIO naming the folder and the system's reason.
 */
zt_status io_dir_ensure(const char *dir, zt_err *err);

/* "<final>.part" into buf (size n); returns buf. */
char *io_part_path(const char *final, char *buf, size_t n);

/*
 * Rename "<final>.part" to final. ZT_EIO naming the file when it fails.
 */
zt_status io_part_commit(const char *final, zt_err *err);

/* Remove "<final>.part" if it exists (a failed write); never fails. */
void io_part_discard(const char *final);

/*
 * Open "<final>.part" for writing text; the caller writes to *f, then calls
 * io_text_close(f, final, ok, err): it closes the file and commits it when ok
 * and nothing failed, or discards it. ZT_EIO naming the file.
 */
zt_status io_text_open(const char *final, FILE **f, zt_err *err);
zt_status io_text_close(FILE *f, const char *final, int ok, zt_err *err);

/* Join dir and name with one '/' into buf (size n); returns buf. */
char *io_path_join(const char *dir, const char *name, char *buf, size_t n);

#endif /* IO_FILE_H */
