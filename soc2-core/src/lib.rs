//! # soc2-core
//!
//! The domain logic of soc2: it turns the evidence a company already has into proof an
//! auditor can check.
//!
//! Where to start:
//! - [`model`]: the typed SOC 2 model — [`model::Criterion`] (the 61 Trust Services
//!   Criteria), [`model::Control`], [`model::Evidence`] with its typed
//!   [`model::Payload`], [`model::AuditPeriod`] and [`model::AuditFinding`] (an audit
//!   "exception").
//! - [`json`]: parse documents with [`json::from_json_str`], which applies every rule the
//!   hashed form depends on, and write them with [`json::to_canonical_vec`] (RFC 8785).
//! - [`catalog`]: the control catalog — built-in controls for the ten areas where SOC 2
//!   audits most often find exceptions, as data, with a company's scope, thresholds and
//!   own controls applied ([`Catalog`]).
//! - [`mod@evaluate`]: [`evaluate()`] tests every control against the evidence records for an
//!   audit period as of a date, a pure function giving a [`Report`].
//! - [`report`]: the readiness report — status and coverage per control, ranked
//!   exceptions with remediation, the opinion risk and its rule, what is due and
//!   overdue — as JSON, Markdown, self-contained HTML or terminal text.
//! - `demo` (only with the `demo` cargo feature, which the `soc2` command line and the
//!   bindings turn on): a deterministic sample company's evidence, with five deliberate
//!   gaps. It is not part of the library's stable API.
//! - [`ledger`]: the evidence locker — [`ledger::Locker`] appends [`model::Record`]s to a
//!   tamper-evident, crash-safe ledger on a plain directory, stores attachments by
//!   content hash, and gives RFC 9162 Merkle roots, [`ledger::Checkpoint`]s, inclusion and
//!   consistency proofs; [`ledger::fsck`] lists every problem it finds.
//! - [`bundle`]: what the auditor receives — [`bundle::export`] writes one signed,
//!   deterministic zip per audit period (disclosed records, every leaf hash, the
//!   checkpoint, attachments, `SHA256SUMS` and its OpenSSH signature), checkable with
//!   stock tools; [`bundle::verify`] checks one against the signers the auditor trusts,
//!   treating it as hostile, and [`bundle::InclusionProof`] proves a record is in its
//!   checkpoint. The spec is `docs/bundle-format.md`.
//! - [`schema`]: the JSON Schemas of the public models, as committed in `schemas/`.
//! - [`progress`]: [`progress::relay`] runs long work on a helper thread and calls a
//!   (foreign) progress callback on the caller's thread, never under a lock of ours.
//!
//! All fallible functions return [`Error`], whose variants name the file, line, field,
//! record or bundle member at fault.

// Library code reports failures as typed errors; tests may unwrap.
#![cfg_attr(not(test), warn(clippy::unwrap_used))]

pub mod bundle;
pub mod catalog;
#[cfg(feature = "demo")]
pub mod demo;
pub mod error;
pub mod evaluate;
pub mod import;
pub mod input;
pub mod json;
pub mod ledger;
pub mod model;
pub mod progress;
pub mod report;
pub mod schema;

pub use catalog::Catalog;
pub use error::{Error, Result};
pub use evaluate::{
    Evaluation, EvidenceItem, evaluate, evaluate_locker, evaluate_locker_with_populations,
    evaluate_with_populations,
};
pub use import::ImportError;
pub use report::Report;
