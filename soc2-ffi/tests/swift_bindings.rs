//! Swift cannot be compiled on the machines this project is tested on, so the generated
//! Swift sources are committed in the Swift package `soc2-ffi/bindings/swift/` and this test
//! fails when they drift from what uniffi's bindgen (the one `cargo run -p uniffi-bindgen`
//! runs) produces from the built library. Run with `SOC2_UPDATE_BINDINGS=1` to rewrite them
//! after changing the API, and commit the result.
//!
//! The package's layout: the Swift module `Soc2` in `Sources/Soc2/Soc2.swift`; the C module
//! `Soc2FFI` underneath it (the header and its module map, renamed `module.modulemap` as
//! clang and XCFrameworks expect) in `Headers/`, which `build-xcframework.sh` puts in the
//! XCFramework beside the static libraries.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use camino::Utf8PathBuf;

fn package_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("bindings/swift")
}

/// Where the Swift package keeps a file the bindgen writes, relative to the package.
fn committed_path(generated: &str) -> String {
    if generated.ends_with(".swift") {
        format!("Sources/Soc2/{generated}")
    } else if generated.ends_with(".modulemap") {
        "Headers/module.modulemap".to_owned()
    } else {
        format!("Headers/{generated}")
    }
}

/// The `cdylib` that cargo built for this test run.
///
/// `cargo test` writes it to `target/<profile>/deps/`, beside this test's executable, and
/// does not refresh the copy in `target/<profile>/` (only `cargo build` does), which may
/// be stale.
fn built_library() -> Utf8PathBuf {
    let exe = std::env::current_exe().unwrap();
    let deps_dir = exe.parent().unwrap();
    let name = format!("{}soc2_ffi{}", std::env::consts::DLL_PREFIX, std::env::consts::DLL_SUFFIX);
    let path = deps_dir.join(name);
    assert!(path.is_file(), "{} was not built", path.display());
    Utf8PathBuf::from_path_buf(path).unwrap()
}

fn file_names(dir: &Path) -> BTreeSet<String> {
    match fs_err::read_dir(dir) {
        Ok(entries) => entries.map(|e| e.unwrap().file_name().into_string().unwrap()).collect(),
        Err(_) => BTreeSet::new(),
    }
}

#[test]
fn committed_swift_bindings_match_the_library() {
    let out = tempfile::tempdir().unwrap();
    let out_dir = Utf8PathBuf::from_path_buf(out.path().to_owned()).unwrap();
    // What `uniffi-bindgen generate --no-format --language swift LIB --out-dir OUT` runs.
    // Unformatted, so that the result does not depend on whether swift-format is present.
    uniffi::generate(uniffi::GenerateOptions {
        languages: vec![uniffi::TargetLanguage::Swift],
        source: built_library(),
        out_dir,
        format: false,
        ..uniffi::GenerateOptions::default()
    })
    .unwrap();

    let update = std::env::var_os("SOC2_UPDATE_BINDINGS").is_some();
    let package = package_dir();
    let generated = file_names(out.path());
    assert!(generated.iter().any(|n| n.ends_with(".swift")), "no Swift generated: {generated:?}");
    let mut expected = BTreeSet::new();
    let mut drifted = Vec::new();
    for name in &generated {
        let text = fs_err::read_to_string(out.path().join(name)).unwrap();
        let relative = committed_path(name);
        let path = package.join(&relative);
        if fs_err::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            if update {
                fs_err::create_dir_all(path.parent().unwrap()).unwrap();
                fs_err::write(&path, &text).unwrap();
            } else {
                drifted.push(path.display().to_string());
            }
        }
        expected.insert(relative);
    }
    // A committed file that the bindgen no longer writes is drift too.
    for dir in ["Sources/Soc2", "Headers"] {
        for name in file_names(&package.join(dir)) {
            let relative = format!("{dir}/{name}");
            if expected.contains(&relative) {
                continue;
            }
            if update {
                fs_err::remove_file(package.join(&relative)).unwrap();
            } else {
                drifted.push(format!("{relative} (no longer generated)"));
            }
        }
    }
    assert!(
        drifted.is_empty(),
        "Swift bindings drifted from the library: {drifted:?}; \
         rerun with SOC2_UPDATE_BINDINGS=1 and commit"
    );
}
