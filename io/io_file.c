/*
 * io_file.c: files written whole or not at all, and where the built-in data
 * is (io_file.h).
 */
#include "io_file.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

/*
 * One component of an output folder: make it when missing, and say which
 * reason applies when that fails: the component does not exist and cannot
 * be made (the parent's reason), the parent cannot be searched, or the path
 * names something that is not a folder.
 */
static zt_status dir_component(const char *dir, const char *comp, zt_err *err)
{
    struct stat sb;
    if (stat(comp, &sb) == 0) {
        if (!S_ISDIR(sb.st_mode)) {
            return zt_fail(err, ZT_EIO, "output folder '%s': '%s' exists but is not a folder",
                           dir, comp);
        }
        return ZT_OK;
    }
    if (errno != ENOENT) {
        /* EACCES here: a parent cannot be searched; ENOTDIR: a parent is a file */
        return zt_fail(err, ZT_EIO, "output folder '%s': cannot reach '%s': %s", dir, comp,
                       strerror(errno));
    }
    if (mkdir(comp, 0777) == 0) {
        return ZT_OK;
    }
    if (errno == EEXIST) {
        /* made meanwhile by someone else, or a symbolic link to nowhere */
        if (stat(comp, &sb) == 0 && S_ISDIR(sb.st_mode)) {
            return ZT_OK;
        }
        return zt_fail(err, ZT_EIO, "output folder '%s': '%s' is a broken symbolic link", dir,
                       comp);
    }
    return zt_fail(err, ZT_EIO, "output folder '%s': '%s' does not exist and cannot be created: %s",
                   dir, comp, strerror(errno));
}

zt_status io_dir_ensure(const char *dir, zt_err *err)
{
    char buf[4096];
    size_t len;
    char *p;
    zt_status st;

    len = strlen(dir);
    if (len == 0 || len >= sizeof buf) {
        return zt_fail(err, ZT_EIO, "output folder '%s': empty or too long a path", dir);
    }
    memcpy(buf, dir, len + 1);
    for (p = buf + 1; *p; p++) {
        if (*p == '/' && p[-1] != '/') {
            *p = '\0';
            st = dir_component(dir, buf, err);
            if (st != ZT_OK) {
                return st;
            }
            *p = '/';
        }
    }
    st = dir_component(dir, buf, err);
    if (st != ZT_OK) {
        return st;
    }
    if (access(buf, W_OK | X_OK) != 0) {
        /* EACCES: no write permission; EROFS: a read-only file system */
        return zt_fail(err, ZT_EIO, "output folder '%s': not writable: %s", dir,
                       strerror(errno));
    }
    return ZT_OK;
}

char *io_part_path(const char *final, char *buf, size_t n)
{
    snprintf(buf, n, "%s.part", final);
    return buf;
}

zt_status io_part_commit(const char *final, zt_err *err)
{
    char part[4096];
    io_part_path(final, part, sizeof part);
    if (rename(part, final) != 0) {
        return zt_fail(err, ZT_EIO, "%s: cannot rename from %s: %s", final, part,
                       strerror(errno));
    }
    return ZT_OK;
}

/* The first .part discarded at a storage limit (see io_part_limit). */
static pthread_mutex_t limit_mu = PTHREAD_MUTEX_INITIALIZER;
static char limit_msg[IO_LIMIT_MSG_MAX];

int io_storage_limit(const char *final, const char *path, long long size, char *buf, size_t n)
{
    struct rlimit rl;
    struct statvfs fs;
    if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && size >= 0 &&
        (unsigned long long)size >= (unsigned long long)rl.rlim_cur) {
        snprintf(buf, n, "%s: %s: it reached the file-size limit (ulimit -f) of %llu bytes", final,
                 strerror(EFBIG), (unsigned long long)rl.rlim_cur);
        return 1;
    }
    if (statvfs(path, &fs) == 0 &&
        (unsigned long long)fs.f_bavail * fs.f_frsize < IO_LIMIT_FREE_MIN) {
        snprintf(buf, n, "%s: %s: the file system has %llu bytes free", final, strerror(ENOSPC),
                 (unsigned long long)fs.f_bavail * fs.f_frsize);
        return 1;
    }
    return 0;
}

void io_part_discard(const char *final)
{
    char part[4096], msg[IO_LIMIT_MSG_MAX];
    struct stat sb;
    int saved = errno;
    io_part_path(final, part, sizeof part);
    /* a write that fails at a storage limit fills the file system or the
       file up to the limit: note it now, before unlink frees the space */
    if (stat(part, &sb) == 0 && io_storage_limit(final, part, (long long)sb.st_size, msg,
                                                 sizeof msg)) {
        pthread_mutex_lock(&limit_mu);
        if (limit_msg[0] == '\0') {
            memcpy(limit_msg, msg, sizeof msg);
        }
        pthread_mutex_unlock(&limit_mu);
    }
    (void)unlink(part);
    errno = saved;
}

int io_part_limit(char *buf, size_t n, int clear)
{
    int found;
    pthread_mutex_lock(&limit_mu);
    found = limit_msg[0] != '\0';
    if (found && buf && n > 0) {
        snprintf(buf, n, "%s", limit_msg);
    }
    if (clear) {
        limit_msg[0] = '\0';
    }
    pthread_mutex_unlock(&limit_mu);
    return found;
}

zt_status io_text_open(const char *final, FILE **f, zt_err *err)
{
    char part[4096];
    io_part_path(final, part, sizeof part);
    *f = fopen(part, "w");
    if (!*f) {
        return zt_fail(err, ZT_EIO, "%s: cannot write: %s", part, strerror(errno));
    }
    return ZT_OK;
}

zt_status io_text_close(FILE *f, const char *final, int ok, zt_err *err)
{
    int bad = 0, why = 0; /* why: the system's reason, 0 when unknown */
    if (fflush(f) != 0) {
        bad = 1;
        why = errno;
    }
    if (ferror(f)) {
        bad = 1;
    }
    if (fclose(f) != 0) {
        if (!why) {
            why = errno;
        }
        bad = 1;
    }
    if (!ok || bad) {
        io_part_discard(final);
        if (ok) {
            return zt_fail(err, ZT_EIO, "%s: write failed: %s", final,
                           strerror(why ? why : EIO));
        }
        return ZT_OK;
    }
    return io_part_commit(final, err);
}

char *io_path_stem(const char *path, const char *ext, char *buf, size_t n)
{
    const char *b = strrchr(path, '/');
    snprintf(buf, n, "%s", b ? b + 1 : path);
    const size_t len = strlen(buf), le = strlen(ext);
    if (len > le && strcmp(buf + len - le, ext) == 0) {
        buf[len - le] = '\0';
    }
    return buf;
}

char *io_path_join(const char *dir, const char *name, char *buf, size_t n)
{
    size_t len = strlen(dir);
    if (len > 0 && dir[len - 1] == '/') {
        snprintf(buf, n, "%s%s", dir, name);
    } else {
        snprintf(buf, n, "%s/%s", dir, name);
    }
    return buf;
}

char *io_data_dir(char *buf, size_t n)
{
    char exe[PATH_MAX], cand[PATH_MAX + 8];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    char *slash;

    snprintf(buf, n, "data");
    if (len <= 0) {
        return buf;
    }
    exe[len] = '\0';
    slash = strrchr(exe, '/');
    if (!slash) {
        return buf;
    }
    *slash = '\0';
    snprintf(cand, sizeof cand, "%s/data", exe);
    if (access(cand, R_OK) == 0 && strlen(cand) < n) {
        memcpy(buf, cand, strlen(cand) + 1);
    }
    return buf;
}
