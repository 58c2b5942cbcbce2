//! The readiness report: what [`crate::evaluate::evaluate`] returns, and its renderings
//! as JSON, Markdown, a self-contained HTML page and terminal text.
//!
//! # Opinion risk
//!
//! The report estimates how the exceptions would weigh on an auditor's opinion. The rule
//! ([`OPINION_RULE`], applied by [`Opinion::assess`]) looks at each control in exception,
//! at its deviation rate and at the nature of its failure:
//!
//! - a control fails **pervasively** when it has no evidence at all, when a whole quarter
//!   (or year, for annual controls) was due with nothing shown (no check passed and no
//!   failing check rests on any record), or when it has two deviations or more and its
//!   deviation rate (deviations ÷ population) is above its `tolerable_deviation_percent`
//!   (catalog threshold, default 5). A pervasive failure puts the opinion *at risk of
//!   qualification* on its own;
//! - otherwise its deviations are **isolated**: a *minor exception*. A single deviation
//!   is isolated unless it empties a whole quarter: one deviation in a population too
//!   small for the tolerable rate to allow any is evaluated as an exception, not
//!   extrapolated;
//! - minor exceptions are counted, each control once: **0** is *clean*; **1–3** is
//!   *low* (a few minor exceptions are common and usually acceptable); **4** is
//!   *elevated* (more than the usual few: not yet systemic, one more tips it); **5 or
//!   more** is *at risk* (systemic issues; the opinion may be qualified).
//!
//! The report carries, per control in exception, the figures used: deviations,
//! population, rate, the tolerable rate, pervasive or isolated and why ([`OpinionBasis`]).

mod html;
mod markdown;
pub mod oscal;
pub mod requests;
mod text;
pub mod workpapers;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::catalog::ControlTest;
pub use crate::catalog::{
    CatalogDifference, CatalogDisclosure, DifferenceKind, ThresholdDirection,
};
use crate::json::JsonError;
use crate::model::{
    AuditFinding, AuditPeriod, ControlArea, ControlId, Criterion, Date, EvidenceKind,
    FindingResponse, FindingWriteUp, ItemKind, PriorityClass, Severity, TimeToFix, Timestamp,
};
pub use oscal::{OSCAL_VERSION, OscalError, OscalSource, SOC2_NS, SourceRecord};

/// The rule behind [`OpinionRisk`], as printed in every report.
pub const OPINION_RULE: &str = "Each control in exception is judged on its deviation rate and the nature of its failure. It fails pervasively when it has no evidence at all, when a whole quarter (or year) was due with nothing shown, or when it has two deviations or more and its deviation rate is above its tolerable rate (catalog threshold tolerable_deviation_percent, default 5 %): a pervasive failure is a qualification risk on its own (at risk). Otherwise its deviations are isolated, a minor exception, and minor exceptions are counted: 0 clean; 1-3 low (a few minor exceptions are common and usually acceptable); 4 elevated (more than the usual few: not yet systemic, one more tips it); 5 or more at risk (systemic issues; the opinion may be qualified).";

/// Minor exceptions up to which the opinion risk is low.
pub const MAX_LOW_MINOR: u64 = 3;
/// Minor exceptions from which the opinion is at risk (systemic).
pub const SYSTEMIC_MINOR: u64 = 5;

/// The result of evaluating a catalog against the evidence, for a period, as of a date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Report {
    /// The audit period evaluated.
    pub period: AuditPeriod,
    /// The date the evaluation speaks of: evidence observed later does not count, and
    /// occurrences due later are "not yet due".
    pub as_of: Date,
    /// Labels of the grid's columns: the period's quarters (`2026-Q1`), or the date of a
    /// Type I report.
    pub columns: Vec<String>,
    /// Counts of controls by status.
    pub summary: Summary,
    /// How the exceptions weigh on the opinion.
    pub opinion: Opinion,
    /// One result per control, in catalog order.
    pub controls: Vec<ControlResult>,
    /// The exceptions, ranked: priority class, then severity, then control id.
    pub exceptions: Vec<RankedException>,
    /// What is overdue and what falls due next.
    pub monitoring: Monitoring,
    /// Sequence numbers of every evidence record the evaluation relies on: those observed
    /// in the period up to `as_of`, and earlier ones still in force (a policy approved
    /// before the period, a background check done at hire, the roster).
    pub relied_on: Vec<u64>,
    /// What a reader must know about the inputs: evidence naming systems, repositories
    /// or vendors the catalog does not declare, names spelt with another case, ...
    #[serde(default)]
    pub warnings: Vec<String>,
    /// Every record recorded more than the catalog's `max_recording_delay_days` after
    /// it was observed (observed from a year before the period on), in record order.
    #[serde(default)]
    pub late_records: Vec<LateRecord>,
    /// The catalog evaluated against: its SHA-256 and every difference from the
    /// built-in catalog (shown at the top of every rendering).
    pub catalog: CatalogDisclosure,
    /// What the recording times rest on: RFC 3161 timestamps nobody at the company can
    /// move, or the company's own clock.
    #[serde(default)]
    pub recording_time: RecordingTime,
}

