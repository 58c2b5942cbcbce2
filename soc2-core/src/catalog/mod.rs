//! The control catalog: which controls are evaluated, what each one tests, and the
//! company's scope and thresholds.
//!
//! The catalog is data. The built-in catalog ([`Catalog::builtin`]) is the TOML file
//! `soc2-core/catalog/builtin.toml`, compiled into the crate; it covers the ten areas
//! where SOC 2 audits most often find exceptions. A company adapts it with its own file
//! (TOML or JSON, shaped as [`CatalogFile`]; schema `schemas/catalog.schema.json`):
//!
//! - `scope`: the in-scope systems and repositories, who is in scope (by default the
//!   roster's `in_scope` flag), and the policies that must exist;
//! - `thresholds`: numbers the tests use (screen-lock minutes, days to train a new hire,
//!   days to remove a leaver's access, ...), overridable per control;
//! - `disable`: built-in controls to drop;
//! - `controls`: controls to add, or to replace a built-in one with the same id.
//!
//! Every control names a [`ControlTest`]. A company's own control can reuse a built-in
//! test under its own id, title and thresholds; a control without a test is judged on
//! the presence of evidence of its `evidence_kinds` once per cadence (see
//! [`ControlTest::EvidencePresence`]).

mod disclosure;
mod error;
mod file;

use std::collections::BTreeSet;
use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::model::{Cadence, Control, Detection, EvidenceKind, TriggerEvent, VendorCriticality};

pub use disclosure::{CatalogDifference, CatalogDisclosure, DifferenceKind, ThresholdDirection};
pub use error::CatalogError;
pub use file::{CatalogFile, ControlDef, PeopleScope, ScopeFile, ThresholdsFile};

/// The built-in catalog's text, as shipped.
pub const BUILTIN_TOML: &str = include_str!("../../catalog/builtin.toml");

/// A commented starter catalog for a company, as `soc2 init` writes it beside a new
/// locker: the scope to declare, and every threshold with its built-in value.
pub const STARTER_TOML: &str = r#"# Your company's soc2 catalog: what is in scope, and where you differ from the built-in
# controls. Pass it to `soc2 evaluate --catalog catalog.toml`. Every part is optional; the
# report discloses every difference from the built-in catalog.

[scope]
# The systems whose access is reviewed and whose logs are collected, named as your user
# lists, access reviews and logging evidence name them (case does not matter). Only
# declared systems are tested; evidence naming another system is a warning in the report.
systems = []            # e.g. ["aws-prod", "github", "okta"]
# The repositories whose changes must be independently approved (`owner/name`).
repositories = []       # e.g. ["acme/api", "acme/web"]
# The vendors whose failure or breach would hurt your service or your customers' data.
critical_vendors = []   # e.g. ["aws", "okta"]
# People who need no managed device (e.g. contractors on a virtual desktop).
# device_exempt = ["contractor@example.com"]
# Security-awareness courses that count as training (empty: any completed course).
# training_courses = ["Security Awareness 2026"]
# Policies every in-scope person acknowledges at hire and every year (by name, as in the
# policy_acknowledgement evidence).
# acknowledged_policies = ["Information Security Policy", "Acceptable Use Policy"]
# The owner of each system, who must perform its access reviews (by roster id or alias).
# system_owners = [{ system = "okta", owner = "it-lead@example.com" }]
# The detections whose every event must be triaged within triage_days (LOG-04); empty:
# every high-risk one (all but failed_sign_in_burst and service_account_key_created).
# triage_detections = ["logging_disabled", "root_account_used", "admin_granted"]
# People in or out of scope whatever the roster's in_scope flag says.
# people = { include = [], exclude = [] }

# [thresholds]
# max_screen_lock_minutes = 15
# training_days_after_hire = 30
# background_check_days_after_start = 0
# leaver_access_removal_days = 3
# max_vendor_report_age_days = 365
# max_policy_age_days = 365
# max_risk_review_age_days = 365
# review_grace_days_before = 0
# review_grace_days_after = 0
# critical_vendor_criticality = "high"
# min_log_retention_days = 365
# max_recording_delay_days = 30
# tolerable_deviation_percent = 5
# max_access_key_age_days = 90
# max_access_key_unused_days = 90
# acknowledgement_days_after_hire = 30
# max_acknowledgement_age_days = 365
# max_event_coverage_gap_days = 1
# triage_days = 2

# Built-in controls to switch off (disclosed in the report):
# disable = ["DEV-03"]
"#;

/// The source name used in errors about the built-in catalog.
const BUILTIN_NAME: &str = "builtin.toml";

