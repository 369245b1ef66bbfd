/*
 * io_picture.h: quicklook charts (DESIGN.md §3): a line chart of district
 * series as SVG. Maps of gridded fields are in io_map.h.
 *
 * A chart is an SVG 1.1 file (text, so axes, labels and a legend are easy),
 * written as .part and renamed when complete (io_file.h). docs/pictures.md
 * shows how to use it.
 */
#ifndef IO_PICTURE_H
#define IO_PICTURE_H

#include "zt.h"

/*
 * A "nice" number near x > 0 (Heckbert, "Nice numbers for graph labels",
 * Graphics Gems, 1990): 1, 2, 5 or 10 x 10^k; round_it = 1 the nearest of
 * them, 0 the smallest not below x. For the ticks of charts and of the
 * colour bar of maps (io_map_draw.c).
 */
double io_nice_num(double x, int round_it);

/*
 * A line chart of a long-format CSV (docs/io.md: header `date,<key>,v1,...`,
 * one row per date and feature, RFC 4180 quoting): the rows whose column
 * key_col equals key (text comparison, e.g. key_col "district", key
 * "21003"), each of the ncols >= 1 columns cols[] drawn as a line against
 * the date (column "date", YYYY-MM-DD), with axes, month ticks and labels on
 * the x axis, value ticks and labels on the y axis, a legend and the title
 * (NULL: "<key_col> <key>"). Rows are drawn in date order; NaN values leave
 * a gap (a new <polyline> after it). All strings borrowed.
 *
 * Statuses: ZT_EUSAGE for ncols < 1 or svg_path an existing folder (checked
 * before anything is read or written); ZT_EINPUT naming the file for a file
 * that cannot be opened (system's reason) or is not a regular file, an empty file, a missing column
 * (named, with the columns the file has), no rows for the key (named), a bad
 * date or number (line and column); ZT_EIO naming the SVG file when it
 * cannot be written (no .part is left); ZT_ENOMEM.
 */
zt_status io_chart_svg(const char *csv_path, const char *key_col, const char *key,
                       const char *const *cols, int ncols, const char *svg_path,
                       const char *title, zt_err *err);

#endif /* IO_PICTURE_H */
