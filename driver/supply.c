/*
 * supply.c: the supply network in a run (supply.h; docs/model.md §8).
 *
 * Users, in this order: district di's five causes (di * 5 + c), then the
 * point users of the network file. A point user with source = "groundwater"
 * takes its water from its wells (an abstraction in the groundwater solve,
 * not subject to the verdringingsreeks: FACTS.md §2) and has no demand on
 * the network.
 */
#include "supply.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "core_alloc.h"
#include "core_lake.h"
#include "io_csv.h"
#include "clock.h"
#include "io_file.h"
#include "io_forcing.h"
#include "io_out.h"

#define NC CORE_DCAT_COUNT
#define NPROV 3 /* Groningen, Fryslân, Drenthe */
#define NREG_MAX (NPROV + 1) /* and the lake's own users, with a lake */
#define LEVEL_3 5 /* the first level of class 3 (io_net_level_names) */

/* What check_order counts (user-days, days). */
enum { ORD_SHORT, ORD_VIOLATION, ORD_UNEXPLAINED, ORD_SOURCE_DAYS, ORD_N };

struct drv_supply {
    io_network net;
    core_alloc *alloc;
    int nd, npt, nuser, nnode;
    zt_day first;
    double factor;
    int *d_node, *d_prov;        /* [nd] */
    uint8_t *d_unsup;            /* [nd] 1: outside the supply areas */
    int *parent;                 /* [nnode] (core_alloc borrows it) */
    int *unode, *ulevel;         /* [nuser] */
    int32_t *uid, *nid, *rid;    /* ids of users, nodes, regions (for the files) */
    char **uname, **nname, **rname;
    /* the CSV key columns: users (user, cause, node, province, class) and
       regions (province, class); the users' own names are copies in ukeyuser */
    const char **ukey, **rkey;
    char **ukeyuser;
    int *uprov;                  /* [nuser] province index 0-2, -1: none */
    double *cap, *local, *demand, *alloc_v, *flow, *used, *real, *rflow, *rused;
    /* wells: cells of point user j in wcell[wstart[j] .. wstart[j + 1]) */
    zt_idx *wstart, *wcell;
    double *wreal;               /* [npt] realised by the wells today (m3/d) */
    double *wdem;                /* [npt] demand on the wells today (m3/d) */
    /* the IJsselmeer's availability per day (m3/s), or NULL */
    double *series;
    /* accounting */
    io_tsout *ts_users, *ts_nodes, *ts_regions;
    double *vals;
    double seconds;
    long rounds;
    double source_m3;            /* drawn from the sources, all days (m3) */
    int series_node;             /* the source the series applies to ("ijsselmeer"), or -1 */
    int nlake;                   /* the last nlake point users are the lake's own */
    int nreg;                    /* regions: the provinces, and the lake's users with a lake */
    double source_today;         /* the lake's availability today (m3/d), NAN: none */
    double level_today;          /* the lake's level at the start of today (m NAP), NAN: none */
    double ckpt[3 + ORD_N];      /* source_m3, rounds, seconds, order (checkpoints) */
    double order[ORD_N];         /* the verdringingsreeks checked, all days (check_order) */
    int *sat;                    /* [nnode] scratch: the lowest saturated link at or above */
    uint8_t *served;             /* [nnode] scratch: class 3-4 water passes the link */
};

enum { U_DEMAND, U_ALLOC, U_REAL, U_SHORT, U_N };
enum { N_FLOW, N_CAP, N_LOCAL, N_N };

static const io_var_spec user_vars[U_N] = {
    {"demand", "demand of the user", "m3 s-1", NULL, NULL, 1},
    {"allocated", "allocated to the user by the verdringingsreeks", "m3 s-1", NULL, NULL, 1},
    {"realised", "water the user took (allocated and used, plus its own wells)", "m3 s-1", NULL,
     NULL, 1},
    {"shortage", "demand not realised", "m3 s-1", NULL, NULL, 1},
};
static const io_var_spec node_vars[N_N] = {
    {"flow", "flow over the link from the parent (a source: drawn from it)", "m3 s-1", NULL, NULL,
     1},
    {"capacity", "capacity of that link (a source: its availability); -1: unlimited", "m3 s-1",
     NULL, NULL, 0},
    {"local_used", "local water (district surplus) used at the node", "m3 s-1", NULL, NULL, 1},
};
static const io_var_spec region_vars[U_N] = {
    {"demand", "demand of the class in the province", "m3", "m3", NULL, 1},
    {"allocated", "allocated", "m3", "m3", NULL, 1},
    {"realised", "realised", "m3", "m3", NULL, 1},
    {"shortage", "demand not realised", "m3", "m3", NULL, 1},
};


static const char *const prov_names[NREG_MAX] = {"groningen", "fryslan", "drenthe", "lake"};

