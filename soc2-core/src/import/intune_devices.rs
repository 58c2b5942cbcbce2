//! `intune-devices`: Microsoft Graph `GET /deviceManagement/managedDevices` pages (v1.0 or
//! beta) become one device inventory.
//!
//! Each page is `{"@odata.context", "@odata.count"?, "value": [...], "@odata.nextLink"?}`;
//! one `managedDevices/{id}` object is accepted too. The chain is checked from the bodies:
//! exactly one page may lack `@odata.nextLink`; when an `@odata.count` is given, the devices
//! read must number exactly that; with captured URLs, every `@odata.nextLink` must be the URL
//! of a page given. A `$filter` or `$search` (in a captured URL or a next link) marks the
//! population filtered.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Item;
use super::capture::{Page, query_param};
use super::error::ImportError;
use super::toolkit::{At, Ctx, DeviceRows, single_device};
use crate::model::{Completeness, Device, DeviceCompliance, DeviceInventory, Payload, Platform};

const SOURCE: &str = "intune-devices";

/// Properties every managedDevice has (one of them at least, even under a `$select`).
const DEVICE_KEYS: &[&str] = &[
    "operatingSystem",
    "deviceName",
    "complianceState",
    "managementAgent",
    "managedDeviceOwnerType",
    "azureADDeviceId",
    "serialNumber",
    "lastSyncDateTime",
];

struct ListPage<'a> {
    page: &'a Page,
    next: Option<String>,
    count: Option<u64>,
    rows: u64,
}

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], system: &str) -> Result<Vec<Item>, ImportError> {
    let mut devices = DeviceRows::default();
    let mut lists: Vec<ListPage<'_>> = Vec::new();
    let mut single = false;
    for page in pages {
        let body = page.json(SOURCE)?;
        let file = page.file.as_str();
        let Some(obj) = body.as_object() else {
            return Err(ImportError::wrong(file, SOURCE, "not a Graph response object"));
        };
        if let Some(m) = body.pointer("/error/message").and_then(Value::as_str) {
            return Err(ImportError::wrong(file, SOURCE, format!("a Graph error: {m}")));
        }
        let context = obj.get("@odata.context").and_then(Value::as_str).unwrap_or("");
        if !context.is_empty() && !context.contains("managedDevice") {
            return Err(ImportError::wrong(
                file,
                SOURCE,
                format!("a Graph response of another resource ({context})"),
            ));
        }
        // `#deviceManagement/managedDevices` (with a `$select` list or `/$entity`) is the
        // tenant's devices; `users('..')/managedDevices` or `detectedApps('..')/managedDevices`
        // are the devices of one user or one app.
        let subset = context
            .split_once("$metadata#")
            .map(|(_, c)| c)
            .filter(|c| !c.starts_with("deviceManagement/managedDevices"));
        if let Some(c) = subset {
            ctx.completeness(
                Completeness::Filtered,
                Some(format!(
                    "{file}: the managed devices of one resource ({c}), not the tenant's"
                )),
            );
        }
        if context.is_empty()
            && let Some(Value::Array(a)) = obj.get("value")
            && let Some(first) = a.first()
            && !DEVICE_KEYS.iter().any(|k| first.get(*k).is_some())
        {
            return Err(ImportError::wrong(
                file,
                SOURCE,
                "a `value` list whose items have none of a managed device's properties \
                 (operatingSystem, deviceName, complianceState, managementAgent, ...)",
            ));
        }
        let items: Vec<&Value> = match obj.get("value") {
            Some(Value::Array(a)) => {
                let next = match obj.get("@odata.nextLink") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(_) => {
                        return Err(ImportError::malformed(
                            file,
                            0,
                            Some("@odata.nextLink"),
                            "expected a URL",
                        ));
                    }
                };
                let count = match obj.get("@odata.count") {
                    None | Some(Value::Null) => None,
                    Some(v) => Some(v.as_u64().ok_or_else(|| {
                        ImportError::malformed(file, 0, Some("@odata.count"), "expected a count")
                    })?),
                };
                lists.push(ListPage { page, next, count, rows: a.len() as u64 });
                a.iter().collect()
            }
            Some(_) => {
                return Err(ImportError::malformed(file, 0, Some("value"), "expected a list"));
            }
            None if obj.contains_key("operatingSystem") && obj.contains_key("id") => {
                single = true;
                vec![&body]
            }
            None => {
                return Err(ImportError::wrong(
                    file,
                    SOURCE,
                    "no `value` list of managed devices (not a Graph managedDevices page)",
                ));
            }
        };
        devices.read(ctx, file, (1..).zip(items), read_device)?;
    }
    completeness(ctx, &lists, single)?;
    Ok(vec![Item::at_export(Payload::DeviceInventory(DeviceInventory {
        mdm: system.to_owned(),
        devices: devices.into_devices(),
    }))])
}

fn platform(ctx: &mut Ctx, os: Option<&str>, at: At<'_>) -> Platform {
    let os = os.unwrap_or("").trim().to_ascii_lowercase();
    match os.as_str() {
        s if s.starts_with("windows") => Platform::Windows,
        "macos" | "mac os" | "macmdm" | "mac" | "os x" => Platform::Macos,
        "ios" | "ipados" => Platform::Ios,
        s if s.starts_with("android") => Platform::Android,
        "linux" | "ubuntu" | "redhat" | "rhel" => Platform::Linux,
        s if s.starts_with("chrome") => Platform::Chromeos,
        _ => {
            ctx.warn("platform_other", "an operating system soc2 does not know is `other`", at);
            Platform::Other
        }
    }
}

