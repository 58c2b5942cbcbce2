//! The built-in tests, one function each. Each returns the checks it made; the caller
//! turns them into a control result and, when some failed, an audit finding.
//!
//! Shared rules: a record counts by its `observed_at` date, never by when it was
//! collected; records observed after the period (or after `as_of`) do not count, except
//! within a control's `review_grace_days_after` for occurrences; an occurrence whose due
//! date is after `as_of` and that has not happened yet is "not yet due", not an exception.

use std::collections::BTreeSet;

use chrono::NaiveDate;

use super::context::{
    Check, Ctx, Outcome, Rec, Slot, add_days, days_between, match_slots, sub_days, sub_months,
};
use crate::catalog::{CatalogControl, ControlTest, Thresholds};
use crate::model::{DeviceCompliance, EvidenceKind as K, ItemKind, Payload};

mod access;
mod acknowledgements;
mod background;
mod changes;
mod credentials;
mod devices;
mod incident;
mod logging;
mod policies;
mod presence;
mod risk;
mod training;
mod vendors;

use access::*;
use acknowledgements::*;
use background::*;
use changes::*;
use credentials::*;
use devices::*;
use incident::*;
use logging::*;
use policies::*;
use presence::*;
use risk::*;
use training::*;

pub(super) use training::any_course_warning;
use vendors::*;

/// Runs a control's test.
pub(super) fn run(ctx: &Ctx<'_>, cc: &CatalogControl) -> Vec<Check> {
    let t = &cc.thresholds;
    use ControlTest::*;
    match cc.test {
        QuarterlyAccessReview => quarterly_access_review(ctx, t),
        AccessReviewCompleteness => access_review_completeness(ctx, t),
        RevokedAccessRemoved => revoked_access_removed(ctx, t),
        LeaverAccessRemoved => leaver_access_removed(ctx, t),
        PoliciesApproved => policies_approved(ctx),
        PoliciesReviewed => policies_reviewed(ctx, t),
        DeviceEncryption => devices(ctx, t, false, |d, _| match d.disk_encrypted {
            Some(true) => None,
            Some(false) => Some("disk encryption off".into()),
            None => Some("disk encryption not reported".into()),
        }),
        DeviceScreenLock => devices(ctx, t, false, |d, t| match d.screen_lock_minutes {
            Some(m) if m <= t.max_screen_lock_minutes => None,
            Some(m) => Some(format!(
                "screen locks after {m} minutes (at most {} allowed)",
                t.max_screen_lock_minutes
            )),
            // Only on/off known (osquery's `screenlock`): the timeout is what is judged.
            None => Some(
                match d.screen_lock {
                    Some(false) => "screen lock off (no password after sleep or the screensaver)",
                    Some(true) => "screen lock on, but its timeout is not reported",
                    None => "screen lock not reported",
                }
                .into(),
            ),
        }),
        DeviceAutoUpdates => devices(ctx, t, false, |d, _| match d.auto_updates {
            Some(true) => None,
            Some(false) => Some("automatic updates off".into()),
            None => Some("automatic updates not reported".into()),
        }),
        DeviceMdmEnrollment => devices(ctx, t, true, |d, _| {
            let enrolled = match d.mdm_enrolled {
                Some(true) => None,
                Some(false) => Some("not enrolled in MDM"),
                None => Some("MDM enrolment not reported"),
            };
            // The MDM's own verdict, where it evaluates compliance; an MDM that does not
            // (Jamf, Fleet) leaves it absent, and the settings are tested one by one by
            // the other device controls.
            let compliance = match d.compliance {
                None | Some(DeviceCompliance::Compliant) => None,
                Some(DeviceCompliance::Noncompliant) => {
                    Some("noncompliant with the MDM's policies")
                }
                Some(DeviceCompliance::InGracePeriod) => {
                    Some("noncompliant with the MDM's policies (in its grace period)")
                }
                Some(DeviceCompliance::Error) => Some("the MDM's compliance evaluation failed"),
            };
            let why: Vec<&str> = enrolled.into_iter().chain(compliance).collect();
            (!why.is_empty()).then(|| why.join("; "))
        }),
        DeviceFirewall => devices(ctx, t, false, |d, _| match d.firewall_enabled {
            Some(true) => None,
            Some(false) => Some("host firewall off".into()),
            None => Some("host firewall not reported".into()),
        }),
        MfaEnabled => mfa_enabled(ctx),
        AccessKeysRotated => access_keys_rotated(ctx, t),
        IndependentChangeApproval => independent_change_approval(ctx),
        BranchProtection => branch_protection(ctx),
        BackgroundCheckTimely => background_check_timely(ctx, t),
        AnnualSecurityTraining => annual_security_training(ctx, t),
        NewHireTraining => new_hire_training(ctx, t),
        CentralLogging => central_logging(ctx, t),
        SecurityAlerts => security_alerts(ctx),
        VendorAnnualReview => vendor_annual_review(ctx, t),
        VendorSecurityReport => vendor_latest_reviews(ctx, t, |a, t| match &a.security_report {
            None => Some("no security report on file at the review".to_owned()),
            Some(r) => {
                let age = days_between(r.issued_on.0, a.reviewed_on.0);
                (age > i64::from(t.max_vendor_report_age_days)).then(|| {
                        format!(
                            "security report issued {} was {age} days old at the review of {} (at most {} allowed)",
                            r.issued_on, a.reviewed_on, t.max_vendor_report_age_days
                        )
                    })
            }
        }),
        VendorSecurityTerms => {
            vendor_latest_reviews(ctx, t, |a, _| match a.contract_security_terms {
                Some(true) => None,
                Some(false) => {
                    Some("contract lacks security and breach-notification terms".to_owned())
                }
                None => Some("contract security terms not recorded".to_owned()),
            })
        }
        IncidentResponsePlan => incident_response_plan(ctx, t),
        AnnualTabletop => annual_tabletop(ctx, t),
        RiskRegisterComplete => risk_register_complete(ctx),
        RiskRegisterReviewed => risk_register_reviewed(ctx, t),
        PolicyAcknowledgement => policy_acknowledgement(ctx, t),
        AccessReviewIndependence => access_review_independence(ctx, t),
        VendorReportReview => vendor_report_review(ctx),
        SecurityEventCoverage => security_event_coverage(ctx, t),
        SecurityEventTriage => security_event_triage(ctx, t),
        EvidencePresence => evidence_presence(ctx, cc),
    }
}

