//! C2SP signed notes (<https://c2sp.org/signed-note>) with Ed25519 signatures: how a
//! checkpoint is signed so that any transparency-log tool (Go's `sumdb/note`, witnesses)
//! can check it.
//!
//! ```text
//! example.com/soc2/acme
//! 42
//! 6n8r4S8dOjs4nVcx4MBlmcb4nEs/Nr0WD8EhCn7QPmQ=
//!
//! — example.com/soc2/acme Az3grkB6...
//! ```
//!
//! A note is its text (UTF-8, ending in `\n`), a blank line, and one line per signature:
//! an em dash, the key name, and the base64 of the 4-byte key id followed by the
//! signature. For Ed25519 (algorithm byte `0x01`) the key id is the first four bytes of
//! `SHA-256(name ‖ "\n" ‖ 0x01 ‖ public key)` and the signature is Ed25519 over the text.
//! A verifier key is written `name+hex key id+base64(0x01 ‖ public key)`.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ed25519_dalek::{Signature, Signer as _, SigningKey, VerifyingKey};
use sha2::{Digest, Sha256};

/// The signature algorithm byte of Ed25519 in signed notes.
pub const ALG_ED25519: u8 = 0x01;

/// The most signature lines a note may have: soc2 writes one; the bound keeps a hostile
/// note from costing more than it is worth.
const MAX_SIGNATURES: usize = 100;

/// The largest note accepted (a checkpoint note is under 1 KiB).
pub const MAX_NOTE_SIZE: usize = 1 << 20;

/// Why a note, a key or a signature was rejected.
#[non_exhaustive]
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    /// The note breaks the format.
    #[error("signed note: {0}")]
    Malformed(&'static str),
    /// A key name is empty or holds a space, a `+` or a control character.
    #[error("signed note: invalid key name {0:?}")]
    InvalidName(String),
    /// A verifier or signer key string is not valid.
    #[error("signed note: invalid key {key:?}: {reason}")]
    InvalidKey {
        /// The key as given (never a private key's material).
        key: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// The note holds no signature by the expected key.
    #[error("signed note: no signature by key {name}+{id}")]
    NotSigned {
        /// The key name.
        name: String,
        /// The key id, 8 hex digits.
        id: String,
    },
    /// A signature by the expected key (name and id) does not verify.
    #[error("signed note: the signature by key {name}+{id} does not verify")]
    BadSignature {
        /// The key name.
        name: String,
        /// The key id, 8 hex digits.
        id: String,
    },
}

/// The id of an Ed25519 key named `name`: `SHA-256(name ‖ "\n" ‖ 0x01 ‖ key)[..4]`.
pub fn key_id(name: &str, key: &[u8; 32]) -> [u8; 4] {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update(b"\n");
    h.update([ALG_ED25519]);
    h.update(key);
    let d = h.finalize();
    [d[0], d[1], d[2], d[3]]
}

/// A key name: non-empty, no Unicode whitespace, no `+`, no control characters.
fn check_name(name: &str) -> Result<(), NoteError> {
    if name.is_empty() || name.chars().any(|c| c.is_whitespace() || c == '+' || c.is_control()) {
        return Err(NoteError::InvalidName(name.to_owned()));
    }
    Ok(())
}

/// An Ed25519 verifier key for notes: a name and a public key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VerifierKey {
    name: String,
    key: VerifyingKey,
}

impl VerifierKey {
    /// The verifier key named `name` for the Ed25519 public key `key`.
    pub fn new(name: &str, key: &[u8; 32]) -> Result<VerifierKey, NoteError> {
        check_name(name)?;
        let key = VerifyingKey::from_bytes(key).map_err(|_| NoteError::InvalidKey {
            key: name.to_owned(),
            reason: "not an Ed25519 public key",
        })?;
        Ok(VerifierKey { name: name.to_owned(), key })
    }

