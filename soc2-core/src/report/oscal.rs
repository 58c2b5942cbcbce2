//! The report as OSCAL (NIST's Open Security Controls Assessment Language, JSON, version
//! [`OSCAL_VERSION`]): an assessment-results document ([`Report::to_oscal_ar`]) and a plan
//! of action and milestones ([`Report::to_oscal_poam`]).
//!
//! # Assessment results
//!
//! One result whose `start` and `end` are the audit period, whose `reviewed-controls` list
//! every control of the catalog, and which holds:
//!
//! - one **finding** per control, targeting the control (`objective-id`, the control id)
//!   with state `satisfied` or `not-satisfied` (reason `pass`, `fail`, or `other` for a
//!   control not yet due or not applicable), and as props (namespace [`SOC2_NS`]) its
//!   population, deviations, severity, status and each TSC criterion; an exception's
//!   finding is described by its write-up (condition, criteria, cause, effect,
//!   recommendation);
//! - one **observation** per affected item of each exception (method `TEST`), whose
//!   subject is typed by the item's kind: account → `user`, device → `inventory-item`
//!   (both defined in the result's local definitions), person or vendor → `party` (in the
//!   metadata), system → `component` (local definitions), anything else → `resource` (in
//!   the back matter; so is an account in the POA&M, whose local definitions have no
//!   users); its `relevant-evidence` points (`#uuid`) to a back-matter resource
//!   per locker record it rests on, with the record's sequence number, leaf hash and its
//!   path in the bundle (`records.jsonl`, and `blobs/sha256/<hex>` for attachments);
//! - one **risk** per exception, with its status (`open`, `remediating`, `closed` when
//!   management reports it remediated, `deviation-approved` when it accepted the risk),
//!   its deadline (the remediation due date), the catalog's recommendation and every
//!   management response as remediations.
//!
//! `import-ap` points to a back-matter resource describing the soc2 catalog the
//! evaluation ran (there is no separate OSCAL assessment plan).
//!
//! # POA&M
//!
//! One `poam-item` per exception not closed, related to the same observations and risks
//! (same UUIDs), which the document carries with their subjects and resources. OSCAL
//! requires at least one item: without any exception left open there is no POA&M to
//! write ([`OscalError::NothingToPlan`]).
//!
//! # Determinism
//!
//! Every UUID is a version-5 UUID of the locker's origin, the period and the ids of what
//! it names; timestamps come from the period and the report's `as_of` date (end of day,
//! UTC), never from a clock; keys are sorted. The same report and locker give the same
//! bytes.

use std::collections::{BTreeMap, BTreeSet};

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{ControlResult, ControlStatus, RankedException, Report, kind_label, severity_label};
use crate::json::JsonError;
use crate::model::{
    AffectedItem, Attachment, AuditFinding, Date, EvidenceKind, FindingStatus, ItemKind,
};

/// The OSCAL version the documents are written for (that of compliance-trestle's models).
pub const OSCAL_VERSION: &str = "1.2.1";

/// The namespace of soc2's OSCAL props.
pub const SOC2_NS: &str = "https://github.com/soc2-rs/soc2/ns/oscal";

/// The UUID namespace every soc2 OSCAL UUID is derived in (v5 of the URL [`SOC2_NS`]).
fn root_namespace() -> Uuid {
    Uuid::new_v5(&Uuid::NAMESPACE_URL, SOC2_NS.as_bytes())
}

/// Why an OSCAL document could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OscalError {
    /// No exception is left open: a POA&M needs at least one item.
    #[error(
        "no open exception as of {as_of}: there is nothing to plan, and an OSCAL POA&M needs at least one item"
    )]
    NothingToPlan {
        /// The report's date.
        as_of: Date,
    },
    /// The document could not be serialised.
    #[error(transparent)]
    Json(#[from] JsonError),
}

/// What the OSCAL documents say about the evidence the report rests on: the locker's
/// origin (which every UUID derives from) and, per record, its kind, leaf hash and
/// attachments.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OscalSource {
    /// The locker's origin (for evidence read from a file: a name for it).
    pub origin: String,
    /// Per record number.
    pub records: BTreeMap<u64, SourceRecord>,
    /// Prefixed to the bundle paths of the back matter's links (`records.jsonl`,
    /// `blobs/sha256/<hex>`) to make them relative to where the document is: empty for a
    /// document at the bundle's root, `../../` under `report/oscal/`.
    pub bundle_base: String,
}

