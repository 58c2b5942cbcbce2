//! The shared toolkit for messy exports: lenient timestamps, sentinels, boolean shapes,
//! and the import context that counts every oddity and skipped row.

#![allow(dead_code)] // Some helpers serve only the sources that land next.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Datelike, NaiveDate, NaiveDateTime, Utc};
use serde_json::Value;

use super::error::ImportError;
use crate::model::{Completeness, Device, ImportWarning, SkippedRow, Timestamp};

/// Values that exports use to mean "absent" (compared case-insensitively).
pub(crate) const SENTINELS: &[&str] =
    &["n/a", "no_information", "not_supported", "null", "none", "never", "-", "nil", "unknown"];

/// Parses an HTTP `Date` header (RFC 7231 IMF-fixdate, or RFC 2822).
pub(crate) fn parse_http_date(s: &str) -> Option<Timestamp> {
    let s = s.trim();
    let s2 = s.replace(" GMT", " +0000").replace(" UTC", " +0000");
    DateTime::parse_from_rfc2822(&s2)
        .ok()
        .map(|d| Timestamp::from_datetime(d.with_timezone(&Utc)))
        // RFC 2822 allows any number of year digits; a timestamp has four.
        .filter(|t| t.unix_seconds() >= 0 && t.date().year() <= 9999)
}

/// Where in the inputs a value sits (for warnings and errors).
#[derive(Clone, Copy, Debug)]
pub(crate) struct At<'a> {
    pub(crate) file: &'a str,
    pub(crate) row: u64,
    pub(crate) field: &'a str,
}

/// Accumulates what an import read, kept, skipped and normalised.
#[derive(Debug)]
pub(crate) struct Ctx {
    /// The source's name (for messages).
    pub(crate) source: &'static str,
    /// The reference time for "in the future" checks, once known.
    pub(crate) reference: Option<Timestamp>,
    /// A generation time read from inside the export.
    pub(crate) export_time: Option<Timestamp>,
    pub(crate) rows_read: u64,
    pub(crate) rows_kept: u64,
    pub(crate) skipped: Vec<SkippedRow>,
    warnings: Vec<ImportWarning>,
    warning_index: BTreeMap<String, usize>,
    completeness: Option<(Completeness, Option<String>)>,
}

impl Ctx {
    pub(crate) fn new(source: &'static str, reference: Option<Timestamp>) -> Self {
        Ctx {
            source,
            reference,
            export_time: None,
            rows_read: 0,
            rows_kept: 0,
            skipped: Vec::new(),
            warnings: Vec::new(),
            warning_index: BTreeMap::new(),
            completeness: None,
        }
    }

    /// Counts an oddity; the first occurrence's place is kept.
    pub(crate) fn warn(&mut self, code: &str, message: &str, at: At<'_>) {
        if let Some(&i) = self.warning_index.get(code) {
            self.warnings[i].count += 1;
            return;
        }
        self.warning_index.insert(code.to_owned(), self.warnings.len());
        self.warnings.push(ImportWarning {
            code: code.to_owned(),
            message: message.to_owned(),
            count: 1,
            file: at.file.to_owned(),
            row: at.row,
            field: (!at.field.is_empty()).then(|| at.field.to_owned()),
        });
    }

    /// Records a row read but not kept.
    pub(crate) fn skip(&mut self, file: &str, row: u64, reason: impl Into<String>) {
        self.skipped.push(SkippedRow { file: file.to_owned(), row, reason: reason.into() });
    }

    /// Sets the completeness; a weaker verdict wins over a stronger one (filtered or
    /// unknown over complete).
    pub(crate) fn completeness(&mut self, c: Completeness, reason: Option<String>) {
        let rank = |c: Completeness| match c {
            Completeness::Complete => 0,
            Completeness::Unknown => 1,
            Completeness::Filtered => 2,
        };
        match &self.completeness {
            Some((old, _)) if rank(*old) >= rank(c) => {}
            _ => self.completeness = Some((c, reason)),
        }
    }