/// What the recording times of the evidence rest on.
///
/// A locker's `recorded_at` is the company's clock. An RFC 3161 token over a signed
/// checkpoint of `size` records proves, on the Time-Stamp Authority's word, that records
/// `0..size` existed by the token's time: that bound is one nobody at the company can
/// move. The late-evidence rule takes, for each record, the earlier of its `recorded_at`
/// and the time it is proven by.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RecordingTime {
    /// The timestamps used, by checkpoint size (each token's signature and imprint were
    /// checked; its TSA's certificate chain is for the auditor to check against the CA
    /// they trust: `soc2 verify --tsa-ca`, `openssl ts -verify`).
    #[serde(default)]
    pub timestamps: Vec<TimeProof>,
    /// Records evaluated that have a recording time.
    #[serde(default)]
    pub records: u64,
    /// Of those, the records a timestamp covers.
    #[serde(default)]
    pub proven: u64,
    /// The same in one sentence, as every rendering prints it.
    #[serde(default)]
    pub statement: String,
}

/// An RFC 3161 timestamp over a signed checkpoint.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeProof {
    /// The checkpoint's tree size: records `0..checkpoint_size` are covered.
    pub checkpoint_size: u64,
    /// The token's time (`genTime`): the covered records existed by then.
    pub gen_time: Timestamp,
    /// The TSA, as its certificate names it.
    pub tsa: String,
}

impl RecordingTime {
    /// The statement for `records` records with a recording time, `proven` of them
    /// covered by a timestamp.
    pub fn statement_for(records: u64, proven: u64) -> String {
        if records == 0 {
            "No recording times are known: the evidence was not read from a locker, so nothing shows when it was recorded.".to_owned()
        } else if proven == 0 {
            "No RFC 3161 timestamp covers any record: every recording time rests on the company's own clock (the locker's recorded_at). Sign and timestamp checkpoints (soc2 checkpoint --sign, soc2 timestamp) to prove them.".to_owned()
        } else if proven == records {
            format!(
                "All {records} records are proven, by RFC 3161 timestamps over signed checkpoints, to have existed by the times shown per control; late evidence is judged on the earlier of that time and the locker's recorded_at."
            )
        } else {
            format!(
                "{proven} of {records} records are proven, by RFC 3161 timestamps over signed checkpoints, to have existed by the times shown per control; the recording times of the other {} rest on the company's own clock (the locker's recorded_at).",
                records - proven
            )
        }
    }
}

/// A record recorded in the locker long after it was observed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LateRecord {
    /// The record.
    pub seq: u64,
    /// Its evidence kind.
    pub kind: EvidenceKind,
    /// When it says the fact was seen.
    pub observed_at: Timestamp,
    /// When the locker recorded it.
    pub recorded_at: Timestamp,
    /// Whether it still counts: its dates come from a system of record. A late record
    /// that does not count proves nothing for the time it claims.
    pub counted: bool,
}

/// Counts of controls by status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// Controls evaluated.
    pub controls: u64,
    /// Operating without exception.
    pub operating: u64,
    /// In exception, with evidence.
    pub exception: u64,
    /// In exception for lack of any evidence.
    pub no_evidence: u64,
    /// Nothing due yet.
    pub not_yet_due: u64,
    /// Nothing to test (e.g. nobody left during the period).
    pub not_applicable: u64,
    /// Deviating items across all controls.
    pub deviations: u64,
}

/// Where a control stands.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ControlStatus {
    /// Every item due so far passed.
    Operating,
    /// Some items deviate.
    Exception,
    /// Something is due, and there is no evidence of the control's kinds at all.
    NoEvidence,
    /// Nothing is due yet as of the report date.
    NotYetDue,
    /// The population is empty: nothing to test.
    NotApplicable,
}

