//! The sample company has exactly its five deliberate gaps.

use soc2_core::model::{AuditPeriod, ItemKind};
use soc2_core::report::ControlStatus;
use soc2_core::{EvidenceItem, evaluate};

fn d(s: &str) -> chrono::NaiveDate {
    soc2_core::model::time::parse_date(s).unwrap()
}

#[test]
fn evaluating_the_sample_year_finds_exactly_the_five_gaps() {
    let evidence = soc2_core::demo::sample_company(2026);
    let items: Vec<EvidenceItem<'_>> =
        evidence.iter().enumerate().map(|(i, e)| EvidenceItem::new(i as u64, e)).collect();
    let period: AuditPeriod = "2026-01-01..2026-12-31".parse().unwrap();
    let report = evaluate(&soc2_core::demo::catalog(), &items, &period, d("2026-12-31"));

    let mut found: Vec<(String, Vec<(ItemKind, String)>)> = report
        .exceptions
        .iter()
        .map(|e| {
            (
                e.finding.control.to_string(),
                e.finding.affected.iter().map(|a| (a.kind, a.id.clone())).collect(),
            )
        })
        .collect();
    found.sort();
    if found.len() != 5 {
        eprintln!("{}", report.to_text());
    }
    assert_eq!(
        found,
        vec![
            ("AC-01".to_owned(), vec![(ItemKind::Occurrence, "okta 2026-Q3".to_owned())]),
            ("CHG-01".to_owned(), vec![(ItemKind::Change, "acme/api#1042".to_owned())]),
            ("DEV-01".to_owned(), vec![(ItemKind::Device, "LT-0012".to_owned())]),
            ("TRN-01".to_owned(), vec![(ItemKind::Person, "nadia.okafor@acme.example".to_owned())]),
            ("VEN-01".to_owned(), vec![(ItemKind::Vendor, "postmark".to_owned())]),
        ]
    );
    // Everything else operates: nothing without evidence, nothing pending at year end.
    for c in &report.controls {
        let gap = ["AC-01", "CHG-01", "DEV-01", "TRN-01", "VEN-01"].contains(&c.control.as_str());
        let want = if gap { ControlStatus::Exception } else { ControlStatus::Operating };
        assert_eq!(c.status, want, "{}", c.control);
    }
    // The demo has about fifty people and a year of changes.
    assert!(evidence.len() > 250, "{}", evidence.len());
}

#[test]
fn the_sample_company_is_deterministic() {
    assert_eq!(soc2_core::demo::sample_company(2026), soc2_core::demo::sample_company(2026));
}

fn sample_report(as_of: &str) -> soc2_core::Report {
    let evidence = soc2_core::demo::sample_company(2026);
    let items: Vec<EvidenceItem<'_>> =
        evidence.iter().enumerate().map(|(i, e)| EvidenceItem::new(i as u64, e)).collect();
    let period: AuditPeriod = "2026-01-01..2026-12-31".parse().unwrap();
    evaluate(&soc2_core::demo::catalog(), &items, &period, d(as_of))
}

#[test]
fn exceptions_are_ranked_by_priority_class_then_severity() {
    let report = sample_report("2026-12-31");
    let order: Vec<(u64, &str)> =
        report.exceptions.iter().map(|e| (e.rank, e.finding.control.as_str())).collect();
    // Fix first (high): AC-01, CHG-01; fix second (medium): DEV-01, VEN-01; quick win: TRN-01.
    assert_eq!(order, [(1, "AC-01"), (2, "CHG-01"), (3, "DEV-01"), (4, "VEN-01"), (5, "TRN-01")]);
    for e in &report.exceptions {
        assert!(!e.remediation.is_empty());
    }
    // Five isolated gaps, each a single deviation with its quarter or year otherwise
    // shown: five minor exceptions, at risk by the count rule (5 or more), none pervasive.
    assert_eq!((report.opinion.exceptions, report.opinion.pervasive), (5, 0));
    assert_eq!(report.opinion.minor, 5);
    for b in &report.opinion.basis {
        assert_eq!(b.nature, soc2_core::report::DeviationNature::Isolated, "{}", b.control);
        assert_eq!(b.deviations, 1, "{}", b.control);
    }
    assert_eq!(report.opinion.risk, soc2_core::report::OpinionRisk::AtRisk);
}

