//! Devices: the MDM inventory, device by device.

use std::collections::{BTreeMap, BTreeSet};

use super::super::context::{Check, Ctx, Outcome, active_between, typed};
use crate::catalog::Thresholds;
use crate::model::{Device, EvidenceKind as K, ItemKind};

/// Device checks: every device of an in-scope person, in every inventory of every
/// quarter; a quarter without an inventory is itself a deviation.
pub(super) fn devices(
    ctx: &Ctx<'_>,
    t: &Thresholds,
    fails: impl Fn(&Device, &Thresholds) -> Option<String>,
) -> Vec<Check> {
    let mut out = Vec::new();
    let roster_seq = ctx.roster_seq();
    for (i, slot) in ctx.columns.iter().enumerate() {
        let to = slot.end.min(ctx.cutoff);
        let invs: Vec<_> = if slot.start <= to {
            typed!(ctx.index.between(K::DeviceInventory, slot.start, to), DeviceInventory).collect()
        } else {
            Vec::new()
        };
        if invs.is_empty() {
            out.push(Check::new(
                ItemKind::Occurrence,
                format!("device inventory {}", slot.label),
                i,
                slot.end,
                ctx.missing(slot.end, format!("no device inventory observed in {}", slot.label)),
                Vec::new(),
            ));
            continue;
        }
        // (device id) -> (reasons, records, seen)
        let mut per_device: BTreeMap<&str, (BTreeSet<String>, Vec<u64>)> = BTreeMap::new();
        for (r, inv) in &invs {
            for d in &inv.devices {
                let in_scope = match d.owner.as_deref().and_then(|o| ctx.people.get(o)) {
                    // Unknown owners cannot be shown to be out of scope.
                    None => true,
                    Some(p) => ctx.in_scope(p) && active_between(p, r.date, r.date),
                };
                if !in_scope {
                    continue;
                }
                let entry = per_device.entry(d.device_id.as_str()).or_default();
                entry.1.push(r.seq);
                if let Some(reason) = fails(d, t) {
                    entry.0.insert(reason);
                }
            }
        }
        for (id, (reasons, mut records)) in per_device {
            records.extend(roster_seq);
            records.sort_unstable();
            records.dedup();
            let outcome = if reasons.is_empty() {
                Outcome::Pass
            } else {
                Outcome::Fail(reasons.into_iter().collect::<Vec<_>>().join("; "))
            };
            out.push(Check::new(ItemKind::Device, id, i, to, outcome, records));
        }
    }
    out
}
