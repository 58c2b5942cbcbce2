"""What auditors work from: the testing workpapers, reproducible samples and the evidence
request list (``soc2_core::report::workpapers``, ``soc2_core::evaluate::sample``,
``soc2_core::report::requests``; the rules are in ``docs/evaluation.md``).

Each function evaluates ``evidence`` like :func:`soc2.evaluate` (a :class:`~soc2.Locker`
or records / ``(seq, Evidence)`` pairs), keeping every control's whole population.

The classes and enumerations are generated from ``schemas/sample.schema.json`` and
``schemas/request-list.schema.json`` (into ``soc2/_generated.py``, see
``docs/python-models.md``); the renderings of :class:`RequestList` are hand-written, in
``soc2/_custom.py``.
"""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Dict, Optional, Tuple

from . import _soc2
from ._evaluate import EvidenceSource, _check_catalog_and_period, _items
from ._generated import (
    EvidenceRequest,
    ItemResult,
    PopulationItem,
    RequestList,
    RequestStatus,
    Sample,
    SampledItem,
)
from ._model import _check_date, dump_date
from .catalog import Catalog
from .locker import Locker
from .models import AuditPeriod

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
