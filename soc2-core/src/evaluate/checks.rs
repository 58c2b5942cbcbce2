//! The built-in tests, one function each. Each returns the checks it made; the caller
//! turns them into a control result and, when some failed, an audit finding.
//!
//! Shared rules: a record counts by its `observed_at` date, never by when it was
//! collected; records observed after the period (or after `as_of`) do not count, except
//! within a control's `review_grace_days_after` for occurrences; an occurrence whose due
//! date is after `as_of` and that has not happened yet is "not yet due", not an exception.

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::context::{
    Check, Ctx, Outcome, Rec, Slot, active_between, add_days, currency_gaps, days_between,
    match_slots, quarter_end, sub_days, sub_months, typed,
};
use crate::catalog::{CatalogControl, ControlTest, Thresholds};
use crate::model::{
    AccountStatus, BackgroundCheckStatus, Cadence, Device, EventClass, EvidenceKind as K, ItemKind,
    Payload, ReviewDecision, ReviewState, TrainingStatus,
};

/// Runs a control's test.
pub(super) fn run(ctx: &Ctx<'_>, cc: &CatalogControl) -> Vec<Check> {
    let t = &cc.thresholds;
    use ControlTest::*;
    match cc.test {
        QuarterlyAccessReview => quarterly_access_review(ctx, t),
        AccessReviewCompleteness => access_review_completeness(ctx, t),
        RevokedAccessRemoved => revoked_access_removed(ctx),
        LeaverAccessRemoved => leaver_access_removed(ctx, t),
        PoliciesApproved => policies_approved(ctx),
        PoliciesReviewed => policies_reviewed(ctx, t),
        DeviceEncryption => devices(ctx, t, |d, _| match d.disk_encrypted {
            Some(true) => None,
            Some(false) => Some("disk encryption off".into()),
            None => Some("disk encryption not reported".into()),
        }),
        DeviceScreenLock => devices(ctx, t, |d, t| match d.screen_lock_minutes {
            Some(m) if m <= t.max_screen_lock_minutes => None,
            Some(m) => Some(format!(
                "screen locks after {m} minutes (at most {} allowed)",
                t.max_screen_lock_minutes
            )),
            None => Some("screen lock not reported".into()),
        }),
        DeviceAutoUpdates => devices(ctx, t, |d, _| match d.auto_updates {
            Some(true) => None,
            Some(false) => Some("automatic updates off".into()),
            None => Some("automatic updates not reported".into()),
        }),
        DeviceMdmEnrollment => devices(ctx, t, |d, _| match d.mdm_enrolled {
            Some(true) => None,
            Some(false) => Some("not enrolled in MDM".to_owned()),
            None => Some("MDM enrolment not reported".to_owned()),
        }),
        IndependentChangeApproval => independent_change_approval(ctx),
        BranchProtection => branch_protection(ctx),
        BackgroundCheckTimely => background_check_timely(ctx, t),
        AnnualSecurityTraining => annual_security_training(ctx, t),
        NewHireTraining => new_hire_training(ctx, t),
        CentralLogging => central_logging(ctx),
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
        IncidentResponsePlan => incident_response_plan(ctx),
        AnnualTabletop => annual_tabletop(ctx, t),
        RiskRegisterComplete => risk_register_complete(ctx),
        RiskRegisterReviewed => risk_register_reviewed(ctx, t),
        EvidencePresence => evidence_presence(ctx, cc),
    }
}

/// The acceptance range of a quarterly slot.
fn quarter_range(s: &Slot, t: &Thresholds) -> (NaiveDate, NaiveDate) {
    (sub_days(s.start, t.review_grace_days_before), add_days(s.end, t.review_grace_days_after))
}

/// The acceptance range of a yearly slot: the slot, or the twelve months ending with it
/// when the slot is shorter (a short period may rely on last year's occurrence).
fn annual_range(s: &Slot, t: &Thresholds) -> (NaiveDate, NaiveDate) {
    let year_before = add_days(sub_months(s.end, 12), 1);
    (
        sub_days(s.start.min(year_before), t.review_grace_days_before),
        add_days(s.end, t.review_grace_days_after),
    )
}

