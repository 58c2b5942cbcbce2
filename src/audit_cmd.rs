//! `soc2 workpapers`, `soc2 sample` and `soc2 requests`: what auditors work from (thin:
//! the content comes from soc2-core's `report::workpapers`, `evaluate::sample` and
//! `report::requests`).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::ValueEnum;
use soc2_core::evaluate::sample;
use soc2_core::ledger::Locker;
use soc2_core::model::{AuditPeriod, Date};
use soc2_core::report::{requests, workpapers};
use soc2_core::{Catalog, Evaluation, EvidenceItem};

use crate::{Failure, input_error};

/// Where the evidence comes from, the period, the date and the catalog: as for
/// `soc2 evaluate`.
#[derive(clap::Args)]
pub(crate) struct SourceArgs {
    /// The evidence locker (checked in full as it opens).
    #[arg(long, value_name = "DIR")]
    pub(crate) locker: Option<PathBuf>,
    /// Instead of a locker: evidence as JSON Lines (a record's number is its line index).
    #[arg(long, value_name = "FILE.jsonl", conflicts_with = "locker")]
    pub(crate) evidence: Option<PathBuf>,
    /// The audit period: START..END (Type II) or a single DATE (Type I).
    #[arg(long, value_name = "START..END")]
    pub(crate) period: AuditPeriod,
    /// The date to evaluate as of [default: today, or the period's end if earlier].
    #[arg(long, value_name = "YYYY-MM-DD")]
    pub(crate) as_of: Option<Date>,
    /// A company catalog file (TOML or JSON) applied to the built-in catalog.
    #[arg(long, value_name = "FILE")]
    pub(crate) catalog: Option<PathBuf>,
}

/// The evaluation with populations, the catalog and the locker (when one was given).
fn load(args: &SourceArgs, need: bool) -> Result<(Catalog, Evaluation, Option<Locker>), Failure> {
    let catalog = match &args.catalog {
        Some(path) => Catalog::builtin().extend_from_path(path)?,
        None => Catalog::builtin(),
    };
    let as_of = args.as_of.map_or_else(|| crate::default_as_of(&args.period), |d| d.0);
    match (&args.locker, &args.evidence) {
        (Some(dir), _) => {
            let locker = Locker::open(dir)?;
            let evaluation = soc2_core::evaluate_locker_with_populations(
                &catalog,
                &locker,
                &args.period,
                as_of,
            )?;
            Ok((catalog, evaluation, Some(locker)))
        }
        (None, Some(path)) => {
            let evidence = crate::read_jsonl(path).map_err(input_error)?;
            let items: Vec<EvidenceItem<'_>> =
                evidence.iter().map(|(seq, e)| EvidenceItem::new(*seq, e)).collect();
            let evaluation =
                soc2_core::evaluate_with_populations(&catalog, &items, &args.period, as_of);
            Ok((catalog, evaluation, None))
        }
        (None, None) if need => {
            Err(input_error("give --locker DIR or --evidence FILE.jsonl".into()))
        }
        (None, None) => {
            let evaluation =
                soc2_core::evaluate_with_populations(&catalog, &[], &args.period, as_of);
            Ok((catalog, evaluation, None))
        }
    }
}

fn io_failure(path: &Path, e: std::io::Error) -> Failure {
    Failure::from(soc2_core::Error::io(path, e))
}

