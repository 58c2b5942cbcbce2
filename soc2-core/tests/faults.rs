//! Fault injection: torn appends are survived, every other change to past evidence is
//! found and located.

mod common;

use std::path::{Path, PathBuf};

use common::{note, title};
use soc2_core::Error;
use soc2_core::ledger::{LEDGER_FILE, LedgerError, Locker, fsck};
use soc2_core::model::{Attachment, Sha256Digest};

const RECORDS: usize = 5;

/// A locker of `RECORDS` records, the second one with an attachment.
fn locker_with_records() -> (tempfile::TempDir, Attachment) {
    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path(), "example.com/faults").unwrap();
    let a = locker.add_attachment(&mut &b"badge log\n"[..], "text/plain", "badges.txt").unwrap();
    for i in 0..RECORDS {
        let mut e = note(&format!("record {i}"));
        if i == 1 {
            e.attachments.push(a.clone());
        }
        locker.append(e).unwrap();
    }
    (dir, a)
}

fn ledger(dir: &Path) -> PathBuf {
    dir.join(LEDGER_FILE)
}

/// Byte ranges of each line, `\n` included.
fn line_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            spans.push((start, i + 1));
            start = i + 1;
        }
    }
    spans
}

fn problems(dir: &Path) -> Vec<LedgerError> {
    fsck(dir).unwrap().problems
}

fn named_records(problems: &[LedgerError]) -> Vec<u64> {
    problems.iter().flat_map(LedgerError::records).collect()
}

fn open_err(dir: &Path) -> LedgerError {
    match Locker::open(dir).unwrap_err() {
        Error::Ledger(e) => e,
        other => panic!("expected a ledger error, got {other:?}"),
    }
}

#[test]
fn a_torn_last_record_is_ignored_then_cut_by_the_next_append() {
    let (dir, _) = locker_with_records();
    let original = fs_err::read(ledger(dir.path())).unwrap();
    let spans = line_spans(&original);
    let (last_start, last_end) = spans[RECORDS - 1];
    // Every cut inside the last record, from nothing of it to all but its newline.
    for cut in last_start..last_end {
        fs_err::write(ledger(dir.path()), &original[..cut]).unwrap();
        let report = fsck(dir.path()).unwrap();
        assert!(report.is_sound(), "cut at {cut}: {:?}", report.problems);
        let torn = report.torn_tail;
        if cut == last_start {
            assert_eq!(torn, None);
        } else {
            let torn = torn.unwrap_or_else(|| panic!("cut at {cut}: torn tail not reported"));
            assert_eq!((torn.offset, torn.line), (last_start as u64, RECORDS as u64));
        }

        let mut locker = Locker::open(dir.path()).unwrap();
        assert_eq!(locker.len(), RECORDS as u64 - 1, "cut at {cut}");
        assert_eq!(locker.torn_tail().map(|t| t.offset), torn.map(|t| t.offset));
        let appended = locker.append(note("after the crash")).unwrap();
        assert_eq!(appended.seq, RECORDS as u64 - 1);
        let reopened = Locker::open(dir.path()).unwrap();
        assert_eq!(reopened.len(), RECORDS as u64);
        assert_eq!(reopened.torn_tail(), None);
        let last = reopened.record(RECORDS as u64 - 1).unwrap();
        assert_eq!(title(&last.evidence), "after the crash");
        assert!(fsck(dir.path()).unwrap().is_sound());
    }
}

#[test]
fn flipping_any_byte_of_an_earlier_record_is_found_and_located() {
    let (dir, _) = locker_with_records();
    let original = fs_err::read(ledger(dir.path())).unwrap();
    let spans = line_spans(&original);
    // Every record but the last: the last one is covered by checkpoints (see
    // tests/locker.rs), as no later record commits to it.
    for (seq, &(start, end)) in spans.iter().enumerate().take(RECORDS - 1) {
        for pos in start..end {
            for mask in [0x01u8, 0x20, 0x80] {
                let mut bytes = original.clone();
                bytes[pos] ^= mask;
                fs_err::write(ledger(dir.path()), &bytes).unwrap();
                let found = problems(dir.path());
                let named = named_records(&found);
                assert!(
                    named.contains(&(seq as u64)),
                    "byte {pos} of record {seq} ^ {mask:#x}: problems {found:?}"
                );
                // open stops at the first problem, which names a record too.
                assert!(!open_err(dir.path()).records().is_empty());
            }
        }
    }
}

