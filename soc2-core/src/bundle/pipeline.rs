//! The export pipeline: attachments are read and hashed (SHA-256) on helper threads
//! while the calling thread does the zip work (CRC-32, deflate, file I/O), so that
//! exporting costs about as much as hashing alone. Buffers are recycled, so memory stays
//! at `POOL × CHUNK` per helper whatever the sizes involved.

use std::io::{self, Read};
use std::path::PathBuf;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use sha2::{Digest, Sha256};

use crate::model::Sha256Digest;

use super::error::BundleError;

/// Size of each buffer handed between threads.
pub(crate) const CHUNK: usize = 1 << 20;
/// Buffers in flight.
const POOL: usize = 4;

/// Recycles up to [`POOL`] buffers of [`CHUNK`] bytes.
struct Pool {
    free: Receiver<Vec<u8>>,
    allocated: usize,
}

impl Pool {
    fn take(&mut self) -> Option<Vec<u8>> {
        if let Ok(buf) = self.free.try_recv() {
            return Some(buf);
        }
        if self.allocated < POOL {
            self.allocated += 1;
            return Some(Vec::with_capacity(CHUNK));
        }
        self.free.recv().ok()
    }
}

// ------------------------------------------------------------------ export side

/// A file to stream, with the digest its content must have.
pub(crate) struct BlobSource {
    /// The blob's content address.
    pub(crate) sha256: Sha256Digest,
    /// Its file in the locker.
    pub(crate) path: PathBuf,
}

enum Feed {
    /// A buffer and how many of its bytes are content.
    Data(Vec<u8>, usize),
    /// The file ended; its SHA-256 and size, or why it could not be read.
    End(Result<(Sha256Digest, u64), BundleError>),
}

/// Helper threads reading and hashing blobs. Two, so that on a two-core machine hashing
/// (the costliest step) can use both cores while the zip work is light (stored media),
/// and the zip work still gets a core when it is heavy (deflate).
const PRODUCERS: usize = 2;

/// Reads `blobs` on helper threads that hash them (blob `i` on thread `i % PRODUCERS`),
/// and hands their content to `consume` in order, as one [`BlobReader`] per blob (see
/// [`BlobFeed::next_reader`]).
pub(crate) fn with_blob_feed<R>(
    blobs: &[BlobSource],
    consume: impl FnOnce(&mut BlobFeed<'_>) -> R,
) -> R {
    std::thread::scope(|scope| {
        let mut lanes = Vec::with_capacity(PRODUCERS);
        for lane in 0..PRODUCERS {
            let (data_tx, data_rx) = sync_channel::<Feed>(POOL);
            let (free_tx, free_rx) = sync_channel::<Vec<u8>>(POOL);
            let mine = blobs.iter().skip(lane).step_by(PRODUCERS);
            scope.spawn(move || produce(mine, data_tx, free_rx));
            lanes.push((data_rx, free_tx));
        }
        let mut feed = BlobFeed { blobs, next: 0, lanes };
        // Dropping `feed` at the end (or on an early error) disconnects the channel, so
        // the producer stops at its next send and the scope can join it.
        consume(&mut feed)
    })
}

fn produce<'a>(
    blobs: impl Iterator<Item = &'a BlobSource>,
    tx: SyncSender<Feed>,
    free: Receiver<Vec<u8>>,
) {
    let mut pool = Pool { free, allocated: 0 };
    // The buffer that found a file's end, kept for the next file: every buffer taken
    // from the pool is either sent or kept here, so the pool never runs dry.
    let mut spare: Option<Vec<u8>> = None;
    for blob in blobs {
        let result = (|| -> Result<Option<(Sha256Digest, u64)>, BundleError> {
            let io = |source| BundleError::Io { path: blob.path.clone(), source };
            let mut file = fs_err::File::open(&blob.path).map_err(io)?;
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            loop {
                let Some(mut buf) = spare.take().or_else(|| pool.take()) else {
                    return Ok(None);
                };
                // Recycled buffers keep their length: no zeroing per chunk.
                if buf.len() < CHUNK {
                    buf.resize(CHUNK, 0);
                }
                let n = fill(&mut file, &mut buf).map_err(io)?;
                if n == 0 {
                    spare = Some(buf);
                    return Ok(Some((Sha256Digest(hasher.finalize().into()), size)));
                }
                hasher.update(&buf[..n]);
                size += n as u64;
                if tx.send(Feed::Data(buf, n)).is_err() {
                    // The consumer stopped.
                    return Ok(None);
                }
            }
        })();
        let end = match result {
            Ok(Some(done)) => Ok(done),
            Ok(None) => return,
            Err(e) => Err(e),
        };
        let failed = end.is_err();
        if tx.send(Feed::End(end)).is_err() || failed {
            return;
        }
    }
}

/// The consumer's end of [`with_blob_feed`].
pub(crate) struct BlobFeed<'a> {
    blobs: &'a [BlobSource],
    next: usize,
    /// Per producer: its blobs' content, and where its buffers go back.
    lanes: Vec<(Receiver<Feed>, SyncSender<Vec<u8>>)>,
}

