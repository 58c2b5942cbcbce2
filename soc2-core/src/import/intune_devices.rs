//! `intune-devices`: Microsoft Graph `GET /deviceManagement/managedDevices` pages (v1.0 or
//! beta) become one device inventory.
//!
//! Each page is `{"@odata.context", "@odata.count"?, "value": [...], "@odata.nextLink"?}`;
//! one `managedDevices/{id}` object is accepted too. The chain is checked from the bodies:
//! exactly one page may lack `@odata.nextLink`; when an `@odata.count` is given, the devices
//! read must number exactly that; with captured URLs, every `@odata.nextLink` must be the URL
//! of a page given. A `$filter` or `$search` (in a captured URL or a next link) marks the
//! population filtered.
//!
//! A managedDevice does not carry its screen-lock timeout. Given alongside the devices,
//! compliance policies (`GET /deviceManagement/deviceCompliancePolicies`, or one policy) and
//! each device's policy states (`GET managedDevices/{id}/deviceCompliancePolicyStates`,
//! recognised by their `@odata.context` or captured URL, which name the device; or the
//! states expanded inside the device) give it: a device's `screen_lock_minutes` is the
//! shortest `passwordMinutesOfInactivityBeforeLock` (`passcode...` on iOS) of the policies
//! that require a password and whose state on the device is compliant or remediated (the
//! lock-timeout setting's own state in `settingStates` when given). What cannot be derived
//! is counted as a warning.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;

