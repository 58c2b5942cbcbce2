//! osquery result logs as a device inventory, for `fleet-hosts`: the filesystem logger's
//! `osqueryd.results.log`, or the same lines as Fleet or a log pipeline forwards them (one
//! JSON result per line; pretty-printed results one after another are read too).
//!
//! Each result is one scheduled query's output on one host in one of osquery's formats: a
//! snapshot (`"action": "snapshot"`, `"snapshot": [rows]`), an event (`"action": "added"` or
//! `"removed"`, `"columns": {row}`), or a batch (`"diffResults": {"added": [..], "removed":
//! [..]}`), with the query's `name`, the `hostIdentifier` (older logs: `hostname`) and
//! `unixTime`. Results are applied in order, keeping per host and query the rows currently
//! true: a snapshot replaces them, added rows are added, removed rows removed. Each query's
//! rows are then recognised by their columns as one of the tables soc2 reads (the query's
//! name is the operator's choice, so it is not used): `os_version`, `system_info`,
//! `disk_encryption`, `bitlocker_info`, `alf`, `windows_security_center`, `screenlock`.
//! Other queries are counted and not read.
//!
//! A log is streamed (see `events::stream`, read strictly: a line that is not JSON is an
//! error naming it), so memory holds the state the log leaves (hosts × queries × rows now),
//! never the file.

use std::collections::{BTreeMap, HashMap, VecDeque};

use serde::de::{Deserializer as _, IgnoredAny, MapAccess, Visitor};
use serde_json::{Map, Value};

use super::error::ImportError;
use super::fleet_hosts::platform;
use super::toolkit::{At, Ctx};
use crate::model::{Completeness, Device, Platform, Timestamp};

/// The members of a result that are read (the others, such as `decorations`, are skipped
/// unparsed), and those that show a Fleet API response or a capture instead.
pub(super) const FIELDS: &[&str] = &[
    "snapshot",
    "action",
    "name",
    "hostIdentifier",
    "calendarTime",
    "unixTime",
    "columns",
    "diffResults",
    "hostname",
    "hosts",
    "host",
    "kind",
    "spec",
    "body",
];

/// The members read as compact JSON text, not values (see `events::stream::Reading::raw`):
/// a snapshot's rows, most of a log, are then stored as they are read.
pub(super) const RAW: &[&str] = &["snapshot"];

/// The members that hold a result's rows: no Fleet API response or capture has one at
/// its top level.
const ROW_MEMBERS: &[&str] = &["snapshot", "columns", "diffResults"];

/// Whether `text`, the beginning of a `fleet-hosts` input, is an osquery result log: its
/// first JSON value is an object with `snapshot`, `columns` or `diffResults` among its
/// members (found before `text` ends). Such an input is streamed; any other is read whole
/// as Fleet API responses.
pub(super) fn starts_a_result_log(text: &[u8]) -> bool {
    let text = super::capture::strip_bom(text);
    let start = text.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(text.len());
    if text.get(start) != Some(&b'{') {
        return false;
    }
    struct Members<'f>(&'f mut bool);
    impl<'de> Visitor<'de> for Members<'_> {
        type Value = ();
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
            while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                if ROW_MEMBERS.contains(&key.as_ref()) {
                    *self.0 = true;
                    // Stop here: the rest need not be read (nor be complete).
                    return Err(serde::de::Error::custom("found"));
                }
                map.next_value::<IgnoredAny>()?;
            }
            Ok(())
        }
    }
    let mut found = false;
    let mut de = serde_json::Deserializer::from_slice(&text[start..]);
    // The text may end inside the value: what was read before decides.
    let _ = de.deserialize_map(Members(&mut found));
    found
}

type Row = Map<String, Value>;

/// The state the logs leave, per host.
#[derive(Default)]
pub(super) struct Logs {
    hosts: BTreeMap<String, Host>,
}

#[derive(Default)]
struct Host {
    /// The latest result's time.
    last: Option<Timestamp>,
    /// Per query name, its rows now and where its last result was.
    queries: BTreeMap<String, Query>,
}

