// Generated from soc2-core's definitions by soc2-ffi-mirrors: do not edit.
// Regenerate with `SOC2_UPDATE_MIRRORS=1 cargo test -p soc2-ffi-mirrors`.

use soc2_core::model::AccessReview;
use soc2_core::model::Account;
use soc2_core::model::AccountStatus;
use soc2_core::model::Adjudication;
use soc2_core::model::AffectedItem;
use soc2_core::model::AlertRule;
use soc2_core::model::AlertState;
use soc2_core::model::AssuranceKind;
use soc2_core::model::Attachment;
use soc2_core::model::AuditFinding;
use soc2_core::model::AuditPeriod;
use soc2_core::model::BackgroundCheck;
use soc2_core::model::BackgroundCheckStatus;
use soc2_core::model::BranchProtection;
use soc2_core::model::Cadence;
use soc2_core::model::Category;
use soc2_core::model::ChangeKind;
use soc2_core::model::ChangeRecord;
use soc2_core::model::ChangeReview;
use soc2_core::model::Collector;
use soc2_core::model::Completeness;
use soc2_core::model::Control;
use soc2_core::model::ControlArea;
use soc2_core::model::ControlId;
use soc2_core::model::Credential;
use soc2_core::model::CredentialKind;
use soc2_core::model::Criterion;
use soc2_core::model::Date;
use soc2_core::model::DetectedEvent;
use soc2_core::model::Detection;
use soc2_core::model::Device;
use soc2_core::model::DeviceCompliance;
use soc2_core::model::DeviceInventory;
use soc2_core::model::EmploymentType;
use soc2_core::model::EventClass;
use soc2_core::model::EventCount;
use soc2_core::model::EventOutcome;
use soc2_core::model::EventTriage;
use soc2_core::model::Evidence;
use soc2_core::model::EvidenceKind;
use soc2_core::model::FetchedAtSource;
use soc2_core::model::FindingResponse;
use soc2_core::model::FindingStatus;
use soc2_core::model::FindingWriteUp;
use soc2_core::model::ImportInput;
use soc2_core::model::ImportPart;
use soc2_core::model::ImportWarning;
use soc2_core::model::IncidentResponsePlan;
use soc2_core::model::ItemKind;
use soc2_core::model::LoggingConfiguration;
use soc2_core::model::ManagementResponse;
use soc2_core::model::Note;
use soc2_core::model::Payload;
use soc2_core::model::Person;
use soc2_core::model::Platform;
use soc2_core::model::PolicyAcknowledgement;
use soc2_core::model::PolicyDocument;
use soc2_core::model::PriorityClass;
use soc2_core::model::Provenance;
use soc2_core::model::ReviewDecision;
use soc2_core::model::ReviewState;
use soc2_core::model::ReviewedAccount;
use soc2_core::model::Risk;
use soc2_core::model::RiskLevel;
use soc2_core::model::RiskRegister;
use soc2_core::model::RiskTreatment;
use soc2_core::model::Roster;
use soc2_core::model::SecurityEvents;
use soc2_core::model::SecurityReport;
use soc2_core::model::Severity;
use soc2_core::model::Sha256Digest;
use soc2_core::model::SkippedRow;
use soc2_core::model::TabletopExercise;
use soc2_core::model::TimeToFix;
use soc2_core::model::Timestamp;
use soc2_core::model::TrainingCompletion;
use soc2_core::model::TrainingStatus;
use soc2_core::model::TriageConclusion;
use soc2_core::model::TriggerEvent;
use soc2_core::model::UserList;
use soc2_core::model::VendorAssessment;
use soc2_core::model::VendorCriticality;

/// One piece of evidence, as recorded in the locker.
///
/// `observed_at` is when the fact held, `collected_at` when it was gathered: an access
/// review performed on 2026-03-28 and uploaded in April is Q1 evidence. Evaluation goes
/// by `observed_at` only.
#[uniffi::remote(Record)]
pub struct Evidence {
    /// Controls this evidence supports (may be empty: evaluation also selects by kind).
    #[uniffi(default)]
    pub controls: Vec<ControlId>,
    /// When the fact held.
    pub observed_at: Timestamp,
    /// When the evidence was gathered.
    pub collected_at: Timestamp,
    /// Who or what gathered it: the first link of the chain of custody.
    pub collector: Collector,
    /// The system the evidence describes or was exported from (`github`, `okta`, `aws`, ...).
    pub source: String,
    /// Files that back the evidence, stored by content hash.
    #[uniffi(default)]
    pub attachments: Vec<Attachment>,
    /// The typed content.
    pub payload: Payload,
    /// How an importer derived this evidence from a system's export (absent for evidence
    /// written by hand). See `soc2 import --check`.
    #[uniffi(default)]
    pub provenance: Option<Provenance>,
}

/// How imported evidence was derived from the files a system exported.
///
/// Evidence that carries provenance was produced by an importer from stored input files
/// (each also an attachment of the evidence), so its dates come from the system of record,
/// not from the person who uploaded it.
#[uniffi::remote(Record)]
pub struct Provenance {
    /// The importer (the `SOURCE` of `soc2 import`, e.g. `aws-credential-report`).
    pub importer: String,
    /// The importer's version (the soc2 version that ran it).
    pub importer_version: String,
    /// Every input file, in the order given.
    pub inputs: Vec<ImportInput>,
    /// When the system produced the export: from a capture's `Date` header, the export's
    /// own generation time, or the `--fetched-at` given at import.
    pub fetched_at: Timestamp,
    /// Where `fetched_at` came from.
    pub fetched_at_source: FetchedAtSource,
    /// The system name given with `--system`, when it replaced the importer's default
    /// (kept so that the import can be re-derived).
    #[uniffi(default)]
    pub system: Option<String>,
    /// Whether the inputs hold the whole population.
    pub completeness: Completeness,
    /// Why the population is filtered or unknown (e.g. the filter applied).
    #[uniffi(default)]
    pub completeness_reason: Option<String>,
    /// Rows (items, objects, lines) read from the inputs.
    pub rows_read: u64,
    /// Rows that became part of the evidence.
    pub rows_kept: u64,
    /// Every row read but not kept, with the reason.
    #[uniffi(default)]
    pub skipped: Vec<SkippedRow>,
    /// Oddities normalised on the way (each counted, with its first occurrence).
    #[uniffi(default)]
    pub warnings: Vec<ImportWarning>,
    /// When one import yields several records (one per change, per check, per alarm...),
    /// which one this is; absent when the import is one record.
    #[uniffi(default)]
    pub part: Option<ImportPart>,
}

