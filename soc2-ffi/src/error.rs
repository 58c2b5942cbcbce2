//! The one error type of the bindings.
//!
//! soc2-core classifies every error once ([`soc2_core::error::Classify`]): the class
//! picks the variant ([`ErrorClass::uniffi_variant`] names it, and the table in
//! `docs/errors.md` lists every code), the subject fills its fields.

use soc2_core::bundle::BundleError;
use soc2_core::catalog::CatalogError;
use soc2_core::error::{Classify, ErrorClass, Subject};
use soc2_core::json::JsonError;
use soc2_core::ledger::LedgerError;
use soc2_core::model::Sha256Digest;

/// Everything that can go wrong in a soc2 call, as the foreign language sees it: an
/// exception (Kotlin, Python, Ruby) or a thrown error (Swift).
///
/// Each variant carries `code`, soc2-core's stable error code (`ledger.chain_broken`;
/// the table is `docs/errors.md`), the facts that say where the error is, and `detail`,
/// soc2-core's full description, which is also what the error prints as.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi::export(Display)]
pub enum Soc2Error {
    /// A JSON document is malformed or does not fit the model (syntax, unknown or
    /// missing field, duplicate key, float, integer out of range, text not in NFC...).
    #[error("{detail}")]
    Json {
        /// The stable error code.
        code: String,
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

    /// A value breaks a rule of the model or of the call: a malformed timestamp, date,
    /// digest, control id, criterion or audit period, an invalid locker origin or signer
    /// principal, an unusable export option, a malformed checkpoint or proof.
    #[error("{detail}")]
    Invalid {
        /// The stable error code.
        code: String,
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
        /// The stable error code.
        code: String,
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
    /// not match the locker (its history was rewritten), a proof does not lead to the
    /// trusted root, or a bundle is malformed or was tampered with.
    #[error("{detail}")]
    Integrity {
        /// The stable error code.
        code: String,
        /// The records named as damaged or involved, by sequence number.
        records: Vec<u64>,
        /// The attachment blob named, if any.
        blob: Option<Sha256Digest>,
        /// The bundle member (e.g. `records.jsonl`, `blobs/sha256/...`) or locker file
        /// named, if any.
        member: Option<String>,
        /// The whole description, naming the record (seq and line), blob or file.
        detail: String,
    },

    /// The locker refused a request or cannot be used: not a locker, one already exists,
    /// an attachment not stored before the evidence naming it, a record that does not
    /// exist...
    #[error("{detail}")]
    Locker {
        /// The stable error code.
        code: String,
        /// The records asked for, if any.
        records: Vec<u64>,
        /// The attachment blob named, if any.
        blob: Option<Sha256Digest>,
        /// The whole description.
        detail: String,
    },

    /// A bundle's signature does not hold: malformed, for another namespace, by a key
    /// the auditor does not trust (or not for the identity asked), or not matching.
    #[error("{detail}")]
    Signature {
        /// The stable error code.
        code: String,
        /// The signing key's fingerprint (`SHA256:...`), when known.
        fingerprint: Option<String>,
        /// The bundle member refused (`SHA256SUMS.sig`), when known.
        member: Option<String>,
        /// The whole description.
        detail: String,
    },

    /// A signing key or the list of trusted signers cannot be used: not an OpenSSH
    /// Ed25519 key, encrypted without a passphrase given, a wrong passphrase, a key file
    /// that already exists, a malformed `allowed_signers`...
    #[error("{detail}")]
    Key {
        /// The stable error code.
        code: String,
        /// The key file or signers list involved, when there is one.
        path: Option<String>,
        /// The 1-based line of a malformed `allowed_signers` (0 otherwise).
        line: u64,
        /// The whole description.
        detail: String,
    },

    /// Reading or writing a file failed.
    #[error("{detail}")]
    Io {
        /// The stable error code.
        code: String,
        /// The file or directory involved (none for an attachment read from a stream).
        path: Option<String>,
        /// The operating system's error.
        reason: String,
        /// The whole description, naming the path.
        detail: String,
    },

    /// An export was cancelled by its `ExportListener`; nothing was written and the
    /// target is untouched.
    #[error("{detail}")]
    Cancelled {
        /// The stable error code.
        code: String,
        /// The whole description.
        detail: String,
    },

    /// An error of a class these bindings do not know yet (soc2-core is newer than them).
    #[error("{detail}")]
    Other {
        /// The stable error code.
        code: String,
        /// soc2-core's description.
        detail: String,
    },
}

impl Soc2Error {
    /// Builds [`Soc2Error::Invalid`] the way soc2-core words it.
    pub fn invalid(field: impl Into<String>, reason: impl Into<String>) -> Self {
        soc2_core::Error::Invalid { field: field.into(), reason: reason.into() }.into()
    }

    /// The variant for an error of `class`, from its code, subject and description.
    fn build(class: ErrorClass, code: String, s: Subject, detail: String) -> Self {
        let text = |v: Option<String>| v.unwrap_or_default();
        let path = s.path.as_ref().map(|p| p.display().to_string());
        match class {
            ErrorClass::Json => Soc2Error::Json {
                code,
                source_name: s.source,
                line: s.line,
                column: s.column,
                path: s.field.unwrap_or_else(|| ".".into()),
                reason: text(s.reason),
                detail,
            },
            ErrorClass::Invalid => {
                Soc2Error::Invalid { code, field: text(s.field), reason: text(s.reason), detail }
            }
            ErrorClass::Catalog => Soc2Error::Catalog {
                code,
                source_name: text(s.source.or(path)),
                line: s.line,
                column: s.column,
                field: s.field,
                control: s.control,
                detail,
            },
            ErrorClass::Integrity => Soc2Error::Integrity {
                code,
                member: s.location(),
                records: s.records,
                blob: s.blob,
                detail,
            },
            ErrorClass::Locker => {
                Soc2Error::Locker { code, records: s.records, blob: s.blob, detail }
            }
            ErrorClass::Signature => {
                Soc2Error::Signature { code, fingerprint: s.fingerprint, member: s.member, detail }
            }
            ErrorClass::Key => {
                Soc2Error::Key { code, path: path.or(s.source), line: s.line, detail }
            }
            ErrorClass::Io => Soc2Error::Io { code, path, reason: text(s.reason), detail },
            ErrorClass::Cancelled => Soc2Error::Cancelled { code, detail },
            _ => Soc2Error::Other { code, detail },
        }
    }

    /// The name of this variant, as the foreign languages spell it.
    pub fn variant_name(&self) -> &'static str {
        match self {
            Soc2Error::Json { .. } => "Json",
            Soc2Error::Invalid { .. } => "Invalid",
            Soc2Error::Catalog { .. } => "Catalog",
            Soc2Error::Integrity { .. } => "Integrity",
            Soc2Error::Locker { .. } => "Locker",
            Soc2Error::Signature { .. } => "Signature",
            Soc2Error::Key { .. } => "Key",
            Soc2Error::Io { .. } => "Io",
            Soc2Error::Cancelled { .. } => "Cancelled",
            Soc2Error::Other { .. } => "Other",
        }
    }
}

/// Any classified soc2-core error.
fn classified(e: &dyn Classify) -> Soc2Error {
    Soc2Error::build(e.class(), e.code().as_str().to_owned(), e.subject(), e.to_string())
}

impl From<soc2_core::Error> for Soc2Error {
    fn from(e: soc2_core::Error) -> Self {
        classified(&e)
    }
}

impl From<JsonError> for Soc2Error {
    fn from(e: JsonError) -> Self {
        classified(&e)
    }
}

impl From<CatalogError> for Soc2Error {
    fn from(e: CatalogError) -> Self {
        classified(&e)
    }
}

impl From<LedgerError> for Soc2Error {
    fn from(e: LedgerError) -> Self {
        classified(&e)
    }
}

impl From<BundleError> for Soc2Error {
    fn from(e: BundleError) -> Self {
        classified(&e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The uniffi variant of every code is the one `docs/errors.md` documents (the
    /// Python package and the CLI check the same table), and every documented code exists.
    #[test]
    fn variants_agree_with_the_documented_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/errors.md");
        let text = fs_err::read_to_string(path).unwrap();
        let mut documented = Vec::new();
        for row in text.lines().filter(|l| l.starts_with("| `")) {
            let cells: Vec<&str> = row.split('|').map(|c| c.trim().trim_matches('`')).collect();
            let (code, variant) = (cells[1], cells[4]);
            let parsed: soc2_core::error::ErrorCode =
                code.parse().unwrap_or_else(|()| panic!("documented code {code} is unknown"));
            let built = Soc2Error::build(
                parsed.class(),
                code.to_owned(),
                Subject::default(),
                String::new(),
            );
            assert_eq!(built.variant_name(), variant, "{code}");
            documented.push(parsed);
        }
        assert_eq!(documented, soc2_core::error::ErrorCode::ALL, "docs/errors.md lists every code");
    }

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
            matches!(Soc2Error::from(io), Soc2Error::Io { ref path, .. } if path.as_deref() == Some("/nowhere"))
        );
    }
}
