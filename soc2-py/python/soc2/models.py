"""The typed SOC 2 model: evidence and its payloads, controls, audit periods and findings.

Each class mirrors the soc2-core type of the same name (``soc2_core::model``), field for
field, and is built with keyword arguments::

    from datetime import datetime, timezone
    import soc2

    evidence = soc2.Evidence(
        controls=["AC-01"],
        observed_at=datetime(2026, 3, 28, 14, 5, tzinfo=timezone.utc),
        collected_at=datetime(2026, 4, 2, 9, 0, tzinfo=timezone.utc),
        collector=soc2.PersonCollector(id="cto@example.com"),
        source="okta",
        payload=soc2.AccessReview(system="okta", reviewer="cto@example.com", accounts=[
            soc2.ReviewedAccount(account="bob@example.com", decision="revoke"),
        ]),
    )
    text = evidence.to_json()            # checked by soc2-core, RFC 8785 canonical

Timestamps are aware ``datetime`` objects, converted to UTC with whole seconds (naive ones
are rejected); dates are ``datetime.date``. Enumerations are the snake_case strings of the
JSON form, typed as ``Literal`` aliases (``ReviewDecision``, ``Severity``, ...). Variants of
Rust enums that carry data are classes of their own (:class:`ToolCollector` and
:class:`PersonCollector` for ``Collector``; :class:`WithinDaysOf` for ``Cadence``; one
class per evidence payload kind for ``Payload``).

Values are checked by soc2-core, not here: when serialised (:meth:`Model.to_json`,
:meth:`Model.to_dict`, adding to a locker) or parsed (:meth:`Model.from_json`), with a
:class:`~soc2.ValidationError` that names the field.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import field
from typing import TYPE_CHECKING, Any, ClassVar, Dict, List, Literal, Optional, Tuple, Union

from . import _soc2
from ._model import Model, dump_date, load_date, model, to_utc

__all__ = [
    "AccessReview",
    "Account",
    "Adjudication",
    "AccountStatus",
    "AffectedItem",
    "AlertRule",
    "AlertState",
    "AssuranceKind",
    "Attachment",
    "ChangeKind",
    "Completeness",
    "Credential",
    "CredentialKind",
    "FetchedAtSource",
    "ImportInput",
    "ImportPart",
    "ImportWarning",
    "Provenance",
    "SkippedRow",
    "AuditFinding",
    "AuditPeriod",
    "BackgroundCheck",
    "BackgroundCheckStatus",
    "BranchProtection",
    "Cadence",
    "ChangeRecord",
    "ChangeReview",
    "Collector",
    "Control",
    "ControlArea",
    "DetectedEvent",
    "Detection",
    "Device",
    "DeviceCompliance",
    "DeviceInventory",
    "EVIDENCE_KINDS",
    "EmploymentType",
    "EventClass",
    "EventCount",
    "EventOutcome",
    "EventTriage",
    "Evidence",
    "EvidenceKind",
    "FindingResponse",
    "FindingWriteUp",
    "FindingStatus",
    "IncidentResponsePlan",
    "ItemKind",
    "LoggingConfiguration",
    "ManagementResponse",
    "SecurityEvents",
    "TriageConclusion",
    "Model",
    "Note",
    "PAYLOAD_CLASSES",
    "Payload",
    "PayloadModel",
    "Person",
    "PersonCollector",
    "Platform",
    "PolicyAcknowledgement",
    "PolicyDocument",
    "PriorityClass",
    "Quarter",
    "ReviewDecision",
    "ReviewState",
    "ReviewedAccount",
    "Risk",
    "RiskLevel",
    "RiskRegister",
    "RiskTreatment",
    "Roster",
    "SecurityReport",
    "Severity",
    "TabletopExercise",
    "TimeToFix",
    "ToolCollector",
    "TrainingCompletion",
    "TrainingStatus",
    "TriggerEvent",
    "UserList",
    "VendorAssessment",
    "VendorCriticality",
    "WithinDaysOf",
]

# -- Enumerations (the snake_case names of the JSON form) ----------------------------------
#
# Each is written as a Union of one-value Literals, the same type as Literal["a", "b"], so
# that it is a Union at run time too (which is what type checkers and stubtest see).

#: The kind of an evidence payload.
EvidenceKind = Union[
    Literal["access_review"],
    Literal["user_list"],
    Literal["policy_document"],
    Literal["policy_acknowledgement"],
    Literal["device_inventory"],
    Literal["branch_protection"],
    Literal["change_record"],
    Literal["background_check"],
    Literal["training_completion"],
    Literal["logging_configuration"],
    Literal["alert_rule"],
    Literal["vendor_assessment"],
    Literal["incident_response_plan"],
    Literal["tabletop_exercise"],
    Literal["risk_register"],
    Literal["roster"],
    Literal["management_response"],
    Literal["security_events"],
    Literal["event_triage"],
    Literal["note"],
]
#: A decision taken on one account during an access review.
ReviewDecision = Union[
    Literal["keep"],
    Literal["revoke"],
    Literal["modify"],
]
#: Whether an account can be used.
AccountStatus = Union[
    Literal["active"],
    Literal["suspended"],
    Literal["locked"],
    Literal["provisioned"],
]
#: Operating system family of a device.
Platform = Union[
    Literal["macos"],
    Literal["windows"],
    Literal["linux"],
    Literal["ios"],
    Literal["android"],
    Literal["chromeos"],
    Literal["other"],
]
#: A device's state against the MDM's compliance policies, as the MDM evaluated it.
DeviceCompliance = Union[
    Literal["compliant"],
    Literal["noncompliant"],
    Literal["in_grace_period"],
    Literal["error"],
]
#: The state of one review of a change.
ReviewState = Union[
    Literal["approved"],
    Literal["changes_requested"],
    Literal["commented"],
    Literal["dismissed"],
    Literal["pending"],
]
#: Outcome of a background check.
BackgroundCheckStatus = Union[
    Literal["pending"],
    Literal["clear"],
    Literal["consider"],
    Literal["suspended"],
    Literal["disputed"],
    Literal["canceled"],
]
#: The company's decision on a background check that found something.
Adjudication = Union[
    Literal["engaged"],
    Literal["pre_adverse_action"],
    Literal["post_adverse_action"],
]
#: Completion state of a training enrolment.
TrainingStatus = Union[
    Literal["completed"],
    Literal["in_progress"],
    Literal["not_started"],
    Literal["past_due"],
]
#: The class of security events an alert watches for.
EventClass = Union[
    Literal["failed_logins"],
    Literal["privilege_escalation"],
    Literal["configuration_change"],
    Literal["data_access_anomaly"],
    Literal["other"],
]
#: Whether an event did what it attempted.
EventOutcome = Union[
    Literal["success"],
    Literal["failure"],
    Literal["unknown"],
]
#: A class of security-relevant event that SOC 2 monitoring must notice.
Detection = Union[
    Literal["logging_disabled"],
    Literal["root_account_used"],
    Literal["sign_in_without_mfa"],
    Literal["failed_sign_in_burst"],
    Literal["admin_granted"],
    Literal["mfa_removed"],
    Literal["branch_protection_weakened"],
    Literal["password_policy_weakened"],
    Literal["bulk_data_export"],
    Literal["service_account_key_created"],
    Literal["external_access_granted"],
]
#: What the person who looked at a detected event concluded.
TriageConclusion = Union[
    Literal["expected"],
    Literal["false_positive"],
    Literal["incident"],
]
#: The state of an alert rule when it was observed.
AlertState = Union[
    Literal["ok"],
    Literal["alarm"],
    Literal["insufficient_data"],
]
#: How much a vendor matters to the service.
VendorCriticality = Union[
    Literal["low"],
    Literal["medium"],
    Literal["high"],
    Literal["critical"],
]
#: The kind of third-party assurance a vendor provided.
AssuranceKind = Union[
    Literal["soc2_type2"],
    Literal["soc2_type1"],
    Literal["iso27001"],
    Literal["pci_dss"],
    Literal["questionnaire"],
    Literal["other"],
]
#: A five-point rating of likelihood or impact.
RiskLevel = Union[
    Literal["very_low"],
    Literal["low"],
    Literal["medium"],
    Literal["high"],
    Literal["very_high"],
]
#: How a risk is handled.
RiskTreatment = Union[
    Literal["mitigate"],
    Literal["accept"],
    Literal["transfer"],
    Literal["avoid"],
]
#: How a person works for the company.
EmploymentType = Union[
    Literal["employee"],
    Literal["contractor"],
    Literal["intern"],
]
#: The area of practice a control belongs to.
ControlArea = Union[
    Literal["access_reviews"],
    Literal["policies"],
    Literal["device_management"],
    Literal["change_management"],
    Literal["background_checks"],
    Literal["security_training"],
    Literal["logging_monitoring"],
    Literal["vendor_management"],
    Literal["incident_response"],
    Literal["risk_assessment"],
    Literal["other"],
]
#: An event that starts a deadline for an event-driven control.
TriggerEvent = Union[
    Literal["hire"],
    Literal["termination"],
    Literal["change"],
    Literal["vendor_onboarding"],
    Literal["incident"],
    Literal["security_event"],
]
#: How bad it is when a control fails.
Severity = Union[
    Literal["low"],
    Literal["medium"],
    Literal["high"],
    Literal["critical"],
]
#: When to tackle a failing control, from the remediation priority matrix.
PriorityClass = Union[
    Literal["fix_first"],
    Literal["fix_second"],
    Literal["start_early"],
    Literal["quick_win"],
]
#: What kind of thing an affected item is.
ItemKind = Union[
    Literal["person"],
    Literal["account"],
    Literal["device"],
    Literal["change"],
    Literal["vendor"],
    Literal["system"],
    Literal["policy"],
    Literal["risk"],
    Literal["alert"],
    Literal["occurrence"],
    Literal["document"],
    Literal["event"],
]
#: Where a finding stands, as management reports it ("open" when management has not answered).
FindingStatus = Union[
    Literal["open"],
    Literal["remediating"],
    Literal["remediated"],
    Literal["risk_accepted"],
]

#: Every evidence kind, in the model's order (from soc2-core).
EVIDENCE_KINDS: Tuple[str, ...] = tuple(_soc2.evidence_kinds())


# -- Evidence envelope ---------------------------------------------------------------------


@model
class ToolCollector(Model):
    """Evidence gathered by an automated collector (``Collector::Tool``)."""

    _rust = "Collector"
    _tag = "tool"
    _variant_only = True

    #: Tool name, e.g. ``soc2-github-collector``.
    name: str
    #: Tool version, e.g. ``1.4.2``.
    version: str


@model
class PersonCollector(Model):
    """Evidence gathered or uploaded by hand by a person (``Collector::Person``)."""

    _rust = "Collector"
    _tag = "person"
    _variant_only = True

    #: Person id (usually an e-mail address).
    id: str


#: Who or what gathered a piece of evidence: the first link of the chain of custody.
Collector = Union[ToolCollector, PersonCollector]


@model
class Attachment(Model):
    """A file backing a piece of evidence, stored in the locker under its SHA-256."""

    #: SHA-256 of the content, 64 lower-case hex digits.
    sha256: str
    #: Size in bytes.
    size: int
    #: IANA media type, e.g. ``text/csv``.
    media_type: str
    #: The file's original name (informational; never used as a path).
    file_name: str


#: Where an import's ``fetched_at`` came from.
FetchedAtSource = Union[Literal["capture"], Literal["export"], Literal["argument"]]

#: Whether an import holds the whole population.
Completeness = Union[Literal["complete"], Literal["filtered"], Literal["unknown"]]


@model
class ImportInput(Model):
    """One input file of an import: its hash and size, and the request when it is a capture."""

    #: The file's name as given (informational; never used as a path).
    file_name: str
    #: SHA-256 of the file's bytes (the attachment that stores it).
    sha256: str
    #: Size in bytes.
    size: int
    #: The request's method, when the file is a capture.
    method: Optional[str] = None
    #: The endpoint requested (URL without its query), when the file is a capture.
    endpoint: Optional[str] = None
    #: The request's query string, when there was one.
    query: Optional[str] = None
    #: The HTTP status of the response, when the file is a capture.
    status: Optional[int] = None
    #: When the response was produced (its ``Date`` header), when the file is a capture.
    fetched_at: Optional[_dt.datetime] = None


@model
class SkippedRow(Model):
    """A row that an import read but did not keep."""

    #: The input file (its name as given).
    file: str
    #: The 1-based row (CSV or NDJSON line, or index in a JSON list).
    row: int
    #: Why it was not kept.
    reason: str


@model
class ImportWarning(Model):
    """An oddity normalised during an import, counted, with where it first occurred."""

    #: A stable code, e.g. ``timestamp_without_zone``.
    code: str
    #: What was done, in words.
    message: str
    #: How many times it occurred.
    count: int
    #: The first file where it occurred.
    file: str
    #: The first row where it occurred (0 when not tied to a row).
    row: int
    #: The field, when it is tied to one.
    field: Optional[str] = None


@model
class ImportPart(Model):
    """Which of the records of one import this is."""

    #: 0-based index among the import's records.
    index: int
    #: How many records the import made.
    count: int


@model
class Provenance(Model):
    """How imported evidence was derived from the files a system exported, so that an
    auditor can re-derive it byte for byte (``soc2 import --check``)."""

    #: The importer (the ``SOURCE`` of ``soc2 import``).
    importer: str
    #: The importer's version.
    importer_version: str
    #: Every input file, in the order given.
    inputs: List[ImportInput]
    #: When the system produced the export.
    fetched_at: _dt.datetime
    #: Where ``fetched_at`` came from.
    fetched_at_source: FetchedAtSource
    #: Whether the inputs hold the whole population.
    completeness: Completeness
    #: Rows read from the inputs.
    rows_read: int
    #: Rows that became part of the evidence.
    rows_kept: int
    #: The system name given at import, when it replaced the importer's default.
    system: Optional[str] = None
    #: Why the population is filtered or unknown.
    completeness_reason: Optional[str] = None
    #: Every row read but not kept, with the reason.
    skipped: List[SkippedRow] = field(default_factory=list)
    #: Oddities normalised on the way, counted.
    warnings: List[ImportWarning] = field(default_factory=list)
    #: Which of an import's several records this is.
    part: Optional[ImportPart] = None


class PayloadModel(Model):
    """Base class of the evidence payload classes; ``kind`` is the payload's kind."""

    #: The payload's kind, e.g. ``access_review``.
    kind: ClassVar[EvidenceKind]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._tag = cls.kind


