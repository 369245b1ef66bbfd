/*
 * io_network.c: the supply network file (io_network.h). The science that
 * uses it: docs/model.md §8.
 */
#include "io_network.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io_ini.h"

const char *const io_net_level_names[IO_NET_NLEVEL] = {"1.1", "1.2", "1.3", "2.1",
                                                       "2.2", "3",   "4"};
const char *const io_net_level_meaning[IO_NET_NLEVEL] = {
    "dike stability",
    "peat subsidence",
    "nature bound to soil",
    "drinking water",
    "energy",
    "small-scale high-value use",
    "other interests",
};

static const char *const kinds[] = {"constant", "drinking", "hydrogen", "monthly", NULL};
static const char *const seasons[] = {"year", "summer", NULL};
static const char *const sources[] = {"surface", "groundwater", NULL};

void io_network_free(io_network *n)
{
    if (!n) {
        return;
    }
    zt_free(n->node);
    zt_free(n->user);
    zt_free(n->rule);
    memset(n, 0, sizeof *n);
}

int io_network_node(const io_network *n, const char *name)
{
    for (int i = 0; i < n->nnode; i++) {
        if (strcmp(n->node[i].name, name) == 0) {
            return i;
        }
    }
    return -1;
}

int io_network_attach(const io_network *n, int province, double x)
{
    for (int i = 0; i < n->nrule; i++) {
        const io_net_rule *r = &n->rule[i];
        if ((r->province < 0 || r->province == province) && x >= r->x_min && x < r->x_max) {
            return r->node;
        }
    }
    return -1;
}

int io_net_good_name(const char *s)
{
    size_t len = strlen(s);
    if (len == 0 || len >= 48) {
        return 0;
    }
    for (size_t i = 0; i < len; i++) {
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '_')) {
            return 0;
        }
    }
    return 1;
}

/* A level from its name ("1.2"), or -1. */
static int level_of(const char *s)
{
    for (int l = 0; l < IO_NET_NLEVEL; l++) {
        if (strcmp(s, io_net_level_names[l]) == 0) {
            return l;
        }
    }
    return -1;
}

zt_status io_net_read_level(io_ini *ini, const char *sec, const char *key, int required,
                           const char *def, int *out, zt_err *err)
{
    const char *s = NULL;
    zt_status st = io_ini_string(ini, sec, key, required, def, &s, err);
    if (st != ZT_OK) {
        return st;
    }
    *out = level_of(s);
    if (*out < 0) {
        return io_ini_fail(ini, sec, key, err,
                           "\"%s\" is not a class of the verdringingsreeks (expected \"1.1\", "
                           "\"1.2\", \"1.3\", \"2.1\", \"2.2\", \"3\" or \"4\")",
                           s);
    }
    return ZT_OK;
}

/* A reference to a node by name, into *idx. */
static zt_status read_node_ref(io_ini *ini, const io_network *n, const char *sec,
                               const char *key, int *idx, zt_err *err)
{
    const char *s = NULL;
    zt_status st = io_ini_string(ini, sec, key, 1, NULL, &s, err);
    if (st != ZT_OK) {
        return st;
    }
    *idx = io_network_node(n, s);
    if (*idx < 0) {
        return io_ini_fail(ini, sec, key, err, "no node named \"%s\" (a [node.%s] section)", s,
                           s);
    }
    return ZT_OK;
}

