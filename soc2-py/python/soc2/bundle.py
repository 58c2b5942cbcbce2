"""Signed evidence bundles: what the auditor receives (``soc2_core::bundle``).

One zip per audit period proves which evidence existed, that it has not changed since it
was recorded, and who vouches for it: the disclosed records, every leaf hash of the
locker, its checkpoint, the attachments, ``VERIFY.md`` (how to check it all with stock
tools), ``SHA256SUMS`` and its OpenSSH signature::

    signer = soc2.keygen("bundle-key", comment="compliance@example.com")
    report = soc2.evaluate(soc2.Catalog.builtin(), locker, period, as_of)
    summary = soc2.export_bundle(locker, "acme-2026.zip", report=report, signer=signer)
    # The auditor, with the key obtained out of band:
    verified = soc2.verify_bundle("acme-2026.zip", allowed_signers_file="allowed_signers")

Export and verification run in soc2-core without holding the interpreter, so two
exports can run in two threads at once. A bundle that does not verify raises
:class:`~soc2.IntegrityError` (naming the member and records) or
:class:`~soc2.SignatureError`.

:class:`InclusionProof` is generated from ``schemas/inclusion-proof.schema.json`` (into
``soc2/_generated.py``, see ``docs/python-models.md``); its methods are in
``soc2/_custom.py``.
"""

from __future__ import annotations

import datetime as _dt
import errno
import json
import os
from typing import Callable, Iterator, List, Mapping, NamedTuple, Optional, Tuple, Union

from . import _soc2
from ._generated import InclusionProof
from ._model import load_datetime
from ._soc2 import Signer, TrustedSigners
from .catalog import StrPath
from .errors import Soc2IOError, ValidationError
from .locker import Checkpoint, Locker, Record
from .models import AuditPeriod
from .report import Report

__all__ = [
    "BundleBlob",
    "BundleRecord",
    "BundleReportFile",
    "ExportSummary",
    "InclusionProof",
    "Signer",
    "TrustedSigners",
    "VerifiedBundle",
    "export_bundle",
    "keygen",
    "load_signer",
    "TimestampInfo",
    "sign_checkpoint",
    "store_timestamp",
    "timestamp",
    "timestamp_request",
    "verify_bundle",
]


def _secret(passphrase: Union[str, bytes, None]) -> Optional[bytes]:
    return passphrase.encode() if isinstance(passphrase, str) else passphrase


def keygen(
    path: StrPath,
    comment: str = "soc2-signer",
    passphrase: Union[str, bytes, None] = None,
) -> Signer:
    """Makes an Ed25519 signing key: writes ``path`` (the private key, OpenSSH format, mode
    0600, encrypted with ``passphrase`` when given) and ``path.pub``, like ``ssh-keygen -t
    ed25519``, and returns it. ``comment`` is also the principal bundles are signed as
    when it is a valid one. Refuses to overwrite either file
    (:class:`~soc2.SignatureError`)."""
    return _soc2.keygen(os.fspath(path), comment, _secret(passphrase))


def load_signer(
    path: Optional[StrPath] = None,
    passphrase: Union[str, bytes, None] = None,
    principal: Optional[str] = None,
    *,
    key: Union[str, bytes, None] = None,
    env: Optional[str] = None,
) -> Signer:
    """Reads an OpenSSH Ed25519 private key from exactly one of: the file at ``path``
    (:meth:`Signer.load`), its text ``key`` (``str`` or ``bytes``,
    :meth:`Signer.from_openssh`) or the environment variable named ``env``, as CI secrets
    are given (:meth:`Signer.from_env`); decrypted with ``passphrase`` when encrypted,
    signing as ``principal`` when given."""
    given = [name for name, v in (("path", path), ("key", key), ("env", env)) if v is not None]
    if len(given) != 1:
        raise ValidationError(
            f"give exactly one of path, key= or env= (got {', '.join(given) or 'none'})",
            path="path",
            reason="one key source needed",
        )
    secret = _secret(passphrase)
    if key is not None:
        return Signer.from_openssh(key, secret, principal)
    if env is not None:
        return Signer.from_env(env, secret, principal)
    assert path is not None
    return Signer.load(path, secret, principal)


