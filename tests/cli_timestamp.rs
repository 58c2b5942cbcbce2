//! RFC 3161 timestamps against a real TSA: OpenSSL's `openssl ts -reply`, with a
//! throw-away CA and TSA certificate made here, answering queries written by
//! `soc2 timestamp --request-out` and, over HTTP, by a small responder on 127.0.0.1.
//! Every token soc2 accepts must pass `openssl ts -verify`; tokens for another
//! checkpoint, from another CA, tampered with or answering another query are refused.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

mod common;

use common::*;

/// Whether `openssl` is present; when it is not, the test is skipped unless
/// `SOC2_REQUIRE_STOCK_TOOLS` is set.
fn have_openssl() -> bool {
    let present = Command::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !present {
        assert!(
            std::env::var_os("SOC2_REQUIRE_STOCK_TOOLS").is_none(),
            "stock tool missing: openssl"
        );
        eprintln!("SKIPPED: openssl missing");
    }
    present
}

fn openssl(dir: &Path, args: &[&str]) -> Output {
    Command::new("openssl").current_dir(dir).args(args).output().unwrap()
}

fn openssl_ok(dir: &Path, args: &[&str]) {
    let o = openssl(dir, args);
    assert!(o.status.success(), "openssl {args:?}: {}", String::from_utf8_lossy(&o.stderr));
}

/// A CA `<name>-ca.crt` and, under it, a TSA whose `openssl ts -reply` configuration is
/// `<name>-tsa.cnf`.
fn make_tsa(dir: &Path, name: &str) {
    let ca = format!("{name}-ca");
    let tsa = format!("{name}-tsa");
    openssl_ok(
        dir,
        &[
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-keyout",
            &format!("{ca}.key"),
            "-out",
            &format!("{ca}.crt"),
            "-days",
            "3650",
            "-subj",
            &format!("/CN={name} TSA CA"),
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
        ],
    );
    openssl_ok(
        dir,
        &[
            "req",
            "-new",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:P-256",
            "-nodes",
            "-keyout",
            &format!("{tsa}.key"),
            "-out",
            &format!("{tsa}.csr"),
            "-subj",
            &format!("/CN={name} TSA"),
        ],
    );
    fs_err::write(
        dir.join(format!("{tsa}.ext")),
        "extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:FALSE\n",
    )
    .unwrap();
    openssl_ok(
        dir,
        &[
            "x509",
            "-req",
            "-in",
            &format!("{tsa}.csr"),
            "-CA",
            &format!("{ca}.crt"),
            "-CAkey",
            &format!("{ca}.key"),
            "-CAcreateserial",
            "-out",
            &format!("{tsa}.crt"),
            "-days",
            "3650",
            "-extfile",
            &format!("{tsa}.ext"),
        ],
    );
    fs_err::write(dir.join(format!("{tsa}.serial")), "01\n").unwrap();
    fs_err::write(
        dir.join(format!("{tsa}.cnf")),
        format!(
            "[ tsa ]\ndefault_tsa = tsa1\n[ tsa1 ]\nserial = ./{tsa}.serial\n\
             crypto_device = builtin\nsigner_cert = ./{tsa}.crt\nsigner_key = ./{tsa}.key\n\
             signer_digest = sha256\ndefault_policy = 1.2.3.4.1\nother_policies = 1.2.3.4.2\n\
             digests = sha256\naccuracy = secs:1\nordering = no\ntsa_name = yes\n\
             ess_cert_id_chain = no\ness_cert_id_alg = sha256\n"
        ),
    )
    .unwrap();
}

/// OpenSSL's TSA answers the query `query` with `reply`.
fn reply(dir: &Path, tsa: &str, query: &Path, reply: &Path) {
    openssl_ok(
        dir,
        &[
            "ts",
            "-reply",
            "-config",
            &format!("{tsa}-tsa.cnf"),
            "-queryfile",
            s(query),
            "-out",
            s(reply),
        ],
    );
}

/// `openssl ts -verify` of the token `tsr` over the note `note`, trusting `ca`.
fn openssl_verifies(dir: &Path, note: &Path, tsr: &Path, ca: &str) -> bool {
    let digest = sha256_hex(&fs_err::read(note).unwrap());
    openssl(dir, &["ts", "-verify", "-digest", &digest, "-in", s(tsr), "-CAfile", ca])
        .status
        .success()
}

