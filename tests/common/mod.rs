//! Helpers shared by the command-line tests.
#![allow(dead_code, unreachable_pub)]

use std::path::Path;
use std::process::{Command, Output};

/// Runs the `soc2` binary with `args` (without a key passphrase in its environment).
pub fn soc2(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_soc2"))
        .args(args)
        .env_remove("SOC2_KEY_PASSPHRASE")
        .output()
        .unwrap()
}

/// Asserts exit status 0 and returns stdout.
pub fn ok(o: Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

/// Asserts exit status 1 and returns stderr.
pub fn refused(o: Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(1),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stderr).unwrap()
}

/// stdout and stderr, one after the other.
pub fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned() + &String::from_utf8_lossy(&o.stderr)
}

/// A path as the `&str` an argument list takes.
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}