/// One input file of an import.
#[uniffi::remote(Record)]
pub struct ImportInput {
    /// The file's name as given (informational; never used as a path).
    pub file_name: String,
    /// SHA-256 of the file's bytes (the attachment that stores it).
    pub sha256: Sha256Digest,
    /// Size in bytes.
    pub size: u64,
    /// The request's method, when the file is a capture.
    #[uniffi(default)]
    pub method: Option<String>,
    /// The endpoint requested (URL without its query), when the file is a capture.
    #[uniffi(default)]
    pub endpoint: Option<String>,
    /// The request's query string, when there was one.
    #[uniffi(default)]
    pub query: Option<String>,
    /// The HTTP status of the response, when the file is a capture.
    #[uniffi(default)]
    pub status: Option<u16>,
    /// When the response was produced (its `Date` header), when the file is a capture.
    #[uniffi(default)]
    pub fetched_at: Option<Timestamp>,
}

/// Where an import's `fetched_at` came from.
#[uniffi::remote(Enum)]
pub enum FetchedAtSource {
    /// The `Date` header of a captured response (the latest one, over several pages).
    Capture,
    /// A generation time inside the export itself (e.g. the credential report's).
    Export,
    /// Given by the person importing (`--fetched-at`).
    Argument,
}

/// Whether an import holds the whole population.
#[uniffi::remote(Enum)]
pub enum Completeness {
    /// The export shows that it is complete (every page present, totals match, no filter).
    Complete,
    /// A filter was applied (an OData `$filter`, a `state=` or `search=` query): the
    /// population is a subset.
    Filtered,
    /// Nothing in the export tells whether it is complete.
    Unknown,
}

/// A row that was read but not kept.
#[uniffi::remote(Record)]
pub struct SkippedRow {
    /// The input file (its name as given).
    pub file: String,
    /// The row: 1-based line of a CSV or NDJSON file, or 1-based index in a JSON list.
    pub row: u64,
    /// Why it was not kept.
    pub reason: String,
}

/// An oddity normalised during an import, counted, with where it first occurred.
#[uniffi::remote(Record)]
pub struct ImportWarning {
    /// A stable code, e.g. `timestamp_without_zone`, `sentinel_as_absent`.
    pub code: String,
    /// What was done, in words.
    pub message: String,
    /// How many times it occurred.
    pub count: u64,
    /// The first file where it occurred.
    pub file: String,
    /// The first row where it occurred (0 when not tied to a row).
    pub row: u64,
    /// The field, when it is tied to one.
    #[uniffi(default)]
    pub field: Option<String>,
}

/// Which of the records of one import this is.
#[uniffi::remote(Record)]
pub struct ImportPart {
    /// 0-based index among the import's records.
    pub index: u64,
    /// How many records the import made.
    pub count: u64,
}

/// Who or what gathered a piece of evidence.
#[uniffi::remote(Enum)]
pub enum Collector {
    /// An automated collector.
    Tool {
        /// Tool name, e.g. `soc2-github-collector`.
        name: String,
        /// Tool version, e.g. `1.4.2`.
        version: String,
    },
    /// A person who gathered or uploaded it by hand.
    Person {
        /// Person id (usually an e-mail address).
        id: String,
    },
}

/// A file backing a piece of evidence, stored in the locker under its SHA-256.
#[uniffi::remote(Record)]
pub struct Attachment {
    /// SHA-256 of the content.
    pub sha256: Sha256Digest,
    /// Size in bytes.
    pub size: u64,
    /// IANA media type, e.g. `text/csv`.
    pub media_type: String,
    /// The file's original name (informational; never used as a path).
    pub file_name: String,
}

/// The typed content of a piece of evidence, one variant per kind.
#[uniffi::remote(Enum)]
pub enum Payload {
    /// A periodic review of who has access to a system.
    AccessReview(AccessReview),
    /// The accounts of a system at a point in time.
    UserList(UserList),
    /// A policy document and its approval.
    PolicyDocument(PolicyDocument),
    /// A person's acknowledgement of a policy.
    PolicyAcknowledgement(PolicyAcknowledgement),
    /// The devices an MDM knows, with their security settings.
    DeviceInventory(DeviceInventory),
    /// Branch protection settings of a repository branch.
    BranchProtection(BranchProtection),
    /// One merged (or closed) change, with its reviews.
    ChangeRecord(ChangeRecord),
    /// A background check of one person.
    BackgroundCheck(BackgroundCheck),
    /// One person's completion of a training course.
    TrainingCompletion(TrainingCompletion),
    /// Where a system's logs go and how long they are kept.
    LoggingConfiguration(LoggingConfiguration),
    /// An alert on a class of security events.
    AlertRule(AlertRule),
    /// A security assessment of one vendor.
    VendorAssessment(VendorAssessment),
    /// The incident-response plan.
    IncidentResponsePlan(IncidentResponsePlan),
    /// A tabletop exercise or simulated incident that tested the plan.
    TabletopExercise(TabletopExercise),
    /// The risk register, with its review and approval.
    RiskRegister(RiskRegister),
    /// The people of the company, with their employment dates.
    Roster(Roster),
    /// Management's response to a finding of the report, and where its fix stands.
    ManagementResponse(ManagementResponse),
    /// One import of a system's audit log: the time it covers, its events counted, and
    /// every security-relevant event.
    SecurityEvents(SecurityEvents),
    /// The follow-up of one detected security event: who looked, when, and what they
    /// concluded.
    EventTriage(EventTriage),
    /// Any other file or note.
    Note(Note),
}

