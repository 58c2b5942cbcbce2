//! Error classes and codes: how every soc2-core error is named to the outside world.
//!
//! Each error has a stable [`ErrorCode`] (`ledger.chain_broken`, `archive.crc_mismatch`,
//! ...), which belongs to one [`ErrorClass`]. The class alone decides the Python
//! exception, the uniffi variant and the command line's exit status, so the bindings and
//! the CLI are lookup tables over it and cannot disagree. `docs/errors.md` is the table,
//! generated from [`ErrorCode::ALL`] and checked by a drift test.

use std::fmt;
use std::path::PathBuf;

use crate::model::Sha256Digest;

/// What kind of failure an error is; decides how the bindings and the CLI report it.
#[non_exhaustive]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ErrorClass {
    /// A JSON document is malformed or does not fit the model.
    Json,
    /// A value or argument breaks a rule of the model or of the call.
    Invalid,
    /// A catalog file cannot be parsed or breaks a catalog rule.
    Catalog,
    /// Stored or received data does not match what was recorded: a damaged locker, a
    /// malformed or tampered bundle, a proof that does not lead to the trusted root.
    Integrity,
    /// A locker cannot be used as asked: not a locker, one already exists, a record that
    /// does not exist, an attachment not stored before the evidence naming it.
    Locker,
    /// A bundle's signature is refused: malformed, for another purpose, by an untrusted
    /// key or not matching.
    Signature,
    /// A signing key or the list of trusted signers cannot be used.
    Key,
    /// Reading or writing a file failed.
    Io,
    /// The caller cancelled the operation; nothing was written.
    Cancelled,
}

impl ErrorClass {
    /// Every class, in the documented order.
    pub const ALL: &'static [ErrorClass] = &[
        ErrorClass::Json,
        ErrorClass::Invalid,
        ErrorClass::Catalog,
        ErrorClass::Integrity,
        ErrorClass::Locker,
        ErrorClass::Signature,
        ErrorClass::Key,
        ErrorClass::Io,
        ErrorClass::Cancelled,
    ];

    /// The class's name in lower case (`integrity`).
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorClass::Json => "json",
            ErrorClass::Invalid => "invalid",
            ErrorClass::Catalog => "catalog",
            ErrorClass::Integrity => "integrity",
            ErrorClass::Locker => "locker",
            ErrorClass::Signature => "signature",
            ErrorClass::Key => "key",
            ErrorClass::Io => "io",
            ErrorClass::Cancelled => "cancelled",
        }
    }

    /// The class of `soc2.errors` a Python caller catches.
    pub fn python_exception(self) -> &'static str {
        match self {
            ErrorClass::Json | ErrorClass::Invalid | ErrorClass::Catalog => "ValidationError",
            ErrorClass::Integrity => "IntegrityError",
            ErrorClass::Locker => "LockerError",
            ErrorClass::Signature => "SignatureError",
            ErrorClass::Key => "SigningKeyError",
            ErrorClass::Io => "Soc2IOError",
            // Python cancels with its own exception (the progress callback's, or
            // KeyboardInterrupt), which it re-raises; this is only the fallback.
            ErrorClass::Cancelled => "Soc2Error",
        }
    }

    /// The variant of the uniffi `Soc2Error` (a Kotlin/Swift/Python/Ruby exception).
    pub fn uniffi_variant(self) -> &'static str {
        match self {
            ErrorClass::Json => "Json",
            ErrorClass::Invalid => "Invalid",
            ErrorClass::Catalog => "Catalog",
            ErrorClass::Integrity => "Integrity",
            ErrorClass::Locker => "Locker",
            ErrorClass::Signature => "Signature",
            ErrorClass::Key => "Key",
            ErrorClass::Io => "Io",
            ErrorClass::Cancelled => "Cancelled",
        }
    }

    /// Whether this is a verdict against the data checked (damage, tampering, an untrusted
    /// or bad signature) rather than bad input, a refused request or a failed operation.
    pub fn is_rejection(self) -> bool {
        matches!(self, ErrorClass::Integrity | ErrorClass::Signature)
    }

    /// The `soc2` command's exit status: 1 for a rejection (as for a failed check), 130
    /// for a cancellation (128 + SIGINT, as shells report it), 2 for everything else.
    pub fn exit_code(self) -> u8 {
        match self {
            c if c.is_rejection() => 1,
            ErrorClass::Cancelled => 130,
            _ => 2,
        }
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where an error is: the file, bundle member, records, blob, line and field it names.
/// Fields that do not apply are empty (`None`, an empty list, or 0 for line and column).
#[non_exhaustive]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Subject {
    /// The file or directory on disk.
    pub path: Option<PathBuf>,
    /// The name of the text read when it is not (known to be) a path: a file name given
    /// by the caller, `<stdin>`, an attachment's name.
    pub source: Option<String>,
    /// The bundle member (its name in the zip).
    pub member: Option<String>,
    /// The records involved, by sequence number.
    pub records: Vec<u64>,
    /// The attachment blob involved.
    pub blob: Option<Sha256Digest>,
    /// 1-based line in the file or member (0: not tied to a line).
    pub line: u64,
    /// 1-based column (0: not tied to a column).
    pub column: u64,
    /// The field, argument or option at fault (`payload.access_review.accounts[3]`).
    pub field: Option<String>,
    /// The catalog control at fault.
    pub control: Option<String>,
    /// The fingerprint of the signing key involved (`SHA256:...`).
    pub fingerprint: Option<String>,
    /// What is wrong, without the location (the tail of the message).
    pub reason: Option<String>,
}

