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
use soc2_core::error::Classify;
use soc2_core::import::{self, ImportError, Input, Options, SourceInfo};
use soc2_core::json::{from_json_slice, to_canonical_vec};
use soc2_core::ledger::Checkpoint;
use soc2_core::model::{Evidence, Timestamp};
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
        let line = fs_err::read(dir.join("bundle_verify.allowed_signers"))
            .expect("seeds/bundle_verify.allowed_signers");
        let signers = AllowedSigners::parse(&line).expect("the seeds' allowed_signers");
        let mut seeds = Vec::new();
        for entry in fs_err::read_dir(dir.join("bundle_verify")).expect("seeds/bundle_verify") {
            let bytes = fs_err::read(entry.expect("seed").path()).expect("read seed");
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

/// The marker that starts a further input file of an `importers` input, followed by the
/// file's name and a newline (`\n%%file NAME\n`); an input may also begin with it
/// (without the newline before) to name its first file.
pub const FILE_MARKER: &[u8] = b"%%file ";

/// What an `importers` input asks for: a source, options, and one or more input files.
#[derive(Clone, Debug)]
pub struct ImporterCase {
    /// The source, from `soc2 import --list`.
    pub source: SourceInfo,
    /// `--fetched-at` and `--system`, or not.
    pub options: Options,
    /// The files, in order: (name, bytes).
    pub files: Vec<(String, Vec<u8>)>,
}

/// The fetch time given when an input's flags ask for one.
pub const FUZZ_FETCHED_AT: &str = "2026-03-28T12:00:00Z";

/// Decodes an `importers` input. The first byte selects the source (modulo the number of
/// sources, in `soc2 import --list` order) and, divided by that number, the options: bit 0
/// gives `--fetched-at` [`FUZZ_FETCHED_AT`], bit 1 `--system fuzz`. The rest is the input
/// files: split at each `\n%%file NAME\n` ([`FILE_MARKER`]), the first named `input`
/// unless the rest begins with `%%file NAME\n`. An empty first file before a marker is
/// left out.
pub fn importer_case(data: &[u8]) -> Option<ImporterCase> {
    let (&selector, rest) = data.split_first()?;
    let sources = import::sources();
    let source = focus().unwrap_or(sources[usize::from(selector) % sources.len()]);
    let flags = usize::from(selector) / sources.len();
    let options = Options {
        system: (flags & 2 != 0).then(|| "fuzz".to_owned()),
        fetched_at: (flags & 1 != 0)
            .then(|| FUZZ_FETCHED_AT.parse::<Timestamp>().expect("fuzz fetch time")),
    };
    let mut files = Vec::new();
    let mut name = "input".to_owned();
    let mut body: &[u8] = rest;
    if let Some(named) = rest.strip_prefix(FILE_MARKER) {
        let (n, b) = split_name(named);
        name = n;
        body = b;
    } else if rest.is_empty() {
        files.push((name, Vec::new()));
        return Some(ImporterCase { source, options, files });
    }
    let mut separator = b"\n".to_vec();
    separator.extend_from_slice(FILE_MARKER);
    loop {
        match find(body, &separator) {
            Some(at) => {
                if !(files.is_empty() && at == 0 && name == "input") {
                    files.push((name, body[..at].to_vec()));
                }
                let (n, b) = split_name(&body[at + separator.len()..]);
                name = n;
                body = b;
            }
            None => {
                files.push((name, body.to_vec()));
                break;
            }
        }
    }
    Some(ImporterCase { source, options, files })
}

/// The source named by `SOC2_FUZZ_SOURCE`, if set: every input then goes to it (the first
/// byte still gives the options). A run of the whole target keeps mostly the inputs of the
/// sources with the most code (the CSV registers, with the TOML reader); a focused run
/// explores one importer.
fn focus() -> Option<SourceInfo> {
    static FOCUS: OnceLock<Option<SourceInfo>> = OnceLock::new();
    *FOCUS.get_or_init(|| {
        let name = std::env::var("SOC2_FUZZ_SOURCE").ok()?;
        let found = import::sources().into_iter().find(|s| s.name == name);
        Some(found.unwrap_or_else(|| panic!("SOC2_FUZZ_SOURCE={name}: no such source")))
    })
}

/// Encodes a case as [`importer_case`] reads it (for the seeds): `flags` as there.
pub fn encode_importer_case(source: &str, flags: u8, files: &[(&str, &[u8])]) -> Vec<u8> {
    let sources = import::sources();
    let index = sources.iter().position(|s| s.name == source).expect("a known source");
    let selector = usize::from(flags) * sources.len() + index;
    let mut out = vec![u8::try_from(selector).expect("selector fits a byte")];
    for (i, (name, bytes)) in files.iter().enumerate() {
        if i > 0 {
            out.push(b'\n');
        }
        out.extend_from_slice(FILE_MARKER);
        out.extend_from_slice(name.as_bytes());
        out.push(b'\n');
        out.extend_from_slice(bytes);
    }
    out
}

fn split_name(data: &[u8]) -> (String, &[u8]) {
    match data.iter().position(|&b| b == b'\n') {
        Some(nl) => (String::from_utf8_lossy(&data[..nl]).into_owned(), &data[nl + 1..]),
        None => (String::from_utf8_lossy(data).into_owned(), &[]),
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// How an import of the case came out, for the replay's check of the seeds.
#[derive(Debug)]
pub enum ImporterOutcome {
    /// Accepted: this many evidence documents.
    Accepted(usize),
    /// Refused with this error.
    Refused(ImportError),
    /// Not an input (empty).
    Empty,
}

/// Every importer (`soc2 import --list`) on one input (see [`importer_case`]):
/// - the import is deterministic: the same bytes twice give the same result, and the
///   same canonical evidence, byte for byte;
/// - what it refuses, it refuses with a typed error: an import error code, and a file
///   named in the error is one of the inputs;
/// - what it accepts is evidence of the source's kind, with one attachment per input,
///   that serialises to canonical JSON which the model's own reading (`soc2 validate
///   evidence`: the strict JSON reader into the model types) reads back to the same value
///   and the same bytes, and which `soc2 import --check` re-derives byte for byte from the
///   inputs.
pub fn importers(data: &[u8]) {
    let _ = importers_outcome(data);
}

/// [`importers`], telling what the import did.
pub fn importers_outcome(data: &[u8]) -> ImporterOutcome {
    let Some(case) = importer_case(data) else { return ImporterOutcome::Empty };
    let inputs: Vec<Input<'_>> =
        case.files.iter().map(|(n, b)| Input { file_name: n, bytes: b }).collect();
    let source = case.source.name;
    let first = import::import(source, &inputs, &case.options);
    let second = import::import(source, &inputs, &case.options);
    assert_eq!(first, second, "{source}: two imports of the same bytes differ");
    match first {
        Err(e) => {
            check_import_error(&case, &e);
            ImporterOutcome::Refused(e)
        }
        Ok(done) => {
            let count = done.evidence.len();
            check_import(&case, &inputs, &done, &second.expect("same as the first"));
            ImporterOutcome::Accepted(count)
        }
    }
}

fn check_import_error(case: &ImporterCase, e: &ImportError) {
    let source = case.source.name;
    let code = e.code();
    assert!(code.as_str().starts_with("import."), "{source}: error code {code:?} for {e}");
    assert!(!e.to_string().is_empty(), "{source}: an error without a message");
    match e {
        ImportError::UnknownSource { .. } | ImportError::NoInput | ImportError::TooLarge { .. } => {
            panic!("{source}: {e}: impossible for this input")
        }
        ImportError::NoFetchTime if case.options.fetched_at.is_some() => {
            panic!("{source}: no fetch time although --fetched-at was given")
        }
        ImportError::NotReproducible { .. } => panic!("{source}: {e} from a first import"),
        _ => {}
    }
    if let Some(file) = e.subject().source {
        let names: Vec<String> = case.files.iter().map(|(n, _)| base_name(n)).collect();
        assert!(
            file.is_empty() || names.contains(&file),
            "{source}: the error names {file:?}, not one of the inputs {names:?}: {e}"
        );
    }
}

/// The name an import records for an input (its base name).
fn base_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    if base.is_empty() { "input".to_owned() } else { base.to_owned() }
}

fn check_import(
    case: &ImporterCase,
    inputs: &[Input<'_>],
    done: &import::Import,
    again: &import::Import,
) {
    let source = case.source;
    let name = source.name;
    assert_eq!(done.source, source, "{name}: the import names another source");
    assert_eq!(done.attachments.len(), inputs.len(), "{name}: one attachment per input");
    assert_eq!(done.provenance.importer, name, "{name}: provenance importer");
    let p = &done.provenance;
    assert!(p.rows_kept <= p.rows_read, "{name}: kept {} of {} rows", p.rows_kept, p.rows_read);
    let count = done.evidence.len();
    for (i, evidence) in done.evidence.iter().enumerate() {
        assert_eq!(evidence.payload.kind(), source.kind, "{name}: evidence {i}'s kind");
        let bytes = to_canonical_vec(evidence)
            .unwrap_or_else(|e| panic!("{name}: evidence {i} has no canonical form: {e}"));
        let same = to_canonical_vec(&again.evidence[i]).expect("the same evidence");
        assert!(bytes == same, "{name}: evidence {i}'s canonical bytes differ between two imports");
        let read: Evidence = from_json_slice(&bytes).unwrap_or_else(|e| {
            panic!(
                "{name}: evidence {i} does not validate: {e}\n{}",
                String::from_utf8_lossy(&bytes)
            )
        });
        assert_eq!(&read, evidence, "{name}: evidence {i} reads back differently");
        let again = to_canonical_vec(&read).expect("canonical");
        assert!(again == bytes, "{name}: evidence {i}'s canonical bytes are not a fixed point");
        let part = evidence.provenance.as_ref().and_then(|p| p.part);
        match part {
            Some(part) => assert_eq!((part.index, part.count), (i as u64, count as u64)),
            None => assert_eq!(count, 1, "{name}: {count} items, evidence {i} has no part"),
        }
        // `soc2 import --check`, on the first and the last (each re-derivation is an
        // import of all the inputs).
        if i == 0 || i + 1 == count {
            let check = import::recheck(evidence, inputs)
                .unwrap_or_else(|e| panic!("{name}: evidence {i} cannot be re-derived: {e}"));
            assert!(check.identical, "{name}: evidence {i} re-derives differently");
        }
    }
}
