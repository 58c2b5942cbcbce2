//! `soc2 keygen`, `soc2 export` and `soc2 verify`: signed evidence bundles.

use std::io::IsTerminal;
use std::ops::ControlFlow;
use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::ValueEnum;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use soc2_core::bundle::{
    self, AllowedSigners, BundleError, DEFAULT_PRINCIPAL, DisclosureSet, ExportOptions,
    PASSPHRASE_ENV, Signer, VerifyOptions,
};
use soc2_core::error::Classify;
use soc2_core::ledger::Locker;
use soc2_core::model::AuditPeriod;

use crate::{Failure, hex_of, input_error};

/// How `verify` reports.
#[derive(Clone, Copy, ValueEnum)]
pub(crate) enum VerifyFormat {
    /// For people.
    Text,
    /// One JSON object on standard output.
    Json,
}

/// The exit status of a command stopped by Ctrl-C or SIGTERM (128 + SIGINT, as shells
/// report it).
const EXIT_INTERRUPTED: u8 = 130;

/// Makes Ctrl-C (and SIGTERM) set the returned flag instead of killing the process, so a
/// long export can stop cleanly and remove its temporary file; a second one exits at
/// once. Without a handler (one was set already), the default behaviour stays.
fn stop_on_interrupt() -> Arc<AtomicBool> {
    let flag = Arc::new(AtomicBool::new(false));
    let seen = Arc::clone(&flag);
    let _ = ctrlc::set_handler(move || {
        if seen.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
        eprintln!("\ninterrupted: stopping the export (again to quit at once)");
    });
    flag
}

/// The passphrase from `SOC2_KEY_PASSPHRASE`, if set and not empty.
fn passphrase() -> Option<Vec<u8>> {
    let value = std::env::var_os(PASSPHRASE_ENV)?;
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStringExt;
        value.into_vec()
    };
    #[cfg(not(unix))]
    let bytes = value.to_string_lossy().into_owned().into_bytes();
    (!bytes.is_empty()).then_some(bytes)
}

fn bundle_failure(e: BundleError) -> Failure {
    Failure::classified(&e)
}

pub(crate) fn keygen(out: &Path, comment: Option<&str>) -> Result<ExitCode, Failure> {
    let comment = comment.unwrap_or(DEFAULT_PRINCIPAL);
    let pass = passphrase();
    let signer =
        bundle::generate_key_files(out, comment, pass.as_deref()).map_err(bundle_failure)?;
    println!(
        "wrote {} (private, {}) and {}.pub",
        out.display(),
        if pass.is_some() {
            "passphrase-protected"
        } else {
            "not encrypted: set SOC2_KEY_PASSPHRASE to protect it"
        },
        out.display()
    );
    println!("fingerprint: {}", signer.fingerprint());
    println!("principal:   {}", signer.principal());
    println!("give the auditor this allowed_signers line, out of band:");
    print!("{}", signer.allowed_signers_line());
    Ok(ExitCode::SUCCESS)
}

pub(crate) struct ExportArgs<'a> {
    pub(crate) locker: &'a Path,
    pub(crate) period: &'a str,
    pub(crate) key: &'a Path,
    pub(crate) out: &'a Path,
    pub(crate) force: bool,
    pub(crate) principal: Option<&'a str>,
    pub(crate) include: &'a [u64],
    pub(crate) catalog: Option<&'a Path>,
    pub(crate) as_of: Option<chrono::NaiveDate>,
    pub(crate) previous: Option<&'a Path>,
}