void drv_supply_destroy(drv_supply **ps)
{
    drv_supply *s;
    if (!ps || !*ps) {
        return;
    }
    s = *ps;
    zt_err scratch;
    zt_err_clear(&scratch);
    drv_supply_close(s, 0, &scratch);
    io_network_free(&s->net);
    core_alloc_destroy(&s->alloc);
    zt_free(s->d_node);
    zt_free(s->d_prov);
    zt_free(s->d_unsup);
    zt_free(s->parent);
    zt_free(s->unode);
    zt_free(s->ulevel);
    zt_free(s->sat);
    zt_free(s->served);
    zt_free(s->uid);
    zt_free(s->nid);
    zt_free(s->rid);
    for (int i = 0; s->uname && i < s->nuser; i++) {
        zt_free(s->uname[i]);
    }
    for (int i = 0; s->nname && i < s->nnode; i++) {
        zt_free(s->nname[i]);
    }
    for (int i = 0; s->rname && i < s->nreg * IO_NET_NLEVEL; i++) {
        zt_free(s->rname[i]);
    }
    for (int i = 0; s->ukeyuser && i < s->nuser; i++) {
        zt_free(s->ukeyuser[i]);
    }
    zt_free(s->uname);
    zt_free(s->nname);
    zt_free(s->rname);
    zt_free(s->ukey);
    zt_free(s->rkey);
    zt_free(s->ukeyuser);
    zt_free(s->uprov);
    zt_free(s->cap);
    zt_free(s->local);
    zt_free(s->demand);
    zt_free(s->alloc_v);
    zt_free(s->flow);
    zt_free(s->used);
    zt_free(s->real);
    zt_free(s->rflow);
    zt_free(s->rused);
    zt_free(s->wstart);
    zt_free(s->wcell);
    zt_free(s->wreal);
    zt_free(s->wdem);
    zt_free(s->series);
    zt_free(s->vals);
    zt_free(s);
    *ps = NULL;
}

/* The IJsselmeer series: "date,m3s" lines (a header line allowed, '#'
 * comments), one per day of the run, in order. */
static zt_status read_series(drv_supply *s, const char *path, zt_day first, zt_day last,
                             zt_err *err)
{
    static const io_csv_opts opts = {1, 1, 0, NULL}; /* blanks trimmed, '#' lines skipped */
    io_csv *csv = NULL;
    int got = 0, n = (int)(last - first + 1);
    zt_day expect = first;
    zt_status st = io_csv_open(path, "the IJsselmeer series", ZT_ECONFIG, &opts, &csv, err);
    if (st != ZT_OK) {
        return st;
    }
    s->series = zt_calloc((size_t)n, sizeof *s->series);
    if (!s->series) {
        io_csv_close(&csv);
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
    }
    while ((st = io_csv_next(csv, &got, err)) == ZT_OK && got) {
        zt_day d;
        double v;
        if (io_csv_line(csv) == 1 && strncmp(io_csv_field(csv, 0), "date", 4) == 0) {
            continue; /* the header */
        }
        if (io_csv_nfields(csv) != 2) {
            st = io_csv_fail(csv, -1, err, "expected \"YYYY-MM-DD,m3s\", got %d fields",
                             io_csv_nfields(csv));
            break;
        }
        if ((st = io_csv_day(csv, 0, &d, err)) != ZT_OK ||
            (st = io_csv_double(csv, 1, &v, err)) != ZT_OK) {
            break;
        }
        if (!(v >= 0.0) || !isfinite(v)) {
            st = io_csv_fail(csv, 1, err, "expected m3/s, finite and >= 0, got '%s'",
                             io_csv_field(csv, 1));
            break;
        }
        if (d < first || d > last) {
            continue;
        }
        if (d != expect) {
            char want[16];
            zt_day_format(expect, want);
            st = io_csv_fail(csv, -1, err, "day %s expected (one line per day, in order)", want);
            break;
        }
        s->series[expect - first] = v;
        expect++;
    }
    io_csv_close(&csv);
    if (st != ZT_OK) {
        return st;
    }
    if (expect <= last) {
        char want[16];
        zt_day_format(expect, want);
        return zt_fail(err, ZT_ECONFIG, "%s: no value for %s (the run needs every day)", path,
                       want);
    }
    return ZT_OK;
}

/* The arrays of the allocation and the accounting. */
static zt_status supply_arrays(drv_supply *s, zt_err *err)
{
    size_t nu = (size_t)s->nuser, nn = (size_t)s->nnode, nd = (size_t)(s->nd > 0 ? s->nd : 1);
    s->d_node = zt_malloc(nd * sizeof *s->d_node);
    s->d_prov = zt_malloc(nd * sizeof *s->d_prov);
    s->d_unsup = zt_calloc(nd, sizeof *s->d_unsup);
    s->unode = zt_malloc((nu + 1) * sizeof *s->unode);
    s->ulevel = zt_malloc((nu + 1) * sizeof *s->ulevel);
    s->uprov = zt_malloc((nu + 1) * sizeof *s->uprov);
    s->cap = zt_malloc(nn * sizeof *s->cap);
    s->local = zt_calloc(nn, sizeof *s->local);
    s->demand = zt_calloc(nu + 1, sizeof *s->demand);
    s->alloc_v = zt_calloc(nu + 1, sizeof *s->alloc_v);
    s->real = zt_calloc(nu + 1, sizeof *s->real);
    s->flow = zt_calloc(nn, sizeof *s->flow);
    s->used = zt_calloc(nn, sizeof *s->used);
    s->rflow = zt_calloc(nn, sizeof *s->rflow);
    s->rused = zt_calloc(nn, sizeof *s->rused);
    s->wstart = zt_calloc((size_t)s->npt + 1, sizeof *s->wstart);
    s->wreal = zt_calloc((size_t)s->npt + 1, sizeof *s->wreal);
    s->wdem = zt_calloc((size_t)s->npt + 1, sizeof *s->wdem);
    size_t nv = nu > nn ? nu : nn;
    s->vals = zt_calloc(nv * U_N + NREG_MAX * IO_NET_NLEVEL * U_N, sizeof *s->vals);
    s->sat = zt_calloc(nn, sizeof *s->sat);
    s->served = zt_calloc(nn, sizeof *s->served);
    if (!s->d_node || !s->d_prov || !s->d_unsup || !s->unode || !s->ulevel || !s->uprov || !s->cap ||
        !s->local || !s->demand || !s->alloc_v || !s->real || !s->flow || !s->used ||
        !s->rflow || !s->rused || !s->wstart || !s->wreal || !s->wdem || !s->vals ||
        !s->sat || !s->served) {
        return zt_fail(err, ZT_ENOMEM, "supply: out of memory");
    }
    return ZT_OK;
}

