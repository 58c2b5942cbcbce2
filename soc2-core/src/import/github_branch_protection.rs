//! `github-branch-protection`: GitHub REST responses become branch protection records.
//!
//! Inputs (any mix, each a bare body or a capture):
//! - classic protection: `GET /repos/{owner}/{repo}/branches/{branch}/protection`, including
//!   its `404 {"message": "Branch not protected"}`, which is evidence that the branch has
//!   *no* protection (captured, so that the URL names the branch);
//! - rulesets: `GET /repos/{owner}/{repo}/rulesets/{id}` (or `/orgs/{org}/rulesets/{id}`),
//!   one ruleset with its rules, conditions and bypass actors;
//! - the rules in force on one branch: `GET /repos/{owner}/{repo}/rules/branches/{branch}`
//!   (captured: the URL names the branch; its bypass actors come from the ruleset objects
//!   given alongside, by `ruleset_id`).
//!
//! One record per repository and branch (or branch pattern of a ruleset); all the layers
//! given for one branch are combined as GitHub enforces them: the strictest requirement
//! wins, a force push or deletion is allowed only if no layer blocks it, admins are exempt
//! if any layer exempts them, and the bypass actors of every layer are listed.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Item;
use super::capture::{Page, link_completeness, percent_decode};
use super::error::ImportError;
use super::toolkit::{At, Ctx};
use crate::model::{BranchProtection, Completeness, Payload};

const SOURCE: &str = "github-branch-protection";

/// GitHub's id of the built-in repository admin role in ruleset bypass actors
/// (`RepositoryRole` ids: 2 maintain, 4 write, 5 admin).
const REPOSITORY_ADMIN_ROLE: u64 = 5;

/// `(owner/repo, branch)` from a `.../repos/{o}/{r}/branches/{b}/protection` URL (the
/// branch may hold `/`, and may be percent-encoded).
fn classic_target(url: &str) -> Option<(String, String)> {
    let path = url.split(['?', '#']).next()?;
    let (_, rest) = path.split_once("/repos/")?;
    let (repo_part, branch_part) = rest.split_once("/branches/")?;
    let branch = branch_part.strip_suffix("/protection").unwrap_or(branch_part);
    let mut parts = repo_part.split('/');
    let repo = format!("{}/{}", parts.next()?, parts.next()?);
    (!branch.is_empty()).then(|| (repo, percent_decode(branch)))
}

/// `(owner/repo, branch)` from a `.../repos/{o}/{r}/rules/branches/{b}` URL.
fn rules_target(url: &str) -> Option<(String, String)> {
    let path = url.split(['?', '#']).next()?;
    let (_, rest) = path.split_once("/repos/")?;
    let (repo_part, branch) = rest.split_once("/rules/branches/")?;
    let mut parts = repo_part.split('/');
    let repo = format!("{}/{}", parts.next()?, parts.next()?);
    (!branch.is_empty()).then(|| (repo, percent_decode(branch)))
}

/// `owner/repo` of a `.../repos/{o}/{r}/...` URL.
fn repo_of(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("/repos/")?;
    let mut parts = rest.split('/');
    Some(format!("{}/{}", parts.next()?, parts.next()?.split(['?', '#']).next()?))
}

/// What one page holds.
enum Kind {
    Classic,
    NotProtected,
    Ruleset,
    BranchRules,
}

