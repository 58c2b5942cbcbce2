//! `soc2 evaluate` reads JSON Lines evidence and exits 0 (no exceptions), 1 (exceptions)
//! or 2 (usage or input errors).

use std::path::Path;
use std::process::Command;

use soc2_core::json::{from_json_str, to_canonical_string};
use soc2_core::model::Evidence;

fn soc2() -> Command {
    Command::new(env!("CARGO_BIN_EXE_soc2"))
}

fn write_jsonl(path: &Path, evidence: &[Evidence]) {
    let mut text = String::new();
    for e in evidence {
        text.push_str(&to_canonical_string(e).unwrap());
        text.push('\n');
    }
    fs_err::write(path, text).unwrap();
}

#[test]
fn the_sample_company_has_exceptions_and_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("evidence.jsonl");
    write_jsonl(&jsonl, &soc2_core::demo::sample_company(2026));
    let catalog = dir.path().join("catalog.toml");
    fs_err::write(&catalog, soc2_core::demo::CATALOG_TOML).unwrap();
    let out_file = dir.path().join("report.json");
    let status = soc2()
        .args(["evaluate", "--period", "2026-01-01..2026-12-31", "--as-of", "2026-12-31"])
        .arg("--evidence")
        .arg(&jsonl)
        .arg("--catalog")
        .arg(&catalog)
        .args(["--format", "json", "-o"])
        .arg(&out_file)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let report: soc2_core::Report =
        from_json_str(&fs_err::read_to_string(&out_file).unwrap()).unwrap();
    assert_eq!(report.exceptions.len(), 5);
    assert_eq!(report.exceptions[0].finding.control.as_str(), "AC-01");

    let html = soc2()
        .args(["evaluate", "--period", "2026-01-01..2026-12-31", "--as-of", "2026-12-31"])
        .arg("--evidence")
        .arg(&jsonl)
        .args(["--format", "html"])
        .output()
        .unwrap();
    assert_eq!(html.status.code(), Some(1));
    let page = String::from_utf8(html.stdout).unwrap();
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("@media print"));
}

#[test]
fn a_clean_company_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let scenario =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("soc2-core/tests/scenarios/clean_company");
    let evidence: Vec<Evidence> =
        from_json_str(&fs_err::read_to_string(scenario.join("evidence.json")).unwrap()).unwrap();
    let jsonl = dir.path().join("evidence.jsonl");
    write_jsonl(&jsonl, &evidence);
    let catalog = dir.path().join("acme.toml");
    fs_err::write(
        &catalog,
        "[scope]\nsystems = [\"okta\"]\nrepositories = [\"acme/api\"]\ncritical_vendors = [\"aws\"]\nrequired_policies = [\"Access Control Policy\", \"Information Security Policy\"]\n",
    )
    .unwrap();
    let out = soc2()
        .args(["evaluate", "--period", "2026-01-01..2026-03-31", "--as-of", "2026-03-31"])
        .arg("--evidence")
        .arg(&jsonl)
        .arg("--catalog")
        .arg(&catalog)
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("Opinion risk: clean"), "{text}");
}

