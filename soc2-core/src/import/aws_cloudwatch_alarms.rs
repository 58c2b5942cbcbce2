//! `aws-cloudwatch-alarms`: CloudWatch alarms become alert rules, one record per alarm.
//!
//! Inputs (the AWS CLI's JSON output, a boto3 recording, or the soc2 envelope around
//! either): `aws cloudwatch describe-alarms` pages (`MetricAlarms`, `CompositeAlarms`,
//! `LogAlarms`, `NextToken`), and optionally `aws logs describe-metric-filters` pages
//! (`metricFilters`, `nextToken`) so that an alarm on a log metric is shown with the filter
//! pattern that feeds its metric.
//!
//! An alarm is linked to the metric filters whose transformation publishes the metric it
//! watches (namespace and metric name, also inside a metric-math alarm's `Metrics`). The
//! filter pattern (or a log alarm's query) gives the class of events it watches, by the
//! CloudTrail event names in it (the CIS AWS Foundations monitoring filters); a composite
//! alarm takes the class of the alarms its rule names. Anything else is `other`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Item;
use super::capture::{Page, query_param};
use super::error::ImportError;
use super::toolkit::{At, Ctx};
use crate::model::{AlertRule, AlertState, Completeness, EventClass, Payload};

const SOURCE: &str = "aws-cloudwatch-alarms";

#[derive(Clone, Copy, PartialEq, Eq)]
enum AlarmType {
    Metric,
    Composite,
    Log,
}

struct Alarm {
    file: String,
    row: u64,
    kind: AlarmType,
    name: String,
    arn: Option<String>,
    value: Value,
}

struct Filter {
    file: String,
    row: u64,
    log_group: String,
    name: String,
    pattern: String,
    /// (namespace, metric name) of each transformation.
    metrics: Vec<(String, String)>,
    watched: bool,
}

/// One page of a listing, as far as pagination goes.
struct ListPage<'a> {
    page: &'a Page,
    next: Option<String>,
}

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], system: &str) -> Result<Vec<Item>, ImportError> {
    let mut alarms: Vec<Alarm> = Vec::new();
    // An alarm's key (ARN, else name) -> its place in `alarms`.
    let mut keys: BTreeMap<String, usize> = BTreeMap::new();
    let mut filters: Vec<Filter> = Vec::new();
    let mut alarm_pages: Vec<ListPage<'_>> = Vec::new();
    let mut filter_pages: Vec<ListPage<'_>> = Vec::new();
    for page in pages {
        let body = page.json(SOURCE)?;
        let file = page.file.as_str();
        let obj = body.as_object().ok_or_else(|| wrong_source(file, &body))?;
        let is_alarms =
            ["MetricAlarms", "CompositeAlarms", "LogAlarms"].iter().any(|k| obj.contains_key(*k));
        if is_alarms {
            let next = token(ctx, file, obj.get("NextToken"), "NextToken");
            alarm_pages.push(ListPage { page, next });
            let mut row = 0;
            for (key, kind) in [
                ("MetricAlarms", AlarmType::Metric),
                ("CompositeAlarms", AlarmType::Composite),
                ("LogAlarms", AlarmType::Log),
            ] {
                for a in list(file, &body, key)? {
                    row += 1;
                    ctx.rows_read += 1;
                    read_alarm(ctx, (&mut alarms, &mut keys), file, row, kind, a)?;
                }
            }
        } else if obj.contains_key("metricFilters") {
            let next = token(ctx, file, obj.get("nextToken").or(obj.get("NextToken")), "nextToken");
            filter_pages.push(ListPage { page, next });
            for (i, f) in list(file, &body, "metricFilters")?.into_iter().enumerate() {
                filters.push(read_filter(ctx, file, i as u64 + 1, &f)?);
            }
        } else {
            return Err(wrong_source(file, &body));
        }
    }
    if alarm_pages.is_empty() {
        return Err(ImportError::MissingPages {
            reason: "no `aws cloudwatch describe-alarms` output among the inputs: the alarms it \
                     lists are the population (metric filters only link to them)"
                .into(),
        });
    }
    chain(&alarm_pages, "describe-alarms", "NextToken")?;
    chain(&filter_pages, "describe-metric-filters", "nextToken")?;
    completeness(ctx, &alarm_pages);
    let items = conclude(ctx, system, &alarms, &mut filters)?;
    for f in filters.iter().filter(|f| !f.watched) {
        ctx.warn(
            "filter_without_alarm",
            "a metric filter publishes a metric that no alarm watches",
            At { file: &f.file, row: f.row, field: "metricTransformations" },
        );
    }
    if items.is_empty() {
        ctx.warn(
            "no_alarm",
            "describe-alarms lists no alarm",
            At { file: &alarm_pages[0].page.file, row: 0, field: "MetricAlarms" },
        );
    }
    Ok(items)
}

