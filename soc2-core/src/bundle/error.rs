//! Everything that can go wrong making, signing or verifying a bundle.

use std::path::PathBuf;

use crate::error::{Classify, ErrorCode, Subject};
use crate::json::JsonError;
use crate::ledger::CheckpointError;
use crate::ledger::merkle::ProofError;
use crate::model::Sha256Digest;

use super::allowed_signers::AllowedSignersError;
use super::archive::ArchiveError;

/// A bundle could not be made, or was rejected.
///
/// Every rejection names what failed: the member (its name in the zip), the record (its
/// `seq` and 1-based line in `records.jsonl`), the blob (its SHA-256) or the check.
/// Messages print names with Rust's debug escaping, so a hostile name cannot forge
/// terminal output.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    /// The zip itself is malformed or hostile (see [`ArchiveError`] for each construct),
    /// or reading or writing it failed.
    #[error(transparent)]
    Archive(#[from] ArchiveError),

    /// The bundle file, as a whole, is not a zip archive the strict reader accepts (not a
    /// zip at all, hostile or non-canonical layout...); the error names the file.
    #[error("{}: not a valid bundle: {source}", path.display())]
    ArchiveRejected {
        /// The bundle file.
        path: PathBuf,
        /// What the reader rejected.
        #[source]
        source: ArchiveError,
    },

    /// Reading or writing a file other than the bundle failed.
    #[error("{}", io_message(.path, .source))]
    Io {
        /// The file involved.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// A file given as input (the bundle, an `allowed_signers` file, a key) was refused
    /// before it was read: not a regular file, or over its size cap.
    #[error(transparent)]
    Input(#[from] crate::input::InputError),

    // ----- signed checkpoints and chaining -----
    /// A signed checkpoint the bundle carries (`checkpoints/...`) is malformed, not signed
    /// by the bundle's trusted key, or not a prefix of the bundle's tree.
    #[error("{member:?}: signed checkpoint rejected: {reason}")]
    SignedCheckpointInvalid {
        /// The member (the `.note` or its `.note.sig`).
        member: String,
        /// Why.
        reason: String,
    },
    /// A time-stamp token the bundle carries (`checkpoints/<size>.tsr`) does not verify.
    #[error("{member}: {error}")]
    TimestampInvalid {
        /// The `.tsr` member.
        member: String,
        /// Why.
        error: crate::ledger::TimestampError,
    },
    /// The bundle does not extend the previous bundle: history was rewritten, records
    /// removed, or the locker forked. Names the first differing record when it can.
    #[error("does not extend the previous bundle: {reason}")]
    NotAnExtension {
        /// The first record whose leaf differs from the previous bundle's, if known.
        first_differing: Option<u64>,
        /// What differs.
        reason: String,
    },
    /// The previous bundle given to check against could not be read or did not verify
    /// itself. Its code is the inner error's when that is not a verdict (an unreadable
    /// file stays an I/O error); a rejected previous bundle is `bundle.previous_rejected`.
    #[error("previous bundle {}: {source}", path.display())]
    PreviousBundle {
        /// The previous bundle.
        path: PathBuf,
        /// Why it was refused.
        source: Box<BundleError>,
    },
    /// The consistency proof the bundle carries from an earlier checkpoint
    /// (`previous/...`) is malformed or does not verify.
    #[error("{member:?}: {reason}")]
    PreviousInvalid {
        /// The member.
        member: String,
        /// Why.
        reason: String,
    },

    // ----- keys and signers -----
    /// A signing key file is not an OpenSSH private key.
    #[error("{}: not an OpenSSH private key: {reason}", path.display())]
    KeyFile {
        /// The key file.
        path: PathBuf,
        /// What the parser rejected.
        reason: String,
    },
    /// A signing key is passphrase-protected and no passphrase was given.
    #[error(
        "{}: the key is passphrase-protected; supply the passphrase (SOC2_KEY_PASSPHRASE)",
        path.display()
    )]
    KeyEncrypted {
        /// The key file.
        path: PathBuf,
    },
    /// The passphrase does not decrypt the key.
    #[error("{}: wrong passphrase for the key", path.display())]
    WrongPassphrase {
        /// The key file.
        path: PathBuf,
    },
    /// A signing key is not Ed25519, the only algorithm bundles are signed with.
    #[error("{what}: key type {algorithm} is not supported; bundles are signed with Ed25519")]
    UnsupportedKeyType {
        /// The key file, or another description of the key.
        what: String,
        /// The key's algorithm.
        algorithm: String,
    },
    /// `keygen` would overwrite an existing file.
    #[error("{}: already exists; refusing to overwrite a key", path.display())]
    KeyExists {
        /// The existing file.
        path: PathBuf,
    },
    /// A signer principal cannot be written into `allowed_signers` unambiguously.
    #[error("invalid signer principal {principal:?}: {reason}")]
    InvalidPrincipal {
        /// The rejected principal.
        principal: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// Creating or encoding a key or signature failed.
    #[error("{what}: {reason}")]
    Crypto {
        /// The operation that failed.
        what: &'static str,
        /// The library's error.
        reason: String,
    },
    /// An `allowed_signers` file is malformed; the error names the line.
    #[error("{file}: {source}")]
    AllowedSigners {
        /// The file (or a description of the text) parsed.
        file: String,
        /// What is wrong, and on which line.
        #[source]
        source: AllowedSignersError,
    },

    // ----- export -----
    /// An export option is unusable (a report file name, a record to disclose...).
    #[error("invalid export option {option}: {reason}")]
    InvalidOption {
        /// The option at fault.
        option: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The bundle is of another locker than the one the auditor expects
    /// ([`super::VerifyOptions::origin`]).
    #[error("the bundle is of the locker {found:?}, not the expected {expected:?}")]
    OriginMismatch {
        /// The origin the auditor expects.
        expected: String,
        /// The origin in the bundle's (signed) checkpoint.
        found: String,
    },

    /// The export's target path was refused before anything was written: it is not a
    /// regular file (a device, a FIFO, a directory, a symbolic link), it lies inside the
    /// locker being exported, or it is the signing key.
    #[error("{}: refusing to write the bundle here: {reason}", path.display())]
    OutputRefused {
        /// The target path as given.
        path: PathBuf,
        /// Why.
        reason: String,
    },

    /// The export or verification was cancelled by its progress callback; nothing was
    /// written and an export's target is untouched.
    #[error("cancelled: nothing was written")]
    Cancelled,
    /// While exporting, a blob in the locker did not hash to its content address: the
    /// locker is damaged, and no bundle was written.
    #[error("locker blob {sha256} ({}) is corrupt: its content hashes to {actual}", path.display())]
    LockerBlobCorrupt {
        /// The address the blob is stored under.
        sha256: Sha256Digest,
        /// Its file in the locker.
        path: PathBuf,
        /// What its content hashes to.
        actual: Sha256Digest,
    },

    // ----- verify: members -----
    /// A member the format requires is absent.
    #[error("member {member:?} is missing")]
    MissingMember {
        /// The required member.
        member: String,
    },
    /// A member that the format does not define.
    #[error("member {member:?} is not part of the bundle format")]
    UnexpectedMember {
        /// The unexpected member.
        member: String,
    },
    /// A member that verification holds in memory is larger than allowed.
    #[error("member {member:?} is {size} bytes, more than the limit of {limit}")]
    MemberTooLarge {
        /// The member.
        member: String,
        /// Its declared size.
        size: u64,
        /// The limit ([`super::VerifyOptions`]).
        limit: u64,
    },

    // ----- verify: signature -----
    /// `SHA256SUMS.sig` is not an OpenSSH SSHSIG signature.
    #[error("SHA256SUMS.sig: not an SSH signature: {reason}")]
    SignatureMalformed {
        /// What the parser rejected.
        reason: String,
    },
    /// The signature was made for another namespace (another purpose).
    #[error("SHA256SUMS.sig: signed for namespace {found:?}, not {expected:?}")]
    WrongNamespace {
        /// The namespace bundles are signed for.
        expected: &'static str,
        /// The namespace in the signature.
        found: String,
    },
    /// The signature was made with a key that no trusted signer holds.
    #[error("SHA256SUMS.sig: signed by key {fingerprint}, which is not a trusted signer")]
    UntrustedKey {
        /// The fingerprint of the key the signature names.
        fingerprint: String,
    },
    /// The signing key is trusted, but not for the identity asked for.
    #[error(
        "SHA256SUMS.sig: key {fingerprint} is not trusted for identity {identity:?} \
         (trusted for {principals})"
    )]
    IdentityNotAllowed {
        /// The identity asked for.
        identity: String,
        /// The signing key's fingerprint.
        fingerprint: String,
        /// The principal patterns the key is trusted for.
        principals: String,
    },
    /// The signing key is trusted, but its `allowed_signers` line does not allow it for
    /// bundles now (its `namespaces`, `valid-after` or `valid-before` option).
    #[error("SHA256SUMS.sig: key {fingerprint} (allowed signers line {line}) {reason}")]
    SignerNotValid {
        /// The signing key's fingerprint.
        fingerprint: String,
        /// The `allowed_signers` line.
        line: usize,
        /// Which option refuses it.
        reason: String,
    },
    /// The signature does not verify with the trusted key: `SHA256SUMS` or the signature
    /// was changed.
    #[error("SHA256SUMS.sig: bad signature over SHA256SUMS by trusted key {fingerprint}")]
    BadSignature {
        /// The trusted key's fingerprint.
        fingerprint: String,
    },

    // ----- verify: SHA256SUMS -----
    /// A line of `SHA256SUMS` is not `<64 hex>  <member>`, or lines are out of order.
    #[error("SHA256SUMS line {line}: {reason}")]
    SumsMalformed {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// A member of the zip is not listed in `SHA256SUMS`.
    #[error("member {member:?} is not listed in SHA256SUMS")]
    MemberNotListed {
        /// The unlisted member.
        member: String,
    },
    /// `SHA256SUMS` lists a member that the zip does not hold.
    #[error("SHA256SUMS lists {member:?}, which is not in the bundle")]
    ListedMemberMissing {
        /// The listed name.
        member: String,
    },
    /// `SHA256SUMS` lists a blob under a hash other than its name: a blob's member name
    /// is its SHA-256.
    #[error(
        "SHA256SUMS lists {member:?} with hash {listed}, but a blob's name must be its SHA-256"
    )]
    BlobNameMismatch {
        /// The blob member.
        member: String,
        /// The hash listed for it.
        listed: Sha256Digest,
    },
    /// A member's content does not hash to what `SHA256SUMS` lists.
    #[error("member {member:?} hashes to {actual}, SHA256SUMS lists {listed}")]
    WrongHash {
        /// The member.
        member: String,
        /// The hash listed in `SHA256SUMS`.
        listed: Sha256Digest,
        /// The hash of its content.
        actual: Sha256Digest,
    },

    // ----- verify: checkpoint, leaves, records -----
    /// The `checkpoint` member is not a valid checkpoint.
    #[error("member \"checkpoint\": {0}")]
    CheckpointInvalid(#[source] CheckpointError),
    /// A line of `leaves` is not 64 lower-case hex digits and a newline.
    #[error("member \"leaves\" line {line}: {reason}")]
    LeavesMalformed {
        /// 1-based line.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// `leaves` does not hold as many leaf hashes as the checkpoint's size.
    #[error("member \"leaves\" holds {found} leaf hashes, the checkpoint commits to {expected}")]
    LeafCountMismatch {
        /// The checkpoint's tree size.
        expected: u64,
        /// Leaf hashes found.
        found: u64,
    },
    /// The leaf hashes do not produce the checkpoint's root.
    #[error(
        "member \"leaves\": the leaf hashes give root {}, the checkpoint says {}",
        hex::encode(.computed), hex::encode(.checkpoint)
    )]
    RootMismatch {
        /// The RFC 9162 root of the leaves.
        computed: [u8; 32],
        /// The checkpoint's root.
        checkpoint: [u8; 32],
    },
    /// `manifest.json` is not valid JSON for the manifest model.
    #[error("member \"manifest.json\": {0}")]
    ManifestInvalid(#[source] JsonError),
    /// The manifest names a format or version this library does not read.
    #[error(
        "manifest.json: format {format:?} version {version} is not supported (this library reads {supported_format:?} version {supported_version})"
    )]
    UnsupportedFormat {
        /// The format the manifest names.
        format: String,
        /// Its version.
        version: u64,
        /// The format this library reads.
        supported_format: &'static str,
        /// The version this library reads.
        supported_version: u64,
    },
    /// The manifest disagrees with the rest of the bundle.
    #[error("manifest.json: {field} does not match the bundle: {reason}")]
    ManifestMismatch {
        /// The manifest field.
        field: &'static str,
        /// How it disagrees.
        reason: String,
    },
    /// A line of `records.jsonl` is not a valid record.
    #[error("records.jsonl line {line}: not a valid record: {error}")]
    RecordInvalid {
        /// 1-based line.
        line: u64,
        /// What the parser rejected.
        error: JsonError,
    },
    /// A line of `records.jsonl` is not exactly the record's canonical bytes.
    #[error("records.jsonl line {line}: record {seq} is not in canonical form (it was edited)")]
    RecordNotCanonical {
        /// The record's seq.
        seq: u64,
        /// 1-based line.
        line: u64,
    },
    /// Records are not in increasing `seq` order, or a record lies beyond the checkpoint.
    #[error("records.jsonl line {line}: record {seq}: {reason}")]
    RecordOutOfPlace {
        /// The record's seq.
        seq: u64,
        /// 1-based line.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// A record's bytes do not hash to its leaf: the record was changed.
    #[error(
        "records.jsonl line {line}: record {seq} hashes to leaf {computed}, but leaf {seq} \
         is {leaf}"
    )]
    RecordLeafMismatch {
        /// The record's seq.
        seq: u64,
        /// 1-based line.
        line: u64,
        /// The leaf hash of its bytes.
        computed: Sha256Digest,
        /// The leaf hash at its position in `leaves`.
        leaf: Sha256Digest,
    },
    /// A record's `prev` is not the leaf hash before it: the chain is broken.
    #[error(
        "records.jsonl line {line}: record {seq} has prev {found}, but the leaf before it is \
         {expected}"
    )]
    ChainMismatch {
        /// The record's seq.
        seq: u64,
        /// 1-based line.
        line: u64,
        /// The `prev` the record carries.
        found: Sha256Digest,
        /// The leaf hash of record `seq − 1` (zeros for record 0).
        expected: Sha256Digest,
    },
    /// A record references an attachment whose blob is not in the bundle.
    #[error("record {seq}: attachment blob {sha256} is missing from the bundle")]
    BlobMissing {
        /// The record's seq.
        seq: u64,
        /// The missing blob.
        sha256: Sha256Digest,
    },
    /// A blob in the bundle has a size other than the one its record declares.
    #[error(
        "record {seq}: attachment blob {sha256} has {actual} bytes, the record says {declared}"
    )]
    BlobSizeMismatch {
        /// The record's seq.
        seq: u64,
        /// The blob.
        sha256: Sha256Digest,
        /// The size the record declares.
        declared: u64,
        /// The size of the member.
        actual: u64,
    },
    /// A blob in the bundle that no disclosed record references.
    #[error("blob {sha256} is in the bundle but no disclosed record references it")]
    UnreferencedBlob {
        /// The blob.
        sha256: Sha256Digest,
    },

    // ----- inclusion proofs -----
    /// A record is not among those the bundle discloses.
    #[error("record {seq} is not disclosed in this bundle")]
    RecordNotDisclosed {
        /// The seq asked for.
        seq: u64,
    },
    /// An inclusion proof does not fit the checkpoint or does not verify.
    #[error("inclusion proof for record {seq}: {reason}")]
    InclusionProof {
        /// The record the proof is for.
        seq: u64,
        /// Why it fails.
        reason: String,
    },
    /// A Merkle proof could not be computed.
    #[error("merkle proof: {0}")]
    Proof(#[from] ProofError),
}

