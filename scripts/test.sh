#!/usr/bin/env bash
# Runs every test of the project, installing what it needs first. This is the README's
# test command and what CI runs. Needs only Rust, Python 3.11 and pip on a fresh Debian
# (run as root, or with sudo available, for the Debian packages the tests use).
set -euo pipefail
cd "$(dirname "$0")/.."

# The bundle tests run the auditor's stock-tool commands; with the tools installed they
# must not be skipped.
scripts/install-test-tools.sh
export SOC2_REQUIRE_STOCK_TOOLS=1

venv="$PWD/.venv"
if [ ! -x "$venv/bin/python" ]; then
    # Debian's python3 may lack ensurepip; fall back to a pinned virtualenv.
    python3 -m venv "$venv" 2>/dev/null || {
        python3 -m pip install --quiet --user virtualenv==21.15.11
        python3 -m virtualenv --quiet "$venv"
    }
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

# Tools for soc2-ffi's foreign-language tests (soc2-ffi/tests/bindings/): Ruby with the ffi
# gem, a JVM with JNA, and the Kotlin compiler; Python needs nothing beyond python3.
# Debian's archive serves one version of each package, so those are not pinned (the
# README lists the versions tested); the Kotlin compiler is pinned. Already installed
# tools are left alone, so this step is quick after the first run.
kotlin_version=2.4.20
tools=.tools
apt_packages=()
command -v ruby >/dev/null 2>&1 || apt_packages+=(ruby)
ruby -e 'require "ffi"' >/dev/null 2>&1 || apt_packages+=(ruby-ffi)
[ -f /usr/share/java/jna.jar ] || apt_packages+=(libjna-java)
command -v java >/dev/null 2>&1 || apt_packages+=(default-jre-headless)
command -v npm >/dev/null 2>&1 || apt_packages+=(npm)
if [ ${#apt_packages[@]} -gt 0 ]; then
    echo "== installing ${apt_packages[*]}"
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then
        sudo="sudo"
    fi
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends \
        "${apt_packages[@]}" >/dev/null
fi
kotlinc_dir="$tools/node_modules/kotlin-compiler"
if ! grep -qs "\"version\": \"$kotlin_version\"" "$kotlinc_dir/package.json"; then
    echo "== installing kotlin-compiler@$kotlin_version"
    npm install --prefix "$tools" --no-save --no-audit --no-fund --silent \
        "kotlin-compiler@$kotlin_version"
fi
export PATH="$PWD/$kotlinc_dir/bin:$PATH"
export CLASSPATH="/usr/share/java/jna.jar${CLASSPATH:+:$CLASSPATH}"

# The fuzz targets are a workspace of their own with their own lock file: check it is
# current before the long steps, so that a stale lock fails in seconds, not after the tests.
cargo metadata --locked --format-version 1 --manifest-path fuzz/Cargo.toml >/dev/null || {
    echo "fuzz/Cargo.lock is stale: run \`cargo metadata --manifest-path fuzz/Cargo.toml\` and commit it" >&2
    exit 1
}
echo "== cargo fmt"
cargo fmt --all --check
cargo fmt --manifest-path fuzz/Cargo.toml --all --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test (with soc2-ffi's Python binding tests)"
cargo test --workspace --locked
echo "== fuzz: replay the seeds and regressions through every target (stable)"
# Its own workspace (fuzz/Cargo.toml); sharing the target dir reuses the built crates.
cargo test --manifest-path fuzz/Cargo.toml --no-default-features --locked --target-dir target
echo "== fuzz: a short run of each target (nightly, cargo-fuzz)"
# A smoke run, seconds per target; the long run is in fuzz/README.md. Findings are
# written to fuzz/artifacts/ and fail the run.
cargo_fuzz_version=0.13.1
fuzz_seconds="${SOC2_FUZZ_SECONDS:-15}"
if cargo +nightly --version >/dev/null 2>&1; then
    if ! cargo fuzz --version 2>/dev/null | grep -qx "cargo-fuzz $cargo_fuzz_version"; then
        cargo install --quiet --locked cargo-fuzz --version "$cargo_fuzz_version"
    fi
    cargo +nightly fuzz build -s none -O
    for target in $(cargo +nightly fuzz list); do
        corpus="$(mktemp -d)"
        echo "-- $target: ${fuzz_seconds}s"
        if ! cargo +nightly fuzz run -s none -O "$target" "$corpus" "fuzz/seeds/$target" -- \
            -max_total_time="$fuzz_seconds" -rss_limit_mb=2048 -print_final_stats=1 \
            >"$corpus.log" 2>&1; then
            tail -n 60 "$corpus.log" >&2
            echo "fuzz target $target failed: see fuzz/artifacts/$target/ and fuzz/README.md" >&2
            exit 1
        fi
        grep -E '^stat::(number_of_executed_units|peak_rss_mb)' "$corpus.log" || true
        rm -f "$corpus.log"
        rm -rf "$corpus"
    done
else
    echo "!! WARNING: no nightly Rust toolchain: the fuzz targets were NOT fuzzed; only their" >&2
    echo "!! seeds and regressions were replayed (above). Install one: rustup toolchain install nightly" >&2
fi
echo "== python tests"
"$venv/bin/python" -m pytest -q tests/python
echo "== python package (soc2-py): build and install"
# Exactly what a user runs (`pip install ./soc2-py`), with the pinned maturin from
# requirements-dev.txt rather than whatever the build isolation would fetch (maturin's build
# hook runs `maturin` from PATH).
PATH="$venv/bin:$PATH" "$venv/bin/python" -m pip install --quiet --disable-pip-version-check --no-build-isolation \
    --force-reinstall --no-deps ./soc2-py
echo "== python package: stubs and types"
# Run outside the work tree so that the installed package, not a source folder, is checked.
(cd / && "$venv/bin/python" -m mypy.stubtest soc2)
"$venv/bin/python" -m mypy --strict soc2-py/examples soc2-py/tests soc2-py/benches
echo "== python package: tests"
"$venv/bin/python" -m pytest -q soc2-py/tests
echo "== packages: the Python wheel and sdist, the Ruby gem and the jar, each tested installed"
# After the tests above, so that the debug build of uniffi-bindgen is reused.
scripts/test-packages.sh