class ExportSummary(NamedTuple):
    """What :func:`export_bundle` wrote."""

    #: The bundle file.
    path: str
    #: The checkpoint the bundle carries (the whole locker at export time).
    checkpoint: Checkpoint
    #: The period exported.
    period: AuditPeriod
    #: The principal it was signed as.
    principal: str
    #: The signing key's fingerprint.
    fingerprint: str
    #: The number of records disclosed.
    records: int
    #: The number of attachments included.
    blobs: int
    #: Their total size in bytes.
    blob_bytes: int


def export_bundle(
    locker: Locker,
    out: StrPath,
    *,
    signer: Signer,
    report: Optional[Report] = None,
    period: Optional[AuditPeriod] = None,
    include: Union[List[int], Tuple[int, ...]] = (),
    exactly: Optional[List[int]] = None,
    report_files: Optional[Mapping[str, Union[str, bytes]]] = None,
    progress: Optional[Callable[[int, int], object]] = None,
    overwrite: bool = False,
    workpapers: Optional[Mapping[str, bytes]] = None,
) -> ExportSummary:
    """Exports the signed bundle of an audit period from ``locker`` to ``out``.

    Give the readiness ``report`` of the period (from :func:`soc2.evaluate`), as
    ``soc2 export`` does: the bundle is for its period, discloses the records observed in
    it plus the earlier ones the report relies on (a policy approved before the period, a
    background check done at hire), and carries the report as HTML, JSON and Markdown
    under ``report/``, and as OSCAL assessment results (and a POA&M when an exception is
    open) under ``report/oscal/``, as ``soc2 export`` does (Rust:
    ``ExportOptions::from_report`` and ``add_oscal``). With it, ``workpapers``
    (from :func:`soc2.workpapers` for the same period) go under ``report/workpapers/``,
    as ``soc2 export`` puts them (Rust: ``ExportOptions::from_evaluation``).

    Or give the ``period`` alone: the records observed in it are disclosed, plus the
    earlier records ``include`` names, or ``exactly`` the records listed; ``report_files``
    are placed under ``report/`` (a name such as ``notes.txt`` and its content).

    ``include`` adds records in both cases. Deterministic (the same locker, options and
    key give the same file) and atomic (on error nothing is left behind). Runs without
    holding the interpreter.

    ``progress``, if given, is called as ``progress(bytes_done, bytes_total)`` as the
    attachments are written (first with nothing done, and a last time when everything
    is written, before the bundle is put in place). An exception it raises cancels the
    export and propagates, even from that last call; so does Ctrl-C
    (``KeyboardInterrupt``). A cancelled export, like a failed one, leaves nothing
    behind and ``out`` untouched.

    An existing ``out`` is refused (:class:`~soc2.Soc2IOError`, ``errno.EEXIST``), as
    :func:`keygen` refuses to overwrite a key, unless ``overwrite=True``: then it is
    replaced atomically, only once the new bundle is complete.

    ``progress`` is called on the calling thread while the export runs on another, which
    holds the locker: the callback may use the locker (reads that need all of it wait
    for the export to end) and other threads may use it meanwhile.
    """
    if report is not None:
        if not isinstance(report, Report):
            raise ValidationError(
                f"report: expected Report, got {type(report).__name__}",
                path="report",
                reason="expected Report",
            )
        if period is not None or exactly is not None or report_files is not None:
            raise ValidationError(
                "with report=, the period, disclosure and report files are the report's: "
                "give period=, exactly= or report_files= without it",
                path="report",
                reason="conflicting options",
            )
    elif not isinstance(period, AuditPeriod):
        raise ValidationError(
            f"period: expected AuditPeriod, got {type(period).__name__}",
            path="period",
            reason="expected AuditPeriod",
        )
    if exactly is not None and include:
        raise ValidationError(
            "give either include= or exactly=, not both", path="include", reason="both given"
        )
    target = os.fspath(out)
    if not overwrite and os.path.lexists(target):
        raise Soc2IOError(
            f"{target}: already exists; refusing to overwrite a bundle (pass overwrite=True "
            "to replace it)",
            errno=errno.EEXIST,
            filename=str(target),
        )
    if workpapers is not None and report is None:
        raise ValidationError(
            "workpapers= goes with report=: give the period's report too",
            path="workpapers",
            reason="no report",
        )
    files = [
        (name, content.encode() if isinstance(content, str) else bytes(content))
        for name, content in (report_files or {}).items()
    ] + [(f"workpapers/{name}", bytes(content)) for name, content in (workpapers or {}).items()]
    mode, seqs = ("exactly", list(exactly)) if exactly is not None else ("observed", list(include))
    (path, checkpoint, period_json, principal, fingerprint, records, blobs, blob_bytes) = (
        _soc2.export_bundle(
            locker._native, period, report, signer, target, mode, seqs, files, progress
        )
    )
    return ExportSummary(
        path=str(path),
        checkpoint=checkpoint,
        period=AuditPeriod._load(json.loads(period_json)),
        principal=principal,
        fingerprint=fingerprint,
        records=records,
        blobs=blobs,
        blob_bytes=blob_bytes,
    )


