//! The `soc2` command line end to end: init, add, log, fsck and their exit codes.

use std::path::Path;
use std::process::{Command, Output, Stdio};

fn soc2(args: &[&str]) -> Output {
    soc2_with_stdin(args, None)
}

fn soc2_with_stdin(args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_soc2"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut input = child.stdin.take().unwrap();
        if let Some(bytes) = stdin {
            input.write_all(bytes).unwrap();
        }
    }
    child.wait_with_output().unwrap()
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

/// An evidence document without attachments (they are added with `--attach`).
const EVIDENCE: &str = r#"{
  "collected_at": "2026-04-02T09:00:00Z",
  "collector": {"person": {"id": "alice@example.com"}},
  "controls": ["AC-01"],
  "observed_at": "2026-03-28T14:05:00Z",
  "payload": {"note": {"title": "Badge access log export"}},
  "source": "facilities"
}"#;

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

#[test]
fn init_add_log_fsck_end_to_end() {
    let tmp = tempfile::tempdir().unwrap();
    let locker = tmp.path().join("locker");
    let out = soc2(&["init", s(&locker), "--origin", "example.com/soc2/cli"]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("example.com/soc2/cli"));

    let evidence = tmp.path().join("evidence.json");
    fs_err::write(&evidence, EVIDENCE).unwrap();
    let csv = tmp.path().join("badges.csv");
    fs_err::write(&csv, "who,when\nalice,2026-03-28\n").unwrap();
    let log_file = tmp.path().join("export.LOG");
    fs_err::write(&log_file, "raw\n").unwrap();
    let out = soc2(&[
        "add",
        "--locker",
        s(&locker),
        s(&evidence),
        "--attach",
        s(&csv),
        "--attach",
        s(&log_file),
    ]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let printed = stdout(&out);
    let (seq, leaf) = printed.trim().split_once(' ').unwrap();
    assert_eq!(seq, "0");
    assert_eq!(leaf.len(), 64);

    // From standard input, file argument omitted.
    let out = soc2_with_stdin(&["add", "--locker", s(&locker)], Some(EVIDENCE.as_bytes()));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("1 "));

    let out = soc2(&["log", "--locker", s(&locker)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let text = stdout(&out);
    assert_eq!(text.lines().count(), 2);
    assert!(text.contains(leaf), "{text}");
    assert!(text.contains("AC-01"), "{text}");

    let out = soc2(&["log", "--locker", s(&locker), "--format", "json"]);
    assert_eq!(code(&out), 0);
    let lines: Vec<serde_json::Value> =
        stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines[0]["seq"], 0);
    let attachments = lines[0]["evidence"]["attachments"].as_array().unwrap();
    assert_eq!(attachments.len(), 2);
    assert_eq!(attachments[0]["file_name"], "badges.csv");
    assert_eq!(attachments[0]["media_type"], "text/csv");
    assert_eq!(attachments[1]["media_type"], "text/plain");
    assert_eq!(lines[1]["prev"], leaf);

    let out = soc2(&["fsck", "--locker", s(&locker)]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).starts_with("ok: 2 records, 2 blobs checked"));
}

#[test]
fn logged_evidence_is_accepted_as_is_by_add() {
    let tmp = tempfile::tempdir().unwrap();
    let locker = tmp.path().join("l");
    assert_eq!(code(&soc2(&["init", s(&locker)])), 0);
    let att = tmp.path().join("policy.pdf");
    fs_err::write(&att, b"%PDF-1.7 policy").unwrap();
    let out = soc2_with_stdin(
        &["add", "--locker", s(&locker), "-", "--attach", s(&att)],
        Some(EVIDENCE.as_bytes()),
    );
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let out = soc2(&["log", "--locker", s(&locker), "--format", "json"]);
    let record: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let evidence = serde_json::to_vec(&record["evidence"]).unwrap();
    let out = soc2_with_stdin(&["add", "--locker", s(&locker)], Some(&evidence));
    assert_eq!(code(&out), 0, "{}", stderr(&out));

    let out = soc2(&["log", "--locker", s(&locker), "--format", "json"]);
    let records: Vec<serde_json::Value> =
        stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(records.len(), 2);
    assert_eq!(records[0]["evidence"], records[1]["evidence"]);
}

