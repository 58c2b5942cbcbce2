//! The evidence locker end to end: records, queries, attachments, checkpoints, proofs.

mod common;

use common::{note, note_at, title};
use soc2_core::Error;
use soc2_core::json::{from_json_slice, to_canonical_vec};
use soc2_core::ledger::{Checkpoint, LEDGER_FILE, LedgerError, Locker, Record, fsck, merkle};
use soc2_core::model::EvidenceKind;

fn ledger_error(e: Error) -> LedgerError {
    match e {
        Error::Ledger(l) => l,
        other => panic!("expected a ledger error, got {other:?}"),
    }
}

#[test]
fn records_are_canonical_lines_chained_by_leaf_hash() {
    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path(), "example.com/soc2/test").unwrap();
    assert!(locker.is_empty());
    assert_eq!(locker.root(), merkle::empty_root());
    let a = locker.append(note("first")).unwrap();
    let b = locker.append_batch(vec![note("second"), note("third")]).unwrap();
    assert_eq!((a.seq, b[0].seq, b[1].seq), (0, 1, 2));

    let text = fs_err::read(dir.path().join(LEDGER_FILE)).unwrap();
    let lines: Vec<&[u8]> = text.split_inclusive(|&b| b == b'\n').collect();
    assert_eq!(lines.len(), 3);
    let mut prev = [0u8; 32];
    for (i, line) in lines.iter().enumerate() {
        let bytes = line.strip_suffix(b"\n").unwrap();
        let record: Record = from_json_slice(bytes).unwrap();
        assert_eq!(record.seq, i as u64);
        assert_eq!(record.prev.0, prev);
        assert_eq!(to_canonical_vec(&record).unwrap(), bytes);
        prev = merkle::leaf_hash(bytes);
        assert_eq!(locker.leaf_hashes()[i], prev);
    }
    assert_eq!(a.leaf_hash, locker.leaf_hashes()[0]);

    let reopened = Locker::open(dir.path()).unwrap();
    assert_eq!(reopened.len(), 3);
    assert_eq!(reopened.root(), locker.root());
    assert_eq!(reopened.root(), merkle::root(locker.leaf_hashes()));
    let titles: Vec<String> = reopened.records().map(|r| title(&r.unwrap().evidence)).collect();
    assert_eq!(titles, ["first", "second", "third"]);
    assert_eq!(title(&reopened.record(1).unwrap().evidence), "second");
    assert!(matches!(
        ledger_error(reopened.record(3).unwrap_err()),
        LedgerError::NoSuchRecord { seq: 3, len: 3 }
    ));
}

#[test]
fn queries_select_by_control_kind_and_observation_time() {
    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path(), "example.com/q").unwrap();
    locker
        .append_batch(vec![
            note_at("jan", "2026-01-15T00:00:00Z", &["AC-1"]),
            note_at("feb", "2026-02-15T00:00:00Z", &["AC-2"]),
            note_at("mar", "2026-03-15T00:00:00Z", &["AC-1", "AC-3"]),
        ])
        .unwrap();
    let titles = |rs: Vec<Record>| rs.iter().map(|r| title(&r.evidence)).collect::<Vec<_>>();
    let ac1 = "AC-1".parse().unwrap();
    assert_eq!(titles(locker.records_for_control(&ac1).unwrap()), ["jan", "mar"]);
    assert_eq!(titles(locker.records_of_kind(EvidenceKind::Note).unwrap()).len(), 3);
    assert!(locker.records_of_kind(EvidenceKind::Roster).unwrap().is_empty());
    let from = "2026-02-01T00:00:00Z".parse().unwrap();
    let until = "2026-03-15T00:00:00Z".parse().unwrap();
    assert_eq!(titles(locker.records_observed_between(from, until).unwrap()), ["feb"]);
}

