//! `fleet-hosts`: Fleet REST API `GET /api/v1/fleet/hosts` pages become one device
//! inventory.
//!
//! Each page is `{"hosts": [...]}` (newer Fleet adds `"meta": {"has_next_results": ..}`),
//! paged with `page` (from 0) and `per_page`; one host (`GET /api/v1/fleet/hosts/{id}`,
//! `{"host": {...}}`, or `fleetctl get host --json`, `{"kind": "host", "spec": {...}}`) is
//! accepted too. With captured URLs the page numbers must run from 0 without a gap, and the
//! last page must be shown to be the last (`has_next_results: false`, or fewer hosts than
//! `per_page`). Any host filter in the query (`query`, `status`, `team_id`, `label_id`,
//! `policy_id`, `mdm_enrollment_status`, ...) marks the population filtered.
//!
//! `fleetctl get hosts --json` (one `{"kind": "host", "spec": ...}` object per host, one
//! after another) is read as a list of unknown completeness. osquery result logs (see
//! `fleet_osquery`) are the other input: hosts as osquery reports them, never mixed with
//! Fleet API hosts in one import.

use std::collections::BTreeSet;

use serde_json::Value;

use super::Item;
use super::capture::{Page, documents, query_param};
use super::error::ImportError;
use super::fleet_osquery as osquery;
use super::toolkit::{At, Ctx, DeviceRows, single_device};
use crate::model::{Completeness, Device, DeviceCompliance, DeviceInventory, Payload, Platform};

const SOURCE: &str = "fleet-hosts";

/// Query parameters of the hosts listing that select a subset of the hosts.
const FILTERS: &[&str] = &[
    "query",
    "status",
    "team_id",
    "fleet_id",
    "label_id",
    "policy_id",
    "policy_response",
    "software_id",
    "software_version_id",
    "software_title_id",
    "os_id",
    "os_name",
    "os_version",
    "vulnerability",
    "mdm_id",
    "mdm_name",
    "mdm_enrollment_status",
    "connected_to_fleet",
    "macos_settings",
    "macos_settings_disk_encryption",
    "os_settings",
    "os_settings_disk_encryption",
    "bootstrap_package",
    "munki_issue_id",
    "low_disk_space",
    "profile_uuid",
    "profile_status",
    "batch_script_execution_id",
];

struct ListPage<'a> {
    page: &'a Page,
    rows: u64,
    has_next: Option<bool>,
}

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], system: &str) -> Result<Vec<Item>, ImportError> {
    let mut devices = DeviceRows::default();
    let mut lists: Vec<ListPage<'_>> = Vec::new();
    let mut single = false;
    let mut fleetctl_list = false;
    let mut logs = osquery::Logs::default();
    for page in pages {
        let file = page.file.as_str();
        let docs = documents(page, SOURCE)?;
        let several = docs.len() > 1;
        for (line, body) in docs {
            // An osquery result log that `streams` did not take for one (its first result
            // was not found in the file's first MiB): read whole, to the same evidence.
            if let Value::Object(obj) = &body
                && osquery::is_result(obj)
            {
                let Value::Object(obj) = body else { unreachable!() };
                logs.read(ctx, obj, file, line, false)?;
                continue;
            }
            let Some(obj) = body.as_object() else {
                return Err(ImportError::wrong(file, SOURCE, "not a Fleet API response object"));
            };
            let hosts: Vec<&Value> = if let Some(h) = obj.get("hosts") {
                let Value::Array(a) = h else {
                    return Err(ImportError::malformed(file, 0, Some("hosts"), "expected a list"));
                };
                if several {
                    return Err(ImportError::malformed(
                        file,
                        line,
                        None,
                        "a hosts page among other documents: give each page as its own file",
                    ));
                }
                let has_next = match body.pointer("/meta/has_next_results") {
                    None | Some(Value::Null) => None,
                    Some(Value::Bool(b)) => Some(*b),
                    Some(_) => {
                        return Err(ImportError::malformed(
                            file,
                            0,
                            Some("meta.has_next_results"),
                            "expected a boolean",
                        ));
                    }
                };
                lists.push(ListPage { page, rows: a.len() as u64, has_next });
                a.iter().collect()
            } else if let Some(h) = obj.get("host").filter(|h| h.is_object()) {
                single = true;
                vec![h]
            } else if obj.get("kind").and_then(Value::as_str) == Some("host")
                && let Some(h) = obj.get("spec").filter(|h| h.is_object())
            {
                // `fleetctl get host NAME --json`, or one of `fleetctl get hosts --json`.
                single = true;
                fleetctl_list |= several;
                vec![h]
            } else if let Some(m) = obj.get("message").and_then(Value::as_str) {
                return Err(ImportError::wrong(file, SOURCE, format!("a Fleet API error: {m}")));
            } else {
                return Err(ImportError::wrong(
                    file,
                    SOURCE,
                    "no `hosts` list, `host`, `spec` or osquery result (not a Fleet hosts \
                     response or an osquery result log)",
                ));
            };
            // A page's hosts by their place in the list; fleetctl's by their line.
            let rows = (1..).zip(hosts).map(|(i, h)| (if several { line } else { i }, h));
            devices.read(ctx, file, rows, read_host)?;
        }
    }
    let devices = if logs.any() {
        if !devices.is_empty() {
            return Err(ImportError::wrong(
                &pages[0].file,
                SOURCE,
                "osquery result logs and Fleet API hosts are different populations (hostIdentifier \
                 vs Fleet host id): import them separately",
            ));
        }
        logs.finish(ctx)?
    } else if fleetctl_list {
        ctx.completeness(
            Completeness::Unknown,
            Some(
                "`fleetctl get hosts --json` output does not show whether it is every host".into(),
            ),
        );
        devices.into_devices()
    } else {
        completeness(ctx, &lists, single)?;
        devices.into_devices()
    };
    Ok(inventory(system, devices))
}

