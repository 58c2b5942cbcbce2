//! The one error type of the bindings.

use soc2_core::bundle::BundleError;
use soc2_core::bundle::archive::ArchiveError;
use soc2_core::catalog::CatalogError;
use soc2_core::json::JsonError;
use soc2_core::ledger::LedgerError;
use soc2_core::model::Sha256Digest;

/// Everything that can go wrong in a soc2 call, as the foreign language sees it: an
/// exception (Kotlin, Python, Ruby) or a thrown error (Swift).
///
/// Each variant carries the structured facts of soc2-core's error (file, line, field,
/// path...) and `detail`, soc2-core's full description, which is also what the error
/// prints as.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum Soc2Error {
    /// A JSON document is malformed or does not fit the model (syntax, unknown or
    /// missing field, duplicate key, float, integer out of range, text not in NFC...).
    #[error("{detail}")]
    Json {
        /// The file or other source the document came from, when known.
        source_name: Option<String>,
        /// 1-based line of the error (0 when it is not tied to a position).
        line: u64,
        /// 1-based column of the error (0 when it is not tied to a position).
        column: u64,
        /// Path of the offending field, e.g. `payload.access_review.accounts[3].decision`
        /// (`.` for the whole document).
        path: String,
        /// What is wrong.
        reason: String,
        /// The whole description, e.g. `3:5: field `a`: duplicate key`.
        detail: String,
    },

    /// A value breaks a rule of the model: a malformed timestamp, date, digest, control
    /// id, criterion or audit period, or a period that ends before it starts.
    #[error("{detail}")]
    Invalid {
        /// The field, argument or kind of value at fault.
        field: String,
        /// What is wrong with it.
        reason: String,
        /// The whole description.
        detail: String,
    },

    /// A catalog file cannot be parsed or breaks a rule of the catalog (a duplicate or
    /// unknown control, a missing threshold, a control without criteria...).
    #[error("{detail}")]
    Catalog {
        /// The catalog file (or other source) read.
        source_name: String,
        /// 1-based line of the error (0 when it is not tied to a position).
        line: u64,
        /// 1-based column of the error (0 when it is not tied to a position).
        column: u64,
        /// The field at fault, e.g. `controls[2].severity`, when there is one.
        field: Option<String>,
        /// The control at fault, when there is one.
        control: Option<String>,
        /// The whole description, naming the file.
        detail: String,
    },

    /// Evidence was changed, removed, reordered or is missing: the locker's ledger or an
    /// attachment no longer matches what was recorded, a checkpoint kept elsewhere does
    /// not match the locker (its history was rewritten), or a bundle is malformed or was
    /// tampered with.
    #[error("{detail}")]
    Integrity {
        /// The records named as damaged or involved, by sequence number.
        records: Vec<u64>,
        /// The attachment blob named, if any.
        blob: Option<Sha256Digest>,
        /// The bundle member named, if any (e.g. `records.jsonl`, `blobs/sha256/...`).
        member: Option<String>,
        /// The whole description, naming the record (seq and line), blob or file.
        detail: String,
    },

    /// The locker refused a request or cannot be used: not a locker, one already exists,
    /// an invalid origin, an attachment not stored before the evidence naming it, a
    /// record that does not exist, a malformed checkpoint...
    #[error("{detail}")]
    Locker {
        /// The attachment blob named, if any.
        blob: Option<Sha256Digest>,
        /// The whole description.
        detail: String,
    },

    /// A bundle's signature does not hold: malformed, for another namespace, by a key
    /// the auditor does not trust (or not for the identity asked), or not matching.
    #[error("{detail}")]
    Signature {
        /// The signing key's fingerprint (`SHA256:...`), when known.
        fingerprint: Option<String>,
        /// The whole description.
        detail: String,
    },

    /// A signing key or the list of trusted signers cannot be used: not an OpenSSH
    /// Ed25519 key, encrypted without a passphrase given, a wrong passphrase, a key file
    /// that already exists, an invalid principal, a malformed `allowed_signers`...
    #[error("{detail}")]
    Key {
        /// The key file or signers list involved, when there is one.
        path: Option<String>,
        /// The whole description.
        detail: String,
    },

    /// Reading or writing a file failed.
    #[error("{detail}")]
    Io {
        /// The file or directory involved.
        path: String,
        /// The operating system's error.
        reason: String,
        /// The whole description, naming the path.
        detail: String,
    },

    /// An export was cancelled by its `ExportListener`; nothing was written and the
    /// target is untouched.
    #[error("{detail}")]
    Cancelled {
        /// The whole description.
        detail: String,
    },

    /// An error of a kind these bindings do not know yet (soc2-core is newer than them).
    #[error("{detail}")]
    Other {
        /// soc2-core's description.
        detail: String,
    },
}

