/*
 * test_peat.c: suite "peat", the groundwater statistics (core/core_gxg.c)
 * and the peat relations (core/core_peat.c).
 *
 * GxG on synthetic series with answers worked out by hand (written above
 * each check): a constant depth; a depth that grows by 1 cm a day from 1
 * April, so that the highest levels are the first three sample dates and
 * the lowest the last three; a leap year (29 February in the hydrological
 * and the calendar year); a run that starts in the middle of a year (which
 * periods are complete); a NaN cell. The relations at known points.
 * Tolerance 1e-12 m (a few additions of exact decimals). The peat tables of
 * a base run (driver/peat.c): read back as written, and a bad row is an
 * error naming file, line and column.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core_gxg.h"
#include "core_peat.h"
#include "peat.h"
#include "testutil.h"
#include "zt.h"

#define TOL 1e-12

/* Run cells 0 and 1 from `from` to `to`: depth(day) for cell 0; cell 1 NaN
 * when nan1, else 0.4. */
typedef double (*depth_fn)(zt_day day);

static core_gxg *run(zt_day from, zt_day to, depth_fn f, int nan1)
{
    core_gxg *g = NULL;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_int_eq(core_gxg_create(2, &g, &err), ZT_OK);
    for (zt_day d = from; d <= to; d++) {
        double depth[2] = {f(d), nan1 ? NAN : 0.4};
        core_gxg_day(g, d, depth);
    }
    return g;
}

static double constant(zt_day day)
{
    (void)day;
    return 0.5;
}

START_TEST(constant_depth)
{
    /* 0.5 m every day from 1 April 2016 to 31 March 2018: two complete
     * hydrological years, springs of 2017 (14 and 28 March, 14 April 2017)
     * only (2016's 14 March is before the run; 2018's 14 April after),
     * summers 2016 and 2017, calendar year 2017. Every statistic 0.5. */
    core_gxg *g = run(zt_day_from_ymd(2016, 4, 1), zt_day_from_ymd(2018, 3, 31), constant, 0);
    double ghg[2], glg[2], gvg[2], su[2], an[2];
    core_gxg_counts c;
    core_gxg_get(g, ghg, glg, gvg, su, an, &c);
    ck_assert_int_eq(c.hydro_years, 2);
    ck_assert_int_eq(c.spring_years, 1);
    ck_assert_int_eq(c.summers, 2);
    ck_assert_int_eq(c.years, 1);
    ck_assert_double_eq_tol(ghg[0], 0.5, TOL);
    ck_assert_double_eq_tol(glg[0], 0.5, TOL);
    ck_assert_double_eq_tol(gvg[0], 0.5, TOL);
    ck_assert_double_eq_tol(su[0], 0.5, TOL);
    ck_assert_double_eq_tol(an[0], 0.5, TOL);
    ck_assert_double_eq_tol(ghg[1], 0.4, TOL);
    core_gxg_destroy(&g);
    ck_assert_ptr_null(g);
    core_gxg_destroy(NULL);
}
END_TEST

/* 1 cm deeper every day from 1 April of the hydrological year (day 0 on 1
 * April): 0.01 x (days since the last 1 April). */
static double ramp(zt_day day)
{
    int y, m, d;
    zt_day_to_ymd(day, &y, &m, &d);
    zt_day start = zt_day_from_ymd(m >= 4 ? y : y - 1, 4, 1);
    return 0.01 * (double)(day - start);
}

