/*
 * io_params.c: the parameter table of the root zone (io_params.h) read into
 * core_rz_params for every land use x soil combination.
 *
 * Combination (DESIGN.md §2, core_rootzone.h):
 *   smax       = available_water_mm_per_m / 1000 x root_depth_m    (m)
 *   icap       = interception_mm / 1000                            (m/d)
 *   cap        = the steady capillary flux of the soil's subsoil
 *                (subsoil_van_genuchten, core_capillary.h) against the
 *                distance of the water table, the root zone at pF 3
 *   cap_full   = smax x (Se(100) - Se(1000)) / (Se(100) - Se(16000)) of
 *                the topsoil (topsoil_van_genuchten; suction in cm): the
 *                deficit at pF 3, from which the rise runs at the full flux
 *   spr_gift   = gift_mm / 1000,  spr_cap = capacity_mm_d / 1000   (m, m/d)
 *   kc, root depth, p, paved fraction, sprinkling: from the land use;
 *   the capillary table and available water: from the soil.
 *   sy[soil]   = specific_yield of [soil.X] (-), for the groundwater
 *                (core_gw.h); open-water cells (soil 0) get 1.
 * Open water (open_water = true): E = open_water_factor(month) x ET0 (one
 * number or 12, kept in kc), no root zone,
 * the soil does not matter (all its root-zone parameters are 0). Urban land:
 * the paved fraction runs off, the unpaved part is gardens, described by the
 * urban section's own crop factors and root depth.
 *
 * The table holds no defaults of its own except: paved_fraction 0,
 * sprinkling false, open_water false (true for [landuse.water]). The values belong in
 * scenarios/params/default.ini, each with its source (docs/parameters.md).
 *
 * Ranges (ZT_ECONFIG outside them): crop factors and the open-water factor
 * 0-2 (the largest Dutch crop factor in FACTS.md §5 is 1.27); fractions 0-1;
 * depths > 0; available water 0-1000 mm/m (a metre of soil cannot hold more
 * than a metre of water); months 1-12 with first <= last; the van Genuchten
 * parameters as core_capillary.h checks them, water contents 0-1 with
 * theta_r < theta_s. The upper limits of interception (50 mm/d), root depth
 * (5 m), Ks (10,000 cm/d), alpha (10 /cm), the gift (200 mm) and the
 * capacity (100 mm/d) are sanity limits [E] that catch unit mistakes (m for
 * mm), each well above any value in FACTS.md.
 */
#include "io_params.h"

#include <math.h>
#include <string.h>

#include "io_ini.h"

/* The capillary table: distances 0.25 m (the shallowest of FACTS.md §8's
 * table: nearer the root zone the flux grows without bound) to 5.03 m, the
 * root zone at pF 3 (-1000 cm, the suction FACTS.md §8 uses). */
#define IO_PARAMS_CAP_Z0 0.25
#define IO_PARAMS_CAP_DZ 0.02
#define IO_PARAMS_CAP_HTOP 10.0

/* Range of the specific yield (-): 0.01 is below the smallest value of the
 * Cultuurtechnisch Vademecum table (0.02, FACTS.md §8) and 0.5 above the
 * drainable porosity of any Staring subsoil of FACTS.md §8 at 1 m (the
 * largest, sand O1: 0.36 - 0.12 = 0.24 [D]); outside this a value is a
 * mistake (a percentage for a fraction). */
#define IO_PARAMS_SY_MIN 0.01
#define IO_PARAMS_SY_MAX 0.5

/* What one [landuse.X] section gives. */
typedef struct lu_rec {
    double kc[12];      /* crop factors Jan..Dec (-) */
    double icap_mm;     /* interception capacity (mm/d) */
    double root_m;      /* root depth (m) */
    double p;           /* reduction fraction (-) */
    double paved;       /* paved fraction (-) */
    int sprinkle;       /* may be sprinkled */
    int oxygen;         /* oxygen stress given */
    double h1_cm, h2_cm; /* its Feddes heads (cm, <= 0, h2 < h1) */
    int open_water;     /* open water */
} lu_rec;

/* What one [soil.X] section gives. */
typedef struct soil_rec {
    double awc_mm_m;    /* plant-available water (mm per m of root zone) */
    double top[4];      /* topsoil theta_r, theta_s (-), alpha (1/cm), n (-) */
    double sub[4];      /* subsoil Ks (cm/d), alpha (1/cm), n (-), l (-) */
    double full;        /* the share of smax below which the rise is full (-) */
    double sy;          /* specific yield of the phreatic groundwater (-) */
} soil_rec;

