/*
 * io_table.c: the consultation table as CSV, Markdown and HTML (io_table.h).
 */
#include "io_table.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>

#include "io_file.h"

const char *const io_table_periods[IO_TABLE_NPER] = {"average_year", "dry_1_in_10_year", "2018"};
static const char *const per_title[IO_TABLE_NPER] = {"average year", "1-in-10 dry year", "2018"};

static double val(const io_table *t, int row, int run, int per)
{
    return t->v[((size_t)row * (size_t)t->nrun + (size_t)run) * IO_TABLE_NPER + (size_t)per];
}

void io_table_csv_field(FILE *f, const char *s)
{
    if (!strpbrk(s, ",\"\n")) {
        fputs(s, f);
        return;
    }
    fputc('"', f);
    for (; *s; s++) {
        if (*s == '"') {
            fputc('"', f);
        }
        fputc(*s, f);
    }
    fputc('"', f);
}

zt_status io_table_csv(const io_table *t, const char *path, zt_err *err)
{
    FILE *f;
    zt_status st = io_text_open(path, &f, err);
    if (st != ZT_OK) {
        return st;
    }
    fputs("scenario,climate,statistic,area,class,period,year,value,unit,difference_to_reference\n", f);
    for (int r = 0; r < t->nrun; r++) {
        for (int i = 0; i < t->nrow; i++) {
            for (int p = 0; p < IO_TABLE_NPER; p++) {
                const int y = t->year[r * IO_TABLE_NPER + p];
                io_table_csv_field(f, t->run[r]);
                fputc(',', f);
                io_table_csv_field(f, t->climate[r]);
                fprintf(f, ",%s,", t->stat[i]);
                io_table_csv_field(f, t->area[i]);
                fputc(',', f);
                io_table_csv_field(f, t->cls[i]);
                fprintf(f, ",%s,", io_table_periods[p]);
                if (y) {
                    fprintf(f, "%d", y);
                }
                fprintf(f, ",%.6g,%s,%.6g\n", val(t, i, r, p), t->unit[i],
                        val(t, i, r, p) - val(t, i, 0, p));
            }
        }
    }
    return io_text_close(f, path, 1, err);
}

/* A value as the table shows it: 3 significant digits, "–" for none. */
static void cell(char *buf, size_t n, double v)
{
    if (isnan(v)) {
        snprintf(buf, n, "–");
    } else if (fabs(v) >= 100.0 || fabs(v) < 1e-6) {
        /* a balance's round-off (1e-13 Mm3) is no shortage */
        snprintf(buf, n, "%.0f", fabs(v) < 1e-6 ? 0.0 : v);
    } else {
        snprintf(buf, n, "%.3g", v);
    }
}

static void row_label(const io_table *t, int i, char *buf, size_t n)
{
    snprintf(buf, n, "%s %s%s%s (%s)", t->stat[i], t->area[i], t->cls[i][0] ? " class " : "",
             t->cls[i], t->unit[i]);
}

/* Text for a Markdown table cell: '|' escaped, so it does not end the cell. */
static void md_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        if (*s == '|') {
            fputc('\\', f);
        }
        fputc(*s, f);
    }
}

zt_status io_table_md(const io_table *t, const char *path, zt_err *err)
{
    FILE *f;
    char a[64], b[64], lab[200];
    zt_status st = io_text_open(path, &f, err);
    if (st != ZT_OK) {
        return st;
    }
    fputs("| statistic |", f);
    for (int r = 0; r < t->nrun; r++) {
        for (int p = 0; p < IO_TABLE_NPER; p++) {
            const int y = t->year[r * IO_TABLE_NPER + p];
            fputc(' ', f);
            md_text(f, t->run[r]);
            fprintf(f, ": %s", per_title[p]);
            if (y && p < 2) {
                fprintf(f, " (%d)", y);
            }
            fputs(" |", f);
        }
    }
    fputs("\n|---|", f);
    for (int k = 0; k < t->nrun * IO_TABLE_NPER; k++) {
        fputs("---|", f);
    }
    fputc('\n', f);
    for (int i = 0; i < t->nrow; i++) {
        row_label(t, i, lab, sizeof lab);
        fputs("| ", f);
        md_text(f, lab);
        fputs(" |", f);
        for (int r = 0; r < t->nrun; r++) {
            for (int p = 0; p < IO_TABLE_NPER; p++) {
                cell(a, sizeof a, val(t, i, r, p));
                cell(b, sizeof b, val(t, i, r, p) - val(t, i, 0, p));
                fprintf(f, r ? " %s (%s%s) |" : " %s |", a,
                        val(t, i, r, p) - val(t, i, 0, p) > 0 ? "+" : "", b);
            }
        }
        fputc('\n', f);
    }
    fputs("\nIn brackets: the difference to the first run, the reference. A climate "
          "marked \"approximation\" is a delta-change stand-in for KNMI'23 (docs/forcing.md).\n",
          f);
    for (int r = 0; r < t->nrun; r++) {
        fprintf(f, "\n- %s: %s", t->run[r], t->climate[r][0] ? t->climate[r] : "observed climate");
    }
    fputc('\n', f);
    return io_text_close(f, path, 1, err);
}