    /// Parses `name+hex id+base64(0x01 ‖ key)`, checking the id against name and key.
    pub fn parse(text: &str) -> Result<VerifierKey, NoteError> {
        let bad = |reason| NoteError::InvalidKey { key: text.to_owned(), reason };
        // The base64 may itself hold '+': split off the first two fields only.
        let mut parts = text.splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected name+keyid+key"));
        };
        check_name(name)?;
        let bytes = STANDARD.decode(b64).map_err(|_| bad("the key is not padded base64"))?;
        let Some((&ALG_ED25519, key)) = bytes.split_first() else {
            return Err(bad("the key is not of type 0x01 (Ed25519)"));
        };
        let key: [u8; 32] = key.try_into().map_err(|_| bad("an Ed25519 key has 32 bytes"))?;
        let v = VerifierKey::new(name, &key)?;
        if id.len() != 8 || id != v.id_hex() {
            return Err(bad("the key id does not match the name and key"));
        }
        Ok(v)
    }

    /// The key name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The 4-byte key id.
    pub fn id(&self) -> [u8; 4] {
        key_id(&self.name, self.key.as_bytes())
    }

    fn id_hex(&self) -> String {
        hex::encode(self.id())
    }

    /// The Ed25519 public key.
    pub fn public_key(&self) -> [u8; 32] {
        self.key.to_bytes()
    }

    /// Checks that `note` holds a valid signature by this key and returns its text.
    ///
    /// Signatures by other keys are ignored (a note may carry cosignatures); a
    /// signature by this key (same name and id) that does not verify fails.
    pub fn open<'n>(&self, note: &'n [u8]) -> Result<&'n str, NoteError> {
        let parsed = Note::parse(note)?;
        let id = self.id();
        let mut found = false;
        for sig in &parsed.signatures {
            if sig.name != self.name || sig.key_id != id {
                continue;
            }
            let ok = Signature::from_slice(&sig.signature)
                .is_ok_and(|s| self.key.verify_strict(parsed.text.as_bytes(), &s).is_ok());
            if !ok {
                return Err(NoteError::BadSignature { name: self.name.clone(), id: self.id_hex() });
            }
            found = true;
        }
        if !found {
            return Err(NoteError::NotSigned { name: self.name.clone(), id: self.id_hex() });
        }
        Ok(parsed.text)
    }
}

impl std::fmt::Display for VerifierKey {
    /// `name+hex id+base64(0x01 ‖ key)`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut bytes = vec![ALG_ED25519];
        bytes.extend_from_slice(self.key.as_bytes());
        write!(f, "{}+{}+{}", self.name, self.id_hex(), STANDARD.encode(bytes))
    }
}

/// An Ed25519 note signer: a key name and a private key.
pub struct NoteSigner {
    name: String,
    key: SigningKey,
}

impl std::fmt::Debug for NoteSigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NoteSigner").field("name", &self.name).finish_non_exhaustive()
    }
}

impl NoteSigner {
    /// The signer named `name` with the Ed25519 private key whose seed is `seed`.
    pub fn new(name: &str, seed: &[u8; 32]) -> Result<NoteSigner, NoteError> {
        check_name(name)?;
        Ok(NoteSigner { name: name.to_owned(), key: SigningKey::from_bytes(seed) })
    }

    /// Parses a Go `sumdb/note` private key, `PRIVATE+KEY+name+hex id+base64(0x01 ‖ seed)`.
    pub fn parse(text: &str) -> Result<NoteSigner, NoteError> {
        let bad = |reason| NoteError::InvalidKey { key: "PRIVATE+KEY+...".into(), reason };
        let rest = text.strip_prefix("PRIVATE+KEY+").ok_or(bad("no PRIVATE+KEY+ prefix"))?;
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(b64)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(bad("expected PRIVATE+KEY+name+keyid+key"));
        };
        let bytes = STANDARD.decode(b64).map_err(|_| bad("the key is not padded base64"))?;
        let Some((&ALG_ED25519, seed)) = bytes.split_first() else {
            return Err(bad("the key is not of type 0x01 (Ed25519)"));
        };
        let seed: [u8; 32] = seed.try_into().map_err(|_| bad("an Ed25519 seed has 32 bytes"))?;
        let signer = NoteSigner::new(name, &seed)?;
        if id != signer.verifier().id_hex() {
            return Err(bad("the key id does not match the name and key"));
        }
        Ok(signer)
    }

    /// The matching verifier key.
    pub fn verifier(&self) -> VerifierKey {
        VerifierKey { name: self.name.clone(), key: self.key.verifying_key() }
    }

    /// Signs `text` (UTF-8, ending in `\n`, no blank-line-free rules broken) and returns
    /// the note: the text, a blank line and the signature line.
    pub fn sign(&self, text: &str) -> Result<String, NoteError> {
        check_text(text)?;
        let sig = self.key.sign(text.as_bytes());
        let mut blob = self.verifier().id().to_vec();
        blob.extend_from_slice(&sig.to_bytes());
        Ok(format!("{text}\n\u{2014} {} {}\n", self.name, STANDARD.encode(blob)))
    }
}

/// One signature line of a note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NoteSignature {
    /// The key name.
    pub name: String,
    /// The key id.
    pub key_id: [u8; 4],
    /// The signature bytes (64 for Ed25519).
    pub signature: Vec<u8>,
}

/// A parsed (not yet verified) note.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note<'n> {
    /// The signed text, ending in `\n`.
    pub text: &'n str,
    /// The signature lines, in order.
    pub signatures: Vec<NoteSignature>,
}