impl ControlStatus {
    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            ControlStatus::Operating => "operating",
            ControlStatus::Exception => "exception",
            ControlStatus::NoEvidence => "no evidence",
            ControlStatus::NotYetDue => "not yet due",
            ControlStatus::NotApplicable => "not applicable",
        }
    }
}

/// How much of what was required is shown, in checks (an item in a slot: a system's
/// quarterly review, a device in a quarter, a change, a person in a year, ...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Coverage {
    /// Checks passed.
    pub met: u64,
    /// Checks due (passed or failed).
    pub required: u64,
    /// Checks not yet due.
    pub not_yet_due: u64,
}

/// A cell of the controls × quarters grid.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum CellStatus {
    /// Everything due in the quarter passed.
    Operating,
    /// Something in the quarter failed.
    Exception,
    /// Only not-yet-due checks.
    NotYetDue,
    /// Nothing was required in the quarter.
    NotRequired,
}

/// One cell of the grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GridCell {
    /// The cell's state.
    pub status: CellStatus,
    /// Checks passed in the quarter.
    pub met: u64,
    /// Checks due in the quarter.
    pub required: u64,
}

/// The evaluation of one control.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlResult {
    /// The control.
    pub control: ControlId,
    /// Its title.
    pub title: String,
    /// Its area.
    pub area: ControlArea,
    /// The criteria it addresses.
    pub criteria: Vec<Criterion>,
    /// The test run.
    pub test: ControlTest,
    /// Where it stands.
    pub status: ControlStatus,
    /// Checks met of checks due.
    pub coverage: Coverage,
    /// Distinct items tested (people, devices, changes, system-quarters, ...).
    pub population: u64,
    /// Distinct items that deviated.
    pub deviations: u64,
    /// The earliest due date of a check not yet due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_due: Option<Date>,
    /// One cell per column of [`Report::columns`].
    pub grid: Vec<GridCell>,
    /// Evidence records this control's checks used.
    pub records: Vec<u64>,
    /// Who answers for the control.
    #[serde(default)]
    pub owner: String,
    /// How the control was tested, in words.
    #[serde(default)]
    pub procedure: String,
    /// The day the first evidence of the control's kinds was recorded in the locker
    /// (absent when no recording time is known): time before it is shown only by
    /// system-of-record evidence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_recorded: Option<Date>,
    /// When every record the control relies on is covered by an RFC 3161 timestamp: the
    /// latest of their proven-by times (all of its evidence existed by then). Absent
    /// when any of them rests on the company's clock alone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub proven_by: Option<Timestamp>,
}

/// An exception with what it takes to fix it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RankedException {
    /// 1 for the exception to fix first.
    pub rank: u64,
    /// When to fix it, relative to others.
    pub priority: PriorityClass,
    /// Typical effort.
    pub time_to_fix: TimeToFix,
    /// Steps to fix it.
    pub remediation: Vec<String>,
    /// Whether it is about logical or data access (shown for readers; the opinion
    /// follows deviation rates, not areas).
    pub access_related: bool,
    /// Whether the control had no evidence at all.
    pub no_evidence: bool,
    /// The finding as an auditor would record it.
    pub finding: AuditFinding,
}

/// The estimated effect of the exceptions on the opinion.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum OpinionRisk {
    /// No exception.
    Clean,
    /// 1-3 minor exceptions and no pervasive failure: common, usually acceptable.
    Low,
    /// 4 minor exceptions and no pervasive failure: more than the usual few.
    Elevated,
    /// A pervasive failure, or 5 or more minor exceptions: the opinion may be qualified.
    AtRisk,
}

impl OpinionRisk {
    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            OpinionRisk::Clean => "clean",
            OpinionRisk::Low => "low",
            OpinionRisk::Elevated => "elevated",
            OpinionRisk::AtRisk => "at risk of qualification",
        }
    }
}

/// Whether a control's deviations are pervasive or isolated.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DeviationNature {
    /// The control fails pervasively: a qualification risk on its own.
    Pervasive,
    /// Isolated deviations: a minor exception, counted by the count rule.
    Isolated,
}

impl DeviationNature {
    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            DeviationNature::Pervasive => "pervasive",
            DeviationNature::Isolated => "isolated",
        }
    }
}

/// The figures the opinion used for one control in exception.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct OpinionBasis {
    /// The control.
    pub control: ControlId,
    /// Distinct items that deviated.
    pub deviations: u64,
    /// Distinct items tested.
    pub population: u64,
    /// Deviations ÷ population, in tenths of a percent, rounded half up (1000 = 100 %).
    pub rate_permille: u64,
    /// The control's tolerable deviation rate, in percent.
    pub tolerable_percent: u32,
    /// Pervasive or isolated.
    pub nature: DeviationNature,
    /// Why, in words.
    pub reason: String,
}

