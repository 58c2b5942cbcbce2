//! Evidence: an envelope (what, when, who collected it, from where, with which files)
//! around a typed payload.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::Sha256Digest;
use super::control::ControlId;
use super::finding::FindingStatus;
use super::provenance::Provenance;
use super::time::{Date, Timestamp};

/// One piece of evidence, as recorded in the locker.
///
/// `observed_at` is when the fact held, `collected_at` when it was gathered: an access
/// review performed on 2026-03-28 and uploaded in April is Q1 evidence. Evaluation goes
/// by `observed_at` only.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Evidence {
    /// Controls this evidence supports (may be empty: evaluation also selects by kind).
    #[serde(default)]
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
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    /// The typed content.
    pub payload: Payload,
    /// How an importer derived this evidence from a system's export (absent for evidence
    /// written by hand). See `soc2 import --check`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

impl Evidence {
    /// The payload's kind.
    pub fn kind(&self) -> EvidenceKind {
        self.payload.kind()
    }
}

/// Who or what gathered a piece of evidence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
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

macro_rules! payloads {
    ($( $(#[$doc:meta])* $variant:ident ( $ty:ident ) = $name:literal ),+ $(,)?) => {
        /// The typed content of a piece of evidence, one variant per kind.
        #[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "snake_case", deny_unknown_fields)]
        pub enum Payload {
            $( $(#[$doc])* $variant($ty), )+
        }

        /// The kind of a payload, without its content.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum EvidenceKind {
            $( $(#[$doc])* $variant, )+
        }

        impl Payload {
            /// This payload's kind.
            pub fn kind(&self) -> EvidenceKind {
                match self {
                    $( Payload::$variant(_) => EvidenceKind::$variant, )+
                }
            }
        }

        impl EvidenceKind {
            /// Every kind.
            pub const ALL: &'static [EvidenceKind] = &[ $( EvidenceKind::$variant, )+ ];

            /// The snake_case name used in JSON.
            pub fn as_str(self) -> &'static str {
                match self {
                    $( EvidenceKind::$variant => $name, )+
                }
            }
        }

        impl std::str::FromStr for EvidenceKind {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                match s {
                    $( $name => Ok(EvidenceKind::$variant), )+
                    _ => Err(format!("unknown evidence kind {s:?}")),
                }
            }
        }

        impl std::fmt::Display for EvidenceKind {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

payloads! {
    /// A periodic review of who has access to a system.
    AccessReview(AccessReview) = "access_review",
    /// The accounts of a system at a point in time.
    UserList(UserList) = "user_list",
    /// A policy document and its approval.
    PolicyDocument(PolicyDocument) = "policy_document",
    /// A person's acknowledgement of a policy.
    PolicyAcknowledgement(PolicyAcknowledgement) = "policy_acknowledgement",
    /// The devices an MDM knows, with their security settings.
    DeviceInventory(DeviceInventory) = "device_inventory",
    /// Branch protection settings of a repository branch.
    BranchProtection(BranchProtection) = "branch_protection",
    /// One merged (or closed) change, with its reviews.
    ChangeRecord(ChangeRecord) = "change_record",
    /// A background check of one person.
    BackgroundCheck(BackgroundCheck) = "background_check",
    /// One person's completion of a training course.
    TrainingCompletion(TrainingCompletion) = "training_completion",
    /// Where a system's logs go and how long they are kept.
    LoggingConfiguration(LoggingConfiguration) = "logging_configuration",
    /// An alert on a class of security events.
    AlertRule(AlertRule) = "alert_rule",
    /// A security assessment of one vendor.
    VendorAssessment(VendorAssessment) = "vendor_assessment",
    /// The incident-response plan.
    IncidentResponsePlan(IncidentResponsePlan) = "incident_response_plan",
    /// A tabletop exercise or simulated incident that tested the plan.
    TabletopExercise(TabletopExercise) = "tabletop_exercise",
    /// The risk register, with its review and approval.
    RiskRegister(RiskRegister) = "risk_register",
    /// The people of the company, with their employment dates.
    Roster(Roster) = "roster",
    /// Management's response to a finding of the report, and where its fix stands.
    ManagementResponse(ManagementResponse) = "management_response",
    /// One import of a system's audit log: the time it covers, its events counted, and
    /// every security-relevant event.
    SecurityEvents(SecurityEvents) = "security_events",
    /// The follow-up of one detected security event: who looked, when, and what they
    /// concluded.
    EventTriage(EventTriage) = "event_triage",
    /// Any other file or note.
    Note(Note) = "note",
}

/// A decision taken on one account during an access review.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewDecision {
    /// Access confirmed as appropriate.
    Keep,
    /// Access to be removed.
    Revoke,
    /// Access to be reduced or changed.
    Modify,
}

/// One account as judged in an access review.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewedAccount {
    /// The account's id in the system (login, user name, ARN, ...).
    pub account: String,
    /// The person it belongs to, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// The access as it was reviewed (roles, groups, permission sets).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// The reviewer's decision.
    pub decision: ReviewDecision,
    /// When a revoke or modify was carried out (absent while still pending).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actioned_at: Option<Timestamp>,
    /// Why, in the reviewer's words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A review of who has access to a system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AccessReview {
    /// The system reviewed (`aws-prod`, `github`, `okta`, ...).
    pub system: String,
    /// Who performed the review.
    pub reviewer: String,
    /// Every account the review covered.
    pub accounts: Vec<ReviewedAccount>,
}

/// Whether an account can be used.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// Account id in the system (login, user name, ARN, ...).
    pub account: String,
    /// The person it belongs to, if known (e-mail or roster id).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub person: Option<String>,
    /// Whether it can be used.
    pub status: AccountStatus,
    /// Administrative or otherwise privileged access (absent: the export does not say, which
    /// is not the same as "not privileged").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub privileged: Option<bool>,
    /// Whether an active second factor is enrolled (absent if the export does not say).
    /// Exports report enrolment, not enforcement; enforcement lives in sign-on policies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa: Option<bool>,
    /// The enrolled second-factor methods (`totp`, `push`, `webauthn`, `sms`, ...), so that
    /// weak factors can be told apart.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mfa_methods: Vec<String>,
    /// Whether a person can sign in with it interactively (password or SSO), as opposed to
    /// key-only or service use (absent if unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interactive: Option<bool>,
    /// Roles, groups or permission sets held.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// When the account was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// Last sign-in or credential use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<Timestamp>,
    /// When the current status took effect (e.g. when it was suspended).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_changed_at: Option<Timestamp>,
    /// The system's root or break-glass account (the AWS account root user), which no
    /// policy can restrict.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub root: bool,
    /// Whether the system requires a second factor at every sign-in of this account (an
    /// organisation-wide setting or a sign-on policy), as opposed to merely having one
    /// enrolled (absent: the export does not say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mfa_enforced: Option<bool>,
    /// Credentials other than the password (access keys, signing certificates).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub credentials: Vec<Credential>,
}

/// What kind of credential.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    /// What kind.
    pub kind: CredentialKind,
    /// Its id, or its slot in the export (`access_key_1`).
    pub id: String,
    /// Whether it can be used.
    pub active: bool,
    /// When it was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    /// When it was last rotated (created or replaced).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_rotated_at: Option<Timestamp>,
    /// When it was last used (absent: never, or the export does not say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_used_at: Option<Timestamp>,
}

impl Account {
    /// An account with only its id and status; everything else absent.
    pub fn new(account: impl Into<String>, status: AccountStatus) -> Self {
        Account {
            account: account.into(),
            person: None,
            status,
            privileged: None,
            mfa: None,
            mfa_methods: Vec::new(),
            interactive: None,
            roles: Vec::new(),
            created_at: None,
            last_used_at: None,
            status_changed_at: None,
            root: false,
            mfa_enforced: None,
            credentials: Vec::new(),
        }
    }
}

/// The accounts of a system at `observed_at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UserList {
    /// The system listed.
    pub system: String,
    /// Every account.
    pub accounts: Vec<Account>,
}

/// A security policy and its approval.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyDocument {
    /// The policy's name, e.g. `Access Control Policy`.
    pub name: String,
    /// Its version label.
    pub version: String,
    /// SHA-256 of the approved text (usually also an attachment).
    pub content_sha256: Sha256Digest,
    /// Who approved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// When it was approved (absent: not approved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_on: Option<Date>,
    /// When it is next due for review.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_review_on: Option<Date>,
}

