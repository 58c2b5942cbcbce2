//! Strict, streaming ZIP reader that parses every structure itself.
//!
//! General-purpose ZIP readers are lenient by design (they search for the end
//! record, ignore local headers, accept prepended data...), and different
//! readers resolve the same ambiguity differently. For evidence that an
//! auditor verifies, any such ambiguity could let two tools see different
//! content, so this reader requires one canonical layout:
//!
//! ```text
//! [local header + data]*  central directory  [zip64 end record + locator]  end record
//! ```
//!
//! with every byte of the file accounted for exactly once.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use flate2::{Decompress, FlushDecompress, Status};
use unicode_normalization::UnicodeNormalization;

use super::{
    ArchiveError, Compression, HeaderKind, Limits, METHOD_DEFLATED, METHOD_STORED, NameSet,
    validate_name_syntax,
};

const SIG_LOCAL: u32 = 0x0403_4b50;
const SIG_CENTRAL: u32 = 0x0201_4b50;
const SIG_EOCD: u32 = 0x0605_4b50;
const SIG_ZIP64_EOCD: u32 = 0x0606_4b50;
const SIG_ZIP64_LOCATOR: u32 = 0x0706_4b50;

const LOCAL_LEN: u64 = 30;
const CENTRAL_LEN: usize = 46;
const EOCD_LEN: u64 = 22;
const ZIP64_EOCD_LEN: u64 = 56;
const ZIP64_LOCATOR_LEN: u64 = 20;
/// The end record is followed by a comment of at most this many bytes.
const MAX_COMMENT: u64 = u16::MAX as u64;

const EXTRA_ZIP64: u16 = 0x0001;
const EXTRA_UNICODE_PATH: u16 = 0x7075;

const FLAG_ENCRYPTED: u16 = 1 << 0;
/// Bits 1 and 2 only describe the deflate level used: harmless, so not named as an
/// unsupported flag, but the writer never sets them (see `NonCanonicalField`).
const FLAG_DEFLATE_OPTIONS: u16 = (1 << 1) | (1 << 2);
const FLAG_DATA_DESCRIPTOR: u16 = 1 << 3;
const FLAG_STRONG_ENCRYPTION: u16 = 1 << 6;
const FLAG_UTF8: u16 = 1 << 11;
const FLAG_MASKED_HEADERS: u16 = 1 << 13;
const ALLOWED_FLAGS: u16 = FLAG_DEFLATE_OPTIONS | FLAG_UTF8;

/// What the writer (the `zip` crate with fixed options) puts in the fields that carry no
/// content: "version made by" is Unix (3) with the version needed; the version needed is
/// 1.0 stored, 2.0 deflated, 4.5 with ZIP64 sizes; the time is the DOS epoch
/// (1980-01-01 00:00); the internal attributes are 0; the external ones a regular file
/// with mode 0644.
const MADE_BY_UNIX: u16 = 3 << 8;
const VERSION_STORED: u16 = 10;
const VERSION_DEFLATED: u16 = 20;
const VERSION_ZIP64: u16 = 45;
const DOS_EPOCH_TIME: u16 = 0;
const DOS_EPOCH_DATE: u16 = (1 << 5) | 1;
const INTERNAL_ATTRIBUTES: u16 = 0;
const EXTERNAL_ATTRIBUTES: u32 = (S_IFREG | 0o644) << 16;

const U32_SENTINEL: u32 = u32::MAX;
const U16_SENTINEL: u16 = u16::MAX;

/// Unix file-type bits of the mode in the high half of the external attributes.
const S_IFMT: u32 = 0o170_000;
const S_IFREG: u32 = 0o100_000;
const S_IFLNK: u32 = 0o120_000;
const S_IFDIR: u32 = 0o040_000;
/// MS-DOS / Windows attribute bits in the low byte(s).
const DOS_VOLUME_LABEL: u32 = 0x08;
const DOS_DIRECTORY: u32 = 0x10;
const DOS_DEVICE: u32 = 0x40;
const WIN_REPARSE_POINT: u32 = 0x400;

const IO_CHUNK: usize = 64 * 1024;

/// One file in a [`SafeArchive`], as described by the central directory (and
/// verified against its local header).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    name: String,
    size: u64,
    compressed_size: u64,
    compression: Compression,
    crc32: u32,
    /// Absolute offset of the first byte of compressed data.
    data_offset: u64,
}

impl Member {
    /// The member's path inside the archive.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Declared uncompressed size in bytes (enforced when reading).
    pub fn size(&self) -> u64 {
        self.size
    }

    /// Size of the stored (possibly compressed) data in bytes.
    pub fn compressed_size(&self) -> u64 {
        self.compressed_size
    }

    /// How the member's data is stored.
    pub fn compression(&self) -> Compression {
        self.compression
    }

    /// Declared CRC-32 of the uncompressed content (enforced when reading).
    pub fn crc32(&self) -> u32 {
        self.crc32
    }
}

/// A ZIP archive that passed every structural check, opened for reading.
///
/// Opening validates the complete layout and all metadata; member content is
/// verified (size and CRC-32) while it is streamed, see
/// [`SafeArchive::read_to_sink`]. Nothing is ever extracted to disk. The
/// archive file must not be modified while this value is alive.
#[derive(Debug)]
pub struct SafeArchive {
    path: PathBuf,
    file: fs_err::File,
    members: Vec<Member>,
    index: HashMap<String, usize>,
}

impl SafeArchive {
    /// Opens and fully validates the archive at `path`.
    pub fn open(path: &Path, limits: Limits) -> Result<SafeArchive, ArchiveError> {
        // ArchiveError::Io names the path, which is what fs_err would add.
        #[allow(clippy::disallowed_methods, clippy::disallowed_types)]
        let file = std::fs::File::open(path)
            .map(|file| fs_err::File::from_parts(file, path))
            .map_err(|source| ArchiveError::Io { path: path.to_path_buf(), source })?;
        let src = Source { file: &file, path };
        let members = parse(&src, &limits)?;
        let index = members.iter().enumerate().map(|(i, m)| (m.name.clone(), i)).collect();
        Ok(SafeArchive { path: path.to_path_buf(), file, members, index })
    }

