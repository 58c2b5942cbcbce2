//! `aws-cloudtrail-trails`: CloudTrail trails become logging configuration, one record per
//! trail.
//!
//! Inputs, several files of one import (the AWS CLI's JSON output, a boto3 recording, or
//! the soc2 envelope around either):
//! - `aws cloudtrail describe-trails` (`{"trailList": [...]}`; or `get-trail --name X`,
//!   `{"Trail": {...}}`, one named trail): the population, required;
//! - `aws cloudtrail get-trail-status --name X` for every trail (`IsLogging`,
//!   `StartLoggingTime`, delivery errors). The response does not name its trail: the file
//!   is matched to the trail whose `Name` its file name contains (e.g.
//!   `status.Trail1.json`); with a single trail and a single status, they belong together;
//! - optionally `aws cloudtrail get-event-selectors --trail-name X` (`TrailARN`,
//!   `EventSelectors` or `AdvancedEventSelectors`), matched by its `TrailARN`;
//! - optionally `aws s3api get-bucket-lifecycle-configuration --bucket B` of a trail's
//!   bucket (`Rules`), matched by the bucket name in its file name, for the retention.
//!
//! Concluded per trail: logging on (`IsLogging`) and since when (`StartLoggingTime`), all
//! regions (`IsMultiRegionTrail`), log file validation, the S3 destination, management and
//! data events, and the days log files are kept (the bucket's lifecycle expiration). What an auditor must look at is counted as a warning naming the trail's
//! file and row: a trail not logging, single-region, without log file validation, without
//! (write) management events, with a failing delivery; and the account as a whole when no
//! trail is logging management events of every region.
//!
//! Completeness of a describe-trails listing comes from its captured request (the soc2
//! envelope's `request`, or a raw HTTP exchange): `X-Amz-Target` DescribeTrails without a
//! `trailNameList` (or an empty one) and without `includeShadowTrails: false` lists every
//! trail of its region: `complete`; named trails or no shadow trails: `filtered`; a bare
//! body or a capture without the request: `unknown`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::Item;
use super::capture::Page;
use super::error::ImportError;
use super::toolkit::{At, Ctx};
use crate::model::{Completeness, LoggingConfiguration, Payload, Timestamp};

const SOURCE: &str = "aws-cloudtrail-trails";

/// A trail as listed by describe-trails.
struct Trail {
    file: String,
    row: u64,
    name: String,
    /// The ARN, or the name when the listing has no ARN.
    id: String,
    value: Value,
    status: Option<(String, Value)>,
    selectors: Option<(String, Value)>,
}

