//! Trusted time and continuity end to end: signed checkpoints (`soc2 checkpoint --sign`,
//! checked by `ssh-keygen -Y verify` and `soc2 fsck`), and quarterly bundles chained
//! with `--previous`, checked by `soc2 verify` and the bundle's own `verify.py`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;

use common::*;

fn have(tool: &str) -> bool {
    Command::new(tool).arg("-h").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok()
}

/// Adds evidence observed on `day` (YYYY-MM-DD) with a note `title`.
fn add(locker: &Path, day: &str, title: &str) {
    let doc = format!(
        r#"{{"collected_at":"{day}T10:00:00Z","collector":{{"person":{{"id":"alice@example.com"}}}},"controls":["AC-01"],"observed_at":"{day}T09:00:00Z","payload":{{"note":{{"title":"{title}"}}}},"source":"okta"}}"#
    );
    let f = locker.with_extension("evidence.json");
    fs_err::write(&f, doc).unwrap();
    ok(soc2(&["add", "--locker", s(locker), s(&f)]));
}

fn init(dir: &Path, name: &str) -> PathBuf {
    let locker = dir.join(name);
    ok(soc2(&["init", s(&locker), "--origin", "example.com/soc2/acme"]));
    locker
}

/// A key and a trusted allowed_signers file for both namespaces.
fn key(dir: &Path) -> (PathBuf, PathBuf) {
    let key = dir.join("key");
    ok(soc2(&["keygen", "-o", s(&key), "--comment", "ops@example.com"]));
    let public = fs_err::read_to_string(dir.join("key.pub")).unwrap();
    let public = public.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    let trusted = dir.join("trusted");
    fs_err::write(
        &trusted,
        format!(
            "ops@example.com namespaces=\"soc2-evidence-bundle-v1,soc2-checkpoint-v1\" {public}\n"
        ),
    )
    .unwrap();
    (key, trusted)
}

#[test]
fn signed_checkpoints_verify_with_ssh_keygen_and_fsck_names_the_one_a_rewrite_contradicts() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (key, trusted) = key(dir);
    let locker = init(dir, "locker");
    add(&locker, "2026-01-10", "q1 review");
    add(&locker, "2026-02-10", "q1 training");

    let note = ok(soc2(&["checkpoint", "--locker", s(&locker), "--sign", s(&key)]));
    let lines: Vec<&str> = note.lines().collect();
    assert_eq!(lines[0], "example.com/soc2/acme");
    assert_eq!(lines[1], "2");
    assert_eq!(lines[3], "");
    assert!(lines[4].starts_with("\u{2014} example.com/soc2/acme "), "{note}");
    let cps = locker.join("checkpoints");
    let note_file = cps.join("00000000000000000002.note");
    assert_eq!(fs_err::read_to_string(&note_file).unwrap(), note);
    // Signing again is a no-op.
    assert_eq!(ok(soc2(&["checkpoint", "--locker", s(&locker), "--sign", s(&key)])), note);

    if have("ssh-keygen") {
        let verify = |namespace: &str| {
            Command::new("ssh-keygen")
                .args(["-Y", "verify", "-f", s(&trusted), "-I", "ops@example.com", "-n"])
                .arg(namespace)
                .arg("-s")
                .arg(cps.join("00000000000000000002.note.sig"))
                .stdin(fs_err::File::open(&note_file).unwrap().into_parts().0)
                .output()
                .unwrap()
        };
        let good = verify("soc2-checkpoint-v1");
        assert!(good.status.success(), "{}", String::from_utf8_lossy(&good.stderr));
        assert!(!verify("soc2-evidence-bundle-v1").status.success());
    }

    add(&locker, "2026-03-10", "q1 vendor review");
    ok(soc2(&["checkpoint", "--locker", s(&locker), "--sign", s(&key)]));
    let fsck = ok(soc2(&["fsck", "--locker", s(&locker)]));
    assert!(
        fsck.contains("ok: extends signed checkpoint example.com/soc2/acme of 2 records"),
        "{fsck}"
    );
    assert!(
        fsck.contains("ok: extends signed checkpoint example.com/soc2/acme of 3 records"),
        "{fsck}"
    );

    // A rewritten locker: same origin, its second record different, whole and sound on
    // its own; the signed checkpoints kept from before contradict it.
    let forged = init(dir, "forged");
    add(&forged, "2026-01-10", "q1 review");
    add(&forged, "2026-02-10", "q1 training (redone)");
    add(&forged, "2026-03-10", "q1 vendor review");
    fs_err::create_dir(forged.join("checkpoints")).unwrap();
    for f in fs_err::read_dir(&cps).unwrap() {
        let f = f.unwrap().path();
        fs_err::copy(&f, forged.join("checkpoints").join(f.file_name().unwrap())).unwrap();
    }
    let out = soc2(&["fsck", "--locker", s(&forged)]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("00000000000000000002.note: signed checkpoint"), "{text}");
    assert!(text.contains("00000000000000000003.note: signed checkpoint"), "{text}");
    assert!(text.contains("history rewritten"), "{text}");
    // Signing the forged locker at size 3 is refused: another note is stored for it.
    let out = soc2(&["checkpoint", "--locker", s(&forged), "--sign", s(&key)]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("append-only"));

    // A note whose signature was tampered with is damage too.
    let tampered = fs_err::read_to_string(&note_file).unwrap().replace("\n2\n", "\n1\n");
    fs_err::write(&note_file, tampered).unwrap();
    let out = soc2(&["fsck", "--locker", s(&locker)]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("00000000000000000002.note: signed checkpoint"), "{text}");
}