class BundleRecord(NamedTuple):
    """One record a verified bundle discloses."""

    #: Its sequence number in the locker.
    seq: int
    #: Its leaf hash, SHA-256(0x00 ‖ line), hex.
    leaf_hash: str
    #: Its line in ``records.jsonl`` (canonical bytes, without the newline): what an
    #: :class:`InclusionProof` is checked with.
    line: bytes
    #: The record, with its evidence.
    record: Record


class BundleBlob(NamedTuple):
    """An attachment a verified bundle carries (``blobs/sha256/<hex>``)."""

    #: Its SHA-256, hex.
    sha256: str
    #: Its size in bytes.
    size: int


class BundleReportFile(NamedTuple):
    """A file a verified bundle carries under ``report/``."""

    #: Its member name, ``report/...``.
    name: str
    #: Its SHA-256, hex.
    sha256: str
    #: Its size in bytes.
    size: int


class VerifiedBundle:
    """A bundle whose signature, member hashes, records, leaves and checkpoint verified.

    ``len(verified)`` is the number of disclosed records, and iterating gives each as a
    :class:`BundleRecord` (seq, leaf hash, line and the :class:`~soc2.Record` with its
    evidence). :meth:`inclusion_proof` and :meth:`record_line` prove a record to someone
    who trusts only the signed checkpoint, with nothing but this object.
    """

    __slots__ = ("_native", "origin", "period", "principal", "fingerprint",
                 "allowed_signers_line", "generator", "checkpoint", "records", "blobs",
                 "report", "root")  # fmt: skip

    def __init__(self, native: _soc2.VerifiedBundle) -> None:
        """Wraps a native result; use :func:`verify_bundle`."""
        self._native = native
        #: The locker's origin name.
        self.origin: str = native.origin
        #: The audit period.
        self.period: AuditPeriod = AuditPeriod._load(json.loads(native.period_json()))
        #: The principal the bundle was signed as.
        self.principal: str = native.principal
        #: The signing key's fingerprint.
        self.fingerprint: str = native.fingerprint
        #: The line of the trusted allowed_signers file that matched (1-based).
        self.allowed_signers_line: int = native.allowed_signers_line
        #: The tool that wrote the bundle: (name, version).
        self.generator: Tuple[str, str] = native.generator
        #: The signed checkpoint (the whole locker at export time).
        self.checkpoint: Checkpoint = native.checkpoint
        #: The disclosed records: (seq, leaf hash), in order (:meth:`__iter__` gives
        #: each with its line and evidence).
        self.records: List[Tuple[int, str]] = native.records
        #: The disclosed attachments.
        self.blobs: List[BundleBlob] = [
            BundleBlob(b["sha256"], b["size"]) for b in json.loads(native.blobs_json())
        ]
        #: The report files.
        self.report: List[BundleReportFile] = [
            BundleReportFile(r["name"], r["sha256"], r["size"])
            for r in json.loads(native.report_json())
        ]
        #: The checkpoint's Merkle root, hex.
        self.root: str = native.root

    def record_count(self) -> int:
        """The number of disclosed records."""
        return self._native.record_count()

    def __len__(self) -> int:
        return self._native.record_count()

    def __iter__(self) -> Iterator[BundleRecord]:
        leaves = dict(self.records)
        for seq, line in self._native.record_lines():
            yield BundleRecord(seq, leaves[seq], line, Record.from_json(line))

    def record(self, seq: int) -> Record:
        """Disclosed record ``seq``, with its evidence. Raises ``KeyError`` if the bundle
        does not disclose it."""
        return Record.from_json(self.record_line(seq))

    def record_line(self, seq: int) -> bytes:
        """The line of disclosed record ``seq`` (canonical bytes, without the newline).
        Raises ``KeyError`` if the bundle does not disclose it."""
        line = self._native.record_line(seq)
        if line is None:
            raise KeyError(f"record {seq} is not disclosed in this bundle")
        return line

    def leaves(self) -> List[str]:
        """Every leaf hash of the locker up to the checkpoint, hex."""
        return self._native.leaves()

    def inclusion_proof(self, seq: int) -> InclusionProof:
        """The inclusion proof of disclosed record ``seq`` in the signed checkpoint: check
        it with ``proof.verify(verified.record_line(seq), trusted_checkpoint)``."""
        return InclusionProof._load(json.loads(self._native.inclusion_proof(seq)))

    def __repr__(self) -> str:
        return (
            f"<VerifiedBundle {self.origin} {self.period}: {self.record_count()} records, "
            f"signed by {self.principal}>"
        )


