//! Importers: the files that systems export (`gh api`, `aws`, `okta`, admin consoles)
//! become typed evidence with [`Provenance`].
//!
//! One module per source. Each is a pure, deterministic function of the input bytes and
//! the [`Options`]: the same inputs give byte-identical evidence, which is what
//! [`recheck`] (and `soc2 import --check`) relies on to let an auditor re-derive a record
//! from the input files stored with it.
//!
//! Several files given to one import are pages of one population. A file may be a bare
//! response body or a capture of the request and response (see [`capture`](self) and
//! `docs/importers.md`): from a capture the endpoint, query, status and `Date` are taken,
//! page links are checked for gaps, and filters mark the population as filtered.
//!
//! Messy values are normalised by one shared toolkit and every normalisation is counted
//! in the provenance's warnings; rows that are not kept are listed with their reason.

mod aws_cloudtrail_trails;
mod aws_cloudwatch_alarms;
mod aws_credential_report;
mod capture;
mod checkr_reports;
mod csv_mapping;
mod error;
mod events;
mod files;
mod fleet_hosts;
mod fleet_osquery;
mod github_branch_protection;
mod github_pulls;
mod gitlab_protected_branches;
mod google_users;
mod intune_devices;
mod jamf_computers;
mod knowbe4_training;
mod okta_users;
mod risks_csv;
mod roster_csv;
mod toolkit;
mod vendors_csv;

use crate::json::to_canonical_vec;
use crate::model::{
    Attachment, Collector, Completeness, Evidence, EvidenceKind, FetchedAtSource, ImportInput,
    ImportPart, Payload, Provenance, Sha256Digest, Timestamp,
};

pub use error::ImportError;
pub use files::{
    FileImport, InputFile, RecordCheck, append_import, check_evidence, check_record, import_files,
    import_files_stored, read_input_files, record_import, store_inputs,
};

use capture::Page;
use toolkit::Ctx;

/// The largest input file one import reads (256 MiB).
pub const MAX_INPUT_BYTES: u64 = 256 << 20;

/// The collector named in imported evidence.
pub const COLLECTOR_NAME: &str = "soc2 import";

/// What an importer reads and makes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SourceInfo {
    /// The name given to `soc2 import`.
    pub name: &'static str,
    /// The kind of evidence it makes.
    pub kind: EvidenceKind,
    /// The system named in its evidence unless `--system` says otherwise.
    pub system: &'static str,
    /// What it reads, in a few words.
    pub input: &'static str,
}

/// An item an importer made: its payload, and when the fact it records happened when
/// that is not the export time (a merge, a completed training).
pub(crate) struct Item {
    pub payload: Payload,
    pub observed_at: Option<Timestamp>,
}

impl Item {
    pub(crate) fn at_export(payload: Payload) -> Self {
        Item { payload, observed_at: None }
    }
}

type RunFn = fn(&mut Ctx, &[Page], &str) -> Result<Vec<Item>, ImportError>;

