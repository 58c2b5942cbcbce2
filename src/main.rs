//! `soc2`: the command line over soc2-core.
//!
//! Exit codes: 0 success, 1 a negative result (invalid document, damage, exceptions
//! found), 2 usage or input errors.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

mod audit_cmd;
mod bundle_cmd;
mod import_cmd;
mod timestamp_cmd;

use clap::{Parser, Subcommand, ValueEnum};
use soc2_core::error::Classify;
use soc2_core::input;
use soc2_core::json::{from_json_slice, to_canonical_vec};
use soc2_core::ledger::{Checkpoint, Locker, TsaTrust, fsck_with_progress, media_type_for};
use soc2_core::model::{AuditFinding, AuditPeriod, Control, Criterion, Date, Evidence, Timestamp};
use soc2_core::report::{Format, OscalSource};
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
    /// Creates an evidence locker in DIR.
    Init {
        /// The directory (created if missing; must not hold a locker already).
        dir: PathBuf,
        /// The locker's name, first line of its checkpoints, ideally globally unique
        /// (e.g. `example.com/soc2/evidence`). Default: `soc2/` and DIR's name.
        #[arg(long)]
        origin: Option<String>,
    },
    /// Adds one evidence document (JSON) to the locker, with its attachments; prints
    /// the new record's seq and leaf hash.
    Add {
        /// The locker's directory.
        #[arg(long)]
        locker: PathBuf,
        /// The evidence document (`-` or omitted: standard input).
        #[arg(default_value = "-")]
        file: PathBuf,
        /// A file to store and list in the evidence's attachments (repeatable).
        #[arg(long = "attach", value_name = "PATH")]
        attach: Vec<PathBuf>,
        /// Evidence documents in JSON Lines, one per line (`-`: standard input), appended
        /// as one batch: all or nothing, one fsync; the first bad line is named.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["file", "attach"])]
        jsonl: Option<PathBuf>,
    },
    /// Lists the locker's records.
    Log {
        /// The locker's directory.
        #[arg(long)]
        locker: PathBuf,
        /// `text` for people; `json` for one canonical record per line.
        #[arg(long, value_enum, default_value_t = LogFormat::Text)]
        format: LogFormat,
    },
    /// Checks the whole locker and lists every problem: exit 0 when sound, 1 on damage.
    Fsck {
        /// The locker's directory.
        #[arg(long)]
        locker: PathBuf,
        /// A checkpoint taken earlier (the output of `soc2 checkpoint`) that the locker
        /// must still contain: this also protects the newest records (repeatable).
        #[arg(long = "checkpoint", value_name = "FILE")]
        checkpoints: Vec<PathBuf>,
        /// The CA (PEM) the TSA's certificate must chain to: with it, every stored
        /// time-stamp token is checked to come from that TSA; without it, tokens are
        /// checked (imprint, signature, time-stamping certificate) but not who issued them.
        #[arg(long, value_name = "FILE")]
        tsa_ca: Option<PathBuf>,
    },
    /// Timestamps the newest signed checkpoint with an RFC 3161 Time-Stamp Authority:
    /// sends a query over the SHA-256 of its note (HTTP POST,
    /// application/timestamp-query), checks the reply (status, imprint, nonce, CMS
    /// signature, signer certificate with the timeStamping purpose chaining to
    /// --tsa-ca) and keeps it as checkpoints/<size>.tsr (append-only).
    ///
    /// Air-gapped: --request-out FILE writes the query and stops; --response REPLY
    /// --request FILE then takes the TSA's reply to that query.
    Timestamp {
        /// The locker's directory.
        #[arg(long)]
        locker: PathBuf,
        /// The TSA's URL (http://...).
        #[arg(long, value_name = "URL", required_unless_present_any = ["request_out", "response"], conflicts_with_all = ["request_out", "response"])]
        tsa: Option<String>,
        /// The CA certificate(s) (PEM) the TSA's certificate must chain to.
        #[arg(long, value_name = "FILE", required_unless_present = "request_out")]
        tsa_ca: Option<PathBuf>,
        /// Writes the query to FILE instead of sending it.
        #[arg(long, value_name = "FILE", conflicts_with = "response")]
        request_out: Option<PathBuf>,
        /// The TSA's DER reply to the query in --request.
        #[arg(long, value_name = "FILE", requires = "request")]
        response: Option<PathBuf>,
        /// The query (written by --request-out) that --response answers.
        #[arg(long, value_name = "FILE", requires = "response")]
        request: Option<PathBuf>,
    },
    /// Prints the locker's checkpoint (origin, size, Merkle root): keep it outside the
    /// locker to check later with `soc2 fsck --checkpoint`.
    ///
    /// With --sign KEYFILE, signs it instead: a C2SP signed note under the locker's
    /// origin (Ed25519) and an SSHSIG over the note (namespace soc2-checkpoint-v1), both
    /// kept for good in the locker's checkpoints/ directory; prints the note.
    Checkpoint {
        /// The locker's directory.
        #[arg(long)]
        locker: PathBuf,
        /// The OpenSSH Ed25519 private key to sign with, the bundle key of `soc2 keygen`
        /// (its passphrase, if any, from SOC2_KEY_PASSPHRASE).
        #[arg(long, value_name = "KEYFILE")]
        sign: Option<PathBuf>,
    },
    /// Makes an OpenSSH Ed25519 signing key for bundles: writes KEYFILE (private, 0600,
    /// passphrase-protected when SOC2_KEY_PASSPHRASE is set) and KEYFILE.pub.
    Keygen {
        /// The private key file to write (refuses to overwrite).
        #[arg(short = 'o', long = "output", value_name = "KEYFILE")]
        out: PathBuf,
        /// The key's comment, which is also the principal bundles are signed as when it
        /// is a valid one (default: soc2-signer).
        #[arg(long)]
        comment: Option<String>,
    },
    /// Exports the signed evidence bundle of an audit period: one zip the auditor checks
    /// with stock tools (see VERIFY.md inside it).
    ///
    /// The zip is written to a temporary file beside OUT and renamed over it at the end;
    /// on any error, or on Ctrl-C (exit status 130), nothing is left behind and OUT is
    /// untouched. The next export to the same directory removes what an export killed
    /// outright left (`.bundle-*.partial`, once unused for a minute).
    Export {
        /// The locker's directory.
        #[arg(long)]
        locker: PathBuf,
        /// The audit period: YYYY-MM-DD..YYYY-MM-DD (Type II) or YYYY-MM-DD (Type I).
        #[arg(long)]
        period: String,
        /// The OpenSSH Ed25519 private key to sign with (its passphrase, if any, from
        /// SOC2_KEY_PASSPHRASE).
        #[arg(long, value_name = "KEYFILE")]
        key: PathBuf,
        /// The bundle to write. Refused if it exists (unless --force), is not a regular
        /// file, lies inside the locker or is the signing key.
        #[arg(short = 'o', long = "output", value_name = "OUT.zip")]
        out: PathBuf,
        /// Replace OUT.zip if it exists (atomically: it stays whole until the new bundle
        /// is complete).
        #[arg(long)]
        force: bool,
        /// The principal to sign as (default: the key's comment, or soc2-signer).
        #[arg(long)]
        principal: Option<String>,
        /// Also disclose this earlier record (repeatable). The evaluation already adds
        /// every earlier record the period relies on.
        #[arg(long = "include", value_name = "SEQ")]
        include: Vec<u64>,
        /// A company catalog file (TOML or JSON) for the evaluation whose report the
        /// bundle carries.
        #[arg(long, value_name = "FILE")]
        catalog: Option<PathBuf>,
        /// The date to evaluate as of [default: today, or the period's end if earlier].
        #[arg(long, value_name = "YYYY-MM-DD")]
        as_of: Option<Date>,
        /// The previous bundle of this locker: the new one carries an RFC 9162
        /// consistency proof from its checkpoint (refused if the locker does not extend it).
        #[arg(long, value_name = "PREVIOUS.zip")]
        previous: Option<PathBuf>,
    },
    /// Verifies a bundle against the signers you trust: exit 0 verified, 1 rejected (with
    /// the reason), 2 usage or input error.
    Verify {
        /// The bundle.
        bundle: PathBuf,
        /// The OpenSSH allowed_signers file holding the keys you trust (obtained out of
        /// band: the copy inside the bundle proves nothing).
        #[arg(long, value_name = "FILE")]
        allowed_signers: PathBuf,
        /// The principal the signer must be trusted as.
        #[arg(long, value_name = "PRINCIPAL")]
        identity: Option<String>,
        /// The previous bundle of the same locker (verified too): rejected unless this one
        /// extends it, naming the first record that differs when history was rewritten,
        /// records removed or the locker forked.
        #[arg(long, value_name = "PREVIOUS.zip")]
        previous: Option<PathBuf>,
        /// The locker origin you expect (obtained out of band, like the key): a bundle
        /// of any other locker is rejected.
        #[arg(long, value_name = "ORIGIN")]
        origin: Option<String>,
        /// The CA (PEM) of the Time-Stamp Authority, obtained from it out of band: every
        /// time-stamp token the bundle carries must chain to it. Without it, tokens are
        /// checked (imprint, signature, time-stamping certificate) but not who issued them.
        #[arg(long, value_name = "FILE")]
        tsa_ca: Option<PathBuf>,
        /// `text` for people; `json` for one object on standard output.
        #[arg(long, value_enum, default_value_t = bundle_cmd::VerifyFormat::Text)]
        format: bundle_cmd::VerifyFormat,
    },
    /// Runs the whole journey on a sample company: builds its evidence locker, evaluates
    /// the year, writes the readiness report (HTML, Markdown, JSON), makes a signing key,
    /// exports the signed bundle for the auditor and verifies it.
    Demo {
        /// Where to put everything (created if missing; must be empty or hold an earlier
        /// demo's output, which is replaced).
        #[arg(long, value_name = "DIR", default_value = "soc2-demo")]
        out: PathBuf,
        /// The year the sample company's evidence covers.
        #[arg(long, default_value_t = 2026)]
        year: i32,
    },
    /// Imports a system's export (GitHub, AWS, Okta, MDM, ... files) as evidence with
    /// provenance: the input files are stored with it, so that `--check` can re-derive it.
    ///
    /// `soc2 import --list` lists the sources; `soc2 import SOURCE FILE... --locker DIR`
    /// imports; `soc2 import --check SEQ --locker DIR` re-derives record SEQ (exit 0
    /// identical, 1 differs).
    Import(import_cmd::ImportArgs),
    /// Evaluates the controls against the evidence and writes the readiness report.
    ///
    /// Exits 0 when no control is in exception, 1 when some are, 2 on usage or input
    /// errors.
    Evaluate(EvaluateArgs),
    /// Writes the testing workpapers: per control a CSV of its whole population (item,
    /// quarter, result, reason, records) and a summary sheet (control, owner, test
    /// procedure, population, deviations, conclusion).
    ///
    /// CSV: UTF-8 with a header row, RFC 4180, cells that a spreadsheet would run as a
    /// formula (starting with =, +, -, @, tab or CR) prefixed with '.
    Workpapers {
        #[command(flatten)]
        source: audit_cmd::SourceArgs,
        /// The directory to write (created if missing; refused if not empty, unless
        /// --force).
        #[arg(short = 'o', long = "output", value_name = "DIR")]
        out: PathBuf,
        /// Write into a non-empty directory (earlier population sheets are removed).
        #[arg(long)]
        force: bool,
    },
    /// Draws a reproducible random sample from a control's population.
    ///
    /// Each unit QUARTER/ITEM is ordered by SHA-256(SEED followed by the unit id); the
    /// sample is the N smallest (redo by hand: printf '%s%s' SEED UNIT | sha256sum). The
    /// size comes from the control's frequency and severity unless --size; the seed
    /// defaults to the root hash (hex) of the locker's newest signed checkpoint.
    Sample {
        /// The control to sample.
        #[arg(long, value_name = "ID")]
        control: String,
        #[command(flatten)]
        source: audit_cmd::SourceArgs,
        /// How many units to select (a smaller population is taken whole).
        #[arg(long, value_name = "N")]
        size: Option<u64>,
        /// The seed (any text) [default: the signed checkpoint's root hash, hex].
        #[arg(long, value_name = "S")]
        seed: Option<String>,
        /// `text` for people; `json` for one object.
        #[arg(long, value_enum, default_value_t = audit_cmd::SampleFormat::Text)]
        format: audit_cmd::SampleFormat,
    },
    /// Lists the evidence the catalog expects for the period (each control, each quarter,
    /// each system, vendor or policy) with its status: received, missing, late or not
    /// yet due. Without --locker or --evidence, everything due is missing.
    Requests {
        #[command(flatten)]
        source: audit_cmd::SourceArgs,
        /// The list's format.
        #[arg(long, value_enum, default_value_t = audit_cmd::RequestsFormat::Markdown)]
        format: audit_cmd::RequestsFormat,
        /// Write the list here instead of standard output.
        #[arg(short = 'o', long, value_name = "FILE")]
        output: Option<PathBuf>,
    },
}