/// A person's acknowledgement of a policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyAcknowledgement {
    /// Who acknowledged.
    pub person: String,
    /// The policy's name.
    pub policy: String,
    /// The version acknowledged (absent when the source does not record it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy_version: Option<String>,
    /// When.
    pub acknowledged_at: Timestamp,
}

/// Operating system family of a device.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Device {
    /// The MDM's device id (or serial number).
    pub device_id: String,
    /// Serial number, if known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serial_number: Option<String>,
    /// The person it is assigned to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// OS family.
    pub platform: Platform,
    /// OS version string as reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
    /// Full-disk encryption on (FileVault, BitLocker, LUKS...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disk_encrypted: Option<bool>,
    /// Minutes of inactivity before the screen locks.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_lock_minutes: Option<u32>,
    /// Automatic OS updates enabled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_updates: Option<bool>,
    /// Whether a password is required after the screen locks or the device sleeps, when the
    /// export reports that but not the timeout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub screen_lock: Option<bool>,
    /// Enrolled in MDM, so settings can be enforced and the device wiped (absent: the
    /// source cannot tell, e.g. an osquery inventory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mdm_enrolled: Option<bool>,
    /// Last time the device reported to the MDM.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_check_in: Option<Timestamp>,
    /// The MDM's own verdict against its compliance policies (Intune's `complianceState`);
    /// absent when the MDM does not evaluate compliance or has not yet.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub compliance: Option<DeviceCompliance>,
    /// Whether the host firewall is on (absent: the export does not report it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub firewall_enabled: Option<bool>,
}