#[test]
fn fsck_exits_1_naming_the_damaged_record_or_blob() {
    let tmp = tempfile::tempdir().unwrap();
    let locker = tmp.path().join("l");
    assert_eq!(code(&soc2(&["init", s(&locker)])), 0);
    let att = tmp.path().join("a.txt");
    fs_err::write(&att, b"attached").unwrap();
    for _ in 0..3 {
        let out = soc2_with_stdin(
            &["add", "--locker", s(&locker), "--attach", s(&att)],
            Some(EVIDENCE.as_bytes()),
        );
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let ledger = locker.join("ledger.jsonl");
    let original = fs_err::read_to_string(&ledger).unwrap();

    // Record 1 edited.
    fs_err::write(&ledger, original.replacen("Badge", "Budge", 2)).unwrap();
    let out = soc2(&["fsck", "--locker", s(&locker)]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(stdout(&out).contains("record 1 (line 2) was altered"), "{}", stdout(&out));
    // Commands that open the locker refuse it too, with exit 1.
    let out = soc2(&["log", "--locker", s(&locker)]);
    assert_eq!(code(&out), 1);
    assert!(stderr(&out).contains("record 1"), "{}", stderr(&out));

    // A blob altered.
    fs_err::write(&ledger, &original).unwrap();
    let blob =
        fs_err::read_dir(locker.join("blobs/sha256")).unwrap().next().unwrap().unwrap().path();
    let blob = fs_err::read_dir(blob).unwrap().next().unwrap().unwrap().path();
    let hex = blob.file_name().unwrap().to_str().unwrap().to_owned();
    fs_err::write(&blob, b"attacheD").unwrap();
    let out = soc2(&["fsck", "--locker", s(&locker)]);
    assert_eq!(code(&out), 1);
    assert!(stdout(&out).contains(&format!("blob {hex}")), "{}", stdout(&out));

    // A torn tail is reported, but is not damage.
    fs_err::write(&blob, b"attached").unwrap();
    fs_err::write(&ledger, &original[..original.len() - 7]).unwrap();
    let out = soc2(&["fsck", "--locker", s(&locker)]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(stdout(&out).contains("torn final line 3"), "{}", stdout(&out));
    assert!(stdout(&out).contains("ok: 2 records"), "{}", stdout(&out));
}

#[test]
fn usage_and_input_errors_exit_2() {
    let tmp = tempfile::tempdir().unwrap();
    let locker = tmp.path().join("l");
    // clap: missing --locker, unknown format.
    assert_eq!(code(&soc2(&["fsck"])), 2);
    assert_eq!(code(&soc2(&["log", "--locker", "x", "--format", "xml"])), 2);
    // Not a locker.
    let out = soc2(&["fsck", "--locker", s(tmp.path())]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not an evidence locker"), "{}", stderr(&out));

    assert_eq!(code(&soc2(&["init", s(&locker), "--origin", "bad origin"])), 2);
    assert_eq!(code(&soc2(&["init", s(&locker)])), 0);
    assert_eq!(code(&soc2(&["init", s(&locker)])), 2);

    // Evidence that does not fit the model: the field is named.
    let out = soc2_with_stdin(
        &["add", "--locker", s(&locker)],
        Some(EVIDENCE.replace("\"facilities\"", "1.5").as_bytes()),
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("source"), "{}", stderr(&out));
    // An attachment that does not exist.
    let out = soc2_with_stdin(
        &["add", "--locker", s(&locker), "--attach", "no-such-file.csv"],
        Some(EVIDENCE.as_bytes()),
    );
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no-such-file.csv"), "{}", stderr(&out));
    // Evidence naming an attachment that was never stored.
    let with_missing = EVIDENCE.replace(
        "\"controls\"",
        r#""attachments": [{"file_name": "x", "media_type": "text/plain",
            "sha256": "0000000000000000000000000000000000000000000000000000000000000001",
            "size": 1}], "controls""#,
    );
    let out = soc2_with_stdin(&["add", "--locker", s(&locker)], Some(with_missing.as_bytes()));
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("not stored"), "{}", stderr(&out));
    // Nothing was recorded by the failed adds.
    let out = soc2(&["log", "--locker", s(&locker)]);
    assert_eq!(stdout(&out), "");
}

#[test]
fn a_checkpoint_kept_outside_protects_the_newest_record() {
    let tmp = tempfile::tempdir().unwrap();
    let locker = tmp.path().join("l");
    assert_eq!(code(&soc2(&["init", s(&locker), "--origin", "example.com/cp"])), 0);
    for _ in 0..2 {
        let out = soc2_with_stdin(&["add", "--locker", s(&locker)], Some(EVIDENCE.as_bytes()));
        assert_eq!(code(&out), 0, "{}", stderr(&out));
    }
    let out = soc2(&["checkpoint", "--locker", s(&locker)]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[..2], ["example.com/cp", "2"]);
    let cp = tmp.path().join("checkpoint.txt");
    fs_err::write(&cp, &text).unwrap();

    let out = soc2(&["fsck", "--locker", s(&locker), "--checkpoint", s(&cp)]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(stdout(&out).contains("contains checkpoint example.com/cp of 2 records"));

    // Rewrite the newest record: nothing after it commits to it, so only the checkpoint
    // tells.
    let ledger = locker.join("ledger.jsonl");
    let original = fs_err::read_to_string(&ledger).unwrap();
    let start = original[..original.len() - 1].rfind('\n').unwrap() + 1;
    let forged = format!("{}{}", &original[..start], original[start..].replace("Badge", "Fudge"));
    fs_err::write(&ledger, forged).unwrap();
    assert_eq!(code(&soc2(&["fsck", "--locker", s(&locker)])), 0);
    let out = soc2(&["fsck", "--locker", s(&locker), "--checkpoint", s(&cp)]);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    assert!(stdout(&out).contains("history rewritten"), "{}", stdout(&out));

    // A malformed checkpoint file is an input error.
    fs_err::write(&cp, "example.com/cp\n2\nnot base64\n").unwrap();
    let out = soc2(&["fsck", "--locker", s(&locker), "--checkpoint", s(&cp)]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("root hash"), "{}", stderr(&out));
}

/// `at` as the model writes timestamps: whole seconds, UTC.
fn stamp(at: chrono::DateTime<chrono::Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

#[test]
fn add_refuses_evidence_dated_in_the_future_naming_the_field() {
    let tmp = tempfile::tempdir().unwrap();
    let locker = tmp.path().join("locker");
    assert_eq!(code(&soc2(&["init", s(&locker)])), 0);
    let now = chrono::Utc::now();
    let note = |observed: &str| {
        format!(
            r#"{{"collected_at": "{observed}", "collector": {{"person": {{"id": "alice@example.com"}}}},
            "observed_at": "{observed}", "payload": {{"note": {{"title": "n"}}}}, "source": "s"}}"#
        )
    };

    // Observed tomorrow.
    let tomorrow = stamp(now + chrono::Duration::days(1));
    let out = soc2_with_stdin(&["add", "--locker", s(&locker)], Some(note(&tomorrow).as_bytes()));
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("<stdin>: observed_at: "), "{err}");
    assert!(err.contains(&format!("{tomorrow} is in the future")), "{err}");

    // Observed an hour ago, but the background check it records completes tomorrow.
    let check = format!(
        r#"{{"collected_at": "{then}", "collector": {{"person": {{"id": "hr@example.com"}}}},
        "observed_at": "{then}", "source": "checkr",
        "payload": {{"background_check": {{"person": "bob@example.com", "provider": "checkr",
            "status": "clear", "completed_at": "{tomorrow}"}}}}}}"#,
        then = stamp(now - chrono::Duration::hours(1)),
    );
    let file = tmp.path().join("check.json");
    fs_err::write(&file, check).unwrap();
    let out = soc2(&["add", "--locker", s(&locker), s(&file)]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("check.json: payload.background_check.completed_at: "), "{err}");
    assert!(err.contains(&format!("{tomorrow} is in the future")), "{err}");

    // Nothing was recorded by the refused adds.
    assert_eq!(stdout(&soc2(&["log", "--locker", s(&locker)])), "");

    // Four minutes ahead is within the five minutes of clock skew allowed.
    let soon = note(&stamp(now + chrono::Duration::minutes(4)));
    let out = soc2_with_stdin(&["add", "--locker", s(&locker)], Some(soon.as_bytes()));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("0 "), "{}", stdout(&out));
}

