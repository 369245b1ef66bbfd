/*
 * io_outset.c: one output set, all or nothing (io_outset.h).
 *
 * Publishing is as atomic as a POSIX file system allows: rename(2) replaces
 * one name atomically, but no call replaces a set of names. So the manifest
 * marks completeness: it is removed before the first rename and renamed in
 * after the last, and every file is fsync'ed before, so that after a crash
 * or power loss at any point the folder either has a run.json whose files
 * are all there with the listed sha256, or no run.json at all.
 */
#include "io_outset.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "io_file.h"

#define OS_PATH_MAX 4096
#define OS_MAX_EXTENDS 16
#define OS_LOCK_NAME ".zoet.lock"
#define OS_STAGING_PREFIX ".staging-"
#define OS_MANIFEST "run.json"

typedef struct os_input {
    char *role;
    char *path;
    char sha[65];
} os_input;

struct io_outset {
    char dir[OS_PATH_MAX];     /* the output folder */
    char staging[OS_PATH_MAX]; /* dir/.staging-<pid> */
    char lock[OS_PATH_MAX];    /* dir/.zoet.lock */
    int lock_fd;               /* holds the flock; -1 when released */
    char program[64];
    char version[64];
    zt_day start, end;
    int threads;
    os_input *in;
    int nin, capin;
    int done; /* 1: published or aborted */
};

/* ---- signals --------------------------------------------------------------- */

static volatile sig_atomic_t caught_signal = 0;

static void on_signal(int sig)
{
    if (caught_signal == 0) {
        caught_signal = sig;
    }
}

int io_outset_interrupted(void)
{
    return (int)caught_signal;
}

zt_status io_outset_catch_signals(zt_err *err)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    sa.sa_handler = on_signal;
    sa.sa_flags = SA_RESTART | SA_RESETHAND;
    if (sigaction(SIGINT, &sa, NULL) != 0 || sigaction(SIGTERM, &sa, NULL) != 0) {
        return zt_fail(err, ZT_EINTERNAL, "cannot install the signal handlers: %s",
                       strerror(errno));
    }
    sa.sa_handler = SIG_IGN;
    sa.sa_flags = 0;
    if (sigaction(SIGXFSZ, &sa, NULL) != 0) {
        return zt_fail(err, ZT_EINTERNAL, "cannot ignore SIGXFSZ: %s", strerror(errno));
    }
    return ZT_OK;
}

static const char *signal_name(int sig)
{
    return sig == SIGINT ? "SIGINT" : sig == SIGTERM ? "SIGTERM" : "a signal";
}

zt_status io_outset_poll(const io_outset *s, zt_err *err)
{
    int sig = io_outset_interrupted();
    if (sig == 0) {
        return ZT_OK;
    }
    if (!s) {
        return zt_fail(err, ZT_EINTERRUPTED, "interrupted by %s", signal_name(sig));
    }
    return zt_fail(err, ZT_EINTERRUPTED,
                   "interrupted by %s: nothing published in %s, its previous outputs are "
                   "untouched",
                   signal_name(sig), s->dir);
}

/* ---- sha256 ---------------------------------------------------------------- */

zt_status io_sha256_file(const char *path, char hex[65], zt_err *err)
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int mdlen = 0;
    EVP_MD_CTX *ctx = NULL;
    unsigned char *buf = NULL;
    zt_status st = ZT_OK;
    int fd = -1;
    const size_t bufsize = 1u << 20;

    fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return zt_fail(err, ZT_EIO, "%s: cannot read (sha256): %s", path, strerror(errno));
    }
    buf = zt_malloc(bufsize);
    ctx = EVP_MD_CTX_new();
    if (!buf || !ctx) {
        st = zt_fail(err, ZT_ENOMEM, "%s: no memory for sha256", path);
        goto done;
    }
    if (EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        st = zt_fail(err, ZT_EINTERNAL, "%s: sha256: cannot initialise libcrypto's digest", path);
        goto done;
    }
    for (;;) {
        ssize_t n = read(fd, buf, bufsize);
        if (n < 0) {
            if (errno == EINTR) {
                continue;
            }
            st = zt_fail(err, ZT_EIO, "%s: cannot read (sha256): %s", path, strerror(errno));
            goto done;
        }
        if (n == 0) {
            break;
        }
        if (EVP_DigestUpdate(ctx, buf, (size_t)n) != 1) {
            st = zt_fail(err, ZT_EINTERNAL, "%s: sha256: digest update failed", path);
            goto done;
        }
    }
    if (EVP_DigestFinal_ex(ctx, md, &mdlen) != 1 || mdlen != 32) {
        st = zt_fail(err, ZT_EINTERNAL, "%s: sha256: digest final failed", path);
        goto done;
    }
    for (unsigned int i = 0; i < mdlen; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
    hex[64] = '\0';

done:
    EVP_MD_CTX_free(ctx);
    zt_free(buf);
    close(fd);
    return st;
}

