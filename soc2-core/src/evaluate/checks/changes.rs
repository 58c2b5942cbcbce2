//! Change management: independent approval and branch protection.

use std::collections::BTreeMap;

use super::super::context::{Check, Ctx, Outcome, Rec, same, typed};
use super::quarterly_snapshots;
use crate::model::{EvidenceKind as K, ItemKind, Payload, ReviewState};

pub(super) fn independent_change_approval(ctx: &Ctx<'_>) -> Vec<Check> {
    if ctx.repositories.is_empty() {
        return vec![no_repositories(ctx)];
    }
    // The latest record of each change of a declared repository wins (a change may be
    // recorded twice); the change is named with the repository as declared. A direct push
    // has no number: its commit identifies it.
    type Key<'a> = (&'a str, Option<u64>, Option<&'a str>);
    let mut latest: BTreeMap<Key<'_>, (Rec<'_>, &crate::model::ChangeRecord)> = BTreeMap::new();
    // Names as declared come first: comparing without case for each of ~100,000 changes
    // and every declared repository was a measurable share of the evaluation.
    let declared = |name: &str| {
        ctx.repositories
            .iter()
            .find(|x| x.as_str() == name)
            .or_else(|| ctx.repositories.iter().find(|x| same(x, name)))
    };
    for (r, c) in typed!(ctx.index.upto(K::ChangeRecord, ctx.cutoff), ChangeRecord) {
        if let Some(repo) = declared(&c.repository) {
            let commit = if c.number.is_none() { c.merge_commit.as_deref() } else { None };
            latest.insert((repo.as_str(), c.number, commit), (r, c));
        }
    }
    // Changes known only from records typed in long after the fact (late, without importer
    // provenance) prove nothing: each is a deviation naming when it was recorded, unless a
    // timely record of the same change exists.
    let mut late: BTreeMap<Key<'_>, (Rec<'_>, &crate::model::ChangeRecord)> = BTreeMap::new();
    for (r, c) in typed!(ctx.index.late_excluded(K::ChangeRecord), ChangeRecord) {
        if let Some(repo) = declared(&c.repository) {
            let commit = if c.number.is_none() { c.merge_commit.as_deref() } else { None };
            let key = (repo.as_str(), c.number, commit);
            if !latest.contains_key(&key) {
                late.insert(key, (r, c));
            }
        }
    }
    if latest.is_empty() && late.is_empty() {
        return vec![ctx.nothing_on_file(
            "change records",
            "no change record on file: merged changes cannot be shown reviewed",
        )];
    }
    let mut out = Vec::new();
    for ((repo, number, commit), (r, c)) in late {
        let Some(merged) = c.merged_at else { continue };
        let day = merged.date();
        if day < ctx.period.start() || day > ctx.cutoff {
            continue;
        }
        out.push(Check::new(
            ItemKind::Change,
            change_name(repo, number, commit),
            ctx.column_of(day),
            day,
            Outcome::Fail(ctx.index.late_reason(&r)),
            vec![r.seq],
        ));
    }
    for ((repo, number, commit), (r, c)) in latest {
        let Some(merged) = c.merged_at else { continue };
        let day = merged.date();
        if day < ctx.period.start() || day > ctx.cutoff {
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
            change_name(repo, number, commit),
            ctx.column_of(day),
            day,
            outcome,
            vec![r.seq],
        ));
    }
    out
}

/// How a change is named in findings: `repo#12`, or for a direct push `repo@<commit>`.
fn change_name(repo: &str, number: Option<u64>, commit: Option<&str>) -> String {
    match (number, commit) {
        (Some(n), _) => format!("{repo}#{n}"),
        (None, Some(sha)) => format!("{repo}@{}", sha.chars().take(12).collect::<String>()),
        (None, None) => format!("{repo} (direct push)"),
    }
}

/// The check to return when the catalog declares no repository.
fn no_repositories(ctx: &Ctx<'_>) -> Check {
    ctx.nothing_on_file(
        "in-scope repositories",
        "no in-scope repository is declared in the catalog (scope.repositories): the repositories to test cannot be known from the evidence",
    )
}

pub(super) fn branch_protection(ctx: &Ctx<'_>) -> Vec<Check> {
    let repos = &ctx.repositories;
    if repos.is_empty() {
        return vec![no_repositories(ctx)];
    }
    let mut out = Vec::new();
    for repo in repos {
        out.extend(quarterly_snapshots(
            ctx,
            repo,
            K::BranchProtection,
            "branch protection settings",
            |p| match p {
                Payload::BranchProtection(b) if same(&b.repository, repo) => Some(b),
                _ => None,
            },
            |_, _, b, why| {
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
