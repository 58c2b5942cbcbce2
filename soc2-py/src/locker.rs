//! The evidence locker, its checkpoints, fsck and Merkle proofs, for `soc2/locker.py`.
//!
//! Records and evidence cross as canonical JSON, parsed and written by soc2-core. Every
//! call that reads or writes the locker runs with the interpreter detached; the locker is
//! behind a mutex, so Python threads may share one handle.

use std::io::Read;
use std::path::PathBuf;
use std::sync::{Mutex, MutexGuard, PoisonError};

use chrono::{DateTime, Utc};
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyList};
use soc2_core::json::to_canonical_string;
use soc2_core::ledger::{self, LedgerError, media_type_for, merkle};
use soc2_core::model::{Evidence, Sha256Digest, Timestamp};

use crate::depy::{at_index, from_py, from_py_items};
use crate::errors::{IntoPy, core_error, invalid};

/// The canonical JSON of a query's result.
fn canonical<T: serde::Serialize>(value: soc2_core::Result<T>) -> soc2_core::Result<String> {
    Ok(to_canonical_string(&value?)?)
}

/// Lower-case hex of a hash.
fn hex(hash: &merkle::Hash) -> String {
    Sha256Digest(*hash).to_hex()
}

/// A hash from 64 lower-case hex digits (`what` names it in errors).
fn parse_hash(py: Python<'_>, text: &str, what: &str) -> PyResult<merkle::Hash> {
    text.parse::<Sha256Digest>().map(|d| d.0).map_err(|e| invalid(py, what, e.to_string()))
}

fn parse_hashes(py: Python<'_>, texts: &[String], what: &str) -> PyResult<Vec<merkle::Hash>> {
    texts.iter().map(|t| parse_hash(py, t, what)).collect()
}

/// Text a caller may give as `str` or as `bytes` (a file's content, read either way).
#[derive(FromPyObject)]
pub(crate) enum TextOrBytes {
    /// A `str`, encoded as UTF-8.
    Str(String),
    /// `bytes` (or another object exporting a byte buffer), as they are.
    Bytes(Vec<u8>),
}

impl TextOrBytes {
    /// The bytes of the text.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        match self {
            TextOrBytes::Str(s) => s.as_bytes(),
            TextOrBytes::Bytes(b) => b,
        }
    }
}

/// The result of adding a record: its sequence number, leaf hash and `recorded_at`.
#[pyclass(module = "soc2", frozen, eq, hash, get_all, from_py_object)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Appended {
    /// The new record's sequence number.
    seq: u64,
    /// Its leaf hash, `SHA-256(0x00 ‖ canonical bytes)`, as hex.
    leaf_hash: String,
    /// When the locker recorded it (UTC).
    recorded_at: DateTime<Utc>,
}

#[pymethods]
impl Appended {
    fn __repr__(&self) -> String {
        format!(
            "Appended(seq={}, leaf_hash={:?}, recorded_at={:?})",
            self.seq,
            self.leaf_hash,
            Timestamp::from_datetime(self.recorded_at).to_string()
        )
    }
}

impl From<ledger::Appended> for Appended {
    fn from(a: ledger::Appended) -> Self {
        Appended {
            seq: a.seq,
            leaf_hash: hex(&a.leaf_hash),
            recorded_at: a.recorded_at.as_datetime(),
        }
    }
}

/// What `add_batch` returns: one [`Appended`] per record, in order, as a read-only
/// sequence whose items are made when read (a batch may hold a million records).
#[pyclass(module = "soc2", frozen, sequence)]
pub(crate) struct AppendedList(Vec<ledger::Appended>);

#[pymethods]
impl AppendedList {
    fn __len__(&self) -> usize {
        self.0.len()
    }

