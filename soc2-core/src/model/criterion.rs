//! The AICPA 2017 Trust Services Criteria (TSC), by id.
//!
//! Titles are short paraphrases written for this project, not AICPA's wording.

use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// The five Trust Services categories.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Category {
    /// Common criteria (CC), required in every SOC 2 examination.
    Security,
    /// Availability (A).
    Availability,
    /// Processing integrity (PI).
    ProcessingIntegrity,
    /// Confidentiality (C).
    Confidentiality,
    /// Privacy (P).
    Privacy,
}

impl Category {
    /// The id prefix the category uses (`CC`, `A`, `PI`, `C`, `P`).
    pub fn prefix(self) -> &'static str {
        match self {
            Self::Security => "CC",
            Self::Availability => "A",
            Self::ProcessingIntegrity => "PI",
            Self::Confidentiality => "C",
            Self::Privacy => "P",
        }
    }
}

use Category::*;

/// (id, category, title) for every criterion, in the order AICPA lists them.
const TABLE: [(&str, Category, &str); 61] = [
    ("CC1.1", Security, "Commitment to integrity and ethical values"),
    ("CC1.2", Security, "Board independence and oversight of internal control"),
    ("CC1.3", Security, "Structures, reporting lines and authority set by management"),
    ("CC1.4", Security, "Hiring, developing and keeping competent people"),
    ("CC1.5", Security, "People held accountable for their internal-control duties"),
    ("CC2.1", Security, "Relevant, quality information to support internal control"),
    ("CC2.2", Security, "Internal communication of control objectives and duties"),
    ("CC2.3", Security, "Communication with external parties about internal control"),
    ("CC3.1", Security, "Objectives specified clearly enough to identify risks"),
    ("CC3.2", Security, "Risks to objectives identified and analysed"),
    ("CC3.3", Security, "Potential for fraud considered in risk assessment"),
    ("CC3.4", Security, "Changes that could affect internal control identified and assessed"),
    ("CC4.1", Security, "Ongoing or separate evaluations of controls"),
    ("CC4.2", Security, "Control deficiencies communicated and corrected in time"),
    ("CC5.1", Security, "Control activities chosen to bring risks to acceptable levels"),
    ("CC5.2", Security, "General controls over technology"),
    ("CC5.3", Security, "Control activities deployed through policies and procedures"),
    ("CC6.1", Security, "Logical access security over protected information assets"),
    ("CC6.2", Security, "Registration and authorisation of new users"),
    ("CC6.3", Security, "Access granted, changed and removed on least privilege"),
    ("CC6.4", Security, "Physical access to facilities and assets restricted"),
    ("CC6.5", Security, "Protections kept until assets are disposed of"),
    ("CC6.6", Security, "Protection against threats from outside the system boundary"),
    ("CC6.7", Security, "Transmission, movement and removal of information restricted"),
    ("CC6.8", Security, "Unauthorised or malicious software prevented or detected"),
    ("CC7.1", Security, "Configuration changes and vulnerabilities detected"),
    ("CC7.2", Security, "System components monitored for anomalies"),
    ("CC7.3", Security, "Security events evaluated to decide whether they are incidents"),
    ("CC7.4", Security, "Security incidents responded to under a defined programme"),
    ("CC7.5", Security, "Recovery from identified security incidents"),
    ("CC8.1", Security, "Changes authorised, designed, tested, approved and implemented"),
    ("CC9.1", Security, "Risks from business disruption identified and mitigated"),
    ("CC9.2", Security, "Risks from vendors and business partners assessed and managed"),
    ("A1.1", Availability, "Capacity maintained, monitored and planned"),
    ("A1.2", Availability, "Environmental protections, backups and recovery infrastructure"),
    ("A1.3", Availability, "Recovery plan procedures tested"),
    ("C1.1", Confidentiality, "Confidential information identified and protected"),
    ("C1.2", Confidentiality, "Confidential information disposed of as committed"),
    ("PI1.1", ProcessingIntegrity, "Information about processing objectives obtained and used"),
    ("PI1.2", ProcessingIntegrity, "System inputs complete and accurate"),
    ("PI1.3", ProcessingIntegrity, "Processing complete, accurate and timely"),
    ("PI1.4", ProcessingIntegrity, "Outputs complete, accurate and delivered as intended"),
    ("PI1.5", ProcessingIntegrity, "Stored inputs, items in process and outputs kept intact"),
    ("P1.1", Privacy, "Notice to data subjects about privacy practices"),
    ("P2.1", Privacy, "Choices and consent communicated to data subjects"),
    ("P3.1", Privacy, "Personal information collected only for stated objectives"),
    ("P3.2", Privacy, "Explicit consent obtained where collection needs it"),
    ("P4.1", Privacy, "Use of personal information limited to stated purposes"),
    ("P4.2", Privacy, "Personal information retained only as long as committed"),
    ("P4.3", Privacy, "Personal information disposed of securely"),
    ("P5.1", Privacy, "Data subjects can access their personal information"),
    ("P5.2", Privacy, "Data subjects can correct their personal information"),
    ("P6.1", Privacy, "Disclosure to third parties only with consent"),
    ("P6.2", Privacy, "Complete records of authorised disclosures kept"),
    ("P6.3", Privacy, "Records of unauthorised disclosures kept"),
    ("P6.4", Privacy, "Commitments obtained from vendors who handle personal information"),
    ("P6.5", Privacy, "Vendors report unauthorised disclosures"),
    ("P6.6", Privacy, "Affected parties notified of breaches"),
    ("P6.7", Privacy, "Data subjects given an account of disclosures"),
    ("P7.1", Privacy, "Personal information kept accurate, complete and relevant"),
    ("P8.1", Privacy, "Privacy inquiries, complaints and disputes handled"),
];

