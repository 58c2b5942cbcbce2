//! Strict JSON in, canonical JSON (RFC 8785) out.
//!
//! Everything soc2 hashes passes through here. Input is checked before it is typed:
//! duplicate keys, floats, integers beyond ±(2^53 − 1) and strings not in Unicode NFC are
//! rejected with the line, column and path of the offending value (serde_json alone would
//! keep the last duplicate, and the canonicaliser would silently round large integers).
//! Output is RFC 8785 (JCS) canonical bytes, written by [`to_canonical_vec`] straight from
//! the typed value while applying the same checks (the ledger canonicalises every record
//! it reads, so this is on the hot path); tests check it against
//! `serde_json_canonicalizer`.

mod canonical;

use std::fmt;

use serde::Serialize;
use serde::de::{self, DeserializeOwned, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use unicode_normalization::{IsNormalized, is_nfc_quick};

use crate::model::MAX_SAFE_INTEGER;

/// A JSON document that is malformed or does not fit the model.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct JsonError {
    /// The file (or other source) the document came from, when known.
    pub source_name: Option<String>,
    /// 1-based line of the error (0 when the error is not tied to a position).
    pub line: usize,
    /// 1-based column of the error (0 when not tied to a position).
    pub column: usize,
    /// Path of the offending field, e.g. `payload.access_review.accounts[3].decision`
    /// (`.` for the whole document).
    pub path: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for JsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(name) = &self.source_name {
            write!(f, "{name}:")?;
        }
        if self.line > 0 {
            write!(f, "{}:{}: ", self.line, self.column)?;
        } else if self.source_name.is_some() {
            f.write_str(" ")?;
        }
        write!(f, "field `{}`: {}", self.path, self.reason)
    }
}

impl JsonError {
    /// Attaches the name of the file the document was read from.
    pub fn in_source(mut self, name: impl Into<String>) -> Self {
        self.source_name = Some(name.into());
        self
    }

    fn without_position(path: String, reason: String) -> Self {
        JsonError { source_name: None, line: 0, column: 0, path, reason }
    }
}

/// Parses a JSON document into `T` with every strictness check of the model.
pub fn from_json_str<T: DeserializeOwned>(text: &str) -> Result<T, JsonError> {
    if text.starts_with('\u{feff}') {
        return Err(JsonError {
            source_name: None,
            line: 1,
            column: 1,
            path: ".".into(),
            reason: "the document starts with a UTF-8 byte order mark (bytes EF BB BF): save it \
                     as UTF-8 without a BOM"
                .into(),
        });
    }
    check_strict(text)?;
    let mut de = serde_json::Deserializer::from_str(text);
    let value: T = serde_path_to_error::deserialize(&mut de).map_err(|e| {
        let path = display_path(&e.path().to_string());
        let inner = e.into_inner();
        JsonError {
            source_name: None,
            line: inner.line(),
            column: inner.column(),
            path,
            reason: strip_position(&inner.to_string()),
        }
    })?;
    de.end().map_err(|e| from_serde_json(&e, "."))?;
    Ok(value)
}

/// Parses JSON bytes (which must be UTF-8) into `T`; see [`from_json_str`].
pub fn from_json_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, JsonError> {
    let text = std::str::from_utf8(bytes).map_err(|e| {
        let offset = e.valid_up_to();
        let (line, column) = crate::input::line_column(&bytes[..offset]);
        JsonError {
            source_name: None,
            line: line as usize,
            column: column as usize,
            path: ".".into(),
            reason: format!("not UTF-8: invalid byte at offset {offset}"),
        }
    })?;
    from_json_str(text)
}

/// Serialises `value` to its RFC 8785 canonical bytes, after checking that it contains no
/// float, no integer beyond ±(2^53 − 1) and no string that is not NFC.
pub fn to_canonical_vec<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, JsonError> {
    let mut out = Vec::with_capacity(256);
    canonical::write(value, &mut out)
        .map_err(|e| JsonError::without_position(display_path(&e.path()), e.reason))?;
    Ok(out)
}

