//! `aws-cloudtrail-events`: CloudTrail log files (`{"Records": [...]}`, gzipped or not),
//! `aws cloudtrail lookup-events` output (`{"Events": [{"CloudTrailEvent": "..."}]}`),
//! EventBridge deliveries (`{"detail-type": ..., "detail": {...}}`) and log-pipeline
//! NDJSON of records (extra fields such as Panther's `p_*` ignored).
//!
//! Fields read (AWS CloudTrail record contents): `eventTime`, `eventID`, `eventSource`,
//! `eventName`, `eventType`, `errorCode`, `userIdentity` (`type`, `arn`, `userName`,
//! `principalId`, `accountId`, `invokedBy`), `sourceIPAddress`, `readOnly`,
//! `recipientAccountId`, `requestParameters`, `responseElements.ConsoleLogin`,
//! `additionalEventData` (`MFAUsed`, `SamlProviderArn`).

use serde_json::Value;

use super::{EventSource, Facts, Hit, Loc, Sink, json_in_string, loose_bool, str_of};
use crate::import::error::ImportError;
use crate::import::toolkit::At;
use crate::model::{Detection as D, EventOutcome};

/// The source.
pub(crate) const SOURCE: EventSource = EventSource {
    wrappers: &["Records", "Events"],
    fields: Some(&[
        "eventName",
        "eventSource",
        "eventTime",
        "eventID",
        "eventType",
        "errorCode",
        "userIdentity",
        "sourceIPAddress",
        "readOnly",
        "recipientAccountId",
        "requestParameters",
        "responseElements",
        "additionalEventData",
        "insightDetails",
        // lookup-events, EventBridge and pipelines' envelopes.
        "CloudTrailEvent",
        "EventTime",
        "EventId",
        "detail",
        "_raw",
    ]),
    read,
};

/// At least this many characters in a password policy (CIS AWS Foundations 1.8).
const MIN_PASSWORD_LENGTH: u64 = 14;