fn sha256_hex(bytes: &[u8]) -> String {
    let mut child = Command::new("openssl")
        .args(["dgst", "-sha256", "-r"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(bytes).unwrap();
    let out = child.wait_with_output().unwrap();
    String::from_utf8(out.stdout).unwrap().split_whitespace().next().unwrap().to_owned()
}

fn add(locker: &Path, day: &str, title: &str) {
    let doc = format!(
        r#"{{"collected_at":"{day}T10:00:00Z","collector":{{"person":{{"id":"alice@example.com"}}}},"controls":["AC-01"],"observed_at":"{day}T09:00:00Z","payload":{{"note":{{"title":"{title}"}}}},"source":"okta"}}"#
    );
    let f = locker.with_extension("evidence.json");
    fs_err::write(&f, doc).unwrap();
    ok(soc2(&["add", "--locker", s(locker), s(&f)]));
}

/// A locker with one record and a key; returns (locker, key).
fn setup(dir: &Path) -> (PathBuf, PathBuf) {
    let locker = dir.join("locker");
    ok(soc2(&["init", s(&locker), "--origin", "example.com/soc2/acme"]));
    let key = dir.join("key");
    ok(soc2(&["keygen", "-o", s(&key), "--comment", "ops@example.com"]));
    add(&locker, "2026-01-10", "q1 review");
    (locker, key)
}

fn cp(locker: &Path, size: u64, ext: &str) -> PathBuf {
    locker.join("checkpoints").join(format!("{size:020}.{ext}"))
}

/// Signs the locker's checkpoint with `key`, has the `good` TSA (made by `make_tsa`)
/// answer a query over it (`<name>.tsq`, `<name>.tsr` in `dir`) and stores the token.
fn sign_and_stamp(dir: &Path, locker: &Path, key: &Path, name: &str) {
    let l = s(locker);
    ok(soc2(&["checkpoint", "--locker", l, "--sign", s(key)]));
    let q = dir.join(format!("{name}.tsq"));
    ok(soc2(&["timestamp", "--locker", l, "--request-out", s(&q)]));
    let r = dir.join(format!("{name}.tsr"));
    reply(dir, "good", &q, &r);
    let ca = dir.join("good-ca.crt");
    ok(soc2(&[
        "timestamp",
        "--locker",
        l,
        "--response",
        s(&r),
        "--request",
        s(&q),
        "--tsa-ca",
        s(&ca),
    ]));
}

#[test]
fn air_gapped_tokens_are_checked_like_openssl_does_and_bad_ones_refused() {
    if !have_openssl() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    make_tsa(dir, "good");
    make_tsa(dir, "other");
    let (locker, key) = setup(dir);
    let l = s(&locker);

    // Nothing signed yet: nothing to timestamp.
    let q = dir.join("none.tsq");
    let out = soc2(&["timestamp", "--locker", l, "--request-out", s(&q)]);
    assert_eq!(out.status.code(), Some(2), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no signed checkpoint"));

    // Checkpoint 1, a query over it and OpenSSL's reply.
    ok(soc2(&["checkpoint", "--locker", l, "--sign", s(&key)]));
    let q1 = dir.join("q1.tsq");
    ok(soc2(&["timestamp", "--locker", l, "--request-out", s(&q1)]));
    let r1 = dir.join("r1.tsr");
    reply(dir, "good", &q1, &r1);
    // openssl itself agrees the query and reply belong together.
    openssl_ok(
        dir,
        &["ts", "-verify", "-queryfile", s(&q1), "-in", s(&r1), "-CAfile", "good-ca.crt"],
    );

    // Checkpoint 2: the reply over checkpoint 1 is refused for it, whatever query is named.
    add(&locker, "2026-02-10", "q1 training");
    ok(soc2(&["checkpoint", "--locker", l, "--sign", s(&key)]));
    let ca = dir.join("good-ca.crt");
    let take = |resp: &Path, req: &Path, ca: &Path| {
        soc2(&[
            "timestamp",
            "--locker",
            l,
            "--response",
            s(resp),
            "--request",
            s(req),
            "--tsa-ca",
            s(ca),
        ])
    };
    let err = take(&r1, &q1, &ca);
    assert_eq!(err.status.code(), Some(2), "{}", String::from_utf8_lossy(&err.stderr));
    assert!(
        String::from_utf8_lossy(&err.stderr).contains("not for the newest signed checkpoint"),
        "{}",
        String::from_utf8_lossy(&err.stderr)
    );
    let q2 = dir.join("q2.tsq");
    ok(soc2(&["timestamp", "--locker", l, "--request-out", s(&q2)]));
    // Another checkpoint's token with this checkpoint's query: the imprint differs.
    let e = refused(take(&r1, &q2, &ca));
    assert!(e.contains("a token for another checkpoint"), "{e}");

    // A stale reply: answering an earlier query over the same checkpoint.
    let q2b = dir.join("q2b.tsq");
    ok(soc2(&["timestamp", "--locker", l, "--request-out", s(&q2b)]));
    let r2 = dir.join("r2.tsr");
    reply(dir, "good", &q2, &r2);
    let e = refused(take(&r2, &q2b, &ca));
    assert!(e.contains("a stale reply"), "{e}");

    // Another CA: the signer does not chain to it.
    let e = refused(take(&r2, &q2, &dir.join("other-ca.crt")));
    assert!(e.contains("is not trusted"), "{e}");
    assert!(e.contains("no certificate of the CA file issued CN=good TSA"), "{e}");
    assert!(!openssl_verifies(dir, &cp(&locker, 2, "note"), &r2, "other-ca.crt"));

    // A tampered token: one byte of its TSTInfo changed.
    let mut bytes = fs_err::read(&r2).unwrap();
    // The last byte of the encapsulated TSTInfo, inside the signed content whatever its
    // layout.
    let econtent_end = find_tstinfo_end(&bytes);
    bytes[econtent_end - 1] ^= 0x01;
    let tampered = dir.join("tampered.tsr");
    fs_err::write(&tampered, &bytes).unwrap();
    let e = refused(take(&tampered, &q2, &ca));
    assert!(e.contains("signature"), "{e}");
    assert!(!openssl_verifies(dir, &cp(&locker, 2, "note"), &tampered, "good-ca.crt"));
    assert!(!cp(&locker, 2, "tsr").exists());

    // The right reply: accepted, stored, and openssl agrees.
    let out = ok(take(&r2, &q2, &ca));
    assert!(out.contains("ok: checkpoint example.com/soc2/acme of 2 records timestamped"), "{out}");
    assert!(out.contains("by CN=good TSA"), "{out}");
    let stored = cp(&locker, 2, "tsr");
    assert_eq!(fs_err::read(&stored).unwrap(), fs_err::read(&r2).unwrap());
    assert!(openssl_verifies(dir, &cp(&locker, 2, "note"), &stored, "good-ca.crt"));
    // Again: a no-op. Another token for the same checkpoint: refused (append-only).
    ok(take(&r2, &q2, &ca));
    let r2b = dir.join("r2b.tsr");
    reply(dir, "good", &q2b, &r2b);
    let again = take(&r2b, &q2b, &ca);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("append-only"));

    // fsck re-verifies the stored token, with and without the CA.
    let f = ok(soc2(&["fsck", "--locker", l, "--tsa-ca", s(&ca)]));
    assert!(f.contains("ok: checkpoint of 2 records timestamped"), "{f}");
    assert!(!f.contains("issuer not checked"), "{f}");
    let f = ok(soc2(&["fsck", "--locker", l]));
    assert!(f.contains("(issuer not checked: no --tsa-ca given)"), "{f}");
    let o = soc2(&["fsck", "--locker", l, "--tsa-ca", s(&dir.join("other-ca.crt"))]);
    assert_eq!(o.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&o.stdout).contains("is not trusted"));
    // A token altered in the locker is damage, named by its file.
    fs_err::write(&stored, &bytes).unwrap();
    let o = soc2(&["fsck", "--locker", l]);
    assert_eq!(o.status.code(), Some(1));
    let f = String::from_utf8_lossy(&o.stdout);
    assert!(f.contains("damage: ") && f.contains("00000000000000000002.tsr"), "{f}");
}

/// The end of the encapsulated TSTInfo (the OCTET STRING inside `[0]` after
/// id-ct-TSTInfo) in a DER TimeStampResp.
fn find_tstinfo_end(der: &[u8]) -> usize {
    let oid = [0x06, 0x0b, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x04];
    let at = der.windows(oid.len()).position(|w| w == oid).unwrap() + oid.len();
    // [0] { OCTET STRING { TSTInfo } }
    let (hdr0, _) = len_at(der, at);
    let os = at + hdr0;
    assert_eq!(der[os], 0x04);
    let (hdr, len) = len_at(der, os);
    os + hdr + len
}

/// (header length, content length) of the DER element at `at`.
fn len_at(der: &[u8], at: usize) -> (usize, usize) {
    let first = der[at + 1] as usize;
    if first < 0x80 {
        return (2, first);
    }
    let n = first & 0x7f;
    let len = der[at + 2..at + 2 + n].iter().fold(0, |acc, b| acc << 8 | *b as usize);
    (2 + n, len)
}

/// A one-request-at-a-time HTTP TSA on 127.0.0.1: each POST body goes to
/// `openssl ts -reply`, whose reply is sent back as application/timestamp-reply.
fn serve(dir: PathBuf, requests: usize) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for (n, stream) in listener.incoming().take(requests).enumerate() {
            let mut stream = stream.unwrap();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut len = 0;
            let mut content_type = String::new();
            loop {
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let line = line.trim_end();
                if line.is_empty() {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    len = v.trim().parse().unwrap();
                }
                if let Some(v) = lower.strip_prefix("content-type:") {
                    content_type = v.trim().to_owned();
                }
            }
            assert_eq!(content_type, "application/timestamp-query");
            let mut body = vec![0; len];
            reader.read_exact(&mut body).unwrap();
            let q = dir.join(format!("http{n}.tsq"));
            let r = dir.join(format!("http{n}.tsr"));
            fs_err::write(&q, &body).unwrap();
            reply(&dir, "good", &q, &r);
            let reply = fs_err::read(&r).unwrap();
            write!(
                stream,
                "HTTP/1.1 200 OK\r\nContent-Type: application/timestamp-reply\r\n\
                 Content-Length: {}\r\nConnection: close\r\n\r\n",
                reply.len()
            )
            .unwrap();
            stream.write_all(&reply).unwrap();
        }
    });
    url
}

