/*
 * zt.c: the status list, the error record and the allocator hook.
 */
#include "zt.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const struct {
    const char *name;
    const char *msg;
    int user;
} status_table[] = {
#define ZT_X_ROW(name, msg, user) {#name, msg, user},
    ZT_STATUS_LIST(ZT_X_ROW)
#undef ZT_X_ROW
};

const char *zt_strerror(zt_status st)
{
    if ((int)st < 0 || st >= ZT_STATUS_COUNT) {
        return "unknown status";
    }
    return status_table[st].msg;
}

const char *zt_status_name(zt_status st)
{
    if ((int)st < 0 || st >= ZT_STATUS_COUNT) {
        return "ZT_UNKNOWN";
    }
    return status_table[st].name;
}

int zt_status_is_user(zt_status st)
{
    if ((int)st < 0 || st >= ZT_STATUS_COUNT) {
        return 0;
    }
    return status_table[st].user;
}

void zt_err_clear(zt_err *err)
{
    if (err) {
        err->status = ZT_OK;
        err->msg[0] = '\0';
    }
}

/*
 * Long messages. A message is formatted into a work buffer first; when it
 * does not fit the record (ZT_ERRMSG_MAX), every word longer than
 * ERR_WORD_MAX bytes (a path, as a rule) keeps its first ERR_WORD_HEAD and
 * last ERR_WORD_TAIL bytes around "...", so that long paths cannot push the
 * reason, which comes last, out of the record. Should that not suffice, the
 * middle of the whole message goes. Cuts fall on UTF-8 character bounds.
 */
#define ERR_WORK 12288    /* bytes: two paths of PATH_MAX and a reason */
#define ERR_WORD_MAX 160  /* bytes: longer words are shortened */
#define ERR_WORD_HEAD 48  /* bytes kept at the start of a long word */
#define ERR_WORD_TAIL 96  /* bytes kept at its end (a path ends with the file) */
#define ERR_HEAD 256      /* bytes kept at the start of a message cut in its middle */

/* i moved back to the start of the UTF-8 character that contains s[i]. */
static size_t utf8_start(const char *s, size_t lo, size_t i)
{
    while (i > lo && ((unsigned char)s[i] & 0xC0) == 0x80) {
        i--;
    }
    return i;
}

/* Append n bytes of src to dst (used bytes *len, size cap), truncating. */
static void put_bytes(char *dst, size_t *len, size_t cap, const char *src, size_t n)
{
    if (*len + n > cap - 1) {
        n = cap - 1 - *len;
    }
    memcpy(dst + *len, src, n);
    *len += n;
    dst[*len] = '\0';
}

/* msg (NUL-terminated) into out (size cap) with its long words shortened. */
static void shorten_words(const char *msg, char *out, size_t cap)
{
    size_t len = 0, i = 0;
    out[0] = '\0';
    while (msg[i]) {
        size_t w = i;
        while (msg[w] && msg[w] != ' ') {
            w++;
        }
        if (w - i > ERR_WORD_MAX) {
            size_t h = utf8_start(msg, i, i + ERR_WORD_HEAD);
            size_t t = utf8_start(msg, i, w - ERR_WORD_TAIL);
            put_bytes(out, &len, cap, msg + i, h - i);
            put_bytes(out, &len, cap, "...", 3);
            put_bytes(out, &len, cap, msg + t, w - t);
        } else {
            put_bytes(out, &len, cap, msg + i, w - i);
        }
        for (i = w; msg[i] == ' '; i++) {
            put_bytes(out, &len, cap, " ", 1);
        }
    }
}

/* Store msg in the record, shortened as the comment above says. */
static void err_store(zt_err *err, const char *msg)
{
    char work[ERR_WORK];
    size_t len = strlen(msg), max = sizeof err->msg - 1, h, t, n = 0;

    if (len <= max) {
        memcpy(err->msg, msg, len + 1);
        return;
    }
    shorten_words(msg, work, sizeof work);
    len = strlen(work);
    if (len <= max) {
        memcpy(err->msg, work, len + 1);
        return;
    }
    h = utf8_start(work, 0, ERR_HEAD);
    t = len - (max - h - 3); /* forward to a character start: the tail only shrinks */
    while (t < len && ((unsigned char)work[t] & 0xC0) == 0x80) {
        t++;
    }
    err->msg[0] = '\0';
    put_bytes(err->msg, &n, sizeof err->msg, work, h);
    put_bytes(err->msg, &n, sizeof err->msg, "...", 3);
    put_bytes(err->msg, &n, sizeof err->msg, work + t, len - t);
}

zt_status zt_fail(zt_err *err, zt_status st, const char *fmt, ...)
{
    if (err && err->status == ZT_OK && st != ZT_OK) {
        char work[ERR_WORK];
        va_list ap;
        err->status = st;
        va_start(ap, fmt);
        vsnprintf(work, sizeof work, fmt, ap);
        va_end(ap);
        err_store(err, work);
    }
    return st;
}

