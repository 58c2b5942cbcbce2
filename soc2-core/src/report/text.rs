//! Plain text for the terminal.

use std::fmt::Write;

use super::{
    CellStatus, Report, kind_label, late_label, permille_label, priority_label, records_label,
    response_label, severity_label,
};

/// Affected items listed per exception before the rest are summarised; the JSON,
/// Markdown and HTML renderings list them all.
const MAX_ITEMS: usize = 20;
/// Due items listed in each monitoring list.
const MAX_DUE: usize = 15;

pub(super) fn cell(status: CellStatus) -> &'static str {
    match status {
        CellStatus::Operating => "ok",
        CellStatus::Exception => "XX",
        CellStatus::NotYetDue => "..",
        CellStatus::NotRequired => "--",
    }
}

pub(super) fn render(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "SOC 2 readiness: period {}, as of {}", r.period, r.as_of);
    let k = &r.catalog;
    if k.differences.is_empty() {
        let _ = writeln!(s, "Catalog: built-in, unchanged (sha256 {})", k.sha256);
    } else {
        let _ = writeln!(
            s,
            "Catalog: {} difference{} from the built-in catalog (sha256 {}; built-in {})",
            k.differences.len(),
            if k.differences.len() == 1 { "" } else { "s" },
            k.sha256,
            k.builtin_sha256
        );
        for d in &k.differences {
            let _ = writeln!(s, "  - {}", d.description);
        }
    }
    let _ = writeln!(s, "Recording times: {}", r.recording_time.statement);
    for t in &r.recording_time.timestamps {
        let _ = writeln!(s, "  - {}", super::timestamp_label(t));
    }
    let o = &r.opinion;
    let _ = writeln!(
        s,
        "Opinion risk: {} ({} exception{}: {} pervasive, {} minor)",
        o.risk.label(),
        o.exceptions,
        if o.exceptions == 1 { "" } else { "s" },
        o.pervasive,
        o.minor
    );
    for b in &o.basis {
        let _ = writeln!(
            s,
            "  {:<8} {}: {} of {} ({}; tolerable {} %): {}",
            b.control.as_str(),
            b.nature.label(),
            b.deviations,
            b.population,
            permille_label(b.rate_permille),
            b.tolerable_percent,
            b.reason
        );
    }
    let _ = writeln!(s, "  Rule: {}", o.rule);
    let m = &r.summary;
    let _ = writeln!(
        s,
        "Controls: {} ({} operating, {} exception, {} no evidence, {} not yet due, {} not applicable)",
        m.controls, m.operating, m.exception, m.no_evidence, m.not_yet_due, m.not_applicable
    );
    for w in &r.warnings {
        let _ = writeln!(s, "Warning: {w}");
    }
    s.push('\n');

    let width = r.columns.iter().map(String::len).max().unwrap_or(2).max(2);
    let _ = write!(s, "{:<8} {:<14} {:>11} ", "CONTROL", "STATUS", "COVERAGE");
    for c in &r.columns {
        let _ = write!(s, " {c:<width$}");
    }
    let _ = writeln!(s, "  TITLE");
    for c in &r.controls {
        let cov = format!("{}/{}", c.coverage.met, c.coverage.required);
        let _ = write!(s, "{:<8} {:<14} {:>11} ", c.control.as_str(), c.status.label(), cov);
        for g in &c.grid {
            let _ = write!(s, " {:<width$}", cell(g.status));
        }
        let _ = writeln!(s, "  {}", c.title);
    }
    let _ = writeln!(s, "  (ok: operating, XX: exception, ..: not yet due, --: nothing required)");

    s.push('\n');
    if r.exceptions.is_empty() {
        let _ = writeln!(s, "No exceptions.");
    } else {
        let _ = writeln!(s, "Exceptions, in the order to fix them:");
    }
    for e in &r.exceptions {
        let f = &e.finding;
        let _ = writeln!(
            s,
            "{:>3}. {} {} [{}, {} severity, {}]",
            e.rank,
            f.control,
            f.summary,
            priority_label(e.priority),
            severity_label(f.severity),
            e.time_to_fix
        );
        let crit: Vec<&str> = f.criteria.iter().map(|c| c.id()).collect();
        let _ = writeln!(
            s,
            "     Criteria {}; population {}, deviations {}",
            crit.join(", "),
            f.population,
            f.deviations
        );
        if let Some(c) = r.controls.iter().find(|c| c.control == f.control) {
            let _ = writeln!(s, "     Owner {}; tested: {}", c.owner, c.procedure);
            let _ = writeln!(s, "     Evidence proven by: {}", super::proven_label(c));
        }
        for a in f.affected.iter().take(MAX_ITEMS) {
            let _ = writeln!(
                s,
                "     - {} {}: {} (records {})",
                kind_label(a.kind),
                a.id,
                a.reason,
                records_label(&a.records)
            );
        }
        if f.affected.len() > MAX_ITEMS {
            let _ = writeln!(s, "     ... and {} more", f.affected.len() - MAX_ITEMS);
        }
        for resp in &f.responses {
            let _ = writeln!(s, "     {}", response_label(resp));
        }
        for (i, step) in e.remediation.iter().enumerate() {
            let _ = writeln!(s, "     Fix {}: {step}", i + 1);
        }
    }

    s.push('\n');
    let _ = writeln!(s, "Monitoring as of {}:", r.as_of);
    let _ = writeln!(s, "  Overdue: {}", r.monitoring.overdue.len());
    for d in r.monitoring.overdue.iter().take(MAX_DUE) {
        let _ = writeln!(
            s,
            "    {} {:<8} {:<10} {}",
            d.due,
            d.control.as_str(),
            kind_label(d.kind),
            d.item
        );
    }
    if r.monitoring.overdue.len() > MAX_DUE {
        let _ = writeln!(s, "    ... and {} more", r.monitoring.overdue.len() - MAX_DUE);
    }
    let _ = writeln!(s, "  Coming due: {}", r.monitoring.upcoming.len());
    for d in r.monitoring.upcoming.iter().take(MAX_DUE) {
        let _ = writeln!(
            s,
            "    {} {:<8} {:<10} {}",
            d.due,
            d.control.as_str(),
            kind_label(d.kind),
            d.item
        );
    }
    if r.monitoring.upcoming.len() > MAX_DUE {
        let _ = writeln!(s, "    ... and {} more", r.monitoring.upcoming.len() - MAX_DUE);
    }
    if !r.late_records.is_empty() {
        let _ = writeln!(s, "\nLate records: {}", r.late_records.len());
        for l in &r.late_records {
            let _ = writeln!(s, "  {}", late_label(l));
        }
    }
    let _ = writeln!(
        s,
        "\nEvidence relied on: {} record{}: {}",
        r.relied_on.len(),
        if r.relied_on.len() == 1 { "" } else { "s" },
        records_label(&r.relied_on)
    );
    s
}
