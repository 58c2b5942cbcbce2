//! Central logging, security alerts, and the security events detected in audit logs
//! (their coverage and their follow-up).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};

use super::super::context::{Check, Ctx, Outcome, Rec, Slot, add_days, same, sub_days, typed};
use crate::catalog::Thresholds;
use crate::model::{
    AlertRule, AlertState, DetectedEvent, EventClass, EventTriage, EvidenceKind as K, ItemKind,
    LoggingConfiguration, SecurityEvents, Timestamp,
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

/// The security-events imports of the declared systems that count: observed by the
/// cutoff plus the control's grace days after (an import run just after the period
/// covers its last days).
fn security_events<'a>(ctx: &Ctx<'a>, t: &Thresholds) -> Vec<(Rec<'a>, &'a SecurityEvents)> {
    let limit = add_days(ctx.cutoff, t.review_grace_days_after);
    typed!(ctx.index.upto(K::SecurityEvents, limit), SecurityEvents).collect()
}

/// The time range an import covers (an inverted one, as a hand-written record may give,
/// is read the right way round).
fn covered(e: &SecurityEvents) -> (Timestamp, Timestamp) {
    (e.covered_from.min(e.covered_to), e.covered_from.max(e.covered_to))
}

/// A stretch `a..b` not covered, in words: the instants, and the whole days inside it.
fn gap_words(a: DateTime<Utc>, b: DateTime<Utc>) -> String {
    let (ta, tb) = (Timestamp::from_datetime(a), Timestamp::from_datetime(b));
    let first =
        if Timestamp::start_of(ta.date()) == ta { ta.date() } else { add_days(ta.date(), 1) };
    let last = sub_days(tb.date(), 1);
    if first <= last {
        format!("no security events covered from {ta} to {tb} ({first}..{last} uncovered)")
    } else {
        format!("no security events covered from {ta} to {tb}")
    }
}