/// A JSON string as RFC 8785 writes it: only `"`, `\\` and control characters are
/// escaped, the short forms where JSON has them, else `\u00xx` in lower-case hex.
pub(crate) fn write_canonical_str(s: &str, out: &mut Vec<u8>) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push(b'"');
    let bytes = s.as_bytes();
    // Most strings need no escape: one scan the compiler vectorises, then one copy.
    if !bytes.iter().any(|&b| b < 0x20 || b == b'"' || b == b'\\') {
        out.extend_from_slice(bytes);
        out.push(b'"');
        return;
    }
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => {
                out.extend_from_slice(&bytes[start..i]);
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
                start = i + 1;
                continue;
            }
            _ => continue,
        };
        out.extend_from_slice(&bytes[start..i]);
        out.extend_from_slice(escape);
        start = i + 1;
    }
    out.extend_from_slice(&bytes[start..]);
    out.push(b'"');
}

/// Serialises `value` to canonical JSON text; see [`to_canonical_vec`].
pub fn to_canonical_string<T: Serialize + ?Sized>(value: &T) -> Result<String, JsonError> {
    let bytes = to_canonical_vec(value)?;
    // The canonicaliser writes UTF-8 only.
    String::from_utf8(bytes).map_err(|e| JsonError::without_position(".".into(), e.to_string()))
}

/// Serialises `value` for people: keys sorted as in the canonical form, two-space
/// indentation (as `serde_json::to_string_pretty` lays it out), a final newline. Parsing
/// the result gives `value` back.
///
/// It is the canonical form, indented: written straight from the typed value, with the
/// canonical form's checks, and without building a `serde_json::Value` tree first (for a
/// report of a million records that tree took most of the time and memory of `soc2
/// evaluate --format json`).
pub fn to_pretty_string<T: Serialize + ?Sized>(value: &T) -> Result<String, JsonError> {
    let canonical = to_canonical_vec(value)?;
    let pretty = indent_canonical(&canonical);
    // The canonicaliser writes UTF-8 only, and indenting adds ASCII between tokens.
    String::from_utf8(pretty).map_err(|e| JsonError::without_position(".".into(), e.to_string()))
}

