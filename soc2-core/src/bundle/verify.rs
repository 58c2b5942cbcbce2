//! [`verify`]: a bundle and the signers the auditor trusts in; what was proven out, or
//! the first check that failed.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::io::{self, Write};
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};

use chrono::{DateTime, Utc};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use ssh_key::{Algorithm, HashAlg, PublicKey};

use crate::error::Classify;
use crate::json::{JsonError, from_json_slice, to_canonical_vec};
use crate::ledger::merkle::{self, leaf_hash};
use crate::ledger::signed::MAX_TOKEN_SIZE;
use crate::ledger::{Checkpoint, Hash, SignedCheckpoint, TsaTrust, VerifiedTimestamp};
use crate::model::{AuditPeriod, Record, Sha256Digest};
use crate::progress::{REPORT_EVERY, ReadProgress};

use super::allowed_signers::{AllowedSigner, AllowedSigners};
use super::archive::{ArchiveError, Limits, SafeArchive};
use super::error::BundleError;
use super::manifest::{DisclosedBlob, DisclosedRecord, Generator, Manifest, ReportEntry};
use super::proof::InclusionProof;
use super::signing::{parse_signature, public_key_openssh};
use super::{
    ALLOWED_SIGNERS, BLOBS_PREFIX, CHECKPOINT, CHECKPOINTS_PREFIX, FORMAT_NAME, FORMAT_VERSION,
    LEAVES, MANIFEST, NAMESPACE, PREVIOUS_CHECKPOINT, PREVIOUS_CONSISTENCY, RECORDS, REPORT_PREFIX,
    SUMS, SUMS_SIG, VERIFY_MD, VERIFY_PY, sums,
};

/// The members every bundle has.
const REQUIRED: [&str; 8] =
    [ALLOWED_SIGNERS, CHECKPOINT, LEAVES, MANIFEST, RECORDS, SUMS, SUMS_SIG, VERIFY_MD];

/// The largest `SHA256SUMS` accepted: it is read before the signature is checked, so
/// it gets a tighter bound than the other metadata (a million members at 64 bytes of
/// name each).
const MAX_SUMS_SIZE: u64 = 128 << 20;

/// The largest `SHA256SUMS.sig` accepted (an Ed25519 SSHSIG is under 1 KiB).
const MAX_SIGNATURE_SIZE: u64 = 64 << 10;

/// How to verify.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VerifyOptions {
    /// The principal the signer must be trusted as (`ssh-keygen -Y verify -I`). When
    /// `None`, any principal of a trusted line holding the signing key will do.
    pub identity: Option<String>,
    /// The locker origin the auditor expects (told out of band, like the key). When
    /// set, a bundle of any other locker is rejected, even if it is consistent and
    /// signed by a trusted key.
    pub origin: Option<String>,
    /// Limits on the zip (entry count, sizes, compression ratio).
    pub limits: Limits,
    /// The largest `manifest.json`, `records.jsonl`, `leaves`, `checkpoint` or
    /// `SHA256SUMS` accepted; these are held in memory (`leaves` as 32 bytes per record).
    pub max_metadata_size: u64,
    /// The time `valid-after` / `valid-before` options are checked against; now when
    /// `None`.
    pub now: Option<DateTime<Utc>>,
    /// The CA(s) the signer of every carried time-stamp token must chain to (the TSA's
    /// CA, obtained out of band). Without it, tokens are checked (imprint, signature,
    /// time-stamping certificate) but not who issued them.
    pub tsa_trust: Option<TsaTrust>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        VerifyOptions {
            identity: None,
            origin: None,
            limits: Limits::default(),
            max_metadata_size: 1 << 30,
            now: None,
            tsa_trust: None,
        }
    }
}

impl VerifyOptions {
    /// Default options requiring the signer to be trusted as `identity`.
    pub fn with_identity(identity: impl Into<String>) -> Self {
        VerifyOptions { identity: Some(identity.into()), ..VerifyOptions::default() }
    }
}

/// What a successful [`verify`] proved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifiedBundle {
    /// The locker's origin name.
    pub origin: String,
    /// The audit period the bundle was exported for.
    pub period: AuditPeriod,
    /// The principal the signer is trusted as: the identity asked for, else the
    /// manifest's principal if the trusted line allows it, else the line's patterns.
    pub principal: String,
    /// The signing key's fingerprint (`SHA256:...`).
    pub fingerprint: String,
    /// The line of the trusted `allowed_signers` that vouched for the key.
    pub allowed_signers_line: usize,
    /// The program that wrote the bundle.
    pub generator: Generator,
    /// The signed checkpoint: origin, locker size and Merkle root at export.
    pub checkpoint: Checkpoint,
    /// The disclosed records, in order, each matched against its leaf.
    pub records: Vec<DisclosedRecord>,
    /// The attachments, each matched against its SHA-256.
    pub blobs: Vec<DisclosedBlob>,
    /// The files under `report/`.
    pub report: Vec<ReportEntry>,
    /// The signed checkpoints the bundle carries (`checkpoints/`), in size order: each
    /// signed by the trusted key and a prefix of the bundle's tree.
    pub signed_checkpoints: Vec<SignedCheckpoint>,
    /// The time-stamp tokens carried beside them (`checkpoints/<size>.tsr`), each
    /// verified over its checkpoint's note, with that checkpoint's size.
    pub timestamps: Vec<(u64, VerifiedTimestamp)>,
    /// The checkpoint the bundle proves it extends (`previous/`), if it carries one.
    pub previous: Option<Checkpoint>,
    leaves: Vec<Hash>,
    /// `records.jsonl` as verified: one line per disclosed record, in order.
    records_jsonl: Vec<u8>,
}