    pub(crate) fn take_completeness(&mut self) -> (Completeness, Option<String>) {
        self.completeness.take().unwrap_or((
            Completeness::Unknown,
            Some("nothing in the inputs tells whether every item is present".into()),
        ))
    }

    pub(crate) fn take_warnings(&mut self) -> Vec<ImportWarning> {
        std::mem::take(&mut self.warnings)
    }

    /// A text value, or `None` when empty or a sentinel (counted).
    pub(crate) fn text(&mut self, raw: &str, at: At<'_>) -> Option<String> {
        let t = raw.trim();
        if t.is_empty() {
            return None;
        }
        if SENTINELS.iter().any(|s| t.eq_ignore_ascii_case(s)) {
            self.warn(&format!("sentinel:{t}"), &format!("the value {t:?} was read as absent"), at);
            return None;
        }
        if t.len() != raw.len() {
            self.warn("whitespace_trimmed", "surrounding whitespace was removed", at);
        }
        Some(t.to_owned())
    }

    /// A JSON value as text: strings (trimmed, sentinels absent), numbers as written.
    pub(crate) fn json_text(&mut self, v: Option<&Value>, at: At<'_>) -> Option<String> {
        match v? {
            Value::Null => None,
            Value::String(s) => self.text(s, at),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// A boolean in any of the shapes exports use: JSON `true`, `"true"`, `TRUE`, `True`,
    /// `1`/`0`, `yes`/`no`; empty and sentinels are absent. Anything else is an error.
    pub(crate) fn boolean(&mut self, raw: &str, at: At<'_>) -> Result<Option<bool>, ImportError> {
        let Some(t) = self.text(raw, at) else { return Ok(None) };
        let v = match t.as_str() {
            "true" => return Ok(Some(true)),
            "false" => return Ok(Some(false)),
            s if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes") || s == "1" => {
                true
            }
            s if s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no") || s == "0" => {
                false
            }
            _ => {
                return Err(ImportError::malformed(
                    at.file,
                    at.row,
                    Some(at.field),
                    format!("expected a boolean, found {t:?}"),
                ));
            }
        };
        self.warn("boolean_spelling", "a boolean written other than true/false was normalised", at);
        Ok(Some(v))
    }

    /// A JSON boolean, or a string holding one (counted).
    pub(crate) fn json_bool(
        &mut self,
        v: Option<&Value>,
        at: At<'_>,
    ) -> Result<Option<bool>, ImportError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(Value::String(s)) => {
                let b = self.boolean(s, at)?;
                if b.is_some() {
                    self.warn("boolean_as_string", "a boolean given as a string was read", at);
                }
                Ok(b)
            }
            Some(Value::Number(n)) if n.as_u64() == Some(0) || n.as_u64() == Some(1) => {
                self.warn("boolean_as_number", "a boolean given as 0 or 1 was read", at);
                Ok(Some(n.as_u64() == Some(1)))
            }
            Some(other) => Err(ImportError::malformed(
                at.file,
                at.row,
                Some(at.field),
                format!("expected a boolean, found {other}"),
            )),
        }
    }

    /// A timestamp in any shape exports use (see [`parse_lenient`]); empty, sentinels and
    /// pre-1970 "never" values are absent; dates after the export are kept and flagged,
    /// dates more than a year after it are dropped and flagged.
    pub(crate) fn timestamp(
        &mut self,
        raw: &str,
        at: At<'_>,
    ) -> Result<Option<Timestamp>, ImportError> {
        let Some(t) = self.text(raw, at) else { return Ok(None) };
        let parsed = parse_lenient(&t).ok_or_else(|| {
            ImportError::malformed(
                at.file,
                at.row,
                Some(at.field),
                format!("not a date or time: {t:?}"),
            )
        })?;
        for n in &parsed.notes {
            self.warn(n.0, n.1, at);
        }
        let Some(ts) = parsed.value else {
            self.warn(
                "before_1970_as_absent",
                "a date before 1970 (a \"never\") was read as absent",
                at,
            );
            return Ok(None);
        };
        if let Some(reference) = self.reference {
            let ahead = ts.unix_seconds() - reference.unix_seconds();
            if ahead > 366 * 86_400 {
                self.warn(
                    "far_future_dropped",
                    "a date more than a year after the export was dropped",
                    at,
                );
                return Ok(None);
            }
            if ahead > 86_400 {
                self.warn("after_export", "a date after the export was made (kept)", at);
            }
        }
        Ok(Some(ts))
    }

    /// A JSON timestamp: a string in any shape, or a number of epoch milliseconds.
    pub(crate) fn json_timestamp(
        &mut self,
        v: Option<&Value>,
        at: At<'_>,
    ) -> Result<Option<Timestamp>, ImportError> {
        match v {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => self.timestamp(s, at),
            Some(Value::Number(n)) => self.timestamp(&n.to_string(), at),
            Some(other) => Err(ImportError::malformed(
                at.file,
                at.row,
                Some(at.field),
                format!("expected a date or time, found {other}"),
            )),
        }
    }
}

