/*
 * io_map_draw.c: the picture of a map, drawn with cairo: colour ramps,
 * layout, raster, colour bar, scale bar and texts (io_map_internal.h; what a
 * map shows is in io_map.h and docs/pictures.md).
 *
 * Colour. Each valid value v (units of the field) becomes a position on the
 * ramp
 *     t = clamp((v - vmin) / (vmax - vmin), 0, 1)                  (-)
 * and, for the diverging ramp when vmin < 0 < vmax, piecewise so that 0 is
 * white:
 *     t = 0.5 (v - vmin) / (0 - vmin)   for v < 0,
 *     t = 0.5 + 0.5 v / vmax            for v >= 0.
 * The colour is interpolated linearly in sRGB between the two nearest of
 * n equally spaced anchor colours: with p = t (n - 1), i = floor(p),
 *     c = a_i + (p - i)(a_{i+1} - a_i), rounded to the nearest integer.
 * Anchors: sequential, the 9 colours of matplotlib's "viridis" at
 * t = 0, 1/8, ..., 1 (van der Walt and Smith 2015, designed to be
 * perceptually uniform and readable with colour-vision deficiency; the hex
 * values are those viridisLite::viridis(9) returns); diverging, ColorBrewer
 * "RdBu" with 9 classes (Brewer, colorbrewer2.org), reversed so that low
 * values are blue. Between anchors that close, linear sRGB interpolation
 * stays close to the uniform ramp [E].
 *
 * Layout (pixels): a white margin of PAD; the title and subtitle lines; the
 * raster, nx scale x ny scale pixels at integer offsets, north up (PNG row
 * r shows grid row ny - 1 - floor(r / scale): our arrays have row 0 in the
 * south); BAR_GAP to its right the colour ramp, BAR_W wide and as tall as
 * the raster (at least BAR_MIN), row 0 at t = 1 and the last row at t = 0
 * so that its ends are the end colours; ticks and their values right of it,
 * then the units written upwards; below the raster the scale bar. Raster and
 * ramp pixels are written into the surface directly, so a cell's colour is
 * exactly the ramp's; lines and texts are drawn over them with cairo's
 * antialiasing. Texts use cairo's "toy" font API with the fontconfig face
 * "sans-serif" (DejaVu Sans on Debian: fonts-dejavu-core).
 *
 * Ticks of the colour bar: "nice" numbers 1, 2 or 5 x 10^k apart (Heckbert,
 * "Nice numbers for graph labels", Graphics Gems, 1990; io_nice_num), about
 * five in the range, at the position of their value on the ramp. Scale bar:
 * the largest length 1, 2 or 5 x 10^k m that is at most a quarter of the
 * raster's width, labelled in km from 1 km on, else in m.
 */
#include "io_map_internal.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "io_picture.h"

/* ---- colour ramps ---------------------------------------------------------- */

/* viridis at t = 0, 1/8, ..., 1 (sRGB, 0-255). */
static const unsigned char ramp_viridis[MAP_RAMP_N][3] = {
    {0x44, 0x01, 0x54}, {0x47, 0x2D, 0x7B}, {0x3B, 0x52, 0x8B}, {0x2C, 0x72, 0x8E},
    {0x21, 0x90, 0x8C}, {0x27, 0xAD, 0x81}, {0x5D, 0xC8, 0x63}, {0xAA, 0xDC, 0x32},
    {0xFD, 0xE7, 0x25}};

/* ColorBrewer RdBu, 9 classes, reversed: blue (low) - white - red (high). */
static const unsigned char ramp_rdbu[MAP_RAMP_N][3] = {
    {0x21, 0x66, 0xAC}, {0x43, 0x93, 0xC3}, {0x92, 0xC5, 0xDE}, {0xD1, 0xE5, 0xF0},
    {0xF7, 0xF7, 0xF7}, {0xFD, 0xDB, 0xC7}, {0xF4, 0xA5, 0x82}, {0xD6, 0x60, 0x4D},
    {0xB2, 0x18, 0x2B}};

const unsigned char map_nodata_grey[3] = {0xDC, 0xDC, 0xDC};

