/*
 * test_cli.c: the program as a user runs it.
 *
 * - a bad-input corpus: each case must exit with status 2, print exactly one
 *   line on stderr that names the file and the variable, key or line, and
 *   leave no output that looks complete (no final file, no .part file);
 * - a small run on a hand-made 5 x 4 domain: balance.csv closes and the run
 *   writes every output;
 * - `--help` of every command.
 *
 * Fixtures are written as CDL and turned into NetCDF-4 with ncgen.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "io_nc.h"
#include "testutil.h"

#define NX 5
#define NY 4
#define BASE "out/tests/cli"

/* ---- fixtures ------------------------------------------------------------ */

/* The WKT with its quotes escaped for CDL. */
static void cdl_escape(const char *in, char *out, size_t n)
{
    size_t j = 0;
    for (; *in && j + 2 < n; in++) {
        if (*in == '"') {
            out[j++] = '\\';
        }
        out[j++] = *in;
    }
    out[j] = '\0';
}

/* Variants of the domain fixture. */
enum dom_variant {
    DOM_OK,
    DOM_NO_SOIL,
    DOM_SOIL_1D,
    DOM_WGS84,
    DOM_NAN,
    DOM_FILL,
    DOM_BAD_LANDUSE,
    DOM_GW, /* with the groundwater variables */
};

/* The groundwater variables of the fixture (CDL definitions and data). */
static const char gw_defs[] =
    "  float kd(y, x) ;\n    kd:units = \"m2 d-1\" ;\n    kd:grid_mapping = \"crs\" ;\n"
    "  float deep_head(y, x) ;\n    deep_head:units = \"m\" ;\n"
    "    deep_head:grid_mapping = \"crs\" ;\n"
    "  float seepage_resistance(y, x) ;\n    seepage_resistance:units = \"d\" ;\n"
    "    seepage_resistance:grid_mapping = \"crs\" ;\n"
    "  float ditch_resistance(y, x) ;\n    ditch_resistance:units = \"d\" ;\n"
    "    ditch_resistance:grid_mapping = \"crs\" ;\n"
    "  float ditch_infiltration_resistance(y, x) ;\n"
    "    ditch_infiltration_resistance:units = \"d\" ;\n"
    "    ditch_infiltration_resistance:grid_mapping = \"crs\" ;\n"
    "  float trench_depth(y, x) ;\n    trench_depth:units = \"m\" ;\n"
    "    trench_depth:_FillValue = -9999.f ;\n    trench_depth:grid_mapping = \"crs\" ;\n"
    "  float trench_resistance(y, x) ;\n    trench_resistance:units = \"d\" ;\n"
    "    trench_resistance:_FillValue = -9999.f ;\n"
    "    trench_resistance:grid_mapping = \"crs\" ;\n"
    "  float tile_depth(y, x) ;\n    tile_depth:units = \"m\" ;\n"
    "    tile_depth:_FillValue = -9999.f ;\n    tile_depth:grid_mapping = \"crs\" ;\n"
    "  float tile_resistance(y, x) ;\n    tile_resistance:units = \"d\" ;\n"
    "    tile_resistance:_FillValue = -9999.f ;\n    tile_resistance:grid_mapping = \"crs\" ;\n";
static const char gw_data[] =
    "  kd = 20, 20, 20, 20, 30,  20, 20, 30, 30, 30,  50, 50, 80, 80, 30,  50, 80, 80, 80, 30 ;\n"
    "  deep_head = -1.2, -1.2, -1.2, -1.2, 0,  -1.0, -1.0, -0.8, -0.8, 0,  -0.5, -0.5, 0, 0, 0,"
    "  0.5, 1, 1, 1, 0 ;\n"
    "  seepage_resistance = 1000, 1000, 1000, 1000, 1,  800, 800, 800, 800, 1,"
    "  300, 300, 300, 300, 1,  300, 300, 300, 300, 1 ;\n"
    "  ditch_resistance = 50, 50, 50, 50, 1,  100, 100, 100, 100, 1,  200, 200, 200, 200, 1,"
    "  200, 200, 200, 200, 1 ;\n"
    "  ditch_infiltration_resistance = 75, 75, 75, 75, 1,  150, 150, 150, 150, 1,"
    "  300, 300, 300, 300, 1,  300, 300, 300, 300, 1 ;\n"
    "  trench_depth = _, 0.3, 0.3, 0.3, _,  0.3, _, _, _, _,  _, _, _, _, _,  _, _, _, _, _ ;\n"
    "  trench_resistance = _, 30, 30, 30, _,  30, _, _, _, _,  _, _, _, _, _,"
    "  _, _, _, _, _ ;\n"
    "  tile_depth = _, _, _, _, _,  _, 1, _, _, _,  _, _, _, _, _,  _, _, _, _, _ ;\n"
    "  tile_resistance = _, _, _, _, _,  _, 20, _, _, _,  _, _, _, _, _,  _, _, _, _, _ ;\n";

static void write_cdl_and_gen(const char *dir, const char *name, const char *cdl)
{
    char path[512], cmd[1200], err[2048];
    snprintf(path, sizeof path, "%s/%s.cdl", dir, name);
    ck_assert_int_eq(tu_write(path, cdl), 0);
    snprintf(cmd, sizeof cmd, "ncgen -k nc4 -o %s/%s.nc %s", dir, name, path);
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "ncgen failed: %s", err);
}

/* A 5 x 4 domain at 250 m: row 0 (south) is open water and grass on peat,
 * the rest grass, arable and urban on clay and sand; two districts. */
