//! Evaluation: the catalog's controls tested against the evidence, for an audit period,
//! as of a date.
//!
//! [`evaluate`] is a pure function: the same catalog, evidence, period and `as_of` give
//! the same [`Report`], byte for byte. It reads no clock and iterates no hash map.
//!
//! How evidence counts:
//! - by `observed_at` (when the fact held), never `collected_at`: a review done in March
//!   and uploaded in May is March's;
//! - records observed after the period's end or after `as_of` do not count, except that
//!   a control's `review_grace_days_after` lets a late occurrence count for the quarter
//!   or year just ended;
//! - records observed before the period count where they are still in force: a policy
//!   approved last year, a background check done at hire, the roster, a vendor review;
//! - a control that began operating during the period is an exception for the time
//!   before: its earlier quarters have no occurrence;
//! - something not yet due as of `as_of` (this quarter's review in the middle of the
//!   quarter) is "not yet due", not an exception.
//!
//! Each built-in test is described on [`crate::catalog::ControlTest`]; the population
//! tests look at every record (every change, device, person, account), never at
//! settings alone. Settings a record does not report count as not shown, i.e. as a
//! deviation.

mod checks;
mod context;
mod population;
pub mod sample;
mod write_up;

pub use population::{ControlPopulation, Evaluation, ItemResult, PopulationItem};

use std::cmp::Reverse;
use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;

use crate::catalog::{Catalog, CatalogControl, ControlTest};
use crate::model::{
    AffectedItem, AuditFinding, AuditPeriod, Cadence, ControlId, Date, Evidence, EvidenceKind,
    FindingResponse, FindingStatus, ItemKind, ManagementResponse, Payload, Timestamp,
};
use crate::report::{
    CellStatus, ControlResult, ControlStatus, Coverage, DueItem, GridCell, LateRecord, Monitoring,
    NextDue, Opinion, OpinionBasis, RankedException, RecordingTime, Report, Summary,
    is_access_related,
};
use context::{Check, Ctx, Index, Outcome, add_days, sub_days};

/// One evidence record to evaluate: its locker sequence number and the evidence.
///
/// The sequence number is how findings and [`Report::relied_on`] name the record.
#[derive(Clone, Copy, Debug)]
pub struct EvidenceItem<'a> {
    /// The locker's record number.
    pub seq: u64,
    /// The evidence.
    pub evidence: &'a Evidence,
    /// When the locker recorded it; absent for evidence that was never in a locker
    /// (which can then not be shown late, nor on time).
    pub recorded_at: Option<Timestamp>,
    /// When an RFC 3161 timestamp proves the record existed by (the earliest token over
    /// a checkpoint that includes it); absent when none covers it.
    pub proven_by: Option<Timestamp>,
}

impl<'a> EvidenceItem<'a> {
    /// Pairs a record number with its evidence (recording time unknown).
    pub fn new(seq: u64, evidence: &'a Evidence) -> Self {
        EvidenceItem { seq, evidence, recorded_at: None, proven_by: None }
    }

    /// Pairs a record number with its evidence and the time the locker recorded it.
    pub fn recorded(seq: u64, evidence: &'a Evidence, recorded_at: Timestamp) -> Self {
        EvidenceItem { seq, evidence, recorded_at: Some(recorded_at), proven_by: None }
    }

    /// The same item, proven by an RFC 3161 timestamp to have existed by `proven_by`.
    #[must_use]
    pub fn proven_by(self, proven_by: Timestamp) -> Self {
        EvidenceItem { proven_by: Some(proven_by), ..self }
    }
}

