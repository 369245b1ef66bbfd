/*
 * core_district.c: the surface water of one district (peilgebied) for one
 * day (DESIGN.md §2 "District surface water"; the science and the choices
 * are written out in docs/model-district.md, section 7 of docs/model.md).
 *
 * State: v (m3), the storage of the ditch network counted from the target
 * level, so the level is z = z_target + v / Aow (m NAP). One explicit pass:
 *
 *   v_ref = v + (z_prev - z_target) Aow     same water, today's reference
 *   G     = drainage + spill + runoff + ow_net                     (m3/d)
 *   L     = sum_c loss[c]                                          (m3/d)
 *   w     = v_ref + G - L
 *   w > 0:  discharge Q = min(w, pump_cap);  w -= Q   (the rest stays up)
 *   w < 0:  demand D = -w, split by cause c with weights
 *             W[c] = loss[c] + [c = AGRI] max(0, -ow_net)
 *                    + max(0, -v_ref) share[c]
 *           (share = base_share normalised, or all AGRI when it is zero),
 *           D[c] = D W[c] / sum W;  supplied S = sum_c f[c] D[c];  w += S;
 *           shortage = D - S;  carried = min(D, max(0, -v), max(0, -v_ref))
 *   dv = w - v_ref  (change of the absolute storage z_target Aow + v)
 *   v' = w,  z = z_target + v' / Aow
 *
 * Balance, exact up to rounding: G - L + S - Q = dv.
 *
 * The level is continuous when the target changes (summer <-> winter): the
 * water does not move, only the reference does. A lower winter target thus
 * turns the water between the two targets into a surplus that is pumped
 * (up to the capacity, the rest on the following days); a higher summer
 * target is a deficit, i.e. an inlet demand, split by base_share.
 *
 * Pure: no I/O, no globals, no static locals; reentrant. Programmer errors
 * are caught with assert().
 */
#include "core_district.h"

#include <assert.h>

const char *const core_dcat_names[CORE_DCAT_COUNT] = {
    "peat", "nature", "flushing", "capital", "agri",
};

static double cd_max(double a, double b)
{
    return a > b ? a : b;
}

static double cd_min(double a, double b)
{
    return a < b ? a : b;
}

/*
 * Split demand (m3/d, > 0) over the categories in proportion to w[] (m3/d,
 * >= 0); a zero sum puts it all in CORE_DCAT_AGRI. The rounding residual
 * goes to the largest part, so the parts add up to the demand to the last
 * bit or two.
 */
static void split_demand(double demand, const double w[CORE_DCAT_COUNT],
                         double part[CORE_DCAT_COUNT])
{
    double tot = 0.0, sum = 0.0;
    int c, big = CORE_DCAT_AGRI;

    for (c = 0; c < CORE_DCAT_COUNT; c++) {
        tot += w[c];
    }
    if (!(tot > 0.0)) {
        for (c = 0; c < CORE_DCAT_COUNT; c++) {
            part[c] = 0.0;
        }
        part[CORE_DCAT_AGRI] = demand;
        return;
    }
    for (c = 0; c < CORE_DCAT_COUNT; c++) {
        part[c] = demand * (w[c] / tot);
        sum += part[c];
        if (part[c] > part[big]) {
            big = c;
        }
    }
    part[big] += demand - sum;
}

double core_district_flushing(double required, double discharge, double store, double volume)
{
    const double q = discharge > 0.0 ? discharge : 0.0;
    double n;
    if (!(volume > 0.0)) {
        n = required - q;
    } else if (store + required <= volume) {
        n = 0.0; /* fresher than the target, and stays so today */
    } else if (!(store > 0.0)) {
        n = required; /* fresh, but the day's load alone fills the ditches */
    } else {
        n = volume / store * (store + required - volume) - q;
        n = n < required ? n : required; /* never above the design rate: salt left
                                            by a cut is not caught up */
    }
    return n > 0.0 ? n : 0.0;
}

double core_district_salt(double store, double required, double volume, double outflow)
{
    if (!(volume > 0.0)) {
        return 0.0;
    }
    const double s = store + required - store / volume * (outflow > 0.0 ? outflow : 0.0);
    return s > 0.0 ? s : 0.0;
}