use super::Item;
use super::capture::{Page, percent_decode, query_param};
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
    // Compliance policies and per-device policy states first: a device's screen lock is
    // derived from them while it is read.
    let mut locks = Locks::default();
    let mut device_pages: Vec<(&Page, Value)> = Vec::new();
    for page in pages {
        let body = page.json(SOURCE)?;
        let file = page.file.as_str();
        if body.as_object().is_none() {
            return Err(ImportError::wrong(file, SOURCE, "not a Graph response object"));
        }
        if let Some(m) = body.pointer("/error/message").and_then(Value::as_str) {
            return Err(ImportError::wrong(file, SOURCE, format!("a Graph error: {m}")));
        }
        if !locks.read(ctx, page, &body)? {
            device_pages.push((page, body));
        }
    }
    for (page, body) in &device_pages {
        let file = page.file.as_str();
        let Some(obj) = body.as_object() else { unreachable!("checked above") };
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
                vec![body]
            }
            None => {
                return Err(ImportError::wrong(
                    file,
                    SOURCE,
                    "no `value` list of managed devices (not a Graph managedDevices page)",
                ));
            }
        };
        devices.read(ctx, file, (1..).zip(items), |ctx, d, file, row| {
            let mut dev = read_device(ctx, d, file, row)?;
            locks.apply(ctx, &mut dev, d, At { file, row, field: "id" })?;
            Ok(dev)
        })?;
    }
    if device_pages.is_empty() {
        return Err(ImportError::MissingPages {
            reason: "no managedDevices page among the inputs: compliance policies and policy \
                     states only say something about the devices listed"
                .into(),
        });
    }
    let devices = devices.into_devices();
    locks.finish(ctx, &device_pages[0].0.file, &devices);
    completeness(ctx, &lists, single)?;
    Ok(vec![Item::at_export(Payload::DeviceInventory(DeviceInventory {
        mdm: system.to_owned(),
        devices,
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

/// A compliance policy's screen-lock settings (`deviceCompliancePolicies`).
struct Policy {
    name: Option<String>,
    /// `passwordRequired` (`passcodeRequired` on iOS/iPadOS).
    required: Option<bool>,
    /// `passwordMinutesOfInactivityBeforeLock` (`passcodeMinutesOfInactivityBeforeLock`).
    minutes: Option<u32>,
}

/// One policy's state on one device (`managedDevices/{id}/deviceCompliancePolicyStates`).
struct PolicyState {
    file: String,
    row: u64,
    /// The policy's id.
    policy: Option<String>,
    name: Option<String>,
    /// The state of the lock-timeout setting when `settingStates` has it, else the
    /// policy's state on the device (a `complianceStatus`).
    state: String,
}

const COMPLIANCE_STATUSES: &[&str] = &[
    "unknown",
    "notApplicable",
    "compliant",
    "remediated",
    "nonCompliant",
    "error",
    "conflict",
    "notAssigned",
];

/// What the inputs say about screen locks: compliance policies and per-device states.
#[derive(Default)]
struct Locks {
    policies: BTreeMap<String, Policy>,
    /// Device id -> its policy states (from per-device pages).
    states: BTreeMap<String, Vec<PolicyState>>,
    /// Whether any policy or policy-state input was given.
    given: bool,
}

/// The device a per-device URL or context names: `managedDevices('ID')` or
/// `managedDevices/ID/`.
fn device_of(s: &str) -> Option<String> {
    if let Some((_, rest)) = s.split_once("managedDevices('") {
        return rest.split_once('\'').map(|(id, _)| percent_decode(id));
    }
    let (_, rest) = s.split_once("managedDevices/")?;
    let id = rest.split(['/', '?']).next()?;
    (!id.is_empty()).then(|| percent_decode(id))
}

/// The items of a Graph page (`value`), or the object itself for a single entity.
fn items<'v>(file: &str, body: &'v Value) -> Result<Vec<&'v Value>, ImportError> {
    match body.get("value") {
        Some(Value::Array(a)) => Ok(a.iter().collect()),
        Some(_) => Err(ImportError::malformed(file, 0, Some("value"), "expected a list")),
        None => Ok(vec![body]),
    }
}

fn is_policy(v: &Value) -> bool {
    v.get("@odata.type").and_then(Value::as_str).is_some_and(|t| t.ends_with("CompliancePolicy"))
}

fn minutes(ctx: &mut Ctx, v: Option<&Value>, at: At<'_>) -> Result<Option<u32>, ImportError> {
    let bad = || ImportError::malformed(at.file, at.row, Some(at.field), "expected minutes");
    match v {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => {
            Ok(Some(n.as_u64().and_then(|n| u32::try_from(n).ok()).ok_or_else(bad)?))
        }
        Some(Value::String(s)) => {
            let n = s.trim().parse::<u32>().map_err(|_| bad())?;
            ctx.warn("number_as_string", "a number given as a string was read", at);
            Ok(Some(n))
        }
        Some(_) => Err(bad()),
    }
}

fn read_policy(
    ctx: &mut Ctx,
    v: &Value,
    file: &str,
    row: u64,
) -> Result<(String, Policy), ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let Some(id) = ctx.json_text(v.get("id"), at("id")) else {
        return Err(ImportError::malformed(file, row, Some("id"), "a policy without an id"));
    };
    let (req, min) = if v.get("passcodeRequired").is_some() {
        ("passcodeRequired", "passcodeMinutesOfInactivityBeforeLock")
    } else {
        ("passwordRequired", "passwordMinutesOfInactivityBeforeLock")
    };
    let policy = Policy {
        name: ctx.json_text(v.get("displayName"), at("displayName")),
        required: ctx.json_bool(v.get(req), at(req))?,
        minutes: minutes(ctx, v.get(min), at(min))?,
    };
    if policy.required != Some(true) && policy.minutes.is_some() {
        ctx.warn(
            "lock_timeout_without_password",
            "a policy sets a lock timeout but does not require a password: not read as a \
             screen lock",
            at(min),
        );
    }
    Ok((id, policy))
}

fn read_state(ctx: &mut Ctx, v: &Value, file: &str, row: u64) -> Result<PolicyState, ImportError> {
    let at = |field: &'static str| At { file, row, field };
    let status = |ctx: &mut Ctx, v: Option<&Value>, field| -> Result<_, ImportError> {
        let s = ctx.json_text(v, at(field));
        match s {
            Some(s) if !COMPLIANCE_STATUSES.contains(&s.as_str()) => Err(ImportError::malformed(
                file,
                row,
                Some(field),
                format!("unknown compliance status {s:?}"),
            )),
            s => Ok(s),
        }
    };
    let mut state = status(ctx, v.get("state"), "state")?.unwrap_or_else(|| "unknown".into());
    match v.get("settingStates") {
        None | Some(Value::Null) => {}
        Some(Value::Array(settings)) => {
            for s in settings {
                let name = s.get("setting").and_then(Value::as_str).unwrap_or("");
                if name.to_ascii_lowercase().ends_with("minutesofinactivitybeforelock")
                    && let Some(st) = status(ctx, s.get("state"), "settingStates")?
                {
                    state = st;
                }
            }
        }
        Some(_) => {
            return Err(ImportError::malformed(
                file,
                row,
                Some("settingStates"),
                "expected a list",
            ));
        }
    }
    Ok(PolicyState {
        file: file.to_owned(),
        row,
        policy: ctx.json_text(v.get("id"), at("id")),
        name: ctx.json_text(v.get("displayName"), at("displayName")),
        state,
    })
}

impl Locks {
    /// Reads `body` when it is a compliance-policy or a policy-state page; false when it is
    /// neither (a managedDevices page, or the wrong source).
    fn read(&mut self, ctx: &mut Ctx, page: &Page, body: &Value) -> Result<bool, ImportError> {
        let file = page.file.as_str();
        let context = body.get("@odata.context").and_then(Value::as_str).unwrap_or("");
        let what = context.split_once("$metadata#").map_or(context, |(_, c)| c);
        let url = page.url().unwrap_or("");
        let path = url.split(['?', '#']).next().unwrap_or(url);
        let names = |seg: &str| what.contains(seg) || path.contains(seg);
        if names("/deviceCompliancePolicyStates") {
            let device = device_of(what).or_else(|| device_of(path)).ok_or_else(|| {
                ImportError::malformed(
                    file,
                    0,
                    Some("@odata.context"),
                    "policy states whose device is not named (neither the @odata.context nor \
                     a captured URL has managedDevices('ID'))",
                )
            })?;
            for (row, s) in (1..).zip(items(file, body)?) {
                let state = read_state(ctx, s, file, row)?;
                self.states.entry(device.clone()).or_default().push(state);
            }
            self.given = true;
            return Ok(true);
        }
        let bare_policies = context.is_empty()
            && match body.get("value") {
                Some(Value::Array(a)) => a.first().is_some_and(is_policy),
                _ => is_policy(body),
            };
        if !names("deviceCompliancePolicies") && !bare_policies {
            if context.is_empty()
                && let Some(Value::Array(a)) = body.get("value")
                && a.first().is_some_and(|s| s.get("settingStates").is_some())
            {
                return Err(ImportError::malformed(
                    file,
                    0,
                    None,
                    "policy states whose device is not named: capture the URL \
                     (managedDevices/{id}/deviceCompliancePolicyStates) or keep @odata.context",
                ));
            }
            return Ok(false);
        }
        if names("/deviceStatuses") {
            return Err(ImportError::wrong(
                file,
                SOURCE,
                "a compliance policy's deviceStatuses, which name devices by display name, not \
                 by id: give GET managedDevices/{id}/deviceCompliancePolicyStates per device",
            ));
        }
        const OTHER: &[&str] = &[
            "/assignments",
            "/scheduledActionsForRule",
            "/userStatuses",
            "/deviceStatusOverview",
            "/userStatusOverview",
            "/deviceSettingStateSummaries",
        ];
        if let Some(n) = OTHER.iter().find(|n| names(n)) {
            return Err(ImportError::wrong(
                file,
                SOURCE,
                format!("a compliance policy's {} (give the policies themselves)", &n[1..]),
            ));
        }
        if body.get("@odata.nextLink").is_some_and(|n| !n.is_null()) {
            ctx.warn(
                "policy_page_not_last",
                "a compliance policy page has a next page: a policy not given leaves the devices \
                 it applies to without a derived screen lock",
                At { file, row: 0, field: "@odata.nextLink" },
            );
        }
        for (row, v) in (1..).zip(items(file, body)?) {
            let (id, policy) = read_policy(ctx, v, file, row)?;
            self.policies.insert(id, policy);
        }
        self.given = true;
        Ok(true)
    }

    /// The policy a state belongs to: by id, else by a display name only one policy has
    /// (counted).
    fn policy_of(&self, ctx: &mut Ctx, s: &PolicyState) -> Option<&Policy> {
        if let Some(p) = s.policy.as_deref().and_then(|id| self.policies.get(id)) {
            return Some(p);
        }
        let name = s.name.as_deref()?;
        let mut same = self.policies.values().filter(|p| p.name.as_deref() == Some(name));
        let p = same.next()?;
        if same.next().is_some() {
            return None;
        }
        ctx.warn(
            "policy_state_by_name",
            "a policy state was matched to its policy by display name (its id is not a \
             policy's id)",
            At { file: &s.file, row: s.row, field: "displayName" },
        );
        Some(p)
    }

    /// Sets the device's screen-lock timeout: the shortest `...MinutesOfInactivityBeforeLock`
    /// of the password-requiring policies whose state on the device is compliant (or
    /// remediated). States given inside the device (`$expand=deviceCompliancePolicyStates`)
    /// count too.
    fn apply(
        &self,
        ctx: &mut Ctx,
        dev: &mut Device,
        d: &Value,
        at: At<'_>,
    ) -> Result<(), ImportError> {
        let mut own = Vec::new();
        match d.get("deviceCompliancePolicyStates") {
            None | Some(Value::Null) => {}
            Some(Value::Array(a)) => {
                for s in a {
                    own.push(read_state(ctx, s, at.file, at.row)?);
                }
            }
            Some(_) => {
                return Err(ImportError::malformed(
                    at.file,
                    at.row,
                    Some("deviceCompliancePolicyStates"),
                    "expected a list",
                ));
            }
        }
        if !self.given && own.is_empty() {
            return Ok(());
        }
        let listed = self.states.get(&dev.device_id).map(Vec::as_slice).unwrap_or(&[]);
        if listed.is_empty() && own.is_empty() {
            ctx.warn(
                "policy_states_missing",
                "no compliance policy states of the device among the inputs: its screen lock is \
                 not derived",
                at,
            );
            return Ok(());
        }
        let mut shortest: Option<u32> = None;
        for s in listed.iter().chain(&own) {
            if matches!(s.state.as_str(), "notApplicable" | "notAssigned") {
                continue;
            }
            let Some(p) = self.policy_of(ctx, s) else {
                ctx.warn(
                    "policy_state_without_policy",
                    "a device's policy state names a compliance policy not among the inputs: \
                     its settings are unknown",
                    At { file: &s.file, row: s.row, field: "id" },
                );
                continue;
            };
            let (Some(true), Some(n)) = (p.required, p.minutes) else { continue };
            if matches!(s.state.as_str(), "compliant" | "remediated") {
                shortest = Some(shortest.map_or(n, |m| m.min(n)));
            } else {
                ctx.warn(
                    "screen_lock_policy_not_met",
                    "the device is not (or not known to be) compliant with a policy that sets \
                     a screen-lock timeout: that timeout is not taken as the device's",
                    At { file: &s.file, row: s.row, field: "state" },
                );
            }
        }
        match shortest {
            Some(n) => dev.screen_lock_minutes = Some(n),
            None => ctx.warn(
                "screen_lock_not_derived",
                "no password-requiring policy with a lock timeout is met by the device: \
                 screen_lock_minutes absent",
                at,
            ),
        }
        Ok(())
    }

    /// Reports what the inputs could not tell.
    fn finish(&self, ctx: &mut Ctx, first: &str, devices: &[Device]) {
        if !self.given {
            ctx.warn(
                "screen_lock_not_in_export",
                "managedDevices do not carry the screen-lock timeout: give the \
                 deviceCompliancePolicies and each device's deviceCompliancePolicyStates to \
                 derive it",
                At { file: first, row: 0, field: "" },
            );
            return;
        }
        let ids: BTreeSet<&str> = devices.iter().map(|d| d.device_id.as_str()).collect();
        for (id, states) in &self.states {
            if !ids.contains(id.as_str())
                && let Some(s) = states.first()
            {
                ctx.warn(
                    "policy_states_of_unlisted_device",
                    "policy states of a device that the managedDevices pages do not list \
                     (ignored)",
                    At { file: &s.file, row: 0, field: "@odata.context" },
                );
            }
        }
    }
}