/// The one item a `fleet-hosts` import makes.
pub(super) fn inventory(system: &str, devices: Vec<Device>) -> Vec<Item> {
    vec![Item::at_export(Payload::DeviceInventory(DeviceInventory {
        mdm: system.to_owned(),
        devices,
    }))]
}

pub(super) fn platform(ctx: &mut Ctx, h: &Value, at: At<'_>) -> Platform {
    let p = h.get("platform").and_then(Value::as_str).unwrap_or("").trim();
    let like = h.get("platform_like").and_then(Value::as_str).unwrap_or("");
    match p {
        "darwin" => Platform::Macos,
        "windows" => Platform::Windows,
        "ios" | "ipados" => Platform::Ios,
        "android" => Platform::Android,
        "chrome" => Platform::Chromeos,
        "linux"
        | "ubuntu"
        | "debian"
        | "rhel"
        | "centos"
        | "fedora"
        | "amzn"
        | "arch"
        | "manjaro"
        | "opensuse"
        | "opensuse-leap"
        | "opensuse-tumbleweed"
        | "sles"
        | "gentoo"
        | "nixos"
        | "pop"
        | "kali" => Platform::Linux,
        _ if ["debian", "rhel", "arch", "suse"].iter().any(|l| like.contains(l)) => Platform::Linux,
        "" => {
            ctx.warn(
                "platform_unreported",
                "a host that has not reported its platform is `other` (its settings absent)",
                at,
            );
            Platform::Other
        }
        _ => {
            ctx.warn("platform_other", "a platform soc2 does not know is `other`", at);
            Platform::Other
        }
    }
}

fn read_host(ctx: &mut Ctx, h: &Value, file: &str, row: u64) -> Result<Device, ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let Some(id) = ctx.json_text(h.get("id"), at("id")) else {
        return Err(ImportError::malformed(file, row, Some("id"), "a host without an id"));
    };
    let mut d = Device::new(id, platform(ctx, h, at("platform")));
    d.serial_number = ctx.json_text(h.get("hardware_serial"), at("hardware_serial"));
    d.os_version = ctx.json_text(h.get("os_version"), at("os_version"));
    d.disk_encrypted =
        ctx.json_bool(h.get("disk_encryption_enabled"), at("disk_encryption_enabled"))?;
    d.last_check_in = ctx.json_timestamp(h.get("seen_time"), at("seen_time"))?;
    let status = ctx.json_text(h.pointer("/mdm/enrollment_status"), at("mdm.enrollment_status"));
    d.mdm_enrolled = match status.as_deref() {
        None => None,
        Some(s) if s.starts_with("On") => Some(true),
        Some("Off") => Some(false),
        Some("Pending") => {
            ctx.warn(
                "mdm_pending",
                "MDM enrolment Pending (not yet enrolled, not refused): absent",
                at("mdm.enrollment_status"),
            );
            None
        }
        Some(other) => {
            return Err(ImportError::malformed(
                file,
                row,
                Some("mdm.enrollment_status"),
                format!("unknown MDM enrolment status {other:?}"),
            ));
        }
    };
    // The owner: the device mapping's e-mail (listed with device_mapping=true).
    if let Some(Value::Array(maps)) = h.get("device_mapping") {
        let emails: BTreeSet<&str> =
            maps.iter().filter_map(|m| m.get("email").and_then(Value::as_str)).collect();
        if emails.len() > 1 {
            ctx.warn(
                "several_owners",
                "a host maps to several e-mails; the first in order is its owner",
                at("device_mapping"),
            );
        }
        d.owner = emails.first().map(|e| (*e).to_owned());
    }
    // Fleet policies are its compliance checks. The host's own list (host detail, or the
    // listing with populate_policies=true) decides; the listing's failing count can only
    // show a failure (0 failing may mean no policy, or disable_failing_policies=true).
    d.compliance = match h.get("policies") {
        Some(Value::Array(ps)) if !ps.is_empty() => {
            let (mut fails, mut passes, mut not_run) = (0, 0, 0);
            for p in ps {
                match p.get("response").and_then(Value::as_str).unwrap_or("") {
                    "pass" => passes += 1,
                    "fail" => fails += 1,
                    // fleetctl's own test data spells them so.
                    r @ ("passes" | "fails") => {
                        ctx.warn(
                            "policy_response_spelling",
                            "a policy response `passes`/`fails` was read as `pass`/`fail`",
                            at("policies.response"),
                        );
                        if r == "passes" { passes += 1 } else { fails += 1 }
                    }
                    "" => not_run += 1,
                    other => {
                        return Err(ImportError::malformed(
                            file,
                            row,
                            Some("policies.response"),
                            format!(
                                "unknown policy response {other:?} (Fleet writes pass, fail or \"\")"
                            ),
                        ));
                    }
                }
            }
            if fails > 0 {
                Some(DeviceCompliance::Noncompliant)
            } else if not_run == 0 && passes > 0 {
                Some(DeviceCompliance::Compliant)
            } else {
                ctx.warn(
                    "policy_not_run",
                    "a policy has no response yet and none fails: compliance is absent",
                    at("policies"),
                );
                None
            }
        }
        _ => match h.pointer("/issues/failing_policies_count").and_then(Value::as_u64) {
            Some(n) if n > 0 => Some(DeviceCompliance::Noncompliant),
            _ => None,
        },
    };
    Ok(d)
}

