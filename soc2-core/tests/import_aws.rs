//! AWS configuration importers (CloudTrail trails, CloudWatch alarms): the vendor samples in
//! `../shared/realdata/` (skipped when absent) and the hand-made fixtures in
//! `tests/import/cloudtrail` and `tests/import/cloudwatch`, each compared with hand-written
//! expected evidence, plus hostile inputs.

use serde_json::json;
use soc2_core::import::{self, ImportError};
use soc2_core::model::{Completeness, FetchedAtSource};

mod importing;

use importing::*;

// -- aws-cloudtrail-trails --------------------------------------------------------------

const CT: &str = "aws-cloudtrail-trails";

fn cloudtrail_fixtures() -> Vec<(&'static str, Vec<u8>)> {
    [
        "status.legacy.json",
        "selectors.data-trail.json",
        "status.org-trail.json",
        "describe-trails.json",
        "status.data-trail.json",
        "selectors.org-trail.json",
        "lifecycle.acme-cloudtrail.json",
        "lifecycle.acme-data-events.json",
    ]
    .into_iter()
    .map(|n| (n, fixture(&format!("cloudtrail/{n}"))))
    .collect()
}

#[test]
fn cloudtrail_trails_statuses_and_selectors() {
    let owned = cloudtrail_fixtures();
    let files: Vec<(&str, &[u8])> = owned.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let i = run(CT, &files, None);
    // One record per trail, in describe-trails' order, whatever the order of the files.
    assert_eq!(payloads_array(&i), expected("cloudtrail/expected.json"));
    let p = &i.provenance;
    assert_eq!(p.fetched_at.to_string(), "2026-12-04T10:00:00Z");
    assert_eq!(p.fetched_at_source, FetchedAtSource::Capture);
    assert_eq!(p.completeness, Completeness::Unknown);
    assert!(p.completeness_reason.as_deref().unwrap().contains("--trail-name-list"));
    assert_eq!((p.rows_read, p.rows_kept), (3, 3));
    assert_eq!(p.inputs.len(), 8);
    assert_eq!(
        p.inputs[3].endpoint.as_deref(),
        Some("https://cloudtrail.us-east-1.amazonaws.com/")
    );
    assert_eq!(i.evidence[2].provenance.as_ref().unwrap().part.unwrap().count, 3);
    // What a reader of the files finds, by hand:
    let mut w = warnings(&i);
    w.sort();
    let mut want: Vec<(String, u64)> = [
        // data-trail and legacy: one region, no log file validation.
        ("trail_single_region", 2),
        ("trail_without_log_file_validation", 2),
        // legacy: global services excluded, not logging, default selectors.
        ("global_service_events_excluded", 1),
        ("trail_not_logging", 1),
        ("event_selectors_default", 1),
        // data-trail: S3 delivery failing, last delivery 2025-11-01, no management events;
        // its bucket's only rule moves files to infrequent access, none expires them.
        ("retention_unlimited", 1),
        ("delivery_error", 1),
        ("delivery_stale", 1),
        ("trail_without_management_events", 1),
        // Fractions: org-trail's start (.123) and latest delivery (.441), data-trail's
        // start (.5); data-trail's start and latest delivery are epoch seconds. The times of
        // legacy, not logging, are not read.
        ("sub_second_dropped", 3),
        ("epoch_seconds", 2),
    ]
    .into_iter()
    .map(|(c, n)| (c.to_owned(), n))
    .collect();
    want.sort();
    assert_eq!(w, want);
    let not_logging = i.provenance.warnings.iter().find(|w| w.code == "trail_not_logging").unwrap();
    assert_eq!((not_logging.file.as_str(), not_logging.row), ("describe-trails.json", 3));
    assert_deterministic(CT, &files, None);
}

/// The fixtures with describe-trails' envelope given a captured `request`.
fn with_request(request: Option<serde_json::Value>) -> Vec<(&'static str, Vec<u8>)> {
    let mut owned = cloudtrail_fixtures();
    for (n, b) in &mut owned {
        if *n == "describe-trails.json" {
            let mut v: serde_json::Value = serde_json::from_slice(b).unwrap();
            if let Some(r) = &request {
                v["request"] = r.clone();
            }
            *b = serde_json::to_vec(&v).unwrap();
        }
    }
    owned
}

