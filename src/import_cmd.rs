//! `soc2 import`: a system's export becomes evidence with provenance, and `--check`
//! re-derives a stored record from its input files.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use soc2_core::import::{self, Options};
use soc2_core::json::to_canonical_string;
use soc2_core::ledger::Locker;
use soc2_core::model::{Provenance, Timestamp};

use crate::{Failure, hex_of, input_error};

/// How `import` reports.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum ImportFormat {
    /// For people.
    Text,
    /// One JSON object on standard output.
    Json,
}

/// The arguments of `soc2 import`.
#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("mode").required(true).args(["list", "check", "source"]))]
pub(crate) struct ImportArgs {
    /// Lists the sources and what each reads.
    #[arg(long)]
    list: bool,
    /// Re-derives record SEQ from the input files stored with it: exit 0 when the result
    /// is byte for byte the stored evidence, 1 when it differs.
    #[arg(long, value_name = "SEQ", requires = "locker", conflicts_with_all = ["list", "source"])]
    check: Option<u64>,
    /// The source (see --list), e.g. `aws-credential-report`.
    #[arg(value_name = "SOURCE", conflicts_with = "list", requires = "files")]
    source: Option<String>,
    /// The exported files: pages of one population (bare bodies or captures).
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
    /// The evidence locker to record into (not needed with --dry-run or --list).
    #[arg(long, value_name = "DIR")]
    locker: Option<PathBuf>,
    /// The system to name in the evidence instead of the source's default.
    #[arg(long, value_name = "NAME")]
    system: Option<String>,
    /// When the export was made (UTC, 2026-03-28T14:05:00Z), if the files do not say.
    #[arg(long, value_name = "TIMESTAMP")]
    fetched_at: Option<Timestamp>,
    /// Reads and checks everything but records nothing.
    #[arg(long)]
    dry_run: bool,
    /// `text` for people; `json` for one object on standard output.
    #[arg(long, value_enum, default_value_t = ImportFormat::Text)]
    format: ImportFormat,
}

