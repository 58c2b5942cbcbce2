//! The fuzz targets' bodies, as plain functions: `fuzz_targets/*.rs` hand them libFuzzer's
//! inputs (nightly, `cargo fuzz`), and `tests/replay.rs` replays the committed seeds and
//! regressions through them on stable. Each panics when a property fails; a property is
//! more than "does not crash" wherever another implementation or a round trip can say
//! what the right answer is.
//!
//! How to run them, and for how long, is in `fuzz/README.md`.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use sha2::{Digest, Sha256};
use soc2_core::bundle::{self, AllowedSigners};
use soc2_core::ledger::Checkpoint;
use soc2_zip::{Limits, SafeArchive};

/// Where the committed seeds live (`seeds/<target>/`).
pub fn seeds_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("seeds")
}

/// Small bounds, so that a declared size cannot make one input take seconds.
fn limits() -> Limits {
    let mut limits = Limits::default();
    limits.max_entry_size = 16 << 20;
    limits.max_total_size = 64 << 20;
    limits.max_central_directory_size = 1 << 20;
    limits
}

fn temp_file(data: &[u8]) -> tempfile::NamedTempFile {
    let mut file = tempfile::NamedTempFile::new().expect("temp file");
    file.write_all(data).expect("write temp file");
    file.flush().expect("flush temp file");
    file
}

/// The strict reader against the `zip` crate: whatever the strict reader accepts (opens
/// and reads fully), the lenient one must accept too and see the same members, in the
/// same order, with the same bytes.
pub fn zip_differential(data: &[u8]) {
    let file = temp_file(data);
    let Ok(strict) = SafeArchive::open(file.path(), limits()) else { return };
    let mut ours = Vec::new();
    for m in strict.members() {
        let mut content = Vec::new();
        if strict.read_to_sink(m.name(), &mut content).is_err() {
            return;
        }
        ours.push((m.name().to_owned(), content));
    }
    let mut theirs = zip::ZipArchive::new(std::io::Cursor::new(data))
        .unwrap_or_else(|e| panic!("the strict reader accepted what the zip crate rejects: {e}"));
    assert_eq!(theirs.len(), ours.len(), "member count");
    for (i, (name, content)) in ours.iter().enumerate() {
        let mut member =
            theirs.by_index(i).unwrap_or_else(|e| panic!("zip crate, member {i}: {e}"));
        assert_eq!(member.name_raw(), name.as_bytes(), "member {i}'s name");
        let mut read = Vec::new();
        member.read_to_end(&mut read).unwrap_or_else(|e| panic!("zip crate, member {name:?}: {e}"));
        assert!(read == *content, "member {name:?}: the two readers disagree on its bytes");
    }
}

/// The strict JSON reader and the canonical writer against `serde_json` and
/// `serde_json_canonicalizer`: what soc2 reads, serde_json reads as the same value, and
/// where soc2 writes canonical bytes they are the canonicaliser's, byte for byte; the
/// canonical bytes read back to the same value and are a fixed point.
pub fn json_canonical(data: &[u8]) {
    let Ok(value) = soc2_core::json::from_json_slice::<serde_json::Value>(data) else { return };
    let reference: serde_json::Value =
        serde_json::from_slice(data).expect("soc2 accepted JSON that serde_json rejects");
    assert_eq!(value, reference, "soc2 and serde_json read different values");
    let Ok(ours) = soc2_core::json::to_canonical_vec(&value) else { return };
    let theirs = serde_json_canonicalizer::to_vec(&value).expect("canonicaliser");
    assert!(
        ours == theirs,
        "canonical bytes differ:\n ours   {}\n theirs {}",
        String::from_utf8_lossy(&ours),
        String::from_utf8_lossy(&theirs)
    );
    let again = soc2_core::json::from_json_slice::<serde_json::Value>(&ours)
        .expect("soc2 rejects its own canonical output");
    assert_eq!(again, value, "canonical output reads back differently");
}

/// Checkpoint parsing: no panic, and whatever parses prints back to text that parses to
/// the same checkpoint.
pub fn checkpoint(data: &[u8]) {
    let Ok(parsed) = Checkpoint::parse(data) else { return };
    let text = parsed.to_text();
    let again = Checkpoint::parse(text.as_bytes()).expect("a printed checkpoint parses");
    assert_eq!(again, parsed, "checkpoint round trip");
}

/// `allowed_signers` parsing: no panic, and every parsed file answers lookups.
pub fn allowed_signers(data: &[u8]) {
    if let Ok(signers) = AllowedSigners::parse(data) {
        let _ = format!("{signers:?}");
    }
}

/// The seed bundles and the key they are signed with.
struct Trusted {
    signers: AllowedSigners,
    /// SHA-256 of every committed seed bundle.
    seeds: Vec<[u8; 32]>,
}

fn trusted() -> &'static Trusted {
    static TRUSTED: OnceLock<Trusted> = OnceLock::new();
    TRUSTED.get_or_init(|| {
        let dir = seeds_dir();
        let line = std::fs::read(dir.join("bundle_verify.allowed_signers"))
            .expect("seeds/bundle_verify.allowed_signers");
        let signers = AllowedSigners::parse(&line).expect("the seeds' allowed_signers");
        let mut seeds = Vec::new();
        for entry in std::fs::read_dir(dir.join("bundle_verify")).expect("seeds/bundle_verify") {
            let bytes = std::fs::read(entry.expect("seed").path()).expect("read seed");
            seeds.push(Sha256::digest(&bytes).into());
        }
        Trusted { signers, seeds }
    })
}

/// `bundle::verify` on mutated bundles: no panic, and nothing verifies but the committed
/// seed bundles themselves. The fuzzer cannot forge a signature, so any other input
/// that verifies is a second spelling of a signed bundle (the malleability of issue 16's
/// hole 7) or a check that lets changed content through.
pub fn bundle_verify(data: &[u8]) {
    let trusted = trusted();
    let file = temp_file(data);
    if bundle::verify(file.path(), &trusted.signers).is_ok() {
        let digest: [u8; 32] = Sha256::digest(data).into();
        assert!(
            trusted.seeds.contains(&digest),
            "a bundle that is not one of the signed seeds verified"
        );
    }
}
