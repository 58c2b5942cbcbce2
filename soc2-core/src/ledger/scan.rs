//! Reading and verifying the header and ledger lines, shared by open, refresh and fsck.

use std::io::{self, BufRead, BufReader, Read};
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::json::{from_json_slice, to_canonical_vec};
use crate::model::{Record, Sha256Digest};

use super::error::LedgerError;
use super::merkle::{Hash, leaf_hash};
use super::{FORMAT_NAME, FORMAT_VERSION};

/// The header file's content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Header {
    pub(crate) format: String,
    pub(crate) version: u64,
    pub(crate) origin: String,
}

impl Header {
    pub(crate) fn new(origin: &str) -> Self {
        Header {
            format: FORMAT_NAME.to_owned(),
            version: FORMAT_VERSION,
            origin: origin.to_owned(),
        }
    }

    /// The header file's bytes: canonical JSON and a newline.
    pub(crate) fn to_bytes(&self) -> Result<Vec<u8>, LedgerError> {
        let mut bytes = to_canonical_vec(self).map_err(|e| LedgerError::InvalidOrigin {
            origin: self.origin.clone(),
            reason: if e.reason.contains("NFC") {
                "not in Unicode NFC"
            } else {
                "cannot be written as JSON"
            },
        })?;
        bytes.push(b'\n');
        Ok(bytes)
    }

    /// Reads and checks the header at `path`.
    pub(crate) fn read(path: &Path) -> Result<Header, LedgerError> {
        let bytes = match fs_err::read(path) {
            Ok(b) => b,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                // A ledger without its header is a damaged locker, not a non-locker.
                let ledger = path.with_file_name(super::LEDGER_FILE);
                if ledger.exists() {
                    return Err(LedgerError::InvalidHeader {
                        path: path.into(),
                        reason: format!("missing, but {} exists", ledger.display()),
                    });
                }
                return Err(LedgerError::NotALocker { path: path.into() });
            }
            Err(e) => return Err(LedgerError::io(path, e)),
        };
        let invalid = |reason: String| LedgerError::InvalidHeader { path: path.into(), reason };
        let body =
            bytes.strip_suffix(b"\n").ok_or_else(|| invalid("does not end in a newline".into()))?;
        // Look at format and version before the typed parse, so that a newer header
        // (with fields this version does not know) is reported as such.
        let value: serde_json::Value = from_json_slice(body).map_err(|e| invalid(e.to_string()))?;
        if value.get("format").and_then(|f| f.as_str()) != Some(FORMAT_NAME) {
            return Err(invalid(format!("`format` is not {FORMAT_NAME:?}")));
        }
        match value.get("version").and_then(serde_json::Value::as_u64) {
            Some(FORMAT_VERSION) => {}
            Some(version) => {
                return Err(LedgerError::UnsupportedVersion {
                    path: path.into(),
                    version,
                    supported: FORMAT_VERSION,
                });
            }
            None => return Err(invalid("`version` is missing or not a number".into())),
        }
        let header: Header = from_json_slice(body).map_err(|e| invalid(e.to_string()))?;
        super::checkpoint::check_origin(&header.origin)
            .map_err(|reason| invalid(format!("origin {:?}: {reason}", header.origin)))?;
        if header.to_bytes()? != bytes {
            return Err(invalid("not in canonical form".into()));
        }
        Ok(header)
    }
}

/// Parses one ledger line (without its `\n`) and checks that it is exactly the canonical
/// form of the record it holds. `seq` and `line` locate it in errors.
///
/// The fast path parses once with serde and re-canonicalises: equal bytes imply every
/// rule of the strict parser (no duplicate keys, no floats, integers in range, NFC), as
/// the canonical writer enforces the same rules and a typed parse of the canonical form
/// has no freedom left. Only on failure is the strict parser run, for its precise error.
pub(crate) fn parse_line(bytes: &[u8], seq: u64, line: u64) -> Result<Record, LedgerError> {
    let strict_error = |fallback: String| {
        let error = match from_json_slice::<Record>(bytes) {
            Err(e) => e,
            Ok(_) => crate::json::JsonError {
                source_name: None,
                line: 0,
                column: 0,
                path: ".".into(),
                reason: fallback,
            },
        };
        LedgerError::InvalidRecord { seq, line, error }
    };
    let record: Record = match serde_json::from_slice(bytes) {
        Ok(r) => r,
        Err(e) => return Err(strict_error(e.to_string())),
    };
    match to_canonical_vec(&record) {
        Ok(canonical) if canonical == bytes => Ok(record),
        Ok(_) => match from_json_slice::<Record>(bytes) {
            // e.g. a duplicate key, which serde's map handling may let through
            Err(error) => Err(LedgerError::InvalidRecord { seq, line, error }),
            Ok(_) => Err(LedgerError::NotCanonical { seq, line }),
        },
        Err(e) => Err(strict_error(e.to_string())),
    }
}

/// Where the hash chain stands after the lines read so far.
#[derive(Clone, Debug)]
pub(crate) struct Chain {
    /// The seq the next line should carry.
    pub(crate) next_seq: u64,
    /// 1-based number of the next line.
    pub(crate) next_line: u64,
    /// Leaf hash, seq and line of the previous line; `None` when it could not be read.
    pub(crate) prev: Option<(Hash, u64, u64)>,
}

