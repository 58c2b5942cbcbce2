//! The crate-wide error type.

use std::path::PathBuf;

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
