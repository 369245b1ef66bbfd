/*
 * io_scenario.c: a scenario file read into the settings of a run
 * (io_scenario.h; every key, unit, default and range in docs/scenarios.md).
 *
 * No equations. Defaults and their sources:
 *   threads 0 (OpenMP's default), change factors 1 (no change: DESIGN.md §2,
 *   "climate scenarios apply monthly change factors to P and ET0"; the range
 *   0-5 is a sanity limit [E], far beyond any KNMI'23 factor), aggregation
 *   "month", deflate 1 (the fastest zlib level; higher levels gain little on
 *   float fields [E]), significant_digits 0 (no quantisation: bit-exact
 *   output), districts true, variables ["P", "ETact", "recharge"] (the
 *   fluxes of the root-zone balance that a hydrologist looks at first [E]),
 *   dir "out/<name>" relative to the working directory.
 *
 * Paths in the file are relative to the folder of the file that sets them
 * (so a scenario and its inputs can move together); `extends` likewise.
 */
#include "io_scenario.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "io_ini.h"
#include "io_input.h"

/* The fields of the domain a scenario may replace ([input] keys). */
static const char *const field_keys[] = {
    "mask",          "surface_level",   "soil",
    "landuse",       "district",        "province",
    "gw_depth_init", "sprinkling_source", "kd",
    "deep_head",     "seepage_resistance", "ditch_resistance",
    "ditch_infiltration_resistance", "trench_depth", "trench_resistance",
    "tile_depth",    "tile_resistance", "peat_thickness"};
#define NFIELD_KEYS ((int)(sizeof field_keys / sizeof field_keys[0]))

/* Modes, in the order of enum io_mode. */
static const char *const mode_names[] = {"coupled", "rootzone", "groundwater", NULL};

/* Checkpoint periods, in the order of enum io_ckpt_every. */
static const char *const ckpt_names[] = {"none", "month", "year", NULL};

/* Aggregation names, in the order of enum io_agg. */
static const char *const agg_names[] = {"day", "10day", "month", "year", NULL};

/* Default gridded output variables. */
static const char *const default_vars[] = {"P", "ETact", "recharge"};
#define NDEFAULT_VARS ((int)(sizeof default_vars / sizeof default_vars[0]))

/* "P, ETact, ..." of the catalogue into buf. */
static void list_names(const char *const *names, int n, char *buf, size_t size)
{
    size_t used = 0;
    int i;
    buf[0] = '\0';
    for (i = 0; i < n && used < size; i++) {
        used += (size_t)snprintf(buf + used, size - used, "%s%s", i ? ", " : "", names[i]);
    }
}

static int find_name(const char *const *names, int n, const char *name)
{
    int i;
    for (i = 0; i < n; i++) {
        if (strcmp(names[i], name) == 0) {
            return i;
        }
    }
    return -1;
}

/* The default name: the file's base name without ".ini". */
static char *name_from_file(const char *path)
{
    const char *b = strrchr(path, '/');
    char *s;
    size_t n;
    b = b ? b + 1 : path;
    s = zt_strdup(b);
    if (!s) {
        return NULL;
    }
    n = strlen(s);
    if (n > 4 && strcmp(s + n - 4, ".ini") == 0) {
        s[n - 4] = '\0';
    }
    return s;
}

int io_scenario_name_ok(const char *s)
{
    size_t i;
    if (s[0] == '\0' || s[0] == '.') {
        return 0;
    }
    for (i = 0; s[i]; i++) {
        char c = s[i];
        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '.')) {
            return 0;
        }
    }
    return 1;
}