static void make_domain(const char *dir, const char *name, enum dom_variant v)
{
    static char cdl[16384];
    char wkt[2048];
    const char *surface = "-1.5, -1.2, -1.0, -0.8, -0.5,"
                          " 0.0, 0.2, 0.4, 0.6, 0.8,"
                          " 1.0, 1.5, 2.0, 2.5, 3.0,"
                          " 3.5, 4.0, 4.5, 5.0, 5.5";
    if (v == DOM_NAN) {
        surface = "-1.5, -1.2, -1.0, -0.8, -0.5,"
                  " 0.0, 0.2, NaN, 0.6, 0.8,"
                  " 1.0, 1.5, 2.0, 2.5, 3.0,"
                  " 3.5, 4.0, 4.5, 5.0, 5.5";
    } else if (v == DOM_FILL) {
        surface = "-1.5, -1.2, -1.0, -0.8, -0.5,"
                  " 0.0, 0.2, 0.4, 0.6, 0.8,"
                  " 1.0, 1.5, -9999, 2.5, 3.0,"
                  " 3.5, 4.0, 4.5, 5.0, 5.5";
    }
    cdl_escape(v == DOM_WGS84 ? "GEOGCS[\"WGS 84\",DATUM[\"WGS_1984\",SPHEROID[\"WGS "
                                "84\",6378137,298.257223563]],AUTHORITY[\"EPSG\",\"4326\"]]"
                              : io_rdnew_wkt,
               wkt, sizeof wkt);
    snprintf(
        cdl, sizeof cdl,
        "netcdf domain {\n"
        "dimensions:\n  x = %d ;\n  y = %d ;\n"
        "variables:\n"
        "  double x(x) ;\n    x:standard_name = \"projection_x_coordinate\" ;\n"
        "    x:units = \"m\" ;\n"
        "  double y(y) ;\n    y:standard_name = \"projection_y_coordinate\" ;\n"
        "    y:units = \"m\" ;\n"
        "  int crs ;\n    crs:grid_mapping_name = \"%s\" ;\n    crs:crs_wkt = \"%s\" ;\n"
        "  ubyte mask(y, x) ;\n    mask:grid_mapping = \"crs\" ;\n"
        "  float surface_level(y, x) ;\n    surface_level:units = \"m\" ;\n"
        "    surface_level:_FillValue = -9999.f ;\n    surface_level:grid_mapping = \"crs\" ;\n"
        "%s"
        "  ubyte landuse(y, x) ;\n    landuse:grid_mapping = \"crs\" ;\n"
        "  int district(y, x) ;\n    district:grid_mapping = \"crs\" ;\n"
        "  ubyte province(y, x) ;\n    province:grid_mapping = \"crs\" ;\n"
        "  float gw_depth_init(y, x) ;\n    gw_depth_init:units = \"m\" ;\n"
        "    gw_depth_init:grid_mapping = \"crs\" ;\n"
        "  ubyte sprinkling_source(y, x) ;\n    sprinkling_source:grid_mapping = \"crs\" ;\n"
        "%s"
        "data:\n"
        "  x = 200125, 200375, 200625, 200875, 201125 ;\n"
        "  y = 550125, 550375, 550625, 550875 ;\n"
        "  crs = 0 ;\n"
        "  mask = 1, 1, 1, 1, 2,  1, 1, 1, 1, 2,  1, 1, 1, 1, 0,  1, 1, 1, 1, 0 ;\n"
        "  surface_level = %s ;\n"
        "%s"
        "  landuse = 6, 1, 1, 1, 0,  1, 2, 3, 5, 0,  %s, 2, 2, 4, 0,  1, 2, 3, 4, 0 ;\n"
        "  district = 21001, 21001, 21001, 21001, 0,  21001, 21001, 21002, 21002, 0,"
        "  22001, 22001, 22002, 22002, 0,  22001, 22001, 22002, 22002, 0 ;\n"
        "  province = 21, 21, 21, 21, 0,  21, 21, 21, 21, 0,  22, 22, 22, 22, 0,"
        "  22, 22, 22, 22, 0 ;\n"
        "  gw_depth_init = 0, 0.5, 0.5, 0.5, 0,  0.8, 0.8, 1.0, 1.0, 0,  1.2, 1.2, 1.5,"
        " 1.5, 0,  2, 2, 2, 2, 0 ;\n"
        "  sprinkling_source = 0, 0, 0, 0, 0,  0, 1, 1, 0, 0,  0, 2, 2, 0, 0,  0, 2, 2, 0, 0 ;\n"
        "%s"
        "}\n",
        NX, NY, v == DOM_WGS84 ? "latitude_longitude" : "oblique_stereographic", wkt,
        v == DOM_NO_SOIL ? ""
        : v == DOM_SOIL_1D
            ? "  ubyte soil(x) ;\n"
            : "  ubyte soil(y, x) ;\n    soil:grid_mapping = \"crs\" ;\n",
        v == DOM_GW ? gw_defs : "", surface,
        v == DOM_NO_SOIL ? ""
        : v == DOM_SOIL_1D
            ? "  soil = 1, 1, 2, 2, 3 ;\n"
            : "  soil = 0, 1, 1, 1, 0,  2, 2, 2, 2, 0,  3, 3, 3, 3, 0,  3, 3, 3, 3, 0 ;\n",
        v == DOM_BAD_LANDUSE ? "9" : "1", v == DOM_GW ? gw_data : "");
    write_cdl_and_gen(dir, name, cdl);
}

/* Gridded forcing on the fixture grid, 10 days from 2018-06-01.
 * neg: one negative P; skip: the time axis skips a day. */
static void make_forcing(const char *dir, const char *name, int neg, int skip)
{
    static char cdl[16384];
    char wkt[2048], pvals[4096] = "", evals[4096] = "";
    int t, k;
    cdl_escape(io_rdnew_wkt, wkt, sizeof wkt);
    for (t = 0; t < 10; t++) {
        for (k = 0; k < NX * NY; k++) {
            char buf[32];
            double p = (t % 3 == 0) ? 4.0 + 0.1 * k : 0.0;
            if (neg && t == 4 && k == 6) {
                p = -1.0;
            }
            snprintf(buf, sizeof buf, "%s%.1f", (t || k) ? ", " : "", p);
            strcat(pvals, buf);
            snprintf(buf, sizeof buf, "%s%.1f", (t || k) ? ", " : "", 3.0 + 0.2 * t);
            strcat(evals, buf);
        }
    }
    snprintf(cdl, sizeof cdl,
             "netcdf forcing {\n"
             "dimensions:\n  time = 10 ;\n  x = %d ;\n  y = %d ;\n"
             "variables:\n"
             "  double time(time) ;\n    time:units = \"days since 2018-06-01\" ;\n"
             "    time:calendar = \"standard\" ;\n"
             "  double x(x) ;\n    x:standard_name = \"projection_x_coordinate\" ;\n"
             "    x:units = \"m\" ;\n"
             "  double y(y) ;\n    y:standard_name = \"projection_y_coordinate\" ;\n"
             "    y:units = \"m\" ;\n"
             "  int crs ;\n    crs:grid_mapping_name = \"oblique_stereographic\" ;\n"
             "    crs:crs_wkt = \"%s\" ;\n"
             "  float P(time, y, x) ;\n    P:units = \"mm d-1\" ;\n    P:grid_mapping = \"crs\" ;\n"
             "  float ET0(time, y, x) ;\n    ET0:units = \"mm d-1\" ;\n"
             "    ET0:grid_mapping = \"crs\" ;\n"
             "data:\n"
             "  time = 0, 1, 2, 3, 4, 5, 6, 7, 8, %d ;\n"
             "  x = 200125, 200375, 200625, 200875, 201125 ;\n"
             "  y = 550125, 550375, 550625, 550875 ;\n"
             "  crs = 0 ;\n"
             "  P = %s ;\n"
             "  ET0 = %s ;\n"
             "}\n",
             NX, NY, wkt, skip ? 10 : 9, pvals, evals);
    write_cdl_and_gen(dir, name, cdl);
}

static char params_abs[1024];