/// One check per slot: met by the earliest unused record in its range.
fn occurrences(
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

fn quarterly_access_review(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if ctx.systems.is_empty() {
        return vec![ctx.no_systems()];
    }
    let mut by_system: BTreeMap<&str, Vec<(NaiveDate, u64)>> = BTreeMap::new();
    for (r, a) in typed!(ctx.index.all(K::AccessReview), AccessReview) {
        by_system.entry(a.system.as_str()).or_default().push((r.date, r.seq));
    }
    let ranges: Vec<_> = ctx.columns.iter().map(|s| quarter_range(s, t)).collect();
    let mut out = Vec::new();
    for system in &ctx.systems {
        let dates = by_system.get(system.as_str()).map_or(&[][..], Vec::as_slice);
        out.extend(occurrences(
            ctx,
            &ctx.columns,
            &ranges,
            dates,
            ItemKind::Occurrence,
            |s| format!("{system} {}", s.label),
            |s| format!("no access review of {system} observed in {}", s.label),
        ));
    }
    out
}

fn access_review_completeness(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if ctx.systems.is_empty() {
        return vec![ctx.no_systems()];
    }
    let mut out = Vec::new();
    for system in &ctx.systems {
        let reviews: Vec<_> = typed!(ctx.index.all(K::AccessReview), AccessReview)
            .filter(|(_, a)| &a.system == system)
            .collect();
        let lists: Vec<_> = typed!(ctx.index.all(K::UserList), UserList)
            .filter(|(_, u)| &u.system == system)
            .collect();
        for slot in &ctx.columns {
            let (lo, hi) = quarter_range(slot, t);
            let in_slot: Vec<_> =
                reviews.iter().filter(|(r, _)| lo <= r.date && r.date <= hi).collect();
            let Some((last, _)) = in_slot.last() else {
                // No review at all is the quarterly review control's exception.
                continue;
            };
            let col = ctx.column_of(last.date);
            let list = lists.iter().rfind(|(r, _)| r.date >= lo && r.at <= last.at);
            let review_seqs: Vec<u64> = in_slot.iter().map(|(r, _)| r.seq).collect();
            let Some((list_rec, list)) = list else {
                out.push(Check::new(
                    ItemKind::Occurrence,
                    format!("{system} {}", slot.label),
                    col,
                    last.date,
                    Outcome::Fail(format!(
                        "no user list of {system} observed in {} before the review, so it cannot be shown complete",
                        slot.label
                    )),
                    review_seqs,
                ));
                continue;
            };
            let covered: BTreeSet<&str> = in_slot
                .iter()
                .flat_map(|(_, a)| a.accounts.iter().map(|x| x.account.as_str()))
                .collect();
            for acc in &list.accounts {
                if acc.status == AccountStatus::Suspended {
                    continue;
                }
                let mut records = vec![list_rec.seq];
                records.extend(&review_seqs);
                let outcome = if covered.contains(acc.account.as_str()) {
                    Outcome::Pass
                } else {
                    Outcome::Fail(format!(
                        "in the user list of {} but not in the {} review",
                        list_rec.date, slot.label
                    ))
                };
                out.push(Check::new(
                    ItemKind::Account,
                    format!("{system}:{}", acc.account),
                    col,
                    last.date,
                    outcome,
                    records,
                ));
            }
        }
    }
    out
}

fn revoked_access_removed(ctx: &Ctx<'_>) -> Vec<Check> {
    let mut out = Vec::new();
    let lists: Vec<_> = typed!(ctx.index.upto(K::UserList, ctx.cutoff), UserList).collect();
    let reviews = ctx.index.between(K::AccessReview, ctx.period.start(), ctx.cutoff);
    for (r, review) in typed!(reviews, AccessReview) {
        for acc in &review.accounts {
            if acc.decision != ReviewDecision::Revoke {
                continue;
            }
            let id = format!("{}:{}", review.system, acc.account);
            let col = ctx.column_of(r.date);
            // The first list of the system after the review (or after the revocation was
            // carried out, when that is recorded).
            let after = acc.actioned_at.map_or(r.at, |a| a.max(r.at));
            let next = lists.iter().find(|(l, u)| u.system == review.system && l.at > after);
            let due = quarter_end(add_days(quarter_end(r.date), 1));
            let check = match next {
                None => {
                    if due > ctx.period.end() {
                        Outcome::NotYetDue
                    } else {
                        ctx.missing(
                            due,
                            format!(
                                "revoked in the review of {}, but no later user list of {} shows it gone",
                                r.date, review.system
                            ),
                        )
                    }
                }
                Some((l, u)) => {
                    let still = u
                        .accounts
                        .iter()
                        .find(|a| a.account == acc.account && a.status != AccountStatus::Suspended);
                    match still {
                        Some(a) => {
                            let records = vec![r.seq, l.seq];
                            out.push(Check::new(
                                ItemKind::Account,
                                id,
                                col,
                                l.date,
                                Outcome::Fail(format!(
                                    "revoked in the review of {} but still {} in the user list of {}",
                                    r.date,
                                    status_name(a.status),
                                    l.date
                                )),
                                records,
                            ));
                            continue;
                        }
                        None => {
                            out.push(Check::new(
                                ItemKind::Account,
                                id,
                                col,
                                l.date,
                                Outcome::Pass,
                                vec![r.seq, l.seq],
                            ));
                            continue;
                        }
                    }
                }
            };
            out.push(Check::new(ItemKind::Account, id, col, due, check, vec![r.seq]));
        }
    }
    out
}

fn status_name(s: AccountStatus) -> &'static str {
    match s {
        AccountStatus::Active => "active",
        AccountStatus::Suspended => "suspended",
        AccountStatus::Provisioned => "provisioned",
        AccountStatus::Locked => "locked",
    }
}