impl Subject {
    /// The bundle member, or else the locker file, the error is about.
    pub fn location(&self) -> Option<String> {
        self.member.clone().or_else(|| self.path.as_ref().map(|p| p.display().to_string()))
    }
}

/// An error that knows its code and what it is about. Implemented by every error type of
/// soc2-core, so that callers holding a layer's error need not wrap it first.
pub trait Classify: std::error::Error {
    /// The stable code.
    fn code(&self) -> ErrorCode;
    /// What the error is about.
    fn subject(&self) -> Subject;
    /// The operating system's error behind it, for I/O failures.
    fn io_error(&self) -> Option<&std::io::Error> {
        None
    }
    /// The class (from the code).
    fn class(&self) -> ErrorClass {
        self.code().class()
    }
}

macro_rules! error_codes {
    ($( $variant:ident = $code:literal, $class:ident, $summary:literal; )*) => {
        /// The stable code of an error: `layer.what`. Codes are never reused or renamed;
        /// `docs/errors.md` lists them with their class.
        #[non_exhaustive]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum ErrorCode {
            $( #[doc = $summary] $variant, )*
        }

        impl ErrorCode {
            /// Every code, in the documented order.
            pub const ALL: &'static [ErrorCode] = &[$(ErrorCode::$variant),*];

            /// The code as text (`ledger.chain_broken`).
            pub fn as_str(self) -> &'static str {
                match self { $(ErrorCode::$variant => $code,)* }
            }

            /// The class the code belongs to.
            pub fn class(self) -> ErrorClass {
                match self { $(ErrorCode::$variant => ErrorClass::$class,)* }
            }

            /// What the code means, in one sentence.
            pub fn summary(self) -> &'static str {
                match self { $(ErrorCode::$variant => $summary,)* }
            }
        }
    };
}

