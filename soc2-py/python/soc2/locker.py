"""The evidence locker: an append-only, tamper-evident store of evidence on a plain
directory (``soc2_core::ledger``).

Each record is one line of ``ledger.jsonl`` holding its canonical bytes and the leaf hash
of the record before it; the records are the leaves of an RFC 9162 Merkle tree, which a
:class:`Checkpoint` commits to. Attachments are stored once per content under their
SHA-256. Opening a locker verifies every record; :meth:`Locker.fsck` lists every problem.
Tampering raises :class:`~soc2.IntegrityError` naming the records or blob involved::

    with soc2.Locker.open("evidence", create=True, origin="example.com/soc2/acme") as locker:
        appended = locker.add(evidence, attachments=["okta-users.csv"])
        print(appended.seq, appended.leaf_hash)
        print(locker.checkpoint().to_text())
        last = locker[-1]            # records by position, negative ones too
        for record in locker[:10]:   # slices and iteration read from disk as they go
            print(record.seq, record.evidence.kind)

Every call that reads or writes the locker runs in soc2-core without holding the
interpreter; a ``Locker`` may be shared by threads. None of them waits for the locker
while holding the interpreter, and the locker is never held while Python code runs (a
progress hook, a file object's ``read``), so threads sharing one cannot deadlock.

:class:`Record` is generated from ``schemas/record.schema.json`` (into
``soc2/_generated.py``, see ``docs/python-models.md``).
"""

from __future__ import annotations

import collections.abc
import datetime as _dt
import json
import os
from pathlib import Path
from types import TracebackType
from typing import (
    Any,
    Callable,
    BinaryIO,
    Iterable,
    Iterator,
    List,
    NoReturn,
    Optional,
    Protocol,
    Type,
    Union,
    overload,
)

from . import _soc2
from ._generated import Record
from ._model import dump_datetime, to_utc
from ._soc2 import Appended, AppendedList, Checkpoint, FsckReport, TornTail
from .catalog import StrPath
from .errors import ValidationError
from .importers import ImportCheck, ImportResult, _check, _fetched_at, _paths, _result
from .models import Attachment, Evidence, EvidenceKind

__all__ = [
    "Appended",
    "AppendedList",
    "Checkpoint",
    "FsckReport",
    "Locker",
    "Record",
    "TornTail",
    "fsck",
    "leaf_hash",
    "media_type_for",
    "merkle_root",
    "verify_consistency",
    "verify_inclusion",
]

# The native sequence behaves as a read-only sequence; say so to isinstance().
collections.abc.Sequence.register(AppendedList)

# How many records `Locker.records()` reads from soc2-core at a time.
_CHUNK = 1024


def _records(text: str) -> List[Record]:
    return [Record._load(r) for r in json.loads(text)]


def _check_evidence(evidence: Any, what: str) -> Evidence:
    if not isinstance(evidence, Evidence):
        raise ValidationError(
            f"{what}: expected Evidence, got {type(evidence).__name__}",
            path=what,
            reason="expected Evidence",
        )
    return evidence


class SupportsRead(Protocol):
    """A binary file object, or anything with its ``read(size) -> bytes``."""

    def read(self, size: int, /) -> bytes: ...


class _Closed:
    """Stands for the native locker of a closed :class:`Locker`: any use raises."""

    def _raise(self) -> NoReturn:
        raise ValueError("operation on a closed Locker")

    def __getattr__(self, name: str) -> Any:
        self._raise()

    def __len__(self) -> int:
        self._raise()


