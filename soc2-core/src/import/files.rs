//! Imports from files on disk into a locker, and re-checks of stored imports: what
//! `soc2 import` does, shared with the Python and uniffi bindings so that each does it
//! the same way.

use std::path::{Path, PathBuf};

use crate::ledger::{Appended, AttachmentStore, LedgerError, Locker};
use crate::model::{Evidence, Sha256Digest};

use super::{
    Import, ImportError, Input, MAX_EVENT_INPUT_BYTES, MAX_INPUT_BYTES, Options, Recheck, import,
    recheck,
};

/// An input file of an import.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputFile {
    /// The path as given.
    pub path: PathBuf,
    /// Its bytes, as imported (and stored), when it was read whole; `None` when it was
    /// streamed (an audit log), and is streamed again from `path` to be stored.
    pub bytes: Option<Vec<u8>>,
    /// Whether it is already in the attachment store (stored while it was imported).
    pub stored: bool,
}

impl InputFile {
    /// The name the file is imported under: its base name.
    pub fn name(&self) -> &str {
        self.path.file_name().and_then(|n| n.to_str()).unwrap_or("input")
    }
}

/// An import made from files: the result, and the files as read (to be stored).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FileImport {
    /// The evidence, its provenance and attachments.
    pub import: Import,
    /// The files, in order, as read (the attachments' content).
    pub files: Vec<InputFile>,
}

/// Reads `paths` (regular files only, each at most [`MAX_INPUT_BYTES`]).
pub fn read_input_files<P: AsRef<Path>>(paths: &[P]) -> crate::Result<Vec<InputFile>> {
    paths
        .iter()
        .map(|p| {
            let path = p.as_ref();
            let bytes = crate::input::read_file(path, "import input", MAX_INPUT_BYTES)?;
            Ok(InputFile { path: path.to_path_buf(), bytes: Some(bytes), stored: false })
        })
        .collect()
}

/// Whether the import of `source` with `first` as its first input streams: audit logs
/// always, `fleet-hosts` when `first` begins with an osquery result (see
/// [`super::streams`]).
fn streams_file(source: &str, first: &Path) -> crate::Result<bool> {
    if super::is_streamed(source) {
        return Ok(true);
    }
    if super::max_input_bytes(source) == MAX_INPUT_BYTES {
        return Ok(false);
    }
    use std::io::Read as _;
    let file = crate::input::open_regular(first)?;
    let mut head = Vec::with_capacity(super::SNIFF_BYTES);
    file.take(super::SNIFF_BYTES as u64)
        .read_to_end(&mut head)
        .map_err(|e| crate::Error::io(first, e))?;
    Ok(super::streams(source, &head))
}

/// Reads the files at `paths` and runs the importer `source` over them (`soc2 import
/// --dry-run`): nothing is recorded.
pub fn import_files<P: AsRef<Path>>(
    source: &str,
    paths: &[P],
    options: &Options,
) -> crate::Result<FileImport> {
    if paths.is_empty() {
        return Err(ImportError::NoInput.into());
    }
    if streams_file(source, paths[0].as_ref())? {
        let files: Vec<InputFile> = paths
            .iter()
            .map(|p| InputFile { path: p.as_ref().to_path_buf(), bytes: None, stored: false })
            .collect();
        let names: Vec<&str> = files.iter().map(InputFile::name).collect();
        let import = stream_files(source, &names, |i| files[i].path.clone(), options)?;
        return Ok(FileImport { import, files });
    }
    let files = read_input_files(paths)?;
    let inputs: Vec<Input<'_>> = files
        .iter()
        .map(|f| Input { file_name: f.name(), bytes: f.bytes.as_deref().unwrap_or_default() })
        .collect();
    let import = import(source, &inputs, options)?;
    Ok(FileImport { import, files })
}

/// Streams the files of an audit-log or result-log import (regular files only, each at most
/// [`MAX_EVENT_INPUT_BYTES`]); `path(i)` is where input `i` is.
fn stream_files(
    source: &str,
    names: &[&str],
    path: impl Fn(usize) -> PathBuf,
    options: &Options,
) -> crate::Result<Import> {
    stream_files_with(source, names, &path, options, &mut |_, file| Ok(Box::new(file)))
}

/// [`stream_files`], with `wrap(i, file)` giving the reader the import reads input `i`
/// through.
fn stream_files_with<'a>(
    source: &str,
    names: &[&str],
    path: &dyn Fn(usize) -> PathBuf,
    options: &Options,
    wrap: &mut dyn FnMut(usize, fs_err::File) -> std::io::Result<Box<dyn std::io::Read + 'a>>,
) -> crate::Result<Import> {
    let mut open = |i: usize| -> std::io::Result<Box<dyn std::io::Read + 'a>> {
        let p = path(i);
        let file =
            crate::input::open_regular(&p).map_err(|e| std::io::Error::other(e.to_string()))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        if size > MAX_EVENT_INPUT_BYTES {
            return Err(std::io::Error::other(format!(
                "{size} bytes is more than the {MAX_EVENT_INPUT_BYTES} bytes one input may have"
            )));
        }
        wrap(i, file)
    };
    super::import_streamed(source, names, &mut open, options).map_err(|(index, e)| match e {
        super::StreamedError::Import(e) => e.into(),
        super::StreamedError::Io(error) => crate::Error::io(path(index), error),
    })
}