/* Every district attached to its node by the network's [attach.*] rules;
 * its five users (causes). */
static zt_status attach_districts(drv_supply *s, const drv_supply_setup *su, zt_err *err)
{
    for (int di = 0; di < s->nd; di++) {
        if (su->d_id[di] > 99999999) {
            return zt_fail(err, ZT_EINPUT,
                         "supply: district id %ld is too large for the user ids of the "
                         "accounting (at most 99999999)",
                         (long)su->d_id[di]);
        }
        s->d_node[di] = io_network_attach(&s->net, su->d_prov[di], su->d_cx[di]);
        s->d_prov[di] = su->d_prov[di];
        s->d_unsup[di] = su->d_unsup ? su->d_unsup[di] : 0;
        if (s->d_node[di] < 0) {
            return zt_fail(err, ZT_ECONFIG,
                         "%s: no [attach.*] rule takes district %ld (%s, province %d, centroid "
                         "x %.0f m)",
                         su->network, (long)su->d_id[di], su->d_name[di], su->d_prov[di],
                         su->d_cx[di]);
        }
        for (int c = 0; c < NC; c++) {
            const int u = di * NC + c;
            s->unode[u] = s->d_node[di];
            s->ulevel[u] = s->net.cause_level[c];
            s->uprov[u] = zt_prov_index(su->d_prov[di]);
        }
    }
    return ZT_OK;
}

/* The point users of the network file: node, level and province. */
static void point_users(drv_supply *s)
{
    /* point users; the province of a point user: the one of the districts
     * most attached to its node, else none */
    for (int j = 0; j < s->npt; j++) {
        const io_net_user *pu = &s->net.user[j];
        const int u = s->nd * NC + j;
        int count[NPROV] = {0}, best = -1;
        s->unode[u] = pu->node;
        s->ulevel[u] = pu->level;
        for (int di = 0; di < s->nd; di++) {
            int pi = zt_prov_index(s->d_prov[di]);
            if (s->d_node[di] == pu->node && pi >= 0) {
                count[pi]++;
            }
        }
        for (int p = 0; p < NPROV; p++) {
            if (count[p] > 0 && (best < 0 || count[p] > count[best])) {
                best = p;
            }
        }
        s->uprov[u] = pu->province >= 0 ? zt_prov_index(pu->province) : best;
        if (j >= s->npt - s->nlake) {
            s->uprov[u] = NPROV; /* the lake's own users */
        }
    }
}

/* The allocator over the network's tree. */
static zt_status make_allocator(drv_supply *s, zt_err *err)
{
    core_alloc_net an = {s->nnode, NULL, s->nuser, s->unode, s->ulevel, IO_NET_NLEVEL};
    s->parent = zt_malloc((size_t)s->nnode * sizeof *s->parent);
    if (!s->parent) {
        return zt_fail(err, ZT_ENOMEM, "supply: out of memory");
    }
    for (int x = 0; x < s->nnode; x++) {
        s->parent[x] = s->net.node[x].parent;
    }
    an.parent = s->parent;
    return core_alloc_create(&an, &s->alloc, err);
}

/* The wells of groundwater users: the active cells within their radius. */
static zt_status find_wells(drv_supply *s, const drv_supply_setup *su, zt_err *err)
{
    /* wells: active cells within the radius */
    {
        zt_idx total = 0;
        const zt_grid *g = &su->grid;
        for (int pass = 0; pass < 2; pass++) {
            total = 0;
            for (int j = 0; j < s->npt; j++) {
                const io_net_user *pu = &s->net.user[j];
                s->wstart[j] = total;
                if (pu->source != IO_NET_GROUNDWATER) {
                    continue;
                }
                for (zt_idx k = 0; k < g->nx * g->ny; k++) {
                    const double x = g->x0 + ((double)(k % g->nx) + 0.5) * g->dx;
                    const double y = g->y0 + ((double)(k / g->nx) + 0.5) * g->dx;
                    if (su->mask[k] == ZT_MASK_ACTIVE &&
                        hypot(x - pu->x, y - pu->y) <= pu->radius_m) {
                        if (pass == 1) {
                            s->wcell[total] = k;
                        }
                        total++;
                    }
                }
                if (total == s->wstart[j]) {
                    return zt_fail(err, ZT_ECONFIG,
                                 "%s: [user.%s]: no active cell within %.0f m of (%.0f, %.0f)",
                                 su->network, pu->name, pu->radius_m, pu->x, pu->y);
                }
            }
            s->wstart[s->npt] = total;
            if (pass == 0) {
                s->wcell = zt_malloc((size_t)(total > 0 ? total : 1) * sizeof *s->wcell);
                if (!s->wcell) {
                    return zt_fail(err, ZT_ENOMEM, "supply: out of memory");
                }
            }
        }
    }
    return ZT_OK;
}

