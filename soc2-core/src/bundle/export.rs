//! [`export`]: a locker, a period and a key in; one signed zip out.

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, Read};
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};

use crate::error::Result;
use crate::json::{to_canonical_vec, to_pretty_string};
use crate::ledger::merkle::{self, leaf_hash};
use crate::ledger::{Checkpoint, Hash, LedgerError, Locker, SignedCheckpoint};
use crate::model::{AuditPeriod, Record, Sha256Digest, Timestamp};

use super::archive::{BundleWriter, Compression, compressed_media_type, validate_member_name};
use super::error::BundleError;
use super::manifest::{
    DisclosedBlob, DisclosedRecord, Generator, Manifest, ManifestCheckpoint, ManifestSigner,
    ReportEntry,
};
use super::pipeline::{BlobSource, LANE_BUDGET, NextBlob, with_blob_feed};
use super::signing::Signer;
use super::verify_md::{VerifyMdFacts, render};
use super::{
    ALLOWED_SIGNERS, BLOBS_PREFIX, CHECKPOINT, CHECKPOINTS_PREFIX, FORMAT_NAME, FORMAT_VERSION,
    GENERATOR_NAME, LEAVES, MANIFEST, PREVIOUS_CHECKPOINT, PREVIOUS_CONSISTENCY, RECORDS,
    REPORT_PREFIX, SUMS, SUMS_SIG, VERIFY_MD, VERIFY_PY, VERIFY_PY_TEXT, sums,
};

/// Which records a bundle discloses.
///
/// Evaluation decides which earlier records a period still relies on (a policy approved
/// before it, a background check done at hire); the bundle only discloses what it is
/// told to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum DisclosureSet {
    /// The records whose evidence was observed on a day of the period (UTC).
    #[default]
    ObservedInPeriod,
    /// Those, plus the given earlier records the period relies on.
    ObservedInPeriodAnd(BTreeSet<u64>),
    /// Exactly the given records.
    Exactly(BTreeSet<u64>),
}

/// What to export.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportOptions {
    /// The audit period the bundle is for.
    pub period: AuditPeriod,
    /// Which records to disclose.
    pub disclose: DisclosureSet,
    /// Files to place under `report/`: a name relative to `report/` (e.g.
    /// `readiness.json`, `html/index.html`) and the content. Names must be valid member
    /// names and unique.
    pub report_files: Vec<(String, Vec<u8>)>,
    /// The checkpoint of the previous bundle of this locker ([`super::read_checkpoint`]):
    /// the bundle then carries an RFC 9162 consistency proof from it, and the export
    /// fails if the locker does not extend it.
    pub previous: Option<Checkpoint>,
}

impl ExportOptions {
    /// Options for the period of a readiness report: disclose the records observed in the
    /// period and every earlier record the evaluation relied on, and carry the report
    /// under `report/` as `readiness.html`, `readiness.json` and `readiness.md`.
    pub fn from_report(report: &crate::Report) -> Result<ExportOptions> {
        Ok(ExportOptions {
            period: report.period,
            disclose: DisclosureSet::ObservedInPeriodAnd(
                report.relied_on.iter().copied().collect(),
            ),
            report_files: vec![
                ("readiness.html".into(), report.to_html().into_bytes()),
                ("readiness.json".into(), report.to_json()?.into_bytes()),
                ("readiness.md".into(), report.to_markdown().into_bytes()),
            ],
            previous: None,
        })
    }

    /// Adds the report as OSCAL under `report/oscal/`: `assessment-results.json` and, when
    /// some exception is open, `poam.json` (their links to records and attachments are
    /// relative to that folder).
    pub fn add_oscal(&mut self, report: &crate::Report, locker: &Locker) -> Result<()> {
        use crate::report::{OscalError, OscalSource};
        let source = OscalSource::from_locker(locker)?.in_bundle("../../");
        self.report_files.push((
            "oscal/assessment-results.json".into(),
            report.to_oscal_ar(&source)?.into_bytes(),
        ));
        match report.to_oscal_poam(&source) {
            Ok(poam) => self.report_files.push(("oscal/poam.json".into(), poam.into_bytes())),
            Err(OscalError::NothingToPlan { .. }) => {}
            Err(OscalError::Json(e)) => return Err(e.into()),
        }
        Ok(())
    }