#[test]
fn attachments_are_stored_once_and_checked_on_append() {
    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path(), "example.com/a").unwrap();
    let content = b"user,decision\nalice,keep\n";
    let a = locker.add_attachment(&mut &content[..], "text/csv", "review.csv").unwrap();
    assert_eq!(a.size, content.len() as u64);
    assert_eq!(a.sha256, soc2_core::model::Sha256Digest::of(content));
    let path = locker.blob_path(&a.sha256);
    let hex = a.sha256.to_hex();
    assert!(path.ends_with(format!("blobs/sha256/{}/{hex}", &hex[..2])));
    assert_eq!(fs_err::read(&path).unwrap(), content);
    // Same content, other name: the same blob.
    let again = locker.add_attachment(&mut &content[..], "text/csv", "copy.csv").unwrap();
    assert_eq!(again.sha256, a.sha256);
    assert!(
        fs_err::read_dir(dir.path().join("tmp")).unwrap().next().is_none(),
        "temporary files left behind"
    );

    let mut ok = note("with attachment");
    ok.attachments.push(a.clone());
    locker.append(ok).unwrap();

    let mut wrong_size = note("wrong size");
    let mut bad = a.clone();
    bad.size += 1;
    wrong_size.attachments.push(bad);
    assert!(matches!(
        ledger_error(locker.append(wrong_size).unwrap_err()),
        LedgerError::AttachmentSizeMismatch { .. }
    ));
    let mut missing = note("missing");
    let mut absent = a.clone();
    absent.sha256 = soc2_core::model::Sha256Digest::of(b"never stored");
    missing.attachments.push(absent.clone());
    let err = ledger_error(locker.append_batch(vec![note("fine"), missing]).unwrap_err());
    assert_eq!(err.blob(), Some(absent.sha256));
    // Refused batches leave nothing behind.
    assert_eq!(locker.len(), 1);
    assert_eq!(Locker::open(dir.path()).unwrap().len(), 1);

    assert!(locker.add_attachment(&mut &b""[..], "CSV", "x").is_err());
    assert!(locker.add_attachment(&mut &b""[..], "text/csv", "").is_err());
}

#[test]
fn a_large_attachment_streams_through() {
    let dir = tempfile::tempdir().unwrap();
    let locker = Locker::init(dir.path(), "example.com/big").unwrap();
    // Not a multiple of the 1 MiB buffer, so the last read is short.
    let data: Vec<u8> = (0..(5 << 20) + 12345).map(|i| (i % 251) as u8).collect();
    let src = dir.path().join("big.bin");
    fs_err::write(&src, &data).unwrap();
    let a = locker.add_attachment_file(&src, "application/octet-stream", "big.bin").unwrap();
    assert_eq!(a.sha256, soc2_core::model::Sha256Digest::of(&data));
    assert_eq!(a.size, data.len() as u64);
    assert_eq!(fs_err::read(locker.blob_path(&a.sha256)).unwrap(), data);
    let missing = locker.add_attachment_file(dir.path().join("nope"), "text/plain", "nope");
    let msg = missing.unwrap_err().to_string();
    assert!(msg.contains("nope"), "{msg}");
}

#[test]
fn init_and_open_refuse_what_is_not_theirs() {
    let dir = tempfile::tempdir().unwrap();
    Locker::init(dir.path(), "example.com/x").unwrap();
    assert!(matches!(
        ledger_error(Locker::init(dir.path(), "example.com/x").unwrap_err()),
        LedgerError::AlreadyExists { .. }
    ));
    let empty = tempfile::tempdir().unwrap();
    assert!(matches!(
        ledger_error(Locker::open(empty.path()).unwrap_err()),
        LedgerError::NotALocker { .. }
    ));
    for bad in ["", "has space", "a+b", "naïve"] {
        assert!(matches!(
            ledger_error(Locker::init(empty.path().join("n"), bad).unwrap_err()),
            LedgerError::InvalidOrigin { .. }
        ));
    }
    // A newer format is named as such.
    let header = dir.path().join("locker.json");
    fs_err::write(
        &header,
        "{\"format\":\"soc2-locker\",\"origin\":\"example.com/x\",\"version\":2}\n",
    )
    .unwrap();
    assert!(matches!(
        ledger_error(Locker::open(dir.path()).unwrap_err()),
        LedgerError::UnsupportedVersion { version: 2, .. }
    ));
}

