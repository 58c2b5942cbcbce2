//! The models: strict parsing, canonical output and the few computations the Rust types
//! offer, for the Python classes in `soc2/models.py`.
//!
//! The Python classes hold their values as Python objects and hand their JSON form to
//! these functions, which parse it with [`soc2_core::json::from_json_str`] (every rule of
//! the model) into the Rust type named by the class, and write it back out. No rule is
//! checked here: soc2-core does all of it.

use std::str::FromStr;

use pyo3::prelude::*;
use soc2_core::json::{from_json_str, to_canonical_string, to_pretty_string};
use soc2_core::model::{self, Sha256Digest};

use crate::depy::from_py;
use crate::errors::{IntoPy, invalid, unknown_type};

/// Calls `$body` with `$T` bound to the Rust model type named `$name` (the Python class's
/// name, or its `_rust` attribute).
macro_rules! with_model_type {
    ($name:expr, $T:ident => $body:expr) => {
        with_model_type!(@table $name, $T => $body;
            "Evidence" => model::Evidence,
            "Collector" => model::Collector,
            "Attachment" => model::Attachment,
            "Payload" => model::Payload,
            "ReviewedAccount" => model::ReviewedAccount,
            "AccessReview" => model::AccessReview,
            "Account" => model::Account,
            "UserList" => model::UserList,
            "PolicyDocument" => model::PolicyDocument,
            "PolicyAcknowledgement" => model::PolicyAcknowledgement,
            "Device" => model::Device,
            "DeviceInventory" => model::DeviceInventory,
            "BranchProtection" => model::BranchProtection,
            "ChangeReview" => model::ChangeReview,
            "ChangeRecord" => model::ChangeRecord,
            "BackgroundCheck" => model::BackgroundCheck,
            "TrainingCompletion" => model::TrainingCompletion,
            "LoggingConfiguration" => model::LoggingConfiguration,
            "AlertRule" => model::AlertRule,
            "SecurityReport" => model::SecurityReport,
            "VendorAssessment" => model::VendorAssessment,
            "IncidentResponsePlan" => model::IncidentResponsePlan,
            "TabletopExercise" => model::TabletopExercise,
            "Risk" => model::Risk,
            "RiskRegister" => model::RiskRegister,
            "Person" => model::Person,
            "Roster" => model::Roster,
            "ManagementResponse" => model::ManagementResponse,
            "SecurityEvents" => model::SecurityEvents,
            "EventCount" => model::EventCount,
            "DetectedEvent" => model::DetectedEvent,
            "EventTriage" => model::EventTriage,
            "Note" => model::Note,
            "Control" => model::Control,
            "Cadence" => model::Cadence,
            "TimeToFix" => model::TimeToFix,
            "AuditFinding" => model::AuditFinding,
            "AffectedItem" => model::AffectedItem,
            "FindingResponse" => model::FindingResponse,
            "FindingWriteUp" => model::FindingWriteUp,
            "AuditPeriod" => model::AuditPeriod,
            "Quarter" => model::Quarter,
            "Record" => model::Record,
            "InclusionProof" => soc2_core::bundle::InclusionProof,
            "Thresholds" => soc2_core::catalog::Thresholds,
            "Scope" => soc2_core::catalog::Scope,
            "CatalogControl" => soc2_core::catalog::CatalogControl,
            "Report" => soc2_core::report::Report,
            "Summary" => soc2_core::report::Summary,
            "Opinion" => soc2_core::report::Opinion,
            "ControlResult" => soc2_core::report::ControlResult,
            "Coverage" => soc2_core::report::Coverage,
            "GridCell" => soc2_core::report::GridCell,
            "RankedException" => soc2_core::report::RankedException,
            "Monitoring" => soc2_core::report::Monitoring,
            "NextDue" => soc2_core::report::NextDue,
            "DueItem" => soc2_core::report::DueItem,
            "PopulationItem" => soc2_core::evaluate::PopulationItem,
            "SampledItem" => soc2_core::evaluate::sample::SampledItem,
            "Sample" => soc2_core::evaluate::sample::Sample,
            "EvidenceRequest" => soc2_core::report::requests::EvidenceRequest,
            "RequestList" => soc2_core::report::requests::RequestList,
        )
    };
    (@table $name:expr, $T:ident => $body:expr; $($n:literal => $ty:ty),+ $(,)?) => {
        match $name {
            $( $n => { type $T = $ty; $body } )+
            other => Err(unknown_type(other)),
        }
    };
}