/// The acceptance range of a quarterly slot.
pub(super) fn quarter_range(s: &Slot, t: &Thresholds) -> (NaiveDate, NaiveDate) {
    (sub_days(s.start, t.review_grace_days_before), add_days(s.end, t.review_grace_days_after))
}

/// The acceptance range of a yearly slot: the slot, or the twelve months ending with it
/// when the slot is shorter (a short period may rely on last year's occurrence).
pub(super) fn annual_range(s: &Slot, t: &Thresholds) -> (NaiveDate, NaiveDate) {
    let year_before = add_days(sub_months(s.end, 12), 1);
    (
        sub_days(s.start.min(year_before), t.review_grace_days_before),
        add_days(s.end, t.review_grace_days_after),
    )
}

/// One check per slot: met by the earliest unused record in its range.
pub(super) fn occurrences(
    ctx: &Ctx<'_>,
    slots: &[Slot],
    ranges: &[(NaiveDate, NaiveDate)],
    dates: &[(NaiveDate, u64)],
    kind: ItemKind,
    id: impl Fn(&Slot) -> String,
    missing: impl Fn(&Slot) -> String,
) -> Vec<Check> {
    let matched = match_slots(ranges, dates);
    slots
        .iter()
        .zip(ranges)
        .zip(matched)
        .map(|((slot, &(_, hi)), m)| match m {
            Some((date, seq)) => {
                Check::new(kind, id(slot), ctx.column_of(date), hi, Outcome::Pass, vec![seq])
            }
            None => Check::new(
                kind,
                id(slot),
                ctx.column_of(slot.end),
                hi,
                ctx.missing(hi, missing(slot)),
                Vec::new(),
            ),
        })
        .collect()
}

/// Marks the occurrences [`occurrences`] found missing for which a late record that does
/// not count lies in the slot's range: "recorded late", a deviation at once, naming the
/// record. `checks` and `ranges` are in slot order; `late` holds (tested date, seq).
pub(super) fn with_late(
    ctx: &Ctx<'_>,
    mut checks: Vec<Check>,
    ranges: &[(NaiveDate, NaiveDate)],
    late: &[(NaiveDate, u64)],
) -> Vec<Check> {
    if late.is_empty() {
        return checks;
    }
    for (c, &(lo, hi)) in checks.iter_mut().zip(ranges) {
        if matches!(c.outcome, Outcome::Pass) {
            continue;
        }
        if let Some(&(_, seq)) = late.iter().find(|(d, _)| lo <= *d && *d <= hi) {
            c.outcome = Outcome::Fail(ctx.index.late_reason_for(seq));
            c.records = vec![seq];
        }
    }
    checks
}

/// One check per quarter of `item` from the snapshots of `kind` observed in that quarter
/// (clipped to the cutoff) that `select` keeps: "missing" when there is none, else failing
/// with every reason `judge` records for any of them.
pub(super) fn quarterly_snapshots<'a, T: 'a>(
    ctx: &Ctx<'a>,
    item: &str,
    kind: K,
    what: &str,
    select: impl Fn(&'a Payload) -> Option<&'a T>,
    judge: impl Fn(&Slot, &Rec<'a>, &T, &mut BTreeSet<String>),
) -> Vec<Check> {
    let mut out = Vec::new();
    for (i, slot) in ctx.columns.iter().enumerate() {
        let to = slot.end.min(ctx.cutoff);
        let recs: Vec<(Rec<'a>, &'a T)> = if slot.start <= to {
            ctx.index
                .between(kind, slot.start, to)
                .iter()
                .filter_map(|r| select(&r.ev.payload).map(|p| (*r, p)))
                .collect()
        } else {
            Vec::new()
        };
        if recs.is_empty() {
            let missing = ctx.missing(slot.end, format!("no {what} observed in {}", slot.label));
            out.push(Check::new(ItemKind::System, item, i, slot.end, missing, Vec::new()));
            continue;
        }
        let mut why = BTreeSet::new();
        for (r, p) in &recs {
            judge(slot, r, p, &mut why);
        }
        let outcome = if why.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail(why.into_iter().collect::<Vec<_>>().join("; "))
        };
        let seqs = recs.iter().map(|(r, _)| r.seq).collect();
        out.push(Check::new(ItemKind::System, item, i, to, outcome, seqs));
    }
    out
}
