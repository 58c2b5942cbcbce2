//! The content-addressed blob store: `blobs/sha256/<first two hex>/<hex>`.

use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc;

use sha2::{Digest, Sha256};

use crate::model::Sha256Digest;
use soc2_zip::io::read_full;

use super::error::LedgerError;
use super::{BLOBS_DIR, TMP_DIR};

/// Size of each buffer attachments are streamed through.
pub(crate) const BUF_SIZE: usize = 1 << 20;
/// Buffers in flight between the hashing and the writing thread: memory stays at
/// `BUF_COUNT` MiB whatever the attachment's size. Enough for hashing to run on while
/// the writer waits for a flush (fewer made `add` of 1 GiB ~10% slower on a VM disk).
const BUF_COUNT: usize = 40;
/// The writer flushes to disk after every this many bytes. Left alone, the kernel
/// would keep a large attachment in the page cache and the final fsync would write it
/// all after hashing ended; flushing as we go overlaps the disk writes with hashing.
const SYNC_EVERY: u64 = 16 << 20;

/// The file a blob is stored in.
pub(crate) fn blob_path(dir: &Path, sha256: &Sha256Digest) -> PathBuf {
    let hex = sha256.to_hex();
    dir.join(BLOBS_DIR).join("sha256").join(&hex[..2]).join(hex)
}

/// The size of the stored blob, or `None` if it is not stored.
pub(crate) fn stored_size(dir: &Path, sha256: &Sha256Digest) -> Result<Option<u64>, LedgerError> {
    let path = blob_path(dir, sha256);
    // A symbolic link in a blob's place is not a stored blob, whatever it points to.
    match fs_err::symlink_metadata(&path) {
        Ok(m) if m.is_file() => Ok(Some(m.len())),
        Ok(_) => Ok(None),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(LedgerError::io(path, e)),
    }
}

/// Streams `path`'s content through SHA-256 in constant memory.
pub(crate) fn hash_file(path: &Path) -> Result<(Sha256Digest, u64), LedgerError> {
    let mut file = fs_err::File::open(path).map_err(|e| LedgerError::io(path, e))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; BUF_SIZE];
    let mut size = 0u64;
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(LedgerError::io(path, e)),
        };
        hasher.update(&buf[..n]);
        size += n as u64;
    }
    Ok((Sha256Digest(hasher.finalize().into()), size))
}

/// Stores what `reader` yields as a blob and returns its SHA-256 and size.
///
/// The content goes to a new file in `tmp/`, is fsynced, then renamed into place (and
/// the directory fsynced), so a blob is either complete under its name or absent. If
/// the blob is already stored the new copy is discarded: each content is stored once.
/// Hashing and writing run on two threads, overlapping so that storing costs about as
/// much as hashing alone.
pub(crate) fn store(
    dir: &Path,
    reader: &mut dyn Read,
    what: &str,
) -> Result<(Sha256Digest, u64), LedgerError> {
    let tmp_dir = dir.join(TMP_DIR);
    fs_err::create_dir_all(&tmp_dir).map_err(|e| LedgerError::io(&tmp_dir, e))?;
    let (tmp_path, file) = create_temp(&tmp_dir)?;
    let tmp = TempFile(Some(tmp_path));
    let (sha256, size) = copy_hashing(reader, file, what)?;

    let path = blob_path(dir, &sha256);
    if let Some(existing) = stored_size(dir, &sha256)? {
        // Same content already stored; a size difference means the stored one is damaged.
        if existing != size {
            return Err(LedgerError::BlobCorrupt { sha256, actual: hash_file(&path)?.0, path });
        }
        return Ok((sha256, size));
    }
    let parent = path.parent().unwrap_or(dir).to_path_buf();
    let created = !parent.exists();
    fs_err::create_dir_all(&parent).map_err(|e| LedgerError::io(&parent, e))?;
    let tmp_path = tmp.keep();
    if let Err(e) = fs_err::rename(&tmp_path, &path) {
        let _ = fs_err::remove_file(&tmp_path);
        return Err(LedgerError::io(&path, e));
    }
    // Make the rename (and a new fan-out directory) durable.
    sync_dir(&parent)?;
    if created && let Some(grand) = parent.parent() {
        sync_dir(grand)?;
    }
    Ok((sha256, size))
}

