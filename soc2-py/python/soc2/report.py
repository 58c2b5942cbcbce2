"""The readiness report: what :func:`soc2.evaluate` returns (``soc2_core::report``).

Status and coverage per control, the exceptions ranked with their remediation, the
opinion risk and its rule, and what is due and overdue. The report is a model like the
others (``to_json`` / ``from_json``, ``to_dict`` / ``from_dict``); soc2-core renders it as
JSON, Markdown, a self-contained HTML page or terminal text.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import field
from typing import TYPE_CHECKING, Any, List, Literal, Optional, Union

from . import _soc2

if TYPE_CHECKING:
    from .locker import Locker
from ._model import Model, model
from .catalog import ControlTest
from .models import (
    AuditFinding,
    AuditPeriod,
    ControlArea,
    EvidenceKind,
    ItemKind,
    PriorityClass,
    TimeToFix,
)

__all__ = [
    "CellStatus",
    "ControlResult",
    "ControlStatus",
    "Coverage",
    "DueItem",
    "GridCell",
    "LateRecord",
    "RecordingTime",
    "TimeProof",
    "Monitoring",
    "NextDue",
    "Opinion",
    "OpinionRisk",
    "RankedException",
    "Report",
    "ReportFormat",
    "Summary",
]

#: Where a control stands.
ControlStatus = Union[
    Literal["operating"],
    Literal["exception"],
    Literal["no_evidence"],
    Literal["not_yet_due"],
    Literal["not_applicable"],
]
#: A cell of the controls × quarters grid.
CellStatus = Union[
    Literal["operating"],
    Literal["exception"],
    Literal["not_yet_due"],
    Literal["not_required"],
]
#: The estimated effect of the exceptions on the opinion.
OpinionRisk = Union[
    Literal["clean"],
    Literal["low"],
    Literal["elevated"],
    Literal["at_risk"],
]
#: Whether a control's deviations are pervasive (a qualification risk on its own) or
#: isolated (a minor exception, counted by the count rule).
DeviationNature = Union[
    Literal["pervasive"],
    Literal["isolated"],
]
#: What kind of difference from the built-in catalog.
DifferenceKind = Union[
    Literal["control_disabled"],
    Literal["control_replaced"],
    Literal["control_added"],
    Literal["threshold_changed"],
    Literal["scope_changed"],
]
#: Which way a threshold moved from the built-in value.
ThresholdDirection = Union[
    Literal["loosened"],
    Literal["tightened"],
]
#: A rendering of the report.
ReportFormat = Union[
    Literal["text"],
    Literal["json"],
    Literal["markdown"],
    Literal["md"],
    Literal["html"],
]


@model
class Summary(Model):
    """Counts of controls by status."""

    #: Controls evaluated.
    controls: int
    #: Operating without exception.
    operating: int
    #: In exception, with evidence.
    exception: int
    #: In exception for lack of any evidence.
    no_evidence: int
    #: Nothing due yet.
    not_yet_due: int
    #: Nothing to test (e.g. nobody left during the period).
    not_applicable: int
    #: Deviating items across all controls.
    deviations: int


@model
class OpinionBasis(Model):
    """The figures the opinion used for one control in exception."""

    #: The control.
    control: str
    #: Distinct items that deviated.
    deviations: int
    #: Distinct items tested.
    population: int
    #: Deviations / population, in tenths of a percent, rounded half up (1000 = 100 %).
    rate_permille: int
    #: The control's tolerable deviation rate, in percent.
    tolerable_percent: int
    #: Pervasive or isolated.
    nature: DeviationNature
    #: Why, in words.
    reason: str


@model
class Opinion(Model):
    """The estimated effect of the exceptions on the opinion, the figures it used and the
    rule it follows."""

    #: The estimated risk.
    risk: OpinionRisk
    #: Controls in exception.
    exceptions: int
    #: Of which fail pervasively (each a qualification risk on its own).
    pervasive: int
    #: Of which are minor exceptions (isolated deviations), counted by the count rule.
    minor: int
    #: The figures per control in exception, in the order of the ranked exceptions.
    basis: List[OpinionBasis]
    #: The rule, in words.
    rule: str


@model
class CatalogDifference(Model):
    """One difference of the effective catalog from the built-in one."""

    #: What kind.
    kind: DifferenceKind
    #: The difference in words, as the reports print it.
    description: str
    #: The control concerned; absent for catalog-wide thresholds and scope settings.
    control: Optional[str] = None
    #: The threshold or scope setting concerned (e.g. ``max_screen_lock_minutes``).
    setting: Optional[str] = None
    #: The built-in value, for thresholds and scope settings.
    builtin: Optional[str] = None
    #: The effective value, for thresholds and scope settings.
    effective: Optional[str] = None
    #: For thresholds: loosened or tightened.
    direction: Optional[ThresholdDirection] = None


@model
class CatalogDisclosure(Model):
    """The catalog a report was evaluated against."""

    #: SHA-256 of the effective catalog's canonical JSON (RFC 8785) bytes, hex.
    sha256: str
    #: SHA-256 of the built-in catalog's canonical JSON bytes, hex.
    builtin_sha256: str
    #: Every difference from the built-in catalog.
    differences: List[CatalogDifference]


@model
class Coverage(Model):
    """How much of what was required is shown, in checks."""

    #: Checks passed.
    met: int
    #: Checks due (passed or failed).
    required: int
    #: Checks not yet due.
    not_yet_due: int


@model
class GridCell(Model):
    """One cell of the controls × quarters grid."""

    #: The cell's state.
    status: CellStatus
    #: Checks passed in the quarter.
    met: int
    #: Checks due in the quarter.
    required: int


@model
class ControlResult(Model):
    """The evaluation of one control."""

    #: The control's id.
    control: str
    #: Its title.
    title: str
    #: Its area.
    area: ControlArea
    #: The criteria it addresses.
    criteria: List[str]
    #: The test run.
    test: ControlTest
    #: Where it stands.
    status: ControlStatus
    #: Checks met of checks due.
    coverage: Coverage
    #: Distinct items tested (people, devices, changes, system-quarters, ...).
    population: int
    #: Distinct items that deviated.
    deviations: int
    #: The earliest due date of a check not yet due.
    next_due: Optional[_dt.date] = None
    #: One cell per column of :attr:`Report.columns`.
    grid: List[GridCell]
    #: Evidence records this control's checks used.
    records: List[int]
    #: Who answers for the control.
    owner: str = ""
    #: How the control was tested, in words.
    procedure: str = ""
    #: The day the first evidence of the control's kinds was recorded in the locker.
    first_recorded: Optional[_dt.date] = None
    #: When every record the control relies on is covered by an RFC 3161 timestamp: the
    #: latest of their proven-by times (absent when any rests on the company's clock).
    proven_by: Optional[_dt.datetime] = None


@model
class LateRecord(Model):
    """A record recorded in the locker long after it was observed."""

    #: The record.
    seq: int
    #: Its evidence kind.
    kind: EvidenceKind
    #: When it says the fact was seen.
    observed_at: _dt.datetime
    #: When the locker recorded it.
    recorded_at: _dt.datetime
    #: Whether it still counts (its dates come from a system of record).
    counted: bool


@model
class TimeProof(Model):
    """An RFC 3161 timestamp over a signed checkpoint."""

    #: The checkpoint's tree size: records ``0..checkpoint_size`` are covered.
    checkpoint_size: int
    #: The token's time (``genTime``): the covered records existed by then.
    gen_time: _dt.datetime
    #: The TSA, as its certificate names it.
    tsa: str


@model
class RecordingTime(Model):
    """What the recording times of the evidence rest on: RFC 3161 timestamps nobody at
    the company can move, or the company's own clock."""

    #: The timestamps used, by checkpoint size.
    timestamps: List[TimeProof] = field(default_factory=list)
    #: Records evaluated that have a recording time.
    records: int = 0
    #: Of those, the records a timestamp covers.
    proven: int = 0
    #: The same in one sentence, as every rendering prints it.
    statement: str = ""