    fn __getitem__(&self, py: Python<'_>, index: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        if let Ok(slice) = index.cast::<pyo3::types::PySlice>() {
            let len = isize::try_from(self.0.len()).unwrap_or(isize::MAX);
            let ix = slice.indices(len)?;
            let items: Vec<Appended> = (0..ix.slicelength)
                .map(|k| {
                    let i = ix.start + isize::try_from(k).unwrap_or(isize::MAX) * ix.step;
                    Appended::from(self.0[usize::try_from(i).unwrap_or_default()])
                })
                .collect();
            return Ok(items.into_pyobject(py)?.into_any().unbind());
        }
        let i: isize = index.extract()?;
        let len = isize::try_from(self.0.len()).unwrap_or(isize::MAX);
        let j = if i < 0 { i + len } else { i };
        if j < 0 || j >= len {
            return Err(pyo3::exceptions::PyIndexError::new_err("index out of range"));
        }
        let item = Appended::from(self.0[usize::try_from(j).unwrap_or_default()]);
        Ok(Py::new(py, item)?.into_any())
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        let Ok(len) = other.len() else { return Ok(false) };
        if len != self.0.len() {
            return Ok(false);
        }
        for (a, b) in self.0.iter().zip(other.try_iter()?) {
            match b?.extract::<Appended>() {
                Ok(b) if Appended::from(*a) == b => {}
                _ => return Ok(false),
            }
        }
        Ok(true)
    }

    fn __repr__(&self) -> String {
        match (self.0.first(), self.0.last()) {
            (Some(first), Some(last)) => {
                format!("<{} records appended, seq {}..={}>", self.0.len(), first.seq, last.seq)
            }
            _ => "<0 records appended>".to_owned(),
        }
    }
}

/// Bytes after the ledger's last newline: an append that a crash interrupted. It is not a
/// record; the next append cuts it away.
#[pyclass(module = "soc2", frozen, eq, hash, get_all, from_py_object)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct TornTail {
    /// Where the torn line starts in the ledger file.
    offset: u64,
    /// How many bytes it has.
    len: u64,
    /// The 1-based line number it would have had.
    line: u64,
}

#[pymethods]
impl TornTail {
    fn __repr__(&self) -> String {
        format!("TornTail(offset={}, len={}, line={})", self.offset, self.len, self.line)
    }
}

impl From<ledger::TornTail> for TornTail {
    fn from(t: ledger::TornTail) -> Self {
        TornTail { offset: t.offset, len: t.len, line: t.line }
    }
}

/// A commitment to the first `size` records of a locker: the Merkle tree root over them,
/// in the C2SP `tlog-checkpoint` text form (origin, size, base64 root).
#[pyclass(module = "soc2", frozen, eq, hash, from_py_object)]
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) struct Checkpoint(ledger::Checkpoint);

impl Checkpoint {
    /// The soc2-core checkpoint.
    pub(crate) fn inner(&self) -> &ledger::Checkpoint {
        &self.0
    }
}

impl From<ledger::Checkpoint> for Checkpoint {
    fn from(c: ledger::Checkpoint) -> Self {
        Checkpoint(c)
    }
}

#[pymethods]
impl Checkpoint {
    /// A checkpoint from its parts; `root` is the tree root as 64 hex digits.
    #[new]
    fn new(py: Python<'_>, origin: String, size: u64, root: &str) -> PyResult<Self> {
        let root = parse_hash(py, root, "root")?;
        // Round-trip through the text form so that the origin is checked like a parsed one.
        let cp = ledger::Checkpoint { origin, size, root };
        Self::parse(py, TextOrBytes::Str(cp.to_text()))
    }

    /// Parses the text form (three lines, each ending in a newline), as `str` or `bytes`.
    #[staticmethod]
    fn parse(py: Python<'_>, text: TextOrBytes) -> PyResult<Self> {
        ledger::Checkpoint::parse(text.as_bytes())
            .map(Checkpoint)
            .map_err(|e| core_error(py, &soc2_core::Error::from(LedgerError::from(e))))
    }

    /// The locker's origin name.
    #[getter]
    fn origin(&self) -> &str {
        &self.0.origin
    }

    /// The number of records committed to.
    #[getter]
    fn size(&self) -> u64 {
        self.0.size
    }

    /// The Merkle tree root of their leaf hashes, as hex.
    #[getter]
    fn root(&self) -> String {
        hex(&self.0.root)
    }

    /// The text form: origin, size and base64 root, each line ending in a newline.
    fn to_text(&self) -> String {
        self.0.to_text()
    }

    fn __str__(&self) -> String {
        self.0.to_text()
    }

    fn __repr__(&self) -> String {
        format!(
            "Checkpoint(origin={:?}, size={}, root={:?})",
            self.0.origin,
            self.0.size,
            self.root()
        )
    }
}

