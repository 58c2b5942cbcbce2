//! `github-audit-log`: the GitHub organization (or enterprise) audit log as GitHub delivers
//! it: the web UI's JSON export (a JSON array) or NDJSON export, `GET
//! /orgs/{org}/audit-log` (and `/enterprises/{enterprise}/audit-log`) pages (JSON arrays),
//! and audit-log streaming or pipeline NDJSON (one event per line; extra fields such as
//! Panther's `p_*` ignored, a raw event kept as a string in `_raw` or `event.original`
//! unwrapped).
//!
//! Fields read (GitHub's "Audit log events for your organization / enterprise"): `action`,
//! `@timestamp` and `created_at` (epoch milliseconds; Panther renames `@timestamp` to
//! `at_sign_timestamp`), `_document_id`, `actor`, `actor_ip`, `user`, `org`, `business`,
//! `repo`, `name` (a protected branch), `admin_enforced`, the protected-branch
//! `*_enforcement_level` fields, `required_approving_review_count`,
//! `strict_required_status_checks_policy`, `require_code_owner_review`, `ruleset_name`,
//! `ruleset_source_type`, `ruleset_enforcement`, `ruleset_old_enforcement`,
//! `ruleset_bypass_actors_added`, `ruleset_bypass_actors_updated`, `ruleset_rules_deleted`,
//! `permission`, `old_permission`, `invitee`, `visibility`, `previous_visibility`,
//! `audit_log_stream_enabled`, `read_only`, `title`, `user_programmatic_access_name`,
//! `query_phrase`.
//!
//! The audit log records actions that were performed: every event is a success, except a
//! push that branch protection rejected (`protected_branch.rejected_ref_update`) and a
//! failed sign-in (`user.failed_login`, GitHub Enterprise Server), which are attempts.

use std::borrow::Cow;

use serde_json::Value;

use super::{EventSource, Facts, Hit, Loc, Sink, json_in_string, loose_bool, str_of};
use crate::import::error::ImportError;
use crate::import::toolkit::At;
use crate::model::{Detection as D, EventOutcome};

/// The source. The REST API and the exports give bare arrays (or NDJSON); no wrapper.
// Every member is parsed: the detections read many of the action-specific fields.
pub(crate) const SOURCE: EventSource = EventSource { wrappers: &[], fields: None, read };

/// GitHub's own event-time fields, in order (`at_sign_timestamp` is `@timestamp` as
/// Panther stores it).
const TIMES: &[&str] = &["@timestamp", "created_at", "at_sign_timestamp"];