fn classify(page: &Page, body: &Value) -> Result<Kind, ImportError> {
    let capture = page.capture.as_ref();
    let url = capture.and_then(|c| c.endpoint()).unwrap_or_default();
    let message = body.get("message").and_then(Value::as_str);
    let status = capture.and_then(|c| c.status);
    if message == Some("Branch not protected") && matches!(status, None | Some(404)) {
        return Ok(Kind::NotProtected);
    }
    if let Some(status) = status
        && status >= 400
    {
        return Err(ImportError::ErrorResponse {
            file: page.file.clone(),
            status,
            reason: message.unwrap_or("no message").to_owned(),
        });
    }
    if let Some(m) = message
        && body.get("documentation_url").is_some()
    {
        return Err(ImportError::wrong(&page.file, SOURCE, format!("a GitHub error: {m}")));
    }
    match body {
        Value::Array(items) => {
            if url.contains("/rules/branches/") {
                return Ok(Kind::BranchRules);
            }
            match items.first() {
                Some(f) if f.get("type").is_some() && f.get("ruleset_id").is_some() => {
                    Ok(Kind::BranchRules)
                }
                Some(f) if f.get("enforcement").is_some() => Err(ImportError::wrong(
                    &page.file,
                    SOURCE,
                    "a list of rulesets without their rules: fetch each one with \
                     GET /repos/{owner}/{repo}/rulesets/{id}",
                )),
                _ => Err(ImportError::wrong(
                    &page.file,
                    SOURCE,
                    "a list that is not the rules of a branch (no `type`/`ruleset_id`)",
                )),
            }
        }
        Value::Object(o) => {
            if o.contains_key("enforcement") && o.contains_key("rules") {
                Ok(Kind::Ruleset)
            } else if o.contains_key("enforcement") {
                Err(ImportError::wrong(
                    &page.file,
                    SOURCE,
                    "a ruleset without its rules (a listing entry): fetch it with \
                     GET /repos/{owner}/{repo}/rulesets/{id}",
                ))
            } else if o
                .get("url")
                .and_then(Value::as_str)
                .is_some_and(|u| u.ends_with("/protection"))
                || o.contains_key("enforce_admins")
                || o.contains_key("required_pull_request_reviews")
                || o.contains_key("allow_force_pushes")
            {
                Ok(Kind::Classic)
            } else {
                Err(ImportError::wrong(
                    &page.file,
                    SOURCE,
                    "neither a branch protection (`enforce_admins`, `allow_force_pushes`, ...) \
                     nor a ruleset (`enforcement`, `rules`)",
                ))
            }
        }
        _ => Err(ImportError::wrong(&page.file, SOURCE, "neither a list nor an object")),
    }
}

/// The protection of one branch as one layer (classic, or one ruleset) states it.
fn unprotected(repository: String, branch: String) -> BranchProtection {
    BranchProtection {
        repository,
        branch,
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
    }
}

/// Combines a layer into the branch's record, the strictest requirement winning.
fn merge(into: &mut BranchProtection, layer: BranchProtection) {
    into.protected |= layer.protected;
    into.required_approvals = match (into.required_approvals, layer.required_approvals) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    };
    into.dismiss_stale_reviews |= layer.dismiss_stale_reviews;
    into.require_code_owner_review |= layer.require_code_owner_review;
    into.require_last_push_approval |= layer.require_last_push_approval;
    into.applies_to_admins = match (into.applies_to_admins, layer.applies_to_admins) {
        (Some(false), _) | (_, Some(false)) => Some(false),
        (a, b) => a.or(b),
    };
    into.allow_force_pushes &= layer.allow_force_pushes;
    into.allow_deletions &= layer.allow_deletions;
    let actors: BTreeSet<String> =
        into.bypass_actors.drain(..).chain(layer.bypass_actors).collect();
    into.bypass_actors = actors.into_iter().collect();
    let checks: BTreeSet<String> =
        into.required_status_checks.drain(..).chain(layer.required_status_checks).collect();
    into.required_status_checks = checks.into_iter().collect();
}

/// An `{"enabled": bool}` setting of classic protection; absent is GitHub's default
/// (`false`), counted.
fn enabled(
    ctx: &mut Ctx,
    body: &Value,
    key: &'static str,
    file: &str,
) -> Result<bool, ImportError> {
    let at = At { file, row: 1, field: key };
    match body.get(key) {
        None | Some(Value::Null) => {
            ctx.warn(
                "setting_absent",
                "a protection setting is absent from the response; GitHub's default (off) was used",
                at,
            );
            Ok(false)
        }
        Some(v) => Ok(ctx.json_bool(v.get("enabled"), at)?.unwrap_or(false)),
    }
}

fn names(list: Option<&Value>, key: &str, prefix: &str) -> Vec<String> {
    list.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.get(key).and_then(Value::as_str))
                .map(|n| format!("{prefix}:{n}"))
                .collect()
        })
        .unwrap_or_default()
}