/// What one response is.
enum Shape {
    /// describe-trails (`single`: get-trail, one named trail).
    Trails(Vec<Value>, bool),
    Status,
    Selectors,
    /// `aws s3api get-bucket-lifecycle-configuration` of a trail's bucket.
    Lifecycle,
}

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], system: &str) -> Result<Vec<Item>, ImportError> {
    let mut trails: Vec<Trail> = Vec::new();
    // A trail's id -> its place in `trails`.
    let mut ids: BTreeMap<String, usize> = BTreeMap::new();
    let mut statuses: Vec<(String, Value)> = Vec::new();
    let mut selectors: Vec<(String, Value)> = Vec::new();
    let mut lifecycles: Vec<(String, Value)> = Vec::new();
    let mut listings = 0;
    let mut single: Option<String> = None;
    // Each describe-trails listing's completeness and why.
    let mut listed: Vec<(Completeness, String)> = Vec::new();
    for page in pages {
        let body = page.json(SOURCE)?;
        let file = page.file.as_str();
        match shape(file, &body)? {
            Shape::Trails(list, one) => {
                listings += 1;
                if one {
                    single = single.or(Some(file.to_owned()));
                } else {
                    let (c, why) = listing_completeness(page)?;
                    listed.push((c, why));
                }
                for (i, t) in list.into_iter().enumerate() {
                    let row = i as u64 + 1;
                    ctx.rows_read += 1;
                    read_trail(ctx, (&mut trails, &mut ids), file, row, t)?;
                }
            }
            Shape::Status => statuses.push((file.to_owned(), body)),
            Shape::Selectors => selectors.push((file.to_owned(), body)),
            Shape::Lifecycle => lifecycles.push((file.to_owned(), body)),
        }
    }
    if listings == 0 {
        return Err(ImportError::MissingPages {
            reason: "no `aws cloudtrail describe-trails` output among the inputs: the trails it \
                     lists are the population (give it with the statuses)"
                .into(),
        });
    }
    for (file, body) in selectors {
        attach_selectors(&mut trails, file, body)?;
    }
    for (file, body) in statuses {
        attach_status(ctx, &mut trails, file, body)?;
    }
    let lifecycles = attach_lifecycles(ctx, &trails, lifecycles)?;
    let missing: Vec<&str> =
        trails.iter().filter(|t| t.status.is_none()).map(|t| t.name.as_str()).collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingPages {
            reason: format!(
                "no get-trail-status for trail(s) {}: whether they log is only in it (give \
                 `aws cloudtrail get-trail-status --name NAME > status.NAME.json` for each)",
                missing.join(", ")
            ),
        });
    }
    match single {
        Some(file) => ctx.completeness(
            Completeness::Filtered,
            Some(format!("{file} is one named trail (get-trail), not the listing")),
        ),
        None => {
            // The weakest listing's verdict stands (several listings: several regions).
            for (c, why) in &listed {
                if *c != Completeness::Complete {
                    ctx.completeness(*c, Some(why.clone()));
                }
            }
            if listed.iter().all(|(c, _)| *c == Completeness::Complete) {
                let why: Vec<&str> = listed.iter().map(|(_, w)| w.as_str()).collect();
                ctx.completeness(Completeness::Complete, Some(why.join("; ")));
            }
        }
    }
    let mut items = Vec::new();
    let mut covered = false;
    for t in &trails {
        let l = conclude(ctx, system, t, &lifecycles)?;
        covered |= l.enabled && l.all_regions == Some(true) && l.management_events == Some(true);
        ctx.rows_kept += 1;
        items.push(Item::at_export(Payload::LoggingConfiguration(l)));
    }
    let first = &pages[0].file;
    if trails.is_empty() {
        // No trail: the account's API activity is not logged beyond the 90-day event
        // history. That is the finding, recorded as logging that is off.
        ctx.warn(
            "no_trail",
            "describe-trails lists no trail: API activity is not logged to a trail",
            At { file: first, row: 0, field: "trailList" },
        );
        items.push(Item::at_export(Payload::LoggingConfiguration(LoggingConfiguration {
            system: system.to_owned(),
            destination: None,
            enabled: false,
            retention_days: None,
            integrity_validation: None,
            all_regions: None,
            management_events: None,
            logging_since: None,
            name: None,
            data_events: None,
        })));
    } else if !covered {
        ctx.warn(
            "no_trail_covers_all_regions",
            "no trail is logging management events of every region",
            At { file: first, row: 0, field: "" },
        );
    }
    Ok(items)
}

