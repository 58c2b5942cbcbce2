//! The request list marks a request late, not missing, when the only evidence for it was
//! recorded late and set aside.

use serde_json::json;
use soc2_core::model::{AuditPeriod, Evidence, Timestamp};
use soc2_core::report::requests::{RequestStatus, request_list};
use soc2_core::{Catalog, EvidenceItem, evaluate_with_populations};

/// A `security_events` import of aws-prod observed at `observed`, typed in by hand (no
/// importer provenance).
fn events(observed: &str) -> Evidence {
    serde_json::from_value(json!({
        "observed_at": observed,
        "collected_at": observed,
        "collector": {"tool": {"name": "test", "version": "1"}},
        "source": "aws",
        "payload": {"security_events": {
            "system": "aws-prod",
            "covered_from": "2026-01-01T00:00:00Z",
            "covered_to": observed,
            "events": 10,
            "counts": [{"category": "iam.amazonaws.com", "outcome": "success", "count": 10}],
            "detected": []
        }}
    }))
    .expect("evidence fits the model")
}

/// LOG-04's requests by quarter, for one import observed at `observed` and recorded on
/// 15 June (months later for a first-quarter observation).
fn log04(observed: &str) -> Vec<(String, RequestStatus)> {
    let mut catalog = Catalog::builtin();
    catalog.scope.systems = vec!["aws-prod".into()];
    let evidence = events(observed);
    let recorded: Timestamp = "2026-06-15T08:00:00Z".parse().expect("timestamp");
    let items = [EvidenceItem::recorded(0, &evidence, recorded)];
    let period: AuditPeriod = "2026-01-01..2026-06-30".parse().expect("period");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 6, 30).expect("date");
    let evaluation = evaluate_with_populations(&catalog, &items, &period, as_of);
    request_list(&catalog, &evaluation)
        .requests
        .into_iter()
        .filter(|r| r.control.as_str() == "LOG-04" && r.subject.is_empty())
        .map(|r| (r.quarter, r.status))
        .collect()
}

#[test]
fn a_request_with_only_late_evidence_set_aside_in_its_quarter_is_late() {
    // Observed in February, recorded in June: set aside. LOG-04 has nothing on file, and
    // its first-quarter request is late rather than missing.
    assert_eq!(log04("2026-02-10T12:00:00Z"), [("2026-Q1".to_owned(), RequestStatus::Late)]);
}

#[test]
fn late_evidence_of_another_quarter_leaves_the_request_missing() {
    // Observed in April and recorded in June: also late (over 30 days), but in the second
    // quarter, so the first quarter's request is missing.
    assert_eq!(log04("2026-04-10T12:00:00Z"), [("2026-Q1".to_owned(), RequestStatus::Missing)]);
}
