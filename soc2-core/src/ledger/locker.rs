//! [`Locker`]: opening, appending to and querying an evidence locker.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};
use crate::json::to_canonical_vec;
use crate::model::{
    Attachment, ControlId, Evidence, EvidenceKind, Record, Sha256Digest, Timestamp,
};

use super::blobs::{self, blob_path, stored_size};
use super::checkpoint::{Checkpoint, check_origin};
use super::error::LedgerError;
use super::merkle::{self, Hash, TreeBuilder, leaf_hash};
use super::scan::{Chain, Header, Line, Lines, read_exact_at};
use super::{BLOBS_DIR, HEADER_FILE, LEDGER_FILE, LOCK_FILE, TMP_DIR};

/// An open evidence locker.
///
/// Opening verifies the whole ledger. The in-memory view is a snapshot: appends by
/// this handle extend it, and [`Locker::refresh`] (which every append does first) reads
/// what other handles or processes appended since. Records are read back from disk on
/// demand and checked against the leaf hashes verified at open, so a query never
/// returns a record that changed after it was verified.
pub struct Locker {
    dir: PathBuf,
    origin: String,
    ledger_path: PathBuf,
    ledger: fs_err::File,
    lock: fs_err::File,
    entries: Vec<Entry>,
    leaves: Vec<Hash>,
    tree: TreeBuilder,
    chain: Chain,
    /// Bytes of the ledger verified so far: always the end of a complete line.
    verified_len: u64,
    torn_tail: Option<TornTail>,
    /// Sizes of blobs already found present, so each is looked up once.
    known_blobs: HashMap<Sha256Digest, u64>,
}

impl std::fmt::Debug for Locker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Not the per-record index: a locker may hold millions of records.
        f.debug_struct("Locker")
            .field("dir", &self.dir)
            .field("origin", &self.origin)
            .field("len", &self.len())
            .field("verified_len", &self.verified_len)
            .field("torn_tail", &self.torn_tail)
            .finish_non_exhaustive()
    }
}

/// What the locker keeps in memory per record: where it is and what queries select on.
#[derive(Clone, Debug)]
struct Entry {
    offset: u64,
    len: u64,
    observed_at: Timestamp,
    kind: EvidenceKind,
    controls: Box<[ControlId]>,
}

/// The result of an append: where the record went and its leaf hash.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Appended {
    /// The new record's sequence number.
    pub seq: u64,
    /// Its leaf hash, `SHA-256(0x00 ‖ canonical bytes)`.
    pub leaf_hash: Hash,
    /// The `recorded_at` it was given.
    pub recorded_at: Timestamp,
}

/// Bytes after the ledger's last newline: an append that a crash interrupted. It is not
/// a record; the next append cuts it away.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TornTail {
    /// Where the torn line starts in the ledger file.
    pub offset: u64,
    /// How many bytes it has.
    pub len: u64,
    /// The 1-based line number it would have had.
    pub line: u64,
}

/// Holds the cross-process lock on `lock` until dropped. It owns a duplicate of the
/// lock file's handle (the lock belongs to the open file, which both share), so that
/// the locker itself stays free to be mutated while the lock is held.
struct LockGuard(fs_err::File);

impl LockGuard {
    fn take(file: &fs_err::File, exclusive: bool) -> Result<LockGuard, LedgerError> {
        let file = file.try_clone().map_err(|e| LedgerError::io(file.path(), e))?;
        let r = if exclusive { file.lock() } else { file.lock_shared() };
        r.map_err(|e| LedgerError::io(file.path(), e))?;
        Ok(LockGuard(file))
    }
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        // Closing would release it as well; unlocking first is explicit and immediate.
        let _ = self.0.unlock();
    }
}

