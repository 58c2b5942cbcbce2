//! `soc2`: the command line over soc2-core.
//!
//! Exit codes: 0 success, 1 a negative result (invalid document, damage, exceptions
//! found), 2 usage or input errors.

use std::io::Read;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};
use soc2_core::json::{from_json_str, to_canonical_vec};
use soc2_core::model::{AuditFinding, AuditPeriod, Control, Criterion, Evidence};

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
