//! `google-workspace-activity`: Google Workspace audit activities as the Admin SDK
//! Reports API returns them (`activities.list` pages, `{"kind":
//! "admin#reports#activities", "items": [...], "nextPageToken": ...}`), and NDJSON of
//! activities written by a script or a log pipeline (extra fields such as Panther's
//! `p_*` ignored; an activity kept as a string in `_raw` is parsed; an activity
//! flattened to one event per line, with `name`, `type` and `parameters` beside `id`, is
//! read as that one event).
//!
//! Fields read (Reports API `Activity`): `id` (`time`, `uniqueQualifier`,
//! `applicationName`), `actor` (`email`, `profileId`, `key`), `ipAddress`, and
//! `events[]` (`type`, `name`, `parameters[]` with `value`, `boolValue`, `intValue`,
//! `multiValue`, `multiIntValue`; a pipeline's `{"name": value}` map is read too).
//!
//! One activity may hold several events: each is counted (class: the activity's
//! `applicationName`). An event's id is the activity's `uniqueQualifier`, followed by
//! `#n` (its 1-based position) when the activity holds more than one event, so that each
//! counted event has an id of its own and re-exported activities are recognised as
//! duplicates. A flattened line shows the qualifier as its id; its name and parameters
//! join the duplicate check, so that the events of one activity flattened to several
//! lines stay apart.

use serde_json::Value;

use super::{EventSource, Facts, Hit, Loc, Sink, json_in_string, str_of};
use crate::import::error::ImportError;
use crate::import::toolkit::At;
use crate::model::{Detection as D, EventOutcome};

/// The source.
// Every member is parsed: the detections read many of the payload's fields.
pub(crate) const SOURCE: EventSource = EventSource { wrappers: &["items"], fields: None, read };

/// At least this many characters in a password (CISA SCuBA baseline for Google
/// Workspace, GWS.COMMONCONTROLS.5.2).
const MIN_PASSWORD_LENGTH: u64 = 12;

/// Sign-in challenges that are a first factor only (`login_challenge_method`): a
/// password sign-in whose every challenge is one of these had no second step.
const FIRST_FACTOR_ONLY: &[&str] = &["password", "captcha", "login_location", "none"];

/// Drive visibilities that open a file beyond named accounts.
const PUBLIC_VISIBILITY: &[&str] = &["people_with_link", "public_on_the_web"];

fn read(sink: &mut Sink<'_>, value: &Value, loc: Loc<'_>) -> Result<(), ImportError> {
    let at = |field: &'static str| At { file: loc.file, row: loc.record, field };
    // A pipeline may keep the raw activity as a string in `_raw`.
    let inner;
    let activity = if value.get("id").is_some() {
        value
    } else if let Some(v) = json_in_string(sink.ctx, value.get("_raw"), at("_raw")) {
        inner = v;
        &inner
    } else {
        value
    };
    if str_of(activity.get("kind")) == Some("admin#reports#activities") {
        sink.foreign(loc, "an activities page without items (no activity in its period)");
        return Ok(());
    }
    let id = activity.get("id").filter(|v| v.is_object());
    let app = str_of(id.and_then(|i| i.get("applicationName")));
    let listed;
    let events: Vec<&Value> = match activity.get("events") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s @ Value::String(_)) => {
            listed = json_in_string(sink.ctx, Some(s), at("events"));
            match &listed {
                Some(Value::Array(a)) => a.iter().collect(),
                _ => Vec::new(),
            }
        }
        // A pipeline's flattened activity: one event beside `id`.
        None if activity.get("name").is_some() => vec![activity],
        _ => Vec::new(),
    };
    let Some(app) = app.filter(|_| !events.is_empty()) else {
        sink.foreign(loc, "not a Google Workspace activity (no id.applicationName and events)");
        return Ok(());
    };
    let qualifier = id.and_then(|i| i.get("uniqueQualifier")).and_then(|q| match q {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    });
    let actor_v = activity.get("actor");
    let actor = ["email", "profileId", "key"]
        .iter()
        .find_map(|k| str_of(actor_v.and_then(|a| a.get(*k))))
        .unwrap_or("")
        .to_owned();
    let ip = str_of(activity.get("ipAddress")).map(str::to_owned);
    let several = events.len() > 1;
    // A flattened line is one event of an activity that may have held several under the
    // same qualifier: its parameters tell such events apart in the duplicate check.
    let flattened = activity.get("events").is_none();
    for (i, event) in events.into_iter().enumerate() {
        let params_owned;
        let params = match event.get("parameters") {
            Some(s @ Value::String(_)) => {
                params_owned = json_in_string(sink.ctx, Some(s), at("parameters"));
                params_owned.as_ref()
            }
            other => other,
        };
        let p = Params(params);
        let name = str_of(event.get("name")).or_else(|| str_of(event.get("type"))).unwrap_or("");
        let event_id =
            qualifier.as_ref().map(|q| if several { format!("{q}#{}", i + 1) } else { q.clone() });
        let outcome = outcome_of(app, name, &p);
        // The duplicate check's key: the event id, with a flattened line's name and
        // parameters (the id it shows stays the qualifier).
        let key = match (&event_id, flattened) {
            (Some(id), true) => {
                Some(format!("{id} {name} {}", params.map(Value::to_string).unwrap_or_default()))
            }
            (id, _) => id.clone(),
        };
        let facts = Facts {
            time: id.and_then(|i| i.get("time")),
            time_field: "id.time",
            id: key.as_deref(),
            class: app,
            action: name,
            outcome,
        };
        let Some(counted) = sink.event(value, loc, facts)? else { continue };
        if app == "login" && name == "login_failure" {
            sink.failed_sign_in(counted, loc, event_id.as_deref(), &actor, name, ip.as_deref());
        }
        if outcome != EventOutcome::Success {
            // A failed attempt changed nothing: counted, not listed.
            continue;
        }
        for (detection, target, detail) in detections(app, name, &p, &actor) {
            let hit = Hit {
                detection,
                actor: actor.clone(),
                action: name.to_owned(),
                target,
                source_ip: ip.clone(),
                detail: Some(detail),
            };
            sink.detect(counted, loc, event_id.as_deref(), outcome, hit);
        }
    }
    Ok(())
}