static zt_status read_user(io_ini *ini, const io_network *n, const char *sec, const char *name,
                           io_net_user *u, zt_err *err)
{
    zt_status st;
    memset(u, 0, sizeof *u);
    snprintf(u->name, sizeof u->name, "%s", name);
    if ((st = read_node_ref(ini, n, sec, "node", &u->node, err)) != ZT_OK ||
        (st = io_net_read_level(ini, sec, "class", 1, NULL, &u->level, err)) != ZT_OK ||
        (st = io_ini_choice(ini, sec, "kind", 1, kinds, 0, &u->kind, err)) != ZT_OK ||
        (st = io_ini_choice(ini, sec, "season", 0, seasons, IO_NET_YEAR, &u->season, err)) !=
            ZT_OK ||
        (st = io_ini_choice(ini, sec, "source", 0, sources, IO_NET_SURFACE, &u->source, err)) !=
            ZT_OK) {
        return st;
    }
    if (u->kind == IO_NET_CONSTANT) {
        st = io_ini_double(ini, sec, "demand_m3s", 1, 0.0, 0.0, 1000.0, &u->demand_m3s, err);
    } else if (u->kind == IO_NET_MONTHLY) {
        st = io_ini_doubles(ini, sec, "monthly_m3s", 1, 12, 0.0, 1000.0, u->monthly_m3s, err);
    } else if (u->kind == IO_NET_DRINKING) {
        double inh, homes, pph, lpd; /* -, -, persons, L/person/day */
        if ((st = io_ini_double(ini, sec, "inhabitants", 1, 0.0, 0.0, 1e8, &inh, err)) != ZT_OK ||
            (st = io_ini_double(ini, sec, "new_homes", 0, 0.0, 0.0, 1e7, &homes, err)) !=
                ZT_OK ||
            (st = io_ini_double(ini, sec, "persons_per_home", 0, 2.13, 0.5, 10.0, &pph, err)) !=
                ZT_OK ||
            (st = io_ini_double(ini, sec, "litres_per_person_day", 0, 128.1, 10.0, 1000.0, &lpd,
                                err)) != ZT_OK) {
            return st;
        }
        u->demand_m3s = (inh + homes * pph) * lpd / 1000.0 / 86400.0;
    } else {
        double gw, load, kgmwh, lkg; /* GW, -, kg/MWh, L/kg */
        if ((st = io_ini_double(ini, sec, "electrolyser_gw", 1, 0.0, 0.0, 100.0, &gw, err)) !=
                ZT_OK ||
            (st = io_ini_double(ini, sec, "load", 1, 0.0, 0.0, 1.0, &load, err)) != ZT_OK ||
            (st = io_ini_double(ini, sec, "kg_per_mwh", 1, 0.0, 1.0, 100.0, &kgmwh, err)) !=
                ZT_OK ||
            (st = io_ini_double(ini, sec, "litres_per_kg", 1, 0.0, 1.0, 100.0, &lkg, err)) !=
                ZT_OK) {
            return st;
        }
        /* GW x 1000 MW/GW x 24 h x load = MWh/d; x kg/MWh x L/kg / 1000 = m3/d */
        u->demand_m3s = gw * 1000.0 * 24.0 * load * kgmwh * lkg / 1000.0 / 86400.0;
    }
    if (st != ZT_OK) {
        return st;
    }
    {
        long prov;
        if ((st = io_ini_int(ini, sec, "province", 0, -1, -1, 99, &prov, err)) != ZT_OK) {
            return st;
        }
        if (prov != -1 && prov != ZT_PROV_GRONINGEN && prov != ZT_PROV_FRYSLAN &&
            prov != ZT_PROV_DRENTHE) {
            return io_ini_fail(ini, sec, "province", err, "%ld is not 20, 21 or 22", prov);
        }
        u->province = (int)prov;
    }
    if (u->source == IO_NET_GROUNDWATER) {
        if ((st = io_ini_double(ini, sec, "x", 1, 0.0, -1e7, 1e7, &u->x, err)) != ZT_OK ||
            (st = io_ini_double(ini, sec, "y", 1, 0.0, -1e7, 1e7, &u->y, err)) != ZT_OK ||
            (st = io_ini_double(ini, sec, "radius_m", 1, 0.0, 1.0, 1e5, &u->radius_m, err)) !=
                ZT_OK ||
            (st = io_ini_double(ini, sec, "max_mm_d", 1, 0.0, 0.0, 1e4, &u->max_mm_d, err)) !=
                ZT_OK) {
            return st;
        }
    }
    return ZT_OK;
}

/* A gravity inlet from the lake: gravity_inside_m and gravity_design_m,
 * both or neither, the design level above the inside level. */