/* The [sprinkling] section. */
typedef struct spr_rec {
    double trigger;     /* fraction of smax (-) */
    double gift_mm;     /* mm per turn */
    double cap_mm_d;    /* mm/d */
    long first, last;   /* months 1-12 */
} spr_rec;

/* A number that must be > 0 and <= max. */
static zt_status positive(io_ini *ini, const char *sec, const char *key, double max, double *out,
                          zt_err *err)
{
    zt_status st = io_ini_double(ini, sec, key, 1, 0.0, 0.0, max, out, err);
    if (st == ZT_OK && !(*out > 0.0)) {
        st = io_ini_fail(ini, sec, key, err, "must be > 0");
    }
    return st;
}

/* Oxygen stress: oxygen_h1_cm and oxygen_h2_cm, both or neither. */
static zt_status read_oxygen(io_ini *ini, const char *sec, lu_rec *r, zt_err *err)
{
    const int h1 = io_ini_has(ini, sec, "oxygen_h1_cm"), h2 = io_ini_has(ini, sec, "oxygen_h2_cm");
    zt_status st;
    if (h1 != h2) {
        return io_ini_fail(ini, sec, h1 ? "oxygen_h1_cm" : "oxygen_h2_cm", err,
                           "oxygen stress needs both oxygen_h1_cm and oxygen_h2_cm");
    }
    if (!h1) {
        return ZT_OK;
    }
    st = io_ini_double(ini, sec, "oxygen_h1_cm", 1, 0.0, -500.0, 0.0, &r->h1_cm, err);
    if (st == ZT_OK) {
        st = io_ini_double(ini, sec, "oxygen_h2_cm", 1, 0.0, -500.0, 0.0, &r->h2_cm, err);
    }
    if (st == ZT_OK && !(r->h2_cm < r->h1_cm)) {
        st = io_ini_fail(ini, sec, "oxygen_h2_cm", err,
                         "must be below oxygen_h1_cm (%g cm): uptake is full from h2 down",
                         r->h1_cm);
    }
    r->oxygen = st == ZT_OK;
    return st;
}

static zt_status read_landuse(io_ini *ini, int lu, lu_rec *r, zt_err *err)
{
    char sec[64];
    zt_status st;

    snprintf(sec, sizeof sec, "landuse.%s", zt_landuse_names[lu]);
    memset(r, 0, sizeof *r);
    if ((st = io_ini_bool(ini, sec, "open_water", 0, lu == ZT_LU_WATER, &r->open_water, err)) !=
        ZT_OK) {
        return st;
    }
    if (r->open_water) {
        /* no root zone: only the evaporation factor counts */
        if (!io_ini_has(ini, sec, "open_water_factor")) {
            return io_ini_fail(ini, sec, "open_water_factor", err,
                               "missing: open water needs its factor on ET0, one number or 12 "
                               "(January to December)");
        }
        return io_ini_doubles(ini, sec, "open_water_factor", 1, 12, 0.0, 2.0, r->kc, err);
    }
    if ((st = io_ini_doubles(ini, sec, "crop_factor", 1, 12, 0.0, 2.0, r->kc, err)) != ZT_OK ||
        (st = io_ini_double(ini, sec, "interception_mm", 1, 0.0, 0.0, 50.0, &r->icap_mm, err)) !=
            ZT_OK ||
        (st = positive(ini, sec, "root_depth_m", 5.0, &r->root_m, err)) != ZT_OK ||
        (st = io_ini_double(ini, sec, "reduction_fraction", 1, 0.0, 0.0, 1.0, &r->p, err)) !=
            ZT_OK ||
        (st = io_ini_double(ini, sec, "paved_fraction", lu == ZT_LU_URBAN, 0.0, 0.0, 1.0,
                            &r->paved, err)) != ZT_OK ||
        (st = io_ini_bool(ini, sec, "sprinkling", 0, 0, &r->sprinkle, err)) != ZT_OK) {
        return st;
    }
    return read_oxygen(ini, sec, r, err);
}

