#!/usr/bin/env bash
# Builds Soc2FFI.xcframework beside Package.swift: soc2-ffi as a static library for macOS
# (arm64 + x86_64), iOS devices (arm64) and the iOS simulator (arm64 + x86_64), each with
# Headers/ (the generated C header and module map of the `Soc2FFI` module).
#
#     soc2-ffi/bindings/swift/build-xcframework.sh
#
# Runs on macOS with Xcode and rustup; it adds the Rust targets it needs. Not run by this
# project's CI (no Apple toolchain there): the committed Swift sources and headers are
# checked against the library by `cargo test -p soc2-ffi --test swift_bindings` instead.
set -euo pipefail
package="$(cd "$(dirname "$0")" && pwd)"
cd "$package/../../.."

targets=(aarch64-apple-darwin x86_64-apple-darwin aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios)
rustup target add "${targets[@]}"
for target in "${targets[@]}"; do
    # A static library just for this build, so that every other build of soc2-ffi does not
    # pay for one (Cargo.toml declares cdylib and lib).
    cargo rustc --locked --release -p soc2-ffi --lib --target "$target" --crate-type staticlib
done

work="target/xcframework"
rm -rf "$work" "$package/Soc2FFI.xcframework"
mkdir -p "$work/macos" "$work/ios-simulator"
lipo -create -output "$work/macos/libsoc2_ffi.a" \
    target/aarch64-apple-darwin/release/libsoc2_ffi.a target/x86_64-apple-darwin/release/libsoc2_ffi.a
lipo -create -output "$work/ios-simulator/libsoc2_ffi.a" \
    target/aarch64-apple-ios-sim/release/libsoc2_ffi.a target/x86_64-apple-ios/release/libsoc2_ffi.a
xcodebuild -create-xcframework \
    -library "$work/macos/libsoc2_ffi.a" -headers "$package/Headers" \
    -library target/aarch64-apple-ios/release/libsoc2_ffi.a -headers "$package/Headers" \
    -library "$work/ios-simulator/libsoc2_ffi.a" -headers "$package/Headers" \
    -output "$package/Soc2FFI.xcframework"
echo "wrote $package/Soc2FFI.xcframework"
