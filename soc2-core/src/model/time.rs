//! Timestamps and dates in the one fixed form that soc2 hashes.

use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, NaiveDate, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The only accepted textual form: RFC 3339, UTC, whole seconds, `Z` suffix.
const FORMAT: &str = "%Y-%m-%dT%H:%M:%SZ";

/// An instant in UTC with whole-second precision, written `2026-03-28T14:05:00Z`.
///
/// Records are hashed, and re-hashed by other languages, so there is exactly one
/// spelling for each instant: offsets other than `Z`, fractional seconds and lower-case
/// separators are rejected rather than normalised, so that parsing and printing always
/// round-trip byte for byte.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(DateTime<Utc>);

impl Timestamp {
    /// Wraps a UTC date-time, dropping any sub-second part.
    pub fn from_datetime(dt: DateTime<Utc>) -> Self {
        Self(DateTime::from_timestamp(dt.timestamp(), 0).unwrap_or(dt))
    }

    /// The current time, truncated to whole seconds.
    pub fn now() -> Self {
        Self::from_datetime(Utc::now())
    }

    /// Midnight UTC at the start of `date`.
    pub fn start_of(date: NaiveDate) -> Self {
        Self(date.and_time(chrono::NaiveTime::MIN).and_utc())
    }

    /// The underlying chrono value.
    pub fn as_datetime(&self) -> DateTime<Utc> {
        self.0
    }

    /// The UTC calendar date of this instant.
    pub fn date(&self) -> NaiveDate {
        self.0.date_naive()
    }

    /// Seconds since the Unix epoch.
    pub fn unix_seconds(&self) -> i64 {
        self.0.timestamp()
    }
}

impl From<DateTime<Utc>> for Timestamp {
    fn from(dt: DateTime<Utc>) -> Self {
        Self::from_datetime(dt)
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use chrono::{Datelike, Timelike};
        // chrono's `format` re-parses the format string on every call, which showed up
        // in profiles of the ledger (every record has timestamps); print the fields.
        let (d, t) = (self.0.date_naive(), self.0.time());
        if let Ok(year) = u32::try_from(d.year())
            && year <= 9999
        {
            // Digits by hand: `write!` with padding is measurably slow here too.
            let mut b = *b"0000-00-00T00:00:00Z";
            let mut put = |at: usize, width: usize, mut v: u32| {
                for i in (at..at + width).rev() {
                    b[i] = b'0' + (v % 10) as u8;
                    v /= 10;
                }
            };
            put(0, 4, year);
            put(5, 2, d.month());
            put(8, 2, d.day());
            put(11, 2, t.hour());
            put(14, 2, t.minute());
            put(17, 2, t.second());
            // Only ASCII digits and separators were written.
            f.write_str(std::str::from_utf8(&b).map_err(|_| fmt::Error)?)
        } else {
            write!(f, "{}", self.0.format(FORMAT))
        }
    }
}

/// Why a timestamp string was rejected.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid timestamp {input:?}: expected UTC in the form 2026-03-28T14:05:00Z, not before 1970 \
     (seconds 00 to 59: leap seconds are not accepted)"
)]
pub struct TimestampError {
    /// The text that was rejected.
    pub input: String,
}

impl FromStr for Timestamp {
    type Err = TimestampError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || TimestampError { input: s.to_owned() };
        // chrono's parser accepts some variations (e.g. fewer digits); insist on the exact
        // shape first, then let chrono check the calendar.
        let b = s.as_bytes();
        let shape_ok = b.len() == 20
            && b.iter().enumerate().all(|(i, c)| match i {
                4 | 7 => *c == b'-',
                10 => *c == b'T',
                13 | 16 => *c == b':',
                19 => *c == b'Z',
                _ => c.is_ascii_digit(),
            });
        if !shape_ok {
            return Err(err());
        }
        // The shape is fixed, so read the fields directly: chrono's `parse_from_str`
        // re-parses its format string on every call (hot when the ledger is read).
        let num =
            |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
        let (h, mi, sec) = (num(11..13), num(14..16), num(17..19));
        let date = NaiveDate::from_ymd_opt(num(0..4) as i32, num(5..7), num(8..10));
        // A leap second (`:60`) is refused like any other impossible time: the JSON
        // Schema's pattern refuses it, Python's datetime cannot hold it, and chrono would
        // keep it as a second 59 with a nanosecond overflow that prints differently.
        let utc = match (date, chrono::NaiveTime::from_hms_opt(h, mi, sec)) {
            (Some(d), Some(t)) if sec < 60 => d.and_time(t).and_utc(),
            _ => return Err(err()),
        };
        // Exports use 0001-01-01T00:00:00Z and similar as "never"; no evidence predates
        // the Unix epoch, so such values must be mapped to an absent field, not kept.
        if utc.timestamp() < 0 {
            return Err(err());
        }
        Ok(Self(utc))
    }
}

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Timestamp {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::model::common::deserialize_from_str(deserializer)
    }
}

