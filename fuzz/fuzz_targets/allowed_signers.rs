#![no_main]
//! See `soc2_fuzz::allowed_signers`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| soc2_fuzz::allowed_signers(data));
