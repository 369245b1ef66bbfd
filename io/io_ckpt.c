/*
 * io_ckpt.c: checkpoint copies and state files (io_ckpt.h).
 *
 * The state file is NetCDF-4: one double variable per state array, with
 * its own dimension (n_<name>), and the global attributes
 * zoet_state_day and zoet_state_fingerprint.
 */
#define _XOPEN_SOURCE 700
#include "io_ckpt.h"

#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <ftw.h>
#include <netcdf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "io_file.h"
#include "io_nc.h"
#include "io_out.h"

#define CK_PATH_MAX 4096

/* The last component of a path. */
static const char *base_name(const char *p)
{
    const char *s = strrchr(p, '/');
    return s ? s + 1 : p;
}

/* Copy src to dst (created or truncated), whole or not at all. */
static zt_status copy_file(const char *src, const char *dst, zt_status missing, zt_err *err)
{
    char buf[1 << 16];
    zt_status st = ZT_OK;
    int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0) {
        return zt_fail(err, errno == ENOENT ? missing : ZT_EIO, "%s: cannot read: %s", src,
                       strerror(errno));
    }
    int out = open(dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (out < 0) {
        st = zt_fail(err, ZT_EIO, "%s: cannot create: %s", dst, strerror(errno));
        close(in);
        return st;
    }
    for (;;) {
        ssize_t n = read(in, buf, sizeof buf);
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0) {
            st = zt_fail(err, ZT_EIO, "%s: cannot read: %s", src, strerror(errno));
            break;
        }
        if (n == 0) {
            break;
        }
        for (ssize_t off = 0; off < n;) {
            ssize_t w = write(out, buf + off, (size_t)(n - off));
            if (w < 0 && errno == EINTR) {
                continue;
            }
            if (w < 0) {
                st = zt_fail(err, ZT_EIO, "%s: cannot write: %s", dst, strerror(errno));
                break;
            }
            off += w;
        }
        if (st != ZT_OK) {
            break;
        }
    }
    close(in);
    /* on disk before the folder is renamed into place (a checkpoint must
       survive a crash of the machine, not only of the run) */
    if (st == ZT_OK && fsync(out) != 0) {
        st = zt_fail(err, ZT_EIO, "%s: cannot write: %s", dst, strerror(errno));
    }
    if (close(out) != 0 && st == ZT_OK) {
        st = zt_fail(err, ZT_EIO, "%s: cannot write: %s", dst, strerror(errno));
    }
    if (st != ZT_OK) {
        (void)unlink(dst);
    }
    return st;
}

zt_status io_ckpt_copy_in(const char *src, const char *dir, const char *final, zt_err *err)
{
    char dst[CK_PATH_MAX];
    io_path_join(dir, base_name(final), dst, sizeof dst);
    return copy_file(src, dst, ZT_EIO, err);
}

zt_status io_ckpt_copy_out(const char *dir, const char *final, const char *dst, zt_err *err)
{
    char src[CK_PATH_MAX];
    io_path_join(dir, base_name(final), src, sizeof src);
    return copy_file(src, dst, ZT_EINPUT, err);
}

/* Define and write the arrays (holding the netCDF lock). */
static zt_status write_locked(int ncid, const char *part, zt_day day, const char *fingerprint,
                              const io_ckpt_var *vars, int nvar, zt_err *err)
{
    char date[16], dim[128];
    int *vid = NULL;
    int r = io_nc_put_text(ncid, NC_GLOBAL, "zoet_state_day", zt_day_format(day, date));
    if (r == NC_NOERR) {
        r = io_nc_put_text(ncid, NC_GLOBAL, "zoet_state_fingerprint", fingerprint);
    }
    if (r == NC_NOERR) {
        r = io_nc_put_text(ncid, NC_GLOBAL, "title", "zoet run state (a checkpoint)");
    }
    for (int i = 0; i < nvar && r == NC_NOERR; i++) {
        int d, v;
        snprintf(dim, sizeof dim, "n_%s", vars[i].name);
        r = nc_def_dim(ncid, dim, vars[i].n > 0 ? vars[i].n : 1, &d);
        if (r == NC_NOERR) {
            r = nc_def_var(ncid, vars[i].name, NC_DOUBLE, 1, &d, &v);
        }
    }
    if (r == NC_NOERR) {
        r = nc_enddef(ncid);
    }
    for (int i = 0; i < nvar && r == NC_NOERR; i++) {
        int v;
        r = nc_inq_varid(ncid, vars[i].name, &v);
        if (r == NC_NOERR && vars[i].n > 0) {
            r = nc_put_var_double(ncid, v, vars[i].v);
        }
    }
    (void)vid;
    return io_nc_check(r, ZT_EIO, part, "write the state", err);
}

