//! `github-pulls`: GitHub REST responses become change records.
//!
//! Inputs (any mix, each a bare body or a capture, several pages each):
//! - pull requests: `GET /repos/{owner}/{repo}/pulls?state=closed` (a list) or
//!   `GET /repos/{owner}/{repo}/pulls/{n}` (one);
//! - their reviews: `GET /repos/{owner}/{repo}/pulls/{n}/reviews` (each review names its
//!   pull request in `pull_request_url`);
//! - optionally their commits, `GET .../pulls/{n}/commits` (captured, so the URL tells
//!   them apart): everyone who authored or committed in the change;
//! - optionally the commits of the branch, `GET /repos/{owner}/{repo}/commits?sha=main`:
//!   the first-parent history is walked from its newest commit, and every commit on it
//!   that is not the merge commit of a merged pull request becomes a `direct_push`
//!   change record.
//!
//! One change record per merged pull request (observed when merged); pull requests not
//! merged are skipped with their reason. A list fetched with the default `state=open`, or
//! with `base=`/`head=`, is a filtered population.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Item;
use super::capture::{Page, link_completeness};
use super::error::ImportError;
use super::toolkit::{At, Ctx};
use crate::model::{
    ChangeKind, ChangeRecord, ChangeReview, Completeness, Payload, ReviewState, Timestamp,
};

const SOURCE: &str = "github-pulls";

/// What one page holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Pulls,
    Reviews,
    PullCommits,
    BranchCommits,
    Empty,
}

fn classify(page: &Page, body: &Value) -> Result<Kind, ImportError> {
    let url = page.capture.as_ref().and_then(|c| c.endpoint()).unwrap_or_default();
    let items: Vec<&Value> = match body {
        Value::Array(a) => a.iter().collect(),
        Value::Object(_) => vec![body],
        _ => return Err(ImportError::wrong(&page.file, SOURCE, "neither a list nor an object")),
    };
    if url.contains("/pulls/") && url.ends_with("/commits") {
        return Ok(Kind::PullCommits);
    }
    if url.ends_with("/reviews") {
        return Ok(Kind::Reviews);
    }
    let Some(first) = items.first() else { return Ok(Kind::Empty) };
    let has = |k: &str| first.get(k).is_some();
    if has("number") && has("head") && has("base") {
        Ok(Kind::Pulls)
    } else if has("pull_request_url") && has("state") {
        Ok(Kind::Reviews)
    } else if has("sha") && has("commit") && has("parents") {
        Ok(Kind::BranchCommits)
    } else if first.get("message").is_some() && first.get("documentation_url").is_some() {
        Err(ImportError::wrong(
            &page.file,
            SOURCE,
            format!("a GitHub error: {}", first["message"].as_str().unwrap_or("")),
        ))
    } else {
        Err(ImportError::wrong(
            &page.file,
            SOURCE,
            "not pull requests, reviews or commits (no `number`/`head`/`base`, \
             `pull_request_url` or `sha`/`parents`)",
        ))
    }
}

fn login(v: &Value) -> Option<String> {
    v.get("login").and_then(Value::as_str).map(str::to_owned)
}