fn read_classic(ctx: &mut Ctx, page: &Page, body: &Value) -> Result<BranchProtection, ImportError> {
    let file = page.file.as_str();
    let capture_url = page.capture.as_ref().and_then(|c| c.url.clone());
    let target = body
        .get("url")
        .and_then(Value::as_str)
        .and_then(classic_target)
        .or_else(|| capture_url.as_deref().and_then(classic_target))
        .ok_or_else(|| {
            ImportError::malformed(
                file,
                1,
                Some("url"),
                "no .../repos/{owner}/{repo}/branches/{branch}/protection URL in the body or \
                 the capture: the branch is unknown",
            )
        })?;
    let mut bp = unprotected(target.0, target.1);
    bp.protected = true;
    let at = |field: &'static str| At { file, row: 1, field };
    match body.get("required_pull_request_reviews") {
        None | Some(Value::Null) => bp.required_approvals = Some(0),
        Some(r) => {
            bp.required_approvals = match r.get("required_approving_review_count") {
                Some(Value::Number(n)) => n.as_u64().map(|n| n.min(u64::from(u32::MAX)) as u32),
                _ => {
                    ctx.warn(
                        "approvals_unknown",
                        "required_pull_request_reviews has no required_approving_review_count",
                        at("required_pull_request_reviews.required_approving_review_count"),
                    );
                    None
                }
            };
            bp.dismiss_stale_reviews = ctx
                .json_bool(r.get("dismiss_stale_reviews"), at("dismiss_stale_reviews"))?
                .unwrap_or(false);
            bp.require_code_owner_review = ctx
                .json_bool(r.get("require_code_owner_reviews"), at("require_code_owner_reviews"))?
                .unwrap_or(false);
            bp.require_last_push_approval = ctx
                .json_bool(r.get("require_last_push_approval"), at("require_last_push_approval"))?
                .unwrap_or(false);
            let allow = r.get("bypass_pull_request_allowances");
            let mut actors = names(allow.and_then(|a| a.get("users")), "login", "user");
            actors.extend(names(allow.and_then(|a| a.get("teams")), "slug", "team"));
            actors.extend(names(allow.and_then(|a| a.get("apps")), "slug", "app"));
            bp.bypass_actors = actors;
        }
    }
    bp.applies_to_admins = match body.get("enforce_admins") {
        None | Some(Value::Null) => {
            ctx.warn(
                "setting_absent",
                "a protection setting is absent from the response; GitHub's default (off) was used",
                at("enforce_admins"),
            );
            Some(false)
        }
        Some(v) => Some(ctx.json_bool(v.get("enabled"), at("enforce_admins"))?.unwrap_or(false)),
    };
    bp.allow_force_pushes = enabled(ctx, body, "allow_force_pushes", file)?;
    bp.allow_deletions = enabled(ctx, body, "allow_deletions", file)?;
    if let Some(sc) = body.get("required_status_checks").filter(|v| !v.is_null()) {
        let mut checks: BTreeSet<String> = sc
            .get("contexts")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        if let Some(a) = sc.get("checks").and_then(Value::as_array) {
            checks.extend(a.iter().filter_map(|c| c.get("context")?.as_str().map(str::to_owned)));
        }
        bp.required_status_checks = checks.into_iter().collect();
    }
    Ok(bp)
}

/// A bypass actor as text, and whether it exempts admins.
fn actor(a: &Value) -> (String, bool) {
    let kind = a.get("actor_type").and_then(Value::as_str).unwrap_or("unknown");
    let id = a.get("actor_id").and_then(Value::as_u64);
    let mode = a.get("bypass_mode").and_then(Value::as_str).unwrap_or("always");
    let mut s = match id {
        Some(id) => format!("{kind}:{id}"),
        None => kind.to_owned(),
    };
    if mode != "always" {
        s.push_str(&format!(" ({mode})"));
    }
    let admin = kind == "OrganizationAdmin"
        || (kind == "RepositoryRole" && id == Some(REPOSITORY_ADMIN_ROLE));
    (s, admin)
}

