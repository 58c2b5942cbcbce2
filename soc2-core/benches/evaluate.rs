//! Evaluates 100,000 evidence records against the built-in catalog.
//!
//! The records describe a company of 2,000 people over one year: quarterly rosters,
//! user lists and reviews of ten systems, device inventories, background checks,
//! training, policies, vendors, logging and alerts, and about 91,000 merged changes.
//! A second run has the same records with every change recorded late, a third a million
//! records (the same company, ten times the changes).
//! Run with `cargo bench -p soc2-core --bench evaluate`.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use serde_json::{Value, json};
use soc2_core::model::{AuditPeriod, Evidence, Timestamp};
use soc2_core::{Catalog, EvidenceItem, evaluate};

const PEOPLE: usize = 2_000;
const SYSTEMS: usize = 10;
const TARGET: usize = 100_000;

fn ev(observed: &str, payload: Value) -> Evidence {
    serde_json::from_value(json!({
        "observed_at": observed,
        "collected_at": observed,
        "collector": {"tool": {"name": "bench", "version": "1"}},
        "source": "bench",
        "payload": payload,
    }))
    .expect("bench evidence fits the model")
}

fn person(i: usize) -> String {
    format!("p{i:05}@bench.example")
}

fn date(day_of_year: usize) -> String {
    let d = chrono::NaiveDate::from_yo_opt(2026, (day_of_year % 365 + 1) as u32).expect("day");
    d.format("%Y-%m-%d").to_string()
}

