//! The compiled filter must mean exactly what the reference interpreter means: property test over
//! arbitrary well-typed filters on the MachineAction schema and arbitrary records (typed structs,
//! their JSON form, and JSON objects with missing keys, nulls and values of the wrong type).

use std::sync::Arc;

use odata_filter::ast::{Function, LambdaKind};
use odata_filter::eval::compile::CompiledFilter;
use odata_filter::eval::interp::evaluate_at;
use odata_filter::eval::ir::{InSet, Node, PathExpr, Root, Step};
use odata_filter::eval::semantics::{ArithOp, CmpOp};
use odata_filter::mde::machine_actions;
use odata_filter::schema::{EdmType, EnumType};
use odata_filter::value::{EnumValue, Value};
use proptest::prelude::*;
use serde_json::json;

fn prop_ty(name: &str) -> (usize, EdmType) {
    let ty = machine_actions().entity_type();
    let id = ty.property_id(name).unwrap();
    (id.index(), ty.property(id).unwrap().ty().clone())
}

fn path(name: &str) -> PathExpr {
    let (i, ty) = prop_ty(name);
    PathExpr::property(i, name, ty)
}

fn enum_ty(name: &str) -> Arc<EnumType> {
    prop_ty(name).1.as_enum().unwrap().clone()
}

fn command_status_ty() -> Arc<EnumType> {
    let EdmType::Collection(elem) = prop_ty("commands").1 else {
        unreachable!()
    };
    let c = elem.as_complex().unwrap().clone();
    let id = c.property_id("commandStatus").unwrap();
    c.property(id).unwrap().ty().as_enum().unwrap().clone()
}

fn var_path(name: &str) -> PathExpr {
    let EdmType::Collection(elem) = prop_ty("commands").1 else {
        unreachable!()
    };
    let c = elem.as_complex().unwrap().clone();
    let id = c.property_id(name).unwrap();
    PathExpr {
        root: Root::Var(0),
        steps: vec![Step {
            index: id.index(),
            name: Arc::from(name),
        }],
        ty: c.property(id).unwrap().ty().clone(),
    }
}