fn read(sink: &mut Sink<'_>, value: &Value, loc: Loc<'_>) -> Result<(), ImportError> {
    let at = |field: &'static str| At { file: loc.file, row: loc.record, field };
    // A pipeline may keep the raw event as a JSON string (`_raw`, Elastic's
    // `event.original`).
    let inner;
    let event = if is_event(value) {
        value
    } else if let Some(v) = json_in_string(sink.ctx, value.get("_raw"), at("_raw")).filter(is_event)
    {
        inner = v;
        &inner
    } else if let Some(v) =
        json_in_string(sink.ctx, value.pointer("/event/original"), at("event.original"))
            .filter(is_event)
    {
        inner = v;
        &inner
    } else {
        sink.foreign(loc, "not a GitHub audit-log event (no action of the form category.name)");
        return Ok(());
    };
    let action = str_of(event.get("action")).unwrap_or_default();
    let class = action.split('.').next().unwrap_or(action);
    let outcome = match action {
        "protected_branch.rejected_ref_update" | "user.failed_login" => EventOutcome::Failure,
        _ => EventOutcome::Success,
    };
    let (time_field, time) = TIMES
        .iter()
        .find_map(|f| event.get(*f).filter(|v| !v.is_null()).map(|v| (*f, Some(v))))
        .unwrap_or(("@timestamp", None));
    let id = str_of(event.get("_document_id"));
    let facts = Facts { time, time_field, id, class, action, outcome };
    // The pipeline's own time (when the event has none) is on the outer value.
    let Some(counted) = sink.event(value, loc, facts)? else { return Ok(()) };

    let field = |k: &str| str_of(event.get(k));
    // Borrowed: most events are counted only.
    let actor: Cow<'_, str> = match field("actor") {
        Some(a) => Cow::Borrowed(a),
        None => event
            .get("actor_id")
            .filter(|v| !v.is_null())
            .map_or(Cow::Borrowed(""), |v| Cow::Owned(plain(v))),
    };
    let ip = field("actor_ip");
    if action == "user.failed_login" {
        let who = field("user").unwrap_or(&actor);
        sink.failed_sign_in(counted, loc, id, who, action, ip);
    }
    if outcome != EventOutcome::Success {
        return Ok(());
    }
    let repo = field("repo");
    let owner = field("org").or_else(|| field("business"));
    let branch_target = || match (repo, field("name")) {
        (Some(r), Some(b)) => Some(format!("{r}:{b}")),
        (r, b) => r.or(b).map(str::to_owned),
    };
    let user_target = || field("user").or_else(|| field("invitee")).map(str::to_owned);
    let mut hits: Vec<(D, Option<String>, String)> = Vec::new();
    match action {
        "protected_branch.destroy" => {
            hits.push((
                D::BranchProtectionWeakened,
                branch_target(),
                "branch protection removed".into(),
            ));
        }
        "protected_branch.policy_override" => hits.push((
            D::BranchProtectionWeakened,
            branch_target(),
            "a branch protection requirement was overridden by an administrator".into(),
        )),
        "protected_branch.update_admin_enforced"
            if loose_bool(event.get("admin_enforced")) == Some(false) =>
        {
            hits.push((
                D::BranchProtectionWeakened,
                branch_target(),
                "branch protection no longer applies to administrators".into(),
            ));
        }
        _ if action.starts_with("protected_branch.update_") => {
            if let Some(detail) =
                weakened_setting(event, &action["protected_branch.update_".len()..])
            {
                hits.push((D::BranchProtectionWeakened, branch_target(), detail));
            }
        }
        "repository_ruleset.destroy" | "repository_ruleset.update" => {
            let target = ruleset_target(event);
            for detail in weakened_ruleset(sink, event, action, loc) {
                hits.push((D::BranchProtectionWeakened, target.clone(), detail));
            }
        }
        "org.update_member" | "org.add_member" => {
            let new = field("permission");
            let old = field("old_permission");
            if new.is_some_and(is_owner) && !old.is_some_and(is_owner) {
                let detail = match old {
                    Some(o) => format!("made an organization owner (was {o})"),
                    None => "made an organization owner".to_owned(),
                };
                hits.push((D::AdminGranted, user_target(), detail));
            }
        }
        "business.add_admin" => {
            hits.push((D::AdminGranted, user_target(), "made an enterprise owner".into()));
        }
        "org.disable_two_factor_requirement" | "business.disable_two_factor_requirement" => {
            hits.push((
                D::MfaRemoved,
                owner.map(str::to_owned),
                "the two-factor authentication requirement was disabled".into(),
            ));
        }
        "two_factor_authentication.disabled" => hits.push((
            D::MfaRemoved,
            user_target().or_else(|| Some(actor.to_string())),
            "two-factor authentication was disabled for an account".into(),
        )),
        "audit_log_streaming.destroy" => hits.push((
            D::LoggingDisabled,
            owner.map(str::to_owned),
            "an audit-log streaming endpoint was deleted".into(),
        )),
        "audit_log_streaming.update" => {
            let enabled = loose_bool(event.get("audit_log_stream_enabled"))
                .or_else(|| loose_bool(event.get("enabled")));
            if enabled == Some(false) {
                hits.push((
                    D::LoggingDisabled,
                    owner.map(str::to_owned),
                    "audit-log streaming was paused or disabled".into(),
                ));
            }
        }
        "org.add_outside_collaborator" => {
            let detail = match (repo, field("permission")) {
                (Some(r), Some(p)) => format!("outside collaborator added to {r} ({p})"),
                (Some(r), None) => format!("outside collaborator added to {r}"),
                (None, Some(p)) => format!("outside collaborator added ({p})"),
                (None, None) => "outside collaborator added".to_owned(),
            };
            hits.push((D::ExternalAccessGranted, user_target(), detail));
        }
        "repo.access" => {
            let now = field("visibility");
            let before = field("previous_visibility");
            if now.is_some_and(|v| v.eq_ignore_ascii_case("public"))
                && !before.is_some_and(|v| v.eq_ignore_ascii_case("public"))
            {
                let detail = match before {
                    Some(b) => format!("the repository was made public (was {b})"),
                    None => "the repository was made public".to_owned(),
                };
                hits.push((D::ExternalAccessGranted, repo.map(str::to_owned), detail));
            }
        }
        "org.audit_log_export" | "business.audit_log_export" => {
            let detail = match field("query_phrase") {
                Some(q) => format!("the audit log was exported (query: {q})"),
                None => "the audit log was exported".to_owned(),
            };
            hits.push((D::BulkDataExport, owner.map(str::to_owned), detail));
        }
        "migration.create" => hits.push((
            D::BulkDataExport,
            owner.or(repo).map(str::to_owned),
            "a migration archive of the organization's data was created".into(),
        )),
        "public_key.create" | "deploy_key.create" if repo.is_some() => {
            let access = match loose_bool(event.get("read_only")) {
                Some(true) => "read-only",
                Some(false) => "read-write",
                None => "access not stated",
            };
            let detail = match field("title") {
                Some(t) => format!("deploy key {t:?} added ({access})"),
                None => format!("deploy key added ({access})"),
            };
            hits.push((D::ServiceAccountKeyCreated, repo.map(str::to_owned), detail));
        }
        "personal_access_token.access_granted" => {
            let detail = match field("user_programmatic_access_name") {
                Some(n) => {
                    format!("personal access token {n:?} granted access to the organization")
                }
                None => "a personal access token was granted access to the organization".to_owned(),
            };
            hits.push((
                D::ServiceAccountKeyCreated,
                user_target().or_else(|| owner.map(str::to_owned)),
                detail,
            ));
        }
        _ => {}
    }
    for (detection, target, detail) in hits {
        let hit = Hit {
            detection,
            actor: actor.to_string(),
            action: action.to_owned(),
            target,
            source_ip: ip.map(str::to_owned),
            detail: Some(detail),
        };
        sink.detect(counted, loc, id, outcome, hit);
    }
    Ok(())
}