fn as_items(body: &Value) -> Vec<&Value> {
    match body {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}

/// The pull request number at the end of a `.../pulls/{n}` URL.
fn pull_number(url: &str) -> Option<u64> {
    let (_, rest) = url.rsplit_once("/pulls/")?;
    rest.split('/').next()?.parse().ok()
}

/// `owner/repo` from a `.../repos/{owner}/{repo}/...` URL.
fn repo_of(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("/repos/")?;
    let mut parts = rest.split('/');
    Some(format!("{}/{}", parts.next()?, parts.next()?))
}

struct Pull {
    record: ChangeRecord,
    merged_at: Option<Timestamp>,
    state: String,
    file: String,
    row: u64,
}

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], _system: &str) -> Result<Vec<Item>, ImportError> {
    let mut pulls: BTreeMap<(String, u64), Pull> = BTreeMap::new();
    let mut reviews: BTreeMap<(String, u64), Vec<(u64, ChangeReview)>> = BTreeMap::new();
    let mut committers: BTreeMap<(String, u64), BTreeSet<String>> = BTreeMap::new();
    let mut review_at: BTreeMap<(String, u64), (String, u64)> = BTreeMap::new();
    let mut commits: Vec<(Value, String, u64)> = Vec::new();
    let mut pull_pages = Vec::new();
    let mut commit_pages = Vec::new();
    for page in pages {
        let body = page.json(SOURCE)?;
        let kind = classify(page, &body)?;
        let url = page.capture.as_ref().and_then(|c| c.endpoint()).unwrap_or_default();
        match kind {
            // An empty page still counts for completeness when its URL says what it lists.
            Kind::Empty if url.ends_with("/pulls") => pull_pages.push(page),
            Kind::Empty if url.ends_with("/commits") => commit_pages.push(page),
            Kind::Pulls => pull_pages.push(page),
            Kind::BranchCommits => commit_pages.push(page),
            _ => {}
        }
        for (i, item) in as_items(&body).into_iter().enumerate() {
            let row = i as u64 + 1;
            let at = |field: &'static str| At { file: &page.file, row, field };
            match kind {
                Kind::Empty => {}
                Kind::Pulls => {
                    ctx.rows_read += 1;
                    let pull = read_pull(ctx, item, &page.file, row)?;
                    let key = (pull.record.repository.clone(), pull.record.number.unwrap_or(0));
                    if let Some(old) = pulls.get(&key) {
                        ctx.warn(
                            "duplicate_pull",
                            "a pull request given twice (the later response is kept)",
                            at("number"),
                        );
                        ctx.skip(
                            &old.file,
                            old.row,
                            "superseded by a later response for the same pull request",
                        );
                    }
                    pulls.insert(key, pull);
                }
                Kind::Reviews => {
                    ctx.rows_read += 1;
                    let pr_url =
                        item.get("pull_request_url").and_then(Value::as_str).unwrap_or(&url);
                    let (Some(repo), Some(n)) = (repo_of(pr_url), pull_number(pr_url)) else {
                        ctx.skip(&page.file, row, "review without a pull request URL");
                        continue;
                    };
                    let state = match item.get("state").and_then(Value::as_str).unwrap_or("") {
                        "APPROVED" => ReviewState::Approved,
                        "CHANGES_REQUESTED" => ReviewState::ChangesRequested,
                        "COMMENTED" => ReviewState::Commented,
                        "DISMISSED" => ReviewState::Dismissed,
                        "PENDING" => ReviewState::Pending,
                        other => {
                            return Err(ImportError::malformed(
                                &page.file,
                                row,
                                Some("state"),
                                format!("unknown review state {other:?}"),
                            ));
                        }
                    };
                    let Some(reviewer) = item.get("user").and_then(login) else {
                        // A deleted account ("ghost") shows as null.
                        ctx.skip(&page.file, row, "review by a deleted account (user is null)");
                        continue;
                    };
                    let review = ChangeReview {
                        reviewer,
                        state,
                        submitted_at: ctx
                            .json_timestamp(item.get("submitted_at"), at("submitted_at"))?,
                        commit: item.get("commit_id").and_then(Value::as_str).map(str::to_owned),
                    };
                    let id = item.get("id").and_then(Value::as_u64).unwrap_or(row);
                    review_at.entry((repo.clone(), n)).or_insert_with(|| (page.file.clone(), row));
                    reviews.entry((repo, n)).or_default().push((id, review));
                }
                Kind::PullCommits => {
                    ctx.rows_read += 1;
                    let (Some(repo), Some(n)) = (repo_of(&url), pull_number(&url)) else {
                        continue;
                    };
                    let set = committers.entry((repo, n)).or_default();
                    for who in ["author", "committer"] {
                        if let Some(l) = item.get(who).and_then(login)
                            && l != "web-flow"
                        {
                            set.insert(l);
                        }
                    }
                }
                Kind::BranchCommits => {
                    ctx.rows_read += 1;
                    commits.push((item.clone(), page.file.clone(), row));
                }
            }
        }
    }
    if pulls.is_empty() && commits.is_empty() {
        return Err(ImportError::wrong(
            pages.first().map_or("", |p| p.file.as_str()),
            SOURCE,
            "no pull request and no commit in the inputs (reviews alone are not a population)",
        ));
    }
    // Completeness: the pull listing's pages and its filters.
    if !pull_pages.is_empty() {
        let (c, why) = link_completeness(&pull_pages)?;
        ctx.completeness(c, Some(why));
        for p in &pull_pages {
            let Some(cap) = p.capture.as_ref() else { continue };
            let single = cap.endpoint().is_some_and(|e| pull_number(&e).is_some());
            if single {
                ctx.completeness(
                    Completeness::Filtered,
                    Some("single pull requests were given, not the repository's list".into()),
                );
                continue;
            }
            let state = cap.query_param("state");
            if cap.url.is_some() && !matches!(state.as_deref(), Some("closed" | "all")) {
                ctx.completeness(
                    Completeness::Filtered,
                    Some(format!(
                        "{} lists state={} pull requests; merged ones need state=closed or all",
                        p.file,
                        state.as_deref().unwrap_or("open (the default)")
                    )),
                );
            }
            for f in ["base", "head"] {
                if let Some(v) = cap.query_param(f) {
                    ctx.completeness(
                        Completeness::Filtered,
                        Some(format!("{} filtered with {f}={v}", p.file)),
                    );
                }
            }
        }
    }
    if !commit_pages.is_empty() {
        let (c, why) = link_completeness(&commit_pages)?;
        ctx.completeness(c, Some(format!("branch commits: {why}")));
        for p in &commit_pages {
            if let Some(cap) = p.capture.as_ref() {
                for f in ["since", "until", "path", "author"] {
                    if let Some(v) = cap.query_param(f) {
                        ctx.completeness(
                            Completeness::Filtered,
                            Some(format!("{} lists commits filtered with {f}={v}", p.file)),
                        );
                    }
                }
            }
        }
    }
    let mut items = Vec::new();
    let mut merge_commits = BTreeSet::new();
    for ((repo, n), mut pull) in pulls {
        let Some(merged_at) = pull.merged_at else {
            let reason =
                if pull.state == "open" { "open, not merged" } else { "closed without merge" };
            ctx.skip(&pull.file, pull.row, format!("{repo}#{n}: {reason}"));
            continue;
        };
        if let Some(mc) = &pull.record.merge_commit {
            merge_commits.insert(mc.clone());
        }
        if let Some(mut r) = reviews.remove(&(repo.clone(), n)) {
            // Review ids increase with submission; order by them for a stable result.
            r.sort_by_key(|(id, _)| *id);
            pull.record.reviews = r.into_iter().map(|(_, r)| r).collect();
        } else {
            ctx.warn(
                "no_reviews_given",
                "a merged pull request with no reviews response among the inputs (recorded with none)",
                At { file: &pull.file, row: pull.row, field: "number" },
            );
        }
        if let Some(c) = committers.remove(&(repo.clone(), n)) {
            pull.record.committers = c.into_iter().collect();
        }
        ctx.rows_kept += 1;
        items.push(Item {
            payload: Payload::ChangeRecord(pull.record),
            observed_at: Some(merged_at),
        });
    }
    for (repo, n) in reviews.keys() {
        let (file, row) = review_at.get(&(repo.clone(), *n)).cloned().unwrap_or_default();
        ctx.warn(
            "reviews_without_pull",
            "reviews of a pull request that is not among the inputs were ignored",
            At { file: &file, row, field: "pull_request_url" },
        );
    }
    let branch =
        commit_pages.iter().find_map(|p| p.capture.as_ref().and_then(|c| c.query_param("sha")));
    items.extend(direct_pushes(ctx, &commits, &merge_commits, branch)?);
    Ok(items)
}

