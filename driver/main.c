/*
 * main.c: the `zoet` command line. Sub-commands:
 *
 *   zoet run SCENARIO.ini [--threads N] [--out DIR] [--quiet]
 *   zoet check SCENARIO.ini
 *   zoet demo build [--out DIR] [--data DIR]
 *   zoet calibrate CALIB.ini [--out DIR] [--threads N] [--quiet]
 *   zoet ensemble ENSEMBLE.ini [--jobs N] [--threads T] [--out DIR]
 *                 [--slurm [--no-submit]] [--quiet]
 *   zoet forcing knmi FILE... -o OUT.nc [--stations CSV] [--from DATE]
 *                     [--to DATE] [--fill-nearest]
 *
 * Only main exits (STYLE.md 4). Exit status: 0 success; 2 bad input (a file,
 * a scenario, the command line: the error names file and variable, key or
 * line; an output folder in use by another run); 1 internal failure (a full
 * file system or the file-size limit among them); 130 and 143 when SIGINT
 * or SIGTERM stopped a run (128 + the signal, as a shell reports it);
 * 3 when `zoet ensemble` ran every member and one or more failed.
 * Errors are one line on stderr.
 *
 * HDF5 1.10 (Debian 12) crashes in its exit handler after a failed
 * H5Fclose (a full disk: H5F__dest frees the file but leaves its id, which
 * H5_term_library then closes again; CVE-2020-10812, fixed in 1.14), and
 * prints its error stack while doing so. zoet closes every file it keeps
 * itself, so main tells HDF5 not to install that handler (H5dont_atexit,
 * before any other HDF5 call) and nothing is left for it to do.
 *
 * OpenMP's waiting threads (docs/performance.md, "Issue 11"): libgomp's
 * threads spin at a barrier (300,000 rounds by default) before they sleep.
 * On a machine whose cores another job also uses, a spinning thread takes
 * the core from the thread it waits for, and 2 threads ran 2-3 x slower
 * than 1. `zoet run` therefore waits passively: libgomp reads
 * OMP_WAIT_POLICY once, when it is loaded (before main), so when neither
 * OMP_WAIT_POLICY nor GOMP_SPINCOUNT is set the program sets
 * OMP_WAIT_POLICY=passive and executes itself again (/proc/self/exe, the
 * same arguments). A user's own setting is kept. Should the exec fail, the
 * run goes on with libgomp's default.
 */
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <hdf5.h>

#include "calibrate.h"
#include "domain_build.h"
#include "driver.h"
#include "ensemble.h"
#include "io_file.h"
#include "io_forcing.h"
#include "stats.h"
#include "table.h"
#include "transform.h"
#include "io_outset.h"
#include "io_map.h"
#include "io_picture.h"
#include "zt.h"

static const char usage_main[] =
    "usage: zoet COMMAND [OPTIONS]\n"
    "\n"
    "zoet is a gridded daily water-balance model for Noord-Nederland.\n"
    "\n"
    "commands:\n"
    "  run SCENARIO.ini     run a scenario (see `zoet run --help`)\n"
    "  check SCENARIO.ini   load and validate every input of a scenario, run nothing\n"
    "  ensemble ENSEMBLE.ini  run scenario x climate x period members, here or on Slurm\n"
    "  demo build           build the Noord-Nederland demo inputs\n"
    "  forcing knmi FILE... import KNMI daily station files into a forcing file\n"
    "  forcing transform IN.nc --knmi14 SC H   a forcing file to a KNMI'14 scenario\n"
    "  map FILE.nc VAR      a quicklook map (PNG) of a gridded output\n"
    "  chart FILE.csv       a chart (SVG) of a district series\n"
    "  calibrate CALIB.ini  fit parameters to observed figures (NLopt)\n"
    "  domain build DOMAIN.ini  a domain and district table from GIS layers (GDAL/OGR)\n"
    "  stats RUN_DIR        drought statistics and return periods of a multi-year run\n"
    "  table RUN_DIR...     the consultation table across runs (CSV, Markdown, HTML)\n"
    "\n"
    "  zoet --version       print the version\n"
    "  zoet COMMAND --help  help on a command\n"
    "\n"
    "exit status: 0 success, 2 bad input, 1 internal failure, 130/143 interrupted\n";

static const char usage_run[] =
    "usage: zoet run SCENARIO.ini [--threads N] [--out DIR] [--restart STATE.nc] [--quiet]\n"
    "\n"
    "Run a scenario day by day and write its outputs: gridded variables\n"
    "(grids_<aggregation>.nc), district series (districts.nc, districts.csv)\n"
    "and the daily domain water balance (balance.csv). The files are written\n"
    "into DIR/.staging-PID and published together when the run succeeds, with\n"
    "run.json (the manifest: inputs, outputs and their sha256) last; a failed or\n"
    "interrupted run (SIGINT: exit 130, SIGTERM: 143) leaves DIR as it was. A\n"
    "second run into the same DIR exits 2 at once.\n"
    "\n"
    "  --threads N   OpenMP threads (default: the scenario's, else all cores)\n"
    "  --out DIR     output folder (default: the scenario's [output] dir)\n"
    "  --restart STATE.nc  continue from a checkpoint ([run] checkpoint writes\n"
    "                them to DIR/checkpoints/DATE/state.nc); the run ends with the\n"
    "                same outputs as one that was not interrupted\n"
    "  --quiet       no settings, summary or progress\n";

static const char usage_check[] =
    "usage: zoet check SCENARIO.ini\n"
    "\n"
    "Load the scenario, its parameter table, the static domain and the forcing,\n"
    "validate them all, print the settings in effect, and run nothing.\n";

