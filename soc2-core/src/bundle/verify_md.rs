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
    /// The time-stamp tokens carried (member name, SHA-256 of its note in hex).
    pub(crate) timestamps: Vec<(String, String)>,
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
coreutils, Info-ZIP `unzip`, `bash`, `diff`, `awk`, and Python 3 with its standard library
for steps 6 and later. Nothing made by soc2 needs to be installed or trusted. Each step prints `OK`
or `FAILED`; run them all, in order, and stop at the first failure.

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

Ask them, through the same channel, for the name of their evidence locker (its origin;
this bundle claims `@ORIGIN@`). Then tell the commands below where the bundle and your
trusted key are, and which origin you expect (run every step in the same `bash` session):

```text
BUNDLE=/absolute/path/to/the/bundle.zip
TRUSTED=/absolute/path/to/trusted_signers
ORIGIN='the origin the company told you'
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
such as a git commit, does not verify), and has not changed since. It does **not** prove
that the signer told the truth: the signer is the company, and the steps below check
what it signed against the locker's own commitments.

## 3. Check every member against `SHA256SUMS`

```sh
sha256sum -c --strict SHA256SUMS
```

Proves: every file listed in `SHA256SUMS` is, byte for byte, what was signed.

## 4. Check every attachment against its name

```sh
if (cd blobs/sha256 2>/dev/null || exit 0; ls | awk '{ print $0 "  " $0 }' | sha256sum -c --strict --quiet)
then echo "attachments: OK (each hashes to its name)"
else echo "attachments: FAILED (the content does not hash to the name above)"; false
fi
```

Proves: each attachment `blobs/sha256/<hex>` hashes to `<hex>`, the SHA-256 that the
records name it by (records commit to their attachments only through this name, so a
signer who swapped an attachment and listed the new content in `SHA256SUMS` is caught
here, not in step 3).

## 5. Check that the zip holds nothing else

```sh
if diff <({ cut -c67- SHA256SUMS; printf '%s\n' SHA256SUMS SHA256SUMS.sig; } | LC_ALL=C sort) \
        <(unzip -Z1 "$BUNDLE" | LC_ALL=C sort)
then echo "member list: OK"
else echo "member list: FAILED (> marks members the signature does not cover)"; false
fi
```

Proves: the zip holds exactly the listed members plus `SHA256SUMS` and its signature;
nothing was added that the signature does not cover (`diff` marks such a member `>`, and
a listed member missing from the zip `<`). Step 6 checks that the list itself holds
nothing but the bundle's own members.

## 6. Recompute the Merkle root, check each record against it, and the manifest against all

```sh
TRUSTED="$TRUSTED" ORIGIN="${ORIGIN:?set ORIGIN as step 0 says}" python3 - <<'PY'
import base64, hashlib, json, os, re, sys

def fail(msg):
    sys.exit("FAILED: " + msg)

def sha256(b):
    return hashlib.sha256(b).digest()

