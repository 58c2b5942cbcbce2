//! What every test shares: the evidence indexed by kind, the period's slots, the roster
//! and the in-scope systems.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, Months, NaiveDate};

use super::EvidenceItem;
use crate::catalog::Scope;
use crate::model::VendorCriticality;
use crate::model::{
    AuditPeriod, Evidence, EvidenceKind, ItemKind, Payload, Person, Quarter, Timestamp,
};

/// One evidence record as the tests see it.
#[derive(Clone, Copy)]
pub(super) struct Rec<'a> {
    pub(super) seq: u64,
    /// When the fact was seen (`observed_at`).
    pub(super) at: Timestamp,
    /// `observed_at`'s day.
    pub(super) date: NaiveDate,
    /// The day the recorded event happened: the payload's own date when it has one
    /// ([`crate::model::Payload::event_date`]), else `observed_at`'s day. Tests read this.
    pub(super) event: NaiveDate,
    pub(super) ev: &'a Evidence,
}

/// The time a record is known to have been recorded in the locker, if it is known.
///
/// The locker's `recorded_at` is the company's clock; an RFC 3161 token over a
/// checkpoint that includes the record proves it existed by the token's time, whatever
/// that clock said. The earlier of the two is the time the record is known to have
/// been recorded by (a clock running ahead cannot make a record late that a token
/// shows on time). Every rule about late evidence goes through this one function.
pub(super) fn known_recorded_at(item: &EvidenceItem<'_>) -> Option<Timestamp> {
    match (item.recorded_at, item.proven_by) {
        (Some(r), Some(p)) => Some(r.min(p)),
        (r, p) => r.or(p),
    }
}

/// Whether a record's dates come from a system of record rather than from a person, so
/// that recording it late does not make them doubtful.
///
/// Only evidence carrying importer provenance is: its dates were derived from the
/// system's own export, which is stored with it and can be re-derived
/// (`soc2 import --check`). A `collector` saying "tool" is the company's own word and
/// proves nothing about when the facts were true.
///
/// The inputs must be stored with the evidence (each an attachment with the same digest),
/// as every importer does; provenance naming files that are not there cannot be
/// re-derived, so it does not count.
pub(super) fn system_of_record(ev: &Evidence) -> bool {
    ev.provenance.as_ref().is_some_and(|p| {
        !p.inputs.is_empty()
            && p.inputs
                .iter()
                .all(|i| ev.attachments.iter().any(|a| a.sha256 == i.sha256 && a.size == i.size))
    })
}

/// A record recorded more than `max_recording_delay_days` after it was observed.
#[derive(Clone, Debug)]
pub(super) struct LateRec {
    pub(super) seq: u64,
    pub(super) kind: EvidenceKind,
    pub(super) observed_at: Timestamp,
    pub(super) recorded_at: Timestamp,
    /// Whether it still counts (its dates come from a system of record).
    pub(super) counted: bool,
}

/// A stretch of days in which something is required: a quarter (clipped to the
/// period), a year, or for a Type I report the stretch that ends on its date.
#[derive(Clone, Debug)]
pub(super) struct Slot {
    pub(super) start: NaiveDate,
    pub(super) end: NaiveDate,
    pub(super) label: String,
}

/// The result of one check of one item in one slot.
#[derive(Clone, Debug)]
pub(super) enum Outcome {
    Pass,
    Fail(String),
    NotYetDue,
}

/// One check: an item (a person, device, change, quarter, ...) tested once.
#[derive(Clone, Debug)]
pub(super) struct Check {
    pub(super) kind: ItemKind,
    pub(super) id: String,
    /// The grid column (quarter) it belongs to.
    pub(super) col: usize,
    /// When it was or is due.
    pub(super) due: NaiveDate,
    pub(super) outcome: Outcome,
    /// Evidence records that show the item.
    pub(super) records: Vec<u64>,
}

impl Check {
    pub(super) fn new(
        kind: ItemKind,
        id: impl Into<String>,
        col: usize,
        due: NaiveDate,
        outcome: Outcome,
        records: Vec<u64>,
    ) -> Self {
        Check { kind, id: id.into(), col, due, outcome, records }
    }
}

pub(super) fn add_days(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_days(Days::new(u64::from(n))).unwrap_or(NaiveDate::MAX)
}

