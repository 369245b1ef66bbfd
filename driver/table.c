/*
 * table.c: `zoet table` (table.h; docs/table.md).
 */
#include "table.h"

#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_file.h"
#include "io_map.h"
#include "io_results.h"
#include "io_table.h"
#include "stats.h"

enum { NPER = IO_TABLE_NPER };

typedef struct tb {
    int nrun, nrow;
    drv_stats *st;      /* [nrun] */
    char (*name)[256];  /* [nrun] */
    char (*clim)[256];  /* [nrun] */
    const drv_series **row; /* [nrow] the first run's series that defines the row */
    int *year;          /* [nrun * NPER] */
    double *v;          /* [nrow * nrun * NPER] */
} tb;

static void tb_free(tb *t)
{
    for (int r = 0; r < t->nrun; r++) {
        drv_stats_free(&t->st[r]);
    }
    zt_free(t->st);
    zt_free(t->name);
    zt_free(t->clim);
    zt_free(t->row);
    zt_free(t->year);
    zt_free(t->v);
}

/* The rows: every (statistic, area, class) of any run, in the order met. */
static zt_status rows(tb *t, zt_err *err)
{
    int cap = 0;
    for (int r = 0; r < t->nrun; r++) {
        for (int i = 0; i < t->st[r].nser; i++) {
            const drv_series *x = &t->st[r].ser[i];
            int known = 0;
            for (int k = 0; k < t->nrow && !known; k++) {
                known = strcmp(t->row[k]->stat, x->stat) == 0 &&
                        strcmp(t->row[k]->area, x->area) == 0 && strcmp(t->row[k]->cls, x->cls) == 0;
            }
            if (known) {
                continue;
            }
            if (t->nrow == cap) {
                cap = cap ? 2 * cap : 64;
                const drv_series **n = zt_realloc(t->row, (size_t)cap * sizeof *n);
                if (!n) {
                    return zt_fail(err, ZT_ENOMEM, "zoet table: out of memory");
                }
                t->row = n;
            }
            t->row[t->nrow++] = x;
        }
    }
    return ZT_OK;
}

static void values(tb *t)
{
    for (int r = 0; r < t->nrun; r++) {
        const drv_stats *s = &t->st[r];
        const int y[NPER] = {s->avg_year, s->dry10_year, 2018};
        for (int p = 0; p < NPER; p++) {
            /* 2018 only when the run simulated it whole */
            t->year[r * NPER + p] = y[p] >= s->y0 && y[p] < s->y0 + s->ny ? y[p] : 0;
        }
        for (int i = 0; i < t->nrow; i++) {
            const drv_series *x = drv_stats_find(s, t->row[i]->stat, t->row[i]->area, t->row[i]->cls);
            for (int p = 0; p < NPER; p++) {
                t->v[((size_t)i * (size_t)t->nrun + (size_t)r) * NPER + (size_t)p] =
                    t->year[r * NPER + p] ? drv_stats_value(s, x, y[p]) : NAN;
            }
        }
    }
}