/* Write a scenario into dir/name with the given extra text. */
static void make_scenario(const char *dir, const char *name, const char *run, const char *input,
                          const char *output)
{
    char path[512], text[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    snprintf(text, sizeof text,
             "[run]\nname = \"cli\"\n%s\n"
             "[input]\nparameters = \"%s\"\n%s\n"
             "[output]\ndir = \"out\"\naggregation = \"day\"\n%s\n",
             run ? run : "start = 2018-06-01\nend = 2018-06-10", params_abs,
             input ? input : "domain = \"domain.nc\"\nforcing = \"forcing.nc\"",
             output ? output : "variables = [\"P\", \"ETact\", \"recharge\"]");
    ck_assert_int_eq(tu_write(path, text), 0);
}

static void setup_base(void)
{
    char cwd[900], err[2048];
    if (!getcwd(cwd, sizeof cwd)) {
        abort();
    }
    snprintf(params_abs, sizeof params_abs, "%s/scenarios/params/default.ini", cwd);
    if (tu_run("rm -rf " BASE " && mkdir -p " BASE, NULL, 0, err, sizeof err) != 0) {
        abort();
    }
}

/* ---- the corpus ---------------------------------------------------------- */

/* The program under test as an absolute path (tests cd into case folders). */
static const char *zoet_abs(void)
{
    static char buf[1200];
    char cwd[900];
    const char *z = tu_zoet();
    if (z[0] == '/') {
        return z;
    }
    if (!getcwd(cwd, sizeof cwd)) {
        abort();
    }
    snprintf(buf, sizeof buf, "%s/%s", cwd, z);
    return buf;
}

/*
 * Run `zoet ARGS` in folder dir; assert exit status 2, exactly one line on
 * stderr containing each of the expected strings, and no output that looks
 * complete in dir/out.
 */
static void expect_bad(const char *dir, const char *args, const char *e1, const char *e2,
                       const char *e3)
{
    char cmd[2048], err[4096], out[8192];
    int rc;

    snprintf(cmd, sizeof cmd, "cd %s && %s %s", dir, zoet_abs(), args);
    rc = tu_run(cmd, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 2, "`%s`: exit %d, expected 2; stderr: %s", args, rc, err);
    ck_assert_msg(tu_count_lines(err) == 1, "`%s`: expected one line on stderr, got: %s", args,
                  err);
    ck_assert_msg(!e1 || strstr(err, e1), "`%s`: message lacks '%s': %s", args, e1, err);
    ck_assert_msg(!e2 || strstr(err, e2), "`%s`: message lacks '%s': %s", args, e2, err);
    ck_assert_msg(!e3 || strstr(err, e3), "`%s`: message lacks '%s': %s", args, e3, err);
    snprintf(cmd, sizeof cmd,
             "cd %s && ls out 2>/dev/null | grep -E '\\.(nc|csv|part)$' || true", dir);
    tu_run(cmd, out, sizeof out, NULL, 0);
    ck_assert_msg(out[0] == '\0', "`%s`: left output behind: %s", args, out);
}

/* A fresh case folder with the good fixtures in it. */
static const char *case_dir(const char *tag)
{
    static char dir[512];
    char cmd[1200];
    snprintf(dir, sizeof dir, BASE "/%s", tag);
    snprintf(cmd, sizeof cmd, "rm -rf %s && mkdir -p %s", dir, dir);
    ck_assert_int_eq(tu_run(cmd, NULL, 0, NULL, 0), 0);
    make_domain(dir, "domain", DOM_OK);
    make_forcing(dir, "forcing", 0, 0);
    return dir;
}

/* Every relative error of balance.csv within tol; returns the number of days. */
static int check_balance(const char *dir, double tol)
{
    char path[600];
    double rel = 1.0;
    int n;
    snprintf(path, sizeof path, "%s/out/balance.csv", dir);
    n = tu_balance_days(path, &rel);
    ck_assert_msg(n > 0, "%s: no balance", path);
    ck_assert_msg(rel <= tol, "%s: relative balance error %g > %g", path, rel, tol);
    return n;
}

START_TEST(good_run_closes_balance)
{
    const char *d = case_dir("good");
    char cmd[1200], out[8192], err[4096], path[600];
    int rc;

    make_scenario(d, "s.ini", NULL, NULL, NULL);
    snprintf(cmd, sizeof cmd, "cd %s && %s run s.ini --quiet", d, zoet_abs());
    rc = tu_run(cmd, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 0, "run failed (%d): %s", rc, err);
    snprintf(path, sizeof path, "%s/out/grids_day.nc", d);
    ck_assert(tu_exists(path));
    snprintf(path, sizeof path, "%s/out/districts.csv", d);
    ck_assert(tu_exists(path));
    /* header + 10 days, every relative error within 1e-9 (the root zone
       alone: exact) */
    ck_assert_int_eq(check_balance(d, 1e-9), 10);
}
END_TEST

/* The fixture's district table. */
static void make_districts(const char *dir)
{
    char path[600];
    snprintf(path, sizeof path, "%s/districts.ini", dir);
    ck_assert_int_eq(
        tu_write(path, "[district.21001]\nname = \"a\"\nprovince = 21\nsummer_level = -1.5\n"
                       "winter_level = -1.6\nopen_water_fraction = 0.08\n"
                       "pump_capacity_mm_d = 12.0\nflushing_m3s = 0.0\n"
                       "[district.21002]\nname = \"b\"\nprovince = 21\nsummer_level = -0.8\n"
                       "winter_level = -0.9\nopen_water_fraction = 0.04\n"
                       "pump_capacity_mm_d = 12.0\nflushing_m3s = 0.01\n"
                       "[district.22001]\nname = \"c\"\nprovince = 22\nsummer_level = 0.0\n"
                       "winter_level = -0.2\nopen_water_fraction = 0.02\n"
                       "pump_capacity_mm_d = 12.0\nflushing_m3s = 0.0\n"
                       "[district.22002]\nname = \"d\"\nprovince = 22\nsummer_level = 1.5\n"
                       "winter_level = 1.3\nopen_water_fraction = 0.02\n"
                       "pump_capacity_mm_d = 12.0\nflushing_m3s = 0.0\n"),
        0);
}

/* The coupled model on the fixture: runs, closes its balance, writes heads. */
START_TEST(coupled_run_closes_balance)
{
    const char *d = case_dir("coupled");
    char cmd[1200], err[4096], path[600];
    make_domain(d, "gwdomain", DOM_GW);
    make_districts(d);
    make_scenario(d, "s.ini", NULL,
                  "domain = \"gwdomain.nc\"\nforcing = \"forcing.nc\"\n"
                  "districts = \"districts.ini\"",
                  "variables = [\"P\", \"head\", \"gw_depth\", \"seepage\", "
                  "\"inlet_demand\"]");
    snprintf(cmd, sizeof cmd, "cd %s && %s run s.ini --quiet", d, zoet_abs());
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "coupled run failed: %s", err);
    ck_assert_int_eq(check_balance(d, 1e-6), 10);
    snprintf(path, sizeof path, "%s/out/grids_day.nc", d);
    ck_assert(tu_exists(path));
}
END_TEST

/* Groundwater-only mode: recharge from a file, ditch levels at target. */
START_TEST(groundwater_mode_closes_balance)
{
    const char *d = case_dir("gw-mode");
    char cmd[2400], err[4096];
    make_domain(d, "gwdomain", DOM_GW);
    make_districts(d);
    /* a recharge file: the forcing fixture's P renamed, in mm/d, minus 1.5 */
    snprintf(cmd, sizeof cmd,
             "cd %s && sed -e 's/float P(/float recharge(/; s/ P:/ recharge:/g; "
             "s/^  P = /  recharge = /' -e '/ET0/d' forcing.cdl > recharge.cdl && "
             "ncgen -k nc4 -o recharge.nc recharge.cdl",
             d);
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "recharge fixture: %s", err);
    make_scenario(d, "s.ini", "start = 2018-06-01\nend = 2018-06-10\nmode = \"groundwater\"",
                  "domain = \"gwdomain.nc\"\nrecharge = \"recharge.nc\"\n"
                  "districts = \"districts.ini\"",
                  "variables = [\"recharge\", \"head\", \"drain_ditch\", \"seepage\"]");
    snprintf(cmd, sizeof cmd, "cd %s && %s run s.ini --quiet", d, zoet_abs());
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "groundwater run failed: %s", err);
    ck_assert_int_eq(check_balance(d, 1e-6), 10);
}
END_TEST

/* A small supply network on the fixture: a source behind a narrow link
 * (0.01 m3/s) to the node all four districts hang from. */
static void make_network(const char *dir, const char *extra)
{
    char path[600], text[2048];
    snprintf(path, sizeof path, "%s/net.ini", dir);
    snprintf(text, sizeof text,
             "[node.ijsselmeer]\n[node.boezem]\nparent = \"ijsselmeer\"\ncapacity_m3s = 0.01\n"
             "ijsselmeer_inlet = true\n[attach.all]\nnode = \"boezem\"\n"
             "[user.lock]\nnode = \"boezem\"\nclass = \"4\"\nkind = \"constant\"\n"
             "demand_m3s = 0.005\n%s",
             extra ? extra : "");
    ck_assert_int_eq(tu_write(path, text), 0);
}

/* A case folder with the fixture domain, districts, the small network
 * (with extra text) and a scenario s.ini naming it (with extra input text). */