fn export(locker: &Path, key: &Path, period: &str, out: &Path, previous: Option<&Path>) -> Output {
    let mut args = vec![
        "export",
        "--locker",
        s(locker),
        "--period",
        period,
        "--key",
        s(key),
        "-o",
        s(out),
        "--as-of",
        "2026-07-01",
    ];
    if let Some(p) = previous {
        args.extend(["--previous", s(p)]);
    }
    soc2(&args)
}

fn verify(bundle: &Path, trusted: &Path, previous: &Path) -> Output {
    soc2(&["verify", s(bundle), "--allowed-signers", s(trusted), "--previous", s(previous)])
}

/// Runs the bundle's own verify.py (extracted from it with Python's zipfile module) on
/// `bundle` against `previous`.
fn verify_py(bundle: &Path, previous: &Path, work: &Path) -> Output {
    let dir = work.join(format!("x-{}", bundle.file_name().unwrap().to_str().unwrap()));
    let out =
        Command::new("python3").args(["-m", "zipfile", "-e", s(bundle), s(&dir)]).output().unwrap();
    assert!(out.status.success());
    Command::new("python3")
        .arg(dir.join("verify.py"))
        .arg(&dir)
        .args(["--previous", s(previous)])
        .output()
        .unwrap()
}

fn copy_dir(from: &Path, to: &Path) {
    fs_err::create_dir_all(to).unwrap();
    for e in fs_err::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let target = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            fs_err::copy(&p, &target).unwrap();
        }
    }
}

fn rejected(o: &Output, needle: &str) {
    let text =
        format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(o.status.code(), Some(1), "{text}");
    assert!(text.contains(needle), "expected {needle:?} in: {text}");
}