/// Reports accounts listed more than once in one user list (same id, case-insensitive):
/// each duplicate is counted as a warning naming the first place it occurs.
pub(crate) fn report_duplicates(ctx: &mut Ctx, file: &str, accounts: &[(u64, &str)]) {
    let mut seen = std::collections::BTreeSet::new();
    for (row, account) in accounts {
        if !seen.insert(account.to_lowercase()) {
            ctx.warn(
                "duplicate_account",
                "an account is listed more than once in the population (both kept)",
                At { file, row: *row, field: "" },
            );
        }
    }
}

/// The devices of one inventory as the device sources read them: every row is counted as
/// read and, once read, kept; a device id seen before (in any file of the import) is
/// counted as a `duplicate_device` warning naming the first place it occurs again.
#[derive(Debug, Default)]
pub(crate) struct DeviceRows {
    devices: Vec<Device>,
    seen: BTreeSet<String>,
}

impl DeviceRows {
    /// Reads the rows of `file`, each with its row number, with `read`, in order; the first
    /// row that cannot be read is the import's error.
    pub(crate) fn read<'v>(
        &mut self,
        ctx: &mut Ctx,
        file: &str,
        rows: impl IntoIterator<Item = (u64, &'v Value)>,
        read: impl Fn(&mut Ctx, &'v Value, &str, u64) -> Result<Device, ImportError>,
    ) -> Result<(), ImportError> {
        for (row, item) in rows {
            ctx.rows_read += 1;
            let device = read(ctx, item, file, row)?;
            if !self.seen.insert(device.device_id.clone()) {
                ctx.warn(
                    "duplicate_device",
                    "a device is listed more than once in the population (both kept)",
                    At { file, row, field: "id" },
                );
            }
            ctx.rows_kept += 1;
            self.devices.push(device);
        }
        Ok(())
    }

    /// Whether no device has been read.
    pub(crate) fn is_empty(&self) -> bool {
        self.devices.is_empty()
    }

    /// The devices, in the order read.
    pub(crate) fn into_devices(self) -> Vec<Device> {
        self.devices
    }
}

/// A device given on its own (`what`, e.g. "a single host (hosts/{id})") is not a listing:
/// the inventory's completeness is unknown.
pub(crate) fn single_device(ctx: &mut Ctx, single: bool, what: &str) {
    if single {
        ctx.completeness(Completeness::Unknown, Some(format!("{what} is not a listing")));
    }
}

/// A leniently parsed timestamp with what was normalised.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Lenient {
    /// `None` for a date before 1970 (used as "never").
    pub(crate) value: Option<Timestamp>,
    /// (code, message) of each normalisation.
    pub(crate) notes: Vec<(&'static str, &'static str)>,
}