#[test]
fn timestamps_over_http_from_openssl_behind_a_local_responder() {
    if !have_openssl() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    make_tsa(dir, "good");
    let (locker, key) = setup(dir);
    let l = s(&locker);
    ok(soc2(&["checkpoint", "--locker", l, "--sign", s(&key)]));
    let url = serve(dir.to_path_buf(), 1);
    let ca = dir.join("good-ca.crt");
    let out = ok(soc2(&["timestamp", "--locker", l, "--tsa", &url, "--tsa-ca", s(&ca)]));
    assert!(out.contains("ok: checkpoint example.com/soc2/acme of 1 records timestamped"), "{out}");
    let stored = cp(&locker, 1, "tsr");
    assert!(openssl_verifies(dir, &cp(&locker, 1, "note"), &stored, "good-ca.crt"));
    // The token answers the query soc2 sent (openssl checks imprint and nonce).
    openssl_ok(
        dir,
        &["ts", "-verify", "-queryfile", "http0.tsq", "-in", s(&stored), "-CAfile", "good-ca.crt"],
    );
    // No TSA listening: a clear failure, nothing stored.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/tsa", closed.local_addr().unwrap());
    drop(closed);
    add(&locker, "2026-02-10", "q1 training");
    ok(soc2(&["checkpoint", "--locker", l, "--sign", s(&key)]));
    let o = soc2(&["timestamp", "--locker", l, "--tsa", &url, "--tsa-ca", s(&ca)]);
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("TSA http://127.0.0.1"));
    assert!(!cp(&locker, 2, "tsr").exists());
}