# -- Payloads ------------------------------------------------------------------------------


@model
class ReviewedAccount(Model):
    """One account as judged in an access review."""

    #: The account's id in the system (login, user name, ARN, ...).
    account: str
    #: The person it belongs to, if known.
    person: Optional[str] = None
    #: The access as it was reviewed (roles, groups, permission sets).
    roles: List[str] = field(default_factory=list)
    #: The reviewer's decision.
    decision: ReviewDecision
    #: When a revoke or modify was carried out (absent while still pending).
    actioned_at: Optional[_dt.datetime] = None
    #: Why, in the reviewer's words.
    note: Optional[str] = None


@model
class AccessReview(PayloadModel):
    """A periodic review of who has access to a system."""

    kind = "access_review"
    #: The system reviewed (``aws-prod``, ``github``, ``okta``, ...).
    system: str
    #: Who performed the review.
    reviewer: str
    #: Every account the review covered.
    accounts: List[ReviewedAccount]


#: What kind of credential.
CredentialKind = Union[
    Literal["access_key"], Literal["certificate"], Literal["ssh_key"], Literal["token"]
]


@model
class Credential(Model):
    """A credential of an account other than its password."""

    #: What kind.
    kind: CredentialKind
    #: Its id, or its slot in the export (``access_key_1``).
    id: str
    #: Whether it can be used.
    active: bool
    #: When it was created.
    created_at: Optional[_dt.datetime] = None
    #: When it was last rotated (created or replaced).
    last_rotated_at: Optional[_dt.datetime] = None
    #: When it was last used.
    last_used_at: Optional[_dt.datetime] = None