/* ---- small helpers ----------------------------------------------------------- */

/* Remove a staging folder: its files (it has no subfolders), then itself. */
static void remove_flat_dir(const char *path)
{
    DIR *d = opendir(path);
    if (d) {
        struct dirent *e;
        char p[OS_PATH_MAX];
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0) {
                continue;
            }
            io_path_join(path, e->d_name, p, sizeof p);
            (void)unlink(p);
        }
        closedir(d);
    }
    (void)rmdir(path);
}

static void utc_now(char *buf, size_t n)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

/* ---- the lock --------------------------------------------------------------- */

/* Read "pid started" from an open lock file into pid and when. */
static void read_lock(int fd, long *pid, char *when, size_t n)
{
    char buf[256];
    ssize_t r = pread(fd, buf, sizeof buf - 1, 0);
    *pid = 0;
    snprintf(when, n, "unknown");
    if (r > 0) {
        char w[128];
        buf[r] = '\0';
        if (sscanf(buf, "pid %ld started %127s", pid, w) == 2) {
            snprintf(when, n, "%s", w);
        }
    }
}

static zt_status take_lock(io_outset *s, FILE *log, zt_err *err)
{
    for (int attempt = 0; attempt < 8; attempt++) {
        struct stat a, b;
        char when[128], text[256];
        long pid;
        int fd = open(s->lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (fd < 0) {
            return zt_fail(err, ZT_EIO, "output folder '%s': cannot create the lock %s: %s",
                           s->dir, s->lock, strerror(errno));
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
            int e = errno;
            read_lock(fd, &pid, when, sizeof when);
            close(fd);
            if (e == EWOULDBLOCK) {
                return zt_fail(err, ZT_EIO,
                               "output folder '%s' is in use by another zoet run (pid %ld, "
                               "started %s; lock %s)",
                               s->dir, pid, when, s->lock);
            }
            return zt_fail(err, ZT_EIO, "output folder '%s': cannot lock %s: %s", s->dir, s->lock,
                           strerror(e));
        }
        /* the owner may have removed the file between our open and flock:
           then we hold a lock on a name nobody sees, so try again */
        if (fstat(fd, &a) != 0 || stat(s->lock, &b) != 0 || a.st_ino != b.st_ino ||
            a.st_dev != b.st_dev) {
            close(fd);
            continue;
        }
        read_lock(fd, &pid, when, sizeof when);
        if (pid > 0 && log) {
            fprintf(log,
                    "zoet: output folder '%s': taking over the lock of pid %ld (started %s), "
                    "which is no longer running\n",
                    s->dir, pid, when);
        }
        utc_now(when, sizeof when);
        snprintf(text, sizeof text, "pid %ld started %s\n", (long)getpid(), when);
        if (ftruncate(fd, 0) != 0 || pwrite(fd, text, strlen(text), 0) != (ssize_t)strlen(text)) {
            int e = errno;
            (void)unlink(s->lock);
            close(fd);
            return zt_fail(err, ZT_EIO, "output folder '%s': cannot write the lock %s: %s",
                           s->dir, s->lock, strerror(e));
        }
        s->lock_fd = fd;
        return ZT_OK;
    }
    return zt_fail(err, ZT_EIO, "output folder '%s': the lock %s keeps changing", s->dir, s->lock);
}

static void release_lock(io_outset *s)
{
    if (s->lock_fd >= 0) {
        (void)unlink(s->lock);
        close(s->lock_fd); /* drops the flock */
        s->lock_fd = -1;
    }
}

/* Staging folders of dead runs: with the lock held, every one is stale. */
static void remove_stale_staging(const io_outset *s)
{
    DIR *d = opendir(s->dir);
    struct dirent *e;
    if (!d) {
        return;
    }
    while ((e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, OS_STAGING_PREFIX, strlen(OS_STAGING_PREFIX)) == 0) {
            char p[OS_PATH_MAX];
            io_path_join(s->dir, e->d_name, p, sizeof p);
            remove_flat_dir(p);
        }
    }
    closedir(d);
}