static zt_status read_gravity(io_ini *ini, const char *s, io_net_node *x, zt_err *err)
{
    const int hi = io_ini_has(ini, s, "gravity_inside_m"),
              hd = io_ini_has(ini, s, "gravity_design_m");
    zt_status st;
    if (hi != hd) {
        return io_ini_fail(ini, s, hi ? "gravity_design_m" : "gravity_inside_m", err,
                           "a gravity inlet needs both gravity_inside_m and gravity_design_m");
    }
    if (!hi) {
        return ZT_OK;
    }
    st = io_ini_double(ini, s, "gravity_inside_m", 1, 0.0, -100.0, 100.0, &x->inside_m, err);
    if (st == ZT_OK) {
        st = io_ini_double(ini, s, "gravity_design_m", 1, 0.0, -100.0, 100.0, &x->design_m, err);
    }
    if (st == ZT_OK && !(x->design_m > x->inside_m)) {
        st = io_ini_fail(ini, s, "gravity_design_m", err,
                         "must lie above gravity_inside_m (%g m NAP): the inlet needs a head",
                         x->inside_m);
    }
    x->gravity = st == ZT_OK;
    return st;
}

zt_status io_network_load(const char *path, io_network *out, zt_err *err)
{
    io_ini *ini = NULL;
    io_network n;
    zt_status st;
    int nsec;

    memset(out, 0, sizeof *out);
    memset(&n, 0, sizeof n);
    st = io_ini_load(path, &ini, err);
    if (st != ZT_OK) {
        goto done;
    }
    {
        const char *name = NULL;
        static const char *const cause_def[CORE_DCAT_COUNT] = {"1.2", "1.3", "4", "3", "4"};
        st = io_ini_string(ini, "network", "name", 0, "network", &name, err);
        if (st != ZT_OK) {
            goto done;
        }
        snprintf(n.name, sizeof n.name, "%s", name);
        for (int c = 0; c < CORE_DCAT_COUNT; c++) {
            st = io_net_read_level(ini, "network", core_dcat_names[c], 0, cause_def[c],
                            &n.cause_level[c], err);
            if (st != ZT_OK) {
                goto done;
            }
        }
    }
    nsec = io_ini_nsections(ini);
    for (int i = 0; i < nsec; i++) {
        const char *s = io_ini_section(ini, i);
        n.nnode += io_ini_subname(s, "node") != NULL;
        n.nuser += io_ini_subname(s, "user") != NULL;
        n.nrule += io_ini_subname(s, "attach") != NULL;
    }
    if (n.nnode == 0) {
        st = zt_fail(err, ZT_ECONFIG, "%s: no [node.<name>] section: the network is empty", path);
        goto done;
    }
    n.node = zt_calloc((size_t)n.nnode, sizeof *n.node);
    n.user = zt_calloc((size_t)(n.nuser > 0 ? n.nuser : 1), sizeof *n.user);
    n.rule = zt_calloc((size_t)(n.nrule > 0 ? n.nrule : 1), sizeof *n.rule);
    if (!n.node || !n.user || !n.rule) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    /* nodes: names first (parents may be named before they appear) */
    for (int i = 0, k = 0; i < nsec; i++) {
        const char *s = io_ini_section(ini, i), *name = io_ini_subname(s, "node");
        if (!name) {
            continue;
        }
        if (!io_net_good_name(name)) {
            st = zt_fail(err, ZT_ECONFIG,
                         "%s: [%s]: a node name is 1-47 characters of a-z, 0-9 and _", path, s);
            goto done;
        }
        snprintf(n.node[k].name, sizeof n.node[k].name, "%s", name);
        k++;
    }
    for (int i = 0, k = 0; i < nsec; i++) {
        const char *s = io_ini_section(ini, i);
        io_net_node *x;
        if (!io_ini_subname(s, "node")) {
            continue;
        }
        x = &n.node[k++];
        x->parent = -1;
        if (io_ini_has(ini, s, "parent")) {
            st = read_node_ref(ini, &n, s, "parent", &x->parent, err);
            if (st != ZT_OK) {
                goto done;
            }
            if (x->parent == k - 1) {
                st = io_ini_fail(ini, s, "parent", err, "a node cannot be its own parent");
                goto done;
            }
            st = io_ini_double(ini, s, "capacity_m3s", 0, INFINITY, 0.0, INFINITY, &x->cap_m3s,
                               err);
        } else {
            st = io_ini_double(ini, s, "availability_m3s", 0, INFINITY, 0.0, INFINITY,
                               &x->cap_m3s, err);
        }
        if (st == ZT_OK) {
            st = io_ini_bool(ini, s, "ijsselmeer_inlet", 0, 0, &x->inlet, err);
        }
        if (st == ZT_OK) {
            st = io_ini_double(ini, s, "to_lake_m3s", 0, 0.0, 0.0, 1e5, &x->to_lake_m3s, err);
        }
        if (st == ZT_OK) {
            st = read_gravity(ini, s, x, err);
        }
        if (st != ZT_OK) {
            goto done;
        }
    }
    for (int i = 0; i < n.nnode; i++) {
        const io_net_node *x = &n.node[i];
        if (x->gravity && (x->parent < 0 || n.node[x->parent].parent >= 0)) {
            char sec[64];
            snprintf(sec, sizeof sec, "node.%s", x->name);
            st = io_ini_fail(ini, sec, "gravity_inside_m", err,
                             "a gravity inlet takes its water from the lake: its parent must "
                             "be a source");
            goto done;
        }
    }
    /* a cycle: walking up from any node must reach a source */
    for (int i = 0; i < n.nnode; i++) {
        int x = i, steps = 0;
        while (x >= 0 && steps <= n.nnode) {
            x = n.node[x].parent;
            steps++;
        }
        if (x >= 0) {
            char sec[64];
            snprintf(sec, sizeof sec, "node.%s", n.node[i].name);
            st = io_ini_fail(ini, sec, "parent", err,
                             "node %s lies on a cycle: no path up to a source", n.node[i].name);
            goto done;
        }
    }
    for (int i = 0, k = 0; i < nsec; i++) {
        const char *s = io_ini_section(ini, i), *name = io_ini_subname(s, "user");
        if (!name) {
            continue;
        }
        if (!io_net_good_name(name)) {
            st = zt_fail(err, ZT_ECONFIG,
                         "%s: [%s]: a user name is 1-47 characters of a-z, 0-9 and _", path, s);
            goto done;
        }
        st = read_user(ini, &n, s, name, &n.user[k++], err);
        if (st != ZT_OK) {
            goto done;
        }
    }
    for (int i = 0, k = 0; i < nsec; i++) {
        const char *s = io_ini_section(ini, i), *name = io_ini_subname(s, "attach");
        io_net_rule *r;
        long prov;
        if (!name) {
            continue;
        }
        r = &n.rule[k++];
        snprintf(r->name, sizeof r->name, "%s", name);
        if ((st = io_ini_int(ini, s, "province", 0, -1, -1, 99, &prov, err)) != ZT_OK ||
            (st = io_ini_double(ini, s, "x_min", 0, -INFINITY, -INFINITY, INFINITY, &r->x_min,
                                err)) != ZT_OK ||
            (st = io_ini_double(ini, s, "x_max", 0, INFINITY, -INFINITY, INFINITY, &r->x_max,
                                err)) != ZT_OK ||
            (st = read_node_ref(ini, &n, s, "node", &r->node, err)) != ZT_OK) {
            goto done;
        }
        r->province = (int)prov;
        if (!(r->x_min < r->x_max)) {
            st = io_ini_fail(ini, s, "x_max", err, "must be larger than x_min (%g)", r->x_min);
            goto done;
        }
    }
    st = io_ini_check_unused(ini, err);
    if (st != ZT_OK) {
        goto done;
    }
    *out = n;
    memset(&n, 0, sizeof n);
done:
    io_network_free(&n);
    io_ini_destroy(&ini);
    return st;
}
