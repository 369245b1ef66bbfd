/*
 * domain_build.h: `zoet domain build DOMAIN.ini [--out DIR]` (issue 16;
 * docs/domain.md): a domain (domain.nc) and its district table
 * (districts.ini), exactly as `zoet run` reads them, from the GIS layers a
 * water board holds, through GDAL/OGR (io_layer.h, io_dpoly.h).
 */
#ifndef DRV_DOMAIN_BUILD_H
#define DRV_DOMAIN_BUILD_H

#include "zt.h"

/* ZT_ECONFIG for DOMAIN.ini (io_domainspec.h); ZT_EINPUT naming the layer
 * and what is wrong (io_layer.h, io_dpoly.h; a code missing from a class
 * table; an active cell a required field has no value for and no default);
 * ZT_EIO; ZT_ENOMEM. Prints a line per layer (cells, no data, outside) and
 * for the districts (cells in none, overlaps) unless quiet. */
zt_status drv_domain_build(const char *spec_path, const char *out_dir, int quiet, zt_err *err);

#endif /* DRV_DOMAIN_BUILD_H */