    /// [`ExportOptions::from_report`] for an evaluation that kept its populations, with
    /// the testing workpapers too, under `report/workpapers/` (`summary.csv` and
    /// `population/<CONTROL>.csv`, see [`crate::report::workpapers`]).
    pub fn from_evaluation(
        catalog: &crate::Catalog,
        evaluation: &crate::Evaluation,
    ) -> Result<ExportOptions> {
        let mut options = ExportOptions::from_report(&evaluation.report)?;
        for (name, bytes) in crate::report::workpapers::files(catalog, evaluation) {
            options.report_files.push((format!("{WORKPAPERS_DIR}/{name}"), bytes));
        }
        Ok(options)
    }

    /// Options that disclose the records observed in `period`, with no report files.
    pub fn new(period: AuditPeriod) -> ExportOptions {
        ExportOptions {
            period,
            disclose: DisclosureSet::default(),
            report_files: Vec::new(),
            previous: None,
        }
    }
}

/// The folder under `report/` holding the workpapers in a bundle.
pub const WORKPAPERS_DIR: &str = "workpapers";

/// What an export wrote.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportSummary {
    /// The bundle file.
    pub path: PathBuf,
    /// The checkpoint the bundle carries (the whole locker at export time).
    pub checkpoint: Checkpoint,
    /// The period exported.
    pub period: AuditPeriod,
    /// The principal it was signed as.
    pub principal: String,
    /// The signing key's fingerprint.
    pub fingerprint: String,
    /// The number of records disclosed.
    pub records: u64,
    /// The number of attachments included.
    pub blobs: u64,
    /// Their total size in bytes.
    pub blob_bytes: u64,
}

/// Refuses a target that the final rename must not replace: anything but a regular file
/// (renaming over `/dev/full` or a symbolic link replaces the entry itself), a path
/// inside the locker being exported (its ledger, header, blobs), or the signing key.
pub(crate) fn check_output(
    out: &Path,
    locker_dir: &Path,
    key: Option<&Path>,
) -> Result<(), BundleError> {
    let refuse = |reason: String| BundleError::OutputRefused { path: out.to_path_buf(), reason };
    if let Ok(meta) = fs_err::symlink_metadata(out) {
        let t = meta.file_type();
        if t.is_symlink() {
            return Err(refuse("it is a symbolic link; give the path of a regular file".into()));
        }
        if !t.is_file() {
            let what = if t.is_dir() {
                "a directory"
            } else {
                "not a regular file (a device, FIFO or socket)"
            };
            return Err(refuse(format!("it is {what}")));
        }
    }
    // Where the rename would put the bundle, with symbolic links in the directory
    // resolved; when the directory does not exist the writer reports that.
    let Some(name) = out.file_name() else {
        return Err(refuse("it names no file".into()));
    };
    let parent = match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let Ok(target) = fs_err::canonicalize(parent).map(|p| p.join(name)) else {
        return Ok(());
    };
    if let Ok(dir) = fs_err::canonicalize(locker_dir)
        && target.starts_with(&dir)
    {
        return Err(refuse(format!(
            "it is inside the locker being exported ({}); write the bundle outside it",
            locker_dir.display()
        )));
    }
    if let Some(key) = key
        && fs_err::canonicalize(key).is_ok_and(|k| k == target)
    {
        return Err(refuse("it is the signing key".into()));
    }
    Ok(())
}

/// Progress of an export, reported as attachments stream into the zip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ExportProgress {
    /// Attachment bytes written so far.
    pub bytes_done: u64,
    /// Attachment bytes to write in all.
    pub bytes_total: u64,
}