class Locker:
    """An open evidence locker.

    Get one with :meth:`init` (a new locker) or :meth:`open` (an existing one, verified
    record by record; ``create=True`` makes it if missing). The handle sees its own
    appends; :meth:`refresh` reads what other handles or processes appended (every
    append does so first).

    A locker is a sequence of :class:`Record`: ``len(locker)``, ``locker[i]`` (negative
    ``i`` counts from the end), ``locker[a:b]`` (a list) and ``for record in locker``
    (read from disk as the iteration advances). Used in a ``with`` block, it is closed
    at the end of the block (:meth:`close`).
    """

    __slots__ = ("_native",)

    def __init__(self, native: _soc2.Locker) -> None:
        """Wraps a native locker; use :meth:`init` or :meth:`open` instead."""
        self._native: Any = native

    def close(self) -> None:
        """Lets go of the locker: this handle's files are closed once no call on it is
        running, and using the handle afterwards raises ``ValueError``. Nothing needs
        saving: every append is on disk when it returns. Closing twice is harmless."""
        self._native = _Closed()

    @property
    def closed(self) -> bool:
        """Whether :meth:`close` was called."""
        return isinstance(self._native, _Closed)

    def __enter__(self) -> Locker:
        return self

    def __exit__(
        self,
        exc_type: Optional[Type[BaseException]],
        exc: Optional[BaseException],
        tb: Optional[TracebackType],
    ) -> None:
        self.close()

    @classmethod
    def init(cls, path: StrPath, origin: str) -> Locker:
        """Creates a locker in ``path`` (created if missing) named ``origin``, which
        becomes the first line of its checkpoints: 1 to 255 printable ASCII characters
        without spaces or ``+``, ideally globally unique (``example.com/soc2/evidence``).

        Raises :class:`~soc2.LockerError` if ``path`` already holds a locker.
        """
        return cls(_soc2.Locker.init(os.fspath(path), origin))

    @classmethod
    def open(cls, path: StrPath, *, create: bool = False, origin: Optional[str] = None) -> Locker:
        """Opens the locker in ``path``, verifying every record (canonical form, sequence,
        hash chain, attachments present). With ``create=True``, a ``path`` that holds no
        locker yet (missing, or an empty directory) gets a new one named ``origin`` (see
        :meth:`init`); an existing locker is opened as it is, whatever its origin.

        Raises :class:`~soc2.LockerError` if it is not a locker and
        :class:`~soc2.IntegrityError` (naming the record) if it was tampered with.
        """
        where = os.fspath(path)
        if create:
            if origin is None:
                raise ValidationError(
                    "origin: Locker.open(create=True) needs the origin to give a new locker",
                    path="origin",
                    reason="missing",
                )
            if not os.path.exists(os.path.join(where, "locker.json")):
                if not os.path.isdir(where) or not os.listdir(where):
                    return cls(_soc2.Locker.init(where, origin))
        return cls(_soc2.Locker.open(where))

    # -- State -----------------------------------------------------------------------------

    def refresh(self) -> int:
        """Reads and verifies what other handles or processes appended since this one last
        read the ledger; returns how many records were added."""
        return self._native.refresh()

    def fsck(self, progress: Optional[Callable[[int, int], object]] = None) -> FsckReport:
        """Checks the whole locker on disk (every record, and every blob re-hashed) and
        lists every problem instead of stopping at the first. Repairs nothing.

        ``progress``, if given, is called as ``progress(bytes_done, bytes_total)`` as the
        ledger and then the stored attachments are read, on the calling thread, holding
        nothing (it may use this locker). An exception it raises stops the check and
        propagates; so does Ctrl-C (``KeyboardInterrupt``)."""
        return self._native.fsck(progress)

    @property
    def path(self) -> Path:
        """The locker's directory."""
        return Path(self._native.path)

    @property
    def origin(self) -> str:
        """The locker's origin name."""
        return self._native.origin

    def __len__(self) -> int:
        return len(self._native)

    @property
    def torn_tail(self) -> Optional[TornTail]:
        """The torn final line found at the last read (an append a crash interrupted), if
        any. It is ignored, and the next append removes it."""
        return self._native.torn_tail

    def leaf_hashes(self) -> List[str]:
        """The leaf hash (hex) of every record, in order."""
        return self._native.leaf_hashes()

    @property
    def root(self) -> str:
        """The RFC 9162 Merkle tree root (hex) over all records."""
        return self._native.root

    def checkpoint(self) -> Checkpoint:
        """A checkpoint of the locker as it is now: keep it outside the locker, and check
        later with :meth:`verify_checkpoint` that the locker still contains it."""
        return self._native.checkpoint()

    def inclusion_proof(self, seq: int) -> List[str]:
        """The inclusion proof (hex hashes) of record ``seq`` in the current tree of
        ``len(self)`` records; check it with :func:`verify_inclusion` against :attr:`root`."""
        return self._native.inclusion_proof(seq)

    def consistency_proof(self, old_size: int) -> List[str]:
        """The consistency proof (hex hashes) from the tree of the first ``old_size``
        records to the current tree; check it with :func:`verify_consistency`."""
        return self._native.consistency_proof(old_size)

    def verify_checkpoint(self, checkpoint: Checkpoint) -> None:
        """Checks that ``checkpoint`` (taken earlier, kept elsewhere) describes a prefix of
        this locker: same origin, no more records than it holds and the same root over
        them. Raises :class:`~soc2.IntegrityError` if history was rewritten."""
        self._native.verify_checkpoint(checkpoint)

    # -- Queries ---------------------------------------------------------------------------

    def record(self, seq: int) -> Record:
        """Record ``seq`` (its sequence number, from 0; ``locker[-1]`` is the last one).
        Raises :class:`~soc2.LockerError` if there is no such record, ``IndexError`` for
        a negative ``seq``."""
        if seq < 0:
            raise IndexError(
                f"no record {seq}: sequence numbers start at 0 (locker[{seq}] counts from the end)"
            )
        return Record._load(json.loads(self._native.record(seq)))

    def records(self, start: int = 0, stop: Optional[int] = None) -> Iterator[Record]:
        """The records ``start`` to ``stop`` (excluded; all by default), in order, read from
        disk as the iteration advances."""
        while stop is None or start < stop:
            end = start + _CHUNK if stop is None else min(stop, start + _CHUNK)
            chunk = _records(self._native.records_json(start, end))
            yield from chunk
            if len(chunk) < end - start:
                return
            start = end

    def __iter__(self) -> Iterator[Record]:
        return self.records()

    @overload
    def __getitem__(self, index: int) -> Record: ...

    @overload
    def __getitem__(self, index: slice) -> List[Record]: ...

    def __getitem__(self, index: Union[int, slice]) -> Union[Record, List[Record]]:
        """``locker[i]`` is record ``i`` (negative ``i`` counts from the end: ``locker[-1]``
        is the last record); ``locker[a:b:step]`` is a list of records."""
        size = len(self)
        if isinstance(index, slice):
            start, stop, step = index.indices(size)
            if step == 1:
                return list(self.records(start, stop)) if start < stop else []
            return [self.record(i) for i in range(start, stop, step)]
        try:
            i = index.__index__()
        except AttributeError:
            raise TypeError(
                f"Locker indices must be integers or slices, not {type(index).__name__}"
            ) from None
        if i < 0:
            i += size
        if not 0 <= i < size:
            raise IndexError(f"record index {index} out of range ({size} records)")
        return self.record(i)

    def to_arrow(self) -> Any:
        """Every record, one row each, as a ``pyarrow.Table`` (columns in
        :mod:`soc2.frames`; the payload as JSON). Needs ``pip install "soc2[arrow]"``."""
        from . import frames

        return frames.to_arrow(frames.records_columns(self.records()))

    def to_pandas(self) -> Any:
        """Every record, one row each, as a ``pandas.DataFrame``. Needs
        ``pip install "soc2[pandas]"``."""
        from . import frames

        return frames.to_pandas(frames.records_columns(self.records()))

    def to_polars(self) -> Any:
        """Every record, one row each, as a ``polars.DataFrame``. Needs
        ``pip install "soc2[polars]"``."""
        from . import frames

        return frames.to_polars(frames.records_columns(self.records()))

    def records_for_control(self, control: str) -> List[Record]:
        """The records whose evidence names ``control``, in order."""
        return _records(self._native.records_for_control(control))

    def records_of_kind(self, kind: EvidenceKind) -> List[Record]:
        """The records whose evidence is of ``kind``, in order."""
        return _records(self._native.records_of_kind(kind))

    def records_observed_between(
        self, start: _dt.datetime, until: _dt.datetime
    ) -> List[Record]:
        """The records whose evidence was observed in ``[start, until)``, in order."""
        a = dump_datetime(to_utc(start, "start"))
        b = dump_datetime(to_utc(until, "until"))
        return _records(self._native.records_observed_between(a, b))

    # -- Adding ----------------------------------------------------------------------------

    def add_attachment_file(
        self,
        path: StrPath,
        media_type: Optional[str] = None,
        file_name: Optional[str] = None,
    ) -> Attachment:
        """Stores the file at ``path`` as an attachment (once per content, streaming) and
        returns the :class:`~soc2.Attachment` to put in the evidence. The media type
        defaults to soc2's for the file's extension (:func:`media_type_for`), the file
        name to the path's."""
        text = self._native.add_attachment_file(os.fspath(path), media_type, file_name)
        return Attachment._load(json.loads(text))

    def add_attachment(
        self,
        data: Union[bytes, bytearray, memoryview, BinaryIO, SupportsRead],
        media_type: str,
        file_name: str,
    ) -> Attachment:
        """Stores bytes, or what a binary file object reads (streaming), as an attachment
        and returns the :class:`~soc2.Attachment` to put in the evidence. ``media_type``
        must look like ``type/subtype``; ``file_name`` is informational, never a path."""
        if isinstance(data, (bytes, bytearray, memoryview)):
            text = self._native.add_attachment_bytes(bytes(data), media_type, file_name)
        else:
            text = self._native.add_attachment_reader(data, media_type, file_name)
        return Attachment._load(json.loads(text))

    def blob_path(self, sha256: str) -> Path:
        """The file a stored attachment lives in (whether or not it is stored)."""
        return Path(self._native.blob_path(sha256))

    def add(self, evidence: Evidence, attachments: Iterable[StrPath] = ()) -> Appended:
        """Appends one record and syncs it to disk before returning (Rust:
        ``add_attachment_file`` for each file, then ``append``).

        ``attachments`` are files (``str`` or ``os.PathLike``) stored in the locker and
        added to the record's attachments after those the evidence already lists; the
        ``evidence`` object itself is not changed. Raises
        :class:`~soc2.ValidationError` naming the field if the evidence breaks a rule of
        the model, and :class:`~soc2.LockerError` (with ``blob``) if it refers to an
        attachment not stored in the locker, or with another size.
        """
        paths = [os.fspath(p) for p in attachments]
        return self._native.add(_check_evidence(evidence, "evidence"), paths)

    def add_batch(self, evidence: Iterable[Evidence]) -> AppendedList:
        """Appends records for all of ``evidence``, in order, with one write and one sync
        (Rust: ``append_batch``), and returns one :class:`Appended` per record, in order.
        All or nothing: on error the locker is as it was, and the error's path starts with
        the position of the evidence at fault (``[3]...``).
        """
        # soc2-core names an item that is not evidence by its position too ("[3]").
        batch = evidence if isinstance(evidence, list) else list(evidence)
        return self._native.add_batch(batch)

    def add_import(
        self,
        source: str,
        paths: Union[StrPath, Iterable[StrPath]],
        *,
        system: Optional[str] = None,
        fetched_at: Optional[_dt.datetime] = None,
    ) -> ImportResult:
        """Imports the files at ``paths`` with the importer ``source`` and records the
        result, as ``soc2 import SOURCE FILE... --locker DIR`` does: the files are stored
        as attachments (listed by every record), then the evidence is appended, one record
        per document, in one batch; the result's ``appended`` says where. Arguments and
        errors as :func:`soc2.import_files`; an import that holds no item is refused
        (:class:`~soc2.ValidationError`).
        """
        appended, text = self._native.add_import(
            source, _paths(paths), system, _fetched_at(fetched_at)
        )
        return _result(text, appended)

    def check_import(self, seq: int) -> ImportCheck:
        """Re-derives record ``seq`` from the input files stored with it, as ``soc2 import
        --check`` does; the result is true when the re-derived evidence is byte for byte the
        stored one. Raises :class:`~soc2.LockerError` (``import.not_reproducible``) for a
        record that was not imported, :class:`~soc2.IntegrityError` if a stored input is
        missing or altered."""
        if seq < 0:
            raise IndexError(f"no record {seq}: sequence numbers start at 0")
        return _check(seq, self._native.check_import(seq))

    def __repr__(self) -> str:
        return f"<Locker {str(self.path)!r} origin={self.origin!r} records={len(self)}>"


