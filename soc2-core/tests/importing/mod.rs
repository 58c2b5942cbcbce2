//! Helpers shared by the importer tests (`import_sources`, `import_aws`, `import_vendors`).
#![allow(dead_code, unreachable_pub)]

use std::path::PathBuf;

use serde_json::Value;
use soc2_core::import::{self, ImportError, Input, Options};
use soc2_core::model::{Payload, Timestamp};

/// A vendor sample from `../shared/realdata/`, or `None` (the test is skipped) when that
/// folder is absent.
pub fn realdata(rel: &str) -> Option<Vec<u8>> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/realdata");
    if !root.is_dir() {
        eprintln!("skipped: ../shared/realdata is absent");
        return None;
    }
    Some(fs_err::read(root.join(rel)).unwrap())
}

/// A hand-made fixture under `tests/import/`.
pub fn fixture(rel: &str) -> Vec<u8> {
    fs_err::read(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/import").join(rel)).unwrap()
}

/// Hand-written expected JSON under `tests/import/`.
pub fn expected(name: &str) -> Value {
    serde_json::from_slice(&fixture(name)).unwrap()
}

/// Imports `files` with `source`, which must succeed.
pub fn run(source: &str, files: &[(&str, &[u8])], fetched_at: Option<&str>) -> import::Import {
    try_run(source, files, fetched_at).unwrap()
}

/// Imports `files` with `source`.
pub fn try_run(
    source: &str,
    files: &[(&str, &[u8])],
    fetched_at: Option<&str>,
) -> Result<import::Import, ImportError> {
    let inputs: Vec<Input<'_>> =
        files.iter().map(|(n, b)| Input { file_name: n, bytes: b }).collect();
    let options =
        Options { system: None, fetched_at: fetched_at.map(|t| t.parse::<Timestamp>().unwrap()) };
    import::import(source, &inputs, &options)
}

/// A payload as JSON, without its kind's wrapper.
pub fn payload_json(p: &Payload) -> Value {
    let v = serde_json::to_value(p).unwrap();
    v.as_object().unwrap().values().next().unwrap().clone()
}

/// Every record's payload, in order.
pub fn payloads(i: &import::Import) -> Vec<Value> {
    i.evidence.iter().map(|e| payload_json(&e.payload)).collect()
}

/// Every record's payload as one JSON array.
pub fn payloads_array(i: &import::Import) -> Value {
    Value::Array(payloads(i))
}

/// How many times the import warned `code`.
pub fn warning_count(i: &import::Import, code: &str) -> u64 {
    i.provenance.warnings.iter().find(|w| w.code == code).map_or(0, |w| w.count)
}

/// Every warning and its count.
pub fn warnings(i: &import::Import) -> Vec<(String, u64)> {
    i.provenance.warnings.iter().map(|w| (w.code.clone(), w.count)).collect()
}

/// Imports twice and rechecks every record: same bytes, same evidence.
pub fn assert_deterministic(source: &str, files: &[(&str, &[u8])], fetched_at: Option<&str>) {
    let a = run(source, files, fetched_at);
    let b = run(source, files, fetched_at);
    assert_eq!(a, b);
    let inputs: Vec<Input<'_>> =
        files.iter().map(|(n, b)| Input { file_name: n, bytes: b }).collect();
    for e in &a.evidence {
        let r = import::recheck(e, &inputs).unwrap();
        assert!(r.identical, "{source}: recheck differs");
    }
}

/// Borrowed `(name, bytes)` pairs of owned ones, as `run` takes them.
pub fn refs<'a>(owned: &'a [(&'static str, Vec<u8>)]) -> Vec<(&'static str, &'a [u8])> {
    owned.iter().map(|(n, b)| (*n, b.as_slice())).collect()
}

/// `bytes` gzipped.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// The one `security_events` record of an audit-log import.
pub fn security_events(i: &import::Import) -> &soc2_core::model::SecurityEvents {
    assert_eq!(i.evidence.len(), 1, "one record per import");
    match &i.evidence[0].payload {
        Payload::SecurityEvents(e) => e,
        other => panic!("not security events: {other:?}"),
    }
}
