//! Testing workpapers: per control a CSV of its whole population (each item, in each
//! quarter, with its result, the reason it deviates and the records that show it), and a
//! summary sheet of every control (owner, test procedure, population, deviations,
//! conclusion).
//!
//! The CSV opens cleanly in spreadsheets: UTF-8 (no byte-order mark) with a header row,
//! RFC 4180 (CRLF line ends; a field holding a comma, quote, CR or LF is quoted, its
//! quotes doubled), and no cell a spreadsheet would run as a formula: a cell starting
//! with `=`, `+`, `-`, `@`, a tab or a carriage return is written with a leading `'`
//! (the OWASP "CSV injection" advice). Output is deterministic: catalog order, then the
//! population sorted by quarter, kind, item and due date.

use crate::catalog::Catalog;
use crate::evaluate::{ControlPopulation, Evaluation};
use crate::report::{ControlResult, ControlStatus};

/// The summary sheet's file name.
pub const SUMMARY_FILE: &str = "summary.csv";
/// The folder, relative to the workpapers, of the per-control population sheets
/// (`population/<CONTROL>.csv`).
pub const POPULATION_DIR: &str = "population";

/// A spreadsheet cell, neutralised: a leading `'` when it starts with a character a
/// spreadsheet would read as the start of a formula (`=`, `+`, `-`, `@`, tab, CR).
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        std::borrow::Cow::Owned(format!("'{cell}"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    }
}

/// An RFC 4180 CSV document (CRLF, quoting as needed), every cell neutralised.
pub fn csv_document<R, C>(header: &[&str], rows: R) -> Vec<u8>
where
    R: IntoIterator<Item = Vec<C>>,
    C: AsRef<str>,
{
    let mut w = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .quote_style(csv::QuoteStyle::Necessary)
        .from_writer(Vec::new());
    // Writing to memory cannot fail.
    let _ = w.write_record(header.iter().map(|h| neutralise(h).into_owned()));
    for row in rows {
        let _ = w.write_record(row.iter().map(|c| neutralise(c.as_ref()).into_owned()));
    }
    w.into_inner().unwrap_or_default()
}

/// The header of a population sheet.
pub const POPULATION_HEADER: [&str; 7] =
    ["item", "kind", "quarter", "due", "result", "reason", "records"];

/// The header of the summary sheet.
pub const SUMMARY_HEADER: [&str; 10] = [
    "control",
    "title",
    "owner",
    "test_procedure",
    "frequency",
    "population",
    "deviations",
    "status",
    "conclusion",
    "population_file",
];

/// One control's population sheet.
pub fn population_csv(population: &ControlPopulation) -> Vec<u8> {
    csv_document(
        &POPULATION_HEADER,
        population.items.iter().map(|i| {
            vec![
                i.item.clone(),
                kind_name(i.kind),
                i.quarter.clone(),
                i.due.to_string(),
                i.result.as_str().to_owned(),
                i.reason.clone(),
                i.records.iter().map(u64::to_string).collect::<Vec<_>>().join(" "),
            ]
        }),
    )
}

/// The auditor's conclusion on a control, in one sentence.
pub fn conclusion(c: &ControlResult) -> String {
    match c.status {
        ControlStatus::Operating => {
            format!("Operating effectively: no deviations in {} item(s) tested.", c.population)
        }
        ControlStatus::Exception => {
            format!("Exception: {} of {} item(s) tested deviate.", c.deviations, c.population)
        }
        ControlStatus::NoEvidence => format!(
            "Not shown: no evidence of the control; {} of {} item(s) not shown.",
            c.deviations, c.population
        ),
        ControlStatus::NotYetDue => "Not yet due as of the evaluation date.".to_owned(),
        ControlStatus::NotApplicable => "Not applicable: nothing to test in the period.".to_owned(),
    }
}

/// The summary sheet: one row per control, in catalog order.
pub fn summary_csv(catalog: &Catalog, evaluation: &Evaluation) -> Vec<u8> {
    csv_document(
        &SUMMARY_HEADER,
        evaluation.report.controls.iter().map(|c| {
            let frequency = catalog
                .get(c.control.as_str())
                .map(|cc| cc.frequency().as_str())
                .unwrap_or_default();
            vec![
                c.control.to_string(),
                c.title.clone(),
                c.owner.clone(),
                c.procedure.clone(),
                frequency.to_owned(),
                c.population.to_string(),
                c.deviations.to_string(),
                status_name(c.status).to_owned(),
                conclusion(c),
                format!("{POPULATION_DIR}/{}.csv", c.control),
            ]
        }),
    )
}

/// Every workpaper file: `summary.csv` and `population/<CONTROL>.csv` for each control,
/// as (relative path, content), in path order.
pub fn files(catalog: &Catalog, evaluation: &Evaluation) -> Vec<(String, Vec<u8>)> {
    let mut out = vec![(SUMMARY_FILE.to_owned(), summary_csv(catalog, evaluation))];
    for p in &evaluation.populations {
        out.push((format!("{POPULATION_DIR}/{}.csv", p.control), population_csv(p)));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

fn kind_name(kind: crate::model::ItemKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

fn status_name(s: ControlStatus) -> &'static str {
    match s {
        ControlStatus::Operating => "operating",
        ControlStatus::Exception => "exception",
        ControlStatus::NoEvidence => "no_evidence",
        ControlStatus::NotYetDue => "not_yet_due",
        ControlStatus::NotApplicable => "not_applicable",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_neutralised() {
        for bad in ["=SUM(A1)", "+1", "-1", "@cmd", "\tx", "\rx"] {
            assert_eq!(neutralise(bad), format!("'{bad}"));
        }
        for ok in ["a=b", "2026-Q1", "", "'x"] {
            assert_eq!(neutralise(ok), ok);
        }
    }

    #[test]
    fn rfc4180_quoting_and_crlf() {
        let doc = csv_document(
            &["a", "b"],
            vec![vec!["x,y", "say \"hi\""], vec!["=1+1", "line\nbreak"], vec!["é", ""]],
        );
        assert_eq!(
            String::from_utf8(doc).unwrap(),
            "a,b\r\n\"x,y\",\"say \"\"hi\"\"\"\r\n'=1+1,\"line\nbreak\"\r\né,\r\n"
        );
    }
}
