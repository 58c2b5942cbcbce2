//! The catalog file format, as written by people: every part optional, so that a
//! company file states only what differs from the built-in catalog.

use std::path::Path;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{CatalogControl, CatalogError, ControlTest, Frequency, Scope, SystemOwner, Thresholds};
use crate::model::{
    Cadence, Control, ControlArea, ControlId, Criterion, Detection, EvidenceKind, PriorityClass,
    Severity, TimeToFix, VendorCriticality,
};

/// A catalog file (TOML or JSON): the built-in catalog, or a company's changes to it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogFile {
    /// Scope settings; each one given replaces the catalog's.
    #[serde(default)]
    pub scope: ScopeFile,
    /// Thresholds; each one given replaces the catalog's, for every control that does not
    /// set its own.
    #[serde(default)]
    pub thresholds: ThresholdsFile,
    /// Ids of controls to drop.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub disable: Vec<ControlId>,
    /// Controls to add, or to replace the control with the same id.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub controls: Vec<ControlDef>,
}

/// Who is in scope, overriding the roster's `in_scope` flag.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct PeopleScope {
    /// Person ids in scope whatever the roster says.
    #[serde(default)]
    pub include: Vec<String>,
    /// Person ids out of scope whatever the roster says.
    #[serde(default)]
    pub exclude: Vec<String>,
}

/// The `scope` part of a catalog file.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ScopeFile {
    /// In-scope systems (see [`Scope::systems`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub systems: Option<Vec<String>>,
    /// In-scope repositories, `owner/name` (see [`Scope::repositories`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repositories: Option<Vec<String>>,
    /// Critical vendors (see [`Scope::critical_vendors`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub critical_vendors: Option<Vec<String>>,
    /// People who need no managed device (see [`Scope::device_exempt`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device_exempt: Option<Vec<String>>,
    /// Accepted security-awareness courses (see [`Scope::training_courses`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub training_courses: Option<Vec<String>>,
    /// People in or out of scope regardless of the roster.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub people: Option<PeopleScope>,
    /// Policies that must exist and be approved, by name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required_policies: Option<Vec<String>>,
    /// Policies every in-scope person acknowledges (see [`Scope::acknowledged_policies`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub acknowledged_policies: Option<Vec<String>>,
    /// The owners of systems (see [`Scope::system_owners`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_owners: Option<Vec<SystemOwner>>,
    /// The detections to triage (see [`Scope::triage_detections`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub triage_detections: Option<Vec<Detection>>,
}

impl ScopeFile {
    pub(super) fn apply(self, scope: &mut Scope) {
        if let Some(v) = self.systems {
            scope.systems = v;
        }
        if let Some(v) = self.repositories {
            scope.repositories = v;
        }
        if let Some(v) = self.critical_vendors {
            scope.critical_vendors = v;
        }
        if let Some(v) = self.device_exempt {
            scope.device_exempt = v;
        }
        if let Some(v) = self.training_courses {
            scope.training_courses = v;
        }
        if let Some(p) = self.people {
            scope.people_include = p.include;
            scope.people_exclude = p.exclude;
        }
        if let Some(v) = self.required_policies {
            scope.required_policies = v;
        }
        if let Some(v) = self.acknowledged_policies {
            scope.acknowledged_policies = v;
        }
        if let Some(v) = self.system_owners {
            scope.system_owners = v;
        }
        if let Some(v) = self.triage_detections {
            scope.triage_detections = v;
        }
    }
}

