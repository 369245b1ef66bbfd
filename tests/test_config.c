/*
 * test_config.c: suite "config": scenario and parameter files (io_ini.c,
 * io_scenario.c, io_params.c).
 *
 * Good files parse with every value type, comments after values, a 3-level
 * extends chain with paths relative to each file; bad files fail with
 * ZT_ECONFIG and a message naming file, line and key; the parameter table is
 * combined into core_rz_params by hand-checked unit conversions; allocation
 * failures are reported, never crash or leak; and every *.ini under
 * scenarios/ (and our good fixtures) is valid TOML according to Python's
 * tomllib.
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "driver.h"
#include "io_ini.h"
#include "io_params.h"
#include "io_scenario.h"
#include "testutil.h"
#include "zt.h"

static const char *const known_vars[] = {"P", "ETact", "recharge", "Ta", "head"};
#define NKNOWN 5

/* A minimal valid scenario: 7 lines, so an appended line is line 8. */
#define MIN_SCEN                                                                                   \
    "[run]\n"                                                                                      \
    "start = 2018-01-01\n"                                                                         \
    "end = 2018-12-31\n"                                                                           \
    "[input]\n"                                                                                    \
    "domain = \"d.nc\"\n"                                                                          \
    "forcing = \"f.nc\"\n"                                                                         \
    "parameters = \"p.ini\"\n"

/* A complete parameter table: every land use, every soil, sprinkling. */
#define KC_GRASS "[0.80, 0.90, 0.95, 1.20, 1.20, 1.20, 1.10, 1.10, 1.10, 1.00, 0.90, 0.80]"
static const char *const params_text =
    "# test table (values from FACTS.md §5 where there are any)\n"
    "[landuse.grass]\n"
    "crop_factor = " KC_GRASS "\n"
    "interception_mm = 1.0\n"
    "root_depth_m = 0.30\n"
    "reduction_fraction = 0.5\n"
    "sprinkling = true\n"
    "[landuse.arable]\n"
    "crop_factor = [0.36, 0.6, 0.7, 0.8, 1.0, 1.2, 0.9, 0.44, 0.36, 0.36, 0.36, 0.36]\n"
    "interception_mm = 1.0\n"
    "root_depth_m = 0.40\n"
    "reduction_fraction = 0.5\n"
    "[landuse.capital]\n"
    "crop_factor = 1.0\n"
    "interception_mm = 1.0\n"
    "root_depth_m = 0.30\n"
    "reduction_fraction = 0.4\n"
    "sprinkling = true\n"
    "[landuse.nature]\n"
    "crop_factor = [0.40, 0.40, 0.52, 1.15, 1.16, 1.20, 1.18, 1.15, 1.20, 0.85, 0.52, 0.40]\n"
    "interception_mm = 2.0\n"
    "root_depth_m = 0.60\n"
    "reduction_fraction = 0.5\n"
    "[landuse.urban]\n"
    "crop_factor = " KC_GRASS "\n"
    "interception_mm = 0.5\n"
    "root_depth_m = 0.25\n"
    "reduction_fraction = 0.5\n"
    "paved_fraction = 0.45\n"
    "[landuse.water]\n"
    "open_water = true\n"
    "open_water_factor = 1.25\n"
    "[soil.peat]\n"
    "available_water_mm_per_m = 250\n"
    "topsoil_van_genuchten = [0.0, 0.72, 0.018, 1.14]\n"
    "subsoil_van_genuchten = [2.93, 0.0123, 1.276, -1.592]\n"
    "specific_yield = 0.0755\n"
    "[soil.clay]\n"
    "available_water_mm_per_m = 180\n"
    "topsoil_van_genuchten = [0.0, 0.42, 0.0191, 1.152]\n"
    "subsoil_van_genuchten = [13.79, 0.0191, 1.152, -1.384]\n"
    "specific_yield = 0.0584\n"
    "[soil.sand]\n"
    "available_water_mm_per_m = 100\n"
    "topsoil_van_genuchten = [0.02, 0.43, 0.0234, 1.801]\n"
    "subsoil_van_genuchten = [12.68, 0.0213, 1.951, 0.168]\n"
    "specific_yield = 0.125\n"
    "[sprinkling]\n"
    "trigger_fraction = 0.5\n"
    "gift_mm = 25\n"
    "capacity_mm_d = 4\n"
    "first_month = 4\n"
    "last_month = 9\n";

static char dir[512];

static void setup(void)
{
    tu_tmpdir("config", dir, sizeof dir);
}

/* Write dir/name with text; the path goes to buf. */
static const char *fixture(const char *name, const char *text, char *buf, size_t n)
{
    snprintf(buf, n, "%s/%s", dir, name);
    ck_assert_msg(tu_write(buf, text) == 0, "cannot write %s", buf);
    return buf;
}

/* 1 when python3 with tomllib reads the file as TOML. */
static int toml_ok(const char *path, char *why, size_t n)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd,
             "python3 -c \"import tomllib,sys; tomllib.load(open(sys.argv[1],'rb'))\" '%s'", path);
    return tu_run(cmd, NULL, 0, why, n) == 0;
}

static void need_tomllib(void)
{
    char why[512];
    int rc = tu_run("python3 -c 'import tomllib'", NULL, 0, why, sizeof why);
    ck_assert_msg(rc == 0,
                  "python3 with tomllib is needed to check that scenario files are TOML: "
                  "install python3 (>= 3.11) (%s)",
                  why);
}

/* Assert that msg names the file, the line and the key. */
static void assert_names(const zt_err *err, const char *path, int line, const char *key)
{
    char at[600];
    snprintf(at, sizeof at, "%s:%d:", path, line);
    ck_assert_msg(err->status == ZT_ECONFIG, "status %s, not ZT_ECONFIG: %s",
                  zt_status_name(err->status), err->msg);
    ck_assert_msg(strstr(err->msg, at) != NULL, "'%s' not in: %s", at, err->msg);
    ck_assert_msg(strstr(err->msg, key) != NULL, "key '%s' not in: %s", key, err->msg);
}

/* Load a scenario that must fail; the message must name file, line, key. */
static void bad_scenario(const char *name, const char *text, int line, const char *key)
{
    char path[600];
    io_scenario *s = NULL;
    zt_err err;
    zt_status st;

    zt_err_clear(&err);
    fixture(name, text, path, sizeof path);
    st = io_scenario_load(path, known_vars, NKNOWN, &s, &err);
    ck_assert_msg(st == ZT_ECONFIG, "%s: status %s (%s)", name, zt_status_name(st), err.msg);
    ck_assert_ptr_null(s);
    assert_names(&err, path, line, key);
}

/* ---- io_ini: values ---------------------------------------------------- */