#[test]
fn quarterly_bundles_chain_and_rewritten_forked_or_shortened_history_is_rejected() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let (key, trusted) = key(dir);
    let locker = init(dir, "locker");
    add(&locker, "2026-01-10", "q1 access review");
    add(&locker, "2026-02-10", "q1 training");
    // A copy of the locker taken here diverges from record 2 on: a fork.
    copy_dir(&locker, &dir.join("fork"));
    add(&locker, "2026-03-10", "q1 vendor review");
    ok(soc2(&["checkpoint", "--locker", s(&locker), "--sign", s(&key)]));
    let q1 = dir.join("q1.zip");
    ok(export(&locker, &key, "2026-01-01..2026-03-31", &q1, None));

    add(&locker, "2026-04-10", "q2 access review");
    add(&locker, "2026-05-10", "q2 incident drill");
    ok(soc2(&["checkpoint", "--locker", s(&locker), "--sign", s(&key)]));
    let q2 = dir.join("q2.zip");
    ok(export(&locker, &key, "2026-04-01..2026-06-30", &q2, Some(&q1)));

    let out = ok(verify(&q2, &trusted, &q1));
    assert!(out.contains("extends:     signed checkpoint of 3 records"), "{out}");
    assert!(out.contains("extends:     signed checkpoint of 5 records"), "{out}");
    assert!(out.contains("extends:     previous checkpoint of 3 records (proof carried)"), "{out}");
    let py = verify_py(&q2, &q1, dir);
    let py_out = String::from_utf8_lossy(&py.stdout);
    assert!(py.status.success(), "{py_out}{}", String::from_utf8_lossy(&py.stderr));
    assert!(py_out.contains("consistency: OK"), "{py_out}");
    assert!(py_out.contains("previous bundle: OK"), "{py_out}");
    assert!(py_out.contains("signed checkpoints: OK, the bundle extends all 2"), "{py_out}");

    // Rewritten: a copy of the locker whose record 1 says something else, its hash
    // chain recomputed so that the ledger is sound on its own, its signed checkpoints
    // (which would betray it) deleted.
    let rewritten = dir.join("rewritten");
    copy_dir(&locker, &rewritten);
    fs_err::remove_dir_all(rewritten.join("checkpoints")).unwrap();
    rewrite_record(&rewritten.join("ledger.jsonl"), 1);
    ok(soc2(&["fsck", "--locker", s(&rewritten)]));
    // The exporter refuses to chain it to Q1 ...
    let refused =
        export(&rewritten, &key, "2026-04-01..2026-06-30", &dir.join("no.zip"), Some(&q1));
    assert_ne!(refused.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("does not extend"));
    // ... and without the chain, verification against Q1 names the record.
    let q2_rewritten = dir.join("q2-rewritten.zip");
    ok(export(&rewritten, &key, "2026-04-01..2026-06-30", &q2_rewritten, None));
    rejected(&verify(&q2_rewritten, &trusted, &q1), "record 1 differs");
    rejected(&verify_py(&q2_rewritten, &q1, dir), "record 1 differs");

    // Forked: the copy taken at 2 records goes its own way.
    let fork = dir.join("fork");
    add(&fork, "2026-03-11", "q1 vendor review (fork)");
    add(&fork, "2026-04-10", "q2 access review");
    let q2_fork = dir.join("q2-fork.zip");
    ok(export(&fork, &key, "2026-04-01..2026-06-30", &q2_fork, None));
    rejected(&verify(&q2_fork, &trusted, &q1), "record 2 differs");
    rejected(&verify_py(&q2_fork, &q1, dir), "record 2 differs");

    // Removed: a locker holding only the first two records.
    let short = dir.join("short");
    copy_dir(&locker, &short);
    // Keep only the ledger's first two lines (and no signed checkpoints).
    let ledger = fs_err::read_to_string(short.join("ledger.jsonl")).unwrap();
    let two: String = ledger.lines().take(2).map(|l| format!("{l}\n")).collect();
    fs_err::write(short.join("ledger.jsonl"), two).unwrap();
    fs_err::remove_dir_all(short.join("checkpoints")).unwrap();
    let q2_short = dir.join("q2-short.zip");
    ok(export(&short, &key, "2026-01-01..2026-06-30", &q2_short, None));
    rejected(&verify(&q2_short, &trusted, &q1), "removed");
    rejected(&verify_py(&q2_short, &q1, dir), "removed");

    // The error codes a script sees (docs/errors.md): a rewrite is a rejection naming
    // its record; a previous bundle that is not there is bad input (exit 2), not a verdict.
    let json = |bundle: &Path, previous: &Path| {
        let o = soc2(&[
            "verify",
            s(bundle),
            "--allowed-signers",
            s(&trusted),
            "--previous",
            s(previous),
            "--format",
            "json",
        ]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        (o.status.code(), v["check"].as_str().unwrap_or_default().to_owned())
    };
    assert_eq!(json(&q2_rewritten, &q1), (Some(1), "bundle.not_an_extension".to_owned()));
    assert_eq!(json(&q2, &dir.join("missing.zip")), (Some(2), "input.io".to_owned()));
    // A previous bundle that is itself tampered with is a rejection of its own.
    let bad_q1 = dir.join("bad-q1.zip");
    let mut bytes = fs_err::read(&q1).unwrap();
    let at = bytes.len() / 2;
    bytes[at] ^= 0xff;
    fs_err::write(&bad_q1, bytes).unwrap();
    assert_eq!(json(&q2, &bad_q1).0, Some(1));
}

/// Rewrites record `seq` of a ledger (its note's title) and recomputes the hash chain of
/// every record after it, with Python's json (sorted keys, compact: RFC 8785 for these
/// ASCII documents) and hashlib.
fn rewrite_record(ledger: &Path, seq: usize) {
    let script = r#"
import hashlib, json, sys
path, target = sys.argv[1], int(sys.argv[2])
lines = open(path, "rb").read().split(b"\n")[:-1]
prev = None
out = []
for i, line in enumerate(lines):
    rec = json.loads(line)
    if i == target:
        rec["evidence"]["payload"]["note"]["title"] += " (rewritten)"
    if prev is not None:
        rec["prev"] = prev
    line = json.dumps(rec, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    prev = hashlib.sha256(b"\x00" + line).hexdigest()
    out.append(line)
open(path, "wb").write(b"".join(l + b"\n" for l in out))
"#;
    let out =
        Command::new("python3").args(["-c", script, s(ledger), &seq.to_string()]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}