fn wrong_source(file: &str, body: &Value) -> ImportError {
    let what = if body.get("AlarmName").is_some() && body.get("NewStateValue").is_some() {
        "an alarm's state-change notification, not describe-alarms output"
    } else if body.pointer("/Records/0/Sns").is_some() || body.get("Records").is_some() {
        "an SNS notification (or CloudTrail records), not describe-alarms output"
    } else if body.get("AlarmHistoryItems").is_some() {
        "alarm history, not describe-alarms output"
    } else if body.get("logGroups").is_some() {
        "describe-log-groups output: give describe-metric-filters"
    } else {
        "no `MetricAlarms`, `CompositeAlarms` or `metricFilters`: not describe-alarms or \
         describe-metric-filters output"
    };
    ImportError::wrong(file, SOURCE, what)
}

fn list(file: &str, body: &Value, key: &str) -> Result<Vec<Value>, ImportError> {
    match body.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        Some(Value::Array(a)) => Ok(a.clone()),
        Some(_) => Err(ImportError::malformed(file, 0, Some(key), "expected a list")),
    }
}

fn token(ctx: &mut Ctx, file: &str, v: Option<&Value>, field: &str) -> Option<String> {
    ctx.json_text(v, At { file, row: 0, field })
}

/// Exactly one page of a listing is its last (no token); tokens are not repeated; with
/// captured request URLs, every token is the `NextToken=` of another page.
fn chain(pages: &[ListPage<'_>], what: &str, field: &str) -> Result<(), ImportError> {
    if pages.is_empty() {
        return Ok(());
    }
    let last = pages.iter().filter(|p| p.next.is_none()).count();
    if last == 0 {
        let files: Vec<&str> = pages.iter().map(|p| p.page.file.as_str()).collect();
        return Err(ImportError::MissingPages {
            reason: format!(
                "every {what} page given has a {field} ({}): the listing goes on and its last \
                 page is not among the inputs (the CLI prints a token when --max-items or \
                 --no-paginate cut the listing short)",
                files.join(", ")
            ),
        });
    }
    if last > 1 {
        return Err(ImportError::MissingPages {
            reason: format!(
                "{last} {what} pages have no {field}: each is the last page of a listing, so \
                 they are not one population (one region, one listing per import)"
            ),
        });
    }
    let mut seen = BTreeSet::new();
    for p in pages {
        if let Some(t) = &p.next
            && !seen.insert(t.as_str())
        {
            return Err(ImportError::MissingPages {
                reason: format!("two {what} pages name the same next page (a page given twice)"),
            });
        }
    }
    // A captured request shows which page each one is: then every token must be followed.
    let requested: Vec<Option<String>> =
        pages
            .iter()
            .map(|p| {
                p.page.capture.as_ref().and_then(|c| c.url.as_deref()).and_then(|u| {
                    query_param(u, "NextToken").or_else(|| query_param(u, "nextToken"))
                })
            })
            .collect();
    if pages.iter().all(|p| p.page.capture.as_ref().is_some_and(|c| c.url.is_some())) {
        for p in pages {
            if let Some(t) = &p.next
                && !requested.iter().flatten().any(|r| r == t)
            {
                return Err(ImportError::MissingPages {
                    reason: format!(
                        "{}: the {what} page after it ({field}={t}) is not among the inputs",
                        p.page.file
                    ),
                });
            }
        }
    }
    Ok(())
}

/// Request parameters of DescribeAlarms (query protocol) that narrow the alarms listed.
const ALARM_FILTERS: [&str; 6] = [
    "AlarmNamePrefix",
    "AlarmNames.member.1",
    "StateValue",
    "ActionPrefix",
    "ChildrenOfAlarmName",
    "ParentsOfAlarmName",
];

fn completeness(ctx: &mut Ctx, pages: &[ListPage<'_>]) {
    let urls: Vec<Option<&str>> =
        pages.iter().map(|p| p.page.capture.as_ref().and_then(|c| c.url.as_deref())).collect();
    let query_protocol = |u: &str| query_param(u, "Action").as_deref() == Some("DescribeAlarms");
    if urls.iter().all(|u| u.is_some_and(query_protocol)) {
        for (p, url) in pages.iter().zip(&urls) {
            let url = url.expect("every page has a URL here");
            for f in ALARM_FILTERS {
                if let Some(v) = query_param(url, f) {
                    ctx.completeness(
                        Completeness::Filtered,
                        Some(format!("{}: alarms listed with {f}={v}", p.page.file)),
                    );
                }
            }
            let types: Vec<String> = (1..=3)
                .filter_map(|n| query_param(url, &format!("AlarmTypes.member.{n}")))
                .collect();
            if !types.iter().any(|t| t == "CompositeAlarm") {
                ctx.completeness(
                    Completeness::Filtered,
                    Some(format!(
                        "{}: without AlarmTypes=CompositeAlarm only metric alarms are listed",
                        p.page.file
                    )),
                );
            }
        }
        ctx.completeness(
            Completeness::Complete,
            Some(format!("{} page(s), each NextToken followed, no filter", pages.len())),
        );
        return;
    }
    let pages_note = if pages.len() == 1 {
        "one page without NextToken".to_owned()
    } else {
        format!("{} pages, one without NextToken", pages.len())
    };
    ctx.completeness(
        Completeness::Unknown,
        Some(format!(
            "{pages_note}; the output does not show the request, so whether --alarm-names, \
             --alarm-name-prefix, --state-value, --action-prefix or --alarm-types narrowed it \
             is unknown"
        )),
    );
}

fn read_alarm(
    ctx: &mut Ctx,
    (alarms, keys): (&mut Vec<Alarm>, &mut BTreeMap<String, usize>),
    file: &str,
    row: u64,
    kind: AlarmType,
    a: Value,
) -> Result<(), ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let name = ctx.json_text(a.get("AlarmName"), at("AlarmName")).ok_or_else(|| {
        ImportError::malformed(file, row, Some("AlarmName"), "an alarm without a name")
    })?;
    let arn = ctx.json_text(a.get("AlarmArn"), at("AlarmArn"));
    let key = arn.clone().unwrap_or_else(|| name.clone());
    if let Some(first) = keys.get(&key).map(|&i| &alarms[i]) {
        ctx.skip(
            file,
            row,
            format!("{key}: listed again (first in {} row {})", first.file, first.row),
        );
        return Ok(());
    }
    keys.insert(key, alarms.len());
    alarms.push(Alarm { file: file.to_owned(), row, kind, name, arn, value: a });
    Ok(())
}

fn read_filter(ctx: &mut Ctx, file: &str, row: u64, f: &Value) -> Result<Filter, ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let name = ctx.json_text(f.get("filterName"), at("filterName")).ok_or_else(|| {
        ImportError::malformed(file, row, Some("filterName"), "a metric filter without a name")
    })?;
    let log_group = ctx.json_text(f.get("logGroupName"), at("logGroupName")).unwrap_or_default();
    // The pattern as written: a blank pattern matches every log event.
    let pattern = match f.get("filterPattern") {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => {
            return Err(ImportError::malformed(file, row, Some("filterPattern"), "expected text"));
        }
    };
    let mut metrics = Vec::new();
    for t in list(file, f, "metricTransformations")? {
        let ns = ctx.json_text(t.get("metricNamespace"), at("metricNamespace"));
        let m = ctx.json_text(t.get("metricName"), at("metricName"));
        match (ns, m) {
            (Some(ns), Some(m)) => metrics.push((ns, m)),
            _ => {
                return Err(ImportError::malformed(
                    file,
                    row,
                    Some("metricTransformations"),
                    "a transformation without metricNamespace and metricName",
                ));
            }
        }
    }
    Ok(Filter { file: file.to_owned(), row, log_group, name, pattern, metrics, watched: false })
}

