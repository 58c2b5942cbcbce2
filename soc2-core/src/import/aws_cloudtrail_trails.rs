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
//!   `EventSelectors` or `AdvancedEventSelectors`), matched by its `TrailARN`.
//!
//! Concluded per trail: logging on (`IsLogging`) and since when (`StartLoggingTime`), all
//! regions (`IsMultiRegionTrail`), log file validation, the S3 destination, management and
//! data events. What an auditor must look at is counted as a warning naming the trail's
//! file and row: a trail not logging, single-region, without log file validation, without
//! (write) management events, with a failing delivery; and the account as a whole when no
//! trail is logging management events of every region.

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
}

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], system: &str) -> Result<Vec<Item>, ImportError> {
    let mut trails: Vec<Trail> = Vec::new();
    let mut statuses: Vec<(String, Value)> = Vec::new();
    let mut selectors: Vec<(String, Value)> = Vec::new();
    let mut listings = 0;
    let mut single: Option<String> = None;
    for page in pages {
        let body = page.json(SOURCE)?;
        let file = page.file.as_str();
        match shape(file, &body)? {
            Shape::Trails(list, one) => {
                listings += 1;
                if one {
                    single = single.or(Some(file.to_owned()));
                }
                for (i, t) in list.into_iter().enumerate() {
                    let row = i as u64 + 1;
                    ctx.rows_read += 1;
                    read_trail(ctx, &mut trails, file, row, t)?;
                }
            }
            Shape::Status => statuses.push((file.to_owned(), body)),
            Shape::Selectors => selectors.push((file.to_owned(), body)),
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
        None => ctx.completeness(
            Completeness::Unknown,
            Some(
                "describe-trails lists the trails of one region and the multi-region trails of \
                 others; its output does not show whether --trail-name-list narrowed it"
                    .into(),
            ),
        ),
    }
    let mut items = Vec::new();
    let mut covered = false;
    for t in &trails {
        let l = conclude(ctx, system, t)?;
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
    trails: &mut Vec<Trail>,
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
    if let Some(first) = trails.iter().find(|x| x.id == id) {
        // A multi-region trail is listed in every region's describe-trails.
        ctx.skip(
            file,
            row,
            format!("{id}: listed again (first in {} row {})", first.file, first.row),
        );
        return Ok(());
    }
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

fn conclude(ctx: &mut Ctx, system: &str, t: &Trail) -> Result<LoggingConfiguration, ImportError> {
    let (file, row) = (t.file.as_str(), t.row);
    let at = |field: &'static str| At { file, row, field };
    let v = &t.value;
    let bucket = ctx.json_text(v.get("S3BucketName"), at("S3BucketName"));
    let prefix = ctx.json_text(v.get("S3KeyPrefix"), at("S3KeyPrefix"));
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
        retention_days: None,
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
