#!/usr/bin/env bash
# Adding a large attachment to a locker, against `openssl dgst -sha256` on the same file.
#
# Targets: `soc2 add --attach` of a 1 GiB file at >= 0.8x the throughput of
# `openssl dgst -sha256` on it, with a peak resident memory under 64 MiB.
#
# Usage: scripts/bench-attachment.sh [SIZE_MIB] [RUNS]   (default 1024 MiB, 3 runs)
# The file is read from the page cache by both (it is read once beforehand), so this
# compares hashing against hashing + copying + fsync, not disk reads.
set -euo pipefail

size_mib=${1:-1024}
runs=${2:-3}
repo=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$repo/target}

if [ ! -x /usr/bin/time ]; then
    echo "installing GNU time (Debian package 'time') for peak memory" >&2
    apt-get install -y time >/dev/null
fi
command -v openssl >/dev/null || { echo "openssl is required" >&2; exit 2; }

cargo build --release --quiet --manifest-path "$repo/Cargo.toml" --bin soc2
soc2=$CARGO_TARGET_DIR/release/soc2

work=$(mktemp -d "${TMPDIR:-/tmp}/soc2-bench-attachment.XXXXXX")
trap 'rm -rf "$work"' EXIT
file=$work/attachment.bin
head -c "$((size_mib << 20))" /dev/urandom >"$file"
cat "$file" >/dev/null
cat >"$work/evidence.json" <<'JSON'
{"collected_at":"2026-04-02T09:00:00Z","collector":{"person":{"id":"bench@example.com"}},
 "observed_at":"2026-03-28T14:05:00Z","payload":{"note":{"title":"large export"}},"source":"bench"}
JSON

median() { sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

openssl_times=()
dd_times=()
soc2_times=()
soc2_rss=()
for i in $(seq "$runs"); do
    # Each timed command starts with no dirty pages left by the previous one.
    sync
    # openssl: elapsed seconds.
    /usr/bin/time -f '%e %M' -o "$work/t" openssl dgst -sha256 "$file" >/dev/null
    openssl_times+=("$(cut -d' ' -f1 "$work/t")")

    # The disk's floor for storing the file durably: a plain copy and one fsync.
    sync
    /usr/bin/time -f '%e %M' -o "$work/t" dd if="$file" of="$work/copy" bs=1M conv=fsync status=none
    dd_times+=("$(cut -d' ' -f1 "$work/t")")
    rm -f "$work/copy"

    # soc2: a fresh locker each run, so the blob is really stored (not deduplicated).
    rm -rf "$work/locker"
    "$soc2" init "$work/locker" --origin bench.example/soc2 >/dev/null
    sync
    /usr/bin/time -f '%e %M' -o "$work/t" \
        "$soc2" add --locker "$work/locker" "$work/evidence.json" --attach "$file" >/dev/null
    soc2_times+=("$(cut -d' ' -f1 "$work/t")")
    soc2_rss+=("$(cut -d' ' -f2 "$work/t")")
    echo "run $i: openssl ${openssl_times[-1]} s, dd ${dd_times[-1]} s, soc2 add ${soc2_times[-1]} s, soc2 peak RSS ${soc2_rss[-1]} KiB" >&2
done

o=$(printf '%s\n' "${openssl_times[@]}" | median)
s=$(printf '%s\n' "${soc2_times[@]}" | median)
d=$(printf '%s\n' "${dd_times[@]}" | median)
rss=$(printf '%s\n' "${soc2_rss[@]}" | sort -g | tail -1)
awk -v o="$o" -v d="$d" -v s="$s" -v rss="$rss" -v mib="$size_mib" -v runs="$runs" 'BEGIN {
    printf "file: %d MiB, %d runs (medians)\n", mib, runs
    printf "openssl dgst -sha256:   %.2f s  %.0f MiB/s\n", o, mib / o
    printf "dd conv=fsync (copy):   %.2f s  %.0f MiB/s  (the disk floor for a durable copy)\n", d, mib / d
    printf "soc2 add --attach:      %.2f s  %.0f MiB/s  (%.2fx openssl, target >= 0.80x; %.2fx dd)\n", s, mib / s, o / s, d / s
    printf "soc2 peak RSS (max):    %.1f MiB (target < 64 MiB)\n", rss / 1024
}'