static zt_status read_run(io_ini *ini, io_scenario *s, zt_err *err)
{
    const char *name = NULL;
    long threads = 0;
    zt_status st;

    st = io_ini_string(ini, "run", "name", 0, NULL, &name, err);
    if (st != ZT_OK) {
        return st;
    }
    s->name = name ? zt_strdup(name) : name_from_file(s->file);
    if (!s->name) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", s->file);
    }
    if (!io_scenario_name_ok(s->name)) {
        if (name) {
            return io_ini_fail(ini, "run", "name", err,
                               "\"%s\": use letters, digits, '_', '-' and '.' (it names the "
                               "output folder)",
                               s->name);
        }
        return zt_fail(err, ZT_ECONFIG,
                       "%s: [run] name: missing, and the file name \"%s\" is no valid name; "
                       "set name = \"...\"",
                       s->file, s->name);
    }
    if ((st = io_ini_date(ini, "run", "start", 1, 0, &s->start, err)) != ZT_OK ||
        (st = io_ini_date(ini, "run", "end", 1, 0, &s->end, err)) != ZT_OK ||
        (st = io_ini_int(ini, "run", "threads", 0, 0, 0, 1024, &threads, err)) != ZT_OK) {
        return st;
    }
    s->threads = (int)threads;
    {
        /* default: coupled when a district table is given, else the root
           zone alone (the scenarios of zoet 0.1) */
        int mode = io_ini_has(ini, "input", "districts") ? IO_MODE_COUPLED : IO_MODE_ROOTZONE;
        st = io_ini_choice(ini, "run", "mode", 0, mode_names, mode, &mode, err);
        if (st != ZT_OK) {
            return st;
        }
        s->mode = (io_mode)mode;
        int ck = IO_CKPT_NONE;
        st = io_ini_choice(ini, "run", "checkpoint", 0, ckpt_names, IO_CKPT_NONE, &ck, err);
        if (st != ZT_OK) {
            return st;
        }
        s->checkpoint = (io_ckpt_every)ck;
        long kept = 1;
        st = io_ini_int(ini, "run", "checkpoints_kept", 0, 1, 1, 1000, &kept, err);
        if (st != ZT_OK) {
            return st;
        }
        s->checkpoints_kept = (int)kept;
    }
    if (s->start > s->end) {
        char a[11], b[11];
        return io_ini_fail(ini, "run", "end", err, "%s is before start %s",
                           zt_day_format(s->end, b), zt_day_format(s->start, a));
    }
    return ZT_OK;
}

static zt_status read_input(io_ini *ini, io_scenario *s, zt_err *err)
{
    zt_status st;
    int i;

    /* forcing: required unless groundwater mode; districts: unless rootzone
       mode; recharge: in groundwater mode only */
    if ((st = io_ini_path(ini, "input", "domain", 1, NULL, &s->domain, err)) != ZT_OK ||
        (st = io_ini_path(ini, "input", "forcing", s->mode != IO_MODE_GROUNDWATER, NULL,
                          &s->forcing, err)) != ZT_OK ||
        (st = io_ini_path(ini, "input", "parameters", 1, NULL, &s->parameters, err)) != ZT_OK ||
        (st = io_ini_path(ini, "input", "districts", s->mode != IO_MODE_ROOTZONE, NULL,
                          &s->districts_file, err)) != ZT_OK ||
        (st = io_ini_path(ini, "input", "recharge", s->mode == IO_MODE_GROUNDWATER, NULL,
                          &s->recharge, err)) != ZT_OK ||
        (st = io_ini_path(ini, "input", "network", 0, NULL, &s->network, err)) != ZT_OK ||
        (st = io_ini_double(ini, "supply", "ijsselmeer_factor", 0, 1.0, 0.0, 1.0,
                            &s->ijssel_factor, err)) != ZT_OK ||
        (st = io_ini_path(ini, "supply", "ijsselmeer_series", 0, NULL, &s->ijssel_series,
                          err)) != ZT_OK) {
        return st;
    }
    /* The series is opened by the supply driver; refuse a FIFO or a folder
       here, where the key is known (io_input.h). */
    if (s->ijssel_series && io_input_kind(s->ijssel_series)) {
        return io_ini_fail(ini, "supply", "ijsselmeer_series", err,
                           "%s is %s, not a regular file", s->ijssel_series,
                           io_input_kind(s->ijssel_series));
    }
    if (s->network && s->mode != IO_MODE_COUPLED) {
        return io_ini_fail(ini, "input", "network", err,
                           "the supply network needs the coupled mode (districts and root zone)");
    }
    if (!s->network && (io_ini_has(ini, "supply", "ijsselmeer_factor") ||
                        io_ini_has(ini, "supply", "ijsselmeer_series"))) {
        return io_ini_fail(ini, "supply",
                           io_ini_has(ini, "supply", "ijsselmeer_factor") ? "ijsselmeer_factor"
                                                                           : "ijsselmeer_series",
                           err, "needs a supply network ([input] network)");
    }
    if (s->mode == IO_MODE_GROUNDWATER && s->forcing) {
        return io_ini_fail(ini, "input", "forcing", err,
                           "not used in groundwater mode (give recharge instead)");
    }
    if (s->mode != IO_MODE_GROUNDWATER && s->recharge) {
        return io_ini_fail(ini, "input", "recharge", err,
                           "only used in groundwater mode ([run] mode = \"groundwater\")");
    }
    for (i = 0; i < NFIELD_KEYS; i++) {
        char *spec = NULL;
        char *colon;
        int k;
        if (!io_ini_has(ini, "input", field_keys[i])) {
            /* still ask, so the key counts as known */
            const char *dummy;
            st = io_ini_string(ini, "input", field_keys[i], 0, NULL, &dummy, err);
            if (st != ZT_OK) {
                return st;
            }
            continue;
        }
        /* "file.nc:variable": the file part is a path relative to the file */
        st = io_ini_path(ini, "input", field_keys[i], 0, NULL, &spec, err);
        if (st != ZT_OK) {
            return st;
        }
        colon = strrchr(spec, ':');
        if (!colon || colon[1] == '\0' || colon == spec || colon[-1] == '/') {
            zt_free(spec);
            return io_ini_fail(ini, "input", field_keys[i], err,
                               "expected \"file.nc:variable\" (the variable after the last ':')");
        }
        *colon = '\0';
        k = s->nfield_src++;
        s->field_buf[k] = spec;
        s->field_src[k].field = field_keys[i];
        s->field_src[k].path = spec;
        s->field_src[k].var = colon + 1;
    }
    return ZT_OK;
}

