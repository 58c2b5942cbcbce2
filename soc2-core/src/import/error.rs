//! Why an import was refused.

/// An input that cannot become evidence. Each variant names the file, and the row and
/// field where there is one, so that the message alone is enough to act on.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ImportError {
    /// No importer has this name.
    #[error("unknown import source {name:?}; `soc2 import --list` shows the sources")]
    UnknownSource {
        /// The name given.
        name: String,
    },
    /// No input file was given.
    #[error("no input files: give at least one")]
    NoInput,
    /// An input is larger than one import accepts.
    #[error("{file}: {size} bytes is more than the {limit} bytes one input may have")]
    TooLarge {
        /// The file.
        file: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// An input is not what the source's format allows (bad JSON, a missing column, a
    /// value that cannot be read).
    #[error("{file}{}: {reason}", location(*.row, .field.as_deref()))]
    Malformed {
        /// The file.
        file: String,
        /// The 1-based row, line or list index (0: not tied to one).
        row: u64,
        /// The field, when tied to one.
        field: Option<String>,
        /// What is wrong.
        reason: String,
    },
    /// The file is an export of another kind than the source named: refused rather than
    /// read as an empty population.
    #[error("{file}: not a {source_name} export: {reason}")]
    WrongSource {
        /// The file.
        file: String,
        /// The source named.
        source_name: String,
        /// What the file looks like instead.
        reason: String,
    },
    /// A captured response is an error, so its body is not the population.
    #[error("{file}: the captured response is an error (HTTP {status}): {reason}")]
    ErrorResponse {
        /// The file.
        file: String,
        /// The HTTP status.
        status: u16,
        /// The error as the API reported it.
        reason: String,
    },
    /// The pages given are not the whole of what the API returned (a page is missing,
    /// or given twice).
    #[error("incomplete population: {reason}")]
    MissingPages {
        /// Which page, and how that is known.
        reason: String,
    },
    /// Nothing tells when the export was made.
    #[error(
        "no fetch time: the inputs carry no Date header or generation time; give --fetched-at \
         with the time the export was made (UTC, e.g. 2026-03-28T14:05:00Z)"
    )]
    NoFetchTime,
    /// An audit-log import read no event with a time in any of its files.
    #[error("{file}{}: no event with a time in the files: nothing to record", others_text(*.others))]
    NoEvents {
        /// The first file read.
        file: String,
        /// How many other files were read.
        others: usize,
    },
    /// A stored import cannot be re-derived (e.g. the record has no provenance).
    #[error("cannot re-derive: {reason}")]
    NotReproducible {
        /// Why.
        reason: String,
    },
}

fn others_text(others: usize) -> String {
    match others {
        0 => String::new(),
        1 => " and 1 other file".into(),
        n => format!(" and {n} other files"),
    }
}

fn location(row: u64, field: Option<&str>) -> String {
    match (row, field) {
        (0, None) => String::new(),
        (0, Some(f)) => format!(": field `{f}`"),
        (r, None) => format!(": row {r}"),
        (r, Some(f)) => format!(": row {r}, field `{f}`"),
    }
}

impl ImportError {
    pub(crate) fn malformed(
        file: &str,
        row: u64,
        field: Option<&str>,
        reason: impl Into<String>,
    ) -> Self {
        ImportError::Malformed {
            file: file.to_owned(),
            row,
            field: field.map(str::to_owned),
            reason: reason.into(),
        }
    }

    pub(crate) fn wrong(file: &str, source: &str, reason: impl Into<String>) -> Self {
        ImportError::WrongSource {
            file: file.to_owned(),
            source_name: source.to_owned(),
            reason: reason.into(),
        }
    }
}

impl crate::error::Classify for ImportError {
    fn code(&self) -> crate::error::ErrorCode {
        use crate::error::ErrorCode as C;
        match self {
            ImportError::UnknownSource { .. } => C::ImportUnknownSource,
            ImportError::NoInput => C::ImportNoInput,
            ImportError::TooLarge { .. } => C::ImportTooLarge,
            ImportError::Malformed { .. } => C::ImportMalformed,
            ImportError::WrongSource { .. } => C::ImportWrongSource,
            ImportError::ErrorResponse { .. } => C::ImportErrorResponse,
            ImportError::MissingPages { .. } => C::ImportMissingPages,
            ImportError::NoFetchTime => C::ImportNoFetchTime,
            ImportError::NotReproducible { .. } => C::ImportNotReproducible,
            ImportError::NoEvents { .. } => C::ImportNoEvents,
        }
    }

    fn subject(&self) -> crate::error::Subject {
        let mut s = crate::error::Subject { reason: Some(self.to_string()), ..Default::default() };
        match self {
            ImportError::TooLarge { file, .. }
            | ImportError::WrongSource { file, .. }
            | ImportError::ErrorResponse { file, .. }
            | ImportError::NoEvents { file, .. } => s.source = Some(file.clone()),
            ImportError::Malformed { file, row, field, .. } => {
                s.source = Some(file.clone());
                s.line = *row;
                s.field = field.clone();
            }
            ImportError::UnknownSource { .. } => s.field = Some("source".into()),
            ImportError::NoFetchTime => s.field = Some("fetched_at".into()),
            _ => {}
        }
        s
    }
}