/* Text for HTML. */
static void html_text(FILE *f, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '<': fputs("&lt;", f); break;
        case '>': fputs("&gt;", f); break;
        case '&': fputs("&amp;", f); break;
        case '"': fputs("&quot;", f); break;
        default: fputc(*s, f);
        }
    }
}

static const char *const bar_colours[IO_TABLE_NPER] = {"#4c78a8", "#e45756", "#f2a541"};

/* A grouped bar chart of row i: a group per run, a bar per period. */
static void chart(FILE *f, const io_table *t, int i)
{
    const double W = 640, H = 260, L = 60, B = 40, T = 30;
    double vmax = 0.0, vmin = 0.0;
    char lab[200], num[64];
    for (int r = 0; r < t->nrun; r++) {
        for (int p = 0; p < IO_TABLE_NPER; p++) {
            const double v = val(t, i, r, p);
            if (!isnan(v)) {
                vmax = fmax(vmax, v);
                vmin = fmin(vmin, v);
            }
        }
    }
    if (vmax - vmin <= 0.0) {
        vmax = vmin + 1.0;
    }
    const double gw = (W - L - 10) / t->nrun, bw = gw / (IO_TABLE_NPER + 1);
    const double y0 = T + (H - T - B) * vmax / (vmax - vmin);
    row_label(t, i, lab, sizeof lab);
    fprintf(f, "<figure><svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "role=\"img\"><title>", W, H);
    html_text(f, lab);
    fputs("</title>", f);
    fprintf(f, "<text x=\"%.0f\" y=\"18\" font-size=\"14\" font-family=\"sans-serif\">", L);
    html_text(f, lab);
    fputs("</text>", f);
    fprintf(f, "<line x1=\"%.0f\" y1=\"%.1f\" x2=\"%.0f\" y2=\"%.1f\" stroke=\"#333\"/>", L, y0,
            W - 10, y0);
    for (int k = 0; k <= 4; k++) {
        const double v = vmin + (vmax - vmin) * k / 4.0, y = y0 - (H - T - B) * v / (vmax - vmin);
        cell(num, sizeof num, v);
        fprintf(f, "<text x=\"%.0f\" y=\"%.1f\" font-size=\"11\" text-anchor=\"end\" "
                   "font-family=\"sans-serif\">%s</text>", L - 4, y + 4, num);
    }
    for (int r = 0; r < t->nrun; r++) {
        for (int p = 0; p < IO_TABLE_NPER; p++) {
            const double v = val(t, i, r, p);
            if (isnan(v)) {
                continue;
            }
            const double h = (H - T - B) * v / (vmax - vmin);
            fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\">"
                       "<title>",
                    L + r * gw + (p + 0.5) * bw, h >= 0 ? y0 - h : y0, bw, fabs(h), bar_colours[p]);
            html_text(f, t->run[r]);
            fprintf(f, " %s: %.4g</title></rect>", per_title[p], v);
        }
        fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" font-size=\"11\" text-anchor=\"middle\" "
                   "font-family=\"sans-serif\">", L + (r + 0.5) * gw, H - B + 16);
        html_text(f, t->run[r]);
        fputs("</text>", f);
    }
    for (int p = 0; p < IO_TABLE_NPER; p++) {
        fprintf(f, "<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
                   "<text x=\"%.0f\" y=\"%.0f\" font-size=\"11\" font-family=\"sans-serif\">%s</text>",
                L + p * 150, H - 14, bar_colours[p], L + p * 150 + 14, H - 5, per_title[p]);
    }
    fputs("</svg></figure>\n", f);
}

/* The PNG at path as a data: URI into f. */
static zt_status embed_png(FILE *f, const char *path, zt_err *err)
{
    size_t n = 0, cap = 0;
    unsigned char *buf = NULL;
    FILE *in = fopen(path, "rb");
    if (!in) {
        return zt_fail(err, ZT_EINPUT, "%s: cannot read the map (%s)", path, strerror(errno));
    }
    for (;;) {
        if (n == cap) {
            cap = cap ? 2 * cap : 65536;
            unsigned char *nb = zt_realloc(buf, cap);
            if (!nb) {
                zt_free(buf);
                fclose(in);
                return zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
            }
            buf = nb;
        }
        const size_t got = fread(buf + n, 1, cap - n, in);
        n += got;
        if (got == 0) {
            break;
        }
    }
    fclose(in);
    unsigned char *b64 = zt_malloc(4 * (n / 3 + 1) + 1);
    if (!b64) {
        zt_free(buf);
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
    }
    EVP_EncodeBlock(b64, buf, (int)n);
    fputs("data:image/png;base64,", f);
    fputs((const char *)b64, f);
    zt_free(buf);
    zt_free(b64);
    return ZT_OK;
}

