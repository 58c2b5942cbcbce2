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
    // Two access exceptions (AC-01, DEV-01 addresses CC6.1) and three others.
    assert_eq!(report.opinion.access_exceptions, 2);
    assert_eq!(report.opinion.score, 11);
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
