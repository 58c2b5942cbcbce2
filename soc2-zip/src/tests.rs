//! Tests for the bundle writer and the strict reader.
//!
//! Every rejection rule has a test that builds the hostile archive, either
//! from scratch with [`RawArchive`] or by mutating the writer's output.

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::Command;

use super::test_support::*;
use super::*;

/// Asserts that `$result` is an `Err` matching `$pat`.
macro_rules! assert_err {
    ($result:expr, $pat:pat $(if $guard:expr)?) => {
        match $result {
            Err(e) => {
                assert!(
                    matches!(&e, $pat $(if $guard)?),
                    "expected {}, got {e:?} ({e})",
                    stringify!($pat)
                );
                // Every message must render.
                assert!(!e.to_string().is_empty());
            }
            Ok(_) => panic!("expected {}, got Ok", stringify!($pat)),
        }
    };
}

fn good_entries() -> Vec<RawEntry> {
    vec![RawEntry::stored("a.txt", b"alpha"), RawEntry::deflated("b/c.txt", &b"gamma ".repeat(100))]
}

fn good() -> RawArchive {
    RawArchive::of(good_entries())
}

/// Builds the archive, opens it and reads everything.
fn check(raw: &RawArchive) -> Result<(), ArchiveError> {
    open_and_verify(&raw.build())
}

fn single(entry: RawEntry) -> RawArchive {
    RawArchive::of(vec![entry])
}

// ---------------------------------------------------------------- baseline

#[test]
fn raw_builder_baseline_is_accepted() {
    check(&good()).expect("baseline archive must be valid");
    let opened = open_bytes(&good().build()).expect("open");
    let names: Vec<&str> = opened.archive.members().iter().map(|m| m.name()).collect();
    assert_eq!(names, ["a.txt", "b/c.txt"]);
}

#[test]
fn empty_archive_is_accepted() {
    let opened = open_bytes(&RawArchive::default().build()).expect("open");
    assert!(opened.archive.members().is_empty());
}

// ---------------------------------------------------------------- names

/// Names both the writer and the reader must reject, with the expected variant.
/// Recognises the expected error variant.
type Matcher = fn(&ArchiveError) -> bool;

fn bad_names() -> Vec<(&'static str, Matcher)> {
    use ArchiveError as E;
    vec![
        ("", |e| matches!(e, E::EmptyName)),
        ("../evil", |e| matches!(e, E::ParentTraversal { .. })),
        ("a/../../evil", |e| matches!(e, E::ParentTraversal { .. })),
        ("a/..", |e| matches!(e, E::ParentTraversal { .. })),
        ("..", |e| matches!(e, E::ParentTraversal { .. })),
        ("/etc/passwd", |e| matches!(e, E::AbsolutePath { .. })),
        ("//server/share/x", |e| matches!(e, E::AbsolutePath { .. })),
        ("C:/Windows/x", |e| matches!(e, E::AbsolutePath { .. })),
        ("c:relative", |e| matches!(e, E::AbsolutePath { .. })),
        ("a\\b", |e| matches!(e, E::Backslash { .. })),
        ("..\\evil", |e| matches!(e, E::Backslash { .. })),
        ("a\0b", |e| matches!(e, E::NulInName { .. })),
        ("a\nb", |e| matches!(e, E::ControlCharacter { .. })),
        ("a\u{1b}[31mb", |e| matches!(e, E::ControlCharacter { .. })),
        ("dir/", |e| matches!(e, E::DirectoryEntry { .. })),
        ("a//b", |e| matches!(e, E::NonCanonicalPath { .. })),
        ("./a", |e| matches!(e, E::NonCanonicalPath { .. })),
        ("a/./b", |e| matches!(e, E::NonCanonicalPath { .. })),
        ("e\u{301}.txt", |e| matches!(e, E::NotNfc { .. })),
    ]
}

#[test]
fn reader_rejects_each_bad_name() {
    for (name, expected) in bad_names() {
        let result = check(&single(RawEntry::stored(name, b"x")));
        match result {
            Err(e) => assert!(expected(&e), "name {name:?}: unexpected error {e:?}"),
            Ok(()) => panic!("name {name:?} was accepted"),
        }
    }
}

#[test]
fn writer_rejects_each_bad_name_and_cleans_up() {
    for (name, expected) in bad_names() {
        let dir = tempfile::tempdir().expect("tempdir");
        let target = dir.path().join("b.zip");
        let mut w = BundleWriter::create(&target).expect("create");
        let e = w.add_bytes(name, Compression::Deflated, b"x").expect_err(name);
        assert!(expected(&e), "name {name:?}: unexpected error {e:?}");
        assert!(dir_entries(dir.path()).is_empty(), "temp file left after rejecting {name:?}");
        assert_err!(
            w.add_bytes("ok", Compression::Stored, b"x"),
            ArchiveError::WriterPoisoned { .. }
        );
        assert_err!(w.finish(), ArchiveError::WriterPoisoned { .. });
        assert!(!target.exists());
    }
}

#[test]
fn validate_member_name_accepts_ordinary_names() {
    for name in [
        "a",
        "evidence/2024-01-01T00:00:00Z.json",
        "données/é.txt",
        "a/b/c/d.e.f",
        ".hidden",
        "...",
        "a..b",
    ] {
        validate_member_name(name).unwrap_or_else(|e| panic!("{name:?}: {e}"));
    }
}

#[test]
fn rejects_name_that_is_not_utf8() {
    assert_err!(
        check(&single(RawEntry::stored_raw(b"\xff\xfe.txt", b"x"))),
        ArchiveError::NameNotUtf8 { .. }
    );
}

#[test]
fn rejects_non_ascii_name_without_utf8_flag() {
    let entry = RawEntry::stored("é.txt", b"x").both(|h| h.flags = 0);
    assert_err!(
        check(&single(entry)),
        ArchiveError::Utf8FlagMissing { name } if name == "é.txt"
    );
}

#[test]
fn rejects_duplicate_names() {
    let raw =
        RawArchive::of(vec![RawEntry::stored("a.txt", b"1"), RawEntry::stored("a.txt", b"2")]);
    assert_err!(check(&raw), ArchiveError::DuplicateName { name } if name == "a.txt");
}

#[test]
fn rejects_case_collisions() {
    for (a, b) in [("README.md", "Readme.md"), ("dir/A", "DIR/a"), ("STRASSE", "straße")] {
        let raw = RawArchive::of(vec![RawEntry::stored(a, b"1"), RawEntry::stored(b, b"2")]);
        assert_err!(check(&raw), ArchiveError::CaseCollision { .. });
    }
}

#[test]
fn rejects_normalization_collisions() {
    let raw = RawArchive::of(vec![
        RawEntry::stored("caf\u{e9}", b"1"),
        RawEntry::stored("cafe\u{301}", b"2"),
    ]);
    assert_err!(check(&raw), ArchiveError::NormalizationCollision { .. });
}

#[test]
fn rejects_file_used_as_directory() {
    for (a, b) in [("a", "a/b"), ("x/y/z", "X/Y"), ("d/f", "d/f/g/h")] {
        let raw = RawArchive::of(vec![RawEntry::stored(a, b"1"), RawEntry::stored(b, b"2")]);
        assert_err!(check(&raw), ArchiveError::PathConflict { .. });
    }
}

// ---------------------------------------------------------------- entry types

#[test]
fn rejects_unix_symlink() {
    let mut e = RawEntry::stored("link", b"/etc/passwd");
    e.external = 0o120_777 << 16;
    assert_err!(check(&single(e)), ArchiveError::Symlink { name } if name == "link");
}

#[test]
fn rejects_symlink_mode_even_from_non_unix_host() {
    let mut e = RawEntry::stored("link", b"/etc/passwd");
    e.made_by = 20; // MS-DOS host
    e.external = 0o120_777 << 16;
    assert_err!(check(&single(e)), ArchiveError::Symlink { .. });
}

#[test]
fn rejects_windows_reparse_point() {
    let mut e = RawEntry::stored("link", b"x");
    e.made_by = (10 << 8) | 20; // NTFS host
    e.external = 0x400 | 0x20;
    assert_err!(check(&single(e)), ArchiveError::Symlink { .. });
}

#[test]
fn rejects_non_regular_unix_entries() {
    for (mode, kind) in [
        (0o040_755, "directory"),
        (0o010_644, "FIFO"),
        (0o020_644, "character device"),
        (0o060_644, "block device"),
        (0o140_644, "socket"),
    ] {
        let mut e = RawEntry::stored("thing", b"");
        e.external = mode << 16;
        assert_err!(
            check(&single(e)),
            ArchiveError::NotRegularFile { kind: k, .. } if *k == kind
        );
    }
}