/// The test an evaluation runs for a control.
///
/// Each built-in test looks at the evidence records themselves (every change, every
/// device, every person), not at settings alone. See `evaluate` for the exact rule of
/// each.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ControlTest {
    /// An access review of every in-scope system in every quarter.
    QuarterlyAccessReview,
    /// Every active account in a system's user list appears in that quarter's review.
    AccessReviewCompleteness,
    /// Accounts a review decided to revoke are gone (or suspended) in the next user list.
    RevokedAccessRemoved,
    /// A leaver's accounts are no longer active in user lists observed more than
    /// `leaver_access_removal_days` after their last day.
    LeaverAccessRemoved,
    /// Every required policy has a formally approved version in force from the start of
    /// the period.
    PoliciesApproved,
    /// Every required policy was approved again within `max_policy_age_days` of its
    /// previous approval, at every quarter end of the period.
    PoliciesReviewed,
    /// Every device of an in-scope person has full-disk encryption on.
    DeviceEncryption,
    /// Every device of an in-scope person locks within `max_screen_lock_minutes`.
    DeviceScreenLock,
    /// Every device of an in-scope person installs OS updates automatically.
    DeviceAutoUpdates,
    /// Every device of an in-scope person is enrolled in MDM, and none fails the MDM's
    /// own compliance evaluation.
    DeviceMdmEnrollment,
    /// Every device of an in-scope person has its host firewall on.
    DeviceFirewall,
    /// Every interactive account of an in-scope system (the root account always) has a
    /// second factor enrolled.
    MfaEnabled,
    /// Every active access key of an in-scope system was rotated within
    /// `max_access_key_age_days` and used within `max_access_key_unused_days`; a root
    /// account holds none.
    AccessKeysRotated,
    /// Every change merged in the period was approved, before the merge and for its final
    /// commit, by someone other than its author.
    IndependentChangeApproval,
    /// Every in-scope repository's protected branch requires an approving review, binds
    /// administrators and refuses force pushes, in every quarter.
    BranchProtection,
    /// Every in-scope person's background check was completed in time.
    BackgroundCheckTimely,
    /// Every active person completed security training in each year of the period.
    AnnualSecurityTraining,
    /// Every person hired in the period completed training within
    /// `training_days_after_hire` days of starting.
    NewHireTraining,
    /// Every in-scope system sends its logs to a central destination, in every quarter.
    CentralLogging,
    /// Enabled, routed alerts exist for failed logins, privilege escalation,
    /// configuration changes and data-access anomalies, in every quarter.
    SecurityAlerts,
    /// Every critical vendor was reviewed in each year of the period.
    VendorAnnualReview,
    /// Every critical vendor's latest review holds a security report no older than
    /// `max_vendor_report_age_days`.
    VendorSecurityReport,
    /// Every critical vendor's contract has security and breach-notification terms.
    VendorSecurityTerms,
    /// An incident-response plan with severity levels, roles, procedures, communications
    /// and post-incident review, approved, in force in every quarter, and re-approved
    /// within `max_policy_age_days` of its previous approval.
    IncidentResponsePlan,
    /// A tabletop exercise or simulated incident in each year of the period.
    AnnualTabletop,
    /// A risk register in every quarter whose every risk has likelihood, impact and
    /// treatment.
    RiskRegisterComplete,
    /// The risk register reviewed within `max_risk_review_age_days`, at every quarter end.
    RiskRegisterReviewed,
    /// Every in-scope person acknowledged the policies to acknowledge within
    /// `acknowledgement_days_after_hire` days of starting, and again before each
    /// acknowledgement is `max_acknowledgement_age_days` old.
    PolicyAcknowledgement,
    /// No access review decides on the reviewer's own account, and each review is done by
    /// the system's owner where the catalog declares one.
    AccessReviewIndependence,
    /// Every critical vendor's SOC 2 report was reviewed for its exceptions and its
    /// complementary user entity controls (CUECs).
    VendorReportReview,
    /// Every in-scope system's imported security events cover each quarter with no gap
    /// longer than `max_event_coverage_gap_days`, and every detected event is listed.
    SecurityEventCoverage,
    /// Every high-risk detected security event has a triage naming it within
    /// `triage_days` days of the event.
    SecurityEventTriage,
    /// For controls without a built-in test: at least one record of the control's
    /// `evidence_kinds` per cadence occurrence (per quarter for quarterly and continuous
    /// controls, per year for annual ones, one on or before the period start for
    /// point-in-time ones). A record counts when its `controls` list is empty or names
    /// the control.
    EvidencePresence,
}

