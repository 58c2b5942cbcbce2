//! Everything that can go wrong with an evidence locker.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::error::{Classify, ErrorClass};
use crate::json::JsonError;
use crate::model::Sha256Digest;

use super::checkpoint::CheckpointError;
use super::merkle::ProofError;
use super::timestamp::TimestampError;

/// A problem with a locker: damage found while reading it, an append refused, a proof
/// that cannot be given, or a file operation that failed.
///
/// Damage variants name the record (its `seq` and 1-based `line` in the ledger file) or
/// the blob (its hex SHA-256), so that the message alone locates what was changed.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// Reading or writing a file of the locker failed.
    #[error("{}", IoDisplay(.path, .source))]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// The directory has no locker header: it is not a locker (or the header was deleted).
    #[error("{path}: not an evidence locker (no header file)")]
    NotALocker {
        /// The header file that is missing.
        path: PathBuf,
    },

    /// The locker has a header but no ledger file: all its records were removed.
    #[error("{path}: the ledger is missing (all records removed)")]
    MissingLedger {
        /// The ledger file that should exist.
        path: PathBuf,
    },

    /// `init` was asked to create a locker where one already exists.
    #[error("{path}: a locker already exists here")]
    AlreadyExists {
        /// The existing header file.
        path: PathBuf,
    },

    /// The header file exists but is not a valid header.
    #[error("{path}: invalid locker header: {reason}")]
    InvalidHeader {
        /// The header file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },

    /// The header names a format version this library does not read.
    #[error(
        "{path}: locker format version {version} is not supported (this library reads version {supported})"
    )]
    UnsupportedVersion {
        /// The header file.
        path: PathBuf,
        /// The version it declares.
        version: u64,
        /// The version this library reads and writes.
        supported: u64,
    },

    /// A locker origin name breaks the rules of the checkpoint format.
    #[error("invalid origin {origin:?}: {reason}")]
    InvalidOrigin {
        /// The rejected name.
        origin: String,
        /// Which rule it breaks.
        reason: &'static str,
    },

    /// A ledger line is not a valid record (malformed JSON, a field that does not fit the
    /// model, a value the strict parser rejects). `seq` is the one the line should carry.
    #[error("record {seq} (line {line}): not a valid record: {error}")]
    InvalidRecord {
        /// The sequence number expected at this line.
        seq: u64,
        /// 1-based line in the ledger file.
        line: u64,
        /// What the parser rejected, with its path inside the record.
        error: JsonError,
    },

    /// A ledger line parses, but is not byte-for-byte the canonical (RFC 8785) form of the
    /// record it holds: it was edited (re-indented, keys reordered, escapes changed...).
    #[error("record {seq} (line {line}): not in canonical form (the line was edited)")]
    NotCanonical {
        /// The record's sequence number.
        seq: u64,
        /// 1-based line in the ledger file.
        line: u64,
    },

    /// A record does not carry the sequence number of its position: records were
    /// removed, inserted or reordered before it.
    #[error(
        "line {line}: expected record {expected}, found record {found} (records removed, inserted or reordered)"
    )]
    SeqMismatch {
        /// 1-based line in the ledger file.
        line: u64,
        /// The sequence number this position should hold.
        expected: u64,
        /// The sequence number the record carries.
        found: u64,
    },

    /// A record's `prev` is not the leaf hash of the line before it: that earlier record
    /// was altered (or this record's `prev` was).
    #[error(
        "record {prev_seq} (line {prev_line}) was altered (or the prev of record {seq}, \
         line {line}): it hashes to {expected}, but record {seq} says prev {found}"
    )]
    ChainBroken {
        /// The record whose `prev` does not match.
        seq: u64,
        /// Its 1-based line.
        line: u64,
        /// The sequence number of the record before it (the one probably altered).
        prev_seq: u64,
        /// The 1-based line of the record before it.
        prev_line: u64,
        /// The leaf hash of the line before, as stored now.
        expected: Sha256Digest,
        /// The `prev` the record carries.
        found: Sha256Digest,
    },

    /// The first line's `prev` is not 64 zeros: records before it were removed, or it
    /// was altered.
    #[error("record {seq} (line {line}): first record, but its prev is {found}, not 64 zeros")]
    BadGenesis {
        /// The sequence number the first line carries.
        seq: u64,
        /// Its 1-based line (1).
        line: u64,
        /// The `prev` it carries.
        found: Sha256Digest,
    },

    /// A record refers to an attachment whose blob is not in `blobs/`.
    #[error("record {seq} (line {line}): attachment blob {sha256} is missing")]
    MissingBlob {
        /// The record's sequence number.
        seq: u64,
        /// Its 1-based line.
        line: u64,
        /// The missing blob's SHA-256.
        sha256: Sha256Digest,
    },

    /// A record refers to a blob whose size on disk is not the size the record declares.
    #[error(
        "record {seq} (line {line}): blob {sha256} has {actual} bytes, the record says {declared}"
    )]
    BlobSizeMismatch {
        /// The record's sequence number.
        seq: u64,
        /// Its 1-based line.
        line: u64,
        /// The blob's SHA-256.
        sha256: Sha256Digest,
        /// The size the record declares.
        declared: u64,
        /// The size of the file in `blobs/`.
        actual: u64,
    },

    /// A blob's content no longer hashes to the name it is stored under.
    #[error("blob {sha256} ({path}): content was altered, it now hashes to {actual}")]
    BlobCorrupt {
        /// The SHA-256 the blob is stored under.
        sha256: Sha256Digest,
        /// Its file.
        path: PathBuf,
        /// What its content hashes to now.
        actual: Sha256Digest,
    },

    /// The ledger file is not a regular file (a directory, a FIFO, a device...).
    #[error("{path}: the ledger is not a regular file (it is {kind})")]
    LedgerNotRegularFile {
        /// The ledger's path.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },

    /// A blob's name holds something other than a regular file: a symbolic link
    /// (perhaps to a file outside the locker), a directory, a device...
    #[error("blob {sha256} ({path}): not a regular file (it is {kind})")]
    BlobNotRegularFile {
        /// The SHA-256 the blob is stored under.
        sha256: Sha256Digest,
        /// Its path.
        path: PathBuf,
        /// What it is instead.
        kind: &'static str,
    },

    /// A file under `blobs/` that no blob can be: a wrong name or a wrong place.
    #[error("{path}: unexpected file in the blob store")]
    UnexpectedFile {
        /// The file.
        path: PathBuf,
    },

    /// The ledger file is shorter than the records already read from it: records were
    /// removed since the locker was opened.
    #[error(
        "{path}: the ledger shrank from {expected} to {actual} bytes since it was read (records removed)"
    )]
    LedgerShrank {
        /// The ledger file.
        path: PathBuf,
        /// Its length when last read.
        expected: u64,
        /// Its length now.
        actual: u64,
    },

    /// A record already read from the ledger no longer has the bytes it had.
    #[error("record {seq} (line {line}): changed since it was read")]
    RecordChanged {
        /// The record's sequence number.
        seq: u64,
        /// Its 1-based line.
        line: u64,
    },

    /// Reading an attachment's content from its source failed.
    #[error("reading attachment {what}: {source}")]
    AttachmentRead {
        /// The attachment's source (its path or file name).
        what: String,
        /// The error the source returned.
        #[source]
        source: std::io::Error,
    },

    /// An append was refused: the evidence refers to an attachment that is not stored.
    #[error("attachment {sha256} is not stored in the locker; add it before the evidence")]
    AttachmentNotStored {
        /// The attachment's SHA-256.
        sha256: Sha256Digest,
    },

    /// An append was refused: the evidence declares an attachment size that differs from
    /// the stored blob.
    #[error("attachment {sha256} is {stored} bytes in the locker, the evidence says {declared}")]
    AttachmentSizeMismatch {
        /// The attachment's SHA-256.
        sha256: Sha256Digest,
        /// The size the evidence declares.
        declared: u64,
        /// The size of the stored blob.
        stored: u64,
    },

    /// An append was refused: the record's canonical form is larger than
    /// [`crate::input::MAX_DOCUMENT_SIZE`]. Every record is read whenever the locker is
    /// opened, so one oversized record would slow every later command.
    #[error(
        "evidence too large: its record is {size} bytes, the limit is {limit} bytes; store bulky \
         data as an attachment instead"
    )]
    RecordTooLarge {
        /// The size of the record's canonical form.
        size: u64,
        /// The limit.
        limit: u64,
    },

    /// An append was refused: `observed_at`, or a date in the payload recording when
    /// something happened, is later than the time of recording plus
    /// [`crate::model::RECORDING_CLOCK_SKEW`]. Evidence cannot show what has not
    /// happened yet.
    #[error("{}{field}: {reason}", BatchIndex(*.index))]
    FutureDated {
        /// The evidence's 0-based position in the batch appended; `None` for a single add.
        index: Option<u64>,
        /// The field's path in the evidence document (`observed_at`,
        /// `payload.background_check.completed_at`, ...).
        field: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A batch read from JSON Lines (`soc2 add --jsonl`) was refused at one of its lines;
    /// nothing of the batch was appended.
    #[error("{source_name}:{line}: {error}")]
    LineRefused {
        /// The file (or `<stdin>`) the batch was read from.
        source_name: String,
        /// The 1-based line of the refused evidence.
        line: u64,
        /// Why it was refused: an attachment not stored or of another size, a record too
        /// large, or a date in the future.
        error: Box<LedgerError>,
    },

    /// A record was asked for by a sequence number the locker does not (yet) hold.
    #[error("record {seq} does not exist (the locker holds {len} records)")]
    NoSuchRecord {
        /// The sequence number asked for.
        seq: u64,
        /// The number of records in the locker.
        len: u64,
    },

    /// A Merkle proof could not be produced or does not verify.
    #[error("merkle proof: {0}")]
    Proof(#[from] ProofError),

    /// A checkpoint's text is malformed.
    #[error(transparent)]
    Checkpoint(#[from] CheckpointError),

    /// A checkpoint does not describe this locker: another origin, more records than it
    /// holds, or a root that its records do not produce (history was rewritten).
    #[error("checkpoint ({origin}, size {size}) does not match this locker: {reason}")]
    CheckpointMismatch {
        /// The checkpoint's origin.
        origin: String,
        /// The checkpoint's tree size.
        size: u64,
        /// Why it does not match.
        reason: String,
    },

    /// A signed checkpoint in `checkpoints/` is malformed, its signatures disagree, or
    /// the locker's records contradict it (history rewritten after it was signed).
    #[error("{path}: signed checkpoint: {reason}")]
    SignedCheckpoint {
        /// Its file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },

    /// A signed checkpoint (or its timestamp) cannot be stored: one already exists for
    /// this size with other content, or it does not describe this locker.
    #[error("{path}: {reason}")]
    CheckpointRefused {
        /// The file that would have been written.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// A time-stamp response, request or TSA CA file was refused.
    #[error(transparent)]
    Timestamp(#[from] TimestampError),

    /// A stored time-stamp token (`checkpoints/<size>.tsr`) does not verify.
    #[error("{path}: {error}")]
    StoredTimestamp {
        /// Its file.
        path: PathBuf,
        /// What is wrong.
        error: TimestampError,
    },

    /// A time-stamp token cannot be stored: no signed checkpoint to timestamp, the
    /// request was for another checkpoint, or another token is stored (append-only).
    #[error("{path}: {reason}")]
    TimestampRefused {
        /// The file that would have been written (or the checkpoints directory).
        path: PathBuf,
        /// Why.
        reason: String,
    },

    /// A check ([`super::fsck_with_progress`]) was cancelled by its progress callback; it
    /// reads only, so nothing was changed.
    #[error("check cancelled: nothing was changed")]
    Cancelled,
}

impl LedgerError {
    /// Builds an [`LedgerError::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        LedgerError::Io { path: path.into(), source }
    }

    /// The sequence numbers of the records this error names as damaged or involved
    /// (empty for errors that concern no record).
    pub fn records(&self) -> Vec<u64> {
        match self {
            LedgerError::InvalidRecord { seq, .. }
            | LedgerError::NotCanonical { seq, .. }
            | LedgerError::BadGenesis { seq, .. }
            | LedgerError::MissingBlob { seq, .. }
            | LedgerError::BlobSizeMismatch { seq, .. }
            | LedgerError::RecordChanged { seq, .. } => vec![*seq],
            LedgerError::SeqMismatch { expected, found, .. } => vec![*expected, *found],
            LedgerError::ChainBroken { seq, prev_seq, .. } => vec![*prev_seq, *seq],
            _ => Vec::new(),
        }
    }

    /// Whether this error is damage to the locker (evidence changed, removed, reordered
    /// or missing), as opposed to a refused request, bad input or a failed operation:
    /// its class is [`ErrorClass::Integrity`].
    pub fn is_damage(&self) -> bool {
        self.class() == ErrorClass::Integrity
    }

    /// The blob this error names, if any.
    pub fn blob(&self) -> Option<Sha256Digest> {
        match self {
            LedgerError::MissingBlob { sha256, .. }
            | LedgerError::BlobSizeMismatch { sha256, .. }
            | LedgerError::BlobCorrupt { sha256, .. }
            | LedgerError::BlobNotRegularFile { sha256, .. }
            | LedgerError::AttachmentNotStored { sha256 }
            | LedgerError::AttachmentSizeMismatch { sha256, .. } => Some(*sha256),
            _ => None,
        }
    }
}

/// "evidence 3 of the batch: " for an append of several records, nothing for one.
struct BatchIndex(Option<u64>);

impl fmt::Display for BatchIndex {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(i) => write!(f, "evidence {i} of the batch: "),
            None => Ok(()),
        }
    }
}

/// fs_err's messages already name the path; std's do not. Print the path once either way.
struct IoDisplay<'a>(&'a Path, &'a std::io::Error);

impl fmt::Display for IoDisplay<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let msg = self.1.to_string();
        if msg.contains(&*self.0.to_string_lossy()) {
            f.write_str(&msg)
        } else {
            write!(f, "{}: {msg}", self.0.display())
        }
    }
}

