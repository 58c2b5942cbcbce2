// Generated from soc2-core's definitions by soc2-ffi-mirrors: do not edit.
// Regenerate with `SOC2_UPDATE_MIRRORS=1 cargo test -p soc2-ffi-mirrors`.

use soc2_core::bundle::DisclosedBlob;
use soc2_core::bundle::DisclosedRecord;
use soc2_core::bundle::Generator;
use soc2_core::bundle::InclusionProof;
use soc2_core::bundle::ReportEntry;
use soc2_core::model::Sha256Digest;

/// A record disclosed in `records.jsonl`.
#[uniffi::remote(Record)]
pub struct DisclosedRecord {
    /// Its sequence number in the locker.
    pub seq: u64,
    /// Its leaf hash, `SHA-256(0x00 ‖ line)`.
    pub leaf_hash: Sha256Digest,
}

/// An attachment included under `blobs/sha256/<hex>`.
#[uniffi::remote(Record)]
pub struct DisclosedBlob {
    /// Its SHA-256, also its member name.
    pub sha256: Sha256Digest,
    /// Its size in bytes.
    pub size: u64,
}

/// A file under `report/`.
#[uniffi::remote(Record)]
pub struct ReportEntry {
    /// Its member name, starting with `report/`.
    pub name: String,
    /// Its SHA-256.
    pub sha256: Sha256Digest,
    /// Its size in bytes.
    pub size: u64,
}

/// The program that wrote a bundle.
#[uniffi::remote(Record)]
pub struct Generator {
    /// Its name, e.g. `soc2`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// A proof that the record at `seq` is in the tree of `tree_size` records whose root is
/// `root` (a checkpoint of `origin`).
///
/// Serialises to JSON with hex hashes, to hand to someone who holds the checkpoint (from
/// a verified bundle) and the record's line (from its `records.jsonl`).
#[uniffi::remote(Record)]
pub struct InclusionProof {
    /// The locker's origin name.
    pub origin: String,
    /// The checkpoint's tree size.
    pub tree_size: u64,
    /// The checkpoint's root.
    pub root: Sha256Digest,
    /// The record's sequence number, which is its leaf index.
    pub seq: u64,
    /// The record's leaf hash, `SHA-256(0x00 ‖ line)`.
    pub leaf_hash: Sha256Digest,
    /// The audit path, from the leaf's sibling up to the root's child.
    pub path: Vec<Sha256Digest>,
}
