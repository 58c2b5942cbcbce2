//! `google-workspace-activity`: Admin SDK Reports API activity pages and NDJSON of
//! activities from a log pipeline, with hand-written expectations
//! (`tests/import/google-workspace-activity/expected.json`).

mod importing;

use importing::*;
use soc2_core::import::ImportError;

const SRC: &str = "google-workspace-activity";

fn files() -> Vec<(&'static str, Vec<u8>)> {
    ["admin.page1.json", "login.page.json", "pipeline.ndjson"]
        .into_iter()
        .map(|n| (n, fixture(&format!("google-workspace-activity/{n}"))))
        .collect()
}

#[test]
fn detections_from_pages_and_pipeline_lines() {
    let owned = files();
    let i = run(SRC, &refs(&owned), None);
    assert_eq!(i.evidence.len(), 1);
    assert_eq!(
        payload_json(&i.evidence[0].payload),
        expected("google-workspace-activity/expected.json")
    );
    // Page 1 says more pages follow.
    assert_eq!(warning_count(&i, "next_page_not_given"), 1);
    // The Takeout line without id.time took p_event_time.
    assert_eq!(warning_count(&i, "time_from_pipeline"), 1);
    // `_raw` and `events` held JSON in strings.
    assert_eq!(warning_count(&i, "json_in_string"), 2);
    // The flattened line's time has a space for `T` and no zone.
    assert_eq!(warning_count(&i, "space_for_t"), 1);
    assert_eq!(warning_count(&i, "timestamp_without_zone"), 1);
    let skipped: Vec<(String, u64, String)> =
        i.provenance.skipped.iter().map(|s| (s.file.clone(), s.row, s.reason.clone())).collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert!(skipped.iter().any(|(f, r, why)| f == "pipeline.ndjson"
        && *r == 9
        && why.contains("duplicate of event 1004")));
    assert!(skipped.iter().any(|(f, r, why)| f == "pipeline.ndjson"
        && *r == 10
        && why.contains("not a Google Workspace activity")));
    assert!(skipped.iter().any(|(f, r, _)| f == "pipeline.ndjson" && *r == 11));
    // Events counted, plus the duplicate and the two lines from elsewhere.
    assert_eq!(i.provenance.rows_kept, 31);
    assert_eq!(i.provenance.rows_read, 34);
}

#[test]
fn gzipped_files_read_the_same() {
    let owned = files();
    let plain = run(SRC, &refs(&owned), None);
    let zipped: Vec<(&'static str, Vec<u8>)> = owned.iter().map(|(n, b)| (*n, gzip(b))).collect();
    let gz = run(SRC, &refs(&zipped), None);
    assert_eq!(payload_json(&gz.evidence[0].payload), payload_json(&plain.evidence[0].payload));
}

#[test]
fn deterministic_and_rechecked() {
    let owned = files();
    assert_deterministic(SRC, &refs(&owned), None);
}

#[test]
fn cloudtrail_file_is_the_wrong_source() {
    let ct = br#"{"Records":[{"eventVersion":"1.08","eventTime":"2026-03-04T13:30:00Z","eventSource":"signin.amazonaws.com","eventName":"ConsoleLogin","eventID":"ct-1"}]}"#;
    let e = try_run(SRC, &[("trail.json", ct)], None).unwrap_err();
    assert!(matches!(e, ImportError::WrongSource { .. }), "{e:?}");
}

#[test]
fn a_page_without_items_is_named_as_such() {
    let empty = br#"{"kind": "admin#reports#activities", "etag": "\"e\""}"#;
    let e = try_run(SRC, &[("empty.json", empty)], None).unwrap_err();
    match e {
        ImportError::WrongSource { reason, .. } => {
            assert!(reason.contains("without items"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_bad_time_names_file_record_and_field() {
    let bad = br#"{"id":{"time":"yesterday","uniqueQualifier":"9","applicationName":"login"},"actor":{"email":"a@acme.example"},"events":[{"name":"logout"}]}"#;
    let e = try_run(SRC, &[("bad.ndjson", bad)], None).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("bad.ndjson") && text.contains("id.time"), "{text}");
}

#[test]
fn second_factors_and_federated_sign_ins_are_not_flagged() {
    // A password sign-in with a passkey or a security key, and a password sign-in whose
    // challenge list Google left out (nothing said: nothing flagged).
    let lines = [
        r#"{"id":{"time":"2026-03-05T08:00:00Z","uniqueQualifier":"1","applicationName":"login"},"actor":{"email":"a@acme.example"},"events":[{"name":"login_success","parameters":[{"name":"login_type","value":"google_password"},{"name":"login_challenge_method","multiValue":["password","security_key"]}]}]}"#,
        r#"{"id":{"time":"2026-03-05T08:01:00Z","uniqueQualifier":"2","applicationName":"login"},"actor":{"email":"b@acme.example"},"events":[{"name":"login_success","parameters":[{"name":"login_type","value":"google_password"},{"name":"login_challenge_method","value":"passkey"}]}]}"#,
        r#"{"id":{"time":"2026-03-05T08:02:00Z","uniqueQualifier":"3","applicationName":"login"},"actor":{"email":"c@acme.example"},"events":[{"name":"login_success","parameters":[{"name":"login_type","value":"google_password"}]}]}"#,
        r#"{"id":{"time":"2026-03-05T08:03:00Z","uniqueQualifier":"4","applicationName":"login"},"actor":{"email":"d@acme.example"},"events":[{"name":"login_success","parameters":[{"name":"login_type","value":"google_password"},{"name":"login_challenge_method","value":"password"}]}]}"#,
    ];
    let body = lines.join("\n");
    let i = run(SRC, &[("logins.ndjson", body.as_bytes())], None);
    let p = payload_json(&i.evidence[0].payload);
    let detected = p["detected"].as_array().unwrap();
    assert_eq!(detected.len(), 1, "{detected:?}");
    assert_eq!(detected[0]["actor"], "d@acme.example");
    assert_eq!(detected[0]["detection"], "sign_in_without_mfa");
}

#[test]
fn flattened_events_of_one_activity_are_told_apart_by_their_parameters() {
    // Two events of one admin activity, one line each (same qualifier, time and name),
    // and the second line again: two events, one duplicate.
    let a = r#"{"id":{"applicationName":"admin","time":"2026-03-06T10:00:00Z","uniqueQualifier":"77"},"actor":{"email":"admin@acme.example"},"name":"TURN_OFF_2_STEP_VERIFICATION","type":"USER_SETTINGS","parameters":{"USER_EMAIL":"a@acme.example"}}"#;
    let b = r#"{"id":{"applicationName":"admin","time":"2026-03-06T10:00:00Z","uniqueQualifier":"77"},"actor":{"email":"admin@acme.example"},"name":"TURN_OFF_2_STEP_VERIFICATION","type":"USER_SETTINGS","parameters":{"USER_EMAIL":"b@acme.example"}}"#;
    let body = [a, b, b].join("\n");
    let i = run(SRC, &[("flat.ndjson", body.as_bytes())], None);
    let p = payload_json(&i.evidence[0].payload);
    assert_eq!(p["events"], 2);
    let targets: Vec<&str> =
        p["detected"].as_array().unwrap().iter().map(|d| d["target"].as_str().unwrap()).collect();
    assert_eq!(targets, ["a@acme.example", "b@acme.example"]);
    assert_eq!(i.provenance.skipped.len(), 1);
    assert_eq!(i.provenance.skipped[0].row, 3);
}
