//! A deterministic ZIP writer and a strict ZIP reader, made for soc2's evidence
//! bundles but with no SOC 2 knowledge (`soc2-core` re-exports it as
//! `soc2_core::bundle::archive`).
//!
//! A bundle is an ordinary ZIP file so that an auditor can open it with any
//! tool, but the two halves of this crate deliberately accept far less than
//! the ZIP format allows:
//!
//! * [`BundleWriter`] produces byte-identical output for identical input
//!   (fixed timestamps, permissions, compression level, no varying extra
//!   fields) so that a bundle's hash is reproducible, and it only ever makes
//!   the finished file visible through an atomic rename.
//! * [`SafeArchive`] parses every structure itself instead of trusting a
//!   general-purpose ZIP library, and rejects anything that could make two
//!   tools disagree about what the archive contains: hidden or overlapping
//!   entries, ambiguous or dangerous names, lying sizes or checksums,
//!   encryption, exotic compression and decompression bombs.
//!
//! Member names follow one set of rules on both sides (see
//! [`validate_member_name`]): relative `/`-separated UTF-8 paths in Unicode
//! NFC, without `.`/`..`/empty components, backslashes, control characters or
//! drive letters, and unique even when compared case-insensitively.

pub mod io;
mod reader;
mod writer;

#[cfg(any(test, feature = "test-support"))]
pub mod test_support;
#[cfg(test)]
mod testdata;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::path::PathBuf;

use unicode_normalization::UnicodeNormalization;

pub use reader::{Member, MemberReader, SafeArchive};
pub use writer::BundleWriter;
pub use writer::{MemberPreparer, PREPARE_MAX, PreparedMember};

/// How a member's content is stored inside the archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Compression {
    /// Stored verbatim (ZIP method 0).
    Stored,
    /// Compressed with raw DEFLATE (ZIP method 8).
    Deflated,
}

impl Compression {
    /// The ZIP compression method number for this variant.
    pub fn method_id(self) -> u16 {
        match self {
            Compression::Stored => METHOD_STORED,
            Compression::Deflated => METHOD_DEFLATED,
        }
    }
}

/// How many bytes at the start of a member [`compression_for`] looks at: its decision
/// depends on these bytes (and the media type) only, never on the rest of the content,
/// on timing or on threads, so the same content is always stored or deflated alike.
/// 16 KiB: text shows itself well within that, and the trial of an incompressible
/// block, the costliest case, takes about 80 µs (over 400 µs for 64 KiB, which on a
/// locker of many random attachments costs as much as hashing a tenth of them).
pub const TRIAL_BLOCK: usize = 16 * 1024;

/// Picks a compression method for a member of the given media type whose content
/// starts with `first_block` (the first [`TRIAL_BLOCK`] bytes, or all of a shorter
/// content; bytes past that are ignored).
///
/// 1. Content already compressed is stored without a trial: by its media type (see
///    [`compressed_media_type`]) or by its first bytes (see [`compressed_magic`]),
///    since deflating it again costs time and usually makes it larger.
/// 2. A first block of at least [`SPREAD_MIN`] bytes whose byte values and steps are
///    spread as evenly as random bytes' ([`bytes_look_random`], integer arithmetic only)
///    is stored without a trial: Huffman coding cannot gain on it, and only repeats of
///    whole stretches could (random or encrypted data, which is what such blocks are in
///    practice; a random block repeated is stored too, the price of skipping the trial).
/// 3. Otherwise a trial decides: the first block is deflated as the member would be
///    (raw DEFLATE, level 1); the member is deflated if that saves at least 10 %, and
///    stored otherwise (contents too short to gain, and what step 2 let through).
///
/// The result is a pure function of its arguments, so bundles stay byte-reproducible.
pub fn compression_for(media_type: &str, first_block: &[u8]) -> Compression {
    if compressed_media_type(media_type) {
        Compression::Stored
    } else {
        compression_for_content(first_block)
    }
}

/// [`compression_for`] with no media type to go by: magic bytes, then the trial.
pub fn compression_for_content(first_block: &[u8]) -> Compression {
    let block = &first_block[..first_block.len().min(TRIAL_BLOCK)];
    if compressed_magic(block) || bytes_look_random(block) || !deflate_saves_enough(block) {
        Compression::Stored
    } else {
        Compression::Deflated
    }
}

