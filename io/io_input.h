/*
 * io_input.h: what a file given as input must be.
 *
 * Every opener of an input file (scenario and its extends chain, parameter
 * table, domain and field sources, forcing and recharge, district table,
 * network, KNMI files, station and chart CSV, a map's NetCDF) asks here
 * first. A FIFO blocks the opener forever, a device can give endless bytes
 * and a folder gives a library's puzzling message; all are refused with one
 * line naming the file and what it was meant to be. A path that does not
 * exist passes: the opener reports it as it always did ("cannot open: No
 * such file or directory"), with its own context.
 */
#ifndef IO_INPUT_H
#define IO_INPUT_H

#include "zt.h"

/*
 * What kind of non-regular file `path` is: "a folder", "a FIFO (named
 * pipe)", "a character device", "a block device", "a socket" or "of an
 * unknown kind"; NULL when it is a regular file (after symbolic links) or
 * cannot be examined (it does not exist, or no permission: the opener
 * then says why).
 */
const char *io_input_kind(const char *path);

/*
 * ZT_OK when `path` may be opened as an input (a regular file, or something
 * the opener will report itself), else status `st` (ZT_EINPUT, ZT_ECONFIG or
 * ZT_EUSAGE: the caller's kind of error) with the message
 * "<path>: <what> is <kind>, not a regular file", `what` naming its role
 * ("the forcing file"; NULL: "<path>: is <kind>, ..."). Does not open the
 * file.
 */
zt_status io_input_check(const char *path, const char *what, zt_status st, zt_err *err);

#endif /* IO_INPUT_H */
