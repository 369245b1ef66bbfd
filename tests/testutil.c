/*
 * testutil.c: helpers shared by the test suites (see testutil.h).
 */
#include "testutil.h"

#include <check.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

const char *tu_zoet(void)
{
    const char *p = getenv("ZT_ZOET");
    return (p && *p) ? p : "./zoet";
}

char *tu_tmpdir(const char *tag, char *buf, size_t n)
{
    char cmd[1200];
    snprintf(buf, n, "out/tests/%s", tag);
    snprintf(cmd, sizeof cmd, "rm -rf '%s' && mkdir -p '%s'", buf, buf);
    if (system(cmd) != 0) {
        fprintf(stderr, "testutil: cannot make %s\n", buf);
        abort();
    }
    return buf;
}

static void read_into(const char *path, char *buf, size_t n)
{
    FILE *f;
    size_t got;
    if (!buf || n == 0) {
        return;
    }
    buf[0] = '\0';
    f = fopen(path, "rb");
    if (!f) {
        return;
    }
    got = fread(buf, 1, n - 1, f);
    buf[got] = '\0';
    fclose(f);
}

int tu_run(const char *cmdline, char *out, size_t nout, char *err, size_t nerr)
{
    char outp[] = "/tmp/zt-test-out-XXXXXX";
    char errp[] = "/tmp/zt-test-err-XXXXXX";
    int fo = mkstemp(outp), fe = mkstemp(errp);
    char *cmd;
    size_t len;
    int st;

    if (fo < 0 || fe < 0) {
        return -1;
    }
    close(fo);
    close(fe);
    len = strlen(cmdline) + strlen(outp) + strlen(errp) + 32;
    cmd = malloc(len);
    if (!cmd) {
        return -1;
    }
    snprintf(cmd, len, "(%s) >%s 2>%s </dev/null", cmdline, outp, errp);
    st = system(cmd);
    free(cmd);
    read_into(outp, out, nout);
    read_into(errp, err, nerr);
    unlink(outp);
    unlink(errp);
    if (st == -1 || !WIFEXITED(st)) {
        return -1;
    }
    return WEXITSTATUS(st);
}

int tu_exists(const char *path)
{
    struct stat sb;
    return stat(path, &sb) == 0;
}

int tu_write(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    if (!f) {
        return -1;
    }
    fputs(text, f);
    return fclose(f) == 0 ? 0 : -1;
}

char *tu_slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    char *buf = NULL;
    long n;
    if (!f) {
        return NULL;
    }
    if (fseek(f, 0, SEEK_END) == 0 && (n = ftell(f)) >= 0 && fseek(f, 0, SEEK_SET) == 0) {
        buf = malloc((size_t)n + 1);
        if (buf && fread(buf, 1, (size_t)n, f) == (size_t)n) {
            buf[n] = '\0';
            if (len) {
                *len = (size_t)n;
            }
        } else {
            free(buf);
            buf = NULL;
        }
    }
    fclose(f);
    return buf;
}

int tu_count_lines(const char *text)
{
    int n = 0;
    const char *p;
    if (!text || !*text) {
        return 0;
    }
    for (p = text; *p; p++) {
        if (*p == '\n') {
            n++;
        }
    }
    if (p[-1] != '\n') {
        n++;
    }
    return n;
}

int tu_cmp_files(const char *a, const char *b)
{
    size_t na, nb;
    char *da = tu_slurp(a, &na), *db = tu_slurp(b, &nb);
    int r;
    if (!da || !db) {
        free(da);
        free(db);
        return -1;
    }
    r = (na == nb && memcmp(da, db, na) == 0) ? 0 : 1;
    free(da);
    free(db);
    return r;
}

int tu_csv_value(const char *header, const char *line, const char *name, double *out)
{
    size_t len = strlen(name);
    int col = 0, i;
    const char *p = header;
    /* find the column index of name */
    for (;;) {
        const char *comma = strchr(p, ',');
        size_t flen = comma ? (size_t)(comma - p) : strlen(p);
        if (flen == len && strncmp(p, name, len) == 0) {
            break;
        }
        if (!comma) {
            return -1;
        }
        p = comma + 1;
        col++;
    }
    p = line;
    for (i = 0; i < col; i++) {
        p = strchr(p, ',');
        if (!p) {
            return -1;
        }
        p++;
    }
    *out = atof(p);
    return 0;
}

/* A copy of the line at p (up to its end), or NULL. */
static char *line_copy(const char *p)
{
    const char *e = strchr(p, '\n');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    char *c = malloc(n + 1);
    if (c) {
        memcpy(c, p, n);
        c[n] = '\0';
    }
    return c;
}

int tu_csv_row_value(const char *text, const char *row, const char *name, double *out)
{
    char key[128];
    snprintf(key, sizeof key, "\n%s,", row);
    const char *r = strstr(text, key);
    if (!r) {
        return -1;
    }
    char *h = line_copy(text), *l = line_copy(r + 1);
    int rc = h && l ? tu_csv_value(h, l, name, out) : -1;
    free(h);
    free(l);
    return rc;
}

int tu_balance_days(const char *path, double *max_rel)
{
    char *bal = tu_slurp(path, NULL);
    char *line;
    int n = 0;
    *max_rel = 0.0;
    if (!bal || !(line = strchr(bal, '\n'))) {
        free(bal);
        return -1;
    }
    *line++ = '\0';
    while (*line) {
        char *nl = strchr(line, '\n');
        double rel;
        if (nl) {
            *nl = '\0';
        }
        if (tu_csv_value(bal, line, "relative_error", &rel) != 0) {
            free(bal);
            return -1;
        }
        *max_rel = rel > *max_rel ? rel : *max_rel;
        n++;
        if (!nl) {
            break;
        }
        line = nl + 1;
    }
    free(bal);
    return n;
}

void tu_expect_fail(zt_status got, const zt_err *err, zt_status want, const char *a,
                    const char *b)
{
    ck_assert_msg(got == want, "status %s, expected %s: %s", zt_status_name(got),
                  zt_status_name(want), err->msg);
    ck_assert_msg(strstr(err->msg, a) != NULL, "message lacks '%s': %s", a, err->msg);
    if (b) {
        ck_assert_msg(strstr(err->msg, b) != NULL, "message lacks '%s': %s", b, err->msg);
    }
}
