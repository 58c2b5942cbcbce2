//! Markdown.

use std::fmt::Write;

use super::{
    CellStatus, Report, kind_label, late_label, permille_label, priority_label, records_label,
    response_label, severity_label,
};

/// Escapes text for a Markdown table cell or paragraph: evidence-derived text must not
/// turn into markup, links or extra columns.
fn md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~' => {
                out.push('\\');
                out.push(ch);
            }
            '\n' | '\r' => out.push(' '),
            _ => out.push(ch),
        }
    }
    out
}

fn cell(status: CellStatus) -> &'static str {
    match status {
        CellStatus::Operating => "✓",
        CellStatus::Exception => "✗",
        CellStatus::NotYetDue => "…",
        CellStatus::NotRequired => "–",
    }
}

pub(super) fn render(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "# SOC 2 readiness report\n");
    let _ = writeln!(s, "Period **{}**, as of **{}**.\n", r.period, r.as_of);
    let k = &r.catalog;
    if k.differences.is_empty() {
        let _ = writeln!(s, "**Catalog:** built-in, unchanged (SHA-256 `{}`).\n", k.sha256);
    } else {
        let _ = writeln!(
            s,
            "**Catalog: {} difference(s) from the built-in catalog** (SHA-256 `{}`; built-in `{}`):\n",
            k.differences.len(),
            k.sha256,
            k.builtin_sha256
        );
        for d in &k.differences {
            let _ = writeln!(s, "- {}", md(&d.description));
        }
        s.push('\n');
    }
    let _ = writeln!(s, "**Recording times:** {}\n", md(&r.recording_time.statement));
    if !r.recording_time.timestamps.is_empty() {
        for t in &r.recording_time.timestamps {
            let _ = writeln!(s, "- {}", md(&super::timestamp_label(t)));
        }
        s.push('\n');
    }
    let o = &r.opinion;
    let _ = writeln!(
        s,
        "**Opinion risk: {}** — {} exception(s): {} pervasive, {} minor.\n",
        o.risk.label(),
        o.exceptions,
        o.pervasive,
        o.minor
    );
    if !o.basis.is_empty() {
        let _ = writeln!(
            s,
            "| Control | Deviations | Population | Rate | Tolerable | Nature | Why |\n|---|---:|---:|---:|---:|---|---|"
        );
        for b in &o.basis {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} % | {} | {} |",
                md(b.control.as_str()),
                b.deviations,
                b.population,
                permille_label(b.rate_permille),
                b.tolerable_percent,
                b.nature.label(),
                md(&b.reason)
            );
        }
        s.push('\n');
    }
    let _ = writeln!(s, "> {}\n", md(&o.rule));
    let m = &r.summary;
    let _ = writeln!(
        s,
        "{} controls: {} operating, {} in exception, {} without evidence, {} not yet due, {} not applicable.\n",
        m.controls, m.operating, m.exception, m.no_evidence, m.not_yet_due, m.not_applicable
    );
    if !r.warnings.is_empty() {
        let _ = writeln!(s, "**Warnings**\n");
        for w in &r.warnings {
            let _ = writeln!(s, "- {}", md(w));
        }
        s.push('\n');
    }

    let _ = writeln!(s, "## Controls\n");
    let _ = write!(s, "| Control | Title | Status | Coverage |");
    for c in &r.columns {
        let _ = write!(s, " {} |", md(c));
    }
    s.push('\n');
    let _ = write!(s, "|---|---|---|---:|");
    for _ in &r.columns {
        s.push_str(":---:|");
    }
    s.push('\n');
    for c in &r.controls {
        let _ = write!(
            s,
            "| {} | {} | {} | {}/{} |",
            md(c.control.as_str()),
            md(&c.title),
            c.status.label(),
            c.coverage.met,
            c.coverage.required
        );
        for g in &c.grid {
            let _ = write!(s, " {} |", cell(g.status));
        }
        s.push('\n');
    }
    let _ = writeln!(s, "\n✓ operating · ✗ exception · … not yet due · – nothing required\n");
    let _ = writeln!(
        s,
        "| Control | Owner | First recorded | Proven by | Test procedure |\n|---|---|---|---|---|"
    );
    for c in &r.controls {
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} |",
            md(c.control.as_str()),
            md(&c.owner),
            c.first_recorded.map_or_else(|| "unknown".to_owned(), |d| d.to_string()),
            super::proven_label(c),
            md(&c.procedure)
        );
    }
    s.push('\n');

    let _ = writeln!(s, "## Exceptions, in the order to fix them\n");
    if r.exceptions.is_empty() {
        let _ = writeln!(s, "None.\n");
    }
    for e in &r.exceptions {
        let f = &e.finding;
        let crit: Vec<&str> = f.criteria.iter().map(|c| c.id()).collect();
        let _ = writeln!(s, "### {}. {} — {}\n", e.rank, md(f.control.as_str()), md(&f.summary));
        let _ = writeln!(
            s,
            "Priority **{}**, severity **{}**, time to fix **{}**; criteria {}; {} of {} items deviate{}.\n",
            priority_label(e.priority),
            severity_label(f.severity),
            e.time_to_fix,
            crit.join(", "),
            f.deviations,
            f.population,
            if e.access_related { "; about access" } else { "" }
        );
        let _ = writeln!(s, "| Kind | Item | Why | Records |\n|---|---|---|---|");
        for a in &f.affected {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                kind_label(a.kind),
                md(&a.id),
                md(&a.reason),
                records_label(&a.records)
            );
        }
        if !f.responses.is_empty() {
            s.push('\n');
            for resp in &f.responses {
                let _ = writeln!(s, "- {}", md(&response_label(resp)));
            }
        }
        if let Some(w) = &f.write_up {
            s.push('\n');
            for (i, (label, text)) in super::write_up_parts(w).into_iter().enumerate() {
                if i > 0 {
                    s.push('\n');
                }
                let _ = writeln!(s, "**{label}.** {}", md(text));
            }
        }
        if !e.remediation.is_empty() {
            let _ = writeln!(s, "\nTo fix:\n");
            for (i, step) in e.remediation.iter().enumerate() {
                let _ = writeln!(s, "{}. {}", i + 1, md(step));
            }
        }
        s.push('\n');
    }

    let _ = writeln!(s, "## Monitoring as of {}\n", r.as_of);
    let _ = writeln!(
        s,
        "{} overdue item(s), {} coming due.\n",
        r.monitoring.overdue.len(),
        r.monitoring.upcoming.len()
    );
    // Only controls with something not yet due have a next due date: no empty table.
    if !r.monitoring.next_due.is_empty() {
        let _ = writeln!(s, "| Control | Next due |\n|---|---|");
        for n in &r.monitoring.next_due {
            let _ = writeln!(s, "| {} | {} |", md(n.control.as_str()), n.due);
        }
        s.push('\n');
    }
    for (title, list) in
        [("Overdue", &r.monitoring.overdue), ("Coming due", &r.monitoring.upcoming)]
    {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(s, "{title}:\n\n| Due | Control | Kind | Item |\n|---|---|---|---|");
        for d in list {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} |",
                d.due,
                md(d.control.as_str()),
                kind_label(d.kind),
                md(&d.item)
            );
        }
        s.push('\n');
    }
    if !r.late_records.is_empty() {
        let _ = writeln!(s, "## Late records\n");
        for l in &r.late_records {
            let _ = writeln!(s, "- {}", md(&late_label(l)));
        }
        s.push('\n');
    }
    let _ = writeln!(
        s,
        "## Evidence relied on\n\n{} record(s): {}\n",
        r.relied_on.len(),
        records_label(&r.relied_on)
    );
    s
}