/// Whether an event did what it attempted: failed sign-ins and challenges, and user
/// Takeouts that failed or were cancelled, are failures.
pub(super) fn outcome_of(app: &str, name: &str, p: &Params<'_>) -> EventOutcome {
    let failed = match (app, name) {
        ("login" | "saml", "login_failure") => true,
        ("login", "login_challenge" | "login_verification") => {
            p.first("login_challenge_status").is_some_and(|s| {
                let s = s.to_ascii_lowercase();
                s.contains("fail") || s.contains("incorrect")
            })
        }
        ("takeout", _) => p
            .first("TAKEOUT_STATUS")
            .is_some_and(|s| matches!(s.to_ascii_uppercase().as_str(), "FAILED" | "CANCELED")),
        _ => false,
    };
    if failed { EventOutcome::Failure } else { EventOutcome::Success }
}

/// The detections one successful event matches: (detection, target, detail).
pub(super) fn detections(
    app: &str,
    name: &str,
    p: &Params<'_>,
    actor: &str,
) -> Vec<(D, Option<String>, String)> {
    let user = || p.first("USER_EMAIL");
    let ou = || p.first("ORG_UNIT_NAME");
    let mut hits = Vec::new();
    match (app, name) {
        ("admin", "GRANT_ADMIN_PRIVILEGE") => {
            hits.push((D::AdminGranted, user(), "administrator privileges granted".into()));
        }
        ("admin", "ASSIGN_ROLE") => {
            // Every Workspace role is an administrator role (a set of Admin console
            // privileges); the super admin role is named as such.
            let role = p.first("ROLE_NAME").unwrap_or_else(|| "an unnamed role".into());
            let detail = if is_super_admin_role(&role) {
                format!("the super admin role assigned ({role})")
            } else {
                format!("administrator role {role} assigned")
            };
            hits.push((D::AdminGranted, user(), detail));
        }
        ("admin", "TURN_OFF_2_STEP_VERIFICATION" | "UNENROLL_USER_FROM_STRONG_AUTH") => {
            hits.push((
                D::MfaRemoved,
                user(),
                "an administrator turned off the user's 2-step verification".into(),
            ));
        }
        ("admin", "ENFORCE_STRONG_AUTHENTICATION" | "ALLOW_STRONG_AUTHENTICATION")
            if p.first("NEW_VALUE").is_some_and(|v| v.eq_ignore_ascii_case("false")) =>
        {
            let detail = if name == "ENFORCE_STRONG_AUTHENTICATION" {
                "2-step verification enforcement turned off"
            } else {
                "users may no longer turn on 2-step verification"
            };
            hits.push((D::MfaRemoved, ou(), detail.into()));
        }
        ("login" | "user_accounts", "2sv_disable") => {
            hits.push((
                D::MfaRemoved,
                Some(actor.to_owned()).filter(|a| !a.is_empty()),
                "the user turned off 2-step verification".into(),
            ));
        }
        ("login", "login_success") => {
            let password =
                p.first("login_type").is_some_and(|t| t.eq_ignore_ascii_case("google_password"));
            let methods = p.all("login_challenge_method");
            let first_only = !methods.is_empty()
                && methods.iter().any(|m| m.eq_ignore_ascii_case("password"))
                && methods
                    .iter()
                    .all(|m| FIRST_FACTOR_ONLY.iter().any(|f| m.eq_ignore_ascii_case(f)));
            if password && first_only {
                let mut detail =
                    format!("a password sign-in without a second step ({})", methods.join(", "));
                if p.first("is_suspicious").is_some_and(|s| s.eq_ignore_ascii_case("true")) {
                    detail.push_str("; Google marked it suspicious");
                }
                hits.push((D::SignInWithoutMfa, None, detail));
            }
        }
        ("admin", "CHANGE_APPLICATION_SETTING" | "CREATE_APPLICATION_SETTING") => {
            if let Some(detail) = weaker_password_setting(p) {
                hits.push((D::PasswordPolicyWeakened, ou(), detail));
            }
        }
        ("admin", "CUSTOMER_TAKEOUT_CREATED") => {
            hits.push((
                D::BulkDataExport,
                None,
                "an export of the organization's data (Data Export)".into(),
            ));
        }
        ("takeout", "COMPLETED_USER_TAKEOUT") => {
            let to = p.first("TAKEOUT_DESTINATION").unwrap_or_else(|| "UNKNOWN".into());
            let mut detail = format!("a user's Takeout completed (destination {to})");
            if let Some(products) = p.first("PRODUCTS_REQUESTED") {
                detail.push_str(&format!(": {products}"));
            }
            hits.push((D::BulkDataExport, user().or_else(|| Some(actor.to_owned())), detail));
        }
        ("drive", _) => {
            if let Some(detail) = drive_opened(name, p) {
                let target = p.first("doc_title").or_else(|| p.first("doc_id"));
                hits.push((D::ExternalAccessGranted, target, detail));
            }
        }
        _ => {}
    }
    hits
}

