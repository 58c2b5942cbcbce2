//! `gcp-audit-log`: Cloud Audit Logs entries from `gcloud logging read --format=json`,
//! `entries.list` pages and NDJSON (a Cloud Storage sink, a pipeline, a BigQuery export),
//! with hand-written expectations (`tests/import/gcp-audit-log/expected.json`).

mod importing;

use std::io::Write;

use importing::*;
use soc2_core::import::ImportError;

const SRC: &str = "gcp-audit-log";

fn files() -> Vec<(&'static str, Vec<u8>)> {
    ["gcloud.json", "entries.page.json", "sink.ndjson"]
        .into_iter()
        .map(|n| (n, fixture(&format!("gcp-audit-log/{n}"))))
        .collect()
}

fn refs<'a>(owned: &'a [(&'static str, Vec<u8>)]) -> Vec<(&'static str, &'a [u8])> {
    owned.iter().map(|(n, b)| (*n, b.as_slice())).collect()
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
    let zipped: Vec<(&'static str, Vec<u8>)> = owned
        .iter()
        .map(|(n, b)| {
            let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            e.write_all(b).unwrap();
            (*n, e.finish().unwrap())
        })
        .collect();
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