START_TEST(test_ini_types)
{
    char path[600];
    io_ini *ini = NULL;
    zt_err err;
    const char *str = NULL;
    const char **arr = NULL;
    double d = 0, v12[12], v3[3];
    long i = 0;
    int b = -1, n = -1, ch = -1;
    zt_day day = 0;
    static const char *const choices[] = {"day", "10day", "month", "year", NULL};

    zt_err_clear(&err);
    fixture("types.ini",
            "# every type\n"
            "[t]\n"
            "s = \"a \\\"q\\\" \\\\ b\\tc\\nd\"   # comment after a string\n"
            "semi = \"x ; y # z\"\n"
            "lit = 'C:\\dir'\n"
            "uni = \"\\u00e9\"\n"
            "i = -42  # comment after a number\n"
            "big = 1_000\n"
            "f1 = 1.0\n"
            "f2 = 1e-3\n"
            "f3 = -0.5\n"
            "bt = true\n"
            "bf = false#tight comment\n"
            "d1 = 2018-02-28\n"
            "d2 = \"2020-02-29\"\n"
            "a12 = [1, 2.5, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12,]   # trailing comma\n"
            "sc = 0.5\n"
            "names = [\"P\", 'ETact' ]\n"
            "empty = []\n"
            "agg = \"10day\"\n"
            "\n"
            "   # an indented comment is fine\n",
            path, sizeof path);
    ck_assert_int_eq(io_ini_load(path, &ini, &err), ZT_OK);
    ck_assert_int_eq(io_ini_string(ini, "t", "s", 1, NULL, &str, &err), ZT_OK);
    ck_assert_str_eq(str, "a \"q\" \\ b\tc\nd");
    ck_assert_int_eq(io_ini_string(ini, "t", "semi", 1, NULL, &str, &err), ZT_OK);
    ck_assert_str_eq(str, "x ; y # z");
    ck_assert_int_eq(io_ini_string(ini, "t", "lit", 1, NULL, &str, &err), ZT_OK);
    ck_assert_str_eq(str, "C:\\dir");
    ck_assert_int_eq(io_ini_string(ini, "t", "uni", 1, NULL, &str, &err), ZT_OK);
    ck_assert_str_eq(str, "\xc3\xa9");
    ck_assert_int_eq(io_ini_int(ini, "t", "i", 1, 0, -100, 100, &i, &err), ZT_OK);
    ck_assert_int_eq(i, -42);
    ck_assert_int_eq(io_ini_int(ini, "t", "big", 1, 0, 0, 10000, &i, &err), ZT_OK);
    ck_assert_int_eq(i, 1000);
    /* an integer is a number too */
    ck_assert_int_eq(io_ini_double(ini, "t", "i", 1, 0, -100, 100, &d, &err), ZT_OK);
    ck_assert(d == -42.0);
    ck_assert_int_eq(io_ini_double(ini, "t", "f1", 1, 0, -1, 2, &d, &err), ZT_OK);
    ck_assert(d == 1.0);
    ck_assert_int_eq(io_ini_double(ini, "t", "f2", 1, 0, 0, 1, &d, &err), ZT_OK);
    ck_assert(fabs(d - 1e-3) < 1e-18);
    ck_assert_int_eq(io_ini_double(ini, "t", "f3", 1, 0, -1, 1, &d, &err), ZT_OK);
    ck_assert(d == -0.5);
    ck_assert_int_eq(io_ini_bool(ini, "t", "bt", 1, 0, &b, &err), ZT_OK);
    ck_assert_int_eq(b, 1);
    ck_assert_int_eq(io_ini_bool(ini, "t", "bf", 1, 1, &b, &err), ZT_OK);
    ck_assert_int_eq(b, 0);
    ck_assert_int_eq(io_ini_date(ini, "t", "d1", 1, 0, &day, &err), ZT_OK);
    ck_assert_int_eq(day, zt_day_from_ymd(2018, 2, 28));
    ck_assert_int_eq(io_ini_date(ini, "t", "d2", 1, 0, &day, &err), ZT_OK);
    ck_assert_int_eq(day, zt_day_from_ymd(2020, 2, 29));
    ck_assert_int_eq(io_ini_doubles(ini, "t", "a12", 1, 12, 0, 12, v12, &err), ZT_OK);
    ck_assert(v12[0] == 1.0 && v12[1] == 2.5 && v12[11] == 12.0);
    /* a single number sets every item */
    ck_assert_int_eq(io_ini_doubles(ini, "t", "sc", 1, 3, 0, 1, v3, &err), ZT_OK);
    ck_assert(v3[0] == 0.5 && v3[1] == 0.5 && v3[2] == 0.5);
    ck_assert_int_eq(io_ini_strings(ini, "t", "names", 1, &arr, &n, &err), ZT_OK);
    ck_assert_int_eq(n, 2);
    ck_assert_str_eq(arr[0], "P");
    ck_assert_str_eq(arr[1], "ETact");
    zt_free(arr);
    ck_assert_int_eq(io_ini_strings(ini, "t", "empty", 1, &arr, &n, &err), ZT_OK);
    ck_assert_int_eq(n, 0);
    ck_assert_ptr_null(arr);
    ck_assert_int_eq(io_ini_choice(ini, "t", "agg", 1, choices, 2, &ch, &err), ZT_OK);
    ck_assert_int_eq(ch, 1);
    /* absent keys give the default */
    ck_assert_int_eq(io_ini_int(ini, "t", "nokey", 0, 7, 0, 9, &i, &err), ZT_OK);
    ck_assert_int_eq(i, 7);
    ck_assert_int_eq(io_ini_string(ini, "t", "nokey2", 0, "dflt", &str, &err), ZT_OK);
    ck_assert_str_eq(str, "dflt");
    ck_assert(io_ini_has(ini, "t", "s") && !io_ini_has(ini, "t", "nokey"));
    ck_assert_int_eq(io_ini_nsections(ini), 1);
    ck_assert_str_eq(io_ini_section(ini, 0), "t");
    ck_assert_ptr_null(io_ini_section(ini, 1));
    ck_assert_int_eq(io_ini_check_unused(ini, &err), ZT_OK);
    ck_assert_int_eq(err.status, ZT_OK);
    io_ini_destroy(&ini);
    ck_assert_ptr_null(ini);
    io_ini_destroy(&ini); /* NULL is fine */
    io_ini_destroy(NULL);
    {
        char why[512];
        need_tomllib();
        ck_assert_msg(toml_ok(path, why, sizeof why), "types.ini is not TOML: %s", why);
    }
}
END_TEST

/* Getter errors: wrong type, out of range, name file:line:key. */
START_TEST(test_ini_getter_errors)
{
    char path[600];
    io_ini *ini = NULL;
    zt_err err;
    long i;
    double d, v[12];
    int b;
    const char *s;
    zt_day day;

    zt_err_clear(&err);
    fixture("getters.ini",
            "[g]\n"
            "num = 7\n"
            "flt = 1.5\n"
            "str = \"x\"\n"
            "arr = [1, \"a\"]\n"
            "qdate = \"2018-13-01\"\n",
            path, sizeof path);
    ck_assert_int_eq(io_ini_load(path, &ini, &err), ZT_OK);
    ck_assert_int_eq(io_ini_int(ini, "g", "num", 1, 0, 0, 5, &i, &err), ZT_ECONFIG);
    assert_names(&err, path, 2, "num");
    ck_assert_msg(strstr(err.msg, "[0, 5]"), "%s", err.msg);
    zt_err_clear(&err);
    ck_assert_int_eq(io_ini_int(ini, "g", "flt", 1, 0, 0, 5, &i, &err), ZT_ECONFIG);
    assert_names(&err, path, 3, "flt");
    zt_err_clear(&err);
    ck_assert_int_eq(io_ini_double(ini, "g", "str", 1, 0, 0, 5, &d, &err), ZT_ECONFIG);
    assert_names(&err, path, 4, "str");
    zt_err_clear(&err);
    ck_assert_int_eq(io_ini_bool(ini, "g", "num", 1, 0, &b, &err), ZT_ECONFIG);
    assert_names(&err, path, 2, "num");
    zt_err_clear(&err);
    ck_assert_int_eq(io_ini_string(ini, "g", "num", 1, NULL, &s, &err), ZT_ECONFIG);
    assert_names(&err, path, 2, "num");
    zt_err_clear(&err);
    ck_assert_int_eq(io_ini_doubles(ini, "g", "arr", 1, 2, 0, 5, v, &err), ZT_ECONFIG);
    assert_names(&err, path, 5, "arr");
    ck_assert_msg(strstr(err.msg, "item 2"), "%s", err.msg);
    zt_err_clear(&err);
    /* bad date in quotes: found by the getter */
    ck_assert_int_eq(io_ini_date(ini, "g", "qdate", 1, 0, &day, &err), ZT_ECONFIG);
    assert_names(&err, path, 6, "qdate");
    zt_err_clear(&err);
    /* io_ini_fail names the line of the key */
    ck_assert_int_eq(io_ini_fail(ini, "g", "flt", &err, "too %s", "big"), ZT_ECONFIG);
    assert_names(&err, path, 3, "flt");
    ck_assert_msg(strstr(err.msg, "too big"), "%s", err.msg);
    zt_err_clear(&err);
    /* missing required key in a present section: the header's line */
    ck_assert_int_eq(io_ini_int(ini, "g", "absent", 1, 0, 0, 5, &i, &err), ZT_ECONFIG);
    assert_names(&err, path, 1, "absent");
    io_ini_destroy(&ini);
}
END_TEST

