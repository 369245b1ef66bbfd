/*
 * calibrate.c: `zoet calibrate` (calibrate.h): NLopt around in-process
 * model runs; the files it writes for each evaluation and at the end.
 */
#include "calibrate.h"

#include <errno.h>
#include <math.h>
#include <nlopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "driver.h"
#include "grid_domain.h"
#include "io_calib.h"
#include "io_districts.h"
#include "io_file.h"
#include "io_outset.h"
#include "io_scenario.h"

typedef struct calib {
    io_calib cf;
    char *params_base;     /* the scenario's parameter table */
    char *districts_base;  /* its district table (NULL: none) */
    grid_district *dist;   /* loaded when a parameter sets district keys */
    int nd;
    int threads, quiet;
    char dir_in[4096], dir_run[4096];
    FILE *log;             /* evaluations.csv */
    char log_path[4096];
    double *model;         /* [ntgt] the targets of the last run */
    double *best_x, best_j;
    double *best_model;
    int nevals;            /* runs that finished */
    int have_best;
    nlopt_opt opt;
    zt_status st;          /* the first failed evaluation: NLopt is stopped */
    zt_err err;
} calib;

/* x in [0, 1] -> the parameter's value */
static double phys(const io_cal_param *p, double u)
{
    return p->lo + u * (p->hi - p->lo);
}

/* The parameters of kind `where` as "key = value" lines, one [section]
 * header for all keys of a section (a file may not repeat a section). */
static void write_keys(FILE *f, const calib *c, const double *x, int where)
{
    for (int i = 0; i < c->cf.npar; i++) {
        const io_cal_param *p = &c->cf.par[i];
        int seen = 0;
        for (int k = 0; k < i; k++) {
            seen |= c->cf.par[k].where == where && strcmp(c->cf.par[k].section, p->section) == 0;
        }
        if (p->where != where || seen) {
            continue;
        }
        fprintf(f, "\n[%s]\n", p->section);
        for (int k = i; k < c->cf.npar; k++) {
            const io_cal_param *q = &c->cf.par[k];
            if (q->where == where && strcmp(q->section, p->section) == 0) {
                fprintf(f, "%s = %.17g  # parameter.%s\n", q->key, x[k], q->name);
            }
        }
    }
}

static int has_kind(const calib *c, int where)
{
    for (int i = 0; i < c->cf.npar; i++) {
        if (c->cf.par[i].where == where) {
            return 1;
        }
    }
    return 0;
}

/* The district table at x: each calibrated key set or multiplied. */
static zt_status write_districts(const calib *c, const double *x, const char *path, zt_err *err)
{
    grid_district *d = zt_malloc((size_t)c->nd * sizeof *d);
    if (!d) {
        return zt_fail(err, ZT_ENOMEM, "calibrate: out of memory");
    }
    memcpy(d, c->dist, (size_t)c->nd * sizeof *d);
    for (int i = 0; i < c->cf.npar; i++) {
        const io_cal_param *p = &c->cf.par[i];
        if (p->where != IO_CAL_DISTRICTS) {
            continue;
        }
        for (int k = 0; k < c->nd; k++) {
            double *v = strcmp(p->key, "summer_tolerance_m") == 0   ? &d[k].tolerance_m
                        : strcmp(p->key, "pump_capacity_mm_d") == 0 ? &d[k].pump_mm_d
                        : strcmp(p->key, "flushing_m3s") == 0       ? &d[k].flushing_m3s
                                                                    : &d[k].ow_fraction;
            *v = p->multiply ? *v * x[i] : x[i];
        }
    }
    zt_status st = io_districts_write(path, d, c->nd, "written by zoet calibrate", err);
    zt_free(d);
    return st;
}

/* The scenario at x (and its parameter and district tables) into dir,
 * named prefix*.ini; *scen gets the scenario's path. */