/// Whether the media type names an already-compressed format: images such as PNG and
/// JPEG, audio and video (but uncompressed WAV and AIFF), archives (zip, gzip, zstd,
/// xz, bzip2, 7z, rar), ZIP-based formats (`+zip`, office documents). PDF is not among
/// them: a PDF may or may not compress its streams, so its content decides. Parameters
/// (`; charset=...`) and letter case are ignored.
pub fn compressed_media_type(media_type: &str) -> bool {
    let essence = media_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let (kind, subtype) = essence.split_once('/').unwrap_or((essence.as_str(), ""));
    match kind {
        "video" => true,
        "audio" => !matches!(
            subtype,
            "wav" | "x-wav" | "wave" | "vnd.wave" | "aiff" | "x-aiff" | "basic" | "l16"
        ),
        "image" => matches!(
            subtype,
            "png" | "jpeg" | "jpg" | "pjpeg" | "gif" | "webp" | "avif" | "heic" | "heif" | "jxl"
        ),
        "application" => {
            matches!(
                subtype,
                "zip"
                    | "gzip"
                    | "x-gzip"
                    | "zstd"
                    | "x-zstd"
                    | "x-xz"
                    | "x-bzip2"
                    | "x-7z-compressed"
                    | "vnd.rar"
                    | "x-rar-compressed"
                    | "java-archive"
            )
                // Structured-syntax suffixes (RFC 6839) and office formats are ZIP containers.
                || subtype.ends_with("+zip")
                || subtype.ends_with("+gzip")
                || subtype.starts_with("vnd.openxmlformats-officedocument.")
                || subtype.starts_with("vnd.oasis.opendocument.")
        }
        _ => false,
    }
}

/// Whether content starting with `first` is, by its magic bytes, in an
/// already-compressed format: zip (and the formats built on it: office documents, jar,
/// epub), gzip, bzip2, xz, zstd, lz4, 7z, rar, PNG, JPEG, GIF, WebP, and the ISO base
/// media formats (MP4, MOV, HEIC, AVIF: `ftyp` at offset 4).
pub fn compressed_magic(first: &[u8]) -> bool {
    const PREFIXES: &[&[u8]] = &[
        b"PK\x03\x04",         // zip
        b"PK\x05\x06",         // empty zip
        b"PK\x07\x08",         // spanned zip
        b"\x1f\x8b",           // gzip
        b"BZh",                // bzip2
        b"\xfd7zXZ\x00",       // xz
        b"\x28\xb5\x2f\xfd",   // zstd
        b"\x04\x22\x4d\x18",   // lz4 frame
        b"7z\xbc\xaf\x27\x1c", // 7z
        b"Rar!\x1a\x07",       // rar
        b"\x89PNG\r\n\x1a\n",  // png
        b"\xff\xd8\xff",       // jpeg
        b"GIF87a",             // gif
        b"GIF89a",             // gif
    ];
    PREFIXES.iter().any(|p| first.starts_with(p))
        || (first.starts_with(b"RIFF") && first.get(8..12) == Some(b"WEBP"))
        || first.get(4..8) == Some(b"ftyp")
}

/// The shortest first block [`bytes_look_random`] judges; shorter ones go to the trial,
/// which is cheap for them.
pub const SPREAD_MIN: usize = 4096;

/// Whether the byte values of `block` (at least [`SPREAD_MIN`] bytes), and the
/// differences between neighbouring bytes, are both spread as evenly as random bytes':
/// for each, the sum of the squared counts of the 256 values is at most 1.1 times what
/// uniformly random bytes give on average (`n + n(n-1)/256` for `n` values), that is a
/// collision entropy of at least about 7.86 bits per byte. Random 16 KiB blocks measure
/// about 1.00 times; text 10 times or more. The differences catch regular sequences (a
/// counter, a table) whose values alone look even. Integers only, so that every
/// platform decides the same.
pub fn bytes_look_random(block: &[u8]) -> bool {
    fn even(counts: &[u64; 256], n: u64) -> bool {
        let squares: u64 = counts.iter().map(|c| c * c).sum();
        // 256 * squares <= 1.1 * (n^2 + 255 n), in integers.
        2560 * squares <= 11 * (n * n + 255 * n)
    }
    if block.len() < SPREAD_MIN {
        return false;
    }
    let mut values = [0u64; 256];
    let mut steps = [0u64; 256];
    values[block[0] as usize] += 1;
    for pair in block.windows(2) {
        values[pair[1] as usize] += 1;
        steps[pair[1].wrapping_sub(pair[0]) as usize] += 1;
    }
    even(&values, block.len() as u64) && even(&steps, block.len() as u64 - 1)
}