struct Query {
    rows: Rows,
    file: String,
    line: u64,
}

/// A query's rows now, in the order they were added. A removal takes out the earliest
/// equal row, found through a hash of its JSON text, so that a log of many events stays
/// linear (a list searched on each removal made a large log take minutes). Only rows now
/// are held, each as compact JSON text (members in name order: equal text is an equal
/// row), so memory follows the state the log leaves, not the number of results.
#[derive(Default)]
struct Rows {
    /// The rows now, by the order they were added in.
    live: BTreeMap<u64, Box<str>>,
    /// The number the next row added gets.
    next: u64,
    /// Hash of a row's text -> the rows with that hash, in order. Made on the first
    /// removal (a query logged as snapshots never needs it).
    index: Option<HashMap<u64, VecDeque<u64>>>,
}

impl Rows {
    fn text(row: &Row) -> Box<str> {
        // Serialising a map of JSON values cannot fail.
        serde_json::to_string(row).unwrap_or_default().into_boxed_str()
    }

    fn hash(text: &str) -> u64 {
        use std::hash::{BuildHasher, BuildHasherDefault, DefaultHasher};
        BuildHasherDefault::<DefaultHasher>::default().hash_one(text)
    }

    fn push(&mut self, row: &Row) {
        self.push_text(Self::text(row));
    }

    /// Adds a row given as compact JSON text: its members in name order (as [`Rows::text`]
    /// writes them), or, while there is no index, in any order (a snapshot's rows as read).
    fn push_text(&mut self, text: Box<str>) {
        let n = self.next;
        self.next += 1;
        let text = match &mut self.index {
            Some(index) => {
                let text = Self::normal(text);
                index.entry(Self::hash(&text)).or_default().push_back(n);
                text
            }
            None => text,
        };
        self.live.insert(n, text);
    }

    /// A row's text with its members in name order (parsed and written again).
    fn normal(text: Box<str>) -> Box<str> {
        match serde_json::from_str::<Row>(&text) {
            Ok(row) => Self::text(&row),
            Err(_) => text,
        }
    }

    /// Removes the earliest row equal to `row`; false when there is none.
    fn remove(&mut self, row: &Row) -> bool {
        if self.index.is_none() {
            // Rows added before were kept as read: in name order from now on.
            let mut index: HashMap<u64, VecDeque<u64>> = HashMap::new();
            for (&n, text) in &mut self.live {
                *text = Self::normal(std::mem::take(text));
                index.entry(Self::hash(text)).or_default().push_back(n);
            }
            self.index = Some(index);
        }
        let live = &self.live;
        let Some(index) = self.index.as_mut() else { return false };
        let text = Self::text(row);
        let hash = Self::hash(&text);
        let Some(numbers) = index.get_mut(&hash) else { return false };
        let Some(at) = numbers.iter().position(|n| live.get(n).is_some_and(|t| *t == text)) else {
            return false;
        };
        if let Some(n) = numbers.remove(at) {
            self.live.remove(&n);
        }
        if numbers.is_empty() {
            index.remove(&hash);
        }
        true
    }

    /// The rows now, read back.
    fn rows(&self) -> Vec<Row> {
        self.live.values().filter_map(|t| serde_json::from_str(t).ok()).collect()
    }
}

/// Whether a JSON object is an osquery result (rather than a Fleet API response).
pub(super) fn is_result(obj: &Row) -> bool {
    obj.contains_key("name")
        && (obj.contains_key("hostIdentifier")
            || obj.contains_key("unixTime")
            || obj.contains_key("calendarTime"))
        && (obj.contains_key("snapshot")
            || obj.contains_key("columns")
            || obj.contains_key("diffResults"))
}

/// Rows read as text ([`RAW`]): a list of objects' texts; `null` is no row.
fn texts_of(v: Value, file: &str, line: u64, field: &str) -> Result<Vec<Box<str>>, ImportError> {
    let bad =
        || ImportError::malformed(file, line, Some(field), "expected a list of rows (objects)");
    match v {
        Value::String(t) if t == "null" => Ok(Vec::new()),
        Value::Array(a) => a
            .into_iter()
            .map(|r| match r {
                Value::String(t) if t.starts_with('{') => Ok(t.into_boxed_str()),
                _ => Err(bad()),
            })
            .collect(),
        _ => Err(bad()),
    }
}