#[test]
fn rejects_msdos_directory_attribute() {
    let mut e = RawEntry::stored("dir", b"");
    e.made_by = 20;
    e.external = 0x10;
    assert_err!(check(&single(e)), ArchiveError::NotRegularFile { kind: "MS-DOS directory", .. });
    let mut e = RawEntry::stored("label", b"");
    e.external = 0x08;
    assert_err!(
        check(&single(e)),
        ArchiveError::NotRegularFile { kind: "MS-DOS volume label", .. }
    );
}

#[test]
fn rejects_plain_dos_attributes() {
    // Harmless in itself, but not what the writer emits: another spelling of the archive.
    let mut e = RawEntry::stored("file", b"x");
    e.made_by = 10;
    e.external = 0x20 | 0x01; // archive + read-only
    assert_err!(
        check(&single(e)),
        ArchiveError::NonCanonicalField {
            field: "version made by",
            found: 10,
            expected: 0x30a,
            ..
        }
    );
    let mut e = RawEntry::stored("file", b"x");
    e.external = 0x20 | 0x01;
    assert_err!(
        check(&single(e)),
        ArchiveError::NonCanonicalField { field: "external attributes", found: 0x21, .. }
    );
}

// ---------------------------------------------------------------- header consistency

#[test]
fn rejects_local_header_mismatches() {
    type Edit = fn(&mut RawHeader);
    let cases: [(&str, Edit); 7] = [
        ("name", |h| h.name = b"other.txt".to_vec()),
        ("compression method", |h| h.method = 8),
        ("CRC-32", |h| h.crc32 ^= 1),
        ("compressed size", |h| h.compressed_size += 1),
        ("uncompressed size", |h| h.size += 1),
        ("flags", |h| h.flags |= 1 << 1),
        ("modification time", |h| h.time = 1),
    ];
    for (field, edit) in cases {
        let mut e = RawEntry::stored("a.txt", b"content");
        edit(&mut e.local);
        let raw = RawArchive::of(vec![e, RawEntry::stored("z.txt", b"zzz")]);
        assert_err!(
            check(&raw),
            ArchiveError::LocalHeaderMismatch { name, field: f } if name == "a.txt" && *f == field
        );
    }
}

#[test]
fn rejects_local_name_differing_only_in_case() {
    let mut e = RawEntry::stored("a.txt", b"content");
    e.local.name = b"A.txt".to_vec();
    assert_err!(check(&single(e)), ArchiveError::LocalHeaderMismatch { field: "name", .. });
}

#[test]
fn rejects_bad_local_signature() {
    let mut bytes = good().build();
    bytes[0] = b'X';
    assert_err!(open_and_verify(&bytes), ArchiveError::Malformed { offset: 0, .. });
}

// ---------------------------------------------------------------- layout

#[test]
fn rejects_overlapping_entries_same_offset() {
    let mut twin = RawEntry::stored("b.txt", b"alpha");
    twin.in_local = false;
    twin.offset_override = Some(0);
    let raw = RawArchive::of(vec![RawEntry::stored("a.txt", b"alpha"), twin]);
    assert_err!(
        check(&raw),
        ArchiveError::OverlappingEntries { name, other } if name == "b.txt" && other == "a.txt"
    );
}

#[test]
fn rejects_entry_starting_inside_another() {
    // "inner" is a complete local entry hidden inside outer's stored data.
    let inner = RawArchive::of(vec![RawEntry::stored("inner", b"payload")]).build();
    let local_len = 30 + "inner".len() + b"payload".len();
    let mut outer_data = b"head".to_vec();
    outer_data.extend_from_slice(&inner[..local_len]);
    let outer = RawEntry::stored("outer", &outer_data);
    let mut inner_entry = RawEntry::stored("inner", b"payload");
    inner_entry.in_local = false;
    inner_entry.offset_override = Some(30 + 5 + 4);
    // Listed first, as its name sorts first; the layout check finds the overlap.
    let raw = RawArchive::of(vec![inner_entry, outer]);
    assert_err!(check(&raw), ArchiveError::OverlappingEntries { name, .. } if name == "inner");
}

#[test]
fn rejects_hidden_local_entry_between_members() {
    let mut hidden = RawEntry::stored("hidden", b"secret");
    hidden.in_central = false;
    let raw = RawArchive::of(vec![
        RawEntry::stored("a.txt", b"1"),
        hidden,
        RawEntry::stored("b.txt", b"2"),
    ]);
    assert_err!(
        check(&raw),
        ArchiveError::HiddenData { after: Some(a), .. } if a == "a.txt"
    );
}

#[test]
fn rejects_hidden_local_entry_before_central_directory() {
    let mut hidden = RawEntry::stored("hidden", b"secret");
    hidden.in_central = false;
    let raw = RawArchive::of(vec![RawEntry::stored("a.txt", b"1"), hidden]);
    assert_err!(check(&raw), ArchiveError::HiddenData { len, .. } if *len == 30 + 6 + 6);
}

#[test]
fn rejects_gap_between_members() {
    let mut e = RawEntry::stored("a.txt", b"1");
    e.gap_after = vec![0; 3];
    let raw = RawArchive::of(vec![e, RawEntry::stored("b.txt", b"2")]);
    assert_err!(check(&raw), ArchiveError::HiddenData { len: 3, .. });
}

#[test]
fn rejects_prepended_data_with_adjusted_offsets() {
    // Like a self-extracting stub: all offsets account for the prefix.
    let mut raw = good();
    raw.prefix = b"MZ\x90\x00stub".to_vec();
    assert_err!(check(&raw), ArchiveError::PrependedData { len: 8 });
}

#[test]
fn rejects_prepended_data_in_empty_archive() {
    let raw = RawArchive { prefix: b"junk".to_vec(), ..Default::default() };
    assert_err!(check(&raw), ArchiveError::PrependedData { len: 4 });
}

#[test]
fn rejects_plain_concatenation() {
    let mut bytes = b"prefix".to_vec();
    bytes.extend_from_slice(&good().build());
    assert_err!(open_and_verify(&bytes), ArchiveError::PrependedData { len: 6 });

    let mut bytes = b"prefix".to_vec();
    bytes.extend_from_slice(&RawArchive::default().build());
    assert_err!(open_and_verify(&bytes), ArchiveError::PrependedData { len: 6 });
}

#[test]
fn rejects_trailing_data() {
    let mut bytes = write_bundle(&[("a", Compression::Stored, b"x")]);
    bytes.extend_from_slice(b"trailer");
    assert_err!(open_and_verify(&bytes), ArchiveError::TrailingData { len: 7 });
}

#[test]
fn rejects_archive_comment() {
    let mut raw = good();
    raw.comment = b"hello".to_vec();
    assert_err!(check(&raw), ArchiveError::ArchiveComment { len: 5 });
}

#[test]
fn rejects_archive_comment_added_to_writer_output() {
    let mut bytes = write_bundle(&[("a", Compression::Stored, b"x")]);
    let n = bytes.len();
    bytes[n - 2..].copy_from_slice(&3u16.to_le_bytes());
    bytes.extend_from_slice(b"abc");
    assert_err!(open_and_verify(&bytes), ArchiveError::ArchiveComment { len: 3 });
}

#[test]
fn rejects_missing_end_record() {
    assert_err!(open_and_verify(b""), ArchiveError::MissingEndRecord);
    assert_err!(
        open_and_verify(b"this is certainly not a zip archive"),
        ArchiveError::MissingEndRecord
    );
    let bytes = good().build();
    assert_err!(open_and_verify(&bytes[..bytes.len() - 1]), ArchiveError::MissingEndRecord);
}

#[test]
fn rejects_central_directory_past_end_record() {
    let mut raw = good();
    raw.end.cd_size = Some(0x7fff);
    assert_err!(check(&raw), ArchiveError::CentralDirectoryOutOfBounds { .. });
    let mut raw = good();
    raw.end.cd_offset = Some(u32::MAX - 1);
    assert_err!(check(&raw), ArchiveError::CentralDirectoryOutOfBounds { .. });
}

#[test]
fn rejects_gap_before_end_record() {
    let mut raw = good();
    raw.cd_gap = vec![0; 8];
    assert_err!(check(&raw), ArchiveError::GapBeforeEndRecord { len: 8, .. });
}

#[test]
fn rejects_entry_count_mismatch() {
    for declared in [1u16, 3] {
        let mut raw = good();
        raw.end.entries = Some(declared);
        raw.end.disk_entries = Some(declared);
        assert_err!(
            check(&raw),
            ArchiveError::EntryCountMismatch { declared: d, .. } if *d == u64::from(declared)
        );
    }
}