#[test]
fn removed_inserted_and_reordered_records_are_named() {
    let (dir, _) = locker_with_records();
    let original = fs_err::read_to_string(ledger(dir.path())).unwrap();
    let lines: Vec<&str> = original.lines().collect();
    let write = |lines: &[&str]| {
        fs_err::write(ledger(dir.path()), lines.join("\n") + "\n").unwrap();
    };

    for removed in 0..RECORDS {
        let mut l = lines.clone();
        l.remove(removed);
        write(&l);
        let found = problems(dir.path());
        if removed == RECORDS - 1 {
            // Dropping the newest record leaves a sound, shorter ledger: only a
            // checkpoint held elsewhere can tell (tests/locker.rs).
            assert!(found.is_empty(), "{found:?}");
            continue;
        }
        assert!(
            found.iter().any(|p| matches!(
                p,
                LedgerError::SeqMismatch { expected, .. } if *expected == removed as u64
            ) || matches!(p, LedgerError::BadGenesis { .. })),
            "removed {removed}: {found:?}"
        );
    }

    for a in 0..RECORDS - 1 {
        let mut l = lines.clone();
        l.swap(a, a + 1);
        write(&l);
        let named = named_records(&problems(dir.path()));
        assert!(
            named.contains(&(a as u64)) && named.contains(&(a as u64 + 1)),
            "swapped {a}: {named:?}"
        );
    }

    // A copy of an existing record, and a forged record with the right seq and prev.
    for at in 0..RECORDS {
        let mut l = lines.clone();
        l.insert(at, lines[at]);
        write(&l);
        let named = named_records(&problems(dir.path()));
        assert!(named.contains(&(at as u64)), "duplicated {at}: {named:?}");
    }
    let forged = lines[2].replace("record 2", "forged 2");
    let mut l = lines.clone();
    l.insert(2, &forged);
    write(&l);
    let found = problems(dir.path());
    assert!(
        found
            .iter()
            .any(|p| matches!(p, LedgerError::SeqMismatch { line: 4, expected: 3, found: 2 })),
        "{found:?}"
    );

    // A line that is not canonical, though the same record.
    let mut l = lines.clone();
    let spaced = lines[1].replacen(':', ": ", 1);
    l[1] = &spaced;
    write(&l);
    let found = problems(dir.path());
    assert!(
        found.iter().any(|p| matches!(p, LedgerError::NotCanonical { seq: 1, line: 2 })),
        "{found:?}"
    );

    // A blank line.
    let mut l = lines.clone();
    l.insert(3, "");
    write(&l);
    let found = problems(dir.path());
    assert!(
        found.iter().any(|p| matches!(p, LedgerError::InvalidRecord { seq: 3, line: 4, .. })),
        "{found:?}"
    );
}