@model
class Account(Model):
    """One account in a system's user list."""

    #: Account id in the system (login, user name, ARN, ...).
    account: str
    #: The person it belongs to, if known (e-mail or roster id).
    person: Optional[str] = None
    #: Whether it can be used.
    status: AccountStatus
    #: Administrative or otherwise privileged access (None: the export does not say, which
    #: is not the same as "not privileged").
    privileged: Optional[bool] = None
    #: Whether an active second factor is enrolled (None: the export does not say).
    mfa: Optional[bool] = None
    #: The enrolled second-factor methods (``totp``, ``push``, ``webauthn``, ``sms``, ...).
    mfa_methods: List[str] = field(default_factory=list)
    #: Whether a person can sign in with it interactively (password or SSO), as opposed to
    #: key-only or service use (None: unknown).
    interactive: Optional[bool] = None
    #: Roles, groups or permission sets held.
    roles: List[str] = field(default_factory=list)
    #: When the account was created.
    created_at: Optional[_dt.datetime] = None
    #: Last sign-in or credential use.
    last_used_at: Optional[_dt.datetime] = None
    #: When the current status took effect (e.g. when it was suspended).
    status_changed_at: Optional[_dt.datetime] = None
    #: The system's root or break-glass account (the AWS account root user).
    root: bool = False
    #: Whether the system requires a second factor at every sign-in of this account
    #: (``None``: the export does not say).
    mfa_enforced: Optional[bool] = None
    #: Credentials other than the password (access keys, signing certificates).
    credentials: List[Credential] = field(default_factory=list)


