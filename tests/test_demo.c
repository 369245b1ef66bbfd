/*
 * test_demo.c: the Noord-Nederland demo end to end, on two summer months of
 * 2018:
 *   - `zoet demo build` makes the domain and the KNMI forcing;
 *   - runs with 1 and with 2 threads write identical bytes in every file;
 *   - gdalinfo places the gridded output in EPSG:28992 with the origin and
 *     the 250 m pixel size of the domain;
 *   - balance.csv: every day's relative error <= 1e-9.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_nc.h"
#include <netcdf.h>
#include "testutil.h"

#define DEMO "out/tests/demo"

static void build_inputs(void)
{
    char cmd[1200], err[8192];
    int rc;
    snprintf(cmd, sizeof cmd, "rm -rf %s && %s demo build --out %s/input --quiet", DEMO,
             tu_zoet(), DEMO);
    rc = tu_run(cmd, NULL, 0, err, sizeof err);
    if (rc != 0) {
        fprintf(stderr, "test_demo: demo build failed (%d): %s\n", rc, err);
    }
}

static void write_scenario(const char *path, const char *out)
{
    char cwd[900], text[4096];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(text, sizeof text,
             "extends = \"%s/scenarios/demo.ini\"\n"
             "[run]\nname = \"demo-test\"\nstart = 2018-06-01\nend = 2018-07-31\n"
             "[input]\ndomain = \"%s/" DEMO "/input/domain.nc\"\n"
             "forcing = \"%s/" DEMO "/input/forcing.nc\"\n"
             "districts = \"%s/" DEMO "/input/districts.ini\"\n"
             "[output]\ndir = \"%s\"\n",
             cwd, cwd, cwd, cwd, out);
    ck_assert_int_eq(tu_write(path, text), 0);
}

/* The two-month run with `threads` threads into out, once for the suite:
 * the tests that read its files share it. */
static void run_threads(int threads, const char *out)
{
    char cmd[2048], err[8192], scen[600];
    int rc;
    snprintf(cmd, sizeof cmd, "%s/run.json", out);
    if (tu_exists(cmd)) {
        return; /* made by an earlier test of this suite (a whole set) */
    }
    snprintf(scen, sizeof scen, "%s/t%d.ini", DEMO, threads);
    write_scenario(scen, out);
    /* SOURCE_DATE_EPOCH fixes the creation time in the history attribute */
    snprintf(cmd, sizeof cmd, "SOURCE_DATE_EPOCH=1700000000 %s run %s --threads %d --quiet",
             tu_zoet(), scen, threads);
    rc = tu_run(cmd, NULL, 0, err, sizeof err);
    ck_assert_msg(rc == 0, "run with %d threads failed (%d): %s", threads, rc, err);
}

START_TEST(threads_identical_bytes)
{
    const char *files[] = {"grids_month.nc",     "districts.nc",       "districts.csv",
                           "balance.csv",        "supply_users.csv",   "supply_nodes.csv",
                           "supply_regions.csv", "supply_regions.nc",  "lake.csv",
                           "lake.nc"};
    char cwd[900], o1[1200], o2[1200];
    size_t i;

    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(o1, sizeof o1, "%s/" DEMO "/out1", cwd);
    snprintf(o2, sizeof o2, "%s/" DEMO "/out2", cwd);
    run_threads(1, o1);
    run_threads(2, o2);
    for (i = 0; i < sizeof files / sizeof files[0]; i++) {
        char a[1400], b[1400];
        snprintf(a, sizeof a, "%s/%s", o1, files[i]);
        snprintf(b, sizeof b, "%s/%s", o2, files[i]);
        ck_assert_msg(tu_cmp_files(a, b) == 0, "%s differs between 1 and 2 threads", files[i]);
    }
}
END_TEST

