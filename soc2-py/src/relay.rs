//! Long work (an export, an fsck, a bundle's verification) runs on a helper thread while
//! this thread, with nothing of ours locked, calls the Python progress callback and watches
//! for signals (Ctrl-C) (`soc2_core::progress::relay`).

use std::ops::ControlFlow;
use std::time::Duration;

use pyo3::prelude::*;
use soc2_core::progress::{ReadProgress, relay};

/// How often long work looks for a pending signal (Ctrl-C) while it reports no progress.
pub(crate) const SIGNAL_CHECK_EVERY: Duration = Duration::from_millis(100);

/// Runs `work` on a helper thread with the interpreter detached, calling `progress` (if
/// given) with `(bytes_done, bytes_total)` for its reports. An exception `progress` raises,
/// or a pending signal (`KeyboardInterrupt`), stops the work and is raised here instead of
/// whatever the work returned.
pub(crate) fn read_relayed<T: Send>(
    py: Python<'_>,
    progress: Option<&Py<PyAny>>,
    work: impl FnOnce(&mut dyn FnMut(ReadProgress) -> ControlFlow<()>) -> T + Send,
) -> PyResult<T> {
    let mut stopped: Option<PyErr> = None;
    let result = py.detach(|| {
        let mut call = call_progress(progress, &mut stopped);
        relay(SIGNAL_CHECK_EVERY, work, &mut |p: Option<ReadProgress>| {
            call(p.map(|p| (p.bytes_done, p.bytes_total)))
        })
    });
    match stopped {
        Some(e) => Err(e),
        None => Ok(result),
    }
}

/// The relay's side of a Python progress callback, called on the thread that holds no
/// lock of ours: checks for a pending signal, then calls `progress` (if given) with
/// `(bytes_done, bytes_total)` when there is a report. The first exception (a signal's
/// `KeyboardInterrupt`, or the callback's own) is kept in `stopped` and asks the work to
/// stop.
pub(crate) fn call_progress<'a>(
    progress: Option<&'a Py<PyAny>>,
    stopped: &'a mut Option<PyErr>,
) -> impl FnMut(Option<(u64, u64)>) -> ControlFlow<()> + 'a {
    move |report| {
        // Briefly takes the interpreter back: signals are only seen with it.
        Python::attach(|py| {
            let called = py.check_signals().and_then(|()| match (progress, report) {
                (Some(callback), Some(done_total)) => callback.call1(py, done_total).map(drop),
                _ => Ok(()),
            });
            match called {
                Ok(()) => ControlFlow::Continue(()),
                Err(e) => {
                    *stopped = Some(e);
                    ControlFlow::Break(())
                }
            }
        })
    }
}
