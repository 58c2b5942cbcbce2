//! What a report discloses about the catalog it was evaluated against: the effective
//! catalog's SHA-256 and every difference from the built-in catalog.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::{Catalog, CatalogControl, Scope, Thresholds};
use crate::json::JsonError;
use crate::model::{ControlId, Sha256Digest, VendorCriticality};

/// The catalog a report was evaluated against.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogDisclosure {
    /// SHA-256 of the effective catalog's canonical JSON (RFC 8785) bytes.
    pub sha256: Sha256Digest,
    /// SHA-256 of the built-in catalog's canonical JSON bytes, for comparison.
    pub builtin_sha256: Sha256Digest,
    /// Every difference from the built-in catalog: controls switched off, replaced or
    /// added, thresholds changed (catalog-wide, then per control), scope settings.
    pub differences: Vec<CatalogDifference>,
}

/// What kind of difference from the built-in catalog.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum DifferenceKind {
    /// A built-in control is not evaluated.
    ControlDisabled,
    /// A built-in control is replaced by the company's own definition.
    ControlReplaced,
    /// A control the built-in catalog does not have.
    ControlAdded,
    /// A threshold differs from the built-in value.
    ThresholdChanged,
    /// A scope setting differs from the built-in one.
    ScopeChanged,
}

/// Which way a threshold moved.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ThresholdDirection {
    /// The test accepts more than the built-in catalog does.
    Loosened,
    /// The test accepts less than the built-in catalog does.
    Tightened,
}

/// One difference from the built-in catalog.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CatalogDifference {
    /// What kind.
    pub kind: DifferenceKind,
    /// The control concerned; absent for catalog-wide thresholds and scope settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub control: Option<ControlId>,
    /// The threshold or scope setting concerned (e.g. `max_screen_lock_minutes`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub setting: Option<String>,
    /// The built-in value, for thresholds and scope settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub builtin: Option<String>,
    /// The effective value, for thresholds and scope settings.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective: Option<String>,
    /// For thresholds: loosened or tightened.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub direction: Option<ThresholdDirection>,
    /// The difference in words, as the reports print it.
    pub description: String,
}

/// One threshold: its name, its value as a number to compare, its value in words, and
/// whether a higher value accepts more (is looser).
fn thresholds_list(t: &Thresholds) -> Vec<(&'static str, u64, String, bool)> {
    let n = |name, v: u32, higher_looser| (name, u64::from(v), v.to_string(), higher_looser);
    let crit = |c: VendorCriticality| {
        serde_json::to_value(c).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
    };
    vec![
        n("max_screen_lock_minutes", t.max_screen_lock_minutes, true),
        n("training_days_after_hire", t.training_days_after_hire, true),
        n("background_check_days_after_start", t.background_check_days_after_start, true),
        n("leaver_access_removal_days", t.leaver_access_removal_days, true),
        n("max_vendor_report_age_days", t.max_vendor_report_age_days, true),
        n("max_policy_age_days", t.max_policy_age_days, true),
        n("max_risk_review_age_days", t.max_risk_review_age_days, true),
        n("review_grace_days_before", t.review_grace_days_before, true),
        n("review_grace_days_after", t.review_grace_days_after, true),
        // A higher criticality bar leaves fewer vendors to warn about.
        (
            "critical_vendor_criticality",
            t.critical_vendor_criticality as u64,
            crit(t.critical_vendor_criticality),
            true,
        ),
        n("min_log_retention_days", t.min_log_retention_days, false),
        n("max_recording_delay_days", t.max_recording_delay_days, true),
        n("tolerable_deviation_percent", t.tolerable_deviation_percent, true),
        n("max_access_key_age_days", t.max_access_key_age_days, true),
        n("max_access_key_unused_days", t.max_access_key_unused_days, true),
        n("acknowledgement_days_after_hire", t.acknowledgement_days_after_hire, true),
        n("max_acknowledgement_age_days", t.max_acknowledgement_age_days, true),
        n("max_event_coverage_gap_days", t.max_event_coverage_gap_days, true),
        n("triage_days", t.triage_days, true),
    ]
}

fn threshold_changes(
    control: Option<&ControlId>,
    builtin: &Thresholds,
    effective: &Thresholds,
    skip: impl Fn(&str) -> bool,
) -> Vec<CatalogDifference> {
    thresholds_list(builtin)
        .into_iter()
        .zip(thresholds_list(effective))
        .filter(|((name, b, _, _), (_, e, _, _))| b != e && !skip(name))
        .map(|((name, b, bs, higher_looser), (_, e, es, _))| {
            let direction = if (e > b) == higher_looser {
                ThresholdDirection::Loosened
            } else {
                ThresholdDirection::Tightened
            };
            let dir = match direction {
                ThresholdDirection::Loosened => "loosened",
                ThresholdDirection::Tightened => "tightened",
            };
            let description = match control {
                Some(c) => format!("{c}: threshold {name}: {bs} → {es} ({dir})"),
                None => format!("threshold {name}: {bs} → {es} ({dir})"),
            };
            CatalogDifference {
                kind: DifferenceKind::ThresholdChanged,
                control: control.cloned(),
                setting: Some(name.to_owned()),
                builtin: Some(bs),
                effective: Some(es),
                direction: Some(direction),
                description,
            }
        })
        .collect()
}

