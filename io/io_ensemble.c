/*
 * io_ensemble.c: the ensemble file, the members' status files and the
 * members table (io_ensemble.h; docs/hpc.md).
 *
 * No equations. The climate names are KNMI's: KNMI'14 GL, GH, WL, WH for
 * 2050 and 2085 and the one 2030 projection (KNMI 2014, "KNMI'14
 * climate scenarios"; data/knmi14/README); KNMI'23 Ln, Ld, Mn, Md, Hn, Hd
 * for 2050, 2100 and 2150, and 2033 for the L scenarios only (FACTS §7).
 * Whether the transform implements a given one is the transform's to say
 * (`zoet forcing transform`); this file only refuses names that are none
 * of them.
 */
#include "io_ensemble.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "io_file.h"
#include "io_ini.h"
#include "io_scenario.h"

#define SEC "ensemble"

/* ---- climates and periods ---------------------------------------------- */

static int in_list(const char *s, const char *const *list)
{
    for (int i = 0; list[i]; i++) {
        if (strcmp(s, list[i]) == 0) {
            return 1;
        }
    }
    return 0;
}

int io_ens_parse_climate(const char *spec, io_ens_climate *c)
{
    static const char *const k14_sc[] = {"GL", "GH", "WL", "WH", NULL};
    static const char *const k14_h[] = {"2050", "2085", NULL};
    static const char *const k23_sc[] = {"Ln", "Ld", "Mn", "Md", "Hn", "Hd", NULL};
    static const char *const k23_h[] = {"2050", "2100", "2150", NULL};
    char fam[16], sc[16], h[16];
    int n = 0;

    memset(c, 0, sizeof *c);
    if (strlen(spec) >= sizeof c->spec) {
        return -1;
    }
    snprintf(c->spec, sizeof c->spec, "%s", spec);
    if (strcmp(spec, "none") == 0) {
        snprintf(c->tag, sizeof c->tag, "none");
        return 0;
    }
    if (sscanf(spec, "%15[^:]:%15[^:]:%15[^:]%n", fam, sc, h, &n) != 3 || spec[n] != '\0') {
        return -1;
    }
    int ok = 0;
    if (strcmp(fam, "knmi14") == 0) {
        ok = (in_list(sc, k14_sc) && in_list(h, k14_h)) ||
             (strcmp(sc, "-") == 0 && strcmp(h, "2030") == 0);
    } else if (strcmp(fam, "knmi23") == 0) {
        ok = in_list(sc, k23_sc) &&
             (in_list(h, k23_h) || (strcmp(h, "2033") == 0 && sc[0] == 'L'));
    }
    if (!ok) {
        return -1;
    }
    snprintf(c->family, sizeof c->family, "%s", fam);
    snprintf(c->scenario, sizeof c->scenario, "%s", sc);
    snprintf(c->horizon, sizeof c->horizon, "%s", h);
    if (strcmp(sc, "-") == 0) {
        snprintf(c->tag, sizeof c->tag, "%s-%s", fam, h);
    } else {
        snprintf(c->tag, sizeof c->tag, "%s-%s-%s", fam, sc, h);
    }
    return 0;
}

int io_ens_parse_period(const char *text, io_ens_period *p)
{
    char a[16], b[16];
    int y0, m0, d0, y1, m1, d1, n = 0;

    memset(p, 0, sizeof *p);
    if (sscanf(text, "%15[^/]/%15s%n", a, b, &n) != 2 || text[n] != '\0' || strlen(a) != 10 ||
        strlen(b) != 10 || zt_day_parse(a, &p->start) != 0 || zt_day_parse(b, &p->end) != 0 ||
        p->start > p->end) {
        return -1;
    }
    zt_day_to_ymd(p->start, &y0, &m0, &d0);
    zt_day_to_ymd(p->end, &y1, &m1, &d1);
    if (m0 == 1 && d0 == 1 && m1 == 12 && d1 == 31) {
        if (y0 == y1) {
            snprintf(p->tag, sizeof p->tag, "%04d", y0);
        } else {
            snprintf(p->tag, sizeof p->tag, "%04d-%04d", y0, y1);
        }
    } else {
        snprintf(p->tag, sizeof p->tag, "%04d%02d%02d-%04d%02d%02d", y0, m0, d0, y1, m1, d1);
    }
    return 0;
}

