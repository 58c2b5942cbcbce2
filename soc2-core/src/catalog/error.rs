//! Errors in catalog files.

use crate::model::ControlId;

/// A catalog file that cannot be parsed or that breaks a rule of the catalog.
///
/// Every variant names the file (`source_name`) and, where it applies, the line, field
/// and control at fault.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CatalogError {
    /// The file is not valid TOML or JSON, or a value does not fit its field (wrong type,
    /// unknown field, unknown test or criterion).
    #[error("{source_name}:{line}:{column}: field `{field}`: {reason}")]
    Parse {
        /// The file (or other source) read.
        source_name: String,
        /// 1-based line (0 when not tied to a position).
        line: usize,
        /// 1-based column (0 when not tied to a position).
        column: usize,
        /// Path of the field, e.g. `controls[2].severity` (`.` for the whole file).
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// A base catalog leaves a threshold unset.
    #[error(
        "{source_name}: field `thresholds.{field}`: missing (a base catalog must set every threshold)"
    )]
    MissingThreshold {
        /// The file read.
        source_name: String,
        /// The threshold's name.
        field: &'static str,
    },
    /// The same control id is defined twice in one file.
    #[error("{source_name}: control {id} is defined more than once")]
    DuplicateControl {
        /// The file read.
        source_name: String,
        /// The repeated id.
        id: ControlId,
    },
    /// `disable` names a control that is not in the catalog.
    #[error("{source_name}: disable: no control {id} in the catalog")]
    UnknownControl {
        /// The file read.
        source_name: String,
        /// The id that matches no control.
        id: ControlId,
    },
    /// A control definition breaks a rule (no criteria, a cadence its test cannot run
    /// at, a time to fix whose minimum exceeds its maximum, ...).
    #[error("{source_name}: control {control}: field `{field}`: {reason}")]
    InvalidControl {
        /// The file read.
        source_name: String,
        /// The control at fault.
        control: ControlId,
        /// The field at fault.
        field: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A catalog file whose name ends neither in `.toml` nor in `.json`.
    #[error("{path}: a catalog file must end in .toml or .json")]
    UnknownFormat {
        /// The path given.
        path: String,
    },
}
