#!/bin/sh
# Run every Check suite of the test binary, two at a time (the machines we
# run on have two cores; most suites wait on files and child processes),
# and print one summary line in Check's own format.
#
#   tests/run-suites.sh BUILD/zoet-tests [JOBS]
#
# Each suite runs in its own process (ZT_SUITE=NAME) with its log in
# out/tests/logs/NAME.log; a failing suite's log is printed whole. The exit
# status is 0 only when every suite passed. The longest suites start first.
set -u
bin=$1
jobs=${2:-2}
logs=out/tests/logs
rm -rf "$logs" && mkdir -p "$logs" || exit 1
suites=$(sed -n 's/^ZT_SUITE(suite_\(.*\))$/\1/p' "$(dirname "$bin")/tests/suites.h")
# longest first (measured): the rest in file order
order=""
for s in demo cli lifecycle restart config grid_demo io_out; do
    case " $(echo $suites) " in *" $s "*) order="$order $s" ;; esac
done
for s in $suites; do
    case " $order " in *" $s "*) ;; *) order="$order $s" ;; esac
done
echo $order | tr ' ' '\n' |
    xargs -P "$jobs" -I{} sh -c 'ZT_SUITE={} "$0" > "$1/{}.log" 2>&1; echo $? > "$1/{}.rc"' "$bin" "$logs"
checks=0 fails=0 errs=0 bad=""
for s in $order; do
    line=$(grep -E '^[0-9]+%: Checks: ' "$logs/$s.log" | tail -n 1)
    rc=$(cat "$logs/$s.rc" 2>/dev/null || echo 1)
    if [ -z "$line" ] || [ "$rc" != 0 ]; then
        bad="$bad $s"
        echo "---- suite $s (exit $rc) ----"
        cat "$logs/$s.log"
    else
        echo "suite $s: ${line#*: }"
    fi
    set -- $(echo "$line" | sed -n 's/.*Checks: \([0-9]*\), Failures: \([0-9]*\), Errors: \([0-9]*\).*/\1 \2 \3/p')
    checks=$((checks + ${1:-0})) fails=$((fails + ${2:-0})) errs=$((errs + ${3:-0}))
done
pass=$((checks - fails - errs))
pct=0
[ "$checks" -gt 0 ] && pct=$((100 * pass / checks))
echo "$pct%: Checks: $checks, Failures: $fails, Errors: $errs"
[ -z "$bad" ] || { echo "failed suites:$bad" >&2; exit 1; }