START_TEST(ramp_and_leap_year)
{
    /* Hydrological year 2019-04-01 .. 2020-03-31 (366 days: 29 February
     * 2020). Samples: 14 April (day 13), 28 April (27), 14 May (43): HG3 =
     * 0.01 (13 + 27 + 43) / 3 = 0.276667; 28 February 2020 is day 333, 14
     * March day 348, 28 March day 362 (29 February counts): LG3 = 0.01 (333
     * + 348 + 362) / 3 = 3.476667. Spring 2019: 14 March 2019 is before the
     * run, so no GVG; summer 2019 (1 April - 30 September, days 0-182):
     * mean 0.01 x 91 = 0.91. No complete calendar year. */
    core_gxg *g = run(zt_day_from_ymd(2019, 4, 1), zt_day_from_ymd(2020, 3, 31), ramp, 0);
    double ghg[2], glg[2], gvg[2], su[2], an[2];
    core_gxg_counts c;
    core_gxg_get(g, ghg, glg, gvg, su, an, &c);
    ck_assert_int_eq(c.hydro_years, 1);
    ck_assert_int_eq(c.spring_years, 0);
    ck_assert_int_eq(c.summers, 1);
    ck_assert_int_eq(c.years, 0);
    ck_assert_double_eq_tol(ghg[0], 0.01 * (13.0 + 27.0 + 43.0) / 3.0, TOL);
    ck_assert_double_eq_tol(glg[0], 0.01 * (333.0 + 348.0 + 362.0) / 3.0, TOL);
    ck_assert(isnan(gvg[0]));
    ck_assert_double_eq_tol(su[0], 0.91, TOL);
    ck_assert(isnan(an[0]));
    core_gxg_destroy(&g);
}
END_TEST

static double leap_day_only(zt_day day)
{
    int y, m, d;
    zt_day_to_ymd(day, &y, &m, &d);
    return m == 2 && d == 29 ? 1.0 : 0.0;
}

START_TEST(calendar_year_of_366_days)
{
    /* 2020: depth 1 on 29 February, 0 on the other 365 days: annual mean
     * 1/366 (not 1/365). */
    core_gxg *g = run(zt_day_from_ymd(2020, 1, 1), zt_day_from_ymd(2020, 12, 31), leap_day_only,
                      0);
    double an[2];
    core_gxg_counts c;
    core_gxg_get(g, NULL, NULL, NULL, NULL, an, &c);
    ck_assert_int_eq(c.years, 1);
    ck_assert_double_eq_tol(an[0], 1.0 / 366.0, TOL);
    core_gxg_destroy(&g);
}
END_TEST

START_TEST(run_from_mid_year)
{
    /* 15 June 2018 to 31 December 2019, the ramp: hydrological year
     * 2018-19 started before the run (its 14 April 2018 is missing) and
     * 2019-20 ends after it: no GHG, GLG. Spring 2019 complete: 14 March
     * 2019 = day 347 of 2018-19, 28 March = 361, 14 April 2019 = day 13:
     * GVG = 0.01 (347 + 361 + 13) / 3 = 2.403333. Summer 2018 incomplete,
     * 2019 complete (0.91). Calendar year 2019: 1 January = day 275 of
     * 2018-19 (1 April 2018 + 275), 31 March = day 364, then 0 .. 274 from
     * 1 April: mean = (sum_{275..364} + sum_{0..274}) / 365 x 0.01
     * = (28755 + 37675) / 365 x 0.01 = 1.819999. A NaN cell stays NaN. */
    core_gxg *g = run(zt_day_from_ymd(2018, 6, 15), zt_day_from_ymd(2019, 12, 31), ramp, 1);
    double ghg[2], glg[2], gvg[2], su[2], an[2];
    core_gxg_counts c;
    core_gxg_get(g, ghg, glg, gvg, su, an, &c);
    ck_assert_int_eq(c.hydro_years, 0);
    ck_assert_int_eq(c.spring_years, 1);
    ck_assert_int_eq(c.summers, 1);
    ck_assert_int_eq(c.years, 1);
    ck_assert(isnan(ghg[0]) && isnan(glg[0]));
    ck_assert_double_eq_tol(gvg[0], 0.01 * (347.0 + 361.0 + 13.0) / 3.0, TOL);
    ck_assert_double_eq_tol(su[0], 0.91, TOL);
    ck_assert_double_eq_tol(an[0], 0.01 * (28755.0 + 37675.0) / 365.0, 1e-10);
    ck_assert(isnan(gvg[1]) && isnan(su[1]) && isnan(an[1]));
    core_gxg_destroy(&g);
}
END_TEST