static zt_status write_inputs(const calib *c, const double *x, const char *dir,
                              const char *prefix, const char *comment, char *scen, size_t n,
                              zt_err *err)
{
    char pp[4096], dp[4096];
    FILE *f = NULL;
    zt_status st = ZT_OK;
    snprintf(pp, sizeof pp, "%s/%sparameters.ini", dir, prefix);
    snprintf(dp, sizeof dp, "%s/%sdistricts.ini", dir, prefix);
    snprintf(scen, n, "%s/%s.ini", dir, prefix[0] ? "calibrated" : "scenario");
    if (has_kind(c, IO_CAL_PARAMS)) {
        st = io_text_open(pp, &f, err);
        if (st == ZT_OK) {
            fprintf(f, "# %s\nextends = \"%s\"\n", comment, c->params_base);
            write_keys(f, c, x, IO_CAL_PARAMS);
            st = io_text_close(f, pp, 1, err);
        }
    }
    if (st == ZT_OK && has_kind(c, IO_CAL_DISTRICTS)) {
        st = write_districts(c, x, dp, err);
    }
    if (st == ZT_OK) {
        st = io_text_open(scen, &f, err);
    }
    if (st != ZT_OK) {
        return st;
    }
    fprintf(f, "# %s\nextends = \"%s\"\n", comment, c->cf.scenario);
    if (has_kind(c, IO_CAL_PARAMS) || has_kind(c, IO_CAL_DISTRICTS)) {
        fputs("\n[input]\n", f);
        if (has_kind(c, IO_CAL_PARAMS)) {
            fprintf(f, "parameters = \"%s\"\n", pp);
        }
        if (has_kind(c, IO_CAL_DISTRICTS)) {
            fprintf(f, "districts = \"%s\"\n", dp);
        }
    }
    write_keys(f, c, x, IO_CAL_SCENARIO);
    return io_text_close(f, scen, 1, err);
}

static double objective(const calib *c, const double *m)
{
    double j = 0.0;
    for (int t = 0; t < c->cf.ntgt; t++) {
        const io_cal_target *g = &c->cf.tgt[t];
        const double r = (m[t] - g->observed) / (g->tolerance * fabs(g->observed));
        j += g->weight * r * r;
    }
    return j;
}

/* One model run at x (physical values): the targets into c->model. */
static zt_status evaluate(calib *c, const double *x, double *secs, zt_err *err)
{
    char scen[4096];
    drv_run_opts o;
    const double t0 = drv_now();
    zt_status st = write_inputs(c, x, c->dir_in, "", "an evaluation of zoet calibrate", scen,
                                sizeof scen, err);
    if (st != ZT_OK) {
        return st;
    }
    memset(&o, 0, sizeof o);
    o.scenario = scen;
    o.out_dir = c->dir_run;
    o.threads = c->threads;
    o.quiet = 1;
    o.progress = DRV_PROGRESS_NONE;
    st = drv_run(&o, NULL, err);
    for (int t = 0; st == ZT_OK && t < c->cf.ntgt; t++) {
        st = io_calib_target_value(c->dir_run, &c->cf.tgt[t], &c->model[t], err);
    }
    *secs = drv_now() - t0;
    return st;
}

static void log_header(const calib *c)
{
    fputs("evaluation", c->log);
    for (int i = 0; i < c->cf.npar; i++) {
        fprintf(c->log, ",%s", c->cf.par[i].name);
    }
    for (int t = 0; t < c->cf.ntgt; t++) {
        fprintf(c->log, ",%s", c->cf.tgt[t].name);
    }
    fputs(",objective,seconds\n", c->log);
}

static void log_row(const calib *c, const double *x, double j, double secs)
{
    fprintf(c->log, "%d", c->nevals);
    for (int i = 0; i < c->cf.npar; i++) {
        fprintf(c->log, ",%.9g", x[i]);
    }
    for (int t = 0; t < c->cf.ntgt; t++) {
        fprintf(c->log, ",%.9g", c->model[t]);
    }
    fprintf(c->log, ",%.9g,%.3f\n", j, secs);
    fflush(c->log);
}