/* ---- create, inputs ------------------------------------------------------------ */

zt_status io_outset_create(const char *dir, const io_outset_info *info, FILE *log,
                           io_outset **out, zt_err *err)
{
    io_outset *s;
    zt_status st;
    char name[64];

    *out = NULL;
    if (!dir || !info || strlen(dir) + 64 >= OS_PATH_MAX) {
        return zt_fail(err, ZT_EIO, "output folder '%s': empty or too long a path",
                       dir ? dir : "(null)");
    }
    st = io_dir_ensure(dir, err);
    if (st != ZT_OK) {
        return st;
    }
    s = zt_calloc(1, sizeof *s);
    if (!s) {
        return zt_fail(err, ZT_ENOMEM, "output folder '%s': out of memory", dir);
    }
    s->lock_fd = -1;
    snprintf(s->dir, sizeof s->dir, "%s", dir);
    snprintf(s->program, sizeof s->program, "%s", info->program ? info->program : "zoet");
    snprintf(s->version, sizeof s->version, "%s", info->version ? info->version : "");
    s->start = info->start;
    s->end = info->end;
    s->threads = info->threads;
    io_path_join(dir, OS_LOCK_NAME, s->lock, sizeof s->lock);
    snprintf(name, sizeof name, OS_STAGING_PREFIX "%ld", (long)getpid());
    io_path_join(dir, name, s->staging, sizeof s->staging);

    st = take_lock(s, log, err);
    if (st != ZT_OK) {
        s->done = 1;
        io_outset_destroy(&s);
        return st;
    }
    remove_stale_staging(s);
    if (mkdir(s->staging, 0777) != 0) {
        st = zt_fail(err, ZT_EIO, "output folder '%s': cannot create the staging folder %s: %s",
                     dir, s->staging, strerror(errno));
        io_outset_destroy(&s);
        return st;
    }
    (void)io_part_limit(NULL, 0, 1); /* forget a reason noted before this set */
    *out = s;
    return ZT_OK;
}

const char *io_outset_staging(const io_outset *s)
{
    return s->staging;
}

const char *io_outset_dir(const io_outset *s)
{
    return s->dir;
}

zt_status io_outset_add_input(io_outset *s, const char *role, const char *given, zt_err *err)
{
    char real[PATH_MAX];
    const char *path = realpath(given, real) ? real : given; /* absolute in the manifest */
    os_input *e;
    zt_status st;
    for (int i = 0; i < s->nin; i++) {
        if (strcmp(s->in[i].path, path) == 0) {
            return ZT_OK;
        }
    }
    if (s->nin == s->capin) {
        int cap = s->capin ? 2 * s->capin : 16;
        os_input *p = zt_realloc(s->in, (size_t)cap * sizeof *p);
        if (!p) {
            return zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
        }
        s->in = p;
        s->capin = cap;
    }
    e = &s->in[s->nin];
    memset(e, 0, sizeof *e);
    st = io_sha256_file(path, e->sha, err);
    if (st != ZT_OK) {
        return st;
    }
    e->role = zt_strdup(role);
    e->path = zt_strdup(path);
    if (!e->role || !e->path) {
        zt_free(e->role);
        zt_free(e->path);
        return zt_fail(err, ZT_ENOMEM, "%s: out of memory", path);
    }
    s->nin++;
    return ZT_OK;
}

/*
 * The file an INI file extends (io_ini.h: `extends = "x.ini"` at the root,
 * before any section, relative to the file's folder) into next; 0 when none.
 */