static zt_status load(tb *t, const char *const *runs, zt_err *err)
{
    t->st = zt_calloc((size_t)t->nrun, sizeof *t->st);
    t->name = zt_calloc((size_t)t->nrun, sizeof *t->name);
    t->clim = zt_calloc((size_t)t->nrun, sizeof *t->clim);
    t->year = zt_calloc((size_t)t->nrun * NPER, sizeof *t->year);
    if (!t->st || !t->name || !t->clim || !t->year) {
        return zt_fail(err, ZT_ENOMEM, "zoet table: out of memory");
    }
    zt_status st = ZT_OK;
    for (int r = 0; st == ZT_OK && r < t->nrun; r++) {
        char buf[4096];
        snprintf(buf, sizeof buf, "%s", runs[r]);
        for (size_t l = strlen(buf); l > 1 && buf[l - 1] == '/'; l--) {
            buf[l - 1] = '\0';
        }
        snprintf(t->name[r], sizeof t->name[r], "%s", basename(buf));
        for (int q = 0; q < r; q++) {
            if (strcmp(t->name[q], t->name[r]) == 0) {
                return zt_fail(err, ZT_EINPUT,
                               "two runs are named '%s' (%s and %s): their columns "
                               "could not be told apart; give each run once, from folders of "
                               "different names",
                               t->name[r], runs[q], runs[r]);
            }
        }
        st = drv_stats_compute(runs[r], &t->st[r], err);
        if (st == ZT_OK) {
            io_results_forcing_label(t->st[r].forcing, t->clim[r], sizeof t->clim[r]);
        }
    }
    if (st == ZT_OK) {
        st = rows(t, err);
    }
    if (st == ZT_OK) {
        t->v = zt_malloc((size_t)(t->nrow > 0 ? t->nrow : 1) * (size_t)t->nrun * NPER * sizeof *t->v);
        st = t->v ? ZT_OK : zt_fail(err, ZT_ENOMEM, "zoet table: out of memory");
    }
    if (st == ZT_OK) {
        values(t);
    }
    return st;
}

static int find_row(const tb *t, const char *stat, const char *area, const char *cls)
{
    for (int i = 0; i < t->nrow; i++) {
        if (strcmp(t->row[i]->stat, stat) == 0 && strcmp(t->row[i]->area, area) == 0 &&
            strcmp(t->row[i]->cls, cls) == 0) {
            return i;
        }
    }
    return -1;
}

/* The map of run r: its mean summer groundwater depth (peat.nc
 * summer_depth), for the others the difference to the reference's. Into
 * png (and its caption); *made 0 when the run has no peat.nc. */
static zt_status map_of(const char *const *runs, const tb *t, int r, const double *ref,
                        const zt_grid *g, const char *png, char *cap, size_t ncap, zt_err *err)
{
    zt_grid gr;
    double *f = NULL;
    io_map_style ms;
    char title[512];
    zt_status st = io_results_field(runs[r], "peat.nc", "summer_depth", g, &gr, &f, err);
    if (st != ZT_OK) {
        return st;
    }
    const size_t n = (size_t)zt_grid_ncell(&gr);
    for (size_t k = 0; r > 0 && k < n; k++) {
        f[k] -= ref[k];
    }
    io_map_style_default(&ms);
    ms.scale = gr.nx < 600 ? 600 / gr.nx : 1;
    ms.scale = ms.scale > 64 ? 64 : ms.scale;
    ms.diverging = r > 0;
    ms.units = r > 0 ? "m (+: deeper than the reference)" : "m below surface";
    snprintf(title, sizeof title, r > 0 ? "%s: change of the mean summer water table"
                                        : "%s: mean summer water table (Apr-Sep)",
             t->name[r]);
    ms.title = title;
    ms.subtitle = r > 0 ? "depth below surface, this run minus the reference, all years"
                        : "depth below surface, mean of the run's complete summers";
    snprintf(cap, ncap, "%s", title);
    st = io_map_field_png(f, &gr, &ms, png, err);
    zt_free(f);
    return st;
}

/* A map per run that has peat.nc, beside the table: map_<run>.png. */
static zt_status maps(const char *const *runs, const tb *t, const char *out_dir, char (*png)[4096],
                      char (*cap)[512], io_table_map *m, int *nm, zt_err *err)
{
    zt_grid g;
    double *ref = NULL;
    char probe[4096];
    *nm = 0;
    io_path_join(runs[0], "peat.nc", probe, sizeof probe);
    if (access(probe, F_OK) != 0) {
        return ZT_OK; /* a run without groundwater: no maps */
    }
    zt_status st = io_results_field(runs[0], "peat.nc", "summer_depth", NULL, &g, &ref, err);
    for (int r = 0; st == ZT_OK && r < t->nrun; r++) {
        char name[300];
        io_path_join(runs[r], "peat.nc", probe, sizeof probe);
        if (access(probe, F_OK) != 0) {
            continue; /* this run has no groundwater: no map of it */
        }
        snprintf(name, sizeof name, "map_%d_%s.png", r, t->name[r]);
        io_path_join(out_dir, name, png[r], sizeof png[r]);
        st = map_of(runs, t, r, ref, &g, png[r], cap[r], sizeof cap[r], err);
        m[*nm].png = png[r];
        m[*nm].caption = cap[r];
        *nm += st == ZT_OK;
    }
    zt_free(ref);
    return st;
}