/// Runs the importer `source` over the files at `paths` and stores them in `store` (what
/// `soc2 import --locker` does before appending). An audit log is stored while it is
/// read, in the same pass: a large log is read from disk once.
pub fn import_files_stored<P: AsRef<Path>>(
    store: &AttachmentStore,
    source: &str,
    paths: &[P],
    options: &Options,
) -> crate::Result<FileImport> {
    if paths.is_empty() || !streams_file(source, paths[0].as_ref())? {
        let mut imported = import_files(source, paths, options)?;
        store_inputs(store, &imported)?;
        imported.files.iter_mut().for_each(|f| f.stored = true);
        return Ok(imported);
    }
    let mut files: Vec<InputFile> = paths
        .iter()
        .map(|p| InputFile { path: p.as_ref().to_path_buf(), bytes: None, stored: false })
        .collect();
    let owned: Vec<String> = files.iter().map(|f| f.name().to_owned()).collect();
    let names: Vec<&str> = owned.iter().map(String::as_str).collect();
    let paths: Vec<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    let mut storing: Vec<std::thread::JoinHandle<crate::Result<crate::model::Attachment>>> =
        Vec::new();
    let result =
        stream_files_with(source, &names, &|i| paths[i].clone(), options, &mut |i, file| {
            let (tx, rx) = std::sync::mpsc::sync_channel::<Result<Vec<u8>, ()>>(4);
            let store = store.clone();
            let name = names[i].to_owned();
            storing.push(std::thread::spawn(move || {
                let mut reader = ChannelReader { rx, chunk: Vec::new(), at: 0 };
                store.add_attachment(&mut reader, "application/octet-stream", &name)
            }));
            Ok(Box::new(Tee { file, tx: Some(tx), complete: false }))
        });
    // Every tee is dropped by now: each storing thread has its end (or its abort).
    let stored: Vec<crate::Result<crate::model::Attachment>> = storing
        .into_iter()
        .map(|h| {
            h.join().unwrap_or_else(|_| {
                Err(crate::Error::Invalid {
                    field: "inputs".into(),
                    reason: "storing an input stopped unexpectedly".into(),
                })
            })
        })
        .collect();
    let import = match result {
        Ok(i) => i,
        // Bad content is the cause (its storing thread was only told to stop): a line of
        // garbage in the middle of a log is reported as such, not as an unfinished store.
        Err(e @ crate::Error::Import(_)) => return Err(e),
        Err(e) => {
            // A failed store is the cause when it made the import stop.
            return Err(stored.into_iter().find_map(Result::err).unwrap_or(e));
        }
    };
    for ((file, expected), got) in files.iter_mut().zip(&import.attachments).zip(stored) {
        let got = got?;
        if got.sha256 != expected.sha256 || got.size != expected.size {
            return Err(crate::Error::Invalid {
                field: "inputs".into(),
                reason: format!(
                    "{}: stored content differs from the imported",
                    file.path.display()
                ),
            });
        }
        file.stored = true;
    }
    Ok(FileImport { import, files })
}

/// Reads a file and hands a copy of every chunk to a storing thread. Dropped before the
/// file's end (the import failed), it tells that thread to abandon the blob.
struct Tee {
    file: fs_err::File,
    tx: Option<std::sync::mpsc::SyncSender<Result<Vec<u8>, ()>>>,
    complete: bool,
}

impl std::io::Read for Tee {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.file.read(buf)?;
        if n == 0 {
            self.complete = true;
            return Ok(0);
        }
        if let Some(tx) = &self.tx
            && tx.send(Ok(buf[..n].to_vec())).is_err()
        {
            // The storing thread stopped (its error is reported instead).
            return Err(std::io::Error::other("storing the input failed"));
        }
        Ok(n)
    }
}

impl Drop for Tee {
    fn drop(&mut self) {
        if let Some(tx) = self.tx.take()
            && !self.complete
        {
            let _ = tx.send(Err(()));
        }
    }
}

/// The storing thread's side of a [`Tee`].
struct ChannelReader {
    rx: std::sync::mpsc::Receiver<Result<Vec<u8>, ()>>,
    chunk: Vec<u8>,
    at: usize,
}

