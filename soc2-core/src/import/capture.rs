//! Input files as pages: a bare response body, or a captured request and response.
//!
//! Three capture shapes are recognised (see `docs/importers.md`):
//! - the soc2 envelope, a JSON object `{"method", "url", "status", "headers", "body"}` with
//!   `body` and at least `url` or `status` (`body` is the JSON response, or a string for a
//!   text one such as CSV; `headers` is an object of header name to value; an optional
//!   `request` object `{"headers", "body"}` holds the request as sent);
//! - `gh api --include` output: `HTTP/x status` line, headers, a blank line, the body; with
//!   `--paginate` several such responses follow each other in one file; a raw HTTP exchange
//!   (request line, headers, body, then the response) is read too;
//! - a boto3 "placebo" recording `{"status_code": N, "data": {...}}`, whose response
//!   headers are in `data.ResponseMetadata.HTTPHeaders`.
//!
//! Anything else is a bare body.

use serde_json::Value;

use super::error::ImportError;
use super::toolkit::parse_http_date;
use crate::model::Timestamp;

/// The request and response metadata of a captured page.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Capture {
    /// The request's method.
    pub(crate) method: Option<String>,
    /// The URL requested, when the capture shows it.
    pub(crate) url: Option<String>,
    /// The response status.
    pub(crate) status: Option<u16>,
    /// Response headers, names lower-cased, in order.
    pub(crate) headers: Vec<(String, String)>,
    /// The `Date` header, parsed.
    pub(crate) date: Option<Timestamp>,
    /// Which shape it was (for messages).
    pub(crate) shape: &'static str,
    /// Request headers, names lower-cased, in order (when the capture holds the request).
    pub(crate) request_headers: Vec<(String, String)>,
    /// The request body as sent, when the capture holds it (empty: a request without one).
    pub(crate) request_body: Option<String>,
}

impl Capture {
    /// The first header of this name (lower-case).
    pub(crate) fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// The first request header of this name (lower-case).
    pub(crate) fn request_header(&self, name: &str) -> Option<&str> {
        self.request_headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }

    /// Every `Link` header's relations, in order (Okta sends `self` and `next` as two
    /// separate `Link` headers; GitHub sends one). `None` when there is no `Link` header.
    pub(crate) fn links(&self) -> Option<Vec<(String, String)>> {
        let mut all = Vec::new();
        let mut any = false;
        for (_, v) in self.headers.iter().filter(|(n, _)| n == "link") {
            any = true;
            all.extend(link_rels(v));
        }
        any.then_some(all)
    }

    /// The URL's path (without scheme, host and query), when there is a URL.
    pub(crate) fn endpoint(&self) -> Option<String> {
        let url = self.url.as_deref()?;
        let no_query = url.split(['?', '#']).next().unwrap_or(url);
        Some(no_query.to_owned())
    }

    /// The URL's query string, when there is one.
    pub(crate) fn query(&self) -> Option<String> {
        let url = self.url.as_deref()?;
        let q = url.split_once('?')?.1;
        let q = q.split('#').next().unwrap_or(q);
        (!q.is_empty()).then(|| q.to_owned())
    }

    /// The value of a query parameter (not percent-decoded beyond `+` and `%xx`).
    pub(crate) fn query_param(&self, name: &str) -> Option<String> {
        query_param(self.url.as_deref()?, name)
    }
}

/// The value of `name` in the query of `url`.
pub(crate) fn query_param(url: &str, name: &str) -> Option<String> {
    let q = url.split_once('?')?.1;
    let q = q.split('#').next().unwrap_or(q);
    q.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        (percent_decode(k) == name).then(|| percent_decode(v))
    })
}

