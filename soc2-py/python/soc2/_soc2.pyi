"""Native part of the ``soc2`` package (PyO3 over soc2-core); import ``soc2`` instead."""

import datetime
import os
from typing import Any, Callable, List, Optional, Sequence, Tuple, Union, final, overload

_Path = Union[str, os.PathLike[str]]


__all__ = [
    "Appended",
    "AppendedList",
    "Catalog",
    "Checkpoint",
    "Criterion",
    "__version__",
    "canonical_json",
    "canonical_sha256",
    "display",
    "error_codes",
    "exception_for_code",
    "is_model_type",
    "FsckReport",
    "Locker",
    "Signer",
    "TornTail",
    "TrustedSigners",
    "VerifiedBundle",
    "evaluate",
    "evaluate_locker",
    "evidence_kinds",
    "export_bundle",
    "inclusion_proof_from_locker",
    "keygen",
    "fsck",
    "import_files",
    "list_import_sources",
    "leaf_hash",
    "media_type",
    "merkle_root",
    "parse_period",
    "period_quarters",
    "quarter_containing",
    "quarter_info",
    "render_oscal",
    "render_report",
    "render_request_list",
    "request_list",
    "sample",
    "workpapers",
    "sample_company",
    "sample_company_catalog_toml",
    "sha256_hex",
    "sign_checkpoint",
    "read_tsa_ca",
    "store_timestamp",
    "timestamp",
    "timestamp_request",
    "to_json",
    "validate",
    "verify_bundle",
    "verify_consistency",
    "verify_inclusion",
    "verify_inclusion_proof",
]

__version__: str

def canonical_json(type_name: str, text: str, pretty: bool = False) -> str:
    """Parses ``text`` as the model type ``type_name`` with every rule of the model and
    returns its canonical (RFC 8785) or pretty form."""

def to_json(type_name: str, value: Any, pretty: bool = False) -> str:
    """Converts a model object to the Rust type ``type_name`` and returns its canonical (RFC
    8785) or pretty form."""

def canonical_sha256(type_name: str, value: Any) -> str:
    """SHA-256 (hex) of the canonical form of a model object as ``type_name``."""

def validate(type_name: str, value: Any) -> None:
    """Checks a model object as the Rust type ``type_name`` with every rule of the model;
    raises ``ValidationError`` with soc2-core's message."""

def is_model_type(type_name: str) -> bool:
    """Whether ``type_name`` names a Rust model type of this module."""

def display(type_name: str, value: Any) -> str:
    """The text form (Rust ``Display``) of a model object."""

def error_codes() -> List[str]:
    """Every error code soc2-core reports, in the documented order (``docs/errors.md``)."""

def exception_for_code(code: str) -> Optional[str]:
    """The name of the :mod:`soc2.errors` class raised for error ``code`` (``None`` for an
    unknown code)."""

def parse_period(text: str) -> str:
    """Parses ``YYYY-MM-DD..YYYY-MM-DD`` or ``YYYY-MM-DD``; returns the period's JSON."""

def period_quarters(period: Any) -> List[Tuple[int, int]]:
    """The ``(year, quarter)`` pairs a period touches."""

def quarter_containing(date: str) -> Tuple[int, int]:
    """The ``(year, quarter)`` a ``YYYY-MM-DD`` date falls in."""

def quarter_info(quarter: Any) -> Tuple[str, str, Tuple[int, int]]:
    """First day, last day and the next quarter of a quarter."""

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

def evaluate(catalog: Catalog, evidence: List[Any], period: Any, as_of: str) -> str:
    """Evaluates the catalog over a period as of a date; evidence is a list of ``(seq,
    Evidence, recorded_at or None, proven_by or None)`` tuples; returns the report's
    canonical JSON."""

def render_report(report: Any, format: str) -> str:
    """Renders a report as ``text``, ``json``, ``markdown``/``md`` or ``html``."""

def render_oscal(
    report: Any, document: str, locker: Optional[Locker] = None, origin: Optional[str] = None
) -> str:
    """Renders a report as OSCAL: ``ar`` (assessment results) or ``poam``."""

def sample_company(year: int) -> str:
    """The sample company's evidence for ``year`` as a JSON array."""

def sample_company_catalog_toml() -> str:
    """The sample company's catalog file (TOML): its in-scope systems, repositories and
    critical vendors."""

