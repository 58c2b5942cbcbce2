//! `aws-cloudtrail-events`: the AWS documentation's examples (from `../shared/realdata/`,
//! skipped when absent) and hand-made log files, each against results worked out by hand
//! from the files.

use serde_json::{Value, json};
use soc2_core::import::ImportError;
use soc2_core::model::{Completeness, FetchedAtSource, SecurityEvents};

mod importing;

use importing::*;

const SOURCE: &str = "aws-cloudtrail-events";

/// (detection, time, actor, action, target, file, record) of each detected event.
fn detected(e: &SecurityEvents) -> Vec<Value> {
    e.detected
        .iter()
        .map(|d| {
            json!([
                d.detection.as_str(),
                d.time.to_string(),
                d.actor,
                d.action,
                d.target,
                d.file,
                d.record
            ])
        })
        .collect()
}

fn counts(e: &SecurityEvents) -> Vec<Value> {
    e.counts
        .iter()
        .map(|c| json!([c.category, serde_json::to_value(c.outcome).unwrap(), c.count]))
        .collect()
}

#[test]
fn the_aws_documentation_examples() {
    let dir = "aws_cloudtrail/awsdocs_examples";
    let names = [
        "logfile_01_amazon_ec2_log_examples.json",
        "logfile_02_amazon_ec2_log_examples.json",
        "logfile_03_amazon_ec2_log_examples.json",
        "logfile_04_iam_log_examples.json",
        "logfile_05_iam_log_examples.json",
        "logfile_06_iam_log_examples.json",
        "logfile_07_error_code_and_message_log_example.json",
        "logfile_08_cloudtrail_insights_event_log_example.json",
        "signin_01_iam_user_successful_sign_in_without_mfa.json",
        "signin_02_iam_user_successful_sign_in_with_mfa.json",
        "signin_03_iam_user_unsuccessful_sign_in.json",
        "signin_04_iam_user_sign_in_process_checks_for_mfa_single_mfa_device_type.json",
        "signin_05_iam_user_sign_in_process_checks_for_mfa_multiple_mfa_device_types.json",
        "signin_06_root_user_successful_sign_in_without_mfa.json",
        "signin_07_root_user_successful_sign_in_with_mfa.json",
        "signin_08_root_user_unsuccessful_sign_in.json",
        "signin_09_root_user_mfa_changed.json",
        "signin_10_root_user_password_changed.json",
    ];
    let mut files = Vec::new();
    for n in names {
        let Some(bytes) = realdata(&format!("{dir}/{n}")) else { return };
        files.push((n, bytes));
    }
    let Some(lookup) = realdata("aws_cloudtrail/awscli_lookup-events_output.json") else { return };
    files.push(("awscli_lookup-events_output.json", lookup));
    let inputs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let i = run(SOURCE, &inputs, None);
    let e = security_events(&i);
    // 17 events in the examples (two are duplicates of others: the page reuses the
    // event ids of signin_04 and signin_06 in signin_05 and signin_07), 1 in lookup-events.
    assert_eq!(e.events, 18);
    assert_eq!(e.covered_from.to_string(), "2014-03-06T17:10:34Z");
    assert_eq!(e.covered_to.to_string(), "2022-11-10T16:24:34Z");
    assert_eq!(
        counts(e),
        [
            json!(["cloudtrail.amazonaws.com", "failure", 1]), // UpdateTrail, TrailNotFound
            json!(["ec2.amazonaws.com", "success", 3]),
            json!(["iam.amazonaws.com", "success", 4]), // CreateUser, AddUserToGroup, CreateRole, EnableMFADevice
            json!(["signin.amazonaws.com", "success", 6]),
            json!(["signin.amazonaws.com", "failure", 2]), // signin_03, signin_08
            json!(["ssm.amazonaws.com", "success", 2]),    // the Insights start and end
        ]
    );
    let root = "root (111122223333)";
    assert_eq!(
        detected(e),
        [
            json!([
                "external_access_granted",
                "2014-03-25T20:17:37Z",
                "arn:aws:iam::123456789012:user/Alice",
                "CreateRole",
                "TestRole",
                "logfile_06_iam_log_examples.json",
                1
            ]),
            json!([
                "admin_granted",
                "2014-03-25T21:08:14Z",
                "arn:aws:iam::123456789012:user/Alice",
                "AddUserToGroup",
                "Bob",
                "logfile_05_iam_log_examples.json",
                1
            ]),
            json!([
                "sign_in_without_mfa",
                "2022-11-10T16:24:34Z",
                "arn:aws:iam::111122223333:user/anaya",
                "ConsoleLogin",
                null,
                "signin_01_iam_user_successful_sign_in_without_mfa.json",
                1
            ]),
            json!([
                "root_account_used",
                "2022-11-10T16:24:34Z",
                root,
                "ConsoleLogin",
                null,
                "signin_06_root_user_successful_sign_in_without_mfa.json",
                1
            ]),
            json!([
                "sign_in_without_mfa",
                "2022-11-10T16:24:34Z",
                root,
                "ConsoleLogin",
                null,
                "signin_06_root_user_successful_sign_in_without_mfa.json",
                1
            ]),
            json!([
                "root_account_used",
                "2022-11-10T16:24:34Z",
                root,
                "EnableMFADevice",
                null,
                "signin_09_root_user_mfa_changed.json",
                1
            ]),
            json!([
                "root_account_used",
                "2022-11-10T16:24:34Z",
                root,
                "PasswordUpdated",
                null,
                "signin_10_root_user_password_changed.json",
                1
            ]),
        ]
    );
    let trust = &e.detected[0];
    assert_eq!(trust.detail.as_deref(), Some("the role trusts account 210987654321"));
    let p = &i.provenance;
    assert_eq!((p.rows_read, p.rows_kept, p.skipped.len()), (20, 18, 2));
    assert!(p.skipped.iter().all(|s| s.reason.contains("duplicate of event")));
    // logfile_06 has a raw line break inside a string; lookup-events holds the record as
    // a JSON string, and CreateRole its trust policy.
    assert_eq!(warning_count(&i, "control_characters_replaced"), 1);
    assert_eq!(warning_count(&i, "json_in_string"), 2);
    assert_eq!(p.completeness, Completeness::Unknown);
    assert_eq!(p.fetched_at_source, FetchedAtSource::Export);
    assert_eq!(p.fetched_at.to_string(), "2022-11-10T16:24:34Z");
    assert_eq!(i.evidence[0].observed_at.to_string(), "2022-11-10T16:24:34Z");
    assert_deterministic(SOURCE, &inputs, None);
}

