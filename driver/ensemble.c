/*
 * ensemble.c: `zoet ensemble` (ensemble.h): prepare the members, then run
 * them here, at most `jobs` at a time, each a child `zoet run` with its
 * output in the member's log.txt (docs/hpc.md).
 *
 * Preparation, all of it before any member runs, so that bad input stops
 * the ensemble at once (exit 2) rather than member after member:
 *   1. the ensemble file (io_ensemble.h) and every scenario it names;
 *   2. each member's period against its forcing (or recharge) file;
 *   3. each forcing transformed to each climate, once, by a child
 *      `zoet forcing transform IN --<family> SC H -o OUT` (the transform
 *      decides what it implements; a file made before is used again);
 *   4. each member's scenario.ini: the scenario's settings in effect
 *      (io_scenario_print) with the member's name, period, forcing, output
 *      folder and yearly checkpoints (unless the scenario has its own), read
 *      back to be sure it loads.
 * A member folder that holds outputs or checkpoints of another scenario.ini
 * is refused rather than mixed.
 */
#include "ensemble_internal.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "driver.h"
#include "io_ckpt.h"
#include "io_file.h"
#include "io_forcing.h"
#include "io_outset.h"
#include "io_scenario.h"
#include "proc.h"
#include "table.h"

/* ---- small helpers --------------------------------------------------------- */

char *drv_ens_member_dir(const drv_ens *x, int i, char *buf, size_t n)
{
    /* x->out leaves room for the rest (out_dir) */
    if ((size_t)snprintf(buf, n, "%s/members/%s", x->out, x->e->member[i].name) >= n) {
        buf[0] = '\0';
    }
    return buf;
}

static int file_exists(const char *dir, const char *name)
{
    char p[PATH_MAX + 64];
    struct stat sb;
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return stat(p, &sb) == 0;
}

/* The last non-empty line of a text file into buf (size n), "" when none. */
static void last_line(const char *path, char *buf, size_t n)
{
    char tail[2048];
    buf[0] = '\0';
    FILE *f = fopen(path, "r");
    if (!f) {
        return;
    }
    long at = 0;
    if (fseek(f, 0, SEEK_END) == 0 && (at = ftell(f)) > (long)sizeof tail - 1) {
        at -= (long)sizeof tail - 1;
    } else {
        at = 0;
    }
    size_t got = 0;
    if (fseek(f, at, SEEK_SET) == 0) {
        got = fread(tail, 1, sizeof tail - 1, f);
    }
    fclose(f);
    tail[got] = '\0';
    while (got > 0 && (tail[got - 1] == '\n' || tail[got - 1] == '\r' || tail[got - 1] == ' ')) {
        tail[--got] = '\0';
    }
    const char *s = strrchr(tail, '\n');
    s = s ? s + 1 : tail;
    /* a terminal's progress line rewrites itself with \r */
    const char *r = strrchr(s, '\r');
    snprintf(buf, n, "%s", r ? r + 1 : s);
}

