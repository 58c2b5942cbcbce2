//! The control catalog, evaluation and the readiness report, for `soc2/catalog.py` and
//! `soc2/report.py`.
//!
//! The catalog stays a Rust value ([`Catalog`]); the Python layer reads it as JSON. The
//! evidence and the report cross as JSON, parsed and written by soc2-core.

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyList;
use soc2_core::catalog::{CatalogFile, ThresholdsFile};
use soc2_core::json::{from_json_str, to_canonical_string};
use soc2_core::model::{AuditPeriod, Date, Evidence, Timestamp};
use soc2_core::report::{Format, OscalSource, Report};
use soc2_core::{EvidenceItem, evaluate as core_evaluate};

use crate::depy::{at_index, from_py, from_py_items};
use crate::errors::{IntoPy, invalid};

/// A resolved control catalog: the built-in catalog with a company's changes applied.
/// Immutable: `extend` and `retain` return a new catalog.
#[pyclass(module = "soc2._soc2", name = "Catalog", frozen)]
pub(crate) struct Catalog(pub(crate) soc2_core::Catalog);

#[pymethods]
impl Catalog {
    /// The built-in catalog: the ten areas where SOC 2 audits most often find exceptions.
    #[staticmethod]
    fn builtin() -> Self {
        Catalog(soc2_core::Catalog::builtin())
    }

    /// A complete catalog (every threshold set) from a TOML or JSON file.
    #[staticmethod]
    fn load(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let file = CatalogFile::load(&path).py_err(py)?;
        let name = path.display().to_string();
        let catalog = soc2_core::Catalog::from_base(file, &name)
            .map_err(soc2_core::Error::from)
            .py_err(py)?;
        Ok(Catalog(catalog))
    }

    /// This catalog with a company file (`.toml` or `.json`) applied.
    fn extend_path(&self, py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        Ok(Catalog(self.0.clone().extend_from_path(&path).py_err(py)?))
    }

    /// This catalog with a company file given as JSON text applied; `source_name` names
    /// it in errors.
    fn extend_json(&self, py: Python<'_>, text: &str, source_name: &str) -> PyResult<Self> {
        let file = CatalogFile::from_json_str(text, source_name)
            .map_err(soc2_core::Error::from)
            .py_err(py)?;
        self.apply(py, file, source_name)
    }

    /// This catalog with a company file given as TOML text applied.
    fn extend_toml(&self, py: Python<'_>, text: &str, source_name: &str) -> PyResult<Self> {
        let file = CatalogFile::from_toml_str(text, source_name)
            .map_err(soc2_core::Error::from)
            .py_err(py)?;
        self.apply(py, file, source_name)
    }

    /// This catalog with catalog-wide thresholds (a `thresholds` table, as JSON) changed.
    fn override_thresholds(&self, py: Python<'_>, thresholds_json: &str) -> PyResult<Self> {
        let source_name = "thresholds";
        let thresholds: ThresholdsFile = from_json_str(thresholds_json).py_err(py)?;
        self.apply(py, CatalogFile { thresholds, ..CatalogFile::default() }, source_name)
    }

    /// Only the controls whose ids are listed, in catalog order.
    fn retain_ids(&self, ids: Vec<String>) -> Self {
        let mut catalog = self.0.clone();
        catalog.retain(|c| ids.iter().any(|id| id == c.control.id.as_str()));
        Catalog(catalog)
    }

    /// The catalog as canonical JSON (`scope`, `thresholds`, `controls`).
    fn to_json(&self, py: Python<'_>) -> PyResult<String> {
        to_canonical_string(&self.0).py_err(py)
    }

    fn __len__(&self) -> usize {
        self.0.controls.len()
    }
}

impl Catalog {
    fn apply(&self, py: Python<'_>, file: CatalogFile, source_name: &str) -> PyResult<Self> {
        let catalog = self.0.clone().extend(file, source_name).map_err(soc2_core::Error::from);
        Ok(Catalog(catalog.py_err(py)?))
    }
}

/// Evaluates every control of `catalog` over a period as of a date (`YYYY-MM-DD`), against
/// evidence given as a list of `(seq, Evidence, recorded_at or None, proven_by or None)` tuples; returns the report as canonical
/// JSON. The evaluation runs without holding the interpreter.
#[pyfunction]
pub(crate) fn evaluate(
    py: Python<'_>,
    catalog: &Catalog,
    evidence: &Bound<'_, PyList>,
    period: &Bound<'_, PyAny>,
    as_of: &str,
) -> PyResult<String> {
    let period: AuditPeriod = from_py(period).py_err(py)?;
    let as_of: Date = as_of
        .parse()
        .map_err(|e: soc2_core::model::time::DateError| invalid(py, "as_of", e.to_string()))?;
    let evidence: Vec<PyEvidence> = from_py_items(evidence).py_err(py)?;
    let result = py.detach(|| {
        let items = evidence_items(&evidence)?;
        let report = core_evaluate(&catalog.0, &items, &period, as_of.naive());
        to_canonical_string(&report)
    });
    result.py_err(py)
}

