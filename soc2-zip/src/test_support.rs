//! Test helpers: a raw ZIP assembler for building hostile archives byte by
//! byte, and shortcuts for writing and opening archives in temporary files.
//!
//! Compiled for this crate's tests and, with the `test-support` feature, for other
//! crates' tests; never part of a release build.
#![allow(missing_docs, reason = "test helpers: the ZIP spec documents the fields")]

use std::io::Write;
use std::path::PathBuf;

use flate2::Compression as Level;
use flate2::write::DeflateEncoder;

use super::{ArchiveError, BundleWriter, Compression, Limits, SafeArchive};

/// Fields present in both the local header and the central directory entry.
#[derive(Debug, Clone)]
pub struct RawHeader {
    pub version_needed: u16,
    pub flags: u16,
    pub method: u16,
    pub time: u16,
    pub date: u16,
    pub crc32: u32,
    pub compressed_size: u32,
    pub size: u32,
    pub name: Vec<u8>,
    pub extra: Vec<u8>,
}

/// One member as it will be laid out, with independently editable headers.
#[derive(Debug, Clone)]
pub struct RawEntry {
    pub local: RawHeader,
    pub central: RawHeader,
    pub made_by: u16,
    pub disk_start: u16,
    pub internal: u16,
    pub external: u32,
    pub comment: Vec<u8>,
    pub data: Vec<u8>,
    /// Replaces the local header offset recorded in the central directory.
    pub offset_override: Option<u32>,
    /// Whether the entry is listed in the central directory.
    pub in_central: bool,
    /// Whether the local header and data are written.
    pub in_local: bool,
    /// Bytes written right after this entry's data.
    pub gap_after: Vec<u8>,
}

impl RawEntry {
    fn new(name: &[u8], method: u16, content: &[u8], data: Vec<u8>) -> Self {
        // What the writer emits: version 1.0 stored, 2.0 deflated (see the reader).
        let version_needed = if method == 0 { 10 } else { 20 };
        let header = RawHeader {
            version_needed,
            flags: if name.is_ascii() { 0 } else { 1 << 11 },
            method,
            time: 0,
            date: 0x21,
            crc32: crc32fast::hash(content),
            compressed_size: data.len() as u32,
            size: content.len() as u32,
            name: name.to_vec(),
            extra: Vec::new(),
        };
        RawEntry {
            local: header.clone(),
            central: header,
            made_by: (3 << 8) | version_needed,
            disk_start: 0,
            internal: 0,
            external: 0o100_644 << 16,
            comment: Vec::new(),
            data,
            offset_override: None,
            in_central: true,
            in_local: true,
            gap_after: Vec::new(),
        }
    }

    /// A stored member.
    pub fn stored(name: &str, content: &[u8]) -> Self {
        Self::stored_raw(name.as_bytes(), content)
    }

    /// A stored member with a raw (possibly non-UTF-8) name.
    pub fn stored_raw(name: &[u8], content: &[u8]) -> Self {
        Self::new(name, 0, content, content.to_vec())
    }

    /// A deflated member.
    pub fn deflated(name: &str, content: &[u8]) -> Self {
        Self::new(name.as_bytes(), 8, content, deflate(content))
    }

    /// Applies `f` to both headers.
    pub fn both(mut self, f: impl Fn(&mut RawHeader)) -> Self {
        f(&mut self.local);
        f(&mut self.central);
        self
    }
}

/// Raw DEFLATE of `content`.
pub fn deflate(content: &[u8]) -> Vec<u8> {
    let mut enc = DeflateEncoder::new(Vec::new(), Level::new(6));
    enc.write_all(content).expect("in-memory deflate");
    enc.finish().expect("in-memory deflate")
}

