//! soc2-core errors as Python exceptions.
//!
//! The exception classes are defined in Python (`soc2/errors.py`), so that they can
//! inherit from both `soc2.Soc2Error` and the built-in class a Python user expects
//! (`ValueError`, `OSError`). soc2-core classifies every error once
//! ([`soc2_core::error::Classify`]); this module only looks the class up
//! ([`ErrorClass::python_exception`]) and copies the facts of the error's subject into
//! the attributes that class declares (`docs/errors.md`).

use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::PyDict;
use soc2_core::error::{Classify, ErrorClass, Subject};
use soc2_core::json::JsonError;

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

/// Sets the attributes the Python class of `class` declares, from the error's subject.
fn fill(
    kw: &Bound<'_, PyDict>,
    class: ErrorClass,
    s: Subject,
    io: Option<&std::io::Error>,
) -> PyResult<()> {
    let path = s.path.as_ref().map(|p| p.display().to_string());
    match class {
        ErrorClass::Json | ErrorClass::Invalid | ErrorClass::Catalog => {
            kw.set_item("path", &s.field)?;
            kw.set_item("reason", &s.reason)?;
            kw.set_item("line", s.line)?;
            kw.set_item("column", s.column)?;
            kw.set_item("source", s.source.or(path))
        }
        ErrorClass::Io => {
            kw.set_item("errno", io.and_then(os_errno))?;
            kw.set_item("filename", s.path.map(std::path::PathBuf::into_os_string))
        }
        ErrorClass::Integrity => {
            kw.set_item("member", s.location())?;
            kw.set_item("records", s.records)?;
            kw.set_item("blob", s.blob.map(|b| b.to_hex()))
        }
        ErrorClass::Signature => {
            kw.set_item("member", s.member)?;
            kw.set_item("fingerprint", s.fingerprint)
        }
        ErrorClass::Key => {
            kw.set_item("filename", s.path.map(std::path::PathBuf::into_os_string))?;
            kw.set_item("line", s.line)
        }
        ErrorClass::Locker => {
            kw.set_item("records", s.records)?;
            kw.set_item("blob", s.blob.map(|b| b.to_hex()))
        }
        _ => Ok(()),
    }
}

/// The Python exception for any soc2-core error: the class soc2-core assigns it, with
/// its code and the facts that say where it is.
pub(crate) fn classified<E: Classify + ?Sized>(py: Python<'_>, e: &E) -> PyErr {
    let build = || -> PyResult<PyErr> {
        let class = e.class();
        let kwargs = PyDict::new(py);
        kwargs.set_item("code", e.code().as_str())?;
        fill(&kwargs, class, e.subject(), e.io_error())?;
        let errors = py.import("soc2.errors")?;
        let exc =
            errors.getattr(class.python_exception())?.call((e.to_string(),), Some(&kwargs))?;
        Ok(PyErr::from_value(exc))
    };
    build().unwrap_or_else(|err| err)
}

/// Maps any soc2-core error to its Python exception.
pub(crate) fn core_error(py: Python<'_>, e: &soc2_core::Error) -> PyErr {
    classified(py, e)
}

/// `soc2.ValidationError` for a document that is malformed or does not fit the model.
pub(crate) fn json_error(py: Python<'_>, e: &JsonError) -> PyErr {
    classified(py, e)
}

/// `soc2.ValidationError` for a value that breaks a rule of the model.
pub(crate) fn invalid(py: Python<'_>, field: &str, reason: String) -> PyErr {
    classified(py, &soc2_core::Error::Invalid { field: field.to_owned(), reason })
}

/// The name of the `soc2.errors` class raised for the error code `code` (`None` for a
/// code soc2-core does not have): the lookup the agreement test checks against
/// `docs/errors.md`.
#[pyfunction]
pub(crate) fn exception_for_code(code: &str) -> Option<&'static str> {
    code.parse::<soc2_core::error::ErrorCode>().ok().map(|c| c.class().python_exception())
}

/// Every error code soc2-core reports, in the documented order.
#[pyfunction]
pub(crate) fn error_codes() -> Vec<&'static str> {
    soc2_core::error::ErrorCode::ALL.iter().map(|c| c.as_str()).collect()
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
