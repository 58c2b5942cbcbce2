//! Hostile inputs to the `soc2` command line (issue 16): every text input capped, regular
//! files only where a file is meant, no wait on a FIFO, `export -o` that cannot destroy
//! what it should not, clear messages, and the locker edges fsck must call damage.
//!
//! Every command runs under a deadline: a regression that blocks on a FIFO or reads
//! `/dev/zero` forever fails the test instead of hanging it.

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Runs `soc2` with `args` (standard input from `stdin`, or empty), killing it after
/// `DEADLINE`.
fn soc2_in(args: &[&str], stdin: Stdio) -> Output {
    const DEADLINE: Duration = Duration::from_secs(60);
    let mut child = Command::new(env!("CARGO_BIN_EXE_soc2"))
        .args(args)
        .env_remove("SOC2_KEY_PASSPHRASE")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return child.wait_with_output().unwrap();
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let out = child.wait_with_output().unwrap();
            panic!(
                "soc2 {args:?} still running after {DEADLINE:?} (blocked or unbounded): {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn soc2(args: &[&str]) -> Output {
    soc2_in(args, Stdio::null())
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

const EVIDENCE: &str = r#"{
  "collected_at": "2026-04-02T09:00:00Z",
  "collector": {"person": {"id": "alice@example.com"}},
  "controls": ["AC-01"],
  "observed_at": "2026-03-28T14:05:00Z",
  "payload": {"note": {"title": "Q1 access review"}},
  "source": "okta"
}"#;

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

/// A sparse regular file of `len` bytes (nothing is written to disk).
fn sparse(path: &Path, len: u64) {
    fs_err::File::create(path).unwrap().set_len(len).unwrap();
}

struct Setup {
    _tmp: tempfile::TempDir,
    dir: PathBuf,
    locker: PathBuf,
    evidence: PathBuf,
    key: PathBuf,
    trusted: PathBuf,
    bundle: PathBuf,
}

/// A locker with one record and attachment, a key, a trusted allowed_signers file and a
/// bundle exported from the locker.
fn setup() -> Setup {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().to_path_buf();
    let locker = dir.join("locker");
    assert_eq!(code(&soc2(&["init", s(&locker), "--origin", "example.com/soc2/hostile"])), 0);
    let evidence = dir.join("evidence.json");
    fs_err::write(&evidence, EVIDENCE).unwrap();
    let csv = dir.join("review.csv");
    fs_err::write(&csv, "account,decision\nalice,keep\n").unwrap();
    let out = soc2(&["add", "--locker", s(&locker), s(&evidence), "--attach", s(&csv)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let key = dir.join("key");
    let out = soc2(&["keygen", "-o", s(&key), "--comment", "c@example.com"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let line = text(&out).lines().find(|l| l.contains("namespaces=")).unwrap().to_owned();
    let trusted = dir.join("trusted");
    fs_err::write(&trusted, format!("{line}\n")).unwrap();
    let bundle = dir.join("b.zip");
    let out = soc2(&[
        "export",
        "--locker",
        s(&locker),
        "--period",
        "2026-01-01..2026-12-31",
        "--key",
        s(&key),
        "-o",
        s(&bundle),
    ]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    Setup { _tmp: tmp, dir, locker, evidence, key, trusted, bundle }
}

// ------------------------------------------------------------- hole 2: size caps

/// `/dev/zero`, a FIFO and an oversized (sparse) regular file, for every text input: each
/// is refused with exit 2 and a message naming the file and what is wrong.
#[test]
fn every_text_input_is_capped_and_regular_only() {
    let t = setup();
    let fifo = t.dir.join("fifo");
    mkfifo(&fifo);
    let huge = t.dir.join("huge");
    sparse(&huge, 2 << 30);
    let p = "2026-01-01..2026-12-31";
    let (l, b) = (s(&t.locker), s(&t.bundle));
    // `@` stands for the hostile input.
    let commands: Vec<(&str, Vec<&str>)> = vec![
        ("verify --allowed-signers", vec!["verify", b, "--allowed-signers", "@"]),
        ("add", vec!["add", "--locker", l, "@"]),
        ("fsck --checkpoint", vec!["fsck", "--locker", l, "--checkpoint", "@"]),
        ("validate", vec!["validate", "@"]),
        ("evaluate --evidence", vec!["evaluate", "--evidence", "@", "--period", p]),
        ("evaluate --catalog", vec!["evaluate", "--locker", l, "--catalog", "@", "--period", p]),
        (
            "export --key",
            vec!["export", "--locker", l, "--period", p, "--key", "@", "-o", "/nonexistent/x.zip"],
        ),
    ];
    // A catalog is named by its extension: the same three, spelled .toml.
    let catalog_huge = t.dir.join("huge.toml");
    sparse(&catalog_huge, 2 << 30);
    let catalog_fifo = t.dir.join("fifo.toml");
    mkfifo(&catalog_fifo);
    let catalog_zero = t.dir.join("zero.toml");
    std::os::unix::fs::symlink("/dev/zero", &catalog_zero).unwrap();
    for (what, args) in &commands {
        let inputs = if what.contains("catalog") {
            [s(&catalog_zero), s(&catalog_fifo), s(&catalog_huge)]
        } else {
            ["/dev/zero", s(&fifo), s(&huge)]
        };
        for (input, expect) in [
            (inputs[0], "not a regular file (it is a character device)"),
            (inputs[1], "not a regular file (it is a FIFO)"),
            (inputs[2], "larger than the limit of"),
        ] {
            let args: Vec<&str> = args.iter().map(|a| if *a == "@" { input } else { *a }).collect();
            let out = soc2(&args);
            assert_eq!(code(&out), 2, "{what} {input}: {}", text(&out));
            let said = text(&out);
            assert!(said.contains(expect) && said.contains(input), "{what} {input}: {said}");
        }
    }
    // The catalog's cap is 16 MiB, the evidence file's 1 GiB (each line 16 MiB).
    let out = soc2(&["evaluate", "--evidence", s(&huge), "--period", p]);
    assert!(text(&out).contains("evidence file larger than the limit of 1073741824 bytes (1 GiB)"));
}

#[test]
fn standard_input_is_capped() {
    let t = setup();
    let zero = fs_err::File::open("/dev/zero").unwrap().into_parts().0;
    let out = soc2_in(&["add", "--locker", s(&t.locker), "-"], Stdio::from(zero));
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(
        text(&out).contains("<stdin>: document larger than the limit of 16777216 bytes (16 MiB)"),
        "{}",
        text(&out)
    );
    let zero = fs_err::File::open("/dev/zero").unwrap().into_parts().0;
    let out = soc2_in(&["validate", "-"], Stdio::from(zero));
    assert_eq!(code(&out), 2, "{}", text(&out));
}

/// A document under the input cap whose record would still be huge is refused by the
/// locker itself (the bindings go through the same check).
#[test]
fn a_document_at_the_cap_is_read_and_an_oversized_record_refused() {
    let t = setup();
    let title = "x".repeat((16 << 20) - 300);
    let doc = EVIDENCE.replace("Q1 access review", &title);
    assert!(doc.len() <= 16 << 20);
    let path = t.dir.join("big.json");
    fs_err::write(&path, &doc).unwrap();
    let out = soc2(&["validate", s(&path)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    let out = soc2(&["add", "--locker", s(&t.locker), s(&path)]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("evidence too large"), "{}", text(&out));
    // Nothing was appended.
    let out = soc2(&["log", "--locker", s(&t.locker)]);
    assert_eq!(text(&out).lines().count(), 1);
}

// ------------------------------------------------------------- hole 3: attachments

#[test]
fn attachments_must_be_regular_files() {
    let t = setup();
    let fifo = t.dir.join("fifo");
    mkfifo(&fifo);
    let zero_link = t.dir.join("zero.png");
    std::os::unix::fs::symlink("/dev/urandom", &zero_link).unwrap();
    for (attach, kind) in [
        ("/dev/zero", "a character device"),
        ("/dev/urandom", "a character device"),
        (s(&zero_link), "a character device"),
        (s(&fifo), "a FIFO"),
        (s(&t.dir), "a directory"),
    ] {
        let out = soc2(&["add", "--locker", s(&t.locker), s(&t.evidence), "--attach", attach]);
        assert_eq!(code(&out), 2, "{attach}: {}", text(&out));
        assert!(
            text(&out).contains(&format!("not a regular file (it is {kind})")),
            "{}",
            text(&out)
        );
    }
    // Nothing was stored or recorded, and no part file is left.
    let out = soc2(&["fsck", "--locker", s(&t.locker)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(text(&out).contains("ok: 1 records, 1 blobs checked"), "{}", text(&out));
    assert_eq!(fs_err::read_dir(t.locker.join("tmp")).unwrap().count(), 0);
}

/// A part file left by a killed add (unlocked, untouched for over a minute) is removed by
/// the next add, under the locker's lock; one still being written (locked) is kept.
#[test]
fn orphaned_part_files_are_cleaned_by_the_next_add() {
    let t = setup();
    let tmp = t.locker.join("tmp");
    let old = std::time::SystemTime::now() - Duration::from_secs(600);
    let orphan = tmp.join("blob-999999-0-1.part");
    let f = fs_err::File::create(&orphan).unwrap();
    f.set_len(8 << 20).unwrap();
    f.file().set_modified(old).unwrap();
    drop(f);
    let busy = tmp.join("blob-999999-1-1.part");
    let held = fs_err::File::create(&busy).unwrap();
    held.file().set_modified(old).unwrap();
    held.file().lock().unwrap();
    let recent = tmp.join("blob-999999-2-1.part");
    fs_err::write(&recent, b"just created").unwrap();
    let unrelated = tmp.join("notes.txt");
    fs_err::write(&unrelated, b"not ours").unwrap();
    fs_err::File::open(&unrelated).unwrap().file().set_modified(old).unwrap();

    let out = soc2(&["fsck", "--locker", s(&t.locker)]);
    assert!(text(&out).contains("blob-999999-0-1.part: left by an interrupted attachment"));
    let out = soc2(&["add", "--locker", s(&t.locker), s(&t.evidence)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!orphan.exists(), "the orphan was not removed");
    assert!(busy.exists(), "a part file in use was removed");
    assert!(recent.exists(), "a part file just created was removed");
    assert!(unrelated.exists(), "a file that is not a part file was removed");
}

// ------------------------------------------------------------- hole 4: export -o

#[test]
fn export_refuses_targets_it_must_not_replace() {
    let t = setup();
    let export = |out: &str, extra: &[&str]| {
        let mut args = vec![
            "export",
            "--locker",
            s(&t.locker),
            "--period",
            "2026-01-01..2026-12-31",
            "--key",
            s(&t.key),
            "-o",
            out,
        ];
        args.extend_from_slice(extra);
        soc2(&args)
    };
    let fifo = t.dir.join("fifo");
    mkfifo(&fifo);
    let link = t.dir.join("full-link.zip");
    std::os::unix::fs::symlink("/dev/full", &link).unwrap();
    let ledger = t.locker.join("ledger.jsonl");
    let header = t.locker.join("locker.json");
    let ledger_before = fs_err::read(&ledger).unwrap();
    let header_before = fs_err::read(&header).unwrap();
    let key_before = fs_err::read(&t.key).unwrap();
    let new_in_locker = t.locker.join("blobs").join("b.zip");
    // Via a path that walks out of and back into the locker.
    let sneaky = t.dir.join("locker/../locker/ledger.jsonl");
    for (target, why) in [
        (s(&fifo), "not a regular file"),
        (s(&link), "symbolic link"),
        ("/dev/full", "not a regular file"),
        (s(&ledger), "inside the locker"),
        (s(&header), "inside the locker"),
        (s(&new_in_locker), "inside the locker"),
        (s(&sneaky), "inside the locker"),
        (s(&t.key), "the signing key"),
    ] {
        let out = export(target, &["--force"]);
        assert_eq!(code(&out), 2, "{target}: {}", text(&out));
        assert!(text(&out).contains(why), "{target}: {}", text(&out));
    }
    {
        use std::os::unix::fs::FileTypeExt;
        assert!(fs_err::symlink_metadata(&fifo).unwrap().file_type().is_fifo());
    }
    assert!(fs_err::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert_eq!(fs_err::read(&ledger).unwrap(), ledger_before);
    assert_eq!(fs_err::read(&header).unwrap(), header_before);
    assert_eq!(fs_err::read(&t.key).unwrap(), key_before);
    assert!(!new_in_locker.exists());
    assert_eq!(code(&soc2(&["fsck", "--locker", s(&t.locker)])), 0);

    // An existing bundle: refused without --force, replaced with it.
    let before = fs_err::read(&t.bundle).unwrap();
    let out = export(s(&t.bundle), &[]);
    assert_eq!(code(&out), 2, "{}", text(&out));
    assert!(text(&out).contains("already exists; pass --force"), "{}", text(&out));
    assert_eq!(fs_err::read(&t.bundle).unwrap(), before);
    let out = export(s(&t.bundle), &["--force"]);
    assert_eq!(code(&out), 0, "{}", text(&out));
}

/// A full disk (here: the file size limit) fails the export with one message, and no
/// stray line from the zip writer's destructor.
#[test]
fn a_full_disk_fails_the_export_with_one_clear_message() {
    let t = setup();
    let out_path = t.dir.join("full.zip");
    let script = format!(
        "ulimit -f 4; trap '' XFSZ; exec \"$0\" export --locker '{}' --period 2026-01-01..2026-12-31 --key '{}' -o '{}'",
        s(&t.locker),
        s(&t.key),
        s(&out_path)
    );
    let out = Command::new("bash")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_soc2"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(!stderr.contains("ZipWriter"), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("File too large"), "{stderr}");
    assert!(!out_path.exists());
    let left: Vec<_> = fs_err::read_dir(&t.dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".partial"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

// ------------------------------------------------------------- hole 5: verify on a FIFO

#[test]
fn verify_refuses_fifos_and_devices_instead_of_hanging() {
    let t = setup();
    let fifo = t.dir.join("fifo");
    mkfifo(&fifo);
    for args in [
        vec!["verify", s(&fifo), "--allowed-signers", s(&t.trusted)],
        vec!["verify", "/dev/zero", "--allowed-signers", s(&t.trusted)],
        vec!["verify", s(&t.bundle), "--allowed-signers", s(&fifo)],
    ] {
        let out = soc2(&args);
        assert_eq!(code(&out), 2, "{args:?}: {}", text(&out));
        assert!(text(&out).contains("not a regular file"), "{args:?}: {}", text(&out));
    }
    let out = soc2(&["verify", s(&t.bundle), "--allowed-signers", s(&t.trusted)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
}

// ------------------------------------------------------------- hole 8: messages

#[test]
fn messages_name_what_is_wrong() {
    let t = setup();
    let cases: [(&[u8], &str); 5] = [
        (b"18446744073709551616", "integer 18446744073709551616 is outside"),
        (b"-0", "negative zero `-0` is not allowed: write 0"),
        (b"1.5", "floating-point number 1.5 is not allowed"),
        (b"\"caf\xe9\"", "not UTF-8: invalid byte at offset"),
        (b"", ""),
    ];
    for (value, expect) in cases.iter().filter(|(_, e)| !e.is_empty()) {
        let mut doc = EVIDENCE
            .replace("\"source\": \"okta\"", "\"source\": \"okta\",\n  \"x\": %")
            .into_bytes();
        let at = doc.iter().position(|&b| b == b'%').unwrap();
        doc.splice(at..=at, value.iter().copied());
        let path = t.dir.join("doc.json");
        fs_err::write(&path, &doc).unwrap();
        let out = soc2(&["validate", s(&path)]);
        assert_eq!(code(&out), 1, "{}", text(&out));
        assert!(text(&out).contains(expect), "{expect}: {}", text(&out));
        assert!(!text(&out).contains("18446744073709552000"), "{}", text(&out));
    }
    // Invalid UTF-8: the line and column too (line 8 of the document above).
    let path = t.dir.join("doc.json");
    let out = soc2(&["validate", s(&path)]);
    assert!(text(&out).contains("doc.json:8:"), "{}", text(&out));

    let bom = t.dir.join("bom.json");
    let mut doc = b"\xef\xbb\xbf".to_vec();
    doc.extend_from_slice(EVIDENCE.as_bytes());
    fs_err::write(&bom, &doc).unwrap();
    for args in [vec!["validate", s(&bom)], vec!["add", "--locker", s(&t.locker), s(&bom)]] {
        let out = soc2(&args);
        assert!(text(&out).contains("byte order mark"), "{args:?}: {}", text(&out));
        assert!(!text(&out).contains("expected value"), "{}", text(&out));
    }
}

// ------------------------------------------------------------- hole 9: locker edges

#[test]
fn a_blob_replaced_by_a_symlink_is_damage() {
    let t = setup();
    let blob = fs_err::read_dir(t.locker.join("blobs/sha256"))
        .unwrap()
        .flat_map(|fan| fs_err::read_dir(fan.unwrap().path()).unwrap())
        .map(|e| e.unwrap().path())
        .next()
        .unwrap();
    // An outside copy with the same content: the content check alone would pass.
    let outside = t.dir.join("outside-copy");
    fs_err::copy(&blob, &outside).unwrap();
    fs_err::remove_file(&blob).unwrap();
    std::os::unix::fs::symlink(&outside, &blob).unwrap();
    let out = soc2(&["fsck", "--locker", s(&t.locker)]);
    assert_eq!(code(&out), 1, "{}", text(&out));
    assert!(text(&out).contains("not a regular file (it is a symbolic link)"), "{}", text(&out));
}

#[test]
fn a_ledger_that_is_a_directory_or_fifo_is_damage() {
    for fifo in [false, true] {
        let t = setup();
        let ledger = t.locker.join("ledger.jsonl");
        fs_err::remove_file(&ledger).unwrap();
        if fifo {
            mkfifo(&ledger);
        } else {
            fs_err::create_dir(&ledger).unwrap();
        }
        let kind = if fifo { "a FIFO" } else { "a directory" };
        let out = soc2(&["fsck", "--locker", s(&t.locker)]);
        assert_eq!(code(&out), 1, "{}", text(&out));
        assert!(text(&out).contains(&format!("the ledger is not a regular file (it is {kind})")));
        let out = soc2(&["log", "--locker", s(&t.locker)]);
        assert_eq!(code(&out), 1, "{}", text(&out));
    }
}

#[test]
fn plain_fsck_says_it_cannot_vouch_for_the_newest_record() {
    let t = setup();
    let out = soc2(&["fsck", "--locker", s(&t.locker)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(
        text(&out).contains("no --checkpoint given: the newest record is vouched for by nothing")
    );
    let cp = t.dir.join("cp");
    let out = soc2(&["checkpoint", "--locker", s(&t.locker)]);
    fs_err::write(&cp, &out.stdout).unwrap();
    let out = soc2(&["fsck", "--locker", s(&t.locker), "--checkpoint", s(&cp)]);
    assert_eq!(code(&out), 0, "{}", text(&out));
    assert!(!text(&out).contains("no --checkpoint given"), "{}", text(&out));
}
