//! Importers of branch protection (GitHub, GitLab), training (KnowBe4), background checks
//! (Checkr) and registers (CSV with a column mapping): the vendor samples in
//! `../shared/realdata/` (skipped when absent) and the hand-made fixtures in
//! `tests/import/`, each compared with hand-written expected evidence, plus hostile inputs.

use serde_json::{Value, json};
use soc2_core::import::{self, ImportError};
use soc2_core::model::{Completeness, FetchedAtSource, Payload};

mod importing;

use importing::*;

// -- github-branch-protection -----------------------------------------------------------

const GBP: &str = "github-branch-protection";

#[test]
fn github_branch_protection_octokit_recordings() {
    let (Some(full), Some(minimal)) = (
        realdata("github_rest/branch_protection_full.octokit.json"),
        realdata("github_rest/branch_protection_minimal.octokit.json"),
    ) else {
        return;
    };
    // Bare bodies carry no time.
    assert_eq!(try_run(GBP, &[("full.json", &full)], None).unwrap_err(), ImportError::NoFetchTime);
    let i = run(GBP, &[("full.json", &full)], Some("2017-10-10T16:00:00Z"));
    assert_eq!(payloads(&i), vec![expected("github-branch-protection.octokit_full.json")]);
    assert_eq!(i.provenance.fetched_at_source, FetchedAtSource::Argument);
    assert_eq!((i.provenance.rows_read, i.provenance.rows_kept), (1, 1));
    assert_eq!(i.provenance.completeness, Completeness::Complete);
    let i = run(GBP, &[("minimal.json", &minimal)], Some("2017-10-10T16:00:00Z"));
    assert_eq!(payloads(&i), vec![expected("github-branch-protection.octokit_minimal.json")]);
    // Every setting is present in the minimal response: nothing normalised.
    assert!(i.provenance.warnings.is_empty(), "{:?}", i.provenance.warnings);
    assert_deterministic(GBP, &[("full.json", &full)], Some("2017-10-10T16:00:00Z"));
}

#[test]
fn github_branch_protection_not_protected_404() {
    let Some(body) = realdata("github_rest/branch_protection_404_not_protected.octokit.json")
    else {
        return;
    };
    // The bare body names no branch: refused with what to do.
    let err = try_run(GBP, &[("404.json", &body)], Some("2017-10-10T16:00:00Z")).unwrap_err();
    let ImportError::Malformed { file, field, reason, .. } = &err else { panic!("{err}") };
    assert_eq!((file.as_str(), field.as_deref()), ("404.json", Some("url")));
    assert!(reason.contains("envelope"), "{err}");
    // Captured (as the recording shows it: 404, Date), it is evidence of no protection.
    let body: Value = serde_json::from_slice(&body).unwrap();
    let envelope = json!({
        "method": "GET",
        "url": "https://api.github.com/repos/octokit-fixture-org/branch-protection/branches/main/protection",
        "status": 404,
        "headers": {"date": "Tue, 10 Oct 2017 16:00:00 GMT"},
        "body": body,
    });
    let bytes = serde_json::to_vec(&envelope).unwrap();
    let i = run(GBP, &[("404.json", &bytes)], None);
    assert_eq!(
        payloads(&i),
        vec![json!({
            "repository": "octokit-fixture-org/branch-protection",
            "branch": "main",
            "protected": false,
            "required_approvals": 0,
            "dismiss_stale_reviews": false,
            "require_code_owner_review": false,
            "require_last_push_approval": false,
            "allow_force_pushes": true,
            "allow_deletions": true,
        })]
    );
    assert_eq!(i.provenance.fetched_at.to_string(), "2017-10-10T16:00:00Z");
    assert_eq!(i.provenance.fetched_at_source, FetchedAtSource::Capture);
    assert_eq!(i.provenance.inputs[0].status, Some(404));
}

#[test]
fn github_branch_protection_openapi_examples() {
    let (Some(classic), Some(ruleset), Some(rules)) = (
        realdata("github_rest/openapi_examples/branch-protection.json"),
        realdata("github_rest/openapi_examples/repository-ruleset.json"),
        realdata("github_rest/openapi_examples/repository-rule-items.json"),
    ) else {
        return;
    };
    let t = Some("2026-12-04T10:00:00Z");
    let i = run(GBP, &[("bp.json", &classic)], t);
    assert_eq!(payloads(&i), vec![expected("github-branch-protection.openapi_example.json")]);
    // Ruleset 42 of monalisa/my-repo: main and master, one commit-email rule, team 234 may
    // always bypass; no admin role among the bypass actors.
    let i = run(GBP, &[("rs.json", &ruleset)], t);
    let one = |branch: &str| {
        json!({
            "repository": "monalisa/my-repo",
            "branch": branch,
            "protected": true,
            "required_approvals": 0,
            "dismiss_stale_reviews": false,
            "require_code_owner_review": false,
            "require_last_push_approval": false,
            "applies_to_admins": true,
            "bypass_actors": ["Team:234"],
            "allow_force_pushes": true,
            "allow_deletions": true,
        })
    };
    assert_eq!(payloads(&i), vec![one("main"), one("master")]);
    assert_eq!(warning_count(&i, "rule_not_modelled"), 2, "one rule, two branches");
    assert_eq!(warning_count(&i, "ruleset_excludes_ignored"), 1);
    // The rules of a branch, bare: the branch is unknown.
    let err = try_run(GBP, &[("rules.json", &rules)], t).unwrap_err();
    assert!(matches!(&err, ImportError::Malformed { file, .. } if file == "rules.json"), "{err}");
}

