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

venv=.venv
if [ ! -x "$venv/bin/python" ]; then
    # Debian's python3 may lack ensurepip; fall back to a pinned virtualenv.
    python3 -m venv "$venv" 2>/dev/null || {
        python3 -m pip install --quiet --user virtualenv==21.15.11
        python3 -m virtualenv --quiet "$venv"
    }
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt

echo "== cargo fmt"
cargo fmt --all --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
cargo test --workspace --locked
echo "== python tests"
"$venv/bin/python" -m pytest -q tests/python
