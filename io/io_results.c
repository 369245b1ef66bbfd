/*
 * io_results.c: a run's output folder read back (io_results.h).
 */
#include "io_results.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>
#include <netcdf.h>

#include "io_csv.h"
#include "io_file.h"
#include "io_input.h"
#include "io_nc.h"

static zt_status json_day(const char *path, json_object *root, const char *key, zt_day *out,
                          zt_err *err)
{
    json_object *o;
    if (!json_object_object_get_ex(root, key, &o) || !json_object_is_type(o, json_type_string) ||
        zt_day_parse(json_object_get_string(o), out) != 0) {
        return zt_fail(err, ZT_EINPUT, "%s: '%s' is missing or not a date YYYY-MM-DD", path, key);
    }
    return ZT_OK;
}

/* The path of the input with role `role` into buf (n bytes), "" if none.
 * ZT_EINPUT naming the file for an input whose role or path is not a
 * string (a hand-edited run.json). */
static zt_status json_input(const char *path, json_object *root, const char *role, char *buf,
                            size_t n, zt_err *err)
{
    json_object *in, *o;
    buf[0] = '\0';
    if (!json_object_object_get_ex(root, "inputs", &in) || !json_object_is_type(in, json_type_array)) {
        return ZT_OK;
    }
    for (size_t i = 0; i < json_object_array_length(in); i++) {
        json_object *e = json_object_array_get_idx(in, i), *r;
        if (!json_object_object_get_ex(e, "role", &r) || !json_object_is_type(r, json_type_string) ||
            strcmp(json_object_get_string(r), role) != 0) {
            continue;
        }
        if (!json_object_object_get_ex(e, "path", &o) || !json_object_is_type(o, json_type_string)) {
            return zt_fail(err, ZT_EINPUT, "%s: the %s input's 'path' is missing or not a string",
                           path, role);
        }
        snprintf(buf, n, "%s", json_object_get_string(o));
        return ZT_OK;
    }
    return ZT_OK;
}

zt_status io_results_manifest(const char *dir, io_run_manifest *m, zt_err *err)
{
    char path[4096];
    json_object *o;
    memset(m, 0, sizeof *m);
    io_path_join(dir, "run.json", path, sizeof path);
    if (access(path, F_OK) != 0) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: not the output folder of a complete zoet run (no run.json: %s)", dir,
                       strerror(errno));
    }
    zt_status st = io_input_check(path, "the run's manifest", ZT_EINPUT, err);
    if (st != ZT_OK) {
        return st;
    }
    json_object *root = json_object_from_file(path);
    if (!root) {
        return zt_fail(err, ZT_EINPUT, "%s: not JSON (%s)", path, json_util_get_last_err());
    }
    if (!json_object_object_get_ex(root, "complete", &o) ||
        !json_object_is_type(o, json_type_boolean) || !json_object_get_boolean(o)) {
        st = zt_fail(err, ZT_EINPUT, "%s: the run is not complete", path);
    }
    if (st == ZT_OK) {
        st = json_day(path, root, "start_date", &m->start, err);
    }
    if (st == ZT_OK) {
        st = json_day(path, root, "end_date", &m->end, err);
    }
    if (st == ZT_OK) {
        st = json_input(path, root, "forcing", m->forcing, sizeof m->forcing, err);
    }
    if (st == ZT_OK) {
        st = json_input(path, root, "scenario", m->scenario, sizeof m->scenario, err);
    }
    json_object_put(root);
    return st;
}

void io_ytab_free(io_ytab *t)
{
    zt_free(t->area);
    zt_free(t->cls);
    zt_free(t->v);
    zt_free(t->days);
    memset(t, 0, sizeof *t);
}

/* The index of key (a, c), added when new; -1: out of memory. */
static int key_of(io_ytab *t, const char *a, const char *c, int *cap)
{
    for (int k = 0; k < t->nkey; k++) {
        if (strcmp(t->area[k], a) == 0 && strcmp(t->cls[k], c) == 0) {
            return k;
        }
    }
    if (t->nkey == *cap) {
        const int nc = *cap ? 2 * *cap : 16;
        const size_t ny = (size_t)t->ny;
        void *na = zt_realloc(t->area, (size_t)nc * sizeof *t->area);
        if (na) {
            t->area = na;
        }
        void *ncl = zt_realloc(t->cls, (size_t)nc * sizeof *t->cls);
        if (ncl) {
            t->cls = ncl;
        }
        void *nv = zt_realloc(t->v, (size_t)nc * ny * sizeof *t->v);
        if (nv) {
            t->v = nv;
        }
        void *nd = zt_realloc(t->days, (size_t)nc * ny * sizeof *t->days);
        if (nd) {
            t->days = nd;
        }
        if (!na || !ncl || !nv || !nd) {
            return -1;
        }
        *cap = nc;
    }
    const int k = t->nkey++;
    snprintf(t->area[k], sizeof t->area[k], "%s", a);
    snprintf(t->cls[k], sizeof t->cls[k], "%s", c);
    for (int y = 0; y < t->ny; y++) {
        t->v[(size_t)k * (size_t)t->ny + (size_t)y] = NAN;
        t->days[(size_t)k * (size_t)t->ny + (size_t)y] = 0.0;
    }
    return k;
}

