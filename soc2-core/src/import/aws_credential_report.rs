//! `aws-credential-report`: the IAM credential report, as the CSV itself
//! (`aws iam get-credential-report --query Content --output text | base64 -d`) or as the
//! GetCredentialReport response (`aws iam get-credential-report`, `Content` base64-encoded,
//! or already decoded as boto3 returns it).
//!
//! Columns are read by their header name (AWS documents 22; more are tolerated and counted
//! as a warning). The report lists every IAM user of the account and the root user, so the
//! population is complete.

use base64::Engine;
use serde_json::Value;

use super::Item;
use super::capture::{Body, Page};
use super::error::ImportError;
use super::toolkit::{At, Ctx, report_duplicates};
use crate::model::{
    Account, AccountStatus, Completeness, Credential, CredentialKind, Payload, Timestamp, UserList,
};

const SOURCE: &str = "aws-credential-report";
const ROOT: &str = "<root_account>";
/// The columns AWS documents, in order.
const COLUMNS: [&str; 22] = [
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
];
/// The credential slots: id, kind, and the active, last-rotated and last-used columns.
type Slot = (&'static str, CredentialKind, &'static str, &'static str, Option<&'static str>);
const SLOTS: &[Slot] = &[
    (
        "access_key_1",
        CredentialKind::AccessKey,
        "access_key_1_active",
        "access_key_1_last_rotated",
        Some("access_key_1_last_used_date"),
    ),
    (
        "access_key_2",
        CredentialKind::AccessKey,
        "access_key_2_active",
        "access_key_2_last_rotated",
        Some("access_key_2_last_used_date"),
    ),
    ("cert_1", CredentialKind::Certificate, "cert_1_active", "cert_1_last_rotated", None),
    ("cert_2", CredentialKind::Certificate, "cert_2_active", "cert_2_last_rotated", None),
];
/// Columns without which the report cannot be read.
const REQUIRED: [&str; 4] = ["user", "arn", "password_enabled", "mfa_active"];

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], system: &str) -> Result<Vec<Item>, ImportError> {
    if pages.len() != 1 {
        let files: Vec<&str> = pages.iter().map(|p| p.file.as_str()).collect();
        return Err(ImportError::malformed(
            files.last().copied().unwrap_or(""),
            0,
            None,
            format!(
                "a credential report is one file; {} responses were given ({})",
                pages.len(),
                files.join(", ")
            ),
        ));
    }
    let page = &pages[0];
    let csv = report_csv(ctx, page)?;
    let (accounts, rows) = read_csv(ctx, &page.file, csv.as_bytes())?;
    let ids: Vec<(u64, &str)> =
        rows.iter().copied().zip(accounts.iter().map(|a| a.account.as_str())).collect();
    report_duplicates(ctx, &page.file, &ids);
    ctx.completeness(
        Completeness::Complete,
        Some("the credential report lists every IAM user and the root user".into()),
    );
    Ok(vec![Item::at_export(Payload::UserList(UserList { system: system.to_owned(), accounts }))])
}

/// The CSV text, from a bare CSV or a GetCredentialReport response.
fn report_csv(ctx: &mut Ctx, page: &Page) -> Result<String, ImportError> {
    let file = page.file.as_str();
    if let Some(status) = page.capture.as_ref().and_then(|c| c.status)
        && status >= 400
    {
        let body = page.json(SOURCE).unwrap_or(Value::Null);
        let code = body
            .pointer("/Error/Code")
            .and_then(Value::as_str)
            .unwrap_or("no error code")
            .to_owned();
        let hint = match code.as_str() {
            "ReportNotPresent" => ": run `aws iam generate-credential-report` first",
            "ReportInProgress" => ": the report is still being generated; fetch it again",
            "ReportExpired" => ": the report is older than 4 hours; generate a new one",
            _ => "",
        };
        return Err(ImportError::ErrorResponse {
            file: file.to_owned(),
            status,
            reason: format!("{code}{hint}"),
        });
    }
    let json = match &page.body {
        Body::Json(v) => Some(v.clone()),
        Body::Bytes(b) => {
            let first = b.iter().find(|c| !c.is_ascii_whitespace());
            if matches!(first, Some(b'{' | b'[')) { Some(page.json(SOURCE)?) } else { None }
        }
    };
    let Some(json) = json else { return page.text() };
    let content = json.get("Content").and_then(Value::as_str).ok_or_else(|| {
        ImportError::wrong(file, SOURCE, "a JSON document without the report's `Content`")
    })?;
    if let Some(format) = json.get("ReportFormat").and_then(Value::as_str)
        && format != "text/csv"
    {
        return Err(ImportError::malformed(
            file,
            0,
            Some("ReportFormat"),
            format!("unsupported report format {format:?} (expected text/csv)"),
        ));
    }
    let at = At { file, row: 0, field: "GeneratedTime" };
    match json.get("GeneratedTime") {
        Some(Value::Object(_)) => {
            // boto3 recordings (placebo) write datetimes as objects; not AWS's wire form.
            ctx.warn(
                "generated_time_unreadable",
                "GeneratedTime is not a timestamp (a recording artefact) and was ignored",
                at,
            );
        }
        other => {
            if let Some(t) = ctx.json_timestamp(other, at)? {
                set_export_time(ctx, t);
            }
        }
    }
    if content.starts_with("user,") || content.starts_with("\u{feff}user,") {
        ctx.warn(
            "content_decoded",
            "Content was already decoded (not base64)",
            At { file, row: 0, field: "Content" },
        );
        return Ok(content.to_owned());
    }
    let cleaned: String = content.chars().filter(|c| !c.is_ascii_whitespace()).collect();
    let bytes = base64::engine::general_purpose::STANDARD.decode(cleaned).map_err(|e| {
        ImportError::malformed(file, 0, Some("Content"), format!("neither CSV nor base64: {e}"))
    })?;
    String::from_utf8(bytes).map_err(|_| {
        ImportError::malformed(file, 0, Some("Content"), "decoded content is not UTF-8 text")
    })
}

