//! The compiled filter must mean exactly what the reference interpreter means: property test over
//! arbitrary well-typed filters on the MachineAction schema (generated as text, validated with every
//! property allowed) and arbitrary records (typed structs, their JSON form, and JSON objects with
//! missing keys, nulls and values of the wrong type).

use std::sync::Arc;

use crate::eval::compile::CompiledFilter;
use crate::eval::interp::evaluate_at;
use crate::mde::machine_actions;
use crate::schema::{EdmType, EnumType};
use crate::validate::{validate_text, TypedFilter, ValidateOptions};
use crate::value::{EnumValue, Value};
use proptest::prelude::*;
use serde_json::json;

fn prop_ty(name: &str) -> EdmType {
    let ty = machine_actions().entity_type();
    let id = ty.property_id(name).unwrap();
    ty.property(id).unwrap().ty().clone()
}

fn enum_ty(name: &str) -> Arc<EnumType> {
    prop_ty(name).as_enum().unwrap().clone()
}

fn command_status_ty() -> Arc<EnumType> {
    let EdmType::Collection(elem) = prop_ty("commands") else {
        unreachable!()
    };
    let c = elem.as_complex().unwrap().clone();
    let id = c.property_id("commandStatus").unwrap();
    c.property(id).unwrap().ty().as_enum().unwrap().clone()
}

fn cmp_op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["eq", "ne", "gt", "ge", "lt", "le"])
}
const STRINGS: &[&str] = &[
    "",
    "a",
    "Analyst@contoso.com",
    "desktop",
    "f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f",
    "é",
    "Z",
];

fn string_lit() -> impl Strategy<Value = Value> {
    prop_oneof![
        prop::sample::select(STRINGS).prop_map(|s| Value::String(s.to_string())),
        Just(Value::Null),
    ]
}

fn enum_lit(ty: Arc<EnumType>) -> impl Strategy<Value = Value> {
    let n = ty.members().len();
    prop_oneof![
        (0..n).prop_map(move |i| Value::Enum(EnumValue {
            ty: ty.clone(),
            value: i as i64
        })),
        Just(Value::Null),
    ]
}

fn dto_lit() -> impl Strategy<Value = Value> {
    prop_oneof![
        (1_700_000_000i64..1_740_000_000, -12i32..=12).prop_map(|(s, h)| {
            let t = chrono::DateTime::from_timestamp(s, 0).unwrap();
            Value::DateTimeOffset(
                t.with_timezone(&chrono::FixedOffset::east_opt(h * 3600).unwrap()),
            )
        }),
        Just(Value::Date(
            chrono::NaiveDate::from_ymd_opt(2024, 6, 1).unwrap()
        )),
        Just(Value::Null),
    ]
}

fn guid_lit() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Guid(
            "69dc3630-1ccc-4342-acf3-35286eec741d".parse().unwrap()
        )),
        any::<u128>().prop_map(|u| Value::Guid(uuid::Uuid::from_u128(u))),
        Just(Value::Null),
    ]
}

fn int_lit() -> impl Strategy<Value = Value> {
    prop_oneof![
        (-3i64..3).prop_map(Value::Int),
        Just(Value::Int(i64::MAX)),
        Just(Value::Int(-2147024894)),
        Just(Value::Null)
    ]
}

/// `path op value`, or `value op path` when `flip`.
fn cmp(op: &str, path: &str, v: Value, flip: bool) -> String {
    if flip {
        format!("{v} {op} {path}")
    } else {
        format!("{path} {op} {v}")
    }
}

fn list(items: &[Value]) -> String {
    let items: Vec<String> = items.iter().map(|v| v.to_string()).collect();
    format!("({})", items.join(", "))
}

