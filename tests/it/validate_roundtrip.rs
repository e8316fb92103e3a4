//! Property tests: the normalized text of a validated filter parses and validates back to an equal
//! `TypedFilter` (and prints identically); builder output survives URL encoding, query-string parsing and
//! validation unchanged.

use chrono::{FixedOffset, TimeZone};
use odata_filter::mde::handles::machine_actions::{
    self as ma, MachineActionStatus, MachineActionType,
};
use odata_filter::mde::machine_actions;
use odata_filter::query::Query;
use odata_filter::validate::{validate_text, ValidateOptions};
use proptest::prelude::*;

/// The MachineAction enums' members, read from the model (declared once there).
fn status_members() -> Vec<&'static str> {
    MachineActionStatus::ALL.iter().map(|m| m.name()).collect()
}
fn type_members() -> Vec<&'static str> {
    MachineActionType::ALL.iter().map(|m| m.name()).collect()
}

fn quoted(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

fn text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9'&#%+ @._\\-üé€🚀]{0,12}"
}

fn date_time() -> impl Strategy<Value = String> {
    (
        1970i32..2100,
        1u32..=12,
        1u32..=28,
        0u32..24,
        0u32..60,
        0u32..60,
        prop::option::of("[0-9]{1,9}"),
        prop_oneof![
            Just("Z".to_string()),
            (
                0u32..14,
                prop::sample::select(vec![0u32, 30, 45]),
                any::<bool>()
            )
                .prop_map(|(h, m, neg)| format!("{}{h:02}:{m:02}", if neg { '-' } else { '+' }))
        ],
        any::<bool>(),
    )
        .prop_map(|(y, mo, d, h, mi, s, frac, off, date_only)| {
            if date_only {
                format!("{y:04}-{mo:02}-{d:02}{}", if off == "Z" { "Z" } else { "" })
            } else {
                let frac = frac.map(|f| format!(".{f}")).unwrap_or_default();
                format!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}{frac}{off}")
            }
        })
}

fn comparison() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec!["eq", "ne", "gt", "ge", "lt", "le"])
}

fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        (comparison(), prop::sample::select(status_members()))
            .prop_map(|(op, m)| format!("Status {op} '{m}'")),
        (prop::sample::select(type_members()), any::<bool>()).prop_map(|(m, flip)| if flip {
            format!("'{m}' eq type")
        } else {
            format!("type ne '{m}'")
        }),
        prop::collection::vec(prop::sample::select(status_members()), 0..4).prop_map(|ms| format!(
            "status in ({})",
            ms.iter().map(|m| quoted(m)).collect::<Vec<_>>().join(",")
        )),
        (comparison(), text()).prop_map(|(op, s)| format!("requestor {op} {}", quoted(&s))),
        (
            text(),
            prop::sample::select(vec!["startswith", "endswith", "contains"])
        )
            .prop_map(|(s, f)| format!("{f}(machineId,{})", quoted(&s))),
        (comparison(), date_time()).prop_map(|(op, d)| format!("creationDateTimeUtc {op} {d}")),
        (any::<u128>(), any::<bool>()).prop_map(|(n, q)| {
            let g = uuid::Uuid::from_u128(n).to_string();
            if q {
                format!("id eq '{g}'")
            } else {
                format!("ID ne {}", g.to_uppercase())
            }
        }),
        (-100i64..100_000, comparison()).prop_map(|(n, op)| format!("length(requestor) {op} {n}")),
        (0i64..1000).prop_map(|n| format!("length(requestor) add {n} mul 2 gt -{n}")),
        Just("machineId eq null".to_string()),
        (1i32..=12).prop_map(|m| format!("month(creationDateTimeUtc) eq {m}")),
    ]
}

fn filter() -> impl Strategy<Value = String> {
    atom().prop_recursive(4, 24, 2, |inner| {
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("({a}) and ({b})")),
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("{a} OR {b}")),
            inner.prop_map(|a| format!("not ({a})")),
        ]
    })
}

