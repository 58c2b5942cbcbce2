//! The evidence locker: an append-only, tamper-evident store of evidence on a plain
//! directory (soc2-core's `ledger`).

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use soc2_core::catalog::Catalog;
use soc2_core::ledger::{self, TornTail};
use soc2_core::model::{
    Attachment, AuditPeriod, ControlId, Date, Evidence, EvidenceKind, Record, Sha256Digest,
    Timestamp,
};
use soc2_core::report::Report;

use crate::Soc2Error;

// The generated uniffi declarations of `Record` and `TornTail` (see `crate::model`); rustfmt
// leaves them as the generator writes them.
#[rustfmt::skip]
#[path = "generated/locker.rs"]
mod mirrors;

/// Where an append put a record.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Appended {
    /// The new record's sequence number.
    pub seq: u64,
    /// Its leaf hash, `SHA-256(0x00 || canonical bytes)` (RFC 9162), as hex.
    pub leaf_hash: Sha256Digest,
    /// The `recorded_at` it was given.
    pub recorded_at: Timestamp,
}

impl From<ledger::Appended> for Appended {
    fn from(a: ledger::Appended) -> Self {
        Appended { seq: a.seq, leaf_hash: Sha256Digest(a.leaf_hash), recorded_at: a.recorded_at }
    }
}

/// A checkpoint: the locker's origin, a number of records and the Merkle root over them.
/// Keep its `text` somewhere else (a ticket, an e-mail to the auditor): later,
/// [`Locker::verify_checkpoint`] proves the locker only grew since.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct Checkpoint {
    /// The locker's origin name.
    pub origin: String,
    /// The number of records committed to.
    pub size: u64,
    /// The RFC 9162 Merkle tree root of their leaf hashes, as hex.
    pub root: Sha256Digest,
    /// The checkpoint as text (origin, size and base64 root on three lines), the form
    /// to keep and to pass to [`Locker::verify_checkpoint`].
    pub text: String,
}

impl From<ledger::Checkpoint> for Checkpoint {
    fn from(c: ledger::Checkpoint) -> Self {
        let text = c.to_text();
        Checkpoint { origin: c.origin, size: c.size, root: Sha256Digest(c.root), text }
    }
}

/// One problem [`fsck_locker`] found.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct LockerProblem {
    /// The records it names as damaged or involved (by sequence number).
    pub records: Vec<u64>,
    /// The attachment blob it names, if any.
    pub blob: Option<Sha256Digest>,
    /// Whether it is damage (evidence changed, removed, reordered or missing), as opposed
    /// to a failed operation.
    pub damage: bool,
    /// The whole description, naming the record (seq and line), blob or file.
    pub detail: String,
}

/// What [`fsck_locker`] found.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct FsckReport {
    /// Whether no damage was found (a torn tail, unreferenced blobs and leftover
    /// temporary files are not damage).
    pub sound: bool,
    /// Complete lines in the ledger (records, sound or not).
    pub lines: u64,
    /// Every problem found, in ledger order, then blobs by hex. Empty when sound.
    pub problems: Vec<LockerProblem>,
    /// A torn final line (an interrupted append): reported, but not damage.
    pub torn_tail: Option<TornTail>,
    /// Blobs re-hashed.
    pub blobs_checked: u64,
    /// Stored blobs no record refers to (an attachment added but never recorded).
    pub unreferenced_blobs: Vec<Sha256Digest>,
    /// Files left in `tmp/` by an interrupted attachment.
    pub leftover_temp_files: Vec<String>,
    /// The checkpoint of the ledger as read, when it is sound and its header readable.
    pub checkpoint: Option<Checkpoint>,
}

/// Checks the locker in `dir` completely, going on after a problem to list them all:
/// the header, every record (canonical form, sequence, hash chain), every referenced
/// blob's presence and size, and every stored blob's content. It repairs nothing, and
/// fails only when the locker cannot be examined at all.
#[uniffi::export]
pub fn fsck_locker(dir: String) -> Result<FsckReport, Soc2Error> {
    fsck_report(ledger::fsck(&dir)?)
}

/// [`fsck_locker`], reporting to `listener` as the ledger and then the stored attachments
/// are read; it may stop the check (`Soc2Error::Cancelled`; fsck changes nothing).
#[uniffi::export]
pub fn fsck_locker_with_progress(
    dir: String,
    listener: Arc<dyn crate::bundle::ReadListener>,
) -> Result<FsckReport, Soc2Error> {
    let mut progress = crate::bundle::listen(listener.as_ref());
    fsck_report(ledger::fsck_with_progress(&dir, None, &mut progress)?)
}

