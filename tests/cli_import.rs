//! `soc2 import`: --list, an import into a locker, --dry-run, errors, and --check.

mod common;

use common::*;

const REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date\n\
<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported,2026-01-05T00:00:00+00:00,false,true,2020-02-01T00:00:00+00:00,N/A\n\
alice,arn:aws:iam::1:user/alice,2021-01-01T00:00:00+00:00,true,2026-01-06T00:00:00+00:00,true,false,N/A,N/A\n";

#[test]
fn import_records_with_provenance_and_check_rederives_it() {
    let dir = tempfile::tempdir().unwrap();
    let locker = dir.path().join("locker");
    let locker = locker.to_str().unwrap();
    let report = dir.path().join("credential-report.csv");
    fs_err::write(&report, REPORT).unwrap();
    let report = report.to_str().unwrap();
    assert!(soc2(&["init", locker]).status.success());

    let list = soc2(&["import", "--list"]);
    assert!(list.status.success());
    assert!(out(&list).contains("aws-credential-report") && out(&list).contains("github-pulls"));

    // No time in a bare CSV: refused until --fetched-at is given.
    let o = soc2(&["import", "aws-credential-report", report, "--locker", locker]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("--fetched-at"), "{}", out(&o));

    let o = soc2(&[
        "import",
        "aws-credential-report",
        report,
        "--locker",
        locker,
        "--fetched-at",
        "2026-01-07T00:00:00Z",
        "--dry-run",
    ]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).contains("dry run"), "{}", out(&o));
    let log = soc2(&["log", "--locker", locker]);
    assert_eq!(out(&log).trim(), "", "a dry run records nothing");

    let o = soc2(&[
        "import",
        "aws-credential-report",
        report,
        "--locker",
        locker,
        "--fetched-at",
        "2026-01-07T00:00:00Z",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", out(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["records"][0]["seq"], 0);
    assert_eq!(v["provenance"]["completeness"], "complete");
    assert_eq!(v["provenance"]["rows_read"], 2);
    assert_eq!(v["provenance"]["inputs"][0]["file_name"], "credential-report.csv");

    let records = soc2(&["log", "--locker", locker, "--format", "json"]);
    let record: serde_json::Value = serde_json::from_slice(&records.stdout).unwrap();
    let ev = &record["evidence"];
    assert_eq!(ev["observed_at"], "2026-01-07T00:00:00Z");
    assert_eq!(ev["attachments"][0]["file_name"], "credential-report.csv");
    assert_eq!(ev["payload"]["user_list"]["accounts"][0]["root"], true);

    let o = soc2(&["import", "--check", "0", "--locker", locker]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).starts_with("identical"), "{}", out(&o));

    // A wrong source is an input error, and nothing is recorded.
    let o = soc2(&[
        "import",
        "github-pulls",
        report,
        "--locker",
        locker,
        "--fetched-at",
        "2026-01-07T00:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("not a github-pulls export"), "{}", out(&o));
    let o = soc2(&["import", "--check", "1", "--locker", locker]);
    assert_ne!(o.status.code(), Some(0));
}

#[test]
fn check_refuses_a_record_without_provenance() {
    let dir = tempfile::tempdir().unwrap();
    let locker = dir.path().join("l");
    let locker = locker.to_str().unwrap();
    assert!(soc2(&["init", locker]).status.success());
    let note = dir.path().join("note.json");
    fs_err::write(
        &note,
        r#"{"observed_at":"2026-01-01T00:00:00Z","collected_at":"2026-01-01T00:00:00Z","collector":{"person":{"id":"a@b.c"}},"source":"manual","payload":{"note":{"title":"t"}}}"#,
    )
    .unwrap();
    assert!(soc2(&["add", "--locker", locker, note.to_str().unwrap()]).status.success());
    let o = soc2(&["import", "--check", "0", "--locker", locker]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("no provenance"), "{}", out(&o));
}

#[test]
fn okta_users_import_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let locker = dir.path().join("l");
    let locker = locker.to_str().unwrap();
    assert!(soc2(&["init", locker]).status.success());
    let fixture =
        |n: &str| format!("{}/soc2-core/tests/import/okta/{n}", env!("CARGO_MANIFEST_DIR"));
    let files: Vec<String> = [
        "users-1.http",
        "users-2.http",
        "factors-00u1.json",
        "factors-00u2.json",
        "factors-00u3.json",
    ]
    .iter()
    .map(|n| fixture(n))
    .collect();
    let list = soc2(&["import", "--list"]);
    assert!(
        out(&list).contains("okta-users") && out(&list).contains("google-users"),
        "{}",
        out(&list)
    );
    let mut args = vec!["import", "okta-users"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["--locker", locker, "--format", "json"]);
    let o = soc2(&args);
    assert!(o.status.success(), "{}", out(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["provenance"]["completeness"], "complete");
    assert_eq!(v["provenance"]["fetched_at"], "2026-03-28T15:00:03Z");
    let o = soc2(&["import", "--check", "0", "--locker", locker]);
    assert!(o.status.success(), "{}", out(&o));
    assert!(out(&o).starts_with("identical"), "{}", out(&o));
    // Page 2 left out: refused, nothing recorded.
    let o = soc2(&["import", "okta-users", &files[0], "--locker", locker]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("incomplete population"), "{}", out(&o));
}

#[test]
fn import_branch_protection_makes_one_record_per_branch_and_checks_each() {
    let dir = tempfile::tempdir().unwrap();
    let locker = dir.path().join("l");
    let locker = locker.to_str().unwrap();
    assert!(soc2(&["init", locker]).status.success());
    let fixtures =
        concat!(env!("CARGO_MANIFEST_DIR"), "/soc2-core/tests/import/github-branch-protection");
    let ruleset = format!("{fixtures}/ruleset-42.txt");
    let rules = format!("{fixtures}/rules-main.json");
    let not_protected = format!("{fixtures}/legacy-404.json");
    let list = soc2(&["import", "--list"]);
    assert!(out(&list).contains("github-branch-protection"), "{}", out(&list));
    let o = soc2(&[
        "import",
        "github-branch-protection",
        &ruleset,
        &rules,
        &not_protected,
        "--locker",
        locker,
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", out(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["records"].as_array().unwrap().len(), 3, "{v}");
    for seq in ["0", "1", "2"] {
        let o = soc2(&["import", "--check", seq, "--locker", locker]);
        assert!(out(&o).starts_with("identical"), "{seq}: {}", out(&o));
    }
}

#[test]
fn import_roster_csv_with_its_mapping_and_check() {
    let dir = tempfile::tempdir().unwrap();
    let locker = dir.path().join("l");
    let locker = locker.to_str().unwrap();
    assert!(soc2(&["init", locker]).status.success());
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/soc2-core/tests/import/registers");
    let mapping = format!("{fixtures}/roster.toml");
    let csv = format!("{fixtures}/roster.csv");
    let o = soc2(&[
        "import",
        "roster-csv",
        &mapping,
        &csv,
        "--locker",
        locker,
        "--fetched-at",
        "2026-12-04T10:00:00Z",
        "--format",
        "json",
    ]);
    assert!(o.status.success(), "{}", out(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["provenance"]["rows_kept"], 4, "{v}");
    assert_eq!(v["provenance"]["inputs"][0]["file_name"], "roster.toml");
    let o = soc2(&["import", "--check", "0", "--locker", locker]);
    assert!(out(&o).starts_with("identical"), "{}", out(&o));
    // The CSV without its mapping: an input error naming what is missing.
    let o = soc2(&[
        "import",
        "roster-csv",
        &csv,
        "--locker",
        locker,
        "--fetched-at",
        "2026-12-04T10:00:00Z",
    ]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("no column mapping"), "{}", out(&o));
}

#[test]
fn device_sources_import_check_and_refuse_each_other() {
    let dir = tempfile::tempdir().unwrap();
    let locker = dir.path().join("l");
    let locker = locker.to_str().unwrap();
    assert!(soc2(&["init", locker]).status.success());
    let fixture = |n: &str| format!("{}/soc2-core/tests/import/{n}", env!("CARGO_MANIFEST_DIR"));
    let list = out(&soc2(&["import", "--list"]));
    for s in ["intune-devices", "jamf-computers", "fleet-hosts"] {
        assert!(list.contains(s), "{list}");
    }
    // (source, pages, fetch time from the last page's Date header)
    let sources = [
        (
            "intune-devices",
            ["intune/devices-1.json", "intune/devices-2.json"],
            "2026-03-28T17:00:01Z",
        ),
        (
            "jamf-computers",
            ["jamf/computers-0.json", "jamf/computers-1.json"],
            "2026-03-28T18:00:01Z",
        ),
        ("fleet-hosts", ["fleet/hosts-0.json", "fleet/hosts-1.json"], "2026-03-28T19:00:01Z"),
    ];
    for (seq, (source, pages, fetched)) in sources.iter().enumerate() {
        let files: Vec<String> = pages.iter().map(|p| fixture(p)).collect();
        let mut args = vec!["import", source];
        args.extend(files.iter().map(String::as_str));
        args.extend(["--locker", locker, "--format", "json"]);
        let o = soc2(&args);
        assert!(o.status.success(), "{source}: {}", out(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["records"][0]["seq"], seq, "{source}");
        assert_eq!(v["provenance"]["completeness"], "complete", "{source}");
        assert_eq!(v["provenance"]["fetched_at"], *fetched, "{source}");
        assert_eq!(v["provenance"]["rows_kept"], 3, "{source}");
        let o = soc2(&["import", "--check", &seq.to_string(), "--locker", locker]);
        assert!(out(&o).starts_with("identical"), "{source}: {}", out(&o));
    }
    // Each source refuses the others' pages, and nothing is recorded.
    for (source, _, _) in &sources {
        for (other, pages, _) in &sources {
            if source == other {
                continue;
            }
            let o = soc2(&["import", source, &fixture(pages[0]), "--locker", locker]);
            assert_eq!(o.status.code(), Some(2), "{source} on {other}: {}", out(&o));
            assert!(
                out(&o).contains(&format!("not a {source} export")),
                "{source} on {other}: {}",
                out(&o)
            );
        }
    }
    let o = soc2(&["import", "--check", "3", "--locker", locker]);
    assert_ne!(o.status.code(), Some(0), "only three records were made");
}

#[test]
fn an_audit_log_is_stored_while_read_and_checked_by_streaming_again() {
    let dir = tempfile::tempdir().unwrap();
    let locker = dir.path().join("locker");
    let locker = locker.to_str().unwrap();
    assert!(soc2(&["init", locker]).status.success());
    let log = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("soc2-core/tests/import/cloudtrail-events/pipeline.ndjson");
    let log = log.to_str().unwrap();

    let o = soc2(&["import", "aws-cloudtrail-events", log, "--locker", locker]);
    assert!(o.status.success(), "{}", out(&o));
    let text = out(&o);
    // pipeline.ndjson, read by hand: 7 events, 5 security-relevant (4 high-risk).
    assert!(
        text.contains("events 7 from 2025-03-03T09:00:00Z to 2025-03-03T14:00:00Z; security-relevant 5 (4 high-risk)"),
        "{text}"
    );
    assert!(text.contains("detected 2025-03-03T09:00:00Z logging_disabled"), "{text}");

    // The stored input is the file, byte for byte.
    let shown = soc2(&["log", "--locker", locker, "--format", "json"]);
    assert!(shown.status.success(), "{}", out(&shown));
    let record: serde_json::Value =
        serde_json::from_str(out(&shown).lines().next().unwrap()).unwrap();
    let sha = record["evidence"]["attachments"][0]["sha256"].as_str().unwrap().to_owned();
    let blob = std::path::Path::new(locker).join("blobs/sha256").join(&sha[..2]).join(&sha);
    assert_eq!(fs_err::read(&blob).unwrap(), fs_err::read(log).unwrap());

    let o = soc2(&["import", "--check", "0", "--locker", locker]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("identical"), "{}", out(&o));

    // Another product's log is the wrong source and records nothing.
    let other = dir.path().join("nginx.ndjson");
    fs_err::write(&other, "{\"logType\":\"nginx\",\"message\":\"GET / 200\"}\n").unwrap();
    let o = soc2(&["import", "aws-cloudtrail-events", other.to_str().unwrap(), "--locker", locker]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("nginx.ndjson: not a aws-cloudtrail-events export"), "{}", out(&o));
    let log = soc2(&["log", "--locker", locker, "--format", "json"]);
    assert_eq!(out(&log).lines().count(), 1, "{}", out(&log));
}

#[test]
fn an_osquery_result_log_is_streamed_stored_and_checked_and_fleet_pages_still_read_whole() {
    let dir = tempfile::tempdir().unwrap();
    let locker = dir.path().join("locker");
    let locker = locker.to_str().unwrap();
    assert!(soc2(&["init", locker]).status.success());
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("soc2-core/tests/import");
    let log = fixtures.join("osquery/osqueryd.results.log");
    let log = log.to_str().unwrap();

    let o = soc2(&["import", "fleet-hosts", log, "--locker", locker]);
    assert!(o.status.success(), "{}", out(&o));
    // The stored input is the file, byte for byte, and --check streams it again.
    let shown = soc2(&["log", "--locker", locker, "--format", "json"]);
    let record: serde_json::Value =
        serde_json::from_str(out(&shown).lines().next().unwrap()).unwrap();
    assert_eq!(record["evidence"]["provenance"]["rows_read"], 10);
    let sha = record["evidence"]["attachments"][0]["sha256"].as_str().unwrap().to_owned();
    let blob = std::path::Path::new(locker).join("blobs/sha256").join(&sha[..2]).join(&sha);
    assert_eq!(fs_err::read(&blob).unwrap(), fs_err::read(log).unwrap());
    let o = soc2(&["import", "--check", "0", "--locker", locker]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));
    assert!(out(&o).contains("identical"), "{}", out(&o));

    // Fleet API pages (read whole) import and check as before.
    let p0 = fixtures.join("fleet/hosts-0.json");
    let p1 = fixtures.join("fleet/hosts-1.json");
    let o = soc2(&["import", "fleet-hosts", s(&p0), s(&p1), "--locker", locker]);
    assert!(o.status.success(), "{}", out(&o));
    let o = soc2(&["import", "--check", "1", "--locker", locker]);
    assert_eq!(o.status.code(), Some(0), "{}", out(&o));

    // A line of garbage in a log is named by file and line, and nothing is recorded.
    let text = fs_err::read_to_string(log).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines.insert(4, "-- log rotated --");
    let bad = dir.path().join("bad.log");
    fs_err::write(&bad, lines.join("\n")).unwrap();
    let o = soc2(&["import", "fleet-hosts", s(&bad), "--locker", locker]);
    assert_eq!(o.status.code(), Some(2), "{}", out(&o));
    assert!(out(&o).contains("bad.log: row 5: invalid JSON"), "{}", out(&o));
    let shown = soc2(&["log", "--locker", locker, "--format", "json"]);
    assert_eq!(out(&shown).lines().count(), 2, "{}", out(&shown));
}