fn read_pull(ctx: &mut Ctx, item: &Value, file: &str, row: u64) -> Result<Pull, ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let need = |field: &str, v: Option<&Value>| {
        v.cloned().ok_or_else(|| ImportError::malformed(file, row, Some(field), "missing"))
    };
    let number = need("number", item.get("number"))?
        .as_u64()
        .ok_or_else(|| ImportError::malformed(file, row, Some("number"), "not a number"))?;
    let repository = item
        .pointer("/base/repo/full_name")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .or_else(|| item.get("url").and_then(Value::as_str).and_then(repo_of))
        .ok_or_else(|| ImportError::malformed(file, row, Some("base.repo.full_name"), "missing"))?;
    let author = item.get("user").and_then(login).unwrap_or_else(|| {
        ctx.warn(
            "ghost_author",
            "a pull request by a deleted account is recorded as `ghost`",
            at("user"),
        );
        "ghost".to_owned()
    });
    let merged_at = ctx.json_timestamp(item.get("merged_at"), at("merged_at"))?;
    if let Some(Value::Bool(merged)) = item.get("merged")
        && *merged != merged_at.is_some()
    {
        ctx.warn(
            "merged_flag_disagrees",
            "`merged` disagrees with `merged_at`; merged_at is trusted",
            at("merged"),
        );
    }
    let record = ChangeRecord {
        change_type: ChangeKind::PullRequest,
        repository,
        number: Some(number),
        title: item.get("title").and_then(Value::as_str).unwrap_or("").to_owned(),
        author,
        committers: Vec::new(),
        base_branch: item.pointer("/base/ref").and_then(Value::as_str).map(str::to_owned),
        merged_by: item.get("merged_by").and_then(login),
        merged_at,
        head_commit: item.pointer("/head/sha").and_then(Value::as_str).map(str::to_owned),
        merge_commit: merged_at
            .and(item.get("merge_commit_sha").and_then(Value::as_str).map(str::to_owned)),
        reviews: Vec::new(),
    };
    let state = item.get("state").and_then(Value::as_str).unwrap_or("").to_owned();
    Ok(Pull { record, merged_at, state, file: file.to_owned(), row })
}

