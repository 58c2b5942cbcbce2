//! Audit-log importers: CloudTrail, GitHub, Okta, Google Workspace and GCP audit events
//! become one `security_events` record per import.
//!
//! Files are streamed ([`stream`]): millions of events are counted by category and outcome,
//! and only the security-relevant ones are kept, normalised, under the [`Detection`] that
//! selected them. Each source module turns one JSON event into [`Facts`] (counted) and
//! [`Hit`]s (listed); what every source needs (times in any shape with a log pipeline's
//! time as fallback, duplicates across overlapping exports, bursts of failed sign-ins,
//! lines from other products) is done here once.

pub(crate) mod cloudtrail;
pub(crate) mod gcp;
pub(crate) mod github;
pub(crate) mod google;
pub(crate) mod okta;
pub(crate) mod stream;

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

use serde_json::Value;

use super::error::ImportError;
use super::toolkit::{At, Ctx};
use crate::model::{DetectedEvent, Detection, EventCount, EventOutcome, SecurityEvents, Timestamp};

/// The most security-relevant events one record lists; more are counted.
pub(crate) const MAX_LISTED: usize = 10_000;

/// The most skipped lines listed one by one in the provenance; more are counted.
const MAX_SKIPPED_LISTED: usize = 1_000;

/// Events remembered for the duplicate check (about 16 bytes each, 36 with the table's
/// slack); after this many the check stops, and the import says so.
const MAX_DEDUP: usize = 4_000_000;

/// Failed sign-ins remembered for burst detection.
const MAX_FAILURES: usize = 2_000_000;

/// A burst: at least this many failed sign-ins of one actor...
const BURST_COUNT: usize = 5;
/// ...within this many seconds.
const BURST_WINDOW: i64 = 600;

/// The members of an event that `src` reads, the pipelines' time fields included.
pub(crate) fn wanted(src: &EventSource) -> Option<Vec<&'static str>> {
    src.fields.map(|f| f.iter().chain(PIPELINE_TIMES).copied().collect())
}

/// Fields in which log pipelines (Panther, Elastic, Splunk, Cloud Logging) carry an
/// event's time, tried in order when the event has none of its own.
const PIPELINE_TIMES: &[&str] =
    &["p_event_time", "@timestamp", "_time", "timestamp", "eventTime", "receiveTimestamp"];

/// An audit-log source.
pub(crate) struct EventSource {
    /// Members of a wrapper document whose array holds the events (`Records`, `items`).
    pub(crate) wrappers: &'static [&'static str],
    /// The top-level members of an event that `read` looks at (the log pipelines' time
    /// fields are added); `None`: all. Members not named are skipped unparsed.
    pub(crate) fields: Option<&'static [&'static str]>,
    /// Reads one event: calls [`Sink::event`] (and [`Sink::detect`] for what it finds),
    /// or [`Sink::foreign`] for a value that is not this source's event.
    pub(crate) read: fn(&mut Sink, &Value, Loc<'_>) -> Result<(), ImportError>,
}

/// Where an event was read.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Loc<'a> {
    pub(crate) file: &'a str,
    pub(crate) record: u64,
}

/// What every event is counted by.
pub(crate) struct Facts<'v> {
    /// The event's own time value, and the field it came from (for messages).
    pub(crate) time: Option<&'v Value>,
    pub(crate) time_field: &'static str,
    /// The event's id in its log, when it has one.
    pub(crate) id: Option<&'v str>,
    /// Its class (see [`EventCount::class`]).
    pub(crate) class: &'v str,
    /// Its action (for the duplicate check and messages).
    pub(crate) action: &'v str,
    pub(crate) outcome: EventOutcome,
}

/// A security-relevant event found in one event.
pub(crate) struct Hit {
    pub(crate) detection: Detection,
    pub(crate) actor: String,
    pub(crate) action: String,
    pub(crate) target: Option<String>,
    pub(crate) source_ip: Option<String>,
    pub(crate) detail: Option<String>,
}

/// A counted event: its time and whether that came from a pipeline's field.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Counted {
    pub(crate) time: Timestamp,
    pub(crate) time_from_pipeline: bool,
}

struct Failure {
    actor: u32,
    time: Timestamp,
    from_pipeline: bool,
    file: u32,
    record: u64,
    id: Option<String>,
    action: u32,
    ip: Option<String>,
}

