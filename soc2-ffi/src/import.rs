//! Importers (soc2-core's `import`): the files that systems export become evidence with
//! provenance, as `soc2 import` makes it. [`import_files`] imports without recording;
//! [`crate::locker::Locker::add_import`] records, and
//! [`crate::locker::Locker::check_import`] re-derives a stored record from its inputs.

use soc2_core::import::{self, FileImport, Options, RecordCheck};
use soc2_core::model::{
    Attachment, Completeness, Evidence, EvidenceKind, FetchedAtSource, Provenance, Timestamp,
};

use crate::Soc2Error;
use crate::locker::Appended;

/// An importer: the `SOURCE` of `soc2 import`.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ImportSource {
    /// Its name, e.g. `okta-users`.
    pub name: String,
    /// The kind of evidence it makes.
    pub kind: EvidenceKind,
    /// The system named in its evidence unless `system` says otherwise.
    pub system: String,
    /// What it reads, in a few words.
    pub input: String,
}

/// The summary of an import: the population read, how complete it is, what was skipped
/// and normalised (the provenance's facts, for a quick look).
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ImportSummary {
    /// Whether the inputs hold the whole population.
    pub completeness: Completeness,
    /// Why the population is filtered or unknown.
    pub completeness_reason: Option<String>,
    /// Rows read from the inputs.
    pub rows_read: u64,
    /// Rows that became part of the evidence.
    pub rows_kept: u64,
    /// Rows read but not kept.
    pub rows_skipped: u64,
    /// Oddities normalised on the way (distinct kinds; each is counted in the provenance).
    pub warnings: u64,
    /// When the system produced the export.
    pub fetched_at: Timestamp,
    /// Where `fetched_at` came from.
    pub fetched_at_source: FetchedAtSource,
}

/// What an import made.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ImportResult {
    /// The importer that made it.
    pub source: ImportSource,
    /// The evidence, in order (one or more documents, each with the same provenance).
    pub evidence: Vec<Evidence>,
    /// The provenance shared by all of it (without its `part`): inputs, skipped rows with
    /// their reasons, warnings.
    pub provenance: Provenance,
    /// The summary of the population.
    pub summary: ImportSummary,
    /// The input files as attachments, in order.
    pub attachments: Vec<Attachment>,
    /// The records appended (empty unless recorded by `Locker.add_import`).
    pub appended: Vec<Appended>,
}

/// The outcome of `Locker.check_import`.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct ImportCheck {
    /// The record checked.
    pub seq: u64,
    /// Whether the re-derived evidence is byte for byte the stored one.
    pub identical: bool,
    /// The importer named in its provenance.
    pub importer: String,
    /// Its version, as recorded.
    pub importer_version: String,
    /// How many stored inputs it was re-derived from.
    pub inputs: u64,
    /// The evidence as re-derived now.
    pub rederived: Evidence,
}

fn source_of(s: import::SourceInfo) -> ImportSource {
    ImportSource {
        name: s.name.to_owned(),
        kind: s.kind,
        system: s.system.to_owned(),
        input: s.input.to_owned(),
    }
}

pub(crate) fn result_of(i: FileImport, appended: Vec<Appended>) -> ImportResult {
    let i = i.import;
    let p = &i.provenance;
    let summary = ImportSummary {
        completeness: p.completeness,
        completeness_reason: p.completeness_reason.clone(),
        rows_read: p.rows_read,
        rows_kept: p.rows_kept,
        rows_skipped: p.skipped.len() as u64,
        warnings: p.warnings.len() as u64,
        fetched_at: p.fetched_at,
        fetched_at_source: p.fetched_at_source,
    };
    ImportResult {
        source: source_of(i.source),
        evidence: i.evidence,
        summary,
        provenance: i.provenance,
        attachments: i.attachments,
        appended,
    }
}

pub(crate) fn check_of(c: RecordCheck) -> ImportCheck {
    ImportCheck {
        seq: c.seq,
        identical: c.recheck.identical,
        importer: c.importer,
        importer_version: c.importer_version,
        inputs: c.inputs as u64,
        rederived: c.recheck.rederived,
    }
}

/// Runs the importer `source` over the files at `paths` (pages of one population, bare
/// bodies or captures) and returns the evidence and its summary; records nothing
/// (`soc2 import --dry-run`). `system` names the system instead of the source's default;
/// `fetched_at` says when the export was made when the files do not.
#[uniffi::export(default(system = None, fetched_at = None))]
pub fn import_files(
    source: String,
    paths: Vec<String>,
    system: Option<String>,
    fetched_at: Option<Timestamp>,
) -> Result<ImportResult, Soc2Error> {
    let imported = import::import_files(&source, &paths, &Options { system, fetched_at })?;
    Ok(result_of(imported, Vec::new()))
}

/// Every importer, in the order `soc2 import --list` shows them.
#[uniffi::export]
pub fn list_import_sources() -> Vec<ImportSource> {
    import::sources().into_iter().map(source_of).collect()
}