impl ControlTest {
    /// Every test.
    pub const ALL: &'static [ControlTest] = &[
        ControlTest::QuarterlyAccessReview,
        ControlTest::AccessReviewCompleteness,
        ControlTest::RevokedAccessRemoved,
        ControlTest::LeaverAccessRemoved,
        ControlTest::PoliciesApproved,
        ControlTest::PoliciesReviewed,
        ControlTest::DeviceEncryption,
        ControlTest::DeviceScreenLock,
        ControlTest::DeviceAutoUpdates,
        ControlTest::DeviceMdmEnrollment,
        ControlTest::DeviceFirewall,
        ControlTest::MfaEnabled,
        ControlTest::AccessKeysRotated,
        ControlTest::IndependentChangeApproval,
        ControlTest::BranchProtection,
        ControlTest::BackgroundCheckTimely,
        ControlTest::AnnualSecurityTraining,
        ControlTest::NewHireTraining,
        ControlTest::CentralLogging,
        ControlTest::SecurityAlerts,
        ControlTest::VendorAnnualReview,
        ControlTest::VendorSecurityReport,
        ControlTest::VendorSecurityTerms,
        ControlTest::IncidentResponsePlan,
        ControlTest::AnnualTabletop,
        ControlTest::RiskRegisterComplete,
        ControlTest::RiskRegisterReviewed,
        ControlTest::PolicyAcknowledgement,
        ControlTest::AccessReviewIndependence,
        ControlTest::VendorReportReview,
        ControlTest::SecurityEventCoverage,
        ControlTest::SecurityEventTriage,
        ControlTest::EvidencePresence,
    ];

    /// The snake_case name used in catalog files.
    pub fn as_str(self) -> &'static str {
        use ControlTest::*;
        match self {
            QuarterlyAccessReview => "quarterly_access_review",
            AccessReviewCompleteness => "access_review_completeness",
            RevokedAccessRemoved => "revoked_access_removed",
            LeaverAccessRemoved => "leaver_access_removed",
            PoliciesApproved => "policies_approved",
            PoliciesReviewed => "policies_reviewed",
            DeviceEncryption => "device_encryption",
            DeviceScreenLock => "device_screen_lock",
            DeviceAutoUpdates => "device_auto_updates",
            DeviceMdmEnrollment => "device_mdm_enrollment",
            DeviceFirewall => "device_firewall",
            MfaEnabled => "mfa_enabled",
            AccessKeysRotated => "access_keys_rotated",
            IndependentChangeApproval => "independent_change_approval",
            BranchProtection => "branch_protection",
            BackgroundCheckTimely => "background_check_timely",
            AnnualSecurityTraining => "annual_security_training",
            NewHireTraining => "new_hire_training",
            CentralLogging => "central_logging",
            SecurityAlerts => "security_alerts",
            VendorAnnualReview => "vendor_annual_review",
            VendorSecurityReport => "vendor_security_report",
            VendorSecurityTerms => "vendor_security_terms",
            IncidentResponsePlan => "incident_response_plan",
            AnnualTabletop => "annual_tabletop",
            RiskRegisterComplete => "risk_register_complete",
            RiskRegisterReviewed => "risk_register_reviewed",
            PolicyAcknowledgement => "policy_acknowledgement",
            AccessReviewIndependence => "access_review_independence",
            VendorReportReview => "vendor_report_review",
            SecurityEventCoverage => "security_event_coverage",
            SecurityEventTriage => "security_event_triage",
            EvidencePresence => "evidence_presence",
        }
    }

    /// The test procedure, in words, as the report prints it under each control.
    pub fn procedure(self) -> &'static str {
        use ControlTest::*;
        match self {
            QuarterlyAccessReview => {
                "For each declared in-scope system and each quarter, look for an access review whose observed date falls in the quarter (with the catalog's grace days)."
            }
            AccessReviewCompleteness => {
                "For each quarter's access review, take the system's latest user list observed in the quarter before the review and check that every account not suspended in it received a decision."
            }
            RevokedAccessRemoved => {
                "For each account a review decided to revoke, check the first later user list of the system: the account must be gone or suspended. Reviews done in the grace days after the period count as the last quarter's; decisions of the period's last quarter are due by the end of the period plus the grace days, so that evaluated later an account not shown removed by then deviates."
            }
            LeaverAccessRemoved => {
                "For each person who left (an end_date, or dropped from a roster snapshot), check every user list of a declared system observed after the leaving date plus the allowed days: no account of theirs (by id, e-mail or alias) may be active, and a suspension must have taken effect (status_changed_at) within the allowed days."
            }
            PoliciesApproved => {
                "For each required policy, look for a version with an approver and an approval date on or before the start of the period."
            }
            PoliciesReviewed => {
                "For each required policy and quarter, check that an approval no older than the allowed age was in force on every day since its first approval."
            }
            DeviceEncryption => {
                "For each quarter, take every device inventory observed in it and check every device of an in-scope person (or of an unknown owner) for full-disk encryption."
            }
            DeviceScreenLock => {
                "For each quarter, take every device inventory observed in it and check every device of an in-scope person (or of an unknown owner) for a screen lock within the allowed minutes."
            }
            DeviceAutoUpdates => {
                "For each quarter, take every device inventory observed in it and check every device of an in-scope person (or of an unknown owner) for automatic updates."
            }
            DeviceMdmEnrollment => {
                "For each quarter, reconcile the device inventories with the roster both ways: every device is MDM-enrolled, not judged noncompliant by the MDM, and owned by someone on the roster, and every in-scope person working on the inventory date (not exempted in the catalog) has a device."
            }
            DeviceFirewall => {
                "For each quarter, take every device inventory observed in it and check every device of an in-scope person (or of an unknown owner) for a host firewall that is on."
            }
            MfaEnabled => {
                "For each declared system and quarter, take every user list observed in the quarter and check every usable interactive account (the root account always; key-only accounts exempt) for an enrolled second factor."
            }
            AccessKeysRotated => {
                "For each declared system and quarter, take every user list observed in the quarter and check every active access key: rotated within the allowed days and used within the allowed days of the list's date; a root account must hold no active access key."
            }
            IndependentChangeApproval => {
                "For every change merged in the period into a declared repository, look for an approval submitted before the merge, for the merged head commit, by someone who neither opened nor committed to it."
            }
            BranchProtection => {
                "For each declared repository and quarter, check every branch protection snapshot observed in the quarter: protected, at least one approval required, administrators bound, no bypass actors, no force pushes."
            }
            BackgroundCheckTimely => {
                "For every in-scope person of the period's population, look for a clear or adjudicated background check completed (by its completed_at date) by their start date plus the allowed days."
            }
            AnnualSecurityTraining => {
                "For every person working at the end of each year of the period (past their new-hire allowance), look for a completed accepted security-awareness course dated in the year."
            }
            NewHireTraining => {
                "For every person who started in the period, look for a completed accepted security-awareness course dated within the allowed days of their start."
            }
            CentralLogging => {
                "For each declared system and quarter, check the logging configurations observed in the quarter: enabled, sent to a central destination, kept at least the minimum retention, and on since the quarter began (logging_since)."
            }
            SecurityAlerts => {
                "For each quarter, look for enabled alert rules that notify someone for failed logins, privilege escalation, configuration changes and data-access anomalies."
            }
            VendorAnnualReview => {
                "For each declared critical vendor and each year of the period, look for a vendor assessment whose review date (reviewed_on) falls in the year."
            }
            VendorSecurityReport => {
                "For each declared critical vendor, check its reviews in the period (or its latest before): a security report no older than the allowed age at the review."
            }
            VendorSecurityTerms => {
                "For each declared critical vendor, check its reviews in the period (or its latest before): the contract has security and breach-notification terms."
            }
            IncidentResponsePlan => {
                "For each quarter, take the latest incident-response plan in force and check it defines severities, roles, procedures, communications and post-incident review, with a dated approval, and that a plan approval no older than the allowed age was in force on every day of the quarter."
            }
            AnnualTabletop => {
                "For each year of the period, look for a tabletop exercise or simulated incident performed (performed_on) in the year."
            }
            RiskRegisterComplete => {
                "For each quarter, take the latest risk register in force and check every risk has a likelihood, an impact and a treatment."
            }
            RiskRegisterReviewed => {
                "For each quarter, check that a review of the risk register no older than the allowed age was in force on every day."
            }
            PolicyAcknowledgement => {
                "For every in-scope person of the period's population and every policy to acknowledge, look for an acknowledgement (by its acknowledged_at date) within the allowed days of their start date, and check that from then on an acknowledgement no older than the allowed age was in force on every day they worked in the period."
            }
            AccessReviewIndependence => {
                "For every access review of a declared system observed in the period, check that the reviewer decided on no account of their own (by account, owner, e-mail or alias) and, where the catalog declares the system's owner, that the reviewer is that owner."
            }
            VendorReportReview => {
                "For each declared critical vendor, check its reviews in the period (or its latest before) that hold a SOC 2 report: the review records that the report's exceptions and its complementary user entity controls were reviewed."
            }
            SecurityEventCoverage => {
                "For each declared system and quarter (up to the evaluation date), join the time ranges covered by the system's security_events imports, ranges less than the allowed gap apart joining, and check that no longer stretch of the quarter is uncovered; check that every security-relevant event of each import is listed (none beyond the import's cap)."
            }
            SecurityEventTriage => {
                "For every high-risk event detected in the period (each counted once across overlapping imports), look for an event_triage of the same system naming its time and its event id (or, without one, its action), reviewed within the allowed days of the event."
            }
            EvidencePresence => {
                "Look for at least one record of the control's evidence kinds per cadence occurrence."
            }
        }
    }

    /// The evidence kinds the test reads.
    pub fn evidence_kinds(self) -> &'static [EvidenceKind] {
        use ControlTest::*;
        use EvidenceKind as K;
        match self {
            QuarterlyAccessReview => &[K::AccessReview],
            AccessReviewCompleteness => &[K::AccessReview, K::UserList],
            RevokedAccessRemoved => &[K::AccessReview, K::UserList],
            LeaverAccessRemoved => &[K::Roster, K::UserList],
            PoliciesApproved | PoliciesReviewed => &[K::PolicyDocument],
            DeviceEncryption | DeviceScreenLock | DeviceAutoUpdates | DeviceMdmEnrollment
            | DeviceFirewall => &[K::DeviceInventory, K::Roster],
            MfaEnabled | AccessKeysRotated => &[K::UserList],
            IndependentChangeApproval => &[K::ChangeRecord],
            BranchProtection => &[K::BranchProtection],
            BackgroundCheckTimely => &[K::BackgroundCheck, K::Roster],
            AnnualSecurityTraining | NewHireTraining => &[K::TrainingCompletion, K::Roster],
            CentralLogging => &[K::LoggingConfiguration],
            SecurityAlerts => &[K::AlertRule],
            VendorAnnualReview | VendorSecurityReport | VendorSecurityTerms => {
                &[K::VendorAssessment]
            }
            IncidentResponsePlan => &[K::IncidentResponsePlan],
            AnnualTabletop => &[K::TabletopExercise],
            RiskRegisterComplete | RiskRegisterReviewed => &[K::RiskRegister],
            PolicyAcknowledgement => &[K::PolicyAcknowledgement, K::Roster],
            AccessReviewIndependence => &[K::AccessReview],
            VendorReportReview => &[K::VendorAssessment],
            SecurityEventCoverage => &[K::SecurityEvents],
            SecurityEventTriage => &[K::SecurityEvents, K::EventTriage],
            EvidencePresence => &[],
        }
    }

    /// The cadence the test runs at, given the thresholds in force; `None` for
    /// [`ControlTest::EvidencePresence`], whose cadence is the control's own.
    pub fn cadence(self, t: &Thresholds) -> Option<Cadence> {
        use ControlTest::*;
        Some(match self {
            QuarterlyAccessReview | AccessReviewCompleteness => Cadence::Quarterly,
            RevokedAccessRemoved => Cadence::Quarterly,
            LeaverAccessRemoved => Cadence::WithinDaysOf {
                event: TriggerEvent::Termination,
                days: t.leaver_access_removal_days,
            },
            PoliciesApproved => Cadence::PointInTime,
            PoliciesReviewed
            | AnnualSecurityTraining
            | VendorAnnualReview
            | AnnualTabletop
            | RiskRegisterReviewed => Cadence::Annual,
            DeviceEncryption
            | DeviceScreenLock
            | DeviceAutoUpdates
            | DeviceMdmEnrollment
            | DeviceFirewall
            | MfaEnabled
            | AccessKeysRotated
            | BranchProtection
            | CentralLogging
            | SecurityAlerts
            | IncidentResponsePlan
            | RiskRegisterComplete
            | SecurityEventCoverage => Cadence::Continuous,
            SecurityEventTriage => {
                Cadence::WithinDaysOf { event: TriggerEvent::SecurityEvent, days: t.triage_days }
            }
            IndependentChangeApproval => {
                Cadence::WithinDaysOf { event: TriggerEvent::Change, days: 0 }
            }
            BackgroundCheckTimely => Cadence::WithinDaysOf {
                event: TriggerEvent::Hire,
                days: t.background_check_days_after_start,
            },
            NewHireTraining => Cadence::WithinDaysOf {
                event: TriggerEvent::Hire,
                days: t.training_days_after_hire,
            },
            VendorSecurityReport | VendorSecurityTerms | VendorReportReview => Cadence::Annual,
            AccessReviewIndependence => Cadence::Quarterly,
            PolicyAcknowledgement => Cadence::WithinDaysOf {
                event: TriggerEvent::Hire,
                days: t.acknowledgement_days_after_hire,
            },
            EvidencePresence => return None,
        })
    }
}