START_TEST(peat_relations)
{
    /* E = min(40.8, max(0, 13.8 + 30 (WTDe - 0.55))) t CO2e/ha/yr with
     * WTDe = min(d, T); oxidative subsidence E / 2.55 mm/yr; consolidation
     * and creep 13.8 / 1.7 / 3 = 2.7059 mm/yr where the peat is thicker
     * than the 0.80 m of a drained meadow's aerated layer (or T unknown):
     *   d 0.55, T unknown: 13.8; 13.8 / 2.55 = 5.4118 + 2.7059 = 8.1176
     *     (= 13.8 / 1.7: the split keeps the total at the reference);
     *   d 0.30: 6.3; d 0.20: 3.3; d 0.70: 18.3;
     *   d 0.05: 13.8 - 15 < 0 -> 0 (never negative) and methane;
     *   the cap: d 1.45: 13.8 + 27 = 40.8 exactly; d 2.0 and 5.0: 40.8;
     *   thickness: d 1.2, T 0.5: WTDe 0.5, 12.3, and no creep (thin
     *     peat); d 0.3, T 2.0: 6.3 and creep; d 0.3, T 0.6: 6.3 and still
     *     no creep (raising the water table into thin peat starts none);
     *   zero thickness (the peat is gone): 0 and no subsidence at all,
     *     however deep the water table. */
    core_peat_params p;
    const double creep = 13.8 / 1.7 / 3.0;
    core_peat_defaults(&p);
    ck_assert_double_eq_tol(p.co2_max, 40.8, 1e-12);
    ck_assert_double_eq_tol(p.co2_per_mm, 2.55, 1e-12);
    ck_assert_double_eq_tol(core_peat_co2e(&p, 0.55, NAN), 13.8, 1e-12);
    ck_assert_double_eq_tol(core_peat_subsidence_ox(&p, 0.55, NAN), 13.8 / 2.55, 1e-12);
    ck_assert_double_eq_tol(core_peat_subsidence_creep(&p, 0.55, NAN), creep, 1e-12);
    ck_assert_double_eq_tol(core_peat_subsidence(&p, 0.55, NAN), 13.8 / 1.7, 1e-12);
    ck_assert_double_eq_tol(core_peat_co2e(&p, 0.30, NAN), 6.3, 1e-12);
    ck_assert_double_eq_tol(core_peat_co2e(&p, 0.20, 3.0), 3.3, 1e-12);
    ck_assert_double_eq_tol(core_peat_co2e(&p, 0.70, NAN), 18.3, 1e-12);
    ck_assert_double_eq(core_peat_co2e(&p, 0.05, NAN), 0.0);
    ck_assert_double_eq(core_peat_subsidence_ox(&p, 0.05, NAN), 0.0);
    ck_assert(core_peat_methane(&p, 0.05));
    ck_assert(!core_peat_methane(&p, 0.20));
    /* the cap */
    ck_assert_double_eq_tol(core_peat_co2e(&p, 1.45, NAN), 40.8, 1e-12);
    ck_assert_double_eq(core_peat_co2e(&p, 2.0, NAN), p.co2_max);
    ck_assert_double_eq(core_peat_co2e(&p, 5.0, 10.0), p.co2_max);
    ck_assert_double_eq_tol(core_peat_subsidence(&p, 5.0, NAN), 40.8 / 2.55 + creep, 1e-12);
    /* the thickness */
    ck_assert_double_eq(core_peat_wtde(1.2, 0.5), 0.5);
    ck_assert_double_eq_tol(core_peat_co2e(&p, 1.2, 0.5), 12.3, 1e-12);
    ck_assert_double_eq(core_peat_subsidence_creep(&p, 1.2, 0.5), 0.0);
    ck_assert_double_eq_tol(core_peat_subsidence(&p, 1.2, 0.5), 12.3 / 2.55, 1e-12);
    ck_assert_double_eq_tol(core_peat_subsidence(&p, 0.3, 2.0), 6.3 / 2.55 + creep, 1e-12);
    ck_assert_double_eq(core_peat_subsidence_creep(&p, 0.3, 0.6), 0.0);
    ck_assert_double_eq(core_peat_subsidence_creep(&p, 1.2, 0.8), 0.0);
    ck_assert_double_eq_tol(core_peat_subsidence_creep(&p, 1.2, 0.81), creep, 1e-12);
    /* zero thickness */
    ck_assert_double_eq(core_peat_wtde(1.2, 0.0), 0.0);
    ck_assert_double_eq(core_peat_co2e(&p, 1.2, 0.0), 0.0);
    ck_assert_double_eq(core_peat_co2e(&p, 0.55, 0.0), 0.0);
    ck_assert_double_eq(core_peat_subsidence(&p, 1.2, 0.0), 0.0);
    /* NaN depth */
    ck_assert(isnan(core_peat_co2e(&p, NAN, 1.0)));
    ck_assert(isnan(core_peat_subsidence(&p, NAN, NAN)));
    /* every coefficient is a parameter */
    p.co2_slope = 40.0;
    ck_assert_double_eq_tol(core_peat_co2e(&p, 0.45, NAN), 13.8 - 4.0, 1e-12);
    p.co2_max = 10.0;
    ck_assert_double_eq(core_peat_co2e(&p, 0.70, NAN), 10.0);
}
END_TEST