fn leaver_access_removed(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    let Some((roster_rec, roster)) = ctx.roster else {
        return vec![ctx.no_roster()];
    };
    let n = t.leaver_access_removal_days;
    let lists: Vec<_> =
        typed!(ctx.index.between(K::UserList, ctx.period.start(), ctx.cutoff), UserList)
            .filter(|(_, u)| ctx.systems.contains(&u.system))
            .collect();
    let mut out = Vec::new();
    for p in &roster.people {
        let Some(end) = p.end_date.map(|d| d.0) else {
            continue;
        };
        if end > ctx.cutoff {
            continue;
        }
        let deadline = add_days(end, n);
        let mut lingering = Vec::new();
        let mut records = vec![roster_rec.seq];
        let mut seen_after = false;
        for (l, u) in &lists {
            if l.date <= deadline {
                continue;
            }
            seen_after = true;
            for a in &u.accounts {
                let theirs = a.person.as_deref() == Some(p.id.as_str()) || a.account == p.id;
                if theirs && a.status != AccountStatus::Suspended {
                    lingering.push(format!("{}:{} on {}", u.system, a.account, l.date));
                    records.push(l.seq);
                }
            }
        }
        // Leavers from before the period matter only if their access lingers into it.
        if end < sub_days(ctx.period.start(), n) && lingering.is_empty() {
            continue;
        }
        records.sort_unstable();
        records.dedup();
        let col = ctx.column_of(deadline.min(ctx.period.end()));
        let outcome = if !lingering.is_empty() {
            Outcome::Fail(format!(
                "left on {end}; accounts still active more than {n} days later: {}",
                lingering.join(", ")
            ))
        } else if seen_after {
            Outcome::Pass
        } else if deadline > ctx.period.end() {
            Outcome::NotYetDue
        } else {
            let due = quarter_end(deadline).min(ctx.period.end());
            ctx.missing(
                due,
                format!(
                    "left on {end}; no user list observed after {deadline} shows the access removed"
                ),
            )
        };
        out.push(Check::new(ItemKind::Person, &p.id, col, deadline, outcome, records));
    }
    out
}