static const char *supply_case(const char *tag, const char *net_extra, const char *input_extra,
                               const char *output)
{
    const char *d = case_dir(tag);
    char input[1024];
    make_domain(d, "gwdomain", DOM_GW);
    make_districts(d);
    make_network(d, net_extra);
    snprintf(input, sizeof input,
             "domain = \"gwdomain.nc\"\nforcing = \"forcing.nc\"\n"
             "districts = \"districts.ini\"\nnetwork = \"net.ini\"\n%s",
             input_extra ? input_extra : "");
    make_scenario(d, "s.ini", NULL, input, output);
    return d;
}

/* The coupled model with the supply network: runs, closes its balance,
 * writes the accounting; the link never carries more than its capacity. */
START_TEST(supply_run_closes_balance)
{
    const char *d = supply_case("supply", NULL, "[supply]\nijsselmeer_factor = 0.5",
                                "variables = [\"P\"]");
    char cmd[1200], err[4096], path[600];
    snprintf(cmd, sizeof cmd, "cd %s && %s run s.ini --quiet", d, zoet_abs());
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "supply run failed: %s", err);
    ck_assert_int_eq(check_balance(d, 1e-6), 10);
    snprintf(path, sizeof path, "%s/out/supply_nodes.csv", d);
    char *nodes = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(nodes);
    /* boezem rows: flow <= 0.005 m3/s (0.01 x factor 0.5), capacity 0.005 */
    int rows = 0;
    for (const char *q = strstr(nodes, ",boezem,"); q; q = strstr(q + 1, ",boezem,")) {
        double flow = strtod(q + 8, NULL);
        ck_assert_msg(flow <= 0.005 * (1.0 + 1e-6), "flow %g over the capacity", flow);
        ck_assert_ptr_nonnull(strstr(q, ",0.005,"));
        rows++;
    }
    ck_assert_int_eq(rows, 10);
    free(nodes);
    snprintf(path, sizeof path, "%s/out/supply_regions.csv", d);
    ck_assert(tu_exists(path));
}
END_TEST

START_TEST(bad_network_unknown_node)
{
    const char *d = supply_case("net-unknown-node",
                                "[user.x]\nnode = \"nowhere\"\nclass = \"3\"\n"
                                "kind = \"constant\"\ndemand_m3s = 1.0\n",
                                NULL, NULL);
    expect_bad(d, "run s.ini", "net.ini:", "[user.x] node", "no node named \"nowhere\"");
}
END_TEST

START_TEST(bad_network_district_not_attached)
{
    const char *d = case_dir("net-not-attached");
    char path[600];
    make_domain(d, "gwdomain", DOM_GW);
    make_districts(d);
    snprintf(path, sizeof path, "%s/net.ini", d);
    ck_assert_int_eq(tu_write(path, "[node.ijsselmeer]\n[node.boezem]\nparent = \"ijsselmeer\"\n"
                                    "[attach.fryslan]\nprovince = 21\nnode = \"boezem\"\n"),
                     0);
    make_scenario(d, "s.ini", NULL,
                  "domain = \"gwdomain.nc\"\nforcing = \"forcing.nc\"\n"
                  "districts = \"districts.ini\"\nnetwork = \"net.ini\"",
                  NULL);
    expect_bad(d, "run s.ini", "net.ini", "district 22001", "province 22");
}
END_TEST

START_TEST(bad_ijsselmeer_series_missing)
{
    const char *d = supply_case("net-series-missing", NULL,
                                "[supply]\nijsselmeer_series = \"nothere.csv\"", NULL);
    expect_bad(d, "run s.ini", "nothere.csv", "cannot open", NULL);
}
END_TEST

START_TEST(bad_coupled_without_gw_fields)
{
    const char *d = case_dir("coupled-no-gw");
    make_districts(d);
    make_scenario(d, "s.ini", NULL,
                  "domain = \"domain.nc\"\nforcing = \"forcing.nc\"\n"
                  "districts = \"districts.ini\"",
                  NULL);
    expect_bad(d, "run s.ini", "domain.nc", "kd", NULL);
}
END_TEST

START_TEST(bad_district_missing_in_table)
{
    const char *d = case_dir("district-missing");
    char path[600];
    make_domain(d, "gwdomain", DOM_GW);
    snprintf(path, sizeof path, "%s/districts.ini", d);
    ck_assert_int_eq(tu_write(path, "[district.21001]\nname = \"a\"\nprovince = 21\n"
                                    "summer_level = -1.5\nwinter_level = -1.6\n"
                                    "open_water_fraction = 0.08\npump_capacity_mm_d = 12.0\n"
                                    "flushing_m3s = 0.0\n"),
                     0);
    make_scenario(d, "s.ini", NULL,
                  "domain = \"gwdomain.nc\"\nforcing = \"forcing.nc\"\n"
                  "districts = \"districts.ini\"",
                  NULL);
    expect_bad(d, "run s.ini", "districts.ini", "21002", NULL);
}
END_TEST

START_TEST(bad_missing_scenario)
{
    const char *d = case_dir("missing-scenario");
    expect_bad(d, "run nothere.ini", "nothere.ini", NULL, NULL);
}
END_TEST

START_TEST(bad_unknown_key)
{
    const char *d = case_dir("unknown-key");
    make_scenario(d, "s.ini", "start = 2018-06-01\nend = 2018-06-10\nbogus_key = 3", NULL, NULL);
    expect_bad(d, "run s.ini", "s.ini:5", "bogus_key", NULL);
}
END_TEST

START_TEST(bad_unknown_section)
{
    const char *d = case_dir("unknown-section");
    make_scenario(d, "s.ini", "start = 2018-06-01\nend = 2018-06-10\n[nonsense]\na = 1", NULL,
                  NULL);
    expect_bad(d, "run s.ini", "s.ini", "nonsense", NULL);
}
END_TEST

START_TEST(bad_value)
{
    const char *d = case_dir("bad-value");
    {
        char path[600], text[4096];
        snprintf(path, sizeof path, "%s/s.ini", d);
        snprintf(text, sizeof text,
                 "[run]\nname = \"cli\"\nstart = 2018-06-01\nend = 2018-06-10\n"
                 "[input]\nparameters = \"%s\"\ndomain = \"domain.nc\"\nforcing = "
                 "\"forcing.nc\"\n[output]\ndir = \"out\"\naggregation = \"weekly\"\n",
                 params_abs);
        ck_assert_int_eq(tu_write(path, text), 0);
    }
    expect_bad(d, "run s.ini", "s.ini:11", "aggregation", NULL);
}
END_TEST

START_TEST(bad_extends_cycle)
{
    const char *d = case_dir("extends-cycle");
    char a[600], b[600];
    snprintf(a, sizeof a, "%s/a.ini", d);
    snprintf(b, sizeof b, "%s/b.ini", d);
    ck_assert_int_eq(tu_write(a, "extends = \"b.ini\"\n[run]\nname = \"a\"\n"), 0);
    ck_assert_int_eq(tu_write(b, "extends = \"a.ini\"\n[run]\nname = \"b\"\n"), 0);
    expect_bad(d, "run a.ini", "a.ini", "extends", "cycle");
}
END_TEST

START_TEST(bad_start_after_end)
{
    const char *d = case_dir("start-after-end");
    make_scenario(d, "s.ini", "start = 2018-06-10\nend = 2018-06-01", NULL, NULL);
    expect_bad(d, "run s.ini", "s.ini:4", "end", NULL);
}
END_TEST

START_TEST(bad_dates_outside_forcing)
{
    const char *d = case_dir("dates-outside");
    make_scenario(d, "s.ini", "start = 2018-05-30\nend = 2018-06-10", NULL, NULL);
    expect_bad(d, "run s.ini", "forcing.nc", "2018-05-30", NULL);
}
END_TEST