/* Syntax errors that the loader itself finds. */
START_TEST(test_ini_syntax_errors)
{
    static const struct {
        const char *name, *text;
        int line;
        const char *key; /* or another word the message must hold */
    } cases[] = {
        {"s1.ini", "[a]\nx = 1\n  y = 2\n", 3, "indented"},
        {"s2.ini", "[a]\n; an INI comment\n", 2, "';'"},
        {"s3.ini", "[a]\nx: 1\n", 2, "x"},
        {"s4.ini", "[a]\nx = 1 2\n", 2, "x"},
        {"s5.ini", "[a]\nx = \"open\n", 2, "x"},
        {"s6.ini", "[a]\nx = [1, 2\n", 2, "x"},
        {"s7.ini", "[a]\njunk\n", 2, "syntax error"},
        {"s8.ini", "[a\nx = 1\n", 1, "']'"},
        {"s9.ini", "[a]\n[a]\n", 2, "[a]"},
        {"s10.ini", "[a]\nextends = \"b.ini\"\n", 2, "extends"},
        {"s11.ini", "[a]\nx = \"bad \\q escape\"\n", 2, "x"},
        {"s12.ini", "[a]\nx = 2018-01-01T00:00:00\n", 2, "x"},
        {"s13.ini", "[a]\nx = 1__0\n", 2, "x"},
        {"s14.ini", "[a]\nx = 01\n", 2, "x"},
        {"s15.ini", "[a]\nx = nan\n", 2, "x"},
        {"s16.ini", "[a]\n\"x\" = 1\n", 2, "x"},
        {"s17.ini", "[a] extra\n", 1, "extra"},
        {"s18.ini", "[a]\nx = [[1]]\n", 2, "nested"},
        {"s19.ini", "[a]\nx =\n", 2, "missing value"},
        {"s20.ini", "[a]\nx = 2018-1-01\n", 2, "bad date"},
        {"s21.ini", "[a]\nx = \"d.nc\\u0000.bak\"\n", 2, "NUL"},
        {"s22.ini", "[a]\nx = [\"a\", \"b\\U00000000\"]\n", 2, "NUL"},
    };
    size_t k;
    for (k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        char path[600];
        io_ini *ini = NULL;
        zt_err err;
        zt_err_clear(&err);
        fixture(cases[k].name, cases[k].text, path, sizeof path);
        ck_assert_msg(io_ini_load(path, &ini, &err) == ZT_ECONFIG, "%s loaded: %s",
                      cases[k].name, err.msg);
        ck_assert_ptr_null(ini);
        assert_names(&err, path, cases[k].line, cases[k].key);
    }
}
END_TEST

/* Windows line ends and a UTF-8 byte-order mark are accepted. */
START_TEST(test_ini_crlf_bom)
{
    char path[600];
    io_ini *ini = NULL;
    zt_err err;
    long i = 0;
    const char *s = NULL;
    zt_err_clear(&err);
    fixture("crlf.ini", "\xEF\xBB\xBF# bom\r\n[a]\r\nx = 1 # c\r\ny = \"v\"\r\n", path,
            sizeof path);
    ck_assert_int_eq(io_ini_load(path, &ini, &err), ZT_OK);
    ck_assert_int_eq(io_ini_int(ini, "a", "x", 1, 0, 0, 9, &i, &err), ZT_OK);
    ck_assert_int_eq(i, 1);
    ck_assert_int_eq(io_ini_string(ini, "a", "y", 1, NULL, &s, &err), ZT_OK);
    ck_assert_str_eq(s, "v");
    io_ini_destroy(&ini);
}
END_TEST

/* A message too long for the error record keeps its reason: long words
 * (paths) lose their middle, never the end of the message. */
START_TEST(test_err_long_message)
{
    char path[3000], msg[ZT_ERRMSG_MAX + 8];
    zt_err err;
    size_t i;
    for (i = 0; i + 1 < sizeof path; i++) {
        path[i] = (i % 50 == 49) ? '/' : 'a' + (char)(i % 26);
    }
    path[sizeof path - 1] = '\0';
    zt_err_clear(&err);
    ck_assert_int_eq(zt_fail(&err, ZT_EINPUT, "%s/forcing.nc: variable P: %s", path,
                             "the reason at the end"),
                     ZT_EINPUT);
    ck_assert_uint_lt(strlen(err.msg), ZT_ERRMSG_MAX);
    ck_assert_msg(strstr(err.msg, "/forcing.nc: variable P: the reason at the end"), "%s",
                  err.msg);
    ck_assert_msg(strncmp(err.msg, path, 40) == 0 && strstr(err.msg, "..."), "%s", err.msg);
    /* two long paths and a prefix: still the reason */
    zt_err_clear(&err);
    zt_fail(&err, ZT_EINPUT, "%s: grid differs from %s (nx ny: 1 2 vs 3 4)", path, path);
    zt_err_prefix(&err, "%s: ", path);
    ck_assert_uint_lt(strlen(err.msg), ZT_ERRMSG_MAX);
    ck_assert_msg(strstr(err.msg, "(nx ny: 1 2 vs 3 4)"), "%s", err.msg);
    /* one long word made of multi-byte characters: cut on character bounds */
    path[0] = 'x'; /* odd offsets: a cut at a fixed byte count would split a character */
    for (i = 1; i + 2 < 2400; i += 2) {
        path[i] = (char)0xC3; /* U+00E9, e acute */
        path[i + 1] = (char)0xA9;
    }
    path[i] = '\0';
    zt_err_clear(&err);
    zt_fail(&err, ZT_EINPUT, "%s: why", path);
    snprintf(msg, sizeof msg, "%s", err.msg);
    ck_assert_msg(strstr(msg, "...") && strstr(msg, ": why"), "%s", msg);
    for (i = 0; msg[i]; i++) {
        if ((unsigned char)msg[i] == 0xC3) {
            ck_assert_int_eq((unsigned char)msg[i + 1], 0xA9);
        } else if ((unsigned char)msg[i] == 0xA9) {
            ck_assert_int_eq((unsigned char)msg[i - 1], 0xC3);
        }
    }
    /* a short message is untouched */
    zt_err_clear(&err);
    zt_fail(&err, ZT_EINPUT, "%s", "a.nc: b");
    ck_assert_str_eq(err.msg, "a.nc: b");
}
END_TEST

START_TEST(test_ini_missing_file)
{
    char path[600];
    io_ini *ini = NULL;
    zt_err err;
    zt_err_clear(&err);
    snprintf(path, sizeof path, "%s/does-not-exist.ini", dir);
    ck_assert_int_eq(io_ini_load(path, &ini, &err), ZT_ECONFIG);
    ck_assert_ptr_null(ini);
    ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, "cannot open"), "%s", err.msg);
}
END_TEST

