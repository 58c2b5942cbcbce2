//! fsck: a full check of a locker that lists every problem instead of stopping at the
//! first.

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};

use crate::error::Result;
use crate::model::Sha256Digest;

use super::blobs::{blob_path, hash_file};
use super::checkpoint::Checkpoint;
use super::error::LedgerError;
use super::locker::TornTail;
use super::merkle::TreeBuilder;
use super::scan::{Chain, Header, Line, Lines};
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
    let ledger = match fs_err::File::open(&ledger_path) {
        Ok(f) => Some(f),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            problems.push(LedgerError::MissingLedger { path: ledger_path.clone() });
            None
        }
        Err(e) => return Err(LedgerError::io(&ledger_path, e).into()),
    };
    let lock_path = dir.join(LOCK_FILE);
    // Shared lock: no append is in flight while the ledger is read. Without a lock file
    // (read-only copy of a locker) read anyway.
    let lock = fs_err::File::open(&lock_path).ok();
    if let Some(l) = &lock {
        l.lock_shared().map_err(|e| LedgerError::io(&lock_path, e))?;
    }
    let mut tree = TreeBuilder::new();
    let mut torn_tail = None;
    let mut line_count = 0;
    // Referenced blobs: hex -> (declared size, record naming it, its line) per use.
    let mut referenced: BTreeMap<Sha256Digest, Vec<(u64, u64, u64)>> = BTreeMap::new();
    if let Some(ledger) = &ledger {
        let len = ledger.metadata().map_err(|e| LedgerError::io(&ledger_path, e))?.len();
        let mut lines = Lines::new(ledger, 0, len);
        let mut chain = Chain::new();
        while let Some(line) = lines.next_line().map_err(|e| LedgerError::io(&ledger_path, e))? {
            match line {
                Line::Complete(bytes, _) => {
                    line_count += 1;
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
        let actual = match fs_err::metadata(&path) {
            Ok(m) => Some(m.len()),
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
    for entry in read_dir_sorted(&dir.join(BLOBS_DIR))? {
        if file_name(&entry) != "sha256" {
            problems.push(LedgerError::UnexpectedFile { path: entry });
        }
    }
    let root = dir.join(BLOBS_DIR).join("sha256");
    for fan in read_dir_sorted(&root)? {
        let fan_name = file_name(&fan);
        if !fan.is_dir() || fan_name.len() != 2 {
            problems.push(LedgerError::UnexpectedFile { path: fan });
            continue;
        }
        for path in read_dir_sorted(&fan)? {
            let name = file_name(&path);
            let sha256 = match name.parse::<Sha256Digest>() {
                Ok(d) if name.starts_with(&fan_name) && path.is_file() => d,
                _ => {
                    problems.push(LedgerError::UnexpectedFile { path });
                    continue;
                }
            };
            let (actual, _) = hash_file(&path)?;
            blobs_checked += 1;
            if actual != sha256 {
                problems.push(LedgerError::BlobCorrupt { sha256, path, actual });
            }
            stored.insert(sha256);
        }
    }
    let unreferenced_blobs = stored.into_iter().filter(|d| !referenced.contains_key(d)).collect();
    let leftover_temp_files = read_dir_sorted(&dir.join(TMP_DIR))?;

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
    })
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