/// Whether deflating `block` (raw DEFLATE at the members' level) saves at least 10 %.
fn deflate_saves_enough(block: &[u8]) -> bool {
    if block.is_empty() {
        return false;
    }
    let mut deflater =
        flate2::Compress::new(flate2::Compression::new(writer::DEFLATE_LEVEL), false);
    // Output past 90 % of the input is a "no": the deflater stops there.
    let limit = block.len() - block.len() / 10;
    let mut out = Vec::with_capacity(limit);
    match deflater.compress_vec(block, &mut out, flate2::FlushCompress::Finish) {
        Ok(flate2::Status::StreamEnd) => out.len() <= limit,
        // Out of room (or an error, which a deflater over memory does not have).
        _ => false,
    }
}

/// Bounds that [`SafeArchive::open`] enforces before trusting an archive.
///
/// Declared sizes are checked up front when the archive is opened; while a
/// member is read its output is additionally capped at its declared size, so
/// the ratio and size limits also hold for archives that lie about sizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limits {
    /// Maximum number of members.
    pub max_entries: u64,
    /// Maximum uncompressed size of a single member, in bytes.
    pub max_entry_size: u64,
    /// Maximum sum of all members' uncompressed sizes, in bytes.
    pub max_total_size: u64,
    /// Maximum uncompressed/compressed size ratio for members above
    /// [`Limits::ratio_threshold`].
    pub max_ratio: u64,
    /// Members whose uncompressed size is at most this many bytes are exempt
    /// from [`Limits::max_ratio`]: tiny, highly repetitive files legitimately
    /// compress very well and cannot do harm.
    pub ratio_threshold: u64,
    /// Maximum size of the central directory in bytes. It is held in memory
    /// while the archive is opened, so this bounds the memory a hostile
    /// archive can make the reader allocate.
    pub max_central_directory_size: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 100_000,
            max_entry_size: 64 << 30,
            max_total_size: 256 << 30,
            max_ratio: 1000,
            ratio_threshold: 1 << 20,
            max_central_directory_size: 64 << 20,
        }
    }
}

/// Which of the two per-member headers a problem was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderKind {
    /// The local file header that precedes the member's data.
    Local,
    /// The member's entry in the central directory.
    Central,
}

impl std::fmt::Display for HeaderKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            HeaderKind::Local => "local header",
            HeaderKind::Central => "central directory",
        })
    }
}