/// The (namespace, metric) pairs an alarm watches.
fn watched_metrics(a: &Value) -> Vec<(String, String)> {
    let pair = |v: &Value| {
        let ns = v.get("Namespace").and_then(Value::as_str)?;
        let m = v.get("MetricName").and_then(Value::as_str)?;
        Some((ns.to_owned(), m.to_owned()))
    };
    let mut out: Vec<(String, String)> = pair(a).into_iter().collect();
    if let Some(ms) = a.get("Metrics").and_then(Value::as_array) {
        out.extend(ms.iter().filter_map(|m| m.pointer("/MetricStat/Metric")).filter_map(pair));
    }
    out
}

fn conclude(
    ctx: &mut Ctx,
    system: &str,
    alarms: &[Alarm],
    filters: &mut [Filter],
) -> Result<Vec<Item>, ImportError> {
    let mut classes: BTreeMap<String, EventClass> = BTreeMap::new();
    let mut rules: Vec<AlertRule> = Vec::new();
    // Composite alarms last, so that the alarms they name are classified.
    let order: Vec<usize> = (0..alarms.len())
        .filter(|&i| alarms[i].kind != AlarmType::Composite)
        .chain((0..alarms.len()).filter(|&i| alarms[i].kind == AlarmType::Composite))
        .collect();
    let mut by_index: BTreeMap<usize, AlertRule> = BTreeMap::new();
    for i in order {
        let a = &alarms[i];
        let (file, row) = (a.file.as_str(), a.row);
        let at = |field: &'static str| At { file, row, field };
        let v = &a.value;
        let state = match ctx.json_text(v.get("StateValue"), at("StateValue")).as_deref() {
            None => None,
            Some("OK") => Some(AlertState::Ok),
            Some("ALARM") => Some(AlertState::Alarm),
            Some("INSUFFICIENT_DATA") => Some(AlertState::InsufficientData),
            Some(other) => {
                return Err(ImportError::malformed(
                    file,
                    row,
                    Some("StateValue"),
                    format!("expected OK, ALARM or INSUFFICIENT_DATA, found {other:?}"),
                ));
            }
        };
        match state {
            Some(AlertState::Alarm) => {
                ctx.warn("alarm_firing", "an alarm is in the ALARM state", at("StateValue"));
            }
            Some(AlertState::InsufficientData) => ctx.warn(
                "alarm_insufficient_data",
                "an alarm has insufficient data (its metric may never be published)",
                at("StateValue"),
            ),
            _ => {}
        }
        let enabled = match ctx.json_bool(v.get("ActionsEnabled"), at("ActionsEnabled"))? {
            Some(b) => b,
            None => {
                ctx.warn(
                    "actions_enabled_absent",
                    "an alarm without ActionsEnabled was read as not enabled",
                    at("ActionsEnabled"),
                );
                false
            }
        };
        if !enabled {
            ctx.warn(
                "alarm_actions_disabled",
                "an alarm's actions are disabled: it notifies nobody",
                at("ActionsEnabled"),
            );
        }
        let mut notify = Vec::new();
        let mut acts = false;
        for n in list(file, v, "AlarmActions")? {
            let Some(s) = ctx.json_text(Some(&n), at("AlarmActions")) else { continue };
            acts = true;
            if ACTING_ONLY.iter().any(|p| s.starts_with(p)) {
                // Scaling, or stopping/rebooting/recovering an instance: nobody is told.
                ctx.warn(
                    "action_notifies_nobody",
                    "an alarm action that acts on resources (Auto Scaling, EC2) was not read \
                     as a notification",
                    at("AlarmActions"),
                );
                continue;
            }
            notify.push(s);
        }
        if !acts {
            ctx.warn(
                "alarm_without_actions",
                "an alarm has no AlarmActions: it notifies nobody",
                at("AlarmActions"),
            );
        }
        let (condition, class) = match a.kind {
            AlarmType::Metric => metric_condition(ctx, a, filters),
            AlarmType::Log => {
                let q = v
                    .pointer("/ScheduledQueryConfiguration/QueryString")
                    .and_then(Value::as_str)
                    .map(str::to_owned);
                let class = q.as_deref().map_or(EventClass::Other, classify);
                (q, class)
            }
            AlarmType::Composite => {
                let rule = v.get("AlarmRule").and_then(Value::as_str).map(str::to_owned);
                let named: BTreeSet<EventClass> = rule
                    .as_deref()
                    .map(alarm_rule_names)
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|n| classes.get(n).copied())
                    .filter(|c| *c != EventClass::Other)
                    .collect();
                let class = match named.len() {
                    1 => *named.iter().next().expect("one"),
                    _ => EventClass::Other,
                };
                (rule, class)
            }
        };
        classes.insert(a.name.clone(), class);
        if let Some(arn) = &a.arn {
            classes.insert(arn.clone(), class);
        }
        by_index.insert(
            i,
            AlertRule {
                name: a.name.clone(),
                system: Some(system.to_owned()),
                event_class: class,
                enabled,
                notify,
                condition,
                state,
            },
        );
        ctx.rows_kept += 1;
    }
    rules.extend(by_index.into_values());
    Ok(rules.into_iter().map(|r| Item::at_export(Payload::AlertRule(r))).collect())
}

