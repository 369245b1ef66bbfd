#!/usr/bin/env python3
# Needs Debian python3-gdal and python3-numpy. Usage: python3 scenarios/tools/demo_results.py out/demo
# Numbers behind docs/demo-results.md, from a demo run (out/demo).
import csv, collections, sys
from osgeo import gdal
import numpy as np
gdal.UseExceptions()
out = sys.argv[1] if len(sys.argv) > 1 else 'out/demo'
rows = list(csv.DictReader(open(f'{out}/districts.csv')))
bal = list(csv.DictReader(open(f'{out}/balance.csv')))
def rd(f, v): return gdal.Open(f'NETCDF:{f}:{v}').ReadAsArray()
dom = f'{out}/input/domain.nc'
dist = rd(dom, 'district'); soil = rd(dom, 'soil'); spr = rd(dom, 'sprinkling_source'); mask = rd(dom, 'mask'); prov = rd(dom, 'province')
act = mask == 1
cats = ('peat', 'nature', 'flushing', 'capital', 'agri')
S = collections.defaultdict(lambda: collections.defaultdict(float))
M = collections.defaultdict(lambda: collections.defaultdict(float))
for r in rows:
    m = int(r['date'][5:7]); d = r['district']
    M[m]['demand'] += float(r['demand']) * 86400
    for c in cats: M[m][c] += float(r['demand_' + c]) * 86400
    if 4 <= m <= 9:
        S[d]['demand'] += float(r['demand']) * 86400
        for c in cats: S[d][c] += float(r['demand_' + c]) * 86400
info = {}
for d in S:
    mm = act & (dist == int(d))
    cnt = np.bincount(soil[mm].astype(int), minlength=4)[1:]
    info[d] = dict(area=mm.sum() * 0.0625, soil=['peat', 'clay', 'sand'][cnt.argmax()], spr=(spr[mm] > 0).mean(),
                   prov={20: 'Groningen', 21: 'Fryslân', 22: 'Drenthe'}[int(np.bincount(prov[mm].astype(int)).argmax())])
print('### Summer (April-September) inlet demand by dominant soil of the district\n')
print('| districts | number | area km² | demand without flushing, mm (mean) | of which peat level | flushing, mm |')
print('| --- | --- | --- | --- | --- | --- |')
for sc in ('peat', 'clay', 'sand'):
    ds = [d for d in S if info[d]['soil'] == sc]
    a = sum(info[d]['area'] for d in ds)
    nf = np.mean([(S[d]['demand'] - S[d]['flushing']) / info[d]['area'] / 1e3 for d in ds])
    pe = np.mean([S[d]['peat'] / info[d]['area'] / 1e3 for d in ds])
    fl = np.mean([S[d]['flushing'] / info[d]['area'] / 1e3 for d in ds])
    print(f'| {sc} | {len(ds)} | {a:.0f} | {nf:.0f} | {pe:.0f} | {fl:.0f} |')
hi = [d for d in S if info[d]['spr'] > 0.35]; lo = [d for d in S if info[d]['spr'] < 0.15]
print(f'\nDistricts where more than 35 % of the cells can be sprinkled ({len(hi)}): '
      f'{np.mean([(S[d]["demand"]-S[d]["flushing"])/info[d]["area"]/1e3 for d in hi]):.0f} mm without flushing; '
      f'districts under 15 % ({len(lo)}): {np.mean([(S[d]["demand"]-S[d]["flushing"])/info[d]["area"]/1e3 for d in lo]):.0f} mm.\n')
print('### Inlet demand per month and cause (Mm³)\n')
print('| month | total | ' + ' | '.join(cats) + ' |')
print('| --- ' * (len(cats) + 2) + '|')
for m in range(1, 13):
    print(f'| {m} | {M[m]["demand"]/1e6:.1f} | ' + ' | '.join(f'{M[m][c]/1e6:.1f}' for c in cats) + ' |')
print('\n### Per province, summer (Mm³)\n')
print('| province | demand | peat | nature | flushing | capital | agri |')
print('| --- | --- | --- | --- | --- | --- | --- |')
for p in ('Fryslân', 'Groningen', 'Drenthe'):
    ds = [d for d in S if info[d]['prov'] == p]
    print(f'| {p} | {sum(S[d]["demand"] for d in ds)/1e6:.0f} | ' + ' | '.join(f'{sum(S[d][c] for d in ds)/1e6:.0f}' for c in cats) + ' |')
print('\n### The year\'s water balance (Mm³)\n')
print('| term | Mm³ |')
print('| --- | --- |')
for k in bal[0]:
    if k.endswith('_m3') and not k.endswith('error_m3') and k != 'gross_flux_m3':
        print(f'| {k[:-3]} | {sum(float(r[k]) for r in bal)/1e6:.1f} |')
print(f'| largest daily relative error | {max(float(r["relative_error"]) for r in bal):.1e} |')
print(f'| CG iterations a day, mean (max) | {np.mean([int(r["cg_iterations"]) for r in bal]):.1f} ({max(int(r["cg_iterations"]) for r in bal)}) |')
print(f'| Picard iterations a day, mean (max) | {np.mean([int(r["picard"]) for r in bal]):.2f} ({max(int(r["picard"]) for r in bal)}) |')
top = sorted(S, key=lambda d: -S[d]['peat'])[:1][0]
print(f'\n<!-- chart district: {top} -->')