/// How a source reads its inputs.
enum Run {
    /// Whole files, as pages (an API's responses).
    Pages(RunFn),
    /// Streamed files of audit-log events, however large.
    Events(&'static events::EventSource),
    /// `fleet-hosts`: whole files as pages (Fleet API responses), or streamed osquery
    /// result logs, however large, when the first input begins with an osquery result
    /// ([`fleet_osquery::starts_a_result_log`]).
    PagesOrResults(RunFn),
}

struct Entry {
    info: SourceInfo,
    run: Run,
    /// Whether the source reads error responses itself (e.g. a 404 "not protected").
    reads_errors: bool,
}

const ENTRIES: &[Entry] = &[
    Entry {
        info: SourceInfo {
            name: "aws-credential-report",
            kind: EvidenceKind::UserList,
            system: "aws",
            input: "IAM credential report: the CSV, or GetCredentialReport JSON (Content base64 or decoded)",
        },
        run: Run::Pages(aws_credential_report::run),
        reads_errors: true,
    },
    Entry {
        info: SourceInfo {
            name: "github-pulls",
            kind: EvidenceKind::ChangeRecord,
            system: "github",
            input: "REST pages of pulls (list or single), their reviews, optionally their commits and the branch's commits",
        },
        run: Run::Pages(github_pulls::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "okta-users",
            kind: EvidenceKind::UserList,
            system: "okta",
            input: "Okta /api/v1/users pages (Link-header cursor), optionally /api/v1/users/{id}/factors per user",
        },
        run: Run::Pages(okta_users::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "google-users",
            kind: EvidenceKind::UserList,
            system: "google",
            input: "Google Workspace Admin SDK Directory users.list pages (nextPageToken)",
        },
        run: Run::Pages(google_users::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "intune-devices",
            kind: EvidenceKind::DeviceInventory,
            system: "intune",
            input: "Microsoft Graph deviceManagement/managedDevices pages (@odata.nextLink, @odata.count), optionally deviceCompliancePolicies and each device's deviceCompliancePolicyStates (screen lock)",
        },
        run: Run::Pages(intune_devices::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "jamf-computers",
            kind: EvidenceKind::DeviceInventory,
            system: "jamf",
            input: "Jamf Pro API /api/v1/computers-inventory pages (totalCount, results, section=...), or the Classic API computers list",
        },
        run: Run::Pages(jamf_computers::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "fleet-hosts",
            kind: EvidenceKind::DeviceInventory,
            system: "fleet",
            input: "Fleet REST /api/v1/fleet/hosts pages (page, per_page), one host, fleetctl get hosts --json, or osquery result logs",
        },
        run: Run::PagesOrResults(fleet_hosts::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "github-branch-protection",
            kind: EvidenceKind::BranchProtection,
            system: "github",
            input: "branch protection responses (incl. 404 \"Branch not protected\"), rulesets, rules of a branch",
        },
        run: Run::Pages(github_branch_protection::run),
        reads_errors: true,
    },
    Entry {
        info: SourceInfo {
            name: "gitlab-protected-branches",
            kind: EvidenceKind::BranchProtection,
            system: "gitlab",
            input: "GitLab /projects/:id/protected_branches pages (captured: the URL or Link header names the project)",
        },
        run: Run::Pages(gitlab_protected_branches::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "knowbe4-training",
            kind: EvidenceKind::TrainingCompletion,
            system: "knowbe4",
            input: "KnowBe4 Reporting API /v1/training/enrollments pages (completed enrollments become completions)",
        },
        run: Run::Pages(knowbe4_training::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "checkr-reports",
            kind: EvidenceKind::BackgroundCheck,
            system: "checkr",
            input: "Checkr reports (objects or lists) and candidates (for their e-mail)",
        },
        run: Run::Pages(checkr_reports::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "roster-csv",
            kind: EvidenceKind::Roster,
            system: "hris",
            input: "an HR system's CSV export of people, with a TOML column mapping",
        },
        run: Run::Pages(roster_csv::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "vendors-csv",
            kind: EvidenceKind::VendorAssessment,
            system: "grc",
            input: "a vendor list CSV (GRC tool, spreadsheet), with a TOML column mapping",
        },
        run: Run::Pages(vendors_csv::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "risks-csv",
            kind: EvidenceKind::RiskRegister,
            system: "grc",
            input: "a risk register CSV (GRC tool, spreadsheet), with a TOML column mapping",
        },
        run: Run::Pages(risks_csv::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "aws-cloudtrail-trails",
            kind: EvidenceKind::LoggingConfiguration,
            system: "aws",
            input: "aws cloudtrail describe-trails, get-trail-status per trail, optionally get-event-selectors and the buckets' lifecycle",
        },
        run: Run::Pages(aws_cloudtrail_trails::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "aws-cloudwatch-alarms",
            kind: EvidenceKind::AlertRule,
            system: "aws",
            input: "aws cloudwatch describe-alarms pages (NextToken), optionally aws logs describe-metric-filters",
        },
        run: Run::Pages(aws_cloudwatch_alarms::run),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "aws-cloudtrail-events",
            kind: EvidenceKind::SecurityEvents,
            system: "aws",
            input: "CloudTrail log files ({\"Records\": [...]}, gzipped or not), lookup-events output, EventBridge deliveries, or NDJSON of records",
        },
        run: Run::Events(&events::cloudtrail::SOURCE),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "github-audit-log",
            kind: EvidenceKind::SecurityEvents,
            system: "github",
            input: "GitHub organization or enterprise audit log: the JSON or NDJSON export, GET /orgs/{org}/audit-log pages, or streamed NDJSON",
        },
        run: Run::Events(&events::github::SOURCE),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "google-workspace-activity",
            kind: EvidenceKind::SecurityEvents,
            system: "google",
            input: "Admin SDK Reports API activities.list pages ({\"items\": [...]}) or NDJSON of activities",
        },
        run: Run::Events(&events::google::SOURCE),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "okta-system-log",
            kind: EvidenceKind::SecurityEvents,
            system: "okta",
            input: "Okta System Log: GET /api/v1/logs pages, NDJSON exports, Log Streaming or event-hook deliveries",
        },
        run: Run::Events(&events::okta::SOURCE),
        reads_errors: false,
    },
    Entry {
        info: SourceInfo {
            name: "gcp-audit-log",
            kind: EvidenceKind::SecurityEvents,
            system: "gcp",
            input: "Cloud Audit Logs entries: gcloud logging read --format=json, entries.list pages ({\"entries\": [...]}), or NDJSON (a Cloud Storage sink, a pipeline, a BigQuery export)",
        },
        run: Run::Events(&events::gcp::SOURCE),
        reads_errors: false,
    },
];

