/*
 * grid_demo.c: the built-in Noord-Nederland demo domain (Fryslân, Groningen,
 * Drenthe) on an RD New grid.
 *
 * What is real and what is invented (docs/demo-domain.md is the user's
 * version of this comment):
 *
 * - REAL: the province polygons (PDOK/Kadaster Provinciegebied, read from the
 *   GeoJSON in data/boundaries/ with GDAL/OGR and rasterised with
 *   GDALRasterizeGeometries, cell-centre rule, ALL_TOUCHED off).
 * - SCHEMATIC (hand-digitised, accurate to about 1-2 km): the water inside the
 *   province polygons (Wadden Sea with the Eems-Dollard, IJsselmeer,
 *   Lauwersmeer) and the Wadden islands, as the static const vertex tables
 *   below. They were chosen by the author from the positions of coastal towns,
 *   dikes and harbours (Zurich, Harlingen, Zwarte Haan, Holwerd, Moddergat,
 *   Lauwersoog, Pieterburen, Eemshaven, Delfzijl, Termunten, Nieuwe
 *   Statenzijl; Makkum, Hindeloopen, Stavoren, Laaxum, Oudemirdum, Lemmer),
 *   written as WGS84 positions from general geographic knowledge, converted to
 *   RD New with PROJ (gdaltransform, EPSG:4326 -> EPSG:28992) and rounded to
 *   100 m. They are rasterised through OGR as well.
 * - INVENTED: every other field, from simple rules of distance to named
 *   places. The rules and their parameters are listed below and in the docs;
 *   every number without a source is an estimate [E].
 *
 * Cell classes. A cell is LAND when its centre lies inside a province polygon
 * and outside the water polygons, or inside an island polygon; land cells are
 * active (mask 1). A WATER cell (inside a province and a water polygon) is
 * fixed head (mask 2) when it lies within DEMO_BAND_M = 2000 m of a land cell
 * (Euclidean distance between cell centres), else inactive. Everything
 * outside the provinces is inactive. The grid is the bounding box of the
 * active and fixed-head cells, on multiples of dx.
 *
 * Distances. Distance fields (to the sea, to the IJsselmeer, to land, into a
 * peat area) are exact Euclidean distance transforms of binary rasters by the
 * lower envelope of parabolas of Felzenszwalb and Huttenlocher (2012),
 * "Distance transforms of sampled functions", Theory of Computing 8:415-428:
 *     D(p) = min_q ( |p - q|^2 + f(q) ),  f = 0 on the feature, +inf elsewhere,
 * done as one 1-D pass along the columns and one along the rows.
 *
 * Soil (first rule that applies): island -> sand; Gaasterland disc -> sand;
 * within DEMO_CLAY_M = 17 km of the Wadden Sea / Eems / Dollard -> clay
 * (Friese and Groninger klei, Hogeland, Oldambt); Fryslân within 4 km of the
 * IJsselmeer -> clay; Fryslân inside the triangle Dokkum-Wolvega-Workum or the
 * Tjeukemeer disc -> peat (low peat; where the triangle lies within 17 km of
 * the sea the clay cover wins and the cell is clay); the other low-peat
 * discs (Groningen), the Drenthe bog disc and the brook valleys -> peat;
 * Fryslân west of the line Dokkum-Wolvega (the Zuidwesthoek) -> clay;
 * everything else sand.
 *
 * Surface level (m NAP) per soil:
 *     sand:  z = IDW(control points, power 2) + Hondsrug ridge
 *            ridge = h(t) exp(-(d / 1500 m)^2), h from 2 m (Haren) to 6 m
 *            (Emmen) along the Hondsrug line, d the distance to that line;
 *            Veenkoloniën: z = 2 + 8 t (t = 0 at Hoogezand, 1 at
 *            Emmer-Compascuum), blended into the IDW over 3-5 km from the
 *            line; Gaasterland: z = max(z, 1 + 4 (1 - d / 5 km)).
 *     clay:  z = 1.5 (1 - d_sea / 17 km); farther from the sea (IJsselmeer
 *            coast, Zuidwesthoek) z = 0.5 (1 - d_IJsselmeer / 4 km)
 *     low peat (Fryslân, Groningen): z = -0.5 - a min(d_in / 6 km, 1),
 *            a = 2.0 m in Fryslân, 1.0 m in Groningen; d_in the distance
 *            from the cell to the nearest land cell that is not peat
 *     Drenthe peat (bog, valley): z = IDW - 1.0
 *     islands: polder +1.5, dunes +5.0; lakes: their water level
 *     fixed head: IJsselmeer -0.20 (FACTS.md §1, nominal summer level),
 *            Wadden Sea / Eems-Dollard 0.00, Lauwersmeer -0.90 [E]
 * Initial groundwater depth below surface (m): peat 0.4 (centre) to 0.6
 * (edge); clay 0.8 + 0.4 min(z / 1.5, 1); sand 1.0 + 1.5 min(max(z, 0) / 20, 1);
 * open water and urban as their soil; 0 for open water.
 * Land use: lakes (discs) -> water; towns (discs of area = inhabitants x
 * DEMO_URBAN_M2 = 300 m2 [E]) -> urban; nature discs and valleys -> nature;
 * land within 1.5 km of the Lauwersmeer -> nature; islands: the northern 60 %
 * of each column of an island -> nature (dunes), the rest grass; peat ->
 * grass; clay in Groningen, in Het Bildt and within 8 km of the Wadden Sea ->
 * arable, other clay -> grass; sand in the Veenkoloniën -> arable; sand in
 * Drenthe and Groningen -> arable in 40 % of 1-km blocks (hash), else grass;
 * sand in Fryslân -> grass. Capital-intensive crops: 25 % of the arable 1-km
 * blocks of Het Bildt, 10 % of the arable blocks on Drents sand, and all farm
 * land in a flower-bulb disc west of Hoogeveen.
 * Sprinkling source: every capital-intensive cell, and grass and arable
 * cells in 26 % of the 1-km blocks (the hash of the block shifted 333 km
 * east, h mod 100 < 26: the national share of farm land that can be
 * sprinkled, CBS 2010, FACTS.md §4); sand -> groundwater, clay or peat ->
 * surface water (Friesland sprinkles mostly from surface water, Drenthe's
 * sand from wells, FACTS.md §4); nature, urban and water -> none.
 * Hash: h = 73856093 bx XOR 19349663 by (uint32) with the 1-km block indices
 * bx = floor(x / 1000), by = floor(y / 1000) of the cell centre, then
 * h ^= h >> 13; h *= 0x5bd1e995; h ^= h >> 15; the class uses h mod 100.
 * Districts: Voronoi cells of seeds on a 5 km lattice ((5000 i + 2500,
 * 5000 j + 2500) m) that fall on land of a province, per province and per
 * 8-connected land component (a component without a seed gets one at its
 * cell nearest its centroid); districts under 10 km2 are merged into their
 * largest 4-neighbour of the same province (else the nearest district of the
 * province), then districts over 50 km2 are halved along their longer side
 * until none is; ids = province x 1000 + n, n from 1 in order of the first
 * cell (row 0 south, column 0 west).
 * Groundwater (issue 3; the DEMO_KD_*, DEMO_CV_*, DEMO_Q_* ... parameters
 * below): kD, cv, the aimed seepage q and the ditch resistance of a cell are
 * linear in one coordinate per soil (into the peat, away from the coast, up
 * the sand plateau); the deep head is phi = h0 + q cv at the initial water
 * table h0 = z - depth, so that (phi - h0)/cv = q, FACTS.md §8's [E]
 * seepage; ditch infiltration resistance 1.5 x drainage; trenches on grass
 * on clay and peat, tile drains under arable and capital crops on clay.
 * Peat thickness (m; DEMO_PEAT_T_*): in an active peat cell
 *     T = min(T_max(province), 0.3 + 0.5 d_in / 1 km),
 * d_in the exact distance from the cell centre to the nearest active cell
 * that is not peat (the distance transform above, as for the peat's surface
 * level); T_max Fryslân 2.5 m, Groningen 1.5 m, Drenthe 0.5 m [E]; 0 in
 * other active cells, NAN in inactive and fixed-head cells.
 * District table (grid_demo_districts): levels from the 10th percentile of
 * the land's surface minus a drainage depth by dominant soil, flushing of
 * FACTS.md §1 shared by area among the coastal districts.
 */
#include "grid_demo.h"

#include <cpl_error.h>
#include <gdal.h>
#include <gdal_alg.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>

#include <assert.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* ---- parameters ------------------------------------------------------------ */

#define DEMO_BAND_M 2000.0         /* width of the fixed-head band (m), issue text */
#define DEMO_CLAY_M 17000.0        /* clay belt behind the Wadden coast (m) [E] */
#define DEMO_IJCLAY_M 4000.0       /* clay belt along the IJsselmeer, Fryslân (m) [E] */
#define DEMO_PEAT_DEEP_M 6000.0    /* distance into low peat of the lowest level (m) [E] */
#define DEMO_URBAN_M2 300.0        /* built-up land per inhabitant (m2) [E] */
#define DEMO_SEED_M 5000.0         /* district seed lattice (m), issue text */
#define DEMO_DIST_MIN_M2 10.0e6    /* smallest district (m2), issue text */
#define DEMO_DIST_MAX_M2 50.0e6    /* largest district (m2), issue text */
#define DEMO_LEVEL_IJSSEL (-0.20)  /* IJsselmeer level (m NAP), FACTS.md §1 */
#define DEMO_LEVEL_WADDEN 0.00     /* Wadden Sea, Eems-Dollard (m NAP) [E] */
#define DEMO_LEVEL_LAUWERS (-0.90) /* Lauwersmeer (m NAP) [E] */
#define DEMO_LEVEL_BOEZEM (-0.52)  /* Friese boezem target level (m NAP), FACTS.md §1 */
#define DEMO_LEVEL_GRLAKE (-0.93)  /* Groningen/Drenthe lakes (m NAP) [E] */

/*
 * Groundwater (docs/demo-domain.md, "Groundwater"; FACTS.md §8; every
 * number [E] unless a source is named). Units: kD m2/d, resistances d, fluxes mm/d (> 0 up,
 * seepage), depths m below surface. Each quantity varies linearly between
 * the two values given with a 0-1 coordinate: into the peat
 * tp = min(d_in / 6 km, 1); away from the coast tc = d_sea / 17 km (or
 * d_IJsselmeer / 4 km on the IJsselmeer clay); up the sand plateau
 * ts = min(max(z, 0) / 20 m, 1).
 */
#define DEMO_GW_SAND_TOP_M 20.0     /* sand level of the top of the plateau (m NAP) [E] */
#define DEMO_CLAY_TOP_M 1.5         /* highest clay (m NAP), as the surface rule */
#define DEMO_KD_PEAT_EDGE 5.0       /* Holocene cover at the peat edge (m2/d) [E] */
#define DEMO_KD_PEAT_DEEP 20.0      /* ... in the deep polders (m2/d) [E] */
#define DEMO_KD_CLAY_COAST 30.0     /* young sandy sea clay at the coast (m2/d) [E] */
#define DEMO_KD_CLAY_INLAND 10.0    /* older, heavier clay inland (m2/d) [E] */
#define DEMO_KD_SAND_LOW 300.0      /* low sand, thick Pleistocene (m2/d) [E] */
#define DEMO_KD_SAND_HIGH 50.0      /* plateau top, boulder clay shallow (m2/d) [E] */
#define DEMO_KD_SAND_MIN 50.0       /* lowest sand kD (m2/d) [E] */
#define DEMO_BOULDER_PCT 30u        /* % of Drenthe's 1-km sand blocks on boulder clay [E] */
#define DEMO_BOULDER_SHIFT 666000.0 /* m: decorrelates from the other hashes */
#define DEMO_CV_PEAT_EDGE 1000.0    /* cv of the peat cover at its edge (d) [E] */
#define DEMO_CV_PEAT_DEEP 2000.0    /* ... in the deep polders (d) [E] */
#define DEMO_CV_VALLEY 300.0        /* brook-valley peat on sand (d) [E] */
#define DEMO_CV_BOG 1500.0          /* raised bog (d) [E] */
#define DEMO_CV_CLAY_COAST 1500.0   /* thick clay at the coast (d) [E] */
#define DEMO_CV_CLAY_INLAND 500.0   /* thin clay inland (d) [E] */
#define DEMO_CV_SAND_LOW 200.0      /* low sand (d) [E] */
#define DEMO_CV_SAND_HIGH 500.0     /* plateau top, boulder clay (d) [E] */
#define DEMO_Q_PEAT_EDGE 0.2        /* seepage, peat edge (mm/d), FACTS §8 [E] 0.1-0.5 */
#define DEMO_Q_PEAT_DEEP 0.4        /* seepage, deep polders (mm/d), FACTS §8 [E] */
#define DEMO_Q_VALLEY 1.0           /* seepage, brook valleys (mm/d), FACTS §8 [E] 0.5-2 */
#define DEMO_Q_BOG (-0.3)           /* infiltration, raised bog (mm/d) [E] */
#define DEMO_Q_CLAY_COAST 0.1       /* brackish seepage at the coast (mm/d) [E], FACTS §8 */
#define DEMO_Q_SAND_LOW (-0.3)      /* infiltration, low sand (mm/d), FACTS §8 [E] */
#define DEMO_Q_SAND_HIGH (-1.0)     /* infiltration, plateau top (mm/d), FACTS §8 [E] */
#define DEMO_DITCH_PEAT_EDGE 100.0  /* ditch resistance (d) ~ spacing (m), FACTS §8 [S/E] */
#define DEMO_DITCH_PEAT_DEEP 30.0   /* narrow peat parcels, 30 m (d), FACTS §8 [E] */
#define DEMO_DITCH_CLAY_LOW 100.0   /* clay, low land (d) [E] */
#define DEMO_DITCH_CLAY_HIGH 150.0  /* clay, high land (d) [E] */
#define DEMO_DITCH_SAND_LOW 150.0   /* low sand (d) [E] */
#define DEMO_DITCH_SAND_HIGH 300.0  /* plateau top, few ditches (d) [E] */
#define DEMO_DITCH_INF_FACTOR 1.5   /* infiltration / drainage resistance (-) [E] */
#define DEMO_TRENCH_DEPTH 0.3       /* greppels on grass on clay and peat (m) [E] */
#define DEMO_TRENCH_C 30.0          /* their resistance (d) [E] */
#define DEMO_TILE_DEPTH 1.0         /* tile drains, arable and capital on clay (m) [E] */
#define DEMO_TILE_C 20.0            /* their resistance (d), FACTS §8 [E] 10-30 */

