//! `okta-system-log`: Okta System Log `LogEvent`s as Okta delivers them: `GET
//! /api/v1/logs` pages (JSON arrays, bare bodies), NDJSON exports (one LogEvent per line;
//! pipeline fields such as Panther's `p_*` ignored), Okta Log Streaming's EventBridge
//! deliveries (`{"detail": LogEvent}`), event-hook deliveries (`{"data": {"events":
//! [...]}}`) and a raw event kept as a string in `_raw`.
//!
//! Fields read (Okta Management API, `LogEvent`): `uuid`, `published`, `eventType`,
//! `displayMessage`, `actor` (`alternateId`, `displayName`, `id`), `client.ipAddress`,
//! `outcome` (`result`, `reason`), `target[]` (`type`, `alternateId`, `displayName`, `id`,
//! `detailEntry.policyType`, `changeDetails`), `debugContext.debugData`
//! (`privilegeGranted`).
//!
//! Okta's `user.session.start` does not say whether a second factor followed (that is a
//! separate `user.authentication.auth_via_mfa` event), so sign-ins without MFA are not
//! told from this log alone.

use serde_json::Value;

use super::{EventSource, Facts, Hit, Loc, Sink, json_in_string, str_of};
use crate::import::error::ImportError;
use crate::import::toolkit::At;
use crate::model::{Detection as D, EventOutcome};

/// The source. `/api/v1/logs` gives bare arrays; no wrapper.
// Every member is parsed: the detections read many of the action-specific fields.
pub(crate) const SOURCE: EventSource = EventSource { wrappers: &[], fields: None, read };

fn read(sink: &mut Sink<'_>, value: &Value, loc: Loc<'_>) -> Result<(), ImportError> {
    let at = |field: &'static str| At { file: loc.file, row: loc.record, field };
    // An event hook delivers a batch of events in one request body.
    if str_of(value.get("eventType")) == Some("com.okta.event_hook") {
        let Some(events) = value.pointer("/data/events").and_then(Value::as_array) else {
            sink.foreign(loc, "an Okta event-hook delivery without data.events");
            return Ok(());
        };
        for e in events {
            read_event(sink, e, e, loc)?;
        }
        return Ok(());
    }
    let inner;
    let event = if is_event(value) {
        value
    } else if value.get("detail").is_some_and(is_event) {
        &value["detail"]
    } else if let Some(v) = json_in_string(sink.ctx, value.get("_raw"), at("_raw")).filter(is_event)
    {
        inner = v;
        &inner
    } else {
        sink.foreign(loc, "not an Okta System Log event (no eventType with published or uuid)");
        return Ok(());
    };
    read_event(sink, value, event, loc)
}

/// Whether a value is an Okta `LogEvent`.
fn is_event(v: &Value) -> bool {
    str_of(v.get("eventType")).is_some_and(|t| t.contains('.'))
        && (v.get("published").is_some() || v.get("uuid").is_some())
}