#[test]
fn rejects_entry_reaching_into_central_directory() {
    let e = RawEntry::stored("a.txt", b"abc").both(|h| {
        h.size = 100;
        h.compressed_size = 100;
    });
    assert_err!(
        check(&single(e)),
        ArchiveError::EntryOverlapsCentralDirectory { name } if name == "a.txt"
    );
}

#[test]
fn rejects_multi_disk_archives() {
    let mut raw = good();
    raw.end.disk = Some(1);
    assert_err!(check(&raw), ArchiveError::MultiDisk { .. });

    let mut raw = good();
    raw.end.cd_disk = Some(1);
    assert_err!(check(&raw), ArchiveError::MultiDisk { .. });

    let mut raw = good();
    raw.end.disk_entries = Some(1);
    assert_err!(check(&raw), ArchiveError::MultiDisk { .. });

    let mut raw = good();
    raw.entries[1].disk_start = 1;
    assert_err!(check(&raw), ArchiveError::MultiDisk { detail } if detail.contains("b/c.txt"));

    let mut raw = good();
    raw.zip64 = Some(Zip64End { locator_disks: Some(2), ..Default::default() });
    assert_err!(check(&raw), ArchiveError::MultiDisk { .. });

    let mut raw = good();
    raw.zip64 = Some(Zip64End { record_disk: Some(1), ..Default::default() });
    assert_err!(check(&raw), ArchiveError::MultiDisk { .. });
}

#[test]
fn rejects_split_archive_marker() {
    // Split archives start with the spanning signature "PK\x07\x08".
    let mut raw = good();
    raw.prefix = b"PK\x07\x08".to_vec();
    assert_err!(check(&raw), ArchiveError::PrependedData { len: 4 });
}

// ---------------------------------------------------------------- ZIP64

#[test]
fn rejects_zip64_end_record_nothing_needs() {
    // The writer adds ZIP64 end records only for counts, sizes or offsets that do not
    // fit the classic record.
    let mut raw = good();
    raw.zip64 = Some(Zip64End::default());
    assert_err!(
        check(&raw),
        ArchiveError::NonCanonicalField { name: None, field: "ZIP64 end record present", .. }
    );
}

#[test]
fn rejects_zip64_count_disagreement() {
    let mut raw = good();
    raw.zip64 = Some(Zip64End { entries: Some(3), ..Default::default() });
    assert_err!(check(&raw), ArchiveError::EntryCountMismatch { declared: 3, found: 2 });
}

#[test]
fn rejects_end_record_disagreeing_with_zip64() {
    let mut raw = good();
    raw.zip64 = Some(Zip64End::default());
    raw.end.entries = Some(5);
    raw.end.disk_entries = Some(5);
    assert_err!(check(&raw), ArchiveError::Malformed { .. });
}

#[test]
fn rejects_misplaced_zip64_end_record() {
    let mut raw = good();
    raw.zip64 = Some(Zip64End::default());
    let mut bytes = raw.build();
    // Point the locator one byte early.
    let loc = bytes.len() - 22 - 20;
    let off = u64::from_le_bytes(bytes[loc + 8..loc + 16].try_into().expect("8 bytes"));
    bytes[loc + 8..loc + 16].copy_from_slice(&(off - 1).to_le_bytes());
    assert_err!(open_and_verify(&bytes), ArchiveError::Malformed { .. });
}

fn zip64_sized(content: &[u8]) -> RawEntry {
    let n = content.len() as u64;
    let mut e = RawEntry::stored("big.bin", content).both(|h| {
        h.version_needed = 45;
        h.size = u32::MAX;
        h.compressed_size = u32::MAX;
        h.extra = zip64_extra(&[n, n]);
    });
    e.made_by = (3 << 8) | 45;
    e
}

#[test]
fn accepts_zip64_extra_fields() {
    check(&single(zip64_sized(b"zip64 content"))).expect("zip64 sizes");

    let mut e = RawEntry::stored("a.txt", b"offset in zip64");
    e.offset_override = Some(u32::MAX);
    e.central.extra = zip64_extra(&[0]);
    check(&single(e)).expect("zip64 offset");
}

#[test]
fn rejects_malformed_zip64_extra_fields() {
    // A value the header does not mark with a sentinel.
    let mut e = zip64_sized(b"data");
    e.central.extra = zip64_extra(&[4, 4, 0]);
    assert_err!(check(&single(e)), ArchiveError::Malformed { .. });

    // Too few values for the sentinels.
    let mut e = zip64_sized(b"data");
    e.central.extra = zip64_extra(&[4]);
    assert_err!(check(&single(e)), ArchiveError::Malformed { .. });

    // A ZIP64 field although nothing needs it.
    let e = RawEntry::stored("a.txt", b"data").both(|h| h.extra = zip64_extra(&[]));
    assert_err!(check(&single(e)), ArchiveError::Malformed { .. });

    // Local ZIP64 field must hold both sizes.
    let mut e = zip64_sized(b"data");
    e.local.extra = zip64_extra(&[4]);
    assert_err!(check(&single(e)), ArchiveError::Malformed { .. });

    // Local sentinel without a ZIP64 field.
    let mut e = zip64_sized(b"data");
    e.local.extra.clear();
    assert_err!(check(&single(e)), ArchiveError::Malformed { .. });

    // Repeated ZIP64 field.
    let mut e = zip64_sized(b"data");
    let twice = [zip64_extra(&[4, 4]), zip64_extra(&[4, 4])].concat();
    e.central.extra = twice;
    assert_err!(check(&single(e)), ArchiveError::Malformed { .. });

    // Truncated extra field block.
    let e = RawEntry::stored("a.txt", b"data").both(|h| h.extra = vec![1, 0, 8, 0, 1]);
    assert_err!(check(&single(e)), ArchiveError::Malformed { .. });
}

#[test]
fn rejects_zip64_local_sizes_that_lie() {
    let mut e = zip64_sized(b"data");
    e.local.extra = zip64_extra(&[4, 5]);
    assert_err!(
        check(&single(e)),
        ArchiveError::LocalHeaderMismatch { field: "compressed size", .. }
    );
}

// ---------------------------------------------------------------- extra fields, flags, methods

#[test]
fn rejects_unicode_path_extra_field() {
    let mut field = vec![1];
    field.extend_from_slice(&crc32fast::hash(b"a.txt").to_le_bytes());
    field.extend_from_slice(b"../../evil");
    let upath = extra_field(0x7075, &field);

    let mut e = RawEntry::stored("a.txt", b"x");
    e.central.extra = upath.clone();
    assert_err!(
        check(&single(e)),
        ArchiveError::UnicodePathExtraField { location: HeaderKind::Central, .. }
    );
    let mut e = RawEntry::stored("a.txt", b"x");
    e.local.extra = upath;
    assert_err!(
        check(&single(e)),
        ArchiveError::UnicodePathExtraField { location: HeaderKind::Local, .. }
    );
}

#[test]
fn rejects_other_extra_fields() {
    // Extended timestamp (0x5455), NTFS times (0x000a), Info-ZIP Unix (0x7875).
    for id in [0x5455u16, 0x000a, 0x7875, 0xa11e] {
        let mut e = RawEntry::stored("a.txt", b"x");
        e.central.extra = extra_field(id, &[0; 5]);
        assert_err!(
            check(&single(e)),
            ArchiveError::ForbiddenExtraField { id: i, location: HeaderKind::Central, .. } if *i == id
        );
        let mut e = RawEntry::stored("a.txt", b"x");
        e.local.extra = extra_field(id, &[0; 5]);
        assert_err!(
            check(&single(e)),
            ArchiveError::ForbiddenExtraField { id: i, location: HeaderKind::Local, .. } if *i == id
        );
    }
}

#[test]
fn rejects_entry_comment() {
    let mut e = RawEntry::stored("a.txt", b"x");
    e.comment = b"note".to_vec();
    assert_err!(check(&single(e)), ArchiveError::EntryComment { name } if name == "a.txt");
}

#[test]
fn rejects_encryption() {
    for flag in [1u16 << 0, 1 << 6, 1 << 13, (1 << 0) | (1 << 6)] {
        let e = RawEntry::stored("a.txt", b"x").both(|h| h.flags |= flag);
        assert_err!(check(&single(e)), ArchiveError::Encrypted { name } if name == "a.txt");
    }
    // AES (method 99) always sets the encryption flag.
    let e = RawEntry::stored("a.txt", b"x").both(|h| {
        h.flags |= 1;
        h.method = 99;
    });
    assert_err!(check(&single(e)), ArchiveError::Encrypted { .. });
}

