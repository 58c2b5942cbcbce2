"""The exceptions soc2 raises: one hierarchy rooted at :class:`Soc2Error`.

Every error soc2-core reports arrives as one of these classes, with the fields that say
where it is (the field path of a document, the file, the bundle member or the locker
records), so that the message alone is enough to act on::

    Soc2Error
    ├── ValidationError   (also a ValueError)  a value or document breaks the model
    ├── Soc2IOError       (also an OSError)    reading or writing a file failed
    ├── IntegrityError                         stored data does not match its hashes
    ├── SignatureError                         a signature or key is missing or wrong
    └── LockerError                            a locker is missing, busy or misused
"""

from __future__ import annotations

from typing import List, Optional

__all__ = [
    "IntegrityError",
    "LockerError",
    "SignatureError",
    "Soc2Error",
    "Soc2IOError",
    "ValidationError",
]


class Soc2Error(Exception):
    """Base class of every error soc2 raises."""


class ValidationError(Soc2Error, ValueError):
    """A value or document breaks a rule of the model.

    ``path`` names the offending field (``payload.access_review.accounts[3].decision``;
    ``.`` for the whole document), ``line`` and ``column`` its 1-based position in the
    JSON text (0 when not tied to a position), ``source`` the file it came from when
    known, and ``reason`` what is wrong. Naive datetimes are rejected with this error too.
    """

    path: Optional[str]
    reason: str
    line: int
    column: int
    source: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        path: Optional[str] = None,
        reason: Optional[str] = None,
        line: int = 0,
        column: int = 0,
        source: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.path = path
        self.reason = reason if reason is not None else message
        self.line = line
        self.column = column
        self.source = source


class Soc2IOError(Soc2Error, OSError):
    """Reading or writing a file failed; ``filename`` names it, ``errno`` is the OS error
    number when there is one."""

    def __init__(
        self, message: str, *, errno: Optional[int] = None, filename: Optional[str] = None
    ) -> None:
        super().__init__(message)
        self.errno = errno
        self.filename = filename
        self.strerror = message

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""


class IntegrityError(Soc2Error):
    """Stored data does not match its hashes: a locker record, attachment or bundle member
    was altered, removed or reordered.

    ``member`` names the bundle member (or locker file) at fault, ``records`` the locker
    sequence numbers involved and ``blob`` the SHA-256 of the attachment involved, when
    the error is about one.
    """

    member: Optional[str]
    records: List[int]
    blob: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        member: Optional[str] = None,
        records: Optional[List[int]] = None,
        blob: Optional[str] = None,
    ) -> None:
        super().__init__(message)
        self.member = member
        self.records = list(records or [])
        self.blob = blob


class SignatureError(Soc2Error):
    """A signature is missing, malformed or does not verify, or a key cannot be used.

    ``member`` is ``SHA256SUMS.sig`` when a bundle's signature was refused.
    """

    member: Optional[str]

    def __init__(self, message: str, *, member: Optional[str] = None) -> None:
        super().__init__(message)
        self.member = member


class LockerError(Soc2Error):
    """A locker cannot be used as asked: not a locker, already one, locked by another
    writer, or a record that does not exist."""