impl JsonSchema for Timestamp {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Timestamp".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date-time",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$",
            "description": "An instant in UTC, whole seconds, in exactly the form 2026-03-28T14:05:00Z."
        })
    }
}

/// Parses a calendar date in the form `YYYY-MM-DD` (exactly ten characters).
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

/// A calendar date, written exactly `YYYY-MM-DD`.
///
/// chrono's own deserializer also accepts extended years such as `+02026-01-01`; a
/// hashed document must have one spelling per date, so this type accepts only ten
/// characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub NaiveDate);

impl Date {
    /// Builds a date from its parts, if it exists in the calendar.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, day).map(Date)
    }

    /// The chrono value.
    pub fn naive(self) -> NaiveDate {
        self.0
    }
}

impl From<NaiveDate> for Date {
    fn from(d: NaiveDate) -> Self {
        Date(d)
    }
}

impl From<Date> for NaiveDate {
    fn from(d: Date) -> Self {
        d.0
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0.format("%Y-%m-%d"))
    }
}

/// Text that is not a calendar date in the form `YYYY-MM-DD`.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid date {input:?}: expected YYYY-MM-DD")]
pub struct DateError {
    /// The text that was rejected.
    pub input: String,
}

impl FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_date(s).map(Date).ok_or_else(|| DateError { input: s.to_owned() })
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::model::common::deserialize_from_str(deserializer)
    }
}

impl JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A calendar date, YYYY-MM-DD."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_only_the_fixed_form() {
        let t: Timestamp = "2026-03-28T14:05:00Z".parse().unwrap();
        assert_eq!(t.to_string(), "2026-03-28T14:05:00Z");
        let epoch: Timestamp = "1970-01-01T00:00:00Z".parse().unwrap();
        assert_eq!(epoch.to_string(), "1970-01-01T00:00:00Z");
        for bad in [
            "2026-03-28T14:05:00+00:00",
            "2026-03-28T14:05:00.000Z",
            "2026-03-28 14:05:00Z",
            "2026-03-28T14:05:00",
            "2026-03-28t14:05:00z",
            "2026-02-30T14:05:00Z",
            "2026-03-28T24:05:00Z",
            "+2026-03-28T14:05:00Z",
            "0001-01-01T00:00:00Z",
            "1969-12-31T23:59:59Z",
            "",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad} was accepted");
        }
    }

    /// Issue 16, hole 6: `:60` was accepted and stored, though the schema refuses it.
    #[test]
    fn rejects_leap_seconds() {
        for bad in [
            "2026-03-28T14:05:60Z",
            "2016-12-31T23:59:60Z",
            "2026-03-28T14:05:61Z",
            "2026-03-28T14:05:99Z",
            "2026-03-28T14:60:00Z",
        ] {
            assert!(bad.parse::<Timestamp>().is_err(), "{bad} was accepted");
        }
    }

    #[test]
    fn dates_are_exactly_ten_characters() {
        assert_eq!(parse_date("2026-01-31"), NaiveDate::from_ymd_opt(2026, 1, 31));
        assert_eq!(parse_date("2026-1-31"), None);
        assert_eq!(parse_date("+2026-01-31"), None);
        assert_eq!(parse_date("2026-02-29"), None);
    }
}