impl<'n> Note<'n> {
    /// Parses a note: text, blank line, signature lines (at least one), each line ending
    /// in `\n`. Verifies nothing.
    pub fn parse(note: &'n [u8]) -> Result<Note<'n>, NoteError> {
        if note.len() > MAX_NOTE_SIZE {
            return Err(NoteError::Malformed("larger than 1 MiB"));
        }
        let note = std::str::from_utf8(note).map_err(|_| NoteError::Malformed("not UTF-8"))?;
        // The signatures follow the last blank line.
        let split = note.rfind("\n\n").ok_or(NoteError::Malformed("no blank line"))?;
        let (text, sigs) = (&note[..split + 1], &note[split + 2..]);
        check_text(text)?;
        if !sigs.ends_with('\n') {
            return Err(NoteError::Malformed("the last signature line does not end in \\n"));
        }
        let mut signatures = Vec::new();
        for line in sigs[..sigs.len() - 1].split('\n') {
            if signatures.len() == MAX_SIGNATURES {
                return Err(NoteError::Malformed("more than 100 signatures"));
            }
            let rest = line
                .strip_prefix("\u{2014} ")
                .ok_or(NoteError::Malformed("a signature line does not start with an em dash"))?;
            let (name, b64) =
                rest.split_once(' ').ok_or(NoteError::Malformed("a signature line has no key"))?;
            check_name(name)?;
            let blob = STANDARD
                .decode(b64)
                .map_err(|_| NoteError::Malformed("a signature is not padded base64"))?;
            if blob.len() < 5 {
                return Err(NoteError::Malformed("a signature is shorter than 5 bytes"));
            }
            signatures.push(NoteSignature {
                name: name.to_owned(),
                key_id: [blob[0], blob[1], blob[2], blob[3]],
                signature: blob[4..].to_vec(),
            });
        }
        if signatures.is_empty() {
            return Err(NoteError::Malformed("no signature"));
        }
        Ok(Note { text, signatures })
    }
}

/// Note text: non-empty, ends in `\n`, no control characters but `\n`.
fn check_text(text: &str) -> Result<(), NoteError> {
    if !text.ends_with('\n') {
        return Err(NoteError::Malformed("the text does not end in \\n"));
    }
    if text.chars().any(|c| c.is_control() && c != '\n') {
        return Err(NoteError::Malformed("the text holds a control character"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Published vectors: `testdata/note/README.md` names their sources.
    const PETER_VKEY: &str = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
    const PETER_SKEY: &str =
        "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
    const PETER_TEXT: &str = "If you think cryptography is the answer to your problem,\n\
                              then you don't know what your problem is.\n";
    const PETER_NOTE: &str = "If you think cryptography is the answer to your problem,\n\
        then you don't know what your problem is.\n\
        \n\
        \u{2014} PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
    const ENOCH_VKEY: &str = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
    const EXAMPLE_VKEY: &str =
        "example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k";
    const PLUS_VKEY: &str = "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6";

    #[test]
    fn signs_the_go_sumdb_note_vector_byte_for_byte() {
        let signer = NoteSigner::parse(PETER_SKEY).unwrap();
        assert_eq!(signer.verifier().to_string(), PETER_VKEY);
        assert_eq!(signer.sign(PETER_TEXT).unwrap(), PETER_NOTE);
    }

    #[test]
    fn opens_the_go_sumdb_note_vector_and_rejects_changes() {
        let v = VerifierKey::parse(PETER_VKEY).unwrap();
        assert_eq!(v.open(PETER_NOTE.as_bytes()).unwrap(), PETER_TEXT);
        let tampered = PETER_NOTE.replace("cryptography", "cryptographY");
        assert!(matches!(v.open(tampered.as_bytes()), Err(NoteError::BadSignature { .. })));
        let other = VerifierKey::parse(ENOCH_VKEY).unwrap();
        assert!(matches!(other.open(PETER_NOTE.as_bytes()), Err(NoteError::NotSigned { .. })));
        // No blank line, no final newline, a hyphen for the em dash.
        for bad in [
            PETER_NOTE.replacen("\n\n", "\n", 1),
            PETER_NOTE.trim_end().to_owned(),
            PETER_NOTE.replace('\u{2014}', "-"),
        ] {
            assert!(matches!(v.open(bad.as_bytes()), Err(NoteError::Malformed(_))), "{bad}");
        }
    }

    #[test]
    fn parses_published_verifier_keys_and_rejects_manglings() {
        for k in [PETER_VKEY, ENOCH_VKEY, EXAMPLE_VKEY, PLUS_VKEY] {
            assert_eq!(VerifierKey::parse(k).unwrap().to_string(), k);
        }
        assert_eq!(VerifierKey::parse(EXAMPLE_VKEY).unwrap().name(), "example.com/foo");
        // Every single-byte change of the Go test key is refused (as Go's TestNewVerifier).
        let b = PETER_VKEY.as_bytes();
        for i in 0..b.len() {
            let mut m = b.to_vec();
            m[i] = m[i].wrapping_add(1);
            if let Ok(s) = std::str::from_utf8(&m) {
                assert!(VerifierKey::parse(s).is_err(), "{s}");
            }
        }
        assert!(VerifierKey::parse(&PETER_VKEY[..PETER_VKEY.len() - 1]).is_err());
    }
}