/// Applies one rule (`{"type", "parameters"}`) to a layer.
fn apply_rule(
    ctx: &mut Ctx,
    bp: &mut BranchProtection,
    rule: &Value,
    at: At<'_>,
) -> Result<(), ImportError> {
    let kind = rule.get("type").and_then(Value::as_str).unwrap_or("");
    let p = rule.get("parameters").cloned().unwrap_or(Value::Null);
    match kind {
        "pull_request" => {
            bp.protected = true;
            let n = p.get("required_approving_review_count").and_then(Value::as_u64).unwrap_or(0);
            bp.required_approvals =
                Some(bp.required_approvals.unwrap_or(0).max(n.min(u64::from(u32::MAX)) as u32));
            bp.dismiss_stale_reviews |=
                ctx.json_bool(p.get("dismiss_stale_reviews_on_push"), at)?.unwrap_or(false);
            bp.require_code_owner_review |=
                ctx.json_bool(p.get("require_code_owner_review"), at)?.unwrap_or(false);
            bp.require_last_push_approval |=
                ctx.json_bool(p.get("require_last_push_approval"), at)?.unwrap_or(false);
        }
        "required_status_checks" => {
            bp.protected = true;
            if let Some(a) = p.get("required_status_checks").and_then(Value::as_array) {
                for c in a {
                    if let Some(s) = c.get("context").and_then(Value::as_str)
                        && !bp.required_status_checks.iter().any(|x| x == s)
                    {
                        bp.required_status_checks.push(s.to_owned());
                    }
                }
                bp.required_status_checks.sort();
            }
        }
        "non_fast_forward" => {
            bp.protected = true;
            bp.allow_force_pushes = false;
        }
        "deletion" => {
            bp.protected = true;
            bp.allow_deletions = false;
        }
        "" => {
            return Err(ImportError::malformed(
                at.file,
                at.row,
                Some("type"),
                "a rule without a type",
            ));
        }
        _ => {
            // Other rules (linear history, signatures, ...) protect the branch but carry
            // no fact the model records.
            bp.protected = true;
            ctx.warn("rule_not_modelled", "a rule type the branch protection model does not record (it still counts as protection)", At { field: "type", ..at });
        }
    }
    Ok(())
}

/// The `(repository, branch)` pairs a ruleset object covers.
fn ruleset_targets(page: &Page, rs: &Value) -> Vec<(String, String)> {
    let capture_repo = page.capture.as_ref().and_then(|c| c.url.as_deref().and_then(repo_of));
    let source = rs.get("source").and_then(Value::as_str).unwrap_or("");
    let source_type = rs.get("source_type").and_then(Value::as_str).unwrap_or("");
    let repos: Vec<String> = if let Some(r) = capture_repo {
        vec![r]
    } else if source_type == "Repository" && !source.is_empty() {
        vec![source.to_owned()]
    } else {
        let include: Vec<String> = rs
            .pointer("/conditions/repository_name/include")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        let org = if source.is_empty() { "*" } else { source };
        if include.is_empty() || include.iter().any(|i| i == "~ALL") {
            vec![format!("{org}/*")]
        } else {
            include.into_iter().map(|i| format!("{org}/{i}")).collect()
        }
    };
    let branches: Vec<String> = rs
        .pointer("/conditions/ref_name/include")
        .and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(Value::as_str)
                .map(|r| match r {
                    "~ALL" => "*".to_owned(),
                    r => r.strip_prefix("refs/heads/").unwrap_or(r).to_owned(),
                })
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    for r in &repos {
        for b in &branches {
            out.push((r.clone(), b.clone()));
        }
    }
    out
}

