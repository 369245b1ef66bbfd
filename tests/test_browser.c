/*
 * test_browser.c: suite "browser", the headless-browser check of an HTML page
 * (tests/browser/check_html.py, Debian's chromium through chromedriver) that
 * issue 15 asks of `zoet table`'s page: it loads, every image loads, no
 * console error.
 *
 * The checker must be able to fail, so each page here is made to pass or to
 * fail one way: a good page (a PNG data URI, a PNG file beside the page, an
 * inline SVG) passes and writes its screenshot; a missing image file, a
 * console.error(), an uncaught exception and a page without an image each
 * fail with exit status 1 and a report that names the fault; a missing page
 * or a missing chromedriver is a usage error, exit status 2, the latter with
 * the apt-get line. Every run must leave no browser process behind.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"

#define CHECKER "python3 tests/browser/check_html.py"

/* A 2 x 2 RGB PNG (blue), as bytes and as a data URI. */
static const unsigned char png_bytes[] = {
    0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44,
    0x52, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x08, 0x02, 0x00, 0x00, 0x00, 0xfd,
    0xd4, 0x9a, 0x73, 0x00, 0x00, 0x00, 0x0f, 0x49, 0x44, 0x41, 0x54, 0x78, 0x9c, 0x63, 0x60,
    0xa8, 0x38, 0x01, 0x42, 0x10, 0x0a, 0x00, 0x1f, 0xee, 0x05, 0x01, 0x88, 0x0e, 0x32, 0xb2,
    0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e, 0x44, 0xae, 0x42, 0x60, 0x82};
#define PNG_URI                                                                                    \
    "data:image/png;base64,"                                                                       \
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAD0lEQVR4nGNgqDgBQhAKAB/"                      \
    "uBQGIDjKyAAAAAElFTkSuQmCC"

#define HEAD "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>%s</title></head><body>\n"
#define TAIL "</body></html>\n"
#define TABLE                                                                                      \
    "<table><tr><th>district</th><th>deficit (mm)</th></tr>"                                       \
    "<tr><td>A</td><td>12</td></tr></table>\n"
#define SVG                                                                                        \
    "<svg width=\"120\" height=\"40\"><rect width=\"120\" height=\"40\" fill=\"teal\"/></svg>\n"
#define IMG "<img alt=\"map\" width=\"80\" src=\"" PNG_URI "\">\n"

/* The checker's output and status for one page. */
typedef struct {
    int rc;
    char out[16384];
    char err[4096];
} run_result;

/* Write page `name` (body between HEAD and TAIL) into dir; path into buf. */
static void write_page(const char *dir, const char *name, const char *body, char *buf, size_t n)
{
    char text[8192];
    snprintf(buf, n, "%s/%s", dir, name);
    snprintf(text, sizeof text, HEAD "%s" TAIL, name, body);
    ck_assert_msg(tu_write(buf, text) == 0, "cannot write %s", buf);
}

/*
 * Run the checker on a page of dir, with extra arguments (may be "") after
 * the environment settings env (may be ""); print its report. Its temporary
 * folder is made under dir/tmp, so browser_left() can tell its processes from
 * those of any other check running on the machine.
 */
static void check_page(const char *dir, const char *env, const char *page, const char *args,
                       run_result *r)
{
    char cmd[2048];
    snprintf(cmd, sizeof cmd,
             "mkdir -p '%s/tmp' && TMPDIR=\"$PWD/%s/tmp\" %s " CHECKER " '%s' %s --timeout 60", dir,
             dir, env, page, args);
    r->rc = tu_run(cmd, r->out, sizeof r->out, r->err, sizeof r->err);
    printf("---- %s (exit %d)\n%s%s", page, r->rc, r->out, r->err);
    fflush(stdout);
}

/*
 * 1 when the last check in dir left something behind: a chromedriver or
 * chromium process that names its temporary folder, or the folder itself.
 */
static int browser_left(const char *dir)
{
    char cmd[1024], out[4096];
    snprintf(cmd, sizeof cmd,
             "ps -eo args | grep -E '^[^ ]*(chromedriver|chromium) ' | grep -F \"$PWD/%s/tmp/\"; "
             "ls -A '%s/tmp'",
             dir, dir);
    tu_run(cmd, out, sizeof out, NULL, 0);
    if (out[0]) {
        printf("left behind:\n%s", out);
    }
    return out[0] != '\0';
}

/* The checker's standard error when it could not check (exit 2), else "". */
static const char *hint(const run_result *r)
{
    return r->rc == 2 ? r->err : "";
}

