//! Reading an audit-log file as a stream of JSON events, in bounded memory.
//!
//! A file may be gzipped (CloudTrail delivers `.json.gz`), and holds one of:
//! - newline-delimited JSON: one event per line, or one wrapper document per line (a
//!   CloudTrail log file per line); lines that are not JSON are skipped and counted;
//! - one JSON document: an array of events, a wrapper object whose array holds them
//!   (`{"Records": [...]}`, `{"items": [...]}`), or a single event; pretty-printed or not,
//!   of any size: the wrapper's array is read element by element.
//!
//! The raw bytes are hashed as they are read, so the file is read once.
//!
//! Audit logs and osquery result logs (`fleet-hosts`) are both read here. They differ in
//! what a line that is not JSON means ([`Reading::strict`]): an audit log skips and counts
//! it (a log pipeline's line from another product), a result log refuses it, naming the
//! line, because the state a result log leaves depends on every line.

use std::io::{self, BufRead, BufReader, Read};

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::model::Sha256Digest;

/// The longest line read as one JSON value; a longer first line is read as a streamed
/// document instead (a CloudTrail log file written on one line can be large).
const MAX_LINE: usize = 32 << 20;

/// The most decompressed bytes one gzipped input may yield (a gzip bomb stops here).
pub(crate) const MAX_DECOMPRESSED: u64 = 64 << 30;

/// Where an event sits in its file.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Position {
    /// Its line (newline-delimited events; in a strict reading, also a document's first
    /// line) or its 1-based index among the file's events (the elements of an array).
    pub(crate) record: u64,
}

/// How a file is read.
#[derive(Clone, Copy)]
pub(crate) struct Reading<'k> {
    /// Members of a wrapper object whose array holds the events (`Records`, `items`).
    pub(crate) wrappers: &'k [&'k str],
    /// The top-level members of an event that are parsed (`None`: all); others are
    /// skipped unparsed.
    pub(crate) fields: Option<&'k [&'k str]>,
    /// Top-level members of an event read as compact JSON text instead of values (faster:
    /// nothing is built but the text): an array as a list of its elements' texts, anything
    /// else as one text, each a [`Value::String`] (osquery's `snapshot` rows).
    pub(crate) raw: &'k [&'k str],
    /// Every line counts (osquery result logs): a line that is not JSON, or a truncated
    /// document, is an error naming its line instead of a skipped line; and documents
    /// may follow one another (pretty-printed results), each numbered by its first line.
    pub(crate) strict: bool,
}

/// Why reading stopped.
#[derive(Debug)]
pub(crate) enum StreamError {
    /// The underlying file could not be read.
    Io(io::Error),
    /// The content is not what it should be (bad gzip, bad JSON in a document, too big).
    Data(String),
    /// The event handler refused an event.
    Handler(super::super::ImportError),
    /// A line is not JSON, or a document is cut short (in a strict reading).
    Line { line: u64, reason: String },
}

/// What one file held, once read to its end.
#[derive(Debug)]
pub(crate) struct FileSummary {
    /// The SHA-256 of the raw bytes (as stored).
    pub(crate) sha256: Sha256Digest,
    /// The raw size.
    pub(crate) size: u64,
    /// Whether it was gzipped.
    pub(crate) gzip: bool,
    /// Whether it was newline-delimited.
    pub(crate) ndjson: bool,
    /// Lines that were not JSON (with their line numbers, the first few).
    pub(crate) bad_lines: u64,
    /// The first bad lines' numbers and reasons.
    pub(crate) bad_line_examples: Vec<(u64, String)>,
    /// Raw control characters read as spaces (invalid inside JSON strings, yet written by
    /// some tools).
    pub(crate) control_chars: u64,
    /// Top-level members of wrapper documents that are not the event array, kept when
    /// small (`NextToken`, `nextPageToken`, `kind`).
    pub(crate) wrapper_members: Vec<(String, Value)>,
}

/// Counts and hashes the raw bytes, and remembers whether a read of the file itself
/// failed (as opposed to the decompressor finding bad data).
struct Hashing<R> {
    inner: R,
    sha: Sha256,
    size: u64,
    io_failed: bool,
}