/// Exports the bundle of `options.period` from `locker`, signed by `signer`, to `out`.
///
/// See [`export_with_progress`].
pub fn export(
    locker: &Locker,
    options: &ExportOptions,
    signer: &Signer,
    out: &Path,
) -> Result<ExportSummary> {
    export_with_progress(locker, options, signer, out, &mut |_| ControlFlow::Continue(()))
}

/// Exports a bundle, calling `progress` as attachments are written: once before the
/// first (with nothing done), then as each piece of an attachment (at most 1 MiB) or
/// each small compressed attachment is written. Returning [`ControlFlow::Break`] cancels
/// the export: it stops with [`BundleError::Cancelled`] and, as on any error, leaves
/// nothing behind (a command line stops this way on Ctrl-C).
///
/// The bundle holds the disclosed records, every leaf hash of the locker, a checkpoint of
/// the whole locker as `locker` sees it, the attachments of the disclosed records, the
/// report files, `VERIFY.md`, `SHA256SUMS` and its signature (see `docs/bundle-format.md`).
///
/// - **Deterministic**: the same locker, options and key give a byte-identical file.
/// - **Streaming**: attachments are streamed from the locker into the zip, hashed on
///   two helper threads on the way and checked against their content address; only
///   attachments of up to 8 MiB whose media type does not say they are compressed are
///   held whole, deflated (or, if incompressible, checksummed) by the helpers, and memory
///   stays bounded (under 64 MiB for 1 GiB of attachments, `BENCHMARKS.md`) whatever
///   their sizes. Each attachment is stored or deflated by its content
///   ([`archive::compression_for`](super::archive::compression_for)): already-compressed
///   formats (by media type or magic bytes) are stored, the rest is deflated only if a
///   trial deflate of its first 16 KiB saves at least 10 %, so the same bytes are
///   always stored or deflated alike; zip64 is used past 4 GiB.
/// - **Atomic**: the zip is written to a temporary file beside `out`, fsynced and
///   renamed over `out`; on any error (including a corrupt blob in the locker,
///   [`BundleError::LockerBlobCorrupt`]) nothing is left behind and `out` is untouched.
///   If the process is killed outright, the next export to the same directory removes
///   the temporary file it left.
pub fn export_with_progress(
    locker: &Locker,
    options: &ExportOptions,
    signer: &Signer,
    out: &Path,
    progress: &mut dyn FnMut(ExportProgress) -> ControlFlow<()>,
) -> Result<ExportSummary> {
    prepare_export(locker, options, signer, out, progress)?.commit()
}

/// An export written in full to its temporary file, not yet in place: [`commit`] puts
/// it at its target; dropping it removes the temporary file and leaves the target
/// untouched. It needs the locker no more.
///
/// [`commit`]: PreparedExport::commit
#[derive(Debug)]
#[must_use = "dropping a prepared export discards it"]
pub struct PreparedExport {
    writer: BundleWriter,
    summary: ExportSummary,
}

impl PreparedExport {
    /// Finishes the zip (its central directory), flushes it to disk and renames it over
    /// the target.
    pub fn commit(self) -> Result<ExportSummary> {
        self.writer.finish().map_err(BundleError::from)?;
        Ok(self.summary)
    }
}

/// Runs an export on a helper thread and reports its progress to `on_progress` on this
/// one (see [`crate::progress::relay`]: the bindings use it so that a callback into
/// foreign code never runs while the locker is held).
///
/// `prepare` gets the reporting function to hand to [`prepare_export`] (taking the
/// locker however the caller shares it). The bundle is committed here, only after
/// `on_progress` has answered every report, the last of which comes when everything is
/// written: a stop that `on_progress` asks for at any point, even as a small export is
/// finishing, cancels the export ([`BundleError::Cancelled`]), leaves nothing behind
/// and leaves the target untouched.
pub fn export_relayed(
    tick: std::time::Duration,
    prepare: impl FnOnce(&mut dyn FnMut(ExportProgress) -> ControlFlow<()>) -> Result<PreparedExport>
    + Send,
    on_progress: &mut dyn FnMut(Option<ExportProgress>) -> ControlFlow<()>,
) -> Result<ExportSummary> {
    let mut stopped = false;
    let prepared = crate::progress::relay(tick, prepare, &mut |p| {
        let flow = on_progress(p);
        stopped |= flow.is_break();
        flow
    });
    if stopped {
        // Dropping what was prepared removes its temporary file.
        drop(prepared);
        return Err(BundleError::Cancelled.into());
    }
    prepared?.commit()
}