static void html_table(FILE *f, const io_table *t)
{
    char a[64], b[64], lab[200];
    fputs("<table>\n<thead><tr><th rowspan=\"2\">statistic</th>", f);
    for (int r = 0; r < t->nrun; r++) {
        fprintf(f, "<th colspan=\"%d\">", IO_TABLE_NPER);
        html_text(f, t->run[r]);
        fputs(r == 0 ? " (reference)</th>" : "</th>", f);
    }
    fputs("</tr>\n<tr>", f);
    for (int r = 0; r < t->nrun; r++) {
        for (int p = 0; p < IO_TABLE_NPER; p++) {
            const int y = t->year[r * IO_TABLE_NPER + p];
            fprintf(f, "<th>%s", per_title[p]);
            if (y && p < 2) {
                fprintf(f, "<br>(%d)", y);
            }
            fputs("</th>", f);
        }
    }
    fputs("</tr></thead>\n<tbody>\n", f);
    for (int i = 0; i < t->nrow; i++) {
        row_label(t, i, lab, sizeof lab);
        fputs("<tr><th>", f);
        html_text(f, lab);
        fputs("</th>", f);
        for (int r = 0; r < t->nrun; r++) {
            for (int p = 0; p < IO_TABLE_NPER; p++) {
                const double v = val(t, i, r, p), d = v - val(t, i, 0, p);
                cell(a, sizeof a, v);
                cell(b, sizeof b, d);
                if (r == 0 || isnan(d)) {
                    fprintf(f, "<td>%s</td>", a);
                } else {
                    fprintf(f, "<td>%s <small>(%s%s)</small></td>", a, d > 0 ? "+" : "", b);
                }
            }
        }
        fputs("</tr>\n", f);
    }
    fputs("</tbody></table>\n", f);
}

zt_status io_table_html(const io_table *t, const int *chart_rows, int ncharts,
                        const io_table_map *maps, int nmaps, const char *title, const char *path,
                        zt_err *err)
{
    FILE *f;
    zt_status st = io_text_open(path, &f, err);
    if (st != ZT_OK) {
        return st;
    }
    fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>", f);
    html_text(f, title);
    fputs("</title>\n<style>body{font-family:sans-serif;margin:2em;max-width:1400px}"
          "table{border-collapse:collapse;font-size:13px}th,td{border:1px solid #ccc;"
          "padding:3px 6px;text-align:right}tbody th{text-align:left;font-weight:normal}"
          "small{color:#666}figure{display:inline-block;margin:1em}"
          "figcaption{font-size:13px}</style></head>\n<body>\n<h1>", f);
    html_text(f, title);
    fputs("</h1>\n<p>Per run: the statistic in its average year and its 1-in-10 dry year (by "
          "the April-September precipitation deficit of the north, Weibull plotting position) "
          "and in 2018; in brackets the difference to the reference, the first run. "
          "docs/table.md explains every statistic.</p>\n<ul>", f);
    for (int r = 0; r < t->nrun; r++) {
        fputs("<li>", f);
        html_text(f, t->run[r]);
        fputs(": ", f);
        html_text(f, t->climate[r][0] ? t->climate[r] : "observed climate");
        fputs(strstr(t->climate[r], "approximation") ? " <strong>(an approximation)</strong>" : "",
              f);
        fputs("</li>", f);
    }
    fputs("</ul>\n<h2>Table</h2>\n", f);
    html_table(f, t);
    fputs("<h2>Charts</h2>\n", f);
    for (int c = 0; c < ncharts; c++) {
        chart(f, t, chart_rows[c]);
    }
    if (nmaps > 0) {
        fputs("<h2>Maps</h2>\n", f);
    }
    for (int m = 0; st == ZT_OK && m < nmaps; m++) {
        fputs("<figure><img alt=\"", f);
        html_text(f, maps[m].caption);
        fputs("\" src=\"", f);
        st = embed_png(f, maps[m].png, err);
        fputs("\"><figcaption>", f);
        html_text(f, maps[m].caption);
        fputs("</figcaption></figure>\n", f);
    }
    fputs("</body></html>\n", f);
    zt_status s2 = io_text_close(f, path, st == ZT_OK, err);
    return st == ZT_OK ? s2 : st;
}