#[test]
fn a_pipeline_ndjson_with_messy_lines() {
    let bytes = fixture("cloudtrail-events/pipeline.ndjson");
    let i = run(SOURCE, &[("pipeline.ndjson", &bytes)], None);
    let e = security_events(&i);
    assert_eq!(e.events, 7);
    assert_eq!(e.covered_from.to_string(), "2025-03-03T09:00:00Z");
    assert_eq!(e.covered_to.to_string(), "2025-03-03T14:00:00Z");
    assert_eq!(
        counts(e),
        [
            json!(["cloudtrail.amazonaws.com", "success", 1]),
            json!(["cloudtrail.amazonaws.com", "failure", 1]), // DeleteTrail, AccessDenied
            json!(["iam.amazonaws.com", "success", 3]),
            json!(["s3.amazonaws.com", "success", 1]),
            json!(["signin.amazonaws.com", "success", 1]), // SAML: MFA is the IdP's
        ]
    );
    let trail = "arn:aws:cloudtrail:eu-west-1:111122223333:trail/org-trail";
    let alice = "arn:aws:sts::111122223333:assumed-role/Ops/alice";
    let f = "pipeline.ndjson";
    assert_eq!(
        detected(e),
        [
            json!([
                "logging_disabled",
                "2025-03-03T09:00:00Z",
                "arn:aws:iam::111122223333:user/mallory",
                "StopLogging",
                trail,
                f,
                1
            ]),
            json!([
                "admin_granted",
                "2025-03-03T10:00:00Z",
                alice,
                "AttachUserPolicy",
                "bob",
                f,
                3
            ]),
            json!([
                "password_policy_weakened",
                "2025-03-03T11:00:00Z",
                alice,
                "UpdateAccountPasswordPolicy",
                null,
                f,
                4
            ]),
            // 12:00:00.123456789+01:00
            json!([
                "external_access_granted",
                "2025-03-03T11:00:00Z",
                alice,
                "PutBucketPolicy",
                "exports",
                f,
                8
            ]),
            json!([
                "service_account_key_created",
                "2025-03-03T14:00:00Z",
                "arn:aws:iam::111122223333:user/deploy",
                "CreateAccessKey",
                "ci-bot",
                f,
                10
            ]),
        ]
    );
    let pwd = &e.detected[2];
    assert!(pwd.time_from_pipeline);
    assert_eq!(pwd.detail.as_deref(), Some("minimum length 8"));
    assert_eq!(e.detected[3].detail.as_deref(), Some("the bucket policy allows everyone"));
    assert_eq!(e.detected[0].source_ip.as_deref(), Some("203.0.113.7"));
    let p = &i.provenance;
    let skipped: Vec<(u64, bool)> =
        p.skipped.iter().map(|s| (s.row, s.reason.contains("duplicate"))).collect();
    assert_eq!(skipped, [(5, false), (6, false), (11, true)]);
    assert!(p.skipped[0].reason.starts_with("not JSON"));
    assert!(p.skipped[1].reason.contains("not a CloudTrail record"));
    assert_eq!((p.rows_read, p.rows_kept), (10, 7));
    assert_eq!(warning_count(&i, "time_from_pipeline"), 1);
    assert_eq!(warning_count(&i, "space_for_t"), 2); // eventTime of line 3, p_event_time of line 4
    assert_eq!(warning_count(&i, "offset_converted"), 1);
    assert_eq!(warning_count(&i, "sub_second_dropped"), 1);
    assert_eq!(i.attachments[0].media_type, "application/x-ndjson");
    assert_deterministic(SOURCE, &[("pipeline.ndjson", &bytes)], None);
}

