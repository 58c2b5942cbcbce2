//! Renderings escape evidence-derived text, and Type I periods evaluate on one date.

use soc2_core::json::from_json_str;
use soc2_core::model::{AuditPeriod, Evidence};
use soc2_core::{Catalog, EvidenceItem, evaluate};

fn d(s: &str) -> chrono::NaiveDate {
    soc2_core::model::time::parse_date(s).unwrap()
}

fn hostile_change() -> Evidence {
    from_json_str(
        r#"{
  "collected_at": "2026-02-01T12:00:00Z",
  "collector": {"tool": {"name": "t", "version": "1"}},
  "observed_at": "2026-02-01T12:00:00Z",
  "payload": {"change_record": {
    "author": "<script>alert(1)</script>",
    "merged_at": "2026-02-01T12:00:00Z",
    "number": 5,
    "repository": "acme/<b>api</b>|x",
    "reviews": []
  }},
  "source": "github"
}"#,
    )
    .unwrap()
}

#[test]
fn html_and_markdown_escape_evidence_text() {
    let ev = hostile_change();
    let mut catalog = Catalog::builtin();
    catalog.retain(|c| c.control.id.as_str() == "CHG-01");
    catalog.scope.repositories = vec!["acme/<b>api</b>|x".into()];
    let period: AuditPeriod = "2026-01-01..2026-03-31".parse().unwrap();
    let report = evaluate(&catalog, &[EvidenceItem::new(0, &ev)], &period, d("2026-03-31"));
    assert_eq!(report.exceptions.len(), 1);
    let html = report.to_html();
    assert!(!html.contains("<script>"), "unescaped script in HTML");
    assert!(!html.contains("<b>api"), "unescaped markup in HTML");
    assert!(html.contains("acme/&lt;b&gt;api&lt;/b&gt;|x#5"));
    // Self-contained: no external references.
    assert!(!html.contains("http://") && !html.contains("https://") && !html.contains("<script"));
    let md = report.to_markdown();
    assert!(md.contains(r"acme/\<b\>api\</b\>\|x\#5"), "{md}");
}

#[test]
fn a_type1_report_tests_the_stretch_before_its_date() {
    let evidence = soc2_core::demo::sample_company(2026);
    let items: Vec<EvidenceItem<'_>> =
        evidence.iter().enumerate().map(|(i, e)| EvidenceItem::new(i as u64, e)).collect();
    let period: AuditPeriod = "2026-06-30".parse().unwrap();
    let report = evaluate(&soc2_core::demo::catalog(), &items, &period, d("2026-06-30"));
    assert_eq!(report.columns, ["2026-06-30"]);
    let ids: Vec<&str> = report.exceptions.iter().map(|e| e.finding.control.as_str()).collect();
    // On 30 June: the unencrypted laptop fails, and the person never trained has no
    // training in the twelve months before the date. okta's missing review (Q3) and the
    // March change fall outside the three months before it; postmark's review of last
    // August is within twelve months.
    assert_eq!(ids, ["DEV-01", "TRN-01"]);
}

#[test]
fn monitoring_lists_the_overdue_items_without_an_empty_next_due_table() {
    let evidence = soc2_core::demo::sample_company(2026);
    let items: Vec<EvidenceItem<'_>> =
        evidence.iter().enumerate().map(|(i, e)| EvidenceItem::new(i as u64, e)).collect();
    let period: AuditPeriod = "2026-01-01..2026-12-31".parse().unwrap();
    let report = evaluate(&soc2_core::demo::catalog(), &items, &period, d("2026-12-31"));
    // At the year's end nothing is still to come; the five gaps are overdue: okta's Q3
    // review, one change, one person's training, postmark's review, and the laptop
    // without encryption in each of the four quarters: 8 items.
    assert!(report.monitoring.next_due.is_empty() && report.monitoring.upcoming.is_empty());
    assert_eq!(report.monitoring.overdue.len(), 8);

    let md = report.to_markdown();
    let start = md.find("## Monitoring").unwrap();
    let section = &md[start..start + md[start + 2..].find("\n## ").unwrap()];
    assert!(!section.contains("Next due"), "an empty table: {section}");
    assert!(section.contains("8 overdue item(s), 0 coming due."), "{section}");
    for o in &report.monitoring.overdue {
        assert!(section.contains(&format!("| {} | {} |", o.due, o.control)), "{section}");
    }
    let html = report.to_html();
    let start = html.find("<h2>Monitoring").unwrap();
    let section = &html[start..start + html[start + 4..].find("<h2>").unwrap()];
    assert!(!section.contains("Next due"), "{section}");
    assert_eq!(section.matches("<tr><td>2026-").count(), 8, "{section}");
}

