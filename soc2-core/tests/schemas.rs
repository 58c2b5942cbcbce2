//! The committed schemas in `schemas/` must equal what the Rust types generate.
//! Run with `SOC2_UPDATE_SCHEMAS=1` to rewrite them after changing a model.

use std::path::PathBuf;

fn schemas_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../schemas")
}

#[test]
fn committed_schemas_match_the_models() {
    let update = std::env::var_os("SOC2_UPDATE_SCHEMAS").is_some();
    let dir = schemas_dir();
    let mut drifted = Vec::new();
    let mut expected_files = Vec::new();
    for (name, schema) in soc2_core::schema::all() {
        let file = format!("{name}.schema.json");
        let mut text = serde_json::to_string_pretty(&schema).unwrap();
        text.push('\n');
        let path = dir.join(&file);
        expected_files.push(file);
        let current = fs_err::read_to_string(&path).unwrap_or_default();
        if current != text {
            if update {
                fs_err::create_dir_all(&dir).unwrap();
                fs_err::write(&path, &text).unwrap();
            } else {
                drifted.push(path.display().to_string());
            }
        }
    }
    // A schema file whose model was removed is drift too.
    for entry in fs_err::read_dir(&dir).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name.ends_with(".schema.json") && !expected_files.contains(&name) {
            if update {
                fs_err::remove_file(dir.join(&name)).unwrap();
            } else {
                drifted.push(format!("{name} (no model generates it)"));
            }
        }
    }
    assert!(
        drifted.is_empty(),
        "schemas drifted from the models: {drifted:?}; rerun with SOC2_UPDATE_SCHEMAS=1 and commit"
    );
}

#[test]
fn every_schema_is_draft_2020_12() {
    for (name, schema) in soc2_core::schema::all() {
        let v = serde_json::to_value(&schema).unwrap();
        assert_eq!(
            v["$schema"], "https://json-schema.org/draft/2020-12/schema",
            "{name} is not draft 2020-12"
        );
    }
}