fn read(sink: &mut Sink<'_>, value: &Value, loc: Loc<'_>) -> Result<(), ImportError> {
    let at = |field: &'static str| At { file: loc.file, row: loc.record, field };
    // lookup-events wraps the record as a JSON string; EventBridge under `detail`; a
    // pipeline may keep the raw record as a string in `_raw`.
    let inner;
    let event = if value.get("eventName").is_some() || value.get("insightDetails").is_some() {
        value
    } else if let Some(v) =
        json_in_string(sink.ctx, value.get("CloudTrailEvent"), at("CloudTrailEvent"))
    {
        inner = v;
        &inner
    } else if value.get("detail").is_some_and(|d| d.get("eventName").is_some()) {
        &value["detail"]
    } else if let Some(v) = json_in_string(sink.ctx, value.get("_raw"), at("_raw")) {
        inner = v;
        &inner
    } else {
        value
    };
    // An Insights event names the API it is about inside `insightDetails`.
    let insight = event.get("insightDetails");
    let field = |k: &str| str_of(event.get(k)).or_else(|| str_of(insight.and_then(|i| i.get(k))));
    let (Some(name), Some(source)) = (field("eventName"), field("eventSource")) else {
        sink.foreign(loc, "not a CloudTrail record (no eventName and eventSource)");
        return Ok(());
    };
    let error = str_of(event.get("errorCode"));
    let console = str_of(event.pointer("/responseElements/ConsoleLogin"));
    let outcome = if error.is_some() || console.is_some_and(|c| c.eq_ignore_ascii_case("failure")) {
        EventOutcome::Failure
    } else {
        EventOutcome::Success
    };
    // lookup-events puts the time outside the record too (sometimes as epoch seconds).
    let time = event.get("eventTime").or_else(|| value.get("EventTime"));
    let id = str_of(event.get("eventID")).or_else(|| str_of(value.get("EventId")));
    let facts = Facts { time, time_field: "eventTime", id, class: source, action: name, outcome };
    let Some(counted) = sink.event(event, loc, facts)? else { return Ok(()) };
    if insight.is_some() {
        // Unusual call rates: counted; what they are about is listed where it happens.
        return Ok(());
    }

    let identity = event.get("userIdentity");
    let identity_type = str_of(identity.and_then(|i| i.get("type"))).unwrap_or("");
    let actor = actor_of(identity);
    let ip = str_of(event.get("sourceIPAddress")).map(str::to_owned);
    let params = event.get("requestParameters").filter(|p| p.is_object());
    let param = |k: &str| str_of(params.and_then(|p| p.get(k)));
    let service = source.strip_suffix(".amazonaws.com").unwrap_or(source);

    if name == "ConsoleLogin" && outcome == EventOutcome::Failure {
        sink.failed_sign_in(counted, loc, id, &actor, name, ip.as_deref());
    }
    if outcome != EventOutcome::Success {
        // A failed call changed nothing: counted as an attempt, not listed.
        return Ok(());
    }
    let mut hits: Vec<(D, Option<String>, Option<String>)> = Vec::new();
    let root = identity_type == "Root"
        && identity.and_then(|i| i.get("invokedBy")).is_none()
        && str_of(event.get("eventType")) != Some("AwsServiceEvent");
    let read_only = loose_bool(event.get("readOnly")) == Some(true);
    if root && (name == "ConsoleLogin" || !read_only) {
        let detail = match name {
            "ConsoleLogin" => "the root user signed in".to_owned(),
            "CreateAccessKey" => "the root user created an access key".to_owned(),
            _ => format!("the root user called {name}"),
        };
        hits.push((D::RootAccountUsed, None, Some(detail)));
    }
    match (service, name) {
        ("signin", "ConsoleLogin") => {
            let extra = event.get("additionalEventData");
            let mfa = str_of(extra.and_then(|e| e.get("MFAUsed")));
            let saml = str_of(extra.and_then(|e| e.get("SamlProviderArn"))).is_some();
            // Federated sign-ins take MFA from the identity provider.
            if matches!(identity_type, "IAMUser" | "Root")
                && !saml
                && mfa.is_some_and(|m| m.eq_ignore_ascii_case("no"))
            {
                hits.push((D::SignInWithoutMfa, None, Some("MFAUsed: No".into())));
            }
        }
        ("cloudtrail", "StopLogging" | "DeleteTrail" | "UpdateTrail") => {
            let target = param("name").map(str::to_owned);
            let detail = match name {
                "StopLogging" => "the trail stopped logging",
                "DeleteTrail" => "the trail was deleted",
                _ => "the trail's settings were changed",
            };
            hits.push((D::LoggingDisabled, target, Some(detail.into())));
        }
        ("cloudtrail", "PutEventSelectors") => {
            let narrowed = params
                .and_then(|p| p.get("eventSelectors"))
                .and_then(Value::as_array)
                .is_some_and(|sels| {
                    sels.iter().any(|s| {
                        loose_bool(s.get("includeManagementEvents")) == Some(false)
                            || str_of(s.get("readWriteType")).is_some_and(|r| r != "All")
                    })
                });
            if narrowed {
                hits.push((
                    D::LoggingDisabled,
                    param("trailName").map(str::to_owned),
                    Some("management events switched off or narrowed".into()),
                ));
            }
        }
        (
            "config",
            "StopConfigurationRecorder" | "DeleteConfigurationRecorder" | "DeleteDeliveryChannel",
        )
        | ("guardduty", "DeleteDetector")
        | ("logs", "DeleteLogGroup") => {
            let target = param("configurationRecorderName")
                .or_else(|| param("deliveryChannelName"))
                .or_else(|| param("detectorId"))
                .or_else(|| param("logGroupName"))
                .map(str::to_owned);
            hits.push((D::LoggingDisabled, target, Some(format!("{service} {name}"))));
        }
        ("iam", "AttachUserPolicy" | "AttachGroupPolicy" | "AttachRolePolicy")
            if param("policyArn").is_some_and(|a| a.ends_with(":policy/AdministratorAccess")) =>
        {
            hits.push((
                D::AdminGranted,
                principal_param(params),
                Some("AdministratorAccess attached".into()),
            ));
        }
        ("iam", "PutUserPolicy" | "PutGroupPolicy" | "PutRolePolicy" | "CreatePolicyVersion") => {
            let doc = json_in_string(
                sink.ctx,
                params.and_then(|p| p.get("policyDocument")),
                at("requestParameters.policyDocument"),
            );
            if doc.as_ref().is_some_and(grants_everything) {
                hits.push((
                    D::AdminGranted,
                    principal_param(params).or_else(|| param("policyArn").map(str::to_owned)),
                    Some("a policy allowing every action on every resource".into()),
                ));
            }
        }
        ("iam", "AddUserToGroup") => {
            if let Some(group) =
                param("groupName").filter(|g| g.to_ascii_lowercase().contains("admin"))
            {
                hits.push((
                    D::AdminGranted,
                    param("userName").map(str::to_owned),
                    Some(format!("added to group {group}")),
                ));
            }
        }
        ("iam", "DeactivateMFADevice" | "DeleteVirtualMFADevice") => {
            let target = param("userName").or_else(|| param("serialNumber")).map(str::to_owned);
            hits.push((D::MfaRemoved, target, Some(format!("iam {name}"))));
        }
        ("iam", "DeleteAccountPasswordPolicy") => {
            hits.push((
                D::PasswordPolicyWeakened,
                None,
                Some("the password policy was deleted".into()),
            ));
        }
        ("iam", "UpdateAccountPasswordPolicy") => {
            let weak = weak_password_policy(params);
            if !weak.is_empty() {
                hits.push((D::PasswordPolicyWeakened, None, Some(weak.join(", "))));
            }
        }
        ("iam", "CreateAccessKey") if !root => {
            let target = param("userName").map(str::to_owned).or_else(|| Some(actor.clone()));
            hits.push((
                D::ServiceAccountKeyCreated,
                target,
                Some("a long-lived access key".into()),
            ));
        }
        ("iam", "CreateRole" | "UpdateAssumeRolePolicy") => {
            let doc = json_in_string(
                sink.ctx,
                params.and_then(|p| {
                    p.get("assumeRolePolicyDocument").or_else(|| p.get("policyDocument"))
                }),
                at("requestParameters.assumeRolePolicyDocument"),
            );
            let own = str_of(event.get("recipientAccountId"))
                .or_else(|| str_of(identity.and_then(|i| i.get("accountId"))));
            if let Some(outside) = doc.as_ref().and_then(|d| outside_principal(d, own)) {
                hits.push((
                    D::ExternalAccessGranted,
                    param("roleName").map(str::to_owned),
                    Some(format!("the role trusts {outside}")),
                ));
            }
        }
        ("s3", "PutBucketPolicy") => {
            let policy = json_in_string(
                sink.ctx,
                params.and_then(|p| p.get("bucketPolicy")),
                at("requestParameters.bucketPolicy"),
            );
            if policy
                .as_ref()
                .and_then(|d| outside_principal(d, None))
                .is_some_and(|p| p == "everyone")
            {
                hits.push((
                    D::ExternalAccessGranted,
                    param("bucketName").map(str::to_owned),
                    Some("the bucket policy allows everyone".into()),
                ));
            }
        }
        ("s3", "PutBucketAcl" | "PutObjectAcl") => {
            let text = params.map(Value::to_string).unwrap_or_default();
            if text.contains("groups/global/AllUsers")
                || text.contains("groups/global/AuthenticatedUsers")
                || text.contains("\"public-read")
            {
                hits.push((
                    D::ExternalAccessGranted,
                    param("bucketName").map(str::to_owned),
                    Some("an ACL grants access to all users".into()),
                ));
            }
        }
        ("s3", "DeleteBucketPublicAccessBlock" | "DeleteAccountPublicAccessBlock") => {
            hits.push((
                D::ExternalAccessGranted,
                param("bucketName").map(str::to_owned),
                Some("the public access block was removed".into()),
            ));
        }
        ("ec2", "ModifySnapshotAttribute")
        | ("rds", "ModifyDBSnapshotAttribute" | "ModifyDBClusterSnapshotAttribute") => {
            let text = params.map(Value::to_string).unwrap_or_default();
            if text.contains("\"all\"") {
                hits.push((
                    D::ExternalAccessGranted,
                    param("snapshotId")
                        .or_else(|| param("dBSnapshotIdentifier"))
                        .or_else(|| param("dBClusterSnapshotIdentifier"))
                        .map(str::to_owned),
                    Some("a snapshot shared with everyone".into()),
                ));
            }
        }
        ("rds", "StartExportTask")
        | ("logs", "CreateExportTask")
        | ("dynamodb", "ExportTableToPointInTime")
        | ("ec2", "CreateInstanceExportTask") => {
            let target = param("sourceArn")
                .or_else(|| param("logGroupName"))
                .or_else(|| param("tableArn"))
                .or_else(|| param("instanceId"))
                .map(str::to_owned);
            hits.push((D::BulkDataExport, target, Some(format!("{service} {name}"))));
        }
        _ => {}
    }
    for (detection, target, detail) in hits {
        let hit = Hit {
            detection,
            actor: actor.clone(),
            action: name.to_owned(),
            target,
            source_ip: ip.clone(),
            detail,
        };
        sink.detect(counted, loc, id, outcome, hit);
    }
    Ok(())
}