fn put(records: &mut BTreeMap<(String, String), BranchProtection>, bp: BranchProtection) {
    let key = (bp.repository.clone(), bp.branch.clone());
    match records.get_mut(&key) {
        Some(old) => merge(old, bp),
        None => {
            records.insert(key, bp);
        }
    }
}

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], _system: &str) -> Result<Vec<Item>, ImportError> {
    let mut records: BTreeMap<(String, String), BranchProtection> = BTreeMap::new();
    // Ruleset id -> (bypass actors, admins exempt), for the rules of a branch.
    let mut bypass: BTreeMap<u64, (Vec<String>, bool)> = BTreeMap::new();
    let mut branch_rules: Vec<(&Page, Value)> = Vec::new();
    for page in pages {
        let body = page.json(SOURCE)?;
        match classify(page, &body)? {
            Kind::NotProtected => {
                ctx.rows_read += 1;
                let url = page.capture.as_ref().and_then(|c| c.url.clone());
                let (repo, branch) = url.as_deref().and_then(classic_target).ok_or_else(|| {
                    ImportError::malformed(
                        &page.file,
                        1,
                        Some("url"),
                        "a \"Branch not protected\" response names no branch by itself: \
                         wrap it in the soc2 capture envelope (`url`, `status`, `headers`, \
                         `body`; docs/importers.md) so that the URL says which branch",
                    )
                })?;
                ctx.rows_kept += 1;
                put(&mut records, unprotected(repo, branch));
            }
            Kind::Classic => {
                ctx.rows_read += 1;
                let bp = read_classic(ctx, page, &body)?;
                ctx.rows_kept += 1;
                put(&mut records, bp);
            }
            Kind::Ruleset => {
                ctx.rows_read += 1;
                let id = body.get("id").and_then(Value::as_u64).unwrap_or(0);
                let name = body.get("name").and_then(Value::as_str).unwrap_or("");
                let (actors, admins): (Vec<String>, Vec<bool>) = body
                    .get("bypass_actors")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().map(actor).unzip())
                    .unwrap_or_default();
                let admin_exempt = admins.iter().any(|a| *a);
                if body.get("bypass_actors").is_none() {
                    ctx.warn(
                        "bypass_actors_not_shown",
                        "a ruleset without `bypass_actors` (the token may lack admin rights to see them)",
                        At { file: &page.file, row: 1, field: "bypass_actors" },
                    );
                }
                bypass.insert(id, (actors.clone(), admin_exempt));
                let target = body.get("target").and_then(Value::as_str).unwrap_or("branch");
                let enforcement = body.get("enforcement").and_then(Value::as_str).unwrap_or("");
                if target != "branch" {
                    ctx.skip(
                        &page.file,
                        1,
                        format!("ruleset {id} {name:?} targets {target}s, not branches"),
                    );
                    continue;
                }
                if enforcement != "active" {
                    // Evaluate mode and disabled rulesets enforce nothing: their branches
                    // are recorded with no protection from this layer.
                    ctx.warn(
                        "ruleset_not_enforced",
                        "a ruleset in `evaluate` or `disabled` mode protects nothing (recorded as no protection)",
                        At { file: &page.file, row: 1, field: "enforcement" },
                    );
                    for (repo, branch) in ruleset_targets(page, &body) {
                        put(&mut records, unprotected(repo, branch));
                    }
                    ctx.rows_kept += 1;
                    continue;
                }
                if body
                    .pointer("/conditions/ref_name/exclude")
                    .and_then(Value::as_array)
                    .is_some_and(|a| !a.is_empty())
                {
                    ctx.warn(
                        "ruleset_excludes_ignored",
                        "a ruleset excludes some branches; its records are per included pattern",
                        At { file: &page.file, row: 1, field: "conditions.ref_name.exclude" },
                    );
                }
                let targets = ruleset_targets(page, &body);
                if targets.is_empty() {
                    ctx.skip(&page.file, 1, format!("ruleset {id} {name:?} includes no branch"));
                    continue;
                }
                let rules: Vec<Value> =
                    body.get("rules").and_then(Value::as_array).cloned().unwrap_or_default();
                for (repo, branch) in targets {
                    let mut bp = unprotected(repo, branch);
                    bp.required_approvals = None;
                    for (i, rule) in rules.iter().enumerate() {
                        let at = At { file: &page.file, row: i as u64 + 1, field: "rules" };
                        apply_rule(ctx, &mut bp, rule, at)?;
                    }
                    if bp.required_approvals.is_none() {
                        bp.required_approvals = Some(0);
                    }
                    bp.bypass_actors = actors.clone();
                    bp.bypass_actors.sort();
                    bp.applies_to_admins = Some(!admin_exempt);
                    put(&mut records, bp);
                }
                ctx.rows_kept += 1;
            }
            Kind::BranchRules => branch_rules.push((page, body)),
        }
    }
    // The rules of a branch: one layer per branch, bypass actors from the rulesets given.
    let mut by_endpoint: BTreeMap<String, Vec<&Page>> = BTreeMap::new();
    for (page, body) in &branch_rules {
        let url = page.capture.as_ref().and_then(|c| c.url.clone());
        let (repo, branch) = url.as_deref().and_then(rules_target).ok_or_else(|| {
            ImportError::malformed(
                &page.file,
                0,
                None,
                "the rules of a branch name no branch by themselves: wrap them in the soc2 \
                 capture envelope (`url`, `status`, `headers`, `body`; docs/importers.md) so that the \
                 URL says which branch",
            )
        })?;
        by_endpoint.entry(format!("{repo}:{branch}")).or_default().push(page);
        let mut bp = unprotected(repo, branch);
        bp.required_approvals = None;
        let mut ids = BTreeSet::new();
        let items = body.as_array().cloned().unwrap_or_default();
        for (i, rule) in items.iter().enumerate() {
            ctx.rows_read += 1;
            ctx.rows_kept += 1;
            let at = At { file: &page.file, row: i as u64 + 1, field: "type" };
            apply_rule(ctx, &mut bp, rule, at)?;
            if let Some(id) = rule.get("ruleset_id").and_then(Value::as_u64) {
                ids.insert((id, i as u64 + 1));
            }
        }
        if bp.required_approvals.is_none() {
            bp.required_approvals = Some(0);
        }
        let mut exempt = false;
        let mut known = true;
        for (id, row) in ids {
            match bypass.get(&id) {
                Some((actors, admins)) => {
                    bp.bypass_actors.extend(actors.iter().cloned());
                    exempt |= *admins;
                }
                None => {
                    known = false;
                    ctx.warn(
                        "bypass_actors_unknown",
                        "a rule's ruleset is not among the inputs, so who may bypass it is unknown \
                         (give GET /repos/{owner}/{repo}/rulesets/{id})",
                        At { file: &page.file, row, field: "ruleset_id" },
                    );
                }
            }
        }
        bp.applies_to_admins = if exempt {
            Some(false)
        } else if known && !items.is_empty() {
            Some(true)
        } else {
            None
        };
        bp.bypass_actors.sort();
        bp.bypass_actors.dedup();
        put(&mut records, bp);
    }
    if records.is_empty() {
        return Err(ImportError::wrong(
            pages.first().map_or("", |p| p.file.as_str()),
            SOURCE,
            "no branch protection, ruleset or branch rules in the inputs",
        ));
    }
    ctx.completeness(
        Completeness::Complete,
        Some(
            "each response is the whole protection of one branch (or one ruleset); branches \
             not given are not part of this import"
                .into(),
        ),
    );
    for (endpoint, pages) in &by_endpoint {
        let (c, why) = link_completeness(pages)?;
        if c != Completeness::Complete {
            ctx.completeness(c, Some(format!("rules of {endpoint}: {why}")));
        }
    }
    Ok(records.into_values().map(|bp| Item::at_export(Payload::BranchProtection(bp))).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_from_urls() {
        assert_eq!(
            classic_target("https://api.github.com/repos/o/r/branches/release%2Fv1/protection"),
            Some(("o/r".into(), "release/v1".into()))
        );
        assert_eq!(
            classic_target("https://api.github.com/repos/o/r/branches/a/b/protection"),
            Some(("o/r".into(), "a/b".into()))
        );
        assert_eq!(
            rules_target("https://api.github.com/repos/o/r/rules/branches/main?per_page=100"),
            Some(("o/r".into(), "main".into()))
        );
        assert_eq!(classic_target("https://api.github.com/repos/o/r/pulls"), None);
    }
}
