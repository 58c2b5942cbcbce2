//! CSV registers with a column mapping: what `roster-csv`, `vendors-csv` and `risks-csv`
//! share.
//!
//! An import of such a source takes one mapping file (TOML, see `docs/importers.md`) and one
//! or more CSV files, the pages of one register. The mapping names, for each field of the
//! model, the CSV header it is read from; optionally the delimiter, the date format, the
//! separator of list cells, how the source's own values translate into the model's
//! (`[values.FIELD]`), and values for fields the export does not carry (`[defaults]`, each
//! use counted). The mapping is stored with the evidence like every input, so the import
//! can be re-derived.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};

use super::capture::{Page, strip_bom};
use super::error::ImportError;
use super::toolkit::{At, Ctx};
use crate::model::Date;

/// A field of the model a mapping may name.
pub(crate) struct Field {
    pub(crate) name: &'static str,
    pub(crate) required: bool,
}

/// The column mapping.
pub(crate) struct Mapping {
    file: String,
    delimiter: u8,
    date_format: Option<String>,
    list_separator: char,
    columns: BTreeMap<String, String>,
    /// field -> (source value, lower-cased -> model value; "" is absent)
    values: BTreeMap<String, BTreeMap<String, String>>,
    defaults: BTreeMap<String, String>,
}

/// One data row of one CSV file, read through the mapping.
pub(crate) struct Row<'m> {
    pub(crate) file: String,
    pub(crate) line: u64,
    mapping: &'m Mapping,
    /// field -> cell
    cells: BTreeMap<&'static str, String>,
}

fn text_of(page: &Page) -> Result<String, ImportError> {
    let t = page.text()?;
    Ok(t.strip_prefix('\u{feff}').map(str::to_owned).unwrap_or(t))
}

/// Splits the inputs into the mapping and the CSV files, and reads every row.
pub(crate) fn read<'m>(
    ctx: &mut Ctx,
    pages: &[Page],
    source: &str,
    fields: &[Field],
    mapping_slot: &'m mut Option<Mapping>,
) -> Result<Vec<Row<'m>>, ImportError> {
    let mut csvs = Vec::new();
    let mut found: Option<Mapping> = None;
    for page in pages {
        let bytes_text = text_of(page)?;
        if let Ok(table) = bytes_text.parse::<toml::Table>()
            && table.contains_key("columns")
        {
            if let Some(m) = found.as_ref() {
                return Err(ImportError::malformed(
                    &page.file,
                    0,
                    None,
                    format!("a second column mapping (the first is {})", m.file),
                ));
            }
            found = Some(parse_mapping(&page.file, &table, source, fields)?);
        } else {
            csvs.push((page.file.clone(), bytes_text));
        }
    }
    *mapping_slot = found;
    let slot: &'m Option<Mapping> = mapping_slot;
    let mapping = slot.as_ref().ok_or_else(|| {
        ImportError::malformed(
            pages.first().map_or("", |p| p.file.as_str()),
            0,
            None,
            format!(
                "no column mapping among the inputs: give a TOML file with a [columns] table \
                 (docs/importers.md, {source})"
            ),
        )
    })?;
    if csvs.is_empty() {
        return Err(ImportError::malformed(&mapping.file, 0, None, "a mapping but no CSV file"));
    }
    let mut rows = Vec::new();
    for (file, text) in &csvs {
        read_csv(ctx, mapping, fields, file, text, source, &mut rows)?;
    }
    Ok(rows)
}