/// What a describe-trails listing's captured request shows: `complete` for its region when
/// DescribeTrails was called without a `trailNameList` (or an empty one) and without
/// `includeShadowTrails: false`; `filtered` otherwise; `unknown` when the request is not
/// captured (a bare body, a boto3 recording, an envelope without `request`).
fn listing_completeness(page: &Page) -> Result<(Completeness, String), ImportError> {
    let file = page.file.as_str();
    let unknown = |what: &str| {
        Ok((
            Completeness::Unknown,
            format!(
                "{file}: {what}, so whether --trail-name-list or --no-include-shadow-trails \
                 narrowed describe-trails is not shown (capture the request: see \
                 docs/importers.md)"
            ),
        ))
    };
    let Some(c) = &page.capture else { return unknown("a bare describe-trails output") };
    let Some(target) = c.request_header("x-amz-target") else {
        return unknown("the capture holds no request X-Amz-Target header");
    };
    if target.rsplit('.').next() != Some("DescribeTrails") {
        return Err(ImportError::malformed(
            file,
            0,
            Some("request.headers.x-amz-target"),
            format!("a trailList answered to {target}, not DescribeTrails"),
        ));
    }
    let Some(body) = &c.request_body else { return unknown("the request body is not captured") };
    let req: Value = if body.trim().is_empty() {
        Value::Object(Default::default())
    } else {
        serde_json::from_str(body).map_err(|e| {
            ImportError::malformed(file, 0, Some("request.body"), format!("not JSON: {e}"))
        })?
    };
    let region = c
        .request_header("host")
        .map(str::to_owned)
        .or_else(|| {
            let url = c.url.as_deref()?;
            let host = url.split_once("://").map_or(url, |(_, h)| h);
            Some(host.split('/').next().unwrap_or(host).to_owned())
        })
        .and_then(|h| h.split('.').nth(1).map(str::to_owned))
        .unwrap_or_else(|| "its region".into());
    let names: Vec<&str> = match req.get("trailNameList") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(a)) => a.iter().map(|v| v.as_str().unwrap_or("?")).collect(),
        Some(_) => {
            return Err(ImportError::malformed(
                file,
                0,
                Some("request.body.trailNameList"),
                "expected a list of trail names",
            ));
        }
    };
    if !names.is_empty() {
        return Ok((
            Completeness::Filtered,
            format!("{file}: DescribeTrails was asked for trailNameList {names:?} only"),
        ));
    }
    match req.get("includeShadowTrails") {
        None | Some(Value::Null | Value::Bool(true)) => {}
        Some(Value::Bool(false)) => {
            return Ok((
                Completeness::Filtered,
                format!(
                    "{file}: DescribeTrails with includeShadowTrails false leaves out the \
                     multi-region and organization trails of other regions and accounts"
                ),
            ));
        }
        Some(_) => {
            return Err(ImportError::malformed(
                file,
                0,
                Some("request.body.includeShadowTrails"),
                "expected a boolean",
            ));
        }
    }
    Ok((
        Completeness::Complete,
        format!(
            "{file}: DescribeTrails in {region} without a trailNameList, shadow trails included: \
             every trail of {region} and every multi-region trail logging it"
        ),
    ))
}

/// Tells the response apart; anything else is the wrong source.
fn shape(file: &str, body: &Value) -> Result<Shape, ImportError> {
    let Some(obj) = body.as_object() else {
        return Err(ImportError::wrong(
            file,
            SOURCE,
            "a JSON list: expected the object that describe-trails, get-trail-status or \
             get-event-selectors prints",
        ));
    };
    if let Some(list) = obj.get("trailList") {
        let list = list.as_array().ok_or_else(|| {
            ImportError::malformed(file, 0, Some("trailList"), "expected a list of trails")
        })?;
        return Ok(Shape::Trails(list.clone(), false));
    }
    if let Some(t) = obj.get("Trail").filter(|t| t.is_object()) {
        return Ok(Shape::Trails(vec![t.clone()], true));
    }
    if obj.contains_key("IsLogging") {
        return Ok(Shape::Status);
    }
    if obj.contains_key("EventSelectors") || obj.contains_key("AdvancedEventSelectors") {
        return Ok(Shape::Selectors);
    }
    if obj.get("Rules").is_some_and(Value::is_array) {
        return Ok(Shape::Lifecycle);
    }
    let what = if obj.contains_key("Trails") {
        "a list-trails output (names only): give describe-trails instead"
    } else if obj.contains_key("Events") || obj.contains_key("Records") {
        "CloudTrail events, not the trails' configuration"
    } else if obj.contains_key("eventVersion") || obj.contains_key("detail-type") {
        "a CloudTrail event record, not the trails' configuration"
    } else if obj.contains_key("InsightSelectors") {
        "get-insight-selectors output: give get-event-selectors"
    } else {
        "no `trailList`, `IsLogging` or `EventSelectors`: not describe-trails, get-trail-status \
         or get-event-selectors output"
    };
    Err(ImportError::wrong(file, SOURCE, what))
}

