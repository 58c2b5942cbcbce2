//! The export pipeline: attachments are read, hashed (SHA-256) and, when small and
//! compressible, deflated on helper threads, while the calling thread only writes the
//! zip (CRC-32 and writing of stored members straight from the helpers' pieces, deflate
//! of large text), so that exporting costs little more than hashing alone. Whether an
//! attachment is stored or deflated is decided on its helper, from its media type or else
//! from its first block ([`compression_for_content`]), before it is streamed or
//! compressed: the first piece read serves both, so nothing is read twice. Helpers claim
//! blobs one at a time, so neither idles while the other has work, and may read ahead of
//! the writer only as far as a fixed budget of bytes ([`LANE_BUDGET`] each), so memory
//! stays bounded whatever the sizes involved.

use std::io::{self, BufRead, Read};
use std::ops::ControlFlow;
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::sync::{Arc, Condvar, Mutex};

use sha2::{Digest, Sha256};

use crate::model::Sha256Digest;
use soc2_zip::io::read_full;

use super::archive::{
    ArchiveError, Compression, MemberPreparer, PREPARE_MAX, PreparedMember, TRIAL_BLOCK,
    compression_for_content,
};
use super::error::BundleError;

/// Largest piece of content handed between threads.
pub(crate) const CHUNK: usize = 1 << 20;
/// Bytes of content (pieces in flight, and prepared members) each helper may hold
/// ahead of the writer: enough to read past a few large attachments while the writer
/// is busy with the other helper's, and small enough that a whole export stays well
/// under 64 MiB (see `BENCHMARKS.md` for how the size was chosen).
pub(crate) const LANE_BUDGET: usize = 8 << 20;
/// Full-size pieces kept per helper for reuse (see [`Budget::recycle`]).
const SPARE_PIECES: usize = 2;
/// Items (of any size) in flight per helper; the budget is what bounds memory.
const LANE_ITEMS: usize = 256;

/// A helper's allowance of bytes read ahead, returned as the writer consumes them.
struct Budget {
    /// Bytes left, and whether the consumer is gone.
    state: Mutex<(usize, bool)>,
    returned: Condvar,
    limit: usize,
    /// Full-size pieces the writer is done with, for the helper to read into again:
    /// a fresh buffer costs a page fault per 4 KiB on its first read, and glibc gives
    /// freed ones back to the system. At most [`SPARE_PIECES`] are kept: while the
    /// helper streams, it takes each back about as soon as the writer returns it, and
    /// while it prepares members, spares would only sit on memory.
    spare: Mutex<Vec<Vec<u8>>>,
}

impl Budget {
    fn new(limit: usize) -> Budget {
        Budget {
            state: Mutex::new((limit, false)),
            returned: Condvar::new(),
            limit,
            spare: Mutex::new(Vec::new()),
        }
    }

    /// A buffer for a piece of `want` bytes: a spare one for full-size pieces (only
    /// those are kept, so a small piece never holds a large buffer), else a new one.
    fn buffer(&self, want: usize) -> Vec<u8> {
        if want == CHUNK
            && let Some(buf) = self.spare.lock().ok().and_then(|mut spare| spare.pop())
        {
            return buf;
        }
        Vec::with_capacity(want)
    }

    /// Keeps `buf`, a piece the writer is done with, if it is full-size. Its content
    /// stays: being initialised, it can be read into again without zeroing.
    fn recycle(&self, buf: Vec<u8>) {
        if buf.capacity() == CHUNK
            && let Ok(mut spare) = self.spare.lock()
            && spare.len() < SPARE_PIECES
        {
            spare.push(buf);
        }
    }

    /// Takes `n` bytes (at most the whole budget, so that one large item can always
    /// go once the writer has caught up), waiting for the writer to return enough;
    /// `None` if the consumer is gone. Returns what was taken.
    fn take(&self, n: usize) -> Option<usize> {
        let n = n.min(self.limit);
        let mut state = self.state.lock().ok()?;
        while state.0 < n && !state.1 {
            state = self.returned.wait(state).ok()?;
        }
        if state.1 {
            return None;
        }
        state.0 -= n;
        Some(n)
    }

