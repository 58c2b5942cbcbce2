#![no_main]
//! See `soc2_fuzz::checkpoint`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| soc2_fuzz::checkpoint(data));