zt_status io_ckpt_write(const char *path, zt_day day, const char *fingerprint,
                        const io_ckpt_var *vars, int nvar, zt_err *err)
{
    char part[CK_PATH_MAX];
    int ncid = -1;
    zt_status st;

    io_part_path(path, part, sizeof part);
    io_out_nc_lock();
    int r = nc_create(part, NC_NETCDF4 | NC_CLOBBER, &ncid);
    st = io_nc_check(r, ZT_EIO, part, "create", err);
    if (st == ZT_OK) {
        st = write_locked(ncid, part, day, fingerprint, vars, nvar, err);
        r = nc_close(ncid);
        if (st == ZT_OK) {
            st = io_nc_check(r, ZT_EIO, part, "close", err);
        }
    }
    io_out_nc_unlock();
    if (st == ZT_OK) {
        /* on disk before the checkpoint's folder is renamed into place */
        int fd = open(part, O_RDONLY | O_CLOEXEC);
        if (fd < 0 || fsync(fd) != 0) {
            st = zt_fail(err, ZT_EIO, "%s: cannot write: %s", part, strerror(errno));
        }
        if (fd >= 0) {
            close(fd);
        }
    }
    if (st == ZT_OK) {
        return io_part_commit(path, err);
    }
    io_part_discard(path);
    return st;
}

/* A text attribute into buf (size n). */
static int get_text(int ncid, const char *name, char *buf, size_t n)
{
    size_t len;
    int r = nc_inq_attlen(ncid, NC_GLOBAL, name, &len);
    if (r == NC_NOERR && len + 1 > n) {
        return NC_EINVAL;
    }
    if (r == NC_NOERR) {
        r = nc_get_att_text(ncid, NC_GLOBAL, name, buf);
        buf[len] = '\0';
    }
    return r;
}

/* Open a state file for reading, taking the netCDF lock (held when ZT_OK:
 * release it with close_locked). ZT_EINPUT naming the file. */
static zt_status open_locked(const char *path, int *ncid, zt_err *err)
{
    io_out_nc_lock();
    int r = nc_open(path, NC_NOWRITE, ncid);
    if (r != NC_NOERR) {
        io_out_nc_unlock();
        return zt_fail(err, ZT_EINPUT, "%s: not a zoet state file (%s)", path, nc_strerror(r));
    }
    return ZT_OK;
}

static void close_locked(int ncid)
{
    nc_close(ncid);
    io_out_nc_unlock();
}

zt_status io_ckpt_peek(const char *path, zt_day *day, char *fp, size_t nfp, zt_err *err)
{
    char date[32];
    int ncid;
    zt_status st = open_locked(path, &ncid, err);
    if (st != ZT_OK) {
        return st;
    }
    if (get_text(ncid, "zoet_state_day", date, sizeof date) != NC_NOERR ||
        get_text(ncid, "zoet_state_fingerprint", fp, nfp) != NC_NOERR ||
        zt_day_parse(date, day) != 0) {
        st = zt_fail(err, ZT_EINPUT,
                     "%s: not a zoet state file (no zoet_state_day or zoet_state_fingerprint)",
                     path);
    }
    close_locked(ncid);
    return st;
}