impl Device {
    /// A device with only its id and platform; every setting absent (not shown).
    pub fn new(device_id: impl Into<String>, platform: Platform) -> Self {
        Device {
            device_id: device_id.into(),
            serial_number: None,
            owner: None,
            platform,
            os_version: None,
            disk_encrypted: None,
            screen_lock_minutes: None,
            auto_updates: None,
            screen_lock: None,
            mdm_enrolled: None,
            last_check_in: None,
            compliance: None,
            firewall_enabled: None,
        }
    }
}

/// A device's state against the MDM's compliance policies, as the MDM evaluated it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DeviceInventory {
    /// The MDM or inventory product (`jamf`, `fleet`, `intune`, ...).
    pub mdm: String,
    /// Every device.
    pub devices: Vec<Device>,
}

/// Branch protection settings (GitHub branch protection or rulesets, GitLab protected
/// branches).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BranchProtection {
    /// Repository, `owner/name`.
    pub repository: String,
    /// Protected branch or pattern.
    pub branch: String,
    /// Whether any protection is in force (a 404 "Branch not protected" is `false`).
    pub protected: bool,
    /// Approving reviews required before merge (0: none; absent: the source does not say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_approvals: Option<u32>,
    /// Whether new commits dismiss earlier approvals.
    #[serde(default)]
    pub dismiss_stale_reviews: bool,
    /// Whether code owners must approve.
    #[serde(default)]
    pub require_code_owner_review: bool,
    /// Whether the most recent push must be approved by someone other than its pusher.
    #[serde(default)]
    pub require_last_push_approval: bool,
    /// Whether the rules bind administrators too (absent: the source does not say).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to_admins: Option<bool>,
    /// Users, teams, roles, apps or keys that may push or merge without the required review.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bypass_actors: Vec<String>,
    /// Whether force pushes are allowed.
    #[serde(default)]
    pub allow_force_pushes: bool,
    /// Whether the branch can be deleted.
    #[serde(default)]
    pub allow_deletions: bool,
    /// Status checks that must pass.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub required_status_checks: Vec<String>,
}

/// The state of one review of a change.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeReview {
    /// Who reviewed.
    pub reviewer: String,
    /// The outcome.
    pub state: ReviewState,
    /// When it was submitted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub submitted_at: Option<Timestamp>,
    /// The commit the review applied to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub commit: Option<String>,
}

/// How a change reached its branch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Merged through a pull or merge request.
    #[default]
    PullRequest,
    /// Pushed straight to the branch, without a pull request (or merged by bypassing the
    /// branch's rules).
    DirectPush,
}

impl ChangeKind {
    fn is_pull_request(&self) -> bool {
        *self == ChangeKind::PullRequest
    }
}