#[test]
fn rejects_data_descriptor_flag() {
    let e = RawEntry::stored("a.txt", b"x").both(|h| h.flags |= 1 << 3);
    assert_err!(check(&single(e)), ArchiveError::DataDescriptor { name } if name == "a.txt");
}

#[test]
fn rejects_unknown_flags() {
    for flag in [1u16 << 4, 1 << 5, 1 << 12, 1 << 15] {
        let e = RawEntry::stored("a.txt", b"x").both(|h| h.flags |= flag);
        assert_err!(
            check(&single(e)),
            ArchiveError::UnsupportedFlags { flags, .. } if *flags == flag
        );
    }
}

#[test]
fn rejects_deflate_option_flags() {
    // Harmless to readers, but the writer never sets them.
    let e = RawEntry::deflated("a.txt", b"xxxx").both(|h| h.flags |= 0b110);
    assert_err!(
        check(&single(e)),
        ArchiveError::NonCanonicalField { field: "flags", found: 6, expected: 0, .. }
    );
}

#[test]
fn rejects_unsupported_methods() {
    for method in [1u16, 9, 12, 14, 93, 95, 99] {
        let e = RawEntry::stored("a.txt", b"x").both(|h| h.method = method);
        assert_err!(
            check(&single(e)),
            ArchiveError::UnsupportedMethod { method: m, .. } if *m == method
        );
    }
}

// ---------------------------------------------------------------- sizes and content

#[test]
fn rejects_stored_size_mismatch() {
    let e = RawEntry::stored("a.txt", b"abc").both(|h| h.size = 2);
    assert_err!(
        check(&single(e)),
        ArchiveError::StoredSizeMismatch { compressed: 3, uncompressed: 2, .. }
    );
}

#[test]
fn rejects_content_longer_than_declared() {
    let content = b"0123456789".repeat(400);
    let e = RawEntry::deflated("a.txt", &content).both(|h| h.size = 100);
    assert_err!(check(&single(e)), ArchiveError::ContentTooLong { declared: 100, .. });
}

#[test]
fn rejects_content_shorter_than_declared() {
    let content = b"0123456789".repeat(400);
    let e = RawEntry::deflated("a.txt", &content).both(|h| h.size = 4001);
    assert_err!(
        check(&single(e)),
        ArchiveError::ContentTooShort { declared: 4001, actual: 4000, .. }
    );
}

#[test]
fn rejects_crc_mismatch() {
    let e = RawEntry::deflated("a.txt", b"some content").both(|h| h.crc32 ^= 0x8000_0000);
    assert_err!(check(&single(e)), ArchiveError::CrcMismatch { .. });
}

#[test]
fn rejects_tampered_content_in_writer_output() {
    let bytes = write_bundle(&[("a.txt", Compression::Stored, b"original content")]);
    let pos = 30 + "a.txt".len();
    let mut tampered = bytes.clone();
    tampered[pos] ^= 0x20;
    // The layout is still valid; only reading the content reveals it.
    let opened = open_bytes(&tampered).expect("layout is intact");
    assert_err!(
        opened.archive.read_to_sink("a.txt", &mut Vec::new()),
        ArchiveError::CrcMismatch { name, .. } if name == "a.txt"
    );
}

#[test]
fn rejects_deflate_stream_shorter_than_compressed_size() {
    let mut e = RawEntry::deflated("a.txt", b"hello hello");
    e.data.extend_from_slice(b"HIDDEN");
    let n = e.data.len() as u32;
    let e = e.both(|h| h.compressed_size = n);
    assert_err!(check(&single(e)), ArchiveError::CompressedSizeMismatch { .. });
}

#[test]
fn rejects_truncated_deflate_stream() {
    let content: Vec<u8> = (0..20_000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let mut e = RawEntry::deflated("a.txt", &content);
    e.data.truncate(e.data.len() - 10);
    let n = e.data.len() as u32;
    let e = e.both(|h| h.compressed_size = n);
    assert_err!(
        check(&single(e)),
        ArchiveError::CompressedSizeMismatch { reason, .. } if reason.contains("ends before the deflate stream")
    );
}

#[test]
fn rejects_deflated_member_with_no_data() {
    let e = RawEntry::deflated("a.txt", b"").both(|h| h.compressed_size = 0);
    let mut e = e;
    e.data.clear();
    assert_err!(check(&single(e)), ArchiveError::CompressedSizeMismatch { .. });
}

#[test]
fn rejects_corrupt_deflate_stream() {
    let mut e = RawEntry::stored("a.txt", &[0xff; 16]).both(|h| {
        h.method = 8;
        h.version_needed = 20;
    });
    e.made_by = (3 << 8) | 20;
    e.data = vec![0xff; 16];
    assert_err!(check(&single(e)), ArchiveError::CorruptDeflate { name, .. } if name == "a.txt");
}

// ---------------------------------------------------------------- limits

#[test]
fn enforces_entry_count_limit() {
    let limits = Limits { max_entries: 1, ..Limits::default() };
    assert_err!(
        open_bytes_with(&good().build(), limits),
        ArchiveError::TooManyEntries { count: 2, limit: 1 }
    );
}

#[test]
fn enforces_entry_size_limit() {
    let limits = Limits { max_entry_size: 10, ..Limits::default() };
    let raw = single(RawEntry::stored("a.txt", &[0; 11]));
    assert_err!(
        open_bytes_with(&raw.build(), limits),
        ArchiveError::EntryTooLarge { size: 11, limit: 10, .. }
    );
}

#[test]
fn enforces_total_size_limit() {
    let limits = Limits { max_total_size: 15, ..Limits::default() };
    let raw =
        RawArchive::of(vec![RawEntry::stored("a", &[0; 10]), RawEntry::stored("b", &[0; 10])]);
    assert_err!(
        open_bytes_with(&raw.build(), limits),
        ArchiveError::TotalSizeTooLarge { total: 20, limit: 15 }
    );
}

#[test]
fn enforces_central_directory_size_limit() {
    let limits = Limits { max_central_directory_size: 50, ..Limits::default() };
    assert_err!(
        open_bytes_with(&good().build(), limits),
        ArchiveError::CentralDirectoryTooLarge { limit: 50, .. }
    );
}

#[test]
fn rejects_real_zip_bomb_by_declared_ratio() {
    let zeros = vec![0u8; 4 << 20];
    let e = RawEntry::deflated("bomb", &zeros);
    assert!(e.data.len() * 1000 < zeros.len(), "deflate ratio too low for test");
    assert_err!(
        check(&single(e)),
        ArchiveError::CompressionRatio { name, limit: 1000, .. } if name == "bomb"
    );
}

#[test]
fn rejects_lying_declared_sizes_for_ratio() {
    let e = RawEntry::deflated("bomb", b"tiny").both(|h| h.size = 2 << 20);
    assert_err!(check(&single(e)), ArchiveError::CompressionRatio { .. });
    // Zero compressed bytes for a large member.
    let e = RawEntry::deflated("bomb", b"").both(|h| {
        h.size = 2 << 20;
        h.compressed_size = 0;
    });
    let mut e = e;
    e.data.clear();
    assert_err!(check(&single(e)), ArchiveError::CompressionRatio { .. });
}

/// Counts bytes without storing them.
struct CountingSink(u64);

impl Write for CountingSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0 += buf.len() as u64;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[test]
fn stops_inflating_at_declared_size() {
    // 64 MiB of zeros declared as 1 MiB: must stop right after 1 MiB.
    let zeros = vec![0u8; 64 << 20];
    let declared = 1u32 << 20;
    let e = RawEntry::deflated("bomb", &zeros).both(|h| {
        h.size = declared;
        h.crc32 = crc32fast::hash(&zeros[..declared as usize]);
    });
    let opened = open_bytes(&single(e).build()).expect("declared sizes are fine");
    let mut sink = CountingSink(0);
    assert_err!(
        opened.archive.read_to_sink("bomb", &mut sink),
        ArchiveError::ContentTooLong { .. }
    );
    assert_eq!(sink.0, u64::from(declared));
}

// ---------------------------------------------------------------- reader API

#[test]
fn read_api_streams_and_verifies() {
    let content = b"streamed content ".repeat(10_000);
    let raw = RawArchive::of(vec![
        RawEntry::deflated("big.txt", &content),
        RawEntry::stored("small.txt", b"small"),
    ]);
    let opened = open_bytes(&raw.build()).expect("open");
    let archive = &opened.archive;

    let m = archive.member("big.txt").expect("member");
    assert_eq!(m.size(), content.len() as u64);
    assert_eq!(m.compression(), Compression::Deflated);
    assert_eq!(m.crc32(), crc32fast::hash(&content));
    assert!(m.compressed_size() < m.size());

    // Two readers on one archive, interleaved: positional reads don't interfere.
    let mut r1 = archive.open_member("big.txt").expect("open big");
    let mut r2 = archive.open_member("small.txt").expect("open small");
    let mut got1 = vec![0u8; 1000];
    r1.read_exact(&mut got1).expect("read big");
    let mut got2 = Vec::new();
    r2.read_to_end(&mut got2).expect("read small");
    r1.read_to_end(&mut got1).expect("read rest of big");
    assert_eq!(got1, content);
    assert_eq!(got2, b"small");
    assert_eq!(r1.read(&mut [0u8; 8]).expect("after end"), 0);

    let mut out = Vec::new();
    assert_eq!(archive.read_to_sink("big.txt", &mut out).expect("sink"), content.len() as u64);
    assert_eq!(out, content);
    assert_err!(
        archive.open_member("nope"),
        ArchiveError::NoSuchMember { name } if name == "nope"
    );
}

#[test]
fn read_impl_reports_errors_and_poisons() {
    let e = RawEntry::stored("a.txt", b"abc").both(|h| h.crc32 ^= 1);
    let opened = open_bytes(&single(e).build()).expect("open");
    let mut r = opened.archive.open_member("a.txt").expect("open");
    let err = r.read_to_end(&mut Vec::new()).expect_err("crc");
    let inner =
        err.get_ref().and_then(|e| e.downcast_ref::<ArchiveError>()).expect("wrapped ArchiveError");
    assert!(matches!(inner, ArchiveError::CrcMismatch { .. }));
    let err = r.read(&mut [0u8; 4]).expect_err("poisoned");
    let inner =
        err.get_ref().and_then(|e| e.downcast_ref::<ArchiveError>()).expect("wrapped ArchiveError");
    assert!(matches!(inner, ArchiveError::ReaderPoisoned { .. }));
    // `finish` cannot be skipped past either.
    let r = opened.archive.open_member("a.txt").expect("open");
    assert_err!(r.finish(), ArchiveError::CrcMismatch { .. });
}

#[test]
fn sink_errors_are_reported() {
    struct Failing;
    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::other("disk full"))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }
    let opened = open_bytes(&good().build()).expect("open");
    assert_err!(
        opened.archive.read_to_sink("a.txt", &mut Failing),
        ArchiveError::Sink { name, .. } if name == "a.txt"
    );
}

