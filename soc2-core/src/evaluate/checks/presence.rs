//! Company controls without a built-in test: evidence presence per cadence.

use chrono::NaiveDate;

use super::super::context::{Check, Ctx, Outcome};
use super::{annual_range, occurrences, quarter_range};
use crate::catalog::CatalogControl;
use crate::model::{Cadence, ItemKind};

pub(super) fn evidence_presence(ctx: &Ctx<'_>, cc: &CatalogControl) -> Vec<Check> {
    let t = &cc.thresholds;
    let id = &cc.control.id;
    let mut dates: Vec<(NaiveDate, u64)> = cc
        .control
        .evidence_kinds
        .iter()
        .flat_map(|k| ctx.index.all(*k).iter())
        .filter(|r| r.ev.controls.is_empty() || r.ev.controls.contains(id))
        .map(|r| (r.date, r.seq))
        .collect();
    dates.sort_unstable();
    let kinds: Vec<&str> = cc.control.evidence_kinds.iter().map(|k| k.as_str()).collect();
    let kinds = kinds.join(" or ");
    match cc.control.cadence {
        Cadence::PointInTime => {
            let start = ctx.period.start();
            let before: Vec<_> = dates.iter().filter(|(d, _)| *d <= start).collect();
            let outcome = match (before.last(), dates.iter().find(|(d, _)| *d <= ctx.cutoff)) {
                (Some(_), _) => Outcome::Pass,
                (None, Some((d, _))) => Outcome::Fail(format!(
                    "first {kinds} evidence observed on {d}, after the period began on {start}"
                )),
                (None, None) => ctx.missing(start, format!("no {kinds} evidence on file")),
            };
            let records = before.last().map(|(_, s)| vec![*s]).unwrap_or_default();
            vec![Check::new(ItemKind::Occurrence, start.to_string(), 0, start, outcome, records)]
        }
        Cadence::Annual => {
            let slots = ctx.annual_slots();
            let ranges: Vec<_> = slots.iter().map(|s| annual_range(s, t)).collect();
            occurrences(
                ctx,
                &slots,
                &ranges,
                &dates,
                ItemKind::Occurrence,
                |s| s.label.clone(),
                |s| format!("no {kinds} evidence observed in {}", s.label),
            )
        }
        // Quarterly, continuous, and (rejected by the catalog) event-driven cadences.
        _ => {
            let ranges: Vec<_> = ctx.columns.iter().map(|s| quarter_range(s, t)).collect();
            occurrences(
                ctx,
                &ctx.columns,
                &ranges,
                &dates,
                ItemKind::Occurrence,
                |s| s.label.clone(),
                |s| format!("no {kinds} evidence observed in {}", s.label),
            )
        }
    }
}
