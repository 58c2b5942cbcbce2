//! The typed SOC 2 domain model: criteria, controls, evidence, audit periods, findings,
//! and the ledger record that stores evidence in the locker.
//!
//! Every type here serialises to JSON that soc2 hashes, so the rules are strict and the
//! same in every language: timestamps are UTC in exactly the form `2026-03-28T14:05:00Z`,
//! dates `YYYY-MM-DD`; there are no floats; integers stay within ±(2^53 − 1); unknown
//! fields, duplicate keys and strings that are not in Unicode NFC are rejected (never
//! normalised), so a document either parses unchanged or fails with an error naming the
//! field. Optional fields are omitted when absent. Parse documents with
//! [`crate::json::from_json_str`] to get all of these checks.

pub mod common;
pub mod control;
pub mod criterion;
pub mod dates;
pub mod evidence;
pub mod finding;
pub mod period;
pub mod provenance;
pub mod record;
pub mod time;

pub use common::{MAX_SAFE_INTEGER, Sha256Digest};
pub use control::{
    Cadence, Control, ControlArea, ControlId, PriorityClass, Severity, TimeToFix, TriggerEvent,
};
pub use criterion::{Category, Criterion, CriterionError};
pub use dates::{EventTime, FutureDated, RECORDING_CLOCK_SKEW};
pub use evidence::*;
pub use finding::{
    AffectedItem, AuditFinding, FindingResponse, FindingStatus, FindingWriteUp, ItemKind,
};
pub use period::{AuditPeriod, PeriodError, Quarter};
pub use provenance::{
    Completeness, FetchedAtSource, ImportInput, ImportPart, ImportWarning, Provenance, SkippedRow,
};
pub use record::Record;
pub use time::{Date, Timestamp};