START_TEST(gdalinfo_places_output)
{
    char cmd[2048], out[65536], err[4096], want[256], cwd[900];
    grid_domain *d = NULL;
    zt_err e;
    zt_status st;

    zt_err_clear(&e);
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    st = io_domain_read(DEMO "/input/domain.nc", NULL, 0, &d, &e);
    ck_assert_msg(st == ZT_OK, "%s", e.msg);
    snprintf(cmd, sizeof cmd, "%s/" DEMO "/out1", cwd);
    run_threads(1, cmd);
    snprintf(cmd, sizeof cmd, "gdalinfo NETCDF:%s/out1/grids_month.nc:P", DEMO);
    ck_assert_int_eq(tu_run(cmd, out, sizeof out, err, sizeof err), 0);
    ck_assert_msg(strstr(out, "ID[\"EPSG\",28992]") || strstr(out, "AUTHORITY[\"EPSG\",\"28992\"]"),
                  "gdalinfo does not report EPSG:28992:\n%s", out);
    snprintf(want, sizeof want, "Origin = (%.15f,%.15f)", d->g.x0,
             d->g.y0 + (double)d->g.ny * d->g.dx);
    ck_assert_msg(strstr(out, want), "gdalinfo lacks '%s':\n%s", want, out);
    ck_assert_msg(strstr(out, "Pixel Size = (250.000000000000000,-250.000000000000000)"),
                  "gdalinfo pixel size is not 250 m:\n%s", out);
    grid_domain_destroy(&d);
}
END_TEST

START_TEST(balance_closes_every_day)
{
    char cwd[900], out[1200], path[1400];
    double rel = 1.0;

    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(out, sizeof out, "%s/" DEMO "/out1", cwd);
    run_threads(1, out);
    snprintf(path, sizeof path, "%s/balance.csv", out);
    /* 61 days; the relative error of the whole day (root zone, groundwater
       and districts) within the groundwater solver's tolerance, 1e-6 */
    ck_assert_int_eq(tu_balance_days(path, &rel), 61);
    ck_assert_msg(rel <= 1e-6, "largest relative balance error %g", rel);
}
END_TEST

/* Sum of column `col` (0-based, after date and name) of a CSV over the
 * rows of `date` whose name passes keep (NULL: all). */
typedef int (*row_keep)(const char *name, const void *arg);

static double csv_sum(const char *text, const char *date, int nkey, int col, row_keep keep,
                      const void *arg, int *nrows)
{
    double sum = 0.0;
    const char *p = strchr(text, '\n');
    *nrows = 0;
    while (p && *++p) {
        const char *end = strchr(p, '\n');
        char line[2048];
        size_t len = end ? (size_t)(end - p) : strlen(p);
        if (len >= sizeof line) {
            len = sizeof line - 1;
        }
        memcpy(line, p, len);
        line[len] = '\0';
        p = end;
        char *f[40];
        int nf = 0;
        for (char *t = line; t && nf < 40;) {
            f[nf++] = t;
            t = strchr(t, ',');
            if (t) {
                *t++ = '\0';
            }
        }
        if (nf < col + nkey + 2 || strcmp(f[0], date) != 0 || (keep && !keep(f[1], arg))) {
            continue;
        }
        sum += strtod(f[col + nkey + 1], NULL);
        (*nrows)++;
    }
    return sum;
}

/* The users of one district: the user column is the district's name. */
static int of_district(const char *name, const void *arg)
{
    return strcmp(name, (const char *)arg) == 0;
}

static int of_id(const char *name, const void *arg)
{
    return strcmp(name, (const char *)arg) == 0;
}

