//! A strict parser for OpenSSH `allowed_signers` files (see `ssh-keygen(1)`, section
//! ALLOWED SIGNERS), the list of keys an auditor trusts.
//!
//! Each non-empty line that does not start with `#` reads
//! `principals [options] keytype base64-key [comment]`:
//!
//! - `principals`: a comma-separated pattern list (`*` and `?` wildcards, `!` negation),
//!   optionally in double quotes;
//! - `options`: comma-separated; `namespaces="ns1,ns2"` restricts what the key may sign,
//!   `valid-after="YYYYMMDD[HHMM[SS]][Z]"` and `valid-before=...` restrict when (local
//!   time unless suffixed `Z`); option names are case-insensitive as in OpenSSH.
//!   `cert-authority` is rejected: bundles are signed with plain keys, never
//!   certificates.
//!
//! Anything else is an error naming its line, never silently skipped: a typo in a trust
//! file must not quietly change who is trusted.

use std::path::Path;

use chrono::{DateTime, Local, NaiveDate, NaiveDateTime, TimeZone, Utc};
use ssh_key::{Algorithm, HashAlg, PublicKey};

use super::error::BundleError;

/// A parsed `allowed_signers` file.
#[derive(Clone, Debug)]
pub struct AllowedSigners {
    entries: Vec<AllowedSigner>,
}

/// One line of an `allowed_signers` file.
#[derive(Clone, Debug)]
pub struct AllowedSigner {
    /// 1-based line number in the file.
    pub line: usize,
    /// The principal patterns, as written (without quotes).
    pub principals: String,
    /// The `namespaces` option, if any: the namespaces the key may sign for.
    pub namespaces: Option<Vec<String>>,
    /// The `valid-after` option, if any.
    pub valid_after: Option<DateTime<Utc>>,
    /// The `valid-before` option, if any.
    pub valid_before: Option<DateTime<Utc>>,
    /// The trusted public key.
    pub key: PublicKey,
}

/// What is wrong with an `allowed_signers` file, and on which line.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AllowedSignersError {
    /// The file has no signer at all: it would trust no one.
    #[error("no signer listed (every line is blank or a comment)")]
    Empty,
    /// The file is not UTF-8.
    #[error("line {line}: not UTF-8")]
    NotUtf8 {
        /// 1-based line.
        line: usize,
    },
    /// A quoted field has no closing quote.
    #[error("line {line}: unterminated quote")]
    UnterminatedQuote {
        /// 1-based line.
        line: usize,
    },
    /// The principals field is empty or has an empty pattern.
    #[error("line {line}: empty principal")]
    EmptyPrincipal {
        /// 1-based line.
        line: usize,
    },
    /// The line ends before the key.
    #[error("line {line}: no public key after the principals")]
    MissingKey {
        /// 1-based line.
        line: usize,
    },
    /// An option this parser does not know.
    #[error("line {line}: unknown option {option:?}")]
    UnknownOption {
        /// 1-based line.
        line: usize,
        /// The option as written.
        option: String,
    },
    /// An option given twice.
    #[error("line {line}: option {option:?} given twice")]
    DuplicateOption {
        /// 1-based line.
        line: usize,
        /// The option's name.
        option: String,
    },
    /// An option that needs a quoted value has none, or a malformed one.
    #[error("line {line}: option {option:?}: {reason}")]
    InvalidOptionValue {
        /// 1-based line.
        line: usize,
        /// The option's name.
        option: String,
        /// What is wrong with the value.
        reason: String,
    },
    /// `cert-authority`: certificate-based trust is not supported for bundles.
    #[error("line {line}: cert-authority is not supported; list the signing key itself")]
    CertAuthority {
        /// 1-based line.
        line: usize,
    },
    /// The key is not a valid OpenSSH public key.
    #[error("line {line}: invalid public key: {reason}")]
    InvalidKey {
        /// 1-based line.
        line: usize,
        /// What the parser rejected.
        reason: String,
    },
}

impl AllowedSignersError {
    /// The 1-based line at fault, if the error is tied to one.
    pub fn line(&self) -> Option<usize> {
        use AllowedSignersError as E;
        match self {
            E::Empty => None,
            E::NotUtf8 { line }
            | E::UnterminatedQuote { line }
            | E::EmptyPrincipal { line }
            | E::MissingKey { line }
            | E::UnknownOption { line, .. }
            | E::DuplicateOption { line, .. }
            | E::InvalidOptionValue { line, .. }
            | E::CertAuthority { line }
            | E::InvalidKey { line, .. } => Some(*line),
        }
    }
}