impl std::fmt::Display for ControlTest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Numbers the tests use. Every field has a value in the built-in catalog; a company
/// file or a single control may override any of them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Most minutes of inactivity before a device must lock its screen.
    pub max_screen_lock_minutes: u32,
    /// Days after a person's first day by which they must finish security training.
    pub training_days_after_hire: u32,
    /// Days after a person's first day by which their background check must be complete
    /// (0: on or before the first day).
    pub background_check_days_after_start: u32,
    /// Days after a person's last day by which their accounts must be gone or suspended.
    pub leaver_access_removal_days: u32,
    /// Greatest age, in days at the time of the vendor review, of a vendor's security
    /// report (SOC 2 report, certificate).
    pub max_vendor_report_age_days: u32,
    /// Greatest age, in days, of a policy's latest approval.
    pub max_policy_age_days: u32,
    /// Greatest age, in days, of the risk register's latest review.
    pub max_risk_review_age_days: u32,
    /// Days before a quarter or year begins in which a review, training, tabletop or
    /// vendor review may still count for it.
    pub review_grace_days_before: u32,
    /// Days after a quarter or year ends in which a review, training, tabletop or vendor
    /// review may still count for it (each record counts for one occurrence only).
    pub review_grace_days_after: u32,
    /// The lowest criticality at which a vendor assessment rates a vendor critical; an
    /// assessment rating a vendor critical that the catalog does not declare critical is
    /// reported as a warning.
    pub critical_vendor_criticality: VendorCriticality,
    /// Fewest days of log retention central logging must keep.
    pub min_log_retention_days: u32,
    /// Most days between a record's `observed_at` and its recording in the locker; later
    /// records are *late* (see the evaluation's late-evidence rule).
    pub max_recording_delay_days: u32,
    /// The tolerable deviation rate, in percent of a control's population: above it the
    /// control fails pervasively (a qualification risk on its own).
    pub tolerable_deviation_percent: u32,
    /// Most days since an active access key was created or last rotated.
    pub max_access_key_age_days: u32,
    /// Most days an active access key may go unused (a key never used counts from its
    /// creation).
    pub max_access_key_unused_days: u32,
    /// Days after a person's first day by which they must acknowledge the policies to
    /// acknowledge (an acknowledgement before the first day counts).
    pub acknowledgement_days_after_hire: u32,
    /// Greatest age, in days, of a person's latest acknowledgement of a policy: they
    /// acknowledge it again before then (365: every twelve months).
    pub max_acknowledgement_age_days: u32,
    /// The largest stretch, in days, that a system's imported security events may leave
    /// uncovered (between imports, or at a quarter's start or end); closer ranges join.
    pub max_event_coverage_gap_days: u32,
    /// Days after a high-risk security event by which a triage must have looked at it.
    pub triage_days: u32,
}