static const char usage_demo[] =
    "usage: zoet demo build [--out DIR] [--data DIR]\n"
    "\n"
    "Build the inputs of the Noord-Nederland demo: DIR/domain.nc (250 m grid in\n"
    "RD New, from the province polygons in DATA/boundaries and schematic fields)\n"
    "and DIR/forcing.nc (KNMI daily station series of 2018 from DATA/knmi).\n"
    "\n"
    "  --out DIR    output folder (default out/demo/input)\n"
    "  --data DIR   the data folder of zoet (default: data/ beside the program)\n";

static const char usage_forcing[] =
    "usage: zoet forcing knmi FILE... -o OUT.nc [--stations CSV] [--from DATE]\n"
    "                         [--to DATE] [--fill-nearest]\n"
    "\n"
    "Import KNMI daily station files (etmgeg_NNN.txt as KNMI publishes them, or\n"
    "CSV with the columns STN,YYYYMMDD,...,RH,...,EV24) into a CF station forcing\n"
    "file: P from RH and ET0 from EV24 (0.1 mm; RH = -1, a trace, is 0). A missing\n"
    "day is an error naming station and date, unless --fill-nearest is given: then\n"
    "it is filled from the nearest station that has it, and every fill is reported.\n"
    "\n"
    "  -o, --output OUT.nc  the forcing file to write\n"
    "  --stations CSV       station positions (STN,name,lat,lon) for files without\n"
    "                       a KNMI header\n"
    "  --from DATE --to DATE  period (YYYY-MM-DD, both or neither); default: the\n"
    "                       period all files have in common\n"
    "  --fill-nearest       fill missing days from the nearest station\n"
    "\n"
    "zoet forcing transform IN.nc --knmi14 SC H -o OUT.nc: a forcing file to a\n"
    "KNMI'14 climate scenario (zoet forcing transform --help).\n";

static const char usage_transform[] =
    "usage: zoet forcing transform IN.nc --knmi14 SC H -o OUT.nc [--p99 centr]\n"
    "                              [--region R] [--deltas DIR] [--quiet]\n"
    "       zoet forcing transform IN.nc --knmi23 SC H -o OUT.nc [--deltas DIR]\n"
    "\n"
    "Transform a station forcing file (from zoet forcing knmi) to a KNMI'14\n"
    "climate scenario, as KNMI's transformation program does\n"
    "(docs/knmi14-transform-spec.md): per station and calendar month the number of\n"
    "wet days and the wet-day amounts, the daily mean temperature by quantile, the\n"
    "global radiation; ET0 recomputed by Makkink. The whole file is the reference\n"
    "climate (KNMI: 1981-2010). A file without TG and Q keeps its temperature and\n"
    "radiation unknown: ET0 is then scaled by the scenario's monthly Makkink change\n"
    "(a fallback, said so and labelled in the file).\n"
    "\n"
    "  --knmi14 SC H   GL, GH, WL or WH and 2050 or 2085; or - 2030\n"
    "  --knmi23 SC H   Ln or Hd and 2050 or 2100: an APPROXIMATION by delta change\n"
    "                  (P and ET0 times monthly factors from national numbers,\n"
    "                  data/knmi23/approximation.csv), labelled so in the file\n"
    "  -o, --output    the forcing file to write\n"
    "  --p99 X         the 99th-percentile column: lower, centr (default), upper\n"
    "  --region R      every station's region (NON, MON, ...); default: each\n"
    "                  station's from the delta folder's stationstabel, or that\n"
    "                  of the nearest listed station of the file\n"
    "  --deltas DIR    the factor files (default: data/knmi14 or data/knmi23\n"
    "                  beside the program)\n";

static const char usage_stats[] =
    "usage: zoet stats RUN_DIR [--out DIR] [--quiet]\n"
    "\n"
    "Drought statistics of a run, per complete calendar year: the largest\n"
    "April-September precipitation deficit per station and for the north,\n"
    "shortage per province and class of the verdringingsreeks, the share of the\n"
    "peat within 20-40 cm, the IJsselmeer's lowest summer level and least buffer;\n"
    "their empirical return periods (Weibull plotting position), 1-in-2 and\n"
    "1-in-10 values, and the years that stand for the average year and the\n"
    "1-in-10 dry year (docs/table.md). Writes years.csv, return_periods.csv and\n"
    "summary.csv.\n"
    "\n"
    "  -o, --out DIR   where to write (default RUN_DIR/stats)\n"
    "  --quiet         print nothing but errors\n";

static const char usage_domain[] =
    "usage: zoet domain build DOMAIN.ini [--out DIR] [--quiet]\n"
    "\n"
    "Build domain.nc and districts.ini, as zoet run reads them, from GIS layers\n"
    "(any raster or vector format and coordinate system GDAL/OGR read): the grid,\n"
    "a layer per zoet field with its resampling rule and class table, constants\n"
    "where no layer gives a value, and the peilgebieden with their target levels\n"
    "(docs/domain.md).\n"
    "\n"
    "  -o, --out DIR   where to write (default: out/domain)\n"
    "  --quiet         print nothing but errors\n";

static const char usage_table[] =
    "usage: zoet table RUN_DIR... [--out DIR] [--quiet]\n"
    "\n"
    "The consultation table across runs, the first the reference: per run the\n"
    "statistics of `zoet stats` in its average year, its 1-in-10 dry year and\n"
    "2018 (when simulated), and the difference to the reference. Writes\n"
    "table.csv (tidy), table.md and table.html (charts and maps, self-contained)\n"
    "(docs/table.md).\n"
    "\n"
    "  -o, --out DIR   where to write (default: table)\n"
    "  --quiet         print nothing but errors\n";

