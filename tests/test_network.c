/*
 * test_network.c: suite "network", the supply network file
 * (io/io_network.c) and the supply keys of a scenario.
 *
 * The real file scenarios/network/noord-nederland.ini loads, with the
 * demands of its users from their formulas (hand numbers below) and the
 * attach rules; bad files give ZT_ECONFIG naming file:line and the key.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "io_network.h"
#include "io_scenario.h"
#include "testutil.h"
#include "zt.h"

START_TEST(real_network)
{
    io_network n;
    zt_err err;
    zt_err_clear(&err);
    ck_assert_msg(io_network_load("scenarios/network/noord-nederland.ini", &n, &err) == ZT_OK,
                  "%s", err.msg);
    ck_assert_int_eq(n.nnode, 5);
    ck_assert_int_eq(n.nuser, 8);
    int ij = io_network_node(&n, "ijsselmeer"), fb = io_network_node(&n, "friese_boezem");
    int gr = io_network_node(&n, "groningen"), hu = io_network_node(&n, "hunze_veenkolonien");
    int dr = io_network_node(&n, "drentse_kanalen");
    ck_assert(ij >= 0 && fb >= 0 && gr >= 0 && hu >= 0 && dr >= 0);
    ck_assert_int_eq(n.node[ij].parent, -1);
    ck_assert(isinf(n.node[ij].cap_m3s));
    ck_assert_int_eq(n.node[fb].parent, ij);
    ck_assert_double_eq(n.node[fb].cap_m3s, 81.0); /* 7 million m3/day [S] */
    ck_assert_int_eq(n.node[fb].inlet, 1);
    ck_assert_int_eq(n.node[gr].inlet, 0);
    /* the Frisian inlets are sluices into the boezem at -0.52 [S], their
       capacity stated at the lake's -0.10 [E]; Drenthe's route is pumped */
    ck_assert_int_eq(n.node[fb].gravity, 1);
    ck_assert_double_eq(n.node[fb].inside_m, -0.52);
    ck_assert_double_eq(n.node[fb].design_m, -0.10);
    ck_assert_int_eq(n.node[dr].gravity, 0);
    ck_assert_int_eq(n.node[gr].gravity, 0);
    ck_assert_double_eq(n.node[hu].cap_m3s, 20.0);
    /* causes: peat 1.2 (level 1), nature 1.3 (2), flushing 4 (6), capital 3
     * (5), agri 4 (6) */
    ck_assert_int_eq(n.cause_level[CORE_DCAT_PEAT], 1);
    ck_assert_int_eq(n.cause_level[CORE_DCAT_NATURE], 2);
    ck_assert_int_eq(n.cause_level[CORE_DCAT_FLUSHING], 6);
    ck_assert_int_eq(n.cause_level[CORE_DCAT_CAPITAL], 5);
    ck_assert_int_eq(n.cause_level[CORE_DCAT_AGRI], 6);
    /* attach: Fryslân anywhere -> boezem; Groningen east of 245 km -> Hunze;
     * Groningen west -> groningen; Drenthe east of 250 km -> Hunze */
    ck_assert_int_eq(io_network_attach(&n, ZT_PROV_FRYSLAN, 180000.0), fb);
    ck_assert_int_eq(io_network_attach(&n, ZT_PROV_GRONINGEN, 250000.0), hu);
    ck_assert_int_eq(io_network_attach(&n, ZT_PROV_GRONINGEN, 230000.0), gr);
    ck_assert_int_eq(io_network_attach(&n, ZT_PROV_DRENTHE, 255000.0), hu);
    ck_assert_int_eq(io_network_attach(&n, ZT_PROV_DRENTHE, 230000.0), dr);
    ck_assert_int_eq(io_network_attach(&n, 99, 230000.0), -1);
    for (int j = 0; j < n.nuser; j++) {
        const io_net_user *u = &n.user[j];
        if (strcmp(u->name, "drinking_groningen") == 0) {
            /* (590,000 + 28,500 x 2.13) x 128.1 L = 83,355.3 m3/d = 0.964761 m3/s */
            ck_assert_double_eq_tol(u->demand_m3s, 83355.3105 / 86400.0, 1e-9);
            ck_assert_int_eq(u->level, 3);
            ck_assert_int_eq(u->source, IO_NET_GROUNDWATER);
        } else if (strcmp(u->name, "hydrogen_eemshaven") == 0) {
            /* 1 GW x 0.5 x 24 h = 12,000 MWh/d x 18.2 kg/MWh x 20 L/kg = 4,368 m3/d */
            ck_assert_double_eq_tol(u->demand_m3s, 4368.0 / 86400.0, 1e-12);
            ck_assert_int_eq(u->level, 4);
        } else if (strcmp(u->name, "veenkaden_fryslan") == 0) {
            ck_assert_int_eq(u->level, 0);
            ck_assert_int_eq(u->season, IO_NET_SUMMER);
        } else if (strcmp(u->name, "iwz_garmerwolde") == 0) {
            ck_assert_double_eq(u->demand_m3s, 0.317); /* 10 million m3/yr [S] */
        }
    }
    io_network_free(&n);
    io_network_free(&n);
}
END_TEST

