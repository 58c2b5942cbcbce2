//! Makes the evidence locker the bundle benchmarks export (see `BENCHMARKS.md`):
//!
//! ```sh
//! cargo run --release -p soc2-core --example bundle_bench_locker -- DIR [TOTAL_MIB [COUNT [MIX]]]
//! ```
//!
//! Defaults: 1024 MiB in 1000 attachments, the `current` mix (about 11% CSV text, the
//! rest incompressible media); `random` is random bytes labelled
//! `application/octet-stream`, `text` is CSV and JSON lines. Reproducible: the same arguments give the same
//! attachments (the records' `recorded_at` is the time of the run).

#[path = "../benches/support/dataset.rs"]
mod dataset;

use std::process::ExitCode;

const USAGE: &str = "usage: bundle_bench_locker DIR [TOTAL_MIB [COUNT [current|random|text]]]";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(dir) = args.first() else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    let number = |i: usize, default: u64| -> Option<u64> {
        args.get(i).map_or(Some(default), |s| s.parse().ok())
    };
    let mix = dataset::Mix::parse(args.get(3).map_or("current", String::as_str));
    let (Some(mib), Some(count), Some(mix)) = (number(1, 1024), number(2, 1000), mix) else {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    };
    match dataset::build(dir.as_ref(), mib << 20, count as usize, mix) {
        Ok((locker, stats)) => {
            println!(
                "{}: {} records, {} attachments, {} bytes ({:.1}% compressible text), largest {} bytes",
                dir,
                locker.len(),
                stats.files,
                stats.bytes,
                stats.text_bytes as f64 * 100.0 / stats.bytes as f64,
                stats.largest
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("bundle_bench_locker: {e}");
            ExitCode::FAILURE
        }
    }
}