map_ramp map_ramp_of(int diverging)
{
    return diverging ? ramp_rdbu : ramp_viridis;
}

double map_ramp_pos(double v, double vmin, double vmax, int diverging)
{
    double t;
    if (diverging && vmin < 0.0 && vmax > 0.0) {
        t = v < 0.0 ? 0.5 * (v - vmin) / (0.0 - vmin) : 0.5 + 0.5 * v / vmax;
    } else {
        t = (v - vmin) / (vmax - vmin);
    }
    return t < 0.0 ? 0.0 : (t > 1.0 ? 1.0 : t);
}

double map_ramp_value(double t, double vmin, double vmax, int diverging)
{
    if (diverging && vmin < 0.0 && vmax > 0.0) {
        return t < 0.5 ? vmin + (0.0 - vmin) * t / 0.5 : (t - 0.5) / 0.5 * vmax;
    }
    return vmin + t * (vmax - vmin);
}

void map_ramp_colour(map_ramp ramp, double t, unsigned char rgb[3])
{
    double p = t * (MAP_RAMP_N - 1);
    int i = (int)floor(p), c;
    double f;
    if (i >= MAP_RAMP_N - 1) {
        i = MAP_RAMP_N - 2;
    }
    if (i < 0) {
        i = 0;
    }
    f = p - i;
    for (c = 0; c < 3; c++) {
        double x = ramp[i][c] + f * (ramp[i + 1][c] - ramp[i][c]);
        rgb[c] = (unsigned char)lround(x);
    }
}

/* ---- layout ----------------------------------------------------------------- */

#define PAD 14       /* outer margin */
#define GAP 10       /* texts above to raster */
#define BAR_GAP 18   /* raster to colour bar */
#define BAR_W 16     /* colour bar's width */
#define BAR_MIN 160  /* shortest colour bar */
#define TICK 4       /* tick length */
#define SB_GAP 14    /* raster (or bar) to scale bar */
#define SB_H 6       /* scale bar's height */
#define MAX_SIDE 32767 /* cairo's largest image side */
#define MAX_TICKS 64

/* Ticks of the colour bar. */
typedef struct bar_ticks {
    int n;
    double v[MAX_TICKS]; /* values (units of the field) */
    int decimals;        /* digits after the point in the labels */
} bar_ticks;

/* Where everything goes. */
typedef struct plan {
    map_layout L;
    double title_y, sub_y; /* baselines */
    double label_x;        /* left of the tick labels */
    double units_x;        /* baseline of the upright units label */
    double sb_y;           /* top of the scale bar */
    int sb_px;             /* its length (pixels) */
    char sb_label[32];
    bar_ticks tk;
} plan;

static void set_font(cairo_t *cr, double px, int bold)
{
    cairo_select_font_face(cr, MAP_FONT, CAIRO_FONT_SLANT_NORMAL,
                           bold ? CAIRO_FONT_WEIGHT_BOLD : CAIRO_FONT_WEIGHT_NORMAL);
    cairo_set_font_size(cr, px);
}

static double text_w(cairo_t *cr, const char *s)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    return e.x_advance;
}

static int has_text(const char *s)
{
    return s && s[0];
}

static void ticks_make(double vmin, double vmax, bar_ticks *tk)
{
    double step = io_nice_num((vmax - vmin) / 5.0, 1);
    double k, k1 = floor(vmax / step + 1e-9);
    tk->n = 0;
    tk->decimals = 0;
    if (!isfinite(step) || !(step > 0.0) || !isfinite(k1)) {
        return; /* a range too wide for doubles: no ticks */
    }
    tk->decimals = step >= 1.0 ? 0 : (int)ceil(-log10(step) - 1e-9);
    for (k = ceil(vmin / step - 1e-9); k <= k1 && tk->n < MAX_TICKS; k++) {
        double v = k * step;
        tk->v[tk->n++] = fabs(v) < 1e-9 * step ? 0.0 : v;
    }
}

static void tick_label(const bar_ticks *tk, int i, char *buf, size_t n)
{
    snprintf(buf, n, "%.*f", tk->decimals, tk->v[i]);
}