fn read_device(ctx: &mut Ctx, d: &Value, file: &str, row: u64) -> Result<Device, ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let Some(id) = ctx.json_text(d.get("id"), at("id")) else {
        return Err(ImportError::malformed(file, row, Some("id"), "a device without an id"));
    };
    let os = d.get("operatingSystem").and_then(Value::as_str);
    let mut dev = Device::new(id, platform(ctx, os, at("operatingSystem")));
    dev.serial_number = ctx.json_text(d.get("serialNumber"), at("serialNumber"));
    dev.owner = ctx.json_text(d.get("userPrincipalName"), at("userPrincipalName"));
    dev.os_version = ctx.json_text(d.get("osVersion"), at("osVersion"));
    dev.disk_encrypted = ctx.json_bool(d.get("isEncrypted"), at("isEncrypted"))?;
    dev.last_check_in = ctx.json_timestamp(d.get("lastSyncDateTime"), at("lastSyncDateTime"))?;
    dev.mdm_enrolled = match d.get("managementAgent").and_then(Value::as_str) {
        None => None,
        // Exchange ActiveSync only, or Defender for Endpoint only: not enrolled in an MDM.
        Some("eas" | "msSense") => Some(false),
        Some("unknown") => None,
        Some(_) => Some(true),
    };
    let state = ctx.json_text(d.get("complianceState"), at("complianceState"));
    dev.compliance = match state.as_deref() {
        None => None,
        Some("compliant") => Some(DeviceCompliance::Compliant),
        Some("noncompliant") => Some(DeviceCompliance::Noncompliant),
        Some("inGracePeriod") => Some(DeviceCompliance::InGracePeriod),
        Some("conflict" | "error") => Some(DeviceCompliance::Error),
        Some("configManager") => {
            ctx.warn(
                "compliance_in_config_manager",
                "compliance is evaluated by Configuration Manager, not Intune: absent",
                at("complianceState"),
            );
            None
        }
        Some(other) => {
            return Err(ImportError::malformed(
                file,
                row,
                Some("complianceState"),
                format!("unknown compliance state {other:?}"),
            ));
        }
    };
    Ok(dev)
}

fn completeness(ctx: &mut Ctx, lists: &[ListPage<'_>], single: bool) -> Result<(), ImportError> {
    single_device(ctx, single, "a single managed device (GET managedDevices/{id})");
    if lists.is_empty() {
        return Ok(());
    }
    let urls: Vec<Option<&str>> = lists.iter().map(|l| l.page.url()).collect();
    for (l, url) in lists.iter().zip(&urls) {
        for u in [url.map(str::to_owned), l.next.clone()].into_iter().flatten() {
            for param in ["$filter", "$search"] {
                if let Some(v) = query_param(&u, param) {
                    ctx.completeness(
                        Completeness::Filtered,
                        Some(format!("{}: the listing was fetched with {param}={v}", l.page.file)),
                    );
                }
            }
        }
    }
    let last_pages = lists.iter().filter(|l| l.next.is_none()).count();
    if last_pages == 0 {
        return Err(ImportError::MissingPages {
            reason: "every page given has an @odata.nextLink: the last page is not among the \
                     inputs"
                .into(),
        });
    }
    if last_pages > 1 {
        return Err(ImportError::MissingPages {
            reason: format!(
                "{last_pages} pages have no @odata.nextLink: they end different listings, not \
                 one population"
            ),
        });
    }
    let rows: u64 = lists.iter().map(|l| l.rows).sum();
    let counts: BTreeSet<u64> = lists.iter().filter_map(|l| l.count).collect();
    if counts.len() > 1 {
        return Err(ImportError::MissingPages {
            reason: format!(
                "the pages disagree on @odata.count ({counts:?}): not one listing, or the \
                 population changed while it was paged"
            ),
        });
    }
    let count = counts.first().copied();
    if let Some(n) = count
        && n != rows
    {
        return Err(ImportError::MissingPages {
            reason: format!(
                "@odata.count says {n} devices, the pages given hold {rows}{}",
                if rows < n { ": a page is missing" } else { ": a page is given twice" }
            ),
        });
    }
    if urls.iter().all(Option::is_some) {
        let have: BTreeSet<&str> = urls.iter().flatten().copied().collect();
        if have.len() != urls.len() {
            return Err(ImportError::MissingPages {
                reason: "a page is given twice (the same URL)".into(),
            });
        }
        for l in lists {
            if let Some(next) = &l.next
                && !have.contains(next.as_str())
            {
                return Err(ImportError::MissingPages {
                    reason: format!(
                        "{}: its next page is not among the inputs: {next}",
                        l.page.file
                    ),
                });
            }
        }
        let firsts = urls.iter().flatten().filter(|u| {
            query_param(u, "$skiptoken").is_none() && query_param(u, "$skip").is_none()
        });
        if firsts.count() != 1 {
            return Err(ImportError::MissingPages {
                reason: "expected exactly one first page (fetched without $skiptoken)".into(),
            });
        }
        ctx.completeness(
            Completeness::Complete,
            Some(format!("{} page(s), each @odata.nextLink followed", lists.len())),
        );
    } else if let Some(n) = count {
        ctx.completeness(
            Completeness::Unknown,
            Some(format!(
                "the pages hold {n} devices, as @odata.count says, but the request URL is not \
                 captured, so a $filter cannot be ruled out"
            )),
        );
    } else {
        ctx.completeness(
            Completeness::Unknown,
            Some(
                "bare pages without @odata.count: the chain cannot be checked (capture the \
                 URLs, or request $count=true)"
                    .into(),
            ),
        );
    }
    Ok(())
}
