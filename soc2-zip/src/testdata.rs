//! Hostile archives as data: `testdata/hostile/<case>.zip`, each with `<case>.err` beside
//! it naming the [`ArchiveError`] variant it must be rejected with (like age's testkit:
//! one file per case, one driver). The driver reads only the committed files.
//!
//! The files are made by [`cases`] below, whose expected variants are written by hand;
//! `SOC2_UPDATE_TESTDATA=1 cargo test -p soc2-zip --lib testdata` rewrites them, and
//! without it a test fails when the committed files drift from the table. Cases found
//! elsewhere (fuzzing, reports) can be added as files alone.

use std::path::{Path, PathBuf};

use super::ArchiveError;
use super::test_support::*;

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/hostile")
}

fn good() -> RawArchive {
    RawArchive::of(vec![
        RawEntry::stored("a.txt", b"alpha"),
        RawEntry::deflated("b/c.txt", &b"gamma ".repeat(100)),
    ])
}

fn single(e: RawEntry) -> RawArchive {
    RawArchive::of(vec![e])
}

fn with_mode(name: &str, external: u32) -> Vec<u8> {
    let mut e = RawEntry::stored(name, b"x");
    e.external = external;
    single(e).build()
}

/// (case name, expected variant, archive bytes).
fn cases() -> Vec<(&'static str, &'static str, Vec<u8>)> {
    let named = |name: &str| single(RawEntry::stored(name, b"x")).build();
    let mut v = vec![
        ("name-parent-traversal", "ParentTraversal", named("../evil")),
        ("name-nested-parent-traversal", "ParentTraversal", named("a/../../evil")),
        ("name-absolute", "AbsolutePath", named("/etc/passwd")),
        ("name-unc", "AbsolutePath", named("//server/share/x")),
        ("name-drive-letter", "AbsolutePath", named("C:/Windows/x")),
        ("name-backslash", "Backslash", named("..\\evil")),
        ("name-nul", "NulInName", named("a\0b")),
        ("name-newline", "ControlCharacter", named("a\nb")),
        ("name-ansi-escape", "ControlCharacter", named("a\u{1b}[31mb")),
        ("name-directory-entry", "DirectoryEntry", named("dir/")),
        ("name-empty-component", "NonCanonicalPath", named("a//b")),
        ("name-dot-component", "NonCanonicalPath", named("./a")),
        ("name-not-nfc", "NotNfc", named("e\u{301}.txt")),
        ("name-empty", "EmptyName", named("")),
        ("name-not-utf8", "NameNotUtf8", single(RawEntry::stored_raw(b"\xff\xfe", b"x")).build()),
    ];
    let pair = |a: &str, b: &str| {
        RawArchive::of(vec![RawEntry::stored(a, b"1"), RawEntry::stored(b, b"2")]).build()
    };
    v.extend([
        ("names-duplicate", "DuplicateName", pair("a.txt", "a.txt")),
        ("names-case-collision", "CaseCollision", pair("README.md", "Readme.md")),
        ("names-sharp-s-collision", "CaseCollision", pair("STRASSE", "straße")),
        ("names-nfc-collision", "NormalizationCollision", pair("caf\u{e9}", "cafe\u{301}")),
        ("names-file-used-as-directory", "PathConflict", pair("a", "a/b")),
        ("names-out-of-order", "NotSorted", pair("b.txt", "a.txt")),
    ]);
    v.extend([
        ("mode-symlink", "Symlink", with_mode("link", 0o120_777 << 16)),
        ("mode-directory", "NotRegularFile", with_mode("d", 0o040_755 << 16)),
        ("mode-fifo", "NotRegularFile", with_mode("p", 0o010_644 << 16)),
        ("mode-setuid", "NonCanonicalField", with_mode("s", 0o104_755 << 16)),
        ("mode-unreadable", "NonCanonicalField", with_mode("u", 0o100_000 << 16)),
        ("mode-windows-reparse-point", "Symlink", with_mode("w", 0x400 | 0x20)),
        ("mode-dos-attributes", "NonCanonicalField", with_mode("f", 0x21)),
    ]);
    let entry = |f: fn(&mut RawEntry)| {
        let mut e = RawEntry::stored("a.txt", b"x");
        f(&mut e);
        single(e).build()
    };
    v.extend([
        (
            "entry-version-needed-99",
            "NonCanonicalField",
            entry(|e| {
                e.local.version_needed = 99;
                e.central.version_needed = 99;
                e.made_by = (3 << 8) | 99;
            }),
        ),
        ("entry-made-by-ms-dos", "NonCanonicalField", entry(|e| e.made_by = 10)),
        (
            "entry-internal-attributes-text",
            "NonCanonicalField",
            entry(|e| {
                // Bit 0 of the internal attributes: "text file", which some tools convert.
                e.internal = 1;
            }),
        ),
        (
            "entry-time",
            "NonCanonicalField",
            entry(|e| {
                e.local.time = 0x6000;
                e.central.time = 0x6000;
            }),
        ),
        ("entry-deflate-level-flags", "NonCanonicalField", {
            RawArchive::of(vec![RawEntry::deflated("a.txt", b"xxxx").both(|h| h.flags |= 0b110)])
                .build()
        }),
        (
            "entry-utf8-flag-on-ascii-name",
            "NonCanonicalField",
            entry(|e| {
                e.local.flags = 1 << 11;
                e.central.flags = 1 << 11;
            }),
        ),
        (
            "entry-encrypted",
            "Encrypted",
            entry(|e| {
                e.local.flags = 1;
                e.central.flags = 1;
            }),
        ),
        (
            "entry-data-descriptor",
            "DataDescriptor",
            entry(|e| {
                e.local.flags = 1 << 3;
                e.central.flags = 1 << 3;
            }),
        ),
        (
            "entry-method-bzip2",
            "UnsupportedMethod",
            entry(|e| {
                e.local.method = 12;
                e.central.method = 12;
            }),
        ),
        ("entry-comment", "EntryComment", entry(|e| e.comment = b"note".to_vec())),
        (
            "entry-unicode-path-extra",
            "UnicodePathExtraField",
            entry(|e| {
                let mut field = vec![1];
                field.extend_from_slice(&crc32fast::hash(b"a.txt").to_le_bytes());
                field.extend_from_slice(b"evil.txt");
                e.central.extra = extra_field(0x7075, &field);
                e.local.extra = e.central.extra.clone();
            }),
        ),
        (
            "entry-other-extra-field",
            "ForbiddenExtraField",
            entry(|e| {
                e.central.extra = extra_field(0x5455, &[1, 0, 0, 0, 0]);
                e.local.extra = e.central.extra.clone();
            }),
        ),
        (
            "entry-local-name-differs",
            "LocalHeaderMismatch",
            entry(|e| {
                e.local.name = b"b.txt".to_vec();
            }),
        ),
        (
            "entry-crc-mismatch",
            "CrcMismatch",
            entry(|e| {
                e.local.crc32 ^= 1;
                e.central.crc32 ^= 1;
            }),
        ),
        (
            "entry-stored-sizes-differ",
            "StoredSizeMismatch",
            entry(|e| {
                e.local.size = 2;
                e.central.size = 2;
            }),
        ),
    ]);
    let archive = |f: fn(&mut RawArchive)| {
        let mut raw = good();
        f(&mut raw);
        raw.build()
    };
    v.extend([
        ("archive-comment", "ArchiveComment", archive(|r| r.comment = b"hello".to_vec())),
        ("archive-trailing-data", "TrailingData", archive(|r| r.trailing = b"trailer".to_vec())),
        ("archive-prepended-stub", "PrependedData", archive(|r| r.prefix = b"MZ stub".to_vec())),
        ("archive-split-marker", "PrependedData", archive(|r| r.prefix = b"PK\x07\x08".to_vec())),
        (
            "archive-zip64-end-not-needed",
            "NonCanonicalField",
            archive(|r| {
                r.zip64 = Some(Zip64End::default());
            }),
        ),
        ("archive-hidden-entry", "HiddenData", {
            let mut hidden = RawEntry::stored("hidden", b"secret");
            hidden.in_central = false;
            RawArchive::of(vec![
                RawEntry::stored("a.txt", b"1"),
                hidden,
                RawEntry::stored("b.txt", b"2"),
            ])
            .build()
        }),
        (
            "archive-gap-before-end-record",
            "GapBeforeEndRecord",
            archive(|r| {
                r.cd_gap = b"gap".to_vec();
            }),
        ),
        (
            "archive-entry-count-lies",
            "EntryCountMismatch",
            archive(|r| {
                r.end.entries = Some(3);
                r.end.disk_entries = Some(3);
            }),
        ),
        (
            "archive-multi-disk",
            "MultiDisk",
            archive(|r| {
                r.end.disk = Some(1);
            }),
        ),
        ("archive-truncated", "MissingEndRecord", good().build()[..40].to_vec()),
    ]);
    v
}