impl AllowedSigners {
    /// Parses the text of an `allowed_signers` file.
    pub fn parse(text: &[u8]) -> Result<AllowedSigners, AllowedSignersError> {
        let mut entries = Vec::new();
        for (i, raw) in text.split(|&b| b == b'\n').enumerate() {
            let line = i + 1;
            let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
            let s = std::str::from_utf8(raw).map_err(|_| AllowedSignersError::NotUtf8 { line })?;
            let s = s.trim_start_matches([' ', '\t']);
            if s.is_empty() || s.starts_with('#') {
                continue;
            }
            entries.push(parse_line(s, line)?);
        }
        if entries.is_empty() {
            return Err(AllowedSignersError::Empty);
        }
        Ok(AllowedSigners { entries })
    }

    /// Reads and parses an `allowed_signers` file.
    pub fn from_file(path: &Path) -> Result<AllowedSigners, BundleError> {
        let text = crate::input::read_file(
            path,
            "allowed_signers file",
            crate::input::MAX_ALLOWED_SIGNERS_SIZE,
        )?;
        AllowedSigners::parse(&text).map_err(|source| BundleError::AllowedSigners {
            file: path.display().to_string(),
            source,
        })
    }

    /// The signers, in file order.
    pub fn entries(&self) -> &[AllowedSigner] {
        &self.entries
    }
}

impl AllowedSigner {
    /// Whether `principal` matches this line's pattern list: some pattern matches it
    /// and no negated (`!`) pattern does, as OpenSSH's `match_pattern_list`.
    pub fn matches_principal(&self, principal: &str) -> bool {
        let mut positive = false;
        for pattern in self.principals.split(',') {
            if let Some(negated) = pattern.strip_prefix('!') {
                if glob(negated.as_bytes(), principal.as_bytes()) {
                    return false;
                }
            } else if glob(pattern.as_bytes(), principal.as_bytes()) {
                positive = true;
            }
        }
        positive
    }

    /// Why this line does not allow its key to sign for `namespace` at `now`, if it
    /// does not.
    pub fn refusal(&self, namespace: &str, now: DateTime<Utc>) -> Option<String> {
        if let Some(list) = &self.namespaces
            && !list.iter().any(|ns| glob(ns.as_bytes(), namespace.as_bytes()))
        {
            return Some(format!(
                "may sign only for namespaces {:?}, not {namespace:?}",
                list.join(",")
            ));
        }
        if let Some(t) = self.valid_after
            && now < t
        {
            return Some(format!("is valid only after {t}"));
        }
        if let Some(t) = self.valid_before
            && now > t
        {
            return Some(format!("was valid only before {t}"));
        }
        None
    }

    /// The key's SHA-256 fingerprint (`SHA256:...`).
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint(HashAlg::Sha256).to_string()
    }
}

/// Splits off the next field: a quoted string (quotes removed) or a run of characters
/// up to a space or tab, where double quotes may enclose spaces (as in options).
fn next_field(s: &str, line: usize) -> Result<(&str, &str), AllowedSignersError> {
    let s = s.trim_start_matches([' ', '\t']);
    let mut in_quotes = false;
    let mut end = s.len();
    for (i, c) in s.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ' ' | '\t' if !in_quotes => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    if in_quotes {
        return Err(AllowedSignersError::UnterminatedQuote { line });
    }
    Ok((&s[..end], &s[end..]))
}