impl VerifiedBundle {
    /// The number of disclosed records.
    pub fn record_count(&self) -> u64 {
        self.records.len() as u64
    }

    /// The Merkle root the checkpoint commits to.
    pub fn root(&self) -> Hash {
        self.checkpoint.root
    }

    /// Every leaf hash of the locker up to the checkpoint.
    pub fn leaves(&self) -> &[Hash] {
        &self.leaves
    }

    /// Each disclosed record's line (its canonical bytes, without the newline), in order,
    /// with its seq: what its leaf hash is computed over, and what
    /// [`InclusionProof::verify`] takes with a proof from [`Self::inclusion_proof`].
    pub fn record_lines(&self) -> impl Iterator<Item = (u64, &[u8])> + '_ {
        self.records.iter().map(|r| r.seq).zip(self.records_jsonl.split(|&b| b == b'\n'))
    }

    /// The line of disclosed record `seq` (see [`Self::record_lines`]).
    pub fn record_line(&self, seq: u64) -> Option<&[u8]> {
        let index = self.records.binary_search_by_key(&seq, |r| r.seq).ok()?;
        self.records_jsonl.split(|&b| b == b'\n').nth(index)
    }

    /// Proves that disclosed record `seq` is in the bundle's (signed) checkpoint; check
    /// the proof with [`InclusionProof::verify`].
    pub fn inclusion_proof(&self, seq: u64) -> Result<InclusionProof, BundleError> {
        if self.records.binary_search_by_key(&seq, |r| r.seq).is_err() {
            return Err(BundleError::RecordNotDisclosed { seq });
        }
        InclusionProof::from_leaves(&self.checkpoint.origin, &self.leaves, seq)
    }
}

/// Verifies the bundle at `bundle` against the `trusted` signers, with default options.
///
/// See [`verify_with`].
pub fn verify(bundle: &Path, trusted: &AllowedSigners) -> Result<VerifiedBundle, BundleError> {
    verify_with(bundle, trusted, &VerifyOptions::default())
}

/// Verifies a bundle, treating it as hostile until each check has passed, in this order:
///
/// 1. the zip's structure ([`SafeArchive`]: every hostile construct is rejected) and its
///    member names (only those of the format);
/// 2. the signature `SHA256SUMS.sig` over `SHA256SUMS`: namespace, a key that a line of
///    `trusted` holds (for `options.identity`, its `namespaces` and validity times), and
///    the signature itself, checked with the trusted key;
/// 3. `SHA256SUMS` against the members: each listed once, none missing, and the SHA-256
///    of every member, read fully (which also checks its size and CRC-32);
/// 4. `leaves` against `checkpoint`: count and RFC 9162 root;
/// 5. each line of `records.jsonl`: a canonical record, in order, matching its leaf hash,
///    chained to the leaf before it, its attachments present with their sizes;
/// 6. `manifest.json` against all of the above.
///
/// Nothing is extracted to disk. The first failure is returned, naming the member,
/// record or check.
pub fn verify_with(
    bundle: &Path,
    trusted: &AllowedSigners,
    options: &VerifyOptions,
) -> Result<VerifiedBundle, BundleError> {
    verify_with_progress(bundle, trusted, options, &mut |_| ControlFlow::Continue(()))
}

