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