fn parse_mapping(
    file: &str,
    t: &toml::Table,
    source: &str,
    fields: &[Field],
) -> Result<Mapping, ImportError> {
    let bad = |field: &str, why: String| ImportError::malformed(file, 0, Some(field), why);
    let string = |key: &str| -> Result<Option<String>, ImportError> {
        match t.get(key) {
            None => Ok(None),
            Some(toml::Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(bad(key, "expected a string".into())),
        }
    };
    for key in t.keys() {
        if ![
            "source",
            "delimiter",
            "date_format",
            "list_separator",
            "columns",
            "values",
            "defaults",
        ]
        .contains(&key.as_str())
        {
            return Err(bad(key, "unknown key in a column mapping".into()));
        }
    }
    match string("source")? {
        Some(s) if s == source => {}
        Some(s) => {
            return Err(ImportError::wrong(
                file,
                source,
                format!("a column mapping for {s}, not {source}"),
            ));
        }
        None => return Err(bad("source", format!("missing (e.g. source = \"{source}\")"))),
    }
    let one_char = |key: &str, default: char| -> Result<char, ImportError> {
        match string(key)? {
            None => Ok(default),
            Some(s) if s == "\\t" || s == "tab" => Ok('\t'),
            Some(s) if s.chars().count() == 1 => Ok(s.chars().next().unwrap_or(default)),
            Some(s) => Err(bad(key, format!("expected one character, found {s:?}"))),
        }
    };
    let delimiter = one_char("delimiter", ',')?;
    if !delimiter.is_ascii() {
        return Err(bad("delimiter", "expected an ASCII character".into()));
    }
    let known = |f: &str| fields.iter().any(|x| x.name == f);
    let table = |key: &str| -> Result<BTreeMap<String, String>, ImportError> {
        let Some(v) = t.get(key) else { return Ok(BTreeMap::new()) };
        let v = v.as_table().ok_or_else(|| bad(key, "expected a table".into()))?;
        let mut out = BTreeMap::new();
        for (k, v) in v {
            if !known(k) {
                return Err(bad(&format!("{key}.{k}"), format!("{source} has no field {k:?}")));
            }
            let v = match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Boolean(b) => b.to_string(),
                toml::Value::Integer(i) => i.to_string(),
                _ => return Err(bad(&format!("{key}.{k}"), "expected a string".into())),
            };
            out.insert(k.clone(), v);
        }
        Ok(out)
    };
    let columns = table("columns")?;
    let defaults = table("defaults")?;
    let mut values = BTreeMap::new();
    if let Some(v) = t.get("values") {
        let v = v.as_table().ok_or_else(|| bad("values", "expected a table".into()))?;
        for (field, m) in v {
            if !known(field) {
                return Err(bad(
                    &format!("values.{field}"),
                    format!("{source} has no field {field:?}"),
                ));
            }
            let m = m
                .as_table()
                .ok_or_else(|| bad(&format!("values.{field}"), "expected a table".into()))?;
            let mut map = BTreeMap::new();
            for (from, to) in m {
                let to = to.as_str().ok_or_else(|| {
                    bad(&format!("values.{field}.{from}"), "expected a string".into())
                })?;
                map.insert(from.trim().to_lowercase(), to.to_owned());
            }
            values.insert(field.clone(), map);
        }
    }
    for f in fields.iter().filter(|f| f.required) {
        if !columns.contains_key(f.name) && !defaults.contains_key(f.name) {
            return Err(bad(
                &format!("columns.{}", f.name),
                "required field neither mapped to a column nor given in [defaults]".into(),
            ));
        }
    }
    Ok(Mapping {
        file: file.to_owned(),
        delimiter: delimiter as u8,
        date_format: string("date_format")?,
        list_separator: one_char("list_separator", ',')?,
        columns,
        values,
        defaults,
    })
}