fn read_trail(
    ctx: &mut Ctx,
    (trails, ids): (&mut Vec<Trail>, &mut BTreeMap<String, usize>),
    file: &str,
    row: u64,
    t: Value,
) -> Result<(), ImportError> {
    if !t.is_object() {
        return Err(ImportError::malformed(file, row, None, "a trail that is not an object"));
    }
    let name = ctx
        .json_text(t.get("Name"), At { file, row, field: "Name" })
        .ok_or_else(|| ImportError::malformed(file, row, Some("Name"), "a trail without a name"))?;
    let arn = ctx.json_text(t.get("TrailARN"), At { file, row, field: "TrailARN" });
    let id = arn.unwrap_or_else(|| name.clone());
    if let Some(first) = ids.get(&id).map(|&i| &trails[i]) {
        // A multi-region trail is listed in every region's describe-trails.
        ctx.skip(
            file,
            row,
            format!("{id}: listed again (first in {} row {})", first.file, first.row),
        );
        return Ok(());
    }
    ids.insert(id.clone(), trails.len());
    trails.push(Trail {
        file: file.to_owned(),
        row,
        name,
        id,
        value: t,
        status: None,
        selectors: None,
    });
    Ok(())
}

/// Event selectors name their trail by ARN (else by the file name, as a status does).
fn attach_selectors(trails: &mut [Trail], file: String, body: Value) -> Result<(), ImportError> {
    let i = match body.get("TrailARN").and_then(Value::as_str) {
        Some(arn) => trails.iter().position(|t| t.id == arn || t.name == arn).ok_or_else(|| {
            ImportError::malformed(
                &file,
                0,
                Some("TrailARN"),
                format!("event selectors of {arn}, a trail describe-trails does not list"),
            )
        })?,
        None => match_by_file_name(trails, &file, "get-event-selectors", 0)?,
    };
    if let Some((other, _)) = &trails[i].selectors {
        return Err(ImportError::malformed(
            &file,
            0,
            None,
            format!(
                "a second get-event-selectors for trail {} (the first is {other})",
                trails[i].id
            ),
        ));
    }
    trails[i].selectors = Some((file, body));
    Ok(())
}

/// A status does not name its trail: its file name does.
fn attach_status(
    ctx: &mut Ctx,
    trails: &mut [Trail],
    file: String,
    body: Value,
) -> Result<(), ImportError> {
    // AWS sends no name; a capture or tool that adds `TrailARN` or `Name` is read by it.
    let named = ["TrailARN", "Name"].iter().find_map(|k| body.get(*k).and_then(Value::as_str));
    let i = match named {
        Some(n) => trails.iter().position(|t| t.id == n || t.name == n).ok_or_else(|| {
            ImportError::malformed(
                &file,
                0,
                Some("Name"),
                format!("the status of {n}, a trail describe-trails does not list"),
            )
        })?,
        None => match_by_file_name(trails, &file, "get-trail-status", 1)?,
    };
    if named.is_none() && !name_occurs(&file, &trails[i].name) {
        ctx.warn(
            "status_by_elimination",
            "a get-trail-status file that does not name a trail was read as the only trail's",
            At { file: &file, row: 0, field: "" },
        );
    }
    if let Some((other, _)) = &trails[i].status {
        return Err(ImportError::malformed(
            &file,
            0,
            None,
            format!(
                "a second get-trail-status for trail {} (the first is {other})",
                trails[i].name
            ),
        ));
    }
    trails[i].status = Some((file, body));
    Ok(())
}

