//! `fleet-hosts` over osquery result logs, streamed: a large generated log (its state known
//! by construction), gzip, the file path and the in-memory path alike, and hostile logs.

use serde_json::{Value, json};
use soc2_core::import::{self, ImportError, Input, Options};

mod importing;

use importing::*;

const T0: u64 = 1_774_710_000; // 2026-03-28T15:00:00Z

/// A result log of `hosts` hosts over `rounds` hourly rounds, as osquery's filesystem
/// logger writes it. Per host and round: four posture snapshots and a listening-ports
/// event query (a port added each round, the port of three rounds before removed).
/// Host `h` (`host-0007`): serial `S0007`; disk encrypted in round `r` unless
/// `(h + r) % 7 == 0`; firewall (alf) off when `h % 5 == 0`.
fn generated_log(hosts: u64, rounds: u64) -> (Vec<u8>, u64) {
    let mut log = String::new();
    let mut lines = 0;
    for r in 0..rounds {
        for h in 0..hosts {
            let t = T0 + r * 3600 + h;
            let head = |name: &str| {
                format!(
                    "\"name\":\"pack/posture/{name}\",\"hostIdentifier\":\"host-{h:04}\",\"calendarTime\":\"(ignored)\",\"unixTime\":{t},\"epoch\":0,\"counter\":{r},\"numerics\":false,\"decorations\":{{\"host_uuid\":\"UUID-{h:04}\",\"hostname\":\"host-{h:04}\"}}"
                )
            };
            let snapshot = |name: &str, row: String| {
                format!("{{\"snapshot\":[{row}],\"action\":\"snapshot\",{}}}\n", head(name))
            };
            log += &snapshot(
                "os_version",
                r#"{"name":"macOS","version":"14.4.1","major":"14","minor":"4","patch":"1","build":"23E224","platform":"darwin","platform_like":"darwin","arch":"arm64"}"#.into(),
            );
            log += &snapshot(
                "system_info",
                format!(
                    r#"{{"hostname":"host-{h:04}","uuid":"UUID-{h:04}","cpu_brand":"Apple M2","hardware_serial":"S{h:04}","computer_name":"host-{h:04}"}}"#
                ),
            );
            let encrypted = u8::from(!(h + r).is_multiple_of(7));
            log += &snapshot(
                "disk_encryption",
                format!(
                    r#"{{"name":"/dev/disk3s1","uuid":"D-{h:04}","encrypted":"{encrypted}","type":"APFS Encryption","encryption_status":"encrypted"}}"#
                ),
            );
            let state = u8::from(!h.is_multiple_of(5));
            log += &snapshot(
                "alf",
                format!(
                    r#"{{"allow_signed_enabled":"1","firewall_unload":"0","global_state":"{state}","logging_enabled":"0","stealth_enabled":"0","version":"1.6"}}"#
                ),
            );
            lines += 4;
            let event = |action: &str, port: u64| {
                format!(
                    "{{{},\"columns\":{{\"pid\":\"{}\",\"port\":\"{}\",\"protocol\":\"6\",\"address\":\"0.0.0.0\"}},\"action\":\"{action}\"}}\n",
                    head("listening_ports"),
                    100 + port,
                    1024 + port
                )
            };
            log += &event("added", r);
            lines += 1;
            if r >= 3 {
                log += &event("removed", r - 3);
                lines += 1;
            }
        }
    }
    (log.into_bytes(), lines)
}

/// The inventory `generated_log(hosts, rounds)` leaves, from its rules.
fn expected_devices(hosts: u64, rounds: u64) -> Value {
    let last = rounds - 1;
    let devices: Vec<Value> = (0..hosts)
        .map(|h| {
            let seen = chrono::DateTime::from_timestamp((T0 + last * 3600 + h) as i64, 0).unwrap();
            let seen = soc2_core::model::Timestamp::from_datetime(seen).to_string();
            json!({
                "device_id": format!("host-{h:04}"),
                "platform": "macos",
                "os_version": "macOS 14.4.1",
                "serial_number": format!("S{h:04}"),
                "disk_encrypted": !(h + last).is_multiple_of(7),
                "firewall_enabled": !h.is_multiple_of(5),
                "last_check_in": seen,
            })
        })
        .collect();
    json!({"mdm": "fleet", "devices": devices})
}