impl Classify for LedgerError {
    fn code(&self) -> crate::error::ErrorCode {
        use crate::error::ErrorCode as C;
        match self {
            LedgerError::Io { .. } => C::LedgerIo,
            LedgerError::Cancelled => C::LedgerCancelled,
            LedgerError::NotALocker { .. } => C::LedgerNotALocker,
            LedgerError::MissingLedger { .. } => C::LedgerMissingLedger,
            LedgerError::AlreadyExists { .. } => C::LedgerAlreadyExists,
            LedgerError::InvalidHeader { .. } => C::LedgerInvalidHeader,
            LedgerError::UnsupportedVersion { .. } => C::LedgerUnsupportedVersion,
            LedgerError::InvalidOrigin { .. } => C::LedgerInvalidOrigin,
            LedgerError::InvalidRecord { .. } => C::LedgerInvalidRecord,
            LedgerError::NotCanonical { .. } => C::LedgerNotCanonical,
            LedgerError::SeqMismatch { .. } => C::LedgerSeqMismatch,
            LedgerError::ChainBroken { .. } => C::LedgerChainBroken,
            LedgerError::BadGenesis { .. } => C::LedgerBadGenesis,
            LedgerError::MissingBlob { .. } => C::LedgerMissingBlob,
            LedgerError::BlobSizeMismatch { .. } => C::LedgerBlobSizeMismatch,
            LedgerError::BlobCorrupt { .. } => C::LedgerBlobCorrupt,
            LedgerError::UnexpectedFile { .. } => C::LedgerUnexpectedFile,
            LedgerError::LedgerShrank { .. } => C::LedgerShrank,
            LedgerError::RecordChanged { .. } => C::LedgerRecordChanged,
            LedgerError::AttachmentRead { .. } => C::LedgerAttachmentRead,
            LedgerError::AttachmentNotStored { .. } => C::LedgerAttachmentNotStored,
            LedgerError::AttachmentSizeMismatch { .. } => C::LedgerAttachmentSizeMismatch,
            LedgerError::NoSuchRecord { .. } => C::LedgerNoSuchRecord,
            LedgerError::LedgerNotRegularFile { .. } => C::LedgerNotRegularFile,
            LedgerError::BlobNotRegularFile { .. } => C::LedgerBlobNotRegularFile,
            LedgerError::RecordTooLarge { .. } => C::LedgerRecordTooLarge,
            LedgerError::FutureDated { .. } => C::LedgerFutureDated,
            LedgerError::LineRefused { error, .. } => error.code(),
            LedgerError::Proof(p) => p.code(),
            LedgerError::Checkpoint(_) => C::LedgerCheckpointMalformed,
            LedgerError::CheckpointMismatch { .. } => C::LedgerCheckpointMismatch,
            LedgerError::SignedCheckpoint { .. } => C::LedgerSignedCheckpointInvalid,
            LedgerError::CheckpointRefused { .. } => C::LedgerCheckpointRefused,
            LedgerError::Timestamp(e) | LedgerError::StoredTimestamp { error: e, .. } => {
                timestamp_code(e)
            }
            LedgerError::TimestampRefused { .. } => C::LedgerTimestampRefused,
        }
    }