/// [`verify_with`], reporting progress to `progress` as the members are read and hashed
/// (step 3, the bulk of the work: `bytes_total` is the members' uncompressed size, the
/// signature files aside). `progress` is called on this thread; returning
/// [`ControlFlow::Break`] stops the verification with [`BundleError::Cancelled`].
pub fn verify_with_progress(
    bundle: &Path,
    trusted: &AllowedSigners,
    options: &VerifyOptions,
    progress: &mut dyn FnMut(ReadProgress) -> ControlFlow<()>,
) -> Result<VerifiedBundle, BundleError> {
    // 0. A regular file: a FIFO would block the open (or feed the reader without end),
    // a device never ends. Checked on a handle opened without waiting for a writer.
    drop(crate::input::open_regular(bundle)?);
    // 1. Structure and names.
    let archive = SafeArchive::open(bundle, options.limits).map_err(|e| {
        // An error that names no member (not a zip at all, data outside the members...)
        // is about the file as a whole: name it.
        if matches!(e, ArchiveError::Io { .. }) || e.subject().member.is_some() {
            BundleError::Archive(e)
        } else {
            BundleError::ArchiveRejected { path: bundle.to_owned(), source: e }
        }
    })?;
    let mut blob_sizes: BTreeMap<Sha256Digest, u64> = BTreeMap::new();
    let mut report_names: Vec<&str> = Vec::new();
    for m in archive.members() {
        let name = m.name();
        if REQUIRED.contains(&name) {
            continue;
        }
        if let Some(hex) = name.strip_prefix(BLOBS_PREFIX) {
            let sha256: Sha256Digest = hex
                .parse()
                .map_err(|_| BundleError::UnexpectedMember { member: name.to_owned() })?;
            blob_sizes.insert(sha256, m.size());
        } else if name.starts_with(REPORT_PREFIX) {
            report_names.push(name);
        } else if is_chain_member(name) {
            check_size(&archive, name, MAX_TOKEN_SIZE)?;
        } else {
            return Err(BundleError::UnexpectedMember { member: name.to_owned() });
        }
    }
    for name in REQUIRED {
        if archive.member(name).is_none() {
            return Err(BundleError::MissingMember { member: name.to_owned() });
        }
    }
    report_names.sort_unstable();

    // 2. The signature, before anything it covers is believed.
    let signature = read_small(&archive, SUMS_SIG, MAX_SIGNATURE_SIZE)?;
    let sums_bytes = read_small(&archive, SUMS, options.max_metadata_size.min(MAX_SUMS_SIZE))?;
    let signer = check_signature(&sums_bytes, &signature, trusted, options)?;

    // 3. SHA256SUMS against the members.
    let listed = sums::parse(&sums_bytes)?;
    let listed_by_name: HashMap<&str, Sha256Digest> =
        listed.iter().map(|(n, d)| (n.as_str(), *d)).collect();
    for m in archive.members() {
        let name = m.name();
        if name != SUMS && name != SUMS_SIG && !listed_by_name.contains_key(name) {
            return Err(BundleError::MemberNotListed { member: name.to_owned() });
        }
    }
    for (name, digest) in &listed {
        if archive.member(name).is_none() {
            return Err(BundleError::ListedMemberMissing { member: name.clone() });
        }
        if let Some(hex) = name.strip_prefix(BLOBS_PREFIX)
            && *hex != digest.to_hex()
        {
            return Err(BundleError::BlobNameMismatch { member: name.clone(), listed: *digest });
        }
    }
    for name in [MANIFEST, RECORDS, CHECKPOINT, LEAVES] {
        check_size(&archive, name, options.max_metadata_size)?;
    }
    let content = hash_members(&archive, &listed_by_name, progress)?;

    // 4. The leaves against the checkpoint.
    let checkpoint =
        Checkpoint::parse(&content.checkpoint).map_err(BundleError::CheckpointInvalid)?;
    if let Some(expected) = &options.origin
        && checkpoint.origin != *expected
    {
        return Err(BundleError::OriginMismatch {
            expected: expected.clone(),
            found: checkpoint.origin.clone(),
        });
    }
    let leaves = content.leaves;
    if leaves.len() as u64 != checkpoint.size {
        return Err(BundleError::LeafCountMismatch {
            expected: checkpoint.size,
            found: leaves.len() as u64,
        });
    }
    let root = merkle::root(&leaves);
    if root != checkpoint.root {
        return Err(BundleError::RootMismatch { computed: root, checkpoint: checkpoint.root });
    }

    // 5. The records against the leaves, and their attachments.
    let (records, referenced) = check_records(&content.records, &leaves, &blob_sizes)?;
    if let Some(sha256) = blob_sizes.keys().find(|s| !referenced.contains(*s)) {
        return Err(BundleError::UnreferencedBlob { sha256: *sha256 });
    }

    // 6. The manifest against everything else.
    let manifest = parse_manifest(&content.manifest)?;
    let blobs: Vec<DisclosedBlob> = blob_sizes
        .iter()
        .map(|(sha256, size)| DisclosedBlob { sha256: *sha256, size: *size })
        .collect();
    let mut report = Vec::with_capacity(report_names.len());
    for name in &report_names {
        report.push(ReportEntry {
            name: (*name).to_owned(),
            sha256: listed_by_name[name],
            size: archive.member(name).map_or(0, |m| m.size()),
        });
    }
    let mismatch =
        |field: &'static str, reason: String| BundleError::ManifestMismatch { field, reason };
    if manifest.origin != checkpoint.origin {
        return Err(mismatch(
            "origin",
            format!("it says {:?}, the checkpoint {:?}", manifest.origin, checkpoint.origin),
        ));
    }
    if manifest.checkpoint.size != checkpoint.size || manifest.checkpoint.root.0 != checkpoint.root
    {
        return Err(mismatch(
            "checkpoint",
            format!(
                "it says size {} root {}, the checkpoint size {} root {}",
                manifest.checkpoint.size,
                manifest.checkpoint.root,
                checkpoint.size,
                hex::encode(checkpoint.root)
            ),
        ));
    }
    let signer_key = public_key_openssh(&signer.key);
    if manifest.signer.public_key != signer_key {
        return Err(mismatch(
            "signer.public_key",
            format!(
                "it names {:?}, but the bundle was signed by {signer_key:?}",
                manifest.signer.public_key
            ),
        ));
    }
    if manifest.records != records {
        return Err(mismatch(
            "records",
            describe_difference(&manifest.records, &records, |r| {
                format!("record {} (leaf {})", r.seq, r.leaf_hash)
            }),
        ));
    }
    if manifest.blobs != blobs {
        return Err(mismatch(
            "blobs",
            describe_difference(&manifest.blobs, &blobs, |b| {
                format!("blob {} ({} bytes)", b.sha256, b.size)
            }),
        ));
    }
    if manifest.report != report {
        return Err(mismatch(
            "report",
            describe_difference(&manifest.report, &report, |r| {
                format!("{:?} ({}, {} bytes)", r.name, r.sha256, r.size)
            }),
        ));
    }

    // 7. The signed checkpoints: the trusted key signed each, and this tree extends it.
    let (signed_checkpoints, timestamps) = check_signed_checkpoints(
        &content.chain,
        &signer.key,
        &checkpoint,
        &leaves,
        options.tsa_trust.as_ref(),
    )?;

    // 8. The consistency proof from a previous checkpoint, if carried.
    let previous = check_previous_proof(&content.chain, &checkpoint)?;

    let principal = match &options.identity {
        Some(identity) => identity.clone(),
        None if signer.matches_principal(&manifest.signer.principal) => {
            manifest.signer.principal.clone()
        }
        None => signer.principals.clone(),
    };
    Ok(VerifiedBundle {
        origin: checkpoint.origin.clone(),
        period: manifest.period,
        principal,
        fingerprint: signer.fingerprint(),
        allowed_signers_line: signer.line,
        generator: manifest.generator,
        checkpoint,
        records,
        blobs,
        report,
        signed_checkpoints,
        timestamps,
        previous,
        leaves,
        records_jsonl: content.records,
    })
}

