#!/usr/bin/env python3
"""Check a self-contained HTML page in a real headless browser.

    check_html.py PAGE.html [--screenshot OUT.png] [--timeout SECONDS]

Debian's chromium is driven through Debian's chromedriver over the W3C
WebDriver HTTP protocol (Python's standard library only, no Selenium). The
page is opened as a file:// URL and passes when

  - it loaded (document.readyState "complete", not a browser error page),
  - it has at least one image (an <img>, an SVG <image> or a CSS background
    image),
  - every one of those images loaded (an <img> is complete with a natural
    width above 0; an SVG <image> or a CSS background URL is loaded again
    through an Image object, which must succeed the same way), and
  - the browser console has no error: every SEVERE entry of the browser log,
    which holds console.error(), uncaught exceptions and unhandled promise
    rejections (source "javascript"), and resources that failed to load
    (source "network").

Inline <svg> elements are counted and reported; they are not images here.

Exit status: 0 the page passed; 1 it failed (or did not load within the time
limit); 2 usage error, a page that does not exist, chromium or chromedriver
missing, or a browser that could not be started; 130 Ctrl-C, 128+N signal N.

chromedriver runs in its own process group on a free port of 127.0.0.1 with
a temporary profile; the session is closed and the whole group killed on
every way out (a failed check, an error, the time limit, Ctrl-C, SIGTERM),
and the temporary folders removed. Should this script itself be killed
(SIGKILL, a test runner's time limit), a small watchdog process does the
same. ZT_CHROMIUM and ZT_CHROMEDRIVER name other binaries than Debian's.
"""

import argparse
import base64
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

# Debian's; the environment may name others (the self-test names a missing one)
CHROMIUM = os.environ.get("ZT_CHROMIUM") or "/usr/bin/chromium"
CHROMEDRIVER = os.environ.get("ZT_CHROMEDRIVER") or "/usr/bin/chromedriver"
INSTALL = "apt-get install -y chromium chromium-driver"

# Lists every image of the page and waits (up to arguments[0] ms) for the
# ones still loading; reports title, URL, readyState and inline <svg> count.
# Lazy <img>s are made eager first: headless, below the fold, they would
# otherwise never load.
IMAGES_JS = r"""
const limitMs = arguments[0];
const done = arguments[arguments.length - 1];
const SVG = 'http://www.w3.org/2000/svg';
const items = [];
const probe = (url) => new Promise((res) => {
    const im = new Image();
    im.onload = () => res({ok: im.naturalWidth > 0, w: im.naturalWidth, h: im.naturalHeight,
                           why: im.naturalWidth > 0 ? '' : 'decoded to width 0'});
    im.onerror = () => res({ok: false, w: 0, h: 0, why: 'failed to load'});
    im.src = url;
});
const settle = (img) => new Promise((res) => {
    if (img.complete) { res(); return; }
    img.addEventListener('load', () => res(), {once: true});
    img.addEventListener('error', () => res(), {once: true});
});
for (const img of Array.from(document.images)) {
    if (img.loading === 'lazy') { img.loading = 'eager'; }
    const src = img.currentSrc || img.getAttribute('src') || '';
    items.push({kind: 'img', src: src, wait: settle(img).then(() => ({
        ok: img.complete && img.naturalWidth > 0, w: img.naturalWidth, h: img.naturalHeight,
        why: !src ? 'no src' : (!img.complete ? 'still loading'
             : (img.naturalWidth > 0 ? '' : 'failed to load or decode'))}))});
}
for (const im of Array.from(document.getElementsByTagNameNS(SVG, 'image'))) {
    const raw = (im.href && im.href.baseVal) || im.getAttribute('href') || '';
    if (!raw) {
        items.push({kind: 'svg image', src: '', wait: Promise.resolve({ok: false, w: 0, h: 0,
                                                                       why: 'no href'})});
        continue;
    }
    const url = new URL(raw, document.baseURI).href;
    items.push({kind: 'svg image', src: url, wait: probe(url)});
}
const seen = new Set();
for (const el of Array.from(document.querySelectorAll('*'))) {
    const bg = getComputedStyle(el).backgroundImage;
    if (!bg || bg === 'none') { continue; }
    for (const m of bg.matchAll(/url\(\s*(['"]?)(.*?)\1\s*\)/g)) {
        const url = new URL(m[2], document.baseURI).href;
        if (seen.has(url)) { continue; }
        seen.add(url);
        items.push({kind: 'css background', src: url, wait: probe(url)});
    }
}
const late = new Promise((res) => setTimeout(() => res(null), limitMs));
Promise.all(items.map((it) => Promise.race([it.wait, late]).then((r) => {
    const v = r || {ok: false, w: 0, h: 0, why: 'still loading after ' + limitMs + ' ms'};
    return {kind: it.kind, src: it.src, ok: v.ok, w: v.w, h: v.h, why: v.why};
}))).then((images) => {
    const svgs = Array.from(document.getElementsByTagNameNS(SVG, 'svg'))
        .filter((s) => !(s.parentElement && s.parentElement.closest('svg'))).length;
    done({title: document.title, url: document.URL, readyState: document.readyState,
          images: images, svgs: svgs,
          width: document.documentElement.scrollWidth,
          height: document.documentElement.scrollHeight,
          frameWidth: window.outerWidth - window.innerWidth,
          frameHeight: window.outerHeight - window.innerHeight});
});
"""

