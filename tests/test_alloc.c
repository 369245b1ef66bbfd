/*
 * test_alloc.c: suite "alloc", the allocation over the supply network by
 * priority levels (core/core_alloc.c).
 *
 * Hand-solved networks (the arithmetic above each check, m3/d): a
 * capacity-bound link, displacement of a later level by an earlier one,
 * fair sharing with one capacity-bound user, zero supply, local water
 * (surplus) that serves the node and below, a source shared by two
 * branches. Random networks: nothing allocated that is not available, no
 * link or source above its capacity, flows that add up at every node, and
 * the max-min property within a level (every user short of its demand sits
 * below a full link or source where no user of its level gets a larger
 * fraction). Tolerance TOL = 1e-9 m3/d on hand values of at most 100.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core_alloc.h"
#include "testutil.h"
#include "zt.h"

#define TOL 1e-9

/* A network of at most 64 nodes and 256 users, filled by the tests. */
typedef struct tnet {
    int nn, nu, nl;
    int parent[64], unode[256], ulevel[256];
    double cap[64], local[64], demand[256];
    double alloc[256], flow[64], used[64];
} tnet;

static void tnet_init(tnet *t, int nl)
{
    memset(t, 0, sizeof *t);
    t->nl = nl;
}

static int tnet_node(tnet *t, int parent, double cap, double local)
{
    t->parent[t->nn] = parent;
    t->cap[t->nn] = cap;
    t->local[t->nn] = local;
    return t->nn++;
}

static int tnet_user(tnet *t, int node, int level, double demand)
{
    t->unode[t->nu] = node;
    t->ulevel[t->nu] = level;
    t->demand[t->nu] = demand;
    return t->nu++;
}

static void tnet_run(tnet *t, int *rounds)
{
    core_alloc_net net = {t->nn, t->parent, t->nu, t->unode, t->ulevel, t->nl};
    core_alloc *a = NULL;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_msg(core_alloc_create(&net, &a, &err) == ZT_OK, "%s", err.msg);
    core_alloc_in in = {t->cap, t->local, t->demand};
    core_alloc_out out = {t->alloc, t->flow, t->used};
    ck_assert_msg(core_alloc_day(a, &in, &out, rounds, &err) == ZT_OK, "%s", err.msg);
    core_alloc_destroy(&a);
    ck_assert_ptr_null(a);
}

START_TEST(capacity_bound_link)
{
    /* IJsselmeer (unlimited) -> A over a link of 10; two users of one level
     * at A want 6 and 8: 14 > 10, so both get t = 10/14: 4.2857.. and
     * 5.7142..; the link carries 10. */
    tnet t;
    tnet_init(&t, 1);
    int r = tnet_node(&t, -1, INFINITY, 0.0);
    int a = tnet_node(&t, r, 10.0, 0.0);
    tnet_user(&t, a, 0, 6.0);
    tnet_user(&t, a, 0, 8.0);
    tnet_run(&t, NULL);
    ck_assert_double_eq_tol(t.alloc[0], 6.0 * 10.0 / 14.0, TOL);
    ck_assert_double_eq_tol(t.alloc[1], 8.0 * 10.0 / 14.0, TOL);
    ck_assert_double_eq_tol(t.flow[a], 10.0, TOL);
    ck_assert(t.flow[a] <= 10.0);
    ck_assert_double_eq_tol(t.flow[r], 10.0, TOL);
}
END_TEST

START_TEST(displacement_by_priority)
{
    /* Link of 10 to A; a level-0 user (peat, category 1) wants 7, a
     * level-6 user (agriculture, category 4) wants 6: the first gets 7, the
     * second the remaining 3. Reversed demands in user order change nothing
     * (the order of users does not matter). */
    tnet t;
    tnet_init(&t, 7);
    int r = tnet_node(&t, -1, INFINITY, 0.0);
    int a = tnet_node(&t, r, 10.0, 0.0);
    tnet_user(&t, a, 6, 6.0);
    tnet_user(&t, a, 0, 7.0);
    tnet_run(&t, NULL);
    ck_assert_double_eq_tol(t.alloc[1], 7.0, TOL);
    ck_assert_double_eq_tol(t.alloc[0], 3.0, TOL);
    /* with 5 on the link the level-0 user gets 5 and the other nothing */
    t.cap[a] = 5.0;
    tnet_run(&t, NULL);
    ck_assert_double_eq_tol(t.alloc[1], 5.0, TOL);
    ck_assert_double_eq_tol(t.alloc[0], 0.0, TOL);
}
END_TEST

