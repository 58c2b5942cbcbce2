//! `soc2`: the command line over soc2-core.
//!
//! Exit codes: 0 success, 1 a negative result (invalid document, damage, exceptions
//! found), 2 usage or input errors.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use soc2_core::json::{from_json_str, to_canonical_vec};
use soc2_core::model::{AuditFinding, AuditPeriod, Control, Criterion, Date, Evidence, Timestamp};
use soc2_core::report::Format;
use soc2_core::{Catalog, EvidenceItem};

/// Record SOC 2 evidence, evaluate controls and hand signed bundles to the auditor.
#[derive(Parser)]
#[command(name = "soc2", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Checks documents against the model and prints each one's canonical SHA-256.
    Validate {
        /// What the documents are.
        #[arg(long, value_enum, default_value_t = DocKind::Evidence)]
        kind: DocKind,
        /// Files to check (`-` for standard input).
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Lists the Trust Services Criteria, or resolves ids spelled the way other tools do.
    Criteria {
        /// Ids to resolve (e.g. `cc_6_1`, `a1.2`); all criteria when omitted.
        ids: Vec<String>,
    },
    /// Evaluates the controls against the evidence and writes the readiness report.
    ///
    /// Exits 0 when no control is in exception, 1 when some are, 2 on usage or input
    /// errors.
    Evaluate(EvaluateArgs),
}

#[derive(clap::Args)]
struct EvaluateArgs {
    /// Evidence as JSON Lines: one evidence document per line; a record's number is its
    /// line index, counting from 0.
    #[arg(long, value_name = "FILE.jsonl")]
    evidence: PathBuf,
    /// The audit period: START..END (Type II) or a single DATE (Type I).
    #[arg(long, value_name = "START..END")]
    period: AuditPeriod,
    /// The date to evaluate as of [default: today, or the period's end if earlier].
    #[arg(long, value_name = "YYYY-MM-DD")]
    as_of: Option<Date>,
    /// A company catalog file (TOML or JSON) applied to the built-in catalog.
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// The report's format.
    #[arg(long, value_enum, default_value_t = ReportFormat::Text)]
    format: ReportFormat,
    /// Write the report here instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ReportFormat {
    Text,
    Json,
    Md,
    Html,
}

#[derive(Clone, Copy, ValueEnum)]
enum DocKind {
    Evidence,
    Control,
    Finding,
    Period,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Validate { kind, files } => validate(kind, &files),
        Command::Criteria { ids } => criteria(&ids),
        Command::Evaluate(args) => match evaluate(&args) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("soc2: {e}");
                ExitCode::from(2)
            }
        },
    }
}

fn read_input(path: &PathBuf) -> Result<String, String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).map_err(|e| format!("<stdin>: {e}"))?;
        Ok(s)
    } else {
        fs_err::read_to_string(path).map_err(|e| e.to_string())
    }
}

fn canonical_digest(kind: DocKind, text: &str) -> Result<String, soc2_core::json::JsonError> {
    let bytes = match kind {
        DocKind::Evidence => to_canonical_vec(&from_json_str::<Evidence>(text)?)?,
        DocKind::Control => to_canonical_vec(&from_json_str::<Control>(text)?)?,
        DocKind::Finding => to_canonical_vec(&from_json_str::<AuditFinding>(text)?)?,
        DocKind::Period => to_canonical_vec(&from_json_str::<AuditPeriod>(text)?)?,
    };
    Ok(soc2_core::model::Sha256Digest::of(&bytes).to_hex())
}

fn validate(kind: DocKind, files: &[PathBuf]) -> ExitCode {
    let mut invalid = false;
    for path in files {
        let text = match read_input(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("soc2: {e}");
                return ExitCode::from(2);
            }
        };
        match canonical_digest(kind, &text) {
            Ok(hex) => println!("ok  {hex}  {}", path.display()),
            Err(e) => {
                invalid = true;
                println!("bad {}", e.in_source(path.display().to_string()));
            }
        }
    }
    if invalid { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn criteria(ids: &[String]) -> ExitCode {
    if ids.is_empty() {
        for c in Criterion::all() {
            println!("{:<6} {:<22} {}", c.id(), format!("{:?}", c.category()), c.title());
        }
        return ExitCode::SUCCESS;
    }
    let mut bad = false;
    for id in ids {
        match id.parse::<Criterion>() {
            Ok(c) => println!("{id} -> {} ({})", c.id(), c.title()),
            Err(e) => {
                bad = true;
                eprintln!("soc2: {e}");
            }
        }
    }
    if bad { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// Reads evidence as JSON Lines; blank lines are skipped but still numbered.
fn read_jsonl(path: &PathBuf) -> Result<Vec<(u64, Evidence)>, String> {
    let text = read_input(path)?;
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let ev: Evidence = from_json_str(line).map_err(|e| {
            let mut e = e.in_source(path.display().to_string());
            // Each line is its own document: report the file's line, not the document's.
            e.line = i + 1;
            e.to_string()
        })?;
        out.push((i as u64, ev));
    }
    Ok(out)
}

fn evaluate(args: &EvaluateArgs) -> Result<ExitCode, String> {
    let evidence = read_jsonl(&args.evidence)?;
    let catalog = match &args.catalog {
        Some(path) => Catalog::builtin().extend_from_path(path).map_err(|e| e.to_string())?,
        None => Catalog::builtin(),
    };
    let as_of = match args.as_of {
        Some(d) => d.0,
        None => Timestamp::now().date().min(args.period.end()),
    };
    let items: Vec<EvidenceItem<'_>> =
        evidence.iter().map(|(seq, e)| EvidenceItem::new(*seq, e)).collect();
    let report = soc2_core::evaluate(&catalog, &items, &args.period, as_of);
    let format = match args.format {
        ReportFormat::Text => Format::Text,
        ReportFormat::Json => Format::Json,
        ReportFormat::Md => Format::Markdown,
        ReportFormat::Html => Format::Html,
    };
    let rendered = report.render(format).map_err(|e| e.to_string())?;
    match &args.output {
        Some(path) => fs_err::write(path, rendered).map_err(|e| e.to_string())?,
        None => print!("{rendered}"),
    }
    Ok(if report.has_exceptions() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
