//! Audit findings: what an auditor records when a control did not operate.
//!
//! Auditors call these "exceptions". The type is named [`AuditFinding`] so that nobody,
//! in Rust or in the Python bindings, mistakes it for an error or exception class.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::control::{ControlId, Severity};
use super::criterion::Criterion;
use super::period::AuditPeriod;
use super::time::Date;

/// What kind of thing an affected item is.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// A person on the roster.
    Person,
    /// An account in a system.
    Account,
    /// A device.
    Device,
    /// A change (pull or merge request).
    Change,
    /// A vendor.
    Vendor,
    /// An in-scope system.
    System,
    /// A policy.
    Policy,
    /// A risk in the register.
    Risk,
    /// An alert class or rule.
    Alert,
    /// A period of time in which a required occurrence is missing (e.g. a quarter).
    Occurrence,
    /// A document such as the incident-response plan or the risk register.
    Document,
    /// A security event detected in a system's audit log (id `system@time action`).
    Event,
}

/// One item that failed a control test.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AffectedItem {
    /// What it is.
    pub kind: ItemKind,
    /// Its id (e-mail, account, device id, `owner/repo#123`, vendor name, `2026-Q3`...).
    pub id: String,
    /// What is wrong with it.
    pub reason: String,
    /// Locker sequence numbers of the evidence records that show it.
    #[serde(default)]
    pub records: Vec<u64>,
}

/// Where a finding stands, as management reports it (see
/// [`crate::model::ManagementResponse`]); `open` when management has not answered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// Not yet dealt with.
    Open,
    /// Being fixed.
    Remediating,
    /// Fixed (the fix does not make the control count for the time before it).
    Remediated,
    /// Management accepted the risk.
    RiskAccepted,
}

impl FindingStatus {
    /// A short label for people.
    pub fn label(self) -> &'static str {
        match self {
            FindingStatus::Open => "open",
            FindingStatus::Remediating => "remediating",
            FindingStatus::Remediated => "remediated",
            FindingStatus::RiskAccepted => "risk accepted",
        }
    }
}

/// A management response shown with a finding: the latest one recorded for the finding
/// as a whole or for one of its affected items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingResponse {
    /// The affected item answered (its id); absent: the finding as a whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// Where the fix stands.
    pub status: FindingStatus,
    /// The response, in management's words.
    pub response: String,
    /// Who answers for the fix.
    pub owner: String,
    /// When the fix is to be done.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_date: Option<Date>,
    /// When management gave it (the record's `observed_at` day).
    pub given_on: Date,
    /// The locker record holding it.
    pub record: u64,
}

/// An audit exception: a control that did not operate as described over the period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AuditFinding {
    /// The control that failed.
    pub control: ControlId,
    /// The criteria the control addresses.
    pub criteria: Vec<Criterion>,
    /// The audit period.
    pub period: AuditPeriod,
    /// How serious.
    pub severity: Severity,
    /// What failed, in a sentence.
    pub summary: String,
    /// How many items were tested.
    pub population: u64,
    /// How many of them failed.
    pub deviations: u64,
    /// The items that failed.
    pub affected: Vec<AffectedItem>,
    /// Where it stands: the status of management's response to the finding as a whole,
    /// `open` without one.
    pub status: FindingStatus,
    /// Management's response to the finding as a whole, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_response: Option<String>,
    /// When remediation is due: the target date of management's response to the finding
    /// as a whole, else the report date plus the control's time to fix.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation_due: Option<Date>,
    /// Every management response that applies: to the finding as a whole first, then to
    /// affected items in the order they are listed; the latest for each.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responses: Vec<FindingResponse>,
    /// The finding written as auditors write it: condition, criteria, cause, effect and
    /// recommendation (absent in findings written before it existed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_up: Option<FindingWriteUp>,
}

/// A finding in the words of an audit workpaper: the elements of a finding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingWriteUp {
    /// What was found: how many of the items tested deviated, and how.
    pub condition: String,
    /// What should have been: the Trust Services Criteria and the control as described.
    pub criteria: String,
    /// Why it happened: management's response when it gives one, and the control's
    /// typical cause from the catalog.
    pub cause: String,
    /// What it exposes the company or its customers to.
    pub effect: String,
    /// What to do about it.
    pub recommendation: String,
}
