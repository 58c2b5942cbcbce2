//! `VERIFY.md`: the auditor's instructions, filled in for one bundle.
//!
//! Every ```` ```sh ```` block is runnable as written once `BUNDLE` and `TRUSTED` are
//! set (the test suite runs them, in order, in one `bash`), so the instructions cannot
//! drift from what actually verifies.

/// What `VERIFY.md` states about the bundle.
pub(crate) struct VerifyMdFacts<'a> {
    pub(crate) origin: &'a str,
    pub(crate) period: String,
    pub(crate) records: usize,
    pub(crate) tree_size: u64,
    pub(crate) blobs: usize,
    pub(crate) root_base64: String,
    pub(crate) principal: &'a str,
    pub(crate) fingerprint: String,
    pub(crate) allowed_signers_line: String,
    pub(crate) generator: String,
    /// How many signed checkpoints the bundle carries.
    pub(crate) signed_checkpoints: usize,
    /// The previous checkpoint's size, when the bundle carries a consistency proof.
    pub(crate) previous_size: Option<u64>,
}

const TEMPLATE: &str = r#"# Verifying this evidence bundle

This zip is a **soc2 evidence bundle** (format `soc2-evidence-bundle`, version 1; the
specification is `docs/bundle-format.md` in the soc2 source repository). It proves which
evidence records existed in the evidence locker below, that they have not changed since
they were recorded, and who vouches for them.

| | |
| --- | --- |
| Evidence locker (origin) | `@ORIGIN@` |
| Audit period | @PERIOD@ |
| Records disclosed | @RECORDS@ (the locker held @SIZE@ at export) |
| Attachments | @BLOBS@ |
| Merkle root in `checkpoint` | `@ROOT@` |
| Signed as | `@PRINCIPAL@`, key `@FINGERPRINT@` |
| Written by | @GENERATOR@ |

Everything below uses stock tools only: OpenSSH `ssh-keygen` (8.2 or later), GNU
coreutils, Info-ZIP `unzip`, `bash`, and Python 3 with its standard library for step 5.
Nothing made by soc2 needs to be installed or trusted.

## 0. Obtain the signer's public key out of band

The `allowed_signers` file inside this bundle is a **convenience copy only**: it arrived
with the bundle, so anyone able to alter the bundle could alter it as well, and checking
the bundle against it proves nothing. Obtain the signer's public key from the company
through a separate channel (in person, a call, their published key, a previous audit),
compare its fingerprint with them (`ssh-keygen -l -f KEYFILE.pub` prints it; the bundle
claims `@FINGERPRINT@`), and write it into a file of your own, for example
`trusted_signers`, as one line:

```text
@ALLOWED_SIGNERS_LINE@```

Then tell the commands below where the bundle and your trusted key are (run every step
in the same `bash` session):

```text
BUNDLE=/absolute/path/to/the/bundle.zip
TRUSTED=/absolute/path/to/trusted_signers
```

## 1. Extract the bundle into an empty directory

```sh
mkdir soc2-bundle && cd soc2-bundle
unzip -q "$BUNDLE"
```

## 2. Check the signature over `SHA256SUMS`

```sh
ssh-keygen -Y verify -f "$TRUSTED" -I @PRINCIPAL@ -n soc2-evidence-bundle-v1 -s SHA256SUMS.sig < SHA256SUMS
```

Proves: `SHA256SUMS` was signed by the holder of the key you trust, as `@PRINCIPAL@`, for
this purpose (the namespace `soc2-evidence-bundle-v1`: a signature made for anything else,
such as a git commit, does not verify), and has not changed since.

## 3. Check every member against `SHA256SUMS`

```sh
sha256sum -c --strict SHA256SUMS
```

Proves: every file listed in `SHA256SUMS` is, byte for byte, what was signed.

## 4. Check that the zip holds nothing else

```sh
if diff <({ cut -c67- SHA256SUMS; printf '%s\n' SHA256SUMS SHA256SUMS.sig; } | LC_ALL=C sort) \
        <(unzip -Z1 "$BUNDLE" | LC_ALL=C sort)
then echo "member list: OK"
else echo "member list: FAILED (> marks members the signature does not cover)"; false
fi
```

Proves: the zip holds exactly the listed members plus `SHA256SUMS` and its signature;
nothing was added that the signature does not cover (`diff` marks such a member `>`, and
a listed member missing from the zip `<`).

## 5. Recompute the Merkle root and check each record against it