/*
 * Peat thickness (docs/demo-domain.md, "Peat thickness"), a schematic [E]:
 * thin at the edge of a peat area, thicker inwards, up to a maximum per
 * province. The Frisian and Groningen peat meadows hold 1-3 m of peat; the
 * Drents veenkolonien were dug out and keep remnants. To be replaced by the
 * peat thickness of the BRO/BIS soil map or of the GeoTOP model.
 */
#define DEMO_PEAT_T_EDGE 0.3          /* m at the edge of a peat area [E] */
#define DEMO_PEAT_T_PER_KM 0.5        /* m more per km into the peat [E] */
#define DEMO_PEAT_T_MAX_FRYSLAN 2.5   /* m [E] */
#define DEMO_PEAT_T_MAX_GRONINGEN 1.5 /* m [E] */
#define DEMO_PEAT_T_MAX_DRENTHE 0.5   /* m [E]: remnants of dug-out peat */

/* Water classes of the polygon raster. */
enum { DW_LAND = 0, DW_WADDEN = 1, DW_IJSSEL = 2, DW_LAUWERS = 3, DW_ISLAND = 4 };

typedef struct demo_xy {
    double x, y; /* RD New (m) */
} demo_xy;

/* ---- hand-digitised water and island polygons (RD New, m) ------------------ */

/* Wadden Sea, Eems and Dollard: the mainland dike from the Afsluitdijk
 * (Breezanddijk, Kornwerderzand, Zurich) along Harlingen, Zwarte Haan,
 * Holwerd, Moddergat, the Lauwersmeer dam, Lauwersoog, Pieterburen,
 * Uithuizen, Eemshaven, Delfzijl, Termunten to Nieuwe Statenzijl; closed far
 * out at sea (outside the provinces the polygon has no effect). */
static const demo_xy demo_wadden[] = {
    {131700, 549800}, {142400, 559200}, {151200, 564800}, {155200, 568700}, {155900, 570400},
    {156200, 576500}, {157900, 580400}, {160500, 584300}, {164500, 588200}, {170500, 591500},
    {175800, 594300}, {182500, 597100}, {187800, 600000}, {192400, 601100}, {196400, 601700},
    {200400, 602300}, {205100, 602300}, {209700, 602900}, {215700, 603600}, {219000, 604200},
    {225700, 604800}, {232300, 605500}, {240200, 606700}, {246200, 607400}, {250900, 608000},
    {254200, 605900}, {256300, 601500}, {257800, 595900}, {260500, 593800}, {264500, 591600},
    {265900, 591700}, {269300, 588400}, {273300, 586300}, {276700, 584100}, {286100, 584400},
    {284600, 636700}, {103000, 635200}, {102300, 568400},
};

/* IJsselmeer: the Afsluitdijk, the Frisian coast by Makkum, Workum,
 * Hindeloopen, Stavoren, Laaxum, the Gaasterland cliffs, Lemmer, then the
 * Noordoostpolder dike and the open lake to the south-west. */
static const demo_xy demo_ijssel[] = {
    {131700, 549800}, {142400, 559200}, {151200, 564800}, {155200, 568700}, {155500, 563100},
    {156500, 559200}, {155900, 550300}, {153800, 547000}, {152800, 544200}, {153200, 542000},
    {157500, 538600}, {160600, 539200}, {163900, 538700}, {168000, 539200}, {172700, 539200},
    {176400, 539000}, {176100, 537000}, {170000, 531400}, {168700, 519200}, {148400, 523600},
    {132300, 549300},
};

/* Lauwersmeer (open water only): from the dam between Oostmahorn and
 * Lauwersoog south-east to Zoutkamp. */
static const demo_xy demo_lauwers[] = {
    {205100, 602300}, {209100, 602400}, {210700, 600700}, {212400, 598500},
    {214500, 596300}, {215800, 594700}, {214800, 594100}, {212500, 595700},
    {209800, 597400}, {207100, 597900}, {205800, 599000}, {205100, 600700},
};

/* The inhabited Wadden islands (land: dunes and polders). */
static const demo_xy demo_vlieland[] = {
    {122500, 582200}, {124500, 584400}, {129200, 587100}, {133200, 590400}, {137200, 591500},
    {136500, 589900}, {132500, 588200}, {127800, 584300}, {124500, 581600},
};
static const demo_xy demo_terschelling[] = {
    {140500, 598200}, {152500, 602600}, {159200, 606000}, {169100, 609300}, {167800, 607700},
    {159200, 603700}, {152500, 599900}, {144500, 596500}, {141200, 596000},
};
static const demo_xy demo_ameland[] = {
    {171100, 607700}, {179100, 608800}, {185700, 609400}, {191100, 608300},
    {189100, 606600}, {182400, 605500}, {175800, 606000}, {171100, 606000},
};
static const demo_xy demo_schiermonnikoog[] = {
    {203000, 611200}, {208900, 613000}, {215600, 613600}, {217600, 613100},
    {215600, 611900}, {209000, 609600}, {203700, 609600},
};

typedef struct demo_poly {
    const char *name;
    int cls;          /* DW_* burnt into the water raster */
    const demo_xy *v; /* vertices (open ring) */
    int n;
} demo_poly;

#define DEMO_N(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* In burning order: the islands last, so they win over the sea. */
static const demo_poly demo_polys[] = {
    {"Wadden Sea, Eems-Dollard", DW_WADDEN, demo_wadden, DEMO_N(demo_wadden)},
    {"IJsselmeer", DW_IJSSEL, demo_ijssel, DEMO_N(demo_ijssel)},
    {"Lauwersmeer", DW_LAUWERS, demo_lauwers, DEMO_N(demo_lauwers)},
    {"Vlieland", DW_ISLAND, demo_vlieland, DEMO_N(demo_vlieland)},
    {"Terschelling", DW_ISLAND, demo_terschelling, DEMO_N(demo_terschelling)},
    {"Ameland", DW_ISLAND, demo_ameland, DEMO_N(demo_ameland)},
    {"Schiermonnikoog", DW_ISLAND, demo_schiermonnikoog, DEMO_N(demo_schiermonnikoog)},
};

/* ---- named places (RD New, m; docs/demo-domain.md has the same tables) ------ */

/* Surface-level control points on sand (m NAP) [E]. */
typedef struct demo_zpt {
    const char *name;
    double x, y; /* RD New (m) */
    double z;    /* surface level (m NAP) */
} demo_zpt;

static const demo_zpt demo_zpts[] = {
    {"Groningen", 233800, 582100, 1.0},  {"Haren", 236400, 576900, 3.0},
    {"Hoogezand", 243100, 575700, 0.5},  {"Leek", 221500, 575300, 1.5},
    {"Roden", 224200, 572700, 4.0},      {"Norg", 226800, 565000, 10.0},
    {"Vries", 234900, 566600, 9.0},      {"Zuidlaren", 242400, 568700, 5.0},
    {"Assen", 234000, 556800, 12.0},     {"Smilde", 226400, 552500, 11.0},
    {"Gieten", 247300, 558400, 14.0},    {"Borger", 249500, 549600, 16.0},
    {"Beilen", 233900, 542800, 14.0},    {"Westerbork", 237400, 541000, 15.0},
    {"Dwingeloo", 222700, 537100, 11.0}, {"Diever", 217800, 541300, 12.0},
    {"Havelte", 212600, 531800, 6.0},    {"Meppel", 209600, 523400, 1.0},
    {"Ruinen", 220000, 530700, 7.0},     {"Zuidwolde", 225500, 520800, 6.0},
    {"Hoogeveen", 228500, 526700, 10.0}, {"Zweeloo", 245600, 534500, 16.0},
    {"Coevorden", 246700, 520100, 11.0}, {"Schoonebeek", 256000, 520200, 13.0},
    {"Emmen", 257700, 533500, 20.0},     {"Odoorn", 253500, 541300, 18.0},
    {"Appelscha", 219700, 552400, 10.0}, {"Oosterwolde", 215600, 556300, 5.0},
    {"Gorredijk", 200500, 557800, 2.0},  {"Beetsterzwaag", 201400, 563900, 4.0},
    {"Drachten", 202700, 569100, 1.0},   {"Heerenveen", 191000, 552700, 1.0},
    {"Wolvega", 195700, 543700, 1.0},    {"Marum", 213700, 573400, 1.0},
};

/* The Hondsrug ridge: Haren - Zuidlaren - Gieten - Borger - Odoorn - Emmen. */
static const demo_xy demo_hondsrug[] = {
    {236400, 576900}, {242400, 568700}, {247300, 558400},
    {249500, 549600}, {253500, 541300}, {257700, 533500},
};
#define DEMO_RIDGE_N 2.0    /* ridge height at Haren (m) [E] */
#define DEMO_RIDGE_S 6.0    /* ridge height at Emmen (m) [E] */
#define DEMO_RIDGE_W 1500.0 /* ridge half-width scale (m) [E] */

/* The Veenkoloniën axis: Hoogezand - Veendam - Stadskanaal - Nieuw-Buinen -
 * Ter Apel - Emmer-Compascuum; sand cells within 5 km are Veenkoloniën. */
static const demo_xy demo_veenkol[] = {
    {243100, 575700}, {254800, 569800}, {260400, 557100},
    {260000, 554200}, {268300, 544400}, {267100, 537200},
};
#define DEMO_VK_M 5000.0 /* half-width of the Veenkoloniën (m) [E] */

/* Discs: centre (RD New, m) and radius (m). */
typedef struct demo_disc {
    const char *name;
    double x, y, r;
} demo_disc;

/* Fryslân low-peat triangle (FACTS.md §3: Dokkum-Wolvega-Workum). */
static const demo_xy demo_peat_tri[3] = {
    {195800, 593500}, /* Dokkum */
    {195700, 543700}, /* Wolvega */
    {158000, 560300}, /* Workum */
};

/* Low peat outside the triangle (Fryslân, Groningen) [E]. */
static const demo_disc demo_lowpeat[] = {
    {"Tjeukemeer-Lemsterland", 183000, 545000, 5000},
    {"Westerkwartier (Leek-Marum)", 216500, 576500, 4500},
    {"Zuidlaardermeer area", 243500, 571500, 3500},
};

/* Drenthe peat: Fochteloërveen (bog) [E]. */
static const demo_disc demo_bogpeat[] = {
    {"Fochteloërveen", 221700, 557500, 2500},
};

/* Brook-valley peat (polylines with a half-width) [E]. */
typedef struct demo_line {
    const char *name;
    const demo_xy *v;
    int n;
    double w; /* half-width (m) */
} demo_line;

static const demo_xy demo_drentse_aa[] = {{239700, 563300}, {236800, 574400}};
static const demo_xy demo_hunze[] = {
    {244500, 569500}, {249500, 560000}, {253000, 550500}, {256500, 542000}};
static const demo_line demo_valleys[] = {
    {"Drentse Aa (Gasteren-Glimmen)", demo_drentse_aa, 2, 750},
    {"Hunze valley, Veenkoloniën edge", demo_hunze, 4, 1000},
};

/* Gaasterland (sand, boulder clay, cliffs to +5 m). */
static const demo_disc demo_gaasterland = {"Gaasterland", 162500, 542500, 5000};

/* Het Bildt (arable clay, seed potatoes). */
static const demo_disc demo_bildt = {"Het Bildt", 173000, 588500, 6000};

/* Flower bulbs west of Hoogeveen (capital-intensive) [E]. */
static const demo_disc demo_bulbs = {"Hoogeveen bulbs", 224000, 528000, 2500};