/// A metric alarm's condition: the patterns of the metric filters feeding its metric, or
/// else the metric and threshold.
fn metric_condition(
    ctx: &mut Ctx,
    a: &Alarm,
    filters: &mut [Filter],
) -> (Option<String>, EventClass) {
    let v = &a.value;
    let metrics = watched_metrics(v);
    let mut linked: Vec<usize> = Vec::new();
    for (i, f) in filters.iter_mut().enumerate() {
        if f.metrics.iter().any(|m| metrics.contains(m)) {
            f.watched = true;
            linked.push(i);
        }
    }
    if linked.is_empty() {
        if !filters.is_empty() && metrics.iter().any(|(ns, _)| !ns.starts_with("AWS/")) {
            ctx.warn(
                "alarm_metric_without_filter",
                "an alarm watches a custom metric that no given metric filter publishes",
                At { file: &a.file, row: a.row, field: "MetricName" },
            );
        }
        let text = |k: &str| {
            v.get(k).map(|x| match x {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            })
        };
        let what = match (text("Namespace"), text("MetricName")) {
            (Some(ns), Some(m)) => format!("{ns} {m}"),
            _ => {
                let parts: Vec<String> = v
                    .get("Metrics")
                    .and_then(Value::as_array)
                    .map(|ms| {
                        ms.iter()
                            .filter_map(|m| {
                                m.get("Expression")
                                    .and_then(Value::as_str)
                                    .map(str::to_owned)
                                    .or_else(|| {
                                        let m = m.pointer("/MetricStat/Metric")?;
                                        Some(format!(
                                            "{} {}",
                                            m.get("Namespace")?.as_str()?,
                                            m.get("MetricName")?.as_str()?
                                        ))
                                    })
                            })
                            .collect()
                    })
                    .unwrap_or_default();
                if parts.is_empty() {
                    return (None, EventClass::Other);
                }
                parts.join(", ")
            }
        };
        let words: Vec<String> = [
            Some(what),
            text("Statistic").or_else(|| text("ExtendedStatistic")),
            text("ComparisonOperator"),
            text("Threshold"),
        ]
        .into_iter()
        .flatten()
        .collect();
        return (Some(words.join(" ")), EventClass::Other);
    }
    let patterns: BTreeSet<&str> = linked.iter().map(|&i| filters[i].pattern.as_str()).collect();
    let condition = if patterns.len() == 1 {
        patterns.iter().next().expect("one").to_string()
    } else {
        linked
            .iter()
            .map(|&i| {
                let f = &filters[i];
                format!("{}/{}: {}", f.log_group, f.name, f.pattern)
            })
            .collect::<Vec<_>>()
            .join("\n")
    };
    let classes: BTreeSet<EventClass> =
        patterns.iter().map(|p| classify(p)).filter(|c| *c != EventClass::Other).collect();
    let class = match classes.len() {
        1 => *classes.iter().next().expect("one"),
        _ => EventClass::Other,
    };
    (Some(condition), class)
}

