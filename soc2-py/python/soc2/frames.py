"""Reports and locker records as data frames: Arrow, pandas and polars.

None of these libraries is a dependency of soc2: each is imported when asked for, and a
missing one raises ``ImportError`` saying which extra to install
(``pip install "soc2[arrow]"``, ``"soc2[pandas]"`` or ``"soc2[polars]"``).

The tables are plain columns, one row per control (:meth:`Report.to_arrow` and its
siblings) or per record (:meth:`Locker.to_arrow` and its siblings): timestamps are UTC
``datetime`` values, dates ``date`` values, lists stay lists.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any, Dict, Iterable, List

if TYPE_CHECKING:
    from .locker import Record
    from .report import Report

__all__ = ["records_columns", "report_columns", "to_arrow", "to_pandas", "to_polars"]

# The module each kind of frame needs, and the extra that installs it.
_EXTRAS = {"pyarrow": "arrow", "pandas": "pandas", "polars": "polars"}


def _require(module: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError as e:
        extra = _EXTRAS[module]
        raise ImportError(
            f"this needs {module}, which soc2 does not install by itself: "
            f'pip install "soc2[{extra}]"'
        ) from e


def report_columns(report: Report) -> Dict[str, List[Any]]:
    """One row per control of ``report``, in catalog order, as columns."""
    ranks = {e.finding.control: e.rank for e in report.exceptions}
    rows = report.controls
    return {
        "control": [c.control for c in rows],
        "title": [c.title for c in rows],
        "area": [c.area for c in rows],
        "criteria": [list(c.criteria) for c in rows],
        "test": [c.test for c in rows],
        "status": [c.status for c in rows],
        "exception_rank": [ranks.get(c.control) for c in rows],
        "checks_met": [c.coverage.met for c in rows],
        "checks_required": [c.coverage.required for c in rows],
        "checks_not_yet_due": [c.coverage.not_yet_due for c in rows],
        "population": [c.population for c in rows],
        "deviations": [c.deviations for c in rows],
        "next_due": [c.next_due for c in rows],
        "records": [list(c.records) for c in rows],
    }


def records_columns(records: Iterable[Record]) -> Dict[str, List[Any]]:
    """One row per record, in the order given, as columns (the payload as its JSON)."""
    columns: Dict[str, List[Any]] = {
        name: []
        for name in (
            "seq",
            "recorded_at",
            "observed_at",
            "collected_at",
            "kind",
            "controls",
            "source",
            "attachments",
            "payload",
        )
    }
    for r in records:
        e = r.evidence
        columns["seq"].append(r.seq)
        columns["recorded_at"].append(r.recorded_at)
        columns["observed_at"].append(e.observed_at)
        columns["collected_at"].append(e.collected_at)
        columns["kind"].append(e.kind)
        columns["controls"].append(list(e.controls))
        columns["source"].append(e.source)
        columns["attachments"].append([a.sha256 for a in e.attachments])
        columns["payload"].append(e.payload.to_json())
    return columns


def to_arrow(columns: Dict[str, List[Any]]) -> Any:
    """A ``pyarrow.Table`` of the columns."""
    return _require("pyarrow").table(columns)


def to_pandas(columns: Dict[str, List[Any]]) -> Any:
    """A ``pandas.DataFrame`` of the columns."""
    return _require("pandas").DataFrame(columns)


def to_polars(columns: Dict[str, List[Any]]) -> Any:
    """A ``polars.DataFrame`` of the columns."""
    return _require("polars").DataFrame(columns)