/// What `fsck` found: every problem (as the exception each would raise), and what is
/// reported without being damage.
#[pyclass(module = "soc2", frozen)]
pub(crate) struct FsckReport {
    /// Complete lines in the ledger (records, sound or not).
    #[pyo3(get)]
    lines: u64,
    /// Every problem found, in ledger order, then blobs: exception objects
    /// (`IntegrityError` for damage), not raised.
    problems: Vec<Py<PyAny>>,
    /// A torn final line (an interrupted append): reported, but not damage.
    #[pyo3(get)]
    torn_tail: Option<TornTail>,
    /// Blobs re-hashed.
    #[pyo3(get)]
    blobs_checked: u64,
    /// Stored blobs (hex) that no record refers to: not damage.
    #[pyo3(get)]
    unreferenced_blobs: Vec<String>,
    /// Files left in `tmp/` by an interrupted attachment: not damage.
    #[pyo3(get)]
    leftover_temp_files: Vec<PathBuf>,
    /// The checkpoint of the ledger as read, when it is sound.
    #[pyo3(get)]
    checkpoint: Option<Checkpoint>,
}

#[pymethods]
impl FsckReport {
    /// Every problem found, in ledger order, then blobs: the exception each would raise
    /// (`IntegrityError` for damage), not raised.
    #[getter]
    fn problems(&self, py: Python<'_>) -> Vec<Py<PyAny>> {
        self.problems.iter().map(|p| p.clone_ref(py)).collect()
    }

    /// Whether no damage was found.
    #[getter]
    fn is_sound(&self) -> bool {
        self.problems.is_empty()
    }

    fn __bool__(&self) -> bool {
        self.is_sound()
    }

    fn __repr__(&self) -> String {
        format!(
            "FsckReport(lines={}, problems={}, blobs_checked={}, sound={})",
            self.lines,
            self.problems.len(),
            self.blobs_checked,
            if self.is_sound() { "True" } else { "False" }
        )
    }
}

impl FsckReport {
    fn new(py: Python<'_>, r: ledger::FsckReport) -> Self {
        let problems = r
            .problems
            .into_iter()
            .map(|e| core_error(py, &soc2_core::Error::from(e)).into_value(py).into_any())
            .collect();
        FsckReport {
            lines: r.lines,
            problems,
            torn_tail: r.torn_tail.map(TornTail::from),
            blobs_checked: r.blobs_checked,
            unreferenced_blobs: r.unreferenced_blobs.iter().map(Sha256Digest::to_hex).collect(),
            leftover_temp_files: r.leftover_temp_files,
            checkpoint: r.checkpoint.map(Checkpoint),
        }
    }
}

/// Checks the locker in `path` completely and lists every problem (see `Locker.fsck`);
/// `progress`, if given, is called with `(bytes_done, bytes_total)` as it reads, and an
/// exception it raises (or Ctrl-C) stops the check and is raised here.
#[pyfunction]
#[pyo3(signature = (path, progress = None))]
pub(crate) fn fsck(
    py: Python<'_>,
    path: PathBuf,
    progress: Option<Py<PyAny>>,
) -> PyResult<FsckReport> {
    let report = crate::relay::read_relayed(py, progress.as_ref(), |report| {
        ledger::fsck_with_progress(&path, None, report)
    })?;
    Ok(FsckReport::new(py, report.py_err(py)?))
}

/// Reads a Python binary file object in chunks, attaching to the interpreter for each.
struct PyReader(Py<PyAny>);

impl Read for PyReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        Python::attach(|py| {
            let chunk = self
                .0
                .bind(py)
                .call_method1("read", (buf.len(),))
                .map_err(|e| std::io::Error::other(e.to_string()))?;
            let bytes = chunk
                .cast::<PyBytes>()
                .map_err(|_| std::io::Error::other("read() did not return bytes"))?
                .as_bytes();
            let n = bytes.len().min(buf.len());
            buf[..n].copy_from_slice(&bytes[..n]);
            Ok(n)
        })
    }
}

/// What any caller may read without waiting for the locker: taken after each call that
/// may change it, under a lock held only to copy it.
#[derive(Clone)]
struct View {
    len: u64,
    root: merkle::Hash,
    torn_tail: Option<ledger::TornTail>,
}