#[test]
fn management_responses_are_shown_next_to_their_finding_in_every_rendering() {
    let mut evidence = soc2_core::demo::sample_company(2026);
    let response = |observed: &str, body: &str| -> Evidence {
        from_json_str(&format!(
            r#"{{"collected_at": "{observed}", "collector": {{"person": {{"id": "ciso@acme.example"}}}},
            "observed_at": "{observed}", "source": "management",
            "payload": {{"management_response": {body}}}}}"#
        ))
        .unwrap()
    };
    // Given during last year's audit, for the laptop that is still unencrypted.
    evidence.push(response(
        "2025-11-20T10:00:00Z",
        r#"{"control": "DEV-01", "item": "LT-0012", "status": "remediating",
            "response": "LT-0012 <re-imaged> | FileVault on", "owner": "it@acme.example",
            "target_date": "2026-01-31"}"#,
    ));
    evidence.push(response(
        "2026-12-02T10:00:00Z",
        r#"{"control": "AC-01", "status": "risk_accepted",
            "response": "okta is read-only for most staff", "owner": "ciso@acme.example"}"#,
    ));
    let items: Vec<EvidenceItem<'_>> =
        evidence.iter().enumerate().map(|(i, e)| EvidenceItem::new(i as u64, e)).collect();
    let (dev, ac) = (items.len() as u64 - 2, items.len() as u64 - 1);
    let period: AuditPeriod = "2026-01-01..2026-12-31".parse().unwrap();
    let report = evaluate(&soc2_core::demo::catalog(), &items, &period, d("2026-12-31"));
    let finding = |id: &str| {
        &report.exceptions.iter().find(|e| e.finding.control.as_str() == id).unwrap().finding
    };
    let ac01 = finding("AC-01");
    assert_eq!(ac01.status, soc2_core::model::FindingStatus::RiskAccepted);
    assert_eq!(ac01.management_response.as_deref(), Some("okta is read-only for most staff"));
    assert_eq!((ac01.responses.len(), ac01.responses[0].record), (1, ac));
    let dev01 = finding("DEV-01");
    assert_eq!(dev01.status, soc2_core::model::FindingStatus::Open);
    assert_eq!(dev01.responses[0].item.as_deref(), Some("LT-0012"));
    assert_eq!(dev01.responses[0].record, dev);
    assert!(report.relied_on.contains(&dev) && report.relied_on.contains(&ac));

    let line = format!(
        "Management response for LT-0012: remediating; owner it@acme.example; target \
         2026-01-31; given 2025-11-20 (record #{dev}): LT-0012 <re-imaged> | FileVault on"
    );
    let text = report.to_text();
    assert!(text.contains(&format!("     {line}\n")), "{text}");
    // Under the finding's items, before its fixes.
    let at = text.find(&line).unwrap();
    assert!(text[..at].rfind("DEV-01 Disk encryption") > text[..at].rfind("Fix 1"), "{text}");
    let md = report.to_markdown();
    assert!(md.contains("- Management response for LT-0012: remediating;"), "{md}");
    assert!(md.contains(r"LT-0012 \<re-imaged\> \| FileVault on"), "{md}");
    assert!(md.contains("- Management response: risk accepted; owner ciso@acme.example; target none; given 2026-12-02"), "{md}");
    let html = report.to_html();
    assert!(
        html.contains("<ul class=\"resp\">\n<li>Management response for LT-0012: remediating;"),
        "{html}"
    );
    assert!(html.contains("LT-0012 &lt;re-imaged&gt; | FileVault on"), "{html}");
    let json: serde_json::Value =
        serde_json::from_slice(&report.to_canonical_vec().unwrap()).unwrap();
    let ac_json = json["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["finding"]["control"] == "AC-01")
        .unwrap();
    assert_eq!(ac_json["finding"]["status"], "risk_accepted");
    assert_eq!(ac_json["finding"]["responses"][0]["given_on"], "2026-12-02");
}