/// The alarms a composite rule names in `ALARM(...)` (by name or ARN, quotes optional).
fn alarm_rule_names(rule: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = rule;
    while let Some(i) = rest.find("ALARM(") {
        let after = &rest[i + "ALARM(".len()..];
        // `INSUFFICIENT_DATA(` and `OK(` do not end in `ALARM(`; skip a longer word.
        let before = rest[..i].chars().next_back();
        let Some(end) = after.find(')') else { break };
        if !before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            let name = after[..end].trim().trim_matches(['"', '\'']).trim();
            if !name.is_empty() {
                out.push(name.to_owned());
            }
        }
        rest = &after[end..];
    }
    out
}

/// Alarm actions that act on resources rather than tell anyone (Auto Scaling policies,
/// EC2 stop/terminate/reboot/recover, the older SWF form of those).
const ACTING_ONLY: [&str; 3] = ["arn:aws:autoscaling:", "arn:aws:automate:", "arn:aws:swf:"];

/// IAM changes that grant or widen rights (CIS "IAM policy changes").
const PRIVILEGE_EVENTS: &[&str] = &[
    "AddUserToGroup",
    "AttachGroupPolicy",
    "AttachRolePolicy",
    "AttachUserPolicy",
    "CreatePolicy",
    "CreatePolicyVersion",
    "DeleteGroupPolicy",
    "DeletePolicy",
    "DeletePolicyVersion",
    "DeleteRolePolicy",
    "DeleteUserPolicy",
    "DetachGroupPolicy",
    "DetachRolePolicy",
    "DetachUserPolicy",
    "PutGroupPolicy",
    "PutRolePolicy",
    "PutUserPolicy",
    "SetDefaultPolicyVersion",
    "UpdateAssumeRolePolicy",
];