#[test]
fn a_gzipped_log_file_with_a_burst_of_failed_sign_ins() {
    let bytes = fixture("cloudtrail-events/signin.json.gz");
    let i = run(SOURCE, &[("signin.json.gz", &bytes)], None);
    let e = security_events(&i);
    assert_eq!(e.events, 12);
    assert_eq!(
        counts(e),
        [
            json!(["signin.amazonaws.com", "success", 1]),
            json!(["signin.amazonaws.com", "failure", 11])
        ]
    );
    // dave: six failures 08:00-08:05 are one burst, the seventh (09:00) is alone; erin's
    // four failures three minutes apart are not a burst; root signed in with MFA ("YES").
    assert_eq!(
        detected(e),
        [
            json!([
                "failed_sign_in_burst",
                "2025-03-04T08:00:00Z",
                "arn:aws:iam::111122223333:user/dave",
                "ConsoleLogin",
                null,
                "signin.json.gz",
                1
            ]),
            json!([
                "root_account_used",
                "2025-03-04T11:00:00Z",
                "root (111122223333)",
                "ConsoleLogin",
                null,
                "signin.json.gz",
                12
            ]),
        ]
    );
    let burst = &e.detected[0];
    assert_eq!(
        burst.detail.as_deref(),
        Some("6 failed sign-ins from 2025-03-04T08:00:00Z to 2025-03-04T08:05:00Z")
    );
    assert_eq!(burst.event_id.as_deref(), Some("signin-001"));
    assert!(!burst.detection.high_risk());
    assert_eq!(i.attachments[0].media_type, "application/gzip");
    assert_eq!(i.provenance.inputs[0].size, bytes.len() as u64);
}

#[test]
fn an_eventbridge_delivery() {
    let bytes = fixture("cloudtrail-events/eventbridge.json");
    let i = run(SOURCE, &[("eventbridge.json", &bytes)], None);
    assert_eq!(
        detected(security_events(&i)),
        [json!([
            "mfa_removed",
            "2025-03-05T10:00:00Z",
            "arn:aws:iam::111122223333:user/frank",
            "DeactivateMFADevice",
            "frank",
            "eventbridge.json",
            1
        ])]
    );
}

#[test]
fn another_log_is_the_wrong_source() {
    let okta = br#"[{"uuid":"1","published":"2025-03-01T10:00:00.000Z","eventType":"user.session.start","outcome":{"result":"SUCCESS"}}]"#;
    let err = try_run(SOURCE, &[("okta.json", okta)], None).unwrap_err();
    assert!(
        matches!(err, ImportError::WrongSource { ref file, .. } if file == "okta.json"),
        "{err}"
    );
    assert!(err.to_string().contains("no event of this log"), "{err}");
}

#[test]
fn a_truncated_log_file_is_refused() {
    let err = try_run(SOURCE, &[("cut.json", b"{\"Records\": [{\"eventName\": \"X\", ")], None)
        .unwrap_err();
    assert!(matches!(err, ImportError::Malformed { ref file, .. } if file == "cut.json"), "{err}");
}

#[test]
fn an_empty_file_is_counted_but_nothing_is_not_a_record() {
    // An empty last page next to a full one: counted, not refused.
    let bytes = fixture("cloudtrail-events/eventbridge.json");
    let i = run(SOURCE, &[("eventbridge.json", &bytes), ("empty.json", b"\n")], None);
    assert_eq!(security_events(&i).events, 1);
    assert_eq!(warning_count(&i, "file_without_events"), 1);
    // Only empty files: nothing to record.
    let err = try_run(SOURCE, &[("empty.json", b"\n"), ("none.json", b"[]")], None).unwrap_err();
    assert_eq!(err, ImportError::NoEvents { file: "empty.json".into(), others: 1 });
    assert_eq!(
        err.to_string(),
        "empty.json and 1 other file: no event with a time in the files: nothing to record"
    );
}
