//! The evidence locker: an append-only, tamper-evident store of evidence on a plain
//! directory.
//!
//! A locker directory holds (see `docs/locker-format.md` for the versioned spec):
//!
//! - `locker.json`: the header, the format version and the locker's `origin` name;
//! - `ledger.jsonl`: the ledger, one [`Record`] per line, each line exactly the record's
//!   RFC 8785 canonical bytes, each record carrying the leaf hash of the one before;
//! - `blobs/sha256/<first two hex>/<hex>`: attachments, stored once per content;
//! - `lock`: the file writers lock (and readers share) to serialise appends;
//! - `tmp/`: attachments being written;
//! - `checkpoints/`: every checkpoint signed so far, append-only ([`signed`]).
//!
//! The records are the leaves of an RFC 9162 Merkle tree ([`merkle`]); a
//! [`Checkpoint`] commits to its size and root, and [`Locker::inclusion_proof`] /
//! [`Locker::consistency_proof`] prove a record is in it and that a later locker only
//! appended to an earlier one.
//!
//! Guarantees:
//! - **Tamper-evident**: opening verifies every record (canonical form, sequence, hash
//!   chain, attachment present with its size) and fails on the first problem;
//!   [`fsck`] also re-hashes every blob and lists *all* problems, each naming the
//!   record (seq and line) or blob (hex). Nothing is repaired silently. The last record
//!   has no successor to commit to it: compare against a checkpoint kept elsewhere
//!   ([`Locker::verify_checkpoint`]) to protect it too.
//! - **Crash-safe**: an append writes whole lines and fsyncs before returning. A crash
//!   mid-append leaves at most a torn final line (no trailing `\n`), which is reported,
//!   ignored, and cut away by the next append under the lock.
//! - **Concurrent writers**: appends take an exclusive lock on `lock` shared by all
//!   processes and re-read what others appended first; readers take a shared lock, so
//!   they never see an append in flight.
//!
//! ```no_run
//! # fn main() -> soc2_core::Result<()> {
//! use soc2_core::ledger::Locker;
//! # let evidence: soc2_core::model::Evidence = todo!();
//! let mut locker = Locker::init("evidence", "example.com/soc2/acme")?;
//! let report = locker.add_attachment_file("review.csv", "text/csv", "review.csv")?;
//! let mut evidence = evidence;
//! evidence.attachments.push(report);
//! let appended = locker.append(evidence)?;
//! println!("record {} leaf {}", appended.seq, hex::encode(appended.leaf_hash));
//! print!("{}", locker.checkpoint().to_text());
//! # Ok(()) }
//! ```

mod blobs;
pub mod checkpoint;
pub mod error;
mod fsck;
mod locker;
mod media;
pub mod merkle;
pub mod note;
mod scan;
pub mod signed;
pub mod timestamp;

pub use crate::model::Record;
pub use checkpoint::{Checkpoint, CheckpointError};
pub use error::LedgerError;
pub use fsck::{FsckReport, fsck, fsck_with, fsck_with_progress};
pub use locker::{Appended, AppendedBatch, AttachmentStore, Locker, Records, TornTail};
pub use media::media_type_for;
pub use merkle::Hash;
pub use signed::{CHECKPOINT_NAMESPACE, CHECKPOINTS_DIR, SignedCheckpoint};
pub use timestamp::{TimestampError, TimestampRequest, TsaTrust, VerifiedTimestamp};

/// The locker format version this library reads and writes.
pub const FORMAT_VERSION: u64 = 1;
/// The `format` value of every locker header.
pub const FORMAT_NAME: &str = "soc2-locker";
/// The header file's name inside the locker directory.
pub const HEADER_FILE: &str = "locker.json";
/// The ledger file's name inside the locker directory.
pub const LEDGER_FILE: &str = "ledger.jsonl";
/// The lock file's name inside the locker directory.
pub const LOCK_FILE: &str = "lock";
/// The blob store's directory inside the locker directory.
pub const BLOBS_DIR: &str = "blobs";
/// Where attachments are written before they are renamed into the blob store.
pub const TMP_DIR: &str = "tmp";
