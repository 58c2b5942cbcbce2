//! Evaluation: the control catalog, [`evaluate`] and the readiness report.
//!
//! As in [`crate::model`], the catalog and report types' uniffi declarations are generated
//! from soc2-core (into `src/generated/evaluation.rs`); the functions forward to
//! `soc2_core::catalog`, `soc2_core::evaluate` and `soc2_core::report`.

use soc2_core::catalog::{Catalog, CatalogFile};
use soc2_core::model::{AuditPeriod, Date, Evidence, Timestamp};
use soc2_core::report::Report;

use crate::Soc2Error;

// The generated uniffi declarations of the catalog and report types (see
// `crate::model`); rustfmt leaves them as the generator writes them.
#[rustfmt::skip]
#[path = "generated/evaluation.rs"]
mod mirrors;

use mirrors::ReportFormat;

/// One evidence record to evaluate: its locker sequence number, which findings and
/// `Report.relied_on` use to name it, and the evidence.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct EvidenceItem {
    /// The locker's record number.
    pub seq: u64,
    /// The evidence.
    pub evidence: Evidence,
    /// When the locker recorded it (absent: unknown, so it can be shown neither late nor
    /// on time).
    #[uniffi(default)]
    pub recorded_at: Option<Timestamp>,
    /// When an RFC 3161 timestamp proves the record existed by (absent: none covers it).
    #[uniffi(default)]
    pub proven_by: Option<Timestamp>,
}

/// The built-in catalog: controls for the ten areas where SOC 2 audits most often find
/// exceptions, with default thresholds and an empty scope.
#[uniffi::export]
pub fn builtin_catalog() -> Catalog {
    Catalog::builtin()
}

/// `catalog` with a company's catalog file applied (TOML text; `source_name` names it in
/// errors): its scope, thresholds, disabled controls and own controls.
#[uniffi::export]
pub fn extend_catalog_with_toml(
    catalog: Catalog,
    text: String,
    source_name: String,
) -> Result<Catalog, Soc2Error> {
    let file = CatalogFile::from_toml_str(&text, &source_name)?;
    Ok(catalog.extend(file, &source_name)?)
}

/// `catalog` with a company's catalog file applied (JSON text); see
/// [`extend_catalog_with_toml`].
#[uniffi::export]
pub fn extend_catalog_with_json(
    catalog: Catalog,
    text: String,
    source_name: String,
) -> Result<Catalog, Soc2Error> {
    let file = CatalogFile::from_json_str(&text, &source_name)?;
    Ok(catalog.extend(file, &source_name)?)
}

/// `catalog` with the catalog file at `path` applied (`.toml` or `.json`).
#[uniffi::export]
pub fn extend_catalog_with_file(catalog: Catalog, path: String) -> Result<Catalog, Soc2Error> {
    Ok(catalog.extend_from_path(std::path::Path::new(&path))?)
}

/// Evaluates every control of `catalog` against `evidence` over `period`, as of `as_of`:
/// evidence observed later does not count, and what falls due later is "not yet due".
/// A pure function: the same inputs give the same report.
///
/// Fails only when an argument built in the foreign language is malformed (e.g. a period
/// that ends before it starts), with [`Soc2Error::Invalid`].
#[uniffi::export]
pub fn evaluate(
    catalog: Catalog,
    evidence: Vec<EvidenceItem>,
    period: AuditPeriod,
    as_of: Date,
) -> Result<Report, Soc2Error> {
    Ok(soc2_core::evaluate(&catalog, &core_items(&evidence), &period, as_of.naive()))
}

/// The evidence items as soc2-core reads them.
pub(crate) fn core_items(evidence: &[EvidenceItem]) -> Vec<soc2_core::EvidenceItem<'_>> {
    evidence
        .iter()
        .map(|e| soc2_core::EvidenceItem {
            seq: e.seq,
            evidence: &e.evidence,
            recorded_at: e.recorded_at,
            proven_by: e.proven_by,
        })
        .collect()
}

/// Renders a report as terminal text, pretty JSON, Markdown or a self-contained HTML page.
#[uniffi::export]
pub fn render_report(report: Report, format: ReportFormat) -> Result<String, Soc2Error> {
    Ok(report.render(format)?)
}

/// A report as OSCAL assessment results (JSON, OSCAL 1.2.1), for evidence outside a
/// locker: `origin` names it (UUIDs derive from it). For a locker's report use
/// `Locker.oscal_assessment_results`, which adds each record's leaf hash.
#[uniffi::export]
pub fn render_oscal_assessment_results(
    report: Report,
    origin: String,
) -> Result<String, Soc2Error> {
    let source = soc2_core::report::OscalSource { origin, ..Default::default() };
    Ok(report.to_oscal_ar(&source)?)
}

/// A report as an OSCAL plan of action and milestones (one item per exception not
/// closed); fails with [`Soc2Error::Invalid`] when none is open. `origin` as for
/// [`render_oscal_assessment_results`].
#[uniffi::export]
pub fn render_oscal_poam(report: Report, origin: String) -> Result<String, Soc2Error> {
    let source = soc2_core::report::OscalSource { origin, ..Default::default() };
    poam(&report, &source)
}

pub(crate) fn poam(
    report: &Report,
    source: &soc2_core::report::OscalSource,
) -> Result<String, Soc2Error> {
    use soc2_core::report::OscalError;
    match report.to_oscal_poam(source) {
        Ok(s) => Ok(s),
        Err(OscalError::Json(e)) => Err(e.into()),
        Err(e) => {
            Err(soc2_core::Error::Invalid { field: "report".into(), reason: e.to_string() }.into())
        }
    }
}

/// The evidence of soc2's deterministic sample company for `year`, oldest first: a
/// realistic year of records with five deliberate gaps, for trying the API out.
#[uniffi::export]
pub fn sample_company_evidence(year: i32) -> Vec<Evidence> {
    soc2_core::demo::sample_company(year)
}

/// The catalog of soc2's sample company: the built-in one with its in-scope systems,
/// repositories and critical vendors declared.
#[uniffi::export]
pub fn sample_company_catalog() -> Catalog {
    soc2_core::demo::catalog()
}
