#!/usr/bin/env bash
# Builds every package of soc2 and tests each one installed as its users install it:
#
# - Python: the sdist and, from it, the manylinux abi3 wheel (scripts/build-wheels.sh); the
#   wheel goes into a fresh venv of every CPython >= 3.9 found (python3, python3.N on PATH,
#   pyenv's versions) with no Rust toolchain on PATH, and soc2-py/examples run there;
# - Ruby: the gem (scripts/build-packages.sh), `gem install`ed into an empty GEM_HOME, and
#   soc2-ffi/tests/bindings/test_soc2.rb run against it;
# - JVM: the jar, and soc2-ffi/tests/bindings/test_soc2.kts run with only the jar and JNA
#   on the class path (the native library is the jar's).
#
#     scripts/test-packages.sh [--no-build] [--only python|ruby|jvm] [OUT_DIR]   # default: dist/
#
# --no-build tests the packages already in OUT_DIR. Run by scripts/test.sh, which installs
# the tools first (ruby, ruby-ffi, JNA, kotlinc).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
build=1
only=""
while [ $# -gt 0 ]; do
    case "$1" in
        --no-build) build=0; shift ;;
        --only) only="$2"; shift 2 ;;
        *) break ;;
    esac
done
out="${1:-dist}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"
wanted() { [ -z "$only" ] || [ "$only" = "$1" ]; }

if [ "$build" = 1 ]; then
    if wanted python; then scripts/build-wheels.sh "$out"; fi
    if wanted ruby || wanted jvm; then scripts/build-packages.sh "$out"; fi
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

test_python() {
echo "== python: the wheel and the sdist carry the licenses"
wheel=$(ls "$out"/soc2-*.whl)
sdist=$(ls "$out"/soc2-*.tar.gz)
python3 - "$wheel" "$sdist" <<'EOF'
import sys, tarfile, zipfile
wheel, sdist = sys.argv[1:]
name = wheel.rsplit("/", 1)[-1]
assert "-cp39-abi3-" in name and "manylinux" in name, f"not an abi3 manylinux wheel: {name}"
members = zipfile.ZipFile(wheel).namelist()
for license in ("LICENSE-APACHE", "LICENSE-MIT"):
    assert any(m.endswith(".dist-info/licenses/" + license) for m in members), (wheel, license, members)
    assert any(m.endswith("/" + license) and m.count("/") == 1 for m in tarfile.open(sdist).getnames()), (sdist, license)
print("ok:", name)
EOF

# Pythons to test: every CPython >= 3.9 found, once per minor version.
candidates=(python3)
for minor in $(seq 9 20); do candidates+=("python3.$minor"); done
pyenv_root="${PYENV_ROOT:-$HOME/.pyenv}"
for exe in "$pyenv_root"/versions/*/bin/python3; do [ -x "$exe" ] && candidates+=("$exe"); done
declare -A python_of=()
for candidate in "${candidates[@]}"; do
    exe=$(command -v "$candidate" 2>/dev/null) || continue
    # pyenv's shims exit non-zero for versions that are not selected: skipped here.
    version=$("$exe" -c 'import sys
if sys.implementation.name == "cpython" and sys.version_info >= (3, 9):
    print("%d.%d" % sys.version_info[:2])' 2>/dev/null) || continue
    [ -n "$version" ] && [ -z "${python_of[$version]:-}" ] && python_of[$version]="$exe"
done
[ ${#python_of[@]} -gt 0 ] || { echo "test-packages: no CPython >= 3.9 found" >&2; exit 1; }

# PATH without any directory that holds cargo or rustc: the wheel must not need them.
no_rust_path=""
IFS=: read -r -a path_dirs <<<"$PATH"
for dir in "${path_dirs[@]}"; do
    [ -n "$dir" ] && [ ! -e "$dir/cargo" ] && [ ! -e "$dir/rustc" ] && no_rust_path="${no_rust_path:+$no_rust_path:}$dir"
done

tested=()
for version in $(printf '%s\n' "${!python_of[@]}" | sort -V); do
    exe="${python_of[$version]}"
    echo "== python $version ($exe): install the wheel into a fresh venv, without Rust, and run the examples"
    venv="$work/venv-$version"
    "$exe" -m venv "$venv" 2>/dev/null || "$exe" -m virtualenv --quiet "$venv"
    run() { env -i HOME="$work" LANG=C.UTF-8 PATH="$venv/bin:$no_rust_path" "$@"; }
    run sh -c '! command -v cargo && ! command -v rustc' >/dev/null ||
        { echo "test-packages: Rust is still on PATH" >&2; exit 1; }
    run python -m pip install --quiet --disable-pip-version-check --no-index --no-deps "$wheel"
    site=$(run python -c 'import pathlib, soc2; print(pathlib.Path(soc2.__file__).parent.parent)')
    [ "$site" = "$(run python -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')" ] ||
        { echo "test-packages: soc2 imported from $site, not from the venv" >&2; exit 1; }
    examples="$work/examples-$version"
    mkdir -p "$examples"
    (cd "$examples" &&
        run python "$root/soc2-py/examples/quarterly_access_review.py" --locker evidence >/dev/null &&
        run python "$root/soc2-py/examples/export_for_auditor.py" --locker evidence \
            --key bundle-key --out evidence.zip >/dev/null)
    [ -s "$examples/evidence.zip" ] || { echo "test-packages: no bundle exported" >&2; exit 1; }
    tested+=("$version")
done
echo "python: the wheel installed and ran the examples on CPython ${tested[*]}"
}

test_ruby() {
echo "== ruby: gem install, then the Ruby tests against the installed gem"
gem_home="$work/gems"
# The ffi gem comes from the system (Debian's ruby-ffi), which GEM_PATH keeps visible.
system_gem_path=$(ruby -e 'print Gem.path.join(":")')
GEM_HOME="$gem_home" GEM_PATH="$gem_home:$system_gem_path" \
    gem install --local --no-document --quiet "$out"/soc2-*.gem
(cd "$work" && GEM_HOME="$gem_home" GEM_PATH="$gem_home:$system_gem_path" RUBYLIB="" \
    ruby "$root/soc2-ffi/tests/bindings/test_soc2.rb")

}

test_jvm() {
echo "== kotlin: the Kotlin tests against the jar"
jar=$(ls "$out"/soc2-*.jar | grep -v -- -sources.jar)
jna_jar=/usr/share/java/jna.jar
for candidate in ${CLASSPATH//:/ }; do
    case "$candidate" in *jna*.jar) [ -f "$candidate" ] && jna_jar="$candidate" && break ;; esac
done
(cd "$work" && env -u CLASSPATH kotlinc -nowarn -cp "$jar:$jna_jar" \
    -script "$root/soc2-ffi/tests/bindings/test_soc2.kts")
}

if wanted python; then test_python; fi
if wanted ruby; then test_ruby; fi
if wanted jvm; then test_jvm; fi
echo "packages: tested ${only:-all}"
