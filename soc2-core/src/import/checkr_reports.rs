//! `checkr-reports`: Checkr API reports (and the candidates they belong to) become
//! background checks.
//!
//! Inputs (any mix): report objects (`GET /v1/reports/{id}`) or lists of them
//! (`{"object": "list", "data": [...], "count": N, "next_href": ...}`), and candidates
//! (`GET /v1/candidates`, or one `GET /v1/candidates/{id}`), which give each report's
//! candidate an e-mail address.
//!
//! One background check per report, observed when it completed. Both of Checkr's status
//! models are read: the current one (`status: complete` with `result: clear|consider`) and
//! the older one (`status: clear|consider`).

use std::collections::BTreeMap;

use serde_json::Value;

use super::Item;
use super::capture::Page;
use super::error::ImportError;
use super::toolkit::{At, Ctx};
use crate::model::{Adjudication, BackgroundCheck, BackgroundCheckStatus, Completeness, Payload};

const SOURCE: &str = "checkr-reports";

/// Query parameters of list endpoints that do not narrow the population.
const NOT_FILTERS: [&str; 3] = ["page", "per_page", "include"];

/// A list page: its items, its `count` (the total) and `next_href`.
struct ListPage<'a> {
    file: &'a str,
    len: u64,
    count: Option<u64>,
    next: Option<String>,
}

/// Candidate id -> (e-mail, report ids, file, row).
type Candidates = BTreeMap<String, (Option<String>, Vec<String>, String, u64)>;

