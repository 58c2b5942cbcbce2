//! Importers against the vendor samples in `../shared/realdata/` (skipped when absent),
//! each compared with hand-written expected evidence, plus hostile inputs.

use std::path::PathBuf;

use serde_json::{Value, json};
use soc2_core::import::{self, ImportError, Input, Options};
use soc2_core::model::{Completeness, FetchedAtSource, Payload, Timestamp};

fn realdata(rel: &str) -> Option<Vec<u8>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/realdata");
    if !root.is_dir() {
        eprintln!("skipped: ../shared/realdata is absent");
        return None;
    }
    Some(fs_err::read(root.join(rel)).unwrap())
}

fn expected(name: &str) -> Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/import").join(name);
    serde_json::from_str(&fs_err::read_to_string(path).unwrap()).unwrap()
}

fn run(source: &str, files: &[(&str, &[u8])], fetched_at: Option<&str>) -> import::Import {
    try_run(source, files, fetched_at).unwrap()
}

fn try_run(
    source: &str,
    files: &[(&str, &[u8])],
    fetched_at: Option<&str>,
) -> Result<import::Import, ImportError> {
    let inputs: Vec<Input<'_>> =
        files.iter().map(|(n, b)| Input { file_name: n, bytes: b }).collect();
    let options =
        Options { system: None, fetched_at: fetched_at.map(|t| t.parse::<Timestamp>().unwrap()) };
    import::import(source, &inputs, &options)
}

fn payload_json(p: &Payload) -> Value {
    let v = serde_json::to_value(p).unwrap();
    v.as_object().unwrap().values().next().unwrap().clone()
}

fn warning_count(i: &import::Import, code: &str) -> u64 {
    i.provenance.warnings.iter().find(|w| w.code == code).map_or(0, |w| w.count)
}

// -- aws-credential-report --------------------------------------------------------------

#[test]
fn aws_credential_report_json_with_decoded_content() {
    let Some(bytes) =
        realdata("aws_iam_credential_report/cloudmapper_demo_iam-get-credential-report.json")
    else {
        return;
    };
    let i = run("aws-credential-report", &[("report.json", &bytes)], None);
    assert_eq!(i.evidence.len(), 1);
    assert_eq!(
        payload_json(&i.evidence[0].payload),
        expected("aws-credential-report.cloudmapper_demo.json")
    );
    let p = &i.provenance;
    // GeneratedTime inside the response is the export's time.
    assert_eq!(p.fetched_at.to_string(), "2019-05-07T15:40:22Z");
    assert_eq!(p.fetched_at_source, FetchedAtSource::Export);
    assert_eq!(p.completeness, Completeness::Complete);
    assert_eq!((p.rows_read, p.rows_kept), (3, 3));
    assert_eq!(warning_count(&i, "content_decoded"), 1);
    assert_eq!(p.inputs[0].size, bytes.len() as u64);
    assert_eq!(i.evidence[0].attachments[0].sha256, p.inputs[0].sha256);
    assert_eq!(i.evidence[0].observed_at.to_string(), "2019-05-07T15:40:22Z");
}

#[test]
fn aws_credential_report_csv_equals_the_json_form() {
    let (Some(csv), Some(_)) = (
        realdata("aws_iam_credential_report/cloudmapper_demo.csv"),
        realdata("aws_iam_credential_report/cloudmapper_demo.csv"),
    ) else {
        return;
    };
    // The bare CSV carries no time: it must be given.
    let err = try_run("aws-credential-report", &[("r.csv", &csv)], None).unwrap_err();
    assert_eq!(err, ImportError::NoFetchTime);
    let i = run("aws-credential-report", &[("r.csv", &csv)], Some("2019-05-07T15:40:22Z"));
    assert_eq!(
        payload_json(&i.evidence[0].payload),
        expected("aws-credential-report.cloudmapper_demo.json")
    );
    assert_eq!(i.provenance.fetched_at_source, FetchedAtSource::Argument);
    // The file has no final newline, and 13 N/A and one not_supported: each counted.
    assert_eq!(warning_count(&i, "sentinel:N/A"), 13);
    assert_eq!(warning_count(&i, "sentinel:not_supported"), 1);
}

#[test]
fn aws_credential_report_custodian_sample() {
    let Some(bytes) = realdata("aws_iam_credential_report/custodian_account.csv") else { return };
    let i = run("aws-credential-report", &[("account.csv", &bytes)], Some("2017-02-23T00:40:00Z"));
    let Payload::UserList(list) = &i.evidence[0].payload else { panic!() };
    // 21 rows, read by hand: the root user, 20 IAM users (christopher twice).
    assert_eq!(list.accounts.len(), 21);
    assert_eq!(warning_count(&i, "duplicate_account"), 1);
    let dup = i.provenance.warnings.iter().find(|w| w.code == "duplicate_account").unwrap();
    assert_eq!(dup.row, 10);
    let root = &list.accounts[0];
    assert!(root.root && root.mfa == Some(true) && root.credentials.is_empty());
    // Users with an active key, by hand from the file: 14 rows have access_key_1_active
    // or access_key_2_active true.
    let with_keys = list.accounts.iter().filter(|a| a.credentials.iter().any(|c| c.active)).count();
    assert_eq!(with_keys, 14);
    let kit = list.accounts.iter().find(|a| a.account == "kit").unwrap();
    assert_eq!(kit.credentials.len(), 2);
    assert_eq!(kit.mfa, Some(false));
    // `no_information` (password never used) is absent, not a date.
    assert_eq!(warning_count(&i, "sentinel:no_information"), 2);
}