    fn give_back(&self, n: usize) {
        if let Ok(mut state) = self.state.lock() {
            state.0 += n;
            self.returned.notify_all();
        }
    }

    /// The consumer is gone: wakes the helper so it can stop.
    fn close(&self) {
        if let Ok(mut state) = self.state.lock() {
            state.1 = true;
            self.returned.notify_all();
        }
    }
}

// ------------------------------------------------------------------ export side

/// A file to stream, with the digest its content must have.
pub(crate) struct BlobSource {
    /// The blob's content address.
    pub(crate) sha256: Sha256Digest,
    /// Its file in the locker.
    pub(crate) path: PathBuf,
    /// Its member name in the bundle.
    pub(crate) name: String,
    /// Its size as recorded in the locker.
    pub(crate) size: u64,
    /// How it is stored in the bundle, when that is known beforehand (its media type
    /// is an already-compressed format); `None` when its first block decides
    /// ([`compression_for_content`]).
    pub(crate) compression: Option<Compression>,
}

enum Feed {
    /// A streamed blob starts, to be stored this way; its content follows.
    Start(Compression),
    /// A piece of content, and the budget it holds.
    Data(Vec<u8>, usize),
    /// The file ended; its SHA-256, or why it could not be read.
    End(Result<Sha256Digest, BundleError>),
    /// The content's SHA-256, the whole member compressed (or why the content did not
    /// fit its declared size), and the budget it holds.
    Prepared(Sha256Digest, Result<PreparedMember, ArchiveError>, usize),
}

/// Helper threads reading, hashing and compressing blobs. Two, so that on a two-core
/// machine hashing and compressing (the costliest steps) can use both cores while the
/// zip work on the calling thread is light.
const PRODUCERS: usize = 2;

/// Which blob each helper works on next. Helpers claim blobs in order, one at a time,
/// so that none sits idle while another has a queue; the claim order tells the
/// consumer on which helper's lane each blob arrives.
struct Claims {
    next: Mutex<usize>,
    /// The lane of each claimed blob, in blob order.
    lanes: Sender<usize>,
}

impl Claims {
    /// The next blob for `lane`, if any is left.
    fn claim(&self, lane: usize, count: usize) -> Option<usize> {
        let mut next = self.next.lock().ok()?;
        if *next >= count {
            return None;
        }
        // Sent under the lock, so the consumer learns the lanes in blob order.
        self.lanes.send(lane).ok()?;
        *next += 1;
        Some(*next - 1)
    }
}

