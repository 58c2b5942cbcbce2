//! Relaying progress from work that holds a lock to a caller that must not.
//!
//! A long operation on a shared [`Locker`](crate::ledger::Locker) (an export, say) holds
//! the locker's mutex throughout, and reports progress through a callback. When that
//! callback runs foreign code (a Python function, a Kotlin listener), calling it with the
//! mutex held invites a deadlock: the foreign code, or another foreign thread holding the
//! interpreter's lock, may want the locker too. [`relay`] runs the work on a helper thread
//! instead, and calls the caller's callback on the caller's own thread, where no lock of
//! ours is held. The work never waits for the callback; the callback may wait for the work.

use std::collections::VecDeque;
use std::ops::ControlFlow;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Condvar, Mutex, PoisonError};
use std::time::Duration;

/// How far a long read has got: an fsck of a locker (its ledger, then its stored
/// attachments) or the verification of a bundle (its members): bytes read of the bytes to
/// read. The first report has `bytes_done` 0, the last `bytes_done == bytes_total`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadProgress {
    /// Bytes read so far.
    pub bytes_done: u64,
    /// Bytes to read in all.
    pub bytes_total: u64,
}

/// Reports at most once per this many bytes read (and at the start and the end).
pub(crate) const REPORT_EVERY: u64 = 4 << 20;

/// Reports waiting for the caller. When the caller falls behind, the newest report
/// replaces the last one waiting, so memory stays bounded and both the first report and
/// the last one are always delivered.
const QUEUE_LEN: usize = 16;

struct Shared<P> {
    state: Mutex<State<P>>,
    wake: Condvar,
    cancelled: AtomicBool,
}

struct State<P> {
    queue: VecDeque<P>,
    finished: bool,
}