/// One evidence document per line, as `soc2 add --jsonl` takes them.
fn jsonl_note(title: &str, observed: &str, attachment: &str) -> String {
    format!(
        r#"{{"collected_at": "{observed}", "collector": {{"person": {{"id": "alice@example.com"}}}}, "controls": ["AC-01"], "observed_at": "{observed}", "payload": {{"note": {{"title": "{title}"}}}}, "source": "facilities"{attachment}}}"#
    )
}

#[test]
fn add_jsonl_appends_every_line_as_one_batch() {
    let tmp = tempfile::tempdir().unwrap();
    let locker = tmp.path().join("locker");
    assert_eq!(code(&soc2(&["init", s(&locker), "--origin", "example.com/soc2/jsonl"])), 0);
    // CRLF line ends, a blank line, no newline after the last line.
    let text = format!(
        "{}\r\n\r\n{}\n{}",
        jsonl_note("first", "2026-03-01T10:00:00Z", ""),
        jsonl_note("second", "2026-03-02T10:00:00Z", ""),
        jsonl_note("third", "2026-03-03T10:00:00Z", "")
    );
    let file = tmp.path().join("batch.jsonl");
    fs_err::write(&file, text).unwrap();
    let out = soc2(&["add", "--locker", s(&locker), "--jsonl", s(&file)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    let printed = stdout(&out);
    assert!(printed.starts_with("appended 3 records, seq 0..2, root "), "{printed}");

    // The second batch, from standard input, continues the chain.
    let more = jsonl_note("fourth", "2026-03-04T10:00:00Z", "") + "\n";
    let out =
        soc2_with_stdin(&["add", "--locker", s(&locker), "--jsonl", "-"], Some(more.as_bytes()));
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).starts_with("appended 1 records, seq 3..3, root "), "{}", stdout(&out));

    let out = soc2(&["log", "--locker", s(&locker), "--format", "json"]);
    let records: Vec<serde_json::Value> =
        stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let titles: Vec<&str> = records
        .iter()
        .map(|r| r["evidence"]["payload"]["note"]["title"].as_str().unwrap())
        .collect();
    assert_eq!(titles, ["first", "second", "third", "fourth"]);
    // One batch, one recording time.
    assert_eq!(records[0]["recorded_at"], records[2]["recorded_at"]);
    let out = soc2(&["fsck", "--locker", s(&locker)]);
    assert_eq!(code(&out), 0, "{}{}", stdout(&out), stderr(&out));
    assert!(stdout(&out).starts_with("ok: 4 records"), "{}", stdout(&out));

    // An empty file appends nothing.
    let empty = tmp.path().join("empty.jsonl");
    fs_err::write(&empty, "\n").unwrap();
    let out = soc2(&["add", "--locker", s(&locker), "--jsonl", s(&empty)]);
    assert_eq!(code(&out), 0, "{}", stderr(&out));
    assert!(stdout(&out).contains("nothing appended"), "{}", stdout(&out));
}

