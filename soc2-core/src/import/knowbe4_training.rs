//! `knowbe4-training`: KnowBe4 Reporting API training enrollments become training
//! completions.
//!
//! Input: `GET /v1/training/enrollments` pages (`page`, `per_page` up to 500), or one
//! `GET /v1/training/enrollments/{id}`. Each enrollment names its user (`user.email`), the
//! module (`module_name`), the campaign, a `status` and a `completion_date`.
//!
//! Only completed enrollments (`Passed`, `Completed`) are completions: one record each,
//! observed when completed. Every other enrollment is read and listed as not kept, with its
//! status as the reason, so that the population of enrollments stays visible.

use serde_json::Value;

use super::Item;
use super::capture::Page;
use super::error::ImportError;
use super::toolkit::{At, Ctx};
use crate::model::{Completeness, Payload, TrainingCompletion, TrainingStatus};

const SOURCE: &str = "knowbe4-training";

/// KnowBe4's default page size for the Reporting API.
const DEFAULT_PER_PAGE: u64 = 100;

/// Query parameters that narrow the enrollments listed.
const FILTERS: [&str; 4] =
    ["campaign_id", "store_purchase_id", "user_id", "exclude_archived_users"];

fn is_enrollment(v: &Value) -> bool {
    v.get("enrollment_id").is_some() || (v.get("module_name").is_some() && v.get("user").is_some())
}

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], _system: &str) -> Result<Vec<Item>, ImportError> {
    let mut items = Vec::new();
    // (page number, items on it, per_page, file) of each captured list page.
    let mut numbered: Vec<(u64, u64, u64, String)> = Vec::new();
    let mut bare = None;
    for page in pages {
        let body = page.json(SOURCE)?;
        let (list, single): (Vec<&Value>, bool) = match &body {
            Value::Array(a) => (a.iter().collect(), false),
            Value::Object(o) if o.contains_key("campaign_id") && o.contains_key("content") => {
                return Err(ImportError::wrong(
                    &page.file,
                    SOURCE,
                    "a training campaign, not its enrollments: fetch /v1/training/enrollments",
                ));
            }
            Value::Object(_) => (vec![&body], true),
            _ => {
                return Err(ImportError::wrong(&page.file, SOURCE, "neither a list nor an object"));
            }
        };
        if let Some(first) = list.first()
            && !is_enrollment(first)
        {
            let what = if first.get("campaign_id").is_some() {
                "training campaigns, not enrollments: fetch /v1/training/enrollments"
            } else {
                "not training enrollments (no `enrollment_id`, `module_name` or `user`)"
            };
            return Err(ImportError::wrong(&page.file, SOURCE, what));
        }
        let capture = page.capture.as_ref();
        match capture.and_then(|c| c.url.as_ref()) {
            _ if single => ctx.completeness(
                Completeness::Filtered,
                Some(format!("{} is one enrollment, not the list", page.file)),
            ),
            Some(_) => {
                let c = capture.expect("a URL comes from a capture");
                let n = c.query_param("page").and_then(|p| p.parse().ok()).unwrap_or(1);
                let per = c
                    .query_param("per_page")
                    .and_then(|p| p.parse().ok())
                    .unwrap_or(DEFAULT_PER_PAGE);
                numbered.push((n, list.len() as u64, per, page.file.clone()));
                for f in FILTERS {
                    if let Some(v) = c.query_param(f) {
                        ctx.completeness(
                            Completeness::Filtered,
                            Some(format!("{} lists enrollments with {f}={v}", page.file)),
                        );
                    }
                }
            }
            None => bare = bare.or(Some(page.file.clone())),
        }
        for (i, e) in list.into_iter().enumerate() {
            let row = i as u64 + 1;
            ctx.rows_read += 1;
            if let Some(item) = read_enrollment(ctx, e, &page.file, row)? {
                ctx.rows_kept += 1;
                items.push(item);
            }
        }
    }
    if ctx.rows_read == 0 && numbered.is_empty() && bare.is_some() {
        ctx.warn(
            "empty_export",
            "the export lists no enrollment",
            At { file: &pages[0].file, row: 0, field: "" },
        );
    }
    completeness(ctx, &mut numbered, bare)?;
    Ok(items)
}

