//! Deterministic, atomic, streaming bundle writer.

use std::fs::File;
use std::io::{self, BufWriter, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tempfile::NamedTempFile;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, System, ZipWriter};

use super::{ArchiveError, Compression, NameSet, validate_member_name};

/// Fixed DEFLATE level: output must not depend on library defaults. Level 1:
/// bundles are mostly already-compressed media, and the text in them (CSV,
/// JSON, logs) deflates about four times faster than at level 6 for a ratio of
/// about 2.5 instead of 4, which keeps exporting close to hashing speed.
const DEFLATE_LEVEL: i64 = 1;
/// Permissions recorded for every member.
const FILE_MODE: u32 = 0o644;
/// Permissions of the finished archive file on Unix.
pub(crate) const BUNDLE_FILE_MODE: u32 = 0o644;
/// Members at least this large get ZIP64 sizes. The margin below 4 GiB covers
/// DEFLATE's worst-case expansion of incompressible input (a few bytes per
/// 16 KiB block), which must not overflow the 32-bit compressed size.
pub(crate) const LARGE_FILE_THRESHOLD: u64 = u32::MAX as u64 - (64 << 20);
/// Copy granularity. Input is always handed to the compressor in full chunks
/// of this size so the output cannot depend on how the caller's reader
/// happens to split its reads.
const CHUNK: usize = 64 * 1024;

/// Writes a bundle archive deterministically and atomically.
///
/// The archive is written to a temporary file in the target's directory and
/// only renamed over the target by [`BundleWriter::finish`]. If the writer is
/// dropped before that, or any call fails, the temporary file is removed and
/// the target is left untouched; after a failure every further call returns
/// [`ArchiveError::WriterPoisoned`].
///
/// Identical sequences of calls produce byte-identical files: every member
/// gets the timestamp 1980-01-01 00:00:00, Unix mode `0644`, no extra fields
/// except ZIP64 sizes for members near or above 4 GiB, and DEFLATE level 1.
/// There is no archive comment and no data descriptors (headers are patched
/// in place because the temporary file is seekable).
///
/// Members must be added in strictly increasing byte-wise name order, and
/// names must satisfy [`validate_member_name`](super::validate_member_name)
/// and be unique ignoring case, exactly as [`SafeArchive`](super::SafeArchive)
/// requires when reading.
///
/// The finished file gets mode `0644` on Unix (set on the temporary file
/// before the rename, so it never appears with another mode).
pub struct BundleWriter {
    target: PathBuf,
    /// Owns the on-disk temporary file; dropping it deletes the file.
    temp: Option<NamedTempFile>,
    zip: Option<ZipWriter<BufWriter<TempSink>>>,
    /// Shared with the sink: once set, the sink swallows writes (see [`TempSink`]).
    discard: Arc<AtomicBool>,
    names: NameSet,
    previous: Option<String>,
    buf: Box<[u8]>,
}

impl std::fmt::Debug for BundleWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BundleWriter")
            .field("target", &self.target)
            .field("poisoned", &self.zip.is_none())
            .field("previous", &self.previous)
            .finish_non_exhaustive()
    }
}

impl BundleWriter {
    /// Starts writing a bundle that [`finish`](Self::finish) will place at `target`,
    /// replacing any existing file there.
    ///
    /// The temporary file is created in `target`'s directory so the final
    /// rename stays on one file system and is atomic.
    pub fn create(target: &Path) -> Result<Self, ArchiveError> {
        let io_err = |source| ArchiveError::Io { path: target.to_path_buf(), source };
        if target.file_name().is_none() {
            return Err(io_err(io::Error::new(
                io::ErrorKind::InvalidInput,
                "bundle target has no file name",
            )));
        }
        let parent = parent_dir(target);
        let temp = tempfile::Builder::new()
            .prefix(".bundle-")
            .suffix(".partial")
            .tempfile_in(parent)
            .map_err(|source| ArchiveError::Io { path: parent.to_path_buf(), source })?;
        // A second handle to the same open file: the ZIP writer owns this one,
        // while `temp` stays with us for the final rename or for deletion.
        let handle = temp.as_file().try_clone().map_err(io_err)?;
        let discard = Arc::new(AtomicBool::new(false));
        let flusher = Flusher::start(handle.try_clone().map_err(io_err)?);
        let sink =
            TempSink { file: handle, discard: Arc::clone(&discard), virtual_pos: None, flusher };
        Ok(BundleWriter {
            target: target.to_path_buf(),
            temp: Some(temp),
            zip: Some(ZipWriter::new(BufWriter::with_capacity(CHUNK, sink))),
            discard,
            names: NameSet::default(),
            previous: None,
            buf: vec![0; CHUNK].into_boxed_slice(),
        })
    }

    /// Adds a member whose content is read from `reader`, which must yield
    /// exactly `size` bytes.
    ///
    /// The content is streamed; it is never held in memory as a whole.
    pub fn add_stream(
        &mut self,
        name: &str,
        size: u64,
        compression: Compression,
        reader: &mut dyn Read,
    ) -> Result<(), ArchiveError> {
        let large = size >= LARGE_FILE_THRESHOLD;
        self.add_impl(name, size, compression, reader, large)
    }