fn rows_of(v: Value, file: &str, line: u64, field: &str) -> Result<Vec<Row>, ImportError> {
    let bad =
        || ImportError::malformed(file, line, Some(field), "expected a list of rows (objects)");
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Array(a) => a
            .into_iter()
            .map(|r| match r {
                Value::Object(r) => Ok(r),
                _ => Err(bad()),
            })
            .collect(),
        _ => Err(bad()),
    }
}

impl Logs {
    pub(super) fn any(&self) -> bool {
        !self.hosts.is_empty()
    }

    /// Applies one value of a streamed result log: a result, or else an error (a Fleet
    /// API response or anything else is not part of a result log).
    pub(super) fn read_value(
        &mut self,
        ctx: &mut Ctx,
        value: Value,
        file: &str,
        line: u64,
    ) -> Result<(), ImportError> {
        const SOURCE: &str = "fleet-hosts";
        match value {
            Value::Object(obj) if is_result(&obj) => self.read(ctx, obj, file, line, true),
            Value::Object(obj)
                if obj.contains_key("hosts")
                    || obj.contains_key("host")
                    || (obj.contains_key("kind") && obj.contains_key("spec"))
                    || obj.contains_key("body") =>
            {
                Err(ImportError::wrong(
                    file,
                    SOURCE,
                    format!(
                        "line {line}: osquery result logs and Fleet API hosts are different \
                         populations (hostIdentifier vs Fleet host id): import them separately"
                    ),
                ))
            }
            _ => Err(ImportError::wrong(
                file,
                SOURCE,
                format!(
                    "line {line}: not an osquery result (name, hostIdentifier or unixTime, and \
                     snapshot, columns or diffResults) in a result log"
                ),
            )),
        }
    }

    /// The devices the results leave, and the completeness a result log has.
    pub(super) fn finish(&self, ctx: &mut Ctx) -> Result<Vec<Device>, ImportError> {
        let devices = self.devices(ctx)?;
        ctx.completeness(
            Completeness::Unknown,
            Some(
                "osquery result logs show the hosts that reported in the period logged, not \
                 every enrolled host"
                    .into(),
            ),
        );
        Ok(devices)
    }

