//! Criterion parsing against the list of the 2017 Trust Services Criteria, written out
//! here independently of the crate's table.

use soc2_core::model::{Category, Criterion};

/// (prefix, group, count) as AICPA numbers them.
const GROUPS: &[(&str, u32, u32)] = &[
    ("CC", 1, 5),
    ("CC", 2, 3),
    ("CC", 3, 4),
    ("CC", 4, 2),
    ("CC", 5, 3),
    ("CC", 6, 8),
    ("CC", 7, 5),
    ("CC", 8, 1),
    ("CC", 9, 2),
    ("A", 1, 3),
    ("C", 1, 2),
    ("PI", 1, 5),
    ("P", 1, 1),
    ("P", 2, 1),
    ("P", 3, 2),
    ("P", 4, 3),
    ("P", 5, 2),
    ("P", 6, 7),
    ("P", 7, 1),
    ("P", 8, 1),
];

fn expected_ids() -> Vec<String> {
    GROUPS.iter().flat_map(|(p, g, n)| (1..=*n).map(move |i| format!("{p}{g}.{i}"))).collect()
}

#[test]
fn all_61_canonical_ids_parse_and_nothing_else_exists() {
    let expected = expected_ids();
    assert_eq!(expected.len(), 61);
    for id in &expected {
        let c: Criterion = id.parse().unwrap_or_else(|e| panic!("{id}: {e}"));
        assert_eq!(c.id(), id);
        assert!(!c.title().is_empty());
    }
    let actual: Vec<String> = Criterion::all().map(|c| c.id().to_owned()).collect();
    assert_eq!(actual, expected);
}

#[test]
fn categories_follow_the_prefix() {
    for c in Criterion::all() {
        let want = match c.id() {
            id if id.starts_with("CC") => Category::Security,
            id if id.starts_with("PI") => Category::ProcessingIntegrity,
            id if id.starts_with('A') => Category::Availability,
            id if id.starts_with('C') => Category::Confidentiality,
            _ => Category::Privacy,
        };
        assert_eq!(c.category(), want, "{c}");
    }
}

#[test]
fn other_tools_spellings_are_accepted() {
    for (input, id) in [
        ("cc_6_1", "CC6.1"),
        ("cc_1_5", "CC1.5"),
        ("cc_a_1_1", "A1.1"),
        ("cc_c_1_2", "C1.2"),
        ("cc_pi_1_3", "PI1.3"),
        ("cc_p_6_7", "P6.7"),
        ("6.1", "CC6.1"),
        ("9.2", "CC9.2"),
        ("a1.2", "A1.2"),
        ("cc7.4", "CC7.4"),
        ("pi1.5", "PI1.5"),
        ("p8.1", "P8.1"),
    ] {
        let c: Criterion = input.parse().unwrap_or_else(|e| panic!("{input}: {e}"));
        assert_eq!(c.id(), id, "{input}");
    }
}

#[test]
fn anything_else_is_rejected() {
    for bad in [
        "",
        "CC",
        "CC0.1",
        "CC1.6",
        "CC6.9",
        "CC10.1",
        "CC6.01",
        "A1.4",
        "A2.1",
        "C1.3",
        "PI1.6",
        "P1.2",
        "P9.1",
        "cc_6",
        "cc_6_1_1",
        "cc_x_1_1",
        "cc_cc_6_1",
        "6",
        "6.",
        ".1",
        "CC 6.1",
        "CC6,1",
        "CC6.1.1",
        "cc-6-1",
        "x1.1",
        "AA1.1",
    ] {
        assert!(bad.parse::<Criterion>().is_err(), "{bad:?} was accepted");
    }
}

#[test]
fn json_documents_must_use_canonical_ids() {
    let ok: Criterion = soc2_core::json::from_json_str("\"CC6.1\"").unwrap();
    assert_eq!(ok.id(), "CC6.1");
    assert!(soc2_core::json::from_json_str::<Criterion>("\"cc_6_1\"").is_err());
    assert_eq!(serde_json::to_string(&ok).unwrap(), "\"CC6.1\"");
}