/// Everything that can go wrong writing or reading a bundle archive.
///
/// Names in messages are printed with Rust's debug escaping so that control
/// characters in a hostile name cannot forge log lines or terminal output.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    /// An I/O operation on the archive file (or its directory) failed.
    #[error("I/O error on {}: {source}", path.display())]
    Io {
        /// The file or directory the operation was on.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The `zip` crate's writer reported an error.
    #[error("ZIP writer failed on {}: {source}", path.display())]
    Zip {
        /// The archive being written.
        path: PathBuf,
        /// The underlying error.
        source: zip::result::ZipError,
    },
    /// Compressing a member ahead of time (off the writing thread) failed.
    #[error("compressing member {name:?} failed: {source}")]
    Compress {
        /// The member being compressed.
        name: String,
        /// The underlying error.
        source: zip::result::ZipError,
    },

    // ----- member name rules (writer and reader) -----
    /// A member name is empty.
    #[error("member name is empty")]
    EmptyName,
    /// A member name ends with `/`, i.e. it is a directory entry; bundles hold only files.
    #[error("member {name:?} is a directory entry (trailing '/'); only files are allowed")]
    DirectoryEntry {
        /// The offending name.
        name: String,
    },
    /// A member name has a `..` component that could escape the extraction root.
    #[error("member {name:?} has a '..' path component")]
    ParentTraversal {
        /// The offending name.
        name: String,
    },
    /// A member name is absolute (leading `/`) or starts with a drive letter (`C:`).
    #[error("member {name:?} is an absolute path")]
    AbsolutePath {
        /// The offending name.
        name: String,
    },
    /// A member name has an empty (`a//b`) or `.` component, so two spellings would name one file.
    #[error("member {name:?} has an empty or '.' path component")]
    NonCanonicalPath {
        /// The offending name.
        name: String,
    },
    /// A member name contains a backslash, which Windows tools treat as a separator.
    #[error("member {name:?} contains a backslash")]
    Backslash {
        /// The offending name.
        name: String,
    },
    /// A member name contains a NUL byte, which C-based tools truncate at.
    #[error("member {name:?} contains a NUL character")]
    NulInName {
        /// The offending name.
        name: String,
    },
    /// A member name contains a control character other than NUL.
    #[error("member {name:?} contains a control character")]
    ControlCharacter {
        /// The offending name.
        name: String,
    },
    /// A member name is not in Unicode Normalization Form C.
    #[error("member {name:?} is not in Unicode NFC")]
    NotNfc {
        /// The offending name.
        name: String,
    },
    /// A member name is not valid UTF-8.
    #[error("member {name:?} (shown lossily) is not valid UTF-8")]
    NameNotUtf8 {
        /// The name, with invalid sequences replaced.
        name: String,
    },
    /// A non-ASCII member name lacks the UTF-8 flag (bit 11), so tools would decode it as CP437.
    #[error("member {name:?} is non-ASCII but its UTF-8 flag is not set")]
    Utf8FlagMissing {
        /// The offending name.
        name: String,
    },
    /// Two members have exactly the same name.
    #[error("member {name:?} appears more than once")]
    DuplicateName {
        /// The repeated name.
        name: String,
    },
    /// Two members' names are equal after Unicode NFC normalisation.
    #[error("members {name:?} and {other:?} are the same name after Unicode normalisation")]
    NormalizationCollision {
        /// The later name.
        name: String,
        /// The earlier name it collides with.
        other: String,
    },
    /// Two members' names differ only in letter case.
    #[error("members {name:?} and {other:?} differ only in letter case")]
    CaseCollision {
        /// The later name.
        name: String,
        /// The earlier name it collides with.
        other: String,
    },
    /// A member's name is also used (up to case) as a directory of another member.
    #[error("member {file:?} is a file but {member:?} uses it as a directory")]
    PathConflict {
        /// The member that is a file.
        file: String,
        /// The member that treats that file as a directory.
        member: String,
    },

    // ----- writer -----
    /// Members must be added (and, when reading, be listed) in strictly increasing
    /// byte-wise name order.
    #[error("member {name:?} was added after {previous:?}; names must be added in sorted order")]
    NotSorted {
        /// The name being added.
        name: String,
        /// The previously added name.
        previous: String,
    },
    /// The reader passed to [`BundleWriter::add_stream`] ended before the declared size.
    #[error("content for member {name:?} ended after {actual} bytes but {declared} were declared")]
    InputTooShort {
        /// The member being written.
        name: String,
        /// The size the caller declared.
        declared: u64,
        /// The number of bytes the reader produced.
        actual: u64,
    },
    /// The reader passed to [`BundleWriter::add_stream`] produced more than the declared size.
    #[error("content for member {name:?} is longer than the declared {declared} bytes")]
    InputTooLong {
        /// The member being written.
        name: String,
        /// The size the caller declared.
        declared: u64,
    },
    /// Reading the content for a member from the caller's reader failed.
    #[error("reading the content for member {name:?} failed: {source}")]
    Input {
        /// The member being written.
        name: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// An earlier call on this [`BundleWriter`] failed; it has discarded its output.
    #[error("the bundle writer for {} failed earlier and discarded its output", path.display())]
    WriterPoisoned {
        /// The target the writer was creating.
        path: PathBuf,
    },

    // ----- reader: archive layout -----
    /// No end-of-central-directory record was found; the file is not a ZIP archive.
    #[error("no ZIP end-of-central-directory record found")]
    MissingEndRecord,
    /// The archive has a comment; bundles never do, and comments can hide data.
    #[error("archive has a {len}-byte comment; comments are not allowed")]
    ArchiveComment {
        /// Length of the comment.
        len: u64,
    },
    /// There are bytes after the end-of-central-directory record.
    #[error("{len} bytes follow the end of the archive")]
    TrailingData {
        /// Number of extra bytes.
        len: u64,
    },
    /// The first member does not start at offset 0 (e.g. a self-extractor stub or other prepended data).
    #[error("{len} bytes precede the first member")]
    PrependedData {
        /// Number of bytes before the first local header.
        len: u64,
    },
    /// Bytes between members (or between the last member and the central directory)
    /// that no central directory entry accounts for, such as a hidden entry.
    #[error("{len} bytes at offset {offset}{} are not part of any listed member",
        after.as_ref().map(|n| format!(" (after member {n:?})")).unwrap_or_default())]
    HiddenData {
        /// Where the unaccounted bytes start.
        offset: u64,
        /// How many bytes are unaccounted for.
        len: u64,
        /// The member they follow, if any.
        after: Option<String>,
    },
    /// Two members' local headers or data overlap.
    #[error("member {name:?} overlaps member {other:?}")]
    OverlappingEntries {
        /// The member that starts inside another.
        name: String,
        /// The member it starts inside of.
        other: String,
    },
    /// A member's local header or data runs into the central directory.
    #[error("member {name:?} extends into the central directory")]
    EntryOverlapsCentralDirectory {
        /// The offending member.
        name: String,
    },
    /// The central directory as declared extends past the end records that follow it.
    #[error("central directory at offset {offset} with size {size} extends past {limit}")]
    CentralDirectoryOutOfBounds {
        /// Declared offset of the central directory.
        offset: u64,
        /// Declared size of the central directory.
        size: u64,
        /// Where the central directory must end.
        limit: u64,
    },
    /// Bytes between the end of the central directory and the end records.
    #[error(
        "{len} unaccounted bytes at offset {offset} between the central directory and the end record"
    )]
    GapBeforeEndRecord {
        /// Where the gap starts.
        offset: u64,
        /// Length of the gap.
        len: u64,
    },
    /// The entry count in the end record disagrees with the entries in the central directory.
    #[error("end record declares {declared} entries but the central directory holds {found}")]
    EntryCountMismatch {
        /// Count declared by the end record.
        declared: u64,
        /// Entries actually found (or at least this many).
        found: u64,
    },
    /// The archive claims to span several disks (split/spanned archive).
    #[error("multi-disk archives are not supported: {detail}")]
    MultiDisk {
        /// Which field revealed it.
        detail: String,
    },
    /// A structure is truncated, has a bad signature or is otherwise not well-formed.
    #[error("malformed archive at offset {offset}: {reason}")]
    Malformed {
        /// Where the problem was found.
        offset: u64,
        /// What is wrong.
        reason: String,
    },

    // ----- reader: per-member header checks -----
    /// A member is encrypted (traditional, AES or strong encryption, or an encrypted central directory).
    #[error("member {name:?} is encrypted")]
    Encrypted {
        /// The offending member.
        name: String,
    },
    /// A member uses a data descriptor (flag bit 3); bundles never do.
    #[error("member {name:?} uses a data descriptor")]
    DataDescriptor {
        /// The offending member.
        name: String,
    },
    /// A member sets general-purpose flags with meanings we do not accept.
    #[error("member {name:?} has unsupported flags {flags:#06x}")]
    UnsupportedFlags {
        /// The offending member.
        name: String,
        /// The unsupported flag bits.
        flags: u16,
    },
    /// A member uses a compression method other than stored (0) or deflate (8).
    #[error("member {name:?} uses unsupported compression method {method}")]
    UnsupportedMethod {
        /// The offending member.
        name: String,
        /// The method number.
        method: u16,
    },
    /// A member carries an Info-ZIP Unicode Path extra field, which can rename it in some tools.
    #[error("member {name:?} has a Unicode Path extra field (0x7075) in its {location}")]
    UnicodePathExtraField {
        /// The offending member.
        name: String,
        /// Which header carried it.
        location: HeaderKind,
    },
    /// A member carries an extra field other than ZIP64 (0x0001).
    #[error("member {name:?} has a forbidden extra field {id:#06x} in its {location}")]
    ForbiddenExtraField {
        /// The offending member.
        name: String,
        /// The extra field's header ID.
        id: u16,
        /// Which header carried it.
        location: HeaderKind,
    },
    /// A member has a file comment; bundles never do.
    #[error("member {name:?} has a file comment")]
    EntryComment {
        /// The offending member.
        name: String,
    },
    /// A member's local header disagrees with its central directory entry.
    #[error("member {name:?}: local header {field} differs from the central directory")]
    LocalHeaderMismatch {
        /// The member (as named by the central directory).
        name: String,
        /// The field that differs.
        field: &'static str,
    },
    /// A metadata field holds a value the writer never emits. Nothing signs these
    /// fields, so any value but the writer's one would be a second spelling of the same
    /// archive (and some, like a "version needed" of 99 or a setuid mode, change what
    /// other tools do with it).
    #[error("{}{field} is {found:#x} but {expected:#x} is the only value written",
        name.as_ref().map(|n| format!("member {n:?}: ")).unwrap_or_default())]
    NonCanonicalField {
        /// The member whose header holds the field; `None` for the end records.
        name: Option<String>,
        /// The field.
        field: &'static str,
        /// The value found.
        found: u64,
        /// The value the writer emits there.
        expected: u64,
    },
    /// A member is a symbolic link (Unix mode or Windows reparse-point attribute).
    #[error("member {name:?} is a symbolic link")]
    Symlink {
        /// The offending member.
        name: String,
    },
    /// A member is not a regular file (directory, device, FIFO, socket, volume label...).
    #[error("member {name:?} is not a regular file ({kind})")]
    NotRegularFile {
        /// The offending member.
        name: String,
        /// What kind of entry it is.
        kind: &'static str,
    },
    /// A stored member's compressed size differs from its uncompressed size.
    #[error(
        "stored member {name:?} has compressed size {compressed} but uncompressed size {uncompressed}"
    )]
    StoredSizeMismatch {
        /// The offending member.
        name: String,
        /// Declared compressed size.
        compressed: u64,
        /// Declared uncompressed size.
        uncompressed: u64,
    },

    // ----- reader: limits -----
    /// The archive declares more members than [`Limits::max_entries`].
    #[error("archive declares {count} entries, more than the limit of {limit}")]
    TooManyEntries {
        /// Declared count.
        count: u64,
        /// The limit.
        limit: u64,
    },
    /// The central directory is larger than [`Limits::max_central_directory_size`].
    #[error("central directory is {size} bytes, more than the limit of {limit}")]
    CentralDirectoryTooLarge {
        /// Declared size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A member is larger than [`Limits::max_entry_size`].
    #[error("member {name:?} declares {size} bytes, more than the limit of {limit}")]
    EntryTooLarge {
        /// The offending member.
        name: String,
        /// Declared uncompressed size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The members together are larger than [`Limits::max_total_size`].
    #[error("members declare {total} bytes in total, more than the limit of {limit}")]
    TotalSizeTooLarge {
        /// Sum of declared sizes (saturating).
        total: u64,
        /// The limit.
        limit: u64,
    },
    /// A member's compression ratio exceeds [`Limits::max_ratio`] (a likely decompression bomb).
    #[error(
        "member {name:?} expands {compressed} bytes to {uncompressed}, above the ratio limit of {limit}"
    )]
    CompressionRatio {
        /// The offending member.
        name: String,
        /// Declared compressed size.
        compressed: u64,
        /// Declared uncompressed size.
        uncompressed: u64,
        /// The ratio limit.
        limit: u64,
    },

    // ----- reader: member content -----
    /// No member has the requested name.
    #[error("no member named {name:?}")]
    NoSuchMember {
        /// The requested name.
        name: String,
    },
    /// A member's content is longer than its declared size.
    #[error("member {name:?} inflates to more than its declared {declared} bytes")]
    ContentTooLong {
        /// The offending member.
        name: String,
        /// Declared uncompressed size.
        declared: u64,
    },
    /// A member's content is shorter than its declared size.
    #[error("member {name:?} inflates to {actual} bytes but declares {declared}")]
    ContentTooShort {
        /// The offending member.
        name: String,
        /// Declared uncompressed size.
        declared: u64,
        /// Bytes actually produced.
        actual: u64,
    },
    /// A member's CRC-32 does not match its content.
    #[error("member {name:?} has CRC-32 {actual:#010x} but declares {declared:#010x}")]
    CrcMismatch {
        /// The offending member.
        name: String,
        /// Declared CRC-32.
        declared: u32,
        /// CRC-32 of the content.
        actual: u32,
    },
    /// A member's deflate stream does not end exactly at its declared compressed size.
    #[error("member {name:?}: {reason}")]
    CompressedSizeMismatch {
        /// The offending member.
        name: String,
        /// How the stream and the declared size disagree.
        reason: &'static str,
    },
    /// A member's deflate stream is corrupt.
    #[error("member {name:?} has a corrupt deflate stream: {source}")]
    CorruptDeflate {
        /// The offending member.
        name: String,
        /// The decompressor's error.
        source: flate2::DecompressError,
    },
    /// Writing a member's content to the caller's sink failed.
    #[error("writing the content of member {name:?} failed: {source}")]
    Sink {
        /// The member being read.
        name: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A [`MemberReader`] was used again after it reported an error.
    #[error("reading member {name:?} already failed")]
    ReaderPoisoned {
        /// The member being read.
        name: String,
    },
}

