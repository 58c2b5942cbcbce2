//! soc2-core errors as Python exceptions.
//!
//! The exception classes are defined in Python (`soc2/errors.py`), so that they can
//! inherit from both `soc2.Soc2Error` and the built-in class a Python user expects
//! (`ValueError`, `OSError`). This module only maps each core error to its class and
//! copies the fields that say where the error is.

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use soc2_core::bundle::BundleError;
use soc2_core::catalog::CatalogError;
use soc2_core::json::JsonError;
use soc2_core::ledger::{LedgerError, merkle};

mod py {
    pyo3::import_exception!(soc2.errors, Soc2Error);
    pyo3::import_exception!(soc2.errors, IntegrityError);
    pyo3::import_exception!(soc2.errors, LockerError);
    pyo3::import_exception!(soc2.errors, SignatureError);
    pyo3::import_exception!(soc2.errors, ValidationError);
    pyo3::import_exception!(soc2.errors, Soc2IOError);
}

/// The operating system's error number behind an I/O error, also when it is wrapped (as
/// `fs_err` wraps it to name the path).
fn os_errno(e: &std::io::Error) -> Option<i32> {
    if let Some(n) = e.raw_os_error() {
        return Some(n);
    }
    let mut cause: Option<&(dyn std::error::Error + 'static)> = e.get_ref().map(|r| r as _);
    while let Some(c) = cause {
        if let Some(n) = c.downcast_ref::<std::io::Error>().and_then(std::io::Error::raw_os_error) {
            return Some(n);
        }
        cause = c.source();
    }
    None
}

/// Builds an exception of class `T` from a message and keyword attributes.
fn raise<'py, T: pyo3::PyTypeInfo>(
    py: Python<'py>,
    message: String,
    fill: impl FnOnce(&Bound<'py, PyDict>) -> PyResult<()>,
) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let kwargs = PyDict::new(py);
        fill(&kwargs)?;
        let exc = py.get_type::<T>().call((message,), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|e| e)
}

/// `soc2.ValidationError` for a document that is malformed or does not fit the model.
pub(crate) fn json_error(py: Python<'_>, e: &JsonError) -> PyErr {
    raise::<py::ValidationError>(py, e.to_string(), |kw| {
        kw.set_item("path", &e.path)?;
        kw.set_item("reason", &e.reason)?;
        kw.set_item("line", e.line)?;
        kw.set_item("column", e.column)?;
        kw.set_item("source", &e.source_name)
    })
}

/// `soc2.ValidationError` for a value that breaks a rule of the model.
pub(crate) fn invalid(py: Python<'_>, field: &str, reason: String) -> PyErr {
    let message = format!("invalid {field}: {reason}");
    raise::<py::ValidationError>(py, message, |kw| {
        kw.set_item("path", field)?;
        kw.set_item("reason", reason)
    })
}

/// Maps any soc2-core error to its Python exception class.
pub(crate) fn core_error(py: Python<'_>, e: &soc2_core::Error) -> PyErr {
    use soc2_core::Error;
    match e {
        Error::Json(j) => json_error(py, j),
        Error::Catalog(c) => catalog_error(py, c),
        Error::Ledger(l) => ledger_error(py, l),
        Error::Bundle(b) => bundle_error(py, b),
        Error::Invalid { field, reason } => invalid(py, field, reason.clone()),
        Error::Io { path, source } => raise::<py::Soc2IOError>(py, e.to_string(), |kw| {
            kw.set_item("errno", os_errno(source))?;
            kw.set_item("filename", path)
        }),
        // `Error` is non-exhaustive: anything new is still a soc2 error with its message.
        #[allow(unreachable_patterns)]
        _ => raise::<py::Soc2Error>(py, e.to_string(), |_| Ok(())),
    }
}