impl Chain {
    pub(crate) fn new() -> Self {
        Chain { next_seq: 0, next_line: 1, prev: Some((Record::GENESIS_PREV.0, 0, 0)) }
    }

    /// Verifies one line and advances the chain. Problems go to `problems`; the record
    /// and its leaf hash are returned whenever the line parses, so that fsck can go on
    /// checking what follows.
    pub(crate) fn step(
        &mut self,
        bytes: &[u8],
        problems: &mut Vec<LedgerError>,
    ) -> Option<(Record, Hash)> {
        let line = self.next_line;
        let seq = self.next_seq;
        self.next_line += 1;
        let leaf = leaf_hash(bytes);
        let record = match parse_line(bytes, seq, line) {
            Ok(r) => r,
            Err(e @ LedgerError::NotCanonical { .. }) => {
                problems.push(e);
                // Still usable to check the chain around it.
                match serde_json::from_slice::<Record>(bytes) {
                    Ok(r) => r,
                    Err(_) => return self.lost(),
                }
            }
            Err(e) => {
                problems.push(e);
                return self.lost();
            }
        };
        if record.seq != seq {
            problems.push(LedgerError::SeqMismatch { line, expected: seq, found: record.seq });
        }
        if let Some((prev_leaf, prev_seq, prev_line)) = self.prev
            && record.prev.0 != prev_leaf
        {
            problems.push(if prev_line == 0 {
                // The first line has no predecessor to blame: its prev must be zeros.
                LedgerError::BadGenesis { seq: record.seq, line, found: record.prev }
            } else {
                LedgerError::ChainBroken {
                    seq: record.seq,
                    line,
                    prev_seq,
                    prev_line,
                    expected: Sha256Digest(prev_leaf),
                    found: record.prev,
                }
            });
        }
        // Resynchronise on what the line says, so that one removed or inserted record
        // is reported once rather than at every line after it.
        self.next_seq = record.seq.saturating_add(1);
        self.prev = Some((leaf, record.seq, line));
        Some((record, leaf))
    }

    fn lost(&mut self) -> Option<(Record, Hash)> {
        self.next_seq += 1;
        self.prev = None;
        None
    }
}

/// A reader at a position of a file that never moves the file's cursor, so that
/// `&File` can be shared (appends use `O_APPEND` and ignore the cursor too).
pub(crate) struct ReadAt<'a> {
    pub(crate) file: &'a fs_err::File,
    pub(crate) pos: u64,
    pub(crate) end: u64,
}

impl Read for ReadAt<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let left = self.end.saturating_sub(self.pos);
        let want = buf.len().min(usize::try_from(left).unwrap_or(usize::MAX));
        if want == 0 {
            return Ok(0);
        }
        let n = soc2_zip::io::read_at(self.file, &mut buf[..want], self.pos)?;
        self.pos += n as u64;
        Ok(n)
    }
}

pub(crate) use soc2_zip::io::read_exact_at;

/// One line of the ledger as read.
pub(crate) enum Line<'a> {
    /// A complete line, without its `\n`, and the offset where it starts.
    Complete(&'a [u8], u64),
    /// Bytes after the last `\n`: an append that never completed.
    Torn(u64, u64),
}

/// Reads the ledger from `start` to `end` line by line.
pub(crate) struct Lines<'a> {
    reader: BufReader<ReadAt<'a>>,
    offset: u64,
    buf: Vec<u8>,
}

impl<'a> Lines<'a> {
    pub(crate) fn new(file: &'a fs_err::File, start: u64, end: u64) -> Self {
        Lines {
            reader: BufReader::with_capacity(1 << 20, ReadAt { file, pos: start, end }),
            offset: start,
            buf: Vec::new(),
        }
    }

    /// The next line, or `None` at the end.
    pub(crate) fn next_line(&mut self) -> io::Result<Option<Line<'_>>> {
        self.buf.clear();
        let n = self.reader.read_until(b'\n', &mut self.buf)?;
        if n == 0 {
            return Ok(None);
        }
        let start = self.offset;
        self.offset += n as u64;
        Ok(Some(match self.buf.strip_suffix(b"\n") {
            Some(line) => Line::Complete(line, start),
            None => Line::Torn(start, n as u64),
        }))
    }
}

/// Opens the ledger file (for appending too when `append`), refusing one that is not a
/// regular file: a directory or a FIFO in its place is damage, and a FIFO must not block
/// the open or the reads. A missing ledger is [`LedgerError::MissingLedger`].
pub(crate) fn open_ledger(path: &Path, append: bool) -> Result<fs_err::File, LedgerError> {
    let mut options = fs_err::OpenOptions::new();
    options.read(true).append(append);
    #[cfg(unix)]
    {
        use fs_err::os::unix::fs::OpenOptionsExt;
        // No effect on a regular file's reads and writes.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = match options.open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(LedgerError::MissingLedger { path: path.to_path_buf() });
        }
        Err(e) if e.kind() == io::ErrorKind::IsADirectory => {
            return Err(LedgerError::LedgerNotRegularFile {
                path: path.to_path_buf(),
                kind: "a directory",
            });
        }
        Err(e) => return Err(LedgerError::io(path, e)),
    };
    let meta = file.metadata().map_err(|e| LedgerError::io(path, e))?;
    if !meta.is_file() {
        return Err(LedgerError::LedgerNotRegularFile {
            path: path.to_path_buf(),
            kind: crate::input::kind_of(&meta),
        });
    }
    Ok(file)
}