impl<R: Read> Read for Hashing<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.sha.update(&buf[..n]);
                self.size += n as u64;
                Ok(n)
            }
            Err(e) => {
                if e.kind() != io::ErrorKind::Interrupted {
                    self.io_failed = true;
                }
                Err(e)
            }
        }
    }
}

/// Reads `reader` to its end, calling `on_event` for each event with its position.
pub(crate) fn read_events<R: Read>(
    reader: R,
    reading: Reading<'_>,
    on_event: &mut dyn FnMut(Value, Position) -> Result<(), super::super::ImportError>,
) -> Result<FileSummary, StreamError> {
    let mut raw = BufReader::with_capacity(
        1 << 20,
        Hashing { inner: reader, sha: Sha256::new(), size: 0, io_failed: false },
    );
    let head = raw.fill_buf().map_err(StreamError::Io)?;
    let gzip = head.starts_with(&[0x1f, 0x8b]);
    let mut summary = FileSummary {
        sha256: Sha256Digest([0; 32]),
        size: 0,
        gzip,
        ndjson: false,
        bad_lines: 0,
        bad_line_examples: Vec::new(),
        control_chars: 0,
        wrapper_members: Vec::new(),
    };
    let keep = Keep { wrappers: reading.wrappers, fields: reading.fields, raw: reading.raw };
    let strict = reading.strict;
    let result = if gzip {
        let decoder = flate2::bufread::MultiGzDecoder::new(&mut raw);
        let limited = Limit { inner: decoder, left: MAX_DECOMPRESSED };
        let mut text = BufReader::with_capacity(1 << 20, limited);
        read_text(&mut text, keep, strict, on_event, &mut summary)
    } else {
        read_text(&mut raw, keep, strict, on_event, &mut summary)
    };
    let failed_raw = raw.get_ref().io_failed;
    match result {
        Ok(()) => {}
        Err(StreamError::Io(e)) if failed_raw => return Err(StreamError::Io(e)),
        // Anything the decompressor or limit raised is about the content.
        Err(StreamError::Io(e)) => return Err(StreamError::Data(e.to_string())),
        Err(e) => return Err(e),
    }
    // Hash every raw byte, including any after the last gzip member or document.
    io::copy(&mut raw, &mut io::sink()).map_err(StreamError::Io)?;
    let h = raw.into_inner();
    summary.sha256 = Sha256Digest(h.sha.finalize().into());
    summary.size = h.size;
    Ok(summary)
}

/// The text a file begins with, at most `limit` bytes of it: `raw` (the file's first
/// bytes) itself, or as much as it decompresses to when gzipped (a cut gzip stream
/// yields what it holds).
pub(crate) fn head_text(raw: &[u8], limit: usize) -> std::borrow::Cow<'_, [u8]> {
    if !raw.starts_with(&[0x1f, 0x8b]) {
        return std::borrow::Cow::Borrowed(&raw[..raw.len().min(limit)]);
    }
    let mut out = vec![0; limit];
    let mut decoder = flate2::bufread::MultiGzDecoder::new(raw);
    let mut n = 0;
    while n < limit {
        match decoder.read(&mut out[n..]) {
            Ok(0) | Err(_) => break,
            Ok(k) => n += k,
        }
    }
    out.truncate(n);
    std::borrow::Cow::Owned(out)
}

/// A reader that refuses to yield more than `left` bytes.
struct Limit<R> {
    inner: R,
    left: u64,
}

impl<R: Read> Read for Limit<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n as u64 > self.left {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!("decompresses to more than {MAX_DECOMPRESSED} bytes"),
            ));
        }
        self.left -= n as u64;
        Ok(n)
    }
}

/// What of an event is parsed: the wrappers' arrays whole, and of each event only the
/// top-level members the source reads (all when `fields` is `None`). Skipping the rest
/// unparsed is most of the speed of a large import.
#[derive(Clone, Copy)]
pub(crate) struct Keep<'k> {
    wrappers: &'k [&'k str],
    fields: Option<&'k [&'k str]>,
    raw: &'k [&'k str],
}

impl Keep<'_> {
    fn wants(&self, key: &str) -> bool {
        self.fields.is_none_or(|f| f.contains(&key)) || self.wrappers.contains(&key)
    }
}