impl Locker {
    /// Creates a locker in `dir` (created if missing) named `origin`, which becomes the
    /// first line of its checkpoints: 1 to 255 printable ASCII characters without spaces
    /// or `+`, ideally globally unique (e.g. `example.com/soc2/evidence`).
    ///
    /// Fails with [`LedgerError::AlreadyExists`] if `dir` already holds a locker.
    pub fn init(dir: impl AsRef<Path>, origin: &str) -> Result<Locker> {
        let dir = dir.as_ref();
        check_origin(origin)
            .map_err(|reason| LedgerError::InvalidOrigin { origin: origin.to_owned(), reason })?;
        let header = Header::new(origin);
        let header_bytes = header.to_bytes()?;
        fs_err::create_dir_all(dir).map_err(|e| LedgerError::io(dir, e))?;
        let lock = open_lock(dir)?;
        {
            // Two concurrent inits: the second sees the first's header.
            let _guard = LockGuard::take(&lock, true)?;
            let header_path = dir.join(HEADER_FILE);
            if header_path.exists() {
                return Err(LedgerError::AlreadyExists { path: header_path }.into());
            }
            for sub in [BLOBS_DIR, TMP_DIR] {
                let p = dir.join(sub);
                fs_err::create_dir_all(&p).map_err(|e| LedgerError::io(&p, e))?;
            }
            // The ledger first, then the header: a directory with a header always has
            // its ledger.
            let ledger_path = dir.join(LEDGER_FILE);
            let ledger = fs_err::OpenOptions::new()
                .write(true)
                .create(true)
                .truncate(false)
                .open(&ledger_path)
                .map_err(|e| LedgerError::io(&ledger_path, e))?;
            if ledger.metadata().map_err(|e| LedgerError::io(&ledger_path, e))?.len() != 0 {
                // A ledger without a header is not ours to overwrite.
                return Err(LedgerError::AlreadyExists { path: ledger_path }.into());
            }
            ledger.sync_all().map_err(|e| LedgerError::io(&ledger_path, e))?;
            let tmp = dir.join(TMP_DIR).join("locker.json.new");
            let mut f = fs_err::File::create(&tmp).map_err(|e| LedgerError::io(&tmp, e))?;
            f.write_all(&header_bytes)
                .and_then(|()| f.sync_all())
                .map_err(|e| LedgerError::io(&tmp, e))?;
            drop(f);
            fs_err::rename(&tmp, &header_path).map_err(|e| LedgerError::io(&header_path, e))?;
            blobs::sync_dir(dir)?;
        }
        drop(lock);
        Locker::open(dir)
    }