/// Who acted: the root user, an IAM user, a role session, a service.
fn actor_of(identity: Option<&Value>) -> String {
    let Some(i) = identity else { return String::new() };
    if str_of(i.get("type")) == Some("Root") {
        return match str_of(i.get("accountId")) {
            Some(a) => format!("root ({a})"),
            None => "root".into(),
        };
    }
    str_of(i.get("arn"))
        .or_else(|| str_of(i.get("userName")))
        .or_else(|| str_of(i.get("principalId")))
        .or_else(|| str_of(i.get("invokedBy")))
        .unwrap_or("")
        .to_owned()
}

fn principal_param(params: Option<&Value>) -> Option<String> {
    let p = params?;
    ["userName", "groupName", "roleName"].iter().find_map(|k| str_of(p.get(*k))).map(str::to_owned)
}

/// Statements as a list (a policy may hold one statement object or an array).
fn statements(policy: &Value) -> Vec<&Value> {
    match policy.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s @ Value::Object(_)) => vec![s],
        _ => Vec::new(),
    }
}

fn has_star(v: Option<&Value>) -> bool {
    match v {
        Some(Value::String(s)) => s == "*",
        Some(Value::Array(a)) => a.iter().any(|x| x.as_str() == Some("*")),
        _ => false,
    }
}