/// Accumulates an import's events: counts, time range, detections.
pub(crate) struct Sink<'c> {
    pub(crate) ctx: &'c mut Ctx,
    counts: HashMap<String, [u64; 3]>,
    events: u64,
    from: Option<Timestamp>,
    to: Option<Timestamp>,
    detected: Vec<DetectedEvent>,
    not_listed: u64,
    /// Event id hash -> hash of (time, action).
    seen: HashMap<u64, u64>,
    dedup_stopped: bool,
    failures: Vec<Failure>,
    names: HashMap<String, u32>,
    name_list: Vec<String>,
    /// The files read so far, in order (failed sign-ins name theirs by index).
    files: Vec<String>,
    /// Events and foreign values of the current file.
    file_events: u64,
    file_foreign: u64,
    first_foreign: Option<String>,
}

impl<'c> Sink<'c> {
    pub(crate) fn new(ctx: &'c mut Ctx) -> Self {
        Sink {
            ctx,
            counts: HashMap::new(),
            events: 0,
            from: None,
            to: None,
            detected: Vec::new(),
            not_listed: 0,
            seen: HashMap::new(),
            dedup_stopped: false,
            failures: Vec::new(),
            names: HashMap::new(),
            name_list: Vec::new(),
            files: Vec::new(),
            file_events: 0,
            file_foreign: 0,
            first_foreign: None,
        }
    }

    /// Skips a value that is not this source's event (a line from another product, a
    /// wrapper's metadata); counted and, the first ones, listed.
    pub(crate) fn foreign(&mut self, loc: Loc<'_>, reason: impl Into<String>) {
        let reason = reason.into();
        self.file_foreign += 1;
        if self.first_foreign.is_none() {
            self.first_foreign = Some(format!("record {}: {reason}", loc.record));
        }
        self.skip(loc.file, loc.record, reason);
    }

    fn skip(&mut self, file: &str, row: u64, reason: String) {
        self.ctx.rows_read += 1;
        if self.ctx.skipped.len() < MAX_SKIPPED_LISTED {
            self.ctx.skip(file, row, reason);
        } else {
            self.ctx.warn(
                "skipped_not_listed",
                &format!(
                    "more than {MAX_SKIPPED_LISTED} values were skipped; the first \
                     {MAX_SKIPPED_LISTED} are listed"
                ),
                At { file, row, field: "" },
            );
        }
    }

    /// Counts one event. Returns its time, or `None` when it is not counted (a duplicate
    /// of an event already read, or no time at all).
    pub(crate) fn event(
        &mut self,
        value: &Value,
        loc: Loc<'_>,
        facts: Facts<'_>,
    ) -> Result<Option<Counted>, ImportError> {
        self.ctx.rows_read += 1;
        self.file_events += 1;
        let at = At { file: loc.file, row: loc.record, field: facts.time_field };
        let mut time = self.ctx.json_timestamp(facts.time, at)?;
        let mut from_pipeline = false;
        if time.is_none() {
            for field in PIPELINE_TIMES {
                if let Some(v) = value.get(*field).filter(|v| !v.is_null()) {
                    let at = At { file: loc.file, row: loc.record, field };
                    time = self.ctx.json_timestamp(Some(v), at)?;
                    if time.is_some() {
                        from_pipeline = true;
                        self.ctx.warn(
                            "time_from_pipeline",
                            "an event without its own time took the log pipeline's time",
                            at,
                        );
                        break;
                    }
                }
            }
        }
        let Some(time) = time else {
            self.ctx.rows_read -= 1;
            self.skip(loc.file, loc.record, "the event has no time".into());
            return Ok(None);
        };
        if let Some(id) = facts.id
            && self.dedup(id, time, facts.action, loc)
        {
            {
                self.ctx.rows_read -= 1;
                self.skip(
                    loc.file,
                    loc.record,
                    format!("a duplicate of event {id} read before (overlapping exports)"),
                );
                return Ok(None);
            }
        }
        self.events += 1;
        self.ctx.rows_kept += 1;
        self.from = Some(self.from.map_or(time, |f| f.min(time)));
        self.to = Some(self.to.map_or(time, |t| t.max(time)));
        let slot = match facts.outcome {
            EventOutcome::Success => 0,
            EventOutcome::Failure => 1,
            EventOutcome::Unknown => 2,
        };
        match self.counts.get_mut(facts.class) {
            Some(c) => c[slot] += 1,
            None => {
                let mut c = [0; 3];
                c[slot] = 1;
                self.counts.insert(facts.class.to_owned(), c);
            }
        }
        Ok(Some(Counted { time, time_from_pipeline: from_pipeline }))
    }

