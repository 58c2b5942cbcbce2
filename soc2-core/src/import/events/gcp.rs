//! `gcp-audit-log`: Cloud Audit Logs as Cloud Logging exports them: `gcloud logging read
//! --format=json` (a JSON array of `LogEntry`), `entries.list` pages (`{"entries": [...],
//! "nextPageToken": ...}`), and NDJSON of entries (a Cloud Storage sink writes one
//! entry per line; so do log pipelines, whose extra fields are ignored). Entries exported
//! through BigQuery keep the audit payload under `protopayload_auditlog`, with
//! `requestJson`, `responseJson` and `metadataJson` as JSON strings; those are read too.
//!
//! Fields read (`LogEntry`): `insertId` (the event id), `timestamp` (else
//! `receiveTimestamp`, as a pipeline time), `logName`, and `protoPayload`
//! (`google.cloud.audit.AuditLog`): `serviceName` (the class), `methodName`,
//! `resourceName`, `authenticationInfo.principalEmail`, `requestMetadata.callerIp`,
//! `status.code`, `request`, `response`, `serviceData.policyDelta` (`bindingDeltas`,
//! `auditConfigDeltas`), `metadata` (BigQuery's `datasetChange.bindingDeltas` and
//! `jobInsertion`). Entries without an audit payload (application logs in the same sink)
//! are skipped and counted. Workspace audit logs shared with Cloud Logging
//! (`login.googleapis.com`, `admin.googleapis.com`, the Workspace event in
//! `metadata.event[]`) are examined with google-workspace-activity's rules.

use std::borrow::Cow;

use serde_json::Value;

use super::{EventSource, Facts, Hit, Loc, Sink, google, json_in_string, loose_bool, str_of};
use crate::import::error::ImportError;
use crate::import::toolkit::At;
use crate::model::{Detection as D, EventOutcome};

/// The source.
// Every member is parsed: the detections read many of the payload's fields.
pub(crate) const SOURCE: EventSource = EventSource { wrappers: &["entries"], fields: None, read };

/// The `@type` of an audit payload.
const AUDIT_LOG_TYPE: &str = "type.googleapis.com/google.cloud.audit.AuditLog";

/// Mail domains of personal accounts: a member there is never the organization's own.
const PERSONAL_DOMAINS: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "icloud.com",
    "me.com",
    "aol.com",
    "protonmail.com",
    "proton.me",
    "gmx.com",
    "mail.com",
];