static double nlopt_fn(unsigned n, const double *u, double *grad, void *data)
{
    calib *c = data;
    double x[64], secs = 0.0;
    (void)grad; /* derivative-free */
    if (c->st != ZT_OK) {
        return HUGE_VAL; /* stopped: NLopt may ask once more before it sees it */
    }
    for (unsigned i = 0; i < n; i++) {
        x[i] = phys(&c->cf.par[i], u[i] < 0.0 ? 0.0 : (u[i] > 1.0 ? 1.0 : u[i]));
    }
    zt_err_clear(&c->err);
    c->st = evaluate(c, x, &secs, &c->err);
    if (c->st == ZT_OK && io_outset_interrupted()) {
        c->st = zt_fail(&c->err, ZT_EINTERRUPTED, "calibrate: interrupted by a signal");
    }
    if (c->st != ZT_OK) {
        /* a failed run ends the calibration with its message */
        nlopt_force_stop(c->opt);
        return HUGE_VAL;
    }
    c->nevals++;
    const double j = objective(c, c->model);
    log_row(c, x, j, secs);
    if (!c->quiet) {
        printf("zoet calibrate: run %d, objective %.6g (%.1f s)\n", c->nevals, j, secs);
        fflush(stdout);
    }
    if (!c->have_best || j < c->best_j) {
        c->have_best = 1;
        c->best_j = j;
        memcpy(c->best_x, x, n * sizeof *x);
        memcpy(c->best_model, c->model, (size_t)c->cf.ntgt * sizeof *c->model);
    }
    return j;
}

static const char *stop_reason(nlopt_result r)
{
    switch (r) {
    case NLOPT_MAXEVAL_REACHED:
        return "the budget of evaluations (max_evaluations) was used";
    case NLOPT_MAXTIME_REACHED:
        return "the time budget (max_seconds) was used";
    case NLOPT_XTOL_REACHED:
        return "the parameters moved less than xtol_rel: converged";
    case NLOPT_FTOL_REACHED:
        return "the objective changed less than its tolerance: converged";
    case NLOPT_STOPVAL_REACHED:
        return "the objective reached its stop value";
    case NLOPT_SUCCESS:
        return "converged";
    case NLOPT_ROUNDOFF_LIMITED:
        return "rounding limited further progress";
    default:
        return "NLopt stopped";
    }
}

/* Replace *path by its absolute form (the derived files live elsewhere). */
static zt_status absolute(char **path, zt_err *err)
{
    char *abs = realpath(*path, NULL);
    if (!abs) {
        return zt_fail(err, ZT_EINPUT, "%s: %s", *path, strerror(errno));
    }
    zt_free(*path);
    *path = zt_strdup(abs);
    free(abs);
    return *path ? ZT_OK : zt_fail(err, ZT_ENOMEM, "calibrate: out of memory");
}

/* The scenario's tables, and the districts when a parameter sets them. */
static zt_status load_base(calib *c, zt_err *err)
{
    const char *names[64];
    int ncat;
    const io_var_spec *cat = drv_output_catalogue(&ncat);
    io_scenario *sc = NULL;
    ncat = ncat < 64 ? ncat : 64;
    for (int v = 0; v < ncat; v++) {
        names[v] = cat[v].name;
    }
    zt_status st = io_scenario_load(c->cf.scenario, names, ncat, &sc, err);
    if (st != ZT_OK) {
        return st;
    }
    c->params_base = zt_strdup(sc->parameters);
    c->districts_base = sc->districts_file ? zt_strdup(sc->districts_file) : NULL;
    io_scenario_destroy(&sc);
    if (!c->params_base) {
        return zt_fail(err, ZT_ENOMEM, "calibrate: out of memory");
    }
    st = absolute(&c->params_base, err);
    if (st == ZT_OK && c->districts_base) {
        st = absolute(&c->districts_base, err);
    }
    if (st != ZT_OK) {
        return st;
    }
    if (has_kind(c, IO_CAL_DISTRICTS)) {
        if (!c->districts_base) {
            return zt_fail(err, ZT_ECONFIG,
                           "%s: a parameter sets district keys, but %s has no district table",
                           c->cf.file, c->cf.scenario);
        }
        st = io_districts_load(c->districts_base, &c->dist, &c->nd, err);
    }
    return st;
}

