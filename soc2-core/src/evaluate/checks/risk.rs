//! Risk assessment: the register and its review.

use chrono::NaiveDate;

use super::super::context::{Check, Ctx, Outcome, currency_gaps, typed};
use super::policies::describe_gaps;
use crate::catalog::Thresholds;
use crate::model::{EvidenceKind as K, ItemKind};

pub(super) fn risk_register_complete(ctx: &Ctx<'_>) -> Vec<Check> {
    let mut out = Vec::new();
    let doc = "risk register";
    for (i, slot) in ctx.columns.iter().enumerate() {
        if slot.start > ctx.as_of {
            out.push(Check::new(ItemKind::Document, doc, i, slot.end, Outcome::NotYetDue, vec![]));
            continue;
        }
        let to = slot.end.min(ctx.cutoff);
        let Some((r, reg)) = typed!(ctx.index.upto(K::RiskRegister, to), RiskRegister).last()
        else {
            out.push(Check::new(
                ItemKind::Document,
                doc,
                i,
                slot.end,
                ctx.missing(slot.end, format!("no risk register in force in {}", slot.label)),
                vec![],
            ));
            continue;
        };
        if reg.risks.is_empty() {
            out.push(Check::new(
                ItemKind::Document,
                doc,
                i,
                to,
                Outcome::Fail("the register lists no risks".into()),
                vec![r.seq],
            ));
            continue;
        }
        for risk in &reg.risks {
            let mut gaps = Vec::new();
            if risk.likelihood.is_none() {
                gaps.push("likelihood");
            }
            if risk.impact.is_none() {
                gaps.push("impact");
            }
            if risk.treatment.is_none() {
                gaps.push("treatment");
            }
            let outcome = if gaps.is_empty() {
                Outcome::Pass
            } else {
                Outcome::Fail(format!("{}: no {}", risk.threat, gaps.join(", no ")))
            };
            out.push(Check::new(ItemKind::Risk, &risk.id, i, to, outcome, vec![r.seq]));
        }
    }
    out
}

pub(super) fn risk_register_reviewed(ctx: &Ctx<'_>, t: &Thresholds) -> Vec<Check> {
    let regs: Vec<_> = typed!(ctx.index.upto(K::RiskRegister, ctx.cutoff), RiskRegister).collect();
    let reviews: Vec<(NaiveDate, u64)> = regs
        .iter()
        .filter_map(|(r, g)| g.reviewed_on.or(g.approved_on).map(|d| (d.0, r.seq)))
        .collect();
    let dates: Vec<NaiveDate> = reviews.iter().map(|(d, _)| *d).collect();
    let doc = "risk register";
    let mut out = Vec::new();
    for (i, slot) in ctx.columns.iter().enumerate() {
        if slot.start > ctx.as_of {
            out.push(Check::new(ItemKind::Document, doc, i, slot.end, Outcome::NotYetDue, vec![]));
            continue;
        }
        let to = slot.end.min(ctx.as_of);
        let records: Vec<u64> = reviews.iter().filter(|(d, _)| *d <= to).map(|(_, s)| *s).collect();
        let gaps = currency_gaps(&dates, t.max_risk_review_age_days, slot.start, to);
        let outcome = if gaps.is_empty() {
            Outcome::Pass
        } else if dates.is_empty() {
            ctx.missing(slot.end.min(ctx.period.end()), "no reviewed risk register on file".into())
        } else {
            Outcome::Fail(
                describe_gaps(&gaps, t.max_risk_review_age_days).replace("approval", "review"),
            )
        };
        out.push(Check::new(ItemKind::Document, doc, i, to, outcome, records));
    }
    out
}