/* Se at suction h (cm) of a van Genuchten curve (alpha 1/cm). */
static double vg_se(double alpha, double n, double h)
{
    return pow(1.0 + pow(alpha * h, n), -(1.0 - 1.0 / n));
}

/* The soil's two van Genuchten curves; the old exponential keys named. */
static zt_status read_vg(io_ini *ini, const char *sec, soil_rec *r, zt_err *err)
{
    static const char *const old[] = {"capillary_max_mm_d", "capillary_decay_m"};
    zt_status st;
    for (int k = 0; k < 2; k++) {
        if (io_ini_has(ini, sec, old[k])) {
            return io_ini_fail(ini, sec, old[k], err,
                               "the exponential capillary rise was replaced by the steady flux "
                               "of the subsoil (issue 13): give topsoil_van_genuchten and "
                               "subsoil_van_genuchten instead (docs/parameters.md)");
        }
    }
    st = io_ini_doubles(ini, sec, "topsoil_van_genuchten", 1, 4, 0.0, 20.0, r->top, err);
    if (st == ZT_OK) {
        st = io_ini_doubles(ini, sec, "subsoil_van_genuchten", 1, 4, -20.0, 1e4, r->sub, err);
    }
    if (st != ZT_OK) {
        return st;
    }
    if (!(r->top[0] >= 0.0 && r->top[0] < r->top[1] && r->top[1] <= 1.0)) {
        return io_ini_fail(ini, sec, "topsoil_van_genuchten", err,
                           "[theta_r, theta_s, alpha, n]: needs 0 <= theta_r < theta_s <= 1");
    }
    if (!(r->top[2] > 0.0 && r->top[2] <= 10.0 && r->top[3] > 1.0 && r->top[3] < 20.0)) {
        return io_ini_fail(ini, sec, "topsoil_van_genuchten", err,
                           "[theta_r, theta_s, alpha, n]: needs 0 < alpha <= 10 /cm, 1 < n < 20");
    }
    if (!(r->sub[0] > 0.0 && r->sub[1] > 0.0 && r->sub[1] <= 10.0 && r->sub[2] > 1.0 &&
          r->sub[2] < 20.0 && fabs(r->sub[3]) < 20.0)) {
        return io_ini_fail(ini, sec, "subsoil_van_genuchten", err,
                           "[Ks cm/d, alpha /cm, n, l]: needs 0 < Ks <= 10000, 0 < alpha <= 10, "
                           "1 < n < 20, |l| < 20");
    }
    const double a = r->top[2], n = r->top[3];
    r->full = (vg_se(a, n, 100.0) - vg_se(a, n, 1000.0)) /
              (vg_se(a, n, 100.0) - vg_se(a, n, 16000.0));
    return ZT_OK;
}

/* The soil's capillary table from its subsoil curve. */
static zt_status build_cap(io_ini *ini, int so, const soil_rec *r, core_cap_table *t,
                           zt_err *err)
{
    char sec[64];
    const core_cap_soil s = {r->sub[0] / 100.0, r->sub[1] * 100.0, r->sub[2], r->sub[3]};
    zt_status st;
    snprintf(sec, sizeof sec, "soil.%s", zt_soil_names[so]);
    st = core_cap_build(&s, IO_PARAMS_CAP_HTOP, IO_PARAMS_CAP_Z0, IO_PARAMS_CAP_DZ, CORE_CAP_NZ,
                        t, err);
    if (st != ZT_OK) {
        char why[sizeof err->msg];
        snprintf(why, sizeof why, "%s", err->msg);
        zt_err_clear(err);
        st = io_ini_fail(ini, sec, "subsoil_van_genuchten", err,
                         "[Ks cm/d, alpha /cm, n, l]: %s", why);
    }
    return st;
}

static zt_status read_soil(io_ini *ini, int so, soil_rec *r, zt_err *err)
{
    char sec[64];
    zt_status st;

    snprintf(sec, sizeof sec, "soil.%s", zt_soil_names[so]);
    if ((st = io_ini_double(ini, sec, "available_water_mm_per_m", 1, 0.0, 0.0, 1000.0,
                            &r->awc_mm_m, err)) != ZT_OK ||
        (st = read_vg(ini, sec, r, err)) != ZT_OK ||
        (st = io_ini_double(ini, sec, "specific_yield", 1, 0.0, IO_PARAMS_SY_MIN,
                            IO_PARAMS_SY_MAX, &r->sy, err)) != ZT_OK) {
        return st;
    }
    return ZT_OK;
}

