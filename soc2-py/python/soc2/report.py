"""The readiness report: what :func:`soc2.evaluate` returns (``soc2_core::report``).

Status and coverage per control, the exceptions ranked with their remediation, the
opinion risk and its rule, and what is due and overdue. The report is a model like the
others (``to_json`` / ``from_json``, ``to_dict`` / ``from_dict``); soc2-core renders it as
JSON, Markdown, a self-contained HTML page or terminal text.

The classes and enumerations are generated from ``schemas/report.schema.json`` (into
``soc2/_generated.py``, see ``docs/python-models.md``); the renderings of :class:`Report`
are hand-written, in ``soc2/_custom.py``.
"""

from ._custom import ReportFormat
from ._generated import (
    CatalogDifference,
    CatalogDisclosure,
    CellStatus,
    ControlResult,
    ControlStatus,
    Coverage,
    DeviationNature,
    DifferenceKind,
    DueItem,
    GridCell,
    LateRecord,
    Monitoring,
    NextDue,
    Opinion,
    OpinionBasis,
    OpinionRisk,
    RankedException,
    RecordingTime,
    Report,
    Summary,
    ThresholdDirection,
    TimeProof,
)

__all__ = [
    "CatalogDifference",
    "CatalogDisclosure",
    "CellStatus",
    "ControlResult",
    "ControlStatus",
    "Coverage",
    "DeviationNature",
    "DifferenceKind",
    "DueItem",
    "GridCell",
    "LateRecord",
    "Monitoring",
    "NextDue",
    "Opinion",
    "OpinionBasis",
    "OpinionRisk",
    "RankedException",
    "RecordingTime",
    "Report",
    "ReportFormat",
    "Summary",
    "ThresholdDirection",
    "TimeProof",
]