/* The IJsselmeer's availability series, when the scenario names one. */
static zt_status load_series(drv_supply *s, const drv_supply_setup *su, zt_err *err)
{
    zt_status st = ZT_OK;
    s->series_node = su->lake ? s->series_node : -1; /* a lake set it */
    if (su->ijssel_series) {
        const char *p = su->ijssel_series, *colon = strrchr(p, ':');
        size_t len = strlen(p);
        const int with_var = colon && colon - p > 3 && strncmp(colon - 3, ".nc", 3) == 0 &&
                             (size_t)(colon - p) < 4096;
        const int nc = (len > 3 && strcmp(p + len - 3, ".nc") == 0) || with_var;
        s->series_node = io_network_node(&s->net, "ijsselmeer");
        if (s->series_node < 0 || s->net.node[s->series_node].parent >= 0) {
            return zt_fail(err, ZT_ECONFIG,
                           "%s: the IJsselmeer series needs a source node [node.ijsselmeer] "
                           "(a node without parent)",
                           su->network);
        }
        if (nc) {
            /* "file.nc" (variable "availability") or "file.nc:variable" */
            char file[4096];
            const char *var = "availability";
            snprintf(file, sizeof file, "%s", p);
            if (with_var) {
                file[colon - p] = '\0';
                var = colon + 1;
            }
            const int n = (int)(su->last - su->first + 1);
            s->series = zt_calloc((size_t)n, sizeof *s->series);
            if (!s->series) {
                return zt_fail(err, ZT_ENOMEM, "supply: out of memory");
            }
            st = io_forcing_read_series(file, var, "m3 s-1", su->first, su->last, s->series, err);
        } else {
            st = read_series(s, p, su->first, su->last, err);
        }
    }
    return st;
}

/* The lake's own users (io_lake.h) as point users of the source
 * "ijsselmeer", after the network file's; the source's availability then
 * comes from the lake every day. */
static zt_status lake_users(drv_supply *s, const drv_supply_setup *su, zt_err *err)
{
    const io_lake *lk = su->lake;
    s->nreg = NPROV;
    s->source_today = NAN;
    s->level_today = NAN;
    if (!lk) {
        return ZT_OK;
    }
    const int src = io_network_node(&s->net, "ijsselmeer");
    if (src < 0 || s->net.node[src].parent >= 0) {
        return zt_fail(err, ZT_ECONFIG,
                       "%s: the lake needs the IJsselmeer as a source node ([node.ijsselmeer] "
                       "without a parent)",
                       su->network);
    }
    io_net_user *u = zt_realloc(s->net.user, (size_t)(s->net.nuser + lk->nuser) * sizeof *u);
    if (!u) {
        return zt_fail(err, ZT_ENOMEM, "supply: out of memory");
    }
    s->net.user = u;
    for (int i = 0; i < lk->nuser; i++) {
        io_net_user *x = &u[s->net.nuser + i];
        memset(x, 0, sizeof *x);
        snprintf(x->name, sizeof x->name, "%s", lk->user[i].name);
        x->node = src;
        x->level = lk->user[i].level;
        x->kind = IO_NET_MONTHLY;
        x->season = IO_NET_YEAR;
        x->source = IO_NET_SURFACE;
        x->province = -1;
        memcpy(x->monthly_m3s, lk->user[i].m3s, sizeof x->monthly_m3s);
    }
    s->net.nuser += lk->nuser;
    s->nlake = lk->nuser;
    s->nreg = NPROV + 1;
    s->series_node = src;
    return ZT_OK;
}

zt_status drv_supply_create(const drv_supply_setup *su, drv_supply **out, zt_err *err)
{
    drv_supply *s = zt_calloc(1, sizeof *s);
    zt_status st;
    *out = NULL;
    if (!s) {
        return zt_fail(err, ZT_ENOMEM, "supply: out of memory");
    }
    st = io_network_load(su->network, &s->net, err);
    if (st == ZT_OK) {
        st = lake_users(s, su, err);
    }
    if (st == ZT_OK) {
        s->nd = su->nd;
        s->npt = s->net.nuser;
        s->nuser = s->nd * NC + s->npt;
        s->nnode = s->net.nnode;
        s->first = su->first;
        s->factor = su->ijssel_factor;
        st = supply_arrays(s, err);
    }
    if (st == ZT_OK) {
        st = attach_districts(s, su, err);
    }
    if (st == ZT_OK) {
        point_users(s);
        st = make_allocator(s, err);
    }
    if (st == ZT_OK) {
        st = find_wells(s, su, err);
    }
    if (st == ZT_OK) {
        st = load_series(s, su, err);
    }
    if (st == ZT_OK) {
        *out = s;
        s = NULL;
    }
    drv_supply_destroy(&s);
    return st;
}