static zt_status read_sprinkling(io_ini *ini, spr_rec *r, zt_err *err)
{
    zt_status st;
    if ((st = io_ini_double(ini, "sprinkling", "trigger_fraction", 1, 0.0, 0.0, 1.0, &r->trigger,
                            err)) != ZT_OK ||
        (st = positive(ini, "sprinkling", "gift_mm", 200.0, &r->gift_mm, err)) != ZT_OK ||
        (st = positive(ini, "sprinkling", "capacity_mm_d", 100.0, &r->cap_mm_d, err)) != ZT_OK ||
        (st = io_ini_int(ini, "sprinkling", "first_month", 1, 0, 1, 12, &r->first, err)) !=
            ZT_OK ||
        (st = io_ini_int(ini, "sprinkling", "last_month", 1, 0, 1, 12, &r->last, err)) != ZT_OK) {
        return st;
    }
    if (r->first > r->last) {
        return io_ini_fail(ini, "sprinkling", "last_month", err,
                           "%ld is before first_month %ld (the season lies within one year)",
                           r->last, r->first);
    }
    return ZT_OK;
}

/* Every section of the enums must be present, even when a parent gives it. */
static zt_status check_sections(const io_ini *ini, zt_err *err)
{
    char sec[64];
    int i;
    for (i = 1; i < ZT_NLANDUSE; i++) {
        snprintf(sec, sizeof sec, "landuse.%s", zt_landuse_names[i]);
        if (!io_ini_has_section(ini, sec)) {
            return zt_fail(err, ZT_ECONFIG, "%s: section [%s] is missing (every land use needs one)",
                           io_ini_file(ini), sec);
        }
    }
    for (i = 1; i < ZT_NSOIL; i++) {
        snprintf(sec, sizeof sec, "soil.%s", zt_soil_names[i]);
        if (!io_ini_has_section(ini, sec)) {
            return zt_fail(err, ZT_ECONFIG, "%s: section [%s] is missing (every soil needs one)",
                           io_ini_file(ini), sec);
        }
    }
    if (!io_ini_has_section(ini, "sprinkling")) {
        return zt_fail(err, ZT_ECONFIG, "%s: section [sprinkling] is missing", io_ini_file(ini));
    }
    return ZT_OK;
}

/* Combine land use and soil into the parameters of the core. */
static void combine(const lu_rec *lu, const soil_rec *so, const spr_rec *spr,
                    const core_cap_table *cap, core_rz_params *rz)
{
    int m;
    memset(rz, 0, sizeof *rz);
    if (lu->open_water) {
        rz->open_water = 1;
        for (m = 0; m < 12; m++) {
            rz->kc[m] = lu->kc[m]; /* the open-water factors */
        }
        return;
    }
    for (m = 0; m < 12; m++) {
        rz->kc[m] = lu->kc[m];
    }
    rz->icap = lu->icap_mm / 1000.0;
    rz->root_depth = lu->root_m;
    rz->smax = so->awc_mm_m / 1000.0 * lu->root_m;
    rz->p = lu->p;
    rz->cap = cap;
    rz->cap_full = so->full * rz->smax;
    rz->paved = lu->paved;
    rz->sprinkle = lu->sprinkle;
    rz->oxygen = lu->oxygen;
    rz->ox_h1 = -lu->h1_cm / 100.0;
    rz->ox_h2 = -lu->h2_cm / 100.0;
    rz->spr_trigger = spr->trigger;
    rz->spr_gift = spr->gift_mm / 1000.0;
    rz->spr_cap = spr->cap_mm_d / 1000.0;
    rz->spr_first_month = (int)spr->first;
    rz->spr_last_month = (int)spr->last;
}