error_codes! {
    // ----- crate-wide -----
    Json = "json.invalid", Json, "A JSON document is malformed or does not fit the model.";
    Invalid = "value.invalid", Invalid, "A value breaks a rule of the model.";
    Io = "io", Io, "Reading or writing a file failed.";

    // ----- input files -----
    InputNotRegularFile = "input.not_regular_file", Io, "A file given as input is not a regular file (a FIFO, a device, a directory...).";
    InputTooLarge = "input.too_large", Invalid, "A file given as input is larger than its documented size cap.";
    InputNotUtf8 = "input.not_unicode", Invalid, "A text input is not UTF-8.";
    InputIo = "input.io", Io, "Reading a file given as input failed.";

    // ----- importers -----
    ImportUnknownSource = "import.unknown_source", Invalid, "No importer has the source name given.";
    ImportNoInput = "import.no_input", Invalid, "No input file was given to an import.";
    ImportTooLarge = "import.too_large", Invalid, "An import input is larger than one import accepts.";
    ImportMalformed = "import.malformed", Invalid, "An import input is not what the source's format allows (names file, row and field).";
    ImportWrongSource = "import.wrong_source", Invalid, "An import input is an export of another kind than the source named.";
    ImportErrorResponse = "import.error_response", Invalid, "A captured API response given to an import is an error, not a population.";
    ImportMissingPages = "import.missing_pages", Invalid, "The pages given to an import are not the whole population (a page is missing or repeated).";
    ImportNoFetchTime = "import.no_fetch_time", Invalid, "Nothing tells when the export was made; --fetched-at is needed.";
    ImportNotReproducible = "import.not_reproducible", Locker, "A stored record cannot be re-derived from its inputs (e.g. it has no provenance).";
    ImportNoEvents = "import.no_events", Invalid, "An audit-log import found no event with a time in any of its files.";

    // ----- catalog -----
    CatalogParse = "catalog.parse", Catalog, "A catalog file is not valid TOML or JSON, or a value does not fit its field.";
    CatalogMissingThreshold = "catalog.missing_threshold", Catalog, "A base catalog leaves a threshold unset.";
    CatalogDuplicateControl = "catalog.duplicate_control", Catalog, "A control id is defined twice in one file.";
    CatalogUnknownControl = "catalog.unknown_control", Catalog, "`disable` names a control that is not in the catalog.";
    CatalogInvalidControl = "catalog.invalid_control", Catalog, "A control definition breaks a rule.";
    CatalogUnknownFormat = "catalog.unknown_format", Catalog, "A catalog file name ends neither in .toml nor in .json.";

    // ----- ledger -----
    LedgerIo = "ledger.io", Io, "Reading or writing a file of the locker failed.";
    LedgerCancelled = "ledger.cancelled", Cancelled, "A check of a locker (fsck) was cancelled; it changes nothing.";
    LedgerNotALocker = "ledger.not_a_locker", Locker, "The directory has no locker header.";
    LedgerMissingLedger = "ledger.missing_ledger", Integrity, "The locker has a header but no ledger file.";
    LedgerAlreadyExists = "ledger.already_exists", Locker, "A locker already exists where one was to be created.";
    LedgerInvalidHeader = "ledger.invalid_header", Integrity, "The locker header is not a valid header.";
    LedgerUnsupportedVersion = "ledger.unsupported_version", Locker, "The locker's format version is not one this library reads.";
    LedgerInvalidOrigin = "ledger.invalid_origin", Invalid, "A locker origin breaks the rules of the checkpoint format.";
    LedgerInvalidRecord = "ledger.invalid_record", Integrity, "A ledger line is not a valid record.";
    LedgerNotCanonical = "ledger.not_canonical", Integrity, "A ledger line is not the canonical form of its record (it was edited).";
    LedgerSeqMismatch = "ledger.seq_mismatch", Integrity, "Records were removed, inserted or reordered.";
    LedgerChainBroken = "ledger.chain_broken", Integrity, "A record's prev is not the hash of the record before it.";
    LedgerBadGenesis = "ledger.bad_genesis", Integrity, "The first record's prev is not 64 zeros.";
    LedgerMissingBlob = "ledger.missing_blob", Integrity, "A record's attachment blob is missing.";
    LedgerBlobSizeMismatch = "ledger.blob_size_mismatch", Integrity, "A blob's size is not the size its record declares.";
    LedgerBlobCorrupt = "ledger.blob_corrupt", Integrity, "A blob's content no longer hashes to its name.";
    LedgerUnexpectedFile = "ledger.unexpected_file", Integrity, "A file in the blob store that no blob can be.";
    LedgerShrank = "ledger.shrank", Integrity, "The ledger file shrank since it was read (records removed).";
    LedgerRecordChanged = "ledger.record_changed", Integrity, "A record changed since it was read.";
    LedgerAttachmentRead = "ledger.attachment_read", Io, "Reading an attachment's content from its source failed.";
    LedgerAttachmentNotStored = "ledger.attachment_not_stored", Locker, "Evidence names an attachment that is not stored in the locker.";
    LedgerAttachmentSizeMismatch = "ledger.attachment_size_mismatch", Locker, "Evidence declares an attachment size other than the stored blob's.";
    LedgerNotRegularFile = "ledger.not_regular_file", Integrity, "The ledger is not a regular file (a directory, a FIFO...).";
    LedgerBlobNotRegularFile = "ledger.blob_not_regular_file", Integrity, "A blob's name holds a symbolic link or another non-regular file.";
    LedgerRecordTooLarge = "ledger.record_too_large", Invalid, "A record is larger than the locker accepts.";
    LedgerFutureDated = "ledger.future_dated", Invalid, "Evidence was refused at add: its observed_at, or a date in it of something that happened, is later than the time of recording plus 5 minutes of clock skew (the error names the field).";
    LedgerNoSuchRecord = "ledger.no_such_record", Locker, "A record the locker does not hold was asked for.";
    LedgerCheckpointMalformed = "ledger.checkpoint_malformed", Invalid, "A checkpoint's text is malformed.";
    LedgerCheckpointMismatch = "ledger.checkpoint_mismatch", Integrity, "A checkpoint does not describe this locker (history was rewritten).";
    LedgerSignedCheckpointInvalid = "ledger.signed_checkpoint_invalid", Integrity, "A signed checkpoint in checkpoints/ is malformed, its signatures disagree, or the locker contradicts it (history rewritten after it was signed).";
    LedgerCheckpointRefused = "ledger.checkpoint_refused", Locker, "A signed checkpoint cannot be stored: not validly signed, or another one is stored for its size (append-only).";
    LedgerTimestampTooLarge = "ledger.timestamp_too_large", Invalid, "A time-stamp response, request or TSA CA file is larger than accepted.";
    LedgerTimestampMalformed = "ledger.timestamp_malformed", Integrity, "A time-stamp response or request is not the DER structure RFC 3161 defines.";
    LedgerTimestampNotGranted = "ledger.timestamp_not_granted", Integrity, "The time-stamp authority did not grant the request.";
    LedgerTimestampImprintMismatch = "ledger.timestamp_imprint_mismatch", Integrity, "A time-stamp token covers something other than the checkpoint note (another checkpoint).";
    LedgerTimestampNonceMismatch = "ledger.timestamp_nonce_mismatch", Integrity, "A time-stamp token's nonce is not the request's (a stale reply).";
    LedgerTimestampBadSignature = "ledger.timestamp_bad_signature", Signature, "A time-stamp token's CMS signature does not verify (the token was altered).";
    LedgerTimestampUnsupportedAlgorithm = "ledger.timestamp_unsupported_algorithm", Signature, "A time-stamp token uses an algorithm soc2 does not verify.";
    LedgerTimestampNotTsa = "ledger.timestamp_not_tsa", Signature, "A time-stamp token's signer lacks the critical id-kp-timeStamping extended key usage.";
    LedgerTimestampUntrusted = "ledger.timestamp_untrusted", Signature, "A time-stamp token's signer does not chain to the trusted TSA CA, or a certificate is not valid at the token's time.";
    LedgerTimestampCaInvalid = "ledger.timestamp_ca_invalid", Key, "The TSA CA file holds no readable certificate.";
    LedgerTimestampTsaUnreachable = "ledger.timestamp_tsa_unreachable", Io, "The time-stamp authority could not be reached over HTTP, or did not answer with a time-stamp reply.";
    LedgerTimestampRefused = "ledger.timestamp_refused", Locker, "A time-stamp token cannot be stored: no signed checkpoint, the request is for another one, or another token is stored for it (append-only).";

    // ----- Merkle proofs -----
    ProofEmptyTree = "proof.empty_tree", Invalid, "A proof was asked for in an empty tree.";
    ProofIndexOutOfRange = "proof.index_out_of_range", Invalid, "A leaf index is not below the tree size.";
    ProofSizeExceedsLeaves = "proof.size_exceeds_leaves", Invalid, "A tree size exceeds the leaves available.";
    ProofOldSizeExceedsNewSize = "proof.old_size_exceeds_new_size", Invalid, "A consistency proof's old tree is larger than its new one.";
    ProofWrongLength = "proof.wrong_length", Invalid, "A proof has the wrong number of hashes for its parameters.";
    ProofRootMismatch = "proof.root_mismatch", Integrity, "An inclusion proof does not lead to the trusted root.";
    ProofOldRootMismatch = "proof.old_root_mismatch", Integrity, "A consistency proof does not reproduce the old root.";
    ProofNewRootMismatch = "proof.new_root_mismatch", Integrity, "A consistency proof does not reproduce the new root.";

    // ----- bundle: files, keys and signers -----
    BundleIo = "bundle.io", Io, "Reading or writing a file other than the bundle failed.";
    BundleKeyFile = "bundle.key_file", Key, "A signing key file is not an OpenSSH private key.";
    BundleKeyEncrypted = "bundle.key_encrypted", Key, "A signing key is passphrase-protected and no passphrase was given.";
    BundleWrongPassphrase = "bundle.wrong_passphrase", Key, "The passphrase does not decrypt the key.";
    BundleUnsupportedKeyType = "bundle.unsupported_key_type", Key, "A signing key is not Ed25519.";
    BundleKeyExists = "bundle.key_exists", Key, "Key generation would overwrite an existing file.";
    BundleInvalidPrincipal = "bundle.invalid_principal", Invalid, "A signer principal cannot be written into allowed_signers unambiguously.";
    BundleCrypto = "bundle.crypto", Key, "Creating or encoding a key or signature failed.";
    BundleAllowedSigners = "bundle.allowed_signers", Key, "An allowed_signers file is malformed.";
    BundleInvalidOption = "bundle.invalid_option", Invalid, "An export option is unusable.";
    BundleOutputRefused = "bundle.output_refused", Invalid, "The export's target was refused: not a regular file, inside the locker, the signing key, or an existing file.";
    BundleCancelled = "bundle.cancelled", Cancelled, "An export or a verification was cancelled; nothing was written.";
    BundleLockerBlobCorrupt = "bundle.locker_blob_corrupt", Integrity, "While exporting, a locker blob did not hash to its name.";

    // ----- bundle: verification -----
    BundleMissingMember = "bundle.missing_member", Integrity, "A member the format requires is absent.";
    BundleUnexpectedMember = "bundle.unexpected_member", Integrity, "A member the format does not define.";
    BundleMemberTooLarge = "bundle.member_too_large", Integrity, "A member is larger than verification allows.";
    BundleSignatureMalformed = "bundle.signature_malformed", Signature, "SHA256SUMS.sig is not an SSH signature.";
    BundleWrongNamespace = "bundle.wrong_namespace", Signature, "The signature was made for another namespace.";
    BundleUntrustedKey = "bundle.untrusted_key", Signature, "The signing key is not a trusted signer.";
    BundleIdentityNotAllowed = "bundle.identity_not_allowed", Signature, "The signing key is not trusted for the identity asked for.";
    BundleSignerNotValid = "bundle.signer_not_valid", Signature, "The signing key's allowed_signers options refuse it now.";
    BundleBadSignature = "bundle.bad_signature", Signature, "The signature does not verify with the trusted key.";
    BundleSumsMalformed = "bundle.sums_malformed", Integrity, "A line of SHA256SUMS is malformed or out of order.";
    BundleMemberNotListed = "bundle.member_not_listed", Integrity, "A member is not listed in SHA256SUMS.";
    BundleListedMemberMissing = "bundle.listed_member_missing", Integrity, "SHA256SUMS lists a member the zip does not hold.";
    BundleBlobNameMismatch = "bundle.blob_name_mismatch", Integrity, "SHA256SUMS lists a blob under a hash other than its name.";
    BundleWrongHash = "bundle.wrong_hash", Integrity, "A member does not hash to what SHA256SUMS lists.";
    BundleCheckpointInvalid = "bundle.checkpoint_invalid", Integrity, "The checkpoint member is not a valid checkpoint.";
    BundleLeavesMalformed = "bundle.leaves_malformed", Integrity, "A line of the leaves member is malformed.";
    BundleLeafCountMismatch = "bundle.leaf_count_mismatch", Integrity, "The leaves member does not hold the checkpoint's number of leaves.";
    BundleRootMismatch = "bundle.root_mismatch", Integrity, "The leaf hashes do not produce the checkpoint's root.";
    BundleManifestInvalid = "bundle.manifest_invalid", Integrity, "manifest.json is not a valid manifest.";
    BundleUnsupportedFormat = "bundle.unsupported_format", Integrity, "The manifest names a format or version this library does not read.";
    BundleManifestMismatch = "bundle.manifest_mismatch", Integrity, "The manifest disagrees with the rest of the bundle.";
    BundleRecordInvalid = "bundle.record_invalid", Integrity, "A line of records.jsonl is not a valid record.";
    BundleRecordNotCanonical = "bundle.record_not_canonical", Integrity, "A line of records.jsonl is not its record's canonical bytes.";
    BundleRecordOutOfPlace = "bundle.record_out_of_place", Integrity, "Records are out of order or beyond the checkpoint.";
    BundleRecordLeafMismatch = "bundle.record_leaf_mismatch", Integrity, "A record does not hash to its leaf.";
    BundleChainMismatch = "bundle.chain_mismatch", Integrity, "A record's prev is not the leaf before it.";
    BundleBlobMissing = "bundle.blob_missing", Integrity, "A record's attachment blob is missing from the bundle.";
    BundleBlobSizeMismatch = "bundle.blob_size_mismatch", Integrity, "A blob's size is not the size its record declares.";
    BundleUnreferencedBlob = "bundle.unreferenced_blob", Integrity, "A blob that no disclosed record references.";
    BundleRecordNotDisclosed = "bundle.record_not_disclosed", Invalid, "A record the bundle does not disclose was asked for.";
    BundleOriginMismatch = "bundle.origin_mismatch", Integrity, "The bundle's locker origin is not the one the auditor expects.";
    BundleInclusionProof = "bundle.inclusion_proof", Integrity, "An inclusion proof does not fit the checkpoint or does not verify.";

    // ----- bundle: signed checkpoints and chaining -----
    BundleTimestampInvalid = "bundle.timestamp_invalid", Integrity, "A time-stamp token the bundle carries does not verify over its checkpoint note (or does not chain to the TSA CA given).";
    BundleSignedCheckpointInvalid = "bundle.signed_checkpoint_invalid", Integrity, "A signed checkpoint the bundle carries is malformed, not signed by the trusted key, or not extended by the bundle's tree.";
    BundlePreviousInvalid = "bundle.previous_invalid", Integrity, "The consistency proof from the previous checkpoint (previous/) is malformed or does not verify.";
    BundleNotAnExtension = "bundle.not_an_extension", Integrity, "The bundle does not extend the previous bundle: history rewritten, records removed or the locker forked.";
    BundlePreviousRejected = "bundle.previous_rejected", Integrity, "The previous bundle given to check against did not verify.";

    // ----- bundle archive (the zip) -----
    ArchiveIo = "archive.io", Io, "Reading or writing the bundle file failed.";
    ArchiveWriter = "archive.writer", Io, "Writing the zip failed (the writer failed, or failed earlier).";
    ArchiveInput = "archive.input", Io, "Reading a member's content while writing the zip failed.";
    ArchiveInputSize = "archive.input_size", Integrity, "A member's content was not the size declared while writing the zip (it changed).";
    ArchiveNotSorted = "archive.not_sorted", Invalid, "Members were added to the writer out of order.";
    ArchiveBadName = "archive.bad_name", Integrity, "A member name is empty, a directory, absolute, non-canonical or has forbidden characters.";
    ArchiveNameCollision = "archive.name_collision", Integrity, "Two member names collide (exactly, after normalisation, by case or as file and directory).";
    ArchiveNotZip = "archive.not_zip", Integrity, "No end-of-central-directory record: the file is not a zip archive.";
    ArchiveLayout = "archive.layout", Integrity, "Bytes outside the canonical layout: comments, prepended, hidden or trailing data, overlaps, bad offsets or counts.";
    ArchiveUnsupported = "archive.unsupported", Integrity, "A zip feature bundles do not use: multi-disk, encryption, data descriptors, flags, methods, extra fields, comments.";
    ArchiveHeaderMismatch = "archive.header_mismatch", Integrity, "A local header differs from the central directory.";
    ArchiveNotRegularFile = "archive.not_regular_file", Integrity, "A member is a symbolic link or another non-regular file.";
    ArchiveTooLarge = "archive.too_large", Integrity, "The archive exceeds a limit: entries, central directory, member or total size, compression ratio.";
    ArchiveNoSuchMember = "archive.no_such_member", Integrity, "A member that was asked for is not in the archive.";
    ArchiveContentMismatch = "archive.content_mismatch", Integrity, "A member's content does not match its declared sizes or CRC-32, or its deflate stream is corrupt.";
    ArchiveOther = "archive.other", Integrity, "The zip is malformed in a way this version names only by its message.";
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for ErrorCode {
    type Err = ();

    fn from_str(s: &str) -> Result<Self, ()> {
        ErrorCode::ALL.iter().copied().find(|c| c.as_str() == s).ok_or(())
    }
}

/// The table of `docs/errors.md`: every code with its class and what each binding and the
/// command line make of it. Generated from [`ErrorCode::ALL`]; a drift test keeps the file
/// equal to it.
pub fn markdown_table() -> String {
    let mut out = String::from(
        "| code | class | Python exception | uniffi variant | CLI exit | meaning |\n\
         | --- | --- | --- | --- | --- | --- |\n",
    );
    for code in ErrorCode::ALL {
        let class = code.class();
        out.push_str(&format!(
            "| `{}` | {} | `{}` | `{}` | {} | {} |\n",
            code.as_str(),
            class.as_str(),
            class.python_exception(),
            class.uniffi_variant(),
            class.exit_code(),
            code.summary().replace('|', "\\|"),
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parse_back() {
        let mut seen = std::collections::BTreeSet::new();
        for code in ErrorCode::ALL {
            assert!(seen.insert(code.as_str()), "{code} listed twice");
            assert_eq!(code.as_str().parse::<ErrorCode>(), Ok(*code));
            assert!(
                code.as_str().bytes().all(|b| b.is_ascii_lowercase() || b == b'.' || b == b'_'),
                "{code}: codes are lower-case snake case with dots"
            );
        }
    }

    /// The exit status a shell script sees, written out by hand.
    #[test]
    fn exit_codes_by_class() {
        assert_eq!(ErrorClass::Integrity.exit_code(), 1);
        assert_eq!(ErrorClass::Signature.exit_code(), 1);
        assert_eq!(ErrorClass::Cancelled.exit_code(), 130);
        for c in [ErrorClass::Json, ErrorClass::Invalid, ErrorClass::Key, ErrorClass::Io] {
            assert_eq!(c.exit_code(), 2, "{c}");
        }
    }
}