    /// Adds a member with the given in-memory content.
    pub fn add_bytes(
        &mut self,
        name: &str,
        compression: Compression,
        data: &[u8],
    ) -> Result<(), ArchiveError> {
        let mut reader = data;
        self.add_stream(name, data.len() as u64, compression, &mut reader)
    }

    /// Writes the central directory, flushes and fsyncs the file, renames it
    /// to the target and fsyncs the target's directory so the rename is durable.
    pub fn finish(mut self) -> Result<(), ArchiveError> {
        let result = self.finish_impl();
        if result.is_err() {
            self.poison();
        }
        result
    }

    /// Adds a member; `large` forces ZIP64 sizes (split out so tests can
    /// exercise ZIP64 without writing 4 GiB).
    pub(crate) fn add_impl(
        &mut self,
        name: &str,
        size: u64,
        compression: Compression,
        reader: &mut dyn Read,
        large: bool,
    ) -> Result<(), ArchiveError> {
        let result = self.add_inner(name, size, compression, reader, large);
        if result.is_err() {
            self.poison();
        }
        result
    }

    fn add_inner(
        &mut self,
        name: &str,
        size: u64,
        compression: Compression,
        reader: &mut dyn Read,
        large: bool,
    ) -> Result<(), ArchiveError> {
        if self.zip.is_none() {
            return Err(self.poisoned());
        }
        validate_member_name(name)?;
        if let Some(previous) = &self.previous {
            if name == previous {
                return Err(ArchiveError::DuplicateName { name: name.into() });
            }
            if name < previous.as_str() {
                return Err(ArchiveError::NotSorted {
                    name: name.into(),
                    previous: previous.clone(),
                });
            }
        }
        self.names.insert(name)?;
        self.previous = Some(name.to_owned());

        let (method, level) = match compression {
            Compression::Stored => (CompressionMethod::Stored, None),
            Compression::Deflated => (CompressionMethod::Deflated, Some(DEFLATE_LEVEL)),
        };
        let options = SimpleFileOptions::default()
            .compression_method(method)
            .compression_level(level)
            .last_modified_time(DateTime::default())
            .unix_permissions(FILE_MODE)
            // Fixed so that archives built on Windows are identical too.
            .system(System::Unix)
            .large_file(large);
        let target = self.target.clone();
        let Some(zip) = self.zip.as_mut() else {
            return Err(self.poisoned());
        };
        zip.start_file(name, options).map_err(|source| zip_error(&target, source))?;

        // Read at most one byte past `size` so an overlong reader is detected
        // without draining it.
        let mut limited = reader.take(size.saturating_add(1));
        let mut total: u64 = 0;
        loop {
            let filled = fill(&mut limited, &mut self.buf)
                .map_err(|source| ArchiveError::Input { name: name.into(), source })?;
            if filled == 0 {
                break;
            }
            total += filled as u64;
            if total > size {
                return Err(ArchiveError::InputTooLong { name: name.into(), declared: size });
            }
            zip.write_all(&self.buf[..filled])
                .map_err(|source| ArchiveError::Io { path: target.clone(), source })?;
        }
        if total < size {
            return Err(ArchiveError::InputTooShort {
                name: name.into(),
                declared: size,
                actual: total,
            });
        }
        Ok(())
    }

    fn finish_impl(&mut self) -> Result<(), ArchiveError> {
        let target = self.target.clone();
        let io_err = |source| ArchiveError::Io { path: target.clone(), source };
        let zip = self.zip.take().ok_or_else(|| self.poisoned())?;
        let buffered = zip.finish().map_err(|source| zip_error(&target, source))?;
        let mut sink = buffered.into_inner().map_err(|e| io_err(e.into_error()))?;
        sink.flusher.stop().map_err(io_err)?;
        drop(sink);
        let temp = self.temp.take().ok_or_else(|| self.poisoned())?;
        // The temporary file is created 0600; a bundle is meant to be handed
        // out, and its mode must not depend on how it was made.
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            temp.as_file()
                .set_permissions(std::fs::Permissions::from_mode(BUNDLE_FILE_MODE))
                .map_err(io_err)?;
        }
        temp.as_file().sync_all().map_err(io_err)?;
        // On failure `persist` hands the temp file back; dropping it deletes it.
        temp.persist(&self.target).map_err(|e| io_err(e.error))?;
        sync_dir(parent_dir(&self.target))
    }

    /// Drops the ZIP writer and the temporary file. Setting `discard` first
    /// makes the ZIP writer's own `Drop` (which finalises the archive) a cheap
    /// no-op that cannot fail or print anything.
    fn poison(&mut self) {
        self.discard.store(true, Ordering::SeqCst);
        self.zip = None;
        self.temp = None;
    }

    fn poisoned(&self) -> ArchiveError {
        ArchiveError::WriterPoisoned { path: self.target.clone() }
    }
}

impl Drop for BundleWriter {
    fn drop(&mut self) {
        self.poison();
    }
}

