#![no_main]
//! See `soc2_fuzz::importers`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| soc2_fuzz::importers(data));