zt_status io_params_load(const char *path, io_params **out, zt_err *err)
{
    io_ini *ini = NULL;
    io_params *p = NULL;
    lu_rec lu[ZT_NLANDUSE];
    soil_rec so[ZT_NSOIL];
    spr_rec spr;
    zt_status st;
    int i, j;

    *out = NULL;
    memset(lu, 0, sizeof lu);
    memset(so, 0, sizeof so);
    memset(&spr, 0, sizeof spr);
    p = zt_calloc(1, sizeof *p);
    if (!p || !(p->file = zt_strdup(path))) {
        st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        goto done;
    }
    if ((st = io_ini_load(path, &ini, err)) != ZT_OK || (st = check_sections(ini, err)) != ZT_OK) {
        goto done;
    }
    for (i = 1; i < ZT_NLANDUSE; i++) {
        if ((st = read_landuse(ini, i, &lu[i], err)) != ZT_OK) {
            goto done;
        }
    }
    for (i = 1; i < ZT_NSOIL; i++) {
        if ((st = read_soil(ini, i, &so[i], err)) != ZT_OK ||
            (st = build_cap(ini, i, &so[i], &p->cap[i], err)) != ZT_OK) {
            goto done;
        }
    }
    if ((st = read_sprinkling(ini, &spr, err)) != ZT_OK ||
        (st = io_ini_check_unused(ini, err)) != ZT_OK) {
        goto done;
    }
    /* land use 0 ("none") stays all zero: such cells are not simulated.
       Open water has no soil (grid_domain_validate allows soil 0 there) and
       its parameters do not depend on the soil, so soil 0 gets them too. */
    for (i = 1; i < ZT_NLANDUSE; i++) {
        for (j = 1; j < ZT_NSOIL; j++) {
            combine(&lu[i], &so[j], &spr, &p->cap[j], &p->rz[i][j]);
        }
    }
    p->rz[ZT_LU_WATER][ZT_SOIL_NONE] = p->rz[ZT_LU_WATER][ZT_SOIL_SAND];
    p->sy[ZT_SOIL_NONE] = 1.0;
    for (j = 1; j < ZT_NSOIL; j++) {
        p->sy[j] = so[j].sy;
    }
    *out = p;
    p = NULL;

done:
    io_ini_destroy(&ini);
    io_params_destroy(&p);
    return st;
}

void io_params_destroy(io_params **pp)
{
    if (!pp || !*pp) {
        return;
    }
    zt_free((*pp)->file);
    zt_free(*pp);
    *pp = NULL;
}

void io_params_print(const io_params *p, FILE *f)
{
    int i, j, m;

    fprintf(f, "# root-zone parameters in effect, table %s\n", p->file);
    fprintf(f, "# %-8s %-5s %7s %6s %5s %7s %7s %7s %5s %3s %5s %s\n", "landuse", "soil",
            "smax_mm", "root_m", "p", "icap_mm", "cr50cm", "cr_full", "paved", "spr", "fow",
            "kc Jan..Dec");
    for (i = 1; i < ZT_NLANDUSE; i++) {
        for (j = 1; j < ZT_NSOIL; j++) {
            const core_rz_params *r = &p->rz[i][j];
            fprintf(f, "  %-8s %-5s %7.1f %6.2f %5.2f %7.2f %7.2f %7.1f %5.2f %3s %5.2f ",
                    zt_landuse_names[i], zt_soil_names[j], r->smax * 1000.0, r->root_depth, r->p,
                    r->icap * 1000.0, r->cap ? core_cap_flux(r->cap, 0.5) * 1000.0 : 0.0,
                    r->cap_full * 1000.0, r->paved, r->sprinkle ? "yes" : "no", r->open_water ? r->kc[6] : 0.0);
            for (m = 0; m < 12; m++) {
                fprintf(f, "%s%.2f", m ? " " : "", r->kc[m]);
            }
            fputc('\n', f);
        }
    }
    for (i = 1; i < ZT_NLANDUSE; i++) {
        const core_rz_params *r = &p->rz[i][ZT_SOIL_SAND];
        if (r->open_water) {
            continue;
        }
        fprintf(f,
                "# sprinkling: trigger %.2f x smax, gift %.1f mm, capacity %.1f mm/d, "
                "months %d-%d\n",
                r->spr_trigger, r->spr_gift * 1000.0, r->spr_cap * 1000.0, r->spr_first_month,
                r->spr_last_month);
        break;
    }
    fprintf(f, "# specific yield (-):");
    for (j = 1; j < ZT_NSOIL; j++) {
        fprintf(f, " %s %.4f", zt_soil_names[j], p->sy[j]);
    }
    fputc('\n', f);
    fputs("# units: smax_mm and cr_full (the deficit of full capillary rise) mm; icap_mm and "
          "cr50cm (capillary flux, water table 0.5 m below the roots) mm/d; root_m m; p, paved, "
          "fow (open-water factor on ET0) and kc -\n",
          f);
}
