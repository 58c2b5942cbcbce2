//! A reproducible evidence locker for the bundle benchmarks: `count` attachments of
//! mixed, log-uniformly distributed sizes adding up to exactly `total_bytes`, each
//! referenced by one record observed in 2026, in one of three [`Mix`]es: by default a
//! third of them (by count; about 11% of the bytes) compressible CSV text, the rest
//! incompressible media (PDF, PNG, JPEG, zip); or only random bytes labelled
//! `application/octet-stream`; or only text (CSV and JSON lines, alternately).
//!
//! Shared by `benches/bundle.rs` and `examples/bundle_bench_locker.rs`.

use std::io::{self, Read};
use std::path::Path;

use soc2_core::ledger::Locker;
use soc2_core::model::{Collector, Evidence, Note, Payload, Timestamp};

/// What [`build`] made.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Stats {
    /// Attachments.
    pub(crate) files: usize,
    /// Their total size.
    pub(crate) bytes: u64,
    /// How many of those bytes are compressible text.
    pub(crate) text_bytes: u64,
    /// The largest attachment.
    pub(crate) largest: u64,
}

/// xorshift64*: fast, reproducible, good enough to defeat deflate.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Uniform in [0, 1).
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// Incompressible bytes.
struct Noise {
    rng: Rng,
    left: u64,
}