static void calib_free(calib *c)
{
    if (c->log) {
        zt_err e;
        zt_err_clear(&e);
        io_text_close(c->log, c->log_path, 1, &e);
        c->log = NULL;
    }
    zt_free(c->params_base);
    zt_free(c->districts_base);
    zt_free(c->dist);
    zt_free(c->model);
    zt_free(c->best_x);
    zt_free(c->best_model);
    io_calib_free(&c->cf);
}

static zt_status setup(calib *c, const char *file, const char *out_dir, zt_err *err)
{
    zt_status st = io_calib_load(file, &c->cf, err);
    if (st == ZT_OK && c->cf.npar > 64) {
        st = zt_fail(err, ZT_ECONFIG, "%s: at most 64 parameters", file);
    }
    if (st == ZT_OK && out_dir) {
        zt_free(c->cf.out);
        c->cf.out = zt_strdup(out_dir);
        st = c->cf.out ? ZT_OK : zt_fail(err, ZT_ENOMEM, "calibrate: out of memory");
    }
    if (st == ZT_OK) {
        st = load_base(c, err);
    }
    if (st == ZT_OK) {
        st = absolute(&c->cf.scenario, err);
    }
    if (st == ZT_OK) {
        st = io_dir_ensure(c->cf.out, err);
    }
    if (st == ZT_OK) {
        st = absolute(&c->cf.out, err);
    }
    if (st != ZT_OK) {
        return st;
    }
    c->model = zt_calloc((size_t)c->cf.ntgt, sizeof *c->model);
    c->best_model = zt_calloc((size_t)c->cf.ntgt, sizeof *c->best_model);
    c->best_x = zt_calloc((size_t)c->cf.npar, sizeof *c->best_x);
    if (!c->model || !c->best_model || !c->best_x) {
        return zt_fail(err, ZT_ENOMEM, "calibrate: out of memory");
    }
    snprintf(c->dir_in, sizeof c->dir_in, "%s/eval-input", c->cf.out);
    snprintf(c->dir_run, sizeof c->dir_run, "%s/eval", c->cf.out);
    snprintf(c->log_path, sizeof c->log_path, "%s/evaluations.csv", c->cf.out);
    /* the results of an earlier calibration in this folder go: what is
       left after this one must be this one's */
    static const char *const old[] = {"calibrated.ini", "calibrated_parameters.ini",
                                      "calibrated_districts.ini"};
    for (int i = 0; i < 3; i++) {
        char p[4096];
        snprintf(p, sizeof p, "%s/%s", c->cf.out, old[i]);
        if (remove(p) != 0 && errno != ENOENT) {
            return zt_fail(err, ZT_EIO, "%s: cannot remove the earlier result: %s", p,
                           strerror(errno));
        }
    }
    st = io_dir_ensure(c->dir_in, err);
    if (st == ZT_OK) {
        st = io_text_open(c->log_path, &c->log, err);
    }
    if (st == ZT_OK) {
        log_header(c);
    }
    return st;
}

/* calibrated.ini and its tables, with the fit as comments. */
static zt_status write_result(const calib *c, const char *why, zt_err *err)
{
    char scen[4096], comment[2048];
    int k = snprintf(comment, sizeof comment,
                     "written by zoet calibrate from %s: %d runs, %s; objective %.6g",
                     c->cf.file, c->nevals, why, c->best_j);
    for (int t = 0; t < c->cf.ntgt && k < (int)sizeof comment - 200; t++) {
        k += snprintf(comment + k, sizeof comment - (size_t)k,
                      "\n# target %s: observed %.6g, model %.6g", c->cf.tgt[t].name,
                      c->cf.tgt[t].observed, c->best_model[t]);
    }
    return write_inputs(c, c->best_x, c->cf.out, "calibrated_", comment, scen, sizeof scen,
                        err);
}

