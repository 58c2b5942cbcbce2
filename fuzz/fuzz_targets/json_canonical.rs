#![no_main]
//! See `soc2_fuzz::json_canonical`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| soc2_fuzz::json_canonical(data));