/* ---- the file ------------------------------------------------------------ */

/* 1 when every character of s is in the set, and s is not empty. */
static int only(const char *s, const char *set)
{
    return s[0] != '\0' && strspn(s, set) == strlen(s);
}


static zt_status read_scenarios(io_ini *ini, io_ensemble *e, zt_err *err)
{
    zt_status st = io_ini_paths(ini, SEC, "scenarios", 1, &e->scenario, &e->nscen, err);
    if (st != ZT_OK) {
        return st;
    }
    if (e->nscen == 0) {
        return io_ini_fail(ini, SEC, "scenarios", err,
                           "empty list: give one scenario file or more");
    }
    e->stem = zt_calloc((size_t)e->nscen, sizeof *e->stem);
    if (!e->stem) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", e->file);
    }
    for (int i = 0; i < e->nscen; i++) {
        /* without "..", where the file exists (loading reports one that does not) */
        char real[PATH_MAX], *r = realpath(e->scenario[i], real) ? zt_strdup(real) : NULL;
        if (r) {
            zt_free(e->scenario[i]);
            e->scenario[i] = r;
        }
    }
    for (int i = 0; i < e->nscen; i++) {
        char stem[256];
        io_path_stem(e->scenario[i], ".ini", stem, sizeof stem);
        if (!io_scenario_name_ok(stem) || strstr(stem, "__") || strlen(stem) > 63) {
            return io_ini_fail(ini, SEC, "scenarios", err,
                               "item %d: the file name \"%s\" names its members: use letters, "
                               "digits, '_', '-' and '.' (no \"__\", at most 63)",
                               i + 1, stem);
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(stem, e->stem[j]) == 0) {
                return io_ini_fail(ini, SEC, "scenarios", err,
                                   "items %d and %d are both named \"%s\" (member names come "
                                   "from the file names: rename one)",
                                   j + 1, i + 1, stem);
            }
        }
        e->stem[i] = zt_strdup(stem);
        if (!e->stem[i]) {
            return zt_fail(err, ZT_ENOMEM, "%s: out of memory", e->file);
        }
    }
    return ZT_OK;
}

/* A list of strings that must not be empty (climates, periods). */
static zt_status read_list(io_ini *ini, const char *key, const char ***items, int *n,
                           zt_err *err)
{
    zt_status st = io_ini_strings(ini, SEC, key, 1, items, n, err);
    if (st == ZT_OK && *n == 0) {
        st = io_ini_fail(ini, SEC, key, err, "empty list: give one item or more");
    }
    return st;
}

static zt_status read_climates(io_ini *ini, io_ensemble *e, zt_err *err)
{
    const char **items = NULL;
    int n = 0;
    zt_status st = read_list(ini, "climates", &items, &n, err);
    if (st == ZT_OK) {
        e->climate = zt_calloc((size_t)n, sizeof *e->climate);
        if (!e->climate) {
            st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", e->file);
        }
    }
    for (int i = 0; st == ZT_OK && i < n; i++) {
        if (io_ens_parse_climate(items[i], &e->climate[i]) != 0) {
            st = io_ini_fail(ini, SEC, "climates", err,
                             "item %d: unknown climate \"%s\" (known: \"none\"; "
                             "\"knmi14:SC:H\", SC GL, GH, WL or WH, H 2050 or 2085, or "
                             "\"knmi14:-:2030\"; \"knmi23:SC:H\", SC Ln, Ld, Mn, Md, Hn or Hd, "
                             "H 2050, 2100 or 2150, or 2033 with Ln and Ld)",
                             i + 1, items[i]);
            break;
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(e->climate[j].tag, e->climate[i].tag) == 0) {
                st = io_ini_fail(ini, SEC, "climates", err, "item %d: \"%s\" twice", i + 1,
                                 items[i]);
            }
        }
        e->nclim = i + 1;
    }
    zt_free(items);
    return st;
}