START_TEST(fair_with_capacity_bound_user)
{
    /* Source of 20; branch A over a link of 2 with user a (10), branch B
     * unlimited with users b (10) and c (10), one level. All rise together
     * to t = 0.2, where A's link is full: a keeps 2. b and c share the
     * remaining 18: 9 each (t = 0.9). Two bottlenecks: two rounds. */
    tnet t;
    int rounds = 0;
    tnet_init(&t, 1);
    int r = tnet_node(&t, -1, 20.0, 0.0);
    int a = tnet_node(&t, r, 2.0, 0.0);
    int b = tnet_node(&t, r, INFINITY, 0.0);
    tnet_user(&t, a, 0, 10.0);
    tnet_user(&t, b, 0, 10.0);
    tnet_user(&t, b, 0, 10.0);
    tnet_run(&t, &rounds);
    ck_assert_double_eq_tol(t.alloc[0], 2.0, TOL);
    ck_assert_double_eq_tol(t.alloc[1], 9.0, TOL);
    ck_assert_double_eq_tol(t.alloc[2], 9.0, TOL);
    ck_assert_double_eq_tol(t.flow[r], 20.0, TOL);
    ck_assert(t.flow[r] <= 20.0);
    ck_assert_int_eq(rounds, 2);
}
END_TEST

START_TEST(zero_supply)
{
    /* Nothing at the source: every user of every level gets 0; with local
     * water 3 at the node the level-0 user (4) gets 3 and the later one 0. */
    tnet t;
    tnet_init(&t, 2);
    int r = tnet_node(&t, -1, 0.0, 0.0);
    int a = tnet_node(&t, r, 100.0, 0.0);
    tnet_user(&t, a, 0, 4.0);
    tnet_user(&t, a, 1, 5.0);
    tnet_run(&t, NULL);
    ck_assert_double_eq(t.alloc[0], 0.0);
    ck_assert_double_eq(t.alloc[1], 0.0);
    ck_assert_double_eq(t.flow[a], 0.0);
    t.local[a] = 3.0;
    tnet_run(&t, NULL);
    ck_assert_double_eq_tol(t.alloc[0], 3.0, TOL);
    ck_assert_double_eq_tol(t.alloc[1], 0.0, TOL);
    ck_assert_double_eq_tol(t.used[a], 3.0, TOL);
}
END_TEST

START_TEST(surplus_serves_below)
{
    /* Source of 0 -> A (local water 4) -> B over a link of 1. User at B
     * wants 3, user at A wants 2, one level. B's link fills at t = 1/3:
     * B's user keeps 1; A's user rises to its whole 2 (A's water: 4 >= 2 +
     * 1). Local water used at A: 3, flow over B's link 1, from the source 0.
     * With more local water than all demand, the surplus stays unused. */
    tnet t;
    tnet_init(&t, 1);
    int r = tnet_node(&t, -1, 0.0, 0.0);
    int a = tnet_node(&t, r, 50.0, 4.0);
    int b = tnet_node(&t, a, 1.0, 0.0);
    tnet_user(&t, b, 0, 3.0);
    tnet_user(&t, a, 0, 2.0);
    tnet_run(&t, NULL);
    ck_assert_double_eq_tol(t.alloc[0], 1.0, TOL);
    ck_assert_double_eq_tol(t.alloc[1], 2.0, TOL);
    ck_assert_double_eq_tol(t.used[a], 3.0, TOL);
    ck_assert_double_eq_tol(t.flow[b], 1.0, TOL);
    ck_assert_double_eq_tol(t.flow[a], 0.0, TOL);
    ck_assert_double_eq_tol(t.flow[r], 0.0, TOL);
    /* local water at B itself (5) covers its user: everything supplied,
     * nothing from the source, 2 of A's water used */
    t.local[b] = 5.0;
    tnet_run(&t, NULL);
    ck_assert_double_eq_tol(t.alloc[0], 3.0, TOL);
    ck_assert_double_eq_tol(t.alloc[1], 2.0, TOL);
    ck_assert_double_eq_tol(t.used[b], 3.0, TOL);
    ck_assert_double_eq_tol(t.used[a], 2.0, TOL);
    ck_assert_double_eq_tol(t.flow[r], 0.0, TOL);
}
END_TEST

