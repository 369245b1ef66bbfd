#!/bin/sh
# Regenerate data/knmi14/makkink-monthly-change.csv: the monthly change (%) of
# Makkink reference evaporation under each KNMI'14 scenario, as zoet's own
# KNMI'14 transformation gives it for Leeuwarden (KNMI station 270, region
# NON) over 1991-2020. `zoet forcing transform` scales ET0 by this table when
# a forcing file has no TG and Q to recompute Makkink from (docs/forcing.md).
#
#   sh scenarios/tools/knmi14_makkink_table.sh [ZOET] > data/knmi14/makkink-monthly-change.csv
set -eu
zoet=${1:-./zoet}
w=$(mktemp -d)
trap 'rm -rf "$w"' EXIT
"$zoet" forcing knmi data/knmi/etmgeg_270_leeuwarden_1951-2021_selected.csv \
    --stations data/knmi/stations.csv --from 1991-01-01 --to 2020-12-31 -o "$w/ref.nc" >/dev/null
for sh in GL:2050 GH:2050 WL:2050 WH:2050 GL:2085 GH:2085 WL:2085 WH:2085 -:2030; do
    "$zoet" forcing transform "$w/ref.nc" --knmi14 "${sh%%:*}" "${sh#*:}" --quiet \
        --deltas data/knmi14 -o "$w/${sh%%:*}_${sh#*:}.nc"
done
/usr/bin/python3 - "$w" <<'PY'
import datetime, sys
from osgeo import gdal
gdal.UseExceptions()
gdal.PushErrorHandler("CPLQuietErrorHandler")
w = sys.argv[1]
def et0(f):
    return [float(v) for v in gdal.Open(f'NETCDF:"{f}":ET0').ReadAsArray().ravel()]
ref = et0(f"{w}/ref.nc")
t0 = datetime.date(1991, 1, 1)
mon = [(t0 + datetime.timedelta(days=i)).month for i in range(len(ref))]
def msum(a, m):
    return sum(v for v, mm in zip(a, mon) if mm == m)
print("# Monthly change (%) of Makkink reference evaporation under KNMI'14,")
print("# from zoet's KNMI'14 transformation of Leeuwarden (KNMI 270, region NON),")
print("# 1991-2020: 100 (sum of transformed ET0 / sum of observed ET0 - 1) per")
print("# calendar month. Made by scenarios/tools/knmi14_makkink_table.sh; used by")
print("# zoet forcing transform when the forcing has no TG and Q (labelled).")
print("scenario,horizon," + ",".join(f"m{m:02d}" for m in range(1, 13)))
for sc, h in [("GL", "2050"), ("GH", "2050"), ("WL", "2050"), ("WH", "2050"),
              ("GL", "2085"), ("GH", "2085"), ("WL", "2085"), ("WH", "2085"), ("-", "2030")]:
    a = et0(f"{w}/{sc}_{h}.nc")
    r = [100 * (msum(a, m) / msum(ref, m) - 1) for m in range(1, 13)]
    print(f"{sc},{h}," + ",".join(f"{x:.2f}" for x in r))
PY
