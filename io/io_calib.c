/*
 * io_calib.c: the calibration file, and a target's value from a run's CSV
 * output (io_calib.h).
 */
#include "io_calib.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io_csv.h"
#include "io_ini.h"

const char *const io_calib_district_keys[] = {"summer_tolerance_m", "pump_capacity_mm_d",
                                              "flushing_m3s", "open_water_fraction", NULL};

static zt_status copy_name(const io_ini *ini, const char *sec, const char *key, const char *s,
                           char *out, size_t n, zt_err *err)
{
    if (strlen(s) >= n || !s[0]) {
        return io_ini_fail(ini, sec, key, err, "1 to %zu characters", n - 1);
    }
    memcpy(out, s, strlen(s) + 1);
    return ZT_OK;
}

/* "section.key": the part after the last dot is the key. */
static zt_status split_key(const io_ini *ini, const char *sec, const char *what, const char *s,
                           io_cal_param *p, zt_err *err)
{
    const char *dot = strrchr(s, '.');
    if (!dot || dot == s || !dot[1] || (size_t)(dot - s) >= sizeof p->section ||
        strlen(dot + 1) >= sizeof p->key) {
        return io_ini_fail(ini, sec, what, err, "'%s': expected \"section.key\"", s);
    }
    memcpy(p->section, s, (size_t)(dot - s));
    p->section[dot - s] = '\0';
    memcpy(p->key, dot + 1, strlen(dot + 1) + 1);
    if (p->where == IO_CAL_SCENARIO &&
        (strcmp(p->section, "input") == 0 || strcmp(p->section, "output") == 0)) {
        return io_ini_fail(ini, sec, what, err,
                           "[%s] holds paths, not numbers: it cannot be calibrated",
                           p->section);
    }
    return ZT_OK;
}

static zt_status read_where(io_ini *ini, const char *sec, io_cal_param *p, zt_err *err)
{
    static const char *const kinds[] = {"scenario", "parameters", "districts"};
    const char *s = NULL;
    int n = 0;
    for (int k = 0; k < 3; k++) {
        if (io_ini_has(ini, sec, kinds[k])) {
            n++;
            p->where = k;
        }
    }
    if (n != 1) {
        return io_ini_fail(ini, sec, "scenario", err,
                           "give exactly one of scenario, parameters or districts (the key the "
                           "parameter sets)");
    }
    zt_status st = io_ini_string(ini, sec, kinds[p->where], 1, NULL, &s, err);
    if (st != ZT_OK) {
        return st;
    }
    if (p->where != IO_CAL_DISTRICTS) {
        return split_key(ini, sec, kinds[p->where], s, p, err);
    }
    for (int k = 0; io_calib_district_keys[k]; k++) {
        if (strcmp(s, io_calib_district_keys[k]) == 0) {
            snprintf(p->key, sizeof p->key, "%s", s);
            return io_ini_bool(ini, sec, "multiply", 0, 0, &p->multiply, err);
        }
    }
    return io_ini_fail(ini, sec, "districts", err,
                       "'%s': one of summer_tolerance_m, pump_capacity_mm_d, flushing_m3s, "
                       "open_water_fraction",
                       s);
}

static zt_status read_param(io_ini *ini, const char *sec, const char *name, io_cal_param *p,
                            zt_err *err)
{
    zt_status st = copy_name(ini, sec, "name", name, p->name, sizeof p->name, err);
    if (st == ZT_OK) {
        st = read_where(ini, sec, p, err);
    }
    if (st == ZT_OK) {
        st = io_ini_double(ini, sec, "start", 1, 0.0, -1e12, 1e12, &p->start, err);
    }
    if (st == ZT_OK) {
        st = io_ini_double(ini, sec, "min", 1, 0.0, -1e12, 1e12, &p->lo, err);
    }
    if (st == ZT_OK) {
        st = io_ini_double(ini, sec, "max", 1, 0.0, -1e12, 1e12, &p->hi, err);
    }
    if (st == ZT_OK && !(p->lo < p->hi)) {
        st = io_ini_fail(ini, sec, "max", err, "must be above min (%g)", p->lo);
    }
    if (st == ZT_OK && !(p->start >= p->lo && p->start <= p->hi)) {
        st = io_ini_fail(ini, sec, "start", err, "%g lies outside [min, max] = [%g, %g]",
                         p->start, p->lo, p->hi);
    }
    return st;
}