START_TEST(local_water_not_behind_a_far_bottleneck)
{
    /* Unlimited source -> X over a link of 1, user u1 (10) at X; X -> Y over
     * a link of 0, Y with local water 100 and user u2 (50); one level. X's
     * link binds at t = 0.1 for u1 (1); u2's water is Y's own and never
     * crosses X's link: u2 gets all 50, and 50 of Y's water stays. */
    tnet t;
    tnet_init(&t, 1);
    int r = tnet_node(&t, -1, INFINITY, 0.0);
    int x = tnet_node(&t, r, 1.0, 0.0);
    int y = tnet_node(&t, x, 0.0, 100.0);
    tnet_user(&t, x, 0, 10.0);
    tnet_user(&t, y, 0, 50.0);
    tnet_run(&t, NULL);
    ck_assert_double_eq_tol(t.alloc[0], 1.0, TOL);
    ck_assert_double_eq_tol(t.alloc[1], 50.0, TOL);
    ck_assert_double_eq_tol(t.used[y], 50.0, TOL);
    ck_assert_double_eq_tol(t.flow[y], 0.0, TOL);
    ck_assert_double_eq_tol(t.flow[x], 1.0, TOL);
}
END_TEST

START_TEST(chain_of_levels)
{
    /* Source of 12 feeding two nodes (unlimited links). Level 0: 2 + 2;
     * level 1: 3 at each node; level 2: 10 at each node. Level 0 gets 4,
     * level 1 gets 6, level 2 shares the last 2: 1 each. */
    tnet t;
    tnet_init(&t, 3);
    int r = tnet_node(&t, -1, 12.0, 0.0);
    int a = tnet_node(&t, r, INFINITY, 0.0);
    int b = tnet_node(&t, r, INFINITY, 0.0);
    tnet_user(&t, a, 0, 2.0);
    tnet_user(&t, b, 0, 2.0);
    tnet_user(&t, a, 1, 3.0);
    tnet_user(&t, b, 1, 3.0);
    tnet_user(&t, a, 2, 10.0);
    tnet_user(&t, b, 2, 10.0);
    tnet_run(&t, NULL);
    const double expect[6] = {2.0, 2.0, 3.0, 3.0, 1.0, 1.0};
    for (int u = 0; u < 6; u++) {
        ck_assert_double_eq_tol(t.alloc[u], expect[u], TOL);
    }
    ck_assert_double_eq_tol(t.flow[a], 6.0, TOL);
}
END_TEST

/* A pseudo-random number in [0, 1) (xorshift, fixed seeds: reproducible). */
static double urand(unsigned long long *s)
{
    *s ^= *s << 13;
    *s ^= *s >> 7;
    *s ^= *s << 17;
    return (double)(*s >> 11) / 9007199254740992.0;
}

START_TEST(random_conservation_and_fairness)
{
    unsigned long long seed = 0x9e3779b97f4a7c15ULL;
    for (int rep = 0; rep < 300; rep++) {
        tnet t;
        tnet_init(&t, 1 + (int)(urand(&seed) * 4));
        int nn = 1 + (int)(urand(&seed) * 30);
        for (int x = 0; x < nn; x++) {
            int p = x == 0 || urand(&seed) < 0.1 ? -1 : (int)(urand(&seed) * x);
            double c = urand(&seed) < 0.15 ? INFINITY : (urand(&seed) < 0.1 ? 0.0 : 50.0 * urand(&seed));
            double loc = urand(&seed) < 0.3 ? 20.0 * urand(&seed) : 0.0;
            tnet_node(&t, p, c, loc);
        }
        int nu = (int)(urand(&seed) * 60);
        for (int u = 0; u < nu; u++) {
            double d = urand(&seed) < 0.1 ? 0.0 : 30.0 * urand(&seed);
            int node = (int)(urand(&seed) * nn);
            int level = (int)(urand(&seed) * t.nl);
            tnet_user(&t, node, level, d);
        }
        tnet_run(&t, NULL);
        /* bounds */
        double need[64] = {0};
        for (int u = 0; u < t.nu; u++) {
            ck_assert(t.alloc[u] >= 0.0 && t.alloc[u] <= t.demand[u]);
            need[t.unode[u]] += t.alloc[u];
        }
        for (int x = 0; x < t.nn; x++) {
            ck_assert_msg(t.flow[x] <= t.cap[x], "rep %d node %d: flow %.17g > cap %.17g", rep,
                          x, t.flow[x], t.cap[x]);
            ck_assert(t.flow[x] >= 0.0);
            ck_assert(t.used[x] >= 0.0 && t.used[x] <= t.local[x]);
        }
        /* flows add up: what arrives (link + local) is what the node's users
         * get plus what its children draw */
        for (int x = 0; x < t.nn; x++) {
            double out = need[x];
            for (int y = 0; y < t.nn; y++) {
                if (t.parent[y] == x) {
                    out += t.flow[y];
                }
            }
            ck_assert_double_eq_tol(t.flow[x] + t.used[x], out, 1e-9 * (1.0 + out));
        }
        /* max-min: a user short of its demand has, on its path up to the
         * source, a full link or source whose node's local water is used up
         * (1e-9 relative), where no user of its level whose water crosses
         * that link (positive flows all the way up to it) gets a larger
         * fraction */
        for (int u = 0; u < t.nu; u++) {
            if (!(t.alloc[u] < t.demand[u] * (1.0 - 1e-9))) {
                continue;
            }
            double fu = t.alloc[u] / t.demand[u];
            int found = 0;
            for (int x = t.unode[u]; x >= 0 && !found; x = t.parent[x]) {
                const int full = t.flow[x] >= t.cap[x] * (1.0 - 1e-9) &&
                                 t.used[x] >= t.local[x] * (1.0 - 1e-9);
                if (full) {
                    int ok = 1;
                    for (int v = 0; v < t.nu && ok; v++) {
                        if (t.ulevel[v] != t.ulevel[u] || !(t.demand[v] > 0.0)) {
                            continue;
                        }
                        int through = 0;
                        for (int y = t.unode[v]; y >= 0; y = t.parent[y]) {
                            if (y == x) {
                                through = 1;
                                break;
                            }
                            if (!(t.flow[y] > 0.0)) {
                                break; /* v's water does not cross y's link */
                            }
                        }
                        if (through && t.alloc[v] / t.demand[v] > fu * (1.0 + 1e-9) + 1e-12) {
                            ok = 0;
                        }
                    }
                    found = ok;
                }
            }
            ck_assert_msg(found, "rep %d: user %d short (%.6g of %.6g) without a bottleneck", rep,
                          u, t.alloc[u], t.demand[u]);
        (void)0;
        }
    }
}
END_TEST