impl BundleError {
    /// Whether this error is a verdict on the bundle (it is malformed, tampered with or
    /// untrusted) rather than a failure to read files or a problem with the caller's
    /// input (unreadable bundle, malformed `allowed_signers`, bad key file): its class is
    /// [`ErrorClass::Integrity`] or [`ErrorClass::Signature`].
    pub fn is_rejection(&self) -> bool {
        self.class().is_rejection()
    }
}

impl Classify for BundleError {
    fn code(&self) -> ErrorCode {
        use BundleError as B;
        use ErrorCode as C;
        match self {
            B::Archive(a) | B::ArchiveRejected { source: a, .. } => a.code(),
            B::Io { .. } => C::BundleIo,
            B::KeyFile { .. } => C::BundleKeyFile,
            B::KeyEncrypted { .. } => C::BundleKeyEncrypted,
            B::WrongPassphrase { .. } => C::BundleWrongPassphrase,
            B::UnsupportedKeyType { .. } => C::BundleUnsupportedKeyType,
            B::KeyExists { .. } => C::BundleKeyExists,
            B::InvalidPrincipal { .. } => C::BundleInvalidPrincipal,
            B::Crypto { .. } => C::BundleCrypto,
            B::AllowedSigners { .. } => C::BundleAllowedSigners,
            B::InvalidOption { .. } => C::BundleInvalidOption,
            B::Cancelled => C::BundleCancelled,
            B::OutputRefused { .. } => C::BundleOutputRefused,
            B::OriginMismatch { .. } => C::BundleOriginMismatch,
            B::Input(i) => i.code(),
            B::LockerBlobCorrupt { .. } => C::BundleLockerBlobCorrupt,
            B::MissingMember { .. } => C::BundleMissingMember,
            B::UnexpectedMember { .. } => C::BundleUnexpectedMember,
            B::MemberTooLarge { .. } => C::BundleMemberTooLarge,
            B::SignatureMalformed { .. } => C::BundleSignatureMalformed,
            B::WrongNamespace { .. } => C::BundleWrongNamespace,
            B::UntrustedKey { .. } => C::BundleUntrustedKey,
            B::IdentityNotAllowed { .. } => C::BundleIdentityNotAllowed,
            B::SignerNotValid { .. } => C::BundleSignerNotValid,
            B::BadSignature { .. } => C::BundleBadSignature,
            B::SumsMalformed { .. } => C::BundleSumsMalformed,
            B::MemberNotListed { .. } => C::BundleMemberNotListed,
            B::ListedMemberMissing { .. } => C::BundleListedMemberMissing,
            B::BlobNameMismatch { .. } => C::BundleBlobNameMismatch,
            B::WrongHash { .. } => C::BundleWrongHash,
            B::CheckpointInvalid(_) => C::BundleCheckpointInvalid,
            B::LeavesMalformed { .. } => C::BundleLeavesMalformed,
            B::LeafCountMismatch { .. } => C::BundleLeafCountMismatch,
            B::RootMismatch { .. } => C::BundleRootMismatch,
            B::ManifestInvalid(_) => C::BundleManifestInvalid,
            B::UnsupportedFormat { .. } => C::BundleUnsupportedFormat,
            B::ManifestMismatch { .. } => C::BundleManifestMismatch,
            B::RecordInvalid { .. } => C::BundleRecordInvalid,
            B::RecordNotCanonical { .. } => C::BundleRecordNotCanonical,
            B::RecordOutOfPlace { .. } => C::BundleRecordOutOfPlace,
            B::RecordLeafMismatch { .. } => C::BundleRecordLeafMismatch,
            B::ChainMismatch { .. } => C::BundleChainMismatch,
            B::BlobMissing { .. } => C::BundleBlobMissing,
            B::BlobSizeMismatch { .. } => C::BundleBlobSizeMismatch,
            B::UnreferencedBlob { .. } => C::BundleUnreferencedBlob,
            B::RecordNotDisclosed { .. } => C::BundleRecordNotDisclosed,
            B::InclusionProof { .. } => C::BundleInclusionProof,
            B::Proof(p) => p.code(),
            B::SignedCheckpointInvalid { .. } => C::BundleSignedCheckpointInvalid,
            B::TimestampInvalid { .. } => C::BundleTimestampInvalid,
            B::NotAnExtension { .. } => C::BundleNotAnExtension,
            B::PreviousBundle { source, .. } if source.is_rejection() => C::BundlePreviousRejected,
            B::PreviousBundle { source, .. } => source.code(),
            B::PreviousInvalid { .. } => C::BundlePreviousInvalid,
        }
    }

