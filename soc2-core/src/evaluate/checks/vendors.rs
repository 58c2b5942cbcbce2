//! Vendor management.

use chrono::NaiveDate;

use super::super::context::{Check, Ctx, Outcome, Rec, same, typed};
use super::{annual_range, occurrences};
use crate::catalog::Thresholds;
use crate::model::{EvidenceKind as K, ItemKind};

/// The critical vendors the catalog declares, each with its assessments (any case of
/// its name), oldest first.
pub(super) fn critical_vendors<'a>(
    ctx: &'a Ctx<'a>,
) -> Vec<(&'a str, Vec<(Rec<'a>, &'a crate::model::VendorAssessment)>)> {
    let assessments: Vec<_> =
        typed!(ctx.index.all(K::VendorAssessment), VendorAssessment).collect();
    ctx.vendors
        .iter()
        .map(|v| {
            let mut list: Vec<_> =
                assessments.iter().filter(|(_, a)| same(&a.vendor, v)).copied().collect();
            list.sort_by_key(|(r, _)| (r.event, r.seq));
            (v.as_str(), list)
        })
        .collect()
}

/// The check to return when the catalog declares no critical vendor.
pub(super) fn no_vendors(ctx: &Ctx<'_>) -> Option<Check> {
    ctx.vendors.is_empty().then(|| {
        ctx.nothing_on_file(
            "critical vendors",
            "no critical vendor is declared in the catalog (scope.critical_vendors): vendors cannot be shown managed",
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
    for (vendor, list) in critical_vendors(ctx) {
        let dates: Vec<(NaiveDate, u64)> = list.iter().map(|(r, _)| (r.event, r.seq)).collect();
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
    for (vendor, list) in critical_vendors(ctx) {
        let upto: Vec<_> = list.iter().filter(|(r, _)| r.date <= ctx.cutoff).collect();
        if upto.is_empty() {
            continue; // never reviewed: the annual review control's exception
        }
        let mut chosen: Vec<_> =
            upto.iter().filter(|(r, _)| r.event >= ctx.period.start()).collect();
        if chosen.is_empty() {
            chosen.extend(upto.last());
        }
        let mut why = Vec::new();
        let mut records = Vec::new();
        let mut last_date = ctx.period.start();
        for (r, a) in chosen {
            records.push(r.seq);
            last_date = r.event;
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