impl<'a> BlobFeed<'a> {
    /// A reader over the next blob's content. It returns end-of-file only once the
    /// whole blob was read and found to hash to its content address; otherwise its
    /// last read fails, and [`BlobReader::take_error`] tells why.
    pub(crate) fn next_reader<'f>(
        &'f mut self,
        progress: &'f mut dyn FnMut(u64),
    ) -> BlobReader<'f, 'a> {
        let i = self.next;
        self.next += 1;
        BlobReader {
            feed: self,
            index: i,
            current: Vec::new(),
            len: 0,
            pos: 0,
            ended: false,
            error: None,
            progress,
        }
    }

    fn recycle(&mut self, index: usize, buf: Vec<u8>) {
        // The producer may have stopped; then the buffer is simply dropped.
        let _ = self.lanes[index % self.lanes.len()].1.try_send(buf);
    }
}

/// One blob's content as it arrives from the hashing thread; see
/// [`BlobFeed::next_reader`].
pub(crate) struct BlobReader<'f, 'a> {
    feed: &'f mut BlobFeed<'a>,
    index: usize,
    current: Vec<u8>,
    /// Content bytes in `current`.
    len: usize,
    pos: usize,
    ended: bool,
    error: Option<BundleError>,
    progress: &'f mut dyn FnMut(u64),
}

impl BlobReader<'_, '_> {
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

impl Read for BlobReader<'_, '_> {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        if out.is_empty() {
            return Ok(0);
        }
        loop {
            if self.pos < self.len {
                let n = out.len().min(self.len - self.pos);
                out[..n].copy_from_slice(&self.current[self.pos..self.pos + n]);
                self.pos += n;
                if self.pos == self.len {
                    let done = std::mem::take(&mut self.current);
                    (self.progress)(self.len as u64);
                    self.feed.recycle(self.index, done);
                    self.pos = 0;
                    self.len = 0;
                }
                return Ok(n);
            }
            if self.ended {
                return Ok(0);
            }
            let blob = &self.feed.blobs[self.index];
            let lane = self.index % self.feed.lanes.len();
            match self.feed.lanes[lane].0.recv() {
                Ok(Feed::Data(buf, n)) => {
                    self.current = buf;
                    self.len = n;
                    self.pos = 0;
                }
                Ok(Feed::End(Ok((actual, _)))) => {
                    if actual != blob.sha256 {
                        let e = BundleError::LockerBlobCorrupt {
                            sha256: blob.sha256,
                            path: blob.path.clone(),
                            actual,
                        };
                        return Err(self.fail(e));
                    }
                    self.ended = true;
                    return Ok(0);
                }
                Ok(Feed::End(Err(e))) => return Err(self.fail(e)),
                Err(_) => {
                    let e = BundleError::Io {
                        path: blob.path.clone(),
                        source: io::Error::other("the hashing thread stopped"),
                    };
                    return Err(self.fail(e));
                }
            }
        }
    }
}

/// Reads until `buf` is full or the input ends; returns the bytes read.
pub(crate) fn fill(reader: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_feed_never_runs_out_of_buffers() {
        // Many more files than buffers, small and exactly one chunk long.
        let dir = tempfile::tempdir().unwrap();
        let mut blobs = Vec::new();
        for i in 0..4 * POOL + 3 {
            let len = if i % 2 == 0 { 10 } else { CHUNK };
            let content = vec![i as u8; len];
            let path = dir.path().join(format!("b{i}"));
            fs_err::write(&path, &content).unwrap();
            blobs.push(BlobSource { sha256: Sha256Digest(Sha256::digest(&content).into()), path });
        }
        let mut none = |_| {};
        with_blob_feed(&blobs, |feed| {
            for _ in 0..blobs.len() {
                let mut r = feed.next_reader(&mut none);
                r.read_to_end(&mut Vec::new()).unwrap();
            }
        });
    }

    #[test]
    fn blob_feed_streams_checks_and_reports() {
        let dir = tempfile::tempdir().unwrap();
        let contents: [&[u8]; 3] = [b"first", &[1u8; CHUNK * 2 + 3], b""];
        let mut blobs = Vec::new();
        for (i, c) in contents.iter().enumerate() {
            let path = dir.path().join(format!("b{i}"));
            fs_err::write(&path, c).unwrap();
            blobs.push(BlobSource { sha256: Sha256Digest(Sha256::digest(c).into()), path });
        }
        let mut seen = 0u64;
        let mut progress = |n: u64| seen += n;
        with_blob_feed(&blobs, |feed| {
            for c in contents {
                let mut r = feed.next_reader(&mut progress);
                let mut got = Vec::new();
                r.read_to_end(&mut got).unwrap();
                assert_eq!(got, c);
                assert!(r.take_error().is_none());
            }
        });
        assert_eq!(seen, contents.iter().map(|c| c.len() as u64).sum::<u64>());

        // A blob that does not hash to its address fails its last read, typed.
        blobs[1].sha256 = Sha256Digest([0; 32]);
        with_blob_feed(&blobs, |feed| {
            let mut none = |_| {};
            let mut r = feed.next_reader(&mut none);
            r.read_to_end(&mut Vec::new()).unwrap();
            drop(r);
            let mut r = feed.next_reader(&mut none);
            assert!(r.read_to_end(&mut Vec::new()).is_err());
            assert!(matches!(r.take_error(), Some(BundleError::LockerBlobCorrupt { .. })));
            // Stopping early must not hang the producer.
        });

        // A missing file is reported as an I/O error naming it.
        fs_err::remove_file(&blobs[0].path).unwrap();
        with_blob_feed(&blobs, |feed| {
            let mut none = |_| {};
            let mut r = feed.next_reader(&mut none);
            assert!(r.read_to_end(&mut Vec::new()).is_err());
            assert!(matches!(r.take_error(), Some(BundleError::Io { .. })));
        });
    }
}