pub(crate) const METHOD_STORED: u16 = 0;
pub(crate) const METHOD_DEFLATED: u16 = 8;

/// Checks a member name against the rules both the writer and the reader enforce:
/// a non-empty, relative, `/`-separated path in Unicode NFC with no empty, `.`
/// or `..` components, no trailing `/`, no backslash, no control characters
/// and no drive letter.
///
/// Uniqueness (exact, by normalisation and by case) is a property of a whole
/// archive and is checked separately.
pub fn validate_member_name(name: &str) -> Result<(), ArchiveError> {
    validate_name_syntax(name)?;
    if !unicode_normalization::is_nfc(name) {
        return Err(ArchiveError::NotNfc { name: name.into() });
    }
    Ok(())
}

/// All name rules except NFC, which the reader checks in a later pass so that
/// a pair of names differing only in normalisation is reported as a collision.
pub(crate) fn validate_name_syntax(name: &str) -> Result<(), ArchiveError> {
    let owned = || name.to_owned();
    if name.is_empty() {
        return Err(ArchiveError::EmptyName);
    }
    if name.contains('\0') {
        return Err(ArchiveError::NulInName { name: owned() });
    }
    if name.chars().any(char::is_control) {
        return Err(ArchiveError::ControlCharacter { name: owned() });
    }
    if name.contains('\\') {
        return Err(ArchiveError::Backslash { name: owned() });
    }
    let bytes = name.as_bytes();
    let drive_letter = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if name.starts_with('/') || drive_letter {
        return Err(ArchiveError::AbsolutePath { name: owned() });
    }
    if name.split('/').any(|c| c == "..") {
        return Err(ArchiveError::ParentTraversal { name: owned() });
    }
    if name.ends_with('/') {
        return Err(ArchiveError::DirectoryEntry { name: owned() });
    }
    if name.split('/').any(|c| c.is_empty() || c == ".") {
        return Err(ArchiveError::NonCanonicalPath { name: owned() });
    }
    Ok(())
}