/// What is in scope for the audit.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Scope {
    /// In-scope systems (as named in user lists, access reviews and logging evidence),
    /// compared case-insensitively. Only declared systems are tested: evidence naming
    /// another system is reported as a warning, and with none declared the system
    /// controls fail for want of a population.
    pub systems: Vec<String>,
    /// In-scope repositories (`owner/name`), compared case-insensitively, declared like
    /// [`Scope::systems`].
    pub repositories: Vec<String>,
    /// Critical vendors, compared case-insensitively, declared like [`Scope::systems`].
    #[serde(default)]
    pub critical_vendors: Vec<String>,
    /// People who need no managed device (e.g. contractors on their own virtual desktops).
    #[serde(default)]
    pub device_exempt: Vec<String>,
    /// Courses accepted as security-awareness training (compared case-insensitively);
    /// empty: any completed course counts.
    #[serde(default)]
    pub training_courses: Vec<String>,
    /// People in scope regardless of the roster's `in_scope` flag.
    pub people_include: Vec<String>,
    /// People out of scope regardless of the roster's `in_scope` flag.
    pub people_exclude: Vec<String>,
    /// Policies (by name, as in policy documents) that must exist and be approved.
    pub required_policies: Vec<String>,
    /// Policies (by name, as in policy acknowledgements) every in-scope person must
    /// acknowledge at hire and every year, compared case-insensitively.
    #[serde(default)]
    pub acknowledged_policies: Vec<String>,
    /// The declared owner of a system, who must perform its access reviews; a system
    /// without one is reviewed by anyone independent of the accounts decided on.
    #[serde(default)]
    pub system_owners: Vec<SystemOwner>,
    /// The detections whose every event must be triaged (LOG-04); empty: the high-risk
    /// ones ([`Detection::high_risk`]).
    #[serde(default)]
    pub triage_detections: Vec<Detection>,
}