/// Every source, in the order `soc2 import --list` shows them.
pub fn sources() -> Vec<SourceInfo> {
    ENTRIES.iter().map(|e| e.info).collect()
}

/// One input file of an import.
#[derive(Clone, Copy, Debug)]
pub struct Input<'a> {
    /// Its name (informational; recorded in the provenance and the attachment).
    pub file_name: &'a str,
    /// Its bytes.
    pub bytes: &'a [u8],
}

/// Choices made at import time, recorded in the provenance so that the import can be
/// re-derived.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Options {
    /// The system to name in the evidence instead of the source's default.
    pub system: Option<String>,
    /// When the export was made, if the inputs do not say (or to override them).
    pub fetched_at: Option<Timestamp>,
}

/// The result of an import: the evidence to record, in order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Import {
    /// The source that made it.
    pub source: SourceInfo,
    /// One or more evidence documents, each with the same provenance (but its `part`).
    pub evidence: Vec<Evidence>,
    /// The provenance shared by all of them (without `part`).
    pub provenance: Provenance,
    /// The input files as attachments, in order (each record lists them all).
    pub attachments: Vec<Attachment>,
}

/// The largest input file an audit-log or osquery result-log import streams (64 GiB): read
/// in bounded memory, so the cap only bounds the time an import may take.
pub const MAX_EVENT_INPUT_BYTES: u64 = 64 << 30;

/// How much of a first input [`streams`] looks at to tell an osquery result log from
/// Fleet API responses (1 MiB; decompressed, when gzipped).
pub const SNIFF_BYTES: usize = 1 << 20;

fn entry(source: &str) -> Result<&'static Entry, ImportError> {
    ENTRIES
        .iter()
        .find(|e| e.info.name == source)
        .ok_or_else(|| ImportError::UnknownSource { name: source.to_owned() })
}

/// Whether `source` always streams its inputs (audit logs) instead of reading them whole.
/// `fleet-hosts` streams osquery result logs only: see [`streams`].
pub fn is_streamed(source: &str) -> bool {
    entry(source).is_ok_and(|e| matches!(e.run, Run::Events(_)))
}

/// Whether an import of `source` whose first input begins with `head` (its first
/// [`SNIFF_BYTES`] bytes, or all of a shorter file) streams its inputs: audit logs always,
/// `fleet-hosts` when the first input is an osquery result log (plain or gzipped), never
/// the others.
pub fn streams(source: &str, head: &[u8]) -> bool {
    match entry(source).map(|e| &e.run) {
        Ok(Run::Events(_)) => true,
        Ok(Run::PagesOrResults(_)) => {
            let text = events::stream::head_text(head, SNIFF_BYTES);
            fleet_osquery::starts_a_result_log(&text)
        }
        _ => false,
    }
}

/// The largest input `source` accepts (`fleet-hosts`: its osquery result logs; a Fleet
/// API response is at most [`MAX_INPUT_BYTES`]).
pub fn max_input_bytes(source: &str) -> u64 {
    match entry(source).map(|e| &e.run) {
        Ok(Run::Events(_) | Run::PagesOrResults(_)) => MAX_EVENT_INPUT_BYTES,
        _ => MAX_INPUT_BYTES,
    }
}