    /// The path the archive was opened from.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// All members, in central directory order.
    pub fn members(&self) -> &[Member] {
        &self.members
    }

    /// The member with the given name, if any.
    pub fn member(&self, name: &str) -> Option<&Member> {
        self.index.get(name).map(|&i| &self.members[i])
    }

    /// Opens a member for streaming.
    ///
    /// Size and CRC-32 are only verified when the reader reaches the end: a
    /// read that returns `Ok(0)` means the content was complete and correct,
    /// and the final read returns an error otherwise. A caller that stops
    /// early has not verified anything; prefer [`Self::read_to_sink`] or
    /// [`MemberReader::finish`], which always read to the end.
    pub fn open_member(&self, name: &str) -> Result<MemberReader<'_>, ArchiveError> {
        let member =
            self.member(name).ok_or_else(|| ArchiveError::NoSuchMember { name: name.into() })?;
        Ok(MemberReader::new(self, member))
    }

    /// Streams a member's complete content into `sink` and verifies its size
    /// and CRC-32, returning the number of bytes written.
    ///
    /// On error the sink may already have received some (unverified) bytes.
    pub fn read_to_sink<W: Write + ?Sized>(
        &self,
        name: &str,
        sink: &mut W,
    ) -> Result<u64, ArchiveError> {
        self.open_member(name)?.copy_to(sink)
    }

    /// Reads every member to the end, verifying all sizes and CRC-32s.
    pub fn verify_all(&self) -> Result<(), ArchiveError> {
        for member in &self.members {
            MemberReader::new(self, member).finish()?;
        }
        Ok(())
    }
}

/// Streaming access to one member's content; see [`SafeArchive::open_member`].
///
/// Output is capped at the declared size: an archive whose member inflates to
/// more fails as soon as one byte too many is produced.
pub struct MemberReader<'a> {
    src: RangeReader<'a>,
    member: &'a Member,
    inflater: Option<Inflater>,
    hasher: crc32fast::Hasher,
    produced: u64,
    state: ReadState,
}

impl std::fmt::Debug for MemberReader<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemberReader")
            .field("member", &self.member.name)
            .field("produced", &self.produced)
            .finish_non_exhaustive()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ReadState {
    Reading,
    Verified,
    Failed,
}

struct Inflater {
    decompress: Decompress,
    buf: Box<[u8]>,
    start: usize,
    end: usize,
    stream_ended: bool,
}

impl<'a> MemberReader<'a> {
    fn new(archive: &'a SafeArchive, member: &'a Member) -> Self {
        let inflater = (member.compression == Compression::Deflated).then(|| Inflater {
            // Raw deflate: ZIP stores no zlib header.
            decompress: Decompress::new(false),
            buf: vec![0; IO_CHUNK].into_boxed_slice(),
            start: 0,
            end: 0,
            stream_ended: false,
        });
        MemberReader {
            src: RangeReader {
                src: Source { file: &archive.file, path: &archive.path },
                pos: member.data_offset,
                end: member.data_offset + member.compressed_size,
            },
            member,
            inflater,
            hasher: crc32fast::Hasher::new(),
            produced: 0,
            state: ReadState::Reading,
        }
    }

    /// The member being read.
    pub fn member(&self) -> &Member {
        self.member
    }

    /// Reads the remaining content to the end, discarding it, and verifies
    /// size and CRC-32. Returns the member's total size.
    pub fn finish(self) -> Result<u64, ArchiveError> {
        self.copy_to(&mut io::sink())
    }

    fn copy_to<W: Write + ?Sized>(mut self, sink: &mut W) -> Result<u64, ArchiveError> {
        let mut buf = vec![0u8; IO_CHUNK];
        loop {
            let n = self.next_chunk(&mut buf)?;
            if n == 0 {
                return Ok(self.produced);
            }
            sink.write_all(&buf[..n])
                .map_err(|source| ArchiveError::Sink { name: self.member.name.clone(), source })?;
        }
    }

    /// Produces the next chunk of content; `Ok(0)` only after full verification.
    fn next_chunk(&mut self, out: &mut [u8]) -> Result<usize, ArchiveError> {
        match self.state {
            ReadState::Verified => return Ok(0),
            ReadState::Failed => {
                return Err(ArchiveError::ReaderPoisoned { name: self.member.name.clone() });
            }
            ReadState::Reading => {}
        }
        let result = self.step(out);
        self.state = match &result {
            Err(_) => ReadState::Failed,
            Ok(0) => ReadState::Verified,
            Ok(_) => ReadState::Reading,
        };
        result
    }

    fn step(&mut self, out: &mut [u8]) -> Result<usize, ArchiveError> {
        if out.is_empty() {
            // Nothing can be produced; must not be mistaken for the end.
            return Err(ArchiveError::Io {
                path: self.src.src.path.to_path_buf(),
                source: io::Error::new(io::ErrorKind::InvalidInput, "empty read buffer"),
            });
        }
        let declared = self.member.size;
        let remaining = declared - self.produced;
        // Ask for at most one byte more than allowed, so that overlong
        // content is detected immediately instead of after a large buffer.
        let cap = usize::try_from(remaining.saturating_add(1)).unwrap_or(usize::MAX).min(out.len());
        let out = &mut out[..cap];
        let n = match self.inflater.as_mut() {
            None => self.src.read(out)?,
            Some(inflater) => inflater.read(&mut self.src, out, &self.member.name)?,
        };
        if n == 0 {
            return self.verify_end();
        }
        self.produced += n as u64;
        if self.produced > declared {
            return Err(ArchiveError::ContentTooLong { name: self.member.name.clone(), declared });
        }
        self.hasher.update(&out[..n]);
        Ok(n)
    }

