//! The request list ("provided by client" list): every piece of evidence the catalog
//! expects for the period — each control, each quarter (the quarter an annual or
//! event-driven item falls due in), and for controls tested per system, vendor or
//! policy, each of those — with its status as of the evaluation's date. It is derived
//! from the evaluation's populations: a request is a group of tested items (control,
//! quarter, subject), so a quarter with nothing to test (no hire, no leaver) asks for
//! nothing.
//!
//! Statuses:
//! - `not_yet_due`: every occurrence in it is due after the evaluation's date;
//! - `missing`: due, and no record shows any of it;
//! - `late`: records show it, but at least one was recorded in the locker more than
//!   `max_recording_delay_days` after it was observed (the report's late records); or,
//!   for a request on a control's whole population, none shows it but a late record of
//!   the control's evidence kinds that does not count was observed in that quarter;
//! - `received`: records show it, recorded on time.
//!
//! A request's status says whether the evidence was provided, not whether the control
//! passed: a received review that found problems is still received (the workpapers and
//! the report show the deviations).

use std::collections::{BTreeMap, BTreeSet};

use chrono::Datelike;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::catalog::Catalog;
use crate::evaluate::{Evaluation, ItemResult};
use crate::model::{AuditPeriod, ControlId, Date, EvidenceKind, ItemKind};

use super::workpapers::csv_document;

/// The status of one request.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
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

impl RequestStatus {
    /// The status as written in files.
    pub fn as_str(self) -> &'static str {
        match self {
            RequestStatus::Received => "received",
            RequestStatus::Missing => "missing",
            RequestStatus::Late => "late",
            RequestStatus::NotYetDue => "not_yet_due",
        }
    }
}

/// One piece of evidence requested.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EvidenceRequest {
    /// The control.
    pub control: ControlId,
    /// The control's title.
    pub title: String,
    /// The quarter (grid column) it is for.
    pub quarter: String,
    /// The system, vendor or policy it is for; empty for the control's whole population.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub subject: String,
    /// The evidence kinds that show it.
    pub evidence: Vec<String>,
    /// When it is due (the latest due date among its occurrences).
    pub due: Date,
    /// Its status.
    pub status: RequestStatus,
    /// The records that provide it.
    #[serde(default)]
    pub records: Vec<u64>,
}

/// The request list of an evaluation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestList {
    /// The audit period.
    pub period: AuditPeriod,
    /// The evaluation's date.
    pub as_of: Date,
    /// Every request, in catalog order, then by quarter and subject.
    pub requests: Vec<EvidenceRequest>,
}

/// The subject an item is requested for: systems, vendors and policies one by one, and
/// a periodic control's occurrence for a system (`okta 2026-Q3`) under that system; every
/// other item (people, devices, changes, accounts, ...) under the control as a whole.
fn subject(kind: ItemKind, item: &str, quarter: &str) -> String {
    match kind {
        ItemKind::System | ItemKind::Vendor | ItemKind::Policy => item.to_owned(),
        ItemKind::Occurrence => item
            .strip_suffix(quarter)
            .and_then(|s| s.strip_suffix(' '))
            .filter(|s| !s.trim().is_empty())
            .unwrap_or_default()
            .to_owned(),
        _ => String::new(),
    }
}

fn quarter_label(d: chrono::NaiveDate) -> String {
    format!("{}-Q{}", d.year(), d.month0() / 3 + 1)
}

#[derive(Default)]
struct Group {
    due: Option<Date>,
    tested: bool,
    records: BTreeSet<u64>,
}