/* The scale bar: the largest 1, 2 or 5 x 10^k m within a quarter of the width. */
static void scale_bar(const map_view *mv, plan *p)
{
    double want = 0.25 * (double)mv->g.nx * mv->g.dx, e = floor(log10(want));
    double f = want / pow(10.0, e), len = (f >= 5.0 ? 5.0 : (f >= 2.0 ? 2.0 : 1.0)) * pow(10.0, e);
    p->sb_px = (int)lround(len / mv->g.dx * mv->scale);
    if (len >= 1000.0) {
        snprintf(p->sb_label, sizeof p->sb_label, "%g km", len / 1000.0);
    } else {
        snprintf(p->sb_label, sizeof p->sb_label, "%g m", len);
    }
}

/* Lay the picture out, measuring the texts with cr. */
static void plan_make(cairo_t *cr, const map_view *mv, plan *p)
{
    cairo_font_extents_t fe;
    double y = PAD, right, wide = 0.0, labels = 0.0;
    char buf[64];
    int i;

    memset(p, 0, sizeof *p);
    if (has_text(mv->title)) {
        set_font(cr, MAP_PX_TITLE, 1);
        cairo_font_extents(cr, &fe);
        p->title_y = y + fe.ascent;
        y = p->title_y + fe.descent + 2.0;
        wide = text_w(cr, mv->title);
    }
    set_font(cr, MAP_PX_TEXT, 0);
    cairo_font_extents(cr, &fe);
    if (has_text(mv->subtitle)) {
        p->sub_y = y + fe.ascent;
        y = p->sub_y + fe.descent;
        wide = fmax(wide, text_w(cr, mv->subtitle));
    }
    p->L.left = PAD;
    p->L.top = y > PAD ? (int)ceil(y) + GAP : PAD;
    p->L.rw = (int)(mv->g.nx * mv->scale);
    p->L.rh = (int)(mv->g.ny * mv->scale);
    p->L.bar_x = p->L.left + p->L.rw + BAR_GAP;
    p->L.bar_y = p->L.top;
    p->L.bar_w = BAR_W;
    p->L.bar_h = p->L.rh > BAR_MIN ? p->L.rh : BAR_MIN;

    ticks_make(mv->vmin, mv->vmax, &p->tk);
    for (i = 0; i < p->tk.n; i++) {
        tick_label(&p->tk, i, buf, sizeof buf);
        labels = fmax(labels, text_w(cr, buf));
    }
    p->label_x = p->L.bar_x + BAR_W + TICK + 3.0;
    right = p->label_x + labels;
    if (has_text(mv->units)) {
        p->units_x = right + 8.0 + fe.ascent;
        right = p->units_x + fe.descent;
    }
    p->L.width = (int)ceil(fmax(right, PAD + wide)) + PAD;

    scale_bar(mv, p);
    p->sb_y = p->L.top + p->L.bar_h + SB_GAP;
    p->L.height = (int)ceil(p->sb_y + SB_H + fe.descent + 2.0) + PAD;
}

/* ---- drawing ---------------------------------------------------------------- */

static uint32_t pixel(const unsigned char rgb[3])
{
    return 0xFF000000u | (uint32_t)rgb[0] << 16 | (uint32_t)rgb[1] << 8 | (uint32_t)rgb[2];
}