    fn subject(&self) -> Subject {
        use BundleError as B;
        if let B::Archive(a) = self {
            return a.subject();
        }
        if let B::ArchiveRejected { path, source } = self {
            let mut s = source.subject();
            s.path = Some(path.clone());
            return s;
        }
        if let B::Proof(p) = self {
            return p.subject();
        }
        if let B::Input(i) = self {
            return i.subject();
        }
        if let B::PreviousBundle { path, source } = self {
            // Where in the previous bundle, and which file it is.
            let mut s = source.subject();
            s.path = Some(path.clone());
            s.reason = Some(self.to_string());
            return s;
        }
        let mut s = Subject { reason: Some(self.to_string()), ..Subject::default() };
        let member = |name: &str| Some(name.to_owned());
        match self {
            B::Io { path, source } => {
                s.path = Some(path.clone());
                s.reason = Some(source.to_string());
            }
            B::KeyFile { path, .. }
            | B::KeyEncrypted { path }
            | B::WrongPassphrase { path }
            | B::KeyExists { path } => s.path = Some(path.clone()),
            B::UnsupportedKeyType { what, .. } => s.source = Some(what.clone()),
            B::InvalidPrincipal { .. } => s.field = Some("principal".into()),
            B::AllowedSigners { file, source } => {
                s.source = Some(file.clone());
                s.line = source.line().unwrap_or(0) as u64;
            }
            B::InvalidOption { option, .. } => s.field = Some(option.clone()),
            B::LockerBlobCorrupt { sha256, path, .. } => {
                s.path = Some(path.clone());
                s.blob = Some(*sha256);
            }
            B::MissingMember { member: m }
            | B::UnexpectedMember { member: m }
            | B::MemberTooLarge { member: m, .. }
            | B::MemberNotListed { member: m }
            | B::ListedMemberMissing { member: m }
            | B::BlobNameMismatch { member: m, .. }
            | B::WrongHash { member: m, .. } => s.member = Some(m.clone()),
            B::SignatureMalformed { .. } | B::WrongNamespace { .. } => {
                s.member = member("SHA256SUMS.sig");
            }
            B::UntrustedKey { fingerprint }
            | B::IdentityNotAllowed { fingerprint, .. }
            | B::SignerNotValid { fingerprint, .. }
            | B::BadSignature { fingerprint } => {
                s.member = member("SHA256SUMS.sig");
                s.fingerprint = Some(fingerprint.clone());
            }
            B::SumsMalformed { line, .. } => {
                s.member = member("SHA256SUMS");
                s.line = *line as u64;
            }
            B::CheckpointInvalid(_) => s.member = member("checkpoint"),
            B::LeavesMalformed { line, .. } => {
                s.member = member("leaves");
                s.line = *line;
            }
            B::LeafCountMismatch { .. } | B::RootMismatch { .. } => s.member = member("leaves"),
            B::ManifestInvalid(j) => {
                s.member = member("manifest.json");
                s.line = j.line as u64;
                s.column = j.column as u64;
                s.field = Some(j.path.clone());
            }
            B::UnsupportedFormat { .. } => s.member = member("manifest.json"),
            B::ManifestMismatch { field, .. } => {
                s.member = member("manifest.json");
                s.field = Some((*field).to_owned());
            }
            B::RecordInvalid { line, error } => {
                s.member = member("records.jsonl");
                s.line = *line;
                s.field = Some(error.path.clone());
            }
            B::RecordNotCanonical { seq, line }
            | B::RecordOutOfPlace { seq, line, .. }
            | B::RecordLeafMismatch { seq, line, .. }
            | B::ChainMismatch { seq, line, .. } => {
                s.member = member("records.jsonl");
                s.records = vec![*seq];
                s.line = *line;
            }
            B::BlobMissing { seq, sha256 } | B::BlobSizeMismatch { seq, sha256, .. } => {
                s.member = Some(format!("blobs/sha256/{sha256}"));
                s.records = vec![*seq];
                s.blob = Some(*sha256);
            }
            B::UnreferencedBlob { sha256 } => {
                s.member = Some(format!("blobs/sha256/{sha256}"));
                s.blob = Some(*sha256);
            }
            B::RecordNotDisclosed { seq } => {
                s.field = Some("seq".into());
                s.records = vec![*seq];
            }
            B::InclusionProof { seq, .. } => s.records = vec![*seq],
            B::SignedCheckpointInvalid { member: m, .. }
            | B::PreviousInvalid { member: m, .. }
            | B::TimestampInvalid { member: m, .. } => {
                s.member = Some(m.clone());
            }
            B::NotAnExtension { first_differing, .. } => {
                s.records = first_differing.iter().copied().collect();
            }
            _ => {}
        }
        s
    }

    fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            BundleError::Io { source, .. } => Some(source),
            BundleError::Input(i) => i.io_error(),
            BundleError::PreviousBundle { source, .. } => source.io_error(),
            BundleError::Archive(a) | BundleError::ArchiveRejected { source: a, .. } => {
                a.io_error()
            }
            _ => None,
        }
    }
}

/// fs_err's messages already name the path; std's do not. Name it once either way.
fn io_message(path: &std::path::Path, e: &std::io::Error) -> String {
    let msg = e.to_string();
    if msg.contains(&*path.to_string_lossy()) { msg } else { format!("{}: {msg}", path.display()) }
}
