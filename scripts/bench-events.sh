#!/usr/bin/env bash
# Streamed import (an audit log, or an osquery result log) against the script an engineer
# would otherwise write, in one run, on the same file.
#
#   scripts/bench-events.sh [WORK_DIR]
#   LOG=osquery scripts/bench-events.sh [WORK_DIR]
#
# Makes (once) SIZE_MIB MiB (default 1024) of CloudTrail NDJSON with
# scripts/gen-cloudtrail.py (LOG=cloudtrail, the default; source aws-cloudtrail-events), or
# an osquery result log of 1,000 hosts with scripts/gen-osquery.py (LOG=osquery; source
# fleet-hosts), warms the page cache, then times RUNS rounds (default 3), interleaved,
# median reported:
#
#   jq           jq -c . FILE > /dev/null
#   python       a Python loop of json.loads over the file's lines (nothing else)
#   dry-run      soc2 import SOURCE FILE --dry-run (parse, and count and detect, or fold
#                into the hosts' state; hash the file)
#   import       the same into a fresh locker (the file also stored as an attachment,
#                fsync included)
#
# and prints a Markdown table: seconds, MB/s, ratio to the Python loop, peak RSS.
# Needs python3, jq and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."

log=${LOG:-cloudtrail}
case $log in
cloudtrail) source=aws-cloudtrail-events gen=scripts/gen-cloudtrail.py ext=ndjson ;;
osquery) source=fleet-hosts gen=scripts/gen-osquery.py ext=log ;;
*) echo "bench-events: LOG is cloudtrail or osquery" >&2; exit 2 ;;
esac
work=${1:-${TMPDIR:-/tmp}/soc2-bench-$log}
size_mib=${SIZE_MIB:-1024}
runs=${RUNS:-3}
target=${CARGO_TARGET_DIR:-target}

for tool in python3 jq /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench-events: $tool is missing" >&2; exit 2; }
done

cargo build --release --locked -p soc2 --bin soc2 >&2
soc2=$(pwd)/$target/release/soc2

mkdir -p "$work"
file=$work/$log-${size_mib}m.$ext
if [ ! -f "$file" ]; then
    python3 "$gen" "$file.tmp" "$size_mib" && mv "$file.tmp" "$file"
fi
bytes=$(stat -c %s "$file")
cat "$file" > /dev/null # warm the page cache

py_loop='
import json, sys
n = 0
with open(sys.argv[1], "rb") as f:
    for line in f:
        json.loads(line)
        n += 1
'

run() { # name command...
    local name=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/time.$name" "$@" > /dev/null 2> "$work/err.$name" ||
        { cat "$work/err.$name" >&2; exit 1; }
    cat "$work/time.$name" >> "$work/times.$name"
}

rm -f "$work"/times.*
load_start=$(cut -d' ' -f1-3 /proc/loadavg)
for _ in $(seq "$runs"); do
    run jq jq -c . "$file"
    run python python3 -c "$py_loop" "$file"
    run dry-run "$soc2" import "$source" "$file" --dry-run
    rm -rf "$work/locker" && "$soc2" init "$work/locker" > /dev/null
    run import "$soc2" import "$source" "$file" --locker "$work/locker"
done

echo "load average at the start: $load_start; at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
py=$(cut -d' ' -f1 "$work/times.python" | median)
echo "| $(basename "$file") ($bytes bytes) | seconds (median of $runs) | MB/s | vs Python loop | peak RSS |"
echo "|---|---|---|---|---|"
for name in jq python dry-run import; do
    s=$(cut -d' ' -f1 "$work/times.$name" | median)
    rss=$(cut -d' ' -f2 "$work/times.$name" | sort -n | tail -1)
    awk -v n="$name" -v s="$s" -v b="$bytes" -v p="$py" -v r="$rss" \
        'BEGIN { printf "| %s | %.2f | %.0f | %.2fx | %.0f MiB |\n", n, s, b / s / 1e6, p / s, r / 1024 }'
done
