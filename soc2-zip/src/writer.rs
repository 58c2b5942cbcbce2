//! Deterministic, atomic, streaming bundle writer.

use std::io::{self, BufRead, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use tempfile::NamedTempFile;
use zip::write::{PreparedZipFile, SimpleFileOptions, ZipFileBuilder};
use zip::{CompressionMethod, DateTime, System, ZipWriter};

use super::{ArchiveError, Compression, NameSet, validate_member_name};
use crate::io::read_full;

/// Fixed DEFLATE level: output must not depend on library defaults. Level 1:
/// bundles are mostly already-compressed media, and the text in them (CSV,
/// JSON, logs) deflates about four times faster than at level 6 for a ratio of
/// about 2.5 instead of 4, which keeps exporting close to hashing speed.
pub(crate) const DEFLATE_LEVEL: u32 = 1;
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
/// [`ArchiveError::WriterPoisoned`]. A process killed outright cannot remove its
/// temporary file (`.bundle-XXXXXX.partial`); the next writer in that directory does,
/// once the file is a minute old and no process holds its lock (each writer locks its
/// own for as long as it lives).
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
    zip: Option<ZipWriter<TempSink>>,
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
            .prefix(TEMP_PREFIX)
            .suffix(TEMP_SUFFIX)
            .tempfile_in(parent)
            .map_err(|e| ArchiveError::Io { path: parent.to_path_buf(), source: os_error_of(e) })?;
        // Held while the file is ours, so that a later export can tell it from the
        // leftover of an export that was killed (see `remove_orphans`).
        temp.as_file().lock().map_err(io_err)?;
        remove_orphans(parent, temp.path());
        // A second handle to the same open file: the ZIP writer owns this one,
        // while `temp` stays with us for the final rename or for deletion.
        let handle = temp.as_file().try_clone().map_err(io_err)?;
        let discard = Arc::new(AtomicBool::new(false));
        let sink = TempSink::new(handle, Arc::clone(&discard)).map_err(io_err)?;
        Ok(BundleWriter {
            target: target.to_path_buf(),
            temp: Some(temp),
            zip: Some(ZipWriter::new(sink)),
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

    /// Adds a member whose content is read from `reader`, which must yield exactly
    /// `size` bytes, as [`add_stream`](Self::add_stream) does (the bytes written are
    /// the same), but a stored member's content is written straight from the reader's
    /// buffer, in whatever pieces it holds, instead of being copied through one of
    /// the writer's own first.
    pub fn add_buffered(
        &mut self,
        name: &str,
        size: u64,
        compression: Compression,
        reader: &mut dyn BufRead,
    ) -> Result<(), ArchiveError> {
        if compression == Compression::Deflated {
            // Deflate's output depends on how its input is split: fixed chunks, as ever.
            return self.add_stream(name, size, compression, reader);
        }
        let large = size >= LARGE_FILE_THRESHOLD;
        let result = self.add_stored_from(name, size, reader, large);
        if result.is_err() {
            self.poison();
        }
        result
    }

    fn add_stored_from(
        &mut self,
        name: &str,
        size: u64,
        reader: &mut dyn BufRead,
        large: bool,
    ) -> Result<(), ArchiveError> {
        if self.zip.is_none() {
            return Err(self.poisoned());
        }
        self.check_next_name(name)?;
        let options = member_options(Compression::Stored, large);
        let target = self.target.clone();
        let Some(zip) = self.zip.as_mut() else {
            return Err(self.poisoned());
        };
        zip.start_file(name, options).map_err(|source| zip_error(&target, source))?;
        let mut total: u64 = 0;
        loop {
            let piece = match reader.fill_buf() {
                Ok(piece) => piece,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(source) => return Err(ArchiveError::Input { name: name.into(), source }),
            };
            if piece.is_empty() {
                break;
            }
            let n = piece.len();
            if total + n as u64 > size {
                return Err(ArchiveError::InputTooLong { name: name.into(), declared: size });
            }
            zip.write_all(piece)
                .map_err(|source| ArchiveError::Io { path: target.clone(), source })?;
            total += n as u64;
            reader.consume(n);
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
        self.check_next_name(name)?;

        let options = member_options(compression, large);
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
            let filled = read_full(&mut limited, &mut self.buf)
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

    /// Adds a member compressed ahead of time by a [`MemberPreparer`]; the
    /// result is byte-identical to [`add_stream`](Self::add_stream) with the
    /// same content.
    pub fn add_prepared(&mut self, member: PreparedMember) -> Result<(), ArchiveError> {
        let result = self.add_prepared_inner(member);
        if result.is_err() {
            self.poison();
        }
        result
    }

    fn add_prepared_inner(&mut self, member: PreparedMember) -> Result<(), ArchiveError> {
        if self.zip.is_none() {
            return Err(self.poisoned());
        }
        let name = member.name.as_str();
        self.check_next_name(name)?;
        let target = self.target.clone();
        let Some(zip) = self.zip.as_mut() else {
            return Err(self.poisoned());
        };
        zip.add_prepared_file(member.file).map_err(|source| zip_error(&target, source))
    }

    /// Checks that `name` may come next, and records it.
    fn check_next_name(&mut self, name: &str) -> Result<(), ArchiveError> {
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
        Ok(())
    }

    fn finish_impl(&mut self) -> Result<(), ArchiveError> {
        let target = self.target.clone();
        let io_err = |source| ArchiveError::Io { path: target.clone(), source };
        let zip = self.zip.take().ok_or_else(|| self.poisoned())?;
        let mut sink = zip.finish().map_err(|source| zip_error(&target, source))?;
        sink.close().map_err(io_err)?;
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
        // A member cut short by a failed write (a full disk) is abandoned first:
        // otherwise the ZIP writer's `Drop` finishes it, and its position check
        // (a debug assertion in zip) fails on the rewound sink and panics.
        if let Some(zip) = self.zip.as_mut() {
            let _ = zip.abort_file();
        }
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

/// Names of the temporary files bundles are written to: `.bundle-XXXXXX.partial`.
const TEMP_PREFIX: &str = ".bundle-";
const TEMP_SUFFIX: &str = ".partial";
/// A temporary file untouched for this long, and not locked, is an orphan.
const ORPHAN_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// Removes the temporary files that killed exports left in `dir` (a process killed
/// outright cannot remove its own). A file is an orphan when no process holds its lock
/// (the lock goes with its last open handle, so with its process) and it has not been
/// modified for [`ORPHAN_AGE`], which rules out one that another export has just
/// created and not locked yet. Best effort: whatever cannot be checked is left alone.
fn remove_orphans(dir: &Path, ours: &Path) {
    let Ok(entries) = fs_err::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        let path = entry.path();
        if !name.starts_with(TEMP_PREFIX) || !name.ends_with(TEMP_SUFFIX) || path == ours {
            continue;
        }
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= ORPHAN_AGE);
        if !old {
            continue;
        }
        let Ok(file) = fs_err::OpenOptions::new().write(true).open(&path) else {
            continue;
        };
        if file.file().try_lock().is_ok() {
            let _ = fs_err::remove_file(&path);
        }
    }
}

/// The options of every member: fixed time, mode and system, so output does
/// not depend on where or when it is made.
fn member_options(compression: Compression, large: bool) -> SimpleFileOptions {
    let (method, level) = match compression {
        Compression::Stored => (CompressionMethod::Stored, None),
        Compression::Deflated => (CompressionMethod::Deflated, Some(i64::from(DEFLATE_LEVEL))),
    };
    SimpleFileOptions::default()
        .compression_method(method)
        .compression_level(level)
        .last_modified_time(DateTime::default())
        .unix_permissions(FILE_MODE)
        // Fixed so that archives built on Windows are identical too.
        .system(System::Unix)
        .large_file(large)
}

/// Members up to this size may be compressed ahead of time, off the writing
/// thread, by a [`MemberPreparer`] (which holds the compressed member in
/// memory until it is added).
pub const PREPARE_MAX: u64 = 8 << 20;

/// Compresses one member on any thread, ready for [`BundleWriter::add_prepared`].
///
/// Content is handed to the compressor in the same [`CHUNK`]-sized pieces as
/// [`BundleWriter::add_stream`] does, so the member's bytes are the same
/// whichever way it is added.
pub struct MemberPreparer {
    name: String,
    size: u64,
    compression: Compression,
    written: u64,
    builder: ZipFileBuilder,
    /// Content not yet handed to the compressor (less than one [`CHUNK`]).
    partial: Vec<u8>,
}

/// A member compressed by a [`MemberPreparer`].
pub struct PreparedMember {
    name: String,
    compression: Compression,
    file: PreparedZipFile,
}

impl std::fmt::Debug for PreparedMember {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedMember").field("name", &self.name).finish_non_exhaustive()
    }
}

impl PreparedMember {
    /// The member's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// How its content is stored.
    pub fn compression(&self) -> Compression {
        self.compression
    }
}

impl MemberPreparer {
    /// Starts preparing member `name` of `size` bytes (at most [`PREPARE_MAX`]).
    pub fn new(
        name: &str,
        size: u64,
        compression: Compression,
    ) -> Result<MemberPreparer, ArchiveError> {
        validate_member_name(name)?;
        let builder = ZipFileBuilder::new(name, member_options(compression, false))
            .map_err(|source| ArchiveError::Compress { name: name.into(), source })?;
        Ok(MemberPreparer {
            name: name.to_owned(),
            size,
            compression,
            written: 0,
            builder,
            partial: Vec::with_capacity(CHUNK),
        })
    }

    /// Adds content.
    pub fn write(&mut self, mut data: &[u8]) -> Result<(), ArchiveError> {
        self.written += data.len() as u64;
        if self.written > self.size {
            return Err(ArchiveError::InputTooLong {
                name: self.name.clone(),
                declared: self.size,
            });
        }
        let io = |name: &str, source| ArchiveError::Input { name: name.into(), source };
        if !self.partial.is_empty() {
            let k = data.len().min(CHUNK - self.partial.len());
            self.partial.extend_from_slice(&data[..k]);
            data = &data[k..];
            if self.partial.len() < CHUNK {
                return Ok(());
            }
            self.builder.write_all(&self.partial).map_err(|e| io(&self.name, e))?;
            self.partial.clear();
        }
        let mut chunks = data.chunks_exact(CHUNK);
        for chunk in &mut chunks {
            self.builder.write_all(chunk).map_err(|e| io(&self.name, e))?;
        }
        self.partial.extend_from_slice(chunks.remainder());
        Ok(())
    }

    /// Finishes the member; fails if less content came than declared.
    pub fn finish(mut self) -> Result<PreparedMember, ArchiveError> {
        if self.written < self.size {
            return Err(ArchiveError::InputTooShort {
                name: self.name,
                declared: self.size,
                actual: self.written,
            });
        }
        if !self.partial.is_empty() {
            let name = &self.name;
            self.builder
                .write_all(&self.partial)
                .map_err(|source| ArchiveError::Input { name: name.clone(), source })?;
        }
        let name = self.name;
        let file = self
            .builder
            .finish()
            .map_err(|source| ArchiveError::Compress { name: name.clone(), source })?;
        Ok(PreparedMember { name, compression: self.compression, file })
    }
}

fn zip_error(path: &Path, source: zip::result::ZipError) -> ArchiveError {
    match source {
        zip::result::ZipError::Io(source) => ArchiveError::Io { path: path.to_path_buf(), source },
        source => ArchiveError::Zip { path: path.to_path_buf(), source },
    }
}

/// The OS error behind one of `tempfile`'s: it wraps the error with the random temporary
/// name (meaningless to the user, who is told the directory instead) and hides the error
/// number from `raw_os_error`. std prints an OS error as `... (os error N)`, first in
/// tempfile's message, so the number is recovered from there.
fn os_error_of(e: io::Error) -> io::Error {
    if e.raw_os_error().is_some() {
        return e;
    }
    let text = e.to_string();
    let code = text
        .split_once("(os error ")
        .and_then(|(_, rest)| rest.split_once(')'))
        .and_then(|(n, _)| n.parse::<i32>().ok());
    match code {
        Some(n) => io::Error::from_raw_os_error(n),
        None => io::Error::from(e.kind()),
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
    #[allow(clippy::disallowed_methods, clippy::disallowed_types)]
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|source| ArchiveError::Io { path: dir.to_path_buf(), source })
}

/// Windows cannot open directories as files; its renames are journaled by NTFS.
#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), ArchiveError> {
    Ok(())
}

/// Size of the buffer the ZIP writer's small writes (headers, small members) are
/// gathered in before they are written.
const OUT_CHUNK: usize = 1 << 20;
/// Writes at least this large (stored attachments, in their readers' pieces) are not
/// gathered: they are written straight from the caller's slice, which saves copying
/// every byte of them once more.
const DIRECT_MIN: usize = OUT_CHUNK / 4;
/// Bytes written between two background `fdatasync`s.
const FLUSH_EVERY: u64 = 32 << 20;

/// The ZIP writer's view of the temporary file.
///
/// Small writes are gathered into one [`OUT_CHUNK`]-byte buffer, written at its
/// offset when full or when the ZIP writer seeks away; large ones
/// ([`DIRECT_MIN`]) are written straight from the caller's slice, after what is
/// gathered, so later bytes win as in a plain file. Everything is written on the
/// calling thread: a separate output thread was measured slower on two cores, since
/// the export's helpers already keep both busy and every hand-over cost a wake-up
/// and a wait (`BENCHMARKS.md`). A [`Flusher`] `fdatasync`s every [`FLUSH_EVERY`]
/// bytes in the background, so the disk writes while the archive is produced.
///
/// Once `discard` is set it stops writing and only simulates the file, so that
/// `ZipWriter`'s `Drop`, which always tries to finalise the archive, neither wastes
/// I/O on a file about to be deleted nor fails and prints to stderr.
struct TempSink {
    // A std handle: errors get the target's path from BundleWriter
    // (ArchiveError::Io) and must stay raw OS errors (ENOSPC).
    #[allow(clippy::disallowed_types)]
    file: std::fs::File,
    flusher: Flusher,
    /// Bytes written since the last flush request.
    unflushed: u64,
    discard: Arc<AtomicBool>,
    /// The position the ZIP writer is at.
    pos: u64,
    /// The length of the file once everything gathered is written.
    len: u64,
    /// Bytes gathered and not written yet, and the offset they go to.
    pending: Vec<u8>,
    pending_at: u64,
}

impl TempSink {
    #[allow(clippy::disallowed_types)] // See the field.
    fn new(file: std::fs::File, discard: Arc<AtomicBool>) -> io::Result<TempSink> {
        let flusher = Flusher::start(file.try_clone()?);
        Ok(TempSink {
            file,
            flusher,
            unflushed: 0,
            discard,
            pos: 0,
            len: 0,
            pending: Vec::with_capacity(OUT_CHUNK),
            pending_at: 0,
        })
    }

    fn discarding(&self) -> bool {
        self.discard.load(Ordering::SeqCst)
    }

    /// Writes `buf` at offset `at`, and asks for an `fdatasync` every
    /// [`FLUSH_EVERY`] bytes.
    fn write_at(&mut self, buf: &[u8], at: u64) -> io::Result<()> {
        #[cfg(unix)]
        std::os::unix::fs::FileExt::write_all_at(&self.file, buf, at)?;
        #[cfg(not(unix))]
        {
            let mut file = &self.file;
            file.seek(SeekFrom::Start(at))?;
            file.write_all(buf)?;
        }
        self.unflushed += buf.len() as u64;
        if self.unflushed >= FLUSH_EVERY {
            self.unflushed = 0;
            self.flusher.request();
        }
        Ok(())
    }

    /// Writes the gathered bytes.
    fn write_pending(&mut self) -> io::Result<()> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let pending = std::mem::take(&mut self.pending);
        let written = self.write_at(&pending, self.pending_at);
        self.pending = pending;
        written?;
        self.pending_at += self.pending.len() as u64;
        self.pending.clear();
        Ok(())
    }

    /// Writes what is gathered, waits for the background flushes and returns the
    /// first error they met.
    fn close(&mut self) -> io::Result<()> {
        self.write_pending()?;
        self.flusher.stop()
    }
}

/// Flush-behind: a helper thread that `fdatasync`s the temporary file when
/// asked, so the disk writes while the archive is still being produced and
/// the final fsync in [`BundleWriter::finish`] has little left to do. The
/// kernel reports a writeback error only once per open file, so an error the
/// helper sees is kept and returned by [`Flusher::stop`].
struct Flusher {
    tx: Option<SyncSender<()>>,
    handle: Option<JoinHandle<()>>,
    error: Arc<Mutex<Option<io::Error>>>,
}

impl Flusher {
    #[allow(clippy::disallowed_types)] // See TempSink::file.
    fn start(file: std::fs::File) -> Flusher {
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
        Flusher { tx: handle.as_ref().map(|_| tx), handle, error }
    }

    fn request(&mut self) {
        if let Some(tx) = &self.tx {
            // Busy flushing: the next request will cover these bytes too.
            let _ = tx.try_send(());
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

impl Write for TempSink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        if self.discarding() {
            self.pos += buf.len() as u64;
            self.len = self.len.max(self.pos);
            return Ok(buf.len());
        }
        if buf.is_empty() {
            return Ok(0);
        }
        if buf.len() >= DIRECT_MIN {
            // After what is gathered, so that what comes later wins.
            self.write_pending()?;
            self.write_at(buf, self.pos)?;
            self.pos += buf.len() as u64;
            self.len = self.len.max(self.pos);
            self.pending_at = self.pos;
            return Ok(buf.len());
        }
        if self.pos != self.pending_at + self.pending.len() as u64 {
            self.write_pending()?;
            self.pending_at = self.pos;
        }
        let n = buf.len().min(OUT_CHUNK - self.pending.len());
        self.pending.extend_from_slice(&buf[..n]);
        self.pos += n as u64;
        self.len = self.len.max(self.pos);
        if self.pending.len() == OUT_CHUNK {
            self.write_pending()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        // Durability comes from `close` and the final fsync; writing is enough.
        if self.discarding() {
            return Ok(());
        }
        self.write_pending()
    }
}

impl Seek for TempSink {
    fn seek(&mut self, to: SeekFrom) -> io::Result<u64> {
        let new = match to {
            SeekFrom::Start(n) => Some(n),
            SeekFrom::End(d) => self.len.checked_add_signed(d),
            SeekFrom::Current(d) => self.pos.checked_add_signed(d),
        };
        self.pos = new.ok_or_else(|| io::Error::from(io::ErrorKind::InvalidInput))?;
        Ok(self.pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sink_on(path: &Path) -> TempSink {
        let file = fs_err::File::create(path).expect("create").into_parts().0;
        TempSink::new(file, Arc::new(AtomicBool::new(false))).expect("sink")
    }

    #[cfg(unix)]
    #[test]
    fn creating_in_a_missing_directory_names_it_with_the_os_error() {
        let dir = tempfile::tempdir().expect("tempdir");
        let missing = dir.path().join("missing");
        let Err(ArchiveError::Io { path, source }) = BundleWriter::create(&missing.join("b.zip"))
        else {
            panic!("expected an I/O error");
        };
        assert_eq!(path, missing);
        assert_eq!(source.raw_os_error(), Some(2), "ENOENT: {source}");
        assert!(!source.to_string().contains(TEMP_SUFFIX), "{source}");
    }

    #[test]
    fn temp_sink_writes_patches_in_order() {
        // A patch (seek back, write) of bytes already written must land over them, as
        // in a plain file; so must one of bytes still gathered.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        let mut sink = sink_on(&path);
        let big: Vec<u8> = (0..OUT_CHUNK * 2 + 5).map(|i| (i % 251) as u8).collect();
        let mut expected = big.clone();
        sink.write_all(&big).expect("write");
        sink.seek(SeekFrom::Start(3)).expect("seek");
        sink.write_all(b"PATCH").expect("patch handed-over bytes");
        expected[3..8].copy_from_slice(b"PATCH");
        let end = sink.seek(SeekFrom::End(0)).expect("seek end");
        assert_eq!(end, big.len() as u64);
        sink.write_all(b"tail").expect("write");
        expected.extend_from_slice(b"tail");
        sink.seek(SeekFrom::Current(-2)).expect("seek back");
        sink.write_all(b"IL").expect("patch pending bytes");
        let n = expected.len();
        expected[n - 2..].copy_from_slice(b"IL");
        assert_eq!(sink.stream_position().expect("position"), n as u64);
        sink.close().expect("close");
        assert_eq!(fs_err::read(&path).expect("read"), expected);
    }

    #[test]
    fn temp_sink_orders_large_writes_with_gathered_ones() {
        // Large writes go straight to the file, the rest are gathered first: whichever
        // way, a later write over the same bytes must win.
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        let mut sink = sink_on(&path);
        let big = vec![7u8; DIRECT_MIN + 3];
        let mut expected = b"small".repeat(10);
        sink.write_all(&expected).expect("gathered");
        sink.seek(SeekFrom::Start(2)).expect("seek");
        sink.write_all(&big).expect("direct, over gathered bytes");
        expected.truncate(2);
        expected.extend_from_slice(&big);
        sink.seek(SeekFrom::Start(4)).expect("seek");
        sink.write_all(b"PATCH").expect("gathered, over direct bytes");
        expected[4..9].copy_from_slice(b"PATCH");
        sink.seek(SeekFrom::End(0)).expect("seek end");
        sink.write_all(&big).expect("direct, appended");
        expected.extend_from_slice(&big);
        sink.write_all(b"tail").expect("gathered, appended");
        expected.extend_from_slice(b"tail");
        sink.close().expect("close");
        assert_eq!(fs_err::read(&path).expect("read"), expected);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn temp_sink_reports_a_failed_write() {
        // /dev/full fails every write with ENOSPC: the error must reach the writer.
        let file = fs_err::OpenOptions::new()
            .write(true)
            .open("/dev/full")
            .expect("open /dev/full")
            .into_parts()
            .0;
        let mut sink = TempSink::new(file, Arc::new(AtomicBool::new(false))).expect("sink");
        let data = vec![1u8; OUT_CHUNK * 7];
        let written = sink.write_all(&data);
        let closed = sink.close();
        let err = written.err().or(closed.err()).expect("a failed write must be reported");
        assert_eq!(err.raw_os_error(), Some(28), "ENOSPC, got {err}");
    }

    #[test]
    fn temp_sink_discards_once_poisoned() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("f");
        let discard = Arc::new(AtomicBool::new(false));
        let file = fs_err::File::create(&path).expect("create").into_parts().0;
        let mut sink = TempSink::new(file, Arc::clone(&discard)).expect("sink");
        sink.write_all(b"kept").expect("write");
        sink.flush().expect("flush");
        discard.store(true, Ordering::SeqCst);
        sink.write_all(&vec![9u8; OUT_CHUNK * 3]).expect("swallowed");
        assert_eq!(sink.seek(SeekFrom::End(0)).expect("seek"), 4 + 3 * OUT_CHUNK as u64);
        drop(sink);
        assert_eq!(fs_err::read(&path).expect("read"), b"kept");
    }
}