/* A copy of a formatted name, or NULL. */
static char *name_of(const char *fmt, const char *a, const char *b)
{
    char buf[160];
    snprintf(buf, sizeof buf, fmt, a, b);
    size_t n = strlen(buf) + 1;
    char *p = zt_malloc(n);
    if (p) {
        memcpy(p, buf, n);
    }
    return p;
}

/* The key columns of the users' and regions' CSVs (tidy: one column per
 * key). A district's user is the district (its name in the district table)
 * with the cause; a point user is its name, with no cause. */
enum { UK_USER, UK_CAUSE, UK_NODE, UK_PROV, UK_CLASS, UK_N };
static const char *const ukey_names[UK_N] = {"user", "cause", "node", "province", "class"};
static const char *const rkey_names[2] = {"province", "class"};

static zt_status make_keys(drv_supply *s, char *const *d_name, zt_err *err)
{
    const int nr = s->nreg * IO_NET_NLEVEL;
    s->ukey = zt_calloc((size_t)s->nuser * UK_N, sizeof *s->ukey);
    s->rkey = zt_calloc((size_t)nr * 2, sizeof *s->rkey);
    s->ukeyuser = zt_calloc((size_t)s->nuser, sizeof *s->ukeyuser);
    if (!s->ukey || !s->rkey || !s->ukeyuser) {
        return zt_fail(err, ZT_ENOMEM, "supply: out of memory");
    }
    for (int u = 0; u < s->nuser; u++) {
        const char **k = s->ukey + (size_t)u * UK_N;
        const int district = u < s->nd * NC;
        s->ukeyuser[u] = name_of("%s%s", district ? d_name[u / NC] : s->net.user[u - s->nd * NC].name,
                                 "");
        if (!s->ukeyuser[u]) {
            return zt_fail(err, ZT_ENOMEM, "supply: out of memory");
        }
        k[UK_USER] = s->ukeyuser[u];
        k[UK_CAUSE] = district ? core_dcat_names[u % NC] : "";
        k[UK_NODE] = s->net.node[s->unode[u]].name;
        k[UK_PROV] = s->uprov[u] >= 0 ? prov_names[s->uprov[u]] : "";
        k[UK_CLASS] = io_net_level_names[s->ulevel[u]];
    }
    for (int p = 0; p < s->nreg; p++) {
        for (int l = 0; l < IO_NET_NLEVEL; l++) {
            const int r = p * IO_NET_NLEVEL + l;
            s->rkey[2 * r] = prov_names[p];
            s->rkey[2 * r + 1] = io_net_level_names[l];
        }
    }
    return ZT_OK;
}

zt_status drv_supply_open(drv_supply *s, const char *dir, zt_day first, int ndays,
                          const int32_t *d_id, char *const *d_name, int users, zt_err *err)
{
    char pn[4096], pc[4096];
    zt_status st;
    const int nr = s->nreg * IO_NET_NLEVEL;

    s->uid = zt_malloc((size_t)s->nuser * sizeof *s->uid + 1);
    s->nid = zt_malloc((size_t)s->nnode * sizeof *s->nid);
    s->rid = zt_malloc((size_t)nr * sizeof *s->rid);
    s->uname = zt_calloc((size_t)s->nuser + 1, sizeof *s->uname);
    s->nname = zt_calloc((size_t)s->nnode, sizeof *s->nname);
    s->rname = zt_calloc((size_t)nr, sizeof *s->rname);
    if (!s->uid || !s->nid || !s->rid || !s->uname || !s->nname || !s->rname) {
        return zt_fail(err, ZT_ENOMEM, "supply: out of memory");
    }
    for (int di = 0; di < s->nd; di++) {
        for (int c = 0; c < NC; c++) {
            const int u = di * NC + c;
            s->uid[u] = d_id[di] * 10 + c;
            char cause[80];
            snprintf(cause, sizeof cause, "%s@%s", core_dcat_names[c],
                     s->net.node[s->d_node[di]].name);
            s->uname[u] = name_of("%s %s", d_name[di], cause);
            if (!s->uname[u]) {
                return zt_fail(err, ZT_ENOMEM, "supply: out of memory");
            }
        }
    }
    for (int j = 0; j < s->npt; j++) {
        const int u = s->nd * NC + j;
        s->uid[u] = 900000000 + j;
        s->uname[u] = name_of("%s@%s", s->net.user[j].name,
                              s->net.node[s->net.user[j].node].name);
        if (!s->uname[u]) {
            return zt_fail(err, ZT_ENOMEM, "supply: out of memory");
        }
    }
    for (int x = 0; x < s->nnode; x++) {
        s->nid[x] = x + 1;
        s->nname[x] = name_of("%s%s", s->net.node[x].name, "");
        if (!s->nname[x]) {
            return zt_fail(err, ZT_ENOMEM, "supply: out of memory");
        }
    }
    for (int p = 0; p < s->nreg; p++) {
        for (int l = 0; l < IO_NET_NLEVEL; l++) {
            const int r = p * IO_NET_NLEVEL + l;
            s->rid[r] = r + 1;
            s->rname[r] = name_of("%s %s", prov_names[p], io_net_level_names[l]);
            if (!s->rname[r]) {
                return zt_fail(err, ZT_ENOMEM, "supply: out of memory");
            }
        }
    }
    st = make_keys(s, d_name, err);
    if (st != ZT_OK) {
        return st;
    }
    const io_ts_keys ukeys = {UK_N, ukey_names, s->ukey};
    const io_ts_keys rkeys = {2, rkey_names, s->rkey};
    io_path_join(dir, "supply_users.nc", pn, sizeof pn);
    io_path_join(dir, "supply_users.csv", pc, sizeof pc);
    if (users) {
        st = io_tsout_create_keyed(pn, pc, "user", s->uid, (const char *const *)s->uname,
                                   s->nuser, &ukeys, user_vars, U_N, first, ndays, &s->ts_users,
                                   err);
    }
    if (st == ZT_OK) {
        io_path_join(dir, "supply_nodes.nc", pn, sizeof pn);
        io_path_join(dir, "supply_nodes.csv", pc, sizeof pc);
        st = io_tsout_create(pn, pc, "node", s->nid, (const char *const *)s->nname, s->nnode,
                             node_vars, N_N, first, ndays, &s->ts_nodes, err);
    }
    if (st == ZT_OK) {
        io_path_join(dir, "supply_regions.nc", pn, sizeof pn);
        io_path_join(dir, "supply_regions.csv", pc, sizeof pc);
        st = io_tsout_create_keyed(pn, pc, "region", s->rid, (const char *const *)s->rname, nr,
                                   &rkeys, region_vars, U_N, first, ndays, &s->ts_regions, err);
    }
    return st;
}