#[test]
fn github_branch_protection_rulesets_rules_and_404_combined() {
    let ruleset = fixture("github-branch-protection/ruleset-42.txt");
    let rules = fixture("github-branch-protection/rules-main.json");
    let not_protected = fixture("github-branch-protection/legacy-404.json");
    let files: &[(&str, &[u8])] =
        &[("ruleset-42.txt", &ruleset), ("rules-main.json", &rules), ("404.json", &not_protected)];
    let i = run(GBP, files, None);
    let api = |branch: &str| {
        json!({
            "repository": "acme/api",
            "branch": branch,
            "protected": true,
            "required_approvals": 2,
            "dismiss_stale_reviews": true,
            "require_code_owner_review": true,
            "require_last_push_approval": false,
            "applies_to_admins": false,
            "bypass_actors": ["Integration:1234 (pull_request)", "RepositoryRole:5"],
            "allow_force_pushes": false,
            "allow_deletions": false,
            "required_status_checks": ["ci/lint", "ci/test"],
        })
    };
    let mut main = api("main");
    // The rules of main (from rules/branches/main) show no status check rule, but the
    // ruleset object does; the layers combine.
    main["required_status_checks"] = json!(["ci/lint", "ci/test"]);
    assert_eq!(
        payloads(&i),
        vec![
            main,
            api("~DEFAULT_BRANCH"),
            json!({
                "repository": "acme/web",
                "branch": "release/v2",
                "protected": false,
                "required_approvals": 0,
                "dismiss_stale_reviews": false,
                "require_code_owner_review": false,
                "require_last_push_approval": false,
                "allow_force_pushes": true,
                "allow_deletions": true,
            }),
        ]
    );
    let p = &i.provenance;
    assert_eq!(p.fetched_at.to_string(), "2026-12-04T10:00:02Z");
    assert_eq!((p.rows_read, p.rows_kept), (6, 6));
    // Ruleset 7 (an organization ruleset) was not given: its bypass actors are unknown.
    assert_eq!(warning_count(&i, "bypass_actors_unknown"), 1);
    assert_eq!(warning_count(&i, "rule_not_modelled"), 1);
    assert_eq!(i.evidence.len(), 3);
    assert_eq!(p.completeness, Completeness::Complete);
    assert_deterministic(GBP, files, None);
}

#[test]
fn github_branch_protection_hostile_inputs() {
    let t = Some("2026-12-04T10:00:00Z");
    let truncated = fixture("github-branch-protection/truncated.json");
    let err = try_run(GBP, &[("t.json", &truncated)], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { file, reason, .. } if file == "t.json" && reason.contains("truncated")),
        "{err}"
    );
    // A pull request list is not branch protection.
    let pulls = br#"[{"number": 1, "head": {}, "base": {}}]"#;
    let err = try_run(GBP, &[("pulls.json", pulls)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    // A ruleset listing (no rules) is refused with what to fetch instead.
    let listing = br#"[{"id": 42, "name": "x", "enforcement": "active", "source": "o/r"}]"#;
    let err = try_run(GBP, &[("list.json", listing)], t).unwrap_err();
    assert!(err.to_string().contains("rulesets/{id}"), "{err}");
    // Another error than "Branch not protected" is an error, not an unprotected branch.
    let forbidden = br#"{"url": "https://api.github.com/repos/o/r/branches/main/protection", "status": 403,
        "body": {"message": "Upgrade to GitHub Pro or make this repository public to enable this feature.", "documentation_url": "x"}}"#;
    let err = try_run(GBP, &[("403.json", forbidden)], t).unwrap_err();
    assert!(matches!(err, ImportError::ErrorResponse { status: 403, .. }), "{err}");
    let not_found =
        br#"{"url": "https://api.github.com/repos/o/r/branches/nope/protection", "status": 404,
        "body": {"message": "Branch not found", "documentation_url": "x"}}"#;
    let err = try_run(GBP, &[("404.json", not_found)], t).unwrap_err();
    assert!(matches!(err, ImportError::ErrorResponse { status: 404, .. }), "{err}");
    // An evaluate-mode ruleset is read but protects nothing.
    let evaluate = br#"{"id": 9, "name": "trial", "target": "branch", "source_type": "Repository", "source": "o/r",
        "enforcement": "evaluate", "conditions": {"ref_name": {"include": ["refs/heads/main"]}},
        "rules": [{"type": "pull_request", "parameters": {"required_approving_review_count": 1}}]}"#;
    let i = run(GBP, &[("eval.json", evaluate)], t);
    assert_eq!(payloads(&i)[0]["protected"], json!(false));
    assert_eq!(payloads(&i)[0]["branch"], json!("main"));
    assert_eq!(warning_count(&i, "ruleset_not_enforced"), 1);
}

// -- gitlab-protected-branches ----------------------------------------------------------

const GLPB: &str = "gitlab-protected-branches";

/// A bare body wrapped as the soc2 envelope of `GET url`.
fn envelope(url: &str, date: &str, body: &[u8]) -> Vec<u8> {
    let body: Value = serde_json::from_slice(body).unwrap();
    serde_json::to_vec(&json!({
        "method": "GET", "url": url, "status": 200, "headers": {"Date": date}, "body": body,
    }))
    .unwrap()
}

