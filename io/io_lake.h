/*
 * io_lake.h: the lake (docs/lake.md; issue 12): the scenario's [lake]
 * section (io_scenario.c reads it into io_lake_cfg) and the lake file it
 * names, which describes the IJsselmeer and Markermeer: their area, the
 * IJssel's share of the Rhine, the other inflows, the outlets and the
 * lake's own users. The lake file is INI and valid TOML (io_ini.h):
 *
 *   [lake]
 *   name = "IJsselmeer and Markermeer"
 *   area_km2 = 1833.0
 *   lobith_m3s = [600, 800, 898, 1590, 2600, 3630, 16000]  # the IJssel's curve:
 *   ijssel_m3s = [85, 124, 145, 287, 361, 515, 2458]       # piecewise linear
 *   lag_days = 2                    # Lobith to the lake
 *   ijssel_net_m3s = [12 numbers]   # what joins and leaves the IJssel downstream, by month
 *   evaporation_factor = [12 numbers]  # open-water evaporation / Makkink, by month
 *   sluice_m3s = 1500.0             # tide-averaged sluice capacity at sluice_level
 *   sluice_level = 0.0              # m NAP
 *   sea_low = -1.0                  # m NAP, the mean low water outside
 *   pump_m3s = 275.0                # the pumps at Den Oever
 *   pump_from = 2026                # the first year they work
 *   [inflow.vecht]                  # an inflow by month (m3/s)
 *   monthly_m3s = [12 numbers]
 *   scaled = true                   # inflow_factor scales it (a river), default false
 *   [user.andijk]                   # a user of the lake by month (m3/s)
 *   class = "2.1"
 *   monthly_m3s = [12 numbers]
 *
 * Names are [a-z0-9_]; libinih keeps section names of up to 49 characters,
 * so a user's name may have 44 and an inflow's 42 (longer: an error naming
 * the line). A line holds at most 197 characters, which bounds the curve's
 * points in practice. Errors are ZT_ECONFIG "file:line: [section] key: why".
 */
#ifndef IO_LAKE_H
#define IO_LAKE_H

#include "zt.h"

#define IO_LAKE_MAXCURVE 32
#define IO_LAKE_MAXINFLOW 16
#define IO_LAKE_MAXUSER 32

/* The scenario's [lake] section: the management (the peilbesluit) and the
 * Rhine. enabled = 0 when the scenario has no [lake]. */
typedef struct io_lake_cfg {
    int enabled;
    char *file;              /* the lake file */
    char *lobith;            /* the daily Rhine discharge at Lobith (CSV date,Q_m3s) */
    double inflow_factor;    /* on the IJssel and Vecht inflows [1] */
    int replay_year;         /* 0, or the year whose Rhine every simulated year gets */
    double rhine_factor[12]; /* by month, on the Lobith discharge [1] */
    double start_level;      /* m NAP on the first day [-0.40] */
    double floor, winter_level, summer_lower, summer_upper; /* m NAP */
    int spring_start, summer_start, winter_start;           /* MMDD */
    double pump_above;       /* m above the sluicing target before the pumps run [0.10] */
} io_lake_cfg;

typedef struct io_lake_series {
    char name[48];
    double m3s[12];          /* by month */
    int scaled;              /* 1: a river that [lake] inflow_factor scales (the Vecht) */
} io_lake_series;

typedef struct io_lake_user {
    char name[48];
    int level;               /* verdringingsreeks level 0 .. IO_NET_NLEVEL - 1 */
    double m3s[12];          /* demand by month */
} io_lake_user;

/* The lake file. */
typedef struct io_lake {
    char name[64];
    double area;             /* m2 */
    int ncurve;
    double curve_q[IO_LAKE_MAXCURVE], curve_ij[IO_LAKE_MAXCURVE]; /* m3/s */
    int lag_days;
    double ijssel_net[12];   /* m3/s by month */
    double evap_factor[12];  /* - by month */
    double sluice_m3s, sluice_level, sea_low; /* m3/s, m NAP, m NAP */
    double pump_m3s;         /* m3/s */
    int pump_from;           /* year */
    int ninflow, nuser;
    io_lake_series inflow[IO_LAKE_MAXINFLOW];
    io_lake_user user[IO_LAKE_MAXUSER];
} io_lake;

/* Read the lake file. */
zt_status io_lake_load(const char *path, io_lake *out, zt_err *err);

void io_lake_cfg_free(io_lake_cfg *c);

#endif /* IO_LAKE_H */
