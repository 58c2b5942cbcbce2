//! The sample company has exactly its five deliberate gaps.

use soc2_core::model::{AuditPeriod, ItemKind};
use soc2_core::report::ControlStatus;
use soc2_core::{Catalog, EvidenceItem, evaluate};

fn d(s: &str) -> chrono::NaiveDate {
    soc2_core::model::time::parse_date(s).unwrap()
}

#[test]
fn evaluating_the_sample_year_finds_exactly_the_five_gaps() {
    let evidence = soc2_core::demo::sample_company(2026);
    let items: Vec<EvidenceItem<'_>> = evidence
        .iter()
        .enumerate()
        .map(|(i, e)| EvidenceItem::new(i as u64, e))
        .collect();
    let period: AuditPeriod = "2026-01-01..2026-12-31".parse().unwrap();
    let report = evaluate(&Catalog::builtin(), &items, &period, d("2026-12-31"));

    let mut found: Vec<(String, Vec<(ItemKind, String)>)> = report
        .exceptions
        .iter()
        .map(|e| {
            (
                e.finding.control.to_string(),
                e.finding
                    .affected
                    .iter()
                    .map(|a| (a.kind, a.id.clone()))
                    .collect(),
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
            (
                "TRN-01".to_owned(),
                vec![(ItemKind::Person, "nadia.okafor@acme.example".to_owned())]
            ),
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
    assert_eq!(
        soc2_core::demo::sample_company(2026),
        soc2_core::demo::sample_company(2026)
    );
}

#[test]
#[ignore = "prints the sample report"]
fn print_sample_report() {
    let evidence = soc2_core::demo::sample_company(2026);
    let items: Vec<EvidenceItem<'_>> = evidence
        .iter()
        .enumerate()
        .map(|(i, e)| EvidenceItem::new(i as u64, e))
        .collect();
    let period: AuditPeriod = "2026-01-01..2026-12-31".parse().unwrap();
    let as_of = std::env::var("AS_OF").unwrap_or_else(|_| "2026-12-31".into());
    let report = evaluate(&Catalog::builtin(), &items, &period, d(&as_of));
    println!("{}", report.to_text());
    for c in &report.controls {
        println!("{} pop={} cov={:?}", c.control, c.population, c.coverage);
    }
}