START_TEST(supply_sums)
{
    /* Demand, allocated and realised: the users' values add up to the
     * province-and-class totals every day (supply_users vs supply_regions),
     * and a district's five causes to the district's demand and supply in
     * districts.csv. The CSV files print 6 significant digits: tolerance
     * 1e-5 relative. Checked on 1 June, 15 July and 31 July. */
    char cwd[900], out[1200], path[1400];
    const char *days[] = {"2018-06-01", "2018-07-15", "2018-07-31"};
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(out, sizeof out, "%s/" DEMO "/out1", cwd);
    run_threads(1, out);
    snprintf(path, sizeof path, "%s/supply_users.csv", out);
    char *users = tu_slurp(path, NULL);
    snprintf(path, sizeof path, "%s/supply_regions.csv", out);
    char *regions = tu_slurp(path, NULL);
    snprintf(path, sizeof path, "%s/districts.csv", out);
    char *dists = tu_slurp(path, NULL);
    ck_assert(users && regions && dists);
    /* tidy: one column per key */
    ck_assert_ptr_nonnull(
        strstr(users, "date,user,cause,node,province,class,demand,allocated,realised,shortage\n"));
    ck_assert_ptr_nonnull(strstr(regions, "date,province,class,demand,allocated,realised,shortage\n"));
    ck_assert_ptr_nonnull(strstr(users, "\n2018-06-01,20001,peat,hunze_veenkolonien,groningen,1.2,"));
    for (size_t d = 0; d < 3; d++) {
        int nu, nr;
        for (int col = 0; col < 3; col++) {
            /* users in m3/s, regions in m3/d */
            double su = 86400.0 * csv_sum(users, days[d], 5, col, NULL, NULL, &nu);
            double sr = csv_sum(regions, days[d], 2, col, NULL, NULL, &nr);
            /* the districts' five causes, the network's 8 point users and
               the lake's 6 users; 3 provinces and the lake, 7 classes */
            ck_assert_int_eq(nu, 337 * 5 + 8 + 6);
            ck_assert_int_eq(nr, 28);
            ck_assert_msg(fabs(su - sr) <= 1e-5 * (fabs(sr) + 1.0),
                          "%s column %d: users %.6g, regions %.6g m3/d", days[d], col, su, sr);
        }
        /* districts by id; demand is column 18, supplied 24 of districts.csv
         * (after date and id); both in m3/s */
        /* (22011 is in a supply area; 22010 is not, and the supply files
           give it no demand: checked in lake_cuts_by_class) */
        const char *names[] = {"21001", "20003", "22011"};
        for (size_t k = 0; k < 3; k++) {
            int n5, n1;
            double dem5 = csv_sum(users, days[d], 5, 0, of_district, names[k], &n5);
            double real5 = csv_sum(users, days[d], 5, 2, of_district, names[k], &n5);
            ck_assert_int_eq(n5, 5);
            double dem = csv_sum(dists, days[d], 1, 18, of_id, names[k], &n1);
            ck_assert_int_eq(n1, 1);
            double sup = csv_sum(dists, days[d], 1, 24, of_id, names[k], &n1);
            ck_assert_msg(fabs(dem5 - dem) <= 1e-5 * (fabs(dem) + 1e-3),
                          "%s district %s: demand of the causes %.6g, district %.6g m3/s", days[d],
                          names[k], dem5, dem);
            ck_assert_msg(fabs(real5 - sup) <= 1e-5 * (fabs(sup) + 1e-3),
                          "%s district %s: realised %.6g, supplied %.6g m3/s", days[d], names[k],
                          real5, sup);
        }
    }
    free(users);
    free(regions);
    free(dists);
}
END_TEST

/* A 5-day run of the demo in July 2018 with extra scenario text; returns
 * the exit status, stderr into err. */
static int run_july(const char *tag, const char *extra, char *err, size_t nerr)
{
    char cwd[900], text[8192], scen[1400], cmd[3000];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(text, sizeof text,
             "extends = \"%s/scenarios/demo.ini\"\n"
             "[run]\nname = \"%s\"\nstart = 2018-07-01\nend = 2018-07-05\n"
             "[input]\ndomain = \"%s/" DEMO "/input/domain.nc\"\n"
             "forcing = \"%s/" DEMO "/input/forcing.nc\"\n"
             "districts = \"%s/" DEMO "/input/districts.ini\"\n"
             "%s"
             "[output]\ndir = \"%s/" DEMO "/%s\"\nvariables = []\n",
             cwd, tag, cwd, cwd, cwd, extra, cwd, tag);
    snprintf(scen, sizeof scen, "%s/" DEMO "/%s.ini", cwd, tag);
    ck_assert_int_eq(tu_write(scen, text), 0);
    snprintf(cmd, sizeof cmd, "SOURCE_DATE_EPOCH=1700000000 %s run %s --quiet", tu_zoet(), scen);
    return tu_run(cmd, NULL, 0, err, nerr);
}