#[test]
fn aws_credential_report_error_responses_are_refused() {
    let Some(bytes) =
        realdata("aws_iam_credential_report/custodian_error_ReportNotPresent_410.json")
    else {
        return;
    };
    let err = try_run("aws-credential-report", &[("e.json", &bytes)], None).unwrap_err();
    assert!(matches!(err, ImportError::ErrorResponse { status: 410, .. }), "{err}");
    assert!(err.to_string().contains("generate-credential-report"), "{err}");
}

#[test]
fn aws_credential_report_base64_content() {
    use base64::Engine;
    let csv = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\n<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported,no_information,not_supported,not_supported,false,true,2020-01-02T00:00:00+00:00,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";
    let body = json!({
        "Content": base64::engine::general_purpose::STANDARD.encode(csv),
        "ReportFormat": "text/csv",
        "GeneratedTime": "2026-03-28T15:00:00.344000+00:00"
    });
    let bytes = serde_json::to_vec(&body).unwrap();
    let i = run("aws-credential-report", &[("r.json", &bytes)], None);
    let Payload::UserList(list) = &i.evidence[0].payload else { panic!() };
    let root = &list.accounts[0];
    assert!(root.root && root.mfa == Some(false));
    assert_eq!(root.credentials[0].last_rotated_at.unwrap().to_string(), "2020-01-02T00:00:00Z");
    assert_eq!(i.provenance.fetched_at.to_string(), "2026-03-28T15:00:00Z");
    assert_eq!(warning_count(&i, "sub_second_dropped"), 1);
}

#[test]
fn aws_credential_report_hostile_inputs() {
    let good = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated\nalice,arn:aws:iam::1:user/alice,2020-01-01T00:00:00+00:00,true,N/A,N/A,N/A,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A\n";
    let t = Some("2026-01-01T00:00:00Z");
    // Truncated mid-row: the row is named, nothing is imported.
    let cut = &good.as_bytes()[..good.len() - 40];
    let err = try_run("aws-credential-report", &[("cut.csv", cut)], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { file, row: 2, .. } if file == "cut.csv"),
        "{err}"
    );
    // Another export given to this source: a clear error, not an empty user list.
    let okta = br#"[{"id":"00u1","status":"ACTIVE","profile":{"login":"a@example.com"}}]"#;
    let err = try_run("aws-credential-report", &[("users.json", okta)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let other_csv = b"email,name\na@example.com,A\n";
    let err = try_run("aws-credential-report", &[("roster.csv", other_csv)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let err = try_run("aws-credential-report", &[("empty.csv", b"")], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    // A header and no user at all is not a credential report.
    let header_only = good.lines().next().unwrap();
    let err =
        try_run("aws-credential-report", &[("h.csv", header_only.as_bytes())], t).unwrap_err();
    assert!(matches!(err, ImportError::Malformed { .. }), "{err}");
    // A value that is not a boolean is reported with its row and field.
    let bad = good.replace(",true,false,N/A", ",maybe,false,N/A");
    let err = try_run("aws-credential-report", &[("b.csv", bad.as_bytes())], t).unwrap_err();
    assert!(err.to_string().contains("row 2, field `mfa_active`"), "{err}");
    // Two reports are not pages of one population.
    let err = try_run(
        "aws-credential-report",
        &[("a.csv", good.as_bytes()), ("b.csv", good.as_bytes())],
        t,
    )
    .unwrap_err();
    assert!(err.to_string().contains("one file"), "{err}");
}

#[test]
fn imports_are_deterministic_and_recheck() {
    let csv = b"user,arn,user_creation_time,password_enabled,mfa_active\nalice,arn:aws:iam::1:user/alice,2020-01-01 00:00:00,TRUE,FALSE";
    let a = run("aws-credential-report", &[("r.csv", csv)], Some("2026-01-01T00:00:00Z"));
    let b = run("aws-credential-report", &[("r.csv", csv)], Some("2026-01-01T00:00:00Z"));
    let bytes = |i: &import::Import| soc2_core::json::to_canonical_vec(&i.evidence).unwrap();
    assert_eq!(bytes(&a), bytes(&b));
    assert!(warning_count(&a, "boolean_spelling") >= 2);
    assert_eq!(warning_count(&a, "space_for_t"), 1);
    let input = [Input { file_name: "r.csv", bytes: csv }];
    let check = import::recheck(&a.evidence[0], &input).unwrap();
    assert!(check.identical);
    let changed = b"user,arn,user_creation_time,password_enabled,mfa_active\nalice,arn:aws:iam::1:user/alice,2020-01-01 00:00:00,TRUE,TRUE";
    let input = [Input { file_name: "r.csv", bytes: changed }];
    assert!(!import::recheck(&a.evidence[0], &input).unwrap().identical);
    let err = try_run("no-such-source", &[("r.csv", csv)], None).unwrap_err();
    assert!(matches!(err, ImportError::UnknownSource { .. }));
}