fn fsck_report(report: ledger::FsckReport) -> Result<FsckReport, Soc2Error> {
    Ok(FsckReport {
        sound: report.is_sound(),
        lines: report.lines,
        problems: report
            .problems
            .iter()
            .map(|p| LockerProblem {
                records: p.records(),
                blob: p.blob(),
                damage: p.is_damage(),
                detail: p.to_string(),
            })
            .collect(),
        torn_tail: report.torn_tail,
        blobs_checked: report.blobs_checked,
        unreferenced_blobs: report.unreferenced_blobs,
        leftover_temp_files: report
            .leftover_temp_files
            .iter()
            .map(|p| p.display().to_string())
            .collect(),
        checkpoint: report.checkpoint.map(Checkpoint::from),
    })
}

/// An open evidence locker.
///
/// Opening verifies the whole ledger. The handle sees a snapshot: its own appends
/// extend it, and [`Locker::refresh`] (which every append does first) reads what other
/// handles or processes appended since. Safe to share between threads; calls on one
/// handle take turns.
///
/// Waits are short where they can be: the directory, origin and attachment store never
/// change and need no lock, the size, root and torn tail are copied after each change,
/// and a foreign [`ExportListener`](crate::bundle::ExportListener) is never called while
/// the locker is held, so it may use the locker.
#[derive(Debug, uniffi::Object)]
pub struct Locker {
    dir: String,
    origin: String,
    store: ledger::AttachmentStore,
    inner: Mutex<ledger::Locker>,
    view: Mutex<View>,
}

/// What any caller may read without waiting for the locker: copied after each call
/// that may change it, under a lock held only for the copy.
#[derive(Clone, Debug)]
struct View {
    len: u64,
    root: ledger::Hash,
    torn_tail: Option<TornTail>,
}

impl View {
    fn of(locker: &ledger::Locker) -> View {
        View { len: locker.len(), root: locker.root(), torn_tail: locker.torn_tail() }
    }
}

impl Locker {
    fn new(locker: ledger::Locker) -> Arc<Self> {
        Arc::new(Locker {
            dir: locker.dir().display().to_string(),
            origin: locker.origin().to_owned(),
            store: locker.attachment_store(),
            view: Mutex::new(View::of(&locker)),
            inner: Mutex::new(locker),
        })
    }