#[test]
fn bundles_carry_tokens_that_soc2_verify_and_openssl_check() {
    if !have_openssl() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    make_tsa(dir, "good");
    make_tsa(dir, "other");
    let (locker, key) = setup(dir);
    let l = s(&locker);
    sign_and_stamp(dir, &locker, &key, "q");
    let ca = dir.join("good-ca.crt");
    // A record after the timestamp: in the bundle, but not covered by the token.
    add(&locker, "2026-02-10", "q1 training");

    let public = fs_err::read_to_string(dir.join("key.pub")).unwrap();
    let public = public.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    let trusted = dir.join("trusted");
    fs_err::write(&trusted, format!("ops@example.com {public}\n")).unwrap();
    let bundle = dir.join("q1.zip");
    ok(soc2(&[
        "export",
        "--locker",
        l,
        "--period",
        "2026-01-01..2026-03-31",
        "--key",
        s(&key),
        "-o",
        s(&bundle),
        "--as-of",
        "2026-07-01",
    ]));
    let verify = |ca: Option<&Path>| {
        let mut args = vec!["verify", s(&bundle), "--allowed-signers", s(&trusted)];
        if let Some(ca) = ca {
            args.extend(["--tsa-ca", s(ca)]);
        }
        soc2(&args)
    };
    let out = ok(verify(Some(&ca)));
    assert!(out.contains("timestamp:   checkpoint of 1 records existed by "), "{out}");
    assert!(out.contains("(CN=good TSA)"), "{out}");
    let out = ok(verify(None));
    assert!(out.contains("issuer not checked: no --tsa-ca"), "{out}");
    let o = verify(Some(&dir.join("other-ca.crt")));
    assert_eq!(o.status.code(), Some(1));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("REJECTED: checkpoints/00000000000000000001.tsr: "), "{text}");

    // VERIFY.md's openssl step, run as written from the extracted bundle.
    let x = dir.join("x");
    fs_err::create_dir(&x).unwrap();
    let unzip =
        Command::new("python3").args(["-m", "zipfile", "-e", s(&bundle), s(&x)]).status().unwrap();
    assert!(unzip.success());
    let md = fs_err::read_to_string(x.join("VERIFY.md")).unwrap();
    let line = md
        .lines()
        .find(|l| l.starts_with("openssl ts -verify -digest "))
        .unwrap_or_else(|| panic!("{md}"));
    assert!(line.contains("-in checkpoints/00000000000000000001.tsr"), "{line}");
    let run = |ca: &Path| {
        Command::new("bash")
            .arg("-c")
            .arg(line)
            .current_dir(&x)
            .env("TSA_CA", ca)
            .output()
            .unwrap()
            .status
            .success()
    };
    assert!(run(&ca));
    assert!(!run(&dir.join("other-ca.crt")));

    // A token of checkpoint 1 put beside checkpoint 2 by hand: fsck names it, and no
    // bundle carries it.
    ok(soc2(&["checkpoint", "--locker", l, "--sign", s(&key)]));
    fs_err::copy(cp(&locker, 1, "tsr"), cp(&locker, 2, "tsr")).unwrap();
    let o = soc2(&["fsck", "--locker", l, "--tsa-ca", s(&ca)]);
    assert_eq!(o.status.code(), Some(1));
    let f = String::from_utf8_lossy(&o.stdout);
    assert!(f.contains("00000000000000000002.tsr: time-stamp token: its message imprint"), "{f}");
    assert!(f.contains("a token for another checkpoint"), "{f}");
    let o = soc2(&[
        "export",
        "--locker",
        l,
        "--period",
        "2026-01-01..2026-03-31",
        "--key",
        s(&key),
        "-o",
        s(&dir.join("q1b.zip")),
        "--as-of",
        "2026-07-01",
    ]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stderr).contains("a token for another checkpoint"));
    assert!(!dir.join("q1b.zip").exists());
}