fn leaf() -> impl Strategy<Value = String> {
    let strings = prop::sample::select(vec!["title", "requestor", "machineId", "scope"]);
    prop_oneof![
        (cmp_op(), strings.clone(), string_lit(), any::<bool>())
            .prop_map(|(op, p, v, f)| cmp(op, p, v, f)),
        (
            cmp_op(),
            prop::sample::select(vec!["type", "status"]),
            any::<bool>(),
            any::<u8>()
        )
            .prop_flat_map(|(op, p, f, _)| enum_lit(enum_ty(p))
                .prop_map(move |v| cmp(op, p, v, f))),
        (cmp_op(), dto_lit(), any::<bool>())
            .prop_map(|(op, v, f)| cmp(op, "creationDateTimeUtc", v, f)),
        (cmp_op(), dto_lit()).prop_map(|(op, v)| cmp(op, "cancellationDateTimeUtc", v, false)),
        (cmp_op(), guid_lit(), any::<bool>()).prop_map(|(op, v, f)| cmp(op, "id", v, f)),
        (cmp_op(), int_lit(), any::<bool>()).prop_map(|(op, v, f)| cmp(op, "errorHResult", v, f)),
        (strings.clone(), prop::collection::vec(string_lit(), 0..4))
            .prop_map(|(p, l)| format!("{p} in {}", list(&l))),
        prop::collection::vec(enum_lit(enum_ty("status")), 0..4)
            .prop_map(|l| format!("status in {}", list(&l))),
        prop::collection::vec(guid_lit(), 0..3).prop_map(|l| format!("id in {}", list(&l))),
        (
            prop::sample::select(vec!["contains", "startswith", "endswith"]),
            strings.clone(),
            string_lit()
        )
            .prop_map(|(f, p, v)| format!("{f}({p}, {v})")),
        // Shapes the compiler leaves to the interpreter.
        (cmp_op(), int_lit(), int_lit())
            .prop_map(|(op, a, b)| format!("errorHResult add {a} {op} {b}")),
        (strings.clone(), string_lit()).prop_map(|(p, v)| format!("tolower({p}) eq {v}")),
        (cmp_op(), int_lit()).prop_map(|(op, v)| format!("year(creationDateTimeUtc) {op} {v}")),
        (any::<bool>(), any::<bool>()).prop_map(|(eq, flip)| {
            let op = if eq { "eq" } else { "ne" };
            if flip {
                format!("null {op} relatedFileInfo")
            } else {
                format!("relatedFileInfo {op} null")
            }
        }),
        (
            strings.clone(),
            // An invalid literal pattern ('(') is a validation error (tests/it/edges.rs): it never
            // reaches evaluation.
            prop::sample::select(vec!["^A", "(a)?", "[0-9]+$", "é", "", "^desk"])
        )
            .prop_map(|(p, pat)| format!("matchesPattern({p}, '{pat}')")),
        Just("true".to_string()),
        Just("null".to_string()),
        (cmp_op(), string_lit()).prop_map(|(op, v)| cmp(op, "relatedFileInfo/fileIdentifier", v, false)),
        (
            any::<bool>(),
            enum_lit(command_status_ty()),
            cmp_op(),
            int_lit(),
            any::<bool>()
        )
            .prop_map(|(any, st, op, i, with_body)| {
                let kind = if any { "any" } else { "all" };
                if with_body {
                    format!("commands/{kind}(c: c/commandStatus eq {st} or c/index {op} {i})")
                } else {
                    // `all()` has no written form.
                    "commands/any()".to_string()
                }
            }),
    ]
}

/// `a and b and …` (or `or`); no operands is `true` (`false`).
fn chain(items: Vec<String>, op: &str, empty: &str) -> String {
    match items.len() {
        0 => empty.to_string(),
        _ => items
            .iter()
            .map(|i| format!("({i})"))
            .collect::<Vec<_>>()
            .join(&format!(" {op} ")),
    }
}

fn filter_text() -> impl Strategy<Value = String> {
    leaf().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| chain(v, "and", "true")),
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| chain(v, "or", "false")),
            inner.prop_map(|a| format!("not ({a})")),
        ]
    })
}

fn filter() -> impl Strategy<Value = TypedFilter> {
    filter_text().prop_map(|text| {
        let opts = ValidateOptions::default().allow_all_properties(true);
        validate_text(&text, machine_actions(), &opts).unwrap_or_else(|e| panic!("{text}: {e}"))
    })
}

/// A JSON record derived from a sample one, with keys dropped, nulled or given values of the wrong
/// type.
fn json_record() -> impl Strategy<Value = serde_json::Value> {
    let keys = <crate::mde::MachineAction as crate::typed::Structured>::PROPERTY_NAMES;
    (
        0usize..40,
        prop::collection::vec((prop::sample::select(keys.to_vec()), 0u8..6), 0..5),
    )
        .prop_map(|(i, edits)| {
            let records = crate::mde::sample::machine_actions(40, 5);
            let mut v = serde_json::to_value(&records[i]).unwrap();
            let obj = v.as_object_mut().unwrap();
            for (k, e) in edits {
                match e {
                    0 => {
                        obj.remove(k);
                    }
                    1 => {
                        obj.insert(k.to_string(), serde_json::Value::Null);
                    }
                    2 => {
                        obj.insert(k.to_string(), json!(42));
                    }
                    3 => {
                        obj.insert(k.to_string(), json!("not-a-date"));
                    }
                    4 => {
                        obj.insert(k.to_string(), json!([1, {"a": 2}]));
                    }
                    _ => {
                        obj.insert(k.to_string(), json!("2024-03-01T10:00:00+05:30"));
                    }
                }
            }
            v
        })
}

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::DateTime::parse_from_rfc3339("2024-06-01T00:00:00Z").unwrap()
}

