"""Importers: the files that systems export (``gh api``, ``aws``, ``okta``, admin
consoles) become typed evidence with provenance (``soc2_core::import``, the same code as
``soc2 import``).

Several files given to one import are pages of one population. Each file may be a bare
response body or a captured request and response (``docs/importers.md``)::

    result = soc2.import_files("okta-users", ["users-1.http", "users-2.http"])
    print(result.completeness, result.rows_read, result.rows_kept)
    for row in result.skipped:
        print(row.file, row.row, row.reason)

    with soc2.Locker.open("evidence") as locker:
        result = locker.add_import("okta-users", ["users-1.http", "users-2.http"])
        assert locker.check_import(result.appended[0].seq).identical

Errors are :class:`~soc2.ValidationError` (codes ``import.*``: an unknown source, a
malformed file naming file, row and field, the wrong source for a file, missing pages,
no fetch time) and :class:`~soc2.Soc2IOError` for a file that cannot be read.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
from dataclasses import dataclass, field
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from . import _soc2
from ._model import dump_datetime, to_utc
from .catalog import StrPath
from ._soc2 import Appended
from .models import (
    Attachment,
    Completeness,
    Evidence,
    EvidenceKind,
    FetchedAtSource,
    ImportInput,
    ImportWarning,
    Provenance,
    SkippedRow,
)

__all__ = [
    "ImportCheck",
    "ImportResult",
    "ImportSource",
    "import_files",
    "list_import_sources",
]


@dataclass(frozen=True)
class ImportSource:
    """An importer: the ``SOURCE`` of ``soc2 import``."""

    #: Its name, e.g. ``okta-users``.
    name: str
    #: The kind of evidence it makes.
    kind: EvidenceKind
    #: The system named in its evidence unless ``system=`` says otherwise.
    system: str
    #: What it reads, in a few words.
    input: str


@dataclass(frozen=True)
class ImportResult:
    """What an import made: the evidence (one or more documents, each with the same
    provenance) and the summary of the population read."""

    #: The importer that made it.
    source: ImportSource
    #: The evidence, in order (recorded in this order by :meth:`Locker.add_import`).
    evidence: List[Evidence]
    #: The provenance shared by all of the evidence (without its ``part``).
    provenance: Provenance
    #: The input files as attachments, in order.
    attachments: List[Attachment]
    #: The records appended, one per evidence document (empty unless recorded).
    appended: Sequence[Appended] = field(default_factory=tuple)

    @property
    def completeness(self) -> Completeness:
        """Whether the inputs hold the whole population: ``complete``, ``filtered``
        (a filter was applied) or ``unknown`` (nothing tells)."""
        return self.provenance.completeness

    @property
    def completeness_reason(self) -> Optional[str]:
        """Why the population is filtered or unknown."""
        return self.provenance.completeness_reason

    @property
    def rows_read(self) -> int:
        """Rows read from the inputs."""
        return self.provenance.rows_read

    @property
    def rows_kept(self) -> int:
        """Rows that became part of the evidence."""
        return self.provenance.rows_kept

    @property
    def skipped(self) -> List[SkippedRow]:
        """Every row read but not kept, with the reason."""
        return self.provenance.skipped

    @property
    def warnings(self) -> List[ImportWarning]:
        """Every oddity normalised on the way, counted."""
        return self.provenance.warnings

    @property
    def inputs(self) -> List[ImportInput]:
        """Every input file: hash, size, and the request when it is a capture."""
        return self.provenance.inputs

    @property
    def fetched_at(self) -> _dt.datetime:
        """When the system produced the export."""
        return self.provenance.fetched_at

    @property
    def fetched_at_source(self) -> FetchedAtSource:
        """Where :attr:`fetched_at` came from."""
        return self.provenance.fetched_at_source


@dataclass(frozen=True)
class ImportCheck:
    """The outcome of :meth:`Locker.check_import`: whether a stored record re-derives
    byte for byte from the input files stored with it. True when it does."""

    #: The record checked.
    seq: int
    #: Whether the re-derived evidence is byte for byte the stored one.
    identical: bool
    #: The importer named in the record's provenance.
    importer: str
    #: Its version, as recorded.
    importer_version: str
    #: How many stored inputs it was re-derived from.
    inputs: int
    #: The evidence as re-derived now.
    rederived: Evidence

    def __bool__(self) -> bool:
        return self.identical


def _paths(paths: Union[StrPath, Iterable[StrPath]]) -> List[str]:
    if isinstance(paths, (str, os.PathLike)):
        return [os.fspath(paths)]
    return [os.fspath(p) for p in paths]


def _fetched_at(value: Optional[_dt.datetime]) -> Optional[str]:
    return None if value is None else dump_datetime(to_utc(value, "fetched_at"))


def _source(data: Dict[str, Any]) -> ImportSource:
    return ImportSource(
        name=data["name"], kind=data["kind"], system=data["system"], input=data["input"]
    )


def _result(text: str, appended: Sequence[Appended] = ()) -> ImportResult:
    data = json.loads(text)
    return ImportResult(
        source=_source(data["source"]),
        evidence=[Evidence._load(e) for e in data["evidence"]],
        provenance=Provenance._load(data["provenance"]),
        attachments=[Attachment._load(a) for a in data["attachments"]],
        appended=appended,
    )


def _check(seq: int, native: Tuple[bool, str, str, int, str]) -> ImportCheck:
    identical, importer, version, inputs, rederived = native
    return ImportCheck(
        seq=seq,
        identical=identical,
        importer=importer,
        importer_version=version,
        inputs=inputs,
        rederived=Evidence._load(json.loads(rederived)),
    )


def import_files(
    source: str,
    paths: Union[StrPath, Iterable[StrPath]],
    *,
    system: Optional[str] = None,
    fetched_at: Optional[_dt.datetime] = None,
) -> ImportResult:
    """Runs the importer ``source`` (see :func:`list_import_sources`) over the files at
    ``paths``, pages of one population, and returns the evidence and its summary; nothing
    is recorded (``soc2 import --dry-run``).

    ``system`` names the system in the evidence instead of the source's default;
    ``fetched_at`` (an aware ``datetime``) says when the export was made, when the files
    do not (or to override them).
    """
    return _result(
        _soc2.import_files(source, _paths(paths), system, _fetched_at(fetched_at))
    )


def list_import_sources() -> List[ImportSource]:
    """Every importer, in the order ``soc2 import --list`` shows them."""
    return [
        ImportSource(name=n, kind=k, system=s, input=i)  # type: ignore[arg-type]
        for n, k, s, i in _soc2.list_import_sources()
    ]
