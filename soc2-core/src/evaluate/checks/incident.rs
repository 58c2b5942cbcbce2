//! Incident response: the plan and its yearly test.

use chrono::NaiveDate;

use super::super::context::{Check, Ctx, Outcome, currency_gaps, typed};
use super::{annual_range, describe_gaps, occurrences, with_late};
use crate::catalog::Thresholds;
use crate::model::{EvidenceKind as K, ItemKind};

/// The plan in force in each quarter is complete and approved, and a plan approval no
/// older than `max_policy_age_days` was in force on every day of the quarter since the
/// first approval (the plan is re-approved every year).
pub(super) fn incident_response_plan(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    let mut out = Vec::new();
    let id = "incident-response plan";
    for (i, slot) in ctx.columns.iter().enumerate() {
        if slot.start > ctx.as_of {
            out.push(Check::new(ItemKind::Document, id, i, slot.end, Outcome::NotYetDue, vec![]));
            continue;
        }
        let to = slot.end.min(ctx.cutoff);
        let Some((r, plan)) =
            typed!(ctx.index.upto(K::IncidentResponsePlan, to), IncidentResponsePlan).last()
        else {
            out.push(Check::new(
                ItemKind::Document,
                id,
                i,
                slot.end,
                ctx.missing(
                    slot.end,
                    format!("no incident-response plan in force in {}", slot.label),
                ),
                vec![],
            ));
            continue;
        };
        let mut gaps = Vec::new();
        if plan.severity_levels.is_empty() {
            gaps.push("severity levels");
        }
        if plan.roles.is_empty() {
            gaps.push("response roles");
        }
        if !plan.has_procedures {
            gaps.push("containment, eradication and recovery procedures");
        }
        if !plan.has_communications {
            gaps.push("communication steps");
        }
        if !plan.has_post_incident_review {
            gaps.push("post-incident review");
        }
        if plan.approver.is_none() || plan.approved_on.is_none() {
            gaps.push("a dated approval");
        }
        let mut why = Vec::new();
        if !gaps.is_empty() {
            why.push(format!("plan version {} lacks {}", plan.version, gaps.join(", ")));
        }
        // Re-approval: every approval of any version observed by the quarter's end.
        let approvals: Vec<(NaiveDate, u64)> =
            typed!(ctx.index.upto(K::IncidentResponsePlan, to), IncidentResponsePlan)
                .filter(|(_, p)| p.approver.is_some())
                .filter_map(|(r, p)| p.approved_on.map(|d| (d.0, r.seq)))
                .collect();
        let mut records = vec![r.seq];
        if let Some(first) = approvals.iter().map(|(d, _)| *d).min() {
            let from = slot.start.max(first);
            if from <= to {
                let dates: Vec<NaiveDate> = approvals.iter().map(|(d, _)| *d).collect();
                let stale = currency_gaps(&dates, t.max_policy_age_days, from, to);
                if !stale.is_empty() {
                    why.push(describe_gaps(&stale, t.max_policy_age_days));
                    records.extend(approvals.iter().filter(|(d, _)| *d <= to).map(|(_, s)| *s));
                    records.sort_unstable();
                    records.dedup();
                }
            }
        }
        let outcome = if why.is_empty() { Outcome::Pass } else { Outcome::Fail(why.join("; ")) };
        out.push(Check::new(ItemKind::Document, id, i, to, outcome, records));
    }
    out
}

pub(super) fn annual_tabletop(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    let slots = ctx.annual_slots();
    let ranges: Vec<_> = slots.iter().map(|s| annual_range(s, t)).collect();
    // By the day it was performed, not the day the record was observed.
    let mut dates: Vec<(NaiveDate, u64)> =
        ctx.index.all(K::TabletopExercise).iter().map(|r| (r.event, r.seq)).collect();
    dates.sort_unstable();
    let late: Vec<(NaiveDate, u64)> =
        ctx.index.late_excluded(K::TabletopExercise).iter().map(|r| (r.event, r.seq)).collect();
    let checks = occurrences(
        ctx,
        &slots,
        &ranges,
        &dates,
        ItemKind::Occurrence,
        |s| format!("tabletop exercise {}", s.label),
        |s| format!("no tabletop exercise or simulated incident performed in {}", s.label),
    );
    with_late(ctx, checks, &ranges, &late)
}
