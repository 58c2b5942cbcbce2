//! `gcp-audit-log`: Cloud Audit Logs entries from `gcloud logging read --format=json`,
//! `entries.list` pages and NDJSON (a Cloud Storage sink, a pipeline, a BigQuery export),
//! with hand-written expectations (`tests/import/gcp-audit-log/expected.json`).

mod importing;

use importing::*;
use soc2_core::import::ImportError;

const SRC: &str = "gcp-audit-log";

fn files() -> Vec<(&'static str, Vec<u8>)> {
    ["gcloud.json", "entries.page.json", "sink.ndjson"]
        .into_iter()
        .map(|n| (n, fixture(&format!("gcp-audit-log/{n}"))))
        .collect()
}

#[test]
fn detections_from_gcloud_pages_and_sink_lines() {
    let owned = files();
    let i = run(SRC, &refs(&owned), None);
    assert_eq!(i.evidence.len(), 1);
    assert_eq!(payload_json(&i.evidence[0].payload), expected("gcp-audit-log/expected.json"));
    // The entries.list page says more pages follow.
    assert_eq!(warning_count(&i, "next_page_not_given"), 1);
    // The DeleteLog line has only Cloud Logging's receiveTimestamp.
    assert_eq!(warning_count(&i, "time_from_pipeline"), 1);
    // The BigQuery export's requestJson and metadataJson.
    assert_eq!(warning_count(&i, "json_in_string"), 2);
    let skipped: Vec<(String, u64, String)> =
        i.provenance.skipped.iter().map(|s| (s.file.clone(), s.row, s.reason.clone())).collect();
    assert_eq!(
        skipped,
        vec![
            (
                "sink.ndjson".to_owned(),
                4,
                "a log entry that is not an audit log (no protoPayload)".to_owned()
            ),
            (
                "sink.ndjson".to_owned(),
                6,
                "a duplicate of event key-1 read before (overlapping exports)".to_owned()
            ),
            (
                "sink.ndjson".to_owned(),
                8,
                "a log entry whose payload is not an audit log \
                 (type.googleapis.com/google.appengine.logging.v1.RequestLog)"
                    .to_owned()
            ),
        ]
    );
    assert_eq!(i.provenance.rows_kept, 22);
    assert_eq!(i.provenance.rows_read, 25);
}