static zt_status read_filter(io_ini *ini, const char *sec, io_cal_target *t, zt_err *err)
{
    const char *w = NULL;
    zt_status st = io_ini_string(ini, sec, "where", 0, NULL, &w, err);
    if (st != ZT_OK || !w) {
        return st;
    }
    const char *eq = strchr(w, '=');
    if (!eq || eq == w || (size_t)(eq - w) >= sizeof t->where_col ||
        strlen(eq + 1) >= sizeof t->where_val) {
        return io_ini_fail(ini, sec, "where", err, "'%s': expected \"column=value\"", w);
    }
    memcpy(t->where_col, w, (size_t)(eq - w));
    t->where_col[eq - w] = '\0';
    memcpy(t->where_val, eq + 1, strlen(eq + 1) + 1);
    return ZT_OK;
}

/* years = [...]: whole calendar years, each once. */
static zt_status read_years(io_ini *ini, const char *sec, io_cal_target *t, zt_err *err)
{
    double y[IO_CAL_MAXYEARS];
    int n = 0;
    zt_status st = io_ini_doubles_upto(ini, sec, "years", 0, IO_CAL_MAXYEARS, 1000.0, 9999.0, y,
                                       &n, err);
    for (int i = 0; st == ZT_OK && i < n; i++) {
        if (y[i] != floor(y[i])) {
            return io_ini_fail(ini, sec, "years", err, "%g is not a whole year", y[i]);
        }
        for (int k = 0; k < i; k++) {
            if (y[k] == y[i]) {
                return io_ini_fail(ini, sec, "years", err, "%g is given twice", y[i]);
            }
        }
        t->years[i] = (int)y[i];
    }
    t->nyears = st == ZT_OK ? n : 0;
    return st;
}

static int year_kept(const io_cal_target *t, int y)
{
    for (int i = 0; i < t->nyears; i++) {
        if (t->years[i] == y) {
            return 1;
        }
    }
    return t->nyears == 0;
}

static zt_status read_target(io_ini *ini, const char *sec, const char *name, io_cal_target *t,
                             zt_err *err)
{
    static const char *const reduce[] = {"sum", "mean", "max", "sum_per_year", NULL};
    const char *f = NULL, *col = NULL;
    zt_status st = copy_name(ini, sec, "name", name, t->name, sizeof t->name, err);
    if (st == ZT_OK) {
        st = io_ini_string(ini, sec, "file", 1, NULL, &f, err);
    }
    if (st == ZT_OK && (strchr(f, '/') || !strstr(f, ".csv"))) {
        st = io_ini_fail(ini, sec, "file", err,
                         "'%s': a CSV file of the run's output folder, e.g. supply_nodes.csv", f);
    }
    if (st == ZT_OK) {
        st = copy_name(ini, sec, "file", f, t->file, sizeof t->file, err);
    }
    if (st == ZT_OK) {
        st = io_ini_string(ini, sec, "column", 1, NULL, &col, err);
    }
    if (st == ZT_OK) {
        st = copy_name(ini, sec, "column", col, t->column, sizeof t->column, err);
    }
    if (st == ZT_OK) {
        st = read_filter(ini, sec, t, err);
    }
    t->from = 1;
    t->to = 0;
    if (st == ZT_OK && io_ini_has(ini, sec, "from") != io_ini_has(ini, sec, "to")) {
        st = io_ini_fail(ini, sec, io_ini_has(ini, sec, "from") ? "to" : "from", err,
                         "a period needs both from and to");
    }
    if (st == ZT_OK && io_ini_has(ini, sec, "from")) {
        st = io_ini_date(ini, sec, "from", 1, 0, &t->from, err);
        if (st == ZT_OK) {
            st = io_ini_date(ini, sec, "to", 1, 0, &t->to, err);
        }
        if (st == ZT_OK && t->to < t->from) {
            st = io_ini_fail(ini, sec, "to", err, "before from");
        }
    }
    if (st == ZT_OK) {
        st = read_years(ini, sec, t, err);
    }
    if (st == ZT_OK) {
        st = io_ini_choice(ini, sec, "reduce", 1, reduce, 0, &t->reduce, err);
    }
    if (st == ZT_OK) {
        st = io_ini_double(ini, sec, "scale", 0, 1.0, -1e12, 1e12, &t->scale, err);
    }
    if (st == ZT_OK) {
        st = io_ini_double(ini, sec, "observed", 1, 0.0, -1e15, 1e15, &t->observed, err);
    }
    if (st == ZT_OK && t->observed == 0.0) {
        st = io_ini_fail(ini, sec, "observed", err,
                         "0: the tolerance is relative, the observed value must not be 0");
    }
    if (st == ZT_OK) {
        st = io_ini_double(ini, sec, "tolerance", 1, 0.0, 0.0, 10.0, &t->tolerance, err);
    }
    if (st == ZT_OK && !(t->tolerance > 0.0)) {
        st = io_ini_fail(ini, sec, "tolerance", err, "must be > 0 (relative: 0.25 is +-25 %%)");
    }
    if (st == ZT_OK) {
        st = io_ini_double(ini, sec, "weight", 0, 1.0, 0.0, 1e6, &t->weight, err);
    }
    return st;
}