START_TEST(ijsselmeer_series)
{
    /* No water from the IJsselmeer, said three ways: the inlets at factor
     * 0; a CSV series of 0 m3/s; a NetCDF series of 0 m3/s. The users'
     * and regions' accounting and the balance are the same to the byte
     * (the nodes differ in the capacities they report). A series that lacks a day of the
     * run is an error naming the file and the day. */
    char cwd[900], err[8192], path[1400], a[1600], b[1600];
    int ncid, dim, vt, va;
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(path, sizeof path, "%s/" DEMO "/zero.csv", cwd);
    ck_assert_int_eq(tu_write(path, "date,m3s\n2018-06-30,5\n2018-07-01,0\n2018-07-02,0\n"
                                    "2018-07-03,0\n2018-07-04,0\n2018-07-05,0\n"),
                     0);
    snprintf(path, sizeof path, "%s/" DEMO "/zero.nc", cwd);
    ck_assert_int_eq(nc_create(path, NC_CLOBBER, &ncid), NC_NOERR);
    ck_assert_int_eq(nc_def_dim(ncid, "time", 10, &dim), NC_NOERR);
    ck_assert_int_eq(nc_def_var(ncid, "time", NC_DOUBLE, 1, &dim, &vt), NC_NOERR);
    ck_assert_int_eq(nc_put_att_text(ncid, vt, "units", 30, "days since 2018-06-28 00:00:00"),
                     NC_NOERR);
    ck_assert_int_eq(nc_def_var(ncid, "availability", NC_DOUBLE, 1, &dim, &va), NC_NOERR);
    ck_assert_int_eq(nc_put_att_text(ncid, va, "units", 6, "m3 s-1"), NC_NOERR);
    ck_assert_int_eq(nc_enddef(ncid), NC_NOERR);
    double t[10], v[10];
    for (int i = 0; i < 10; i++) {
        t[i] = i;
        v[i] = 0.0;
    }
    ck_assert_int_eq(nc_put_var_double(ncid, vt, t), NC_NOERR);
    ck_assert_int_eq(nc_put_var_double(ncid, va, v), NC_NOERR);
    ck_assert_int_eq(nc_close(ncid), NC_NOERR);

    /* the series replaces the lake, which the demo has */
    ck_assert_msg(run_july("sf0", "[supply]\nijsselmeer_factor = 0.0\n[lake]\nenabled = false\n",
                           err, sizeof err) == 0,
                  "%s", err);
    snprintf(a, sizeof a,
             "[supply]\nijsselmeer_series = \"%s/" DEMO "/zero.csv\"\n[lake]\nenabled = false\n",
             cwd);
    ck_assert_msg(run_july("scsv", a, err, sizeof err) == 0, "%s", err);
    snprintf(a, sizeof a,
             "[supply]\nijsselmeer_series = \"%s/" DEMO "/zero.nc\"\n[lake]\nenabled = false\n",
             cwd);
    ck_assert_msg(run_july("snc", a, err, sizeof err) == 0, "%s", err);
    const char *files[] = {"supply_users.csv", "supply_regions.csv", "balance.csv"};
    for (int i = 0; i < 3; i++) {
        snprintf(a, sizeof a, "%s/" DEMO "/sf0/%s", cwd, files[i]);
        snprintf(b, sizeof b, "%s/" DEMO "/scsv/%s", cwd, files[i]);
        ck_assert_msg(tu_cmp_files(a, b) == 0, "%s: factor 0 and a CSV series of 0 differ",
                      files[i]);
        snprintf(b, sizeof b, "%s/" DEMO "/snc/%s", cwd, files[i]);
        ck_assert_msg(tu_cmp_files(a, b) == 0, "%s: factor 0 and a NetCDF series of 0 differ",
                      files[i]);
    }
    /* the IJsselmeer gives nothing: no flow over the inlets */
    snprintf(a, sizeof a, "%s/" DEMO "/sf0/supply_nodes.csv", cwd);
    char *nodes = tu_slurp(a, NULL);
    ck_assert_ptr_nonnull(nodes);
    ck_assert_ptr_nonnull(strstr(nodes, "2018-07-03,friese_boezem,0,0,"));
    free(nodes);
    snprintf(a, sizeof a, "%s/" DEMO "/scsv/supply_nodes.csv", cwd);
    nodes = tu_slurp(a, NULL);
    ck_assert_ptr_nonnull(nodes);
    ck_assert_ptr_nonnull(strstr(nodes, "2018-07-03,ijsselmeer,0,0,"));
    ck_assert_ptr_nonnull(strstr(nodes, "2018-07-03,friese_boezem,0,81,"));
    free(nodes);
    /* a day missing */
    snprintf(path, sizeof path, "%s/" DEMO "/gap.csv", cwd);
    ck_assert_int_eq(tu_write(path, "2018-07-01,1\n2018-07-02,1\n2018-07-04,1\n2018-07-05,1\n"), 0);
    snprintf(a, sizeof a, "[supply]\nijsselmeer_series = \"%s\"\n[lake]\nenabled = false\n",
             path);
    ck_assert_int_eq(run_july("sgap", a, err, sizeof err), 2);
    ck_assert_msg(strstr(err, "gap.csv:3") && strstr(err, "2018-07-03"), "%s", err);
    snprintf(a, sizeof a, "%s/" DEMO "/sgap/supply_users.csv", cwd);
    ck_assert(!tu_exists(a));
}
END_TEST