void core_district_step(const core_district_params *p, const core_district_in *in,
                        double prev_target, double *v, core_district_out *out)
{
    double aow, v0, v_ref, gains, losses, evap, start_def, w, share_tot, tol;
    double weight[CORE_DCAT_COUNT];
    int c;

    assert(p && in && v && out);
    assert(p->aow > 0.0);
    assert(p->pump_cap >= 0.0);

    aow = p->aow;                                        /* m2 */
    v0 = *v;                                             /* m3, yesterday's reference */
    v_ref = v0 + (prev_target - in->target) * aow;       /* m3, today's reference */
    gains = in->drainage + in->spill + in->runoff + in->ow_net; /* m3/d */
    losses = 0.0;                                        /* m3/d */
    share_tot = 0.0;                                     /* - */
    for (c = 0; c < CORE_DCAT_COUNT; c++) {
        assert(in->loss[c] >= 0.0);
        assert(p->base_share[c] >= 0.0);
        losses += in->loss[c];
        share_tot += p->base_share[c];
    }
    evap = cd_max(0.0, -in->ow_net);                     /* m3/d, open-water loss */
    assert(in->tolerance >= 0.0);
    tol = in->tolerance * aow;                           /* m3, the level's margin */
    start_def = cd_max(0.0, -v_ref - tol);               /* m3, deficit at the start */

    for (c = 0; c < CORE_DCAT_COUNT; c++) {
        out->demand_cat[c] = 0.0;
        out->supplied_cat[c] = 0.0;
        out->carried_cat[c] = 0.0;
    }
    out->demand = 0.0;
    out->supplied = 0.0;
    out->shortage = 0.0;
    out->carried = 0.0;
    out->discharge = 0.0;

    w = v_ref + gains - losses;                          /* m3 */
    if (w > 0.0) {
        out->discharge = cd_min(w, p->pump_cap);
        w -= out->discharge;
    } else if (w < -tol) {
        out->demand = -tol - w;
        for (c = 0; c < CORE_DCAT_COUNT; c++) {
            weight[c] = in->loss[c];
            if (share_tot > 0.0) {
                weight[c] += start_def * (p->base_share[c] / share_tot);
            }
        }
        weight[CORE_DCAT_AGRI] += evap;
        if (!(share_tot > 0.0)) {
            weight[CORE_DCAT_AGRI] += start_def;
        }
        split_demand(out->demand, weight, out->demand_cat);
        for (c = 0; c < CORE_DCAT_COUNT; c++) {
            assert(in->supplied_frac[c] >= 0.0 && in->supplied_frac[c] <= 1.0);
            out->supplied_cat[c] = in->supplied_frac[c] >= 1.0
                                       ? out->demand_cat[c]
                                       : in->supplied_frac[c] * out->demand_cat[c];
            out->supplied += out->supplied_cat[c];
        }
        if (out->supplied > out->demand) { /* the parts' rounding */
            out->supplied = out->demand;
        }
        out->shortage = out->demand - out->supplied;
        /* yesterday's missing water, as far as today's target still asks for it */
        out->carried = cd_min(out->demand, cd_min(cd_max(0.0, -v0 - tol), start_def));
        /* by cause: the share of the start deficit in each cause's weight,
         * scaled as the demand, times the restated part of that deficit */
        if (out->carried > 0.0) {
            double wtot = 0.0;
            for (c = 0; c < CORE_DCAT_COUNT; c++) {
                wtot += weight[c];
            }
            for (c = 0; c < CORE_DCAT_COUNT; c++) {
                const double sh = share_tot > 0.0 ? p->base_share[c] / share_tot
                                                  : (c == CORE_DCAT_AGRI ? 1.0 : 0.0);
                const double part = out->demand * (start_def * sh / wtot) *
                                    (out->carried / start_def);
                out->carried_cat[c] = cd_min(part, out->demand_cat[c]);
            }
        }
        w += out->supplied;
    }
    out->dv = w - v_ref;
    out->level = in->target + w / aow;
    *v = w;
}