```sh
python3 - <<'PY'
import base64, hashlib, json, os, sys

def fail(msg):
    sys.exit("FAILED: " + msg)

def sha256(b):
    return hashlib.sha256(b).digest()

leaves = []
with open("leaves", "rb") as f:
    for n, line in enumerate(f, 1):
        if len(line) != 65 or line[64:] != b"\n" or line[:64] != line[:64].lower():
            fail("leaves line %d is not 64 lower-case hex digits" % n)
        leaves.append(bytes.fromhex(line[:64].decode("ascii")))

def root(lo, hi):  # RFC 9162 Merkle tree hash of leaves[lo:hi]
    if hi - lo == 0:
        return sha256(b"")
    if hi - lo == 1:
        return leaves[lo]
    k = 1
    while k * 2 < hi - lo:
        k *= 2
    return sha256(b"\x01" + root(lo, lo + k) + root(lo + k, hi))

with open("checkpoint", "rb") as f:
    origin, size, root_b64, rest = f.read().decode("ascii").split("\n", 3)
if rest != "" or int(size) != len(leaves):
    fail("checkpoint commits to %s records, leaves holds %d" % (size, len(leaves)))
if root(0, len(leaves)) != base64.b64decode(root_b64, validate=True):
    fail("the leaves do not give the root in checkpoint")

count = 0
with open("records.jsonl", "rb") as f:
    for n, line in enumerate(f, 1):
        if not line.endswith(b"\n"):
            fail("records.jsonl line %d does not end in a newline" % n)
        body = line[:-1]
        record = json.loads(body)
        seq = record["seq"]
        if not 0 <= seq < len(leaves) or sha256(b"\x00" + body) != leaves[seq]:
            fail("record %d (line %d) does not match leaf %d" % (seq, n, seq))
        prev = leaves[seq - 1] if seq > 0 else bytes(32)
        if bytes.fromhex(record["prev"]) != prev:
            fail("record %d (line %d): prev is not the leaf before it" % (seq, n))
        for a in record["evidence"].get("attachments", []):
            path = os.path.join("blobs", "sha256", a["sha256"])
            if not os.path.isfile(path) or os.path.getsize(path) != a["size"]:
                fail("record %d: attachment %s is missing or of the wrong size" % (seq, a["sha256"]))
        count += 1
print("records: OK, %d records match the root of %d leaves (%s)" % (count, len(leaves), origin))
PY
```

Proves: each line of `records.jsonl` is byte for byte a record committed in the locker's
Merkle tree at export (its leaf hash is `SHA-256(0x00 ‖ line)`), chained to the record
before it; the leaf hashes produce the root in `checkpoint`, which step 2 covers; every
attachment a record references is present (step 3 checked its content against its
SHA-256, which is also its name). Records outside the period stay undisclosed: only their
leaf hashes are in `leaves`.

@CHAIN@## What this does not prove

- That the evidence is accurate: the bundle proves integrity and origin, not truth.
- When it was signed: SSH signatures carry no time. To show the locker was not rewritten
  between two audits, compare this `checkpoint` with one you kept from an earlier bundle
  (same origin, no fewer records): the leaves of the earlier size must give the earlier
  root.
- That the key is the company's: only step 0 establishes that.
"#;

/// Renders `VERIFY.md` for one bundle.
pub(crate) fn render(f: &VerifyMdFacts<'_>) -> String {
    TEMPLATE
        .replace("@ORIGIN@", f.origin)
        .replace("@PERIOD@", &f.period)
        .replace("@RECORDS@", &f.records.to_string())
        .replace("@SIZE@", &f.tree_size.to_string())
        .replace("@BLOBS@", &f.blobs.to_string())
        .replace("@ROOT@", &f.root_base64)
        .replace("@PRINCIPAL@", f.principal)
        .replace("@FINGERPRINT@", &f.fingerprint)
        .replace("@ALLOWED_SIGNERS_LINE@", &f.allowed_signers_line)
        .replace("@GENERATOR@", &f.generator)
        .replace("@CHAIN@", &chain_steps(f))
}

/// Steps 6 and 7: the signed checkpoints, and `verify.py` (with the previous bundle).
fn chain_steps(f: &VerifyMdFacts<'_>) -> String {
    let mut out = String::new();
    if f.signed_checkpoints > 0 {
        out.push_str(&format!(
            r#"## 6. Check the signed checkpoints

The bundle carries the {n} checkpoint(s) the company signed as the locker grew
(`checkpoints/<size>.note`: C2SP signed notes under the key name `{origin}`), each with
an SSH signature by the same key:

```sh
for note in checkpoints/*.note; do
  ssh-keygen -Y verify -f "$TRUSTED" -I {principal} -n soc2-checkpoint-v1 -s "$note.sig" < "$note"
done
```

Proves: the key you trust signed each checkpoint (the namespace `soc2-checkpoint-v1` is
used for nothing else). Step 7 checks that this bundle's records extend every one of them.

"#,
            n = f.signed_checkpoints,
            origin = f.origin,
            principal = f.principal,
        ));
    }
    out.push_str(
        r#"## 7. Check inclusion and consistency with `verify.py`

`verify.py` is one readable file of Python 3 standard library code (RFC 9162 Merkle
trees only; it checks no signature, steps 2 and 6 do):

```sh
python3 verify.py .
```

Proves: the leaves give the checkpoint's root; every disclosed record is in that tree (an
RFC 9162 inclusion proof, built and verified); the bundle's tree extends each signed
checkpoint"#,
    );
    match f.previous_size {
        Some(m) => out.push_str(&format!(
            r#"; and the consistency proof in `previous/` shows it extends the
checkpoint of {m} records of the previous bundle. With that previous bundle at hand
(verified the same way), check that this one extends it, naming the first record that
differs if history was rewritten, records removed, or the locker forked:

```text
python3 verify.py . --previous /path/to/previous-bundle.zip
```

"#
        )),
        None => out.push_str(
            r#". To tie it to an earlier bundle of the same locker, run
`python3 verify.py . --previous /path/to/previous-bundle.zip`: it names the first record
that differs if history was rewritten, records removed, or the locker forked.

"#,
        ),
    }
    out
}