fn parse_line(s: &str, line: usize) -> Result<AllowedSigner, AllowedSignersError> {
    let (principals, rest) = next_field(s, line)?;
    let principals = match principals.strip_prefix('"') {
        Some(inner) => match inner.strip_suffix('"') {
            Some(p) if !p.contains('"') => p,
            _ => return Err(AllowedSignersError::UnterminatedQuote { line }),
        },
        None if principals.contains('"') => {
            return Err(AllowedSignersError::UnterminatedQuote { line });
        }
        None => principals,
    };
    if principals.is_empty() || principals.split(',').any(|p| p.is_empty() || p == "!") {
        return Err(AllowedSignersError::EmptyPrincipal { line });
    }
    let (next, after) = next_field(rest, line)?;
    if next.is_empty() {
        return Err(AllowedSignersError::MissingKey { line });
    }
    let mut entry_options = Options::default();
    // A known key type starts the key; anything else must be the options field.
    let is_key_type = matches!(Algorithm::new(next), Ok(a) if !matches!(a, Algorithm::Other(_)));
    let key_text = if is_key_type {
        rest
    } else {
        parse_options(next, line, &mut entry_options)?;
        if after.trim().is_empty() {
            return Err(AllowedSignersError::MissingKey { line });
        }
        after
    };
    let key = PublicKey::from_openssh(key_text.trim())
        .map_err(|e| AllowedSignersError::InvalidKey { line, reason: e.to_string() })?;
    Ok(AllowedSigner {
        line,
        principals: principals.to_owned(),
        namespaces: entry_options.namespaces,
        valid_after: entry_options.valid_after,
        valid_before: entry_options.valid_before,
        key,
    })
}

#[derive(Default)]
struct Options {
    namespaces: Option<Vec<String>>,
    valid_after: Option<DateTime<Utc>>,
    valid_before: Option<DateTime<Utc>>,
}

