#!/usr/bin/env bash
# A locker of a million small records through the command line: append, open and verify,
# list, evaluate.
#
#   scripts/bench-million.sh [WORK_DIR]
#
# Makes (once) a JSON Lines file of N evidence notes (default 1,000,000, about 330 bytes
# each as records), appends it to a fresh locker, then times RUNS rounds (default 3),
# median reported, peak RSS by GNU time:
#
#   add --jsonl      soc2 add --jsonl FILE into a fresh locker (one batch, one fsync)
#   open+verify      soc2 checkpoint (opens the locker: every line parsed, compared with its
#                    canonical form, hashed, chained, the Merkle tree built)
#   log --format json  soc2 log --format json > /dev/null (streamed from the ledger)
#   evaluate         soc2 evaluate --locker (every record read and evaluated)
#
# Targets (issue 18): open+verify < 4 s in < 256 MiB; evaluation < 3 s (the criterion
# bench `cargo bench -p soc2-core --bench evaluate -- 1m` times evaluation alone).
# Needs python3 and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."

work=${1:-${TMPDIR:-/tmp}/soc2-bench-million}
n=${N:-1000000}
runs=${RUNS:-3}
target=${CARGO_TARGET_DIR:-target}

for tool in python3 /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench-million: $tool is missing" >&2; exit 2; }
done

cargo build --release --locked -p soc2 --bin soc2 >&2
soc2=$(pwd)/$target/release/soc2

mkdir -p "$work"
file=$work/notes-$n.jsonl
if [ ! -f "$file" ]; then
    python3 - "$file.tmp" "$n" <<'PY'
import sys
path, n = sys.argv[1], int(sys.argv[2])
with open(path, "w") as f:
    for i in range(n):
        day = 1 + i % 28
        f.write(
            '{"collected_at":"2026-03-%02dT14:05:00Z","collector":{"tool":{"name":"soc2-bench",'
            '"version":"0.1.0"}},"controls":["AC-01"],"observed_at":"2026-03-%02dT14:05:00Z",'
            '"payload":{"note":{"body":"a small piece of evidence for the benchmark",'
            '"title":"note %d"}},"source":"bench"}\n' % (day, day, i)
        )
PY
    mv "$file.tmp" "$file"
fi
cat "$file" > /dev/null # warm the page cache

run() { # name command...  (exit 1 is accepted: evaluate's "exceptions found")
    local name=$1 rc=0
    shift
    /usr/bin/time -f "%e %M" -o "$work/time.$name" "$@" > /dev/null 2> "$work/err.$name" || rc=$?
    if [ "$rc" -gt 1 ]; then
        cat "$work/err.$name" >&2
        exit 1
    fi
    tail -n 1 "$work/time.$name" >> "$work/times.$name"
}

rm -f "$work"/times.*
for _ in $(seq "$runs"); do
    rm -rf "$work/locker" && "$soc2" init "$work/locker" > /dev/null
    run add "$soc2" add --locker "$work/locker" --jsonl "$file"
    run open "$soc2" checkpoint --locker "$work/locker"
    run log "$soc2" log --locker "$work/locker" --format json
    run evaluate "$soc2" evaluate --locker "$work/locker" --period 2026-01-01..2026-12-31 \
        --format json
done

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
echo "| $n records | seconds (median of $runs) | records/s | peak RSS |"
echo "|---|---|---|---|"
for name in add open log evaluate; do
    s=$(cut -d' ' -f1 "$work/times.$name" | median)
    rss=$(cut -d' ' -f2 "$work/times.$name" | sort -n | tail -1)
    awk -v name="$name" -v s="$s" -v n="$n" -v r="$rss" \
        'BEGIN { printf "| %s | %.2f | %.0f | %.0f MiB |\n", name, s, n / s, r / 1024 }'
done