/// Lays out canonical JSON (no whitespace between tokens) with two-space indentation and
/// a final newline: a line per member and element, `": "` after keys, and `{}`/`[]` for
/// empty containers.
fn indent_canonical(canonical: &[u8]) -> Vec<u8> {
    fn newline(out: &mut Vec<u8>, depth: usize) {
        out.push(b'\n');
        out.resize(out.len() + 2 * depth, b' ');
    }
    let mut out = Vec::with_capacity(canonical.len() + canonical.len() / 2);
    let mut depth = 0usize;
    let mut i = 0;
    while let Some(&c) = canonical.get(i) {
        match c {
            b'"' => {
                // Copied whole; an escaped quote or backslash is skipped with its backslash.
                let start = i;
                i += 1;
                while let Some(&b) = canonical.get(i) {
                    i += if b == b'\\' { 2 } else { 1 };
                    if b == b'"' {
                        break;
                    }
                }
                out.extend_from_slice(&canonical[start..i.min(canonical.len())]);
                continue;
            }
            b'{' | b'[' => {
                let close = if c == b'{' { b'}' } else { b']' };
                out.push(c);
                if canonical.get(i + 1) == Some(&close) {
                    out.push(close);
                    i += 1;
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(c);
            }
            b',' => {
                out.push(c);
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(c),
        }
        i += 1;
    }
    out.push(b'\n');
    out
}

fn from_serde_json(e: &serde_json::Error, path: &str) -> JsonError {
    JsonError {
        source_name: None,
        line: e.line(),
        column: e.column(),
        path: path.to_owned(),
        reason: strip_position(&e.to_string()),
    }
}

/// serde_json appends " at line L column C" to messages; the position has its own fields.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

fn display_path(p: &str) -> String {
    if p.is_empty() { ".".to_owned() } else { p.to_owned() }
}

pub(crate) fn is_nfc(s: &str) -> bool {
    match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => true,
        IsNormalized::No => false,
        IsNormalized::Maybe => unicode_normalization::is_nfc(s),
    }
}

/// First pass over the raw text: a visitor that walks every value, with its path, and
/// rejects what serde's derived deserialisers would let through.
fn check_strict(text: &str) -> Result<(), JsonError> {
    let mut de = serde_json::Deserializer::from_str(text);
    let path = std::cell::RefCell::new(String::new());
    let res = StrictSeed { path: &path }.deserialize(&mut de).and_then(|()| de.end());
    res.map_err(|e| {
        // A custom error carries "<path>\u{0}<reason>"; syntax errors carry neither.
        let msg = strip_position(&e.to_string());
        let (p, mut reason) = match msg.split_once('\u{0}') {
            Some((p, r)) => (display_path(p), r.to_owned()),
            None => (display_path(&path.borrow()), msg),
        };
        if reason == NOT_AN_INTEGER || reason == "number out of range" {
            reason = describe_number(number_literal_at(text, e.line(), e.column()));
        }
        JsonError { source_name: None, line: e.line(), column: e.column(), path: p, reason }
    })
}

/// The reason [`StrictSeed`] gives for a number serde_json read as f64; replaced by
/// [`describe_number`] once the literal is known.
const NOT_AN_INTEGER: &str = "\u{1}number";

/// The number literal that ends at 1-based `line` and byte `column` of `text` (where
/// serde_json reports an error raised on a number).
fn number_literal_at(text: &str, line: usize, column: usize) -> &str {
    let Some(l) = text.split('\n').nth(line.saturating_sub(1)) else {
        return "";
    };
    let end = column.min(l.len());
    let start = l.as_bytes()[..end]
        .iter()
        .rposition(|b| !matches!(b, b'0'..=b'9' | b'-' | b'+' | b'.' | b'e' | b'E'))
        .map_or(0, |i| i + 1);
    l.get(start..end).unwrap_or_default()
}

/// Why a number that is not a safe integer is refused, in terms of how it was written.
fn describe_number(literal: &str) -> String {
    let digits = literal.strip_prefix('-').unwrap_or(literal);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        if digits.bytes().all(|b| b == b'0') {
            return format!("negative zero `{literal}` is not allowed: write 0");
        }
        return format!("integer {literal} is outside ±(2^53 - 1)");
    }
    format!("floating-point number {literal} is not allowed")
}

struct StrictSeed<'a> {
    path: &'a std::cell::RefCell<String>,
}

impl StrictSeed<'_> {
    fn error<E: de::Error>(&self, reason: impl fmt::Display) -> E {
        E::custom(format_args!("{}\u{0}{reason}", self.path.borrow()))
    }
}

