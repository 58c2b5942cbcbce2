//! Signing a locker's checkpoint with the bundle key, and the signed checkpoints a bundle
//! carries.

use std::path::Path;

use crate::error::Result;
use crate::ledger::{Checkpoint, Locker, SignedCheckpoint};

use super::CHECKPOINT;
use super::archive::{Limits, SafeArchive};
use super::error::BundleError;
use super::signing::Signer;

/// Signs the locker's current checkpoint with `signer` (a C2SP signed note under the
/// locker's origin and an SSHSIG over it, see [`crate::ledger::signed`]) and stores it in
/// the locker's `checkpoints/`. Signing the same checkpoint again returns the stored one.
pub fn sign_checkpoint(locker: &Locker, signer: &Signer) -> Result<SignedCheckpoint> {
    let checkpoint = locker.checkpoint();
    let (note, sig) = signer.sign_checkpoint(&checkpoint)?;
    locker.store_signed_checkpoint(note.into_bytes(), sig.into_bytes())
}

/// Reads the checkpoint a bundle commits to (its `checkpoint` member) without verifying
/// the bundle: for `export --previous`, which then proves the locker extends it.
pub fn read_checkpoint(bundle: &Path) -> Result<Checkpoint, BundleError> {
    // A regular file only, as for verification: a FIFO or a device could block or never end.
    drop(crate::input::open_regular(bundle)?);
    let archive = SafeArchive::open(bundle, Limits::default())?;
    let size = archive
        .member(CHECKPOINT)
        .ok_or_else(|| BundleError::MissingMember { member: CHECKPOINT.to_owned() })?
        .size();
    if size > 4096 {
        return Err(BundleError::MemberTooLarge { member: CHECKPOINT.into(), size, limit: 4096 });
    }
    let mut text = Vec::new();
    archive.read_to_sink(CHECKPOINT, &mut text)?;
    Checkpoint::parse(&text).map_err(BundleError::CheckpointInvalid)
}