/// Evaluates every control of `catalog` over `period`, as of `as_of`.
pub fn evaluate(
    catalog: &Catalog,
    evidence: &[EvidenceItem<'_>],
    period: &AuditPeriod,
    as_of: NaiveDate,
) -> Report {
    evaluate_inner(catalog, evidence, period, as_of, false).report
}

/// Evaluates like [`evaluate`] and also keeps every control's whole population: each
/// item tested, in each quarter, with its result, reason and records (what the
/// workpapers, the sample and the request list are made of).
pub fn evaluate_with_populations(
    catalog: &Catalog,
    evidence: &[EvidenceItem<'_>],
    period: &AuditPeriod,
    as_of: NaiveDate,
) -> Evaluation {
    evaluate_inner(catalog, evidence, period, as_of, true)
}

fn evaluate_inner(
    catalog: &Catalog,
    evidence: &[EvidenceItem<'_>],
    period: &AuditPeriod,
    as_of: NaiveDate,
    keep_populations: bool,
) -> Evaluation {
    let grace_after =
        catalog.controls.iter().map(|c| c.thresholds.review_grace_days_after).max().unwrap_or(0);
    let limit = add_days(period.end(), grace_after).min(as_of);
    let index = Index::new(evidence, limit, catalog.thresholds.max_recording_delay_days);
    let mut ctx = Ctx::new(
        *period,
        as_of,
        index,
        &catalog.scope,
        catalog.thresholds.critical_vendor_criticality,
    );
    if catalog.controls.iter().any(|c| {
        matches!(c.test, ControlTest::AnnualSecurityTraining | ControlTest::NewHireTraining)
    }) {
        ctx.warnings.extend(checks::any_course_warning(&ctx));
    }

    let mut relied: BTreeSet<u64> = evidence
        .iter()
        .filter(|e| {
            let d = e.evidence.observed_at.date();
            d >= period.start() && d <= ctx.cutoff
        })
        .map(|e| e.seq)
        .collect();

    let mut controls = Vec::with_capacity(catalog.controls.len());
    let mut findings = Vec::new();
    let mut overdue = Vec::new();
    let mut upcoming = Vec::new();
    let mut basis = BTreeMap::new();
    let mut populations = Vec::new();
    for cc in &catalog.controls {
        let checks = checks::run(&ctx, cc);
        if keep_populations {
            populations.push(population::of(&ctx, &cc.control.id, &checks));
        }
        let (result, finding, judged) = summarise(&ctx, cc, &checks);
        if let Some(b) = judged {
            basis.insert(cc.control.id.clone(), b);
        }
        relied.extend(result.records.iter().copied());
        for c in &checks {
            let item = DueItem {
                due: Date(c.due),
                control: cc.control.id.clone(),
                kind: c.kind,
                item: c.id.clone(),
            };
            match c.outcome {
                Outcome::Fail(_) => overdue.push(item),
                Outcome::NotYetDue => upcoming.push(item),
                Outcome::Pass => {}
            }
        }
        if let Some(f) = finding {
            findings.push(f);
        }
        controls.push(result);
    }

    findings.sort_by(|a, b| {
        (a.priority, Reverse(a.finding.severity), &a.finding.control).cmp(&(
            b.priority,
            Reverse(b.finding.severity),
            &b.finding.control,
        ))
    });
    for (i, f) in findings.iter_mut().enumerate() {
        f.rank = i as u64 + 1;
    }
    let mut warnings = ctx.warnings.clone();
    let responses = latest_responses(catalog, evidence, as_of, &mut warnings);
    for f in &mut findings {
        relied.extend(apply_responses(&mut f.finding, &responses));
        if let Some(cc) = catalog.get(f.finding.control.as_str()) {
            f.finding.write_up = Some(write_up::write_up(&cc.control, &f.finding, f.no_evidence));
        }
    }
    overdue.sort();
    overdue.dedup();
    upcoming.sort();
    upcoming.dedup();

    let opinion =
        Opinion::assess(findings.iter().filter_map(|f| basis.remove(&f.finding.control)).collect());
    let count = |s: ControlStatus| controls.iter().filter(|c| c.status == s).count() as u64;
    let summary = Summary {
        controls: controls.len() as u64,
        operating: count(ControlStatus::Operating),
        exception: count(ControlStatus::Exception),
        no_evidence: count(ControlStatus::NoEvidence),
        not_yet_due: count(ControlStatus::NotYetDue),
        not_applicable: count(ControlStatus::NotApplicable),
        deviations: controls.iter().map(|c| c.deviations).sum(),
    };
    // What the recording times rest on, and per control the time all its evidence is
    // proven to have existed by.
    let proven: BTreeMap<u64, Option<Timestamp>> =
        evidence.iter().filter(|i| i.recorded_at.is_some()).map(|i| (i.seq, i.proven_by)).collect();
    for c in &mut controls {
        c.proven_by = c
            .records
            .iter()
            .map(|seq| proven.get(seq).copied().flatten())
            .collect::<Option<Vec<Timestamp>>>()
            .and_then(|times| times.into_iter().max());
    }
    let records_timed = proven.len() as u64;
    let records_proven = proven.values().filter(|p| p.is_some()).count() as u64;
    let recording_time = RecordingTime {
        timestamps: Vec::new(),
        records: records_timed,
        proven: records_proven,
        statement: RecordingTime::statement_for(records_timed, records_proven),
    };
    let next_due = controls
        .iter()
        .filter_map(|c| c.next_due.map(|due| NextDue { control: c.control.clone(), due }))
        .collect();
    let report = Report {
        period: *period,
        as_of: Date(as_of),
        columns: ctx.columns.iter().map(|c| c.label.clone()).collect(),
        summary,
        opinion,
        controls,
        exceptions: findings,
        monitoring: Monitoring { next_due, overdue, upcoming },
        relied_on: relied.into_iter().collect(),
        warnings,
        late_records: ctx
            .index
            .late
            .iter()
            .filter(|l| l.observed_at.date() >= sub_days(period.start(), 366))
            .map(|l| LateRecord {
                seq: l.seq,
                kind: l.kind,
                observed_at: l.observed_at,
                recorded_at: l.recorded_at,
                counted: l.counted,
            })
            .collect(),
        catalog: catalog.disclosure(),
        recording_time,
    };
    Evaluation { report, populations }
}

/// Turns a control's checks into its result and, if any failed, its ranked finding and
/// the figures the opinion judges it by.
fn summarise(
    ctx: &Ctx<'_>,
    cc: &CatalogControl,
    checks: &[Check],
) -> (ControlResult, Option<RankedException>, Option<OpinionBasis>) {
    let mut grid =
        vec![GridCell { status: CellStatus::NotRequired, met: 0, required: 0 }; ctx.columns.len()];
    let mut coverage = Coverage { met: 0, required: 0, not_yet_due: 0 };
    // Per item: the columns it failed in with reasons, and its records.
    let mut items: BTreeMap<(ItemKind, &str), ItemState> = BTreeMap::new();
    let mut records = BTreeSet::new();
    let mut next_due: Option<NaiveDate> = None;
    // Per occurrence of a periodic control (its checks share a due date): checks due,
    // checks passed, whether a failing one rests on some record, and its column.
    let mut slots: BTreeMap<NaiveDate, Slot> = BTreeMap::new();
    for c in checks {
        records.extend(c.records.iter().copied());
        if !matches!(c.outcome, Outcome::NotYetDue) {
            let slot = slots.entry(c.due).or_insert(Slot { col: c.col, ..Slot::default() });
            slot.required += 1;
            match c.outcome {
                Outcome::Pass => slot.met += 1,
                _ => {
                    slot.col = c.col;
                    slot.failed_on_record |= !c.records.is_empty();
                }
            }
        }
        let cell = &mut grid[c.col.min(ctx.columns.len().saturating_sub(1))];
        let state = items.entry((c.kind, c.id.as_str())).or_default();
        match &c.outcome {
            Outcome::Pass => {
                coverage.met += 1;
                coverage.required += 1;
                cell.met += 1;
                cell.required += 1;
                state.tested = true;
            }
            Outcome::Fail(reason) => {
                coverage.required += 1;
                cell.required += 1;
                state.tested = true;
                state.failures.push((c.col, reason.clone()));
                state.records.extend(c.records.iter().copied());
            }
            Outcome::NotYetDue => {
                coverage.not_yet_due += 1;
                next_due = Some(next_due.map_or(c.due, |d| d.min(c.due)));
            }
        }
        cell.status = match (&c.outcome, cell.status) {
            (Outcome::Fail(_), _) | (_, CellStatus::Exception) => CellStatus::Exception,
            (Outcome::Pass, _) | (_, CellStatus::Operating) => CellStatus::Operating,
            (Outcome::NotYetDue, _) => CellStatus::NotYetDue,
        };
    }
    let population = items.values().filter(|s| s.tested).count() as u64;
    let affected: Vec<AffectedItem> = items
        .iter()
        .filter(|(_, s)| !s.failures.is_empty())
        .map(|((kind, id), s)| {
            let multi = s.failures.iter().map(|(c, _)| c).collect::<BTreeSet<_>>().len() > 1;
            let mut reasons: Vec<String> = Vec::new();
            for (col, reason) in &s.failures {
                let r = if multi {
                    format!("{}: {reason}", ctx.columns[*col].label)
                } else {
                    reason.clone()
                };
                if !reasons.contains(&r) {
                    reasons.push(r);
                }
            }
            AffectedItem {
                kind: *kind,
                id: (*id).to_owned(),
                reason: reasons.join("; "),
                records: s.records.iter().copied().collect(),
            }
        })
        .collect();
    let deviations = affected.len() as u64;

    let has_evidence = cc
        .control
        .evidence_kinds
        .iter()
        .filter(|k| **k != EvidenceKind::Roster || cc.control.evidence_kinds.len() == 1)
        .any(|k| {
            // Evidence recorded late still exists: its occurrence is an exception
            // ("recorded late"), not an absence of evidence.
            !ctx.index.upto(*k, ctx.cutoff.max(ctx.period.start())).is_empty()
                || !ctx.index.late_excluded(*k).is_empty()
        });
    let status = if deviations > 0 {
        if has_evidence { ControlStatus::Exception } else { ControlStatus::NoEvidence }
    } else if coverage.required > 0 {
        ControlStatus::Operating
    } else if coverage.not_yet_due > 0 {
        ControlStatus::NotYetDue
    } else {
        ControlStatus::NotApplicable
    };

    let c = &cc.control;
    let first_recorded = c
        .evidence_kinds
        .iter()
        .filter(|k| **k != EvidenceKind::Roster || c.evidence_kinds.len() == 1)
        .filter_map(|k| ctx.index.first_recorded.get(k))
        .min()
        .map(|t| Date(t.date()));
    // Quarters (or years) of a periodic control due with nothing shown: checks due,
    // none passed, and no failing check resting on any record.
    let periodic =
        matches!(cc.control.cadence, Cadence::Quarterly | Cadence::Annual | Cadence::Continuous);
    let empty_slots: Vec<String> = slots
        .iter()
        .filter(|(_, s)| periodic && s.required > 0 && s.met == 0 && !s.failed_on_record)
        .map(|(due, s)| match cc.control.cadence {
            Cadence::Annual => format!("the year due by {due}"),
            _ => ctx.columns.get(s.col).map_or_else(|| due.to_string(), |c| c.label.clone()),
        })
        .collect();
    let result = ControlResult {
        owner: c.owner.clone(),
        procedure: cc.test.procedure().to_owned(),
        first_recorded,
        proven_by: None,
        control: c.id.clone(),
        title: c.title.clone(),
        area: c.area,
        criteria: c.criteria.clone(),
        test: cc.test,
        status,
        coverage,
        population,
        deviations,
        next_due: next_due.map(Date),
        grid,
        records: records.into_iter().collect(),
    };
    let finding = (deviations > 0).then(|| {
        let summary = if status == ControlStatus::NoEvidence {
            format!("{}: no evidence; {deviations} of {population} items not shown", c.title)
        } else {
            format!("{}: {deviations} of {population} items deviate", c.title)
        };
        RankedException {
            rank: 0,
            priority: c.priority,
            time_to_fix: c.time_to_fix,
            remediation: c.remediation.clone(),
            access_related: is_access_related(c.area, &c.criteria),
            no_evidence: status == ControlStatus::NoEvidence,
            finding: AuditFinding {
                control: c.id.clone(),
                criteria: c.criteria.clone(),
                period: ctx.period,
                severity: c.severity,
                summary,
                population,
                deviations,
                affected,
                status: FindingStatus::Open,
                management_response: None,
                remediation_due: Some(Date(add_days(ctx.as_of, c.time_to_fix.max_days))),
                responses: Vec::new(),
                write_up: None,
            },
        }
    });
    let judged = finding.as_ref().map(|f| {
        OpinionBasis::judge(
            c.id.clone(),
            deviations,
            population,
            cc.thresholds.tolerable_deviation_percent,
            f.no_evidence,
            &empty_slots,
        )
    });
    (result, finding, judged)
}

/// The latest management response for each finding (by control, and by item in lower
/// case, `None` for the finding as a whole), among responses given by `as_of`, however
/// long before the period: a response carries over while its finding persists. The
/// latest is the last observed; on the same instant, the last recorded. Responses naming
/// a control the catalog does not have are reported as warnings.
fn latest_responses<'a>(
    catalog: &Catalog,
    evidence: &[EvidenceItem<'a>],
    as_of: NaiveDate,
    warnings: &mut Vec<String>,
) -> BTreeMap<(ControlId, Option<String>), (Timestamp, u64, &'a ManagementResponse)> {
    let mut latest: BTreeMap<_, (Timestamp, u64, &'a ManagementResponse)> = BTreeMap::new();
    // Record order, so that warnings come in it whatever the order of the slice.
    let mut responses: Vec<(&EvidenceItem<'a>, &'a ManagementResponse)> = evidence
        .iter()
        .filter_map(|e| match &e.evidence.payload {
            Payload::ManagementResponse(r) => Some((e, r)),
            _ => None,
        })
        .collect();
    responses.sort_by_key(|(e, _)| e.seq);
    for (e, r) in responses {
        let at = e.evidence.observed_at;
        if at.date() > as_of {
            continue;
        }
        if catalog.get(r.control.as_str()).is_none() {
            warnings.push(format!(
                "record {}: a management response names control {}, which the catalog does not have",
                e.seq, r.control
            ));
            continue;
        }
        let key = (r.control.clone(), r.item.as_deref().map(str::to_lowercase));
        if latest.get(&key).is_none_or(|(t, seq, _)| (*t, *seq) < (at, e.seq)) {
            latest.insert(key, (at, e.seq, r));
        }
    }
    latest
}

/// Shows the responses that apply to `finding`: to the finding as a whole (which sets its
/// status, response and remediation date) and to each of its affected items. Returns the
/// records shown.
fn apply_responses(
    finding: &mut AuditFinding,
    responses: &BTreeMap<(ControlId, Option<String>), (Timestamp, u64, &ManagementResponse)>,
) -> Vec<u64> {
    let control = finding.control.clone();
    let shown = |item: Option<&str>, key: Option<String>| {
        responses.get(&(control.clone(), key)).map(|(at, seq, r)| FindingResponse {
            item: item.map(str::to_owned),
            status: r.status,
            response: r.response.clone(),
            owner: r.owner.clone(),
            target_date: r.target_date,
            given_on: Date(at.date()),
            record: *seq,
        })
    };
    let mut out: Vec<FindingResponse> = Vec::new();
    if let Some(whole) = shown(None, None) {
        finding.status = whole.status;
        finding.management_response = Some(whole.response.clone());
        if whole.target_date.is_some() {
            finding.remediation_due = whole.target_date;
        }
        out.push(whole);
    }
    for a in &finding.affected {
        if let Some(r) = shown(Some(&a.id), Some(a.id.to_lowercase())) {
            // An item listed twice (under two kinds) is answered once.
            if !out.iter().any(|o| o.record == r.record) {
                out.push(r);
            }
        }
    }
    let records = out.iter().map(|r| r.record).collect();
    finding.responses = out;
    records
}

#[derive(Default)]
struct Slot {
    col: usize,
    required: u64,
    met: u64,
    failed_on_record: bool,
}

#[derive(Default)]
struct ItemState {
    tested: bool,
    failures: Vec<(usize, String)>,
    records: BTreeSet<u64>,
}

/// Evaluates every control of `catalog` against all the evidence in `locker`, naming
/// records by their sequence numbers in the locker.
pub fn evaluate_locker(
    catalog: &Catalog,
    locker: &crate::ledger::Locker,
    period: &AuditPeriod,
    as_of: NaiveDate,
) -> crate::Result<Report> {
    Ok(evaluate_locker_inner(catalog, locker, period, as_of, false)?.report)
}

/// [`evaluate_locker`], keeping every control's whole population
/// ([`evaluate_with_populations`]).
pub fn evaluate_locker_with_populations(
    catalog: &Catalog,
    locker: &crate::ledger::Locker,
    period: &AuditPeriod,
    as_of: NaiveDate,
) -> crate::Result<Evaluation> {
    evaluate_locker_inner(catalog, locker, period, as_of, true)
}

fn evaluate_locker_inner(
    catalog: &Catalog,
    locker: &crate::ledger::Locker,
    period: &AuditPeriod,
    as_of: NaiveDate,
    keep_populations: bool,
) -> crate::Result<Evaluation> {
    let records = locker.all_records()?;
    let (timestamps, problems) = locker_timestamps(locker)?;
    let items: Vec<EvidenceItem<'_>> = records
        .iter()
        .map(|r| {
            let item = EvidenceItem::recorded(r.seq, &r.evidence, r.recorded_at);
            // The earliest token over a checkpoint that includes the record.
            match timestamps.iter().filter(|t| t.checkpoint_size > r.seq).map(|t| t.gen_time).min()
            {
                Some(t) => item.proven_by(t),
                None => item,
            }
        })
        .collect();
    let mut evaluation = evaluate_inner(catalog, &items, period, as_of, keep_populations);
    evaluation.report.recording_time.timestamps = timestamps;
    evaluation.report.warnings.extend(problems);
    Ok(evaluation)
}

/// The RFC 3161 timestamps of the locker's signed checkpoints whose token verifies over
/// its note (signature, imprint) and whose checkpoint is a prefix of the locker; and a
/// warning for each token left out.
fn locker_timestamps(
    locker: &crate::ledger::Locker,
) -> crate::Result<(Vec<crate::report::TimeProof>, Vec<String>)> {
    let mut proofs = Vec::new();
    let mut problems = Vec::new();
    for signed in locker.signed_checkpoints()? {
        let size = signed.checkpoint.size;
        match signed.verify_timestamp(None) {
            None => {}
            Some(Err(e)) => problems.push(format!(
                "the timestamp of signed checkpoint {size} does not verify ({e}): not used"
            )),
            Some(Ok(v)) => match locker.verify_checkpoint(&signed.checkpoint) {
                Err(e) => problems.push(format!(
                    "signed checkpoint {size} does not match the locker ({e}): its timestamp is not used"
                )),
                Ok(()) => proofs.push(crate::report::TimeProof {
                    checkpoint_size: size,
                    gen_time: Timestamp::from(v.gen_time),
                    tsa: v.tsa,
                }),
            },
        }
    }
    proofs.sort_by_key(|p| p.checkpoint_size);
    Ok((proofs, problems))
}
