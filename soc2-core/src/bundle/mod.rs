//! Evidence bundles: what the auditor receives.
//!
//! One zip per audit period (the versioned spec is `docs/bundle-format.md`) proves which
//! evidence existed, that it has not changed since it was recorded, and who vouches for
//! it. It holds:
//!
//! | member | what it is |
//! | --- | --- |
//! | `manifest.json` | format, origin, period, generator, signer, checkpoint, disclosed records, blobs and report files ([`Manifest`]) |
//! | `records.jsonl` | the disclosed records, each line exactly the record's canonical bytes as stored in the locker |
//! | `leaves` | every leaf hash of the locker up to the checkpoint, lower-case hex, one per line |
//! | `checkpoint` | C2SP `tlog-checkpoint` text: origin, size, base64 root |
//! | `blobs/sha256/<hex>` | the attachments of the disclosed records |
//! | `report/...` | the readiness report, when given |
//! | `VERIFY.md` | step-by-step instructions for the auditor, with stock tools |
//! | `SHA256SUMS` | GNU coreutils format, every member but itself and its signature |
//! | `SHA256SUMS.sig` | OpenSSH SSHSIG (Ed25519) signature of `SHA256SUMS`, namespace [`NAMESPACE`] |
//! | `allowed_signers` | a convenience copy of the signer's key in OpenSSH format (proves nothing) |
//! | `checkpoints/<size>.note`, `.note.sig` | the locker's signed checkpoints ([`crate::ledger::signed`]) up to the bundle's size |
//! | `checkpoints/<size>.tsr` | the RFC 3161 time-stamp response over that `.note`, when the locker has one ([`crate::ledger::timestamp`]) |
//! | `previous/checkpoint`, `previous/consistency` | with [`ExportOptions::previous`]: the previous bundle's checkpoint and the RFC 9162 consistency proof from it |
//! | `verify.py` | the auditor's stand-alone Merkle checker, Python 3 standard library only |
//!
//! - [`export`] writes a bundle from a [`Locker`](crate::ledger::Locker), an
//!   [`ExportOptions`] (period, [`DisclosureSet`], report files) and a [`Signer`];
//!   [`generate_key_files`] makes a signing key.
//! - [`verify`] checks a bundle against the [`AllowedSigners`] the auditor trusts and
//!   returns a [`VerifiedBundle`], or a [`BundleError`] naming the member, record or
//!   check that failed. The zip is read with [`archive::SafeArchive`], which rejects
//!   every hostile construct before any content is believed.
//! - [`InclusionProof`] proves that one disclosed record is in the signed checkpoint.
//! - [`sign_checkpoint`] signs a locker's checkpoint for its `checkpoints/`;
//!   [`verify_with_previous`] / [`check_extends`] check that a bundle extends an earlier
//!   one of the same locker, naming the first record that differs.
//!
//! ```no_run
//! # fn main() -> soc2_core::Result<()> {
//! use std::path::Path;
//! use soc2_core::bundle::{self, AllowedSigners, ExportOptions, Signer};
//! use soc2_core::ledger::Locker;
//!
//! let locker = Locker::open("evidence")?;
//! let signer = Signer::load(Path::new("bundle-key"), None)?;
//! let options = ExportOptions::new("2026-01-01..2026-12-31".parse().unwrap());
//! bundle::export(&locker, &options, &signer, Path::new("acme-2026.zip"))?;
//!
//! // The auditor, with the key they obtained out of band:
//! let trusted = AllowedSigners::from_file(Path::new("trusted_signers"))?;
//! let verified = bundle::verify(Path::new("acme-2026.zip"), &trusted)?;
//! println!("{} records of {} verified", verified.record_count(), verified.origin);
//! # Ok(()) }
//! ```

pub mod allowed_signers;
/// The strict zip reader and deterministic writer (the `soc2-zip` crate).
pub use soc2_zip as archive;
mod checkpoints;
mod error;
mod export;
mod manifest;
mod pipeline;
mod proof;
mod signing;
mod sums;
mod verify;
mod verify_md;

#[cfg(test)]
mod tests;

pub use allowed_signers::{AllowedSigner, AllowedSigners, AllowedSignersError};
pub use checkpoints::{read_checkpoint, sign_checkpoint};
pub use error::BundleError;
pub use export::{
    DisclosureSet, ExportOptions, ExportProgress, ExportSummary, PreparedExport, WORKPAPERS_DIR,
    export, export_relayed, export_with_progress, prepare_export,
};
pub use manifest::{
    DisclosedBlob, DisclosedRecord, Generator, Manifest, ManifestCheckpoint, ManifestSigner,
    ReportEntry,
};
pub use proof::InclusionProof;
pub use signing::{DEFAULT_PRINCIPAL, PASSPHRASE_ENV, Signer, check_principal, generate_key_files};
pub use verify::{
    VerifiedBundle, VerifyOptions, check_extends, verify, verify_with, verify_with_previous,
    verify_with_previous_progress, verify_with_progress,
};

/// The `format` of every bundle manifest.
pub const FORMAT_NAME: &str = "soc2-evidence-bundle";
/// The bundle format version this library writes and reads.
pub const FORMAT_VERSION: u64 = 1;
/// The SSHSIG namespace `SHA256SUMS` is signed for: a signature made for any other
/// purpose (git commits, files) does not verify as a bundle signature.
pub const NAMESPACE: &str = "soc2-evidence-bundle-v1";
/// The generator name written in manifests.
pub const GENERATOR_NAME: &str = "soc2";

/// Member: the manifest.
pub const MANIFEST: &str = "manifest.json";
/// Member: the disclosed records.
pub const RECORDS: &str = "records.jsonl";
/// Member: every leaf hash up to the checkpoint.
pub const LEAVES: &str = "leaves";
/// Member: the checkpoint.
pub const CHECKPOINT: &str = "checkpoint";
/// Prefix of the attachment members (`blobs/sha256/<hex>`).
pub const BLOBS_PREFIX: &str = "blobs/sha256/";
/// Prefix of the report members.
pub const REPORT_PREFIX: &str = "report/";
/// Member: the auditor's instructions.
pub const VERIFY_MD: &str = "VERIFY.md";
/// Member: the SHA-256 of every other member.
pub const SUMS: &str = "SHA256SUMS";
/// Member: the signature of [`SUMS`].
pub const SUMS_SIG: &str = "SHA256SUMS.sig";
/// Member: the convenience copy of the signer's key.
pub const ALLOWED_SIGNERS: &str = "allowed_signers";
/// Prefix of the signed checkpoints the bundle carries (`checkpoints/<size>.note`,
/// `.note.sig` and `.tsr`, as in the locker).
pub const CHECKPOINTS_PREFIX: &str = "checkpoints/";
/// Member: the previous bundle's checkpoint, when exported with a previous bundle.
pub const PREVIOUS_CHECKPOINT: &str = "previous/checkpoint";
/// Member: the RFC 9162 consistency proof from [`PREVIOUS_CHECKPOINT`] to `checkpoint`,
/// one lower-case hex hash per line.
pub const PREVIOUS_CONSISTENCY: &str = "previous/consistency";
/// Member: the auditor's stand-alone checker (Python 3, standard library only).
pub const VERIFY_PY: &str = "verify.py";
/// The text of [`VERIFY_PY`].
pub const VERIFY_PY_TEXT: &str = include_str!("verify.py");
