//! `google-users`: Google Workspace Admin SDK Directory API `users.list` pages
//! (`GET https://admin.googleapis.com/admin/directory/v1/users?customer=my_customer`)
//! become one user list.
//!
//! Each page is `{"kind": "admin#directory#users", "users": [...], "nextPageToken": ...}`
//! (an empty last page may have no `users`); one `users.get` object
//! (`"kind": "admin#directory#user"`) is accepted too. The page chain is checked from the
//! bodies: exactly one page may lack `nextPageToken`. With captured URLs, every
//! `nextPageToken` must be the `pageToken=` of another page and the first page (without
//! `pageToken=`) must be there; then the population is complete. A `query=` or `domain=`
//! request, or `showDeleted=true`, is a filtered (or other) population.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Item;
use super::capture::{Page, query_param};
use super::error::ImportError;
use super::toolkit::{At, Ctx, report_duplicates};
use crate::model::{Account, AccountStatus, Completeness, Payload, UserList};

const SOURCE: &str = "google-users";

/// One users.list page, as far as pagination goes.
struct ListPage<'a> {
    page: &'a Page,
    next: Option<String>,
}

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], system: &str) -> Result<Vec<Item>, ImportError> {
    let mut accounts = Vec::new();
    let mut places: Vec<u64> = Vec::new();
    let mut lists: Vec<ListPage<'_>> = Vec::new();
    let mut single = false;
    for page in pages {
        let body = page.json(SOURCE)?;
        let file = page.file.as_str();
        let kind = body.get("kind").and_then(Value::as_str).unwrap_or("");
        let users: Vec<&Value> = match kind {
            "admin#directory#users" => {
                let next = body
                    .get("nextPageToken")
                    .and_then(Value::as_str)
                    .filter(|t| !t.is_empty())
                    .map(str::to_owned);
                lists.push(ListPage { page, next });
                match body.get("users") {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::Array(a)) => a.iter().collect(),
                    Some(_) => {
                        return Err(ImportError::malformed(
                            file,
                            0,
                            Some("users"),
                            "expected a list of users",
                        ));
                    }
                }
            }
            "admin#directory#user" => {
                single = true;
                vec![&body]
            }
            _ => return Err(wrong_source(file, &body)),
        };
        for (i, u) in users.into_iter().enumerate() {
            let row = i as u64 + 1;
            ctx.rows_read += 1;
            if let Some(a) = read_user(ctx, u, file, row)? {
                ctx.rows_kept += 1;
                places.push(row);
                accounts.push(a);
            }
        }
    }
    if let Some(first) = pages.first() {
        let ids: Vec<(u64, &str)> =
            places.iter().copied().zip(accounts.iter().map(|a| a.account.as_str())).collect();
        report_duplicates(ctx, &first.file, &ids);
    }
    completeness(ctx, &lists, single)?;
    Ok(vec![Item::at_export(Payload::UserList(UserList { system: system.to_owned(), accounts }))])
}

fn wrong_source(file: &str, body: &Value) -> ImportError {
    if let Some(m) = body.pointer("/error/message").and_then(Value::as_str) {
        return ImportError::wrong(file, SOURCE, format!("a Google API error: {m}"));
    }
    let what = match body.get("kind").and_then(Value::as_str) {
        Some(k) => format!("a response of kind {k:?}, not admin#directory#users"),
        None => "no `kind: admin#directory#users` (not a Directory API users.list page)".into(),
    };
    ImportError::wrong(file, SOURCE, what)
}