#[test]
fn io_errors_name_the_file() {
    let missing = Path::new("/nonexistent/dir/bundle.zip");
    assert_err!(
        SafeArchive::open(missing, Limits::default()),
        ArchiveError::Io { path, .. } if path == missing
    );
}

// ---------------------------------------------------------------- writer

fn sample() -> Vec<Spec<'static>> {
    vec![
        ("a.txt", Compression::Deflated, b"hello hello hello hello"),
        ("b/c.bin", Compression::Stored, b"\x00\x01\x02\x03"),
        ("b/empty", Compression::Deflated, b""),
        ("b/empty-stored", Compression::Stored, b""),
        ("donn\u{e9}es/\u{e9}t\u{e9}.json", Compression::Deflated, b"{\"k\": 1}"),
        ("z", Compression::Deflated, &[7; 100_000]),
    ]
}

#[test]
fn writer_round_trips_through_reader() {
    let specs = sample();
    let bytes = write_bundle(&specs);
    let opened = open_bytes(&bytes).expect("writer output must pass the strict reader");
    let members = opened.archive.members();
    assert_eq!(members.len(), specs.len());
    for ((name, compression, data), m) in specs.iter().zip(members) {
        assert_eq!(m.name(), *name);
        assert_eq!(m.compression(), *compression);
        assert_eq!(m.size(), data.len() as u64);
        let mut out = Vec::new();
        opened.archive.read_to_sink(name, &mut out).expect("read");
        assert_eq!(&out, data);
    }
}

#[test]
fn writer_output_has_fixed_metadata() {
    let bytes =
        write_bundle(&[("a", Compression::Deflated, b"x"), ("b", Compression::Stored, b"y")]);
    let u16_at = |p: usize| u16::from_le_bytes([bytes[p], bytes[p + 1]]);
    let u32_at = |p: usize| u32::from_le_bytes(bytes[p..p + 4].try_into().expect("4 bytes"));
    // First local header.
    assert_eq!(u32_at(0), 0x0403_4b50);
    assert_eq!(u16_at(6) & (1 << 3), 0, "no data descriptor");
    assert_eq!((u16_at(10), u16_at(12)), (0, 0x21), "1980-01-01 00:00:00");
    assert_eq!(u16_at(28), 0, "no extra fields");
    // Every central entry.
    let mut count = 0;
    for p in (0..bytes.len() - 4).filter(|&p| u32_at(p) == 0x0201_4b50) {
        count += 1;
        assert_eq!(bytes[p + 5], 3, "made by Unix");
        assert_eq!((u16_at(p + 12), u16_at(p + 14)), (0, 0x21));
        assert_eq!(u16_at(p + 30), 0, "no extra fields");
        assert_eq!(u16_at(p + 32), 0, "no comment");
        assert_eq!(u32_at(p + 38), 0o100_644 << 16, "regular file 0644");
    }
    assert_eq!(count, 2);
    assert_eq!(u16_at(bytes.len() - 2), 0, "no archive comment");
}

/// Returns data in irregular small pieces, to prove chunking doesn't leak into the output.
struct Jittery<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Jittery<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.step = (self.step * 31 + 7) % 997 + 1;
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

#[test]
fn writer_is_deterministic() {
    let specs = sample();
    let first = write_bundle(&specs);
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let second = write_bundle(&specs);
    assert_eq!(first, second, "same input must give identical bytes");

    // Same content through a reader with irregular read sizes.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("j.zip");
    let mut w = BundleWriter::create(&path).expect("create");
    for (name, compression, data) in &specs {
        let mut r = Jittery { data, step: 1 };
        w.add_stream(name, data.len() as u64, *compression, &mut r).expect("add");
    }
    w.finish().expect("finish");
    assert_eq!(fs_err::read(&path).expect("read"), first);
}

#[test]
fn writer_requires_sorted_unique_names() {
    let cases: Vec<(&[&str], Matcher)> = vec![
        (&["b", "a"], |e| matches!(e, ArchiveError::NotSorted { .. })),
        (&["a", "a"], |e| matches!(e, ArchiveError::DuplicateName { .. })),
        (&["B", "b"], |e| matches!(e, ArchiveError::CaseCollision { .. })),
        (&["STRASSE", "stra\u{df}e"], |e| matches!(e, ArchiveError::CaseCollision { .. })),
        (&["a", "a/b"], |e| matches!(e, ArchiveError::PathConflict { .. })),
        (&["a/b", "a/b/c"], |e| matches!(e, ArchiveError::PathConflict { .. })),
    ];
    for (names, expected) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut w = BundleWriter::create(&dir.path().join("x.zip")).expect("create");
        let mut result = Ok(());
        for name in names {
            result = w.add_bytes(name, Compression::Stored, b"x");
            if result.is_err() {
                break;
            }
        }
        let e = result.expect_err("must be rejected");
        assert!(expected(&e), "{names:?}: unexpected {e:?}");
        assert!(dir_entries(dir.path()).is_empty(), "{names:?}: temp file left");
    }
}

#[test]
fn writer_accepts_directory_siblings() {
    // "a-b" sorts between "a" and "a/b" byte-wise; "a" as a directory is fine
    // as long as no member is named "a".
    write_bundle(&[
        ("B/y", Compression::Stored, b"6"),
        ("a-b", Compression::Stored, b"1"),
        ("a/b", Compression::Stored, b"2"),
        ("a/c", Compression::Stored, b"3"),
        ("a0", Compression::Stored, b"4"),
        // Directories differing in case merge on case-insensitive systems
        // without any file colliding, so this is allowed.
        ("b/x", Compression::Stored, b"5"),
    ]);
}

#[test]
fn writer_checks_stream_length() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("x.zip");

    let mut w = BundleWriter::create(&target).expect("create");
    assert_err!(
        w.add_stream("a", 10, Compression::Deflated, &mut &b"short"[..]),
        ArchiveError::InputTooShort { declared: 10, actual: 5, .. }
    );
    assert!(dir_entries(dir.path()).is_empty());

    let mut w = BundleWriter::create(&target).expect("create");
    assert_err!(
        w.add_stream("a", 3, Compression::Stored, &mut &b"too long"[..]),
        ArchiveError::InputTooLong { declared: 3, .. }
    );
    assert!(dir_entries(dir.path()).is_empty());

    struct Broken;
    impl Read for Broken {
        fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
            Err(io::Error::other("source vanished"))
        }
    }
    let mut w = BundleWriter::create(&target).expect("create");
    assert_err!(
        w.add_stream("a", 3, Compression::Stored, &mut Broken),
        ArchiveError::Input { name, .. } if name == "a"
    );
    assert!(dir_entries(dir.path()).is_empty());
    assert!(!target.exists());
}

