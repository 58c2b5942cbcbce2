//! The committed declarations in `soc2-ffi/src/generated/` are what soc2-core's source
//! gives now. Run with `SOC2_UPDATE_MIRRORS=1` to rewrite them after changing soc2-core's
//! model, then regenerate the Swift bindings and commit (see the crate's documentation).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_owned()
}

#[test]
fn committed_declarations_match_soc2_core() {
    let files = soc2_ffi_mirrors::generate(&workspace().join("soc2-core/src"));

    let update = std::env::var_os("SOC2_UPDATE_MIRRORS").is_some();
    let relative = Path::new("soc2-ffi/src/generated");
    let dir = workspace().join(relative);
    let mut drifted = Vec::new();
    for (name, text) in &files {
        let path = dir.join(name);
        if fs_err::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            if update {
                fs_err::create_dir_all(&dir).unwrap();
                fs_err::write(&path, text).unwrap();
            } else {
                drifted.push(relative.join(name).display().to_string());
            }
        }
    }
    // A committed file the generator no longer writes is drift too.
    let committed: BTreeSet<String> = match fs_err::read_dir(&dir) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().into_string().unwrap()).collect(),
        Err(_) => BTreeSet::new(),
    };
    for name in committed.iter().filter(|n| !files.contains_key(*n)) {
        if update {
            fs_err::remove_file(dir.join(name)).unwrap();
        } else {
            drifted.push(format!("{} (no longer generated)", relative.join(name).display()));
        }
    }
    assert!(
        drifted.is_empty(),
        "the uniffi declarations drifted from soc2-core: {drifted:?}; \
         rerun with `SOC2_UPDATE_MIRRORS=1 cargo test -p soc2-ffi-mirrors` and commit"
    );
}