static zt_status read_climate(io_ini *ini, io_scenario *s, zt_err *err)
{
    zt_status st;
    int m;
    for (m = 0; m < 12; m++) {
        s->precip_factor[m] = 1.0;
        s->et0_factor[m] = 1.0;
    }
    if ((st = io_ini_doubles(ini, "climate", "precipitation_factor", 0, 12, 0.0, 5.0,
                             s->precip_factor, err)) != ZT_OK ||
        (st = io_ini_doubles(ini, "climate", "et0_factor", 0, 12, 0.0, 5.0, s->et0_factor,
                             err)) != ZT_OK) {
        return st;
    }
    return ZT_OK;
}

/* "MM-DD" into month and day (no 29 February: a date every year has). */
static zt_status read_month_day(io_ini *ini, const char *section, const char *key,
                                const char *def, int *md, zt_err *err)
{
    const char *text = NULL;
    int m = 0, d = 0, n = 0;
    zt_status st = io_ini_string(ini, section, key, 0, def, &text, err);
    if (st != ZT_OK) {
        return st;
    }
    if (sscanf(text, "%2d-%2d%n", &m, &d, &n) != 2 || text[n] != '\0' || strlen(text) != 5 ||
        m < 1 || m > 12 || d < 1 || d > zt_days_in_month(2019, m)) {
        return io_ini_fail(ini, section, key, err,
                           "expected a day of the year as \"MM-DD\" (not 02-29), got \"%s\"",
                           text);
    }
    md[0] = m;
    md[1] = d;
    return ZT_OK;
}

