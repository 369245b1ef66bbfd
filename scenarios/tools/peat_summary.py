#!/usr/bin/env python3
"""Compare the peat results of zoet runs (issue 5; docs/peat.md).

Usage: peat_summary.py BASE_DIR NAME=DIR [NAME=DIR ...]

For each province: peat area, share of it with a mean summer depth within
20-40 cm, mean summer depth of the peat cells, subsidence, CO2, the inlet
for peat level maintenance (class 1.2) and its share of the IJsselmeer's
water, the storage capacity on 1 December; each run also as the difference
from BASE_DIR. Then the checks of issue 5: from the first run to the last
(e.g. 40, 30, 20 cm) the summer depth becomes shallower, CO2 and subsidence
fall, the peat inlet rises and the storage capacity falls, in every province
with peat. Exit status 1 when a check fails. Python standard library only.
"""
import csv
import sys

COLS = [("peat_area_ha", "peat ha", "%.0f"),
        ("share_20_40cm", "share 20-40 cm", "%.3f"),
        ("summer_depth_peat_m", "summer depth m", "%.3f"),
        ("subsidence_mm_yr", "subsidence mm/yr", "%.2f"),
        ("co2_kt_yr", "CO2 kt/yr", "%.1f"),
        ("inlet_peat_Mm3", "peat inlet Mm3", "%.1f"),
        ("inlet_peat_share_of_ijsselmeer", "share of IJsselmeer", "%.3f"),
        ("storage_capacity_dec1_mm", "storage 1 Dec mm", "%.1f")]


def load(d):
    rows = {}
    for r in csv.DictReader(open(d + "/peat_provinces.csv")):
        rows[r["province"]] = {k: float(r[k]) for k, _, _ in COLS}
    return rows


def main():
    base = load(sys.argv[1])
    runs = []
    for arg in sys.argv[2:]:
        name, d = arg.split("=", 1)
        runs.append((name, load(d)))
    for prov in base:
        print("### %s\n" % prov)
        print("| run | " + " | ".join(h for _, h, _ in COLS) + " |")
        print("|---" * (len(COLS) + 1) + "|")
        print("| base | " + " | ".join(f % base[prov][k] for k, _, f in COLS) + " |")
        for name, r in runs:
            print("| %s | " % name + " | ".join(
                (f % r[prov][k]) + " (%+.3g)" % (r[prov][k] - base[prov][k]) for k, _, f in COLS)
                + " |")
        print()
    ok = True
    for prov in base:
        if base[prov]["peat_area_ha"] <= 0:
            continue
        seq = [r[prov] for _, r in runs]
        for k, sign, what in [("summer_depth_peat_m", -1, "summer depth shallower"),
                              ("co2_kt_yr", -1, "CO2 falls"),
                              ("subsidence_mm_yr", -1, "subsidence falls"),
                              ("inlet_peat_Mm3", 1, "peat inlet rises"),
                              ("storage_capacity_dec1_mm", -1, "storage capacity falls")]:
            vals = [x[k] for x in seq]
            mono = all((b - a) * sign >= 0 for a, b in zip(vals, vals[1:]))
            print("%-10s %-24s %s: %s" % (prov, what, "yes" if mono else "NO",
                                           ", ".join("%.4g" % v for v in vals)))
            ok = ok and mono
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
