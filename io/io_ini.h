/*
 * io_ini.h: scenario and parameter files: INI read with libinih, with values
 * written as TOML values so that every file is valid TOML too:
 *
 *   # a comment
 *   extends = "demo.ini"          # (root, before any section) inherit a file
 *   [run]
 *   name = "ijsselmeer-75"        # strings in double quotes
 *   start = 2018-01-01            # dates bare (TOML local date) or quoted
 *   threads = 2                   # integers, floats, true / false
 *   [output]
 *   variables = ["P", "Ta"]       # arrays on one line
 *
 * `extends` loads the named file first (relative to the file naming it) and
 * lets this file override its keys; a cycle is an error. Each value remembers
 * the file and line it came from, so every error names file, line and key.
 * Reading a key marks it used; io_ini_check_unused() then reports the first
 * key nobody asked for (an unknown key or section).
 *
 * Errors (all ZT_ECONFIG unless said): "<file>: cannot open: <strerror>";
 * "file:line: syntax error ..."; "file:line: [section] key: <why>" for a bad
 * value (bad number, bad date, unquoted text, unclosed string or array, text
 * after the value, a NUL character written as \u0000 or \U00000000, which
 * would cut the string), a key set twice in one file (naming both lines), a line
 * longer than libinih's limit (197 characters), an indented line (INI would
 * join it to the value above), a ';' comment, a repeated [section];
 * "file:line: extends: cycle a.ini -> b.ini -> a.ini"; "file: is a FIFO
 * (named pipe), not a regular file" (a folder, a device: io_input.h); ZT_ENOMEM; ZT_EIO
 * when reading fails. Limits: extends chains of at most 16 files.
 */
#ifndef IO_INI_H
#define IO_INI_H

#include "zt.h"

typedef struct io_ini io_ini; /* opaque */

/* Load `path` with its `extends` chain. *out is returned to the caller. */
zt_status io_ini_load(const char *path, io_ini **out, zt_err *err);

/* Free; accepts NULL and *ini == NULL; sets *ini = NULL. */
void io_ini_destroy(io_ini **ini);

/* 1 when section.key is set (does not mark it used). */
int io_ini_has(const io_ini *ini, const char *section, const char *key);

/*
 * Typed getters. When the key is absent, *out gets the default and ZT_OK is
 * returned (pass required = 1 to make absence an error). A value of the wrong
 * type or outside [min, max] is ZT_ECONFIG "file:line: [section] key: ...".
 * The section "" is the root (keys before any section). Returned strings are
 * borrowed from ini.
 */
zt_status io_ini_string(io_ini *ini, const char *section, const char *key, int required,
                        const char *def, const char **out, zt_err *err);
/* A path: relative paths are resolved against the folder of the file that
 * set the key. *out is a new string the caller frees (NULL stays NULL). */
zt_status io_ini_path(io_ini *ini, const char *section, const char *key, int required,
                      const char *def, char **out, zt_err *err);
zt_status io_ini_double(io_ini *ini, const char *section, const char *key, int required,
                        double def, double min, double max, double *out, zt_err *err);
zt_status io_ini_int(io_ini *ini, const char *section, const char *key, int required, long def,
                     long min, long max, long *out, zt_err *err);
zt_status io_ini_bool(io_ini *ini, const char *section, const char *key, int required, int def,
                      int *out, zt_err *err);
zt_status io_ini_date(io_ini *ini, const char *section, const char *key, int required,
                      zt_day def, zt_day *out, zt_err *err);
/* An array of exactly n numbers (n > 0) in [min, max]; a single number
 * instead of an array sets all n; absent: out untouched. */
zt_status io_ini_doubles(io_ini *ini, const char *section, const char *key, int required,
                         int n, double min, double max, double *out, zt_err *err);
/* An array of 1 to maxn numbers in [min, max]: into out, its length into
 * *n; absent: both untouched. */
zt_status io_ini_doubles_upto(io_ini *ini, const char *section, const char *key, int required,
                              int maxn, double min, double max, double *out, int *n, zt_err *err);
/* An array of strings; *out (array of borrowed strings) and *n are returned,
 * the caller frees the array (not the strings) with zt_free. An empty array
 * gives *out = NULL, *n = 0; so does an absent key (use io_ini_has to tell
 * them apart). */
zt_status io_ini_strings(io_ini *ini, const char *section, const char *key, int required,
                         const char ***out, int *n, zt_err *err);
/* An array of file names, each resolved as io_ini_path resolves one: *out
 * (new strings in a new array; the caller frees each and the array with
 * zt_free) and *n; an empty array or an absent key give NULL and 0. An
 * empty name is ZT_ECONFIG naming the item. */
zt_status io_ini_paths(io_ini *ini, const char *section, const char *key, int required,
                       char ***out, int *n, zt_err *err);
/* One of the names in `choices` (NULL-terminated); *out its index. */
zt_status io_ini_choice(io_ini *ini, const char *section, const char *key, int required,
                        const char *const *choices, int def, int *out, zt_err *err);

/*
 * Report an error about a value that was read (for checks across keys):
 * ZT_ECONFIG "file:line: [section] key: <message>".
 */
zt_status io_ini_fail(const io_ini *ini, const char *section, const char *key, zt_err *err,
                      const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* The sections present (in the whole extends chain, each name once, in the
 * order first seen): their count, and the i-th name (borrowed; NULL when i is
 * out of range). io_ini_has_section: 1 when [section] is present, even empty. */
int io_ini_nsections(const io_ini *ini);
const char *io_ini_section(const io_ini *ini, int i);
int io_ini_has_section(const io_ini *ini, const char *section);

/* The name after "prefix." in a section's name ("user.andijk" -> "andijk"),
 * or NULL. */
const char *io_ini_subname(const char *section, const char *prefix);

/* ZT_ECONFIG for the first key or section that was never read:
 * "file:line: [section] key: unknown key (known in [section]: a, b)" or
 * "file:line: unknown section [name] (known: run, input)". A section counts
 * as known once any getter asked for a key in it. */
zt_status io_ini_check_unused(const io_ini *ini, zt_err *err);

/* The top file's path (borrowed). */
const char *io_ini_file(const io_ini *ini);

#endif /* IO_INI_H */