    fn verify_end(&mut self) -> Result<usize, ArchiveError> {
        let name = || self.member.name.clone();
        if self.produced != self.member.size {
            return Err(ArchiveError::ContentTooShort {
                name: name(),
                declared: self.member.size,
                actual: self.produced,
            });
        }
        let actual = self.hasher.clone().finalize();
        if actual != self.member.crc32 {
            return Err(ArchiveError::CrcMismatch {
                name: name(),
                declared: self.member.crc32,
                actual,
            });
        }
        Ok(0)
    }
}

impl Read for MemberReader<'_> {
    /// Reads content; the final `Ok(0)` is returned only once size and CRC-32
    /// have been verified, otherwise the final read fails with an
    /// [`io::Error`] wrapping the [`ArchiveError`].
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        self.next_chunk(buf).map_err(io::Error::other)
    }
}

impl Inflater {
    fn read(
        &mut self,
        src: &mut RangeReader<'_>,
        out: &mut [u8],
        name: &str,
    ) -> Result<usize, ArchiveError> {
        loop {
            if self.stream_ended {
                if self.start < self.end || src.remaining() > 0 {
                    return Err(ArchiveError::CompressedSizeMismatch {
                        name: name.into(),
                        reason: "deflate stream ends before the declared compressed size",
                    });
                }
                return Ok(0);
            }
            if self.start == self.end && src.remaining() > 0 {
                self.end = src.read(&mut self.buf)?;
                self.start = 0;
            }
            let input_done = self.start == self.end && src.remaining() == 0;
            let flush = if input_done { FlushDecompress::Finish } else { FlushDecompress::None };
            let (in_before, out_before) = (self.decompress.total_in(), self.decompress.total_out());
            let status = self
                .decompress
                .decompress(&self.buf[self.start..self.end], out, flush)
                .map_err(|source| ArchiveError::CorruptDeflate { name: name.into(), source })?;
            // Both deltas are bounded by the slice lengths passed in.
            let consumed = (self.decompress.total_in() - in_before) as usize;
            let produced = (self.decompress.total_out() - out_before) as usize;
            self.start += consumed;
            if status == Status::StreamEnd {
                self.stream_ended = true;
            }
            if produced > 0 {
                return Ok(produced);
            }
            if !self.stream_ended && consumed == 0 {
                return Err(if input_done {
                    ArchiveError::CompressedSizeMismatch {
                        name: name.into(),
                        reason: "compressed data ends before the deflate stream does",
                    }
                } else {
                    // Input and output space were both available; zlib
                    // only stalls like this on a broken stream.
                    ArchiveError::CompressedSizeMismatch {
                        name: name.into(),
                        reason: "deflate stream makes no progress",
                    }
                });
            }
        }
    }
}

/// The archive file plus its path for error messages. All reads are
/// positional so that several [`MemberReader`]s can share one handle.
#[derive(Clone, Copy)]
struct Source<'a> {
    file: &'a fs_err::File,
    path: &'a Path,
}

impl Source<'_> {
    fn io(&self, source: io::Error) -> ArchiveError {
        ArchiveError::Io { path: self.path.to_path_buf(), source }
    }

    fn len(&self) -> Result<u64, ArchiveError> {
        Ok(self.file.metadata().map_err(|e| self.io(e))?.len())
    }

    fn read_at(&self, buf: &mut [u8], offset: u64) -> Result<usize, ArchiveError> {
        crate::io::read_at(self.file, buf, offset).map_err(|e| self.io(e))
    }

    fn read_exact_at(&self, buf: &mut [u8], offset: u64) -> Result<(), ArchiveError> {
        let mut done = 0;
        while done < buf.len() {
            let n = self.read_at(&mut buf[done..], offset + done as u64)?;
            if n == 0 {
                return Err(self.io(io::Error::new(
                    io::ErrorKind::UnexpectedEof,
                    "archive file shrank while being read",
                )));
            }
            done += n;
        }
        Ok(())
    }

    fn read_vec(&self, offset: u64, len: u64) -> Result<Vec<u8>, ArchiveError> {
        // Callers bound `len` (by the file length or a limit) before calling.
        let len = usize::try_from(len).map_err(|_| malformed(offset, "structure too large"))?;
        let mut buf = vec![0; len];
        self.read_exact_at(&mut buf, offset)?;
        Ok(buf)
    }
}

/// Reads the byte range `pos..end` of the archive.
struct RangeReader<'a> {
    src: Source<'a>,
    pos: u64,
    end: u64,
}

impl RangeReader<'_> {
    fn remaining(&self) -> u64 {
        self.end - self.pos
    }

    fn read(&mut self, buf: &mut [u8]) -> Result<usize, ArchiveError> {
        let want = usize::try_from(self.remaining()).unwrap_or(usize::MAX).min(buf.len());
        if want == 0 {
            return Ok(0);
        }
        let n = self.src.read_at(&mut buf[..want], self.pos)?;
        if n == 0 {
            // The layout was validated against the file length at open time.
            return Err(self.src.io(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "archive file shrank while being read",
            )));
        }
        self.pos += n as u64;
        Ok(n)
    }
}

fn non_canonical(
    name: Option<&str>,
    field: &'static str,
    found: u64,
    expected: u64,
) -> ArchiveError {
    ArchiveError::NonCanonicalField { name: name.map(str::to_owned), field, found, expected }
}

fn malformed(offset: u64, reason: impl Into<String>) -> ArchiveError {
    ArchiveError::Malformed { offset, reason: reason.into() }
}

fn multi_disk(detail: impl Into<String>) -> ArchiveError {
    ArchiveError::MultiDisk { detail: detail.into() }
}

/// Little-endian field reader over a byte slice whose length the caller has checked.
struct Le<'a> {
    buf: &'a [u8],
    pos: usize,
}

impl<'a> Le<'a> {
    fn new(buf: &'a [u8]) -> Self {
        Le { buf, pos: 0 }
    }

