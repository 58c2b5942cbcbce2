//! `soc2 keygen`, `soc2 export` and `soc2 verify` end to end, with their exit codes:
//! 0 success / verified, 1 rejected (or a damaged locker), 2 usage or input error.

use std::path::Path;
use std::process::{Command, Output};

fn soc2(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_soc2"));
    cmd.args(args).env_remove("SOC2_KEY_PASSPHRASE");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

/// The exit status `docs/errors.md` documents for an error code.
fn documented_exit(code: &str) -> i32 {
    let table =
        fs_err::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/errors.md"))
            .unwrap();
    let row = table
        .lines()
        .find(|l| l.starts_with(&format!("| `{code}` |")))
        .unwrap_or_else(|| panic!("{code} is not documented"));
    row.split('|').nth(5).unwrap().trim().parse().unwrap()
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

/// A locker with one record and one attachment, in `dir`.
fn locker(dir: &Path) -> std::path::PathBuf {
    let locker = dir.join("locker");
    let out = soc2(&["init", s(&locker), "--origin", "example.com/soc2/cli"], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let evidence = dir.join("evidence.json");
    fs_err::write(&evidence, EVIDENCE).unwrap();
    let csv = dir.join("review.csv");
    fs_err::write(&csv, "account,decision\nalice,keep\n").unwrap();
    let out = soc2(&["add", "--locker", s(&locker), s(&evidence), "--attach", s(&csv)], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    locker
}

/// The allowed_signers line keygen prints, written to `path`.
fn trust(keygen_stdout: &str, path: &Path) {
    let line = keygen_stdout.lines().find(|l| l.contains("namespaces=")).unwrap();
    fs_err::write(path, format!("{line}\n")).unwrap();
}

#[test]
fn keygen_export_verify() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let locker = locker(dir);
    let key = dir.join("bundle-key");

    let out = soc2(&["keygen", "-o", s(&key), "--comment", "ops@example.com"], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let keygen_out = stdout(&out);
    assert!(
        fs_err::read_to_string(&key).unwrap().starts_with("-----BEGIN OPENSSH PRIVATE KEY-----")
    );
    assert!(
        fs_err::read_to_string(dir.join("bundle-key.pub")).unwrap().starts_with("ssh-ed25519 ")
    );
    // Never overwrites a key.
    let again = soc2(&["keygen", "-o", s(&key)], &[]);
    assert_eq!(code(&again), 2);
    assert!(stderr(&again).contains("already exists"), "{}", stderr(&again));

    let bundle = dir.join("acme-2026.zip");
    let out = soc2(
        &[
            "export",
            "--locker",
            s(&locker),
            "--period",
            "2026-01-01..2026-12-31",
            "--key",
            s(&key),
            "-o",
            s(&bundle),
        ],
        &[],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("1 records, 1 attachments"), "{}", stdout(&out));
    // No progress bar when stderr is not a terminal.
    assert_eq!(stderr(&out), "");

    let trusted = dir.join("trusted_signers");
    trust(&keygen_out, &trusted);
    let out = soc2(&["verify", s(&bundle), "--allowed-signers", s(&trusted)], &[]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).contains("signed by:   ops@example.com"), "{}", stdout(&out));

    let out = soc2(
        &[
            "verify",
            s(&bundle),
            "--allowed-signers",
            s(&trusted),
            "--identity",
            "ops@example.com",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code(&out), 0);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["verified"], true);
    assert_eq!(v["origin"], "example.com/soc2/cli");
    assert_eq!(v["tree_size"], 1);
    assert_eq!(v["records"].as_array().unwrap().len(), 1);

    // Rejected: another identity, another key, a tampered bundle (exit 1, with reason).
    let out = soc2(
        &[
            "verify",
            s(&bundle),
            "--allowed-signers",
            s(&trusted),
            "--identity",
            "mallory@example.com",
            "--format",
            "json",
        ],
        &[],
    );
    assert_eq!(code(&out), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["verified"], false);
    assert_eq!(v["check"], "bundle.identity_not_allowed");
    assert_eq!(code(&out), documented_exit("bundle.identity_not_allowed"));

    let other = dir.join("other-key");
    let out = soc2(&["keygen", "-o", s(&other), "--comment", "ops@example.com"], &[]);
    let wrong = dir.join("wrong_signers");
    trust(&stdout(&out), &wrong);
    let out = soc2(&["verify", s(&bundle), "--allowed-signers", s(&wrong)], &[]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).starts_with("REJECTED: "), "{}", stdout(&out));
    assert!(stdout(&out).contains("not a trusted signer"));

    let mut bytes = fs_err::read(&bundle).unwrap();
    bytes.extend_from_slice(b"appended");
    let tampered = dir.join("tampered.zip");
    fs_err::write(&tampered, bytes).unwrap();
    let out =
        soc2(&["verify", s(&tampered), "--allowed-signers", s(&trusted), "--format", "json"], &[]);
    assert_eq!(code(&out), 1);
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["check"], "archive.layout");
    assert_eq!(code(&out), documented_exit("archive.layout"));
    assert!(v["reason"].as_str().unwrap().contains("follow the end of the archive"), "{v}");

    // Input errors: no bundle, a malformed trust file, bad arguments (exit 2).
    let out = soc2(
        &["verify", s(&dir.join("nope.zip")), "--allowed-signers", s(&trusted), "--format", "json"],
        &[],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    // The bundle is opened as a regular input file first (no FIFO, no device), so a
    // missing one is an input error.
    assert_eq!((v["error"].as_str(), v["check"].as_str()), (Some("input"), Some("input.io")));
    assert_eq!(code(&out), 2);
    assert_eq!(code(&out), documented_exit("input.io"));
    fs_err::write(dir.join("bad_signers"), "ops@example.com\n").unwrap();
    let out = soc2(
        &[
            "verify",
            s(&bundle),
            "--allowed-signers",
            s(&dir.join("bad_signers")),
            "--format",
            "json",
        ],
        &[],
    );
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(v["check"], "bundle.allowed_signers");
    assert_eq!(code(&out), documented_exit("bundle.allowed_signers"));
    let out = soc2(&["verify", s(&bundle), "--allowed-signers", s(&dir.join("bad_signers"))], &[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("line 1"), "{}", stderr(&out));
    let out = soc2(&["verify", s(&bundle)], &[]);
    assert_eq!(code(&out), 2);
    let out = soc2(
        &[
            "export",
            "--locker",
            s(&locker),
            "--period",
            "2026-12-31..2026-01-01",
            "--key",
            s(&key),
            "-o",
            s(&bundle),
        ],
        &[],
    );
    assert_eq!(code(&out), 2);
}

#[test]
fn passphrase_protected_key_from_the_environment() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let locker = locker(dir);
    let key = dir.join("locked-key");
    let pass = [("SOC2_KEY_PASSPHRASE", "correct horse battery staple")];
    let out = soc2(&["keygen", "-o", s(&key)], &pass);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("passphrase-protected"));
    let bundle = dir.join("b.zip");
    let export = |env: &[(&str, &str)]| {
        soc2(
            &[
                "export",
                "--locker",
                s(&locker),
                "--period",
                "2026-03-28",
                "--key",
                s(&key),
                "-o",
                s(&bundle),
            ],
            env,
        )
    };
    let out = export(&[]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("SOC2_KEY_PASSPHRASE"), "{}", stderr(&out));
    let out = export(&[("SOC2_KEY_PASSPHRASE", "wrong")]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("wrong passphrase"), "{}", stderr(&out));
    let out = export(&pass);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("signed as soc2-signer"), "{}", stdout(&out));
}

