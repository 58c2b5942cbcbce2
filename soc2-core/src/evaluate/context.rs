//! What every test shares: the evidence indexed by kind, the period's slots, the roster
//! and the in-scope systems.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Days, Months, NaiveDate};

use super::EvidenceItem;
use crate::catalog::Scope;
use crate::model::{
    AuditPeriod, Evidence, EvidenceKind, ItemKind, Payload, Person, Quarter, Roster, Timestamp,
};

/// One evidence record as the tests see it.
#[derive(Clone, Copy)]
pub(super) struct Rec<'a> {
    pub(super) seq: u64,
    pub(super) at: Timestamp,
    pub(super) date: NaiveDate,
    pub(super) ev: &'a Evidence,
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
}

impl<'a> Index<'a> {
    /// Indexes the records observed on or before `limit`; later ones cannot count.
    pub(super) fn new(evidence: &[EvidenceItem<'a>], limit: NaiveDate) -> Self {
        let mut by_kind: BTreeMap<EvidenceKind, Vec<Rec<'a>>> = BTreeMap::new();
        for item in evidence {
            let at = item.evidence.observed_at;
            let date = at.date();
            if date <= limit {
                by_kind.entry(item.evidence.kind()).or_default().push(Rec {
                    seq: item.seq,
                    at,
                    date,
                    ev: item.evidence,
                });
            }
        }
        for v in by_kind.values_mut() {
            v.sort_by_key(|r| (r.at, r.seq));
        }
        Index { by_kind }
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
    /// The latest roster observed by the cutoff.
    pub(super) roster: Option<(Rec<'a>, &'a Roster)>,
    pub(super) people: BTreeMap<&'a str, &'a Person>,
    /// In-scope systems: the catalog's list, or those named by the evidence.
    pub(super) systems: Vec<String>,
}

impl<'a> Ctx<'a> {
    pub(super) fn new(
        period: AuditPeriod,
        as_of: NaiveDate,
        index: Index<'a>,
        scope: &'a Scope,
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
        let roster = typed!(index.upto(EvidenceKind::Roster, cutoff), Roster).last();
        let people = roster
            .map(|(_, r)| r.people.iter().map(|p| (p.id.as_str(), p)).collect())
            .unwrap_or_default();
        let systems = if scope.systems.is_empty() {
            let mut set = BTreeSet::new();
            for r in index.upto(EvidenceKind::UserList, cutoff) {
                if let Payload::UserList(u) = &r.ev.payload {
                    set.insert(u.system.clone());
                }
            }
            for r in index.upto(EvidenceKind::AccessReview, cutoff) {
                if let Payload::AccessReview(a) = &r.ev.payload {
                    set.insert(a.system.clone());
                }
            }
            set.into_iter().collect()
        } else {
            let set: BTreeSet<String> = scope.systems.iter().cloned().collect();
            set.into_iter().collect()
        };
        Ctx { period, as_of, cutoff, index, scope, columns, roster, people, systems }
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

    /// The roster's record number, when there is a roster.
    pub(super) fn roster_seq(&self) -> Option<u64> {
        self.roster.map(|(r, _)| r.seq)
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
                "no in-scope system is listed in the catalog scope or named by a user list or access review".into(),
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
