//! Every example document in `docs/examples/` parses, re-serialises byte-identically, and
//! survives the canonical form; every invalid document is rejected naming its field.

use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;
use soc2_core::json::{from_json_str, to_canonical_vec, to_pretty_string};
use soc2_core::model::{AuditFinding, AuditPeriod, Control, Evidence};

fn examples_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/examples")
}

fn json_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs_err::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no examples in {}", dir.display());
    files
}

fn round_trip<T: DeserializeOwned + Serialize + PartialEq + std::fmt::Debug>(
    folder: &str,
) -> usize {
    let files = json_files(&examples_dir().join(folder));
    for path in &files {
        let text = fs_err::read_to_string(path).unwrap();
        let value: T = from_json_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(
            to_pretty_string(&value).unwrap(),
            text,
            "{} does not round-trip",
            path.display()
        );
        let canonical = to_canonical_vec(&value).unwrap();
        let again: T = soc2_core::json::from_json_slice(&canonical).unwrap();
        assert_eq!(again, value, "{}", path.display());
        assert_eq!(to_canonical_vec(&again).unwrap(), canonical);
    }
    files.len()
}

#[test]
fn evidence_examples_round_trip() {
    let n = round_trip::<Evidence>("evidence");
    // One example per payload kind.
    assert_eq!(n, soc2_core::model::EvidenceKind::ALL.len());
}

#[test]
fn control_examples_round_trip() {
    round_trip::<Control>("control");
}

#[test]
fn finding_examples_round_trip() {
    round_trip::<AuditFinding>("audit-finding");
}

#[test]
fn period_examples_round_trip() {
    round_trip::<AuditPeriod>("audit-period");
}

#[test]
fn every_payload_kind_has_an_example() {
    let mut kinds: Vec<String> = json_files(&examples_dir().join("evidence"))
        .iter()
        .map(|p| {
            let e: Evidence = from_json_str(&fs_err::read_to_string(p).unwrap()).unwrap();
            assert_eq!(p.file_stem().unwrap().to_str().unwrap(), e.kind().as_str());
            e.kind().as_str().to_owned()
        })
        .collect();
    kinds.sort();
    let mut all: Vec<String> =
        soc2_core::model::EvidenceKind::ALL.iter().map(|k| k.as_str().to_owned()).collect();
    all.sort();
    assert_eq!(kinds, all);
}

#[test]
fn invalid_evidence_is_rejected_naming_the_field() {
    let dir = examples_dir().join("invalid");
    let expected: std::collections::BTreeMap<String, String> =
        serde_json::from_str(&fs_err::read_to_string(dir.join("expected_fields.json")).unwrap())
            .unwrap();
    let mut checked = 0;
    for path in json_files(&dir) {
        let stem = path.file_stem().unwrap().to_str().unwrap().to_owned();
        if stem == "expected_fields" {
            continue;
        }
        let want = expected.get(&stem).unwrap_or_else(|| panic!("{stem} has no expected field"));
        let text = fs_err::read_to_string(&path).unwrap();
        let err = from_json_str::<Evidence>(&text).expect_err(&stem);
        assert_eq!(&err.path, want, "{stem}: {err}");
        assert!(err.line > 0, "{stem}: error has no line: {err}");
        checked += 1;
    }
    assert_eq!(checked, expected.len());
}

#[test]
fn errors_name_the_file_line_and_field() {
    let text =
        "{\n  \"type2\": {\n    \"start\": \"2026-01-01\",\n    \"end\": \"2026-13-01\"\n  }\n}";
    let err = from_json_str::<AuditPeriod>(text).unwrap_err().in_source("period.json");
    let msg = err.to_string();
    assert!(msg.starts_with("period.json:4:"), "{msg}");
    assert!(msg.contains("type2.end"), "{msg}");
}

#[test]
fn a_period_ending_before_it_starts_is_rejected() {
    let err =
        from_json_str::<AuditPeriod>(r#"{"type2":{"start":"2026-12-31","end":"2026-01-01"}}"#)
            .unwrap_err();
    assert!(err.reason.contains("before it starts"), "{err}");
}
