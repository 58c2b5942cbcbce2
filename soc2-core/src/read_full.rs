//! [`read_full`]: the read loop that the streaming code (attachments into the locker,
//! blobs into a bundle, members into the zip) shares.

use std::io::{self, Read};

/// Reads until `buf` is full or the input ends, retrying interrupted reads; returns the
/// bytes read. Unlike [`Read::read_exact`], the end of the input is not an error: the
/// last piece of a stream is simply shorter.
pub(crate) fn read_full<R: Read + ?Sized>(reader: &mut R, buf: &mut [u8]) -> io::Result<usize> {
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