impl View {
    fn of(locker: &ledger::Locker) -> View {
        View { len: locker.len(), root: locker.root(), torn_tail: locker.torn_tail() }
    }
}

/// An open evidence locker (soc2-core's `Locker`); use `soc2.Locker`.
///
/// Python threads may share one. Two rules keep that free of deadlocks: the soc2-core
/// locker's mutex is only ever waited for with the interpreter detached, and it is never
/// held while Python code runs (a progress hook, a file object's `read`). So the facts
/// that never change (directory, origin, the attachment store) live outside the mutex,
/// the size, root and torn tail are read from a [`View`] copied after each change, and
/// attachments are stored without the locker at all.
#[pyclass(module = "soc2._soc2", name = "Locker", frozen)]
pub(crate) struct Locker {
    dir: PathBuf,
    origin: String,
    store: ledger::AttachmentStore,
    inner: Mutex<ledger::Locker>,
    view: Mutex<View>,
}

impl Locker {
    fn new(locker: ledger::Locker) -> Self {
        Locker {
            dir: locker.dir().to_owned(),
            origin: locker.origin().to_owned(),
            store: locker.attachment_store(),
            view: Mutex::new(View::of(&locker)),
            inner: Mutex::new(locker),
        }
    }

    /// Runs `f` with the locker: detaches from the interpreter, waits for the locker, runs
    /// `f` and updates the view before attaching again.
    pub(crate) fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut ledger::Locker) -> T + Send,
    ) -> T {
        py.detach(|| {
            let mut locker = self.lock_unattached();
            let result = f(&mut locker);
            *self.view.lock().unwrap_or_else(PoisonError::into_inner) = View::of(&locker);
            result
        })
    }

    /// The locker, for a thread that is not attached to the interpreter (a helper
    /// thread, or inside `py.detach`): waiting for it while attached could deadlock.
    pub(crate) fn lock_unattached(&self) -> MutexGuard<'_, ledger::Locker> {
        // A panic while locked cannot leave the ledger half-written (appends are atomic
        // on disk); the in-memory view is refreshed by the next append.
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The size, root and torn tail as of the last call that could change them. Its
    /// lock is held only to copy it, never while waiting for anything else.
    fn view(&self) -> View {
        self.view.lock().unwrap_or_else(PoisonError::into_inner).clone()
    }
}

#[pymethods]
impl Locker {
    /// Creates a locker in `path` (created if missing) named `origin`.
    #[staticmethod]
    fn init(py: Python<'_>, path: PathBuf, origin: &str) -> PyResult<Self> {
        let locker = py.detach(|| ledger::Locker::init(&path, origin)).py_err(py)?;
        Ok(Locker::new(locker))
    }

    /// Opens the locker in `path`, verifying every record.
    #[staticmethod]
    fn open(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let locker = py.detach(|| ledger::Locker::open(&path)).py_err(py)?;
        Ok(Locker::new(locker))
    }

    /// Reads what other handles or processes appended; returns how many records.
    fn refresh(&self, py: Python<'_>) -> PyResult<u64> {
        self.with(py, |l| l.refresh()).py_err(py)
    }

    /// Checks the whole locker on disk and lists every problem; `progress` as for the
    /// module's `fsck`. The check holds the locker on a helper thread; `progress` runs on
    /// this one, holding nothing.
    #[pyo3(signature = (progress = None))]
    fn fsck(&self, py: Python<'_>, progress: Option<Py<PyAny>>) -> PyResult<FsckReport> {
        let report = crate::relay::read_relayed(py, progress.as_ref(), |report| {
            let locker = self.lock_unattached();
            ledger::fsck_with_progress(locker.dir(), None, report)
        })?;
        Ok(FsckReport::new(py, report.py_err(py)?))
    }

    /// The locker's directory.
    #[getter]
    fn path(&self) -> PathBuf {
        self.dir.clone()
    }

    /// The locker's origin name.
    #[getter]
    fn origin(&self) -> &str {
        &self.origin
    }

    fn __len__(&self) -> usize {
        usize::try_from(self.view().len).unwrap_or(usize::MAX)
    }