impl Scope {
    /// Whether each event of a detection must be triaged (LOG-04): as the catalog's
    /// `triage_detections` says, or by default when it names none.
    pub fn needs_triage(&self, d: Detection) -> bool {
        if self.triage_detections.is_empty() {
            d.high_risk()
        } else {
            self.triage_detections.contains(&d)
        }
    }
}

/// The owner of one in-scope system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SystemOwner {
    /// The system, as named in [`Scope::systems`] (case is not significant).
    pub system: String,
    /// Who owns it: a roster id, e-mail or alias (case is not significant).
    pub owner: String,
}

impl Scope {
    /// Whether a roster person is in scope: the override lists first, then their flag.
    pub fn person_in_scope(&self, id: &str, roster_flag: bool) -> bool {
        if self.people_exclude.iter().any(|p| p == id) {
            false
        } else if self.people_include.iter().any(|p| p == id) {
            true
        } else {
            roster_flag
        }
    }
}

/// One control of the resolved catalog: the model control, the test that evaluates it
/// and the thresholds in force for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogControl {
    /// The control, as auditors see it.
    pub control: Control,
    /// How it is evaluated.
    pub test: ControlTest,
    /// The thresholds in force for this control (the catalog's, with the control's own
    /// overrides applied).
    pub thresholds: Thresholds,
    /// How often the control operates, for sampling, as the catalog gives it; absent:
    /// sampling derives it from the cadence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Frequency>,
}

impl CatalogControl {
    /// How often the control operates, as audit sampling sizes it: the catalog's
    /// `frequency` when given, else from the cadence: annual and point-in-time controls
    /// are annual, quarterly ones quarterly, and controls tested over a population
    /// (continuous, or within days of an event: every device, account, change, hire)
    /// are sampled like a control that operates several times a day.
    pub fn frequency(&self) -> Frequency {
        self.frequency.unwrap_or(match self.control.cadence {
            Cadence::Annual | Cadence::PointInTime => Frequency::Annual,
            Cadence::Quarterly => Frequency::Quarterly,
            Cadence::Continuous | Cadence::WithinDaysOf { .. } => Frequency::SeveralTimesADay,
        })
    }
}

/// How often a control operates, in the classes audit sampling guidance sizes samples
/// by (annual 1, quarterly 2, monthly 2-5, weekly 5-15, daily 20-40, several times a
/// day 25-60).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Frequency {
    /// Once a year.
    Annual,
    /// Once a quarter.
    Quarterly,
    /// Once a month.
    Monthly,
    /// Once a week.
    Weekly,
    /// Once a day.
    Daily,
    /// Several times a day, or per item of a large population (every change, device,
    /// account).
    SeveralTimesADay,
}