#[test]
fn evaluation_says_which_recording_times_a_token_proves() {
    if !have_openssl() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    make_tsa(dir, "good");
    let (locker, key) = setup(dir);
    let l = s(&locker);
    let evaluate = |format: &str| {
        let out = soc2(&[
            "evaluate",
            "--locker",
            l,
            "--period",
            "2026-01-01..2026-12-31",
            "--as-of",
            "2026-03-31",
            "--format",
            format,
        ]);
        // Exit 1: the lone note leaves every control without evidence.
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    };
    let json = |text: String| -> serde_json::Value { serde_json::from_str(&text).unwrap() };

    // No token: every time rests on the company's clock, and the report says so.
    let r = json(evaluate("json"));
    assert_eq!(r["recording_time"]["records"], 1);
    assert_eq!(r["recording_time"]["proven"], 0);
    assert!(r["recording_time"]["statement"].as_str().unwrap().contains("company's own clock"));
    assert!(evaluate("text").contains("Recording times: No RFC 3161 timestamp covers any record"));

    // A token over checkpoint 1, then a second record that no token covers.
    sign_and_stamp(dir, &locker, &key, "q");
    add(&locker, "2026-02-10", "q1 training");

    let r = json(evaluate("json"));
    let t = &r["recording_time"];
    assert_eq!((t["records"].as_u64(), t["proven"].as_u64()), (Some(2), Some(1)));
    assert_eq!(t["timestamps"].as_array().unwrap().len(), 1);
    assert_eq!(t["timestamps"][0]["checkpoint_size"], 1);
    assert!(t["timestamps"][0]["tsa"].as_str().unwrap().contains("good"), "{t}");
    // The token was made just now, by the TSA's clock.
    let made: chrono::DateTime<chrono::Utc> =
        t["timestamps"][0]["gen_time"].as_str().unwrap().parse().unwrap();
    assert!((chrono::Utc::now() - made).num_minutes().abs() < 10, "{made}");
    assert!(t["statement"].as_str().unwrap().starts_with("1 of 2 records are proven"), "{t}");
    let text = evaluate("text");
    assert!(text.contains("records #0-#0 existed by"), "{text}");
    assert!(evaluate("md").contains("| Proven by |"));
}

