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