/* 1 when point user j asks for water today. */
static int active_today(const io_net_user *pu, int summer)
{
    return pu->season == IO_NET_YEAR || summer;
}

void drv_supply_wells(drv_supply *s, int summer, double cell_area, double *abstr, double *total)
{
    double tot = 0.0;
    for (int j = 0; j < s->npt; j++) {
        const io_net_user *pu = &s->net.user[j];
        const zt_idx n = s->wstart[j + 1] - s->wstart[j];
        double got = 0.0;
        s->wreal[j] = 0.0;
        s->wdem[j] = 0.0;
        if (pu->source != IO_NET_GROUNDWATER || n == 0 || !active_today(pu, summer)) {
            continue;
        }
        s->wdem[j] = pu->demand_m3s * 86400.0;
        /* the demand spread evenly over the well cells, at most max_mm_d each */
        double per = pu->demand_m3s * 86400.0 / ((double)n * cell_area); /* m/d */
        if (per > 1e-3 * pu->max_mm_d) {
            per = 1e-3 * pu->max_mm_d;
        }
        for (zt_idx q = s->wstart[j]; q < s->wstart[j + 1]; q++) {
            abstr[s->wcell[q]] += per;
            got += per * cell_area;
        }
        s->wreal[j] = got;
        tot += got;
    }
    *total = tot;
}

/* 1 when the link into node x (a source: its availability) is full. */
static int saturated(const drv_supply *s, int x)
{
    const double c = s->cap[x];
    return isfinite(c) && s->flow[x] >= c * (1.0 - 1e-9) - 1e-6;
}

/* The lowest full link at or above node x, or -1 (memoised in s->sat,
 * -2: not yet known). */
static int lowest_full(drv_supply *s, int x)
{
    if (x < 0) {
        return -1;
    }
    if (s->sat[x] == -2) {
        s->sat[x] = saturated(s, x) ? x : lowest_full(s, s->parent[x]);
    }
    return s->sat[x];
}

/*
 * The order of the verdringingsreeks on the day's allocation, checked by
 * other code than the allocation's: a user of class 1 or 2 that is short
 * is held back at the lowest full link on its way from the source (a
 * link's capacity, or the source's availability); a user of class 3 or 4
 * that gets water and whose water may come through that same link (every
 * link from its node up that carries water) is a violation. A short user
 * with no full link above it is counted as unexplained. Both must stay 0
 * (docs/lake.md §3).
 */
static void check_order(drv_supply *s)
{
    const double tol = 1e-6; /* m3/d */
    for (int x = 0; x < s->nnode; x++) {
        s->sat[x] = -2;
        s->served[x] = 0;
    }
    /* the links that may carry a class 3-4 user's water: from its node up,
       as long as water comes over the link (above a link without flow it
       can only be local water, which never reaches another branch) */
    for (int u = 0; u < s->nuser; u++) {
        if (s->ulevel[u] >= LEVEL_3 && s->alloc_v[u] > tol) {
            for (int x = s->unode[u]; x >= 0 && s->flow[x] > tol; x = s->parent[x]) {
                s->served[x] = 1;
            }
        }
    }
    for (int u = 0; u < s->nuser; u++) {
        if (s->ulevel[u] >= LEVEL_3 || !(s->alloc_v[u] < s->demand[u] * (1.0 - 1e-9) - tol)) {
            continue;
        }
        const int b = lowest_full(s, s->unode[u]);
        s->order[ORD_SHORT] += 1.0;
        s->order[ORD_VIOLATION] += b >= 0 && s->served[b];
        s->order[ORD_UNEXPLAINED] += b < 0;
    }
    int exhausted = 0;
    for (int x = 0; x < s->nnode; x++) {
        exhausted |= s->parent[x] < 0 && saturated(s, x);
    }
    s->order[ORD_SOURCE_DAYS] += exhausted;
}

