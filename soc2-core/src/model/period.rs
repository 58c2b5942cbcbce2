//! Audit periods: the point in time of a Type I report or the window of a Type II report.

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::time::{Date, Timestamp, parse_date};

/// What an audit covers: one date (Type I) or an inclusive window of dates (Type II).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "PeriodRepr", into = "PeriodRepr")]
pub enum AuditPeriod {
    /// A Type I report: were the controls designed and in place on this date.
    Type1 {
        /// The date the report speaks of.
        date: NaiveDate,
    },
    /// A Type II report: did the controls operate throughout `start..=end`.
    Type2 {
        /// First day of the window (inclusive).
        start: NaiveDate,
        /// Last day of the window (inclusive).
        end: NaiveDate,
    },
}

// The JSON shape; conversion checks `start <= end`.
#[derive(Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
/// What an audit covers: one date (Type I) or an inclusive window of dates (Type II).
enum PeriodRepr {
    /// A Type I report: were the controls designed and in place on this date.
    Type1 {
        /// The date the report speaks of.
        date: Date,
    },
    /// A Type II report: did the controls operate throughout start..=end.
    Type2 {
        /// First day of the window (inclusive).
        start: Date,
        /// Last day of the window (inclusive, not before start).
        end: Date,
    },
}

impl JsonSchema for AuditPeriod {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "AuditPeriod".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        PeriodRepr::json_schema(generator)
    }
}

impl TryFrom<PeriodRepr> for AuditPeriod {
    type Error = PeriodError;
    fn try_from(r: PeriodRepr) -> Result<Self, PeriodError> {
        match r {
            PeriodRepr::Type1 { date } => Ok(AuditPeriod::Type1 { date: date.0 }),
            PeriodRepr::Type2 { start, end } => AuditPeriod::type2(start.0, end.0),
        }
    }
}

impl From<AuditPeriod> for PeriodRepr {
    fn from(p: AuditPeriod) -> Self {
        match p {
            AuditPeriod::Type1 { date } => PeriodRepr::Type1 { date: Date(date) },
            AuditPeriod::Type2 { start, end } => {
                PeriodRepr::Type2 { start: Date(start), end: Date(end) }
            }
        }
    }
}

/// A period that cannot be parsed or whose end is before its start.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PeriodError {
    /// The end date comes before the start date.
    #[error("audit period ends ({end}) before it starts ({start})")]
    EndBeforeStart {
        /// The start date given.
        start: NaiveDate,
        /// The end date given.
        end: NaiveDate,
    },
    /// The text is not `YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`.
    #[error(
        "invalid audit period {input:?}: expected YYYY-MM-DD..YYYY-MM-DD (Type II) or YYYY-MM-DD (Type I)"
    )]
    Syntax {
        /// The text that was rejected.
        input: String,
    },
    /// A quarter whose number is not 1 to 4 (or whose year a date cannot hold).
    #[error("no quarter {quarter} in {year}: a quarter is numbered 1 to 4")]
    NoSuchQuarter {
        /// The year given.
        year: i32,
        /// The quarter number given.
        quarter: u8,
    },
}

impl AuditPeriod {
    /// A Type II window, checked to be non-empty.
    pub fn type2(start: NaiveDate, end: NaiveDate) -> Result<Self, PeriodError> {
        if end < start {
            return Err(PeriodError::EndBeforeStart { start, end });
        }
        Ok(AuditPeriod::Type2 { start, end })
    }

    /// A Type I point in time.
    pub fn type1(date: NaiveDate) -> Self {
        AuditPeriod::Type1 { date }
    }

    /// First day covered.
    pub fn start(&self) -> NaiveDate {
        match *self {
            AuditPeriod::Type1 { date } => date,
            AuditPeriod::Type2 { start, .. } => start,
        }
    }

    /// Last day covered (inclusive).
    pub fn end(&self) -> NaiveDate {
        match *self {
            AuditPeriod::Type1 { date } => date,
            AuditPeriod::Type2 { end, .. } => end,
        }
    }

    /// Whether `date` lies inside the period (inclusive at both ends).
    pub fn contains_date(&self, date: NaiveDate) -> bool {
        self.start() <= date && date <= self.end()
    }

    /// Whether an instant falls on a day inside the period (UTC days).
    pub fn contains(&self, t: Timestamp) -> bool {
        self.contains_date(t.date())
    }

    /// The calendar quarters the period touches, each clipped to the period, in order.
    pub fn quarters(&self) -> Vec<Quarter> {
        let mut out = Vec::new();
        let mut q = Quarter::containing(self.start());
        while q.first_day() <= self.end() {
            out.push(q);
            q = q.next();
        }
        out
    }
}

impl fmt::Display for AuditPeriod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AuditPeriod::Type1 { date } => write!(f, "{date}"),
            AuditPeriod::Type2 { start, end } => write!(f, "{start}..{end}"),
        }
    }
}

impl FromStr for AuditPeriod {
    type Err = PeriodError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let syntax = || PeriodError::Syntax { input: s.to_owned() };
        match s.split_once("..") {
            Some((a, b)) => {
                let start = parse_date(a).ok_or_else(syntax)?;
                let end = parse_date(b).ok_or_else(syntax)?;
                AuditPeriod::type2(start, end)
            }
            None => Ok(AuditPeriod::type1(parse_date(s).ok_or_else(syntax)?)),
        }
    }
}