/// Whether `name` is a member of the chain of checkpoints (`checkpoints/`, `previous/`)
/// or `verify.py`.
fn is_chain_member(name: &str) -> bool {
    name == VERIFY_PY
        || name == PREVIOUS_CHECKPOINT
        || name == PREVIOUS_CONSISTENCY
        || name.strip_prefix(CHECKPOINTS_PREFIX).is_some_and(|rest| {
            let stem = rest
                .strip_suffix(".note")
                .or_else(|| rest.strip_suffix(".note.sig"))
                .or_else(|| rest.strip_suffix(".tsr"));
            stem.is_some_and(|s| s.len() == 20 && s.bytes().all(|b| b.is_ascii_digit()))
        })
}

fn chain_member<'c>(chain: &'c [(String, Vec<u8>)], name: &str) -> Option<&'c [u8]> {
    chain.iter().find(|(n, _)| n == name).map(|(_, b)| b.as_slice())
}

/// Verified time-stamp tokens, with the size of their checkpoint.
type Timestamps = Vec<(u64, VerifiedTimestamp)>;

/// Checks every `checkpoints/<size>.note` with its `.note.sig`: both
/// signatures by `key` (the trusted key that signed the bundle), the origin the bundle's,
/// and the bundle's tree an extension of it (RFC 9162 consistency proof).
fn check_signed_checkpoints(
    chain: &[(String, Vec<u8>)],
    key: &PublicKey,
    checkpoint: &Checkpoint,
    leaves: &[Hash],
    tsa_trust: Option<&TsaTrust>,
) -> Result<(Vec<SignedCheckpoint>, Timestamps), BundleError> {
    let mut names: Vec<&str> = chain
        .iter()
        .map(|(n, _)| n.as_str())
        .filter(|n| n.starts_with(CHECKPOINTS_PREFIX))
        .collect();
    names.sort_unstable();
    let mut out = Vec::new();
    let mut timestamps = Vec::new();
    for name in &names {
        let bad = |member: &str, reason: String| BundleError::SignedCheckpointInvalid {
            member: member.to_owned(),
            reason,
        };
        let Some(stem) = name.strip_suffix(".note") else {
            let stem = name.strip_suffix(".note.sig").or_else(|| name.strip_suffix(".tsr"));
            if stem.is_none_or(|s| !names.contains(&format!("{s}.note").as_str())) {
                return Err(bad(name, "its .note is missing".into()));
            }
            continue;
        };
        let sig_name = format!("{stem}.note.sig");
        let note = chain_member(chain, name).unwrap_or_default().to_vec();
        let sig = chain_member(chain, &sig_name)
            .ok_or_else(|| bad(name, format!("{sig_name} is missing")))?
            .to_vec();
        let tsr_name = format!("{stem}.tsr");
        let tsr = chain_member(chain, &tsr_name).map(<[u8]>::to_vec);
        let (signed, _) = SignedCheckpoint::parse(note, sig, tsr).map_err(|r| bad(name, r))?;
        signed
            .verify(key)
            .map_err(|r| bad(name, format!("not signed by the bundle's trusted key: {r}")))?;
        let cp = &signed.checkpoint;
        if SignedCheckpoint::stem(cp.size) != stem[CHECKPOINTS_PREFIX.len()..] {
            return Err(bad(name, format!("it holds a checkpoint of {} records", cp.size)));
        }
        if cp.origin != checkpoint.origin {
            return Err(bad(
                name,
                format!("its origin is {:?}, the bundle's {:?}", cp.origin, checkpoint.origin),
            ));
        }
        crate::ledger::signed::consistency_from(cp, leaves).map_err(|r| bad(name, r))?;
        match signed.verify_timestamp(tsa_trust) {
            None => {}
            Some(Ok(t)) => timestamps.push((cp.size, t)),
            Some(Err(error)) => {
                return Err(BundleError::TimestampInvalid { member: tsr_name, error });
            }
        }
        out.push(signed);
    }
    Ok((out, timestamps))
}