#[derive(clap::Args)]
#[command(group = clap::ArgGroup::new("source").required(true))]
struct EvaluateArgs {
    /// The evidence locker to evaluate (checked in full as it opens).
    #[arg(long, value_name = "DIR", group = "source")]
    locker: Option<PathBuf>,
    /// Instead of a locker: evidence as JSON Lines, one evidence document per line; a
    /// record's number is its line index, counting from 0.
    #[arg(long, value_name = "FILE.jsonl", group = "source")]
    evidence: Option<PathBuf>,
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
    /// OSCAL assessment results (JSON).
    OscalAr,
    /// OSCAL plan of action and milestones (JSON): one item per open exception.
    OscalPoam,
}

#[derive(Clone, Copy, ValueEnum)]
enum DocKind {
    Evidence,
    Control,
    Finding,
    Period,
}

#[derive(Clone, Copy, ValueEnum)]
enum LogFormat {
    Text,
    Json,
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
        Command::Import(args) => report(import_cmd::run(&args)),
        Command::Workpapers { source, out, force } => {
            report(audit_cmd::workpapers(&source, &out, force))
        }
        Command::Sample { control, source, size, seed, format } => {
            report(audit_cmd::sample(&source, &control, size, seed, format))
        }
        Command::Requests { source, format, output } => {
            report(audit_cmd::requests(&source, format, output.as_deref()))
        }
        Command::Demo { out, year } => report(demo(&out, year)),
        Command::Init { dir, origin } => report(init(&dir, origin)),
        Command::Add { locker, jsonl: Some(jsonl), .. } => report(add_jsonl(&locker, &jsonl)),
        Command::Add { locker, file, attach, jsonl: None } => report(add(&locker, &file, &attach)),
        Command::Log { locker, format } => report(log(&locker, format)),
        Command::Fsck { locker, checkpoints, tsa_ca } => {
            report(check(&locker, &checkpoints, tsa_ca.as_deref()))
        }
        Command::Timestamp { locker, tsa, tsa_ca, request_out, response, request } => {
            let source = match (tsa, request_out, response, request) {
                (Some(url), _, _, _) => timestamp_cmd::Source::Tsa(url),
                (_, Some(out), _, _) => timestamp_cmd::Source::RequestOut(out),
                (_, _, Some(response), Some(request)) => {
                    timestamp_cmd::Source::Response { response, request }
                }
                _ => unreachable!("clap requires --tsa, --request-out or --response"),
            };
            report(timestamp_cmd::run(&locker, source, tsa_ca.as_deref()))
        }
        Command::Checkpoint { locker, sign } => match sign {
            None => report(checkpoint(&locker)),
            Some(key) => report(bundle_cmd::sign_checkpoint(&locker, &key)),
        },
        Command::Keygen { out, comment } => report(bundle_cmd::keygen(&out, comment.as_deref())),
        Command::Export {
            locker,
            period,
            key,
            out,
            force,
            principal,
            include,
            catalog,
            as_of,
            previous,
        } => report(bundle_cmd::export(&bundle_cmd::ExportArgs {
            locker: &locker,
            period: &period,
            key: &key,
            out: &out,
            force,
            principal: principal.as_deref(),
            include: &include,
            catalog: catalog.as_deref(),
            as_of: as_of.map(|d| d.0),
            previous: previous.as_deref(),
        })),
        Command::Verify { bundle, allowed_signers, identity, origin, previous, tsa_ca, format } => {
            let tsa_trust = match tsa_ca.as_deref().map(read_tsa_ca).transpose() {
                Ok(t) => t,
                Err(e) => return report(Err(e)),
            };
            bundle_cmd::verify(
                &bundle,
                &allowed_signers,
                identity,
                origin,
                previous.as_deref(),
                tsa_trust,
                format,
            )
        }
    }
}

