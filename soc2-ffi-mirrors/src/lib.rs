//! # soc2-ffi-mirrors
//!
//! soc2-ffi declares soc2-core's model to uniffi as remote types: one
//! `#[uniffi::remote(Record)]` or `#[uniffi::remote(Enum)]` declaration per type, restating
//! its fields or variants, with the doc comments the foreign languages show. This crate
//! generates those declarations from soc2-core's source, so that the model is described
//! once, in soc2-core, and soc2-ffi stays a conversion layer: [`MIRRORS`], which types to
//! declare, is the one hand-kept input; [`generate`] writes the files of
//! `soc2-ffi/src/generated/`, which are committed.
//!
//! Its test fails when the committed files differ from what soc2-core's source gives now
//! (changed docs or defaults, a new field, a type no longer listed). After changing
//! soc2-core's model:
//!
//! 1. `SOC2_UPDATE_MIRRORS=1 cargo test -p soc2-ffi-mirrors` rewrites the declarations;
//! 2. `SOC2_UPDATE_BINDINGS=1 cargo test -p soc2-ffi --test swift_bindings` rewrites the
//!    committed Swift bindings;
//! 3. commit both.
//!
//! It is a crate of its own, not a test of soc2-ffi, because a field added in soc2-core
//! makes soc2-ffi fail to compile until its declarations are regenerated.

mod generate;

use std::collections::BTreeMap;
use std::path::Path;

/// One generated file: its name under `soc2-ffi/src/generated/` and the types it declares.
pub struct Group {
    /// The file's stem: `model` for `src/generated/model.rs`, which soc2-ffi's `model`
    /// module includes.
    pub file: &'static str,
    /// The types, in the order the file declares them, as `soc2_core::path::Type`, or
    /// `soc2_core::path::Type as Name` to name the type `Name` in the bindings.
    pub types: &'static [&'static str],
}