/* Write peat tables of a two-cell grid (one peat district in Fryslân)
 * into dir, with base_dir (or NULL) as the base. */
static zt_status write_tables(const char *dir, const char *base_dir, zt_err *err)
{
    static const uint8_t mask[2] = {ZT_MASK_ACTIVE, ZT_MASK_ACTIVE};
    static const uint8_t soil[2] = {ZT_SOIL_PEAT, ZT_SOIL_PEAT};
    static const int32_t d_id[1] = {21001};
    static const int d_prov[1] = {ZT_PROV_FRYSLAN};
    static const zt_idx d_start[2] = {0, 2}, d_cells[2] = {0, 1};
    drv_peat_setup su = {{2, 1, 0.0, 0.0, 250.0}, mask, soil, 1, d_id, d_prov, d_start, d_cells,
                         250.0 * 250.0, NULL, 0, 0};
    drv_peat *p = NULL;
    zt_status st = drv_peat_create(&su, &p, err);
    for (zt_day d = zt_day_from_ymd(2018, 7, 1); st == ZT_OK && d <= zt_day_from_ymd(2018, 7, 5);
         d++) {
        double depth[2] = {0.4, 0.6};
        drv_peat_day(p, d, depth);
    }
    if (st == ZT_OK) {
        st = drv_peat_write(p, dir, NAN, base_dir, 1, err);
    }
    drv_peat_destroy(&p);
    return st;
}

START_TEST(base_table_bad_row)
{
    char base[256], run[256], path[600], *text;
    zt_err err;
    tu_tmpdir("peat_base", base, sizeof base);
    tu_tmpdir("peat_run", run, sizeof run);
    zt_err_clear(&err);
    ck_assert_msg(write_tables(base, NULL, &err) == ZT_OK, "%s", err.msg);
    /* the base as written is read (its one row gives differences of 0) */
    ck_assert_msg(write_tables(run, base, &err) == ZT_OK, "%s", err.msg);
    snprintf(path, sizeof path, "%s/peat_districts.csv", run);
    text = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(text);
    ck_assert_msg(strstr(text, ",d_peat_area_ha,") && strstr(text, "\n21001,12.5,"), "%s", text);
    ck_assert_msg(strstr(text, ",0.0,"), "no zero difference in: %s", text);
    free(text);
    /* a row that is not numbers: file, line 3, column */
    snprintf(path, sizeof path, "%s/peat_districts.csv", base);
    text = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(text);
    {
        char bad[4096];
        snprintf(bad, sizeof bad, "%s21002,1.0,x,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0\n", text);
        ck_assert_int_eq(tu_write(path, bad), 0);
        zt_err_clear(&err);
        ck_assert_int_eq(write_tables(run, base, &err), ZT_EINPUT);
        ck_assert_msg(strstr(err.msg, "peat_districts.csv:3: column 'share_20_40cm': expected a "
                                      "number, got 'x'"),
                      "%s", err.msg);
        /* a short row */
        snprintf(bad, sizeof bad, "%s21002,1.0\n", text);
        ck_assert_int_eq(tu_write(path, bad), 0);
        zt_err_clear(&err);
        ck_assert_int_eq(write_tables(run, base, &err), ZT_EINPUT);
        ck_assert_msg(strstr(err.msg, "peat_districts.csv:3: 2 fields, but the header has 19"),
                      "%s", err.msg);
    }
    free(text);
}
END_TEST

