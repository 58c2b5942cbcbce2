//! `gitlab-protected-branches`: GitLab's protected branches API becomes branch protection
//! records.
//!
//! Inputs: `GET /projects/:id/protected_branches` (a list, paginated) or
//! `GET /projects/:id/protected_branches/:name` (one), captured (`glab api --include`,
//! `curl -i`, or the soc2 envelope) so that the project is named: by the request URL, or by
//! the `Link` header GitLab sends with every list page.
//!
//! One record per protected branch or wildcard. Who may push directly (without a merge
//! request) are its bypass actors; the protected branches API does not say how many
//! approvals a merge request needs (that is the approval rules API), so
//! `required_approvals` is left absent.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Item;
use super::capture::{Page, link_completeness, percent_decode, query_param};
use super::error::ImportError;
use super::toolkit::{At, Ctx};
use crate::model::{BranchProtection, Completeness, Payload};

const SOURCE: &str = "gitlab-protected-branches";

/// The project (`group/project`, or a numeric id) of a `.../projects/:id/protected_branches`
/// URL.
fn project_of(url: &str) -> Option<String> {
    let path = url.split(['?', '#']).next()?;
    let (_, rest) = path.split_once("/projects/")?;
    let (id, tail) = rest.split_once('/')?;
    (tail.starts_with("protected_branches") && !id.is_empty()).then(|| percent_decode(id))
}

/// Every URL a capture shows: the request's, then those of its `Link` header.
fn urls(page: &Page) -> Vec<String> {
    let Some(c) = page.capture.as_ref() else { return Vec::new() };
    let mut out: Vec<String> = c.url.iter().cloned().collect();
    out.extend(c.links().unwrap_or_default().into_iter().map(|(_, u)| u));
    out
}

/// An access level entry as an actor: `deploy_key:ID`, `user:ID`, `group:ID`, or the role.
fn actor(level: &Value) -> Option<String> {
    let id = |k: &str| level.get(k).and_then(Value::as_u64);
    if let Some(k) = id("deploy_key_id") {
        return Some(format!("deploy_key:{k}"));
    }
    if let Some(u) = id("user_id") {
        return Some(format!("user:{u}"));
    }
    if let Some(g) = id("group_id") {
        return Some(format!("group:{g}"));
    }
    match level.get("access_level").and_then(Value::as_u64) {
        Some(0) => None,
        Some(30) => Some("role:developer".into()),
        Some(40) => Some("role:maintainer".into()),
        Some(60) => Some("role:admin".into()),
        Some(n) => Some(format!("role:access_level_{n}")),
        None => Some(format!(
            "{:?}",
            level.get("access_level_description").and_then(Value::as_str).unwrap_or("unknown")
        )),
    }
}

fn read_branch(
    ctx: &mut Ctx,
    item: &Value,
    project: &str,
    file: &str,
    row: u64,
) -> Result<BranchProtection, ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let name = item
        .get("name")
        .and_then(Value::as_str)
        .filter(|n| !n.trim().is_empty())
        .ok_or_else(|| ImportError::malformed(file, row, Some("name"), "missing"))?;
    let mut pushers = BTreeSet::new();
    match item.get("push_access_levels") {
        Some(Value::Array(levels)) => {
            for l in levels {
                if let Some(a) = actor(l) {
                    pushers.insert(format!("push:{a}"));
                }
            }
        }
        _ => {
            return Err(ImportError::malformed(
                file,
                row,
                Some("push_access_levels"),
                "missing or not a list",
            ));
        }
    }
    let force = match item.get("allow_force_push") {
        None => {
            ctx.warn(
                "setting_absent",
                "allow_force_push is absent (GitLab before 13.10); GitLab's default (off) was used",
                at("allow_force_push"),
            );
            false
        }
        v => ctx.json_bool(v, at("allow_force_push"))?.unwrap_or(false),
    };
    let code_owners = match item.get("code_owner_approval_required") {
        // Absent on GitLab Free, where code owner approval does not exist.
        None => false,
        v => ctx.json_bool(v, at("code_owner_approval_required"))?.unwrap_or(false),
    };
    if item.get("inherited").and_then(Value::as_bool) == Some(true) {
        ctx.warn(
            "inherited_from_group",
            "a protected branch inherited from a group-level setting (recorded on the project)",
            at("inherited"),
        );
    }
    Ok(BranchProtection {
        repository: project.to_owned(),
        branch: name.to_owned(),
        protected: true,
        required_approvals: None,
        dismiss_stale_reviews: false,
        require_code_owner_review: code_owners,
        require_last_push_approval: false,
        applies_to_admins: None,
        bypass_actors: pushers.into_iter().collect(),
        allow_force_pushes: force,
        // A protected branch cannot be deleted by a push; only through the UI or API.
        allow_deletions: false,
        required_status_checks: Vec::new(),
    })
}