#[test]
fn a_large_result_log_is_streamed_to_the_state_it_leaves() {
    let (hosts, rounds) = (250, 40);
    let (log, lines) = generated_log(hosts, rounds);
    assert!(log.len() > 20 << 20, "{} bytes", log.len());
    // It is streamed (a Fleet hosts page is not).
    assert!(import::streams("fleet-hosts", &log[..import::SNIFF_BYTES]));
    assert!(!import::streams("fleet-hosts", &fixture("fleet/hosts-0.json")));
    assert!(!import::streams("okta-users", &log[..1000]));

    let i = run("fleet-hosts", &[("big.log", &log)], None);
    assert_eq!(payload_json(&i.evidence[0].payload), expected_devices(hosts, rounds));
    let p = &i.provenance;
    assert_eq!((p.rows_read, p.rows_kept), (lines, lines));
    assert_eq!(lines, hosts * rounds * 5 + hosts * (rounds - 3));
    // Every removal found its row; the ports query is not a table soc2 reads (once per host).
    assert_eq!(warning_count(&i, "removed_row_not_seen"), 0);
    assert_eq!(warning_count(&i, "osquery_query_not_read"), hosts);
    assert_eq!(warning_count(&i, "epoch_seconds"), lines);
    assert_eq!(p.fetched_at.to_string(), "2026-03-30T06:04:09Z"); // T0 + 39 h + 249 s
    assert_eq!(p.inputs[0].size, log.len() as u64);
    assert_eq!(p.inputs[0].sha256, soc2_core::model::Sha256Digest::of(&log));
    assert_eq!(i.attachments[0].media_type, "application/json");

    // The same file from disk (streamed from the file) makes the same evidence.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("big.log");
    fs_err::write(&path, &log).unwrap();
    let from_file = import::import_files("fleet-hosts", &[&path], &Options::default()).unwrap();
    assert_eq!(from_file.import.evidence, i.evidence);
    assert!(from_file.files[0].bytes.is_none(), "streamed, not read whole");
    let inputs = [Input { file_name: "big.log", bytes: &log }];
    assert!(import::recheck(&i.evidence[0], &inputs).unwrap().identical);

    // Gzipped, as a log shipper stores it: the same devices.
    let gz = gzip(&log);
    let z = run("fleet-hosts", &[("big.log.gz", &gz)], None);
    assert_eq!(payload_json(&z.evidence[0].payload), expected_devices(hosts, rounds));
    assert_eq!(z.attachments[0].media_type, "application/gzip");
    assert_eq!(z.provenance.inputs[0].size, gz.len() as u64);
}

#[test]
fn a_line_of_garbage_or_a_truncated_last_line_is_named() {
    let (log, lines) = generated_log(20, 10);
    let text = String::from_utf8(log).unwrap();
    let all: Vec<&str> = text.lines().collect();
    assert_eq!(all.len() as u64, lines);

    // A line of garbage in the middle: line 101.
    let mut garbage = all[..100].join("\n");
    garbage += "\n\u{0}\u{0}\u{0} rotated \u{0}\n";
    garbage += &all[100..].join("\n");
    let err = try_run("fleet-hosts", &[("g.log", garbage.as_bytes())], None).unwrap_err();
    let ImportError::Malformed { file, row, field, reason } = &err else { panic!("{err:?}") };
    assert_eq!((file.as_str(), *row, field), ("g.log", 101, &None));
    assert!(reason.starts_with("invalid JSON at column 1"), "{reason}");

    // The last line cut short (no final newline), as when a log is copied while written.
    let cut = &text[..text.len() - 40];
    let err = try_run("fleet-hosts", &[("cut.log", cut.as_bytes())], None).unwrap_err();
    assert!(err.to_string().starts_with(&format!("cut.log: row {lines}: truncated JSON")), "{err}");

    // From a file, the same.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("g.log");
    fs_err::write(&path, &garbage).unwrap();
    let err = import::import_files("fleet-hosts", &[&path], &Options::default()).unwrap_err();
    assert!(err.to_string().contains("g.log: row 101: invalid JSON"), "{err}");

    // Blank lines, a final line without newline and pretty-printed results read the same.
    let docs: Vec<String> = all
        .iter()
        .map(|line| serde_json::to_string_pretty(&serde_json::from_str::<Value>(line).unwrap()))
        .collect::<Result<_, _>>()
        .unwrap();
    let pretty = format!("\n\n{}\n", docs.join("\n"));
    let compact = run("fleet-hosts", &[("r.log", text.trim_end().as_bytes())], None);
    let p = run("fleet-hosts", &[("r.log", pretty.as_bytes())], None);
    assert_eq!(payload_json(&p.evidence[0].payload), payload_json(&compact.evidence[0].payload));
    assert_eq!(p.provenance.rows_read, lines);
    // A bad value in the state the log leaves is named by the line its pretty-printed
    // result starts on: the last alf result that says off, after the two blank lines.
    let off = "\"global_state\": \"0\"";
    let k = docs.iter().rposition(|d| d.contains(off)).unwrap();
    let start = 3 + docs[..k].iter().map(|d| d.lines().count()).sum::<usize>();
    let mut bad_docs = docs.clone();
    bad_docs[k] = docs[k].replace(off, "\"global_state\": \"9\"");
    let bad = format!("\n\n{}\n", bad_docs.join("\n"));
    let err = try_run("fleet-hosts", &[("p.json", bad.as_bytes())], None).unwrap_err();
    assert!(
        err.to_string().starts_with(&format!("p.json: row {start}, field `global_state`")),
        "{err} (expected row {start})"
    );

    // A Fleet API page after results is another population.
    let page = fixture("fleet/hosts-1.json");
    let err = try_run("fleet-hosts", &[("r.log", text.as_bytes()), ("page.json", &page)], None)
        .unwrap_err();
    assert!(err.to_string().contains("page.json: not a fleet-hosts export"), "{err}");
    assert!(err.to_string().contains("import them separately"), "{err}");
}