/// Reads `blobs` on helper threads that hash them (and deflate whole those to be
/// deflated of up to [`PREPARE_MAX`] bytes), and hands them to `consume` in order (see
/// [`BlobFeed::next_blob`]).
///
/// Each helper may read up to `budget` bytes ahead of `consume` (see [`LANE_BUDGET`]).
pub(crate) fn with_blob_feed<R>(
    blobs: &[BlobSource],
    budget: usize,
    consume: impl FnOnce(&mut BlobFeed<'_>) -> R,
) -> R {
    std::thread::scope(|scope| {
        let (lanes_tx, order) = channel();
        // Shared by the producers only: once they have all stopped, the claim channel
        // disconnects and the consumer cannot wait forever.
        let claims = Arc::new(Claims { next: Mutex::new(0), lanes: lanes_tx });
        let mut lanes = Vec::with_capacity(PRODUCERS);
        for lane in 0..PRODUCERS {
            let (data_tx, data_rx) = sync_channel::<Feed>(LANE_ITEMS);
            let budget = Arc::new(Budget::new(budget));
            let claims = Arc::clone(&claims);
            let helper_budget = Arc::clone(&budget);
            scope.spawn(move || produce(lane, blobs, &claims, &helper_budget, data_tx));
            lanes.push(Lane { rx: data_rx, budget });
        }
        drop(claims);
        let mut feed = BlobFeed { blobs, next: 0, order, lanes };
        // Dropping `feed` at the end (or on an early error) disconnects the channels, so
        // the producers stop at their next send and the scope can join them.
        consume(&mut feed)
    })
}

fn produce(
    lane: usize,
    blobs: &[BlobSource],
    claims: &Claims,
    budget: &Budget,
    tx: SyncSender<Feed>,
) {
    // What prepared blobs are read into; pieces sent on are allocated to size.
    let mut scratch = Vec::new();
    while let Some(i) = claims.claim(lane, blobs.len()) {
        let item = match produce_one(&blobs[i], budget, &tx, &mut scratch) {
            Ok(Some(item)) => item,
            Ok(None) => return,
            Err(e) => Feed::End(Err(e)),
        };
        let failed = matches!(item, Feed::End(Err(_)));
        if tx.send(item).is_err() || failed {
            return;
        }
    }
}

/// Reads `blob`'s first piece and decides from it how to store the blob (unless that is
/// known beforehand); then compresses it whole if it is to be deflated and at most
/// [`PREPARE_MAX`] bytes, and otherwise streams it (sending [`Feed::Start`] and its
/// pieces). Returns the item that ends the blob, or `None` if the consumer is gone.
fn produce_one(
    blob: &BlobSource,
    budget: &Budget,
    tx: &SyncSender<Feed>,
    scratch: &mut Vec<u8>,
) -> Result<Option<Feed>, BundleError> {
    let io = |source| BundleError::Io { path: blob.path.clone(), source };
    let file = fs_err::File::open(&blob.path).map_err(io)?;
    // When the content decides, the first piece holds at least the first block, so the
    // decision sees the first `TRIAL_BLOCK` bytes (or all there are) whatever the sizes.
    let floor = if blob.compression.is_none() { TRIAL_BLOCK } else { 4096 };
    let want = usize::try_from(blob.size).unwrap_or(CHUNK).clamp(floor, CHUNK);
    let Some(held) = budget.take(want) else {
        return Ok(None);
    };
    let first = read_piece(&file, budget.buffer(want), want).map_err(io)?;
    let compression = blob
        .compression
        .unwrap_or_else(|| compression_for_content(&first[..first.len().min(TRIAL_BLOCK)]));
    if compression == Compression::Deflated && blob.size <= PREPARE_MAX {
        // The whole member is held until the writer takes it. Deflate never grows
        // content by more than a few bytes per 16 KiB block, so the declared size
        // bounds its memory closely enough.
        budget.give_back(held);
        let Some(held) = budget.take(usize::try_from(blob.size).unwrap_or(usize::MAX)) else {
            return Ok(None);
        };
        let (sha256, member) = prepare(blob, file, &first, scratch)?;
        budget.recycle(first);
        return Ok(Some(Feed::Prepared(sha256, member, held)));
    }
    if tx.send(Feed::Start(compression)).is_err() {
        return Ok(None);
    }
    Ok(stream(blob, &file, first, held, budget, tx)?.map(|sha256| Feed::End(Ok(sha256))))
}

/// Reads up to `want` bytes (fewer only at the end of the file) into `piece` (with room
/// for `want`; a full-size one from [`Budget::buffer`] may hold old content).
fn read_piece(file: &fs_err::File, mut piece: Vec<u8>, want: usize) -> io::Result<Vec<u8>> {
    if want == CHUNK {
        // One read for the whole piece (`read_to_end` starts at 8 KiB and doubles: eight
        // system calls per MiB). A reused piece is initialised already, so `resize`
        // zeroes nothing; only a new one is zeroed, once.
        piece.resize(want, 0);
        let n = read_full(&mut file.file(), &mut piece)?;
        piece.truncate(n);
        return Ok(piece);
    }
    piece.clear();
    // `read_to_end` on the std file reads straight into the spare capacity: no
    // zeroing. fs_err's wrapper does not forward it, hence `file()`.
    Read::take(file.file(), want as u64).read_to_end(&mut piece)?;
    Ok(piece)
}

/// Sends `blob`'s content in pieces of at most [`CHUNK`] bytes, starting with `first`
/// (which holds `held` of the budget) and hashing it on the way; returns its SHA-256,
/// or `None` if the consumer is gone.
fn stream(
    blob: &BlobSource,
    file: &fs_err::File,
    first: Vec<u8>,
    held: usize,
    budget: &Budget,
    tx: &SyncSender<Feed>,
) -> Result<Option<Sha256Digest>, BundleError> {
    let io = |source| BundleError::Io { path: blob.path.clone(), source };
    let mut hasher = Sha256::new();
    let mut size = 0u64;
    let (mut piece, mut held) = (first, held);
    loop {
        if piece.is_empty() {
            budget.recycle(piece);
            budget.give_back(held);
            return Ok(Some(Sha256Digest(hasher.finalize().into())));
        }
        hasher.update(&piece);
        size += piece.len() as u64;
        if tx.send(Feed::Data(piece, held)).is_err() {
            return Ok(None);
        }
        // Sized to what is left of the declared size, so small files take little of the
        // budget; past it, a small read finds the end (or that the file is longer).
        let left = blob.size.saturating_sub(size);
        let want = usize::try_from(left).unwrap_or(CHUNK).clamp(4096, CHUNK);
        held = match budget.take(want) {
            Some(held) => held,
            None => return Ok(None),
        };
        piece = read_piece(file, budget.buffer(want), want).map_err(io)?;
    }
}

/// Hashes and deflates one blob whose content starts with `first`, reading the rest of
/// `file` through `scratch`. The member is an error if the content is longer or shorter
/// than declared.
fn prepare(
    blob: &BlobSource,
    mut file: fs_err::File,
    first: &[u8],
    scratch: &mut Vec<u8>,
) -> Result<(Sha256Digest, Result<PreparedMember, ArchiveError>), BundleError> {
    let io = |source| BundleError::Io { path: blob.path.clone(), source };
    let mut hasher = Sha256::new();
    let mut preparer = MemberPreparer::new(&blob.name, blob.size, Compression::Deflated);
    if scratch.len() < CHUNK {
        scratch.resize(CHUNK, 0);
    }
    let mut n = first.len();
    let mut piece = first;
    while n > 0 {
        hasher.update(piece);
        // On a size mismatch keep hashing: the digest tells whether the file changed.
        if let Ok(p) = preparer.as_mut()
            && let Err(e) = p.write(piece)
        {
            preparer = Err(e);
        }
        n = read_full(&mut file, scratch).map_err(io)?;
        piece = &scratch[..n];
    }
    Ok((Sha256Digest(hasher.finalize().into()), preparer.and_then(MemberPreparer::finish)))
}

/// A helper's lane: its blobs' content, and its budget.
struct Lane {
    rx: Receiver<Feed>,
    budget: Arc<Budget>,
}

/// The consumer's end of [`with_blob_feed`].
pub(crate) struct BlobFeed<'a> {
    blobs: &'a [BlobSource],
    next: usize,
    /// The lane of each blob, in order, as the producers claim them.
    order: Receiver<usize>,
    /// Per helper: its blobs' content, and its budget.
    lanes: Vec<Lane>,
}