/// Security-relevant configuration changes (CIS: CloudTrail, KMS, S3 bucket policies,
/// AWS Config, security groups, NACLs, gateways, route tables, VPCs, Organizations).
const CONFIG_EVENTS: &[&str] = &[
    "CreateTrail",
    "UpdateTrail",
    "DeleteTrail",
    "StartLogging",
    "StopLogging",
    "DisableKey",
    "ScheduleKeyDeletion",
    "PutBucketAcl",
    "PutBucketPolicy",
    "PutBucketCors",
    "PutBucketLifecycle",
    "PutBucketReplication",
    "DeleteBucketPolicy",
    "DeleteBucketCors",
    "DeleteBucketLifecycle",
    "DeleteBucketReplication",
    "StopConfigurationRecorder",
    "DeleteDeliveryChannel",
    "PutDeliveryChannel",
    "PutConfigurationRecorder",
    "AuthorizeSecurityGroupIngress",
    "AuthorizeSecurityGroupEgress",
    "RevokeSecurityGroupIngress",
    "RevokeSecurityGroupEgress",
    "CreateSecurityGroup",
    "DeleteSecurityGroup",
    "CreateNetworkAcl",
    "CreateNetworkAclEntry",
    "DeleteNetworkAcl",
    "DeleteNetworkAclEntry",
    "ReplaceNetworkAclEntry",
    "ReplaceNetworkAclAssociation",
    "CreateCustomerGateway",
    "DeleteCustomerGateway",
    "AttachInternetGateway",
    "CreateInternetGateway",
    "DeleteInternetGateway",
    "DetachInternetGateway",
    "CreateRoute",
    "CreateRouteTable",
    "ReplaceRoute",
    "ReplaceRouteTableAssociation",
    "DeleteRouteTable",
    "DeleteRoute",
    "DisassociateRouteTable",
    "CreateVpc",
    "DeleteVpc",
    "ModifyVpcAttribute",
    "AcceptVpcPeeringConnection",
    "CreateVpcPeeringConnection",
    "DeleteVpcPeeringConnection",
    "RejectVpcPeeringConnection",
    "AttachClassicLinkVpc",
    "DetachClassicLinkVpc",
    "DisableVpcClassicLink",
    "EnableVpcClassicLink",
    "LeaveOrganization",
    "RemoveAccountFromOrganization",
    "InviteAccountToOrganization",
    "MoveAccount",
];

