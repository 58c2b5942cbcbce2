//! `vendors-csv`: a vendor inventory or assessment list exported as CSV, read through a
//! column mapping, becomes one vendor assessment per vendor.

use std::collections::BTreeSet;

use super::Item;
use super::capture::Page;
use super::csv_mapping::{Field, read};
use super::error::ImportError;
use super::toolkit::{At, Ctx};
use crate::model::{
    AssuranceKind, Completeness, Payload, SecurityReport, Timestamp, VendorAssessment,
    VendorCriticality,
};

const SOURCE: &str = "vendors-csv";

const FIELDS: &[Field] = &[
    Field { name: "vendor", required: true },
    Field { name: "data_shared", required: false },
    Field { name: "criticality", required: true },
    Field { name: "report_kind", required: false },
    Field { name: "report_issued_on", required: false },
    Field { name: "report_period_end", required: false },
    Field { name: "report_expires_on", required: false },
    Field { name: "contract_security_terms", required: false },
    Field { name: "contract_end", required: false },
    Field { name: "reviewed_on", required: true },
    Field { name: "reviewer", required: false },
    Field { name: "exceptions_reviewed", required: false },
    Field { name: "cuecs_reviewed", required: false },
];

const CRITICALITY: &[(&str, VendorCriticality)] = &[
    ("low", VendorCriticality::Low),
    ("medium", VendorCriticality::Medium),
    ("moderate", VendorCriticality::Medium),
    ("high", VendorCriticality::High),
    ("critical", VendorCriticality::Critical),
];

const REPORTS: &[(&str, AssuranceKind)] = &[
    ("soc2_type2", AssuranceKind::Soc2Type2),
    ("soc 2 type ii", AssuranceKind::Soc2Type2),
    ("soc2 type ii", AssuranceKind::Soc2Type2),
    ("soc2_type1", AssuranceKind::Soc2Type1),
    ("soc 2 type i", AssuranceKind::Soc2Type1),
    ("soc2 type i", AssuranceKind::Soc2Type1),
    ("iso27001", AssuranceKind::Iso27001),
    ("iso/iec 27001", AssuranceKind::Iso27001),
    ("pci_dss", AssuranceKind::PciDss),
    ("questionnaire", AssuranceKind::Questionnaire),
    ("other", AssuranceKind::Other),
];

pub(super) fn run(ctx: &mut Ctx, pages: &[Page], _system: &str) -> Result<Vec<Item>, ImportError> {
    let mut slot = None;
    let rows = read(ctx, pages, SOURCE, FIELDS, &mut slot)?;
    let mut items = Vec::new();
    // Vendors met so far, compared ignoring ASCII case.
    let mut seen: BTreeSet<String> = BTreeSet::new();
    for row in &rows {
        let vendor = row.required(ctx, "vendor")?;
        let criticality = row.choice(ctx, "criticality", CRITICALITY)?.ok_or_else(|| {
            ImportError::malformed(
                &row.file,
                row.line,
                Some("criticality"),
                "required value is empty",
            )
        })?;
        let reviewed_on = row.date(ctx, "reviewed_on")?.ok_or_else(|| {
            ImportError::malformed(
                &row.file,
                row.line,
                Some("reviewed_on"),
                "required value is empty",
            )
        })?;
        // The review date is when the assessment is observed: a time, which soc2 keeps
        // from 1970 on.
        let observed_at = Timestamp::start_of(reviewed_on.naive());
        if observed_at.unix_seconds() < 0 {
            return Err(ImportError::malformed(
                &row.file,
                row.line,
                Some("reviewed_on"),
                format!("the review date {reviewed_on} is before 1970"),
            ));
        }
        let security_report = match row.choice(ctx, "report_kind", REPORTS)? {
            None => None,
            Some(kind) => {
                let issued_on = row.date(ctx, "report_issued_on")?.ok_or_else(|| {
                    ImportError::malformed(
                        &row.file,
                        row.line,
                        Some("report_issued_on"),
                        "a security report without its issue date",
                    )
                })?;
                Some(SecurityReport {
                    kind,
                    issued_on,
                    period_end: row.date(ctx, "report_period_end")?,
                    expires_on: row.date(ctx, "report_expires_on")?,
                })
            }
        };
        if !seen.insert(vendor.to_ascii_lowercase()) {
            ctx.warn(
                "duplicate_vendor",
                "a vendor listed more than once (each row kept as its own assessment)",
                At { file: &row.file, row: row.line, field: "vendor" },
            );
        }
        let assessment = VendorAssessment {
            vendor,
            data_shared: row.list(ctx, "data_shared"),
            criticality,
            security_report,
            contract_security_terms: row.boolean(ctx, "contract_security_terms")?,
            contract_end: row.date(ctx, "contract_end")?,
            reviewed_on,
            reviewer: row.text(ctx, "reviewer"),
            exceptions_reviewed: row.boolean(ctx, "exceptions_reviewed")?,
            cuecs_reviewed: row.boolean(ctx, "cuecs_reviewed")?,
        };
        ctx.rows_kept += 1;
        items.push(Item {
            observed_at: Some(observed_at),
            payload: Payload::VendorAssessment(assessment),
        });
    }
    if items.is_empty() {
        return Err(ImportError::malformed(
            pages.last().map_or("", |p| p.file.as_str()),
            0,
            None,
            "the list has a header but no vendor",
        ));
    }
    ctx.completeness(
        Completeness::Unknown,
        Some("a CSV export carries no total: whether every vendor is present is unknown".into()),
    );
    Ok(items)
}