/// Checks `previous/checkpoint` and `previous/consistency`, both or neither: the proof
/// shows the bundle's tree extends that checkpoint.
fn check_previous_proof(
    chain: &[(String, Vec<u8>)],
    checkpoint: &Checkpoint,
) -> Result<Option<Checkpoint>, BundleError> {
    let text = chain_member(chain, PREVIOUS_CHECKPOINT);
    let proof_text = chain_member(chain, PREVIOUS_CONSISTENCY);
    let bad = |member: &str, reason: String| BundleError::PreviousInvalid {
        member: member.to_owned(),
        reason,
    };
    let (text, proof_text) = match (text, proof_text) {
        (None, None) => return Ok(None),
        (Some(t), Some(p)) => (t, p),
        (Some(_), None) => return Err(bad(PREVIOUS_CONSISTENCY, "missing".into())),
        (None, Some(_)) => return Err(bad(PREVIOUS_CHECKPOINT, "missing".into())),
    };
    let previous = Checkpoint::parse(text).map_err(|e| bad(PREVIOUS_CHECKPOINT, e.to_string()))?;
    let mut parser = LeavesParser::default();
    parser.write_all(proof_text).map_err(|e| bad(PREVIOUS_CONSISTENCY, e.to_string()))?;
    let proof = parser.finish().map_err(|e| bad(PREVIOUS_CONSISTENCY, e.to_string()))?;
    if previous.origin != checkpoint.origin {
        return Err(bad(
            PREVIOUS_CHECKPOINT,
            format!("its origin is {:?}, the bundle's {:?}", previous.origin, checkpoint.origin),
        ));
    }
    merkle::verify_consistency(
        previous.size,
        checkpoint.size,
        &previous.root,
        &checkpoint.root,
        &proof,
    )
    .map_err(|e| bad(PREVIOUS_CONSISTENCY, format!("the proof does not verify: {e}")))?;
    Ok(Some(previous))
}

/// Checks that `current` extends `previous`, two bundles verified on their own: same
/// origin, every record the previous one committed to unchanged (naming the first that
/// differs), none removed, the RFC 9162 consistency proof from the previous checkpoint
/// verifying, and, when `current` carries a proof from a previous checkpoint, that this
/// is the previous bundle's.
pub fn check_extends(
    current: &VerifiedBundle,
    previous: &VerifiedBundle,
) -> Result<(), BundleError> {
    let fail = |first_differing, reason| BundleError::NotAnExtension { first_differing, reason };
    let (old, new) = (&previous.checkpoint, &current.checkpoint);
    if old.origin != new.origin {
        return Err(fail(
            None,
            format!(
                "the previous bundle is of locker {:?}, this one of {:?}",
                old.origin, new.origin
            ),
        ));
    }
    if let Some(i) = previous.leaves.iter().zip(&current.leaves).position(|(a, b)| a != b) {
        return Err(fail(
            Some(i as u64),
            format!(
                "record {i} differs from the previous bundle's (leaf {} there, {} here): \
                 history rewritten, or a forked locker",
                hex::encode(previous.leaves[i]),
                hex::encode(current.leaves[i])
            ),
        ));
    }
    if old.size > new.size {
        return Err(fail(
            Some(new.size),
            format!(
                "the previous bundle committed to {} records, this one holds {}: records {}.. removed",
                old.size, new.size, new.size
            ),
        ));
    }
    if let Some(p) = &current.previous
        && p != old
    {
        return Err(fail(
            None,
            format!(
                "its consistency proof is from a checkpoint of {} records (root {}), not the previous bundle's ({} records, root {})",
                p.size,
                hex::encode(p.root),
                old.size,
                hex::encode(old.root)
            ),
        ));
    }
    let proof = merkle::consistency_proof(&current.leaves, old.size, new.size)?;
    merkle::verify_consistency(old.size, new.size, &old.root, &new.root, &proof)
        .map_err(|e| fail(None, format!("the consistency proof does not verify: {e}")))
}

/// Verifies `bundle` and `previous` (an earlier bundle of the same locker) against the
/// `trusted` signers, then that `bundle` extends `previous` ([`check_extends`]).
pub fn verify_with_previous(
    bundle: &Path,
    previous: &Path,
    trusted: &AllowedSigners,
    options: &VerifyOptions,
) -> Result<VerifiedBundle, BundleError> {
    verify_with_previous_progress(bundle, previous, trusted, options, &mut |_| {
        ControlFlow::Continue(())
    })
}

/// [`verify_with_previous`], reporting the progress of `bundle`'s verification as
/// [`verify_with_progress`] does (the previous bundle, verified first, reports none, but a
/// stop asked for at the first report still comes before `bundle` is read).
pub fn verify_with_previous_progress(
    bundle: &Path,
    previous: &Path,
    trusted: &AllowedSigners,
    options: &VerifyOptions,
    progress: &mut dyn FnMut(ReadProgress) -> ControlFlow<()>,
) -> Result<VerifiedBundle, BundleError> {
    let old = verify_with(previous, trusted, options).map_err(|e| BundleError::PreviousBundle {
        path: previous.to_path_buf(),
        source: Box::new(e),
    })?;
    let new = verify_with_progress(bundle, trusted, options, progress)?;
    check_extends(&new, &old)?;
    Ok(new)
}

