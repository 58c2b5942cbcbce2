//! Findings written as auditors write them: condition, criteria, cause, effect and
//! recommendation ([`FindingWriteUp`]).
//!
//! - **condition**: what was found, from the evaluation (deviations of the population,
//!   the first affected items and why);
//! - **criteria**: the Trust Services Criteria the control addresses, with their titles,
//!   and the control as the catalog describes it;
//! - **cause**: management's response to the finding as a whole when it gives one, then
//!   the control's typical cause from the catalog (`cause`);
//! - **effect** and **recommendation**: the catalog's `effect` and `recommendation` for
//!   the control; a company control without them gets a generic sentence (and its
//!   remediation steps as the recommendation).

use crate::model::{AuditFinding, Control, FindingWriteUp};

/// Affected items named in the condition; the rest are counted.
const NAMED_ITEMS: usize = 5;

/// The write-up of `finding`, a finding of control `control`, once management's
/// responses are applied.
pub(crate) fn write_up(
    control: &Control,
    finding: &AuditFinding,
    no_evidence: bool,
) -> FindingWriteUp {
    FindingWriteUp {
        condition: condition(finding, no_evidence),
        criteria: criteria(control),
        cause: cause(control, finding),
        effect: effect(control, finding),
        recommendation: recommendation(control),
    }
}

fn condition(f: &AuditFinding, no_evidence: bool) -> String {
    let rate = if f.population == 0 {
        String::new()
    } else {
        let permille = (f.deviations * 2000 + f.population) / (2 * f.population);
        format!(" ({})", crate::report::permille_label(permille))
    };
    let mut s = if no_evidence {
        format!(
            "No evidence of the control was found for the period {}: {} of {} items due could not be shown{rate}.",
            f.period, f.deviations, f.population
        )
    } else {
        format!(
            "Of {} items tested for the period {}, {} deviated{rate}.",
            f.population, f.period, f.deviations
        )
    };
    let named: Vec<String> =
        f.affected.iter().take(NAMED_ITEMS).map(|a| format!("{} ({})", a.id, a.reason)).collect();
    if !named.is_empty() {
        s.push_str(" Deviations: ");
        s.push_str(&named.join("; "));
        let more = f.affected.len().saturating_sub(NAMED_ITEMS);
        if more > 0 {
            s.push_str(&format!("; and {more} more"));
        }
        s.push('.');
    }
    s
}

fn criteria(c: &Control) -> String {
    let tsc: Vec<String> =
        c.criteria.iter().map(|k| format!("{} ({})", k.id(), k.title())).collect();
    let mut s =
        format!("Trust Services Criteria {}. Control {} ({})", tsc.join("; "), c.id, c.title);
    if c.description.is_empty() {
        s.push('.');
    } else {
        s.push_str(": ");
        s.push_str(&c.description);
    }
    s
}

fn cause(c: &Control, f: &AuditFinding) -> String {
    let typical = if c.cause.is_empty() {
        None
    } else {
        Some(format!("Typical cause for this control: {}", c.cause))
    };
    match (&f.management_response, typical) {
        (Some(r), Some(t)) => format!("Management's response: {r} {t}"),
        (Some(r), None) => format!("Management's response: {r}"),
        (None, Some(t)) => format!("Not yet stated by management. {t}"),
        (None, None) => {
            "Not yet stated by management, and the catalog gives no typical cause for this control."
                .to_owned()
        }
    }
}

fn effect(c: &Control, f: &AuditFinding) -> String {
    if !c.effect.is_empty() {
        return c.effect.clone();
    }
    let ids: Vec<&str> = c.criteria.iter().map(|k| k.id()).collect();
    format!(
        "The control did not operate as described for {} of {} items, so the criteria it addresses ({}) may not be met for the period.",
        f.deviations,
        f.population,
        ids.join(", ")
    )
}

fn recommendation(c: &Control) -> String {
    if !c.recommendation.is_empty() {
        c.recommendation.clone()
    } else if !c.remediation.is_empty() {
        c.remediation.join(" ")
    } else {
        "Restore the control's operation and keep evidence of it for every item it covers."
            .to_owned()
    }
}
