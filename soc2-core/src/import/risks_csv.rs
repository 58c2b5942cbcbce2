//! `risks-csv`: a risk register exported as CSV (a GRC tool, a spreadsheet), read through a
//! column mapping, becomes the risk register.

use super::Item;
use super::capture::Page;
use super::csv_mapping::{Field, RISK_LEVELS, read};
use super::error::ImportError;
use super::toolkit::{At, Ctx};
use crate::model::{Completeness, Payload, Risk, RiskRegister, RiskTreatment};

const SOURCE: &str = "risks-csv";

const FIELDS: &[Field] = &[
    Field { name: "id", required: true },
    Field { name: "threat", required: true },
    Field { name: "likelihood", required: false },
    Field { name: "impact", required: false },
    Field { name: "residual_likelihood", required: false },
    Field { name: "residual_impact", required: false },
    Field { name: "treatment", required: false },
    Field { name: "treatment_plan", required: false },
    Field { name: "owner", required: false },
];

const TREATMENTS: &[(&str, RiskTreatment)] = &[
    ("mitigate", RiskTreatment::Mitigate),
    ("mitigation", RiskTreatment::Mitigate),
    ("reduce", RiskTreatment::Mitigate),
    ("accept", RiskTreatment::Accept),
    ("accepted", RiskTreatment::Accept),
    ("transfer", RiskTreatment::Transfer),
    ("share", RiskTreatment::Transfer),
    ("avoid", RiskTreatment::Avoid),
];

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], _system: &str) -> Result<Vec<Item>, ImportError> {
    let mut slot = None;
    let rows = read(ctx, pages, SOURCE, FIELDS, &mut slot)?;
    let mut risks = Vec::new();
    let mut ids: Vec<(String, u64, String)> = Vec::new();
    for row in &rows {
        let risk = Risk {
            id: row.required(ctx, "id")?,
            threat: row.required(ctx, "threat")?,
            likelihood: row.choice(ctx, "likelihood", RISK_LEVELS)?,
            impact: row.choice(ctx, "impact", RISK_LEVELS)?,
            residual_likelihood: row.choice(ctx, "residual_likelihood", RISK_LEVELS)?,
            residual_impact: row.choice(ctx, "residual_impact", RISK_LEVELS)?,
            treatment: row.choice(ctx, "treatment", TREATMENTS)?,
            treatment_plan: row.text(ctx, "treatment_plan").unwrap_or_default(),
            owner: row.text(ctx, "owner"),
        };
        if let Some((f, l, _)) = ids.iter().find(|(_, _, id)| *id == risk.id) {
            return Err(ImportError::malformed(
                &row.file,
                row.line,
                Some("id"),
                format!("risk {} is listed twice (also {f} line {l})", risk.id),
            ));
        }
        ids.push((row.file.clone(), row.line, risk.id.clone()));
        if risk.treatment.is_none() {
            ctx.warn(
                "risk_without_treatment",
                "a risk with no treatment decision",
                At { file: &row.file, row: row.line, field: "treatment" },
            );
        }
        ctx.rows_kept += 1;
        risks.push(risk);
    }
    if risks.is_empty() {
        return Err(ImportError::malformed(
            pages.last().map_or("", |p| p.file.as_str()),
            0,
            None,
            "the register has a header but no risk",
        ));
    }
    ctx.completeness(
        Completeness::Unknown,
        Some("a CSV export carries no total: whether every risk is present is unknown".into()),
    );
    Ok(vec![Item::at_export(Payload::RiskRegister(RiskRegister {
        risks,
        reviewed_on: None,
        approved_by: None,
        approved_on: None,
    }))])
}
