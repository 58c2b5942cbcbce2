//! Security-awareness training: yearly and at hire.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::super::context::{
    Check, Ctx, Outcome, add_days, days_between, same, sub_days, sub_months, typed,
};
use super::annual_range;
use crate::catalog::Thresholds;
use crate::model::{EvidenceKind as K, ItemKind, TrainingStatus};

/// Completed accepted security-awareness courses by person id: (completion date, seq),
/// oldest first. The date is the course's own `completed_at`, not when the record was
/// observed; courses the catalog does not accept (`scope.training_courses`) do not count.
pub(super) fn trainings(ctx: &Ctx<'_>) -> BTreeMap<String, Vec<(NaiveDate, u64)>> {
    let accepted = &ctx.scope.training_courses;
    let mut by_person: BTreeMap<String, Vec<(NaiveDate, u64)>> = BTreeMap::new();
    for (r, tr) in typed!(ctx.index.all(K::TrainingCompletion), TrainingCompletion) {
        if tr.status != TrainingStatus::Completed
            || (!accepted.is_empty() && !accepted.iter().any(|c| same(c, &tr.course)))
        {
            continue;
        }
        let key = ctx.member(&tr.person).map_or_else(|| tr.person.clone(), |m| m.person.id.clone());
        by_person.entry(key).or_default().push((r.event, r.seq));
    }
    for v in by_person.values_mut() {
        v.sort_unstable();
    }
    by_person
}

/// The warning to give when training is tested but the catalog names no accepted course:
/// every completed course then counts, whatever its subject.
pub(in super::super) fn any_course_warning(ctx: &Ctx<'_>) -> Option<String> {
    if !ctx.scope.training_courses.is_empty() {
        return None;
    }
    let mut seen: Vec<&str> = Vec::new();
    for (_, tr) in typed!(ctx.index.upto(K::TrainingCompletion, ctx.cutoff), TrainingCompletion) {
        if !seen.iter().any(|c| same(c, &tr.course)) {
            seen.push(tr.course.trim());
        }
    }
    if seen.is_empty() {
        return None;
    }
    seen.sort_unstable();
    Some(format!(
        "the catalog names no accepted security-awareness course (scope.training_courses): every completed course counts as security training; courses seen: {}",
        seen.join(", ")
    ))
}

pub(super) fn annual_security_training(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if !ctx.has_roster() {
        return vec![ctx.no_roster()];
    }
    let done = trainings(ctx);
    let mut out = Vec::new();
    for slot in ctx.annual_slots() {
        let (lo, hi) = annual_range(&slot, t);
        for m in &ctx.members {
            let p = &m.person;
            // Required of everyone still working at the year's end, once past their new-hire
            // allowance (new hires are the new-hire control's until then); people who left
            // during the year are not required to finish it.
            let started_by = sub_days(slot.end, t.training_days_after_hire);
            if p.start_date.0 > started_by || p.end_date.is_some_and(|e| e.0 < slot.end) {
                continue;
            }
            let hit =
                done.get(p.id.as_str()).and_then(|v| v.iter().find(|(d, _)| lo <= *d && *d <= hi));
            let (outcome, col, mut records) = match hit {
                Some(&(d, seq)) => (Outcome::Pass, ctx.column_of(d), vec![seq]),
                None => (
                    ctx.missing(hi, format!("no completed security training in {}", slot.label)),
                    ctx.column_of(slot.end),
                    Vec::new(),
                ),
            };
            records.extend(&m.records);
            records.sort_unstable();
            records.dedup();
            out.push(Check::new(ItemKind::Person, &p.id, col, hi, outcome, records));
        }
    }
    out
}

pub(super) fn new_hire_training(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if !ctx.has_roster() {
        return vec![ctx.no_roster()];
    }
    let done = trainings(ctx);
    let n = t.training_days_after_hire;
    let mut out = Vec::new();
    for m in &ctx.members {
        let p = &m.person;
        let start = p.start_date.0;
        if start < ctx.period.start() || start > ctx.cutoff {
            continue;
        }
        let deadline = add_days(start, n);
        // Someone who left before the deadline owed nothing.
        if p.end_date.is_some_and(|e| e.0 < deadline) {
            continue;
        }
        let earliest = sub_months(start, 12);
        let first = done
            .get(p.id.as_str())
            .and_then(|v| v.iter().find(|(d, _)| *d >= earliest && *d <= ctx.cutoff).copied());
        let mut records = m.records.clone();
        let outcome = match first {
            Some((d, seq)) => {
                records.push(seq);
                if d <= deadline {
                    Outcome::Pass
                } else {
                    Outcome::Fail(format!(
                        "started {start}, trained on {d}: {} days after starting (at most {n} allowed)",
                        days_between(start, d)
                    ))
                }
            }
            None => ctx.missing(
                deadline,
                format!("started {start}, not trained within {n} days (due {deadline})"),
            ),
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