def verify_bundle(
    path: StrPath,
    trusted: Union[TrustedSigners, "os.PathLike[str]", None] = None,
    *,
    allowed_signers: Union[str, bytes, None] = None,
    allowed_signers_file: Optional[StrPath] = None,
    identity: Optional[str] = None,
    previous: Optional[StrPath] = None,
    tsa_ca: Union[str, bytes, None] = None,
    tsa_ca_file: Optional[StrPath] = None,
    progress: Optional[Callable[[int, int], object]] = None,
) -> VerifiedBundle:
    """Verifies the bundle at ``path`` against the signers the auditor trusts, given as
    exactly one of:

    - ``allowed_signers``: the text of an OpenSSH ``allowed_signers`` file (``str`` or
      ``bytes``, e.g. ``signer.allowed_signers_line()``);
    - ``allowed_signers_file``: the path of one (``str`` or ``os.PathLike``);
    - ``trusted``, positionally: a :class:`TrustedSigners`, or a ``pathlib.Path`` of the
      file. A plain ``str`` is refused there, since it could be either text or a file
      name: say which with one of the keywords above.

    The trusted keys must be obtained out of band: the copy inside the bundle proves
    nothing. With ``identity``, the signer must be trusted as that principal. With
    ``previous`` (the path of an earlier bundle of the same locker, verified the same
    way), this bundle must also extend it: an :class:`~soc2.IntegrityError` names the
    first record that differs when history was rewritten, records removed or the locker
    forked. With ``tsa_ca`` (the PEM text of the CA certificates the auditor trusts for
    the time-stamp authority) or ``tsa_ca_file`` (its path), every RFC 3161 token the
    bundle carries must chain to them. Every hostile archive construct, changed member,
    record, leaf or signature is refused. Runs without holding the interpreter.

    ``progress``, if given, is called as ``progress(bytes_done, bytes_total)`` as the
    members are read and hashed (the bulk of the work), on the calling thread. An
    exception it raises stops the verification and propagates; so does Ctrl-C
    (``KeyboardInterrupt``), which is seen within a tenth of a second.

    Raises :class:`~soc2.SignatureError` for a signature or key that is not trusted, and
    :class:`~soc2.IntegrityError` naming the member and records for anything else that
    does not verify.
    """
    given = [
        name
        for name, value in (
            ("trusted", trusted),
            ("allowed_signers", allowed_signers),
            ("allowed_signers_file", allowed_signers_file),
        )
        if value is not None
    ]
    if len(given) != 1:
        raise ValidationError(
            "give the trusted signers once: allowed_signers= (text), allowed_signers_file= "
            f"(a path) or a TrustedSigners (got {', '.join(given) or 'none'})",
            path="trusted",
            reason="one source of trusted signers needed",
        )
    if isinstance(trusted, TrustedSigners):
        signers = trusted
    elif isinstance(trusted, (str, bytes)):
        raise ValidationError(
            "trusted: a str could be allowed_signers text or a file name; pass "
            "allowed_signers=... (text) or allowed_signers_file=... (a path)",
            path="trusted",
            reason="ambiguous str",
        )
    elif trusted is not None:
        signers = TrustedSigners.from_file(os.fspath(trusted))
    elif allowed_signers is not None:
        signers = TrustedSigners.parse(allowed_signers)
    else:
        assert allowed_signers_file is not None
        signers = TrustedSigners.from_file(os.fspath(allowed_signers_file))
    prev = None if previous is None else os.fspath(previous)
    ca = _tsa_ca(tsa_ca, tsa_ca_file, required=False)
    return VerifiedBundle(
        _soc2.verify_bundle(os.fspath(path), signers, identity, prev, ca, progress)
    )