/// The kind of a payload, without its content.
#[uniffi::remote(Enum)]
pub enum EvidenceKind {
    /// A periodic review of who has access to a system.
    AccessReview,
    /// The accounts of a system at a point in time.
    UserList,
    /// A policy document and its approval.
    PolicyDocument,
    /// A person's acknowledgement of a policy.
    PolicyAcknowledgement,
    /// The devices an MDM knows, with their security settings.
    DeviceInventory,
    /// Branch protection settings of a repository branch.
    BranchProtection,
    /// One merged (or closed) change, with its reviews.
    ChangeRecord,
    /// A background check of one person.
    BackgroundCheck,
    /// One person's completion of a training course.
    TrainingCompletion,
    /// Where a system's logs go and how long they are kept.
    LoggingConfiguration,
    /// An alert on a class of security events.
    AlertRule,
    /// A security assessment of one vendor.
    VendorAssessment,
    /// The incident-response plan.
    IncidentResponsePlan,
    /// A tabletop exercise or simulated incident that tested the plan.
    TabletopExercise,
    /// The risk register, with its review and approval.
    RiskRegister,
    /// The people of the company, with their employment dates.
    Roster,
    /// Management's response to a finding of the report, and where its fix stands.
    ManagementResponse,
    /// One import of a system's audit log: the time it covers, its events counted, and
    /// every security-relevant event.
    SecurityEvents,
    /// The follow-up of one detected security event: who looked, when, and what they
    /// concluded.
    EventTriage,
    /// Any other file or note.
    Note,
}

/// A decision taken on one account during an access review.
#[uniffi::remote(Enum)]
pub enum ReviewDecision {
    /// Access confirmed as appropriate.
    Keep,
    /// Access to be removed.
    Revoke,
    /// Access to be reduced or changed.
    Modify,
}

/// One account as judged in an access review.
#[uniffi::remote(Record)]
pub struct ReviewedAccount {
    /// The account's id in the system (login, user name, ARN, ...).
    pub account: String,
    /// The person it belongs to, if known.
    #[uniffi(default)]
    pub person: Option<String>,
    /// The access as it was reviewed (roles, groups, permission sets).
    #[uniffi(default)]
    pub roles: Vec<String>,
    /// The reviewer's decision.
    pub decision: ReviewDecision,
    /// When a revoke or modify was carried out (absent while still pending).
    #[uniffi(default)]
    pub actioned_at: Option<Timestamp>,
    /// Why, in the reviewer's words.
    #[uniffi(default)]
    pub note: Option<String>,
}

/// A review of who has access to a system.
#[uniffi::remote(Record)]
pub struct AccessReview {
    /// The system reviewed (`aws-prod`, `github`, `okta`, ...).
    pub system: String,
    /// Who performed the review.
    pub reviewer: String,
    /// Every account the review covered.
    pub accounts: Vec<ReviewedAccount>,
}

/// Whether an account can be used.
#[uniffi::remote(Enum)]
pub enum AccountStatus {
    /// Can sign in.
    Active,
    /// Exists, but cannot sign in (suspended, deprovisioned pending deletion).
    Suspended,
    /// Temporarily blocked (e.g. too many failed sign-ins) and unblocked without review:
    /// still counts as access.
    Locked,
    /// Invited or staged; not yet used.
    Provisioned,
}

/// One account in a system's user list.
#[uniffi::remote(Record)]
pub struct Account {
    /// Account id in the system (login, user name, ARN, ...).
    pub account: String,
    /// The person it belongs to, if known (e-mail or roster id).
    #[uniffi(default)]
    pub person: Option<String>,
    /// Whether it can be used.
    pub status: AccountStatus,
    /// Administrative or otherwise privileged access (absent: the export does not say, which
    /// is not the same as "not privileged").
    #[uniffi(default)]
    pub privileged: Option<bool>,
    /// Whether an active second factor is enrolled (absent if the export does not say).
    /// Exports report enrolment, not enforcement; enforcement lives in sign-on policies.
    #[uniffi(default)]
    pub mfa: Option<bool>,
    /// The enrolled second-factor methods (`totp`, `push`, `webauthn`, `sms`, ...), so that
    /// weak factors can be told apart.
    #[uniffi(default)]
    pub mfa_methods: Vec<String>,
    /// Whether a person can sign in with it interactively (password or SSO), as opposed to
    /// key-only or service use (absent if unknown).
    #[uniffi(default)]
    pub interactive: Option<bool>,
    /// Roles, groups or permission sets held.
    #[uniffi(default)]
    pub roles: Vec<String>,
    /// When the account was created.
    #[uniffi(default)]
    pub created_at: Option<Timestamp>,
    /// Last sign-in or credential use.
    #[uniffi(default)]
    pub last_used_at: Option<Timestamp>,
    /// When the current status took effect (e.g. when it was suspended).
    #[uniffi(default)]
    pub status_changed_at: Option<Timestamp>,
    /// The system's root or break-glass account (the AWS account root user), which no
    /// policy can restrict.
    #[uniffi(default)]
    pub root: bool,
    /// Whether the system requires a second factor at every sign-in of this account (an
    /// organisation-wide setting or a sign-on policy), as opposed to merely having one
    /// enrolled (absent: the export does not say).
    #[uniffi(default)]
    pub mfa_enforced: Option<bool>,
    /// Credentials other than the password (access keys, signing certificates).
    #[uniffi(default)]
    pub credentials: Vec<Credential>,
}

/// What kind of credential.
#[uniffi::remote(Enum)]
pub enum CredentialKind {
    /// A long-lived API access key (e.g. an AWS access key).
    AccessKey,
    /// An X.509 signing certificate.
    Certificate,
    /// An SSH key.
    SshKey,
    /// A personal access token.
    Token,
}

/// A credential of an account other than its password.
#[uniffi::remote(Record)]
pub struct Credential {
    /// What kind.
    pub kind: CredentialKind,
    /// Its id, or its slot in the export (`access_key_1`).
    pub id: String,
    /// Whether it can be used.
    pub active: bool,
    /// When it was created.
    #[uniffi(default)]
    pub created_at: Option<Timestamp>,
    /// When it was last rotated (created or replaced).
    #[uniffi(default)]
    pub last_rotated_at: Option<Timestamp>,
    /// When it was last used (absent: never, or the export does not say).
    #[uniffi(default)]
    pub last_used_at: Option<Timestamp>,
}

/// The accounts of a system at `observed_at`.
#[uniffi::remote(Record)]
pub struct UserList {
    /// The system listed.
    pub system: String,
    /// Every account.
    pub accounts: Vec<Account>,
}