def evaluate_locker(catalog: Catalog, locker: Locker, period: Any, as_of: str) -> str:
    """Evaluates the catalog against every record of a locker; returns the report's JSON."""

def workpapers(
    catalog: Catalog, evidence: Union[Locker, List[Any]], period: Any, as_of: str
) -> List[Tuple[str, bytes]]:
    """The workpapers as ``(relative path, CSV bytes)`` pairs, in path order."""

def request_list(
    catalog: Catalog, evidence: Union[Locker, List[Any]], period: Any, as_of: str
) -> str:
    """The evidence request list as canonical JSON."""

def render_request_list(list: Any, format: str) -> bytes:
    """Renders a request list as ``markdown`` (or ``md``) or ``csv``."""

def sample(
    catalog: Catalog,
    evidence: Union[Locker, List[Any]],
    period: Any,
    as_of: str,
    control: str,
    size: Optional[int] = None,
    seed: Optional[str] = None,
) -> str:
    """A sample of a control's population as canonical JSON."""

@final
class Appended:
    """The result of adding a record: its sequence number, leaf hash and ``recorded_at``."""

    @property
    def seq(self) -> int:
        """The new record's sequence number."""
    @property
    def leaf_hash(self) -> str:
        """Its leaf hash, SHA-256(0x00 ‖ canonical bytes), as hex."""
    @property
    def recorded_at(self) -> datetime.datetime:
        """When the locker recorded it (UTC)."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class AppendedList(Sequence[Appended]):
    """What ``Locker.add_batch`` returns: one ``Appended`` per record, in order, as a
    read-only sequence whose items are made when read."""

    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, key: int, /) -> Appended: ...
    @overload
    def __getitem__(self, key: slice, /) -> List[Appended]: ...
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...

@final
class TornTail:
    """Bytes after the ledger's last newline: an append that a crash interrupted."""

    @property
    def offset(self) -> int:
        """Where the torn line starts in the ledger file."""
    @property
    def len(self) -> int:
        """How many bytes it has."""
    @property
    def line(self) -> int:
        """The 1-based line number it would have had."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class Checkpoint:
    """A commitment to the first ``size`` records of a locker: the Merkle tree root over
    them, in the C2SP ``tlog-checkpoint`` text form (origin, size, base64 root)."""

    def __new__(cls, origin: str, size: int, root: str) -> Checkpoint: ...
    @staticmethod
    def parse(text: Union[str, bytes]) -> Checkpoint:
        """Parses the text form (three lines, each ending in a newline), as ``str`` or
        ``bytes``."""
    @property
    def origin(self) -> str:
        """The locker's origin name."""
    @property
    def size(self) -> int:
        """The number of records committed to."""
    @property
    def root(self) -> str:
        """The Merkle tree root of their leaf hashes, as hex."""
    def to_text(self) -> str:
        """The text form: origin, size and base64 root, each line ending in a newline."""
    def __eq__(self, other: object, /) -> bool: ...
    def __ne__(self, other: object, /) -> bool: ...
    def __hash__(self) -> int: ...

@final
class FsckReport:
    """What fsck found: every problem, and what is reported without being damage."""

    @property
    def lines(self) -> int:
        """Complete lines in the ledger (records, sound or not)."""
    @property
    def problems(self) -> List[Exception]:
        """Every problem, in ledger order then blobs: the exception each would raise
        (``IntegrityError`` for damage), not raised."""
    @property
    def torn_tail(self) -> Optional[TornTail]:
        """A torn final line (an interrupted append): reported, but not damage."""
    @property
    def blobs_checked(self) -> int:
        """Blobs re-hashed."""
    @property
    def unreferenced_blobs(self) -> List[str]:
        """Stored blobs (hex) that no record refers to: not damage."""
    @property
    def leftover_temp_files(self) -> List[str]:
        """Files left in ``tmp/`` by an interrupted attachment: not damage."""
    @property
    def checkpoint(self) -> Optional[Checkpoint]:
        """The checkpoint of the ledger as read, when it is sound."""
    @property
    def is_sound(self) -> bool:
        """Whether no damage was found."""
    def __bool__(self) -> bool: ...