#[test]
fn missing_and_altered_blobs_are_named() {
    let (dir, a) = locker_with_records();
    let locker = Locker::open(dir.path()).unwrap();
    let blob = locker.blob_path(&a.sha256);
    drop(locker);
    let content = fs_err::read(&blob).unwrap();

    fs_err::remove_file(&blob).unwrap();
    let found = problems(dir.path());
    assert!(
        found.iter().any(|p| matches!(
            p,
            LedgerError::MissingBlob { seq: 1, line: 2, sha256 } if *sha256 == a.sha256
        )),
        "{found:?}"
    );
    assert!(matches!(open_err(dir.path()), LedgerError::MissingBlob { seq: 1, .. }));

    // Same size, other content: only re-hashing finds it.
    let mut altered = content.clone();
    altered[0] ^= 0x01;
    fs_err::write(&blob, &altered).unwrap();
    let found = problems(dir.path());
    assert!(
        found.iter().any(|p| matches!(
            p,
            LedgerError::BlobCorrupt { sha256, actual, .. }
                if *sha256 == a.sha256 && *actual == Sha256Digest::of(&altered)
        )),
        "{found:?}"
    );

    // Other size: found on open already.
    fs_err::write(&blob, b"short").unwrap();
    assert!(matches!(
        open_err(dir.path()),
        LedgerError::BlobSizeMismatch { seq: 1, declared: 10, actual: 5, .. }
    ));
    let found = problems(dir.path());
    assert!(found.iter().all(|p| p.blob() == Some(a.sha256)), "{found:?}");
    assert_eq!(found.len(), 2, "{found:?}");

    // A stray file in the blob store.
    fs_err::write(&blob, &content).unwrap();
    let stray = blob.with_file_name("not-a-digest");
    fs_err::write(&stray, b"x").unwrap();
    let found = problems(dir.path());
    assert!(
        matches!(&found[..], [LedgerError::UnexpectedFile { path }] if *path == stray),
        "{found:?}"
    );
}

#[test]
fn changes_behind_an_open_handle_are_caught_before_appending() {
    let (dir, _) = locker_with_records();
    let mut locker = Locker::open(dir.path()).unwrap();
    let original = fs_err::read(ledger(dir.path())).unwrap();
    let spans = line_spans(&original);

    // Shortened behind its back.
    fs_err::write(ledger(dir.path()), &original[..spans[2].1]).unwrap();
    match locker.append(note("x")).unwrap_err() {
        Error::Ledger(LedgerError::LedgerShrank { .. }) => {}
        other => panic!("{other:?}"),
    }

    // Last record rewritten in place (same length).
    let mut bytes = original.clone();
    let pos = spans[RECORDS - 1].0 + 10;
    bytes[pos] ^= 0x01;
    fs_err::write(ledger(dir.path()), &bytes).unwrap();
    match locker.append(note("x")).unwrap_err() {
        Error::Ledger(LedgerError::RecordChanged { seq, .. }) => {
            assert_eq!(seq, RECORDS as u64 - 1)
        }
        other => panic!("{other:?}"),
    }
    // Reading a record checks it against the hash verified at open.
    fs_err::write(ledger(dir.path()), &original).unwrap();
    let mut bytes = original.clone();
    bytes[spans[0].0 + 10] ^= 0x01;
    fs_err::write(ledger(dir.path()), &bytes).unwrap();
    assert!(locker.record(0).is_err());
    assert!(locker.records().next().unwrap().is_err());
}

