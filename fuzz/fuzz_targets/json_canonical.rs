#![no_main]
// `fuzz_target!` expands to std::fs calls of libfuzzer-sys's own (not the project's code).
#![allow(clippy::disallowed_methods, clippy::disallowed_types)]
//! See `soc2_fuzz::json_canonical`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| soc2_fuzz::json_canonical(data));