/* The value of column `name` on the row `row` of a CSV text. */
static double table_value(const char *text, const char *row, const char *name)
{
    double v = NAN;
    ck_assert_msg(tu_csv_row_value(text, row, name, &v) == 0, "no row %s or column %s", row, name);
    return v;
}

/*
 * The peat tables by hand: two peat cells of 250 m (6.25 ha each) in one
 * Frisian district, all of 2018, water tables at 0.30 and 0.60 m, peat 2.0
 * and 0.5 m thick; every day the district gets 1,000 m3 of class 1.2 water
 * and asks 1,200.
 *   shares by the summer depth: 0.30 within, 0.60 deeper -> 0.5 / 0 / 0.5;
 *   mean summer depth 0.45; GVG 0.45 (14 and 28 March, 14 April in 2018);
 *   GHG and GLG NaN (no complete hydrological year);
 *   CO2e: 6.3 t/ha (WTDe 0.30) and 12.3 (WTDe = T = 0.5): 6.25 x 18.6
 *     = 116.25 t = 0.11625 kt; the second cell's peat lies above its water
 *     table (1 cell);
 *   subsidence: 6.3 / 2.55 + 2.7059 (T 2.0 > 0.8) and 12.3 / 2.55 (T 0.5:
 *     no creep): mean (2.4706 + 2.7059 + 4.8235) / 2 = 5.0 mm/yr, of it
 *     oxidation 3.6471;
 *   water: one whole calendar year: 365,000 m3 = 0.365 Mm3/yr supplied,
 *     438,000 - 365,000 = 0.073 Mm3/yr short; April-September 1,000 m3 a
 *     day over 12.5 ha = 8.0 mm/d;
 *   July in peat_months.csv: 31 days, 0.031 Mm3 supplied (8.0 mm/d), 0.0372
 *     asked, 0.0062 short.
 * Five days of July alone: no whole year (the water per year NaN) and no
 * complete summer (the shares and the summer depth NaN), the mm/d over the
 * summer days 8.0 all the same.
 */