#[test]
fn input_errors_exit_2_naming_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("evidence.jsonl");
    let good = to_canonical_string(&soc2_core::demo::sample_company(2026)[0]).unwrap();
    fs_err::write(&jsonl, format!("{good}\n\n{{\"observed_at\": 1}}\n")).unwrap();
    let out = soc2()
        .args(["evaluate", "--period", "2026-01-01..2026-12-31"])
        .arg("--evidence")
        .arg(&jsonl)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("evidence.jsonl:3:"), "{err}");

    let bad_catalog = dir.path().join("c.yaml");
    fs_err::write(&bad_catalog, "x").unwrap();
    fs_err::write(&jsonl, format!("{good}\n")).unwrap();
    let out = soc2()
        .args(["evaluate", "--period", "2026-01-01..2026-12-31"])
        .arg("--evidence")
        .arg(&jsonl)
        .arg("--catalog")
        .arg(&bad_catalog)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));

    let out = soc2()
        .args(["evaluate", "--period", "2026-12-31..2026-01-01", "--evidence"])
        .arg(&jsonl)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_locker_evaluates_like_the_same_evidence_as_json_lines_but_knows_what_was_recorded_late() {
    let dir = tempfile::tempdir().unwrap();
    let scenario = format!(
        "{}/soc2-core/tests/scenarios/self_approved_change/evidence.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let docs: Vec<serde_json::Value> =
        serde_json::from_str(&fs_err::read_to_string(&scenario).unwrap()).unwrap();
    let locker = dir.path().join("locker");
    let init = Command::new(env!("CARGO_BIN_EXE_soc2")).arg("init").arg(&locker).output().unwrap();
    assert!(init.status.success());
    let catalog = dir.path().join("catalog.toml");
    fs_err::write(&catalog, "[scope]\nrepositories = [\"acme/api\", \"acme/web\"]\n").unwrap();
    let mut jsonl = String::new();
    for doc in &docs {
        let file = dir.path().join("doc.json");
        fs_err::write(&file, doc.to_string()).unwrap();
        let add = Command::new(env!("CARGO_BIN_EXE_soc2"))
            .args(["add", "--locker"])
            .arg(&locker)
            .arg(&file)
            .output()
            .unwrap();
        assert!(add.status.success(), "{}", String::from_utf8_lossy(&add.stderr));
        jsonl.push_str(&doc.to_string());
        jsonl.push('\n');
    }
    let lines = dir.path().join("evidence.jsonl");
    fs_err::write(&lines, jsonl).unwrap();
    let run = |source: &[&std::ffi::OsStr]| {
        let out = Command::new(env!("CARGO_BIN_EXE_soc2"))
            .args(["evaluate", "--period", "2026-01-01..2026-06-30", "--as-of", "2026-06-30"])
            .args(["--format", "json", "--catalog"])
            .arg(&catalog)
            .args(source)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        serde_json::from_slice::<serde_json::Value>(&out.stdout).unwrap()
    };
    let change_findings = |report: &serde_json::Value| -> Vec<(String, String)> {
        let chg = report["exceptions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|e| e["finding"]["control"] == "CHG-01")
            .unwrap();
        chg["finding"]["affected"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| (a["id"].as_str().unwrap().to_owned(), a["reason"].to_string()))
            .collect()
    };

    // JSON Lines do not say when the evidence was recorded: the self-approved changes are
    // the deviations.
    let from_lines = run(&["--evidence".as_ref(), lines.as_os_str()]);
    assert_eq!(from_lines["late_records"], serde_json::json!([]));
    let ids: Vec<String> = change_findings(&from_lines).into_iter().map(|(id, _)| id).collect();
    assert_eq!(ids, ["acme/api#2", "acme/api#3", "acme/web#4", "acme/web#5"]);

    // The locker knows: recorded now for 2026's first half, every record is late, and
    // typed in (no importer provenance) none of it counts. Each change merged in the
    // period is a deviation naming when it was recorded.
    let from_locker = run(&["--locker".as_ref(), locker.as_os_str()]);
    let late = from_locker["late_records"].as_array().unwrap();
    assert_eq!(
        late.iter().map(|l| l["seq"].as_u64().unwrap()).collect::<Vec<_>>(),
        [0, 1, 2, 3, 4]
    );
    assert!(late.iter().all(|l| l["counted"] == false));
    let found = change_findings(&from_locker);
    let ids: Vec<&str> = found.iter().map(|(id, _)| id.as_str()).collect();
    assert_eq!(ids, ["acme/api#1", "acme/api#2", "acme/api#3", "acme/web#4", "acme/web#5"]);
    assert!(found[0].1.contains("recorded late: observed 2026-02-01, recorded 20"), "{found:?}");
}

#[test]
fn evaluate_needs_exactly_one_evidence_source() {
    let out = Command::new(env!("CARGO_BIN_EXE_soc2"))
        .args(["evaluate", "--period", "2026-01-01..2026-06-30"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let both = Command::new(env!("CARGO_BIN_EXE_soc2"))
        .args([
            "evaluate",
            "--period",
            "2026-01-01..2026-06-30",
            "--locker",
            "a",
            "--evidence",
            "b",
        ])
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(2));
}

#[test]
fn oscal_formats_write_assessment_results_and_a_poam() {
    let dir = tempfile::tempdir().unwrap();
    let jsonl = dir.path().join("evidence.jsonl");
    write_jsonl(&jsonl, &soc2_core::demo::sample_company(2026));
    let catalog = dir.path().join("catalog.toml");
    fs_err::write(&catalog, soc2_core::demo::CATALOG_TOML).unwrap();
    let run = |format: &str| {
        soc2()
            .args(["evaluate", "--period", "2026-01-01..2026-12-31", "--as-of", "2026-12-31"])
            .arg("--evidence")
            .arg(&jsonl)
            .arg("--catalog")
            .arg(&catalog)
            .args(["--format", format])
            .output()
            .unwrap()
    };
    let ar = run("oscal-ar");
    assert_eq!(ar.status.code(), Some(1));
    assert_eq!(ar.stdout, run("oscal-ar").stdout, "two runs give the same bytes");
    let doc: serde_json::Value = serde_json::from_slice(&ar.stdout).unwrap();
    let result = &doc["assessment-results"]["results"][0];
    assert_eq!(result["start"], "2026-01-01T00:00:00Z");
    assert_eq!(result["end"], "2026-12-31T23:59:59Z");
    // The sample company's five gaps: AC-01, CHG-01, DEV-01, VEN-01 and TRN-01.
    let mut failed: Vec<&str> = result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["target"]["status"]["state"] == "not-satisfied")
        .map(|f| f["target"]["target-id"].as_str().unwrap())
        .collect();
    failed.sort_unstable();
    assert_eq!(failed, ["AC-01", "CHG-01", "DEV-01", "TRN-01", "VEN-01"]);
    let poam = run("oscal-poam");
    assert_eq!(poam.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&poam.stdout).unwrap();
    assert_eq!(doc["plan-of-action-and-milestones"]["poam-items"].as_array().unwrap().len(), 5);
}