def sha256_file(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()

def no_duplicates(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        fail("manifest.json has a duplicate key")
    return dict(pairs)

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
tree_root = root(0, len(leaves))
if tree_root != base64.b64decode(root_b64, validate=True):
    fail("the leaves do not give the root in checkpoint")
if origin != os.environ["ORIGIN"]:
    fail("the locker is %r, not the %r you expect" % (origin, os.environ["ORIGIN"]))

records, blobs, previous = [], {}, -1
with open("records.jsonl", "rb") as f:
    for n, line in enumerate(f, 1):
        if not line.endswith(b"\n"):
            fail("records.jsonl line %d does not end in a newline" % n)
        body = line[:-1]
        record = json.loads(body)
        seq = record["seq"]
        if not isinstance(seq, int) or seq <= previous:
            fail("record %r (line %d) is not after record %d: records must be in increasing seq order, each once" % (seq, n, previous))
        previous = seq
        if not 0 <= seq < len(leaves) or sha256(b"\x00" + body) != leaves[seq]:
            fail("record %d (line %d) does not match leaf %d" % (seq, n, seq))
        prev = leaves[seq - 1] if seq > 0 else bytes(32)
        if bytes.fromhex(record["prev"]) != prev:
            fail("record %d (line %d): prev is not the leaf before it" % (seq, n))
        for a in record["evidence"].get("attachments", []):
            path = os.path.join("blobs", "sha256", a["sha256"])
            if not os.path.isfile(path) or os.path.getsize(path) != a["size"]:
                fail("record %d: attachment %s is missing or of the wrong size" % (seq, a["sha256"]))
            blobs[a["sha256"]] = a["size"]
        records.append({"seq": seq, "leaf_hash": leaves[seq].hex()})

with open("manifest.json", "rb") as f:
    manifest = json.loads(f.read(), object_pairs_hook=no_duplicates)
if (manifest.get("format"), manifest.get("format_version")) != ("soc2-evidence-bundle", 1):
    fail("manifest.json is not a version 1 soc2 evidence bundle")
if manifest["origin"] != origin:
    fail("manifest.json names the locker %r, the checkpoint %r" % (manifest["origin"], origin))
if manifest["checkpoint"] != {"size": len(leaves), "root": tree_root.hex()}:
    fail("manifest.json's checkpoint is not the one in checkpoint")
if manifest["records"] != records:
    fail("manifest.json lists records %s, records.jsonl holds %s"
         % ([r["seq"] for r in manifest["records"]], [r["seq"] for r in records]))
on_disk = {}
if os.path.isdir(os.path.join("blobs", "sha256")):
    for name in sorted(os.listdir(os.path.join("blobs", "sha256"))):
        on_disk[name] = os.path.getsize(os.path.join("blobs", "sha256", name))
if on_disk != blobs:
    fail("attachments present %s, the records reference %s" % (sorted(on_disk), sorted(blobs)))
if manifest["blobs"] != [{"sha256": h, "size": blobs[h]} for h in sorted(blobs)]:
    fail("manifest.json's blobs are not the attachments the records reference")
report = []
for dirpath, _, files in os.walk("report"):
    for name in files:
        path = os.path.join(dirpath, name)
        report.append({"name": path.replace(os.sep, "/"), "sha256": sha256_file(path), "size": os.path.getsize(path)})
report.sort(key=lambda r: r["name"].encode("utf-8"))
if manifest["report"] != report:
    fail("manifest.json's report files are not the files under report/")
expected = {"VERIFY.md", "allowed_signers", "checkpoint", "leaves", "manifest.json", "records.jsonl"}
expected |= {"blobs/sha256/" + h for h in blobs} | {r["name"] for r in report} | {"verify.py"}
with open("SHA256SUMS", "rb") as f:
    listed = {line[66:].decode("utf-8") for line in f.read().splitlines()}
# Signed checkpoints (each note with its SSH signature) and the proof from a previous
# bundle (both files or neither): the steps after this one check them.
notes = {n for n in listed if re.fullmatch(r"checkpoints/[0-9]{20}\.note", n)}
sigs = {n for n in listed if re.fullmatch(r"checkpoints/[0-9]{20}\.note\.sig", n)}
if {n + ".sig" for n in notes} != sigs:
    fail("a signed checkpoint lacks its .note or its .note.sig: %s" % sorted(sigs ^ {n + ".sig" for n in notes}))
expected |= notes | sigs
if listed & {"previous/checkpoint", "previous/consistency"}:
    expected |= {"previous/checkpoint", "previous/consistency"}
if listed != expected:
    fail("SHA256SUMS lists members that are not the bundle's: %s" % sorted(listed ^ expected))
with open(os.environ["TRUSTED"]) as f:
    trusted_keys = {" ".join(w[i:i + 2]) for w in (l.split() for l in f) for i in range(len(w) - 1)}
if manifest["signer"]["public_key"] not in trusted_keys:
    fail("manifest.json names a signer key that is not in %s" % os.environ["TRUSTED"])
print("records: OK, %d records match the root of %d leaves (%s)" % (len(records), len(leaves), origin))
print("manifest: OK, it describes exactly these records, attachments and report files")
PY
```

Proves: each line of `records.jsonl` is byte for byte a record committed in the locker's
Merkle tree at export (its leaf hash is `SHA-256(0x00 ‖ line)`), in order and once,
chained to the record before it; the leaf hashes produce the root in `checkpoint`, which
step 2 covers; the locker is the one you expect (`ORIGIN`); every attachment a record
references is present with its size (and step 4 checked its content), and no other is;
`manifest.json` describes exactly the records, attachments, report files, checkpoint,
origin and (one of your trusted) signing key that the bundle holds, and `SHA256SUMS`
lists nothing else. Records outside the period stay undisclosed: only their leaf hashes
are in `leaves`.

@CHAIN@## What needs `soc2 verify`

The steps above check every commitment in the bundle. What they cannot check with stock
tools, `soc2 verify BUNDLE --allowed-signers TRUSTED` does (`verify.py` checks only
Merkle trees), and it rejects such a bundle:

- **The zip itself.** `unzip` is lenient: it accepts archives whose central directory
  and local headers disagree, that hide data between members, or hold duplicate names,
  so two tools can see different content. `soc2 verify` reads the zip strictly (one
  canonical layout, every byte accounted for) and never extracts to disk.
- **The strict form of the JSON.** Python's `json` accepts what the format forbids:
  records not in RFC 8785 canonical form, floats, integers beyond ±(2^53 − 1), strings
  not in Unicode NFC, fields the schema does not know, and unknown fields in
  `manifest.json`.
- **The exact signer.** Step 6 checks that the manifest names one of your trusted keys;
  `soc2 verify` checks that it names the very key that signed.
- **The checkpoint's exact syntax** (origin characters, no leading zeros in the size).

## What this does not prove

- That the evidence is accurate: the bundle proves integrity and origin, not truth.
- When it was signed: SSH signatures and signed checkpoints carry no time anyone but
  the company vouches for. `verify.py --previous` (or `soc2 verify --previous`) shows the
  locker was not rewritten between two bundles you received, not when either was made.
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

/// Steps 7 and 8 (after the stock path's 0 to 6): the signed checkpoints, when the bundle
/// carries any, and `verify.py` (with the previous bundle).
fn chain_steps(f: &VerifyMdFacts<'_>) -> String {
    let mut out = String::new();
    if f.signed_checkpoints > 0 {
        out.push_str(&format!(
            r#"## 7. Check the signed checkpoints

The bundle carries the {n} checkpoint(s) the company signed as the locker grew
(`checkpoints/<size>.note`: C2SP signed notes under the key name `{origin}`), each with
an SSH signature by the same key:

```sh
for note in checkpoints/*.note; do
  ssh-keygen -Y verify -f "$TRUSTED" -I {principal} -n soc2-checkpoint-v1 -s "$note.sig" < "$note"
done
```

Proves: the key you trust signed each checkpoint (the namespace `soc2-checkpoint-v1` is
used for nothing else). Step 8 checks that this bundle's records extend every one of them.

"#,
            n = f.signed_checkpoints,
            origin = f.origin,
            principal = f.principal,
        ));
        if !f.timestamps.is_empty() {
            let mut cmds = String::new();
            for (member, digest) in &f.timestamps {
                cmds.push_str(&format!(
                    "openssl ts -verify -digest {digest} -in {member} -CAfile \"$TSA_CA\"\n"
                ));
            }
            out.push_str(&format!(
                r#"### 7a. Check the RFC 3161 timestamps of the checkpoints

{n} checkpoint(s) carry a time-stamp token (`checkpoints/<size>.tsr`, an RFC 3161
response) from a Time-Stamp Authority. Obtain the TSA's CA certificate from the TSA
itself (not from the company, not from this bundle), set `TSA_CA=/absolute/path/to/tsa-ca.pem`,
and check each token over the SHA-256 of its `.note` (step 7 checked the notes' signatures;
`sha256sum checkpoints/*.note` shows the digests below):

```text
{cmds}```

Proves: the TSA, whose certificate chains to the CA you trust and is for time-stamping,
saw the checkpoint note (hence the tree of that size and root) no later than the time the
token states (`openssl ts -reply -in checkpoints/<size>.tsr -text` prints it). Records
within that checkpoint existed by then, whatever their own `recorded_at` says; later
records rest on the company's clock. It does not prove when the evidence was observed,
nor that the TSA's clock was right beyond its stated accuracy.

"#,
                n = f.timestamps.len(),
            ));
        }
    }
    let (step, signatures) =
        if f.signed_checkpoints > 0 { (8, "steps 2 and 7 do") } else { (7, "step 2 does") };
    out.push_str(&format!(
        r#"## {step}. Check inclusion and consistency with `verify.py`

`verify.py` is one readable file of Python 3 standard library code (RFC 9162 Merkle
trees only; it checks no signature, {signatures}):

```sh
python3 verify.py .
```

Proves: the leaves give the checkpoint's root; every disclosed record is in that tree (an
RFC 9162 inclusion proof, built and verified); the bundle's tree extends each signed
checkpoint"#,
    ));
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
