#!/usr/bin/env python3
"""Stand-alone checker of a soc2 evidence bundle: Python 3 standard library only.

Usage (in the directory the bundle was extracted into, or naming the zip):

    python3 verify.py [BUNDLE.zip | DIR] [--previous PREVIOUS.zip | DIR]

It recomputes, from the bundle's own files and the published algorithms alone:

1. the RFC 9162 Merkle root of `leaves`, which must be the root in `checkpoint`;
2. every record of `records.jsonl`: its leaf hash SHA-256(0x00 || line), its hash
   chain (`prev`), and an RFC 9162 inclusion proof of it in the checkpoint's tree,
   built and then verified with the RFC's algorithm; its attachments present;
3. every signed checkpoint in `checkpoints/`: its tree is a prefix of this bundle's, and
   its RFC 3161 token, if any, has the SHA-256 of the note as its message imprint;
4. the RFC 9162 consistency proof in `previous/` from an earlier checkpoint to this one;
5. with --previous: that this bundle extends the previous bundle (same origin, no
   record removed or changed), naming the first record that differs.

It checks no signature: `ssh-keygen -Y verify` (SHA256SUMS.sig, checkpoints/*.note.sig)
and `openssl ts -verify` (checkpoints/*.tsr) do, as VERIFY.md shows, and SHA256SUMS ties
every file checked here to the signature. Exit status 0 when every check passes, 1 when
one fails (the message says which), 2 on usage errors.
"""

import base64
import hashlib
import json
import os
import sys
import zipfile


class VerifyError(Exception):
    """A check failed."""


def sha256(data):
    return hashlib.sha256(data).digest()


def leaf_hash(line):
    return sha256(b"\x00" + line)


def node_hash(left, right):
    return sha256(b"\x01" + left + right)


def split_point(n):
    """The largest power of two smaller than n (n >= 2)."""
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def root(leaves):
    """RFC 9162 section 2.1.1: the Merkle tree hash of a list of leaf hashes."""
    if not leaves:
        return sha256(b"")
    if len(leaves) == 1:
        return leaves[0]
    k = split_point(len(leaves))
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def tree_levels(leaves):
    """Every level of the tree, leaves first. Pairing nodes left to right and carrying
    an unpaired last node up unchanged gives exactly the RFC 9162 tree."""
    levels = [list(leaves)]
    while len(levels[-1]) > 1:
        below = levels[-1]
        above = [node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)]
        if len(below) % 2 == 1:
            above.append(below[-1])
        levels.append(above)
    return levels


def inclusion_path(levels, index):
    """RFC 9162 section 2.1.3.1: the audit path of leaf `index`, deepest node first."""
    path = []
    for level in levels[:-1]:
        sibling = index ^ 1
        if sibling < len(level):
            path.append(level[sibling])
        index >>= 1
    return path


def verify_inclusion(leaf, index, size, path, expected_root):
    """RFC 9162 section 2.1.3.2: checks the audit path of leaf `index` in a tree of
    `size` leaves against `expected_root`."""
    if index >= size:
        raise VerifyError("leaf index %d is not below the tree size %d" % (index, size))
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            raise VerifyError("the inclusion proof of leaf %d is too long" % index)
        if fn % 2 == 1 or fn == sn:
            r = node_hash(p, r)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    if sn != 0 or r != expected_root:
        raise VerifyError("the inclusion proof of leaf %d does not give the root" % index)


def verify_consistency(size1, size2, root1, root2, proof):
    """RFC 9162 section 2.1.4.2: checks that the tree (size2, root2) extends
    (size1, root1). Cases the RFC leaves out: equal sizes need equal roots and no proof;
    an empty old tree needs the empty root and no proof."""
    if size1 > size2:
        raise VerifyError("the old tree (%d) is larger than the new (%d)" % (size1, size2))
    if size1 == size2:
        if proof or root1 != root2:
            raise VerifyError("trees of equal size %d have different roots" % size1)
        return
    if size1 == 0:
        if proof or root1 != sha256(b""):
            raise VerifyError("the empty tree's consistency proof must be empty")
        return
    if not proof:
        raise VerifyError("the consistency proof is empty")
    if size1 & (size1 - 1) == 0:  # a power of two: the old root starts the path
        proof = [root1] + list(proof)
    fn, sn = size1 - 1, size2 - 1
    while fn % 2 == 1:
        fn >>= 1
        sn >>= 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            raise VerifyError("the consistency proof is too long")
        if fn % 2 == 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if fn % 2 == 0:
                while fn % 2 == 0 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise VerifyError("the consistency proof is too short")
    if fr != root1:
        raise VerifyError("the consistency proof does not give the old root")
    if sr != root2:
        raise VerifyError("the consistency proof does not give the new root")