impl Frequency {
    /// The name as written in catalogs (`several_times_a_day`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            Frequency::Annual => "annual",
            Frequency::Quarterly => "quarterly",
            Frequency::Monthly => "monthly",
            Frequency::Weekly => "weekly",
            Frequency::Daily => "daily",
            Frequency::SeveralTimesADay => "several_times_a_day",
        }
    }
}

/// A resolved catalog: the built-in catalog with a company's overrides applied.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    /// What is in scope.
    pub scope: Scope,
    /// Catalog-wide thresholds (each control holds its own effective copy).
    pub thresholds: Thresholds,
    /// The controls, in catalog order (built-in order, then added controls).
    pub controls: Vec<CatalogControl>,
}

impl Catalog {
    /// The built-in catalog.
    pub fn builtin() -> Catalog {
        // The file is compiled in and a unit test parses it, so failure here is a bug in
        // this crate, not an input error.
        #[allow(clippy::expect_used)]
        Self::from_base(
            CatalogFile::from_toml_str(BUILTIN_TOML, BUILTIN_NAME)
                .expect("the built-in catalog parses"),
            BUILTIN_NAME,
        )
        .expect("the built-in catalog is complete")
    }

    /// Builds a catalog from a complete file (every threshold set), as the built-in one is.
    pub fn from_base(file: CatalogFile, source_name: &str) -> Result<Catalog, CatalogError> {
        let thresholds = file.thresholds.complete(source_name)?;
        let empty = Catalog { scope: Scope::default(), thresholds, controls: Vec::new() };
        empty.extend(file, source_name)
    }

    /// Applies a company file: scope and thresholds it sets replace the catalog's,
    /// `disable` drops controls, and each of its `controls` replaces the control with the
    /// same id or is added at the end.
    pub fn extend(mut self, file: CatalogFile, source_name: &str) -> Result<Catalog, CatalogError> {
        let CatalogFile { scope, thresholds, disable, controls } = file;
        scope.apply(&mut self.scope);
        let old_thresholds = self.thresholds.clone();
        thresholds.apply(&mut self.thresholds);

        let mut seen = BTreeSet::new();
        for def in &controls {
            if !seen.insert(def.id.clone()) {
                return Err(CatalogError::DuplicateControl {
                    source_name: source_name.to_owned(),
                    id: def.id.clone(),
                });
            }
        }
        for id in &disable {
            if !self.controls.iter().any(|c| &c.control.id == id) && !seen.contains(id) {
                return Err(CatalogError::UnknownControl {
                    source_name: source_name.to_owned(),
                    id: id.clone(),
                });
            }
        }
        // Controls kept from before get the new catalog-wide thresholds, except where
        // they had their own override.
        for c in &mut self.controls {
            c.thresholds = rebase(&c.thresholds, &old_thresholds, &self.thresholds);
            if let Some(cadence) = c.test.cadence(&c.thresholds) {
                c.control.cadence = cadence;
            }
        }
        for def in controls {
            let resolved = def.resolve(&self.thresholds, source_name)?;
            match self.controls.iter_mut().find(|c| c.control.id == resolved.control.id) {
                Some(slot) => *slot = resolved,
                None => self.controls.push(resolved),
            }
        }
        self.controls.retain(|c| !disable.contains(&c.control.id));
        Ok(self)
    }

    /// Reads a company file (`.toml` or `.json`) and applies it to this catalog.
    pub fn extend_from_path(self, path: &Path) -> crate::Result<Catalog> {
        let file = CatalogFile::load(path)?;
        Ok(self.extend(file, &path.display().to_string())?)
    }

    /// The control with this id.
    pub fn get(&self, id: &str) -> Option<&CatalogControl> {
        self.controls.iter().find(|c| c.control.id.as_str() == id)
    }

    /// Keeps only the controls for which `keep` returns true.
    pub fn retain(&mut self, keep: impl FnMut(&CatalogControl) -> bool) {
        self.controls.retain(keep);
    }
}

