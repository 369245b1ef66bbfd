/*
 * zt.h: types shared by every part of zoet.
 *
 * - zt_idx, the one index type for cells and other counts;
 * - zt_status, the one list of statuses, with its messages (an X-macro), so
 *   every failing function returns one of these and zt_strerror() names it;
 * - zt_err, the error record that carries the context of a failure (what,
 *   where, the library's own text) up to main, which alone prints and exits.
 *
 * Contract: a function that can fail returns zt_status and, when it fails,
 * fills the caller's zt_err (the first failure recorded wins, so the deepest
 * and most specific message is the one the user sees).
 */
#ifndef ZT_H
#define ZT_H

#include <stddef.h>
#include <stdint.h>

/* One index type for cells, rows, columns and counts. */
typedef int64_t zt_idx;

/*
 * The statuses, grouped by kind. The second column is the message; the third
 * tells whether the user can cause it (1: bad input, exit code 2) or not
 * (0: internal failure, exit code 1).
 */
#define ZT_STATUS_LIST(X)                                                      \
    X(ZT_OK, "success", 0)                                                     \
    /* input and configuration */                                              \
    X(ZT_EINPUT, "bad input", 1)                                               \
    X(ZT_ECONFIG, "bad scenario or parameter file", 1)                         \
    X(ZT_EUSAGE, "bad command line", 1)                                        \
    /* files and libraries */                                                  \
    X(ZT_EIO, "input/output error", 1)                                         \
    X(ZT_ENOSPACE, "no room for the output (a full disk, the file-size limit)", 0) \
    X(ZT_EINTERRUPTED, "interrupted by a signal", 0)                           \
    X(ZT_ENETCDF, "NetCDF error", 0)                                           \
    X(ZT_EGDAL, "GDAL error", 0)                                               \
    /* parallel */                                                             \
    X(ZT_EMPI, "MPI error", 0)                                                 \
    X(ZT_ETHREAD, "thread error", 0)                                           \
    /* numerics */                                                             \
    X(ZT_ENOCONV, "no convergence", 0)                                         \
    X(ZT_EBALANCE, "water balance does not close", 0)                          \
    /* resources and programming errors */                                     \
    X(ZT_ENOMEM, "out of memory", 0)                                           \
    X(ZT_EINTERNAL, "internal error", 0)

typedef enum zt_status {
#define ZT_X_ENUM(name, msg, user) name,
    ZT_STATUS_LIST(ZT_X_ENUM)
#undef ZT_X_ENUM
        ZT_STATUS_COUNT
} zt_status;

/* The message of a status; never NULL. */
const char *zt_strerror(zt_status st);

/* The symbolic name of a status ("ZT_EINPUT"); never NULL. */
const char *zt_status_name(zt_status st);

/* 1 when the user can cause the status (exit code 2), else 0 (exit code 1). */
int zt_status_is_user(zt_status st);

/* Error record: the status and one line of context. */
#define ZT_ERRMSG_MAX 1024
typedef struct zt_err {
    zt_status status;
    char msg[ZT_ERRMSG_MAX];
} zt_err;

/* Clear an error record (err may be NULL). */
void zt_err_clear(zt_err *err);

/*
 * Record a failure in err (which may be NULL) unless one is recorded already,
 * and return st, so that a caller can write `return zt_fail(err, ...)`.
 * The message is printf-formatted and should say what and where: file,
 * variable, key, line, cell or date, and the library's own text. A message
 * longer than the record keeps its end (the reason): words over 160 bytes,
 * paths as a rule, are shortened in their middle ("abc...xyz"), then, if
 * need be, the message itself; cuts fall on UTF-8 character bounds.
 */
