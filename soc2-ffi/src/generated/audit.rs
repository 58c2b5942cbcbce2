// Generated from soc2-core's definitions by soc2-ffi-mirrors: do not edit.
// Regenerate with `SOC2_UPDATE_MIRRORS=1 cargo test -p soc2-ffi-mirrors`.

use soc2_core::catalog::Frequency;
use soc2_core::evaluate::ItemResult;
use soc2_core::evaluate::PopulationItem;
use soc2_core::evaluate::sample::Sample;
use soc2_core::evaluate::sample::SampledItem;
use soc2_core::model::AuditPeriod;
use soc2_core::model::ControlId;
use soc2_core::model::Date;
use soc2_core::model::ItemKind;
use soc2_core::model::Severity;
use soc2_core::report::requests::EvidenceRequest;
use soc2_core::report::requests::RequestList;
use soc2_core::report::requests::RequestStatus;

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
    /// Its id (e-mail, account, device id, `owner/repo#123`, vendor, system, ...).
    pub item: String,
    /// The grid column (quarter, e.g. `2026-Q3`) it belongs to.
    pub quarter: String,
    /// When it was or is due.
    pub due: Date,
    /// The result.
    pub result: ItemResult,
    /// Why it deviates (empty when it passed or is not yet due).
    #[uniffi(default)]
    pub reason: String,
    /// The locker records that show it, in seq order.
    #[uniffi(default)]
    pub records: Vec<u64>,
}

/// One selected unit.
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
    /// The size asked for: given, or from the frequency and severity.
    pub size: u64,
    /// Whether `size` was given rather than derived.
    pub size_given: bool,
    /// The seed (text, hashed as UTF-8).
    pub seed: String,
    /// Where the seed comes from (e.g. `signed checkpoint of 1234 records`, `--seed`).
    pub seed_source: String,
    /// The selected units, smallest digest first (`min(size, population)` of them).
    pub selected: Vec<SampledItem>,
}

/// The status of one request.
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
    /// The quarter (grid column) it is for.
    pub quarter: String,
    /// The system, vendor or policy it is for; empty for the control's whole population.
    #[uniffi(default)]
    pub subject: String,
    /// The evidence kinds that show it.
    pub evidence: Vec<String>,
    /// When it is due (the latest due date among its occurrences).
    pub due: Date,
    /// Its status.
    pub status: RequestStatus,
    /// The records that provide it.
    #[uniffi(default)]
    pub records: Vec<u64>,
}

/// The request list of an evaluation.
#[uniffi::remote(Record)]
pub struct RequestList {
    /// The audit period.
    pub period: AuditPeriod,
    /// The evaluation's date.
    pub as_of: Date,
    /// Every request, in catalog order, then by quarter and subject.
    pub requests: Vec<EvidenceRequest>,
}