@model
class UserList(PayloadModel):
    """The accounts of a system at the evidence's ``observed_at``."""

    kind = "user_list"
    #: The system listed.
    system: str
    #: Every account.
    accounts: List[Account]


@model
class PolicyDocument(PayloadModel):
    """A security policy and its approval."""

    kind = "policy_document"
    #: The policy's name, e.g. ``Access Control Policy``.
    name: str
    #: Its version label.
    version: str
    #: SHA-256 of the approved text (usually also an attachment).
    content_sha256: str
    #: Who approved it.
    approver: Optional[str] = None
    #: When it was approved (None: not approved).
    approved_on: Optional[_dt.date] = None
    #: When it is next due for review.
    next_review_on: Optional[_dt.date] = None


@model
class PolicyAcknowledgement(PayloadModel):
    """A person's acknowledgement of a policy."""

    kind = "policy_acknowledgement"
    #: Who acknowledged.
    person: str
    #: The policy's name.
    policy: str
    #: The version acknowledged (None when the source does not record it).
    policy_version: Optional[str] = None
    #: When.
    acknowledged_at: _dt.datetime


@model
class Device(Model):
    """One device with its security posture; settings an export does not report are None,
    and evaluation treats them as not shown, never as compliant."""

    #: The MDM's device id (or serial number).
    device_id: str
    #: Serial number, if known.
    serial_number: Optional[str] = None
    #: The person it is assigned to.
    owner: Optional[str] = None
    #: OS family.
    platform: Platform
    #: OS version string as reported.
    os_version: Optional[str] = None
    #: Full-disk encryption on (FileVault, BitLocker, LUKS...).
    disk_encrypted: Optional[bool] = None
    #: Minutes of inactivity before the screen locks.
    screen_lock_minutes: Optional[int] = None
    #: Automatic OS updates enabled.
    auto_updates: Optional[bool] = None
    #: Whether a password is required after the screen locks or the device sleeps, when the
    #: export reports that but not the timeout.
    screen_lock: Optional[bool] = None
    #: Enrolled in MDM, so settings can be enforced and the device wiped (None: the source
    #: cannot tell, e.g. an osquery inventory).
    mdm_enrolled: Optional[bool] = None
    #: Last time the device reported to the MDM.
    last_check_in: Optional[_dt.datetime] = None
    #: The MDM's own verdict against its compliance policies (Intune's ``complianceState``);
    #: None when the MDM does not evaluate compliance or has not yet.
    compliance: Optional[DeviceCompliance] = None
    #: Whether the host firewall is on (None: the export does not report it).
    firewall_enabled: Optional[bool] = None


@model
class DeviceInventory(PayloadModel):
    """The devices an MDM (or inventory) knows at ``observed_at``."""

    kind = "device_inventory"
    #: The MDM or inventory product (``jamf``, ``fleet``, ``intune``, ...).
    mdm: str
    #: Every device.
    devices: List[Device]


@model
class BranchProtection(PayloadModel):
    """Branch protection settings of a repository branch."""

    kind = "branch_protection"
    #: Repository, ``owner/name``.
    repository: str
    #: Protected branch or pattern.
    branch: str
    #: Whether any protection is in force (a 404 "Branch not protected" is False).
    protected: bool
    #: Approving reviews required before merge (0: none; None: the source does not say).
    required_approvals: Optional[int] = None
    #: Whether new commits dismiss earlier approvals.
    dismiss_stale_reviews: bool = False
    #: Whether code owners must approve.
    require_code_owner_review: bool = False
    #: Whether the most recent push must be approved by someone other than its pusher.
    require_last_push_approval: bool = False
    #: Whether the rules bind administrators too (None: the source does not say).
    applies_to_admins: Optional[bool] = None
    #: Users, teams, roles, apps or keys that may push or merge without the required review.
    bypass_actors: List[str] = field(default_factory=list)
    #: Whether force pushes are allowed.
    allow_force_pushes: bool = False
    #: Whether the branch can be deleted.
    allow_deletions: bool = False
    #: Status checks that must pass.
    required_status_checks: List[str] = field(default_factory=list)


@model
class ChangeReview(Model):
    """One review of a change."""

    #: Who reviewed.
    reviewer: str
    #: The outcome.
    state: ReviewState
    #: When it was submitted.
    submitted_at: Optional[_dt.datetime] = None
    #: The commit the review applied to.
    commit: Optional[str] = None


#: How a change reached its branch.
ChangeKind = Union[Literal["pull_request"], Literal["direct_push"]]


@model
class ChangeRecord(PayloadModel):
    """One merged (or closed) change, pull or merge request, with its reviews."""

    kind = "change_record"
    #: Repository, ``owner/name``.
    repository: str
    #: Its title.
    title: str = ""
    #: Who opened the change.
    author: str
    #: How the change reached its branch: ``"pull_request"`` or ``"direct_push"``.
    change_type: ChangeKind = "pull_request"
    #: Pull or merge request number (``None`` for a direct push).
    number: Optional[int] = None
    #: Everyone who authored or committed commits in it; an approval by any of them is not
    #: independent.
    committers: List[str] = field(default_factory=list)
    #: The branch merged into.
    base_branch: Optional[str] = None
    #: Who merged it (None if not merged).
    merged_by: Optional[str] = None
    #: When it was merged (None if not merged).
    merged_at: Optional[_dt.datetime] = None
    #: The commit at the head of the change when merged.
    head_commit: Optional[str] = None
    #: The merge commit.
    merge_commit: Optional[str] = None
    #: Every review submitted.
    reviews: List[ChangeReview] = field(default_factory=list)


