//! `jamf-computers`: Jamf Pro API `GET /api/v1/computers-inventory` pages become one
//! device inventory.
//!
//! Each page is `{"totalCount": N, "results": [ComputerInventory...]}`, paged with `page`
//! (from 0) and `page-size`; one `GET /api/v1/computers-inventory-detail/{id}` object is
//! accepted too. Jamf returns only the GENERAL section unless `section=` asks for more: a
//! device whose HARDWARE, OPERATING_SYSTEM, SECURITY, DISK_ENCRYPTION or USER_AND_LOCATION
//! section is absent has those settings absent, and each is counted. The devices read must
//! number `totalCount`; an RSQL `filter=` marks the population filtered.
//!
//! The Classic API's `GET /JSSResource/computers/subset/basic` (or the bare
//! `/JSSResource/computers`) list, `{"computers": [...]}`, is read too: one response with
//! every computer, and fewer facts (serial, `managed`, the last inventory report).

use std::collections::BTreeSet;

use serde_json::Value;

use super::Item;
use super::capture::{Page, query_param};
use super::error::ImportError;
use super::toolkit::{At, Ctx, DeviceRows, single_device};
use crate::model::{Completeness, Device, DeviceInventory, Payload, Platform};

const SOURCE: &str = "jamf-computers";

/// The sections of a ComputerInventory (Jamf Pro API); each result has at least one
/// (GENERAL unless `section=` asked for others).
const SECTIONS: &[&str] = &[
    "general",
    "hardware",
    "operatingSystem",
    "userAndLocation",
    "security",
    "diskEncryption",
    "purchasing",
    "applications",
    "storage",
    "configurationProfiles",
    "printers",
    "services",
    "localUserAccounts",
    "certificates",
    "attachments",
    "plugins",
    "packageReceipts",
    "fonts",
    "licensedSoftware",
    "ibeacons",
    "softwareUpdates",
    "extensionAttributes",
    "contentCaching",
    "groupMemberships",
];

struct ListPage<'a> {
    page: &'a Page,
    total: u64,
    rows: u64,
}

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], system: &str) -> Result<Vec<Item>, ImportError> {
    let mut devices = DeviceRows::default();
    let mut lists: Vec<ListPage<'_>> = Vec::new();
    let mut single = false;
    let mut classic: Vec<&Page> = Vec::new();
    for page in pages {
        let body = page.json(SOURCE)?;
        let file = page.file.as_str();
        let Some(obj) = body.as_object() else {
            return Err(ImportError::wrong(file, SOURCE, "not a Jamf Pro API response object"));
        };
        if let Some(list) = obj.get("computers") {
            // The Classic API: `GET /JSSResource/computers[/subset/basic]`, one response.
            let Value::Array(a) = list else {
                return Err(ImportError::malformed(file, 0, Some("computers"), "expected a list"));
            };
            classic.push(page);
            devices.read(ctx, file, (1..).zip(a), read_classic)?;
            continue;
        }
        if obj.get("computer").is_some_and(Value::is_object) {
            return Err(ImportError::wrong(
                file,
                SOURCE,
                "a Classic API computer record (JSSResource/computers/id/N) is not read: use the \
                 Jamf Pro API computers-inventory, or the Classic computers/subset/basic list",
            ));
        }
        let items: Vec<&Value> = match (obj.get("results"), obj.get("totalCount")) {
            (Some(Value::Array(a)), Some(t)) => {
                let total = t.as_u64().ok_or_else(|| {
                    ImportError::malformed(file, 0, Some("totalCount"), "expected a count")
                })?;
                if a.first().is_some_and(|r| r.get("computerId").is_some()) {
                    return Err(ImportError::wrong(
                        file,
                        SOURCE,
                        "a computers-inventory/filevault page (recovery keys), not the inventory",
                    ));
                }
                if let Some(r) = a.iter().find(|r| !SECTIONS.iter().any(|k| r.get(*k).is_some())) {
                    let keys: Vec<&str> = r
                        .as_object()
                        .map(|o| o.keys().take(6).map(String::as_str).collect())
                        .unwrap_or_default();
                    return Err(ImportError::wrong(
                        file,
                        SOURCE,
                        format!(
                            "a result without any computer inventory section (it has {keys:?}): \
                             mobile devices or another Jamf listing"
                        ),
                    ));
                }
                lists.push(ListPage { page, total, rows: a.len() as u64 });
                a.iter().collect()
            }
            (Some(_), Some(_)) => {
                return Err(ImportError::malformed(file, 0, Some("results"), "expected a list"));
            }
            _ if obj.contains_key("id") && obj.contains_key("general") => {
                single = true;
                vec![&body]
            }
            _ if obj.contains_key("httpStatus") && obj.contains_key("errors") => {
                return Err(ImportError::wrong(
                    file,
                    SOURCE,
                    format!("a Jamf Pro API error (httpStatus {})", obj["httpStatus"]),
                ));
            }
            _ => {
                return Err(ImportError::wrong(
                    file,
                    SOURCE,
                    "no `totalCount` and `results` (not a computers-inventory page)",
                ));
            }
        };
        devices.read(ctx, file, (1..).zip(items), read_computer)?;
    }
    if !classic.is_empty() {
        classic_completeness(ctx, &classic, !lists.is_empty() || single)?;
    } else {
        completeness(ctx, &lists, single)?;
    }
    Ok(vec![Item::at_export(Payload::DeviceInventory(DeviceInventory {
        mdm: system.to_owned(),
        devices: devices.into_devices(),
    }))])
}

