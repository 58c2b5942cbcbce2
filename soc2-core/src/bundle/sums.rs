//! `SHA256SUMS`: one `<64 lower-case hex>  <member>` line per member, in byte-wise name
//! order, exactly as GNU coreutils `sha256sum` writes it in text mode, so that
//! `sha256sum -c --strict SHA256SUMS` checks an extracted bundle.

use crate::model::Sha256Digest;

use super::archive::validate_member_name;
use super::error::BundleError;
use super::{SUMS, SUMS_SIG};

/// Renders the listing. `entries` must be sorted by name and unique.
pub(crate) fn render<'a>(entries: impl IntoIterator<Item = (&'a str, &'a Sha256Digest)>) -> String {
    let mut out = String::new();
    for (name, digest) in entries {
        out.push_str(&digest.to_hex());
        out.push_str("  ");
        out.push_str(name);
        out.push('\n');
    }
    out
}

/// Parses the listing strictly: every line `<64 lower-case hex>  <member>\n`, names
/// valid member names in strictly increasing byte order, and neither `SHA256SUMS` nor
/// `SHA256SUMS.sig` listed (they cannot be).
pub(crate) fn parse(bytes: &[u8]) -> Result<Vec<(String, Sha256Digest)>, BundleError> {
    let bad = |line: usize, reason: String| BundleError::SumsMalformed { line, reason };
    if bytes.is_empty() {
        return Err(bad(1, "the file is empty".into()));
    }
    let Some(body) = bytes.strip_suffix(b"\n") else {
        let line = bytes.split(|&b| b == b'\n').count();
        return Err(bad(line, "the last line does not end in a newline".into()));
    };
    let mut out: Vec<(String, Sha256Digest)> = Vec::new();
    for (i, raw) in body.split(|&b| b == b'\n').enumerate() {
        let line = i + 1;
        let text = std::str::from_utf8(raw).map_err(|_| bad(line, "not UTF-8".into()))?;
        let (hex, name) = match (text.get(..64), text.get(64..66), text.get(66..)) {
            (Some(h), Some("  "), Some(n)) => (h, n),
            _ => {
                return Err(bad(
                    line,
                    "expected 64 lower-case hex digits, two spaces and a member name".into(),
                ));
            }
        };
        let digest: Sha256Digest = hex
            .parse()
            .map_err(|_| bad(line, format!("{hex:?} is not 64 lower-case hex digits")))?;
        validate_member_name(name).map_err(|e| bad(line, e.to_string()))?;
        if name == SUMS || name == SUMS_SIG {
            return Err(bad(line, format!("{name:?} cannot list itself or its signature")));
        }
        if let Some((prev, _)) = out.last()
            && prev.as_str() >= name
        {
            return Err(bad(
                line,
                format!("{name:?} is listed after {prev:?}: names must be unique and sorted"),
            ));
        }
        out.push((name.to_owned(), digest));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_is_strict() {
        let a = Sha256Digest([0xab; 32]);
        let b = Sha256Digest([0x01; 32]);
        let text = render([("a", &a), ("b/c", &b)]);
        assert_eq!(text, format!("{}  a\n{}  b/c\n", "ab".repeat(32), "01".repeat(32)));
        assert_eq!(
            parse(text.as_bytes()).unwrap(),
            vec![("a".to_owned(), a), ("b/c".to_owned(), b)]
        );
        let line = |s: &str| match parse(s.as_bytes()) {
            Err(BundleError::SumsMalformed { line, .. }) => line,
            other => panic!("{other:?}"),
        };
        let h = "ab".repeat(32);
        assert_eq!(line(""), 1);
        assert_eq!(line(&format!("{h}  a")), 1);
        assert_eq!(line(&format!("{h}  a\n{h} *b\n")), 2);
        assert_eq!(line(&format!("{h}  b\n{h}  a\n")), 2);
        assert_eq!(line(&format!("{h}  a\n{h}  a\n")), 2);
        assert_eq!(line(&format!("{}  a\n", h.to_uppercase())), 1);
        assert_eq!(line(&format!("{h}  ../a\n")), 1);
        assert_eq!(line(&format!("{h}  SHA256SUMS\n")), 1);
        assert_eq!(line(&format!("{h}  a\n\n")), 2);
    }
}