/// The soc2-core types the bindings expose as records and enums, by generated file. A
/// type named in a field must be listed too (or be one of soc2-ffi's custom types in
/// `src/types.rs`), or soc2-ffi does not compile.
pub const MIRRORS: &[Group] = &[
    Group {
        file: "model",
        types: &[
            "soc2_core::model::Evidence",
            "soc2_core::model::Provenance",
            "soc2_core::model::ImportInput",
            "soc2_core::model::FetchedAtSource",
            "soc2_core::model::Completeness",
            "soc2_core::model::SkippedRow",
            "soc2_core::model::ImportWarning",
            "soc2_core::model::ImportPart",
            "soc2_core::model::Collector",
            "soc2_core::model::Attachment",
            "soc2_core::model::Payload",
            "soc2_core::model::EvidenceKind",
            "soc2_core::model::ReviewDecision",
            "soc2_core::model::ReviewedAccount",
            "soc2_core::model::AccessReview",
            "soc2_core::model::AccountStatus",
            "soc2_core::model::Account",
            "soc2_core::model::CredentialKind",
            "soc2_core::model::Credential",
            "soc2_core::model::UserList",
            "soc2_core::model::PolicyDocument",
            "soc2_core::model::PolicyAcknowledgement",
            "soc2_core::model::Platform",
            "soc2_core::model::Device",
            "soc2_core::model::DeviceCompliance",
            "soc2_core::model::DeviceInventory",
            "soc2_core::model::BranchProtection",
            "soc2_core::model::ReviewState",
            "soc2_core::model::ChangeReview",
            "soc2_core::model::ChangeKind",
            "soc2_core::model::ChangeRecord",
            "soc2_core::model::BackgroundCheckStatus",
            "soc2_core::model::Adjudication",
            "soc2_core::model::BackgroundCheck",
            "soc2_core::model::TrainingStatus",
            "soc2_core::model::TrainingCompletion",
            "soc2_core::model::LoggingConfiguration",
            "soc2_core::model::EventClass",
            "soc2_core::model::AlertRule",
            "soc2_core::model::AlertState",
            "soc2_core::model::VendorCriticality",
            "soc2_core::model::AssuranceKind",
            "soc2_core::model::SecurityReport",
            "soc2_core::model::VendorAssessment",
            "soc2_core::model::IncidentResponsePlan",
            "soc2_core::model::TabletopExercise",
            "soc2_core::model::RiskLevel",
            "soc2_core::model::RiskTreatment",
            "soc2_core::model::Risk",
            "soc2_core::model::RiskRegister",
            "soc2_core::model::EmploymentType",
            "soc2_core::model::Person",
            "soc2_core::model::Roster",
            "soc2_core::model::ManagementResponse",
            "soc2_core::model::EventOutcome",
            "soc2_core::model::Detection",
            "soc2_core::model::EventCount",
            "soc2_core::model::DetectedEvent",
            "soc2_core::model::SecurityEvents",
            "soc2_core::model::TriageConclusion",
            "soc2_core::model::EventTriage",
            "soc2_core::model::Note",
            "soc2_core::model::ControlArea",
            "soc2_core::model::TriggerEvent",
            "soc2_core::model::Cadence",
            "soc2_core::model::Severity",
            "soc2_core::model::PriorityClass",
            "soc2_core::model::TimeToFix",
            "soc2_core::model::Control",
            "soc2_core::model::ItemKind",
            "soc2_core::model::AffectedItem",
            "soc2_core::model::FindingStatus",
            "soc2_core::model::AuditFinding",
            "soc2_core::model::FindingWriteUp",
            "soc2_core::model::FindingResponse",
            "soc2_core::model::Category",
        ],
    },
    Group {
        file: "evaluation",
        types: &[
            "soc2_core::catalog::ControlTest",
            "soc2_core::catalog::Thresholds",
            "soc2_core::catalog::Scope",
            "soc2_core::catalog::SystemOwner",
            "soc2_core::catalog::CatalogControl",
            "soc2_core::catalog::Frequency",
            "soc2_core::catalog::Catalog",
            "soc2_core::report::Report",
            "soc2_core::report::RecordingTime",
            "soc2_core::report::TimeProof",
            "soc2_core::report::CatalogDisclosure",
            "soc2_core::report::DifferenceKind",
            "soc2_core::report::ThresholdDirection",
            "soc2_core::report::CatalogDifference",
            "soc2_core::report::Summary",
            "soc2_core::report::ControlStatus",
            "soc2_core::report::Coverage",
            "soc2_core::report::CellStatus",
            "soc2_core::report::GridCell",
            "soc2_core::report::ControlResult",
            "soc2_core::report::LateRecord",
            "soc2_core::report::RankedException",
            "soc2_core::report::OpinionRisk",
            "soc2_core::report::DeviationNature",
            "soc2_core::report::OpinionBasis",
            "soc2_core::report::Opinion",
            "soc2_core::report::Monitoring",
            "soc2_core::report::NextDue",
            "soc2_core::report::DueItem",
            // `Format` alone would be too vague a name in a foreign namespace.
            "soc2_core::report::Format as ReportFormat",
        ],
    },
    Group {
        file: "audit",
        types: &[
            "soc2_core::evaluate::ItemResult",
            "soc2_core::evaluate::PopulationItem",
            "soc2_core::evaluate::sample::SampledItem",
            "soc2_core::evaluate::sample::Sample",
            "soc2_core::report::requests::RequestStatus",
            "soc2_core::report::requests::EvidenceRequest",
            "soc2_core::report::requests::RequestList",
        ],
    },
    Group {
        file: "bundle",
        types: &[
            "soc2_core::bundle::DisclosedRecord",
            "soc2_core::bundle::DisclosedBlob",
            "soc2_core::bundle::ReportEntry",
            "soc2_core::bundle::Generator",
            "soc2_core::bundle::InclusionProof",
        ],
    },
    Group { file: "locker", types: &["soc2_core::model::Record", "soc2_core::ledger::TornTail"] },
];

/// The generated files, by name, from the soc2-core crate whose source is in `core_src`.
///
/// # Panics
///
/// When a listed type or a type one of its fields names is not found, or is of a shape
/// the generator does not handle (the message says which).
pub fn generate(core_src: &Path) -> BTreeMap<String, String> {
    generate::generate(&generate::Crate::load(core_src), MIRRORS)
}