/* Write text to a file in a fresh folder and load it; returns the status. */
static zt_status load_text(const char *text, zt_err *err, char *path, size_t n)
{
    char dir[2048];
    io_network net;
    tu_tmpdir("network", dir, sizeof dir);
    snprintf(path, n, "%s/net.ini", dir);
    ck_assert_msg(tu_write(path, text) == 0, "cannot write %s", path);
    zt_err_clear(err);
    zt_status st = io_network_load(path, &net, err);
    if (st == ZT_OK) {
        io_network_free(&net);
    }
    return st;
}

START_TEST(bad_networks)
{
    static const struct {
        const char *text, *want1, *want2;
    } cases[] = {
        {"[node.a]\n[node.b]\nparent = \"c\"\n", "net.ini:3", "no node named \"c\""},
        {"[node.a]\nparent = \"b\"\n[node.b]\nparent = \"a\"\n", "[node.a] parent", "cycle"},
        {"[node.a]\n[user.u]\nnode = \"a\"\nclass = \"5\"\nkind = \"constant\"\n"
         "demand_m3s = 1.0\n",
         "net.ini:4", "verdringingsreeks"},
        {"[node.a]\n[user.u]\nnode = \"a\"\nclass = \"3\"\nkind = \"constant\"\n",
         "[user.u] demand_m3s", "net.ini:"},
        {"[node.a]\ncapacity = 3.0\n", "[node.a] capacity", "unknown key"},
        {"[node.a]\n[network]\npeat = \"9\"\n", "[network] peat", "verdringingsreeks"},
        {"[node.A]\n", "a node name", "a-z"},
        {"[network]\nname = \"x\"\n", "no [node.<name>]", "empty"},
        {"[node.a]\n[user.w]\nnode = \"a\"\nclass = \"2.1\"\nkind = \"drinking\"\n"
         "inhabitants = 100\nsource = \"groundwater\"\n",
         "[user.w] x", "net.ini:"},
        {"[node.a]\n[attach.r]\nprovince = 21\nnode = \"zz\"\n", "[attach.r] node",
         "no node named"},
        {"[node.a]\n[node.b]\nparent = \"a\"\ngravity_inside_m = -0.52\n",
         "[node.b] gravity_design_m", "needs both"},
        {"[node.a]\n[node.b]\nparent = \"a\"\ngravity_design_m = -0.1\n",
         "[node.b] gravity_inside_m", "needs both"},
        {"[node.a]\n[node.b]\nparent = \"a\"\ngravity_inside_m = -0.52\n"
         "gravity_design_m = -0.60\n",
         "[node.b] gravity_design_m", "above gravity_inside_m"},
        {"[node.a]\n[node.b]\nparent = \"a\"\ngravity_inside_m = \"low\"\n"
         "gravity_design_m = -0.1\n",
         "[node.b] gravity_inside_m", "net.ini:4"},
        {"[node.a]\n[node.b]\nparent = \"a\"\n[node.c]\nparent = \"b\"\n"
         "gravity_inside_m = -0.52\ngravity_design_m = -0.1\n",
         "[node.c] gravity_inside_m", "parent must be a source"},
        {"[node.a]\ngravity_inside_m = -0.52\ngravity_design_m = -0.1\n",
         "[node.a] gravity_inside_m", "parent must be a source"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        zt_err err;
        char path[4096];
        zt_status st = load_text(cases[i].text, &err, path, sizeof path);
        ck_assert_msg(st == ZT_ECONFIG, "case %zu: status %d (%s)", i, (int)st, err.msg);
        ck_assert_msg(strstr(err.msg, cases[i].want1) && strstr(err.msg, cases[i].want2),
                      "case %zu: %s", i, err.msg);
    }
}
END_TEST

START_TEST(scenario_supply_keys)
{
    /* [supply] without a network, and a network outside the coupled mode,
     * are errors naming the key */
    char dir[2048], path[4096];
    io_scenario *sc = NULL;
    zt_err err;
    static const char *const known[] = {"P"};
    tu_tmpdir("network-sc", dir, sizeof dir);
    snprintf(path, sizeof path, "%s/a.ini", dir);
    ck_assert_int_eq(tu_write(path, "[run]\nname = \"a\"\nstart = 2018-01-01\nend = 2018-01-02\n"
                                    "[input]\ndomain = \"d.nc\"\nforcing = \"f.nc\"\n"
                                    "parameters = \"p.ini\"\ndistricts = \"x.ini\"\n"
                                    "[supply]\nijsselmeer_factor = 0.5\n"),
                     0);
    zt_err_clear(&err);
    ck_assert_int_eq(io_scenario_load(path, known, 1, &sc, &err), ZT_ECONFIG);
    ck_assert_msg(strstr(err.msg, "ijsselmeer_factor") && strstr(err.msg, "network"), "%s",
                  err.msg);
    ck_assert_int_eq(tu_write(path, "[run]\nname = \"a\"\nstart = 2018-01-01\nend = 2018-01-02\n"
                                    "mode = \"rootzone\"\n[input]\ndomain = \"d.nc\"\n"
                                    "forcing = \"f.nc\"\nparameters = \"p.ini\"\n"
                                    "network = \"n.ini\"\n"),
                     0);
    zt_err_clear(&err);
    ck_assert_int_eq(io_scenario_load(path, known, 1, &sc, &err), ZT_ECONFIG);
    ck_assert_msg(strstr(err.msg, "[input] network") && strstr(err.msg, "coupled"), "%s",
                  err.msg);
    ck_assert_int_eq(tu_write(path, "[run]\nname = \"a\"\nstart = 2018-01-01\nend = 2018-01-02\n"
                                    "[input]\ndomain = \"d.nc\"\nforcing = \"f.nc\"\n"
                                    "parameters = \"p.ini\"\ndistricts = \"x.ini\"\n"
                                    "network = \"n.ini\"\n[supply]\nijsselmeer_factor = 1.5\n"),
                     0);
    zt_err_clear(&err);
    ck_assert_int_eq(io_scenario_load(path, known, 1, &sc, &err), ZT_ECONFIG);
    ck_assert_msg(strstr(err.msg, "ijsselmeer_factor"), "%s", err.msg);
    /* [peat]: a target depth out of range; the peat scenario in rootzone mode */
    ck_assert_int_eq(tu_write(path, "[run]\nname = \"a\"\nstart = 2018-01-01\nend = 2018-01-02\n"
                                    "[input]\ndomain = \"d.nc\"\nforcing = \"f.nc\"\n"
                                    "parameters = \"p.ini\"\ndistricts = \"x.ini\"\n"
                                    "[peat]\ntarget_depth = 1.5\n"),
                     0);
    zt_err_clear(&err);
    ck_assert_int_eq(io_scenario_load(path, known, 1, &sc, &err), ZT_ECONFIG);
    ck_assert_msg(strstr(err.msg, "[peat] target_depth"), "%s", err.msg);
    ck_assert_int_eq(tu_write(path, "[run]\nname = \"a\"\nstart = 2018-01-01\nend = 2018-01-02\n"
                                    "mode = \"rootzone\"\n[input]\ndomain = \"d.nc\"\n"
                                    "forcing = \"f.nc\"\nparameters = \"p.ini\"\n"
                                    "[peat]\nsubmerged_drains = true\n"),
                     0);
    zt_err_clear(&err);
    ck_assert_int_eq(io_scenario_load(path, known, 1, &sc, &err), ZT_ECONFIG);
    ck_assert_msg(strstr(err.msg, "coupled"), "%s", err.msg);
    /* submerged and pressure drains at once */
    ck_assert_int_eq(tu_write(path, "[run]\nname = \"a\"\nstart = 2018-01-01\nend = 2018-01-02\n"
                                    "[input]\ndomain = \"d.nc\"\nforcing = \"f.nc\"\n"
                                    "parameters = \"p.ini\"\ndistricts = \"x.ini\"\n"
                                    "[peat]\nsubmerged_drains = true\npressure_drains = true\n"),
                     0);
    zt_err_clear(&err);
    ck_assert_int_eq(io_scenario_load(path, known, 1, &sc, &err), ZT_ECONFIG);
    ck_assert_msg(strstr(err.msg, "[peat] pressure_drains") && strstr(err.msg, "choose one"), "%s",
                  err.msg);
    io_scenario_destroy(&sc);
}
END_TEST

Suite *suite_network(void)
{
    Suite *su = suite_create("network");
    TCase *tc = tcase_create("network");
    tcase_add_test(tc, real_network);
    tcase_add_test(tc, bad_networks);
    tcase_add_test(tc, scenario_supply_keys);
    suite_add_tcase(su, tc);
    return su;
}
