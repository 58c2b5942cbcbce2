"""Native part of the ``soc2`` package (PyO3 over soc2-core); import ``soc2`` instead."""

from typing import List, Tuple, final


__all__ = [
    "Criterion",
    "__version__",
    "canonical_json",
    "canonical_sha256",
    "display",
    "evidence_kinds",
    "parse_period",
    "period_quarters",
    "quarter_containing",
    "quarter_info",
    "sha256_hex",
]

__version__: str

def canonical_json(type_name: str, text: str, pretty: bool = False) -> str:
    """Parses ``text`` as the model type ``type_name`` with every rule of the model and
    returns its canonical (RFC 8785) or pretty form."""

def canonical_sha256(type_name: str, text: str) -> str:
    """SHA-256 (hex) of the canonical form of ``text`` parsed as ``type_name``."""

def display(type_name: str, text: str) -> str:
    """The text form (Rust ``Display``) of a model value given as JSON."""

def parse_period(text: str) -> str:
    """Parses ``YYYY-MM-DD..YYYY-MM-DD`` or ``YYYY-MM-DD``; returns the period's JSON."""

def period_quarters(period: str) -> List[Tuple[int, int]]:
    """The ``(year, quarter)`` pairs a period (JSON) touches."""

def quarter_containing(date: str) -> Tuple[int, int]:
    """The ``(year, quarter)`` a ``YYYY-MM-DD`` date falls in."""

def quarter_info(quarter: str) -> Tuple[str, str, Tuple[int, int]]:
    """First day, last day and the next quarter of a quarter (JSON)."""

def evidence_kinds() -> List[str]:
    """Every evidence kind, in the model's order."""

def sha256_hex(data: bytes) -> str:
    """SHA-256 of ``data`` as lower-case hex."""

@final
class Criterion:
    """One AICPA 2017 Trust Services Criterion, such as ``CC6.1``.

    ``Criterion(text)`` and :meth:`parse` also accept other tools' spellings (Prowler's
    ``cc_6_1`` / ``cc_a_1_1``, Steampipe's ``6.1`` / ``a1.2``); documents hold :attr:`id`.
    """

    def __new__(cls, text: str) -> Criterion: ...
    @staticmethod
    def parse(text: str) -> Criterion:
        """Resolves a criterion from its canonical id or another tool's spelling."""
    @staticmethod
    def all() -> List[Criterion]:
        """Every criterion, in AICPA order."""
    @property
    def id(self) -> str:
        """The canonical id, e.g. ``CC6.1``."""
    @property
    def category(self) -> str:
        """The category: ``security``, ``availability``, ``processing_integrity``,
        ``confidentiality`` or ``privacy``."""
    @property
    def prefix(self) -> str:
        """The category's id prefix (``CC``, ``A``, ``PI``, ``C``, ``P``)."""
    @property
    def title(self) -> str:
        """A short title."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __lt__(self, other: Criterion, /) -> bool: ...
    def __le__(self, other: Criterion, /) -> bool: ...
    def __gt__(self, other: Criterion, /) -> bool: ...
    def __ge__(self, other: Criterion, /) -> bool: ...
    def __hash__(self) -> int: ...