impl OpinionBasis {
    /// Judges a control in exception. `empty_slots` are the quarters (or years) that were
    /// due with nothing shown; `no_evidence` says the control has no evidence at all.
    pub fn judge(
        control: ControlId,
        deviations: u64,
        population: u64,
        tolerable_percent: u32,
        no_evidence: bool,
        empty_slots: &[String],
    ) -> OpinionBasis {
        let rate_permille = if population == 0 {
            1000
        } else {
            (deviations * 2000 + population) / (2 * population)
        };
        let above = deviations.saturating_mul(100) > u64::from(tolerable_percent) * population;
        let (nature, reason) = if no_evidence {
            (DeviationNature::Pervasive, "no evidence of the control at all".to_owned())
        } else if !empty_slots.is_empty() {
            (
                DeviationNature::Pervasive,
                format!("a whole quarter or year with nothing shown: {}", empty_slots.join(", ")),
            )
        } else if deviations >= 2 && above {
            (
                DeviationNature::Pervasive,
                "two or more deviations, at a rate above the tolerable rate".to_owned(),
            )
        } else if deviations < 2 {
            (
                DeviationNature::Isolated,
                "a single deviation, and no quarter or year without evidence".to_owned(),
            )
        } else {
            (DeviationNature::Isolated, "a rate within the tolerable rate".to_owned())
        };
        OpinionBasis {
            control,
            deviations,
            population,
            rate_permille,
            tolerable_percent,
            nature,
            reason,
        }
    }
}

/// A rate in tenths of a percent as `2.5 %`.
pub(crate) fn permille_label(p: u64) -> String {
    format!("{}.{} %", p / 10, p % 10)
}

/// The opinion assessment, the figures it used and the rule it follows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Opinion {
    /// The estimated risk.
    pub risk: OpinionRisk,
    /// Controls in exception.
    pub exceptions: u64,
    /// Of which fail pervasively (each a qualification risk on its own).
    pub pervasive: u64,
    /// Of which are minor exceptions (isolated deviations), counted by the count rule.
    pub minor: u64,
    /// The figures per control in exception, in the order of the ranked exceptions.
    pub basis: Vec<OpinionBasis>,
    /// The rule, in words.
    pub rule: String,
}

impl Opinion {
    /// Applies [`OPINION_RULE`] to the judged controls in exception.
    pub fn assess(basis: Vec<OpinionBasis>) -> Opinion {
        let pervasive =
            basis.iter().filter(|b| b.nature == DeviationNature::Pervasive).count() as u64;
        let minor = basis.len() as u64 - pervasive;
        let risk = if pervasive > 0 || minor >= SYSTEMIC_MINOR {
            OpinionRisk::AtRisk
        } else if minor == 0 {
            OpinionRisk::Clean
        } else if minor <= MAX_LOW_MINOR {
            OpinionRisk::Low
        } else {
            OpinionRisk::Elevated
        };
        Opinion {
            risk,
            exceptions: basis.len() as u64,
            pervasive,
            minor,
            basis,
            rule: OPINION_RULE.to_owned(),
        }
    }
}

/// Whether a control is about logical or data access (shown with each exception; it no
/// longer weighs in the opinion, which follows deviation rates).
pub fn is_access_related(area: ControlArea, criteria: &[Criterion]) -> bool {
    area == ControlArea::AccessReviews || criteria.iter().any(|c| c.id().starts_with("CC6."))
}

/// What is due and overdue as of the report date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Monitoring {
    /// Each control's next due date (controls with nothing pending are left out).
    pub next_due: Vec<NextDue>,
    /// Checks that failed, with the date they were due, oldest first.
    pub overdue: Vec<DueItem>,
    /// Checks not yet due, soonest first.
    pub upcoming: Vec<DueItem>,
}

/// A control's next due date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NextDue {
    /// The control.
    pub control: ControlId,
    /// The earliest due date of its pending checks.
    pub due: Date,
}

/// One item with a due date.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DueItem {
    /// When it is or was due.
    pub due: Date,
    /// The control.
    pub control: ControlId,
    /// What kind of item.
    pub kind: ItemKind,
    /// The item's id.
    pub item: String,
}