def parse_checkpoint(text, what):
    """A C2SP tlog-checkpoint body: origin, size, base64 root, each line ending in \\n."""
    try:
        origin, size, root_b64, rest = text.decode("utf-8").split("\n", 3)
        root_hash = base64.b64decode(root_b64, validate=True)
    except (UnicodeDecodeError, ValueError) as e:
        raise VerifyError("%s is not a checkpoint: %s" % (what, e))
    if rest != "" or not size.isdigit() or len(root_hash) != 32:
        raise VerifyError("%s is not a checkpoint" % what)
    return origin, int(size), root_hash


def note_text(note, what):
    """The text of a C2SP signed note: everything up to the last blank line."""
    cut = note.rfind(b"\n\n")
    if cut < 0:
        raise VerifyError("%s is not a signed note" % what)
    return note[: cut + 1]


class Bundle:
    """The files of a bundle, from its zip or the directory it was extracted into."""

    def __init__(self, path):
        self.path = path
        if os.path.isdir(path):
            self.zip = None
        elif zipfile.is_zipfile(path):
            self.zip = zipfile.ZipFile(path)
        else:
            raise VerifyError("%s is neither a bundle zip nor a directory" % path)

    def names(self):
        if self.zip is not None:
            return sorted(self.zip.namelist())
        out = []
        for top, _, files in os.walk(self.path):
            for f in files:
                rel = os.path.relpath(os.path.join(top, f), self.path)
                out.append(rel.replace(os.sep, "/"))
        return sorted(out)

    def has(self, name):
        return name in self.names()

    def read(self, name):
        try:
            if self.zip is not None:
                return self.zip.read(name)
            with open(os.path.join(self.path, *name.split("/")), "rb") as f:
                return f.read()
        except (KeyError, OSError):
            raise VerifyError("%s: %s is missing" % (self.path, name))

    def size_of(self, name):
        if self.zip is not None:
            try:
                return self.zip.getinfo(name).file_size
            except KeyError:
                return None
        p = os.path.join(self.path, *name.split("/"))
        return os.path.getsize(p) if os.path.isfile(p) else None

    def leaves(self):
        out = []
        for n, line in enumerate(self.read("leaves").split(b"\n")[:-1], 1):
            if len(line) != 64 or line != line.lower():
                raise VerifyError("leaves line %d is not 64 lower-case hex digits" % n)
            out.append(bytes.fromhex(line.decode("ascii")))
        if not self.read("leaves").endswith(b"\n") and out:
            raise VerifyError("leaves does not end in a newline")
        return out

    def checkpoint(self):
        return parse_checkpoint(self.read("checkpoint"), "checkpoint")


def check_bundle(bundle, out):
    """Checks 1 to 4; returns (origin, size, root, leaves)."""
    leaves = bundle.leaves()
    origin, size, cp_root = bundle.checkpoint()
    if size != len(leaves):
        raise VerifyError("checkpoint commits to %d records, leaves holds %d" % (size, len(leaves)))
    if root(leaves) != cp_root:
        raise VerifyError("the leaves do not give the root in checkpoint")
    out("merkle root: OK, %d leaves give the root of checkpoint (%s)" % (size, origin))

    levels = tree_levels(leaves)
    count = 0
    for n, line in enumerate(bundle.read("records.jsonl").split(b"\n")[:-1], 1):
        record = json.loads(line)
        seq = record["seq"]
        if not 0 <= seq < size or leaf_hash(line) != leaves[seq]:
            raise VerifyError("record %d (line %d) does not match leaf %d" % (seq, n, seq))
        prev = leaves[seq - 1] if seq > 0 else bytes(32)
        if bytes.fromhex(record["prev"]) != prev:
            raise VerifyError("record %d (line %d): prev is not the leaf before it" % (seq, n))
        verify_inclusion(leaf_hash(line), seq, size, inclusion_path(levels, seq), cp_root)
        for a in record["evidence"].get("attachments", []):
            if bundle.size_of("blobs/sha256/" + a["sha256"]) != a["size"]:
                raise VerifyError("record %d: attachment %s missing or of the wrong size" % (seq, a["sha256"]))
        count += 1
    out("records: OK, %d records, each proven included in the checkpoint" % count)

    notes = [n for n in bundle.names() if n.startswith("checkpoints/") and n.endswith(".note")]
    for name in notes:
        cp_origin, cp_size, cp_root2 = parse_checkpoint(note_text(bundle.read(name), name), name)
        if cp_origin != origin:
            raise VerifyError("%s is for origin %r, not %r" % (name, cp_origin, origin))
        if cp_size > size:
            raise VerifyError("%s commits to %d records, the bundle holds %d" % (name, cp_size, size))
        proof = consistency_path(leaves, cp_size)
        try:
            verify_consistency(cp_size, size, cp_root2, cp_root, proof)
        except VerifyError as e:
            raise VerifyError("%s: this bundle does not extend it: %s" % (name, e))
        tsr = name[: -len(".note")] + ".tsr"
        if bundle.has(tsr) and not has_imprint(bundle.read(tsr), sha256(bundle.read(name))):
            raise VerifyError(
                "%s: its message imprint is not the SHA-256 of %s (a token for another checkpoint)"
                % (tsr, name)
            )
    if notes:
        out("signed checkpoints: OK, the bundle extends all %d (signatures: see VERIFY.md)" % len(notes))

    if bundle.has("previous/checkpoint"):
        p_origin, p_size, p_root = parse_checkpoint(bundle.read("previous/checkpoint"), "previous/checkpoint")
        proof = []
        for n, line in enumerate(bundle.read("previous/consistency").split(b"\n")[:-1], 1):
            if len(line) != 64 or line != line.lower():
                raise VerifyError("previous/consistency line %d is not 64 lower-case hex digits" % n)
            proof.append(bytes.fromhex(line.decode("ascii")))
        if p_origin != origin:
            raise VerifyError("previous/checkpoint is for origin %r, not %r" % (p_origin, origin))
        verify_consistency(p_size, size, p_root, cp_root, proof)
        out("consistency: OK, this bundle (%d records) extends the checkpoint of %d records in previous/" % (size, p_size))
    return origin, size, cp_root, leaves


