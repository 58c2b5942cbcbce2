//! `soc2 demo` end to end: the sample company's journey finds exactly its five deliberate
//! gaps, and the bundle it exports verifies, carrying the report.

use std::path::Path;
use std::process::Command;

fn soc2() -> Command {
    Command::new(env!("CARGO_BIN_EXE_soc2"))
}

fn run_demo(out: &Path) -> std::process::Output {
    soc2().args(["demo", "--out"]).arg(out).output().unwrap()
}

#[test]
fn the_demo_finds_exactly_the_deliberate_gaps_and_its_bundle_verifies() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let run = run_demo(&out);
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stderr));
    for name in [
        "locker/ledger.jsonl",
        "report.html",
        "report.md",
        "report.json",
        "signing-key",
        "signing-key.pub",
        "allowed_signers",
        "evidence.zip",
    ] {
        assert!(out.join(name).exists(), "{name} is missing");
    }

    // The deliberate gaps, as soc2-core/src/demo documents them, and nothing else.
    let report: serde_json::Value =
        serde_json::from_str(&fs_err::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let mut found: Vec<(String, Vec<String>)> = report["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            let f = &e["finding"];
            let ids = f["affected"]
                .as_array()
                .unwrap()
                .iter()
                .map(|a| a["id"].as_str().unwrap().to_owned())
                .collect();
            (f["control"].as_str().unwrap().to_owned(), ids)
        })
        .collect();
    found.sort();
    let expected: Vec<(String, Vec<String>)> = vec![
        ("AC-01".into(), vec!["okta 2026-Q3".into()]),
        ("CHG-01".into(), vec!["acme/api#1042".into()]),
        ("DEV-01".into(), vec!["LT-0012".into()]),
        ("TRN-01".into(), vec!["nadia.okafor@acme.example".into()]),
        ("VEN-01".into(), vec!["postmark".into()]),
    ];
    assert_eq!(found, expected);

    // The bundle verifies against the allowed signers the demo wrote, and carries the report.
    let verify = soc2()
        .arg("verify")
        .arg(out.join("evidence.zip"))
        .arg("--allowed-signers")
        .arg(out.join("allowed_signers"))
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert_eq!(verify.status.code(), Some(0), "{}", String::from_utf8_lossy(&verify.stdout));
    let verified = String::from_utf8(verify.stdout).unwrap();
    assert!(verified.contains("readiness.html"), "{verified}");
    // ...and the OSCAL documents (validated by trestle in tests/python/test_oscal_trestle.py).
    assert!(verified.contains("report/oscal/assessment-results.json"), "{verified}");
    assert!(verified.contains("report/oscal/poam.json"), "{verified}");
    // ...and the testing workpapers.
    assert!(verified.contains("report/workpapers/summary.csv"), "{verified}");
    assert!(verified.contains("report/workpapers/population/AC-01.csv"), "{verified}");
    assert!(verified.contains("example.com/soc2/demo"), "{verified}");
}

#[test]
fn the_demo_replaces_its_own_output_but_nothing_else() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    assert_eq!(run_demo(&out).status.code(), Some(0));
    let first_key = fs_err::read(out.join("signing-key.pub")).unwrap();
    assert_eq!(run_demo(&out).status.code(), Some(0));
    // A second run made a new key: the old output was replaced, not kept.
    assert_ne!(fs_err::read(out.join("signing-key.pub")).unwrap(), first_key);

    fs_err::write(out.join("notes.txt"), "mine").unwrap();
    let refused = run_demo(&out);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("notes.txt"));
    assert_eq!(fs_err::read_to_string(out.join("notes.txt")).unwrap(), "mine");
    assert!(out.join("evidence.zip").exists(), "a refused run must not remove anything");
}

#[test]
fn the_demo_never_touches_a_locker_of_another_origin() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("demo");
    let init = soc2()
        .arg("init")
        .arg(out.join("locker"))
        .args(["--origin", "acme/prod"])
        .output()
        .unwrap();
    assert!(init.status.success());
    let refused = run_demo(&out);
    assert_eq!(refused.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("acme/prod"));
    assert!(out.join("locker/ledger.jsonl").exists());
}
