//! `github-audit-log`: hand-written fixtures in GitHub's documented audit-log format
//! (`tests/import/github-audit-log/`: an export or `GET /orgs/{org}/audit-log` page as a
//! JSON array, and a streamed/pipeline NDJSON file), each compared with hand-written
//! expected evidence, plus hostile inputs.

use serde_json::{Value, json};
use soc2_core::import::ImportError;
use soc2_core::model::Payload;

mod importing;

use importing::*;

const SRC: &str = "github-audit-log";

fn both() -> (Vec<u8>, Vec<u8>) {
    (fixture("github-audit-log/export.json"), fixture("github-audit-log/stream.ndjson"))
}

#[test]
fn export_and_stream_match_the_hand_written_evidence() {
    let (export, stream) = both();
    let i = run(SRC, &[("export.json", &export), ("stream.ndjson", &stream)], None);
    assert_eq!(i.evidence.len(), 1);
    assert_eq!(payload_json(&i.evidence[0].payload), expected("github-audit-log/expected.json"));
    // The stream's messy lines: one event without a time of its own took the pipeline's,
    // JSON held in strings (a bypass list, a raw event) was parsed, the export's first
    // event came again (overlapping exports), an Okta and a CloudTrail line are not
    // GitHub's.
    assert_eq!(warning_count(&i, "time_from_pipeline"), 1);
    assert_eq!(warning_count(&i, "json_in_string"), 2);
    let reasons: Vec<(String, u64, String)> =
        i.provenance.skipped.iter().map(|s| (s.file.clone(), s.row, s.reason.clone())).collect();
    let skipped_at = |row: u64| reasons.iter().find(|r| r.0 == "stream.ndjson" && r.1 == row);
    assert!(
        skipped_at(2).is_some_and(|r| r.2.starts_with("not a GitHub audit-log event")),
        "{reasons:?}"
    );
    assert!(skipped_at(5).is_some_and(|r| r.2.contains("duplicate of event d-01")), "{reasons:?}");
    assert!(
        skipped_at(12).is_some_and(|r| r.2.starts_with("not a GitHub audit-log event")),
        "{reasons:?}"
    );
    assert_deterministic(SRC, &[("export.json", &export), ("stream.ndjson", &stream)], None);
}

#[test]
fn gzip_and_order_of_files_do_not_change_the_evidence() {
    let (export, stream) = both();
    let a = run(SRC, &[("export.json", &export), ("stream.ndjson", &stream)], None);
    let gz = gzip(&stream);
    let b = run(SRC, &[("export.json", &export), ("stream.ndjson", &gz)], None);
    assert_eq!(payload_json(&a.evidence[0].payload), payload_json(&b.evidence[0].payload));
    // The stream first: the duplicate is now the export's first event.
    let c = run(SRC, &[("stream.ndjson", &stream), ("export.json", &export)], None);
    let Payload::SecurityEvents(e) = &c.evidence[0].payload else { panic!() };
    assert_eq!(e.events, 41);
    let d01: Vec<_> = e.detected.iter().filter(|d| d.event_id.as_deref() == Some("d-01")).collect();
    assert_eq!(d01.len(), 1);
    assert_eq!((d01[0].file.as_str(), d01[0].record), ("stream.ndjson", 5));
}

#[test]
fn the_same_events_as_ndjson_give_the_same_detections() {
    let (export, _) = both();
    let events: Vec<Value> = serde_json::from_slice(&export).unwrap();
    let ndjson: String = events.iter().map(|e| format!("{e}\n")).collect();
    let a = run(SRC, &[("export.json", &export)], None);
    let b = run(SRC, &[("export.json", ndjson.as_bytes())], None);
    assert_eq!(payload_json(&a.evidence[0].payload), payload_json(&b.evidence[0].payload));
}