/// Runs the importer `source` over `inputs`.
pub fn import(
    source: &str,
    inputs: &[Input<'_>],
    options: &Options,
) -> Result<Import, ImportError> {
    let entry = entry(source)?;
    if inputs.is_empty() {
        return Err(ImportError::NoInput);
    }
    match entry.run {
        Run::Pages(run) => import_pages(entry, run, inputs, options),
        Run::PagesOrResults(run) if !streams(source, inputs[0].bytes) => {
            import_pages(entry, run, inputs, options)
        }
        Run::Events(_) | Run::PagesOrResults(_) => {
            let names: Vec<&str> = inputs.iter().map(|i| i.file_name).collect();
            let mut open = |i: usize| -> std::io::Result<Box<dyn std::io::Read + '_>> {
                Ok(Box::new(inputs[i].bytes))
            };
            import_stream(entry, &names, &mut open, options).map_err(|e| match e {
                EventsError::Import(e) => e,
                // Bytes in memory cannot fail to read.
                EventsError::Io { index, error } => {
                    ImportError::malformed(names[index], 0, None, error.to_string())
                }
            })
        }
    }
}

/// Why [`import_streamed`] stopped: the content, or reading input number `.0`.
pub(crate) enum StreamedError {
    Import(ImportError),
    Io(std::io::Error),
}

/// Streams the inputs of `source` (an audit log, or `fleet-hosts` when [`streams`] says
/// so); `open(i)` gives input `i`.
pub(crate) fn import_streamed<'a>(
    source: &str,
    file_names: &[&str],
    open: &mut dyn FnMut(usize) -> std::io::Result<Box<dyn std::io::Read + 'a>>,
    options: &Options,
) -> Result<Import, (usize, StreamedError)> {
    let entry = entry(source).map_err(|e| (0, StreamedError::Import(e)))?;
    if let Run::Pages(_) = entry.run {
        return Err((
            0,
            StreamedError::Import(ImportError::UnknownSource { name: source.to_owned() }),
        ));
    }
    if file_names.is_empty() {
        return Err((0, StreamedError::Import(ImportError::NoInput)));
    }
    import_stream(entry, file_names, open, options).map_err(|e| match e {
        EventsError::Import(e) => (0, StreamedError::Import(e)),
        EventsError::Io { index, error } => (index, StreamedError::Io(error)),
    })
}

/// Why a streamed import stopped.
#[derive(Debug)]
enum EventsError {
    /// The content.
    Import(ImportError),
    /// Reading input `index` failed.
    Io { index: usize, error: std::io::Error },
}

impl From<ImportError> for EventsError {
    fn from(e: ImportError) -> Self {
        EventsError::Import(e)
    }
}

/// Streams the inputs of a streamed source.
fn import_stream<'a>(
    entry: &'static Entry,
    file_names: &[&str],
    open: &mut dyn FnMut(usize) -> std::io::Result<Box<dyn std::io::Read + 'a>>,
    options: &Options,
) -> Result<Import, EventsError> {
    match entry.run {
        Run::Events(src) => import_events(entry, src, file_names, open, options),
        _ => import_results(entry, file_names, open, options),
    }
}

/// Streams input `index` (named `name`) to its end through `on_value`; returns what the
/// reader saw and the input's record (hash, size).
fn stream_input<'a>(
    index: usize,
    name: &str,
    open: &mut dyn FnMut(usize) -> std::io::Result<Box<dyn std::io::Read + 'a>>,
    reading: events::stream::Reading<'_>,
    on_value: &mut dyn FnMut(
        serde_json::Value,
        events::stream::Position,
    ) -> Result<(), ImportError>,
) -> Result<(events::stream::FileSummary, ImportInput), EventsError> {
    use events::stream::StreamError;
    let reader = open(index).map_err(|error| EventsError::Io { index, error })?;
    let summary = match events::stream::read_events(reader, reading, on_value) {
        Ok(s) => s,
        Err(StreamError::Io(error)) => return Err(EventsError::Io { index, error }),
        Err(StreamError::Data(reason)) => {
            return Err(ImportError::malformed(name, 0, None, reason).into());
        }
        Err(StreamError::Line { line, reason }) => {
            return Err(ImportError::malformed(name, line, None, reason).into());
        }
        Err(StreamError::Handler(e)) => return Err(e.into()),
    };
    if summary.size > MAX_EVENT_INPUT_BYTES {
        return Err(ImportError::TooLarge {
            file: name.to_owned(),
            size: summary.size,
            limit: MAX_EVENT_INPUT_BYTES,
        }
        .into());
    }
    let record = ImportInput {
        file_name: name.to_owned(),
        sha256: summary.sha256,
        size: summary.size,
        method: None,
        endpoint: None,
        query: None,
        status: None,
        fetched_at: None,
    };
    Ok((summary, record))
}