/* Nature areas [E: radii from the areas of the parks, rounded]. */
static const demo_disc demo_nature[] = {
    {"Drents-Friese Wold", 216000, 547000, 4500}, {"Dwingelderveld", 226000, 537500, 3000},
    {"Fochteloërveen", 221700, 557500, 2000},     {"Alde Feanen", 191300, 571500, 1800},
    {"Bargerveen", 266100, 522700, 2500},
};
#define DEMO_LAUWERS_NATURE_M 1500.0 /* nature around the Lauwersmeer (m) [E] */

/* Lakes: centre, radius (m) from the lake area [E]. */
static const demo_disc demo_lakes[] = {
    {"Sneekermeer", 179300, 561500, 1400},     {"Tjeukemeer", 183600, 544800, 2500},
    {"Fluessen", 166000, 552500, 1300},        {"Slotermeer", 171500, 547500, 1800},
    {"Heegermeer", 168500, 555000, 1000},      {"De Leijen", 198000, 571700, 1000},
    {"Bergumermeer", 197300, 577800, 1100},    {"Zuidlaardermeer", 242200, 572800, 1500},
    {"Paterswoldsemeer", 234000, 577700, 800}, {"Leekstermeer", 225500, 574500, 700},
};

/* Towns: centre and inhabitants [E: CBS woonplaats figures, rounded]. */
typedef struct demo_town {
    const char *name;
    double x, y; /* RD New (m) */
    double pop;  /* inhabitants (-) */
} demo_town;

static const demo_town demo_towns[] = {
    {"Groningen", 233800, 582100, 205000},  {"Leeuwarden", 182600, 579500, 98000},
    {"Assen", 234000, 556800, 68000},       {"Emmen", 257700, 533500, 57000},
    {"Drachten", 202700, 569100, 45000},    {"Hoogeveen", 228500, 526700, 39000},
    {"Sneek", 173200, 560700, 34000},       {"Meppel", 209600, 523400, 34000},
    {"Heerenveen", 191000, 552700, 30000},  {"Veendam", 254800, 569800, 22000},
    {"Delfzijl", 257100, 594900, 22000},    {"Hoogezand", 243100, 575700, 21000},
    {"Stadskanaal", 260400, 557100, 19000}, {"Haren", 236400, 576900, 19000},
    {"Winschoten", 265700, 574200, 18000},  {"Harlingen", 157300, 576400, 16000},
    {"Coevorden", 246700, 520100, 15000},   {"Roden", 224200, 572700, 15000},
    {"Joure", 182300, 554200, 13500},       {"Dokkum", 195800, 593500, 13000},
    {"Franeker", 165900, 578000, 13000},    {"Wolvega", 195700, 543700, 12500},
    {"Appingedam", 253100, 593600, 11500},  {"Leek", 221500, 575300, 11000},
    {"Zuidlaren", 242400, 568700, 10500},   {"Lemmer", 177100, 539600, 10000},
    {"Bolsward", 164400, 563500, 10000},    {"Burgum", 195300, 578300, 10000},
    {"Oosterwolde", 215600, 556300, 10000}, {"Beilen", 233900, 542800, 9500},
};

/* ---- small geometry helpers ------------------------------------------------- */

static double clamp01(double v)
{
    return v < 0.0 ? 0.0 : (v > 1.0 ? 1.0 : v);
}

static int in_disc(const demo_disc *c, double x, double y)
{
    double dx = x - c->x, dy = y - c->y;
    return dx * dx + dy * dy <= c->r * c->r;
}

/* Distance (m) from (x, y) to a polyline and the fraction t (0-1) of the
 * polyline's length at the nearest point (t may be NULL). */
static double dist_polyline(const demo_xy *v, int n, double x, double y, double *t)
{
    double best = HUGE_VAL, best_s = 0.0, total = 0.0, s0 = 0.0;
    int i;

    for (i = 0; i + 1 < n; i++) {
        total += hypot(v[i + 1].x - v[i].x, v[i + 1].y - v[i].y);
    }
    for (i = 0; i + 1 < n; i++) {
        double ax = v[i].x, ay = v[i].y;
        double bx = v[i + 1].x - ax, by = v[i + 1].y - ay;
        double len2 = bx * bx + by * by;
        double u = len2 > 0.0 ? clamp01(((x - ax) * bx + (y - ay) * by) / len2) : 0.0;
        double d = hypot(x - (ax + u * bx), y - (ay + u * by));
        if (d < best) {
            best = d;
            best_s = s0 + u * sqrt(len2);
        }
        s0 += sqrt(len2);
    }
    if (t) {
        *t = total > 0.0 ? best_s / total : 0.0;
    }
    return best;
}

static int in_triangle(const demo_xy *p, double x, double y)
{
    double d1 = (x - p[1].x) * (p[0].y - p[1].y) - (p[0].x - p[1].x) * (y - p[1].y);
    double d2 = (x - p[2].x) * (p[1].y - p[2].y) - (p[1].x - p[2].x) * (y - p[2].y);
    double d3 = (x - p[0].x) * (p[2].y - p[0].y) - (p[2].x - p[0].x) * (y - p[0].y);
    int neg = (d1 < 0) || (d2 < 0) || (d3 < 0);
    int pos = (d1 > 0) || (d2 > 0) || (d3 > 0);
    return !(neg && pos);
}

/* 1 when (x, y) lies west of the line through p[0] (Dokkum) and p[1]
 * (Wolvega), extended both ways. */
static int west_of_line(const demo_xy *p, double x, double y)
{
    double c = (p[1].x - p[0].x) * (y - p[0].y) - (p[1].y - p[0].y) * (x - p[0].x);
    return c < 0.0;
}

/* The documented block hash (0-99) of the 1-km block holding (x, y). */
static unsigned block_hash(double x, double y)
{
    uint32_t bx = (uint32_t)(int32_t)floor(x / 1000.0);
    uint32_t by = (uint32_t)(int32_t)floor(y / 1000.0);
    uint32_t h = (bx * 73856093u) ^ (by * 19349663u);
    h ^= h >> 13;
    h *= 0x5bd1e995u;
    h ^= h >> 15;
    return h % 100u;
}

/* Whether a cell of land use lu at (x, y) can be sprinkled (see the file's
 * opening comment): capital-intensive crops always; grass and arable in
 * DEMO_SPRINKLED_PCT % of the 1-km blocks. */
#define DEMO_SPRINKLED_PCT 26u /* % of farm land that can be sprinkled: CBS 2010 [S] */
#define DEMO_SPRINKLE_SHIFT 333000.0 /* m: decorrelates from the land-use hash */
int grid_demo_sprinkled(uint8_t lu, double x, double y)
{
    if (lu == ZT_LU_CAPITAL) {
        return 1;
    }
    if (lu == ZT_LU_GRASS || lu == ZT_LU_ARABLE) {
        return block_hash(x + DEMO_SPRINKLE_SHIFT, y) < DEMO_SPRINKLED_PCT;
    }
    return 0;
}

/* ---- exact Euclidean distance transform (Felzenszwalb-Huttenlocher) ---------- */

#define EDT_BIG 1.0e30 /* "infinite" squared distance (cells^2) */

/* 1-D squared distance transform of f (n samples) into d; v and z are
 * scratch of n and n + 1 elements. */
static void edt_1d(const double *f, zt_idx n, double *d, zt_idx *v, double *z)
{
    zt_idx k = 0, q;

    v[0] = 0;
    z[0] = -HUGE_VAL;
    z[1] = HUGE_VAL;
    for (q = 1; q < n; q++) {
        double s;
        for (;;) {
            zt_idx p = v[k];
            s = ((f[q] + (double)(q * q)) - (f[p] + (double)(p * p))) / (double)(2 * q - 2 * p);
            if (s <= z[k] && k > 0) {
                k--;
                continue;
            }
            break;
        }
        if (s <= z[k]) {
            /* k == 0 and the new parabola hides the first one entirely */
            v[0] = q;
            z[0] = -HUGE_VAL;
            z[1] = HUGE_VAL;
            continue;
        }
        k++;
        v[k] = q;
        z[k] = s;
        z[k + 1] = HUGE_VAL;
    }
    k = 0;
    for (q = 0; q < n; q++) {
        while (z[k + 1] < (double)q) {
            k++;
        }
        d[q] = (double)((q - v[k]) * (q - v[k])) + f[v[k]];
    }
}

/* Scratch of the distance transform, allocated once per build. */
typedef struct edt_work {
    double *grid;      /* ncell squared distances (cells^2) */
    double *f, *d, *z; /* max(nx, ny) (+1 for z) */
    zt_idx *v;
} edt_work;

/* dist[k] = Euclidean distance (m) from cell k to the nearest cell with
 * feat(k) true, for the feature given by cls[k] == value (or, when value is
 * negative, cls[k] != 0). */
static void edt_grid(const zt_grid *g, const uint8_t *cls, int value, edt_work *w, float *dist)
{
    zt_idx nx = g->nx, ny = g->ny, i, j;

    for (i = 0; i < nx; i++) {
        for (j = 0; j < ny; j++) {
            uint8_t c = cls[j * nx + i];
            int hit = value < 0 ? c != 0 : c == value;
            w->f[j] = hit ? 0.0 : EDT_BIG;
        }
        edt_1d(w->f, ny, w->d, w->v, w->z);
        for (j = 0; j < ny; j++) {
            w->grid[j * nx + i] = w->d[j];
        }
    }
    for (j = 0; j < ny; j++) {
        edt_1d(w->grid + j * nx, nx, w->d, w->v, w->z);
        for (i = 0; i < nx; i++) {
            dist[j * nx + i] = (float)(sqrt(w->d[i]) * g->dx);
        }
    }
}

/* ---- reading and rasterising the polygons ---------------------------------- */

/* Province code of a feature from `code` ("20" or "PV20"), `identificatie`
 * ("PV20") or `naam`; 0 when none of the three provinces. */
static int feature_province(OGRFeatureH f)
{
    static const char *const keys[] = {"code", "identificatie"};
    int fi, i;

    for (i = 0; i < 2; i++) {
        fi = OGR_F_GetFieldIndex(f, keys[i]);
        if (fi >= 0 && OGR_F_IsFieldSetAndNotNull(f, fi)) {
            const char *s = OGR_F_GetFieldAsString(f, fi);
            long v;
            if (strncasecmp(s, "PV", 2) == 0) {
                s += 2;
            }
            v = strtol(s, NULL, 10);
            if (v == ZT_PROV_GRONINGEN || v == ZT_PROV_FRYSLAN || v == ZT_PROV_DRENTHE) {
                return (int)v;
            }
        }
    }
    fi = OGR_F_GetFieldIndex(f, "naam");
    if (fi >= 0 && OGR_F_IsFieldSetAndNotNull(f, fi)) {
        const char *s = OGR_F_GetFieldAsString(f, fi);
        if (strcasecmp(s, "Groningen") == 0) {
            return ZT_PROV_GRONINGEN;
        }
        if (strcasecmp(s, "Fryslân") == 0 || strcasecmp(s, "Friesland") == 0 ||
            strcasecmp(s, "Fryslan") == 0) {
            return ZT_PROV_FRYSLAN;
        }
        if (strcasecmp(s, "Drenthe") == 0) {
            return ZT_PROV_DRENTHE;
        }
    }
    return 0;
}

/* The province geometries of a vector file (owned; freed by provs_free). */
typedef struct demo_provs {
    OGRGeometryH *geom;
    double *burn; /* province code per geometry */
    int n, cap;
    double xmin, xmax, ymin, ymax; /* envelope of all (m) */
} demo_provs;

static void provs_free(demo_provs *p)
{
    int i;
    for (i = 0; i < p->n; i++) {
        OGR_G_DestroyGeometry(p->geom[i]);
    }
    zt_free(p->geom);
    zt_free(p->burn);
    memset(p, 0, sizeof *p);
}

static const char *gdal_msg(void)
{
    const char *m = CPLGetLastErrorMsg();
    return (m && m[0]) ? m : "no message from GDAL";
}