fn read_text<R: BufRead>(
    r: &mut R,
    keep: Keep<'_>,
    strict: bool,
    on_event: &mut dyn FnMut(Value, Position) -> Result<(), super::super::ImportError>,
    summary: &mut FileSummary,
) -> Result<(), StreamError> {
    let blank_lines = skip_bom_and_space(r)?;
    let first = r.fill_buf().map_err(StreamError::Io)?.first().copied();
    let doc = Doc { keep, strict, lines_before: blank_lines };
    match first {
        None => Ok(()),
        // An array is one document: read it element by element, however long its line.
        Some(b'[') => read_document(r, doc, on_event, summary),
        _ => read_lines(r, doc, on_event, summary),
    }
}

/// Skips a byte-order mark and white space; returns the newlines skipped.
fn skip_bom_and_space<R: BufRead>(r: &mut R) -> Result<u64, StreamError> {
    let buf = r.fill_buf().map_err(StreamError::Io)?;
    if buf.starts_with(&[0xef, 0xbb, 0xbf]) {
        r.consume(3);
    }
    let mut newlines = 0;
    loop {
        let buf = r.fill_buf().map_err(StreamError::Io)?;
        if buf.is_empty() {
            return Ok(newlines);
        }
        let n = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        newlines += buf[..n].iter().filter(|&&b| b == b'\n').count() as u64;
        let all = n == buf.len();
        r.consume(n);
        if !all {
            return Ok(newlines);
        }
    }
}

/// What a document reading needs: what to keep, whether strict, and the lines before it.
#[derive(Clone, Copy)]
struct Doc<'k> {
    keep: Keep<'k>,
    strict: bool,
    lines_before: u64,
}

/// Reads up to and including the next `\n`, at most `MAX_LINE` bytes; returns whether
/// the line was cut at the limit.
fn read_line<R: BufRead>(r: &mut R, line: &mut Vec<u8>) -> io::Result<bool> {
    line.clear();
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return Ok(false);
        }
        let room = MAX_LINE - line.len();
        match memchr::memchr(b'\n', &buf[..buf.len().min(room)]) {
            Some(i) => {
                line.extend_from_slice(&buf[..=i]);
                r.consume(i + 1);
                return Ok(false);
            }
            None => {
                let n = buf.len().min(room);
                line.extend_from_slice(&buf[..n]);
                r.consume(n);
                if line.len() >= MAX_LINE {
                    return Ok(true);
                }
            }
        }
    }
}

fn read_lines<R: BufRead>(
    r: &mut R,
    doc: Doc<'_>,
    on_event: &mut dyn FnMut(Value, Position) -> Result<(), super::super::ImportError>,
    summary: &mut FileSummary,
) -> Result<(), StreamError> {
    let keep = doc.keep;
    let mut line = Vec::new();
    let mut number = doc.lines_before;
    // 0 until the first value shows whether the file holds events (numbered by line) or
    // wrapper documents (their events numbered by position).
    let mut position = 0u64;
    let mut seen_value = false;
    loop {
        let cut = read_line(r, &mut line).map_err(StreamError::Io)?;
        if line.is_empty() {
            return Ok(());
        }
        number += 1;
        if cut || (!seen_value && !is_complete_line(&line)) {
            if seen_value {
                return Err(StreamError::Data(format!(
                    "line {number} is longer than {MAX_LINE} bytes"
                )));
            }
            // The first value spans lines (pretty-printed) or is too long for a line:
            // it is one document, streamed.
            let head = std::mem::take(&mut line);
            let doc = Doc { lines_before: number - 1, ..doc };
            return read_document(io::Cursor::new(head).chain(r), doc, on_event, summary);
        }
        let text = trim_ascii(&line);
        if text.is_empty() {
            continue;
        }
        let parsed = parse_kept(text, keep).or_else(|e| {
            // A raw control character inside a string: read it as a space, and count it.
            let mut controls = 0u64;
            let mut cleaned = Vec::with_capacity(text.len());
            // Reading from a slice cannot fail.
            let _ = Spaces {
                inner: text,
                controls: &mut controls,
                newlines: None,
                in_string: false,
                escaped: false,
            }
            .read_to_end(&mut cleaned);
            if controls == 0 {
                return Err(e);
            }
            let v = parse_kept(&cleaned, keep).map_err(|_| e)?;
            summary.control_chars += controls;
            Ok(v)
        });
        let value: Value = match parsed {
            Ok(v) => v,
            Err(e) if doc.strict => {
                // As a whole file's parse says it: the position in the file, not the line.
                let what = if e.is_eof() { "truncated JSON" } else { "invalid JSON" };
                let (col, at) =
                    (e.column(), format!(" at line {} column {}", e.line(), e.column()));
                let text = e.to_string();
                let message = text.strip_suffix(&at).unwrap_or(&text);
                let reason =
                    format!("{what} at column {col}: {message} at line {number} column {col}");
                return Err(StreamError::Line { line: number, reason });
            }
            Err(e) => {
                summary.bad_lines += 1;
                if summary.bad_line_examples.len() < 20 {
                    summary.bad_line_examples.push((number, format!("not JSON: {e}")));
                }
                continue;
            }
        };
        seen_value = true;
        summary.ndjson = true;
        match wrapper_array(value, keep.wrappers, summary) {
            Unwrapped::Events(events) => {
                for e in events {
                    position += 1;
                    on_event(e, Position { record: position }).map_err(StreamError::Handler)?;
                }
            }
            Unwrapped::Event(e) => {
                on_event(e, Position { record: number }).map_err(StreamError::Handler)?
            }
        }
    }
}