static zt_status read_settings(io_ini *ini, io_calib *c, zt_err *err)
{
    static const char *const algs[] = {"bobyqa", "sbplx", NULL};
    zt_status st = io_ini_path(ini, "calibrate", "scenario", 1, NULL, &c->scenario, err);
    if (st == ZT_OK) {
        st = io_ini_path(ini, "calibrate", "out", 1, NULL, &c->out, err);
    }
    if (st == ZT_OK) {
        st = io_ini_choice(ini, "calibrate", "algorithm", 0, algs, IO_CAL_BOBYQA, &c->algorithm,
                           err);
    }
    if (st == ZT_OK) {
        st = io_ini_int(ini, "calibrate", "max_evaluations", 0, 100, 1, 100000, &c->max_eval,
                        err);
    }
    if (st == ZT_OK) {
        st = io_ini_double(ini, "calibrate", "max_seconds", 0, 86400.0, 0.0, 1e8,
                           &c->max_seconds, err);
    }
    if (st == ZT_OK && !(c->max_seconds > 0.0)) {
        st = io_ini_fail(ini, "calibrate", "max_seconds", err, "must be > 0");
    }
    if (st == ZT_OK) {
        st = io_ini_double(ini, "calibrate", "xtol_rel", 0, 1e-4, 1e-12, 0.5, &c->xtol_rel, err);
    }
    return st;
}

/* The [parameter.*] and [target.*] sections. */
static zt_status read_lists(io_ini *ini, io_calib *c, zt_err *err)
{
    const int nsec = io_ini_nsections(ini);
    zt_status st = ZT_OK;
    for (int i = 0; i < nsec; i++) {
        const char *s = io_ini_section(ini, i);
        c->npar += io_ini_subname(s, "parameter") != NULL;
        c->ntgt += io_ini_subname(s, "target") != NULL;
    }
    if (c->npar < 1 || c->ntgt < 1) {
        return zt_fail(err, ZT_ECONFIG,
                       "%s: needs at least one [parameter.<name>] and one [target.<name>]",
                       io_ini_file(ini));
    }
    c->par = zt_calloc((size_t)c->npar, sizeof *c->par);
    c->tgt = zt_calloc((size_t)c->ntgt, sizeof *c->tgt);
    if (!c->par || !c->tgt) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", io_ini_file(ini));
    }
    for (int i = 0, kp = 0, kt = 0; i < nsec && st == ZT_OK; i++) {
        const char *s = io_ini_section(ini, i), *name;
        if ((name = io_ini_subname(s, "parameter")) != NULL) {
            st = read_param(ini, s, name, &c->par[kp++], err);
        } else if ((name = io_ini_subname(s, "target")) != NULL) {
            st = read_target(ini, s, name, &c->tgt[kt++], err);
        }
    }
    return st;
}