/// One computer of the Classic API's list: `id` and `name` only, or with `subset/basic`
/// also `managed`, `serial_number`, `report_date_utc` (and `username`, `udid`, `model`,
/// ...).
fn read_classic(ctx: &mut Ctx, c: &Value, file: &str, row: u64) -> Result<Device, ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let Some(id) = ctx.json_text(c.get("id"), at("id")) else {
        return Err(ImportError::malformed(file, row, Some("id"), "a computer without an id"));
    };
    // The Classic API has no platform: Jamf Pro's computers are Macs.
    ctx.warn(
        "platform_absent_macos",
        "the Classic API lists no platform: a Jamf Pro computer is read as a Mac",
        at("platform"),
    );
    let mut d = Device::new(id, Platform::Macos);
    if c.get("managed").is_none() && c.get("serial_number").is_none() {
        ctx.warn(
            "classic_without_subset",
            "the Classic computers list without subset/basic has only id and name: every \
             setting is absent",
            at("managed"),
        );
    }
    d.serial_number = ctx.json_text(c.get("serial_number"), at("serial_number"));
    d.last_check_in = ctx.json_timestamp(c.get("report_date_utc"), at("report_date_utc"))?;
    // `managed` is management by the Jamf binary; whether the Mac also holds the MDM
    // profile is not in the list.
    d.mdm_enrolled = match ctx.json_bool(c.get("managed"), at("managed"))? {
        Some(false) => Some(false),
        Some(true) => {
            ctx.warn(
                "classic_mdm_profile_unknown",
                "managed, but the Classic list does not show the MDM profile: enrolment absent",
                at("managed"),
            );
            None
        }
        None => None,
    };
    Ok(d)
}

fn classic_completeness(ctx: &mut Ctx, pages: &[&Page], mixed: bool) -> Result<(), ImportError> {
    if mixed {
        return Err(ImportError::MissingPages {
            reason: "a Classic API computers list and Jamf Pro API pages are not one listing: \
                     import them separately"
                .into(),
        });
    }
    if pages.len() > 1 {
        return Err(ImportError::MissingPages {
            reason: format!(
                "{} Classic API computers lists: the Classic API returns every computer in one \
                 response, so several files are not pages of one listing",
                pages.len()
            ),
        });
    }
    let page = pages[0];
    let (c, why) = match page.capture.as_ref().and_then(|c| c.endpoint()) {
        None => (
            Completeness::Unknown,
            format!("{}: no captured URL, so a /match/ search cannot be ruled out", page.file),
        ),
        Some(e) if e.contains("/match/") => {
            (Completeness::Filtered, format!("{}: a /match/ search ({e})", page.file))
        }
        Some(e)
            if e.ends_with("/JSSResource/computers")
                || e.ends_with("/JSSResource/computers/subset/basic") =>
        {
            (
                Completeness::Complete,
                "the Classic API lists every computer in one response (not paged)".to_owned(),
            )
        }
        Some(e) => (
            Completeness::Unknown,
            format!("{}: an endpoint soc2 does not know to list every computer ({e})", page.file),
        ),
    };
    ctx.completeness(c, Some(why));
    Ok(())
}