/// One evidence record as the OSCAL back matter describes it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceRecord {
    /// Its evidence kind.
    pub kind: EvidenceKind,
    /// Its RFC 9162 leaf hash in the locker, lower-case hex (absent outside a locker).
    pub leaf_hash: Option<String>,
    /// Its attachments.
    pub attachments: Vec<Attachment>,
}

impl OscalSource {
    /// The source of a report evaluated from `locker`.
    pub fn from_locker(locker: &crate::ledger::Locker) -> crate::Result<OscalSource> {
        let leaves = locker.leaf_hashes();
        let mut records = BTreeMap::new();
        for r in locker.records() {
            let r = r?;
            let leaf_hash =
                usize::try_from(r.seq).ok().and_then(|i| leaves.get(i)).map(hex::encode);
            records.insert(
                r.seq,
                SourceRecord {
                    kind: r.evidence.kind(),
                    leaf_hash,
                    attachments: r.evidence.attachments.clone(),
                },
            );
        }
        Ok(OscalSource { origin: locker.origin().to_owned(), records, bundle_base: String::new() })
    }

    /// The same source for documents placed at `base` from the bundle's root (e.g.
    /// `../../` for `report/oscal/`): their links to records and attachments start with it.
    #[must_use]
    pub fn in_bundle(self, base: &str) -> OscalSource {
        OscalSource { bundle_base: base.to_owned(), ..self }
    }

    /// The source of a report evaluated from evidence outside a locker (a JSON Lines file):
    /// `origin` names it; records have no leaf hash.
    pub fn from_evidence<'a>(
        origin: &str,
        evidence: impl IntoIterator<Item = (u64, &'a crate::model::Evidence)>,
    ) -> OscalSource {
        let records = evidence
            .into_iter()
            .map(|(seq, e)| {
                (
                    seq,
                    SourceRecord {
                        kind: e.kind(),
                        leaf_hash: None,
                        attachments: e.attachments.clone(),
                    },
                )
            })
            .collect();
        OscalSource { origin: origin.to_owned(), records, bundle_base: String::new() }
    }
}

impl Report {
    /// The OSCAL assessment-results document (pretty JSON, sorted keys, final newline).
    pub fn to_oscal_ar(&self, source: &OscalSource) -> Result<String, JsonError> {
        let b = Builder::new(self, source, false);
        let exceptions = b.exceptions(false);
        let subjects = b.subjects(&exceptions);
        let records = records_of(&exceptions);
        crate::json::to_pretty_string(&b.assessment_results(&exceptions, &subjects, &records))
    }

    /// The OSCAL plan of action and milestones: one item per exception not closed.
    pub fn to_oscal_poam(&self, source: &OscalSource) -> Result<String, OscalError> {
        let b = Builder::new(self, source, true);
        let exceptions = b.exceptions(true);
        if exceptions.is_empty() {
            return Err(OscalError::NothingToPlan { as_of: self.as_of });
        }
        let subjects = b.subjects(&exceptions);
        let records = records_of(&exceptions);
        Ok(crate::json::to_pretty_string(&b.poam(&exceptions, &subjects, &records))?)
    }
}

/// Where an item's subject is defined.
#[derive(Clone, Copy, PartialEq, Eq)]
enum SubjectType {
    User,
    InventoryItem,
    Party,
    Component,
    Resource,
}

impl SubjectType {
    /// The subject type of an item of `kind`; in a POA&M, whose local definitions have no
    /// users, an account is a `resource` of the back matter.
    fn of(kind: ItemKind, poam: bool) -> SubjectType {
        match kind {
            ItemKind::Account if poam => SubjectType::Resource,
            ItemKind::Account => SubjectType::User,
            ItemKind::Device => SubjectType::InventoryItem,
            ItemKind::Person | ItemKind::Vendor => SubjectType::Party,
            ItemKind::System => SubjectType::Component,
            _ => SubjectType::Resource,
        }
    }

    fn token(self) -> &'static str {
        match self {
            SubjectType::User => "user",
            SubjectType::InventoryItem => "inventory-item",
            SubjectType::Party => "party",
            SubjectType::Component => "component",
            SubjectType::Resource => "resource",
        }
    }
}