@final
class Locker:
    """An open evidence locker (soc2-core's ``Locker``); use ``soc2.Locker``."""

    @staticmethod
    def init(path: str, origin: str) -> Locker: ...
    @staticmethod
    def open(path: str) -> Locker: ...
    def refresh(self) -> int: ...
    def fsck(self, progress: Optional[Callable[[int, int], object]] = None) -> FsckReport: ...
    @property
    def path(self) -> str: ...
    @property
    def origin(self) -> str: ...
    def __len__(self) -> int: ...
    @property
    def torn_tail(self) -> Optional[TornTail]: ...
    def leaf_hashes(self) -> List[str]: ...
    @property
    def root(self) -> str: ...
    def checkpoint(self) -> Checkpoint: ...
    def inclusion_proof(self, seq: int) -> List[str]: ...
    def consistency_proof(self, old_size: int) -> List[str]: ...
    def verify_checkpoint(self, checkpoint: Checkpoint) -> None: ...
    def record(self, seq: int) -> str: ...
    def records_json(self, start: int, stop: int) -> str: ...
    def records_for_control(self, control: str) -> str: ...
    def records_of_kind(self, kind: str) -> str: ...
    def records_observed_between(self, start: str, until: str) -> str: ...
    def add_attachment_file(
        self, path: str, media_type: Optional[str] = None, file_name: Optional[str] = None
    ) -> str: ...
    def add_attachment_bytes(self, data: bytes, media_type: str, file_name: str) -> str: ...
    def add_attachment_reader(self, reader: Any, media_type: str, file_name: str) -> str: ...
    def blob_path(self, sha256: str) -> str: ...
    def add(self, evidence: Any, attachments: List[str]) -> Appended: ...
    def add_batch(self, evidence: List[Any]) -> AppendedList: ...
    def add_import(
        self,
        source: str,
        paths: List[str],
        system: Optional[str] = None,
        fetched_at: Optional[str] = None,
    ) -> Tuple[AppendedList, str]: ...
    def check_import(self, seq: int) -> Tuple[bool, str, str, int, str]: ...

def import_files(
    source: str,
    paths: List[str],
    system: Optional[str] = None,
    fetched_at: Optional[str] = None,
) -> str:
    """Runs the importer ``source`` over the files at ``paths``; returns the result as JSON."""

def list_import_sources() -> List[Tuple[str, str, str, str]]:
    """Every source: ``(name, evidence kind, default system, what it reads)``."""

def fsck(path: str, progress: Optional[Callable[[int, int], object]] = None) -> FsckReport:
    """Checks the locker in ``path`` completely and lists every problem, calling
    ``progress``."""

def leaf_hash(data: Union[str, bytes]) -> str:
    """The RFC 9162 leaf hash (hex) of ``data`` (a ``str`` as UTF-8)."""

def merkle_root(leaves: List[str]) -> str:
    """The RFC 9162 Merkle tree root (hex) over leaf hashes (hex)."""

def verify_inclusion(leaf_hash: str, index: int, size: int, proof: List[str], root: str) -> None:
    """Checks an inclusion proof."""

def verify_consistency(
    old_size: int, new_size: int, old_root: str, new_root: str, proof: List[str]
) -> None:
    """Checks a consistency proof."""

def media_type(path: str) -> str:
    """The media type soc2 records for a file attachment with this name."""

@final
class Signer:
    """An Ed25519 key that signs bundles, with the principal (identity) it signs as. The
    private key never leaves it."""

    @staticmethod
    def load(
        path: _Path, passphrase: Optional[bytes] = None, principal: Optional[str] = None
    ) -> Signer:
        """Reads an OpenSSH Ed25519 private key file (decrypting it with ``passphrase``);
        it signs as ``principal`` when given, else as the key's comment (when a valid
        principal) or ``soc2-signer``."""
    @staticmethod
    def from_openssh(
        key: Union[str, bytes],
        passphrase: Optional[bytes] = None,
        principal: Optional[str] = None,
        what: str = "<private key>",
    ) -> Signer:
        """Reads an OpenSSH Ed25519 private key from its text, as a key file holds it
        (``str`` or ``bytes``); ``what`` names it in errors."""
    @staticmethod
    def from_env(
        variable: str = "SOC2_SIGNING_KEY",
        passphrase: Optional[bytes] = None,
        principal: Optional[str] = None,
    ) -> Signer:
        """Reads an OpenSSH Ed25519 private key from an environment variable holding the
        key file's text (a CI secret)."""
    @staticmethod
    def generate(comment: str = "soc2-signer") -> Signer:
        """A new key in memory (not written anywhere)."""
    @property
    def principal(self) -> str:
        """The principal bundles are signed as."""
    @property
    def public_key(self) -> str:
        """The public key, one OpenSSH line."""
    @property
    def fingerprint(self) -> str:
        """The key's fingerprint, ``SHA256:...``."""
    def allowed_signers_line(self) -> str:
        """The ``allowed_signers`` line an auditor adds to trust this key."""
    def sign(self, message: bytes) -> str:
        """Signs ``message`` for the bundle namespace; returns the armored SSH signature."""