START_TEST(tables_by_hand)
{
    static const uint8_t mask[2] = {ZT_MASK_ACTIVE, ZT_MASK_ACTIVE};
    static const uint8_t soil[2] = {ZT_SOIL_PEAT, ZT_SOIL_PEAT};
    static const int32_t d_id[1] = {21001};
    static const int d_prov[1] = {ZT_PROV_FRYSLAN};
    static const zt_idx d_start[2] = {0, 2}, d_cells[2] = {0, 1};
    static const float thick[2] = {2.0f, 0.5f};
    drv_peat_setup su = {{2, 1, 0.0, 0.0, 250.0}, mask, soil, 1, d_id, d_prov, d_start,
                         d_cells, 250.0 * 250.0, thick, 0, 0};
    const zt_day from[2] = {zt_day_from_ymd(2018, 1, 1), zt_day_from_ymd(2018, 7, 1)};
    const zt_day to[2] = {zt_day_from_ymd(2018, 12, 31), zt_day_from_ymd(2018, 7, 5)};
    char dir[256], path[600];
    zt_err err;
    for (int run = 0; run < 2; run++) {
        drv_peat *p = NULL;
        tu_tmpdir(run == 0 ? "peat_year" : "peat_july", dir, sizeof dir);
        su.first = from[run];
        su.last = to[run];
        zt_err_clear(&err);
        ck_assert_int_eq(drv_peat_create(&su, &p, &err), ZT_OK);
        for (zt_day d = from[run]; d <= to[run]; d++) {
            const double depth[2] = {0.30, 0.60};
            drv_peat_day(p, d, depth);
            drv_peat_inlet(p, 0, d, 1000.0, 1200.0);
        }
        ck_assert_msg(drv_peat_write(p, dir, NAN, NULL, 1, &err) == ZT_OK, "%s", err.msg);
        drv_peat_destroy(&p);
        snprintf(path, sizeof path, "%s/peat_provinces.csv", dir);
        char *t = tu_slurp(path, NULL);
        ck_assert_ptr_nonnull(t);
        ck_assert_double_eq_tol(table_value(t, "Fryslan", "peat_area_ha"), 12.5, 1e-9);
        ck_assert_double_eq_tol(table_value(t, "Fryslan", "inlet_peat_summer_mm_d"), 8.0, 1e-9);
        if (run == 1) {
            ck_assert(isnan(table_value(t, "Fryslan", "share_20_40cm")));
            ck_assert(isnan(table_value(t, "Fryslan", "summer_depth_peat_m")));
            ck_assert(isnan(table_value(t, "Fryslan", "inlet_peat_Mm3_yr")));
            ck_assert(isnan(table_value(t, "Fryslan", "shortage_peat_Mm3_yr")));
            free(t);
            continue;
        }
        ck_assert_double_eq_tol(table_value(t, "Fryslan", "share_20_40cm"), 0.5, 1e-9);
        ck_assert_double_eq_tol(table_value(t, "Fryslan", "share_above_20cm"), 0.0, 1e-9);
        ck_assert_double_eq_tol(table_value(t, "Fryslan", "share_below_40cm"), 0.5, 1e-9);
        ck_assert_double_eq_tol(table_value(t, "Fryslan", "summer_depth_peat_m"), 0.45, 1e-9);
        ck_assert_double_eq_tol(table_value(t, "Fryslan", "GVG_peat_m"), 0.45, 1e-9);
        ck_assert(isnan(table_value(t, "Fryslan", "GHG_peat_m")));
        ck_assert_double_eq_tol(table_value(t, "Fryslan", "co2e_kt_yr"), 0.11625, 1e-4);
        ck_assert_double_eq_tol(table_value(t, "Fryslan", "subsidence_mm_yr"), 5.0, 1e-3);
        ck_assert_double_eq_tol(table_value(t, "Fryslan", "subsidence_oxidation_mm_yr"),
                                (6.3 + 12.3) / 2.55 / 2.0, 1e-3);
        ck_assert_double_eq(table_value(t, "Fryslan", "peat_above_water_table_cells"), 1.0);
        ck_assert_double_eq_tol(table_value(t, "Fryslan", "inlet_peat_Mm3_yr"), 0.365, 1e-9);
        ck_assert_double_eq_tol(table_value(t, "Fryslan", "shortage_peat_Mm3_yr"), 0.073, 1e-9);
        free(t);
        snprintf(path, sizeof path, "%s/peat_months.csv", dir);
        t = tu_slurp(path, NULL);
        ck_assert_ptr_nonnull(t);
        ck_assert_msg(strstr(t, "\nFryslan,7,12.5,31,0.0310,8.0000,0.0372,0.0062\n"), "%s", t);
        free(t);
        snprintf(path, sizeof path, "%s/peat_years.csv", dir);
        t = tu_slurp(path, NULL);
        ck_assert_ptr_nonnull(t);
        ck_assert_msg(strstr(t, "\n2018,Fryslan,12.5,0.5000,0.0000,0.5000,0.4500\n"), "%s", t);
        free(t);
    }
}
END_TEST

/* Depths for years_by_hand: cell 0 at 0.30 m in 2018 and 0.10 in 2019, cell
 * 1 at 0.60 m always. */
static void two_cells(zt_day day, double depth[2])
{
    int y, m, d;
    zt_day_to_ymd(day, &y, &m, &d);
    depth[0] = y <= 2018 ? 0.30 : 0.10;
    depth[1] = 0.60;
}

/*
 * peat_years.csv by hand, over 2017-06-01 to 2019-12-31, and the same
 * through a restart in mid-summer 2019 (the state copied into a new object):
 *   2017: no complete summer, no row;
 *   2018: 0.30 and 0.60 -> within 0.5, above 0, below 0.5, depth 0.45;
 *   2019: 0.10 and 0.60 -> within 0, above 0.5, below 0.5, depth 0.35.
 */