def fsck(path: StrPath, progress: Optional[Callable[[int, int], object]] = None) -> FsckReport:
    """Checks the locker in ``path`` completely, without opening it (so a damaged locker
    can be examined), and lists every problem. Raises :class:`~soc2.LockerError` only if
    ``path`` is not a locker. ``progress`` as for :meth:`Locker.fsck`."""
    return _soc2.fsck(os.fspath(path), progress)


def leaf_hash(data: Union[str, bytes]) -> str:
    """The RFC 9162 leaf hash (hex) of a record's canonical bytes (a ``str`` is taken as
    UTF-8): SHA-256(0x00 ‖ data)."""
    return _soc2.leaf_hash(data)


def merkle_root(leaves: Iterable[str]) -> str:
    """The RFC 9162 Merkle tree root (hex) over leaf hashes (hex)."""
    return _soc2.merkle_root(list(leaves))


def verify_inclusion(leaf_hash: str, index: int, size: int, proof: Iterable[str], root: str) -> None:
    """Checks that ``leaf_hash`` is leaf ``index`` of the tree of ``size`` leaves whose root
    is ``root``. Raises :class:`~soc2.IntegrityError` if the proof does not lead to the
    root, :class:`~soc2.ValidationError` if the arguments cannot describe a proof."""
    _soc2.verify_inclusion(leaf_hash, index, size, list(proof), root)


def verify_consistency(
    old_size: int, new_size: int, old_root: str, new_root: str, proof: Iterable[str]
) -> None:
    """Checks that the tree of ``new_size`` leaves (root ``new_root``) extends the tree of
    its first ``old_size`` leaves (root ``old_root``): nothing was changed, only appended.
    Raises :class:`~soc2.IntegrityError` if not."""
    _soc2.verify_consistency(old_size, new_size, old_root, new_root, list(proof))


def media_type_for(path: StrPath) -> str:
    """The media type soc2 records for a file attachment, from its extension
    (``application/octet-stream`` when unknown); the command line uses the same."""
    return _soc2.media_type(os.fspath(path))
