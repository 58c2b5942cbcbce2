//! `okta-users`: Okta Management API user pages, optionally each user's factors, become
//! one user list.
//!
//! Inputs (any mix, each a bare body or a capture, several pages each):
//! - `GET /api/v1/users` pages (a JSON list of User objects), or one
//!   `GET /api/v1/users/{id}` object. Okta pages with a cursor: each response's `Link`
//!   header has `rel="self"` and, unless it is the last page, `rel="next"` (`after=`). With
//!   captures, every `next` link must be among the inputs, exactly one page may lack one,
//!   and the first page (no `after=`) must be there.
//! - optionally `GET /api/v1/users/{id}/factors` lists: the user is taken from the
//!   captured URL or from each factor's `_links.user.href`. A user whose factors were given
//!   has `mfa` true when at least one factor is `ACTIVE`; without factors, `mfa` is absent
//!   (the user list does not say).
//!
//! A `search=`, `filter=` or `q=` query marks the population filtered. An unfiltered list
//! leaves `DEPROVISIONED` users out, as Okta documents: they hold no access.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Item;
use super::capture::{Page, link_completeness, query_param};
use super::error::ImportError;
use super::toolkit::{At, Ctx, report_duplicates};
use crate::model::{Account, AccountStatus, Completeness, Payload, UserList};

const SOURCE: &str = "okta-users";

/// What one page holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Users,
    Factors,
}

/// The user id in a `.../users/{id}/factors...` URL.
fn factor_owner(url: &str) -> Option<String> {
    let (_, rest) = url.split_once("/users/")?;
    let (id, tail) = rest.split_once('/')?;
    (tail.starts_with("factors") && !id.is_empty()).then(|| id.to_owned())
}

fn classify(page: &Page, body: &Value) -> Result<Kind, ImportError> {
    let url = page.capture.as_ref().and_then(|c| c.endpoint()).unwrap_or_default();
    if factor_owner(&url).is_some() {
        return Ok(Kind::Factors);
    }
    let first = match body {
        Value::Array(a) => match a.first() {
            Some(f) => f,
            None => return Ok(Kind::Users),
        },
        Value::Object(_) => body,
        _ => return Err(ImportError::wrong(&page.file, SOURCE, "neither a list nor an object")),
    };
    let has = |k: &str| first.get(k).is_some();
    if has("factorType") {
        Ok(Kind::Factors)
    } else if has("id") && has("status") && first.get("profile").is_some_and(Value::is_object) {
        Ok(Kind::Users)
    } else if has("errorCode") || has("errorSummary") {
        Err(ImportError::wrong(
            &page.file,
            SOURCE,
            format!(
                "an Okta error response: {}",
                first.get("errorSummary").and_then(Value::as_str).unwrap_or("")
            ),
        ))
    } else {
        Err(ImportError::wrong(
            &page.file,
            SOURCE,
            "not Okta users or factors (no `id`/`status`/`profile`, nor `factorType`)",
        ))
    }
}

fn items(body: &Value) -> Vec<&Value> {
    match body {
        Value::Array(a) => a.iter().collect(),
        other => vec![other],
    }
}

/// The name soc2 gives an Okta factor type (`mfa_methods`).
fn method_name(factor_type: &str) -> Option<&'static str> {
    Some(match factor_type {
        "token:software:totp" => "totp",
        "token:hotp" => "hotp",
        "token" | "token:hardware" => "hardware_token",
        "push" => "push",
        "signed_nonce" => "fastpass",
        "webauthn" | "u2f" => "webauthn",
        "sms" => "sms",
        "call" => "voice",
        "email" => "email",
        "question" => "security_question",
        "web" => "duo",
        _ => return None,
    })
}