    fn take(&mut self, n: usize) -> Option<&'a [u8]> {
        let end = self.pos.checked_add(n)?;
        let s = self.buf.get(self.pos..end)?;
        self.pos = end;
        Some(s)
    }

    fn u16(&mut self) -> Option<u16> {
        Some(u16::from_le_bytes(self.take(2)?.try_into().ok()?))
    }

    fn u32(&mut self) -> Option<u32> {
        Some(u32::from_le_bytes(self.take(4)?.try_into().ok()?))
    }

    fn u64(&mut self) -> Option<u64> {
        Some(u64::from_le_bytes(self.take(8)?.try_into().ok()?))
    }

    fn rest(&self) -> usize {
        self.buf.len() - self.pos
    }
}

/// [`Le`] over a fixed-layout structure: running out of bytes means the
/// structure is truncated, reported with its offset.
struct Fields<'a> {
    le: Le<'a>,
    offset: u64,
    what: &'static str,
}

impl<'a> Fields<'a> {
    fn new(buf: &'a [u8], offset: u64, what: &'static str) -> Self {
        Fields { le: Le::new(buf), offset, what }
    }

    fn truncated(&self) -> ArchiveError {
        malformed(self.offset, format!("truncated {}", self.what))
    }

    fn u16(&mut self) -> Result<u16, ArchiveError> {
        self.le.u16().ok_or_else(|| self.truncated())
    }

    fn u32(&mut self) -> Result<u32, ArchiveError> {
        self.le.u32().ok_or_else(|| self.truncated())
    }

    fn u64(&mut self) -> Result<u64, ArchiveError> {
        self.le.u64().ok_or_else(|| self.truncated())
    }

    fn take(&mut self, n: u16) -> Result<&'a [u8], ArchiveError> {
        self.le.take(n.into()).ok_or_else(|| self.truncated())
    }
}

