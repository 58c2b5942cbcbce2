//! `uniffi-bindgen`: generates the foreign-language bindings of `soc2-ffi`.
//!
//! Build the library, then run, for example,
//! `cargo run -p uniffi-bindgen -- generate --library target/debug/libsoc2_ffi.so --language kotlin --out-dir out`.
//! The version of this binary always matches the `uniffi` that soc2-ffi is built with,
//! which the generated code requires.

fn main() {
    uniffi::uniffi_bindgen_main()
}
