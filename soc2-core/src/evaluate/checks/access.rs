//! Access reviews and access removal (AC-xx).

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use super::super::context::{
    Check, Ctx, Outcome, add_days, days_between, quarter_end, same, sub_days, typed,
};
use super::{occurrences, quarter_range, with_late};
use crate::catalog::Thresholds;
use crate::model::{AccountStatus, EvidenceKind as K, ItemKind, ReviewDecision};

pub(super) fn quarterly_access_review(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if ctx.systems.is_empty() {
        return vec![ctx.no_systems()];
    }
    let mut by_system: BTreeMap<String, Vec<(NaiveDate, u64)>> = BTreeMap::new();
    for (r, a) in typed!(ctx.index.all(K::AccessReview), AccessReview) {
        by_system.entry(a.system.trim().to_ascii_lowercase()).or_default().push((r.date, r.seq));
    }
    let mut late: BTreeMap<String, Vec<(NaiveDate, u64)>> = BTreeMap::new();
    for (r, a) in typed!(ctx.index.late_excluded(K::AccessReview), AccessReview) {
        late.entry(a.system.trim().to_ascii_lowercase()).or_default().push((r.event, r.seq));
    }
    let ranges: Vec<_> = ctx.columns.iter().map(|s| quarter_range(s, t)).collect();
    let mut out = Vec::new();
    for system in &ctx.systems {
        let key = system.to_ascii_lowercase();
        let dates = by_system.get(&key).map_or(&[][..], Vec::as_slice);
        let checks = occurrences(
            ctx,
            &ctx.columns,
            &ranges,
            dates,
            ItemKind::Occurrence,
            |s| format!("{system} {}", s.label),
            |s| format!("no access review of {system} observed in {}", s.label),
        );
        let late = late.get(&key).map_or(&[][..], Vec::as_slice);
        out.extend(with_late(ctx, checks, &ranges, late));
    }
    out
}

