#![no_main]
//! See `soc2_fuzz::bundle_verify`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| soc2_fuzz::bundle_verify(data));
