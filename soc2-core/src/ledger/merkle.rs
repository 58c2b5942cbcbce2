//! Append-only Merkle tree over SHA-256, as specified by RFC 9162
//! (Certificate Transparency version 2.0), section 2.1.
//!
//! The ledger commits to its evidence as a sequence of leaf hashes. The
//! Merkle Tree Hash (MTH) of that sequence is the value that gets signed and
//! published; inclusion proofs show that one entry is part of a published
//! tree, and consistency proofs show that a later tree only appended to an
//! earlier one, so history cannot be rewritten without detection.
//!
//! Everything here follows the RFC to the bit so that proofs interoperate
//! with other RFC 6962 / RFC 9162 implementations (e.g. Certificate
//! Transparency logs and the `transparency-dev/merkle` Go library):
//!
//! * leaves and interior nodes are domain-separated (`0x00` / `0x01` prefix)
//!   so a leaf can never be passed off as an interior node (second-preimage
//!   attack);
//! * the tree over `n` leaves splits at the largest power of two smaller
//!   than `n`, which makes every tree a prefix-stable extension of the
//!   previous ones;
//! * the verification functions are the literal algorithms of sections
//!   2.1.3.2 and 2.1.4.2.
//!
//! Functions that take `leaves` expect *leaf hashes* (see [`leaf_hash`]),
//! not raw entry bytes: hashing entries is the caller's job because the
//! caller decides how an entry is serialised.

use sha2::{Digest, Sha256};

/// A SHA-256 digest: a leaf hash, an interior node hash or a tree root.
pub type Hash = [u8; 32];

/// Domain-separation prefix for leaf hashes (RFC 9162, section 2.1.1).
const LEAF_PREFIX: u8 = 0x00;
/// Domain-separation prefix for interior node hashes (RFC 9162, section 2.1.1).
const NODE_PREFIX: u8 = 0x01;

/// Why a proof could not be produced or did not verify.
///
/// Verification errors deliberately say *what* failed (shape vs. hash) so an
/// auditor can tell a malformed request from evidence of tampering. For root
/// mismatches, `expected` is the root supplied by the caller (the trusted,
/// published value) and `computed` is the root the proof actually leads to.
#[non_exhaustive]
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum ProofError {
    /// An inclusion proof was requested or checked for a tree of size 0; an
    /// empty tree contains no leaf, so no inclusion proof can exist.
    #[error("tree size is 0: an empty tree has no leaves to prove inclusion of")]
    EmptyTree,

    /// The leaf index is not smaller than the tree size, so the leaf is not
    /// part of that tree.
    #[error("leaf index {index} is out of range for a tree of size {size}")]
    IndexOutOfRange {
        /// The requested zero-based leaf index.
        index: u64,
        /// The tree size the index was checked against.
        size: u64,
    },

    /// A proof was requested for a tree larger than the number of leaf
    /// hashes supplied to the generator.
    #[error("tree size {size} exceeds the {available} leaf hashes supplied")]
    SizeExceedsLeaves {
        /// The requested tree size.
        size: u64,
        /// The number of leaf hashes that were supplied.
        available: u64,
    },

    /// The "old" tree of a consistency proof is larger than the "new" one;
    /// an append-only log never shrinks.
    #[error("old tree size {old_size} is greater than new tree size {new_size}")]
    OldSizeExceedsNewSize {
        /// The claimed earlier tree size.
        old_size: u64,
        /// The claimed later tree size.
        new_size: u64,
    },

    /// The proof does not have the number of hashes that the tree sizes (and
    /// leaf index) require, so it cannot be a proof for these parameters.
    #[error("proof has {actual} hashes, but these parameters require exactly {expected}")]
    WrongProofLength {
        /// Number of hashes a valid proof for these parameters has.
        expected: usize,
        /// Number of hashes that were supplied.
        actual: usize,
    },

    /// The inclusion proof leads to a different root than the trusted one:
    /// the leaf, its index, the proof or the root has been altered.
    #[error(
        "root mismatch: expected {}, proof yields {}",
        hex::encode(.expected),
        hex::encode(.computed)
    )]
    RootMismatch {
        /// The trusted root supplied by the caller.
        expected: Hash,
        /// The root reconstructed from the leaf and the proof.
        computed: Hash,
    },

    /// A consistency proof does not reproduce the trusted root of the old
    /// (earlier) tree.
    #[error(
        "old root mismatch: expected {}, proof yields {}",
        hex::encode(.expected),
        hex::encode(.computed)
    )]
    OldRootMismatch {
        /// The trusted old root supplied by the caller.
        expected: Hash,
        /// The old root reconstructed from the proof.
        computed: Hash,
    },

    /// A consistency proof does not reproduce the trusted root of the new
    /// (later) tree: the new tree is not an append-only extension of the old
    /// one, or the proof or a root has been altered.
    #[error(
        "new root mismatch: expected {}, proof yields {}",
        hex::encode(.expected),
        hex::encode(.computed)
    )]
    NewRootMismatch {
        /// The trusted new root supplied by the caller.
        expected: Hash,
        /// The new root reconstructed from the old root and the proof.
        computed: Hash,
    },
}

/// Hashes one ledger entry into a leaf: `SHA-256(0x00 || data)`.
///
/// The `0x00` prefix keeps leaf hashes disjoint from [`node_hash`] outputs.
#[must_use]
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut hasher = Sha256::new();
    hasher.update([LEAF_PREFIX]);
    hasher.update(data);
    hasher.finalize().into()
}

/// Hashes two child nodes into their parent: `SHA-256(0x01 || left || right)`.
#[must_use]
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    // One contiguous buffer hashed in one call: this runs once per leaf
    // when streaming a log, and it spares the incremental hasher its
    // partial-block bookkeeping.
    let mut buf = [0u8; 65];
    buf[0] = NODE_PREFIX;
    buf[1..33].copy_from_slice(left);
    buf[33..].copy_from_slice(right);
    Sha256::digest(buf).into()
}

/// Root of the empty tree: `SHA-256("")` (RFC 9162, section 2.1.1).
#[must_use]
pub fn empty_root() -> Hash {
    Sha256::digest([]).into()
}

