#![no_main]
//! See `soc2_fuzz::zip_differential`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| soc2_fuzz::zip_differential(data));
