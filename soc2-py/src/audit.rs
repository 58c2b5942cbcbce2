//! The testing workpapers, samples and the request list, for `soc2/audit.py`: each
//! evaluates (keeping the populations) the evidence of a list or of a locker, and returns
//! soc2-core's output (CSV bytes, or JSON).

use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use soc2_core::Evaluation;
use soc2_core::json::to_canonical_string;
use soc2_core::model::{AuditPeriod, Date};
use soc2_core::report::{requests, workpapers as core_workpapers};

use crate::depy::{from_py, from_py_items};
use crate::errors::{IntoPy, invalid};
use crate::evaluate::{Catalog, PyEvidence, evidence_items};

/// Evaluates `evidence` (a `Locker`, or a list of `(seq, Evidence, recorded_at,
/// proven_by)` tuples) with populations, without holding the interpreter, and hands the
/// evaluation (and the locker, if one was given) to `then`.
fn with_evaluation<R: Send>(
    py: Python<'_>,
    catalog: &Catalog,
    evidence: &Bound<'_, PyAny>,
    period: &Bound<'_, PyAny>,
    as_of: &str,
    then: impl FnOnce(&Evaluation, Option<&soc2_core::ledger::Locker>) -> soc2_core::Result<R> + Send,
) -> PyResult<R> {
    let period: AuditPeriod = from_py(period).py_err(py)?;
    let as_of: Date = as_of
        .parse()
        .map_err(|e: soc2_core::model::time::DateError| invalid(py, "as_of", e.to_string()))?;
    let catalog = &catalog.0;
    if let Ok(locker) = evidence.extract::<PyRef<'_, crate::locker::Locker>>() {
        let locker: &crate::locker::Locker = &locker;
        return py
            .detach(|| {
                let guard = locker.lock_unattached();
                let evaluation = soc2_core::evaluate_locker_with_populations(
                    catalog,
                    &guard,
                    &period,
                    as_of.naive(),
                )?;
                then(&evaluation, Some(&guard))
            })
            .py_err(py);
    }
    let list = evidence.cast::<PyList>().map_err(|_| {
        invalid(py, "evidence", "expected a Locker or a list of evidence items".into())
    })?;
    let items: Vec<PyEvidence> = from_py_items(list).py_err(py)?;
    py.detach(|| {
        let items = evidence_items(&items)?;
        let evaluation =
            soc2_core::evaluate_with_populations(catalog, &items, &period, as_of.naive());
        then(&evaluation, None)
    })
    .py_err(py)
}

/// The workpapers: `(relative path, CSV bytes)` pairs, `summary.csv` and
/// `population/<CONTROL>.csv`, in path order.
#[pyfunction]
pub(crate) fn workpapers<'py>(
    py: Python<'py>,
    catalog: &Catalog,
    evidence: &Bound<'py, PyAny>,
    period: &Bound<'py, PyAny>,
    as_of: &str,
) -> PyResult<Vec<(String, Bound<'py, PyBytes>)>> {
    let files = with_evaluation(py, catalog, evidence, period, as_of, |e, _| {
        Ok(core_workpapers::files(&catalog.0, e))
    })?;
    Ok(files.into_iter().map(|(name, bytes)| (name, PyBytes::new(py, &bytes))).collect())
}

/// The request list, as canonical JSON.
#[pyfunction]
pub(crate) fn request_list(
    py: Python<'_>,
    catalog: &Catalog,
    evidence: &Bound<'_, PyAny>,
    period: &Bound<'_, PyAny>,
    as_of: &str,
) -> PyResult<String> {
    with_evaluation(py, catalog, evidence, period, as_of, |e, _| {
        Ok(to_canonical_string(&requests::request_list(&catalog.0, e))?)
    })
}

/// Renders a request list object: `markdown` or `csv`.
#[pyfunction]
pub(crate) fn render_request_list<'py>(
    py: Python<'py>,
    list: &Bound<'py, PyAny>,
    format: &str,
) -> PyResult<Bound<'py, PyBytes>> {
    let list: requests::RequestList = from_py(list).py_err(py)?;
    let bytes = match format {
        "markdown" | "md" => list.to_markdown().into_bytes(),
        "csv" => list.to_csv(),
        other => {
            return Err(invalid(
                py,
                "format",
                format!("unknown format {other:?}: markdown or csv"),
            ));
        }
    };
    Ok(PyBytes::new(py, &bytes))
}

/// A sample of `control`'s population, as canonical JSON. Without `seed`, a locker's
/// default seed (its newest signed checkpoint's root); a list of evidence needs one.
#[pyfunction]
#[pyo3(signature = (catalog, evidence, period, as_of, control, size=None, seed=None))]
#[allow(clippy::too_many_arguments)]
pub(crate) fn sample(
    py: Python<'_>,
    catalog: &Catalog,
    evidence: &Bound<'_, PyAny>,
    period: &Bound<'_, PyAny>,
    as_of: &str,
    control: &str,
    size: Option<u64>,
    seed: Option<String>,
) -> PyResult<String> {
    let Some(cc) = catalog.0.get(control) else {
        return Err(invalid(py, "control", format!("{control}: not in the catalog")));
    };
    if size == Some(0) {
        return Err(invalid(py, "size", "must be at least 1".into()));
    }
    let is_locker = evidence.extract::<PyRef<'_, crate::locker::Locker>>().is_ok();
    if seed.is_none() && !is_locker {
        return Err(invalid(
            py,
            "seed",
            "needed for a list of evidence (the default seed is a locker's checkpoint root)".into(),
        ));
    }
    with_evaluation(py, catalog, evidence, period, as_of, |e, locker| {
        let (seed, source) = match (seed, locker) {
            (Some(s), _) => (s, "given".to_owned()),
            (None, Some(l)) => soc2_core::evaluate::sample::default_seed(l)?,
            (None, None) => unreachable!("checked above"),
        };
        let population = e.population(control).cloned().unwrap_or_else(|| {
            soc2_core::evaluate::ControlPopulation { control: cc.control.id.clone(), items: vec![] }
        });
        let drawn = soc2_core::evaluate::sample::draw(cc, &population, size, &seed, &source);
        Ok(to_canonical_string(&drawn)?)
    })
}