/// `soc2.ValidationError` for a catalog file that cannot be parsed or breaks a rule.
fn catalog_error(py: Python<'_>, e: &CatalogError) -> PyErr {
    let (source, path, line, column, reason): (Option<&str>, Option<String>, usize, usize, String) =
        match e {
            CatalogError::Parse { source_name, line, column, field, reason } => {
                (Some(source_name), Some(field.clone()), *line, *column, reason.clone())
            }
            CatalogError::MissingThreshold { source_name, field } => (
                Some(source_name),
                Some(format!("thresholds.{field}")),
                0,
                0,
                "missing (a base catalog must set every threshold)".into(),
            ),
            CatalogError::InvalidControl { source_name, control, field, reason } => (
                Some(source_name),
                Some((*field).to_owned()),
                0,
                0,
                format!("control {control}: {reason}"),
            ),
            CatalogError::DuplicateControl { source_name, .. }
            | CatalogError::UnknownControl { source_name, .. } => {
                (Some(source_name), None, 0, 0, e.to_string())
            }
            CatalogError::UnknownFormat { path } => (Some(path), None, 0, 0, e.to_string()),
            // Non-exhaustive: a new variant still arrives with its message.
            #[allow(unreachable_patterns)]
            _ => (None, None, 0, 0, e.to_string()),
        };
    raise::<py::ValidationError>(py, e.to_string(), |kw| {
        kw.set_item("path", path)?;
        kw.set_item("reason", reason)?;
        kw.set_item("line", line)?;
        kw.set_item("column", column)?;
        kw.set_item("source", source)
    })
}

/// The Python exception for a locker error: `IntegrityError` for damage (naming the
/// records, blob or file), `LockerError` for a locker that cannot be used as asked,
/// `ValidationError` for a bad argument, `Soc2IOError` for a failed file operation.
fn ledger_error(py: Python<'_>, e: &LedgerError) -> PyErr {
    use merkle::ProofError;
    let message = e.to_string();
    let validation = |path: &str| {
        let reason = message.clone();
        raise::<py::ValidationError>(py, message.clone(), |kw| {
            kw.set_item("path", path)?;
            kw.set_item("reason", reason)
        })
    };
    match e {
        LedgerError::Io { path, source } => raise::<py::Soc2IOError>(py, message, |kw| {
            kw.set_item("errno", os_errno(source))?;
            kw.set_item("filename", path)
        }),
        LedgerError::AttachmentRead { what, source } => {
            raise::<py::Soc2IOError>(py, message, |kw| {
                kw.set_item("errno", os_errno(source))?;
                kw.set_item("filename", what)
            })
        }
        LedgerError::NotALocker { .. }
        | LedgerError::AlreadyExists { .. }
        | LedgerError::UnsupportedVersion { .. }
        | LedgerError::NoSuchRecord { .. } => raise::<py::LockerError>(py, message, |_| Ok(())),
        LedgerError::InvalidOrigin { .. } => validation("origin"),
        LedgerError::Checkpoint(_) => validation("checkpoint"),
        LedgerError::AttachmentNotStored { .. } | LedgerError::AttachmentSizeMismatch { .. } => {
            validation("attachments")
        }
        LedgerError::Proof(
            ProofError::RootMismatch { .. }
            | ProofError::OldRootMismatch { .. }
            | ProofError::NewRootMismatch { .. },
        ) => raise::<py::IntegrityError>(py, message, |_| Ok(())),
        LedgerError::Proof(_) => validation("proof"),
        // Everything else is damage: say which records, blob or file.
        _ => {
            let member = match e {
                LedgerError::InvalidHeader { path, .. }
                | LedgerError::MissingLedger { path }
                | LedgerError::BlobCorrupt { path, .. }
                | LedgerError::UnexpectedFile { path }
                | LedgerError::LedgerShrank { path, .. } => Some(path.display().to_string()),
                _ => None,
            };
            raise::<py::IntegrityError>(py, message, |kw| {
                kw.set_item("member", member)?;
                kw.set_item("records", e.records())?;
                kw.set_item("blob", e.blob().map(|b| b.to_hex()))
            })
        }
    }
}