/* extends over 3 levels in 3 folders; paths relative to each file. */
START_TEST(test_ini_extends_3)
{
    char a[600], b[600], c[600], why[512];
    io_ini *ini = NULL;
    zt_err err;
    long i;
    char *p = NULL;

    zt_err_clear(&err);
    ck_assert_int_eq(tu_run("mkdir -p out/tests/config/sub/base", NULL, 0, NULL, 0), 0);
    fixture("sub/base/c.ini",
            "[k]\nall = 3\nbc = 3\nonly_c = 3\nfile_c = \"data/c.nc\"\n[c_only]\nx = 1\n", c,
            sizeof c);
    fixture("sub/b.ini",
            "extends = \"base/c.ini\"  # grandparent\n[k]\nall = 2\nbc = 2\nfile_b = "
            "\"b.nc\"\n",
            b, sizeof b);
    fixture("a.ini", "extends = \"sub/b.ini\"\n[k]\nall = 1\nfile_a = \"/abs/a.nc\"\n", a,
            sizeof a);
    ck_assert_int_eq(io_ini_load(a, &ini, &err), ZT_OK);
    ck_assert_int_eq(io_ini_int(ini, "k", "all", 1, 0, 0, 9, &i, &err), ZT_OK);
    ck_assert_int_eq(i, 1);
    ck_assert_int_eq(io_ini_int(ini, "k", "bc", 1, 0, 0, 9, &i, &err), ZT_OK);
    ck_assert_int_eq(i, 2);
    ck_assert_int_eq(io_ini_int(ini, "k", "only_c", 1, 0, 0, 9, &i, &err), ZT_OK);
    ck_assert_int_eq(i, 3);
    ck_assert_int_eq(io_ini_path(ini, "k", "file_c", 1, NULL, &p, &err), ZT_OK);
    ck_assert_str_eq(p, "out/tests/config/sub/base/data/c.nc");
    zt_free(p);
    ck_assert_int_eq(io_ini_path(ini, "k", "file_b", 1, NULL, &p, &err), ZT_OK);
    ck_assert_str_eq(p, "out/tests/config/sub/b.nc");
    zt_free(p);
    ck_assert_int_eq(io_ini_path(ini, "k", "file_a", 1, NULL, &p, &err), ZT_OK);
    ck_assert_str_eq(p, "/abs/a.nc");
    zt_free(p);
    ck_assert_int_eq(io_ini_path(ini, "k", "nofile", 0, NULL, &p, &err), ZT_OK);
    ck_assert_ptr_null(p);
    ck_assert_int_eq(io_ini_nsections(ini), 2);
    ck_assert(io_ini_has_section(ini, "c_only"));
    ck_assert_str_eq(io_ini_file(ini), a);
    /* [c_only] is unknown, and its header lies in c.ini, line 6 */
    ck_assert_int_eq(io_ini_check_unused(ini, &err), ZT_ECONFIG);
    assert_names(&err, c, 6, "c_only");
    ck_assert_msg(strstr(err.msg, "unknown section"), "%s", err.msg);
    io_ini_destroy(&ini);
    need_tomllib();
    ck_assert_msg(toml_ok(a, why, sizeof why) && toml_ok(b, why, sizeof why) &&
                      toml_ok(c, why, sizeof why),
                  "not TOML: %s", why);
}
END_TEST

START_TEST(test_ini_extends_cycle)
{
    char a[600], b[600];
    io_ini *ini = NULL;
    zt_err err;
    zt_err_clear(&err);
    fixture("cyc_a.ini", "extends = \"cyc_b.ini\"\n[x]\nk = 1\n", a, sizeof a);
    fixture("cyc_b.ini", "extends = \"cyc_a.ini\"\n", b, sizeof b);
    ck_assert_int_eq(io_ini_load(a, &ini, &err), ZT_ECONFIG);
    ck_assert_ptr_null(ini);
    assert_names(&err, a, 1, "extends");
    ck_assert_msg(strstr(err.msg, "cycle") && strstr(err.msg, "cyc_a.ini -> ") &&
                      strstr(err.msg, "cyc_b.ini -> "),
                  "%s", err.msg);
    /* a file extending itself */
    zt_err_clear(&err);
    fixture("self.ini", "extends = \"self.ini\"\n", a, sizeof a);
    ck_assert_int_eq(io_ini_load(a, &ini, &err), ZT_ECONFIG);
    assert_names(&err, a, 1, "cycle");
}
END_TEST

START_TEST(test_ini_extends_missing)
{
    char a[600];
    io_ini *ini = NULL;
    zt_err err;
    zt_err_clear(&err);
    fixture("ext_missing.ini", "# parent is gone\nextends = \"gone.ini\"\n", a, sizeof a);
    ck_assert_int_eq(io_ini_load(a, &ini, &err), ZT_ECONFIG);
    assert_names(&err, a, 2, "extends");
    ck_assert_msg(strstr(err.msg, "gone.ini") && strstr(err.msg, "cannot open"), "%s", err.msg);
}
END_TEST

/* Every failing allocation gives ZT_ENOMEM, no crash, no leak (valgrind). */
START_TEST(test_ini_alloc_failure)
{
    char path[600], a[600];
    long n;
    int done = 0;
    fixture("p.ini", params_text, path, sizeof path);
    fixture("alloc.ini",
            "extends = \"alloc_base.ini\"\n[run]\nname = \"x\"\n[output]\nvariables = [\"P\", "
            "\"Ta\"]\nsurface_level = 1\n",
            a, sizeof a);
    fixture("alloc_base.ini", MIN_SCEN "surface_level = \"ahn.nc:Band1\"\n", path, sizeof path);
    /* the [output] surface_level above is an unknown key: the load must fail
     * with ZT_ECONFIG once allocations succeed */
    for (n = 1; n < 2000 && !done; n++) {
        io_scenario *s = NULL;
        zt_err err;
        zt_status st;
        zt_err_clear(&err);
        zt_alloc_fail_after(n);
        st = io_scenario_load(a, known_vars, NKNOWN, &s, &err);
        zt_alloc_fail_after(0);
        ck_assert_ptr_null(s);
        ck_assert_msg(st == ZT_ENOMEM || st == ZT_ECONFIG, "n=%ld: %s %s", n, zt_status_name(st),
                      err.msg);
        if (st == ZT_ECONFIG) {
            ck_assert_msg(strstr(err.msg, "surface_level"), "%s", err.msg);
            done = 1;
        }
    }
    ck_assert(done);
    for (n = 1, done = 0; n < 5000 && !done; n++) {
        io_params *p = NULL;
        zt_err err;
        zt_status st;
        zt_err_clear(&err);
        fixture("p.ini", params_text, path, sizeof path);
        zt_alloc_fail_after(n);
        st = io_params_load(path, &p, &err);
        zt_alloc_fail_after(0);
        ck_assert_msg(st == ZT_ENOMEM || st == ZT_OK, "n=%ld: %s", n, err.msg);
        if (st == ZT_OK) {
            done = 1;
            io_params_destroy(&p);
        }
    }
    ck_assert(done);
}
END_TEST

/* ---- scenarios ------------------------------------------------------------ */