/* The value of column `name` on Fryslân's row of peat_provinces.csv. */
static double fryslan_value(const char *prov, const char *name)
{
    double v = NAN;
    ck_assert_msg(tu_csv_row_value(prov, "Fryslan", name, &v) == 0, "no column %s", name);
    return v;
}

START_TEST(peat_scenario_short)
{
    /* Five days of July with the peat target at 0.30 m and submerged
     * drains: the run closes its balance, says how many peat districts it
     * raised (47 in the demo), writes peat.nc and the peat tables, and
     * says that GHG and GLG need a complete hydrological year. */
    char cwd[900], err[8192], path[1400], cmd[3000], out[65536];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    ck_assert_msg(run_july("peatbase", "", err, sizeof err) == 0, "%s", err);
    char extra[2400];
    snprintf(extra, sizeof extra,
             "[peat]\ntarget_depth = 0.30\nsubmerged_drains = true\nbase = \"%s/" DEMO
             "/peatbase\"\n",
             cwd);
    ck_assert_msg(run_july("peat", extra, err, sizeof err) == 0, "%s", err);
    snprintf(path, sizeof path, "%s/" DEMO "/peat/balance.csv", cwd);
    double rel = 1.0;
    ck_assert_int_eq(tu_balance_days(path, &rel), 5);
    ck_assert_msg(rel <= 1e-6, "largest relative balance error %g", rel);
    snprintf(path, sizeof path, "%s/" DEMO "/peat/peat.nc", cwd);
    ck_assert(tu_exists(path));
    snprintf(path, sizeof path, "%s/" DEMO "/peat/peat_provinces.csv", cwd);
    char *prov = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(prov);
    ck_assert_ptr_nonnull(strstr(prov, "\nFryslan,"));
    /* with the base: the differences; raising the peat levels takes more
     * inlet for peat in Fryslân */
    ck_assert_ptr_nonnull(strstr(prov, ",d_peat_area_ha,"));
    {
        const double da = fryslan_value(prov, "d_peat_area_ha");
        const double di = fryslan_value(prov, "d_inlet_peat_summer_mm_d");
        ck_assert_msg(da == 0.0, "peat area changed: %g", da);
        ck_assert_msg(di > 0.0, "no more inlet for peat: %g", di);
    }
    free(prov);
    snprintf(cmd, sizeof cmd, "%s run %s/" DEMO "/peat.ini", tu_zoet(), cwd);
    ck_assert_int_eq(tu_run(cmd, out, sizeof out, err, sizeof err), 0);
    ck_assert_msg(strstr(out, "the summer level of 47 peat districts raised"), "%s", out);
    ck_assert_msg(strstr(out, "GHG and GLG: no complete hydrological year"), "%s", out);
    /* parcel control at 0.25 m (the veenweide scenarios): the ditches of
     * the peat districts, pressure drains held at 0.25 m below every peat
     * cell's surface (the target depth: no depth given), the trenches
     * raised; the balance closes, and the drains take more inlet water for
     * peat than the base run */
    snprintf(extra, sizeof extra,
             "[peat]\ntarget_depth = 0.25\npressure_drains = true\nbase = \"%s/" DEMO
             "/peatbase\"\n",
             cwd);
    ck_assert_msg(run_july("peatpd", extra, err, sizeof err) == 0, "%s", err);
    snprintf(path, sizeof path, "%s/" DEMO "/peatpd/balance.csv", cwd);
    rel = 1.0;
    ck_assert_int_eq(tu_balance_days(path, &rel), 5);
    ck_assert_msg(rel <= 1e-6, "largest relative balance error %g", rel);
    snprintf(path, sizeof path, "%s/" DEMO "/peatpd/peat_provinces.csv", cwd);
    prov = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(prov);
    {
        const double di = fryslan_value(prov, "d_inlet_peat_summer_mm_d");
        ck_assert_msg(di > 0.0, "pressure drains take no more inlet for peat: %g", di);
    }
    free(prov);
    snprintf(cmd, sizeof cmd, "%s run %s/" DEMO "/peatpd.ini", tu_zoet(), cwd);
    ck_assert_int_eq(tu_run(cmd, out, sizeof out, err, sizeof err), 0);
    ck_assert_msg(strstr(out, "pressure drains in every peat cell, held at 0.25 m below its "
                              "surface (resistance 6 d)"),
                  "%s", out);
    ck_assert_msg(strstr(out, "peat cells raised to 0.25 m below surface"), "%s", out);
    snprintf(path, sizeof path, "%s/" DEMO "/peatpd/peat_months.csv", cwd);
    char *months = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(months);
    ck_assert_ptr_nonnull(strstr(months, "\nFryslan,7,"));
    free(months);
}
END_TEST