fn looks_like_branch(v: &Value) -> bool {
    v.get("name").is_some()
        && (v.get("push_access_levels").is_some() || v.get("merge_access_levels").is_some())
}

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], _system: &str) -> Result<Vec<Item>, ImportError> {
    let mut records: BTreeMap<(String, String), (BranchProtection, String, u64)> = BTreeMap::new();
    let mut by_project: BTreeMap<String, Vec<&Page>> = BTreeMap::new();
    for page in pages {
        let body = page.json(SOURCE)?;
        if let Some(m) = body.get("message").or_else(|| body.get("error")) {
            return Err(ImportError::wrong(&page.file, SOURCE, format!("a GitLab error: {m}")));
        }
        let (items, single): (Vec<&Value>, bool) = match &body {
            Value::Array(a) => (a.iter().collect(), false),
            Value::Object(_) => (vec![&body], true),
            _ => {
                return Err(ImportError::wrong(&page.file, SOURCE, "neither a list nor an object"));
            }
        };
        if let Some(first) = items.first()
            && !looks_like_branch(first)
        {
            return Err(ImportError::wrong(
                &page.file,
                SOURCE,
                "not protected branches (no `name` with `push_access_levels`/`merge_access_levels`)",
            ));
        }
        let project = urls(page).iter().find_map(|u| project_of(u)).ok_or_else(|| {
            ImportError::malformed(
                &page.file,
                0,
                None,
                "the response does not name its project: capture it with `glab api --include` or \
                 `curl -i` (the Link header names it), or the soc2 envelope (`url`)",
            )
        })?;
        if single {
            ctx.completeness(
                Completeness::Filtered,
                Some(format!("{} is one protected branch, not the project's list", page.file)),
            );
        } else {
            by_project.entry(project.clone()).or_default().push(page);
        }
        for (i, item) in items.into_iter().enumerate() {
            let row = i as u64 + 1;
            ctx.rows_read += 1;
            let bp = read_branch(ctx, item, &project, &page.file, row)?;
            let key = (bp.repository.clone(), bp.branch.clone());
            if let Some((_, file, old_row)) = records.get(&key) {
                ctx.warn(
                    "duplicate_branch",
                    "a protected branch given twice (the later response is kept)",
                    At { file: &page.file, row, field: "name" },
                );
                ctx.skip(file, *old_row, "superseded by a later response for the same branch");
                ctx.rows_kept -= 1;
            }
            ctx.rows_kept += 1;
            records.insert(key, (bp, page.file.clone(), row));
        }
    }
    for (project, pages) in &by_project {
        let (c, why) = gitlab_completeness(pages)?;
        ctx.completeness(c, Some(format!("{project}: {why}")));
        for p in pages {
            for u in urls(p) {
                if let Some(s) = query_param(&u, "search") {
                    ctx.completeness(
                        Completeness::Filtered,
                        Some(format!("{} was listed with search={s}", p.file)),
                    );
                }
            }
        }
    }
    if records.is_empty() && by_project.is_empty() {
        return Err(ImportError::wrong(
            pages.first().map_or("", |p| p.file.as_str()),
            SOURCE,
            "no protected branch in the inputs",
        ));
    }
    // An empty list is evidence too: the project protects no branch.
    let mut items: Vec<Item> = records
        .into_values()
        .map(|(bp, _, _)| Item::at_export(Payload::BranchProtection(bp)))
        .collect();
    if items.is_empty() {
        for project in by_project.keys() {
            ctx.warn(
                "no_protected_branch",
                "the project protects no branch: recorded as `*` unprotected",
                At { file: &by_project[project][0].file, row: 0, field: "" },
            );
            items.push(Item::at_export(Payload::BranchProtection(BranchProtection {
                repository: project.clone(),
                branch: "*".into(),
                protected: false,
                required_approvals: Some(0),
                dismiss_stale_reviews: false,
                require_code_owner_review: false,
                require_last_push_approval: false,
                applies_to_admins: None,
                bypass_actors: Vec::new(),
                allow_force_pushes: true,
                allow_deletions: true,
                required_status_checks: Vec::new(),
            })));
        }
    }
    Ok(items)
}