impl Drop for BlobFeed<'_> {
    fn drop(&mut self) {
        // Helpers waiting for budget must wake to see the consumer is gone.
        for lane in &self.lanes {
            lane.budget.close();
        }
    }
}

impl<'a> BlobFeed<'a> {
    /// The next blob: compressed already if it is to be deflated and of up to
    /// [`PREPARE_MAX`] bytes, otherwise a reader over its content, which tells how to
    /// store it ([`BlobReader::compression`]). The reader returns end-of-file only once
    /// the whole blob was read and found to hash to its content address; otherwise its
    /// last read fails, and [`BlobReader::take_error`] tells why.
    ///
    /// Each call moves to the next blob, in the order of the `blobs` given to
    /// [`with_blob_feed`]; it must not be called more often than there are blobs.
    pub(crate) fn next_blob<'f>(
        &'f mut self,
        progress: &'f mut dyn FnMut(u64) -> ControlFlow<()>,
    ) -> Result<NextBlob<'f, 'a>, BundleError> {
        let index = self.next;
        self.next += 1;
        let blob = &self.blobs[index];
        let stopped = || BundleError::Io {
            path: blob.path.clone(),
            source: io::Error::other("the export helper thread stopped"),
        };
        let lane = self.order.recv().map_err(|_| stopped())?;
        let item = self.lanes[lane].rx.recv();
        if let Ok(Feed::Start(compression)) = item {
            return Ok(NextBlob::Stream(BlobReader {
                feed: self,
                index,
                lane,
                compression,
                current: Vec::new(),
                held: 0,
                pos: 0,
                ended: false,
                cancelled: false,
                error: None,
                progress,
            }));
        }
        if let Ok(Feed::Prepared(_, _, held) | Feed::Data(_, held)) = &item {
            // Held only until here: the member is written next, and then dropped.
            self.lanes[lane].budget.give_back(*held);
        }
        match item {
            Ok(Feed::Prepared(actual, member, _)) => {
                if actual != blob.sha256 {
                    return Err(BundleError::LockerBlobCorrupt {
                        sha256: blob.sha256,
                        path: blob.path.clone(),
                        actual,
                    });
                }
                let member = member?;
                if progress(blob.size).is_break() {
                    return Err(BundleError::Cancelled);
                }
                Ok(NextBlob::Prepared(member))
            }
            Ok(Feed::End(Err(e))) => Err(e),
            Ok(Feed::Start(_) | Feed::Data(..) | Feed::End(Ok(_))) | Err(_) => Err(stopped()),
        }
    }
}

