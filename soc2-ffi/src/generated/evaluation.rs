// Generated from soc2-core's definitions by soc2-ffi-mirrors: do not edit.
// Regenerate with `SOC2_UPDATE_MIRRORS=1 cargo test -p soc2-ffi-mirrors`.

use soc2_core::catalog::Catalog;
use soc2_core::catalog::CatalogControl;
use soc2_core::catalog::ControlTest;
use soc2_core::catalog::Frequency;
use soc2_core::catalog::Scope;
use soc2_core::catalog::SystemOwner;
use soc2_core::catalog::Thresholds;
use soc2_core::model::AuditFinding;
use soc2_core::model::AuditPeriod;
use soc2_core::model::Control;
use soc2_core::model::ControlArea;
use soc2_core::model::ControlId;
use soc2_core::model::Criterion;
use soc2_core::model::Date;
use soc2_core::model::Detection;
use soc2_core::model::EvidenceKind;
use soc2_core::model::ItemKind;
use soc2_core::model::PriorityClass;
use soc2_core::model::Sha256Digest;
use soc2_core::model::TimeToFix;
use soc2_core::model::Timestamp;
use soc2_core::model::VendorCriticality;
use soc2_core::report::CatalogDifference;
use soc2_core::report::CatalogDisclosure;
use soc2_core::report::CellStatus;
use soc2_core::report::ControlResult;
use soc2_core::report::ControlStatus;
use soc2_core::report::Coverage;
use soc2_core::report::DeviationNature;
use soc2_core::report::DifferenceKind;
use soc2_core::report::DueItem;
use soc2_core::report::GridCell;
use soc2_core::report::LateRecord;
use soc2_core::report::Monitoring;
use soc2_core::report::NextDue;
use soc2_core::report::Opinion;
use soc2_core::report::OpinionBasis;
use soc2_core::report::OpinionRisk;
use soc2_core::report::RankedException;
use soc2_core::report::RecordingTime;
use soc2_core::report::Report;
use soc2_core::report::Summary;
use soc2_core::report::ThresholdDirection;
use soc2_core::report::TimeProof;

/// The test an evaluation runs for a control.
///
/// Each built-in test looks at the evidence records themselves (every change, every
/// device, every person), not at settings alone. See `evaluate` for the exact rule of
/// each.
#[uniffi::remote(Enum)]
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

/// Numbers the tests use. Every field has a value in the built-in catalog; a company
/// file or a single control may override any of them.
#[uniffi::remote(Record)]
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
#[uniffi::remote(Record)]
pub struct Scope {
    /// In-scope systems (as named in user lists, access reviews and logging evidence),
    /// compared case-insensitively. Only declared systems are tested: evidence naming
    /// another system is reported as a warning, and with none declared the system
    /// controls fail for want of a population.
    pub systems: Vec<String>,
    /// In-scope repositories (`owner/name`), compared case-insensitively, declared like
    /// `Scope.systems`.
    pub repositories: Vec<String>,
    /// Critical vendors, compared case-insensitively, declared like `Scope.systems`.
    #[uniffi(default)]
    pub critical_vendors: Vec<String>,
    /// People who need no managed device (e.g. contractors on their own virtual desktops).
    #[uniffi(default)]
    pub device_exempt: Vec<String>,
    /// Courses accepted as security-awareness training (compared case-insensitively);
    /// empty: any completed course counts.
    #[uniffi(default)]
    pub training_courses: Vec<String>,
    /// People in scope regardless of the roster's `in_scope` flag.
    pub people_include: Vec<String>,
    /// People out of scope regardless of the roster's `in_scope` flag.
    pub people_exclude: Vec<String>,
    /// Policies (by name, as in policy documents) that must exist and be approved.
    pub required_policies: Vec<String>,
    /// Policies (by name, as in policy acknowledgements) every in-scope person must
    /// acknowledge at hire and every year, compared case-insensitively.
    #[uniffi(default)]
    pub acknowledged_policies: Vec<String>,
    /// The declared owner of a system, who must perform its access reviews; a system
    /// without one is reviewed by anyone independent of the accounts decided on.
    #[uniffi(default)]
    pub system_owners: Vec<SystemOwner>,
    /// The detections whose every event must be triaged (LOG-04); empty: the high-risk
    /// ones (`Detection.high_risk`).
    #[uniffi(default)]
    pub triage_detections: Vec<Detection>,
}

/// The owner of one in-scope system.
#[uniffi::remote(Record)]
pub struct SystemOwner {
    /// The system, as named in `Scope.systems` (case is not significant).
    pub system: String,
    /// Who owns it: a roster id, e-mail or alias (case is not significant).
    pub owner: String,
}

