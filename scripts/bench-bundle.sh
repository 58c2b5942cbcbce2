#!/usr/bin/env bash
# Bundle export and verify against stock-tool baselines, in one run, on the same files.
#
#   scripts/bench-bundle.sh [WORK_DIR]
#
# Makes (once) a locker of TOTAL_MIB MiB in COUNT attachments of mixed sizes, in one of
# three mixes (MIX):
#
#   current  (default) about 11% compressible CSV, the rest incompressible media labelled
#            PDF, PNG, JPEG and zip; 1024 MiB by default
#   random   random bytes labelled application/octet-stream; 512 MiB by default
#   text     CSV and JSON lines (text/csv, application/json); 512 MiB by default
#
# (COUNT 1000 by default), then times,
# RUNS rounds of one run each, interleaved (median reported), with the attachments in
# the page cache and previous outputs removed before each run, outside the timing:
#
#   openssl      openssl dgst -sha256 over the attachment files
#   pipeline     sha256sum over them > SHA256SUMS, zip -0 of them and SHA256SUMS (zip -1
#                for the text mix), ssh-keygen -Y sign of SHA256SUMS (what one would
#                script by hand)
#   export       soc2 export of the period (all attachments), fsync included
#   verify       soc2 verify of that bundle
#
# and prints a Markdown table: seconds, MB/s over the attachment bytes, ratio to openssl,
# peak RSS, and for export and verify issue 18's target for the mix and whether this run
# met it. Needs openssl, sha256sum, zip, ssh-keygen and GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."

work=${1:-${TMPDIR:-/tmp}/soc2-bench-bundle}
mix=${MIX:-current}
case $mix in
    current) default_mib=1024 zip_level=-0 ;;
    random) default_mib=512 zip_level=-0 ;;
    text) default_mib=512 zip_level=-1 ;;
    *) echo "bench-bundle: MIX must be current, random or text, not $mix" >&2; exit 2 ;;
esac
total_mib=${TOTAL_MIB:-$default_mib}
count=${COUNT:-1000}
runs=${RUNS:-3}
target=${CARGO_TARGET_DIR:-target}

for tool in openssl sha256sum zip ssh-keygen /usr/bin/time; do
    command -v "$tool" >/dev/null || { echo "bench-bundle: $tool is missing" >&2; exit 2; }
done

cargo build --release --locked -p soc2 --bin soc2 -p soc2-core --example bundle_bench_locker >&2
soc2=$target/release/soc2

mkdir -p "$work"
# The current mix keeps its old directory name, so existing lockers are reused.
locker=$work/locker-${total_mib}m-${count}
[ "$mix" = current ] || locker=$locker-$mix
if [ ! -f "$locker/locker.json" ]; then
    "$target/release/examples/bundle_bench_locker" "$locker" "$total_mib" "$count" "$mix" >&2
fi
if [ ! -f "$work/key" ]; then
    "$soc2" keygen -o "$work/key" --comment bench@example.com >/dev/null
fi
sed 's/^/bench@example.com /; s/ bench@example.com$//' "$work/key.pub" > "$work/trusted"
find "$locker/blobs" -type f | LC_ALL=C sort > "$work/files"
bytes=$(xargs -a "$work/files" -d '\n' cat | wc -c)
xargs -a "$work/files" -d '\n' cat > /dev/null # warm the page cache

pipeline() {
    local dir=$work/pipeline
    xargs -a "$work/files" -d '\n' sha256sum > "$dir/SHA256SUMS"
    zip -q "$zip_level" "$dir/bundle.zip" -@ < "$work/files"
    (cd "$dir" && zip -q "$zip_level" bundle.zip SHA256SUMS &&
        ssh-keygen -q -Y sign -f "$work/key" -n soc2-evidence-bundle-v1 SHA256SUMS)
}

# Outputs are removed before each timed run, outside the timing: freeing the pages of
# a previous 1 GiB output (in rename or unlink) is the file system's work, not the
# tool's, and would otherwise land on whichever tool runs next.
clean_outputs() {
    rm -rf "$work/pipeline" "$work/bundle.zip" && mkdir -p "$work/pipeline"
}

# run_once NAME COMMAND...: times one run; appends "seconds peak_kib" to $work/NAME.runs.
run_once() {
    local name=$1; shift
    sync
    /usr/bin/time -o "$work/time.out" -f '%e %M' "$@" >/dev/null 2>"$work/stderr" || {
        echo "bench-bundle: $name failed:" >&2; cat "$work/stderr" >&2; exit 1
    }
    tail -1 "$work/time.out" >> "$work/$name.runs"
}

# summary NAME: "NAME median_seconds highest_peak_kib".
summary() {
    local t p
    t=$(cut -d' ' -f1 "$work/$1.runs" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
    p=$(cut -d' ' -f2 "$work/$1.runs" | sort -n | tail -1)
    echo "$1 $t $p"
}

export -f pipeline
export work zip_level
names=(openssl pipeline export verify)
for name in "${names[@]}"; do : > "$work/$name.runs"; done
# Interleaved, one run of each per round, so that a noisy moment on this shared
# machine hits every tool alike instead of one tool's runs.
for _ in $(seq "$runs"); do
    run_once openssl xargs -a "$work/files" -d '\n' openssl dgst -sha256
    clean_outputs
    run_once pipeline bash -c pipeline
    clean_outputs
    run_once export "$soc2" export --locker "$locker" --period 2026-01-01..2026-12-31 \
        --key "$work/key" -o "$work/bundle.zip"
    run_once verify "$soc2" verify "$work/bundle.zip" --allowed-signers "$work/trusted"
done
for name in "${names[@]}"; do summary "$name"; done > "$work/results"

"$soc2" verify "$work/bundle.zip" --allowed-signers "$work/trusted" >/dev/null

openssl_s=$(awk '$1 == "openssl" { print $2 }' "$work/results")
pipeline_s=$(awk '$1 == "pipeline" { print $2 }' "$work/results")
echo "machine: $(nproc) cores, $(uname -srm); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "data: $bytes bytes in $count attachments, mix $mix; $runs runs each, median time, highest peak RSS"
echo
# Issue 18's targets for export and verify, per mix: a ratio to openssl (o) or to the
# pipeline (p), and peak RSS under 64 MiB.
target_of() {
    case $mix/$1 in
        text/export) echo "p 5" ;;
        text/verify) echo "o 0.8" ;;
        */export) echo "o 1.0" ;;
        */verify) echo "o 1.8" ;;
        *) echo "- 0" ;;
    esac
}
echo "| what | seconds | MB/s | vs openssl | vs pipeline | peak RSS (MiB) | target | met |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | --- | --- |"
while read -r name t peak; do
    read -r kind want <<< "$(target_of "$name")"
    awk -v n="$name" -v t="$t" -v p="$peak" -v b="$bytes" -v o="$openssl_s" -v s="$pipeline_s" \
        -v kind="$kind" -v want="$want" 'BEGIN {
            printf "| %s | %.2f | %.0f | %.2f× | %.1f× | %.1f |", n, t, b / t / 1e6, o / t, s / t, p / 1024
            if (kind == "-") { print " — | — |"; exit }
            ratio = (kind == "o") ? o / t : s / t
            # The ratio as printed (two decimals) is what is compared.
            ok = (sprintf("%.2f", ratio) + 0 >= want && p / 1024 < 64)
            printf " ≥ %.1f× %s, < 64 MiB | %s |\n", want, (kind == "o") ? "openssl" : "the pipeline", ok ? "yes" : "**no**"
        }'
done < "$work/results"
