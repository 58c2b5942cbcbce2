//! Runs the Python test in `tests/bindings/` against freshly generated bindings.
//!
//! The test builds soc2-ffi (as `cargo test --release` does), generates the Python bindings
//! with uniffi's bindgen and runs the script with `python3` (standard library only).
//! `UNIFFI_TESTS_DISABLE_EXTENSIONS=py` skips it when running by hand.
//!
//! The Ruby and Kotlin tests in the same folder run against the packages users install
//! (the gem and the jar that `scripts/build-packages.sh` makes), not against loose generated
//! files: `scripts/test-packages.sh` builds both and runs them; `scripts/test.sh` runs it.

uniffi::build_foreign_language_testcases!("tests/bindings/test_soc2.py");
