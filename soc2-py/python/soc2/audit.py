"""What auditors work from: the testing workpapers, reproducible samples and the evidence
request list (``soc2_core::report::workpapers``, ``soc2_core::evaluate::sample``,
``soc2_core::report::requests``; the rules are in ``docs/evaluation.md``).

Each function evaluates ``evidence`` like :func:`soc2.evaluate` (a :class:`~soc2.Locker`
or records / ``(seq, Evidence)`` pairs), keeping every control's whole population.
"""

from __future__ import annotations

import datetime as _dt
import json
from dataclasses import field
from typing import Any, Dict, List, Literal, Optional, Tuple, Union

from . import _soc2
from ._evaluate import EvidenceSource, _check_catalog_and_period, _items
from ._model import Model, _check_date, dump_date, model
from .catalog import Catalog, Frequency
from .locker import Locker
from .models import AuditPeriod, ItemKind, Severity

__all__ = [
    "EvidenceRequest",
    "ItemResult",
    "PopulationItem",
    "RequestList",
    "RequestStatus",
    "Sample",
    "SampledItem",
    "request_list",
    "sample",
    "workpapers",
]

#: The result of testing one item in one quarter.
ItemResult = Union[Literal["pass"], Literal["deviation"], Literal["not_yet_due"]]
#: Whether a piece of evidence asked for was provided.
RequestStatus = Union[
    Literal["received"], Literal["missing"], Literal["late"], Literal["not_yet_due"]
]


@model
class PopulationItem(Model):
    """One item of a control's population, tested once (for one quarter, year or event)."""

    #: What it is.
    kind: ItemKind
    #: Its id (e-mail, device, ``owner/repo#123``, vendor, ``okta 2026-Q3``, ...).
    item: str
    #: The grid column (quarter) it belongs to.
    quarter: str
    #: When it was or is due.
    due: _dt.date
    #: The result.
    result: ItemResult
    #: Why it deviates (empty when it passed or is not yet due).
    reason: str = ""
    #: The locker records that show it.
    records: List[int] = field(default_factory=list)


@model
class SampledItem(Model):
    """One selected unit of a sample."""

    #: The unit id hashed: ``QUARTER/ITEM``.
    unit: str
    #: SHA-256 (hex) of the seed followed by the unit id.
    sha256: str
    #: The population item.
    item: PopulationItem


@model
class Sample(Model):
    """A sample drawn from a control's population."""

    #: The control.
    control: str
    #: Its frequency (from the catalog, or derived from its cadence).
    frequency: Frequency
    #: Its severity.
    severity: Severity
    #: Units in the population (items tested, not counting those not yet due).
    population: int
    #: The size asked for.
    size: int
    #: Whether the size was given rather than derived.
    size_given: bool
    #: The seed.
    seed: str
    #: Where the seed comes from.
    seed_source: str
    #: The selected units, smallest digest first.
    selected: List[SampledItem] = field(default_factory=list)


@model
class EvidenceRequest(Model):
    """One piece of evidence requested."""

    #: The control.
    control: str
    #: The control's title.
    title: str
    #: The quarter it is for.
    quarter: str
    #: The evidence kinds that show it.
    evidence: List[str]
    #: When it is due.
    due: _dt.date
    #: Its status.
    status: RequestStatus
    #: The system, vendor or policy it is for; empty for the control's whole population.
    subject: str = ""
    #: The records that provide it.
    records: List[int] = field(default_factory=list)


@model
class RequestList(Model):
    """The evidence request list of an evaluation."""

    #: The audit period.
    period: AuditPeriod
    #: The evaluation's date.
    as_of: _dt.date
    #: Every request, in catalog order, then by quarter and subject.
    requests: List[EvidenceRequest] = field(default_factory=list)

    def to_markdown(self) -> str:
        """The list as a Markdown table with a summary line."""
        return bytes(_soc2.render_request_list(self, "markdown")).decode("utf-8")

    def to_csv(self) -> bytes:
        """The list as RFC 4180 CSV (UTF-8, CRLF, formulas neutralised)."""
        return bytes(_soc2.render_request_list(self, "csv"))


def _args(
    catalog: Catalog, evidence: EvidenceSource, period: AuditPeriod, as_of: _dt.date
) -> Tuple[Any, Any, AuditPeriod, str]:
    """The native arguments: the catalog, the locker or evidence items, the period and
    the date as text."""
    _check_catalog_and_period(catalog, period)
    as_of_text = dump_date(_check_date(as_of, "as_of"))
    source = evidence._native if isinstance(evidence, Locker) else _items(evidence)
    return catalog._native, source, period, as_of_text


def workpapers(
    catalog: Catalog,
    evidence: EvidenceSource,
    period: AuditPeriod,
    as_of: _dt.date,
) -> Dict[str, bytes]:
    """The testing workpapers: ``{"summary.csv": ..., "population/AC-01.csv": ..., ...}``
    (relative path to CSV bytes, in path order): per control its whole population (item,
    kind, quarter, due, result, reason, records) and a summary sheet (control, owner, test
    procedure, frequency, population, deviations, status, conclusion). RFC 4180 CSV in
    UTF-8 with a header; cells starting with ``=``, ``+``, ``-``, ``@``, tab or CR get a
    leading ``'``."""
    files = _soc2.workpapers(*_args(catalog, evidence, period, as_of))
    return {name: bytes(data) for name, data in files}


def sample(
    catalog: Catalog,
    evidence: EvidenceSource,
    period: AuditPeriod,
    as_of: _dt.date,
    control: str,
    *,
    size: Optional[int] = None,
    seed: Optional[str] = None,
) -> Sample:
    """A reproducible sample of ``control``'s population: the ``size`` units (default: by
    the control's frequency and severity) with the smallest SHA-256 of ``seed`` followed
    by the unit id ``QUARTER/ITEM``. Without ``seed``, a locker's default: the root hash
    (hex) of its newest signed checkpoint; a list of evidence needs a seed."""
    native = _soc2.sample(*_args(catalog, evidence, period, as_of), control, size, seed)
    return Sample._load(json.loads(native))


def request_list(
    catalog: Catalog,
    evidence: EvidenceSource,
    period: AuditPeriod,
    as_of: _dt.date,
) -> RequestList:
    """The evidence request list: each control, quarter and system, vendor or policy,
    with its status (``received``, ``missing``, ``late``, ``not_yet_due``) as of
    ``as_of``."""
    native = _soc2.request_list(*_args(catalog, evidence, period, as_of))
    return RequestList._load(json.loads(native))