/* [districts] and [groundwater]. */
static zt_status read_water(io_ini *ini, io_scenario *s, zt_err *err)
{
    long picard = 20, cg = 2000;
    zt_status st;

    if ((st = io_ini_double(ini, "districts", "ditch_water_depth_m", 0, 0.5, 0.0, 5.0,
                            &s->ditch_depth, err)) != ZT_OK ||
        (st = io_ini_double(ini, "districts", "flushing_deficit_mm", 0, 110.0, 0.0, 1000.0,
                            &s->flush_deficit_mm, err)) != ZT_OK) {
        return st;
    }
    if ((st = read_month_day(ini, "districts", "summer_start", "04-01", s->summer_start, err)) !=
            ZT_OK ||
        (st = read_month_day(ini, "districts", "winter_start", "10-01", s->winter_start, err)) !=
            ZT_OK) {
        return st;
    }
    if (s->summer_start[0] * 100 + s->summer_start[1] >=
        s->winter_start[0] * 100 + s->winter_start[1]) {
        return io_ini_fail(ini, "districts", "winter_start", err,
                           "must come after summer_start in the calendar year");
    }
    if ((st = io_ini_double(ini, "groundwater", "tolerance_m", 0, 1e-3, 1e-7, 0.1, &s->gw_tol,
                            err)) != ZT_OK ||
        (st = io_ini_int(ini, "groundwater", "max_picard", 0, 20, 1, 1000, &picard, err)) !=
            ZT_OK ||
        (st = io_ini_int(ini, "groundwater", "max_cg", 0, 2000, 1, 1000000, &cg, err)) != ZT_OK ||
        (st = io_ini_double(ini, "groundwater", "spill_resistance_d", 0, 1.0, 0.01, 1000.0,
                            &s->c_spill, err)) != ZT_OK ||
        (st = io_ini_double(ini, "groundwater", "infiltration_resistance_factor", 0, 1.0, 0.1,
                            10.0, &s->ci_factor, err)) != ZT_OK) {
        return st;
    }
    s->gw_max_picard = (int)picard;
    s->gw_max_cg = (int)cg;
    s->peat_target = NAN;
    if (io_ini_has(ini, "peat", "target_depth")) {
        if ((st = io_ini_double(ini, "peat", "target_depth", 1, 0.3, 0.05, 1.0, &s->peat_target,
                                err)) != ZT_OK) {
            return st;
        }
    }
    if ((st = io_ini_bool(ini, "peat", "submerged_drains", 0, 0, &s->peat_owd, err)) != ZT_OK ||
        (st = io_ini_double(ini, "peat", "submerged_drain_resistance_d", 0, 6.0, 1.0, 1000.0,
                            &s->peat_owd_c, err)) != ZT_OK ||
        (st = io_ini_path(ini, "peat", "base", 0, NULL, &s->peat_base, err)) != ZT_OK ||
        (st = io_ini_bool(ini, "peat", "pressure_drains", 0, 0, &s->peat_pd, err)) != ZT_OK ||
        (st = io_ini_double(ini, "peat", "pressure_drain_depth", 0, 0.30, 0.0, 2.0,
                            &s->peat_pd_depth, err)) != ZT_OK ||
        (st = io_ini_double(ini, "peat", "pressure_drain_resistance_d", 0, 6.0, 1.0, 1000.0,
                            &s->peat_pd_c, err)) != ZT_OK) {
        return st;
    }
    /* parcel control: the drains hold each peat cell at the target depth */
    if (!io_ini_has(ini, "peat", "pressure_drain_depth") && !isnan(s->peat_target)) {
        s->peat_pd_depth = s->peat_target;
    }
    if (s->peat_owd && s->peat_pd) {
        return io_ini_fail(ini, "peat", "pressure_drains", err,
                           "submerged drains and pressure drains are the same tile system: "
                           "choose one");
    }
    if ((!isnan(s->peat_target) || s->peat_owd || s->peat_pd) && s->mode != IO_MODE_COUPLED) {
        return io_ini_fail(ini, "peat", isnan(s->peat_target) ? "submerged_drains" : "target_depth",
                           err, "the peat scenario needs the coupled mode");
    }
    return ZT_OK;
}

static zt_status set_vars(io_scenario *s, const char *const *names, int n, zt_err *err)
{
    int i;
    if (n == 0) {
        return ZT_OK;
    }
    s->out_vars = zt_calloc((size_t)n, sizeof *s->out_vars);
    if (!s->out_vars) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", s->file);
    }
    for (i = 0; i < n; i++) {
        s->out_vars[i] = zt_strdup(names[i]);
        if (!s->out_vars[i]) {
            return zt_fail(err, ZT_ENOMEM, "%s: out of memory", s->file);
        }
        s->nout_vars = i + 1;
    }
    return ZT_OK;
}