/// What [`BlobFeed::next_blob`] gives.
pub(crate) enum NextBlob<'f, 'a> {
    /// The member, compressed and checked against its content address.
    Prepared(PreparedMember),
    /// A reader over the content.
    Stream(BlobReader<'f, 'a>),
}

/// One blob's content as it arrives from its helper thread; see
/// [`BlobFeed::next_blob`].
pub(crate) struct BlobReader<'f, 'a> {
    feed: &'f mut BlobFeed<'a>,
    index: usize,
    lane: usize,
    compression: Compression,
    /// The piece being read, and the budget it holds.
    current: Vec<u8>,
    held: usize,
    pos: usize,
    ended: bool,
    /// Progress asked to stop: the next read fails.
    cancelled: bool,
    error: Option<BundleError>,
    progress: &'f mut dyn FnMut(u64) -> ControlFlow<()>,
}

impl BlobReader<'_, '_> {
    /// The blob being read.
    pub(crate) fn source(&self) -> &BlobSource {
        &self.feed.blobs[self.index]
    }

    /// How the blob is to be stored: known beforehand, or decided by its first block.
    pub(crate) fn compression(&self) -> Compression {
        self.compression
    }

    /// The typed reason the last read failed, if it did.
    pub(crate) fn take_error(&mut self) -> Option<BundleError> {
        self.error.take()
    }

    fn fail(&mut self, e: BundleError) -> io::Error {
        let err = io::Error::other(e.to_string());
        self.error = Some(e);
        err
    }
}

impl BlobReader<'_, '_> {
    /// Receives the next piece into `current`, or notes the end of the blob.
    fn receive(&mut self) -> io::Result<()> {
        let blob = &self.feed.blobs[self.index];
        match self.feed.lanes[self.lane].rx.recv() {
            Ok(Feed::Data(piece, held)) => {
                self.current = piece;
                self.held = held;
                self.pos = 0;
                Ok(())
            }
            Ok(Feed::End(Ok(actual))) => {
                if actual != blob.sha256 {
                    let e = BundleError::LockerBlobCorrupt {
                        sha256: blob.sha256,
                        path: blob.path.clone(),
                        actual,
                    };
                    return Err(self.fail(e));
                }
                self.ended = true;
                Ok(())
            }
            Ok(Feed::End(Err(e))) => Err(self.fail(e)),
            Ok(Feed::Start(_) | Feed::Prepared(..)) | Err(_) => {
                let e = BundleError::Io {
                    path: blob.path.clone(),
                    source: io::Error::other("the export helper thread stopped"),
                };
                Err(self.fail(e))
            }
        }
    }
}