def sign_checkpoint(locker: Locker, signer: Signer) -> str:
    """Signs the locker's current checkpoint with ``signer`` (the bundle key): a C2SP
    signed note under the locker's origin and an SSHSIG over it (namespace
    ``soc2-checkpoint-v1``), kept for good in the locker's ``checkpoints/``, which
    :func:`~soc2.fsck` checks and bundles carry. Returns the signed note's text. Signing
    the same checkpoint again returns the stored note.
    """
    return _soc2.sign_checkpoint(locker._native, signer)


class TimestampInfo(NamedTuple):
    """An RFC 3161 time-stamp token stored beside a signed checkpoint."""

    #: The timestamped checkpoint's size: records ``0..checkpoint_size`` are covered.
    checkpoint_size: int
    #: The token's time (``genTime``), by the TSA's clock.
    gen_time: _dt.datetime
    #: The TSA, as its certificate names it.
    tsa: str
    #: The token's serial number, hex.
    serial: str
    #: The TSA policy it was issued under (an OID).
    policy: str


def _timestamp_info(raw: Tuple[int, str, str, str, str]) -> TimestampInfo:
    size, gen_time, tsa, serial, policy = raw
    return TimestampInfo(size, load_datetime(gen_time), tsa, serial, policy)


def _tsa_ca(
    tsa_ca: Union[str, bytes, None], tsa_ca_file: Optional[StrPath], *, required: bool
) -> Optional[bytes]:
    if tsa_ca is not None and tsa_ca_file is not None:
        raise ValidationError(
            "give the TSA's CA once: tsa_ca= (PEM text) or tsa_ca_file= (a path)",
            path="tsa_ca",
            reason="two sources of the TSA CA",
        )
    if tsa_ca_file is not None:
        # soc2-core reads it: a regular file only, of bounded size.
        return _soc2.read_tsa_ca(os.fspath(tsa_ca_file))
    if tsa_ca is not None:
        return tsa_ca.encode() if isinstance(tsa_ca, str) else bytes(tsa_ca)
    if required:
        raise ValidationError(
            "the TSA's CA certificates are needed to check its reply: tsa_ca= (PEM text) "
            "or tsa_ca_file= (a path)",
            path="tsa_ca",
            reason="missing",
        )
    return None


def timestamp_request(locker: Locker) -> bytes:
    """An RFC 3161 time-stamp query (DER, ``application/timestamp-query``) over the
    locker's newest signed checkpoint (:func:`sign_checkpoint` first), with a fresh
    nonce: send it to the TSA by any means (air-gapped included), then give the reply and
    this query to :func:`store_timestamp`."""
    return _soc2.timestamp_request(locker._native)


def store_timestamp(
    locker: Locker,
    request: bytes,
    response: bytes,
    *,
    tsa_ca: Union[str, bytes, None] = None,
    tsa_ca_file: Optional[StrPath] = None,
) -> TimestampInfo:
    """Checks the TSA's DER ``response`` to ``request`` (status, imprint, nonce, CMS
    signature, the signer's timeStamping purpose and its chain to the CA certificates in
    ``tsa_ca`` (PEM text) or ``tsa_ca_file``) and stores it beside the newest signed
    checkpoint (``checkpoints/<size>.tsr``; append-only). Raises
    :class:`~soc2.IntegrityError` or :class:`~soc2.SignatureError` naming what failed."""
    ca = _tsa_ca(tsa_ca, tsa_ca_file, required=True)
    assert ca is not None
    return _timestamp_info(
        _soc2.store_timestamp(locker._native, bytes(request), bytes(response), ca)
    )


def timestamp(
    locker: Locker,
    url: str,
    *,
    tsa_ca: Union[str, bytes, None] = None,
    tsa_ca_file: Optional[StrPath] = None,
) -> TimestampInfo:
    """Timestamps the locker's newest signed checkpoint with the TSA at ``url`` (HTTP
    POST, 30 s timeout; plain ``http://``: the reply is signed), checks the reply as
    :func:`store_timestamp` does and stores it. The evaluation then takes each record's
    recording time as proven by the token (``Report.recording_time``). Runs without
    holding the interpreter."""
    ca = _tsa_ca(tsa_ca, tsa_ca_file, required=True)
    assert ca is not None
    return _timestamp_info(_soc2.timestamp(locker._native, url, ca))