#[test]
fn writer_dropped_without_finish_leaves_nothing() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("x.zip");
    let mut w = BundleWriter::create(&target).expect("create");
    w.add_bytes("a", Compression::Deflated, &[1; 100_000]).expect("add");
    assert_eq!(dir_entries(dir.path()).len(), 1, "temp file while writing");
    drop(w);
    assert!(dir_entries(dir.path()).is_empty());
}

#[test]
fn writer_replaces_target_only_on_finish() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("x.zip");
    fs_err::write(&target, b"old").expect("seed");

    // A failed write leaves the old file alone.
    let mut w = BundleWriter::create(&target).expect("create");
    let _ = w.add_bytes("b", Compression::Stored, b"1");
    let _ = w.add_bytes("a", Compression::Stored, b"2");
    drop(w);
    assert_eq!(fs_err::read(&target).expect("read"), b"old");

    let mut w = BundleWriter::create(&target).expect("create");
    w.add_bytes("a", Compression::Stored, b"new").expect("add");
    assert_eq!(fs_err::read(&target).expect("read"), b"old");
    w.finish().expect("finish");
    assert_eq!(dir_entries(dir.path()), std::slice::from_ref(&target));
    let archive = SafeArchive::open(&target, Limits::default()).expect("open");
    let mut out = Vec::new();
    archive.read_to_sink("a", &mut out).expect("read");
    assert_eq!(out, b"new");
}

#[test]
fn writer_reports_zip_crate_errors() {
    // Longer than a ZIP header can describe; only the zip crate notices.
    let name = "a".repeat(70_000);
    let dir = tempfile::tempdir().expect("tempdir");
    let mut w = BundleWriter::create(&dir.path().join("x.zip")).expect("create");
    assert_err!(w.add_bytes(&name, Compression::Stored, b"x"), ArchiveError::Zip { .. });
    assert!(dir_entries(dir.path()).is_empty());
}

#[test]
fn public_types_are_thread_safe() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    send::<BundleWriter>();
    send::<SafeArchive>();
    sync::<SafeArchive>();
    send::<MemberReader<'_>>();
    send::<ArchiveError>();
    sync::<ArchiveError>();
}

#[test]
fn writer_create_fails_for_missing_directory() {
    assert_err!(BundleWriter::create(Path::new("/nonexistent/dir/x.zip")), ArchiveError::Io { .. });
}

#[test]
fn writer_zip64_member_round_trips() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("z64.zip");
    let mut w = BundleWriter::create(&path).expect("create");
    let data = b"forced zip64 sizes ".repeat(50);
    w.add_impl("a", data.len() as u64, Compression::Deflated, &mut &data[..], true).expect("add");
    w.add_impl("b", data.len() as u64, Compression::Stored, &mut &data[..], true).expect("add");
    w.add_bytes("c", Compression::Stored, b"plain").expect("add");
    w.finish().expect("finish");
    let archive = SafeArchive::open(&path, Limits::default()).expect("open zip64 members");
    for name in ["a", "b"] {
        let mut out = Vec::new();
        archive.read_to_sink(name, &mut out).expect("read");
        assert_eq!(out, data);
    }
    unzip_check(&path, &["a", "b", "c"]);
}

#[test]
fn writer_many_entries_use_zip64_end_record() {
    // More than 65535 entries forces the ZIP64 end-of-central-directory record.
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("many.zip");
    let mut w = BundleWriter::create(&path).expect("create");
    let names: Vec<String> = (0..65_540).map(|i| format!("f{i:06}")).collect();
    for name in &names {
        w.add_bytes(name, Compression::Stored, b"").expect("add");
    }
    w.finish().expect("finish");
    let bytes = fs_err::read(&path).expect("read");
    let n = bytes.len();
    assert_eq!(&bytes[n - 22 - 20..n - 22 - 16], b"PK\x06\x07", "ZIP64 locator");
    let archive = SafeArchive::open(&path, Limits::default()).expect("open");
    assert_eq!(archive.members().len(), names.len());
    archive.verify_all().expect("verify");
}

/// Checks writer output with Info-ZIP's `unzip`, if installed.
fn unzip_check(path: &Path, expected: &[&str]) {
    let listed = match Command::new("unzip").arg("-Z1").arg(path).env("LC_ALL", "C.UTF-8").output()
    {
        Ok(out) => out,
        Err(e) => {
            eprintln!("SKIPPED unzip check: `unzip` is not available ({e})");
            return;
        }
    };
    assert!(listed.status.success(), "unzip -Z1 failed: {listed:?}");
    let stdout = String::from_utf8(listed.stdout).expect("utf-8 listing");
    let names: Vec<&str> = stdout.lines().collect();
    assert_eq!(names, expected);
    let tested = Command::new("unzip")
        .arg("-t")
        .arg(path)
        .env("LC_ALL", "C.UTF-8")
        .output()
        .expect("run unzip -t");
    assert!(
        tested.status.success(),
        "unzip -t rejected the archive: {}",
        String::from_utf8_lossy(&tested.stdout)
    );
}

#[test]
fn writer_output_is_accepted_by_unzip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bundle.zip");
    let specs = sample();
    let mut w = BundleWriter::create(&path).expect("create");
    for (name, compression, data) in &specs {
        w.add_bytes(name, *compression, data).expect("add");
    }
    w.finish().expect("finish");
    let names: Vec<&str> = specs.iter().map(|s| s.0).collect();
    unzip_check(&path, &names);
}

// ---------------------------------------------------------------- compression_for