/// Writes the bundle [`export_with_progress`] would write to a temporary file beside
/// `out`, reporting progress as it goes, the last time when everything is written (a
/// [`ControlFlow::Break`] then still cancels), and returns it ready to be committed.
pub fn prepare_export(
    locker: &Locker,
    options: &ExportOptions,
    signer: &Signer,
    out: &Path,
    progress: &mut dyn FnMut(ExportProgress) -> ControlFlow<()>,
) -> Result<PreparedExport> {
    check_output(out, locker.dir(), signer.key_path())?;
    let checkpoint = locker.checkpoint();
    let leaves = locker.leaf_hashes();
    let records = disclosed_records(locker, options)?;

    // records.jsonl, and the attachments the records reference (first media type wins).
    let mut records_jsonl = Vec::new();
    let mut disclosed = Vec::with_capacity(records.len());
    let mut blobs: BTreeMap<Sha256Digest, (u64, String)> = BTreeMap::new();
    for record in records.values() {
        let bytes = to_canonical_vec(record)?;
        let leaf = leaf_hash(&bytes);
        let expected = usize::try_from(record.seq).ok().and_then(|i| leaves.get(i));
        if expected != Some(&leaf) {
            return Err(LedgerError::RecordChanged { seq: record.seq, line: record.seq + 1 }.into());
        }
        records_jsonl.extend_from_slice(&bytes);
        records_jsonl.push(b'\n');
        disclosed.push(DisclosedRecord { seq: record.seq, leaf_hash: Sha256Digest(leaf) });
        for a in &record.evidence.attachments {
            blobs.entry(a.sha256).or_insert_with(|| (a.size, a.media_type.clone()));
        }
    }

    let report = report_members(&options.report_files)?;
    let chain = chain_members(locker, &checkpoint, options.previous.as_ref())?;
    let checkpoint_text = checkpoint.to_text();
    let leaves_sha = leaves_digest(leaves);
    let allowed_signers = signer.allowed_signers_line();
    let generator = Generator {
        name: GENERATOR_NAME.to_owned(),
        version: env!("CARGO_PKG_VERSION").to_owned(),
    };

    let manifest = Manifest {
        format: FORMAT_NAME.to_owned(),
        format_version: FORMAT_VERSION,
        origin: checkpoint.origin.clone(),
        period: options.period,
        generator: generator.clone(),
        signer: ManifestSigner {
            principal: signer.principal().to_owned(),
            public_key: signer.public_key_openssh(),
            fingerprint: signer.fingerprint(),
        },
        checkpoint: ManifestCheckpoint {
            size: checkpoint.size,
            root: Sha256Digest(checkpoint.root),
        },
        records: disclosed,
        blobs: blobs
            .iter()
            .map(|(sha256, (size, _))| DisclosedBlob { sha256: *sha256, size: *size })
            .collect(),
        report: report
            .iter()
            .map(|(name, bytes)| ReportEntry {
                name: name.clone(),
                sha256: Sha256Digest(Sha256::digest(bytes).into()),
                size: bytes.len() as u64,
            })
            .collect(),
    };
    let manifest_json = to_pretty_string(&manifest)?;
    let verify_md = render(&VerifyMdFacts {
        origin: &checkpoint.origin,
        period: period_text(&options.period),
        records: manifest.records.len(),
        tree_size: checkpoint.size,
        blobs: blobs.len(),
        root_base64: STANDARD.encode(checkpoint.root),
        principal: signer.principal(),
        fingerprint: signer.fingerprint(),
        allowed_signers_line: allowed_signers.clone(),
        generator: format!("{} {}", generator.name, generator.version),
        signed_checkpoints: chain.iter().filter(|(n, _)| n.ends_with(".note")).count(),
        timestamps: chain
            .iter()
            .filter(|(n, _)| n.ends_with(".tsr"))
            .filter_map(|(n, _)| {
                let note = format!("{}.note", n.strip_suffix(".tsr")?);
                let bytes = &chain.iter().find(|(m, _)| *m == note)?.1;
                Some((n.clone(), hex::encode(<sha2::Sha256 as sha2::Digest>::digest(bytes))))
            })
            .collect(),
        previous_size: options.previous.as_ref().map(|p| p.size),
    });

    // Every member but the two signature files, by name; blobs are listed under their
    // content address, which the streaming below checks.
    let mut small: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    small.insert(ALLOWED_SIGNERS.to_owned(), allowed_signers.into_bytes());
    small.insert(VERIFY_MD.to_owned(), verify_md.into_bytes());
    small.insert(CHECKPOINT.to_owned(), checkpoint_text.into_bytes());
    small.insert(MANIFEST.to_owned(), manifest_json.into_bytes());
    small.insert(RECORDS.to_owned(), records_jsonl);
    for (name, bytes) in report.into_iter().chain(chain) {
        small.insert(name, bytes);
    }
    small.insert(VERIFY_PY.to_owned(), VERIFY_PY_TEXT.as_bytes().to_vec());
    let mut listing: BTreeMap<String, Sha256Digest> = small
        .iter()
        .map(|(name, bytes)| (name.clone(), Sha256Digest(Sha256::digest(bytes).into())))
        .collect();
    listing.insert(LEAVES.to_owned(), leaves_sha);
    for sha256 in blobs.keys() {
        listing.insert(blob_member(sha256), *sha256);
    }
    let sums_text = sums::render(listing.iter().map(|(n, d)| (n.as_str(), d)));
    let signature = signer.sign(sums_text.as_bytes())?;
    small.insert(SUMS.to_owned(), sums_text.into_bytes());
    small.insert(SUMS_SIG.to_owned(), signature.into_bytes());

    // Write every member in name order. Blobs come from the helper threads in the same
    // (hex) order.
    let sources: Vec<BlobSource> = blobs
        .iter()
        .map(|(sha256, (size, media_type))| BlobSource {
            sha256: *sha256,
            path: locker.blob_path(sha256),
            name: blob_member(sha256),
            size: *size,
            // Known compressed by its media type, or else decided by its first block on
            // its helper thread (`archive::compression_for`).
            compression: compressed_media_type(media_type).then_some(Compression::Stored),
        })
        .collect();
    let bytes_total: u64 = blobs.values().map(|(size, _)| size).sum();
    let mut names: Vec<String> = listing.keys().cloned().collect();
    names.extend([SUMS.to_owned(), SUMS_SIG.to_owned()]);
    names.sort();
    if progress(ExportProgress { bytes_done: 0, bytes_total }).is_break() {
        return Err(BundleError::Cancelled.into());
    }
    let mut writer = BundleWriter::create(out).map_err(BundleError::from)?;
    let mut bytes_done = 0u64;
    with_blob_feed(&sources, LANE_BUDGET, |feed| -> Result<()> {
        for name in &names {
            if let Some(bytes) = small.get(name) {
                writer.add_bytes(name, Compression::Deflated, bytes).map_err(BundleError::from)?;
            } else if name == LEAVES {
                let mut reader = LeavesReader::new(leaves);
                writer
                    .add_stream(name, leaves.len() as u64 * 65, Compression::Deflated, &mut reader)
                    .map_err(BundleError::from)?;
            } else {
                // Blob members come in the same (hex) order as `sources`, one per call.
                let mut on_chunk = |n: u64| {
                    bytes_done += n;
                    progress(ExportProgress { bytes_done, bytes_total })
                };
                match feed.next_blob(&mut on_chunk)? {
                    NextBlob::Prepared(member) => {
                        writer.add_prepared(member).map_err(BundleError::from)?;
                    }
                    NextBlob::Stream(mut reader) => {
                        let source = reader.source();
                        debug_assert_eq!(source.name, *name);
                        let (size, compression) = (source.size, reader.compression());
                        let written = writer.add_buffered(name, size, compression, &mut reader);
                        if let Some(e) = reader.take_error() {
                            return Err(e.into());
                        }
                        written.map_err(BundleError::from)?;
                    }
                }
            }
        }
        Ok(())
    })?;
    // The last word before the bundle is put in place.
    if progress(ExportProgress { bytes_done, bytes_total }).is_break() {
        return Err(BundleError::Cancelled.into());
    }
    Ok(PreparedExport {
        writer,
        summary: ExportSummary {
            path: out.to_path_buf(),
            checkpoint,
            period: options.period,
            principal: signer.principal().to_owned(),
            fingerprint: signer.fingerprint(),
            records: manifest.records.len() as u64,
            blobs: blobs.len() as u64,
            blob_bytes: bytes_total,
        },
    })
}