/// The trail whose name the file name contains (the longest such name, delimited by
/// characters that cannot continue it); with `alone` trails or fewer and no name in the
/// file name, the only trail.
fn match_by_file_name(
    trails: &[Trail],
    file: &str,
    what: &str,
    alone: usize,
) -> Result<usize, ImportError> {
    let mut found: Vec<usize> =
        (0..trails.len()).filter(|&i| name_occurs(file, &trails[i].name)).collect();
    let longest = found.iter().map(|&i| trails[i].name.len()).max().unwrap_or(0);
    found.retain(|&i| trails[i].name.len() == longest);
    match found.as_slice() {
        [i] => Ok(*i),
        [] if trails.len() == 1 && alone >= 1 => Ok(0),
        [] => Err(ImportError::malformed(
            file,
            0,
            None,
            format!(
                "{what} output does not name its trail and the file name names none of the \
                 trails ({}): name the file after its trail, e.g. status.{}.json",
                trails.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", "),
                trails.first().map_or("NAME", |t| t.name.as_str())
            ),
        )),
        many => Err(ImportError::malformed(
            file,
            0,
            None,
            format!(
                "the file name names several trails ({}): rename it to name one",
                many.iter().map(|&i| trails[i].name.as_str()).collect::<Vec<_>>().join(", ")
            ),
        )),
    }
}

/// Whether `name` occurs in the file's base name, not as part of a longer word.
fn name_occurs(file: &str, name: &str) -> bool {
    if name.is_empty() {
        return false;
    }
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric());
    file.match_indices(name).any(|(at, _)| {
        !word(file[..at].chars().next_back()) && !word(file[at + name.len()..].chars().next())
    })
}

/// A timestamp field: an AWS CLI v1 epoch, an ISO string, or a boto3 recording's datetime
/// object (a recording artefact in the recorder's local time: not read, counted).
fn aws_time(
    ctx: &mut Ctx,
    v: Option<&Value>,
    at: At<'_>,
) -> Result<Option<Timestamp>, ImportError> {
    if let Some(Value::Object(o)) = v
        && o.get("__class__").and_then(Value::as_str) == Some("datetime")
    {
        ctx.warn(
            "datetime_object_ignored",
            "a boto3 recording's datetime object (local time, no zone) was not read",
            at,
        );
        return Ok(None);
    }
    ctx.json_timestamp(v, at)
}

fn conclude(
    ctx: &mut Ctx,
    system: &str,
    t: &Trail,
    lifecycles: &BTreeMap<String, (String, Value)>,
) -> Result<LoggingConfiguration, ImportError> {
    let (file, row) = (t.file.as_str(), t.row);
    let at = |field: &'static str| At { file, row, field };
    let v = &t.value;
    let bucket = ctx.json_text(v.get("S3BucketName"), at("S3BucketName"));
    let prefix = ctx.json_text(v.get("S3KeyPrefix"), at("S3KeyPrefix"));
    let retention = match bucket.as_deref().and_then(|b| lifecycles.get(b)) {
        Some((lfile, rules)) => retention(ctx, t, prefix.as_deref(), lfile, rules)?,
        None => None,
    };
    let destination = match (bucket, prefix) {
        (Some(b), Some(p)) => Some(format!("s3://{b}/{}", p.trim_matches('/'))),
        (Some(b), None) => Some(format!("s3://{b}")),
        (None, _) => {
            ctx.json_text(v.get("CloudWatchLogsLogGroupArn"), at("CloudWatchLogsLogGroupArn"))
        }
    };
    if destination.is_none() {
        ctx.warn("no_destination", "a trail without an S3 bucket or log group", at("S3BucketName"));
    }
    let all_regions = ctx.json_bool(v.get("IsMultiRegionTrail"), at("IsMultiRegionTrail"))?;
    if all_regions == Some(false) {
        ctx.warn(
            "trail_single_region",
            "a trail logs one region only (IsMultiRegionTrail false)",
            at("IsMultiRegionTrail"),
        );
    }
    let validation =
        ctx.json_bool(v.get("LogFileValidationEnabled"), at("LogFileValidationEnabled"))?;
    if validation == Some(false) {
        ctx.warn(
            "trail_without_log_file_validation",
            "a trail's log files are not integrity-protected (LogFileValidationEnabled false)",
            at("LogFileValidationEnabled"),
        );
    }
    if ctx.json_bool(v.get("IncludeGlobalServiceEvents"), at("IncludeGlobalServiceEvents"))?
        == Some(false)
    {
        ctx.warn(
            "global_service_events_excluded",
            "a trail excludes global services' events (IAM, STS, CloudFront)",
            at("IncludeGlobalServiceEvents"),
        );
    }
    let (enabled, logging_since) = status(ctx, t)?;
    let (management, data) = match &t.selectors {
        Some((sfile, s)) => selectors(ctx, sfile, s)?,
        None => {
            let custom =
                ctx.json_bool(v.get("HasCustomEventSelectors"), at("HasCustomEventSelectors"))?;
            if custom == Some(false) {
                // A trail without custom selectors logs all management events, no data events.
                ctx.warn(
                    "event_selectors_default",
                    "no get-event-selectors given; HasCustomEventSelectors false: the default \
                     (all management events, no data events) was read",
                    at("HasCustomEventSelectors"),
                );
                (Some(true), Some(false))
            } else {
                ctx.warn(
                    "event_selectors_unknown",
                    "no get-event-selectors given for a trail with custom (or unknown) \
                     selectors: management and data events are unknown",
                    at("HasCustomEventSelectors"),
                );
                (None, None)
            }
        }
    };
    if management == Some(false) {
        ctx.warn(
            "trail_without_management_events",
            "a trail does not log (write) management events",
            at("Name"),
        );
    }
    Ok(LoggingConfiguration {
        system: system.to_owned(),
        destination,
        enabled,
        retention_days: retention,
        integrity_validation: validation,
        all_regions,
        management_events: management,
        logging_since,
        name: Some(t.id.clone()),
        data_events: data,
    })
}

