"""Evaluation: the catalog's controls tested against the evidence, for an audit period, as
of a date (``soc2_core::evaluate``)."""

from __future__ import annotations

import datetime as _dt
import json
from typing import Any, Iterable, List, Optional, Tuple, Union

from . import _soc2
from ._model import _check_date, dump_date, dump_datetime, to_utc
from .catalog import Catalog
from .errors import ValidationError
from .locker import Locker, Record
from .models import AuditPeriod, Evidence
from .report import Report

__all__ = ["EvidenceSource", "evaluate"]


#: What :func:`evaluate` reads the evidence from.
EvidenceSource = Union[
    Locker,
    Iterable[Record],
    Iterable[Tuple[int, Evidence]],
    Iterable[Tuple[int, Evidence, _dt.datetime]],
    Iterable[Tuple[int, Evidence, Optional[_dt.datetime], Optional[_dt.datetime]]],
]


def _items(
    evidence: Iterable[Any],
) -> List[Tuple[Any, Evidence, Optional[str], Optional[str]]]:
    """The evidence as the ``(seq, evidence, recorded_at, proven_by)`` tuples soc2-core
    reads."""
    items: List[Tuple[Any, Evidence, Optional[str], Optional[str]]] = []
    for i, item in enumerate(evidence):
        if isinstance(item, Record):
            items.append((item.seq, item.evidence, dump_datetime(item.recorded_at), None))
            continue
        try:
            seq, ev, *rest = item
        except (TypeError, ValueError):
            rest = [None, None, None]
        if len(rest) > 2:
            raise ValidationError(
                f"evidence[{i}]: expected a (seq, Evidence) pair, a (seq, Evidence, "
                f"recorded_at) triple or a (seq, Evidence, recorded_at, proven_by) tuple, "
                f"got {type(item).__name__}",
                path=f"[{i}]",
                reason="expected a (seq, Evidence) pair",
            )
        if not isinstance(ev, Evidence):
            raise ValidationError(
                f"evidence[{i}]: expected Evidence, got {type(ev).__name__}",
                path=f"[{i}][1]",
                reason="expected Evidence",
            )
        recorded = (
            dump_datetime(to_utc(rest[0], f"[{i}][2]")) if rest and rest[0] is not None else None
        )
        proven = (
            dump_datetime(to_utc(rest[1], f"[{i}][3]"))
            if len(rest) > 1 and rest[1] is not None
            else None
        )
        items.append((seq, ev, recorded, proven))
    return items


def evaluate(
    catalog: Catalog,
    evidence: EvidenceSource,
    period: AuditPeriod,
    as_of: _dt.date,
) -> Report:
    """Evaluates every control of ``catalog`` over ``period``, as of ``as_of``.

    ``evidence`` is a :class:`~soc2.Locker` (all its records, read by soc2-core), locker
    :class:`~soc2.Record` objects, ``(seq, Evidence)`` pairs such as
    ``enumerate(evidence_list)``, ``(seq, Evidence, recorded_at)`` triples, or
    ``(seq, Evidence, recorded_at, proven_by)`` tuples (``proven_by``: the time an RFC 3161
    timestamp proves the record existed by; a locker's own tokens are read when the locker
    is given): each record's sequence number is how findings name it. Evidence counts by the dates of the events in
    it (``observed_at`` where it has none); records observed after ``as_of`` do not count,
    and what falls due later is "not yet due". Where the time of recording is known (a
    locker's records, or triples), evidence recorded more than the catalog's
    ``max_recording_delay_days`` after it was observed is late and, unless importer
    provenance dates it, proves nothing for the period it claims (``docs/evaluation.md``).
    The same inputs always give the same report.

    soc2-core does the work without holding the interpreter, so other Python threads run
    meanwhile. Raises :class:`~soc2.ValidationError` if a piece of evidence breaks a rule
    of the model (the path starts with its position, e.g. ``[3][1].source``).
    """
    _check_catalog_and_period(catalog, period)
    as_of_text = dump_date(_check_date(as_of, "as_of"))
    if isinstance(evidence, Locker):
        text = _soc2.evaluate_locker(catalog._native, evidence._native, period, as_of_text)
    else:
        text = _soc2.evaluate(catalog._native, _items(evidence), period, as_of_text)
    return Report._load(json.loads(text))


def _check_catalog_and_period(catalog: object, period: object) -> None:
    """Raises :class:`~soc2.ValidationError` unless ``catalog`` is a :class:`Catalog` and
    ``period`` an :class:`AuditPeriod` (the native layer would say less)."""
    if not isinstance(catalog, Catalog):
        raise ValidationError(
            f"catalog: expected Catalog, got {type(catalog).__name__}",
            path="catalog",
            reason="expected Catalog",
        )
    if not isinstance(period, AuditPeriod):
        raise ValidationError(
            f"period: expected AuditPeriod, got {type(period).__name__}",
            path="period",
            reason="expected AuditPeriod",
        )