/// The end-of-central-directory information, resolved through ZIP64 if present.
struct EndRecord {
    entries: u64,
    cd_offset: u64,
    cd_size: u64,
    /// Where the central directory must end: the ZIP64 end record or the end record.
    cd_limit: u64,
    /// The ZIP64 end record's "version made by" and "version needed", if it has one.
    zip64_versions: Option<(u16, u16)>,
    /// Fields of the end records to hold to the writer's values (field, found, expected),
    /// checked once the entries are counted so that a wrong count is named as such.
    canonical: Vec<(&'static str, u64, u64)>,
}

fn find_end(src: &Source<'_>, file_len: u64) -> Result<EndRecord, ArchiveError> {
    if file_len < EOCD_LEN {
        return Err(ArchiveError::MissingEndRecord);
    }
    // The record is followed by at most a 64 KiB comment, so it can only be
    // in this tail. We scan back from the end and take the last record that
    // fits; any comment or trailing bytes are then rejected, so which
    // candidate is picked never changes whether a file is accepted.
    let tail_start = file_len.saturating_sub(EOCD_LEN + MAX_COMMENT);
    let tail = src.read_vec(tail_start, file_len - tail_start)?;
    let mut found = None;
    for i in (0..=tail.len() - EOCD_LEN as usize).rev() {
        if tail[i..i + 4] == SIG_EOCD.to_le_bytes() {
            let comment_len = u16::from_le_bytes([tail[i + 20], tail[i + 21]]) as usize;
            if i + EOCD_LEN as usize + comment_len <= tail.len() {
                found = Some(i);
                break;
            }
        }
    }
    let i = found.ok_or(ArchiveError::MissingEndRecord)?;
    let eocd_pos = tail_start + i as u64;
    let mut r = Fields::new(&tail[i + 4..], eocd_pos, "end record");
    let disk = r.u16()?;
    let cd_disk = r.u16()?;
    let disk_entries = r.u16()?;
    let entries = r.u16()?;
    let cd_size = r.u32()?;
    let cd_offset = r.u32()?;
    let comment_len = r.u16()?;
    if comment_len > 0 {
        return Err(ArchiveError::ArchiveComment { len: comment_len.into() });
    }
    let end = eocd_pos + EOCD_LEN;
    if end < file_len {
        return Err(ArchiveError::TrailingData { len: file_len - end });
    }

    let has_locator = eocd_pos >= ZIP64_LOCATOR_LEN && {
        let mut sig = [0u8; 4];
        src.read_exact_at(&mut sig, eocd_pos - ZIP64_LOCATOR_LEN)?;
        sig == SIG_ZIP64_LOCATOR.to_le_bytes()
    };
    if !has_locator {
        if disk != 0 || cd_disk != 0 {
            return Err(multi_disk(format!(
                "end record names disk {disk}, central directory on disk {cd_disk}"
            )));
        }
        if disk_entries != entries {
            return Err(multi_disk(format!("{disk_entries} of {entries} entries on this disk")));
        }
        return Ok(EndRecord {
            entries: entries.into(),
            cd_offset: cd_offset.into(),
            cd_size: cd_size.into(),
            cd_limit: eocd_pos,
            zip64_versions: None,
            canonical: Vec::new(),
        });
    }

    let locator_pos = eocd_pos - ZIP64_LOCATOR_LEN;
    let locator = src.read_vec(locator_pos, ZIP64_LOCATOR_LEN)?;
    let mut r = Fields::new(&locator[4..], locator_pos, "ZIP64 locator");
    let zip64_disk = r.u32()?;
    let zip64_pos = r.u64()?;
    let total_disks = r.u32()?;
    if zip64_disk != 0 || total_disks != 1 {
        return Err(multi_disk(format!("ZIP64 locator names disk {zip64_disk} of {total_disks}")));
    }
    // No extensible data sector is accepted, so the record has a fixed size
    // and must sit immediately before the locator.
    let expected_pos = locator_pos
        .checked_sub(ZIP64_EOCD_LEN)
        .ok_or_else(|| malformed(locator_pos, "no room for the ZIP64 end record"))?;
    if zip64_pos != expected_pos {
        return Err(malformed(
            locator_pos,
            format!("ZIP64 end record is at {zip64_pos}, expected {expected_pos}"),
        ));
    }
    let record = src.read_vec(zip64_pos, ZIP64_EOCD_LEN)?;
    let mut r = Fields::new(&record, zip64_pos, "ZIP64 end record");
    let sig = r.u32()?;
    let record_size = r.u64()?;
    let made_by64 = r.u16()?;
    let needed64 = r.u16()?;
    let disk64 = r.u32()?;
    let cd_disk64 = r.u32()?;
    let disk_entries64 = r.u64()?;
    let entries64 = r.u64()?;
    let size64 = r.u64()?;
    let offset64 = r.u64()?;
    if sig != SIG_ZIP64_EOCD {
        return Err(malformed(zip64_pos, "bad ZIP64 end record signature"));
    }
    if record_size != ZIP64_EOCD_LEN - 12 {
        return Err(malformed(zip64_pos, "ZIP64 end record has an extensible data sector"));
    }
    if disk64 != 0 || cd_disk64 != 0 {
        return Err(multi_disk(format!(
            "ZIP64 end record names disk {disk64}, central directory on disk {cd_disk64}"
        )));
    }
    if disk_entries64 != entries64 {
        return Err(multi_disk(format!("{disk_entries64} of {entries64} entries on this disk")));
    }
    // Each classic field must either defer to ZIP64 (sentinel) or agree with it.
    let agrees16 = |v: u16, v64: u64| v == U16_SENTINEL || u64::from(v) == v64;
    let agrees32 = |v: u32, v64: u64| v == U32_SENTINEL || u64::from(v) == v64;
    if !(agrees16(disk, 0) && agrees16(cd_disk, 0)) {
        return Err(multi_disk("end record disk numbers disagree with ZIP64"));
    }
    if !(agrees16(entries, entries64)
        && agrees16(disk_entries, entries64)
        && agrees32(cd_size, size64)
        && agrees32(cd_offset, offset64))
    {
        return Err(malformed(eocd_pos, "end record disagrees with the ZIP64 end record"));
    }
    // The writer adds the ZIP64 records only when a value does not fit the classic
    // ones, and then fills those with the saturated value (the size always with the
    // sentinel); every other spelling is rejected.
    let needs_zip64 =
        entries64 > u64::from(U16_SENTINEL) || size64.max(offset64) > u64::from(U32_SENTINEL);
    let canonical = vec![
        ("ZIP64 end record present", u64::from(needs_zip64), 1),
        ("end record entry count", entries.into(), entries64.min(U16_SENTINEL.into())),
        (
            "end record entries on this disk",
            disk_entries.into(),
            entries64.min(U16_SENTINEL.into()),
        ),
        ("end record disk number", disk.into(), 0),
        ("end record central directory disk", cd_disk.into(), 0),
        ("end record central directory size", cd_size.into(), U32_SENTINEL.into()),
        (
            "end record central directory offset",
            cd_offset.into(),
            offset64.min(U32_SENTINEL.into()),
        ),
    ];
    Ok(EndRecord {
        entries: entries64,
        cd_offset: offset64,
        cd_size: size64,
        cd_limit: zip64_pos,
        zip64_versions: Some((made_by64, needed64)),
        canonical,
    })
}

/// Fields shared by local and central headers, compared one by one.
#[derive(Debug, Clone, PartialEq, Eq)]
struct CommonFields {
    version_needed: u16,
    flags: u16,
    method: u16,
    time: u16,
    date: u16,
    crc32: u32,
    compressed_size: u64,
    size: u64,
}

/// Parses the extra-field block, rejecting anything but one ZIP64 field.
fn zip64_field<'a>(
    extra: &'a [u8],
    name: &str,
    location: HeaderKind,
    offset: u64,
) -> Result<Option<&'a [u8]>, ArchiveError> {
    let mut r = Fields::new(extra, offset, "extra field block");
    let mut zip64 = None;
    while r.le.rest() > 0 {
        let id = r.u16()?;
        let len = r.u16()?;
        let data = r.take(len)?;
        match id {
            EXTRA_ZIP64 if zip64.is_none() => zip64 = Some(data),
            EXTRA_ZIP64 => {
                return Err(malformed(
                    offset,
                    format!("member {name:?}: repeated ZIP64 extra field"),
                ));
            }
            EXTRA_UNICODE_PATH => {
                return Err(ArchiveError::UnicodePathExtraField { name: name.into(), location });
            }
            id => {
                return Err(ArchiveError::ForbiddenExtraField { name: name.into(), id, location });
            }
        }
    }
    Ok(zip64)
}

fn check_flags(flags: u16, name: &str) -> Result<(), ArchiveError> {
    if flags & (FLAG_ENCRYPTED | FLAG_STRONG_ENCRYPTION | FLAG_MASKED_HEADERS) != 0 {
        return Err(ArchiveError::Encrypted { name: name.into() });
    }
    if flags & FLAG_DATA_DESCRIPTOR != 0 {
        return Err(ArchiveError::DataDescriptor { name: name.into() });
    }
    if flags & !ALLOWED_FLAGS != 0 {
        return Err(ArchiveError::UnsupportedFlags {
            name: name.into(),
            flags: flags & !ALLOWED_FLAGS,
        });
    }
    Ok(())
}

fn check_file_type(external: u32, name: &str) -> Result<(), ArchiveError> {
    // The high half is a Unix mode for Unix-made archives. It is checked
    // whatever the "made by" host says, because some extractors honour it
    // regardless; a genuine non-Unix archive leaves it zero.
    let kind = match (external >> 16) & S_IFMT {
        0 | S_IFREG => None,
        S_IFLNK => return Err(ArchiveError::Symlink { name: name.into() }),
        S_IFDIR => Some("directory"),
        0o010_000 => Some("FIFO"),
        0o020_000 => Some("character device"),
        0o060_000 => Some("block device"),
        0o140_000 => Some("socket"),
        _ => Some("unknown Unix file type"),
    };
    if let Some(kind) = kind {
        return Err(ArchiveError::NotRegularFile { name: name.into(), kind });
    }
    if external & WIN_REPARSE_POINT != 0 {
        return Err(ArchiveError::Symlink { name: name.into() });
    }
    let dos_kind = if external & DOS_DIRECTORY != 0 {
        Some("MS-DOS directory")
    } else if external & DOS_VOLUME_LABEL != 0 {
        Some("MS-DOS volume label")
    } else if external & DOS_DEVICE != 0 {
        Some("MS-DOS device")
    } else {
        None
    };
    match dos_kind {
        Some(kind) => Err(ArchiveError::NotRegularFile { name: name.into(), kind }),
        None => Ok(()),
    }
}