pub(crate) fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => {
                let hex = |c: u8| (c as char).to_digit(16);
                match (hex(b[i + 1]), hex(b[i + 2])) {
                    (Some(h), Some(l)) => {
                        out.push((h * 16 + l) as u8);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A page's body.
#[derive(Clone, Debug)]
pub(crate) enum Body {
    /// Raw bytes (a bare file, or the body of an `--include` capture).
    Bytes(Vec<u8>),
    /// An already parsed JSON body (from an envelope or a placebo recording).
    Json(Value),
}

/// One response: its body, and the capture around it if there was one.
#[derive(Clone, Debug)]
pub(crate) struct Page {
    /// The input file it came from.
    pub(crate) file: String,
    /// The capture metadata (absent for a bare body).
    pub(crate) capture: Option<Capture>,
    /// The body.
    pub(crate) body: Body,
}

impl Page {
    /// The captured request URL (absent for a bare body, or a capture without one).
    pub(crate) fn url(&self) -> Option<&str> {
        self.capture.as_ref().and_then(|c| c.url.as_deref())
    }

    /// The body as JSON, with the file, line and column of a syntax error.
    pub(crate) fn json(&self, source: &str) -> Result<Value, ImportError> {
        match &self.body {
            Body::Json(v) => Ok(v.clone()),
            Body::Bytes(b) => parse_json(&self.file, source, b),
        }
    }

    /// The body as text (a string body of an envelope, or the raw bytes as UTF-8).
    pub(crate) fn text(&self) -> Result<String, ImportError> {
        match &self.body {
            Body::Json(Value::String(s)) => Ok(s.clone()),
            Body::Json(v) => Ok(v.to_string()),
            Body::Bytes(b) => String::from_utf8(b.clone()).map_err(|e| {
                ImportError::malformed(
                    &self.file,
                    0,
                    None,
                    format!("not UTF-8 at byte {}", e.utf8_error().valid_up_to()),
                )
            }),
        }
    }
}

/// Parses JSON bytes; an input that is not JSON at all is the wrong source.
pub(crate) fn parse_json(file: &str, source: &str, bytes: &[u8]) -> Result<Value, ImportError> {
    let text = strip_bom(bytes);
    let first = text.iter().find(|c| !c.is_ascii_whitespace());
    if !matches!(first, Some(b'{' | b'[')) {
        return Err(ImportError::wrong(file, source, "expected a JSON response, found no JSON"));
    }
    serde_json::from_slice(text).map_err(|e| {
        if !e.is_eof() && first_document_is_whole(text) {
            return ImportError::wrong(
                file,
                source,
                format!(
                    "several JSON documents one after another (JSON lines; the second begins \
                     on line {}), not one response",
                    e.line()
                ),
            );
        }
        let what = if e.is_eof() { "truncated JSON" } else { "invalid JSON" };
        ImportError::malformed(
            file,
            e.line() as u64,
            None,
            format!("{what} at column {}: {e}", e.column()),
        )
    })
}

/// Whether the bytes begin with one whole JSON document (followed by something else).
fn first_document_is_whole(b: &[u8]) -> bool {
    let mut docs = serde_json::Deserializer::from_slice(b).into_iter::<serde::de::IgnoredAny>();
    matches!(docs.next(), Some(Ok(_)))
}

/// The JSON documents of a page: its one parsed body, or every document of a body that
/// holds several one after another (JSON lines, or pretty-printed objects in a row), each
/// with its 1-based line. A syntax error names the file and line.
pub(crate) fn documents(page: &Page, source: &str) -> Result<Vec<(u64, Value)>, ImportError> {
    let bytes = match &page.body {
        Body::Json(v) => return Ok(vec![(1, v.clone())]),
        Body::Bytes(b) => strip_bom(b),
    };
    if !matches!(bytes.iter().find(|c| !c.is_ascii_whitespace()), Some(b'{' | b'[')) {
        return Err(ImportError::wrong(&page.file, source, "expected JSON, found no JSON"));
    }
    let mut out = Vec::new();
    let mut docs = serde_json::Deserializer::from_slice(bytes).into_iter::<Value>();
    let mut line = 1u64;
    let mut counted = 0usize;
    loop {
        // The line a document starts on: newlines before its first byte.
        let start = docs.byte_offset();
        let skip = bytes[start..].iter().take_while(|c| c.is_ascii_whitespace()).count();
        line += bytes[counted..start + skip].iter().filter(|&&c| c == b'\n').count() as u64;
        counted = start + skip;
        match docs.next() {
            None => break,
            Some(Ok(v)) => out.push((line, v)),
            Some(Err(e)) => {
                let what = if e.is_eof() { "truncated JSON" } else { "invalid JSON" };
                return Err(ImportError::malformed(
                    &page.file,
                    e.line() as u64,
                    None,
                    format!("{what} at column {}: {e}", e.column()),
                ));
            }
        }
    }
    Ok(out)
}

pub(crate) fn strip_bom(b: &[u8]) -> &[u8] {
    b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)
}

/// Splits one input file into its responses.
pub(crate) fn pages_of(file: &str, bytes: &[u8], source: &str) -> Result<Vec<Page>, ImportError> {
    let trimmed = strip_bom(bytes);
    let start = trimmed.iter().position(|c| !c.is_ascii_whitespace()).unwrap_or(trimmed.len());
    let rest = &trimmed[start..];
    if rest.starts_with(b"HTTP/") {
        return include_pages(file, rest);
    }
    if let Some(pages) = exchange(file, rest)? {
        return Ok(pages);
    }
    let page = |capture, body| Page { file: file.to_owned(), capture, body };
    if rest.starts_with(b"{") {
        // Only an object can be an envelope; parse once and keep the value.
        let value = match parse_json(file, source, rest) {
            Ok(v) => v,
            // Several JSON documents one after another (JSON lines, `fleetctl --json`):
            // the bytes are the body, for a source that reads documents one by one
            // (the others refuse it as invalid JSON when they parse it).
            Err(_) if first_document_is_whole(rest) => {
                return Ok(vec![page(None, Body::Bytes(bytes.to_vec()))]);
            }
            Err(e) => return Err(e),
        };
        if let Some((capture, body)) = envelope(file, &value)? {
            return Ok(vec![page(Some(capture), Body::Json(body))]);
        }
        if let Some((capture, body)) = placebo(&value) {
            return Ok(vec![page(Some(capture), Body::Json(body))]);
        }
        return Ok(vec![page(None, Body::Json(value))]);
    }
    Ok(vec![page(None, Body::Bytes(bytes.to_vec()))])
}

/// The soc2 capture envelope.
fn envelope(file: &str, v: &Value) -> Result<Option<(Capture, Value)>, ImportError> {
    let Some(obj) = v.as_object() else { return Ok(None) };
    const KEYS: [&str; 6] = ["method", "url", "status", "headers", "body", "request"];
    if !obj.contains_key("body")
        || !(obj.contains_key("url") || obj.contains_key("status"))
        || obj.keys().any(|k| !KEYS.contains(&k.as_str()))
    {
        return Ok(None);
    }
    let bad = |field: &str, what: &str| ImportError::malformed(file, 0, Some(field), what);
    let mut c = Capture { shape: "envelope", ..Capture::default() };
    if let Some(m) = obj.get("method") {
        c.method = Some(m.as_str().ok_or_else(|| bad("method", "expected a string"))?.to_owned());
    }
    if let Some(u) = obj.get("url") {
        c.url = Some(u.as_str().ok_or_else(|| bad("url", "expected a string"))?.to_owned());
    }
    if let Some(s) = obj.get("status") {
        let n = s.as_u64().filter(|n| (100..600).contains(n));
        c.status = Some(n.ok_or_else(|| bad("status", "expected an HTTP status"))? as u16);
    }
    if let Some(h) = obj.get("headers") {
        c.headers = envelope_headers(file, h, "headers")?;
    }
    if let Some(r) = obj.get("request") {
        let r = r.as_object().ok_or_else(|| bad("request", "expected an object"))?;
        if let Some(k) = r.keys().find(|k| !["headers", "body"].contains(&k.as_str())) {
            return Err(bad("request", &format!("unknown key {k:?} (expected headers, body)")));
        }
        if let Some(h) = r.get("headers") {
            c.request_headers = envelope_headers(file, h, "request.headers")?;
        }
        c.request_body = match r.get("body") {
            None => None,
            Some(Value::Null) => Some(String::new()),
            Some(Value::String(s)) => Some(s.clone()),
            Some(v) => Some(v.to_string()),
        };
    }
    c.date = c.header("date").and_then(parse_http_date);
    if c.header("date").is_some() && c.date.is_none() {
        return Err(bad("headers.date", "not an HTTP date (e.g. Fri, 25 Nov 2016 14:30:40 GMT)"));
    }
    let body = obj.get("body").cloned().unwrap_or(Value::Null);
    Ok(Some((c, body)))
}

/// An envelope's header object: name to a string or a list of strings.
fn envelope_headers(
    file: &str,
    h: &Value,
    field: &str,
) -> Result<Vec<(String, String)>, ImportError> {
    let bad = |what: &str| ImportError::malformed(file, 0, Some(field), what);
    let h = h.as_object().ok_or_else(|| bad("expected an object"))?;
    let mut out = Vec::new();
    for (name, value) in h {
        // A header may appear several times: a list of values.
        let values: Vec<&str> = match value {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => return Err(bad("header values must be strings")),
        };
        for v in values {
            out.push((name.to_ascii_lowercase(), v.to_owned()));
        }
    }
    Ok(out)
}

/// A boto3 placebo recording (`{"status_code": N, "data": {...}}`).
fn placebo(v: &Value) -> Option<(Capture, Value)> {
    let obj = v.as_object()?;
    if obj.len() != 2 || !obj.contains_key("data") {
        return None;
    }
    let status = obj.get("status_code")?.as_u64()?;
    let data = obj.get("data")?.clone();
    let mut c = Capture { shape: "boto3 recording", ..Capture::default() };
    c.status = u16::try_from(status).ok();
    if let Some(h) = data.pointer("/ResponseMetadata/HTTPHeaders").and_then(Value::as_object) {
        for (name, value) in h {
            if let Some(s) = value.as_str() {
                c.headers.push((name.to_ascii_lowercase(), s.to_owned()));
            }
        }
    }
    c.date = c.header("date").and_then(parse_http_date);
    Some((c, data))
}

/// `gh api --include` (and `curl -i`) output: one or more responses.
fn include_pages(file: &str, bytes: &[u8]) -> Result<Vec<Page>, ImportError> {
    let mut pages = Vec::new();
    let mut rest = bytes;
    let mut line_no: u64 = 1;
    while !rest.is_empty() {
        let mut c = Capture { shape: "HTTP capture", ..Capture::default() };
        // Status line and headers, up to the first empty line.
        let mut first = true;
        loop {
            let (line, after) = match rest.iter().position(|&b| b == b'\n') {
                Some(i) => (&rest[..i], &rest[i + 1..]),
                None => (rest, &rest[rest.len()..]),
            };
            rest = after;
            let line = std::str::from_utf8(line)
                .map_err(|_| ImportError::malformed(file, line_no, None, "header not UTF-8"))?
                .trim_end_matches('\r');
            line_no += 1;
            if first {
                let status =
                    line.split_whitespace().nth(1).and_then(|s| s.parse::<u16>().ok()).ok_or_else(
                        || ImportError::malformed(file, line_no - 1, None, "bad HTTP status line"),
                    )?;
                c.status = Some(status);
                first = false;
                continue;
            }
            if line.is_empty() {
                break;
            }
            if rest.is_empty() && !line.contains(':') {
                return Err(ImportError::malformed(file, line_no - 1, None, "truncated headers"));
            }
            let (name, value) = line.split_once(':').ok_or_else(|| {
                ImportError::malformed(file, line_no - 1, None, "header line without `:`")
            })?;
            c.headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
        }
        c.date = c.header("date").and_then(parse_http_date);
        // The body runs to the next status line at the start of a line (JSON bodies hold
        // no raw newline inside strings, so this cannot cut one).
        let end = find_next_response(rest).unwrap_or(rest.len());
        let body = &rest[..end];
        line_no += body.iter().filter(|&&b| b == b'\n').count() as u64;
        pages.push(Page {
            file: file.to_owned(),
            capture: Some(c),
            body: Body::Bytes(body.to_vec()),
        });
        rest = &rest[end..];
    }
    Ok(pages)
}

/// A raw HTTP exchange: the request (`METHOD TARGET HTTP/x`, headers, blank line, body)
/// followed by its response(s). `None` when the file does not start with a request line.
fn exchange(file: &str, bytes: &[u8]) -> Result<Option<Vec<Page>>, ImportError> {
    let first_end = bytes.iter().position(|&b| b == b'\n').unwrap_or(bytes.len());
    let Ok(first) = std::str::from_utf8(&bytes[..first_end]) else { return Ok(None) };
    let parts: Vec<&str> = first.trim_end_matches('\r').split(' ').collect();
    let is_request = parts.len() == 3
        && parts[2].starts_with("HTTP/")
        && !parts[0].is_empty()
        && parts[0].bytes().all(|b| b.is_ascii_uppercase());
    if !is_request {
        return Ok(None);
    }
    let (method, target) = (parts[0], parts[1]);
    let mut rest = &bytes[(first_end + 1).min(bytes.len())..];
    let mut line_no: u64 = 2;
    let mut headers = Vec::new();
    loop {
        let Some(i) = rest.iter().position(|&b| b == b'\n') else {
            return Err(ImportError::malformed(file, line_no, None, "truncated request headers"));
        };
        let line = std::str::from_utf8(&rest[..i])
            .map_err(|_| ImportError::malformed(file, line_no, None, "header not UTF-8"))?
            .trim_end_matches('\r');
        rest = &rest[i + 1..];
        line_no += 1;
        if line.is_empty() {
            break;
        }
        let (name, value) = line.split_once(':').ok_or_else(|| {
            ImportError::malformed(file, line_no - 1, None, "header line without `:`")
        })?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let at_start = rest.starts_with(b"HTTP/").then_some(0);
    let Some(end) = at_start.or_else(|| find_next_response(rest)) else {
        return Err(ImportError::malformed(
            file,
            line_no,
            None,
            "a request without its response (expected an `HTTP/x status` line after it)",
        ));
    };
    let body = String::from_utf8(rest[..end].to_vec())
        .map_err(|_| ImportError::malformed(file, line_no, Some("request body"), "not UTF-8"))?;
    let mut pages = include_pages(file, &rest[end..])?;
    let host = headers.iter().find(|(n, _)| n == "host").map(|(_, v)| v.clone());
    let url = match (host, target.starts_with('/')) {
        (Some(h), true) => Some(format!("https://{h}{target}")),
        _ => Some(target.to_owned()),
    };
    if let Some(c) = pages.first_mut().and_then(|p| p.capture.as_mut()) {
        c.method = Some(method.to_owned());
        c.url = url;
        c.request_headers = headers;
        c.request_body = Some(body.trim_end_matches(['\r', '\n']).to_owned());
        c.shape = "HTTP exchange";
    }
    Ok(Some(pages))
}

fn find_next_response(b: &[u8]) -> Option<usize> {
    let mut i = 0;
    while let Some(p) = b[i..].iter().position(|&c| c == b'\n') {
        let at = i + p + 1;
        if b[at..].starts_with(b"HTTP/") {
            return Some(at);
        }
        i = at;
    }
    None
}

/// The `rel` links of a `Link` header (`<url>; rel="next", ...`).
pub(crate) fn link_rels(header: &str) -> Vec<(String, String)> {
    header
        .split(',')
        .filter_map(|part| {
            let (url, params) = part.split_once(';')?;
            let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
            let rel = params.split(';').find_map(|p| {
                let (k, v) = p.split_once('=')?;
                (k.trim() == "rel").then(|| v.trim().trim_matches('"').to_owned())
            })?;
            Some((rel, url.to_owned()))
        })
        .collect()
}

/// Checks that the captured pages of one listing are all there, from their `Link` headers
/// (GitHub's numbered `page=`, or Okta's `self`/`next` cursor chain). Returns the
/// completeness it can show and why.
pub(crate) fn link_completeness(
    pages: &[&Page],
) -> Result<(crate::model::Completeness, String), ImportError> {
    use crate::model::Completeness;
    if pages.is_empty() {
        return Ok((Completeness::Unknown, "no page given".into()));
    }
    if let Some(p) = pages.iter().find(|p| p.capture.is_none()) {
        return Ok((
            Completeness::Unknown,
            format!("{} is a bare body: whether other pages exist is unknown", p.file),
        ));
    }
    let mut numbered: Vec<(u64, &Page)> = Vec::new();
    let mut last: Option<u64> = None;
    let mut selves = Vec::new();
    let mut nexts: Vec<(String, &Page)> = Vec::new();
    let mut without_next = 0;
    let mut cursor = false;
    for p in pages {
        let c = p.capture.as_ref().map(|c| (c.url.clone(), c.links()));
        let (url, rels) = c.unwrap_or((None, None));
        let rels = rels.unwrap_or_default();
        let get = |rel: &str| rels.iter().find(|(r, _)| r == rel).map(|(_, u)| u.clone());
        let page_of = |u: &str| query_param(u, "page").and_then(|n| n.parse::<u64>().ok());
        if let Some(s) = get("self") {
            cursor = true;
            selves.push(s);
        }
        match get("next") {
            Some(n) => nexts.push((n, p)),
            None => without_next += 1,
        }
        let own = url
            .as_deref()
            .and_then(page_of)
            .or_else(|| get("next").as_deref().and_then(page_of).map(|n| n.saturating_sub(1)))
            .or_else(|| get("prev").as_deref().and_then(page_of).map(|n| n + 1))
            .or_else(|| rels.is_empty().then_some(1));
        if let Some(l) = get("last").as_deref().and_then(page_of) {
            last = last.max(Some(l));
        }
        if let Some(n) = own {
            numbered.push((n, p));
        }
    }
    if cursor {
        for (next, p) in &nexts {
            if !selves.contains(next) {
                return Err(ImportError::MissingPages {
                    reason: format!(
                        "{} links to a next page that is not among the inputs: {next}",
                        p.file
                    ),
                });
            }
        }
        if without_next != 1 {
            return Err(ImportError::MissingPages {
                reason: format!(
                    "{without_next} pages claim to be the last one; expected exactly one"
                ),
            });
        }
        return Ok((
            Completeness::Complete,
            format!("{} page(s), each next link present", pages.len()),
        ));
    }
    if numbered.len() != pages.len() {
        return Ok((
            Completeness::Unknown,
            "page numbers cannot be read from every capture".into(),
        ));
    }
    numbered.sort_by_key(|(n, _)| *n);
    for w in numbered.windows(2) {
        if w[0].0 == w[1].0 {
            return Err(ImportError::MissingPages {
                reason: format!(
                    "page {} is given twice ({} and {})",
                    w[0].0, w[0].1.file, w[1].1.file
                ),
            });
        }
    }
    let max = numbered.last().map_or(1, |(n, _)| *n);
    let last = last.unwrap_or(max).max(max);
    let have: Vec<u64> = numbered.iter().map(|(n, _)| *n).collect();
    if let Some(missing) = (1..=last).find(|n| !have.contains(n)) {
        return Err(ImportError::MissingPages {
            reason: format!("page {missing} of {last} is not among the inputs (Link headers)"),
        });
    }
    if without_next == 0 {
        return Err(ImportError::MissingPages {
            reason: format!("every page links to a next one; the pages after {last} are missing"),
        });
    }
    Ok((Completeness::Complete, format!("pages 1..{last}, checked against the Link headers")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gh_include_with_two_pages() {
        let text = b"HTTP/2.0 200 OK\r\nDate: Fri, 04 Dec 2026 10:00:00 GMT\r\nLink: <https://api.github.com/repositories/1/pulls?state=all&page=2>; rel=\"next\", <https://api.github.com/repositories/1/pulls?state=all&page=2>; rel=\"last\"\r\n\r\n[{\"a\":1}]\nHTTP/2.0 200 OK\r\nDate: Fri, 04 Dec 2026 10:00:01 GMT\r\n\r\n[]\n";
        let pages = pages_of("p.txt", text, "github-pulls").unwrap();
        assert_eq!(pages.len(), 2);
        let c = pages[0].capture.as_ref().unwrap();
        assert_eq!(c.status, Some(200));
        assert_eq!(c.date.unwrap().to_string(), "2026-12-04T10:00:00Z");
        let rels = link_rels(c.header("link").unwrap());
        assert_eq!(rels[0].0, "next");
        assert_eq!(query_param(&rels[0].1, "page").as_deref(), Some("2"));
        assert_eq!(pages[0].json("x").unwrap(), serde_json::json!([{"a": 1}]));
        assert_eq!(pages[1].json("x").unwrap(), serde_json::json!([]));
    }

    #[test]
    fn envelope_and_bare() {
        let env = br#"{"method":"GET","url":"https://x.okta.com/api/v1/users?limit=200&search=status%20eq%20%22ACTIVE%22","status":200,"headers":{"Date":"Fri, 04 Dec 2026 10:00:00 GMT"},"body":[]}"#;
        let p = pages_of("e.json", env, "okta-users").unwrap();
        let c = p[0].capture.as_ref().unwrap();
        assert_eq!(c.endpoint().as_deref(), Some("https://x.okta.com/api/v1/users"));
        assert_eq!(c.query_param("search").as_deref(), Some("status eq \"ACTIVE\""));
        let bare = pages_of("b.json", b"{\"body\": 1}", "okta-users").unwrap();
        assert!(bare[0].capture.is_none(), "an object with only `body` is not an envelope");
    }

    #[test]
    fn truncated_json_names_the_file_and_line() {
        let e = parse_json("t.json", "okta-users", b"[{\"id\": \"a\",\n").unwrap_err();
        assert!(e.to_string().starts_with("t.json: row 2"), "{e}");
        assert!(e.to_string().contains("truncated"), "{e}");
    }
}