START_TEST(bad_networks)
{
    /* a cycle, a parent out of range, a user's level out of range, a
     * negative demand: each an error naming the node or user */
    int parent[3] = {1, 2, 0};
    int unode[1] = {0}, ulevel[1] = {0};
    core_alloc_net net = {3, parent, 1, unode, ulevel, 1};
    core_alloc *a = NULL;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_int_eq(core_alloc_create(&net, &a, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "cycle"));
    parent[0] = 7;
    zt_err_clear(&err);
    ck_assert_int_eq(core_alloc_create(&net, &a, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "node 0"));
    parent[0] = -1;
    parent[1] = 0;
    parent[2] = 1;
    ulevel[0] = 1;
    zt_err_clear(&err);
    ck_assert_int_eq(core_alloc_create(&net, &a, &err), ZT_EINPUT);
    ck_assert_msg(strstr(err.msg, "user 0") != NULL, "%s", err.msg);
    ulevel[0] = 0;
    zt_err_clear(&err);
    ck_assert_int_eq(core_alloc_create(&net, &a, &err), ZT_OK);
    double cap[3] = {INFINITY, 1.0, 1.0}, dem[1] = {-1.0}, al[1], fl[3], us[3];
    core_alloc_in in = {cap, NULL, dem};
    core_alloc_out out = {al, fl, us};
    ck_assert_int_eq(core_alloc_day(a, &in, &out, NULL, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "user 0"));
    dem[0] = 1.0;
    cap[2] = NAN;
    zt_err_clear(&err);
    ck_assert_int_eq(core_alloc_day(a, &in, &out, NULL, &err), ZT_EINPUT);
    ck_assert_ptr_nonnull(strstr(err.msg, "node 2"));
    core_alloc_destroy(&a);
    core_alloc_destroy(&a);
    core_alloc_destroy(NULL);
}
END_TEST

Suite *suite_alloc(void)
{
    Suite *su = suite_create("alloc");
    TCase *tc = tcase_create("alloc");
    tcase_add_test(tc, capacity_bound_link);
    tcase_add_test(tc, displacement_by_priority);
    tcase_add_test(tc, fair_with_capacity_bound_user);
    tcase_add_test(tc, zero_supply);
    tcase_add_test(tc, surplus_serves_below);
    tcase_add_test(tc, local_water_not_behind_a_far_bottleneck);
    tcase_add_test(tc, chain_of_levels);
    tcase_add_test(tc, random_conservation_and_fairness);
    tcase_add_test(tc, bad_networks);
    suite_add_tcase(su, tc);
    return su;
}