fn read_csv<'m>(
    ctx: &mut Ctx,
    mapping: &'m Mapping,
    fields: &[Field],
    file: &str,
    text: &str,
    source: &str,
    rows: &mut Vec<Row<'m>>,
) -> Result<(), ImportError> {
    let bytes = strip_bom(text.as_bytes());
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(mapping.delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(bytes);
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| ImportError::malformed(file, 1, None, format!("unreadable header: {e}")))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    let mut index: BTreeMap<&'static str, usize> = BTreeMap::new();
    let mut missing = Vec::new();
    for f in fields {
        if let Some(h) = mapping.columns.get(f.name) {
            match headers.iter().position(|x| x == h) {
                Some(i) => {
                    index.insert(f.name, i);
                }
                None => missing.push((f.name, h.clone())),
            }
        }
    }
    if index.is_empty() {
        return Err(ImportError::wrong(
            file,
            source,
            format!(
                "none of the mapped columns is in the header ({}); wrong file, or a delimiter \
                 other than {:?}?",
                headers.iter().take(5).cloned().collect::<Vec<_>>().join(","),
                mapping.delimiter as char
            ),
        ));
    }
    if let Some((field, header)) = missing.first() {
        return Err(ImportError::malformed(
            file,
            1,
            Some(header),
            format!("the column mapped to {field} is not in the header"),
        ));
    }
    // Physical line numbers, counted here: the csv crate's own count is one short after
    // CRLF line ends.
    let mut counted = (0usize, 1u64);
    let mut line_at = |byte: u64| {
        let mut byte = (byte as usize).min(bytes.len());
        // After a CRLF the reported start may sit on the `\n` of the previous line end.
        while byte < bytes.len() && matches!(bytes[byte], b'\r' | b'\n') {
            byte += 1;
        }
        if byte >= counted.0 {
            counted.1 += bytes[counted.0..byte].iter().filter(|&&b| b == b'\n').count() as u64;
            counted.0 = byte;
        }
        counted.1
    };
    for result in reader.records() {
        let record = result.map_err(|e| {
            let line = e.position().map_or(0, |p| line_at(p.byte()));
            let reason = match e.kind() {
                csv::ErrorKind::UnequalLengths { expected_len, len, .. } => format!(
                    "{len} fields where the header has {expected_len} (a truncated or damaged row)"
                ),
                _ => e.to_string(),
            };
            ImportError::malformed(file, line, None, reason)
        })?;
        let line = record.position().map_or(0, |p| line_at(p.byte()));
        ctx.rows_read += 1;
        if record.iter().all(|c| c.trim().is_empty()) {
            ctx.skip(file, line, "empty row");
            continue;
        }
        let cells =
            index.iter().map(|(f, i)| (*f, record.get(*i).unwrap_or("").to_owned())).collect();
        rows.push(Row { file: file.to_owned(), line, mapping, cells });
    }
    Ok(())
}

