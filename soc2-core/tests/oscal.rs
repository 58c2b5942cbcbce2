//! OSCAL assessment results and POA&M: deterministic bytes, every reference resolving,
//! and the key facts of small scenarios, written by hand from their evidence.
//!
//! The documents are validated against OSCAL's models by compliance-trestle in
//! `tests/python/test_oscal_trestle.py`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use serde_json::Value;
use soc2_core::catalog::CatalogFile;
use soc2_core::json::from_json_str;
use soc2_core::model::{AuditPeriod, Evidence};
use soc2_core::report::{OscalError, OscalSource};
use soc2_core::{Catalog, EvidenceItem, Report, evaluate};

/// Evaluates a scenario of `tests/scenarios` (its catalog, controls, period and as_of);
/// evidence in reverse order when `reversed`.
fn scenario(name: &str, reversed: bool) -> (Report, Vec<Evidence>) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios").join(name);
    let s: toml::Table =
        toml::from_str(&fs_err::read_to_string(dir.join("scenario.toml")).unwrap()).unwrap();
    let mut catalog = Catalog::builtin();
    if let Some(t) = s.get("catalog").and_then(|c| c.as_table()) {
        let file = CatalogFile::from_toml_str(&toml::to_string(t).unwrap(), name).unwrap();
        catalog = catalog.extend(file, name).unwrap();
    }
    if let Some(ids) = s.get("controls").and_then(|c| c.as_array()) {
        let ids: Vec<&str> = ids.iter().filter_map(|i| i.as_str()).collect();
        catalog.retain(|c| ids.contains(&c.control.id.as_str()));
    }
    let evidence: Vec<Evidence> =
        from_json_str(&fs_err::read_to_string(dir.join("evidence.json")).unwrap()).unwrap();
    let period: AuditPeriod = s["period"].as_str().unwrap().parse().unwrap();
    let as_of = soc2_core::model::time::parse_date(s["as_of"].as_str().unwrap()).unwrap();
    let mut items: Vec<EvidenceItem<'_>> =
        evidence.iter().enumerate().map(|(i, e)| EvidenceItem::new(i as u64, e)).collect();
    if reversed {
        items.reverse();
    }
    let report = evaluate(&catalog, &items, &period, as_of);
    (report, evidence)
}

fn source(origin: &str, evidence: &[Evidence]) -> OscalSource {
    OscalSource::from_evidence(origin, evidence.iter().enumerate().map(|(i, e)| (i as u64, e)))
}

/// Every `uuid` defined in the document, and every reference: `*-uuid` values and
/// `#uuid` hrefs.
fn uuids(v: &Value, defined: &mut Vec<String>, refs: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                match (k.as_str(), x) {
                    ("uuid", Value::String(s)) => defined.push(s.clone()),
                    (k, Value::String(s)) if k.ends_with("-uuid") => refs.push(s.clone()),
                    ("href", Value::String(s)) if s.starts_with('#') => {
                        refs.push(s[1..].to_owned())
                    }
                    _ => uuids(x, defined, refs),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|x| uuids(x, defined, refs)),
        _ => {}
    }
}

/// Checks that every uuid is defined once and every reference resolves.
fn check_references(doc: &Value) {
    let (mut defined, mut refs) = (Vec::new(), Vec::new());
    uuids(doc, &mut defined, &mut refs);
    let set: BTreeSet<&String> = defined.iter().collect();
    assert_eq!(set.len(), defined.len(), "a uuid is defined twice");
    for r in &refs {
        assert!(set.contains(r), "reference {r} resolves to nothing");
    }
    assert!(!refs.is_empty());
}

fn prop<'a>(v: &'a Value, name: &str) -> Vec<&'a str> {
    v["props"]
        .as_array()
        .map(|p| {
            p.iter().filter(|p| p["name"] == name).map(|p| p["value"].as_str().unwrap()).collect()
        })
        .unwrap_or_default()
}