static zt_status read_output(io_ini *ini, io_scenario *s, const char *const *known, int nknown,
                             zt_err *err)
{
    const char **vars = NULL;
    char list[1024];
    int nvars = 0, agg = IO_AGG_MONTH, i, j;
    long deflate = 1, nsd = 0;
    zt_status st;

    if ((st = io_ini_path(ini, "output", "dir", 0, NULL, &s->out_dir, err)) != ZT_OK) {
        goto done;
    }
    if (!s->out_dir) {
        size_t n = strlen("out/") + strlen(s->name) + 1;
        s->out_dir = zt_malloc(n);
        if (!s->out_dir) {
            st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", s->file);
            goto done;
        }
        snprintf(s->out_dir, n, "out/%s", s->name);
    }
    list_names(known, nknown, list, sizeof list);
    if (io_ini_has(ini, "output", "variables")) {
        st = io_ini_strings(ini, "output", "variables", 0, &vars, &nvars, err);
        if (st != ZT_OK) {
            goto done;
        }
        for (i = 0; i < nvars; i++) {
            if (find_name(known, nknown, vars[i]) < 0) {
                st = io_ini_fail(ini, "output", "variables", err,
                                 "unknown variable \"%s\" (valid: %s)", vars[i], list);
                goto done;
            }
            for (j = 0; j < i; j++) {
                if (strcmp(vars[i], vars[j]) == 0) {
                    st = io_ini_fail(ini, "output", "variables", err, "\"%s\" listed twice",
                                     vars[i]);
                    goto done;
                }
            }
        }
        st = set_vars(s, vars, nvars, err);
    } else {
        /* ask anyway, so that the key counts as known */
        st = io_ini_strings(ini, "output", "variables", 0, &vars, &nvars, err);
        if (st != ZT_OK) {
            goto done;
        }
        for (i = 0; i < NDEFAULT_VARS; i++) {
            if (find_name(known, nknown, default_vars[i]) < 0) {
                st = zt_fail(err, ZT_EINTERNAL,
                             "%s: [output] variables: the default \"%s\" is not in the "
                             "catalogue (%s)",
                             s->file, default_vars[i], list);
                goto done;
            }
        }
        st = set_vars(s, default_vars, NDEFAULT_VARS, err);
    }
    if (st != ZT_OK) {
        goto done;
    }
    if ((st = io_ini_choice(ini, "output", "aggregation", 0, agg_names, IO_AGG_MONTH, &agg,
                            err)) != ZT_OK ||
        (st = io_ini_int(ini, "output", "deflate", 0, 1, 0, 9, &deflate, err)) != ZT_OK ||
        (st = io_ini_int(ini, "output", "significant_digits", 0, 0, 0, 7, &nsd, err)) != ZT_OK ||
        (st = io_ini_bool(ini, "output", "districts", 0, 1, &s->districts, err)) != ZT_OK ||
        (st = io_ini_bool(ini, "output", "supply_users", 0, 1, &s->supply_users, err)) != ZT_OK) {
        goto done;
    }
    s->agg = (io_agg)agg;
    s->deflate = (int)deflate;
    s->nsd = (int)nsd;

done:
    zt_free(vars);
    return st;
}

/* [lake]: the IJsselmeer and Markermeer as a lake (io_lake.h,
 * docs/scenarios.md); the management defaults are the peilbesluit's
 * (FACTS §9). */