/// One control of the resolved catalog: the model control, the test that evaluates it
/// and the thresholds in force for it.
#[uniffi::remote(Record)]
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
    #[uniffi(default)]
    pub frequency: Option<Frequency>,
}

/// How often a control operates, in the classes audit sampling guidance sizes samples
/// by (annual 1, quarterly 2, monthly 2-5, weekly 5-15, daily 20-40, several times a
/// day 25-60).
#[uniffi::remote(Enum)]
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

/// A resolved catalog: the built-in catalog with a company's overrides applied.
#[uniffi::remote(Record)]
pub struct Catalog {
    /// What is in scope.
    pub scope: Scope,
    /// Catalog-wide thresholds (each control holds its own effective copy).
    pub thresholds: Thresholds,
    /// The controls, in catalog order (built-in order, then added controls).
    pub controls: Vec<CatalogControl>,
}

/// The result of evaluating a catalog against the evidence, for a period, as of a date.
#[uniffi::remote(Record)]
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
    #[uniffi(default)]
    pub warnings: Vec<String>,
    /// Every record recorded more than the catalog's `max_recording_delay_days` after
    /// it was observed (observed from a year before the period on), in record order.
    #[uniffi(default)]
    pub late_records: Vec<LateRecord>,
    /// The catalog evaluated against: its SHA-256 and every difference from the
    /// built-in catalog (shown at the top of every rendering).
    pub catalog: CatalogDisclosure,
    /// What the recording times rest on: RFC 3161 timestamps nobody at the company can
    /// move, or the company's own clock.
    // serde defaults this field, but uniffi 0.32 cannot default an enum or a record.
    pub recording_time: RecordingTime,
}

/// What the recording times of the evidence rest on.
///
/// A locker's `recorded_at` is the company's clock. An RFC 3161 token over a signed
/// checkpoint of `size` records proves, on the Time-Stamp Authority's word, that records
/// `0..size` existed by the token's time: that bound is one nobody at the company can
/// move. The late-evidence rule takes, for each record, the earlier of its `recorded_at`
/// and the time it is proven by.
#[uniffi::remote(Record)]
pub struct RecordingTime {
    /// The timestamps used, by checkpoint size (each token's signature and imprint were
    /// checked; its TSA's certificate chain is for the auditor to check against the CA
    /// they trust: `soc2 verify --tsa-ca`, `openssl ts -verify`).
    #[uniffi(default)]
    pub timestamps: Vec<TimeProof>,
    /// Records evaluated that have a recording time.
    #[uniffi(default)]
    pub records: u64,
    /// Of those, the records a timestamp covers.
    #[uniffi(default)]
    pub proven: u64,
    /// The same in one sentence, as every rendering prints it.
    #[uniffi(default)]
    pub statement: String,
}

/// An RFC 3161 timestamp over a signed checkpoint.
#[uniffi::remote(Record)]
pub struct TimeProof {
    /// The checkpoint's tree size: records `0..checkpoint_size` are covered.
    pub checkpoint_size: u64,
    /// The token's time (`genTime`): the covered records existed by then.
    pub gen_time: Timestamp,
    /// The TSA, as its certificate names it.
    pub tsa: String,
}

/// The catalog a report was evaluated against.
#[uniffi::remote(Record)]
pub struct CatalogDisclosure {
    /// SHA-256 of the effective catalog's canonical JSON (RFC 8785) bytes.
    pub sha256: Sha256Digest,
    /// SHA-256 of the built-in catalog's canonical JSON bytes, for comparison.
    pub builtin_sha256: Sha256Digest,
    /// Every difference from the built-in catalog: controls switched off, replaced or
    /// added, thresholds changed (catalog-wide, then per control), scope settings.
    pub differences: Vec<CatalogDifference>,
}

/// What kind of difference from the built-in catalog.
#[uniffi::remote(Enum)]
pub enum DifferenceKind {
    /// A built-in control is not evaluated.
    ControlDisabled,
    /// A built-in control is replaced by the company's own definition.
    ControlReplaced,
    /// A control the built-in catalog does not have.
    ControlAdded,
    /// A threshold differs from the built-in value.
    ThresholdChanged,
    /// A scope setting differs from the built-in one.
    ScopeChanged,
}

/// Which way a threshold moved.
#[uniffi::remote(Enum)]
pub enum ThresholdDirection {
    /// The test accepts more than the built-in catalog does.
    Loosened,
    /// The test accepts less than the built-in catalog does.
    Tightened,
}