fn parse_kept(text: &[u8], keep: Keep<'_>) -> Result<Value, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_slice(text);
    let v = Kept(keep).deserialize(&mut de)?;
    de.end()?;
    Ok(v)
}

/// A JSON value of which objects keep only the members `Keep` wants (at the top level;
/// a wrapper's array elements are events, filtered the same way).
struct Kept<'k>(Keep<'k>);

impl<'de> DeserializeSeed<'de> for Kept<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Kept<'_> {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = serde_json::Map::new();
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if self.0.wants(&key) {
                let v = if self.0.wrappers.contains(&key.as_ref()) {
                    map.next_value_seed(Kept(self.0))?
                } else if self.0.raw.contains(&key.as_ref()) {
                    map.next_value_seed(RawMember)?
                } else {
                    map.next_value::<Value>()?
                };
                out.insert(key.into_owned(), v);
            } else {
                map.next_value::<IgnoredAny>()?;
            }
        }
        Ok(Value::Object(out))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Kept(self.0))? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
}

/// A member read as compact JSON text (see [`Reading::raw`]).
struct RawMember;

impl RawMember {
    fn text<E>(write: impl FnOnce(&mut String) -> Result<(), E>) -> Result<Value, E> {
        let mut buf = String::new();
        write(&mut buf)?;
        Ok(Value::String(buf))
    }
}