/// The signed checkpoints of the locker (each checked to be a prefix of it) and, with a
/// previous checkpoint, the consistency proof from it.
fn chain_members(
    locker: &Locker,
    checkpoint: &Checkpoint,
    previous: Option<&Checkpoint>,
) -> Result<Vec<(String, Vec<u8>)>> {
    let mut out = Vec::new();
    for signed in locker.signed_checkpoints()? {
        locker.verify_checkpoint(&signed.checkpoint)?;
        let stem =
            format!("{CHECKPOINTS_PREFIX}{}", SignedCheckpoint::stem(signed.checkpoint.size));
        out.push((format!("{stem}.note"), signed.note.clone()));
        // A time-stamp token only if it still verifies over its note: a bundle carries
        // nothing its verifier would refuse.
        if let Some(result) = signed.verify_timestamp(None) {
            let member = format!("{stem}.tsr");
            result
                .map_err(|error| BundleError::TimestampInvalid { member: member.clone(), error })?;
            out.push((member, signed.timestamp.unwrap_or_default()));
        }
        out.push((format!("{stem}.note.sig"), signed.sshsig));
    }
    if let Some(previous) = previous {
        locker.verify_checkpoint(previous).map_err(|e| BundleError::NotAnExtension {
            first_differing: None,
            reason: format!("the locker does not extend the previous bundle's checkpoint: {e}"),
        })?;
        let proof = merkle::consistency_proof(locker.leaf_hashes(), previous.size, checkpoint.size)
            .map_err(BundleError::from)?;
        let mut text = String::with_capacity(proof.len() * 65);
        for h in proof {
            text.push_str(&hex::encode(h));
            text.push('\n');
        }
        out.push((PREVIOUS_CHECKPOINT.to_owned(), previous.to_text().into_bytes()));
        out.push((PREVIOUS_CONSISTENCY.to_owned(), text.into_bytes()));
    }
    Ok(out)
}

