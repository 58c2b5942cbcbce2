//! The dates inside evidence: when the event a payload records happened, and the rule
//! that nothing recorded in the locker may claim to have happened after it was recorded.
//!
//! `observed_at` is when a fact was seen; a payload's own date (a background check's
//! `completed_at`, a tabletop's `performed_on`, a vendor review's `reviewed_on`, ...) is
//! when the event happened, and it is the date evaluation tests.

use chrono::{Duration, NaiveDate};

use super::evidence::{Evidence, Payload};
use super::time::{Date, Timestamp};

/// How far a recorded date may lie after the time of recording, for clock skew between
/// the machine that observed the fact and the one that records it.
pub const RECORDING_CLOCK_SKEW: Duration = Duration::minutes(5);

/// A date or time found in a payload.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventTime {
    /// A timestamp field.
    At(Timestamp),
    /// A date field.
    On(Date),
}

impl EventTime {
    /// The calendar day (UTC).
    pub fn date(self) -> NaiveDate {
        match self {
            EventTime::At(t) => t.date(),
            EventTime::On(d) => d.0,
        }
    }

    /// Whether it lies after `limit`: a date lies after it when it is a later day.
    fn after(self, limit: Timestamp) -> bool {
        match self {
            EventTime::At(t) => t > limit,
            EventTime::On(d) => d.0 > limit.date(),
        }
    }
}

impl std::fmt::Display for EventTime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            EventTime::At(t) => t.fmt(f),
            EventTime::On(d) => d.fmt(f),
        }
    }
}

impl Payload {
    /// The date the recorded event happened, when the payload carries one: the date
    /// evaluation tests instead of `observed_at`.
    pub fn event_date(&self) -> Option<NaiveDate> {
        match self {
            Payload::BackgroundCheck(b) => b.completed_at.map(|t| t.date()),
            Payload::TrainingCompletion(t) => t.completed_at.map(|t| t.date()),
            Payload::TabletopExercise(t) => Some(t.performed_on.0),
            Payload::VendorAssessment(v) => Some(v.reviewed_on.0),
            Payload::PolicyAcknowledgement(a) => Some(a.acknowledged_at.date()),
            Payload::ChangeRecord(c) => c.merged_at.map(|t| t.date()),
            Payload::EventTriage(t) => Some(t.reviewed_at.date()),
            _ => None,
        }
    }

    /// Every field that records when something already happened (not due dates, contract
    /// ends or future start dates), with its path in the evidence document.
    pub fn event_times(&self) -> Vec<(String, EventTime)> {
        let mut out: Vec<(String, EventTime)> = Vec::new();
        let mut at = |path: String, t: Option<Timestamp>| {
            if let Some(t) = t {
                out.push((path, EventTime::At(t)));
            }
        };
        let p = "payload";
        match self {
            Payload::AccessReview(r) => {
                for (i, a) in r.accounts.iter().enumerate() {
                    at(format!("{p}.access_review.accounts[{i}].actioned_at"), a.actioned_at);
                }
            }
            Payload::UserList(u) => {
                for (i, a) in u.accounts.iter().enumerate() {
                    let base = format!("{p}.user_list.accounts[{i}]");
                    at(format!("{base}.created_at"), a.created_at);
                    at(format!("{base}.last_used_at"), a.last_used_at);
                    at(format!("{base}.status_changed_at"), a.status_changed_at);
                }
            }
            Payload::PolicyAcknowledgement(a) => {
                at(format!("{p}.policy_acknowledgement.acknowledged_at"), Some(a.acknowledged_at))
            }
            Payload::DeviceInventory(d) => {
                for (i, dev) in d.devices.iter().enumerate() {
                    at(
                        format!("{p}.device_inventory.devices[{i}].last_check_in"),
                        dev.last_check_in,
                    );
                }
            }
            Payload::ChangeRecord(c) => {
                at(format!("{p}.change_record.merged_at"), c.merged_at);
                for (i, r) in c.reviews.iter().enumerate() {
                    at(format!("{p}.change_record.reviews[{i}].submitted_at"), r.submitted_at);
                }
            }
            Payload::BackgroundCheck(b) => {
                at(format!("{p}.background_check.completed_at"), b.completed_at)
            }
            Payload::TrainingCompletion(t) => {
                at(format!("{p}.training_completion.completed_at"), t.completed_at)
            }
            Payload::LoggingConfiguration(l) => {
                at(format!("{p}.logging_configuration.logging_since"), l.logging_since)
            }
            // The latest event time bounds every detected event's time.
            Payload::SecurityEvents(e) => {
                at(format!("{p}.security_events.covered_to"), Some(e.covered_to))
            }
            Payload::EventTriage(t) => {
                at(format!("{p}.event_triage.event_time"), Some(t.event_time));
                at(format!("{p}.event_triage.reviewed_at"), Some(t.reviewed_at));
            }
            _ => {}
        }
        let mut on = |path: String, d: Option<Date>| {
            if let Some(d) = d {
                out.push((path, EventTime::On(d)));
            }
        };
        match self {
            Payload::PolicyDocument(d) => {
                on(format!("{p}.policy_document.approved_on"), d.approved_on)
            }
            Payload::VendorAssessment(v) => {
                on(format!("{p}.vendor_assessment.reviewed_on"), Some(v.reviewed_on));
                on(
                    format!("{p}.vendor_assessment.security_report.issued_on"),
                    v.security_report.as_ref().map(|r| r.issued_on),
                );
            }
            Payload::IncidentResponsePlan(i) => {
                on(format!("{p}.incident_response_plan.approved_on"), i.approved_on)
            }
            Payload::TabletopExercise(t) => {
                on(format!("{p}.tabletop_exercise.performed_on"), Some(t.performed_on))
            }
            Payload::RiskRegister(r) => {
                on(format!("{p}.risk_register.reviewed_on"), r.reviewed_on);
                on(format!("{p}.risk_register.approved_on"), r.approved_on);
            }
            _ => {}
        }
        out
    }
}