proptest! {
    #![proptest_config(crate::proptest_config(400))]

    #[test]
    fn normalized_text_validates_back_to_the_same_tree(f in filter()) {
        let opts = ValidateOptions::default();
        let typed = validate_text(&f, machine_actions(), &opts)
            .map_err(|e| TestCaseError::fail(format!("{f}\n{e}")))?;
        let printed = typed.to_string();
        let again = validate_text(&printed, machine_actions(), &opts)
            .map_err(|e| TestCaseError::fail(format!("{printed}\n{e}")))?;
        prop_assert_eq!(&again, &typed, "{}", printed);
        prop_assert_eq!(again.to_string(), printed);
    }

    #[test]
    fn builder_values_survive_the_query_string(
        a in any::<String>(),
        b in "[\\PC'&#%+=?/ ]{0,16}",
        statuses in prop::collection::vec(0usize..6, 0..4),
        secs in -2_000_000_000i64..4_000_000_000,
        nanos in 0u32..1_000_000_000,
        offset_min in -(14 * 60)..=(14 * 60i32),
        limit in 0u64..=10_000,
    ) {
        let all = [
            MachineActionStatus::Pending,
            MachineActionStatus::InProgress,
            MachineActionStatus::Succeeded,
            MachineActionStatus::Failed,
            MachineActionStatus::TimeOut,
            MachineActionStatus::Cancelled,
        ];
        let offset = FixedOffset::east_opt(offset_min * 60).unwrap();
        let when = offset.timestamp_opt(secs, nanos).single().unwrap();
        let filter = ma::requestor()
            .eq(a.clone())
            .and(ma::machine_id().starts_with(b.clone()).or(!ma::requestor().contains(b)))
            .or(ma::status().is_in(statuses.iter().map(|i| all[*i])))
            .and(ma::creation_date_time_utc().lt(when))
            .and(ma::type_().ne(MachineActionType::Isolate));
        let qs = filter.clone().query().unwrap().top(limit).unwrap().skip(3).orderby_desc(ma::creation_date_time_utc()).to_query_string();
        let q = Query::from_query_string(&qs, machine_actions())
            .map_err(|e| TestCaseError::fail(format!("{qs}\n{e}")))?;
        prop_assert_eq!(q.filter(), Some(&filter.into_typed()));
        prop_assert_eq!(q.top(), Some(limit));
        prop_assert_eq!(q.to_string(), qs);
    }
}

/// Token soup: whatever parses must validate or fail cleanly, never panic, under every option set.
fn token() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "status",
        "type",
        "id",
        "requestor",
        "machineId",
        "creationDateTimeUtc",
        "commands",
        "c",
        "c/commandStatus",
        "c/errors",
        "relatedFileInfo/fileIdentifier",
        "$it/status",
        "$this",
        "commands/$count",
        "eq",
        "ne",
        "gt",
        "lt",
        "and",
        "or",
        "not",
        "add",
        "sub",
        "mul",
        "div",
        "mod",
        "divby",
        "has",
        "in",
        "-",
        "(",
        ")",
        ",",
        "'Pending'",
        "'x'",
        "''",
        "1",
        "-1",
        "9223372036854775807",
        "-9223372036854775808",
        "0",
        "2.5",
        "1e308",
        "INF",
        "NaN",
        "null",
        "true",
        "2024-01-01",
        "2024-01-01Z",
        "2024-01-01T00:00:00Z",
        "12:00:00",
        "duration'P1D'",
        "05c7bba5-828c-4451-9867-1191919f897e",
        "binary'AAEC'",
        "Edm.String",
        "contains(",
        "length(",
        "year(",
        "now()",
        "round(",
        "cast(",
        "isof(",
        "substring(",
        "concat(",
        "commands/any(c:",
        "commands/all(c:",
        "commands/any()",
        "('Pending','Failed')",
        "()",
    ])
}

proptest! {
    #![proptest_config(crate::proptest_config(2000))]

    #[test]
    fn validation_never_panics(tokens in prop::collection::vec(token(), 1..14)) {
        let text = tokens.join(" ");
        if let Ok(expr) = odata_filter::parse_filter(&text) {
            for opts in [
                ValidateOptions::default(),
                ValidateOptions::default().allow_all_properties(true),
                ValidateOptions::default().strict_case(true),
            ] {
                if let Ok(typed) = odata_filter::validate::validate(&expr, machine_actions(), &opts) {
                    // Whatever validates prints text that validates to the same tree.
                    let printed = typed.to_string();
                    let again = validate_text(&printed, machine_actions(), &opts)
                        .map_err(|e| TestCaseError::fail(format!("{text}\n=> {printed}\n{e}")))?;
                    prop_assert_eq!(again, typed, "{} => {}", text, printed);
                }
            }
        }
    }
}
