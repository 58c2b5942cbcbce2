//! Helpers shared by the locker tests.
#![allow(dead_code, unreachable_pub)]

use soc2_core::model::{Collector, ControlId, Evidence, Note, Payload, Timestamp};

/// A small piece of evidence whose title identifies it.
pub fn note(title: &str) -> Evidence {
    note_at(title, "2026-03-28T14:05:00Z", &["AC-1"])
}

/// A note observed at `observed_at` supporting `controls`.
pub fn note_at(title: &str, observed_at: &str, controls: &[&str]) -> Evidence {
    let t: Timestamp = observed_at.parse().unwrap();
    Evidence {
        controls: controls.iter().map(|c| c.parse::<ControlId>().unwrap()).collect(),
        observed_at: t,
        collected_at: t,
        collector: Collector::Tool { name: "soc2-tests".into(), version: "0.1.0".into() },
        source: "tests".into(),
        attachments: vec![],
        payload: Payload::Note(Note { title: title.into(), body: String::new() }),
        provenance: None,
    }
}

/// The title of a note record.
pub fn title(e: &Evidence) -> String {
    match &e.payload {
        Payload::Note(n) => n.title.clone(),
        other => panic!("not a note: {other:?}"),
    }
}