/// A section of one computer, or `None` (counted) when the response does not have it.
fn section<'v>(ctx: &mut Ctx, c: &'v Value, name: &'static str, at: At<'_>) -> Option<&'v Value> {
    match c.get(name) {
        Some(v) if v.is_object() => Some(v),
        _ => {
            ctx.warn(
                &format!("section_absent:{name}"),
                "a section was not in the response (request it with section=): its settings \
                 are absent",
                At { field: name, ..at },
            );
            None
        }
    }
}

fn read_computer(ctx: &mut Ctx, c: &Value, file: &str, row: u64) -> Result<Device, ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let bad = |field: &str, why: String| ImportError::malformed(file, row, Some(field), why);
    let Some(id) = ctx.json_text(c.get("id"), at("id")) else {
        return Err(bad("id", "a computer without an id".into()));
    };
    let general = section(ctx, c, "general", at("general"));
    let platform = match general.and_then(|g| g.get("platform")).and_then(Value::as_str) {
        Some(p) if p.eq_ignore_ascii_case("mac") || p.eq_ignore_ascii_case("macos") => {
            Platform::Macos
        }
        Some(p) if p.eq_ignore_ascii_case("windows") => Platform::Windows,
        Some(_) => {
            ctx.warn(
                "platform_other",
                "a platform soc2 does not know is `other`",
                at("general.platform"),
            );
            Platform::Other
        }
        None => {
            // Jamf Pro's computers are Macs (its mobile devices are another API).
            ctx.warn(
                "platform_absent_macos",
                "general.platform is absent: a Jamf Pro computer is read as a Mac",
                at("general.platform"),
            );
            Platform::Macos
        }
    };
    let mut d = Device::new(id, platform);
    if let Some(g) = general {
        d.last_check_in =
            ctx.json_timestamp(g.get("lastContactTime"), at("general.lastContactTime"))?;
        let managed = ctx.json_bool(
            g.pointer("/remoteManagement/managed"),
            at("general.remoteManagement.managed"),
        )?;
        let capable =
            ctx.json_bool(g.pointer("/mdmCapable/capable"), at("general.mdmCapable.capable"))?;
        // Managed by the Jamf binary and holding an MDM profile: settings can be enforced
        // and the Mac wiped.
        d.mdm_enrolled = match (managed, capable) {
            (Some(false), _) | (_, Some(false)) => Some(false),
            (Some(true), Some(true)) => Some(true),
            _ => None,
        };
    }
    if let Some(h) = section(ctx, c, "hardware", at("hardware")) {
        d.serial_number = ctx.json_text(h.get("serialNumber"), at("hardware.serialNumber"));
    }
    if let Some(u) = section(ctx, c, "userAndLocation", at("userAndLocation")) {
        // `email`, not `username`/`realname`, which Jamf fills inconsistently.
        d.owner = ctx.json_text(u.get("email"), at("userAndLocation.email"));
    }
    let os = section(ctx, c, "operatingSystem", at("operatingSystem"));
    let mut encrypted = None;
    if let Some(os) = os {
        d.os_version = ctx.json_text(os.get("version"), at("operatingSystem.version"));
        let status =
            ctx.json_text(os.get("fileVault2Status"), at("operatingSystem.fileVault2Status"));
        encrypted = match status.as_deref() {
            None => None,
            Some("ALL_ENCRYPTED" | "BOOT_ENCRYPTED") => Some(true),
            Some("NOT_ENCRYPTED" | "SOME_ENCRYPTED") => Some(false),
            Some("NOT_APPLICABLE") => {
                ctx.warn(
                    "filevault_not_applicable",
                    "fileVault2Status NOT_APPLICABLE: encryption is absent",
                    at("operatingSystem.fileVault2Status"),
                );
                None
            }
            Some(other) => {
                return Err(bad(
                    "operatingSystem.fileVault2Status",
                    format!("unknown FileVault status {other:?}"),
                ));
            }
        };
    }
    if let Some(de) = section(ctx, c, "diskEncryption", at("diskEncryption")) {
        let field = "diskEncryption.bootPartitionEncryptionDetails.partitionFileVault2State";
        let state = ctx.json_text(
            de.pointer("/bootPartitionEncryptionDetails/partitionFileVault2State"),
            at(field),
        );
        let boot = match state.as_deref() {
            None | Some("UNKNOWN" | "INELIGIBLE") => Ok(None),
            Some("ENCRYPTED") => Ok(Some(true)),
            // Not (yet, or any longer) fully encrypted.
            Some(
                "UNENCRYPTED" | "DECRYPTED" | "DECRYPTING" | "ENCRYPTING" | "RESTART_NEEDED"
                | "OPTIMIZING" | "DECRYPTING_PAUSED" | "ENCRYPTING_PAUSED",
            ) => Ok(Some(false)),
            Some(other) => Err(other.to_owned()),
        };
        match (encrypted, boot) {
            (None, Ok(b)) => encrypted = b,
            (None, Err(other)) => {
                return Err(bad(field, format!("unknown partition FileVault state {other:?}")));
            }
            (Some(_), Err(_)) => ctx.warn(
                "partition_state_unknown",
                "a boot partition FileVault state outside Jamf's enum was ignored \
                 (fileVault2Status decides)",
                at(field),
            ),
            (Some(a), Ok(Some(b))) if a != b => ctx.warn(
                "filevault_states_disagree",
                "fileVault2Status and the boot partition state disagree (fileVault2Status kept)",
                at(field),
            ),
            _ => {}
        }
    }
    d.disk_encrypted = encrypted;
    if let Some(s) = section(ctx, c, "security", at("security")) {
        d.firewall_enabled =
            ctx.json_bool(s.get("firewallEnabled"), at("security.firewallEnabled"))?;
    }
    Ok(d)
}

