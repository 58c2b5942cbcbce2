//! Reading what a user names as input: regular files only, each kind of input with a
//! size cap, so that `/dev/zero`, a FIFO nobody writes to, or a runaway export fails
//! fast with an error naming the file instead of filling memory or waiting forever.
//!
//! Every file the command line, the bindings or the library read on a user's behalf goes
//! through [`open_regular`] (attachments, streamed) or [`read_file`] / [`read_stdin`]
//! (text, held in memory, capped). The caps are documented in the README's command-line
//! section; they are far above any real document of their kind.

use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// The largest single JSON document read (an evidence, control, finding or period
/// document for `soc2 add`, `soc2 validate`): 16 MiB. Also the largest record
/// [`crate::ledger::Locker::append`] stores, so that one oversized document cannot make
/// every later read of the locker slow.
pub const MAX_DOCUMENT_SIZE: u64 = 16 << 20;

/// The largest evidence file in JSON Lines read at once (`soc2 evaluate --evidence`):
/// 1 GiB; each line is also held to [`MAX_DOCUMENT_SIZE`].
pub const MAX_EVIDENCE_LINES_SIZE: u64 = 1 << 30;

/// The largest catalog file (TOML or JSON) read: 16 MiB.
pub const MAX_CATALOG_SIZE: u64 = 16 << 20;

/// The largest `allowed_signers` file read: 1 MiB (one line is about 100 bytes).
pub const MAX_ALLOWED_SIGNERS_SIZE: u64 = 1 << 20;

/// The largest checkpoint file read (`soc2 fsck --checkpoint`): 64 KiB (a checkpoint is
/// three short lines, plus signatures if it is a signed note).
pub const MAX_CHECKPOINT_SIZE: u64 = 64 << 10;

/// The largest OpenSSH private key file read: 64 KiB (an Ed25519 key is under 1 KiB).
pub const MAX_KEY_FILE_SIZE: u64 = 64 << 10;

/// The name standard input is reported under.
pub const STDIN_NAME: &str = "<stdin>";

/// An input that was refused before (or while) it was read.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The path names something other than a regular file (a FIFO, a device, a
    /// directory, a socket): reading it could block forever or never end.
    #[error("{path}: not a regular file (it is {kind}); give a regular file")]
    NotRegularFile {
        /// The path as given.
        path: PathBuf,
        /// What it is instead: `a FIFO`, `a character device`, `a directory`, ...
        kind: &'static str,
    },

    /// The input is larger than the cap for its kind.
    #[error("{path}: {what} larger than the limit of {limit} bytes ({})", human(*limit))]
    TooLarge {
        /// The path as given (or `<stdin>`).
        path: PathBuf,
        /// What the input was read as, e.g. `evidence document`.
        what: &'static str,
        /// The cap, in bytes.
        limit: u64,
    },

    /// The input is not UTF-8 text.
    #[error(
        "{path}: not UTF-8 text: invalid byte at offset {offset} (line {line}, column {column})"
    )]
    NotUtf8 {
        /// The path as given (or `<stdin>`).
        path: PathBuf,
        /// The offset of the first byte that is not UTF-8, from 0.
        offset: u64,
        /// Its 1-based line.
        line: u64,
        /// Its 1-based column, in characters.
        column: u64,
    },

    /// Opening or reading failed.
    #[error("{}", io_message(.path, .source))]
    Io {
        /// The path as given (or `<stdin>`).
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: io::Error,
    },
}

impl InputError {
    /// The path (or `<stdin>`) the error is about.
    pub fn path(&self) -> &Path {
        match self {
            InputError::NotRegularFile { path, .. }
            | InputError::TooLarge { path, .. }
            | InputError::NotUtf8 { path, .. }
            | InputError::Io { path, .. } => path,
        }
    }
}

