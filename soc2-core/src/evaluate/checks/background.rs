//! Background checks.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::super::context::{
    Check, Ctx, Outcome, Rec, active_between, add_days, days_between, same, typed,
};
use crate::catalog::Thresholds;
use crate::model::{Adjudication, BackgroundCheckStatus, EvidenceKind as K, ItemKind};

/// Background checks: every in-scope person of the period's population has a check
/// completed (by its own `completed_at`, not when the record was observed) by their start
/// date plus the allowed days; a "consider" result counts only once adjudicated
/// "engaged" with the decision's date (`adjudicated_on`) and maker (`adjudicated_by`,
/// not the person checked) recorded, and is then complete on the later of its
/// completion and its adjudication.
pub(super) fn background_check_timely(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if !ctx.has_roster() {
        return vec![ctx.no_roster()];
    }
    // person -> (record, the day it was complete, adjudication problem)
    let mut by_person: BTreeMap<String, Vec<(Rec<'_>, NaiveDate, Option<String>)>> =
        BTreeMap::new();
    for (r, b) in typed!(ctx.index.upto(K::BackgroundCheck, ctx.cutoff), BackgroundCheck) {
        let mut done = r.event;
        let problem = match (b.status, b.adjudication) {
            (BackgroundCheckStatus::Clear, _) => None,
            (BackgroundCheckStatus::Consider, Some(Adjudication::Engaged)) => {
                let mut missing = Vec::new();
                match b.adjudicated_on {
                    Some(d) => done = done.max(d.0),
                    None => missing.push("no adjudication date"),
                }
                match b.adjudicated_by.as_deref().map(str::trim) {
                    None | Some("") => missing.push("no adjudicator"),
                    Some(by)
                        if same(by, &b.person)
                            || ctx.member(by).is_some_and(|m| {
                                ctx.member(&b.person).is_some_and(|x| x.person.id == m.person.id)
                            }) =>
                    {
                        missing.push("an adjudicator who is the person checked")
                    }
                    Some(_) => {}
                }
                (!missing.is_empty()).then(|| {
                    format!(
                        "result \"consider\" adjudicated \"engaged\" with {}",
                        missing.join(" and ")
                    )
                })
            }
            (BackgroundCheckStatus::Consider, None) => {
                Some("result \"consider\" with no recorded adjudication".to_owned())
            }
            (BackgroundCheckStatus::Consider, Some(_)) => {
                Some("result \"consider\" adjudicated toward adverse action".to_owned())
            }
            _ => continue,
        };
        let key = ctx.member(&b.person).map_or_else(|| b.person.clone(), |m| m.person.id.clone());
        by_person.entry(key).or_default().push((r, done, problem));
    }
    for v in by_person.values_mut() {
        v.sort_by_key(|(r, _, _)| (r.event, r.seq));
    }
    // The first late check set aside for each person (each person used to scan them all).
    let mut late_of: BTreeMap<&str, &Rec<'_>> = BTreeMap::new();
    for r in ctx.index.late_excluded(K::BackgroundCheck) {
        if let crate::model::Payload::BackgroundCheck(b) = &r.ev.payload
            && let Some(x) = ctx.member(&b.person)
        {
            late_of.entry(x.person.id.as_str()).or_insert(r);
        }
    }
    let start = ctx.period.start();
    let mut out = Vec::new();
    for m in &ctx.members {
        let p = &m.person;
        if !ctx.in_scope(p) || !active_between(p, start, ctx.cutoff) {
            continue;
        }
        // People hired before the period may have been checked late, as long as it was
        // done before the period began.
        let deadline = add_days(p.start_date.0, t.background_check_days_after_start).max(start);
        let done = by_person.get(p.id.as_str()).and_then(|v| v.first());
        let mut records = m.records.clone();
        records.extend(done.map(|(r, _, _)| r.seq));
        let outcome = match done {
            Some((r, _, Some(problem))) => {
                Outcome::Fail(format!("completed on {}: {problem}", r.event))
            }
            Some((_, d, None)) if *d <= deadline => Outcome::Pass,
            Some((r, d, None)) => {
                let when = if *d == r.event {
                    format!("completed on {d}")
                } else {
                    format!("completed on {}, adjudicated on {d}", r.event)
                };
                Outcome::Fail(format!(
                    "{when}, {} days after the deadline of {deadline}",
                    days_between(deadline, *d)
                ))
            }
            None => match late_of.get(p.id.as_str()).copied() {
                Some(r) => {
                    records.push(r.seq);
                    Outcome::Fail(ctx.index.late_reason(r))
                }
                None => ctx.missing(
                    deadline,
                    format!("no completed background check (due by {deadline})"),
                ),
            },
        };
        records.sort_unstable();
        records.dedup();
        out.push(Check::new(
            ItemKind::Person,
            &p.id,
            ctx.column_of(deadline.min(ctx.period.end())),
            deadline,
            outcome,
            records,
        ));
    }
    out
}