struct User {
    id: String,
    account: Account,
    file: String,
    row: u64,
}

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], system: &str) -> Result<Vec<Item>, ImportError> {
    let mut users: Vec<User> = Vec::new();
    // user id -> (active methods, whether any factor is active)
    let mut factors: BTreeMap<String, (BTreeSet<String>, bool)> = BTreeMap::new();
    let mut user_pages: Vec<&Page> = Vec::new();
    let mut single_user = false;
    for page in pages {
        let body = page.json(SOURCE)?;
        let kind = classify(page, &body)?;
        let url = page.capture.as_ref().and_then(|c| c.endpoint()).unwrap_or_default();
        match kind {
            Kind::Users => {
                if body.is_object() {
                    single_user = true;
                } else {
                    user_pages.push(page);
                }
                for (i, item) in items(&body).into_iter().enumerate() {
                    let row = i as u64 + 1;
                    ctx.rows_read += 1;
                    if let Some(u) = read_user(ctx, item, &page.file, row)? {
                        users.push(u);
                    }
                }
            }
            Kind::Factors => {
                let from_url = factor_owner(&url);
                if from_url.is_some() {
                    // An empty list is a user without factors: recorded as such.
                    factors.entry(from_url.clone().unwrap_or_default()).or_default();
                }
                let list = items(&body);
                if from_url.is_none() && list.is_empty() {
                    ctx.warn(
                        "factors_without_user",
                        "an empty factor list whose user is unknown (capture it to name the user)",
                        At { file: &page.file, row: 0, field: "" },
                    );
                }
                for (i, f) in list.into_iter().enumerate() {
                    let row = i as u64 + 1;
                    read_factor(ctx, f, from_url.as_deref(), &page.file, row, &mut factors)?;
                }
            }
        }
    }
    let given_factors = !factors.is_empty();
    let ids: BTreeSet<&str> = users.iter().map(|u| u.id.as_str()).collect();
    for id in factors.keys() {
        if !ids.contains(id.as_str()) {
            ctx.warn(
                "factors_without_user",
                "factors were given for a user who is not in the user list (ignored)",
                At { file: "", row: 0, field: "" },
            );
        }
    }
    let mut accounts = Vec::with_capacity(users.len());
    let mut places = Vec::with_capacity(users.len());
    for u in users {
        let mut a = u.account;
        match factors.get(&u.id) {
            Some((methods, active)) => {
                a.mfa = Some(*active);
                a.mfa_methods = methods.iter().cloned().collect();
            }
            None if given_factors => ctx.warn(
                "factors_not_given",
                "factors were given for some users but not this one: its MFA is unknown",
                At { file: &u.file, row: u.row, field: "id" },
            ),
            None => {}
        }
        ctx.rows_kept += 1;
        places.push((u.file, u.row));
        accounts.push(a);
    }
    // Duplicates are reported at the first file's row of the repeat.
    let ids: Vec<(u64, &str)> =
        places.iter().map(|p| p.1).zip(accounts.iter().map(|a| a.account.as_str())).collect();
    if let Some((file, _)) = places.first() {
        report_duplicates(ctx, file, &ids);
    }
    completeness(ctx, &user_pages, single_user)?;
    Ok(vec![Item::at_export(Payload::UserList(UserList { system: system.to_owned(), accounts }))])
}

fn read_user(
    ctx: &mut Ctx,
    item: &Value,
    file: &str,
    row: u64,
) -> Result<Option<User>, ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let bad = |field: &str, why: &str| ImportError::malformed(file, row, Some(field), why);
    let Some(id) = item.get("id").and_then(Value::as_str).filter(|s| !s.is_empty()) else {
        return Err(bad("id", "a user without an id"));
    };
    let status = item.get("status").and_then(Value::as_str).unwrap_or("");
    let status = match status {
        "ACTIVE" | "PASSWORD_EXPIRED" | "RECOVERY" => AccountStatus::Active,
        "LOCKED_OUT" => AccountStatus::Locked,
        "SUSPENDED" | "DEPROVISIONED" => AccountStatus::Suspended,
        "STAGED" | "PROVISIONED" | "ACTIVATING" => AccountStatus::Provisioned,
        other => return Err(bad("status", &format!("unknown Okta user status {other:?}"))),
    };
    if item.get("transitioningToStatus").is_some_and(|v| !v.is_null()) {
        ctx.warn(
            "status_transitioning",
            "a user was changing status when exported (its current status is kept)",
            at("transitioningToStatus"),
        );
    }
    let profile = item.get("profile").ok_or_else(|| bad("profile", "a user without a profile"))?;
    let login = ctx
        .json_text(profile.get("login"), at("profile.login"))
        .ok_or_else(|| bad("profile.login", "a user without a login"))?;
    let mut a = Account::new(login, status);
    a.person = ctx.json_text(profile.get("email"), at("profile.email"));
    // Every Okta user is a person's sign-in identity (Okta has no key-only users).
    a.interactive = Some(true);
    a.created_at = ctx.json_timestamp(item.get("created"), at("created"))?;
    a.last_used_at = ctx.json_timestamp(item.get("lastLogin"), at("lastLogin"))?;
    a.status_changed_at = ctx.json_timestamp(item.get("statusChanged"), at("statusChanged"))?;
    Ok(Some(User { id: id.to_owned(), account: a, file: file.to_owned(), row }))
}

