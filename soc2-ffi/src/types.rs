//! soc2-core's value types, passed across the FFI as strings.
//!
//! They cross the FFI as strings in exactly the form soc2 hashes (see the README's
//! serialisation rules); Kotlin and Ruby see `Timestamp` and `CalendarDate` as their own
//! instant and date types (`uniffi.toml`), the other languages as the strings. Going out,
//! Rust writes that form; coming in,
//! the text is parsed with soc2-core's own strict parser, and anything else makes the
//! call fail with [`Soc2Error::Invalid`], naming the type and the rejected text.

use soc2_core::model::{AuditPeriod, ControlId, Criterion, Date, Sha256Digest, Timestamp};

use crate::Soc2Error;

/// Wraps a parse failure of a string-typed value as the error a call reports.
fn rejected(field: &str, reason: impl std::fmt::Display) -> uniffi::deps::anyhow::Error {
    Soc2Error::invalid(field, reason.to_string()).into()
}

uniffi::custom_type!(
    /// An instant in UTC, whole seconds, in exactly the form `2026-03-28T14:05:00Z`.
    Timestamp, String, {
    remote,
    lower: |t| t.to_string(),
    try_lift: |s| s.parse().map_err(|e| rejected("timestamp", e)),
});

/// soc2-core's `Date`, named `CalendarDate` in the bindings so that it does not hide the
/// foreign languages' own `Date` (Swift's Foundation, `java.util`).
type CalendarDate = Date;

uniffi::custom_type!(
    /// A calendar date in exactly the form `YYYY-MM-DD`.
    CalendarDate, String, {
    remote,
    lower: |d| d.to_string(),
    try_lift: |s| s.parse().map_err(|e| rejected("date", e)),
});

uniffi::custom_type!(
    /// A SHA-256 digest as 64 lower-case hex digits.
    Sha256Digest, String, {
    remote,
    lower: |d| d.to_hex(),
    try_lift: |s| s.parse().map_err(|e| rejected("sha256", e)),
});

uniffi::custom_type!(
    /// A control id: 1 to 64 characters of `A-Z a-z 0-9 . _ -`, starting with a letter,
    /// e.g. `AC-01`.
    ControlId, String, {
    remote,
    lower: |c| c.as_str().to_owned(),
    try_lift: |s| s.parse().map_err(|e| rejected("control id", e)),
});

uniffi::custom_type!(
    /// A Trust Services Criterion by its canonical id, e.g. `CC6.1`. Only canonical ids
    /// are accepted here, as in documents; `parse_criterion` also reads the spellings of
    /// other tools (`cc_6_1`, `6.1`, `a1.2`).
    Criterion, String, {
    remote,
    lower: |c| c.id().to_owned(),
    try_lift: |s| Criterion::from_canonical(&s).ok_or_else(|| {
        rejected("criterion", format_args!(
            "unknown Trust Services Criterion {s:?} (expected a canonical id such as CC6.1)"
        ))
    }),
});

uniffi::custom_type!(
    /// What an audit covers: `YYYY-MM-DD..YYYY-MM-DD` for a Type II window (inclusive,
    /// not ending before it starts) or `YYYY-MM-DD` for a Type I date.
    AuditPeriod, String, {
    remote,
    lower: |p| p.to_string(),
    try_lift: |s| s.parse().map_err(|e| rejected("audit period", e)),
});