static zt_status read_periods(io_ini *ini, io_ensemble *e, zt_err *err)
{
    const char **items = NULL;
    int n = 0;
    zt_status st = read_list(ini, "periods", &items, &n, err);
    if (st == ZT_OK) {
        e->period = zt_calloc((size_t)n, sizeof *e->period);
        if (!e->period) {
            st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", e->file);
        }
    }
    for (int i = 0; st == ZT_OK && i < n; i++) {
        if (io_ens_parse_period(items[i], &e->period[i]) != 0) {
            st = io_ini_fail(ini, SEC, "periods", err,
                             "item %d: \"%s\" is no period (expected \"YYYY-MM-DD/YYYY-MM-DD\", "
                             "real dates, the start not after the end)",
                             i + 1, items[i]);
            break;
        }
        for (int j = 0; j < i; j++) {
            if (strcmp(e->period[j].tag, e->period[i].tag) == 0) {
                st = io_ini_fail(ini, SEC, "periods", err, "item %d: \"%s\" twice", i + 1,
                                 items[i]);
            }
        }
        e->nper = i + 1;
    }
    zt_free(items);
    return st;
}

/* The product, in task order. */
static zt_status make_members(io_ini *ini, io_ensemble *e, zt_err *err)
{
    const long n = (long)e->nscen * e->nclim * e->nper;
    if (n > IO_ENS_MAX_MEMBERS) {
        return io_ini_fail(ini, SEC, "periods", err,
                           "%d scenarios x %d climates x %d periods = %ld members; at most %d",
                           e->nscen, e->nclim, e->nper, n, IO_ENS_MAX_MEMBERS);
    }
    e->member = zt_calloc((size_t)n, sizeof *e->member);
    if (!e->member) {
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", e->file);
    }
    for (int s = 0, k = 0; s < e->nscen; s++) {
        for (int c = 0; c < e->nclim; c++) {
            for (int p = 0; p < e->nper; p++, k++) {
                io_ens_member *m = &e->member[k];
                m->scenario = s;
                m->climate = c;
                m->period = p;
                /* each part is short enough (stem < 64, tags < 48, 24) */
                snprintf(m->name, sizeof m->name, "%s__%s__%s", e->stem[s], e->climate[c].tag,
                         e->period[p].tag);
            }
        }
    }
    e->nmember = (int)n;
    return ZT_OK;
}

/* [transform]: passed on to zoet forcing transform, which checks them
 * against KNMI's tables; here only their form. */
