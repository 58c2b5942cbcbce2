//! Vendor management.

use chrono::NaiveDate;

use super::super::context::{Check, Ctx, Outcome, Rec, same, typed};
use super::{annual_range, occurrences};
use crate::catalog::Thresholds;
use crate::model::{AssuranceKind, EvidenceKind as K, ItemKind, VendorAssessment};

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
    fails: impl Fn(&VendorAssessment, &Thresholds) -> Option<String>,
) -> Vec<Check> {
    if let Some(c) = no_vendors(ctx) {
        return vec![c];
    }
    let mut out = Vec::new();
    for (vendor, list) in critical_vendors(ctx) {
        let chosen = reviews_to_check(ctx, &list);
        if chosen.is_empty() {
            continue; // never reviewed: the annual review control's exception
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

/// A vendor's reviews to check: those of the period observed by the cutoff, or its
/// latest before the period when none falls inside it.
fn reviews_to_check<'a, 'b>(
    ctx: &Ctx<'_>,
    list: &'b [(Rec<'a>, &'a VendorAssessment)],
) -> Vec<&'b (Rec<'a>, &'a VendorAssessment)> {
    let upto: Vec<_> = list.iter().filter(|(r, _)| r.date <= ctx.cutoff).collect();
    let chosen: Vec<_> =
        upto.iter().copied().filter(|(r, _)| r.event >= ctx.period.start()).collect();
    if chosen.is_empty() { upto.last().copied().into_iter().collect() } else { chosen }
}

/// A critical vendor's reviews (as [`vendor_latest_reviews`] picks them) that hold a
/// SOC 2 report record that the report's exceptions and its complementary user entity
/// controls were reviewed; vendors whose reviews hold no SOC 2 report are not tested.
pub(super) fn vendor_report_review(ctx: &Ctx<'_>) -> Vec<Check> {
    if let Some(c) = no_vendors(ctx) {
        return vec![c];
    }
    let mut out = Vec::new();
    for (vendor, list) in critical_vendors(ctx) {
        let soc2: Vec<_> = reviews_to_check(ctx, &list)
            .into_iter()
            .filter(|(_, a)| {
                a.security_report.as_ref().is_some_and(|s| {
                    matches!(s.kind, AssuranceKind::Soc2Type1 | AssuranceKind::Soc2Type2)
                })
            })
            .collect();
        let Some((last, _)) = soc2.last() else {
            continue;
        };
        let mut why = Vec::new();
        for (r, a) in &soc2 {
            let mut missing = Vec::new();
            match a.exceptions_reviewed {
                Some(true) => {}
                Some(false) => missing.push("its exceptions were not reviewed"),
                None => missing.push("no review of its exceptions recorded"),
            }
            match a.cuecs_reviewed {
                Some(true) => {}
                Some(false) => {
                    missing.push("its complementary user entity controls were not reviewed")
                }
                None => {
                    missing.push("no review of its complementary user entity controls recorded")
                }
            }
            if !missing.is_empty() {
                why.push(format!(
                    "SOC 2 report at the review of {}: {}",
                    r.event,
                    missing.join(", ")
                ));
            }
        }
        let outcome = if why.is_empty() { Outcome::Pass } else { Outcome::Fail(why.join("; ")) };
        out.push(Check::new(
            ItemKind::Vendor,
            vendor,
            ctx.column_of(last.event.max(ctx.period.start())),
            last.event,
            outcome,
            soc2.iter().map(|(r, _)| r.seq).collect(),
        ));
    }
    out
}
