//! Runs the foreign-language tests in `tests/bindings/` against freshly generated bindings.
//!
//! Each test builds soc2-ffi (as `cargo test --release` does), generates the bindings of
//! its language with uniffi's bindgen and runs the script with the real interpreter or
//! compiler: `python3`, `ruby` (with the `ffi` gem) and `kotlinc` (with JNA on the
//! `CLASSPATH`). `scripts/test.sh` installs them; `UNIFFI_TESTS_DISABLE_EXTENSIONS=kts`
//! (for example) skips a language when running by hand.

uniffi::build_foreign_language_testcases!(
    "tests/bindings/test_soc2.py",
    "tests/bindings/test_soc2.rb",
    "tests/bindings/test_soc2.kts",
);
