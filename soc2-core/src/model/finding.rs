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

/// Where a finding stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum FindingStatus {
    /// Not yet dealt with.
    Open,
    /// Fixed (the fix does not make the control count for the time before it).
    Remediated,
    /// Management accepted the risk.
    RiskAccepted,
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
    /// Where it stands.
    pub status: FindingStatus,
    /// Management's response, if given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_response: Option<String>,
    /// When remediation is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub remediation_due: Option<Date>,
}