zt_status io_ckpt_read(const char *path, const io_ckpt_var *vars, int nvar, zt_err *err)
{
    int ncid;
    zt_status st = open_locked(path, &ncid, err);
    if (st != ZT_OK) {
        return st;
    }
    for (int i = 0; i < nvar && st == ZT_OK; i++) {
        int v, nd, dim;
        size_t len = 0;
        int r = nc_inq_varid(ncid, vars[i].name, &v);
        if (r == NC_NOERR) {
            r = nc_inq_varndims(ncid, v, &nd);
        }
        if (r == NC_NOERR && nd == 1) {
            r = nc_inq_vardimid(ncid, v, &dim);
            if (r == NC_NOERR) {
                r = nc_inq_dimlen(ncid, dim, &len);
            }
        }
        if (r != NC_NOERR || nd != 1 || len != (vars[i].n > 0 ? vars[i].n : 1)) {
            st = zt_fail(err, ZT_EINPUT,
                         "%s: variable %s: expected %zu values (a state of another model?)", path,
                         vars[i].name, vars[i].n);
        } else if (vars[i].n > 0) {
            st = io_nc_check(nc_get_var_double(ncid, v, vars[i].v), ZT_EINPUT, path,
                             vars[i].name, err);
        }
    }
    close_locked(ncid);
    return st;
}

/* Remove a folder and everything in it (no error when it does not exist). */
static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw)
{
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path);
}

static int remove_tree(const char *dir)
{
    struct stat sb;
    if (lstat(dir, &sb) != 0) {
        return errno == ENOENT ? 0 : -1;
    }
    return nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

zt_status io_ckpt_begin(const char *root, zt_day day, char *tmp, size_t ntmp, char *final,
                        size_t nfinal, zt_err *err)
{
    char top[CK_PATH_MAX], date[16], name[64];
    zt_status st;

    io_path_join(root, "checkpoints", top, sizeof top);
    st = io_dir_ensure(top, err);
    if (st != ZT_OK) {
        return st;
    }
    zt_day_format(day, date);
    snprintf(name, sizeof name, ".%s.tmp", date);
    io_path_join(top, name, tmp, ntmp);
    io_path_join(top, date, final, nfinal);
    if (remove_tree(tmp) != 0 || mkdir(tmp, 0755) != 0) {
        return zt_fail(err, ZT_EIO, "%s: cannot make the checkpoint folder: %s", tmp,
                       strerror(errno));
    }
    return ZT_OK;
}

/* fsync a folder (its entries on disk); 0 or -1. */
static int sync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int rc = fd >= 0 ? fsync(fd) : -1;
    if (fd >= 0) {
        close(fd);
    }
    return rc;
}

zt_status io_ckpt_commit(const char *tmp, const char *final, zt_err *err)
{
    char old[CK_PATH_MAX + 8], top[CK_PATH_MAX];
    snprintf(old, sizeof old, "%s.old", final);
    if (remove_tree(old) != 0) {
        return zt_fail(err, ZT_EIO, "%s: cannot remove: %s", old, strerror(errno));
    }
    if (rename(final, old) != 0 && errno != ENOENT) {
        return zt_fail(err, ZT_EIO, "%s: cannot replace: %s", final, strerror(errno));
    }
    if (sync_dir(tmp) != 0) {
        return zt_fail(err, ZT_EIO, "%s: cannot write: %s", tmp, strerror(errno));
    }
    if (rename(tmp, final) != 0) {
        return zt_fail(err, ZT_EIO, "%s: cannot rename to %s: %s", tmp, final, strerror(errno));
    }
    snprintf(top, sizeof top, "%s", final);
    char *slash = strrchr(top, '/');
    if (slash) {
        *slash = '\0';
        (void)sync_dir(top); /* the rename on disk; a failure here loses nothing */
    }
    (void)remove_tree(old);
    return ZT_OK;
}

void io_ckpt_discard(const char *tmp)
{
    (void)remove_tree(tmp);
}

/* qsort: names ascending (dates YYYY-MM-DD sort as text). */
static int cmp_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* 1 when name is a checkpoint folder's name: a date YYYY-MM-DD. */
static int is_ckpt_name(const char *name)
{
    zt_day d;
    return strlen(name) == 10 && zt_day_parse(name, &d) == 0;
}