    /// Applies one result (`snapshot` read as [`RAW`] text when `raw`).
    pub(super) fn read(
        &mut self,
        ctx: &mut Ctx,
        mut obj: Row,
        file: &str,
        line: u64,
        raw: bool,
    ) -> Result<(), ImportError> {
        let at = |field: &'static str| At { file, row: line, field };
        ctx.rows_read += 1;
        let host = match ctx.json_text(obj.get("hostIdentifier"), at("hostIdentifier")) {
            Some(h) => h,
            None => {
                let Some(h) = ctx.json_text(obj.get("hostname"), at("hostname")) else {
                    return Err(ImportError::malformed(
                        file,
                        line,
                        Some("hostIdentifier"),
                        "an osquery result without hostIdentifier (or hostname)",
                    ));
                };
                ctx.warn(
                    "host_from_hostname",
                    "no hostIdentifier: the older `hostname` field names the host",
                    at("hostname"),
                );
                h
            }
        };
        let Some(name) = ctx.json_text(obj.get("name"), at("name")) else {
            return Err(ImportError::malformed(
                file,
                line,
                Some("name"),
                "a result without its query name",
            ));
        };
        let time = ctx.json_timestamp(obj.get("unixTime"), at("unixTime"))?;
        if time.is_none() {
            ctx.warn(
                "result_without_time",
                "a result without unixTime (its time is unknown)",
                at("unixTime"),
            );
        }
        let h = self.hosts.entry(host).or_default();
        h.last = h.last.max(time);
        ctx.export_time = ctx.export_time.max(time);
        let q = h.queries.entry(name).or_insert_with(|| Query {
            rows: Rows::default(),
            file: file.to_owned(),
            line,
        });
        if q.file != file {
            q.file = file.to_owned();
        }
        q.line = line;
        let remove = |ctx: &mut Ctx, rows: &mut Rows, r: &Row| {
            if !rows.remove(r) {
                ctx.warn(
                    "removed_row_not_seen",
                    "a removed row was not among the rows logged before (the log starts after it was added)",
                    At { file, row: line, field: "removed" },
                );
            }
        };
        if let Some(snapshot) = obj.remove("snapshot") {
            let mut rows = Rows::default();
            if raw {
                for r in texts_of(snapshot, file, line, "snapshot")? {
                    rows.push_text(r);
                }
            } else {
                for r in rows_of(snapshot, file, line, "snapshot")? {
                    rows.push(&r);
                }
            }
            q.rows = rows;
        } else if let Some(columns) = obj.remove("columns") {
            let Value::Object(row) = columns else {
                return Err(ImportError::malformed(
                    file,
                    line,
                    Some("columns"),
                    "expected an object",
                ));
            };
            match obj.get("action").and_then(Value::as_str) {
                Some("added") => q.rows.push(&row),
                Some("removed") => remove(ctx, &mut q.rows, &row),
                other => {
                    return Err(ImportError::malformed(
                        file,
                        line,
                        Some("action"),
                        format!("expected added or removed, found {other:?}"),
                    ));
                }
            }
        } else if let Some(mut diff) = obj.remove("diffResults") {
            let mut take = |k: &str| match &mut diff {
                Value::Object(d) => d.remove(k).unwrap_or(Value::Null),
                _ => Value::Null,
            };
            let (removed, added) = (take("removed"), take("added"));
            for r in rows_of(removed, file, line, "diffResults.removed")? {
                remove(ctx, &mut q.rows, &r);
            }
            for r in rows_of(added, file, line, "diffResults.added")? {
                q.rows.push(&r);
            }
        }
        ctx.rows_kept += 1;
        Ok(())
    }

