//! Importers against the vendor samples in `../shared/realdata/` (skipped when absent),
//! each compared with hand-written expected evidence, plus hostile inputs.

use serde_json::{Value, json};
use soc2_core::import::{self, ImportError, Input};
use soc2_core::model::{Completeness, DeviceCompliance, FetchedAtSource, Payload};
use std::path::PathBuf;

mod importing;

use importing::*;

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

// -- github-pulls -----------------------------------------------------------------------

#[test]
fn github_pulls_single_pull_with_reviews() {
    let (Some(pull), Some(reviews)) = (
        realdata("github_rest/openapi_examples/pull-request.json"),
        realdata("github_rest/openapi_examples/pull-request-review-items.json"),
    ) else {
        return;
    };
    let i = run(
        "github-pulls",
        &[("pull.json", &pull), ("reviews.json", &reviews)],
        Some("2026-03-28T12:00:00Z"),
    );
    assert_eq!(i.evidence.len(), 1);
    // By hand from pull-request.json (merged_at set although `merged` is false: the
    // example's quirk, flagged) and the review list (one APPROVED review by octocat on
    // pull 12, whose URL names Hello-World/pulls/12, not 1347: ignored with a warning).
    assert_eq!(
        payload_json(&i.evidence[0].payload),
        json!({
            "repository": "octocat/Hello-World",
            "number": 1347,
            "title": "Amazing new feature",
            "author": "octocat",
            "base_branch": "master",
            "merged_by": "octocat",
            "merged_at": "2011-01-26T19:01:12Z",
            "head_commit": "6dcb09b5b57875f334f61aebed695e2e4193db5e",
            "merge_commit": "e5bd3914e2e596debea16f433f57875b5b90bcd6",
            "reviews": []
        })
    );
    assert_eq!(warning_count(&i, "merged_flag_disagrees"), 1);
    assert_eq!(warning_count(&i, "reviews_without_pull"), 1);
    assert_eq!(warning_count(&i, "no_reviews_given"), 1);
    assert_eq!(i.evidence[0].observed_at.to_string(), "2011-01-26T19:01:12Z");
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
}

fn gh_capture(url: &str, link: Option<&str>, body: &str) -> Vec<u8> {
    let link = link.map(|l| format!("Link: {l}\r\n")).unwrap_or_default();
    let _ = url;
    format!("HTTP/2.0 200 OK\r\nDate: Sat, 28 Mar 2026 12:00:00 GMT\r\n{link}\r\n{body}\n")
        .into_bytes()
}

fn pr(n: u64, merged: Option<&str>, sha: &str) -> Value {
    json!({
        "number": n, "state": "closed", "title": format!("PR {n}"),
        "user": {"login": "alice"},
        "url": format!("https://api.github.com/repos/acme/app/pulls/{n}"),
        "base": {"ref": "main", "repo": {"full_name": "acme/app"}},
        "head": {"sha": format!("h{n}")},
        "merged_at": merged, "merge_commit_sha": sha
    })
}

#[test]
fn github_pulls_pages_reviews_and_direct_pushes() {
    let page1 = gh_capture(
        "",
        Some(
            r#"<https://api.github.com/repositories/1/pulls?state=closed&page=2>; rel="next", <https://api.github.com/repositories/1/pulls?state=closed&page=2>; rel="last""#,
        ),
        &json!([pr(2, Some("2026-03-02T10:00:00.123Z"), "m2"), pr(3, None, "x3")]).to_string(),
    );
    let page2 = gh_capture(
        "",
        Some(
            r#"<https://api.github.com/repositories/1/pulls?state=closed&page=1>; rel="prev", <https://api.github.com/repositories/1/pulls?state=closed&page=1>; rel="first""#,
        ),
        &json!([pr(1, Some("2026-03-01 09:00:00"), "m1")]).to_string(),
    );
    let reviews = json!([
        {"id": 11, "user": {"login": "bob"}, "state": "APPROVED", "submitted_at": "2026-03-02T09:00:00Z",
         "commit_id": "h2", "pull_request_url": "https://api.github.com/repos/acme/app/pulls/2"},
        {"id": 10, "user": null, "state": "COMMENTED", "submitted_at": "2026-03-02T08:00:00Z",
         "commit_id": "h2", "pull_request_url": "https://api.github.com/repos/acme/app/pulls/2"}
    ])
    .to_string();
    let commit = |sha: &str, parent: Option<&str>, who: &str| {
        json!({"sha": sha, "url": format!("https://api.github.com/repos/acme/app/commits/{sha}"),
               "commit": {"message": format!("{sha} message\n\nbody"), "committer": {"date": "2026-03-03T10:00:00Z"},
                          "author": {"email": format!("{who}@acme.test")}},
               "author": {"login": who}, "committer": {"login": who},
               "parents": parent.map_or(json!([]), |p| json!([{"sha": p}]))})
    };
    let commits = json!([
        commit("d1", Some("m2"), "mallory"),
        commit("m2", Some("m1"), "web-flow"),
        commit("m1", None, "web-flow")
    ])
    .to_string();
    let i = run(
        "github-pulls",
        &[
            ("pulls-1.txt", &page1),
            ("pulls-2.txt", &page2),
            ("reviews-2.json", reviews.as_bytes()),
            ("commits.json", commits.as_bytes()),
        ],
        None,
    );
    let p = &i.provenance;
    // Pages 1..2 of the closed list are there; the branch commits are a bare body.
    assert_eq!(p.completeness, Completeness::Unknown, "{:?}", p.completeness_reason);
    assert_eq!(p.fetched_at.to_string(), "2026-03-28T12:00:00Z");
    assert_eq!(p.fetched_at_source, FetchedAtSource::Capture);
    let records: Vec<Value> = i.evidence.iter().map(|e| payload_json(&e.payload)).collect();
    assert_eq!(records.len(), 3, "{records:#?}");
    assert_eq!(records[0]["number"], 1);
    assert_eq!(records[0]["merged_at"], "2026-03-01T09:00:00Z");
    assert_eq!(records[1]["number"], 2);
    assert_eq!(
        records[1]["reviews"],
        json!([{"reviewer": "bob", "state": "approved", "submitted_at": "2026-03-02T09:00:00Z", "commit": "h2"}])
    );
    assert_eq!(
        records[2],
        json!({"change_type": "direct_push", "repository": "acme/app", "title": "d1 message",
               "author": "mallory", "committers": ["mallory"], "merged_by": "mallory",
               "merged_at": "2026-03-03T10:00:00Z", "head_commit": "d1", "merge_commit": "d1",
               "reviews": []})
    );
    // PR 3 was closed unmerged; the ghost review is skipped too.
    let reasons: Vec<&str> = p.skipped.iter().map(|s| s.reason.as_str()).collect();
    assert!(reasons.contains(&"acme/app#3: closed without merge"), "{reasons:?}");
    assert!(reasons.iter().any(|r| r.contains("deleted account")), "{reasons:?}");
    assert_eq!(i.evidence[0].provenance.as_ref().unwrap().part.unwrap().count, 3);

    // Page 2 missing: refused, naming the page.
    let err = try_run("github-pulls", &[("pulls-1.txt", &page1)], None).unwrap_err();
    assert!(err.to_string().contains("page 2 of 2"), "{err}");
    // The default state=open list is a filtered population.
    let open = format!(
        "{{\"url\": \"https://api.github.com/repos/acme/app/pulls\", \"status\": 200, \"headers\": {{\"Date\": \"Sat, 28 Mar 2026 12:00:00 GMT\"}}, \"body\": {}}}",
        json!([pr(4, None, "x")])
    );
    let i = run("github-pulls", &[("open.json", open.as_bytes())], None);
    assert_eq!(i.provenance.completeness, Completeness::Filtered);
    assert!(i.evidence.is_empty());
}