/// A security policy and its approval.
#[uniffi::remote(Record)]
pub struct PolicyDocument {
    /// The policy's name, e.g. `Access Control Policy`.
    pub name: String,
    /// Its version label.
    pub version: String,
    /// SHA-256 of the approved text (usually also an attachment).
    pub content_sha256: Sha256Digest,
    /// Who approved it.
    #[uniffi(default)]
    pub approver: Option<String>,
    /// When it was approved (absent: not approved).
    #[uniffi(default)]
    pub approved_on: Option<Date>,
    /// When it is next due for review.
    #[uniffi(default)]
    pub next_review_on: Option<Date>,
}

/// A person's acknowledgement of a policy.
#[uniffi::remote(Record)]
pub struct PolicyAcknowledgement {
    /// Who acknowledged.
    pub person: String,
    /// The policy's name.
    pub policy: String,
    /// The version acknowledged (absent when the source does not record it).
    #[uniffi(default)]
    pub policy_version: Option<String>,
    /// When.
    pub acknowledged_at: Timestamp,
}

/// Operating system family of a device.
#[uniffi::remote(Enum)]
pub enum Platform {
    /// Apple macOS.
    Macos,
    /// Microsoft Windows.
    Windows,
    /// Linux distributions.
    Linux,
    /// Apple iOS and iPadOS.
    Ios,
    /// Android.
    Android,
    /// ChromeOS.
    Chromeos,
    /// Anything else.
    Other,
}

/// One device with its security posture. Settings an export does not report are absent,
/// and evaluation treats them as not shown (a deviation), never as compliant.
#[uniffi::remote(Record)]
pub struct Device {
    /// The MDM's device id (or serial number).
    pub device_id: String,
    /// Serial number, if known.
    #[uniffi(default)]
    pub serial_number: Option<String>,
    /// The person it is assigned to.
    #[uniffi(default)]
    pub owner: Option<String>,
    /// OS family.
    pub platform: Platform,
    /// OS version string as reported.
    #[uniffi(default)]
    pub os_version: Option<String>,
    /// Full-disk encryption on (FileVault, BitLocker, LUKS...).
    #[uniffi(default)]
    pub disk_encrypted: Option<bool>,
    /// Minutes of inactivity before the screen locks.
    #[uniffi(default)]
    pub screen_lock_minutes: Option<u32>,
    /// Automatic OS updates enabled.
    #[uniffi(default)]
    pub auto_updates: Option<bool>,
    /// Whether a password is required after the screen locks or the device sleeps, when the
    /// export reports that but not the timeout.
    #[uniffi(default)]
    pub screen_lock: Option<bool>,
    /// Enrolled in MDM, so settings can be enforced and the device wiped (absent: the
    /// source cannot tell, e.g. an osquery inventory).
    #[uniffi(default)]
    pub mdm_enrolled: Option<bool>,
    /// Last time the device reported to the MDM.
    #[uniffi(default)]
    pub last_check_in: Option<Timestamp>,
    /// The MDM's own verdict against its compliance policies (Intune's `complianceState`);
    /// absent when the MDM does not evaluate compliance or has not yet.
    #[uniffi(default)]
    pub compliance: Option<DeviceCompliance>,
    /// Whether the host firewall is on (absent: the export does not report it).
    #[uniffi(default)]
    pub firewall_enabled: Option<bool>,
}

/// A device's state against the MDM's compliance policies, as the MDM evaluated it.
#[uniffi::remote(Enum)]
pub enum DeviceCompliance {
    /// Meets every assigned compliance policy.
    Compliant,
    /// Fails a compliance policy (Intune blocks it from corporate resources).
    Noncompliant,
    /// Fails a compliance policy but keeps access until its grace period ends.
    InGracePeriod,
    /// The evaluation failed (conflicting policies, or an error): not shown compliant.
    Error,
}

/// The devices an MDM (or inventory) knows at `observed_at`.
#[uniffi::remote(Record)]
pub struct DeviceInventory {
    /// The MDM or inventory product (`jamf`, `fleet`, `intune`, ...).
    pub mdm: String,
    /// Every device.
    pub devices: Vec<Device>,
}

/// Branch protection settings (GitHub branch protection or rulesets, GitLab protected
/// branches).
#[uniffi::remote(Record)]
pub struct BranchProtection {
    /// Repository, `owner/name`.
    pub repository: String,
    /// Protected branch or pattern.
    pub branch: String,
    /// Whether any protection is in force (a 404 "Branch not protected" is `false`).
    pub protected: bool,
    /// Approving reviews required before merge (0: none; absent: the source does not say).
    #[uniffi(default)]
    pub required_approvals: Option<u32>,
    /// Whether new commits dismiss earlier approvals.
    #[uniffi(default)]
    pub dismiss_stale_reviews: bool,
    /// Whether code owners must approve.
    #[uniffi(default)]
    pub require_code_owner_review: bool,
    /// Whether the most recent push must be approved by someone other than its pusher.
    #[uniffi(default)]
    pub require_last_push_approval: bool,
    /// Whether the rules bind administrators too (absent: the source does not say).
    #[uniffi(default)]
    pub applies_to_admins: Option<bool>,
    /// Users, teams, roles, apps or keys that may push or merge without the required review.
    #[uniffi(default)]
    pub bypass_actors: Vec<String>,
    /// Whether force pushes are allowed.
    #[uniffi(default)]
    pub allow_force_pushes: bool,
    /// Whether the branch can be deleted.
    #[uniffi(default)]
    pub allow_deletions: bool,
    /// Status checks that must pass.
    #[uniffi(default)]
    pub required_status_checks: Vec<String>,
}

/// The state of one review of a change.
#[uniffi::remote(Enum)]
pub enum ReviewState {
    /// Approved.
    Approved,
    /// Changes requested.
    ChangesRequested,
    /// Comment only.
    Commented,
    /// An approval later dismissed.
    Dismissed,
    /// Started, not submitted.
    Pending,
}

/// One review of a change.
#[uniffi::remote(Record)]
pub struct ChangeReview {
    /// Who reviewed.
    pub reviewer: String,
    /// The outcome.
    pub state: ReviewState,
    /// When it was submitted.
    #[uniffi(default)]
    pub submitted_at: Option<Timestamp>,
    /// The commit the review applied to.
    #[uniffi(default)]
    pub commit: Option<String>,
}

/// How a change reached its branch.
#[uniffi::remote(Enum)]
pub enum ChangeKind {
    /// Merged through a pull or merge request.
    PullRequest,
    /// Pushed straight to the branch, without a pull request (or merged by bypassing the
    /// branch's rules).
    DirectPush,
}