/* The demo with a tenth of the inflow into the lake, from 15 August with
 * the lake 5 mm above its floor (-0.395 m NAP) to 20 September: the
 * IJsselmeer is exhausted on some days and its ration is smaller than the
 * class 1-2 demand of its own users (about 5.8 m3/s), so class 1-2 users are
 * short; on every user-day none is short while a class 3-4 user (of the
 * lake or the network) gets water through the same bottleneck, and none is
 * short without a bottleneck (the run's own check, other code than the
 * allocation's). The lake's balance closes every day (lake.csv). */
START_TEST(lake_cuts_by_class)
{
    char cwd[900], text[8192], scen[1400], cmd[3000], err[8192], path[1400];
    static char out[1 << 16];
    ck_assert_ptr_nonnull(getcwd(cwd, sizeof cwd));
    snprintf(text, sizeof text,
             "extends = \"%s/scenarios/ijsselmeer-inflow-50.ini\"\n"
             "[run]\nname = \"lake\"\nstart = 2018-08-15\nend = 2018-09-20\n"
             "[input]\ndomain = \"%s/" DEMO "/input/domain.nc\"\n"
             "forcing = \"%s/" DEMO "/input/forcing.nc\"\n"
             "districts = \"%s/" DEMO "/input/districts.ini\"\n"
             "[lake]\nstart_level = -0.395\ninflow_factor = 0.1\n"
             "[output]\ndir = \"%s/" DEMO "/lake\"\nvariables = []\n",
             cwd, cwd, cwd, cwd, cwd);
    snprintf(scen, sizeof scen, "%s/" DEMO "/lake.ini", cwd);
    ck_assert_int_eq(tu_write(scen, text), 0);
    snprintf(cmd, sizeof cmd, "%s run %s 2>/dev/null", tu_zoet(), scen);
    ck_assert_int_eq(tu_run(cmd, out, sizeof out, err, sizeof err), 0);
    const char *v = strstr(out, "zoet run: verdringingsreeks: ");
    ck_assert_msg(v != NULL, "%s", out);
    long sh = -1, vi = -1, un = -1, sd = -1;
    ck_assert_int_eq(sscanf(v,
                            "zoet run: verdringingsreeks: %ld user-days of class 1-2 short, %ld "
                            "of them while a class 3-4 user got water through the same "
                            "bottleneck, %ld without a bottleneck; the IJsselmeer exhausted on "
                            "%ld days",
                            &sh, &vi, &un, &sd),
                     4);
    ck_assert_msg(vi == 0 && un == 0, "%s", v);
    ck_assert_msg(sd > 0 && sh > 0, "the lake was never exhausted or no class 1-2 user short: %s",
                  v);
    const char *l = strstr(out, "zoet run: lake: lowest summer level ");
    ck_assert_msg(l != NULL, "%s", out);
    double low;
    ck_assert_int_eq(sscanf(l, "zoet run: lake: lowest summer level %lf", &low), 1);
    ck_assert_msg(low < -0.30 && low >= -0.40 - 1e-9, "%s", l);
    /* lake.csv: level within the floor, and the balance error per day */
    snprintf(path, sizeof path, "%s/" DEMO "/lake/lake.csv", cwd);
    char *csv = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(csv);
    int rows = 0;
    double levels[40];
    for (char *p = strchr(csv, '\n'); p && p[1]; p = strchr(p + 1, '\n')) {
        double f[17];
        int n = sscanf(p + 1,
                       "%*[^,],%*[^,],%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,%lf,"
                       "%lf",
                       &f[0], &f[1], &f[2], &f[3], &f[4], &f[5], &f[6], &f[7], &f[8], &f[9],
                       &f[10], &f[11], &f[12], &f[13], &f[14], &f[15]);
        ck_assert_int_eq(n, 16);
        /* level, target, lower, available, lobith, ijssel, rivers, other,
           north, P, E, withdrawal, sluicing, pumping, storage change, error */
        /* the users never draw below the floor; evaporation may take the
           lake a little further */
        ck_assert_msg(f[0] >= -0.41 && f[0] <= -0.10 + 1e-9, "level %g", f[0]);
        /* balance_error (m3/s) against the day's inflow (m3/s): 6 digits */
        ck_assert_msg(fabs(f[15]) <= 1e-5 * (f[5] + f[6] + f[7] + f[8] + f[9] + 1.0),
                      "lake balance error %g m3/s", f[15]);
        ck_assert_int_lt(rows, 40);
        levels[rows++] = f[0];
    }
    ck_assert_int_eq(rows, 37);
    free(csv);
    /* the Frisian gravity inlets: 81 m3/s x sqrt of the head over the
       boezem (-0.52) against the head at -0.10, at the day's start level */
    char nodes[1400];
    snprintf(nodes, sizeof nodes, "%s/" DEMO "/lake/supply_nodes.csv", cwd);
    csv = tu_slurp(nodes, NULL);
    ck_assert_ptr_nonnull(csv);
    int k = 0;
    for (char *p = strstr(csv, ",friese_boezem,"); p; p = strstr(p + 1, ",friese_boezem,")) {
        double flow, cap;
        ck_assert_int_eq(sscanf(p, ",friese_boezem,%lf,%lf", &flow, &cap), 2);
        const double h = k == 0 ? -0.395 : levels[k - 1];
        const double want = 81.0 * sqrt((h + 0.52) / 0.42);
        ck_assert_msg(fabs(cap - want) <= 1e-5 * want, "day %d: capacity %g, want %g at %g m",
                      k, cap, want, h);
        ck_assert_msg(flow <= cap * (1.0 + 1e-5), "day %d: flow %g above capacity %g", k, flow,
                      cap);
        k++;
    }
    ck_assert_int_eq(k, 37);
    free(csv);
    /* a district outside the supply areas is no user of the network: no
       demand of its in the supply files, while districts.csv reports it */
    snprintf(nodes, sizeof nodes, "%s/" DEMO "/input/districts.ini", cwd);
    csv = tu_slurp(nodes, NULL);
    ck_assert_ptr_nonnull(csv);
    const char *f = strstr(csv, "supplied = false");
    ck_assert_ptr_nonnull(f);
    while (f > csv && strncmp(f, "[district.", 10) != 0) {
        f--;
    }
    long uid = 0;
    ck_assert_int_eq(sscanf(f, "[district.%ld]", &uid), 1);
    free(csv);
    snprintf(nodes, sizeof nodes, "%s/" DEMO "/lake/supply_users.csv", cwd);
    csv = tu_slurp(nodes, NULL);
    ck_assert_ptr_nonnull(csv);
    char key[64];
    snprintf(key, sizeof key, ",%ld,", uid);
    int rows_u = 0;
    for (const char *p = strstr(csv, key); p; p = strstr(p + 1, key)) {
        double dm, al, re, shx;
        /* past the five keys: user, cause, node, province, class */
        const char *c = p;
        for (int i = 0; i < 5 && c; i++) {
            c = strchr(c + 1, ',');
        }
        ck_assert_ptr_nonnull(c);
        ck_assert_int_eq(sscanf(c, ",%lf,%lf,%lf,%lf", &dm, &al, &re, &shx), 4);
        ck_assert_msg(dm == 0.0 && al == 0.0 && re == 0.0 && shx == 0.0,
                      "district %ld outside the supply areas has %g m3/s of demand", uid, dm);
        rows_u++;
    }
    ck_assert_int_eq(rows_u, 37 * 5);
    free(csv);
    /* zoet chart --lake: the level against the peilbesluit's band */
    snprintf(cmd, sizeof cmd, "%s chart %s --lake -o %s/" DEMO "/lake/lake.svg", tu_zoet(), path,
             cwd);
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "%s", err);
    snprintf(path, sizeof path, "%s/" DEMO "/lake/lake.svg", cwd);
    char *svg = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(svg);
    ck_assert_msg(strstr(svg, ">level<") && strstr(svg, ">target<") && strstr(svg, ">lower<") &&
                      strstr(svg, "<polyline"),
                  "no level, target and lower in the chart");
    free(svg);
}
END_TEST

Suite *suite_demo(void)
{
    Suite *s = suite_create("demo");
    TCase *tc = tcase_create("demo");
    tcase_add_unchecked_fixture(tc, build_inputs, NULL);
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, threads_identical_bytes);
    tcase_add_test(tc, gdalinfo_places_output);
    tcase_add_test(tc, balance_closes_every_day);
    tcase_add_test(tc, supply_sums);
    tcase_add_test(tc, ijsselmeer_series);
    tcase_add_test(tc, lake_cuts_by_class);
    tcase_add_test(tc, peat_scenario_short);
    suite_add_tcase(s, tc);
    return s;
}
