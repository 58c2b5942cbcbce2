//! Signing keys: OpenSSH Ed25519 private keys, loaded (and decrypted) or generated, that
//! sign `SHA256SUMS` as an OpenSSH SSHSIG signature.

use std::io::Write;
use std::path::{Path, PathBuf};

use ssh_key::rand_core::OsRng;
use ssh_key::{Algorithm, HashAlg, LineEnding, PrivateKey, PublicKey, SshSig};

use super::NAMESPACE;
use super::error::BundleError;
use crate::ledger::note::NoteSigner;
use crate::ledger::{CHECKPOINT_NAMESPACE, Checkpoint};

/// The principal used when none is given and the key's comment is not a valid principal.
pub const DEFAULT_PRINCIPAL: &str = "soc2-signer";

/// The environment variable the command line reads a key's passphrase from.
pub const PASSPHRASE_ENV: &str = "SOC2_KEY_PASSPHRASE";

/// A decrypted Ed25519 signing key and the principal (identity) it signs as.
///
/// The principal goes into the bundle's `allowed_signers` copy and its manifest, and is
/// what the auditor passes to `ssh-keygen -Y verify -I`. It defaults to the key's
/// comment when that is a valid principal (see [`check_principal`]), and to
/// [`DEFAULT_PRINCIPAL`] otherwise.
///
/// The private key never leaves this value: nothing of it goes into a bundle.
pub struct Signer {
    key: PrivateKey,
    principal: String,
    /// The file the key was read from or written to, which an export must not replace.
    key_path: Option<PathBuf>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print key material.
        f.debug_struct("Signer")
            .field("principal", &self.principal)
            .field("fingerprint", &self.fingerprint())
            .finish_non_exhaustive()
    }
}

impl Signer {
    /// Generates a new random Ed25519 key with `comment`, held in memory only.
    pub fn generate(comment: &str) -> Result<Signer, BundleError> {
        let mut key = PrivateKey::random(&mut OsRng, Algorithm::Ed25519).map_err(|e| {
            BundleError::Crypto { what: "generating an Ed25519 key", reason: e.to_string() }
        })?;
        key.set_comment(comment);
        Signer::from_private_key(key, "generated key")
    }

    /// Wraps an OpenSSH private key, which must be Ed25519 and not encrypted.
    /// `what` describes the key in errors.
    pub fn from_private_key(key: PrivateKey, what: &str) -> Result<Signer, BundleError> {
        if key.algorithm() != Algorithm::Ed25519 {
            return Err(BundleError::UnsupportedKeyType {
                what: what.to_owned(),
                algorithm: key.algorithm().to_string(),
            });
        }
        if key.is_encrypted() {
            return Err(BundleError::KeyEncrypted { path: PathBuf::from(what) });
        }
        let principal = default_principal(key.comment());
        Ok(Signer { key, principal, key_path: None })
    }