# DER of the SHA-256 AlgorithmIdentifier's OID, then (optionally) NULL parameters, then
# the OCTET STRING header of a 32-byte digest: the MessageImprint of RFC 3161 section 2.4.2.
SHA256_OID = bytes.fromhex("0609608648016503040201")
IMPRINT_HEADS = (SHA256_OID + b"\x05\x00\x04\x20", SHA256_OID + b"\x04\x20")


def has_imprint(token, digest):
    """Whether the DER time-stamp token holds `digest` as a SHA-256 MessageImprint. Only
    the imprint: `openssl ts -verify` checks the signature and the chain (VERIFY.md)."""
    return any(head + digest in token for head in IMPRINT_HEADS)


def consistency_path(leaves, m):
    """RFC 9162 section 2.1.4.1: the consistency proof from the first m leaves to all."""
    def subproof(m, d, b):
        if m == len(d):
            return [] if b else [root(d)]
        k = split_point(len(d))
        if m <= k:
            return subproof(m, d[:k], b) + [root(d[k:])]
        return subproof(m - k, d[k:], False) + [root(d[:k])]
    if m == 0 or m == len(leaves):
        return []
    return subproof(m, leaves, True)


def check_previous(bundle, previous, current, out):
    """Check 5: `bundle` (checked, `current`) extends `previous`."""
    origin, size, cp_root, leaves = current
    p_origin, p_size, p_root, p_leaves = check_bundle(previous, lambda _msg: None)
    if p_origin != origin:
        raise VerifyError("the previous bundle is of locker %r, this one of %r" % (p_origin, origin))
    for i in range(min(p_size, size)):
        if p_leaves[i] != leaves[i]:
            raise VerifyError("record %d differs from the previous bundle's: history rewritten or forked" % i)
    if p_size > size:
        raise VerifyError("records %d.. of the previous bundle are missing: records removed" % size)
    if bundle.has("previous/checkpoint"):
        if parse_checkpoint(bundle.read("previous/checkpoint"), "previous/checkpoint") != (p_origin, p_size, p_root):
            raise VerifyError("previous/checkpoint is not the previous bundle's checkpoint")
    verify_consistency(p_size, size, p_root, cp_root, consistency_path(leaves, p_size))
    out("previous bundle: OK, this bundle extends it (%d -> %d records, nothing rewritten or removed)" % (p_size, size))


def main(argv):
    args = list(argv)
    previous = None
    if "--previous" in args:
        i = args.index("--previous")
        if i + 1 >= len(args):
            print(__doc__, file=sys.stderr)
            return 2
        previous = args[i + 1]
        del args[i : i + 2]
    if len(args) > 1 or any(a.startswith("-") for a in args):
        print(__doc__, file=sys.stderr)
        return 2
    path = args[0] if args else "."
    try:
        bundle = Bundle(path)
        current = check_bundle(bundle, print)
        if previous is not None:
            check_previous(bundle, Bundle(previous), current, print)
    except (VerifyError, ValueError, KeyError, TypeError) as e:
        print("FAILED: %s" % e, file=sys.stderr)
        return 1
    print("verify.py: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
