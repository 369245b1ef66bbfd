/*
 * io_file.h: files written whole or not at all (STYLE.md 4).
 *
 * Every output is written under "<final>.part" and renamed to <final> only
 * when it is complete; a failed run removes the .part file, so no file that
 * looks whole is ever left behind. Also: paths (joining, the folder of
 * zoet's built-in data).
 */
#ifndef IO_FILE_H
#define IO_FILE_H

#include <stdio.h>

#include "zt.h"

/*
 * Make the folder `dir` (and its parents) if it does not exist and check
 * that it can be written. ZT_EIO naming the folder, the component at fault
 * and the real reason: "'a/b' does not exist and cannot be created:
 * Permission denied" (the parent is not writable), "cannot reach 'a/b':
 * Permission denied" (a parent cannot be searched), "'a/b' exists but is not
 * a folder", "not writable: Read-only file system".
 */
zt_status io_dir_ensure(const char *dir, zt_err *err);

/* "<final>.part" into buf (size n); returns buf. */
char *io_part_path(const char *final, char *buf, size_t n);

/*
 * Rename "<final>.part" to final. ZT_EIO naming the file when it fails.
 */
zt_status io_part_commit(const char *final, zt_err *err);

/*
 * Remove "<final>.part" if it exists (a failed write); never fails, keeps
 * errno. When the file stopped at a storage limit (it is as large as the
 * file-size limit, or its file system has less than IO_LIMIT_FREE_MIN bytes
 * free) the reason is noted first, for io_part_limit: after the unlink the
 * space is free again and the reason can no longer be seen.
 */
void io_part_discard(const char *final);

#define IO_LIMIT_MSG_MAX 768
#define IO_LIMIT_FREE_MIN (64ULL * 1024ULL) /* bytes: below this a file system is full */

/*
 * The reason a file `final` (written as `path`, now `size` bytes) stopped
 * at a storage limit, as one line into buf (size n): "<final>: File too
 * large: it reached the file-size limit (ulimit -f) of N bytes" or
 * "<final>: No space left on device: the file system has N bytes free".
 * Returns 1 when a limit applies, else 0 (buf untouched).
 */
int io_storage_limit(const char *final, const char *path, long long size, char *buf, size_t n);

/*
 * The first reason io_part_discard noted since the start or the last clear,
 * into buf (size n, may be NULL); clear = 1 forgets it. Returns 1 when there
 * is one. Process-wide (every writer, any thread), for the diagnosis of a
 * failed run (io_outset_abort).
 */
int io_part_limit(char *buf, size_t n, int clear);

/*
 * Open "<final>.part" for writing text; the caller writes to *f, then calls
 * io_text_close(f, final, ok, err): it closes the file and commits it when ok
 * and nothing failed, or discards it. ZT_EIO naming the file.
 */
zt_status io_text_open(const char *final, FILE **f, zt_err *err);
zt_status io_text_close(FILE *f, const char *final, int ok, zt_err *err);

/* The last component of path without the ending ext (".ini"), when it has
 * it, into buf (size n); returns buf. */
char *io_path_stem(const char *path, const char *ext, char *buf, size_t n);

/* Join dir and name with one '/' into buf (size n); returns buf. */
char *io_path_join(const char *dir, const char *name, char *buf, size_t n);

/*
 * The folder of zoet's built-in data (the KNMI'14 deltas, the province
 * boundaries, the demo's station files) into buf (size n): "data" beside the
 * running program (/proc/self/exe: …/zoet -> …/data) when it can be read,
 * else "data" (relative to the working folder, as in the repository).
 * Returns buf.
 */
char *io_data_dir(char *buf, size_t n);

#endif /* IO_FILE_H */