    /// Parses an OpenSSH private key from its text, decrypting it with `passphrase` if
    /// it is passphrase-protected. `path` names the key in errors.
    pub fn from_openssh(
        text: &[u8],
        path: &Path,
        passphrase: Option<&[u8]>,
    ) -> Result<Signer, BundleError> {
        let key = PrivateKey::from_openssh(text).map_err(|e| BundleError::KeyFile {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        let key = if key.is_encrypted() {
            let Some(passphrase) = passphrase else {
                return Err(BundleError::KeyEncrypted { path: path.to_path_buf() });
            };
            key.decrypt(passphrase)
                .map_err(|_| BundleError::WrongPassphrase { path: path.to_path_buf() })?
        } else {
            key
        };
        Signer::from_private_key(key, &path.display().to_string())
    }

    /// Reads an OpenSSH private key file (as `ssh-keygen -t ed25519` or
    /// [`generate_key_files`] write it), decrypting it with `passphrase` if it is
    /// passphrase-protected. The passphrase is ignored for an unencrypted key.
    pub fn load(path: &Path, passphrase: Option<&[u8]>) -> Result<Signer, BundleError> {
        let text =
            crate::input::read_file(path, "private key file", crate::input::MAX_KEY_FILE_SIZE)?;
        let mut signer = Signer::from_openssh(&text, path, passphrase)?;
        signer.key_path = Some(path.to_path_buf());
        Ok(signer)
    }

    /// The private key file this signer was loaded from or written to, if any.
    pub fn key_path(&self) -> Option<&Path> {
        self.key_path.as_deref()
    }

    /// Sets the principal to sign as; see [`check_principal`] for the rules.
    pub fn with_principal(mut self, principal: &str) -> Result<Signer, BundleError> {
        check_principal(principal).map_err(|reason| BundleError::InvalidPrincipal {
            principal: principal.to_owned(),
            reason,
        })?;
        principal.clone_into(&mut self.principal);
        Ok(self)
    }

    /// The private key, for tests that forge what a signer never would.
    #[cfg(test)]
    pub(crate) fn private_key(&self) -> &PrivateKey {
        &self.key
    }

    /// The principal this key signs as.
    pub fn principal(&self) -> &str {
        &self.principal
    }

    /// The public half of the key.
    pub fn public_key(&self) -> &PublicKey {
        self.key.public_key()
    }

    /// The public key in OpenSSH form without its comment (`ssh-ed25519 AAAA...`).
    pub fn public_key_openssh(&self) -> String {
        public_key_openssh(self.key.public_key())
    }

    /// The key's SHA-256 fingerprint as OpenSSH prints it (`SHA256:...`).
    pub fn fingerprint(&self) -> String {
        self.key.fingerprint(HashAlg::Sha256).to_string()
    }

    /// The `allowed_signers` line that trusts this key for bundles:
    /// `<principal> namespaces="soc2-evidence-bundle-v1,soc2-checkpoint-v1" ssh-ed25519 AAAA...`
    /// (bundles and the signed checkpoints they carry).
    pub fn allowed_signers_line(&self) -> String {
        format!(
            "{} namespaces=\"{NAMESPACE},{CHECKPOINT_NAMESPACE}\" {}\n",
            self.principal,
            self.public_key_openssh()
        )
    }

    /// Signs `message` for the bundle namespace; returns the armored SSHSIG text
    /// (`-----BEGIN SSH SIGNATURE-----`). Ed25519 is deterministic, so the same key
    /// and message always give the same signature.
    pub fn sign(&self, message: &[u8]) -> Result<String, BundleError> {
        self.sign_for(NAMESPACE, message, "signing SHA256SUMS")
    }

    /// The C2SP note signer of this key under the key name `name` (a locker's origin).
    pub fn note_signer(&self, name: &str) -> Result<NoteSigner, BundleError> {
        let crypto = |reason: String| BundleError::Crypto { what: "a note signer", reason };
        let pair = self.key.key_data().ed25519().ok_or_else(|| crypto("not Ed25519".into()))?;
        NoteSigner::new(name, &pair.private.to_bytes()).map_err(|e| crypto(e.to_string()))
    }

    /// Signs `checkpoint` as a C2SP signed note under its origin, and the note as an
    /// SSHSIG for [`CHECKPOINT_NAMESPACE`]; returns both (see [`crate::ledger::signed`]).
    pub fn sign_checkpoint(
        &self,
        checkpoint: &Checkpoint,
    ) -> Result<(String, String), BundleError> {
        let note =
            self.note_signer(&checkpoint.origin)?.sign(&checkpoint.to_text()).map_err(|e| {
                BundleError::Crypto { what: "signing the checkpoint note", reason: e.to_string() }
            })?;
        let sig = self.sign_for(CHECKPOINT_NAMESPACE, note.as_bytes(), "signing the checkpoint")?;
        Ok((note, sig))
    }

    fn sign_for(
        &self,
        namespace: &str,
        message: &[u8],
        what: &'static str,
    ) -> Result<String, BundleError> {
        let crypto = |e: ssh_key::Error| BundleError::Crypto { what, reason: e.to_string() };
        let sig = self.key.sign(namespace, HashAlg::Sha512, message).map_err(crypto)?;
        let mut pem = sig.to_pem(LineEnding::LF).map_err(crypto)?;
        if !pem.ends_with('\n') {
            pem.push('\n');
        }
        Ok(pem)
    }
}

/// Parses an armored SSHSIG signature, which must be exactly what [`Signer::sign`]
/// writes: the PEM armor with `\n` line endings and a final newline. The PEM parser
/// also takes CRLF, other line lengths and a missing newline, but `ssh-keygen -Y verify`
/// does not take all of them, and the auditor's stock path must never reject a bundle
/// that `soc2 verify` accepts.
pub(crate) fn parse_signature(text: &[u8]) -> Result<SshSig, BundleError> {
    let sig = SshSig::from_pem(text)
        .map_err(|e| BundleError::SignatureMalformed { reason: e.to_string() })?;
    let mut canonical = sig
        .to_pem(LineEnding::LF)
        .map_err(|e| BundleError::SignatureMalformed { reason: e.to_string() })?;
    if !canonical.ends_with('\n') {
        canonical.push('\n');
    }
    if canonical.as_bytes() != text {
        return Err(BundleError::SignatureMalformed {
            reason: "not the canonical armor soc2 writes (fixed line width, LF line endings, \
                     a final newline)"
                .into(),
        });
    }
    Ok(sig)
}

/// A public key in OpenSSH form without its comment.
pub(crate) fn public_key_openssh(key: &PublicKey) -> String {
    let mut key = key.clone();
    key.set_comment("");
    key.to_openssh()
        .map(|s| s.trim_end().to_owned())
        // Encoding a key that was decoded or generated cannot fail.
        .unwrap_or_default()
}

/// Checks a principal for use in `allowed_signers` and on a command line: 1 to 255
/// printable ASCII characters without spaces, quotes, backslashes, commas or the
/// pattern characters `*`, `?` and `!`, not starting with `#` (e.g. `alice@example.com`).
pub fn check_principal(principal: &str) -> Result<(), &'static str> {
    if principal.is_empty() {
        return Err("it is empty");
    }
    if principal.len() > 255 {
        return Err("it is longer than 255 bytes");
    }
    if principal.starts_with('#') {
        return Err("it starts with '#', which marks a comment line");
    }
    if !principal.bytes().all(|b| {
        b.is_ascii_graphic() && !matches!(b, b'"' | b'\'' | b'\\' | b',' | b'*' | b'?' | b'!')
    }) {
        return Err(
            "only printable ASCII without spaces, quotes, backslashes, commas, '*', '?' or '!' \
             is allowed",
        );
    }
    Ok(())
}

fn default_principal(comment: &str) -> String {
    if check_principal(comment).is_ok() { comment.to_owned() } else { DEFAULT_PRINCIPAL.to_owned() }
}

/// Generates an Ed25519 key and writes it as `path` (the private key, OpenSSH format,
/// mode 0600, encrypted with `passphrase` when given) and `path.pub` (the public key,
/// mode 0644), like `ssh-keygen -t ed25519`. Refuses to overwrite either file.
pub fn generate_key_files(
    path: &Path,
    comment: &str,
    passphrase: Option<&[u8]>,
) -> Result<Signer, BundleError> {
    let mut pub_path = path.as_os_str().to_owned();
    pub_path.push(".pub");
    let pub_path = PathBuf::from(pub_path);
    for p in [path, pub_path.as_path()] {
        if fs_err::symlink_metadata(p).is_ok() {
            return Err(BundleError::KeyExists { path: p.to_path_buf() });
        }
    }
    let signer = Signer::generate(comment)?;
    let crypto =
        |what| move |e: ssh_key::Error| BundleError::Crypto { what, reason: e.to_string() };
    let stored = match passphrase {
        Some(p) => signer.key.encrypt(&mut OsRng, p).map_err(crypto("encrypting the key"))?,
        None => signer.key.clone(),
    };
    let private_pem = stored.to_openssh(LineEnding::LF).map_err(crypto("encoding the key"))?;
    let public_line = format!(
        "{}\n",
        signer.public_key().to_openssh().map_err(crypto("encoding the public key"))?
    );
    write_new(path, private_pem.as_bytes(), 0o600)?;
    if let Err(e) = write_new(&pub_path, public_line.as_bytes(), 0o644) {
        let _ = fs_err::remove_file(path);
        return Err(e);
    }
    let mut signer = signer;
    signer.key_path = Some(path.to_path_buf());
    Ok(signer)
}

/// Creates `path` (failing if it exists) with `mode`, writes `bytes` and fsyncs.
fn write_new(path: &Path, bytes: &[u8], mode: u32) -> Result<(), BundleError> {
    let io = |source| BundleError::Io { path: path.to_path_buf(), source };
    let mut options = fs_err::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use fs_err::os::unix::fs::OpenOptionsExt;
        options.mode(mode);
    }
    #[cfg(not(unix))]
    let _ = mode;
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            BundleError::KeyExists { path: path.to_path_buf() }
        } else {
            io(e)
        }
    })?;
    file.write_all(bytes).and_then(|()| file.sync_all()).map_err(io)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn principals() {
        for ok in ["soc2-signer", "alice@example.com", "ops+soc2@example.com"] {
            assert!(check_principal(ok).is_ok(), "{ok}");
        }
        for bad in ["", "a b", "a,b", "*@x", "#x", "a\"b", "é", "!x", "a?b"] {
            assert!(check_principal(bad).is_err(), "{bad}");
        }
        assert_eq!(default_principal("Alice Smith"), DEFAULT_PRINCIPAL);
        assert_eq!(default_principal("alice@example.com"), "alice@example.com");
    }

    #[test]
    fn signatures_are_deterministic_and_verify() {
        let s = Signer::generate("alice@example.com").unwrap();
        assert_eq!(s.principal(), "alice@example.com");
        let a = s.sign(b"hello").unwrap();
        assert_eq!(a, s.sign(b"hello").unwrap());
        let sig = parse_signature(a.as_bytes()).unwrap();
        s.public_key().verify(NAMESPACE, b"hello", &sig).unwrap();
        assert!(s.public_key().verify(NAMESPACE, b"hellO", &sig).is_err());
        assert!(!format!("{s:?}").contains("PRIVATE"));
    }

    #[test]
    fn key_files_round_trip_with_and_without_passphrase() {
        let dir = tempfile::tempdir().unwrap();
        let plain = dir.path().join("plain");
        let s = generate_key_files(&plain, "ci@example.com", None).unwrap();
        let loaded = Signer::load(&plain, None).unwrap();
        assert_eq!(loaded.public_key_openssh(), s.public_key_openssh());
        assert_eq!(loaded.principal(), "ci@example.com");
        let pub_text = fs_err::read_to_string(dir.path().join("plain.pub")).unwrap();
        assert!(pub_text.starts_with("ssh-ed25519 AAAA"), "{pub_text}");
        assert!(pub_text.trim_end().ends_with("ci@example.com"));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = |p: &Path| fs_err::metadata(p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode(&plain), 0o600);
            assert_eq!(mode(&dir.path().join("plain.pub")), 0o644);
        }
        assert!(matches!(
            generate_key_files(&plain, "x", None),
            Err(BundleError::KeyExists { .. })
        ));

        let locked = dir.path().join("locked");
        let s = generate_key_files(&locked, "x", Some(b"correct horse")).unwrap();
        assert!(matches!(Signer::load(&locked, None), Err(BundleError::KeyEncrypted { .. })));
        assert!(matches!(
            Signer::load(&locked, Some(b"wrong")),
            Err(BundleError::WrongPassphrase { .. })
        ));
        let loaded = Signer::load(&locked, Some(b"correct horse")).unwrap();
        assert_eq!(loaded.public_key_openssh(), s.public_key_openssh());
        assert_eq!(loaded.principal(), "x");

        fs_err::write(dir.path().join("junk"), "not a key").unwrap();
        assert!(matches!(
            Signer::load(&dir.path().join("junk"), None),
            Err(BundleError::KeyFile { .. })
        ));
    }
}