zt_status zt_fail(zt_err *err, zt_status st, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/*
 * Prefix the message already in err with more context ("file.nc: ") when a
 * caller knows more than the callee did. Does nothing when err holds no error.
 * Shortened as zt_fail shortens, so the reason survives a long prefix.
 */
void zt_err_prefix(zt_err *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

/*
 * Allocation through one place, so tests can make it fail (an injectable
 * allocator): zt_malloc/zt_calloc return NULL when the test hook says so.
 */
void *zt_malloc(size_t n);
void *zt_calloc(size_t count, size_t size);
void *zt_realloc(void *p, size_t n);
void zt_free(void *p);

/* A copy of the string s through zt_malloc (free with zt_free), or NULL
 * when out of memory. */
char *zt_strdup(const char *s);

/*
 * Test hook: make the allocation that is number `nth` from now fail (1 = the
 * next one); 0 switches failing off. Not thread-safe; for tests only.
 */
void zt_alloc_fail_after(long nth);


/*
 * A regular raster in RD New (EPSG:28992). Cells are square; arrays of a grid
 * are row-major with row 0 the SOUTHERNMOST row (y ascending, the order GDAL
 * writes and NetCDF stores), so cell (row j, column i) is k = j * nx + i and
 * its centre lies at x = x0 + (i + 0.5) dx, y = y0 + (j + 0.5) dx.
 */
typedef struct zt_grid {
    zt_idx nx;  /* columns (-) */
    zt_idx ny;  /* rows (-) */
    double x0;  /* easting of the west edge (m, RD New) */
    double y0;  /* northing of the south edge (m, RD New) */
    double dx;  /* cell size (m) */
} zt_grid;

/* Number of cells of a grid. */
static inline zt_idx zt_grid_ncell(const zt_grid *g)
{
    return g->nx * g->ny;
}

/*
 * Calendar days: a zt_day is the number of days since 1970-01-01 in the
 * proleptic Gregorian calendar (negative before). Conversions are exact for
 * years 1 to 9999.
 */
typedef int32_t zt_day;

/* Day number of a civil date (year, month 1-12, day 1-31); no range check. */
zt_day zt_day_from_ymd(int year, int month, int day);

/* Civil date of a day number; any of the out-pointers may be NULL. */
void zt_day_to_ymd(zt_day d, int *year, int *month, int *day);

/*
 * Parse "YYYY-MM-DD" or "YYYYMMDD" into *out; returns 0 on success, -1 when
 * the text is not a valid date (including 2018-02-29).
 */
int zt_day_parse(const char *text, zt_day *out);

/* Write d as "YYYY-MM-DD" into buf (at least 11 bytes); returns buf. */
char *zt_day_format(zt_day d, char *buf);

/* Days in a month (1-12) of a year. */
int zt_days_in_month(int year, int month);


/*
 * Classes of the static fields. The codes are those stored in the NetCDF
 * domain files (with CF flag_values / flag_meanings); 0 means "none".
 */
enum zt_mask { ZT_MASK_INACTIVE = 0, ZT_MASK_ACTIVE = 1, ZT_MASK_FIXED = 2 };

enum zt_landuse {
    ZT_LU_NONE = 0,
    ZT_LU_GRASS = 1,   /* grassland */
    ZT_LU_ARABLE = 2,  /* arable land (potatoes, cereals, beet, maize) */
    ZT_LU_CAPITAL = 3, /* capital-intensive crops (bulbs, tree nursery, vegetables) */
    ZT_LU_NATURE = 4,  /* nature (wet and dry, including forest) */
    ZT_LU_URBAN = 5,   /* built-up land (a paved fraction and gardens) */
    ZT_LU_WATER = 6,   /* open water */
    ZT_NLANDUSE = 7
};

enum zt_soil {
    ZT_SOIL_NONE = 0,
    ZT_SOIL_PEAT = 1,
    ZT_SOIL_CLAY = 2,
    ZT_SOIL_SAND = 3,
    ZT_NSOIL = 4
};

/* Province codes: the number of the PDOK/Kadaster code PV20, PV21, PV22. */
enum zt_province {
    ZT_PROV_NONE = 0,
    ZT_PROV_GRONINGEN = 20,
    ZT_PROV_FRYSLAN = 21,
    ZT_PROV_DRENTHE = 22
};

/* Index 0, 1, 2 of Groningen, Fryslân, Drenthe (for per-province sums), or
 * -1 for any other code. */
int zt_prov_index(int prov);

/* Sprinkling source of a cell. */
enum zt_sprinkling { ZT_SPR_NONE = 0, ZT_SPR_SURFACE = 1, ZT_SPR_GROUND = 2 };

/* Short names of the classes ("grass", "peat", ...); index by code. */
extern const char *const zt_landuse_names[ZT_NLANDUSE];
extern const char *const zt_soil_names[ZT_NSOIL];

/*
 * A named array of doubles (borrowed): how a module shows its state to the
 * checkpoint writer and reader (io_ckpt.h) without knowing the file.
 */
typedef struct zt_named_array {
    const char *name;
    size_t n;
    double *v;
} zt_named_array;

#endif /* ZT_H */
