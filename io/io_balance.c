/*
 * io_balance.c: balance.csv (io_balance.h).
 */
#include "io_balance.h"

#include <stdio.h>
#include <string.h>

#include "io_ckpt.h"
#include "io_file.h"

#define BAL_PATH_MAX 4096

struct io_balance {
    char path[BAL_PATH_MAX], part[BAL_PATH_MAX];
    FILE *f;
    int nterm, nextra;
};

zt_status io_balance_open(const char *path, const char *const *names, int nterm,
                          const char *const *extra, int nextra, io_balance **out, zt_err *err)
{
    io_balance *b;
    zt_status st;
    *out = NULL;
    if (strlen(path) + 6 > BAL_PATH_MAX) {
        return zt_fail(err, ZT_EIO, "%s: path too long", path);
    }
    b = zt_calloc(1, sizeof *b);
    if (!b) {
        return zt_fail(err, ZT_ENOMEM, "%s: no memory", path);
    }
    snprintf(b->path, sizeof b->path, "%s", path);
    io_part_path(path, b->part, sizeof b->part);
    b->nterm = nterm;
    b->nextra = nextra;
    st = io_text_open(path, &b->f, err);
    if (st != ZT_OK) {
        zt_free(b);
        return st;
    }
    fputs("date", b->f);
    for (int i = 0; i < nterm; i++) {
        fprintf(b->f, ",%s_m3", names[i]);
    }
    fputs(",rootzone_error_m3,gw_error_m3,district_error_m3,error_m3,gross_flux_m3,"
          "relative_error,picard,cg_iterations",
          b->f);
    for (int i = 0; i < nextra; i++) {
        fprintf(b->f, ",%s", extra[i]);
    }
    fputc('\n', b->f);
    *out = b;
    return ZT_OK;
}

zt_status io_balance_add(io_balance *b, zt_day day, const io_balance_row *r, zt_err *err)
{
    char date[16];
    fputs(zt_day_format(day, date), b->f);
    for (int i = 0; i < b->nterm; i++) {
        fprintf(b->f, ",%.3f", r->term[i]);
    }
    fprintf(b->f, ",%.6e,%.6e,%.6e,%.6e,%.3f,%.3e,%d,%d", r->err_rz, r->err_gw, r->err_d,
            r->err_all, r->gross, r->rel, r->picard, r->cg);
    for (int i = 0; i < b->nextra; i++) {
        fprintf(b->f, ",%.10g", r->extra[i]);
    }
    fputc('\n', b->f);
    if (ferror(b->f)) {
        return zt_fail(err, ZT_EIO, "%s: cannot write", b->part);
    }
    return ZT_OK;
}

zt_status io_balance_checkpoint(io_balance *b, const char *dir, zt_err *err)
{
    if (fflush(b->f) != 0) {
        return zt_fail(err, ZT_EIO, "%s: cannot write", b->part);
    }
    return io_ckpt_copy_in(b->part, dir, b->path, err);
}

zt_status io_balance_resume(io_balance *b, const char *dir, long ndays, zt_err *err)
{
    /* the header and a row a day */
    return io_ckpt_resume_text(&b->f, dir, b->path, b->part, 1 + ndays, err);
}

zt_status io_balance_close(io_balance **pb, int ok, zt_err *err)
{
    io_balance *b = pb ? *pb : NULL;
    zt_status st = ZT_OK;
    if (!b) {
        return ZT_OK;
    }
    if (b->f) {
        st = io_text_close(b->f, b->path, ok, ok ? err : NULL);
    } else {
        io_part_discard(b->path);
    }
    zt_free(b);
    *pb = NULL;
    return ok ? st : ZT_OK;
}