impl<'de> DeserializeSeed<'de> for RawMember {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for RawMember {
    type Value = Value;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        loop {
            let mut buf = String::new();
            if seq.next_element_seed(Compact(&mut buf))?.is_none() {
                return Ok(Value::Array(out));
            }
            out.push(Value::String(buf));
        }
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Value, A::Error> {
        Self::text(|b| Compact(b).visit_map(map))
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Value, E> {
        Self::text(|b| Compact(b).visit_str(v))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Value, E> {
        Self::text(|b| Compact(b).visit_unit())
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Value, E> {
        Self::text(|b| Compact(b).visit_bool(v))
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Value, E> {
        Self::text(|b| Compact(b).visit_i64(v))
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Value, E> {
        Self::text(|b| Compact(b).visit_u64(v))
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Value, E> {
        Self::text(|b| Compact(b).visit_f64(v))
    }
}

/// Writes the JSON value read as compact text (members in their order), building no value.
struct Compact<'b>(&'b mut String);

impl Compact<'_> {
    fn json<E: serde::de::Error>(self, v: &impl serde::Serialize) -> Result<(), E> {
        self.0.push_str(&serde_json::to_string(v).map_err(E::custom)?);
        Ok(())
    }

    fn string<E: serde::de::Error>(self, s: &str) -> Result<(), E> {
        // Most strings need no escape: copied as they are.
        if s.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
            self.0.push('"');
            self.0.push_str(s);
            self.0.push('"');
            Ok(())
        } else {
            self.json(&s)
        }
    }
}

impl<'de> DeserializeSeed<'de> for Compact<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Compact<'_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.push('[');
        let mut first = true;
        loop {
            let at = self.0.len();
            if !first {
                self.0.push(',');
            }
            if seq.next_element_seed(Compact(&mut *self.0))?.is_none() {
                self.0.truncate(at);
                break;
            }
            first = false;
        }
        self.0.push(']');
        Ok(())
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        self.0.push('{');
        let mut first = true;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if !first {
                self.0.push(',');
            }
            first = false;
            Compact(&mut *self.0).string(&key)?;
            self.0.push(':');
            map.next_value_seed(Compact(&mut *self.0))?;
        }
        self.0.push('}');
        Ok(())
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<(), E> {
        self.string(v)
    }
    fn visit_unit<E>(self) -> Result<(), E> {
        self.0.push_str("null");
        Ok(())
    }
    fn visit_none<E>(self) -> Result<(), E> {
        self.0.push_str("null");
        Ok(())
    }
    fn visit_bool<E>(self, v: bool) -> Result<(), E> {
        self.0.push_str(if v { "true" } else { "false" });
        Ok(())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<(), E> {
        self.json(&v)
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<(), E> {
        self.json(&v)
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<(), E> {
        self.json(&v)
    }
}

/// Whether a first line is a whole JSON value (else a document spans lines).
fn is_complete_line(line: &[u8]) -> bool {
    let t = trim_ascii(line);
    if t.is_empty() {
        return true;
    }
    if !matches!(t.first(), Some(b'{' | b'[')) {
        // Not JSON at all: handled as a bad line.
        return true;
    }
    match serde_json::from_slice::<IgnoredAny>(t) {
        Ok(_) => true,
        Err(e) => e.classify() != serde_json::error::Category::Eof,
    }
}

fn trim_ascii(b: &[u8]) -> &[u8] {
    let start = b.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(b.len());
    let end = b.iter().rposition(|c| !c.is_ascii_whitespace()).map_or(start, |i| i + 1);
    &b[start..end]
}

enum Unwrapped {
    Events(Vec<Value>),
    Event(Value),
}

/// An array is a list of events; an object with a wrapper member holding an array is a
/// wrapper; anything else is one event.
fn wrapper_array(value: Value, wrappers: &[&str], summary: &mut FileSummary) -> Unwrapped {
    match value {
        Value::Array(a) => Unwrapped::Events(a),
        Value::Object(mut m) => {
            let key = wrappers.iter().find(|k| m.get(**k).is_some_and(Value::is_array));
            match key {
                Some(k) => {
                    let Some(Value::Array(events)) = m.remove(*k) else { unreachable!() };
                    for (name, v) in m {
                        keep_member(summary, name, v);
                    }
                    Unwrapped::Events(events)
                }
                None => Unwrapped::Event(Value::Object(m)),
            }
        }
        other => Unwrapped::Event(other),
    }
}

fn keep_member(summary: &mut FileSummary, name: String, v: Value) {
    let small = match &v {
        Value::String(s) => s.len() <= 4096,
        Value::Array(_) | Value::Object(_) => false,
        _ => true,
    };
    if small && summary.wrapper_members.len() < 64 {
        summary.wrapper_members.push((name, v));
    }
}

/// Streams one document: an array of events, a wrapper, or a single event (in a strict
/// reading, documents one after another).
fn read_document<R: Read>(
    r: R,
    doc: Doc<'_>,
    on_event: &mut dyn FnMut(Value, Position) -> Result<(), super::super::ImportError>,
    summary: &mut FileSummary,
) -> Result<(), StreamError> {
    // Valid JSON has no raw control character inside a string, so reading those as
    // spaces changes nothing in a valid document and lets a sloppy writer's through.
    let mut controls = 0u64;
    let newlines = std::cell::Cell::new(0u64);
    let mut de = serde_json::Deserializer::from_reader(Spaces {
        inner: r,
        controls: &mut controls,
        newlines: Some(&newlines),
        in_string: false,
        escaped: false,
    });
    let mut state = DocState {
        keep: doc.keep,
        on_event,
        summary,
        position: 0,
        failed: None,
        first_line: doc.strict.then_some((&newlines, doc.lines_before)),
    };
    let mut outcome = TopLevel(&mut state).deserialize(&mut de);
    if doc.strict {
        // Documents one after another, until only white space is left.
        while outcome.is_ok() {
            match de.end() {
                Ok(()) => break,
                Err(e) if e.is_io() => outcome = Err(e),
                Err(_) => outcome = TopLevel(&mut state).deserialize(&mut de),
            }
        }
    } else {
        outcome = outcome.and_then(|()| de.end());
    }
    drop(de);
    state.summary.control_chars += controls;
    if let Some(e) = state.failed.take() {
        return Err(StreamError::Handler(e));
    }
    outcome.map_err(|e| {
        if e.is_io() {
            StreamError::Io(io::Error::other(e.to_string()))
        } else if doc.strict {
            let what = if e.is_eof() { "truncated JSON" } else { "invalid JSON" };
            StreamError::Line {
                line: doc.lines_before + e.line() as u64,
                reason: format!("{what} at column {}: {e}", e.column()),
            }
        } else {
            StreamError::Data(format!("not a JSON document: {e}"))
        }
    })
}

/// Reads raw control characters inside strings as spaces, counting them (and counting
/// newlines, when asked).
struct Spaces<'c, R> {
    inner: R,
    controls: &'c mut u64,
    newlines: Option<&'c std::cell::Cell<u64>>,
    in_string: bool,
    escaped: bool,
}

impl<R: Read> Read for Spaces<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(lines) = self.newlines {
            lines.set(lines.get() + memchr::memchr_iter(b'\n', &buf[..n]).count() as u64);
        }
        for b in &mut buf[..n] {
            if self.escaped {
                self.escaped = false;
            } else if self.in_string {
                match *b {
                    b'\\' => self.escaped = true,
                    b'"' => self.in_string = false,
                    c if c < 0x20 => {
                        *b = b' ';
                        *self.controls += 1;
                    }
                    _ => {}
                }
            } else if *b == b'"' {
                self.in_string = true;
            }
        }
        Ok(n)
    }
}

struct DocState<'a, 'h> {
    keep: Keep<'a>,
    on_event: &'h mut dyn FnMut(Value, Position) -> Result<(), super::super::ImportError>,
    summary: &'a mut FileSummary,
    position: u64,
    /// The handler's error, kept typed while serde unwinds with a placeholder.
    failed: Option<super::super::ImportError>,
    /// In a strict reading, the newlines read so far and the lines before the first
    /// document: a top-level object is numbered by its first line.
    first_line: Option<(&'a std::cell::Cell<u64>, u64)>,
}

impl DocState<'_, '_> {
    fn event<E: serde::de::Error>(&mut self, v: Value) -> Result<(), E> {
        self.position += 1;
        self.event_at(v, self.position)
    }

    fn event_at<E: serde::de::Error>(&mut self, v: Value, record: u64) -> Result<(), E> {
        match (self.on_event)(v, Position { record }) {
            Ok(()) => Ok(()),
            Err(e) => {
                self.failed = Some(e);
                Err(E::custom("stopped by the event handler"))
            }
        }
    }
}

struct TopLevel<'s, 'a, 'h>(&'s mut DocState<'a, 'h>);

impl<'de> DeserializeSeed<'de> for TopLevel<'_, '_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for TopLevel<'_, '_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON array of events or an object")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let keep = self.0.keep;
        while let Some(v) = seq.next_element_seed(Kept(keep))? {
            self.0.event(v)?;
        }
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        // The object's first line: serde has read up to its `{` and no further.
        let line = self.0.first_line.map(|(newlines, before)| before + newlines.get() + 1);
        // Members are kept until the object ends: without a wrapper array, the object
        // is itself one event.
        let mut members = serde_json::Map::new();
        let mut wrapped = false;
        while let Some(key) = map.next_key::<String>()? {
            if self.0.keep.wrappers.contains(&key.as_str()) {
                let streamed = map.next_value_seed(Elements(self.0))?;
                if streamed {
                    wrapped = true;
                    continue;
                }
                members.insert(key, Value::Null);
                continue;
            }
            let v: Value = if self.0.keep.raw.contains(&key.as_str()) {
                map.next_value_seed(RawMember)?
            } else {
                map.next_value()?
            };
            members.insert(key, v);
        }
        if wrapped {
            for (k, v) in members {
                keep_member(self.0.summary, k, v);
            }
            Ok(())
        } else if let Some(line) = line {
            self.0.event_at(Value::Object(members), line)
        } else {
            self.0.event(Value::Object(members))
        }
    }
}

/// A wrapper member's value: an array streamed element by element (`true`), or
/// anything else ignored (`false`).
struct Elements<'s, 'a, 'h>(&'s mut DocState<'a, 'h>);