/// Merkle Tree Hash (MTH) of a list of leaf hashes (RFC 9162, section 2.1.1).
///
/// Runs in O(n) time; the recursion depth, and so the extra memory, is
/// O(log n) because the left half is always a perfect tree. For streaming
/// input use [`TreeBuilder`] instead.
#[must_use]
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves {
        [] => empty_root(),
        [leaf] => *leaf,
        _ => {
            let k = split_point(leaves.len());
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// Incremental Merkle tree builder with O(log n) memory.
///
/// It keeps only the roots of the maximal perfect subtrees of the leaves
/// pushed so far (one per set bit of [`size`](Self::size)), so a root can be
/// recomputed while streaming an arbitrarily long file of leaf hashes. Each
/// [`push`](Self::push) costs one leaf-to-parent merge on average;
/// [`root`](Self::root) costs at most 63 node hashes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TreeBuilder {
    /// Number of leaves pushed.
    size: u64,
    /// Roots of the perfect subtrees covering all leaves, left to right,
    /// largest first; `stack.len() == size.count_ones()`.
    stack: Vec<Hash>,
}

impl TreeBuilder {
    /// Creates a builder for the empty tree.
    #[must_use]
    pub const fn new() -> Self {
        Self { size: 0, stack: Vec::new() }
    }

    /// Appends one leaf hash (see [`leaf_hash`]).
    ///
    /// # Panics
    ///
    /// Panics if the tree already holds `u64::MAX` leaves.
    pub fn push(&mut self, leaf: Hash) {
        let new_size = self.size.checked_add(1).expect("Merkle tree size overflows u64");
        // Each trailing 1-bit of the old size is a perfect subtree of the
        // same height as the node being carried; merge them like a binary
        // counter increment.
        let mut node = leaf;
        let mut carry = self.size;
        while carry & 1 == 1 {
            let left =
                self.stack.pop().expect("invariant: one stacked subtree per set bit of size");
            node = node_hash(&left, &node);
            carry >>= 1;
        }
        self.stack.push(node);
        self.size = new_size;
    }

    /// Number of leaves pushed so far.
    #[must_use]
    pub const fn size(&self) -> u64 {
        self.size
    }

    /// Merkle Tree Hash of all leaves pushed so far (equal to [`root`] over
    /// the same leaves); [`empty_root`] if none were pushed.
    #[must_use]
    pub fn root(&self) -> Hash {
        // RFC 9162 splits at the largest power of two, so the MTH is the
        // right fold of the perfect-subtree roots: smaller (right) subtrees
        // are merged first.
        let mut nodes = self.stack.iter().rev();
        match nodes.next() {
            None => empty_root(),
            Some(last) => nodes.fold(*last, |acc, left| node_hash(left, &acc)),
        }
    }
}

impl Extend<Hash> for TreeBuilder {
    fn extend<I: IntoIterator<Item = Hash>>(&mut self, iter: I) {
        for leaf in iter {
            self.push(leaf);
        }
    }
}

impl<'a> Extend<&'a Hash> for TreeBuilder {
    fn extend<I: IntoIterator<Item = &'a Hash>>(&mut self, iter: I) {
        self.extend(iter.into_iter().copied());
    }
}

impl FromIterator<Hash> for TreeBuilder {
    fn from_iter<I: IntoIterator<Item = Hash>>(iter: I) -> Self {
        let mut builder = Self::new();
        builder.extend(iter);
        builder
    }
}

/// Inclusion proof (audit path) for leaf `index` in the tree made of the
/// first `size` entries of `leaves`: `PATH(index, D[size])` of RFC 9162,
/// section 2.1.3.1, ordered from the leaf's sibling up to the root's child.
///
/// `leaves` may hold more than `size` hashes (e.g. the whole log), which
/// lets a proof be produced for any earlier published tree. Runs in
/// O(size) time.
///
/// # Errors
///
/// [`ProofError::EmptyTree`] if `size` is 0,
/// [`ProofError::SizeExceedsLeaves`] if `size > leaves.len()`,
/// [`ProofError::IndexOutOfRange`] if `index >= size`.
pub fn inclusion_proof(leaves: &[Hash], index: u64, size: u64) -> Result<Vec<Hash>, ProofError> {
    if size == 0 {
        return Err(ProofError::EmptyTree);
    }
    let size_usize = checked_size(leaves, size)?;
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    // index < size <= leaves.len(), so this cannot truncate.
    let mut m = usize::try_from(index).map_err(|_| ProofError::IndexOutOfRange { index, size })?;

    // Iterative form of the PATH recursion: walk from the root down to the
    // leaf, recording the sibling subtree at each level, then reverse,
    // because PATH lists the deepest sibling first.
    let mut tree = &leaves[..size_usize];
    let mut path = Vec::with_capacity(inclusion_proof_len(index, size));
    while tree.len() > 1 {
        let k = split_point(tree.len());
        if m < k {
            path.push(root(&tree[k..]));
            tree = &tree[..k];
        } else {
            path.push(root(&tree[..k]));
            tree = &tree[k..];
            m -= k;
        }
    }
    path.reverse();
    Ok(path)
}