static int ini_extends(const char *path, char *next, size_t n)
{
    char line[1024];
    int found = 0;
    FILE *f = fopen(path, "r");
    if (!f) {
        return 0;
    }
    while (!found && fgets(line, sizeof line, f)) {
        char *p = line, *q, *end;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p == '[') {
            break; /* the first section: no extends after it */
        }
        if (strncmp(p, "extends", 7) != 0) {
            continue;
        }
        p += 7;
        while (*p == ' ' || *p == '\t') {
            p++;
        }
        if (*p != '=') {
            continue;
        }
        q = strchr(p, '"');
        end = q ? strchr(q + 1, '"') : NULL;
        if (!q || !end) {
            continue;
        }
        *end = '\0';
        q++;
        if (q[0] == '/') {
            snprintf(next, n, "%s", q);
        } else {
            const char *slash = strrchr(path, '/');
            if (slash) {
                snprintf(next, n, "%.*s/%s", (int)(slash - path), path, q);
            } else {
                snprintf(next, n, "%s", q);
            }
        }
        found = 1;
    }
    fclose(f);
    return found;
}

zt_status io_outset_add_ini(io_outset *s, const char *role, const char *path, zt_err *err)
{
    char cur[OS_PATH_MAX], next[OS_PATH_MAX], ext_role[96];
    zt_status st = io_outset_add_input(s, role, path, err);
    int i;
    snprintf(ext_role, sizeof ext_role, "%s (extends)", role);
    snprintf(cur, sizeof cur, "%s", path);
    for (i = 1; st == ZT_OK && i < OS_MAX_EXTENDS && ini_extends(cur, next, sizeof next); i++) {
        char real[PATH_MAX];
        const char *r = realpath(next, real) ? real : next;
        int seen = 0;
        for (int k = 0; k < s->nin; k++) {
            seen |= strcmp(s->in[k].path, r) == 0;
        }
        if (seen) {
            break; /* a cycle (io_ini refused it already) or a file shared */
        }
        st = io_outset_add_input(s, ext_role, next, err);
        snprintf(cur, sizeof cur, "%s", next);
    }
    return st;
}

static int ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

zt_status io_outset_add_scenario(io_outset *s, const io_scenario *sc, zt_err *err)
{
    zt_status st = io_outset_add_ini(s, "scenario", sc->file, err);
    if (st == ZT_OK && sc->parameters) {
        st = io_outset_add_ini(s, "parameters", sc->parameters, err);
    }
    if (st == ZT_OK && sc->domain) {
        st = io_outset_add_input(s, "domain", sc->domain, err);
    }
    if (st == ZT_OK && sc->forcing) {
        st = io_outset_add_input(s, "forcing", sc->forcing, err);
    }
    if (st == ZT_OK && sc->recharge) {
        st = io_outset_add_input(s, "recharge", sc->recharge, err);
    }
    if (st == ZT_OK && sc->districts_file) {
        st = ends_with(sc->districts_file, ".ini")
                 ? io_outset_add_ini(s, "districts", sc->districts_file, err)
                 : io_outset_add_input(s, "districts", sc->districts_file, err);
    }
    if (st == ZT_OK && sc->network) {
        st = io_outset_add_ini(s, "network", sc->network, err);
    }
    if (st == ZT_OK && sc->lake.enabled) {
        st = io_outset_add_ini(s, "lake", sc->lake.file, err);
    }
    if (st == ZT_OK && sc->lake.enabled) {
        st = io_outset_add_input(s, "lobith", sc->lake.lobith, err);
    }
    if (st == ZT_OK && sc->ijssel_series) {
        st = io_outset_add_input(s, "ijsselmeer_series", sc->ijssel_series, err);
    }
    for (int i = 0; st == ZT_OK && i < sc->nfield_src; i++) {
        char role[96];
        snprintf(role, sizeof role, "field %s", sc->field_src[i].field);
        st = io_outset_add_input(s, role, sc->field_src[i].path, err);
    }
    if (st == ZT_OK && sc->peat_base) {
        /* the tables of the base run that the peat tables are compared with
           (driver/peat.c); a base without them is compared with nothing */
        static const char *const base_files[] = {"peat_districts.csv", "peat_provinces.csv"};
        for (int i = 0; st == ZT_OK && i < 2; i++) {
            char p[OS_PATH_MAX];
            io_path_join(sc->peat_base, base_files[i], p, sizeof p);
            if (access(p, R_OK) == 0) {
                st = io_outset_add_input(s, "peat_base", p, err);
            }
        }
    }
    return st;
}