/// The Python exception for a bundle error: `SignatureError` for keys and signatures,
/// `IntegrityError` (naming the member, records and blob) for a bundle that does not
/// verify, `ValidationError` for a bad argument, `Soc2IOError` for a failed file operation.
fn bundle_error(py: Python<'_>, e: &BundleError) -> PyErr {
    use soc2_core::bundle::archive::ArchiveError;
    let message = e.to_string();
    let validation = |path: &str| {
        let reason = message.clone();
        raise::<py::ValidationError>(py, message.clone(), |kw| {
            kw.set_item("path", path)?;
            kw.set_item("reason", reason)
        })
    };
    let integrity = |member: Option<String>, records: Vec<u64>, blob: Option<String>| {
        raise::<py::IntegrityError>(py, message.clone(), |kw| {
            kw.set_item("member", member)?;
            kw.set_item("records", records)?;
            kw.set_item("blob", blob)
        })
    };
    let blob_member = |sha: &soc2_core::model::Sha256Digest| format!("blobs/sha256/{sha}");
    match e {
        BundleError::Io { path, source }
        | BundleError::Archive(ArchiveError::Io { path, source }) => {
            raise::<py::Soc2IOError>(py, message.clone(), |kw| {
                kw.set_item("errno", os_errno(source))?;
                kw.set_item("filename", path)
            })
        }
        BundleError::InvalidOption { option, .. } => validation(option),
        BundleError::InvalidPrincipal { .. } => validation("principal"),
        BundleError::RecordNotDisclosed { .. } => validation("seq"),
        BundleError::Proof(p) => ledger_error(py, &LedgerError::Proof(p.clone())),
        BundleError::KeyFile { .. }
        | BundleError::KeyEncrypted { .. }
        | BundleError::WrongPassphrase { .. }
        | BundleError::UnsupportedKeyType { .. }
        | BundleError::KeyExists { .. }
        | BundleError::Crypto { .. }
        | BundleError::AllowedSigners { .. } => {
            raise::<py::SignatureError>(py, message.clone(), |_| Ok(()))
        }
        BundleError::SignatureMalformed { .. }
        | BundleError::WrongNamespace { .. }
        | BundleError::UntrustedKey { .. }
        | BundleError::IdentityNotAllowed { .. }
        | BundleError::SignerNotValid { .. }
        | BundleError::BadSignature { .. } => {
            raise::<py::SignatureError>(py, message.clone(), |kw| {
                kw.set_item("member", "SHA256SUMS.sig")
            })
        }
        BundleError::LockerBlobCorrupt { sha256, path, .. } => {
            integrity(Some(path.display().to_string()), Vec::new(), Some(sha256.to_hex()))
        }
        BundleError::MissingMember { member }
        | BundleError::UnexpectedMember { member }
        | BundleError::MemberTooLarge { member, .. }
        | BundleError::MemberNotListed { member }
        | BundleError::ListedMemberMissing { member }
        | BundleError::BlobNameMismatch { member, .. }
        | BundleError::WrongHash { member, .. } => {
            integrity(Some(member.clone()), Vec::new(), None)
        }
        BundleError::SumsMalformed { .. } => integrity(Some("SHA256SUMS".into()), Vec::new(), None),
        BundleError::CheckpointInvalid(_) => integrity(Some("checkpoint".into()), Vec::new(), None),
        BundleError::LeavesMalformed { .. }
        | BundleError::LeafCountMismatch { .. }
        | BundleError::RootMismatch { .. } => integrity(Some("leaves".into()), Vec::new(), None),
        BundleError::ManifestInvalid(_)
        | BundleError::UnsupportedFormat { .. }
        | BundleError::ManifestMismatch { .. } => {
            integrity(Some("manifest.json".into()), Vec::new(), None)
        }
        BundleError::RecordInvalid { .. } => {
            integrity(Some("records.jsonl".into()), Vec::new(), None)
        }
        BundleError::RecordNotCanonical { seq, .. }
        | BundleError::RecordOutOfPlace { seq, .. }
        | BundleError::RecordLeafMismatch { seq, .. }
        | BundleError::ChainMismatch { seq, .. } => {
            integrity(Some("records.jsonl".into()), vec![*seq], None)
        }
        BundleError::BlobMissing { seq, sha256 }
        | BundleError::BlobSizeMismatch { seq, sha256, .. } => {
            integrity(Some(blob_member(sha256)), vec![*seq], Some(sha256.to_hex()))
        }
        BundleError::UnreferencedBlob { sha256 } => {
            integrity(Some(blob_member(sha256)), Vec::new(), Some(sha256.to_hex()))
        }
        BundleError::InclusionProof { seq, .. } => integrity(None, vec![*seq], None),
        // A hostile or malformed archive, and anything new: the bundle is rejected.
        _ => integrity(None, Vec::new(), None),
    }
}

/// Extension to turn `Result<T, soc2_core::Error>` into `PyResult<T>`.
pub(crate) trait IntoPy<T> {
    /// Converts the error into its Python exception.
    fn py_err(self, py: Python<'_>) -> PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, soc2_core::Error> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| core_error(py, &e))
    }
}

impl<T> IntoPy<T> for Result<T, JsonError> {
    fn py_err(self, py: Python<'_>) -> PyResult<T> {
        self.map_err(|e| json_error(py, &e))
    }
}

/// A `TypeError` for an unknown model type name (a bug in the Python layer, not user input).
pub(crate) fn unknown_type(name: &str) -> PyErr {
    PyTypeError::new_err(format!("soc2._soc2: no model type named {name:?}"))
}