#[test]
fn cloudtrail_listing_completeness_from_the_captured_request() {
    let target = "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails";
    let headers =
        serde_json::json!({"Host": "cloudtrail.us-east-1.amazonaws.com", "X-Amz-Target": target});
    let import = |body: Option<serde_json::Value>| {
        let mut r = serde_json::json!({ "headers": headers });
        if let Some(b) = body {
            r["body"] = b;
        }
        let owned = with_request(Some(r));
        let files: Vec<(&str, &[u8])> = owned.iter().map(|(n, b)| (*n, b.as_slice())).collect();
        run(CT, &files, None).provenance
    };
    // No trailNameList, shadow trails by default: every trail of the region.
    let p = import(Some(serde_json::json!({})));
    assert_eq!(p.completeness, Completeness::Complete, "{:?}", p.completeness_reason);
    let why = p.completeness_reason.unwrap();
    assert!(why.contains("describe-trails.json") && why.contains("us-east-1"), "{why}");
    // An empty list and includeShadowTrails true are the same; the body as a string too.
    let p =
        import(Some(serde_json::json!(r#"{"trailNameList": [], "includeShadowTrails": true}"#)));
    assert_eq!(p.completeness, Completeness::Complete, "{:?}", p.completeness_reason);
    // Named trails only: filtered.
    let p =
        import(Some(serde_json::json!({"trailNameList": ["org-trail", "data-trail", "legacy"]})));
    assert_eq!(p.completeness, Completeness::Filtered);
    assert!(p.completeness_reason.unwrap().contains("org-trail"));
    // Without shadow trails: the multi-region trails of other regions are left out.
    let p = import(Some(serde_json::json!({"includeShadowTrails": false})));
    assert_eq!(p.completeness, Completeness::Filtered);
    assert!(p.completeness_reason.unwrap().contains("includeShadowTrails false"));
    // The request's headers without its body: not shown.
    let p = import(None);
    assert_eq!(p.completeness, Completeness::Unknown);
    assert!(p.completeness_reason.unwrap().contains("request body is not captured"));
    // A request body that is not JSON, and a trailList answering another operation.
    let owned =
        with_request(Some(serde_json::json!({"headers": headers, "body": "{trailNameList"})));
    let files: Vec<(&str, &[u8])> = owned.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let err = try_run(CT, &files, None).unwrap_err();
    assert!(err.to_string().contains("request.body"), "{err}");
    let other = serde_json::json!({"X-Amz-Target": "CloudTrail_20131101.GetTrailStatus"});
    let owned = with_request(Some(serde_json::json!({"headers": other, "body": {}})));
    let files: Vec<(&str, &[u8])> = owned.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let err = try_run(CT, &files, None).unwrap_err();
    assert!(err.to_string().contains("not DescribeTrails"), "{err}");
    // An unknown key in the envelope's request is refused.
    let owned = with_request(Some(serde_json::json!({"headers": headers, "bodyy": {}})));
    let files: Vec<(&str, &[u8])> = owned.iter().map(|(n, b)| (*n, b.as_slice())).collect();
    let err = try_run(CT, &files, None).unwrap_err();
    assert!(err.to_string().contains("bodyy"), "{err}");
}

#[test]
fn cloudtrail_listing_completeness_from_a_raw_http_exchange() {
    let trail = r#"{"trailList": [{"Name": "main", "S3BucketName": "b", "IsMultiRegionTrail": true, "HomeRegion": "eu-west-1", "TrailARN": "arn:aws:cloudtrail:eu-west-1:111122223333:trail/main", "LogFileValidationEnabled": true, "HasCustomEventSelectors": false}]}"#;
    let exchange = |body: &str| {
        format!(
            "POST / HTTP/1.1\r\nHost: cloudtrail.eu-west-1.amazonaws.com\r\nX-Amz-Target: \
             com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101.DescribeTrails\r\n\
             Content-Type: application/x-amz-json-1.1\r\n\r\n{body}\r\nHTTP/1.1 200 OK\r\n\
             Date: Fri, 04 Dec 2026 10:00:00 GMT\r\nContent-Type: application/x-amz-json-1.1\r\n\
             \r\n{trail}\r\n"
        )
    };
    let status = br#"{"IsLogging": true, "StartLoggingTime": "2026-01-01T00:00:00Z", "LatestDeliveryTime": "2026-12-04T09:55:00Z"}"#;
    let run_with = |body: &str| {
        let ex = exchange(body);
        run(CT, &[("describe-trails.http", ex.as_bytes()), ("status.main.json", status)], None)
    };
    let i = run_with(r#"{"includeShadowTrails": true}"#);
    let p = &i.provenance;
    assert_eq!(p.completeness, Completeness::Complete, "{:?}", p.completeness_reason);
    assert!(p.completeness_reason.as_deref().unwrap().contains("eu-west-1"));
    assert_eq!(
        p.inputs[0].endpoint.as_deref(),
        Some("https://cloudtrail.eu-west-1.amazonaws.com/")
    );
    assert_eq!(p.fetched_at.to_string(), "2026-12-04T10:00:00Z");
    // A request without a body (the CLI sends `{}`; an empty one means no parameter).
    assert_eq!(run_with("").provenance.completeness, Completeness::Complete);
    let p = run_with(r#"{"trailNameList": ["main"]}"#).provenance;
    assert_eq!(p.completeness, Completeness::Filtered);
    // The bare body: unknown.
    let i = run(
        CT,
        &[("describe-trails.json", trail.as_bytes()), ("status.main.json", status)],
        Some("2026-12-04T10:00:00Z"),
    );
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
    assert!(i.provenance.completeness_reason.as_deref().unwrap().contains("bare"));
    // A request with no response after it.
    let cut = "POST / HTTP/1.1\r\nHost: cloudtrail.eu-west-1.amazonaws.com\r\n\r\n{}\r\n";
    let err = try_run(CT, &[("cut.http", cut.as_bytes())], None).unwrap_err();
    assert!(err.to_string().contains("without its response"), "{err}");
}

#[test]
fn cloudtrail_a_trail_without_status_is_refused() {
    let owned = cloudtrail_fixtures();
    let files: Vec<(&str, &[u8])> = owned
        .iter()
        .filter(|(n, _)| *n != "status.legacy.json")
        .map(|(n, b)| (*n, b.as_slice()))
        .collect();
    let err = try_run(CT, &files, None).unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
    assert!(err.to_string().contains("legacy") && !err.to_string().contains("org-trail"), "{err}");
    // Statuses alone are not the population.
    let status = fixture("cloudtrail/status.org-trail.json");
    let err = try_run(CT, &[("status.org-trail.json", &status)], None).unwrap_err();
    assert!(err.to_string().contains("describe-trails"), "{err}");
}

#[test]
fn cloudtrail_awscli_examples() {
    let (Some(trails), Some(status)) = (
        realdata("aws_cloudtrail/awscli_describe-trails_output.json"),
        realdata("aws_cloudtrail/awscli_get-trail-status_output.json"),
    ) else {
        return;
    };
    let t = Some("2016-01-29T00:00:00Z");
    // Two trails, and a status whose file name names neither: which trail's is it?
    let err =
        try_run(CT, &[("describe-trails.json", &trails), ("get-trail-status.json", &status)], t)
            .unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { file, .. } if file == "get-trail-status.json"),
        "{err}"
    );
    assert!(err.to_string().contains("Trail1, Trail2"), "{err}");
    // Named after Trail1, with Trail2's status (not logging) written by hand.
    let stopped = br#"{"IsLogging": false, "StopLoggingTime": 1453900000.0}"#;
    let files: &[(&str, &[u8])] = &[
        ("describe-trails.json", &trails),
        ("status.Trail1.json", &status),
        ("status.Trail2.json", stopped),
    ];
    let i = run(CT, files, t);
    assert_eq!(
        payloads_array(&i),
        json!([
            {
                "system": "aws",
                "destination": "s3://amzn-s3-demo-bucket",
                "enabled": true,
                "integrity_validation": false,
                "all_regions": false,
                "logging_since": "2015-11-06T18:36:38Z",
                "name": "arn:aws:cloudtrail:us-east-1:123456789012:trail/Trail1"
            },
            {
                "system": "aws",
                "destination": "s3://amzn-s3-demo-bucket2/my-prefix",
                "enabled": false,
                "integrity_validation": false,
                "all_regions": false,
                "name": "arn:aws:cloudtrail:us-east-1:123456789012:trail/Trail2"
            }
        ])
    );
    let p = &i.provenance;
    assert_eq!(p.fetched_at_source, FetchedAtSource::Argument);
    assert_eq!((p.rows_read, p.rows_kept), (2, 2));
    // Both single-region, without validation, selectors not given (the example predates
    // HasCustomEventSelectors); Trail2 is not logging; no trail covers every region.
    assert_eq!(warning_count(&i, "trail_single_region"), 2);
    assert_eq!(warning_count(&i, "trail_without_log_file_validation"), 2);
    assert_eq!(warning_count(&i, "event_selectors_unknown"), 2);
    assert_eq!(warning_count(&i, "trail_not_logging"), 1);
    assert_eq!(warning_count(&i, "no_trail_covers_all_regions"), 1);
    // StartLoggingTime 1446834998.695: epoch seconds with a fraction (CLI v1).
    assert_eq!(warning_count(&i, "epoch_seconds"), 2);
    assert_eq!(warning_count(&i, "delivery_stale"), 0);
    assert_deterministic(CT, files, t);
}

#[test]
fn cloudtrail_custodian_recordings() {
    let (Some(trails), Some(status)) = (
        realdata("aws_cloudtrail/custodian_account_trail_cloudtrail.DescribeTrails_1.json"),
        realdata("aws_cloudtrail/custodian_account_trail_cloudtrail.GetTrailStatus_1.json"),
    ) else {
        return;
    };
    let files: &[(&str, &[u8])] = &[
        ("cloudtrail.DescribeTrails_1.json", &trails),
        ("cloudtrail.GetTrailStatus_1.json", &status),
    ];
    let i = run(CT, files, None);
    assert_eq!(
        payloads_array(&i),
        json!([{
            "system": "aws",
            "destination": "s3://custodian-skunk-trails",
            "enabled": true,
            "integrity_validation": true,
            "all_regions": true,
            "logging_since": "2016-07-24T08:57:57Z",
            "name": "arn:aws:cloudtrail:us-east-1:644160558196:trail/skunk-trails"
        }])
    );
    let p = &i.provenance;
    // The later of the two recordings' Date headers.
    assert_eq!(p.fetched_at.to_string(), "2016-08-07T23:11:28Z");
    assert_eq!(p.fetched_at_source, FetchedAtSource::Capture);
    // One trail, one status: they belong together (counted). StartLoggingTime and
    // LatestDeliveryTime are recording artefacts (local-time objects): TimeLoggingStarted
    // gives the start. Without selectors, management events are unknown, so no trail is
    // shown to cover every region.
    assert_eq!(warning_count(&i, "status_by_elimination"), 1);
    assert_eq!(warning_count(&i, "datetime_object_ignored"), 2);
    assert_eq!(warning_count(&i, "time_logging_started_read"), 1);
    assert_eq!(warning_count(&i, "event_selectors_unknown"), 1);
    assert_eq!(warning_count(&i, "no_trail_covers_all_regions"), 1);
    assert_eq!(i.provenance.warnings.len(), 5, "{:?}", warnings(&i));
    assert_deterministic(CT, files, None);
}

#[test]
fn cloudtrail_custodian_data_event_selectors() {
    let Some(selectors) = realdata(
        "aws_cloudtrail/custodian_account_data_events_cloudtrail.GetEventSelectors_2.json",
    ) else {
        return;
    };
    // The recording's trail, described by hand (the sample has no DescribeTrails of it).
    let trails = br#"{"trailList": [{"Name": "S3-DataEvents-test2", "S3BucketName": "c7n-data-events",
        "IsMultiRegionTrail": true, "LogFileValidationEnabled": true, "IncludeGlobalServiceEvents": true,
        "TrailARN": "arn:aws:cloudtrail:us-east-1:644160558196:trail/S3-DataEvents-test2",
        "HasCustomEventSelectors": true}]}"#;
    let status = br#"{"IsLogging": true, "StartLoggingTime": "2017-11-01T10:00:00Z"}"#;
    let files: &[(&str, &[u8])] = &[
        ("describe-trails.json", trails),
        ("status.S3-DataEvents-test2.json", status),
        ("cloudtrail.GetEventSelectors_2.json", &selectors),
    ];
    let i = run(CT, files, None);
    // IncludeManagementEvents false, an S3 object data resource.
    assert_eq!(
        payloads_array(&i),
        json!([{
            "system": "aws",
            "destination": "s3://c7n-data-events",
            "enabled": true,
            "integrity_validation": true,
            "all_regions": true,
            "management_events": false,
            "logging_since": "2017-11-01T10:00:00Z",
            "name": "arn:aws:cloudtrail:us-east-1:644160558196:trail/S3-DataEvents-test2",
            "data_events": true
        }])
    );
    assert_eq!(i.provenance.fetched_at.to_string(), "2017-11-02T04:45:01Z");
    assert_eq!(warning_count(&i, "trail_without_management_events"), 1);
    assert_eq!(warning_count(&i, "no_trail_covers_all_regions"), 1);
    // Selectors alone: no population.
    let err = try_run(CT, &[("s.json", &selectors)], None).unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
    // Selectors of a trail that describe-trails does not list.
    let other = br#"{"trailList": [{"Name": "other", "TrailARN": "arn:aws:cloudtrail:us-east-1:644160558196:trail/other", "S3BucketName": "b", "IsMultiRegionTrail": true, "LogFileValidationEnabled": true}]}"#;
    let err = try_run(
        CT,
        &[("t.json", other), ("status.other.json", status), ("s.json", &selectors)],
        None,
    )
    .unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { file, field: Some(f), .. } if file == "s.json" && f == "TrailARN"),
        "{err}"
    );
}