/// Approved policy documents by required policy name, observed by the cutoff:
/// (approved_on, record).
fn policy_approvals<'a>(ctx: &Ctx<'a>) -> BTreeMap<&'a str, Vec<(NaiveDate, Rec<'a>)>> {
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

fn policies_approved(ctx: &Ctx<'_>) -> Vec<Check> {
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

fn policies_reviewed(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
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

fn describe_gaps(gaps: &[(NaiveDate, NaiveDate)], max_age: u32) -> String {
    let spans: Vec<String> = gaps.iter().map(|(a, b)| format!("{a} to {b}")).collect();
    format!("no approval younger than {max_age} days in force from {}", spans.join(", "))
}

/// Device checks: every device of an in-scope person, in every inventory of every
/// quarter; a quarter without an inventory is itself a deviation.
fn devices(
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

fn independent_change_approval(ctx: &Ctx<'_>) -> Vec<Check> {
    // The latest record of each change wins (a change may be recorded twice).
    // A direct push has no number: its commit identifies it.
    type Key<'a> = (&'a str, Option<u64>, Option<&'a str>);
    let mut latest: BTreeMap<Key<'_>, (Rec<'_>, &crate::model::ChangeRecord)> = BTreeMap::new();
    for (r, c) in typed!(ctx.index.upto(K::ChangeRecord, ctx.cutoff), ChangeRecord) {
        let commit = if c.number.is_none() { c.merge_commit.as_deref() } else { None };
        latest.insert((c.repository.as_str(), c.number, commit), (r, c));
    }
    if latest.is_empty() {
        return vec![ctx.nothing_on_file(
            "change records",
            "no change record on file: merged changes cannot be shown reviewed",
        )];
    }
    let repos = &ctx.scope.repositories;
    let mut out = Vec::new();
    for ((repo, number, commit), (r, c)) in latest {
        let Some(merged) = c.merged_at else { continue };
        let day = merged.date();
        if day < ctx.period.start() || day > ctx.cutoff {
            continue;
        }
        if !repos.is_empty() && !repos.iter().any(|x| x == repo) {
            continue;
        }
        let mut by_author = false;
        let mut wrong_commit = false;
        let mut after_merge = false;
        let mut dismissed = false;
        let mut ok = false;
        for rv in &c.reviews {
            match rv.state {
                ReviewState::Approved => {}
                ReviewState::Dismissed => {
                    dismissed = true;
                    continue;
                }
                _ => continue,
            }
            // Someone who wrote commits in the change is not independent of it either.
            if rv.reviewer.eq_ignore_ascii_case(&c.author)
                || c.committers.iter().any(|x| x.eq_ignore_ascii_case(&rv.reviewer))
            {
                by_author = true;
                continue;
            }
            if let (Some(head), Some(commit)) = (&c.head_commit, &rv.commit)
                && head != commit
            {
                wrong_commit = true;
                continue;
            }
            if rv.submitted_at.is_some_and(|s| s > merged) {
                after_merge = true;
                continue;
            }
            ok = true;
        }
        let outcome = if ok {
            Outcome::Pass
        } else {
            let mut why = Vec::new();
            if by_author {
                why.push(format!(
                    "approved only by its author {} or one of its committers",
                    c.author
                ));
            }
            if wrong_commit {
                why.push(
                    "an approval by another person was for an earlier commit, not the merged head"
                        .into(),
                );
            }
            if after_merge {
                why.push("an approval by another person came after the merge".into());
            }
            if dismissed {
                why.push("an approval was dismissed".into());
            }
            if why.is_empty() {
                why.push("merged without an approving review".into());
            }
            Outcome::Fail(format!("merged {}: {}", merged, why.join("; ")))
        };
        out.push(Check::new(
            ItemKind::Change,
            match (number, commit) {
                (Some(n), _) => format!("{repo}#{n}"),
                (None, Some(sha)) => {
                    format!("{repo}@{}", sha.chars().take(12).collect::<String>())
                }
                (None, None) => format!("{repo} (direct push)"),
            },
            ctx.column_of(day),
            day,
            outcome,
            vec![r.seq],
        ));
    }
    out
}

fn branch_protection(ctx: &Ctx<'_>) -> Vec<Check> {
    let repos: Vec<String> = if ctx.scope.repositories.is_empty() {
        let mut set = BTreeSet::new();
        for (_, b) in typed!(ctx.index.upto(K::BranchProtection, ctx.cutoff), BranchProtection) {
            set.insert(b.repository.clone());
        }
        for (_, c) in typed!(ctx.index.upto(K::ChangeRecord, ctx.cutoff), ChangeRecord) {
            if c.merged_at.is_some_and(|m| m.date() >= ctx.period.start() && m.date() <= ctx.cutoff)
            {
                set.insert(c.repository.clone());
            }
        }
        set.into_iter().collect()
    } else {
        ctx.scope.repositories.clone()
    };
    if repos.is_empty() {
        return vec![ctx.nothing_on_file(
            "in-scope repositories",
            "no in-scope repository is listed in the catalog scope or named by branch protection or change evidence",
        )];
    }
    let mut out = Vec::new();
    for repo in &repos {
        out.extend(quarterly_snapshots(
            ctx,
            repo,
            K::BranchProtection,
            "branch protection settings",
            |p| match p {
                Payload::BranchProtection(b) if &b.repository == repo => Some(b),
                _ => None,
            },
            |_, b, why| {
                if !b.protected {
                    why.insert(format!("{} is not protected", b.branch));
                    return;
                }
                match b.required_approvals {
                    Some(0) => {
                        why.insert(format!("{} requires no approving review", b.branch));
                    }
                    None => {
                        why.insert(format!("{}: required approvals not reported", b.branch));
                    }
                    Some(_) => {}
                }
                match b.applies_to_admins {
                    Some(true) => {}
                    Some(false) => {
                        why.insert(format!("administrators can bypass the rules on {}", b.branch));
                    }
                    None => {
                        why.insert(format!(
                            "{}: whether admins are bound is not reported",
                            b.branch
                        ));
                    }
                }
                if !b.bypass_actors.is_empty() {
                    why.insert(format!(
                        "{} can be bypassed by {}",
                        b.branch,
                        b.bypass_actors.join(", ")
                    ));
                }
                if b.allow_force_pushes {
                    why.insert(format!("force pushes are allowed on {}", b.branch));
                }
            },
        ));
    }
    out
}

/// One check per quarter of `item` from the snapshots of `kind` observed in that quarter
/// (clipped to the cutoff) that `select` keeps: "missing" when there is none, else failing
/// with every reason `judge` records for any of them.
fn quarterly_snapshots<'a, T: 'a>(
    ctx: &Ctx<'a>,
    item: &str,
    kind: K,
    what: &str,
    select: impl Fn(&'a Payload) -> Option<&'a T>,
    judge: impl Fn(&Rec<'a>, &T, &mut BTreeSet<String>),
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
            judge(r, p, &mut why);
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

fn background_check_timely(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
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

/// Completed trainings by person: (date, seq), oldest first.
fn trainings<'a>(ctx: &Ctx<'a>) -> BTreeMap<&'a str, Vec<(NaiveDate, u64)>> {
    let mut by_person: BTreeMap<&str, Vec<(NaiveDate, u64)>> = BTreeMap::new();
    for (r, tr) in typed!(ctx.index.all(K::TrainingCompletion), TrainingCompletion) {
        if tr.status == TrainingStatus::Completed {
            by_person.entry(tr.person.as_str()).or_default().push((r.date, r.seq));
        }
    }
    by_person
}

fn annual_security_training(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    let Some((roster_rec, roster)) = ctx.roster else {
        return vec![ctx.no_roster()];
    };
    let done = trainings(ctx);
    let mut out = Vec::new();
    for slot in ctx.annual_slots() {
        let (lo, hi) = annual_range(&slot, t);
        for p in &roster.people {
            // Required of everyone still working at the year's end, once past their new-hire
            // allowance (new hires are the new-hire control's until then); people who left
            // during the year are not required to finish it.
            let started_by = sub_days(slot.end, t.training_days_after_hire);
            if p.start_date.0 > started_by || p.end_date.is_some_and(|e| e.0 < slot.end) {
                continue;
            }
            let hit =
                done.get(p.id.as_str()).and_then(|v| v.iter().find(|(d, _)| lo <= *d && *d <= hi));
            let (outcome, col, mut records) = match hit {
                Some(&(d, seq)) => (Outcome::Pass, ctx.column_of(d), vec![seq]),
                None => (
                    ctx.missing(hi, format!("no completed security training in {}", slot.label)),
                    ctx.column_of(slot.end),
                    Vec::new(),
                ),
            };
            records.push(roster_rec.seq);
            records.sort_unstable();
            out.push(Check::new(ItemKind::Person, &p.id, col, hi, outcome, records));
        }
    }
    out
}

fn new_hire_training(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    let Some((roster_rec, roster)) = ctx.roster else {
        return vec![ctx.no_roster()];
    };
    let done = trainings(ctx);
    let n = t.training_days_after_hire;
    let mut out = Vec::new();
    for p in &roster.people {
        let start = p.start_date.0;
        if start < ctx.period.start() || start > ctx.cutoff {
            continue;
        }
        let deadline = add_days(start, n);
        // Someone who left before the deadline owed nothing.
        if p.end_date.is_some_and(|e| e.0 < deadline) {
            continue;
        }
        let earliest = sub_months(start, 12);
        let first = done
            .get(p.id.as_str())
            .and_then(|v| v.iter().find(|(d, _)| *d >= earliest && *d <= ctx.cutoff).copied());
        let mut records = vec![roster_rec.seq];
        let outcome = match first {
            Some((d, seq)) => {
                records.push(seq);
                if d <= deadline {
                    Outcome::Pass
                } else {
                    Outcome::Fail(format!(
                        "started {start}, trained on {d}: {} days after starting (at most {n} allowed)",
                        days_between(start, d)
                    ))
                }
            }
            None => ctx.missing(
                deadline,
                format!("started {start}, not trained within {n} days (due {deadline})"),
            ),
        };
        records.sort_unstable();
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

fn central_logging(ctx: &Ctx<'_>) -> Vec<Check> {
    if ctx.systems.is_empty() {
        return vec![ctx.no_systems()];
    }
    let mut out = Vec::new();
    for system in &ctx.systems {
        out.extend(quarterly_snapshots(
            ctx,
            system,
            K::LoggingConfiguration,
            "logging configuration",
            |p| match p {
                Payload::LoggingConfiguration(l) if &l.system == system => Some(l),
                _ => None,
            },
            |r, l, why| {
                if !l.enabled {
                    why.insert(format!("logging off on {}", r.date));
                } else if l.destination.as_deref().is_none_or(|d| d.trim().is_empty()) {
                    why.insert(format!("logs not sent to a central destination on {}", r.date));
                }
            },
        ));
    }
    out
}

/// The four classes of security event that must raise alerts.
const ALERT_CLASSES: [(EventClass, &str); 4] = [
    (EventClass::FailedLogins, "failed_logins"),
    (EventClass::PrivilegeEscalation, "privilege_escalation"),
    (EventClass::ConfigurationChange, "configuration_change"),
    (EventClass::DataAccessAnomaly, "data_access_anomaly"),
];

fn security_alerts(ctx: &Ctx<'_>) -> Vec<Check> {
    let mut out = Vec::new();
    for (i, slot) in ctx.columns.iter().enumerate() {
        let to = slot.end.min(ctx.cutoff);
        // The latest state of each rule within the quarter.
        let mut latest: BTreeMap<(Option<&str>, &str), (Rec<'_>, &crate::model::AlertRule)> =
            BTreeMap::new();
        if slot.start <= to {
            for (r, a) in typed!(ctx.index.between(K::AlertRule, slot.start, to), AlertRule) {
                latest.insert((a.system.as_deref(), a.name.as_str()), (r, a));
            }
        }
        for (class, name) in ALERT_CLASSES {
            let rules: Vec<_> = latest.values().filter(|(_, a)| a.event_class == class).collect();
            let records: Vec<u64> = rules.iter().map(|(r, _)| r.seq).collect();
            let live = rules.iter().any(|(_, a)| a.enabled && !a.notify.is_empty());
            let outcome = if live {
                Outcome::Pass
            } else if rules.is_empty() {
                ctx.missing(slot.end, format!("no alert rule observed in {}", slot.label))
            } else {
                Outcome::Fail(format!(
                    "alert rules in {} are disabled or notify nobody",
                    slot.label
                ))
            };
            let due = if live { to } else { slot.end };
            out.push(Check::new(ItemKind::Alert, name, i, due, outcome, records));
        }
    }
    out
}

/// Critical vendors and their assessments observed by the cutoff, oldest first.
fn critical_vendors<'a>(
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
fn no_vendors(ctx: &Ctx<'_>) -> Option<Check> {
    ctx.index.upto(K::VendorAssessment, ctx.cutoff).is_empty().then(|| {
        ctx.nothing_on_file(
            "vendor inventory",
            "no vendor assessment on file: vendors cannot be shown managed",
        )
    })
}

fn vendor_annual_review(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
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
fn vendor_latest_reviews(
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

fn incident_response_plan(ctx: &Ctx<'_>) -> Vec<Check> {
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
        let outcome = if gaps.is_empty() {
            Outcome::Pass
        } else {
            Outcome::Fail(format!("plan version {} lacks {}", plan.version, gaps.join(", ")))
        };
        out.push(Check::new(ItemKind::Document, id, i, to, outcome, vec![r.seq]));
    }
    out
}

fn annual_tabletop(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    let slots = ctx.annual_slots();
    let ranges: Vec<_> = slots.iter().map(|s| annual_range(s, t)).collect();
    let dates: Vec<(NaiveDate, u64)> =
        ctx.index.all(K::TabletopExercise).iter().map(|r| (r.date, r.seq)).collect();
    occurrences(
        ctx,
        &slots,
        &ranges,
        &dates,
        ItemKind::Occurrence,
        |s| format!("tabletop exercise {}", s.label),
        |s| format!("no tabletop exercise or simulated incident observed in {}", s.label),
    )
}

fn risk_register_complete(ctx: &Ctx<'_>) -> Vec<Check> {
    let mut out = Vec::new();
    let doc = "risk register";
    for (i, slot) in ctx.columns.iter().enumerate() {
        if slot.start > ctx.as_of {
            out.push(Check::new(ItemKind::Document, doc, i, slot.end, Outcome::NotYetDue, vec![]));
            continue;
        }
        let to = slot.end.min(ctx.cutoff);
        let Some((r, reg)) = typed!(ctx.index.upto(K::RiskRegister, to), RiskRegister).last()
        else {
            out.push(Check::new(
                ItemKind::Document,
                doc,
                i,
                slot.end,
                ctx.missing(slot.end, format!("no risk register in force in {}", slot.label)),
                vec![],
            ));
            continue;
        };
        if reg.risks.is_empty() {
            out.push(Check::new(
                ItemKind::Document,
                doc,
                i,
                to,
                Outcome::Fail("the register lists no risks".into()),
                vec![r.seq],
            ));
            continue;
        }
        for risk in &reg.risks {
            let mut gaps = Vec::new();
            if risk.likelihood.is_none() {
                gaps.push("likelihood");
            }
            if risk.impact.is_none() {
                gaps.push("impact");
            }
            if risk.treatment.is_none() {
                gaps.push("treatment");
            }
            let outcome = if gaps.is_empty() {
                Outcome::Pass
            } else {
                Outcome::Fail(format!("{}: no {}", risk.threat, gaps.join(", no ")))
            };
            out.push(Check::new(ItemKind::Risk, &risk.id, i, to, outcome, vec![r.seq]));
        }
    }
    out
}

fn risk_register_reviewed(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    let regs: Vec<_> = typed!(ctx.index.upto(K::RiskRegister, ctx.cutoff), RiskRegister).collect();
    let reviews: Vec<(NaiveDate, u64)> = regs
        .iter()
        .filter_map(|(r, g)| g.reviewed_on.or(g.approved_on).map(|d| (d.0, r.seq)))
        .collect();
    let dates: Vec<NaiveDate> = reviews.iter().map(|(d, _)| *d).collect();
    let doc = "risk register";
    let mut out = Vec::new();
    for (i, slot) in ctx.columns.iter().enumerate() {
        if slot.start > ctx.as_of {
            out.push(Check::new(ItemKind::Document, doc, i, slot.end, Outcome::NotYetDue, vec![]));
            continue;
        }
        let to = slot.end.min(ctx.as_of);
        let records: Vec<u64> = reviews.iter().filter(|(d, _)| *d <= to).map(|(_, s)| *s).collect();
        let gaps = currency_gaps(&dates, t.max_risk_review_age_days, slot.start, to);
        let outcome = if gaps.is_empty() {
            Outcome::Pass
        } else if dates.is_empty() {
            ctx.missing(slot.end.min(ctx.period.end()), "no reviewed risk register on file".into())
        } else {
            Outcome::Fail(
                describe_gaps(&gaps, t.max_risk_review_age_days).replace("approval", "review"),
            )
        };
        out.push(Check::new(ItemKind::Document, doc, i, to, outcome, records));
    }
    out
}

fn evidence_presence(ctx: &Ctx<'_>, cc: &CatalogControl) -> Vec<Check> {
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
