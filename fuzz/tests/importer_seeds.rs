//! The `importers` target's seeds (`seeds/importers/`): small valid inputs of every
//! source, made from the importers' own test fixtures (`soc2-core/tests/import/`) and a few
//! hand-written files. The first byte of a seed selects its source by its position in
//! `soc2 import --list`, so a new source moves them: this test fails then, and
//! `SOC2_UPDATE_SEEDS=1 cargo test --manifest-path fuzz/Cargo.toml --no-default-features
//! --test importer_seeds` writes them again (commit the result).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use soc2_fuzz::{ImporterOutcome, encode_importer_case, importers_outcome, seeds_dir};

/// With `--fetched-at` (bit 0 of the flags).
const AT: u8 = 1;
/// Without options.
const NONE: u8 = 0;

fn fixture(rel: &str) -> Vec<u8> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../soc2-core/tests/import").join(rel);
    fs_err::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

enum File {
    /// A fixture of soc2-core's import tests, by its path there, under its base name.
    Fixture(&'static str),
    /// Written here: (name, content).
    Inline(&'static str, &'static str),
}
use File::{Fixture, Inline};

const CREDENTIAL_REPORT: &str = "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,cert_1_last_rotated,cert_2_active,cert_2_last_rotated
<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported,2026-01-02T00:00:00+00:00,not_supported,not_supported,true,false,N/A,N/A,N/A,N/A,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
alice,arn:aws:iam::1:user/alice,2020-01-01T00:00:00+00:00,true,N/A,2021-01-01T00:00:00+00:00,N/A,false,true,2021-01-01T00:00:00+00:00,2026-01-01T00:00:00+00:00,us-east-1,s3,false,N/A,N/A,N/A,N/A,false,N/A,false,N/A
";

const PULLS: &str = r#"[{"number": 2, "state": "closed", "title": "PR 2", "user": {"login": "alice"},
 "url": "https://api.github.com/repos/acme/app/pulls/2",
 "base": {"ref": "main", "repo": {"full_name": "acme/app"}}, "head": {"sha": "h2"},
 "merged_at": "2026-03-02T10:00:00Z", "merge_commit_sha": "m2"},
 {"number": 3, "state": "closed", "title": "PR 3", "user": {"login": "alice"},
 "url": "https://api.github.com/repos/acme/app/pulls/3",
 "base": {"ref": "main", "repo": {"full_name": "acme/app"}}, "head": {"sha": "h3"},
 "merged_at": null, "merge_commit_sha": "x3"}]
"#;

const PULLS_CAPTURE: &str = "HTTP/2.0 200 OK\r\nDate: Sat, 28 Mar 2026 12:00:00 GMT\r\n\r\n[{\"number\": 1, \"state\": \"closed\", \"title\": \"PR 1\", \"user\": {\"login\": \"bob\"}, \"url\": \"https://api.github.com/repos/acme/app/pulls/1\", \"base\": {\"ref\": \"main\", \"repo\": {\"full_name\": \"acme/app\"}}, \"head\": {\"sha\": \"h1\"}, \"merged_at\": \"2026-03-01 09:00:00\", \"merge_commit_sha\": \"m1\"}]\n";

const REVIEWS: &str = r#"[{"id": 11, "user": {"login": "bob"}, "state": "APPROVED", "submitted_at": "2026-03-02T09:00:00Z",
 "commit_id": "h2", "pull_request_url": "https://api.github.com/repos/acme/app/pulls/2"},
 {"id": 10, "user": null, "state": "COMMENTED", "submitted_at": "2026-03-02T08:00:00Z",
 "commit_id": "h2", "pull_request_url": "https://api.github.com/repos/acme/app/pulls/2"}]
"#;

const COMMITS: &str = r#"[{"sha": "d1", "url": "https://api.github.com/repos/acme/app/commits/d1",
 "commit": {"message": "d1 message\n\nbody", "committer": {"date": "2026-03-03T10:00:00Z"}, "author": {"email": "mallory@acme.test"}},
 "author": {"login": "mallory"}, "committer": {"login": "mallory"}, "parents": [{"sha": "m2"}]},
 {"sha": "m2", "url": "https://api.github.com/repos/acme/app/commits/m2",
 "commit": {"message": "m2", "committer": {"date": "2026-03-02T10:00:00Z"}, "author": {"email": "web-flow@acme.test"}},
 "author": {"login": "web-flow"}, "committer": {"login": "web-flow"}, "parents": []}]
"#;

/// Against `registers/ciso-assistant-solutions.toml`.
const VENDORS: &str =
    "name,criticality\nCloud Storage Service,3\nEmail Service,4\n\"Internal, CRM\",1\n";