/* ---- publish ---------------------------------------------------------------- */

typedef struct os_output {
    char name[256];
    long long bytes;
    char sha[65];
} os_output;

static int cmp_output(const void *a, const void *b)
{
    return strcmp(((const os_output *)a)->name, ((const os_output *)b)->name);
}

/* A JSON string (RFC 8259): quotes, backslashes and control characters escaped. */
static void json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\') {
            fprintf(f, "\\%c", *p);
        } else if (*p < 0x20) {
            fprintf(f, "\\u%04x", *p);
        } else {
            fputc(*p, f);
        }
    }
    fputc('"', f);
}

static zt_status fsync_path(const char *path, int dir, zt_err *err)
{
    int fd = open(path, (dir ? O_RDONLY | O_DIRECTORY : O_RDONLY) | O_CLOEXEC);
    if (fd < 0 || fsync(fd) != 0) {
        int e = errno;
        if (fd >= 0) {
            close(fd);
        }
        return zt_fail(err, ZT_EIO, "%s: cannot sync to disk: %s", path, strerror(e));
    }
    close(fd);
    return ZT_OK;
}

/* The files of the staging folder, sorted, with size and sha256. */
static zt_status list_outputs(const io_outset *s, os_output **out, int *nout, zt_err *err)
{
    DIR *d = opendir(s->staging);
    os_output *v = NULL;
    int n = 0, cap = 0;
    struct dirent *e;
    zt_status st = ZT_OK;

    *out = NULL;
    *nout = 0;
    if (!d) {
        return zt_fail(err, ZT_EIO, "%s: cannot list: %s", s->staging, strerror(errno));
    }
    while (st == ZT_OK && (e = readdir(d)) != NULL) {
        char p[OS_PATH_MAX];
        struct stat sb;
        if (e->d_name[0] == '.') {
            continue;
        }
        io_path_join(s->staging, e->d_name, p, sizeof p);
        if (ends_with(e->d_name, ".part")) {
            st = zt_fail(err, ZT_EINTERNAL, "%s: a writer is still open at publish", p);
            break;
        }
        if (strcmp(e->d_name, OS_MANIFEST) == 0 || strlen(e->d_name) >= sizeof v->name) {
            st = zt_fail(err, ZT_EINTERNAL, "%s: not an output name the set can hold", p);
            break;
        }
        if (stat(p, &sb) != 0 || !S_ISREG(sb.st_mode)) {
            st = zt_fail(err, ZT_EINTERNAL, "%s: not a regular file", p);
            break;
        }
        if (n == cap) {
            os_output *q;
            cap = cap ? 2 * cap : 32;
            q = zt_realloc(v, (size_t)cap * sizeof *q);
            if (!q) {
                st = zt_fail(err, ZT_ENOMEM, "%s: out of memory", s->staging);
                break;
            }
            v = q;
        }
        snprintf(v[n].name, sizeof v[n].name, "%s", e->d_name);
        v[n].bytes = (long long)sb.st_size;
        st = io_sha256_file(p, v[n].sha, err);
        if (st == ZT_OK) {
            st = fsync_path(p, 0, err);
        }
        n++;
    }
    closedir(d);
    if (st != ZT_OK) {
        zt_free(v);
        return st;
    }
    qsort(v, (size_t)n, sizeof *v, cmp_output);
    *out = v;
    *nout = n;
    return ZT_OK;
}