zt_status io_calib_load(const char *path, io_calib *c, zt_err *err)
{
    io_ini *ini = NULL;
    memset(c, 0, sizeof *c);
    zt_status st = io_ini_load(path, &ini, err);
    if (st == ZT_OK && !io_ini_has_section(ini, "calibrate")) {
        st = zt_fail(err, ZT_ECONFIG, "%s: no [calibrate] section", path);
    }
    if (st == ZT_OK) {
        st = read_settings(ini, c, err);
    }
    if (st == ZT_OK) {
        st = read_lists(ini, c, err);
    }
    if (st == ZT_OK) {
        st = io_ini_check_unused(ini, err);
    }
    if (st == ZT_OK && !(c->file = zt_strdup(path))) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
    }
    io_ini_destroy(&ini);
    if (st != ZT_OK) {
        io_calib_free(c);
    }
    return st;
}

void io_calib_free(io_calib *c)
{
    if (!c) {
        return;
    }
    zt_free(c->file);
    zt_free(c->scenario);
    zt_free(c->out);
    zt_free(c->par);
    zt_free(c->tgt);
    memset(c, 0, sizeof *c);
}

/* Fold one value into the reduction. */
static void fold(int reduce, double v, double *acc, long *n)
{
    if (reduce == IO_CAL_MAX) {
        *acc = *n == 0 || v > *acc ? v : *acc;
    } else {
        *acc += v;
    }
    (*n)++;
}

zt_status io_calib_target_value(const char *dir, const io_cal_target *t, double *value,
                                zt_err *err)
{
    char path[4096];
    io_csv *csv = NULL;
    int cdate = -1, cval = -1, cw = -1, got = 0;
    double acc = 0.0;
    long n = 0;
    int nyr = 0, seen[IO_CAL_MAXYEARS];
    snprintf(path, sizeof path, "%s/%s", dir, t->file);
    zt_status st = io_csv_open(path, "a run's output", ZT_EINPUT, NULL, &csv, err);
    if (st == ZT_OK) {
        st = io_csv_header(csv, err);
    }
    if (st == ZT_OK) {
        st = io_csv_require(csv, "date", &cdate, err);
    }
    if (st == ZT_OK) {
        st = io_csv_require(csv, t->column, &cval, err);
    }
    if (st == ZT_OK && t->where_col[0]) {
        st = io_csv_require(csv, t->where_col, &cw, err);
    }
    while (st == ZT_OK && (st = io_csv_next(csv, &got, err)) == ZT_OK && got) {
        zt_day d;
        double v;
        if (cw >= 0 && strcmp(io_csv_field(csv, cw), t->where_val) != 0) {
            continue;
        }
        st = io_csv_day(csv, cdate, &d, err);
        if (st == ZT_OK && t->from <= t->to && (d < t->from || d > t->to)) {
            continue;
        }
        int yy, mm, dd;
        zt_day_to_ymd(d, &yy, &mm, &dd);
        if (st == ZT_OK && !year_kept(t, yy)) {
            continue;
        }
        int known = 0;
        for (int k = 0; k < nyr; k++) {
            known |= seen[k] == yy;
        }
        if (!known && nyr < IO_CAL_MAXYEARS) {
            seen[nyr++] = yy;
        }
        if (st == ZT_OK) {
            st = io_csv_double(csv, cval, &v, err);
        }
        if (st == ZT_OK && !isfinite(v)) {
            st = io_csv_fail(csv, cval, err, "target %s: not a finite number", t->name);
        }
        if (st == ZT_OK) {
            fold(t->reduce, v, &acc, &n);
        }
    }
    if (st == ZT_OK && n == 0) {
        st = zt_fail(err, ZT_EINPUT, "%s: target %s: no row of column %s in its period%s%s%s%s",
                     path, t->name, t->column, cw >= 0 ? " where " : "", t->where_col,
                     cw >= 0 ? " = " : "", t->where_val);
    }
    io_csv_close(&csv);
    if (st == ZT_OK) {
        *value = t->scale * (t->reduce == IO_CAL_MEAN           ? acc / (double)n
                             : t->reduce == IO_CAL_SUM_PER_YEAR ? acc / (double)nyr
                                                                : acc);
    }
    return st;
}
