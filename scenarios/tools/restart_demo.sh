#!/bin/sh
# A batch job that hits its time limit, on the demo domain (issue 11):
# a 3-year run (2017-2019, [run] checkpoint = "year") stopped with SIGTERM
# in its second year, then continued from its checkpoint, and compared byte
# for byte with the run that was not stopped. Run from the repository after
# `make demo` (it needs zoet and out/demo/input); writes out/restart-demo/.
# Takes a few minutes (three 3-year runs of the demo, one stopped).
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
Z=$top/zoet
D=$top/out/restart-demo
export SOURCE_DATE_EPOCH=1700000000
rm -rf "$D" && mkdir -p "$D" && cd "$D" || exit 1
"$Z" forcing knmi "$top"/data/knmi/etmgeg_*.csv --stations "$top/data/knmi/stations.csv" \
    --from 2017-01-01 --to 2019-12-31 --fill-nearest -o forcing3.nc > /dev/null 2>&1 || exit 1
cat > y3.ini <<EOT
extends = "$top/scenarios/demo.ini"
[run]
name = "y3"
start = 2017-01-01
end = 2019-12-31
checkpoint = "year"
[input]
forcing = "forcing3.nc"
EOT
sed 's/end = 2019-12-31/end = 2017-01-03/; s/checkpoint = "year"//' y3.ini > prev.ini
"$Z" run y3.ini --out full --quiet || exit 1
"$Z" run prev.ini --out killed --quiet || exit 1           # a previous set in "killed"
( cd killed && sha256sum $(ls) ) > prev.sha
"$Z" run y3.ini --out killed --quiet 2> killed.err &
pid=$!
while [ ! -e killed/checkpoints/2018-01-01/state.nc ]; do sleep 0.05; done
sleep 3                                                    # into 2018
kill -TERM $pid
wait $pid
echo "exit status after SIGTERM: $? (143 expected); stderr: $(cat killed.err)"
echo "staging folders or .part files left: $(ls -a killed | grep -c -E '^\.staging|\.part$')"
( cd killed && sha256sum -c ../prev.sha --quiet ) && echo "previous outputs untouched"
"$Z" run y3.ini --out killed --quiet --restart killed/checkpoints/2018-01-01/state.nc || exit 1
n=0 d=0
for f in full/*; do
    b=$(basename "$f")
    [ -f "$f" ] && [ "$b" != run.json ] || continue
    n=$((n + 1))
    cmp -s "$f" "killed/$b" || { d=$((d + 1)); echo "differs: $b"; }
done
echo "$n output files compared with the uninterrupted run, $d differ"
[ "$d" -eq 0 ]
