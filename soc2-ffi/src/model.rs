//! The soc2-core model, exposed as uniffi records and enums.
//!
//! The declarations are generated from soc2-core's source into `src/generated/model.rs`:
//! one uniffi remote declaration (`#[uniffi::remote(Record)]` or `(Enum)`) per type of
//! `soc2_core::model`, with its fields, variants and doc comments (which become the foreign
//! languages' documentation), so that soc2-core stays free of FFI code and the model is
//! described once. The `soc2-ffi-mirrors` crate lists the types and holds the generator;
//! its test fails when the committed declarations drift from soc2-core (see the crate's
//! documentation for how a model change flows to the bindings).
//!
//! Values built in a foreign language are checked when they cross into Rust: timestamps,
//! dates, digests, control ids and criteria (see [`crate::types`]) are strings in the
//! foreign language, and a malformed one makes the call fail with
//! [`crate::Soc2Error::Invalid`].

// The generated declarations; rustfmt leaves them as the generator writes them.
#[rustfmt::skip]
#[path = "generated/model.rs"]
mod mirrors;