/// One change (pull or merge request, or a direct push) with its reviews.
#[uniffi::remote(Record)]
pub struct ChangeRecord {
    /// How the change reached its branch (absent: a pull request). Not `kind`, which
    /// the bindings use for the payload's kind.
    // serde defaults this field, but uniffi 0.32 cannot default an enum or a record.
    pub change_type: ChangeKind,
    /// Repository, `owner/name`.
    pub repository: String,
    /// Pull or merge request number (absent for a direct push).
    #[uniffi(default)]
    pub number: Option<u64>,
    /// Its title.
    #[uniffi(default)]
    pub title: String,
    /// Who opened the change.
    pub author: String,
    /// Everyone who authored or committed commits in it; an approval by any of them is not
    /// independent.
    #[uniffi(default)]
    pub committers: Vec<String>,
    /// The branch merged into.
    #[uniffi(default)]
    pub base_branch: Option<String>,
    /// Who merged it (absent if not merged).
    #[uniffi(default)]
    pub merged_by: Option<String>,
    /// When it was merged (absent if not merged).
    #[uniffi(default)]
    pub merged_at: Option<Timestamp>,
    /// The commit at the head of the change when merged.
    #[uniffi(default)]
    pub head_commit: Option<String>,
    /// The merge commit.
    #[uniffi(default)]
    pub merge_commit: Option<String>,
    /// Every review submitted.
    #[uniffi(default)]
    pub reviews: Vec<ChangeReview>,
}

/// Outcome of a background check.
#[uniffi::remote(Enum)]
pub enum BackgroundCheckStatus {
    /// Not finished.
    Pending,
    /// Finished with nothing to consider.
    Clear,
    /// Finished with findings that need adjudication.
    Consider,
    /// Paused by the provider (e.g. waiting for the candidate).
    Suspended,
    /// Disputed by the candidate.
    Disputed,
    /// Cancelled before completion.
    Canceled,
}

/// The company's decision on a background check that found something.
#[uniffi::remote(Enum)]
pub enum Adjudication {
    /// Reviewed and engaged (hired) anyway.
    Engaged,
    /// Pre-adverse-action notice sent.
    PreAdverseAction,
    /// Adverse action taken (not engaged).
    PostAdverseAction,
}

/// A background check of one person.
#[uniffi::remote(Record)]
pub struct BackgroundCheck {
    /// Who was checked.
    pub person: String,
    /// The provider (`checkr`, `goodhire`, ...).
    pub provider: String,
    /// The provider's report id.
    #[uniffi(default)]
    pub report_id: Option<String>,
    /// Outcome.
    pub status: BackgroundCheckStatus,
    /// The company's decision on a check with findings (absent: not adjudicated).
    #[uniffi(default)]
    pub adjudication: Option<Adjudication>,
    /// When the decision on a "consider" result was taken (absent: not recorded).
    #[uniffi(default)]
    pub adjudicated_on: Option<Date>,
    /// Who took the decision on a "consider" result (absent: not recorded).
    #[uniffi(default)]
    pub adjudicated_by: Option<String>,
    /// When the check was completed.
    #[uniffi(default)]
    pub completed_at: Option<Timestamp>,
}

/// Completion state of a training enrolment.
#[uniffi::remote(Enum)]
pub enum TrainingStatus {
    /// Completed (and passed, where there is a test).
    Completed,
    /// Started, not finished.
    InProgress,
    /// Not started.
    NotStarted,
    /// Past its due date without completion.
    PastDue,
}

/// One person's training enrolment or completion.
#[uniffi::remote(Record)]
pub struct TrainingCompletion {
    /// Who.
    pub person: String,
    /// The course or module.
    pub course: String,
    /// The state of the enrolment.
    pub status: TrainingStatus,
    /// When it was completed.
    #[uniffi(default)]
    pub completed_at: Option<Timestamp>,
    /// When it was due.
    #[uniffi(default)]
    pub due_on: Option<Date>,
}

/// Where one system's logs go.
#[uniffi::remote(Record)]
pub struct LoggingConfiguration {
    /// The system whose logs these are.
    pub system: String,
    /// The central destination (SIEM, log archive), absent if logs stay local.
    #[uniffi(default)]
    pub destination: Option<String>,
    /// Whether logging is on.
    pub enabled: bool,
    /// Days logs are kept.
    #[uniffi(default)]
    pub retention_days: Option<u32>,
    /// Whether log files are integrity-protected (e.g. CloudTrail log file validation).
    #[uniffi(default)]
    pub integrity_validation: Option<bool>,
    /// Whether it covers every region or zone of the system.
    #[uniffi(default)]
    pub all_regions: Option<bool>,
    /// Whether management (control-plane) events such as sign-ins and configuration
    /// changes are logged.
    #[uniffi(default)]
    pub management_events: Option<bool>,
    /// Since when logging has been on without interruption.
    #[uniffi(default)]
    pub logging_since: Option<Timestamp>,
    /// Which configuration this is when a system has several (e.g. a CloudTrail trail's
    /// ARN); absent when the system has one.
    #[uniffi(default)]
    pub name: Option<String>,
    /// Whether data (object-level) events such as S3 object reads and writes or Lambda
    /// invocations are logged as well.
    #[uniffi(default)]
    pub data_events: Option<bool>,
}

/// The class of security events an alert watches for.
#[uniffi::remote(Enum)]
pub enum EventClass {
    /// Repeated failed sign-ins.
    FailedLogins,
    /// Privilege escalation (new admins, policy changes granting rights).
    PrivilegeEscalation,
    /// Security-relevant configuration changes.
    ConfigurationChange,
    /// Unusual access to data.
    DataAccessAnomaly,
    /// Anything else.
    Other,
}

/// An alert on a class of security events.
#[uniffi::remote(Record)]
pub struct AlertRule {
    /// The rule's name in its system.
    pub name: String,
    /// The system it watches.
    #[uniffi(default)]
    pub system: Option<String>,
    /// What it watches for.
    pub event_class: EventClass,
    /// Whether it is switched on.
    pub enabled: bool,
    /// Who is notified (people, on-call rotations, channels, topics).
    #[uniffi(default)]
    pub notify: Vec<String>,
    /// The rule's condition as written in its system (e.g. a metric filter pattern), so a
    /// reader can check that `event_class` is right.
    #[uniffi(default)]
    pub condition: Option<String>,
    /// The rule's state when it was observed, where its system reports one.
    #[uniffi(default)]
    pub state: Option<AlertState>,
}