# Kills chromedriver's process group (argv[1]) and removes our temporary
# folders (argv[2:]) when this script dies without
# saying "done" on the pipe: SIGKILL, or a test runner's time limit that kills
# our process group (chromedriver, in its own session, is not part of it).
WATCHDOG = r"""
import os, shutil, signal, sys, time
if "done" not in sys.stdin.read():
    try:
        os.killpg(int(sys.argv[1]), signal.SIGKILL)
        time.sleep(0.5)
    except OSError:
        pass
    for d in sys.argv[2:]:
        shutil.rmtree(d, ignore_errors=True)
"""

CLEANUP_MASK = {signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGALRM}


class CheckError(Exception):
    """The page could not be checked, or failed in a way that ends the check."""

    def __init__(self, message, status=1):
        super().__init__(message)
        self.status = status


class Interrupted(BaseException):
    """SIGTERM or SIGHUP: end like Ctrl-C, through the same clean-up."""


class TimeLimit(BaseException):
    """The whole check ran past --timeout."""


def free_port():
    """A TCP port of 127.0.0.1 that was free a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Driver:
    """chromedriver in its own process group, and at most one session."""

    def __init__(self, dirs, deadline):
        """dirs: our temporary folders, borrowed; the profile and the driver's
        log go into the first, the browser's own temporary files into the last."""
        self.workdir = dirs[0]
        self.browser_tmp = dirs[-1]
        self.dirs = dirs
        self.deadline = deadline
        self.proc = None
        self.base = None
        self.session = None
        self.watchdog = None
        # no proxy for 127.0.0.1, whatever http_proxy/no_proxy say
        self.opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))

    def remaining(self):
        return max(1.0, self.deadline - time.monotonic())

    def request(self, method, path, body=None, timeout=None):
        """One WebDriver command; returns its "value" or raises CheckError."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers={"Content-Type": "application/json"})
        t = min(timeout or 30.0, self.remaining())
        # the command for messages: "POST url", not the session's id
        name = "%s %s" % (method, re.sub(r"^/session/[0-9a-f]+/", "", path))
        try:
            with self.opener.open(req, timeout=t) as f:
                return json.loads(f.read().decode() or "{}").get("value")
        except urllib.error.HTTPError as e:
            try:
                v = json.loads(e.read().decode()).get("value") or {}
                what = "%s: %s" % (v.get("error", e.code), v.get("message", "").split("\n")[0])
            except ValueError:
                what = "HTTP %d" % e.code
            raise CheckError("%s: %s" % (name, what))
        except (socket.timeout, TimeoutError):
            raise CheckError("%s: no answer within %.0f s" % (name, t))
        except (urllib.error.URLError, ConnectionError) as e:
            if isinstance(getattr(e, "reason", None), (socket.timeout, TimeoutError)):
                raise CheckError("%s: no answer within %.0f s" % (name, t))
            raise CheckError("%s: no answer from chromedriver (%s)" % (name, e))

    def start(self):
        log = os.path.join(self.workdir, "chromedriver.log")
        for _ in range(3):
            port = free_port()
            self.base = "http://127.0.0.1:%d" % port
            self.proc = subprocess.Popen(
                # --enable-chrome-logs: the browser's standard error into the log too
                [CHROMEDRIVER, "--port=%d" % port, "--log-path=" + log, "--enable-chrome-logs"],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                # the browser's own temporary files (shared memory under
                # --disable-dev-shm-usage) go where we remove them, even when killed
                env=dict(os.environ, TMPDIR=self.browser_tmp),
                start_new_session=True)
            self.watchdog = subprocess.Popen(
                [sys.executable, "-c", WATCHDOG, str(self.proc.pid)] + self.dirs,
                stdin=subprocess.PIPE, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
            t_end = time.monotonic() + 15
            while time.monotonic() < t_end and self.proc.poll() is None:
                try:
                    if (self.request("GET", "/status", timeout=2) or {}).get("ready"):
                        return
                except CheckError:
                    pass
                time.sleep(0.1)
            self.kill()  # port taken between free_port() and now, or it hung
        raise CheckError("chromedriver did not start; its log: " + log, status=2)

    def new_session(self, width, height):
        profile = os.path.join(self.workdir, "profile")
        os.mkdir(profile)
        caps = {
            "browserName": "chrome",
            "pageLoadStrategy": "normal",
            "timeouts": {"pageLoad": 30000, "script": 30000, "implicit": 0},
            "goog:chromeOptions": {
                "binary": CHROMIUM,
                "args": ["--headless=new", "--no-sandbox", "--disable-gpu",
                         "--disable-dev-shm-usage", "--user-data-dir=" + profile,
                         "--no-first-run", "--no-default-browser-check",
                         "--disable-extensions", "--hide-scrollbars", "--mute-audio",
                         "--window-size=%d,%d" % (width, height)],
            },
            "goog:loggingPrefs": {"browser": "ALL"},
        }
        try:
            v = self.request("POST", "/session", {"capabilities": {"alwaysMatch": caps}},
                             timeout=60)
        except CheckError as e:
            raise CheckError("chromium did not start: %s%s" % (e, self.fatal()), status=2)
        self.session = v["sessionId"]
        return v.get("capabilities", {}).get("browserVersion", "?")

    def fatal(self):
        """The browser's FATAL lines from the driver's log, for a message."""
        try:
            with open(os.path.join(self.workdir, "chromedriver.log"), errors="replace") as f:
                lines = [ln.rstrip() for ln in f if "FATAL" in ln]
        except OSError:
            return ""
        return "".join("\n    " + ln for ln in lines[:5])

    def cmd(self, method, what, body=None, timeout=None):
        return self.request(method, "/session/%s/%s" % (self.session, what), body, timeout)

    def quit(self):
        """Close the session and kill chromedriver's process group. Never raises."""
        if self.session and self.proc and self.proc.poll() is None:
            try:  # short: a browser stuck in a script would not answer
                self.deadline = time.monotonic() + 3
                self.request("DELETE", "/session/" + self.session, timeout=3)
            except Exception:  # noqa: BLE001 - it goes away all the same
                pass
        self.session = None
        self.kill()

    def kill(self):
        """SIGTERM to chromedriver's group (it and the browser it started), then
        SIGKILL to whatever is left of it; tell the watchdog it is done."""
        if not self.proc:
            return
        pgid = self.proc.pid  # start_new_session: the group is the child's pid
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(pgid, sig)
            except ProcessLookupError:
                break
            try:
                self.proc.wait(timeout=3)
            except subprocess.TimeoutExpired:
                pass
        self.proc = None
        if self.watchdog:
            try:
                self.watchdog.stdin.write(b"done\n")
                self.watchdog.stdin.close()
                self.watchdog.wait(timeout=3)
            except (OSError, subprocess.TimeoutExpired):
                pass
            self.watchdog = None