proptest! {
    // The regressions file stays beside this one (`compiled_agrees.proptest-regressions`).
    #![proptest_config(ProptestConfig {
        failure_persistence: Some(Box::new(
            proptest::test_runner::FileFailurePersistence::WithSource("proptest-regressions"),
        )),
        ..ProptestConfig::with_cases(300)
    })]

    #[test]
    fn compiled_equals_interpreted_on_typed_records(node in filter(), i in 0usize..60) {
        let records = crate::mde::sample::machine_actions(60, 11);
        let compiled = CompiledFilter::with_now(&node, now());
        let r = &records[i];
        prop_assert_eq!(compiled.evaluate(r), evaluate_at(&node, r, &now()), "{:?}", node);
        // The typed struct and its JSON form agree too.
        let j = serde_json::to_value(r).unwrap();
        prop_assert_eq!(compiled.evaluate(&j), compiled.evaluate(r), "{:?}", node);
        // Batched evaluation (selection vectors, per-index loops) selects the same records.
        let expected: Vec<usize> = (0..records.len())
            .filter(|&k| evaluate_at(&node, &records[k], &now()) == Some(true))
            .collect();
        prop_assert_eq!(compiled.matching_indices(&records), expected.clone(), "{:?}", node);
        let json: Vec<serde_json::Value> =
            records.iter().map(|r| serde_json::to_value(r).unwrap()).collect();
        prop_assert_eq!(compiled.matching_indices(&json), expected, "{:?}", node);
    }

    #[test]
    fn compiled_equals_interpreted_on_odd_json(node in filter(), records in prop::collection::vec(json_record(), 1..6)) {
        let compiled = CompiledFilter::with_now(&node, now());
        for record in &records {
            prop_assert_eq!(compiled.evaluate(record), evaluate_at(&node, record, &now()), "{:?}", node);
        }
        let expected: Vec<usize> = (0..records.len())
            .filter(|&k| evaluate_at(&node, &records[k], &now()) == Some(true))
            .collect();
        prop_assert_eq!(compiled.matching_indices(&records), expected, "{:?}", node);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// The filter compiled for one record type (typed accessors, its own batched loops) means what
    /// the interpreter means, on typed records, their JSON form and odd JSON.
    #[test]
    fn specialized_equals_interpreted(node in filter(), odd in prop::collection::vec(json_record(), 1..6)) {
        use odata_filter::mde::MachineAction;
        let records = odata_filter::mde::sample::machine_actions(60, 11);
        let compiled = CompiledFilter::with_now(&node, now());
        let typed = compiled.specialize::<MachineAction>();
        let json = compiled.specialize::<serde_json::Value>();
        let as_json: Vec<serde_json::Value> =
            records.iter().map(|r| serde_json::to_value(r).unwrap()).collect();
        for (r, j) in records.iter().zip(&as_json) {
            let expected = evaluate_at(&node, r, &now());
            prop_assert_eq!(typed.evaluate(r), expected, "{:?}", node);
            prop_assert_eq!(typed.matches(r), expected == Some(true), "{:?}", node);
            prop_assert_eq!(json.evaluate(j), expected, "{:?}", node);
            prop_assert_eq!(json.matches(j), expected == Some(true), "{:?}", node);
        }
        let expected: Vec<usize> = (0..records.len())
            .filter(|&k| evaluate_at(&node, &records[k], &now()) == Some(true))
            .collect();
        prop_assert_eq!(typed.matching_indices(&records), expected.clone(), "{:?}", node);
        prop_assert_eq!(json.matching_indices(&as_json), expected, "{:?}", node);
        for record in &odd {
            prop_assert_eq!(json.evaluate(record), evaluate_at(&node, record, &now()), "{:?}", node);
        }
        let expected: Vec<usize> = (0..odd.len())
            .filter(|&k| evaluate_at(&node, &odd[k], &now()) == Some(true))
            .collect();
        prop_assert_eq!(json.count_matches(&odd), expected.len(), "{:?}", node);
        prop_assert_eq!(json.matching_indices(&odd), expected, "{:?}", node);
    }
}