/// A rendering of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Format {
    /// Plain text for the terminal.
    Text,
    /// Pretty JSON ([`Report`] with schema `schemas/report.schema.json`).
    Json,
    /// Markdown.
    Markdown,
    /// One self-contained HTML page.
    Html,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "text" => Ok(Format::Text),
            "json" => Ok(Format::Json),
            "md" | "markdown" => Ok(Format::Markdown),
            "html" => Ok(Format::Html),
            _ => Err(format!("unknown report format {s:?}: expected text, json, md or html")),
        }
    }
}

impl Report {
    /// Renders the report.
    pub fn render(&self, format: Format) -> Result<String, JsonError> {
        Ok(match format {
            Format::Text => self.to_text(),
            Format::Json => self.to_json()?,
            Format::Markdown => self.to_markdown(),
            Format::Html => self.to_html(),
        })
    }

    /// Pretty JSON (sorted keys, final newline).
    pub fn to_json(&self) -> Result<String, JsonError> {
        crate::json::to_pretty_string(self)
    }

    /// Canonical JSON bytes (RFC 8785), for hashing.
    pub fn to_canonical_vec(&self) -> Result<Vec<u8>, JsonError> {
        crate::json::to_canonical_vec(self)
    }

    /// Plain text for the terminal.
    pub fn to_text(&self) -> String {
        text::render(self)
    }

    /// Markdown.
    pub fn to_markdown(&self) -> String {
        markdown::render(self)
    }

    /// One self-contained HTML page: inline CSS, no scripts or external assets, readable
    /// when printed.
    pub fn to_html(&self) -> String {
        html::render(self)
    }

    /// Whether any control is in exception (or has no evidence).
    pub fn has_exceptions(&self) -> bool {
        !self.exceptions.is_empty()
    }
}

/// Human names shared by the renderings.
pub(crate) fn priority_label(p: PriorityClass) -> &'static str {
    match p {
        PriorityClass::FixFirst => "fix first",
        PriorityClass::FixSecond => "fix second",
        PriorityClass::StartEarly => "start early",
        PriorityClass::QuickWin => "quick win",
    }
}

pub(crate) fn severity_label(s: Severity) -> &'static str {
    match s {
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}

pub(crate) fn kind_label(k: ItemKind) -> &'static str {
    match k {
        ItemKind::Person => "person",
        ItemKind::Account => "account",
        ItemKind::Device => "device",
        ItemKind::Change => "change",
        ItemKind::Vendor => "vendor",
        ItemKind::System => "system",
        ItemKind::Policy => "policy",
        ItemKind::Risk => "risk",
        ItemKind::Alert => "alert",
        ItemKind::Occurrence => "occurrence",
        ItemKind::Document => "document",
        ItemKind::Event => "event",
    }
}

/// Record numbers as ranges: `#0-#4 #7 #9-#10` (the numbers must be sorted).
pub(crate) fn records_label(records: &[u64]) -> String {
    if records.is_empty() {
        return "none".into();
    }
    let mut parts: Vec<String> = Vec::new();
    let mut i = 0;
    while i < records.len() {
        let mut j = i;
        while j + 1 < records.len() && records[j + 1] == records[j] + 1 {
            j += 1;
        }
        parts.push(if j == i {
            format!("#{}", records[i])
        } else {
            format!("#{}-#{}", records[i], records[j])
        });
        i = j + 1;
    }
    parts.join(" ")
}

/// When a control's evidence is proven to have existed by, or what its times rest on.
pub(crate) fn proven_label(c: &ControlResult) -> String {
    match c.proven_by {
        Some(t) => t.to_string(),
        None if c.records.is_empty() => "no evidence".to_owned(),
        None => "company clock".to_owned(),
    }
}

/// One line about a timestamp used.
pub(crate) fn timestamp_label(t: &TimeProof) -> String {
    format!(
        "records #0-#{} existed by {} (RFC 3161 token over signed checkpoint {}; TSA {})",
        t.checkpoint_size.saturating_sub(1),
        t.gen_time,
        t.checkpoint_size,
        t.tsa
    )
}

/// One line about a management response: `Management response for okta@2026-Q3:
/// remediating; owner ...; target 2027-01-31; given 2026-12-01 (record #41): text`.
pub(crate) fn response_label(r: &FindingResponse) -> String {
    format!(
        "Management response{}: {}; owner {}; target {}; given {} (record #{}): {}",
        r.item.as_ref().map_or_else(String::new, |i| format!(" for {i}")),
        r.status.label(),
        r.owner,
        r.target_date.map_or_else(|| "none".to_owned(), |d| d.to_string()),
        r.given_on,
        r.record,
        r.response
    )
}

