//! `manifest.json`: what the bundle claims, in one document.

use serde::{Deserialize, Serialize};

use crate::model::{AuditPeriod, Sha256Digest};

/// The content of `manifest.json`.
///
/// Written with sorted keys and two-space indentation; read with the strict JSON rules
/// of [`crate::json`] (unknown fields and duplicate keys are rejected).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    /// Always [`super::FORMAT_NAME`].
    pub format: String,
    /// The bundle format version, [`super::FORMAT_VERSION`].
    pub format_version: u64,
    /// The locker's origin name, also the first line of `checkpoint`.
    pub origin: String,
    /// The audit period the bundle was exported for.
    pub period: AuditPeriod,
    /// The program that wrote the bundle.
    pub generator: Generator,
    /// Who signed `SHA256SUMS`.
    pub signer: ManifestSigner,
    /// The checkpoint: the whole locker at export time.
    pub checkpoint: ManifestCheckpoint,
    /// The disclosed records, in `seq` order, as `records.jsonl` holds them.
    pub records: Vec<DisclosedRecord>,
    /// The attachments of the disclosed records, by SHA-256, in hex order.
    pub blobs: Vec<DisclosedBlob>,
    /// The files under `report/`, in name order.
    pub report: Vec<ReportEntry>,
}

/// The program that wrote a bundle.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Generator {
    /// Its name, e.g. `soc2`.
    pub name: String,
    /// Its version.
    pub version: String,
}

/// The signer named in the manifest. Informational: verification trusts only the key
/// the auditor supplies, and checks that this one is the same.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestSigner {
    /// The principal the bundle was signed as.
    pub principal: String,
    /// The public key, OpenSSH form without comment (`ssh-ed25519 AAAA...`).
    pub public_key: String,
    /// Its SHA-256 fingerprint (`SHA256:...`).
    pub fingerprint: String,
}

/// The checkpoint as the manifest records it (the `checkpoint` member is authoritative
/// and must agree).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestCheckpoint {
    /// The number of records in the locker at export time.
    pub size: u64,
    /// The RFC 9162 Merkle root over all of them, lower-case hex.
    pub root: Sha256Digest,
}

/// A record disclosed in `records.jsonl`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosedRecord {
    /// Its sequence number in the locker.
    pub seq: u64,
    /// Its leaf hash, `SHA-256(0x00 ‖ line)`.
    pub leaf_hash: Sha256Digest,
}

/// An attachment included under `blobs/sha256/<hex>`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisclosedBlob {
    /// Its SHA-256, also its member name.
    pub sha256: Sha256Digest,
    /// Its size in bytes.
    pub size: u64,
}

/// A file under `report/`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportEntry {
    /// Its member name, starting with `report/`.
    pub name: String,
    /// Its SHA-256.
    pub sha256: Sha256Digest,
    /// Its size in bytes.
    pub size: u64,
}