    /// One device per host, in host order.
    pub(super) fn devices(&self, ctx: &mut Ctx) -> Result<Vec<Device>, ImportError> {
        let mut out = Vec::new();
        for (id, h) in &self.hosts {
            let mut d = Device::new(id.clone(), Platform::Other);
            d.last_check_in = h.last;
            let mut platform_read = false;
            for q in h.queries.values() {
                let rows = q.rows.rows();
                let Some(first) = rows.first() else { continue };
                let file = q.file.as_str();
                let at = |field: &'static str| At { file, row: q.line, field };
                let has = |k: &str| first.contains_key(k);
                let ints = |col: &'static str| -> Result<Vec<Option<i64>>, ImportError> {
                    rows.iter().map(|r| int(r.get(col), file, q.line, col)).collect()
                };
                if has("major") && has("minor") && has("platform") {
                    // os_version
                    let p = platform(ctx, &Value::Object(first.clone()), at("platform"));
                    if platform_read && p != d.platform {
                        disagree(ctx, at("platform"));
                    } else {
                        d.platform = p;
                        platform_read = true;
                    }
                    let text = |k: &str| {
                        first
                            .get(k)
                            .and_then(Value::as_str)
                            .map(str::trim)
                            .filter(|s| !s.is_empty())
                    };
                    let v = match (text("name"), text("version")) {
                        (Some(n), Some(v)) => Some(format!("{n} {v}")),
                        (n, v) => n.or(v).map(str::to_owned),
                    };
                    put(ctx, &mut d.os_version, v, at("version"));
                } else if has("hardware_serial") {
                    // system_info
                    let v = ctx.json_text(first.get("hardware_serial"), at("hardware_serial"));
                    put(ctx, &mut d.serial_number, v, at("hardware_serial"));
                } else if has("encrypted") && (has("encryption_status") || has("uuid")) {
                    // disk_encryption: every disk the query selected must be encrypted.
                    let v = all_or_any(&ints("encrypted")?, 1, 0);
                    put(ctx, &mut d.disk_encrypted, v, at("encrypted"));
                } else if has("protection_status") && has("drive_letter") {
                    // bitlocker_info: 1 on, 0 off, 2 unknown.
                    let v = all_or_any(&ints("protection_status")?, 1, 0);
                    put(ctx, &mut d.disk_encrypted, v, at("protection_status"));
                } else if has("global_state") {
                    // alf: 0 off, 1 on with exceptions, 2 essential services only.
                    let v = match int(first.get("global_state"), file, q.line, "global_state")? {
                        Some(0) => Some(false),
                        Some(1 | 2) => Some(true),
                        None => None,
                        Some(other) => {
                            return Err(ImportError::malformed(
                                file,
                                q.line,
                                Some("global_state"),
                                format!("alf global_state is 0, 1 or 2, found {other}"),
                            ));
                        }
                    };
                    put(ctx, &mut d.firewall_enabled, v, at("global_state"));
                } else if has("firewall") && has("autoupdate") {
                    // windows_security_center: Good, Poor, Snoozed, Not Monitored, Error.
                    let health = |k: &str| match first.get(k).and_then(Value::as_str) {
                        Some("Good") => Some(true),
                        Some("Poor" | "Snoozed") => Some(false),
                        _ => None,
                    };
                    put(ctx, &mut d.firewall_enabled, health("firewall"), at("firewall"));
                    put(ctx, &mut d.auto_updates, health("autoupdate"), at("autoupdate"));
                } else if has("enabled") && has("grace_period") {
                    // screenlock: a password required after sleep or the screensaver.
                    let v = match int(first.get("enabled"), file, q.line, "enabled")? {
                        Some(1) => Some(true),
                        Some(0) => Some(false),
                        _ => None,
                    };
                    put(ctx, &mut d.screen_lock, v, at("enabled"));
                } else {
                    ctx.warn(
                        "osquery_query_not_read",
                        "a query whose columns are none of the tables soc2 reads (os_version, \
                         system_info, disk_encryption, bitlocker_info, alf, \
                         windows_security_center, screenlock) was not read",
                        at("name"),
                    );
                }
            }
            if !platform_read {
                let (file, row) =
                    h.queries.values().next().map_or(("", 0), |q| (q.file.as_str(), q.line));
                ctx.warn(
                    "platform_unreported",
                    "a host without an os_version result is `other`",
                    At { file, row, field: "platform" },
                );
            }
            out.push(d);
        }
        Ok(out)
    }
}

/// An integer column: a string (osquery's default) or a number (`numerics: true`).
fn int(v: Option<&Value>, file: &str, line: u64, col: &str) -> Result<Option<i64>, ImportError> {
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_i64()),
        Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
        Some(Value::String(s)) => s.trim().parse().map(Some).map_err(|_| {
            ImportError::malformed(
                file,
                line,
                Some(col),
                format!("expected an integer, found {s:?}"),
            )
        }),
        Some(other) => Err(ImportError::malformed(
            file,
            line,
            Some(col),
            format!("expected an integer, found {other}"),
        )),
    }
}

/// `true` when every value is `yes`, `false` when any is `no`, else absent.
fn all_or_any(values: &[Option<i64>], yes: i64, no: i64) -> Option<bool> {
    if values.contains(&Some(no)) {
        Some(false)
    } else if !values.is_empty() && values.iter().all(|v| *v == Some(yes)) {
        Some(true)
    } else {
        None
    }
}

/// Sets a setting once; a second query saying otherwise is counted (the first is kept).
fn put<T: PartialEq>(ctx: &mut Ctx, slot: &mut Option<T>, value: Option<T>, at: At<'_>) {
    let Some(v) = value else { return };
    match slot {
        None => *slot = Some(v),
        Some(old) if *old != v => disagree(ctx, at),
        Some(_) => {}
    }
}

fn disagree(ctx: &mut Ctx, at: At<'_>) {
    ctx.warn(
        "osquery_results_disagree",
        "two queries of one host disagree on a setting (the first by query name is kept)",
        at,
    );
}