/// Decodes a raw name: UTF-8 is required, and non-ASCII names must say so.
fn decode_name(raw: &[u8], flags: u16) -> Result<String, ArchiveError> {
    let name = std::str::from_utf8(raw).map_err(|_| ArchiveError::NameNotUtf8 {
        name: String::from_utf8_lossy(raw).into_owned(),
    })?;
    if !name.is_ascii() && flags & FLAG_UTF8 == 0 {
        return Err(ArchiveError::Utf8FlagMissing { name: name.into() });
    }
    Ok(name.to_owned())
}

/// A central directory entry before its local header is checked.
struct CentralEntry {
    name: String,
    raw_name: Vec<u8>,
    fields: CommonFields,
    header_offset: u64,
}

/// Parses the central directory entry at the start of `cd`; returns it and its length.
fn parse_central_entry(
    cd: &[u8],
    offset: u64,
    limits: &Limits,
) -> Result<(CentralEntry, usize), ArchiveError> {
    let mut r = Fields::new(cd, offset, "central directory entry");
    if r.u32()? != SIG_CENTRAL {
        return Err(malformed(offset, "bad central directory entry signature"));
    }
    let made_by = r.u16()?;
    let version_needed = r.u16()?;
    let flags = r.u16()?;
    let method = r.u16()?;
    let time = r.u16()?;
    let date = r.u16()?;
    let crc32 = r.u32()?;
    let csize32 = r.u32()?;
    let size32 = r.u32()?;
    let name_len = r.u16()?;
    let extra_len = r.u16()?;
    let comment_len = r.u16()?;
    let disk_start = r.u16()?;
    let internal = r.u16()?;
    let external = r.u32()?;
    let offset32 = r.u32()?;
    let raw_name = r.take(name_len)?.to_vec();
    let extra = r.take(extra_len)?;
    r.take(comment_len)?;
    let consumed = r.le.pos;

    let name = decode_name(&raw_name, flags)?;
    check_flags(flags, &name)?;
    if method != METHOD_STORED && method != METHOD_DEFLATED {
        return Err(ArchiveError::UnsupportedMethod { name, method });
    }
    validate_name_syntax(&name)?;
    check_file_type(external, &name)?;
    if comment_len != 0 {
        return Err(ArchiveError::EntryComment { name });
    }
    // After the checks above, which name the common hostile values precisely.
    let version_ok = version_needed == VERSION_ZIP64
        || version_needed
            == if method == METHOD_STORED { VERSION_STORED } else { VERSION_DEFLATED };
    let utf8_flag = if name.is_ascii() { 0 } else { FLAG_UTF8 };
    let expect = |field, found: u64, expected: u64| {
        if found == expected {
            Ok(())
        } else {
            Err(non_canonical(Some(&name), field, found, expected))
        }
    };
    if !version_ok {
        let expected = if method == METHOD_STORED { VERSION_STORED } else { VERSION_DEFLATED };
        expect("version needed to extract", version_needed.into(), expected.into())?;
    }
    expect("version made by", made_by.into(), (MADE_BY_UNIX | version_needed).into())?;
    expect("flags", flags.into(), utf8_flag.into())?;
    expect("modification time", time.into(), DOS_EPOCH_TIME.into())?;
    expect("modification date", date.into(), DOS_EPOCH_DATE.into())?;
    expect("internal attributes", internal.into(), INTERNAL_ATTRIBUTES.into())?;
    expect("external attributes", external.into(), EXTERNAL_ATTRIBUTES.into())?;

    // ZIP64 carries exactly the fields whose classic value is the sentinel, in
    // this order (APPNOTE 4.5.3); anything else in it is rejected.
    let zip64 = zip64_field(extra, &name, HeaderKind::Central, offset)?;
    let mut z = Le::new(zip64.unwrap_or_default());
    let bad_zip64 = || {
        malformed(
            offset,
            format!("member {name:?}: ZIP64 extra field does not match the sentinel fields"),
        )
    };
    let mut widen = |v: u32| -> Result<u64, ArchiveError> {
        if v != U32_SENTINEL {
            return Ok(v.into());
        }
        z.u64().ok_or_else(bad_zip64)
    };
    let size = widen(size32)?;
    let compressed_size = widen(csize32)?;
    let header_offset = widen(offset32)?;
    let disk =
        if disk_start == U16_SENTINEL { z.u32().ok_or_else(bad_zip64)? } else { disk_start.into() };
    if z.rest() != 0 || (zip64.is_some() && z.pos == 0) {
        return Err(bad_zip64());
    }
    if disk != 0 {
        return Err(multi_disk(format!("member {name:?} starts on disk {disk}")));
    }

    if method == METHOD_STORED && compressed_size != size {
        return Err(ArchiveError::StoredSizeMismatch {
            name,
            compressed: compressed_size,
            uncompressed: size,
        });
    }
    if size > limits.max_entry_size {
        return Err(ArchiveError::EntryTooLarge { name, size, limit: limits.max_entry_size });
    }
    if size > limits.ratio_threshold && size > compressed_size.saturating_mul(limits.max_ratio) {
        return Err(ArchiveError::CompressionRatio {
            name,
            compressed: compressed_size,
            uncompressed: size,
            limit: limits.max_ratio,
        });
    }
    let entry = CentralEntry {
        name,
        raw_name,
        fields: CommonFields {
            version_needed,
            flags,
            method,
            time,
            date,
            crc32,
            compressed_size,
            size,
        },
        header_offset,
    };
    Ok((entry, consumed))
}