START_TEST(bad_missing_domain)
{
    const char *d = case_dir("missing-domain");
    make_scenario(d, "s.ini", NULL, "domain = \"nothere.nc\"\nforcing = \"forcing.nc\"", NULL);
    expect_bad(d, "run s.ini", "nothere.nc", NULL, NULL);
}
END_TEST

START_TEST(bad_not_netcdf)
{
    const char *d = case_dir("not-netcdf");
    char path[600];
    snprintf(path, sizeof path, "%s/text.nc", d);
    ck_assert_int_eq(tu_write(path, "this is not a NetCDF file\n"), 0);
    make_scenario(d, "s.ini", NULL, "domain = \"text.nc\"\nforcing = \"forcing.nc\"", NULL);
    expect_bad(d, "run s.ini", "text.nc", NULL, NULL);
}
END_TEST

START_TEST(bad_missing_variable)
{
    const char *d = case_dir("missing-variable");
    make_domain(d, "nosoil", DOM_NO_SOIL);
    make_scenario(d, "s.ini", NULL, "domain = \"nosoil.nc\"\nforcing = \"forcing.nc\"", NULL);
    expect_bad(d, "run s.ini", "nosoil.nc", "soil", NULL);
}
END_TEST

START_TEST(bad_wrong_dimensions)
{
    const char *d = case_dir("wrong-dims");
    make_domain(d, "soil1d", DOM_SOIL_1D);
    make_scenario(d, "s.ini", NULL, "domain = \"soil1d.nc\"\nforcing = \"forcing.nc\"", NULL);
    expect_bad(d, "run s.ini", "soil1d.nc", "soil", NULL);
}
END_TEST

START_TEST(bad_mismatched_grids)
{
    const char *d = case_dir("mismatched-grids");
    char cmd[1200];
    /* a forcing file on another grid: shift x by one cell */
    snprintf(cmd, sizeof cmd,
             "sed -e 's/x = 200125, 200375, 200625, 200875, 201125/x = 200375, 200625, 200875, "
             "201125, 201375/' %s/forcing.cdl > %s/shifted.cdl && ncgen -k nc4 -o %s/shifted.nc "
             "%s/shifted.cdl",
             d, d, d, d);
    ck_assert_int_eq(tu_run(cmd, NULL, 0, NULL, 0), 0);
    make_scenario(d, "s.ini", NULL, "domain = \"domain.nc\"\nforcing = \"shifted.nc\"", NULL);
    expect_bad(d, "run s.ini", "shifted.nc", "grid", NULL);
}
END_TEST

START_TEST(bad_wrong_crs)
{
    const char *d = case_dir("wrong-crs");
    make_domain(d, "wgs", DOM_WGS84);
    make_scenario(d, "s.ini", NULL, "domain = \"wgs.nc\"\nforcing = \"forcing.nc\"", NULL);
    expect_bad(d, "run s.ini", "wgs.nc", "28992", NULL);
}
END_TEST

START_TEST(bad_nan_active)
{
    const char *d = case_dir("nan-active");
    make_domain(d, "nan", DOM_NAN);
    make_scenario(d, "s.ini", NULL, "domain = \"nan.nc\"\nforcing = \"forcing.nc\"", NULL);
    expect_bad(d, "run s.ini", "nan.nc", "surface_level", NULL);
}
END_TEST

START_TEST(bad_fill_active)
{
    const char *d = case_dir("fill-active");
    make_domain(d, "fill", DOM_FILL);
    make_scenario(d, "s.ini", NULL, "domain = \"fill.nc\"\nforcing = \"forcing.nc\"", NULL);
    expect_bad(d, "run s.ini", "fill.nc", "surface_level", NULL);
}
END_TEST

START_TEST(bad_landuse_code)
{
    const char *d = case_dir("landuse-code");
    make_domain(d, "lu", DOM_BAD_LANDUSE);
    make_scenario(d, "s.ini", NULL, "domain = \"lu.nc\"\nforcing = \"forcing.nc\"", NULL);
    expect_bad(d, "run s.ini", "lu.nc", "landuse", NULL);
}
END_TEST

START_TEST(bad_negative_precipitation)
{
    const char *d = case_dir("negative-p");
    make_forcing(d, "negp", 1, 0);
    make_scenario(d, "s.ini", NULL, "domain = \"domain.nc\"\nforcing = \"negp.nc\"", NULL);
    expect_bad(d, "run s.ini", "negp.nc", "P", "2018-06-05");
}
END_TEST

START_TEST(bad_missing_days)
{
    const char *d = case_dir("missing-days");
    make_forcing(d, "gap", 0, 1);
    make_scenario(d, "s.ini", NULL, "domain = \"domain.nc\"\nforcing = \"gap.nc\"", NULL);
    expect_bad(d, "run s.ini", "gap.nc", "2018-06-10", NULL);
}
END_TEST

START_TEST(bad_unknown_output_variable)
{
    const char *d = case_dir("unknown-variable");
    make_scenario(d, "s.ini", NULL, NULL, "variables = [\"P\", \"rainfall\"]");
    expect_bad(d, "run s.ini", "s.ini:12", "rainfall", NULL);
}
END_TEST

START_TEST(bad_unwritable_output)
{
    const char *d = case_dir("unwritable");
    char path[600];
    snprintf(path, sizeof path, "%s/afile", d);
    ck_assert_int_eq(tu_write(path, "a file, not a folder\n"), 0);
    make_scenario(d, "s.ini", NULL, NULL, NULL);
    expect_bad(d, "run s.ini --out afile/sub", "afile/sub", NULL, NULL);
}
END_TEST

START_TEST(bad_missing_parameters)
{
    const char *d = case_dir("missing-params");
    char path[600], text[2048];
    snprintf(path, sizeof path, "%s/s.ini", d);
    snprintf(text, sizeof text,
             "[run]\nname = \"cli\"\nstart = 2018-06-01\nend = 2018-06-10\n"
             "[input]\nparameters = \"noparams.ini\"\ndomain = \"domain.nc\"\nforcing = "
             "\"forcing.nc\"\n[output]\ndir = \"out\"\n");
    ck_assert_int_eq(tu_write(path, text), 0);
    expect_bad(d, "run s.ini", "noparams.ini", NULL, NULL);
}
END_TEST

START_TEST(bad_parameter_value)
{
    const char *d = case_dir("bad-param");
    char path[600], text[2048];
    snprintf(path, sizeof path, "%s/p.ini", d);
    snprintf(text, sizeof text,
             "extends = \"%s\"\n[soil.sand]\navailable_water_mm_per_m = -40\n", params_abs);
    ck_assert_int_eq(tu_write(path, text), 0);
    snprintf(path, sizeof path, "%s/s.ini", d);
    snprintf(text, sizeof text,
             "[run]\nname = \"cli\"\nstart = 2018-06-01\nend = 2018-06-10\n"
             "[input]\nparameters = \"p.ini\"\ndomain = \"domain.nc\"\nforcing = "
             "\"forcing.nc\"\n[output]\ndir = \"out\"\n");
    ck_assert_int_eq(tu_write(path, text), 0);
    expect_bad(d, "run s.ini", "p.ini:3", "available_water_mm_per_m", NULL);
}
END_TEST

START_TEST(bad_knmi_row)
{
    const char *d = case_dir("knmi-row");
    char path[600];
    snprintf(path, sizeof path, "%s/etmgeg_270.csv", d);
    ck_assert_int_eq(tu_write(path, "STN,YYYYMMDD,RH,EV24\n"
                                    "270,20180601,0,41\n"
                                    "270,20180602,12,3x\n"
                                    "270,20180603,0,45\n"),
                     0);
    snprintf(path, sizeof path, "%s/stations.csv", d);
    ck_assert_int_eq(tu_write(path, "STN,name,lat,lon\n270,Leeuwarden,53.224,5.752\n"), 0);
    expect_bad(d, "forcing knmi etmgeg_270.csv --stations stations.csv -o out/f.nc",
               "etmgeg_270.csv:3", NULL, NULL);
}
END_TEST