/// GitLab's offset pagination headers (`x-page`, `x-total-pages`, `x-next-page`), or else
/// the `Link` header.
fn gitlab_completeness(pages: &[&Page]) -> Result<(Completeness, String), ImportError> {
    let header = |p: &Page, h: &str| {
        p.capture.as_ref().and_then(|c| c.header(h)).map(str::trim).map(str::to_owned)
    };
    let numbered: Option<Vec<(u64, &Page)>> = pages
        .iter()
        .map(|p| header(p, "x-page").and_then(|n| n.parse().ok()).map(|n| (n, *p)))
        .collect();
    let Some(mut numbered) = numbered else {
        // GitLab sends Link (and x-page) headers with every list page: a capture without
        // them does not show whether other pages exist.
        if let Some(p) = pages.iter().find(|p| p.capture.as_ref().and_then(|c| c.links()).is_none())
        {
            return Ok((
                Completeness::Unknown,
                format!(
                    "{} has no Link or x-page header: whether other pages exist is unknown",
                    p.file
                ),
            ));
        }
        return link_completeness(pages);
    };
    numbered.sort_by_key(|(n, _)| *n);
    for w in numbered.windows(2) {
        if w[0].0 == w[1].0 {
            return Err(ImportError::MissingPages {
                reason: format!(
                    "page {} is given twice ({} and {})",
                    w[0].0, w[0].1.file, w[1].1.file
                ),
            });
        }
    }
    let total = numbered
        .iter()
        .filter_map(|(_, p)| header(p, "x-total-pages").and_then(|n| n.parse::<u64>().ok()))
        .max();
    let last = numbered.last().map_or(1, |(n, _)| *n);
    let total = match total {
        Some(t) => t.max(last),
        None => {
            let (_, p) = numbered.last().copied().unwrap_or((0, pages[0]));
            if header(p, "x-next-page").is_some_and(|n| !n.is_empty()) {
                return Err(ImportError::MissingPages {
                    reason: format!("{} has a next page (x-next-page) that is not given", p.file),
                });
            }
            last
        }
    };
    let have: Vec<u64> = numbered.iter().map(|(n, _)| *n).collect();
    if let Some(missing) = (1..=total.max(1)).find(|n| !have.contains(n)) {
        return Err(ImportError::MissingPages {
            reason: format!("page {missing} of {total} is not among the inputs (x-page headers)"),
        });
    }
    Ok((Completeness::Complete, format!("pages 1..{total}, checked against x-page/x-total-pages")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_from_urls() {
        assert_eq!(
            project_of(
                "https://gitlab.example.com/api/v4/projects/group%2Fsub%2Fapp/protected_branches?page=2"
            ),
            Some("group/sub/app".into())
        );
        assert_eq!(
            project_of("https://gitlab.example.com/api/v4/projects/5/protected_branches/main"),
            Some("5".into())
        );
        assert_eq!(project_of("https://gitlab.example.com/api/v4/projects/5/members"), None);
    }
}
