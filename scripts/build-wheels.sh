#!/usr/bin/env bash
# Builds the Python package `soc2` (soc2-py) for distribution: its source distribution, and
# from that sdist (so that a broken sdist fails here) an abi3 wheel for CPython 3.9 and later
# tagged manylinux2014 (glibc 2.17), which installs without Rust.
#
#     scripts/build-wheels.sh [OUT_DIR]        # default: dist/
#
# Writes OUT_DIR/soc2-VERSION.tar.gz and OUT_DIR/soc2-VERSION-cp39-abi3-manylinux2014_x86_64
# .manylinux_2_17_x86_64.whl (on an x86_64 Linux host). Needs Rust and Python 3; installs the
# pinned maturin and ziglang (zig links against an old glibc, so no manylinux container is
# needed) into .tools/wheel-venv. Each wheel carries LICENSE-APACHE and LICENSE-MIT.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
out="${1:-dist}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

maturin_version=1.16.0
ziglang_version=0.15.2
venv="$root/.tools/wheel-venv"
if ! "$venv/bin/python" -c "import ziglang" >/dev/null 2>&1 ||
    [ "$("$venv/bin/maturin" --version 2>/dev/null)" != "maturin $maturin_version" ]; then
    echo "== installing maturin $maturin_version and ziglang $ziglang_version into $venv"
    # Debian's python3 may lack ensurepip; fall back to a pinned virtualenv (as test.sh does).
    python3 -m venv "$venv" 2>/dev/null || {
        python3 -m pip install --quiet --user virtualenv==21.15.11
        python3 -m virtualenv --quiet "$venv"
    }
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
        "maturin==$maturin_version" "ziglang==$ziglang_version"
fi
# maturin finds zig through the ziglang package of the Python first on PATH.
export PATH="$venv/bin:$PATH"

echo "== sdist"
rm -f "$out"/soc2-*.tar.gz "$out"/soc2-*.whl
maturin sdist --manifest-path soc2-py/Cargo.toml --out "$out"
sdist=$(ls "$out"/soc2-*.tar.gz)

echo "== wheel (built from $(basename "$sdist"))"
work="$root/target/wheel-build"
rm -rf "$work"
mkdir -p "$work"
tar -xzf "$sdist" -C "$work"
# The workspace's target directory keeps the compiled dependencies between runs. Not
# --locked: the sdist's workspace has fewer members than ours, so cargo drops the others'
# entries from its Cargo.lock; the versions of the rest stay as locked.
(cd "$work"/soc2-* && CARGO_TARGET_DIR="$root/target" maturin build --release \
    --zig --compatibility manylinux2014 --out "$out")
rm -rf "$work"
ls -l "$out"/soc2-*