static zt_status read_lake(io_ini *ini, io_scenario *s, zt_err *err)
{
    io_lake_cfg *c = &s->lake;
    long replay = 0;
    int md[3][2];
    zt_status st;
    for (int m = 0; m < 12; m++) {
        c->rhine_factor[m] = 1.0;
    }
    c->enabled = io_ini_has_section(ini, "lake");
    if (c->enabled && (st = io_ini_bool(ini, "lake", "enabled", 0, 1, &c->enabled, err)) != ZT_OK) {
        return st;
    }
    /* a scenario that extends one with a lake may switch it off: its keys
       are still read (and checked), but not required nor used */
    const int on = c->enabled;
    if ((st = io_ini_path(ini, "lake", "file", on, NULL, &c->file, err)) != ZT_OK ||
        (st = io_ini_path(ini, "lake", "lobith", on, NULL, &c->lobith, err)) != ZT_OK ||
        (st = io_ini_double(ini, "lake", "inflow_factor", 0, 1.0, 0.0, 10.0, &c->inflow_factor,
                            err)) != ZT_OK ||
        (st = io_ini_int(ini, "lake", "replay_year", 0, 0, 0, 2100, &replay, err)) != ZT_OK ||
        (st = io_ini_doubles(ini, "lake", "rhine_factor", 0, 12, 0.0, 10.0, c->rhine_factor,
                             err)) != ZT_OK ||
        (st = io_ini_double(ini, "lake", "start_level", 0, -0.40, -5.0, 5.0, &c->start_level,
                            err)) != ZT_OK ||
        (st = io_ini_double(ini, "lake", "floor", 0, -0.40, -5.0, 5.0, &c->floor, err)) != ZT_OK ||
        (st = io_ini_double(ini, "lake", "winter_level", 0, -0.40, -5.0, 5.0, &c->winter_level,
                            err)) != ZT_OK ||
        (st = io_ini_double(ini, "lake", "summer_lower", 0, -0.30, -5.0, 5.0, &c->summer_lower,
                            err)) != ZT_OK ||
        (st = io_ini_double(ini, "lake", "summer_upper", 0, -0.10, -5.0, 5.0, &c->summer_upper,
                            err)) != ZT_OK ||
        (st = io_ini_double(ini, "lake", "pump_above", 0, 0.10, 0.0, 5.0, &c->pump_above, err)) !=
            ZT_OK ||
        (st = read_month_day(ini, "lake", "spring_start", "03-01", md[0], err)) != ZT_OK ||
        (st = read_month_day(ini, "lake", "summer_start", "04-01", md[1], err)) != ZT_OK ||
        (st = read_month_day(ini, "lake", "winter_start", "10-01", md[2], err)) != ZT_OK) {
        return st;
    }
    if (!on) {
        return ZT_OK;
    }
    if (replay != 0 && replay < 1800) {
        return io_ini_fail(ini, "lake", "replay_year", err,
                           "%ld: a year of the Lobith series, or 0 (the simulated years)", replay);
    }
    c->replay_year = (int)replay;
    /* the levels in order: below, above; the key the scenario set is named */
    const struct {
        const char *lo, *hi;
        double vlo, vhi;
    } order[] = {{"floor", "winter_level", c->floor, c->winter_level},
                 {"winter_level", "summer_lower", c->winter_level, c->summer_lower},
                 {"summer_lower", "summer_upper", c->summer_lower, c->summer_upper},
                 {"floor", "start_level", c->floor, c->start_level}};
    for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
        if (order[i].vhi < order[i].vlo) {
            const int hi_set = io_ini_has(ini, "lake", order[i].hi);
            return io_ini_fail(ini, "lake", hi_set ? order[i].hi : order[i].lo, err,
                               "%s (%g m NAP) lies below %s (%g m NAP)", order[i].hi,
                               order[i].vhi, order[i].lo, order[i].vlo);
        }
    }
    c->spring_start = md[0][0] * 100 + md[0][1];
    c->summer_start = md[1][0] * 100 + md[1][1];
    c->winter_start = md[2][0] * 100 + md[2][1];
    if (!(c->spring_start < c->summer_start && c->summer_start < c->winter_start)) {
        const char *set = io_ini_has(ini, "lake", "winter_start")   ? "winter_start"
                          : io_ini_has(ini, "lake", "summer_start") ? "summer_start"
                                                                    : "spring_start";
        return io_ini_fail(ini, "lake", set, err,
                           "spring_start \"%02d-%02d\", summer_start \"%02d-%02d\" and "
                           "winter_start \"%02d-%02d\" must follow each other within the year",
                           md[0][0], md[0][1], md[1][0], md[1][1], md[2][0], md[2][1]);
    }
    if (!s->network) {
        return io_ini_fail(ini, "lake", "file", err,
                           "the lake is the root of the supply network: give [input] network");
    }
    if (s->ijssel_series) {
        return io_ini_fail(ini, "supply", "ijsselmeer_series", err,
                           "the lake decides what the IJsselmeer gives: remove the series or "
                           "the [lake] section");
    }
    return ZT_OK;
}

zt_status io_scenario_load(const char *path, const char *const *known_vars, int n_known,
                           io_scenario **out, zt_err *err)
{
    io_ini *ini = NULL;
    io_scenario *s = NULL;
    zt_status st;

    *out = NULL;
    s = zt_calloc(1, sizeof *s);
    if (!s) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    s->file = zt_strdup(path);
    if (!s->file) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    if ((st = io_ini_load(path, &ini, err)) != ZT_OK ||
        (st = read_run(ini, s, err)) != ZT_OK || (st = read_input(ini, s, err)) != ZT_OK ||
        (st = read_climate(ini, s, err)) != ZT_OK || (st = read_water(ini, s, err)) != ZT_OK ||
        (st = read_lake(ini, s, err)) != ZT_OK ||
        (st = read_output(ini, s, known_vars, n_known, err)) != ZT_OK ||
        (st = io_ini_check_unused(ini, err)) != ZT_OK) {
        goto done;
    }
    *out = s;
    s = NULL;

done:
    io_ini_destroy(&ini);
    io_scenario_destroy(&s);
    return st;
}