/// Security-event coverage (LOG-03): per declared system and quarter (up to the cutoff),
/// the union of the time ranges its `security_events` imports cover must leave no stretch
/// of the quarter longer than `max_event_coverage_gap_days` uncovered (ranges closer than
/// that join; the quarter's first and last stretch count too), and no import may leave
/// security-relevant events unlisted (`detected_not_listed`: they cannot be followed up).
/// A quarter with no import of the system is missing evidence. In a quarter still in
/// progress, the stretch after the last import is not yet due.
pub(super) fn security_event_coverage(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if ctx.systems.is_empty() {
        return vec![ctx.no_systems()];
    }
    let imports = security_events(ctx, t);
    let max_gap = Duration::days(i64::from(t.max_event_coverage_gap_days));
    let mut out = Vec::new();
    for system in &ctx.systems {
        let mine: Vec<&(Rec<'_>, &SecurityEvents)> =
            imports.iter().filter(|(_, e)| same(&e.system, system)).collect();
        for (i, slot) in ctx.columns.iter().enumerate() {
            let to = slot.end.min(ctx.cutoff);
            let start = Timestamp::start_of(slot.start).as_datetime();
            let end = Timestamp::start_of(add_days(to, 1)).as_datetime();
            let mut ranges: Vec<(DateTime<Utc>, DateTime<Utc>, &Rec<'_>, &SecurityEvents)> = mine
                .iter()
                .map(|(r, e)| {
                    let (a, b) = covered(e);
                    (a.as_datetime(), b.as_datetime(), r, *e)
                })
                .filter(|(a, b, _, _)| slot.start <= to && *a < end && *b >= start)
                .collect();
            if ranges.is_empty() {
                let missing = ctx
                    .missing(slot.end, format!("no security events imported for {}", slot.label));
                out.push(Check::new(ItemKind::System, system, i, slot.end, missing, Vec::new()));
                continue;
            }
            ranges.sort_by_key(|(a, b, r, _)| (*a, *b, r.seq));
            let mut why = Vec::new();
            // The first instant not yet shown to be covered.
            let mut cursor = start;
            for (a, b, _, _) in &ranges {
                if *a - cursor > max_gap {
                    why.push(gap_words(cursor, *a));
                }
                cursor = cursor.max(*b);
            }
            let in_progress = slot.end > ctx.as_of;
            let trailing = end - cursor > max_gap;
            if trailing && !in_progress {
                why.push(gap_words(cursor, end));
            }
            for (a, b, r, e) in &ranges {
                // Counted once, in the first quarter the import covers.
                let first = Timestamp::from_datetime(*a).date().max(ctx.period.start());
                if e.detected_not_listed > 0 && ctx.column_of(first) == i {
                    why.push(format!(
                        "{} security-relevant event(s) of the import of {} to {} (record #{}) not listed, beyond the import's cap: they cannot be followed up",
                        e.detected_not_listed,
                        Timestamp::from_datetime(*a),
                        Timestamp::from_datetime(*b),
                        r.seq
                    ));
                }
            }
            let outcome = if !why.is_empty() {
                Outcome::Fail(why.join("; "))
            } else if trailing {
                Outcome::NotYetDue
            } else {
                Outcome::Pass
            };
            let due = if matches!(outcome, Outcome::NotYetDue) { slot.end } else { to };
            let seqs = ranges.iter().map(|(_, _, r, _)| r.seq).collect();
            out.push(Check::new(ItemKind::System, system, i, due, outcome, seqs));
        }
    }
    out
}

/// One high-risk event, as detected (possibly by several overlapping imports).
struct Detected<'a> {
    system: &'a str,
    event: &'a DetectedEvent,
    records: BTreeSet<u64>,
}

/// The event in words: detection, actor, action, target, id.
fn event_words(e: &DetectedEvent) -> String {
    let mut s = format!("{} by {}: {}", e.detection, e.actor, e.action);
    if let Some(target) = &e.target {
        s.push_str(&format!(" on {target}"));
    }
    if let Some(id) = &e.event_id {
        s.push_str(&format!(" (event {id})"));
    }
    s
}

/// Whether a triage names an event of `system`: the same system, the same time, and the
/// same event id when the event has one, else the same action.
fn names(tr: &EventTriage, system: &str, e: &DetectedEvent) -> bool {
    same(&tr.system, system)
        && tr.event_time == e.time
        && match &e.event_id {
            Some(id) => tr.event_id.as_deref().is_some_and(|t| t.trim() == id.trim()),
            None => tr.action.as_deref().is_some_and(|a| a.trim() == e.action.trim()),
        }
}

/// Security-event triage (LOG-04): every event of a detection to triage (the catalog's
/// `triage_detections`, by default the high-risk ones: [`crate::catalog::Scope::needs_triage`])
/// detected in a declared system's imports with a time in the period (up to the cutoff),
/// counted once however many imports list it, has an `event_triage` naming it (see
/// [`names`]) whose `reviewed_at` is no earlier than the event and no later than
/// `triage_days` days after it. Any conclusion is a follow-up (an incident is then the
/// incident-response controls' business). Without a triage, the event deviates once its
/// deadline has passed; a triage recorded late by hand is a deviation naming that.
pub(super) fn security_event_triage(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if ctx.systems.is_empty() {
        return vec![ctx.no_systems()];
    }
    let imports = security_events(ctx, t);
    let mut events: BTreeMap<(String, Timestamp, String), Detected<'_>> = BTreeMap::new();
    let mut imported = false;
    for (r, e) in &imports {
        let Some(system) = ctx.systems.iter().find(|s| same(s, &e.system)) else {
            continue;
        };
        imported = true;
        for d in &e.detected {
            let day = d.time.date();
            if !ctx.scope.needs_triage(d.detection) || day < ctx.period.start() || day > ctx.cutoff
            {
                continue;
            }
            // The same event in two imports: by its id, else by what it did.
            let key = match &d.event_id {
                Some(id) => format!("id {}", id.trim()),
                None => format!(
                    "{}\u{1f}{}\u{1f}{}",
                    d.action,
                    d.actor,
                    d.target.as_deref().unwrap_or_default()
                ),
            };
            events
                .entry((system.to_ascii_lowercase(), d.time, key))
                .or_insert_with(|| Detected { system, event: d, records: BTreeSet::new() })
                .records
                .insert(r.seq);
        }
    }
    if !imported {
        return vec![ctx.nothing_on_file(
            "security events",
            "no security events imported for any declared system: detected events cannot be followed up",
        )];
    }
    // Triages by system (lower case) and event time, so that each event looks at few.
    let mut triages: BTreeMap<(String, Timestamp), Vec<(Rec<'_>, &EventTriage)>> = BTreeMap::new();
    for (r, tr) in typed!(ctx.index.all(K::EventTriage), EventTriage) {
        triages
            .entry((tr.system.trim().to_ascii_lowercase(), tr.event_time))
            .or_default()
            .push((r, tr));
    }
    // Late triages set aside, keyed the same way (each event used to scan them all).
    let mut late: BTreeMap<(String, Timestamp), Vec<(&Rec<'_>, &EventTriage)>> = BTreeMap::new();
    for r in ctx.index.late_excluded(K::EventTriage) {
        if let crate::model::Payload::EventTriage(tr) = &r.ev.payload {
            late.entry((tr.system.trim().to_ascii_lowercase(), tr.event_time))
                .or_default()
                .push((r, tr));
        }
    }
    let days = t.triage_days;
    let mut out = Vec::new();
    for d in events.values() {
        let e = d.event;
        let id = format!("{}@{} {}", d.system, e.time, e.action);
        let deadline =
            Timestamp::from_datetime(e.time.as_datetime() + Duration::days(i64::from(days)));
        let col = ctx.column_of(e.time.date());
        let mut records: Vec<u64> = d.records.iter().copied().collect();
        let named: Vec<&(Rec<'_>, &EventTriage)> = triages
            .get(&(d.system.trim().to_ascii_lowercase(), e.time))
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .filter(|(_, tr)| names(tr, d.system, e))
            .collect();
        let best = named
            .iter()
            .filter(|(_, tr)| tr.reviewed_at >= e.time)
            .min_by_key(|(r, tr)| (tr.reviewed_at, r.seq));
        let what = event_words(e);
        let outcome = match best {
            Some((r, tr)) => {
                records.push(r.seq);
                if tr.reviewed_at <= deadline {
                    Outcome::Pass
                } else {
                    let hours = (tr.reviewed_at.as_datetime() - e.time.as_datetime()).num_hours();
                    Outcome::Fail(format!(
                        "{what}: triaged late, by {} at {} ({:.1} days after the event; within {days} required)",
                        tr.reviewer,
                        tr.reviewed_at,
                        hours as f64 / 24.0
                    ))
                }
            }
            None => {
                let late = late
                    .get(&(d.system.trim().to_ascii_lowercase(), e.time))
                    .and_then(|v| v.iter().find(|(_, tr)| names(tr, d.system, e)));
                if let Some((r, _)) = late {
                    records.push(r.seq);
                    Outcome::Fail(format!("{what}: {}", ctx.index.late_reason(r)))
                } else if let Some((r, tr)) = named.first() {
                    records.push(r.seq);
                    Outcome::Fail(format!(
                        "{what}: its only triage (record #{}) is dated {}, before the event",
                        r.seq, tr.reviewed_at
                    ))
                } else {
                    ctx.missing(deadline.date(), format!("{what}: not triaged (due by {deadline})"))
                }
            }
        };
        records.sort_unstable();
        records.dedup();
        out.push(Check::new(ItemKind::Event, id, col, deadline.date(), outcome, records));
    }
    out
}
