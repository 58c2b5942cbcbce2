//! The canonical writer gives, for every typed example document, the same bytes as the
//! reference RFC 8785 implementation over the document's JSON value.

use std::path::PathBuf;

use serde::Serialize;
use serde::de::DeserializeOwned;
use soc2_core::json::{from_json_str, to_canonical_vec};
use soc2_core::model::{AuditFinding, AuditPeriod, Control, Evidence, Payload};

fn check<T: DeserializeOwned + Serialize>(folder: &str) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/examples").join(folder);
    let mut n = 0;
    for entry in fs_err::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let value: T = from_json_str(&fs_err::read_to_string(&path).unwrap()).unwrap();
        let reference =
            serde_json_canonicalizer::to_vec(&serde_json::to_value(&value).unwrap()).unwrap();
        assert_eq!(
            String::from_utf8(to_canonical_vec(&value).unwrap()).unwrap(),
            String::from_utf8(reference).unwrap(),
            "{}",
            path.display()
        );
        n += 1;
    }
    assert!(n > 0, "no examples in {}", dir.display());
}

#[test]
fn typed_documents_match_the_reference_implementation() {
    check::<Evidence>("evidence");
    check::<Control>("control");
    check::<AuditFinding>("audit-finding");
    check::<AuditPeriod>("audit-period");
}

#[test]
fn errors_name_the_field_inside_typed_documents() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/examples/evidence");
    let mut e: Evidence =
        from_json_str(&fs_err::read_to_string(dir.join("note.json")).unwrap()).unwrap();
    if let Payload::Note(n) = &mut e.payload {
        // "e" and a combining acute accent: not NFC.
        n.title = "Rene\u{301}".into();
    }
    let err = to_canonical_vec(&e).unwrap_err();
    assert_eq!(err.path, "payload.note.title");
    assert!(err.reason.contains("NFC"), "{err}");
    e.attachments[0].size = 1 << 60;
    assert_eq!(to_canonical_vec(&e).unwrap_err().path, "attachments[0].size");
}