/// The elements of a written-up finding, labelled, in the order auditors write them.
pub(crate) fn write_up_parts(w: &FindingWriteUp) -> [(&'static str, &str); 5] {
    [
        ("Condition", &w.condition),
        ("Criteria", &w.criteria),
        ("Cause", &w.cause),
        ("Effect", &w.effect),
        ("Recommendation", &w.recommendation),
    ]
}

/// One line about a late record.
pub(crate) fn late_label(l: &LateRecord) -> String {
    format!(
        "#{} {}: observed {}, recorded {} ({})",
        l.seq,
        l.kind,
        l.observed_at.date(),
        l.recorded_at.date(),
        if l.counted {
            "dates from a system of record: counted"
        } else {
            "recorded by hand: proves nothing for the time it claims"
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_shown_as_ranges() {
        assert_eq!(records_label(&[]), "none");
        assert_eq!(records_label(&[3]), "#3");
        assert_eq!(records_label(&[0, 1, 2, 3, 4, 7, 9, 10]), "#0-#4 #7 #9-#10");
    }

    fn judged(id: &str, deviations: u64, population: u64, empty: &[&str]) -> OpinionBasis {
        let empty: Vec<String> = empty.iter().map(|s| (*s).to_owned()).collect();
        OpinionBasis::judge(id.parse().unwrap(), deviations, population, 5, false, &empty)
    }

    #[test]
    fn pervasive_or_isolated_follows_rate_and_empty_periods() {
        use DeviationNature::*;
        // 40 of 40 changes: far above 5 %.
        assert_eq!(judged("CHG-01", 40, 40, &[]).nature, Pervasive);
        // 2 of 40 is exactly 5 %: not above the tolerable rate.
        assert_eq!(judged("CHG-01", 2, 40, &[]).nature, Isolated);
        assert_eq!(judged("CHG-01", 3, 40, &[]).nature, Pervasive);
        // A single deviation is isolated, however small the population...
        assert_eq!(judged("DEV-02", 1, 3, &[]).nature, Isolated);
        // ...unless it leaves a whole quarter with nothing shown.
        assert_eq!(judged("AC-01", 1, 4, &["2026-Q3"]).nature, Pervasive);
        // No evidence at all.
        let b = OpinionBasis::judge("IR-02".parse().unwrap(), 1, 1, 5, true, &[]);
        assert_eq!(b.nature, Pervasive);
        // Rates in tenths of a percent, rounded half up.
        assert_eq!(judged("X-1", 1, 3, &[]).rate_permille, 333);
        assert_eq!(judged("X-1", 2, 3, &[]).rate_permille, 667);
        assert_eq!(judged("X-1", 1, 40, &[]).rate_permille, 25);
        assert_eq!(permille_label(25), "2.5 %");
        assert_eq!(judged("X-1", 0, 0, &[]).rate_permille, 1000);
    }

    #[test]
    fn opinion_rule_boundaries() {
        let minor = |n: usize| (0..n).map(|i| judged(&format!("X-{i}"), 1, 10, &[])).collect();
        let risk = |n: usize| Opinion::assess(minor(n)).risk;
        assert_eq!(risk(0), OpinionRisk::Clean);
        assert_eq!(risk(1), OpinionRisk::Low);
        assert_eq!(risk(3), OpinionRisk::Low);
        assert_eq!(risk(4), OpinionRisk::Elevated);
        assert_eq!(risk(5), OpinionRisk::AtRisk);
        // One pervasive failure is at risk on its own.
        let o = Opinion::assess(vec![judged("CHG-01", 40, 40, &[])]);
        assert_eq!((o.risk, o.exceptions, o.pervasive, o.minor), (OpinionRisk::AtRisk, 1, 1, 0));
        let mut b: Vec<OpinionBasis> = minor(2);
        b.push(judged("AC-01", 1, 4, &["2026-Q3"]));
        let o = Opinion::assess(b);
        assert_eq!((o.risk, o.exceptions, o.pervasive, o.minor), (OpinionRisk::AtRisk, 3, 1, 2));
    }

    #[test]
    fn access_weighting_follows_cc6_and_the_area() {
        let cc = |s: &str| s.parse::<Criterion>().unwrap();
        assert!(is_access_related(ControlArea::Other, &[cc("CC6.1")]));
        assert!(is_access_related(ControlArea::AccessReviews, &[cc("CC1.4")]));
        assert!(!is_access_related(ControlArea::Policies, &[cc("CC5.3")]));
    }
}