/// Checks the archive-wide name rules: uniqueness, normalisation, case.
fn check_names(entries: &[CentralEntry]) -> Result<(), ArchiveError> {
    let mut exact = HashMap::with_capacity(entries.len());
    for e in entries {
        if exact.insert(e.name.as_str(), ()).is_some() {
            return Err(ArchiveError::DuplicateName { name: e.name.clone() });
        }
    }
    // Before the per-name NFC check, so that a pair of names that only differ
    // in normalisation is reported as what it is: a collision.
    let mut normalized: HashMap<String, &str> = HashMap::with_capacity(entries.len());
    for e in entries {
        let key: String = e.name.nfc().collect();
        if let Some(other) = normalized.insert(key, &e.name) {
            return Err(ArchiveError::NormalizationCollision {
                name: e.name.clone(),
                other: other.to_owned(),
            });
        }
    }
    for e in entries {
        if !unicode_normalization::is_nfc(&e.name) {
            return Err(ArchiveError::NotNfc { name: e.name.clone() });
        }
    }
    let mut set = NameSet::default();
    for e in entries {
        set.insert(&e.name)?;
    }
    Ok(())
}

/// The writer adds members in byte-wise name order and lists them in the order it
/// wrote them, so the central directory is sorted by name (and, checked with the
/// layout, by offset); any other order would be another spelling of the same archive.
fn check_order(entries: &[CentralEntry]) -> Result<(), ArchiveError> {
    for pair in entries.windows(2) {
        if pair[0].raw_name >= pair[1].raw_name {
            return Err(ArchiveError::NotSorted {
                name: pair[1].name.clone(),
                previous: pair[0].name.clone(),
            });
        }
    }
    Ok(())
}

/// Reads and compares the local header; returns the offset of the data.
fn check_local_header(
    src: &Source<'_>,
    entry: &CentralEntry,
    cd_offset: u64,
) -> Result<u64, ArchiveError> {
    let name = &entry.name;
    let offset = entry.header_offset;
    let overlaps_cd = || ArchiveError::EntryOverlapsCentralDirectory { name: name.clone() };
    if offset.checked_add(LOCAL_LEN).is_none_or(|end| end > cd_offset) {
        return Err(overlaps_cd());
    }
    let mut fixed = [0u8; LOCAL_LEN as usize];
    src.read_exact_at(&mut fixed, offset)?;
    let mut r = Fields::new(&fixed, offset, "local header");
    let sig = r.u32()?;
    let version_needed = r.u16()?;
    let flags = r.u16()?;
    let method = r.u16()?;
    let time = r.u16()?;
    let date = r.u16()?;
    let crc32 = r.u32()?;
    let csize32 = r.u32()?;
    let size32 = r.u32()?;
    let name_len = r.u16()?;
    let extra_len = r.u16()?;
    if sig != SIG_LOCAL {
        return Err(malformed(offset, format!("member {name:?}: bad local header signature")));
    }
    let var_len = u64::from(name_len) + u64::from(extra_len);
    let data_offset = offset + LOCAL_LEN + var_len;
    if data_offset > cd_offset {
        return Err(overlaps_cd());
    }
    let var = src.read_vec(offset + LOCAL_LEN, var_len)?;
    let (raw_name, extra) = var.split_at(name_len.into());
    if raw_name != entry.raw_name.as_slice() {
        return Err(ArchiveError::LocalHeaderMismatch { name: name.clone(), field: "name" });
    }
    // In a local header ZIP64 must hold both sizes, and only them (APPNOTE 4.5.3).
    let (size, compressed_size) = match zip64_field(extra, name, HeaderKind::Local, offset)? {
        Some(data) => {
            let mut z = Le::new(data);
            match (z.u64(), z.u64()) {
                (Some(s), Some(c))
                    if z.rest() == 0 && size32 == U32_SENTINEL && csize32 == U32_SENTINEL =>
                {
                    (s, c)
                }
                _ => {
                    return Err(malformed(
                        offset,
                        format!("member {name:?}: malformed ZIP64 field in local header"),
                    ));
                }
            }
        }
        None if size32 == U32_SENTINEL || csize32 == U32_SENTINEL => {
            return Err(malformed(
                offset,
                format!("member {name:?}: local header size sentinel without ZIP64 field"),
            ));
        }
        None => (size32.into(), csize32.into()),
    };
    let local_zip64 = size32 == U32_SENTINEL;
    if local_zip64 != (version_needed == VERSION_ZIP64) {
        let expected = match (local_zip64, method) {
            (true, _) => VERSION_ZIP64,
            (false, METHOD_STORED) => VERSION_STORED,
            (false, _) => VERSION_DEFLATED,
        };
        return Err(non_canonical(
            Some(name),
            "version needed to extract",
            version_needed.into(),
            expected.into(),
        ));
    }
    let local =
        CommonFields { version_needed, flags, method, time, date, crc32, compressed_size, size };
    let c = &entry.fields;
    let field = if local.flags != c.flags {
        Some("flags")
    } else if local.method != c.method {
        Some("compression method")
    } else if local.crc32 != c.crc32 {
        Some("CRC-32")
    } else if local.compressed_size != c.compressed_size {
        Some("compressed size")
    } else if local.size != c.size {
        Some("uncompressed size")
    } else if local.version_needed != c.version_needed {
        Some("version needed to extract")
    } else if (local.time, local.date) != (c.time, c.date) {
        Some("modification time")
    } else {
        None
    };
    if let Some(field) = field {
        return Err(ArchiveError::LocalHeaderMismatch { name: name.clone(), field });
    }
    if data_offset.checked_add(compressed_size).is_none_or(|end| end > cd_offset) {
        return Err(overlaps_cd());
    }
    Ok(data_offset)
}