fn object_kind(v: &Value) -> Option<&str> {
    v.get("object").and_then(Value::as_str)
}

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], system: &str) -> Result<Vec<Item>, ImportError> {
    let mut reports: Vec<(Value, String, u64)> = Vec::new();
    // candidate id -> (email, report ids, file, row)
    let mut candidates: Candidates = BTreeMap::new();
    let mut report_lists: Vec<ListPage<'_>> = Vec::new();
    let mut single_reports = false;
    // (items, count) of each candidate list page.
    let mut candidate_lists: Vec<(u64, Option<u64>)> = Vec::new();
    for page in pages {
        let body = page.json(SOURCE)?;
        let (items, list): (Vec<Value>, bool) = match object_kind(&body) {
            Some("list") => {
                let data = body.get("data").and_then(Value::as_array).ok_or_else(|| {
                    ImportError::malformed(&page.file, 0, Some("data"), "a list without `data`")
                })?;
                (data.clone(), true)
            }
            Some(_) => (vec![body.clone()], false),
            None if body.get("error").is_some() => {
                return Err(ImportError::wrong(
                    &page.file,
                    SOURCE,
                    format!("a Checkr error: {}", body["error"]),
                ));
            }
            None => {
                return Err(ImportError::wrong(
                    &page.file,
                    SOURCE,
                    "not a Checkr object (no `object`: report, candidate or list)",
                ));
            }
        };
        let kinds: Vec<&str> = items.iter().filter_map(object_kind).collect();
        let kind = kinds.first().copied().unwrap_or(if list { "empty" } else { "" });
        if let Some(other) = kinds.iter().find(|k| **k != kind) {
            return Err(ImportError::malformed(
                &page.file,
                0,
                Some("object"),
                format!("a list mixing {kind} and {other} objects"),
            ));
        }
        let capture = page.capture.as_ref();
        if list
            && let Some(c) = capture
            && let Some(q) = c.query()
        {
            for pair in q.split('&') {
                let key = pair.split('=').next().unwrap_or("");
                if !key.is_empty() && !NOT_FILTERS.contains(&key) {
                    ctx.completeness(
                        Completeness::Filtered,
                        Some(format!("{} is listed with the filter {pair}", page.file)),
                    );
                }
            }
        }
        match kind {
            "report" => {
                if list {
                    report_lists.push(ListPage {
                        file: &page.file,
                        len: items.len() as u64,
                        count: body.get("count").and_then(Value::as_u64),
                        next: body.get("next_href").and_then(Value::as_str).map(str::to_owned),
                    });
                } else {
                    single_reports = true;
                }
                for (i, r) in items.into_iter().enumerate() {
                    reports.push((r, page.file.clone(), i as u64 + 1));
                }
            }
            "candidate" => {
                if list {
                    candidate_lists
                        .push((items.len() as u64, body.get("count").and_then(Value::as_u64)));
                }
                for (i, c) in items.iter().enumerate() {
                    let row = i as u64 + 1;
                    let at = At { file: &page.file, row, field: "email" };
                    let id = c.get("id").and_then(Value::as_str).ok_or_else(|| {
                        ImportError::malformed(&page.file, row, Some("id"), "missing")
                    })?;
                    let email = ctx.json_text(c.get("email"), at).map(|e| e.to_lowercase());
                    let ids = c
                        .get("report_ids")
                        .and_then(Value::as_array)
                        .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                        .unwrap_or_default();
                    candidates.insert(id.to_owned(), (email, ids, page.file.clone(), row));
                }
            }
            "empty" => {
                let url = capture.and_then(|c| c.endpoint()).unwrap_or_default();
                if url.ends_with("/reports") {
                    report_lists.push(ListPage {
                        file: &page.file,
                        len: 0,
                        count: body.get("count").and_then(Value::as_u64),
                        next: None,
                    });
                }
            }
            other => {
                return Err(ImportError::wrong(
                    &page.file,
                    SOURCE,
                    format!("Checkr {other} objects, not reports or candidates"),
                ));
            }
        }
    }
    if reports.is_empty() && report_lists.is_empty() {
        return Err(ImportError::wrong(
            pages.first().map_or("", |p| p.file.as_str()),
            SOURCE,
            "no report in the inputs (candidates alone are not background checks)",
        ));
    }
    // Single reports are the whole population when they are every report of every
    // candidate of a complete candidate listing.
    let given: std::collections::BTreeSet<&str> =
        reports.iter().filter_map(|(r, _, _)| r.get("id").and_then(Value::as_str)).collect();
    let listed: u64 = candidate_lists.iter().map(|c| c.0).sum();
    let all_candidates = !candidate_lists.is_empty()
        && candidate_lists.iter().filter_map(|c| c.1).max() == Some(listed);
    let every_report = candidates.values().all(|c| c.1.iter().all(|r| given.contains(r.as_str())));
    if single_reports && report_lists.is_empty() && all_candidates && every_report {
        ctx.completeness(
            Completeness::Complete,
            Some(format!(
                "every report of the {listed} candidates listed (the candidate list's count)"
            )),
        );
        single_reports = false;
    }
    completeness(ctx, &report_lists, single_reports)?;
    let mut seen = BTreeMap::new();
    let mut items = Vec::new();
    for (r, file, row) in &reports {
        ctx.rows_read += 1;
        let check = read_report(ctx, r, file, *row, &candidates, system)?;
        if let Some(id) = &check.report_id
            && let Some((f, n)) = seen.insert(id.clone(), (file.clone(), *row))
        {
            return Err(ImportError::malformed(
                file,
                *row,
                Some("id"),
                format!("report {id} is given twice (also {f} row {n})"),
            ));
        }
        ctx.rows_kept += 1;
        let observed_at = check.completed_at;
        items.push((check, observed_at));
    }
    for (_, report_ids, file, row) in candidates.values() {
        if report_ids.is_empty() {
            ctx.warn(
                "candidate_without_report",
                "a candidate has no report (no background check ordered)",
                At { file, row: *row, field: "report_ids" },
            );
        } else if !report_ids.iter().any(|r| seen.contains_key(r)) {
            ctx.warn(
                "candidate_reports_not_given",
                "a candidate's reports are not among the inputs",
                At { file, row: *row, field: "report_ids" },
            );
        }
    }
    // Deterministic order: by person, then report id.
    items.sort_by(|a, b| (&a.0.person, &a.0.report_id).cmp(&(&b.0.person, &b.0.report_id)));
    Ok(items
        .into_iter()
        .map(|(c, observed_at)| Item { payload: Payload::BackgroundCheck(c), observed_at })
        .collect())
}

