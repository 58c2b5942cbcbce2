//! `soc2 import` of the AWS configuration sources: CloudTrail trails and CloudWatch alarms
//! into a locker, each record re-derived by `--check`, and the refusals.

mod common;

use common::*;

fn fixture(rel: &str) -> String {
    format!("{}/soc2-core/tests/import/{rel}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn import_cloudtrail_trails_and_check_each_record() {
    let dir = tempfile::tempdir().unwrap();
    let locker = dir.path().join("l");
    let locker = locker.to_str().unwrap();
    assert!(soc2(&["init", locker]).status.success());
    let list = soc2(&["import", "--list"]);
    assert!(out(&list).contains("aws-cloudtrail-trails"), "{}", out(&list));
    let files: Vec<String> = [
        "describe-trails.json",
        "status.org-trail.json",
        "status.data-trail.json",
        "status.legacy.json",
        "selectors.org-trail.json",
        "selectors.data-trail.json",
    ]
    .iter()
    .map(|n| fixture(&format!("cloudtrail/{n}")))
    .collect();
    // Without legacy's status: refused, nothing recorded.
    let mut args = vec!["import", "aws-cloudtrail-trails"];
    args.extend(files.iter().filter(|f| !f.ends_with("status.legacy.json")).map(String::as_str));
    args.extend(["--locker", locker]);
    let o = soc2(&args);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("no get-trail-status for trail(s) legacy"), "{}", out(&o));
    assert_eq!(out(&soc2(&["log", "--locker", locker])).trim(), "");

    let mut args = vec!["import", "aws-cloudtrail-trails"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--locker", locker]);
    let o = soc2(&args);
    assert!(o.status.success(), "{}", out(&o));
    let text = out(&o);
    assert!(text.contains("recorded 3 logging_configuration record(s): seq 0..2"), "{text}");
    assert!(text.contains("warning trail_not_logging x1"), "{text}");
    assert!(text.contains("first: describe-trails.json row 3"), "{text}");
    for seq in ["0", "1", "2"] {
        let o = soc2(&["import", "--check", seq, "--locker", locker]);
        assert!(out(&o).starts_with("identical"), "{seq}: {}", out(&o));
    }
    let records = soc2(&["log", "--locker", locker, "--format", "json"]);
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&records.stdout).lines().next().unwrap())
            .unwrap();
    let l = &first["evidence"]["payload"]["logging_configuration"];
    assert_eq!(l["name"], "arn:aws:cloudtrail:us-east-1:111122223333:trail/org-trail");
    assert_eq!(first["evidence"]["observed_at"], "2026-12-04T10:00:00Z");
    assert_eq!(first["evidence"]["attachments"].as_array().unwrap().len(), 6);
}

#[test]
fn import_cloudwatch_alarms_and_refuse_a_cut_listing() {
    let dir = tempfile::tempdir().unwrap();
    let locker = dir.path().join("l");
    let locker = locker.to_str().unwrap();
    assert!(soc2(&["init", locker]).status.success());
    let (a1, a2, f) = (
        fixture("cloudwatch/alarms-1.json"),
        fixture("cloudwatch/alarms-2.json"),
        fixture("cloudwatch/filters.json"),
    );
    // Page 1 names a next page: an incomplete population.
    let o = soc2(&[
        "import",
        "aws-cloudwatch-alarms",
        &a1,
        &f,
        "--locker",
        locker,
        "--fetched-at",
        "2026-12-04T10:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("incomplete population"), "{}", out(&o));
    let o = soc2(&[
        "import",
        "aws-cloudwatch-alarms",
        &a1,
        &a2,
        &f,
        "--locker",
        locker,
        "--fetched-at",
        "2026-12-04T10:00:00Z",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", out(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["records"].as_array().unwrap().len(), 7, "{v}");
    assert_eq!(v["provenance"]["completeness"], "unknown");
    assert_eq!(v["provenance"]["fetched_at_source"], "argument");
    let records = soc2(&["log", "--locker", locker, "--format", "json"]);
    let last: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&records.stdout).lines().nth(6).unwrap())
            .unwrap();
    let rule = &last["evidence"]["payload"]["alert_rule"];
    assert_eq!(rule["name"], "security-escalation");
    assert_eq!(rule["event_class"], "privilege_escalation");
    for seq in ["0", "3", "6"] {
        let o = soc2(&["import", "--check", seq, "--locker", locker]);
        assert!(out(&o).starts_with("identical"), "{seq}: {}", out(&o));
    }
    // A CloudTrail file given to the alarms source.
    let o = soc2(&[
        "import",
        "aws-cloudwatch-alarms",
        &fixture("cloudtrail/describe-trails.json"),
        "--locker",
        locker,
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("not a aws-cloudwatch-alarms export"), "{}", out(&o));
}
