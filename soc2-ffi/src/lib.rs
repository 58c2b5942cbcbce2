//! # soc2-ffi
//!
//! soc2-core for Kotlin (JVM and Android), Swift, Python and Ruby, through
//! [uniffi](https://mozilla.github.io/uniffi-rs/). This crate is a thin layer: it
//! declares soc2-core's types to uniffi and forwards each call to soc2-core, with no
//! domain logic of its own.
//!
//! - [`model`]: the SOC 2 model (evidence and its payloads, controls, audit findings) as
//!   records and enums;
//! - [`types`]: timestamps, dates, digests, control ids, criteria and audit periods, which
//!   cross the FFI as strings in the one form soc2 hashes;
//! - [`documents`]: strict JSON parsing and canonical (RFC 8785) output;
//! - [`criteria`]: the Trust Services Criteria;
//! - [`evaluation`]: the control catalog, `evaluate` and the readiness report;
//! - [`import`]: the importers (`import_files`, `list_import_sources`, and the
//!   locker's `add_import` and `check_import`);
//! - [`locker`]: the evidence locker ([`locker::Locker`]), an object, and `fsck_locker`;
//! - [`audit`]: what auditors work from — `workpapers`, `draw_sample` and
//!   `request_list` (and the locker's `workpapers`, `sample` and `request_list`);
//! - [`bundle`]: signed evidence bundles — `export_bundle` (and
//!   `export_bundle_with_progress`, with an [`bundle::ExportListener`] implemented in the
//!   foreign language that may cancel it), `verify_bundle`, inclusion proofs, and the
//!   signing key ([`bundle::Signer`], whose constructor `generate_files` is keygen);
//! - [`Soc2Error`]: the one error type.
//!
//! The records and enums of [`model`], [`evaluation`], [`audit`], [`bundle`] and [`locker`]
//! are soc2-core's own types, declared to uniffi (`#[uniffi::remote]`) in `src/generated/`:
//! the workspace's `soc2-ffi-mirrors` writes those declarations from soc2-core's source, with
//! soc2-core's doc comments and defaults, and fails a test when they drift. A change to
//! soc2-core's model flows to the bindings in two steps:
//! `SOC2_UPDATE_MIRRORS=1 cargo test -p soc2-ffi-mirrors` regenerates the declarations,
//! then `SOC2_UPDATE_BINDINGS=1 cargo test -p soc2-ffi --test swift_bindings` the
//! committed Swift bindings.
//!
//! The bindings are generated from the built library by the workspace's `uniffi-bindgen`
//! (see the README), with the names `uniffi.toml` gives them (Kotlin package `dev.soc2`,
//! Swift module `Soc2`). The packages: `scripts/build-packages.sh` (the Ruby gem and the
//! jar), and the Swift package in `bindings/swift/`, whose generated sources are committed.

// `Soc2Error` crosses the FFI by value (uniffi cannot box it), and carries the error's
// code and location as plain fields for the foreign languages.
#![allow(clippy::result_large_err)]

uniffi::setup_scaffolding!();

pub mod audit;
pub mod bundle;
pub mod criteria;
pub mod documents;
mod error;
pub mod evaluation;
pub mod import;
pub mod locker;
pub mod model;
pub mod types;

pub use error::Soc2Error;