#[test]
fn gitlab_protected_branches_docs_examples() {
    let (Some(free), Some(premium)) = (
        realdata("gitlab/gitlab_docs_list_protected_branches_free.json"),
        realdata("gitlab/gitlab_docs_list_protected_branches_premium.json"),
    ) else {
        return;
    };
    // The bare list does not name its project.
    let err = try_run(GLPB, &[("free.json", &free)], Some("2026-12-04T10:00:00Z")).unwrap_err();
    assert!(err.to_string().contains("does not name its project"), "{err}");
    let url = "https://gitlab.example.com/api/v4/projects/5/protected_branches";
    let date = "Fri, 04 Dec 2026 10:00:00 GMT";
    let i = run(GLPB, &[("free.json", &envelope(url, date, &free))], None);
    let branch = |name: &str, actors: Value| {
        json!({
            "repository": "5",
            "branch": name,
            "protected": true,
            "dismiss_stale_reviews": false,
            "require_code_owner_review": false,
            "require_last_push_approval": false,
            "bypass_actors": actors,
            "allow_force_pushes": false,
            "allow_deletions": false,
        })
    };
    assert_eq!(
        payloads(&i),
        vec![
            branch("main", json!(["push:deploy_key:1", "push:role:maintainer"])),
            branch("release/*", json!(["push:role:maintainer"])),
        ]
    );
    assert_eq!((i.provenance.rows_read, i.provenance.rows_kept), (2, 2));
    // An envelope without Link or x-page headers: nothing says whether more pages exist.
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
    let i = run(GLPB, &[("premium.json", &envelope(url, date, &premium))], None);
    assert_eq!(
        payloads(&i),
        vec![branch("main", json!(["push:deploy_key:1", "push:role:maintainer"]))]
    );
    assert_eq!(warning_count(&i, "inherited_from_group"), 1);
}

#[test]
fn gitlab_protected_branches_two_captured_pages() {
    let p1 = fixture("gitlab/page-1.txt");
    let p2 = fixture("gitlab/page-2.txt");
    let files: &[(&str, &[u8])] = &[("page-1.txt", &p1), ("page-2.txt", &p2)];
    let i = run(GLPB, files, None);
    let p = &i.provenance;
    assert_eq!(p.completeness, Completeness::Complete, "{:?}", p.completeness_reason);
    assert_eq!(p.fetched_at.to_string(), "2026-12-04T11:00:01Z");
    assert_eq!((p.rows_read, p.rows_kept), (3, 3));
    assert_eq!(
        payloads(&i),
        vec![
            json!({
                "repository": "acme/api", "branch": "main", "protected": true,
                "dismiss_stale_reviews": false, "require_code_owner_review": true,
                "require_last_push_approval": false,
                "allow_force_pushes": false, "allow_deletions": false,
            }),
            json!({
                "repository": "acme/api", "branch": "release/*", "protected": true,
                "dismiss_stale_reviews": false, "require_code_owner_review": false,
                "require_last_push_approval": false,
                "bypass_actors": ["push:role:developer", "push:user:42"],
                "allow_force_pushes": true, "allow_deletions": false,
            }),
            json!({
                "repository": "acme/api", "branch": "stable", "protected": true,
                "dismiss_stale_reviews": false, "require_code_owner_review": false,
                "require_last_push_approval": false,
                "bypass_actors": ["push:role:maintainer"],
                "allow_force_pushes": false, "allow_deletions": false,
            }),
        ]
    );
    // "TRUE" as a string is read and counted.
    assert_eq!(warning_count(&i, "boolean_as_string"), 1);
    assert_deterministic(GLPB, files, None);
    // Page 2 left out: refused.
    let err = try_run(GLPB, &[("page-1.txt", &p1)], None).unwrap_err();
    assert!(
        matches!(&err, ImportError::MissingPages { reason } if reason.contains("page 2 of 2")),
        "{err}"
    );
    // The same page twice: refused.
    let err =
        try_run(GLPB, &[("a.txt", &p1), ("b.txt", &p1), ("page-2.txt", &p2)], None).unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
}