/// Commits on the branch's first-parent history that no merged pull request made.
fn direct_pushes(
    ctx: &mut Ctx,
    commits: &[(Value, String, u64)],
    merge_commits: &BTreeSet<String>,
    branch: Option<String>,
) -> Result<Vec<Item>, ImportError> {
    if commits.is_empty() {
        return Ok(Vec::new());
    }
    let by_sha: BTreeMap<&str, &(Value, String, u64)> = commits
        .iter()
        .filter_map(|c| c.0.get("sha").and_then(Value::as_str).map(|s| (s, c)))
        .collect();
    let mut out = Vec::new();
    // The listing starts at the branch's head.
    let mut next = commits[0].0.get("sha").and_then(Value::as_str);
    let mut seen = BTreeSet::new();
    while let Some(sha) = next {
        if !seen.insert(sha) {
            break;
        }
        let Some((c, file, row)) = by_sha.get(sha).copied() else { break };
        let at = |field: &'static str| At { file, row: *row, field };
        next = c.pointer("/parents/0/sha").and_then(Value::as_str);
        if merge_commits.contains(sha) {
            continue;
        }
        let repository =
            c.get("url").and_then(Value::as_str).and_then(repo_of).ok_or_else(|| {
                ImportError::malformed(
                    file,
                    *row,
                    Some("url"),
                    "commit URL without /repos/{owner}/{repo}",
                )
            })?;
        let when =
            ctx.json_timestamp(c.pointer("/commit/committer/date"), at("commit.committer.date"))?;
        let author = c
            .get("author")
            .and_then(login)
            .or_else(|| {
                c.pointer("/commit/author/email").and_then(Value::as_str).map(str::to_owned)
            })
            .unwrap_or_else(|| "unknown".to_owned());
        let mut committers = BTreeSet::new();
        committers.insert(author.clone());
        if let Some(l) = c.get("committer").and_then(login)
            && l != "web-flow"
        {
            committers.insert(l);
        }
        let message = c.pointer("/commit/message").and_then(Value::as_str).unwrap_or("");
        ctx.rows_kept += 1;
        out.push(Item {
            payload: Payload::ChangeRecord(ChangeRecord {
                change_type: ChangeKind::DirectPush,
                repository,
                number: None,
                title: message.lines().next().unwrap_or("").to_owned(),
                author,
                committers: committers.into_iter().collect(),
                base_branch: branch.clone(),
                merged_by: c.get("committer").and_then(login),
                merged_at: when,
                head_commit: Some(sha.to_owned()),
                merge_commit: Some(sha.to_owned()),
                reviews: Vec::new(),
            }),
            observed_at: when,
        });
    }
    for (c, file, row) in commits {
        let sha = c.get("sha").and_then(Value::as_str).unwrap_or("");
        if !seen.contains(sha) {
            ctx.skip(file, *row, format!("commit {sha} is not on the branch's first-parent history (part of a merged change)"));
        }
    }
    Ok(out)
}