@model
class RankedException(Model):
    """An exception with what it takes to fix it."""

    #: 1 for the exception to fix first.
    rank: int
    #: When to fix it, relative to others.
    priority: PriorityClass
    #: Typical effort.
    time_to_fix: TimeToFix
    #: Steps to fix it.
    remediation: List[str]
    #: Whether it is about logical or data access (shown for readers; the opinion follows
    #: deviation rates, not areas).
    access_related: bool
    #: Whether the control had no evidence at all.
    no_evidence: bool
    #: The finding as an auditor would record it.
    finding: AuditFinding


@model
class NextDue(Model):
    """A control's next due date."""

    #: The control's id.
    control: str
    #: The earliest due date of its pending checks.
    due: _dt.date


@model
class DueItem(Model):
    """One item with a due date."""

    #: When it is or was due.
    due: _dt.date
    #: The control's id.
    control: str
    #: What kind of item.
    kind: ItemKind
    #: The item's id.
    item: str


@model
class Monitoring(Model):
    """What is due and overdue as of the report date."""

    #: Each control's next due date (controls with nothing pending are left out).
    next_due: List[NextDue]
    #: Checks that failed, with the date they were due, oldest first.
    overdue: List[DueItem]
    #: Checks not yet due, soonest first.
    upcoming: List[DueItem]