@model
class BackgroundCheck(PayloadModel):
    """A background check of one person."""

    kind = "background_check"
    #: Who was checked.
    person: str
    #: The provider (``checkr``, ``goodhire``, ...).
    provider: str
    #: The provider's report id.
    report_id: Optional[str] = None
    #: Outcome.
    status: BackgroundCheckStatus
    #: The company's decision on a check with findings (None: not adjudicated).
    adjudication: Optional[Adjudication] = None
    #: When the decision on a "consider" result was taken (None: not recorded).
    adjudicated_on: Optional[_dt.date] = None
    #: Who took the decision on a "consider" result (None: not recorded).
    adjudicated_by: Optional[str] = None
    #: When the check was completed.
    completed_at: Optional[_dt.datetime] = None


@model
class TrainingCompletion(PayloadModel):
    """One person's training enrolment or completion."""

    kind = "training_completion"
    #: Who.
    person: str
    #: The course or module.
    course: str
    #: The state of the enrolment.
    status: TrainingStatus
    #: When it was completed.
    completed_at: Optional[_dt.datetime] = None
    #: When it was due.
    due_on: Optional[_dt.date] = None


@model
class LoggingConfiguration(PayloadModel):
    """Where one system's logs go and how long they are kept."""

    kind = "logging_configuration"
    #: The system whose logs these are.
    system: str
    #: The central destination (SIEM, log archive); None if logs stay local.
    destination: Optional[str] = None
    #: Whether logging is on.
    enabled: bool
    #: Days logs are kept.
    retention_days: Optional[int] = None
    #: Whether log files are integrity-protected (e.g. CloudTrail log file validation).
    integrity_validation: Optional[bool] = None
    #: Whether it covers every region or zone of the system.
    all_regions: Optional[bool] = None
    #: Whether management (control-plane) events such as sign-ins and configuration
    #: changes are logged.
    management_events: Optional[bool] = None
    #: Since when logging has been on without interruption.
    logging_since: Optional[_dt.datetime] = None
    #: Which configuration this is when a system has several (e.g. a CloudTrail trail's
    #: ARN); None when the system has one.
    name: Optional[str] = None
    #: Whether data (object-level) events such as S3 object reads and writes or Lambda
    #: invocations are logged as well.
    data_events: Optional[bool] = None


@model
class AlertRule(PayloadModel):
    """An alert on a class of security events."""

    kind = "alert_rule"
    #: The rule's name in its system.
    name: str
    #: The system it watches.
    system: Optional[str] = None
    #: What it watches for.
    event_class: EventClass
    #: Whether it is switched on.
    enabled: bool
    #: Who is notified (people, on-call rotations, channels, topics).
    notify: List[str] = field(default_factory=list)
    #: The rule's condition as written in its system (e.g. a metric filter pattern), so a
    #: reader can check that ``event_class`` is right.
    condition: Optional[str] = None
    #: The rule's state when it was observed, where its system reports one.
    state: Optional[AlertState] = None


@model
class SecurityReport(Model):
    """A security report or certification a vendor provided."""

    #: What kind.
    kind: AssuranceKind
    #: When it was issued.
    issued_on: _dt.date
    #: For period reports (SOC 2 Type II), the last day of the period it covers.
    period_end: Optional[_dt.date] = None
    #: When a certificate expires.
    expires_on: Optional[_dt.date] = None


@model
class VendorAssessment(PayloadModel):
    """A security assessment of one vendor."""

    kind = "vendor_assessment"
    #: The vendor.
    vendor: str
    #: The kinds of data shared with it.
    data_shared: List[str] = field(default_factory=list)
    #: How much it matters.
    criticality: VendorCriticality
    #: The assurance it provided, if any.
    security_report: Optional[SecurityReport] = None
    #: Whether the contract has security and breach-notification terms (None: not known).
    contract_security_terms: Optional[bool] = None
    #: When the contract ends.
    contract_end: Optional[_dt.date] = None
    #: When this review was done.
    reviewed_on: _dt.date
    #: Who did it.
    reviewer: Optional[str] = None
    #: Whether the review read the exceptions the security report discloses and judged
    #: their effect on the company (None: not recorded).
    exceptions_reviewed: Optional[bool] = None
    #: Whether the review went through the report's complementary user entity controls
    #: (CUECs) and mapped each to a company control (None: not recorded).
    cuecs_reviewed: Optional[bool] = None


@model
class IncidentResponsePlan(PayloadModel):
    """The incident-response plan and what it covers."""

    kind = "incident_response_plan"
    #: Version label.
    version: str
    #: SHA-256 of the plan's text.
    content_sha256: Optional[str] = None
    #: Who approved it.
    approver: Optional[str] = None
    #: When it was approved.
    approved_on: Optional[_dt.date] = None
    #: The severity levels it defines (e.g. SEV1..SEV4).
    severity_levels: List[str] = field(default_factory=list)
    #: The response roles it defines (incident commander, communications lead, ...).
    roles: List[str] = field(default_factory=list)
    #: Whether it gives containment, eradication and recovery procedures.
    has_procedures: bool
    #: Whether it gives internal and external communication steps or templates.
    has_communications: bool
    #: Whether it requires a post-incident review.
    has_post_incident_review: bool


@model
class TabletopExercise(PayloadModel):
    """A tabletop exercise or simulated incident that tested the plan."""

    kind = "tabletop_exercise"
    #: The scenario played.
    scenario: str
    #: When it took place.
    performed_on: _dt.date
    #: Who took part.
    participants: List[str] = field(default_factory=list)
    #: What it found, and follow-up actions.
    findings: List[str] = field(default_factory=list)


@model
class Risk(Model):
    """One entry of the risk register."""

    #: The register's id for it.
    id: str
    #: The threat (data breach, unauthorised access, outage, ...).
    threat: str
    #: How likely (None: not assessed).
    likelihood: Optional[RiskLevel] = None
    #: How bad (None: not assessed).
    impact: Optional[RiskLevel] = None
    #: Likelihood after treatment.
    residual_likelihood: Optional[RiskLevel] = None
    #: Impact after treatment.
    residual_impact: Optional[RiskLevel] = None
    #: How it is handled (None: no decision).
    treatment: Optional[RiskTreatment] = None
    #: The controls or actions that carry out the treatment.
    treatment_plan: str = ""
    #: Who owns it.
    owner: Optional[str] = None


