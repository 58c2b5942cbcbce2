//! Signed checkpoints: the `checkpoints/` directory of a locker, which keeps every
//! checkpoint the locker's owner has signed, append-only.
//!
//! For a checkpoint of `size` records, `checkpoints/` holds (names zero-padded to 20
//! digits so that they sort by size):
//!
//! - `<size>.note`: the checkpoint as a C2SP signed note ([`super::note`]), signed with
//!   Ed25519 under the key name of the locker's origin;
//! - `<size>.note.sig`: an OpenSSH SSHSIG over the whole `.note` file, namespace
//!   [`CHECKPOINT_NAMESPACE`], made with the same key, so that
//!   `ssh-keygen -Y verify -n soc2-checkpoint-v1 -s <size>.note.sig < <size>.note`
//!   checks it with stock tools;
//! - `<size>.tsr`, once `soc2 timestamp` has run: an RFC 3161 time-stamp response
//!   (DER) whose message imprint is the SHA-256 of the `.note` file
//!   ([`super::timestamp`]).
//!
//! A signed checkpoint is never removed or rewritten. [`super::fsck`] checks each one:
//! its two signatures agree on one key, and the locker's records still produce its root
//! (an RFC 9162 consistency proof from it to the current tree), so a locker rewritten
//! after a checkpoint was signed fails, naming the checkpoint.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use ssh_key::{HashAlg, PublicKey, SshSig};

use super::checkpoint::Checkpoint;
use super::error::LedgerError;
use super::merkle::{self, Hash};
use super::note::{Note, VerifierKey};

/// The directory of signed checkpoints inside a locker.
pub const CHECKPOINTS_DIR: &str = "checkpoints";

/// The SSHSIG namespace checkpoint notes are signed for: a bundle signature or a git
/// commit signature does not verify as a checkpoint signature, nor the reverse.
pub const CHECKPOINT_NAMESPACE: &str = "soc2-checkpoint-v1";

/// The largest `.note.sig` accepted (an Ed25519 SSHSIG is under 1 KiB).
const MAX_SIG_SIZE: u64 = 64 << 10;

/// The largest `.tsr` accepted.
pub const MAX_TOKEN_SIZE: u64 = 1 << 20;

/// A signed checkpoint: the note, its SSHSIG, and any timestamp.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// The checkpoint the note's text holds.
    pub checkpoint: Checkpoint,
    /// The C2SP signed note (the `.note` file).
    pub note: Vec<u8>,
    /// The armored SSHSIG over `note` (the `.note.sig` file).
    pub sshsig: Vec<u8>,
    /// The DER RFC 3161 time-stamp response over `note` (the `.tsr` file), if any.
    pub timestamp: Option<Vec<u8>>,
}

impl SignedCheckpoint {
    /// Parses a note and its SSHSIG and checks that they agree: the note's text is a
    /// checkpoint, the SSHSIG is for [`CHECKPOINT_NAMESPACE`] and verifies over the note
    /// with the key it carries, and the note holds a valid Ed25519 signature by that same
    /// key under the checkpoint's origin. Returns it with the key; whether the key is
    /// trusted is for the caller to decide ([`SignedCheckpoint::verify`]).
    pub fn parse(
        note: Vec<u8>,
        sshsig: Vec<u8>,
        timestamp: Option<Vec<u8>>,
    ) -> Result<(SignedCheckpoint, PublicKey), String> {
        let parsed = Note::parse(&note).map_err(|e| e.to_string())?;
        let checkpoint = Checkpoint::parse(parsed.text).map_err(|e| e.to_string())?;
        let sig = SshSig::from_pem(&sshsig).map_err(|e| format!("SSHSIG: {e}"))?;
        if sig.namespace() != CHECKPOINT_NAMESPACE {
            return Err(format!(
                "SSHSIG: namespace {:?}, expected {CHECKPOINT_NAMESPACE:?}",
                sig.namespace()
            ));
        }
        let key = PublicKey::from(sig.public_key().clone());
        let signed = SignedCheckpoint { checkpoint, note, sshsig, timestamp };
        signed.verify(&key)?;
        Ok((signed, key))
    }

    /// Checks both signatures with `key` (one the caller trusts): the note's Ed25519
    /// signature under the origin's key name, and the SSHSIG over the note.
    pub fn verify(&self, key: &PublicKey) -> Result<(), String> {
        let ed = key.key_data().ed25519().ok_or_else(|| {
            format!("the key {} is not Ed25519", key.fingerprint(HashAlg::Sha256))
        })?;
        let vkey = VerifierKey::new(&self.checkpoint.origin, &ed.0).map_err(|e| e.to_string())?;
        vkey.open(&self.note).map_err(|e| e.to_string())?;
        let sig = SshSig::from_pem(&self.sshsig).map_err(|e| format!("SSHSIG: {e}"))?;
        key.verify(CHECKPOINT_NAMESPACE, &self.note, &sig)
            .map_err(|e| format!("SSHSIG over the note does not verify: {e}"))
    }

    /// The SHA-256 of the note file: the message imprint of its RFC 3161 timestamp.
    pub fn note_digest(&self) -> Hash {
        use sha2::Digest;
        sha2::Sha256::digest(&self.note).into()
    }