impl Row<'_> {
    fn at(&self, field: &'static str) -> At<'_> {
        let header = self.mapping.columns.get(field).map_or(field, String::as_str);
        At { file: &self.file, row: self.line, field: header }
    }

    fn bad(&self, field: &'static str, why: String) -> ImportError {
        let header = self.mapping.columns.get(field).map_or(field, String::as_str);
        ImportError::malformed(&self.file, self.line, Some(header), why)
    }

    /// The cell's text (trimmed; empty and sentinels absent), else the mapping's default.
    pub(crate) fn text(&self, ctx: &mut Ctx, field: &'static str) -> Option<String> {
        let cell = self.cells.get(field).and_then(|c| ctx.text(c, self.at(field)));
        if cell.is_some() {
            return cell;
        }
        let d = self.mapping.defaults.get(field)?;
        ctx.warn(
            "default_used",
            "a value was taken from the mapping's [defaults] (the export has none)",
            self.at(field),
        );
        Some(d.clone())
    }

    /// A required text.
    pub(crate) fn required(
        &self,
        ctx: &mut Ctx,
        field: &'static str,
    ) -> Result<String, ImportError> {
        self.text(ctx, field).ok_or_else(|| self.bad(field, "required value is empty".into()))
    }

    /// The value after `[values.FIELD]`: `None` when absent or mapped to "".
    fn mapped(&self, ctx: &mut Ctx, field: &'static str) -> Option<String> {
        let raw = self.text(ctx, field)?;
        match self.mapping.values.get(field).and_then(|m| m.get(&raw.to_lowercase())) {
            Some(to) if to.is_empty() => {
                ctx.warn(
                    "value_mapped_to_absent",
                    "a value the mapping reads as absent",
                    self.at(field),
                );
                None
            }
            Some(to) => Some(to.clone()),
            None => Some(raw),
        }
    }

    /// One of a closed set of values: the mapped value, compared with each choice's
    /// spellings (case, `_`, `-` and spaces ignored).
    pub(crate) fn choice<T: Copy>(
        &self,
        ctx: &mut Ctx,
        field: &'static str,
        choices: &[(&str, T)],
    ) -> Result<Option<T>, ImportError> {
        let Some(v) = self.mapped(ctx, field) else { return Ok(None) };
        let norm = |s: &str| {
            s.chars().filter(|c| !matches!(c, '_' | '-' | ' ')).collect::<String>().to_lowercase()
        };
        let n = norm(&v);
        choices.iter().find(|(s, _)| norm(s) == n).map(|(_, t)| Some(*t)).ok_or_else(|| {
            let names: Vec<&str> = choices.iter().map(|(s, _)| *s).collect();
            self.bad(
                field,
                format!(
                    "unknown value {v:?} (expected one of {}); map it in [values.{field}]",
                    names.join(", ")
                ),
            )
        })
    }

    /// A boolean in any common spelling (after `[values.FIELD]`).
    pub(crate) fn boolean(
        &self,
        ctx: &mut Ctx,
        field: &'static str,
    ) -> Result<Option<bool>, ImportError> {
        let Some(v) = self.mapped(ctx, field) else { return Ok(None) };
        ctx.boolean(&v, self.at(field))
    }

    /// A date: with the mapping's `date_format`, else ISO 8601 (a timestamp's date).
    pub(crate) fn date(
        &self,
        ctx: &mut Ctx,
        field: &'static str,
    ) -> Result<Option<Date>, ImportError> {
        let Some(v) = self.mapped(ctx, field) else { return Ok(None) };
        // A date is written YYYY-MM-DD: a year chrono reads beyond 0000..9999 has no
        // such spelling, so it is refused rather than written in another form.
        let four_digits = |d: NaiveDate| {
            if (0..=9999).contains(&d.year()) {
                Ok(Some(Date(d)))
            } else {
                Err(self.bad(field, format!("{v:?} is a date outside the years 0000 to 9999")))
            }
        };
        if let Some(f) = &self.mapping.date_format {
            return NaiveDate::parse_from_str(&v, f)
                .map_err(|_| self.bad(field, format!("{v:?} does not match date_format {f:?}")))
                .and_then(four_digits);
        }
        if let Ok(d) = NaiveDate::parse_from_str(&v, "%Y-%m-%d") {
            return four_digits(d);
        }
        match ctx.timestamp(&v, self.at(field)) {
            Ok(t) => Ok(t.map(|t| Date(t.date()))),
            Err(_) => Err(self.bad(
                field,
                format!(
                    "not an ISO date: {v:?} (set date_format in the mapping, e.g. \"%d/%m/%Y\")"
                ),
            )),
        }
    }

    /// A list cell, split on the mapping's `list_separator`.
    pub(crate) fn list(&self, ctx: &mut Ctx, field: &'static str) -> Vec<String> {
        let Some(v) = self.text(ctx, field) else { return Vec::new() };
        v.split(self.mapping.list_separator)
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()
    }
}

/// The five-point scale of likelihood and impact, with common spellings.
pub(crate) const RISK_LEVELS: &[(&str, crate::model::RiskLevel)] = {
    use crate::model::RiskLevel as L;
    &[
        ("very_low", L::VeryLow),
        ("1", L::VeryLow),
        ("low", L::Low),
        ("2", L::Low),
        ("medium", L::Medium),
        ("moderate", L::Medium),
        ("3", L::Medium),
        ("high", L::High),
        ("4", L::High),
        ("very_high", L::VeryHigh),
        ("5", L::VeryHigh),
    ]
};