    /// Whether an event with this id, time and action was read before. The same id with
    /// another time or action is a reused id: counted, not a duplicate.
    fn dedup(&mut self, id: &str, time: Timestamp, action: &str, loc: Loc<'_>) -> bool {
        if self.dedup_stopped {
            return false;
        }
        if self.seen.len() >= MAX_DEDUP {
            self.dedup_stopped = true;
            self.ctx.warn(
                "duplicate_check_stopped",
                &format!("duplicates were looked for among the first {MAX_DEDUP} events only"),
                At { file: loc.file, row: loc.record, field: "" },
            );
            return false;
        }
        let key = hash(id);
        let what = hash(&(time.unix_seconds(), action));
        match self.seen.get(&key) {
            Some(&w) if w == what => true,
            Some(_) => {
                self.ctx.warn(
                    "event_id_reused",
                    "an event id was used by another event (both counted)",
                    At { file: loc.file, row: loc.record, field: "id" },
                );
                false
            }
            None => {
                self.seen.insert(key, what);
                false
            }
        }
    }

    /// Lists a security-relevant event.
    pub(crate) fn detect(
        &mut self,
        counted: Counted,
        loc: Loc<'_>,
        event_id: Option<&str>,
        outcome: EventOutcome,
        hit: Hit,
    ) {
        if self.detected.len() >= MAX_LISTED {
            self.not_listed += 1;
            return;
        }
        self.detected.push(DetectedEvent {
            detection: hit.detection,
            time: counted.time,
            time_from_pipeline: counted.time_from_pipeline,
            event_id: event_id.map(str::to_owned),
            actor: hit.actor,
            action: hit.action,
            target: hit.target,
            outcome,
            source_ip: hit.source_ip,
            detail: hit.detail,
            file: loc.file.to_owned(),
            record: loc.record,
        });
    }

    /// Remembers a failed sign-in for burst detection.
    pub(crate) fn failed_sign_in(
        &mut self,
        counted: Counted,
        loc: Loc<'_>,
        event_id: Option<&str>,
        actor: &str,
        action: &str,
        ip: Option<&str>,
    ) {
        if self.failures.len() >= MAX_FAILURES {
            self.ctx.warn(
                "failures_not_examined",
                &format!(
                    "more than {MAX_FAILURES} failed sign-ins: later ones were counted but \
                     not examined for bursts"
                ),
                At { file: loc.file, row: loc.record, field: "" },
            );
            return;
        }
        // A sign-in that names no one is grouped by its address.
        let key = if actor.is_empty() { ip.unwrap_or("unknown") } else { actor };
        let actor = self.name(key);
        let action = self.name(action);
        let file = self.file_index(loc.file);
        self.failures.push(Failure {
            actor,
            time: counted.time,
            from_pipeline: counted.time_from_pipeline,
            file,
            record: loc.record,
            id: event_id.map(str::to_owned),
            action,
            ip: ip.map(str::to_owned),
        });
    }

    fn name(&mut self, s: &str) -> u32 {
        if let Some(&i) = self.names.get(s) {
            return i;
        }
        let i = self.name_list.len() as u32;
        self.names.insert(s.to_owned(), i);
        self.name_list.push(s.to_owned());
        i
    }

    fn file_index(&mut self, file: &str) -> u32 {
        match self.files.iter().position(|f| f == file) {
            Some(i) => i as u32,
            None => {
                self.files.push(file.to_owned());
                (self.files.len() - 1) as u32
            }
        }
    }

    /// Ends one file: a file whose values are none of them this source's events is the
    /// wrong source. A file with no value at all (an empty last page, an empty export)
    /// is counted, not refused: the time it covers is judged by LOG-03.
    pub(crate) fn end_file(&mut self, file: &str, source: &str) -> Result<(), ImportError> {
        let (events, foreign) = (self.file_events, self.file_foreign);
        let first = self.first_foreign.take();
        self.file_index(file);
        self.file_events = 0;
        self.file_foreign = 0;
        if events == 0 && foreign > 0 {
            let first = first.unwrap_or_default();
            return Err(ImportError::wrong(
                file,
                source,
                format!("no event of this log in it ({foreign} other value(s); {first})"),
            ));
        }
        if events == 0 {
            self.ctx.warn(
                "file_without_events",
                "a file held no event (an empty page or export)",
                At { file, row: 0, field: "" },
            );
        }
        Ok(())
    }

    /// The record: counts sorted, detections sorted by time, bursts found.
    pub(crate) fn finish(mut self, system: &str) -> Result<SecurityEvents, ImportError> {
        self.find_bursts();
        let (Some(from), Some(to)) = (self.from, self.to) else {
            return Err(ImportError::NoEvents {
                file: self.files.first().cloned().unwrap_or_default(),
                others: self.files.len().saturating_sub(1),
            });
        };
        self.ctx.export_time = self.ctx.export_time.max(Some(to));
        let mut counts: Vec<EventCount> = Vec::new();
        for (class, c) in self.counts {
            for (outcome, n) in
                [EventOutcome::Success, EventOutcome::Failure, EventOutcome::Unknown]
                    .into_iter()
                    .zip(c)
            {
                if n > 0 {
                    counts.push(EventCount { category: class.clone(), outcome, count: n });
                }
            }
        }
        counts.sort_by(|a, b| (&a.category, a.outcome).cmp(&(&b.category, b.outcome)));
        self.detected.sort_by(|a, b| {
            (a.time, &a.file, a.record, a.detection).cmp(&(b.time, &b.file, b.record, b.detection))
        });
        Ok(SecurityEvents {
            system: system.to_owned(),
            covered_from: from,
            covered_to: to,
            events: self.events,
            counts,
            detected: self.detected,
            detected_not_listed: self.not_listed,
        })
    }