/// Why evidence cannot be recorded at a given time: the field that lies in the future
/// and what is wrong with it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FutureDated {
    /// The field's path in the evidence document (`observed_at`,
    /// `payload.background_check.completed_at`, ...).
    pub field: String,
    /// What is wrong, in words.
    pub reason: String,
}

impl Evidence {
    /// Checks that neither `observed_at` nor any event date in the payload is later than
    /// `recorded_at` plus [`RECORDING_CLOCK_SKEW`]: evidence cannot show something that
    /// has not happened yet when it is recorded.
    pub fn check_not_future(&self, recorded_at: Timestamp) -> Result<(), FutureDated> {
        let limit = Timestamp::from_datetime(recorded_at.as_datetime() + RECORDING_CLOCK_SKEW);
        let mut fields = vec![("observed_at".to_owned(), EventTime::At(self.observed_at))];
        fields.extend(self.payload.event_times());
        for (field, t) in fields {
            if t.after(limit) {
                return Err(FutureDated {
                    reason: format!(
                        "{t} is in the future: the evidence is being recorded at {recorded_at} \
                         (at most {} minutes of clock skew allowed)",
                        RECORDING_CLOCK_SKEW.num_minutes()
                    ),
                    field,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::from_json_str;

    fn ev(observed: &str, payload: &str) -> Evidence {
        from_json_str(&format!(
            r#"{{"observed_at":"{observed}","collected_at":"{observed}","collector":{{"person":{{"id":"a@example.com"}}}},"source":"hris","payload":{payload}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn future_dates_are_refused_with_the_field() {
        let rec: Timestamp = "2026-03-01T12:00:00Z".parse().unwrap();
        let ok = ev("2026-03-01T12:04:00Z", r#"{"note":{"title":"x"}}"#);
        assert!(ok.check_not_future(rec).is_ok());
        let late = ev("2026-03-01T12:06:00Z", r#"{"note":{"title":"x"}}"#);
        assert_eq!(late.check_not_future(rec).unwrap_err().field, "observed_at");
        let check = ev(
            "2026-03-01T09:00:00Z",
            r#"{"background_check":{"person":"a@example.com","provider":"checkr","status":"clear","completed_at":"2026-03-02T09:00:00Z"}}"#,
        );
        let e = check.check_not_future(rec).unwrap_err();
        assert_eq!(e.field, "payload.background_check.completed_at");
        assert!(e.reason.contains("2026-03-02T09:00:00Z"), "{}", e.reason);
        // A date field is future only from the next day on.
        let tabletop = ev(
            "2026-03-01T09:00:00Z",
            r#"{"tabletop_exercise":{"scenario":"s","performed_on":"2026-03-01"}}"#,
        );
        assert!(tabletop.check_not_future(rec).is_ok());
        // A roster may list people who start later: start dates are not event dates.
        let roster = ev(
            "2026-03-01T09:00:00Z",
            r#"{"roster":{"people":[{"id":"b@example.com","name":"B","employment_type":"employee","start_date":"2026-04-01","in_scope":true}]}}"#,
        );
        assert!(roster.check_not_future(rec).is_ok());
    }
}