/// One difference from the built-in catalog.
#[uniffi::remote(Record)]
pub struct CatalogDifference {
    /// What kind.
    pub kind: DifferenceKind,
    /// The control concerned; absent for catalog-wide thresholds and scope settings.
    #[uniffi(default)]
    pub control: Option<ControlId>,
    /// The threshold or scope setting concerned (e.g. `max_screen_lock_minutes`).
    #[uniffi(default)]
    pub setting: Option<String>,
    /// The built-in value, for thresholds and scope settings.
    #[uniffi(default)]
    pub builtin: Option<String>,
    /// The effective value, for thresholds and scope settings.
    #[uniffi(default)]
    pub effective: Option<String>,
    /// For thresholds: loosened or tightened.
    #[uniffi(default)]
    pub direction: Option<ThresholdDirection>,
    /// The difference in words, as the reports print it.
    pub description: String,
}

/// Counts of controls by status.
#[uniffi::remote(Record)]
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
#[uniffi::remote(Enum)]
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

/// How much of what was required is shown, in checks (an item in a slot: a system's
/// quarterly review, a device in a quarter, a change, a person in a year, ...).
#[uniffi::remote(Record)]
pub struct Coverage {
    /// Checks passed.
    pub met: u64,
    /// Checks due (passed or failed).
    pub required: u64,
    /// Checks not yet due.
    pub not_yet_due: u64,
}

/// A cell of the controls × quarters grid.
#[uniffi::remote(Enum)]
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
#[uniffi::remote(Record)]
pub struct GridCell {
    /// The cell's state.
    pub status: CellStatus,
    /// Checks passed in the quarter.
    pub met: u64,
    /// Checks due in the quarter.
    pub required: u64,
}

/// The evaluation of one control.
#[uniffi::remote(Record)]
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
    #[uniffi(default)]
    pub next_due: Option<Date>,
    /// One cell per column of `Report.columns`.
    pub grid: Vec<GridCell>,
    /// Evidence records this control's checks used.
    pub records: Vec<u64>,
    /// Who answers for the control.
    #[uniffi(default)]
    pub owner: String,
    /// How the control was tested, in words.
    #[uniffi(default)]
    pub procedure: String,
    /// The day the first evidence of the control's kinds was recorded in the locker
    /// (absent when no recording time is known): time before it is shown only by
    /// system-of-record evidence.
    #[uniffi(default)]
    pub first_recorded: Option<Date>,
    /// When every record the control relies on is covered by an RFC 3161 timestamp: the
    /// latest of their proven-by times (all of its evidence existed by then). Absent
    /// when any of them rests on the company's clock alone.
    #[uniffi(default)]
    pub proven_by: Option<Timestamp>,
}

/// A record recorded in the locker long after it was observed.
#[uniffi::remote(Record)]
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

/// An exception with what it takes to fix it.
#[uniffi::remote(Record)]
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
#[uniffi::remote(Enum)]
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

/// Whether a control's deviations are pervasive or isolated.
#[uniffi::remote(Enum)]
pub enum DeviationNature {
    /// The control fails pervasively: a qualification risk on its own.
    Pervasive,
    /// Isolated deviations: a minor exception, counted by the count rule.
    Isolated,
}

/// The figures the opinion used for one control in exception.
#[uniffi::remote(Record)]
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

/// The opinion assessment, the figures it used and the rule it follows.
#[uniffi::remote(Record)]
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

/// What is due and overdue as of the report date.
#[uniffi::remote(Record)]
pub struct Monitoring {
    /// Each control's next due date (controls with nothing pending are left out).
    pub next_due: Vec<NextDue>,
    /// Checks that failed, with the date they were due, oldest first.
    pub overdue: Vec<DueItem>,
    /// Checks not yet due, soonest first.
    pub upcoming: Vec<DueItem>,
}

/// A control's next due date.
#[uniffi::remote(Record)]
pub struct NextDue {
    /// The control.
    pub control: ControlId,
    /// The earliest due date of its pending checks.
    pub due: Date,
}

/// One item with a due date.
#[uniffi::remote(Record)]
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

// soc2-core's `Format`, named `ReportFormat` in the bindings.
pub(crate) type ReportFormat = soc2_core::report::Format;

/// A rendering of the report.
#[uniffi::remote(Enum)]
pub enum ReportFormat {
    /// Plain text for the terminal.
    Text,
    /// Pretty JSON (`Report` with schema `schemas/report.schema.json`).
    Json,
    /// Markdown.
    Markdown,
    /// One self-contained HTML page.
    Html,
}