fn company(target: usize) -> Vec<Evidence> {
    let mut out = Vec::with_capacity(target);
    let quarter_days = [80, 170, 262, 353];
    let people: Vec<Value> = (0..PEOPLE)
        .map(|i| {
            let mut p = json!({
                "id": person(i), "name": format!("Person {i}"), "employment_type": "employee",
                "start_date": if i % 10 == 0 { date(i % 300) } else { "2024-03-01".into() },
                "in_scope": i % 7 != 0,
            });
            if i % 13 == 0 {
                p["end_date"] = json!(date(100 + i % 200));
            }
            p
        })
        .collect();
    for q in quarter_days {
        let day = date(q);
        out.push(ev(&format!("{day}T18:00:00Z"), json!({"roster": {"people": people}})));
        for s in 0..SYSTEMS {
            let accounts: Vec<Value> = (0..PEOPLE / 4)
                .map(|k| {
                    let i = (k * 4 + s) % PEOPLE;
                    json!({"account": person(i), "person": person(i), "status": "active"})
                })
                .collect();
            let reviewed: Vec<Value> = accounts
                .iter()
                .map(|a| json!({"account": a["account"], "decision": "keep"}))
                .collect();
            out.push(ev(
                &format!("{day}T09:00:00Z"),
                json!({"user_list": {"system": format!("sys{s}"), "accounts": accounts}}),
            ));
            out.push(ev(&format!("{day}T10:00:00Z"), json!({"access_review": {"system": format!("sys{s}"), "reviewer": "owner", "accounts": reviewed}})));
            out.push(ev(&format!("{day}T11:00:00Z"), json!({"logging_configuration": {"system": format!("sys{s}"), "enabled": true, "destination": "siem"}})));
        }
        let devices: Vec<Value> = (0..PEOPLE)
            .map(|i| json!({"device_id": format!("D{i}"), "owner": person(i), "platform": "macos",
                "disk_encrypted": i % 97 != 0, "screen_lock_minutes": 5, "auto_updates": true, "mdm_enrolled": true}))
            .collect();
        out.push(ev(
            &format!("{day}T07:00:00Z"),
            json!({"device_inventory": {"mdm": "fleet", "devices": devices}}),
        ));
        for class in
            ["failed_logins", "privilege_escalation", "configuration_change", "data_access_anomaly"]
        {
            out.push(ev(&format!("{day}T12:00:00Z"), json!({"alert_rule": {"name": class, "event_class": class, "enabled": true, "notify": ["oncall"]}})));
        }
        for r in 0..20 {
            out.push(ev(&format!("{day}T13:00:00Z"), json!({"branch_protection": {"repository": format!("acme/r{r}"), "branch": "main", "protected": true, "required_approvals": 1, "applies_to_admins": true}})));
        }
    }
    for i in 0..PEOPLE {
        out.push(ev("2024-02-20T12:00:00Z", json!({"background_check": {"person": person(i), "provider": "checkr", "status": "clear"}})));
        out.push(ev(&format!("{}T12:00:00Z", date(30 + i % 300)), json!({"training_completion": {"person": person(i), "course": "SAT", "status": "completed"}})));
    }
    for v in 0..50 {
        out.push(ev(&format!("{}T12:00:00Z", date(40 + v)), json!({"vendor_assessment": {"vendor": format!("v{v}"), "criticality": "high",
            "security_report": {"kind": "soc2_type2", "issued_on": "2025-12-01"}, "contract_security_terms": true, "reviewed_on": date(40 + v)}})));
    }
    for name in [
        "Information Security Policy",
        "Access Control Policy",
        "Change Management Policy",
        "Incident Response Policy",
        "Acceptable Use Policy",
        "Vendor Management Policy",
        "Risk Management Policy",
        "Business Continuity Policy",
        "Data Classification Policy",
        "Encryption Policy",
    ] {
        out.push(ev("2025-12-01T12:00:00Z", json!({"policy_document": {"name": name, "version": "1",
            "content_sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "approver": "ceo", "approved_on": "2025-12-01"}})));
    }
    out.push(ev("2025-06-01T12:00:00Z", json!({"incident_response_plan": {"version": "1", "approver": "ceo", "approved_on": "2025-06-01",
        "severity_levels": ["SEV1"], "roles": ["IC"], "has_procedures": true, "has_communications": true, "has_post_incident_review": true}})));
    out.push(ev(
        "2026-05-05T12:00:00Z",
        json!({"tabletop_exercise": {"scenario": "x", "performed_on": "2026-05-05"}}),
    ));
    out.push(ev("2025-12-05T12:00:00Z", json!({"risk_register": {"reviewed_on": "2025-12-05", "risks": [
        {"id": "R1", "threat": "breach", "likelihood": "low", "impact": "high", "treatment": "mitigate"}]}})));
    let mut n = 0usize;
    while out.len() < target {
        n += 1;
        let author = format!("dev{}", n % 300);
        let reviewer = format!("dev{}", (n + 1) % 300);
        let day = date(n % 360);
        let head = format!("{n:040x}");
        out.push(ev(&format!("{day}T15:00:00Z"), json!({"change_record": {"repository": format!("acme/r{}", n % 20), "number": n,
            "author": author, "merged_at": format!("{day}T15:00:00Z"), "head_commit": head,
            "reviews": [{"reviewer": reviewer, "state": "approved", "commit": head, "submitted_at": format!("{day}T14:00:00Z")}]}})));
    }
    out
}

/// The catalog with the company's systems, repositories and critical vendors declared,
/// so that every population is tested (with none declared, those controls have nothing
/// to test).
fn catalog() -> Catalog {
    let mut catalog = Catalog::builtin();
    catalog.scope.systems = (0..SYSTEMS).map(|s| format!("sys{s}")).collect();
    catalog.scope.repositories = (0..20).map(|r| format!("acme/r{r}")).collect();
    catalog.scope.critical_vendors = (0..50).map(|v| format!("v{v}")).collect();
    catalog
}

fn bench_records(c: &mut Criterion, name: &str, target: usize) {
    let evidence = company(target);
    assert_eq!(evidence.len(), target);
    let items: Vec<EvidenceItem<'_>> =
        evidence.iter().enumerate().map(|(i, e)| EvidenceItem::new(i as u64, e)).collect();
    let catalog = catalog();
    let period: AuditPeriod = "2026-01-01..2026-12-31".parse().expect("period");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).expect("date");
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(10);
    group.bench_function(name, |b| {
        b.iter(|| evaluate(black_box(&catalog), black_box(&items), &period, as_of))
    });
    group.finish();
}

/// The 100,000 records again, with every change record typed in 90 days after its merge
/// (no importer provenance): each is late and set aside, and each deviation names why.
/// Finding the late record's reason scanned every late record once per change until
/// 2026-12-05 (240,000 late changes took 40 s).
fn bench_late(c: &mut Criterion) {
    let evidence = company(TARGET);
    let items: Vec<EvidenceItem<'_>> = evidence
        .iter()
        .enumerate()
        .map(|(i, e)| match &e.payload {
            soc2_core::model::Payload::ChangeRecord(_) => {
                let late = e.observed_at.as_datetime() + chrono::Duration::days(90);
                EvidenceItem::recorded(i as u64, e, Timestamp::from_datetime(late))
            }
            _ => EvidenceItem::new(i as u64, e),
        })
        .collect();
    let late = items.iter().filter(|i| i.recorded_at.is_some()).count();
    assert!(late > 90_000, "{late} late change records");
    let catalog = catalog();
    let period: AuditPeriod = "2026-01-01..2026-12-31".parse().expect("period");
    let as_of = chrono::NaiveDate::from_ymd_opt(2026, 12, 31).expect("date");
    let mut group = c.benchmark_group("evaluate");
    group.sample_size(10);
    group.bench_function("100k_records_changes_late", |b| {
        b.iter(|| evaluate(black_box(&catalog), black_box(&items), &period, as_of))
    });
    group.finish();
}

fn bench(c: &mut Criterion) {
    bench_records(c, "100k_records", TARGET);
    bench_late(c);
    // The same company with ten times the changes: about 990,000 merged pull requests.
    bench_records(c, "1m_records", 1_000_000);
}

criterion_group!(benches, bench);
criterion_main!(benches);