static zt_status read_provinces(const char *path, demo_provs *p, zt_err *err)
{
    zt_status st = ZT_OK;
    GDALDatasetH ds = NULL;
    OGRLayerH lyr;
    OGRFeatureH f = NULL;
    OGRSpatialReferenceH rd = NULL;
    OGRSpatialReferenceH srs;
    int have[3] = {0, 0, 0}, i;
    const char *const names[3] = {"Groningen (PV20)", "Fryslân (PV21)", "Drenthe (PV22)"};

    memset(p, 0, sizeof *p);
    p->xmin = p->ymin = HUGE_VAL;
    p->xmax = p->ymax = -HUGE_VAL;
    CPLErrorReset();
    ds = GDALOpenEx(path, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, NULL, NULL);
    if (!ds) {
        st = zt_fail(err, ZT_EINPUT, "%s: cannot open the province boundaries as a vector file: %s",
                     path, gdal_msg());
        goto done;
    }
    if (GDALDatasetGetLayerCount(ds) < 1 || !(lyr = GDALDatasetGetLayer(ds, 0))) {
        st = zt_fail(err, ZT_EINPUT, "%s: no vector layer with the province boundaries", path);
        goto done;
    }
    srs = OGR_L_GetSpatialRef(lyr);
    if (srs) {
        const char *opts[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES", NULL};
        rd = OSRNewSpatialReference(NULL);
        if (!rd || OSRImportFromEPSG(rd, 28992) != OGRERR_NONE) {
            st =
                zt_fail(err, ZT_EGDAL, "%s: cannot set up RD New (EPSG:28992) for a comparison: %s",
                        path, gdal_msg());
            goto done;
        }
        if (!OSRIsSameEx(srs, rd, opts)) {
            const char *nm = OSRGetName(srs);
            st = zt_fail(err, ZT_EINPUT,
                         "%s: the province boundaries are in %s, not RD New (EPSG:28992); "
                         "convert them with ogr2ogr -t_srs EPSG:28992",
                         path, nm ? nm : "another coordinate system");
            goto done;
        }
    }
    OGR_L_ResetReading(lyr);
    while ((f = OGR_L_GetNextFeature(lyr)) != NULL) {
        int code = feature_province(f);
        OGRGeometryH geom = OGR_F_GetGeometryRef(f);
        if (code && geom && !OGR_G_IsEmpty(geom)) {
            OGREnvelope env;
            if (p->n == p->cap) {
                int cap = p->cap ? 2 * p->cap : 8;
                OGRGeometryH *ng = zt_realloc(p->geom, (size_t)cap * sizeof *ng);
                double *nb;
                if (!ng) {
                    st = zt_fail(err, ZT_ENOMEM, "%s: out of memory for province geometries", path);
                    goto done;
                }
                p->geom = ng;
                nb = zt_realloc(p->burn, (size_t)cap * sizeof *nb);
                if (!nb) {
                    st = zt_fail(err, ZT_ENOMEM, "%s: out of memory for province geometries", path);
                    goto done;
                }
                p->burn = nb;
                p->cap = cap;
            }
            p->geom[p->n] = OGR_G_Clone(geom);
            if (!p->geom[p->n]) {
                st = zt_fail(err, ZT_EGDAL, "%s: cannot copy a province geometry: %s", path,
                             gdal_msg());
                goto done;
            }
            p->burn[p->n] = code;
            p->n++;
            OGR_G_GetEnvelope(geom, &env);
            p->xmin = fmin(p->xmin, env.MinX);
            p->xmax = fmax(p->xmax, env.MaxX);
            p->ymin = fmin(p->ymin, env.MinY);
            p->ymax = fmax(p->ymax, env.MaxY);
            have[code - ZT_PROV_GRONINGEN] = 1;
        }
        OGR_F_Destroy(f);
        f = NULL;
    }
    for (i = 0; i < 3; i++) {
        if (!have[i]) {
            st = zt_fail(err, ZT_EINPUT,
                         "%s: no polygon feature for province %s (attribute code, identificatie "
                         "or naam)",
                         path, names[i]);
            goto done;
        }
    }
done:
    if (f) {
        OGR_F_Destroy(f);
    }
    if (rd) {
        OSRDestroySpatialReference(rd);
    }
    if (ds) {
        GDALClose(ds);
    }
    if (st != ZT_OK) {
        provs_free(p);
    }
    return st;
}

/* Build the OGR polygon of a vertex table (caller destroys). */
static OGRGeometryH poly_geometry(const demo_poly *pl)
{
    OGRGeometryH poly = OGR_G_CreateGeometry(wkbPolygon);
    OGRGeometryH ring = OGR_G_CreateGeometry(wkbLinearRing);
    int i;

    if (!poly || !ring) {
        if (poly) {
            OGR_G_DestroyGeometry(poly);
        }
        if (ring) {
            OGR_G_DestroyGeometry(ring);
        }
        return NULL;
    }
    for (i = 0; i < pl->n; i++) {
        OGR_G_AddPoint_2D(ring, pl->v[i].x, pl->v[i].y);
    }
    OGR_G_AddPoint_2D(ring, pl->v[0].x, pl->v[0].y);
    if (OGR_G_AddGeometryDirectly(poly, ring) != OGRERR_NONE) {
        OGR_G_DestroyGeometry(ring);
        OGR_G_DestroyGeometry(poly);
        return NULL;
    }
    return poly;
}

/* Rasterise the provinces into prov[] and the water/island polygons into
 * water[] on grid g (row 0 south), cell-centre rule. */
static zt_status rasterise(const char *path, const demo_provs *p, const zt_grid *g, uint8_t *prov,
                           uint8_t *water, zt_err *err)
{
    enum { NPOLY = DEMO_N(demo_polys) };
    zt_status st = ZT_OK;
    GDALDriverH drv;
    GDALDatasetH ds = NULL;
    OGRGeometryH wg[NPOLY] = {NULL};
    double wburn[NPOLY];
    double gt[6];
    int band1 = 1, band2 = 2, i;
    uint8_t *row = NULL;
    zt_idx j, nx = g->nx, ny = g->ny;

    drv = GDALGetDriverByName("MEM");
    if (!drv) {
        st = zt_fail(err, ZT_EGDAL, "%s: GDAL has no MEM driver: %s", path, gdal_msg());
        goto done;
    }
    ds = GDALCreate(drv, "", (int)nx, (int)ny, 2, GDT_Byte, NULL);
    if (!ds) {
        st = zt_fail(err, ZT_EGDAL, "%s: cannot create a %lld x %lld raster in memory: %s", path,
                     (long long)nx, (long long)ny, gdal_msg());
        goto done;
    }
    gt[0] = g->x0;
    gt[1] = g->dx;
    gt[2] = 0.0;
    gt[3] = g->y0 + (double)ny * g->dx;
    gt[4] = 0.0;
    gt[5] = -g->dx;
    GDALSetGeoTransform(ds, gt);
    if (GDALRasterizeGeometries(ds, 1, &band1, p->n, p->geom, NULL, NULL, p->burn, NULL, NULL,
                                NULL) != CE_None) {
        st = zt_fail(err, ZT_EGDAL, "%s: rasterising the provinces failed: %s", path, gdal_msg());
        goto done;
    }
    for (i = 0; i < NPOLY; i++) {
        wg[i] = poly_geometry(&demo_polys[i]);
        if (!wg[i]) {
            st = zt_fail(err, ZT_EGDAL, "cannot build the %s polygon: %s", demo_polys[i].name,
                         gdal_msg());
            goto done;
        }
        wburn[i] = demo_polys[i].cls;
    }
    /* One call burns in order, so the islands (last) win over the sea. */
    if (GDALRasterizeGeometries(ds, 1, &band2, NPOLY, wg, NULL, NULL, wburn, NULL, NULL, NULL) !=
        CE_None) {
        st = zt_fail(err, ZT_EGDAL, "rasterising the water polygons failed: %s", gdal_msg());
        goto done;
    }
    row = zt_malloc((size_t)nx);
    if (!row) {
        st = zt_fail(err, ZT_ENOMEM, "out of memory for a raster row");
        goto done;
    }
    /* GDAL line 0 is the north edge; our row 0 is the south edge. */
    for (j = 0; j < ny; j++) {
        if (GDALRasterIO(GDALGetRasterBand(ds, 1), GF_Read, 0, (int)(ny - 1 - j), (int)nx, 1,
                         prov + j * nx, (int)nx, 1, GDT_Byte, 0, 0) != CE_None ||
            GDALRasterIO(GDALGetRasterBand(ds, 2), GF_Read, 0, (int)(ny - 1 - j), (int)nx, 1,
                         water + j * nx, (int)nx, 1, GDT_Byte, 0, 0) != CE_None) {
            st = zt_fail(err, ZT_EGDAL, "%s: reading the rasterised provinces failed: %s", path,
                         gdal_msg());
            goto done;
        }
    }
done:
    zt_free(row);
    for (i = 0; i < NPOLY; i++) {
        if (wg[i]) {
            OGR_G_DestroyGeometry(wg[i]);
        }
    }
    if (ds) {
        GDALClose(ds);
    }
    return st;
}

/* ---- the working arrays of one build ---------------------------------------- */

/* The groundwater fields of the demo (units as in grid_domain.h). */
typedef struct demo_gw {
    float *kd;           /* m2/d */
    float *phi;          /* deep head (m NAP) */
    float *cv;           /* d */
    float *ditch_c;      /* d */
    float *ditch_ci;     /* d */
    float *trench_depth; /* m below surface, NAN: none */
    float *trench_c;     /* d, NAN: none */
    float *tile_depth;   /* m below surface, NAN: none */
    float *tile_c;       /* d, NAN: none */
} demo_gw;

/* The nine arrays of a demo_gw in the order of demo_gw. */
static void demo_gw_arrays(demo_gw *g, float **a[9])
{
    a[0] = &g->kd;
    a[1] = &g->phi;
    a[2] = &g->cv;
    a[3] = &g->ditch_c;
    a[4] = &g->ditch_ci;
    a[5] = &g->trench_depth;
    a[6] = &g->trench_c;
    a[7] = &g->tile_depth;
    a[8] = &g->tile_c;
}

typedef struct demo_work {
    zt_grid g;      /* provisional grid: the envelope of the provinces */
    zt_idx n;       /* its number of cells */
    uint8_t *prov;  /* province code */
    uint8_t *water; /* DW_* */
    uint8_t *mask;  /* enum zt_mask */
    uint8_t *tmp;   /* a binary scratch raster */
    uint8_t *soil, *landuse, *spr;
    float *z, *gw;                            /* surface (m NAP), initial depth (m) */
    float *dsea, *dijs, *dlw, *dland, *dpeat; /* distances (m) */
    int32_t *lab;                             /* district label (0-based), -1 none */
    demo_gw gwf;                              /* the groundwater fields */
    edt_work ew;
} demo_work;

static void work_free(demo_work *w)
{
    zt_free(w->prov);
    zt_free(w->water);
    zt_free(w->mask);
    zt_free(w->tmp);
    zt_free(w->soil);
    zt_free(w->landuse);
    zt_free(w->spr);
    zt_free(w->z);
    zt_free(w->gw);
    zt_free(w->dsea);
    zt_free(w->dijs);
    zt_free(w->dlw);
    zt_free(w->dland);
    zt_free(w->dpeat);
    zt_free(w->lab);
    {
        float **a[9];
        int i;
        demo_gw_arrays(&w->gwf, a);
        for (i = 0; i < 9; i++) {
            zt_free(*a[i]);
        }
    }
    zt_free(w->ew.grid);
    zt_free(w->ew.f);
    zt_free(w->ew.d);
    zt_free(w->ew.z);
    zt_free(w->ew.v);
    memset(w, 0, sizeof *w);
}

static zt_status work_alloc(demo_work *w, zt_err *err)
{
    size_t n = (size_t)w->n;
    size_t m = (size_t)(w->g.nx > w->g.ny ? w->g.nx : w->g.ny);

    w->prov = zt_calloc(n, 1);
    w->water = zt_calloc(n, 1);
    w->mask = zt_calloc(n, 1);
    w->tmp = zt_calloc(n, 1);
    w->soil = zt_calloc(n, 1);
    w->landuse = zt_calloc(n, 1);
    w->spr = zt_calloc(n, 1);
    w->z = zt_calloc(n, sizeof *w->z);
    w->gw = zt_calloc(n, sizeof *w->gw);
    w->dsea = zt_calloc(n, sizeof *w->dsea);
    w->dijs = zt_calloc(n, sizeof *w->dijs);
    w->dlw = zt_calloc(n, sizeof *w->dlw);
    w->dland = zt_calloc(n, sizeof *w->dland);
    w->dpeat = zt_calloc(n, sizeof *w->dpeat);
    w->lab = zt_calloc(n, sizeof *w->lab);
    w->ew.grid = zt_calloc(n, sizeof *w->ew.grid);
    w->ew.f = zt_calloc(m, sizeof *w->ew.f);
    w->ew.d = zt_calloc(m, sizeof *w->ew.d);
    w->ew.z = zt_calloc(m + 1, sizeof *w->ew.z);
    w->ew.v = zt_calloc(m, sizeof *w->ew.v);
    {
        float **a[9];
        int i;
        demo_gw_arrays(&w->gwf, a);
        for (i = 0; i < 9; i++) {
            *a[i] = zt_calloc(n, sizeof **a[i]);
            if (!*a[i]) {
                return zt_fail(err, ZT_ENOMEM, "out of memory for the demo domain (%lld cells)",
                               (long long)w->n);
            }
        }
    }
    if (!w->prov || !w->water || !w->mask || !w->tmp || !w->soil || !w->landuse || !w->spr ||
        !w->z || !w->gw || !w->dsea || !w->dijs || !w->dlw || !w->dland || !w->dpeat || !w->lab ||
        !w->ew.grid || !w->ew.f || !w->ew.d || !w->ew.z || !w->ew.v) {
        return zt_fail(err, ZT_ENOMEM, "out of memory for the demo domain (%lld cells)",
                       (long long)w->n);
    }
    return ZT_OK;
}

static double cell_x(const zt_grid *g, zt_idx k)
{
    return g->x0 + ((double)(k % g->nx) + 0.5) * g->dx;
}

static double cell_y(const zt_grid *g, zt_idx k)
{
    return g->y0 + ((double)(k / g->nx) + 0.5) * g->dx;
}

/* ---- classes, soil, surface, land use --------------------------------------- */

static void classify_cells(demo_work *w)
{
    zt_idx k;

    for (k = 0; k < w->n; k++) {
        int land = w->prov[k] && (w->water[k] == DW_LAND || w->water[k] == DW_ISLAND);
        w->tmp[k] = (uint8_t)land;
        w->mask[k] = land ? ZT_MASK_ACTIVE : ZT_MASK_INACTIVE;
    }
    edt_grid(&w->g, w->tmp, 1, &w->ew, w->dland);
    for (k = 0; k < w->n; k++) {
        if (w->prov[k] && w->mask[k] == ZT_MASK_INACTIVE && w->water[k] != DW_LAND &&
            w->dland[k] <= DEMO_BAND_M) {
            w->mask[k] = ZT_MASK_FIXED;
        }
    }
    edt_grid(&w->g, w->water, DW_WADDEN, &w->ew, w->dsea);
    edt_grid(&w->g, w->water, DW_IJSSEL, &w->ew, w->dijs);
    edt_grid(&w->g, w->water, DW_LAUWERS, &w->ew, w->dlw);
}

static int in_any_disc(const demo_disc *c, int n, double x, double y)
{
    int i;
    for (i = 0; i < n; i++) {
        if (in_disc(&c[i], x, y)) {
            return 1;
        }
    }
    return 0;
}

static void assign_soil(demo_work *w)
{
    zt_idx k;
    int i;

    for (k = 0; k < w->n; k++) {
        double x = cell_x(&w->g, k), y = cell_y(&w->g, k);
        uint8_t s = ZT_SOIL_SAND;
        w->tmp[k] = 0;
        if (w->mask[k] != ZT_MASK_ACTIVE) {
            w->soil[k] = ZT_SOIL_NONE;
            continue;
        }
        if (w->water[k] == DW_ISLAND || in_disc(&demo_gaasterland, x, y)) {
            s = ZT_SOIL_SAND;
        } else if (w->dsea[k] < DEMO_CLAY_M) {
            s = ZT_SOIL_CLAY;
        } else if (w->prov[k] == ZT_PROV_FRYSLAN && w->dijs[k] < DEMO_IJCLAY_M) {
            s = ZT_SOIL_CLAY;
        } else if ((w->prov[k] == ZT_PROV_FRYSLAN && in_triangle(demo_peat_tri, x, y)) ||
                   (w->prov[k] != ZT_PROV_DRENTHE &&
                    in_any_disc(demo_lowpeat, DEMO_N(demo_lowpeat), x, y))) {
            s = ZT_SOIL_PEAT;
        } else if (in_any_disc(demo_bogpeat, DEMO_N(demo_bogpeat), x, y)) {
            s = ZT_SOIL_PEAT;
        } else if (w->prov[k] == ZT_PROV_FRYSLAN && west_of_line(demo_peat_tri, x, y)) {
            /* the Zuidwesthoek: clay and clay on peat */
            s = ZT_SOIL_CLAY;
        } else {
            for (i = 0; i < DEMO_N(demo_valleys); i++) {
                if (dist_polyline(demo_valleys[i].v, demo_valleys[i].n, x, y, NULL) <=
                    demo_valleys[i].w) {
                    s = ZT_SOIL_PEAT;
                }
            }
        }
        w->soil[k] = s;
        /* "not peat" land, for the distance into a peat area */
        w->tmp[k] = (uint8_t)(s != ZT_SOIL_PEAT);
    }
    edt_grid(&w->g, w->tmp, 1, &w->ew, w->dpeat);
}

/* Surface level of sand by inverse-distance weighting (power 2) of the
 * control points, plus the Hondsrug ridge (m NAP). */
static double sand_level(double x, double y)
{
    double sw = 0.0, swz = 0.0, t, d;
    int i;

    for (i = 0; i < DEMO_N(demo_zpts); i++) {
        double dx = x - demo_zpts[i].x, dy = y - demo_zpts[i].y;
        double d2 = dx * dx + dy * dy;
        double wgt;
        if (d2 < 1.0) {
            return demo_zpts[i].z;
        }
        wgt = 1.0 / d2;
        sw += wgt;
        swz += wgt * demo_zpts[i].z;
    }
    d = dist_polyline(demo_hondsrug, DEMO_N(demo_hondsrug), x, y, &t);
    return swz / sw + (DEMO_RIDGE_N + (DEMO_RIDGE_S - DEMO_RIDGE_N) * t) *
                          exp(-(d / DEMO_RIDGE_W) * (d / DEMO_RIDGE_W));
}

/* 1 when the cell is in the northern 60 % of its island's column. */
static int island_dune(const demo_work *w, zt_idx k)
{
    zt_idx nx = w->g.nx, j = k / nx, i = k % nx, a = j, b = j;
    while (a > 0 && w->water[(a - 1) * nx + i] == DW_ISLAND) {
        a--;
    }
    while (b + 1 < w->g.ny && w->water[(b + 1) * nx + i] == DW_ISLAND) {
        b++;
    }
    return (double)(j - a) + 0.5 >= 0.4 * (double)(b - a + 1);
}

static void assign_levels_landuse(demo_work *w)
{
    zt_idx k;
    int i;

    for (k = 0; k < w->n; k++) {
        double x = cell_x(&w->g, k), y = cell_y(&w->g, k), z, gw;
        uint8_t s = w->soil[k], lu = ZT_LU_NONE, spr = ZT_SPR_NONE;
        unsigned h = block_hash(x, y);
        int lake = -1;

        if (w->mask[k] == ZT_MASK_FIXED) {
            w->z[k] = (float)(w->water[k] == DW_IJSSEL    ? DEMO_LEVEL_IJSSEL
                              : w->water[k] == DW_LAUWERS ? DEMO_LEVEL_LAUWERS
                                                          : DEMO_LEVEL_WADDEN);
            continue;
        }
        if (w->mask[k] != ZT_MASK_ACTIVE) {
            continue;
        }
        /* surface level (m NAP) */
        if (w->water[k] == DW_ISLAND) {
            int dune = island_dune(w, k);
            z = dune ? 5.0 : 1.5;
            lu = dune ? ZT_LU_NATURE : ZT_LU_GRASS;
        } else if (s == ZT_SOIL_CLAY) {
            z = w->dsea[k] < DEMO_CLAY_M ? 1.5 * clamp01(1.0 - w->dsea[k] / DEMO_CLAY_M)
                                         : 0.5 * clamp01(1.0 - w->dijs[k] / DEMO_IJCLAY_M);
        } else if (s == ZT_SOIL_PEAT && w->prov[k] != ZT_PROV_DRENTHE) {
            double a = w->prov[k] == ZT_PROV_FRYSLAN ? 2.0 : 1.0;
            z = -0.5 - a * clamp01(w->dpeat[k] / DEMO_PEAT_DEEP_M);
        } else {
            double t, dvk;
            z = sand_level(x, y);
            if (s == ZT_SOIL_PEAT) {
                z -= 1.0;
            } else {
                dvk = dist_polyline(demo_veenkol, DEMO_N(demo_veenkol), x, y, &t);
                if (dvk < DEMO_VK_M) {
                    double wv = clamp01((DEMO_VK_M - dvk) / 2000.0);
                    z = wv * (2.0 + 8.0 * t) + (1.0 - wv) * z;
                }
                if (in_disc(&demo_gaasterland, x, y)) {
                    double dg = hypot(x - demo_gaasterland.x, y - demo_gaasterland.y);
                    z = fmax(z, 1.0 + 4.0 * (1.0 - dg / demo_gaasterland.r));
                }
            }
        }
        /* initial depth of the water table (m below surface) */
        if (s == ZT_SOIL_PEAT) {
            gw = 0.4 + 0.2 * clamp01(1.0 - w->dpeat[k] / DEMO_PEAT_DEEP_M);
        } else if (s == ZT_SOIL_CLAY) {
            gw = 0.8 + 0.4 * clamp01(z / 1.5);
        } else {
            gw = 1.0 + 1.5 * clamp01(z / 20.0);
        }
        /* land use, first rule that applies */
        for (i = 0; i < DEMO_N(demo_lakes); i++) {
            if (in_disc(&demo_lakes[i], x, y)) {
                lake = i;
                break;
            }
        }
        if (lake >= 0) {
            lu = ZT_LU_WATER;
            z = w->prov[k] == ZT_PROV_FRYSLAN ? DEMO_LEVEL_BOEZEM : DEMO_LEVEL_GRLAKE;
            gw = 0.0;
        } else if (lu != ZT_LU_NONE) {
            /* island: decided above */
        } else {
            int urban = 0;
            for (i = 0; i < DEMO_N(demo_towns) && !urban; i++) {
                double r = sqrt(demo_towns[i].pop * DEMO_URBAN_M2 / M_PI);
                demo_disc c = {demo_towns[i].name, demo_towns[i].x, demo_towns[i].y, r};
                urban = in_disc(&c, x, y);
            }
            if (urban) {
                lu = ZT_LU_URBAN;
            } else if (in_any_disc(demo_nature, DEMO_N(demo_nature), x, y) ||
                       w->dlw[k] <= DEMO_LAUWERS_NATURE_M ||
                       dist_polyline(demo_drentse_aa, DEMO_N(demo_drentse_aa), x, y, NULL) <=
                           demo_valleys[0].w) {
                lu = ZT_LU_NATURE;
            } else if (s == ZT_SOIL_PEAT) {
                lu = ZT_LU_GRASS;
            } else if (s == ZT_SOIL_CLAY) {
                int bildt = in_disc(&demo_bildt, x, y);
                if (w->prov[k] == ZT_PROV_GRONINGEN || bildt || w->dsea[k] < 8000.0) {
                    lu = (bildt && h < 25) ? ZT_LU_CAPITAL : ZT_LU_ARABLE;
                } else {
                    lu = ZT_LU_GRASS;
                }
            } else if (w->prov[k] != ZT_PROV_FRYSLAN &&
                       dist_polyline(demo_veenkol, DEMO_N(demo_veenkol), x, y, NULL) < DEMO_VK_M) {
                lu = ZT_LU_ARABLE;
            } else if (w->prov[k] != ZT_PROV_FRYSLAN) {
                lu = h < 40
                         ? ((w->prov[k] == ZT_PROV_DRENTHE && h < 4) ? ZT_LU_CAPITAL : ZT_LU_ARABLE)
                         : ZT_LU_GRASS;
            } else {
                lu = ZT_LU_GRASS;
            }
            if ((lu == ZT_LU_GRASS || lu == ZT_LU_ARABLE) && in_disc(&demo_bulbs, x, y)) {
                lu = ZT_LU_CAPITAL;
            }
        }
        /* sprinkling source */
        if (grid_demo_sprinkled(lu, x, y)) {
            spr = s == ZT_SOIL_SAND ? ZT_SPR_GROUND : ZT_SPR_SURFACE;
        }
        w->z[k] = (float)z;
        w->gw[k] = (float)gw;
        w->landuse[k] = lu;
        w->spr[k] = spr;
    }
}

/* ---- groundwater ------------------------------------------------------------ */

/*
 * The static groundwater fields (see the opening comment and
 * docs/demo-domain.md, "Groundwater"). Seepage q (m/d, > 0 upward, kwel)
 * is aimed at FACTS.md §8's [E] fluxes at the demo's initial water table h0 = z - gw
 * (m NAP): with the cell's cv the deep head is
 *     phi = h0 + q cv,   so that   (phi - h0) / cv = q.
 */
static void assign_groundwater(demo_work *w)
{
    demo_gw *o = &w->gwf;
    zt_idx k;

    for (k = 0; k < w->n; k++) {
        double x = cell_x(&w->g, k), y = cell_y(&w->g, k);
        double z = w->z[k], h0 = w->z[k] - w->gw[k];
        double kd, cv, q, dc; /* m2/d, d, m/d, d */
        double tp = clamp01(w->dpeat[k] / DEMO_PEAT_DEEP_M);    /* into the peat (-) */
        double tc = w->dsea[k] < DEMO_CLAY_M ? clamp01(w->dsea[k] / DEMO_CLAY_M)
                                             : clamp01(w->dijs[k] / DEMO_IJCLAY_M); /* - */
        double ts = clamp01(z / DEMO_GW_SAND_TOP_M);            /* up the plateau (-) */
        uint8_t s = w->soil[k], lu = w->landuse[k];

        o->phi[k] = o->cv[k] = o->ditch_c[k] = o->ditch_ci[k] = NAN;
        o->trench_depth[k] = o->trench_c[k] = o->tile_depth[k] = o->tile_c[k] = NAN;
        o->kd[k] = NAN;
        if (w->mask[k] == ZT_MASK_FIXED) {
            /* the bed of sea and lake: the kD of the coastal clay, so that the
               harmonic mean couples the fixed head to its land neighbours */
            o->kd[k] = (float)DEMO_KD_CLAY_COAST;
            continue;
        }
        if (w->mask[k] != ZT_MASK_ACTIVE) {
            continue;
        }
        if (s == ZT_SOIL_PEAT) {
            kd = DEMO_KD_PEAT_EDGE + (DEMO_KD_PEAT_DEEP - DEMO_KD_PEAT_EDGE) * tp;
            dc = DEMO_DITCH_PEAT_EDGE + (DEMO_DITCH_PEAT_DEEP - DEMO_DITCH_PEAT_EDGE) * tp;
            if (w->prov[k] != ZT_PROV_DRENTHE) {
                /* low peat polders, the Frisian "badkuip": seepage */
                cv = DEMO_CV_PEAT_EDGE + (DEMO_CV_PEAT_DEEP - DEMO_CV_PEAT_EDGE) * tp;
                q = DEMO_Q_PEAT_EDGE + (DEMO_Q_PEAT_DEEP - DEMO_Q_PEAT_EDGE) * tp;
            } else if (in_any_disc(demo_bogpeat, DEMO_N(demo_bogpeat), x, y)) {
                /* a raised bog on the plateau infiltrates */
                cv = DEMO_CV_BOG;
                q = DEMO_Q_BOG;
            } else {
                /* brook valley: seepage from the plateau */
                cv = DEMO_CV_VALLEY;
                q = DEMO_Q_VALLEY;
            }
        } else if (s == ZT_SOIL_CLAY) {
            kd = DEMO_KD_CLAY_COAST + (DEMO_KD_CLAY_INLAND - DEMO_KD_CLAY_COAST) * tc;
            cv = DEMO_CV_CLAY_COAST + (DEMO_CV_CLAY_INLAND - DEMO_CV_CLAY_COAST) * tc;
            q = DEMO_Q_CLAY_COAST * (1.0 - tc);
            dc = DEMO_DITCH_CLAY_LOW +
                 (DEMO_DITCH_CLAY_HIGH - DEMO_DITCH_CLAY_LOW) * clamp01(z / DEMO_CLAY_TOP_M);
        } else {
            kd = DEMO_KD_SAND_LOW + (DEMO_KD_SAND_HIGH - DEMO_KD_SAND_LOW) * ts;
            if (w->prov[k] == ZT_PROV_DRENTHE &&
                block_hash(x + DEMO_BOULDER_SHIFT, y) < DEMO_BOULDER_PCT) {
                kd = fmax(DEMO_KD_SAND_MIN, 0.5 * kd); /* boulder clay near the surface */
            }
            cv = DEMO_CV_SAND_LOW + (DEMO_CV_SAND_HIGH - DEMO_CV_SAND_LOW) * ts;
            q = DEMO_Q_SAND_LOW + (DEMO_Q_SAND_HIGH - DEMO_Q_SAND_LOW) * ts;
            dc = DEMO_DITCH_SAND_LOW + (DEMO_DITCH_SAND_HIGH - DEMO_DITCH_SAND_LOW) * ts;
        }
        o->kd[k] = (float)kd;
        o->cv[k] = (float)cv;
        o->phi[k] = (float)(h0 + q / 1000.0 * cv);
        o->ditch_c[k] = (float)dc;
        o->ditch_ci[k] = (float)(DEMO_DITCH_INF_FACTOR * dc);
        if (lu == ZT_LU_GRASS && (s == ZT_SOIL_CLAY || s == ZT_SOIL_PEAT)) {
            o->trench_depth[k] = (float)DEMO_TRENCH_DEPTH;
            o->trench_c[k] = (float)DEMO_TRENCH_C;
        }
        if ((lu == ZT_LU_ARABLE || lu == ZT_LU_CAPITAL) && s == ZT_SOIL_CLAY) {
            o->tile_depth[k] = (float)DEMO_TILE_DEPTH;
            o->tile_c[k] = (float)DEMO_TILE_C;
        }
    }
}

/* ---- peat thickness --------------------------------------------------------- */

/*
 * The demo's peat thickness (m) of cell k of the work grid: NAN outside the
 * active cells, 0 where the soil is not peat, else thin at the edge of the
 * peat and thicker inwards, T = min(T_max, 0.3 + 0.5 d_in / 1000), with
 * d_in = dpeat (m, the exact distance to the nearest active cell that is not
 * peat) and T_max by province.
 */
static float demo_peat_thickness(const demo_work *w, zt_idx k)
{
    double tmax = DEMO_PEAT_T_MAX_DRENTHE; /* m */

    if (w->mask[k] != ZT_MASK_ACTIVE) {
        return NAN;
    }
    if (w->soil[k] != ZT_SOIL_PEAT) {
        return 0.0f;
    }
    if (w->prov[k] == ZT_PROV_FRYSLAN) {
        tmax = DEMO_PEAT_T_MAX_FRYSLAN;
    } else if (w->prov[k] == ZT_PROV_GRONINGEN) {
        tmax = DEMO_PEAT_T_MAX_GRONINGEN;
    }
    return (float)fmin(tmax, DEMO_PEAT_T_EDGE + DEMO_PEAT_T_PER_KM * (double)w->dpeat[k] / 1000.0);
}

/* ---- districts -------------------------------------------------------------- */

typedef struct demo_seed {
    zt_idx k;     /* cell of the seed */
    int32_t comp; /* land component */
} demo_seed;

typedef struct demo_sortkey {
    int64_t key;
    zt_idx k;
} demo_sortkey;

static int cmp_sortkey(const void *a, const void *b)
{
    const demo_sortkey *p = a, *q = b;
    if (p->key != q->key) {
        return p->key < q->key ? -1 : 1;
    }
    return p->k < q->k ? -1 : (p->k > q->k);
}

/* Label the 8-connected components of active cells of one province
 * (comp[k] >= 0; -1 elsewhere); returns their number. queue: n cells. */
static int32_t label_components(const demo_work *w, int32_t *comp, zt_idx *queue)
{
    zt_idx nx = w->g.nx, ny = w->g.ny, k;
    int32_t nc = 0;

    for (k = 0; k < w->n; k++) {
        comp[k] = -1;
    }
    for (k = 0; k < w->n; k++) {
        zt_idx head = 0, tail = 0;
        if (w->mask[k] != ZT_MASK_ACTIVE || comp[k] >= 0) {
            continue;
        }
        comp[k] = nc;
        queue[tail++] = k;
        while (head < tail) {
            zt_idx c = queue[head++], j = c / nx, i = c % nx, dj, di;
            for (dj = -1; dj <= 1; dj++) {
                for (di = -1; di <= 1; di++) {
                    zt_idx jj = j + dj, ii = i + di, q;
                    if (jj < 0 || jj >= ny || ii < 0 || ii >= nx) {
                        continue;
                    }
                    q = jj * nx + ii;
                    if (w->mask[q] == ZT_MASK_ACTIVE && comp[q] < 0 && w->prov[q] == w->prov[k]) {
                        comp[q] = nc;
                        queue[tail++] = q;
                    }
                }
            }
        }
        nc++;
    }
    return nc;
}

static zt_status make_districts(demo_work *w, zt_err *err)
{
    zt_status st = ZT_OK;
    zt_idx nx = w->g.nx, k, i;
    int32_t *comp = NULL, nc, c;
    zt_idx *queue = NULL;
    demo_seed *seeds = NULL;
    zt_idx nseed = 0, capseed;
    int32_t *seed_of_comp = NULL; /* 1 when a component has a lattice seed, else -1 */
    zt_idx *area = NULL;          /* cells per district label */
    zt_idx caplab = 0;            /* capacity of area */
    demo_sortkey *keys = NULL;
    int32_t nlab, a;
    zt_idx amin = (zt_idx)ceil(DEMO_DIST_MIN_M2 / (w->g.dx * w->g.dx));
    zt_idx amax = (zt_idx)floor(DEMO_DIST_MAX_M2 / (w->g.dx * w->g.dx));
    double lat0x = floor(w->g.x0 / DEMO_SEED_M) * DEMO_SEED_M + 0.5 * DEMO_SEED_M;
    double lat0y = floor(w->g.y0 / DEMO_SEED_M) * DEMO_SEED_M + 0.5 * DEMO_SEED_M;
    double sx, sy;

    comp = zt_malloc((size_t)w->n * sizeof *comp);
    queue = zt_malloc((size_t)w->n * sizeof *queue);
    if (!comp || !queue) {
        st = zt_fail(err, ZT_ENOMEM, "out of memory for the districts");
        goto done;
    }
    nc = label_components(w, comp, queue);
    seed_of_comp = zt_malloc((size_t)(nc > 0 ? nc : 1) * sizeof *seed_of_comp);
    capseed =
        (zt_idx)((w->g.nx * w->g.dx / DEMO_SEED_M + 2) * (w->g.ny * w->g.dx / DEMO_SEED_M + 2)) +
        nc;
    seeds = zt_malloc((size_t)capseed * sizeof *seeds);
    if (!seed_of_comp || !seeds) {
        st = zt_fail(err, ZT_ENOMEM, "out of memory for the district seeds");
        goto done;
    }
    for (c = 0; c < nc; c++) {
        seed_of_comp[c] = -1;
    }
    /* lattice seeds on land, row by row from the south-west */
    for (sy = lat0y; sy < w->g.y0 + (double)w->g.ny * w->g.dx; sy += DEMO_SEED_M) {
        for (sx = lat0x; sx < w->g.x0 + (double)w->g.nx * w->g.dx; sx += DEMO_SEED_M) {
            zt_idx ci = (zt_idx)floor((sx - w->g.x0) / w->g.dx);
            zt_idx cj = (zt_idx)floor((sy - w->g.y0) / w->g.dx);
            if (ci < 0 || cj < 0 || ci >= nx || cj >= w->g.ny) {
                continue;
            }
            k = cj * nx + ci;
            if (w->mask[k] == ZT_MASK_ACTIVE) {
                assert(nseed < capseed);
                seeds[nseed].k = k;
                seeds[nseed].comp = comp[k];
                if (seed_of_comp[comp[k]] < 0) {
                    seed_of_comp[comp[k]] = 1;
                }
                nseed++;
            }
        }
    }
    /* components without a seed: one at the cell nearest their centroid */
    {
        double *cx = zt_calloc((size_t)(nc > 0 ? nc : 1), sizeof *cx);
        double *cy = zt_calloc((size_t)(nc > 0 ? nc : 1), sizeof *cy);
        zt_idx *cn = zt_calloc((size_t)(nc > 0 ? nc : 1), sizeof *cn);
        zt_idx *best = zt_malloc((size_t)(nc > 0 ? nc : 1) * sizeof *best);
        double *bestd = zt_malloc((size_t)(nc > 0 ? nc : 1) * sizeof *bestd);
        if (!cx || !cy || !cn || !best || !bestd) {
            zt_free(cx);
            zt_free(cy);
            zt_free(cn);
            zt_free(best);
            zt_free(bestd);
            st = zt_fail(err, ZT_ENOMEM, "out of memory for the district seeds");
            goto done;
        }
        for (k = 0; k < w->n; k++) {
            if (comp[k] >= 0) {
                cx[comp[k]] += cell_x(&w->g, k);
                cy[comp[k]] += cell_y(&w->g, k);
                cn[comp[k]]++;
            }
        }
        for (c = 0; c < nc; c++) {
            cx[c] /= (double)cn[c];
            cy[c] /= (double)cn[c];
            best[c] = -1;
            bestd[c] = HUGE_VAL;
        }
        for (k = 0; k < w->n; k++) {
            if (comp[k] >= 0 && seed_of_comp[comp[k]] < 0) {
                double d = hypot(cell_x(&w->g, k) - cx[comp[k]], cell_y(&w->g, k) - cy[comp[k]]);
                if (d < bestd[comp[k]]) {
                    bestd[comp[k]] = d;
                    best[comp[k]] = k;
                }
            }
        }
        for (c = 0; c < nc; c++) {
            if (seed_of_comp[c] < 0) {
                assert(best[c] >= 0 && nseed < capseed);
                seeds[nseed].k = best[c];
                seeds[nseed].comp = c;
                nseed++;
            }
        }
        zt_free(cx);
        zt_free(cy);
        zt_free(cn);
        zt_free(best);
        zt_free(bestd);
    }
    /* nearest seed of the same component (which implies the same province) */
    for (k = 0; k < w->n; k++) {
        double x, y, bd = HUGE_VAL;
        int32_t bl = -1;
        w->lab[k] = -1;
        if (comp[k] < 0) {
            continue;
        }
        x = cell_x(&w->g, k);
        y = cell_y(&w->g, k);
        for (i = 0; i < nseed; i++) {
            if (seeds[i].comp == comp[k]) {
                double dx = cell_x(&w->g, seeds[i].k) - x, dy = cell_y(&w->g, seeds[i].k) - y;
                double d = dx * dx + dy * dy;
                if (d < bd) {
                    bd = d;
                    bl = (int32_t)i;
                }
            }
        }
        w->lab[k] = bl;
    }
    nlab = (int32_t)nseed;
    caplab = 2 * (zt_idx)nlab + 4 * (w->n / (amax > 0 ? amax : 1)) + 16;
    area = zt_calloc((size_t)caplab, sizeof *area);
    if (!area) {
        st = zt_fail(err, ZT_ENOMEM, "out of memory for the district areas");
        goto done;
    }
    for (k = 0; k < w->n; k++) {
        if (w->lab[k] >= 0) {
            area[w->lab[k]]++;
        }
    }
    /* merge: the smallest district under the minimum first */
    for (;;) {
        int32_t small = -1, target = -1;
        zt_idx best_area = -1;
        for (a = 0; a < nlab; a++) {
            if (area[a] > 0 && area[a] < amin && (small < 0 || area[a] < area[small])) {
                small = a;
            }
        }
        if (small < 0) {
            break;
        }
        for (k = 0; k < w->n; k++) {
            zt_idx j = k / nx, ii = k % nx, nb[4];
            int m, nnb = 0;
            if (w->lab[k] != small) {
                continue;
            }
            if (ii > 0) {
                nb[nnb++] = k - 1;
            }
            if (ii + 1 < nx) {
                nb[nnb++] = k + 1;
            }
            if (j > 0) {
                nb[nnb++] = k - nx;
            }
            if (j + 1 < w->g.ny) {
                nb[nnb++] = k + nx;
            }
            for (m = 0; m < nnb; m++) {
                int32_t l = w->lab[nb[m]];
                if (l >= 0 && l != small && w->prov[nb[m]] == w->prov[k] &&
                    (area[l] > best_area || (area[l] == best_area && l < target))) {
                    best_area = area[l];
                    target = l;
                }
            }
        }
        if (target < 0) {
            /* no neighbour (a small island): the district of the same
             * province whose nearest cell is nearest to the seed */
            zt_idx sk = seeds[small].k;
            double bd = HUGE_VAL;
            for (k = 0; k < w->n; k++) {
                int32_t l = w->lab[k];
                if (l >= 0 && l != small && w->prov[k] == w->prov[sk]) {
                    double d = hypot(cell_x(&w->g, k) - cell_x(&w->g, sk),
                                     cell_y(&w->g, k) - cell_y(&w->g, sk));
                    if (d < bd) {
                        bd = d;
                        target = l;
                    }
                }
            }
        }
        if (target < 0) {
            /* the only district of its province: keep it */
            area[small] = -area[small];
            continue;
        }
        for (k = 0; k < w->n; k++) {
            if (w->lab[k] == small) {
                w->lab[k] = target;
            }
        }
        area[target] += area[small];
        area[small] = 0;
    }
    for (a = 0; a < nlab; a++) {
        if (area[a] < 0) {
            area[a] = -area[a];
        }
    }
    /* split: halve the largest district over the maximum along its longer side */
    keys = zt_malloc((size_t)w->n * sizeof *keys);
    if (!keys) {
        st = zt_fail(err, ZT_ENOMEM, "out of memory for the district split");
        goto done;
    }
    for (;;) {
        int32_t big = -1;
        zt_idx nk = 0, imin = w->g.nx, imax = -1, jmin = w->g.ny, jmax = -1, m;
        for (a = 0; a < nlab; a++) {
            if (area[a] > amax && (big < 0 || area[a] > area[big])) {
                big = a;
            }
        }
        if (big < 0) {
            break;
        }
        if ((zt_idx)nlab >= caplab) {
            st = zt_fail(err, ZT_EINTERNAL, "too many districts after splitting (%d)", nlab);
            goto done;
        }
        for (k = 0; k < w->n; k++) {
            if (w->lab[k] == big) {
                zt_idx j = k / nx, ii = k % nx;
                imin = ii < imin ? ii : imin;
                imax = ii > imax ? ii : imax;
                jmin = j < jmin ? j : jmin;
                jmax = j > jmax ? j : jmax;
            }
        }
        for (k = 0; k < w->n; k++) {
            if (w->lab[k] == big) {
                zt_idx j = k / nx, ii = k % nx;
                keys[nk].key = (imax - imin >= jmax - jmin) ? ii * w->g.ny + j : j * nx + ii;
                keys[nk].k = k;
                nk++;
            }
        }
        qsort(keys, (size_t)nk, sizeof *keys, cmp_sortkey);
        for (m = 0; m < nk / 2; m++) {
            w->lab[keys[m].k] = nlab;
        }
        area[nlab] = nk / 2;
        area[big] = nk - nk / 2;
        nlab++;
    }
done:
    zt_free(comp);
    zt_free(queue);
    zt_free(seeds);
    zt_free(seed_of_comp);
    zt_free(area);
    zt_free(keys);
    return st;
}

/* ---- the public function ---------------------------------------------------- */

/* Index of district id in t (n entries sorted by id), or -1. */
static int district_index_of(const grid_district *t, int n, int32_t id)
{
    int lo = 0, hi = n - 1;
    while (lo <= hi) {
        int mid = (lo + hi) / 2;
        if (t[mid].id == id) {
            return mid;
        }
        if (t[mid].id < id) {
            lo = mid + 1;
        } else {
            hi = mid - 1;
        }
    }
    return -1;
}

/*
 * The deep head relative to the district's summer ditch level. assign_groundwater
 * aimed phi at the initial water table h0 (phi = h0 + q cv); but the water
 * table settles near the ditch level, and on the sand plateau a district's
 * ditches lie metres below the initial table of its higher cells, so that
 * rule gave kwel of a metre a year there. Here the aimed seepage q of each
 * active cell is kept ((phi - h0)/cv) and the deep head is set from the level
 * the cell drains to: phi = summer level of its district + q cv. In a polder
 * (q > 0) the deep head stands q cv above the ditches; on the plateau (q < 0)
 * below them, so that a water table at the ditch level leaks q.
 */
static zt_status deep_head_from_levels(grid_domain *d, zt_err *err)
{
    grid_district *t = NULL;
    int n = 0, i;
    zt_idx k, ncell = zt_grid_ncell(&d->g);
    zt_status st = grid_demo_districts(d, &t, &n, err);
    if (st != ZT_OK) {
        return st;
    }
    for (k = 0; k < ncell; k++) {
        double h0, q;
        if (d->mask[k] != ZT_MASK_ACTIVE) {
            continue;
        }
        i = district_index_of(t, n, d->district[k]);
        if (i < 0) {
            continue; /* cannot happen: every active cell has a district of the table */
        }
        h0 = (double)d->surface[k] - (double)d->gwdepth[k];
        q = ((double)d->deep_head[k] - h0) / (double)d->cv[k];
        d->deep_head[k] = (float)(t[i].summer_level + q * (double)d->cv[k]);
    }
    zt_free(t);
    return ZT_OK;
}

zt_status grid_demo_build(const char *boundaries, double dx, grid_domain **out, zt_err *err)
{
    zt_status st = ZT_OK;
    demo_provs provs;
    demo_work w;
    grid_domain *d = NULL;
    zt_grid g;
    zt_idx k, i0, i1, j0, j1, i, j;
    int32_t *newid = NULL;
    int32_t nlab_max = 0;
    int next[3] = {0, 0, 0};
    int pushed = 0;

    memset(&provs, 0, sizeof provs);
    memset(&w, 0, sizeof w);
    *out = NULL;
    if (!boundaries || !boundaries[0]) {
        return zt_fail(err, ZT_EINPUT, "demo domain: no file with province boundaries given");
    }
    if (!(dx >= 25.0 && dx <= 5000.0)) {
        return zt_fail(err, ZT_EINPUT, "demo domain: cell size %g m outside 25 to 5000 m", dx);
    }
    GDALAllRegister();
    CPLPushErrorHandler(CPLQuietErrorHandler);
    pushed = 1;
    st = read_provinces(boundaries, &provs, err);
    if (st != ZT_OK) {
        goto done;
    }
    /* provisional grid: the envelope of the provinces on multiples of dx */
    w.g.dx = dx;
    w.g.x0 = floor(provs.xmin / dx) * dx;
    w.g.y0 = floor(provs.ymin / dx) * dx;
    w.g.nx = (zt_idx)ceil((provs.xmax - w.g.x0) / dx);
    w.g.ny = (zt_idx)ceil((provs.ymax - w.g.y0) / dx);
    w.n = w.g.nx * w.g.ny;
    if (w.g.nx <= 0 || w.g.ny <= 0 || w.g.nx > 100000 || w.g.ny > 100000) {
        st = zt_fail(err, ZT_EINPUT, "%s: the provinces span %lld x %lld cells of %g m", boundaries,
                     (long long)w.g.nx, (long long)w.g.ny, dx);
        goto done;
    }
    st = work_alloc(&w, err);
    if (st != ZT_OK) {
        goto done;
    }
    st = rasterise(boundaries, &provs, &w.g, w.prov, w.water, err);
    if (st != ZT_OK) {
        goto done;
    }
    classify_cells(&w);
    assign_soil(&w);
    assign_levels_landuse(&w);
    assign_groundwater(&w);
    st = make_districts(&w, err);
    if (st != ZT_OK) {
        goto done;
    }
    /* the final grid: bounding box of the active and fixed-head cells */
    i0 = w.g.nx;
    i1 = -1;
    j0 = w.g.ny;
    j1 = -1;
    for (k = 0; k < w.n; k++) {
        if (w.mask[k] != ZT_MASK_INACTIVE) {
            i = k % w.g.nx;
            j = k / w.g.nx;
            i0 = i < i0 ? i : i0;
            i1 = i > i1 ? i : i1;
            j0 = j < j0 ? j : j0;
            j1 = j > j1 ? j : j1;
        }
        if (w.lab[k] + 1 > nlab_max) {
            nlab_max = w.lab[k] + 1;
        }
    }
    if (i1 < 0) {
        st = zt_fail(err, ZT_EINPUT, "%s: no land cell inside the provinces", boundaries);
        goto done;
    }
    g.dx = dx;
    g.x0 = w.g.x0 + (double)i0 * dx;
    g.y0 = w.g.y0 + (double)j0 * dx;
    g.nx = i1 - i0 + 1;
    g.ny = j1 - j0 + 1;
    st = grid_domain_create(&g, &d, err);
    if (st == ZT_OK) {
        st = grid_domain_add_gw(d, err);
    }
    if (st == ZT_OK) {
        st = grid_domain_add_peat_thickness(d, err);
    }
    if (st != ZT_OK) {
        goto done;
    }
    newid = zt_malloc((size_t)(nlab_max > 0 ? nlab_max : 1) * sizeof *newid);
    if (!newid) {
        st = zt_fail(err, ZT_ENOMEM, "out of memory for the district ids");
        goto done;
    }
    for (k = 0; k < nlab_max; k++) {
        newid[k] = 0;
    }
    for (j = 0; j < g.ny; j++) {
        for (i = 0; i < g.nx; i++) {
            zt_idx src = (j + j0) * w.g.nx + (i + i0), dst = j * g.nx + i;
            d->mask[dst] = w.mask[src];
            d->province[dst] = w.prov[src];
            d->surface[dst] = w.z[src];
            d->kd[dst] = w.gwf.kd[src];
            d->deep_head[dst] = w.gwf.phi[src];
            d->cv[dst] = w.gwf.cv[src];
            d->ditch_c[dst] = w.gwf.ditch_c[src];
            d->ditch_ci[dst] = w.gwf.ditch_ci[src];
            d->trench_depth[dst] = w.gwf.trench_depth[src];
            d->trench_c[dst] = w.gwf.trench_c[src];
            d->tile_depth[dst] = w.gwf.tile_depth[src];
            d->tile_c[dst] = w.gwf.tile_c[src];
            d->peat_thickness[dst] = demo_peat_thickness(&w, src);
            if (w.mask[src] != ZT_MASK_ACTIVE) {
                continue;
            }
            d->soil[dst] = w.soil[src];
            d->landuse[dst] = w.landuse[src];
            d->gwdepth[dst] = w.gw[src];
            d->sprinkling[dst] = w.spr[src];
            if (newid[w.lab[src]] == 0) {
                int p = w.prov[src] - ZT_PROV_GRONINGEN;
                if (next[p] >= 999) {
                    st = zt_fail(err, ZT_EINTERNAL, "%s: more than 999 districts in province %d",
                                 boundaries, w.prov[src]);
                    goto done;
                }
                newid[w.lab[src]] = w.prov[src] * 1000 + ++next[p];
            }
            d->district[dst] = newid[w.lab[src]];
        }
    }
    st = deep_head_from_levels(d, err);
    if (st != ZT_OK) {
        goto done;
    }
    *out = d;
    d = NULL;
done:
    if (pushed) {
        CPLPopErrorHandler();
    }
    zt_free(newid);
    grid_domain_destroy(&d);
    work_free(&w);
    provs_free(&provs);
    return st;
}

/* ---- the demo's district table ---------------------------------------------- */

/*
 * Rules of grid_demo_districts (grid_demo.h; docs/demo-domain.md, "District
 * table"). The mainland Wadden dike is demo_wadden[3] (Zurich) to demo_wadden[33]
 * (Nieuwe Statenzijl): the polygon's first three vertices are the
 * Afsluitdijk, its last four close it at sea.
 */
#define DEMO_DIKE_FIRST 3           /* index of Zurich in demo_wadden */
#define DEMO_DIKE_LAST 33           /* index of Nieuwe Statenzijl */
#define DEMO_FLUSH_M 10000.0        /* flushing districts: centroid this near the dike (m), brief */
#define DEMO_FLUSH_FRYSLAN_M3D 2.5e6   /* northern Friesland, July 2022 (m3/d), FACTS §1/§4 [S] */
#define DEMO_FLUSH_GRONINGEN_M3D 0.5e6 /* Groningen coast (m3/d) [E]: half of the 1e6 m3/d
                                          passed on to Groningen in July 2022, FACTS §1 */
#define DEMO_LEVEL_PCT 10.0         /* percentile of the land's surface level (%) [E] */
#define DEMO_DRAIN_PEAT 0.60        /* summer level below z10, peat (m): Friesland, FACTS §3 */
#define DEMO_DRAIN_CLAY 1.00        /* ... clay (m) [E] */
#define DEMO_DRAIN_SAND 1.20        /* ... sand (m) [E] */
#define DEMO_WINTER_PEAT 0.10       /* winter below summer, peat (m) [E] */
#define DEMO_WINTER_CLAY 0.10       /* ... clay (m) [E] */
#define DEMO_WINTER_SAND 0.20       /* ... sand (m) [E] */
#define DEMO_OW_PEAT 0.08           /* open water / land, peat (-) [E] */
#define DEMO_OW_CLAY 0.04           /* ... clay (-) [E] */
#define DEMO_OW_SAND 0.02           /* ... sand (-) [E] */
#define DEMO_PUMP_MM_D 12.0         /* pumping capacity (mm/d) [E]: Dutch design norm 10-15 */
/* Supply areas (issue 13): a sandy district whose summer level lies above
 * this lies outside them, free-draining [E: the water boards' map of supply
 * areas would replace the rule] ... */
#define DEMO_SUPPLY_LEVEL 2.0
/* The summer level may sink 10 cm below its target before inlet starts:
 * calibrated (docs/calibration.md §6) at the top of its range 0-0.10 m [E:
 * peilbesluiten commonly set a margin of a few to 10 cm around the target;
 * each water board's peilbesluit would replace it] */
#define DEMO_TOLERANCE_M 0.10
/* ... unless it lies in the Veenkolonien, which the canals supply (up to
 * 20 m3/s towards them [S], FACTS §1): east of these centroid x (m, RD),
 * as the network file's attach rules [E] */
#define DEMO_VK_X_GRONINGEN 245000.0
#define DEMO_VK_X_DRENTHE 250000.0
#define DEMO_S_PER_DAY 86400.0      /* s/d */

/* 1 when (x, y) lies inside the polygon v (n vertices, open ring): the
 * crossing-number test. */
static int in_polygon(const demo_xy *v, int n, double x, double y)
{
    int i, j, inside = 0;
    for (i = 0, j = n - 1; i < n; j = i++) {
        if ((v[i].y > y) != (v[j].y > y) &&
            x < (v[j].x - v[i].x) * (y - v[i].y) / (v[j].y - v[i].y) + v[i].x) {
            inside = !inside;
        }
    }
    return inside;
}

/* A cell's surface level keyed for sorting: district, land first, level. */
typedef struct demo_dz {
    int32_t di;   /* district index (0-based) */
    int32_t land; /* 0 land, 1 open water (land sorts first) */
    float z;      /* surface level (m NAP) */
} demo_dz;

static int cmp_dz(const void *a, const void *b)
{
    const demo_dz *p = a, *q = b;
    if (p->di != q->di) {
        return p->di < q->di ? -1 : 1;
    }
    if (p->land != q->land) {
        return p->land < q->land ? -1 : 1;
    }
    return (p->z > q->z) - (p->z < q->z);
}

static int cmp_i32(const void *a, const void *b)
{
    int32_t p = *(const int32_t *)a, q = *(const int32_t *)b;
    return (p > q) - (p < q);
}

/* What one district's cells add up to. */
typedef struct demo_dacc {
    zt_idx ncell, nland;       /* cells, land cells (-) */
    double sx, sy;             /* sums of cell-centre x and y (m) */
    zt_idx nprov[4];           /* cells per province: Groningen, Fryslân, Drenthe, none */
    zt_idx nsoil[ZT_NSOIL];    /* land cells per soil */
    zt_idx nsoil_all[ZT_NSOIL]; /* all cells per soil */
} demo_dacc;

/* Index of a district id in the sorted unique ids (it is there). */
static int32_t district_index(const int32_t *ids, int32_t nd, int32_t id)
{
    const int32_t *p = bsearch(&id, ids, (size_t)nd, sizeof *ids, cmp_i32);
    assert(p);
    return (int32_t)(p - ids);
}

zt_status grid_demo_districts(const grid_domain *d, grid_district **out, int *n, zt_err *err)
{
    static const uint8_t prov_code[4] = {ZT_PROV_GRONINGEN, ZT_PROV_FRYSLAN, ZT_PROV_DRENTHE,
                                         ZT_PROV_NONE};
    static const char *const prov_name[4] = {"Groningen", "Fryslân", "Drenthe", "District"};
    zt_idx ncell = zt_grid_ncell(&d->g), k, m = 0;
    int32_t *ids = NULL, nd = 0, i;
    demo_dz *dz = NULL;
    demo_dacc *acc = NULL;
    grid_district *t = NULL;
    uint8_t *flush = NULL; /* per district: 1 Fryslân coast, 2 Groningen coast, 0 none */
    double area_flush[3] = {0.0, 0.0, 0.0}; /* m2 */
    double cell_area = d->g.dx * d->g.dx;   /* m2 */
    zt_idx pos = 0;
    zt_status st = ZT_OK;

    *out = NULL;
    *n = 0;
    for (k = 0; k < ncell; k++) {
        m += d->mask[k] == ZT_MASK_ACTIVE && d->district[k] > 0;
    }
    if (m == 0) {
        return zt_fail(err, ZT_EINPUT, "district table: the domain has no active cell with a "
                                       "district id > 0");
    }
    ids = zt_malloc((size_t)m * sizeof *ids);
    dz = zt_malloc((size_t)m * sizeof *dz);
    if (!ids || !dz) {
        st = zt_fail(err, ZT_ENOMEM, "district table: out of memory for %lld cells",
                     (long long)m);
        goto done;
    }
    m = 0;
    for (k = 0; k < ncell; k++) {
        if (d->mask[k] == ZT_MASK_ACTIVE && d->district[k] > 0) {
            ids[m++] = d->district[k];
        }
    }
    qsort(ids, (size_t)m, sizeof *ids, cmp_i32);
    for (k = 0; k < m; k++) {
        if (k == 0 || ids[k] != ids[nd - 1]) {
            ids[nd++] = ids[k];
        }
    }
    acc = zt_calloc((size_t)nd, sizeof *acc);
    t = zt_calloc((size_t)nd, sizeof *t);
    flush = zt_calloc((size_t)nd, sizeof *flush);
    if (!acc || !t || !flush) {
        st = zt_fail(err, ZT_ENOMEM, "district table: out of memory for %d districts", (int)nd);
        goto done;
    }
    /* sums per district, in cell order */
    m = 0;
    for (k = 0; k < ncell; k++) {
        demo_dacc *a;
        int land, p;
        if (d->mask[k] != ZT_MASK_ACTIVE || d->district[k] <= 0) {
            continue;
        }
        i = district_index(ids, nd, d->district[k]);
        a = &acc[i];
        land = d->landuse[k] != ZT_LU_WATER;
        a->ncell++;
        a->nland += land;
        a->sx += cell_x(&d->g, k);
        a->sy += cell_y(&d->g, k);
        for (p = 0; p < 3 && d->province[k] != prov_code[p]; p++) {
        }
        a->nprov[p]++;
        if (d->soil[k] < ZT_NSOIL) {
            a->nsoil_all[d->soil[k]]++;
            if (land) {
                a->nsoil[d->soil[k]]++;
            }
        }
        if (isfinite(d->surface[k])) {
            dz[m].di = i;
            dz[m].land = !land;
            dz[m].z = d->surface[k];
            m++;
        }
    }
    qsort(dz, (size_t)m, sizeof *dz, cmp_dz);
    for (i = 0; i < nd; i++) {
        const demo_dacc *a = &acc[i];
        const zt_idx *ns = a->nland > 0 ? a->nsoil : a->nsoil_all;
        grid_district *r = &t[i];
        zt_idx first = pos, nland = 0, nz, rank, cmax;
        int p, best = 0, s, soil = ZT_SOIL_CLAY; /* clay when no cell has a soil [E] */
        double z10, cx = a->sx / (double)a->ncell, cy = a->sy / (double)a->ncell;
        int nn;

        while (pos < m && dz[pos].di == i) {
            nland += dz[pos].land == 0;
            pos++;
        }
        nz = nland > 0 ? nland : pos - first; /* land cells, else all cells */
        for (p = 1; p < 4; p++) {
            best = a->nprov[p] > a->nprov[best] ? p : best;
        }
        for (s = ZT_SOIL_PEAT, cmax = 0; s < ZT_NSOIL; s++) {
            if (ns[s] > cmax) {
                cmax = ns[s];
                soil = s;
            }
        }
        r->id = ids[i];
        r->province = prov_code[best];
        nn = (r->province != ZT_PROV_NONE && ids[i] / 1000 == r->province) ? ids[i] % 1000
                                                                           : ids[i];
        snprintf(r->name, sizeof r->name, "%s %03d", prov_name[best], nn);
        /* nearest-rank percentile: the ceil(P/100 nz)-th smallest */
        if (nz > 0) {
            rank = (zt_idx)ceil(DEMO_LEVEL_PCT / 100.0 * (double)nz);
            rank = rank < 1 ? 1 : rank;
            z10 = dz[first + rank - 1].z;
        } else {
            z10 = 0.0; /* no finite surface level: cannot happen in a validated domain */
        }
        if (soil == ZT_SOIL_PEAT) {
            r->summer_level = z10 - DEMO_DRAIN_PEAT;
            r->winter_level = r->summer_level - DEMO_WINTER_PEAT;
            r->ow_fraction = DEMO_OW_PEAT;
        } else if (soil == ZT_SOIL_CLAY) {
            r->summer_level = z10 - DEMO_DRAIN_CLAY;
            r->winter_level = r->summer_level - DEMO_WINTER_CLAY;
            r->ow_fraction = DEMO_OW_CLAY;
        } else {
            r->summer_level = z10 - DEMO_DRAIN_SAND;
            r->winter_level = r->summer_level - DEMO_WINTER_SAND;
            r->ow_fraction = DEMO_OW_SAND;
        }
        /* levels as a water board sets them: to the centimetre */
        r->summer_level = round(100.0 * r->summer_level) / 100.0;
        r->winter_level = round(100.0 * r->winter_level) / 100.0;
        r->pump_mm_d = DEMO_PUMP_MM_D;
        r->tolerance_m = DEMO_TOLERANCE_M;
        r->flushing_m3s = 0.0;
        {
            const int vk = (r->province == ZT_PROV_GRONINGEN && cx >= DEMO_VK_X_GRONINGEN) ||
                           (r->province == ZT_PROV_DRENTHE && cx >= DEMO_VK_X_DRENTHE);
            r->unsupplied = soil == ZT_SOIL_SAND && r->summer_level > DEMO_SUPPLY_LEVEL && !vk;
        }
        if ((r->province == ZT_PROV_FRYSLAN || r->province == ZT_PROV_GRONINGEN) &&
            !in_polygon(demo_wadden, DEMO_N(demo_wadden), cx, cy) &&
            dist_polyline(demo_wadden + DEMO_DIKE_FIRST, DEMO_DIKE_LAST - DEMO_DIKE_FIRST + 1, cx,
                          cy, NULL) <= DEMO_FLUSH_M) {
            flush[i] = r->province == ZT_PROV_FRYSLAN ? 1 : 2;
            area_flush[flush[i]] += (double)a->ncell * cell_area;
        }
    }
    /* the flushing shared by area */
    for (i = 0; i < nd; i++) {
        if (flush[i]) {
            double total = flush[i] == 1 ? DEMO_FLUSH_FRYSLAN_M3D : DEMO_FLUSH_GRONINGEN_M3D;
            t[i].flushing_m3s = total * (double)acc[i].ncell * cell_area / area_flush[flush[i]] /
                                DEMO_S_PER_DAY;
        }
    }
    *out = t;
    *n = (int)nd;
    t = NULL;
done:
    zt_free(ids);
    zt_free(dz);
    zt_free(acc);
    zt_free(flush);
    zt_free(t);
    return st;
}
