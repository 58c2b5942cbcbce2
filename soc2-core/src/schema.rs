//! JSON Schemas (draft 2020-12) of the public models, generated from the Rust types.
//!
//! The committed copies live in `schemas/` at the repository root; a test regenerates them
//! and fails when they drift (set `SOC2_UPDATE_SCHEMAS=1` to rewrite them).

use schemars::{JsonSchema, Schema, SchemaGenerator, generate::SchemaSettings, transform};
use serde_json::Value;

use crate::model::{self, MAX_SAFE_INTEGER};

/// The file name (without `.schema.json`) and the schema of every public model.
pub fn all() -> Vec<(&'static str, Schema)> {
    vec![
        ("audit-finding", generate::<model::AuditFinding>()),
        ("audit-period", generate::<model::AuditPeriod>()),
        ("catalog", generate::<crate::catalog::CatalogFile>()),
        ("control", generate::<model::Control>()),
        ("criterion", generate::<model::Criterion>()),
        ("evidence", generate::<model::Evidence>()),
        ("inclusion-proof", generate::<crate::bundle::InclusionProof>()),
        ("report", generate::<crate::report::Report>()),
        ("record", generate::<model::Record>()),
        ("request-list", generate::<crate::report::requests::RequestList>()),
        ("resolved-catalog", generate::<crate::catalog::Catalog>()),
        ("sample", generate::<crate::evaluate::sample::Sample>()),
    ]
}

/// Generates the draft 2020-12 schema of `T`, with every integer bounded to the range that
/// JSON implementations represent exactly.
pub fn generate<T: JsonSchema>() -> Schema {
    let settings = SchemaSettings::draft2020_12().with_transform(BoundIntegers);
    SchemaGenerator::new(settings).into_root_schema_for::<T>()
}

/// Adds `minimum` / `maximum` of ±(2^53 − 1) to integer schemas that lack a tighter bound,
/// so that validators reject what soc2's parser rejects.
#[derive(Clone, Debug)]
struct BoundIntegers;

impl transform::Transform for BoundIntegers {
    fn transform(&mut self, schema: &mut Schema) {
        if let Some(obj) = schema.as_object_mut() {
            let is_integer = match obj.get("type") {
                Some(Value::String(t)) => t == "integer",
                Some(Value::Array(ts)) => ts.iter().any(|t| t == "integer"),
                _ => false,
            };
            if is_integer {
                // schemars writes "format": "uint64" and similar, which validators ignore.
                // Fixed-width formats carry their own range; the rest get the I-JSON range.
                let (lo, hi) = match obj.get("format").and_then(Value::as_str) {
                    Some("uint8") => (0, i64::from(u8::MAX)),
                    Some("uint16") => (0, i64::from(u16::MAX)),
                    Some("uint32") => (0, i64::from(u32::MAX)),
                    Some("int32") => (i64::from(i32::MIN), i64::from(i32::MAX)),
                    _ => (-(MAX_SAFE_INTEGER as i64), MAX_SAFE_INTEGER as i64),
                };
                let tighter_max =
                    obj.get("maximum").and_then(Value::as_i64).is_some_and(|m| m <= hi);
                if !tighter_max {
                    obj.insert("maximum".into(), hi.into());
                }
                let tighter_min =
                    obj.get("minimum").and_then(Value::as_i64).is_some_and(|m| m >= lo);
                if !tighter_min {
                    obj.insert("minimum".into(), lo.into());
                }
            }
        }
        transform::transform_subschemas(self, schema);
    }
}