/// Reads a member that verification holds in memory, refusing one over `limit` bytes.
fn read_small(archive: &SafeArchive, name: &str, limit: u64) -> Result<Vec<u8>, BundleError> {
    let size = check_size(archive, name, limit)?;
    // Grow as content arrives rather than trust the declared size with memory.
    let mut out = Vec::with_capacity(usize::try_from(size.min(1 << 20)).unwrap_or(0));
    archive.read_to_sink(name, &mut out)?;
    Ok(out)
}

fn check_size(archive: &SafeArchive, name: &str, limit: u64) -> Result<u64, BundleError> {
    let size = archive
        .member(name)
        .ok_or_else(|| BundleError::MissingMember { member: name.to_owned() })?
        .size();
    if size > limit {
        return Err(BundleError::MemberTooLarge { member: name.to_owned(), size, limit });
    }
    Ok(size)
}

/// Checks the signature over `SHA256SUMS` and returns the trusted line that vouches for
/// it. The signature is verified with the key from `trusted`, never with the one the
/// signature carries (which only selects the candidate lines).
fn check_signature<'t>(
    sums: &[u8],
    signature: &[u8],
    trusted: &'t AllowedSigners,
    options: &VerifyOptions,
) -> Result<&'t AllowedSigner, BundleError> {
    let sig = parse_signature(signature)?;
    if sig.namespace() != NAMESPACE {
        return Err(BundleError::WrongNamespace {
            expected: NAMESPACE,
            found: sig.namespace().to_owned(),
        });
    }
    let claimed = PublicKey::from(sig.public_key().clone());
    let fingerprint = claimed.fingerprint(HashAlg::Sha256).to_string();
    let holders: Vec<&AllowedSigner> =
        trusted.entries().iter().filter(|e| e.key.key_data() == sig.public_key()).collect();
    if holders.is_empty() {
        return Err(BundleError::UntrustedKey { fingerprint });
    }
    let candidates: Vec<&AllowedSigner> = match &options.identity {
        None => holders.clone(),
        Some(identity) => {
            holders.iter().copied().filter(|e| e.matches_principal(identity)).collect()
        }
    };
    if let (Some(identity), true) = (&options.identity, candidates.is_empty()) {
        let principals: Vec<String> =
            holders.iter().map(|e| format!("{:?} (line {})", e.principals, e.line)).collect();
        return Err(BundleError::IdentityNotAllowed {
            identity: identity.clone(),
            fingerprint,
            principals: principals.join(", "),
        });
    }
    let now = options.now.unwrap_or_else(Utc::now);
    let mut refused: Option<(usize, String)> = None;
    for entry in candidates {
        if let Some(reason) = entry.refusal(NAMESPACE, now) {
            refused.get_or_insert((entry.line, reason));
            continue;
        }
        if entry.key.algorithm() != Algorithm::Ed25519 {
            return Err(BundleError::UnsupportedKeyType {
                what: format!("trusted allowed signers line {}", entry.line),
                algorithm: entry.key.algorithm().to_string(),
            });
        }
        // The trusted key verifies; the signature's own key played no part beyond
        // selecting this line (and equals it).
        entry
            .key
            .verify(NAMESPACE, sums, &sig)
            .map_err(|_| BundleError::BadSignature { fingerprint: entry.fingerprint() })?;
        return Ok(entry);
    }
    let (line, reason) = refused.unwrap_or_default();
    Err(BundleError::SignerNotValid { fingerprint, line, reason })
}

/// What verification keeps of the members it reads.
#[derive(Default)]
struct Content {
    manifest: Vec<u8>,
    records: Vec<u8>,
    checkpoint: Vec<u8>,
    leaves: Vec<Hash>,
    /// The members of `checkpoints/` and `previous/`, by name.
    chain: Vec<(String, Vec<u8>)>,
}

/// Threads that read and hash members: each takes the next member, so members of any
/// mix of sizes spread over the cores (SHA-256 of one member cannot be split).
const WORKERS: usize = 2;