static zt_status write_manifest(const io_outset *s, const os_output *o, int n, const char *path,
                                zt_err *err)
{
    char d0[16], d1[16];
    FILE *f = fopen(path, "w");
    int bad;
    if (!f) {
        return zt_fail(err, ZT_EIO, "%s: cannot write: %s", path, strerror(errno));
    }
    zt_day_format(s->start, d0);
    zt_day_format(s->end, d1);
    fprintf(f, "{\n  \"program\": ");
    json_string(f, s->program);
    fprintf(f, ",\n  \"version\": ");
    json_string(f, s->version);
    fprintf(f, ",\n  \"complete\": true,\n  \"exit_status\": 0,\n  \"pid\": %ld,\n",
            (long)getpid());
    fprintf(f, "  \"start_date\": \"%s\",\n  \"end_date\": \"%s\",\n  \"threads\": %d,\n", d0, d1,
            s->threads);
    fprintf(f, "  \"scenario\": [");
    for (int i = 0, k = 0; i < s->nin; i++) {
        if (strncmp(s->in[i].role, "scenario", 8) != 0) {
            continue;
        }
        fprintf(f, "%s\n    {\"path\": ", k++ ? "," : "");
        json_string(f, s->in[i].path);
        fprintf(f, ", \"sha256\": \"%s\"}", s->in[i].sha);
    }
    fprintf(f, "\n  ],\n  \"inputs\": [");
    for (int i = 0; i < s->nin; i++) {
        fprintf(f, "%s\n    {\"role\": ", i ? "," : "");
        json_string(f, s->in[i].role);
        fprintf(f, ", \"path\": ");
        json_string(f, s->in[i].path);
        fprintf(f, ", \"sha256\": \"%s\"}", s->in[i].sha);
    }
    fprintf(f, "\n  ],\n  \"outputs\": [");
    for (int i = 0; i < n; i++) {
        fprintf(f, "%s\n    {\"file\": ", i ? "," : "");
        json_string(f, o[i].name);
        fprintf(f, ", \"bytes\": %lld, \"sha256\": \"%s\"}", o[i].bytes, o[i].sha);
    }
    fprintf(f, "\n  ]\n}\n");
    bad = fflush(f) != 0 || ferror(f) || fsync(fileno(f)) != 0;
    if (fclose(f) != 0 || bad) {
        int e = errno;
        (void)unlink(path);
        return zt_fail(err, ZT_EIO, "%s: write failed: %s", path, strerror(e));
    }
    return ZT_OK;
}

zt_status io_outset_publish(io_outset *s, zt_err *err)
{
    char mpath[OS_PATH_MAX], final_manifest[OS_PATH_MAX];
    os_output *o = NULL;
    struct statvfs fs;
    zt_status st;
    int n = 0, i;

    if (s->done) {
        return zt_fail(err, ZT_EINTERNAL, "%s: the output set was already published or aborted",
                       s->dir);
    }
    st = io_outset_poll(s, err);
    if (st != ZT_OK) {
        return st;
    }
    st = list_outputs(s, &o, &n, err);
    if (st != ZT_OK) {
        return st;
    }
    /* the renames need no space; the manifest needs a little */
    if (statvfs(s->staging, &fs) == 0 &&
        (unsigned long long)fs.f_bavail * fs.f_frsize < IO_LIMIT_FREE_MIN) {
        st = zt_fail(err, ZT_EIO, "%s/%s: %s: the file system has %llu bytes free", s->dir,
                     OS_MANIFEST, strerror(ENOSPC),
                     (unsigned long long)fs.f_bavail * fs.f_frsize);
        goto done;
    }
    io_path_join(s->staging, OS_MANIFEST, mpath, sizeof mpath);
    st = write_manifest(s, o, n, mpath, err);
    if (st != ZT_OK) {
        goto done;
    }
    st = io_outset_poll(s, err); /* the last moment a signal stops the publish */
    if (st != ZT_OK) {
        goto done;
    }

    /* from here the folder changes: first it stops being a complete set */
    io_path_join(s->dir, OS_MANIFEST, final_manifest, sizeof final_manifest);
    if (unlink(final_manifest) != 0 && errno != ENOENT) {
        st = zt_fail(err, ZT_EIO, "%s: cannot remove the previous manifest: %s", final_manifest,
                     strerror(errno));
        goto done;
    }
    for (i = 0; i < n; i++) {
        char from[OS_PATH_MAX], to[OS_PATH_MAX];
        io_path_join(s->staging, o[i].name, from, sizeof from);
        io_path_join(s->dir, o[i].name, to, sizeof to);
        if (rename(from, to) != 0) {
            st = zt_fail(err, ZT_EIO,
                         "%s: cannot move in from %s: %s (the folder holds no complete set now)",
                         to, from, strerror(errno));
            goto done;
        }
    }
    if (rename(mpath, final_manifest) != 0) {
        st = zt_fail(err, ZT_EIO, "%s: cannot move in from %s: %s", final_manifest, mpath,
                     strerror(errno));
        goto done;
    }
    st = fsync_path(s->dir, 1, err);
    if (st != ZT_OK) {
        goto done;
    }
    (void)rmdir(s->staging);
    release_lock(s);
    s->done = 1;

done:
    zt_free(o);
    return st;
}