impl<'de> DeserializeSeed<'de> for Elements<'_, '_, '_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Elements<'_, '_, '_> {
    type Value = bool;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("an array of events")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        let keep = self.0.keep;
        while let Some(v) = seq.next_element_seed(Kept(keep))? {
            self.0.event(v)?;
        }
        Ok(true)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(false)
    }

    fn visit_str<E>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_string<E>(self, _: String) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E>(self) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn events(bytes: &[u8]) -> (Vec<(u64, Value)>, FileSummary) {
        let mut got = Vec::new();
        let reading =
            Reading { wrappers: &["Records", "items"], fields: None, raw: &[], strict: false };
        let s = read_events(bytes, reading, &mut |v, p| {
            got.push((p.record, v));
            Ok(())
        })
        .unwrap();
        (got, s)
    }

    #[test]
    fn ndjson_lines_are_numbered_and_bad_lines_counted() {
        let (got, s) = events(b"{\"a\":1}\nnot json\n\n{\"a\":2}");
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, 1);
        assert_eq!(got[1].0, 4);
        assert_eq!(s.bad_lines, 1);
        assert!(s.ndjson);
    }

    #[test]
    fn a_pretty_printed_wrapper_is_streamed() {
        let doc = b"{\n  \"Records\": [\n {\"a\": 1},\n {\"a\": 2}\n ],\n \"next\": \"t\"\n}\n";
        let (got, s) = events(doc);
        assert_eq!(got.iter().map(|g| g.0).collect::<Vec<_>>(), [1, 2]);
        assert_eq!(s.wrapper_members, [("next".to_owned(), Value::from("t"))]);
        assert!(!s.ndjson);
    }

    #[test]
    fn a_single_line_wrapper_and_a_single_pretty_event() {
        let (got, _) = events(b"{\"Records\":[{\"a\":1},{\"a\":2},{\"a\":3}]}");
        assert_eq!(got.len(), 3);
        let (got, _) = events(b"{\n \"eventName\": \"X\"\n}");
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].1["eventName"], "X");
    }

    #[test]
    fn gzip_is_read_and_the_raw_bytes_hashed() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"[{\"a\":1},{\"a\":2}]").unwrap();
        let raw = gz.finish().unwrap();
        let (got, s) = events(&raw);
        assert_eq!(got.len(), 2);
        assert!(s.gzip);
        assert_eq!(s.size, raw.len() as u64);
        assert_eq!(s.sha256, Sha256Digest::of(&raw));
    }

    #[test]
    fn raw_members_are_compact_text() {
        let reading = Reading { wrappers: &[], fields: None, raw: &["rows", "one"], strict: true };
        let mut got = Vec::new();
        let doc = b"{\"rows\": [ {\"a\": \"x\\\"y\", \"b\": [1, 2.5, -3, true, null]}, {} ], \"one\": {\"k\": {}},\n \"n\": 1}\n{\"rows\": []}";
        read_events(&doc[..], reading, &mut |v, p| {
            got.push((p.record, v));
            Ok(())
        })
        .unwrap();
        assert_eq!(got[0].1["rows"][0], r#"{"a":"x\"y","b":[1,2.5,-3,true,null]}"#);
        assert_eq!(got[0].1["rows"][1], "{}");
        assert_eq!(got[0].1["one"], r#"{"k":{}}"#);
        assert_eq!(got[0].1["n"], 1);
        assert_eq!((got[1].0, &got[1].1["rows"]), (3, &Value::Array(vec![])));
    }

    #[test]
    fn a_truncated_document_is_an_error() {
        let reading = Reading { wrappers: &[], fields: None, raw: &[], strict: false };
        let r = read_events(&b"[{\"a\":1},{\"a\""[..], reading, &mut |_, _| Ok(()));
        assert!(matches!(r, Err(StreamError::Data(_))));
    }
}