/* Append a line "zoet ensemble: <time>: <text>" to a log. */
static void log_line(const char *log, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void log_line(const char *log, const char *fmt, ...)
{
    FILE *f = fopen(log, "a");
    if (!f) {
        return;
    }
    char when[32];
    const time_t t = time(NULL);
    struct tm tmv;
    strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S", localtime_r(&t, &tmv));
    fprintf(f, "zoet ensemble: %s: ", when);
    va_list ap;
    va_start(ap, fmt);
    vfprintf(f, fmt, ap);
    va_end(ap);
    fputc('\n', f);
    fclose(f);
}

/* ---- preparation ----------------------------------------------------------- */

/* Load a scenario with the output catalogue of zoet run. */
static zt_status load_scenario(const char *path, io_scenario **out, zt_err *err)
{
    int ncat = 0;
    const io_var_spec *cat = drv_output_catalogue(&ncat);
    const char **names = zt_malloc((size_t)ncat * sizeof *names);
    if (!names) {
        return zt_fail(err, ZT_ENOMEM, "out of memory");
    }
    for (int v = 0; v < ncat; v++) {
        names[v] = cat[v].name;
    }
    zt_status st = io_scenario_load(path, names, ncat, out, err);
    zt_free(names);
    return st;
}

/* The scenarios of the ensemble, loaded ([nscen], freed by the caller). */
static zt_status load_scenarios(const io_ensemble *e, io_scenario **sc, zt_err *err)
{
    zt_status st = ZT_OK;
    for (int s = 0; s < e->nscen && st == ZT_OK; s++) {
        st = load_scenario(e->scenario[s], &sc[s], err);
        char real[PATH_MAX], *r;
        if (st == ZT_OK && sc[s]->forcing && realpath(sc[s]->forcing, real) &&
            (r = zt_strdup(real)) != NULL) {
            /* one name for one file: each is transformed once */
            zt_free(sc[s]->forcing);
            sc[s]->forcing = r;
        }
        if (st == ZT_OK && sc[s]->mode == IO_MODE_GROUNDWATER) {
            for (int c = 0; c < e->nclim && st == ZT_OK; c++) {
                if (e->climate[c].family[0]) {
                    st = zt_fail(err, ZT_ECONFIG,
                                 "%s: [ensemble] climates: \"%s\" transforms the forcing, but "
                                 "scenario %s runs in groundwater mode (recharge, no forcing)",
                                 e->file, e->climate[c].spec, e->scenario[s]);
                }
            }
        }
    }
    return st;
}

/* Every member's period within its forcing (recharge) file: the first
 * member that is not, and how many more. */
static zt_status check_periods(const io_ensemble *e, io_scenario *const *sc, zt_err *err)
{
    zt_status first = ZT_OK;
    int more = 0;
    for (int s = 0; s < e->nscen; s++) {
        const int gw = sc[s]->mode == IO_MODE_GROUNDWATER;
        const char *file = gw ? sc[s]->recharge : sc[s]->forcing;
        for (int p = 0; p < e->nper; p++) {
            zt_err one;
            zt_err_clear(&one);
            const io_ens_period *per = &e->period[p];
            if (io_forcing_check_period(file, gw ? "recharge" : "P", per->start, per->end,
                                        &one) == ZT_OK) {
                continue;
            }
            if (first != ZT_OK) {
                more += e->nclim;
                continue;
            }
            /* the first member of this scenario and period */
            const io_ens_member *m = &e->member[(s * e->nclim) * e->nper + p];
            char a[11], b[11];
            first = zt_fail(err, one.status, "%s: member %s (period %s/%s): its %s file: %s",
                            e->file, m->name, zt_day_format(per->start, a),
                            zt_day_format(per->end, b), gw ? "recharge" : "forcing", one.msg);
            more += e->nclim - 1;
        }
    }
    if (first != ZT_OK && more > 0) {
        const size_t len = strlen(err->msg);
        snprintf(err->msg + len, sizeof err->msg - len, " (and %d more member%s)", more,
                 more == 1 ? "" : "s");
    }
    return first;
}

/* The transformed forcing of each scenario and climate: tf[s * nclim + c],
 * NULL for "none" (owned strings). */
typedef struct ens_forcings {
    char **tf;
} ens_forcings;

/* A forcing file's short name for the transformed copies: its base name
 * without ".nc", made unique among the distinct files of the ensemble
 * ("-2", "-3" for other files of the same name, in scenario order). */
static void forcing_stem(io_scenario *const *sc, int s, char *buf, size_t n)
{
    char base[256], other[256];
    int same = 0;
    io_path_stem(sc[s]->forcing, ".nc", base, sizeof base);
    for (int t = 0; t < s; t++) {
        /* each other file once: at the first scenario that names it */
        int seen = strcmp(sc[t]->forcing, sc[s]->forcing) == 0;
        for (int u = 0; u < t && !seen; u++) {
            seen = strcmp(sc[u]->forcing, sc[t]->forcing) == 0;
        }
        io_path_stem(sc[t]->forcing, ".nc", other, sizeof other);
        same += !seen && strcmp(other, base) == 0;
    }
    if (same) {
        snprintf(buf, n, "%s-%d", base, same + 1);
    } else {
        snprintf(buf, n, "%s", base);
    }
}

/* Make (or find) every transformed forcing. */
static zt_status make_forcings(drv_ens *x, io_scenario *const *sc, ens_forcings *fo, zt_err *err)
{
    const io_ensemble *e = x->e;
    char dir[PATH_MAX + 16];
    zt_status st = ZT_OK;
    snprintf(dir, sizeof dir, "%s/forcing", x->out);
    fo->tf = zt_calloc((size_t)e->nscen * (size_t)e->nclim, sizeof *fo->tf);
    if (!fo->tf) {
        return zt_fail(err, ZT_ENOMEM, "out of memory");
    }
    for (int s = 0; s < e->nscen && st == ZT_OK; s++) {
        for (int c = 0; c < e->nclim && st == ZT_OK; c++) {
            const io_ens_climate *cl = &e->climate[c];
            char stem[300], path[PATH_MAX + 400], log[PATH_MAX + 400];
            if (!cl->family[0]) {
                continue;
            }
            /* the transform's options name the file too, so that a file
               made with others is never taken for this one */
            char opts[64];
            snprintf(opts, sizeof opts, "%s%s%s%s", e->tf_region[0] ? "__region-" : "",
                     e->tf_region, e->tf_p99[0] ? "__p99-" : "", e->tf_p99);
            forcing_stem(sc, s, stem, sizeof stem);
            if ((size_t)snprintf(path, sizeof path, "%s/%s__%s%s.nc", dir, stem, cl->tag,
                                 opts) >= sizeof path ||
                (size_t)snprintf(log, sizeof log, "%s/%s__%s%s.log", dir, stem, cl->tag, opts) >=
                    sizeof log) {
                return zt_fail(err, ZT_EIO, "%s/%s: path too long", dir, stem);
            }
            fo->tf[s * e->nclim + c] = zt_strdup(path);
            if (!fo->tf[s * e->nclim + c]) {
                return zt_fail(err, ZT_ENOMEM, "out of memory");
            }
            struct stat sb;
            if (stat(path, &sb) == 0) {
                continue; /* made before (by an earlier scenario or run): whole, as it
                             was renamed into place only when complete */
            }
            if ((st = io_dir_ensure(dir, err)) != ZT_OK) {
                return st;
            }
            const char *src = sc[s]->forcing;
            char opt[24];
            snprintf(opt, sizeof opt, "--%s", cl->family);
            char *argv[16] = {(char *)x->o->exe, "forcing", "transform", (char *)src, opt,
                              (char *)cl->scenario, (char *)cl->horizon, "-o", path, "--quiet"};
            int na = 10;
            if (e->tf_region[0]) {
                argv[na++] = "--region";
                argv[na++] = (char *)e->tf_region;
            }
            if (e->tf_p99[0]) {
                argv[na++] = "--p99";
                argv[na++] = (char *)e->tf_p99;
            }
            if (!x->o->quiet) {
                printf("zoet ensemble: transform %s to %s\n", src, cl->spec);
                fflush(stdout);
            }
            log_line(log, "%s forcing transform %s %s %s %s -o %s%s%s%s%s", x->o->exe,
                     src, opt, cl->scenario, cl->horizon, path,
                     e->tf_region[0] ? " --region " : "", e->tf_region,
                     e->tf_p99[0] ? " --p99 " : "", e->tf_p99);
            pid_t pid;
            st = drv_proc_spawn(argv, log, &pid, err);
            if (st != ZT_OK) {
                return st;
            }
            const int code = drv_proc_wait(pid);
            if (code != 0) {
                char why[512];
                last_line(log, why, sizeof why);
                return zt_fail(err, code == 2 ? ZT_EINPUT : ZT_EINTERNAL,
                               "%s: the forcing %s to climate %s: zoet forcing transform "
                               "failed (exit %d): %s (log: %s)",
                               e->file, src, cl->spec, code, why, log);
            }
            if (io_outset_interrupted()) {
                return zt_fail(err, ZT_EINTERRUPTED, "interrupted while transforming the forcing");
            }
        }
    }
    return ZT_OK;
}

static void forcings_free(const io_ensemble *e, ens_forcings *fo)
{
    if (!fo->tf) {
        return;
    }
    for (int i = 0; i < e->nscen * e->nclim; i++) {
        zt_free(fo->tf[i]);
    }
    zt_free(fo->tf);
    fo->tf = NULL;
}

/* The input paths of a scenario a member's copy names (its own files). */
#define NPATHS (10 + IO_MAX_FIELD_SOURCES)

/* Point every input path of ms at its real path (realpath: no "..", the
 * file a run will read, and shorter lines) where the file exists; the new
 * strings go into owned[] (NPATHS, free()). */
static void canonical_paths(io_scenario *ms, char **owned)
{
    char **slot[] = {&ms->domain,        &ms->forcing,   &ms->districts_file,
                     &ms->recharge,      &ms->network,   &ms->ijssel_series,
                     &ms->parameters,    &ms->peat_base, &ms->lake.file,
                     &ms->lake.lobith};
    char buf[PATH_MAX];
    int k = 0;
    for (size_t j = 0; j < sizeof slot / sizeof slot[0]; j++) {
        if (*slot[j] && realpath(*slot[j], buf) && (owned[k] = strdup(buf)) != NULL) {
            *slot[j] = owned[k++];
        }
    }
    for (int j = 0; j < ms->nfield_src; j++) {
        if (realpath(ms->field_src[j].path, buf) && (owned[k] = strdup(buf)) != NULL) {
            ms->field_src[j].path = owned[k++];
        }
    }
}

/* The text of member i's scenario.ini (a new string, free()). */
static char *member_text(const drv_ens *x, int i, const io_scenario *base, const char *forcing,
                         const char *dir)
{
    const io_ensemble *e = x->e;
    const io_ens_member *m = &e->member[i];
    const io_ens_period *p = &e->period[m->period];
    char *text = NULL, *owned[NPATHS] = {NULL}, a[11], b[11];
    size_t len = 0;
    FILE *f = open_memstream(&text, &len);
    if (!f) {
        return NULL;
    }
    /* the scenario as it is in effect, with the member's own settings; the
       copy borrows every other string of base */
    io_scenario ms = *base;
    ms.name = (char *)m->name;
    ms.start = p->start;
    ms.end = p->end;
    ms.forcing = forcing ? (char *)forcing : base->forcing;
    ms.out_dir = (char *)dir;
    if (ms.checkpoint == IO_CKPT_NONE) {
        ms.checkpoint = IO_CKPT_YEAR; /* a requeued task continues from the last year */
    }
    canonical_paths(&ms, owned);
    fprintf(f,
            "# member %s (task %d) of ensemble %s (%s)\n"
            "# scenario %s, climate %s, period %s/%s\n"
            "# written by zoet ensemble; standalone (no extends, absolute paths)\n",
            m->name, i, e->name, e->file, e->scenario[m->scenario], e->climate[m->climate].spec,
            zt_day_format(p->start, a), zt_day_format(p->end, b));
    io_scenario_print(&ms, f);
    for (int k = 0; k < NPATHS; k++) {
        free(owned[k]);
    }
    if (fclose(f) != 0) {
        free(text);
        return NULL;
    }
    return text;
}

/* Write member i's folder and scenario.ini, and read it back. */
static zt_status write_member(drv_ens *x, int i, const io_scenario *base, const char *forcing,
                              zt_err *err)
{
    char dir[PATH_MAX], path[PATH_MAX + 32];
    drv_ens_member_dir(x, i, dir, sizeof dir);
    zt_status st = io_dir_ensure(dir, err);
    if (st != ZT_OK) {
        return st;
    }
    char *text = member_text(x, i, base, forcing, dir);
    if (!text) {
        return zt_fail(err, ZT_ENOMEM, "member %s: out of memory", x->e->member[i].name);
    }
    snprintf(path, sizeof path, "%s/scenario.ini", dir);
    FILE *old = fopen(path, "r");
    int same = 0;
    if (old) {
        const size_t n = strlen(text);
        char *buf = malloc(n + 2);
        same = buf && fread(buf, 1, n + 1, old) == n && memcmp(buf, text, n) == 0;
        free(buf);
        fclose(old);
        if (!same && (file_exists(dir, "run.json") || file_exists(dir, "checkpoints"))) {
            free(text);
            return zt_fail(err, ZT_EINPUT,
                           "member %s: %s holds the outputs of another scenario.ini (the "
                           "ensemble file or a scenario changed since): remove the folder, or "
                           "give the ensemble another out",
                           x->e->member[i].name, dir);
        }
    }
    if (!same) {
        FILE *f = NULL;
        st = io_text_open(path, &f, err);
        if (st == ZT_OK) {
            fputs(text, f);
            st = io_text_close(f, path, 1, err);
        }
    }
    free(text);
    if (st != ZT_OK) {
        return st;
    }
    /* it must load as it is (libinih's line limit, for one) */
    io_scenario *chk = NULL;
    st = load_scenario(path, &chk, err);
    io_scenario_destroy(&chk);
    if (st != ZT_OK) {
        zt_err_prefix(err, "member %s: its scenario file does not load: ", x->e->member[i].name);
    }
    return st;
}

/* The state of each member from its folder: done (run.json) or pending
 * (to run, from its newest checkpoint if it has one); the seconds of its
 * runs so far from its status.txt. */
static zt_status read_states(drv_ens *x, zt_err *err)
{
    for (int i = 0; i < x->e->nmember; i++) {
        char dir[PATH_MAX];
        drv_ens_member_dir(x, i, dir, sizeof dir);
        io_ens_status *m = &x->st[i];
        zt_status st = io_ens_status_read(dir, m, err);
        if (st != ZT_OK) {
            return st;
        }
        const int done = file_exists(dir, "run.json");
        snprintf(m->state, sizeof m->state, "%s", done ? "done" : "pending");
        m->exit_code = done ? 0 : -1;
    }
    return ZT_OK;
}

static zt_status prepare(drv_ens *x, zt_err *err)
{
    const io_ensemble *e = x->e;
    io_scenario **sc = zt_calloc((size_t)e->nscen, sizeof *sc);
    ens_forcings fo = {NULL};
    char dir[PATH_MAX + 16];
    zt_status st = sc ? ZT_OK : zt_fail(err, ZT_ENOMEM, "out of memory");

    if (st == ZT_OK) {
        st = load_scenarios(e, sc, err);
    }
    if (st == ZT_OK) {
        st = check_periods(e, sc, err);
    }
    if (st == ZT_OK) {
        snprintf(dir, sizeof dir, "%s/members", x->out);
        st = io_dir_ensure(dir, err);
    }
    if (st == ZT_OK) {
        st = make_forcings(x, sc, &fo, err);
    }
    for (int i = 0; i < e->nmember && st == ZT_OK; i++) {
        const io_ens_member *m = &e->member[i];
        st = write_member(x, i, sc[m->scenario], fo.tf[m->scenario * e->nclim + m->climate], err);
    }
    if (st == ZT_OK) {
        st = read_states(x, err);
    }
    forcings_free(e, &fo);
    for (int s = 0; sc && s < e->nscen; s++) {
        io_scenario_destroy(&sc[s]);
    }
    zt_free(sc);
    return st;
}

/* ---- local runs --------------------------------------------------------- */

typedef struct ens_slot {
    pid_t pid;   /* 0: free */
    int member;
    double t0;   /* start (monotonic s) */
    double prev; /* seconds of earlier attempts */
} ens_slot;

static zt_status write_csv(const drv_ens *x, zt_err *err)
{
    char path[PATH_MAX + 16];
    snprintf(path, sizeof path, "%s/members.csv", x->out);
    return io_ens_write_csv(x->e, x->st, path, err);
}

/* Start member i in slot s. */
static zt_status start_member(drv_ens *x, int i, int threads, ens_slot *s, zt_err *err)
{
    char dir[PATH_MAX], ini[PATH_MAX + 32], log[PATH_MAX + 32], state[PATH_MAX + 64], th[16];
    drv_ens_member_dir(x, i, dir, sizeof dir);
    snprintf(ini, sizeof ini, "%s/scenario.ini", dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    snprintf(th, sizeof th, "%d", threads);
    const int restart = io_ckpt_latest(dir, state, sizeof state);
    char *argv[] = {(char *)x->o->exe, "run", ini, "--threads", th,
                    restart ? "--restart" : NULL, restart ? state : NULL, NULL};
    if (restart) {
        log_line(log, "member %s (task %d): restart from checkpoint %s", x->e->member[i].name, i,
                 state);
    } else {
        log_line(log, "member %s (task %d): start", x->e->member[i].name, i);
        x->st[i].seconds = 0.0; /* from the beginning: earlier attempts do not count */
    }
    log_line(log, "%s run %s --threads %s%s%s", x->o->exe, ini, th, restart ? " --restart " : "",
             restart ? state : "");
    io_ens_status *m = &x->st[i];
    snprintf(m->state, sizeof m->state, "running");
    m->exit_code = -1;
    zt_status st = io_ens_status_write(dir, m, err);
    if (st == ZT_OK) {
        st = drv_proc_spawn(argv, log, &s->pid, err);
    }
    if (st != ZT_OK) {
        return st;
    }
    s->member = i;
    s->t0 = drv_now();
    s->prev = m->seconds;
    return ZT_OK;
}

/* Member in slot s ended with code: its state, status file and report. */
static zt_status end_member(drv_ens *x, ens_slot *s, int code, int sig, int *ndone, zt_err *err)
{
    const int i = s->member;
    char dir[PATH_MAX], log[PATH_MAX + 32];
    io_ens_status *m = &x->st[i];
    drv_ens_member_dir(x, i, dir, sizeof dir);
    snprintf(log, sizeof log, "%s/log.txt", dir);
    const double secs = drv_now() - s->t0;
    m->seconds = s->prev + secs;
    m->exit_code = code;
    const char *state = code == 0 && file_exists(dir, "run.json") ? "done"
                        : sig && code == 128 + sig                ? "interrupted"
                                                                  : "failed";
    snprintf(m->state, sizeof m->state, "%s", state);
    char why[512];
    last_line(log, why, sizeof why); /* the run's own last word, before ours */
    log_line(log, "member %s (task %d): exit %d (%s) after %.1f s", x->e->member[i].name, i, code,
             state, secs);
    (*ndone)++;
    if (strcmp(state, "failed") == 0) {
        fprintf(stderr, "zoet ensemble: member %s failed (exit %d) after %.1f s: %s (log: %s)\n",
                x->e->member[i].name, code, secs, why, log);
    } else if (!x->o->quiet) {
        printf("zoet ensemble: [%d/%d] %s %s (%.1f s)\n", *ndone, x->e->nmember,
               x->e->member[i].name, state, secs);
        fflush(stdout);
    }
    s->pid = 0;
    zt_status st = io_ens_status_write(dir, m, err);
    return st == ZT_OK ? write_csv(x, err) : st;
}

/* The table of the members that completed, the reference first, into
 * <out>/table, as the Slurm path's table job makes it; none when the
 * reference did not complete (its differences would be to another member). */
static zt_status local_table(const drv_ens *x, drv_ens_result *r, zt_err *err)
{
    const io_ensemble *e = x->e;
    char (*dirs)[PATH_MAX] = zt_calloc((size_t)e->nmember, sizeof *dirs);
    const char **p = zt_calloc((size_t)e->nmember, sizeof *p);
    char out[PATH_MAX + 8];
    int n = 0;
    zt_status st = dirs && p ? ZT_OK : zt_fail(err, ZT_ENOMEM, "out of memory");
    for (int i = 0; st == ZT_OK && i < e->nmember; i++) {
        if (strcmp(x->st[i].state, "done") == 0) {
            p[n++] = drv_ens_member_dir(x, i, dirs[i], sizeof dirs[i]);
        } else if (i == 0) {
            fprintf(stderr, "zoet ensemble: the reference member %s did not complete: no table\n",
                    e->member[0].name);
            break;
        }
    }
    if (st == ZT_OK && n > 0 && strcmp(x->st[0].state, "done") == 0) {
        zt_err te;
        zt_err_clear(&te);
        snprintf(out, sizeof out, "%s/table", x->out);
        /* the members stand without the table: its failure is reported */
        if (drv_table(p, n, out, x->o->quiet, &te) != ZT_OK) {
            fprintf(stderr, "zoet ensemble: no table: %s\n", te.msg);
            r->table_failed = 1;
        }
    } else if (st == ZT_OK) {
        r->table_failed = 1;
    }
    zt_free(dirs);
    zt_free(p);
    return st;
}

static zt_status run_local(drv_ens *x, drv_ens_result *r, zt_err *err)
{
    const io_ensemble *e = x->e;
    const int jobs = x->o->jobs > 0 ? x->o->jobs : e->jobs;
    const int threads = x->o->threads > 0 ? x->o->threads : e->threads;
    ens_slot *slot = zt_calloc((size_t)jobs, sizeof *slot);
    int next = 0, nrun = 0, ndone = 0, forwarded = 0;
    zt_status st = slot ? ZT_OK : zt_fail(err, ZT_ENOMEM, "out of memory");

    for (int i = 0; i < e->nmember; i++) {
        ndone += strcmp(x->st[i].state, "done") == 0;
    }
    if (st == ZT_OK) {
        st = write_csv(x, err);
    }
    if (st == ZT_OK && !x->o->quiet) {
        printf("zoet ensemble: %s: %d members (%d complete before), %d at a time, %d thread%s "
               "each, in %s\n",
               e->name, e->nmember, ndone, jobs, threads, threads == 1 ? "" : "s", x->out);
        fflush(stdout);
    }
    while (st == ZT_OK) {
        const int sig = io_outset_interrupted();
        if (sig && !forwarded) {
            /* one signal to each member: each stops at its next day and
               keeps its checkpoints */
            for (int k = 0; k < jobs; k++) {
                if (slot[k].pid) {
                    drv_proc_signal(slot[k].pid, sig);
                }
            }
            forwarded = 1;
        }
        for (int k = 0; k < jobs && !sig && next < e->nmember; k++) {
            if (slot[k].pid) {
                continue;
            }
            while (next < e->nmember && strcmp(x->st[next].state, "done") == 0) {
                next++;
            }
            if (next < e->nmember) {
                st = start_member(x, next++, threads, &slot[k], err);
                if (st != ZT_OK) {
                    break;
                }
                nrun++;
            }
        }
        while (next < e->nmember && strcmp(x->st[next].state, "done") == 0) {
            next++;
        }
        if (st != ZT_OK || (nrun == 0 && (next >= e->nmember || sig))) {
            break;
        }
        int ended = 0;
        for (int k = 0; k < jobs && st == ZT_OK; k++) {
            int code;
            if (slot[k].pid && drv_proc_poll(slot[k].pid, &code)) {
                st = end_member(x, &slot[k], code, sig, &ndone, err);
                nrun--;
                ended = 1;
            }
        }
        if (!ended) {
            const struct timespec ts = {0, 50 * 1000 * 1000};
            nanosleep(&ts, NULL);
        }
    }
    /* after a failure of our own: stop the members still running */
    for (int k = 0; slot && k < jobs; k++) {
        if (slot[k].pid) {
            drv_proc_signal(slot[k].pid, SIGTERM);
            (void)drv_proc_wait(slot[k].pid);
        }
    }
    zt_free(slot);
    for (int i = 0; i < e->nmember; i++) {
        r->ndone += strcmp(x->st[i].state, "done") == 0;
        r->nfailed += strcmp(x->st[i].state, "failed") == 0;
        r->ninterrupted += strcmp(x->st[i].state, "interrupted") == 0;
    }
    if (st != ZT_OK) {
        return st;
    }
    const int sig = io_outset_interrupted();
    if (sig) {
        return zt_fail(err, ZT_EINTERRUPTED,
                       "interrupted by %s: %d member%s stopped (checkpoints kept), %d not "
                       "started; run the ensemble again to go on",
                       sig == SIGINT ? "SIGINT" : "SIGTERM", r->ninterrupted,
                       r->ninterrupted == 1 ? "" : "s",
                       e->nmember - r->ndone - r->nfailed - r->ninterrupted);
    }
    if (!x->o->quiet || r->nfailed) {
        FILE *f = r->nfailed ? stderr : stdout;
        fprintf(f, "zoet ensemble: %d of %d members complete, %d failed", r->ndone, e->nmember,
                r->nfailed);
        for (int i = 0, k = 0; i < e->nmember; i++) {
            if (strcmp(x->st[i].state, "failed") == 0) {
                fprintf(f, "%s%s", k++ ? ", " : " (", e->member[i].name);
            }
        }
        fprintf(f, "%s; %s/members.csv\n", r->nfailed ? ")" : "", x->out);
    }
    return local_table(x, r, err);
}

/* ---- the whole ---------------------------------------------------------- */

/* The ensemble's folder as an absolute path. */
static zt_status out_dir(const char *dir, char *buf, size_t n, zt_err *err)
{
    char cwd[PATH_MAX];
    if (dir[0] == '/') {
        snprintf(buf, n, "%s", dir);
        return ZT_OK;
    }
    if (!getcwd(cwd, sizeof cwd)) {
        return zt_fail(err, ZT_EIO, "cannot get the working folder: %s", strerror(errno));
    }
    if ((size_t)snprintf(buf, n, "%s/%s", cwd, dir) >= n) {
        return zt_fail(err, ZT_EIO, "%s/%s: path too long", cwd, dir);
    }
    return ZT_OK;
}

/* The longest folder of an ensemble: its members' files and checkpoints
 * below it must fit in PATH_MAX. */
static zt_status check_out_len(const char *out, zt_err *err)
{
    if (strlen(out) > PATH_MAX - 512) {
        return zt_fail(err, ZT_EIO, "%s: the ensemble's folder path is too long", out);
    }
    return ZT_OK;
}

zt_status drv_ensemble(const drv_ens_opts *o, drv_ens_result *r, zt_err *err)
{
    drv_ens x;
    memset(&x, 0, sizeof x);
    memset(r, 0, sizeof *r);
    x.o = o;
    zt_status st = io_ensemble_load(o->file, &x.e, err);
    if (st == ZT_OK) {
        st = out_dir(o->out ? o->out : x.e->out, x.out, sizeof x.out, err);
    }
    if (st == ZT_OK) {
        st = check_out_len(x.out, err);
    }
    if (st == ZT_OK && o->slurm && !x.e->slurm.set) {
        st = zt_fail(err, ZT_ECONFIG,
                     "%s: --slurm needs a [slurm] section (time, mem, cpus_per_task)",
                     x.e->file);
    }
    if (st == ZT_OK) {
        r->nmember = x.e->nmember;
        x.st = zt_calloc((size_t)x.e->nmember, sizeof *x.st);
        st = x.st ? io_dir_ensure(x.out, err) : zt_fail(err, ZT_ENOMEM, "out of memory");
    }
    if (st == ZT_OK) {
        char real[PATH_MAX];
        if (realpath(x.out, real)) {
            snprintf(x.out, sizeof x.out, "%s", real);
        }
    }
    if (st == ZT_OK) {
        st = prepare(&x, err);
    }
    if (st == ZT_OK) {
        st = o->slurm ? drv_ens_slurm(&x, r, err) : run_local(&x, r, err);
    }
    zt_free(x.st);
    io_ensemble_destroy(&x.e);
    return st;
}