static const char usage_map[] =
    "usage: zoet map FILE.nc VAR [--time N] [--scale K] [--vmin A --vmax B]\n"
    "                [--diverging] [--opaque] [--title T] [--outlines FILE | --no-outlines]\n"
    "                -o OUT.png\n"
    "\n"
    "Draw one time step (index N, default 0) of a gridded variable as a PNG map,\n"
    "north up, K pixels per cell (default 2), with a title (default: the\n"
    "variable's long name and the time), a colour bar with the units, the\n"
    "province outlines and names, and a scale bar. Beside it: OUT.png.txt (the\n"
    "legend as text: variable, units, time, colour range, statistics), OUT.pgw\n"
    "and OUT.png.aux.xml (so GIS places it in RD New). The colour range is\n"
    "--vmin..--vmax, else the 2nd-98th percentile; --diverging uses\n"
    "blue-white-red around 0; --opaque draws no-data cells light grey instead of\n"
    "transparent. --outlines draws the polygons of another vector file in RD New\n"
    "(default: data/boundaries/provinciegebied_noord_nederland_rd_new.geojson\n"
    "beside the program).\n";

static const char usage_chart[] =
    "usage: zoet chart FILE.csv --district ID --var A[,B...] [--title T] -o OUT.svg\n"
    "       zoet chart lake.csv --lake [--var A[,B...]] [--title T] -o OUT.svg\n"
    "\n"
    "Draw the daily series A, B, ... of one district from a district CSV\n"
    "(districts.csv of a run) as lines against the date, as an SVG chart.\n"
    "--lake draws the lake of a run (lake.csv) instead: by default its level\n"
    "against the peilbesluit's band (level, target, lower; docs/lake.md).\n";

static const char usage_calibrate[] =
    "usage: zoet calibrate CALIB.ini [--out DIR] [--threads N] [--quiet]\n"
    "\n"
    "Fit the parameters of a scenario to observed figures: NLopt's BOBYQA or\n"
    "Sbplx (derivative-free) minimises the weighted sum of squared deviations\n"
    "of the targets, each relative to its tolerance, one model run in this\n"
    "process per evaluation, within the parameters' bounds. CALIB.ini names\n"
    "the scenario, the parameters (scenario, parameter-table or district keys,\n"
    "start, min, max), the targets (a column of a CSV output, a period, a\n"
    "reduction, the observed value and its tolerance) and the budget\n"
    "(docs/calibration.md). Writes DIR/evaluations.csv (every run) and\n"
    "DIR/calibrated.ini (a scenario that extends the calibrated one), and\n"
    "prints the table of targets: observed, model, deviation.\n";

static const char usage_ensemble[] =
    "usage: zoet ensemble ENSEMBLE.ini [--jobs N] [--threads T] [--out DIR]\n"
    "                     [--slurm [--no-submit]] [--quiet]\n"
    "\n"
    "Run the members of an ensemble: every scenario file x climate x period that\n"
    "ENSEMBLE.ini lists (docs/hpc.md). Each member gets OUT/members/NAME/ with\n"
    "its own scenario.ini and log.txt; OUT/members.csv lists them with their\n"
    "status. Everything is checked first (each period against its forcing); the\n"
    "forcing is transformed once per climate. Members run as `zoet run` child\n"
    "processes, N at a time; a failed member is reported and the others go on.\n"
    "Run again, it skips complete members and continues the others from their\n"
    "newest checkpoint.\n"
    "\n"
    "  --jobs N      members at once (default: [local] jobs, else 1)\n"
    "  --threads T   OpenMP threads of each member (default: [local] threads, else 1)\n"
    "  --out DIR     the ensemble's folder (default: [ensemble] out)\n"
    "  --slurm       write OUT/slurm/members.sbatch (an array job, one task per\n"
    "                member, requeued tasks restart from their checkpoint) and\n"
    "                table.sbatch (zoet table after every task), and submit them\n"
    "  --no-submit   with --slurm: write the scripts only (submit.sh submits them)\n"
    "  --quiet       no progress lines\n"
    "\n"
    "exit status: 0 every member complete (--slurm: submitted), 3 one or more\n"
    "members failed, 2 bad input, 1 internal failure, 130/143 interrupted\n";

static int is_help(const char *a)
{
    return strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0;
}

/* Report a failure on one line and give the exit status. */
static int fail(const zt_err *err)
{
    fprintf(stderr, "zoet: %s\n", err->msg[0] ? err->msg : zt_strerror(err->status));
    return zt_status_is_user(err->status) ? 2 : 1;
}

/* A command-line error: one line naming the argument, and where help is. */
static int usage_error(const char *usage, const char *fmt, const char *arg)
{
    char cmd[64] = "zoet";
    const char *p = strstr(usage, "usage: ");
    if (p) {
        size_t n = strcspn(p + 7, " \n");
        const char *q = p + 7 + n;
        /* "zoet run", "zoet demo", ... : the first two words of the usage */
        n += strcspn(q + 1, " \n") + 1;
        if (n < sizeof cmd) {
            memcpy(cmd, p + 7, n);
            cmd[n] = '\0';
        }
    }
    fprintf(stderr, "zoet: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (see `%s --help`)\n", cmd);
    return 2;
}

static int parse_threads(const char *s, int *out)
{
    char *end;
    long v;
    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || *end || v < 1 || v > 1024) {
        return -1;
    }
    *out = (int)v;
    return 0;
}

/*
 * The next option of a command (getopt_long over argv[first..]; GNU
 * getopt moves the operands behind the options): the option's value
 * (getopt_long's return, its argument in optarg), -1 at the end, or -2
 * after printing a usage error (an unknown option or a missing value).
 * Reset optind to 0 before the first call of a command.
 */