pub(super) fn access_review_completeness(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if ctx.systems.is_empty() {
        return vec![ctx.no_systems()];
    }
    let mut out = Vec::new();
    for system in &ctx.systems {
        let reviews: Vec<_> = typed!(ctx.index.all(K::AccessReview), AccessReview)
            .filter(|(_, a)| same(&a.system, system))
            .collect();
        let lists: Vec<_> = typed!(ctx.index.all(K::UserList), UserList)
            .filter(|(_, u)| same(&u.system, system))
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

pub(super) fn revoked_access_removed(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    let mut out = Vec::new();
    // Lists observed within the grace days after the period still show a removal.
    let lists: Vec<_> = typed!(ctx.index.all(K::UserList), UserList).collect();
    // Reviews done in the grace days after the period count for its last quarter, so
    // their revocations are due too (by the period's end plus the grace days).
    for (r, review) in typed!(reviews_of_period(ctx, t), AccessReview) {
        if r.date < ctx.period.start() {
            continue;
        }
        for acc in &review.accounts {
            if acc.decision != ReviewDecision::Revoke {
                continue;
            }
            let id = format!("{}:{}", review.system, acc.account);
            let col = ctx.column_of(r.date);
            // The first list of the system after the review (or after the revocation was
            // carried out, when that is recorded).
            let after = acc.actioned_at.map_or(r.at, |a| a.max(r.at));
            let next = lists.iter().find(|(l, u)| same(&u.system, &review.system) && l.at > after);
            // Due by the end of the next quarter; a decision of the period's last quarter
            // by the end of the period plus the grace days, never left pending forever.
            let due = quarter_end(add_days(quarter_end(r.date), 1))
                .min(add_days(ctx.period.end(), t.review_grace_days_after));
            let check = match next {
                None => ctx.missing(
                    due,
                    format!(
                        "revoked in the review of {}, but no later user list of {} shows it gone",
                        r.date, review.system
                    ),
                ),
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

pub(super) fn status_name(s: AccountStatus) -> &'static str {
    match s {
        AccountStatus::Active => "active",
        AccountStatus::Suspended => "suspended",
        AccountStatus::Provisioned => "provisioned",
        AccountStatus::Locked => "locked",
    }
}

pub(super) fn leaver_access_removed(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if !ctx.has_roster() {
        return vec![ctx.no_roster()];
    }
    let n = t.leaver_access_removal_days;
    let lists: Vec<_> =
        typed!(ctx.index.between(K::UserList, ctx.period.start(), ctx.cutoff), UserList)
            .filter(|(_, u)| ctx.systems.iter().any(|s| same(s, &u.system)))
            .collect();
    // Whose each account is (by its person, or its name as an id or alias), resolved once
    // rather than once per leaver: the lookups dominated evaluating 100,000 records.
    let owners: Vec<Vec<[Option<&str>; 2]>> = lists
        .iter()
        .map(|(_, u)| {
            u.accounts
                .iter()
                .map(|a| {
                    let owner = |name: &str| ctx.member(name).map(|x| x.person.id.as_str());
                    [a.person.as_deref().and_then(owner), owner(&a.account)]
                })
                .collect()
        })
        .collect();
    let mut out = Vec::new();
    for m in &ctx.members {
        let p = &m.person;
        let Some(end) = p.end_date.map(|d| d.0) else {
            continue;
        };
        if end > ctx.cutoff {
            continue;
        }
        let deadline = add_days(end, n);
        let mut lingering = Vec::new();
        let mut late = Vec::new();
        let mut records = m.records.clone();
        let mut seen_after = false;
        for ((l, u), owners) in lists.iter().zip(&owners) {
            if l.date <= deadline {
                continue;
            }
            seen_after = true;
            for (a, owner) in u.accounts.iter().zip(owners) {
                // An account is theirs by its person, its name, or one of their aliases.
                let theirs = owner.contains(&Some(p.id.as_str()));
                if !theirs {
                    continue;
                }
                if a.status != AccountStatus::Suspended {
                    lingering.push(format!("{}:{} on {}", u.system, a.account, l.date));
                    records.push(l.seq);
                } else if let Some(when) = a.status_changed_at
                    && when.date() > deadline
                {
                    let item = format!(
                        "{}:{} suspended on {}, {} days after leaving",
                        u.system,
                        a.account,
                        when.date(),
                        days_between(end, when.date())
                    );
                    if !late.contains(&item) {
                        late.push(item);
                    }
                    records.push(l.seq);
                }
            }
        }
        // Leavers from before the period matter only if their access lingers into it.
        if end < sub_days(ctx.period.start(), n) && lingering.is_empty() && late.is_empty() {
            continue;
        }
        records.sort_unstable();
        records.dedup();
        let col = ctx.column_of(deadline.min(ctx.period.end()));
        let left = match m.dropped_on {
            Some(d) => format!("left (dropped from the roster of {d})"),
            None => format!("left on {end}"),
        };
        let outcome = if !lingering.is_empty() || !late.is_empty() {
            let mut why = Vec::new();
            if !lingering.is_empty() {
                why.push(format!(
                    "accounts still active more than {n} days later: {}",
                    lingering.join(", ")
                ));
            }
            if !late.is_empty() {
                why.push(format!("access removed more than {n} days later: {}", late.join(", ")));
            }
            Outcome::Fail(format!("{left}; {}", why.join("; ")))
        } else if seen_after {
            Outcome::Pass
        } else if deadline > ctx.period.end() {
            Outcome::NotYetDue
        } else {
            let due = quarter_end(deadline).min(ctx.period.end());
            ctx.missing(
                due,
                format!("{left}; no user list observed after {deadline} shows the access removed"),
            )
        };
        out.push(Check::new(ItemKind::Person, &p.id, col, deadline, outcome, records));
    }
    out
}

/// Access reviews of the declared systems observed in the period (with the grace days
/// around it, as the quarterly review counts them, up to `as_of`).
fn reviews_of_period<'a>(ctx: &'a Ctx<'a>, t: &Thresholds) -> &'a [super::super::context::Rec<'a>] {
    let to = add_days(ctx.period.end(), t.review_grace_days_after).min(ctx.as_of);
    ctx.index.between(K::AccessReview, sub_days(ctx.period.start(), t.review_grace_days_before), to)
}

/// Reviewer independence: in every access review of a declared system, the reviewer
/// keeps or modifies no account of their own (matched by account name, its person, the
/// reviewer's id, e-mail or aliases), and, where the catalog declares the system's owner,
/// the reviewer is that owner (or, for a review of the owner's own accounts only,
/// someone else).
pub(super) fn access_review_independence(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    if ctx.systems.is_empty() {
        return vec![ctx.no_systems()];
    }
    let mut out = Vec::new();
    for (r, a) in typed!(reviews_of_period(ctx, t), AccessReview) {
        let Some(system) = ctx.systems.iter().find(|s| same(s, &a.system)) else {
            continue; // undeclared: a warning in the report
        };
        let reviewer = ctx.member(&a.reviewer).map(|m| m.person.id.as_str());
        // Whether a name (account, e-mail, alias) is the reviewer's.
        let is_reviewer = |name: &str| {
            same(name, &a.reviewer)
                || reviewer.is_some_and(|id| ctx.member(name).is_some_and(|m| m.person.id == id))
        };
        let mut why = Vec::new();
        let own: Vec<&str> = a
            .accounts
            .iter()
            .filter(|x| x.decision != ReviewDecision::Revoke)
            .filter(|x| {
                [x.person.as_deref(), Some(x.account.as_str())]
                    .into_iter()
                    .flatten()
                    .any(is_reviewer)
            })
            .map(|x| x.account.as_str())
            .collect();
        if !own.is_empty() {
            why.push(format!(
                "the reviewer {} decided on their own account: {}",
                a.reviewer,
                own.join(", ")
            ));
        }
        let owners: Vec<&str> = ctx
            .scope
            .system_owners
            .iter()
            .filter(|o| same(&o.system, system))
            .map(|o| o.owner.as_str())
            .collect();
        if !owners.is_empty() && !owners.iter().any(|o| is_reviewer(o)) {
            // Someone other than the owner may decide only on the owner's own accounts
            // (which the owner may not decide on).
            let owner_ids: Vec<&str> =
                owners.iter().filter_map(|o| ctx.member(o).map(|m| m.person.id.as_str())).collect();
            let is_owners = |name: &str| {
                owners.iter().any(|o| same(o, name))
                    || ctx.member(name).is_some_and(|m| owner_ids.contains(&m.person.id.as_str()))
            };
            let others = a
                .accounts
                .iter()
                .filter(|x| {
                    ![x.person.as_deref(), Some(x.account.as_str())]
                        .into_iter()
                        .flatten()
                        .any(is_owners)
                })
                .count();
            if others > 0 {
                why.push(format!(
                    "reviewed by {}, not by the system's owner {} ({others} account(s) not the owner's)",
                    a.reviewer,
                    owners.join(" or ")
                ));
            }
        }
        let outcome = if why.is_empty() { Outcome::Pass } else { Outcome::Fail(why.join("; ")) };
        out.push(Check::new(
            ItemKind::Occurrence,
            format!("{system} review of {}", r.date),
            ctx.column_of(r.date),
            r.date,
            outcome,
            vec![r.seq],
        ));
    }
    out
}