/// The state of an alert rule when it was observed.
#[uniffi::remote(Enum)]
pub enum AlertState {
    /// Its condition is not met (CloudWatch `OK`).
    Ok,
    /// Its condition is met: it is firing (CloudWatch `ALARM`).
    Alarm,
    /// It lacks the data to decide, e.g. the metric it watches is not published
    /// (CloudWatch `INSUFFICIENT_DATA`).
    InsufficientData,
}

/// How much a vendor matters to the service.
#[uniffi::remote(Enum)]
pub enum VendorCriticality {
    /// No customer data, easily replaced.
    Low,
    /// Some data or some dependency.
    Medium,
    /// Customer data or a hard dependency.
    High,
    /// The service cannot run or keep its commitments without it.
    Critical,
}

/// The kind of third-party assurance a vendor provided.
#[uniffi::remote(Enum)]
pub enum AssuranceKind {
    /// SOC 2 Type II report.
    Soc2Type2,
    /// SOC 2 Type I report.
    Soc2Type1,
    /// ISO/IEC 27001 certificate.
    Iso27001,
    /// PCI DSS attestation.
    PciDss,
    /// A security questionnaire answered by the vendor.
    Questionnaire,
    /// Any other assurance.
    Other,
}

/// A security report or certification a vendor provided.
#[uniffi::remote(Record)]
pub struct SecurityReport {
    /// What kind.
    pub kind: AssuranceKind,
    /// When it was issued.
    pub issued_on: Date,
    /// For period reports (SOC 2 Type II), the last day of the period it covers.
    #[uniffi(default)]
    pub period_end: Option<Date>,
    /// When a certificate expires.
    #[uniffi(default)]
    pub expires_on: Option<Date>,
}

/// A security assessment of one vendor.
#[uniffi::remote(Record)]
pub struct VendorAssessment {
    /// The vendor.
    pub vendor: String,
    /// The kinds of data shared with it.
    #[uniffi(default)]
    pub data_shared: Vec<String>,
    /// How much it matters.
    pub criticality: VendorCriticality,
    /// The assurance it provided, if any.
    #[uniffi(default)]
    pub security_report: Option<SecurityReport>,
    /// Whether the contract has security and breach-notification terms (absent: not known).
    #[uniffi(default)]
    pub contract_security_terms: Option<bool>,
    /// When the contract ends.
    #[uniffi(default)]
    pub contract_end: Option<Date>,
    /// When this review was done.
    pub reviewed_on: Date,
    /// Who did it.
    #[uniffi(default)]
    pub reviewer: Option<String>,
    /// Whether the review read the exceptions (deviations, qualified opinion) the
    /// security report discloses and judged their effect on the company (absent: not
    /// recorded).
    #[uniffi(default)]
    pub exceptions_reviewed: Option<bool>,
    /// Whether the review went through the report's complementary user entity controls
    /// (CUECs) and mapped each to a control the company operates (absent: not recorded).
    #[uniffi(default)]
    pub cuecs_reviewed: Option<bool>,
}

/// The incident-response plan and what it covers.
#[uniffi::remote(Record)]
pub struct IncidentResponsePlan {
    /// Version label.
    pub version: String,
    /// SHA-256 of the plan's text.
    #[uniffi(default)]
    pub content_sha256: Option<Sha256Digest>,
    /// Who approved it.
    #[uniffi(default)]
    pub approver: Option<String>,
    /// When it was approved.
    #[uniffi(default)]
    pub approved_on: Option<Date>,
    /// The severity levels it defines (e.g. SEV1..SEV4).
    #[uniffi(default)]
    pub severity_levels: Vec<String>,
    /// The response roles it defines (incident commander, communications lead, ...).
    #[uniffi(default)]
    pub roles: Vec<String>,
    /// Whether it gives containment, eradication and recovery procedures.
    pub has_procedures: bool,
    /// Whether it gives internal and external communication steps or templates.
    pub has_communications: bool,
    /// Whether it requires a post-incident review.
    pub has_post_incident_review: bool,
}

/// A tabletop exercise or simulated incident.
#[uniffi::remote(Record)]
pub struct TabletopExercise {
    /// The scenario played.
    pub scenario: String,
    /// When it took place.
    pub performed_on: Date,
    /// Who took part.
    #[uniffi(default)]
    pub participants: Vec<String>,
    /// What it found, and follow-up actions.
    #[uniffi(default)]
    pub findings: Vec<String>,
}

/// A five-point rating of likelihood or impact.
#[uniffi::remote(Enum)]
pub enum RiskLevel {
    /// Very low.
    VeryLow,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Very high.
    VeryHigh,
}

/// How a risk is handled.
#[uniffi::remote(Enum)]
pub enum RiskTreatment {
    /// Reduce it with controls.
    Mitigate,
    /// Live with it, by a recorded decision.
    Accept,
    /// Shift it (insurance, contract).
    Transfer,
    /// Stop the activity that causes it.
    Avoid,
}

/// One entry of the risk register.
#[uniffi::remote(Record)]
pub struct Risk {
    /// The register's id for it.
    pub id: String,
    /// The threat (data breach, unauthorised access, outage, ...).
    pub threat: String,
    /// How likely (absent: not assessed).
    #[uniffi(default)]
    pub likelihood: Option<RiskLevel>,
    /// How bad (absent: not assessed).
    #[uniffi(default)]
    pub impact: Option<RiskLevel>,
    /// Likelihood after treatment.
    #[uniffi(default)]
    pub residual_likelihood: Option<RiskLevel>,
    /// Impact after treatment.
    #[uniffi(default)]
    pub residual_impact: Option<RiskLevel>,
    /// How it is handled (absent: no decision).
    #[uniffi(default)]
    pub treatment: Option<RiskTreatment>,
    /// The controls or actions that carry out the treatment.
    #[uniffi(default)]
    pub treatment_plan: String,
    /// Who owns it.
    #[uniffi(default)]
    pub owner: Option<String>,
}