fn scope_list(s: &Scope) -> Vec<(&'static str, Vec<String>)> {
    vec![
        ("systems", s.systems.clone()),
        ("repositories", s.repositories.clone()),
        ("critical_vendors", s.critical_vendors.clone()),
        ("device_exempt", s.device_exempt.clone()),
        ("training_courses", s.training_courses.clone()),
        ("people_include", s.people_include.clone()),
        ("people_exclude", s.people_exclude.clone()),
        ("required_policies", s.required_policies.clone()),
        ("acknowledged_policies", s.acknowledged_policies.clone()),
        (
            "system_owners",
            s.system_owners.iter().map(|o| format!("{}: {}", o.system, o.owner)).collect(),
        ),
        (
            "triage_detections",
            if s.triage_detections.is_empty() {
                vec!["(the high-risk detections)".to_owned()]
            } else {
                s.triage_detections.iter().map(|d| d.as_str().to_owned()).collect()
            },
        ),
    ]
}

fn list_label(l: &[String]) -> String {
    if l.is_empty() { "(none)".to_owned() } else { l.join(", ") }
}

/// Whether two controls differ in more than their thresholds (and the cadence the
/// thresholds give a built-in test).
fn definition_differs(a: &CatalogControl, b: &CatalogControl) -> bool {
    let mut c = a.control.clone();
    c.cadence = b.control.cadence;
    c != b.control || a.test != b.test
}

impl Catalog {
    /// SHA-256 of the catalog's canonical JSON (RFC 8785) bytes.
    pub fn sha256(&self) -> Result<Sha256Digest, JsonError> {
        Ok(Sha256Digest::of(&crate::json::to_canonical_vec(self)?))
    }

    /// Every difference between this catalog and `builtin`.
    pub fn differences_from(&self, builtin: &Catalog) -> Vec<CatalogDifference> {
        let mut out = Vec::new();
        let find = |id: &ControlId| self.controls.iter().find(|c| &c.control.id == id);
        for b in &builtin.controls {
            let id = &b.control.id;
            match find(id) {
                None => out.push(CatalogDifference {
                    kind: DifferenceKind::ControlDisabled,
                    control: Some(id.clone()),
                    setting: None,
                    builtin: None,
                    effective: None,
                    direction: None,
                    description: format!("{id} ({}) switched off: not evaluated", b.control.title),
                }),
                Some(e) if definition_differs(e, b) => out.push(CatalogDifference {
                    kind: DifferenceKind::ControlReplaced,
                    control: Some(id.clone()),
                    setting: None,
                    builtin: None,
                    effective: None,
                    direction: None,
                    description: format!(
                        "{id} replaced by the company's definition: {} (test {})",
                        e.control.title, e.test
                    ),
                }),
                Some(_) => {}
            }
        }
        for e in &self.controls {
            if !builtin.controls.iter().any(|b| b.control.id == e.control.id) {
                out.push(CatalogDifference {
                    kind: DifferenceKind::ControlAdded,
                    control: Some(e.control.id.clone()),
                    setting: None,
                    builtin: None,
                    effective: None,
                    direction: None,
                    description: format!(
                        "{} added: {} (test {})",
                        e.control.id, e.control.title, e.test
                    ),
                });
            }
        }
        out.extend(threshold_changes(None, &builtin.thresholds, &self.thresholds, |_| false));
        // Per control: values that are not simply the catalog-wide ones applied.
        for e in &self.controls {
            let Some(b) = builtin.controls.iter().find(|b| b.control.id == e.control.id) else {
                continue;
            };
            let wide_b = thresholds_list(&builtin.thresholds);
            let wide_e = thresholds_list(&self.thresholds);
            let own_b = thresholds_list(&b.thresholds);
            let own_e = thresholds_list(&e.thresholds);
            let follows_catalog = |name: &str| {
                let i = wide_b.iter().position(|t| t.0 == name).unwrap_or(0);
                own_b[i].1 == wide_b[i].1 && own_e[i].1 == wide_e[i].1
            };
            out.extend(threshold_changes(
                Some(&e.control.id),
                &b.thresholds,
                &e.thresholds,
                follows_catalog,
            ));
        }
        for ((name, b), (_, e)) in
            scope_list(&builtin.scope).into_iter().zip(scope_list(&self.scope))
        {
            if b != e {
                out.push(CatalogDifference {
                    kind: DifferenceKind::ScopeChanged,
                    control: None,
                    setting: Some(name.to_owned()),
                    builtin: Some(list_label(&b)),
                    effective: Some(list_label(&e)),
                    description: format!("scope {name}: {} → {}", list_label(&b), list_label(&e)),
                    direction: None,
                });
            }
        }
        out
    }