/// Whether an IAM policy allows `*` on `*`.
fn grants_everything(policy: &Value) -> bool {
    statements(policy).iter().any(|s| {
        str_of(s.get("Effect")) == Some("Allow")
            && has_star(s.get("Action"))
            && has_star(s.get("Resource"))
    })
}

/// The first principal an Allow statement trusts outside `own` account: `everyone` for
/// `*`, else the account id.
fn outside_principal(policy: &Value, own: Option<&str>) -> Option<String> {
    for s in statements(policy) {
        if str_of(s.get("Effect")) != Some("Allow") {
            continue;
        }
        let principal = s.get("Principal")?;
        if principal.as_str() == Some("*") {
            return Some("everyone".into());
        }
        let aws = principal.get("AWS");
        let list: Vec<&str> = match aws {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        for p in list {
            if p == "*" {
                return Some("everyone".into());
            }
            let account = if p.starts_with("arn:") { p.split(':').nth(4).unwrap_or("") } else { p };
            if own.is_some_and(|o| !account.is_empty() && account != o) {
                return Some(format!("account {account}"));
            }
        }
    }
    None
}

/// What an UpdateAccountPasswordPolicy request leaves below the baseline.
fn weak_password_policy(params: Option<&Value>) -> Vec<String> {
    let Some(p) = params else { return vec!["no settings given".into()] };
    let mut weak = Vec::new();
    match p
        .get("minimumPasswordLength")
        .and_then(|v| v.as_u64().or_else(|| v.as_str()?.parse().ok()))
    {
        Some(n) if n < MIN_PASSWORD_LENGTH => weak.push(format!("minimum length {n}")),
        None => weak.push("no minimum length".into()),
        _ => {}
    }
    for (k, what) in [
        ("requireSymbols", "symbols"),
        ("requireNumbers", "numbers"),
        ("requireUppercaseCharacters", "upper case"),
        ("requireLowercaseCharacters", "lower case"),
    ] {
        if loose_bool(p.get(k)) != Some(true) {
            weak.push(format!("{what} not required"));
        }
    }
    weak
}