/// Parses `opt[,opt...]` where values are double-quoted and may contain commas.
fn parse_options(text: &str, line: usize, out: &mut Options) -> Result<(), AllowedSignersError> {
    let mut items = Vec::new();
    let mut start = 0;
    let mut in_quotes = false;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => {
                items.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    items.push(&text[start..]);
    for item in items {
        let (name, value) = match item.split_once('=') {
            Some((n, v)) => (n, Some(v)),
            None => (item, None),
        };
        let lname = name.to_ascii_lowercase();
        let invalid = |reason: &str| AllowedSignersError::InvalidOptionValue {
            line,
            option: lname.clone(),
            reason: reason.to_owned(),
        };
        let quoted = || -> Result<&str, AllowedSignersError> {
            let v = value.ok_or_else(|| invalid("needs a value in double quotes"))?;
            v.strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .filter(|v| !v.contains('"'))
                .ok_or_else(|| invalid("the value must be in double quotes"))
        };
        let duplicate = || AllowedSignersError::DuplicateOption { line, option: lname.clone() };
        match lname.as_str() {
            "cert-authority" => return Err(AllowedSignersError::CertAuthority { line }),
            "namespaces" => {
                let v = quoted()?;
                let list: Vec<String> = v.split(',').map(str::to_owned).collect();
                if list.iter().any(String::is_empty) {
                    return Err(invalid("empty namespace in the list"));
                }
                if out.namespaces.replace(list).is_some() {
                    return Err(duplicate());
                }
            }
            "valid-after" | "valid-before" => {
                let v = quoted()?;
                let t = parse_time(v).ok_or_else(|| {
                    invalid("expected YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, optionally with Z")
                })?;
                let slot = if lname == "valid-after" {
                    &mut out.valid_after
                } else {
                    &mut out.valid_before
                };
                if slot.replace(t).is_some() {
                    return Err(duplicate());
                }
            }
            _ => {
                return Err(AllowedSignersError::UnknownOption { line, option: item.to_owned() });
            }
        }
    }
    Ok(())
}

/// `YYYYMMDD[Z]` or `YYYYMMDDHHMM[SS][Z]`; local time unless suffixed with `Z`.
fn parse_time(v: &str) -> Option<DateTime<Utc>> {
    let (digits, utc) = match v.strip_suffix(['Z', 'z']) {
        Some(d) => (d, true),
        None => (v, false),
    };
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let naive: NaiveDateTime = match digits.len() {
        8 => NaiveDate::parse_from_str(digits, "%Y%m%d").ok()?.and_hms_opt(0, 0, 0)?,
        12 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M").ok()?,
        14 => NaiveDateTime::parse_from_str(digits, "%Y%m%d%H%M%S").ok()?,
        _ => return None,
    };
    if utc {
        Some(naive.and_utc())
    } else {
        Local.from_local_datetime(&naive).earliest().map(|t| t.with_timezone(&Utc))
    }
}

/// Matches `s` against a pattern with `*` (any run) and `?` (any one character).
fn glob(pattern: &[u8], s: &[u8]) -> bool {
    // Iterative matcher with backtracking to the last `*`.
    let (mut p, mut i) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while i < s.len() {
        if p < pattern.len() && (pattern[p] == b'?' || pattern[p] == s[i]) {
            p += 1;
            i += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some((p, i));
            p += 1;
        } else if let Some((sp, si)) = star {
            p = sp + 1;
            i = si + 1;
            star = Some((sp, si + 1));
        } else {
            return false;
        }
    }
    pattern[p..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAILM+rvN+ot98qgEN796jTiQfZfG1KaT0PtFDJ/XFSqti";

    fn one(line: &str) -> Result<AllowedSigner, AllowedSignersError> {
        AllowedSigners::parse(line.as_bytes()).map(|s| s.entries()[0].clone())
    }

    #[test]
    fn parses_the_forms_openssh_accepts() {
        let s = one(&format!("alice@example.com {KEY}")).unwrap();
        assert_eq!(s.principals, "alice@example.com");
        assert!(s.namespaces.is_none());

        let s = one(&format!(
            "  \"a@x,*@ops.example.com\" namespaces=\"git,soc2-*\",VALID-AFTER=\"20260101Z\" {KEY} my comment"
        ))
        .unwrap();
        assert_eq!(s.principals, "a@x,*@ops.example.com");
        assert_eq!(s.namespaces.as_deref().unwrap(), ["git", "soc2-*"]);
        assert_eq!(s.valid_after.unwrap().to_string(), "2026-01-01 00:00:00 UTC");
        assert!(s.matches_principal("bob@ops.example.com"));
        assert!(s.matches_principal("a@x"));
        assert!(!s.matches_principal("a@y"));
        let now = "2026-06-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert!(s.refusal("soc2-evidence-bundle-v1", now).is_none());
        assert!(s.refusal("file", now).is_some());
        let before = "2025-06-01T00:00:00Z".parse::<DateTime<Utc>>().unwrap();
        assert!(s.refusal("git", before).is_some());

        let text = format!("# trusted\n\nalice {KEY}\r\n*,!mallory {KEY} bob-key\n");
        let all = AllowedSigners::parse(text.as_bytes()).unwrap();
        assert_eq!(all.entries().len(), 2);
        assert_eq!(all.entries()[1].line, 4);
        assert!(all.entries()[1].matches_principal("anyone"));
        assert!(!all.entries()[1].matches_principal("mallory"));
    }

    #[test]
    fn rejects_with_line_numbers() {
        let bad = |text: String| AllowedSigners::parse(text.as_bytes()).unwrap_err();
        assert_eq!(bad("# nothing\n\n".into()), AllowedSignersError::Empty);
        assert_eq!(bad("a\n".into()), AllowedSignersError::MissingKey { line: 1 });
        assert_eq!(bad(format!("\n\"a {KEY}")), AllowedSignersError::UnterminatedQuote { line: 2 });
        assert!(matches!(
            bad(format!("a frobnicate {KEY}")),
            AllowedSignersError::UnknownOption { line: 1, .. }
        ));
        assert_eq!(
            bad(format!("a cert-authority {KEY}")),
            AllowedSignersError::CertAuthority { line: 1 }
        );
        assert!(matches!(
            bad(format!("a namespaces=x {KEY}")),
            AllowedSignersError::InvalidOptionValue { line: 1, .. }
        ));
        assert!(matches!(
            bad(format!("a valid-before=\"2026\" {KEY}")),
            AllowedSignersError::InvalidOptionValue { line: 1, .. }
        ));
        assert!(matches!(
            bad(format!("a namespaces=\"x\",namespaces=\"y\" {KEY}")),
            AllowedSignersError::DuplicateOption { line: 1, .. }
        ));
        assert!(matches!(
            bad("a ssh-ed25519 AAAAnotbase64".into()),
            AllowedSignersError::InvalidKey { line: 1, .. }
        ));
        assert!(matches!(
            bad("a namespaces=\"x\"".into()),
            AllowedSignersError::MissingKey { line: 1 }
        ));
        assert_eq!(bad(format!(",a {KEY}")), AllowedSignersError::EmptyPrincipal { line: 1 });
    }

    #[test]
    fn glob_patterns() {
        assert!(glob(b"*", b""));
        assert!(glob(b"a*c", b"abbbc"));
        assert!(glob(b"a?c", b"abc"));
        assert!(!glob(b"a?c", b"ac"));
        assert!(glob(b"*@example.com", b"x@example.com"));
        assert!(!glob(b"*@example.com", b"x@example.org"));
        assert!(glob(b"a*b*c", b"aXbYbZc"));
    }
}