#[test]
fn documents_are_byte_identical_across_runs_and_evidence_order() {
    let (a, evidence) = scenario("one_laptop_isolated_exceptions", false);
    let (b, _) = scenario("one_laptop_isolated_exceptions", true);
    let src = source("example.com/soc2/test", &evidence);
    assert_eq!(a.to_oscal_ar(&src).unwrap(), b.to_oscal_ar(&src).unwrap());
    assert_eq!(a.to_oscal_ar(&src).unwrap(), a.to_oscal_ar(&src).unwrap());
    assert_eq!(a.to_oscal_poam(&src).unwrap(), b.to_oscal_poam(&src).unwrap());
    // Another locker gives other uuids.
    let other = source("example.com/soc2/other", &evidence);
    let x: Value = serde_json::from_str(&a.to_oscal_ar(&src).unwrap()).unwrap();
    let y: Value = serde_json::from_str(&a.to_oscal_ar(&other).unwrap()).unwrap();
    assert_ne!(x["assessment-results"]["uuid"], y["assessment-results"]["uuid"]);
}

#[test]
fn one_laptop_scenario_key_facts() {
    // LT-07 locks after 20 minutes and has automatic updates off in the March device
    // inventory (record #1; its owner is in scope by the roster, record #0); every other
    // laptop is encrypted, locks in time and updates itself.
    let (report, evidence) = scenario("one_laptop_isolated_exceptions", false);
    let src = source("example.com/soc2/test", &evidence);
    let ar: Value = serde_json::from_str(&report.to_oscal_ar(&src).unwrap()).unwrap();
    check_references(&ar);
    let doc = &ar["assessment-results"];
    assert_eq!(doc["metadata"]["oscal-version"], "1.2.1");
    assert_eq!(doc["metadata"]["last-modified"], "2026-03-31T23:59:59Z");
    let result = &doc["results"][0];
    assert_eq!(result["start"], "2026-01-01T00:00:00Z");
    assert_eq!(result["end"], "2026-03-31T23:59:59Z");
    let reviewed: Vec<&str> =
        result["reviewed-controls"]["control-selections"][0]["include-controls"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["control-id"].as_str().unwrap())
            .collect();
    assert_eq!(reviewed, ["DEV-01", "DEV-02", "DEV-03"]);

    let findings: BTreeMap<&str, (&str, &str)> = result["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let t = &f["target"];
            (
                t["target-id"].as_str().unwrap(),
                (t["status"]["state"].as_str().unwrap(), t["status"]["reason"].as_str().unwrap()),
            )
        })
        .collect();
    assert_eq!(
        findings,
        BTreeMap::from([
            ("DEV-01", ("satisfied", "pass")),
            ("DEV-02", ("not-satisfied", "fail")),
            ("DEV-03", ("not-satisfied", "fail")),
        ])
    );
    let dev02 = &result["findings"][1];
    assert_eq!(prop(dev02, "population"), ["10"]);
    assert_eq!(prop(dev02, "deviations"), ["1"]);
    assert_eq!(prop(dev02, "severity"), ["medium"]);
    assert_eq!(prop(dev02, "tsc-criterion"), ["CC6.1"]);
    assert!(dev02["props"][0]["ns"].as_str().unwrap().starts_with("https://"));

    // One observation per affected item: LT-07 under DEV-02 and under DEV-03, one device
    // defined once as an inventory item.
    let obs = result["observations"].as_array().unwrap();
    assert_eq!(obs.len(), 2);
    for o in obs {
        assert_eq!(o["methods"], serde_json::json!(["TEST"]));
        assert_eq!(o["subjects"][0]["type"], "inventory-item");
        assert_eq!(o["subjects"][0]["title"], "LT-07");
        assert_eq!(o["relevant-evidence"].as_array().unwrap().len(), 2);
    }
    assert_eq!(obs[0]["subjects"][0]["subject-uuid"], obs[1]["subjects"][0]["subject-uuid"]);
    let items = result["local-definitions"]["inventory-items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["uuid"], obs[0]["subjects"][0]["subject-uuid"]);

    // Records #0 and #1 in the back matter, after the catalog.
    let resources = doc["back-matter"]["resources"].as_array().unwrap();
    let seqs: Vec<&str> = resources.iter().flat_map(|r| prop(r, "record-seq")).collect();
    assert_eq!(seqs, ["0", "1"]);
    assert_eq!(prop(&resources[1], "evidence-kind"), ["roster"]);
    assert_eq!(prop(&resources[2], "evidence-kind"), ["device_inventory"]);
    assert!(prop(&resources[1], "leaf-hash").is_empty(), "no leaf hash outside a locker");

    // One risk per exception, open, with the recommendation as a remediation.
    let risks = result["risks"].as_array().unwrap();
    assert_eq!(risks.len(), 2);
    for r in risks {
        assert_eq!(r["status"], "open");
        assert_eq!(r["remediations"][0]["lifecycle"], "recommendation");
        assert!(r["deadline"].as_str().unwrap().ends_with("T23:59:59Z"));
    }

    // The POA&M: one item per open exception, tied to the same observations and risks.
    let poam: Value = serde_json::from_str(&report.to_oscal_poam(&src).unwrap()).unwrap();
    check_references(&poam);
    let p = &poam["plan-of-action-and-milestones"];
    let poam_items = p["poam-items"].as_array().unwrap();
    assert_eq!(poam_items.len(), 2);
    assert_eq!(p["observations"], result["observations"]);
    assert_eq!(p["risks"], result["risks"]);
    assert_eq!(poam_items[0]["related-risks"][0]["risk-uuid"], risks[0]["uuid"]);
}

