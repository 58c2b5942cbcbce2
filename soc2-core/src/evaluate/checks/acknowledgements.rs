//! Policy acknowledgements: at hire and every year.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::super::context::{
    Check, Ctx, Outcome, active_between, add_days, currency_gaps, days_between, same, sub_days,
    typed,
};
use crate::catalog::Thresholds;
use crate::model::{EvidenceKind as K, ItemKind};

/// Every in-scope person of the period's population acknowledges each policy of
/// `scope.acknowledged_policies` within `acknowledgement_days_after_hire` days of their
/// start date (the hire check, for people whose allowance ends in the period), and from
/// then on holds an acknowledgement no older than `max_acknowledgement_age_days` on every
/// day they work in the period (one currency check per quarter). Dates are the
/// acknowledgements' own `acknowledged_at`.
pub(super) fn policy_acknowledgement(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    let policies = &ctx.scope.acknowledged_policies;
    if policies.is_empty() {
        return Vec::new(); // nothing to acknowledge: not applicable
    }
    if !ctx.has_roster() {
        return vec![ctx.no_roster()];
    }
    // (person id, index of the policy) -> (acknowledged on, seq), oldest first.
    let mut acks: BTreeMap<(String, usize), Vec<(NaiveDate, u64)>> = BTreeMap::new();
    for (r, a) in
        typed!(ctx.index.upto(K::PolicyAcknowledgement, ctx.cutoff), PolicyAcknowledgement)
    {
        let Some(i) = policies.iter().position(|p| same(p, &a.policy)) else {
            continue;
        };
        let key = ctx.member(&a.person).map_or_else(|| a.person.clone(), |m| m.person.id.clone());
        acks.entry((key, i)).or_default().push((r.event, r.seq));
    }
    for v in acks.values_mut() {
        v.sort_unstable();
    }
    let n = t.acknowledgement_days_after_hire;
    let max_age = t.max_acknowledgement_age_days;
    let start = ctx.period.start();
    let mut out = Vec::new();
    for m in &ctx.members {
        let p = &m.person;
        if !ctx.in_scope(p) || !active_between(p, start, ctx.cutoff) {
            continue;
        }
        let hired = p.start_date.0;
        let deadline = add_days(hired, n);
        // Someone who left before their allowance ran out owed nothing.
        if p.end_date.is_some_and(|e| e.0 < deadline) {
            continue;
        }
        let last_day = p.end_date.map_or(ctx.cutoff, |e| e.0.min(ctx.cutoff));
        for (i, policy) in policies.iter().enumerate() {
            let list = acks.get(&(p.id.clone(), i)).map_or(&[][..], Vec::as_slice);
            // From when an acknowledgement must be in force without a gap.
            let mut from = start;
            if deadline >= start {
                // At hire: the first acknowledgement no older than the allowed age at
                // the start date.
                let earliest = sub_days(hired, max_age);
                let first = list.iter().find(|(d, _)| *d >= earliest).copied();
                let mut records = m.records.clone();
                let outcome = match first {
                    Some((d, seq)) => {
                        records.push(seq);
                        from = d.max(deadline);
                        if d <= deadline {
                            Outcome::Pass
                        } else {
                            Outcome::Fail(format!(
                                "started {hired}, acknowledged the {policy} on {d}: {} days after starting (at most {n} allowed)",
                                days_between(hired, d)
                            ))
                        }
                    }
                    None => {
                        from = NaiveDate::MAX; // the hire check already fails
                        ctx.missing(
                            deadline,
                            format!(
                                "started {hired}, did not acknowledge the {policy} within {n} days (due {deadline})"
                            ),
                        )
                    }
                };
                if hired <= ctx.cutoff {
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
            }
            // Every year after: an acknowledgement no older than the allowed age in force
            // on every day worked in each quarter.
            for (col, slot) in ctx.columns.iter().enumerate() {
                let lo = slot.start.max(from);
                let hi = slot.end.min(last_day);
                if lo > hi {
                    continue;
                }
                let dates: Vec<NaiveDate> =
                    list.iter().filter(|(d, _)| *d <= hi).map(|(d, _)| *d).collect();
                let gaps = currency_gaps(&dates, max_age, lo, hi);
                let mut records = m.records.clone();
                records.extend(list.iter().filter(|(d, _)| *d <= hi).map(|(_, s)| *s));
                records.sort_unstable();
                records.dedup();
                let outcome = if gaps.is_empty() {
                    Outcome::Pass
                } else {
                    let spans: Vec<String> =
                        gaps.iter().map(|(a, b)| format!("{a} to {b}")).collect();
                    Outcome::Fail(format!(
                        "no acknowledgement of the {policy} younger than {max_age} days from {}",
                        spans.join(", ")
                    ))
                };
                out.push(Check::new(ItemKind::Person, &p.id, col, hi, outcome, records));
            }
        }
    }
    out
}
