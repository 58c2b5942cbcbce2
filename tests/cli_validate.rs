//! `soc2 validate` and `soc2 criteria` end to end.

use std::process::Command;

fn soc2() -> Command {
    Command::new(env!("CARGO_BIN_EXE_soc2"))
}

fn example(rel: &str) -> String {
    format!("{}/docs/examples/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn valid_documents_exit_0_with_their_canonical_hash() {
    let out = soc2().args(["validate", &example("evidence/access_review.json")]).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    let stdout = String::from_utf8(out.stdout).unwrap();
    let hex = stdout.split_whitespace().nth(1).unwrap();
    assert_eq!(hex.len(), 64);
    assert!(hex.bytes().all(|b| b.is_ascii_hexdigit()));
}

#[test]
fn an_invalid_document_exits_1_naming_file_line_and_field() {
    let path = example("invalid/unknown_field.json");
    let out = soc2().args(["validate", &path]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains(&format!("{path}:")), "{stdout}");
    assert!(stdout.contains("payload.change_record.approved"), "{stdout}");
}

#[test]
fn a_missing_file_exits_2_naming_it() {
    let out = soc2().args(["validate", "/nonexistent/evidence.json"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/evidence.json"));
}

#[test]
fn other_document_kinds_are_checked_against_their_own_model() {
    let control = example("control/access_review.json");
    let ok = soc2().args(["validate", "--kind", "control", &control]).output().unwrap();
    assert_eq!(ok.status.code(), Some(0));
    let wrong = soc2().args(["validate", "--kind", "evidence", &control]).output().unwrap();
    assert_eq!(wrong.status.code(), Some(1));
}

#[test]
fn criteria_resolves_other_tools_spellings() {
    let out = soc2().args(["criteria", "cc_a_1_1", "6.1"]).output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("cc_a_1_1 -> A1.1"), "{stdout}");
    assert!(stdout.contains("6.1 -> CC6.1"), "{stdout}");
    let bad = soc2().args(["criteria", "CC6.9"]).output().unwrap();
    assert_eq!(bad.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_2() {
    let out = soc2().args(["validate"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}