zt_status io_scenario_set_out_dir(io_scenario *s, const char *dir, zt_err *err)
{
    char *d = zt_strdup(dir);
    if (!d) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", s->file);
    }
    zt_free(s->out_dir);
    s->out_dir = d;
    return ZT_OK;
}

void io_scenario_destroy(io_scenario **ps)
{
    io_scenario *s;
    int i;
    if (!ps || !*ps) {
        return;
    }
    s = *ps;
    zt_free(s->file);
    zt_free(s->name);
    zt_free(s->domain);
    zt_free(s->forcing);
    zt_free(s->districts_file);
    io_lake_cfg_free(&s->lake);
    zt_free(s->network);
    zt_free(s->peat_base);
    zt_free(s->ijssel_series);
    zt_free(s->recharge);
    zt_free(s->parameters);
    for (i = 0; i < IO_MAX_FIELD_SOURCES; i++) {
        zt_free(s->field_buf[i]);
    }
    zt_free(s->out_dir);
    for (i = 0; i < s->nout_vars; i++) {
        zt_free(s->out_vars[i]);
    }
    zt_free(s->out_vars);
    zt_free(s);
    *ps = NULL;
}

/* A string as a TOML basic string (the escapes we read back). */
static void put_str(FILE *f, const char *s)
{
    fputc('"', f);
    for (; *s; s++) {
        switch (*s) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\t': fputs("\\t", f); break;
        default: fputc(*s, f); break;
        }
    }
    fputc('"', f);
}

/* A number in the fewest digits (at most 17) that read back as the same
 * double: the printed settings are a scenario that runs the same model
 * (zoet ensemble writes its members' scenarios this way), and 1.05 stays
 * 1.05. */
static void put_num(FILE *f, double x)
{
    char buf[40];
    for (int digits = 6; digits <= 17; digits++) {
        snprintf(buf, sizeof buf, "%.*g", digits, x);
        if (strtod(buf, NULL) == x) {
            break;
        }
    }
    fputs(buf, f);
}

/* "key = x\n" with put_num. */
static void put_key_num(FILE *f, const char *key, double x)
{
    fprintf(f, "%s = ", key);
    put_num(f, x);
    fputc('\n', f);
}

static void put_factors(FILE *f, const char *key, const double *x)
{
    int m;
    fprintf(f, "%s = [", key);
    for (m = 0; m < 12; m++) {
        fputs(m ? ", " : "", f);
        put_num(f, x[m]);
    }
    fputs("]\n", f);
}