@model
class RiskRegister(PayloadModel):
    """The risk register, with its review and approval."""

    kind = "risk_register"
    #: Every risk.
    risks: List[Risk]
    #: When it was last reviewed.
    reviewed_on: Optional[_dt.date] = None
    #: Who approved it.
    approved_by: Optional[str] = None
    #: When it was approved.
    approved_on: Optional[_dt.date] = None


@model
class Person(Model):
    """One person on the roster."""

    #: Stable id, usually the work e-mail address; accounts and devices refer to it.
    id: str
    #: Display name.
    name: str
    #: The person's account ids in other systems (``andrew``, a GitHub login, ...), so that
    #: accounts that carry no e-mail can be matched to the person.
    aliases: List[str] = field(default_factory=list)
    #: How they work for the company.
    employment_type: EmploymentType
    #: First day.
    start_date: _dt.date
    #: Last day (None while employed).
    end_date: Optional[_dt.date] = None
    #: Whether they have access to in-scope systems.
    in_scope: bool


@model
class Roster(PayloadModel):
    """The company's people, with their employment dates."""

    kind = "roster"
    #: Everyone, including people who have left.
    people: List[Person]


@model
class ManagementResponse(PayloadModel):
    """Management's response to a finding, entered by the company: what it does about it,
    who answers for it, by when, and where it stands.

    It names the finding as the report identifies it: by the control in exception and, for
    one affected item, by that item's id as the report prints it; without ``item`` it
    answers the finding as a whole. ``observed_at`` is when management gave the response.
    A response applies to every later evaluation in which its finding (or item) is still in
    exception; the latest response for the same finding and item replaces earlier ones. It
    never changes the test's result.
    """

    kind = "management_response"
    #: The control whose finding is answered (``AC-01``).
    control: str
    #: The affected item answered, by its id in the report; None: the finding as a whole.
    item: Optional[str] = None
    #: Where the fix stands.
    status: FindingStatus
    #: The response, in management's words.
    response: str
    #: Who answers for the fix.
    owner: str
    #: When the fix is to be done (None: none set, e.g. for an accepted risk).
    target_date: Optional[_dt.date] = None


@model
class EventCount(Model):
    """How many events of one category had one outcome."""

    #: The category as the log names it: a CloudTrail ``eventSource``, a GitHub action's
    #: category, an Okta event type's first two parts, a Google application, a GCP service.
    category: str
    #: The outcome counted.
    outcome: EventOutcome
    #: How many events.
    count: int


@model
class DetectedEvent(Model):
    """One security-relevant event, normalised, under the detection that selected it."""

    #: Why it was selected.
    detection: Detection
    #: When it happened.
    time: _dt.datetime
    #: Whether ``time`` was taken from a log pipeline's own field because the event had none.
    time_from_pipeline: bool = False
    #: The event's id in its log, when it has one; triage names the event by it.
    event_id: Optional[str] = None
    #: Who acted (a user, a role, a service account, an address when nothing else is known).
    actor: str
    #: The action, as the log names it (``StopLogging``, ``protected_branch.destroy``).
    action: str
    #: What it acted on, when the log says.
    target: Optional[str] = None
    #: Whether it took effect.
    outcome: EventOutcome
    #: The address it came from, when the log says.
    source_ip: Optional[str] = None
    #: What made it security-relevant, in a few words.
    detail: Optional[str] = None
    #: The input file it was read from (its name in the provenance).
    file: str
    #: Where in that file: its line for newline-delimited JSON, else its 1-based position
    #: among the file's events.
    record: int


@model
class SecurityEvents(PayloadModel):
    """One import of a system's audit log: the time it covers, its events counted by
    category and outcome, and every security-relevant event. The raw files are its attachments."""

    kind = "security_events"
    #: The system whose log this is.
    system: str
    #: The earliest event time in the files.
    covered_from: _dt.datetime
    #: The latest event time in the files.
    covered_to: _dt.datetime
    #: Events read (duplicates and lines from other products excluded).
    events: int
    #: Events by category and outcome, sorted by category then outcome.
    counts: List[EventCount]
    #: The security-relevant events, sorted by time.
    detected: List[DetectedEvent] = field(default_factory=list)
    #: Security-relevant events beyond the import's cap, counted but not listed.
    detected_not_listed: int = 0


@model
class EventTriage(PayloadModel):
    """The follow-up of one detected security event: who looked, when, and what they
    concluded. It names the event by system, time and, when the log gave one, its id (else
    its action). LOG-04 tests ``reviewed_at`` against the event's time."""

    kind = "event_triage"
    #: The system whose log holds the event.
    system: str
    #: The event's time, as detected.
    event_time: _dt.datetime
    #: The event's id, as detected (None when the log gives none).
    event_id: Optional[str] = None
    #: The event's action, as detected; needed when it has no id.
    action: Optional[str] = None
    #: Who looked.
    reviewer: str
    #: When they looked.
    reviewed_at: _dt.datetime
    #: What they concluded.
    conclusion: TriageConclusion
    #: The ticket or incident that records the follow-up.
    ticket: Optional[str] = None
    #: Notes.
    notes: str = ""


@model
class Note(PayloadModel):
    """A file or note that fits no other kind."""

    kind = "note"
    #: A title.
    title: str
    #: Free text.
    body: str = ""


#: The typed content of a piece of evidence: one class per kind.
Payload = Union[
    AccessReview,
    UserList,
    PolicyDocument,
    PolicyAcknowledgement,
    DeviceInventory,
    BranchProtection,
    ChangeRecord,
    BackgroundCheck,
    TrainingCompletion,
    LoggingConfiguration,
    AlertRule,
    VendorAssessment,
    IncidentResponsePlan,
    TabletopExercise,
    RiskRegister,
    Roster,
    ManagementResponse,
    SecurityEvents,
    EventTriage,
    Note,
]

