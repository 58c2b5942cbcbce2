//! Provenance: how a piece of evidence was derived from a system's own export, so that an
//! auditor can re-derive it byte for byte (`soc2 import --check`).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::Sha256Digest;
use super::time::Timestamp;

/// How imported evidence was derived from the files a system exported.
///
/// Evidence that carries provenance was produced by an importer from stored input files
/// (each also an attachment of the evidence), so its dates come from the system of record,
/// not from the person who uploaded it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Provenance {
    /// The importer (the `SOURCE` of `soc2 import`, e.g. `aws-credential-report`).
    pub importer: String,
    /// The importer's version (the soc2 version that ran it).
    pub importer_version: String,
    /// Every input file, in the order given.
    pub inputs: Vec<ImportInput>,
    /// When the system produced the export: from a capture's `Date` header, the export's
    /// own generation time, or the `--fetched-at` given at import.
    pub fetched_at: Timestamp,
    /// Where `fetched_at` came from.
    pub fetched_at_source: FetchedAtSource,
    /// The system name given with `--system`, when it replaced the importer's default
    /// (kept so that the import can be re-derived).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// Whether the inputs hold the whole population.
    pub completeness: Completeness,
    /// Why the population is filtered or unknown (e.g. the filter applied).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completeness_reason: Option<String>,
    /// Rows (items, objects, lines) read from the inputs.
    pub rows_read: u64,
    /// Rows that became part of the evidence.
    pub rows_kept: u64,
    /// Every row read but not kept, with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub skipped: Vec<SkippedRow>,
    /// Oddities normalised on the way (each counted, with its first occurrence).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<ImportWarning>,
    /// When one import yields several records (one per change, per check, per alarm...),
    /// which one this is; absent when the import is one record.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub part: Option<ImportPart>,
}

/// One input file of an import.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportInput {
    /// The file's name as given (informational; never used as a path).
    pub file_name: String,
    /// SHA-256 of the file's bytes (the attachment that stores it).
    pub sha256: Sha256Digest,
    /// Size in bytes.
    pub size: u64,
    /// The request's method, when the file is a capture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The endpoint requested (URL without its query), when the file is a capture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endpoint: Option<String>,
    /// The request's query string, when there was one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub query: Option<String>,
    /// The HTTP status of the response, when the file is a capture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// When the response was produced (its `Date` header), when the file is a capture.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fetched_at: Option<Timestamp>,
}

/// Where an import's `fetched_at` came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FetchedAtSource {
    /// The `Date` header of a captured response (the latest one, over several pages).
    Capture,
    /// A generation time inside the export itself (e.g. the credential report's).
    Export,
    /// Given by the person importing (`--fetched-at`).
    Argument,
}

/// Whether an import holds the whole population.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Completeness {
    /// The export shows that it is complete (every page present, totals match, no filter).
    Complete,
    /// A filter was applied (an OData `$filter`, a `state=` or `search=` query): the
    /// population is a subset.
    Filtered,
    /// Nothing in the export tells whether it is complete.
    Unknown,
}

/// A row that was read but not kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SkippedRow {
    /// The input file (its name as given).
    pub file: String,
    /// The row: 1-based line of a CSV or NDJSON file, or 1-based index in a JSON list.
    pub row: u64,
    /// Why it was not kept.
    pub reason: String,
}

/// An oddity normalised during an import, counted, with where it first occurred.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportWarning {
    /// A stable code, e.g. `timestamp_without_zone`, `sentinel_as_absent`.
    pub code: String,
    /// What was done, in words.
    pub message: String,
    /// How many times it occurred.
    pub count: u64,
    /// The first file where it occurred.
    pub file: String,
    /// The first row where it occurred (0 when not tied to a row).
    pub row: u64,
    /// The field, when it is tied to one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// Which of the records of one import this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ImportPart {
    /// 0-based index among the import's records.
    pub index: u64,
    /// How many records the import made.
    pub count: u64,
}