void io_scenario_print(const io_scenario *s, FILE *f)
{
    char a[11], b[11];
    int i;

    /* written as TOML, so the log can be read back as a scenario */
    fputs("# settings in effect, scenario ", f);
    fputs(s->file, f);
    fputs("\n[run]\nname = ", f);
    put_str(f, s->name);
    fprintf(f, "\ncheckpoint = \"%s\"\ncheckpoints_kept = %d", ckpt_names[s->checkpoint],
            s->checkpoints_kept);
    fprintf(f, "\nstart = %s\nend = %s\nthreads = %d\nmode = \"%s\"\n",
            zt_day_format(s->start, a), zt_day_format(s->end, b), s->threads,
            mode_names[s->mode]);
    fputs("[input]\ndomain = ", f);
    put_str(f, s->domain);
    if (s->forcing) {
        fputs("\nforcing = ", f);
        put_str(f, s->forcing);
    }
    if (s->recharge) {
        fputs("\nrecharge = ", f);
        put_str(f, s->recharge);
    }
    if (s->districts_file) {
        fputs("\ndistricts = ", f);
        put_str(f, s->districts_file);
    }
    if (s->network) {
        fputs("\nnetwork = ", f);
        put_str(f, s->network);
    }
    fputs("\nparameters = ", f);
    put_str(f, s->parameters);
    fputc('\n', f);
    for (i = 0; i < s->nfield_src; i++) {
        fprintf(f, "%s = \"%s:%s\"\n", s->field_src[i].field, s->field_src[i].path,
                s->field_src[i].var);
    }
    if (s->network) {
        fputs("[supply]\n", f);
        put_key_num(f, "ijsselmeer_factor", s->ijssel_factor);
        if (s->ijssel_series) {
            fputs("ijsselmeer_series = ", f);
            put_str(f, s->ijssel_series);
            fputc('\n', f);
        }
    }
    if (s->lake.enabled) {
        const io_lake_cfg *c = &s->lake;
        fputs("[lake]\nfile = ", f);
        put_str(f, c->file);
        fputs("\nlobith = ", f);
        put_str(f, c->lobith);
        fputc('\n', f);
        put_key_num(f, "inflow_factor", c->inflow_factor);
        fprintf(f, "replay_year = %d\n", c->replay_year);
        put_key_num(f, "start_level", c->start_level);
        put_key_num(f, "floor", c->floor);
        put_key_num(f, "winter_level", c->winter_level);
        put_key_num(f, "summer_lower", c->summer_lower);
        put_key_num(f, "summer_upper", c->summer_upper);
        put_key_num(f, "pump_above", c->pump_above);
        fprintf(f,
                "spring_start = \"%02d-%02d\"\nsummer_start = \"%02d-%02d\"\n"
                "winter_start = \"%02d-%02d\"\n",
                c->spring_start / 100, c->spring_start % 100, c->summer_start / 100,
                c->summer_start % 100, c->winter_start / 100, c->winter_start % 100);
        put_factors(f, "rhine_factor", c->rhine_factor);
    }
    fputs("[climate]\n", f);
    put_factors(f, "precipitation_factor", s->precip_factor);
    put_factors(f, "et0_factor", s->et0_factor);
    if (s->mode != IO_MODE_ROOTZONE) {
        fprintf(f, "[districts]\nsummer_start = \"%02d-%02d\"\nwinter_start = \"%02d-%02d\"\n",
                s->summer_start[0], s->summer_start[1], s->winter_start[0], s->winter_start[1]);
        put_key_num(f, "ditch_water_depth_m", s->ditch_depth);
        put_key_num(f, "flushing_deficit_mm", s->flush_deficit_mm);
        fputs("[groundwater]\n", f);
        put_key_num(f, "tolerance_m", s->gw_tol);
        fprintf(f, "max_picard = %d\nmax_cg = %d\n", s->gw_max_picard, s->gw_max_cg);
        put_key_num(f, "spill_resistance_d", s->c_spill);
        put_key_num(f, "infiltration_resistance_factor", s->ci_factor);
    }
    /* the base alone (a scenario compared with another, no measure of its
       own) is a [peat] setting too */
    if (!isnan(s->peat_target) || s->peat_owd || s->peat_pd || s->peat_base) {
        fputs("[peat]\n", f);
        if (!isnan(s->peat_target)) {
            put_key_num(f, "target_depth", s->peat_target);
        }
        fprintf(f, "submerged_drains = %s\n", s->peat_owd ? "true" : "false");
        put_key_num(f, "submerged_drain_resistance_d", s->peat_owd_c);
        if (s->peat_pd) {
            fputs("pressure_drains = true\n", f);
            put_key_num(f, "pressure_drain_depth", s->peat_pd_depth);
            put_key_num(f, "pressure_drain_resistance_d", s->peat_pd_c);
        }
        if (s->peat_base) {
            fputs("base = ", f);
            put_str(f, s->peat_base);
            fputc('\n', f);
        }
    }
    fputs("[output]\ndir = ", f);
    put_str(f, s->out_dir);
    fputs("\nvariables = [", f);
    for (i = 0; i < s->nout_vars; i++) {
        fputs(i ? ", " : "", f);
        put_str(f, s->out_vars[i]);
    }
    fprintf(f, "]\naggregation = \"%s\"\ndeflate = %d\nsignificant_digits = %d\n"
               "districts = %s\nsupply_users = %s\n",
            ((int)s->agg >= 0 && (int)s->agg < 4) ? agg_names[s->agg] : "?", s->deflate, s->nsd,
            s->districts ? "true" : "false", s->supply_users ? "true" : "false");
}
