/*
 * table.h: `zoet table RUN_DIR... [--out DIR]` (issue 15; docs/table.md):
 * the consultation table across runs, the first the reference. Per run
 * its statistics (stats.h) in its average year, its 1-in-10 dry year and
 * 2018, and the difference to the reference; written as table.csv (tidy),
 * table.md and table.html (with charts and a map per run) into DIR.
 */
#ifndef DRV_TABLE_H
#define DRV_TABLE_H

#include "zt.h"

/* ZT_EINPUT naming the run folder (stats.h) or a map that cannot be made;
 * ZT_EIO; ZT_ENOMEM. */
zt_status drv_table(const char *const *runs, int nrun, const char *out_dir, int quiet, zt_err *err);

#endif /* DRV_TABLE_H */
