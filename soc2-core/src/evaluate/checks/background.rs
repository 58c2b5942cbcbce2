//! Background checks.

use std::collections::BTreeMap;

use super::super::context::{
    Check, Ctx, Outcome, Rec, active_between, add_days, days_between, typed,
};
use crate::catalog::Thresholds;
use crate::model::{BackgroundCheckStatus, EvidenceKind as K, ItemKind};

pub(super) fn background_check_timely(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    let Some((roster_rec, roster)) = ctx.roster else {
        return vec![ctx.no_roster()];
    };
    let mut by_person: BTreeMap<&str, Vec<Rec<'_>>> = BTreeMap::new();
    for (r, b) in typed!(ctx.index.upto(K::BackgroundCheck, ctx.cutoff), BackgroundCheck) {
        if matches!(b.status, BackgroundCheckStatus::Clear | BackgroundCheckStatus::Consider) {
            by_person.entry(b.person.as_str()).or_default().push(r);
        }
    }
    let start = ctx.period.start();
    let mut out = Vec::new();
    for p in &roster.people {
        if !ctx.in_scope(p) || !active_between(p, start, ctx.cutoff) {
            continue;
        }
        // People hired before the period may have been checked late, as long as it was
        // done before the period began.
        let deadline = add_days(p.start_date.0, t.background_check_days_after_start).max(start);
        let done = by_person.get(p.id.as_str()).and_then(|v| v.first());
        let mut records = vec![roster_rec.seq];
        records.extend(done.map(|r| r.seq));
        let outcome = match done {
            Some(r) if r.date <= deadline => Outcome::Pass,
            Some(r) => Outcome::Fail(format!(
                "completed on {}, {} days after the deadline of {deadline}",
                r.date,
                days_between(deadline, r.date)
            )),
            None => {
                ctx.missing(deadline, format!("no completed background check (due by {deadline})"))
            }
        };
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
