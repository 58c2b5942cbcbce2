//! The read loops that the streaming code shares, written once: [`read_full`] (attachments
//! into a locker, blobs into a bundle, members into the zip) and the positional
//! [`read_at`] / [`read_exact_at`] (the zip reader, a locker's ledger), which never move a
//! file's cursor so that one handle can be shared.

use std::io::{self, Read};

/// Reads until `buf` is full or the input ends, retrying interrupted reads; returns the
/// bytes read. Unlike [`Read::read_exact`], the end of the input is not an error: the
/// last piece of a stream is simply shorter.
pub fn read_full<R: Read + ?Sized>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
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

/// Reads up to `buf.len()` bytes at `offset` without moving the file's cursor, retrying
/// interrupted reads; returns the bytes read (0 at the end of the file).
pub fn read_at(file: &fs_err::File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    loop {
        match positional_read(file, buf, offset) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

/// Reads exactly `buf.len()` bytes at `offset` without moving the file's cursor; a file
/// that ends first is an [`io::ErrorKind::UnexpectedEof`] error.
pub fn read_exact_at(file: &fs_err::File, buf: &mut [u8], offset: u64) -> io::Result<()> {
    let mut done = 0;
    while done < buf.len() {
        let n = read_at(file, &mut buf[done..], offset + done as u64)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                format!("the file ended before offset {}", offset + buf.len() as u64),
            ));
        }
        done += n;
    }
    Ok(())
}

#[cfg(unix)]
fn positional_read(file: &fs_err::File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::unix::fs::FileExt::read_at(file.file(), buf, offset)
}

#[cfg(windows)]
fn positional_read(file: &fs_err::File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    std::os::windows::fs::FileExt::seek_read(file.file(), buf, offset)
}

/// Fallback without positional reads: seeks the shared handle, so concurrent readers
/// of one file would interfere (the zip reader's CRC check would catch it).
#[cfg(not(any(unix, windows)))]
fn positional_read(file: &fs_err::File, buf: &mut [u8], offset: u64) -> io::Result<usize> {
    use std::io::{Seek, SeekFrom};
    let mut f = file.file();
    f.seek(SeekFrom::Start(offset))?;
    f.read(buf)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hands out one byte per read, with an interruption before each.
    struct Trickle<'a> {
        data: &'a [u8],
        interrupt: bool,
    }

    impl Read for Trickle<'_> {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            self.interrupt = !self.interrupt;
            if self.interrupt {
                return Err(io::ErrorKind::Interrupted.into());
            }
            let n = out.len().min(self.data.len()).min(1);
            out[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            Ok(n)
        }
    }

    #[test]
    fn fills_the_buffer_across_short_and_interrupted_reads() {
        let mut r = Trickle { data: b"hello world", interrupt: false };
        let mut buf = [0u8; 5];
        assert_eq!(read_full(&mut r, &mut buf).unwrap(), 5);
        assert_eq!(&buf, b"hello");
        assert_eq!(read_full(&mut r, &mut buf).unwrap(), 5);
        assert_eq!(&buf, b" worl");
        // The end of the input: a short count, then zero.
        assert_eq!(read_full(&mut r, &mut buf).unwrap(), 1);
        assert_eq!(buf[0], b'd');
        assert_eq!(read_full(&mut r, &mut buf).unwrap(), 0);
    }

    #[test]
    fn passes_other_errors_on() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> io::Result<usize> {
                Err(io::ErrorKind::PermissionDenied.into())
            }
        }
        let err = read_full(&mut Broken, &mut [0u8; 4]).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::PermissionDenied);
    }
}