/// The variant name of an error: its `Debug` text up to the first non-identifier byte.
fn variant(e: &ArchiveError) -> String {
    format!("{e:?}").chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

#[test]
fn committed_hostile_archives_match_their_generator() {
    let dir = dir();
    let update = std::env::var_os("SOC2_UPDATE_TESTDATA").is_some();
    if update {
        fs_err::create_dir_all(&dir).expect("create testdata/hostile");
    }
    let mut names = std::collections::BTreeSet::new();
    for (name, expected, bytes) in cases() {
        assert!(names.insert(name), "case {name} twice");
        let (zip, err) = (dir.join(format!("{name}.zip")), dir.join(format!("{name}.err")));
        let err_text = format!("{expected}\n");
        if update {
            fs_err::write(&zip, &bytes).expect("write case");
            fs_err::write(&err, &err_text).expect("write expected error");
        } else {
            let committed = fs_err::read(&zip).expect("rerun with SOC2_UPDATE_TESTDATA=1");
            assert!(committed == bytes, "{name}.zip drifted: rerun with SOC2_UPDATE_TESTDATA=1");
            assert_eq!(fs_err::read_to_string(&err).expect("read .err"), err_text, "{name}.err");
        }
    }
}

#[test]
fn every_hostile_archive_is_rejected_with_its_expected_error() {
    let mut count = 0;
    let mut paths: Vec<PathBuf> = fs_err::read_dir(dir())
        .expect("testdata/hostile")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "zip"))
        .collect();
    paths.sort();
    let mut wrong = Vec::new();
    for zip in paths {
        let expected = fs_err::read_to_string(zip.with_extension("err"))
            .unwrap_or_else(|e| panic!("{}: no .err beside it: {e}", zip.display()));
        let expected = expected.trim();
        let bytes = fs_err::read(&zip).expect("read case");
        let got = match open_and_verify(&bytes) {
            Ok(()) => "accepted".to_owned(),
            Err(e) => variant(&e),
        };
        if got != expected {
            wrong.push(format!("{}: expected {expected}, got {got}", zip.display()));
        }
        count += 1;
    }
    assert!(count >= 50, "only {count} cases");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