#: The payload class of each evidence kind.
PAYLOAD_CLASSES: Dict[str, type] = {c.kind: c for c in Payload.__args__}  # type: ignore[attr-defined]


@model
class Evidence(Model):
    """One piece of evidence: an envelope (what, when, who collected it, from where, with
    which files) around a typed payload.

    ``observed_at`` is when the fact held, ``collected_at`` when it was gathered: an access
    review performed on 2026-03-28 and uploaded in April is Q1 evidence. Evaluation goes by
    ``observed_at`` only.
    """

    #: Controls this evidence supports (may be empty: evaluation also selects by kind).
    controls: List[str] = field(default_factory=list)
    #: When the fact held.
    observed_at: _dt.datetime
    #: When the evidence was gathered.
    collected_at: _dt.datetime
    #: Who or what gathered it: the first link of the chain of custody.
    collector: Collector
    #: The system the evidence describes or was exported from (``github``, ``okta``, ...).
    source: str
    #: Files that back the evidence, stored by content hash.
    attachments: List[Attachment] = field(default_factory=list)
    #: The typed content.
    payload: Payload
    #: How an importer derived it from a system's export (``None`` for evidence written
    #: by hand).
    provenance: Optional[Provenance] = None

    @property
    def kind(self) -> EvidenceKind:
        """The payload's kind."""
        return self.payload.kind


# -- Controls ------------------------------------------------------------------------------


@model
class WithinDaysOf(Model):
    """Cadence of an event-driven control: within ``days`` of each ``event``
    (``Cadence::WithinDaysOf``)."""

    _rust = "Cadence"
    _tag = "within_days_of"
    _variant_only = True

    #: The event that starts the clock.
    event: TriggerEvent
    #: Days allowed after the event (0: by the day of the event).
    days: int


#: How often a control must operate: ``"continuous"``, ``"quarterly"``, ``"annual"``,
#: ``"point_in_time"``, or :class:`WithinDaysOf` an event.
Cadence = Union[Literal["continuous", "quarterly", "annual", "point_in_time"], WithinDaysOf]


@model(frozen=True)
class TimeToFix(Model):
    """A typical effort to fix a failing control, as a range of days; ``str()`` gives the
    human form (``1-2 weeks``)."""

    #: Fewest days it usually takes.
    min_days: int
    #: Most days it usually takes (not less than ``min_days``).
    max_days: int

    def __str__(self) -> str:
        return _soc2.display("TimeToFix", self)


@model
class Control(Model):
    """A control: something the company does, repeatedly and provably, to meet one or more
    Trust Services Criteria."""

    #: Stable identifier: 1 to 64 characters of ``A-Z a-z 0-9 . _ -``, starting with a letter.
    id: str
    #: One-line name.
    title: str
    #: The practice area.
    area: ControlArea
    #: The criteria it addresses (canonical ids such as ``CC6.1``; at least one).
    criteria: List[str]
    #: How often it must operate.
    cadence: Cadence
    #: Who answers for it (a role or a person).
    owner: str
    #: How bad a failure is.
    severity: Severity
    #: Typical effort to fix a failure.
    time_to_fix: TimeToFix
    #: When to fix a failure, relative to others.
    priority: PriorityClass
    #: The kinds of evidence that show it operating.
    evidence_kinds: List[EvidenceKind]
    #: What the control requires, in a sentence or two.
    description: str = ""
    #: Steps to take when it fails.
    remediation: List[str] = field(default_factory=list)
    #: Why it typically fails, for the cause of a finding (with management's response, when
    #: given).
    cause: str = ""
    #: What a failure exposes the company or its customers to: the effect of a finding.
    effect: str = ""
    #: What the auditor recommends when it fails, in a sentence (the steps are in
    #: ``remediation``).
    recommendation: str = ""


# -- Periods -------------------------------------------------------------------------------


@model(frozen=True)
class Quarter(Model):
    """A calendar quarter; ``str()`` gives ``2026-Q3``."""

    #: Calendar year.
    year: int
    #: 1 to 4.
    quarter: int

    @classmethod
    def containing(cls, date: _dt.date) -> Quarter:
        """The quarter a date falls in."""
        year, quarter = _soc2.quarter_containing(dump_date(date))
        return cls(year=year, quarter=quarter)

    def next(self) -> Quarter:
        """The quarter after this one."""
        (year, quarter) = _soc2.quarter_info(self)[2]
        return Quarter(year=year, quarter=quarter)

    def first_day(self) -> _dt.date:
        """Its first day."""
        return load_date(_soc2.quarter_info(self)[0])

    def last_day(self) -> _dt.date:
        """Its last day."""
        return load_date(_soc2.quarter_info(self)[1])

    def __str__(self) -> str:
        return _soc2.display("Quarter", self)