/* The cells and the ramp, written into the surface's pixels. */
static void paint_pixels(cairo_surface_t *s, const map_view *mv, const map_layout *L)
{
    unsigned char *data = cairo_image_surface_get_data(s);
    int stride = cairo_image_surface_get_stride(s), r, c, k;
    map_ramp ramp = map_ramp_of(mv->diverging);
    uint32_t nodata = mv->opaque ? pixel(map_nodata_grey) : 0u; /* 0: transparent */
    zt_idx i, j;

    cairo_surface_flush(s);
    for (j = 0; j < mv->g.ny; j++) {
        int r0 = (int)(mv->g.ny - 1 - j) * mv->scale;
        unsigned char *line = data + (size_t)(L->top + r0) * (size_t)stride;
        uint32_t *row = (uint32_t *)(void *)line + L->left;
        for (i = 0; i < mv->g.nx; i++) {
            double v = mv->v[j * mv->g.nx + i];
            uint32_t px = nodata;
            if (isfinite(v)) {
                unsigned char rgb[3];
                map_ramp_colour(ramp, map_ramp_pos(v, mv->vmin, mv->vmax, mv->diverging), rgb);
                px = pixel(rgb);
            }
            for (k = 0; k < mv->scale; k++) {
                row[i * mv->scale + k] = px;
            }
        }
        for (k = 1; k < mv->scale; k++) {
            memcpy(data + (size_t)(L->top + r0 + k) * (size_t)stride + (size_t)L->left * 4,
                   row, (size_t)L->rw * 4);
        }
    }
    for (r = 0; r < L->bar_h; r++) {
        unsigned char rgb[3];
        uint32_t *row = (uint32_t *)(void *)(data + (size_t)(L->bar_y + r) * (size_t)stride);
        map_ramp_colour(ramp, 1.0 - (double)r / (L->bar_h > 1 ? L->bar_h - 1 : 1), rgb);
        for (c = 0; c < L->bar_w; c++) {
            row[L->bar_x + c] = pixel(rgb);
        }
    }
    cairo_surface_mark_dirty(s);
}

void map_text_halo(cairo_t *cr, const char *s, double x, double y)
{
    cairo_text_extents_t e;
    cairo_text_extents(cr, s, &e);
    cairo_move_to(cr, x - e.x_advance / 2.0, y - e.y_bearing - e.height / 2.0);
    cairo_text_path(cr, s);
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_set_line_width(cr, 3.0);
    cairo_set_line_join(cr, CAIRO_LINE_JOIN_ROUND);
    cairo_stroke_preserve(cr);
    cairo_set_source_rgb(cr, 0.1, 0.1, 0.1);
    cairo_fill(cr);
}

/* A 1-pixel frame just outside the rectangle (x, y, w, h). */
static void frame(cairo_t *cr, int x, int y, int w, int h)
{
    cairo_rectangle(cr, x - 0.5, y - 0.5, w + 1.0, h + 1.0);
    cairo_set_line_width(cr, 1.0);
    cairo_stroke(cr);
}

static void draw_bar(cairo_t *cr, const map_view *mv, const plan *p)
{
    const map_layout *L = &p->L;
    cairo_font_extents_t fe;
    double last = -1e9;
    char buf[64];
    int i;

    cairo_set_source_rgb(cr, 0.2, 0.2, 0.2);
    frame(cr, L->bar_x, L->bar_y, L->bar_w, L->bar_h);
    set_font(cr, MAP_PX_TEXT, 0);
    cairo_font_extents(cr, &fe);
    /* top to bottom, so that a crowded label gives way to the one above it */
    for (i = p->tk.n - 1; i >= 0; i--) {
        double t = map_ramp_pos(p->tk.v[i], mv->vmin, mv->vmax, mv->diverging);
        double y = L->bar_y + (1.0 - t) * (L->bar_h - 1) + 0.5;
        cairo_move_to(cr, L->bar_x + L->bar_w + 0.5, floor(y) + 0.5);
        cairo_rel_line_to(cr, TICK, 0.0);
        cairo_stroke(cr);
        if (y - last < fe.ascent + 2.0) {
            continue;
        }
        last = y;
        tick_label(&p->tk, i, buf, sizeof buf);
        cairo_move_to(cr, p->label_x, y + 0.5 * (fe.ascent - fe.descent));
        cairo_show_text(cr, buf);
    }
    if (has_text(mv->units)) {
        double w = text_w(cr, mv->units);
        cairo_save(cr);
        cairo_move_to(cr, p->units_x, L->bar_y + 0.5 * (L->bar_h + w));
        cairo_rotate(cr, -M_PI / 2.0);
        cairo_show_text(cr, mv->units);
        cairo_restore(cr);
    }
}