pub(crate) fn export(args: &ExportArgs<'_>) -> Result<ExitCode, Failure> {
    let period: AuditPeriod = args
        .period
        .parse()
        .map_err(|e: soc2_core::model::PeriodError| input_error(e.to_string()))?;
    // Before any work: replacing an existing file must be asked for. (soc2-core refuses
    // the targets no export may replace: devices, the locker's files, the key.)
    if !args.force && fs_err::symlink_metadata(args.out).is_ok() {
        return Err(input_error(format!(
            "{}: already exists; pass --force to replace it",
            args.out.display()
        )));
    }
    let mut signer = Signer::load(args.key, passphrase().as_deref()).map_err(bundle_failure)?;
    if let Some(p) = args.principal {
        signer = signer.with_principal(p).map_err(bundle_failure)?;
    }
    let locker = Locker::open(args.locker)?;
    // The evaluation decides which earlier records the period relies on, and its report
    // travels in the bundle.
    let catalog = match args.catalog {
        Some(path) => soc2_core::Catalog::builtin().extend_from_path(path)?,
        None => soc2_core::Catalog::builtin(),
    };
    let as_of = args.as_of.unwrap_or_else(|| crate::default_as_of(&period));
    let evaluation =
        soc2_core::evaluate_locker_with_populations(&catalog, &locker, &period, as_of)?;
    let mut options = ExportOptions::from_evaluation(&catalog, &evaluation)?;
    options.add_oscal(&evaluation.report, &locker)?;
    if let DisclosureSet::ObservedInPeriodAnd(seqs) = &mut options.disclose {
        seqs.extend(args.include.iter().copied());
    }
    if let Some(previous) = args.previous {
        options.previous = Some(bundle::read_checkpoint(previous).map_err(|e| Failure {
            // An unreadable or malformed previous bundle is bad input to this export.
            code: 2,
            message: format!("previous bundle {}: {e}", previous.display()),
        })?);
    }

    let bar = progress_bar("exporting");
    let interrupted = stop_on_interrupt();
    let result = bundle::export_with_progress(&locker, &options, &signer, args.out, &mut |p| {
        if let Some(bar) = &bar {
            bar.set_length(p.bytes_total);
            bar.set_position(p.bytes_done);
        }
        if interrupted.load(Ordering::SeqCst) {
            ControlFlow::Break(())
        } else {
            ControlFlow::Continue(())
        }
    });
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    let summary = result.map_err(|e| match e {
        soc2_core::Error::Bundle(BundleError::Cancelled) => Failure {
            code: EXIT_INTERRUPTED,
            message: format!(
                "interrupted: nothing was written, {} is untouched",
                args.out.display()
            ),
        },
        // A corrupt blob is damage to the locker: a negative result, like fsck's.
        other => Failure::from(other),
    })?;
    println!(
        "wrote {}: {} records, {} attachments ({} bytes), period {}",
        summary.path.display(),
        summary.records,
        summary.blobs,
        summary.blob_bytes,
        summary.period
    );
    println!(
        "checkpoint: {} size {} root {}",
        summary.checkpoint.origin,
        summary.checkpoint.size,
        hex_of(&summary.checkpoint.root)
    );
    println!("signed as {} with key {}", summary.principal, summary.fingerprint);
    Ok(ExitCode::SUCCESS)
}

/// A progress bar of bytes on standard error, when it is a terminal.
pub(crate) fn progress_bar(doing: &str) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
    bar.set_style(
        ProgressStyle::with_template(&format!(
            "{{spinner}} {doing} {{bar:30}} {{bytes}}/{{total_bytes}} {{bytes_per_sec}} eta {{eta}}"
        ))
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    Some(bar)
}

/// Shows a read's progress on `bar`, if any; never stops the read (Ctrl-C ends the
/// process, which a read-only command may).
pub(crate) fn show_read(
    bar: &Option<ProgressBar>,
) -> impl FnMut(soc2_core::progress::ReadProgress) -> ControlFlow<()> + '_ {
    move |p| {
        if let Some(bar) = bar {
            bar.set_length(p.bytes_total);
            bar.set_position(p.bytes_done);
        }
        ControlFlow::Continue(())
    }
}