impl<'de> DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = ();
    fn deserialize<D: de::Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for StrictSeed<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, _: bool) -> Result<(), E> {
        Ok(())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        if v.unsigned_abs() > MAX_SAFE_INTEGER {
            return Err(self.error(format_args!("integer {v} is outside ±(2^53 - 1)")));
        }
        Ok(())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        if v > MAX_SAFE_INTEGER {
            return Err(self.error(format_args!("integer {v} is outside ±(2^53 - 1)")));
        }
        Ok(())
    }

    fn visit_f64<E: de::Error>(self, _: f64) -> Result<(), E> {
        // serde_json hands over as f64 not only fractions and exponents but integers
        // beyond 64 bits and `-0`: the message is written from the literal itself.
        Err(self.error(NOT_AN_INTEGER))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        if !is_nfc(v) {
            return Err(self.error("string is not in Unicode NFC"));
        }
        Ok(())
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        Ok(())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut i = 0usize;
        loop {
            let len = self.path.borrow().len();
            self.path.borrow_mut().push_str(&format!("[{i}]"));
            let more = seq.next_element_seed(StrictSeed { path: self.path })?;
            self.path.borrow_mut().truncate(len);
            if more.is_none() {
                return Ok(());
            }
            i += 1;
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut seen = std::collections::BTreeSet::new();
        while let Some(key) = map.next_key::<String>()? {
            let len = self.path.borrow().len();
            {
                let mut p = self.path.borrow_mut();
                if !p.is_empty() {
                    p.push('.');
                }
                p.push_str(&key);
            }
            if !is_nfc(&key) {
                return Err(self.error("key is not in Unicode NFC"));
            }
            if !seen.insert(key) {
                return Err(self.error("duplicate key"));
            }
            map.next_value_seed(StrictSeed { path: self.path })?;
            self.path.borrow_mut().truncate(len);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    #[test]
    fn rejects_what_serde_would_accept() {
        let dup = from_json_str::<Value>("{\n \"a\": 1,\n \"a\": 2\n}").unwrap_err();
        assert_eq!((dup.path.as_str(), dup.line), ("a", 3));
        assert!(dup.reason.contains("duplicate"), "{dup}");

        let float = from_json_str::<Value>(r#"{"x": [1, 2.5]}"#).unwrap_err();
        assert_eq!(float.path, "x[1]");
        assert!(float.reason.contains("floating-point"), "{float}");

        let big = from_json_str::<Value>(r#"{"n": 9007199254740992}"#).unwrap_err();
        assert_eq!(big.path, "n");

        let ok = from_json_str::<Value>(r#"{"n": 9007199254740991, "m": -9007199254740991}"#);
        assert!(ok.is_ok());

        // "e" followed by a combining acute accent is the NFD spelling of "é".
        let nfd = from_json_str::<Value>("{\"name\": \"Rene\u{301}\"}").unwrap_err();
        assert_eq!(nfd.path, "name");
        assert!(nfd.reason.contains("NFC"));
    }

    /// Issue 16, hole 8: each refused number is described as it was written.
    #[test]
    fn numbers_are_described_as_written() {
        let cases = [
            (
                "{\"n\": 18446744073709551616}",
                "integer 18446744073709551616 is outside ±(2^53 - 1)",
            ),
            (
                "{\"n\": -18446744073709551617}",
                "integer -18446744073709551617 is outside ±(2^53 - 1)",
            ),
            ("{\"n\": 9007199254740992}", "integer 9007199254740992 is outside ±(2^53 - 1)"),
            ("{\"n\": -0}", "negative zero `-0` is not allowed: write 0"),
            ("{\"n\": [1,\n  -0 ]}", "negative zero `-0` is not allowed: write 0"),
            ("{\"n\": 1.5e3}", "floating-point number 1.5e3 is not allowed"),
            ("{\"n\": -0.0}", "floating-point number -0.0 is not allowed"),
            ("{\"n\": 1E400}", "floating-point number 1E400 is not allowed"),
        ];
        for (text, reason) in cases {
            let e = from_json_str::<Value>(text).unwrap_err();
            assert_eq!(e.reason, reason, "{text}");
            assert!(e.path.starts_with('n'), "{text}: {e}");
        }
    }

    /// Issue 16, hole 8: a BOM and bytes that are not UTF-8 get messages that say so,
    /// with the position.
    #[test]
    fn bom_and_invalid_utf8_are_named() {
        let bom = from_json_slice::<Value>(b"\xef\xbb\xbf{}").unwrap_err();
        assert!(bom.reason.contains("byte order mark"), "{bom}");
        let bad = from_json_slice::<Value>(b"{\n  \"a\": \"\xff\"\n}").unwrap_err();
        assert_eq!((bad.line, bad.column), (2, 9), "{bad}");
        assert_eq!(bad.reason, "not UTF-8: invalid byte at offset 10");
    }

    fn arb_json() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-(MAX_SAFE_INTEGER as i64)..=MAX_SAFE_INTEGER as i64).prop_map(Value::from),
            // Control characters, quotes, backslashes, BMP and astral characters.
            "[\\x00-\\x1f\"\\\\a-z\u{7f}\u{e9}\u{2028}\u{fffd}\u{1f600}\u{10000}]{0,8}"
                .prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::btree_map(
                    "[a-z\u{e9}\u{ff61}\u{1f600}\u{10000}]{0,4}",
                    inner,
                    0..6
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest::proptest! {
        #[test]
        fn canonical_writer_matches_serde_json_canonicalizer(v in arb_json()) {
            let ours = to_canonical_vec(&v).unwrap();
            let theirs = serde_json_canonicalizer::to_vec(&v).unwrap();
            proptest::prop_assert_eq!(String::from_utf8(ours).unwrap(), String::from_utf8(theirs).unwrap());
        }
    }

    /// `v` with every key character above U+D7FF replaced: for such keys the canonical
    /// order (UTF-16 code units) and serde_json's (code points) differ.
    fn with_plain_keys(v: Value) -> Value {
        match v {
            Value::Array(items) => Value::Array(items.into_iter().map(with_plain_keys).collect()),
            Value::Object(map) => Value::Object(
                map.into_iter()
                    .map(|(k, v)| {
                        let k = k.chars().map(|c| if c > '\u{d7ff}' { 'z' } else { c }).collect();
                        (k, with_plain_keys(v))
                    })
                    .collect(),
            ),
            other => other,
        }
    }

    proptest::proptest! {
        #[test]
        fn pretty_output_is_the_canonical_form_indented(v in arb_json()) {
            let pretty = to_pretty_string(&v).unwrap();
            // It parses back to the value, and without the layout it is the canonical form.
            proptest::prop_assert_eq!(&serde_json::from_str::<Value>(&pretty).unwrap(), &v);
            let mut squeezed = Vec::new();
            let mut in_string = false;
            let mut escaped = false;
            for b in pretty.bytes() {
                if in_string {
                    in_string = escaped || b != b'"';
                    escaped = !escaped && b == b'\\';
                } else if b == b' ' || b == b'\n' {
                    continue;
                } else {
                    in_string = b == b'"';
                }
                squeezed.push(b);
            }
            proptest::prop_assert_eq!(squeezed, to_canonical_vec(&v).unwrap());
        }

        #[test]
        fn pretty_output_is_laid_out_as_serde_json_lays_it_out(v in arb_json()) {
            // serde_json as the oracle of the layout, where its key order is the canonical one.
            let v = with_plain_keys(v);
            let mut theirs = serde_json::to_string_pretty(&v).unwrap();
            theirs.push('\n');
            proptest::prop_assert_eq!(to_pretty_string(&v).unwrap(), theirs);
        }
    }

    #[test]
    fn pretty_output_sorts_keys_as_the_canonical_form_does() {
        // U+FF61 sorts after U+10000 in code points, before it in UTF-16 (RFC 8785).
        let v = serde_json::json!({"\u{10000}": 1, "\u{ff61}": 2});
        assert_eq!(to_pretty_string(&v).unwrap(), "{\n  \"\u{10000}\": 1,\n  \"\u{ff61}\": 2\n}\n");
        assert_eq!(
            to_pretty_string(&serde_json::json!({"a": [], "b": {}})).unwrap(),
            "{\n  \"a\": [],\n  \"b\": {}\n}\n"
        );
    }

    #[test]
    fn pretty_output_refuses_what_the_canonical_form_refuses() {
        let err = to_pretty_string(&serde_json::json!({"a": [1, {"b": 1.5}]})).unwrap_err();
        assert_eq!(err.path, "a[1].b");
        let err = to_pretty_string(&serde_json::json!({"n": 1u64 << 60})).unwrap_err();
        assert_eq!(err.path, "n");
    }

    #[test]
    fn canonical_writer_names_the_offending_path() {
        let v = serde_json::json!({"a": [1, {"b": 1.5}]});
        let err = to_canonical_vec(&v).unwrap_err();
        assert_eq!(err.path, "a[1].b");
        let v = serde_json::json!({"x": {"k": "Rene\u{301}"}});
        assert_eq!(to_canonical_vec(&v).unwrap_err().path, "x.k");
    }

    #[test]
    fn canonical_output_refuses_unsafe_integers() {
        let err = to_canonical_vec(&serde_json::json!({"n": 1u64 << 60})).unwrap_err();
        assert_eq!(err.path, "n");
    }
}
