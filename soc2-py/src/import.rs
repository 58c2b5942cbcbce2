//! The importers (`soc2_core::import`), for `soc2/importers.py`: the same functions the
//! `soc2 import` command runs. Results cross as canonical JSON.

use std::path::PathBuf;

use pyo3::prelude::*;
use soc2_core::import::{self, FileImport, Options, RecordCheck};
use soc2_core::json::to_canonical_string;
use soc2_core::model::Timestamp;

use crate::errors::{IntoPy, invalid};

/// The options of an import, `fetched_at` as a timestamp `2026-03-28T14:05:00Z`.
pub(crate) fn options(
    py: Python<'_>,
    system: Option<String>,
    fetched_at: Option<&str>,
) -> PyResult<Options> {
    let fetched_at = fetched_at
        .map(|t| {
            t.parse::<Timestamp>().map_err(|e: soc2_core::model::time::TimestampError| {
                invalid(py, "fetched_at", e.to_string())
            })
        })
        .transpose()?;
    Ok(Options { system, fetched_at })
}

/// The JSON form of an import: source, evidence, provenance and attachments.
pub(crate) fn import_json(import: &FileImport) -> soc2_core::Result<String> {
    let i = &import.import;
    let source = serde_json::json!({
        "name": i.source.name,
        "kind": i.source.kind.as_str(),
        "system": i.source.system,
        "input": i.source.input,
    });
    let value = serde_json::json!({
        "source": source,
        "evidence": serde_json::to_value(&i.evidence).map_err(json_failure)?,
        "provenance": serde_json::to_value(&i.provenance).map_err(json_failure)?,
        "attachments": serde_json::to_value(&i.attachments).map_err(json_failure)?,
    });
    Ok(to_canonical_string(&value)?)
}

fn json_failure(e: serde_json::Error) -> soc2_core::Error {
    soc2_core::Error::Invalid { field: "import".into(), reason: e.to_string() }
}

/// The outcome of a re-check: `(identical, importer, importer_version, inputs,
/// rederived evidence as JSON)`.
pub(crate) type CheckTuple = (bool, String, String, usize, String);

pub(crate) fn check_tuple(c: RecordCheck) -> soc2_core::Result<CheckTuple> {
    let rederived = to_canonical_string(&c.recheck.rederived)?;
    Ok((c.recheck.identical, c.importer, c.importer_version, c.inputs, rederived))
}

/// Runs the importer `source` over the files at `paths`; returns the result as JSON.
#[pyfunction]
#[pyo3(signature = (source, paths, system = None, fetched_at = None))]
pub(crate) fn import_files(
    py: Python<'_>,
    source: &str,
    paths: Vec<PathBuf>,
    system: Option<String>,
    fetched_at: Option<&str>,
) -> PyResult<String> {
    let options = options(py, system, fetched_at)?;
    py.detach(|| import::import_files(source, &paths, &options).and_then(|i| import_json(&i)))
        .py_err(py)
}

/// Every source: `(name, evidence kind, default system, what it reads)`.
#[pyfunction]
pub(crate) fn list_import_sources() -> Vec<(&'static str, &'static str, &'static str, &'static str)>
{
    import::sources().iter().map(|s| (s.name, s.kind.as_str(), s.system, s.input)).collect()
}