static int next_opt(int argc, char **argv, const char *shortopts,
                    const struct option *longopts, const char *usage)
{
    int c;
    opterr = 0;
    c = getopt_long(argc, argv, shortopts, longopts, NULL);
    if (c == '?' || c == ':') {
        const char *arg = argv[optind - 1];
        usage_error(usage, "unknown option or missing value: %s", arg ? arg : "?");
        return -2;
    }
    return c;
}

enum { OPT_HELP = 'h', OPT_OUT = 'o', OPT_THREADS = 1000, OPT_RESTART, OPT_QUIET, OPT_DATA,
       OPT_STATIONS, OPT_FROM, OPT_TO, OPT_FILL, OPT_TIME, OPT_SCALE, OPT_VMIN, OPT_VMAX,
       OPT_DIVERGING, OPT_OPAQUE, OPT_DISTRICT, OPT_VAR, OPT_TITLE, OPT_LAKE, OPT_KNMI14, OPT_KNMI23,
       OPT_P99, OPT_REGION, OPT_DELTAS, OPT_OUTLINES, OPT_NO_OUTLINES };


static int cmd_run(int argc, char **argv, int check_only)
{
    const char *usage = check_only ? usage_check : usage_run;
    drv_run_opts o;
    drv_run_stats stats;
    zt_err err;
    int c;

    static const struct option run_opts[] = {
        {"help", no_argument, NULL, OPT_HELP},       {"threads", required_argument, NULL, OPT_THREADS},
        {"out", required_argument, NULL, OPT_OUT},   {"restart", required_argument, NULL, OPT_RESTART},
        {"quiet", no_argument, NULL, OPT_QUIET},     {NULL, 0, NULL, 0}};
    static const struct option check_opts[] = {{"help", no_argument, NULL, OPT_HELP},
                                               {NULL, 0, NULL, 0}};

    memset(&o, 0, sizeof o);
    zt_err_clear(&err);
    optind = 0;
    while ((c = next_opt(argc, argv, "h", check_only ? check_opts : run_opts, usage)) != -1) {
        switch (c) {
        case -2:
            return 2;
        case OPT_HELP:
            fputs(usage, stdout);
            return 0;
        case OPT_THREADS:
            if (parse_threads(optarg, &o.threads) != 0) {
                return usage_error(usage, "--threads: expected a whole number 1-1024, got '%s'",
                                   optarg);
            }
            break;
        case OPT_OUT:
            o.out_dir = optarg;
            break;
        case OPT_RESTART:
            o.restart = optarg;
            break;
        default: /* OPT_QUIET */
            o.quiet = 1;
            break;
        }
    }
    if (optind < argc) {
        o.scenario = argv[optind++];
    }
    if (optind < argc) {
        return usage_error(usage, "one scenario only; extra argument '%s'", argv[optind]);
    }
    if (!o.scenario) {
        return usage_error(usage, "%s", "no scenario file given");
    }
    o.check_only = check_only;
    /* SIGINT and SIGTERM only set a flag the time loop polls; SIGXFSZ is
       ignored, so that a write past `ulimit -f` fails with EFBIG */
    if (!check_only && io_outset_catch_signals(&err) != ZT_OK) {
        return fail(&err);
    }
    /* a line that moves on a terminal; a line a simulated month in a
       batch log */
    o.progress = o.quiet || check_only ? DRV_PROGRESS_NONE
                 : isatty(STDERR_FILENO) ? DRV_PROGRESS_TERMINAL
                                         : DRV_PROGRESS_LOG;
    if (drv_run(&o, &stats, &err) != ZT_OK) {
        int sig = io_outset_interrupted();
        if (sig) {
            if (o.progress == DRV_PROGRESS_TERMINAL) {
                fputc('\n', stderr);
            }
            fprintf(stderr, "zoet: %s\n", err.msg[0] ? err.msg : "interrupted");
            return 128 + sig;
        }
        return fail(&err);
    }
    if (check_only && !o.quiet) {
        printf("zoet check: %s: every input is valid\n", o.scenario);
    }
    return 0;
}

static int cmd_demo(int argc, char **argv)
{
    const char *out = "out/demo/input";
    char data[PATH_MAX];
    int quiet = 0, c;
    zt_err err;

    zt_err_clear(&err);
    io_data_dir(data, sizeof data);
    if (argc < 2 || is_help(argv[1])) {
        fputs(usage_demo, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "build") != 0) {
        return usage_error(usage_demo, "unknown demo command '%s'", argv[1]);
    }
    static const struct option lo[] = {{"help", no_argument, NULL, OPT_HELP},
                                       {"out", required_argument, NULL, OPT_OUT},
                                       {"data", required_argument, NULL, OPT_DATA},
                                       {"quiet", no_argument, NULL, OPT_QUIET},
                                       {NULL, 0, NULL, 0}};
    optind = 0;
    while ((c = next_opt(argc - 1, argv + 1, "h", lo, usage_demo)) != -1) {
        switch (c) {
        case -2:
            return 2;
        case OPT_HELP:
            fputs(usage_demo, stdout);
            return 0;
        case OPT_OUT:
            out = optarg;
            break;
        case OPT_DATA:
            snprintf(data, sizeof data, "%s", optarg);
            break;
        default: /* OPT_QUIET */
            quiet = 1;
            break;
        }
    }
    if (optind < argc - 1) {
        return usage_error(usage_demo, "unknown option or missing value: %s", argv[1 + optind]);
    }
    if (drv_demo_build(data, out, quiet, &err) != ZT_OK) {
        return fail(&err);
    }
    return 0;
}