/// Parses the timestamp shapes seen in exports: RFC 3339 with fractions and offsets,
/// no `T` (a space), no zone (read as UTC), `+0000` offsets, date only, epoch seconds
/// or milliseconds.
pub(crate) fn parse_lenient(s: &str) -> Option<Lenient> {
    let mut notes = Vec::new();
    let done = |dt: DateTime<Utc>, mut notes: Vec<(&'static str, &'static str)>| {
        if dt.timestamp_subsec_nanos() != 0 {
            notes.push(("sub_second_dropped", "fractions of a second were dropped"));
        }
        // A timestamp is written with a four-digit year: a later one (an offset can move
        // 9999-12-31 into 10000) is not a time soc2 can write.
        if dt.year() > 9999 {
            return None;
        }
        let value = (dt.timestamp() >= 0).then(|| Timestamp::from_datetime(dt));
        Some(Lenient { value, notes })
    };
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        // 13 digits: milliseconds (2001..2286); 9-10: seconds.
        let dt = match s.len() {
            12 | 13 => {
                notes.push(("epoch_milliseconds", "epoch milliseconds were converted"));
                DateTime::from_timestamp_millis(n)?
            }
            9 | 10 => {
                notes.push(("epoch_seconds", "epoch seconds were converted"));
                DateTime::from_timestamp(n, 0)?
            }
            _ => return None,
        };
        return done(dt, notes);
    }
    // Epoch seconds with a fraction, as the AWS CLI v1 writes timestamps (`1446834998.695`).
    if let Some((secs, frac)) = s.split_once('.')
        && matches!(secs.len(), 9 | 10)
        && secs.bytes().all(|b| b.is_ascii_digit())
        && !frac.is_empty()
        && frac.bytes().all(|b| b.is_ascii_digit())
    {
        notes.push(("epoch_seconds", "epoch seconds were converted"));
        let dt = DateTime::from_timestamp(secs.parse().ok()?, 0)?;
        if frac.bytes().any(|b| b != b'0') {
            notes.push(("sub_second_dropped", "fractions of a second were dropped"));
        }
        return Some(Lenient { value: Some(Timestamp::from_datetime(dt)), notes });
    }
    if s.len() == 10 {
        let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?;
        notes.push(("date_only", "a date without a time was read as midnight UTC"));
        return done(d.and_time(chrono::NaiveTime::MIN).and_utc(), notes);
    }
    let mut t = s.to_owned();
    if t.as_bytes().get(10) == Some(&b' ') {
        t.replace_range(10..11, "T");
        notes.push(("space_for_t", "a space between date and time was read as `T`"));
    }
    if t.as_bytes().get(10) == Some(&b't') {
        t.replace_range(10..11, "T");
    }
    if let Ok(d) = DateTime::parse_from_rfc3339(&t) {
        if d.offset().local_minus_utc() != 0 {
            notes.push(("offset_converted", "a time with a UTC offset was converted to UTC"));
        }
        return done(d.with_timezone(&Utc), notes);
    }
    for f in ["%Y-%m-%dT%H:%M:%S%.f%z", "%Y-%m-%dT%H:%M:%S%.f %z", "%Y-%m-%dT%H:%M:%S%.f %Z"] {
        if let Ok(d) = DateTime::parse_from_str(&t, f) {
            if d.offset().local_minus_utc() != 0 {
                notes.push(("offset_converted", "a time with a UTC offset was converted to UTC"));
            }
            return done(d.with_timezone(&Utc), notes);
        }
    }
    let (body, utc_suffix) = match t.strip_suffix(" UTC").or_else(|| t.strip_suffix(" GMT")) {
        Some(b) => (b.to_owned(), true),
        None => (t.clone(), false),
    };
    for f in ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"] {
        if let Ok(n) = NaiveDateTime::parse_from_str(&body, f) {
            if !utc_suffix {
                notes.push(("timestamp_without_zone", "a time without a zone was read as UTC"));
            }
            return done(n.and_utc(), notes);
        }
    }
    // HTTP dates (e.g. Jamf, some CSV exports).
    if let Some(ts) = parse_http_date(s) {
        notes.push(("http_date", "an RFC 2822 date was converted"));
        return Some(Lenient { value: Some(ts), notes });
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> String {
        parse_lenient(s).unwrap().value.unwrap().to_string()
    }

    #[test]
    fn timestamp_shapes() {
        // Past the year 9999 (after the offset) there is no four-digit spelling.
        assert!(parse_lenient("9999-12-31T23:00:00-02:00").is_none());
        assert!(parse_lenient("+10000-01-01T00:00:00Z").is_none());
        assert_eq!(ts("2026-03-28T15:00:00.344Z"), "2026-03-28T15:00:00Z");
        assert_eq!(ts("2016-05-16T18:13:11+00:00"), "2016-05-16T18:13:11Z");
        assert_eq!(ts("2026-03-28T17:00:00+02:00"), "2026-03-28T15:00:00Z");
        assert_eq!(ts("2026-03-28 15:00:00"), "2026-03-28T15:00:00Z");
        assert_eq!(ts("2026-03-28T15:00:00"), "2026-03-28T15:00:00Z");
        assert_eq!(ts("2026-03-28T15:00:00.123456789Z"), "2026-03-28T15:00:00Z");
        assert_eq!(ts("2026-03-28T15:00:00+0000"), "2026-03-28T15:00:00Z");
        assert_eq!(ts("2026-03-28 15:00:00 UTC"), "2026-03-28T15:00:00Z");
        assert_eq!(ts("1774710000000"), "2026-03-28T15:00:00Z");
        assert_eq!(ts("1774710000"), "2026-03-28T15:00:00Z");
        assert_eq!(ts("1446834998.695"), "2015-11-06T18:36:38Z");
        let n = parse_lenient("1446834998.695").unwrap().notes;
        assert!(n.iter().any(|(c, _)| *c == "sub_second_dropped"));
        assert!(parse_lenient("1446834998.").is_none());
        assert_eq!(ts("2026-03-28"), "2026-03-28T00:00:00Z");
        assert_eq!(ts("Fri, 04 Dec 2026 10:00:00 GMT"), "2026-12-04T10:00:00Z");
        assert_eq!(parse_lenient("0001-01-01T00:00:00Z").unwrap().value, None);
        assert!(parse_lenient("yesterday").is_none());
        assert!(parse_lenient("2026-02-30T00:00:00Z").is_none());
        let n = parse_lenient("2026-03-28 15:00:00").unwrap().notes;
        assert!(n.iter().any(|(c, _)| *c == "space_for_t"));
        assert!(n.iter().any(|(c, _)| *c == "timestamp_without_zone"));
    }

    #[test]
    fn booleans_and_sentinels_are_counted() {
        let mut ctx = Ctx::new("t", None);
        let at = At { file: "f", row: 2, field: "x" };
        assert_eq!(ctx.boolean("true", at).unwrap(), Some(true));
        assert_eq!(ctx.boolean("TRUE", at).unwrap(), Some(true));
        assert_eq!(ctx.boolean("N/A", at).unwrap(), None);
        assert_eq!(ctx.json_bool(Some(&Value::from("false")), at).unwrap(), Some(false));
        assert!(ctx.boolean("maybe", at).unwrap_err().to_string().contains("row 2, field `x`"));
        let w = ctx.take_warnings();
        let count = |c: &str| w.iter().find(|w| w.code == c).map(|w| w.count);
        assert_eq!(count("boolean_spelling"), Some(1));
        assert_eq!(count("sentinel:N/A"), Some(1));
        assert_eq!(count("boolean_as_string"), Some(1));
    }

    #[test]
    fn future_dates_are_flagged_or_dropped() {
        let reference: Timestamp = "2026-03-28T00:00:00Z".parse().unwrap();
        let mut ctx = Ctx::new("t", Some(reference));
        let at = At { file: "f", row: 1, field: "d" };
        assert!(ctx.timestamp("2026-06-01T00:00:00Z", at).unwrap().is_some());
        assert_eq!(ctx.timestamp("2099-01-01T00:00:00Z", at).unwrap(), None);
        let w = ctx.take_warnings();
        assert!(w.iter().any(|w| w.code == "after_export"));
        assert!(w.iter().any(|w| w.code == "far_future_dropped"));
    }
}