START_TEST(test_scenario_good)
{
    char path[600], logp[600], why[512];
    io_scenario *s = NULL;
    zt_err err;
    FILE *f;
    char *log;
    int m;

    zt_err_clear(&err);
    ck_assert_int_eq(tu_run("mkdir -p out/tests/config/scen", NULL, 0, NULL, 0), 0);
    fixture("scen/base.ini",
            "[run]\nname = \"base\"\nstart = 2018-01-01\nend = 2018-12-31\n"
            "[input]\ndomain = \"in/domain.nc\"\nforcing = \"in/forcing.nc\"\n"
            "parameters = \"params/default.ini\"\n",
            path, sizeof path);
    fixture("good.ini",
            "# a dry scenario\n"
            "extends = \"scen/base.ini\"\n"
            "[run]\n"
            "name = \"dry-2018\"  # overrides base\n"
            "threads = 2\n"
            "[input]\n"
            "surface_level = \"ahn/ahn3.nc:Band1\"\n"
            "landuse = \"/data/lgn:2020.nc:lu\"\n"
            "[climate]\n"
            "precipitation_factor = [1.0, 1, 1e0, 1.1, 1.2, 1.3, 0.9, 0.8, 1, 1, 1, 1,]\n"
            "et0_factor = 1.05\n"
            "[output]\n"
            "dir = \"results\"\n"
            "variables = [\"P\", \"recharge\", \"head\"]  # note\n"
            "aggregation = \"10day\"\n"
            "deflate = 4\n"
            "significant_digits = 3\n"
            "districts = false\n",
            path, sizeof path);
    ck_assert_int_eq(io_scenario_load(path, known_vars, NKNOWN, &s, &err), ZT_OK);
    ck_assert_str_eq(s->file, path);
    ck_assert_str_eq(s->name, "dry-2018");
    ck_assert_int_eq(s->start, zt_day_from_ymd(2018, 1, 1));
    ck_assert_int_eq(s->end, zt_day_from_ymd(2018, 12, 31));
    ck_assert_int_eq(s->threads, 2);
    /* paths relative to the file that names them */
    ck_assert_str_eq(s->domain, "out/tests/config/scen/in/domain.nc");
    ck_assert_str_eq(s->forcing, "out/tests/config/scen/in/forcing.nc");
    ck_assert_str_eq(s->parameters, "out/tests/config/scen/params/default.ini");
    ck_assert_int_eq(s->nfield_src, 2);
    ck_assert_str_eq(s->field_src[0].field, "surface_level");
    ck_assert_str_eq(s->field_src[0].path, "out/tests/config/ahn/ahn3.nc");
    ck_assert_str_eq(s->field_src[0].var, "Band1");
    /* split at the last ':' */
    ck_assert_str_eq(s->field_src[1].field, "landuse");
    ck_assert_str_eq(s->field_src[1].path, "/data/lgn:2020.nc");
    ck_assert_str_eq(s->field_src[1].var, "lu");
    ck_assert(s->precip_factor[0] == 1.0 && s->precip_factor[5] == 1.3 &&
              s->precip_factor[7] == 0.8);
    for (m = 0; m < 12; m++) {
        ck_assert(s->et0_factor[m] == 1.05);
    }
    ck_assert_str_eq(s->out_dir, "out/tests/config/results");
    ck_assert_int_eq(s->nout_vars, 3);
    ck_assert_str_eq(s->out_vars[2], "head");
    ck_assert_int_eq(s->agg, IO_AGG_10DAY);
    ck_assert_int_eq(s->deflate, 4);
    ck_assert_int_eq(s->nsd, 3);
    ck_assert_int_eq(s->districts, 0);

    /* the printed settings are TOML and hold every setting */
    snprintf(logp, sizeof logp, "%s/printed.toml", dir);
    f = fopen(logp, "w");
    ck_assert_ptr_nonnull(f);
    io_scenario_print(s, f);
    fclose(f);
    log = tu_slurp(logp, NULL);
    ck_assert_ptr_nonnull(log);
    ck_assert_msg(strstr(log, "name = \"dry-2018\"") && strstr(log, "start = 2018-01-01") &&
                      strstr(log, "threads = 2") && strstr(log, "aggregation = \"10day\"") &&
                      strstr(log, "surface_level = \"out/tests/config/ahn/ahn3.nc:Band1\"") &&
                      strstr(log, "et0_factor = [1.05, 1.05") &&
                      strstr(log, "districts = false") && strstr(log, "deflate = 4"),
                  "%s", log);
    free(log);
    need_tomllib();
    ck_assert_msg(toml_ok(path, why, sizeof why), "good.ini is not TOML: %s", why);
    ck_assert_msg(toml_ok(logp, why, sizeof why), "printed settings are not TOML: %s", why);

    /* --out replaces the folder */
    ck_assert_int_eq(io_scenario_set_out_dir(s, "elsewhere", &err), ZT_OK);
    ck_assert_str_eq(s->out_dir, "elsewhere");
    io_scenario_destroy(&s);
    ck_assert_ptr_null(s);
    io_scenario_destroy(&s);
    io_scenario_destroy(NULL);
}
END_TEST