static int cmd_transform(int argc, char **argv)
{
    drv_transform_opts o;
    char deltas[4096];
    zt_err err;
    int c;
    static const struct option opts[] = {
        {"help", no_argument, NULL, OPT_HELP},       {"output", required_argument, NULL, OPT_OUT},
        {"knmi14", required_argument, NULL, OPT_KNMI14}, {"knmi23", required_argument, NULL, OPT_KNMI23},
        {"p99", required_argument, NULL, OPT_P99},
        {"region", required_argument, NULL, OPT_REGION}, {"deltas", required_argument, NULL, OPT_DELTAS},
        {"quiet", no_argument, NULL, OPT_QUIET},     {NULL, 0, NULL, 0}};
    int given = 0;
    memset(&o, 0, sizeof o);
    o.p99 = "centr";
    io_data_dir(deltas, sizeof deltas);
    zt_err_clear(&err);
    optind = 0;
    while ((c = next_opt(argc, argv, "ho:", opts, usage_transform)) != -1) {
        switch (c) {
        case -2:
            return 2;
        case OPT_HELP:
            fputs(usage_transform, stdout);
            return 0;
        case OPT_OUT:
            o.out = optarg;
            break;
        case OPT_KNMI14:
        case OPT_KNMI23:
            /* two values: the scenario, then the horizon */
            if (optind >= argc || (argv[optind][0] == '-' && argv[optind][1] != '\0')) {
                return usage_error(usage_transform, "%s takes a scenario and a horizon",
                                   c == OPT_KNMI14 ? "--knmi14" : "--knmi23");
            }
            if (given++) {
                return usage_error(usage_transform, "%s", "give one of --knmi14 and --knmi23, once");
            }
            o.knmi23 = c == OPT_KNMI23;
            o.scenario = strcmp(optarg, "-") == 0 ? "" : optarg;
            o.horizon = argv[optind++];
            break;
        case OPT_P99:
            o.p99 = optarg;
            break;
        case OPT_REGION:
            o.region = optarg;
            break;
        case OPT_DELTAS:
            o.deltas = optarg;
            break;
        default: /* OPT_QUIET */
            o.quiet = 1;
            break;
        }
    }
    if (optind + 1 != argc || !o.out || !o.horizon) {
        return usage_error(usage_transform, "%s", "give IN.nc, --knmi14 SC H (or --knmi23 SC H) and -o OUT.nc");
    }
    if (o.knmi23 && !o.scenario[0]) {
        return usage_error(usage_transform, "%s", "--knmi23 takes a scenario: Ln or Hd");
    }
    if (!o.deltas) {
        strncat(deltas, o.knmi23 ? "/knmi23" : "/knmi14", sizeof deltas - strlen(deltas) - 1);
        o.deltas = deltas;
    }
    o.in = argv[optind];
    if (drv_transform(&o, &err) != ZT_OK) {
        return fail(&err);
    }
    if (!o.quiet) {
        printf("zoet forcing transform: wrote %s (KNMI'%s %s %s%s)\n", o.out, o.knmi23 ? "23" : "14",
               o.scenario[0] ? o.scenario : "-", o.horizon, o.knmi23 ? ", an approximation" : "");
    }
    return 0;
}

static int cmd_forcing(int argc, char **argv)
{
    const char **files = NULL;
    const char *out = NULL;
    io_knmi_opts ko;
    zt_err err;
    int nfiles = 0, i, c, rc, has_from = 0, has_to = 0;
    static const struct option forcing_opts[] = {
        {"help", no_argument, NULL, OPT_HELP},           {"output", required_argument, NULL, OPT_OUT},
        {"stations", required_argument, NULL, OPT_STATIONS}, {"from", required_argument, NULL, OPT_FROM},
        {"to", required_argument, NULL, OPT_TO},         {"fill-nearest", no_argument, NULL, OPT_FILL},
        {NULL, 0, NULL, 0}};

    zt_err_clear(&err);
    memset(&ko, 0, sizeof ko);
    ko.first = 1;
    ko.last = 0; /* first > last: the common period */
    if (argc < 2 || is_help(argv[1])) {
        fputs(usage_forcing, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "transform") == 0) {
        return cmd_transform(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "knmi") != 0) {
        return usage_error(usage_forcing, "unknown forcing command '%s' (known: knmi, transform)",
                           argv[1]);
    }
    files = calloc((size_t)argc, sizeof *files);
    if (!files) {
        fprintf(stderr, "zoet: out of memory\n");
        return 1;
    }
    optind = 0;
    while ((c = next_opt(argc - 1, argv + 1, "ho:", forcing_opts, usage_forcing)) != -1) {
        zt_day d;
        switch (c) {
        case -2:
            free(files);
            return 2;
        case OPT_HELP:
            fputs(usage_forcing, stdout);
            free(files);
            return 0;
        case OPT_OUT:
            out = optarg;
            break;
        case OPT_STATIONS:
            ko.stations = optarg;
            break;
        case OPT_FROM:
        case OPT_TO:
            if (zt_day_parse(optarg, &d) != 0) {
                free(files);
                return usage_error(usage_forcing, "bad date '%s' (expected YYYY-MM-DD)", optarg);
            }
            *(c == OPT_FROM ? &ko.first : &ko.last) = d;
            *(c == OPT_FROM ? &has_from : &has_to) = 1;
            break;
        default: /* OPT_FILL */
            ko.fill_nearest = 1;
            break;
        }
    }
    for (i = 1 + optind; i < argc; i++) {
        files[nfiles++] = argv[i];
    }
    if (nfiles == 0 || !out) {
        free(files);
        return usage_error(usage_forcing, "%s", "give one or more KNMI files and -o OUT.nc");
    }
    if (has_from != has_to) {
        free(files);
        return usage_error(usage_forcing, "%s", "give both --from and --to, or neither");
    }
    rc = 0;
    if (io_knmi_import(files, nfiles, &ko, out, stderr, &err) != ZT_OK) {
        rc = fail(&err);
    } else {
        printf("zoet forcing: wrote %s from %d KNMI file(s)\n", out, nfiles);
    }
    free(files);
    return rc;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    *out = strtod(s, &end);
    return (errno || *end || end == s) ? -1 : 0;
}