fn read_factor(
    ctx: &mut Ctx,
    f: &Value,
    owner: Option<&str>,
    file: &str,
    row: u64,
    factors: &mut BTreeMap<String, (BTreeSet<String>, bool)>,
) -> Result<(), ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let Some(kind) = f.get("factorType").and_then(Value::as_str) else {
        return Err(ImportError::malformed(
            file,
            row,
            Some("factorType"),
            "a factor without a type",
        ));
    };
    let from_link = f
        .pointer("/_links/user/href")
        .and_then(Value::as_str)
        .and_then(|h| h.trim_end_matches('/').rsplit('/').next())
        .map(str::to_owned);
    let user = match (owner, from_link) {
        (Some(o), Some(l)) if o != l => {
            return Err(ImportError::malformed(
                file,
                row,
                Some("_links.user.href"),
                format!("a factor of user {l} in the factor list of user {o}"),
            ));
        }
        (Some(o), _) => o.to_owned(),
        (None, Some(l)) => l,
        (None, None) => {
            ctx.warn(
                "factors_without_user",
                "a factor whose user is unknown (no captured URL, no _links.user) was ignored",
                at("_links.user.href"),
            );
            return Ok(());
        }
    };
    let entry = factors.entry(user).or_default();
    if kind == "password" {
        // Not a second factor.
        return Ok(());
    }
    let status = f.get("status").and_then(Value::as_str).unwrap_or("");
    if status != "ACTIVE" {
        ctx.warn(
            "factor_not_active",
            "a factor that is not ACTIVE (e.g. PENDING_ACTIVATION) does not count as MFA",
            at("status"),
        );
        return Ok(());
    }
    let name = match method_name(kind) {
        Some(n) => n.to_owned(),
        None => {
            ctx.warn(
                "factor_type_unknown",
                "a factor type soc2 does not know was kept",
                at("factorType"),
            );
            kind.to_owned()
        }
    };
    entry.0.insert(name);
    entry.1 = true;
    Ok(())
}

/// The query of a page: its captured URL's, else its `self` link's.
fn page_url(p: &Page) -> Option<String> {
    let c = p.capture.as_ref()?;
    if c.url.as_deref().is_some_and(|u| u.contains('?')) {
        return c.url.clone();
    }
    let rels = c.links().unwrap_or_default();
    rels.into_iter().find(|(r, _)| r == "self").map(|(_, u)| u).or_else(|| c.url.clone())
}

fn completeness(ctx: &mut Ctx, pages: &[&Page], single_user: bool) -> Result<(), ImportError> {
    if single_user {
        ctx.completeness(
            Completeness::Unknown,
            Some("a single user object (GET /api/v1/users/{id}) is not a listing".into()),
        );
    }
    if pages.is_empty() {
        return Ok(());
    }
    for p in pages {
        let Some(url) = page_url(p) else { continue };
        for param in ["search", "filter", "q"] {
            if let Some(v) = query_param(&url, param) {
                ctx.completeness(
                    Completeness::Filtered,
                    Some(format!("{}: the listing was fetched with {param}={v}", p.file)),
                );
                return Ok(());
            }
        }
    }
    if let Some(p) =
        pages.iter().find(|p| p.capture.as_ref().is_some_and(|c| c.header("link").is_none()))
    {
        ctx.completeness(
            Completeness::Unknown,
            Some(format!(
                "{}: the capture has no Link header, so other pages cannot be ruled out",
                p.file
            )),
        );
        return Ok(());
    }
    let (c, why) = link_completeness(pages)?;
    if c == Completeness::Complete {
        // The cursor chain cannot show that its head is there: the first page has no
        // `after=` cursor.
        let cursors: Vec<bool> = pages
            .iter()
            .map(|p| page_url(p).and_then(|u| query_param(&u, "after")).is_some())
            .collect();
        if cursors.iter().all(|&c| c) {
            return Err(ImportError::MissingPages {
                reason: "every page given was fetched with an `after=` cursor: the first page \
                         (without one) is not among the inputs"
                    .into(),
            });
        }
        ctx.completeness(
            c,
            Some(format!(
                "{why}; an unfiltered Okta listing leaves out DEPROVISIONED users, who hold no access"
            )),
        );
    } else {
        ctx.completeness(c, Some(why));
    }
    Ok(())
}
