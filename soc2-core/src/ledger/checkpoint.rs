//! Checkpoints: the locker's size and Merkle root in the C2SP `tlog-checkpoint` text form.
//!
//! ```text
//! example.com/soc2/acme
//! 42
//! 6n8r4S8dOjs4nVcx4MBlmcb4nEs/Nr0WD8EhCn7QPmQ=
//! ```
//!
//! Three lines, each ending in `\n`: the origin (the locker's name), the tree size in
//! decimal, and the RFC 9162 root hash in standard, padded base64. This is the body of a
//! signed note; signatures are not part of this type. Extension lines, which the format
//! allows, are rejected: soc2 writes none, and accepting lines it does not understand
//! would let a checkpoint say more than it proves.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

use super::merkle::Hash;

/// A commitment to the first `size` records of a locker: their Merkle tree root.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Checkpoint {
    /// The locker's origin name (first line).
    pub origin: String,
    /// The number of records committed to (second line).
    pub size: u64,
    /// The RFC 9162 Merkle tree root of their leaf hashes (third line).
    pub root: Hash,
}

/// Why a checkpoint's text was rejected.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    /// The text is not UTF-8.
    #[error("checkpoint: not UTF-8")]
    NotUtf8,
    /// A required line is absent, or the last line does not end in `\n`.
    #[error("checkpoint: line {line} ({what}) is missing or does not end in a newline")]
    MissingLine {
        /// 1-based line number.
        line: usize,
        /// Which line: origin, tree size or root hash.
        what: &'static str,
    },
    /// The origin line is not a valid origin.
    #[error("checkpoint: invalid origin {origin:?}: {reason}")]
    InvalidOrigin {
        /// The line as found.
        origin: String,
        /// Which rule it breaks.
        reason: &'static str,
    },
    /// The size line is not a decimal number without sign or leading zeros.
    #[error("checkpoint: invalid tree size {text:?}")]
    InvalidSize {
        /// The line as found.
        text: String,
    },
    /// The root line is not the standard, padded base64 of 32 bytes.
    #[error("checkpoint: invalid root hash {text:?}: expected padded standard base64 of 32 bytes")]
    InvalidRoot {
        /// The line as found.
        text: String,
    },
    /// Text follows the root hash line (extension lines are not accepted).
    #[error("checkpoint: unexpected text after the root hash line (line 4 onwards)")]
    TrailingData,
}

impl Checkpoint {
    /// The text form: origin, size and base64 root, each line ending in `\n`.
    pub fn to_text(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.size, STANDARD.encode(self.root))
    }

    /// Parses the text form strictly: exactly three lines, each ending in `\n`, with a
    /// valid origin, a canonical decimal size and a canonical base64 root.
    pub fn parse(text: impl AsRef<[u8]>) -> Result<Checkpoint, CheckpointError> {
        let text = std::str::from_utf8(text.as_ref()).map_err(|_| CheckpointError::NotUtf8)?;
        let mut rest = text;
        let mut next = |line: usize, what: &'static str| {
            let (l, r) =
                rest.split_once('\n').ok_or(CheckpointError::MissingLine { line, what })?;
            rest = r;
            Ok::<_, CheckpointError>(l)
        };
        let origin = next(1, "origin")?;
        let size = next(2, "tree size")?;
        let root = next(3, "root hash")?;
        if !rest.is_empty() {
            return Err(CheckpointError::TrailingData);
        }
        check_origin(origin).map_err(|reason| CheckpointError::InvalidOrigin {
            origin: origin.to_owned(),
            reason,
        })?;
        let size_ok = !size.is_empty()
            && size.bytes().all(|b| b.is_ascii_digit())
            && (size == "0" || !size.starts_with('0'));
        let size_err = || CheckpointError::InvalidSize { text: size.to_owned() };
        if !size_ok {
            return Err(size_err());
        }
        let size: u64 = size.parse().map_err(|_| size_err())?;
        // The STANDARD engine requires padding and rejects non-zero trailing bits, so each
        // root has exactly one accepted spelling.
        let root_err = || CheckpointError::InvalidRoot { text: root.to_owned() };
        let bytes = STANDARD.decode(root).map_err(|_| root_err())?;
        let root: Hash = bytes.try_into().map_err(|_| root_err())?;
        Ok(Checkpoint { origin: origin.to_owned(), size, root })
    }
}

/// Checks a locker origin name: 1 to 255 printable ASCII characters, no spaces and no
/// `+` (the C2SP note and checkpoint formats reserve both).
pub fn check_origin(origin: &str) -> Result<(), &'static str> {
    if origin.is_empty() {
        return Err("it is empty");
    }
    if origin.len() > 255 {
        return Err("it is longer than 255 bytes");
    }
    if !origin.bytes().all(|b| b.is_ascii_graphic() && b != b'+') {
        return Err("only printable ASCII without spaces or '+' is allowed");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_strict() {
        let cp = Checkpoint { origin: "example.com/soc2/acme".into(), size: 42, root: [7u8; 32] };
        let text = cp.to_text();
        assert_eq!(
            text,
            "example.com/soc2/acme\n42\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"
        );
        assert_eq!(Checkpoint::parse(text.as_bytes()).unwrap(), cp);

        let bad = |t: &str| Checkpoint::parse(t.as_bytes()).unwrap_err();
        assert!(matches!(
            bad("o\n42\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc="),
            CheckpointError::MissingLine { line: 3, .. }
        ));
        assert!(matches!(
            bad("o\n042\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"),
            CheckpointError::InvalidSize { .. }
        ));
        assert!(matches!(
            bad("o\n+4\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"),
            CheckpointError::InvalidSize { .. }
        ));
        assert!(matches!(
            bad("o\n18446744073709551616\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"),
            CheckpointError::InvalidSize { .. }
        ));
        // Unpadded, URL-safe, non-canonical trailing bits, wrong length.
        for root in [
            "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc",
            "_wcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=",
            "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwd=",
            "BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcH",
        ] {
            assert!(
                matches!(bad(&format!("o\n4\n{root}\n")), CheckpointError::InvalidRoot { .. }),
                "{root}"
            );
        }
        assert!(matches!(
            bad("o\n4\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\next\n"),
            CheckpointError::TrailingData
        ));
        assert!(matches!(
            bad("has space\n4\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"),
            CheckpointError::InvalidOrigin { .. }
        ));
        assert!(matches!(
            bad("\n4\nBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\n"),
            CheckpointError::InvalidOrigin { .. }
        ));
    }
}