static int cmd_map(int argc, char **argv)
{
    const char *file = NULL, *var = NULL, *out = NULL;
    io_map_style mo;
    long t = 0;
    zt_err err;
    int c;
    static const struct option map_opts[] = {
        {"help", no_argument, NULL, OPT_HELP},          {"time", required_argument, NULL, OPT_TIME},
        {"scale", required_argument, NULL, OPT_SCALE},  {"vmin", required_argument, NULL, OPT_VMIN},
        {"vmax", required_argument, NULL, OPT_VMAX},    {"diverging", no_argument, NULL, OPT_DIVERGING},
        {"opaque", no_argument, NULL, OPT_OPAQUE},
        {"title", required_argument, NULL, OPT_TITLE},
        {"outlines", required_argument, NULL, OPT_OUTLINES},
        {"no-outlines", no_argument, NULL, OPT_NO_OUTLINES},
        {NULL, 0, NULL, 0}};

    zt_err_clear(&err);
    io_map_style_default(&mo);
    mo.scale = 2;
    optind = 0;
    while ((c = next_opt(argc, argv, "ho:", map_opts, usage_map)) != -1) {
        double x;
        switch (c) {
        case -2:
            return 2;
        case OPT_HELP:
            fputs(usage_map, stdout);
            return 0;
        case OPT_OUT:
            out = optarg;
            break;
        case OPT_TIME:
            if (parse_double(optarg, &x) != 0 || x < 0 || x != (double)(long)x) {
                return usage_error(usage_map, "--time: expected an index 0, 1, ..., got '%s'",
                                   optarg);
            }
            t = (long)x;
            break;
        case OPT_SCALE:
            if (parse_double(optarg, &x) != 0 || x < 1 || x > 64 || x != (double)(int)x) {
                return usage_error(usage_map, "--scale: expected 1-64, got '%s'", optarg);
            }
            mo.scale = (int)x;
            break;
        case OPT_VMIN:
        case OPT_VMAX:
            if (parse_double(optarg, &x) != 0) {
                return usage_error(usage_map, "expected a number, got '%s'", optarg);
            }
            *(c == OPT_VMIN ? &mo.vmin : &mo.vmax) = x;
            break;
        case OPT_DIVERGING:
            mo.diverging = 1;
            break;
        case OPT_TITLE:
            mo.title = optarg;
            break;
        case OPT_OUTLINES:
            if (optarg[0] == '\0') {
                return usage_error(usage_map, "%s", "--outlines: give a file (or --no-outlines)");
            }
            mo.outlines = optarg;
            break;
        case OPT_NO_OUTLINES:
            mo.outlines = "";
            break;
        default: /* OPT_OPAQUE */
            mo.opaque = 1;
            break;
        }
    }
    file = optind < argc ? argv[optind++] : NULL;
    var = optind < argc ? argv[optind++] : NULL;
    if (optind < argc) {
        return usage_error(usage_map, "extra argument '%s'", argv[optind]);
    }
    if (!file || !var || !out) {
        return usage_error(usage_map, "%s", "give FILE.nc, VAR and -o OUT.png");
    }
    if (io_map_png(file, var, t, out, &mo, &err) != ZT_OK) {
        return fail(&err);
    }
    printf("zoet map: wrote %s (legend in %s.txt)\n", out, out);
    return 0;
}

/* The options --out DIR and --quiet of a command that takes folders:
 * -1 to go on (the operands from optind), else the exit status. */
static int out_quiet_opts(int argc, char **argv, const char *usage, const char **out, int *quiet)
{
    int c;
    static const struct option opts[] = {{"help", no_argument, NULL, OPT_HELP},
                                         {"out", required_argument, NULL, OPT_OUT},
                                         {"quiet", no_argument, NULL, OPT_QUIET},
                                         {NULL, 0, NULL, 0}};
    optind = 0;
    while ((c = next_opt(argc, argv, "ho:", opts, usage)) != -1) {
        if (c == -2) {
            return 2;
        }
        if (c == OPT_HELP) {
            fputs(usage, stdout);
            return 0;
        }
        if (c == OPT_OUT) {
            *out = optarg;
        } else {
            *quiet = 1;
        }
    }
    return -1;
}

static int cmd_stats(int argc, char **argv)
{
    const char *out = NULL;
    char def[4096];
    int quiet = 0;
    zt_err err;
    drv_stats s;
    const int rc = out_quiet_opts(argc, argv, usage_stats, &out, &quiet);
    if (rc >= 0) {
        return rc;
    }
    if (optind + 1 != argc) {
        return usage_error(usage_stats, "%s", "give one RUN_DIR");
    }
    if (!out) {
        out = io_path_join(argv[optind], "stats", def, sizeof def);
    }
    zt_err_clear(&err);
    if (drv_stats_compute(argv[optind], &s, &err) != ZT_OK) {
        return fail(&err);
    }
    zt_status st = drv_stats_write(&s, out, &err);
    if (st == ZT_OK && !quiet) {
        char avg[64], dry[64];
        snprintf(avg, sizeof avg, s.avg_year ? "%d" : "none (no precipitation deficit)",
                 s.avg_year);
        snprintf(dry, sizeof dry, s.dry10_year ? "%d" : "none (fewer than 9 years or no deficit)",
                 s.dry10_year);
        printf("zoet stats: %d complete year(s) %d-%d; average year %s, 1-in-10 dry year %s; "
               "wrote %s/years.csv, return_periods.csv, summary.csv\n",
               s.ny, s.y0, s.y0 + s.ny - 1, avg, dry, out);
    }
    drv_stats_free(&s);
    return st == ZT_OK ? 0 : fail(&err);
}