/// The member name of a blob.
pub(crate) fn blob_member(sha256: &Sha256Digest) -> String {
    format!("{BLOBS_PREFIX}{}", sha256.to_hex())
}

/// `2026-01-01..2026-12-31 (Type II)` or `2026-06-30 (Type I)`.
pub(crate) fn period_text(period: &AuditPeriod) -> String {
    match period {
        AuditPeriod::Type1 { .. } => format!("{period} (Type I)"),
        AuditPeriod::Type2 { .. } => format!("{period} (Type II)"),
    }
}

/// The records to disclose, by seq.
fn disclosed_records(locker: &Locker, options: &ExportOptions) -> Result<BTreeMap<u64, Record>> {
    let mut out = BTreeMap::new();
    let extra = match &options.disclose {
        DisclosureSet::ObservedInPeriod => None,
        DisclosureSet::ObservedInPeriodAnd(extra) => Some(extra),
        DisclosureSet::Exactly(exact) => {
            for &seq in exact {
                out.insert(seq, locker.record(seq)?);
            }
            return Ok(out);
        }
    };
    // The days of the period in UTC: [start 00:00, the day after the end 00:00).
    let from = Timestamp::start_of(options.period.start());
    let end = options.period.end();
    let until = Timestamp::start_of(end.succ_opt().unwrap_or(end));
    for record in locker.records_observed_between(from, until)? {
        out.insert(record.seq, record);
    }
    for &seq in extra.into_iter().flatten() {
        if let std::collections::btree_map::Entry::Vacant(slot) = out.entry(seq) {
            slot.insert(locker.record(seq)?);
        }
    }
    Ok(out)
}

