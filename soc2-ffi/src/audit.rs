//! What auditors work from: the testing workpapers, reproducible samples and the evidence
//! request list (soc2-core's `report::workpapers`, `evaluate::sample` and
//! `report::requests`), over a list of evidence or a locker
//! ([`crate::locker::Locker::workpapers`], `sample`, `request_list`).

use soc2_core::catalog::Catalog;
use soc2_core::evaluate::ControlPopulation;
use soc2_core::evaluate::sample::Sample;
use soc2_core::model::{AuditPeriod, Date};
use soc2_core::report::requests::RequestList;
use soc2_core::{Evaluation, report};

use crate::Soc2Error;
use crate::evaluation::{EvidenceItem, core_items};

// The generated uniffi declarations of the sampling and request-list types (see
// `crate::model`); rustfmt leaves them as the generator writes them.
#[rustfmt::skip]
#[path = "generated/audit.rs"]
mod mirrors;

/// One workpaper file: its path relative to the workpapers' directory and its CSV bytes.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct WorkpaperFile {
    /// `summary.csv` or `population/<CONTROL>.csv`.
    pub name: String,
    /// RFC 4180 CSV, UTF-8 with a header; formula cells neutralised.
    pub content: Vec<u8>,
}

pub(crate) fn workpaper_files(catalog: &Catalog, evaluation: &Evaluation) -> Vec<WorkpaperFile> {
    report::workpapers::files(catalog, evaluation)
        .into_iter()
        .map(|(name, content)| WorkpaperFile { name, content })
        .collect()
}

/// Draws the sample of `control` (the catalog must have it).
pub(crate) fn draw(
    catalog: &Catalog,
    evaluation: &Evaluation,
    control: &str,
    size: Option<u64>,
    seed: &str,
    seed_source: &str,
) -> Result<Sample, Soc2Error> {
    let invalid = |field: &str, reason: String| {
        Soc2Error::from(soc2_core::Error::Invalid { field: field.into(), reason })
    };
    let cc = catalog
        .get(control)
        .ok_or_else(|| invalid("control", format!("{control}: not in the catalog")))?;
    if size == Some(0) {
        return Err(invalid("size", "must be at least 1".into()));
    }
    let population = evaluation
        .population(control)
        .cloned()
        .unwrap_or_else(|| ControlPopulation { control: cc.control.id.clone(), items: Vec::new() });
    Ok(soc2_core::evaluate::sample::draw(cc, &population, size, seed, seed_source))
}

fn evaluation(
    catalog: &Catalog,
    evidence: &[EvidenceItem],
    period: &AuditPeriod,
    as_of: Date,
) -> Evaluation {
    soc2_core::evaluate_with_populations(catalog, &core_items(evidence), period, as_of.naive())
}

/// The testing workpapers of `evidence` over `period`, as of `as_of`: `summary.csv` and
/// per control `population/<CONTROL>.csv`, in path order.
#[uniffi::export]
pub fn workpapers(
    catalog: Catalog,
    evidence: Vec<EvidenceItem>,
    period: AuditPeriod,
    as_of: Date,
) -> Vec<WorkpaperFile> {
    workpaper_files(&catalog, &evaluation(&catalog, &evidence, &period, as_of))
}

/// A reproducible sample of `control`'s population: the `size` units (default: by the
/// control's frequency and severity) with the smallest SHA-256 of `seed` followed by the
/// unit id `QUARTER/ITEM`.
#[uniffi::export]
pub fn draw_sample(
    catalog: Catalog,
    evidence: Vec<EvidenceItem>,
    period: AuditPeriod,
    as_of: Date,
    control: String,
    size: Option<u64>,
    seed: String,
) -> Result<Sample, Soc2Error> {
    let e = evaluation(&catalog, &evidence, &period, as_of);
    draw(&catalog, &e, &control, size, &seed, "given")
}

/// The evidence request list: each control, quarter and system, vendor or policy, with
/// its status (received, missing, late, not yet due) as of `as_of`.
#[uniffi::export]
pub fn request_list(
    catalog: Catalog,
    evidence: Vec<EvidenceItem>,
    period: AuditPeriod,
    as_of: Date,
) -> RequestList {
    report::requests::request_list(&catalog, &evaluation(&catalog, &evidence, &period, as_of))
}

/// A request list as a Markdown table with a summary line.
#[uniffi::export]
pub fn request_list_markdown(list: RequestList) -> String {
    list.to_markdown()
}

/// A request list as RFC 4180 CSV (UTF-8, CRLF, formula cells neutralised).
#[uniffi::export]
pub fn request_list_csv(list: RequestList) -> Vec<u8> {
    list.to_csv()
}
