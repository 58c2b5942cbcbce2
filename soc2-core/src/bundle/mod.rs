//! Evidence bundles: what the auditor receives.

pub mod archive;