pub(super) fn sub_days(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_sub_days(Days::new(u64::from(n))).unwrap_or(NaiveDate::MIN)
}

pub(super) fn add_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_add_months(Months::new(n)).unwrap_or(NaiveDate::MAX)
}

pub(super) fn sub_months(d: NaiveDate, n: u32) -> NaiveDate {
    d.checked_sub_months(Months::new(n)).unwrap_or(NaiveDate::MIN)
}

/// Whole days from `a` to `b` (negative when `b` is earlier).
pub(super) fn days_between(a: NaiveDate, b: NaiveDate) -> i64 {
    (b - a).num_days()
}

/// The evidence, grouped by kind and sorted by (observed_at, seq).
pub(super) struct Index<'a> {
    by_kind: BTreeMap<EvidenceKind, Vec<Rec<'a>>>,
    /// Every late record (observed by `limit`), in seq order.
    pub(super) late: Vec<LateRec>,
    /// Late records that do not count, by kind, sorted like `by_kind`.
    late_excluded: BTreeMap<EvidenceKind, Vec<Rec<'a>>>,
    /// The earliest known recording time of each kind.
    pub(super) first_recorded: BTreeMap<EvidenceKind, Timestamp>,
}

impl<'a> Index<'a> {
    /// Indexes the records observed on or before `limit`; later ones cannot count.
    /// Records recorded more than `max_delay_days` after they were observed are late;
    /// late records whose dates do not come from a system of record are set aside.
    pub(super) fn new(
        evidence: &[EvidenceItem<'a>],
        limit: NaiveDate,
        max_delay_days: u32,
    ) -> Self {
        let mut by_kind: BTreeMap<EvidenceKind, Vec<Rec<'a>>> = BTreeMap::new();
        let mut late_excluded: BTreeMap<EvidenceKind, Vec<Rec<'a>>> = BTreeMap::new();
        let mut late = Vec::new();
        let mut first_recorded: BTreeMap<EvidenceKind, Timestamp> = BTreeMap::new();
        for item in evidence {
            let at = item.evidence.observed_at;
            let date = at.date();
            let kind = item.evidence.kind();
            let recorded = known_recorded_at(item);
            if let Some(t) = recorded {
                let first = first_recorded.entry(kind).or_insert(t);
                *first = (*first).min(t);
            }
            if date > limit {
                continue;
            }
            let rec = Rec {
                seq: item.seq,
                at,
                date,
                event: item.evidence.payload.event_date().unwrap_or(date),
                ev: item.evidence,
            };
            let is_late =
                recorded.is_some_and(|t| days_between(date, t.date()) > i64::from(max_delay_days));
            if let (true, Some(recorded_at)) = (is_late, recorded) {
                let counted = system_of_record(item.evidence);
                late.push(LateRec { seq: item.seq, kind, observed_at: at, recorded_at, counted });
                if !counted {
                    late_excluded.entry(kind).or_default().push(rec);
                    continue;
                }
            }
            by_kind.entry(kind).or_default().push(rec);
        }
        for v in by_kind.values_mut().chain(late_excluded.values_mut()) {
            v.sort_by_key(|r| (r.at, r.seq));
        }
        late.sort_by_key(|l| l.seq);
        Index { by_kind, late, late_excluded, first_recorded }
    }

    /// Late records of a kind that do not count, oldest first.
    pub(super) fn late_excluded(&self, kind: EvidenceKind) -> &[Rec<'a>] {
        self.late_excluded.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// The reason to give for a late record set aside.
    pub(super) fn late_reason(&self, r: &Rec<'_>) -> String {
        self.late_reason_for(r.seq)
    }

    /// The reason to give for the late record `seq` set aside.
    pub(super) fn late_reason_for(&self, seq: u64) -> String {
        // `late` is in seq order: a linear search here, once per late record, made
        // evaluating 240,000 late change records take 40 s.
        match self.late.binary_search_by_key(&seq, |l| l.seq).ok().map(|i| &self.late[i]) {
            Some(l) => format!(
                "recorded late: observed {}, recorded {}",
                l.observed_at.date(),
                l.recorded_at.date()
            ),
            None => format!("record #{seq} recorded late"),
        }
    }

    /// Records of a kind, oldest first.
    pub(super) fn all(&self, kind: EvidenceKind) -> &[Rec<'a>] {
        self.by_kind.get(&kind).map_or(&[], Vec::as_slice)
    }

    /// Records of a kind observed on or before `date`.
    pub(super) fn upto(&self, kind: EvidenceKind, date: NaiveDate) -> &[Rec<'a>] {
        let all = self.all(kind);
        &all[..all.partition_point(|r| r.date <= date)]
    }

    /// Records of a kind observed in `from..=to`.
    pub(super) fn between(&self, kind: EvidenceKind, from: NaiveDate, to: NaiveDate) -> &[Rec<'a>] {
        let all = self.all(kind);
        let lo = all.partition_point(|r| r.date < from);
        let hi = all.partition_point(|r| r.date <= to);
        if lo < hi { &all[lo..hi] } else { &[] }
    }
}

/// Pulls the typed payload of a variant out of records, keeping the record.
macro_rules! typed {
    ($recs:expr, $variant:ident) => {
        $recs.iter().filter_map(|r| match &r.ev.payload {
            $crate::model::Payload::$variant(p) => Some((*r, p)),
            _ => None,
        })
    };
}
pub(super) use typed;

/// One person of the period's population: everyone in any roster snapshot observed in
/// the period (or the last one before it).
#[derive(Clone, Debug)]
pub(super) struct Member {
    /// As the latest snapshot showing them has them; a person who disappears from the
    /// roster without an `end_date` gets the date of the first snapshot without them.
    pub(super) person: Person,
    /// The roster records that show them (the latest with them, and the first without).
    pub(super) records: Vec<u64>,
    /// The date of the first roster snapshot without them, when that is their end date.
    pub(super) dropped_on: Option<NaiveDate>,
}

/// Everything the tests share.
pub(super) struct Ctx<'a> {
    pub(super) period: AuditPeriod,
    pub(super) as_of: NaiveDate,
    /// The last day whose evidence counts: the period's end, or `as_of` if earlier.
    pub(super) cutoff: NaiveDate,
    pub(super) index: Index<'a>,
    pub(super) scope: &'a Scope,
    /// The grid columns, which are also the quarterly slots.
    pub(super) columns: Vec<Slot>,
    /// The population of people, by id; empty when there is no roster.
    pub(super) members: Vec<Member>,
    /// Lower-cased ids and aliases to the index of their member.
    names: BTreeMap<String, usize>,
    /// In-scope systems, as the catalog declares them (duplicates by case removed).
    pub(super) systems: Vec<String>,
    /// In-scope repositories, as declared.
    pub(super) repositories: Vec<String>,
    /// Critical vendors, as declared.
    pub(super) vendors: Vec<String>,
    /// Things a reader of the report must know: undeclared names, case mismatches, ...
    pub(super) warnings: Vec<String>,
}

/// Whether two names of a system, repository, vendor or person are the same (case is
/// not significant).
pub(super) fn same(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

fn dedup_names(names: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for n in names {
        if !out.iter().any(|o| same(o, n)) {
            out.push(n.trim().to_owned());
        }
    }
    out.sort();
    out
}

impl<'a> Ctx<'a> {
    pub(super) fn new(
        period: AuditPeriod,
        as_of: NaiveDate,
        index: Index<'a>,
        scope: &'a Scope,
        critical: VendorCriticality,
    ) -> Self {
        let cutoff = period.end().min(as_of);
        let columns = match period {
            AuditPeriod::Type2 { start, end } => period
                .quarters()
                .into_iter()
                .map(|q| Slot {
                    start: q.first_day().max(start),
                    end: q.last_day().min(end),
                    label: q.to_string(),
                })
                .collect(),
            AuditPeriod::Type1 { date } => vec![Slot {
                start: add_days(sub_months(date, 3), 1),
                end: date,
                label: date.to_string(),
            }],
        };
        let (members, names) = population(&index, period.start(), cutoff);
        let mut ctx = Ctx {
            period,
            as_of,
            cutoff,
            index,
            scope,
            columns,
            members,
            names,
            systems: dedup_names(&scope.systems),
            repositories: dedup_names(&scope.repositories),
            vendors: dedup_names(&scope.critical_vendors),
            warnings: Vec::new(),
        };
        ctx.warnings = ctx.name_warnings(critical);
        ctx
    }

    /// Warnings about names in the evidence: undeclared systems, repositories and
    /// critical vendors, and declared ones spelt with another case.
    fn name_warnings(&self, critical: VendorCriticality) -> Vec<String> {
        let mut seen: BTreeMap<(&'static str, String), BTreeSet<u64>> = BTreeMap::new();
        let upto = |k| self.index.upto(k, self.cutoff);
        for k in [
            EvidenceKind::UserList,
            EvidenceKind::AccessReview,
            EvidenceKind::LoggingConfiguration,
            EvidenceKind::SecurityEvents,
            EvidenceKind::EventTriage,
        ] {
            for r in upto(k) {
                let name = match &r.ev.payload {
                    Payload::UserList(u) => &u.system,
                    Payload::AccessReview(a) => &a.system,
                    Payload::LoggingConfiguration(l) => &l.system,
                    Payload::SecurityEvents(e) => &e.system,
                    Payload::EventTriage(t) => &t.system,
                    _ => continue,
                };
                seen.entry(("system", name.clone())).or_default().insert(r.seq);
            }
        }
        for k in [EvidenceKind::BranchProtection, EvidenceKind::ChangeRecord] {
            for r in upto(k) {
                let name = match &r.ev.payload {
                    Payload::BranchProtection(b) => &b.repository,
                    Payload::ChangeRecord(c) => &c.repository,
                    _ => continue,
                };
                seen.entry(("repository", name.clone())).or_default().insert(r.seq);
            }
        }
        let mut out = Vec::new();
        for ((what, name), seqs) in seen {
            let declared = if what == "system" { &self.systems } else { &self.repositories };
            let first = seqs.iter().next().copied().unwrap_or(0);
            let n = seqs.len();
            match declared.iter().find(|d| same(d, &name)) {
                Some(d) if d.trim() == name => {}
                Some(d) => out.push(format!(
                    "{n} record(s) (first #{first}) name the {what} `{name}`, declared as `{d}` in the catalog: taken as the same {what}"
                )),
                None => out.push(format!(
                    "{n} record(s) (first #{first}) name the {what} `{name}`, which the catalog does not declare in scope: not tested"
                )),
            }
        }
        // Vendors an assessment rates critical that the catalog does not declare.
        let mut rated: BTreeMap<String, (u64, String)> = BTreeMap::new();
        for (r, a) in
            typed!(self.index.upto(EvidenceKind::VendorAssessment, self.cutoff), VendorAssessment)
        {
            if a.criticality >= critical {
                rated
                    .entry(a.vendor.trim().to_ascii_lowercase())
                    .or_insert((r.seq, a.vendor.clone()));
            } else {
                rated.remove(&a.vendor.trim().to_ascii_lowercase());
            }
        }
        for (seq, name) in rated.into_values() {
            match self.vendors.iter().find(|d| same(d, &name)) {
                Some(d) if d.trim() == name.trim() => {}
                Some(d) => out.push(format!(
                    "record #{seq} names the vendor `{name}`, declared as `{d}` in the catalog: taken as the same vendor"
                )),
                None => out.push(format!(
                    "record #{seq} rates the vendor `{name}` critical, but the catalog does not declare it among the critical vendors: not tested"
                )),
            }
        }
        out
    }

    /// The member a person id, alias or account name refers to (case is not significant).
    pub(super) fn member(&self, name: &str) -> Option<&Member> {
        self.names.get(&name.trim().to_ascii_lowercase()).map(|&i| &self.members[i])
    }

    /// Whether the population has a roster behind it.
    pub(super) fn has_roster(&self) -> bool {
        !self.members.is_empty() || !self.index.upto(EvidenceKind::Roster, self.cutoff).is_empty()
    }

    /// The grid column a date falls in (dates outside the period go to the nearest).
    pub(super) fn column_of(&self, date: NaiveDate) -> usize {
        self.columns
            .iter()
            .position(|c| date <= c.end)
            .unwrap_or(self.columns.len().saturating_sub(1))
    }

    /// The yearly slots: consecutive twelve-month windows from the period's start, the
    /// last one absorbing a remainder shorter than twelve months (so a 15-month period
    /// has one window); for a Type I report, the twelve months ending on its date.
    pub(super) fn annual_slots(&self) -> Vec<Slot> {
        match self.period {
            AuditPeriod::Type1 { date } => vec![Slot {
                start: add_days(sub_months(date, 12), 1),
                end: date,
                label: date.to_string(),
            }],
            AuditPeriod::Type2 { start, end } => {
                let mut out = Vec::new();
                let mut s = start;
                loop {
                    let next = add_months(s, 12);
                    if add_months(next, 12) > add_days(end, 1) {
                        out.push(Slot { start: s, end, label: year_label(s, end) });
                        break;
                    }
                    let e = sub_days(next, 1);
                    out.push(Slot { start: s, end: e, label: year_label(s, e) });
                    s = next;
                }
                out
            }
        }
    }

    /// Whether a check due on `due` is owed yet: a missing occurrence is an exception
    /// only once its due date has passed.
    pub(super) fn missing(&self, due: NaiveDate, reason: String) -> Outcome {
        if due <= self.as_of { Outcome::Fail(reason) } else { Outcome::NotYetDue }
    }

    /// The check to return when a test needs the roster and there is none.
    pub(super) fn no_roster(&self) -> Check {
        let due = self.period.start();
        Check::new(
            ItemKind::Document,
            "roster",
            0,
            due,
            self.missing(
                due,
                format!("no roster observed on or before {}: people cannot be tested", self.cutoff),
            ),
            Vec::new(),
        )
    }

    /// The check to return when a test needs in-scope systems and none are known.
    pub(super) fn no_systems(&self) -> Check {
        let due = self.period.start();
        Check::new(
            ItemKind::System,
            "in-scope systems",
            0,
            due,
            self.missing(
                due,
                "no in-scope system is declared in the catalog (scope.systems): the systems to test cannot be known from the evidence".into(),
            ),
            Vec::new(),
        )
    }

    /// The check to return when a test has nothing at all to work on (no change record,
    /// no vendor assessment, no repository): a document that is not on file.
    pub(super) fn nothing_on_file(&self, id: &str, reason: &str) -> Check {
        let due = self.period.start();
        Check::new(ItemKind::Document, id, 0, due, self.missing(due, reason.to_owned()), Vec::new())
    }

    /// Whether a roster person is in scope.
    pub(super) fn in_scope(&self, p: &Person) -> bool {
        self.scope.person_in_scope(&p.id, p.in_scope)
    }
}

fn year_label(s: NaiveDate, e: NaiveDate) -> String {
    if s.month() == 1 && s.day() == 1 && e.year() == s.year() && e.month() == 12 && e.day() == 31 {
        s.year().to_string()
    } else {
        format!("{s}..{e}")
    }
}

/// The population of people: everyone in the roster snapshots observed in
/// `start..=cutoff` and in the last snapshot before `start`.
fn population(
    index: &Index<'_>,
    start: NaiveDate,
    cutoff: NaiveDate,
) -> (Vec<Member>, BTreeMap<String, usize>) {
    let rosters: Vec<_> = typed!(index.upto(EvidenceKind::Roster, cutoff), Roster).collect();
    let first = rosters.iter().rposition(|(r, _)| r.date < start).unwrap_or(0);
    let snapshots = &rosters[first..];
    // id -> (member, index of the last snapshot showing them)
    let mut by_id: BTreeMap<&str, (Member, usize)> = BTreeMap::new();
    for (i, (r, roster)) in snapshots.iter().enumerate() {
        for p in &roster.people {
            let e = by_id.entry(p.id.as_str()).or_insert_with(|| {
                (Member { person: p.clone(), records: Vec::new(), dropped_on: None }, i)
            });
            e.0.person = p.clone();
            e.0.records = vec![r.seq];
            e.1 = i;
        }
    }
    let mut members = Vec::with_capacity(by_id.len());
    for (_, (mut m, last)) in by_id {
        if let Some((r, _)) = snapshots.get(last + 1)
            && m.person.end_date.is_none()
        {
            m.person.end_date = Some(crate::model::Date(r.date));
            m.dropped_on = Some(r.date);
            m.records.push(r.seq);
        }
        members.push(m);
    }
    let mut names = BTreeMap::new();
    for (i, m) in members.iter().enumerate() {
        names.insert(m.person.id.trim().to_ascii_lowercase(), i);
    }
    for (i, m) in members.iter().enumerate() {
        for a in &m.person.aliases {
            names.entry(a.trim().to_ascii_lowercase()).or_insert(i);
        }
    }
    (members, names)
}

/// Whether a person worked for the company at some time in `a..=b`.
pub(super) fn active_between(p: &Person, a: NaiveDate, b: NaiveDate) -> bool {
    p.start_date.0 <= b && p.end_date.is_none_or(|e| e.0 >= a)
}

/// The days, in `from..=to`, on which no approval was in force, given approval dates and
/// how many days each stays valid. Returns the gaps as inclusive ranges.
pub(super) fn currency_gaps(
    approvals: &[NaiveDate],
    valid_days: u32,
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, NaiveDate)> {
    let mut sorted: Vec<NaiveDate> = approvals.iter().copied().filter(|d| *d <= to).collect();
    sorted.sort();
    sorted.dedup();
    let mut gaps = Vec::new();
    // The first day not yet shown to be covered.
    let mut uncovered = from;
    for a in sorted {
        if a > uncovered {
            gaps.push((uncovered, sub_days(a, 1).min(to)));
        }
        // An approval on `a` stays valid through `a + valid_days`.
        uncovered = uncovered.max(add_days(add_days(a, valid_days), 1));
        if uncovered > to {
            return gaps;
        }
    }
    if uncovered <= to {
        gaps.push((uncovered, to));
    }
    gaps
}

/// Assigns to each slot at most one record, the earliest not yet used whose date lies in
/// the slot's acceptance range; slots and their ranges must be in order.
pub(super) fn match_slots(
    ranges: &[(NaiveDate, NaiveDate)],
    dates: &[(NaiveDate, u64)],
) -> Vec<Option<(NaiveDate, u64)>> {
    let mut next = 0;
    ranges
        .iter()
        .map(|&(lo, hi)| {
            let pos = next + dates[next..].partition_point(|(d, _)| *d < lo);
            match dates.get(pos) {
                Some(&(d, seq)) if d <= hi => {
                    next = pos + 1;
                    Some((d, seq))
                }
                _ => None,
            }
        })
        .collect()
}

/// The last day of the quarter containing `d`.
pub(super) fn quarter_end(d: NaiveDate) -> NaiveDate {
    Quarter::containing(d).last_day()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        crate::model::time::parse_date(s).unwrap()
    }

    #[test]
    fn gaps_between_approvals() {
        // Approved 2025-02-01, valid a year; re-approved 2026-03-15.
        let gaps = currency_gaps(
            &[d("2025-02-01"), d("2026-03-15")],
            365,
            d("2026-01-01"),
            d("2026-12-31"),
        );
        assert_eq!(gaps, [(d("2026-02-02"), d("2026-03-14"))]);
        let gaps = currency_gaps(&[d("2025-06-01")], 365, d("2026-01-01"), d("2026-12-31"));
        assert_eq!(gaps, [(d("2026-06-02"), d("2026-12-31"))]);
        let gaps = currency_gaps(&[d("2026-02-01")], 365, d("2026-01-01"), d("2026-12-31"));
        assert_eq!(gaps, [(d("2026-01-01"), d("2026-01-31"))]);
        assert!(
            currency_gaps(
                &[d("2025-12-31"), d("2026-12-01")],
                365,
                d("2026-01-01"),
                d("2026-12-31")
            )
            .is_empty()
        );
    }

    #[test]
    fn each_record_counts_once() {
        let ranges = [(d("2026-01-01"), d("2026-04-10")), (d("2026-04-01"), d("2026-07-10"))];
        let one = [(d("2026-04-05"), 7)];
        assert_eq!(match_slots(&ranges, &one), [Some((d("2026-04-05"), 7)), None]);
        let two = [(d("2026-02-01"), 1), (d("2026-04-05"), 7)];
        assert_eq!(
            match_slots(&ranges, &two),
            [Some((d("2026-02-01"), 1)), Some((d("2026-04-05"), 7))]
        );
    }
}