/// One Trust Services Criterion, such as `CC6.1`.
///
/// Serialised as its canonical id. [`FromStr`] also accepts the spellings of other
/// tools (Prowler's `cc_6_1` / `cc_a_1_1`, Steampipe's `6.1` / `a1.2`); JSON documents
/// must use the canonical id so that each criterion has one hashed form.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Criterion(u8);

impl Criterion {
    /// Every criterion, in AICPA order.
    pub fn all() -> impl ExactSizeIterator<Item = Criterion> {
        (0..TABLE.len() as u8).map(Criterion)
    }

    /// The canonical id, e.g. `CC6.1`.
    pub fn id(self) -> &'static str {
        TABLE[self.0 as usize].0
    }

    /// The category the criterion belongs to.
    pub fn category(self) -> Category {
        TABLE[self.0 as usize].1
    }

    /// A short title in this project's words.
    pub fn title(self) -> &'static str {
        TABLE[self.0 as usize].2
    }

    /// Looks up an exact canonical id (`CC6.1`), case-sensitive.
    pub fn from_canonical(id: &str) -> Option<Self> {
        TABLE.iter().position(|(i, _, _)| *i == id).map(|p| Criterion(p as u8))
    }
}

impl fmt::Debug for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl fmt::Display for Criterion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// The text given is not a Trust Services Criterion in any accepted spelling.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown Trust Services Criterion {input:?} (expected an id such as CC6.1, A1.2, PI1.3)")]
pub struct CriterionError {
    /// The text that was rejected.
    pub input: String,
}

impl FromStr for Criterion {
    type Err = CriterionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || CriterionError { input: s.to_owned() };
        let lower = s.trim().to_ascii_lowercase();
        let candidate = if let Some(rest) = lower.strip_prefix("cc_") {
            // Prowler: cc_6_1 (common criteria) or cc_a_1_1 / cc_pi_1_1 (other categories).
            let parts: Vec<&str> = rest.split('_').collect();
            match parts.as_slice() {
                [major, minor] if is_number(major) && is_number(minor) => {
                    format!("CC{major}.{minor}")
                }
                [prefix @ ("a" | "c" | "pi" | "p"), major, minor]
                    if is_number(major) && is_number(minor) =>
                {
                    format!("{}{major}.{minor}", prefix.to_ascii_uppercase())
                }
                _ => return Err(err()),
            }
        } else if lower.starts_with(|c: char| c.is_ascii_digit()) {
            // Steampipe: a bare 6.1 is a common criterion.
            format!("CC{lower}")
        } else {
            // Canonical or Steampipe's lower-case a1.2 / cc6.1.
            lower.to_ascii_uppercase()
        };
        Criterion::from_canonical(&candidate).ok_or_else(err)
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit()) && !s.starts_with('0')
}

impl Serialize for Criterion {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Criterion {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        /// Documents accept only canonical ids, so each criterion has one hashed form.
        struct Canonical(Criterion);
        impl FromStr for Canonical {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                Criterion::from_canonical(s).map(Canonical).ok_or_else(|| {
                    format!(
                        "unknown Trust Services Criterion {s:?} (documents use canonical ids such as CC6.1)"
                    )
                })
            }
        }
        crate::model::common::deserialize_from_str::<D, Canonical>(deserializer).map(|c| c.0)
    }
}

impl JsonSchema for Criterion {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Criterion".into()
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = TABLE.iter().map(|(id, _, _)| *id).collect();
        schemars::json_schema!({
            "type": "string",
            "description": "An AICPA 2017 Trust Services Criterion id.",
            "enum": ids
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn there_are_61_distinct_criteria() {
        let ids: std::collections::BTreeSet<_> = Criterion::all().map(Criterion::id).collect();
        assert_eq!(ids.len(), 61);
    }
}
