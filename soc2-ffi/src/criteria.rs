//! The Trust Services Criteria, listed and looked up.

use soc2_core::model::{Category, Criterion};

use crate::Soc2Error;

/// One Trust Services Criterion with its category and title.
#[derive(Clone, Debug, PartialEq, Eq, uniffi::Record)]
pub struct CriterionInfo {
    /// The canonical id, e.g. `CC6.1`.
    pub id: Criterion,
    /// The category it belongs to.
    pub category: Category,
    /// A short title (a paraphrase written for soc2, not AICPA's wording).
    pub title: String,
}

impl From<Criterion> for CriterionInfo {
    fn from(c: Criterion) -> Self {
        CriterionInfo { id: c, category: c.category(), title: c.title().to_owned() }
    }
}

/// Every AICPA 2017 Trust Services Criterion (61), in AICPA order.
#[uniffi::export]
pub fn criteria() -> Vec<CriterionInfo> {
    Criterion::all().map(CriterionInfo::from).collect()
}

/// Looks up a criterion by its canonical id (`CC6.1`) or by the spelling of another tool:
/// Prowler's `cc_6_1` / `cc_a_1_1`, Steampipe's `6.1` / `a1.2`.
#[uniffi::export]
pub fn parse_criterion(text: String) -> Result<CriterionInfo, Soc2Error> {
    text.parse::<Criterion>()
        .map(CriterionInfo::from)
        .map_err(|e| Soc2Error::invalid("criterion", e.to_string()))
}