#[test]
fn add_jsonl_is_all_or_nothing_and_names_the_first_bad_line() {
    let tmp = tempfile::tempdir().unwrap();
    let locker = tmp.path().join("locker");
    assert_eq!(code(&soc2(&["init", s(&locker)])), 0);
    let good = jsonl_note("good", "2026-03-01T10:00:00Z", "");
    let tomorrow = stamp(chrono::Utc::now() + chrono::Duration::days(1));
    let missing = r#", "attachments": [{"sha256": "0000000000000000000000000000000000000000000000000000000000000000", "size": 3, "media_type": "text/plain", "file_name": "x.txt"}]"#;
    let cases = [
        // (lines, what stderr must say)
        (
            vec![good.clone(), good.clone(), good.replace("\"note\"", "\"nope\"")],
            "batch.jsonl:3:".to_owned(),
        ),
        (
            vec![good.clone(), jsonl_note("late", &tomorrow, ""), "{".into()],
            format!("batch.jsonl:2: observed_at: {tomorrow} is in the future"),
        ),
        (
            vec![good.clone(), good.clone(), good.clone(), jsonl_note("a", "2026-03-01T10:00:00Z", missing)],
            "batch.jsonl:4: attachment 0000000000000000000000000000000000000000000000000000000000000000"
                .to_owned(),
        ),
        (vec![good.clone(), "not json".into()], "batch.jsonl:2:2: field `.`: expected ident".to_owned()),
    ];
    let file = tmp.path().join("batch.jsonl");
    for (lines, says) in cases {
        fs_err::write(&file, lines.join("\n") + "\n").unwrap();
        let out = soc2(&["add", "--locker", s(&locker), "--jsonl", s(&file)]);
        assert_eq!(code(&out), 2, "{says}: {}", stderr(&out));
        assert!(stderr(&out).contains(&says), "expected {says:?} in {}", stderr(&out));
        // Nothing of the batch was appended, and nothing was left in tmp/.
        assert_eq!(stdout(&soc2(&["log", "--locker", s(&locker)])), "", "{says}");
        assert_eq!(fs_err::read_dir(locker.join("tmp")).unwrap().count(), 0, "{says}");
    }
    // --jsonl takes no document argument and no attachments.
    let out = soc2(&["add", "--locker", s(&locker), "--jsonl", s(&file), "--attach", s(&file)]);
    assert_eq!(code(&out), 2, "{}", stderr(&out));
}