/// Key under which names that a case-insensitive file system would treat as
/// the same are equal. Uppercasing then lowercasing approximates Unicode full
/// case folding (it maps `ß`→`ss` and final sigma to sigma), and the NFD/NFC
/// round trip keeps it canonical. Over-matching only rejects more archives.
fn fold_key(name: &str) -> String {
    let decomposed: String = name.nfd().collect();
    decomposed.to_uppercase().to_lowercase().nfc().collect()
}

/// Tracks the names of an archive to reject case-insensitive collisions and
/// names used both as a file and as a directory. Names must already be NFC.
#[derive(Debug, Default)]
pub(crate) struct NameSet {
    /// Folded file name -> original name.
    files: HashMap<String, String>,
    /// Folded directory prefix (without trailing `/`) -> a member using it.
    dirs: HashMap<String, String>,
}

impl NameSet {
    pub(crate) fn insert(&mut self, name: &str) -> Result<(), ArchiveError> {
        let key = fold_key(name);
        if let Some(other) = self.files.get(&key) {
            return Err(if other == name {
                ArchiveError::DuplicateName { name: name.into() }
            } else {
                ArchiveError::CaseCollision { name: name.into(), other: other.clone() }
            });
        }
        if let Some(member) = self.dirs.get(&key) {
            return Err(ArchiveError::PathConflict { file: name.into(), member: member.clone() });
        }
        // Folding works on whole strings, so '/' positions in `key` are the
        // separators of the folded path (case mapping never produces '/').
        for (i, _) in key.match_indices('/') {
            let dir = &key[..i];
            if let Some(file) = self.files.get(dir) {
                return Err(ArchiveError::PathConflict { file: file.clone(), member: name.into() });
            }
        }
        for (i, _) in key.match_indices('/') {
            self.dirs.entry(key[..i].to_owned()).or_insert_with(|| name.to_owned());
        }
        self.files.insert(key, name.to_owned());
        Ok(())
    }
}