impl Read for Noise {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        for chunk in buf[..n].chunks_mut(8) {
            let v = self.rng.next().to_le_bytes();
            chunk.copy_from_slice(&v[..chunk.len()]);
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// Text of `left` bytes made of generated lines, cut wherever `left` ends.
struct Lines {
    rng: Rng,
    left: u64,
    line: Vec<u8>,
    pos: usize,
    /// Makes one line from a random number.
    make: fn(u64) -> Vec<u8>,
}

impl Lines {
    fn new(seed: u64, left: u64, make: fn(u64) -> Vec<u8>) -> Self {
        Lines { rng: Rng(seed), left, line: Vec::new(), pos: 0, make }
    }
}

impl Read for Lines {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = buf.len().min(usize::try_from(self.left).unwrap_or(usize::MAX));
        let mut done = 0;
        while done < n {
            if self.pos == self.line.len() {
                self.line = (self.make)(self.rng.next());
                self.pos = 0;
            }
            let k = (n - done).min(self.line.len() - self.pos);
            buf[done..done + k].copy_from_slice(&self.line[self.pos..self.pos + k]);
            self.pos += k;
            done += k;
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// A CSV line like an access-review export's (compresses about 3:1 with deflate).
fn csv_line(r: u64) -> Vec<u8> {
    let roles = ["admin", "developer", "viewer", "billing", "support"];
    let decisions = ["keep", "keep", "keep", "revoke", "modify"];
    format!(
        "user{:05}@example.com,{},{},2026-{:02}-{:02}T{:02}:{:02}:00Z,{:08x}\n",
        r % 20_000,
        roles[(r >> 20) as usize % roles.len()],
        decisions[(r >> 24) as usize % decisions.len()],
        1 + (r >> 28) % 12,
        1 + (r >> 32) % 28,
        (r >> 37) % 24,
        (r >> 42) % 60,
        (r >> 32) as u32,
    )
    .into_bytes()
}

/// A JSON line like an identity provider's user export's (compresses about 4:1).
fn json_line(r: u64) -> Vec<u8> {
    let statuses = ["ACTIVE", "ACTIVE", "ACTIVE", "SUSPENDED", "DEPROVISIONED"];
    format!(
        "{{\"id\":\"00u{:016x}\",\"status\":\"{}\",\"profile\":{{\"login\":\"user{:05}@example.com\",\"department\":\"dept-{}\"}},\"lastLogin\":\"2026-{:02}-{:02}T{:02}:{:02}:00.000Z\",\"mfa\":{}}}\n",
        r,
        statuses[(r >> 20) as usize % statuses.len()],
        r % 20_000,
        (r >> 24) % 40,
        1 + (r >> 28) % 12,
        1 + (r >> 32) % 28,
        (r >> 37) % 24,
        (r >> 42) % 60,
        !(r >> 48).is_multiple_of(3),
    )
    .into_bytes()
}

/// Which attachments a locker holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[allow(dead_code, reason = "the criterion bench uses only the default mix")]
pub(crate) enum Mix {
    /// Every third attachment CSV text (about 11% of the bytes), the rest incompressible
    /// media labelled as PDF, PNG, JPEG and zip.
    Current,
    /// Random bytes labelled `application/octet-stream`.
    Random,
    /// CSV (`text/csv`) and JSON lines (`application/json`), alternately.
    Text,
}

impl Mix {
    /// The mix named `current`, `random` or `text`.
    #[allow(dead_code, reason = "used by the example, not by the criterion bench")]
    pub(crate) fn parse(name: &str) -> Option<Mix> {
        match name {
            "current" => Some(Mix::Current),
            "random" => Some(Mix::Random),
            "text" => Some(Mix::Text),
            _ => None,
        }
    }

    fn is_text(self, i: usize) -> bool {
        match self {
            Mix::Current => i.is_multiple_of(3),
            Mix::Random => false,
            Mix::Text => true,
        }
    }
}

/// Creates the locker in `dir` (which must not hold one).
pub(crate) fn build(
    dir: &Path,
    total_bytes: u64,
    count: usize,
    mix: Mix,
) -> soc2_core::Result<(Locker, Stats)> {
    let mut rng = Rng(0x5eed_b0d1_e5c0_ffee);
    // Log-uniform weights over three decades, scaled to the total. Every third file is
    // a CSV export, drawn a quarter as large: exports are small next to PDFs, images and
    // archives, so text is about a ninth of the bytes.
    let weights: Vec<f64> = (0..count)
        .map(|i| {
            let w = (rng.unit() * 1000f64.ln()).exp();
            if mix == Mix::Current && mix.is_text(i) { w / 4.0 } else { w }
        })
        .collect();
    let sum: f64 = weights.iter().sum();
    let mut sizes: Vec<u64> =
        weights.iter().map(|w| (w / sum * total_bytes as f64) as u64).collect();
    let assigned: u64 = sizes.iter().sum();
    if let Some(first) = sizes.first_mut() {
        *first += total_bytes - assigned;
    }

    let mut locker = Locker::init(dir, "bench.example/soc2/bundle")?;
    let mut evidence = Vec::with_capacity(count);
    let mut stats = Stats { files: count, bytes: total_bytes, text_bytes: 0, largest: 0 };
    let media = ["application/pdf", "image/png", "image/jpeg", "application/zip"];
    for (i, size) in sizes.into_iter().enumerate() {
        let seed = rng.next() | 1;
        let attachment = if mix.is_text(i) {
            stats.text_bytes += size;
            if mix == Mix::Text && i % 2 == 1 {
                let mut json = Lines::new(seed, size, json_line);
                locker.add_attachment(&mut json, "application/json", &format!("users-{i}.json"))?
            } else {
                let mut csv = Lines::new(seed, size, csv_line);
                locker.add_attachment(&mut csv, "text/csv", &format!("export-{i}.csv"))?
            }
        } else {
            let mut noise = Noise { rng: Rng(seed), left: size };
            let media = if mix == Mix::Random {
                "application/octet-stream"
            } else {
                media[i % media.len()]
            };
            locker.add_attachment(&mut noise, media, &format!("file-{i}"))?
        };
        stats.largest = stats.largest.max(size);
        let t = Timestamp::from_datetime(
            "2026-01-01T09:00:00Z".parse::<chrono::DateTime<chrono::Utc>>().unwrap_or_default()
                + chrono::Duration::hours(8 * i as i64),
        );
        evidence.push(Evidence {
            controls: Vec::new(),
            observed_at: t,
            collected_at: t,
            collector: Collector::Tool { name: "soc2-bench".into(), version: "1".into() },
            source: "bench".into(),
            attachments: vec![attachment],
            payload: Payload::Note(Note {
                title: format!("evidence file {i}"),
                body: String::new(),
            }),
            provenance: None,
        });
    }
    locker.append_batch(evidence)?;
    Ok((locker, stats))
}
