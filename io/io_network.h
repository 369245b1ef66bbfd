/*
 * io_network.h: the supply network file (DESIGN.md §1 part 4; issue 4), in
 * the INI format of io_ini.h, so the file is valid TOML too. Example
 * (scenarios/network/noord-nederland.ini has the real one, with sources):
 *
 *   [network]
 *   name = "Noord-Nederland"
 *   peat = "1.2"          # verdringingsreeks class of each district demand
 *   nature = "1.3"        # cause (core_district.h): "1.1", "1.2", "1.3",
 *   flushing = "4"        # "2.1", "2.2", "3" or "4"
 *   capital = "3"
 *   agri = "4"
 *
 *   [node.ijsselmeer]     # a node without parent is a source
 *   availability_m3s = inf                 # optional, default inf
 *   [node.friese_boezem]
 *   parent = "ijsselmeer"
 *   capacity_m3s = 81.0                    # link parent -> node, default inf
 *   ijsselmeer_inlet = true                # scaled by ijsselmeer_factor
 *   to_lake_m3s = 162.0   # pumps from the node's water into the lake ([lake]), default 0
 *   gravity_inside_m = -0.52  # a gravity inlet from the lake ([lake]): the level
 *   gravity_design_m = -0.10  # inside, and the lake level of capacity_m3s (m NAP);
 *                             # both or neither, only below a source
 *
 *   [attach.fryslan]      # districts to nodes, the first rule that matches
 *   province = 21         # 20 Groningen, 21 Fryslân, 22 Drenthe (optional)
 *   x_min = 0.0           # centroid x in RD (m), optional, [x_min, x_max)
 *   x_max = 300000.0
 *   node = "friese_boezem"
 *
 *   [user.iwz_garmerwolde]   # a point user
 *   node = "groningen"
 *   class = "3"
 *   kind = "constant"        # constant | drinking | hydrogen | monthly
 *   demand_m3s = 0.317       # constant; monthly: monthly_m3s = [12 numbers]
 *   season = "year"          # year | summer (April-September)
 *   source = "surface"       # surface (the network) | groundwater
 *
 * drinking: inhabitants, new_homes, persons_per_home, litres_per_person_day
 * (demand = (inhabitants + new_homes x persons_per_home) x litres / 1000
 * m3/d). hydrogen: electrolyser_gw, load (0-1), kg_per_mwh, litres_per_kg
 * (demand = GW x 1000 x 24 x load x kg/MWh x L/kg / 1000 m3/d). A user with
 * source = "groundwater" takes its water from the wells at x, y (RD, m):
 * every active cell within radius_m, at most max_mm_d (mm/d) per cell.
 * A point user counts in the region files for `province` (20, 21, 22;
 * optional: by default the province of most districts at its node).
 *
 * Every node but the sources needs a parent; names are [a-z0-9_], < 48
 * bytes. Errors are ZT_ECONFIG "file:line: [section] key: why" (unknown
 * node, a cycle, a bad class, a missing key, an unknown key or section).
 */
#ifndef IO_NETWORK_H
#define IO_NETWORK_H

#include "core_district.h"
#include "io_ini.h"
#include "zt.h"

#define IO_NET_NLEVEL 7 /* "1.1" "1.2" "1.3" "2.1" "2.2" "3" "4" */

enum { IO_NET_CONSTANT, IO_NET_DRINKING, IO_NET_HYDROGEN, IO_NET_MONTHLY };
enum { IO_NET_YEAR, IO_NET_SUMMER };
enum { IO_NET_SURFACE, IO_NET_GROUNDWATER };

typedef struct io_net_node {
    char name[48];
    int parent;        /* index, -1 for a source */
    double cap_m3s;    /* link from the parent, or the source's availability; INFINITY */
    int inlet;         /* 1: an IJsselmeer inlet, scaled by the factor */
    double to_lake_m3s; /* the pumps that drain the node's water into the lake (m3/s); 0:
                           it drains elsewhere */
    int gravity;       /* 1: a gravity inlet from the lake, its capacity follows the level */
    double inside_m;   /* gravity: the level of the water it lets the lake into (m NAP) */
    double design_m;   /* gravity: the lake level at which capacity_m3s holds (m NAP) */
} io_net_node;

typedef struct io_net_user {
    char name[48];
    int node;          /* index */
    int level;         /* 0 .. IO_NET_NLEVEL - 1 */
    int kind, season, source;
    double demand_m3s; /* the demand when active (m3/s), from the kind's formula */
    double monthly_m3s[12]; /* kind monthly: the demand by month (m3/s) */
    double x, y, radius_m, max_mm_d; /* groundwater wells */
    int province;      /* ZT_PROV_* for the region files, or -1: the province of most
                          districts at its node */
} io_net_user;

typedef struct io_net_rule {
    char name[48];
    int province;      /* ZT_PROV_*, or -1: any */
    double x_min, x_max;
    int node;
} io_net_rule;

typedef struct io_network {
    char name[64];
    int cause_level[CORE_DCAT_COUNT];
    int nnode, nuser, nrule;
    io_net_node *node;
    io_net_user *user;
    io_net_rule *rule;
} io_network;

/* Short names of the levels ("1.1" ...) and their readable meaning. */
extern const char *const io_net_level_names[IO_NET_NLEVEL];
extern const char *const io_net_level_meaning[IO_NET_NLEVEL];

/* Read the network file (with its extends chain); free with io_network_free. */
zt_status io_network_load(const char *path, io_network *out, zt_err *err);
void io_network_free(io_network *n);

/* The node a district of `province` with centroid x (RD, m) hangs from, or -1. */
int io_network_attach(const io_network *n, int province, double x);

/* Index of the node named `name`, or -1. */
int io_network_node(const io_network *n, const char *name);

/* 1 when s is a valid node or user name ([a-z0-9_], 1-47 bytes). */
int io_net_good_name(const char *s);

/* section.key as a class of the verdringingsreeks ("1.1" .. "4") into *out
 * (its level, 0 first); ZT_ECONFIG naming the key for another value. */
zt_status io_net_read_level(io_ini *ini, const char *sec, const char *key, int required,
                           const char *def, int *out, zt_err *err);

#endif /* IO_NETWORK_H */