    /// Verifies the stored timestamp, if any, over this note (without a nonce: the
    /// request is not kept), chaining the signer to `trust` when given.
    pub fn verify_timestamp(
        &self,
        trust: Option<&super::TsaTrust>,
    ) -> Option<Result<super::VerifiedTimestamp, super::TimestampError>> {
        let tsr = self.timestamp.as_ref()?;
        Some(super::timestamp::verify_response(tsr, &self.note_digest(), None, trust))
    }

    /// The file name stem of a checkpoint of `size` records (20 digits).
    pub fn stem(size: u64) -> String {
        format!("{size:020}")
    }

    /// Checks with an RFC 9162 consistency proof that the tree of `leaves` (of the same
    /// origin) extends this checkpoint.
    pub fn check_consistency(&self, leaves: &[Hash]) -> Result<(), String> {
        consistency_from(&self.checkpoint, leaves)
    }
}

/// Checks with an RFC 9162 consistency proof that the tree of `leaves` extends
/// `checkpoint`.
pub fn consistency_from(checkpoint: &Checkpoint, leaves: &[Hash]) -> Result<(), String> {
    let n = leaves.len() as u64;
    if checkpoint.size > n {
        return Err(format!(
            "it commits to {} records, the locker holds only {n} (records removed)",
            checkpoint.size
        ));
    }
    let proof = merkle::consistency_proof(leaves, checkpoint.size, n).map_err(|e| e.to_string())?;
    merkle::verify_consistency(checkpoint.size, n, &checkpoint.root, &merkle::root(leaves), &proof)
        .map_err(|e| {
            format!(
                "the locker's records do not extend it (history rewritten after it was signed): {e}"
            )
        })
}

/// Reads every signed checkpoint in `dir/checkpoints`, in size order. A missing
/// directory is no checkpoint. Each problem (a file that is not a signed checkpoint, a
/// note without its SSHSIG, signatures that disagree) is returned as
/// [`LedgerError::SignedCheckpoint`] beside the sound ones.
pub(crate) fn read_all(
    dir: &Path,
) -> Result<(Vec<SignedCheckpoint>, Vec<LedgerError>), LedgerError> {
    let cp_dir = dir.join(CHECKPOINTS_DIR);
    let entries = match fs_err::read_dir(&cp_dir) {
        Ok(e) => e,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok((Vec::new(), Vec::new())),
        Err(e) => return Err(LedgerError::io(&cp_dir, e)),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|e| LedgerError::io(&cp_dir, e))?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    let mut found = Vec::new();
    let mut problems = Vec::new();
    for name in &names {
        let path = cp_dir.join(name);
        let bad = |reason: String| LedgerError::SignedCheckpoint { path: path.clone(), reason };
        let Some(stem) = name.strip_suffix(".note") else {
            let known = [".note.sig", ".tsr"].iter().any(|s| {
                name.strip_suffix(s).is_some_and(|stem| names.contains(&format!("{stem}.note")))
            });
            if !known {
                problems.push(bad("not a signed checkpoint file, or its .note is missing".into()));
            }
            continue;
        };
        let note = match read_bounded(&path, super::note::MAX_NOTE_SIZE as u64) {
            Ok(b) => b,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let sig_path = cp_dir.join(format!("{stem}.note.sig"));
        let sshsig = match read_bounded(&sig_path, MAX_SIG_SIZE) {
            Ok(b) => b,
            Err(e) => {
                problems.push(e);
                continue;
            }
        };
        let tsr_path = cp_dir.join(format!("{stem}.tsr"));
        let timestamp = if names.contains(&format!("{stem}.tsr")) {
            match read_bounded(&tsr_path, MAX_TOKEN_SIZE) {
                Ok(b) => Some(b),
                Err(e) => {
                    problems.push(e);
                    continue;
                }
            }
        } else {
            None
        };
        match SignedCheckpoint::parse(note, sshsig, timestamp) {
            Ok((cp, _)) if SignedCheckpoint::stem(cp.checkpoint.size) != stem => problems
                .push(bad(format!("it holds a checkpoint of {} records", cp.checkpoint.size))),
            Ok((cp, _)) => found.push(cp),
            Err(reason) => problems.push(bad(reason)),
        }
    }
    Ok((found, problems))
}

/// Reads a regular file of at most `limit` bytes, as every input file is read
/// ([`crate::input`]: checked on the open handle, never waiting on a FIFO). Anything else
/// in `checkpoints/` is damage to the locker, named by its path.
fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, LedgerError> {
    use crate::input::InputError;
    crate::input::read_file(path, "signed checkpoint file", limit).map_err(|e| match e {
        InputError::Io { path, source } => LedgerError::io(&path, source),
        other => {
            LedgerError::SignedCheckpoint { path: path.to_path_buf(), reason: other.to_string() }
        }
    })
}

/// Writes `bytes` to a new file `path` (never replacing one) and fsyncs it.
pub(crate) fn write_new(path: &Path, bytes: &[u8]) -> Result<(), LedgerError> {
    let io = |e| LedgerError::io(path, e);
    let mut f = fs_err::OpenOptions::new().write(true).create_new(true).open(path).map_err(io)?;
    f.write_all(bytes).and_then(|()| f.sync_all()).map_err(io)
}

/// The note file of a checkpoint of `size` records in locker `dir`.
pub(crate) fn note_path(dir: &Path, size: u64) -> PathBuf {
    dir.join(CHECKPOINTS_DIR).join(format!("{}.note", SignedCheckpoint::stem(size)))
}