@final
class TrustedSigners:
    """The keys an auditor trusts, in OpenSSH ``allowed_signers`` format."""

    @staticmethod
    def from_file(path: _Path) -> TrustedSigners:
        """Reads an ``allowed_signers`` file."""
    @staticmethod
    def parse(text: Union[str, bytes]) -> TrustedSigners:
        """Parses ``allowed_signers`` text (``str`` or ``bytes``)."""
    def __len__(self) -> int: ...

@final
class VerifiedBundle:
    """A verified bundle (soc2-core's ``VerifiedBundle``); use ``soc2.verify_bundle``."""

    @property
    def origin(self) -> str: ...
    def period_json(self) -> str: ...
    @property
    def principal(self) -> str: ...
    @property
    def fingerprint(self) -> str: ...
    @property
    def allowed_signers_line(self) -> int: ...
    @property
    def generator(self) -> Tuple[str, str]: ...
    @property
    def checkpoint(self) -> Checkpoint: ...
    @property
    def records(self) -> List[Tuple[int, str]]: ...
    def blobs_json(self) -> str: ...
    def report_json(self) -> str: ...
    def record_lines(self) -> List[Tuple[int, bytes]]: ...
    def record_line(self, seq: int) -> Optional[bytes]: ...
    def record_count(self) -> int: ...
    @property
    def root(self) -> str: ...
    def leaves(self) -> List[str]: ...
    def inclusion_proof(self, seq: int) -> str: ...

def keygen(path: _Path, comment: str = "soc2-signer", passphrase: Optional[bytes] = None) -> Signer:
    """Writes a new Ed25519 key to ``path`` and ``path.pub``."""

def export_bundle(
    locker: Locker,
    period: Any,
    report: Any,
    signer: Signer,
    out: str,
    disclose: str,
    records: List[int],
    report_files: List[Tuple[str, bytes]],
    progress: Optional[Callable[[int, int], object]] = None,
) -> Tuple[str, Checkpoint, str, str, str, int, int, int]:
    """Exports the signed bundle of a period from a locker; ``progress`` may cancel it by
    raising."""

def verify_bundle(
    path: str,
    trusted: TrustedSigners,
    identity: Optional[str] = None,
    previous: Optional[str] = None,
    tsa_ca: Optional[bytes] = None,
    progress: Optional[Callable[[int, int], object]] = None,
) -> VerifiedBundle:
    """Verifies a bundle against the trusted signers (and that it extends ``previous``;
    with ``tsa_ca``, its time-stamp tokens against those CAs), calling ``progress``."""

def sign_checkpoint(locker: Locker, signer: Signer) -> str:
    """Signs the locker's checkpoint into its checkpoints/; returns the signed note."""

def read_tsa_ca(path: str) -> bytes:
    """The TSA CA file at ``path`` (a regular file, at most 1 MiB)."""

def timestamp_request(locker: Locker) -> bytes:
    """An RFC 3161 query (DER) over the locker's newest signed checkpoint."""

def store_timestamp(
    locker: Locker, request: bytes, response: bytes, tsa_ca: bytes
) -> Tuple[int, str, str, str, str]:
    """Checks a TSA's reply to ``request`` against ``tsa_ca`` (PEM) and stores it."""

def timestamp(locker: Locker, url: str, tsa_ca: bytes) -> Tuple[int, str, str, str, str]:
    """Timestamps the newest signed checkpoint with the TSA at ``url`` (HTTP POST)."""

def inclusion_proof_from_locker(locker: Locker, seq: int) -> str:
    """The inclusion proof (JSON) of a record in the locker's current checkpoint."""

def verify_inclusion_proof(proof_json: str, record_line: bytes, trusted: Checkpoint) -> None:
    """Checks an inclusion proof against a record line and a trusted checkpoint."""
