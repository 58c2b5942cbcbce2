"""Native part of the ``soc2`` package (PyO3 over soc2-core); import ``soc2`` instead."""

from typing import List, Tuple, final


__all__ = [
    "Catalog",
    "Criterion",
    "__version__",
    "canonical_json",
    "canonical_sha256",
    "display",
    "evaluate",
    "evidence_kinds",
    "parse_period",
    "period_quarters",
    "quarter_containing",
    "quarter_info",
    "render_report",
    "sample_company",
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

@final
class Catalog:
    """A resolved control catalog (soc2-core's ``Catalog``); use ``soc2.Catalog``."""

    @staticmethod
    def builtin() -> Catalog:
        """The built-in catalog."""
    @staticmethod
    def load(path: str) -> Catalog:
        """A complete catalog from a TOML or JSON file."""
    def extend_path(self, path: str) -> Catalog:
        """This catalog with a company file applied."""
    def extend_json(self, text: str, source_name: str) -> Catalog:
        """This catalog with a company file given as JSON text applied."""
    def extend_toml(self, text: str, source_name: str) -> Catalog:
        """This catalog with a company file given as TOML text applied."""
    def override_thresholds(self, thresholds_json: str) -> Catalog:
        """This catalog with catalog-wide thresholds (JSON) changed."""
    def retain_ids(self, ids: List[str]) -> Catalog:
        """Only the controls whose ids are listed."""
    def to_json(self) -> str:
        """The catalog as canonical JSON."""
    def __len__(self) -> int: ...

def evaluate(catalog: Catalog, evidence_json: str, period_json: str, as_of: str) -> str:
    """Evaluates the catalog over a period as of a date; evidence is a JSON array of
    ``[seq, evidence]`` pairs; returns the report's canonical JSON."""

def render_report(report_json: str, format: str) -> str:
    """Renders a report (JSON) as ``text``, ``json``, ``markdown``/``md`` or ``html``."""

def sample_company(year: int) -> str:
    """The sample company's evidence for ``year`` as a JSON array."""
