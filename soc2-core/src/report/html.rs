//! One self-contained HTML page: inline CSS, no script, no external asset; readable on
//! screen and on paper.

use std::fmt::Write;

use super::{
    CellStatus, ControlStatus, OpinionRisk, Report, kind_label, late_label, permille_label,
    priority_label, records_label, response_label, severity_label,
};

/// Escapes text for HTML element content and attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

const CSS: &str = r#"
:root { --ok: #d9f2e0; --ok-ink: #135c2c; --bad: #f9d6d5; --bad-ink: #8a1c17;
        --wait: #eef0f3; --wait-ink: #4a5260; --none: #ffffff; --line: #c8ccd2; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
       color: #1b1f24; margin: 2rem auto; max-width: 72rem; padding: 0 1rem; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; }
h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid var(--line); }
h3 { font-size: 1rem; margin: 1.2rem 0 .3rem; }
.meta { color: #4a5260; margin-top: 0; }
.opinion { border: 2px solid var(--line); border-radius: 6px; padding: .6rem 1rem; }
.opinion.clean { border-color: var(--ok-ink); }
.opinion.low { border-color: #6b7c1a; }
.opinion.elevated { border-color: #a35b00; }
.opinion.at_risk { border-color: var(--bad-ink); }
.catalog { border: 1px solid var(--line); border-radius: 6px; padding: .4rem 1rem; margin: .6rem 0; }
.rule { font-size: .9rem; color: #4a5260; }
table { border-collapse: collapse; width: 100%; margin: .5rem 0; }
th, td { border: 1px solid var(--line); padding: .25rem .45rem; text-align: left; vertical-align: top; }
th { background: #f4f5f7; }
td.c { text-align: center; white-space: nowrap; font-weight: 600; }
td.operating { background: var(--ok); color: var(--ok-ink); }
td.exception { background: var(--bad); color: var(--bad-ink); }
td.not_yet_due { background: var(--wait); color: var(--wait-ink); }
td.not_required { background: var(--none); color: #9aa1ab; }
.status-exception, .status-no_evidence { color: var(--bad-ink); font-weight: 600; }
.status-operating { color: var(--ok-ink); }
.num { text-align: right; white-space: nowrap; }
.legend span { display: inline-block; padding: 0 .4rem; margin-right: .4rem; border: 1px solid var(--line); }
ol.fix { margin: .3rem 0 0 1.2rem; padding: 0; }
dl.wu { display: grid; grid-template-columns: 8.5rem 1fr; gap: .2rem .8rem; margin: .5rem 0;
        border-left: 3px solid var(--line); padding: .2rem 0 .2rem .8rem; }
dl.wu dt { font-weight: 600; }
dl.wu dd { margin: 0; }
.exc { break-inside: avoid; page-break-inside: avoid; }
.small { font-size: .85rem; color: #4a5260; word-break: break-all; }
@media print {
  body { margin: 0; max-width: none; font-size: 10.5pt; }
  h2 { break-after: avoid; page-break-after: avoid; }
  tr, .exc { break-inside: avoid; page-break-inside: avoid; }
  td.operating, td.exception, td.not_yet_due { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
"#;

fn cell(status: CellStatus) -> (&'static str, &'static str) {
    match status {
        CellStatus::Operating => ("operating", "✓"),
        CellStatus::Exception => ("exception", "✗"),
        CellStatus::NotYetDue => ("not_yet_due", "…"),
        CellStatus::NotRequired => ("not_required", "–"),
    }
}

fn status_class(s: ControlStatus) -> &'static str {
    match s {
        ControlStatus::Operating => "operating",
        ControlStatus::Exception => "exception",
        ControlStatus::NoEvidence => "no_evidence",
        ControlStatus::NotYetDue => "not_yet_due",
        ControlStatus::NotApplicable => "not_applicable",
    }
}

fn risk_class(r: OpinionRisk) -> &'static str {
    match r {
        OpinionRisk::Clean => "clean",
        OpinionRisk::Low => "low",
        OpinionRisk::Elevated => "elevated",
        OpinionRisk::AtRisk => "at_risk",
    }
}

pub(super) fn render(r: &Report) -> String {
    let mut s = String::new();
    let title = format!("SOC 2 readiness report — {}", r.period);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{}</title>\n<style>{CSS}</style>\n</head>\n<body>\n",
        esc(&title)
    );
    let _ = writeln!(s, "<h1>SOC 2 readiness report</h1>");
    let _ = writeln!(
        s,
        "<p class=\"meta\">Period {} · as of {}</p>",
        esc(&r.period.to_string()),
        r.as_of
    );
    let k = &r.catalog;
    if k.differences.is_empty() {
        let _ = writeln!(
            s,
            "<p class=\"catalog\">Catalog: built-in, unchanged (SHA-256 <code>{}</code>).</p>",
            k.sha256
        );
    } else {
        let _ = writeln!(
            s,
            "<div class=\"catalog\"><strong>Catalog: {} difference(s) from the built-in catalog</strong> (SHA-256 <code>{}</code>; built-in <code>{}</code>)<ul>",
            k.differences.len(),
            k.sha256,
            k.builtin_sha256
        );
        for d in &k.differences {
            let _ = writeln!(s, "<li>{}</li>", esc(&d.description));
        }
        let _ = writeln!(s, "</ul></div>");
    }
    let _ = writeln!(
        s,
        "<p class=\"catalog\">Recording times: {}</p>",
        esc(&r.recording_time.statement)
    );
    if !r.recording_time.timestamps.is_empty() {
        let _ = writeln!(s, "<ul class=\"small\">");
        for t in &r.recording_time.timestamps {
            let _ = writeln!(s, "<li>{}</li>", esc(&super::timestamp_label(t)));
        }
        let _ = writeln!(s, "</ul>");
    }
    let o = &r.opinion;
    let _ = writeln!(
        s,
        "<div class=\"opinion {}\"><strong>Opinion risk: {}</strong> — {} exception(s): {} pervasive, {} minor.",
        risk_class(o.risk),
        esc(o.risk.label()),
        o.exceptions,
        o.pervasive,
        o.minor
    );
    if !o.basis.is_empty() {
        let _ = writeln!(
            s,
            "<table><thead><tr><th>Control</th><th>Deviations</th><th>Population</th><th>Rate</th><th>Tolerable</th><th>Nature</th><th>Why</th></tr></thead><tbody>"
        );
        for b in &o.basis {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{} %</td><td>{}</td><td>{}</td></tr>",
                esc(b.control.as_str()),
                b.deviations,
                b.population,
                esc(&permille_label(b.rate_permille)),
                b.tolerable_percent,
                b.nature.label(),
                esc(&b.reason)
            );
        }
        let _ = writeln!(s, "</tbody></table>");
    }
    let _ = writeln!(s, "<p class=\"rule\">{}</p></div>", esc(&o.rule));
    let m = &r.summary;
    let _ = writeln!(
        s,
        "<p>{} controls: {} operating, {} in exception, {} without evidence, {} not yet due, {} not applicable.</p>",
        m.controls, m.operating, m.exception, m.no_evidence, m.not_yet_due, m.not_applicable
    );
    if !r.warnings.is_empty() {
        let _ = writeln!(s, "<div class=\"warnings\"><strong>Warnings</strong><ul>");
        for w in &r.warnings {
            let _ = writeln!(s, "<li>{}</li>", esc(w));
        }
        let _ = writeln!(s, "</ul></div>");
    }

    let _ = writeln!(s, "<h2>Controls by quarter</h2>");
    let _ = write!(
        s,
        "<table class=\"grid\">\n<thead><tr><th>Control</th><th>Title</th><th>Status</th><th class=\"num\">Coverage</th>"
    );
    for c in &r.columns {
        let _ = write!(s, "<th>{}</th>", esc(c));
    }
    let _ = writeln!(s, "</tr></thead>\n<tbody>");
    for c in &r.controls {
        let _ = write!(
            s,
            "<tr><td>{}</td><td>{}</td><td class=\"status-{}\">{}</td><td class=\"num\">{}/{}</td>",
            esc(c.control.as_str()),
            esc(&c.title),
            status_class(c.status),
            esc(c.status.label()),
            c.coverage.met,
            c.coverage.required
        );
        for (g, label) in c.grid.iter().zip(&r.columns) {
            let (class, mark) = cell(g.status);
            let _ = write!(
                s,
                "<td class=\"c {class}\" title=\"{} {}: {} of {} met\">{mark}</td>",
                esc(c.control.as_str()),
                esc(label),
                g.met,
                g.required
            );
        }
        let _ = writeln!(s, "</tr>");
    }
    let _ = writeln!(s, "</tbody>\n</table>");
    let _ = writeln!(
        s,
        "<p class=\"legend\"><span>✓ operating</span><span>✗ exception</span><span>… not yet due</span><span>– nothing required</span></p>"
    );

    let _ = writeln!(
        s,
        "<h2>How each control is tested</h2>\n<table><thead><tr><th>Control</th><th>Owner</th><th>First recorded</th><th>Proven by</th><th>Test procedure</th></tr></thead><tbody>"
    );
    for c in &r.controls {
        let _ = writeln!(
            s,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"small\">{}</td></tr>",
            esc(c.control.as_str()),
            esc(&c.owner),
            c.first_recorded.map_or_else(|| "unknown".to_owned(), |d| d.to_string()),
            esc(&super::proven_label(c)),
            esc(&c.procedure)
        );
    }
    let _ = writeln!(s, "</tbody></table>");

    let _ = writeln!(s, "<h2>Exceptions, in the order to fix them</h2>");
    if r.exceptions.is_empty() {
        let _ = writeln!(s, "<p>None.</p>");
    }
    for e in &r.exceptions {
        let f = &e.finding;
        let crit: Vec<&str> = f.criteria.iter().map(|c| c.id()).collect();
        let _ = writeln!(
            s,
            "<div class=\"exc\"><h3>{}. {} — {}</h3>",
            e.rank,
            esc(f.control.as_str()),
            esc(&f.summary)
        );
        let _ = writeln!(
            s,
            "<p>Priority <strong>{}</strong> · severity <strong>{}</strong> · time to fix <strong>{}</strong> · criteria {} · {} of {} items deviate{}</p>",
            priority_label(e.priority),
            severity_label(f.severity),
            esc(&e.time_to_fix.to_string()),
            esc(&crit.join(", ")),
            f.deviations,
            f.population,
            if e.access_related { " · about access" } else { "" }
        );
        let _ = writeln!(
            s,
            "<table><thead><tr><th>Kind</th><th>Item</th><th>Why</th><th>Records</th></tr></thead><tbody>"
        );
        for a in &f.affected {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td class=\"small\">{}</td></tr>",
                kind_label(a.kind),
                esc(&a.id),
                esc(&a.reason),
                esc(&records_label(&a.records))
            );
        }
        let _ = writeln!(s, "</tbody></table>");
        if !f.responses.is_empty() {
            let _ = writeln!(s, "<ul class=\"resp\">");
            for resp in &f.responses {
                let _ = writeln!(s, "<li>{}</li>", esc(&response_label(resp)));
            }
            let _ = writeln!(s, "</ul>");
        }
        if let Some(w) = &f.write_up {
            let _ = writeln!(s, "<dl class=\"wu\">");
            for (label, text) in super::write_up_parts(w) {
                let _ = writeln!(s, "<dt>{label}</dt><dd>{}</dd>", esc(text));
            }
            let _ = writeln!(s, "</dl>");
        }
        if !e.remediation.is_empty() {
            let _ = writeln!(s, "<p>To fix:</p><ol class=\"fix\">");
            for step in &e.remediation {
                let _ = writeln!(s, "<li>{}</li>", esc(step));
            }
            let _ = writeln!(s, "</ol>");
        }
        let _ = writeln!(s, "</div>");
    }

    let _ = writeln!(s, "<h2>Monitoring as of {}</h2>", r.as_of);
    let _ = writeln!(
        s,
        "<p>{} overdue item(s), {} coming due.</p>",
        r.monitoring.overdue.len(),
        r.monitoring.upcoming.len()
    );
    if !r.monitoring.next_due.is_empty() {
        let _ =
            writeln!(s, "<table><thead><tr><th>Control</th><th>Next due</th></tr></thead><tbody>");
        for n in &r.monitoring.next_due {
            let _ = writeln!(s, "<tr><td>{}</td><td>{}</td></tr>", esc(n.control.as_str()), n.due);
        }
        let _ = writeln!(s, "</tbody></table>");
    }
    for (title, list) in
        [("Overdue", &r.monitoring.overdue), ("Coming due", &r.monitoring.upcoming)]
    {
        if list.is_empty() {
            continue;
        }
        let _ = writeln!(
            s,
            "<h3>{title}</h3>\n<table><thead><tr><th>Due</th><th>Control</th><th>Kind</th><th>Item</th></tr></thead><tbody>"
        );
        for d in list {
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                d.due,
                esc(d.control.as_str()),
                kind_label(d.kind),
                esc(&d.item)
            );
        }
        let _ = writeln!(s, "</tbody></table>");
    }
    if !r.late_records.is_empty() {
        let _ = writeln!(s, "<h2>Late records</h2><ul class=\"small\">");
        for l in &r.late_records {
            let _ = writeln!(s, "<li>{}</li>", esc(&late_label(l)));
        }
        let _ = writeln!(s, "</ul>");
    }
    let _ = writeln!(
        s,
        "<h2>Evidence relied on</h2>\n<p class=\"small\">{} record(s): {}</p>",
        r.relied_on.len(),
        esc(&records_label(&r.relied_on))
    );
    let _ = writeln!(s, "</body>\n</html>");
    s
}