macro_rules! thresholds_file {
    ($( $(#[$doc:meta])* $f:ident : $t:ty ),* $(,)?) => {
        /// The `thresholds` part of a catalog file (or of one control): each field given
        /// replaces the value in force. See [`Thresholds`] for their meaning.
        #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
        #[serde(deny_unknown_fields)]
        pub struct ThresholdsFile {
            $( $(#[$doc])* #[serde(default, skip_serializing_if = "Option::is_none")] pub $f: Option<$t>, )*
        }

        impl ThresholdsFile {
            /// Overwrites the fields this file sets.
            pub fn apply(&self, t: &mut Thresholds) {
                $( if let Some(v) = &self.$f { t.$f = v.clone(); } )*
            }

            /// The thresholds of a base catalog, which must set every field.
            pub(super) fn complete(&self, source_name: &str) -> Result<Thresholds, CatalogError> {
                Ok(Thresholds {
                    $( $f: self.$f.clone().ok_or_else(|| CatalogError::MissingThreshold {
                        source_name: source_name.to_owned(),
                        field: stringify!($f),
                    })?, )*
                })
            }
        }
    };
}

thresholds_file! {
    /// See [`Thresholds::max_screen_lock_minutes`].
    max_screen_lock_minutes: u32,
    /// See [`Thresholds::training_days_after_hire`].
    training_days_after_hire: u32,
    /// See [`Thresholds::background_check_days_after_start`].
    background_check_days_after_start: u32,
    /// See [`Thresholds::leaver_access_removal_days`].
    leaver_access_removal_days: u32,
    /// See [`Thresholds::max_vendor_report_age_days`].
    max_vendor_report_age_days: u32,
    /// See [`Thresholds::max_policy_age_days`].
    max_policy_age_days: u32,
    /// See [`Thresholds::max_risk_review_age_days`].
    max_risk_review_age_days: u32,
    /// See [`Thresholds::review_grace_days_before`].
    review_grace_days_before: u32,
    /// See [`Thresholds::review_grace_days_after`].
    review_grace_days_after: u32,
    /// See [`Thresholds::critical_vendor_criticality`].
    critical_vendor_criticality: VendorCriticality,
    /// See [`Thresholds::min_log_retention_days`].
    min_log_retention_days: u32,
    /// See [`Thresholds::max_recording_delay_days`].
    max_recording_delay_days: u32,
    /// See [`Thresholds::tolerable_deviation_percent`].
    tolerable_deviation_percent: u32,
    /// See [`Thresholds::max_access_key_age_days`].
    max_access_key_age_days: u32,
    /// See [`Thresholds::max_access_key_unused_days`].
    max_access_key_unused_days: u32,
    /// See [`Thresholds::acknowledgement_days_after_hire`].
    acknowledgement_days_after_hire: u32,
    /// See [`Thresholds::max_acknowledgement_age_days`].
    max_acknowledgement_age_days: u32,
    /// See [`Thresholds::max_event_coverage_gap_days`].
    max_event_coverage_gap_days: u32,
    /// See [`Thresholds::triage_days`].
    triage_days: u32,
}

/// One control as written in a catalog file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ControlDef {
    /// Stable identifier; a built-in id replaces that control.
    pub id: ControlId,
    /// One-line name.
    pub title: String,
    /// The practice area.
    pub area: ControlArea,
    /// The built-in test that evaluates it; absent: evidence presence per cadence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub test: Option<ControlTest>,
    /// The criteria it addresses (at least one).
    pub criteria: Vec<Criterion>,
    /// How often it must operate. Required without a test; with a test it may be omitted
    /// (the test's own cadence is used) and, if given, must be of the test's kind.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cadence: Option<Cadence>,
    /// Who answers for it.
    pub owner: String,
    /// How bad a failure is.
    pub severity: Severity,
    /// Typical effort to fix a failure.
    pub time_to_fix: TimeToFix,
    /// When to fix a failure, relative to others.
    pub priority: PriorityClass,
    /// Evidence kinds that show it operating; with a test, defaults to what the test reads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub evidence_kinds: Vec<EvidenceKind>,
    /// What the control requires.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Steps to take when it fails.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remediation: Vec<String>,
    /// Why it typically fails (the cause of a finding, with management's response).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cause: String,
    /// What a failure exposes the company or its customers to (the effect of a finding).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub effect: String,
    /// What to do when it fails, in a sentence (the recommendation of a finding).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub recommendation: String,
    /// Thresholds for this control only.
    #[serde(default)]
    pub thresholds: ThresholdsFile,
    /// How often it operates, for sampling (`annual`, `quarterly`, `monthly`, `weekly`,
    /// `daily`, `several_times_a_day`); absent: derived from the cadence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency: Option<Frequency>,
}

impl ControlDef {
    pub(super) fn resolve(
        self,
        catalog_thresholds: &Thresholds,
        source_name: &str,
    ) -> Result<CatalogControl, CatalogError> {
        let invalid = |field: &'static str, reason: String| CatalogError::InvalidControl {
            source_name: source_name.to_owned(),
            control: self.id.clone(),
            field,
            reason,
        };
        if self.title.trim().is_empty() {
            return Err(invalid("title", "must not be empty".into()));
        }
        if self.owner.trim().is_empty() {
            return Err(invalid("owner", "must not be empty".into()));
        }
        if self.criteria.is_empty() {
            return Err(invalid("criteria", "at least one criterion is needed".into()));
        }
        if self.time_to_fix.min_days > self.time_to_fix.max_days {
            return Err(invalid(
                "time_to_fix",
                format!(
                    "min_days ({}) exceeds max_days ({})",
                    self.time_to_fix.min_days, self.time_to_fix.max_days
                ),
            ));
        }
        let mut thresholds = catalog_thresholds.clone();
        self.thresholds.apply(&mut thresholds);
        let test = self.test.unwrap_or(ControlTest::EvidencePresence);
        let (cadence, evidence_kinds) = match test.cadence(&thresholds) {
            Some(test_cadence) => {
                if let Some(given) = self.cadence
                    && std::mem::discriminant(&given) != std::mem::discriminant(&test_cadence)
                {
                    return Err(invalid(
                        "cadence",
                        format!(
                            "test {test} runs at cadence {}; omit the cadence or give that one",
                            cadence_name(&test_cadence)
                        ),
                    ));
                }
                let kinds = if self.evidence_kinds.is_empty() {
                    test.evidence_kinds().to_vec()
                } else {
                    self.evidence_kinds.clone()
                };
                (test_cadence, kinds)
            }
            None => {
                if self.evidence_kinds.is_empty() {
                    return Err(invalid(
                        "evidence_kinds",
                        "a control without a built-in test needs at least one evidence kind".into(),
                    ));
                }
                let cadence = match self.cadence {
                    None => {
                        return Err(invalid(
                            "cadence",
                            "a control without a built-in test needs a cadence".into(),
                        ));
                    }
                    Some(Cadence::WithinDaysOf { .. }) => {
                        return Err(invalid(
                            "cadence",
                            "within_days_of needs a built-in test that knows the events; \
                             use quarterly, annual, continuous or point_in_time"
                                .into(),
                        ));
                    }
                    Some(c) => c,
                };
                (cadence, self.evidence_kinds.clone())
            }
        };
        Ok(CatalogControl {
            control: Control {
                id: self.id,
                title: self.title,
                area: self.area,
                criteria: self.criteria,
                cadence,
                owner: self.owner,
                severity: self.severity,
                time_to_fix: self.time_to_fix,
                priority: self.priority,
                evidence_kinds,
                description: self.description,
                remediation: self.remediation,
                cause: self.cause,
                effect: self.effect,
                recommendation: self.recommendation,
            },
            test,
            thresholds,
            frequency: self.frequency,
        })
    }
}

fn cadence_name(c: &Cadence) -> &'static str {
    match c {
        Cadence::Continuous => "continuous",
        Cadence::Quarterly => "quarterly",
        Cadence::Annual => "annual",
        Cadence::WithinDaysOf { .. } => "within_days_of",
        Cadence::PointInTime => "point_in_time",
    }
}

impl CatalogFile {
    /// Parses a TOML catalog file; `source_name` is used in errors.
    pub fn from_toml_str(text: &str, source_name: &str) -> Result<CatalogFile, CatalogError> {
        let de =
            toml::Deserializer::parse(text).map_err(|e| toml_error(text, source_name, &e, "."))?;
        serde_path_to_error::deserialize(de).map_err(|e| {
            let field = e.path().to_string();
            let field = if field.is_empty() { ".".to_owned() } else { field };
            toml_error(text, source_name, e.inner(), &field)
        })
    }

    /// Parses a JSON catalog file with the strict rules of [`crate::json`].
    pub fn from_json_str(text: &str, source_name: &str) -> Result<CatalogFile, CatalogError> {
        crate::json::from_json_str(text).map_err(|e| CatalogError::Parse {
            source_name: source_name.to_owned(),
            line: e.line,
            column: e.column,
            field: e.path,
            reason: e.reason,
        })
    }

    /// Reads a catalog file, TOML or JSON by its extension.
    pub fn load(path: &Path) -> crate::Result<CatalogFile> {
        let name = path.display().to_string();
        let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase);
        let parse: fn(&str, &str) -> Result<CatalogFile, CatalogError> = match ext.as_deref() {
            Some("toml") => CatalogFile::from_toml_str,
            Some("json") => CatalogFile::from_json_str,
            _ => return Err(CatalogError::UnknownFormat { path: name }.into()),
        };
        let bytes = crate::input::read_file(path, "catalog file", crate::input::MAX_CATALOG_SIZE)?;
        let text = crate::input::into_text(bytes, path)?;
        Ok(parse(&text, &name)?)
    }
}

fn toml_error(text: &str, source_name: &str, e: &toml::de::Error, field: &str) -> CatalogError {
    let (line, column) = match e.span() {
        Some(span) => line_column(text, span.start),
        None => (0, 0),
    };
    CatalogError::Parse {
        source_name: source_name.to_owned(),
        line,
        column,
        field: field.to_owned(),
        reason: e.message().trim().to_owned(),
    }
}

/// 1-based line and column (in characters) of a byte offset.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, column)
}