#[test]
fn negatives_are_counted_not_listed() {
    let (export, _) = both();
    let i = run(SRC, &[("export.json", &export)], None);
    let Payload::SecurityEvents(e) = &i.evidence[0].payload else { panic!() };
    let listed: Vec<&str> = e.detected.iter().filter_map(|d| d.event_id.as_deref()).collect();
    // Admins bound again, a status-check level that still applies, two reviews
    // required, evaluate -> disabled, a pull-request-only bypass, a disabled ruleset
    // deleted, an owner demoted, 2FA required, streaming enabled, a repository made
    // internal, a user's own SSH key, a new private repository, a rejected push.
    for id in [
        "d-04", "d-07", "d-10", "d-12", "d-16", "d-18", "d-21", "d-24", "d-27", "d-30", "d-31",
        "d-32",
    ] {
        assert!(!listed.contains(&id), "{id} listed");
    }
    assert_eq!(listed.iter().filter(|id| **id == "d-14").count(), 1);
}

#[test]
fn other_products_logs_are_the_wrong_source() {
    let okta = br#"[{"eventType": "user.session.start", "published": "2026-03-03T14:21:00.000Z", "uuid": "x"}]"#;
    let err = try_run(SRC, &[("okta.json", okta)], None).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let trail = br#"{"Records": [{"eventName": "StopLogging", "eventSource": "cloudtrail.amazonaws.com", "eventTime": "2026-03-03T14:21:00Z"}]}"#;
    let err = try_run(SRC, &[("trail.json", trail)], None).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    // A file of GitHub events and a file of something else: the second is named.
    let (export, _) = both();
    let err = try_run(SRC, &[("export.json", &export), ("okta.json", okta)], None).unwrap_err();
    assert!(err.to_string().contains("okta.json"), "{err}");
}

#[test]
fn a_bad_time_is_an_error_naming_file_record_and_field() {
    let bad = json!([{"@timestamp": "yesterday", "action": "repo.create", "actor": "a", "_document_id": "x"}]);
    let err = try_run(SRC, &[("bad.json", bad.to_string().as_bytes())], None).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("bad.json") && text.contains("@timestamp"), "{text}");
}

#[test]
fn an_event_without_any_time_is_skipped_and_said() {
    let v = json!([
        {"action": "repo.create", "actor": "a", "_document_id": "x", "org": "acme"},
        {"@timestamp": 1772442000000u64, "action": "repo.create", "actor": "a", "_document_id": "y"}
    ]);
    let i = run(SRC, &[("t.json", v.to_string().as_bytes())], None);
    let Payload::SecurityEvents(e) = &i.evidence[0].payload else { panic!() };
    assert_eq!(e.events, 1);
    assert!(i.provenance.skipped.iter().any(|s| s.row == 1 && s.reason.contains("no time")));
}

#[test]
fn a_reused_document_id_with_another_action_is_counted_twice() {
    let v = json!([
        {"@timestamp": 1772442000000u64, "action": "repo.create", "actor": "a", "_document_id": "x"},
        {"@timestamp": 1772442000000u64, "action": "repo.destroy", "actor": "a", "_document_id": "x"}
    ]);
    let i = run(SRC, &[("t.json", v.to_string().as_bytes())], None);
    let Payload::SecurityEvents(e) = &i.evidence[0].payload else { panic!() };
    assert_eq!(e.events, 2);
    assert_eq!(warning_count(&i, "event_id_reused"), 1);
}

#[test]
fn elastic_event_original_is_unwrapped() {
    let inner = json!({"@timestamp": 1772442000000u64, "_document_id": "e-1", "action": "protected_branch.destroy", "actor": "ops", "name": "main", "org": "acme", "repo": "acme/pay"});
    let doc = json!({"@timestamp": "2026-03-02T09:00:05Z", "event": {"action": "protected_branch.destroy", "original": inner.to_string()}});
    let i = run(SRC, &[("elastic.ndjson", format!("{doc}\n").as_bytes())], None);
    let Payload::SecurityEvents(e) = &i.evidence[0].payload else { panic!() };
    assert_eq!(e.detected.len(), 1);
    assert_eq!(e.detected[0].target.as_deref(), Some("acme/pay:main"));
    assert_eq!(e.detected[0].time.to_string(), "2026-03-02T09:00:00Z");
}