/// Counts the raw control characters a file's strings held (read as spaces).
fn control_chars_read(ctx: &mut Ctx, name: &str, summary: &events::stream::FileSummary) {
    if summary.control_chars > 0 {
        ctx.warn(
            "control_characters_replaced",
            "raw control characters inside JSON strings were read as spaces",
            toolkit::At { file: name, row: 0, field: "" },
        );
    }
}

/// Streams osquery result logs (`fleet-hosts`) into their hosts' state.
fn import_results<'a>(
    entry: &'static Entry,
    file_names: &[&str],
    open: &mut dyn FnMut(usize) -> std::io::Result<Box<dyn std::io::Read + 'a>>,
    options: &Options,
) -> Result<Import, EventsError> {
    let names = checked_names(file_names)?;
    let system = options.system.clone().unwrap_or_else(|| entry.info.system.to_owned());
    let mut ctx = Ctx::new(entry.info.name, options.fetched_at);
    let mut records = Vec::with_capacity(names.len());
    let mut media_types = Vec::with_capacity(names.len());
    let mut logs = fleet_osquery::Logs::default();
    let reading = events::stream::Reading {
        wrappers: &[],
        fields: Some(fleet_osquery::FIELDS),
        raw: fleet_osquery::RAW,
        strict: true,
    };
    for (index, name) in names.iter().enumerate() {
        let mut results = 0u64;
        let mut on_value = |v: serde_json::Value, pos: events::stream::Position| {
            results += 1;
            logs.read_value(&mut ctx, v, name, pos.record)
        };
        let (summary, record) = stream_input(index, name, open, reading, &mut on_value)?;
        if results == 0 {
            return Err(ImportError::wrong(name, entry.info.name, "no osquery result in it").into());
        }
        control_chars_read(&mut ctx, name, &summary);
        records.push(record);
        // As a result log read whole was recorded: JSON, unless gzipped.
        media_types.push(if summary.gzip { "application/gzip" } else { "application/json" });
    }
    let devices = logs.finish(&mut ctx)?;
    let items = fleet_hosts::inventory(&system, devices);
    Ok(assemble(entry, ctx, records, media_types, items, options, None, system)?)
}

/// Streams the inputs of an audit-log source: `open(i)` gives input `i`'s raw bytes.
fn import_events<'a>(
    entry: &'static Entry,
    src: &'static events::EventSource,
    file_names: &[&str],
    open: &mut dyn FnMut(usize) -> std::io::Result<Box<dyn std::io::Read + 'a>>,
    options: &Options,
) -> Result<Import, EventsError> {
    let names = checked_names(file_names)?;
    let system = options.system.clone().unwrap_or_else(|| entry.info.system.to_owned());
    let mut ctx = Ctx::new(entry.info.name, options.fetched_at);
    let mut records = Vec::with_capacity(names.len());
    let mut media_types = Vec::with_capacity(names.len());
    let fields = events::wanted(src);
    let mut sink = events::Sink::new(&mut ctx);
    let reading = events::stream::Reading {
        wrappers: src.wrappers,
        fields: fields.as_deref(),
        raw: &[],
        strict: false,
    };
    for (index, name) in names.iter().enumerate() {
        let skipped_before = sink.ctx.skipped.len();
        let mut on_event = |v: serde_json::Value, pos: events::stream::Position| {
            (src.read)(&mut sink, &v, events::Loc { file: name, record: pos.record })
        };
        let (summary, record) = stream_input(index, name, open, reading, &mut on_event)?;
        for (line, reason) in &summary.bad_line_examples {
            sink.foreign(events::Loc { file: name, record: *line }, reason.clone());
        }
        for _ in summary.bad_line_examples.len() as u64..summary.bad_lines {
            sink.foreign(events::Loc { file: name, record: 0 }, "not JSON");
        }
        // Lines that were not JSON are known only at the file's end: list in file order.
        sink.ctx.skipped[skipped_before..].sort_by_key(|s| s.row);
        control_chars_read(sink.ctx, name, &summary);
        sink.end_file(name, entry.info.name)?;
        for (member, value) in &summary.wrapper_members {
            if matches!(member.as_str(), "NextToken" | "nextPageToken")
                && value.as_str().is_some_and(|t| !t.is_empty())
            {
                sink.ctx.warn(
                    "next_page_not_given",
                    "a page says more pages follow (a next-page token); later events may \
                     be missing unless their pages were given too",
                    toolkit::At { file: name, row: 0, field: member },
                );
            }
        }
        records.push(record);
        media_types.push(if summary.gzip {
            "application/gzip"
        } else if summary.ndjson {
            "application/x-ndjson"
        } else {
            "application/json"
        });
    }
    let events = sink.finish(&system)?;
    ctx.completeness(
        Completeness::Unknown,
        Some(
            "an audit log's completeness is judged by the time it covers (LOG-03), not by \
             its files"
                .into(),
        ),
    );
    let observed = events.covered_to;
    let items =
        vec![Item { payload: Payload::SecurityEvents(events), observed_at: Some(observed) }];
    Ok(assemble(entry, ctx, records, media_types, items, options, None, system)?)
}