/// The risk register at `observed_at`.
#[uniffi::remote(Record)]
pub struct RiskRegister {
    /// Every risk.
    pub risks: Vec<Risk>,
    /// When it was last reviewed.
    #[uniffi(default)]
    pub reviewed_on: Option<Date>,
    /// Who approved it.
    #[uniffi(default)]
    pub approved_by: Option<String>,
    /// When it was approved.
    #[uniffi(default)]
    pub approved_on: Option<Date>,
}

/// How a person works for the company.
#[uniffi::remote(Enum)]
pub enum EmploymentType {
    /// Employee.
    Employee,
    /// Contractor.
    Contractor,
    /// Intern.
    Intern,
}

/// One person on the roster.
#[uniffi::remote(Record)]
pub struct Person {
    /// Stable id, usually the work e-mail address; accounts and devices refer to it.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The person's account ids in other systems (`andrew`, a GitHub login, ...), so that
    /// accounts that carry no e-mail can be matched to the person.
    #[uniffi(default)]
    pub aliases: Vec<String>,
    /// How they work for the company.
    pub employment_type: EmploymentType,
    /// First day.
    pub start_date: Date,
    /// Last day (absent while employed).
    #[uniffi(default)]
    pub end_date: Option<Date>,
    /// Whether they have access to in-scope systems.
    pub in_scope: bool,
}

/// The company's people at `observed_at`.
#[uniffi::remote(Record)]
pub struct Roster {
    /// Everyone, including people who have left.
    pub people: Vec<Person>,
}

/// Management's response to a finding, entered by the company: what it does about it,
/// who answers for it, by when, and where it stands.
///
/// It names the finding as the report identifies it: by the control in exception and,
/// for one affected item, by that item's id as the report prints it (a system-quarter
/// `okta@2026-Q3`, a person's e-mail, a device id, `owner/repo#123`); without `item` it
/// answers the finding as a whole. `observed_at` is when management gave the response.
/// A response applies to every later evaluation (of this period or a later one) in which
/// its finding (or item) is still in exception; the latest response for the same
/// finding and item replaces earlier ones. It never changes the test's result.
#[uniffi::remote(Record)]
pub struct ManagementResponse {
    /// The control whose finding is answered (`AC-01`).
    pub control: ControlId,
    /// The affected item answered, by its id in the report; absent: the finding as a
    /// whole.
    #[uniffi(default)]
    pub item: Option<String>,
    /// Where the fix stands.
    pub status: FindingStatus,
    /// The response, in management's words.
    pub response: String,
    /// Who answers for the fix.
    pub owner: String,
    /// When the fix is to be done (absent: none set, e.g. for an accepted risk).
    #[uniffi(default)]
    pub target_date: Option<Date>,
}

/// Whether an event did what it attempted.
#[uniffi::remote(Enum)]
pub enum EventOutcome {
    /// It took effect (a change made, a sign-in that succeeded).
    Success,
    /// It failed (an error code, a denied or failed attempt): an attempt, not a change.
    Failure,
    /// The log does not say.
    Unknown,
}

/// A class of security-relevant event that SOC 2 monitoring must notice. Each maps to the
/// Trust Services Criteria it bears on (`Detection.criteria`).
#[uniffi::remote(Enum)]
pub enum Detection {
    /// Audit logging stopped, deleted or narrowed (a trail stopped or deleted, management
    /// events switched off, a log sink deleted).
    LoggingDisabled,
    /// The root (or break-glass owner) account was used: a sign-in, an access key created.
    RootAccountUsed,
    /// An interactive sign-in succeeded without multi-factor authentication (federated
    /// sign-ins take MFA from the identity provider and are not this).
    SignInWithoutMfa,
    /// Many failed sign-ins of one account or from one address within minutes.
    FailedSignInBurst,
    /// Administrator or owner rights granted (AdministratorAccess, `roles/owner`, super
    /// admin, an organization owner).
    AdminGranted,
    /// A multi-factor device or factor removed, or an organization's MFA requirement
    /// switched off.
    MfaRemoved,
    /// Branch protection removed or overridden, a ruleset disabled or given bypass actors.
    BranchProtectionWeakened,
    /// The password policy deleted or made weaker.
    PasswordPolicyWeakened,
    /// A bulk export of data (a database snapshot export, a log export, an organization
    /// data export).
    BulkDataExport,
    /// A long-lived key created for a service account or programmatic user.
    ServiceAccountKeyCreated,
    /// Access granted to a personal or external account, or to everyone (a public bucket,
    /// an outside collaborator, a snapshot shared with all).
    ExternalAccessGranted,
}

/// How many events of one category had one outcome.
#[uniffi::remote(Record)]
pub struct EventCount {
    /// The category as the log names it: a CloudTrail `eventSource`, a GitHub action's
    /// category, an Okta event type's first two parts, a Google application, a GCP
    /// service.
    pub category: String,
    /// The outcome counted.
    pub outcome: EventOutcome,
    /// How many events.
    pub count: u64,
}

/// One security-relevant event, normalised, under the detection that selected it.
#[uniffi::remote(Record)]
pub struct DetectedEvent {
    /// Why it was selected.
    pub detection: Detection,
    /// When it happened.
    pub time: Timestamp,
    /// Whether `time` was taken from a log pipeline's own field because the event had
    /// none (the import's warnings say so as well).
    #[uniffi(default)]
    pub time_from_pipeline: bool,
    /// The event's id in its log, when it has one; triage names the event by it.
    #[uniffi(default)]
    pub event_id: Option<String>,
    /// Who acted (a user, a role, a service account, an address when nothing else is
    /// known).
    pub actor: String,
    /// The action, as the log names it (`StopLogging`, `protected_branch.destroy`).
    pub action: String,
    /// What it acted on, when the log says.
    #[uniffi(default)]
    pub target: Option<String>,
    /// Whether it took effect.
    pub outcome: EventOutcome,
    /// The address it came from, when the log says.
    #[uniffi(default)]
    pub source_ip: Option<String>,
    /// What made it security-relevant, in a few words (`AdministratorAccess attached`,
    /// `7 failed sign-ins in 10 minutes`).
    #[uniffi(default)]
    pub detail: Option<String>,
    /// The input file it was read from (its name in the provenance).
    pub file: String,
    /// Where in that file: its line for newline-delimited JSON, else its 1-based position
    /// among the file's events.
    pub record: u64,
}

