//! `okta-system-log`: Okta's own examples of `GET /api/v1/logs` (from
//! `../shared/realdata/okta/openapi_examples/`, skipped when absent) and hand-written
//! fixtures in the documented `LogEvent` format (`tests/import/okta-system-log/`), each
//! compared with hand-written expected evidence, plus hostile inputs.

use serde_json::{Value, json};
use soc2_core::import::ImportError;
use soc2_core::model::EventOutcome;

mod importing;

use importing::*;

const SRC: &str = "okta-system-log";

#[test]
fn okta_list_logs_example() {
    let Some(bytes) = realdata("okta/openapi_examples/ListLogs.json") else { return };
    let i = run(SRC, &[("ListLogs.json", &bytes)], None);
    // Read by hand: one user.session.start, SUCCESS, published 2024-08-13T15:58:20.353Z,
    // by john.doe@example.com. A successful sign-in is counted; whether MFA followed is
    // not in this event, so nothing is listed.
    assert_eq!(
        payload_json(&i.evidence[0].payload),
        json!({
            "system": "okta",
            "covered_from": "2024-08-13T15:58:20Z",
            "covered_to": "2024-08-13T15:58:20Z",
            "events": 1,
            "counts": [{"category": "user.session", "outcome": "success", "count": 1}]
        })
    );
    assert_eq!(i.provenance.rows_read, 1);
    assert_eq!(i.provenance.rows_kept, 1);
}

#[test]
fn okta_example_with_security_context_is_a_single_event_and_the_same_event() {
    let (Some(list), Some(single)) = (
        realdata("okta/openapi_examples/ListLogs.json"),
        realdata("okta/openapi_examples/ListLogsWithAdditionalSecurityContext.json"),
    ) else {
        return;
    };
    // A bare object (one event) is read as well.
    let i = run(SRC, &[("single.json", &single)], None);
    assert_eq!(security_events(&i).events, 1);
    // Both examples carry uuid dc9fd3c0-... at the same time: one event, one duplicate.
    let i = run(SRC, &[("list.json", &list), ("single.json", &single)], None);
    let e = security_events(&i);
    assert_eq!(e.events, 1);
    assert!(e.detected.is_empty());
    let dup = &i.provenance.skipped[0];
    assert_eq!((dup.file.as_str(), dup.row), ("single.json", 1));
    assert!(dup.reason.contains("dc9fd3c0-598c-11ef-8478-2b7584bf8d5a"), "{}", dup.reason);
}

#[test]
fn okta_change_details_example_is_not_a_log_event() {
    let Some(bytes) = realdata("okta/openapi_examples/LogTargetChangeDetails.json") else {
        return;
    };
    // A target's changeDetails ({from, to}) alone: no event in it.
    let err = try_run(SRC, &[("changes.json", &bytes)], None).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
}

#[test]
fn pages_and_export_match_the_hand_written_evidence() {
    let logs = fixture("okta-system-log/logs.json");
    let export = fixture("okta-system-log/export.ndjson");
    let i = run(SRC, &[("logs.json", &logs), ("export.ndjson", &export)], None);
    assert_eq!(payload_json(&i.evidence[0].payload), expected("okta-system-log/expected.json"));
    assert_eq!(warning_count(&i, "time_from_pipeline"), 1);
    assert_eq!(warning_count(&i, "json_in_string"), 1);
    let skipped: Vec<(u64, &str)> = i
        .provenance
        .skipped
        .iter()
        .filter(|s| s.file == "export.ndjson")
        .map(|s| (s.row, s.reason.as_str()))
        .collect();
    assert_eq!(skipped.len(), 2, "{skipped:?}");
    assert!(skipped[0].0 == 6 && skipped[0].1.starts_with("not an Okta System Log event"));
    assert!(skipped[1].0 == 10 && skipped[1].1.contains("duplicate of event e-01"));
    assert_deterministic(SRC, &[("logs.json", &logs), ("export.ndjson", &export)], None);
}

#[test]
fn negatives_and_attempts_are_counted_not_listed() {
    let logs = fixture("okta-system-log/logs.json");
    let i = run(SRC, &[("logs.json", &logs)], None);
    let e = security_events(&i);
    let listed: Vec<&str> = e.detected.iter().filter_map(|d| d.event_id.as_deref()).collect();
    // A failed grant (an attempt), a password policy made stricter, a sign-on policy
    // deactivated, a successful sign-in, a CHALLENGE, a rate-limit warning.
    for id in ["o-03", "o-10", "o-11", "o-15", "o-16", "o-17"] {
        assert!(!listed.contains(&id), "{id} listed");
    }
    assert!(e.detected.iter().all(|d| d.outcome == EventOutcome::Success));
}

