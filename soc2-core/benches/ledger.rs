//! Locker benchmarks: batch append, open with full verification (100,000 and a million
//! records), attachment streaming.
//!
//! Short on purpose (the machines are small and shared): run with
//! `cargo bench -p soc2-core --bench ledger`. The 1 GiB attachment comparison against
//! `openssl dgst -sha256` is `scripts/bench-attachment.sh`.

use std::hint::black_box;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use soc2_core::ledger::Locker;
use soc2_core::model::{Collector, ControlId, Evidence, Note, Payload, Timestamp};

const RECORDS: usize = 100_000;

/// A small record, about 300 bytes on disk, like a one-line note from a collector.
fn small_evidence(i: usize) -> Evidence {
    let t: Timestamp = "2026-03-28T14:05:00Z".parse().unwrap();
    Evidence {
        controls: vec!["AC-1".parse::<ControlId>().unwrap()],
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

fn batch(n: usize) -> Vec<Evidence> {
    (0..n).map(small_evidence).collect()
}

fn batch_append(c: &mut Criterion) {
    let mut g = c.benchmark_group("ledger");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Elements(RECORDS as u64));
    g.bench_function("append_batch_100k", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let locker = Locker::init(dir.path(), "bench.example/soc2").unwrap();
                (dir, locker, batch(RECORDS))
            },
            |(dir, mut locker, evidence)| {
                black_box(locker.append_batch(evidence).unwrap());
                (dir, locker)
            },
            BatchSize::PerIteration,
        );
    });

    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path(), "bench.example/soc2").unwrap();
    locker.append_batch(batch(RECORDS)).unwrap();
    drop(locker);
    g.bench_function("open_verify_100k", |b| {
        b.iter(|| black_box(Locker::open(dir.path()).unwrap().root()));
    });
    g.finish();
}

/// A million small records: appended from JSON Lines in one batch, then the locker
/// opened and fully verified. Ten samples of one iteration each, so a run takes about a
/// minute; `cargo bench -p soc2-core --bench ledger -- million`.
fn million(c: &mut Criterion) {
    const MILLION: usize = 1_000_000;
    let mut jsonl = Vec::with_capacity(MILLION * 320);
    for i in 0..MILLION {
        serde_json::to_writer(&mut jsonl, &small_evidence(i)).unwrap();
        jsonl.push(b'\n');
    }
    let mut g = c.benchmark_group("million");
    g.sample_size(10)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(Duration::from_secs(20))
        .throughput(Throughput::Elements(MILLION as u64));
    g.bench_function("append_jsonl_1m", |b| {
        b.iter_batched(
            || {
                let dir = tempfile::tempdir().unwrap();
                let locker = Locker::init(dir.path(), "bench.example/soc2").unwrap();
                (dir, locker)
            },
            |(dir, mut locker)| {
                black_box(locker.append_jsonl(&mut jsonl.as_slice(), "bench.jsonl").unwrap());
                (dir, locker)
            },
            BatchSize::PerIteration,
        );
    });
    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path(), "bench.example/soc2").unwrap();
    locker.append_jsonl(&mut jsonl.as_slice(), "bench.jsonl").unwrap();
    drop((locker, jsonl));
    g.bench_function("open_verify_1m", |b| {
        b.iter(|| black_box(Locker::open(dir.path()).unwrap().root()));
    });
    g.finish();
}

fn attachment(c: &mut Criterion) {
    const SIZE: usize = 64 << 20;
    let dir = tempfile::tempdir().unwrap();
    let locker = Locker::init(dir.path().join("locker"), "bench.example/soc2").unwrap();
    let mut g = c.benchmark_group("attachment");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .throughput(Throughput::Bytes(SIZE as u64));
    let mut n = 0u64;
    g.bench_function("add_64MiB", |b| {
        b.iter_batched(
            || {
                // New content each time, or the store would deduplicate it.
                n += 1;
                let mut data = vec![0u8; SIZE];
                data[..8].copy_from_slice(&n.to_le_bytes());
                data
            },
            |data| {
                let a = locker
                    .add_attachment(&mut data.as_slice(), "application/octet-stream", "x.bin")
                    .unwrap();
                fs_err::remove_file(locker.blob_path(&a.sha256)).unwrap();
                a
            },
            BatchSize::PerIteration,
        );
    });
    g.finish();
}

criterion_group!(benches, batch_append, million, attachment);
criterion_main!(benches);
