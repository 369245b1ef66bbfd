#!/usr/bin/env python3
"""The peat table of zoet runs (issue 14; docs/peat.md).

Usage: peat_summary.py BASE_DIR NAME=DIR [NAME=DIR ...] [--targets NAME,NAME,...]
                       [--months NAME]

Per province, one table: a row per quantity, a column per run (BASE_DIR
first, as "base"), each run also as its difference from the base:
  peat area; the shares of the peat area whose mean summer depth
  (April-September) is shallower than 20 cm, within 20-40 cm and deeper
  than 40 cm; the mean summer depth, GVG, GHG and GLG of the peat cells;
  subsidence (all, and its oxidative part); CO2e; the class 1.2 water for
  the peat: supplied per year, per summer day over the peat area, short per
  year; its share of the IJsselmeer's water; the storage capacity on
  1 December.
Then what agriculture and flushing (classes 3 and 4) go short in each run
(supply_regions.csv), and with --months NAME the class 1.2 water of run
NAME against the base by month (Mm3 and mm/d over the peat area).

--targets NAME,...: the runs in order of their target depth (e.g. the runs
of 40, 30 and 20 cm). Every row that follows the target one way must be
monotonic over them, in every province with peat; the check prints each
row and the exit status is 1 when one is not. The share within 20-40 cm
is printed but not checked: two of the three targets lie on the edges of
the band (docs/peat.md §3 says why). Python standard library only.
"""
import csv
import sys

ROWS = [  # column, label, format, direction over shallower targets (0: not checked)
    ("peat_area_ha", "peat area (ha)", "%.0f", 0),
    ("share_above_20cm", "share shallower than 20 cm", "%.3f", +1),
    ("share_20_40cm", "share within 20-40 cm", "%.3f", 0),
    ("share_below_40cm", "share deeper than 40 cm", "%.3f", -1),
    ("summer_depth_peat_m", "mean summer depth (m)", "%.3f", -1),
    ("GVG_peat_m", "GVG (m)", "%.3f", -1),
    ("GHG_peat_m", "GHG (m)", "%.3f", -1),
    ("GLG_peat_m", "GLG (m)", "%.3f", -1),
    ("subsidence_mm_yr", "subsidence (mm/yr)", "%.2f", -1),
    ("subsidence_oxidation_mm_yr", "of it oxidation (mm/yr)", "%.2f", -1),
    ("co2e_kt_yr", "CO2e (kt/yr)", "%.1f", -1),
    ("inlet_peat_Mm3_yr", "class 1.2 water supplied (Mm3/yr)", "%.1f", 0),
    ("inlet_peat_summer_mm_d", "of it Apr-Sep (mm/d over the peat)", "%.3f", 0),
    ("shortage_peat_Mm3_yr", "class 1.2 short (Mm3/yr)", "%.1f", 0),
    ("inlet_peat_share_of_ijsselmeer", "share of the IJsselmeer's water", "%.3f", 0),
    ("storage_capacity_dec1_mm", "storage capacity 1 Dec (mm)", "%.1f", -1),
]


def num(s):
    try:
        return float(s)
    except ValueError:
        return float("nan")


def load(d):
    rows = {}
    with open(d + "/peat_provinces.csv") as f:
        for r in csv.DictReader(f):
            rows[r["province"]] = {k: num(r[k]) for k, _, _, _ in ROWS}
    return rows


def shortage_34(d):
    """Class 3 and 4 shortage per province (Mm3 over the run)."""
    out = {}
    with open(d + "/supply_regions.csv") as f:
        for r in csv.DictReader(f):
            prov, cls = r["province"], r["class"]
            if cls in ("3", "4"):
                out[prov] = out.get(prov, 0.0) + float(r["shortage"]) / 1e6
    return out


def months(d):
    """Per province and month: Mm3 supplied and mm/d over the peat."""
    out = {}
    with open(d + "/peat_months.csv") as f:
        for r in csv.DictReader(f):
            if r["area"] in ("Groningen", "Fryslan", "Drenthe"):
                out[(r["area"], int(r["month"]))] = (num(r["inlet_peat_Mm3"]),
                                                      num(r["inlet_peat_mm_d"]))
    return out


