//! The Rust side of `bench_batch.py`: builds small evidence records and adds them to a
//! fresh locker with one `append_batch`, and prints the times as one JSON object per
//! round. The Python script runs this and its own Python rounds alternately, so that both
//! are measured under the same load; see BENCHMARKS.md.
//!
//! `cargo bench -p soc2-py --bench batch -- [--records N] [--rounds R] [--distinct-times]`
//!
//! With `--distinct-times` each record is observed one second after the one before;
//! without, all share one time, as in soc2-core's `ledger` benchmark.

use std::time::Instant;

use soc2_core::ledger::Locker;
use soc2_core::model::{Collector, ControlId, Evidence, Note, Payload, Timestamp};

/// The record both sides build: the same as soc2-core's `ledger` benchmark (about 300
/// bytes on disk).
fn small_evidence(i: usize, t: Timestamp, control: &ControlId, distinct: bool) -> Evidence {
    let t = if distinct {
        let dt = chrono::DateTime::from_timestamp(t.unix_seconds() + i as i64, 0)
            .expect("a time in range");
        Timestamp::from_datetime(dt)
    } else {
        t
    };
    Evidence {
        controls: vec![control.clone()],
        observed_at: t,
        collected_at: t,
        collector: Collector::Tool { name: "soc2-bench".into(), version: "0.1.0".into() },
        source: "bench".into(),
        attachments: vec![],
        payload: Payload::Note(Note {
            title: format!("note {i}"),
            body: "a small piece of evidence for the benchmark".into(),
        }),
        provenance: None,
    }
}

fn arg(args: &[String], name: &str, default: usize) -> usize {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .map(|v| v.parse().unwrap_or_else(|_| panic!("{name} {v}: not a number")))
        .unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let records = arg(&args, "--records", 100_000);
    let rounds = arg(&args, "--rounds", 1);
    let distinct = args.iter().any(|a| a == "--distinct-times");
    let t: Timestamp = "2026-03-28T14:05:00Z".parse().expect("a valid timestamp");
    let control: ControlId = "AC-1".parse().expect("a valid control id");
    for _ in 0..rounds {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let mut locker = Locker::init(dir.path(), "bench.example/soc2").expect("a new locker");

        let start = Instant::now();
        let evidence: Vec<Evidence> =
            (0..records).map(|i| small_evidence(i, t, &control, distinct)).collect();
        let build = start.elapsed();

        let start = Instant::now();
        let appended = locker.append_batch(evidence).expect("the batch is appended");
        let add = start.elapsed();
        assert_eq!(appended.len(), records);
        println!(
            "{{\"records\": {records}, \"build_s\": {:.6}, \"add_s\": {:.6}}}",
            build.as_secs_f64(),
            add.as_secs_f64()
        );
    }
}
