//! [`Locker`]: opening, appending to and querying an evidence locker.

use std::collections::HashMap;
use std::io::{Read, Write};
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
use super::scan::{Chain, Header, Line, Lines, open_ledger, read_exact_at};
use super::signed::{self, CHECKPOINTS_DIR, SignedCheckpoint};
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

/// The result of [`Locker::append_jsonl`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AppendedBatch {
    /// The first new record's sequence number (the locker's length before the batch).
    pub first_seq: u64,
    /// How many records were appended (0 for input without evidence).
    pub count: u64,
    /// The `recorded_at` every record of the batch was given.
    pub recorded_at: Timestamp,
    /// The Merkle root over every record after the batch.
    pub root: Hash,
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
        let ledger = open_ledger(&ledger_path, true)?;
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

    /// Stores a checkpoint signed by the locker's owner in `checkpoints/` (see
    /// [`super::signed`]): `note` is the C2SP signed note, `sshsig` the SSHSIG over it.
    ///
    /// Refused unless both signatures verify with one key and the checkpoint describes a
    /// prefix of this locker. Append-only: storing the same checkpoint again is a no-op
    /// that returns the stored one; another note for the same size is refused.
    pub fn store_signed_checkpoint(
        &self,
        note: Vec<u8>,
        sshsig: Vec<u8>,
    ) -> Result<SignedCheckpoint> {
        let (signed, _) = SignedCheckpoint::parse(note, sshsig, None).map_err(|reason| {
            LedgerError::CheckpointRefused { path: self.dir.join(CHECKPOINTS_DIR), reason }
        })?;
        self.verify_checkpoint(&signed.checkpoint)?;
        let note_path = signed::note_path(&self.dir, signed.checkpoint.size);
        let sig_path = with_suffix(&note_path, ".sig");
        let cp_dir = self.dir.join(CHECKPOINTS_DIR);
        fs_err::create_dir_all(&cp_dir).map_err(|e| LedgerError::io(&cp_dir, e))?;
        let _guard = LockGuard::take(&self.lock, true)?;
        if let Ok(existing) = fs_err::read(&note_path) {
            if existing != signed.note {
                return Err(LedgerError::CheckpointRefused {
                    path: note_path,
                    reason: "a different note is already stored for this size (append-only)".into(),
                }
                .into());
            }
            if !sig_path.exists() {
                signed::write_new(&sig_path, &signed.sshsig)?;
            }
            let stored = self.signed_checkpoints()?;
            return stored.into_iter().find(|s| s.checkpoint == signed.checkpoint).ok_or_else(
                || {
                    LedgerError::CheckpointRefused {
                        path: note_path,
                        reason: "the stored checkpoint is damaged: run soc2 fsck".into(),
                    }
                    .into()
                },
            );
        }
        // The signature first: a note is only ever seen with its signature beside it.
        signed::write_new(&sig_path, &signed.sshsig)?;
        signed::write_new(&note_path, &signed.note)?;
        blobs::sync_dir(&cp_dir)?;
        Ok(signed)
    }

    /// A time-stamp query (RFC 3161 TimeStampReq, with a fresh nonce) over the newest
    /// signed checkpoint's note, to send to a TSA; [`Locker::store_timestamp`] takes the
    /// reply with this request.
    pub fn timestamp_request(&self) -> Result<super::TimestampRequest> {
        let latest =
            self.latest_signed_checkpoint()?.ok_or_else(|| LedgerError::TimestampRefused {
                path: self.dir.join(CHECKPOINTS_DIR),
                reason: "no signed checkpoint to timestamp: run soc2 checkpoint --sign first"
                    .into(),
            })?;
        Ok(super::TimestampRequest::new(&latest.note))
    }

    /// Timestamps the newest signed checkpoint with the TSA at `url` (HTTP POST, see
    /// [`super::timestamp::exchange`]), checks the reply against `trust` and stores it:
    /// [`Locker::timestamp_request`], the exchange, then [`Locker::store_timestamp`].
    pub fn timestamp_with_tsa(
        &self,
        url: &str,
        trust: &super::TsaTrust,
    ) -> Result<(SignedCheckpoint, super::VerifiedTimestamp)> {
        let request = self.timestamp_request()?;
        let response = super::timestamp::exchange(url, &request.der).map_err(LedgerError::from)?;
        self.store_timestamp(&request, response, trust)
    }

    /// Timestamps the newest signed checkpoint with an RFC 3161 reply (see
    /// [`super::timestamp`]): `request` is the query that was sent (its imprint must be
    /// the SHA-256 of that checkpoint's note), `response` the TSA's DER reply, checked
    /// against the request's nonce and the CAs of `trust`, then stored as
    /// `checkpoints/<size>.tsr`. Append-only: the same reply again is a no-op; another
    /// reply for a checkpoint already timestamped is refused.
    pub fn store_timestamp(
        &self,
        request: &super::TimestampRequest,
        response: Vec<u8>,
        trust: &super::TsaTrust,
    ) -> Result<(SignedCheckpoint, super::VerifiedTimestamp)> {
        let cp_dir = self.dir.join(CHECKPOINTS_DIR);
        let latest =
            self.latest_signed_checkpoint()?.ok_or_else(|| LedgerError::TimestampRefused {
                path: cp_dir.clone(),
                reason: "no signed checkpoint to timestamp: run soc2 checkpoint --sign first"
                    .into(),
            })?;
        let note_path = signed::note_path(&self.dir, latest.checkpoint.size);
        let digest = latest.note_digest();
        if request.digest != digest {
            return Err(LedgerError::TimestampRefused {
                path: note_path,
                reason: format!(
                    "the request is for {}, not for the newest signed checkpoint (SHA-256 {})",
                    hex::encode(request.digest),
                    hex::encode(digest)
                ),
            }
            .into());
        }
        let verified = super::timestamp::verify_response(
            &response,
            &digest,
            Some(&request.nonce),
            Some(trust),
        )
        .map_err(LedgerError::from)?;
        let tsr_path = with_suffix(&note_path.with_extension(""), ".tsr");
        let _guard = LockGuard::take(&self.lock, true)?;
        match fs_err::read(&tsr_path) {
            Ok(existing) if existing == response => {}
            Ok(_) => {
                return Err(LedgerError::TimestampRefused {
                    path: tsr_path,
                    reason: "another time-stamp token is already stored for this checkpoint \
                             (append-only)"
                        .into(),
                }
                .into());
            }
            Err(_) => {
                signed::write_new(&tsr_path, &response)?;
                blobs::sync_dir(&cp_dir)?;
            }
        }
        let mut latest = latest;
        latest.timestamp = Some(response);
        Ok((latest, verified))
    }

    /// Every signed checkpoint in `checkpoints/`, in size order; fails on the first
    /// damaged one (use [`super::fsck`] to list them all).
    pub fn signed_checkpoints(&self) -> Result<Vec<SignedCheckpoint>> {
        let (found, mut problems) = signed::read_all(&self.dir)?;
        if !problems.is_empty() {
            return Err(problems.swap_remove(0).into());
        }
        Ok(found)
    }

    /// The newest signed checkpoint, if any.
    pub fn latest_signed_checkpoint(&self) -> Result<Option<SignedCheckpoint>> {
        Ok(self.signed_checkpoints()?.pop())
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

    /// Calls `each` with every record's sequence number and canonical bytes (its ledger
    /// line without the `\n`), in order, read from disk as it goes and checked against the
    /// leaf hashes verified at open: `soc2 log --format json` without parsing anything.
    pub fn for_each_record_bytes(
        &self,
        mut each: impl FnMut(u64, &[u8]) -> Result<()>,
    ) -> Result<()> {
        let mut lines = Lines::new(&self.ledger, 0, self.verified_len);
        for (i, leaf) in self.leaves.iter().enumerate() {
            let seq = i as u64;
            match lines.next_line().map_err(|e| LedgerError::io(&self.ledger_path, e))? {
                Some(Line::Complete(bytes, _)) if leaf_hash(bytes) == *leaf => each(seq, bytes)?,
                Some(Line::Complete(..)) => {
                    return Err(LedgerError::RecordChanged { seq, line: seq + 1 }.into());
                }
                _ => {
                    return Err(LedgerError::LedgerShrank {
                        path: self.ledger_path.clone(),
                        expected: self.verified_len,
                        actual: self.entries[i].offset,
                    }
                    .into());
                }
            }
        }
        Ok(())
    }

    /// Every record, in order, read and parsed on every core (each checked against its
    /// verified leaf hash, as [`Locker::records`] does): for evaluating a whole locker.
    pub fn all_records(&self) -> Result<Vec<Record>> {
        let n = self.entries.len();
        let workers = std::thread::available_parallelism().map_or(1, |w| w.get()).min(8);
        if workers < 2 || n < 10_000 {
            return self.records().collect();
        }
        let parts: Vec<Result<Vec<Record>>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..workers)
                .map(|k| {
                    let (from, to) = (n * k / workers, n * (k + 1) / workers);
                    scope.spawn(move || self.read_range(from, to))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join().unwrap_or_else(|_| {
                        Err(Error::Invalid {
                            field: "records".into(),
                            reason: "a reading thread panicked".into(),
                        })
                    })
                })
                .collect()
        });
        let mut out = Vec::with_capacity(n);
        for part in parts {
            out.extend(part?);
        }
        Ok(out)
    }

    /// Records `from..to` (indices into the verified records), read in one pass.
    fn read_range(&self, from: usize, to: usize) -> Result<Vec<Record>> {
        if from >= to {
            return Ok(Vec::new());
        }
        let last = &self.entries[to - 1];
        let mut lines =
            Lines::new(&self.ledger, self.entries[from].offset, last.offset + last.len + 1);
        let mut out = Vec::with_capacity(to - from);
        for i in from..to {
            match lines.next_line().map_err(|e| LedgerError::io(&self.ledger_path, e))? {
                Some(Line::Complete(bytes, _)) => out.push(self.decode_verified(i, bytes)?),
                _ => {
                    return Err(LedgerError::LedgerShrank {
                        path: self.ledger_path.clone(),
                        expected: self.verified_len,
                        actual: self.entries[i].offset,
                    }
                    .into());
                }
            }
        }
        Ok(out)
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
        self.attachment_store().add_attachment_file(path, media_type, file_name)
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
        self.attachment_store().add_attachment(reader, media_type, file_name)
    }

    /// The file a stored blob lives in (whether or not it is stored).
    pub fn blob_path(&self, sha256: &Sha256Digest) -> PathBuf {
        blob_path(&self.dir, sha256)
    }

    /// A handle on this locker's attachment store, usable without the locker.
    pub fn attachment_store(&self) -> AttachmentStore {
        AttachmentStore { dir: self.dir.clone() }
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
    /// locker, or declares a size that differs from the stored blob, or if any evidence
    /// is dated in the future ([`LedgerError::FutureDated`]: its `observed_at`, or a date
    /// in its payload of something that happened, is later than the time of recording
    /// plus [`crate::model::RECORDING_CLOCK_SKEW`]).
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
        let now = Timestamp::now();
        // Checked against the time the records will carry, under the lock.
        let single = evidence.len() == 1;
        for (index, e) in evidence.iter().enumerate() {
            e.check_not_future(now).map_err(|f| LedgerError::FutureDated {
                index: (!single).then_some(index as u64),
                field: f.field,
                reason: f.reason,
            })?;
        }
        let result = self.append_locked(evidence.into_iter().map(|e| (e, now)).collect());
        drop(guard);
        result
    }

    /// Appends one record per line of `reader`, evidence in JSON Lines (see
    /// [`crate::input::for_each_json_line`]), as one batch: one lock, one write to the
    /// ledger, one fsync, in memory bounded by the locker's index rather than the input.
    ///
    /// All or nothing: the records are written to a file in the locker's `tmp/` first and
    /// copied to the ledger only once every line is accepted. The first line refused is
    /// named with `source_name`: a document that does not parse ([`crate::Error::Json`]),
    /// or [`LedgerError::LineRefused`] for an attachment not stored, a record too large or
    /// a date in the future. Every record gets the same `recorded_at`.
    pub fn append_jsonl(
        &mut self,
        reader: &mut dyn std::io::BufRead,
        source_name: &str,
    ) -> Result<AppendedBatch> {
        let guard = LockGuard::take(&self.lock, true)?;
        self.refresh_locked(true)?;
        blobs::remove_orphaned_parts(&self.dir);
        let now = Timestamp::now();
        let start = self.verified_len;
        let first_seq = self.len();
        let tmp_dir = self.dir.join(TMP_DIR);
        // Named as a blob part, so that one a crash leaves behind is cleaned up like them.
        let tmp = tempfile::Builder::new()
            .prefix(blobs::PART_PREFIX)
            .suffix(blobs::PART_SUFFIX)
            .tempfile_in(&tmp_dir)
            .map_err(|e| LedgerError::io(&tmp_dir, e))?;
        let tmp_path = tmp.path().to_path_buf();
        let mut out = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file());
        let mut seq = first_seq;
        let mut prev = self.leaves.last().copied().unwrap_or([0; 32]);
        let mut written = 0u64;
        let mut added: Vec<(Entry, Hash)> = Vec::new();
        crate::input::for_each_json_line(reader, source_name, |line, evidence: Evidence| {
            let refused = |error: LedgerError| LedgerError::LineRefused {
                source_name: source_name.to_owned(),
                line,
                error: Box::new(error),
            };
            for a in &evidence.attachments {
                self.check_attachment(a).map_err(refused)?;
            }
            evidence.check_not_future(now).map_err(|f| {
                refused(LedgerError::FutureDated { index: None, field: f.field, reason: f.reason })
            })?;
            let record = Record { seq, prev: Sha256Digest(prev), recorded_at: now, evidence };
            let bytes = to_canonical_vec(&record)?;
            if bytes.len() as u64 > crate::input::MAX_DOCUMENT_SIZE {
                let limit = crate::input::MAX_DOCUMENT_SIZE;
                return Err(refused(LedgerError::RecordTooLarge {
                    size: bytes.len() as u64,
                    limit,
                })
                .into());
            }
            let leaf = leaf_hash(&bytes);
            out.write_all(&bytes)
                .and_then(|()| out.write_all(b"\n"))
                .map_err(|e| LedgerError::io(&tmp_path, e))?;
            added.push((entry(&record.evidence, start + written, bytes.len() as u64), leaf));
            written += bytes.len() as u64 + 1;
            prev = leaf;
            seq += 1;
            Ok(())
        })?;
        out.flush().map_err(|e| LedgerError::io(&tmp_path, e))?;
        drop(out);
        if !added.is_empty() {
            let copied = copy_at(&mut tmp.as_file(), written, &self.ledger)
                .and_then(|()| self.ledger.sync_data());
            if let Err(e) = copied {
                // Leave the ledger as it was: nothing of this batch may survive.
                let _ = self.ledger.set_len(start).and_then(|()| self.ledger.sync_data());
                return Err(LedgerError::io(&self.ledger_path, e).into());
            }
        }
        drop(tmp);
        let count = added.len() as u64;
        for (entry, leaf) in added {
            self.push(entry, leaf);
        }
        if count > 0 {
            self.chain.next_seq = seq;
            self.chain.next_line += count;
            self.chain.prev = Some((prev, seq - 1, self.chain.next_line - 1));
            self.verified_len = start + written;
        }
        drop(guard);
        Ok(AppendedBatch { first_seq, count, recorded_at: now, root: self.root() })
    }

    /// Appends records as [`Locker::append_batch`] does, each with the `recorded_at` given
    /// instead of the clock's: for the sample company, whose year of evidence is recorded
    /// as it would have been collected. Not public: a locker records the time it is told
    /// of a fact, and nothing else may set it.
    #[cfg(feature = "demo")]
    pub(crate) fn append_batch_recorded(
        &mut self,
        evidence: Vec<(Evidence, Timestamp)>,
    ) -> Result<Vec<Appended>> {
        if evidence.is_empty() {
            return Ok(Vec::new());
        }
        for (e, _) in &evidence {
            for a in &e.attachments {
                self.check_attachment(a)?;
            }
        }
        let guard = LockGuard::take(&self.lock, true)?;
        let result = self.append_locked(evidence);
        drop(guard);
        result
    }

    fn append_locked(&mut self, evidence: Vec<(Evidence, Timestamp)>) -> Result<Vec<Appended>> {
        self.refresh_locked(true)?;
        // Under the exclusive lock: what killed adds left in tmp/ (best effort).
        blobs::remove_orphaned_parts(&self.dir);
        let start = self.verified_len;
        let mut seq = self.len();
        let mut prev = self.leaves.last().copied().unwrap_or([0; 32]);
        let mut buf = Vec::with_capacity(evidence.len() * 512);
        let mut new_entries = Vec::with_capacity(evidence.len());
        let mut appended = Vec::with_capacity(evidence.len());
        for (evidence, recorded_at) in evidence {
            let record = Record { seq, prev: Sha256Digest(prev), recorded_at, evidence };
            let bytes = to_canonical_vec(&record)?;
            if bytes.len() as u64 > crate::input::MAX_DOCUMENT_SIZE {
                return Err(LedgerError::RecordTooLarge {
                    size: bytes.len() as u64,
                    limit: crate::input::MAX_DOCUMENT_SIZE,
                }
                .into());
            }
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
        // Large ranges (opening a big locker) are verified on every core first; whatever
        // that leaves (a problem, a torn tail, a short range) goes through the one-line-
        // at-a-time path below, which gives the exact error.
        self.refresh_parallel(&file, len)?;
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
                        if let Err(e) =
                            self.check_stored((a.sha256, a.size), record.seq, before.next_line)
                        {
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

    /// Verifies the complete lines of `[verified_len, len)` with one worker per core, in
    /// rounds of [`PARALLEL_ROUND`] bytes (so that memory stays bounded whatever the
    /// ledger's size), then checks sequence, chain and attachments in order here. Stops
    /// quietly at the first line that is not exactly right, leaving `verified_len` and
    /// the chain just before it: the sequential path re-reads it and names the problem.
    fn refresh_parallel(&mut self, file: &fs_err::File, len: u64) -> Result<(), LedgerError> {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        if workers < 2 || len - self.verified_len < PARALLEL_MIN {
            return Ok(());
        }
        let path = self.ledger_path.clone();
        let io = |e| LedgerError::io(&path, e);
        while len - self.verified_len >= PARALLEL_MIN {
            let start = self.verified_len;
            let end =
                line_end_before(file, (start + PARALLEL_ROUND).min(len), start).map_err(io)?;
            if end == start {
                return Ok(());
            }
            // Cut the round into one range per worker, each ending after a newline.
            let mut cuts = vec![start];
            for k in 1..workers as u64 {
                let at = start + (end - start) * k / workers as u64;
                let cut = line_end_before(file, at, *cuts.last().unwrap_or(&start)).map_err(io)?;
                cuts.push(cut);
            }
            cuts.push(end);
            let parts: Vec<std::io::Result<Checked>> = std::thread::scope(|scope| {
                let handles: Vec<_> = cuts
                    .windows(2)
                    .map(|w| {
                        let (from, to) = (w[0], w[1]);
                        scope.spawn(move || check_lines(file, from, to))
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|_| Ok(Checked::default())))
                    .collect()
            });
            for part in parts {
                let part = part.map_err(io)?;
                let complete = !part.stopped;
                for line in part.lines {
                    let Some((prev_leaf, _, _)) = self.chain.prev else { return Ok(()) };
                    if line.seq != self.chain.next_seq || line.prev != prev_leaf {
                        return Ok(());
                    }
                    let number = self.chain.next_line;
                    for &a in &line.attachments {
                        self.check_stored(a, line.seq, number)?;
                    }
                    self.chain.next_line += 1;
                    self.chain.next_seq = line.seq + 1;
                    self.chain.prev = Some((line.leaf, line.seq, number));
                    self.verified_len = line.entry.offset + line.entry.len + 1;
                    self.push(line.entry, line.leaf);
                }
                if !complete {
                    return Ok(());
                }
            }
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
        self.check_blob(a.sha256, a.size)
    }

    /// The blob `sha256` must be stored with `size` bytes.
    fn check_blob(&mut self, sha256: Sha256Digest, size: u64) -> Result<(), LedgerError> {
        let stored = match self.known_blobs.get(&sha256) {
            Some(s) => Some(*s),
            None => stored_size(&self.dir, &sha256)?,
        };
        match stored {
            None => Err(LedgerError::AttachmentNotStored { sha256 }),
            Some(s) if s != size => {
                Err(LedgerError::AttachmentSizeMismatch { sha256, declared: size, stored: s })
            }
            Some(s) => {
                self.known_blobs.insert(sha256, s);
                Ok(())
            }
        }
    }

    /// A record's attachment, found missing or of another size while reading.
    fn check_stored(
        &mut self,
        (sha256, size): (Sha256Digest, u64),
        seq: u64,
        line: u64,
    ) -> Result<(), LedgerError> {
        match self.check_blob(sha256, size) {
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

/// Appends the first `len` bytes of `from` to `to` (opened for appending).
fn copy_at(
    from: &mut (impl Read + std::io::Seek),
    len: u64,
    mut to: &fs_err::File,
) -> std::io::Result<()> {
    from.seek(std::io::SeekFrom::Start(0))?;
    let mut buf = vec![0u8; 1 << 20];
    let mut left = len;
    while left > 0 {
        let n = left.min(buf.len() as u64) as usize;
        from.read_exact(&mut buf[..n])?;
        to.write_all(&buf[..n])?;
        left -= n as u64;
    }
    Ok(())
}

/// Below this many unverified bytes, opening stays on one thread.
const PARALLEL_MIN: u64 = 4 << 20;
/// Bytes verified per parallel round: bounds what the workers hold before it is checked.
const PARALLEL_ROUND: u64 = 64 << 20;

/// One line as a worker verified it: canonical, parsed, hashed; what the chain check
/// and the index need from it.
struct CheckedLine {
    entry: Entry,
    leaf: Hash,
    seq: u64,
    prev: Hash,
    attachments: Vec<(Sha256Digest, u64)>,
}

/// What a worker verified of its range.
#[derive(Default)]
struct Checked {
    lines: Vec<CheckedLine>,
    /// It stopped before the end of its range, at a line that is not exactly right.
    stopped: bool,
}

/// Parses and checks the complete lines of `[from, to)` (which ends after a newline).
fn check_lines(file: &fs_err::File, from: u64, to: u64) -> std::io::Result<Checked> {
    let mut out = Checked::default();
    let mut lines = Lines::new(file, from, to);
    while let Some(line) = lines.next_line()? {
        let Line::Complete(bytes, offset) = line else {
            out.stopped = true;
            break;
        };
        // seq and line only serve the error, which the sequential path reports.
        let Ok(record) = super::scan::parse_line(bytes, 0, 0) else {
            out.stopped = true;
            break;
        };
        out.lines.push(CheckedLine {
            entry: entry(&record.evidence, offset, bytes.len() as u64),
            leaf: leaf_hash(bytes),
            seq: record.seq,
            prev: record.prev.0,
            attachments: record.evidence.attachments.iter().map(|a| (a.sha256, a.size)).collect(),
        });
    }
    Ok(out)
}

/// The end of the last complete line that ends at or before `at` and after `floor`; `floor`
/// if there is none.
fn line_end_before(file: &fs_err::File, at: u64, floor: u64) -> std::io::Result<u64> {
    let mut end = at;
    let mut buf = vec![0u8; 64 << 10];
    while end > floor {
        let n = (end - floor).min(buf.len() as u64) as usize;
        let from = end - n as u64;
        read_exact_at(file, &mut buf[..n], from)?;
        if let Some(i) = memchr::memrchr(b'\n', &buf[..n]) {
            return Ok(from + i as u64 + 1);
        }
        end = from;
    }
    Ok(floor)
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

/// `path` with `suffix` appended to its file name.
fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(suffix);
    PathBuf::from(s)
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

/// A locker's attachment store: each content stored once under its SHA-256 in `blobs/`.
///
/// Storing an attachment touches neither the ledger nor the locker's in-memory view, so
/// this handle (a cheap clone of the locker's directory) stores attachments without
/// holding the [`Locker`]: bindings use it to stream from a foreign file object without
/// locking out the locker's other users while foreign code runs. A blob becomes
/// referenced, and checked, only when a record naming it is appended.
#[derive(Clone, Debug)]
pub struct AttachmentStore {
    dir: PathBuf,
}

impl AttachmentStore {
    /// The locker directory the store belongs to.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// See [`Locker::add_attachment_file`].
    pub fn add_attachment_file(
        &self,
        path: impl AsRef<Path>,
        media_type: &str,
        file_name: &str,
    ) -> Result<Attachment> {
        let path = path.as_ref();
        // Regular files only, checked on the open handle: a device never ends and a FIFO
        // may block forever (or feed the store without limit).
        let mut file = crate::input::open_regular(path)?;
        self.add_attachment(&mut file, media_type, file_name)
    }

    /// See [`Locker::add_attachment`].
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