zt_status drv_supply_allocate(drv_supply *s, zt_day day, int summer, const double *dem,
                              const double *surplus, double *frac, zt_err *err)
{
    const double t0 = drv_now();
    zt_status st;
    int rounds = 0;

    for (int x = 0; x < s->nnode; x++) {
        const io_net_node *nd = &s->net.node[x];
        double c = nd->cap_m3s; /* m3/s */
        if (x == s->series_node && s->series) {
            c = s->series[day - s->first];
        }
        if (x == s->series_node && !isnan(s->source_today)) {
            c = s->source_today / 86400.0; /* the lake's availability */
        }
        if (nd->inlet) {
            c = s->factor > 0.0 ? c * s->factor : 0.0; /* (inf x 0 is no water) */
        }
        if (nd->gravity && !isnan(s->level_today)) {
            const double sh = core_lake_inlet_share(s->level_today, nd->inside_m, nd->design_m);
            c = sh > 0.0 ? c * sh : 0.0;
        }
        s->cap[x] = isfinite(c) ? 86400.0 * c : INFINITY; /* m3/d */
        s->local[x] = 0.0;
    }
    for (int di = 0; di < s->nd; di++) {
        s->local[s->d_node[di]] += surplus[di];
        for (int c = 0; c < NC; c++) {
            s->demand[di * NC + c] = s->d_unsup[di] ? 0.0 : dem[di * NC + c];
        }
    }
    int y, month, dd;
    zt_day_to_ymd(day, &y, &month, &dd);
    for (int j = 0; j < s->npt; j++) {
        const io_net_user *pu = &s->net.user[j];
        const double q = pu->kind == IO_NET_MONTHLY ? pu->monthly_m3s[month - 1] : pu->demand_m3s;
        s->demand[s->nd * NC + j] =
            pu->source == IO_NET_SURFACE && active_today(pu, summer) ? 86400.0 * q : 0.0;
    }
    core_alloc_in in = {s->cap, s->local, s->demand};
    core_alloc_out out = {s->alloc_v, s->flow, s->used};
    st = core_alloc_day(s->alloc, &in, &out, &rounds, err);
    if (st != ZT_OK) {
        return st;
    }
    for (int di = 0; di < s->nd; di++) {
        for (int c = 0; c < NC; c++) {
            const int u = di * NC + c;
            const double d = s->demand[u];
            frac[u] = d > 0.0 ? (s->alloc_v[u] >= d ? 1.0 : s->alloc_v[u] / d) : 1.0;
        }
    }
    s->rounds += rounds;
    s->seconds += drv_now() - t0;
    check_order(s);
    return ZT_OK;
}

/* The day's demand, allocated and realised of user u (m3/d): a district
 * cause reports its new demand (rep); a well user its wells' demand and
 * yield, with nothing allocated. */
static void user_day(const drv_supply *s, const double *rep, int u, double *d, double *a,
                     double *r)
{
    *d = u < s->nd * NC ? rep[u] : s->demand[u];
    *a = s->alloc_v[u];
    *r = s->real[u];
    if (u < s->nd * NC && s->d_unsup[u / NC]) {
        *d = *a = *r = 0.0; /* not a user of the network (districts.csv has it) */
    }
    if (u >= s->nd * NC) {
        const int j = u - s->nd * NC;
        if (s->net.user[j].source == IO_NET_GROUNDWATER) {
            *d = s->wdem[j];
            *a = 0.0;
            *r = s->wreal[j];
        }
    }
}

zt_status drv_supply_account(drv_supply *s, zt_day day, const double *rep, const double *real,
                             zt_err *err)
{
    const int nu = s->nuser, nn = s->nnode, nr = s->nreg * IO_NET_NLEVEL;
    double *v = s->vals;
    zt_status st;

    for (int u = 0; u < s->nd * NC; u++) {
        s->real[u] = real[u];
    }
    for (int j = 0; j < s->npt; j++) {
        const int u = s->nd * NC + j;
        /* surface users take what they are allocated */
        s->real[u] = s->alloc_v[u];
    }
    /* the flows that delivered what was taken */
    core_alloc_in in = {s->cap, s->local, s->demand};
    core_alloc_flows(s->alloc, &in, s->real, s->rflow, s->rused);
    for (int x = 0; x < nn; x++) {
        if (s->parent[x] < 0) {
            s->source_m3 += s->rflow[x];
        }
    }
    if (!s->ts_nodes) {
        return ZT_OK; /* no outputs opened */
    }
    /* users (m3/s), unless [output] supply_users = false */
    for (int u = 0; s->ts_users && u < nu; u++) {
        double d, a, r;
        user_day(s, rep, u, &d, &a, &r);
        v[U_DEMAND * nu + u] = d / 86400.0;
        v[U_ALLOC * nu + u] = a / 86400.0;
        v[U_REAL * nu + u] = r / 86400.0;
        v[U_SHORT * nu + u] = (d - r) / 86400.0;
    }
    st = s->ts_users ? io_tsout_add_day(s->ts_users, day, v, err) : ZT_OK;
    if (st != ZT_OK) {
        return st;
    }
    for (int x = 0; x < nn; x++) {
        v[N_FLOW * nn + x] = s->rflow[x] / 86400.0;
        v[N_CAP * nn + x] = isfinite(s->cap[x]) ? s->cap[x] / 86400.0 : -1.0;
        v[N_LOCAL * nn + x] = s->rused[x] / 86400.0;
    }
    st = io_tsout_add_day(s->ts_nodes, day, v, err);
    if (st != ZT_OK) {
        return st;
    }
    /* regions: sums of the users' values (m3/d), in user order */
    memset(v, 0, (size_t)nr * U_N * sizeof *v);
    for (int u = 0; u < nu; u++) {
        double d, a, r;
        const int p = s->uprov[u];
        if (p < 0) {
            continue;
        }
        user_day(s, rep, u, &d, &a, &r);
        const int rr = p * IO_NET_NLEVEL + s->ulevel[u];
        v[U_DEMAND * nr + rr] += d;
        v[U_ALLOC * nr + rr] += a;
        v[U_REAL * nr + rr] += r;
        v[U_SHORT * nr + rr] += d - r;
    }
    return io_tsout_add_day(s->ts_regions, day, v, err);
}

