//! Central logging and security alerts.

use std::collections::BTreeMap;

use super::super::context::{Check, Ctx, Outcome, Rec, same, sub_days, typed};
use super::quarterly_snapshots;
use crate::catalog::Thresholds;
use crate::model::{EventClass, EvidenceKind as K, ItemKind, Payload};

/// Central logging: per declared system and quarter, every logging configuration
/// observed in the quarter must be on, central, keep logs at least
/// `min_log_retention_days`, and have been on since the quarter began: the days before
/// `logging_since` are not covered.
pub(super) fn central_logging(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if ctx.systems.is_empty() {
        return vec![ctx.no_systems()];
    }
    let mut out = Vec::new();
    for system in &ctx.systems {
        out.extend(quarterly_snapshots(
            ctx,
            system,
            K::LoggingConfiguration,
            "logging configuration",
            |p| match p {
                Payload::LoggingConfiguration(l) if same(&l.system, system) => Some(l),
                _ => None,
            },
            |slot, r, l, why| {
                if !l.enabled {
                    why.insert(format!("logging off on {}", r.date));
                    return;
                }
                if l.destination.as_deref().is_none_or(|d| d.trim().is_empty()) {
                    why.insert(format!("logs not sent to a central destination on {}", r.date));
                }
                let min = t.min_log_retention_days;
                match l.retention_days {
                    Some(d) if d >= min => {}
                    Some(d) => {
                        why.insert(format!("logs kept {d} days (at least {min} required)"));
                    }
                    None => {
                        why.insert(format!("log retention not reported on {}", r.date));
                    }
                }
                if let Some(since) = l.logging_since
                    && since.date() > slot.start
                {
                    why.insert(format!(
                        "logging only since {}: {} to {} not covered",
                        since.date(),
                        slot.start,
                        sub_days(since.date(), 1).min(slot.end)
                    ));
                }
            },
        ));
    }
    out
}

/// The four classes of security event that must raise alerts.
pub(super) const ALERT_CLASSES: [(EventClass, &str); 4] = [
    (EventClass::FailedLogins, "failed_logins"),
    (EventClass::PrivilegeEscalation, "privilege_escalation"),
    (EventClass::ConfigurationChange, "configuration_change"),
    (EventClass::DataAccessAnomaly, "data_access_anomaly"),
];

pub(super) fn security_alerts(ctx: &Ctx<'_>) -> Vec<Check> {
    let mut out = Vec::new();
    for (i, slot) in ctx.columns.iter().enumerate() {
        let to = slot.end.min(ctx.cutoff);
        // The latest state of each rule within the quarter.
        let mut latest: BTreeMap<(Option<&str>, &str), (Rec<'_>, &crate::model::AlertRule)> =
            BTreeMap::new();
        if slot.start <= to {
            for (r, a) in typed!(ctx.index.between(K::AlertRule, slot.start, to), AlertRule) {
                latest.insert((a.system.as_deref(), a.name.as_str()), (r, a));
            }
        }
        for (class, name) in ALERT_CLASSES {
            let rules: Vec<_> = latest.values().filter(|(_, a)| a.event_class == class).collect();
            let records: Vec<u64> = rules.iter().map(|(r, _)| r.seq).collect();
            let live = rules.iter().any(|(_, a)| a.enabled && !a.notify.is_empty());
            let outcome = if live {
                Outcome::Pass
            } else if rules.is_empty() {
                ctx.missing(slot.end, format!("no alert rule observed in {}", slot.label))
            } else {
                Outcome::Fail(format!(
                    "alert rules in {} are disabled or notify nobody",
                    slot.label
                ))
            };
            let due = if live { to } else { slot.end };
            out.push(Check::new(ItemKind::Alert, name, i, due, outcome, records));
        }
    }
    out
}