/// Reads every member but the two signature files fully, hashing each and keeping the
/// metadata, and checks each against `SHA256SUMS`. Members are shared out among
/// [`WORKERS`] threads; the error reported is that of the first failing member in
/// archive order, as a sequential pass would report.
fn hash_members(
    archive: &SafeArchive,
    listed: &HashMap<&str, Sha256Digest>,
    progress: &mut dyn FnMut(ReadProgress) -> ControlFlow<()>,
) -> Result<Content, BundleError> {
    let members: Vec<(&str, u64)> = archive
        .members()
        .iter()
        .filter(|m| m.name() != SUMS && m.name() != SUMS_SIG)
        .map(|m| (m.name(), m.size()))
        .collect();
    let total = members.iter().map(|(_, size)| *size).fold(0u64, u64::saturating_add);
    let next = AtomicUsize::new(0);
    // The index of the first member found bad: no worker starts a member after it, and
    // every member before it is finished, so the first failure is always found.
    let first_failure = AtomicUsize::new(usize::MAX);
    // Bytes of the members hashed so far, by every worker; and whether `progress` asked
    // to stop (workers then start no other member).
    let done = AtomicU64::new(0);
    let cancelled = AtomicBool::new(false);
    if progress(ReadProgress { bytes_done: 0, bytes_total: total }).is_break() {
        return Err(BundleError::Cancelled);
    }
    // `report` is given to the worker on this thread only: `progress` is called here.
    let work = |mut report: Option<&mut dyn FnMut(ReadProgress) -> ControlFlow<()>>| {
        let mut content = Content::default();
        let mut errors = Vec::new();
        let mut reported = 0;
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= members.len()
                || i > first_failure.load(Ordering::Relaxed)
                || cancelled.load(Ordering::Relaxed)
            {
                return (content, errors);
            }
            let (name, size) = members[i];
            if let Err(e) = hash_member(archive, name, listed, &mut content) {
                first_failure.fetch_min(i, Ordering::Relaxed);
                errors.push((i, e));
            }
            let so_far = done.fetch_add(size, Ordering::Relaxed).saturating_add(size);
            if let Some(report) = report.as_mut()
                && so_far - reported >= REPORT_EVERY
            {
                reported = so_far;
                let p = ReadProgress { bytes_done: so_far.min(total), bytes_total: total };
                if report(p).is_break() {
                    cancelled.store(true, Ordering::Relaxed);
                    return (content, errors);
                }
            }
        }
    };
    let results: Vec<(Content, Vec<(usize, BundleError)>)> = std::thread::scope(|scope| {
        let helpers: Vec<_> = (1..WORKERS).map(|_| scope.spawn(|| work(None))).collect();
        let mut results = vec![work(Some(&mut *progress))];
        for h in helpers {
            // A worker only reads and hashes; it cannot panic short of a bug.
            results.extend(h.join().ok());
        }
        results
    });
    if cancelled.load(Ordering::Relaxed)
        || progress(ReadProgress { bytes_done: total, bytes_total: total }).is_break()
    {
        return Err(BundleError::Cancelled);
    }
    let mut merged = Content::default();
    let mut first: Option<(usize, BundleError)> = None;
    for (content, errors) in results {
        for (i, e) in errors {
            if first.as_ref().is_none_or(|(j, _)| i < *j) {
                first = Some((i, e));
            }
        }
        merged.manifest.extend(content.manifest);
        merged.records.extend(content.records);
        merged.checkpoint.extend(content.checkpoint);
        merged.leaves.extend(content.leaves);
        merged.chain.extend(content.chain);
    }
    match first {
        Some((_, e)) => Err(e),
        None => Ok(merged),
    }
}

/// Reads one member fully (the archive checks its size and CRC-32), hashes it, keeps it
/// if it is metadata, and checks its hash against `SHA256SUMS`.
fn hash_member(
    archive: &SafeArchive,
    name: &str,
    listed: &HashMap<&str, Sha256Digest>,
    content: &mut Content,
) -> Result<(), BundleError> {
    let mut sink = HashingSink {
        hasher: Sha256::new(),
        keep: match name {
            MANIFEST => Keep::Bytes(&mut content.manifest),
            RECORDS => Keep::Bytes(&mut content.records),
            CHECKPOINT => Keep::Bytes(&mut content.checkpoint),
            LEAVES => Keep::Leaves(LeavesParser::default()),
            _ if is_chain_member(name) && name != VERIFY_PY => {
                content.chain.push((name.to_owned(), Vec::new()));
                // Just pushed, so there is a last element.
                match content.chain.last_mut() {
                    Some((_, bytes)) => Keep::Bytes(bytes),
                    None => Keep::Nothing,
                }
            }
            _ => Keep::Nothing,
        },
    };
    archive.read_to_sink(name, &mut sink)?;
    let actual = Sha256Digest(sink.hasher.finalize().into());
    if let Keep::Leaves(parser) = sink.keep {
        content.leaves = parser.finish()?;
    }
    let expected = listed[name];
    if actual != expected {
        return Err(BundleError::WrongHash { member: name.to_owned(), listed: expected, actual });
    }
    Ok(())
}

/// What to keep of a member while hashing it.
enum Keep<'a> {
    Nothing,
    Bytes(&'a mut Vec<u8>),
    Leaves(LeavesParser),
}

/// Hashes what is written to it, keeping what [`Keep`] says.
struct HashingSink<'a> {
    hasher: Sha256,
    keep: Keep<'a>,
}