fn is_super_admin_role(role: &str) -> bool {
    let upper = role.to_ascii_uppercase();
    upper == "_SEED_ADMIN_ROLE" || upper.contains("SUPER_ADMIN") || upper == "SUPER ADMIN"
}

/// A Drive sharing change that opens a file outside the organization, as the event
/// itself says: a visibility of anyone with the link or the public web, or a change
/// flagged external that leaves the file shared externally.
fn drive_opened(name: &str, p: &Params<'_>) -> Option<String> {
    // Children follow a folder's change: the folder's own event is the one listed.
    if name.ends_with("_hierarchy_reconciled") {
        return None;
    }
    let acl = matches!(
        name,
        "change_user_access"
            | "change_document_visibility"
            | "change_document_access_scope"
            | "change_acl_editors"
    );
    if !acl {
        return None;
    }
    // Access taken away is not a grant.
    if p.all("new_value").iter().any(|v| v.eq_ignore_ascii_case("none")) {
        return None;
    }
    let visibility = p.first("visibility").unwrap_or_default();
    let external = p.first("visibility_change").is_some_and(|v| v.eq_ignore_ascii_case("external"));
    let public = PUBLIC_VISIBILITY.iter().any(|v| visibility.eq_ignore_ascii_case(v));
    if !(public || (external && visibility.eq_ignore_ascii_case("shared_externally"))) {
        return None;
    }
    let mut detail = format!("visibility {visibility}");
    if let Some(user) = p.first("target_user") {
        detail.push_str(&format!(", shared with {user}"));
    }
    Some(detail)
}

/// A password setting made weaker (the Admin console's "Password Management" settings).
fn weaker_password_setting(p: &Params<'_>) -> Option<String> {
    let setting = p.first("SETTING_NAME")?;
    let new = p.first("NEW_VALUE")?;
    match setting.as_str() {
        "Password Management - Minimum password length" => {
            let n: u64 = new.trim().parse().ok()?;
            let old = p.first("OLD_VALUE").and_then(|o| o.trim().parse::<u64>().ok());
            let lowered = old.is_some_and(|o| n < o);
            if n < MIN_PASSWORD_LENGTH || lowered {
                Some(match old {
                    Some(o) => format!("minimum password length {o} -> {n}"),
                    None => format!("minimum password length {n}"),
                })
            } else {
                None
            }
        }
        "Password Management - Enforce strong password" if new.eq_ignore_ascii_case("false") => {
            Some("strong passwords no longer enforced".into())
        }
        "Password Management - Enable password reuse" if new.eq_ignore_ascii_case("true") => {
            Some("password reuse allowed".into())
        }
        _ => None,
    }
}

/// An event's parameters: the API's list of `{name, value | boolValue | intValue |
/// multiValue | multiIntValue}` (Cloud Logging's copy says `multiStrValue`), or a
/// pipeline's `{name: value}` map.
pub(super) struct Params<'v>(pub(super) Option<&'v Value>);

impl Params<'_> {
    /// Every value of parameter `name`, as text.
    fn all(&self, name: &str) -> Vec<String> {
        let raw = match self.0 {
            Some(Value::Array(list)) => list
                .iter()
                .find(|e| str_of(e.get("name")) == Some(name))
                .map(|e| {
                    [
                        "value",
                        "boolValue",
                        "intValue",
                        "multiValue",
                        "multiIntValue",
                        "multiStrValue",
                    ]
                    .iter()
                    .filter_map(|k| e.get(*k))
                    .collect::<Vec<_>>()
                })
                .unwrap_or_default(),
            Some(Value::Object(map)) => map.get(name).into_iter().collect(),
            _ => Vec::new(),
        };
        let mut out = Vec::new();
        for v in raw {
            match v {
                Value::Array(items) => out.extend(items.iter().filter_map(text)),
                other => out.extend(text(other)),
            }
        }
        out
    }

    /// The first value of parameter `name`.
    fn first(&self, name: &str) -> Option<String> {
        self.all(name).into_iter().next()
    }
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_owned()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}