/* The year and month of the current row's time field. */
static zt_status row_time(io_csv *c, int col, int is_date, int *y, int *mo, zt_err *err)
{
    if (is_date) {
        zt_day day;
        int d;
        zt_status st = io_csv_day(c, col, &day, err);
        if (st == ZT_OK) {
            zt_day_to_ymd(day, y, mo, &d);
        }
        return st;
    }
    double v;
    zt_status st = io_csv_double(c, col, &v, err);
    if (st == ZT_OK && !(v == rint(v) && fabs(v) < 1e5)) {
        st = io_csv_fail(c, col, err, "expected a year, got '%s'", io_csv_field(c, col));
    }
    *y = st == ZT_OK ? (int)v : 0; /* (int) of 1e300 is undefined */
    *mo = 0; /* a yearly row counts whatever the months */
    return st;
}

zt_status io_results_yearly(const char *path, const io_yt_spec *s, int y0, int ny, io_ytab *t,
                            zt_err *err)
{
    io_csv *c = NULL;
    int ct, ca, cc = -1, cv, got = 0, cap = 0;
    memset(t, 0, sizeof *t);
    t->y0 = y0;
    t->ny = ny;
    const int is_date = strcmp(s->time_col, "date") == 0;
    zt_status st = io_csv_open(path, "a table of the run", ZT_EINPUT, NULL, &c, err);
    if (st == ZT_OK) {
        st = io_csv_header(c, err);
    }
    if (st == ZT_OK) {
        st = io_csv_require(c, s->time_col, &ct, err);
    }
    if (st == ZT_OK) {
        st = io_csv_require(c, s->area_col, &ca, err);
    }
    if (st == ZT_OK && s->class_col) {
        st = io_csv_require(c, s->class_col, &cc, err);
    }
    if (st == ZT_OK) {
        st = io_csv_require(c, s->value_col, &cv, err);
    }
    while (st == ZT_OK && (st = io_csv_next(c, &got, err)) == ZT_OK && got) {
        int y, mo;
        double v;
        st = row_time(c, ct, is_date, &y, &mo, err);
        if (st != ZT_OK || y < y0 || y >= y0 + ny || (mo && (mo < s->m0 || mo > s->m1))) {
            continue;
        }
        st = io_csv_double(c, cv, &v, err);
        if (st == ZT_OK && !isfinite(v)) {
            st = io_csv_fail(c, cv, err, "expected a finite number, got '%s'", io_csv_field(c, cv));
        }
        const int k = st == ZT_OK ? key_of(t, io_csv_field(c, ca), cc >= 0 ? io_csv_field(c, cc) : "", &cap) : 0;
        if (k < 0) {
            st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        }
        if (st == ZT_OK) {
            double *x = t->v + (size_t)k * (size_t)ny + (size_t)(y - y0);
            const int first = t->days[(size_t)k * (size_t)ny + (size_t)(y - y0)] == 0.0;
            *x = first ? v : s->mode == IO_YT_SUM ? *x + v : fmin(*x, v);
            t->days[(size_t)k * (size_t)ny + (size_t)(y - y0)] += 1.0;
        }
    }
    io_csv_close(&c);
    if (st != ZT_OK) {
        io_ytab_free(t);
    }
    return st;
}

void io_results_forcing_label(const char *forcing, char *buf, size_t n)
{
    int nc;
    size_t len;
    buf[0] = '\0';
    if (!forcing[0] || nc_open(forcing, NC_NOWRITE, &nc) != NC_NOERR) {
        return;
    }
    if (nc_inq_attlen(nc, NC_GLOBAL, "zoet_transform", &len) == NC_NOERR && len < n &&
        nc_get_att_text(nc, NC_GLOBAL, "zoet_transform", buf) == NC_NOERR) {
        buf[len] = '\0';
    }
    nc_close(nc);
}

zt_status io_results_field(const char *dir, const char *file, const char *var,
                           const zt_grid *expect, zt_grid *g, double **out, zt_err *err)
{
    char path[4096];
    int nc, vid, ydesc;
    *out = NULL;
    io_path_join(dir, file, path, sizeof path);
    int r = nc_open(path, NC_NOWRITE, &nc);
    if (r != NC_NOERR) {
        return zt_fail(err, ZT_EINPUT, "%s: cannot open (%s)", path, nc_strerror(r));
    }
    zt_status st = nc_inq_varid(nc, var, &vid) == NC_NOERR
                       ? io_nc_read_grid(nc, vid, path, g, &ydesc, err)
                       : zt_fail(err, ZT_EINPUT, "%s: variable '%s' not found", path, var);
    nc_close(nc);
    const size_t n = st == ZT_OK ? (size_t)zt_grid_ncell(g) : 0;
    float *f = st == ZT_OK ? zt_malloc(n * sizeof *f) : NULL;
    double *d = st == ZT_OK ? zt_malloc(n * sizeof *d) : NULL;
    if (st == ZT_OK && (!f || !d)) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
    }
    if (st == ZT_OK) {
        st = io_nc_read_field(path, var, expect ? expect : g, NULL, 0, f, err);
    }
    for (size_t k = 0; st == ZT_OK && k < n; k++) {
        d[k] = f[k];
    }
    zt_free(f);
    if (st != ZT_OK) {
        zt_free(d);
        return st;
    }
    *out = d;
    return ZT_OK;
}
