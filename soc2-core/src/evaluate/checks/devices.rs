//! Devices: the MDM inventory, device by device, reconciled with the roster.

use std::collections::{BTreeMap, BTreeSet};

use super::super::context::{Check, Ctx, Outcome, active_between, same, typed};
use crate::catalog::Thresholds;
use crate::model::{Device, EvidenceKind as K, ItemKind};

/// Device checks: every device of an in-scope person, in every inventory of every
/// quarter; a quarter without an inventory is itself a deviation. With `reconcile`, the
/// inventory is also checked against the roster both ways: a device without an owner on
/// the roster deviates, and so does every in-scope person working on the date of the
/// quarter's latest inventory who has no device in the quarter's inventories (unless the
/// catalog exempts them).
pub(super) fn devices(
    ctx: &Ctx<'_>,
    t: &Thresholds,
    reconcile: bool,
    fails: impl Fn(&Device, &Thresholds) -> Option<String>,
) -> Vec<Check> {
    let mut out = Vec::new();
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
        // (device id) -> (reasons, records)
        let mut per_device: BTreeMap<&str, (BTreeSet<String>, Vec<u64>)> = BTreeMap::new();
        // Ids of the people who own a device in the quarter.
        let mut owners: BTreeSet<&str> = BTreeSet::new();
        for (r, inv) in &invs {
            for d in &inv.devices {
                let member = d.owner.as_deref().and_then(|o| ctx.member(o));
                if let Some(m) = member {
                    owners.insert(m.person.id.as_str());
                }
                let in_scope = match member {
                    // Unknown owners cannot be shown to be out of scope.
                    None => true,
                    Some(m) => ctx.in_scope(&m.person) && active_between(&m.person, r.date, r.date),
                };
                if !in_scope {
                    continue;
                }
                let entry = per_device.entry(d.device_id.as_str()).or_default();
                entry.1.push(r.seq);
                if let Some(m) = member {
                    entry.1.extend(&m.records);
                }
                if let Some(reason) = fails(d, t) {
                    entry.0.insert(reason);
                }
                if reconcile && member.is_none() && ctx.has_roster() {
                    entry.0.insert(match &d.owner {
                        None => "no owner recorded".to_owned(),
                        Some(o) => format!("owner {o} is not on the roster"),
                    });
                }
            }
        }
        for (id, (reasons, mut records)) in per_device {
            records.sort_unstable();
            records.dedup();
            let outcome = if reasons.is_empty() {
                Outcome::Pass
            } else {
                Outcome::Fail(reasons.into_iter().collect::<Vec<_>>().join("; "))
            };
            out.push(Check::new(ItemKind::Device, id, i, to, outcome, records));
        }
        if !reconcile {
            continue;
        }
        let Some((last, _)) = invs.last() else { continue };
        for m in &ctx.members {
            let p = &m.person;
            if !ctx.in_scope(p)
                || !active_between(p, last.date, last.date)
                || ctx.scope.device_exempt.iter().any(|x| same(x, &p.id))
            {
                continue;
            }
            let mut records: Vec<u64> = invs.iter().map(|(r, _)| r.seq).collect();
            records.extend(&m.records);
            records.sort_unstable();
            records.dedup();
            let outcome = if owners.contains(p.id.as_str()) {
                Outcome::Pass
            } else {
                Outcome::Fail(format!("no device in the inventory of {}", last.date))
            };
            out.push(Check::new(ItemKind::Person, &p.id, i, to, outcome, records));
        }
    }
    out
}