START_TEST(years_by_hand)
{
    static const uint8_t mask[2] = {ZT_MASK_ACTIVE, ZT_MASK_ACTIVE};
    static const uint8_t soil[2] = {ZT_SOIL_PEAT, ZT_SOIL_PEAT};
    static const int32_t d_id[1] = {21001};
    static const int d_prov[1] = {ZT_PROV_FRYSLAN};
    static const zt_idx d_start[2] = {0, 2}, d_cells[2] = {0, 1};
    const zt_day first = zt_day_from_ymd(2017, 6, 1), last = zt_day_from_ymd(2019, 12, 31);
    const zt_day cut = zt_day_from_ymd(2019, 7, 15);
    const drv_peat_setup su = {{2, 1, 0.0, 0.0, 250.0}, mask, soil, 1, d_id, d_prov, d_start,
                               d_cells, 250.0 * 250.0, NULL, first, last};
    const char *want = "year,province,peat_area_ha,share_20_40cm,share_above_20cm,"
                       "share_below_40cm,summer_depth_peat_m\n"
                       "2018,Fryslan,12.5,0.5000,0.0000,0.5000,0.4500\n"
                       "2019,Fryslan,12.5,0.0000,0.5000,0.5000,0.3500\n";
    char dir[256], path[600];
    double depth[2];
    zt_err err;
    for (int restart = 0; restart < 2; restart++) {
        drv_peat *p = NULL, *q = NULL;
        zt_named_array a[64], b[64];
        tu_tmpdir(restart ? "peat_years_restart" : "peat_years", dir, sizeof dir);
        zt_err_clear(&err);
        ck_assert_int_eq(drv_peat_create(&su, &p, &err), ZT_OK);
        for (zt_day d = first; d <= last; d++) {
            if (restart && d == cut) {
                /* a new object, given the state of the old one */
                ck_assert_int_eq(drv_peat_create(&su, &q, &err), ZT_OK);
                const int n = drv_peat_state(p, a, 64, &err), m = drv_peat_state(q, b, 64, &err);
                ck_assert_int_eq(n, m);
                for (int i = 0; i < n; i++) {
                    ck_assert_uint_eq(a[i].n, b[i].n);
                    memcpy(b[i].v, a[i].v, a[i].n * sizeof(double));
                }
                drv_peat_state_loaded(q);
                drv_peat_destroy(&p);
                p = q;
            }
            two_cells(d, depth);
            drv_peat_day(p, d, depth);
        }
        ck_assert_msg(drv_peat_write(p, dir, NAN, NULL, 1, &err) == ZT_OK, "%s", err.msg);
        drv_peat_destroy(&p);
        snprintf(path, sizeof path, "%s/peat_years.csv", dir);
        char *t = tu_slurp(path, NULL);
        ck_assert_ptr_nonnull(t);
        ck_assert_str_eq(t, want);
        free(t);
    }
}
END_TEST

/* A base table that cannot be read stops the run before its first day. */
START_TEST(base_checked_before_the_run)
{
    char base[256], path[600], *text, bad[8192];
    zt_err err;
    tu_tmpdir("peat_base_early", base, sizeof base);
    zt_err_clear(&err);
    ck_assert_int_eq(drv_peat_check_base(NULL, &err), ZT_OK);
    ck_assert_int_eq(drv_peat_check_base(base, &err), ZT_OK); /* no tables: the write warns */
    ck_assert_msg(write_tables(base, NULL, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(drv_peat_check_base(base, &err), ZT_OK);
    snprintf(path, sizeof path, "%s/peat_provinces.csv", base);
    text = tu_slurp(path, NULL);
    ck_assert_ptr_nonnull(text);
    snprintf(bad, sizeof bad, "%sx,1,2\n", text);
    free(text);
    ck_assert_int_eq(tu_write(path, bad), 0);
    zt_err_clear(&err);
    ck_assert_int_eq(drv_peat_check_base(base, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "peat_provinces.csv:5:"), "%s", err.msg);
}
END_TEST

Suite *suite_peat(void)
{
    Suite *su = suite_create("peat");
    TCase *tc = tcase_create("peat");
    tcase_add_test(tc, constant_depth);
    tcase_add_test(tc, ramp_and_leap_year);
    tcase_add_test(tc, calendar_year_of_366_days);
    tcase_add_test(tc, run_from_mid_year);
    tcase_add_test(tc, peat_relations);
    tcase_add_test(tc, base_table_bad_row);
    tcase_add_test(tc, tables_by_hand);
    tcase_add_test(tc, years_by_hand);
    tcase_add_test(tc, base_checked_before_the_run);
    suite_add_tcase(su, tc);
    return su;
}