static int cmd_domain(int argc, char **argv)
{
    const char *out = "out/domain";
    int quiet = 0;
    zt_err err;
    if (argc < 2 || is_help(argv[1])) {
        fputs(usage_domain, argc < 2 ? stderr : stdout);
        return argc < 2 ? 2 : 0;
    }
    if (strcmp(argv[1], "build") != 0) {
        return usage_error(usage_domain, "unknown domain command '%s'", argv[1]);
    }
    const int rc = out_quiet_opts(argc - 1, argv + 1, usage_domain, &out, &quiet);
    if (rc >= 0) {
        return rc;
    }
    if (optind + 2 != argc) {
        return usage_error(usage_domain, "%s", "give one DOMAIN.ini");
    }
    zt_err_clear(&err);
    return drv_domain_build(argv[optind + 1], out, quiet, &err) == ZT_OK ? 0 : fail(&err);
}

static int cmd_table(int argc, char **argv)
{
    const char *out = "table";
    int quiet = 0;
    zt_err err;
    const int rc = out_quiet_opts(argc, argv, usage_table, &out, &quiet);
    if (rc >= 0) {
        return rc;
    }
    if (optind >= argc) {
        return usage_error(usage_table, "%s", "give one or more RUN_DIR, the reference first");
    }
    zt_err_clear(&err);
    if (drv_table((const char *const *)argv + optind, argc - optind, out, quiet, &err) != ZT_OK) {
        return fail(&err);
    }
    return 0;
}

static int cmd_calibrate(int argc, char **argv)
{
    const char *file = NULL, *out = NULL;
    int threads = 0, quiet = 0, c;
    drv_calib_result res;
    zt_err err;
    static const struct option opts[] = {{"help", no_argument, NULL, OPT_HELP},
                                         {"out", required_argument, NULL, OPT_OUT},
                                         {"threads", required_argument, NULL, OPT_THREADS},
                                         {"quiet", no_argument, NULL, OPT_QUIET},
                                         {NULL, 0, NULL, 0}};
    zt_err_clear(&err);
    optind = 0;
    while ((c = next_opt(argc, argv, "h", opts, usage_calibrate)) != -1) {
        switch (c) {
        case -2:
            return 2;
        case OPT_HELP:
            fputs(usage_calibrate, stdout);
            return 0;
        case OPT_OUT:
            out = optarg;
            break;
        case OPT_THREADS:
            if (parse_threads(optarg, &threads) != 0) {
                return usage_error(usage_calibrate,
                                   "--threads: expected a whole number 1-1024, got '%s'", optarg);
            }
            break;
        default: /* OPT_QUIET */
            quiet = 1;
            break;
        }
    }
    file = optind < argc ? argv[optind++] : NULL;
    if (optind < argc) {
        return usage_error(usage_calibrate, "extra argument '%s'", argv[optind]);
    }
    if (!file) {
        return usage_error(usage_calibrate, "%s", "no calibration file given");
    }
    if (io_outset_catch_signals(&err) != ZT_OK) {
        return fail(&err);
    }
    if (drv_calibrate(file, out, threads, quiet, &res, &err) != ZT_OK) {
        const int sig = io_outset_interrupted();
        if (sig) {
            fprintf(stderr, "zoet: %s (after %d runs; evaluations.csv holds them)\n",
                    err.msg[0] ? err.msg : "interrupted", res.nevals);
            return 128 + sig;
        }
        return fail(&err);
    }
    return 0;
}

static int cmd_chart(int argc, char **argv)
{
    const char *file = NULL, *district = NULL, *vars = NULL, *out = NULL, *title = NULL;
    const char *cols[32];
    char buf[1024];
    zt_err err;
    int c, ncol = 0, lake = 0;
    static const struct option chart_opts[] = {
        {"help", no_argument, NULL, OPT_HELP},
        {"district", required_argument, NULL, OPT_DISTRICT},
        {"var", required_argument, NULL, OPT_VAR},
        {"title", required_argument, NULL, OPT_TITLE},
        {"lake", no_argument, NULL, OPT_LAKE},
        {NULL, 0, NULL, 0}};

    zt_err_clear(&err);
    optind = 0;
    while ((c = next_opt(argc, argv, "ho:", chart_opts, usage_chart)) != -1) {
        switch (c) {
        case -2:
            return 2;
        case OPT_HELP:
            fputs(usage_chart, stdout);
            return 0;
        case OPT_OUT:
            out = optarg;
            break;
        case OPT_DISTRICT:
            district = optarg;
            break;
        case OPT_VAR:
            vars = optarg;
            break;
        case OPT_LAKE:
            lake = 1;
            break;
        default: /* OPT_TITLE */
            title = optarg;
            break;
        }
    }
    file = optind < argc ? argv[optind++] : NULL;
    if (optind < argc) {
        return usage_error(usage_chart, "extra argument '%s'", argv[optind]);
    }
    if (lake && district) {
        return usage_error(usage_chart, "%s", "--lake or --district, not both");
    }
    if (lake) {
        district = "ijsselmeer_markermeer"; /* the one lake of lake.csv */
        vars = vars ? vars : "level,target,lower";
        title = title ? title : "IJsselmeer and Markermeer: level and peilbesluit (m NAP)";
    }
    if (!file || !district || !vars || !out) {
        return usage_error(usage_chart, "%s", "give FILE.csv, --district, --var and -o OUT.svg");
    }
    if (strlen(vars) >= sizeof buf) {
        return usage_error(usage_chart, "%s", "--var: list too long");
    }
    memcpy(buf, vars, strlen(vars) + 1);
    for (char *tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        if (ncol == (int)(sizeof cols / sizeof cols[0])) {
            return usage_error(usage_chart, "%s", "--var: at most 32 series");
        }
        cols[ncol++] = tok;
    }
    if (io_chart_svg(file, lake ? "lake" : "district", district, cols, ncol, out, title, &err) !=
        ZT_OK) {
        return fail(&err);
    }
    printf("zoet chart: wrote %s\n", out);
    return 0;
}

