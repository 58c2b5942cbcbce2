//! What auditors work from: the testing workpapers, reproducible samples and the evidence
//! request list (soc2-core's `report::workpapers`, `evaluate::sample` and
//! `report::requests`), over a list of evidence or a locker
//! ([`crate::locker::Locker::workpapers`], `sample`, `request_list`).

use soc2_core::catalog::{Catalog, Frequency};
use soc2_core::evaluate::sample::{Sample, SampledItem};
use soc2_core::evaluate::{ControlPopulation, ItemResult, PopulationItem};
use soc2_core::model::{AuditPeriod, ControlId, Date, ItemKind, Severity};
use soc2_core::report::requests::{EvidenceRequest, RequestList, RequestStatus};
use soc2_core::{Evaluation, report};

use crate::Soc2Error;
use crate::evaluation::{EvidenceItem, core_items};

/// The result of testing one item in one quarter.
#[uniffi::remote(Enum)]
pub enum ItemResult {
    /// It met the control.
    Pass,
    /// It did not: a deviation.
    Deviation,
    /// It was not yet due as of the evaluation's date.
    NotYetDue,
}

/// One item of a control's population, tested once (for one quarter, year or event).
#[uniffi::remote(Record)]
pub struct PopulationItem {
    /// What it is.
    pub kind: ItemKind,
    /// Its id (e-mail, device, `owner/repo#123`, vendor, `okta 2026-Q3`, ...).
    pub item: String,
    /// The grid column (quarter) it belongs to.
    pub quarter: String,
    /// When it was or is due.
    pub due: Date,
    /// The result.
    pub result: ItemResult,
    /// Why it deviates (empty when it passed or is not yet due).
    pub reason: String,
    /// The locker records that show it.
    pub records: Vec<u64>,
}

/// One selected unit of a sample.
#[uniffi::remote(Record)]
pub struct SampledItem {
    /// The unit id hashed: `QUARTER/ITEM`.
    pub unit: String,
    /// SHA-256 (hex) of the seed followed by the unit id.
    pub sha256: String,
    /// The population item.
    pub item: PopulationItem,
}

/// A sample drawn from a control's population.
#[uniffi::remote(Record)]
pub struct Sample {
    /// The control.
    pub control: ControlId,
    /// Its frequency (from the catalog, or derived from its cadence).
    pub frequency: Frequency,
    /// Its severity.
    pub severity: Severity,
    /// Units in the population (items tested, not counting those not yet due).
    pub population: u64,
    /// The size asked for.
    pub size: u64,
    /// Whether the size was given rather than derived.
    pub size_given: bool,
    /// The seed.
    pub seed: String,
    /// Where the seed comes from.
    pub seed_source: String,
    /// The selected units, smallest digest first.
    pub selected: Vec<SampledItem>,
}

/// Whether a piece of evidence asked for was provided.
#[uniffi::remote(Enum)]
pub enum RequestStatus {
    /// Provided, on time.
    Received,
    /// Due, not provided.
    Missing,
    /// Provided, but recorded late.
    Late,
    /// Not due yet as of the evaluation's date.
    NotYetDue,
}

/// One piece of evidence requested.
#[uniffi::remote(Record)]
pub struct EvidenceRequest {
    /// The control.
    pub control: ControlId,
    /// The control's title.
    pub title: String,
    /// The quarter it is for.
    pub quarter: String,
    /// The system, vendor or policy it is for; empty for the control's whole population.
    pub subject: String,
    /// The evidence kinds that show it.
    pub evidence: Vec<String>,
    /// When it is due.
    pub due: Date,
    /// Its status.
    pub status: RequestStatus,
    /// The records that provide it.
    pub records: Vec<u64>,
}

/// The evidence request list of an evaluation.
#[uniffi::remote(Record)]
pub struct RequestList {
    /// The audit period.
    pub period: AuditPeriod,
    /// The evaluation's date.
    pub as_of: Date,
    /// Every request, in catalog order, then by quarter and subject.
    pub requests: Vec<EvidenceRequest>,
}

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