/// `IsLogging`, and since when: `StartLoggingTime` (else the retired `TimeLoggingStarted`).
fn status(ctx: &mut Ctx, t: &Trail) -> Result<(bool, Option<Timestamp>), ImportError> {
    let (file, body) = t.status.as_ref().expect("every trail has a status by now");
    let file = file.as_str();
    let at = |field: &'static str| At { file, row: 0, field };
    let logging = ctx
        .json_bool(body.get("IsLogging"), at("IsLogging"))?
        .ok_or_else(|| ImportError::malformed(file, 0, Some("IsLogging"), "missing"))?;
    for (field, code, message) in [
        ("LatestDeliveryError", "delivery_error", "a trail's latest delivery to S3 failed"),
        (
            "LatestDigestDeliveryError",
            "digest_delivery_error",
            "a trail's latest digest (log file validation) delivery failed",
        ),
        (
            "LatestCloudWatchLogsDeliveryError",
            "cloudwatch_logs_delivery_error",
            "a trail's latest delivery to CloudWatch Logs failed",
        ),
    ] {
        if ctx.json_text(body.get(field), at(field)).is_some() {
            ctx.warn(code, message, at(field));
        }
    }
    if !logging {
        ctx.warn(
            "trail_not_logging",
            "a trail is not logging (IsLogging false)",
            At { file: &t.file, row: t.row, field: "Name" },
        );
        return Ok((false, None));
    }
    let mut since = aws_time(ctx, body.get("StartLoggingTime"), at("StartLoggingTime"))?;
    if since.is_none() {
        since = ctx.json_timestamp(body.get("TimeLoggingStarted"), at("TimeLoggingStarted"))?;
        if since.is_some() {
            ctx.warn(
                "time_logging_started_read",
                "StartLoggingTime unreadable or absent: the retired TimeLoggingStarted was read",
                at("TimeLoggingStarted"),
            );
        }
    }
    let delivered = aws_time(ctx, body.get("LatestDeliveryTime"), at("LatestDeliveryTime"))?;
    if let (Some(d), Some(reference)) = (delivered, ctx.reference)
        && reference.unix_seconds() - d.unix_seconds() > 86_400
    {
        ctx.warn(
            "delivery_stale",
            "a logging trail's latest delivery is more than a day before the export",
            at("LatestDeliveryTime"),
        );
    }
    Ok((true, since))
}

