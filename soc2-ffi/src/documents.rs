//! Reading and writing documents: strict JSON in, RFC 8785 canonical JSON out.
//!
//! Each function is soc2-core's `json` module applied to one model type, so that a
//! document read in Kotlin, Swift, Python or Ruby passes exactly the checks it passes in
//! Rust, and hashes to the same bytes.

use soc2_core::json::{from_json_str, to_canonical_string, to_pretty_string};
use soc2_core::model::{AuditFinding, Control, Evidence, Sha256Digest};

use crate::Soc2Error;

/// Parses an evidence document with every strictness check of the model (unknown fields,
/// duplicate keys, floats, unsafe integers and non-NFC text are rejected).
#[uniffi::export]
pub fn evidence_from_json(json: String) -> Result<Evidence, Soc2Error> {
    Ok(from_json_str(&json)?)
}

/// The RFC 8785 canonical JSON of a piece of evidence: the form soc2 hashes.
#[uniffi::export]
pub fn evidence_to_canonical_json(evidence: Evidence) -> Result<String, Soc2Error> {
    Ok(to_canonical_string(&evidence)?)
}

/// A piece of evidence as indented JSON for people (keys sorted, final newline).
#[uniffi::export]
pub fn evidence_to_pretty_json(evidence: Evidence) -> Result<String, Soc2Error> {
    Ok(to_pretty_string(&evidence)?)
}

/// Parses a control document with every strictness check of the model.
#[uniffi::export]
pub fn control_from_json(json: String) -> Result<Control, Soc2Error> {
    Ok(from_json_str(&json)?)
}

/// The RFC 8785 canonical JSON of a control.
#[uniffi::export]
pub fn control_to_canonical_json(control: Control) -> Result<String, Soc2Error> {
    Ok(to_canonical_string(&control)?)
}

/// A control as indented JSON for people.
#[uniffi::export]
pub fn control_to_pretty_json(control: Control) -> Result<String, Soc2Error> {
    Ok(to_pretty_string(&control)?)
}

/// Parses an audit finding (an audit exception) with every strictness check of the model.
#[uniffi::export]
pub fn audit_finding_from_json(json: String) -> Result<AuditFinding, Soc2Error> {
    Ok(from_json_str(&json)?)
}

/// The RFC 8785 canonical JSON of an audit finding.
#[uniffi::export]
pub fn audit_finding_to_canonical_json(finding: AuditFinding) -> Result<String, Soc2Error> {
    Ok(to_canonical_string(&finding)?)
}

/// An audit finding as indented JSON for people.
#[uniffi::export]
pub fn audit_finding_to_pretty_json(finding: AuditFinding) -> Result<String, Soc2Error> {
    Ok(to_pretty_string(&finding)?)
}

/// The SHA-256 of some bytes, e.g. of an attachment's content or of a canonical document.
#[uniffi::export]
pub fn sha256(data: Vec<u8>) -> Sha256Digest {
    Sha256Digest::of(&data)
}