/// Pages 1..N must all be there, and the last one not full (KnowBe4 sends no total).
fn completeness(
    ctx: &mut Ctx,
    numbered: &mut [(u64, u64, u64, String)],
    bare: Option<String>,
) -> Result<(), ImportError> {
    if let Some(file) = bare {
        ctx.completeness(
            Completeness::Unknown,
            Some(format!("{file} is a bare body: whether other pages exist is unknown")),
        );
        return Ok(());
    }
    if numbered.is_empty() {
        return Ok(());
    }
    numbered.sort();
    for w in numbered.windows(2) {
        if w[0].0 == w[1].0 {
            return Err(ImportError::MissingPages {
                reason: format!("page {} is given twice ({} and {})", w[0].0, w[0].3, w[1].3),
            });
        }
    }
    let have: Vec<u64> = numbered.iter().map(|p| p.0).collect();
    let (last, count, per, file) = numbered.last().cloned().expect("not empty");
    if let Some(missing) = (1..=last).find(|n| !have.contains(n)) {
        return Err(ImportError::MissingPages {
            reason: format!("page {missing} is not among the inputs (pages up to {last} are)"),
        });
    }
    if count >= per {
        return Err(ImportError::MissingPages {
            reason: format!(
                "{file} (page {last}) is full ({count} of per_page={per}): the next page is missing \
                 (fetch until a page has fewer items)"
            ),
        });
    }
    ctx.completeness(
        Completeness::Complete,
        Some(format!("pages 1..{last}, the last one not full (per_page={per})")),
    );
    Ok(())
}

fn read_enrollment(
    ctx: &mut Ctx,
    e: &Value,
    file: &str,
    row: u64,
) -> Result<Option<Item>, ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let status_raw = ctx.json_text(e.get("status"), at("status"));
    let Some(status_raw) = status_raw else {
        ctx.skip(file, row, "enrollment without a status");
        return Ok(None);
    };
    let status = match status_raw.to_ascii_lowercase().replace(['_', '-'], " ").as_str() {
        "passed" | "completed" | "complete" => TrainingStatus::Completed,
        "in progress" => TrainingStatus::InProgress,
        "not started" => TrainingStatus::NotStarted,
        "past due" => TrainingStatus::PastDue,
        _ => {
            ctx.warn(
                "unknown_status",
                "an enrollment status KnowBe4 does not document was read as not completed",
                at("status"),
            );
            ctx.skip(file, row, format!("status {status_raw:?} is not a completion"));
            return Ok(None);
        }
    };
    let person =
        ctx.json_text(e.pointer("/user/email"), at("user.email")).map(|p| p.to_lowercase());
    if status != TrainingStatus::Completed {
        ctx.skip(
            file,
            row,
            format!("{}: {status_raw}, not completed", person.as_deref().unwrap_or("(no email)")),
        );
        return Ok(None);
    }
    let Some(person) = person else {
        ctx.skip(file, row, "completed by a user without an e-mail address (deleted user?)");
        return Ok(None);
    };
    let course = ctx
        .json_text(e.get("module_name"), at("module_name"))
        .or_else(|| ctx.json_text(e.get("campaign_name"), at("campaign_name")))
        .ok_or_else(|| ImportError::malformed(file, row, Some("module_name"), "missing"))?;
    let completed_at = ctx.json_timestamp(e.get("completion_date"), at("completion_date"))?;
    let Some(completed_at) = completed_at else {
        ctx.skip(file, row, format!("{person}: {status_raw} without a completion_date"));
        return Ok(None);
    };
    if e.get("content_type").and_then(Value::as_str) == Some("Uploaded Policy") {
        ctx.warn(
            "uploaded_policy",
            "an uploaded policy's enrollment was recorded as a training completion",
            at("content_type"),
        );
    }
    Ok(Some(Item {
        payload: Payload::TrainingCompletion(TrainingCompletion {
            person,
            course,
            status,
            completed_at: Some(completed_at),
            due_on: None,
        }),
        observed_at: Some(completed_at),
    }))
}