#[test]
fn github_pulls_hostile_inputs() {
    let t = Some("2026-01-01T00:00:00Z");
    let Some(bp) = realdata("github_rest/branch_protection_full.octokit.json") else { return };
    let err = try_run("github-pulls", &[("bp.json", &bp)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let csv = b"user,arn\nalice,arn:aws:iam::1:user/alice\n";
    let err = try_run("github-pulls", &[("r.csv", csv)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let Some(pulls) = realdata("github_rest/openapi_examples/pull-request-simple-items.json")
    else {
        return;
    };
    let cut = &pulls[..pulls.len() / 2];
    let err = try_run("github-pulls", &[("cut.json", cut)], t).unwrap_err();
    assert!(
        matches!(err, ImportError::Malformed { .. }) && err.to_string().contains("truncated"),
        "{err}"
    );
    let error_capture = b"HTTP/2.0 404 Not Found\r\nDate: Sat, 28 Mar 2026 12:00:00 GMT\r\n\r\n{\"message\":\"Not Found\",\"documentation_url\":\"https://docs.github.com\"}\n";
    let err = try_run("github-pulls", &[("404.txt", error_capture)], t).unwrap_err();
    assert!(matches!(err, ImportError::ErrorResponse { status: 404, .. }), "{err}");
}

// -- okta-users -------------------------------------------------------------------------

/// A committed fixture under `tests/import/`.
fn fixture(rel: &str) -> Vec<u8> {
    fs_err::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/import").join(rel)).unwrap()
}

#[test]
fn okta_users_openapi_examples() {
    let (Some(list), Some(filtered), Some(factors)) = (
        realdata("okta/openapi_examples/ListUsersResponse.json"),
        realdata("okta/openapi_examples/ListUsersFilterResponse.json"),
        realdata("okta/openapi_examples/ListFactorsResults.json"),
    ) else {
        return;
    };
    let i = run("okta-users", &[("users.json", &list)], Some("2022-05-06T00:00:00Z"));
    assert_eq!(payload_json(&i.evidence[0].payload), expected("okta-users.ListUsersResponse.json"));
    // A bare body: nothing tells whether other pages exist.
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
    assert_eq!((i.provenance.rows_read, i.provenance.rows_kept), (1, 1));
    // The filter example: one LOCKED_OUT user, never signed in. Its factors example
    // belongs to another user (00u15s1KDETTQMQYABRL): ignored with a warning, so this
    // user's MFA stays unknown.
    let i = run(
        "okta-users",
        &[("users.json", &filtered), ("factors.json", &factors)],
        Some("2022-05-06T00:00:00Z"),
    );
    assert_eq!(
        payload_json(&i.evidence[0].payload),
        json!({"system": "okta", "accounts": [
            {"account": "johnrichards@example.com", "person": "johnrichards@example.com",
             "status": "locked", "interactive": true, "created_at": "2020-10-22T15:15:30Z",
             "status_changed_at": "2020-10-22T16:09:13Z"}
        ]})
    );
    assert_eq!(warning_count(&i, "factors_without_user"), 1);
    assert_eq!(warning_count(&i, "factors_not_given"), 1);
    // The PENDING_ACTIVATION TOTP factor of the example does not count.
    assert_eq!(warning_count(&i, "factor_not_active"), 1);
}

#[test]
fn okta_users_pages_and_factors() {
    let files: Vec<(&str, Vec<u8>)> = [
        "users-1.http",
        "users-2.http",
        "factors-00u1.json",
        "factors-00u2.json",
        "factors-00u3.json",
    ]
    .iter()
    .map(|n| (*n, fixture(&format!("okta/{n}"))))
    .collect();
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let i = run("okta-users", &refs, None);
    assert_eq!(payload_json(&i.evidence[0].payload), expected("okta/expected.json"));
    let p = &i.provenance;
    assert_eq!(p.completeness, Completeness::Complete, "{:?}", p.completeness_reason);
    // The latest Date header of all captures.
    assert_eq!(p.fetched_at.to_string(), "2026-03-28T15:00:03Z");
    assert_eq!(p.fetched_at_source, FetchedAtSource::Capture);
    assert_eq!((p.rows_read, p.rows_kept), (4, 4));
    // lastLogin 15:00:00.344Z (lastUpdated is not read).
    assert_eq!(warning_count(&i, "sub_second_dropped"), 1, "{:?}", p.warnings);
    assert_eq!(warning_count(&i, "sentinel:N/A"), 1);
    assert_eq!(warning_count(&i, "factor_not_active"), 1);
    assert_eq!(warning_count(&i, "factors_not_given"), 1);
    assert_eq!(
        p.inputs[2].endpoint.as_deref(),
        Some("https://acme.okta.com/api/v1/users/00u1/factors")
    );
    // Same bytes, same evidence; and the record re-derives from its inputs.
    let again = run("okta-users", &refs, None);
    assert_eq!(
        soc2_core::json::to_canonical_vec(&i.evidence).unwrap(),
        soc2_core::json::to_canonical_vec(&again.evidence).unwrap()
    );
    let inputs: Vec<Input<'_>> =
        refs.iter().map(|(n, b)| Input { file_name: n, bytes: b }).collect();
    assert!(import::recheck(&i.evidence[0], &inputs).unwrap().identical);
}

#[test]
fn okta_users_hostile_inputs() {
    let p1 = fixture("okta/users-1.http");
    let p2 = fixture("okta/users-2.http");
    // The last page missing: the first page's next link is not among the inputs.
    let err = try_run("okta-users", &[("users-1.http", &p1)], None).unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
    assert!(err.to_string().contains("after=00u2"), "{err}");
    // The first page missing: the chain has no head.
    let err = try_run("okta-users", &[("users-2.http", &p2)], None).unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
    assert!(err.to_string().contains("first page"), "{err}");
    // Truncated: named, nothing imported.
    let cut = &p2[..p2.len() - 30];
    let err = try_run("okta-users", &[("cut.http", cut)], None).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { file, .. } if file == "cut.http")
            && err.to_string().contains("truncated"),
        "{err}"
    );
    // Other exports given to this source.
    let t = Some("2026-03-28T00:00:00Z");
    let csv = b"user,arn\nalice,arn:aws:iam::1:user/alice\n";
    let err = try_run("okta-users", &[("r.csv", csv)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let gh = br#"[{"number": 1, "head": {}, "base": {}, "state": "open"}]"#;
    let err = try_run("okta-users", &[("pulls.json", gh)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let okta_error = br#"{"errorCode":"E0000011","errorSummary":"Invalid token provided","errorLink":"E0000011","errorId":"oae1","errorCauses":[]}"#;
    let err = try_run("okta-users", &[("e.json", okta_error)], t).unwrap_err();
    assert!(err.to_string().contains("Invalid token provided"), "{err}");
    // A captured error response.
    let e401 = b"HTTP/1.1 401 Unauthorized\r\nDate: Sat, 28 Mar 2026 15:00:01 GMT\r\n\r\n{\"errorCode\":\"E0000011\",\"errorSummary\":\"Invalid token provided\"}\n";
    let err = try_run("okta-users", &[("401.http", e401)], None).unwrap_err();
    assert!(matches!(err, ImportError::ErrorResponse { status: 401, .. }), "{err}");
    // An unknown status is named with its row and field.
    let odd = br#"[{"id":"00u9","status":"ZOMBIE","profile":{"login":"z@acme.test"}}]"#;
    let err = try_run("okta-users", &[("odd.json", odd)], t).unwrap_err();
    assert!(err.to_string().contains("odd.json: row 1, field `status`"), "{err}");
    // A search= query: a filtered population.
    let filtered = br#"{"url": "https://acme.okta.com/api/v1/users?search=status%20eq%20%22ACTIVE%22", "status": 200,
        "headers": {"Date": "Sat, 28 Mar 2026 15:00:01 GMT", "Link": "<https://acme.okta.com/api/v1/users?search=status%20eq%20%22ACTIVE%22>; rel=\"self\""},
        "body": [{"id":"00u1","status":"ACTIVE","profile":{"login":"a@acme.test"}}]}"#;
    let i = run("okta-users", &[("f.json", filtered)], None);
    assert_eq!(i.provenance.completeness, Completeness::Filtered);
    assert!(i.provenance.completeness_reason.as_deref().unwrap().contains("search="));
}

// -- google-users -----------------------------------------------------------------------

#[test]
fn google_users_pages() {
    let p1 = fixture("google/users-1.json");
    let p2 = fixture("google/users-2.json");
    let i = run("google-users", &[("users-1.json", &p1), ("users-2.json", &p2)], None);
    assert_eq!(payload_json(&i.evidence[0].payload), expected("google/expected.json"));
    let p = &i.provenance;
    assert_eq!(p.completeness, Completeness::Complete, "{:?}", p.completeness_reason);
    assert_eq!(p.fetched_at.to_string(), "2026-03-28T16:00:01Z");
    assert_eq!((p.rows_read, p.rows_kept), (4, 4));
    // new@ never signed in (the epoch); gone@'s .123 fraction.
    assert_eq!(warning_count(&i, "epoch_as_never"), 1);
    assert_eq!(warning_count(&i, "sub_second_dropped"), 1);
    assert_eq!(p.inputs[1].query.as_deref().map(|q| q.contains("pageToken=tok2")), Some(true));
    // Page order does not matter for completeness.
    let i = run("google-users", &[("users-2.json", &p2), ("users-1.json", &p1)], None);
    assert_eq!(i.provenance.completeness, Completeness::Complete);
    let inputs = [
        Input { file_name: "users-2.json", bytes: &p2 },
        Input { file_name: "users-1.json", bytes: &p1 },
    ];
    assert!(import::recheck(&i.evidence[0], &inputs).unwrap().identical);
}

#[test]
fn google_users_bare_bodies_filters_and_deleted() {
    let t = Some("2026-03-28T16:00:00Z");
    let bare = br#"{"kind":"admin#directory#users","users":[{"primaryEmail":"a@acme.test","isEnrolledIn2Sv":true,"suspended":false}]}"#;
    let i = run("google-users", &[("u.json", bare)], t);
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
    // query= marks the population filtered; showDeleted lists deleted users, skipped.
    let q = br#"{"url":"https://admin.googleapis.com/admin/directory/v1/users?customer=my_customer&query=isSuspended%3Dfalse&showDeleted=true","status":200,
      "body":{"kind":"admin#directory#users","users":[{"primaryEmail":"a@acme.test"},{"primaryEmail":"d@acme.test","deletionTime":"2026-01-01T00:00:00.000Z"}]}}"#;
    let i = run("google-users", &[("q.json", q)], t);
    assert_eq!(i.provenance.completeness, Completeness::Filtered);
    assert!(
        i.provenance.completeness_reason.as_deref().unwrap().contains("query=isSuspended=false")
    );
    assert_eq!((i.provenance.rows_read, i.provenance.rows_kept), (2, 1));
    assert!(i.provenance.skipped[0].reason.contains("deleted"));
    // An empty last page has no `users` at all.
    let empty = br#"{"kind":"admin#directory#users","etag":"x"}"#;
    let i = run("google-users", &[("e.json", empty)], t);
    let Payload::UserList(list) = &i.evidence[0].payload else { panic!() };
    assert!(list.accounts.is_empty());
}

#[test]
fn google_users_hostile_inputs() {
    let p1 = fixture("google/users-1.json");
    let p2 = fixture("google/users-2.json");
    let t = Some("2026-03-28T16:00:00Z");
    // The last page missing: page 1 has a nextPageToken nobody answers.
    let err = try_run("google-users", &[("users-1.json", &p1)], None).unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
    // The first page missing.
    let err = try_run("google-users", &[("users-2.json", &p2)], None).unwrap_err();
    assert!(err.to_string().contains("first page"), "{err}");
    // Bare bodies: a page with a nextPageToken and no page after it.
    let bare = br#"{"kind":"admin#directory#users","users":[{"primaryEmail":"a@acme.test"}],"nextPageToken":"t"}"#;
    let err = try_run("google-users", &[("b.json", bare)], t).unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
    // Truncated.
    let cut = &p2[..p2.len() / 2];
    let err = try_run("google-users", &[("cut.json", cut)], t).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    // Wrong sources: an Okta page, a Google error, a Graph page.
    let okta = br#"[{"id":"00u1","status":"ACTIVE","profile":{"login":"a@example.com"}}]"#;
    let err = try_run("google-users", &[("okta.json", okta)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let gerr = br#"{"error":{"code":403,"message":"Not Authorized to access this resource/api","errors":[]}}"#;
    let err = try_run("google-users", &[("403.json", gerr)], t).unwrap_err();
    assert!(err.to_string().contains("Not Authorized"), "{err}");
    let graph = br#"{"@odata.context":"x","value":[]}"#;
    let err = try_run("google-users", &[("g.json", graph)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    // A user without a primary e-mail is named.
    let bad =
        br#"{"kind":"admin#directory#users","users":[{"primaryEmail":"a@acme.test"},{"id":"2"}]}"#;
    let err = try_run("google-users", &[("bad.json", bad)], t).unwrap_err();
    assert!(err.to_string().contains("bad.json: row 2, field `primaryEmail`"), "{err}");
}

// -- intune-devices ---------------------------------------------------------------------

#[test]
fn intune_devices_graph_samples() {
    let (Some(all), Some(one)) = (
        realdata("mdm_intune/tfm365_get_managed_devices_all.json"),
        realdata("mdm_intune/tfm365_get_managed_device_by_id.json"),
    ) else {
        return;
    };
    let i = run("intune-devices", &[("devices.json", &all)], Some("2024-10-18T10:00:00Z"));
    assert_eq!(
        payload_json(&i.evidence[0].payload),
        expected("intune-devices.tfm365_get_managed_devices_all.json")
    );
    // 3 devices, as @odata.count says; but a bare body does not show a $filter.
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
    assert!(i.provenance.completeness_reason.as_deref().unwrap().contains("@odata.count"));
    assert_eq!((i.provenance.rows_read, i.provenance.rows_kept), (3, 3));
    let i = run("intune-devices", &[("one.json", &one)], Some("2024-10-18T10:00:00Z"));
    let Payload::DeviceInventory(inv) = &i.evidence[0].payload else { panic!() };
    assert_eq!(inv.devices.len(), 1);
    assert_eq!(inv.devices[0].device_id, "00000000-0000-0000-0000-000000000001");
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
}

#[test]
fn intune_devices_pages() {
    let p1 = fixture("intune/devices-1.json");
    let p2 = fixture("intune/devices-2.json");
    let i = run("intune-devices", &[("devices-1.json", &p1), ("devices-2.json", &p2)], None);
    assert_eq!(payload_json(&i.evidence[0].payload), expected("intune/expected.json"));
    let p = &i.provenance;
    assert_eq!(p.completeness, Completeness::Complete, "{:?}", p.completeness_reason);
    assert_eq!(p.fetched_at.to_string(), "2026-03-28T17:00:01Z");
    assert_eq!(warning_count(&i, "sub_second_dropped"), 1);
    assert_eq!(warning_count(&i, "before_1970_as_absent"), 1);
    assert_eq!(warning_count(&i, "compliance_in_config_manager"), 1);
    let inputs = [
        Input { file_name: "devices-1.json", bytes: &p1 },
        Input { file_name: "devices-2.json", bytes: &p2 },
    ];
    assert!(import::recheck(&i.evidence[0], &inputs).unwrap().identical);
}

#[test]
fn intune_devices_hostile_inputs() {
    let p1 = fixture("intune/devices-1.json");
    let p2 = fixture("intune/devices-2.json");
    let t = Some("2026-03-28T17:00:00Z");
    // The second page missing: page 1's next link is unanswered.
    let err = try_run("intune-devices", &[("devices-1.json", &p1)], None).unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
    // The first page missing: 1 device where @odata.count says 3.
    let err = try_run("intune-devices", &[("devices-2.json", &p2)], None).unwrap_err();
    assert!(err.to_string().contains("@odata.count says 3"), "{err}");
    // The same page twice.
    let err = try_run("intune-devices", &[("a.json", &p2), ("b.json", &p1), ("c.json", &p2)], None)
        .unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
    // A $filter: filtered.
    let filtered = br#"{"url": "https://graph.microsoft.com/v1.0/deviceManagement/managedDevices?$filter=operatingSystem%20eq%20%27Windows%27", "status": 200,
        "body": {"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices", "value": [
          {"id": "w1", "operatingSystem": "Windows", "complianceState": "compliant", "isEncrypted": "TRUE"}]}}"#;
    let i = run("intune-devices", &[("f.json", filtered)], t);
    assert_eq!(i.provenance.completeness, Completeness::Filtered);
    assert!(i.provenance.completeness_reason.as_deref().unwrap().contains("operatingSystem eq"));
    assert_eq!(warning_count(&i, "boolean_as_string"), 1);
    // Truncated.
    let cut = &p1[..p1.len() - 50];
    let err = try_run("intune-devices", &[("cut.json", cut)], t).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    // Wrong sources: a Graph users page, a Graph error, an Okta page.
    let users = br#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users", "value": [{"id": "1", "userPrincipalName": "a@b"}]}"#;
    let err = try_run("intune-devices", &[("users.json", users)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let gerr = br#"{"error": {"code": "Forbidden", "message": "Application is not authorized to perform this operation."}}"#;
    let err = try_run("intune-devices", &[("403.json", gerr)], t).unwrap_err();
    assert!(err.to_string().contains("not authorized"), "{err}");
    let okta = br#"[{"id":"00u1","status":"ACTIVE","profile":{"login":"a@example.com"}}]"#;
    let err = try_run("intune-devices", &[("okta.json", okta)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    // An unknown compliance state is named.
    let odd =
        br#"{"value": [{"id": "x", "operatingSystem": "Windows", "complianceState": "sortOf"}]}"#;
    let err = try_run("intune-devices", &[("odd.json", odd)], t).unwrap_err();
    assert!(err.to_string().contains("odd.json: row 1, field `complianceState`"), "{err}");
    // A bare `value` list without a context whose items are not devices (Graph users).
    let users = br#"{"value": [{"id": "1", "userPrincipalName": "a@b", "accountEnabled": true}]}"#;
    let err = try_run("intune-devices", &[("users.json", users)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    // One user's devices (GET /users/{id}/managedDevices): a subset, filtered.
    let one_user = br#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users('u1')/managedDevices", "@odata.count": 1,
        "value": [{"id": "d9", "operatingSystem": "macOS", "complianceState": "compliant"}]}"#;
    let i = run("intune-devices", &[("u.json", one_user)], t);
    assert_eq!(i.provenance.completeness, Completeness::Filtered);
    assert!(i.provenance.completeness_reason.as_deref().unwrap().contains("users('u1')"));
}

#[test]
fn intune_devices_screen_lock_from_compliance_policies() {
    let pages: Vec<(&str, Vec<u8>)> = [
        "devices-1.json",
        "devices-2.json",
        "policies.json",
        "states.d1.json",
        "states.d2.json",
        "states.d3.json",
    ]
    .into_iter()
    .map(|n| (n, fixture(&format!("intune/{n}"))))
    .collect();
    let files: Vec<(&str, &[u8])> = pages.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let i = run("intune-devices", &files, None);
    // By hand: d1 meets the lock-timeout setting of "macOS baseline" (5 minutes; the policy
    // as a whole is not met, encryption being off) and "macOS minimum version" requires no
    // password; d2 is compliant with "Windows baseline" (30 minutes); d3's state for
    // "iOS baseline" is unknown, so its 2 minutes are not taken.
    assert_eq!(payload_json(&i.evidence[0].payload), expected("intune/expected-screen-lock.json"));
    let p = &i.provenance;
    assert_eq!(p.completeness, Completeness::Complete, "{:?}", p.completeness_reason);
    assert_eq!((p.rows_read, p.rows_kept), (3, 3));
    assert_eq!(p.fetched_at.to_string(), "2026-03-28T17:00:03Z");
    assert_eq!(warning_count(&i, "screen_lock_not_in_export"), 0);
    assert_eq!(warning_count(&i, "screen_lock_policy_not_met"), 1);
    assert_eq!(warning_count(&i, "screen_lock_not_derived"), 1);
    let w = p.warnings.iter().find(|w| w.code == "screen_lock_policy_not_met").unwrap();
    assert_eq!((w.file.as_str(), w.row), ("states.d3.json", 1));
    let w = p.warnings.iter().find(|w| w.code == "screen_lock_not_derived").unwrap();
    assert_eq!((w.file.as_str(), w.row), ("devices-2.json", 1));
    let inputs: Vec<Input<'_>> =
        files.iter().map(|(n, b)| Input { file_name: n, bytes: b }).collect();
    assert!(import::recheck(&i.evidence[0], &inputs).unwrap().identical);

    // Without policies or states: nothing derived, and said so once.
    let i = run("intune-devices", &files[..2], None);
    assert_eq!(warning_count(&i, "screen_lock_not_in_export"), 1);
    // Policies without any per-device state: which policy applies is unknown.
    let i = run("intune-devices", &files[..3], None);
    let Payload::DeviceInventory(inv) = &i.evidence[0].payload else { panic!() };
    assert!(inv.devices.iter().all(|d| d.screen_lock_minutes.is_none()));
    assert_eq!(warning_count(&i, "policy_states_missing"), 3);
    // States without the policies: the timeouts are unknown.
    let i = run("intune-devices", &[files[0], files[1], files[3]], None);
    let Payload::DeviceInventory(inv) = &i.evidence[0].payload else { panic!() };
    assert_eq!(inv.devices[0].screen_lock_minutes, None);
    // p-mac and p-mac-os (p-win is not applicable to d1).
    assert_eq!(warning_count(&i, "policy_state_without_policy"), 2);
}

#[test]
fn intune_devices_screen_lock_inputs_hostile_and_odd() {
    let t = Some("2026-03-28T17:00:00Z");
    let devices = br#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices", "@odata.count": 1,
        "value": [{"id": "m1", "operatingSystem": "macOS", "complianceState": "compliant",
          "deviceCompliancePolicyStates": [{"id": "p1", "state": "compliant"}, {"id": "p2", "state": "compliant"}]}]}"#;
    // A single policy object (GET deviceCompliancePolicies/{id}) without a context, the
    // minutes as a string; and a second one with a longer timeout: the shorter one holds.
    let p1 = br##"{"@odata.type": "#microsoft.graph.macOSCompliancePolicy", "id": "p1", "passwordRequired": "true", "passwordMinutesOfInactivityBeforeLock": "15"}"##;
    let p2 = br##"{"@odata.context": "https://graph.microsoft.com/beta/$metadata#deviceManagement/deviceCompliancePolicies/$entity",
        "@odata.type": "#microsoft.graph.macOSCompliancePolicy", "id": "p2", "passwordRequired": true, "passwordMinutesOfInactivityBeforeLock": 60}"##;
    let i = run("intune-devices", &[("d.json", devices), ("p1.json", p1), ("p2.json", p2)], t);
    let Payload::DeviceInventory(inv) = &i.evidence[0].payload else { panic!() };
    // States expanded inside the device ($expand=deviceCompliancePolicyStates) count.
    assert_eq!(inv.devices[0].screen_lock_minutes, Some(15));
    assert_eq!(warning_count(&i, "number_as_string"), 1);
    assert_eq!(warning_count(&i, "boolean_as_string"), 1);

    // A lock timeout in a policy that requires no password is not a screen lock.
    let p3 = br##"{"@odata.type": "#microsoft.graph.macOSCompliancePolicy", "id": "p1", "passwordRequired": false, "passwordMinutesOfInactivityBeforeLock": 5}"##;
    let i = run("intune-devices", &[("d.json", devices), ("p3.json", p3)], t);
    let Payload::DeviceInventory(inv) = &i.evidence[0].payload else { panic!() };
    assert_eq!(inv.devices[0].screen_lock_minutes, None);
    assert_eq!(warning_count(&i, "lock_timeout_without_password"), 1);

    // Policy states of a device not in the listing are reported, not attached.
    let other = br#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices('zz')/deviceCompliancePolicyStates",
        "value": [{"id": "p1", "state": "compliant"}]}"#;
    let i = run("intune-devices", &[("d.json", devices), ("p1.json", p1), ("zz.json", other)], t);
    assert_eq!(warning_count(&i, "policy_states_of_unlisted_device"), 1);

    // States that do not name their device; an unknown status; a policy's deviceStatuses
    // (devices by display name only); policies alone.
    let unnamed = br#"{"value": [{"id": "p1", "state": "compliant", "settingStates": []}]}"#;
    let err =
        try_run("intune-devices", &[("d.json", devices), ("s.json", unnamed)], t).unwrap_err();
    assert!(err.to_string().contains("device is not named"), "{err}");
    let odd = br#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/managedDevices('m1')/deviceCompliancePolicyStates",
        "value": [{"id": "p1", "state": "sortOf"}]}"#;
    let err = try_run("intune-devices", &[("d.json", devices), ("odd.json", odd)], t).unwrap_err();
    assert!(err.to_string().contains("odd.json: row 1, field `state`"), "{err}");
    let statuses = br#"{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#deviceManagement/deviceCompliancePolicies('p1')/deviceStatuses",
        "value": [{"id": "x", "deviceDisplayName": "MAC-1", "status": "compliant"}]}"#;
    let err =
        try_run("intune-devices", &[("d.json", devices), ("st.json", statuses)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let err = try_run("intune-devices", &[("p1.json", p1)], t).unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
}

// -- jamf-computers ---------------------------------------------------------------------

#[test]
fn jamf_computers_schema_example() {
    let Some(bytes) = realdata("mdm_jamf/jamf_schema_examples_computers-inventory.json") else {
        return;
    };
    let t = Some("2018-11-01T00:00:00Z");
    // totalCount 3 with one result: two pages are missing, and that is what it says.
    let err = try_run("jamf-computers", &[("inventory.json", &bytes)], t).unwrap_err();
    assert!(
        err.to_string().contains("totalCount says 3 computers, the pages given hold 1"),
        "{err}"
    );
    // The one computer, as computers-inventory-detail/{id} returns it.
    let v: Value = serde_json::from_slice(&bytes).unwrap();
    let one = serde_json::to_vec(&v["results"][0]).unwrap();
    let i = run("jamf-computers", &[("computer-1.json", &one)], t);
    // By hand: userAndLocation.email (username and realname are swapped in the example),
    // ALL_ENCRYPTED; its partition state VALID is outside Jamf's enum (counted, ignored).
    assert_eq!(
        payload_json(&i.evidence[0].payload),
        json!({"mdm": "jamf", "devices": [
            {"device_id": "1", "serial_number": "C02ZC2QYLVDL", "owner": "email@com.pl",
             "platform": "macos", "os_version": "10.9.5", "disk_encrypted": true,
             "mdm_enrolled": true, "last_check_in": "2018-10-31T18:04:13Z",
             "firewall_enabled": true}
        ]})
    );
    assert_eq!(warning_count(&i, "partition_state_unknown"), 1);
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
    // The FileVault recovery-key listing is another endpoint.
    let Some(fv) = realdata("mdm_jamf/jamf_schema_examples_computers-inventory_filevault.json")
    else {
        return;
    };
    let err = try_run("jamf-computers", &[("fv.json", &fv)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
}

#[test]
fn jamf_computers_pages() {
    let p0 = fixture("jamf/computers-0.json");
    let p1 = fixture("jamf/computers-1.json");
    let i = run("jamf-computers", &[("computers-0.json", &p0), ("computers-1.json", &p1)], None);
    assert_eq!(payload_json(&i.evidence[0].payload), expected("jamf/expected.json"));
    let p = &i.provenance;
    assert_eq!(p.completeness, Completeness::Complete, "{:?}", p.completeness_reason);
    assert_eq!(p.fetched_at.to_string(), "2026-03-28T18:00:01Z");
    assert_eq!(warning_count(&i, "sub_second_dropped"), 1);
    assert_eq!(warning_count(&i, "filevault_not_applicable"), 1);
    assert_eq!(warning_count(&i, "filevault_states_disagree"), 0);
    let inputs = [
        Input { file_name: "computers-0.json", bytes: &p0 },
        Input { file_name: "computers-1.json", bytes: &p1 },
    ];
    assert!(import::recheck(&i.evidence[0], &inputs).unwrap().identical);
}

#[test]
fn jamf_computers_hostile_inputs() {
    let p0 = fixture("jamf/computers-0.json");
    let p1 = fixture("jamf/computers-1.json");
    let t = Some("2026-03-28T18:00:00Z");
    // A page missing, or given twice.
    let err = try_run("jamf-computers", &[("computers-0.json", &p0)], None).unwrap_err();
    assert!(err.to_string().contains("a page is missing"), "{err}");
    let err = try_run("jamf-computers", &[("a.json", &p1), ("b.json", &p1), ("c.json", &p1)], None)
        .unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
    // Without section=, Jamf returns GENERAL only: settings absent, each section counted.
    let general_only = br#"{"totalCount": 1, "results": [{"id": "9", "udid": "Z", "general": {"platform": "Mac", "lastContactTime": "2026-03-01T00:00:00Z", "remoteManagement": {"managed": true}, "mdmCapable": {"capable": true}}, "hardware": null, "operatingSystem": null, "security": null, "diskEncryption": null, "userAndLocation": null}]}"#;
    let i = run("jamf-computers", &[("g.json", general_only)], t);
    let Payload::DeviceInventory(inv) = &i.evidence[0].payload else { panic!() };
    assert_eq!(inv.devices[0].disk_encrypted, None);
    assert_eq!(warning_count(&i, "section_absent:operatingSystem"), 1);
    assert_eq!(warning_count(&i, "section_absent:diskEncryption"), 1);
    // A filter: filtered.
    let filtered = br#"{"url": "https://acme.jamfcloud.com/api/v1/computers-inventory?section=GENERAL&filter=general.platform%3D%3D%22Mac%22", "status": 200,
       "body": {"totalCount": 0, "results": []}}"#;
    let i = run("jamf-computers", &[("f.json", filtered)], t);
    assert_eq!(i.provenance.completeness, Completeness::Filtered);
    // Truncated; wrong sources; a Jamf error; an unknown FileVault status.
    let cut = &p0[..p0.len() - 20];
    let err = try_run("jamf-computers", &[("cut.json", cut)], t).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    let graph = br#"{"@odata.context": "x", "value": []}"#;
    let err = try_run("jamf-computers", &[("g.json", graph)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let jerr = br#"{"httpStatus": 401, "errors": [{"code": "INVALID_TOKEN", "description": "Unauthorized"}]}"#;
    let err = try_run("jamf-computers", &[("401.json", jerr)], t).unwrap_err();
    assert!(err.to_string().contains("httpStatus 401"), "{err}");
    let odd = br#"{"totalCount": 1, "results": [{"id": "5", "general": {"platform": "Mac"}, "operatingSystem": {"fileVault2Status": "MOSTLY"}}]}"#;
    // Jamf's mobile devices listing has totalCount and results too, without sections.
    let mobile = br#"{"totalCount": 1, "results": [{"id": "1", "name": "iPad", "serialNumber": "DMP1", "udid": "U", "type": "ios", "wifiMacAddress": "x"}]}"#;
    let err = try_run("jamf-computers", &[("m.json", mobile)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let err = try_run("jamf-computers", &[("odd.json", odd)], t).unwrap_err();
    assert!(
        err.to_string().contains("odd.json: row 1, field `operatingSystem.fileVault2Status`"),
        "{err}"
    );
}

// -- fleet-hosts ------------------------------------------------------------------------

#[test]
fn fleet_hosts_fleetctl_sample() {
    let Some(bytes) = realdata("mdm_fleet/fleetctl_expectedHostDetailResponseJson.json") else {
        return;
    };
    let i = run("fleet-hosts", &[("host.json", &bytes)], Some("2026-03-28T19:00:00Z"));
    // By hand: id 0; every posture field a zero value: platform "", serial "", os "",
    // seen_time 0001-01-01, MDM status null. Policies query1 passes and query2 fails.
    assert_eq!(
        payload_json(&i.evidence[0].payload),
        json!({"mdm": "fleet", "devices": [
            {"device_id": "0", "platform": "other", "compliance": "noncompliant"}
        ]})
    );
    assert_eq!(warning_count(&i, "platform_unreported"), 1);
    assert_eq!(warning_count(&i, "before_1970_as_absent"), 1);
    // fleetctl's test data spells the responses passes/fails (Fleet writes pass/fail).
    assert_eq!(warning_count(&i, "policy_response_spelling"), 2);
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
}

#[test]
fn fleet_hosts_pages() {
    let p0 = fixture("fleet/hosts-0.json");
    let p1 = fixture("fleet/hosts-1.json");
    let i = run("fleet-hosts", &[("hosts-0.json", &p0), ("hosts-1.json", &p1)], None);
    assert_eq!(payload_json(&i.evidence[0].payload), expected("fleet/expected.json"));
    let p = &i.provenance;
    assert_eq!(p.completeness, Completeness::Complete, "{:?}", p.completeness_reason);
    assert_eq!(p.fetched_at.to_string(), "2026-03-28T19:00:01Z");
    assert_eq!(warning_count(&i, "mdm_pending"), 1);
    assert_eq!(warning_count(&i, "before_1970_as_absent"), 1);
    assert_eq!(warning_count(&i, "sub_second_dropped"), 1);
    let inputs = [
        Input { file_name: "hosts-0.json", bytes: &p0 },
        Input { file_name: "hosts-1.json", bytes: &p1 },
    ];
    assert!(import::recheck(&i.evidence[0], &inputs).unwrap().identical);
}

#[test]
fn fleet_hosts_hostile_inputs() {
    let p0 = fixture("fleet/hosts-0.json");
    let p1 = fixture("fleet/hosts-1.json");
    let t = Some("2026-03-28T19:00:00Z");
    // The last page missing (page 0 says there is more), the first page missing.
    let err = try_run("fleet-hosts", &[("hosts-0.json", &p0)], None).unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
    let err = try_run("fleet-hosts", &[("hosts-1.json", &p1)], None).unwrap_err();
    assert!(err.to_string().contains("page=0 is not among the inputs"), "{err}");
    // A team_id: filtered. Without meta, a last page shorter than per_page is the last.
    let team = br#"{"url": "https://fleet.acme.test/api/v1/fleet/hosts?team_id=2&page=0&per_page=50", "status": 200,
        "body": {"hosts": [{"id": 7, "platform": "darwin", "mdm": {"enrollment_status": "On (manual)"}}]}}"#;
    let i = run("fleet-hosts", &[("t.json", team)], t);
    assert_eq!(i.provenance.completeness, Completeness::Filtered);
    let all =
        br#"{"url": "https://fleet.acme.test/api/v1/fleet/hosts?page=0&per_page=50", "status": 200,
        "body": {"hosts": [{"id": 7, "platform": "darwin"}]}}"#;
    let i = run("fleet-hosts", &[("a.json", all)], t);
    assert_eq!(i.provenance.completeness, Completeness::Complete);
    // Keyset paging (after=): the pages cannot be checked for gaps.
    let after = br#"{"url": "https://fleet.acme.test/api/v1/fleet/hosts?order_key=id&after=7&per_page=50", "status": 200,
        "body": {"hosts": [{"id": 8, "platform": "darwin"}]}}"#;
    let i = run("fleet-hosts", &[("after.json", after)], t);
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
    assert!(i.provenance.completeness_reason.as_deref().unwrap().contains("after="));
    // A bare page: unknown.
    let bare = br#"{"hosts": [{"id": 7, "platform": "darwin"}]}"#;
    let i = run("fleet-hosts", &[("b.json", bare)], t);
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
    // Truncated; wrong sources; a Fleet error; an unknown MDM status.
    let cut = &p0[..p0.len() - 40];
    let err = try_run("fleet-hosts", &[("cut.json", cut)], t).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");
    let jamf = br#"{"totalCount": 0, "results": []}"#;
    let err = try_run("fleet-hosts", &[("j.json", jamf)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    let ferr = br#"{"message": "Authentication required", "errors": [{"name": "base", "reason": "Authentication required"}]}"#;
    let err = try_run("fleet-hosts", &[("401.json", ferr)], t).unwrap_err();
    assert!(err.to_string().contains("Authentication required"), "{err}");
    // Policies as Fleet's REST API writes them (pass, fail, "" not yet run).
    let policies = br#"{"hosts": [
        {"id": 1, "platform": "darwin", "policies": [{"id": 1, "response": "pass"}, {"id": 2, "response": "fail"}]},
        {"id": 2, "platform": "windows", "policies": [{"id": 1, "response": "pass"}]},
        {"id": 3, "platform": "ubuntu", "policies": [{"id": 1, "response": "pass"}, {"id": 2, "response": ""}]}]}"#;
    let i = run("fleet-hosts", &[("p.json", policies)], t);
    let Payload::DeviceInventory(inv) = &i.evidence[0].payload else { panic!() };
    let states: Vec<_> = inv.devices.iter().map(|d| d.compliance).collect();
    assert_eq!(
        states,
        [Some(DeviceCompliance::Noncompliant), Some(DeviceCompliance::Compliant), None]
    );
    assert_eq!(warning_count(&i, "policy_not_run"), 1);
    assert_eq!(warning_count(&i, "policy_response_spelling"), 0);
    let odd =
        br#"{"hosts": [{"id": 1, "platform": "darwin", "mdm": {"enrollment_status": "Maybe"}}]}"#;
    let err = try_run("fleet-hosts", &[("odd.json", odd)], t).unwrap_err();
    assert!(err.to_string().contains("odd.json: row 1, field `mdm.enrollment_status`"), "{err}");
}

// -- fleet-hosts: osquery result logs ---------------------------------------------------

#[test]
fn fleet_hosts_osquery_results_log() {
    let log = fixture("osquery/osqueryd.results.log");
    let i = run("fleet-hosts", &[("osqueryd.results.log", &log)], None);
    assert_eq!(payload_json(&i.evidence[0].payload), expected("osquery/expected.json"));
    let p = &i.provenance;
    // The newest result's unixTime is the time the log shows.
    assert_eq!(p.fetched_at.to_string(), "2026-03-28T16:00:00Z");
    assert_eq!(p.fetched_at_source, FetchedAtSource::Export);
    assert_eq!(p.completeness, Completeness::Unknown);
    assert!(p.completeness_reason.as_deref().unwrap().contains("hosts that reported"));
    assert_eq!((p.rows_read, p.rows_kept), (10, 10));
    assert_eq!(warning_count(&i, "osquery_query_not_read"), 1);
    assert_eq!(warning_count(&i, "epoch_seconds"), 10);
    assert_eq!(warning_count(&i, "removed_row_not_seen"), 0);
    let inputs = [Input { file_name: "osqueryd.results.log", bytes: &log }];
    assert!(import::recheck(&i.evidence[0], &inputs).unwrap().identical);
    // A line cut short names its line; a Fleet page among results is refused.
    let cut = &log[..log.len() - 30];
    let err = try_run("fleet-hosts", &[("cut.log", cut)], None).unwrap_err();
    assert!(err.to_string().contains("cut.log: row 10"), "{err}");
    let page = fixture("fleet/hosts-1.json");
    let err = try_run("fleet-hosts", &[("page.json", &page), ("r.log", &log)], None).unwrap_err();
    assert!(err.to_string().contains("import them separately"), "{err}");
    // An alf global_state outside 0..2 names its field.
    let odd = br#"{"name":"alf","hostIdentifier":"h","unixTime":1774710000,"action":"snapshot","snapshot":[{"global_state":"7"}]}"#;
    let err = try_run("fleet-hosts", &[("odd.log", odd)], None).unwrap_err();
    assert!(err.to_string().contains("odd.log: row 1, field `global_state`"), "{err}");
}

#[test]
fn file_names_not_in_nfc_are_refused() {
    // Found by the `importers` fuzz target: the file name is written into the evidence's
    // attachments and provenance, whose strings must be NFC; a decomposed name (e + U+0301,
    // as some file systems store "é") made evidence that could not be recorded.
    let page = fixture("intune/devices-2.json");
    let name = "devices-cafe\u{301}.json";
    let err = try_run("intune-devices", &[(name, &page)], None).unwrap_err();
    assert_eq!(
        err,
        ImportError::Malformed {
            file: name.into(),
            row: 0,
            field: None,
            reason: "the file name is not in Unicode NFC (composed characters): rename the file"
                .into(),
        }
    );
    // The composed spelling is accepted.
    let first = fixture("intune/devices-1.json");
    let i = run(
        "intune-devices",
        &[("devices-1.json", &first), ("devices-caf\u{e9}.json", &page)],
        None,
    );
    assert_eq!(i.attachments[1].file_name, "devices-caf\u{e9}.json");
}

#[test]
fn capture_dates_past_the_year_9999_are_refused() {
    // Found by the `importers` fuzz target: RFC 2822 allows a five-digit year, and the
    // capture's Date became a fetch time that has no four-digit spelling (the evidence did
    // not validate).
    let page = fixture("fleet/hosts-1.json");
    let text = String::from_utf8(page).unwrap();
    assert!(text.contains("Sat, 28 Mar 2026 19:00:01 GMT"), "the fixture's Date");
    let far = text.replace("Sat, 28 Mar 2026 19:00:01 GMT", "Sat, 28 Mar 82026 19:00:01 GMT");
    let err = try_run("fleet-hosts", &[("hosts-1.json", far.as_bytes())], None).unwrap_err();
    assert_eq!(
        err,
        ImportError::Malformed {
            file: "hosts-1.json".into(),
            row: 0,
            field: Some("headers.date".into()),
            reason: "not an HTTP date (e.g. Fri, 25 Nov 2016 14:30:40 GMT)".into(),
        }
    );
    // The last second of 9999 is still a time.
    let last = text.replace("Sat, 28 Mar 2026 19:00:01 GMT", "Fri, 31 Dec 9999 23:59:59 GMT");
    let first = fixture("fleet/hosts-0.json");
    let i =
        run("fleet-hosts", &[("hosts-0.json", &first), ("hosts-1.json", last.as_bytes())], None);
    assert_eq!(i.provenance.fetched_at.to_string(), "9999-12-31T23:59:59Z");
}

#[test]
fn fleet_hosts_osquery_removals_take_the_earliest_equal_row() {
    let line = |action: &str, uuid: &str, encrypted: &str, t: u64| {
        format!(
            "{{\"name\":\"disks\",\"hostIdentifier\":\"h1\",\"unixTime\":{t},\"action\":\"{action}\",\"columns\":{{\"uuid\":\"{uuid}\",\"encrypted\":{encrypted}}}}}\n"
        )
    };
    let t = 1774710000;
    // Disk a encrypted; disk b, unencrypted, added twice (two events of one row).
    let added = [
        line("added", "a", "\"1\"", t),
        line("added", "b", "\"0\"", t),
        line("added", "b", "\"0\"", t),
    ]
    .concat();
    let encrypted = |log: &str| {
        let i = run("fleet-hosts", &[("r.log", log.as_bytes())], None);
        let w = warning_count(&i, "removed_row_not_seen");
        (payload_json(&i.evidence[0].payload)["devices"][0]["disk_encrypted"].clone(), w)
    };
    assert_eq!(encrypted(&added), (json!(false), 0));
    // One removal of b leaves the other b.
    let once = added.clone() + &line("removed", "b", "\"0\"", t + 1);
    assert_eq!(encrypted(&once), (json!(false), 0));
    // Two leave a alone.
    let twice = once.clone() + &line("removed", "b", "\"0\"", t + 2);
    assert_eq!(encrypted(&twice), (json!(true), 0));
    // A third was not logged before; nor is a row that differs in a value's spelling
    // (the number 1 is not the string "1").
    let thrice =
        twice.clone() + &line("removed", "b", "\"0\"", t + 3) + &line("removed", "a", "1", t + 3);
    assert_eq!(encrypted(&thrice), (json!(true), 2));
}

#[test]
fn fleet_hosts_osquery_long_logs_take_linear_time() {
    // Each removal searched a list of the rows: 10 000 events added and then removed
    // took 40 s (debug build), 20 000 over two minutes. Now a second or so.
    let n = 10_000;
    let mut log = String::new();
    let event = |action: &str, i: u64| {
        format!(
            "{{\"name\":\"users\",\"hostIdentifier\":\"h1\",\"unixTime\":1774710000,\"action\":\"{action}\",\"columns\":{{\"uid\":\"{i}\",\"username\":\"u{i}\"}}}}\n"
        )
    };
    for i in 0..n {
        log.push_str(&event("added", i));
    }
    for i in (0..n).rev() {
        log.push_str(&event("removed", i));
    }
    let started = std::time::Instant::now();
    let i = run("fleet-hosts", &[("r.log", log.as_bytes())], None);
    let took = started.elapsed();
    assert_eq!(warning_count(&i, "removed_row_not_seen"), 0);
    assert_eq!(i.provenance.rows_read, 2 * n);
    assert!(took < std::time::Duration::from_secs(30), "{took:?}");
}

#[test]
fn fleet_hosts_osquery_docs_examples() {
    let files = [
        "osquery/osquery_docs_examples/logging_md_03_event_format.json",
        "osquery/osquery_docs_examples/logging_md_04_event_format.json",
        "osquery/osquery_docs_examples/logging_md_05_snapshot_format.json",
        "osquery/osquery_docs_examples/logging_md_06_batch_format.json",
    ];
    let mut bytes = Vec::new();
    for f in files {
        let Some(b) = realdata(f) else { return };
        bytes.push(b);
    }
    let names = ["03.json", "04.json", "05.json", "06.json"];
    let inputs: Vec<(&str, &[u8])> =
        names.iter().zip(&bytes).map(|(n, b)| (*n, b.as_slice())).collect();
    let i = run("fleet-hosts", &inputs, None);
    // By hand: every example is the host hostname.local (03, 04 and 06 name it with the
    // older `hostname` field), querying processes only: no posture table, so the device has
    // only its id, platform other, and the newest unixTime (1462228052, the snapshot's).
    assert_eq!(
        payload_json(&i.evidence[0].payload),
        json!({"mdm": "fleet", "devices": [
            {"device_id": "hostname.local", "platform": "other", "last_check_in": "2016-05-02T22:27:32Z"}
        ]})
    );
    let p = &i.provenance;
    assert_eq!((p.rows_read, p.rows_kept), (4, 4));
    assert_eq!(warning_count(&i, "host_from_hostname"), 3);
    // 04 and 06 remove pid 97650, which no earlier line added.
    assert_eq!(warning_count(&i, "removed_row_not_seen"), 2);
    // The queries processes and process_snapshot.
    assert_eq!(warning_count(&i, "osquery_query_not_read"), 2);
    assert_eq!(warning_count(&i, "platform_unreported"), 1);
    // The schedule configuration examples are not results.
    let Some(config) = realdata("osquery/osquery_docs_examples/logging_md_02_snapshot_logs.json")
    else {
        return;
    };
    let err = try_run("fleet-hosts", &[("osquery.conf", &config)], None).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
}

#[test]
fn fleet_hosts_fleetctl_get_hosts_list() {
    // `fleetctl get hosts --json` writes one pretty-printed object per host, one after another.
    let list = b"{\n\t\"kind\": \"host\",\n\t\"apiVersion\": \"v1\",\n\t\"spec\": {\"id\": 1, \"platform\": \"darwin\", \"hardware_serial\": \"S1\", \"seen_time\": \"2026-03-28T10:00:00Z\"}\n}\n{\n\t\"kind\": \"host\",\n\t\"apiVersion\": \"v1\",\n\t\"spec\": {\"id\": 2, \"platform\": \"windows\", \"hardware_serial\": \"\", \"seen_time\": \"2026-03-27T10:00:00Z\"}\n}\n";
    let i = run("fleet-hosts", &[("hosts.json", list)], Some("2026-03-28T19:00:00Z"));
    assert_eq!(
        payload_json(&i.evidence[0].payload),
        json!({"mdm": "fleet", "devices": [
            {"device_id": "1", "serial_number": "S1", "platform": "macos", "last_check_in": "2026-03-28T10:00:00Z"},
            {"device_id": "2", "platform": "windows", "last_check_in": "2026-03-27T10:00:00Z"}
        ]})
    );
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
    assert!(i.provenance.completeness_reason.as_deref().unwrap().contains("fleetctl"));
    // The second object cut short: its line is named.
    let err = try_run("fleet-hosts", &[("cut.json", &list[..list.len() - 4])], None).unwrap_err();
    assert!(err.to_string().contains("cut.json: row"), "{err}");
    // Other sources refuse several documents in one file as the wrong source.
    let err = try_run("jamf-computers", &[("hosts.json", list)], None).unwrap_err();
    assert!(err.to_string().contains("several JSON documents"), "{err}");
}

#[test]
fn jamf_computers_classic_api_list() {
    let basic = fixture("jamf/classic-basic.json");
    let i = run("jamf-computers", &[("classic-basic.json", &basic)], None);
    // By hand: ids, serials and report dates as listed; `managed: false` is not enrolled,
    // `managed: true` does not show the MDM profile (absent); no platform: read as Macs.
    assert_eq!(
        payload_json(&i.evidence[0].payload),
        json!({"mdm": "jamf", "devices": [
            {"device_id": "1", "serial_number": "C02AAA", "platform": "macos",
             "last_check_in": "2026-03-27T10:00:00Z"},
            {"device_id": "2", "serial_number": "C02BBB", "platform": "macos",
             "mdm_enrolled": false, "last_check_in": "2025-12-01T08:00:00Z"},
            {"device_id": "3", "platform": "macos"}
        ]})
    );
    let p = &i.provenance;
    assert_eq!(p.completeness, Completeness::Complete, "{:?}", p.completeness_reason);
    assert_eq!(p.fetched_at.to_string(), "2026-03-28T18:30:00Z");
    assert_eq!(warning_count(&i, "platform_absent_macos"), 3);
    assert_eq!(warning_count(&i, "classic_mdm_profile_unknown"), 2);
    assert_eq!(warning_count(&i, "sub_second_dropped"), 1);
    let inputs = [Input { file_name: "classic-basic.json", bytes: &basic }];
    assert!(import::recheck(&i.evidence[0], &inputs).unwrap().identical);
    let t = Some("2026-03-28T18:30:00Z");
    // A bare body: a /match/ search cannot be ruled out. A /match/ capture: filtered.
    let bare = br#"{"computers": [{"id": 7, "name": "x"}]}"#;
    let i = run("jamf-computers", &[("bare.json", bare)], t);
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
    assert_eq!(warning_count(&i, "classic_without_subset"), 1);
    let matched = br#"{"url": "https://acme.jamfcloud.com/JSSResource/computers/match/alice*", "status": 200, "body": {"computers": [{"id": 1, "name": "alice-mbp"}]}}"#;
    let i = run("jamf-computers", &[("m.json", matched)], t);
    assert_eq!(i.provenance.completeness, Completeness::Filtered);
    // Classic lists are not paged; mixed with Pro pages they are refused.
    let err = try_run("jamf-computers", &[("a.json", bare), ("b.json", bare)], t).unwrap_err();
    assert!(err.to_string().contains("not pages of one listing"), "{err}");
    let pro = fixture("jamf/computers-1.json");
    let err = try_run("jamf-computers", &[("p.json", &pro), ("b.json", bare)], t).unwrap_err();
    assert!(err.to_string().contains("import them separately"), "{err}");
    // A Classic computer record is named, not read as an empty population.
    let record = br#"{"computer": {"general": {"id": 1, "name": "alice-mbp"}}}"#;
    let err = try_run("jamf-computers", &[("r.json", record)], t).unwrap_err();
    assert!(err.to_string().contains("Classic API computer record"), "{err}");
}

#[test]
fn device_sources_refuse_every_other_sources_files() {
    let t = Some("2026-03-28T19:00:00Z");
    let csv = b"user,arn,user_creation_time,password_enabled,mfa_active\nalice,arn:aws:iam::1:user/alice,2021-01-01T00:00:00+00:00,true,true\n";
    let others: Vec<(&str, Vec<u8>)> = vec![
        ("okta users-1.http", fixture("okta/users-1.http")),
        ("okta factors-00u1.json", fixture("okta/factors-00u1.json")),
        ("google users-1.json", fixture("google/users-1.json")),
        ("credential-report.csv", csv.to_vec()),
        ("intune devices-1.json", fixture("intune/devices-1.json")),
        ("jamf computers-0.json", fixture("jamf/computers-0.json")),
        ("jamf classic-basic.json", fixture("jamf/classic-basic.json")),
        ("fleet hosts-0.json", fixture("fleet/hosts-0.json")),
        ("osqueryd.results.log", fixture("osquery/osqueryd.results.log")),
    ];
    for source in ["intune-devices", "jamf-computers", "fleet-hosts"] {
        for (name, bytes) in &others {
            let own = match source {
                "intune-devices" => name.starts_with("intune"),
                "jamf-computers" => name.starts_with("jamf"),
                _ => name.starts_with("fleet") || name.starts_with("osquery"),
            };
            if own {
                continue;
            }
            let err = try_run(source, &[("f", bytes)], t).unwrap_err();
            assert!(matches!(err, ImportError::WrongSource { .. }), "{source} on {name}: {err}");
        }
    }
}