fn read_user(
    ctx: &mut Ctx,
    u: &Value,
    file: &str,
    row: u64,
) -> Result<Option<Account>, ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let Some(email) = ctx.json_text(u.get("primaryEmail"), at("primaryEmail")) else {
        return Err(ImportError::malformed(
            file,
            row,
            Some("primaryEmail"),
            "a user without a primary e-mail",
        ));
    };
    if u.get("deletionTime").is_some_and(|v| !v.is_null()) {
        // Listed only with showDeleted=true: no longer an account.
        ctx.skip(file, row, format!("{email}: deleted (deletionTime set)"));
        return Ok(None);
    }
    let suspended = ctx.json_bool(u.get("suspended"), at("suspended"))?.unwrap_or(false);
    let archived = ctx.json_bool(u.get("archived"), at("archived"))?.unwrap_or(false);
    let status =
        if suspended || archived { AccountStatus::Suspended } else { AccountStatus::Active };
    let mut a = Account::new(email.clone(), status);
    a.person = Some(email);
    // Directory users sign in interactively (service accounts are not directory users).
    a.interactive = Some(true);
    let admin = ctx.json_bool(u.get("isAdmin"), at("isAdmin"))?;
    let delegated = ctx.json_bool(u.get("isDelegatedAdmin"), at("isDelegatedAdmin"))?;
    a.privileged = match (admin, delegated) {
        (None, None) => None,
        (x, y) => Some(x.unwrap_or(false) || y.unwrap_or(false)),
    };
    if admin == Some(true) {
        a.roles.push("super_admin".into());
    }
    if delegated == Some(true) {
        a.roles.push("delegated_admin".into());
    }
    if archived {
        a.roles.push("archived".into());
    }
    a.mfa = ctx.json_bool(u.get("isEnrolledIn2Sv"), at("isEnrolledIn2Sv"))?;
    a.mfa_enforced = ctx.json_bool(u.get("isEnforcedIn2Sv"), at("isEnforcedIn2Sv"))?;
    a.created_at = ctx.json_timestamp(u.get("creationTime"), at("creationTime"))?;
    let last = ctx.json_timestamp(u.get("lastLoginTime"), at("lastLoginTime"))?;
    // Google writes the epoch for "never signed in".
    a.last_used_at = match last {
        Some(t) if t.unix_seconds() == 0 => {
            ctx.warn(
                "epoch_as_never",
                "lastLoginTime 1970-01-01T00:00:00Z (never signed in) was read as absent",
                at("lastLoginTime"),
            );
            None
        }
        other => other,
    };
    Ok(Some(a))
}

fn completeness(ctx: &mut Ctx, lists: &[ListPage<'_>], single: bool) -> Result<(), ImportError> {
    if single {
        ctx.completeness(
            Completeness::Unknown,
            Some("a single user (users.get) is not a listing".into()),
        );
    }
    if lists.is_empty() {
        return Ok(());
    }
    let last_pages = lists.iter().filter(|l| l.next.is_none()).count();
    if last_pages == 0 {
        return Err(ImportError::MissingPages {
            reason: "every page given has a nextPageToken: the last page is not among the inputs"
                .into(),
        });
    }
    if last_pages > 1 {
        return Err(ImportError::MissingPages {
            reason: format!(
                "{last_pages} pages have no nextPageToken: they are the last pages of \
                 different listings, not one population"
            ),
        });
    }
    let urls: Vec<Option<&str>> =
        lists.iter().map(|l| l.page.capture.as_ref().and_then(|c| c.url.as_deref())).collect();
    for (l, url) in lists.iter().zip(&urls) {
        let Some(url) = url else { continue };
        for param in ["query", "domain"] {
            if let Some(v) = query_param(url, param) {
                ctx.completeness(
                    Completeness::Filtered,
                    Some(format!("{}: the listing was fetched with {param}={v}", l.page.file)),
                );
            }
        }
        if query_param(url, "showDeleted").is_some_and(|v| v.eq_ignore_ascii_case("true")) {
            ctx.completeness(
                Completeness::Filtered,
                Some(format!(
                    "{}: showDeleted=true lists deleted users, not the current population",
                    l.page.file
                )),
            );
        }
    }
    if let Some(i) = urls.iter().position(Option::is_none) {
        ctx.completeness(
            Completeness::Unknown,
            Some(format!(
                "{} has no captured request URL: the page chain and any query= filter cannot \
                 be checked",
                lists[i].page.file
            )),
        );
        return Ok(());
    }
    let tokens: Vec<Option<String>> =
        urls.iter().map(|u| u.and_then(|u| query_param(u, "pageToken"))).collect();
    let have: BTreeSet<&str> = tokens.iter().flatten().map(String::as_str).collect();
    if tokens.iter().filter(|t| t.is_none()).count() != 1 {
        return Err(ImportError::MissingPages {
            reason: "expected exactly one first page (fetched without pageToken=)".into(),
        });
    }
    if have.len() != tokens.iter().flatten().count() {
        return Err(ImportError::MissingPages {
            reason: "a page is given twice (the same pageToken=)".into(),
        });
    }
    for l in lists {
        if let Some(next) = &l.next
            && !have.contains(next.as_str())
        {
            return Err(ImportError::MissingPages {
                reason: format!(
                    "{}: the page after it (pageToken={next}) is not among the inputs",
                    l.page.file
                ),
            });
        }
    }
    ctx.completeness(
        Completeness::Complete,
        Some(format!(
            "{} page(s), each nextPageToken followed, the first and the last present",
            lists.len()
        )),
    );
    Ok(())
}