/// The request list of `evaluation` (made with `catalog`).
pub fn request_list(catalog: &Catalog, evaluation: &Evaluation) -> RequestList {
    let report = &evaluation.report;
    let late: BTreeMap<u64, &super::LateRecord> =
        report.late_records.iter().map(|l| (l.seq, l)).collect();
    // The quarters with late records set aside, by kind (each group without records used
    // to scan every late record).
    let set_aside: BTreeSet<(EvidenceKind, String)> = report
        .late_records
        .iter()
        .filter(|l| !l.counted)
        .map(|l| (l.kind, quarter_label(l.observed_at.date())))
        .collect();
    let mut requests = Vec::new();
    for population in &evaluation.populations {
        let Some(cc) = catalog.get(population.control.as_str()) else { continue };
        // Quarter order is the report's column order.
        let mut groups: BTreeMap<(usize, String), Group> = BTreeMap::new();
        for i in &population.items {
            let col = report.columns.iter().position(|c| *c == i.quarter).unwrap_or(usize::MAX);
            let subject = subject(i.kind, &i.item, &i.quarter);
            let g = groups.entry((col, subject)).or_default();
            g.due = Some(g.due.map_or(i.due, |d| d.max(i.due)));
            if i.result != ItemResult::NotYetDue {
                g.tested = true;
            }
            g.records.extend(i.records.iter().copied());
        }
        for ((col, subject), g) in groups {
            let quarter = report.columns.get(col).cloned().unwrap_or_default();
            let status = if !g.tested {
                RequestStatus::NotYetDue
            } else if g.records.iter().any(|s| late.contains_key(s)) {
                RequestStatus::Late
            } else if !g.records.is_empty() {
                RequestStatus::Received
            } else if subject.is_empty()
                && cc
                    .control
                    .evidence_kinds
                    .iter()
                    .any(|k| set_aside.contains(&(*k, quarter.clone())))
            {
                RequestStatus::Late
            } else {
                RequestStatus::Missing
            };
            requests.push(EvidenceRequest {
                control: cc.control.id.clone(),
                title: cc.control.title.clone(),
                quarter,
                subject,
                evidence: cc.control.evidence_kinds.iter().map(|k| k.as_str().to_owned()).collect(),
                due: g.due.unwrap_or(report.as_of),
                status,
                records: g.records.into_iter().collect(),
            });
        }
    }
    RequestList { period: report.period, as_of: report.as_of, requests }
}

const HEADER: [&str; 8] =
    ["control", "title", "quarter", "subject", "evidence", "due", "status", "records"];

impl RequestList {
    /// How many requests have `status`.
    pub fn count(&self, status: RequestStatus) -> usize {
        self.requests.iter().filter(|r| r.status == status).count()
    }

    fn row(r: &EvidenceRequest) -> Vec<String> {
        vec![
            r.control.to_string(),
            r.title.clone(),
            r.quarter.clone(),
            r.subject.clone(),
            r.evidence.join(" "),
            r.due.to_string(),
            r.status.as_str().to_owned(),
            r.records.iter().map(u64::to_string).collect::<Vec<_>>().join(" "),
        ]
    }

    /// The list as CSV (the workpapers' conventions: RFC 4180, formulas neutralised).
    pub fn to_csv(&self) -> Vec<u8> {
        csv_document(&HEADER, self.requests.iter().map(Self::row))
    }

    /// The list as pretty JSON.
    pub fn to_json(&self) -> crate::Result<String> {
        let mut s = crate::json::to_pretty_string(self)?;
        s.push('\n');
        Ok(s)
    }

    /// The list as a Markdown document.
    pub fn to_markdown(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(s, "# Evidence request list\n");
        let _ = writeln!(
            s,
            "Period {}, as of {}: {} requests; {} received, {} missing, {} late, {} not yet due.\n",
            self.period,
            self.as_of,
            self.requests.len(),
            self.count(RequestStatus::Received),
            self.count(RequestStatus::Missing),
            self.count(RequestStatus::Late),
            self.count(RequestStatus::NotYetDue),
        );
        let _ = writeln!(
            s,
            "| Control | Title | Quarter | Subject | Evidence | Due | Status | Records |"
        );
        let _ = writeln!(s, "| --- | --- | --- | --- | --- | --- | --- | --- |");
        for r in &self.requests {
            let cells: Vec<String> = Self::row(r).iter().map(|c| md_cell(c)).collect();
            let _ = writeln!(s, "| {} |", cells.join(" | "));
        }
        s
    }
}

/// A Markdown table cell: pipes and backslashes escaped, line breaks as spaces, empty
/// as `-`.
fn md_cell(c: &str) -> String {
    if c.is_empty() {
        return "-".into();
    }
    c.replace('\\', "\\\\").replace('|', "\\|").replace(['\r', '\n'], " ")
}