static int cmd_ensemble(int argc, char **argv)
{
    enum { E_JOBS = 2000, E_SLURM, E_NO_SUBMIT };
    static const struct option opts[] = {
        {"help", no_argument, NULL, OPT_HELP},       {"jobs", required_argument, NULL, E_JOBS},
        {"threads", required_argument, NULL, OPT_THREADS}, {"out", required_argument, NULL, OPT_OUT},
        {"slurm", no_argument, NULL, E_SLURM},       {"no-submit", no_argument, NULL, E_NO_SUBMIT},
        {"quiet", no_argument, NULL, OPT_QUIET},     {NULL, 0, NULL, 0}};
    drv_ens_opts o;
    drv_ens_result res;
    char exe[PATH_MAX];
    zt_err err;
    int c;

    memset(&o, 0, sizeof o);
    zt_err_clear(&err);
    optind = 0;
    while ((c = next_opt(argc, argv, "h", opts, usage_ensemble)) != -1) {
        switch (c) {
        case -2:
            return 2;
        case OPT_HELP:
            fputs(usage_ensemble, stdout);
            return 0;
        case E_JOBS:
        case OPT_THREADS:
            if (parse_threads(optarg, c == E_JOBS ? &o.jobs : &o.threads) != 0) {
                return usage_error(usage_ensemble, "expected a whole number 1-1024, got '%s'",
                                   optarg);
            }
            break;
        case OPT_OUT:
            o.out = optarg;
            break;
        case E_SLURM:
            o.slurm = 1;
            break;
        case E_NO_SUBMIT:
            o.no_submit = 1;
            break;
        default: /* OPT_QUIET */
            o.quiet = 1;
            break;
        }
    }
    o.file = optind < argc ? argv[optind++] : NULL;
    if (optind < argc) {
        return usage_error(usage_ensemble, "one ensemble file only; extra argument '%s'",
                           argv[optind]);
    }
    if (!o.file) {
        return usage_error(usage_ensemble, "%s", "no ensemble file given");
    }
    if (o.no_submit && !o.slurm) {
        return usage_error(usage_ensemble, "%s", "--no-submit goes with --slurm");
    }
    /* the members run this very program, by its absolute path */
    if (!realpath("/proc/self/exe", exe)) {
        fprintf(stderr, "zoet: cannot find the program's own path: %s\n", strerror(errno));
        return 1;
    }
    o.exe = exe;
    if (io_outset_catch_signals(&err) != ZT_OK) {
        return fail(&err);
    }
    if (drv_ensemble(&o, &res, &err) != ZT_OK) {
        const int sig = io_outset_interrupted();
        if (sig) {
            fprintf(stderr, "zoet: %s\n", err.msg[0] ? err.msg : "interrupted");
            return 128 + sig;
        }
        return fail(&err);
    }
    return res.nfailed > 0 || res.table_failed ? 3 : 0;
}

/* `zoet run` with passive OpenMP waiting (see the top of this file). */
static void wait_policy(char **argv)
{
    if (getenv("OMP_WAIT_POLICY") || getenv("GOMP_SPINCOUNT")) {
        return;
    }
    if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0) {
        return;
    }
    (void)execv("/proc/self/exe", argv);
}

int main(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "run") == 0) {
        wait_policy(argv);
    }
    (void)H5dont_atexit(); /* see the top of this file */
    /* zoet reports HDF5's failures itself, through netCDF's status codes;
       HDF5's own error stack on stderr (also from netCDF's probes for
       optional attributes when a file is opened again, as at a checkpoint)
       would bury that one line. The setting is per thread: the writer
       thread sets it too (io_out.c). */
    (void)H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
    if (argc < 2) {
        fputs(usage_main, stderr);
        return 2;
    }
    if (is_help(argv[1])) {
        fputs(usage_main, stdout);
        return 0;
    }
    if (strcmp(argv[1], "--version") == 0) {
        printf("zoet %s\n", ZOET_VERSION);
        return 0;
    }
    if (strcmp(argv[1], "run") == 0) {
        return cmd_run(argc - 1, argv + 1, 0);
    }
    if (strcmp(argv[1], "check") == 0) {
        return cmd_run(argc - 1, argv + 1, 1);
    }
    if (strcmp(argv[1], "demo") == 0) {
        return cmd_demo(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "domain") == 0) {
        return cmd_domain(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "forcing") == 0) {
        return cmd_forcing(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "map") == 0) {
        return cmd_map(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "chart") == 0) {
        return cmd_chart(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "table") == 0) {
        return cmd_table(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "stats") == 0) {
        return cmd_stats(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "calibrate") == 0) {
        return cmd_calibrate(argc - 1, argv + 1);
    }
    if (strcmp(argv[1], "ensemble") == 0) {
        return cmd_ensemble(argc - 1, argv + 1);
    }
    fprintf(stderr, "zoet: unknown command '%s'\n%s", argv[1], usage_main);
    return 2;
}