fn zip_error(path: &Path, source: zip::result::ZipError) -> ArchiveError {
    match source {
        zip::result::ZipError::Io(source) => ArchiveError::Io { path: path.to_path_buf(), source },
        source => ArchiveError::Zip { path: path.to_path_buf(), source },
    }
}

fn parent_dir(target: &Path) -> &Path {
    match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    }
}

/// Makes a completed rename in `dir` durable.
#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), ArchiveError> {
    // ArchiveError::Io names the path, which is what fs_err would add.
    #[allow(clippy::disallowed_methods)]
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| ArchiveError::Io { path: dir.to_path_buf(), source })
}

/// Windows cannot open directories as files; its renames are journaled by NTFS.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), ArchiveError> {
    Ok(())
}

/// Bytes written between two background `fdatasync`s.
const FLUSH_EVERY: u64 = 32 << 20;

/// Flush-behind: a helper thread that `fdatasync`s the temporary file every
/// [`FLUSH_EVERY`] bytes, so the disk writes while the archive is still being
/// produced and the final fsync in [`BundleWriter::finish`] has little left to
/// do. The kernel reports a writeback error only once per open file, so an
/// error the helper sees is kept and returned by [`Flusher::stop`].
struct Flusher {
    tx: Option<SyncSender<()>>,
    handle: Option<JoinHandle<()>>,
    error: Arc<Mutex<Option<io::Error>>>,
    unflushed: u64,
}

impl Flusher {
    fn start(file: File) -> Flusher {
        let (tx, rx) = sync_channel::<()>(1);
        let error: Arc<Mutex<Option<io::Error>>> = Arc::default();
        let seen = Arc::clone(&error);
        let handle = std::thread::Builder::new()
            .name("bundle-flush".into())
            .spawn(move || {
                for () in rx {
                    if let Err(e) = file.sync_data() {
                        if let Ok(mut slot) = seen.lock() {
                            slot.get_or_insert(e);
                        }
                        return;
                    }
                }
            })
            // Without the thread, the final fsync simply does all the work.
            .ok();
        Flusher { tx: handle.as_ref().map(|_| tx), handle, error, unflushed: 0 }
    }

    fn wrote(&mut self, n: u64) {
        self.unflushed += n;
        if self.unflushed >= FLUSH_EVERY {
            self.unflushed = 0;
            if let Some(tx) = &self.tx {
                // Busy flushing: the next request will cover these bytes too.
                let _ = tx.try_send(());
            }
        }
    }

    /// Stops the helper and returns the first error it met.
    fn stop(&mut self) -> io::Result<()> {
        self.tx = None;
        if let Some(handle) = self.handle.take() {
            let _ = handle.join();
        }
        match self.error.lock().map(|mut e| e.take()) {
            Ok(Some(e)) => Err(e),
            _ => Ok(()),
        }
    }
}

impl Drop for Flusher {
    fn drop(&mut self) {
        let _ = self.stop();
    }
}

/// Reads until `buf` is full or the reader is exhausted.
fn fill(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        match reader.read(&mut buf[filled..]) {
            Ok(0) => break,
            Ok(n) => filled += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(filled)
}

/// The ZIP writer's view of the temporary file.
///
/// Once `discard` is set it stops touching the file and only simulates a file
/// (tracking a virtual position and length), so that `ZipWriter`'s `Drop`,
/// which always tries to finalise the archive, neither wastes I/O on a file
/// about to be deleted nor fails and prints to stderr.
struct TempSink {
    file: File,
    flusher: Flusher,
    discard: Arc<AtomicBool>,
    /// `(position, length)` of the simulated file once discarding.
    virtual_pos: Option<(u64, u64)>,
}

impl TempSink {
    fn virtual_state(&mut self) -> Option<&mut (u64, u64)> {
        if self.virtual_pos.is_none() && self.discard.load(Ordering::SeqCst) {
            // Start from the real state so positions the ZIP writer already
            // recorded stay consistent (it subtracts them from later ones).
            let pos = self.file.stream_position().unwrap_or(0);
            let len = self.file.metadata().map(|m| m.len()).unwrap_or(0);
            self.virtual_pos = Some((pos, len.max(pos)));
        }
        self.virtual_pos.as_mut()
    }
}

impl Write for TempSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if let Some((pos, len)) = self.virtual_state() {
            *pos += buf.len() as u64;
            *len = (*len).max(*pos);
            return Ok(buf.len());
        }
        let n = self.file.write(buf)?;
        self.flusher.wrote(n as u64);
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.virtual_state().is_some() {
            return Ok(());
        }
        self.file.flush()
    }
}

impl Seek for TempSink {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        if let Some((pos, len)) = self.virtual_state() {
            let new = match to {
                SeekFrom::Start(n) => Some(n),
                SeekFrom::End(d) => len.checked_add_signed(d),
                SeekFrom::Current(d) => pos.checked_add_signed(d),
            };
            *pos = new.ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
            return Ok(*pos);
        }
        self.file.seek(to)
    }
}