/// Against `registers/ciso-assistant-risks.toml` (semicolons).
const RISKS: &str = "ref_id;name;current_proba;current_impact;residual_proba;residual_impact;treatment;additional_controls
R.1;Ransomware;Likely;Significant;Unlikely;Low;mitigate;Backups,EDR
R.2;Insider threats;Very likely;Important;--;--;accept;
";

/// (source, seed name, flags, files)
fn seeds() -> Vec<(&'static str, &'static str, u8, Vec<File>)> {
    vec![
        ("aws-credential-report", "csv", AT, vec![Inline("report.csv", CREDENTIAL_REPORT)]),
        (
            "github-pulls",
            "bare",
            AT,
            vec![
                Inline("pulls.json", PULLS),
                Inline("reviews-2.json", REVIEWS),
                Inline("commits.json", COMMITS),
            ],
        ),
        ("github-pulls", "capture", NONE, vec![Inline("pulls-1.txt", PULLS_CAPTURE)]),
        (
            "okta-users",
            "pages-and-factors",
            NONE,
            vec![
                Fixture("okta/users-1.http"),
                Fixture("okta/users-2.http"),
                Fixture("okta/factors-00u1.json"),
                Fixture("okta/factors-00u2.json"),
                Fixture("okta/factors-00u3.json"),
            ],
        ),
        (
            "google-users",
            "pages",
            NONE,
            vec![Fixture("google/users-1.json"), Fixture("google/users-2.json")],
        ),
        (
            "intune-devices",
            "pages",
            NONE,
            vec![Fixture("intune/devices-1.json"), Fixture("intune/devices-2.json")],
        ),
        (
            "jamf-computers",
            "pages",
            NONE,
            vec![Fixture("jamf/computers-0.json"), Fixture("jamf/computers-1.json")],
        ),
        ("jamf-computers", "classic", AT, vec![Fixture("jamf/classic-basic.json")]),
        (
            "fleet-hosts",
            "pages",
            NONE,
            vec![Fixture("fleet/hosts-0.json"), Fixture("fleet/hosts-1.json")],
        ),
        ("fleet-hosts", "osquery", AT, vec![Fixture("osquery/osqueryd.results.log")]),
        (
            "github-branch-protection",
            "rulesets-rules-404",
            NONE,
            vec![
                Fixture("github-branch-protection/ruleset-42.txt"),
                Fixture("github-branch-protection/rules-main.json"),
                Fixture("github-branch-protection/legacy-404.json"),
            ],
        ),
        (
            "gitlab-protected-branches",
            "pages",
            NONE,
            vec![Fixture("gitlab/page-1.txt"), Fixture("gitlab/page-2.txt")],
        ),
        (
            "knowbe4-training",
            "pages",
            AT,
            vec![Fixture("knowbe4/enrollments-1.json"), Fixture("knowbe4/enrollments-2.json")],
        ),
        (
            "checkr-reports",
            "reports-candidates",
            AT,
            vec![Fixture("checkr/reports.json"), Fixture("checkr/candidates.json")],
        ),
        (
            "roster-csv",
            "mapping-csv",
            AT,
            vec![Fixture("registers/roster.toml"), Fixture("registers/roster.csv")],
        ),
        (
            "vendors-csv",
            "csv-mapping",
            AT,
            vec![
                Inline("Solutions.csv", VENDORS),
                Fixture("registers/ciso-assistant-solutions.toml"),
            ],
        ),
        (
            "risks-csv",
            "mapping-csv",
            AT,
            vec![Fixture("registers/ciso-assistant-risks.toml"), Inline("risks.csv", RISKS)],
        ),
        (
            "aws-cloudtrail-trails",
            "trails",
            AT,
            vec![
                Fixture("cloudtrail/describe-trails.json"),
                Fixture("cloudtrail/status.legacy.json"),
                Fixture("cloudtrail/status.org-trail.json"),
                Fixture("cloudtrail/status.data-trail.json"),
                Fixture("cloudtrail/selectors.data-trail.json"),
                Fixture("cloudtrail/selectors.org-trail.json"),
                Fixture("cloudtrail/lifecycle.acme-cloudtrail.json"),
                Fixture("cloudtrail/lifecycle.acme-data-events.json"),
            ],
        ),
        (
            "aws-cloudwatch-alarms",
            "pages-filters",
            AT,
            vec![
                Fixture("cloudwatch/alarms-1.json"),
                Fixture("cloudwatch/alarms-2.json"),
                Fixture("cloudwatch/filters.json"),
            ],
        ),
        (
            "google-workspace-activity",
            "pages-ndjson",
            NONE,
            vec![
                Fixture("google-workspace-activity/login.page.json"),
                Fixture("google-workspace-activity/pipeline.ndjson"),
            ],
        ),
        (
            "aws-cloudtrail-events",
            "ndjson-gzip-eventbridge",
            NONE,
            vec![
                Fixture("cloudtrail-events/pipeline.ndjson"),
                Fixture("cloudtrail-events/signin.json.gz"),
                Fixture("cloudtrail-events/eventbridge.json"),
            ],
        ),
        (
            "github-audit-log",
            "array-ndjson",
            NONE,
            vec![
                Fixture("github-audit-log/export.json"),
                Fixture("github-audit-log/stream.ndjson"),
            ],
        ),
        (
            "okta-system-log",
            "page-ndjson",
            NONE,
            vec![Fixture("okta-system-log/logs.json"), Fixture("okta-system-log/export.ndjson")],
        ),
        (
            "gcp-audit-log",
            "array-ndjson",
            NONE,
            vec![Fixture("gcp-audit-log/gcloud.json"), Fixture("gcp-audit-log/sink.ndjson")],
        ),
    ]
}