/// Lists carry `count`, the total: the pages given must hold exactly that many reports.
fn completeness(ctx: &mut Ctx, lists: &[ListPage<'_>], single: bool) -> Result<(), ImportError> {
    if single {
        ctx.completeness(
            Completeness::Filtered,
            Some("single reports were given, not the account's list".into()),
        );
    }
    if lists.is_empty() {
        return Ok(());
    }
    let total: u64 = lists.iter().map(|l| l.len).sum();
    match lists.iter().filter_map(|l| l.count).max() {
        Some(count) if total < count => Err(ImportError::MissingPages {
            reason: format!("the pages hold {total} reports of the {count} the list counts"),
        }),
        Some(count) if total > count => Err(ImportError::MissingPages {
            reason: format!(
                "the pages hold {total} reports, more than the {count} the list counts (a page given twice?)"
            ),
        }),
        Some(count) => {
            ctx.completeness(
                Completeness::Complete,
                Some(format!("{count} reports, as the list's count says")),
            );
            Ok(())
        }
        None => {
            let reason = match lists.iter().find(|l| l.next.is_some()) {
                Some(l) if lists.len() == 1 => {
                    format!("{} has a next page (next_href) and no count", l.file)
                }
                _ => "the lists carry no count".into(),
            };
            ctx.completeness(Completeness::Unknown, Some(reason));
            Ok(())
        }
    }
}

fn read_report(
    ctx: &mut Ctx,
    r: &Value,
    file: &str,
    row: u64,
    candidates: &Candidates,
    system: &str,
) -> Result<BackgroundCheck, ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let id = r
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| ImportError::malformed(file, row, Some("id"), "missing"))?;
    let status_raw = ctx
        .json_text(r.get("status"), at("status"))
        .ok_or_else(|| ImportError::malformed(file, row, Some("status"), "missing"))?;
    let result = ctx.json_text(r.get("result"), at("result"));
    let status = match status_raw.as_str() {
        "complete" | "completed" => match result.as_deref() {
            Some("clear") => BackgroundCheckStatus::Clear,
            Some("consider") => BackgroundCheckStatus::Consider,
            Some(other) => {
                return Err(ImportError::malformed(
                    file,
                    row,
                    Some("result"),
                    format!("unknown result {other:?} (expected clear or consider)"),
                ));
            }
            None => {
                ctx.warn(
                    "complete_without_result",
                    "a complete report without a result was read as `consider` (needs review)",
                    at("result"),
                );
                BackgroundCheckStatus::Consider
            }
        },
        "clear" => BackgroundCheckStatus::Clear,
        "consider" => BackgroundCheckStatus::Consider,
        "pending" => BackgroundCheckStatus::Pending,
        "paused" => {
            ctx.warn(
                "paused_as_pending",
                "a paused report (awaiting a review action) was read as pending",
                at("status"),
            );
            BackgroundCheckStatus::Pending
        }
        "suspended" => BackgroundCheckStatus::Suspended,
        "dispute" | "disputed" => BackgroundCheckStatus::Disputed,
        "canceled" | "cancelled" => BackgroundCheckStatus::Canceled,
        other => {
            return Err(ImportError::malformed(
                file,
                row,
                Some("status"),
                format!("unknown report status {other:?}"),
            ));
        }
    };
    let adjudication = match ctx.json_text(r.get("adjudication"), at("adjudication")).as_deref() {
        None => None,
        Some("engaged") => Some(Adjudication::Engaged),
        Some("pre_adverse_action") => Some(Adjudication::PreAdverseAction),
        Some("post_adverse_action") => Some(Adjudication::PostAdverseAction),
        Some(other) => {
            return Err(ImportError::malformed(
                file,
                row,
                Some("adjudication"),
                format!("unknown adjudication {other:?}"),
            ));
        }
    };
    let completed_at = ctx.json_timestamp(r.get("completed_at"), at("completed_at"))?;
    let candidate = r.get("candidate_id").and_then(Value::as_str);
    let person = match candidate.and_then(|c| candidates.get(c)) {
        Some((Some(email), ..)) => email.clone(),
        _ => {
            ctx.warn(
                "candidate_email_unknown",
                "the report's candidate is not among the inputs (or has no e-mail): the \
                 candidate id names the person",
                at("candidate_id"),
            );
            candidate
                .map(str::to_owned)
                .ok_or_else(|| ImportError::malformed(file, row, Some("candidate_id"), "missing"))?
        }
    };
    Ok(BackgroundCheck {
        person,
        provider: system.to_owned(),
        report_id: Some(id.to_owned()),
        status,
        adjudication,
        // Only the decision is read from the report, not when or by whom it was taken:
        // the company records that itself (see docs/evaluation.md, BGC-01).
        adjudicated_on: None,
        adjudicated_by: None,
        completed_at,
    })
}
