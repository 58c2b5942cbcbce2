//! Long reads (fsck, bundle verification) run on a helper thread while this thread, with
//! nothing of ours locked, calls the Python progress callback and watches for signals
//! (Ctrl-C), as exports do (`soc2_core::progress::relay`).

use std::ops::ControlFlow;
use std::time::Duration;

use pyo3::prelude::*;
use soc2_core::progress::{ReadProgress, relay};

/// How often a running read looks for a pending signal (Ctrl-C) without progress.
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
        relay(SIGNAL_CHECK_EVERY, work, &mut |p: Option<ReadProgress>| {
            // Briefly takes the interpreter back: signals are only seen with it.
            Python::attach(|py| {
                let called = py.check_signals().and_then(|()| match (progress, p) {
                    (Some(callback), Some(p)) => {
                        callback.call1(py, (p.bytes_done, p.bytes_total)).map(drop)
                    }
                    _ => Ok(()),
                });
                match called {
                    Ok(()) => ControlFlow::Continue(()),
                    Err(e) => {
                        stopped = Some(e);
                        ControlFlow::Break(())
                    }
                }
            })
        })
    });
    match stopped {
        Some(e) => Err(e),
        None => Ok(result),
    }
}