/// Evidence from Python as `(seq, Evidence, recorded_at, proven_by)`.
pub(crate) type PyEvidence = (u64, Evidence, Option<Timestamp>, Option<Timestamp>);

/// The evaluation's items for evidence given from Python, once each document passes the
/// rules JSON input would have been held to (NFC, the integer range), checked by writing
/// its canonical form as adding to a locker does; an error names the list index.
pub(crate) fn evidence_items(
    evidence: &[PyEvidence],
) -> Result<Vec<EvidenceItem<'_>>, soc2_core::json::JsonError> {
    for (i, (_, e, _, _)) in evidence.iter().enumerate() {
        soc2_core::json::to_canonical_vec(e).map_err(|err| {
            let mut err = at_index(i, err);
            err.path = err.path.replacen(&format!("[{i}]"), &format!("[{i}][1]"), 1);
            err
        })?;
    }
    Ok(evidence
        .iter()
        .map(|(seq, e, at, proven)| {
            let item = match at {
                Some(at) => EvidenceItem::recorded(*seq, e, *at),
                None => EvidenceItem::new(*seq, e),
            };
            match proven {
                Some(t) => item.proven_by(*t),
                None => item,
            }
        })
        .collect())
}

/// Evaluates every control of `catalog` against every record of a locker (each record's
/// sequence number names it); returns the report as canonical JSON.
#[pyfunction]
pub(crate) fn evaluate_locker(
    py: Python<'_>,
    catalog: &Catalog,
    locker: &crate::locker::Locker,
    period: &Bound<'_, PyAny>,
    as_of: &str,
) -> PyResult<String> {
    let period: AuditPeriod = from_py(period).py_err(py)?;
    let as_of: Date = as_of
        .parse()
        .map_err(|e: soc2_core::model::time::DateError| invalid(py, "as_of", e.to_string()))?;
    let result = py.detach(|| -> soc2_core::Result<String> {
        let report = soc2_core::evaluate_locker(
            &catalog.0,
            &locker.lock_unattached(),
            &period,
            as_of.naive(),
        )?;
        Ok(to_canonical_string(&report)?)
    });
    result.py_err(py)
}

/// Renders a report object: `text`, `json` (pretty), `markdown` (or `md`) or `html`.
#[pyfunction]
pub(crate) fn render_report(
    py: Python<'_>,
    report: &Bound<'_, PyAny>,
    format: &str,
) -> PyResult<String> {
    let format: Format = format.parse().map_err(|e: String| invalid(py, "format", e))?;
    let report: Report = from_py(report).py_err(py)?;
    py.detach(|| report.render(format)).py_err(py)
}

/// Renders a report object as OSCAL: `ar` (assessment results) or `poam` (plan of action
/// and milestones). With a locker, the UUIDs derive from its origin and the back matter
/// gives each record's kind, leaf hash and attachments; without, from `origin`.
#[pyfunction]
#[pyo3(signature = (report, document, locker=None, origin=None))]
pub(crate) fn render_oscal(
    py: Python<'_>,
    report: &Bound<'_, PyAny>,
    document: &str,
    locker: Option<&crate::locker::Locker>,
    origin: Option<&str>,
) -> PyResult<String> {
    let report: Report = from_py(report).py_err(py)?;
    let poam = match document {
        "ar" => false,
        "poam" => true,
        other => {
            return Err(invalid(
                py,
                "document",
                format!("unknown OSCAL document {other:?}: expected ar or poam"),
            ));
        }
    };
    let source = match locker {
        Some(l) => {
            let guard = l.lock_unattached();
            py.detach(|| OscalSource::from_locker(&guard)).py_err(py)?
        }
        None => {
            OscalSource { origin: origin.unwrap_or("soc2").to_owned(), ..OscalSource::default() }
        }
    };
    if poam {
        py.detach(|| report.to_oscal_poam(&source))
            .map_err(|e| invalid(py, "report", e.to_string()))
    } else {
        py.detach(|| report.to_oscal_ar(&source)).py_err(py)
    }
}

/// The sample company's evidence for `year` (see `soc2_core::demo`), as a JSON array.
#[pyfunction]
pub(crate) fn sample_company(py: Python<'_>, year: i32) -> PyResult<String> {
    py.detach(|| to_canonical_string(&soc2_core::demo::sample_company(year))).py_err(py)
}

/// The sample company's catalog file (TOML): its in-scope systems, repositories and
/// critical vendors.
#[pyfunction]
pub(crate) fn sample_company_catalog_toml() -> &'static str {
    soc2_core::demo::CATALOG_TOML
}