/// The report files as members, sorted, names checked.
fn report_members(files: &[(String, Vec<u8>)]) -> Result<BTreeMap<String, Vec<u8>>, BundleError> {
    let mut out = BTreeMap::new();
    for (name, bytes) in files {
        let member = format!("{REPORT_PREFIX}{name}");
        validate_member_name(&member).map_err(|e| BundleError::InvalidOption {
            option: format!("report file {name:?}"),
            reason: e.to_string(),
        })?;
        if out.insert(member, bytes.clone()).is_some() {
            return Err(BundleError::InvalidOption {
                option: format!("report file {name:?}"),
                reason: "given twice".into(),
            });
        }
    }
    Ok(out)
}

/// Streams the `leaves` member: each leaf hash as 64 lower-case hex digits and `\n`.
struct LeavesReader<'a> {
    leaves: &'a [Hash],
    next: usize,
    line: [u8; 65],
    pos: usize,
}

impl<'a> LeavesReader<'a> {
    fn new(leaves: &'a [Hash]) -> Self {
        LeavesReader { leaves, next: 0, line: [b'\n'; 65], pos: 65 }
    }
}

impl Read for LeavesReader<'_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        let mut n = 0;
        while n < out.len() {
            if self.pos == 65 {
                let Some(leaf) = self.leaves.get(self.next) else {
                    break;
                };
                self.next += 1;
                // Cannot fail: 32 bytes into 64 hex digits.
                hex::encode_to_slice(leaf, &mut self.line[..64]).map_err(io::Error::other)?;
                self.pos = 0;
            }
            let k = (out.len() - n).min(65 - self.pos);
            out[n..n + k].copy_from_slice(&self.line[self.pos..self.pos + k]);
            self.pos += k;
            n += k;
        }
        Ok(n)
    }
}

/// The SHA-256 of the `leaves` member, without materialising it.
fn leaves_digest(leaves: &[Hash]) -> Sha256Digest {
    let mut hasher = Sha256::new();
    let mut line = [b'\n'; 65];
    for leaf in leaves {
        // Cannot fail: 32 bytes into 64 hex digits.
        let _ = hex::encode_to_slice(leaf, &mut line[..64]);
        hasher.update(line);
    }
    Sha256Digest(hasher.finalize().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_reader_matches_the_digest() {
        let leaves: Vec<Hash> =
            (0..1000u32).map(|i| Sha256::digest(i.to_le_bytes()).into()).collect();
        let mut text = Vec::new();
        // Odd buffer sizes split lines anywhere.
        let mut r = LeavesReader::new(&leaves);
        let mut buf = [0u8; 7];
        loop {
            let n = r.read(&mut buf).unwrap();
            if n == 0 {
                break;
            }
            text.extend_from_slice(&buf[..n]);
        }
        assert_eq!(text.len(), 65 * leaves.len());
        let expected: String = leaves.iter().map(|l| hex::encode(l) + "\n").collect();
        assert_eq!(text, expected.as_bytes());
        assert_eq!(leaves_digest(&leaves).0, <[u8; 32]>::from(Sha256::digest(&text)));
    }
}