/// Whether a value looks like a GitHub audit-log event: an `action` of the form
/// `category.name` and one of GitHub's own fields beside it.
fn is_event(v: &Value) -> bool {
    str_of(v.get("action"))
        .is_some_and(|a| a.contains('.') && !a.starts_with('.') && !a.contains(char::is_whitespace))
        && [
            "actor",
            "@timestamp",
            "created_at",
            "_document_id",
            "org",
            "business",
            "at_sign_timestamp",
        ]
        .iter()
        .any(|k| v.get(*k).is_some())
}

/// A JSON scalar as text (`actor_id` is a number in some deliveries, a string in others).
fn plain(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Whether an organization permission is the owner role (`admin` in the audit log).
fn is_owner(p: &str) -> bool {
    p.eq_ignore_ascii_case("admin") || p.eq_ignore_ascii_case("owner")
}

/// Whether an enforcement level is `off` (GitHub writes `off`/`non_admins`/`everyone`, older
/// deliveries 0/1/2).
fn level_off(v: &Value) -> Option<bool> {
    match v {
        Value::String(s) => Some(s.trim().eq_ignore_ascii_case("off") || s.trim() == "0"),
        Value::Number(n) => n.as_u64().map(|n| n == 0),
        _ => None,
    }
}

/// What a `protected_branch.update_<setting>` event lowered, if the event says so: the
/// setting's new value is in the field of the same name.
fn weakened_setting(event: &Value, setting: &str) -> Option<String> {
    let v = event.get(setting).filter(|v| !v.is_null())?;
    let what = setting
        .trim_start_matches("allow_")
        .trim_end_matches("_enforcement_level")
        .trim_end_matches("_level")
        .trim_end_matches("_requirement")
        .replace('_', " ");
    if setting.starts_with("allow_") && setting.ends_with("_level") {
        // An allowance: anything but `off` lets people force-push or delete.
        return (level_off(v) == Some(false)).then(|| format!("{what} now allowed ({})", plain(v)));
    }
    if setting.ends_with("_level") {
        return (level_off(v) == Some(true)).then(|| format!("{what} no longer required"));
    }
    match setting {
        "required_approving_review_count" => {
            let n = v.as_u64().or_else(|| v.as_str()?.trim().parse().ok())?;
            (n == 0).then(|| "no approving review required".to_owned())
        }
        "strict_required_status_checks_policy" | "require_code_owner_review" => {
            (loose_bool(Some(v)) == Some(false)).then(|| format!("{what} switched off"))
        }
        _ => None,
    }
}

fn ruleset_target(event: &Value) -> Option<String> {
    let name = str_of(event.get("ruleset_name"));
    let scope = str_of(event.get("repo"))
        .or_else(|| str_of(event.get("org")))
        .or_else(|| str_of(event.get("business")));
    match (scope, name) {
        (Some(s), Some(n)) => Some(format!("{s}: ruleset {n}")),
        (None, Some(n)) => Some(format!("ruleset {n}")),
        (s, None) => s.map(str::to_owned),
    }
}

/// Whether a ruleset enforcement no longer blocks anything (`disabled`, or `evaluate`:
/// report only).
fn not_enforced(e: &str) -> bool {
    e.eq_ignore_ascii_case("disabled") || e.eq_ignore_ascii_case("evaluate")
}

/// What a ruleset deletion or edit weakened.
fn weakened_ruleset(sink: &mut Sink<'_>, event: &Value, action: &str, loc: Loc<'_>) -> Vec<String> {
    let enforcement = str_of(event.get("ruleset_enforcement"));
    let source = str_of(event.get("ruleset_source_type"))
        .map(|s| format!(" ({} ruleset)", s.to_ascii_lowercase()))
        .unwrap_or_default();
    if action == "repository_ruleset.destroy" {
        // Deleting a ruleset that enforced nothing loosens nothing.
        return match enforcement {
            Some(e) if e.eq_ignore_ascii_case("disabled") => Vec::new(),
            _ => vec![format!("ruleset deleted{source}")],
        };
    }
    let mut found = Vec::new();
    // The old enforcement is written only when the enforcement changed; `evaluate` to
    // `disabled` loosens nothing (evaluate mode blocks nothing).
    if let (Some(new), Some(old)) = (enforcement, str_of(event.get("ruleset_old_enforcement")))
        && not_enforced(new)
        && !not_enforced(old)
    {
        found.push(format!("ruleset enforcement set to {new} (was {old}){source}"));
    }
    for field in ["ruleset_bypass_actors_added", "ruleset_bypass_actors_updated"] {
        let at = At { file: loc.file, row: loc.record, field };
        let Some(list) = json_in_string(sink.ctx, event.get(field), at) else { continue };
        for a in list.as_array().into_iter().flatten() {
            if str_of(a.get("bypass_mode")).is_some_and(|m| m.eq_ignore_ascii_case("always")) {
                let who = str_of(a.get("actor_type")).unwrap_or("an actor");
                let id = a.get("actor_id").filter(|v| !v.is_null()).map(plain);
                found.push(match id {
                    Some(id) => format!("{who} {id} may always bypass the ruleset{source}"),
                    None => format!("{who} may always bypass the ruleset{source}"),
                });
            }
        }
    }
    let at = At { file: loc.file, row: loc.record, field: "ruleset_rules_deleted" };
    if let Some(rules) = json_in_string(sink.ctx, event.get("ruleset_rules_deleted"), at) {
        let types: Vec<String> = rules
            .as_array()
            .into_iter()
            .flatten()
            .map(|r| str_of(r.get("type")).map(str::to_owned).unwrap_or_else(|| plain(r)))
            .collect();
        if !types.is_empty() {
            found.push(format!("rules removed from the ruleset: {}{source}", types.join(", ")));
        }
    }
    found
}