fn completeness(ctx: &mut Ctx, lists: &[ListPage<'_>], single: bool) -> Result<(), ImportError> {
    single_device(ctx, single, "a single host (hosts/{id})");
    if lists.is_empty() {
        return Ok(());
    }
    let urls: Vec<Option<&str>> = lists.iter().map(|l| l.page.url()).collect();
    for (l, url) in lists.iter().zip(&urls) {
        let Some(url) = url else { continue };
        if url.contains("/labels/") {
            ctx.completeness(
                Completeness::Filtered,
                Some(format!("{}: the hosts of one label", l.page.file)),
            );
        }
        for param in FILTERS {
            if let Some(v) = query_param(url, param).filter(|v| !v.is_empty()) {
                ctx.completeness(
                    Completeness::Filtered,
                    Some(format!("{}: the listing was fetched with {param}={v}", l.page.file)),
                );
            }
        }
    }
    if lists.iter().all(|l| l.has_next.is_some()) {
        let last = lists.iter().filter(|l| l.has_next == Some(false)).count();
        if last != 1 {
            return Err(ImportError::MissingPages {
                reason: if last == 0 {
                    "every page says has_next_results: the last page is not among the inputs".into()
                } else {
                    format!("{last} pages say they are the last: different listings")
                },
            });
        }
    }
    if urls.iter().any(Option::is_none) {
        ctx.completeness(
            Completeness::Unknown,
            Some(
                "a page without its captured URL: page numbers and filters cannot be checked"
                    .into(),
            ),
        );
        return Ok(());
    }
    if let Some((l, _)) = lists
        .iter()
        .zip(&urls)
        .find(|(_, u)| u.and_then(|u| query_param(u, "after")).is_some_and(|a| !a.is_empty()))
    {
        ctx.completeness(
            Completeness::Unknown,
            Some(format!(
                "{}: paged with after= (keyset) rather than page=: gaps cannot be checked",
                l.page.file
            )),
        );
        return Ok(());
    }
    let number = |u: &str| query_param(u, "page").and_then(|p| p.parse::<u64>().ok()).unwrap_or(0);
    let mut numbered: Vec<(u64, &ListPage<'_>)> =
        lists.iter().zip(&urls).map(|(l, u)| (number(u.unwrap_or("")), l)).collect();
    numbered.sort_by_key(|(n, _)| *n);
    for (i, (n, l)) in numbered.iter().enumerate() {
        if *n != i as u64 {
            return Err(ImportError::MissingPages {
                reason: if *n < i as u64 {
                    format!("page={n} is given twice ({})", l.page.file)
                } else {
                    format!("page={i} is not among the inputs (pages run from 0)")
                },
            });
        }
    }
    let per_page = urls
        .iter()
        .flatten()
        .find_map(|u| query_param(u, "per_page").and_then(|p| p.parse::<u64>().ok()));
    let Some((_, last)) = numbered.last() else { return Ok(()) };
    let shown_last = match (last.has_next, per_page) {
        (Some(next), _) => !next,
        (None, Some(pp)) => last.rows < pp,
        (None, None) => false,
    };
    if let Some(pp) = per_page
        && let Some((n, l)) = numbered[..numbered.len() - 1].iter().find(|(_, l)| l.rows != pp)
    {
        return Err(ImportError::MissingPages {
            reason: format!(
                "page={n} ({}) holds {} hosts where per_page is {pp}: the hosts changed while \
                 they were paged, or pages of different listings were mixed",
                l.page.file, l.rows
            ),
        });
    }
    if shown_last {
        ctx.completeness(
            Completeness::Complete,
            Some(format!("pages 0..{}, the last shown to be the last", numbered.len() - 1)),
        );
    } else {
        ctx.completeness(
            Completeness::Unknown,
            Some(
                "the last page given is full (or per_page is not in the URL) and no \
                 has_next_results says it is the last: a further page may exist"
                    .into(),
            ),
        );
    }
    Ok(())
}