#[test]
fn gitlab_protected_branches_hostile_inputs() {
    let t = Some("2026-12-04T10:00:00Z");
    let url = "https://gitlab.example.com/api/v4/projects/5/protected_branches";
    let date = "Fri, 04 Dec 2026 10:00:00 GMT";
    // GitHub branch protection is not GitLab's.
    let gh = envelope(url, date, br#"{"url": "https://api.github.com/repos/o/r/branches/main/protection", "enforce_admins": {"enabled": true}}"#);
    let err = try_run(GLPB, &[("gh.json", &gh)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    // Truncated.
    let p1 = fixture("gitlab/page-1.txt");
    let cut = &p1[..p1.len() - 40];
    let err = try_run(GLPB, &[("cut.txt", cut)], t).unwrap_err();
    assert!(matches!(&err, ImportError::Malformed { file, .. } if file == "cut.txt"), "{err}");
    // A branch without its push access levels.
    let bad = envelope(url, date, br#"[{"name": "main", "merge_access_levels": []}]"#);
    let err = try_run(GLPB, &[("bad.json", &bad)], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { row: 1, field: Some(f), .. } if f == "push_access_levels"),
        "{err}"
    );
    // An empty list: the project protects no branch.
    let empty = envelope(url, date, b"[]");
    let i = run(GLPB, &[("empty.json", &empty)], None);
    assert_eq!(payloads(&i)[0]["protected"], json!(false));
    assert_eq!(payloads(&i)[0]["branch"], json!("*"));
}

// -- knowbe4-training -------------------------------------------------------------------

const KB4: &str = "knowbe4-training";

fn skipped(i: &import::Import) -> Vec<(String, u64, String)> {
    i.provenance.skipped.iter().map(|s| (s.file.clone(), s.row, s.reason.clone())).collect()
}

#[test]
fn knowbe4_training_xsoar_examples() {
    let (Some(enrollment), Some(campaign)) = (
        realdata("training_knowbe4/xsoar_readme_training_enrollment_example.json"),
        realdata("training_knowbe4/xsoar_readme_training_campaign_example.json"),
    ) else {
        return;
    };
    let i = run(KB4, &[("enrollment.json", &enrollment)], Some("2019-04-03T00:00:00Z"));
    assert_eq!(
        payloads(&i),
        vec![json!({
            "person": "s_thomas@kb4-demo.com",
            "course": "Acceptable Use Policy",
            "status": "completed",
            "completed_at": "2019-04-02T15:02:38Z",
        })]
    );
    assert_eq!(i.evidence[0].observed_at.to_string(), "2019-04-02T15:02:38Z");
    // One enrollment (GET /v1/training/enrollments/{id}) is not the whole list.
    assert_eq!(i.provenance.completeness, Completeness::Filtered);
    assert_eq!(warning_count(&i, "uploaded_policy"), 1);
    // `.000Z` holds no fraction to drop.
    assert_eq!(warning_count(&i, "sub_second_dropped"), 0);
    // A campaign is not its enrollments.
    let err =
        try_run(KB4, &[("campaign.json", &campaign)], Some("2019-04-03T00:00:00Z")).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
}

#[test]
fn knowbe4_training_pages_keep_only_completions() {
    let p1 = fixture("knowbe4/enrollments-1.json");
    let p2 = fixture("knowbe4/enrollments-2.json");
    let files: &[(&str, &[u8])] = &[("e1.json", &p1), ("e2.json", &p2)];
    let i = run(KB4, files, None);
    assert_eq!(
        payloads(&i),
        vec![
            json!({"person": "alice@acme.com", "course": "2026 Security Awareness Training",
                   "status": "completed", "completed_at": "2026-03-01T10:00:00Z"}),
            json!({"person": "dave@acme.com", "course": "2026 Security Awareness Training",
                   "status": "completed", "completed_at": "2026-03-02T09:30:00Z"}),
        ]
    );
    let p = &i.provenance;
    assert_eq!((p.rows_read, p.rows_kept), (5, 2));
    assert_eq!(
        skipped(&i),
        vec![
            ("e1.json".into(), 2, "bob@acme.com: In Progress, not completed".into()),
            ("e1.json".into(), 3, "carol@acme.com: Past Due, not completed".into()),
            ("e2.json".into(), 2, "erin@acme.com: Not Started, not completed".into()),
        ]
    );
    assert_eq!(p.completeness, Completeness::Complete, "{:?}", p.completeness_reason);
    assert_eq!(p.fetched_at.to_string(), "2026-12-04T12:00:01Z");
    assert_eq!(warning_count(&i, "whitespace_trimmed"), 1);
    assert_eq!(warning_count(&i, "timestamp_without_zone"), 1);
    assert_deterministic(KB4, files, None);
    // Page 2 missing: page 1 is full (3 of per_page=3).
    let err = try_run(KB4, &[("e1.json", &p1)], None).unwrap_err();
    assert!(
        matches!(&err, ImportError::MissingPages { reason } if reason.contains("full")),
        "{err}"
    );
    // Page 1 missing.
    let err = try_run(KB4, &[("e2.json", &p2)], None).unwrap_err();
    assert!(
        matches!(&err, ImportError::MissingPages { reason } if reason.contains("page 1")),
        "{err}"
    );
}

#[test]
fn knowbe4_training_hostile_inputs() {
    let t = Some("2026-12-04T10:00:00Z");
    let p1 = fixture("knowbe4/enrollments-1.json");
    let err = try_run(KB4, &[("cut.json", &p1[..p1.len() / 2])], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { file, reason, .. } if file == "cut.json" && reason.contains("truncated")),
        "{err}"
    );
    // A phishing test result list is not training enrollments.
    let pst =
        br#"[{"recipient_id": 1, "pst_id": 2, "user": {"email": "a@b.c"}, "clicked_at": null}]"#;
    let err = try_run(KB4, &[("pst.json", pst)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    // A completion date that is not a date names the row and field.
    let bad = br#"[{"enrollment_id": 1, "module_name": "m", "user": {"email": "a@b.c"}, "status": "Passed", "completion_date": "soon"}]"#;
    let err = try_run(KB4, &[("bad.json", bad)], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { row: 1, field: Some(f), .. } if f == "completion_date"),
        "{err}"
    );
    // Passed without a date, by a deleted user, and an undocumented status: not kept.
    let odd = br#"[{"enrollment_id": 1, "module_name": "m", "user": {"email": "a@b.c"}, "status": "Passed", "completion_date": null},
                   {"enrollment_id": 2, "module_name": "m", "user": {"email": null}, "status": "Passed", "completion_date": "2026-01-01T00:00:00Z"},
                   {"enrollment_id": 3, "module_name": "m", "user": {"email": "c@b.c"}, "status": "Failed"}]"#;
    let i = run(KB4, &[("odd.json", odd)], t);
    assert!(i.evidence.is_empty());
    assert_eq!(i.provenance.skipped.len(), 3);
    assert_eq!(warning_count(&i, "unknown_status"), 1);
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
}

// -- checkr-reports ---------------------------------------------------------------------

const CHECKR: &str = "checkr-reports";

#[test]
fn checkr_reports_documented_report_and_other_objects() {
    let Some(report) =
        realdata("background_checkr/lyal_checkr_test_fixtures/AbstractEntity__jsonReport.json")
    else {
        return;
    };
    let i = run(CHECKR, &[("report.json", &report)], Some("2014-01-19T00:00:00Z"));
    // The older status model: `status: clear`, adjudicated `engaged`.
    assert_eq!(
        payloads(&i),
        vec![json!({
            "person": "e44aa283528e6fde7d542194",
            "provider": "checkr",
            "report_id": "4722c07dd9a10c3985ae432a",
            "status": "clear",
            "adjudication": "engaged",
            "completed_at": "2014-01-18T12:35:30Z",
        })]
    );
    assert_eq!(i.evidence[0].observed_at.to_string(), "2014-01-18T12:35:30Z");
    // No candidate given: the candidate id names the person, counted.
    assert_eq!(warning_count(&i, "candidate_email_unknown"), 1);
    assert_eq!(i.provenance.completeness, Completeness::Filtered);
    // Adverse items, documents, geos, programs: not reports.
    for other in [
        "AbstractEntity__jsonAdverseItem.json",
        "AbstractEntity__jsonGeo.json",
        "AbstractEntity__jsonProgram.json",
        "Document__jsonString.json",
        "Listable__jsonString.json",
    ] {
        let bytes =
            realdata(&format!("background_checkr/lyal_checkr_test_fixtures/{other}")).unwrap();
        let err = try_run(CHECKR, &[(other, &bytes)], Some("2014-01-19T00:00:00Z")).unwrap_err();
        assert!(matches!(err, ImportError::WrongSource { .. }), "{other}: {err}");
    }
}

#[test]
fn checkr_reports_with_candidates() {
    let candidates = fixture("checkr/candidates.json");
    let reports = fixture("checkr/reports.json");
    let files: &[(&str, &[u8])] = &[("reports.json", &reports), ("candidates.json", &candidates)];
    let i = run(CHECKR, files, None);
    assert_eq!(
        payloads(&i),
        vec![
            json!({"person": "alice@acme.com", "provider": "checkr", "report_id": "r0000000000000000000001",
                   "status": "clear", "completed_at": "2026-01-07T16:20:00Z"}),
            json!({"person": "bob@acme.com", "provider": "checkr", "report_id": "r0000000000000000000002",
                   "status": "consider", "adjudication": "engaged", "completed_at": "2026-01-09T11:00:00Z"}),
            json!({"person": "carol@acme.com", "provider": "checkr", "report_id": "r0000000000000000000003",
                   "status": "pending"}),
        ]
    );
    let p = &i.provenance;
    assert_eq!((p.rows_read, p.rows_kept), (3, 3));
    assert_eq!(p.completeness, Completeness::Complete, "{:?}", p.completeness_reason);
    assert_eq!(p.fetched_at.to_string(), "2026-12-04T13:00:01Z");
    // Dan has no report at all: counted for whoever reads the provenance.
    assert_eq!(warning_count(&i, "candidate_without_report"), 1);
    assert_eq!(warning_count(&i, "sub_second_dropped"), 1);
    // The pending report is observed at the export, the others when they completed.
    assert_eq!(i.evidence[2].observed_at.to_string(), "2026-12-04T13:00:01Z");
    assert_deterministic(CHECKR, files, None);
}

#[test]
fn checkr_reports_hostile_inputs() {
    let t = Some("2026-12-04T10:00:00Z");
    let reports = fixture("checkr/reports.json");
    // Count says 3, the page holds 2: a page is missing.
    let mut v: Value = serde_json::from_slice(&reports).unwrap();
    v["body"]["data"].as_array_mut().unwrap().pop();
    let short = serde_json::to_vec(&v).unwrap();
    let err = try_run(CHECKR, &[("short.json", &short)], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::MissingPages { reason } if reason.contains("2 reports of the 3")),
        "{err}"
    );
    // Candidates alone are not background checks.
    let candidates = fixture("checkr/candidates.json");
    let err = try_run(CHECKR, &[("c.json", &candidates)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    // An unknown status names the row and field.
    let bad = br#"{"id": "r1", "object": "report", "status": "exploded", "candidate_id": "c1"}"#;
    let err = try_run(CHECKR, &[("bad.json", bad)], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { row: 1, field: Some(f), .. } if f == "status"),
        "{err}"
    );
    // Truncated.
    let err = try_run(CHECKR, &[("cut.json", &reports[..200])], t).unwrap_err();
    assert!(matches!(&err, ImportError::Malformed { file, .. } if file == "cut.json"), "{err}");
    // A KnowBe4 enrollment is not a Checkr report.
    let kb4 = fixture("knowbe4/enrollments-1.json");
    let err = try_run(CHECKR, &[("kb4.json", &kb4)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    // The same report twice.
    let one = br#"{"id": "r1", "object": "report", "status": "clear", "candidate_id": "c1"}"#;
    let err = try_run(CHECKR, &[("a.json", one), ("b.json", one)], t).unwrap_err();
    assert!(err.to_string().contains("given twice"), "{err}");
}

#[test]
fn checkr_single_reports_of_a_complete_candidate_list_are_complete() {
    let candidates = fixture("checkr/candidates.json");
    let list: Value = serde_json::from_slice(&fixture("checkr/reports.json")).unwrap();
    let singles: Vec<Vec<u8>> = list["body"]["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| serde_json::to_vec(r).unwrap())
        .collect();
    let t = Some("2026-12-04T13:00:00Z");
    let mut files: Vec<(&str, &[u8])> = vec![("candidates.json", &candidates)];
    files.extend(singles.iter().map(|b| ("report.json", b.as_slice())));
    let i = run(CHECKR, &files, t);
    assert_eq!(i.evidence.len(), 3);
    assert_eq!(i.provenance.completeness, Completeness::Complete);
    // One report left out: only what was given.
    let i = run(CHECKR, &files[..3], t);
    assert_eq!(i.evidence.len(), 2);
    assert_eq!(i.provenance.completeness, Completeness::Filtered);
    assert_eq!(warning_count(&i, "candidate_reports_not_given"), 1);
}

// -- roster-csv, vendors-csv, risks-csv -------------------------------------------------

#[test]
fn risks_csv_ciso_assistant_sample() {
    let Some(csv) = realdata("grc_registers/ciso-assistant_RA_sample.csv") else { return };
    let mapping = fixture("registers/ciso-assistant-risks.toml");
    let files: &[(&str, &[u8])] = &[("risks.toml", &mapping), ("RA_sample.csv", &csv)];
    let t = Some("2026-12-04T10:00:00Z");
    let i = run("risks-csv", files, t);
    assert_eq!(
        payloads(&i),
        vec![json!({"risks": [
            {"id": "R.1", "threat": "Ransomware", "likelihood": "high", "impact": "medium",
             "residual_likelihood": "very_high", "residual_impact": "very_high",
             "treatment_plan": "Risk management policy,Organization overview document,Main policy,Competency matrix"},
            {"id": "R.2", "threat": "Unavailability", "likelihood": "very_high", "impact": "medium",
             "residual_likelihood": "low", "residual_impact": "high", "treatment": "mitigate",
             "treatment_plan": "Management review plan document,Main policy,ISMS Scope document,Responsibility matrix"},
            {"id": "R.3", "threat": "Insider threats", "likelihood": "high", "impact": "high",
             "treatment": "accept"},
        ]})]
    );
    let p = &i.provenance;
    assert_eq!((p.rows_read, p.rows_kept), (3, 3));
    assert_eq!(p.completeness, Completeness::Unknown);
    // R.1's treatment "open" and R.3's two "--" residual ratings read as absent.
    assert_eq!(warning_count(&i, "value_mapped_to_absent"), 3);
    assert_eq!(warning_count(&i, "risk_without_treatment"), 1);
    assert_eq!(i.evidence[0].attachments.len(), 2, "the mapping is stored with the CSV");
    assert_deterministic("risks-csv", files, t);
    // Without the mapping's delimiter the header is one column: not this register.
    let comma = String::from_utf8(mapping.clone()).unwrap().replace("delimiter = \";\"\n", "");
    let err = try_run("risks-csv", &[("m.toml", comma.as_bytes()), ("RA_sample.csv", &csv)], t)
        .unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
}

#[test]
fn vendors_csv_ciso_assistant_solutions() {
    let Some(csv) = realdata("grc_registers/derived_third_parties_Solutions.csv") else { return };
    let mapping = fixture("registers/ciso-assistant-solutions.toml");
    let files: &[(&str, &[u8])] = &[("Solutions.csv", &csv), ("vendors.toml", &mapping)];
    let t = Some("2026-12-04T10:00:00Z");
    let i = run("vendors-csv", files, t);
    let v = |name: &str, c: &str| json!({"vendor": name, "data_shared": [], "criticality": c, "reviewed_on": "2024-06-30"});
    assert_eq!(
        payloads(&i),
        vec![
            v("Cloud Storage Service", "high"),
            v("Email Service", "critical"),
            v("Internal CRM", "high"),
        ]
    );
    assert_eq!(warning_count(&i, "default_used"), 3);
    assert_eq!(i.evidence[0].observed_at.to_string(), "2024-06-30T00:00:00Z");
    assert_deterministic("vendors-csv", files, t);
    // The criticality scale is the mapping's: without [values.criticality], "3" is refused
    // with the row and the column.
    let unmapped = String::from_utf8(mapping).unwrap().replace("\"3\" = \"high\"\n", "");
    let err =
        try_run("vendors-csv", &[("Solutions.csv", &csv), ("m.toml", unmapped.as_bytes())], t)
            .unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { row: 2, field: Some(f), .. } if f == "criticality"),
        "{err}"
    );
}

#[test]
fn roster_csv_hr_export() {
    let csv = fixture("registers/roster.csv");
    let mapping = fixture("registers/roster.toml");
    let files: &[(&str, &[u8])] = &[("roster.toml", &mapping), ("people.csv", &csv)];
    let t = Some("2026-12-04T10:00:00Z");
    assert_eq!(try_run("roster-csv", files, None).unwrap_err(), ImportError::NoFetchTime);
    let i = run("roster-csv", files, t);
    assert_eq!(
        payloads(&i),
        vec![json!({"people": [
            {"id": "alice@acme.com", "name": "Alice Archer", "aliases": ["alice", "aarcher-gh"],
             "employment_type": "employee", "start_date": "2024-03-15", "in_scope": true},
            {"id": "bob@acme.com", "name": "Bob Baker", "aliases": ["bbaker"],
             "employment_type": "contractor", "start_date": "2025-01-02", "end_date": "2025-06-30",
             "in_scope": true},
            {"id": "carol@acme.com", "name": "Carol Cho", "employment_type": "intern",
             "start_date": "2025-06-01", "in_scope": false},
            {"id": "dave@acme.com", "name": "Dave Diaz", "employment_type": "employee",
             "start_date": "2023-11-20", "in_scope": false},
        ]})]
    );
    assert_eq!((i.provenance.rows_read, i.provenance.rows_kept), (4, 4));
    assert_eq!(warning_count(&i, "boolean_spelling"), 3, "Yes, TRUE, no");
    assert_eq!(warning_count(&i, "sentinel:N/A"), 1);
    assert_eq!(warning_count(&i, "whitespace_trimmed"), 1);
    assert_deterministic("roster-csv", files, t);
}

#[test]
fn csv_registers_hostile_inputs() {
    let t = Some("2026-12-04T10:00:00Z");
    let csv = fixture("registers/roster.csv");
    let mapping = fixture("registers/roster.toml");
    let text = String::from_utf8(csv.clone()).unwrap();
    // No mapping.
    let err = try_run("roster-csv", &[("people.csv", &csv)], t).unwrap_err();
    assert!(err.to_string().contains("no column mapping"), "{err}");
    // A mapping for another source.
    let risks = fixture("registers/ciso-assistant-risks.toml");
    let err = try_run("roster-csv", &[("r.toml", &risks), ("people.csv", &csv)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    // Another export entirely (an AWS credential report) under the roster mapping.
    let aws = b"user,arn,user_creation_time,password_enabled\n<root_account>,arn:aws:iam::1:root,2020-01-01T00:00:00+00:00,not_supported\n";
    let err = try_run("roster-csv", &[("m.toml", &mapping), ("report.csv", aws)], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
    // A truncated last row.
    let cut = &text[..text.len() - 12];
    let err =
        try_run("roster-csv", &[("m.toml", &mapping), ("cut.csv", cut.as_bytes())], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { file, row: 5, reason, .. } if file == "cut.csv" && reason.contains("truncated")),
        "{err}"
    );
    // A date in another format than the mapping's names its row and column.
    let eu = text.replace("03/15/2024", "15/03/2024");
    let err =
        try_run("roster-csv", &[("m.toml", &mapping), ("eu.csv", eu.as_bytes())], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { row: 2, field: Some(f), .. } if f == "Hire Date"),
        "{err}"
    );
    // A required field left unmapped.
    let m = String::from_utf8(mapping.clone())
        .unwrap()
        .replace("in_scope = \"Has Production Access\"\n", "");
    let err =
        try_run("roster-csv", &[("m.toml", m.as_bytes()), ("people.csv", &csv)], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { file, field: Some(f), .. } if file == "m.toml" && f == "columns.in_scope"),
        "{err}"
    );
    // A mapped column missing from the header.
    let renamed = text.replace("Hire Date", "Start");
    let err = try_run("roster-csv", &[("m.toml", &mapping), ("r.csv", renamed.as_bytes())], t)
        .unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { row: 1, field: Some(f), .. } if f == "Hire Date"),
        "{err}"
    );
    // An unknown field in the mapping.
    let typo =
        String::from_utf8(mapping).unwrap().replace("[columns]\n", "[columns]\nemial = \"x\"\n");
    let err =
        try_run("roster-csv", &[("m.toml", typo.as_bytes()), ("people.csv", &csv)], t).unwrap_err();
    assert!(err.to_string().contains("emial"), "{err}");
}

#[test]
fn each_fixture_given_to_another_source_is_refused() {
    // Every JSON fixture of one source, given to each other JSON source: the wrong source,
    // never an empty population.
    let fixtures: &[(&str, &str)] = &[
        (GBP, "github-branch-protection/ruleset-42.txt"),
        (GBP, "github-branch-protection/legacy-404.json"),
        (GLPB, "gitlab/page-1.txt"),
        (KB4, "knowbe4/enrollments-1.json"),
        (CHECKR, "checkr/reports.json"),
        (CHECKR, "checkr/candidates.json"),
    ];
    let t = Some("2026-12-04T10:00:00Z");
    for (own, file) in fixtures {
        let bytes = fixture(file);
        for source in [GBP, GLPB, KB4, CHECKR] {
            if source == *own {
                continue;
            }
            match try_run(source, &[(file, &bytes)], t) {
                Err(ImportError::WrongSource { .. }) => {}
                // A 404 is an error response to every source but the one that reads it.
                Err(ImportError::ErrorResponse { status: 404, .. }) if file.contains("404") => {}
                other => panic!("{file} as {source}: {other:?}"),
            }
        }
        // The CSV sources want their mapping first.
        for source in ["roster-csv", "vendors-csv", "risks-csv"] {
            let err = try_run(source, &[(file, &bytes)], t).unwrap_err();
            let refused = err.to_string().contains("no column mapping")
                || matches!(err, ImportError::ErrorResponse { status: 404, .. });
            assert!(refused, "{file} as {source}: {err}");
        }
    }
}

#[test]
fn roster_csv_pages_and_duplicates() {
    let t = Some("2026-12-04T10:00:00Z");
    let csv = fixture("registers/roster.csv");
    let mapping = fixture("registers/roster.toml");
    // A second file (page) that lists Alice again, in another case, and Erin.
    let more = b"Employee #,Work Email,Display Name,Employment Status,Hire Date,Termination Date,Other Logins,Has Production Access\n\
9,ALICE@acme.com,Alice Archer,Full-Time,03/15/2024,,,yes\n\
5,erin@acme.com,Erin Eze,Full-Time,02/01/2026,,,true\n";
    let files: &[(&str, &[u8])] = &[("m.toml", &mapping), ("a.csv", &csv), ("b.csv", more)];
    let i = run("roster-csv", files, t);
    let Payload::Roster(r) = &i.evidence[0].payload else { panic!() };
    assert_eq!(r.people.len(), 6);
    assert_eq!((i.provenance.rows_read, i.provenance.rows_kept), (6, 6));
    let dup = i.provenance.warnings.iter().find(|w| w.code == "duplicate_account").unwrap();
    assert_eq!((dup.file.as_str(), dup.row, dup.count), ("b.csv", 2, 1));
}

#[test]
fn vendors_csv_review_date_before_1970_is_refused() {
    // Found by the `importers` fuzz target: the review date is the assessment's
    // observed_at, a timestamp, which cannot be before 1970; it was written anyway and the
    // evidence did not validate.
    let t = Some("2026-12-04T10:00:00Z");
    let mapping = b"source = \"vendors-csv\"\n[columns]\nvendor = \"name\"\ncriticality = \"tier\"\nreviewed_on = \"reviewed\"\n";
    let csv = b"name,tier,reviewed\nAcme Cloud,high,2025-05-01\nOld Vendor,low,1969-12-31\n";
    let err = try_run("vendors-csv", &[("m.toml", mapping), ("v.csv", csv)], t).unwrap_err();
    assert_eq!(
        err,
        ImportError::Malformed {
            file: "v.csv".into(),
            row: 3,
            field: Some("reviewed_on".into()),
            reason: "the review date 1969-12-31 is before 1970".into(),
        }
    );
    // The same through [defaults].
    let defaulted = b"source = \"vendors-csv\"\n[columns]\nvendor = \"name\"\ncriticality = \"tier\"\n[defaults]\nreviewed_on = \"1012-06-30\"\n";
    let csv = b"name,tier\nAcme Cloud,high\n";
    let err = try_run("vendors-csv", &[("v.csv", csv), ("m.toml", defaulted)], t).unwrap_err();
    assert_eq!(
        err,
        ImportError::Malformed {
            file: "v.csv".into(),
            row: 2,
            field: Some("reviewed_on".into()),
            reason: "the review date 1012-06-30 is before 1970".into(),
        }
    );
    // 1970-01-01 itself is a timestamp.
    let csv = b"name,tier,reviewed\nAcme Cloud,high,1970-01-01\n";
    let i = run("vendors-csv", &[("m.toml", mapping), ("v.csv", csv)], t);
    assert_eq!(i.evidence[0].observed_at.to_string(), "1970-01-01T00:00:00Z");
}

#[test]
fn csv_dates_beyond_the_year_9999_are_refused() {
    // A date is written YYYY-MM-DD; chrono reads years past 9999, which have no such
    // spelling (the evidence would not validate).
    let t = Some("2026-12-04T10:00:00Z");
    let mapping = b"source = \"vendors-csv\"\n[columns]\nvendor = \"name\"\ncriticality = \"tier\"\nreviewed_on = \"reviewed\"\ncontract_end = \"until\"\n";
    let csv = b"name,tier,reviewed,until\nAcme Cloud,high,2025-05-01,+12026-01-01\n";
    let err = try_run("vendors-csv", &[("m.toml", mapping), ("v.csv", csv)], t).unwrap_err();
    assert_eq!(
        err,
        ImportError::Malformed {
            file: "v.csv".into(),
            row: 2,
            field: Some("until".into()),
            reason: "\"+12026-01-01\" is a date outside the years 0000 to 9999".into(),
        }
    );
    let with_format = b"source = \"vendors-csv\"\ndate_format = \"%Y/%m/%d\"\n[columns]\nvendor = \"name\"\ncriticality = \"tier\"\nreviewed_on = \"reviewed\"\ncontract_end = \"until\"\n";
    let csv = b"name,tier,reviewed,until\nAcme Cloud,high,2025/05/01,+10000/01/01\n";
    let err = try_run("vendors-csv", &[("m.toml", with_format), ("v.csv", csv)], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { row: 2, field: Some(f), reason, .. } if f == "until" && reason.contains("outside the years")),
        "{err}"
    );
}
