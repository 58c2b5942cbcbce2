//! Property tests: the locker's inclusion and consistency proofs verify against its
//! roots and checkpoints, and fail for any altered leaf.

mod common;

use common::note;
use proptest::prelude::*;
use soc2_core::ledger::{Locker, merkle};

/// A locker with `old` records, its checkpoint root then, and `new - old` more records.
fn grown_locker(old: usize, new: usize) -> (tempfile::TempDir, Locker, merkle::Hash) {
    let dir = tempfile::tempdir().unwrap();
    let mut locker = Locker::init(dir.path(), "example.com/proofs").unwrap();
    locker.append_batch((0..old).map(|i| note(&format!("r{i}"))).collect()).unwrap();
    let old_root = locker.checkpoint().root;
    locker.append_batch((old..new).map(|i| note(&format!("r{i}"))).collect()).unwrap();
    (dir, locker, old_root)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn inclusion_proofs_verify_and_fail_for_altered_leaves(
        size in 1usize..300,
        index_seed in any::<u64>(),
        flip in 0usize..256,
    ) {
        let (_dir, locker, _) = grown_locker(0, size);
        let index = index_seed % size as u64;
        let root = locker.root();
        let leaf = locker.leaf_hashes()[index as usize];
        let proof = locker.inclusion_proof(index).unwrap();
        prop_assert!(merkle::verify_inclusion(&leaf, index, size as u64, &proof, &root).is_ok());
        // The same record read back hashes to that leaf.
        let record = locker.record(index).unwrap();
        let bytes = soc2_core::json::to_canonical_vec(&record).unwrap();
        prop_assert_eq!(merkle::leaf_hash(&bytes), leaf);

        let mut altered = leaf;
        altered[flip / 8] ^= 1 << (flip % 8);
        prop_assert!(merkle::verify_inclusion(&altered, index, size as u64, &proof, &root).is_err());
        // Another record's leaf does not pass for this one either.
        if size > 1 {
            let other = locker.leaf_hashes()[((index + 1) % size as u64) as usize];
            prop_assert!(merkle::verify_inclusion(&other, index, size as u64, &proof, &root).is_err());
        }
    }

    #[test]
    fn consistency_proofs_verify_and_fail_for_rewritten_history(
        new in 1usize..300,
        old_seed in any::<u64>(),
        altered_seed in any::<u64>(),
    ) {
        let old = (old_seed % (new as u64 + 1)) as usize;
        let (_dir, locker, old_root) = grown_locker(old, new);
        let new_root = locker.root();
        let proof = locker.consistency_proof(old as u64).unwrap();
        prop_assert!(
            merkle::verify_consistency(old as u64, new as u64, &old_root, &new_root, &proof).is_ok()
        );
        // An old tree whose leaves were altered is not consistent with the new one.
        if old > 0 {
            let mut leaves = locker.leaf_hashes()[..old].to_vec();
            leaves[(altered_seed % old as u64) as usize][0] ^= 1;
            let forged_old_root = merkle::root(&leaves);
            prop_assert!(
                merkle::verify_consistency(old as u64, new as u64, &forged_old_root, &new_root, &proof)
                    .is_err()
            );
        }
        // Neither is a new tree with an altered leaf.
        let mut leaves = locker.leaf_hashes().to_vec();
        leaves[(altered_seed % new as u64) as usize][31] ^= 0x80;
        let forged_new_root = merkle::root(&leaves);
        if old > 0 && old < new {
            prop_assert!(
                merkle::verify_consistency(old as u64, new as u64, &old_root, &forged_new_root, &proof)
                    .is_err()
            );
        }
    }
}

#[test]
fn proofs_for_records_that_do_not_exist_are_refused() {
    let (_dir, locker, _) = grown_locker(0, 3);
    assert!(locker.inclusion_proof(3).is_err());
    assert!(locker.consistency_proof(4).is_err());
}