impl BufRead for BlobReader<'_, '_> {
    /// The rest of the current piece, as its helper read it: the writer takes content
    /// straight from there, without copying it into a buffer of its own first.
    fn fill_buf(&mut self) -> io::Result<&[u8]> {
        if self.cancelled {
            // The writer stops at this error; the bytes it got are discarded.
            return Err(self.fail(BundleError::Cancelled));
        }
        while self.pos == self.current.len() && !self.ended {
            self.receive()?;
        }
        Ok(&self.current[self.pos..])
    }

    fn consume(&mut self, n: usize) {
        self.pos = (self.pos + n).min(self.current.len());
        if self.pos == self.current.len() && !self.current.is_empty() {
            let flow = (self.progress)(self.current.len() as u64);
            let lane = &self.feed.lanes[self.lane];
            lane.budget.recycle(std::mem::take(&mut self.current));
            lane.budget.give_back(self.held);
            self.pos = 0;
            self.cancelled = flow.is_break();
        }
    }
}

impl Read for BlobReader<'_, '_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        let piece = self.fill_buf()?;
        let n = out.len().min(piece.len());
        out[..n].copy_from_slice(&piece[..n]);
        self.consume(n);
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Writes `contents` as blobs in a temporary directory: stored if `deflate` is
    /// false, otherwise deflated (and so prepared, when small enough).
    fn blobs_of(dir: &std::path::Path, contents: &[Vec<u8>], deflate: bool) -> Vec<BlobSource> {
        contents
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let path = dir.join(format!("b{i}"));
                fs_err::write(&path, c).unwrap();
                BlobSource {
                    sha256: Sha256Digest(Sha256::digest(c).into()),
                    path,
                    name: format!("blobs/b{i:04}"),
                    size: c.len() as u64,
                    compression: Some(if deflate {
                        Compression::Deflated
                    } else {
                        Compression::Stored
                    }),
                }
            })
            .collect()
    }

    /// Reads every blob through the feed, in order: the streamed ones' content, and
    /// for prepared ones their member name.
    fn drain(blobs: &[BlobSource], budget: usize) -> Result<Vec<Vec<u8>>, BundleError> {
        with_blob_feed(blobs, budget, |feed| {
            let mut out = Vec::new();
            for _ in 0..blobs.len() {
                let mut none = |_| ControlFlow::Continue(());
                match feed.next_blob(&mut none)? {
                    NextBlob::Prepared(member) => out.push(member.name().as_bytes().to_vec()),
                    NextBlob::Stream(mut reader) => {
                        let mut got = Vec::new();
                        let read = reader.read_to_end(&mut got);
                        if let Some(e) = reader.take_error() {
                            return Err(e);
                        }
                        read.unwrap();
                        out.push(got);
                    }
                }
            }
            Ok(out)
        })
    }

    #[test]
    fn blob_feed_streams_in_order_within_a_tiny_budget() {
        // Many more bytes than the budget, in files smaller, equal to and larger than
        // a piece, and empty: helpers must neither deadlock nor reorder.
        let dir = tempfile::tempdir().unwrap();
        let contents: Vec<Vec<u8>> = (0..40usize)
            .map(|i| match i % 5 {
                0 => Vec::new(),
                1 => vec![i as u8; 10],
                2 => vec![i as u8; CHUNK],
                3 => vec![i as u8; CHUNK * 2 + 3],
                _ => (0..5000u32).flat_map(|k| (k ^ i as u32).to_le_bytes()).collect(),
            })
            .collect();
        let blobs = blobs_of(dir.path(), &contents, false);
        for budget in [1, 4096, CHUNK, 3 * CHUNK] {
            assert_eq!(drain(&blobs, budget).unwrap(), contents, "budget {budget}");
        }
    }

    #[test]
    fn blob_feed_reused_pieces_carry_no_stale_bytes() {
        // Recorded sizes larger than the files: full-size pieces come back short, and
        // the buffers they were read into are reused for the next blobs' content.
        let dir = tempfile::tempdir().unwrap();
        let contents: Vec<Vec<u8>> = (0..12usize).map(|i| vec![i as u8; CHUNK + 5 * i]).collect();
        let mut blobs = blobs_of(dir.path(), &contents, false);
        for b in blobs.iter_mut().step_by(3) {
            b.size = 2 * CHUNK as u64;
        }
        for budget in [CHUNK, LANE_BUDGET] {
            assert_eq!(drain(&blobs, budget).unwrap(), contents, "budget {budget}");
        }
    }

    #[test]
    fn blob_feed_reports_progress_for_every_byte() {
        let dir = tempfile::tempdir().unwrap();
        let contents = vec![b"first".to_vec(), vec![1u8; CHUNK * 2 + 3], Vec::new()];
        let mut blobs = blobs_of(dir.path(), &contents, false);
        let text_dir = dir.path().join("text");
        fs_err::create_dir(&text_dir).unwrap();
        let mut text = blobs_of(&text_dir, &[b"text".repeat(100)], true);
        text[0].name = "blobs/text".into();
        blobs.extend(text);
        let mut seen = 0u64;
        with_blob_feed(&blobs, LANE_BUDGET, |feed| {
            for _ in 0..blobs.len() {
                let mut progress = |n: u64| {
                    seen += n;
                    ControlFlow::Continue(())
                };
                match feed.next_blob(&mut progress).unwrap() {
                    NextBlob::Prepared(_) => {}
                    NextBlob::Stream(mut r) => {
                        r.read_to_end(&mut Vec::new()).unwrap();
                    }
                }
            }
        });
        assert_eq!(seen, blobs.iter().map(|b| b.size).sum::<u64>());
    }

    #[test]
    fn blob_feed_prepares_small_deflated_blobs_and_streams_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let small = b"user,role\n".repeat(1000);
        let mut blobs = blobs_of(dir.path(), std::slice::from_ref(&small), true);
        let large_path = dir.path().join("large");
        let large = vec![b'a'; PREPARE_MAX as usize + 1];
        fs_err::write(&large_path, &large).unwrap();
        blobs.push(BlobSource {
            sha256: Sha256Digest(Sha256::digest(&large).into()),
            path: large_path,
            name: "blobs/large".into(),
            size: large.len() as u64,
            compression: Some(Compression::Deflated),
        });
        let got = drain(&blobs, LANE_BUDGET).unwrap();
        assert_eq!(got[0], b"blobs/b0000", "the small one comes compressed, by name");
        assert_eq!(got[1], large, "the large one is streamed");
    }

    #[test]
    fn blob_feed_decides_by_the_first_block_on_both_paths() {
        // Random bytes are stored, text deflated. Small text is deflated whole by the
        // helper; everything else streams, its reader saying how to store it.
        let dir = tempfile::tempdir().unwrap();
        let mut x = 0x9e37_79b9_7f4a_7c15u64;
        let noise: Vec<u8> = (0..PREPARE_MAX as usize + 1)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x >> 24) as u8
            })
            .collect();
        let text: Vec<u8> =
            b"user,role,last_login\nalice,admin,2026-01-02\n".repeat(PREPARE_MAX as usize / 40);
        let contents = [
            noise[..100_000].to_vec(),
            text[..100_000].to_vec(),
            noise.clone(),
            text[..PREPARE_MAX as usize / 40 * 41].to_vec(),
        ];
        let mut blobs = blobs_of(dir.path(), &contents, false);
        for b in &mut blobs {
            b.compression = None;
        }
        assert!(blobs[3].size > PREPARE_MAX);
        let got = with_blob_feed(&blobs, LANE_BUDGET, |feed| {
            let mut got = Vec::new();
            for _ in 0..blobs.len() {
                let mut none = |_| ControlFlow::Continue(());
                match feed.next_blob(&mut none).unwrap() {
                    NextBlob::Prepared(m) => got.push(("prepared", m.compression())),
                    NextBlob::Stream(mut r) => {
                        let c = r.compression();
                        r.read_to_end(&mut Vec::new()).unwrap();
                        got.push(("stream", c));
                    }
                }
            }
            got
        });
        assert_eq!(
            got,
            [
                ("stream", Compression::Stored),
                ("prepared", Compression::Deflated),
                ("stream", Compression::Stored),
                ("stream", Compression::Deflated),
            ]
        );
    }

    #[test]
    fn blob_feed_rejects_a_blob_that_does_not_match_its_address() {
        let dir = tempfile::tempdir().unwrap();
        for deflate in [false, true] {
            let mut blobs = blobs_of(dir.path(), &[b"a".to_vec(), b"changed".to_vec()], deflate);
            blobs[1].sha256 = Sha256Digest([7; 32]);
            let err = drain(&blobs, LANE_BUDGET).unwrap_err();
            assert!(
                matches!(&err, BundleError::LockerBlobCorrupt { sha256, .. } if sha256.0 == [7; 32]),
                "deflate {deflate}: {err:?}"
            );
        }
    }

    #[test]
    fn blob_feed_rejects_a_blob_whose_size_is_not_the_recorded_one() {
        // Right content, wrong recorded size: the writer or preparer must notice.
        let dir = tempfile::tempdir().unwrap();
        let mut blobs = blobs_of(dir.path(), &[b"twelve bytes".to_vec()], true);
        blobs[0].size = 5;
        let err = drain(&blobs, LANE_BUDGET).unwrap_err();
        assert!(matches!(err, BundleError::Archive(ArchiveError::InputTooLong { .. })), "{err:?}");
        blobs[0].size = 20;
        let err = drain(&blobs, LANE_BUDGET).unwrap_err();
        assert!(matches!(err, BundleError::Archive(ArchiveError::InputTooShort { .. })), "{err:?}");
    }

    #[test]
    fn blob_feed_streams_files_longer_or_shorter_than_recorded_whole() {
        // A file that does not end at its recorded size is still streamed to its true end
        // (at a piece boundary or not), so that the writer's size check and the digest
        // see all of it.
        let dir = tempfile::tempdir().unwrap();
        let contents: Vec<Vec<u8>> = [0, 1, 4095, 4096, CHUNK, CHUNK + 1, 2 * CHUNK]
            .iter()
            .map(|&n| (0..n).map(|i| (i % 251) as u8).collect())
            .collect();
        for recorded in [0u64, 1, 4096, CHUNK as u64, 2 * CHUNK as u64 + 7] {
            let mut blobs = blobs_of(dir.path(), &contents, false);
            for blob in &mut blobs {
                blob.size = recorded;
            }
            for budget in [LANE_BUDGET, 4096] {
                let got = drain(&blobs, budget).unwrap();
                assert_eq!(got, contents, "recorded size {recorded}, budget {budget}");
            }
        }
    }

    #[test]
    fn blob_feed_names_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        for deflate in [false, true] {
            let blobs = blobs_of(dir.path(), &[b"x".to_vec(), b"y".to_vec()], deflate);
            fs_err::remove_file(&blobs[1].path).unwrap();
            let err = drain(&blobs, LANE_BUDGET).unwrap_err();
            assert!(
                matches!(&err, BundleError::Io { path, .. } if *path == blobs[1].path),
                "deflate {deflate}: {err:?}"
            );
        }
    }

    #[test]
    fn blob_feed_stops_its_helpers_when_the_consumer_stops_early() {
        // Helpers blocked on a full budget must wake and stop, or this never returns.
        let dir = tempfile::tempdir().unwrap();
        let contents: Vec<Vec<u8>> = (0..20).map(|i| vec![i as u8; CHUNK]).collect();
        let blobs = blobs_of(dir.path(), &contents, false);
        let first = with_blob_feed(&blobs, CHUNK, |feed| {
            let mut none = |_| ControlFlow::Continue(());
            let Ok(NextBlob::Stream(mut r)) = feed.next_blob(&mut none) else {
                panic!("a stored blob streams");
            };
            let mut byte = [0u8; 1];
            r.read_exact(&mut byte).unwrap();
            byte[0]
        });
        assert_eq!(first, 0);
    }
}