fn cmp_op() -> impl Strategy<Value = CmpOp> {
    prop_oneof![
        Just(CmpOp::Eq),
        Just(CmpOp::Ne),
        Just(CmpOp::Gt),
        Just(CmpOp::Ge),
        Just(CmpOp::Lt),
        Just(CmpOp::Le)
    ]
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

fn cmp(op: CmpOp, p: PathExpr, v: Value, flip: bool) -> Node {
    let (a, b) = (Box::new(Node::Path(p)), Box::new(Node::Literal(v)));
    if flip {
        Node::Compare(op, b, a)
    } else {
        Node::Compare(op, a, b)
    }
}

fn leaf() -> impl Strategy<Value = Node> {
    let strings = prop::sample::select(vec!["title", "requestor", "machineId", "scope"]);
    prop_oneof![
        (cmp_op(), strings.clone(), string_lit(), any::<bool>()).prop_map(|(op, p, v, f)| cmp(
            op,
            path(p),
            v,
            f
        )),
        (
            cmp_op(),
            prop::sample::select(vec!["type", "status"]),
            any::<bool>(),
            any::<u8>()
        )
            .prop_flat_map(|(op, p, f, _)| enum_lit(enum_ty(p)).prop_map(move |v| cmp(
                op,
                path(p),
                v,
                f
            ))),
        (cmp_op(), dto_lit(), any::<bool>()).prop_map(|(op, v, f)| cmp(
            op,
            path("creationDateTimeUtc"),
            v,
            f
        )),
        (cmp_op(), dto_lit()).prop_map(|(op, v)| cmp(
            op,
            path("cancellationDateTimeUtc"),
            v,
            false
        )),
        (cmp_op(), guid_lit(), any::<bool>()).prop_map(|(op, v, f)| cmp(op, path("id"), v, f)),
        (cmp_op(), int_lit(), any::<bool>()).prop_map(|(op, v, f)| cmp(
            op,
            path("errorHResult"),
            v,
            f
        )),
        (strings.clone(), prop::collection::vec(string_lit(), 0..4))
            .prop_map(|(p, l)| Node::In(Box::new(Node::Path(path(p))), InSet::Values(l))),
        prop::collection::vec(enum_lit(enum_ty("status")), 0..4)
            .prop_map(|l| Node::In(Box::new(Node::Path(path("status"))), InSet::Values(l))),
        prop::collection::vec(guid_lit(), 0..3)
            .prop_map(|l| Node::In(Box::new(Node::Path(path("id"))), InSet::Values(l))),
        (
            prop::sample::select(vec![
                Function::Contains,
                Function::StartsWith,
                Function::EndsWith
            ]),
            strings.clone(),
            string_lit()
        )
            .prop_map(|(f, p, v)| Node::Call(f, vec![Node::Path(path(p)), Node::Literal(v)])),
        // Shapes the compiler leaves to the interpreter.
        (cmp_op(), int_lit(), int_lit()).prop_map(|(op, a, b)| Node::Compare(
            op,
            Box::new(Node::Arith(
                ArithOp::Add,
                Box::new(Node::Path(path("errorHResult"))),
                Box::new(Node::Literal(a))
            )),
            Box::new(Node::Literal(b))
        )),
        (strings.clone(), string_lit()).prop_map(|(p, v)| Node::Compare(
            CmpOp::Eq,
            Box::new(Node::Call(Function::ToLower, vec![Node::Path(path(p))])),
            Box::new(Node::Literal(v))
        )),
        (cmp_op(), int_lit()).prop_map(|(op, v)| Node::Compare(
            op,
            Box::new(Node::Call(
                Function::Year,
                vec![Node::Path(path("creationDateTimeUtc"))]
            )),
            Box::new(Node::Literal(v))
        )),
        (any::<bool>(), any::<bool>()).prop_map(|(eq, flip)| {
            let (a, b) = (
                Node::Path(path("relatedFileInfo")),
                Node::Literal(Value::Null),
            );
            let (a, b) = if flip { (b, a) } else { (a, b) };
            Node::Compare(
                if eq { CmpOp::Eq } else { CmpOp::Ne },
                Box::new(a),
                Box::new(b),
            )
        }),
        (
            strings.clone(),
            prop::sample::select(vec!["^A", "(", "[0-9]+$", "é", "", "^desk"])
        )
            .prop_map(|(p, pat)| Node::Call(
                Function::MatchesPattern,
                vec![
                    Node::Path(path(p)),
                    Node::Literal(Value::String(pat.to_string()))
                ]
            )),
        Just(Node::Literal(Value::Boolean(true))),
        Just(Node::Literal(Value::Null)),
        (cmp_op(), string_lit()).prop_map(|(op, v)| {
            let (ri, rty) = prop_ty("relatedFileInfo");
            let info = rty.as_complex().unwrap().clone();
            let id = info.property_id("fileIdentifier").unwrap();
            let p = PathExpr {
                root: Root::It,
                steps: vec![
                    Step {
                        index: ri,
                        name: Arc::from("relatedFileInfo"),
                    },
                    Step {
                        index: id.index(),
                        name: Arc::from("fileIdentifier"),
                    },
                ],
                ty: EdmType::String,
            };
            cmp(op, p, v, false)
        }),
        (
            any::<bool>(),
            enum_lit(command_status_ty()),
            cmp_op(),
            int_lit(),
            any::<bool>()
        )
            .prop_map(|(any, st, op, i, with_body)| Node::Lambda {
                kind: if any {
                    LambdaKind::Any
                } else {
                    LambdaKind::All
                },
                collection: path("commands"),
                body: with_body.then(|| {
                    Box::new(Node::Or(vec![
                        cmp(CmpOp::Eq, var_path("commandStatus"), st, false),
                        cmp(op, var_path("index"), i, false),
                    ]))
                }),
            }),
    ]
}

fn filter() -> impl Strategy<Value = Node> {
    leaf().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Node::And),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Node::Or),
            inner.prop_map(|a| Node::Not(Box::new(a))),
        ]
    })
}

/// A JSON record derived from a sample one, with keys dropped, nulled or given values of the wrong
/// type.
fn json_record() -> impl Strategy<Value = serde_json::Value> {
    let keys =
        <odata_filter::mde::MachineAction as odata_filter::typed::Structured>::PROPERTY_NAMES;
    (
        0usize..40,
        prop::collection::vec((prop::sample::select(keys.to_vec()), 0u8..6), 0..5),
    )
        .prop_map(|(i, edits)| {
            let records = odata_filter::mde::sample::machine_actions(40, 5);
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
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn compiled_equals_interpreted_on_typed_records(node in filter(), i in 0usize..60) {
        let records = odata_filter::mde::sample::machine_actions(60, 11);
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