START_TEST(bad_knmi_missing_day)
{
    const char *d = case_dir("knmi-missing-day");
    char path[600];
    snprintf(path, sizeof path, "%s/etmgeg_270.csv", d);
    ck_assert_int_eq(tu_write(path, "STN,YYYYMMDD,RH,EV24\n"
                                    "270,20180601,0,41\n"
                                    "270,20180602,,35\n"
                                    "270,20180603,0,45\n"),
                     0);
    snprintf(path, sizeof path, "%s/stations.csv", d);
    ck_assert_int_eq(tu_write(path, "STN,name,lat,lon\n270,Leeuwarden,53.224,5.752\n"), 0);
    expect_bad(d, "forcing knmi etmgeg_270.csv --stations stations.csv -o out/f.nc", "270",
               "2018-06-02", NULL);
}
END_TEST

START_TEST(bad_command_line)
{
    const char *d = case_dir("command-line");
    make_scenario(d, "s.ini", NULL, NULL, NULL);
    expect_bad(d, "run s.ini --threads zero", "--threads", NULL, NULL);
}
END_TEST

/* ---- bad inputs of issue 11, item 6 ---------------------------------------- */

/*
 * dir/to.nc (and to.cdl) from the fixture dir/from.cdl through a sed script:
 * a variant with one bad value. The sed must change the file, else the
 * variant would be the good fixture and the case could not fail as meant.
 */
static void variant(const char *dir, const char *from, const char *to, const char *sed)
{
    char cmd[2400], err[2048];
    snprintf(cmd, sizeof cmd,
             "cd %s && sed -e '%s' %s.cdl > %s.cdl && ! cmp -s %s.cdl %s.cdl && "
             "ncgen -k nc4 -o %s.nc %s.cdl",
             dir, sed, from, to, from, to, to, to);
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "variant %s (%s): %s", to, sed,
                  err);
}

/* A case with the groundwater domain and the district table (coupled run). */
static const char *coupled_case(const char *tag)
{
    const char *d = case_dir(tag);
    make_domain(d, "gwdomain", DOM_GW);
    make_districts(d);
    return d;
}

/* The KNMI CSV of Leeuwarden for the fixture's ten days, RH of 2018-06-03
 * given, and the stations file. */
static void make_knmi(const char *dir, const char *rh3)
{
    char path[600], text[1024];
    snprintf(path, sizeof path, "%s/etmgeg_270.csv", dir);
    snprintf(text, sizeof text,
             "STN,YYYYMMDD,RH,EV24\n270,20180601,0,41\n270,20180602,12,35\n"
             "270,20180603,%s,45\n270,20180604,0,50\n270,20180605,3,38\n270,20180606,0,44\n"
             "270,20180607,0,47\n270,20180608,25,30\n270,20180609,0,41\n270,20180610,0,52\n",
             rh3);
    ck_assert_int_eq(tu_write(path, text), 0);
    snprintf(path, sizeof path, "%s/stations.csv", dir);
    ck_assert_int_eq(tu_write(path, "STN,name,lat,lon\n270,Leeuwarden,53.224,5.752\n"), 0);
}

START_TEST(bad_knmi_from_after_to)
{
    const char *d = case_dir("knmi-from-after-to");
    make_knmi(d, "0");
    expect_bad(d,
               "forcing knmi etmgeg_270.csv --stations stations.csv --from 2018-12-01 "
               "--to 2018-01-01 -o out/f.nc",
               "out/f.nc", "--from 2018-12-01 is after --to 2018-01-01", NULL);
}
END_TEST

START_TEST(bad_forcing_p_range)
{
    const char *d = case_dir("p-range");
    variant(d, "forcing", "bigp", "s/^  P = 4.0,/  P = 5000,/");
    make_scenario(d, "s.ini", NULL, "domain = \"domain.nc\"\nforcing = \"bigp.nc\"", NULL);
    expect_bad(d, "run s.ini", "bigp.nc: P on 2018-06-01 at row 0, column 0",
               "5000 mm d-1", "accepted range [0, 500] mm d-1");
}
END_TEST

START_TEST(bad_forcing_et0_range)
{
    const char *d = case_dir("et0-range");
    variant(d, "forcing", "bige", "s/^  ET0 = 3.0,/  ET0 = 1e6,/");
    make_scenario(d, "s.ini", NULL, "domain = \"domain.nc\"\nforcing = \"bige.nc\"", NULL);
    expect_bad(d, "run s.ini", "bige.nc: ET0 on 2018-06-01", "1e+06 mm d-1",
               "accepted range [0, 20] mm d-1");
}
END_TEST

/* +Inf tripped an assert (exit 134) and left a .part file. */
START_TEST(bad_forcing_infinite)
{
    const char *d = case_dir("p-inf");
    variant(d, "forcing", "infp", "s/^  P = 4.0, 4.1,/  P = 4.0, Infinity,/");
    make_scenario(d, "s.ini", NULL, "domain = \"domain.nc\"\nforcing = \"infp.nc\"", NULL);
    expect_bad(d, "run s.ini", "infp.nc: P on 2018-06-01 at row 0, column 1 (x 200375, y 550125",
               "inf mm d-1", "accepted range");
    variant(d, "forcing", "infe", "s/^  ET0 = 3.0, 3.0,/  ET0 = 3.0, Infinity,/");
    make_scenario(d, "s.ini", NULL, "domain = \"domain.nc\"\nforcing = \"infe.nc\"", NULL);
    expect_bad(d, "run s.ini", "infe.nc: ET0 on 2018-06-01 at row 0, column 1", "inf mm d-1",
               NULL);
}
END_TEST

START_TEST(bad_station_p_range)
{
    const char *d = case_dir("station-p-range");
    char cmd[1200], err[2048];
    make_knmi(d, "50000");
    snprintf(cmd, sizeof cmd,
             "cd %s && %s forcing knmi etmgeg_270.csv --stations stations.csv -o st.nc", d,
             zoet_abs());
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "import: %s", err);
    make_scenario(d, "s.ini", NULL, "domain = \"domain.nc\"\nforcing = \"st.nc\"", NULL);
    expect_bad(d, "run s.ini", "st.nc: P of station 270 on 2018-06-03 is 5000 mm d-1",
               "accepted range [0, 500] mm d-1", NULL);
}
END_TEST

START_TEST(bad_recharge_range)
{
    const char *d = coupled_case("recharge-range");
    char cmd[1200], err[2048];
    snprintf(cmd, sizeof cmd,
             "cd %s && sed -e 's/float P(/float recharge(/; s/ P:/ recharge:/g; "
             "s/^  P = 4.0,/  recharge = 1e6,/' -e '/ET0/d' forcing.cdl > recharge.cdl && "
             "ncgen -k nc4 -o recharge.nc recharge.cdl",
             d);
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "recharge fixture: %s", err);
    make_scenario(d, "s.ini", "start = 2018-06-01\nend = 2018-06-10\nmode = \"groundwater\"",
                  "domain = \"gwdomain.nc\"\nrecharge = \"recharge.nc\"\n"
                  "districts = \"districts.ini\"",
                  "variables = [\"head\"]");
    expect_bad(d, "run s.ini", "recharge.nc: recharge on 2018-06-01", "1e+06 mm d-1",
               "accepted range [-25, 500] mm d-1");
}
END_TEST