fn set_export_time(ctx: &mut Ctx, t: Timestamp) {
    ctx.export_time = Some(t);
    if ctx.reference.is_none() {
        ctx.reference = Some(t);
    }
}

fn read_csv(
    ctx: &mut Ctx,
    file: &str,
    bytes: &[u8],
) -> Result<(Vec<Account>, Vec<u64>), ImportError> {
    let mut reader = csv::ReaderBuilder::new().has_headers(true).flexible(false).from_reader(bytes);
    let headers = reader
        .headers()
        .map_err(|e| ImportError::malformed(file, 1, None, format!("unreadable header: {e}")))?
        .clone();
    let names: Vec<String> =
        headers.iter().map(|h| h.trim().trim_start_matches('\u{feff}').to_owned()).collect();
    if names.first().map(String::as_str) != Some("user") || !names.iter().any(|n| n == "arn") {
        return Err(ImportError::wrong(
            file,
            SOURCE,
            format!(
                "the first line is not the credential report's header (user,arn,...): {:?}",
                headers.iter().take(4).collect::<Vec<_>>().join(",")
            ),
        ));
    }
    for r in REQUIRED {
        if !names.iter().any(|n| n == r) {
            return Err(ImportError::malformed(file, 1, Some(r), "required column missing"));
        }
    }
    for n in &names {
        if !COLUMNS.contains(&n.as_str()) {
            ctx.warn(
                "unknown_column",
                "a column AWS does not document was ignored",
                At { file, row: 1, field: n },
            );
        }
    }
    let col = |name: &str| names.iter().position(|n| n == name);
    let mut accounts = Vec::new();
    let mut rows = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line());
            let reason = match e.kind() {
                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!(
                    "{len} fields where the header has {expected_len} (a truncated or damaged row)"
                ),
                _ => e.to_string(),
            };
            ImportError::malformed(file, line, None, reason)
        })?;
        let row = record.position().map_or(0, |p| p.line());
        ctx.rows_read += 1;
        let get = |name: &str| col(name).and_then(|i| record.get(i)).unwrap_or("");
        let at = |field: &'static str| At { file, row, field };
        let at = &at;
        let user = get("user").trim().to_owned();
        if user.is_empty() {
            ctx.skip(file, row, "no user name");
            continue;
        }
        let root = user == ROOT;
        let mut a = Account::new(user.clone(), AccountStatus::Active);
        a.root = root;
        if root {
            a.privileged = Some(true);
        }
        a.created_at = ctx.timestamp(get("user_creation_time"), at("user_creation_time"))?;
        let password = ctx.boolean(get("password_enabled"), at("password_enabled"))?;
        // The root user always signs in with a password (AWS writes `not_supported`).
        a.interactive = if root { Some(true) } else { password };
        a.mfa = ctx.boolean(get("mfa_active"), at("mfa_active"))?;
        let mut last_used = ctx.timestamp(get("password_last_used"), at("password_last_used"))?;
        for &(slot, kind, active_col, rotated_col, used_col) in SLOTS {
            let active = ctx.boolean(get(active_col), at(active_col))?.unwrap_or(false);
            let rotated = ctx.timestamp(get(rotated_col), at(rotated_col))?;
            let used = match used_col {
                Some(c) => ctx.timestamp(get(c), at(c))?,
                None => None,
            };
            // AWS writes N/A for the dates of a key that is not active: a slot with
            // neither is empty.
            if !active && rotated.is_none() {
                continue;
            }
            if used.is_some() && (last_used.is_none() || used > last_used) {
                last_used = used;
            }
            a.credentials.push(Credential {
                kind,
                id: slot.to_owned(),
                active,
                created_at: None,
                last_rotated_at: rotated,
                last_used_at: used,
            });
        }
        a.last_used_at = last_used;
        ctx.rows_kept += 1;
        rows.push(row);
        accounts.push(a);
    }
    if ctx.rows_read == 0 {
        return Err(ImportError::malformed(
            file,
            0,
            None,
            "the report has a header but no user (every report lists at least the root user)",
        ));
    }
    Ok((accounts, rows))
}