#[test]
fn the_same_inputs_give_byte_identical_reports() {
    let a = sample_report("2026-12-31");
    let b = sample_report("2026-12-31");
    assert_eq!(a.to_canonical_vec().unwrap(), b.to_canonical_vec().unwrap());
    assert_eq!(a.to_json().unwrap(), b.to_json().unwrap());
    assert_eq!(a.to_html(), b.to_html());
    assert_eq!(a.to_markdown(), b.to_markdown());
    // The JSON reads back into the same report.
    let back: soc2_core::Report = soc2_core::json::from_json_str(&a.to_json().unwrap()).unwrap();
    assert_eq!(back, a);
}

#[test]
fn mid_year_the_later_gaps_are_not_yet_due() {
    // As of 15 July: okta's Q3 review, the training year and postmark's annual review
    // are not due yet; the self-approved change (March) and the device already count.
    let report = sample_report("2026-07-15");
    let ids: Vec<&str> = report.exceptions.iter().map(|e| e.finding.control.as_str()).collect();
    assert_eq!(ids, ["CHG-01", "DEV-01"]);
    let ac01 = report.controls.iter().find(|c| c.control.as_str() == "AC-01").unwrap();
    assert_eq!(ac01.next_due.map(|d| d.to_string()).as_deref(), Some("2026-09-30"));
    assert!(report.monitoring.upcoming.iter().any(|u| u.item == "okta 2026-Q3"));
}

#[test]
fn the_catalog_and_its_differences_are_disclosed_at_the_top() {
    let report = sample_report("2026-12-31");
    let k = &report.catalog;
    let catalog = soc2_core::demo::catalog();
    assert_eq!(k.sha256, catalog.sha256().unwrap());
    assert_eq!(k.builtin_sha256, soc2_core::Catalog::builtin().sha256().unwrap());
    // The sample company only declares its scope.
    let settings: Vec<&str> = k.differences.iter().filter_map(|d| d.setting.as_deref()).collect();
    assert_eq!(
        settings,
        ["systems", "repositories", "critical_vendors", "training_courses", "system_owners"]
    );
    assert_eq!(k.differences[0].description, "scope systems: (none) → aws-prod, github, okta");
    let text = report.to_text();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[1].starts_with("Catalog: 5 differences from the built-in catalog (sha256 "));
    assert!(lines[1].contains(&k.sha256.to_string()));
    assert_eq!(lines[2], "  - scope systems: (none) → aws-prod, github, okta");
    // Then what the recording times rest on, then the opinion.
    assert!(lines[7].starts_with("Recording times: "), "{}", lines[7]);
    assert!(lines[8].starts_with(
        "Opinion risk: at risk of qualification (5 exceptions: 0 pervasive, 5 minor)"
    ));
    let md = report.to_markdown();
    assert!(md.find("**Catalog: 5 difference(s)").unwrap() < md.find("**Opinion risk").unwrap());
    let html = report.to_html();
    assert!(html.find("Catalog: 5 difference(s)").unwrap() < html.find("Opinion risk").unwrap());
    assert!(html.contains(&k.sha256.to_string()));
}

#[test]
fn the_request_list_shows_the_two_missing_reviews_and_everything_else_received() {
    use soc2_core::report::requests::{RequestStatus, request_list};
    let evidence = soc2_core::demo::sample_company(2026);
    let items: Vec<EvidenceItem<'_>> =
        evidence.iter().enumerate().map(|(i, e)| EvidenceItem::new(i as u64, e)).collect();
    let period: AuditPeriod = "2026-01-01..2026-12-31".parse().unwrap();
    let catalog = soc2_core::demo::catalog();
    let evaluation =
        soc2_core::evaluate_with_populations(&catalog, &items, &period, d("2026-12-31"));
    let list = request_list(&catalog, &evaluation);
    let missing: Vec<(&str, &str, &str)> = list
        .requests
        .iter()
        .filter(|r| r.status == RequestStatus::Missing)
        .map(|r| (r.control.as_str(), r.quarter.as_str(), r.subject.as_str()))
        .collect();
    // The okta review of Q3, and postmark's yearly review (due at the year's end, so
    // listed in Q4).
    assert_eq!(missing, [("AC-01", "2026-Q3", "okta"), ("VEN-01", "2026-Q4", "postmark")]);
    let others = list.requests.len() - missing.len();
    assert_eq!(list.count(RequestStatus::Received), others);
    // Every control asks for something, and each in-scope system has its four quarters.
    for c in &catalog.controls {
        assert!(list.requests.iter().any(|r| r.control == c.control.id), "{}", c.control.id);
    }
    for system in ["aws-prod", "github", "okta"] {
        let quarters = list
            .requests
            .iter()
            .filter(|r| r.control.as_str() == "AC-01" && r.subject == system)
            .count();
        assert_eq!(quarters, 4, "{system}");
    }
}