#[test]
fn gzip_and_array_forms_give_the_same_evidence() {
    let logs = fixture("okta-system-log/logs.json");
    let a = run(SRC, &[("logs.json", &logs)], None);
    let b = run(SRC, &[("logs.json", &gzip(&logs))], None);
    assert_eq!(payload_json(&a.evidence[0].payload), payload_json(&b.evidence[0].payload));
    let list: Vec<Value> = serde_json::from_slice(&logs).unwrap();
    let ndjson: String = list.iter().map(|e| format!("{e}\n")).collect();
    let c = run(SRC, &[("logs.json", ndjson.as_bytes())], None);
    assert_eq!(payload_json(&a.evidence[0].payload), payload_json(&c.evidence[0].payload));
}

#[test]
fn four_failures_are_no_burst_and_failures_of_different_people_do_not_add_up() {
    let fail = |who: &str, min: u32| {
        json!({"actor": {"alternateId": who, "type": "User"}, "eventType": "user.session.start",
               "outcome": {"result": "FAILURE", "reason": "INVALID_CREDENTIALS"},
               "published": format!("2026-03-05T12:{min:02}:00.000Z"), "uuid": format!("{who}-{min}")})
    };
    let mut v: Vec<Value> = (0..4).map(|m| fail("a@acme.com", m)).collect();
    v.extend((0..4).map(|m| fail("b@acme.com", m)));
    let i = run(SRC, &[("f.json", Value::Array(v).to_string().as_bytes())], None);
    let e = security_events(&i);
    assert_eq!(e.events, 8);
    assert!(e.detected.is_empty());
}

#[test]
fn other_products_logs_are_the_wrong_source() {
    let github = br#"[{"@timestamp": 1772442000000, "action": "repo.create", "actor": "a", "_document_id": "x"}]"#;
    let err = try_run(SRC, &[("github.json", github)], None).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let users = br#"[{"id": "00u1", "status": "ACTIVE", "profile": {"login": "a@acme.com"}}]"#;
    let err = try_run(SRC, &[("users.json", users)], None).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
}

#[test]
fn a_bad_time_is_an_error_naming_file_and_field() {
    let bad = json!([{"eventType": "user.session.start", "published": "soon", "uuid": "x"}]);
    let err = try_run(SRC, &[("bad.json", bad.to_string().as_bytes())], None).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("bad.json") && text.contains("published"), "{text}");
}

#[test]
fn organization_wide_factor_and_identity_provider_events() {
    let e = |n: u32, t: &str, target: Value| {
        json!({"actor": {"alternateId": "admin@acme.com", "type": "User"}, "eventType": t,
               "outcome": {"result": "SUCCESS"}, "published": format!("2026-03-05T12:{n:02}:00.000Z"),
               "uuid": format!("u-{n}"), "target": target})
    };
    let v = json!([
        e(
            0,
            "system.mfa.factor.deactivate",
            json!([{"type": "Factor", "alternateId": "unknown", "displayName": "SMS Authentication"}])
        ),
        e(
            1,
            "security.authenticator.lifecycle.deactivate",
            json!([{"type": "Authenticator", "alternateId": "unknown", "displayName": "Phone"}])
        ),
        e(
            2,
            "system.idp.lifecycle.activate",
            json!([{"type": "IdentityProvider", "alternateId": "unknown", "displayName": "Partner IdP"}])
        ),
        e(3, "user.mfa.factor.activate", json!([{"type": "User", "alternateId": "a@acme.com"}])),
        e(
            4,
            "policy.lifecycle.update",
            json!([{"type": "PolicyEntity", "displayName": "MFA", "detailEntry": {"policyType": "MFA_ENROLL"}}])
        ),
    ]);
    let i = run(SRC, &[("e.json", v.to_string().as_bytes())], None);
    let got: Vec<(String, Option<String>, Option<String>)> = security_events(&i)
        .detected
        .iter()
        .map(|d| (d.detection.to_string(), d.target.clone(), d.detail.clone()))
        .collect();
    let s = |x: &str| Some(x.to_owned());
    assert_eq!(
        got,
        vec![
            (
                "mfa_removed".into(),
                s("SMS Authentication"),
                s("an MFA factor type was deactivated for the organization")
            ),
            (
                "mfa_removed".into(),
                s("Phone"),
                s("an MFA factor type was deactivated for the organization")
            ),
            (
                "external_access_granted".into(),
                s("Partner IdP"),
                s("an external identity provider was activated: its accounts can sign in")
            ),
        ]
    );
}
