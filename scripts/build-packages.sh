#!/usr/bin/env bash
# Builds the packages of soc2's uniffi bindings (soc2-ffi) for this machine's platform:
#
#   OUT_DIR/soc2-VERSION-PLATFORM.gem    Ruby: `require 'soc2'`, module Soc2; the generated
#                                        bindings and the native library (needs the ffi gem)
#   OUT_DIR/soc2-VERSION.jar             JVM: the Kotlin bindings (package dev.soc2), compiled,
#                                        with their source, and the native library in JNA's
#                                        resource layout (linux-x86-64/libsoc2_ffi.so, ...)
#   OUT_DIR/soc2-VERSION-sources.jar     the Kotlin source alone, for IDEs
#   OUT_DIR/soc2-VERSION.pom             Maven coordinates dev.soc2:soc2:VERSION and the jar's
#                                        dependencies (JNA, the Kotlin standard library)
#
#     scripts/build-packages.sh [OUT_DIR]      # default: dist/
#
# Needs Rust, `gem` (Ruby), `kotlinc` and `zip`; JNA's jar is found through CLASSPATH or
# Debian's /usr/share/java/jna.jar. The native library is built once, in release mode, and
# both packages carry that same file; it needs the glibc of the machine it was built on, or
# newer. Swift is packaged separately (soc2-ffi/bindings/swift/build-xcframework.sh, macOS).
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
out="${1:-dist}"
mkdir -p "$out"
out="$(cd "$out" && pwd)"

version=$(cargo metadata --format-version 1 --no-deps --locked |
    python3 -c 'import json, sys; print(next(p["version"] for p in json.load(sys.stdin)["packages"] if p["name"] == "soc2-ffi"))')
# The versions the pom declares: JNA as tested (Debian's libjna-java), Kotlin's standard
# library as the compiler that built the classes.
jna_version=5.13.0
kotlin_version=$(kotlinc -version 2>&1 | sed -n 's/.*kotlinc-jvm \([0-9.]*\).*/\1/p')

case "$(uname -s)" in
    Linux) lib_file=libsoc2_ffi.so; jna_os=linux ;;
    Darwin) lib_file=libsoc2_ffi.dylib; jna_os=darwin ;;
    *) echo "build-packages: unsupported system $(uname -s)" >&2; exit 1 ;;
esac
case "$(uname -m)" in
    x86_64 | amd64) jna_arch=x86-64 ;;
    aarch64 | arm64) jna_arch=aarch64 ;;
    *) echo "build-packages: unsupported machine $(uname -m)" >&2; exit 1 ;;
esac
# JNA looks for a library on the class path under Platform.RESOURCE_PREFIX.
jna_prefix="$jna_os-$jna_arch"
jna_jar=""
for candidate in ${CLASSPATH//:/ } /usr/share/java/jna.jar; do
    case "$candidate" in *jna*.jar) [ -f "$candidate" ] && jna_jar="$candidate" && break ;; esac
done
[ -n "$jna_jar" ] || { echo "build-packages: no JNA jar on CLASSPATH or in /usr/share/java" >&2; exit 1; }

echo "== native library (release)"
cargo build --release --locked -p soc2-ffi
lib="$root/target/release/$lib_file"

work="$root/target/packages"
rm -rf "$work"
mkdir -p "$work"
echo "== bindings"
cargo run --quiet --locked -p uniffi-bindgen -- generate --no-format --library "$lib" \
    --language kotlin --language ruby --out-dir "$work/gen" >/dev/null

echo "== gem"
gem_dir="$work/gem"
mkdir -p "$gem_dir/lib/soc2"
cp soc2-ffi/packages/ruby/soc2.gemspec soc2-ffi/packages/ruby/README.md LICENSE-APACHE LICENSE-MIT "$gem_dir/"
cp soc2-ffi/packages/ruby/lib/soc2.rb "$gem_dir/lib/"
cp "$work/gen/soc2_ffi.rb" "$lib" "$gem_dir/lib/soc2/"
rm -f "$out"/soc2-*.gem
(cd "$gem_dir" && SOC2_VERSION="$version" gem build --quiet soc2.gemspec >/dev/null && mv soc2-*.gem "$out/")

echo "== jar"
kotlin_source="$work/gen/dev/soc2/soc2_ffi.kt"
classes="$work/jar"
mkdir -p "$classes/META-INF/maven/dev.soc2/soc2" "$classes/$jna_prefix"
kotlinc -nowarn -cp "$jna_jar" -d "$classes" "$kotlin_source"
cp "$lib" "$classes/$jna_prefix/"
cp "$kotlin_source" "$classes/dev/soc2/"
cp LICENSE-APACHE LICENSE-MIT "$classes/META-INF/"
cat >"$classes/META-INF/MANIFEST.MF" <<EOF
Manifest-Version: 1.0
Automatic-Module-Name: dev.soc2
Implementation-Title: soc2
Implementation-Version: $version
EOF
cat >"$out/soc2-$version.pom" <<EOF
<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0"
         xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
         xsi:schemaLocation="http://maven.apache.org/POM/4.0.0 https://maven.apache.org/xsd/maven-4.0.0.xsd">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.soc2</groupId>
  <artifactId>soc2</artifactId>
  <version>$version</version>
  <packaging>jar</packaging>
  <name>soc2</name>
  <description>Record SOC 2 evidence, evaluate controls and export signed bundles an auditor can verify (Kotlin bindings of soc2-core, with the native library for $jna_prefix).</description>
  <url>https://github.com/soc2-rs/soc2</url>
  <licenses>
    <license><name>Apache-2.0</name><url>https://www.apache.org/licenses/LICENSE-2.0</url></license>
    <license><name>MIT</name><url>https://opensource.org/license/mit</url></license>
  </licenses>
  <dependencies>
    <dependency>
      <groupId>net.java.dev.jna</groupId>
      <artifactId>jna</artifactId>
      <version>$jna_version</version>
    </dependency>
    <dependency>
      <groupId>org.jetbrains.kotlin</groupId>
      <artifactId>kotlin-stdlib</artifactId>
      <version>$kotlin_version</version>
    </dependency>
  </dependencies>
</project>
EOF
cp "$out/soc2-$version.pom" "$classes/META-INF/maven/dev.soc2/soc2/pom.xml"
rm -f "$out"/soc2-*.jar
# zip rather than `jar`, which a JRE does not have; the manifest first, as jar tools expect.
(cd "$classes" && zip -q -X "$out/soc2-$version.jar" META-INF/MANIFEST.MF &&
    zip -q -X -r "$out/soc2-$version.jar" . -x META-INF/MANIFEST.MF)
(cd "$work/gen" && zip -q -X "$out/soc2-$version-sources.jar" dev/soc2/soc2_ffi.kt)
ls -l "$out"/soc2-*.gem "$out"/soc2-*.jar "$out"/soc2-*.pom
