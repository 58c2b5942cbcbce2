//! Reproducible audit samples drawn from a control's population.
//!
//! The selection can be redone by hand (`docs/evaluation.md`, "Sampling"):
//!
//! 1. the population is every item of the control tested in the period (not the items
//!    not yet due), each named by its unit id `QUARTER/ITEM` (e.g. `2026-Q3/okta`);
//! 2. for each unit, compute the SHA-256 of the seed's text immediately followed by the
//!    unit id (UTF-8, no separator, no newline):
//!    `printf '%s%s' "$SEED" "2026-Q3/okta" | sha256sum`;
//! 3. the sample is the `size` units with the smallest digests (hex, compared as text;
//!    equal digests, which do not happen in practice, by unit id, then due date).
//!
//! The seed defaults to the root hash (hex) of the locker's newest signed checkpoint,
//! which the auditor holds too (the bundle's `checkpoint`), so neither side picks it.
//!
//! The size, unless given, comes from the control's [`Frequency`] and its severity, within
//! the ranges audit practice uses (see [`size_for`]); a population smaller than the size
//! is taken whole.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::population::{ControlPopulation, ItemResult, PopulationItem};
use crate::catalog::{CatalogControl, Frequency};
use crate::model::{ControlId, Severity};

/// The sample size for a control operating at `frequency`, by its severity: the lower
/// end of the range for low severity, the middle for medium, the upper end for high and
/// critical (the riskier the control, the more evidence an auditor needs):
///
/// | frequency | range | low | medium | high, critical |
/// | --- | --- | --- | --- | --- |
/// | annual | 1 | 1 | 1 | 1 |
/// | quarterly | 2 | 2 | 2 | 2 |
/// | monthly | 2-5 | 2 | 3 | 5 |
/// | weekly | 5-15 | 5 | 10 | 15 |
/// | daily | 20-40 | 20 | 30 | 40 |
/// | several times a day | 25-60 | 25 | 40 | 60 |
pub fn size_for(frequency: Frequency, severity: Severity) -> u64 {
    let (low, medium, high) = match frequency {
        Frequency::Annual => (1, 1, 1),
        Frequency::Quarterly => (2, 2, 2),
        Frequency::Monthly => (2, 3, 5),
        Frequency::Weekly => (5, 10, 15),
        Frequency::Daily => (20, 30, 40),
        Frequency::SeveralTimesADay => (25, 40, 60),
    };
    match severity {
        Severity::Low => low,
        Severity::Medium => medium,
        Severity::High | Severity::Critical => high,
    }
}

/// One selected unit.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SampledItem {
    /// The unit id hashed: `QUARTER/ITEM`.
    pub unit: String,
    /// SHA-256 (hex) of the seed followed by the unit id.
    pub sha256: String,
    /// The population item.
    pub item: PopulationItem,
}

/// A sample drawn from a control's population.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Sample {
    /// The control.
    pub control: ControlId,
    /// Its frequency (from the catalog, or derived from its cadence).
    pub frequency: Frequency,
    /// Its severity.
    pub severity: Severity,
    /// Units in the population (items tested, not counting those not yet due).
    pub population: u64,
    /// The size asked for: given, or from the frequency and severity.
    pub size: u64,
    /// Whether `size` was given rather than derived.
    pub size_given: bool,
    /// The seed (text, hashed as UTF-8).
    pub seed: String,
    /// Where the seed comes from (e.g. `signed checkpoint of 1234 records`, `--seed`).
    pub seed_source: String,
    /// The selected units, smallest digest first (`min(size, population)` of them).
    pub selected: Vec<SampledItem>,
}

/// The digest that orders a unit: SHA-256 of `seed` then `unit` (UTF-8), as hex.
pub fn unit_digest(seed: &str, unit: &str) -> String {
    let mut h = Sha256::new();
    h.update(seed.as_bytes());
    h.update(unit.as_bytes());
    hex::encode(h.finalize())
}