pub(crate) fn run(args: &ImportArgs) -> Result<ExitCode, Failure> {
    if args.list {
        return list(args.format);
    }
    if let Some(seq) = args.check {
        let locker =
            args.locker.as_deref().ok_or_else(|| input_error("--check needs --locker".into()))?;
        return check(locker, seq, args.format);
    }
    let source = args.source.as_deref().unwrap_or_default();
    let options = Options { system: args.system.clone(), fetched_at: args.fetched_at };
    let mut appended = Vec::new();
    let imported = if args.dry_run {
        import::import_files(source, &args.files, &options).map_err(import_failure)?
    } else {
        let dir = args
            .locker
            .as_deref()
            .ok_or_else(|| input_error("give --locker DIR (or --dry-run)".into()))?;
        let mut locker = Locker::open(dir)?;
        // The inputs are stored as they are read (a large audit log is read once).
        let imported =
            import::import_files_stored(&locker.attachment_store(), source, &args.files, &options)
                .map_err(import_failure)?;
        appended = import::record_import(&mut locker, &imported)?;
        imported
    };
    let result = &imported.import;
    match args.format {
        ImportFormat::Text => print_summary(result, &appended, args.dry_run),
        ImportFormat::Json => {
            let records: Vec<serde_json::Value> = appended
                .iter()
                .map(|a| serde_json::json!({"seq": a.seq, "leaf_hash": hex_of(&a.leaf_hash)}))
                .collect();
            let evidence = serde_json::to_value(&result.evidence)
                .map_err(|e| input_error(format!("cannot write the result: {e}")))?;
            let out = serde_json::json!({
                "source": result.source.name,
                "dry_run": args.dry_run,
                "records": records,
                "provenance": serde_json::to_value(&result.provenance).unwrap_or_default(),
                "evidence": if args.dry_run { evidence } else { serde_json::Value::Null },
            });
            println!("{out}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// An import error is the user's input (exit 2), whatever its class says.
fn import_failure(e: soc2_core::Error) -> Failure {
    match e {
        soc2_core::Error::Import(e) => input_error(e.to_string()),
        e => Failure::from(e),
    }
}

fn list(format: ImportFormat) -> Result<ExitCode, Failure> {
    let sources = import::sources();
    match format {
        ImportFormat::Text => {
            for s in &sources {
                println!("{:<28} {:<20} {:<8} {}", s.name, s.kind, s.system, s.input);
            }
        }
        ImportFormat::Json => {
            let list: Vec<serde_json::Value> = sources
                .iter()
                .map(|s| {
                    serde_json::json!({"name": s.name, "kind": s.kind.as_str(), "system": s.system, "input": s.input})
                })
                .collect();
            println!("{}", serde_json::Value::Array(list));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print_summary(result: &import::Import, appended: &[soc2_core::ledger::Appended], dry_run: bool) {
    let p: &Provenance = &result.provenance;
    let what = format!("{} {} record(s)", result.evidence.len(), result.source.kind);
    match (dry_run, appended.first(), appended.last()) {
        (true, _, _) => println!("dry run: {what} (nothing recorded)"),
        (false, Some(first), Some(last)) if first.seq != last.seq => {
            println!("recorded {what}: seq {}..{}", first.seq, last.seq)
        }
        (false, Some(first), _) => {
            println!("recorded {what}: seq {} leaf {}", first.seq, hex_of(&first.leaf_hash))
        }
        _ => println!("recorded nothing"),
    }
    println!(
        "population: {:?}{}; rows read {}, kept {}, skipped {}",
        p.completeness,
        p.completeness_reason.as_deref().map(|r| format!(" ({r})")).unwrap_or_default(),
        p.rows_read,
        p.rows_kept,
        p.skipped.len()
    );
    println!("fetched at {} (from {:?})", p.fetched_at, p.fetched_at_source);
    for e in &result.evidence {
        if let soc2_core::model::Payload::SecurityEvents(ev) = &e.payload {
            print_events(ev);
        }
    }
    for input in &p.inputs {
        println!(
            "input {}  {} bytes  sha256 {}{}",
            input.file_name,
            input.size,
            input.sha256,
            input.endpoint.as_deref().map(|e| format!("  {e}")).unwrap_or_default()
        );
    }
    for s in &p.skipped {
        println!("skipped {}:{}: {}", s.file, s.row, s.reason);
    }
    for w in &p.warnings {
        let field = w.field.as_deref().map(|f| format!(" field {f}")).unwrap_or_default();
        println!(
            "warning {} x{}: {} (first: {} row {}{field})",
            w.code, w.count, w.message, w.file, w.row
        );
    }
}

/// The most detected events the text summary lists (the JSON has them all).
const MAX_DETECTED_SHOWN: usize = 20;

fn print_events(ev: &soc2_core::model::SecurityEvents) {
    let high = ev.detected.iter().filter(|d| d.detection.high_risk()).count();
    println!(
        "events {} from {} to {}; security-relevant {} ({} high-risk){}",
        ev.events,
        ev.covered_from,
        ev.covered_to,
        ev.detected.len() as u64 + ev.detected_not_listed,
        high,
        if ev.detected_not_listed > 0 {
            format!(", {} not listed", ev.detected_not_listed)
        } else {
            String::new()
        }
    );
    for d in ev.detected.iter().take(MAX_DETECTED_SHOWN) {
        println!(
            "detected {} {} {} {}{}{}",
            d.time,
            d.detection,
            d.actor,
            d.action,
            d.target.as_deref().map(|t| format!(" on {t}")).unwrap_or_default(),
            d.detail.as_deref().map(|t| format!(" ({t})")).unwrap_or_default()
        );
    }
    if ev.detected.len() > MAX_DETECTED_SHOWN {
        println!(
            "... and {} more (--format json lists them all)",
            ev.detected.len() - MAX_DETECTED_SHOWN
        );
    }
}

fn check(dir: &Path, seq: u64, format: ImportFormat) -> Result<ExitCode, Failure> {
    let locker = Locker::open(dir)?;
    let checked = match import::check_record(&locker, seq) {
        Ok(c) => c,
        // Not imported: the wrong record was named.
        Err(soc2_core::Error::Import(e @ soc2_core::ImportError::NotReproducible { .. }))
            if locker.record(seq).is_ok_and(|r| r.evidence.provenance.is_none()) =>
        {
            return Err(input_error(e.to_string()));
        }
        // The stored inputs no longer give evidence: the record does not re-derive.
        Err(soc2_core::Error::Import(e)) => {
            return Err(Failure { code: 1, message: format!("record {seq}: {e}") });
        }
        Err(e) => return Err(e.into()),
    };
    let outcome = &checked.recheck;
    match format {
        ImportFormat::Text => {
            if outcome.identical {
                println!(
                    "identical: record {seq} re-derived by {} {} from {} stored input(s)",
                    checked.importer, checked.importer_version, checked.inputs
                );
            } else {
                println!("differs: record {seq} as re-derived now:");
                let text = to_canonical_string(&outcome.rederived)
                    .map_err(|e| input_error(e.to_string()))?;
                println!("{text}");
            }
        }
        ImportFormat::Json => {
            println!(
                "{}",
                serde_json::json!({"seq": seq, "identical": outcome.identical, "importer": checked.importer})
            );
        }
    }
    Ok(if outcome.identical { ExitCode::SUCCESS } else { ExitCode::from(1) })
}