/// Parses JSON `text` as the model type `type_name` with every rule of the model, and
/// returns it in canonical form (RFC 8785), or pretty-printed (sorted keys, two-space
/// indent, final newline) when `pretty` is true.
#[pyfunction]
#[pyo3(signature = (type_name, text, pretty = false))]
pub(crate) fn canonical_json(
    py: Python<'_>,
    type_name: &str,
    text: &str,
    pretty: bool,
) -> PyResult<String> {
    with_model_type!(type_name, T => {
        let value: T = from_json_str(text).py_err(py)?;
        if pretty { to_pretty_string(&value) } else { to_canonical_string(&value) }.py_err(py)
    })
}

/// Converts a model object to the Rust type `type_name` and returns it in canonical form
/// (RFC 8785), or pretty-printed when `pretty` is true: the checks of the model apply.
#[pyfunction]
#[pyo3(signature = (type_name, value, pretty = false))]
pub(crate) fn to_json(
    py: Python<'_>,
    type_name: &str,
    value: &Bound<'_, PyAny>,
    pretty: bool,
) -> PyResult<String> {
    with_model_type!(type_name, T => {
        let value: T = from_py(value).py_err(py)?;
        // The canonical form is written first in both cases: it checks NFC and integers.
        let canonical = to_canonical_string(&value).py_err(py)?;
        if pretty { to_pretty_string(&value).py_err(py) } else { Ok(canonical) }
    })
}

/// Checks a model object as the Rust type `type_name`, with every rule of the model (the
/// canonical form's included), as adding it to a locker would: the Python classes call it
/// when an object is made, so that a bad value fails there with soc2-core's message.
#[pyfunction]
pub(crate) fn validate(py: Python<'_>, type_name: &str, value: &Bound<'_, PyAny>) -> PyResult<()> {
    with_model_type!(type_name, T => {
        let value: T = from_py(value).py_err(py)?;
        soc2_core::json::to_canonical_vec(&value).map(drop).py_err(py)
    })
}

/// Whether `type_name` names a Rust model type the functions here accept.
#[pyfunction]
pub(crate) fn is_model_type(type_name: &str) -> bool {
    let known: PyResult<()> = with_model_type!(type_name, T => {
        let _ = std::marker::PhantomData::<T>;
        Ok(())
    });
    known.is_ok()
}