START_TEST(test_scenario_lake)
{
    /* [lake]: read with the peilbesluit's defaults, printed back as TOML;
     * each error names the file, the line and the key. MIN_SCEN has 7
     * lines; LAKE_NET adds districts and network on lines 8-9, [lake] is
     * line 10. */
#define LAKE_NET MIN_SCEN "districts = \"dd.ini\"\nnetwork = \"n.ini\"\n"
#define LAKE_MIN LAKE_NET "[lake]\nfile = \"lake.ini\"\nlobith = \"q.csv\"\n"
    char path[600], logp[700], why[512];
    io_scenario *s = NULL;
    zt_err err;
    zt_err_clear(&err);
    fixture("lake.ini", LAKE_MIN "replay_year = 1976\nrhine_factor = 0.9\n", path, sizeof path);
    ck_assert_msg(io_scenario_load(path, known_vars, NKNOWN, &s, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(s->lake.enabled, 1);
    ck_assert(s->lake.floor == -0.40 && s->lake.winter_level == -0.40 &&
              s->lake.summer_lower == -0.30 && s->lake.summer_upper == -0.10 &&
              s->lake.start_level == -0.40 && s->lake.inflow_factor == 1.0);
    ck_assert_int_eq(s->lake.spring_start, 301);
    ck_assert_int_eq(s->lake.summer_start, 401);
    ck_assert_int_eq(s->lake.winter_start, 1001);
    ck_assert_int_eq(s->lake.replay_year, 1976);
    ck_assert(s->lake.rhine_factor[11] == 0.9);
    ck_assert_ptr_nonnull(strstr(s->lake.lobith, "/q.csv"));
    snprintf(logp, sizeof logp, "%s/printed-lake.toml", dir);
    FILE *f = fopen(logp, "w");
    ck_assert_ptr_nonnull(f);
    io_scenario_print(s, f);
    fclose(f);
    char *log = tu_slurp(logp, NULL);
    ck_assert_msg(strstr(log, "[lake]\nfile = ") && strstr(log, "replay_year = 1976") &&
                      strstr(log, "winter_start = \"10-01\"") &&
                      strstr(log, "rhine_factor = [0.9, 0.9"),
                  "%s", log);
    free(log);
    need_tomllib();
    ck_assert_msg(toml_ok(logp, why, sizeof why), "printed settings are not TOML: %s", why);
    io_scenario_destroy(&s);
    /* switched off: no error for its keys, and no lake */
    fixture("lake-off.ini", LAKE_MIN "enabled = false\n", path, sizeof path);
    ck_assert_msg(io_scenario_load(path, known_vars, NKNOWN, &s, &err) == ZT_OK, "%s", err.msg);
    ck_assert_int_eq(s->lake.enabled, 0);
    io_scenario_destroy(&s);

    bad_scenario("lk1.ini", MIN_SCEN "[lake]\nfile = \"lake.ini\"\nlobith = \"q.csv\"\n", 9,
                 "file");
    bad_scenario("lk2.ini", LAKE_NET "[lake]\nlobith = \"q.csv\"\n", 10, "file");
    bad_scenario("lk3.ini", LAKE_MIN "replay_year = 1500\n", 13, "replay_year");
    bad_scenario("lk4.ini", LAKE_MIN "spring_start = \"13-01\"\n", 13, "spring_start");
    bad_scenario("lk5.ini", LAKE_MIN "inflow_factor = -1\n", 13, "inflow_factor");
    /* the infiltration resistance factor (issue 13): 1 unless set, 0.1-10 */
    bad_scenario("ci1.ini", LAKE_NET "[groundwater]\ninfiltration_resistance_factor = 0\n", 11,
                 "infiltration_resistance_factor");
    {
        char pci[600];
        io_scenario *sci = NULL;
        zt_err eci;
        zt_err_clear(&eci);
        fixture("ci2.ini", LAKE_NET "[groundwater]\ninfiltration_resistance_factor = 2.5\n", pci,
                sizeof pci);
        ck_assert_msg(io_scenario_load(pci, known_vars, NKNOWN, &sci, &eci) == ZT_OK, "%s",
                      eci.msg);
        ck_assert(sci->ci_factor == 2.5);
        io_scenario_destroy(&sci);
        fixture("ci3.ini", LAKE_NET, pci, sizeof pci);
        ck_assert_msg(io_scenario_load(pci, known_vars, NKNOWN, &sci, &eci) == ZT_OK, "%s",
                      eci.msg);
        ck_assert(sci->ci_factor == 1.0);
        io_scenario_destroy(&sci);
    }
    bad_scenario("lk6.ini", LAKE_MIN "rhine_factor = [1, 1]\n", 13, "rhine_factor");
    bad_scenario("lk7.ini", LAKE_MIN "sumer_upper = -0.1\n", 13, "sumer_upper");
    bad_scenario("lk8.ini", LAKE_MIN "[supply]\nijsselmeer_series = \"s.csv\"\n", 14,
                 "ijsselmeer_series");
    /* the levels in order, each named where it breaks it */
    bad_scenario("lk9.ini", LAKE_MIN "winter_level = -0.5\n", 13, "winter_level");
    bad_scenario("lk10.ini", LAKE_MIN "floor = 0.0\n", 13, "floor");
    bad_scenario("lk11.ini", LAKE_MIN "summer_upper = -0.35\n", 13, "summer_upper");
    bad_scenario("lk12.ini", LAKE_MIN "start_level = -0.5\n", 13, "start_level");
    bad_scenario("lk13.ini", LAKE_MIN "spring_start = \"11-01\"\n", 13, "spring_start");
    /* a section name libinih would cut (49 characters kept) */
    bad_scenario("lk14.ini",
                 LAKE_MIN "[aaaaaaaaaabbbbbbbbbbccccccccccddddddddddeeeeeeeeeef]\nx = 1\n", 13,
                 "libinih keeps 49");
#undef LAKE_MIN
#undef LAKE_NET
}
END_TEST

START_TEST(test_scenario_defaults)
{
    char path[600];
    io_scenario *s = NULL;
    zt_err err;
    int m;
    zt_err_clear(&err);
    fixture("my-scenario.ini", MIN_SCEN, path, sizeof path);
    ck_assert_int_eq(io_scenario_load(path, known_vars, NKNOWN, &s, &err), ZT_OK);
    ck_assert_str_eq(s->name, "my-scenario");
    ck_assert_int_eq(s->threads, 0);
    for (m = 0; m < 12; m++) {
        ck_assert(s->precip_factor[m] == 1.0 && s->et0_factor[m] == 1.0);
    }
    ck_assert_int_eq(s->nfield_src, 0);
    ck_assert_str_eq(s->out_dir, "out/my-scenario");
    ck_assert_int_eq(s->nout_vars, 3);
    ck_assert_str_eq(s->out_vars[0], "P");
    ck_assert_str_eq(s->out_vars[1], "ETact");
    ck_assert_str_eq(s->out_vars[2], "recharge");
    ck_assert_int_eq(s->agg, IO_AGG_MONTH);
    ck_assert_int_eq(s->deflate, 1);
    ck_assert_int_eq(s->nsd, 0);
    ck_assert_int_eq(s->districts, 1);
    io_scenario_destroy(&s);

    /* an empty list means no gridded output */
    fixture("novars.ini", MIN_SCEN "[output]\nvariables = []\n", path, sizeof path);
    ck_assert_int_eq(io_scenario_load(path, known_vars, NKNOWN, &s, &err), ZT_OK);
    ck_assert_int_eq(s->nout_vars, 0);
    io_scenario_destroy(&s);

    /* a catalogue without a default variable is our own mistake */
    fixture("x.ini", MIN_SCEN, path, sizeof path);
    ck_assert_int_eq(io_scenario_load(path, known_vars + 3, 2, &s, &err), ZT_EINTERNAL);
    ck_assert_msg(strstr(err.msg, "ETact") || strstr(err.msg, "\"P\""), "%s", err.msg);
}
END_TEST

START_TEST(test_scenario_unknown_key)
{
    bad_scenario("uk.ini", MIN_SCEN "[output]\nagregation = \"month\"\n", 9, "agregation");
    bad_scenario("uk2.ini", MIN_SCEN "thread = 2\n", 8, "thread");
}
END_TEST

START_TEST(test_scenario_unknown_section)
{
    bad_scenario("us.ini", MIN_SCEN "[outptu]\ndir = \"x\"\n", 8, "outptu");
    /* an empty unknown section is reported too */
    bad_scenario("us2.ini", MIN_SCEN "[extra]\n", 8, "extra");
}
END_TEST

START_TEST(test_scenario_bad_number)
{
    bad_scenario("bn.ini", MIN_SCEN "[output]\ndeflate = 1.2.3\n", 9, "deflate");
    bad_scenario("bn2.ini", MIN_SCEN "[output]\ndeflate = 1.5\n", 9, "deflate");
    bad_scenario("bn3.ini", MIN_SCEN "[climate]\net0_factor = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, x]\n",
                 9, "et0_factor");
}
END_TEST

START_TEST(test_scenario_out_of_range)
{
    bad_scenario("or.ini", MIN_SCEN "[output]\ndeflate = 12\n", 9, "deflate");
    bad_scenario("or2.ini",
                 MIN_SCEN "[climate]\nprecipitation_factor = [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, "
                          "5.5]\n",
                 9, "precipitation_factor");
    bad_scenario("or3.ini", MIN_SCEN "[output]\nsignificant_digits = 8\n", 9,
                 "significant_digits");
    bad_scenario("or4.ini", MIN_SCEN "[output]\naggregation = \"week\"\n", 9, "aggregation");
}
END_TEST

START_TEST(test_scenario_unquoted_string)
{
    char path[600];
    io_scenario *s = NULL;
    zt_err err;
    bad_scenario("uq.ini", MIN_SCEN "[output]\naggregation = month\n", 9, "aggregation");
    zt_err_clear(&err);
    snprintf(path, sizeof path, "%s/uq.ini", dir);
    ck_assert_int_eq(io_scenario_load(path, known_vars, NKNOWN, &s, &err), ZT_ECONFIG);
    ck_assert_msg(strstr(err.msg, "double quotes"), "%s", err.msg);
}
END_TEST

START_TEST(test_scenario_duplicate_key)
{
    char path[600];
    io_scenario *s = NULL;
    zt_err err;
    bad_scenario("dup.ini", MIN_SCEN "[output]\ndeflate = 1\n# again\ndeflate = 2\n", 11,
                 "deflate");
    zt_err_clear(&err);
    snprintf(path, sizeof path, "%s/dup.ini", dir);
    ck_assert_int_eq(io_scenario_load(path, known_vars, NKNOWN, &s, &err), ZT_ECONFIG);
    ck_assert_msg(strstr(err.msg, "lines 9 and 11"), "both lines: %s", err.msg);
}
END_TEST

START_TEST(test_scenario_extends_errors)
{
    char b[600];
    fixture("sc_b.ini", "extends = \"sc_a.ini\"\n", b, sizeof b);
    bad_scenario("sc_a.ini", "extends = \"sc_b.ini\"\n" MIN_SCEN, 1, "extends");
    bad_scenario("sc_m.ini", "extends = \"missing/base.ini\"\n" MIN_SCEN, 1, "extends");
    bad_scenario("sc_late.ini", MIN_SCEN "extends = \"sc_b.ini\"\n", 8, "extends");
}
END_TEST

START_TEST(test_scenario_array_length)
{
    bad_scenario("al.ini", MIN_SCEN "[climate]\net0_factor = [1, 1, 1]\n", 9, "et0_factor");
    bad_scenario("al2.ini", MIN_SCEN "[output]\nvariables = \"P\"\n", 9, "variables");
}
END_TEST

START_TEST(test_scenario_bad_date)
{
    bad_scenario("bd.ini",
                 "[run]\nstart = 2018-02-30\nend = 2018-12-31\n[input]\ndomain = \"d.nc\"\n"
                 "forcing = \"f.nc\"\nparameters = \"p.ini\"\n",
                 2, "start");
    bad_scenario("bd2.ini",
                 "[run]\nstart = 2018-01-01\nend = \"2018-13-01\"\n[input]\ndomain = \"d.nc\"\n"
                 "forcing = \"f.nc\"\nparameters = \"p.ini\"\n",
                 3, "end");
}
END_TEST

START_TEST(test_scenario_start_after_end)
{
    bad_scenario("sae.ini",
                 "[run]\nstart = 2018-12-31\nend = 2018-01-01\n[input]\ndomain = \"d.nc\"\n"
                 "forcing = \"f.nc\"\nparameters = \"p.ini\"\n",
                 3, "end");
}
END_TEST

START_TEST(test_scenario_unknown_variable)
{
    char path[600];
    io_scenario *s = NULL;
    zt_err err;
    bad_scenario("uv.ini", MIN_SCEN "[output]\nvariables = [\"P\", \"Q\"]\n", 9, "variables");
    zt_err_clear(&err);
    snprintf(path, sizeof path, "%s/uv.ini", dir);
    ck_assert_int_eq(io_scenario_load(path, known_vars, NKNOWN, &s, &err), ZT_ECONFIG);
    ck_assert_msg(strstr(err.msg, "\"Q\"") && strstr(err.msg, "P, ETact, recharge, Ta, head"),
                  "%s", err.msg);
    bad_scenario("uv2.ini", MIN_SCEN "[output]\nvariables = [\"P\", \"P\"]\n", 9, "variables");
}
END_TEST

START_TEST(test_scenario_long_line)
{
    char text[1024], x[300];
    memset(x, 'x', 250);
    x[250] = '\0';
    snprintf(text, sizeof text, MIN_SCEN "[output]\ndir = \"%s\"\n", x);
    bad_scenario("long.ini", text, 9, "dir");
    /* 197 characters are fine */
    {
        char path[600];
        io_scenario *s = NULL;
        zt_err err;
        zt_err_clear(&err);
        x[197 - 8] = '\0'; /* dir = "..." is 8 characters around the x's */
        snprintf(text, sizeof text, MIN_SCEN "[output]\ndir = \"%s\"\n", x);
        fixture("long-ok.ini", text, path, sizeof path);
        ck_assert_int_eq(io_scenario_load(path, known_vars, NKNOWN, &s, &err), ZT_OK);
        io_scenario_destroy(&s);
    }
}
END_TEST

START_TEST(test_scenario_missing_required)
{
    bad_scenario("mr.ini",
                 "[run]\nstart = 2018-01-01\nend = 2018-12-31\n[input]\ndomain = \"d.nc\"\n"
                 "forcing = \"f.nc\"\n",
                 4, "parameters");
    {
        char path[600];
        io_scenario *s = NULL;
        zt_err err;
        zt_err_clear(&err);
        /* no [run] at all: the message names file and key */
        fixture("mr2.ini", "[input]\ndomain = \"d.nc\"\n", path, sizeof path);
        ck_assert_int_eq(io_scenario_load(path, known_vars, NKNOWN, &s, &err), ZT_ECONFIG);
        ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, "[run] start"), "%s", err.msg);
    }
}
END_TEST