static void print_table(const calib *c)
{
    printf("| target | observed | model | deviation | tolerance |\n|---|---|---|---|---|\n");
    for (int t = 0; t < c->cf.ntgt; t++) {
        const io_cal_target *g = &c->cf.tgt[t];
        const double dev = (c->best_model[t] - g->observed) / fabs(g->observed);
        printf("| %s | %.6g | %.6g | %+.1f %% | %s%.0f %% |\n", g->name, g->observed,
               c->best_model[t], 100.0 * dev, fabs(dev) <= g->tolerance ? "within " : "outside ",
               100.0 * g->tolerance);
    }
    printf("\n| parameter | start | calibrated | min | max |\n|---|---|---|---|---|\n");
    for (int i = 0; i < c->cf.npar; i++) {
        const io_cal_param *p = &c->cf.par[i];
        printf("| %s | %.6g | %.6g | %.6g | %.6g |\n", p->name, p->start, c->best_x[i], p->lo,
               p->hi);
    }
}

zt_status drv_calibrate(const char *file, const char *out_dir, int threads, int quiet,
                        drv_calib_result *res, zt_err *err)
{
    calib c;
    double u[64], minf = 0.0;
    const double t0 = drv_now();
    memset(&c, 0, sizeof c);
    memset(res, 0, sizeof *res);
    c.threads = threads;
    c.quiet = quiet;
    zt_status st = setup(&c, file, out_dir, err);
    const unsigned n = (unsigned)c.cf.npar;
    nlopt_opt opt = NULL;
    if (st == ZT_OK) {
        opt = nlopt_create(c.cf.algorithm == IO_CAL_SBPLX ? NLOPT_LN_SBPLX : NLOPT_LN_BOBYQA, n);
        st = opt ? ZT_OK : zt_fail(err, ZT_ENOMEM, "calibrate: NLopt: out of memory");
        c.opt = opt;
    }
    if (st == ZT_OK) {
        for (unsigned i = 0; i < n; i++) {
            const io_cal_param *p = &c.cf.par[i];
            u[i] = (p->start - p->lo) / (p->hi - p->lo);
        }
        nlopt_set_lower_bounds1(opt, 0.0);
        nlopt_set_upper_bounds1(opt, 1.0);
        nlopt_set_min_objective(opt, nlopt_fn, &c);
        nlopt_set_maxeval(opt, (int)c.cf.max_eval);
        nlopt_set_maxtime(opt, c.cf.max_seconds);
        nlopt_set_xtol_rel(opt, c.cf.xtol_rel);
        nlopt_set_initial_step1(opt, 0.1); /* a tenth of each range */
        const nlopt_result r = nlopt_optimize(opt, u, &minf);
        res->stopped = stop_reason(r);
        if (c.st != ZT_OK) {
            *err = c.err; /* the run that failed */
            st = c.st;
        } else if (r < 0 && !(r == NLOPT_ROUNDOFF_LIMITED && c.have_best)) {
            st = zt_fail(err, ZT_EINTERNAL, "calibrate: NLopt failed (code %d)", (int)r);
        } else if (!c.have_best) {
            st = zt_fail(err, ZT_EINTERNAL, "calibrate: NLopt ended without a run");
        }
    }
    res->nevals = c.nevals;
    res->best = c.best_j;
    res->seconds = drv_now() - t0;
    if (st == ZT_OK) {
        st = write_result(&c, res->stopped, err);
    }
    if (st == ZT_OK && !quiet) {
        printf("zoet calibrate: %d runs in %.0f s; %s\n\n", c.nevals, res->seconds,
               res->stopped);
        print_table(&c);
        printf("\nzoet calibrate: wrote %s/calibrated.ini and %s\n", c.cf.out, c.log_path);
    }
    nlopt_destroy(opt);
    calib_free(&c);
    return st;
}