zt_status io_ckpt_prune(const char *root, zt_day first, zt_day last, int keep, zt_err *err)
{
    char top[CK_PATH_MAX], path[CK_PATH_MAX + 16];
    char *names[4096];
    int n = 0;
    zt_status st = ZT_OK;
    struct dirent *e;
    DIR *d;

    io_path_join(root, "checkpoints", top, sizeof top);
    d = opendir(top);
    if (!d) {
        return zt_fail(err, ZT_EIO, "%s: cannot read: %s", top, strerror(errno));
    }
    char lo[16], hi[16];
    zt_day_format(first, lo);
    zt_day_format(last, hi);
    while ((e = readdir(d)) != NULL && n < (int)(sizeof names / sizeof names[0])) {
        /* this run's (from first to last) and any dated after last */
        if (is_ckpt_name(e->d_name) && strcmp(e->d_name, lo) >= 0) {
            names[n] = zt_strdup(e->d_name);
            if (!names[n]) {
                st = zt_fail(err, ZT_ENOMEM, "out of memory");
                break;
            }
            n++;
        }
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof names[0], cmp_name);
    int ours = 0; /* names up to last, ascending */
    while (ours < n && strcmp(names[ours], hi) <= 0) {
        ours++;
    }
    for (int i = 0; i < n; i++) {
        if (st == ZT_OK && (i < ours - keep || i >= ours)) {
            snprintf(path, sizeof path, "%s/%s", top, names[i]);
            if (remove_tree(path) != 0) {
                st = zt_fail(err, ZT_EIO, "%s: cannot remove: %s", path, strerror(errno));
            }
        }
        zt_free(names[i]);
    }
    return st;
}

int io_ckpt_latest(const char *root, char *state, size_t n)
{
    char top[CK_PATH_MAX], best[16] = "", path[CK_PATH_MAX + 32];
    struct dirent *e;
    DIR *d;

    io_path_join(root, "checkpoints", top, sizeof top);
    d = opendir(top);
    if (!d) {
        return 0;
    }
    while ((e = readdir(d)) != NULL) {
        struct stat sb;
        if (!is_ckpt_name(e->d_name) || strcmp(e->d_name, best) <= 0) {
            continue;
        }
        snprintf(path, sizeof path, "%s/%s/state.nc", top, e->d_name);
        if (stat(path, &sb) == 0 && S_ISREG(sb.st_mode)) {
            snprintf(best, sizeof best, "%s", e->d_name);
        }
    }
    closedir(d);
    if (best[0] == '\0' || (size_t)snprintf(state, n, "%s/%s/state.nc", top, best) >= n) {
        return 0;
    }
    return 1;
}

/* The number of line ends in file f (from its start). */
static long count_lines(FILE *f)
{
    char buf[1 << 16];
    long n = 0;
    size_t got;
    while ((got = fread(buf, 1, sizeof buf, f)) > 0) {
        for (size_t i = 0; i < got; i++) {
            n += buf[i] == '\n';
        }
    }
    return n;
}

zt_status io_ckpt_resume_text(FILE **f, const char *dir, const char *final, const char *part,
                              long lines, zt_err *err)
{
    zt_status st;
    if (*f) {
        fclose(*f);
        *f = NULL;
    }
    st = io_ckpt_copy_out(dir, final, part, err);
    if (st != ZT_OK) {
        return st;
    }
    *f = fopen(part, "a+");
    if (!*f) {
        return zt_fail(err, ZT_EIO, "%s: cannot open to append: %s", part, strerror(errno));
    }
    rewind(*f);
    const long have = count_lines(*f);
    if (have != lines) {
        return zt_fail(err, ZT_EINPUT,
                       "%s: the checkpoint's copy of %s has %ld lines, expected %ld (a copy cut "
                       "short?)",
                       dir, base_name(final), have, lines);
    }
    return ZT_OK;
}