/// A control's thresholds after the catalog-wide ones changed from `old` to `new`: the
/// values it had overridden stay, the rest follow the catalog.
fn rebase(own: &Thresholds, old: &Thresholds, new: &Thresholds) -> Thresholds {
    macro_rules! pick {
        ($($f:ident),*) => {
            Thresholds { $( $f: if own.$f == old.$f { new.$f.clone() } else { own.$f.clone() }, )* }
        };
    }
    pick!(
        max_screen_lock_minutes,
        training_days_after_hire,
        background_check_days_after_start,
        leaver_access_removal_days,
        max_vendor_report_age_days,
        max_policy_age_days,
        max_risk_review_age_days,
        review_grace_days_before,
        review_grace_days_after,
        critical_vendor_criticality,
        min_log_retention_days,
        max_recording_delay_days,
        tolerable_deviation_percent,
        max_access_key_age_days,
        max_access_key_unused_days,
        acknowledgement_days_after_hire,
        max_acknowledgement_age_days,
        max_event_coverage_gap_days,
        triage_days
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ControlArea;

    #[test]
    fn the_starter_catalog_applies_and_changes_nothing_but_the_empty_scope() {
        let file = CatalogFile::from_toml_str(STARTER_TOML, "starter").unwrap();
        let c = Catalog::builtin().extend(file, "starter").unwrap();
        assert_eq!(c, Catalog::builtin());
    }

    #[test]
    fn builtin_catalog_parses_and_covers_every_area() {
        let c = Catalog::builtin();
        for area in [
            ControlArea::AccessReviews,
            ControlArea::Policies,
            ControlArea::DeviceManagement,
            ControlArea::ChangeManagement,
            ControlArea::BackgroundChecks,
            ControlArea::SecurityTraining,
            ControlArea::LoggingMonitoring,
            ControlArea::VendorManagement,
            ControlArea::IncidentResponse,
            ControlArea::RiskAssessment,
        ] {
            assert!(c.controls.iter().any(|cc| cc.control.area == area), "no control for {area:?}");
        }
        // Every built-in test is used once; only user controls use evidence presence.
        for t in ControlTest::ALL {
            let n = c.controls.iter().filter(|cc| cc.test == *t).count();
            let want = usize::from(*t != ControlTest::EvidencePresence);
            assert_eq!(n, want, "{t}");
        }
        for cc in &c.controls {
            assert!(!cc.control.remediation.is_empty(), "{}", cc.control.id);
            assert!(!cc.control.description.is_empty(), "{}", cc.control.id);
            assert!(!cc.control.cause.is_empty(), "{}", cc.control.id);
            assert!(!cc.control.effect.is_empty(), "{}", cc.control.id);
            assert!(!cc.control.recommendation.is_empty(), "{}", cc.control.id);
        }
    }

    #[test]
    fn company_file_overrides_thresholds_scope_and_controls() {
        let file = CatalogFile::from_toml_str(
            r#"
disable = ["DEV-03"]
[scope]
systems = ["okta"]
[thresholds]
leaver_access_removal_days = 7
[[controls]]
id = "ACME-01"
title = "Engineers trained within two weeks"
area = "security_training"
test = "new_hire_training"
criteria = ["CC1.4"]
owner = "CTO"
severity = "low"
priority = "quick_win"
time_to_fix = { min_days = 1, max_days = 2 }
thresholds = { training_days_after_hire = 14 }
"#,
            "acme.toml",
        )
        .unwrap();
        let c = Catalog::builtin().extend(file, "acme.toml").unwrap();
        assert!(c.get("DEV-03").is_none());
        assert_eq!(c.scope.systems, ["okta"]);
        let leaver = c.get("AC-04").unwrap();
        assert_eq!(leaver.thresholds.leaver_access_removal_days, 7);
        assert_eq!(
            leaver.control.cadence,
            Cadence::WithinDaysOf { event: TriggerEvent::Termination, days: 7 }
        );
        let acme = c.get("ACME-01").unwrap();
        assert_eq!(acme.thresholds.training_days_after_hire, 14);
        assert_eq!(acme.control.evidence_kinds, ControlTest::NewHireTraining.evidence_kinds());
        assert_eq!(c.controls.last().unwrap().control.id.as_str(), "ACME-01");
    }

    #[test]
    fn errors_name_the_file_and_the_control() {
        let err = Catalog::builtin()
            .extend(
                CatalogFile::from_toml_str("disable = [\"NOPE-1\"]", "acme.toml").unwrap(),
                "acme.toml",
            )
            .unwrap_err();
        assert_eq!(err.to_string(), "acme.toml: disable: no control NOPE-1 in the catalog");

        let err =
            CatalogFile::from_toml_str("[thresholds]\nmax_screen_lock_minutes = \"x\"\n", "a.toml")
                .unwrap_err();
        let msg = err.to_string();
        assert!(msg.starts_with("a.toml:2:"), "{msg}");
        assert!(msg.contains("thresholds.max_screen_lock_minutes"), "{msg}");

        let err = CatalogFile::from_toml_str("[scope]\nsystem = []\n", "a.toml").unwrap_err();
        assert!(err.to_string().contains("unknown field"), "{err}");

        let def = r#"
[[controls]]
id = "X-1"
title = "Something"
area = "other"
criteria = ["CC1.1"]
owner = "CTO"
severity = "low"
priority = "quick_win"
time_to_fix = { min_days = 1, max_days = 2 }
cadence = "quarterly"
"#;
        let err = Catalog::builtin()
            .extend(CatalogFile::from_toml_str(def, "a.toml").unwrap(), "a.toml")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "a.toml: control X-1: field `evidence_kinds`: a control without a built-in test needs at least one evidence kind"
        );
    }

    #[test]
    fn json_company_files_are_accepted() {
        let file = CatalogFile::from_json_str(
            r#"{"scope": {"required_policies": ["Access Control Policy"]}}"#,
            "acme.json",
        )
        .unwrap();
        let c = Catalog::builtin().extend(file, "acme.json").unwrap();
        assert_eq!(c.scope.required_policies, ["Access Control Policy"]);
        let err =
            CatalogFile::from_json_str(r#"{"scope": {"bogus": 1}}"#, "acme.json").unwrap_err();
        assert!(err.to_string().starts_with("acme.json:1:"), "{err}");
    }
}