    /// The torn final line found at the last read, if any.
    #[getter]
    fn torn_tail(&self) -> Option<TornTail> {
        self.view().torn_tail.map(TornTail::from)
    }

    /// The leaf hash of every record, in order, as hex.
    fn leaf_hashes(&self, py: Python<'_>) -> Vec<String> {
        self.with(py, |l| l.leaf_hashes().iter().map(hex).collect())
    }

    /// The Merkle tree root over all records, as hex.
    #[getter]
    fn root(&self) -> String {
        hex(&self.view().root)
    }

    /// A checkpoint of the locker as it is now.
    fn checkpoint(&self) -> Checkpoint {
        let view = self.view();
        Checkpoint(ledger::Checkpoint {
            origin: self.origin.clone(),
            size: view.len,
            root: view.root,
        })
    }

    /// The inclusion proof (hex hashes) of record `seq` in the current tree.
    fn inclusion_proof(&self, py: Python<'_>, seq: u64) -> PyResult<Vec<String>> {
        let proof = self.with(py, |l| l.inclusion_proof(seq)).py_err(py)?;
        Ok(proof.iter().map(hex).collect())
    }

    /// The consistency proof (hex hashes) from the first `old_size` records to now.
    fn consistency_proof(&self, py: Python<'_>, old_size: u64) -> PyResult<Vec<String>> {
        let proof = self.with(py, |l| l.consistency_proof(old_size)).py_err(py)?;
        Ok(proof.iter().map(hex).collect())
    }

    /// Checks that an earlier checkpoint describes a prefix of this locker.
    fn verify_checkpoint(&self, py: Python<'_>, checkpoint: &Checkpoint) -> PyResult<()> {
        self.with(py, |l| l.verify_checkpoint(&checkpoint.0)).py_err(py)
    }

    /// Record `seq` as canonical JSON.
    fn record(&self, py: Python<'_>, seq: u64) -> PyResult<String> {
        self.with(py, |l| canonical(l.record(seq))).py_err(py)
    }

    /// Records `start..stop` (clipped to the locker) as a JSON array.
    fn records_json(&self, py: Python<'_>, start: u64, stop: u64) -> PyResult<String> {
        self.with(py, |locker| {
            canonical(
                (start..stop.min(locker.len()))
                    .map(|seq| locker.record(seq))
                    .collect::<soc2_core::Result<Vec<_>>>(),
            )
        })
        .py_err(py)
    }

    /// The records whose evidence names `control`, as a JSON array.
    fn records_for_control(&self, py: Python<'_>, control: &str) -> PyResult<String> {
        let control = control.parse().map_err(|e: soc2_core::model::control::ControlIdError| {
            invalid(py, "control", e.to_string())
        })?;
        self.with(py, |l| canonical(l.records_for_control(&control))).py_err(py)
    }

    /// The records whose evidence is of `kind`, as a JSON array.
    fn records_of_kind(&self, py: Python<'_>, kind: &str) -> PyResult<String> {
        let kind = kind.parse().map_err(|e: String| invalid(py, "kind", e))?;
        self.with(py, |l| canonical(l.records_of_kind(kind))).py_err(py)
    }

    /// The records observed in `[start, until)` (timestamps `2026-03-28T14:05:00Z`), as a
    /// JSON array.
    fn records_observed_between(
        &self,
        py: Python<'_>,
        start: &str,
        until: &str,
    ) -> PyResult<String> {
        let parse = |t: &str, what: &str| {
            t.parse::<Timestamp>().map_err(|e: soc2_core::model::time::TimestampError| {
                invalid(py, what, e.to_string())
            })
        };
        let (start, until) = (parse(start, "start")?, parse(until, "until")?);
        self.with(py, |l| canonical(l.records_observed_between(start, until))).py_err(py)
    }

    /// Stores a file as an attachment; returns the attachment as JSON. The media type
    /// defaults to the one soc2 gives the file's extension, the file name to the path's.
    #[pyo3(signature = (path, media_type = None, file_name = None))]
    fn add_attachment_file(
        &self,
        py: Python<'_>,
        path: PathBuf,
        media_type: Option<&str>,
        file_name: Option<&str>,
    ) -> PyResult<String> {
        let attachment = py
            .detach(|| {
                let name = attachment_name(&path, file_name)?;
                let media_type = media_type.unwrap_or_else(|| media_type_for(&path));
                self.store.add_attachment_file(&path, media_type, &name)
            })
            .py_err(py)?;
        to_canonical_string(&attachment).py_err(py)
    }

