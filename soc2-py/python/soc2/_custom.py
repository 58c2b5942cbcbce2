"""The hand-written parts of the model classes: what the schemas do not describe.

The model classes are generated from soc2-core's JSON Schemas into ``_generated.py`` (by
``soc2-py/tools/gen_models.py``); this module holds what they need beyond their fields:

- :class:`AuditPeriod`, whose JSON form (``{"type1": ...}`` or ``{"type2": ...}``) is not
  the shape of its Python class, and :class:`Quarter`, which no schema has;
- :class:`PayloadModel`, the base class of the evidence payload classes;
- the methods that generated classes take as mixins (the generator's ``MIXINS`` table):
  of :class:`~soc2.Evidence`, :class:`~soc2.TimeToFix`, :class:`~soc2.Report` (its
  renderings), :class:`~soc2.RequestList` and :class:`~soc2.InclusionProof`;
- :data:`ReportFormat`, which :meth:`Report.render` takes (no schema has it: it is an
  argument, not part of the model).

Users import them from :mod:`soc2.models` (and :data:`ReportFormat` from
:mod:`soc2.report`).

Annotations here are evaluated when a class is made (no ``from __future__ import
annotations``): ``@model`` reads the fields' types with ``typing.get_type_hints``, which
would otherwise evaluate them in ``soc2.models``, a module still being imported then.
"""

import datetime as _dt
import json
from typing import (
    TYPE_CHECKING,
    Any,
    ClassVar,
    Dict,
    List,
    Literal,
    Optional,
    Type,
    Union,
    cast,
)

from . import _soc2
from ._model import Model, _check_date, dump_date, load_date, model, to_utc
from ._soc2 import Checkpoint

if TYPE_CHECKING:
    from ._generated import EvidenceKind, InclusionProof, Payload, RankedException, Report
    from .locker import Locker
else:
    # The generated alias, built here from soc2-core's list of kinds (the same value:
    # ``Union`` compares its arguments), since ``_generated`` imports this module.
    EvidenceKind = Union[tuple(Literal[k] for k in _soc2.evidence_kinds())]


class PayloadModel(Model):
    """Base class of the evidence payload classes; ``kind`` is the payload's kind."""

    #: The payload's kind, e.g. ``access_review`` (each generated payload class sets it).
    kind: ClassVar[EvidenceKind]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._tag = cls.kind


class EvidenceMethods:
    """The methods of :class:`~soc2.Evidence`."""

    __slots__ = ()

    if TYPE_CHECKING:
        payload: Payload  # a field of Evidence

    @property
    def kind(self) -> "EvidenceKind":
        """The payload's kind."""
        return self.payload.kind


class TimeToFixMethods:
    """The methods of :class:`~soc2.TimeToFix`."""

    __slots__ = ()

    def __str__(self) -> str:
        return _soc2.display("TimeToFix", self)


#: A rendering of the report.
ReportFormat = Union[
    Literal["text"],
    Literal["json"],
    Literal["markdown"],
    Literal["md"],
    Literal["html"],
]


class ReportMethods:
    """The methods of :class:`~soc2.Report`: its renderings, by soc2-core."""

    __slots__ = ()

    if TYPE_CHECKING:
        exceptions: List[RankedException]  # a field of Report

    @property
    def has_exceptions(self) -> bool:
        """Whether any control is in exception (or has no evidence). A property, like
        ``FsckReport.is_sound``: ``if report.has_exceptions:``, without parentheses."""
        return bool(self.exceptions)

    # frames imports soc2.report, which imports this module: imported when called.
    def to_arrow(self) -> Any:
        """One row per control as a ``pyarrow.Table`` (columns in :mod:`soc2.frames`).
        Needs ``pip install "soc2[arrow]"``."""
        from . import frames

        return frames.to_arrow(frames.report_columns(cast("Report", self)))

    def to_pandas(self) -> Any:
        """One row per control as a ``pandas.DataFrame``. Needs
        ``pip install "soc2[pandas]"``."""
        from . import frames

        return frames.to_pandas(frames.report_columns(cast("Report", self)))

    def to_polars(self) -> Any:
        """One row per control as a ``polars.DataFrame``. Needs
        ``pip install "soc2[polars]"``."""
        from . import frames

        return frames.to_polars(frames.report_columns(cast("Report", self)))

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


class RequestListMethods:
    """The methods of :class:`~soc2.RequestList`: its renderings, by soc2-core."""

    __slots__ = ()

    def to_markdown(self) -> str:
        """The list as a Markdown table with a summary line."""
        return bytes(_soc2.render_request_list(self, "markdown")).decode("utf-8")

    def to_csv(self) -> bytes:
        """The list as RFC 4180 CSV (UTF-8, CRLF, formulas neutralised)."""
        return bytes(_soc2.render_request_list(self, "csv"))


class InclusionProofMethods:
    """The methods of :class:`~soc2.InclusionProof`: making and checking one, by soc2-core."""

    __slots__ = ()

    if TYPE_CHECKING:
        # Fields of InclusionProof.
        origin: str
        tree_size: int
        root: str

    @classmethod
    def from_locker(cls, locker: "Locker", seq: int) -> "InclusionProof":
        """Proves that record ``seq`` is in the locker's current checkpoint."""
        text = _soc2.inclusion_proof_from_locker(locker._native, seq)
        # cls is InclusionProof (or a subclass of it), whose Model base loads the JSON.
        return cast("Type[InclusionProof]", cls)._load(json.loads(text))

    def checkpoint(self) -> Checkpoint:
        """The checkpoint the proof is for."""
        return Checkpoint(self.origin, self.tree_size, self.root)

    def verify(self, record_line: Union[bytes, str], trusted: Checkpoint) -> None:
        """Checks that ``record_line`` (the record's line, without its newline) is the
        record this proof is for, and that it is in ``trusted``, a checkpoint the caller
        trusts. Raises :class:`~soc2.IntegrityError` naming the record if not."""
        line = record_line.encode() if isinstance(record_line, str) else record_line
        _soc2.verify_inclusion_proof(cast("InclusionProof", self).to_json(), line, trusted)


@model(frozen=True)
class Quarter(Model):
    """A calendar quarter; ``str()`` gives ``2026-Q3``."""

    #: Calendar year.
    year: int
    #: 1 to 4.
    quarter: int

    @classmethod
    def containing(cls, date: _dt.date) -> "Quarter":
        """The quarter a date falls in."""
        year, quarter = _soc2.quarter_containing(dump_date(date))
        return cls(year=year, quarter=quarter)

    def next(self) -> "Quarter":
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
    def type1(cls, date: _dt.date) -> "AuditPeriod":
        """A Type I point in time."""
        return cls(date=date)

    @classmethod
    def type2(cls, start: _dt.date, end: _dt.date) -> "AuditPeriod":
        """A Type II window, inclusive at both ends."""
        return cls(start=start, end=end)

    @classmethod
    def parse(cls, text: str) -> "AuditPeriod":
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
    def _load(cls, data: Dict[str, Any]) -> "AuditPeriod":
        obj = cls.__new__(cls)
        obj._set(data)
        return obj


def _date_arg(value: Any, name: str) -> str:
    return dump_date(_check_date(value, f"AuditPeriod.{name}"))