/// The attachment names of the inputs (base names, NFC).
fn checked_names(file_names: &[&str]) -> Result<Vec<String>, ImportError> {
    file_names
        .iter()
        .map(|n| {
            // Base names only: the provenance must not depend on where the files sat.
            let name = attachment_name(n);
            // The name is written into the evidence, whose strings must be NFC.
            if !crate::json::is_nfc(&name) {
                return Err(ImportError::malformed(
                    &name,
                    0,
                    None,
                    "the file name is not in Unicode NFC (composed characters): rename the file",
                ));
            }
            Ok(name)
        })
        .collect()
}

fn import_pages(
    entry: &'static Entry,
    run: RunFn,
    inputs: &[Input<'_>],
    options: &Options,
) -> Result<Import, ImportError> {
    let mut pages = Vec::new();
    let mut records = Vec::with_capacity(inputs.len());
    let mut capture_time: Option<Timestamp> = None;
    let file_names: Vec<&str> = inputs.iter().map(|i| i.file_name).collect();
    let names = checked_names(&file_names)?;
    for (input, name) in inputs.iter().zip(&names) {
        let size = input.bytes.len() as u64;
        if size > MAX_INPUT_BYTES {
            return Err(ImportError::TooLarge { file: name.clone(), size, limit: MAX_INPUT_BYTES });
        }
        let file_pages = capture::pages_of(name, input.bytes, entry.info.name)?;
        let first = file_pages.first().and_then(|p| p.capture.as_ref());
        let latest =
            file_pages.iter().filter_map(|p| p.capture.as_ref().and_then(|c| c.date)).max();
        capture_time = capture_time.max(latest);
        if !entry.reads_errors {
            for p in &file_pages {
                check_status(p)?;
            }
        }
        records.push(ImportInput {
            file_name: name.clone(),
            sha256: Sha256Digest::of(input.bytes),
            size,
            method: first.and_then(|c| c.method.clone()),
            endpoint: first.and_then(|c| c.endpoint()),
            query: first.and_then(|c| c.query()),
            status: first.and_then(|c| c.status),
            fetched_at: latest,
        });
        pages.extend(file_pages);
    }
    let system = options.system.clone().unwrap_or_else(|| entry.info.system.to_owned());
    let mut ctx = Ctx::new(entry.info.name, options.fetched_at.or(capture_time));
    let items = run(&mut ctx, &pages, &system)?;
    let media_types = inputs.iter().map(|i| media_type_of(i.bytes)).collect();
    assemble(entry, ctx, records, media_types, items, options, capture_time, system)
}

/// The evidence, provenance and attachments of an import, from what its source made.
#[allow(clippy::too_many_arguments)]
fn assemble(
    entry: &'static Entry,
    mut ctx: Ctx,
    records: Vec<ImportInput>,
    media_types: Vec<&'static str>,
    items: Vec<Item>,
    options: &Options,
    capture_time: Option<Timestamp>,
    system: String,
) -> Result<Import, ImportError> {
    let (fetched_at, fetched_at_source) = match (options.fetched_at, capture_time, ctx.export_time)
    {
        (Some(t), _, _) => (t, FetchedAtSource::Argument),
        (None, Some(t), _) => (t, FetchedAtSource::Capture),
        (None, None, Some(t)) => (t, FetchedAtSource::Export),
        (None, None, None) => return Err(ImportError::NoFetchTime),
    };
    let (completeness, completeness_reason) = ctx.take_completeness();
    let provenance = Provenance {
        importer: entry.info.name.to_owned(),
        importer_version: env!("CARGO_PKG_VERSION").to_owned(),
        inputs: records,
        fetched_at,
        fetched_at_source,
        system: options.system.clone(),
        completeness,
        completeness_reason,
        rows_read: ctx.rows_read,
        rows_kept: ctx.rows_kept,
        skipped: std::mem::take(&mut ctx.skipped),
        warnings: ctx.take_warnings(),
        part: None,
    };
    let attachments: Vec<Attachment> = media_types
        .iter()
        .zip(&provenance.inputs)
        .map(|(media_type, rec)| Attachment {
            sha256: rec.sha256,
            size: rec.size,
            media_type: (*media_type).to_owned(),
            file_name: rec.file_name.clone(),
        })
        .collect();
    let count = items.len() as u64;
    let evidence = items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            let mut p = provenance.clone();
            if count > 1 {
                p.part = Some(ImportPart { index: i as u64, count });
            }
            Evidence {
                controls: Vec::new(),
                observed_at: item.observed_at.unwrap_or(fetched_at),
                collected_at: fetched_at,
                collector: Collector::Tool {
                    name: COLLECTOR_NAME.to_owned(),
                    version: env!("CARGO_PKG_VERSION").to_owned(),
                },
                source: system.clone(),
                attachments: attachments.clone(),
                payload: item.payload,
                provenance: Some(p),
            }
        })
        .collect();
    Ok(Import { source: entry.info, evidence, provenance, attachments })
}