    /// Stores bytes as an attachment; returns the attachment as JSON.
    fn add_attachment_bytes(
        &self,
        py: Python<'_>,
        data: &[u8],
        media_type: &str,
        file_name: &str,
    ) -> PyResult<String> {
        let attachment = py
            .detach(|| self.store.add_attachment(&mut &data[..], media_type, file_name))
            .py_err(py)?;
        to_canonical_string(&attachment).py_err(py)
    }

    /// Stores what a binary file object's `read()` yields as an attachment, streaming;
    /// returns the attachment as JSON.
    fn add_attachment_reader(
        &self,
        py: Python<'_>,
        reader: Py<PyAny>,
        media_type: &str,
        file_name: &str,
    ) -> PyResult<String> {
        // Not under the locker: `read()` is Python code, which may use this locker too.
        let mut reader = PyReader(reader);
        let attachment = py
            .detach(|| self.store.add_attachment(&mut reader, media_type, file_name))
            .py_err(py)?;
        to_canonical_string(&attachment).py_err(py)
    }

    /// The file a stored blob lives in (whether or not it is stored).
    fn blob_path(&self, py: Python<'_>, sha256: &str) -> PyResult<PathBuf> {
        let digest =
            sha256.parse::<Sha256Digest>().map_err(|e| invalid(py, "sha256", e.to_string()))?;
        Ok(self.store.blob_path(&digest))
    }

    /// Stores the files at `attachments` (media type and file name from each path), adds
    /// them to the evidence and appends it as one record.
    fn add(
        &self,
        py: Python<'_>,
        evidence: &Bound<'_, PyAny>,
        attachments: Vec<PathBuf>,
    ) -> PyResult<Appended> {
        let mut ev: Evidence = from_py(evidence).py_err(py)?;
        let stored = py.detach(|| {
            for path in &attachments {
                let name = attachment_name(path, None)?;
                let a = self.store.add_attachment_file(path, media_type_for(path), &name)?;
                ev.attachments.push(a);
            }
            Ok(())
        });
        let result = stored.and_then(|()| self.with(py, move |l| l.append(ev)));
        result.map(Appended::from).map_err(|e| locate(py, e, std::slice::from_ref(evidence), false))
    }

    /// Imports the files at `paths` with the importer `source` and records the result, as
    /// `soc2 import --locker` does: the files are stored as attachments, then the evidence
    /// is appended in one batch. Returns what was appended and the import as JSON.
    #[pyo3(signature = (source, paths, system = None, fetched_at = None))]
    fn add_import(
        &self,
        py: Python<'_>,
        source: &str,
        paths: Vec<PathBuf>,
        system: Option<String>,
        fetched_at: Option<&str>,
    ) -> PyResult<(AppendedList, String)> {
        let options = crate::import::options(py, system, fetched_at)?;
        // Reading and storing the inputs need no locker; only the append waits for it.
        let imported = py
            .detach(|| {
                soc2_core::import::import_files_stored(&self.store, source, &paths, &options)
            })
            .py_err(py)?;
        let appended =
            self.with(py, |l| soc2_core::import::append_import(l, &imported.import)).py_err(py)?;
        let json = py.detach(|| crate::import::import_json(&imported)).py_err(py)?;
        Ok((AppendedList(appended), json))
    }

    /// Re-derives record `seq` from the input files stored with it, as `soc2 import
    /// --check` does: `(identical, importer, importer_version, inputs, rederived JSON)`.
    fn check_import(&self, py: Python<'_>, seq: u64) -> PyResult<crate::import::CheckTuple> {
        let record = self.with(py, |l| l.record(seq)).py_err(py)?;
        py.detach(|| {
            soc2_core::import::check_evidence(&self.store, seq, &record.evidence)
                .and_then(crate::import::check_tuple)
        })
        .py_err(py)
    }

