//! Trusted time and continuity end to end: signed checkpoints (`soc2 checkpoint --sign`,
//! checked by `ssh-keygen -Y verify` and `soc2 fsck`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

fn soc2(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_soc2"))
        .args(args)
        .env_remove("SOC2_KEY_PASSPHRASE")
        .output()
        .unwrap()
}

fn ok(o: Output) -> String {
    assert_eq!(
        o.status.code(),
        Some(0),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

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