static zt_status read_transform(io_ini *ini, io_ensemble *e, zt_err *err)
{
    static const char *const p99[] = {"lower", "centr", "upper", NULL};
    const char *region = NULL;
    int k = -1;
    zt_status st = io_ini_string(ini, "transform", "region", 0, "", &region, err);
    if (st == ZT_OK && region[0] &&
        (strlen(region) >= sizeof e->tf_region || !only(region, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"))) {
        st = io_ini_fail(ini, "transform", "region", err,
                         "\"%s\": a KNMI'14 region in capitals (\"NON\" for Noord-Nederland)",
                         region);
    }
    if (st == ZT_OK) {
        snprintf(e->tf_region, sizeof e->tf_region, "%s", region);
        st = io_ini_choice(ini, "transform", "p99", 0, p99, -1, &k, err);
    }
    if (st == ZT_OK && k >= 0) {
        snprintf(e->tf_p99, sizeof e->tf_p99, "%s", p99[k]);
    }
    return st;
}

static zt_status read_local(io_ini *ini, io_ensemble *e, zt_err *err)
{
    long jobs = 1, threads = 1;
    zt_status st = io_ini_int(ini, "local", "jobs", 0, 1, 1, 1024, &jobs, err);
    if (st == ZT_OK) {
        st = io_ini_int(ini, "local", "threads", 0, 1, 1, 1024, &threads, err);
    }
    e->jobs = (int)jobs;
    e->threads = (int)threads;
    return st;
}

/* A Slurm time limit "HH:MM:SS" or "D-HH:MM:SS" in seconds; -1 when malformed. */
static long parse_time(const char *s)
{
    int d = 0, h = 0, m = 0, sec = 0, n = 0;
    if (strspn(s, "0123456789:-") != strlen(s)) {
        return -1;
    }
    if (strchr(s, '-')) {
        if (sscanf(s, "%d-%d:%d:%d%n", &d, &h, &m, &sec, &n) != 4 || s[n] != '\0' || h > 23) {
            return -1;
        }
    } else if (sscanf(s, "%d:%d:%d%n", &h, &m, &sec, &n) != 3 || s[n] != '\0') {
        return -1;
    }
    if (d < 0 || h < 0 || m < 0 || m > 59 || sec < 0 || sec > 59 || d > 365 || h > 8784) {
        return -1;
    }
    const long t = ((long)d * 24 + h) * 3600 + m * 60 + sec;
    return t > 0 ? t : -1;
}

#define DIGITS "0123456789"
#define NAMECHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz" DIGITS "_.-"

static zt_status read_time(io_ini *ini, const char *key, int required, const char *def,
                           char *buf, size_t n, long *seconds, zt_err *err)
{
    const char *t = NULL;
    zt_status st = io_ini_string(ini, "slurm", key, required, def, &t, err);
    if (st != ZT_OK) {
        return st;
    }
    const long secs = parse_time(t);
    if (secs < 0 || strlen(t) >= n) {
        return io_ini_fail(ini, "slurm", key, err,
                           "\"%s\": expected a time limit \"HH:MM:SS\" or \"D-HH:MM:SS\" "
                           "(minutes and seconds below 60), more than 0",
                           t);
    }
    snprintf(buf, n, "%s", t);
    if (seconds) {
        *seconds = secs;
    }
    return ZT_OK;
}

static zt_status read_slurm(io_ini *ini, io_ensemble *e, zt_err *err)
{
    io_ens_slurm *s = &e->slurm;
    const char *mem = NULL, *part = NULL, *acct = NULL, **extra = NULL;
    long cpus = 1;
    int nextra = 0;
    zt_status st;

    s->set = io_ini_has_section(ini, "slurm");
    if (!s->set) {
        return ZT_OK;
    }
    st = read_time(ini, "time", 1, NULL, s->time, sizeof s->time, &s->seconds, err);
    if (st == ZT_OK) {
        st = read_time(ini, "table_time", 0, s->time, s->table_time, sizeof s->table_time, NULL,
                       err);
    }
    if (st == ZT_OK) {
        st = io_ini_string(ini, "slurm", "mem", 1, NULL, &mem, err);
    }
    if (st == ZT_OK) {
        const size_t nd = strspn(mem, DIGITS);
        if (nd == 0 || strlen(mem) >= sizeof s->mem || strspn(mem, "0") == nd ||
            (mem[nd] != '\0' && (!strchr("KMGTkmgt", mem[nd]) || mem[nd + 1] != '\0'))) {
            st = io_ini_fail(ini, "slurm", "mem", err,
                             "\"%s\": expected memory as Slurm reads it: a number of megabytes, "
                             "or with K, M, G or T (\"4G\")",
                             mem);
        } else {
            snprintf(s->mem, sizeof s->mem, "%s", mem);
        }
    }
    if (st == ZT_OK) {
        st = io_ini_int(ini, "slurm", "cpus_per_task", 1, 1, 1, 1024, &cpus, err);
        s->cpus_per_task = (int)cpus;
    }
    if (st == ZT_OK) {
        st = io_ini_string(ini, "slurm", "partition", 0, "", &part, err);
    }
    if (st == ZT_OK) {
        st = io_ini_string(ini, "slurm", "account", 0, "", &acct, err);
    }
    const struct {
        const char *key, *v;
        char *buf;
    } names[] = {{"partition", part, s->partition}, {"account", acct, s->account}};
    for (int i = 0; st == ZT_OK && i < 2; i++) {
        if (names[i].v[0] && (!only(names[i].v, NAMECHARS ",") || strlen(names[i].v) >= 128)) {
            st = io_ini_fail(ini, "slurm", names[i].key, err,
                             "\"%s\": use letters, digits, '_', '.', '-' (and ',' between "
                             "names)",
                             names[i].v);
        } else {
            snprintf(names[i].buf, 128, "%s", names[i].v);
        }
    }
    if (st == ZT_OK) {
        st = io_ini_strings(ini, "slurm", "extra", 0, &extra, &nextra, err);
    }
    if (st == ZT_OK && nextra > 0) {
        s->extra = zt_calloc((size_t)nextra, sizeof *s->extra);
        if (!s->extra) {
            st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", e->file);
        }
    }
    for (int i = 0; st == ZT_OK && i < nextra; i++) {
        int ctrl = 0;
        for (const char *p = extra[i]; *p; p++) {
            ctrl |= (unsigned char)*p < 0x20 || *p == 0x7f;
        }
        if (extra[i][0] != '-' || ctrl) {
            st = io_ini_fail(ini, "slurm", "extra", err,
                             "item %d: \"%s\": an sbatch option (\"--qos=normal\"), one line",
                             i + 1, extra[i]);
            break;
        }
        s->extra[i] = zt_strdup(extra[i]);
        if (!s->extra[i]) {
            st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", e->file);
        }
        s->nextra = i + 1;
    }
    zt_free(extra);
    return st;
}

zt_status io_ensemble_load(const char *path, io_ensemble **out, zt_err *err)
{
    io_ini *ini = NULL;
    io_ensemble *e = NULL;
    const char *name = NULL;
    char abs[PATH_MAX];
    zt_status st;

    *out = NULL;
    e = zt_calloc(1, sizeof *e);
    /* absolute, so that every path relative to the file is absolute too;
       a file that cannot be resolved is left to io_ini_load to report */
    if (!e || !(e->file = zt_strdup(realpath(path, abs) ? abs : path))) {
        zt_free(e);
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
    }
    st = io_ini_load(e->file, &ini, err);
    if (st == ZT_OK && !io_ini_has_section(ini, SEC)) {
        st = zt_fail(err, ZT_ECONFIG, "%s: no [ensemble] section", e->file);
    }
    if (st == ZT_OK) {
        st = io_ini_string(ini, SEC, "name", 1, NULL, &name, err);
    }
    if (st == ZT_OK && (!io_scenario_name_ok(name) || strlen(name) >= sizeof e->name)) {
        st = io_ini_fail(ini, SEC, "name", err,
                         "\"%s\": use letters, digits, '_', '-' and '.' (at most 63)", name);
    }
    if (st == ZT_OK) {
        snprintf(e->name, sizeof e->name, "%s", name);
        st = io_ini_path(ini, SEC, "out", 1, NULL, &e->out, err);
    }
    if (st == ZT_OK) {
        st = read_scenarios(ini, e, err);
    }
    if (st == ZT_OK) {
        st = read_climates(ini, e, err);
    }
    if (st == ZT_OK) {
        st = read_periods(ini, e, err);
    }
    if (st == ZT_OK) {
        st = make_members(ini, e, err);
    }
    if (st == ZT_OK) {
        st = read_transform(ini, e, err);
    }
    if (st == ZT_OK) {
        st = read_local(ini, e, err);
    }
    if (st == ZT_OK) {
        st = read_slurm(ini, e, err);
    }
    if (st == ZT_OK) {
        st = io_ini_check_unused(ini, err);
    }
    io_ini_destroy(&ini);
    if (st != ZT_OK) {
        io_ensemble_destroy(&e);
        return st;
    }
    *out = e;
    return ZT_OK;
}

void io_ensemble_destroy(io_ensemble **pe)
{
    if (!pe || !*pe) {
        return;
    }
    io_ensemble *e = *pe;
    for (int i = 0; i < e->nscen; i++) {
        zt_free(e->scenario[i]);
        zt_free(e->stem ? e->stem[i] : NULL);
    }
    for (int i = 0; i < e->slurm.nextra; i++) {
        zt_free(e->slurm.extra[i]);
    }
    zt_free(e->slurm.extra);
    zt_free(e->scenario);
    zt_free(e->stem);
    zt_free(e->climate);
    zt_free(e->period);
    zt_free(e->member);
    zt_free(e->out);
    zt_free(e->file);
    zt_free(e);
    *pe = NULL;
}

/* ---- status and table ------------------------------------------------------ */

zt_status io_ens_status_read(const char *dir, io_ens_status *st, zt_err *err)
{
    char path[4200], state[16], code[16];
    double secs = 0.0;
    int n = 0;

    snprintf(st->state, sizeof st->state, "pending");
    st->exit_code = -1;
    st->seconds = 0.0;
    io_path_join(dir, "status.txt", path, sizeof path);
    FILE *f = fopen(path, "r");
    if (!f) {
        return ZT_OK;
    }
    const int got = fscanf(f, "%15s %15s %lf%n", state, code, &secs, &n);
    fclose(f);
    char *end = NULL;
    const long c = strtol(code, &end, 10);
    if (got != 3 || !(secs >= 0.0) || (strcmp(code, "-") != 0 && (*end || c < 0 || c > 255))) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: expected one line \"STATE EXIT SECONDS\" (\"done 0 12.5\")", path);
    }
    snprintf(st->state, sizeof st->state, "%s", state);
    st->exit_code = strcmp(code, "-") == 0 ? -1 : (int)c;
    st->seconds = secs;
    return ZT_OK;
}