/// One import of a system's audit log.
///
/// Millions of events are not millions of records: one import is one record holding the
/// time the files cover, the events counted by category and outcome, and every
/// security-relevant event. The raw files are its attachments.
#[uniffi::remote(Record)]
pub struct SecurityEvents {
    /// The system whose log this is.
    pub system: String,
    /// The earliest event time in the files.
    pub covered_from: Timestamp,
    /// The latest event time in the files.
    pub covered_to: Timestamp,
    /// Events read (duplicates and lines from other products excluded).
    pub events: u64,
    /// Events by category and outcome, sorted by category then outcome.
    pub counts: Vec<EventCount>,
    /// The security-relevant events, sorted by time.
    #[uniffi(default)]
    pub detected: Vec<DetectedEvent>,
    /// Security-relevant events beyond the import's cap, counted but not listed.
    #[uniffi(default)]
    pub detected_not_listed: u64,
}

/// What the person who looked at a detected event concluded.
#[uniffi::remote(Enum)]
pub enum TriageConclusion {
    /// Authorised and expected (a planned change, a known administrator).
    Expected,
    /// Not what it looked like (a false positive).
    FalsePositive,
    /// A security incident: the incident-response plan applies.
    Incident,
}

/// The follow-up of one detected security event.
///
/// It names the event by system, time and, when the log gave one, its id (else its
/// action). `observed_at` is when the triage was recorded; `reviewed_at` is when the
/// reviewer looked, and LOG-04 tests it against the event's time.
#[uniffi::remote(Record)]
pub struct EventTriage {
    /// The system whose log holds the event.
    pub system: String,
    /// The event's time, as detected.
    pub event_time: Timestamp,
    /// The event's id, as detected (absent when the log gives none).
    #[uniffi(default)]
    pub event_id: Option<String>,
    /// The event's action, as detected; needed when it has no id.
    #[uniffi(default)]
    pub action: Option<String>,
    /// Who looked.
    pub reviewer: String,
    /// When they looked.
    pub reviewed_at: Timestamp,
    /// What they concluded.
    pub conclusion: TriageConclusion,
    /// The ticket or incident that records the follow-up.
    #[uniffi(default)]
    pub ticket: Option<String>,
    /// Notes.
    #[uniffi(default)]
    pub notes: String,
}

/// A file or note that fits no other kind.
#[uniffi::remote(Record)]
pub struct Note {
    /// A title.
    pub title: String,
    /// Free text.
    #[uniffi(default)]
    pub body: String,
}

/// The area of practice a control belongs to: the ten areas where SOC 2 audits most
/// often find exceptions, and everything else.
#[uniffi::remote(Enum)]
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
#[uniffi::remote(Enum)]
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
#[uniffi::remote(Enum)]
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
#[uniffi::remote(Enum)]
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
#[uniffi::remote(Enum)]
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
#[uniffi::remote(Record)]
pub struct TimeToFix {
    /// Fewest days it usually takes.
    pub min_days: u32,
    /// Most days it usually takes (not less than `min_days`).
    pub max_days: u32,
}

/// A control: something the company does, repeatedly and provably, to meet one or more
/// Trust Services Criteria.
#[uniffi::remote(Record)]
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
    #[uniffi(default)]
    pub description: String,
    /// Steps to take when it fails.
    #[uniffi(default)]
    pub remediation: Vec<String>,
    /// Why it typically fails, for the cause of a finding (with management's response,
    /// when given).
    #[uniffi(default)]
    pub cause: String,
    /// What a failure exposes the company or its customers to: the effect of a finding.
    #[uniffi(default)]
    pub effect: String,
    /// What the auditor recommends when it fails, in a sentence (the steps are in
    /// `remediation`).
    #[uniffi(default)]
    pub recommendation: String,
}

/// What kind of thing an affected item is.
#[uniffi::remote(Enum)]
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
#[uniffi::remote(Record)]
pub struct AffectedItem {
    /// What it is.
    pub kind: ItemKind,
    /// Its id (e-mail, account, device id, `owner/repo#123`, vendor name, `2026-Q3`...).
    pub id: String,
    /// What is wrong with it.
    pub reason: String,
    /// Locker sequence numbers of the evidence records that show it.
    #[uniffi(default)]
    pub records: Vec<u64>,
}

/// Where a finding stands, as management reports it (see
/// `ManagementResponse`); `open` when management has not answered.
#[uniffi::remote(Enum)]
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

/// An audit exception: a control that did not operate as described over the period.
#[uniffi::remote(Record)]
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
    #[uniffi(default)]
    pub management_response: Option<String>,
    /// When remediation is due: the target date of management's response to the finding
    /// as a whole, else the report date plus the control's time to fix.
    #[uniffi(default)]
    pub remediation_due: Option<Date>,
    /// Every management response that applies: to the finding as a whole first, then to
    /// affected items in the order they are listed; the latest for each.
    #[uniffi(default)]
    pub responses: Vec<FindingResponse>,
    /// The finding written as auditors write it: condition, criteria, cause, effect and
    /// recommendation (absent in findings written before it existed).
    #[uniffi(default)]
    pub write_up: Option<FindingWriteUp>,
}

/// A finding in the words of an audit workpaper: the elements of a finding.
#[uniffi::remote(Record)]
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

/// A management response shown with a finding: the latest one recorded for the finding
/// as a whole or for one of its affected items.
#[uniffi::remote(Record)]
pub struct FindingResponse {
    /// The affected item answered (its id); absent: the finding as a whole.
    #[uniffi(default)]
    pub item: Option<String>,
    /// Where the fix stands.
    pub status: FindingStatus,
    /// The response, in management's words.
    pub response: String,
    /// Who answers for the fix.
    pub owner: String,
    /// When the fix is to be done.
    #[uniffi(default)]
    pub target_date: Option<Date>,
    /// When management gave it (the record's `observed_at` day).
    pub given_on: Date,
    /// The locker record holding it.
    pub record: u64,
}

/// The five Trust Services categories.
#[uniffi::remote(Enum)]
pub enum Category {
    /// Common criteria (CC), required in every SOC 2 examination.
    Security,
    /// Availability (A).
    Availability,
    /// Processing integrity (PI).
    ProcessingIntegrity,
    /// Confidentiality (C).
    Confidentiality,
    /// Privacy (P).
    Privacy,
}
