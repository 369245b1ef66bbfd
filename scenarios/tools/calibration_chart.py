#!/usr/bin/env python3
"""Chart a calibration of `zoet calibrate`: every target's model value at the
start and at the best run against its observed value and tolerance band,
as an SVG (docs/calibration.md). Python standard library only.

Usage: calibration_chart.py CALIB.ini EVALUATIONS.csv OUT.svg [TITLE]
"""
import csv
import sys
import tomllib
from xml.sax.saxutils import escape


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    with open(sys.argv[1], "rb") as f:
        cal = tomllib.load(f)
    targets = cal["target"]
    rows = list(csv.DictReader(open(sys.argv[2])))
    if not rows:
        sys.exit("%s: no runs" % sys.argv[2])
    first = rows[0]
    best = min(rows, key=lambda r: float(r["objective"]))
    title = sys.argv[4] if len(sys.argv) == 5 else "Calibration: model against target"
    names = list(targets)
    w, h_row, left, top = 760, 54, 230, 60
    height = top + h_row * len(names) + 60
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="sans-serif" font-size="12">' % (w, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="24" font-size="15">%s</text>' % (left - 200, escape(title)),
           '<text x="%d" y="42" fill="#555">each row on its own scale: the observed '
           'value is 1; grey: its tolerance</text>' % (left - 200)]
    x0, x1 = left, w - 40

    def xpos(v):  # ratio 0 .. 2 onto the axis
        v = max(0.0, min(2.0, v))
        return x0 + (x1 - x0) * v / 2.0

    for i, n in enumerate(names):
        t = targets[n]
        obs, tol = float(t["observed"]), float(t["tolerance"])
        y = top + i * h_row + 20
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>'
                   % (left - 10, y + 4, escape(n)))
        out.append('<text x="%d" y="%d" text-anchor="end" fill="#555">observed %.4g</text>'
                   % (left - 10, y + 18, obs))
        out.append('<rect x="%.1f" y="%d" width="%.1f" height="16" fill="#ddd"/>'
                   % (xpos(1 - tol), y - 8, xpos(1 + tol) - xpos(1 - tol)))
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black"/>'
                   % (xpos(1), y - 12, xpos(1), y + 12))
        for r, colour, label in ((first, "#999", "start"), (best, "#c33", "calibrated")):
            m = float(r[n])
            out.append('<circle cx="%.1f" cy="%d" r="5" fill="%s"><title>%s %.4g</title>'
                       '</circle>' % (xpos(m / obs), y, colour, label, m))
        out.append('<text x="%.1f" y="%d" fill="#c33">%.4g</text>'
                   % (xpos(float(best[n]) / obs) + 8, y - 8, float(best[n])))
    ya = top + h_row * len(names) + 10
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#333"/>' % (x0, ya, x1, ya))
    for v in (0, 0.5, 1, 1.5, 2):
        out.append('<text x="%.1f" y="%d" text-anchor="middle">%g</text>'
                   % (xpos(v), ya + 16, v))
    out.append('<text x="%d" y="%d" fill="#999">o start (run 1)</text>' % (x0, ya + 40))
    out.append('<text x="%d" y="%d" fill="#c33">o calibrated (run %s, objective %.3g)</text>'
               % (x0 + 140, ya + 40, best["evaluation"], float(best["objective"])))
    out.append("</svg>")
    with open(sys.argv[3], "w") as f:
        f.write("\n".join(out) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
