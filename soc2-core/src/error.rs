//! The crate-wide error type, and how every error of soc2-core is classified.
//!
//! Each layer has its own documented, `#[non_exhaustive]` error enum ([`JsonError`],
//! [`crate::catalog::CatalogError`], [`LedgerError`], [`BundleError`]); [`Error`] holds
//! any of them. Every one implements [`Classify`]: a stable [`ErrorCode`], its
//! [`ErrorClass`] and the [`Subject`] it is about. The bindings and the command line map
//! the class to an exception, a uniffi variant or an exit status through the tables in
//! [`ErrorClass`], never by inspecting variants themselves (`docs/errors.md`).

use std::path::PathBuf;

mod archive;
mod code;

pub use code::{Classify, ErrorClass, ErrorCode, Subject, markdown_table};

use crate::bundle::BundleError;
use crate::json::JsonError;
use crate::ledger::LedgerError;

/// Everything that can go wrong in soc2-core.
///
/// Each variant names what is wrong and where (file, line, field, record, member), so
/// that the message alone is enough to act on.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A JSON document is malformed or does not fit the model.
    #[error(transparent)]
    Json(#[from] JsonError),

    /// A value is well-formed JSON but breaks a rule of the model (e.g. an audit period
    /// that ends before it starts).
    #[error("invalid {field}: {reason}")]
    Invalid {
        /// The field or argument at fault.
        field: String,
        /// What is wrong with it.
        reason: String,
    },

    /// A catalog file cannot be parsed or breaks a catalog rule.
    #[error(transparent)]
    Catalog(#[from] crate::catalog::CatalogError),
    /// The evidence locker is damaged, refused an operation, or could not be read or
    /// written; the error names the record, blob or file.
    #[error(transparent)]
    Ledger(#[from] LedgerError),

    /// An evidence bundle could not be made, or was rejected; the error names the member,
    /// record or check.
    #[error(transparent)]
    Bundle(#[from] BundleError),

    /// An input file was refused: not a regular file, over its size cap, or not UTF-8.
    #[error(transparent)]
    Input(#[from] crate::input::InputError),
    /// An export could not be imported; the error names the file, row and field.
    #[error(transparent)]
    Import(#[from] crate::import::ImportError),

    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// Builds an [`Error::Io`] for `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io { path: path.into(), source }
    }
}

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Classify for Error {
    fn code(&self) -> ErrorCode {
        match self {
            Error::Json(e) => e.code(),
            Error::Invalid { .. } => ErrorCode::Invalid,
            Error::Catalog(e) => e.code(),
            Error::Ledger(e) => e.code(),
            Error::Bundle(e) => e.code(),
            Error::Input(e) => e.code(),
            Error::Import(e) => e.code(),
            Error::Io { .. } => ErrorCode::Io,
        }
    }

    fn subject(&self) -> Subject {
        match self {
            Error::Json(e) => e.subject(),
            Error::Invalid { field, reason } => Subject {
                field: Some(field.clone()),
                reason: Some(reason.clone()),
                ..Subject::default()
            },
            Error::Catalog(e) => e.subject(),
            Error::Ledger(e) => e.subject(),
            Error::Bundle(e) => e.subject(),
            Error::Input(e) => e.subject(),
            Error::Import(e) => e.subject(),
            Error::Io { path, source } => Subject {
                path: Some(path.clone()),
                reason: Some(source.to_string()),
                ..Subject::default()
            },
        }
    }

    fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Ledger(e) => e.io_error(),
            Error::Bundle(e) => e.io_error(),
            Error::Input(e) => e.io_error(),
            _ => None,
        }
    }
}

impl Classify for JsonError {
    fn code(&self) -> ErrorCode {
        ErrorCode::Json
    }

    fn subject(&self) -> Subject {
        Subject {
            source: self.source_name.clone(),
            line: self.line as u64,
            column: self.column as u64,
            field: Some(self.path.clone()),
            reason: Some(self.reason.clone()),
            ..Subject::default()
        }
    }
}

impl Classify for crate::catalog::CatalogError {
    fn code(&self) -> ErrorCode {
        use crate::catalog::CatalogError as C;
        match self {
            C::Parse { .. } => ErrorCode::CatalogParse,
            C::MissingThreshold { .. } => ErrorCode::CatalogMissingThreshold,
            C::DuplicateControl { .. } => ErrorCode::CatalogDuplicateControl,
            C::UnknownControl { .. } => ErrorCode::CatalogUnknownControl,
            C::InvalidControl { .. } => ErrorCode::CatalogInvalidControl,
            C::UnknownFormat { .. } => ErrorCode::CatalogUnknownFormat,
        }
    }

    fn subject(&self) -> Subject {
        use crate::catalog::CatalogError as C;
        let mut s = Subject::default();
        match self {
            C::Parse { source_name, line, column, field, reason } => {
                s.source = Some(source_name.clone());
                s.line = *line as u64;
                s.column = *column as u64;
                s.field = Some(field.clone());
                s.reason = Some(reason.clone());
            }
            C::MissingThreshold { source_name, field } => {
                s.source = Some(source_name.clone());
                s.field = Some(format!("thresholds.{field}"));
                s.reason = Some("missing (a base catalog must set every threshold)".into());
            }
            C::DuplicateControl { source_name, id } | C::UnknownControl { source_name, id } => {
                s.source = Some(source_name.clone());
                s.control = Some(id.to_string());
                s.reason = Some(self.to_string());
            }
            C::InvalidControl { source_name, control, field, reason } => {
                s.source = Some(source_name.clone());
                s.control = Some(control.to_string());
                s.field = Some((*field).to_owned());
                s.reason = Some(format!("control {control}: {reason}"));
            }
            C::UnknownFormat { path } => {
                s.source = Some(path.clone());
                s.path = Some(PathBuf::from(path));
                s.reason = Some(self.to_string());
            }
        }
        s
    }
}

impl Classify for crate::ledger::merkle::ProofError {
    fn code(&self) -> ErrorCode {
        use crate::ledger::merkle::ProofError as P;
        match self {
            P::EmptyTree => ErrorCode::ProofEmptyTree,
            P::IndexOutOfRange { .. } => ErrorCode::ProofIndexOutOfRange,
            P::SizeExceedsLeaves { .. } => ErrorCode::ProofSizeExceedsLeaves,
            P::OldSizeExceedsNewSize { .. } => ErrorCode::ProofOldSizeExceedsNewSize,
            P::WrongProofLength { .. } => ErrorCode::ProofWrongLength,
            P::RootMismatch { .. } => ErrorCode::ProofRootMismatch,
            P::OldRootMismatch { .. } => ErrorCode::ProofOldRootMismatch,
            P::NewRootMismatch { .. } => ErrorCode::ProofNewRootMismatch,
        }
    }

    fn subject(&self) -> Subject {
        let field = (self.class() == ErrorClass::Invalid).then(|| "proof".to_owned());
        Subject { field, reason: Some(self.to_string()), ..Subject::default() }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Sha256Digest;

    #[test]
    fn a_damaged_record_is_integrity_and_names_records_and_line() {
        let e = Error::from(LedgerError::ChainBroken {
            seq: 3,
            line: 4,
            prev_seq: 2,
            prev_line: 3,
            expected: Sha256Digest([1; 32]),
            found: Sha256Digest([2; 32]),
        });
        assert_eq!(e.code().as_str(), "ledger.chain_broken");
        assert_eq!(e.class(), ErrorClass::Integrity);
        let s = e.subject();
        assert_eq!((s.records, s.line), (vec![2, 3], 4));
    }

    #[test]
    fn an_attachment_read_failure_is_io_without_a_path() {
        let e = LedgerError::AttachmentRead {
            what: "export.csv".into(),
            source: std::io::Error::from_raw_os_error(5),
        };
        assert_eq!((e.code(), e.class()), (ErrorCode::LedgerAttachmentRead, ErrorClass::Io));
        let s = e.subject();
        assert_eq!((s.path, s.source.as_deref()), (None, Some("export.csv")));
        assert_eq!(e.io_error().and_then(std::io::Error::raw_os_error), Some(5));
    }

    #[test]
    fn keys_and_principals_are_classified_once() {
        // Python and uniffi used to disagree on both.
        let principal = BundleError::InvalidPrincipal { principal: "a b".into(), reason: "space" };
        assert_eq!(principal.class(), ErrorClass::Invalid);
        assert_eq!(principal.subject().field.as_deref(), Some("principal"));
        let key = BundleError::KeyFile { path: "/k".into(), reason: "garbage".into() };
        assert_eq!((key.code().as_str(), key.class()), ("bundle.key_file", ErrorClass::Key));
        assert_eq!(key.subject().path, Some(PathBuf::from("/k")));
    }

    #[test]
    fn a_document_error_keeps_its_position() {
        let e =
            crate::json::from_json_str::<crate::model::Evidence>("{\n \"a\": 1.5}").unwrap_err();
        let s = e.subject();
        assert_eq!((e.code(), s.line, s.field.as_deref()), (ErrorCode::Json, 2, Some("a")));
    }
}