#[test]
fn checkpoints_round_trip_and_protect_the_newest_records() {
    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path(), "example.com/cp").unwrap();
    locker.append_batch((0..5).map(|i| note(&format!("n{i}"))).collect()).unwrap();
    let cp = locker.checkpoint();
    assert_eq!(cp.size, 5);
    assert_eq!(Checkpoint::parse(cp.to_text().as_bytes()).unwrap(), cp);
    locker.verify_checkpoint(&cp).unwrap();
    locker.append(note("n5")).unwrap();
    locker.verify_checkpoint(&cp).unwrap();

    // Rewrite the last record consistently (no successor commits to it): only the
    // checkpoint taken earlier notices.
    let path = dir.path().join(LEDGER_FILE);
    let text = fs_err::read_to_string(&path).unwrap();
    let forged = text.replace("\"n4\"", "\"N4\"");
    let mut lines: Vec<String> = forged.lines().map(str::to_owned).collect();
    lines.truncate(5);
    fs_err::write(&path, lines.join("\n") + "\n").unwrap();
    let reopened = Locker::open(dir.path()).unwrap();
    assert!(matches!(
        ledger_error(reopened.verify_checkpoint(&cp).unwrap_err()),
        LedgerError::CheckpointMismatch { size: 5, .. }
    ));
    assert!(fsck(dir.path()).unwrap().is_sound());
}

#[test]
fn a_second_handle_sees_appends_after_refresh() {
    let dir = tempfile::tempdir().unwrap();
    let mut a = Locker::init(dir.path(), "example.com/r").unwrap();
    let mut b = Locker::open(dir.path()).unwrap();
    a.append(note("from a")).unwrap();
    assert_eq!(b.len(), 0);
    // b's append first reads a's record, and chains onto it.
    let appended = b.append(note("from b")).unwrap();
    assert_eq!(appended.seq, 1);
    assert_eq!(b.len(), 2);
    assert_eq!(a.refresh().unwrap(), 1);
    assert_eq!(a.root(), b.root());
    let report = a.fsck().unwrap();
    assert!(report.is_sound());
    assert_eq!(report.checkpoint, Some(a.checkpoint()));
    assert!(format!("{a:?}").contains("len: 2"));
}

#[test]
fn evidence_dated_in_the_future_is_refused_naming_the_field() {
    use soc2_core::error::Classify;
    use soc2_core::model::{Payload, TabletopExercise};
    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path(), "example.com/soc2/test").unwrap();
    let now = chrono::Utc::now();
    let at = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%dT%H:%M:%SZ").to_string();

    // Observed tomorrow: refused, naming observed_at.
    let tomorrow = note_at("tomorrow", &at(now + chrono::Duration::days(1)), &[]);
    let e = locker.append(tomorrow).unwrap_err();
    assert_eq!(e.code().as_str(), "ledger.future_dated");
    assert_eq!(e.subject().field.as_deref(), Some("observed_at"));
    assert!(e.to_string().starts_with("observed_at: "), "{e}");

    // In a batch, a tabletop performed tomorrow (a date) in the second evidence: the
    // batch is refused whole, naming the evidence and the field.
    let mut tabletop = note_at("tabletop", &at(now - chrono::Duration::hours(1)), &[]);
    tabletop.payload = Payload::TabletopExercise(TabletopExercise {
        scenario: "ransomware".into(),
        performed_on: soc2_core::model::Date((now + chrono::Duration::days(1)).date_naive()),
        participants: vec![],
        findings: vec![],
    });
    let e = locker.append_batch(vec![note("past"), tabletop]).unwrap_err();
    assert_eq!(e.subject().field.as_deref(), Some("payload.tabletop_exercise.performed_on"));
    assert!(
        e.to_string()
            .starts_with("evidence 1 of the batch: payload.tabletop_exercise.performed_on: "),
        "{e}"
    );
    assert!(locker.is_empty(), "nothing of the batch was recorded");

    // Four minutes ahead is within the five minutes of clock skew.
    let soon = note_at("soon", &at(now + chrono::Duration::minutes(4)), &[]);
    assert_eq!(locker.append(soon).unwrap().seq, 0);
}