#[test]
fn risk_status_follows_management_responses() {
    // AC-01 (okta's Q2 review missing) is answered as a whole as remediating (record #8)
    // and for its item as remediated (#9); DEV-01's laptop LT-B only for the item
    // (remediating, #7, carried over from 2025), so that finding stays open.
    let (report, evidence) = scenario("management_responses_carried_over", false);
    let src = source("example.com/soc2/test", &evidence);
    let ar: Value = serde_json::from_str(&report.to_oscal_ar(&src).unwrap()).unwrap();
    check_references(&ar);
    let risks = ar["assessment-results"]["results"][0]["risks"].as_array().unwrap();
    let status: BTreeMap<&str, &str> = risks
        .iter()
        .map(|r| (&r["title"].as_str().unwrap()[..6], r["status"].as_str().unwrap()))
        .collect();
    assert_eq!(status, BTreeMap::from([("AC-01:", "remediating"), ("DEV-01", "open")]));
    // The management responses are remediations, after the recommendation: planned while
    // remediating, completed once remediated.
    let lifecycles: Vec<Vec<&str>> = risks
        .iter()
        .map(|r| {
            r["remediations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|m| m["lifecycle"].as_str().unwrap())
                .collect()
        })
        .collect();
    assert_eq!(
        lifecycles,
        [vec!["recommendation", "planned", "completed"], vec!["recommendation", "planned"]]
    );
    // The occurrence is a back-matter resource; the device an inventory item.
    let obs = ar["assessment-results"]["results"][0]["observations"].as_array().unwrap();
    let types: Vec<&str> = obs.iter().map(|o| o["subjects"][0]["type"].as_str().unwrap()).collect();
    assert_eq!(types, ["resource", "inventory-item"]);
}

#[test]
fn nothing_to_plan_without_an_open_exception() {
    let (report, evidence) = scenario("clean_company", false);
    assert!(report.exceptions.is_empty());
    let src = source("example.com/soc2/test", &evidence);
    assert!(matches!(report.to_oscal_poam(&src), Err(OscalError::NothingToPlan { .. })));
    let ar: Value = serde_json::from_str(&report.to_oscal_ar(&src).unwrap()).unwrap();
    let result = &ar["assessment-results"]["results"][0];
    assert!(result.get("observations").is_none());
    assert!(
        result["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["target"]["status"]["state"] == "satisfied")
    );
}