/// One change (pull or merge request, or a direct push) with its reviews.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ChangeRecord {
    /// How the change reached its branch (absent: a pull request). Not `kind`, which
    /// the bindings use for the payload's kind.
    #[serde(default, skip_serializing_if = "ChangeKind::is_pull_request")]
    pub change_type: ChangeKind,
    /// Repository, `owner/name`.
    pub repository: String,
    /// Pull or merge request number (absent for a direct push).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<u64>,
    /// Its title.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub title: String,
    /// Who opened the change.
    pub author: String,
    /// Everyone who authored or committed commits in it; an approval by any of them is not
    /// independent.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub committers: Vec<String>,
    /// The branch merged into.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub base_branch: Option<String>,
    /// Who merged it (absent if not merged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_by: Option<String>,
    /// When it was merged (absent if not merged).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_at: Option<Timestamp>,
    /// The commit at the head of the change when merged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head_commit: Option<String>,
    /// The merge commit.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merge_commit: Option<String>,
    /// Every review submitted.
    #[serde(default)]
    pub reviews: Vec<ChangeReview>,
}

/// Outcome of a background check.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Adjudication {
    /// Reviewed and engaged (hired) anyway.
    Engaged,
    /// Pre-adverse-action notice sent.
    PreAdverseAction,
    /// Adverse action taken (not engaged).
    PostAdverseAction,
}

/// A background check of one person.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BackgroundCheck {
    /// Who was checked.
    pub person: String,
    /// The provider (`checkr`, `goodhire`, ...).
    pub provider: String,
    /// The provider's report id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report_id: Option<String>,
    /// Outcome.
    pub status: BackgroundCheckStatus,
    /// The company's decision on a check with findings (absent: not adjudicated).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjudication: Option<Adjudication>,
    /// When the decision on a "consider" result was taken (absent: not recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjudicated_on: Option<Date>,
    /// Who took the decision on a "consider" result (absent: not recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adjudicated_by: Option<String>,
    /// When the check was completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
}

/// Completion state of a training enrolment.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TrainingCompletion {
    /// Who.
    pub person: String,
    /// The course or module.
    pub course: String,
    /// The state of the enrolment.
    pub status: TrainingStatus,
    /// When it was completed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub completed_at: Option<Timestamp>,
    /// When it was due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_on: Option<Date>,
}

/// Where one system's logs go.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LoggingConfiguration {
    /// The system whose logs these are.
    pub system: String,
    /// The central destination (SIEM, log archive), absent if logs stay local.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub destination: Option<String>,
    /// Whether logging is on.
    pub enabled: bool,
    /// Days logs are kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retention_days: Option<u32>,
    /// Whether log files are integrity-protected (e.g. CloudTrail log file validation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub integrity_validation: Option<bool>,
    /// Whether it covers every region or zone of the system.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_regions: Option<bool>,
    /// Whether management (control-plane) events such as sign-ins and configuration
    /// changes are logged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub management_events: Option<bool>,
    /// Since when logging has been on without interruption.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logging_since: Option<Timestamp>,
    /// Which configuration this is when a system has several (e.g. a CloudTrail trail's
    /// ARN); absent when the system has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Whether data (object-level) events such as S3 object reads and writes or Lambda
    /// invocations are logged as well.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data_events: Option<bool>,
}

/// The class of security events an alert watches for.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AlertRule {
    /// The rule's name in its system.
    pub name: String,
    /// The system it watches.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// What it watches for.
    pub event_class: EventClass,
    /// Whether it is switched on.
    pub enabled: bool,
    /// Who is notified (people, on-call rotations, channels, topics).
    #[serde(default)]
    pub notify: Vec<String>,
    /// The rule's condition as written in its system (e.g. a metric filter pattern), so a
    /// reader can check that `event_class` is right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    /// The rule's state when it was observed, where its system reports one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<AlertState>,
}

/// The state of an alert rule when it was observed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SecurityReport {
    /// What kind.
    pub kind: AssuranceKind,
    /// When it was issued.
    pub issued_on: Date,
    /// For period reports (SOC 2 Type II), the last day of the period it covers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_end: Option<Date>,
    /// When a certificate expires.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_on: Option<Date>,
}

/// A security assessment of one vendor.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VendorAssessment {
    /// The vendor.
    pub vendor: String,
    /// The kinds of data shared with it.
    #[serde(default)]
    pub data_shared: Vec<String>,
    /// How much it matters.
    pub criticality: VendorCriticality,
    /// The assurance it provided, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_report: Option<SecurityReport>,
    /// Whether the contract has security and breach-notification terms (absent: not known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_security_terms: Option<bool>,
    /// When the contract ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contract_end: Option<Date>,
    /// When this review was done.
    pub reviewed_on: Date,
    /// Who did it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    /// Whether the review read the exceptions (deviations, qualified opinion) the
    /// security report discloses and judged their effect on the company (absent: not
    /// recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exceptions_reviewed: Option<bool>,
    /// Whether the review went through the report's complementary user entity controls
    /// (CUECs) and mapped each to a control the company operates (absent: not recorded).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cuecs_reviewed: Option<bool>,
}