/// A calendar quarter, e.g. 2026-Q3: a year and a quarter number from 1 to 4, checked
/// when made ([`Quarter::new`]) and when parsed, so every `Quarter` is a real one.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(deny_unknown_fields, try_from = "QuarterParts")]
pub struct Quarter {
    /// Calendar year.
    year: i32,
    /// 1 to 4.
    quarter: u8,
}

/// A quarter as written, before its number is checked.
#[derive(Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(rename = "Quarter", description = "A calendar quarter, e.g. 2026-Q3.")]
struct QuarterParts {
    /// Calendar year.
    year: i32,
    /// 1 to 4.
    #[schemars(range(min = 1, max = 4))]
    quarter: u8,
}

impl TryFrom<QuarterParts> for Quarter {
    type Error = PeriodError;

    fn try_from(parts: QuarterParts) -> Result<Self, PeriodError> {
        Quarter::new(parts.year, parts.quarter)
    }
}

impl Quarter {
    /// Quarter `quarter` (1 to 4) of `year`; any other quarter number is refused with
    /// [`PeriodError::NoSuchQuarter`], as is a year whose days a date cannot hold.
    pub fn new(year: i32, quarter: u8) -> Result<Self, PeriodError> {
        // The quarter's first day must be a date (the year in chrono's range).
        if !(1..=4).contains(&quarter)
            || NaiveDate::from_ymd_opt(year, u32::from(quarter) * 3 - 2, 1).is_none()
        {
            return Err(PeriodError::NoSuchQuarter { year, quarter });
        }
        Ok(Quarter { year, quarter })
    }

    /// The quarter a date falls in.
    pub fn containing(date: NaiveDate) -> Self {
        Quarter { year: date.year(), quarter: (date.month0() / 3 + 1) as u8 }
    }

    /// Calendar year.
    pub fn year(self) -> i32 {
        self.year
    }

    /// The quarter's number, 1 to 4.
    pub fn quarter(self) -> u8 {
        self.quarter
    }

    /// The quarter after this one.
    pub fn next(self) -> Self {
        if self.quarter >= 4 {
            Quarter { year: self.year + 1, quarter: 1 }
        } else {
            Quarter { year: self.year, quarter: self.quarter + 1 }
        }
    }

    /// Its first day.
    pub fn first_day(self) -> NaiveDate {
        let month = u32::from(self.quarter) * 3 - 2;
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    /// Its last day.
    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-Q{}", self.year, self.quarter)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        parse_date(s).unwrap()
    }

    #[test]
    fn parses_both_types_and_rejects_reversed() {
        assert_eq!(
            "2026-01-01..2026-12-31".parse::<AuditPeriod>().unwrap(),
            AuditPeriod::Type2 { start: d("2026-01-01"), end: d("2026-12-31") }
        );
        assert_eq!(
            "2026-06-30".parse::<AuditPeriod>().unwrap(),
            AuditPeriod::type1(d("2026-06-30"))
        );
        assert!(matches!(
            "2026-12-31..2026-01-01".parse::<AuditPeriod>(),
            Err(PeriodError::EndBeforeStart { .. })
        ));
        assert!("2026-01-01..".parse::<AuditPeriod>().is_err());
    }

    #[test]
    fn quarters_of_a_fiscal_year() {
        let p: AuditPeriod = "2026-04-01..2027-03-31".parse().unwrap();
        let names: Vec<String> = p.quarters().iter().map(ToString::to_string).collect();
        assert_eq!(names, ["2026-Q2", "2026-Q3", "2026-Q4", "2027-Q1"]);
        assert_eq!(Quarter::new(2026, 1).unwrap().last_day(), d("2026-03-31"));
    }

    #[test]
    fn quarters_are_numbered_one_to_four() {
        for q in 1..=4 {
            let quarter = Quarter::new(2026, q).unwrap();
            assert_eq!(quarter.to_string(), format!("2026-Q{q}"));
            assert!(quarter.first_day() <= quarter.last_day());
        }
        assert_eq!(Quarter::new(2026, 4).unwrap().last_day(), d("2026-12-31"));
        for q in [0, 5, 255] {
            assert_eq!(
                Quarter::new(2026, q),
                Err(PeriodError::NoSuchQuarter { year: 2026, quarter: q })
            );
        }
        assert_eq!(
            Quarter::new(2026, 0).unwrap_err().to_string(),
            "no quarter 0 in 2026: a quarter is numbered 1 to 4"
        );
        assert!(Quarter::new(i32::MAX, 4).is_err(), "its last day is past what a date holds");
    }

    #[test]
    fn a_parsed_quarter_is_checked() {
        let ok: Quarter = crate::json::from_json_str(r#"{"year":2026,"quarter":3}"#).unwrap();
        assert_eq!(ok, Quarter::new(2026, 3).unwrap());
        for bad in [r#"{"year":2026,"quarter":0}"#, r#"{"year":2026,"quarter":5}"#] {
            let e = crate::json::from_json_str::<Quarter>(bad).unwrap_err().to_string();
            assert!(e.contains("a quarter is numbered 1 to 4"), "{e}");
        }
    }
}