fn read(sink: &mut Sink<'_>, value: &Value, loc: Loc<'_>) -> Result<(), ImportError> {
    let at = |field: &'static str| At { file: loc.file, row: loc.record, field };
    let bigquery = value.get("protopayload_auditlog").filter(|p| p.is_object());
    let Some(payload) = value.get("protoPayload").filter(|p| p.is_object()).or(bigquery) else {
        let what = if value.get("jsonPayload").is_some() || value.get("textPayload").is_some() {
            "a log entry that is not an audit log (no protoPayload)"
        } else {
            "not a Cloud Logging entry (no protoPayload)"
        };
        sink.foreign(loc, what);
        return Ok(());
    };
    if let Some(t) = str_of(payload.get("@type")).filter(|t| *t != AUDIT_LOG_TYPE) {
        sink.foreign(loc, format!("a log entry whose payload is not an audit log ({t})"));
        return Ok(());
    }
    let (Some(service), Some(method)) =
        (str_of(payload.get("serviceName")), str_of(payload.get("methodName")))
    else {
        sink.foreign(loc, "an audit log entry without serviceName and methodName");
        return Ok(());
    };
    let code = payload
        .pointer("/status/code")
        .and_then(|c| c.as_i64().or_else(|| c.as_str().and_then(|s| s.trim().parse().ok())));
    let policy_denied = str_of(value.get("logName"))
        .is_some_and(|l| l.ends_with("%2Fpolicy") || l.ends_with("/policy"));
    // Workspace audit logs shared with Cloud Logging carry the Workspace event in
    // `metadata.event[]` (`eventName`, `parameter[]`): read as google-workspace-activity
    // reads them.
    let workspace = workspace_app(service).and_then(|app| {
        let events = payload.pointer("/metadata/event").and_then(Value::as_array)?;
        Some((app, events))
    });
    let outcome = if code.is_some_and(|c| c != 0) || policy_denied {
        EventOutcome::Failure
    } else if let Some((app, events)) = workspace {
        let failed = events.iter().any(|e| {
            let name = str_of(e.get("eventName")).unwrap_or("");
            google::outcome_of(app, name, &google::Params(e.get("parameter")))
                == EventOutcome::Failure
        });
        if failed { EventOutcome::Failure } else { EventOutcome::Success }
    } else {
        EventOutcome::Success
    };
    let id = str_of(value.get("insertId"));
    let facts = Facts {
        time: value.get("timestamp"),
        time_field: "timestamp",
        id,
        class: service,
        action: method,
        outcome,
    };
    // `timestamp` is the entry's own time; when it is missing the sink falls back to
    // `receiveTimestamp`, Cloud Logging's time of receipt, and says so.
    let Some(counted) = sink.event(value, loc, facts)? else { return Ok(()) };
    let auth = payload.get("authenticationInfo");
    let actor = str_of(auth.and_then(|a| a.get("principalEmail")))
        .or_else(|| str_of(auth.and_then(|a| a.get("principalSubject"))))
        .unwrap_or("")
        .to_owned();
    let ip = str_of(payload.pointer("/requestMetadata/callerIp")).map(str::to_owned);
    if let Some((app, events)) = workspace {
        for e in events {
            let name = str_of(e.get("eventName")).unwrap_or("");
            if app == "login" && name == "login_failure" {
                sink.failed_sign_in(counted, loc, id, &actor, name, ip.as_deref());
            }
            if outcome != EventOutcome::Success {
                continue;
            }
            for (detection, target, detail) in
                google::detections(app, name, &google::Params(e.get("parameter")), &actor)
            {
                let hit = Hit {
                    detection,
                    actor: actor.clone(),
                    action: name.to_owned(),
                    target,
                    source_ip: ip.clone(),
                    detail: Some(detail),
                };
                sink.detect(counted, loc, id, outcome, hit);
            }
        }
        return Ok(());
    }
    if outcome != EventOutcome::Success {
        // A failed or denied call changed nothing: counted as an attempt, not listed.
        return Ok(());
    }

    // The BigQuery export keeps request, response and metadata as JSON strings; they are
    // parsed only for the successful calls examined here.
    let json =
        |sink: &mut Sink<'_>, key: &str, string_key: &str, field| -> Option<Cow<'_, Value>> {
            match payload.get(key) {
                Some(v) => Some(Cow::Borrowed(v)),
                None => {
                    json_in_string(sink.ctx, payload.get(string_key), at(field)).map(Cow::Owned)
                }
            }
        };
    let request = json(sink, "request", "requestJson", "protoPayload.requestJson");
    let response = json(sink, "response", "responseJson", "protoPayload.responseJson");
    let metadata = json(sink, "metadata", "metadataJson", "protoPayload.metadataJson");
    let service_data = payload.get("serviceData").or_else(|| payload.get("servicedata_v1_iam"));
    let (request, response, metadata) =
        (request.as_deref(), response.as_deref(), metadata.as_deref());

    let resource = str_of(payload.get("resourceName")).map(str::to_owned);
    let short = method.rsplit('.').next().unwrap_or(method);
    let mut hits: Vec<(D, Option<String>, String)> = Vec::new();

    // IAM policy changes, wherever the service logs their delta.
    let deltas = binding_deltas(service_data, metadata);
    let own = domain_of(&actor);
    for delta in &deltas {
        if !delta.action.eq_ignore_ascii_case("ADD") {
            continue;
        }
        if is_admin_role(&delta.role) {
            hits.push((
                D::AdminGranted,
                resource.clone(),
                format!("{} granted to {}", delta.role, delta.member),
            ));
        }
        if let Some(why) = outside_member(&delta.member, own) {
            hits.push((
                D::ExternalAccessGranted,
                resource.clone(),
                format!("{} granted to {} ({why})", delta.role, delta.member),
            ));
        }
    }
    for delta in audit_config_deltas(service_data) {
        hits.push((D::LoggingDisabled, resource.clone(), delta));
    }

    match method {
        "google.iam.admin.v1.CreateServiceAccountKey"
        | "google.iam.admin.v1.UploadServiceAccountKey" => {
            let target = str_of(response.and_then(|r| r.get("name")))
                .or_else(|| str_of(request.and_then(|r| r.get("name"))))
                .map(str::to_owned)
                .or_else(|| resource.clone());
            let detail = if short == "UploadServiceAccountKey" {
                "a user-managed key uploaded for a service account"
            } else {
                "a user-managed key created for a service account"
            };
            hits.push((D::ServiceAccountKeyCreated, target, detail.into()));
        }
        "google.logging.v2.ConfigServiceV2.DeleteSink" => {
            hits.push((D::LoggingDisabled, resource.clone(), "a log sink was deleted".into()));
        }
        "google.logging.v2.ConfigServiceV2.UpdateSink" => {
            let sink_v = request.and_then(|r| r.get("sink"));
            let mask = request
                .as_ref()
                .and_then(|r| r.get("updateMask"))
                .map(Value::to_string)
                .unwrap_or_default();
            if loose_bool(sink_v.and_then(|s| s.get("disabled"))) == Some(true) {
                hits.push((D::LoggingDisabled, resource.clone(), "a log sink was disabled".into()));
            } else if mask.contains("exclusions")
                && sink_v.and_then(|s| s.get("exclusions")).and_then(Value::as_array).is_some_and(
                    |ex| ex.iter().any(|e| loose_bool(e.get("disabled")) != Some(true)),
                )
            {
                hits.push((
                    D::LoggingDisabled,
                    resource.clone(),
                    "exclusions set on a log sink (logs it no longer routes)".into(),
                ));
            }
        }
        "google.logging.v2.ConfigServiceV2.CreateExclusion" => {
            let exclusion = request.and_then(|r| r.get("exclusion"));
            if loose_bool(exclusion.and_then(|e| e.get("disabled"))) != Some(true) {
                let filter = str_of(exclusion.and_then(|e| e.get("filter")));
                let detail = match filter {
                    Some(f) => format!("a log exclusion created: {f}"),
                    None => "a log exclusion created".to_owned(),
                };
                hits.push((D::LoggingDisabled, resource.clone(), detail));
            }
        }
        "google.logging.v2.ConfigServiceV2.DeleteBucket" => {
            hits.push((D::LoggingDisabled, resource.clone(), "a log bucket was deleted".into()));
        }
        "google.logging.v2.LoggingServiceV2.DeleteLog" => {
            hits.push((D::LoggingDisabled, resource.clone(), "a log was deleted".into()));
        }
        "cloudsql.instances.export" | "google.cloud.sql.v1.SqlInstancesService.Export" => {
            let uri = request.and_then(|r| {
                str_of(r.pointer("/body/exportContext/uri"))
                    .or_else(|| str_of(r.pointer("/exportContext/uri")))
            });
            let detail = match uri {
                Some(u) => format!("a Cloud SQL export to {u}"),
                None => "a Cloud SQL export".to_owned(),
            };
            hits.push((D::BulkDataExport, resource.clone(), detail));
        }
        "google.firestore.admin.v1.FirestoreAdmin.ExportDocuments"
        | "google.datastore.admin.v1.DatastoreAdmin.ExportEntities" => {
            let uri = request.and_then(|r| str_of(r.get("outputUriPrefix")));
            let detail = match uri {
                Some(u) => format!("a database export to {u}"),
                None => "a database export".to_owned(),
            };
            hits.push((D::BulkDataExport, resource.clone(), detail));
        }
        "google.cloud.bigquery.v2.JobService.InsertJob" => {
            let config = metadata.and_then(|m| m.pointer("/jobInsertion/job/jobConfig"));
            if str_of(config.and_then(|c| c.get("type"))) == Some("EXPORT") {
                let uris = config
                    .and_then(|c| c.pointer("/extractConfig/destinationUris"))
                    .and_then(Value::as_array)
                    .map(|u| u.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
                    .filter(|u| !u.is_empty());
                let table = str_of(config.and_then(|c| c.pointer("/extractConfig/sourceTable")))
                    .map(str::to_owned);
                let detail = match uris {
                    Some(u) => format!("a BigQuery extract job to {u}"),
                    None => "a BigQuery extract job".to_owned(),
                };
                hits.push((D::BulkDataExport, table.or_else(|| resource.clone()), detail));
            }
        }
        "jobservice.insert" => {
            let extract = service_data
                .and_then(|s| s.pointer("/jobInsertRequest/resource/jobConfiguration/extract"));
            if let Some(extract) = extract {
                let uris = extract
                    .get("destinationUris")
                    .and_then(Value::as_array)
                    .map(|u| u.iter().filter_map(Value::as_str).collect::<Vec<_>>().join(", "))
                    .filter(|u| !u.is_empty());
                let detail = match uris {
                    Some(u) => format!("a BigQuery extract job to {u}"),
                    None => "a BigQuery extract job".to_owned(),
                };
                hits.push((D::BulkDataExport, resource.clone(), detail));
            }
        }
        _ => {}
    }
    for (detection, target, detail) in hits {
        let hit = Hit {
            detection,
            actor: actor.clone(),
            action: method.to_owned(),
            target,
            source_ip: ip.clone(),
            detail: Some(detail),
        };
        sink.detect(counted, loc, id, outcome, hit);
    }
    Ok(())
}

/// One member added to or removed from a role.
struct BindingDelta {
    action: String,
    role: String,
    member: String,
}

/// The binding deltas of an IAM policy change: `serviceData.policyDelta` (IAM's
/// `AuditData`), or BigQuery's `metadata.datasetChange.bindingDeltas`.
fn binding_deltas(service_data: Option<&Value>, metadata: Option<&Value>) -> Vec<BindingDelta> {
    let lists = [
        service_data.and_then(|s| s.pointer("/policyDelta/bindingDeltas")),
        metadata.and_then(|m| m.pointer("/datasetChange/bindingDeltas")),
    ];
    let mut out = Vec::new();
    for list in lists.into_iter().flatten().filter_map(Value::as_array) {
        for d in list {
            let (Some(action), Some(role), Some(member)) =
                (str_of(d.get("action")), str_of(d.get("role")), str_of(d.get("member")))
            else {
                continue;
            };
            out.push(BindingDelta {
                action: action.to_owned(),
                role: role.to_owned(),
                member: member.to_owned(),
            });
        }
    }
    out
}

/// Audit logging narrowed in an IAM policy (`policyDelta.auditConfigDeltas`): a log type
/// removed from a service, or a member exempted from it.
fn audit_config_deltas(service_data: Option<&Value>) -> Vec<String> {
    let Some(list) = service_data
        .and_then(|s| s.pointer("/policyDelta/auditConfigDeltas"))
        .and_then(Value::as_array)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for d in list {
        let action = str_of(d.get("action")).unwrap_or("");
        let service = str_of(d.get("service")).unwrap_or("a service");
        let log_type = str_of(d.get("logType")).unwrap_or("a log type");
        let exempted = str_of(d.get("exemptedMember"));
        match (action.to_ascii_uppercase().as_str(), exempted) {
            ("REMOVE", None) => {
                out.push(format!("{log_type} audit logs switched off for {service}"));
            }
            ("ADD", Some(m)) => {
                out.push(format!("{m} exempted from {log_type} audit logs of {service}"));
            }
            _ => {}
        }
    }
    out
}

/// Owner, editor and administrator roles (CIS Google Cloud Foundations 1.5 counts
/// `roles/owner`, `roles/editor` and every `*Admin` role as administrative).
fn is_admin_role(role: &str) -> bool {
    let Some(name) = role.strip_prefix("roles/") else { return false };
    name == "owner" || name == "editor" || name.to_ascii_lowercase().ends_with("admin")
}

/// Why a member is outside the organization: everyone, a personal account, or an
/// account of another domain than the acting principal's.
fn outside_member(member: &str, own: Option<&str>) -> Option<String> {
    match member {
        "allUsers" => return Some("everyone".into()),
        "allAuthenticatedUsers" => return Some("every Google account".into()),
        _ => {}
    }
    let (kind, rest) = member.split_once(':')?;
    let domain = match kind {
        "user" | "group" => domain_of(rest)?,
        "domain" => rest.trim(),
        _ => return None,
    };
    let domain = domain.to_ascii_lowercase();
    if PERSONAL_DOMAINS.contains(&domain.as_str()) {
        return Some("a personal account".into());
    }
    // A principal of the organization's own domain granting another domain's account.
    match own {
        Some(o) if !o.eq_ignore_ascii_case(&domain) && !is_google_managed(o) => {
            Some(format!("another domain than {o}"))
        }
        _ => None,
    }
}

/// The Workspace application of a Workspace audit log shared with Cloud Logging.
fn workspace_app(service: &str) -> Option<&'static str> {
    match service {
        "login.googleapis.com" => Some("login"),
        "admin.googleapis.com" => Some("admin"),
        _ => None,
    }
}

fn domain_of(email: &str) -> Option<&str> {
    email.rsplit_once('@').map(|(_, d)| d.trim()).filter(|d| !d.is_empty())
}

/// Service accounts and Google's own agents say nothing about the organization's domain.
fn is_google_managed(domain: &str) -> bool {
    let d = domain.to_ascii_lowercase();
    d.ends_with("gserviceaccount.com") || d.ends_with("google.com")
}