zt_status drv_table(const char *const *runs, int nrun, const char *out_dir, int quiet, zt_err *err)
{
    tb t;
    memset(&t, 0, sizeof t);
    t.nrun = nrun;
    if (io_dir_ensure(out_dir, err) != ZT_OK) {
        return err->status;
    }
    zt_status st = load(&t, runs, err);
    const char **stat = zt_calloc((size_t)(t.nrow + 1), 4 * sizeof *stat);
    const char **rn = zt_calloc((size_t)nrun, 2 * sizeof *rn);
    if (st == ZT_OK && (!stat || !rn)) {
        st = zt_fail(err, ZT_ENOMEM, "zoet table: out of memory");
    }
    if (st == ZT_OK) {
        const char **area = stat + t.nrow, **cls = area + t.nrow, **unit = cls + t.nrow;
        for (int i = 0; i < t.nrow; i++) {
            stat[i] = t.row[i]->stat;
            area[i] = t.row[i]->area;
            cls[i] = t.row[i]->cls;
            unit[i] = t.row[i]->unit;
        }
        for (int r = 0; r < nrun; r++) {
            rn[r] = t.name[r];
            rn[nrun + r] = t.clim[r];
        }
        const io_table it = {nrun, rn, rn + nrun, t.nrow, stat, area, cls, unit, t.year, t.v};
        int charts[3], nc = 0;
        const int c1 = find_row(&t, "deficit_max_apr_sep", "north", "");
        const int c2 = find_row(&t, "shortage", "north", "3-4");
        const int c3 = find_row(&t, "peat_share_20_40cm", "fryslan", "");
        if (c1 >= 0) {
            charts[nc++] = c1;
        }
        if (c2 >= 0) {
            charts[nc++] = c2;
        }
        if (c3 >= 0) {
            charts[nc++] = c3;
        }
        char path[4096], csv[4096], md[4096];
        /* the maps first: a run's bad peat.nc leaves no table behind, and a
           later failure takes back the table files written before it */
        char(*png)[4096] = zt_calloc((size_t)nrun, sizeof *png);
        char(*cap)[512] = zt_calloc((size_t)nrun, sizeof *cap);
        io_table_map *m = zt_calloc((size_t)nrun, sizeof *m);
        int nm = 0, wrote = 0;
        if (!png || !cap || !m) {
            st = zt_fail(err, ZT_ENOMEM, "zoet table: out of memory");
        }
        if (st == ZT_OK) {
            st = maps(runs, &t, out_dir, png, cap, m, &nm, err);
        }
        if (st == ZT_OK) {
            st = io_table_csv(&it, io_path_join(out_dir, "table.csv", csv, sizeof csv), err);
            wrote += st == ZT_OK;
        }
        if (st == ZT_OK) {
            st = io_table_md(&it, io_path_join(out_dir, "table.md", md, sizeof md), err);
            wrote += st == ZT_OK;
        }
        if (st == ZT_OK) {
            st = io_table_html(&it, charts, nc, m, nm, "zoet: the consultation table",
                               io_path_join(out_dir, "table.html", path, sizeof path), err);
        }
        if (st != ZT_OK && wrote > 0) {
            (void)unlink(csv);
        }
        if (st != ZT_OK && wrote > 1) {
            (void)unlink(md);
        }
        zt_free(png);
        zt_free(cap);
        zt_free(m);
        if (st == ZT_OK && !quiet) {
            printf("zoet table: %d run(s), %d rows; wrote %s/table.csv, table.md, table.html\n",
                   nrun, t.nrow, out_dir);
        }
    }
    zt_free(stat);
    zt_free(rn);
    tb_free(&t);
    return st;
}