#[test]
fn compressed_media_types() {
    for stored in [
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "application/zip",
        "application/gzip",
        "application/x-gzip",
        "application/zstd",
        "application/x-xz",
        "application/x-bzip2",
        "video/mp4",
        "audio/mpeg",
        "IMAGE/PNG",
        "application/epub+zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        " application/zip ; q=1",
    ] {
        assert!(compressed_media_type(stored), "{stored}");
        // Stored whatever the content: no trial.
        assert_eq!(compression_for(stored, &csv_text(10_000)), Compression::Stored, "{stored}");
    }
    for by_content in [
        "application/json",
        "text/plain; charset=utf-8",
        "text/csv",
        "image/svg+xml",
        "image/bmp",
        "audio/wav",
        "application/pdf",
        "application/octet-stream",
        "",
        "garbage",
    ] {
        assert!(!compressed_media_type(by_content), "{by_content}");
    }
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

#[test]
fn compression_for_content_stores_the_incompressible_and_deflates_text() {
    let octet = "application/octet-stream";
    // Random bytes: the trial saves nothing.
    assert_eq!(compression_for(octet, &noise(TRIAL_BLOCK, 1)), Compression::Stored);
    assert_eq!(compression_for(octet, &noise(3000, 2)), Compression::Stored);
    // Text deflates, whatever its media type says.
    let json = br#"{"user":"alice@example.com","role":"admin","mfa":true},"#.repeat(2000);
    assert_eq!(compression_for(octet, &csv_text(TRIAL_BLOCK)), Compression::Deflated);
    assert_eq!(compression_for("application/json", &json), Compression::Deflated);
    assert_eq!(compression_for("text/csv", &csv_text(5000)), Compression::Deflated);
    // Empty and tiny contents gain nothing.
    assert_eq!(compression_for("text/plain", b""), Compression::Stored);
    assert_eq!(compression_for("text/plain", b"hello"), Compression::Stored);
    // Only the first block counts: text after random bytes does not change the choice,
    // nor random bytes after text.
    let mut mixed = noise(TRIAL_BLOCK, 3);
    mixed.extend_from_slice(&csv_text(1 << 20));
    assert_eq!(compression_for(octet, &mixed), Compression::Stored);
    let mut mixed = csv_text(TRIAL_BLOCK);
    mixed.extend_from_slice(&noise(1 << 20, 4));
    assert_eq!(compression_for(octet, &mixed), Compression::Deflated);
    // A PDF goes by its content: an uncompressed one is deflated.
    let pdf = [&b"%PDF-1.4\n"[..], &csv_text(20_000)].concat();
    assert_eq!(compression_for("application/pdf", &pdf), Compression::Deflated);
    let pdf = [&b"%PDF-1.4\n"[..], &noise(20_000, 5)].concat();
    assert_eq!(compression_for("application/pdf", &pdf), Compression::Stored);
}

#[test]
fn compression_for_content_stores_compressed_formats_by_magic() {
    // Each header followed by compressible text, so only the magic bytes can store it.
    let text = csv_text(20_000);
    let mut gzip = Vec::new();
    {
        let mut e = flate2::write::GzEncoder::new(&mut gzip, flate2::Compression::fast());
        e.write_all(&text).expect("gzip");
        e.finish().expect("gzip");
    }
    assert!(gzip.starts_with(b"\x1f\x8b"));
    assert_eq!(compression_for("application/octet-stream", &gzip), Compression::Stored);
    for magic in [
        &b"PK\x03\x04"[..],
        b"\x1f\x8b\x08\x00",
        b"BZh9",
        b"\xfd7zXZ\x00",
        b"\x28\xb5\x2f\xfd",
        b"7z\xbc\xaf\x27\x1c",
        b"\x89PNG\r\n\x1a\n",
        b"\xff\xd8\xff\xe0",
        b"GIF89a",
        b"RIFF\x10\x00\x00\x00WEBPVP8 ",
        b"\x00\x00\x00\x20ftypisom",
        b"\x00\x00\x00\x14ftypqt  ",
    ] {
        let content = [magic, &text].concat();
        assert!(compressed_magic(&content), "{magic:?}");
        assert_eq!(compression_for("application/octet-stream", &content), Compression::Stored);
    }
    for plain in [&b"RIFF\x10\x00\x00\x00WAVEfmt "[..], b"%PDF-1.7", b"PK", b"", b"user,role\n"] {
        assert!(!compressed_magic(plain), "{plain:?}");
    }
}

// ---------------------------------------------------------------- properties

mod properties {
    use super::*;
    use proptest::prelude::*;

    fn name_strategy() -> impl Strategy<Value = String> {
        let piece = prop::sample::select(vec![
            "a", "A", "b", "B", "/", ".", "..", "\u{e9}", "e\u{301}", "\\", ":", "C:", " ",
            "\u{df}", "SS", "ss", "\n", "x",
        ]);
        prop::collection::vec(piece, 1..6).prop_map(|v| v.concat())
    }

    fn writer_accepts(names: &[String]) -> bool {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("p.zip");
        let mut w = BundleWriter::create(&path).expect("create");
        for n in names {
            if w.add_bytes(n, Compression::Stored, n.as_bytes()).is_err() {
                return false;
            }
        }
        w.finish().is_ok()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// The writer and the reader apply the same name rules.
        #[test]
        fn writer_and_reader_agree_on_names(mut names in prop::collection::vec(name_strategy(), 1..5)) {
            names.sort();
            names.dedup();
            let raw = RawArchive::of(
                names.iter().map(|n| RawEntry::stored(n, n.as_bytes())).collect(),
            );
            let reader_ok = check(&raw).is_ok();
            prop_assert_eq!(writer_accepts(&names), reader_ok, "names {:?}", names);
        }

        /// Corrupting any byte never panics, and whatever is still accepted
        /// has exactly the original content.
        #[test]
        fn mutations_never_fool_the_reader(pos in any::<prop::sample::Index>(), xor in 1u8..=255) {
            let specs: [Spec<'_>; 2] = [
                ("a.txt", Compression::Deflated, b"some deflated content, some deflated content"),
                ("b/c.bin", Compression::Stored, b"stored bytes"),
            ];
            let mut bytes = write_bundle(&specs);
            let i = pos.index(bytes.len());
            bytes[i] ^= xor;
            if let Ok(opened) = open_bytes(&bytes) {
                let names: Vec<&str> = opened.archive.members().iter().map(|m| m.name()).collect();
                prop_assert_eq!(names, vec!["a.txt", "b/c.bin"]);
                for (name, _, data) in specs {
                    let mut out = Vec::new();
                    if opened.archive.read_to_sink(name, &mut out).is_ok() {
                        prop_assert_eq!(&out[..], data);
                    }
                }
            }
        }
    }
}

// ---------------------------------------------------------------- large data

/// Endless repetition of a fixed pseudo-random block (compresses ~100:1).
struct Pattern {
    block: Vec<u8>,
    pos: usize,
}

impl Read for Pattern {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        for b in buf.iter_mut() {
            *b = self.block[self.pos];
            self.pos = (self.pos + 1) % self.block.len();
        }
        Ok(buf.len())
    }
}

fn peak_rss_kib() -> Option<u64> {
    let status = fs_err::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
#[ignore = "streams a 5 GiB member; run with `cargo test --release -- --ignored`"]
fn large_member_streams_without_buffering() {
    const SIZE: u64 = 5 << 30;
    let block: Vec<u8> = (0..293u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("large.zip");
    let mut w = BundleWriter::create(&path).expect("create");
    let mut src = Pattern { block: block.clone(), pos: 0 }.take(SIZE);
    w.add_stream("large.bin", SIZE, Compression::Deflated, &mut src).expect("add");
    w.finish().expect("finish");

    let archive = SafeArchive::open(&path, Limits::default()).expect("open");
    let m = archive.member("large.bin").expect("member");
    assert_eq!(m.size(), SIZE);
    let mut sink = CountingSink(0);
    assert_eq!(archive.read_to_sink("large.bin", &mut sink).expect("read"), SIZE);
    if let Some(kib) = peak_rss_kib() {
        eprintln!("peak RSS after writing and reading {SIZE} bytes: {kib} KiB");
        assert!(kib < 256 * 1024, "peak RSS {kib} KiB: something buffered the member");
    }
    unzip_check(&path, &["large.bin"]);
}

#[cfg(unix)]
#[test]
fn finished_archive_is_world_readable_not_executable() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bundle.zip");
    let mut w = BundleWriter::create(&path).expect("create");
    w.add_bytes("a.txt", Compression::Deflated, b"alpha").expect("add");
    w.finish().expect("finish");
    let mode = fs_err::metadata(&path).expect("stat").permissions().mode();
    assert_eq!(mode & 0o7777, 0o644);
}

#[test]
fn writer_flushes_behind_large_output_and_round_trips() {
    // More than one flush interval, so the background fdatasync runs.
    const SIZE: u64 = 70 << 20;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("flushed.zip");
    let mut w = BundleWriter::create(&path).expect("create");
    let mut src = Pattern { block: (0..251u8).collect(), pos: 0 }.take(SIZE);
    w.add_stream("big.bin", SIZE, Compression::Stored, &mut src).expect("add");
    w.finish().expect("finish");
    let archive = SafeArchive::open(&path, Limits::default()).expect("open");
    let mut sink = CountingSink(0);
    assert_eq!(archive.read_to_sink("big.bin", &mut sink).expect("read"), SIZE);
}

/// CSV-like text that deflates, of any length.
fn csv_text(len: usize) -> Vec<u8> {
    let mut out = Vec::with_capacity(len + 64);
    let mut i = 0u64;
    while out.len() < len {
        i = i.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        out.extend_from_slice(format!("user{},{},keep\n", i >> 50, i >> 60).as_bytes());
    }
    out.truncate(len);
    out
}

#[test]
fn writer_prepared_members_are_byte_identical_to_streamed_ones() {
    // Sizes around the compressor's 64 KiB feeding chunk, fed to the preparer in
    // pieces that cut across it: the member must not depend on how it was added.
    let texts: Vec<(String, Compression, Vec<u8>)> = [0usize, 1, 65_535, 65_536, 65_537, 300_001]
        .iter()
        .enumerate()
        .flat_map(|(i, &len)| {
            [
                (format!("t{i}.csv"), Compression::Deflated, csv_text(len)),
                (format!("t{i}.stored"), Compression::Stored, csv_text(len)),
            ]
        })
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let streamed = dir.path().join("streamed.zip");
    let mut w = BundleWriter::create(&streamed).expect("create");
    for (name, compression, data) in &texts {
        w.add_bytes(name, *compression, data).expect("add");
    }
    w.finish().expect("finish");

    let prepared = dir.path().join("prepared.zip");
    let mut w = BundleWriter::create(&prepared).expect("create");
    for (name, compression, data) in &texts {
        let mut p = MemberPreparer::new(name, data.len() as u64, *compression).expect("new");
        let mut rest = &data[..];
        for step in [1usize, 7, 65_535, 100_000].iter().cycle() {
            if rest.is_empty() {
                break;
            }
            let (piece, tail) = rest.split_at((*step).min(rest.len()));
            p.write(piece).expect("write");
            rest = tail;
        }
        w.add_prepared(p.finish().expect("finish member")).expect("add prepared");
    }
    w.finish().expect("finish");
    let streamed = fs_err::read(&streamed).expect("read");
    assert_eq!(fs_err::read(&prepared).expect("read"), streamed);
    open_bytes(&streamed).expect("and the strict reader accepts it");
}

/// Hands out its data in pieces of the given sizes, in turn, as a `BufRead`.
struct Pieces<'a> {
    data: &'a [u8],
    steps: std::iter::Cycle<std::slice::Iter<'a, usize>>,
    piece: usize,
}