def short(src, n=100):
    """A source for the report: data URIs cut short, with their length."""
    if src.startswith("data:") and len(src) > 40:
        return "%s... (data URI, %d characters)" % (src[:40], len(src))
    return src if len(src) <= n else src[: n - 3] + "..."


def print_messages(entries):
    """Each message verbatim, once, in order; a repeated one with its count (our own
    second load of an SVG <image> or a CSS background logs its failure again)."""
    counts = {}
    for e in entries:
        m = e.get("message", "")
        counts[m] = counts.get(m, 0) + 1
    for m, n in counts.items():
        print("  %s%s" % (m, "" if n == 1 else "  (%d times)" % n))


def check(page, screenshot, timeout):
    """Run the check; print the report; return the exit status."""
    deadline = time.monotonic() + timeout
    dirs = [tempfile.mkdtemp(prefix="zoet-browser-")]
    # Chromium's temporary files, its singleton socket among them, must have a
    # path of at most 107 bytes: under /tmp when $TMPDIR is long
    if len(dirs[0]) > 40:
        dirs.append(tempfile.mkdtemp(prefix="zoet-browser-", dir="/tmp"))
    drv = Driver(dirs, deadline)
    try:
        signal.alarm(int(timeout) + 1)
        drv.start()
        version = drv.new_session(1280, 1024)
        print("browser: Chromium %s" % version)
        print("page: %s" % page)
        url = page.as_uri()
        try:
            drv.cmd("POST", "url", {"url": url}, timeout=35)
        except CheckError as e:
            raise CheckError("the page did not load: %s" % e)
        while True:
            state = drv.cmd("POST", "execute/sync",
                            {"script": "return document.readyState", "args": []})
            if state == "complete":
                break
            if time.monotonic() > deadline - 2:
                raise CheckError("the page did not load: readyState %r" % state)
            time.sleep(0.1)
        limit_ms = int(max(1.0, min(20.0, deadline - time.monotonic() - 5)) * 1000)
        info = drv.cmd("POST", "execute/async", {"script": IMAGES_JS, "args": [limit_ms]},
                       timeout=limit_ms / 1000 + 10)
        logs = drv.cmd("POST", "se/log", {"type": "browser"}) or []
        if screenshot:
            # the window grows to the whole page (within limits) plus its frame
            h = max(200, min(int(info.get("height") or 1024), 8000))
            w = max(800, min(int(info.get("width") or 1280), 4000))
            h += max(0, int(info.get("frameHeight") or 0))
            w += max(0, int(info.get("frameWidth") or 0))
            try:
                drv.cmd("POST", "window/rect", {"width": w, "height": h})
            except CheckError:
                pass  # the screenshot is then of the first 1280 x 1024
            png = base64.b64decode(drv.cmd("GET", "screenshot"))
            tmp = str(screenshot) + ".tmp"
            with open(tmp, "wb") as f:
                f.write(png)
            os.replace(tmp, screenshot)
    except CheckError as e:
        print("result: FAIL: %s" % e if e.status == 1 else "check_html: %s" % e,
              file=sys.stdout if e.status == 1 else sys.stderr)
        return e.status
    except TimeLimit:
        print("result: FAIL: no result within %g s (--timeout)" % timeout)
        return 1
    finally:
        # no signal may cut the clean-up short: one that comes now is handled
        # after it (Ctrl-C then ends the script with status 130)
        old = signal.pthread_sigmask(signal.SIG_BLOCK, CLEANUP_MASK)
        try:
            signal.alarm(0)
            drv.quit()
            for d in dirs:
                shutil.rmtree(d, ignore_errors=True)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    loaded = info["readyState"] == "complete" and info["url"].startswith("file:")
    images = info["images"]
    good = [i for i in images if i["ok"]]
    errors = [e for e in logs if e.get("level") == "SEVERE"]
    warnings = [e for e in logs if e.get("level") == "WARNING"]

    print("title: %s" % (info["title"] or "(none)"))
    print("images: %d/%d loaded" % (len(good), len(images)))
    for i in images:
        if i["ok"]:
            print("  ok      %s %s (%dx%d)" % (i["kind"], short(i["src"]), i["w"], i["h"]))
        else:
            print("  FAILED  %s %s: %s" % (i["kind"], short(i["src"]) or '""', i["why"]))
    print("inline svgs: %d" % info["svgs"])
    print("console errors: %d" % len(errors))
    print_messages(errors)
    if warnings:
        print("console warnings (not counted): %d" % len(warnings))
        print_messages(warnings)
    if screenshot:
        print("screenshot: %s" % screenshot)

    why = []
    if not loaded:
        why.append("the page did not load (%s, readyState %s)" % (info["url"], info["readyState"]))
    if not images:
        why.append("no image on the page")
    if len(good) < len(images):
        why.append("%d of %d images did not load" % (len(images) - len(good), len(images)))
    if errors:
        why.append("%d console error%s" % (len(errors), "" if len(errors) == 1 else "s"))
    print("result: %s" % ("OK" if not why else "FAIL: " + "; ".join(why)))
    return 0 if not why else 1