impl std::io::Read for ChannelReader {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.rx.recv() {
                Ok(Ok(chunk)) => {
                    self.chunk = chunk;
                    self.at = 0;
                }
                Ok(Err(())) => {
                    return Err(std::io::Error::other("the import stopped before the file's end"));
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Stores the input files of `import` as attachments (the ones its evidence lists).
/// Needs only the attachment store, not the locker. Files already stored are skipped.
pub fn store_inputs(store: &AttachmentStore, import: &FileImport) -> crate::Result<()> {
    for (file, expected) in import.files.iter().zip(&import.import.attachments) {
        if file.stored {
            continue;
        }
        let stored = match &file.bytes {
            Some(bytes) => store.add_attachment(
                &mut bytes.as_slice(),
                &expected.media_type,
                &expected.file_name,
            )?,
            None => {
                store.add_attachment_file(&file.path, &expected.media_type, &expected.file_name)?
            }
        };
        if stored.sha256 != expected.sha256 || stored.size != expected.size {
            return Err(crate::Error::Invalid {
                field: "inputs".into(),
                reason: format!(
                    "{}: stored content differs from the imported (was the file changed \
                     while it was imported?)",
                    file.path.display()
                ),
            });
        }
    }
    Ok(())
}

/// Appends the evidence of `import` (whose inputs [`store_inputs`] stored) as one batch.
/// Refuses an import that holds no item.
pub fn append_import(locker: &mut Locker, import: &Import) -> crate::Result<Vec<Appended>> {
    if import.evidence.is_empty() {
        return Err(crate::Error::Invalid {
            field: "inputs".into(),
            reason: format!(
                "{}: the inputs hold no item to record (rows read {})",
                import.source.name, import.provenance.rows_read
            ),
        });
    }
    locker.append_batch(import.evidence.clone())
}

/// Records an import into `locker` (`soc2 import --locker`): stores the input files as
/// attachments, then appends the evidence, one record per item, in one batch.
pub fn record_import(locker: &mut Locker, import: &FileImport) -> crate::Result<Vec<Appended>> {
    // Files stored while imported (import_files_stored) are skipped.
    store_inputs(&locker.attachment_store(), import)?;
    append_import(locker, &import.import)
}

/// The outcome of [`check_record`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RecordCheck {
    /// The record checked.
    pub seq: u64,
    /// The importer named in its provenance.
    pub importer: String,
    /// Its version, as recorded.
    pub importer_version: String,
    /// How many stored inputs it was re-derived from.
    pub inputs: usize,
    /// Whether the re-derived evidence is byte for byte the stored one, and what it is.
    pub recheck: Recheck,
}

/// Re-derives record `seq` of `locker` from the input files stored with it (`soc2 import
/// --check`).
pub fn check_record(locker: &Locker, seq: u64) -> crate::Result<RecordCheck> {
    let record = locker.record(seq)?;
    check_evidence(&locker.attachment_store(), seq, &record.evidence)
}

/// [`check_record`] for evidence already read (record `seq`), with the store holding its
/// inputs.
pub fn check_evidence(
    store: &AttachmentStore,
    seq: u64,
    evidence: &Evidence,
) -> crate::Result<RecordCheck> {
    let p = evidence.provenance.as_ref().ok_or_else(|| ImportError::NotReproducible {
        reason: format!("record {seq} has no provenance: it was not imported"),
    })?;
    let missing = p.inputs.iter().find(|i| !store.blob_path(&i.sha256).is_file());
    if let Some(input) = missing {
        return Err(LedgerError::MissingBlob { seq, line: seq + 1, sha256: input.sha256 }.into());
    }
    let first = p.inputs.first().map(|i| store.blob_path(&i.sha256));
    if let Some(first) = first
        && streams_file(&p.importer, &first)?
    {
        let names: Vec<&str> = p.inputs.iter().map(|i| i.file_name.as_str()).collect();
        let options = super::recheck_options(p);
        let import =
            stream_files(&p.importer, &names, |i| store.blob_path(&p.inputs[i].sha256), &options)?;
        for (input, now) in p.inputs.iter().zip(&import.provenance.inputs) {
            if now.sha256 != input.sha256 {
                let path = store.blob_path(&input.sha256);
                return Err(LedgerError::BlobCorrupt {
                    sha256: input.sha256,
                    path,
                    actual: now.sha256,
                }
                .into());
            }
        }
        let recheck = super::compare(evidence, import)?;
        return Ok(RecordCheck {
            seq,
            importer: p.importer.clone(),
            importer_version: p.importer_version.clone(),
            inputs: p.inputs.len(),
            recheck,
        });
    }
    let mut blobs = Vec::with_capacity(p.inputs.len());
    for input in &p.inputs {
        let path = store.blob_path(&input.sha256);
        let bytes = match fs_err::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(
                    LedgerError::MissingBlob { seq, line: seq + 1, sha256: input.sha256 }.into()
                );
            }
            Err(e) => return Err(crate::Error::io(path, e)),
        };
        let actual = Sha256Digest::of(&bytes);
        if actual != input.sha256 {
            return Err(LedgerError::BlobCorrupt { sha256: input.sha256, path, actual }.into());
        }
        blobs.push(bytes);
    }
    let inputs: Vec<Input<'_>> = p
        .inputs
        .iter()
        .zip(&blobs)
        .map(|(i, b)| Input { file_name: &i.file_name, bytes: b })
        .collect();
    let recheck = recheck(evidence, &inputs)?;
    Ok(RecordCheck {
        seq,
        importer: p.importer.clone(),
        importer_version: p.importer_version.clone(),
        inputs: p.inputs.len(),
        recheck,
    })
}