pub(crate) fn verify(
    bundle_path: &Path,
    allowed_signers: &Path,
    identity: Option<String>,
    origin: Option<String>,
    previous: Option<&Path>,
    tsa_trust: Option<soc2_core::ledger::TsaTrust>,
    format: VerifyFormat,
) -> ExitCode {
    let trusted = match AllowedSigners::from_file(allowed_signers) {
        Ok(t) => t,
        Err(e) => return fail(format, &e),
    };
    let mut options = VerifyOptions::default();
    options.identity = identity;
    options.origin = origin;
    options.tsa_trust = tsa_trust;
    let bar = progress_bar("verifying");
    let verified = match previous {
        Some(previous) => bundle::verify_with_previous_progress(
            bundle_path,
            previous,
            &trusted,
            &options,
            &mut show_read(&bar),
        ),
        None => bundle::verify_with_progress(bundle_path, &trusted, &options, &mut show_read(&bar)),
    };
    if let Some(bar) = &bar {
        bar.finish_and_clear();
    }
    match verified {
        Ok(v) => {
            match format {
                VerifyFormat::Text => {
                    println!("verified {}", bundle_path.display());
                    println!("  origin:      {}", v.origin);
                    println!("  period:      {}", v.period);
                    println!(
                        "  signed by:   {} (key {}, allowed signers line {})",
                        v.principal, v.fingerprint, v.allowed_signers_line
                    );
                    println!(
                        "  records:     {} disclosed of {} in the checkpoint",
                        v.record_count(),
                        v.checkpoint.size
                    );
                    println!("  attachments: {}", v.blobs.len());
                    println!("  root:        {}", hex_of(&v.root()));
                    for cp in &v.signed_checkpoints {
                        println!(
                            "  extends:     signed checkpoint of {} records",
                            cp.checkpoint.size
                        );
                    }
                    for (size, t) in &v.timestamps {
                        println!(
                            "  timestamp:   checkpoint of {size} records existed by {} ({}{})",
                            t.gen_time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                            t.tsa,
                            if t.chain_checked { "" } else { "; issuer not checked: no --tsa-ca" }
                        );
                    }
                    if let Some(p) = &v.previous {
                        println!(
                            "  extends:     previous checkpoint of {} records (proof carried)",
                            p.size
                        );
                    }
                    if let Some(path) = previous {
                        println!(
                            "  previous:    {} (extended: nothing rewritten or removed)",
                            path.display()
                        );
                    }
                }
                VerifyFormat::Json => {
                    let out = serde_json::json!({
                        "verified": true,
                        "bundle": bundle_path.display().to_string(),
                        "origin": v.origin,
                        "period": v.period,
                        "principal": v.principal,
                        "fingerprint": v.fingerprint,
                        "allowed_signers_line": v.allowed_signers_line,
                        "generator": v.generator,
                        "tree_size": v.checkpoint.size,
                        "root": hex_of(&v.root()),
                        "records": v.records,
                        "blobs": v.blobs,
                        "report": v.report,
                        "signed_checkpoints": v.signed_checkpoints.iter().map(|c| c.checkpoint.size).collect::<Vec<_>>(),
                        "previous_checkpoint": v.previous.as_ref().map(|p| p.size),
                        "timestamps": v.timestamps.iter().map(|(size, t)| serde_json::json!({
                            "checkpoint_size": size,
                            "time": t.gen_time.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
                            "tsa": t.tsa,
                            "serial": t.serial,
                            "issuer_checked": t.chain_checked,
                        })).collect::<Vec<_>>(),
                        "previous_bundle": previous.map(|p| p.display().to_string()),
                    });
                    println!("{out}");
                }
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(format, &e),
    }
}

/// Reports a failed verification: exit 1 for a rejected bundle, 2 for an input error
/// (the error's class decides; `docs/errors.md`), and in JSON the error's code as `check`.
fn fail(format: VerifyFormat, e: &BundleError) -> ExitCode {
    let rejected = e.class().is_rejection();
    match format {
        VerifyFormat::Text if rejected => println!("REJECTED: {e}"),
        VerifyFormat::Text => eprintln!("soc2: {e}"),
        VerifyFormat::Json => {
            let out = serde_json::json!({
                "verified": false,
                "error": if rejected { "rejected" } else { "input" },
                "check": e.code().as_str(),
                "reason": e.to_string(),
            });
            println!("{out}");
        }
    }
    ExitCode::from(e.class().exit_code())
}

pub(crate) fn sign_checkpoint(dir: &Path, key: &Path) -> Result<ExitCode, Failure> {
    let signer = Signer::load(key, passphrase().as_deref()).map_err(bundle_failure)?;
    let locker = Locker::open(dir)?;
    let signed = bundle::sign_checkpoint(&locker, &signer)?;
    let note_key = signer.note_signer(locker.origin()).map_err(bundle_failure)?.verifier();
    eprintln!(
        "signed checkpoint of {} records in {}/{}/{}.note (+ .note.sig); note verifier key {}",
        signed.checkpoint.size,
        dir.display(),
        soc2_core::ledger::CHECKPOINTS_DIR,
        soc2_core::ledger::SignedCheckpoint::stem(signed.checkpoint.size),
        note_key
    );
    print!("{}", String::from_utf8_lossy(&signed.note));
    Ok(ExitCode::SUCCESS)
}
