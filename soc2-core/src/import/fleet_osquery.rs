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

use std::collections::{BTreeMap, VecDeque};

use serde_json::{Map, Value};

use super::error::ImportError;
use super::fleet_hosts::platform;
use super::toolkit::{At, Ctx};
use crate::model::{Device, Platform, Timestamp};

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
/// equal row; rows are found by their canonical JSON, so that a log of many events stays
/// linear (a list searched on each removal made a large log take minutes).
#[derive(Default)]
struct Rows {
    /// Every row added since the last snapshot; `None` once removed.
    slots: Vec<Option<Row>>,
    /// Canonical JSON of a row -> the slots holding a row that prints so, in order.
    index: BTreeMap<Vec<u8>, VecDeque<usize>>,
}

impl Rows {
    fn key(row: &Row) -> Vec<u8> {
        crate::json::to_canonical_vec(row).or_else(|_| serde_json::to_vec(row)).unwrap_or_default()
    }

    fn push(&mut self, row: Row) {
        self.index.entry(Self::key(&row)).or_default().push_back(self.slots.len());
        self.slots.push(Some(row));
    }

    /// Removes the earliest row equal to `row`; false when there is none.
    fn remove(&mut self, row: &Row) -> bool {
        let Some(slots) = self.index.get_mut(&Self::key(row)) else { return false };
        // Rows that print alike are equal but for number spellings (1 and 1.0).
        let Some(at) = slots.iter().position(|&i| self.slots[i].as_ref() == Some(row)) else {
            return false;
        };
        if let Some(slot) = slots.remove(at) {
            self.slots[slot] = None;
        }
        true
    }

    fn iter(&self) -> impl Iterator<Item = &Row> {
        self.slots.iter().flatten()
    }

    fn first(&self) -> Option<&Row> {
        self.iter().next()
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

fn rows_of<'v>(
    v: &'v Value,
    file: &str,
    line: u64,
    field: &str,
) -> Result<Vec<&'v Row>, ImportError> {
    let bad =
        || ImportError::malformed(file, line, Some(field), "expected a list of rows (objects)");
    match v {
        Value::Null => Ok(Vec::new()),
        Value::Array(a) => a.iter().map(|r| r.as_object().ok_or_else(bad)).collect(),
        _ => Err(bad()),
    }
}

impl Logs {
    pub(super) fn any(&self) -> bool {
        !self.hosts.is_empty()
    }

    /// Applies one result.
    pub(super) fn read(
        &mut self,
        ctx: &mut Ctx,
        obj: &Row,
        file: &str,
        line: u64,
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
        q.file = file.to_owned();
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
        if let Some(snapshot) = obj.get("snapshot") {
            let mut rows = Rows::default();
            for r in rows_of(snapshot, file, line, "snapshot")? {
                rows.push(r.clone());
            }
            q.rows = rows;
        } else if let Some(columns) = obj.get("columns") {
            let Some(row) = columns.as_object() else {
                return Err(ImportError::malformed(
                    file,
                    line,
                    Some("columns"),
                    "expected an object",
                ));
            };
            match obj.get("action").and_then(Value::as_str) {
                Some("added") => q.rows.push(row.clone()),
                Some("removed") => remove(ctx, &mut q.rows, row),
                other => {
                    return Err(ImportError::malformed(
                        file,
                        line,
                        Some("action"),
                        format!("expected added or removed, found {other:?}"),
                    ));
                }
            }
        } else if let Some(diff) = obj.get("diffResults") {
            let empty = Value::Null;
            for r in
                rows_of(diff.get("removed").unwrap_or(&empty), file, line, "diffResults.removed")?
            {
                remove(ctx, &mut q.rows, r);
            }
            for r in rows_of(diff.get("added").unwrap_or(&empty), file, line, "diffResults.added")?
            {
                q.rows.push(r.clone());
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
                let Some(first) = q.rows.first() else { continue };
                let file = q.file.as_str();
                let at = |field: &'static str| At { file, row: q.line, field };
                let has = |k: &str| first.contains_key(k);
                let ints = |col: &'static str| -> Result<Vec<Option<i64>>, ImportError> {
                    q.rows.iter().map(|r| int(r.get(col), file, q.line, col)).collect()
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