/* Domain values a solver cannot use, each named with its accepted range. */
START_TEST(bad_domain_ranges)
{
    static const struct {
        const char *sed, *var, *range;
    } cases[] = {
        {"s/^  deep_head = -1.2,/  deep_head = 1e6,/", "variable deep_head: value 1e+06",
         "[-20, 400] m NAP"},
        {"s/^  kd = 20,/  kd = 1e30,/", "variable kd: value 1e+30", "[0.001, 100000] m2 d-1"},
        {"s/^  seepage_resistance = 1000,/  seepage_resistance = 1e-30,/",
         "variable seepage_resistance: value 1e-30", "[0.1, 1e+06] d"},
        {"s/^  ditch_resistance = 50,/  ditch_resistance = 1e-30,/",
         "variable ditch_resistance: value 1e-30", "[0.1, 1e+06] d"},
        {"s/^  trench_resistance = _, 30,/  trench_resistance = _, 1e-30,/",
         "variable trench_resistance: value 1e-30", "[0.1, 1e+06] d"},
        {"s/^  surface_level = -1.5,/  surface_level = 1500,/",
         "variable surface_level: value 1500", "[-20, 400] m NAP"},
    };
    const char *d = coupled_case("domain-ranges");
    size_t i;
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char name[32], input[256];
        snprintf(name, sizeof name, "bad%zu", i);
        variant(d, "gwdomain", name, cases[i].sed);
        snprintf(input, sizeof input,
                 "domain = \"%s.nc\"\nforcing = \"forcing.nc\"\ndistricts = \"districts.ini\"",
                 name);
        make_scenario(d, "s.ini", NULL, input, NULL);
        expect_bad(d, "run s.ini", cases[i].var, cases[i].range, ".nc");
    }
}
END_TEST

START_TEST(bad_district_level_range)
{
    const char *d = coupled_case("district-level");
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "cd %s && sed -i 's/^summer_level = -1.5/summer_level = 250/' districts.ini && "
             "grep -q 'summer_level = 250' districts.ini",
             d);
    ck_assert_int_eq(tu_run(cmd, NULL, 0, NULL, 0), 0);
    make_scenario(d, "s.ini", NULL,
                  "domain = \"gwdomain.nc\"\nforcing = \"forcing.nc\"\n"
                  "districts = \"districts.ini\"",
                  NULL);
    expect_bad(d, "run s.ini", "districts.ini:4: [district.21001] summer_level",
               "250 is outside the allowed range [-10, 100]", NULL);
}
END_TEST

/* "\u0000" cut the path silently: "domain.nc\u0000x" read as "domain.nc". */
START_TEST(bad_nul_in_string)
{
    const char *d = case_dir("nul-in-string");
    make_scenario(d, "s.ini", NULL,
                  "domain = \"domain.nc\\u0000.bak\"\nforcing = \"forcing.nc\"", NULL);
    expect_bad(d, "run s.ini", "s.ini:7: [input] domain", "NUL", NULL);
    make_scenario(d, "s.ini", NULL,
                  "domain = \"domain.nc\"\nforcing = \"forcing.nc\\U00000000\"", NULL);
    expect_bad(d, "run s.ini", "s.ini:8: [input] forcing", "NUL", NULL);
}
END_TEST

START_TEST(bad_time_zone)
{
    const char *d = case_dir("time-zone");
    char cmd[1200], err[2048];
    variant(d, "forcing", "tz",
            "s/days since 2018-06-01\"/days since 2018-06-01 00:00:00 +01:00\"/");
    make_scenario(d, "s.ini", NULL, "domain = \"domain.nc\"\nforcing = \"tz.nc\"", NULL);
    expect_bad(d, "run s.ini", "tz.nc: time: units", "offset +01:00 is not supported", "UTC");
    /* UTC spelled out is fine */
    variant(d, "forcing", "utc", "s/days since 2018-06-01\"/days since 2018-06-01T00:00:00Z\"/");
    make_scenario(d, "s.ini", NULL, "domain = \"domain.nc\"\nforcing = \"utc.nc\"", NULL);
    snprintf(cmd, sizeof cmd, "cd %s && %s check s.ini", d, zoet_abs());
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "Z refused: %s", err);
    variant(d, "forcing", "zero", "s/days since 2018-06-01\"/days since 2018-06-01 00:00 +00:00\"/");
    make_scenario(d, "s.ini", NULL, "domain = \"domain.nc\"\nforcing = \"zero.nc\"", NULL);
    ck_assert_msg(tu_run(cmd, NULL, 0, err, sizeof err) == 0, "+00:00 refused: %s", err);
}
END_TEST

/* A FIFO hung the forcing reader forever; folders and devices are refused too,
 * wherever a file is read. Each case has the 60 s timeout of the test case. */
START_TEST(bad_not_regular_inputs)
{
    static const struct {
        const char *input, *expect1, *expect2;
    } cases[] = {
        {"domain = \"domain.nc\"\nforcing = \"fifo\"", "fifo: the forcing file is a FIFO",
         "not a regular file"},
        {"domain = \"folder\"\nforcing = \"forcing.nc\"", "folder: is a folder",
         "not a regular file"},
        {"domain = \"domain.nc\"\nforcing = \"/dev/zero\"",
         "/dev/zero: the forcing file is a character device", NULL},
        {"domain = \"gwdomain.nc\"\nforcing = \"forcing.nc\"\ndistricts = \"fifo\"",
         "fifo: is a FIFO", NULL},
        {"domain = \"gwdomain.nc\"\nforcing = \"forcing.nc\"\ndistricts = \"districts.ini\"\n"
         "network = \"folder\"",
         "folder: is a folder", NULL},
        {"domain = \"gwdomain.nc\"\nforcing = \"forcing.nc\"\ndistricts = \"districts.ini\"\n"
         "network = \"net.ini\"\n[supply]\nijsselmeer_series = \"fifo\"",
         "[supply] ijsselmeer_series", "is a FIFO"},
    };
    const char *d = coupled_case("not-regular");
    char cmd[1200], path[600], text[1400];
    size_t i;
    snprintf(cmd, sizeof cmd, "cd %s && mkfifo fifo && mkdir folder", d);
    ck_assert_int_eq(tu_run(cmd, NULL, 0, NULL, 0), 0);
    make_network(d, NULL);
    for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        make_scenario(d, "s.ini", NULL, cases[i].input, NULL);
        expect_bad(d, "run s.ini", cases[i].expect1, cases[i].expect2, NULL);
    }
    /* the scenario, an extends and the parameters */
    expect_bad(d, "run fifo", "fifo: is a FIFO", NULL, NULL);
    expect_bad(d, "check folder", "folder: is a folder", NULL, NULL);
    snprintf(path, sizeof path, "%s/x.ini", d);
    ck_assert_int_eq(tu_write(path, "extends = \"fifo\"\n"), 0);
    expect_bad(d, "run x.ini", "x.ini:1: extends: fifo is a FIFO", NULL, NULL);
    snprintf(path, sizeof path, "%s/p.ini", d);
    snprintf(text, sizeof text,
             "[run]\nname = \"cli\"\nstart = 2018-06-01\nend = 2018-06-10\n"
             "[input]\nparameters = \"folder\"\ndomain = \"domain.nc\"\nforcing = "
             "\"forcing.nc\"\n[output]\ndir = \"out\"\n");
    ck_assert_int_eq(tu_write(path, text), 0);
    expect_bad(d, "run p.ini", "folder: is a folder", NULL, NULL);
    /* the KNMI import and the pictures */
    expect_bad(d, "forcing knmi fifo -o out/f.nc", "fifo: the KNMI file is a FIFO", NULL, NULL);
    expect_bad(d, "chart fifo --district 1 --var a -o out/c.svg",
               "fifo: the chart's CSV file is a FIFO", NULL, NULL);
    expect_bad(d, "map fifo P -o out/m.png", "fifo: the map's NetCDF file is a FIFO", NULL,
               NULL);
}
END_TEST

