//! Vendor management.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::super::context::{Check, Ctx, Outcome, Rec, typed};
use super::{annual_range, occurrences};
use crate::catalog::Thresholds;
use crate::model::{EvidenceKind as K, ItemKind};

/// Critical vendors and their assessments observed by the cutoff, oldest first.
pub(super) fn critical_vendors<'a>(
    ctx: &Ctx<'a>,
    t: &Thresholds,
) -> BTreeMap<&'a str, Vec<(Rec<'a>, &'a crate::model::VendorAssessment)>> {
    let mut all: BTreeMap<&str, Vec<_>> = BTreeMap::new();
    for (r, a) in typed!(ctx.index.all(K::VendorAssessment), VendorAssessment) {
        all.entry(a.vendor.as_str()).or_default().push((r, a));
    }
    // Criticality is what the latest assessment by the cutoff says.
    all.retain(|_, v| {
        v.iter()
            .rfind(|(r, _)| r.date <= ctx.cutoff)
            .is_some_and(|(_, a)| a.criticality >= t.critical_vendor_criticality)
    });
    all
}

/// The check to return when there is no vendor assessment at all: without an inventory
/// of reviewed vendors, none can be shown critical or reviewed.
pub(super) fn no_vendors(ctx: &Ctx<'_>) -> Option<Check> {
    ctx.index.upto(K::VendorAssessment, ctx.cutoff).is_empty().then(|| {
        ctx.nothing_on_file(
            "vendor inventory",
            "no vendor assessment on file: vendors cannot be shown managed",
        )
    })
}

pub(super) fn vendor_annual_review(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if let Some(c) = no_vendors(ctx) {
        return vec![c];
    }
    let slots = ctx.annual_slots();
    let ranges: Vec<_> = slots.iter().map(|s| annual_range(s, t)).collect();
    let mut out = Vec::new();
    for (vendor, list) in critical_vendors(ctx, t) {
        let dates: Vec<(NaiveDate, u64)> = list.iter().map(|(r, _)| (r.date, r.seq)).collect();
        out.extend(occurrences(
            ctx,
            &slots,
            &ranges,
            &dates,
            ItemKind::Vendor,
            |_| vendor.to_owned(),
            |s| format!("no security review of {vendor} observed in {}", s.label),
        ));
    }
    out
}

/// Checks each review of a critical vendor in the period (or its latest before the
/// period, when none falls inside it).
pub(super) fn vendor_latest_reviews(
    ctx: &Ctx<'_>,
    t: &Thresholds,
    fails: impl Fn(&crate::model::VendorAssessment, &Thresholds) -> Option<String>,
) -> Vec<Check> {
    if let Some(c) = no_vendors(ctx) {
        return vec![c];
    }
    let mut out = Vec::new();
    for (vendor, list) in critical_vendors(ctx, t) {
        let upto: Vec<_> = list.iter().filter(|(r, _)| r.date <= ctx.cutoff).collect();
        let mut chosen: Vec<_> =
            upto.iter().filter(|(r, _)| r.date >= ctx.period.start()).collect();
        if chosen.is_empty() {
            chosen.extend(upto.last());
        }
        let mut why = Vec::new();
        let mut records = Vec::new();
        let mut last_date = ctx.period.start();
        for (r, a) in chosen {
            records.push(r.seq);
            last_date = r.date;
            if let Some(reason) = fails(a, t) {
                why.push(reason);
            }
        }
        let outcome = if why.is_empty() { Outcome::Pass } else { Outcome::Fail(why.join("; ")) };
        out.push(Check::new(
            ItemKind::Vendor,
            vendor,
            ctx.column_of(last_date.max(ctx.period.start())),
            last_date,
            outcome,
            records,
        ));
    }
    out
}