fn completeness(ctx: &mut Ctx, lists: &[ListPage<'_>], single: bool) -> Result<(), ImportError> {
    single_device(ctx, single, "a single computer (computers-inventory-detail/{id})");
    if lists.is_empty() {
        return Ok(());
    }
    let totals: BTreeSet<u64> = lists.iter().map(|l| l.total).collect();
    if totals.len() > 1 {
        return Err(ImportError::MissingPages {
            reason: format!(
                "the pages disagree on totalCount ({totals:?}): not one listing, or the \
                 inventory changed while it was paged"
            ),
        });
    }
    let total = lists[0].total;
    let rows: u64 = lists.iter().map(|l| l.rows).sum();
    if rows != total {
        return Err(ImportError::MissingPages {
            reason: format!(
                "totalCount says {total} computers, the pages given hold {rows}{}",
                if rows < total { ": a page is missing" } else { ": a page is given twice" }
            ),
        });
    }
    let urls: Vec<Option<&str>> = lists.iter().map(|l| l.page.url()).collect();
    for (l, url) in lists.iter().zip(&urls) {
        if let Some(f) = url.and_then(|u| query_param(u, "filter")).filter(|f| !f.is_empty()) {
            ctx.completeness(
                Completeness::Filtered,
                Some(format!("{}: the inventory was fetched with filter={f}", l.page.file)),
            );
        }
    }
    if urls.iter().all(Option::is_some) {
        let numbers: Vec<u64> = urls
            .iter()
            .flatten()
            .map(|u| query_param(u, "page").and_then(|p| p.parse().ok()).unwrap_or(0))
            .collect();
        let distinct: BTreeSet<u64> = numbers.iter().copied().collect();
        if distinct.len() != numbers.len() {
            return Err(ImportError::MissingPages {
                reason: "a page is given twice (the same page=)".into(),
            });
        }
        ctx.completeness(
            Completeness::Complete,
            Some(format!("{total} computers in {} page(s), as totalCount says", lists.len())),
        );
    } else {
        ctx.completeness(
            Completeness::Unknown,
            Some(format!(
                "the pages hold {total} computers, as totalCount says, but the request URL is \
                 not captured, so a filter= cannot be ruled out"
            )),
        );
    }
    Ok(())
}