START_TEST(good_page_passes)
{
    char dir[256], page[512], png[512], shot[512], args[600];
    run_result r;
    FILE *f;
    unsigned char sig[8];
    tu_tmpdir("browser/good", dir, sizeof dir);
    snprintf(png, sizeof png, "%s/map.png", dir);
    f = fopen(png, "wb");
    ck_assert(f != NULL);
    ck_assert_uint_eq(fwrite(png_bytes, 1, sizeof png_bytes, f), sizeof png_bytes);
    ck_assert_int_eq(fclose(f), 0);
    /* the file beside the page also as an SVG <image> and a CSS background */
    write_page(dir, "good.html",
               TABLE IMG "<img alt=\"file\" src=\"map.png\">\n" SVG
                         "<svg width=\"20\" height=\"20\"><image href=\"map.png\" width=\"20\" "
                         "height=\"20\"/></svg>\n"
                         "<div style=\"width:20px;height:20px;background:url('map.png')\"></div>\n",
               page, sizeof page);
    snprintf(shot, sizeof shot, "%s/good.png", dir);
    snprintf(args, sizeof args, "--screenshot '%s'", shot);
    check_page(dir, "", page, args, &r);
    ck_assert_msg(r.rc == 0, "exit %d: %s%s", r.rc, r.out, hint(&r));
    ck_assert_msg(strstr(r.out, "images: 4/4 loaded"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "ok      svg image file://") &&
                      strstr(r.out, "ok      css background file://"),
                  "%s", r.out);
    ck_assert_msg(strstr(r.out, "inline svgs: 2"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "console errors: 0"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "title: good.html"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "result: OK"), "%s", r.out);
    f = fopen(shot, "rb");
    ck_assert_msg(f != NULL, "no screenshot %s", shot);
    ck_assert_uint_eq(fread(sig, 1, sizeof sig, f), sizeof sig);
    fclose(f);
    ck_assert(memcmp(sig, png_bytes, sizeof sig) == 0);
    ck_assert(!browser_left(dir));
}
END_TEST

START_TEST(missing_image_fails)
{
    char dir[256], page[512];
    run_result r;
    tu_tmpdir("browser/broken", dir, sizeof dir);
    write_page(dir, "broken.html", TABLE IMG "<img alt=\"map\" src=\"missing-map.png\">\n" SVG,
               page, sizeof page);
    check_page(dir, "", page, "", &r);
    ck_assert_msg(r.rc == 1, "exit %d: %s%s", r.rc, r.out, hint(&r));
    ck_assert_msg(strstr(r.out, "images: 1/2 loaded"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "FAILED  img file://") && strstr(r.out, "/missing-map.png: "), "%s",
                  r.out);
    ck_assert_msg(strstr(r.out, "missing-map.png - Failed to load resource"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "result: FAIL: 1 of 2 images did not load; 1 console error"), "%s",
                  r.out);
    ck_assert(!browser_left(dir));
}
END_TEST

START_TEST(console_error_fails)
{
    char dir[256], page[512];
    run_result r;
    tu_tmpdir("browser/console", dir, sizeof dir);
    write_page(dir, "console.html", TABLE IMG SVG "<script>console.error(\"x\");</script>\n", page,
               sizeof page);
    check_page(dir, "", page, "", &r);
    ck_assert_msg(r.rc == 1, "exit %d: %s%s", r.rc, r.out, hint(&r));
    ck_assert_msg(strstr(r.out, "images: 1/1 loaded"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "console.html") && strstr(r.out, " \"x\"\n"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "result: FAIL: 1 console error\n"), "%s", r.out);
    ck_assert(!browser_left(dir));
}
END_TEST

START_TEST(uncaught_exception_fails)
{
    char dir[256], page[512];
    run_result r;
    tu_tmpdir("browser/throw", dir, sizeof dir);
    write_page(dir, "throw.html",
               TABLE IMG SVG "<script>throw new Error(\"thrown by the page\");</script>\n", page,
               sizeof page);
    check_page(dir, "", page, "", &r);
    ck_assert_msg(r.rc == 1, "exit %d: %s%s", r.rc, r.out, hint(&r));
    ck_assert_msg(strstr(r.out, "Uncaught Error: thrown by the page"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "result: FAIL: 1 console error\n"), "%s", r.out);
    ck_assert(!browser_left(dir));
}
END_TEST

START_TEST(page_without_image_fails)
{
    char dir[256], page[512];
    run_result r;
    tu_tmpdir("browser/noimage", dir, sizeof dir);
    write_page(dir, "noimage.html", TABLE SVG, page, sizeof page);
    check_page(dir, "", page, "", &r);
    ck_assert_msg(r.rc == 1, "exit %d: %s%s", r.rc, r.out, hint(&r));
    ck_assert_msg(strstr(r.out, "images: 0/0 loaded"), "%s", r.out);
    ck_assert_msg(strstr(r.out, "result: FAIL: no image on the page\n"), "%s", r.out);
    ck_assert(!browser_left(dir));
}
END_TEST

START_TEST(usage_errors)
{
    char dir[256], page[512];
    run_result r;
    tu_tmpdir("browser/usage", dir, sizeof dir);
    check_page(dir, "", "out/tests/browser/usage/no-such-page.html", "", &r);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_msg(strstr(r.err, "no such page: out/tests/browser/usage/no-such-page.html"), "%s",
                  r.err);
    write_page(dir, "page.html", IMG, page, sizeof page);
    check_page(dir, "ZT_CHROMEDRIVER=/nonexistent/chromedriver", page, "", &r);
    ck_assert_int_eq(r.rc, 2);
    ck_assert_msg(strstr(r.err, "missing /nonexistent/chromedriver") &&
                      strstr(r.err, "apt-get install -y chromium chromium-driver"),
                  "%s", r.err);
}
END_TEST

Suite *suite_browser(void)
{
    Suite *su = suite_create("browser");
    TCase *tc = tcase_create("check_html");
    /* one browser start each, a few seconds; the checker's own limit is 60 s */
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, good_page_passes);
    tcase_add_test(tc, missing_image_fails);
    tcase_add_test(tc, console_error_fails);
    tcase_add_test(tc, uncaught_exception_fails);
    tcase_add_test(tc, page_without_image_fails);
    tcase_add_test(tc, usage_errors);
    suite_add_tcase(su, tc);
    return su;
}
