#!/usr/bin/env python3
"""Summarise the supply accounting of zoet runs (issue 4; docs/network.md).

Usage: supply_summary.py NETWORK.ini [--lake LAKE.ini] OUTDIR [OUTDIR ...]

The users' classes are columns of supply_users.csv (user, cause, node,
province, class); they are checked against the network file and, with a
lake ([lake] in the scenario), the lake file (default: ../lake/ijsselmeer-
markermeer.ini beside the network file, when it exists).

For each output folder (a run with a supply network): the monthly inlet
over every link (million m3), the year's demand, allocated, realised and
shortage per province and class of the verdringingsreeks (million m3), and
a check of the priority: on no day may a user of class 1 or 2 go short
while a user of class 3 or 4 in the same part of the network (its node or
below it) still gets water. Python standard library only.
"""
import collections
import csv
import os
import sys
import tomllib

CLASS_OF = {"peat": "1.2", "nature": "1.3", "flushing": None, "capital": None, "agri": None}


def load_network(path):
    with open(path, "rb") as f:
        net = tomllib.load(f)
    parent = {name: node.get("parent") for name, node in net["node"].items()}
    cls = {}
    for cause in CLASS_OF:
        cls[cause] = net.get("network", {}).get(cause, CLASS_OF[cause])
    users = {name: u["class"] for name, u in net.get("user", {}).items()
             if u.get("source", "surface") == "surface"}
    wells = {name for name, u in net.get("user", {}).items()
             if u.get("source", "surface") == "groundwater"}
    return parent, cls, users, wells


def load_lake_users(path):
    """The classes of the lake's own users ({} without a lake file)."""
    with open(path, "rb") as f:
        lake = tomllib.load(f)
    return {name: u["class"] for name, u in lake.get("user", {}).items()}


def below(parent, node, top):
    """True when node is top or lies below it."""
    while node is not None:
        if node == top:
            return True
        node = parent[node]
    return False


def summarise(parent, cls, users, wells, out):
    flows = collections.defaultdict(float)
    for r in csv.DictReader(open(out + "/supply_nodes.csv")):
        flows[(r["node"], r["date"][:7])] += float(r["flow"]) * 86400 / 1e6
    nodes = sorted({k[0] for k in flows})
    months = sorted({k[1] for k in flows})
    print("## %s\n" % out)
    print("Inlet over each link (million m3):\n")
    print("| month | " + " | ".join(nodes) + " |")
    print("|---" * (len(nodes) + 1) + "|")
    for m in months:
        print("| %s | " % m + " | ".join("%.1f" % flows[(n, m)] for n in nodes) + " |")
    print("| year | " + " | ".join("%.1f" % sum(flows[(n, m)] for m in months) for n in nodes)
          + " |\n")
    reg = collections.defaultdict(lambda: [0.0] * 4)
    for r in csv.DictReader(open(out + "/supply_regions.csv")):
        x = reg[r["province"] + " " + r["class"]]
        for i, k in enumerate(("demand", "allocated", "realised", "shortage")):
            x[i] += float(r[k]) / 1e6
    print("Per province and class (million m3 in the run):\n")
    print("| province class | demand | allocated | realised | shortage |")
    print("|---|---|---|---|---|")
    for k in sorted(reg):
        v = reg[k]
        if v[0] > 0 or v[2] > 0:
            print("| %s | %.2f | %.2f | %.2f | %.2f |" % (k, *v))
    total = sum(v[3] for v in reg.values())
    low = sum(v[3] for k, v in reg.items() if k.split(" ")[1][0] in "12")
    print("\nTotal shortage: %.1f million m3 (classes 1 and 2: %.2f; classes 3 and 4: %.1f)\n"
          % (total, low, total - low))
    # priority: per day, per node
    day_users = collections.defaultdict(list)
    for r in csv.DictReader(open(out + "/supply_users.csv")):
        name, node, c = r["user"], r["node"], r["class"]
        if not r["cause"] and name in wells:
            continue  # served by its own wells, outside the verdringingsreeks
        if r["cause"]:
            want = cls[r["cause"]]
        else:
            want = users.get(name)
        if want is not None and want != c:
            sys.exit("%s/supply_users.csv: user %s %s has class %s, its file says %s"
                     % (out, name, r["cause"], c, want))
        day_users[r["date"]].append((node, c, float(r["demand"]), float(r["allocated"]),
                                     float(r["realised"])))
    bad = 0
    short12 = 0
    for day, us in day_users.items():
        # class 1/2 users short of what they asked on the network
        for node, c, d, a, real in us:
            if c[0] in "12" and d > 0 and a < d * (1 - 1e-6) - 1e-9:
                short12 += 1
                for node2, c2, d2, a2, real2 in us:
                    if c2[0] in "34" and a2 > 1e-9 and below(parent, node2, node):
                        bad += 1
                        if bad <= 5:
                            print("priority broken %s: %s class %s short, %s class %s gets %.3g"
                                  % (day, node, c, node2, c2, a2))
    print("Class 1-2 users short of their allocation on a day: %d; of them with class 3-4 "
          "water in the same part of the network: %d\n" % (short12, bad))
    return total, bad


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    parent, cls, users, wells = load_network(sys.argv[1])
    args = sys.argv[2:]
    lake = os.path.join(os.path.dirname(os.path.abspath(sys.argv[1])), "..", "lake",
                        "ijsselmeer-markermeer.ini")
    if args[:1] == ["--lake"] and len(args) >= 3:
        lake, args = args[1], args[2:]
    if os.path.exists(lake):
        users.update(load_lake_users(lake))
    totals = []
    for out in args:
        totals.append(summarise(parent, cls, users, wells, out))
    return 0 if all(b == 0 for _, b in totals) else 1


if __name__ == "__main__":
    sys.exit(main())