START_TEST(test_scenario_field_source)
{
    bad_scenario("fs.ini", MIN_SCEN "soil = \"bodem.nc\"\n", 8, "soil");
    bad_scenario("fs2.ini", MIN_SCEN "soil = \"bodem.nc:\"\n", 8, "soil");
    bad_scenario("fs3.ini", MIN_SCEN "[run]\n", 8, "[run]");
}
END_TEST

/* ---- parameter table ---------------------------------------------------------- */

START_TEST(test_params_good)
{
    char path[600], logp[600], why[512];
    io_params *p = NULL;
    zt_err err;
    const core_rz_params *r;
    FILE *f;
    char *log;
    int lu, so;

    zt_err_clear(&err);
    fixture("params.ini", params_text, path, sizeof path);
    ck_assert_int_eq(io_params_load(path, &p, &err), ZT_OK);
    ck_assert_str_eq(p->file, path);
    /* grass on peat: smax = 250 mm/m / 1000 x 0.30 m = 0.075 m */
    r = &p->rz[ZT_LU_GRASS][ZT_SOIL_PEAT];
    ck_assert(fabs(r->smax - 0.075) < 1e-12);
    ck_assert(fabs(r->root_depth - 0.30) < 1e-12);
    ck_assert(fabs(r->icap - 0.001) < 1e-12);     /* 1.0 mm/d */
    /* capillary rise: the steady flux of subsoil O17 at 0.5 m, 3.4 mm/d in
       FACTS §8's table; full below the deficit at pF 3 of topsoil B17:
       (Se(100) - Se(1000)) / (Se(100) - Se(16000)) = 0.49934 of smax */
    ck_assert_ptr_eq(r->cap, &p->cap[ZT_SOIL_PEAT]);
    ck_assert_double_eq_tol(core_cap_flux(r->cap, 0.5), 0.0034, 0.0034 * 0.05);
    ck_assert_double_eq_tol(r->cap_full, 0.075 * 0.49934, 1e-6);
    ck_assert(fabs(r->p - 0.5) < 1e-12);
    ck_assert(r->kc[0] == 0.80 && r->kc[3] == 1.20 && r->kc[11] == 0.80);
    ck_assert_int_eq(r->sprinkle, 1);
    ck_assert(fabs(r->spr_gift - 0.025) < 1e-12); /* 25 mm */
    ck_assert(fabs(r->spr_cap - 0.004) < 1e-12);  /* 4 mm/d */
    ck_assert(fabs(r->spr_trigger - 0.5) < 1e-12);
    ck_assert_int_eq(r->spr_first_month, 4);
    ck_assert_int_eq(r->spr_last_month, 9);
    ck_assert_int_eq(r->open_water, 0);
    ck_assert(r->paved == 0.0);
    /* nature on sand: 100 mm/m x 0.60 m = 60 mm; 8 mm/d; no sprinkling */
    r = &p->rz[ZT_LU_NATURE][ZT_SOIL_SAND];
    ck_assert(fabs(r->smax - 0.060) < 1e-12);
    ck_assert_double_eq_tol(core_cap_flux(r->cap, 0.5), 0.0111, 0.0111 * 0.05); /* O2 */
    ck_assert(fabs(r->icap - 0.002) < 1e-12);
    ck_assert_int_eq(r->sprinkle, 0);
    /* a single crop factor for all months */
    r = &p->rz[ZT_LU_CAPITAL][ZT_SOIL_CLAY];
    ck_assert(r->kc[0] == 1.0 && r->kc[6] == 1.0);
    ck_assert(fabs(r->smax - 0.054) < 1e-12); /* 180 x 0.30 */
    /* urban: paved fraction, gardens over clay: 180 mm/m x 0.25 m = 45 mm */
    r = &p->rz[ZT_LU_URBAN][ZT_SOIL_CLAY];
    ck_assert(fabs(r->paved - 0.45) < 1e-12);
    ck_assert(fabs(r->smax - 0.045) < 1e-12);
    /* open water: the same on every soil, no root zone */
    for (so = 1; so < ZT_NSOIL; so++) {
        r = &p->rz[ZT_LU_WATER][so];
        ck_assert_int_eq(r->open_water, 1);
        ck_assert(r->kc[0] == 1.25 && r->kc[11] == 1.25);
        ck_assert(r->smax == 0.0 && r->sprinkle == 0);
    }
    /* class 0 stays zero, but open water (which has no soil) keeps its
       factors */
    for (lu = 0; lu < ZT_NLANDUSE; lu++) {
        ck_assert(p->rz[lu][0].smax == 0.0);
        ck_assert(p->rz[lu][0].kc[0] == (lu == ZT_LU_WATER ? 1.25 : 0.0));
    }

    snprintf(logp, sizeof logp, "%s/params-printed.txt", dir);
    f = fopen(logp, "w");
    ck_assert_ptr_nonnull(f);
    io_params_print(p, f);
    fclose(f);
    log = tu_slurp(logp, NULL);
    ck_assert_ptr_nonnull(log);
    /* header, 6 x 3 rows, sprinkling, specific yield and units lines */
    ck_assert_int_eq(tu_count_lines(log), 2 + 18 + 3);
    ck_assert_msg(strstr(log, "grass    peat     75.0   0.30"), "%s", log);
    free(log);
    io_params_destroy(&p);
    ck_assert_ptr_null(p);
    io_params_destroy(&p);
    io_params_destroy(NULL);
    need_tomllib();
    ck_assert_msg(toml_ok(path, why, sizeof why), "params.ini is not TOML: %s", why);
}
END_TEST

/* Load a table made of params_text with `from` replaced by `to`; must fail. */
static void bad_params(const char *name, const char *from, const char *to, int line,
                       const char *key)
{
    char path[600], text[8192];
    const char *at = strstr(params_text, from);
    io_params *p = NULL;
    zt_err err;
    size_t pre;

    ck_assert_msg(at != NULL, "'%s' not in the table", from);
    pre = (size_t)(at - params_text);
    snprintf(text, sizeof text, "%.*s%s%s", (int)pre, params_text, to, at + strlen(from));
    fixture(name, text, path, sizeof path);
    zt_err_clear(&err);
    ck_assert_msg(io_params_load(path, &p, &err) == ZT_ECONFIG, "%s loaded: %s", name, err.msg);
    ck_assert_ptr_null(p);
    if (line > 0) {
        assert_names(&err, path, line, key);
    } else {
        ck_assert_msg(strstr(err.msg, path) && strstr(err.msg, key), "%s", err.msg);
    }
}