/// The class of events a filter pattern (or log query) selects, by the event names and
/// error codes in it; first match in this order: failed console sign-ins, IAM policy
/// changes, configuration changes, unauthorized calls (read as data access anomalies).
pub(crate) fn classify(pattern: &str) -> EventClass {
    let words: BTreeSet<&str> = pattern
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .collect();
    let lower = pattern.to_ascii_lowercase();
    if words.contains("ConsoleLogin")
        && (lower.contains("failed authentication") || words.contains("Failure"))
    {
        return EventClass::FailedLogins;
    }
    if lower.contains("organizations.amazonaws.com") {
        return EventClass::ConfigurationChange;
    }
    if PRIVILEGE_EVENTS.iter().any(|e| words.contains(e)) {
        return EventClass::PrivilegeEscalation;
    }
    if CONFIG_EVENTS.iter().any(|e| words.contains(e)) {
        return EventClass::ConfigurationChange;
    }
    if words.contains("UnauthorizedOperation") || words.contains("AccessDenied") {
        return EventClass::DataAccessAnomaly;
    }
    EventClass::Other
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cis_patterns_are_classified() {
        let c = classify;
        assert_eq!(
            c(r#"{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }"#),
            EventClass::FailedLogins
        );
        assert_eq!(
            c("{($.eventName=DeleteGroupPolicy)||($.eventName=PutRolePolicy)}"),
            EventClass::PrivilegeEscalation
        );
        assert_eq!(
            c("{ ($.eventName = CreateTrail) || ($.eventName = StopLogging) }"),
            EventClass::ConfigurationChange
        );
        assert_eq!(
            c(r#"{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }"#),
            EventClass::DataAccessAnomaly
        );
        assert_eq!(
            c("{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != Yes) }"),
            EventClass::Other
        );
        assert_eq!(
            c(
                r#"{ ($.eventSource = organizations.amazonaws.com) && ($.eventName = "CreatePolicy") }"#
            ),
            EventClass::ConfigurationChange
        );
        assert_eq!(c(" "), EventClass::Other);
        // A longer word is not the event name.
        assert_eq!(c("{ $.eventName = CreateTrailX }"), EventClass::Other);
    }

    #[test]
    fn composite_rules_name_alarms() {
        assert_eq!(
            alarm_rule_names(r#"ALARM("a") OR (ALARM(b) AND NOT INSUFFICIENT_DATA("c")) OR OK(d)"#),
            vec!["a".to_owned(), "b".to_owned()]
        );
        assert_eq!(
            alarm_rule_names("ALARM(arn:aws:cloudwatch:us-east-1:1:alarm:x)"),
            vec!["arn:aws:cloudwatch:us-east-1:1:alarm:x".to_owned()]
        );
    }
}