    /// Runs `f` with the soc2-core locker, for the other modules of the bindings. Never
    /// call foreign code from `f`: other threads may be waiting for the locker.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut ledger::Locker) -> T) -> T {
        let mut locker = self.lock();
        let result = f(&mut locker);
        *self.view.lock().unwrap_or_else(PoisonError::into_inner) = View::of(&locker);
        result
    }

    /// The locker. After a call panicked while holding it (a bug), its in-memory view
    /// cannot be trusted, so every later call on this handle fails (uniffi reports the
    /// panic as an internal error) and the locker must be opened again.
    fn lock(&self) -> MutexGuard<'_, ledger::Locker> {
        self.inner
            .lock()
            .expect("this locker handle is unusable after an earlier panic: open the locker again")
    }

    fn view(&self) -> View {
        self.view.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

#[uniffi::export]
impl Locker {
    /// Creates a locker in `dir` (created if missing) named `origin`, which becomes the
    /// first line of its checkpoints: 1 to 255 printable ASCII characters without spaces
    /// or `+`, ideally globally unique (e.g. `example.com/soc2/evidence`). Fails if `dir`
    /// already holds a locker. (soc2-core's `Locker::init`, named `create` here because
    /// `init` is reserved in Swift.)
    #[uniffi::constructor]
    pub fn create(dir: String, origin: String) -> Result<Arc<Self>, Soc2Error> {
        Ok(Self::new(ledger::Locker::init(&dir, &origin)?))
    }

    /// Opens the locker in `dir`, verifying every record: canonical form, sequence, hash
    /// chain, and that each attachment is stored with its declared size. Fails on the
    /// first problem with [`Soc2Error::Integrity`] (use [`fsck_locker`] to list them all).
    #[uniffi::constructor]
    pub fn open(dir: String) -> Result<Arc<Self>, Soc2Error> {
        Ok(Self::new(ledger::Locker::open(&dir)?))
    }

    /// The locker's directory.
    pub fn dir(&self) -> String {
        self.dir.clone()
    }

    /// The locker's origin name.
    pub fn origin(&self) -> String {
        self.origin.clone()
    }

    /// The number of records.
    pub fn len(&self) -> u64 {
        self.view().len
    }

    /// Whether the locker holds no record.
    pub fn is_empty(&self) -> bool {
        self.view().len == 0
    }

    /// Reads and verifies what other handles or processes appended since this one last
    /// read the ledger; returns how many records were added.
    pub fn refresh(&self) -> Result<u64, Soc2Error> {
        Ok(self.with(|l| l.refresh())?)
    }

    /// The torn final line found at the last read, if any: an interrupted append, which
    /// is ignored and removed by the next append.
    pub fn torn_tail(&self) -> Option<TornTail> {
        self.view().torn_tail
    }

    /// Stores `content` as an attachment (once per content) and returns the
    /// [`Attachment`] to put in the evidence. `media_type` must look like `type/subtype`;
    /// `file_name` is informational (never used as a path) and must not be empty.
    pub fn add_attachment(
        &self,
        content: Vec<u8>,
        media_type: String,
        file_name: String,
    ) -> Result<Attachment, Soc2Error> {
        Ok(self.store.add_attachment(&mut content.as_slice(), &media_type, &file_name)?)
    }

    /// Stores the file at `path` as an attachment, streaming it in constant memory; see
    /// [`Locker::add_attachment`].
    pub fn add_attachment_file(
        &self,
        path: String,
        media_type: String,
        file_name: String,
    ) -> Result<Attachment, Soc2Error> {
        Ok(self.store.add_attachment_file(&path, &media_type, &file_name)?)
    }

    /// Appends one record and syncs it to disk before returning. Refused if the evidence
    /// names an attachment not stored in the locker or declares another size.
    pub fn append(&self, evidence: Evidence) -> Result<Appended, Soc2Error> {
        Ok(self.with(|l| l.append(evidence))?.into())
    }

    /// Appends a record for each piece of evidence, in order, with one write and one
    /// sync: either all are appended or, on error, none.
    pub fn append_batch(&self, evidence: Vec<Evidence>) -> Result<Vec<Appended>, Soc2Error> {
        Ok(self.with(|l| l.append_batch(evidence))?.into_iter().map(Appended::from).collect())
    }

    /// Imports the files at `paths` with the importer `source` and records the result, as
    /// `soc2 import --locker` does: the files are stored as attachments (listed by every
    /// record), then the evidence is appended in one batch.
    #[uniffi::method(default(system = None, fetched_at = None))]
    pub fn add_import(
        &self,
        source: String,
        paths: Vec<String>,
        system: Option<String>,
        fetched_at: Option<Timestamp>,
    ) -> Result<crate::import::ImportResult, Soc2Error> {
        let options = soc2_core::import::Options { system, fetched_at };
        // Reading and storing the inputs need no locker; only the append waits for it.
        let imported =
            soc2_core::import::import_files_stored(&self.store, &source, &paths, &options)?;
        let appended = self.with(|l| soc2_core::import::append_import(l, &imported.import))?;
        Ok(crate::import::result_of(imported, appended.into_iter().map(Appended::from).collect()))
    }

    /// Re-derives record `seq` from the input files stored with it, as `soc2 import
    /// --check` does: `identical` when the result is byte for byte the stored evidence.
    pub fn check_import(&self, seq: u64) -> Result<crate::import::ImportCheck, Soc2Error> {
        let record = self.lock().record(seq)?;
        let checked = soc2_core::import::check_evidence(&self.store, seq, &record.evidence)?;
        Ok(crate::import::check_of(checked))
    }

    /// Reads record `seq`.
    pub fn record(&self, seq: u64) -> Result<Record, Soc2Error> {
        Ok(self.lock().record(seq)?)
    }

    /// Every record, in order.
    pub fn records(&self) -> Result<Vec<Record>, Soc2Error> {
        Ok(self.lock().records().collect::<soc2_core::Result<Vec<_>>>()?)
    }

    /// The records whose evidence names `control`, in order.
    pub fn records_for_control(&self, control: ControlId) -> Result<Vec<Record>, Soc2Error> {
        Ok(self.lock().records_for_control(&control)?)
    }

    /// The records whose evidence is of `kind`, in order.
    pub fn records_of_kind(&self, kind: EvidenceKind) -> Result<Vec<Record>, Soc2Error> {
        Ok(self.lock().records_of_kind(kind)?)
    }

    /// The records whose evidence was observed in `[from, until)`, in order.
    pub fn records_observed_between(
        &self,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<Record>, Soc2Error> {
        Ok(self.lock().records_observed_between(from, until)?)
    }

    /// The RFC 9162 Merkle tree root over all records, as hex.
    pub fn root(&self) -> Sha256Digest {
        Sha256Digest(self.view().root)
    }

    /// A checkpoint of the locker as it is now.
    pub fn checkpoint(&self) -> Checkpoint {
        let view = self.view();
        ledger::Checkpoint { origin: self.origin.clone(), size: view.len, root: view.root }.into()
    }

    /// Checks that a checkpoint taken earlier (its `text`, kept elsewhere) describes a
    /// prefix of this locker: same origin, no more records than it holds, and the same
    /// root over that many. Fails with [`Soc2Error::Integrity`] when history was
    /// rewritten. This is what protects the newest records, which no later record
    /// commits to yet.
    pub fn verify_checkpoint(&self, checkpoint_text: String) -> Result<(), Soc2Error> {
        let checkpoint = ledger::Checkpoint::parse(checkpoint_text.as_bytes())
            .map_err(ledger::LedgerError::from)?;
        Ok(self.lock().verify_checkpoint(&checkpoint)?)
    }

    /// The inclusion proof of record `seq` in the current tree: the sibling hashes, as
    /// hex, from the leaf up (RFC 9162).
    pub fn inclusion_proof(&self, seq: u64) -> Result<Vec<Sha256Digest>, Soc2Error> {
        Ok(self.lock().inclusion_proof(seq)?.into_iter().map(Sha256Digest).collect())
    }

    /// The consistency proof from the tree of the first `old_size` records to the
    /// current tree, as hex (RFC 9162).
    pub fn consistency_proof(&self, old_size: u64) -> Result<Vec<Sha256Digest>, Soc2Error> {
        Ok(self.lock().consistency_proof(old_size)?.into_iter().map(Sha256Digest).collect())
    }

    /// Evaluates every control of `catalog` against all the evidence in the locker over
    /// `period`, as of `as_of`, naming records by their sequence numbers.
    pub fn evaluate(
        &self,
        catalog: Catalog,
        period: AuditPeriod,
        as_of: Date,
    ) -> Result<Report, Soc2Error> {
        Ok(soc2_core::evaluate_locker(&catalog, &self.lock(), &period, as_of.naive())?)
    }

    /// A report evaluated from this locker as OSCAL assessment results (JSON, OSCAL
    /// 1.2.1): UUIDs derived from the locker's origin, each record with its leaf hash.
    pub fn oscal_assessment_results(&self, report: Report) -> Result<String, Soc2Error> {
        let source = soc2_core::report::OscalSource::from_locker(&self.lock())?;
        Ok(report.to_oscal_ar(&source)?)
    }

    /// A report evaluated from this locker as an OSCAL plan of action and milestones: one
    /// item per exception not closed. Fails with [`Soc2Error::Invalid`] when none is open.
    pub fn oscal_poam(&self, report: Report) -> Result<String, Soc2Error> {
        let source = soc2_core::report::OscalSource::from_locker(&self.lock())?;
        crate::evaluation::poam(&report, &source)
    }

    /// The testing workpapers of the locker's evidence over `period`, as of `as_of`:
    /// `summary.csv` and per control `population/<CONTROL>.csv`, in path order.
    pub fn workpapers(
        &self,
        catalog: Catalog,
        period: AuditPeriod,
        as_of: Date,
    ) -> Result<Vec<crate::audit::WorkpaperFile>, Soc2Error> {
        let locker = self.lock();
        let e =
            soc2_core::evaluate_locker_with_populations(&catalog, &locker, &period, as_of.naive())?;
        Ok(crate::audit::workpaper_files(&catalog, &e))
    }

    /// A reproducible sample of `control`'s population; without `seed`, the root hash
    /// (hex) of the locker's newest signed checkpoint (or of its current checkpoint when
    /// it has none).
    pub fn sample(
        &self,
        catalog: Catalog,
        period: AuditPeriod,
        as_of: Date,
        control: String,
        size: Option<u64>,
        seed: Option<String>,
    ) -> Result<soc2_core::evaluate::sample::Sample, Soc2Error> {
        let locker = self.lock();
        let e =
            soc2_core::evaluate_locker_with_populations(&catalog, &locker, &period, as_of.naive())?;
        let (seed, source) = match seed {
            Some(s) => (s, "given".to_owned()),
            None => soc2_core::evaluate::sample::default_seed(&locker)?,
        };
        crate::audit::draw(&catalog, &e, &control, size, &seed, &source)
    }

    /// The evidence request list of the locker's evidence over `period`, as of `as_of`.
    pub fn request_list(
        &self,
        catalog: Catalog,
        period: AuditPeriod,
        as_of: Date,
    ) -> Result<soc2_core::report::requests::RequestList, Soc2Error> {
        let locker = self.lock();
        let e =
            soc2_core::evaluate_locker_with_populations(&catalog, &locker, &period, as_of.naive())?;
        Ok(soc2_core::report::requests::request_list(&catalog, &e))
    }
}