/* ---- abort -------------------------------------------------------------------- */

/* A file of the staging folder at a storage limit now, into msg. */
static int staging_at_limit(const io_outset *s, char *msg, size_t n)
{
    DIR *d = opendir(s->staging);
    struct dirent *e;
    int found = 0;
    if (!d) {
        return 0;
    }
    while (!found && (e = readdir(d)) != NULL) {
        char p[OS_PATH_MAX], final[OS_PATH_MAX];
        struct stat sb;
        size_t len;
        if (e->d_name[0] == '.') {
            continue;
        }
        io_path_join(s->staging, e->d_name, p, sizeof p);
        io_path_join(s->staging, e->d_name, final, sizeof final);
        len = strlen(final);
        if (ends_with(final, ".part")) {
            final[len - 5] = '\0';
        }
        if (stat(p, &sb) == 0 && S_ISREG(sb.st_mode)) {
            found = io_storage_limit(final, p, (long long)sb.st_size, msg, n);
        }
    }
    closedir(d);
    return found;
}

zt_status io_outset_abort(io_outset *s, zt_status st, zt_err *err)
{
    char msg[IO_LIMIT_MSG_MAX];
    if (!s || s->done) {
        return st;
    }
    if ((st == ZT_EIO || st == ZT_ENETCDF) && io_outset_interrupted() == 0 &&
        (io_part_limit(msg, sizeof msg, 1) || staging_at_limit(s, msg, sizeof msg))) {
        /* name the file as it would have been published, not its staging path */
        char shown[OS_PATH_MAX + IO_LIMIT_MSG_MAX];
        size_t ls = strlen(s->staging);
        if (strncmp(msg, s->staging, ls) == 0) {
            snprintf(shown, sizeof shown, "%s%s", s->dir, msg + ls);
        } else {
            snprintf(shown, sizeof shown, "%s", msg);
        }
        zt_err_clear(err);
        st = zt_fail(err, ZT_ENOSPACE,
                     "%s; nothing published in %s, its previous outputs are untouched", shown,
                     s->dir);
    }
    remove_flat_dir(s->staging);
    release_lock(s);
    s->done = 1;
    return st;
}

void io_outset_destroy(io_outset **ps)
{
    io_outset *s;
    if (!ps || !*ps) {
        return;
    }
    s = *ps;
    if (!s->done) {
        (void)io_outset_abort(s, ZT_OK, NULL);
    }
    release_lock(s);
    for (int i = 0; i < s->nin; i++) {
        zt_free(s->in[i].role);
        zt_free(s->in[i].path);
    }
    zt_free(s->in);
    zt_free(s);
    *ps = NULL;
}

zt_status io_outset_inputs_digest(const io_outset *s, char hex[65], zt_err *err)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    zt_status st = ZT_OK;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    if (!ctx || EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) != 1) {
        st = zt_fail(err, ZT_EINTERNAL, "sha256: cannot initialise libcrypto's digest");
    }
    for (int i = 0; i < s->nin && st == ZT_OK; i++) {
        if (strcmp(s->in[i].role, "restart") == 0) {
            continue; /* the state a run continues from is not what it is */
        }
        if (EVP_DigestUpdate(ctx, s->in[i].role, strlen(s->in[i].role)) != 1 ||
            EVP_DigestUpdate(ctx, s->in[i].sha, 64) != 1) {
            st = zt_fail(err, ZT_EINTERNAL, "sha256: digest update failed");
        }
    }
    if (st == ZT_OK && EVP_DigestFinal_ex(ctx, md, &len) != 1) {
        st = zt_fail(err, ZT_EINTERNAL, "sha256: digest final failed");
    }
    for (unsigned int i = 0; i < len && st == ZT_OK; i++) {
        snprintf(hex + 2 * i, 3, "%02x", md[i]);
    }
    EVP_MD_CTX_free(ctx);
    return st;
}
