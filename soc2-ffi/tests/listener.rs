//! An export listener may use the locker it watches while other threads use it too:
//! nothing deadlocks (issue 15). The listener is foreign code; before, it ran while the
//! export held the locker, so a listener asking for the locker's size waited for itself.
//!
//! Each scenario runs on its own thread and the test waits for it with a timeout, so a
//! deadlock fails the test instead of hanging the test run.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use soc2_core::model::AuditPeriod;
use soc2_ffi::bundle::{ExportListener, ExportOptions, Signer, export_bundle_with_progress};
use soc2_ffi::evaluation::sample_company_evidence;
use soc2_ffi::locker::Locker;

/// Each scenario takes a second or two; a deadlock never ends.
const TIMEOUT: Duration = Duration::from_secs(120);

/// Runs `scenario` on a thread; fails if it panics or does not end within [`TIMEOUT`].
fn without_deadlock(name: &str, scenario: impl FnOnce() + Send + 'static) {
    let (done, ended) = mpsc::channel();
    std::thread::spawn(move || {
        scenario();
        let _ = done.send(());
    });
    match ended.recv_timeout(TIMEOUT) {
        Ok(()) => {}
        Err(mpsc::RecvTimeoutError::Timeout) => {
            panic!("{name}: deadlocked (no end after {TIMEOUT:?})")
        }
        Err(mpsc::RecvTimeoutError::Disconnected) => panic!("{name}: the scenario panicked"),
    }
}

/// A locker with the sample company's last year (the locker refuses evidence dated in the
/// future) and 8 MiB of stored (PNG) attachments, which export in 1 MiB pieces, so the
/// listener is called often; and a signer.
fn setup(dir: &std::path::Path) -> (Arc<Locker>, Arc<Signer>, ExportOptions) {
    let locker = Locker::create(dir.join("locker").display().to_string(), "example.com/ffi".into())
        .expect("a new locker");
    locker.append_batch(sample_company_evidence(2025)).expect("appended");
    for i in 0..2u8 {
        let content: Vec<u8> = (0..4u32 << 20).map(|j| (j.wrapping_mul(31) as u8) ^ i).collect();
        let attachment = locker
            .add_attachment(content, "image/png".into(), format!("scan-{i}.png"))
            .expect("stored");
        let mut evidence = sample_company_evidence(2025).pop().expect("evidence");
        evidence.attachments.push(attachment);
        locker.append(evidence).expect("appended");
    }
    let signer = Signer::generate_files(
        dir.join("key").display().to_string(),
        "ffi@example.com".into(),
        None,
    )
    .expect("a key");
    let options = ExportOptions {
        period: "2025-01-01..2025-12-31".parse::<AuditPeriod>().expect("a period"),
        disclose: None,
        report_files: Vec::new(),
    };
    (locker, signer, options)
}

/// Reads the locker from inside the listener; once, asks for every record, which needs
/// the whole locker the export holds (and so waits for the export to end).
struct ReadingListener {
    locker: Arc<Locker>,
    calls: Mutex<Vec<(u64, u64)>>,
}

impl ExportListener for ReadingListener {
    fn on_progress(&self, bytes_done: u64, bytes_total: u64) -> bool {
        let size = self.locker.len();
        assert_eq!(self.locker.checkpoint().size, size);
        assert!(!self.locker.dir().is_empty() && !self.locker.origin().is_empty());
        let mut calls = self.calls.lock().expect("not poisoned");
        calls.push((bytes_done, bytes_total));
        if calls.len() == 2 {
            assert_eq!(self.locker.records().expect("records").len() as u64, size);
        }
        true
    }
}

#[test]
fn a_listener_may_use_the_locker_it_watches() {
    without_deadlock("listener reads the locker", || {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let (locker, signer, options) = setup(dir.path());
        let listener = Arc::new(ReadingListener {
            locker: Arc::clone(&locker),
            calls: Mutex::new(Vec::new()),
        });
        let out = dir.path().join("b.zip").display().to_string();
        let summary = export_bundle_with_progress(
            Arc::clone(&locker),
            options,
            signer,
            out,
            Arc::clone(&listener) as Arc<dyn ExportListener>,
        )
        .expect("exported");
        let calls = listener.calls.lock().expect("not poisoned");
        assert_eq!(calls.first(), Some(&(0, summary.blob_bytes)));
        assert_eq!(calls.last(), Some(&(summary.blob_bytes, summary.blob_bytes)));
        assert!(calls.len() > 3, "{calls:?}");
    });
}

/// Slow, so that the export is still running while other threads use the locker.
struct SlowListener;

impl ExportListener for SlowListener {
    fn on_progress(&self, _: u64, _: u64) -> bool {
        std::thread::sleep(Duration::from_millis(5));
        true
    }
}

#[test]
fn other_threads_use_the_locker_during_an_export() {
    without_deadlock("threads use the locker during an export", || {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let (locker, signer, options) = setup(dir.path());
        let exporting = AtomicBool::new(true);
        std::thread::scope(|s| {
            s.spawn(|| {
                let out = dir.path().join("b.zip").display().to_string();
                let r = export_bundle_with_progress(
                    Arc::clone(&locker),
                    options,
                    Arc::clone(&signer),
                    out,
                    Arc::new(SlowListener),
                );
                exporting.store(false, Ordering::Release);
                r.expect("exported");
            });
            for _ in 0..2 {
                s.spawn(|| {
                    let evidence = sample_company_evidence(2025).remove(0);
                    while exporting.load(Ordering::Acquire) {
                        let _ = locker.len();
                        let _ = locker.root();
                        let _ = locker.checkpoint();
                        let _ = locker.torn_tail();
                        locker.append(evidence.clone()).expect("appended");
                        locker
                            .add_attachment(b"x".to_vec(), "text/plain".into(), "x.txt".into())
                            .expect("stored");
                    }
                });
            }
        });
    });
}