/// Verifies that `leaf` is the leaf hash at `index` in the tree of `size`
/// leaves whose root is `root`, using exactly the algorithm of RFC 9162,
/// section 2.1.3.2.
///
/// Security note: as in the RFC, the proof authenticates the leaf against
/// `root`; `size` only selects the shape of the path. Some different sizes
/// share a path shape for the same index, so `size` and `root` must come
/// together from the same trusted (e.g. signed) tree head.
///
/// # Errors
///
/// [`ProofError::EmptyTree`] if `size` is 0,
/// [`ProofError::IndexOutOfRange`] if `index >= size`,
/// [`ProofError::WrongProofLength`] if the proof has the wrong number of
/// hashes for `index` and `size`,
/// [`ProofError::RootMismatch`] if the proof does not lead to `root`.
pub fn verify_inclusion(
    leaf: &Hash,
    index: u64,
    size: u64,
    proof: &[Hash],
    root: &Hash,
) -> Result<(), ProofError> {
    // Step 1: the leaf must be inside the tree.
    if size == 0 {
        return Err(ProofError::EmptyTree);
    }
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    // Not an RFC step, but it cannot change the outcome (the RFC loop fails
    // on any other length through steps 4a / 5); it only gives a precise
    // error before doing any hashing.
    let expected = inclusion_proof_len(index, size);
    if proof.len() != expected {
        return Err(ProofError::WrongProofLength { expected, actual: proof.len() });
    }

    // Steps 2-3.
    let mut fnode = index;
    let mut snode = size - 1;
    let mut r = *leaf;
    // Step 4.
    for p in proof {
        // Step 4a.
        if snode == 0 {
            return Err(ProofError::WrongProofLength { expected, actual: proof.len() });
        }
        // Step 4b.
        if fnode & 1 == 1 || fnode == snode {
            r = node_hash(p, &r);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        // Step 4c.
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 5.
    if snode != 0 {
        return Err(ProofError::WrongProofLength { expected, actual: proof.len() });
    }
    if r != *root {
        return Err(ProofError::RootMismatch { expected: *root, computed: r });
    }
    Ok(())
}

/// Consistency proof between the tree of the first `old_size` entries of
/// `leaves` and the tree of the first `new_size` entries:
/// `PROOF(old_size, D[new_size])` of RFC 9162, section 2.1.4.1.
///
/// RFC 9162 defines the proof only for `0 < old_size < new_size`. For
/// `old_size == 0` (every tree extends the empty tree) and for
/// `old_size == new_size` (a tree extends itself) the proof is empty, which
/// is what [`verify_consistency`] expects. Runs in O(`new_size`) time.
///
/// # Errors
///
/// [`ProofError::OldSizeExceedsNewSize`] if `old_size > new_size`,
/// [`ProofError::SizeExceedsLeaves`] if `new_size > leaves.len()`.
pub fn consistency_proof(
    leaves: &[Hash],
    old_size: u64,
    new_size: u64,
) -> Result<Vec<Hash>, ProofError> {
    if old_size > new_size {
        return Err(ProofError::OldSizeExceedsNewSize { old_size, new_size });
    }
    let new_len = checked_size(leaves, new_size)?;
    if old_size == 0 || old_size == new_size {
        return Ok(Vec::new());
    }
    // old_size < new_size <= leaves.len(), so this cannot fail.
    let mut m = checked_size(leaves, old_size)?;

    // Iterative form of SUBPROOF(m, D[n], b): walk down while the old tree
    // is not a whole subtree, collecting siblings root-first; reversed at
    // the end because SUBPROOF lists the deepest node first.
    let mut tree = &leaves[..new_len];
    let mut complete_old_tree = true; // The RFC's `b` flag.
    let mut proof = Vec::with_capacity(consistency_proof_len(old_size, new_size));
    while m != tree.len() {
        let k = split_point(tree.len());
        if m <= k {
            proof.push(root(&tree[k..]));
            tree = &tree[..k];
        } else {
            proof.push(root(&tree[..k]));
            tree = &tree[k..];
            m -= k;
            complete_old_tree = false;
        }
    }
    // SUBPROOF(m, D[m], false) = {MTH(D[m])}: the verifier cannot know this
    // subtree's hash; SUBPROOF(m, D[m], true) = {} because it is the old root.
    if !complete_old_tree {
        proof.push(root(tree));
    }
    proof.reverse();
    Ok(proof)
}

/// Verifies that the tree of `new_size` leaves with root `new_root` is an
/// append-only extension of the tree of `old_size` leaves with root
/// `old_root`, using exactly the algorithm of RFC 9162, section 2.1.4.2.
///
/// The RFC algorithm covers `0 < old_size < new_size`. The cases it leaves
/// out are decided without a proof (which must then be empty):
/// `old_size == new_size` holds iff both roots are equal, and
/// `old_size == 0` holds iff `old_root` is [`empty_root`] (checked strictly,
/// so a forged empty checkpoint is still reported).
///
/// Security note: as in the RFC, the sizes only select the shape of the
/// proof; some different size pairs share a shape. Sizes and roots must
/// come together from trusted (e.g. signed) tree heads.
///
/// # Errors
///
/// [`ProofError::OldSizeExceedsNewSize`] if `old_size > new_size`,
/// [`ProofError::WrongProofLength`] if the proof has the wrong number of
/// hashes for these sizes,
/// [`ProofError::OldRootMismatch`] / [`ProofError::NewRootMismatch`] if the
/// proof does not reproduce the respective root.
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    old_root: &Hash,
    new_root: &Hash,
    proof: &[Hash],
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::OldSizeExceedsNewSize { old_size, new_size });
    }
    let expected = consistency_proof_len(old_size, new_size);
    if proof.len() != expected {
        // Also RFC step 1 (an empty proof fails) when 0 < old < new, since
        // the expected length is then at least 1.
        return Err(ProofError::WrongProofLength { expected, actual: proof.len() });
    }
    if old_size == 0 {
        let empty = empty_root();
        if *old_root != empty {
            return Err(ProofError::OldRootMismatch { expected: *old_root, computed: empty });
        }
        if new_size == 0 && *new_root != empty {
            return Err(ProofError::NewRootMismatch { expected: *new_root, computed: empty });
        }
        return Ok(());
    }
    if old_size == new_size {
        // Same tree: the new root must be the old root.
        if new_root != old_root {
            return Err(ProofError::NewRootMismatch { expected: *new_root, computed: *old_root });
        }
        return Ok(());
    }

    // Step 2: if old_size is a power of two, old_root is the seed, i.e. it
    // is (conceptually) prepended to the proof.
    let (seed, rest) =
        if old_size.is_power_of_two() { (*old_root, proof) } else { (proof[0], &proof[1..]) };
    // Step 3.
    let mut fnode = old_size - 1;
    let mut snode = new_size - 1;
    // Step 4.
    while fnode & 1 == 1 {
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 5.
    let mut fr = seed;
    let mut sr = seed;
    // Step 6.
    for c in rest {
        // Step 6a.
        if snode == 0 {
            return Err(ProofError::WrongProofLength { expected, actual: proof.len() });
        }
        // Step 6b.
        if fnode & 1 == 1 || fnode == snode {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if fnode & 1 == 0 {
                while fnode & 1 == 0 && fnode != 0 {
                    fnode >>= 1;
                    snode >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        // Step 6c.
        fnode >>= 1;
        snode >>= 1;
    }
    // Step 7.
    if snode != 0 {
        return Err(ProofError::WrongProofLength { expected, actual: proof.len() });
    }
    if fr != *old_root {
        return Err(ProofError::OldRootMismatch { expected: *old_root, computed: fr });
    }
    if sr != *new_root {
        return Err(ProofError::NewRootMismatch { expected: *new_root, computed: sr });
    }
    Ok(())
}

/// RFC 9162's split point `k` for `n >= 2` leaves: the largest power of two
/// strictly smaller than `n`.
fn split_point(n: usize) -> usize {
    debug_assert!(n >= 2, "only trees of 2+ leaves are split");
    1 << (usize::BITS - 1 - (n - 1).leading_zeros())
}

/// Converts a requested tree size into a slice length, rejecting sizes the
/// supplied leaves cannot cover (including ones beyond `usize`).
fn checked_size(leaves: &[Hash], size: u64) -> Result<usize, ProofError> {
    match usize::try_from(size) {
        Ok(n) if n <= leaves.len() => Ok(n),
        _ => Err(ProofError::SizeExceedsLeaves {
            size,
            available: u64::try_from(leaves.len()).unwrap_or(u64::MAX),
        }),
    }
}

/// Number of hashes the RFC 9162 verification loop consumes, starting from
/// `fnode`/`snode`, before `snode` reaches 0: one per level where the
/// paths to `fnode` and `snode` differ, plus one per left sibling once they
/// have merged onto the right border.
fn path_len(fnode: u64, snode: u64) -> usize {
    let inner = u64::BITS - (fnode ^ snode).leading_zeros();
    let border = fnode.checked_shr(inner).unwrap_or(0).count_ones();
    (inner + border) as usize
}

/// Length of a valid inclusion proof for `index < size`.
fn inclusion_proof_len(index: u64, size: u64) -> usize {
    path_len(index, size - 1)
}

/// Length of a valid consistency proof for `old_size <= new_size`.
fn consistency_proof_len(old_size: u64, new_size: u64) -> usize {
    if old_size == 0 || old_size == new_size {
        return 0;
    }
    // Mirror steps 2-4 of RFC 9162, section 2.1.4.2: the seed is a proof
    // hash unless old_size is a power of two, and the loop starts after
    // skipping the trailing 1-bits of old_size - 1.
    let shift = old_size.trailing_zeros();
    let seed = usize::from(!old_size.is_power_of_two());
    seed + path_len((old_size - 1) >> shift, (new_size - 1) >> shift)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// Published vectors from transparency-dev/merkle, one file per case; see
    /// `soc2-core/testdata/merkle/README.md` for the exact source files.
    fn vectors_json() -> Value {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/merkle");
        let read = |path: &std::path::Path| -> Value {
            serde_json::from_slice(&fs_err::read(path).expect("read vector")).expect("valid JSON")
        };
        let mut json = read(&dir.join("constants.json"));
        for table in
            ["inclusion_proofs", "consistency_proofs", "inclusion_node_ids", "consistency_node_ids"]
        {
            let mut paths: Vec<_> = fs_err::read_dir(dir.join(table))
                .expect("vector directory")
                .map(|e| e.expect("entry").path())
                .collect();
            paths.sort();
            assert!(!paths.is_empty(), "no {table} cases");
            json[table] = Value::Array(paths.iter().map(|p| read(p)).collect());
        }
        json
    }

    struct Vectors {
        leaf_inputs: Vec<Vec<u8>>,
        node_hashes: Vec<Vec<Hash>>,
        /// Indexed by tree size, 0..=8.
        root_hashes: Vec<Hash>,
        some_hash: Hash,
        json: Value,
    }

    fn h(s: &str) -> Hash {
        hex::decode(s).expect("hex").try_into().expect("32-byte hash")
    }

    fn hashes(v: &Value) -> Vec<Hash> {
        v.as_array().expect("array").iter().map(|x| h(x.as_str().expect("hex string"))).collect()
    }

    fn num(v: &Value, key: &str) -> u64 {
        v[key].as_u64().expect("integer field")
    }

    fn vectors() -> Vectors {
        let json = vectors_json();
        let leaf_inputs = json["leaf_inputs"]
            .as_array()
            .expect("array")
            .iter()
            .map(|x| hex::decode(x.as_str().expect("hex")).expect("hex"))
            .collect();
        let node_hashes =
            json["node_hashes"].as_array().expect("array").iter().map(hashes).collect();
        Vectors {
            leaf_inputs,
            node_hashes,
            root_hashes: hashes(&json["root_hashes"]),
            some_hash: h(json["some_hash"].as_str().expect("hex")),
            json,
        }
    }

    impl Vectors {
        fn leaves(&self) -> Vec<Hash> {
            self.leaf_inputs.iter().map(|d| leaf_hash(d)).collect()
        }

        fn node(&self, id: &Value) -> Hash {
            let level = id[0].as_u64().expect("level") as usize;
            let index = id[1].as_u64().expect("index") as usize;
            self.node_hashes[level][index]
        }

        fn nodes(&self, ids: &Value) -> Vec<Hash> {
            ids.as_array().expect("array").iter().map(|id| self.node(id)).collect()
        }
    }

    fn flip_bit(hash: &Hash, bit: usize) -> Hash {
        let mut out = *hash;
        out[bit / 8 % 32] ^= 1 << (bit % 8);
        out
    }

    // ---------------------------------------------------------------
    // Literal transcriptions of the RFC 9162 recursive definitions, used
    // as independent references for the iterative implementations.
    // ---------------------------------------------------------------

    fn ref_k(n: usize) -> usize {
        let mut k = 1;
        while k * 2 < n {
            k *= 2;
        }
        k
    }

    /// MTH, RFC 9162 2.1.1.
    fn ref_mth(d: &[Hash]) -> Hash {
        match d.len() {
            0 => empty_root(),
            1 => d[0],
            n => {
                let k = ref_k(n);
                node_hash(&ref_mth(&d[..k]), &ref_mth(&d[k..]))
            }
        }
    }

    /// PATH(m, D[n]), RFC 9162 2.1.3.1.
    fn ref_path(m: usize, d: &[Hash]) -> Vec<Hash> {
        let n = d.len();
        if n == 1 {
            return Vec::new();
        }
        let k = ref_k(n);
        if m < k {
            let mut p = ref_path(m, &d[..k]);
            p.push(ref_mth(&d[k..]));
            p
        } else {
            let mut p = ref_path(m - k, &d[k..]);
            p.push(ref_mth(&d[..k]));
            p
        }
    }

    /// SUBPROOF(m, D[n], b), RFC 9162 2.1.4.1.
    fn ref_subproof(m: usize, d: &[Hash], b: bool) -> Vec<Hash> {
        let n = d.len();
        if m == n {
            return if b { Vec::new() } else { vec![ref_mth(d)] };
        }
        let k = ref_k(n);
        if m <= k {
            let mut p = ref_subproof(m, &d[..k], b);
            p.push(ref_mth(&d[k..]));
            p
        } else {
            let mut p = ref_subproof(m - k, &d[k..], false);
            p.push(ref_mth(&d[..k]));
            p
        }
    }

    /// Which side each PATH hash is on (true = left sibling), derived from
    /// the PATH recursion. Two (index, size) pairs with the same shape make
    /// the verifier do exactly the same hashing.
    fn inclusion_shape(m: u64, n: u64) -> Vec<bool> {
        if n <= 1 {
            return Vec::new();
        }
        let k = ref_k(n as usize) as u64;
        let mut s = if m < k { inclusion_shape(m, k) } else { inclusion_shape(m - k, n - k) };
        s.push(m >= k);
        s
    }

    #[derive(Debug, Clone, Copy, PartialEq, Eq)]
    enum Part {
        /// MTH(D[m]) of a subtree fully inside the old tree, not its root.
        Seed,
        /// Left sibling: part of both the old and the new tree.
        Old,
        /// Right sibling: only part of the new tree.
        New,
    }

    /// Shape of PROOF(m, D[n]) for 0 < m < n, derived from the SUBPROOF
    /// recursion: equal shapes make the verifier do the same hashing.
    fn consistency_shape(m: u64, n: u64, b: bool) -> Vec<Part> {
        if m == n {
            return if b { Vec::new() } else { vec![Part::Seed] };
        }
        let k = ref_k(n as usize) as u64;
        let mut s;
        if m <= k {
            s = consistency_shape(m, k, b);
            s.push(Part::New);
        } else {
            s = consistency_shape(m - k, n - k, false);
            s.push(Part::Old);
        }
        s
    }

    fn test_leaves(seed: u64, n: usize) -> Vec<Hash> {
        (0..n as u64)
            .map(|i| {
                let mut data = [0u8; 16];
                data[..8].copy_from_slice(&seed.to_le_bytes());
                data[8..].copy_from_slice(&i.to_le_bytes());
                leaf_hash(&data)
            })
            .collect()
    }

    // ---------------------------------------------------------------
    // Published vectors (transparency-dev/merkle).
    // ---------------------------------------------------------------

    #[test]
    fn vectors_leaf_and_node_hashes() {
        let v = vectors();
        assert_eq!(v.leaf_inputs.len(), 8);
        assert_eq!(v.leaves(), v.node_hashes[0], "leaf_hash");
        for level in 1..v.node_hashes.len() {
            for (i, want) in v.node_hashes[level].iter().enumerate() {
                let below = &v.node_hashes[level - 1];
                assert_eq!(
                    node_hash(&below[2 * i], &below[2 * i + 1]),
                    *want,
                    "node_hash level {level} index {i}"
                );
            }
        }
        assert_eq!(empty_root(), v.root_hashes[0]);
    }

    #[test]
    fn vectors_roots() {
        let v = vectors();
        let leaves = v.leaves();
        assert_eq!(v.root_hashes.len(), 9);
        let mut builder = TreeBuilder::new();
        assert_eq!(builder.root(), v.root_hashes[0]);
        for size in 0..=8 {
            assert_eq!(root(&leaves[..size]), v.root_hashes[size], "root size {size}");
            if size > 0 {
                builder.push(leaves[size - 1]);
            }
            assert_eq!(builder.size(), size as u64);
            assert_eq!(builder.root(), v.root_hashes[size], "builder size {size}");
        }
    }

    #[derive(Clone)]
    struct InclusionProbe {
        desc: String,
        index: u64,
        size: u64,
        leaf: Hash,
        proof: Vec<Hash>,
        root: Hash,
    }

    /// The corruptions of `corruptInclusionProof` in proof/verify_test.go
    /// (an empty "garbage" hash there is an all-zero hash here).
    fn corrupt_inclusion(v: &Vectors, good: &InclusionProbe) -> Vec<InclusionProbe> {
        let p = &good.proof;
        let garbage = [0u8; 32];
        let probe = |desc: &str| InclusionProbe { desc: desc.to_string(), ..good.clone() };
        let mut out = vec![
            InclusionProbe { index: good.index.wrapping_sub(1), ..probe("index - 1") },
            InclusionProbe { index: good.index + 1, ..probe("index + 1") },
            InclusionProbe { index: good.index ^ 2, ..probe("index ^ 2") },
            InclusionProbe { size: good.size * 2, ..probe("size * 2") },
            InclusionProbe { size: good.size / 2, ..probe("size / 2") },
            InclusionProbe { leaf: leaf_hash(b"WrongLeaf"), ..probe("wrong leaf") },
            InclusionProbe { root: empty_root(), ..probe("empty root") },
            InclusionProbe { root: v.some_hash, ..probe("random root") },
            InclusionProbe { proof: [&p[..], &[garbage]].concat(), ..probe("trailing garbage") },
            InclusionProbe { proof: [&p[..], &[good.root]].concat(), ..probe("trailing root") },
            InclusionProbe { proof: [&[garbage], &p[..]].concat(), ..probe("preceding garbage") },
            InclusionProbe { proof: [&[good.root], &p[..]].concat(), ..probe("preceding root") },
        ];
        for i in 0..p.len() {
            let mut proof = p.clone();
            proof[i][0] ^= 8;
            out.push(InclusionProbe { proof, ..probe(&format!("modified proof[{i}] bit 3")) });
        }
        if !p.is_empty() {
            out.push(InclusionProbe {
                proof: p[..p.len() - 1].to_vec(),
                ..probe("removed component")
            });
        }
        if p.len() > 1 {
            out.push(InclusionProbe {
                proof: [&[p[0], v.some_hash], &p[1..]].concat(),
                ..probe("inserted component")
            });
        }
        out
    }

    #[test]
    fn vectors_inclusion_proofs() {
        let v = vectors();
        let leaves = v.leaves();
        let cases = v.json["inclusion_proofs"].as_array().expect("array");
        assert_eq!(cases.len(), 5);
        for case in cases {
            // `leaf` is 1-based in the source vectors.
            let index = num(case, "leaf") - 1;
            let size = num(case, "size");
            let want = hashes(&case["proof"]);
            let root_hash = v.root_hashes[size as usize];
            let leaf = leaves[index as usize];

            assert_eq!(
                inclusion_proof(&leaves, index, size).unwrap(),
                want,
                "generate {index}/{size}"
            );
            assert_eq!(verify_inclusion(&leaf, index, size, &want, &root_hash), Ok(()));

            let good = InclusionProbe {
                desc: "happy path".to_string(),
                index,
                size,
                leaf,
                proof: want,
                root: root_hash,
            };
            for p in corrupt_inclusion(&v, &good) {
                assert!(
                    verify_inclusion(&p.leaf, p.index, p.size, &p.proof, &p.root).is_err(),
                    "{index}/{size}: accepted corruption '{}'",
                    p.desc
                );
            }
        }
    }

    #[test]
    fn vectors_inclusion_node_ids() {
        let v = vectors();
        let leaves = v.leaves();
        let cases = v.json["inclusion_node_ids"].as_array().expect("array");
        assert_eq!(cases.len(), 11);
        for case in cases {
            let (index, size) = (num(case, "index"), num(case, "size"));
            let want = v.nodes(&case["nodes"]);
            assert_eq!(inclusion_proof(&leaves, index, size).unwrap(), want, "{index}/{size}");
            let root_hash = v.root_hashes[size as usize];
            assert_eq!(
                verify_inclusion(&leaves[index as usize], index, size, &want, &root_hash),
                Ok(())
            );
        }
    }

    #[derive(Clone)]
    struct ConsistencyProbe {
        desc: String,
        size1: u64,
        size2: u64,
        root1: Hash,
        root2: Hash,
        proof: Vec<Hash>,
    }

    /// The corruptions of `corruptConsistencyProof` in proof/verify_test.go
    /// (an empty "garbage" hash there is an all-zero hash here).
    fn corrupt_consistency(v: &Vectors, good: &ConsistencyProbe) -> Vec<ConsistencyProbe> {
        let p = &good.proof;
        let (r1, r2) = (good.root1, good.root2);
        let wrong_root = leaf_hash(b"WrongRoot");
        let garbage = [0u8; 32];
        let probe = |desc: &str| ConsistencyProbe { desc: desc.to_string(), ..good.clone() };
        let mut out = vec![
            ConsistencyProbe { size1: good.size1.wrapping_sub(1), ..probe("size1 - 1") },
            ConsistencyProbe { size1: good.size1 + 1, ..probe("size1 + 1") },
            ConsistencyProbe { size1: good.size1 ^ 2, ..probe("size1 ^ 2") },
            ConsistencyProbe { size2: good.size2 * 2, ..probe("size2 * 2") },
            ConsistencyProbe { size2: good.size2 / 2, ..probe("size2 / 2") },
            ConsistencyProbe { root1: wrong_root, ..probe("wrong root1") },
            ConsistencyProbe { root2: wrong_root, ..probe("wrong root2") },
            ConsistencyProbe { root1: r2, root2: r1, ..probe("swapped roots") },
            ConsistencyProbe { root1: v.some_hash, ..probe("random root1") },
            ConsistencyProbe { proof: Vec::new(), ..probe("empty proof") },
            ConsistencyProbe { proof: [&p[..], &[garbage]].concat(), ..probe("trailing garbage") },
            ConsistencyProbe { proof: [&p[..], &[r1]].concat(), ..probe("trailing root1") },
            ConsistencyProbe { proof: [&p[..], &[r2]].concat(), ..probe("trailing root2") },
            ConsistencyProbe { proof: [&[garbage], &p[..]].concat(), ..probe("preceding garbage") },
            ConsistencyProbe { proof: [&[r1], &p[..]].concat(), ..probe("preceding root1") },
            ConsistencyProbe { proof: [&[r2], &p[..]].concat(), ..probe("preceding root2") },
            ConsistencyProbe { proof: [&[p[0]], &p[..]].concat(), ..probe("preceding proof[0]") },
            ConsistencyProbe { proof: p[..p.len() - 1].to_vec(), ..probe("truncated proof") },
        ];
        for i in 0..p.len() {
            let mut proof = p.clone();
            proof[i][0] ^= 16;
            out.push(ConsistencyProbe { proof, ..probe(&format!("modified proof[{i}] bit 4")) });
        }
        out
    }

    #[test]
    fn vectors_consistency_proofs() {
        let v = vectors();
        let leaves = v.leaves();
        let cases = v.json["consistency_proofs"].as_array().expect("array");
        assert_eq!(cases.len(), 5);
        for case in cases {
            let (size1, size2) = (num(case, "size1"), num(case, "size2"));
            let want = hashes(&case["proof"]);
            let root1 = v.root_hashes[size1 as usize];
            let root2 = v.root_hashes[size2 as usize];

            assert_eq!(
                consistency_proof(&leaves, size1, size2).unwrap(),
                want,
                "generate {size1}->{size2}"
            );
            assert_eq!(verify_consistency(size1, size2, &root1, &root2, &want), Ok(()));

            // As in the source test: only non-trivial proofs are corrupted.
            if want.is_empty() {
                continue;
            }
            let good = ConsistencyProbe {
                desc: "happy path".to_string(),
                size1,
                size2,
                root1,
                root2,
                proof: want,
            };
            for p in corrupt_consistency(&v, &good) {
                assert!(
                    verify_consistency(p.size1, p.size2, &p.root1, &p.root2, &p.proof).is_err(),
                    "{size1}->{size2}: accepted corruption '{}'",
                    p.desc
                );
            }
        }
    }

    #[test]
    fn vectors_consistency_node_ids() {
        let v = vectors();
        let leaves = v.leaves();
        let cases = v.json["consistency_node_ids"].as_array().expect("array");
        assert_eq!(cases.len(), 19);
        for case in cases {
            let (size1, size2) = (num(case, "size1"), num(case, "size2"));
            let want = v.nodes(&case["nodes"]);
            assert_eq!(consistency_proof(&leaves, size1, size2).unwrap(), want, "{size1}->{size2}");
            let root1 = v.root_hashes[size1 as usize];
            let root2 = v.root_hashes[size2 as usize];
            assert_eq!(verify_consistency(size1, size2, &root1, &root2, &want), Ok(()));
        }
    }

    // ---------------------------------------------------------------
    // Edge cases and errors.
    // ---------------------------------------------------------------

    #[test]
    fn inclusion_generation_errors() {
        let leaves = test_leaves(1, 5);
        assert_eq!(inclusion_proof(&leaves, 0, 0), Err(ProofError::EmptyTree));
        assert_eq!(inclusion_proof(&[], 0, 0), Err(ProofError::EmptyTree));
        assert_eq!(
            inclusion_proof(&leaves, 5, 5),
            Err(ProofError::IndexOutOfRange { index: 5, size: 5 })
        );
        assert_eq!(
            inclusion_proof(&leaves, 2, 1),
            Err(ProofError::IndexOutOfRange { index: 2, size: 1 })
        );
        assert_eq!(
            inclusion_proof(&leaves, 0, 6),
            Err(ProofError::SizeExceedsLeaves { size: 6, available: 5 })
        );
        assert_eq!(
            inclusion_proof(&leaves, 0, u64::MAX),
            Err(ProofError::SizeExceedsLeaves { size: u64::MAX, available: 5 })
        );
        // A proof for an earlier tree from the full leaf list.
        assert_eq!(inclusion_proof(&leaves, 0, 1), Ok(Vec::new()));
        assert_eq!(inclusion_proof(&leaves, 1, 2), Ok(vec![leaves[0]]));
    }

    #[test]
    fn consistency_generation_errors_and_trivial_proofs() {
        let leaves = test_leaves(2, 5);
        assert_eq!(
            consistency_proof(&leaves, 3, 2),
            Err(ProofError::OldSizeExceedsNewSize { old_size: 3, new_size: 2 })
        );
        assert_eq!(
            consistency_proof(&leaves, 1, 6),
            Err(ProofError::SizeExceedsLeaves { size: 6, available: 5 })
        );
        assert_eq!(
            consistency_proof(&leaves, 6, 6),
            Err(ProofError::SizeExceedsLeaves { size: 6, available: 5 })
        );
        for (old, new) in [(0, 0), (0, 3), (0, 5), (1, 1), (3, 3), (5, 5)] {
            assert_eq!(consistency_proof(&leaves, old, new), Ok(Vec::new()), "{old}->{new}");
        }
    }

    #[test]
    fn verify_inclusion_errors() {
        let leaves = test_leaves(3, 8);
        let r = root(&leaves);
        let proof = inclusion_proof(&leaves, 3, 8).unwrap();
        assert_eq!(verify_inclusion(&leaves[3], 3, 0, &proof, &r), Err(ProofError::EmptyTree));
        assert_eq!(
            verify_inclusion(&leaves[3], 8, 8, &proof, &r),
            Err(ProofError::IndexOutOfRange { index: 8, size: 8 })
        );
        assert_eq!(
            verify_inclusion(&leaves[3], 3, 8, &proof[..2], &r),
            Err(ProofError::WrongProofLength { expected: 3, actual: 2 })
        );
        assert!(matches!(
            verify_inclusion(&leaves[4], 3, 8, &proof, &r),
            Err(ProofError::RootMismatch { expected, .. }) if expected == r
        ));
        // Single-entry tree: the leaf hash is the root, and the proof empty
        // (TestVerifyInclusionSingleEntry in proof/verify_test.go).
        let one = leaf_hash(b"data");
        assert_eq!(verify_inclusion(&one, 0, 1, &[], &one), Ok(()));
        assert!(verify_inclusion(&one, 0, 1, &[], &empty_root()).is_err());
        assert!(verify_inclusion(&empty_root(), 0, 1, &[], &one).is_err());
        // Huge sizes and indices must not overflow.
        assert!(verify_inclusion(&one, u64::MAX - 1, u64::MAX, &[], &one).is_err());
        assert!(verify_inclusion(&one, 0, u64::MAX, &[], &one).is_err());
        assert!(verify_inclusion(&one, 1 << 63, u64::MAX, &[one; 64], &one).is_err());
    }

    #[test]
    fn verify_consistency_edge_cases() {
        let leaves = test_leaves(4, 8);
        let roots: Vec<Hash> = (0..=8).map(|n| root(&leaves[..n])).collect();
        let empty = empty_root();
        let other = leaf_hash(b"other");

        // Time travel to the past.
        assert_eq!(
            verify_consistency(2, 1, &roots[2], &roots[1], &[]),
            Err(ProofError::OldSizeExceedsNewSize { old_size: 2, new_size: 1 })
        );
        // Same size: roots must match and the proof must be empty.
        assert_eq!(verify_consistency(5, 5, &roots[5], &roots[5], &[]), Ok(()));
        assert_eq!(
            verify_consistency(5, 5, &roots[5], &other, &[]),
            Err(ProofError::NewRootMismatch { expected: other, computed: roots[5] })
        );
        assert_eq!(
            verify_consistency(5, 5, &roots[5], &roots[5], &[empty]),
            Err(ProofError::WrongProofLength { expected: 0, actual: 1 })
        );
        // Empty old tree: consistent with anything, but only with its real root.
        assert_eq!(verify_consistency(0, 0, &empty, &empty, &[]), Ok(()));
        assert_eq!(verify_consistency(0, 7, &empty, &roots[7], &[]), Ok(()));
        assert_eq!(
            verify_consistency(0, 7, &other, &roots[7], &[]),
            Err(ProofError::OldRootMismatch { expected: other, computed: empty })
        );
        assert_eq!(
            verify_consistency(0, 0, &empty, &other, &[]),
            Err(ProofError::NewRootMismatch { expected: other, computed: empty })
        );
        assert_eq!(
            verify_consistency(0, 7, &empty, &roots[7], &[empty]),
            Err(ProofError::WrongProofLength { expected: 0, actual: 1 })
        );
        // RFC step 1: an empty proof for 0 < old < new fails.
        assert_eq!(
            verify_consistency(1, 2, &roots[1], &roots[2], &[]),
            Err(ProofError::WrongProofLength { expected: 1, actual: 0 })
        );
        // Root mismatches are reported per side.
        let proof = consistency_proof(&leaves, 3, 7).unwrap();
        assert!(matches!(
            verify_consistency(3, 7, &other, &roots[7], &proof),
            Err(ProofError::OldRootMismatch { expected, .. }) if expected == other
        ));
        assert!(matches!(
            verify_consistency(3, 7, &roots[3], &other, &proof),
            Err(ProofError::NewRootMismatch { expected, computed }) if expected == other && computed == roots[7]
        ));
        // Huge sizes must not overflow.
        assert!(verify_consistency(u64::MAX - 1, u64::MAX, &other, &other, &[other]).is_err());
        assert!(verify_consistency(1, u64::MAX, &other, &other, &[other; 64]).is_err());
        assert!(verify_consistency(1 << 63, u64::MAX, &other, &other, &[other; 63]).is_err());
    }

    #[test]
    fn error_messages_name_the_problem() {
        let e = ProofError::RootMismatch { expected: [0xab; 32], computed: [0xcd; 32] };
        let msg = e.to_string();
        assert!(msg.contains(&"ab".repeat(32)) && msg.contains(&"cd".repeat(32)), "{msg}");
        let e = ProofError::IndexOutOfRange { index: 9, size: 4 };
        assert_eq!(e.to_string(), "leaf index 9 is out of range for a tree of size 4");
    }

    // ---------------------------------------------------------------
    // Cross-checks against the literal RFC recursions.
    // ---------------------------------------------------------------

    #[test]
    fn matches_rfc_reference_exhaustively_for_small_trees() {
        let leaves = test_leaves(5, 64);
        for n in 1..=leaves.len() {
            let d = &leaves[..n];
            let r = ref_mth(d);
            assert_eq!(root(d), r, "root {n}");
            for m in 0..n {
                let proof = inclusion_proof(&leaves, m as u64, n as u64).unwrap();
                assert_eq!(proof, ref_path(m, d), "PATH({m}, D[{n}])");
                assert_eq!(proof.len(), inclusion_proof_len(m as u64, n as u64));
                assert_eq!(verify_inclusion(&leaves[m], m as u64, n as u64, &proof, &r), Ok(()));
            }
            for m in 1..=n {
                let proof = consistency_proof(&leaves, m as u64, n as u64).unwrap();
                let want = if m == n { Vec::new() } else { ref_subproof(m, d, true) };
                assert_eq!(proof, want, "PROOF({m}, D[{n}])");
                assert_eq!(proof.len(), consistency_proof_len(m as u64, n as u64));
                assert_eq!(
                    verify_consistency(m as u64, n as u64, &ref_mth(&d[..m]), &r, &proof),
                    Ok(())
                );
            }
        }
    }

    #[test]
    fn tree_builder_matches_root_for_every_size_up_to_300() {
        let leaves = test_leaves(7, 300);
        let mut builder = TreeBuilder::new();
        assert_eq!(builder.root(), root(&[]));
        for n in 1..=leaves.len() {
            builder.push(leaves[n - 1]);
            assert_eq!(builder.size(), n as u64);
            assert_eq!(builder.stack.len(), n.count_ones() as usize, "O(log n) state");
            assert_eq!(builder.root(), root(&leaves[..n]), "size {n}");
            assert_eq!(root(&leaves[..n]), ref_mth(&leaves[..n]), "size {n}");
        }
        let collected: TreeBuilder = leaves.iter().copied().collect();
        assert_eq!(collected, builder);
        let mut extended = TreeBuilder::default();
        extended.extend(&leaves);
        assert_eq!(extended, builder);
    }

    #[test]
    fn tree_builder_streams_100k_leaves() {
        let leaves = test_leaves(8, 100_000);
        let mut builder = TreeBuilder::new();
        for leaf in &leaves {
            builder.push(*leaf);
        }
        assert_eq!(builder.size(), 100_000);
        assert!(builder.stack.len() <= 17);
        assert_eq!(builder.root(), root(&leaves));
    }

    // ---------------------------------------------------------------
    // Property tests: proofs verify, and any alteration is detected.
    // ---------------------------------------------------------------

    proptest! {
        // Each case checks all O(n) proofs of one tree, O(n^2) hashing in
        // total; sizes up to 64 are already covered exhaustively above.
        #![proptest_config(ProptestConfig::with_cases(10))]

        #[test]
        fn prop_every_proof_of_a_tree_verifies(n in 1u64..=300, seed in any::<u64>()) {
            let leaves = test_leaves(seed, n as usize);
            let mut builder = TreeBuilder::new();
            let mut roots = vec![builder.root()];
            for leaf in &leaves {
                builder.push(*leaf);
                roots.push(builder.root());
            }
            let r = roots[n as usize];
            for m in 0..n {
                let proof = inclusion_proof(&leaves, m, n).unwrap();
                prop_assert_eq!(verify_inclusion(&leaves[m as usize], m, n, &proof, &r), Ok(()));
            }
            for m in 0..=n {
                let proof = consistency_proof(&leaves, m, n).unwrap();
                prop_assert_eq!(verify_consistency(m, n, &roots[m as usize], &r, &proof), Ok(()));
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn prop_inclusion(
            (n, m) in (1u64..=300).prop_flat_map(|n| (Just(n), 0..n)),
            seed in any::<u64>(),
            bit in 0usize..256,
            other_leaf in 0usize..300,
            altered_leaf in 0usize..300,
        ) {
            let leaves = test_leaves(seed, n as usize);
            let r = root(&leaves);
            let leaf = leaves[m as usize];
            let proof = inclusion_proof(&leaves, m, n).unwrap();
            prop_assert_eq!(verify_inclusion(&leaf, m, n, &proof, &r), Ok(()));

            // Altered leaf: flipping any bit, or using another leaf.
            prop_assert!(verify_inclusion(&flip_bit(&leaf, bit), m, n, &proof, &r).is_err());
            let other = other_leaf % n as usize;
            if other as u64 != m {
                prop_assert!(verify_inclusion(&leaves[other], m, n, &proof, &r).is_err());
            }
            // Altered tree content: the same proof against the root of a
            // tree in which any one leaf differs.
            let mut altered = leaves.clone();
            let j = altered_leaf % n as usize;
            altered[j] = flip_bit(&altered[j], bit);
            prop_assert!(verify_inclusion(&leaf, m, n, &proof, &root(&altered)).is_err());
            // Altered proof element (every one of them).
            for i in 0..proof.len() {
                let mut p = proof.clone();
                p[i] = flip_bit(&p[i], bit);
                prop_assert!(verify_inclusion(&leaf, m, n, &p, &r).is_err(), "element {}", i);
            }
            // Altered root.
            prop_assert!(verify_inclusion(&leaf, m, n, &proof, &flip_bit(&r, bit)).is_err());
            // Truncated / extended / reordered proofs.
            if !proof.is_empty() {
                prop_assert!(verify_inclusion(&leaf, m, n, &proof[1..], &r).is_err());
                prop_assert!(verify_inclusion(&leaf, m, n, &proof[..proof.len() - 1], &r).is_err());
            }
            prop_assert!(verify_inclusion(&leaf, m, n, &[&proof[..], &[r]].concat(), &r).is_err());
            prop_assert!(verify_inclusion(&leaf, m, n, &[&[r], &proof[..]].concat(), &r).is_err());
            if proof.len() > 1 {
                let mut p = proof.clone();
                p.swap(0, 1);
                prop_assert!(verify_inclusion(&leaf, m, n, &p, &r).is_err());
            }
            // Altered index: every other index fails.
            for i in (0..n + 2).filter(|&i| i != m) {
                prop_assert!(verify_inclusion(&leaf, i, n, &proof, &r).is_err(), "index {}", i);
            }
            prop_assert!(verify_inclusion(&leaf, u64::MAX, n, &proof, &r).is_err());
            // Altered size: fails unless the new size gives the path exactly
            // the same shape, in which case RFC 9162 verification is
            // mathematically identical (the size is authenticated by the
            // signed tree head, not by the proof).
            let shape = inclusion_shape(m, n);
            for s in (0..=2 * n + 2).filter(|&s| s != n) {
                let result = verify_inclusion(&leaf, m, s, &proof, &r);
                if m < s && inclusion_shape(m, s) == shape {
                    prop_assert_eq!(result, Ok(()), "size {} has the same shape", s);
                } else {
                    prop_assert!(result.is_err(), "size {} accepted", s);
                }
            }
            prop_assert!(verify_inclusion(&leaf, m, u64::MAX, &proof, &r).is_err());
        }

        #[test]
        fn prop_consistency(
            (n, m) in (1u64..=300).prop_flat_map(|n| (Just(n), 0..=n)),
            seed in any::<u64>(),
            bit in 0usize..256,
            altered_leaf in 0usize..300,
        ) {
            let leaves = test_leaves(seed, n as usize);
            let old_root = root(&leaves[..m as usize]);
            let new_root = root(&leaves);
            let proof = consistency_proof(&leaves, m, n).unwrap();
            prop_assert_eq!(verify_consistency(m, n, &old_root, &new_root, &proof), Ok(()));

            // Altered leaf: a change to any one leaf is detected against the
            // honest other root. (Every tree extends the empty tree, so with
            // m == 0 there is nothing a new-tree change could contradict.)
            let mut altered = leaves.clone();
            let j = altered_leaf % n as usize;
            altered[j] = flip_bit(&altered[j], bit);
            if m > 0 {
                let altered_new = root(&altered);
                prop_assert!(verify_consistency(m, n, &old_root, &altered_new, &proof).is_err());
            }
            if (j as u64) < m {
                let altered_old = root(&altered[..m as usize]);
                prop_assert!(verify_consistency(m, n, &altered_old, &new_root, &proof).is_err());
            }
            // Altered roots.
            prop_assert!(verify_consistency(m, n, &flip_bit(&old_root, bit), &new_root, &proof).is_err());
            if m > 0 {
                prop_assert!(verify_consistency(m, n, &old_root, &flip_bit(&new_root, bit), &proof).is_err());
            }
            if old_root != new_root {
                prop_assert!(verify_consistency(m, n, &new_root, &old_root, &proof).is_err());
            }
            // Altered proof element (every one of them).
            for i in 0..proof.len() {
                let mut p = proof.clone();
                p[i] = flip_bit(&p[i], bit);
                prop_assert!(verify_consistency(m, n, &old_root, &new_root, &p).is_err(), "element {}", i);
            }
            // Truncated / extended / reordered proofs.
            if !proof.is_empty() {
                prop_assert!(verify_consistency(m, n, &old_root, &new_root, &proof[1..]).is_err());
                prop_assert!(verify_consistency(m, n, &old_root, &new_root, &proof[..proof.len() - 1]).is_err());
            }
            prop_assert!(verify_consistency(m, n, &old_root, &new_root, &[&proof[..], &[new_root]].concat()).is_err());
            prop_assert!(verify_consistency(m, n, &old_root, &new_root, &[&[old_root], &proof[..]].concat()).is_err());
            if proof.len() > 1 && proof[0] != proof[1] {
                let mut p = proof.clone();
                p.swap(0, 1);
                prop_assert!(verify_consistency(m, n, &old_root, &new_root, &p).is_err());
            }
            // Altered sizes: fail unless the RFC verifier would do exactly
            // the same hashing (same proof shape), which RFC 9162 cannot
            // distinguish; sizes are authenticated by the signed tree heads.
            if 0 < m && m < n {
                let shape = consistency_shape(m, n, true);
                for s in (0..=n + 1).filter(|&s| s != m) {
                    let result = verify_consistency(s, n, &old_root, &new_root, &proof);
                    if 0 < s && s < n && consistency_shape(s, n, true) == shape {
                        prop_assert_eq!(result, Ok(()), "old size {} has the same shape", s);
                    } else {
                        prop_assert!(result.is_err(), "old size {} accepted", s);
                    }
                }
                for s in (0..=2 * n + 2).filter(|&s| s != n) {
                    let result = verify_consistency(m, s, &old_root, &new_root, &proof);
                    if m < s && consistency_shape(m, s, true) == shape {
                        prop_assert_eq!(result, Ok(()), "new size {} has the same shape", s);
                    } else {
                        prop_assert!(result.is_err(), "new size {} accepted", s);
                    }
                }
            } else {
                // Trivial proofs (empty): any other size pair needs either
                // a non-empty proof or different roots.
                for s in (0..=n + 1).filter(|&s| s != m) {
                    let result = verify_consistency(s, n, &old_root, &new_root, &proof);
                    prop_assert!(result.is_err(), "old size {} accepted", s);
                }
            }
        }
    }
}