START_TEST(test_params_errors)
{
    /* line numbers in params_text: grass crop_factor is line 3 */
    bad_params("pe1.ini", "crop_factor = " KC_GRASS "\ninterception_mm = 1.0\nroot_depth_m = 0.30",
               "crop_factor = [0.8, 2.5, 0.95, 1.2, 1.2, 1.2, 1.1, 1.1, 1.1, 1.0, 0.9, 0.8]\n"
               "interception_mm = 1.0\nroot_depth_m = 0.30",
               3, "crop_factor");
    bad_params("pe2.ini", "root_depth_m = 0.40", "root_depth_m = 0", 11, "root_depth_m");
    bad_params("pe3.ini", "reduction_fraction = 0.4", "reduction_fraction = 1.4", 17,
               "reduction_fraction");
    bad_params("pe4.ini", "first_month = 4", "first_month = 10", 53, "last_month");
    bad_params("pe5.ini", "last_month = 9", "last_month = 13", 53, "last_month");
    bad_params("pe6.ini", "[soil.clay]\n", "[soil.klei]\n", 0, "[soil.clay]");
    bad_params("pe7.ini", "open_water_factor = 1.25\n", "open_water_factor = 1.25\nroot = 1\n",
               33, "root");
    bad_params("pe8.ini", "[sprinkling]\n", "[sprinkler]\n", 0, "[sprinkling]");
    bad_params("pe9.ini", "paved_fraction = 0.45\n", "", 24, "paved_fraction");
    bad_params("pe10.ini", "[12.68, 0.0213, 1.951, 0.168]", "[12.68, 0.0213, 0.9, 0.168]", 46,
               "subsoil_van_genuchten");
    bad_params("pe11.ini", "[0.02, 0.43, 0.0234, 1.801]", "[0.5, 0.43, 0.0234, 1.801]", 45,
               "topsoil_van_genuchten");
    bad_params("pe12.ini", "subsoil_van_genuchten = [12.68, 0.0213, 1.951, 0.168]\n",
               "subsoil_van_genuchten = [12.68, 0.0213, 1.951, 0.168]\ncapillary_max_mm_d = 8\n",
               47, "capillary_max_mm_d");
    bad_params("pe14.ini", "paved_fraction = 0.45\n", "paved_fraction = 0.45\noxygen_h1_cm = -10\n",
               0, "oxygen_h2_cm");
    bad_params("pe15.ini", "paved_fraction = 0.45\n",
               "paved_fraction = 0.45\noxygen_h1_cm = -25\noxygen_h2_cm = -10\n", 31,
               "oxygen_h2_cm");
    bad_params("pe16.ini", "paved_fraction = 0.45\n",
               "paved_fraction = 0.45\noxygen_h1_cm = 10\noxygen_h2_cm = -10\n", 30,
               "oxygen_h1_cm");
    bad_params("pe13.ini", "[12.68, 0.0213, 1.951, 0.168]", "[12.68, 0.0213, 1.951]", 46,
               "subsoil_van_genuchten");
}
END_TEST

/* A table may extend another: a scenario-specific table changes a few keys. */
START_TEST(test_params_extends)
{
    char base[600], child[600];
    io_params *p = NULL;
    zt_err err;
    zt_err_clear(&err);
    fixture("pbase.ini", params_text, base, sizeof base);
    fixture("pchild.ini",
            "extends = \"pbase.ini\"\n[soil.peat]\navailable_water_mm_per_m = 300\n"
            "[landuse.urban]\npaved_fraction = 0.6\n",
            child, sizeof child);
    ck_assert_int_eq(io_params_load(child, &p, &err), ZT_OK);
    /* 300 mm/m x 0.30 m = 90 mm */
    ck_assert(fabs(p->rz[ZT_LU_GRASS][ZT_SOIL_PEAT].smax - 0.090) < 1e-12);
    ck_assert(fabs(p->rz[ZT_LU_URBAN][ZT_SOIL_SAND].paved - 0.6) < 1e-12);
    ck_assert(fabs(p->rz[ZT_LU_GRASS][ZT_SOIL_SAND].smax - 0.030) < 1e-12);
    io_params_destroy(&p);
}
END_TEST

/* ---- every shipped .ini is TOML ------------------------------------------------ */

START_TEST(test_shipped_files_are_toml)
{
    char list[16384], why[1024];
    char *line, *save = NULL;
    int n = 0;

    need_tomllib();
    ck_assert_int_eq(tu_run("find scenarios -name '*.ini' -type f | sort", list, sizeof list, NULL,
                            0),
                     0);
    for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        ck_assert_msg(toml_ok(line, why, sizeof why), "%s is not valid TOML: %s", line, why);
        n++;
    }
    /* our own loaders must read the shipped scenarios (with the driver's
     * catalogue of output variables) and their parameter tables */
    ck_assert_int_eq(tu_run("find scenarios -maxdepth 1 -name '*.ini' -type f | sort", list,
                            sizeof list, NULL, 0),
                     0);
    for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        const io_var_spec *cat;
        const char *names[64];
        io_scenario *s = NULL;
        io_params *p = NULL;
        zt_err err;
        int nc = 0, k;
        zt_err_clear(&err);
        cat = drv_output_catalogue(&nc);
        ck_assert(nc > 0 && nc <= 64);
        for (k = 0; k < nc; k++) {
            names[k] = cat[k].name;
        }
        ck_assert_msg(io_scenario_load(line, names, nc, &s, &err) == ZT_OK, "%s", err.msg);
        ck_assert_msg(io_params_load(s->parameters, &p, &err) == ZT_OK, "%s", err.msg);
        io_params_destroy(&p);
        io_scenario_destroy(&s);
    }
    fprintf(stderr, "config: %d .ini files under scenarios/ are TOML\n", n);
}
END_TEST

Suite *suite_config(void)
{
    Suite *s = suite_create("config");
    TCase *tc = tcase_create("ini");
    TCase *ts = tcase_create("scenario");
    TCase *tp = tcase_create("params");

    tcase_add_checked_fixture(tc, setup, NULL);
    tcase_add_checked_fixture(ts, setup, NULL);
    tcase_add_checked_fixture(tp, setup, NULL);
    tcase_set_timeout(tc, 60);
    tcase_set_timeout(tp, 60);

    tcase_add_test(tc, test_ini_types);
    tcase_add_test(tc, test_ini_getter_errors);
    tcase_add_test(tc, test_ini_syntax_errors);
    tcase_add_test(tc, test_ini_crlf_bom);
    tcase_add_test(tc, test_ini_missing_file);
    tcase_add_test(tc, test_err_long_message);
    tcase_add_test(tc, test_ini_extends_3);
    tcase_add_test(tc, test_ini_extends_cycle);
    tcase_add_test(tc, test_ini_extends_missing);
    tcase_add_test(tc, test_ini_alloc_failure);
    suite_add_tcase(s, tc);

    tcase_add_test(ts, test_scenario_good);
    tcase_add_test(ts, test_scenario_defaults);
    tcase_add_test(ts, test_scenario_lake);
    tcase_add_test(ts, test_scenario_unknown_key);
    tcase_add_test(ts, test_scenario_unknown_section);
    tcase_add_test(ts, test_scenario_bad_number);
    tcase_add_test(ts, test_scenario_out_of_range);
    tcase_add_test(ts, test_scenario_unquoted_string);
    tcase_add_test(ts, test_scenario_duplicate_key);
    tcase_add_test(ts, test_scenario_extends_errors);
    tcase_add_test(ts, test_scenario_array_length);
    tcase_add_test(ts, test_scenario_bad_date);
    tcase_add_test(ts, test_scenario_start_after_end);
    tcase_add_test(ts, test_scenario_unknown_variable);
    tcase_add_test(ts, test_scenario_long_line);
    tcase_add_test(ts, test_scenario_missing_required);
    tcase_add_test(ts, test_scenario_field_source);
    suite_add_tcase(s, ts);

    tcase_add_test(tp, test_params_good);
    tcase_add_test(tp, test_params_errors);
    tcase_add_test(tp, test_params_extends);
    tcase_add_test(tp, test_shipped_files_are_toml);
    suite_add_tcase(s, tp);
    return s;
}