/// A failed command: its message and exit code.
struct Failure {
    code: u8,
    message: String,
}

impl From<soc2_core::Error> for Failure {
    fn from(e: soc2_core::Error) -> Self {
        Failure::classified(&e)
    }
}

impl Failure {
    /// The failure for any soc2-core error: the exit status its class maps to (1 for
    /// damage or a rejected bundle, 130 for a cancellation, 2 for input or usage;
    /// `docs/errors.md`), with its message.
    fn classified(e: &dyn Classify) -> Self {
        Failure { code: e.class().exit_code(), message: e.to_string() }
    }
}

impl Failure {
    /// The same failure, its message prefixed (with the file it concerns).
    fn prefixed(mut self, prefix: &str) -> Self {
        self.message.insert_str(0, prefix);
        self
    }
}

fn input_error(message: String) -> Failure {
    Failure { code: 2, message }
}

fn report(result: Result<ExitCode, Failure>) -> ExitCode {
    match result {
        Ok(code) => code,
        Err(f) => {
            eprintln!("soc2: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}

/// Reads a document named on the command line (`-`: standard input), capped at
/// [`input::MAX_DOCUMENT_SIZE`]: regular files only, so a FIFO or a device cannot
/// block or fill memory.
fn read_document(path: &Path) -> Result<Vec<u8>, String> {
    input::read_path_or_stdin(path, "document", input::MAX_DOCUMENT_SIZE).map_err(|e| e.to_string())
}

/// The name a document's errors are reported under.
fn source_name(path: &Path) -> String {
    if path.as_os_str() == "-" { input::STDIN_NAME.to_owned() } else { path.display().to_string() }
}

fn init(dir: &Path, origin: Option<String>) -> Result<ExitCode, Failure> {
    let origin = match origin {
        Some(o) => o,
        None => {
            let name = std::path::absolute(dir)
                .ok()
                .and_then(|d| d.file_name().and_then(|n| n.to_str()).map(str::to_owned))
                .unwrap_or_default();
            format!("soc2/{name}")
        }
    };
    let locker = Locker::init(dir, &origin)?;
    println!("initialised locker {} (origin {})", dir.display(), locker.origin());
    // A commented starter catalog beside the locker, never over an existing file.
    let parent = std::path::absolute(dir)
        .ok()
        .and_then(|d| d.parent().map(Path::to_path_buf))
        .unwrap_or_else(|| PathBuf::from("."));
    let catalog = parent.join("catalog.toml");
    match fs_err::OpenOptions::new().write(true).create_new(true).open(&catalog) {
        Ok(mut f) => {
            use std::io::Write;
            f.write_all(soc2_core::catalog::STARTER_TOML.as_bytes())
                .map_err(|e| soc2_core::Error::io(&catalog, e))?;
            println!(
                "wrote {}: declare your systems, repositories and critical vendors there",
                catalog.display()
            );
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            println!("kept the existing {}", catalog.display());
        }
        Err(e) => return Err(soc2_core::Error::io(&catalog, e).into()),
    }
    Ok(ExitCode::SUCCESS)
}

fn add(dir: &Path, file: &Path, attach: &[PathBuf]) -> Result<ExitCode, Failure> {
    let bytes = read_document(file).map_err(input_error)?;
    let mut evidence: Evidence = from_json_slice(&bytes)
        .map_err(|e| input_error(e.in_source(source_name(file)).to_string()))?;
    let mut locker = Locker::open(dir)?;
    for path in attach {
        let file_name = path
            .file_name()
            .and_then(|n| n.to_str())
            .ok_or_else(|| input_error(format!("{}: no UTF-8 file name", path.display())))?;
        let attachment = locker.add_attachment_file(path, media_type_for(path), file_name)?;
        evidence.attachments.push(attachment);
    }
    let appended = locker.append(evidence).map_err(|e| {
        let mut f = Failure::from(e);
        if f.code == 2 {
            // Name the document the rejected field is in.
            f.message = format!("{}: {}", source_name(file), f.message);
        }
        f
    })?;
    println!("{} {}", appended.seq, hex_of(&appended.leaf_hash));
    Ok(ExitCode::SUCCESS)
}

fn add_jsonl(dir: &Path, file: &Path) -> Result<ExitCode, Failure> {
    let name = source_name(file);
    let mut reader: Box<dyn std::io::BufRead> = if file.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        let f = input::open_regular(file).map_err(|e| input_error(e.to_string()))?;
        Box::new(std::io::BufReader::with_capacity(1 << 20, f))
    };
    let mut locker = Locker::open(dir)?;
    let batch = locker.append_jsonl(&mut reader, &name)?;
    match batch.count {
        0 => println!("no evidence in {name}: nothing appended"),
        n => println!(
            "appended {n} records, seq {}..{}, root {}",
            batch.first_seq,
            batch.first_seq + n - 1,
            hex_of(&batch.root)
        ),
    }
    Ok(ExitCode::SUCCESS)
}

fn log(dir: &Path, format: LogFormat) -> Result<ExitCode, Failure> {
    let locker = Locker::open(dir)?;
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let write_err = |e: std::io::Error| input_error(format!("<stdout>: {e}"));
    // A write error is kept aside so that it is reported as such, not as a locker error.
    let mut failed = None;
    let mut write = |r: std::io::Result<()>| {
        r.map_err(|e| {
            failed = Some(e);
            soc2_core::Error::io("<stdout>", std::io::ErrorKind::Other.into())
        })
    };
    let result = match format {
        // The ledger's lines are the records' canonical form already: copy them.
        LogFormat::Json => locker.for_each_record_bytes(|_, bytes| {
            write(out.write_all(bytes).and_then(|()| out.write_all(b"\n")))
        }),
        LogFormat::Text => {
            locker.records().zip(locker.leaf_hashes()).try_for_each(|(record, leaf)| {
                let record = record?;
                let e = &record.evidence;
                let controls = e.controls.iter().map(|c| c.as_str()).collect::<Vec<_>>().join(",");
                write(writeln!(
                    out,
                    "{:>6}  {}  {:<24} observed {}  controls {}  attachments {}  leaf {}",
                    record.seq,
                    record.recorded_at,
                    e.kind(),
                    e.observed_at,
                    if controls.is_empty() { "-" } else { &controls },
                    e.attachments.len(),
                    hex_of(leaf)
                ))
            })
        }
    };
    if let Some(e) = failed {
        return Err(write_err(e));
    }
    result?;
    out.flush().map_err(write_err)?;
    Ok(ExitCode::SUCCESS)
}

fn checkpoint(dir: &Path) -> Result<ExitCode, Failure> {
    let locker = Locker::open(dir)?;
    print!("{}", locker.checkpoint().to_text());
    Ok(ExitCode::SUCCESS)
}

fn check(dir: &Path, checkpoints: &[PathBuf], tsa_ca: Option<&Path>) -> Result<ExitCode, Failure> {
    let trust = tsa_ca.map(read_tsa_ca).transpose()?;
    // Read the checkpoints first: a bad file is an input error, whatever the locker.
    let checkpoints = checkpoints
        .iter()
        .map(|path| {
            let text = input::read_file(path, "checkpoint file", input::MAX_CHECKPOINT_SIZE)
                .map_err(|e| input_error(e.to_string()))?;
            Checkpoint::parse(&text).map_err(|e| input_error(format!("{}: {e}", path.display())))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let bar = bundle_cmd::progress_bar("checking");
    let report = fsck_with_progress(dir, trust.as_ref(), &mut bundle_cmd::show_read(&bar));
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let mut report = report?;
    if report.is_sound() && !checkpoints.is_empty() {
        // Sound, so the locker opens; compare each checkpoint with its records.
        let locker = Locker::open(dir)?;
        for cp in &checkpoints {
            match locker.verify_checkpoint(cp) {
                Ok(()) => {}
                Err(soc2_core::Error::Ledger(e)) => report.problems.push(e),
                Err(e) => return Err(e.into()),
            }
        }
    }
    for p in &report.problems {
        println!("damage: {p}");
    }
    if let Some(t) = report.torn_tail {
        println!(
            "note: torn final line {} ({} bytes at offset {}): an append interrupted by a crash; \
             ignored, and removed by the next append",
            t.line, t.len, t.offset
        );
    }
    for p in &report.leftover_temp_files {
        println!(
            "note: {}: left by an interrupted attachment; the next add removes it once \
             unused for a minute",
            p.display()
        );
    }
    if !report.unreferenced_blobs.is_empty() {
        println!(
            "note: {} stored blob(s) are referenced by no record",
            report.unreferenced_blobs.len()
        );
    }
    if report.is_sound() {
        for cp in &report.signed_checkpoints {
            println!("ok: extends signed checkpoint {} of {} records", cp.origin, cp.size);
        }
        for (size, t) in &report.timestamps {
            println!(
                "ok: checkpoint of {size} records timestamped {} by {}{}",
                t.gen_time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                t.tsa,
                if t.chain_checked { "" } else { " (issuer not checked: no --tsa-ca given)" }
            );
        }
        for cp in &checkpoints {
            println!("ok: contains checkpoint {} of {} records", cp.origin, cp.size);
        }
        let cp = report.checkpoint.as_ref();
        println!(
            "ok: {} records, {} blobs checked, root {}",
            report.lines,
            report.blobs_checked,
            cp.map(|c| hex_of(&c.root)).unwrap_or_default()
        );
        if checkpoints.is_empty() {
            // The chain is unkeyed: only a checkpoint kept elsewhere pins the newest records.
            println!(
                "note: no --checkpoint given: the newest record is vouched for by nothing \
                 outside the locker; it could have been changed or removed (or the history \
                 rewritten and re-chained) without a trace. Keep the output of \
                 `soc2 checkpoint` outside the locker and pass it with --checkpoint"
            );
        }
        Ok(ExitCode::SUCCESS)
    } else {
        println!("damaged: {} problem(s) in {} records", report.problems.len(), report.lines);
        Ok(ExitCode::from(1))
    }
}

/// Reads `--tsa-ca FILE`: PEM certificates of the TSA's CA.
fn read_tsa_ca(path: &Path) -> Result<TsaTrust, Failure> {
    let pem = input::read_file(path, "TSA CA file", soc2_core::ledger::timestamp::MAX_CA_SIZE)
        .map_err(|e| input_error(e.to_string()))?;
    TsaTrust::from_pem(&pem).map_err(|e| input_error(format!("{}: {e}", path.display())))
}

fn hex_of(hash: &[u8; 32]) -> String {
    soc2_core::model::Sha256Digest(*hash).to_hex()
}

fn canonical_digest(kind: DocKind, text: &[u8]) -> Result<String, soc2_core::json::JsonError> {
    let bytes = match kind {
        DocKind::Evidence => to_canonical_vec(&from_json_slice::<Evidence>(text)?)?,
        DocKind::Control => to_canonical_vec(&from_json_slice::<Control>(text)?)?,
        DocKind::Finding => to_canonical_vec(&from_json_slice::<AuditFinding>(text)?)?,
        DocKind::Period => to_canonical_vec(&from_json_slice::<AuditPeriod>(text)?)?,
    };
    Ok(soc2_core::model::Sha256Digest::of(&bytes).to_hex())
}

fn validate(kind: DocKind, files: &[PathBuf]) -> ExitCode {
    let mut invalid = false;
    for path in files {
        let text = match read_document(path) {
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
                println!("bad {}", e.in_source(source_name(path)));
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

/// Reads evidence as JSON Lines ([`input::for_each_json_line`]: blank lines skipped but
/// still numbered, each line at most [`input::MAX_DOCUMENT_SIZE`]); the file is capped at
/// [`input::MAX_EVIDENCE_LINES_SIZE`].
fn read_jsonl(path: &Path) -> Result<Vec<(u64, Evidence)>, String> {
    let bytes = input::read_path_or_stdin(path, "evidence file", input::MAX_EVIDENCE_LINES_SIZE)
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    input::for_each_json_line(&mut &bytes[..], &source_name(path), |line, ev: Evidence| {
        out.push((line - 1, ev));
        Ok(())
    })
    .map_err(|e| e.to_string())?;
    Ok(out)
}

fn evaluate(args: &EvaluateArgs) -> Result<ExitCode, String> {
    let catalog = match &args.catalog {
        Some(path) => Catalog::builtin().extend_from_path(path).map_err(|e| e.to_string())?,
        None => Catalog::builtin(),
    };
    let as_of = args.as_of.map_or_else(|| default_as_of(&args.period), |d| d.0);
    let oscal = matches!(args.format, ReportFormat::OscalAr | ReportFormat::OscalPoam);
    let (report, source) = match (&args.locker, &args.evidence) {
        (Some(dir), _) => {
            let locker = Locker::open(dir).map_err(|e| e.to_string())?;
            let report = soc2_core::evaluate_locker(&catalog, &locker, &args.period, as_of)
                .map_err(|e| e.to_string())?;
            let source = if oscal {
                OscalSource::from_locker(&locker).map_err(|e| e.to_string())?
            } else {
                OscalSource::default()
            };
            (report, source)
        }
        (None, Some(path)) => {
            let evidence = read_jsonl(path)?;
            let items: Vec<EvidenceItem<'_>> =
                evidence.iter().map(|(seq, e)| EvidenceItem::new(*seq, e)).collect();
            let report = soc2_core::evaluate(&catalog, &items, &args.period, as_of);
            let name = path
                .file_name()
                .map_or_else(|| source_name(path), |n| n.to_string_lossy().into_owned());
            let source =
                OscalSource::from_evidence(&name, evidence.iter().map(|(seq, e)| (*seq, e)));
            (report, source)
        }
        (None, None) => return Err("give --locker DIR or --evidence FILE.jsonl".into()),
    };
    let rendered = match args.format {
        ReportFormat::Text => report.render(Format::Text).map_err(|e| e.to_string()),
        ReportFormat::Json => report.render(Format::Json).map_err(|e| e.to_string()),
        ReportFormat::Md => report.render(Format::Markdown).map_err(|e| e.to_string()),
        ReportFormat::Html => report.render(Format::Html).map_err(|e| e.to_string()),
        ReportFormat::OscalAr => report.to_oscal_ar(&source).map_err(|e| e.to_string()),
        ReportFormat::OscalPoam => report.to_oscal_poam(&source).map_err(|e| e.to_string()),
    }?;
    match &args.output {
        Some(path) => fs_err::write(path, rendered).map_err(|e| e.to_string())?,
        None => print!("{rendered}"),
    }
    Ok(if report.has_exceptions() { ExitCode::from(1) } else { ExitCode::SUCCESS })
}

fn demo(out: &Path, year: i32) -> Result<ExitCode, Failure> {
    eprintln!("Building the sample company's {year} evidence in {} ...", out.display());
    let run = soc2_core::demo::run(out, year)?;
    let r = &run.report;
    let exceptions: Vec<String> = r
        .exceptions
        .iter()
        .map(|e| format!("{}: {}", e.finding.control, e.finding.summary))
        .collect();
    println!("soc2 demo: the journey of Acme Cloud's {year} SOC 2 evidence");
    println!(
        "1. locker    {}: {} records, {} attachments (origin {})",
        run.locker.display(),
        run.records,
        run.attachments,
        soc2_core::demo::DEMO_ORIGIN
    );
    println!(
        "2. evaluated {} as of {}: {} controls, {} exceptions, opinion risk: {}",
        run.period,
        run.as_of,
        r.controls.len(),
        r.exceptions.len(),
        r.opinion.risk.label()
    );
    for (i, e) in exceptions.iter().enumerate() {
        println!("              {}. {e}", i + 1);
    }
    for f in &run.report_files {
        println!("3. report    {}", f.display());
    }
    for f in &run.key_files {
        println!("4. key       {}", f.display());
    }
    println!(
        "5. exported  {}: {} records, {} attachments, root {} (signed by {}, {})",
        run.export.path.display(),
        run.export.records,
        run.export.blobs,
        hex_of(&run.export.checkpoint.root),
        run.export.principal,
        run.export.fingerprint
    );
    // What the bundle carries for the auditor besides the records and attachments.
    let in_report =
        |prefix: &str| run.verified.report.iter().filter(|e| e.name.starts_with(prefix)).count();
    println!(
        "              with the report (HTML, JSON, Markdown), OSCAL ({} documents under \
         report/oscal/) and the testing workpapers ({} sheets under report/workpapers/)",
        in_report("report/oscal/"),
        in_report("report/workpapers/")
    );
    println!(
        "6. verified  {} against {}: {} records of {} in the locker, signer {}",
        run.export.path.display(),
        run.key_files[2].display(),
        run.verified.record_count(),
        run.verified.checkpoint.size,
        run.verified.principal
    );
    println!(
        "Next: open {} in a browser; an auditor checks the bundle with the steps in VERIFY.md inside it, \
         or with: soc2 verify {} --allowed-signers {}",
        run.report_files[0].display(),
        run.export.path.display(),
        run.key_files[2].display()
    );
    Ok(ExitCode::SUCCESS)
}

/// Today, or the period's last day if that is earlier.
fn default_as_of(period: &AuditPeriod) -> chrono::NaiveDate {
    Timestamp::now().date().min(period.end())
}
