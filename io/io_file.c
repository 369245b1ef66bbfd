/*
 * io_file.c: files written whole or not at all.
 */
#include "io_file.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

zt_status io_dir_ensure(const char *dir, zt_err *err)
{
    char buf[4096];
    size_t len;
    char *p;
    struct stat sb;

    len = strlen(dir);
    if (len == 0 || len >= sizeof buf) {
        return zt_fail(err, ZT_EIO, "output folder '%s': empty or too long a path", dir);
    }
    memcpy(buf, dir, len + 1);
    for (p = buf + 1; *p; p++) {
        if (*p == '/') {
            *p = '\0';
            if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
                return zt_fail(err, ZT_EIO, "output folder '%s': cannot create '%s': %s", dir,
                               buf, strerror(errno));
            }
            *p = '/';
        }
    }
    if (mkdir(buf, 0777) != 0 && errno != EEXIST) {
        return zt_fail(err, ZT_EIO, "output folder '%s': cannot create it: %s", dir,
                       strerror(errno));
    }
    if (stat(buf, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
        return zt_fail(err, ZT_EIO, "output folder '%s': exists but is not a folder", dir);
    }
    if (access(buf, W_OK | X_OK) != 0) {
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

void io_part_discard(const char *final)
{
    char part[4096];
    io_part_path(final, part, sizeof part);
    (void)unlink(part);
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
    int bad = ferror(f);
    if (fclose(f) != 0) {
        bad = 1;
    }
    if (!ok || bad) {
        io_part_discard(final);
        if (ok) {
            return zt_fail(err, ZT_EIO, "%s: write failed: %s", final, strerror(errno));
        }
        return ZT_OK;
    }
    return io_part_commit(final, err);
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