/// `soc2 workpapers`: writes `summary.csv` and `population/<CONTROL>.csv` into `out`.
pub(crate) fn workpapers(args: &SourceArgs, out: &Path, force: bool) -> Result<ExitCode, Failure> {
    // Before any work: an output directory holding anything is replaced only on request.
    match fs_err::read_dir(out) {
        Ok(mut entries) => {
            if entries.next().is_some() && !force {
                return Err(input_error(format!(
                    "{}: not empty; pass --force to write the workpapers over it",
                    out.display()
                )));
            }
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(input_error(format!("{}: not a directory", out.display())));
        }
        Err(e) => return Err(input_error(e.to_string())),
    }
    let (catalog, evaluation, _) = load(args, true)?;
    let files = workpapers::files(&catalog, &evaluation);
    let population_dir = out.join(workpapers::POPULATION_DIR);
    // With --force, earlier workpapers go first, so no sheet of a control since
    // removed is left behind; nothing else in the directory is touched.
    if population_dir.is_dir() {
        for entry in fs_err::read_dir(&population_dir).map_err(|e| input_error(e.to_string()))? {
            let path = entry.map_err(|e| input_error(e.to_string()))?.path();
            if path.extension().is_some_and(|x| x == "csv") {
                fs_err::remove_file(&path).map_err(|e| io_failure(&path, e))?;
            }
        }
    }
    fs_err::create_dir_all(&population_dir).map_err(|e| io_failure(&population_dir, e))?;
    for (name, bytes) in &files {
        let path = out.join(name);
        fs_err::write(&path, bytes).map_err(|e| io_failure(&path, e))?;
    }
    let r = &evaluation.report;
    println!(
        "wrote {} workpapers to {}: {} controls, {} deviations ({} as of {})",
        files.len(),
        out.display(),
        r.controls.len(),
        r.summary.deviations,
        r.period,
        r.as_of
    );
    Ok(ExitCode::SUCCESS)
}

/// How `sample` and `requests` print.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum SampleFormat {
    /// For people.
    Text,
    /// Pretty JSON.
    Json,
}

/// `soc2 sample`.
pub(crate) fn sample(
    args: &SourceArgs,
    control: &str,
    size: Option<u64>,
    seed: Option<String>,
    format: SampleFormat,
) -> Result<ExitCode, Failure> {
    if size == Some(0) {
        return Err(input_error("--size must be at least 1".into()));
    }
    let (catalog, evaluation, locker) = load(args, true)?;
    let cc = catalog.get(control).ok_or_else(|| {
        input_error(format!("control {control}: not in the catalog (soc2 evaluate lists them)"))
    })?;
    let population = evaluation
        .population(control)
        .ok_or_else(|| input_error(format!("control {control}: no population")))?;
    let (seed, source) = match (seed, &locker) {
        (Some(s), _) => (s, "given with --seed".to_owned()),
        (None, Some(locker)) => sample::default_seed(locker)?,
        (None, None) => {
            return Err(input_error(
                "--seed is needed with --evidence (the default seed is a locker's checkpoint root)"
                    .into(),
            ));
        }
    };
    let drawn = sample::draw(cc, population, size, &seed, &source);
    match format {
        SampleFormat::Text => print!("{}", drawn.to_text()),
        SampleFormat::Json => {
            let mut s = soc2_core::json::to_pretty_string(&drawn)
                .map_err(|e| Failure::from(soc2_core::Error::from(e)))?;
            s.push('\n');
            print!("{s}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The request list's formats.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum RequestsFormat {
    /// A Markdown table.
    Markdown,
    /// CSV (RFC 4180, formulas neutralised).
    Csv,
    /// Pretty JSON.
    Json,
}

/// `soc2 requests`.
pub(crate) fn requests(
    args: &SourceArgs,
    format: RequestsFormat,
    output: Option<&Path>,
) -> Result<ExitCode, Failure> {
    let (catalog, evaluation, _) = load(args, false)?;
    let list = requests::request_list(&catalog, &evaluation);
    let bytes = match format {
        RequestsFormat::Markdown => list.to_markdown().into_bytes(),
        RequestsFormat::Csv => list.to_csv(),
        RequestsFormat::Json => list.to_json()?.into_bytes(),
    };
    match output {
        Some(path) => fs_err::write(path, &bytes).map_err(|e| io_failure(path, e))?,
        None => {
            use std::io::Write;
            let mut out = std::io::stdout().lock();
            out.write_all(&bytes)
                .and_then(|()| out.flush())
                .map_err(|e| input_error(format!("<stdout>: {e}")))?;
        }
    }
    Ok(ExitCode::SUCCESS)
}