struct Builder<'a> {
    report: &'a Report,
    source: &'a OscalSource,
    /// v5 namespace of the locker's origin.
    origin_ns: Uuid,
    /// v5 namespace of the origin and period.
    period_ns: Uuid,
    /// Whether the document is the POA&M.
    poam: bool,
}

/// A property in soc2's namespace (values are trimmed; an empty value is left out).
fn prop(name: &str, value: impl ToString) -> Option<Value> {
    let v = one_line(&value.to_string());
    (!v.is_empty()).then(|| json!({ "name": name, "ns": SOC2_NS, "value": v }))
}

/// Text for an OSCAL title or prop: one line, trimmed.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn day_start(d: chrono::NaiveDate) -> String {
    format!("{d}T00:00:00Z")
}

fn day_end(d: chrono::NaiveDate) -> String {
    format!("{d}T23:59:59Z")
}

fn risk_status(s: FindingStatus) -> &'static str {
    match s {
        FindingStatus::Open => "open",
        FindingStatus::Remediating => "remediating",
        FindingStatus::Remediated => "closed",
        FindingStatus::RiskAccepted => "deviation-approved",
    }
}

/// Whether an exception still belongs in the POA&M.
fn is_open(e: &RankedException) -> bool {
    e.finding.status != FindingStatus::Remediated
}

/// Sets `key` to the array `items` when it has any (OSCAL arrays have at least one item).
fn set_list(obj: &mut Map<String, Value>, key: &str, items: Vec<Value>) {
    if !items.is_empty() {
        obj.insert(key.to_owned(), Value::Array(items));
    }
}

/// The records the observations of `exceptions` rest on.
fn records_of(exceptions: &[&RankedException]) -> BTreeSet<u64> {
    exceptions
        .iter()
        .flat_map(|e| e.finding.affected.iter().flat_map(|a| a.records.iter().copied()))
        .collect()
}

/// Makes the elements of a [`Node::Lazy`] array.
type Elements<'b> = Box<dyn Fn() -> Box<dyn Iterator<Item = Value> + 'b> + 'b>;

/// Part of an OSCAL document. The arrays with an element per deviation, per subject or
/// per record (observations, related observations, parties, local definitions,
/// back-matter resources) are [`Node::Lazy`]: each element is made as the document is
/// written and dropped once written, so the document is never held as one
/// `serde_json::Value` tree (240,000 deviations took 6.7 GiB that way).
enum Node<'b> {
    Value(Value),
    /// An object; the canonical writer puts its members in order.
    Object(Vec<(String, Node<'b>)>),
    /// An array of few elements (one per control or per exception).
    Array(Vec<Node<'b>>),
    /// A non-empty array whose elements are made while it is written.
    Lazy(Elements<'b>),
}

impl Serialize for Node<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Value(v) => v.serialize(serializer),
            Node::Object(members) => {
                let mut map = serializer.serialize_map(Some(members.len()))?;
                for (key, value) in members {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
            Node::Array(items) => items.serialize(serializer),
            Node::Lazy(elements) => {
                let mut seq = serializer.serialize_seq(None)?;
                for v in elements() {
                    seq.serialize_element(&v)?;
                }
                seq.end()
            }
        }
    }
}

/// An object built up front, as [`Node`] members.
fn object<'b>(m: Map<String, Value>) -> Vec<(String, Node<'b>)> {
    m.into_iter().map(|(k, v)| (k, Node::Value(v))).collect()
}

/// Adds `key` with a lazy array when `any` says it has elements (OSCAL arrays have at
/// least one).
fn push_lazy<'b>(obj: &mut Vec<(String, Node<'b>)>, key: &str, any: bool, elements: Elements<'b>) {
    if any {
        obj.push((key.to_owned(), Node::Lazy(elements)));
    }
}

impl<'a> Builder<'a> {
    fn new(report: &'a Report, source: &'a OscalSource, poam: bool) -> Self {
        let origin_ns = Uuid::new_v5(&root_namespace(), source.origin.as_bytes());
        let period_ns = Uuid::new_v5(&origin_ns, report.period.to_string().as_bytes());
        Builder { report, source, origin_ns, period_ns, poam }
    }

