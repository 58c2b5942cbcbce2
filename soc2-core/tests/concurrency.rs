//! Two processes appending at the same time lose nothing and keep one chain.
//!
//! The test re-executes its own binary: with `SOC2_LOCKER_WRITER` set, the
//! `writer_process` test appends records one `append` at a time (no batching) and
//! exits; without it, it does nothing.

mod common;

use std::collections::BTreeSet;
use std::process::{Command, Stdio};

use common::{note, title};
use soc2_core::ledger::{Locker, fsck};

const PER_WRITER: usize = 1_000;
const WRITER_VAR: &str = "SOC2_LOCKER_WRITER";
const DIR_VAR: &str = "SOC2_LOCKER_DIR";

#[test]
fn writer_process() {
    let (Some(id), Some(dir)) = (std::env::var_os(WRITER_VAR), std::env::var_os(DIR_VAR)) else {
        return;
    };
    let id = id.into_string().unwrap();
    let mut locker = Locker::open(&dir).unwrap();
    for i in 0..PER_WRITER {
        locker.append(note(&format!("{id}-{i}"))).unwrap();
    }
}

#[test]
fn two_processes_appending_at_once_lose_nothing() {
    let dir = tempfile::tempdir().unwrap();
    Locker::init(dir.path(), "example.com/concurrent").unwrap();
    let exe = std::env::current_exe().unwrap();
    let children: Vec<_> = ["a", "b"]
        .iter()
        .map(|id| {
            Command::new(&exe)
                .args(["--exact", "writer_process", "--test-threads=1"])
                .env(WRITER_VAR, id)
                .env(DIR_VAR, dir.path())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in children {
        let out = c.wait_with_output().unwrap();
        assert!(
            out.status.success(),
            "a writer failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }

    // Opening verifies the whole chain.
    let locker = Locker::open(dir.path()).unwrap();
    assert_eq!(locker.len(), 2 * PER_WRITER as u64);
    assert!(fsck(dir.path()).unwrap().is_sound());
    let titles: Vec<String> = locker.records().map(|r| title(&r.unwrap().evidence)).collect();
    let unique: BTreeSet<&String> = titles.iter().collect();
    assert_eq!(unique.len(), titles.len(), "a record was written twice");
    for id in ["a", "b"] {
        // Each writer's records are all there, in the order it appended them.
        let mine: Vec<usize> = titles
            .iter()
            .filter_map(|t| t.strip_prefix(&format!("{id}-")))
            .map(|n| n.parse().unwrap())
            .collect();
        assert_eq!(mine, (0..PER_WRITER).collect::<Vec<_>>(), "writer {id}");
    }
    // Interleaved, or the test did not test concurrency (informative, not asserted:
    // one writer may legitimately finish before the other starts on a loaded machine).
    let switches = titles.windows(2).filter(|w| w[0].as_bytes()[0] != w[1].as_bytes()[0]).count();
    eprintln!("writers alternated {switches} times");
}
