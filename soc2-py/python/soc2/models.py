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

Fields are documented as in soc2-core, where "absent" means ``None`` here.

Values are checked by soc2-core, not here: when serialised (:meth:`Model.to_json`,
:meth:`Model.to_dict`, adding to a locker) or parsed (:meth:`Model.from_json`), with a
:class:`~soc2.ValidationError` that names the field.

The classes and enumerations are generated from soc2-core's JSON Schemas (``schemas/``)
by ``soc2-py/tools/gen_models.py`` into ``soc2/_generated.py``; what the schemas do not
describe (:class:`AuditPeriod`, :class:`Quarter`, :class:`PayloadModel` and a few methods)
is written by hand in ``soc2/_custom.py``. This module gathers them.
"""

from typing import Dict, Tuple

from . import _soc2
from ._custom import AuditPeriod, PayloadModel, Quarter
from ._generated import (
    AccessReview,
    Account,
    AccountStatus,
    Adjudication,
    AffectedItem,
    AlertRule,
    AlertState,
    AssuranceKind,
    Attachment,
    AuditFinding,
    BackgroundCheck,
    BackgroundCheckStatus,
    BranchProtection,
    Cadence,
    ChangeKind,
    ChangeRecord,
    ChangeReview,
    Collector,
    Completeness,
    Control,
    ControlArea,
    Credential,
    CredentialKind,
    DetectedEvent,
    Detection,
    Device,
    DeviceCompliance,
    DeviceInventory,
    EmploymentType,
    EventClass,
    EventCount,
    EventOutcome,
    EventTriage,
    Evidence,
    EvidenceKind,
    FetchedAtSource,
    FindingResponse,
    FindingStatus,
    FindingWriteUp,
    ImportInput,
    ImportPart,
    ImportWarning,
    IncidentResponsePlan,
    ItemKind,
    LoggingConfiguration,
    ManagementResponse,
    Note,
    Payload,
    Person,
    PersonCollector,
    Platform,
    PolicyAcknowledgement,
    PolicyDocument,
    PriorityClass,
    Provenance,
    ReviewDecision,
    ReviewState,
    ReviewedAccount,
    Risk,
    RiskLevel,
    RiskRegister,
    RiskTreatment,
    Roster,
    SecurityEvents,
    SecurityReport,
    Severity,
    SkippedRow,
    TabletopExercise,
    TimeToFix,
    ToolCollector,
    TrainingCompletion,
    TrainingStatus,
    TriageConclusion,
    TriggerEvent,
    UserList,
    VendorAssessment,
    VendorCriticality,
    WithinDaysOf,
)
from ._model import Model

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

#: Every evidence kind, in the model's order (from soc2-core).
EVIDENCE_KINDS: Tuple[str, ...] = tuple(_soc2.evidence_kinds())

#: The payload class of each evidence kind.
PAYLOAD_CLASSES: Dict[str, type] = {c.kind: c for c in Payload.__args__}  # type: ignore[attr-defined]
