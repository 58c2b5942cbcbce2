//! A control's whole population as tested: every item (person, device, change, system,
//! quarter, ...) in every quarter it was due, with its result. Workpapers list it, the
//! sample is drawn from it and the request list is derived from it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::context::{Check, Ctx, Outcome};
use crate::model::{ControlId, Date, ItemKind};
use crate::report::Report;

/// The result of testing one item in one quarter.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ItemResult {
    /// It met the control.
    Pass,
    /// It did not: a deviation.
    Deviation,
    /// It was not yet due as of the evaluation's date.
    NotYetDue,
}

impl ItemResult {
    /// The result's name as written in files (`pass`, `deviation`, `not_yet_due`).
    pub fn as_str(self) -> &'static str {
        match self {
            ItemResult::Pass => "pass",
            ItemResult::Deviation => "deviation",
            ItemResult::NotYetDue => "not_yet_due",
        }
    }
}

/// One item of a control's population, tested once (for one quarter, year or event).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
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
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub reason: String,
    /// The locker records that show it, in seq order.
    #[serde(default)]
    pub records: Vec<u64>,
}

impl PopulationItem {
    /// The sampling unit's id: `QUARTER/ITEM` (e.g. `2026-Q3/okta`); unique within a
    /// control's population unless an item is tested twice with the same due date.
    pub fn unit_id(&self) -> String {
        format!("{}/{}", self.quarter, self.item)
    }
}

/// One control's population.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlPopulation {
    /// The control.
    pub control: ControlId,
    /// Every item tested, sorted by quarter, kind, item and due date.
    pub items: Vec<PopulationItem>,
}

/// A report with every control's population, in catalog order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evaluation {
    /// The readiness report.
    pub report: Report,
    /// Per control, its population (same order as `report.controls`).
    pub populations: Vec<ControlPopulation>,
}

impl Evaluation {
    /// The population of `control`, if the catalog has it.
    pub fn population(&self, control: &str) -> Option<&ControlPopulation> {
        self.populations.iter().find(|p| p.control.as_str() == control)
    }
}

/// The population a control's checks make.
pub(super) fn of(ctx: &Ctx<'_>, control: &ControlId, checks: &[Check]) -> ControlPopulation {
    let last = ctx.columns.len().saturating_sub(1);
    let mut items: Vec<(usize, PopulationItem)> = checks
        .iter()
        .map(|c| {
            let col = c.col.min(last);
            let (result, reason) = match &c.outcome {
                Outcome::Pass => (ItemResult::Pass, String::new()),
                Outcome::Fail(r) => (ItemResult::Deviation, r.clone()),
                Outcome::NotYetDue => (ItemResult::NotYetDue, String::new()),
            };
            let mut records = c.records.clone();
            records.sort_unstable();
            records.dedup();
            (
                col,
                PopulationItem {
                    kind: c.kind,
                    item: c.id.clone(),
                    quarter: ctx.columns.get(col).map(|s| s.label.clone()).unwrap_or_default(),
                    due: Date(c.due),
                    result,
                    reason,
                    records,
                },
            )
        })
        .collect();
    items.sort_by(|(ca, a), (cb, b)| {
        (ca, a.kind, &a.item, a.due, a.result, &a.reason, &a.records)
            .cmp(&(cb, b.kind, &b.item, b.due, b.result, &b.reason, &b.records))
    });
    ControlPopulation {
        control: control.clone(),
        items: items.into_iter().map(|(_, i)| i).collect(),
    }
}
