//! Sign-in credentials in the user lists: second factors and access keys.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::super::context::{Check, Ctx, Outcome, days_between, same, typed};
use crate::catalog::Thresholds;
use crate::model::{Account, AccountStatus, CredentialKind, EvidenceKind as K, ItemKind};

/// One check per account per declared system and quarter, from every user list of the
/// system observed in the quarter (clipped to the cutoff). `judge` returns `None` for an
/// account outside the population, else the reasons it deviates on the list's date (none:
/// it passes). A quarter without a user list of the system is missing.
fn per_account(
    ctx: &Ctx<'_>,
    judge: impl Fn(&Account, NaiveDate) -> Option<Vec<String>>,
) -> Vec<Check> {
    if ctx.systems.is_empty() {
        return vec![ctx.no_systems()];
    }
    let mut out = Vec::new();
    for system in &ctx.systems {
        for (i, slot) in ctx.columns.iter().enumerate() {
            let to = slot.end.min(ctx.cutoff);
            let lists: Vec<_> = if slot.start <= to {
                typed!(ctx.index.between(K::UserList, slot.start, to), UserList)
                    .filter(|(_, l)| same(&l.system, system))
                    .collect()
            } else {
                Vec::new()
            };
            if lists.is_empty() {
                let missing =
                    ctx.missing(slot.end, format!("no user list observed in {}", slot.label));
                out.push(Check::new(ItemKind::System, system, i, slot.end, missing, Vec::new()));
                continue;
            }
            // account -> (reasons, records)
            let mut per: BTreeMap<&str, (Vec<String>, Vec<u64>)> = BTreeMap::new();
            for (r, list) in &lists {
                for a in &list.accounts {
                    let Some(reasons) = judge(a, r.date) else { continue };
                    let entry = per.entry(a.account.as_str()).or_default();
                    for reason in reasons {
                        if !entry.0.contains(&reason) {
                            entry.0.push(reason);
                        }
                    }
                    entry.1.push(r.seq);
                }
            }
            for (account, (reasons, mut records)) in per {
                records.dedup();
                let outcome = if reasons.is_empty() {
                    Outcome::Pass
                } else {
                    Outcome::Fail(reasons.join("; "))
                };
                out.push(Check::new(
                    ItemKind::Account,
                    format!("{system}:{account}"),
                    i,
                    to,
                    outcome,
                    records,
                ));
            }
        }
    }
    out
}

/// How an account's reasons begin, so that the root account and administrators stand
/// out in the report.
fn who(a: &Account) -> &'static str {
    if a.root {
        "root account: "
    } else if a.privileged == Some(true) {
        "administrator: "
    } else {
        ""
    }
}

/// MFA: every usable account a person can sign in to interactively has a second factor
/// enrolled. Suspended and provisioned (not yet activated) accounts cannot be signed in
/// to; accounts marked non-interactive (key-only, service) are exempt, except the root
/// account, which can always sign in with its password. An account whose export does not
/// say whether it is interactive is taken as interactive, and one that does not report
/// MFA is not shown to have it.
pub(super) fn mfa_enabled(ctx: &Ctx<'_>) -> Vec<Check> {
    per_account(ctx, |a, _| {
        let usable = matches!(a.status, AccountStatus::Active | AccountStatus::Locked);
        if !usable || (!a.root && a.interactive == Some(false)) {
            return None;
        }
        Some(match a.mfa {
            Some(true) => Vec::new(),
            Some(false) => vec![format!("{}no second factor enrolled", who(a))],
            None => vec![format!("{}MFA not reported", who(a))],
        })
    })
}

/// Access keys: every active access key, on the date of the user list, was created or
/// last rotated at most `max_access_key_age_days` before and used at most
/// `max_access_key_unused_days` before (a key never used counts from its creation); a
/// root account holds no active access key. The population is the accounts holding an
/// active access key, and every root account.
pub(super) fn access_keys_rotated(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    let max_age = i64::from(t.max_access_key_age_days);
    let max_idle = i64::from(t.max_access_key_unused_days);
    per_account(ctx, |a, on| {
        let keys: Vec<_> = a
            .credentials
            .iter()
            .filter(|c| c.kind == CredentialKind::AccessKey && c.active)
            .collect();
        if keys.is_empty() && !a.root {
            return None;
        }
        let mut why = Vec::new();
        for k in keys {
            if a.root {
                why.push(format!("holds an active access key ({})", k.id));
            }
            let rotated = k.last_rotated_at.or(k.created_at).map(|ts| ts.date());
            match rotated {
                None => why.push(format!("access key {}: age not reported", k.id)),
                Some(d) => {
                    let age = days_between(d, on);
                    if age > max_age {
                        why.push(format!(
                            "access key {} not rotated for {age} days (at most {max_age} allowed)",
                            k.id
                        ));
                    }
                }
            }
            match (
                k.last_used_at.map(|ts| ts.date()),
                k.created_at.or(k.last_rotated_at).map(|ts| ts.date()),
            ) {
                (Some(used), _) => {
                    let idle = days_between(used, on);
                    if idle > max_idle {
                        why.push(format!(
                            "access key {} unused for {idle} days (at most {max_idle} allowed)",
                            k.id
                        ));
                    }
                }
                (None, Some(created)) => {
                    let idle = days_between(created, on);
                    if idle > max_idle {
                        why.push(format!(
                            "access key {} never used in the {idle} days since it was created (at most {max_idle} allowed)",
                            k.id
                        ));
                    }
                }
                (None, None) => {
                    why.push(format!("access key {}: last use not reported", k.id));
                }
            }
        }
        Some(why.into_iter().map(|w| format!("{}{w}", who(a))).collect())
    })
}