    fn subject(&self) -> crate::error::Subject {
        let mut s = crate::error::Subject {
            records: self.records(),
            blob: self.blob(),
            reason: Some(self.to_string()),
            ..Default::default()
        };
        match self {
            LedgerError::Io { path, source } => {
                s.path = Some(path.clone());
                s.reason = Some(source.to_string());
            }
            LedgerError::NotALocker { path }
            | LedgerError::MissingLedger { path }
            | LedgerError::AlreadyExists { path }
            | LedgerError::InvalidHeader { path, .. }
            | LedgerError::UnsupportedVersion { path, .. }
            | LedgerError::BlobCorrupt { path, .. }
            | LedgerError::UnexpectedFile { path }
            | LedgerError::LedgerShrank { path, .. }
            | LedgerError::LedgerNotRegularFile { path, .. }
            | LedgerError::BlobNotRegularFile { path, .. }
            | LedgerError::SignedCheckpoint { path, .. }
            | LedgerError::CheckpointRefused { path, .. }
            | LedgerError::StoredTimestamp { path, .. }
            | LedgerError::TimestampRefused { path, .. } => s.path = Some(path.clone()),
            LedgerError::InvalidOrigin { .. } => s.field = Some("origin".into()),
            LedgerError::InvalidRecord { line, error, .. } => {
                s.line = *line;
                s.field = Some(error.path.clone());
            }
            LedgerError::NotCanonical { line, .. }
            | LedgerError::SeqMismatch { line, .. }
            | LedgerError::ChainBroken { line, .. }
            | LedgerError::BadGenesis { line, .. }
            | LedgerError::MissingBlob { line, .. }
            | LedgerError::BlobSizeMismatch { line, .. }
            | LedgerError::RecordChanged { line, .. } => s.line = *line,
            // The attachment's name is not a path: it goes in `source`.
            LedgerError::AttachmentRead { what, source } => {
                s.source = Some(what.clone());
                s.reason = Some(source.to_string());
            }
            LedgerError::AttachmentNotStored { .. }
            | LedgerError::AttachmentSizeMismatch { .. } => s.field = Some("attachments".into()),
            LedgerError::NoSuchRecord { seq, .. } => s.records = vec![*seq],
            LedgerError::FutureDated { field, reason, .. } => {
                s.field = Some(field.clone());
                s.reason = Some(reason.clone());
            }
            LedgerError::Proof(p) => s = p.subject(),
            LedgerError::LineRefused { source_name, line, error } => {
                s = error.subject();
                s.source = Some(source_name.clone());
                s.line = *line;
            }
            LedgerError::Checkpoint(_) => s.field = Some("checkpoint".into()),
            _ => {}
        }
        s
    }

    fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            LedgerError::Io { source, .. } | LedgerError::AttachmentRead { source, .. } => {
                Some(source)
            }
            _ => None,
        }
    }
}

fn timestamp_code(e: &TimestampError) -> crate::error::ErrorCode {
    use crate::error::ErrorCode as C;
    match e {
        TimestampError::TooLarge { .. } => C::LedgerTimestampTooLarge,
        TimestampError::Malformed { .. } => C::LedgerTimestampMalformed,
        TimestampError::NotGranted { .. } => C::LedgerTimestampNotGranted,
        TimestampError::ImprintMismatch { .. } => C::LedgerTimestampImprintMismatch,
        TimestampError::NonceMismatch { .. } => C::LedgerTimestampNonceMismatch,
        TimestampError::BadSignature { .. } => C::LedgerTimestampBadSignature,
        TimestampError::UnsupportedAlgorithm { .. } => C::LedgerTimestampUnsupportedAlgorithm,
        TimestampError::NotTimestampingCert { .. } => C::LedgerTimestampNotTsa,
        TimestampError::Untrusted { .. } => C::LedgerTimestampUntrusted,
        TimestampError::CaInvalid { .. } => C::LedgerTimestampCaInvalid,
        TimestampError::TsaUnreachable { .. } => C::LedgerTimestampTsaUnreachable,
    }
}