class AuditPeriod(Model):
    """What an audit covers: one date (a Type I report) or an inclusive window of dates (a
    Type II report). Immutable and hashable.

    Build it with ``AuditPeriod(start=..., end=...)`` (Type II) or ``AuditPeriod(date=...)``
    (Type I), or with :meth:`type1`, :meth:`type2` or :meth:`parse`. soc2-core checks it at
    once: a window that ends before it starts raises :class:`~soc2.ValidationError`.
    """

    def __init__(
        self,
        *,
        start: Optional[_dt.date] = None,
        end: Optional[_dt.date] = None,
        date: Optional[_dt.date] = None,
    ) -> None:
        if date is not None and start is None and end is None:
            document: Dict[str, Any] = {"type1": {"date": _date_arg(date, "date")}}
        elif date is None and start is not None and end is not None:
            document = {
                "type2": {"start": _date_arg(start, "start"), "end": _date_arg(end, "end")}
            }
        else:
            raise TypeError("AuditPeriod() takes either date= (Type I) or start= and end= (Type II)")
        self._set(json.loads(_soc2.canonical_json("AuditPeriod", json.dumps(document))))

    def _set(self, document: Dict[str, Any]) -> None:
        ((kind, body),) = document.items()
        d = self.__dict__
        d["_type1"] = kind == "type1"
        if kind == "type1":
            d["start"] = d["end"] = load_date(body["date"])
        else:
            d["start"], d["end"] = load_date(body["start"]), load_date(body["end"])

    @classmethod
    def type1(cls, date: _dt.date) -> AuditPeriod:
        """A Type I point in time."""
        return cls(date=date)

    @classmethod
    def type2(cls, start: _dt.date, end: _dt.date) -> AuditPeriod:
        """A Type II window, inclusive at both ends."""
        return cls(start=start, end=end)

    @classmethod
    def parse(cls, text: str) -> AuditPeriod:
        """Parses ``YYYY-MM-DD..YYYY-MM-DD`` (Type II) or ``YYYY-MM-DD`` (Type I)."""
        return cls._load(json.loads(_soc2.parse_period(text)))

    @property
    def start(self) -> _dt.date:
        """First day covered."""
        start: _dt.date = self.__dict__["start"]
        return start

    @property
    def end(self) -> _dt.date:
        """Last day covered (inclusive)."""
        end: _dt.date = self.__dict__["end"]
        return end

    @property
    def is_type1(self) -> bool:
        """Whether this is a Type I point in time (then ``start == end``)."""
        return bool(self.__dict__["_type1"])

    @property
    def date(self) -> Optional[_dt.date]:
        """The date of a Type I period; None for a Type II window."""
        return self.start if self.is_type1 else None

    def contains_date(self, date: _dt.date) -> bool:
        """Whether ``date`` lies inside the period (inclusive at both ends)."""
        return self.start <= date <= self.end

    def contains(self, instant: _dt.datetime) -> bool:
        """Whether an instant falls on a day inside the period (UTC days)."""
        return self.contains_date(to_utc(instant, "instant").date())

    def quarters(self) -> List[Quarter]:
        """The calendar quarters the period touches, in order."""
        return [Quarter(year=y, quarter=q) for y, q in _soc2.period_quarters(self)]

    if not TYPE_CHECKING:  # hidden from type checkers, which then flag assignments

        def __setattr__(self, name: str, value: Any) -> None:
            raise AttributeError("AuditPeriod is immutable")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return self.__dict__ == other.__dict__

    def __hash__(self) -> int:
        return hash((self.is_type1, self.start, self.end))

    def __repr__(self) -> str:
        if self.is_type1:
            return f"AuditPeriod(date={self.start!r})"
        return f"AuditPeriod(start={self.start!r}, end={self.end!r})"

    def __str__(self) -> str:
        return _soc2.display("AuditPeriod", self)

    def _dump(self) -> Dict[str, Any]:
        """The JSON form, which the native module reads for this hand-written class."""
        if self.is_type1:
            return {"type1": {"date": dump_date(self.start)}}
        return {"type2": {"start": dump_date(self.start), "end": dump_date(self.end)}}

    @classmethod
    def _load(cls, data: Dict[str, Any]) -> AuditPeriod:
        obj = cls.__new__(cls)
        obj._set(data)
        return obj


def _date_arg(value: Any, name: str) -> str:
    from ._model import _check_date

    return dump_date(_check_date(value, f"AuditPeriod.{name}"))


# -- Findings ------------------------------------------------------------------------------


@model
class AffectedItem(Model):
    """One item that failed a control test."""

    #: What it is.
    kind: ItemKind
    #: Its id (e-mail, account, device id, ``owner/repo#123``, vendor name, ``2026-Q3``...).
    id: str
    #: What is wrong with it.
    reason: str
    #: Locker sequence numbers of the evidence records that show it.
    records: List[int] = field(default_factory=list)


@model
class FindingResponse(Model):
    """A management response shown with a finding: the latest one recorded for the finding
    as a whole or for one of its affected items."""

    #: The affected item answered (its id); None: the finding as a whole.
    item: Optional[str] = None
    #: Where the fix stands.
    status: FindingStatus
    #: The response, in management's words.
    response: str
    #: Who answers for the fix.
    owner: str
    #: When the fix is to be done.
    target_date: Optional[_dt.date] = None
    #: When management gave it (the record's ``observed_at`` day).
    given_on: _dt.date
    #: The locker record holding it.
    record: int


@model
class FindingWriteUp(Model):
    """A finding in the words of an audit workpaper: the elements of a finding."""

    #: What was found: how many of the items tested deviated, and how.
    condition: str
    #: What should have been: the Trust Services Criteria and the control as described.
    criteria: str
    #: Why it happened: management's response when it gives one, and the control's typical
    #: cause from the catalog.
    cause: str
    #: What it exposes the company or its customers to.
    effect: str
    #: What to do about it.
    recommendation: str


@model
class AuditFinding(Model):
    """An audit exception: a control that did not operate as described over the period.

    (Auditors say "exception"; the class is named so that nobody mistakes it for a Python
    exception class.)
    """

    #: The control that failed.
    control: str
    #: The criteria the control addresses.
    criteria: List[str]
    #: The audit period.
    period: AuditPeriod
    #: How serious.
    severity: Severity
    #: What failed, in a sentence.
    summary: str
    #: How many items were tested.
    population: int
    #: How many of them failed.
    deviations: int
    #: The items that failed.
    affected: List[AffectedItem]
    #: Where it stands: the status of management's response to the finding as a whole,
    #: "open" without one.
    status: FindingStatus
    #: Management's response to the finding as a whole, if given.
    management_response: Optional[str] = None
    #: When remediation is due: the target date of management's response to the finding as
    #: a whole, else the report date plus the control's time to fix.
    remediation_due: Optional[_dt.date] = None
    #: Every management response that applies: to the finding as a whole first, then to
    #: affected items in the order they are listed; the latest for each.
    responses: List[FindingResponse] = field(default_factory=list)
    #: The finding written as auditors write it: condition, criteria, cause, effect and
    #: recommendation (None in findings written before it existed).
    write_up: Optional[FindingWriteUp] = None