zt_status io_ens_status_write(const char *dir, const io_ens_status *st, zt_err *err)
{
    char path[4200];
    FILE *f = NULL;
    io_path_join(dir, "status.txt", path, sizeof path);
    zt_status s = io_text_open(path, &f, err);
    if (s != ZT_OK) {
        return s;
    }
    if (st->exit_code >= 0) {
        fprintf(f, "%s %d %.1f\n", st->state, st->exit_code, st->seconds);
    } else {
        fprintf(f, "%s - %.1f\n", st->state, st->seconds);
    }
    return io_text_close(f, path, 1, err);
}

char *io_ens_csv_row(const io_ensemble *e, int i, char *buf, size_t n)
{
    const io_ens_member *m = &e->member[i];
    char a[11], b[11];
    snprintf(buf, n, "%d,%s,%s,%s,%s,%s", i, m->name, e->stem[m->scenario],
             e->climate[m->climate].spec, zt_day_format(e->period[m->period].start, a),
             zt_day_format(e->period[m->period].end, b));
    return buf;
}

zt_status io_ens_write_csv(const io_ensemble *e, const io_ens_status *st, const char *path,
                           zt_err *err)
{
    FILE *f = NULL;
    char row[512];
    zt_status s = io_text_open(path, &f, err);
    if (s != ZT_OK) {
        return s;
    }
    fputs(IO_ENS_CSV_HEADER "\n", f);
    for (int i = 0; i < e->nmember; i++) {
        fputs(io_ens_csv_row(e, i, row, sizeof row), f);
        if (st[i].exit_code >= 0) {
            fprintf(f, ",%s,%d,%.1f\n", st[i].state, st[i].exit_code, st[i].seconds);
        } else {
            fprintf(f, ",%s,,%.1f\n", st[i].state, st[i].seconds);
        }
    }
    return io_text_close(f, path, 1, err);
}