static void draw_texts(cairo_t *cr, const map_view *mv, const plan *p)
{
    const map_layout *L = &p->L;
    double x;

    cairo_set_source_rgb(cr, 0.0, 0.0, 0.0);
    if (has_text(mv->title)) {
        set_font(cr, MAP_PX_TITLE, 1);
        cairo_move_to(cr, PAD, p->title_y);
        cairo_show_text(cr, mv->title);
    }
    set_font(cr, MAP_PX_TEXT, 0);
    if (has_text(mv->subtitle)) {
        cairo_set_source_rgb(cr, 0.25, 0.25, 0.25);
        cairo_move_to(cr, PAD, p->sub_y);
        cairo_show_text(cr, mv->subtitle);
    }
    /* scale bar: the first half black, the second white, framed */
    cairo_set_source_rgb(cr, 0.0, 0.0, 0.0);
    cairo_rectangle(cr, L->left, p->sb_y, p->sb_px / 2, SB_H);
    cairo_fill(cr);
    cairo_rectangle(cr, L->left + 0.5, p->sb_y + 0.5, p->sb_px > 1 ? p->sb_px - 1 : 1, SB_H - 1);
    cairo_set_line_width(cr, 1.0);
    cairo_stroke(cr);
    x = L->left + p->sb_px + 6.0;
    cairo_move_to(cr, x, p->sb_y + SB_H);
    cairo_show_text(cr, p->sb_label);
    /* the CRS, right-aligned under the raster when there is room */
    x += text_w(cr, p->sb_label) + 16.0;
    {
        static const char crs[] = "RD New (EPSG:28992)";
        double w = text_w(cr, crs);
        if (x + w <= L->left + L->rw) {
            cairo_set_source_rgb(cr, 0.4, 0.4, 0.4);
            cairo_move_to(cr, L->left + L->rw - w, p->sb_y + SB_H);
            cairo_show_text(cr, crs);
        }
    }
}

static zt_status cairo_fail(cairo_status_t cs, const char *what, zt_err *err)
{
    return zt_fail(err, cs == CAIRO_STATUS_NO_MEMORY ? ZT_ENOMEM : ZT_EINTERNAL,
                   "%s: drawing the map: %s", what, cairo_status_to_string(cs));
}

zt_status map_draw(const map_view *mv, const map_outlines *ol, const char *what,
                   cairo_surface_t **out, map_layout *lay, zt_err *err)
{
    cairo_format_t fmt = mv->opaque ? CAIRO_FORMAT_RGB24 : CAIRO_FORMAT_ARGB32;
    cairo_surface_t *s = cairo_image_surface_create(fmt, 1, 1);
    cairo_t *cr = cairo_create(s);
    cairo_status_t cs;
    zt_status st = ZT_OK;
    plan p;

    *out = NULL;
    plan_make(cr, mv, &p); /* measures the texts on a scratch surface */
    if ((cs = cairo_status(cr)) != CAIRO_STATUS_SUCCESS) {
        st = cairo_fail(cs, what, err);
        goto done;
    }
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    cr = NULL;
    s = NULL;
    if (p.L.width > MAX_SIDE || p.L.height > MAX_SIDE) {
        st = zt_fail(err, ZT_EUSAGE, "%s: a picture of %d x %d pixels is more than cairo's %d a "
                                     "side; use a smaller scale",
                     what, p.L.width, p.L.height, MAX_SIDE);
        goto done;
    }
    s = cairo_image_surface_create(fmt, p.L.width, p.L.height);
    cr = cairo_create(s);
    if ((cs = cairo_status(cr)) != CAIRO_STATUS_SUCCESS) {
        st = cairo_fail(cs, what, err);
        goto done;
    }
    cairo_set_source_rgb(cr, 1.0, 1.0, 1.0);
    cairo_paint(cr);
    paint_pixels(s, mv, &p.L);
    if (ol) {
        map_outlines_draw(cr, ol, mv, &p.L);
    }
    cairo_set_source_rgb(cr, 0.55, 0.55, 0.55);
    frame(cr, p.L.left, p.L.top, p.L.rw, p.L.rh);
    draw_bar(cr, mv, &p);
    draw_texts(cr, mv, &p);
    cairo_surface_flush(s);
    if ((cs = cairo_status(cr)) != CAIRO_STATUS_SUCCESS) {
        st = cairo_fail(cs, what, err);
        goto done;
    }
    *lay = p.L;
    *out = s;
    s = NULL;
done:
    cairo_destroy(cr);
    cairo_surface_destroy(s);
    return st;
}