impl Soc2Error {
    /// Builds [`Soc2Error::Invalid`] the way soc2-core words it.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        soc2_core::Error::Invalid { field: field.into(), reason: reason.into() }.into()
    }
}

impl From<soc2_core::Error> for Soc2Error {
    fn from(e: soc2_core::Error) -> Self {
        let detail = e.to_string();
        match e {
            soc2_core::Error::Json(j) => Soc2Error::Json {
                source_name: j.source_name,
                line: j.line as u64,
                column: j.column as u64,
                path: j.path,
                reason: j.reason,
                detail,
            },
            soc2_core::Error::Invalid { field, reason } => {
                Soc2Error::Invalid { field, reason, detail }
            }
            soc2_core::Error::Catalog(c) => catalog_error(c, detail),
            soc2_core::Error::Ledger(l) => ledger_error(l, detail),
            soc2_core::Error::Bundle(b) => bundle_error(b, detail),
            soc2_core::Error::Io { path, source } => Soc2Error::Io {
                path: path.display().to_string(),
                reason: source.to_string(),
                detail,
            },
            _ => Soc2Error::Other { detail },
        }
    }
}

impl From<JsonError> for Soc2Error {
    fn from(e: JsonError) -> Self {
        soc2_core::Error::Json(e).into()
    }
}

impl From<CatalogError> for Soc2Error {
    fn from(e: CatalogError) -> Self {
        soc2_core::Error::Catalog(e).into()
    }
}

impl From<LedgerError> for Soc2Error {
    fn from(e: LedgerError) -> Self {
        soc2_core::Error::Ledger(e).into()
    }
}

fn ledger_error(e: LedgerError, detail: String) -> Soc2Error {
    if e.is_damage() {
        return Soc2Error::Integrity { records: e.records(), blob: e.blob(), member: None, detail };
    }
    match e {
        LedgerError::Io { path, source } => {
            Soc2Error::Io { path: path.display().to_string(), reason: source.to_string(), detail }
        }
        e => Soc2Error::Locker { blob: e.blob(), detail },
    }
}

impl From<BundleError> for Soc2Error {
    fn from(e: BundleError) -> Self {
        soc2_core::Error::Bundle(e).into()
    }
}

fn bundle_error(e: BundleError, detail: String) -> Soc2Error {
    let integrity = |records: Vec<u64>, blob: Option<Sha256Digest>, member: Option<String>| {
        Soc2Error::Integrity { records, blob, member, detail: detail.clone() }
    };
    let key = |path: Option<String>| Soc2Error::Key { path, detail: detail.clone() };
    let signature =
        |fingerprint: Option<String>| Soc2Error::Signature { fingerprint, detail: detail.clone() };
    match e {
        BundleError::Io { path, source }
        | BundleError::Archive(ArchiveError::Io { path, source }) => {
            Soc2Error::Io { path: path.display().to_string(), reason: source.to_string(), detail }
        }
        BundleError::KeyFile { path, .. }
        | BundleError::KeyEncrypted { path }
        | BundleError::WrongPassphrase { path }
        | BundleError::KeyExists { path } => key(Some(path.display().to_string())),
        BundleError::AllowedSigners { file, .. } => key(Some(file)),
        BundleError::UnsupportedKeyType { .. }
        | BundleError::InvalidPrincipal { .. }
        | BundleError::Crypto { .. } => key(None),
        BundleError::InvalidOption { option, reason } => {
            Soc2Error::Invalid { field: option, reason, detail }
        }
        BundleError::SignatureMalformed { .. } | BundleError::WrongNamespace { .. } => {
            signature(None)
        }
        BundleError::UntrustedKey { fingerprint }
        | BundleError::IdentityNotAllowed { fingerprint, .. }
        | BundleError::SignerNotValid { fingerprint, .. }
        | BundleError::BadSignature { fingerprint } => signature(Some(fingerprint)),
        BundleError::Archive(
            ArchiveError::CrcMismatch { name, .. }
            | ArchiveError::CorruptDeflate { name, .. }
            | ArchiveError::ContentTooLong { name, .. }
            | ArchiveError::ContentTooShort { name, .. },
        ) => integrity(Vec::new(), None, Some(name)),
        BundleError::MissingMember { member }
        | BundleError::UnexpectedMember { member }
        | BundleError::MemberTooLarge { member, .. }
        | BundleError::MemberNotListed { member }
        | BundleError::ListedMemberMissing { member }
        | BundleError::BlobNameMismatch { member, .. }
        | BundleError::WrongHash { member, .. } => integrity(Vec::new(), None, Some(member)),
        BundleError::RecordNotCanonical { seq, .. }
        | BundleError::RecordOutOfPlace { seq, .. }
        | BundleError::RecordLeafMismatch { seq, .. }
        | BundleError::ChainMismatch { seq, .. } => integrity(vec![seq], None, None),
        BundleError::BlobMissing { seq, sha256 }
        | BundleError::BlobSizeMismatch { seq, sha256, .. } => {
            integrity(vec![seq], Some(sha256), None)
        }
        BundleError::Cancelled => Soc2Error::Cancelled { detail },
        BundleError::LockerBlobCorrupt { sha256, .. }
        | BundleError::UnreferencedBlob { sha256 } => integrity(Vec::new(), Some(sha256), None),
        e if e.is_rejection() => integrity(Vec::new(), None, None),
        _ => Soc2Error::Other { detail },
    }
}

