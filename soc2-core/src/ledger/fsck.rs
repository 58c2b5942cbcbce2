//! fsck: a full check of a locker that lists every problem instead of stopping at the
//! first.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::ops::ControlFlow;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::model::Sha256Digest;
use crate::progress::{REPORT_EVERY, ReadProgress};

use super::blobs::{blob_path, hash_file};
use super::checkpoint::Checkpoint;
use super::error::LedgerError;
use super::locker::TornTail;
use super::merkle::{Hash, TreeBuilder};
use super::scan::{Chain, Header, Line, Lines, open_ledger};
use super::signed;
use super::{BLOBS_DIR, HEADER_FILE, LEDGER_FILE, LOCK_FILE, TMP_DIR};

/// What [`fsck`] found.
#[derive(Debug)]
#[non_exhaustive]
pub struct FsckReport {
    /// Complete lines in the ledger (records, sound or not).
    pub lines: u64,
    /// Every problem found, in ledger order, then blobs by hex. Empty when sound.
    pub problems: Vec<LedgerError>,
    /// A torn final line (an interrupted append): reported, but not damage.
    pub torn_tail: Option<TornTail>,
    /// Blobs re-hashed.
    pub blobs_checked: u64,
    /// Stored blobs no record refers to (an attachment added but never recorded): not
    /// damage.
    pub unreferenced_blobs: Vec<Sha256Digest>,
    /// Files left in `tmp/` by an interrupted attachment: not damage.
    pub leftover_temp_files: Vec<PathBuf>,
    /// The checkpoint of the ledger as read, when it is sound and its header readable.
    pub checkpoint: Option<Checkpoint>,
    /// The signed checkpoints in `checkpoints/` that the records were checked to extend
    /// (an RFC 9162 consistency proof from each to the current tree), in size order.
    pub signed_checkpoints: Vec<Checkpoint>,
    /// The time-stamp tokens in `checkpoints/` that verified (over their checkpoint's
    /// note, signed by a time-stamping certificate, chained to the TSA CA when one was
    /// given to [`fsck_with`]), with the size of their checkpoint, in size order.
    pub timestamps: Vec<(u64, super::VerifiedTimestamp)>,
}

impl FsckReport {
    /// Whether no damage was found (a torn tail, unreferenced blobs and leftover
    /// temporary files are not damage).
    pub fn is_sound(&self) -> bool {
        self.problems.is_empty()
    }
}

/// Checks the locker in `dir` completely: the header, every record (canonical form,
/// sequence, hash chain), every referenced blob's presence and size, and every stored
/// blob's content against its name. Unlike [`super::Locker::open`] it goes on after a
/// problem and reports them all. It repairs nothing.
///
/// Returns an error only when the locker cannot be examined at all (no header file, the
/// ledger unreadable).
pub fn fsck(dir: impl AsRef<Path>) -> Result<FsckReport> {
    fsck_with(dir, None)
}

/// [`fsck`], chaining the signer of every stored time-stamp token to `tsa_trust` (the
/// TSA's CA); without it, tokens are checked (imprint, signature, time-stamping
/// certificate) but not who issued their certificate.
pub fn fsck_with(dir: impl AsRef<Path>, tsa_trust: Option<&super::TsaTrust>) -> Result<FsckReport> {
    fsck_with_progress(dir, tsa_trust, &mut |_| ControlFlow::Continue(()))
}