/// The outcome of re-deriving a stored record from its input files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Recheck {
    /// Whether the re-derived evidence is byte for byte the stored one.
    pub identical: bool,
    /// The evidence as re-derived now.
    pub rederived: Evidence,
}

/// Re-derives `stored` (imported evidence) from its input files, given in the order of
/// its provenance's inputs, with the options recorded in the provenance.
pub fn recheck(stored: &Evidence, inputs: &[Input<'_>]) -> Result<Recheck, ImportError> {
    let p = stored.provenance.as_ref().ok_or_else(|| ImportError::NotReproducible {
        reason: "the evidence has no provenance: it was not made by an importer".into(),
    })?;
    let import = import(&p.importer, inputs, &recheck_options(p))?;
    compare(stored, import)
}

/// The options an import was made with, as its provenance records them.
pub(crate) fn recheck_options(p: &Provenance) -> Options {
    Options {
        system: p.system.clone(),
        fetched_at: (p.fetched_at_source == FetchedAtSource::Argument).then_some(p.fetched_at),
    }
}

/// Compares stored evidence with the same part of a new import of its inputs.
pub(crate) fn compare(stored: &Evidence, mut import: Import) -> Result<Recheck, ImportError> {
    let index =
        stored.provenance.as_ref().and_then(|p| p.part).map_or(0, |part| part.index) as usize;
    if index >= import.evidence.len() {
        return Err(ImportError::NotReproducible {
            reason: format!(
                "the inputs now give {} record(s), the stored one is number {}",
                import.evidence.len(),
                index + 1
            ),
        });
    }
    let rederived = import.evidence.swap_remove(index);
    let same = match (to_canonical_vec(stored), to_canonical_vec(&rederived)) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    };
    Ok(Recheck { identical: same, rederived })
}

/// Refuses a captured error response.
fn check_status(p: &Page) -> Result<(), ImportError> {
    if let Some(status) = p.capture.as_ref().and_then(|c| c.status)
        && status >= 400
    {
        let reason = p
            .json("")
            .ok()
            .and_then(|v| {
                v.get("message")
                    .or_else(|| v.pointer("/Error/Message"))
                    .or_else(|| v.pointer("/Error/Code"))
                    .or_else(|| v.get("errorSummary"))
                    .and_then(|m| m.as_str().map(str::to_owned))
            })
            .unwrap_or_else(|| "no message".into());
        return Err(ImportError::ErrorResponse { file: p.file.clone(), status, reason });
    }
    Ok(())
}

fn media_type_of(bytes: &[u8]) -> &'static str {
    let b = capture::strip_bom(bytes);
    match b.iter().find(|c| !c.is_ascii_whitespace()) {
        Some(b'{' | b'[') => "application/json",
        _ if b.starts_with(b"HTTP/") => "message/http",
        _ if std::str::from_utf8(b).is_ok() => "text/plain",
        _ => "application/octet-stream",
    }
}

/// The attachment's file name: the base name, never a path.
fn attachment_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if base.is_empty() { "input".to_owned() } else { base.to_owned() }
}
