//! Replays every committed seed (`seeds/<target>/`) and regression (`regressions/<target>/`)
//! through its target's function, on the stable toolchain: what the fuzzers found stays
//! fixed even where nightly and cargo-fuzz are not installed.

use std::path::Path;

fn replay(target: &str, run: fn(&[u8])) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut count = 0;
    for dir in [root.join("seeds").join(target), root.join("regressions").join(target)] {
        let Ok(entries) = fs_err::read_dir(&dir) else { continue };
        let mut paths: Vec<_> = entries.map(|e| e.expect("entry").path()).collect();
        paths.sort();
        for path in paths {
            let data = fs_err::read(&path).expect("read input");
            eprintln!("{target}: {}", path.display());
            run(&data);
            count += 1;
        }
    }
    assert!(count > 0, "no seeds for {target}");
}

#[test]
fn zip_differential() {
    replay("zip_differential", soc2_fuzz::zip_differential);
}

#[test]
fn json_canonical() {
    replay("json_canonical", soc2_fuzz::json_canonical);
}

#[test]
fn checkpoint() {
    replay("checkpoint", soc2_fuzz::checkpoint);
}

#[test]
fn allowed_signers() {
    replay("allowed_signers", soc2_fuzz::allowed_signers);
}

#[test]
fn bundle_verify() {
    replay("bundle_verify", soc2_fuzz::bundle_verify);
}

#[test]
fn importers() {
    replay("importers", soc2_fuzz::importers);
}