impl Write for HashingSink<'_> {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        self.hasher.update(data);
        match &mut self.keep {
            Keep::Nothing => {}
            Keep::Bytes(out) => out.extend_from_slice(data),
            Keep::Leaves(parser) => {
                parser.write_all(data)?;
            }
        }
        Ok(data.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Parses `leaves` as it streams: 64 lower-case hex digits and `\n` per line.
#[derive(Default)]
struct LeavesParser {
    partial: Vec<u8>,
    leaves: Vec<Hash>,
    error: Option<BundleError>,
}

impl LeavesParser {
    fn line(&mut self, line: &[u8]) {
        if self.error.is_some() {
            return;
        }
        let n = self.leaves.len() as u64 + 1;
        let mut leaf = [0u8; 32];
        let ok = line.len() == 65
            && line[64] == b'\n'
            && line[..64].iter().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
            && hex::decode_to_slice(&line[..64], &mut leaf).is_ok();
        if ok {
            self.leaves.push(leaf);
        } else {
            self.error = Some(BundleError::LeavesMalformed {
                line: n,
                reason: "expected 64 lower-case hex digits and a newline".into(),
            });
        }
    }

    fn finish(mut self) -> Result<Vec<Hash>, BundleError> {
        if self.error.is_none() && !self.partial.is_empty() {
            self.error = Some(BundleError::LeavesMalformed {
                line: self.leaves.len() as u64 + 1,
                reason: "the last line does not end in a newline".into(),
            });
        }
        match self.error {
            Some(e) => Err(e),
            None => Ok(self.leaves),
        }
    }
}

impl Write for LeavesParser {
    fn write(&mut self, mut data: &[u8]) -> io::Result<usize> {
        let len = data.len();
        while !data.is_empty() && self.error.is_none() {
            let end = data.iter().position(|&b| b == b'\n').map(|i| i + 1);
            match end {
                Some(end) if self.partial.is_empty() => {
                    self.line(&data[..end]);
                    data = &data[end..];
                }
                Some(end) => {
                    self.partial.extend_from_slice(&data[..end]);
                    let line = std::mem::take(&mut self.partial);
                    self.line(&line);
                    data = &data[end..];
                }
                None => {
                    if self.partial.len() + data.len() > 65 {
                        self.line(&[]);
                    } else {
                        self.partial.extend_from_slice(data);
                    }
                    data = &[];
                }
            }
        }
        Ok(len)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Checks every line of `records.jsonl`; returns the records' seqs and leaves, and the
/// blobs they reference.
pub(super) fn check_records(
    text: &[u8],
    leaves: &[Hash],
    blobs: &BTreeMap<Sha256Digest, u64>,
) -> Result<(Vec<DisclosedRecord>, BTreeSet<Sha256Digest>), BundleError> {
    let mut records = Vec::new();
    let mut referenced = BTreeSet::new();
    let mut previous: Option<u64> = None;
    for (i, raw) in text.split_inclusive(|&b| b == b'\n').enumerate() {
        let line = i as u64 + 1;
        let Some(body) = raw.strip_suffix(b"\n") else {
            return Err(BundleError::RecordInvalid {
                line,
                error: plain_json_error("the last line does not end in a newline"),
            });
        };
        let record: Record =
            from_json_slice(body).map_err(|error| BundleError::RecordInvalid { line, error })?;
        let seq = record.seq;
        let canonical = to_canonical_vec(&record)
            .map_err(|error| BundleError::RecordInvalid { line, error })?;
        if canonical != body {
            return Err(BundleError::RecordNotCanonical { seq, line });
        }
        if let Some(p) = previous
            && seq <= p
        {
            return Err(BundleError::RecordOutOfPlace {
                seq,
                line,
                reason: format!("it follows record {p}; records must be in increasing seq order"),
            });
        }
        previous = Some(seq);
        let Some(leaf) = usize::try_from(seq).ok().and_then(|i| leaves.get(i)) else {
            return Err(BundleError::RecordOutOfPlace {
                seq,
                line,
                reason: format!("the checkpoint covers only {} records", leaves.len()),
            });
        };
        let computed = leaf_hash(body);
        if computed != *leaf {
            return Err(BundleError::RecordLeafMismatch {
                seq,
                line,
                computed: Sha256Digest(computed),
                leaf: Sha256Digest(*leaf),
            });
        }
        let expected = match seq {
            0 => Record::GENESIS_PREV,
            // seq < leaves.len(), so seq - 1 is in range.
            _ => Sha256Digest(leaves[(seq - 1) as usize]),
        };
        if record.prev != expected {
            return Err(BundleError::ChainMismatch { seq, line, found: record.prev, expected });
        }
        for a in &record.evidence.attachments {
            match blobs.get(&a.sha256) {
                None => {
                    return Err(BundleError::BlobMissing { seq, sha256: a.sha256 });
                }
                Some(&size) if size != a.size => {
                    return Err(BundleError::BlobSizeMismatch {
                        seq,
                        sha256: a.sha256,
                        declared: a.size,
                        actual: size,
                    });
                }
                Some(_) => {
                    referenced.insert(a.sha256);
                }
            }
        }
        records.push(DisclosedRecord { seq, leaf_hash: Sha256Digest(computed) });
    }
    Ok((records, referenced))
}

fn plain_json_error(reason: &str) -> JsonError {
    JsonError { source_name: None, line: 0, column: 0, path: ".".into(), reason: reason.into() }
}

/// Parses the manifest, checking its format and version before its fields, so that a
/// newer bundle is reported as such rather than as unknown fields.
fn parse_manifest(bytes: &[u8]) -> Result<Manifest, BundleError> {
    #[derive(Deserialize)]
    struct Probe {
        format: String,
        format_version: u64,
    }
    let probe: Probe = from_json_slice(bytes).map_err(BundleError::ManifestInvalid)?;
    if probe.format != FORMAT_NAME || probe.format_version != FORMAT_VERSION {
        return Err(BundleError::UnsupportedFormat {
            format: probe.format,
            version: probe.format_version,
            supported_format: FORMAT_NAME,
            supported_version: FORMAT_VERSION,
        });
    }
    from_json_slice(bytes).map_err(BundleError::ManifestInvalid)
}

/// Names the first item that one list has and the other lacks.
fn describe_difference<T: PartialEq>(
    claimed: &[T],
    actual: &[T],
    show: impl Fn(&T) -> String,
) -> String {
    if let Some(x) = claimed.iter().find(|x| !actual.contains(x)) {
        return format!("it lists {}, which the bundle does not hold", show(x));
    }
    if let Some(x) = actual.iter().find(|x| !claimed.contains(x)) {
        return format!("it omits {}", show(x));
    }
    "the order differs".into()
}