@model
class Report(Model):
    """The result of evaluating a catalog against the evidence, for a period, as of a date."""

    #: The audit period evaluated.
    period: AuditPeriod
    #: The date the evaluation speaks of.
    as_of: _dt.date
    #: Labels of the grid's columns: the period's quarters (``2026-Q1``), or the date of a
    #: Type I report.
    columns: List[str]
    #: Counts of controls by status.
    summary: Summary
    #: How the exceptions weigh on the opinion.
    opinion: Opinion
    #: One result per control, in catalog order.
    controls: List[ControlResult]
    #: The exceptions, ranked: priority class, then severity, then control id.
    exceptions: List[RankedException]
    #: What is overdue and what falls due next.
    monitoring: Monitoring
    #: Sequence numbers of every evidence record the evaluation relies on.
    relied_on: List[int]
    #: The catalog evaluated against: its SHA-256 and every difference from the built-in
    #: catalog.
    catalog: CatalogDisclosure
    #: What a reader must know about the inputs (undeclared names, case mismatches, ...).
    warnings: List[str] = field(default_factory=list)
    #: Every record recorded more than ``max_recording_delay_days`` after it was observed.
    late_records: List[LateRecord] = field(default_factory=list)
    #: What the recording times rest on: RFC 3161 timestamps, or the company's clock.
    recording_time: RecordingTime = field(default_factory=RecordingTime)

    @property
    def has_exceptions(self) -> bool:
        """Whether any control is in exception (or has no evidence). A property, like
        ``FsckReport.is_sound``: ``if report.has_exceptions:``, without parentheses."""
        return bool(self.exceptions)

    def to_arrow(self) -> Any:
        """One row per control as a ``pyarrow.Table`` (columns in :mod:`soc2.frames`).
        Needs ``pip install "soc2[arrow]"``."""
        from . import frames

        return frames.to_arrow(frames.report_columns(self))

    def to_pandas(self) -> Any:
        """One row per control as a ``pandas.DataFrame``. Needs
        ``pip install "soc2[pandas]"``."""
        from . import frames

        return frames.to_pandas(frames.report_columns(self))

    def to_polars(self) -> Any:
        """One row per control as a ``polars.DataFrame``. Needs
        ``pip install "soc2[polars]"``."""
        from . import frames

        return frames.to_polars(frames.report_columns(self))

    def render(self, format: ReportFormat) -> str:
        """The report as ``text``, ``json`` (pretty), ``markdown`` (``md``) or ``html``,
        rendered by soc2-core."""
        return _soc2.render_report(self, format)

    def to_oscal_ar(self, locker: Optional["Locker"] = None, origin: Optional[str] = None) -> str:
        """The OSCAL assessment results (JSON, OSCAL 1.2.1): a finding per control, an
        observation per affected item, a risk per exception. Give the ``locker`` the report
        was evaluated from so that the UUIDs derive from its origin and each record's leaf
        hash is given; otherwise ``origin`` names the evidence (default ``soc2``)."""
        return _soc2.render_oscal(self, "ar", None if locker is None else locker._native, origin)

    def to_oscal_poam(self, locker: Optional["Locker"] = None, origin: Optional[str] = None) -> str:
        """The OSCAL plan of action and milestones: one item per exception not closed.
        Raises :class:`~soc2.ValidationError` when no exception is open (OSCAL needs at
        least one item). ``locker`` and ``origin`` as for :meth:`to_oscal_ar`."""
        return _soc2.render_oscal(self, "poam", None if locker is None else locker._native, origin)

    def to_text(self) -> str:
        """Plain text for the terminal."""
        return self.render("text")

    def to_markdown(self) -> str:
        """Markdown."""
        return self.render("markdown")

    def to_html(self) -> str:
        """One self-contained HTML page: inline CSS, no scripts or external assets."""
        return self.render("html")