/// Runs `work` on a helper thread and relays the progress it reports to `on_progress`,
/// called on this thread.
///
/// `work` gets a reporting function to call with each piece of progress; it never
/// blocks, and returns [`ControlFlow::Break`] once `on_progress` has asked to cancel
/// (the work should then stop, as with any cancellable progress callback). `on_progress`
/// is called with `Some(report)` for each report (consecutive reports are merged when it
/// falls behind, except the first and the last), and with `None` whenever `tick` passes
/// without one, so that it can notice a cancellation request of its own (such as a
/// signal). It returns [`ControlFlow::Break`] to cancel; it is not called again after
/// that. Returns what `work` returned, once the helper thread has ended. A panic in
/// `work` is resumed here.
pub fn relay<T: Send, P: Send>(
    tick: Duration,
    work: impl FnOnce(&mut dyn FnMut(P) -> ControlFlow<()>) -> T + Send,
    on_progress: &mut dyn FnMut(Option<P>) -> ControlFlow<()>,
) -> T {
    let shared = Shared {
        state: Mutex::new(State { queue: VecDeque::with_capacity(QUEUE_LEN), finished: false }),
        wake: Condvar::new(),
        cancelled: AtomicBool::new(false),
    };
    std::thread::scope(|scope| {
        let worker = scope.spawn(|| {
            // Marks the work finished even if it panics, so the caller stops waiting.
            struct Finish<'a, P>(&'a Shared<P>);
            impl<P> Drop for Finish<'_, P> {
                fn drop(&mut self) {
                    let mut state = self.0.state.lock().unwrap_or_else(PoisonError::into_inner);
                    state.finished = true;
                    self.0.wake.notify_all();
                }
            }
            let _finish = Finish(&shared);
            let mut report = |p: P| {
                if shared.cancelled.load(Ordering::Acquire) {
                    return ControlFlow::Break(());
                }
                let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
                if state.queue.len() >= QUEUE_LEN {
                    state.queue.pop_back();
                }
                state.queue.push_back(p);
                shared.wake.notify_all();
                ControlFlow::Continue(())
            };
            work(&mut report)
        });
        let mut listening = true;
        loop {
            let (next, done) = {
                let mut state = shared.state.lock().unwrap_or_else(PoisonError::into_inner);
                if state.queue.is_empty() && !state.finished {
                    state = shared
                        .wake
                        .wait_timeout(state, tick)
                        .unwrap_or_else(PoisonError::into_inner)
                        .0;
                }
                let next = state.queue.pop_front();
                // The work has ended and nothing is left after `next`.
                (next, state.finished && state.queue.is_empty())
            };
            // Called with no lock held: the callback may block, or wait for the work.
            if listening && (next.is_some() || !done) && on_progress(next).is_break() {
                listening = false;
                shared.cancelled.store(true, Ordering::Release);
            }
            if done {
                break;
            }
        }
        match worker.join() {
            Ok(value) => value,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn every_report_arrives_in_order_when_the_caller_keeps_up() {
        let mut seen = Vec::new();
        let result = relay(
            Duration::from_millis(10),
            |report| {
                for i in 0..5u32 {
                    assert!(report(i).is_continue());
                    std::thread::sleep(Duration::from_millis(2));
                }
                "done"
            },
            &mut |p| {
                seen.extend(p);
                ControlFlow::Continue(())
            },
        );
        assert_eq!(result, "done");
        assert_eq!(seen, vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn a_slow_caller_still_gets_the_first_and_the_last_report() {
        let mut seen = Vec::new();
        relay(
            Duration::from_millis(10),
            |report| {
                for i in 0..10_000u32 {
                    let _ = report(i);
                }
            },
            &mut |p| {
                if let Some(p) = p {
                    seen.push(p);
                    std::thread::sleep(Duration::from_millis(1));
                }
                ControlFlow::Continue(())
            },
        );
        assert_eq!(seen.first(), Some(&0));
        assert_eq!(seen.last(), Some(&9_999));
        assert!(seen.windows(2).all(|w| w[0] < w[1]), "in order");
        assert!(seen.len() < 10_000, "merged while the caller was behind");
    }

    #[test]
    fn breaking_cancels_the_work_at_its_next_report() {
        let mut calls = 0;
        let stopped_at = relay(
            Duration::from_millis(10),
            |report| {
                for i in 0..1_000_000u32 {
                    if report(i).is_break() {
                        return Some(i);
                    }
                    std::thread::sleep(Duration::from_micros(50));
                }
                None
            },
            &mut |p| {
                calls += 1;
                if p == Some(3) { ControlFlow::Break(()) } else { ControlFlow::Continue(()) }
            },
        );
        assert!(stopped_at.is_some(), "the work saw the cancellation");
        assert!(calls >= 4);
    }

    #[test]
    fn the_caller_is_ticked_while_the_work_is_silent_and_may_cancel_then() {
        let (tx, rx) = mpsc::channel::<()>();
        let mut ticks = 0;
        let result = relay(
            Duration::from_millis(5),
            move |report| {
                // Silent until the caller has been ticked three times.
                rx.recv().expect("the caller's signal");
                // The caller's Break takes effect when its callback returns, a moment after
                // the signal: report until the work sees it (bounded, so a broken relay fails).
                for _ in 0..5000 {
                    if report(()).is_break() {
                        return ControlFlow::Break(());
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                ControlFlow::Continue(())
            },
            &mut |p| {
                assert!(p.is_none(), "only ticks before the report");
                ticks += 1;
                if ticks == 3 {
                    tx.send(()).expect("the work waits");
                    return ControlFlow::Break(());
                }
                ControlFlow::Continue(())
            },
        );
        assert_eq!(ticks, 3, "not called again after cancelling");
        assert!(result.is_break());
    }

    #[test]
    fn the_caller_may_wait_for_what_the_work_holds() {
        // The deadlock this module exists for: the work holds a mutex for its whole run,
        // and the callback wants that mutex too. It waits, and the work finishes anyway.
        let locked = Mutex::new(0u32);
        let mut values = Vec::new();
        relay(
            Duration::from_millis(5),
            |report| {
                let mut guard = locked.lock().expect("not poisoned");
                for _ in 0..3 {
                    *guard += 1;
                    let _ = report(());
                }
            },
            &mut |p| {
                if p.is_some() {
                    values.push(*locked.lock().expect("not poisoned"));
                }
                ControlFlow::Continue(())
            },
        );
        assert!(!values.is_empty());
        assert!(values.iter().all(|v| *v == 3), "the callback waited for the work: {values:?}");
    }

    #[test]
    #[should_panic(expected = "the work panicked")]
    fn a_panic_in_the_work_reaches_the_caller() {
        relay(
            Duration::from_millis(5),
            |_report: &mut dyn FnMut(()) -> ControlFlow<()>| panic!("the work panicked"),
            &mut |_| ControlFlow::Continue(()),
        );
    }
}
