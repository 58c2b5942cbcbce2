//! `roster-csv`: the people of the company exported from an HR system as CSV, read through
//! a column mapping, become the roster.

use super::Item;
use super::capture::Page;
use super::csv_mapping::{Field, read};
use super::error::ImportError;
use super::toolkit::{At, Ctx};
use crate::model::{Completeness, EmploymentType, Payload, Person, Roster};

const SOURCE: &str = "roster-csv";

const FIELDS: &[Field] = &[
    Field { name: "id", required: true },
    Field { name: "name", required: true },
    Field { name: "aliases", required: false },
    Field { name: "employment_type", required: true },
    Field { name: "start_date", required: true },
    Field { name: "end_date", required: false },
    Field { name: "in_scope", required: true },
];

const EMPLOYMENT: &[(&str, EmploymentType)] = &[
    ("employee", EmploymentType::Employee),
    ("contractor", EmploymentType::Contractor),
    ("intern", EmploymentType::Intern),
];

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], _system: &str) -> Result<Vec<Item>, ImportError> {
    let mut slot = None;
    let rows = read(ctx, pages, SOURCE, FIELDS, &mut slot)?;
    let mut people = Vec::new();
    let mut ids: Vec<(u64, String, String)> = Vec::new();
    for row in &rows {
        let id = row.required(ctx, "id")?.to_lowercase();
        let employment_type = row.choice(ctx, "employment_type", EMPLOYMENT)?.ok_or_else(|| {
            ImportError::malformed(
                &row.file,
                row.line,
                Some("employment_type"),
                "required value is empty",
            )
        })?;
        let start_date = row.date(ctx, "start_date")?.ok_or_else(|| {
            ImportError::malformed(
                &row.file,
                row.line,
                Some("start_date"),
                "required value is empty",
            )
        })?;
        let in_scope = row.boolean(ctx, "in_scope")?.ok_or_else(|| {
            ImportError::malformed(&row.file, row.line, Some("in_scope"), "required value is empty")
        })?;
        let person = Person {
            id: id.clone(),
            name: row.required(ctx, "name")?,
            aliases: row.list(ctx, "aliases"),
            employment_type,
            start_date,
            end_date: row.date(ctx, "end_date")?,
            in_scope,
        };
        if let Some(end) = person.end_date
            && end < person.start_date
        {
            return Err(ImportError::malformed(
                &row.file,
                row.line,
                Some("end_date"),
                format!("the last day {end} is before the first day {}", person.start_date),
            ));
        }
        ids.push((row.line, row.file.clone(), id));
        ctx.rows_kept += 1;
        people.push(person);
    }
    if people.is_empty() {
        return Err(ImportError::malformed(
            pages.last().map_or("", |p| p.file.as_str()),
            0,
            None,
            "the roster has a header but nobody on it",
        ));
    }
    // The same person twice (ids compared case-insensitively, across all the files).
    let mut seen = std::collections::BTreeSet::new();
    for (line, file, id) in &ids {
        if !seen.insert(id.as_str()) {
            ctx.warn(
                "duplicate_account",
                "a person is listed more than once (both kept)",
                At { file, row: *line, field: "id" },
            );
        }
    }
    ctx.completeness(
        Completeness::Unknown,
        Some("a CSV export carries no total: whether everyone is present is unknown".into()),
    );
    Ok(vec![Item::at_export(Payload::Roster(Roster { people }))])
}