    /// The disclosure a report carries: this catalog's SHA-256 and its differences from
    /// the built-in catalog.
    pub fn disclosure(&self) -> CatalogDisclosure {
        let builtin = Catalog::builtin();
        // A catalog is strings, small integers and enums: its canonical JSON cannot fail,
        // so failure here is a bug in this crate, not an input error.
        #[allow(clippy::expect_used)]
        let (sha256, builtin_sha256) = (
            self.sha256().expect("a catalog serialises to canonical JSON"),
            builtin.sha256().expect("a catalog serialises to canonical JSON"),
        );
        CatalogDisclosure { sha256, builtin_sha256, differences: self.differences_from(&builtin) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::CatalogFile;

    fn company(toml: &str) -> Catalog {
        Catalog::builtin()
            .extend(CatalogFile::from_toml_str(toml, "acme.toml").unwrap(), "acme.toml")
            .unwrap()
    }

    #[test]
    fn the_builtin_catalog_has_no_differences_and_its_own_hash() {
        let d = Catalog::builtin().disclosure();
        assert!(d.differences.is_empty());
        assert_eq!(d.sha256, d.builtin_sha256);
        let bytes = crate::json::to_canonical_vec(&Catalog::builtin()).unwrap();
        assert_eq!(d.sha256, Sha256Digest::of(&bytes));
    }

    #[test]
    fn switched_off_controls_and_loosened_thresholds_are_disclosed() {
        let c = company(
            "disable = [\"AC-01\", \"DEV-01\"]\n[thresholds]\nmax_screen_lock_minutes = 120\nmin_log_retention_days = 30\ntraining_days_after_hire = 14\n",
        );
        let d = c.disclosure();
        assert_ne!(d.sha256, d.builtin_sha256);
        let texts: Vec<&str> = d.differences.iter().map(|d| d.description.as_str()).collect();
        assert_eq!(texts.len(), 5, "{texts:?}");
        assert!(texts[0].starts_with("AC-01 ("), "{texts:?}");
        assert!(texts[0].ends_with("switched off: not evaluated"), "{texts:?}");
        assert!(texts[1].starts_with("DEV-01 ("), "{texts:?}");
        assert_eq!(texts[2], "threshold max_screen_lock_minutes: 15 → 120 (loosened)");
        assert_eq!(texts[3], "threshold training_days_after_hire: 30 → 14 (tightened)");
        // Less retention is looser.
        assert_eq!(texts[4], "threshold min_log_retention_days: 365 → 30 (loosened)");
        let t = &d.differences[2];
        assert_eq!(t.kind, DifferenceKind::ThresholdChanged);
        assert_eq!(t.control, None);
        assert_eq!(t.setting.as_deref(), Some("max_screen_lock_minutes"));
        assert_eq!((t.builtin.as_deref(), t.effective.as_deref()), (Some("15"), Some("120")));
        assert_eq!(t.direction, Some(ThresholdDirection::Loosened));
    }

    #[test]
    fn per_control_overrides_replacements_additions_and_scope_are_disclosed() {
        let c = company(
            r#"
[scope]
systems = ["okta"]
people = { exclude = ["ceo@example.com"] }
[[controls]]
id = "AC-04"
title = "Leavers lose access within a week"
area = "access_reviews"
test = "leaver_access_removed"
criteria = ["CC6.2"]
owner = "IT"
severity = "high"
priority = "fix_first"
time_to_fix = { min_days = 1, max_days = 5 }
thresholds = { leaver_access_removal_days = 7 }
[[controls]]
id = "ACME-01"
title = "Engineers trained within two weeks"
area = "security_training"
test = "new_hire_training"
criteria = ["CC1.4"]
owner = "CTO"
severity = "low"
priority = "quick_win"
time_to_fix = { min_days = 1, max_days = 2 }
"#,
        );
        let texts: Vec<String> =
            c.disclosure().differences.into_iter().map(|d| d.description).collect();
        assert_eq!(texts.len(), 5, "{texts:?}");
        assert!(texts[0].starts_with("AC-04 replaced by the company's definition"), "{texts:?}");
        assert!(texts[1].starts_with("ACME-01 added"), "{texts:?}");
        assert_eq!(texts[2], "AC-04: threshold leaver_access_removal_days: 3 → 7 (loosened)");
        assert_eq!(texts[3], "scope systems: (none) → okta");
        assert_eq!(texts[4], "scope people_exclude: (none) → ceo@example.com");
    }
}