#[test]
fn gzipped_sink_file_reads_the_same() {
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
fn application_logs_only_are_the_wrong_source() {
    let app = br#"[{"insertId":"a","jsonPayload":{"msg":"hi"},"timestamp":"2026-03-12T09:45:00Z"},{"insertId":"b","textPayload":"started","timestamp":"2026-03-12T09:46:00Z"}]"#;
    let e = try_run(SRC, &[("app.json", app)], None).unwrap_err();
    match e {
        ImportError::WrongSource { reason, .. } => {
            assert!(reason.contains("not an audit log"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    // A Workspace activity page is not a Cloud Logging export either.
    let ws = fixture("google-workspace-activity/admin.page1.json");
    let e = try_run(SRC, &[("admin.page1.json", &ws)], None).unwrap_err();
    assert!(matches!(e, ImportError::WrongSource { .. }), "{e:?}");
}

#[test]
fn a_bad_timestamp_names_file_record_and_field() {
    let bad = br#"{"insertId":"x","timestamp":"soon","protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"iam.googleapis.com","methodName":"google.iam.admin.v1.CreateServiceAccountKey"}}"#;
    let e = try_run(SRC, &[("bad.ndjson", bad)], None).unwrap_err();
    let text = e.to_string();
    assert!(text.contains("bad.ndjson") && text.contains("timestamp"), "{text}");
}

#[test]
fn removals_and_ordinary_roles_are_not_flagged() {
    // Owner removed; a custom role; a Google-managed service agent granted a role by a
    // service account (whose domain says nothing about the organization's).
    let lines = [
        r#"{"insertId":"1","timestamp":"2026-03-13T08:00:00Z","protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"cloudresourcemanager.googleapis.com","methodName":"SetIamPolicy","resourceName":"projects/p","authenticationInfo":{"principalEmail":"a@acme.example"},"serviceData":{"policyDelta":{"bindingDeltas":[{"action":"REMOVE","role":"roles/owner","member":"user:x@gmail.com"}]}}}}"#,
        r#"{"insertId":"2","timestamp":"2026-03-13T08:01:00Z","protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"cloudresourcemanager.googleapis.com","methodName":"SetIamPolicy","resourceName":"projects/p","authenticationInfo":{"principalEmail":"a@acme.example"},"serviceData":{"policyDelta":{"bindingDeltas":[{"action":"ADD","role":"projects/p/roles/deployAdmin","member":"user:b@acme.example"}]}}}}"#,
        r#"{"insertId":"3","timestamp":"2026-03-13T08:02:00Z","protoPayload":{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","serviceName":"cloudresourcemanager.googleapis.com","methodName":"SetIamPolicy","resourceName":"projects/p","authenticationInfo":{"principalEmail":"deployer@p.iam.gserviceaccount.com"},"serviceData":{"policyDelta":{"bindingDeltas":[{"action":"ADD","role":"roles/viewer","member":"user:c@other.example"}]}}}}"#,
    ];
    let body = lines.join("\n");
    let i = run(SRC, &[("quiet.ndjson", body.as_bytes())], None);
    let p = payload_json(&i.evidence[0].payload);
    assert!(p.get("detected").is_none(), "{p}");
    assert_eq!(p["events"], 3);
}

/// A Workspace audit log entry as shared with Cloud Logging (the Workspace event in
/// `protoPayload.metadata.event[]`).
fn workspace_entry(
    n: u32,
    time: &str,
    who: &str,
    service: &str,
    method: &str,
    event: &str,
) -> String {
    format!(
        r#"{{"insertId":"ws-{n}","logName":"organizations/123/logs/cloudaudit.googleapis.com%2Fdata_access","protoPayload":{{"@type":"type.googleapis.com/google.cloud.audit.AuditLog","authenticationInfo":{{"principalEmail":"{who}"}},"requestMetadata":{{"callerIp":"192.0.2.66"}},"serviceName":"{service}","methodName":"{method}","resourceName":"organizations/123","metadata":{{"@type":"type.googleapis.com/ccc_hosted_reporting.ActivityProto","activityId":{{"uniqQualifier":"{n}"}},"event":[{event}]}}}},"resource":{{"type":"audited_resource","labels":{{"service":"{service}"}}}},"severity":"NOTICE","timestamp":"{time}"}}"#
    )
}

#[test]
fn workspace_logs_shared_with_cloud_logging_are_examined_as_workspace_events() {
    let failure = r#"{"eventName":"login_failure","eventType":"login","parameter":[{"name":"login_type","value":"google_password","type":"TYPE_STRING","label":"LABEL_OPTIONAL"},{"name":"login_challenge_method","multiStrValue":["password"],"type":"TYPE_STRING","label":"LABEL_REPEATED"}]}"#;
    let password_only = r#"{"eventName":"login_success","eventType":"login","parameter":[{"name":"login_type","value":"google_password"},{"name":"login_challenge_method","multiStrValue":["password"],"label":"LABEL_REPEATED"},{"name":"is_suspicious","boolValue":false}]}"#;
    let with_phone = r#"{"eventName":"login_success","eventType":"login","parameter":[{"name":"login_type","value":"google_password"},{"name":"login_challenge_method","multiStrValue":["password","idv_preregistered_phone"]}]}"#;
    let assign = r#"{"eventName":"ASSIGN_ROLE","eventType":"DELEGATED_ADMIN_SETTINGS","parameter":[{"name":"ROLE_NAME","value":"_SEED_ADMIN_ROLE"},{"name":"USER_EMAIL","value":"carol@acme.example"}]}"#;
    let login = "login.googleapis.com";
    let mut lines: Vec<String> = (0..5)
        .map(|k| {
            workspace_entry(
                k + 1,
                &format!("2026-03-14T09:0{}:00Z", 2 * k),
                "mallory@acme.example",
                login,
                "google.login.LoginService.loginFailure",
                failure,
            )
        })
        .collect();
    lines.push(workspace_entry(
        6,
        "2026-03-14T10:00:00Z",
        "frank@acme.example",
        login,
        "google.login.LoginService.loginSuccess",
        password_only,
    ));
    lines.push(workspace_entry(
        7,
        "2026-03-14T10:05:00Z",
        "grace@acme.example",
        login,
        "google.login.LoginService.loginSuccess",
        with_phone,
    ));
    lines.push(workspace_entry(
        8,
        "2026-03-14T11:00:00Z",
        "admin@acme.example",
        "admin.googleapis.com",
        "google.admin.AdminService.assignRole",
        assign,
    ));
    let body = lines.join("\n");
    let i = run(SRC, &[("workspace.ndjson", body.as_bytes())], None);
    let p = payload_json(&i.evidence[0].payload);
    assert_eq!(
        p["counts"],
        serde_json::json!([
            {"category": "admin.googleapis.com", "outcome": "success", "count": 1},
            {"category": "login.googleapis.com", "outcome": "success", "count": 2},
            {"category": "login.googleapis.com", "outcome": "failure", "count": 5}
        ])
    );
    let seen: Vec<(String, String, String, String)> = p["detected"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["detection"].as_str().unwrap().to_owned(),
                d["actor"].as_str().unwrap().to_owned(),
                d["action"].as_str().unwrap().to_owned(),
                d["event_id"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let s = |a: &str, b: &str, c: &str, d: &str| (a.into(), b.into(), c.into(), d.into());
    assert_eq!(
        seen,
        vec![
            s("failed_sign_in_burst", "mallory@acme.example", "login_failure", "ws-1"),
            s("sign_in_without_mfa", "frank@acme.example", "login_success", "ws-6"),
            s("admin_granted", "admin@acme.example", "ASSIGN_ROLE", "ws-8"),
        ]
    );
    assert_eq!(p["detected"][2]["target"], "carol@acme.example");
    assert_eq!(
        p["detected"][0]["detail"],
        "5 failed sign-ins from 2026-03-14T09:00:00Z to 2026-03-14T09:08:00Z"
    );
}