/// (management events, data events) from get-event-selectors: management events count
/// when write events are logged; read-only ones do not.
fn selectors(
    ctx: &mut Ctx,
    file: &str,
    body: &Value,
) -> Result<(Option<bool>, Option<bool>), ImportError> {
    let (mut read, mut write, mut data, mut partial) = (false, false, false, false);
    let list = |key: &str| -> Result<Vec<Value>, ImportError> {
        match body.get(key) {
            None | Some(Value::Null) => Ok(Vec::new()),
            Some(Value::Array(a)) => Ok(a.clone()),
            Some(_) => Err(ImportError::malformed(file, 0, Some(key), "expected a list")),
        }
    };
    for (i, s) in list("EventSelectors")?.iter().enumerate() {
        let row = i as u64 + 1;
        let at = |field: &'static str| At { file, row, field };
        let rw = ctx.json_text(s.get("ReadWriteType"), at("ReadWriteType"));
        let (r, w) = match rw.as_deref() {
            None | Some("All") => (true, true),
            Some("ReadOnly") => (true, false),
            Some("WriteOnly") => (false, true),
            Some(other) => {
                return Err(ImportError::malformed(
                    file,
                    row,
                    Some("ReadWriteType"),
                    format!("expected All, ReadOnly or WriteOnly, found {other:?}"),
                ));
            }
        };
        if ctx.json_bool(s.get("IncludeManagementEvents"), at("IncludeManagementEvents"))?
            == Some(true)
        {
            read |= r;
            write |= w;
            if s.get("ExcludeManagementEventSources")
                .and_then(Value::as_array)
                .is_some_and(|a| !a.is_empty())
            {
                partial = true;
            }
        }
        if s.get("DataResources").and_then(Value::as_array).is_some_and(|a| !a.is_empty()) {
            data = true;
        }
    }
    for (i, s) in list("AdvancedEventSelectors")?.iter().enumerate() {
        let row = i as u64 + 1;
        let fields = s.get("FieldSelectors").and_then(Value::as_array).ok_or_else(|| {
            ImportError::malformed(file, row, Some("FieldSelectors"), "expected a list")
        })?;
        let equals = |name: &str| -> Option<Vec<String>> {
            fields.iter().find(|f| f.get("Field").and_then(Value::as_str) == Some(name)).map(|f| {
                f.get("Equals")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
                    .unwrap_or_default()
            })
        };
        let category = equals("eventCategory").unwrap_or_default();
        let (r, w) = match equals("readOnly").as_deref() {
            Some([v]) if v == "true" => (true, false),
            Some([v]) if v == "false" => (false, true),
            _ => (true, true),
        };
        if category.iter().any(|c| c == "Management") {
            read |= r;
            write |= w;
            if fields.iter().any(|f| f.get("Field").and_then(Value::as_str) == Some("eventSource"))
            {
                partial = true;
            }
        } else if category.iter().any(|c| c == "Data") {
            data = true;
        } else if category.is_empty() {
            return Err(ImportError::malformed(
                file,
                row,
                Some("FieldSelectors"),
                "an advanced event selector without eventCategory",
            ));
        }
    }
    if write && (partial || !read) {
        ctx.warn(
            "management_events_partial",
            "a trail logs only some management events (write-only, or event sources excluded)",
            At { file, row: 0, field: "EventSelectors" },
        );
    }
    if read && !write {
        ctx.warn(
            "management_events_read_only",
            "a trail logs read-only management events: configuration changes are not logged",
            At { file, row: 0, field: "EventSelectors" },
        );
    }
    Ok((Some(write), Some(data)))
}

