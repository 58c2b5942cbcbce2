//! Central logging and security alerts.

use std::collections::{BTreeMap, BTreeSet};

use super::super::context::{Check, Ctx, Outcome, Rec, Slot, same, sub_days, typed};
use crate::catalog::Thresholds;
use crate::model::{
    AlertRule, AlertState, EventClass, EvidenceKind as K, ItemKind, LoggingConfiguration, Timestamp,
};

/// Central logging: per declared system and quarter, every snapshot of the system's
/// logging observed in the quarter (the configurations observed at the same time, e.g. a
/// CloudTrail export's trails) is judged by its best configuration: one that is on, sends
/// logs to a central destination, keeps them at least `min_log_retention_days`, has been
/// on since the quarter began (the days before `logging_since` are not covered), covers
/// every region, logs management events and protects its log files. A stopped or
/// single-region secondary trail does not fail the system when another trail covers it.
/// Region coverage, management events and log file validation are only reported by some
/// sources (CloudTrail); absent, they are not tested.
pub(super) fn central_logging(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if ctx.systems.is_empty() {
        return vec![ctx.no_systems()];
    }
    let mut out = Vec::new();
    for system in &ctx.systems {
        for (i, slot) in ctx.columns.iter().enumerate() {
            let to = slot.end.min(ctx.cutoff);
            let recs: Vec<(Rec<'_>, &LoggingConfiguration)> = if slot.start <= to {
                typed!(
                    ctx.index.between(K::LoggingConfiguration, slot.start, to),
                    LoggingConfiguration
                )
                .filter(|(_, l)| same(&l.system, system))
                .collect()
            } else {
                Vec::new()
            };
            if recs.is_empty() {
                let missing = ctx.missing(
                    slot.end,
                    format!("no logging configuration observed in {}", slot.label),
                );
                out.push(Check::new(ItemKind::System, system, i, slot.end, missing, Vec::new()));
                continue;
            }
            let mut snapshots: BTreeMap<Timestamp, Vec<(Rec<'_>, &LoggingConfiguration)>> =
                BTreeMap::new();
            for (r, l) in &recs {
                snapshots.entry(r.at).or_default().push((*r, *l));
            }
            let mut why = BTreeSet::new();
            for configs in snapshots.values() {
                let several = configs.len() > 1;
                let mut best: Option<(usize, Vec<String>)> = None;
                for (r, l) in configs {
                    let (score, reasons) = judge_logging(slot, r, l, t, several);
                    if best.as_ref().is_none_or(|(s, _)| score < *s) {
                        best = Some((score, reasons));
                    }
                }
                why.extend(best.map(|(_, r)| r).unwrap_or_default());
            }
            let outcome = if why.is_empty() {
                Outcome::Pass
            } else {
                Outcome::Fail(why.into_iter().collect::<Vec<_>>().join("; "))
            };
            let seqs = recs.iter().map(|(r, _)| r.seq).collect();
            out.push(Check::new(ItemKind::System, system, i, to, outcome, seqs));
        }
    }
    out
}

/// What is wrong with one logging configuration, and how bad (lower is better; a
/// configuration that is off is worse than any that is on).
fn judge_logging(
    slot: &Slot,
    r: &Rec<'_>,
    l: &LoggingConfiguration,
    t: &Thresholds,
    named: bool,
) -> (usize, Vec<String>) {
    let on = match (&l.name, named) {
        (Some(n), true) => format!("{} (trail {n})", r.date),
        _ => r.date.to_string(),
    };
    if !l.enabled {
        return (usize::MAX, vec![format!("logging off on {on}")]);
    }
    let mut why = Vec::new();
    if l.destination.as_deref().is_none_or(|d| d.trim().is_empty()) {
        why.push(format!("logs not sent to a central destination on {on}"));
    }
    let min = t.min_log_retention_days;
    match l.retention_days {
        Some(d) if d >= min => {}
        Some(d) => why.push(format!("logs kept {d} days (at least {min} required) on {on}")),
        None => why.push(format!("log retention not reported on {on}")),
    }
    if let Some(since) = l.logging_since
        && since.date() > slot.start
    {
        why.push(format!(
            "logging only since {}: {} to {} not covered",
            since.date(),
            slot.start,
            sub_days(since.date(), 1).min(slot.end)
        ));
    }
    if l.all_regions == Some(false) {
        why.push(format!("logging covers one region only on {on}"));
    }
    if l.management_events == Some(false) {
        why.push(format!("management events not logged on {on}"));
    }
    if l.integrity_validation == Some(false) {
        why.push(format!("log file validation (integrity protection) off on {on}"));
    }
    (why.len(), why)
}

/// The four classes of security event that must raise alerts.
pub(super) const ALERT_CLASSES: [(EventClass, &str); 4] = [
    (EventClass::FailedLogins, "failed_logins"),
    (EventClass::PrivilegeEscalation, "privilege_escalation"),
    (EventClass::ConfigurationChange, "configuration_change"),
    (EventClass::DataAccessAnomaly, "data_access_anomaly"),
];

/// Why an alert rule cannot raise an alert, if it cannot: switched off (actions
/// disabled), notifying nobody, or lacking the data it watches (insufficient data).
fn not_live(a: &AlertRule) -> Option<String> {
    let mut why = Vec::new();
    if !a.enabled {
        why.push("disabled (its actions are off)");
    }
    if a.notify.is_empty() {
        why.push("notifies nobody");
    }
    if a.state == Some(AlertState::InsufficientData) {
        why.push("insufficient data: the metric it watches has no data points");
    }
    (!why.is_empty()).then(|| why.join("; "))
}

/// Security alerts: per quarter, each of the four event classes has a live rule (enabled,
/// notifying someone, not short of data) in the latest state of each rule observed in the
/// quarter; and every rule of those classes is itself live: a rule that cannot fire is a
/// deviation even when another covers its class.
pub(super) fn security_alerts(ctx: &Ctx<'_>) -> Vec<Check> {
    let mut out = Vec::new();
    for (i, slot) in ctx.columns.iter().enumerate() {
        let to = slot.end.min(ctx.cutoff);
        // The latest state of each rule within the quarter.
        let mut latest: BTreeMap<(Option<&str>, &str), (Rec<'_>, &AlertRule)> = BTreeMap::new();
        if slot.start <= to {
            for (r, a) in typed!(ctx.index.between(K::AlertRule, slot.start, to), AlertRule) {
                latest.insert((a.system.as_deref(), a.name.as_str()), (r, a));
            }
        }
        for (class, name) in ALERT_CLASSES {
            let rules: Vec<_> = latest.values().filter(|(_, a)| a.event_class == class).collect();
            let records: Vec<u64> = rules.iter().map(|(r, _)| r.seq).collect();
            let live = rules.iter().any(|(_, a)| not_live(a).is_none());
            let outcome = if live {
                Outcome::Pass
            } else if rules.is_empty() {
                ctx.missing(slot.end, format!("no alert rule observed in {}", slot.label))
            } else {
                Outcome::Fail(format!(
                    "no alert rule in {} can raise an alert (disabled, notifying nobody or short of data)",
                    slot.label
                ))
            };
            let due = if live { to } else { slot.end };
            out.push(Check::new(ItemKind::Alert, name, i, due, outcome, records));
            for (r, a) in rules {
                let id = match &a.system {
                    Some(s) => format!("{s}/{}", a.name),
                    None => a.name.clone(),
                };
                let outcome = match not_live(a) {
                    None => Outcome::Pass,
                    Some(why) => Outcome::Fail(format!("{why} on {}", r.date)),
                };
                out.push(Check::new(ItemKind::Alert, id, i, to, outcome, vec![r.seq]));
            }
        }
    }
    out
}
