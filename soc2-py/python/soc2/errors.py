"""The exceptions soc2 raises: one hierarchy rooted at :class:`Soc2Error`.

Every error soc2-core reports arrives as one of these classes, with its stable ``code``
(``ledger.chain_broken``; the table is ``docs/errors.md`` in the repository) and the fields
that say where it is (the field path of a document, the file, the bundle member or the
locker records), so that the message alone is enough to act on::

    Soc2Error
    ├── ValidationError   (also a ValueError)  a value or document breaks the model
    ├── Soc2IOError       (also an OSError)    reading or writing a file failed
    ├── IntegrityError                         stored data does not match its hashes
    ├── SignatureError                         a signature is refused
    │   └── SigningKeyError                    a signing key or allowed_signers is unusable
    └── LockerError                            a locker is missing, busy or misused

Every exception pickles with its attributes (for ``multiprocessing`` and
``concurrent.futures``).
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, Type

__all__ = [
    "IntegrityError",
    "LockerError",
    "SignatureError",
    "SigningKeyError",
    "Soc2Error",
    "Soc2IOError",
    "ValidationError",
]


def _rebuild(cls: Type["Soc2Error"], message: str, fields: Dict[str, Any]) -> "Soc2Error":
    return cls(message, **fields)


class Soc2Error(Exception):
    """Base class of every error soc2 raises.

    ``code`` is soc2-core's stable error code (``None`` for an error raised by the Python
    layer itself, such as a wrong argument type).
    """

    code: Optional[str]

    def __init__(self, message: str, *, code: Optional[str] = None) -> None:
        super().__init__(message)
        self.code = code

    def _fields(self) -> Dict[str, Any]:
        return {"code": self.code}

    def __reduce__(self) -> Tuple[Any, ...]:
        message = str(self.args[0]) if self.args else ""
        return (_rebuild, (type(self), message, self._fields()))


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
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message, code=code)
        self.path = path
        self.reason = reason if reason is not None else message
        self.line = line
        self.column = column
        self.source = source

    def _fields(self) -> Dict[str, Any]:
        return {
            "code": self.code,
            "path": self.path,
            "reason": self.reason,
            "line": self.line,
            "column": self.column,
            "source": self.source,
        }


class Soc2IOError(Soc2Error, OSError):
    """Reading or writing a file failed.

    ``filename`` is always the path of the file or directory involved (or ``None``: an
    attachment read from a stream has no path; its name is in the message), ``errno`` the
    OS error number when there is one.
    """

    def __init__(
        self,
        message: str,
        *,
        errno: Optional[int] = None,
        filename: Optional[str] = None,
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message, code=code)
        self.errno = errno
        self.filename = filename
        self.strerror = message

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else ""

    def _fields(self) -> Dict[str, Any]:
        return {"code": self.code, "errno": self.errno, "filename": self.filename}


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
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message, code=code)
        self.member = member
        self.records = list(records or [])
        self.blob = blob

    def _fields(self) -> Dict[str, Any]:
        return {"code": self.code, "member": self.member, "records": self.records, "blob": self.blob}


class SignatureError(Soc2Error):
    """A bundle's signature is missing, malformed, untrusted or does not verify.

    ``member`` is ``SHA256SUMS.sig`` when a bundle's signature was refused, and
    ``fingerprint`` the signing key's (``SHA256:...``) when it is known.
    """

    member: Optional[str]
    fingerprint: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        member: Optional[str] = None,
        fingerprint: Optional[str] = None,
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message, code=code)
        self.member = member
        self.fingerprint = fingerprint

    def _fields(self) -> Dict[str, Any]:
        return {"code": self.code, "member": self.member, "fingerprint": self.fingerprint}


class SigningKeyError(SignatureError):
    """A signing key or the list of trusted signers cannot be used: not an OpenSSH Ed25519
    key, encrypted and no passphrase given, a wrong passphrase, a key file that already
    exists, a malformed ``allowed_signers``.

    ``filename`` is the key file when there is one; ``line`` the 1-based line of a
    malformed ``allowed_signers`` (0 otherwise).
    """

    filename: Optional[str]
    line: int

    def __init__(
        self,
        message: str,
        *,
        filename: Optional[str] = None,
        line: int = 0,
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message, code=code)
        self.filename = filename
        self.line = line

    def _fields(self) -> Dict[str, Any]:
        return {"code": self.code, "filename": self.filename, "line": self.line}


class LockerError(Soc2Error):
    """A locker cannot be used as asked: not a locker, already one, locked by another
    writer, a record that does not exist, or evidence naming an attachment that is not
    stored.

    ``records`` are the sequence numbers asked for and ``blob`` the attachment involved,
    when the error is about one.
    """

    records: List[int]
    blob: Optional[str]

    def __init__(
        self,
        message: str,
        *,
        records: Optional[List[int]] = None,
        blob: Optional[str] = None,
        code: Optional[str] = None,
    ) -> None:
        super().__init__(message, code=code)
        self.records = list(records or [])
        self.blob = blob

    def _fields(self) -> Dict[str, Any]:
        return {"code": self.code, "records": self.records, "blob": self.blob}