#[test]
fn cloudtrail_events_and_other_files_are_the_wrong_source() {
    let t = Some("2026-12-04T10:00:00Z");
    for rel in [
        "aws_cloudtrail/awscli_lookup-events_output.json",
        "aws_cloudtrail/custodian_cwe_event-cloud-trail-s3.json",
        "aws_cloudtrail/awsdocs_examples/signin_01_iam_user_successful_sign_in_without_mfa.json",
        "aws_cloudwatch/awscli_describe-alarms_output.json",
        "aws_cloudwatch/custodian_log_metric_filter_alarm_logs.DescribeMetricFilters_1.json",
        "aws_iam_credential_report/cloudmapper_demo_iam-get-credential-report.json",
    ] {
        let Some(bytes) = realdata(rel) else { return };
        let err = try_run(CT, &[("f.json", &bytes)], t).unwrap_err();
        assert!(matches!(err, ImportError::WrongSource { .. }), "{rel}: {err}");
    }
    let err = try_run(CT, &[("l.json", br#"{"Trails": [{"Name": "a"}]}"#)], t).unwrap_err();
    assert!(err.to_string().contains("list-trails"), "{err}");
    let err = try_run(CT, &[("c.csv", b"user,arn\n")], t).unwrap_err();
    assert!(matches!(err, ImportError::WrongSource { .. }), "{err}");
}

#[test]
fn cloudtrail_hostile_inputs() {
    let t = Some("2026-12-04T10:00:00Z");
    let trails = fixture("cloudtrail/describe-trails.json");
    // Truncated.
    let err = try_run(CT, &[("d.json", &trails[..200])], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { file, .. } if file == "d.json")
            && err.to_string().contains("truncated"),
        "{err}"
    );
    // No trail at all: logging is off, recorded as such.
    let i = run(CT, &[("d.json", br#"{"trailList": []}"#)], t);
    assert_eq!(payloads_array(&i), json!([{"system": "aws", "enabled": false}]));
    assert_eq!(warning_count(&i, "no_trail"), 1);
    assert_eq!(i.provenance.rows_read, 0);
    // A boolean that is not one.
    let one = br#"{"trailList": [{"Name": "a", "TrailARN": "arn:a", "S3BucketName": "b", "IsMultiRegionTrail": true}]}"#;
    let err = try_run(CT, &[("d.json", one), ("status.a.json", br#"{"IsLogging": "maybe"}"#)], t)
        .unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { file, field: Some(f), .. } if file == "status.a.json" && f == "IsLogging"),
        "{err}"
    );
    // Two statuses for one trail.
    let s = br#"{"IsLogging": true}"#;
    let err =
        try_run(CT, &[("d.json", one), ("status.a.json", s), ("a-again.json", s)], t).unwrap_err();
    assert!(err.to_string().contains("second get-trail-status"), "{err}");
    // A trail name inside a longer word does not name it; the longest name wins.
    let two = br#"{"trailList": [
        {"Name": "main", "TrailARN": "arn:main", "S3BucketName": "b"},
        {"Name": "main-eu", "TrailARN": "arn:main-eu", "S3BucketName": "b"}]}"#;
    let on = br#"{"IsLogging": true}"#;
    let off = br#"{"IsLogging": false}"#;
    let i = run(CT, &[("d.json", two), ("status.main-eu.json", off), ("status_main.json", on)], t);
    let p = payloads_array(&i);
    assert_eq!((p[0]["enabled"].clone(), p[1]["enabled"].clone()), (json!(true), json!(false)));
    let err = try_run(
        CT,
        &[("d.json", two), ("status.mainly.json", on), ("status.main-eu.json", off)],
        t,
    )
    .unwrap_err();
    assert!(err.to_string().contains("status.mainly.json"), "{err}");
    // A multi-region trail listed by two regions' describe-trails is one trail.
    let i = run(CT, &[("us.json", one), ("eu.json", one), ("status.a.json", s)], t);
    assert_eq!(i.evidence.len(), 1);
    assert_eq!((i.provenance.rows_read, i.provenance.rows_kept), (2, 1));
    assert_eq!(i.provenance.skipped.len(), 1);
    assert_eq!(i.provenance.skipped[0].file, "eu.json");
    // Read-only management events do not log configuration changes.
    let sel = br#"{"TrailARN": "arn:a", "EventSelectors": [{"ReadWriteType": "ReadOnly", "IncludeManagementEvents": true, "DataResources": []}]}"#;
    let i = run(CT, &[("d.json", one), ("status.a.json", s), ("sel.json", sel)], t);
    assert_eq!(payloads_array(&i)[0]["management_events"], json!(false));
    assert_eq!(warning_count(&i, "management_events_read_only"), 1);
    // Write-only advanced selectors: management events, counted as partial.
    let adv = br#"{"TrailARN": "arn:a", "AdvancedEventSelectors": [{"FieldSelectors": [
        {"Field": "eventCategory", "Equals": ["Management"]}, {"Field": "readOnly", "Equals": ["false"]}]}]}"#;
    let i = run(CT, &[("d.json", one), ("status.a.json", s), ("sel.json", adv)], t);
    assert_eq!(payloads_array(&i)[0]["management_events"], json!(true));
    assert_eq!(payloads_array(&i)[0]["data_events"], json!(false));
    assert_eq!(warning_count(&i, "management_events_partial"), 1);
    // Lifecycle rules: the shortest expiration covering the trail's files; a file that
    // names no bucket, with two buckets, is refused.
    let lc = br#"{"Rules": [
        {"ID": "a", "Status": "Enabled", "Prefix": "AWSLogs/", "Expiration": {"Days": 400}},
        {"ID": "b", "Status": "Enabled", "Filter": {"Prefix": "AWSLogs/111/CloudTrail/"}, "Expiration": {"Days": 365}},
        {"ID": "c", "Status": "Enabled", "Filter": {"Prefix": "AWSLogs/111/CloudTrail/eu-west-1/"}, "Expiration": {"Days": 1}},
        {"ID": "d", "Status": "Enabled", "Filter": {"ObjectSizeGreaterThan": 1}, "Expiration": {"Days": 2}}]}"#;
    let acct = br#"{"trailList": [{"Name": "a", "TrailARN": "arn:aws:cloudtrail:us-east-1:111:trail/a", "S3BucketName": "logs-111"}]}"#;
    let i = run(CT, &[("d.json", acct), ("status.a.json", s), ("lifecycle.json", lc)], t);
    assert_eq!(payloads_array(&i)[0]["retention_days"], json!(365));
    assert_eq!(warning_count(&i, "lifecycle_by_elimination"), 1);
    let err = try_run(
        CT,
        &[
            ("d.json", two),
            ("status.main.json", on),
            ("status.main-eu.json", off),
            ("lifecycle.json", lc),
        ],
        t,
    );
    // Both trails write to bucket `b`: one bucket, so the file is its.
    assert!(err.is_ok(), "{err:?}");
    let twob = br#"{"trailList": [
        {"Name": "main", "TrailARN": "arn:main", "S3BucketName": "b1"},
        {"Name": "main-eu", "TrailARN": "arn:main-eu", "S3BucketName": "b2"}]}"#;
    let err = try_run(
        CT,
        &[
            ("d.json", twob),
            ("status.main.json", on),
            ("status.main-eu.json", off),
            ("lifecycle.json", lc),
        ],
        t,
    )
    .unwrap_err();
    assert!(err.to_string().contains("b1, b2"), "{err}");
    let i = run(
        CT,
        &[
            ("d.json", twob),
            ("status.main.json", on),
            ("status.main-eu.json", off),
            ("lifecycle.b2.json", lc),
        ],
        t,
    );
    assert_eq!(payloads_array(&i)[1]["retention_days"], json!(400));
    assert_eq!(payloads_array(&i)[0].get("retention_days"), None);
    // A status that names its trail (added by a tool) is matched by that name.
    let i = run(
        CT,
        &[
            ("d.json", two),
            ("s1.json", br#"{"Name": "main-eu", "IsLogging": false}"#),
            ("s2.json", br#"{"TrailARN": "arn:main", "IsLogging": true}"#),
        ],
        t,
    );
    let p = payloads_array(&i);
    assert_eq!((p[0]["enabled"].clone(), p[1]["enabled"].clone()), (json!(true), json!(false)));
    let err =
        try_run(CT, &[("d.json", two), ("s.json", br#"{"Name": "gone", "IsLogging": true}"#)], t)
            .unwrap_err();
    assert!(err.to_string().contains("gone"), "{err}");
    // get-trail: one named trail, a filtered population.
    let get = br#"{"Trail": {"Name": "a", "TrailARN": "arn:a", "S3BucketName": "b", "IsMultiRegionTrail": true}}"#;
    let i = run(CT, &[("get-trail.json", get), ("status.a.json", s)], t);
    assert_eq!(i.provenance.completeness, Completeness::Filtered);
}

// -- aws-cloudwatch-alarms --------------------------------------------------------------

const CW: &str = "aws-cloudwatch-alarms";

#[test]
fn cloudwatch_alarm_pages_and_metric_filters() {
    let (a1, a2, f) = (
        fixture("cloudwatch/alarms-1.json"),
        fixture("cloudwatch/alarms-2.json"),
        fixture("cloudwatch/filters.json"),
    );
    let files: &[(&str, &[u8])] =
        &[("alarms-1.json", &a1), ("alarms-2.json", &a2), ("filters.json", &f)];
    let t = Some("2026-12-04T10:00:00Z");
    // The CLI's output carries no time.
    assert_eq!(try_run(CW, files, None).unwrap_err(), ImportError::NoFetchTime);
    let i = run(CW, files, t);
    assert_eq!(payloads_array(&i), expected("cloudwatch/expected.json"));
    let p = &i.provenance;
    assert_eq!(p.completeness, Completeness::Unknown);
    assert!(p.completeness_reason.as_deref().unwrap().contains("--state-value"), "{p:?}");
    assert_eq!((p.rows_read, p.rows_kept), (7, 7));
    let mut w = warnings(&i);
    w.sort();
    let mut want: Vec<(String, u64)> = [
        // cis-unauthorized-api-calls is firing.
        ("alarm_firing", 1),
        // cis-iam-policy-changes and root-usage.
        ("alarm_insufficient_data", 2),
        // cis-cloudtrail-changes.
        ("alarm_actions_disabled", 1),
        // cis-iam-policy-changes (its composite notifies instead).
        ("alarm_without_actions", 1),
        // root-usage watches CISBenchmark/RootAccountUsage, which no filter publishes.
        ("alarm_metric_without_filter", 1),
        // NoMFAConsoleSignin feeds no alarm.
        ("filter_without_alarm", 1),
    ]
    .into_iter()
    .map(|(c, n)| (c.to_owned(), n))
    .collect();
    want.sort();
    assert_eq!(w, want);
    let orphan = i.provenance.warnings.iter().find(|w| w.code == "filter_without_alarm").unwrap();
    assert_eq!((orphan.file.as_str(), orphan.row), ("filters.json", 4));
    assert_deterministic(CW, files, t);
    // Without the filters, alarms on log metrics are shown by their metric, class other.
    let i = run(CW, &[("alarms-1.json", &a1), ("alarms-2.json", &a2)], t);
    let p = payloads_array(&i);
    assert_eq!(
        p[0]["condition"],
        json!("CISBenchmark ConsoleAuthFailures Sum GreaterThanOrEqualToThreshold 3.0")
    );
    assert_eq!(p[0]["event_class"], json!("other"));
    assert_eq!(warning_count(&i, "alarm_metric_without_filter"), 0);
}

#[test]
fn cloudwatch_next_token_in_the_last_page_is_an_incomplete_population() {
    let t = Some("2026-12-04T10:00:00Z");
    let a1 = fixture("cloudwatch/alarms-1.json");
    // Page 1 only: it names a next page that is not given.
    let err = try_run(CW, &[("alarms-1.json", &a1)], t).unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
    assert!(err.to_string().contains("alarms-1.json") && err.to_string().contains("NextToken"));
    // Two last pages: two listings.
    let a2 = fixture("cloudwatch/alarms-2.json");
    let err = try_run(CW, &[("a.json", &a2), ("b.json", &a2)], t).unwrap_err();
    assert!(err.to_string().contains("2 describe-alarms pages have no NextToken"), "{err}");
    // The same page twice.
    let err = try_run(CW, &[("a.json", &a1), ("b.json", &a1), ("c.json", &a2)], t).unwrap_err();
    assert!(err.to_string().contains("given twice"), "{err}");
    // Metric filters cut short too.
    let f = br#"{"metricFilters": [], "nextToken": "abc"}"#;
    let err = try_run(CW, &[("a.json", &a2), ("f.json", f)], t).unwrap_err();
    assert!(err.to_string().contains("describe-metric-filters"), "{err}");
    // Metric filters alone are not the population.
    let err = try_run(CW, &[("f.json", br#"{"metricFilters": []}"#)], t).unwrap_err();
    assert!(err.to_string().contains("describe-alarms"), "{err}");
}

fn query_capture(url: &str, body: &str) -> Vec<u8> {
    format!(
        r#"{{"method": "GET", "url": "{url}", "status": 200, "headers": {{"Date": "Fri, 04 Dec 2026 10:00:00 GMT"}}, "body": {body}}}"#
    )
    .into_bytes()
}

#[test]
fn cloudwatch_captured_query_requests_show_pages_and_filters() {
    let base = "https://monitoring.us-east-1.amazonaws.com/?Action=DescribeAlarms&Version=2010-08-01&AlarmTypes.member.1=MetricAlarm&AlarmTypes.member.2=CompositeAlarm";
    let alarm = |n: &str| {
        format!(
            r#"{{"AlarmName": "{n}", "ActionsEnabled": true, "AlarmActions": ["arn:aws:sns:us-east-1:1:t"], "StateValue": "OK", "Namespace": "AWS/EC2", "MetricName": "CPUUtilization", "Statistic": "Average", "ComparisonOperator": "GreaterThanThreshold", "Threshold": 90}}"#
        )
    };
    let p1 = query_capture(
        base,
        &format!(
            r#"{{"MetricAlarms": [{}], "CompositeAlarms": [], "NextToken": "t2"}}"#,
            alarm("a")
        ),
    );
    let p2 = query_capture(
        &format!("{base}&NextToken=t2"),
        &format!(r#"{{"MetricAlarms": [{}], "CompositeAlarms": []}}"#, alarm("b")),
    );
    let i = run(CW, &[("p1.json", &p1), ("p2.json", &p2)], None);
    let p = &i.provenance;
    assert_eq!(p.completeness, Completeness::Complete, "{p:?}");
    assert_eq!(p.fetched_at.to_string(), "2026-12-04T10:00:00Z");
    assert_eq!(
        payloads_array(&i)[1]["condition"],
        json!("AWS/EC2 CPUUtilization Average GreaterThanThreshold 90")
    );
    // A page after p1 that is not p2.
    let p3 = query_capture(
        &format!("{base}&NextToken=t3"),
        &format!(r#"{{"MetricAlarms": [{}]}}"#, alarm("c")),
    );
    let err = try_run(CW, &[("p1.json", &p1), ("p3.json", &p3)], None).unwrap_err();
    assert!(err.to_string().contains("p1.json") && err.to_string().contains("t2"), "{err}");
    // A state filter, and metric alarms only.
    let f = query_capture(
        "https://monitoring.us-east-1.amazonaws.com/?Action=DescribeAlarms&StateValue=ALARM",
        r#"{"MetricAlarms": []}"#,
    );
    let err = try_run(CW, &[("f.json", &f)], None).map(|i| i.evidence.len());
    assert_eq!(err.unwrap(), 0);
    let i = run(CW, &[("f.json", &f)], None);
    assert_eq!(i.provenance.completeness, Completeness::Filtered);
    assert!(i.provenance.completeness_reason.as_deref().unwrap().contains("StateValue=ALARM"));
    assert_eq!(warning_count(&i, "no_alarm"), 1);
}

#[test]
fn cloudwatch_awscli_example() {
    let Some(bytes) = realdata("aws_cloudwatch/awscli_describe-alarms_output.json") else { return };
    let t = Some("2014-04-10T00:00:00Z");
    let i = run(CW, &[("describe-alarms.json", &bytes)], t);
    assert_eq!(
        payloads_array(&i),
        json!([{
            "name": "myalarm",
            "system": "aws",
            "event_class": "other",
            "enabled": true,
            "notify": ["arn:aws:sns:us-east-1:123456789012:myHighCpuAlarm"],
            "condition": "AWS/EC2 CPUUtilization Average GreaterThanThreshold 70.0",
            "state": "ok"
        }])
    );
    assert_eq!(i.provenance.completeness, Completeness::Unknown);
    assert!(i.provenance.warnings.is_empty(), "{:?}", warnings(&i));
    assert_deterministic(CW, &[("describe-alarms.json", &bytes)], t);
}

#[test]
fn cloudwatch_custodian_recordings() {
    let (Some(alarms), Some(filters), Some(composite), Some(deleted)) = (
        realdata(
            "aws_cloudwatch/custodian_log_metric_filter_alarm_monitoring.DescribeAlarms_1.json",
        ),
        realdata(
            "aws_cloudwatch/custodian_log_metric_filter_alarm_logs.DescribeMetricFilters_1.json",
        ),
        realdata("aws_cloudwatch/custodian_composite_alarm_monitoring.DescribeAlarms_1.json"),
        realdata("aws_cloudwatch/custodian_alarm_delete_monitoring.DescribeAlarms_1.json"),
    ) else {
        return;
    };
    let t = Some("2021-05-19T04:00:00Z");
    // TestAlarm watches TestNamespace/TestCount, which two filters named EventCount (in two
    // log groups) publish with the same blank pattern (every log event); EventCount2
    // publishes TestCount2, which nothing watches.
    let files: &[(&str, &[u8])] = &[("alarms.json", &alarms), ("filters.json", &filters)];
    let i = run(CW, files, t);
    assert_eq!(
        payloads_array(&i),
        json!([{
            "name": "TestAlarm",
            "system": "aws",
            "event_class": "other",
            "enabled": true,
            "notify": [],
            "condition": " ",
            "state": "insufficient_data"
        }])
    );
    assert_eq!(warning_count(&i, "alarm_without_actions"), 1);
    assert_eq!(warning_count(&i, "alarm_insufficient_data"), 1);
    let orphan = i.provenance.warnings.iter().find(|w| w.code == "filter_without_alarm").unwrap();
    assert_eq!((orphan.count, orphan.row), (1, 1));
    assert_deterministic(CW, files, t);

    // A composite alarm whose child is not among the inputs: class other.
    let i = run(CW, &[("composite.json", &composite)], Some("2022-11-01T00:00:00Z"));
    assert_eq!(
        payloads_array(&i),
        json!([{
            "name": "c7n-composite-alarm",
            "system": "aws",
            "event_class": "other",
            "enabled": true,
            "notify": ["arn:aws:sns:us-east-1:644160558196:c7n-pratyush"],
            "condition": "ALARM(\"c7n-test-alarm-tags-filter\")",
            "state": "ok"
        }])
    );

    // A recording with a Date header dates the import.
    let i = run(CW, &[("deleted.json", &deleted)], None);
    assert_eq!(i.provenance.fetched_at.to_string(), "2017-02-19T18:36:51Z");
    assert_eq!(i.provenance.fetched_at_source, FetchedAtSource::Capture);
    assert_eq!(
        payloads_array(&i),
        json!([{
            "name": "c7n-test-alarm-delete",
            "system": "aws",
            "event_class": "other",
            "enabled": true,
            "notify": [],
            "condition": "AWS/EC2 CPUUtilization Average GreaterThanThreshold 10.0",
            "state": "insufficient_data"
        }])
    );
}

#[test]
fn cloudwatch_custodian_no_mfa_filter_with_a_hand_written_alarm() {
    let Some(filters) = realdata(
        "aws_cloudwatch/custodian_cloudtrail_success_log_metric_filter_logs.DescribeMetricFilters_1.json",
    ) else {
        return;
    };
    let t = Some("2022-11-23T00:00:00Z");
    let err = try_run(CW, &[("filters.json", &filters)], t).unwrap_err();
    assert!(matches!(err, ImportError::MissingPages { .. }), "{err}");
    let alarms = br#"{"MetricAlarms": [{"AlarmName": "no-mfa-console-signin", "ActionsEnabled": "TRUE",
        "AlarmActions": ["arn:aws:sns:us-east-1:1:security"], "StateValue": "OK",
        "Namespace": "ImportantMetrics", "MetricName": "no_mfa_console_signin_metric_1",
        "Statistic": "Sum", "ComparisonOperator": "GreaterThanOrEqualToThreshold", "Threshold": 1.0}]}"#;
    let i = run(CW, &[("alarms.json", alarms), ("filters.json", &filters)], t);
    // Sign-ins without MFA are none of the four classes.
    assert_eq!(
        payloads_array(&i),
        json!([{
            "name": "no-mfa-console-signin",
            "system": "aws",
            "event_class": "other",
            "enabled": true,
            "notify": ["arn:aws:sns:us-east-1:1:security"],
            "condition": "{ ($.eventName = ConsoleLogin) && ($.additionalEventData.MFAUsed != Yes) }",
            "state": "ok"
        }])
    );
    assert_eq!(warning_count(&i, "boolean_as_string"), 1);
    assert_eq!(warning_count(&i, "boolean_spelling"), 1);
    assert_eq!(warning_count(&i, "filter_without_alarm"), 0);
}

#[test]
fn cloudwatch_other_files_are_the_wrong_source() {
    let t = Some("2026-12-04T10:00:00Z");
    for rel in [
        "aws_cloudwatch/lambda-go_cloudwatch-alarm-sns-payload-single-metric.json",
        "aws_cloudwatch/lambda-go_cloudwatch-alarm-sns-payload-multiple-metrics.json",
        "aws_cloudtrail/awscli_describe-trails_output.json",
        "aws_cloudtrail/awscli_get-trail-status_output.json",
        "aws_cloudtrail/awscli_lookup-events_output.json",
        "aws_iam_credential_report/cloudmapper_demo_iam-get-credential-report.json",
    ] {
        let Some(bytes) = realdata(rel) else { return };
        let err = try_run(CW, &[("f.json", &bytes)], t).unwrap_err();
        assert!(matches!(err, ImportError::WrongSource { .. }), "{rel}: {err}");
    }
    // Each AWS fixture, given to the other AWS source.
    for rel in ["cloudwatch/alarms-2.json", "cloudwatch/filters.json"] {
        let err = try_run(CT, &[("f.json", &fixture(rel))], t).unwrap_err();
        assert!(matches!(err, ImportError::WrongSource { .. }), "{rel}: {err}");
    }
    for rel in [
        "cloudtrail/describe-trails.json",
        "cloudtrail/status.org-trail.json",
        "cloudtrail/selectors.org-trail.json",
        "cloudtrail/lifecycle.acme-cloudtrail.json",
    ] {
        let err = try_run(CW, &[("f.json", &fixture(rel))], t).unwrap_err();
        assert!(matches!(err, ImportError::WrongSource { .. }), "{rel}: {err}");
        let err = try_run("aws-credential-report", &[("f.json", &fixture(rel))], t).unwrap_err();
        assert!(matches!(err, ImportError::WrongSource { .. }), "{rel}: {err}");
    }
}

#[test]
fn cloudwatch_hostile_inputs() {
    let t = Some("2026-12-04T10:00:00Z");
    let a2 = fixture("cloudwatch/alarms-2.json");
    let err = try_run(CW, &[("a.json", &a2[..300])], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { file, .. } if file == "a.json")
            && err.to_string().contains("truncated"),
        "{err}"
    );
    let bad = br#"{"MetricAlarms": [{"AlarmName": "x", "ActionsEnabled": true, "StateValue": "BROKEN"}]}"#;
    let err = try_run(CW, &[("a.json", bad)], t).unwrap_err();
    assert!(
        matches!(&err, ImportError::Malformed { row: 1, field: Some(f), .. } if f == "StateValue"),
        "{err}"
    );
    let nameless = br#"{"MetricAlarms": [{"ActionsEnabled": true}]}"#;
    let err = try_run(CW, &[("a.json", nameless)], t).unwrap_err();
    assert!(err.to_string().contains("without a name"), "{err}");
    let not_list = br#"{"MetricAlarms": {"AlarmName": "x"}}"#;
    let err = try_run(CW, &[("a.json", not_list)], t).unwrap_err();
    assert!(matches!(err, ImportError::Malformed { .. }), "{err}");
    // No ActionsEnabled: read as not enabled, counted.
    let absent = br#"{"MetricAlarms": [{"AlarmName": "x", "AlarmActions": ["arn:t"]}]}"#;
    let i = run(CW, &[("a.json", absent)], t);
    assert_eq!(payloads_array(&i)[0]["enabled"], json!(false));
    assert_eq!(warning_count(&i, "actions_enabled_absent"), 1);
    // Stopping an instance or scaling tells nobody.
    let acting = br#"{"MetricAlarms": [
        {"AlarmName": "x", "ActionsEnabled": true, "AlarmActions": ["arn:aws:automate:us-east-1:ec2:stop", "arn:aws:sns:us-east-1:1:t"]},
        {"AlarmName": "y", "ActionsEnabled": true, "AlarmActions": ["arn:aws:autoscaling:us-east-1:1:scalingPolicy:p"]}]}"#;
    let i = run(CW, &[("a.json", acting)], t);
    let p = payloads_array(&i);
    assert_eq!(
        (p[0]["notify"].clone(), p[1]["notify"].clone()),
        (json!(["arn:aws:sns:us-east-1:1:t"]), json!([]))
    );
    assert_eq!(warning_count(&i, "action_notifies_nobody"), 2);
    assert_eq!(warning_count(&i, "alarm_without_actions"), 0);
    // The same alarm twice (by ARN) in one listing: kept once.
    let twice = br#"{"MetricAlarms": [{"AlarmName": "x", "AlarmArn": "arn:x", "ActionsEnabled": true}, {"AlarmName": "x", "AlarmArn": "arn:x", "ActionsEnabled": true}]}"#;
    let i = run(CW, &[("a.json", twice)], t);
    assert_eq!(i.evidence.len(), 1);
    assert_eq!(i.provenance.skipped.len(), 1);
    assert_eq!(i.provenance.skipped[0].row, 2);
}

#[test]
fn aws_fixtures_given_to_the_other_sources_are_refused() {
    let t = Some("2026-12-04T10:00:00Z");
    let others: Vec<&str> = import::sources()
        .iter()
        .map(|s| s.name)
        .filter(|n| ![CT, CW].contains(n) && !n.ends_with("-csv"))
        .collect();
    for rel in [
        "cloudtrail/describe-trails.json",
        "cloudtrail/status.org-trail.json",
        "cloudtrail/selectors.data-trail.json",
        "cloudtrail/lifecycle.acme-cloudtrail.json",
        "cloudwatch/alarms-2.json",
        "cloudwatch/filters.json",
    ] {
        let bytes = fixture(rel);
        for source in &others {
            match try_run(source, &[("f.json", &bytes)], t) {
                Err(ImportError::WrongSource { .. }) => {}
                other => panic!("{rel} as {source}: {other:?}"),
            }
        }
    }
}

#[test]
fn cloudwatch_log_alarms_and_metric_math_alarms() {
    let t = Some("2026-12-04T10:00:00Z");
    let alarms = br#"{"MetricAlarms": [{"AlarmName": "math", "ActionsEnabled": true, "AlarmActions": ["arn:aws:sns:us-east-1:1:t"],
        "StateValue": "OK", "ComparisonOperator": "GreaterThanThreshold", "Threshold": 0.0,
        "Metrics": [{"Id": "m1", "MetricStat": {"Metric": {"Namespace": "CISBenchmark", "MetricName": "ConsoleAuthFailures"}, "Period": 300, "Stat": "Sum"}, "ReturnData": false},
                    {"Id": "e1", "Expression": "m1 * 2", "ReturnData": true}]}],
        "CompositeAlarms": [],
        "LogAlarms": [{"AlarmName": "trail-stopped", "ActionsEnabled": true, "AlarmActions": ["arn:aws:sns:us-east-1:1:t"], "StateValue": "OK",
            "ScheduledQueryConfiguration": {"QueryString": "fields @timestamp | filter eventName in [\"StopLogging\", \"DeleteTrail\"]", "LogGroupIdentifiers": ["aws-cloudtrail-logs"]}}]}"#;
    let filters = fixture("cloudwatch/filters.json");
    let i = run(CW, &[("alarms.json", alarms), ("filters.json", &filters)], t);
    let p = payloads_array(&i);
    // The metric-math alarm reads the ConsoleAuthFailures metric: that filter's pattern.
    assert_eq!(p[0]["event_class"], json!("failed_logins"));
    assert_eq!(
        p[0]["condition"],
        json!("{ ($.eventName = ConsoleLogin) && ($.errorMessage = \"Failed authentication\") }")
    );
    // A log alarm: its query, classified by the event names in it.
    assert_eq!(p[1]["name"], json!("trail-stopped"));
    assert_eq!(p[1]["event_class"], json!("configuration_change"));
    assert_eq!(
        p[1]["condition"],
        json!("fields @timestamp | filter eventName in [\"StopLogging\", \"DeleteTrail\"]")
    );
    assert_eq!((i.provenance.rows_read, i.provenance.rows_kept), (2, 2));
    // Four filters feed no alarm here.
    assert_eq!(warning_count(&i, "filter_without_alarm"), 4);
    // Without filters the math alarm shows its metrics and expression.
    let i = run(CW, &[("alarms.json", alarms)], t);
    assert_eq!(
        payloads_array(&i)[0]["condition"],
        json!("CISBenchmark ConsoleAuthFailures, m1 * 2 GreaterThanThreshold 0.0")
    );
}
