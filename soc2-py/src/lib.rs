//! `soc2._soc2`: the native module of the `soc2` Python package.
//!
//! Thin by design: every function converts Python values to soc2-core types, calls
//! soc2-core and converts the result back. Rules, hashing and evaluation all live in
//! soc2-core; the Python classes in `python/soc2` only hold values and convert them to and
//! from their JSON form. Heavy work runs with the interpreter detached (`py.detach`), so
//! other Python threads keep running.

mod audit;
mod bundle;
mod depy;
mod errors;
mod evaluate;
mod import;
mod locker;
mod model;
mod relay;

use pyo3::prelude::*;

/// Native part of the `soc2` package; import `soc2` instead.
#[pymodule]
#[pyo3(name = "_soc2")]
fn soc2_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(errors::error_codes, m)?)?;
    m.add_function(wrap_pyfunction!(errors::exception_for_code, m)?)?;
    m.add_function(wrap_pyfunction!(model::canonical_json, m)?)?;
    m.add_function(wrap_pyfunction!(model::to_json, m)?)?;
    m.add_function(wrap_pyfunction!(model::canonical_sha256, m)?)?;
    m.add_function(wrap_pyfunction!(model::validate, m)?)?;
    m.add_function(wrap_pyfunction!(model::is_model_type, m)?)?;
    m.add_function(wrap_pyfunction!(model::display, m)?)?;
    m.add_function(wrap_pyfunction!(model::parse_period, m)?)?;
    m.add_function(wrap_pyfunction!(model::period_quarters, m)?)?;
    m.add_function(wrap_pyfunction!(model::quarter_containing, m)?)?;
    m.add_function(wrap_pyfunction!(model::quarter_info, m)?)?;
    m.add_function(wrap_pyfunction!(model::evidence_kinds, m)?)?;
    m.add_function(wrap_pyfunction!(model::sha256_hex, m)?)?;
    m.add_class::<model::Criterion>()?;
    m.add_class::<evaluate::Catalog>()?;
    m.add_function(wrap_pyfunction!(evaluate::evaluate, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate::render_report, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate::render_oscal, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate::sample_company, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate::sample_company_catalog_toml, m)?)?;
    m.add_function(wrap_pyfunction!(evaluate::evaluate_locker, m)?)?;
    m.add_function(wrap_pyfunction!(audit::workpapers, m)?)?;
    m.add_function(wrap_pyfunction!(audit::request_list, m)?)?;
    m.add_function(wrap_pyfunction!(audit::render_request_list, m)?)?;
    m.add_function(wrap_pyfunction!(audit::sample, m)?)?;
    m.add_function(wrap_pyfunction!(import::import_files, m)?)?;
    m.add_function(wrap_pyfunction!(import::list_import_sources, m)?)?;
    m.add_class::<locker::Locker>()?;
    m.add_class::<locker::Appended>()?;
    m.add_class::<locker::AppendedList>()?;
    m.add_class::<locker::TornTail>()?;
    m.add_class::<locker::Checkpoint>()?;
    m.add_class::<locker::FsckReport>()?;
    m.add_function(wrap_pyfunction!(locker::fsck, m)?)?;
    m.add_function(wrap_pyfunction!(locker::leaf_hash, m)?)?;
    m.add_function(wrap_pyfunction!(locker::merkle_root, m)?)?;
    m.add_function(wrap_pyfunction!(locker::verify_inclusion, m)?)?;
    m.add_function(wrap_pyfunction!(locker::verify_consistency, m)?)?;
    m.add_function(wrap_pyfunction!(locker::media_type, m)?)?;
    m.add_class::<bundle::Signer>()?;
    m.add_class::<bundle::TrustedSigners>()?;
    m.add_class::<bundle::VerifiedBundle>()?;
    m.add_function(wrap_pyfunction!(bundle::keygen, m)?)?;
    m.add_function(wrap_pyfunction!(bundle::export_bundle, m)?)?;
    m.add_function(wrap_pyfunction!(bundle::verify_bundle, m)?)?;
    m.add_function(wrap_pyfunction!(bundle::sign_checkpoint, m)?)?;
    m.add_function(wrap_pyfunction!(bundle::timestamp_request, m)?)?;
    m.add_function(wrap_pyfunction!(bundle::read_tsa_ca, m)?)?;
    m.add_function(wrap_pyfunction!(bundle::store_timestamp, m)?)?;
    m.add_function(wrap_pyfunction!(bundle::timestamp, m)?)?;
    m.add_function(wrap_pyfunction!(bundle::inclusion_proof_from_locker, m)?)?;
    m.add_function(wrap_pyfunction!(bundle::verify_inclusion_proof, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