void zt_err_prefix(zt_err *err, const char *fmt, ...)
{
    char work[ERR_WORK];
    va_list ap;
    int nh;

    if (!err || err->status == ZT_OK) {
        return;
    }
    va_start(ap, fmt);
    nh = vsnprintf(work, sizeof work, fmt, ap);
    va_end(ap);
    if (nh >= 0 && (size_t)nh < sizeof work) {
        snprintf(work + nh, sizeof work - (size_t)nh, "%s", err->msg);
    }
    err_store(err, work);
}

/* ---- allocation -------------------------------------------------------- */

static long alloc_countdown; /* 0: off; n: the n-th allocation from now fails */

void zt_alloc_fail_after(long nth)
{
    alloc_countdown = nth > 0 ? nth : 0;
}

static int alloc_should_fail(void)
{
    if (alloc_countdown > 0) {
        alloc_countdown--;
        return alloc_countdown == 0;
    }
    return 0;
}

void *zt_malloc(size_t n)
{
    if (alloc_should_fail()) {
        return NULL;
    }
    return malloc(n ? n : 1);
}

void *zt_calloc(size_t count, size_t size)
{
    if (alloc_should_fail()) {
        return NULL;
    }
    return calloc(count ? count : 1, size ? size : 1);
}

void *zt_realloc(void *p, size_t n)
{
    if (alloc_should_fail()) {
        return NULL;
    }
    return realloc(p, n ? n : 1);
}

void zt_free(void *p)
{
    free(p);
}

/* ---- calendar ---------------------------------------------------------- */

/*
 * Days from civil and back: the algorithms of H. Hinnant ("chrono-compatible
 * low-level date algorithms"), written here from their description: shift the
 * year to start on 1 March so the leap day falls at the end, then count
 * 400-year eras of 146097 days.
 */
zt_day zt_day_from_ymd(int year, int month, int day)
{
    long y = year - (month <= 2);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yoe = y - era * 400;
    long mp = (month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return (zt_day)(era * 146097 + doe - 719468);
}

void zt_day_to_ymd(zt_day d, int *year, int *month, int *day)
{
    long z = (long)d + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    long dd = doy - (153 * mp + 2) / 5 + 1;
    long mm = mp < 10 ? mp + 3 : mp - 9;
    long yy = yoe + era * 400 + (mm <= 2);
    if (year) {
        *year = (int)yy;
    }
    if (month) {
        *month = (int)mm;
    }
    if (day) {
        *day = (int)dd;
    }
}

int zt_days_in_month(int year, int month)
{
    static const int len[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (month < 1 || month > 12) {
        return 0;
    }
    return len[month - 1] + (month == 2 && leap);
}

int zt_day_parse(const char *text, zt_day *out)
{
    int y, m, d, n = 0;
    size_t len;

    if (!text) {
        return -1;
    }
    len = strlen(text);
    if (len == 10 && sscanf(text, "%4d-%2d-%2d%n", &y, &m, &d, &n) == 3 && n == 10 &&
        text[4] == '-' && text[7] == '-') {
        /* YYYY-MM-DD */
    } else if (len == 8 && strspn(text, "0123456789") == 8) {
        y = (text[0] - '0') * 1000 + (text[1] - '0') * 100 + (text[2] - '0') * 10 + (text[3] - '0');
        m = (text[4] - '0') * 10 + (text[5] - '0');
        d = (text[6] - '0') * 10 + (text[7] - '0');
    } else {
        return -1;
    }
    if (y < 1 || y > 9999 || m < 1 || m > 12 || d < 1 || d > zt_days_in_month(y, m)) {
        return -1;
    }
    *out = zt_day_from_ymd(y, m, d);
    return 0;
}

char *zt_day_format(zt_day d, char *buf)
{
    int y, m, dd;
    zt_day_to_ymd(d, &y, &m, &dd);
    snprintf(buf, 11, "%04u-%02u-%02u", (unsigned)y % 10000u, (unsigned)m % 100u,
             (unsigned)dd % 100u);
    return buf;
}

/* ---- class names ------------------------------------------------------- */

const char *const zt_landuse_names[ZT_NLANDUSE] = {"none",   "grass", "arable", "capital",
                                                   "nature", "urban", "water"};
const char *const zt_soil_names[ZT_NSOIL] = {"none", "peat", "clay", "sand"};

int zt_prov_index(int prov)
{
    return prov == ZT_PROV_GRONINGEN ? 0
           : prov == ZT_PROV_FRYSLAN ? 1
           : prov == ZT_PROV_DRENTHE ? 2
                                     : -1;
}

char *zt_strdup(const char *s)
{
    const size_t n = strlen(s) + 1;
    char *p = zt_malloc(n);
    if (p) {
        memcpy(p, s, n);
    }
    return p;
}
