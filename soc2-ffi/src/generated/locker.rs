// Generated from soc2-core's definitions by soc2-ffi-mirrors: do not edit.
// Regenerate with `SOC2_UPDATE_MIRRORS=1 cargo test -p soc2-ffi-mirrors`.

use soc2_core::ledger::TornTail;
use soc2_core::model::Evidence;
use soc2_core::model::Record;
use soc2_core::model::Sha256Digest;
use soc2_core::model::Timestamp;

/// One entry of the evidence locker's append-only ledger: a piece of evidence, its
/// position and the hash of the entry before it.
///
/// The ledger stores each record as exactly its RFC 8785 canonical bytes on one line.
/// Its leaf hash is `SHA-256(0x00 ‖ those bytes)` (RFC 9162), and `prev` carries the leaf
/// hash of record `seq − 1`, so changing any record breaks the chain after it.
#[uniffi::remote(Record)]
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

/// Bytes after the ledger's last newline: an append that a crash interrupted. It is not
/// a record; the next append cuts it away.
#[uniffi::remote(Record)]
pub struct TornTail {
    /// Where the torn line starts in the ledger file.
    pub offset: u64,
    /// How many bytes it has.
    pub len: u64,
    /// The 1-based line number it would have had.
    pub line: u64,
}
