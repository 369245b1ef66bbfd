/*
 * demo.c: `zoet demo build`: the inputs of the built-in Noord-Nederland demo,
 * made deterministically from the data shipped in data/:
 *   - layers/: the demo domain (grids/grid_demo.c, from the PDOK province
 *     polygons in data/boundaries/) and its district table (target levels,
 *     open water, pumps, flushing, by schematic rules) as GeoTIFFs, a
 *     GeoPackage and the DOMAIN.ini that builds them (io_demo_layers.h);
 *   - domain.nc and districts.ini: built from layers/DOMAIN.ini by `zoet
 *     domain build` (driver/domain_build.c), as a water board's would be;
 *   - forcing.nc: the KNMI daily station series in data/knmi/ for 2018 (the
 *     drought year), imported like `zoet forcing knmi`.
 */
#include "driver.h"

#include <glob.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "domain_build.h"
#include "grid_demo.h"
#include "io_demo_layers.h"
#include "io_districts.h"
#include "io_file.h"
#include "io_forcing.h"
#include "io_nc.h"

/* The stations of the demo: the northern KNMI stations (DESIGN issue 2). */
static const char *const demo_station_globs[] = {
    "knmi/etmgeg_251_*.csv", "knmi/etmgeg_270_*.csv", "knmi/etmgeg_273_*.csv",
    "knmi/etmgeg_277_*.csv", "knmi/etmgeg_279_*.csv", "knmi/etmgeg_286_*.csv",
};
#define N_DEMO_STATIONS (sizeof demo_station_globs / sizeof demo_station_globs[0])

zt_status drv_demo_build(const char *data_dir, const char *out_dir, int quiet, zt_err *err)
{
    char path[4096], boundaries[4096], stations[4096], domain_nc[4096], forcing_nc[4096];
    char districts_ini[4096], layers_dir[4096], spec[4096];
    struct timespec t0, t1;
    grid_district *dist = NULL;
    int ndist = 0;
    char *files[N_DEMO_STATIONS];
    grid_domain *dom = NULL;
    io_knmi_opts ko;
    zt_status st;
    size_t i, nfiles = 0;

    memset(files, 0, sizeof files);
    st = io_dir_ensure(out_dir, err);
    if (st != ZT_OK) {
        return st;
    }
    io_path_join(data_dir, "boundaries/provinciegebied_noord_nederland_rd_new.geojson", boundaries,
                 sizeof boundaries);
    io_path_join(data_dir, "knmi/stations.csv", stations, sizeof stations);
    io_path_join(out_dir, "domain.nc", domain_nc, sizeof domain_nc);
    io_path_join(out_dir, "forcing.nc", forcing_nc, sizeof forcing_nc);
    io_path_join(out_dir, "districts.ini", districts_ini, sizeof districts_ini);
    io_path_join(out_dir, "layers", layers_dir, sizeof layers_dir);
    io_path_join(layers_dir, "DOMAIN.ini", spec, sizeof spec);

    /* The schematic domain and its table in memory, written as GIS layers
     * (io_demo_layers.h), and built back from them by `zoet domain build`:
     * the demo is the worked example of that path (docs/domain.md). */
    st = grid_demo_build(boundaries, GRID_DEMO_DX, &dom, err);
    if (st == ZT_OK) {
        st = grid_demo_districts(dom, &dist, &ndist, err);
    }
    if (st == ZT_OK) {
        st = io_demo_layers_write(dom, dist, ndist, layers_dir, err);
    }
    if (st != ZT_OK) {
        goto done;
    }
    if (!quiet) {
        printf("zoet demo: wrote the layers and their recipe %s\n", spec);
    }
    clock_gettime(CLOCK_MONOTONIC, &t0);
    st = drv_domain_build(spec, out_dir, quiet, err);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    if (st != ZT_OK) {
        goto done;
    }
    if (!quiet) {
        printf("zoet demo: built %s and %s from the layers in %.2f s (%lld x %lld cells of %g m, "
               "%d districts)\n",
               domain_nc, districts_ini,
               (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec),
               (long long)dom->g.nx, (long long)dom->g.ny, dom->g.dx, ndist);
    }

    for (i = 0; i < N_DEMO_STATIONS; i++) {
        glob_t gl;
        io_path_join(data_dir, demo_station_globs[i], path, sizeof path);
        if (glob(path, 0, NULL, &gl) != 0 || gl.gl_pathc != 1) {
            st = zt_fail(err, ZT_EINPUT, "%s: expected exactly one KNMI file matching it", path);
            globfree(&gl);
            goto done;
        }
        files[nfiles] = strdup(gl.gl_pathv[0]);
        globfree(&gl);
        if (!files[nfiles]) {
            st = zt_fail(err, ZT_ENOMEM, "out of memory");
            goto done;
        }
        nfiles++;
    }
    memset(&ko, 0, sizeof ko);
    ko.stations = stations;
    ko.fill_nearest = 0;
    ko.first = zt_day_from_ymd(2018, 1, 1);
    ko.last = zt_day_from_ymd(2018, 12, 31);
    st = io_knmi_import((const char *const *)files, (int)nfiles, &ko, forcing_nc,
                        quiet ? NULL : stdout, err);
    if (st == ZT_OK && !quiet) {
        printf("zoet demo: wrote %s (%zu KNMI stations, 2018)\n", forcing_nc, nfiles);
    }
done:
    for (i = 0; i < N_DEMO_STATIONS; i++) {
        free(files[i]);
    }
    zt_free(dist);
    grid_domain_destroy(&dom);
    return st;
}
