//! `soc2 workpapers`, `soc2 sample` and `soc2 requests` end to end, against the
//! scenario folders under `tests/audit/` (expected files written by hand: see each
//! folder's README.md).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn soc2(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_soc2")).args(args).output().unwrap()
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

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn scenario(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/audit").join(name)
}

fn read(p: &Path) -> String {
    fs_err::read_to_string(p).unwrap()
}

/// `--evidence`, `--catalog` and `--period` of the okta_q3_and_vendors scenario.
fn source(dir: &Path) -> Vec<String> {
    [
        "--evidence",
        s(&dir.join("evidence.jsonl")),
        "--catalog",
        s(&dir.join("catalog.toml")),
        "--period",
        "2026-01-01..2026-12-31",
    ]
    .iter()
    .map(|a| (*a).to_owned())
    .collect()
}

fn run(command: &str, dir: &Path, extra: &[&str]) -> Output {
    let mut args: Vec<String> = vec![command.to_owned()];
    args.extend(source(dir));
    args.extend(extra.iter().map(|a| (*a).to_owned()));
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    soc2(&refs)
}

#[test]
fn workpapers_are_the_hand_written_sheets() {
    let dir = scenario("okta_q3_and_vendors");
    let tmp = tempfile::tempdir().unwrap();
    let out_dir = tmp.path().join("wp");
    let out = run("workpapers", &dir, &["--as-of", "2026-12-31", "-o", s(&out_dir)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("wrote 3 workpapers"), "{}", stdout(&out));
    for name in ["summary.csv", "population/AC-01.csv", "population/VEN-01.csv"] {
        assert_eq!(read(&out_dir.join(name)), read(&dir.join("expected").join(name)), "{name}");
    }
    let mut files: Vec<String> = fs_err::read_dir(out_dir.join("population"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    files.sort();
    assert_eq!(files, ["AC-01.csv", "VEN-01.csv"]);

    // A second run is refused: the directory is not empty.
    let again = run("workpapers", &dir, &["--as-of", "2026-12-31", "-o", s(&out_dir)]);
    assert_eq!(code(&again), 2);
    assert!(stderr(&again).contains("not empty; pass --force"), "{}", stderr(&again));
    // With --force, a stale sheet goes, other files stay, the output is the same.
    fs_err::write(out_dir.join("population/OLD-01.csv"), "stale").unwrap();
    fs_err::write(out_dir.join("notes.txt"), "mine").unwrap();
    let forced = run("workpapers", &dir, &["--as-of", "2026-12-31", "-o", s(&out_dir), "--force"]);
    assert_eq!(code(&forced), 0, "{}", stderr(&forced));
    assert!(!out_dir.join("population/OLD-01.csv").exists());
    assert_eq!(read(&out_dir.join("notes.txt")), "mine");
    assert_eq!(
        read(&out_dir.join("summary.csv")),
        read(&dir.join("expected/summary.csv")),
        "deterministic"
    );
}

#[test]
fn request_list_in_markdown_and_csv() {
    let dir = scenario("okta_q3_and_vendors");
    let md = run("requests", &dir, &["--as-of", "2026-12-31"]);
    assert_eq!(code(&md), 0, "{}", stderr(&md));
    assert_eq!(stdout(&md), read(&dir.join("expected/requests.md")));
    let csv = run("requests", &dir, &["--as-of", "2026-12-31", "--format", "csv"]);
    assert_eq!(stdout(&csv), read(&dir.join("expected/requests.csv")));
    let early = run("requests", &dir, &["--as-of", "2026-11-15", "--format", "csv"]);
    assert_eq!(stdout(&early), read(&dir.join("expected/requests-2026-11-15.csv")));
    let json = run("requests", &dir, &["--as-of", "2026-12-31", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(v["requests"].as_array().unwrap().len(), 11);
    assert_eq!(v["requests"][5]["status"], "missing");
    assert_eq!(v["requests"][5]["subject"], "okta");
}

#[test]
fn sample_is_reproducible_and_redoable_by_hand() {
    let dir = scenario("okta_q3_and_vendors");
    // The eight units of AC-01 and the first 16 hex digits of
    // printf '%s' "s$UNIT" | sha256sum, computed by hand, smallest first:
    //   04cce456568843c2  2026-Q3/github 2026-Q3
    //   3b29111f89d4a969  2026-Q4/github 2026-Q4
    //   4fb23c8d3bad538f  2026-Q3/okta 2026-Q3
    //   6e33ad005104c430  2026-Q1/github 2026-Q1
    //   7c72001017320b34  2026-Q1/okta 2026-Q1
    //   8e24256b36d82d6f  2026-Q2/okta 2026-Q2
    //   d465ba7c0051b484  2026-Q4/okta 2026-Q4
    //   f340348118d80f20  2026-Q2/github 2026-Q2
    // AC-01 is quarterly: a sample of 2.
    let args = ["--control", "AC-01", "--as-of", "2026-12-31", "--seed", "s", "--format", "json"];
    let a = run("sample", &dir, &args);
    assert_eq!(code(&a), 0, "{}", stderr(&a));
    let v: serde_json::Value = serde_json::from_str(&stdout(&a)).unwrap();
    let units: Vec<&str> =
        v["selected"].as_array().unwrap().iter().map(|u| u["unit"].as_str().unwrap()).collect();
    assert_eq!(units, ["2026-Q3/github 2026-Q3", "2026-Q4/github 2026-Q4"]);
    assert!(v["selected"][0]["sha256"].as_str().unwrap().starts_with("04cce456568843c2"));
    assert_eq!((v["population"].as_u64(), v["size"].as_u64()), (Some(8), Some(2)));
    assert_eq!(v["frequency"], "quarterly");

    // The same twice.
    let b = run("sample", &dir, &args);
    assert_eq!(stdout(&a), stdout(&b));
    // --size 3 adds the third smallest.
    let three = run(
        "sample",
        &dir,
        &["--control", "AC-01", "--as-of", "2026-12-31", "--seed", "s", "--size", "3"],
    );
    let text = stdout(&three);
    assert!(text.contains("2026-Q3/okta 2026-Q3  deviation  records -"), "{text}");
    assert_eq!(text.lines().filter(|l| l.contains("  2026-Q")).count(), 3, "{text}");
    // Another seed, another sample (by hand with "t": 00b08ffa6d9a003a 2026-Q2/github,
    // 0a80fa8ebae45992 2026-Q1/okta).
    let other = run(
        "sample",
        &dir,
        &["--control", "AC-01", "--as-of", "2026-12-31", "--seed", "t", "--format", "json"],
    );
    let w: serde_json::Value = serde_json::from_str(&stdout(&other)).unwrap();
    let units: Vec<&str> =
        w["selected"].as_array().unwrap().iter().map(|u| u["unit"].as_str().unwrap()).collect();
    assert_eq!(units, ["2026-Q2/github 2026-Q2", "2026-Q1/okta 2026-Q1"]);
    // A population smaller than the size is taken whole.
    let all = run(
        "sample",
        &dir,
        &["--control", "VEN-01", "--as-of", "2026-12-31", "--seed", "s", "--size", "10"],
    );
    assert!(stdout(&all).starts_with("sample of VEN-01: 3 of 3 units (size 10, given"));
    // Without a locker, the seed must be given; an unknown control is an input error.
    let no_seed = run("sample", &dir, &["--control", "AC-01"]);
    assert_eq!(code(&no_seed), 2);
    assert!(stderr(&no_seed).contains("--seed is needed"), "{}", stderr(&no_seed));
    let unknown = run("sample", &dir, &["--control", "XX-99", "--seed", "s"]);
    assert_eq!(code(&unknown), 2);
}

#[test]
fn sample_seed_defaults_to_the_signed_checkpoint_root() {
    let dir = scenario("okta_q3_and_vendors");
    let tmp = tempfile::tempdir().unwrap();
    let locker = tmp.path().join("locker");
    let out = soc2(&["init", s(&locker), "--origin", "example.com/soc2/audit"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let lines = read(&dir.join("evidence.jsonl"));
    // The first six records (observed by 2026-09-10: none in the future of the clock).
    let add = |line: &str, i: usize| {
        let file = tmp.path().join(format!("e{i}.json"));
        fs_err::write(&file, line).unwrap();
        let out = soc2(&["add", "--locker", s(&locker), s(&file)]);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    };
    let lines: Vec<&str> = lines.lines().collect();
    for (i, line) in lines.iter().take(5).enumerate() {
        add(line, i);
    }
    let key = tmp.path().join("key");
    assert_eq!(code(&soc2(&["keygen", "-o", s(&key)])), 0);
    let signed = soc2(&["checkpoint", "--locker", s(&locker), "--sign", s(&key)]);
    assert_eq!(code(&signed), 0, "{}", stderr(&signed));
    // The note: origin, size, base64 root.
    let note = stdout(&signed);
    let root_b64 = note.lines().nth(2).unwrap();
    let root = base64_decode(root_b64);
    let root_hex: String = root.iter().map(|b| format!("{b:02x}")).collect();
    // A record after the signed checkpoint does not change the seed.
    add(lines[5], 5);
    let catalog = dir.join("catalog.toml");
    let sample = |extra: &[&str]| {
        let mut args = vec![
            "sample",
            "--control",
            "AC-01",
            "--locker",
            s(&locker),
            "--catalog",
            s(&catalog),
            "--period",
            "2026-01-01..2026-12-31",
            "--as-of",
            "2026-09-30",
            "--format",
            "json",
        ];
        args.extend_from_slice(extra);
        let out = soc2(&args);
        assert_eq!(code(&out), 0, "{}", stderr(&out));
        serde_json::from_str::<serde_json::Value>(&stdout(&out)).unwrap()
    };
    let v = sample(&[]);
    assert_eq!(v["seed"], root_hex.as_str());
    assert!(v["seed_source"].as_str().unwrap().contains("signed checkpoint of 5 records"));
    // Giving that root as the seed gives the same sample.
    assert_eq!(sample(&["--seed", &root_hex])["selected"], v["selected"]);
}

/// Standard base64 (the checkpoint's root line).
fn base64_decode(text: &str) -> Vec<u8> {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut bits = 0u32;
    let mut n = 0;
    let mut out = Vec::new();
    for c in text.trim().bytes().filter(|c| *c != b'=') {
        let v = ALPHABET.iter().position(|a| *a == c).unwrap() as u32;
        bits = (bits << 6) | v;
        n += 6;
        if n >= 8 {
            n -= 8;
            out.push((bits >> n) as u8);
        }
    }
    out
}

#[test]
fn requests_from_a_locker_show_records_recorded_late() {
    let dir = scenario("okta_q3_and_vendors");
    let tmp = tempfile::tempdir().unwrap();
    let locker = tmp.path().join("locker");
    assert_eq!(code(&soc2(&["init", s(&locker)])), 0);
    // okta's Q1 review, recorded today: months after it was observed, without
    // provenance, so it is late and does not count.
    let line = read(&dir.join("evidence.jsonl")).lines().nth(1).unwrap().to_owned();
    let file = tmp.path().join("okta.json");
    fs_err::write(&file, line).unwrap();
    assert_eq!(code(&soc2(&["add", "--locker", s(&locker), s(&file)])), 0);
    let out = soc2(&[
        "requests",
        "--locker",
        s(&locker),
        "--catalog",
        s(&dir.join("catalog.toml")),
        "--period",
        "2026-01-01..2026-03-31",
        "--as-of",
        "2026-03-31",
        "--format",
        "csv",
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.contains(",2026-Q1,okta,access_review,2026-03-31,late,0\r\n"), "{text}");
    assert!(text.contains(",2026-Q1,github,access_review,2026-03-31,missing,\r\n"), "{text}");
}
