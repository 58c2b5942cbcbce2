//! Policies: approval and yearly review.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::super::context::{Check, Ctx, Outcome, Rec, currency_gaps, typed};
use crate::catalog::Thresholds;
use crate::model::{EvidenceKind as K, ItemKind};

/// Approved policy documents by required policy name, observed by the cutoff:
/// (approved_on, record).
pub(super) fn policy_approvals<'a>(ctx: &Ctx<'a>) -> BTreeMap<&'a str, Vec<(NaiveDate, Rec<'a>)>> {
    let mut map: BTreeMap<&str, Vec<(NaiveDate, Rec<'a>)>> = BTreeMap::new();
    for (r, doc) in typed!(ctx.index.upto(K::PolicyDocument, ctx.cutoff), PolicyDocument) {
        if let (Some(_), Some(on)) = (&doc.approver, doc.approved_on)
            && let Some(name) = ctx
                .scope
                .required_policies
                .iter()
                .find(|n| n.trim().eq_ignore_ascii_case(doc.name.trim()))
        {
            map.entry(name.as_str()).or_default().push((on.0, r));
        }
    }
    for v in map.values_mut() {
        v.sort_by_key(|(d, r)| (*d, r.at, r.seq));
    }
    map
}

pub(super) fn policies_approved(ctx: &Ctx<'_>) -> Vec<Check> {
    let approvals = policy_approvals(ctx);
    let start = ctx.period.start();
    ctx.scope
        .required_policies
        .iter()
        .map(|name| {
            let list = approvals.get(name.as_str()).map_or(&[][..], Vec::as_slice);
            let in_force = list.iter().rfind(|(d, _)| *d <= start);
            let (outcome, records) = match (in_force, list.first()) {
                (Some((_, r)), _) => (Outcome::Pass, vec![r.seq]),
                (None, Some((d, r))) => (
                    Outcome::Fail(format!(
                        "first approved on {d}, after the period began on {start}"
                    )),
                    vec![r.seq],
                ),
                (None, None) => (
                    ctx.missing(start, "no approved version (approver and date) on file".into()),
                    Vec::new(),
                ),
            };
            Check::new(ItemKind::Policy, name, 0, start, outcome, records)
        })
        .collect()
}

pub(super) fn policies_reviewed(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    let approvals = policy_approvals(ctx);
    let mut out = Vec::new();
    for name in &ctx.scope.required_policies {
        let Some(list) = approvals.get(name.as_str()) else {
            continue; // never approved: the approval control's exception
        };
        let dates: Vec<NaiveDate> = list.iter().map(|(d, _)| *d).collect();
        let first = dates.first().copied().unwrap_or(NaiveDate::MAX);
        for (i, slot) in ctx.columns.iter().enumerate() {
            let to = slot.end.min(ctx.as_of);
            // Time before the first approval is the approval control's concern.
            let from = slot.start.max(first);
            if from > to {
                if slot.start > ctx.as_of {
                    out.push(Check::new(
                        ItemKind::Policy,
                        name,
                        i,
                        slot.end,
                        Outcome::NotYetDue,
                        vec![],
                    ));
                }
                continue;
            }
            let gaps = currency_gaps(&dates, t.max_policy_age_days, from, to);
            let records: Vec<u64> =
                list.iter().filter(|(d, _)| *d <= to).map(|(_, r)| r.seq).collect();
            let outcome = if gaps.is_empty() {
                Outcome::Pass
            } else {
                Outcome::Fail(describe_gaps(&gaps, t.max_policy_age_days))
            };
            out.push(Check::new(ItemKind::Policy, name, i, to, outcome, records));
        }
    }
    out
}

pub(super) fn describe_gaps(gaps: &[(NaiveDate, NaiveDate)], max_age: u32) -> String {
    let spans: Vec<String> = gaps.iter().map(|(a, b)| format!("{a} to {b}")).collect();
    format!("no approval younger than {max_age} days in force from {}", spans.join(", "))
}