/// A ZIP64 extra field carrying `values`.
pub fn zip64_extra(values: &[u64]) -> Vec<u8> {
    let mut out = vec![0x01, 0x00];
    out.extend_from_slice(&((values.len() * 8) as u16).to_le_bytes());
    for v in values {
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// An arbitrary extra field.
pub fn extra_field(id: u16, data: &[u8]) -> Vec<u8> {
    let mut out = id.to_le_bytes().to_vec();
    out.extend_from_slice(&(data.len() as u16).to_le_bytes());
    out.extend_from_slice(data);
    out
}

/// Overrides for the end-of-central-directory record (`None` = computed).
#[derive(Debug, Clone, Default)]
pub struct EndOverrides {
    pub disk: Option<u16>,
    pub cd_disk: Option<u16>,
    pub disk_entries: Option<u16>,
    pub entries: Option<u16>,
    pub cd_size: Option<u32>,
    pub cd_offset: Option<u32>,
}

/// ZIP64 end record settings (`None` fields = computed).
#[derive(Debug, Clone, Default)]
pub struct Zip64End {
    pub entries: Option<u64>,
    pub locator_disks: Option<u32>,
    pub record_disk: Option<u32>,
}

/// A complete archive described field by field.
#[derive(Debug, Clone, Default)]
pub struct RawArchive {
    pub prefix: Vec<u8>,
    pub entries: Vec<RawEntry>,
    /// Bytes between the central directory and the end record(s).
    pub cd_gap: Vec<u8>,
    pub end: EndOverrides,
    pub zip64: Option<Zip64End>,
    pub comment: Vec<u8>,
    pub trailing: Vec<u8>,
}

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

impl RawArchive {
    /// An archive of the given entries and nothing else.
    pub fn of(entries: Vec<RawEntry>) -> Self {
        RawArchive { entries, ..Default::default() }
    }

    /// Serialises the archive.
    pub fn build(&self) -> Vec<u8> {
        let mut out = self.prefix.clone();
        let mut offsets = Vec::new();
        for e in &self.entries {
            offsets.push(out.len() as u32);
            if !e.in_local {
                continue;
            }
            let h = &e.local;
            put32(&mut out, 0x0403_4b50);
            put16(&mut out, h.version_needed);
            put16(&mut out, h.flags);
            put16(&mut out, h.method);
            put16(&mut out, h.time);
            put16(&mut out, h.date);
            put32(&mut out, h.crc32);
            put32(&mut out, h.compressed_size);
            put32(&mut out, h.size);
            put16(&mut out, h.name.len() as u16);
            put16(&mut out, h.extra.len() as u16);
            out.extend_from_slice(&h.name);
            out.extend_from_slice(&h.extra);
            out.extend_from_slice(&e.data);
            out.extend_from_slice(&e.gap_after);
        }
        let cd_offset = out.len() as u64;
        let mut count = 0u64;
        for (e, &offset) in self.entries.iter().zip(&offsets) {
            if !e.in_central {
                continue;
            }
            count += 1;
            let h = &e.central;
            put32(&mut out, 0x0201_4b50);
            put16(&mut out, e.made_by);
            put16(&mut out, h.version_needed);
            put16(&mut out, h.flags);
            put16(&mut out, h.method);
            put16(&mut out, h.time);
            put16(&mut out, h.date);
            put32(&mut out, h.crc32);
            put32(&mut out, h.compressed_size);
            put32(&mut out, h.size);
            put16(&mut out, h.name.len() as u16);
            put16(&mut out, h.extra.len() as u16);
            put16(&mut out, e.comment.len() as u16);
            put16(&mut out, e.disk_start);
            put16(&mut out, e.internal);
            put32(&mut out, e.external);
            put32(&mut out, e.offset_override.unwrap_or(offset));
            out.extend_from_slice(&h.name);
            out.extend_from_slice(&h.extra);
            out.extend_from_slice(&e.comment);
        }
        let cd_size = out.len() as u64 - cd_offset;
        out.extend_from_slice(&self.cd_gap);
        let o = &self.end;
        if let Some(z) = &self.zip64 {
            let record_pos = out.len() as u64;
            let entries = z.entries.unwrap_or(count);
            put32(&mut out, 0x0606_4b50);
            put64(&mut out, 44);
            put16(&mut out, 45);
            put16(&mut out, 45);
            put32(&mut out, z.record_disk.unwrap_or(0));
            put32(&mut out, 0);
            put64(&mut out, entries);
            put64(&mut out, entries);
            put64(&mut out, cd_size);
            put64(&mut out, cd_offset);
            put32(&mut out, 0x0706_4b50);
            put32(&mut out, 0);
            put64(&mut out, record_pos);
            put32(&mut out, z.locator_disks.unwrap_or(1));
            put32(&mut out, 0x0605_4b50);
            put16(&mut out, o.disk.unwrap_or(0));
            put16(&mut out, o.cd_disk.unwrap_or(0));
            put16(&mut out, o.disk_entries.unwrap_or(0xFFFF));
            put16(&mut out, o.entries.unwrap_or(0xFFFF));
            put32(&mut out, o.cd_size.unwrap_or(u32::MAX));
            put32(&mut out, o.cd_offset.unwrap_or(u32::MAX));
        } else {
            put32(&mut out, 0x0605_4b50);
            put16(&mut out, o.disk.unwrap_or(0));
            put16(&mut out, o.cd_disk.unwrap_or(0));
            put16(&mut out, o.disk_entries.unwrap_or(count as u16));
            put16(&mut out, o.entries.unwrap_or(count as u16));
            put32(&mut out, o.cd_size.unwrap_or(cd_size as u32));
            put32(&mut out, o.cd_offset.unwrap_or(cd_offset as u32));
        }
        put16(&mut out, self.comment.len() as u16);
        out.extend_from_slice(&self.comment);
        out.extend_from_slice(&self.trailing);
        out
    }
}

/// An archive opened from a temporary file that lives as long as it does.
pub struct Opened {
    pub archive: SafeArchive,
    _file: tempfile::NamedTempFile,
}

/// Writes `bytes` to a temporary file and opens it with `limits`.
pub fn open_bytes_with(bytes: &[u8], limits: Limits) -> Result<Opened, ArchiveError> {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(bytes).expect("write temp file");
    file.flush().expect("flush temp file");
    let archive = SafeArchive::open(file.path(), limits)?;
    Ok(Opened { archive, _file: file })
}

/// Writes `bytes` to a temporary file and opens it with default limits.
pub fn open_bytes(bytes: &[u8]) -> Result<Opened, ArchiveError> {
    open_bytes_with(bytes, Limits::default())
}

/// Opens and fully reads `bytes`, returning the first error.
pub fn open_and_verify(bytes: &[u8]) -> Result<(), ArchiveError> {
    open_bytes(bytes)?.archive.verify_all()
}

/// A member to write with [`write_bundle`].
pub type Spec<'a> = (&'a str, Compression, &'a [u8]);

/// Writes a bundle with [`BundleWriter`] and returns its bytes.
pub fn write_bundle(members: &[Spec<'_>]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("bundle.zip");
    let mut writer = BundleWriter::create(&path).expect("create writer");
    for (name, compression, data) in members {
        writer.add_bytes(name, *compression, data).expect("add member");
    }
    writer.finish().expect("finish");
    fs_err::read(&path).expect("read bundle")
}

/// Lists the entries of a directory (to check that no temp file is left behind).
pub fn dir_entries(dir: &std::path::Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> =
        fs_err::read_dir(dir).expect("read dir").map(|e| e.expect("dir entry").path()).collect();
    v.sort();
    v
}