    /// A UUID for something of the period: `what` and its ids.
    fn id(&self, what: &str, ids: &[&str]) -> String {
        let mut name = what.to_owned();
        for i in ids {
            name.push('\u{1f}');
            name.push_str(i);
        }
        Uuid::new_v5(&self.period_ns, name.as_bytes()).to_string()
    }

    /// A UUID for something of the locker whatever the period (an item, a record).
    fn origin_id(&self, what: &str, ids: &[&str]) -> String {
        let mut name = what.to_owned();
        for i in ids {
            name.push('\u{1f}');
            name.push_str(i);
        }
        Uuid::new_v5(&self.origin_ns, name.as_bytes()).to_string()
    }

    fn subject_id(&self, a: &AffectedItem) -> String {
        self.origin_id("subject", &[kind_label(a.kind), &a.id])
    }

    fn record_id(&self, seq: u64) -> String {
        self.origin_id("record", &[&seq.to_string()])
    }

    fn observation_id(&self, control: &str, a: &AffectedItem) -> String {
        self.id("observation", &[control, kind_label(a.kind), &a.id])
    }

    fn risk_id(&self, control: &str) -> String {
        self.id("risk", &[control])
    }

    fn collected(&self) -> String {
        day_end(self.report.as_of.0)
    }

    fn metadata<'b>(&'b self, title: String, subjects: &'b [&'b AffectedItem]) -> Node<'b> {
        let r = self.report;
        let mut m = Map::new();
        m.insert("title".into(), json!(title));
        m.insert("last-modified".into(), json!(self.collected()));
        m.insert("version".into(), json!(format!("{} as of {}", r.period, r.as_of)));
        m.insert("oscal-version".into(), json!(OSCAL_VERSION));
        let props: Vec<Value> = [
            prop("locker-origin", &self.source.origin),
            prop("catalog-sha256", r.catalog.sha256),
            prop("as-of", r.as_of),
            prop("opinion-risk", r.opinion.risk.label()),
        ]
        .into_iter()
        .flatten()
        .collect();
        set_list(&mut m, "props", props);
        let mut m = object(m);
        let party = |a: &&&AffectedItem| SubjectType::of(a.kind, self.poam) == SubjectType::Party;
        push_lazy(
            &mut m,
            "parties",
            subjects.iter().any(|a| party(&a)),
            Box::new(move || Box::new(subjects.iter().filter(party).map(|a| self.party(a)))),
        );
        Node::Object(m)
    }

    /// The exceptions a document covers: all for assessment results, the open ones for the
    /// POA&M.
    fn exceptions(&self, open_only: bool) -> Vec<&'a RankedException> {
        self.report.exceptions.iter().filter(|e| !open_only || is_open(e)).collect()
    }

    /// Distinct affected items of `exceptions`, first seen first.
    fn subjects(&self, exceptions: &[&'a RankedException]) -> Vec<&'a AffectedItem> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for e in exceptions {
            for a in &e.finding.affected {
                if seen.insert((a.kind, a.id.as_str())) {
                    out.push(a);
                }
            }
        }
        out
    }

    /// The metadata party of a subject typed `party`.
    fn party(&self, a: &AffectedItem) -> Value {
        let kind = if a.kind == ItemKind::Vendor { "organization" } else { "person" };
        let mut p = json!({
            "uuid": self.subject_id(a),
            "type": kind,
            "name": one_line(&a.id),
        });
        if let Some(pr) = prop("item-kind", kind_label(a.kind)) {
            p["props"] = json!([pr]);
        }
        p
    }

    /// Local definitions of the subjects that live there (users, inventory items,
    /// components); `None` when there are none.
    fn local_definitions<'b>(&'b self, subjects: &'b [&'b AffectedItem]) -> Option<Node<'b>> {
        let mut m = Vec::new();
        for (key, wanted) in [
            ("components", SubjectType::Component),
            ("inventory-items", SubjectType::InventoryItem),
            ("users", SubjectType::User),
        ] {
            let of_type = move |a: &&&AffectedItem| SubjectType::of(a.kind, self.poam) == wanted;
            push_lazy(
                &mut m,
                key,
                subjects.iter().any(|a| of_type(&a)),
                Box::new(move || {
                    Box::new(subjects.iter().filter(of_type).map(|a| self.local_definition(a)))
                }),
            );
        }
        (!m.is_empty()).then_some(Node::Object(m))
    }

    /// The local definition of a subject typed `component`, `inventory-item` or `user`.
    fn local_definition(&self, a: &AffectedItem) -> Value {
        let uuid = self.subject_id(a);
        let kind_prop = prop("item-kind", kind_label(a.kind));
        match SubjectType::of(a.kind, self.poam) {
            SubjectType::Component => json!({
                "uuid": uuid,
                "type": "system",
                "title": one_line(&a.id),
                "description": format!("In-scope system {}.", a.id),
                "status": { "state": "operational" },
                "props": [kind_prop],
            }),
            SubjectType::InventoryItem => json!({
                "uuid": uuid,
                "description": format!("Device {}.", a.id),
                "props": [kind_prop, prop("asset-id", &a.id)],
            }),
            // Users; parties and resources are defined elsewhere and never asked for here.
            SubjectType::User | SubjectType::Party | SubjectType::Resource => json!({
                "uuid": uuid,
                "title": one_line(&a.id),
                "description": format!("Account {}.", a.id),
                "props": [kind_prop],
            }),
        }
    }

    fn observation(&self, e: &RankedException, a: &AffectedItem) -> Value {
        let f = &e.finding;
        let control = f.control.as_str();
        let subject_type = SubjectType::of(a.kind, self.poam);
        let evidence: Vec<Value> = a
            .records
            .iter()
            .map(|seq| {
                let kind = self.source.records.get(seq).map(|r| r.kind.to_string());
                json!({
                    "href": format!("#{}", self.record_id(*seq)),
                    "description": match kind {
                        Some(k) => format!("Locker record #{seq} ({k})."),
                        None => format!("Locker record #{seq}."),
                    },
                })
            })
            .collect();
        let mut o = Map::new();
        o.insert("uuid".into(), json!(self.observation_id(control, a)));
        o.insert(
            "title".into(),
            json!(one_line(&format!("{control}: {} {}", kind_label(a.kind), a.id))),
        );
        o.insert("description".into(), json!(a.reason));
        o.insert("methods".into(), json!(["TEST"]));
        o.insert("types".into(), json!(["finding"]));
        o.insert(
            "subjects".into(),
            json!([{
                "subject-uuid": self.subject_id(a),
                "type": subject_type.token(),
                "title": one_line(&a.id),
            }]),
        );
        let props: Vec<Value> = [prop("control", control), prop("item-kind", kind_label(a.kind))]
            .into_iter()
            .flatten()
            .collect();
        set_list(&mut o, "props", props);
        set_list(&mut o, "relevant-evidence", evidence);
        o.insert("collected".into(), json!(self.collected()));
        Value::Object(o)
    }

    /// Adds the observations of `exceptions`, one per affected item, if there are any.
    fn push_observations<'b>(
        &'b self,
        obj: &mut Vec<(String, Node<'b>)>,
        exceptions: &'b [&'b RankedException],
    ) {
        push_lazy(
            obj,
            "observations",
            exceptions.iter().any(|e| !e.finding.affected.is_empty()),
            Box::new(move || {
                Box::new(exceptions.iter().flat_map(move |e| {
                    e.finding.affected.iter().map(move |a| self.observation(e, a))
                }))
            }),
        );
    }

    /// Adds `related-observations` naming the observations of `f`, if it has any.
    fn push_related<'b>(&'b self, obj: &mut Vec<(String, Node<'b>)>, f: &'b AuditFinding) {
        push_lazy(
            obj,
            "related-observations",
            !f.affected.is_empty(),
            Box::new(move || {
                Box::new(f.affected.iter().map(move |a| {
                    json!({ "observation-uuid": self.observation_id(f.control.as_str(), a) })
                }))
            }),
        );
    }

    fn risk<'b>(&'b self, e: &'b RankedException) -> Node<'b> {
        let f = &e.finding;
        let control = f.control.as_str();
        let w = f.write_up.as_ref();
        let mut remediations = Vec::new();
        if let Some(w) = w {
            remediations.push(json!({
                "uuid": self.id("recommendation", &[control]),
                "lifecycle": "recommendation",
                "title": format!("Recommendation for {control}"),
                "description": w.recommendation,
            }));
        }
        for r in &f.responses {
            let item = r.item.as_deref().unwrap_or("");
            let lifecycle = match r.status {
                FindingStatus::Remediated => "completed",
                _ => "planned",
            };
            let props: Vec<Value> = [
                prop("response-status", r.status.label()),
                prop("owner", &r.owner),
                prop("given-on", r.given_on),
                prop("record-seq", r.record),
                r.target_date.and_then(|d| prop("target-date", d)),
            ]
            .into_iter()
            .flatten()
            .collect();
            let title = if item.is_empty() {
                format!("Management response for {control}")
            } else {
                format!("Management response for {control}, {item}")
            };
            remediations.push(json!({
                "uuid": self.id("response", &[control, item, &r.record.to_string()]),
                "lifecycle": lifecycle,
                "title": one_line(&title),
                "description": r.response,
                "props": props,
            }));
        }
        let mut m = Map::new();
        m.insert("uuid".into(), json!(self.risk_id(control)));
        m.insert("title".into(), json!(one_line(&format!("{control}: {}", f.summary))));
        m.insert(
            "description".into(),
            json!(w.map_or_else(|| f.summary.clone(), |w| w.condition.clone())),
        );
        m.insert(
            "statement".into(),
            json!(w.map_or_else(|| f.summary.clone(), |w| w.effect.clone())),
        );
        let props: Vec<Value> = [
            prop("severity", severity_label(f.severity)),
            prop("priority", super::priority_label(e.priority)),
            prop("rank", e.rank),
        ]
        .into_iter()
        .flatten()
        .collect();
        m.insert("props".into(), Value::Array(props));
        m.insert("status".into(), json!(risk_status(f.status)));
        if let Some(d) = f.remediation_due {
            m.insert("deadline".into(), json!(day_end(d.0)));
        }
        set_list(&mut m, "remediations", remediations);
        let mut node = object(m);
        self.push_related(&mut node, f);
        Node::Object(node)
    }

    fn finding<'b>(&'b self, c: &'b ControlResult, e: Option<&'b RankedException>) -> Node<'b> {
        let control = c.control.as_str();
        let (state, reason) = match c.status {
            ControlStatus::Operating => ("satisfied", "pass"),
            ControlStatus::Exception | ControlStatus::NoEvidence => ("not-satisfied", "fail"),
            ControlStatus::NotYetDue | ControlStatus::NotApplicable => ("satisfied", "other"),
        };
        let summary = format!(
            "{}: {} of {} items deviate; {} of {} checks met{}.",
            c.status.label(),
            c.deviations,
            c.population,
            c.coverage.met,
            c.coverage.required,
            if c.coverage.not_yet_due > 0 {
                format!(", {} not yet due", c.coverage.not_yet_due)
            } else {
                String::new()
            }
        );
        let description = match e.and_then(|e| e.finding.write_up.as_ref()) {
            Some(w) => super::write_up_parts(w)
                .iter()
                .map(|(label, text)| format!("**{label}.** {text}"))
                .collect::<Vec<_>>()
                .join("\n\n"),
            None => format!("{summary} Tested: {}", c.procedure),
        };
        let mut props: Vec<Value> = [
            prop("population", c.population),
            prop("deviations", c.deviations),
            prop(
                "severity",
                e.map_or_else(String::new, |e| severity_label(e.finding.severity).to_owned()),
            ),
            prop("control-status", c.status.label()),
            prop("owner", &c.owner),
        ]
        .into_iter()
        .flatten()
        .collect();
        props.extend(c.criteria.iter().filter_map(|k| prop("tsc-criterion", k.id())));
        let mut m = Map::new();
        m.insert("uuid".into(), json!(self.id("finding", &[control])));
        m.insert("title".into(), json!(one_line(&format!("{control}: {}", c.title))));
        m.insert("description".into(), json!(description));
        m.insert("props".into(), Value::Array(props));
        m.insert(
            "target".into(),
            json!({
                "type": "objective-id",
                "target-id": control,
                "title": one_line(&c.title),
                "status": { "state": state, "reason": reason, "remarks": summary },
            }),
        );
        if e.is_some() {
            m.insert("related-risks".into(), json!([{ "risk-uuid": self.risk_id(control) }]));
        }
        let mut node = object(m);
        if let Some(e) = e {
            self.push_related(&mut node, &e.finding);
        }
        Node::Object(node)
    }

    /// The back-matter resources: the catalog (what `import-ap` points to), every record
    /// the observations rest on (`records`), and the subjects typed `resource`.
    fn back_matter<'b>(
        &'b self,
        records: &'b BTreeSet<u64>,
        subjects: &'b [&'b AffectedItem],
    ) -> Node<'b> {
        let resource =
            move |a: &&&AffectedItem| SubjectType::of(a.kind, self.poam) == SubjectType::Resource;
        let resources: Elements<'b> = Box::new(move || {
            Box::new(
                std::iter::once(self.catalog_resource())
                    .chain(records.iter().map(move |seq| self.record_resource(*seq)))
                    .chain(subjects.iter().filter(resource).map(move |a| self.subject_resource(a))),
            )
        });
        Node::Object(vec![("resources".to_owned(), Node::Lazy(resources))])
    }

    fn catalog_resource(&self) -> Value {
        let r = self.report;
        json!({
            "uuid": self.catalog_id(),
            "title": "soc2 control catalog",
            "description": format!(
                "The controls and tests of the soc2 catalog the evaluation ran (SHA-256 {}{}); there is no separate OSCAL assessment plan.",
                r.catalog.sha256,
                if r.catalog.differences.is_empty() { ", the built-in catalog unchanged".to_owned() } else { format!(", {} difference(s) from the built-in catalog", r.catalog.differences.len()) }
            ),
            "props": [prop("catalog-sha256", r.catalog.sha256)],
        })
    }

    /// The resource of locker record `seq`.
    fn record_resource(&self, seq: u64) -> Value {
        let rec = self.source.records.get(&seq);
        let mut rlinks = vec![json!({
            "href": format!("{}{}", self.source.bundle_base, crate::bundle::RECORDS),
            "media-type": "application/jsonl",
        })];
        let mut props: Vec<Value> = vec![prop("record-seq", seq)].into_iter().flatten().collect();
        if let Some(rec) = rec {
            props.extend(prop("evidence-kind", rec.kind));
            if let Some(h) = &rec.leaf_hash {
                props.extend(prop("leaf-hash", h));
            }
            for a in &rec.attachments {
                let hex = a.sha256.to_string();
                rlinks.push(json!({
                    "href": format!("{}{}{hex}", self.source.bundle_base, crate::bundle::BLOBS_PREFIX),
                    "media-type": a.media_type,
                    "hashes": [{ "algorithm": "SHA-256", "value": hex }],
                }));
            }
        }
        props.extend(prop("bundle-path", crate::bundle::RECORDS));
        json!({
            "uuid": self.record_id(seq),
            "title": format!("Locker record #{seq}"),
            "description": format!(
                "Record #{seq} of the evidence locker {}: the line of {} whose seq is {seq} in the evidence bundle.",
                self.source.origin,
                crate::bundle::RECORDS
            ),
            "props": props,
            "rlinks": rlinks,
        })
    }

    /// The resource of a subject typed `resource`.
    fn subject_resource(&self, a: &AffectedItem) -> Value {
        json!({
            "uuid": self.subject_id(a),
            "title": one_line(&format!("{} {}", kind_label(a.kind), a.id)),
            "description": format!("The {} {}.", kind_label(a.kind), a.id),
            "props": [prop("item-kind", kind_label(a.kind))],
        })
    }

    fn catalog_id(&self) -> String {
        self.id("catalog", &[&self.report.catalog.sha256.to_string()])
    }

    fn assessment_results<'b>(
        &'b self,
        exceptions: &'b [&'b RankedException],
        subjects: &'b [&'b AffectedItem],
        records: &'b BTreeSet<u64>,
    ) -> Node<'b> {
        let r = self.report;
        let by_control: BTreeMap<&str, &RankedException> =
            exceptions.iter().map(|e| (e.finding.control.as_str(), *e)).collect();
        let findings: Vec<Node<'b>> = r
            .controls
            .iter()
            .map(|c| self.finding(c, by_control.get(c.control.as_str()).copied()))
            .collect();
        let include: Vec<Value> =
            r.controls.iter().map(|c| json!({ "control-id": c.control.as_str() })).collect();
        let mut result = Map::new();
        result.insert("uuid".into(), json!(self.id("result", &[])));
        result.insert("title".into(), json!(format!("SOC 2 readiness evaluation, {}", r.period)));
        result.insert(
            "description".into(),
            json!(format!(
                "Every control of the catalog tested against the evidence locker {} for the period {}, as of {}: {} controls, {} in exception; opinion risk {}.",
                self.source.origin,
                r.period,
                r.as_of,
                r.summary.controls,
                r.exceptions.len(),
                r.opinion.risk.label()
            )),
        );
        result.insert("start".into(), json!(day_start(r.period.start())));
        result.insert("end".into(), json!(day_end(r.period.end())));
        result.insert(
            "reviewed-controls".into(),
            json!({ "control-selections": [{
                "description": "Every control of the soc2 catalog evaluated.",
                "include-controls": include,
            }] }),
        );
        let mut result = object(result);
        if let Some(l) = self.local_definitions(subjects) {
            result.push(("local-definitions".to_owned(), l));
        }
        self.push_observations(&mut result, exceptions);
        if !exceptions.is_empty() {
            let risks = exceptions.iter().map(|e| self.risk(e)).collect();
            result.push(("risks".to_owned(), Node::Array(risks)));
        }
        if !findings.is_empty() {
            result.push(("findings".to_owned(), Node::Array(findings)));
        }
        let mut ar = Map::new();
        ar.insert("uuid".into(), json!(self.id("assessment-results", &[&r.as_of.to_string()])));
        ar.insert(
            "import-ap".into(),
            json!({
                "href": format!("#{}", self.catalog_id()),
                "remarks": "No OSCAL assessment plan: the controls and tests are those of the soc2 catalog described by this back-matter resource.",
            }),
        );
        let mut ar = object(ar);
        ar.push((
            "metadata".to_owned(),
            self.metadata(format!("SOC 2 readiness assessment results, {}", r.period), subjects),
        ));
        ar.push(("results".to_owned(), Node::Array(vec![Node::Object(result)])));
        ar.push(("back-matter".to_owned(), self.back_matter(records, subjects)));
        Node::Object(vec![("assessment-results".to_owned(), Node::Object(ar))])
    }

    fn poam<'b>(
        &'b self,
        exceptions: &'b [&'b RankedException],
        subjects: &'b [&'b AffectedItem],
        records: &'b BTreeSet<u64>,
    ) -> Node<'b> {
        let r = self.report;
        let items: Vec<Node<'b>> = exceptions
            .iter()
            .map(|e| {
                let f = &e.finding;
                let control = f.control.as_str();
                let mut m = Map::new();
                m.insert("uuid".into(), json!(self.id("poam-item", &[control])));
                m.insert("title".into(), json!(one_line(&format!("{control}: {}", f.summary))));
                m.insert(
                    "description".into(),
                    json!(f.write_up.as_ref().map_or_else(
                        || f.summary.clone(),
                        |w| format!("{} Recommendation: {}", w.condition, w.recommendation)
                    )),
                );
                let props: Vec<Value> = [
                    prop("severity", severity_label(f.severity)),
                    prop("priority", super::priority_label(e.priority)),
                    prop("status", f.status.label()),
                    f.remediation_due.and_then(|d| prop("remediation-due", d)),
                ]
                .into_iter()
                .flatten()
                .chain(f.criteria.iter().filter_map(|k| prop("tsc-criterion", k.id())))
                .collect();
                m.insert("props".into(), Value::Array(props));
                m.insert("related-risks".into(), json!([{ "risk-uuid": self.risk_id(control) }]));
                let mut m = object(m);
                self.push_related(&mut m, f);
                Node::Object(m)
            })
            .collect();
        let mut doc = Map::new();
        doc.insert("uuid".into(), json!(self.id("poam", &[&r.as_of.to_string()])));
        let mut doc = object(doc);
        doc.push((
            "metadata".to_owned(),
            self.metadata(
                format!("SOC 2 plan of action and milestones, {} as of {}", r.period, r.as_of),
                subjects,
            ),
        ));
        if let Some(l) = self.local_definitions(subjects) {
            doc.push(("local-definitions".to_owned(), l));
        }
        self.push_observations(&mut doc, exceptions);
        let risks = exceptions.iter().map(|e| self.risk(e)).collect();
        doc.push(("risks".to_owned(), Node::Array(risks)));
        doc.push(("poam-items".to_owned(), Node::Array(items)));
        doc.push(("back-matter".to_owned(), self.back_matter(records, subjects)));
        Node::Object(vec![("plan-of-action-and-milestones".to_owned(), Node::Object(doc))])
    }
}
