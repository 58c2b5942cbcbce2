#!/usr/bin/env bash
# Regenerates the committed fuzz seeds (fuzz/seeds/) from the project's own outputs and
# examples. The tests read the committed files; run this only when the formats change,
# then commit the result. Needs a built `soc2` (cargo build) and runs from anywhere.
set -euo pipefail
cd "$(dirname "$0")"
root=..
soc2="${SOC2:-$root/target/debug/soc2}"
seeds=seeds
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

rm -rf "$seeds"
mkdir -p "$seeds"/{zip_differential,json_canonical,checkpoint,allowed_signers,bundle_verify}

# A small locker: two records, one with an attachment, signed by a throwaway key whose
# public half becomes the bundle seeds' trust anchor (the private half is not kept).
"$soc2" init --origin fuzz.example/soc2/seed "$work/locker" >/dev/null
printf 'user,decision\nalice,keep\nbob,revoke\n' >"$work/review.csv"
"$soc2" add --locker "$work/locker" --attach "$work/review.csv" \
    "$root/docs/examples/evidence/alert_rule.json" >/dev/null
"$soc2" add --locker "$work/locker" "$root/docs/examples/evidence/background_check.json" >/dev/null
"$soc2" keygen --output "$work/key" >/dev/null
"$soc2" export --locker "$work/locker" --period 2026-01-01..2026-12-31 --key "$work/key" \
    --output "$seeds/bundle_verify/two-records.zip" >/dev/null
"$soc2" export --locker "$work/locker" --period 2020-01-01..2020-12-31 --key "$work/key" \
    --output "$seeds/bundle_verify/no-records.zip" >/dev/null
unzip -p "$seeds/bundle_verify/two-records.zip" allowed_signers >"$seeds/bundle_verify.allowed_signers"

# The zip reader: the bundles, and archives the zip crate and Info-ZIP would write.
cp "$seeds/bundle_verify/"*.zip "$seeds/zip_differential/"
(cd "$work" && printf 'a' >a && printf 'hello, world\n%.0s' {1..50} >b.txt &&
    zip -q -X -0 stored.zip a && zip -q -X -9 deflated.zip a b.txt)
cp "$work/stored.zip" "$work/deflated.zip" "$seeds/zip_differential/"

# JSON: every example document, valid and invalid.
for f in "$root"/docs/examples/*/*.json; do
    cp "$f" "$seeds/json_canonical/$(basename "$(dirname "$f")")-$(basename "$f")"
done

# Checkpoints and allowed_signers, from the locker and bundle above.
"$soc2" checkpoint --locker "$work/locker" >"$seeds/checkpoint/two-records" 2>/dev/null ||
    "$soc2" checkpoint "$work/locker" >"$seeds/checkpoint/two-records"
unzip -p "$seeds/bundle_verify/two-records.zip" checkpoint >"$seeds/checkpoint/from-bundle"
cp "$seeds/bundle_verify.allowed_signers" "$seeds/allowed_signers/one-key"
{
    echo '# comment line'
    echo
    sed 's/^\([^ ]*\) namespaces=/\1,auditor@example.com valid-after="20260101",namespaces=/' \
        "$seeds/bundle_verify.allowed_signers"
} >"$seeds/allowed_signers/options"
echo "seeds written to $(pwd)/$seeds"
