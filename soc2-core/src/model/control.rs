//! Controls: what a company does to meet the Trust Services Criteria.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::criterion::Criterion;
use super::evidence::EvidenceKind;

/// A control's identifier: 1 to 64 characters of `A-Z a-z 0-9 . _ -`, starting with a
/// letter, e.g. `AC-01` or `acme.vpn-review`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ControlId(String);

impl ControlId {
    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Text that is not a valid control id.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "invalid control id {input:?}: 1-64 characters of A-Z, a-z, 0-9, '.', '_', '-', starting with a letter"
)]
pub struct ControlIdError {
    /// The text that was rejected.
    pub input: String,
}

impl FromStr for ControlId {
    type Err = ControlIdError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let ok = (1..=64).contains(&s.len())
            && s.starts_with(|c: char| c.is_ascii_alphabetic())
            && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
        if ok { Ok(ControlId(s.to_owned())) } else { Err(ControlIdError { input: s.to_owned() }) }
    }
}

impl fmt::Display for ControlId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for ControlId {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for ControlId {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::model::common::deserialize_from_str(deserializer)
    }
}

impl JsonSchema for ControlId {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "ControlId".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[A-Za-z][A-Za-z0-9._-]{0,63}$",
            "description": "A control identifier."
        })
    }
}

/// The area of practice a control belongs to: the ten areas where SOC 2 audits most
/// often find exceptions, and everything else.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ControlArea {
    /// Periodic review of who has access to in-scope systems.
    AccessReviews,
    /// Written security policies, approved and kept current.
    Policies,
    /// Endpoint security enforced through mobile device management.
    DeviceManagement,
    /// Independent review and approval of code and infrastructure changes.
    ChangeManagement,
    /// Background checks of people with access to in-scope systems.
    BackgroundChecks,
    /// Security awareness training.
    SecurityTraining,
    /// Central logging and alerting on security events.
    LoggingMonitoring,
    /// Inventory and review of third parties that handle customer data.
    VendorManagement,
    /// A documented, tested incident-response plan.
    IncidentResponse,
    /// A risk register that is really analysed and kept current.
    RiskAssessment,
    /// Any other control.
    Other,
}

/// An event that starts a deadline for an event-driven control.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum TriggerEvent {
    /// A person joins (their roster start date).
    Hire,
    /// A person leaves (their roster end date).
    Termination,
    /// A change is merged.
    Change,
    /// A vendor is engaged.
    VendorOnboarding,
    /// A security incident is declared.
    Incident,
    /// A high-risk security event is detected in a system's audit log.
    SecurityEvent,
}

/// How often a control must operate.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Cadence {
    /// All the time; every item in the population must comply whenever it is tested.
    Continuous,
    /// At least once in every calendar quarter.
    Quarterly,
    /// At least once in every twelve months.
    Annual,
    /// Within a number of days of an event (a hire, a termination, ...).
    WithinDaysOf {
        /// The event that starts the clock.
        event: TriggerEvent,
        /// Days allowed after the event (0 = by the day of the event).
        days: u32,
    },
    /// Once, at a point in time (e.g. a policy in place).
    PointInTime,
}

/// How bad it is when the control fails.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Minor.
    Low,
    /// Noticeable; usually acceptable in isolation.
    Medium,
    /// Serious; an auditor will weigh it.
    High,
    /// Puts the opinion at risk on its own.
    Critical,
}

/// When to tackle a failing control, from the remediation priority matrix.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum PriorityClass {
    /// High severity: fix before anything else.
    FixFirst,
    /// Fix once the fix-first items are under way.
    FixSecond,
    /// Slow to complete (e.g. third-party turnaround): begin early.
    StartEarly,
    /// Cheap and fast: close it now.
    QuickWin,
}

/// A typical effort to fix a failing control, as a range of days.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TimeToFix {
    /// Fewest days it usually takes.
    pub min_days: u32,
    /// Most days it usually takes (not less than `min_days`).
    pub max_days: u32,
}

impl fmt::Display for TimeToFix {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let weeks = |d: u32| d.div_ceil(7);
        if self.min_days.is_multiple_of(7) && self.max_days.is_multiple_of(7) {
            if self.min_days == self.max_days {
                write!(
                    f,
                    "{} week{}",
                    weeks(self.min_days),
                    if self.min_days == 7 { "" } else { "s" }
                )
            } else {
                write!(f, "{}-{} weeks", weeks(self.min_days), weeks(self.max_days))
            }
        } else {
            write!(f, "{}-{} days", self.min_days, self.max_days)
        }
    }
}

/// A control: something the company does, repeatedly and provably, to meet one or more
/// Trust Services Criteria.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Control {
    /// Stable identifier.
    pub id: ControlId,
    /// One-line name.
    pub title: String,
    /// The practice area.
    pub area: ControlArea,
    /// The criteria it addresses (at least one).
    pub criteria: Vec<Criterion>,
    /// How often it must operate.
    pub cadence: Cadence,
    /// Who answers for it (a role or a person).
    pub owner: String,
    /// How bad a failure is.
    pub severity: Severity,
    /// Typical effort to fix a failure.
    pub time_to_fix: TimeToFix,
    /// When to fix a failure, relative to others.
    pub priority: PriorityClass,
    /// The kinds of evidence that show it operating.
    pub evidence_kinds: Vec<EvidenceKind>,
    /// What the control requires, in a sentence or two.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Steps to take when it fails.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remediation: Vec<String>,
    /// Why it typically fails, for the cause of a finding (with management's response,
    /// when given).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cause: String,
    /// What a failure exposes the company or its customers to: the effect of a finding.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub effect: String,
    /// What the auditor recommends when it fails, in a sentence (the steps are in
    /// `remediation`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub recommendation: String,
}