/// Whether the central directory is found exactly `shift` bytes after where
/// the end record says it is, i.e. the archive was moved without fixing offsets.
fn prepended_without_adjustment(
    src: &Source<'_>,
    end: &EndRecord,
    shift: u64,
) -> Result<bool, ArchiveError> {
    if end.cd_size == 0 {
        return Ok(end.cd_offset == 0);
    }
    let mut sig = [0u8; 4];
    src.read_exact_at(&mut sig, end.cd_offset + shift)?;
    Ok(sig == SIG_CENTRAL.to_le_bytes())
}

fn parse(src: &Source<'_>, limits: &Limits) -> Result<Vec<Member>, ArchiveError> {
    let file_len = src.len()?;
    let end = find_end(src, file_len)?;
    if end.entries > limits.max_entries {
        return Err(ArchiveError::TooManyEntries { count: end.entries, limit: limits.max_entries });
    }
    let cd_end = end.cd_offset.checked_add(end.cd_size);
    match cd_end {
        Some(e) if e == end.cd_limit => {}
        Some(e) if e < end.cd_limit => {
            let shift = end.cd_limit - e;
            // Data glued in front of an archive (`cat stub bundle.zip`) shifts
            // everything without updating offsets; name that case precisely.
            return Err(if prepended_without_adjustment(src, &end, shift)? {
                ArchiveError::PrependedData { len: shift }
            } else {
                ArchiveError::GapBeforeEndRecord { offset: e, len: shift }
            });
        }
        _ => {
            return Err(ArchiveError::CentralDirectoryOutOfBounds {
                offset: end.cd_offset,
                size: end.cd_size,
                limit: end.cd_limit,
            });
        }
    }
    if end.cd_size > limits.max_central_directory_size {
        return Err(ArchiveError::CentralDirectoryTooLarge {
            size: end.cd_size,
            limit: limits.max_central_directory_size,
        });
    }

    let cd = src.read_vec(end.cd_offset, end.cd_size)?;
    let mut at = 0usize;
    // Each entry takes at least CENTRAL_LEN bytes, which bounds the allocation.
    let capacity = end.entries.min((cd.len() / CENTRAL_LEN) as u64);
    let mut entries = Vec::with_capacity(usize::try_from(capacity).unwrap_or(0));
    let mut total: u64 = 0;
    while at < cd.len() {
        if entries.len() as u64 == end.entries {
            // Stop here rather than parse an unbounded surplus: "at least one more".
            return Err(ArchiveError::EntryCountMismatch {
                declared: end.entries,
                found: end.entries + 1,
            });
        }
        let offset = end.cd_offset + at as u64;
        let (entry, len) = parse_central_entry(&cd[at..], offset, limits)?;
        at += len;
        total = total.saturating_add(entry.fields.size);
        if total > limits.max_total_size {
            return Err(ArchiveError::TotalSizeTooLarge { total, limit: limits.max_total_size });
        }
        entries.push(entry);
    }
    if entries.len() as u64 != end.entries {
        return Err(ArchiveError::EntryCountMismatch {
            declared: end.entries,
            found: entries.len() as u64,
        });
    }
    for &(field, found, expected) in &end.canonical {
        if found != expected {
            return Err(non_canonical(None, field, found, expected));
        }
    }
    check_names(&entries)?;
    check_order(&entries)?;
    if let Some((made_by, needed)) = end.zip64_versions {
        // The highest version any member needs (at least 1.0), in both fields.
        let expected =
            entries.iter().map(|e| e.fields.version_needed).fold(VERSION_STORED, u16::max);
        for (field, found) in [("ZIP64 version made by", made_by), ("ZIP64 version needed", needed)]
        {
            if found != expected {
                return Err(non_canonical(None, field, found.into(), expected.into()));
            }
        }
    }

    // Every byte before the central directory must belong to exactly one
    // listed member, in offset order: this rules out prepended data, hidden
    // local entries and overlapping (e.g. quine-style) members.
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by_key(|&i| entries[i].header_offset);
    let mut data_offsets = vec![0u64; entries.len()];
    let mut pos = 0u64;
    let mut previous: Option<&CentralEntry> = None;
    for &i in &order {
        let entry = &entries[i];
        if entry.header_offset > pos {
            return Err(match previous {
                None => ArchiveError::PrependedData { len: entry.header_offset },
                Some(prev) => ArchiveError::HiddenData {
                    offset: pos,
                    len: entry.header_offset - pos,
                    after: Some(prev.name.clone()),
                },
            });
        }
        if let Some(prev) = previous
            && entry.header_offset < pos
        {
            return Err(ArchiveError::OverlappingEntries {
                name: entry.name.clone(),
                other: prev.name.clone(),
            });
        }
        let data_offset = check_local_header(src, entry, end.cd_offset)?;
        data_offsets[i] = data_offset;
        pos = data_offset + entry.fields.compressed_size;
        previous = Some(entry);
    }
    if pos < end.cd_offset {
        return Err(match previous {
            None => ArchiveError::PrependedData { len: end.cd_offset },
            Some(prev) => ArchiveError::HiddenData {
                offset: pos,
                len: end.cd_offset - pos,
                after: Some(prev.name.clone()),
            },
        });
    }
    // Names are sorted (check_order), so a member whose data comes earlier than
    // its place in the list means the central directory was reordered.
    if let Some((k, &i)) = order.iter().enumerate().find(|&(k, &i)| k != i) {
        return Err(malformed(
            end.cd_offset,
            format!(
                "central directory lists member {:?} at position {} but its data is member {} in the file",
                entries[i].name,
                i + 1,
                k + 1
            ),
        ));
    }

    Ok(entries
        .into_iter()
        .zip(data_offsets)
        .map(|(e, data_offset)| Member {
            compression: if e.fields.method == METHOD_STORED {
                Compression::Stored
            } else {
                Compression::Deflated
            },
            name: e.name,
            size: e.fields.size,
            compressed_size: e.fields.compressed_size,
            crc32: e.fields.crc32,
            data_offset,
        })
        .collect())
}