    /// Opens the locker in `dir`, verifying every record: canonical form, sequence,
    /// hash chain, and that each attachment is stored with its declared size. Fails on
    /// the first problem (use [`super::fsck`] to list them all). A torn final line is not
    /// a problem: see [`Locker::torn_tail`].
    pub fn open(dir: impl AsRef<Path>) -> Result<Locker> {
        let dir = dir.as_ref().to_path_buf();
        let header = Header::read(&dir.join(HEADER_FILE))?;
        let lock = open_lock(&dir)?;
        let ledger_path = dir.join(LEDGER_FILE);
        let ledger = match fs_err::OpenOptions::new().read(true).append(true).open(&ledger_path) {
            Ok(f) => f,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(LedgerError::MissingLedger { path: ledger_path }.into());
            }
            Err(e) => return Err(LedgerError::io(&ledger_path, e).into()),
        };
        let mut locker = Locker {
            dir,
            origin: header.origin,
            ledger_path,
            ledger,
            lock,
            entries: Vec::new(),
            leaves: Vec::new(),
            tree: TreeBuilder::new(),
            chain: Chain::new(),
            verified_len: 0,
            torn_tail: None,
            known_blobs: HashMap::new(),
        };
        locker.refresh()?;
        Ok(locker)
    }

    /// Reads and verifies what other handles or processes appended since this one last
    /// read the ledger; returns how many records were added.
    pub fn refresh(&mut self) -> Result<u64> {
        let guard = LockGuard::take(&self.lock, false)?;
        let before = self.len();
        let r = self.refresh_locked(false);
        drop(guard);
        r?;
        Ok(self.len() - before)
    }

    /// Checks the whole locker on disk and lists every problem; see [`super::fsck`].
    pub fn fsck(&self) -> Result<super::FsckReport> {
        super::fsck(&self.dir)
    }

    /// The locker's directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The locker's origin name.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// The number of records.
    pub fn len(&self) -> u64 {
        self.entries.len() as u64
    }

    /// Whether the locker holds no record.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The torn final line found at the last read, if any: an append that a crash
    /// interrupted. It is ignored, and the next append removes it.
    pub fn torn_tail(&self) -> Option<TornTail> {
        self.torn_tail
    }

    /// The leaf hash of every record, in order.
    pub fn leaf_hashes(&self) -> &[Hash] {
        &self.leaves
    }

    /// The RFC 9162 Merkle tree root over all records.
    pub fn root(&self) -> Hash {
        self.tree.root()
    }

    /// A checkpoint of the locker as it is now.
    pub fn checkpoint(&self) -> Checkpoint {
        Checkpoint { origin: self.origin.clone(), size: self.len(), root: self.root() }
    }

    /// The inclusion proof of record `seq` in the current tree (of [`Locker::len`]
    /// records), to check with [`merkle::verify_inclusion`] against [`Locker::root`].
    pub fn inclusion_proof(&self, seq: u64) -> Result<Vec<Hash>> {
        self.check_seq(seq)?;
        Ok(merkle::inclusion_proof(&self.leaves, seq, self.len()).map_err(LedgerError::from)?)
    }

    /// The consistency proof from the tree of the first `old_size` records to the
    /// current tree, to check with [`merkle::verify_consistency`].
    pub fn consistency_proof(&self, old_size: u64) -> Result<Vec<Hash>> {
        Ok(merkle::consistency_proof(&self.leaves, old_size, self.len())
            .map_err(LedgerError::from)?)
    }

    /// Checks that `checkpoint` (one taken earlier, kept elsewhere) describes a prefix
    /// of this locker: same origin, no more records than it holds, and the same root
    /// over that many records. This is what protects the newest records, which no later
    /// record commits to yet.
    pub fn verify_checkpoint(&self, checkpoint: &Checkpoint) -> Result<()> {
        let mismatch = |reason: String| LedgerError::CheckpointMismatch {
            origin: checkpoint.origin.clone(),
            size: checkpoint.size,
            reason,
        };
        if checkpoint.origin != self.origin {
            return Err(mismatch(format!("the locker's origin is {:?}", self.origin)).into());
        }
        if checkpoint.size > self.len() {
            return Err(mismatch(format!(
                "the locker holds only {} records (records removed?)",
                self.len()
            ))
            .into());
        }
        let n = usize::try_from(checkpoint.size).unwrap_or(usize::MAX);
        let root = merkle::root(&self.leaves[..n]);
        if root != checkpoint.root {
            return Err(mismatch(format!(
                "its first {} records have root {}, not {} (history rewritten)",
                checkpoint.size,
                hex::encode(root),
                hex::encode(checkpoint.root)
            ))
            .into());
        }
        Ok(())
    }

    /// Reads record `seq`.
    pub fn record(&self, seq: u64) -> Result<Record> {
        self.check_seq(seq)?;
        self.read_entry(seq as usize)
    }

    /// Every record, in order, read from disk as the iterator advances.
    pub fn records(&self) -> Records<'_> {
        Records { locker: self, lines: Lines::new(&self.ledger, 0, self.verified_len), seq: 0 }
    }

    /// The records whose evidence names `control`, in order.
    pub fn records_for_control(&self, control: &ControlId) -> Result<Vec<Record>> {
        self.select(|e| e.controls.contains(control))
    }

    /// The records whose evidence is of `kind`, in order.
    pub fn records_of_kind(&self, kind: EvidenceKind) -> Result<Vec<Record>> {
        self.select(|e| e.kind == kind)
    }

    /// The records whose evidence was observed in `[from, until)`, in order.
    pub fn records_observed_between(
        &self,
        from: Timestamp,
        until: Timestamp,
    ) -> Result<Vec<Record>> {
        self.select(|e| from <= e.observed_at && e.observed_at < until)
    }

    /// Stores the content of the file at `path` as an attachment (once per content) and
    /// returns the [`Attachment`] to put in the evidence. Streams in constant memory.
    pub fn add_attachment_file(
        &self,
        path: impl AsRef<Path>,
        media_type: &str,
        file_name: &str,
    ) -> Result<Attachment> {
        let path = path.as_ref();
        let mut file = fs_err::File::open(path).map_err(|e| LedgerError::io(path, e))?;
        self.add_attachment(&mut file, media_type, file_name)
    }

    /// Stores what `reader` yields as an attachment (once per content) and returns the
    /// [`Attachment`] to put in the evidence. Streams in constant memory.
    ///
    /// `media_type` must look like `type/subtype`; `file_name` is informational (never
    /// used as a path) and must not be empty.
    pub fn add_attachment(
        &self,
        reader: &mut dyn Read,
        media_type: &str,
        file_name: &str,
    ) -> Result<Attachment> {
        check_media_type(media_type)?;
        if file_name.is_empty() {
            return Err(Error::Invalid { field: "file_name".into(), reason: "is empty".into() });
        }
        let (sha256, size) = blobs::store(&self.dir, reader, file_name)?;
        Ok(Attachment {
            sha256,
            size,
            media_type: media_type.to_owned(),
            file_name: file_name.to_owned(),
        })
    }

    /// The file a stored blob lives in (whether or not it is stored).
    pub fn blob_path(&self, sha256: &Sha256Digest) -> PathBuf {
        blob_path(&self.dir, sha256)
    }

    /// Appends one record and fsyncs it before returning.
    pub fn append(&mut self, evidence: Evidence) -> Result<Appended> {
        let mut appended = self.append_batch(vec![evidence])?;
        appended.pop().ok_or_else(|| Error::Invalid {
            field: "append".into(),
            reason: "no record was appended".into(),
        })
    }

    /// Appends records for all of `evidence`, in order, with one write and one fsync.
    ///
    /// Atomic from the caller's view: either all are appended or, on error, the ledger
    /// is as it was. Refused if any evidence refers to an attachment not stored in the
    /// locker, or declares a size that differs from the stored blob.
    pub fn append_batch(&mut self, evidence: Vec<Evidence>) -> Result<Vec<Appended>> {
        if evidence.is_empty() {
            return Ok(Vec::new());
        }
        for e in &evidence {
            for a in &e.attachments {
                self.check_attachment(a)?;
            }
        }
        let guard = LockGuard::take(&self.lock, true)?;
        let result = self.append_locked(evidence);
        drop(guard);
        result
    }

    fn append_locked(&mut self, evidence: Vec<Evidence>) -> Result<Vec<Appended>> {
        self.refresh_locked(true)?;
        let recorded_at = Timestamp::now();
        let start = self.verified_len;
        let mut seq = self.len();
        let mut prev = self.leaves.last().copied().unwrap_or([0; 32]);
        let mut buf = Vec::with_capacity(evidence.len() * 512);
        let mut new_entries = Vec::with_capacity(evidence.len());
        let mut appended = Vec::with_capacity(evidence.len());
        for evidence in evidence {
            let record = Record { seq, prev: Sha256Digest(prev), recorded_at, evidence };
            let bytes = to_canonical_vec(&record)?;
            let leaf = leaf_hash(&bytes);
            let offset = start + buf.len() as u64;
            buf.extend_from_slice(&bytes);
            buf.push(b'\n');
            new_entries.push((entry(&record.evidence, offset, bytes.len() as u64), leaf));
            appended.push(Appended { seq, leaf_hash: leaf, recorded_at });
            prev = leaf;
            seq += 1;
        }
        if let Err(e) = (&self.ledger).write_all(&buf).and_then(|()| self.ledger.sync_data()) {
            // Leave the ledger as it was: nothing of this batch may survive.
            let _ = self.ledger.set_len(start).and_then(|()| self.ledger.sync_data());
            return Err(LedgerError::io(&self.ledger_path, e).into());
        }
        for (entry, leaf) in new_entries {
            self.push(entry, leaf);
        }
        self.chain.next_seq = seq;
        self.chain.next_line += appended.len() as u64;
        self.chain.prev = Some((prev, seq - 1, self.chain.next_line - 1));
        self.verified_len = start + buf.len() as u64;
        Ok(appended)
    }

    /// Reads and verifies the ledger from `verified_len` to its end. With `cut_torn`
    /// (only under the exclusive lock) a torn final line is truncated away.
    fn refresh_locked(&mut self, cut_torn: bool) -> Result<(), LedgerError> {
        let path_buf = self.ledger_path.clone();
        let path = &path_buf;
        let len = self.ledger.metadata().map_err(|e| LedgerError::io(path, e))?.len();
        if len < self.verified_len {
            return Err(LedgerError::LedgerShrank {
                path: path.clone(),
                expected: self.verified_len,
                actual: len,
            });
        }
        // A cheap tripwire: the last record read must still be there unchanged.
        if let Some(last) = self.entries.len().checked_sub(1) {
            let e = &self.entries[last];
            let mut bytes = vec![0u8; e.len as usize + 1];
            read_exact_at(&self.ledger, &mut bytes, e.offset)
                .map_err(|err| LedgerError::io(path, err))?;
            if bytes.pop() != Some(b'\n') || leaf_hash(&bytes) != self.leaves[last] {
                return Err(LedgerError::RecordChanged { seq: last as u64, line: last as u64 + 1 });
            }
        }
        self.torn_tail = None;
        if len == self.verified_len {
            return Ok(());
        }
        let file = (self.ledger.file().try_clone())
            .map(|file| fs_err::File::from_parts(file, path))
            .map_err(|e| LedgerError::io(path, e))?;
        let mut lines = Lines::new(&file, self.verified_len, len);
        let mut problems = Vec::new();
        while let Some(line) = lines.next_line().map_err(|e| LedgerError::io(path, e))? {
            match line {
                Line::Complete(bytes, offset) => {
                    // On a problem the chain must stay where the verified bytes end,
                    // so that a later refresh re-reads the bad line from a sound state.
                    let before = self.chain.clone();
                    let step = self.chain.step(bytes, &mut problems);
                    if !problems.is_empty() {
                        self.chain = before;
                        return Err(problems.swap_remove(0));
                    }
                    let Some((record, leaf)) = step else {
                        // step reports a problem whenever it returns None.
                        self.chain = before;
                        continue;
                    };
                    for a in &record.evidence.attachments {
                        if let Err(e) = self.check_stored(a, record.seq, before.next_line) {
                            self.chain = before;
                            return Err(e);
                        }
                    }
                    self.push(entry(&record.evidence, offset, bytes.len() as u64), leaf);
                    self.verified_len = offset + bytes.len() as u64 + 1;
                }
                Line::Torn(offset, n) => {
                    self.torn_tail = Some(TornTail { offset, len: n, line: self.chain.next_line });
                }
            }
        }
        if cut_torn && self.torn_tail.is_some() {
            self.ledger
                .set_len(self.verified_len)
                .and_then(|()| self.ledger.sync_data())
                .map_err(|e| LedgerError::io(path, e))?;
            self.torn_tail = None;
        }
        Ok(())
    }

    fn push(&mut self, entry: Entry, leaf: Hash) {
        self.entries.push(entry);
        self.leaves.push(leaf);
        self.tree.push(leaf);
    }

    fn check_seq(&self, seq: u64) -> Result<(), LedgerError> {
        if seq >= self.len() {
            return Err(LedgerError::NoSuchRecord { seq, len: self.len() });
        }
        Ok(())
    }

    /// An attachment refused for an append unless its blob is stored with its size.
    fn check_attachment(&mut self, a: &Attachment) -> Result<(), LedgerError> {
        let stored = match self.known_blobs.get(&a.sha256) {
            Some(s) => Some(*s),
            None => stored_size(&self.dir, &a.sha256)?,
        };
        match stored {
            None => Err(LedgerError::AttachmentNotStored { sha256: a.sha256 }),
            Some(s) if s != a.size => Err(LedgerError::AttachmentSizeMismatch {
                sha256: a.sha256,
                declared: a.size,
                stored: s,
            }),
            Some(s) => {
                self.known_blobs.insert(a.sha256, s);
                Ok(())
            }
        }
    }

    /// A record's attachment, found missing or of another size while reading.
    fn check_stored(&mut self, a: &Attachment, seq: u64, line: u64) -> Result<(), LedgerError> {
        match self.check_attachment(a) {
            Ok(()) => Ok(()),
            Err(LedgerError::AttachmentNotStored { sha256 }) => {
                Err(LedgerError::MissingBlob { seq, line, sha256 })
            }
            Err(LedgerError::AttachmentSizeMismatch { sha256, declared, stored }) => {
                Err(LedgerError::BlobSizeMismatch { seq, line, sha256, declared, actual: stored })
            }
            Err(e) => Err(e),
        }
    }

    fn select(&self, pred: impl Fn(&Entry) -> bool) -> Result<Vec<Record>> {
        self.entries
            .iter()
            .enumerate()
            .filter(|(_, e)| pred(e))
            .map(|(i, _)| self.read_entry(i))
            .collect()
    }

    /// Reads record `i` from disk and checks it against its verified leaf hash.
    fn read_entry(&self, i: usize) -> Result<Record> {
        let e = &self.entries[i];
        let mut bytes = vec![0u8; e.len as usize];
        read_exact_at(&self.ledger, &mut bytes, e.offset)
            .map_err(|err| LedgerError::io(&self.ledger_path, err))?;
        self.decode_verified(i, &bytes)
    }

    fn decode_verified(&self, i: usize, bytes: &[u8]) -> Result<Record> {
        let changed = || LedgerError::RecordChanged { seq: i as u64, line: i as u64 + 1 };
        if leaf_hash(bytes) != self.leaves[i] {
            return Err(changed().into());
        }
        // Same bytes as verified, so this parse cannot fail short of a bug.
        serde_json::from_slice(bytes).map_err(|_| changed().into())
    }
}