/// A stored blob as listed before it is hashed.
enum StoredEntry {
    /// Something that is not a blob where blobs are kept.
    Unexpected(PathBuf),
    /// A blob's name on something other than a regular file.
    NotRegular { sha256: Sha256Digest, path: PathBuf, kind: &'static str },
    /// A blob to hash.
    Blob { sha256: Sha256Digest, path: PathBuf, size: u64 },
}

/// [`fsck_with`], reporting progress to `progress` as the ledger and then the stored
/// attachments are read (`bytes_total` is the ledger's size plus the stored attachments');
/// returning [`ControlFlow::Break`] from it stops the check with
/// [`LedgerError::Cancelled`]. The callback runs on this thread, with the ledger's shared
/// lock held while the ledger is read: it must not append to this locker (to report
/// from a foreign language, see [`crate::progress::relay`]).
pub fn fsck_with_progress(
    dir: impl AsRef<Path>,
    tsa_trust: Option<&super::TsaTrust>,
    progress: &mut dyn FnMut(ReadProgress) -> ControlFlow<()>,
) -> Result<FsckReport> {
    let dir = dir.as_ref();
    let mut problems = Vec::new();
    let origin = match Header::read(&dir.join(HEADER_FILE)) {
        Ok(h) => Some(h.origin),
        Err(e @ LedgerError::NotALocker { .. }) => return Err(e.into()),
        Err(e) => {
            problems.push(e);
            None
        }
    };

    let ledger_path = dir.join(LEDGER_FILE);
    let ledger = match open_ledger(&ledger_path, false) {
        Ok(f) => Some(f),
        Err(e) if e.is_damage() => {
            problems.push(e);
            None
        }
        Err(e) => return Err(e.into()),
    };
    let lock_path = dir.join(LOCK_FILE);
    // Shared lock: no append is in flight while the ledger is read. Without a lock file
    // (read-only copy of a locker) read anyway.
    let lock = fs_err::File::open(&lock_path).ok();
    if let Some(l) = &lock {
        l.lock_shared().map_err(|e| LedgerError::io(&lock_path, e))?;
    }
    // The stored blobs, listed (not yet hashed) so that the bytes to read are known.
    let mut top_level_unexpected = Vec::new();
    for entry in read_dir_sorted(&dir.join(BLOBS_DIR))? {
        if file_name(&entry) != "sha256" {
            top_level_unexpected.push(entry);
        }
    }
    let mut stored_entries = Vec::new();
    let root = dir.join(BLOBS_DIR).join("sha256");
    for fan in read_dir_sorted(&root)? {
        let fan_name = file_name(&fan);
        let fan_is_dir = fs_err::symlink_metadata(&fan).is_ok_and(|m| m.is_dir());
        if !fan_is_dir || fan_name.len() != 2 {
            stored_entries.push(StoredEntry::Unexpected(fan));
            continue;
        }
        for path in read_dir_sorted(&fan)? {
            let name = file_name(&path);
            let sha256 = match name.parse::<Sha256Digest>() {
                Ok(d) if name.starts_with(&fan_name) => d,
                _ => {
                    stored_entries.push(StoredEntry::Unexpected(path));
                    continue;
                }
            };
            let meta = fs_err::symlink_metadata(&path).map_err(|e| LedgerError::io(&path, e))?;
            stored_entries.push(if meta.is_file() {
                StoredEntry::Blob { sha256, path, size: meta.len() }
            } else {
                StoredEntry::NotRegular { sha256, path, kind: crate::input::kind_of(&meta) }
            });
        }
    }
    let ledger_len = match &ledger {
        Some(l) => l.metadata().map_err(|e| LedgerError::io(&ledger_path, e))?.len(),
        None => 0,
    };
    let blob_bytes: u64 = stored_entries
        .iter()
        .map(|e| match e {
            StoredEntry::Blob { size, .. } => *size,
            _ => 0,
        })
        .sum();
    let mut read = Reporter::new(ledger_len.saturating_add(blob_bytes), progress);
    read.start()?;

    let mut tree = TreeBuilder::new();
    let mut leaves: Vec<Hash> = Vec::new();
    let mut torn_tail = None;
    let mut line_count = 0;
    // Referenced blobs: hex -> (declared size, record naming it, its line) per use.
    let mut referenced: BTreeMap<Sha256Digest, Vec<(u64, u64, u64)>> = BTreeMap::new();
    if let Some(ledger) = &ledger {
        let mut lines = Lines::new(ledger, 0, ledger_len);
        let mut chain = Chain::new();
        while let Some(line) = lines.next_line().map_err(|e| LedgerError::io(&ledger_path, e))? {
            match line {
                Line::Complete(bytes, _) => {
                    read.advance(bytes.len() as u64 + 1)?;
                    line_count += 1;
                    // Signed checkpoints are checked against the lines as they are,
                    // sound or not: a rewritten record must contradict them.
                    leaves.push(super::merkle::leaf_hash(bytes));
                    let line_no = chain.next_line;
                    if let Some((record, leaf)) = chain.step(bytes, &mut problems) {
                        tree.push(leaf);
                        for a in &record.evidence.attachments {
                            referenced
                                .entry(a.sha256)
                                .or_default()
                                .push((a.size, record.seq, line_no));
                        }
                    } else {
                        // Keep the tree size equal to the line count; the tree is only
                        // reported when there is no problem anyway.
                        tree.push([0; 32]);
                    }
                }
                Line::Torn(offset, n) => {
                    torn_tail = Some(TornTail { offset, len: n, line: chain.next_line });
                }
            }
        }
    }
    if let Some(l) = &lock {
        let _ = l.unlock();
    }

    // Referenced blobs: present, with the declared size.
    for (sha256, uses) in &referenced {
        let path = blob_path(dir, sha256);
        // Not following a symbolic link: a link in a blob's place (to a file outside the
        // locker, perhaps) is damage, reported once by the pass over stored blobs below.
        let actual = match fs_err::symlink_metadata(&path) {
            Ok(m) if m.is_file() => Some(m.len()),
            Ok(_) => continue,
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(LedgerError::io(&path, e).into()),
        };
        for &(declared, seq, line) in uses {
            match actual {
                None => problems.push(LedgerError::MissingBlob { seq, line, sha256: *sha256 }),
                Some(actual) if actual != declared => {
                    problems.push(LedgerError::BlobSizeMismatch {
                        seq,
                        line,
                        sha256: *sha256,
                        declared,
                        actual,
                    })
                }
                Some(_) => {}
            }
        }
    }

    // Every stored blob: its content still hashes to its name.
    let mut stored = BTreeSet::new();
    let mut blobs_checked = 0;
    for path in top_level_unexpected {
        problems.push(LedgerError::UnexpectedFile { path });
    }
    for entry in stored_entries {
        match entry {
            StoredEntry::Unexpected(path) => problems.push(LedgerError::UnexpectedFile { path }),
            StoredEntry::NotRegular { sha256, path, kind } => {
                problems.push(LedgerError::BlobNotRegularFile { sha256, path, kind })
            }
            StoredEntry::Blob { sha256, path, size } => {
                let (actual, _) = hash_file(&path)?;
                read.advance(size)?;
                blobs_checked += 1;
                if actual != sha256 {
                    problems.push(LedgerError::BlobCorrupt { sha256, path, actual });
                }
                stored.insert(sha256);
            }
        }
    }
    read.finish()?;
    let unreferenced_blobs = stored.into_iter().filter(|d| !referenced.contains_key(d)).collect();
    let leftover_temp_files = read_dir_sorted(&dir.join(TMP_DIR))?;

    // Every signed checkpoint: well-formed, its two signatures by one key, and (when
    // the records are sound) extended by the current tree.
    let (signed, signed_problems) = signed::read_all(dir)?;
    problems.extend(signed_problems);
    let mut signed_checkpoints = Vec::new();
    let mut timestamps = Vec::new();
    for cp in signed {
        match cp.verify_timestamp(tsa_trust) {
            None => {}
            Some(Ok(v)) => timestamps.push((cp.checkpoint.size, v)),
            Some(Err(error)) => problems.push(LedgerError::StoredTimestamp {
                path: signed::note_path(dir, cp.checkpoint.size).with_extension("tsr"),
                error,
            }),
        }
        let path = signed::note_path(dir, cp.checkpoint.size);
        let bad = |reason: String| LedgerError::SignedCheckpoint { path: path.clone(), reason };
        if origin.as_ref().is_some_and(|o| *o != cp.checkpoint.origin) {
            problems.push(bad(format!(
                "its origin {:?} is not the locker's {:?}",
                cp.checkpoint.origin,
                origin.as_deref().unwrap_or_default()
            )));
        } else {
            match signed::consistency_from(&cp.checkpoint, &leaves) {
                Ok(()) => signed_checkpoints.push(cp.checkpoint),
                Err(reason) => problems.push(bad(reason)),
            }
        }
    }

    let checkpoint = match (&origin, problems.is_empty()) {
        (Some(origin), true) => {
            Some(Checkpoint { origin: origin.clone(), size: tree.size(), root: tree.root() })
        }
        _ => None,
    };
    Ok(FsckReport {
        lines: line_count,
        problems,
        torn_tail,
        blobs_checked,
        unreferenced_blobs,
        leftover_temp_files,
        checkpoint,
        signed_checkpoints,
        timestamps,
    })
}

/// Reports bytes read to a progress callback, at most once per [`REPORT_EVERY`] bytes
/// (and at the start and the end), turning a request to stop into
/// [`LedgerError::Cancelled`].
struct Reporter<'p> {
    done: u64,
    total: u64,
    reported: u64,
    progress: &'p mut dyn FnMut(ReadProgress) -> ControlFlow<()>,
}