/* -o naming an existing folder left OUT.part behind. */
START_TEST(bad_chart_out_folder)
{
    const char *d = case_dir("chart-out-folder");
    char path[600], cmd[1200];
    snprintf(path, sizeof path, "%s/d.csv", d);
    ck_assert_int_eq(tu_write(path, "date,district,level\n2018-06-01,21001,-1.5\n"
                                    "2018-06-02,21001,-1.4\n"),
                     0);
    snprintf(cmd, sizeof cmd, "cd %s && mkdir -p out/c.svg", d);
    ck_assert_int_eq(tu_run(cmd, NULL, 0, NULL, 0), 0);
    expect_bad(d, "chart d.csv --district 21001 --var level -o out/c.svg",
               "out/c.svg: -o names a folder", NULL, NULL);
    snprintf(path, sizeof path, "%s/out/c.svg.part", d);
    ck_assert(!tu_exists(path));
}
END_TEST

/* `zoet map` draws with the default outlines beside the program (cases run
 * in another folder), takes --title and --no-outlines, and names an
 * outlines file that is not there. */
START_TEST(map_outlines_options)
{
    const char *d = case_dir("map-outlines");
    char cmd[2400], out[4096], err[4096], path[700];
    int rc;

    snprintf(cmd, sizeof cmd, "cd %s && mkdir out && %s map forcing.nc P --time 0 --title "
                              "'Rain, day 1' -o out/m.png",
             d, zoet_abs());
    rc = tu_run(cmd, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    snprintf(path, sizeof path, "%s/out/m.png.txt", d);
    {
        char *txt = tu_slurp(path, NULL);
        ck_assert_ptr_nonnull(txt);
        ck_assert_msg(strstr(txt, "title:     Rain, day 1\n") != NULL, "%s", txt);
        free(txt);
    }
    snprintf(cmd, sizeof cmd, "cd %s && %s map forcing.nc P --no-outlines -o out/n.png", d,
             zoet_abs());
    rc = tu_run(cmd, out, sizeof out, err, sizeof err);
    ck_assert_msg(rc == 0, "exit %d: %s", rc, err);
    expect_bad(d, "map forcing.nc P --outlines nosuch.geojson -o out/x.png", "nosuch.geojson",
               "outlines", NULL);
    snprintf(path, sizeof path, "%s/out/x.png", d);
    ck_assert(!tu_exists(path));
}
END_TEST

/* A message over 1,024 bytes lost its reason: a long path must not push it
 * out. The scenario sits five folders of 200 characters deep. */
START_TEST(bad_long_path_keeps_reason)
{
    const char *d = case_dir("long-path");
    char sub[1200] = "", cmd[2400], name[210];
    int i;
    memset(name, 'a', 200);
    name[200] = '\0';
    for (i = 0; i < 5; i++) {
        strcat(sub, name);
        strcat(sub, "/");
    }
    snprintf(cmd, sizeof cmd, "cd %s && mkdir -p %s", d, sub);
    ck_assert_int_eq(tu_run(cmd, NULL, 0, NULL, 0), 0);
    {
        char path[1800], text[2048];
        snprintf(path, sizeof path, "%s/%ss.ini", d, sub);
        snprintf(text, sizeof text,
                 "[run]\nname = \"cli\"\nstart = 2018-06-01\nend = 2018-06-10\n"
                 "[input]\nparameters = \"%s\"\ndomain = \"nothere.nc\"\nforcing = \"f.nc\"\n",
                 params_abs);
        ck_assert_int_eq(tu_write(path, text), 0);
    }
    snprintf(cmd, sizeof cmd, "run %ss.ini", sub);
    expect_bad(d, cmd, "nothere.nc: cannot open", "No such file or directory", "...");
}
END_TEST

START_TEST(help_of_every_command)
{
    const char *cmds[] = {"--help",         "run --help", "check --help", "demo --help",
                          "forcing --help", "map --help", "chart --help"};
    size_t i;
    for (i = 0; i < sizeof cmds / sizeof cmds[0]; i++) {
        char cmd[1200], out[8192];
        snprintf(cmd, sizeof cmd, "%s %s", tu_zoet(), cmds[i]);
        ck_assert_int_eq(tu_run(cmd, out, sizeof out, NULL, 0), 0);
        ck_assert_msg(strstr(out, "usage: zoet"), "%s: no usage", cmds[i]);
    }
}
END_TEST

Suite *suite_cli(void)
{
    Suite *s = suite_create("cli");
    TCase *tc = tcase_create("corpus");
    tcase_add_unchecked_fixture(tc, setup_base, NULL);
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, good_run_closes_balance);
    tcase_add_test(tc, coupled_run_closes_balance);
    tcase_add_test(tc, groundwater_mode_closes_balance);
    tcase_add_test(tc, supply_run_closes_balance);
    tcase_add_test(tc, bad_network_unknown_node);
    tcase_add_test(tc, bad_network_district_not_attached);
    tcase_add_test(tc, bad_ijsselmeer_series_missing);
    tcase_add_test(tc, bad_coupled_without_gw_fields);
    tcase_add_test(tc, bad_district_missing_in_table);
    tcase_add_test(tc, bad_missing_scenario);
    tcase_add_test(tc, bad_unknown_key);
    tcase_add_test(tc, bad_unknown_section);
    tcase_add_test(tc, bad_value);
    tcase_add_test(tc, bad_extends_cycle);
    tcase_add_test(tc, bad_start_after_end);
    tcase_add_test(tc, bad_dates_outside_forcing);
    tcase_add_test(tc, bad_missing_domain);
    tcase_add_test(tc, bad_not_netcdf);
    tcase_add_test(tc, bad_missing_variable);
    tcase_add_test(tc, bad_wrong_dimensions);
    tcase_add_test(tc, bad_mismatched_grids);
    tcase_add_test(tc, bad_wrong_crs);
    tcase_add_test(tc, bad_nan_active);
    tcase_add_test(tc, bad_fill_active);
    tcase_add_test(tc, bad_landuse_code);
    tcase_add_test(tc, bad_negative_precipitation);
    tcase_add_test(tc, bad_missing_days);
    tcase_add_test(tc, bad_unknown_output_variable);
    tcase_add_test(tc, bad_unwritable_output);
    tcase_add_test(tc, bad_missing_parameters);
    tcase_add_test(tc, bad_parameter_value);
    tcase_add_test(tc, bad_knmi_row);
    tcase_add_test(tc, bad_knmi_missing_day);
    tcase_add_test(tc, bad_command_line);
    tcase_add_test(tc, bad_knmi_from_after_to);
    tcase_add_test(tc, bad_forcing_p_range);
    tcase_add_test(tc, bad_forcing_et0_range);
    tcase_add_test(tc, bad_forcing_infinite);
    tcase_add_test(tc, bad_station_p_range);
    tcase_add_test(tc, bad_recharge_range);
    tcase_add_test(tc, bad_domain_ranges);
    tcase_add_test(tc, bad_district_level_range);
    tcase_add_test(tc, bad_nul_in_string);
    tcase_add_test(tc, bad_time_zone);
    tcase_add_test(tc, bad_not_regular_inputs);
    tcase_add_test(tc, bad_chart_out_folder);
    tcase_add_test(tc, map_outlines_options);
    tcase_add_test(tc, bad_long_path_keeps_reason);
    tcase_add_test(tc, help_of_every_command);
    suite_add_tcase(s, tc);
    return s;
}
