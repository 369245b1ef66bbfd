/*
 * io_input.c: input files must be regular files (io_input.h).
 *
 * stat() follows symbolic links and does not open the file, so it never
 * blocks on a FIFO. Between the check and the open the file could be
 * replaced; that race needs a hostile user of the same folder and is not
 * guarded against.
 */
#include "io_input.h"

#include <sys/stat.h>

const char *io_input_kind(const char *path)
{
    struct stat sb;
    if (!path || stat(path, &sb) != 0) {
        return NULL;
    }
    if (S_ISREG(sb.st_mode)) {
        return NULL;
    }
    if (S_ISDIR(sb.st_mode)) {
        return "a folder";
    }
    if (S_ISFIFO(sb.st_mode)) {
        return "a FIFO (named pipe)";
    }
    if (S_ISCHR(sb.st_mode)) {
        return "a character device";
    }
    if (S_ISBLK(sb.st_mode)) {
        return "a block device";
    }
    if (S_ISSOCK(sb.st_mode)) {
        return "a socket";
    }
    return "of an unknown kind";
}

zt_status io_input_check(const char *path, const char *what, zt_status st, zt_err *err)
{
    const char *kind = io_input_kind(path);
    if (!kind) {
        return ZT_OK;
    }
    return zt_fail(err, st, "%s: %s%sis %s, not a regular file", path, what ? what : "",
                   what ? " " : "", kind);
}