/// The whole quarterly flow with tokens: Q1 recorded, signed, timestamped and exported;
/// Q2 recorded, signed, timestamped and exported with `--previous`; the auditor checks Q2
/// against Q1 with `soc2 verify` (tokens against the TSA's CA) and the bundle's own
/// `verify.py`, and the evaluation rests on the tokens. (Rewritten and forked history is
/// refused in `cli_time.rs`; a token for another checkpoint above.)
#[test]
fn quarterly_flow_with_tokens_chains_and_each_quarter_is_proven() {
    if !have_openssl() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    make_tsa(dir, "good");
    let ca = dir.join("good-ca.crt");
    let (locker, key) = setup(dir);
    let l = s(&locker);
    let export = |period: &str, out: &Path, previous: Option<&Path>| {
        let mut args = vec![
            "export",
            "--locker",
            l,
            "--period",
            period,
            "--key",
            s(&key),
            "-o",
            s(out),
            "--as-of",
            "2026-07-01",
        ];
        if let Some(p) = previous {
            args.extend(["--previous", s(p)]);
        }
        ok(soc2(&args));
    };
    add(&locker, "2026-02-10", "q1 training");
    sign_and_stamp(dir, &locker, &key, "q1");
    let q1 = dir.join("q1.zip");
    export("2026-01-01..2026-03-31", &q1, None);

    add(&locker, "2026-04-10", "q2 access review");
    add(&locker, "2026-05-10", "q2 incident drill");
    sign_and_stamp(dir, &locker, &key, "q2");
    let q2 = dir.join("q2.zip");
    export("2026-04-01..2026-06-30", &q2, Some(&q1));

    let public = fs_err::read_to_string(dir.join("key.pub")).unwrap();
    let public = public.split_whitespace().take(2).collect::<Vec<_>>().join(" ");
    let trusted = dir.join("trusted");
    fs_err::write(&trusted, format!("ops@example.com {public}\n")).unwrap();
    let out = ok(soc2(&[
        "verify",
        s(&q2),
        "--allowed-signers",
        s(&trusted),
        "--previous",
        s(&q1),
        "--tsa-ca",
        s(&ca),
    ]));
    assert!(out.contains("timestamp:   checkpoint of 2 records existed by "), "{out}");
    assert!(out.contains("timestamp:   checkpoint of 4 records existed by "), "{out}");
    assert!(out.contains("extends:     previous checkpoint of 2 records (proof carried)"), "{out}");

    // verify.py (standard library only) checks the Merkle side of the same chain.
    let x = dir.join("x");
    let unzip =
        Command::new("python3").args(["-m", "zipfile", "-e", s(&q2), s(&x)]).output().unwrap();
    assert!(unzip.status.success());
    let py = Command::new("python3")
        .arg(x.join("verify.py"))
        .arg(&x)
        .args(["--previous", s(&q1)])
        .output()
        .unwrap();
    let py_out = String::from_utf8_lossy(&py.stdout);
    assert!(py.status.success(), "{py_out}{}", String::from_utf8_lossy(&py.stderr));
    assert!(py_out.contains("consistency: OK"), "{py_out}");

    // Both tokens stand behind the evaluation: every record is proven.
    let report = soc2(&[
        "evaluate",
        "--locker",
        l,
        "--period",
        "2026-01-01..2026-06-30",
        "--as-of",
        "2026-06-30",
        "--format",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_slice(&report.stdout).unwrap();
    let t = &v["recording_time"];
    assert_eq!((t["records"].as_u64(), t["proven"].as_u64()), (Some(4), Some(4)), "{t}");
    let sizes: Vec<u64> = t["timestamps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["checkpoint_size"].as_u64().unwrap())
        .collect();
    assert_eq!(sizes, [2, 4]);

    // The company holds the signing key: it can rebuild Q2 with the token of checkpoint 2
    // put beside checkpoint 4 and sign it again. The token's imprint gives it away.
    let swapped = dir.join("q2-swapped.zip");
    let token_q1 = fs_err::read(cp(&locker, 2, "tsr")).unwrap();
    forge(&q2, &swapped, &key, "checkpoints/00000000000000000004.tsr", token_q1);
    let o = soc2(&["verify", s(&swapped), "--allowed-signers", s(&trusted), "--previous", s(&q1)]);
    assert_eq!(o.status.code(), Some(1), "{}", String::from_utf8_lossy(&o.stdout));
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(text.contains("checkpoints/00000000000000000004.tsr"), "{text}");
    assert!(text.contains("a token for another checkpoint"), "{text}");
    // verify.py (no signatures) sees it too: the imprint is another note's SHA-256.
    let x2 = dir.join("x2");
    let unzip = Command::new("python3")
        .args(["-m", "zipfile", "-e", s(&swapped), s(&x2)])
        .output()
        .unwrap();
    assert!(unzip.status.success());
    let py = Command::new("python3")
        .arg(x2.join("verify.py"))
        .arg(&x2)
        .args(["--previous", s(&q1)])
        .output()
        .unwrap();
    assert_eq!(py.status.code(), Some(1));
    let py_all =
        String::from_utf8_lossy(&py.stdout).into_owned() + &String::from_utf8_lossy(&py.stderr);
    assert!(py_all.contains("00000000000000000004.tsr: its message imprint"), "{py_all}");
}

/// Rebuilds `bundle` as `out` with member `name` replaced by `bytes`, `SHA256SUMS`
/// recomputed and signed again with `key`: what a company holding the key can forge.
fn forge(bundle: &Path, out: &Path, key: &Path, name: &str, bytes: Vec<u8>) {
    use soc2_core::bundle::archive::{BundleWriter, Limits, SafeArchive};
    use soc2_core::bundle::{SUMS, SUMS_SIG, Signer};
    use soc2_core::model::Sha256Digest;
    let archive = SafeArchive::open(bundle, Limits::default()).unwrap();
    let mut members = std::collections::BTreeMap::new();
    for m in archive.members() {
        let mut content = Vec::new();
        archive.read_to_sink(m.name(), &mut content).unwrap();
        members.insert(m.name().to_owned(), (m.compression(), content));
    }
    members.get_mut(name).unwrap_or_else(|| panic!("no member {name}")).1 = bytes;
    let sums: String = members
        .iter()
        .filter(|(n, _)| *n != SUMS && *n != SUMS_SIG)
        .map(|(n, (_, b))| format!("{}  {n}\n", Sha256Digest::of(b).to_hex()))
        .collect();
    let signature = Signer::load(key, None).unwrap().sign(sums.as_bytes()).unwrap();
    members.get_mut(SUMS).unwrap().1 = sums.into_bytes();
    members.get_mut(SUMS_SIG).unwrap().1 = signature.into_bytes();
    let mut writer = BundleWriter::create(out).unwrap();
    for (n, (compression, b)) in &members {
        writer.add_bytes(n, *compression, b).unwrap();
    }
    writer.finish().unwrap();
}