/// Reads JSON Lines (one evidence document per line, as `soc2 add --jsonl` and
/// `soc2 evaluate --evidence` take them) from `reader` in bounded memory, calling `each`
/// with the 1-based line number and every document parsed as `T`.
///
/// Blank lines are skipped but still numbered; a final line without `\n`, `\r\n` line
/// ends and a UTF-8 byte order mark before the first line are accepted. A line over
/// [`MAX_DOCUMENT_SIZE`] or a document that does not parse is a [`JsonError`] naming
/// `source_name` and the file's line (not the line inside the document).
pub fn for_each_json_line<T: serde::de::DeserializeOwned>(
    reader: &mut dyn io::BufRead,
    source_name: &str,
    mut each: impl FnMut(u64, T) -> crate::Result<()>,
) -> crate::Result<()> {
    use io::BufRead as _;
    let at_line = |line: u64, mut e: crate::json::JsonError| {
        e.line = usize::try_from(line).unwrap_or(usize::MAX);
        e.in_source(source_name)
    };
    let mut buf = Vec::new();
    let mut line = 0u64;
    loop {
        buf.clear();
        let n = (&mut *reader)
            .take(MAX_DOCUMENT_SIZE + 2)
            .read_until(b'\n', &mut buf)
            .map_err(|e| crate::Error::io(source_name, e))?;
        if n == 0 {
            return Ok(());
        }
        line += 1;
        let mut bytes = buf.strip_suffix(b"\n").unwrap_or(&buf);
        bytes = bytes.strip_suffix(b"\r").unwrap_or(bytes);
        if line == 1 {
            bytes = bytes.strip_prefix("\u{feff}".as_bytes()).unwrap_or(bytes);
        }
        if bytes.len() as u64 > MAX_DOCUMENT_SIZE {
            let reason = format!(
                "line longer than the limit of {MAX_DOCUMENT_SIZE} bytes ({})",
                human(MAX_DOCUMENT_SIZE)
            );
            let e = crate::json::JsonError {
                source_name: None,
                line: 0,
                column: 0,
                path: ".".into(),
                reason,
            };
            return Err(at_line(line, e).into());
        }
        if bytes.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let value: T = crate::json::from_json_slice(bytes).map_err(|e| at_line(line, e))?;
        each(line, value)?;
    }
}

/// Opens `path` for reading, refusing anything but a regular file. The check is made on
/// the opened handle (no window between a check and the open), and the open itself does
/// not wait for a writer when `path` is a FIFO.
pub fn open_regular(path: &Path) -> Result<fs_err::File, InputError> {
    let mut options = fs_err::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use fs_err::os::unix::fs::OpenOptionsExt;
        // Opening a FIFO for reading blocks until a writer appears; non-blocking, it
        // returns at once. It changes nothing for a regular file's reads.
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file =
        options.open(path).map_err(|source| InputError::Io { path: path.to_path_buf(), source })?;
    let meta =
        file.metadata().map_err(|source| InputError::Io { path: path.to_path_buf(), source })?;
    if !meta.is_file() {
        return Err(InputError::NotRegularFile { path: path.to_path_buf(), kind: kind_of(&meta) });
    }
    Ok(file)
}

/// Reads the regular file at `path` whole, refusing it if it is larger than `limit`
/// bytes; `what` names the input in that error (`evidence document`, ...).
pub fn read_file(path: &Path, what: &'static str, limit: u64) -> Result<Vec<u8>, InputError> {
    let file = open_regular(path)?;
    read_capped(file, path, what, limit)
}

/// Reads standard input whole, refusing more than `limit` bytes.
pub fn read_stdin(what: &'static str, limit: u64) -> Result<Vec<u8>, InputError> {
    read_capped(io::stdin().lock(), Path::new(STDIN_NAME), what, limit)
}

/// Reads `path` (or standard input when `path` is `-`) whole, capped at `limit` bytes.
pub fn read_path_or_stdin(
    path: &Path,
    what: &'static str,
    limit: u64,
) -> Result<Vec<u8>, InputError> {
    if path.as_os_str() == "-" { read_stdin(what, limit) } else { read_file(path, what, limit) }
}

/// Checks that `bytes`, read from `path`, are UTF-8, naming the first bad byte's offset,
/// line and column when they are not.
pub fn into_text(bytes: Vec<u8>, path: &Path) -> Result<String, InputError> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let (line, column) = line_column(&e.as_bytes()[..offset]);
        InputError::NotUtf8 { path: path.to_path_buf(), offset: offset as u64, line, column }
    })
}