/// The incident-response plan and what it covers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct IncidentResponsePlan {
    /// Version label.
    pub version: String,
    /// SHA-256 of the plan's text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_sha256: Option<Sha256Digest>,
    /// Who approved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approver: Option<String>,
    /// When it was approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_on: Option<Date>,
    /// The severity levels it defines (e.g. SEV1..SEV4).
    #[serde(default)]
    pub severity_levels: Vec<String>,
    /// The response roles it defines (incident commander, communications lead, ...).
    #[serde(default)]
    pub roles: Vec<String>,
    /// Whether it gives containment, eradication and recovery procedures.
    pub has_procedures: bool,
    /// Whether it gives internal and external communication steps or templates.
    pub has_communications: bool,
    /// Whether it requires a post-incident review.
    pub has_post_incident_review: bool,
}

/// A tabletop exercise or simulated incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct TabletopExercise {
    /// The scenario played.
    pub scenario: String,
    /// When it took place.
    pub performed_on: Date,
    /// Who took part.
    #[serde(default)]
    pub participants: Vec<String>,
    /// What it found, and follow-up actions.
    #[serde(default)]
    pub findings: Vec<String>,
}

/// A five-point rating of likelihood or impact.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Risk {
    /// The register's id for it.
    pub id: String,
    /// The threat (data breach, unauthorised access, outage, ...).
    pub threat: String,
    /// How likely (absent: not assessed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub likelihood: Option<RiskLevel>,
    /// How bad (absent: not assessed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub impact: Option<RiskLevel>,
    /// Likelihood after treatment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual_likelihood: Option<RiskLevel>,
    /// Impact after treatment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub residual_impact: Option<RiskLevel>,
    /// How it is handled (absent: no decision).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub treatment: Option<RiskTreatment>,
    /// The controls or actions that carry out the treatment.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub treatment_plan: String,
    /// Who owns it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
}

/// The risk register at `observed_at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskRegister {
    /// Every risk.
    pub risks: Vec<Risk>,
    /// When it was last reviewed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewed_on: Option<Date>,
    /// Who approved it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// When it was approved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_on: Option<Date>,
}

/// How a person works for the company.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum EmploymentType {
    /// Employee.
    Employee,
    /// Contractor.
    Contractor,
    /// Intern.
    Intern,
}

/// One person on the roster.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// Stable id, usually the work e-mail address; accounts and devices refer to it.
    pub id: String,
    /// Display name.
    pub name: String,
    /// The person's account ids in other systems (`andrew`, a GitHub login, ...), so that
    /// accounts that carry no e-mail can be matched to the person.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// How they work for the company.
    pub employment_type: EmploymentType,
    /// First day.
    pub start_date: Date,
    /// Last day (absent while employed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<Date>,
    /// Whether they have access to in-scope systems.
    pub in_scope: bool,
}

/// The company's people at `observed_at`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ManagementResponse {
    /// The control whose finding is answered (`AC-01`).
    pub control: ControlId,
    /// The affected item answered, by its id in the report; absent: the finding as a
    /// whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub item: Option<String>,
    /// Where the fix stands.
    pub status: FindingStatus,
    /// The response, in management's words.
    pub response: String,
    /// Who answers for the fix.
    pub owner: String,
    /// When the fix is to be done (absent: none set, e.g. for an accepted risk).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_date: Option<Date>,
}

/// Whether an event did what it attempted.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum EventOutcome {
    /// It took effect (a change made, a sign-in that succeeded).
    Success,
    /// It failed (an error code, a denied or failed attempt): an attempt, not a change.
    Failure,
    /// The log does not say.
    Unknown,
}

/// A class of security-relevant event that SOC 2 monitoring must notice. Each maps to the
/// Trust Services Criteria it bears on ([`Detection::criteria`]).
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
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