zt_status drv_supply_close(drv_supply *s, int ok, zt_err *err)
{
    zt_status st = ZT_OK, s2;
    if (!s) {
        return ZT_OK;
    }
    s2 = io_tsout_close(&s->ts_users, ok, err);
    st = st == ZT_OK ? s2 : st;
    s2 = io_tsout_close(&s->ts_nodes, ok && st == ZT_OK, err);
    st = st == ZT_OK ? s2 : st;
    s2 = io_tsout_close(&s->ts_regions, ok && st == ZT_OK, err);
    st = st == ZT_OK ? s2 : st;
    return st;
}

double drv_supply_source_m3(const drv_supply *s)
{
    return s->source_m3;
}

void drv_supply_stats(const drv_supply *s, int *nnode, int *nuser, double *seconds,
                      long *rounds)
{
    *nnode = s->nnode;
    *nuser = s->nuser;
    *seconds = s->seconds;
    *rounds = s->rounds;
}

int drv_supply_state(drv_supply *s, zt_named_array *list, int max)
{
    if (max < 1) {
        return 1;
    }
    s->ckpt[0] = s->source_m3;
    s->ckpt[1] = (double)s->rounds;
    s->ckpt[2] = s->seconds;
    memcpy(s->ckpt + 3, s->order, sizeof s->order);
    list[0] = (zt_named_array){"supply_totals", 3 + ORD_N, s->ckpt};
    return 1;
}

void drv_supply_state_loaded(drv_supply *s)
{
    s->source_m3 = s->ckpt[0];
    s->rounds = (long)s->ckpt[1];
    s->seconds = s->ckpt[2];
    memcpy(s->order, s->ckpt + 3, sizeof s->order);
}

zt_status drv_supply_checkpoint(drv_supply *s, const char *dir, zt_err *err)
{
    zt_status st = s->ts_users ? io_tsout_checkpoint(s->ts_users, dir, err) : ZT_OK;
    if (st == ZT_OK) {
        st = io_tsout_checkpoint(s->ts_nodes, dir, err);
    }
    if (st == ZT_OK) {
        st = io_tsout_checkpoint(s->ts_regions, dir, err);
    }
    return st;
}

zt_status drv_supply_resume(drv_supply *s, const char *dir, zt_day day, zt_err *err)
{
    zt_status st = s->ts_users ? io_tsout_resume(s->ts_users, dir, day, err) : ZT_OK;
    if (st == ZT_OK) {
        st = io_tsout_resume(s->ts_nodes, dir, day, err);
    }
    if (st == ZT_OK) {
        st = io_tsout_resume(s->ts_regions, dir, day, err);
    }
    return st;
}

void drv_supply_set_source(drv_supply *s, double m3d, double level)
{
    s->source_today = m3d;
    s->level_today = level;
}

double drv_supply_drawn_today(const drv_supply *s)
{
    return s->series_node >= 0 ? s->rflow[s->series_node] : 0.0;
}

double drv_supply_to_lake(const drv_supply *s, const core_district_out *dout)
{
    double total = 0.0;
    for (int x = 0; x < s->nnode; x++) {
        const double cap = 86400.0 * s->net.node[x].to_lake_m3s;
        double q = 0.0;
        if (!(cap > 0.0)) {
            continue;
        }
        for (int di = 0; di < s->nd; di++) {
            q += s->d_node[di] == x ? dout[di].discharge : 0.0;
        }
        q -= s->rused[x]; /* used on the way, by the node's users */
        total += q < 0.0 ? 0.0 : (q < cap ? q : cap);
    }
    return total;
}

void drv_supply_order(const drv_supply *s, long *shortd, long *violations, long *unexplained,
                      long *source_days)
{
    *shortd = (long)s->order[ORD_SHORT];
    *violations = (long)s->order[ORD_VIOLATION];
    *unexplained = (long)s->order[ORD_UNEXPLAINED];
    *source_days = (long)s->order[ORD_SOURCE_DAYS];
}