/// Reads one event; `pipeline` is the value that carried it (the pipeline's own time, when
/// the event has none, is there).
fn read_event(
    sink: &mut Sink<'_>,
    pipeline: &Value,
    event: &Value,
    loc: Loc<'_>,
) -> Result<(), ImportError> {
    let Some(event_type) = str_of(event.get("eventType")).filter(|_| is_event(event)) else {
        sink.foreign(loc, "not an Okta System Log event (no eventType with published or uuid)");
        return Ok(());
    };
    let class = match event_type.match_indices('.').nth(1) {
        Some((i, _)) => &event_type[..i],
        None => event_type,
    };
    let result = str_of(event.pointer("/outcome/result"));
    let is = |r: &str| result.is_some_and(|x| x.eq_ignore_ascii_case(r));
    let outcome = if is("SUCCESS") || is("ALLOW") {
        EventOutcome::Success
    } else if is("FAILURE") || is("DENY") {
        EventOutcome::Failure
    } else {
        EventOutcome::Unknown
    };
    let id = str_of(event.get("uuid"));
    let time = event.get("published").filter(|v| !v.is_null());
    let facts = Facts { time, time_field: "published", id, class, action: event_type, outcome };
    let Some(counted) = sink.event(pipeline, loc, facts)? else { return Ok(()) };

    let actor = event.get("actor");
    let actor_name = ["alternateId", "displayName", "id"]
        .iter()
        .find_map(|k| str_of(actor.and_then(|a| a.get(*k))).filter(|s| *s != "unknown"))
        .unwrap_or("");
    let ip = str_of(event.pointer("/client/ipAddress"));
    if event_type == "user.session.start" && outcome == EventOutcome::Failure {
        sink.failed_sign_in(counted, loc, id, actor_name, event_type, ip);
    }
    if outcome != EventOutcome::Success {
        return Ok(());
    }
    let targets: &[Value] =
        event.get("target").and_then(Value::as_array).map_or(&[], Vec::as_slice);
    let target_of = |types: &[&str]| -> Option<String> {
        targets
            .iter()
            .filter(|t| {
                types.is_empty()
                    || str_of(t.get("type"))
                        .is_some_and(|ty| types.iter().any(|x| x.eq_ignore_ascii_case(ty)))
            })
            .find_map(name_of)
    };
    let debug = event.pointer("/debugContext/debugData");
    let debug_str = |k: &str| str_of(debug.and_then(|d| d.get(k)));
    let mut hits: Vec<(D, Option<String>, String)> = Vec::new();
    match event_type {
        "user.account.privilege.grant" => {
            let detail = match debug_str("privilegeGranted") {
                Some(p) => format!("admin role granted: {p}"),
                None => "an admin role was granted".to_owned(),
            };
            hits.push((D::AdminGranted, target_of(&["User"]), detail));
        }
        "group.privilege.grant" => {
            let detail = match debug_str("privilegeGranted") {
                Some(p) => format!("admin role granted to a group: {p}"),
                None => "an admin role was granted to a group".to_owned(),
            };
            hits.push((D::AdminGranted, target_of(&["UserGroup"]), detail));
        }
        "user.mfa.factor.deactivate" => {
            let factor = target_of(&["AuthenticatorEnrollment", "Factor"]);
            let detail = match factor {
                Some(f) => format!("MFA factor removed: {f}"),
                None => "an MFA factor was removed".to_owned(),
            };
            hits.push((D::MfaRemoved, target_of(&["User"]), detail));
        }
        "user.mfa.factor.reset_all" => hits.push((
            D::MfaRemoved,
            target_of(&["User"]),
            "all MFA factors of the user were reset".into(),
        )),
        "system.mfa.factor.deactivate" | "security.authenticator.lifecycle.deactivate" => hits
            .push((
                D::MfaRemoved,
                target_of(&[]),
                "an MFA factor type was deactivated for the organization".into(),
            )),
        "policy.lifecycle.deactivate" | "policy.lifecycle.delete" | "policy.lifecycle.update" => {
            let verb = match event_type {
                "policy.lifecycle.deactivate" => "deactivated",
                "policy.lifecycle.delete" => "deleted",
                _ => "updated",
            };
            for t in targets.iter().filter(|t| str_of(t.get("type")) == Some("PolicyEntity")) {
                let kind = policy_type(t);
                let name = name_of(t);
                match kind.as_deref() {
                    Some("PASSWORD") if verb != "updated" => hits.push((
                        D::PasswordPolicyWeakened,
                        name,
                        format!("a password policy was {verb}"),
                    )),
                    Some("PASSWORD") => {
                        if let Some(detail) = shorter_passwords(t) {
                            hits.push((D::PasswordPolicyWeakened, name, detail));
                        }
                    }
                    Some("MFAENROLL") if verb != "updated" => hits.push((
                        D::MfaRemoved,
                        name,
                        format!("an MFA enrollment policy was {verb}"),
                    )),
                    _ => {}
                }
            }
        }
        "system.log_stream.lifecycle.deactivate" | "system.log_stream.lifecycle.delete" => {
            let verb = if event_type.ends_with("delete") { "deleted" } else { "deactivated" };
            hits.push((D::LoggingDisabled, target_of(&[]), format!("a log stream was {verb}")));
        }
        "system.api_token.create" => hits.push((
            D::ServiceAccountKeyCreated,
            target_of(&["Token"]).or_else(|| target_of(&[])),
            "an API token was created".into(),
        )),
        "system.idp.lifecycle.create" | "system.idp.lifecycle.activate" => {
            let verb = if event_type.ends_with("create") { "added" } else { "activated" };
            hits.push((
                D::ExternalAccessGranted,
                target_of(&[]),
                format!("an external identity provider was {verb}: its accounts can sign in"),
            ));
        }
        "user.session.impersonation.grant" => hits.push((
            D::ExternalAccessGranted,
            target_of(&[]),
            "Okta Support was granted access to the organization".into(),
        )),
        _ => {}
    }
    for (detection, target, detail) in hits {
        let hit = Hit {
            detection,
            actor: actor_name.to_owned(),
            action: event_type.to_owned(),
            target,
            source_ip: ip.map(str::to_owned),
            detail: Some(detail),
        };
        sink.detect(counted, loc, id, outcome, hit);
    }
    Ok(())
}

/// A target's name: its alternate id (a login), else its display name, else its id.
fn name_of(t: &Value) -> Option<String> {
    ["alternateId", "displayName", "id"]
        .iter()
        .find_map(|k| str_of(t.get(*k)).filter(|s| *s != "unknown"))
        .map(str::to_owned)
}

/// A policy target's type, normalised (`OktaSignOn`, `OKTA_SIGN_ON` -> `OKTASIGNON`).
fn policy_type(t: &Value) -> Option<String> {
    let raw = str_of(t.pointer("/detailEntry/policyType"))?;
    Some(raw.chars().filter(|c| c.is_ascii_alphanumeric()).collect::<String>().to_ascii_uppercase())
}

/// Whether a password policy's change lowered its minimum length (a `minLength` in
/// `changeDetails.from` and `.to`, at any depth).
fn shorter_passwords(t: &Value) -> Option<String> {
    let from = find_number(t.pointer("/changeDetails/from")?, "minlength")?;
    let to = find_number(t.pointer("/changeDetails/to")?, "minlength")?;
    (to < from).then(|| format!("minimum password length lowered from {from} to {to}"))
}

fn find_number(v: &Value, key: &str) -> Option<u64> {
    match v {
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            if k.to_ascii_lowercase() == key {
                x.as_u64().or_else(|| x.as_str()?.trim().parse().ok())
            } else {
                find_number(x, key)
            }
        }),
        Value::Array(a) => a.iter().find_map(|x| find_number(x, key)),
        _ => None,
    }
}