fn catalog_error(e: CatalogError, detail: String) -> Soc2Error {
    let (source_name, line, column, field, control) = match e {
        CatalogError::Parse { source_name, line, column, field, .. } => {
            (source_name, line, column, Some(field), None)
        }
        CatalogError::MissingThreshold { source_name, field } => {
            (source_name, 0, 0, Some(format!("thresholds.{field}")), None)
        }
        CatalogError::DuplicateControl { source_name, id }
        | CatalogError::UnknownControl { source_name, id } => {
            (source_name, 0, 0, None, Some(id.to_string()))
        }
        CatalogError::InvalidControl { source_name, control, field, .. } => {
            (source_name, 0, 0, Some(field.to_owned()), Some(control.to_string()))
        }
        CatalogError::UnknownFormat { path } => (path, 0, 0, None, None),
        _ => return Soc2Error::Other { detail },
    };
    Soc2Error::Catalog {
        source_name,
        line: line as u64,
        column: column as u64,
        field,
        control,
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind of soc2-core error keeps its facts; none falls through to `Other`.
    #[test]
    fn each_core_error_has_its_own_variant() {
        let json = soc2_core::json::from_json_str::<soc2_core::model::Evidence>("{\"a\": 1.5}")
            .unwrap_err();
        assert!(matches!(Soc2Error::from(json), Soc2Error::Json { ref path, .. } if path == "a"));

        let invalid = Soc2Error::invalid("date", "bad");
        assert!(matches!(invalid, Soc2Error::Invalid { ref field, ref detail, .. }
                if field == "date" && detail == "invalid date: bad"));

        let catalog =
            soc2_core::catalog::CatalogFile::from_toml_str("disable = 3", "c.toml").unwrap_err();
        assert!(matches!(
            Soc2Error::from(catalog),
            Soc2Error::Catalog { ref source_name, ref field, .. }
                if source_name == "c.toml" && field.as_deref() == Some("disable")
        ));

        let damaged = LedgerError::ChainBroken {
            seq: 3,
            line: 4,
            prev_seq: 2,
            prev_line: 3,
            expected: Sha256Digest([1; 32]),
            found: Sha256Digest([2; 32]),
        };
        assert!(matches!(
            Soc2Error::from(damaged),
            Soc2Error::Integrity { ref records, .. } if records == &[2, 3]
        ));
        let refused = LedgerError::NoSuchRecord { seq: 9, len: 2 };
        assert!(matches!(Soc2Error::from(refused), Soc2Error::Locker { blob: None, .. }));

        let tampered = BundleError::WrongHash {
            member: "records.jsonl".into(),
            listed: Sha256Digest([1; 32]),
            actual: Sha256Digest([2; 32]),
        };
        assert!(matches!(
            Soc2Error::from(tampered),
            Soc2Error::Integrity { ref member, .. } if member.as_deref() == Some("records.jsonl")
        ));
        let forged = BundleError::BadSignature { fingerprint: "SHA256:abc".into() };
        assert!(matches!(
            Soc2Error::from(forged),
            Soc2Error::Signature { ref fingerprint, .. } if fingerprint.as_deref() == Some("SHA256:abc")
        ));

        // Cancelling is not a verdict on anything: it must not read as tampering.
        assert!(matches!(Soc2Error::from(BundleError::Cancelled), Soc2Error::Cancelled { .. }));

        let io = soc2_core::Error::io("/nowhere", std::io::ErrorKind::NotFound.into());
        assert!(
            matches!(Soc2Error::from(io), Soc2Error::Io { ref path, .. } if path == "/nowhere")
        );
    }
}