/// Draws the sample of `cc` from its population: `size` units (default
/// [`size_for`] its frequency and severity) with the smallest digests under `seed`.
pub fn draw(
    cc: &CatalogControl,
    population: &ControlPopulation,
    size: Option<u64>,
    seed: &str,
    seed_source: &str,
) -> Sample {
    let frequency = cc.frequency();
    let severity = cc.control.severity;
    let wanted = size.unwrap_or_else(|| size_for(frequency, severity));
    let mut units: Vec<SampledItem> = population
        .items
        .iter()
        .filter(|i| i.result != ItemResult::NotYetDue)
        .map(|i| {
            let unit = i.unit_id();
            SampledItem { sha256: unit_digest(seed, &unit), unit, item: i.clone() }
        })
        .collect();
    let count = units.len() as u64;
    units.sort_by(|a, b| (&a.sha256, &a.unit, a.item.due).cmp(&(&b.sha256, &b.unit, b.item.due)));
    units.truncate(usize::try_from(wanted).unwrap_or(usize::MAX));
    Sample {
        control: cc.control.id.clone(),
        frequency,
        severity,
        population: count,
        size: wanted,
        size_given: size.is_some(),
        seed: seed.to_owned(),
        seed_source: seed_source.to_owned(),
        selected: units,
    }
}

impl Sample {
    /// The sample as text for people: one line per selected unit, and how to redo it.
    pub fn to_text(&self) -> String {
        use std::fmt::Write;
        let mut s = String::new();
        let _ = writeln!(
            s,
            "sample of {}: {} of {} units (size {}{}; frequency {}, severity {})",
            self.control,
            self.selected.len(),
            self.population,
            self.size,
            if self.size_given { ", given" } else { "" },
            self.frequency.as_str(),
            severity_name(self.severity)
        );
        let _ = writeln!(s, "seed {} ({})", self.seed, self.seed_source);
        for u in &self.selected {
            let records = u.item.records.iter().map(u64::to_string).collect::<Vec<_>>().join(",");
            let _ = writeln!(
                s,
                "{}  {}  {}  records {}",
                u.sha256,
                u.unit,
                u.item.result.as_str(),
                if records.is_empty() { "-" } else { &records }
            );
        }
        let _ = writeln!(
            s,
            "redo: for each unit QUARTER/ITEM, printf '%s%s' SEED UNIT | sha256sum; take the {} smallest",
            self.size
        );
        s
    }
}

/// The default seed of a locker's samples: the root hash (lower-case hex) of its newest
/// signed checkpoint that the locker still contains, or, when it has none, of its
/// current checkpoint; and where it comes from, in words.
pub fn default_seed(locker: &crate::ledger::Locker) -> crate::Result<(String, String)> {
    let mut signed = locker.signed_checkpoints()?;
    signed.sort_by_key(|s| std::cmp::Reverse(s.checkpoint.size));
    for s in signed {
        if locker.verify_checkpoint(&s.checkpoint).is_ok() {
            return Ok((
                hex::encode(s.checkpoint.root),
                format!(
                    "root hash of the signed checkpoint of {} records of {}",
                    s.checkpoint.size, s.checkpoint.origin
                ),
            ));
        }
    }
    let cp = locker.checkpoint();
    Ok((
        hex::encode(cp.root),
        format!(
            "root hash of the checkpoint of {} records of {} (the locker has no signed checkpoint; \
             the bundle's checkpoint of the same size has this root)",
            cp.size, cp.origin
        ),
    ))
}