/// The 1-based line and character column just after `valid` (UTF-8 text).
pub(crate) fn line_column(valid: &[u8]) -> (u64, u64) {
    let line_start = valid.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = valid.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    // Count characters, not bytes: continuation bytes do not start one.
    let column = valid[line_start..].iter().filter(|&&b| (b & 0xC0) != 0x80).count() as u64 + 1;
    (line, column)
}

fn read_capped(
    reader: impl Read,
    path: &Path,
    what: &'static str,
    limit: u64,
) -> Result<Vec<u8>, InputError> {
    let mut out = Vec::new();
    // One byte more than the cap tells "exactly at the cap" from "over it".
    reader
        .take(limit.saturating_add(1))
        .read_to_end(&mut out)
        .map_err(|source| InputError::Io { path: path.to_path_buf(), source })?;
    if out.len() as u64 > limit {
        return Err(InputError::TooLarge { path: path.to_path_buf(), what, limit });
    }
    Ok(out)
}

/// What a non-regular file is, for messages (`a FIFO`, `a directory`, ...).
pub(crate) fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_symlink() {
        return "a symbolic link";
    }
    if t.is_dir() {
        return "a directory";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

fn human(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 30 && b % (1 << 30) == 0 => format!("{} GiB", b >> 30),
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} bytes"),
    }
}

/// fs_err's messages already name the path; std's do not. Name it once either way.
fn io_message(path: &Path, e: &io::Error) -> String {
    let msg = e.to_string();
    if msg.contains(&*path.to_string_lossy()) { msg } else { format!("{}: {msg}", path.display()) }
}

impl crate::error::Classify for InputError {
    fn code(&self) -> crate::error::ErrorCode {
        use crate::error::ErrorCode as C;
        match self {
            InputError::NotRegularFile { .. } => C::InputNotRegularFile,
            InputError::TooLarge { .. } => C::InputTooLarge,
            InputError::NotUtf8 { .. } => C::InputNotUtf8,
            InputError::Io { .. } => C::InputIo,
        }
    }

    fn subject(&self) -> crate::error::Subject {
        let mut s = crate::error::Subject {
            path: Some(self.path().to_path_buf()),
            reason: Some(self.to_string()),
            ..Default::default()
        };
        if let InputError::NotUtf8 { line, column, .. } = self {
            s.line = *line;
            s.column = *column;
        }
        s
    }

    fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            InputError::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_file_at_the_cap_and_refuses_one_byte_more() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("doc.json");
        fs_err::write(&path, b"0123456789").unwrap();
        assert_eq!(read_file(&path, "test input", 10).unwrap(), b"0123456789");
        let err = read_file(&path, "test input", 9).unwrap_err();
        assert!(
            matches!(&err, InputError::TooLarge { limit: 9, what: "test input", .. }),
            "{err:?}"
        );
        assert_eq!(
            err.to_string(),
            format!("{}: test input larger than the limit of 9 bytes (9 bytes)", path.display())
        );
    }

    #[test]
    fn a_huge_sparse_file_is_refused_after_reading_only_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("huge");
        let f = fs_err::File::create(&path).unwrap();
        f.set_len(64 << 30).unwrap();
        let err = read_file(&path, "evidence document", MAX_DOCUMENT_SIZE).unwrap_err();
        assert!(
            err.to_string()
                .ends_with("evidence document larger than the limit of 16777216 bytes (16 MiB)"),
            "{err}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn devices_fifos_and_directories_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
        assert!(made.success());
        let link = dir.path().join("zero-link");
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        for (path, kind) in [
            (fifo.as_path(), "a FIFO"),
            (Path::new("/dev/zero"), "a character device"),
            (link.as_path(), "a character device"),
            (dir.path(), "a directory"),
        ] {
            let err = read_file(path, "x", 1 << 20).unwrap_err();
            assert!(
                matches!(&err, InputError::NotRegularFile { kind: k, .. } if *k == kind),
                "{}: {err:?}",
                path.display()
            );
            assert!(err.to_string().contains("not a regular file"), "{err}");
        }
    }

    #[test]
    fn not_utf8_names_offset_line_and_column() {
        let err = into_text(b"{\n  \"a\": \"\xc3\xa9\xff\"\n}".to_vec(), Path::new("x.json"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "x.json: not UTF-8 text: invalid byte at offset 12 (line 2, column 10)"
        );
    }
}
