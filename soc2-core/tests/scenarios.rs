//! Data-driven evaluation scenarios: one folder per situation under `tests/scenarios/`.
//!
//! Each folder holds:
//! - `evidence.json`: the evidence documents, in locker order (record `seq` = index);
//! - `scenario.toml`: `description`, `period`, `as_of`, optionally `controls` (only these
//!   are evaluated; all when absent), a `[catalog]` table with catalog overrides in
//!   the company-file format, and a `[recorded_at]` table giving, by record number, when
//!   the locker recorded a record (records not listed have no known recording time), and
//!   a `[proven_by]` table giving, by record number, the time an RFC 3161 timestamp
//!   proves the record existed by;
//! - `expected.json`, written by hand: every exception (`control`, `population`,
//!   `deviations`, `affected` items by kind and id, and their evidence `records` where
//!   given, and the `reason` text where given), and optionally `statuses`, `next_due` per control, `relied_on`, the report's
//!   `late_records` (record numbers) and `warnings` (each expected warning as a piece of
//!   its text, in order), the `opinion` (`risk`, and the controls judged `pervasive` and
//!   `minor`), and `catalog_differences` (each difference from the built-in catalog as a
//!   piece of its description, in order; controls left out by the scenario's own
//!   `controls` list are not expected there), `recording_time` (how many records have a
//!   recording time and how many of them a timestamp covers) and `proven_by` per control
//!   (a timestamp, or `company clock`, or `no evidence`). An exception may also give its
//!   `status`, `remediation_due` and the management `responses` shown with it (`item`,
//!   `status`, `record`, in order).
//!
//! Run one scenario with `SCENARIO=name cargo test -p soc2-core --test scenarios`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use soc2_core::catalog::CatalogFile;
use soc2_core::json::from_json_str;
use soc2_core::model::{AuditPeriod, Evidence, ItemKind, Timestamp};
use soc2_core::report::Format;
use soc2_core::{Catalog, EvidenceItem, Report, evaluate};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Scenario {
    description: String,
    period: String,
    as_of: String,
    #[serde(default)]
    controls: Vec<String>,
    #[serde(default)]
    catalog: Option<toml::Table>,
    #[serde(default)]
    recorded_at: BTreeMap<String, String>,
    #[serde(default)]
    proven_by: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Expected {
    exceptions: Vec<ExpectedException>,
    #[serde(default)]
    statuses: BTreeMap<String, String>,
    #[serde(default)]
    next_due: BTreeMap<String, String>,
    #[serde(default)]
    relied_on: Option<Vec<u64>>,
    #[serde(default)]
    late_records: Option<Vec<u64>>,
    #[serde(default)]
    warnings: Option<Vec<String>>,
    #[serde(default)]
    opinion: Option<ExpectedOpinion>,
    #[serde(default)]
    catalog_differences: Option<Vec<String>>,
    #[serde(default)]
    recording_time: Option<ExpectedRecordingTime>,
    #[serde(default)]
    proven_by: BTreeMap<String, String>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct ExpectedRecordingTime {
    records: u64,
    proven: u64,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct ExpectedOpinion {
    risk: String,
    pervasive: Vec<String>,
    minor: Vec<String>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct ExpectedException {
    control: String,
    population: u64,
    deviations: u64,
    affected: Vec<ExpectedItem>,
    #[serde(default)]
    status: Option<String>,
    #[serde(default)]
    remediation_due: Option<String>,
    #[serde(default)]
    responses: Option<Vec<ExpectedResponse>>,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct ExpectedResponse {
    #[serde(default)]
    item: Option<String>,
    status: String,
    record: u64,
}

#[derive(Deserialize, Debug, PartialEq)]
#[serde(deny_unknown_fields)]
struct ExpectedItem {
    kind: ItemKind,
    id: String,
    #[serde(default)]
    records: Option<Vec<u64>>,
    #[serde(default)]
    reason: Option<String>,
}

fn scenarios_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios")
}

struct Loaded {
    catalog: Catalog,
    evidence: Vec<Evidence>,
    recorded_at: BTreeMap<u64, Timestamp>,
    proven_by: BTreeMap<u64, Timestamp>,
    period: AuditPeriod,
    as_of: chrono::NaiveDate,
    expected: Expected,
    /// Controls the scenario's `controls` list left out.
    left_out: Vec<String>,
}

fn load(dir: &Path) -> Loaded {
    let name = dir.display().to_string();
    let scenario: Scenario =
        toml::from_str(&fs_err::read_to_string(dir.join("scenario.toml")).unwrap())
            .unwrap_or_else(|e| panic!("{name}/scenario.toml: {e}"));
    assert!(!scenario.description.is_empty(), "{name}: describe the scenario");
    let mut catalog = Catalog::builtin();
    if let Some(table) = scenario.catalog {
        let text = toml::to_string(&table).unwrap();
        let file = CatalogFile::from_toml_str(&text, &format!("{name}/scenario.toml [catalog]"))
            .unwrap_or_else(|e| panic!("{e}"));
        catalog = catalog.extend(file, &name).unwrap_or_else(|e| panic!("{e}"));
    }
    let mut left_out = Vec::new();
    if !scenario.controls.is_empty() {
        left_out = catalog
            .controls
            .iter()
            .map(|c| c.control.id.to_string())
            .filter(|id| !scenario.controls.contains(id))
            .collect();
        for id in &scenario.controls {
            assert!(catalog.get(id).is_some(), "{name}: no control {id}");
        }
        catalog.retain(|c| scenario.controls.iter().any(|id| id == c.control.id.as_str()));
    }
    let evidence_path = dir.join("evidence.json");
    let evidence: Vec<Evidence> = from_json_str(&fs_err::read_to_string(&evidence_path).unwrap())
        .unwrap_or_else(|e| panic!("{}", e.in_source(evidence_path.display().to_string())));
    let expected: Expected =
        serde_json::from_str(&fs_err::read_to_string(dir.join("expected.json")).unwrap())
            .unwrap_or_else(|e| panic!("{name}/expected.json: {e}"));
    let times = |table: &BTreeMap<String, String>, what: &str| -> BTreeMap<u64, Timestamp> {
        table
            .iter()
            .map(|(k, v)| {
                let seq: u64 = k.parse().unwrap_or_else(|e| panic!("{name}: {what} {k}: {e}"));
                assert!((seq as usize) < evidence.len(), "{name}: {what} {k}: no such record");
                (seq, v.parse().unwrap_or_else(|e| panic!("{name}: {what} {k}: {e}")))
            })
            .collect()
    };
    let recorded_at = times(&scenario.recorded_at, "recorded_at");
    let proven_by = times(&scenario.proven_by, "proven_by");
    Loaded {
        catalog,
        evidence,
        recorded_at,
        proven_by,
        period: scenario.period.parse().unwrap_or_else(|e| panic!("{name}: {e}")),
        as_of: soc2_core::model::time::parse_date(&scenario.as_of)
            .unwrap_or_else(|| panic!("{name}: bad as_of")),
        expected,
        left_out,
    }
}

fn run(l: &Loaded, reversed: bool) -> Report {
    let mut items: Vec<EvidenceItem<'_>> = l
        .evidence
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let item = match l.recorded_at.get(&(i as u64)) {
                Some(t) => EvidenceItem::recorded(i as u64, e, *t),
                None => EvidenceItem::new(i as u64, e),
            };
            match l.proven_by.get(&(i as u64)) {
                Some(t) => item.proven_by(*t),
                None => item,
            }
        })
        .collect();
    if reversed {
        items.reverse();
    }
    evaluate(&l.catalog, &items, &l.period, l.as_of)
}

/// Compares a report with the expectations; returns the differences.
fn check(report: &Report, expected: &Expected, left_out: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut actual: Vec<&soc2_core::report::RankedException> = report.exceptions.iter().collect();
    actual.sort_by(|a, b| a.finding.control.cmp(&b.finding.control));
    let mut want: Vec<&ExpectedException> = expected.exceptions.iter().collect();
    want.sort_by(|a, b| a.control.cmp(&b.control));
    let got_ids: Vec<&str> = actual.iter().map(|e| e.finding.control.as_str()).collect();
    let want_ids: Vec<&str> = want.iter().map(|e| e.control.as_str()).collect();
    if got_ids != want_ids {
        problems.push(format!("exceptions: got {got_ids:?}, expected {want_ids:?}"));
    }
    for (g, w) in actual.iter().zip(&want) {
        let f = &g.finding;
        if f.control.as_str() != w.control {
            continue;
        }
        if (f.population, f.deviations) != (w.population, w.deviations) {
            problems.push(format!(
                "{}: population/deviations {}/{}, expected {}/{}",
                w.control, f.population, f.deviations, w.population, w.deviations
            ));
        }
        let got_items: Vec<(ItemKind, &str)> =
            f.affected.iter().map(|a| (a.kind, a.id.as_str())).collect();
        let want_items: Vec<(ItemKind, &str)> =
            w.affected.iter().map(|a| (a.kind, a.id.as_str())).collect();
        if got_items != want_items {
            problems
                .push(format!("{}: affected {got_items:?}, expected {want_items:?}", w.control));
            continue;
        }
        if let Some(status) = &w.status {
            let got = serde_json::to_value(f.status).unwrap();
            if got != *status.as_str() {
                problems.push(format!("{}: status {got}, expected {status}", w.control));
            }
        }
        if let Some(due) = &w.remediation_due {
            let got = f.remediation_due.map(|d| d.to_string());
            if got.as_deref() != Some(due.as_str()) {
                problems.push(format!("{}: remediation due {got:?}, expected {due}", w.control));
            }
        }
        if let Some(responses) = &w.responses {
            let got: Vec<ExpectedResponse> = f
                .responses
                .iter()
                .map(|r| ExpectedResponse {
                    item: r.item.clone(),
                    status: serde_json::to_value(r.status).unwrap().as_str().unwrap().to_owned(),
                    record: r.record,
                })
                .collect();
            if &got != responses {
                problems.push(format!("{}: responses {got:?}, expected {responses:?}", w.control));
            }
        }
        for (a, e) in f.affected.iter().zip(&w.affected) {
            if let Some(reason) = &e.reason
                && &a.reason != reason
            {
                problems.push(format!(
                    "{} {}: reason {:?}, expected {reason:?}",
                    w.control, a.id, a.reason
                ));
            }
            if let Some(records) = &e.records
                && &a.records != records
            {
                problems.push(format!(
                    "{} {}: records {:?}, expected {records:?}",
                    w.control, a.id, a.records
                ));
            }
        }
    }
    for (control, status) in &expected.statuses {
        match report.controls.iter().find(|c| c.control.as_str() == control) {
            None => problems.push(format!("{control}: not in the report")),
            Some(c) => {
                let got = serde_json::to_value(c.status).unwrap();
                if got != *status {
                    problems.push(format!("{control}: status {got}, expected {status}"));
                }
            }
        }
    }
    for (control, due) in &expected.next_due {
        let got = report
            .controls
            .iter()
            .find(|c| c.control.as_str() == control)
            .and_then(|c| c.next_due)
            .map(|d| d.to_string());
        if got.as_deref() != Some(due.as_str()) {
            problems.push(format!("{control}: next due {got:?}, expected {due}"));
        }
    }
    if let Some(relied) = &expected.relied_on
        && &report.relied_on != relied
    {
        problems.push(format!("relied_on {:?}, expected {relied:?}", report.relied_on));
    }
    if let Some(late) = &expected.late_records {
        let got: Vec<u64> = report.late_records.iter().map(|l| l.seq).collect();
        if &got != late {
            problems.push(format!("late_records {got:?}, expected {late:?}"));
        }
    }
    if let Some(warnings) = &expected.warnings
        && (warnings.len() != report.warnings.len()
            || warnings.iter().zip(&report.warnings).any(|(w, g)| !g.contains(w.as_str())))
    {
        problems.push(format!("warnings {:?}, expected {warnings:?}", report.warnings));
    }
    if let Some(o) = &expected.opinion {
        use soc2_core::report::DeviationNature;
        let risk = serde_json::to_value(report.opinion.risk).unwrap();
        let of = |n: DeviationNature| -> Vec<String> {
            let mut v: Vec<String> = report
                .opinion
                .basis
                .iter()
                .filter(|b| b.nature == n)
                .map(|b| b.control.to_string())
                .collect();
            v.sort();
            v
        };
        let got = ExpectedOpinion {
            risk: risk.as_str().unwrap_or_default().to_owned(),
            pervasive: of(DeviationNature::Pervasive),
            minor: of(DeviationNature::Isolated),
        };
        if &got != o {
            problems.push(format!("opinion {got:?}, expected {o:?}"));
        }
    }
    if let Some(diffs) = &expected.catalog_differences {
        use soc2_core::report::DifferenceKind;
        let got: Vec<&str> = report
            .catalog
            .differences
            .iter()
            .filter(|d| {
                !(d.kind == DifferenceKind::ControlDisabled
                    && d.control.as_ref().is_some_and(|c| left_out.iter().any(|l| l == c.as_str())))
            })
            .map(|d| d.description.as_str())
            .collect();
        if got.len() != diffs.len() || diffs.iter().zip(&got).any(|(w, g)| !g.contains(w.as_str()))
        {
            problems.push(format!("catalog differences {got:?}, expected {diffs:?}"));
        }
    }
    if let Some(t) = &expected.recording_time {
        let got = (report.recording_time.records, report.recording_time.proven);
        if got != (t.records, t.proven) {
            problems.push(format!("recording time {got:?}, expected {t:?}"));
        }
    }
    for (control, want) in &expected.proven_by {
        match report.controls.iter().find(|c| c.control.as_str() == control) {
            None => problems.push(format!("{control}: not in the report")),
            Some(c) => {
                let got = match (c.proven_by, c.records.is_empty()) {
                    (Some(t), _) => t.to_string(),
                    (None, true) => "no evidence".to_owned(),
                    (None, false) => "company clock".to_owned(),
                };
                if &got != want {
                    problems.push(format!("{control}: proven by {got}, expected {want}"));
                }
            }
        }
    }
    problems
}

#[test]
fn every_scenario_gives_its_expected_exceptions() {
    let only = std::env::var("SCENARIO").ok();
    let mut dirs: Vec<PathBuf> = fs_err::read_dir(scenarios_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 17, "expected at least 17 scenarios, found {}", dirs.len());
    let mut failures = Vec::new();
    let mut ran = 0;
    for dir in &dirs {
        let name = dir.file_name().unwrap().to_string_lossy().into_owned();
        if only.as_deref().is_some_and(|o| o != name) {
            continue;
        }
        ran += 1;
        let l = load(dir);
        let report = run(&l, false);
        for p in check(&report, &l.expected, &l.left_out) {
            failures.push(format!("{name}: {p}"));
        }
        // Same inputs, byte-identical output, whatever the order of the slice.
        let again = run(&l, true);
        if report.to_canonical_vec().unwrap() != again.to_canonical_vec().unwrap() {
            failures.push(format!("{name}: evaluation depends on the order of the evidence"));
        }
        for format in [Format::Text, Format::Json, Format::Markdown, Format::Html] {
            assert!(!report.render(format).unwrap().is_empty());
        }
        if only.is_some() {
            println!("{}", report.to_text());
        }
    }
    assert!(ran > 0, "no scenario matched");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
