//! Two-core pipelines: SHA-256 runs on a helper thread while the calling thread does
//! the zip work (CRC-32, deflate or inflate, file I/O), so that exporting and verifying
//! cost about as much as hashing alone. Buffers are recycled, so memory stays at
//! `POOL × CHUNK` whatever the sizes involved.

use std::io::{self, Read, Write};
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

/// Reads `blobs` in order on a helper thread that hashes them, and hands their content
/// to `consume` as one [`BlobReader`] per blob (see [`BlobFeed::next_reader`]).
pub(crate) fn with_blob_feed<R>(
    blobs: &[BlobSource],
    consume: impl FnOnce(&mut BlobFeed<'_>) -> R,
) -> R {
    std::thread::scope(|scope| {
        let (data_tx, data_rx) = sync_channel::<Feed>(POOL);
        let (free_tx, free_rx) = sync_channel::<Vec<u8>>(POOL);
        scope.spawn(move || produce(blobs, data_tx, free_rx));
        let mut feed = BlobFeed {
            blobs,
            next: 0,
            rx: data_rx,
            free: free_tx,
        };
        // Dropping `feed` at the end (or on an early error) disconnects the channel, so
        // the producer stops at its next send and the scope can join it.
        consume(&mut feed)
    })
}

fn produce(blobs: &[BlobSource], tx: SyncSender<Feed>, free: Receiver<Vec<u8>>) {
    let mut pool = Pool { free, allocated: 0 };
    for blob in blobs {
        let result = (|| -> Result<Option<(Sha256Digest, u64)>, BundleError> {
            let io = |source| BundleError::Io {
                path: blob.path.clone(),
                source,
            };
            let mut file = fs_err::File::open(&blob.path).map_err(io)?;
            let mut hasher = Sha256::new();
            let mut size = 0u64;
            loop {
                let Some(mut buf) = pool.take() else {
                    return Ok(None);
                };
                // Recycled buffers keep their length: no zeroing per chunk.
                if buf.len() < CHUNK {
                    buf.resize(CHUNK, 0);
                }
                let n = fill(&mut file, &mut buf).map_err(io)?;
                if n == 0 {
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
    rx: Receiver<Feed>,
    free: SyncSender<Vec<u8>>,
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

    fn recycle(&mut self, buf: Vec<u8>) {
        // The producer may have stopped; then the buffer is simply dropped.
        let _ = self.free.try_send(buf);
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
                    self.feed.recycle(done);
                    self.pos = 0;
                    self.len = 0;
                }
                return Ok(n);
            }
            if self.ended {
                return Ok(0);
            }
            let blob = &self.feed.blobs[self.index];
            match self.feed.rx.recv() {
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

// ------------------------------------------------------------------ verify side

enum Hash {
    Data(Vec<u8>),
    End,
}

/// Runs `produce` with a [`HashFeed`] whose members are hashed on a helper thread;
/// returns what `produce` returned and the SHA-256 of each member ended, in order.
pub(crate) fn with_hash_feed<R>(
    produce: impl FnOnce(&mut HashFeed) -> R,
) -> (R, Vec<Sha256Digest>) {
    std::thread::scope(|scope| {
        let (data_tx, data_rx) = sync_channel::<Hash>(POOL);
        let (free_tx, free_rx) = sync_channel::<Vec<u8>>(POOL);
        let hasher = scope.spawn(move || {
            let mut digests = Vec::new();
            let mut hasher = Sha256::new();
            for msg in data_rx {
                match msg {
                    Hash::Data(mut buf) => {
                        hasher.update(&buf);
                        buf.clear();
                        let _ = free_tx.try_send(buf);
                    }
                    Hash::End => {
                        digests.push(Sha256Digest(hasher.finalize_reset().into()));
                    }
                }
            }
            digests
        });
        let mut feed = HashFeed {
            tx: data_tx,
            pool: Pool {
                free: free_rx,
                allocated: 0,
            },
            buf: Vec::new(),
        };
        let result = produce(&mut feed);
        drop(feed);
        // The hashing thread only hashes; it cannot panic short of a bug.
        let digests = hasher.join().unwrap_or_default();
        (result, digests)
    })
}

/// The producer's end of [`with_hash_feed`]: write a member's content, then
/// [`HashFeed::end_member`].
pub(crate) struct HashFeed {
    tx: SyncSender<Hash>,
    pool: Pool,
    buf: Vec<u8>,
}

impl HashFeed {
    /// Marks the end of the current member: its digest is the next one returned.
    pub(crate) fn end_member(&mut self) -> io::Result<()> {
        self.send_buf()?;
        self.tx.send(Hash::End).map_err(|_| stopped())
    }

    fn send_buf(&mut self) -> io::Result<()> {
        if !self.buf.is_empty() {
            let buf = std::mem::take(&mut self.buf);
            self.tx.send(Hash::Data(buf)).map_err(|_| stopped())?;
        }
        Ok(())
    }
}

fn stopped() -> io::Error {
    io::Error::other("the hashing thread stopped")
}

impl Write for HashFeed {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        if self.buf.capacity() == 0 {
            self.buf = self.pool.take().ok_or_else(stopped)?;
        }
        let n = data.len().min(CHUNK - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK {
            self.send_buf()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
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
    fn hash_feed_hashes_each_member() {
        let members: [&[u8]; 3] = [b"", b"abc", &[7u8; 3 * CHUNK + 5]];
        let ((), digests) = with_hash_feed(|feed| {
            for m in members {
                // Uneven writes.
                for part in m.chunks(100_003) {
                    feed.write_all(part).unwrap();
                }
                feed.end_member().unwrap();
            }
        });
        let expected: Vec<Sha256Digest> = members
            .iter()
            .map(|m| Sha256Digest(Sha256::digest(m).into()))
            .collect();
        assert_eq!(digests, expected);
    }

    #[test]
    fn blob_feed_streams_checks_and_reports() {
        let dir = tempfile::tempdir().unwrap();
        let contents: [&[u8]; 3] = [b"first", &[1u8; CHUNK * 2 + 3], b""];
        let mut blobs = Vec::new();
        for (i, c) in contents.iter().enumerate() {
            let path = dir.path().join(format!("b{i}"));
            fs_err::write(&path, c).unwrap();
            blobs.push(BlobSource {
                sha256: Sha256Digest(Sha256::digest(c).into()),
                path,
            });
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
            assert!(matches!(
                r.take_error(),
                Some(BundleError::LockerBlobCorrupt { .. })
            ));
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