/// One event per entry (action, extra fields) at one-minute steps; the (action, detail)
/// of each listed event.
fn listed(events: &[(&str, Value)]) -> Vec<(String, String, Option<String>)> {
    let v: Vec<Value> = events
        .iter()
        .enumerate()
        .map(|(n, (action, extra))| {
            let mut e = json!({"@timestamp": 1772442000000u64 + 60000 * n as u64,
                "_document_id": format!("x-{n}"), "action": action, "actor": "op", "org": "acme",
                "repo": "acme/api", "name": "main"});
            for (k, x) in extra.as_object().unwrap() {
                e[k] = x.clone();
            }
            e
        })
        .collect();
    let i = run(SRC, &[("t.json", Value::Array(v).to_string().as_bytes())], None);
    let Payload::SecurityEvents(e) = &i.evidence[0].payload else { panic!() };
    e.detected
        .iter()
        .map(|d| (d.detection.to_string(), d.action.clone(), d.detail.clone()))
        .collect()
}

#[test]
fn protected_branch_settings_lowered_or_not() {
    let got = listed(&[
        (
            "protected_branch.update_require_code_owner_review",
            json!({"require_code_owner_review": "false"}),
        ),
        (
            "protected_branch.update_require_code_owner_review",
            json!({"require_code_owner_review": true}),
        ),
        (
            "protected_branch.update_strict_required_status_checks_policy",
            json!({"strict_required_status_checks_policy": false}),
        ),
        (
            "protected_branch.update_allow_deletions_enforcement_level",
            json!({"allow_deletions_enforcement_level": 2}),
        ),
        (
            "protected_branch.update_allow_deletions_enforcement_level",
            json!({"allow_deletions_enforcement_level": "off"}),
        ),
        (
            "protected_branch.update_signature_requirement_enforcement_level",
            json!({"signature_requirement_enforcement_level": "non_admins"}),
        ),
        (
            "protected_branch.update_signature_requirement_enforcement_level",
            json!({"signature_requirement_enforcement_level": "off"}),
        ),
        // The setting's field missing: the event does not tell.
        ("protected_branch.update_pull_request_reviews_enforcement_level", json!({})),
        ("protected_branch.update_admin_enforced", json!({})),
        ("protected_branch.create", json!({})),
    ]);
    let bpw = "branch_protection_weakened".to_owned();
    assert_eq!(
        got,
        vec![
            (
                bpw.clone(),
                "protected_branch.update_require_code_owner_review".into(),
                Some("require code owner review switched off".into())
            ),
            (
                bpw.clone(),
                "protected_branch.update_strict_required_status_checks_policy".into(),
                Some("strict required status checks policy switched off".into())
            ),
            (
                bpw.clone(),
                "protected_branch.update_allow_deletions_enforcement_level".into(),
                Some("deletions now allowed (2)".into())
            ),
            (
                bpw,
                "protected_branch.update_signature_requirement_enforcement_level".into(),
                Some("signature no longer required".into())
            ),
        ]
    );
}

#[test]
fn other_actions_detected_or_not() {
    let got = listed(&[
        ("org.add_member", json!({"permission": "admin", "user": "ivy"})),
        ("org.add_member", json!({"permission": "read", "user": "joe"})),
        ("two_factor_authentication.disabled", json!({"user": "kim"})),
        ("migration.create", json!({})),
        (
            "repository_ruleset.update",
            json!({"ruleset_name": "r", "ruleset_bypass_actors_updated": [{"actor_id": 7, "actor_type": "Team", "bypass_mode": "always"}]}),
        ),
        (
            "repository_ruleset.update",
            json!({"ruleset_name": "r", "ruleset_enforcement": "active", "ruleset_old_enforcement": "disabled"}),
        ),
        (
            "repository_ruleset.create",
            json!({"ruleset_name": "r", "ruleset_bypass_actors": [{"actor_id": 7, "actor_type": "Team", "bypass_mode": "always"}]}),
        ),
        ("audit_log_streaming.update", json!({})),
        ("git.clone", json!({})),
    ]);
    let d = |det: &str, action: &str, detail: &str| {
        (det.to_owned(), action.to_owned(), Some(detail.to_owned()))
    };
    assert_eq!(
        got,
        vec![
            d("admin_granted", "org.add_member", "made an organization owner"),
            d(
                "mfa_removed",
                "two_factor_authentication.disabled",
                "two-factor authentication was disabled for an account"
            ),
            d(
                "bulk_data_export",
                "migration.create",
                "a migration archive of the organization's data was created"
            ),
            d(
                "branch_protection_weakened",
                "repository_ruleset.update",
                "Team 7 may always bypass the ruleset"
            ),
        ]
    );
}
