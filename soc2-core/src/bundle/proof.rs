//! Inclusion proofs: that one disclosed record is in a checkpoint, checkable with the
//! record's line and the checkpoint alone (RFC 9162, section 2.1.3).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::json::from_json_slice;
use crate::ledger::merkle::{self, leaf_hash};
use crate::ledger::{Checkpoint, Hash, LedgerError, Locker};
use crate::model::{Record, Sha256Digest};

use super::error::BundleError;

/// A proof that the record at `seq` is in the tree of `tree_size` records whose root is
/// `root` (a checkpoint of `origin`).
///
/// Serialises to JSON with hex hashes, to hand to someone who holds the checkpoint (from
/// a verified bundle) and the record's line (from its `records.jsonl`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
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

impl InclusionProof {
    /// Proves that record `seq` is in the locker's current checkpoint.
    pub fn from_locker(locker: &Locker, seq: u64) -> Result<InclusionProof> {
        if seq >= locker.len() {
            return Err(LedgerError::NoSuchRecord { seq, len: locker.len() }.into());
        }
        Ok(InclusionProof::from_leaves(locker.origin(), locker.leaf_hashes(), seq)?)
    }

    /// Proves that leaf `seq` is in the tree of all `leaves`.
    pub(crate) fn from_leaves(
        origin: &str,
        leaves: &[Hash],
        seq: u64,
    ) -> Result<InclusionProof, BundleError> {
        let size = leaves.len() as u64;
        let path = merkle::inclusion_proof(leaves, seq, size)?;
        let leaf = usize::try_from(seq)
            .ok()
            .and_then(|i| leaves.get(i))
            .ok_or(BundleError::Proof(merkle::ProofError::IndexOutOfRange { index: seq, size }))?;
        Ok(InclusionProof {
            origin: origin.to_owned(),
            tree_size: size,
            root: Sha256Digest(merkle::root(leaves)),
            seq,
            leaf_hash: Sha256Digest(*leaf),
            path: path.into_iter().map(Sha256Digest).collect(),
        })
    }

    /// The checkpoint the proof is for.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint { origin: self.origin.clone(), size: self.tree_size, root: self.root.0 }
    }

    /// Checks that `record_line` (a line of `records.jsonl`, without its newline) is the
    /// record this proof is for, and that it is in `trusted`, a checkpoint the caller
    /// trusts (e.g. [`super::VerifiedBundle::checkpoint`]).
    pub fn verify(&self, record_line: &[u8], trusted: &Checkpoint) -> Result<(), BundleError> {
        let fail = |reason: String| BundleError::InclusionProof { seq: self.seq, reason };
        if self.checkpoint() != *trusted {
            return Err(fail(format!(
                "it is for checkpoint ({}, size {}, root {}), not the trusted ({}, size {}, root {})",
                self.origin,
                self.tree_size,
                self.root,
                trusted.origin,
                trusted.size,
                hex::encode(trusted.root)
            )));
        }
        let record: Record = from_json_slice(record_line)
            .map_err(|e| fail(format!("the record line is not a record: {e}")))?;
        if record.seq != self.seq {
            return Err(fail(format!(
                "the record line is record {}, not {}",
                record.seq, self.seq
            )));
        }
        let leaf = leaf_hash(record_line);
        if leaf != self.leaf_hash.0 {
            return Err(fail(format!(
                "the record line hashes to leaf {}, the proof is for {}",
                hex::encode(leaf),
                self.leaf_hash
            )));
        }
        let path: Vec<Hash> = self.path.iter().map(|h| h.0).collect();
        merkle::verify_inclusion(&leaf, self.seq, trusted.size, &path, &trusted.root)
            .map_err(|e| fail(e.to_string()))
    }
}