fn expected_seeds() -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    for (source, name, flags, files) in seeds() {
        let owned: Vec<(String, Vec<u8>)> = files
            .iter()
            .map(|f| match f {
                Fixture(rel) => (rel.rsplit('/').next().expect("name").to_owned(), fixture(rel)),
                Inline(n, text) => ((*n).to_owned(), text.as_bytes().to_vec()),
            })
            .collect();
        let borrowed: Vec<(&str, &[u8])> =
            owned.iter().map(|(n, b)| (n.as_str(), b.as_slice())).collect();
        out.insert(format!("{source}.{name}"), encode_importer_case(source, flags, &borrowed));
    }
    out
}

fn dir() -> PathBuf {
    seeds_dir().join("importers")
}

#[test]
fn every_source_has_a_seed_and_each_is_imported() {
    let seeds = expected_seeds();
    for source in soc2_core::import::sources() {
        let prefix = format!("{}.", source.name);
        assert!(seeds.keys().any(|k| k.starts_with(&prefix)), "no seed for {}", source.name);
    }
    for (name, bytes) in &seeds {
        match importers_outcome(bytes) {
            ImporterOutcome::Accepted(n) if n > 0 => {}
            other => panic!("seed {name}: {other:?}"),
        }
    }
}

#[test]
fn committed_seeds_are_current() {
    let seeds = expected_seeds();
    if std::env::var_os("SOC2_UPDATE_SEEDS").is_some() {
        let _ = fs_err::remove_dir_all(dir());
        fs_err::create_dir_all(dir()).expect("create seeds/importers");
        for (name, bytes) in &seeds {
            fs_err::write(dir().join(name), bytes).expect("write seed");
        }
        return;
    }
    let mut committed = BTreeMap::new();
    for entry in fs_err::read_dir(dir()).expect("seeds/importers") {
        let path = entry.expect("entry").path();
        let name = path.file_name().and_then(|n| n.to_str()).expect("name").to_owned();
        committed.insert(name, fs_err::read(&path).expect("read seed"));
    }
    assert!(
        committed == seeds,
        "fuzz/seeds/importers/ is stale (a source added or moved, or a fixture changed): run \
         SOC2_UPDATE_SEEDS=1 cargo test --manifest-path fuzz/Cargo.toml --no-default-features \
         --test importer_seeds, and commit the result"
    );
}

#[test]
fn inputs_are_split_into_named_files() {
    let files = |data: &[u8]| {
        let case = soc2_fuzz::importer_case(data).expect("a case");
        case.files
            .into_iter()
            .map(|(n, b)| (n, String::from_utf8(b).expect("text")))
            .collect::<Vec<_>>()
    };
    let pair = |n: &str, b: &str| (n.to_owned(), b.to_owned());
    assert!(soc2_fuzz::importer_case(b"").is_none());
    assert_eq!(files(b"\x00"), vec![pair("input", "")]);
    assert_eq!(files(b"\x00{}\n"), vec![pair("input", "{}\n")]);
    assert_eq!(
        files(b"\x00a\n%%file b.json\nb\n%%file c\n"),
        vec![pair("input", "a"), pair("b.json", "b"), pair("c", "")]
    );
    assert_eq!(files(b"\x00%%file x.csv\n1,2\n"), vec![pair("x.csv", "1,2\n")]);
    assert_eq!(files(b"\x00\n%%file y\nz"), vec![pair("y", "z")]);
    let encoded = encode_importer_case("roster-csv", 3, &[("m.toml", b"a"), ("p.csv", b"b\n")]);
    let case = soc2_fuzz::importer_case(&encoded).expect("a case");
    assert_eq!(case.source.name, "roster-csv");
    assert_eq!(case.options.system.as_deref(), Some("fuzz"));
    assert!(case.options.fetched_at.is_some());
    assert_eq!(
        case.files,
        vec![("m.toml".into(), b"a".to_vec()), ("p.csv".into(), b"b\n".to_vec())]
    );
}
