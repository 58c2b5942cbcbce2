//! Signing a locker's checkpoint with the bundle key, and the signed checkpoints a bundle
//! carries.

use crate::error::Result;
use crate::ledger::{Locker, SignedCheckpoint};

use super::signing::Signer;

/// Signs the locker's current checkpoint with `signer` (a C2SP signed note under the
/// locker's origin and an SSHSIG over it, see [`crate::ledger::signed`]) and stores it in
/// the locker's `checkpoints/`. Signing the same checkpoint again returns the stored one.
pub fn sign_checkpoint(locker: &Locker, signer: &Signer) -> Result<SignedCheckpoint> {
    let checkpoint = locker.checkpoint();
    let (note, sig) = signer.sign_checkpoint(&checkpoint)?;
    locker.store_signed_checkpoint(note.into_bytes(), sig.into_bytes())
}