/// Lifecycle configurations by bucket: matched by the bucket name in the file name (the
/// response does not name its bucket), or, with one bucket among the trails, to it.
fn attach_lifecycles(
    ctx: &mut Ctx,
    trails: &[Trail],
    lifecycles: Vec<(String, Value)>,
) -> Result<BTreeMap<String, (String, Value)>, ImportError> {
    let buckets: Vec<String> = trails
        .iter()
        .filter_map(|t| t.value.get("S3BucketName").and_then(Value::as_str))
        .map(str::to_owned)
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut out: BTreeMap<String, (String, Value)> = BTreeMap::new();
    for (file, body) in lifecycles {
        let mut found: Vec<&String> = buckets.iter().filter(|b| name_occurs(&file, b)).collect();
        let longest = found.iter().map(|b| b.len()).max().unwrap_or(0);
        found.retain(|b| b.len() == longest);
        let bucket = match found.as_slice() {
            [b] => (*b).clone(),
            [] if buckets.len() == 1 => {
                ctx.warn(
                    "lifecycle_by_elimination",
                    "a lifecycle configuration whose file name names no bucket was read as the \
                     only trail bucket's",
                    At { file: &file, row: 0, field: "" },
                );
                buckets[0].clone()
            }
            _ => {
                return Err(ImportError::malformed(
                    &file,
                    0,
                    None,
                    format!(
                        "a bucket lifecycle configuration does not name its bucket and the file \
                         name names none or several of the trails' buckets ({}): name the file \
                         after its bucket, e.g. lifecycle.BUCKET.json",
                        buckets.join(", ")
                    ),
                ));
            }
        };
        if let Some((other, _)) = out.get(&bucket) {
            return Err(ImportError::malformed(
                &file,
                0,
                None,
                format!(
                    "a second lifecycle configuration for bucket {bucket} (the first is {other})"
                ),
            ));
        }
        out.insert(bucket, (file, body));
    }
    Ok(out)
}

/// Days the trail's log files are kept: the shortest `Expiration.Days` of the enabled
/// lifecycle rules that cover every log file of the trail (no filter, or a prefix of
/// `[PREFIX/]AWSLogs/`, or of `[PREFIX/]AWSLogs/ACCOUNT/CloudTrail/`). None covering: the files
/// are kept until deleted (counted; the days stay absent).
fn retention(
    ctx: &mut Ctx,
    t: &Trail,
    prefix: Option<&str>,
    file: &str,
    body: &Value,
) -> Result<Option<u32>, ImportError> {
    let account = t.id.split(':').nth(4).filter(|a| !a.is_empty());
    let base = match prefix {
        Some(p) => format!("{}/AWSLogs/", p.trim_matches('/')),
        None => "AWSLogs/".to_owned(),
    };
    let logs = account.map(|a| format!("{base}{a}/CloudTrail/"));
    let rules = body.get("Rules").and_then(Value::as_array).cloned().unwrap_or_default();
    let mut days: Option<u32> = None;
    for (i, r) in rules.iter().enumerate() {
        let row = i as u64 + 1;
        let at = |field: &'static str| At { file, row, field };
        if ctx.json_text(r.get("Status"), at("Status")).as_deref() != Some("Enabled") {
            continue;
        }
        // The rule's scope: a prefix only (tags and sizes select some objects, not all).
        let filter = r.get("Filter");
        let scoped = filter.and_then(|f| {
            let f = f.get("And").unwrap_or(f);
            let other = f.as_object().is_some_and(|o| o.keys().any(|k| k != "Prefix"))
                || filter.is_some_and(|g| g.get("Tag").is_some());
            (!other).then(|| f.get("Prefix").and_then(Value::as_str).unwrap_or("").to_owned())
        });
        let rule_prefix = match (filter, scoped) {
            (None, _) => r.get("Prefix").and_then(Value::as_str).unwrap_or("").to_owned(),
            (Some(_), Some(p)) => p,
            (Some(_), None) => continue,
        };
        let covers = base.starts_with(&rule_prefix)
            || logs.as_deref().is_some_and(|l| l.starts_with(&rule_prefix));
        if !covers {
            continue;
        }
        let Some(exp) = r.get("Expiration") else { continue };
        match exp.get("Days").and_then(Value::as_u64) {
            Some(d) => {
                let d = u32::try_from(d).unwrap_or(u32::MAX);
                days = Some(days.map_or(d, |x| x.min(d)));
            }
            None if exp.get("Date").is_some() => ctx.warn(
                "lifecycle_expiration_date",
                "a lifecycle rule expires log files on a fixed date (not read as a retention)",
                at("Expiration"),
            ),
            None => {}
        }
    }
    if days.is_none() {
        ctx.warn(
            "retention_unlimited",
            "no lifecycle rule expires the trail's log files: they are kept until deleted \
             (retention_days stays absent)",
            At { file, row: 0, field: "Rules" },
        );
    }
    Ok(days)
}