    /// Groups failed sign-ins by actor; every run of failures in which some
    /// [`BURST_WINDOW`] holds [`BURST_COUNT`] or more is one burst, listed at its first
    /// failure.
    fn find_bursts(&mut self) {
        let mut failures = std::mem::take(&mut self.failures);
        failures.sort_by(|a, b| {
            (a.actor, a.time, a.file, a.record).cmp(&(b.actor, b.time, b.file, b.record))
        });
        let mut i = 0;
        while i < failures.len() {
            let actor = failures[i].actor;
            let end = failures[i..]
                .iter()
                .position(|f| f.actor != actor)
                .map_or(failures.len(), |n| i + n);
            let group = &failures[i..end];
            // in_burst[k]: failure k lies in a window of BURST_COUNT within BURST_WINDOW.
            let mut in_burst = vec![false; group.len()];
            let mut lo = 0;
            for hi in 0..group.len() {
                while group[hi].time.unix_seconds() - group[lo].time.unix_seconds() > BURST_WINDOW {
                    lo += 1;
                }
                if hi + 1 - lo >= BURST_COUNT {
                    in_burst[lo..=hi].iter_mut().for_each(|b| *b = true);
                }
            }
            let mut k = 0;
            while k < group.len() {
                if !in_burst[k] {
                    k += 1;
                    continue;
                }
                let mut last = k;
                while last + 1 < group.len()
                    && in_burst[last + 1]
                    && group[last + 1].time.unix_seconds() - group[last].time.unix_seconds()
                        <= BURST_WINDOW
                {
                    last += 1;
                }
                let first = &group[k];
                let n = last - k + 1;
                let hit = Hit {
                    detection: Detection::FailedSignInBurst,
                    actor: self.name_list[first.actor as usize].clone(),
                    action: self.name_list[first.action as usize].clone(),
                    target: None,
                    source_ip: first.ip.clone(),
                    detail: Some(format!(
                        "{n} failed sign-ins from {} to {}",
                        first.time, group[last].time
                    )),
                };
                let file = self.files[first.file as usize].clone();
                let counted = Counted { time: first.time, time_from_pipeline: first.from_pipeline };
                let id = first.id.clone();
                self.detect(
                    counted,
                    Loc { file: &file, record: first.record },
                    id.as_deref(),
                    EventOutcome::Failure,
                    hit,
                );
                k = last + 1;
            }
            i = end;
        }
    }
}

fn hash<T: Hash + ?Sized>(v: &T) -> u64 {
    let mut h = DefaultHasher::new();
    v.hash(&mut h);
    h.finish()
}

/// Text of a JSON value when it is a non-empty string.
pub(crate) fn str_of(v: Option<&Value>) -> Option<&str> {
    v.and_then(Value::as_str).map(str::trim).filter(|s| !s.is_empty())
}

/// A JSON value that may hold JSON inside a string (`"{\"a\":1}"`): the parsed value,
/// counted when it was a string.
pub(crate) fn json_in_string(ctx: &mut Ctx, v: Option<&Value>, at: At<'_>) -> Option<Value> {
    match v? {
        Value::String(s) => {
            let t = s.trim();
            if t.starts_with('{') || t.starts_with('[') {
                match serde_json::from_str::<Value>(t) {
                    Ok(inner) => {
                        ctx.warn("json_in_string", "JSON held in a string was parsed", at);
                        Some(inner)
                    }
                    Err(_) => None,
                }
            } else {
                None
            }
        }
        other => Some(other.clone()),
    }
}

/// A JSON boolean in any shape exports use (`true`, `"true"`, `"TRUE"`, `"Yes"`).
pub(crate) fn loose_bool(v: Option<&Value>) -> Option<bool> {
    match v? {
        Value::Bool(b) => Some(*b),
        Value::String(s) => match s.trim().to_ascii_lowercase().as_str() {
            "true" | "yes" | "1" => Some(true),
            "false" | "no" | "0" => Some(false),
            _ => None,
        },
        _ => None,
    }
}
