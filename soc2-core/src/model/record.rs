//! A record: one line of the evidence locker's ledger.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::common::Sha256Digest;
use super::evidence::Evidence;
use super::time::Timestamp;

/// One entry of the evidence locker's append-only ledger: a piece of evidence, its
/// position and the hash of the entry before it.
///
/// The ledger stores each record as exactly its RFC 8785 canonical bytes on one line.
/// Its leaf hash is `SHA-256(0x00 ‖ those bytes)` (RFC 9162), and `prev` carries the leaf
/// hash of record `seq − 1`, so changing any record breaks the chain after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Record {
    /// Position in the ledger, counting from 0.
    pub seq: u64,
    /// Leaf hash of record `seq − 1` as lower-case hex; 64 zeros for record 0.
    pub prev: Sha256Digest,
    /// When the locker recorded the evidence (not when it was observed or collected).
    pub recorded_at: Timestamp,
    /// The evidence recorded.
    pub evidence: Evidence,
}

impl Record {
    /// The `prev` of record 0: 32 zero bytes.
    pub const GENESIS_PREV: Sha256Digest = Sha256Digest([0; 32]);
}
