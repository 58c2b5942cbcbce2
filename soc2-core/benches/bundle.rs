//! Bundle benchmarks: export and verify of a 64 MiB locker (100 attachments of mixed
//! sizes, about 11% compressible text), with the cost of SHA-256 alone over the same
//! attachments as the in-process floor.
//!
//! Short on purpose (the machines are small and shared): run with
//! `cargo bench -p soc2-core --bench bundle`. The 1 GiB comparison against
//! `openssl dgst -sha256` and the `sha256sum` + `zip -0` + `ssh-keygen -Y sign` pipeline
//! is `scripts/bench-bundle.sh`; results are in `BENCHMARKS.md`.

#[path = "support/dataset.rs"]
mod dataset;

use std::hint::black_box;
use std::io::Read;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use sha2::{Digest, Sha256};
use soc2_core::bundle::{self, AllowedSigners, ExportOptions, Signer};

const TOTAL: u64 = 64 << 20;
const FILES: usize = 100;

fn bundle_benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let (locker, stats) =
        dataset::build(&dir.path().join("locker"), TOTAL, FILES, dataset::Mix::Current).unwrap();
    assert_eq!((stats.files, stats.bytes), (FILES, TOTAL));
    eprintln!(
        "bundle bench: {} attachments, {} bytes ({:.1}% text), largest {}",
        stats.files,
        stats.bytes,
        stats.text_bytes as f64 * 100.0 / stats.bytes as f64,
        stats.largest
    );
    let signer = Signer::generate("bench@example.com").unwrap();
    let trusted = AllowedSigners::parse(signer.allowed_signers_line().as_bytes()).unwrap();
    let options = ExportOptions::new("2026-01-01..2026-12-31".parse().unwrap());
    let out = dir.path().join("bundle.zip");
    let blobs: Vec<_> = locker
        .records()
        .map(|r| locker.blob_path(&r.unwrap().evidence.attachments[0].sha256))
        .collect();

    let mut g = c.benchmark_group("bundle");
    g.sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(8))
        .throughput(Throughput::Bytes(TOTAL));
    g.bench_function("sha256_files_64MiB", |b| {
        let mut buf = vec![0u8; 1 << 20];
        b.iter(|| {
            for path in &blobs {
                let mut f = fs_err::File::open(path).unwrap();
                let mut h = Sha256::new();
                loop {
                    let n = f.read(&mut buf).unwrap();
                    if n == 0 {
                        break;
                    }
                    h.update(&buf[..n]);
                }
                black_box(h.finalize());
            }
        });
    });
    g.bench_function("export_64MiB", |b| {
        // The previous bundle is removed outside the timing: freeing its pages is the
        // file system's work, and `scripts/bench-bundle.sh` leaves it out too.
        b.iter_batched(
            || {
                let _ = fs_err::remove_file(&out);
            },
            |()| black_box(bundle::export(&locker, &options, &signer, &out).unwrap()),
            BatchSize::PerIteration,
        );
    });
    g.bench_function("verify_64MiB", |b| {
        b.iter(|| black_box(bundle::verify(&out, &trusted).unwrap()));
    });
    g.finish();
}

criterion_group!(benches, bundle_benches);
criterion_main!(benches);