impl Detection {
    /// Every detection.
    pub const ALL: &'static [Detection] = &[
        Detection::LoggingDisabled,
        Detection::RootAccountUsed,
        Detection::SignInWithoutMfa,
        Detection::FailedSignInBurst,
        Detection::AdminGranted,
        Detection::MfaRemoved,
        Detection::BranchProtectionWeakened,
        Detection::PasswordPolicyWeakened,
        Detection::BulkDataExport,
        Detection::ServiceAccountKeyCreated,
        Detection::ExternalAccessGranted,
    ];

    /// The snake_case name used in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Detection::LoggingDisabled => "logging_disabled",
            Detection::RootAccountUsed => "root_account_used",
            Detection::SignInWithoutMfa => "sign_in_without_mfa",
            Detection::FailedSignInBurst => "failed_sign_in_burst",
            Detection::AdminGranted => "admin_granted",
            Detection::MfaRemoved => "mfa_removed",
            Detection::BranchProtectionWeakened => "branch_protection_weakened",
            Detection::PasswordPolicyWeakened => "password_policy_weakened",
            Detection::BulkDataExport => "bulk_data_export",
            Detection::ServiceAccountKeyCreated => "service_account_key_created",
            Detection::ExternalAccessGranted => "external_access_granted",
        }
    }

    /// The Trust Services Criteria the detection bears on: CC6.1 (logical access
    /// security), CC6.2/CC6.3 (granting and changing access), CC6.7 (moving data out),
    /// CC7.2 (monitoring for anomalies), CC7.3 (evaluating security events), CC8.1
    /// (authorised changes).
    pub fn criteria(self) -> &'static [&'static str] {
        match self {
            Detection::LoggingDisabled => &["CC7.2", "CC7.3"],
            Detection::RootAccountUsed => &["CC6.1", "CC7.2"],
            Detection::SignInWithoutMfa => &["CC6.1"],
            Detection::FailedSignInBurst => &["CC6.1", "CC7.2"],
            Detection::AdminGranted => &["CC6.2", "CC6.3"],
            Detection::MfaRemoved => &["CC6.1"],
            Detection::BranchProtectionWeakened => &["CC8.1"],
            Detection::PasswordPolicyWeakened => &["CC6.1"],
            Detection::BulkDataExport => &["CC6.7", "CC7.2"],
            Detection::ServiceAccountKeyCreated => &["CC6.1", "CC6.2"],
            Detection::ExternalAccessGranted => &["CC6.2", "CC6.3", "CC6.7"],
        }
    }

    /// Whether each event of this class must be followed up (LOG-04). A burst of failed
    /// sign-ins and a new service-account key are reported but are routine often enough
    /// that the catalog, not this default, decides whether they need a triage.
    pub fn high_risk(self) -> bool {
        !matches!(self, Detection::FailedSignInBurst | Detection::ServiceAccountKeyCreated)
    }
}

impl std::fmt::Display for Detection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How many events of one category had one outcome.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct DetectedEvent {
    /// Why it was selected.
    pub detection: Detection,
    /// When it happened.
    pub time: Timestamp,
    /// Whether `time` was taken from a log pipeline's own field because the event had
    /// none (the import's warnings say so as well).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub time_from_pipeline: bool,
    /// The event's id in its log, when it has one; triage names the event by it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// Who acted (a user, a role, a service account, an address when nothing else is
    /// known).
    pub actor: String,
    /// The action, as the log names it (`StopLogging`, `protected_branch.destroy`).
    pub action: String,
    /// What it acted on, when the log says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// Whether it took effect.
    pub outcome: EventOutcome,
    /// The address it came from, when the log says.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_ip: Option<String>,
    /// What made it security-relevant, in a few words (`AdministratorAccess attached`,
    /// `7 failed sign-ins in 10 minutes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
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
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub detected: Vec<DetectedEvent>,
    /// Security-relevant events beyond the import's cap, counted but not listed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub detected_not_listed: u64,
}

/// What the person who looked at a detected event concluded.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EventTriage {
    /// The system whose log holds the event.
    pub system: String,
    /// The event's time, as detected.
    pub event_time: Timestamp,
    /// The event's id, as detected (absent when the log gives none).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_id: Option<String>,
    /// The event's action, as detected; needed when it has no id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<String>,
    /// Who looked.
    pub reviewer: String,
    /// When they looked.
    pub reviewed_at: Timestamp,
    /// What they concluded.
    pub conclusion: TriageConclusion,
    /// The ticket or incident that records the follow-up.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// Notes.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub notes: String,
}

/// A file or note that fits no other kind.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Note {
    /// A title.
    pub title: String,
    /// Free text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub body: String,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}