#[test]
fn export_of_a_corrupt_locker_exits_1_and_writes_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let locker = locker(dir);
    let key = dir.join("k");
    assert_eq!(code(&soc2(&["keygen", "-o", s(&key)], &[])), 0);
    // Flip a byte of the one blob, keeping its size.
    let blobs = locker.join("blobs").join("sha256");
    let sub = fs_err::read_dir(&blobs).unwrap().next().unwrap().unwrap().path();
    let blob = fs_err::read_dir(&sub).unwrap().next().unwrap().unwrap().path();
    let mut bytes = fs_err::read(&blob).unwrap();
    bytes[0] ^= 1;
    fs_err::write(&blob, bytes).unwrap();
    let out_dir = dir.join("out");
    fs_err::create_dir(&out_dir).unwrap();
    let out = soc2(
        &[
            "export",
            "--locker",
            s(&locker),
            "--period",
            "2026-01-01..2026-12-31",
            "--key",
            s(&key),
            "-o",
            s(&out_dir.join("b.zip")),
        ],
        &[],
    );
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("corrupt"), "{}", stderr(&out));
    assert_eq!(fs_err::read_dir(&out_dir).unwrap().count(), 0);
}

#[cfg(unix)]
#[test]
fn export_interrupted_by_ctrl_c_exits_130_and_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let locker = dir.join("locker");
    assert_eq!(code(&soc2(&["init", s(&locker)], &[])), 0);
    // One large incompressible attachment, so that the export is still streaming when
    // the signal comes: it is sent once the temporary file holds its first MiB.
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let big: Vec<u8> = (0..48 << 20)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state as u8
        })
        .collect();
    let media = dir.join("badges.png");
    fs_err::write(&media, &big).unwrap();
    let evidence = dir.join("evidence.json");
    fs_err::write(&evidence, EVIDENCE).unwrap();
    let out = soc2(&["add", "--locker", s(&locker), s(&evidence), "--attach", s(&media)], &[]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let key = dir.join("k");
    assert_eq!(code(&soc2(&["keygen", "-o", s(&key)], &[])), 0);
    let out_dir = dir.join("out");
    fs_err::create_dir(&out_dir).unwrap();
    let target = out_dir.join("b.zip");
    fs_err::write(&target, "the previous bundle").unwrap();

    let child = Command::new(env!("CARGO_BIN_EXE_soc2"))
        .args(["export", "--locker", s(&locker), "--period", "2026-01-01..2026-12-31"])
        .args(["--key", s(&key), "-o", s(&target), "--force"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let started = std::time::Instant::now();
    let partial_started = || {
        fs_err::read_dir(&out_dir).unwrap().any(|e| {
            let e = e.unwrap();
            e.file_name().to_string_lossy().ends_with(".partial")
                && e.metadata().is_ok_and(|m| m.len() >= 1 << 20)
        })
    };
    while !partial_started() {
        assert!(started.elapsed().as_secs() < 120, "the export never started writing");
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
    let kill = Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(kill.success());
    let out = child.wait_with_output().unwrap();
    assert_eq!(code(&out), 130, "{}", stderr(&out));
    assert!(stderr(&out).contains("interrupted: nothing was written"), "{}", stderr(&out));
    assert_eq!(fs_err::read(&target).unwrap(), b"the previous bundle");
    assert_eq!(fs_err::read_dir(&out_dir).unwrap().count(), 1, "no temporary file left");
}

#[test]
fn attachments_of_unknown_type_are_stored_or_deflated_by_their_content() {
    // `--attach` of a `.bin` records `application/octet-stream`: random bytes are stored,
    // text deflated, and the bundle verifies.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let locker = dir.join("locker");
    assert_eq!(code(&soc2(&["init", s(&locker)], &[])), 0);
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let noise: Vec<u8> = (0..300_000)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 24) as u8
        })
        .collect();
    let text: Vec<u8> =
        (0..5000).flat_map(|i| format!("user{i},keep,2026-03-28\n").into_bytes()).collect();
    let (noise_bin, text_bin) = (dir.join("noise.bin"), dir.join("export.bin"));
    fs_err::write(&noise_bin, &noise).unwrap();
    fs_err::write(&text_bin, &text).unwrap();
    let evidence = dir.join("evidence.json");
    fs_err::write(&evidence, EVIDENCE).unwrap();
    let out = soc2(
        &["add", "--locker", s(&locker), s(&evidence)]
            .into_iter()
            .chain(["--attach", s(&noise_bin), "--attach", s(&text_bin)])
            .collect::<Vec<_>>(),
        &[],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let key = dir.join("k");
    let keygen = soc2(&["keygen", "-o", s(&key)], &[]);
    assert_eq!(code(&keygen), 0);
    let bundle = dir.join("b.zip");
    let out = soc2(
        &["export", "--locker", s(&locker), "--period", "2026-01-01..2026-12-31"]
            .into_iter()
            .chain(["--key", s(&key), "-o", s(&bundle)])
            .collect::<Vec<_>>(),
        &[],
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    use soc2_core::bundle::archive::{Compression, Limits, SafeArchive};
    let archive = SafeArchive::open(&bundle, Limits::default()).unwrap();
    let mut blobs: Vec<(u64, Compression)> = archive
        .members()
        .iter()
        .filter(|m| m.name().starts_with("blobs/"))
        .map(|m| (m.size(), m.compression()))
        .collect();
    blobs.sort_by_key(|b| b.0);
    assert_eq!(blobs, [(text.len() as u64, Compression::Deflated), (300_000, Compression::Stored)]);

    let trusted = dir.join("trusted");
    trust(&stdout(&keygen), &trusted);
    let out = soc2(&["verify", s(&bundle), "--allowed-signers", s(&trusted)], &[]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
}