    /// Appends a list of evidence objects, in order, with one write and one fsync; atomic:
    /// all or nothing. Error paths start with the position of the evidence at fault.
    fn add_batch(&self, py: Python<'_>, evidence: &Bound<'_, PyList>) -> PyResult<AppendedList> {
        let batch: Vec<Evidence> = from_py_items(evidence).py_err(py)?;
        let appended = self.with(py, |l| l.append_batch(batch));
        match appended {
            Ok(a) => Ok(AppendedList(a)),
            Err(e) => Err(locate(py, e, &evidence.iter().collect::<Vec<_>>(), true)),
        }
    }
}

/// The Python exception for an error from appending `evidence`. A value the canonical form
/// refuses (a string not in NFC, an integer out of range) is reported by soc2-core with its
/// path inside the record; this finds the evidence at fault and gives the path inside it,
/// prefixed with its position when `indexed`, as for any other invalid value.
fn locate(
    py: Python<'_>,
    e: soc2_core::Error,
    evidence: &[Bound<'_, PyAny>],
    indexed: bool,
) -> PyErr {
    if let soc2_core::Error::Json(_) = &e {
        for (i, item) in evidence.iter().enumerate() {
            let checked = from_py::<Evidence>(item)
                .and_then(|ev| soc2_core::json::to_canonical_vec(&ev).map(drop));
            if let Err(found) = checked {
                let found = if indexed { at_index(i, found) } else { found };
                return crate::errors::json_error(py, &found);
            }
        }
    }
    core_error(py, &e)
}

/// The informational file name of an attachment: the one given, or the path's.
fn attachment_name(path: &std::path::Path, given: Option<&str>) -> soc2_core::Result<String> {
    if let Some(name) = given {
        return Ok(name.to_owned());
    }
    path.file_name().and_then(|n| n.to_str()).map(str::to_owned).ok_or_else(|| {
        soc2_core::Error::Invalid {
            field: "file_name".into(),
            reason: format!("{}: the path has no UTF-8 file name", path.display()),
        }
    })
}

/// The leaf hash (hex) of a record's canonical bytes (`str` as UTF-8):
/// `SHA-256(0x00 ‖ data)`.
#[pyfunction]
pub(crate) fn leaf_hash(py: Python<'_>, data: TextOrBytes) -> String {
    py.detach(|| hex(&merkle::leaf_hash(data.as_bytes())))
}

/// The Merkle tree root (hex) over leaf hashes (hex).
#[pyfunction]
pub(crate) fn merkle_root(py: Python<'_>, leaves: Vec<String>) -> PyResult<String> {
    let leaves = parse_hashes(py, &leaves, "leaf hash")?;
    Ok(py.detach(|| hex(&merkle::root(&leaves))))
}

fn proof_error(py: Python<'_>, e: merkle::ProofError) -> PyErr {
    core_error(py, &soc2_core::Error::from(LedgerError::from(e)))
}

/// Checks an inclusion proof: leaf `index` of a tree of `size` leaves with root `root`.
#[pyfunction]
pub(crate) fn verify_inclusion(
    py: Python<'_>,
    leaf_hash: &str,
    index: u64,
    size: u64,
    proof: Vec<String>,
    root: &str,
) -> PyResult<()> {
    let leaf = parse_hash(py, leaf_hash, "leaf_hash")?;
    let root = parse_hash(py, root, "root")?;
    let proof = parse_hashes(py, &proof, "proof")?;
    merkle::verify_inclusion(&leaf, index, size, &proof, &root).map_err(|e| proof_error(py, e))
}

/// Checks a consistency proof between a tree of `old_size` and one of `new_size` leaves.
#[pyfunction]
pub(crate) fn verify_consistency(
    py: Python<'_>,
    old_size: u64,
    new_size: u64,
    old_root: &str,
    new_root: &str,
    proof: Vec<String>,
) -> PyResult<()> {
    let old_root = parse_hash(py, old_root, "old_root")?;
    let new_root = parse_hash(py, new_root, "new_root")?;
    let proof = parse_hashes(py, &proof, "proof")?;
    merkle::verify_consistency(old_size, new_size, &old_root, &new_root, &proof)
        .map_err(|e| proof_error(py, e))
}

/// The media type soc2 records for a file attachment with this name.
#[pyfunction]
pub(crate) fn media_type(path: PathBuf) -> &'static str {
    media_type_for(path)
}