/// Iterator over a locker's records, from disk; see [`Locker::records`].
pub struct Records<'a> {
    locker: &'a Locker,
    lines: Lines<'a>,
    seq: usize,
}

impl Iterator for Records<'_> {
    type Item = Result<Record>;

    fn next(&mut self) -> Option<Result<Record>> {
        if self.seq >= self.locker.entries.len() {
            return None;
        }
        let i = self.seq;
        self.seq += 1;
        let path = &self.locker.ledger_path;
        match self.lines.next_line() {
            Ok(Some(Line::Complete(bytes, _))) => Some(self.locker.decode_verified(i, bytes)),
            Ok(_) => Some(Err(LedgerError::LedgerShrank {
                path: path.clone(),
                expected: self.locker.verified_len,
                actual: self.locker.entries[i].offset,
            }
            .into())),
            Err(e) => Some(Err(LedgerError::io(path, e).into())),
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.locker.entries.len() - self.seq;
        (n, Some(n))
    }
}

fn entry(e: &Evidence, offset: u64, len: u64) -> Entry {
    Entry {
        offset,
        len,
        observed_at: e.observed_at,
        kind: e.kind(),
        controls: e.controls.clone().into_boxed_slice(),
    }
}

fn open_lock(dir: &Path) -> Result<fs_err::File, LedgerError> {
    let path = dir.join(LOCK_FILE);
    fs_err::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| LedgerError::io(&path, e))
}

/// `type/subtype` with the characters RFC 6838 allows in names, lower-case.
fn check_media_type(media_type: &str) -> Result<(), Error> {
    let name_ok = |s: &str| {
        !s.is_empty()
            && s.len() <= 127
            && s.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
            && s.bytes().all(|b| {
                b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || matches!(b, b'!' | b'#' | b'$' | b'&' | b'-' | b'^' | b'_' | b'.' | b'+')
            })
    };
    match media_type.split_once('/') {
        Some((t, s)) if name_ok(t) && name_ok(s) => Ok(()),
        _ => Err(Error::Invalid {
            field: "media_type".into(),
            reason: format!("{media_type:?} is not a lower-case type/subtype"),
        }),
    }
}