fn severity_name(s: Severity) -> &'static str {
    match s {
        Severity::Low => "low",
        Severity::Medium => "medium",
        Severity::High => "high",
        Severity::Critical => "critical",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Date, ItemKind};

    fn population(items: &[&str]) -> ControlPopulation {
        ControlPopulation {
            control: "AC-01".parse().unwrap(),
            items: items
                .iter()
                .map(|id| PopulationItem {
                    kind: ItemKind::System,
                    item: (*id).to_owned(),
                    quarter: "2026-Q1".into(),
                    due: Date("2026-03-31".parse().unwrap()),
                    result: ItemResult::Pass,
                    reason: String::new(),
                    records: vec![],
                })
                .collect(),
        }
    }

    fn control() -> CatalogControl {
        crate::Catalog::builtin().get("AC-01").unwrap().clone()
    }

    #[test]
    fn digest_is_sha256_of_seed_then_unit() {
        // printf '%s' 'abc' | sha256sum
        assert_eq!(
            unit_digest("a", "bc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn hand_computed_small_case() {
        // printf '%s' 's2026-Q1/a' | sha256sum  -> 49ad8298e275b520...
        // printf '%s' 's2026-Q1/b' | sha256sum  -> 1d2a27ddaa23ffdc...
        // printf '%s' 's2026-Q1/c' | sha256sum  -> d44501f2b432a08c...
        // printf '%s' 's2026-Q1/d' | sha256sum  -> c15606aec70d0e21...
        // The two smallest: b (1d2a...), then a (49ad...).
        let pop = population(&["a", "b", "c", "d"]);
        let s = draw(&control(), &pop, Some(2), "s", "test");
        let units: Vec<&str> = s.selected.iter().map(|u| u.unit.as_str()).collect();
        assert_eq!(units, ["2026-Q1/b", "2026-Q1/a"]);
        assert!(s.selected[0].sha256.starts_with("1d2a27ddaa23ffdc"));
        assert_eq!(s.population, 4);
    }

    #[test]
    fn same_seed_same_sample_other_seed_other_sample() {
        let ids: Vec<String> = (0..50).map(|i| format!("device-{i:02}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let pop = population(&refs);
        let a = draw(&control(), &pop, Some(5), "seed-one", "test");
        let b = draw(&control(), &pop, Some(5), "seed-one", "test");
        let c = draw(&control(), &pop, Some(5), "seed-two", "test");
        assert_eq!(a, b);
        assert_eq!(a.selected.len(), 5);
        assert_ne!(
            a.selected.iter().map(|u| &u.unit).collect::<Vec<_>>(),
            c.selected.iter().map(|u| &u.unit).collect::<Vec<_>>()
        );
    }

    #[test]
    fn small_population_taken_whole_and_not_yet_due_left_out() {
        let mut pop = population(&["a", "b", "c"]);
        pop.items[2].result = ItemResult::NotYetDue;
        let s = draw(&control(), &pop, Some(10), "x", "test");
        assert_eq!(s.population, 2);
        assert_eq!(s.selected.len(), 2);
    }

    #[test]
    fn a_company_catalog_sets_a_frequency() {
        let text = r#"
[[controls]]
id = "ACME-01"
title = "Weekly vulnerability scan triage"
area = "other"
criteria = ["CC7.1"]
cadence = "quarterly"
frequency = "weekly"
owner = "Security"
severity = "medium"
time_to_fix = { min_days = 7, max_days = 14 }
priority = "fix_second"
evidence_kinds = ["note"]
"#;
        let file = crate::catalog::CatalogFile::from_toml_str(text, "acme.toml").unwrap();
        let catalog = crate::Catalog::builtin().extend(file, "acme.toml").unwrap();
        let cc = catalog.get("ACME-01").unwrap();
        assert_eq!(cc.frequency(), Frequency::Weekly);
        let ids: Vec<String> = (0..30).map(|i| format!("w{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let s = draw(cc, &population(&refs), None, "s", "t");
        assert_eq!((s.size, s.selected.len()), (10, 10));
        // Without one, from the cadence: a population control is sampled as several a day.
        assert_eq!(catalog.get("CHG-01").unwrap().frequency(), Frequency::SeveralTimesADay);
        assert_eq!(catalog.get("VEN-01").unwrap().frequency(), Frequency::Annual);
    }

    #[test]
    fn sizes_by_frequency_and_severity() {
        assert_eq!(size_for(Frequency::Annual, Severity::Critical), 1);
        assert_eq!(size_for(Frequency::Quarterly, Severity::High), 2);
        assert_eq!(size_for(Frequency::Monthly, Severity::Medium), 3);
        assert_eq!(size_for(Frequency::Weekly, Severity::High), 15);
        assert_eq!(size_for(Frequency::Daily, Severity::Low), 20);
        assert_eq!(size_for(Frequency::SeveralTimesADay, Severity::Critical), 60);
        // AC-01 is quarterly: 2.
        let s = draw(&control(), &population(&["a", "b", "c", "d"]), None, "s", "t");
        assert_eq!((s.size, s.selected.len(), s.size_given), (2, 2, false));
    }
}