impl<'p> Reporter<'p> {
    fn new(total: u64, progress: &'p mut dyn FnMut(ReadProgress) -> ControlFlow<()>) -> Self {
        Reporter { done: 0, total, reported: 0, progress }
    }

    fn report(&mut self) -> Result<(), LedgerError> {
        self.reported = self.done;
        let p = ReadProgress { bytes_done: self.done, bytes_total: self.total };
        match (self.progress)(p) {
            ControlFlow::Continue(()) => Ok(()),
            ControlFlow::Break(()) => Err(LedgerError::Cancelled),
        }
    }

    fn start(&mut self) -> Result<(), LedgerError> {
        self.report()
    }

    /// `n` more bytes read (never past the total, which a file growing under the check
    /// would otherwise pass).
    fn advance(&mut self, n: u64) -> Result<(), LedgerError> {
        self.done = self.done.saturating_add(n).min(self.total);
        if self.done - self.reported >= REPORT_EVERY {
            self.report()?;
        }
        Ok(())
    }

    /// Everything read: the last report says so.
    fn finish(&mut self) -> Result<(), LedgerError> {
        self.done = self.total;
        self.report()
    }
}

/// The entries of `dir` sorted by name; none if it does not exist.
fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, LedgerError> {
    let entries = match fs_err::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(LedgerError::io(dir, e)),
    };
    let mut paths = entries
        .map(|e| e.map(|e| e.path()).map_err(|err| LedgerError::io(dir, err)))
        .collect::<Result<Vec<_>, _>>()?;
    paths.sort();
    Ok(paths)
}

fn file_name(path: &Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}