/// Converts a model object to the Rust type `type_name` and returns the SHA-256 (hex) of
/// its canonical bytes: the digest `soc2 validate` prints.
#[pyfunction]
pub(crate) fn canonical_sha256(
    py: Python<'_>,
    type_name: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<String> {
    with_model_type!(type_name, T => {
        let value: T = from_py(value).py_err(py)?;
        let bytes = soc2_core::json::to_canonical_vec(&value).py_err(py)?;
        Ok(Sha256Digest::of(&bytes).to_hex())
    })
}

/// The text form (Rust `Display`) of a model object: `2026-Q3` for a quarter,
/// `2026-01-01..2026-12-31` for a period, `1-2 weeks` for a time to fix.
#[pyfunction]
pub(crate) fn display(
    py: Python<'_>,
    type_name: &str,
    value: &Bound<'_, PyAny>,
) -> PyResult<String> {
    fn show<T: serde::de::DeserializeOwned + std::fmt::Display>(
        py: Python<'_>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<String> {
        Ok(from_py::<T>(value).py_err(py)?.to_string())
    }
    match type_name {
        "AuditPeriod" => show::<model::AuditPeriod>(py, value),
        "Quarter" => show::<model::Quarter>(py, value),
        "TimeToFix" => show::<model::TimeToFix>(py, value),
        other => Err(unknown_type(other)),
    }
}

/// Parses an audit period written `YYYY-MM-DD..YYYY-MM-DD` (Type II) or `YYYY-MM-DD`
/// (Type I) and returns its JSON form.
#[pyfunction]
pub(crate) fn parse_period(py: Python<'_>, text: &str) -> PyResult<String> {
    let period = model::AuditPeriod::from_str(text)
        .map_err(|e| invalid(py, "audit period", e.to_string()))?;
    to_canonical_string(&period).py_err(py)
}

/// The calendar quarters (as `(year, quarter)`) that a period touches.
#[pyfunction]
pub(crate) fn period_quarters(
    py: Python<'_>,
    period: &Bound<'_, PyAny>,
) -> PyResult<Vec<(i32, u8)>> {
    let period: model::AuditPeriod = from_py(period).py_err(py)?;
    Ok(period.quarters().into_iter().map(|q| (q.year(), q.quarter())).collect())
}

/// The quarter a date (`YYYY-MM-DD`) falls in, as `(year, quarter)`.
#[pyfunction]
pub(crate) fn quarter_containing(py: Python<'_>, date: &str) -> PyResult<(i32, u8)> {
    let date: model::Date =
        date.parse().map_err(|e: model::time::DateError| invalid(py, "date", e.to_string()))?;
    let q = model::Quarter::containing(date.naive());
    Ok((q.year(), q.quarter()))
}

/// First day, last day (both `YYYY-MM-DD`) and the next quarter of a quarter.
#[pyfunction]
pub(crate) fn quarter_info(
    py: Python<'_>,
    quarter: &Bound<'_, PyAny>,
) -> PyResult<(String, String, (i32, u8))> {
    let q: model::Quarter = from_py(quarter).py_err(py)?;
    let next = q.next();
    Ok((
        model::Date(q.first_day()).to_string(),
        model::Date(q.last_day()).to_string(),
        (next.year(), next.quarter()),
    ))
}

/// The snake_case names of every evidence kind, in the model's order.
#[pyfunction]
pub(crate) fn evidence_kinds() -> Vec<&'static str> {
    model::EvidenceKind::ALL.iter().map(|k| k.as_str()).collect()
}

/// The SHA-256 of `data`, as 64 lower-case hex digits.
#[pyfunction]
pub(crate) fn sha256_hex(py: Python<'_>, data: &[u8]) -> String {
    // Large attachments: hash without holding the interpreter.
    py.detach(|| Sha256Digest::of(data).to_hex())
}

/// One AICPA 2017 Trust Services Criterion, such as `CC6.1`.
///
/// `Criterion.parse` also accepts the spellings of other tools (Prowler's `cc_6_1` /
/// `cc_a_1_1`, Steampipe's `6.1` / `a1.2`); documents always hold the canonical `id`.
#[pyclass(module = "soc2", frozen, eq, hash, ord, from_py_object)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Criterion(model::Criterion);

#[pymethods]
impl Criterion {
    /// `Criterion("cc_6_1")`: the same as [`Criterion::parse`].
    #[new]
    fn new(py: Python<'_>, text: &str) -> PyResult<Self> {
        Self::parse(py, text)
    }

    /// Resolves a criterion from its canonical id or another tool's spelling.
    #[staticmethod]
    fn parse(py: Python<'_>, text: &str) -> PyResult<Self> {
        model::Criterion::from_str(text)
            .map(Criterion)
            .map_err(|e| invalid(py, "criterion", e.to_string()))
    }

    /// Every criterion, in AICPA order.
    #[staticmethod]
    fn all() -> Vec<Self> {
        model::Criterion::all().map(Criterion).collect()
    }

    /// The canonical id, e.g. `CC6.1`.
    #[getter]
    fn id(&self) -> &'static str {
        self.0.id()
    }

    /// The category, e.g. `security`.
    #[getter]
    fn category(&self) -> String {
        // The category's JSON name is its one spelling for Python too.
        serde_json::to_value(self.0.category())
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default()
    }

    /// The category's id prefix (`CC`, `A`, `PI`, `C`, `P`).
    #[getter]
    fn prefix(&self) -> &'static str {
        self.0.category().prefix()
    }

    /// A short title.
    #[getter]
    fn title(&self) -> &'static str {
        self.0.title()
    }

    fn __str__(&self) -> &'static str {
        self.0.id()
    }

    fn __repr__(&self) -> String {
        format!("Criterion({:?})", self.0.id())
    }
}