def fmt(f, v):
    return "nan" if v != v else f % v


def table(prov, base, runs):
    print("### %s\n" % prov)
    print("| | base | " + " | ".join(n for n, _, _ in runs) + " |")
    print("|---" * (len(runs) + 2) + "|")
    for k, label, f, _ in ROWS:
        b = base[prov][k]
        cells = [fmt(f, b)]
        for _, r, _ in runs:
            v = r[prov][k]
            d = v - b
            cells.append(fmt(f, v) + ("" if d != d else " (%+.3g)" % d))
        print("| %s | %s |" % (label, " | ".join(cells)))
    print()


def check(base, runs, targets):
    seq = [r for n, r, _ in runs if n in targets]
    seq.sort(key=lambda r: targets.index([n for n, x, _ in runs if x is r][0]))
    ok = True
    for prov in base:
        if base[prov]["peat_area_ha"] <= 0:
            continue
        for k, label, _, sign in ROWS:
            vals = [r[prov][k] for r in seq]
            if sign == 0 or any(v != v for v in vals):
                if k == "share_20_40cm":
                    print("%-10s %-36s (not checked): %s" % (
                        prov, label, ", ".join("%.4g" % v for v in vals)))
                continue
            mono = all((b - a) * sign >= 0 for a, b in zip(vals, vals[1:]))
            print("%-10s %-36s %s: %s" % (prov, label, "yes" if mono else "NO",
                                           ", ".join("%.4g" % v for v in vals)))
            ok = ok and mono
        for k in ("inlet_peat_Mm3_yr", "inlet_peat_summer_mm_d", "shortage_peat_Mm3_yr",
                  "inlet_peat_share_of_ijsselmeer"):
            vals = [r[prov][k] for r in seq]
            up = all(b >= a for a, b in zip(vals, vals[1:]))
            down = all(b <= a for a, b in zip(vals, vals[1:]))
            print("%-10s %-36s %s: %s" % (prov, k + " (one way)", "yes" if up or down else "NO",
                                           ", ".join("%.4g" % v for v in vals)))
            ok = ok and (up or down)
    return ok


def main():
    args = sys.argv[1:]
    targets, month_run = [], None
    if "--targets" in args:
        i = args.index("--targets")
        targets = args[i + 1].split(",")
        del args[i:i + 2]
    if "--months" in args:
        i = args.index("--months")
        month_run = args[i + 1]
        del args[i:i + 2]
    base_dir = args[0]
    base = load(base_dir)
    runs = []
    for arg in args[1:]:
        name, d = arg.split("=", 1)
        runs.append((name, load(d), d))
    for prov in base:
        table(prov, base, runs)
    b34 = shortage_34(base_dir)
    print("### Classes 3 and 4 short (Mm3 over the run; difference from the base)\n")
    print("| province | base | " + " | ".join(n for n, _, _ in runs) + " |")
    print("|---" * (len(runs) + 2) + "|")
    s34 = [shortage_34(d) for _, _, d in runs]
    for prov in b34:
        print("| %s | %.1f | %s |" % (prov, b34[prov], " | ".join(
            "%.1f (%+.1f)" % (s[prov], s[prov] - b34[prov]) for s in s34)))
    print()
    if month_run:
        d = [x for n, _, x in runs if n == month_run][0]
        mb, mr = months(base_dir), months(d)
        print("### Class 1.2 water of %s by month: Mm3 (extra over the base), mm/d over the peat\n"
              % month_run)
        print("| province | " + " | ".join(str(m) for m in range(1, 13)) + " |")
        print("|---" * 13 + "|")
        for prov in ("Groningen", "Fryslan", "Drenthe"):
            print("| %s | %s |" % (prov, " | ".join(
                "%.1f (%+.1f), %.2f" % (mr[(prov, m)][0], mr[(prov, m)][0] - mb[(prov, m)][0],
                                         mr[(prov, m)][1]) for m in range(1, 13))))
        print()
    ok = check(base, runs, targets) if targets else True
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