impl<'a> Pieces<'a> {
    fn new(data: &'a [u8], steps: &'a [usize]) -> Pieces<'a> {
        Pieces { data, steps: steps.iter().cycle(), piece: 0 }
    }
}

impl Read for Pieces<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let piece = io::BufRead::fill_buf(self)?;
        let n = out.len().min(piece.len());
        out[..n].copy_from_slice(&piece[..n]);
        io::BufRead::consume(self, n);
        Ok(n)
    }
}

impl io::BufRead for Pieces<'_> {
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.piece == 0 {
            self.piece = (*self.steps.next().expect("steps")).min(self.data.len());
        }
        Ok(&self.data[..self.piece])
    }

    fn consume(&mut self, n: usize) {
        self.data = &self.data[n..];
        self.piece -= n;
    }
}

#[test]
fn writer_buffered_members_are_byte_identical_to_streamed_ones() {
    // Stored content is written in the reader's pieces, deflated content in the
    // writer's fixed chunks: either way the member must not depend on the pieces.
    let texts: Vec<(String, Compression, Vec<u8>)> = [0usize, 1, 65_537, 300_001]
        .iter()
        .enumerate()
        .flat_map(|(i, &len)| {
            [
                (format!("t{i}.csv"), Compression::Deflated, csv_text(len)),
                (format!("t{i}.stored"), Compression::Stored, csv_text(len)),
            ]
        })
        .collect();
    let dir = tempfile::tempdir().expect("tempdir");
    let streamed = dir.path().join("streamed.zip");
    let mut w = BundleWriter::create(&streamed).expect("create");
    for (name, compression, data) in &texts {
        w.add_bytes(name, *compression, data).expect("add");
    }
    w.finish().expect("finish");

    let buffered = dir.path().join("buffered.zip");
    let mut w = BundleWriter::create(&buffered).expect("create");
    for (name, compression, data) in &texts {
        let mut reader = Pieces::new(data, &[1, 7, 65_535, 100_000]);
        w.add_buffered(name, data.len() as u64, *compression, &mut reader).expect("add");
    }
    w.finish().expect("finish");
    assert_eq!(fs_err::read(&buffered).expect("read"), fs_err::read(&streamed).expect("read"));
}

#[test]
fn writer_buffered_members_check_the_declared_size() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut w = BundleWriter::create(&dir.path().join("a.zip")).expect("create");
    let mut reader = Pieces::new(b"abcd", &[2]);
    assert_err!(
        w.add_buffered("a", 3, Compression::Stored, &mut reader),
        ArchiveError::InputTooLong { declared: 3, .. }
    );
    let mut w = BundleWriter::create(&dir.path().join("b.zip")).expect("create");
    let mut reader = Pieces::new(b"ab", &[1]);
    assert_err!(
        w.add_buffered("b", 3, Compression::Stored, &mut reader),
        ArchiveError::InputTooShort { declared: 3, actual: 2, .. }
    );
}

#[test]
fn preparer_checks_the_declared_size() {
    let mut p = MemberPreparer::new("a.csv", 3, Compression::Deflated).expect("new");
    p.write(b"ab").expect("write");
    assert_err!(p.write(b"cd"), ArchiveError::InputTooLong { declared: 3, .. });
    let mut p = MemberPreparer::new("a.csv", 3, Compression::Deflated).expect("new");
    p.write(b"ab").expect("write");
    assert_err!(p.finish(), ArchiveError::InputTooShort { declared: 3, actual: 2, .. });
    assert_err!(
        MemberPreparer::new("../a", 1, Compression::Deflated),
        ArchiveError::ParentTraversal { .. }
    );
}

#[test]
fn writer_keeps_name_rules_for_prepared_members() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("p.zip");
    let mut w = BundleWriter::create(&path).expect("create");
    let member = |name: &str| {
        let mut p = MemberPreparer::new(name, 1, Compression::Deflated).expect("new");
        p.write(b"x").expect("write");
        p.finish().expect("finish")
    };
    w.add_prepared(member("b")).expect("add");
    assert_err!(w.add_prepared(member("a")), ArchiveError::NotSorted { .. });
    // The failure poisons the writer and leaves nothing behind.
    assert_err!(w.add_bytes("c", Compression::Stored, b"c"), ArchiveError::WriterPoisoned { .. });
    drop(w);
    assert_eq!(fs_err::read_dir(dir.path()).expect("list").count(), 0);
}

#[test]
fn writer_removes_what_killed_exports_left_and_nothing_else() {
    let dir = tempfile::tempdir().expect("tempdir");
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    let make = |name: &str, aged: bool| {
        let path = dir.path().join(name);
        fs_err::write(&path, b"partial zip").expect("write");
        if aged {
            let f = fs_err::OpenOptions::new().write(true).open(&path).expect("open");
            f.file().set_modified(old).expect("set mtime");
        }
        path
    };
    let orphan = make(".bundle-killed.partial", true);
    // Still being written by a live export: it holds the lock, however old the file.
    let live = make(".bundle-live.partial", true);
    let held = fs_err::OpenOptions::new().write(true).open(&live).expect("open");
    held.file().lock().expect("lock");
    // Just created by another export that has not taken its lock yet.
    let fresh = make(".bundle-fresh.partial", false);
    let unrelated = make("bundle-notes.partial", true);
    let other = make(".bundle-keep.zip", true);

    let target = dir.path().join("b.zip");
    let mut w = BundleWriter::create(&target).expect("create");
    w.add_bytes("a", Compression::Stored, b"a").expect("add");
    w.finish().expect("finish");

    assert!(!orphan.exists(), "the orphan is removed");
    for kept in [&live, &fresh, &unrelated, &other] {
        assert!(kept.exists(), "{} is kept", kept.display());
    }
    drop(held);
}

#[test]
fn writer_never_removes_the_file_of_a_running_export() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut first = BundleWriter::create(&dir.path().join("first.zip")).expect("create");
    first.add_bytes("a", Compression::Stored, b"a").expect("add");
    // Make it look long-running: its file untouched for an hour.
    let old = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
    for entry in fs_err::read_dir(dir.path()).expect("list") {
        let path = entry.expect("entry").path();
        let f = fs_err::OpenOptions::new().write(true).open(&path).expect("open");
        f.file().set_modified(old).expect("set mtime");
    }
    let second = BundleWriter::create(&dir.path().join("second.zip")).expect("create");
    drop(second);
    first.add_bytes("b", Compression::Stored, b"b").expect("add");
    first.finish().expect("the first export still completes");
    let names: Vec<_> = fs_err::read_dir(dir.path())
        .expect("list")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["first.zip"]);
}

#[test]
fn evenly_spread_bytes_are_stored_without_a_trial() {
    use crate::{SPREAD_MIN, bytes_look_random};
    // Random: stored, judged by the spread alone.
    assert!(bytes_look_random(&noise(TRIAL_BLOCK, 5)));
    assert!(bytes_look_random(&noise(SPREAD_MIN, 6)));
    // Too short to judge: the trial decides.
    assert!(!bytes_look_random(&noise(SPREAD_MIN - 1, 7)));
    // Text, and binary with a skewed spread (half zeros), are not judged random.
    assert!(!bytes_look_random(&csv_text(TRIAL_BLOCK)));
    let skewed: Vec<u8> = noise(TRIAL_BLOCK, 8)
        .iter()
        .enumerate()
        .map(|(i, b)| if i % 2 == 0 { 0 } else { *b })
        .collect();
    assert!(!bytes_look_random(&skewed));
    // Every byte value equally often, but in order (a counter): its steps give it away,
    // and the trial deflates it.
    let counter: Vec<u8> = (0..TRIAL_BLOCK).map(|i| i as u8).collect();
    assert!(!bytes_look_random(&counter));
    assert_eq!(compression_for("application/octet-stream", &counter), Compression::Deflated);
    // A random 4 KiB block repeated looks random to both counts: stored without a trial,
    // although deflate would shrink it. This is the price of the shortcut, documented in
    // `compression_for`.
    // A random 4 KiB block repeated: also evenly spread, also stored.
    let repeated = noise(4096, 9).repeat(TRIAL_BLOCK / 4096);
    assert_eq!(compression_for("application/octet-stream", &repeated), Compression::Stored);
}