def main(argv):
    ap = argparse.ArgumentParser(
        prog="check_html.py",
        description="Load an HTML page in headless Chromium: it must load, have at least one "
                    "image, load every image and log no console error. Exit 0 pass, 1 fail, "
                    "2 usage error or no browser.")
    ap.add_argument("page", help="the HTML file")
    ap.add_argument("--screenshot", metavar="OUT.png", help="save a PNG of the whole page")
    ap.add_argument("--timeout", type=float, default=60.0, metavar="SECONDS",
                    help="give up (exit 1) after this long (default 60)")
    args = ap.parse_args(argv)

    page = Path(args.page).resolve()
    if not page.is_file():
        print("check_html: no such page: %s" % args.page, file=sys.stderr)
        return 2
    if args.timeout < 5:
        print("check_html: --timeout must be at least 5 seconds", file=sys.stderr)
        return 2
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not os.access(p, os.X_OK)]
    if missing:
        print("check_html: missing %s; install Debian's browser with:\n    %s"
              % (" and ".join(missing), INSTALL), file=sys.stderr)
        return 2
    shot = Path(args.screenshot).resolve() if args.screenshot else None

    def on_signal(signum, frame):
        raise Interrupted(signum)

    def on_alarm(signum, frame):
        raise TimeLimit()

    # Ctrl-C too when started in the background of a shell, which ignores it there
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGHUP, on_signal)
    signal.signal(signal.SIGALRM, on_alarm)
    try:
        return check(page, shot, args.timeout)
    except KeyboardInterrupt:
        print("check_html: interrupted", file=sys.stderr)
        return 130
    except TimeLimit:  # came while the clean-up had signals blocked
        print("result: FAIL: no result within %g s (--timeout)" % args.timeout)
        return 1
    except Interrupted as e:
        print("check_html: stopped by signal %d" % e.args[0], file=sys.stderr)
        return 128 + e.args[0]


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