/// Copies `reader` into `file` through a small ring of buffers: this thread reads and
/// hashes, a scoped thread writes, then the file is fsynced.
fn copy_hashing(
    reader: &mut dyn Read,
    file: fs_err::File,
    what: &str,
) -> Result<(Sha256Digest, u64), LedgerError> {
    let (full_tx, full_rx) = mpsc::sync_channel::<(Vec<u8>, usize)>(BUF_COUNT);
    let (free_tx, free_rx) = mpsc::sync_channel::<Vec<u8>>(BUF_COUNT);
    for _ in 0..BUF_COUNT {
        // Cannot fail: the channel has room for every buffer.
        let _ = free_tx.send(vec![0u8; BUF_SIZE]);
    }
    std::thread::scope(|s| {
        let writer = s.spawn(move || -> Result<(), LedgerError> {
            let mut file = file;
            let mut unsynced = 0u64;
            for (buf, n) in full_rx {
                file.write_all(&buf[..n]).map_err(|e| LedgerError::io(file.path(), e))?;
                unsynced += n as u64;
                if unsynced >= SYNC_EVERY {
                    file.sync_data().map_err(|e| LedgerError::io(file.path(), e))?;
                    unsynced = 0;
                }
                // The reader may have stopped; then the buffer is simply dropped.
                let _ = free_tx.send(buf);
            }
            file.sync_all().map_err(|e| LedgerError::io(file.path(), e))
        });
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let read_result = (|| -> Result<(), LedgerError> {
            while let Ok(mut buf) = free_rx.recv() {
                let n = read_full(reader, &mut buf).map_err(|source| {
                    LedgerError::AttachmentRead { what: what.to_owned(), source }
                })?;
                if n == 0 {
                    return Ok(());
                }
                hasher.update(&buf[..n]);
                size += n as u64;
                if full_tx.send((buf, n)).is_err() {
                    // The writer stopped on an error, which it reports below.
                    return Ok(());
                }
            }
            Ok(())
        })();
        drop(full_tx);
        let write_result = writer.join().unwrap_or_else(|_| {
            Err(LedgerError::AttachmentRead {
                what: what.to_owned(),
                source: io::Error::other("the writing thread panicked"),
            })
        });
        read_result?;
        write_result?;
        Ok((Sha256Digest(hasher.finalize().into()), size))
    })
}

/// Creates a new, uniquely named file in `tmp_dir`.
fn create_temp(tmp_dir: &Path) -> Result<(PathBuf, fs_err::File), LedgerError> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    loop {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let name = format!(
            "blob-{}-{}-{nanos}.part",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::Relaxed)
        );
        let path = tmp_dir.join(name);
        match fs_err::OpenOptions::new().write(true).create_new(true).open(&path) {
            Ok(f) => {
                // Held until the file is closed: a locked part file is in use, an
                // unlocked one was left by a killed process (see remove_orphaned_parts).
                f.file().lock().map_err(|e| LedgerError::io(&path, e))?;
                return Ok((path, f));
            }
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(LedgerError::io(path, e)),
        }
    }
}

/// Part files' names: `blob-<pid>-<n>-<nanos>.part`.
pub(crate) const PART_PREFIX: &str = "blob-";
pub(crate) const PART_SUFFIX: &str = ".part";
/// A part file untouched for this long, and not locked, is an orphan.
pub(crate) const ORPHAN_AGE: std::time::Duration = std::time::Duration::from_secs(60);

/// Removes the part files that killed adds left in `tmp/` (a process killed outright
/// cannot remove its own, and an interrupted add of a large attachment can leave
/// gigabytes). A part file is an orphan when no process holds its lock (the lock goes
/// with its last open handle, so with its process) and it has not been modified for
/// [`ORPHAN_AGE`], which rules out one that another add has just created and not locked
/// yet. Called with the locker's exclusive lock held. Best effort: whatever cannot be
/// checked is left alone. Returns the files removed.
pub(crate) fn remove_orphaned_parts(dir: &Path) -> Vec<PathBuf> {
    let mut removed = Vec::new();
    let Ok(entries) = fs_err::read_dir(dir.join(TMP_DIR)) else {
        return removed;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if !name.starts_with(PART_PREFIX) || !name.ends_with(PART_SUFFIX) {
            continue;
        }
        let path = entry.path();
        let old = entry
            .metadata()
            .ok()
            .filter(std::fs::Metadata::is_file)
            .and_then(|m| m.modified().ok())
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age >= ORPHAN_AGE);
        if !old {
            continue;
        }
        let Ok(file) = fs_err::OpenOptions::new().write(true).open(&path) else {
            continue;
        };
        if file.file().try_lock().is_ok() && fs_err::remove_file(&path).is_ok() {
            removed.push(path);
        }
    }
    removed
}

/// Removes the temporary file on drop unless it was kept.
struct TempFile(Option<PathBuf>);

impl TempFile {
    fn keep(mut self) -> PathBuf {
        self.0.take().unwrap_or_default()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs_err::remove_file(p);
        }
    }
}

/// Makes a directory's entries (a created, renamed or removed file) durable.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), LedgerError> {
    #[cfg(unix)]
    {
        let d = fs_err::File::open(dir).map_err(|e| LedgerError::io(dir, e))?;
        d.sync_all().map_err(|e| LedgerError::io(dir, e))?;
    }
    // Windows cannot open a directory as a file; NTFS journals renames itself.
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}