#[test]
fn a_refresh_that_meets_damage_reports_it_and_can_be_retried() {
    let (dir, _) = locker_with_records();
    let mut reader = Locker::open(dir.path()).unwrap();
    let mut writer = Locker::open(dir.path()).unwrap();
    writer.append(note("appended by another handle")).unwrap();
    let original = fs_err::read_to_string(ledger(dir.path())).unwrap();
    let start = original[..original.len() - 1].rfind('\n').unwrap() + 1;
    let damaged = format!("{}{}", &original[..start], original[start..].replacen(':', ": ", 1));
    fs_err::write(ledger(dir.path()), damaged).unwrap();
    match reader.refresh().unwrap_err() {
        Error::Ledger(LedgerError::NotCanonical { seq, line }) => {
            assert_eq!((seq, line), (RECORDS as u64, RECORDS as u64 + 1));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(reader.len(), RECORDS as u64);
    fs_err::write(ledger(dir.path()), &original).unwrap();
    assert_eq!(reader.refresh().unwrap(), 1);
    assert_eq!(reader.root(), writer.root());
}

#[test]
fn a_missing_ledger_or_header_is_damage_not_an_empty_locker() {
    let (dir, a) = locker_with_records();
    let header = dir.path().join("locker.json");
    let saved = fs_err::read(&header).unwrap();
    fs_err::remove_file(&header).unwrap();
    assert!(matches!(open_err(dir.path()), LedgerError::InvalidHeader { .. }));
    let found = problems(dir.path());
    assert!(matches!(&found[..], [LedgerError::InvalidHeader { .. }]), "{found:?}");
    fs_err::write(&header, saved).unwrap();

    fs_err::remove_file(ledger(dir.path())).unwrap();
    assert!(matches!(open_err(dir.path()), LedgerError::MissingLedger { .. }));
    let report = fsck(dir.path()).unwrap();
    assert!(
        matches!(&report.problems[..], [LedgerError::MissingLedger { .. }]),
        "{:?}",
        report.problems
    );
    // The blobs are still checked, and now referenced by nothing.
    assert_eq!(report.unreferenced_blobs, [a.sha256]);

    let stray = dir.path().join("blobs").join("notes.txt");
    fs_err::write(&stray, b"x").unwrap();
    let found = problems(dir.path());
    assert!(
        found.iter().any(|p| matches!(p, LedgerError::UnexpectedFile { path } if *path == stray)),
        "{found:?}"
    );
}

/// Records in [`big_locker`]: about 9 MB of ledger, which opening verifies on several
/// threads (in ranges cut at about 4.5 MB with two cores).
const BIG: usize = 30_000;
/// The record of [`big_locker`] with an attachment, in the second half.
const BIG_ATTACHED: u64 = 20_000;

/// A locker of [`BIG`] records (the one at [`BIG_ATTACHED`] with an attachment), the
/// byte ranges of its lines, and the attachment.
fn big_locker() -> (tempfile::TempDir, Vec<(usize, usize)>, Attachment) {
    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path(), "example.com/faults").unwrap();
    let a = locker.add_attachment(&mut &b"badge log\n"[..], "text/plain", "badges.txt").unwrap();
    let evidence = (0..BIG)
        .map(|i| {
            let mut e = note(&format!("record {i:05} of a large locker, long enough to weigh"));
            if i as u64 == BIG_ATTACHED {
                e.attachments.push(a.clone());
            }
            e
        })
        .collect();
    locker.append_batch(evidence).unwrap();
    drop(locker);
    let spans = line_spans(&fs_err::read(ledger(dir.path())).unwrap());
    assert_eq!(spans.len(), BIG);
    assert!(spans[BIG - 1].1 > 8 << 20, "the ledger must be large enough to verify in parallel");
    (dir, spans, a)
}

/// Rewrites byte `pos` of the ledger with `byte`.
fn poke(dir: &Path, pos: usize, byte: u8) -> u8 {
    let mut bytes = fs_err::read(ledger(dir)).unwrap();
    let was = bytes[pos];
    bytes[pos] = byte;
    fs_err::write(ledger(dir), &bytes).unwrap();
    was
}

#[test]
fn a_large_locker_opens_whole_and_its_damage_is_named_on_either_side_of_a_thread_cut() {
    let (dir, spans, a) = big_locker();
    let locker = Locker::open(dir.path()).unwrap();
    assert_eq!(locker.len(), BIG as u64);
    assert_eq!(locker.record(BIG as u64 - 1).unwrap().seq, BIG as u64 - 1);
    assert_eq!(locker.records_of_kind(soc2_core::model::EvidenceKind::Note).unwrap().len(), BIG);
    let all = locker.all_records().unwrap();
    assert_eq!(all.len(), BIG);
    assert!(all.iter().enumerate().all(|(i, r)| r.seq == i as u64));
    drop(all);
    // Changed behind the open handle: reading everything names the record.
    let title = spans[22_222].0 + find(dir.path(), spans[22_222], b"record ") + 1;
    let was = poke(dir.path(), title, b'E');
    let e = match locker.all_records().unwrap_err() {
        Error::Ledger(e) => e,
        other => panic!("{other:?}"),
    };
    assert!(matches!(e, LedgerError::RecordChanged { seq: 22_222, line: 22_223 }), "{e:?}");
    poke(dir.path(), title, was);
    let root = locker.root();
    drop(locker);

    // A title's letter changed in record 5,000 (first half) and 25,000 (second half):
    // still canonical, so the next record's link names the change.
    for seq in [5_000usize, 25_000] {
        let title = spans[seq].0 + find(dir.path(), spans[seq], b"record ") + 1;
        let was = poke(dir.path(), title, b'E');
        let e = open_err(dir.path());
        assert!(
            matches!(e, LedgerError::ChainBroken { seq: s, line: l, prev_seq: p, .. }
                if s == seq as u64 + 1 && l == seq as u64 + 2 && p == seq as u64),
            "record {seq}: {e:?}"
        );
        poke(dir.path(), title, was);
    }

    // A space before the final brace of record 12,345: not canonical.
    let original = fs_err::read(ledger(dir.path())).unwrap();
    let mut spaced = original.clone();
    spaced.insert(spans[12_345].1 - 2, b' ');
    fs_err::write(ledger(dir.path()), &spaced).unwrap();
    let e = open_err(dir.path());
    assert!(matches!(e, LedgerError::NotCanonical { seq: 12_345, line: 12_346 }), "{e:?}");
    fs_err::write(ledger(dir.path()), &original).unwrap();

    // The attachment's blob removed.
    let blob = Locker::open(dir.path()).unwrap().blob_path(&a.sha256);
    let content = fs_err::read(&blob).unwrap();
    fs_err::remove_file(&blob).unwrap();
    let e = open_err(dir.path());
    assert!(
        matches!(e, LedgerError::MissingBlob { seq: BIG_ATTACHED, line, .. } if line == BIG_ATTACHED + 1),
        "{e:?}"
    );
    fs_err::write(&blob, &content).unwrap();

    // A torn tail after the last record is not a record.
    let mut f = fs_err::OpenOptions::new().append(true).open(ledger(dir.path())).unwrap();
    std::io::Write::write_all(&mut f, b"{\"collected_at\":").unwrap();
    drop(f);
    let locker = Locker::open(dir.path()).unwrap();
    assert_eq!(locker.len(), BIG as u64);
    assert_eq!(locker.root(), root);
    let torn = locker.torn_tail().expect("torn tail");
    assert_eq!((torn.offset, torn.len, torn.line), (spans[BIG - 1].1 as u64, 16, BIG as u64 + 1));
}

/// Where `needle` starts in the line `span` of the ledger, relative to the line.
fn find(dir: &Path, span: (usize, usize), needle: &[u8]) -> usize {
    let bytes = fs_err::read(ledger(dir)).unwrap();
    bytes[span.0..span.1].windows(needle.len()).position(|w| w == needle).unwrap()
}

#[test]
fn fsck_reports_progress_over_ledger_and_blobs_and_stops_when_asked() {
    use soc2_core::ledger::fsck_with_progress;
    use std::ops::ControlFlow;

    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path(), "example.com/progress").unwrap();
    let big: Vec<u8> =
        (0..(9u32 << 20)).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let a = locker.add_attachment(&mut big.as_slice(), "image/png", "scan.png").unwrap();
    let mut with_scan = note("with a scan");
    with_scan.attachments.push(a);
    locker.append(with_scan).unwrap();
    locker.append(note("plain")).unwrap();
    let ledger_len = fs_err::metadata(ledger(dir.path())).unwrap().len();

    let mut seen = Vec::new();
    let report = fsck_with_progress(dir.path(), None, &mut |p| {
        seen.push((p.bytes_done, p.bytes_total));
        ControlFlow::Continue(())
    })
    .unwrap();
    assert!(report.is_sound());
    let total = ledger_len + (9 << 20);
    assert_eq!(seen.first(), Some(&(0, total)));
    assert_eq!(seen.last(), Some(&(total, total)));
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0), "{seen:?}");
    assert!(seen.len() >= 3, "at most every 4 MiB, and the ends: {seen:?}");

    // Stopped at the first report: a cancellation, which changes nothing.
    let err = fsck_with_progress(dir.path(), None, &mut |_| ControlFlow::Break(())).unwrap_err();
    assert!(matches!(err, Error::Ledger(LedgerError::Cancelled)), "{err}");
    assert_eq!(err.to_string(), "check cancelled: nothing was changed");
    assert!(fsck(dir.path()).unwrap().is_sound());
}
