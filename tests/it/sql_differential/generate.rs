//! The generators: MachineAction records with tricky strings, date-times and nulls, and valid
//! queries over them (filters nesting every mapped operator and function, with `$orderby`, `$top`
//! and `$skip`).

use odata_filter::mde::{MachineActionStatus, MachineActionType};
use proptest::prelude::*;
use serde_json::Value as Json;

use super::lit;

/// String fragments for data and literals: SQL and LIKE metacharacters, OData's quote, non-ASCII
/// whose case mapping differs from ASCII's (ß → SS, İ → i̇, ﬁ → FI), whitespace `trim` removes.
const FRAGMENTS: &[&str] = &[
    "a",
    "A",
    "svc",
    "Svc",
    "'",
    "''",
    "%",
    "_",
    "\\",
    "\\%",
    "--",
    ";",
    "\"",
    "É",
    "é",
    "ß",
    "İ",
    "ﬁ",
    "Ω",
    "😀",
    " ",
    "\u{3000}",
    "\t",
    "x@contoso.com",
    "DROP TABLE t",
    "?1",
    "$1",
    "b",
];

/// Date-times for data and literals: equal instants with different offsets, 100-ns neighbours,
/// before 1970, leap day, fractional offsets.
const DATETIMES: &[&str] = &[
    "2024-03-01T10:15:30.1234567Z",
    "2024-03-01T12:15:30.1234567+02:00",
    "2024-03-01T10:15:30.1234568Z",
    "2024-03-01T10:15:30.1234566Z",
    "2023-12-31T23:59:59.9999999-05:00",
    "2024-01-01T04:59:59.9999999Z",
    "2019-11-22T00:00:00Z",
    "2024-02-29T23:30:00.5+05:30",
    "1969-12-31T23:59:59.9999999Z",
    "1969-12-31T18:00:00-06:00",
    "2030-06-15T08:00:00.0000001-08:00",
    "2024-03-01T00:00:00+14:00",
];

/// The MachineAction enums' members, read from the model (declared once there).
fn status_members() -> Vec<&'static str> {
    MachineActionStatus::ALL.iter().map(|m| m.name()).collect()
}
fn type_members() -> Vec<&'static str> {
    MachineActionType::ALL.iter().map(|m| m.name()).collect()
}

/// A small deterministic generator for the data.
pub(super) struct Lcg(pub(super) u64);
impl Lcg {
    pub(super) fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 33) as usize) % n
    }
    fn string(&mut self) -> String {
        (0..self.next(4))
            .map(|_| FRAGMENTS[self.next(FRAGMENTS.len())])
            .collect()
    }
}

/// 240 MachineActions with tricky strings, nulls where the schema allows them, repeated values
/// (ties for `$orderby`), ids in mixed case.
pub fn records() -> Vec<Json> {
    let mut rng = Lcg(7);
    odata_filter::mde::sample::machine_actions(240, 11)
        .iter()
        .map(|r| {
            let mut v = serde_json::to_value(r).unwrap();
            let o = v.as_object_mut().unwrap();
            o.insert("requestor".into(), rng.string().into());
            let m = match rng.next(5) {
                0 => Json::Null,
                1 => {
                    o.remove("machineId");
                    return v;
                }
                _ => rng.string().into(),
            };
            o.insert("machineId".into(), m);
            o.insert(
                "creationDateTimeUtc".into(),
                DATETIMES[rng.next(DATETIMES.len())].into(),
            );
            if rng.next(3) == 0 {
                let id = o["id"].as_str().unwrap().to_uppercase();
                o.insert("id".into(), id.into());
            }
            v
        })
        .collect()
}

fn string_value() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(FRAGMENTS), 0..4).prop_map(|v| v.concat())
}

fn string_expr() -> impl Strategy<Value = String> {
    let prop = prop::sample::select(&["machineId", "requestor"][..]).prop_map(String::from);
    prop_oneof![
        4 => prop.clone(),
        1 => (prop::sample::select(&["tolower", "toupper", "trim"][..]), prop.clone())
            .prop_map(|(f, p)| format!("{f}({p})")),
        1 => (prop.clone(), -2i64..6).prop_map(|(p, n)| format!("substring({p}, {n})")),
        1 => (prop.clone(), -2i64..6, -1i64..4).prop_map(|(p, n, m)| format!("substring({p}, {n}, {m})")),
        1 => (prop.clone(), string_value()).prop_map(|(p, s)| format!("concat({p}, {})", lit(&s))),
        1 => string_value().prop_map(|s| format!("tolower({})", lit(&s))),
    ]
}

pub(super) fn cmp_op() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&["eq", "ne", "gt", "ge", "lt", "le"][..])
}

fn atom() -> impl Strategy<Value = String> {
    let string_cmp = (string_expr(), cmp_op(), string_value())
        .prop_map(|(e, op, s)| format!("{e} {op} {}", lit(&s)));
    let string_string =
        (string_expr(), cmp_op(), string_expr()).prop_map(|(a, op, b)| format!("{a} {op} {b}"));
    let string_fn = (
        prop::sample::select(&["contains", "startswith", "endswith"][..]),
        string_expr(),
        prop_oneof![string_value().prop_map(|s| lit(&s)), string_expr()],
    )
        .prop_map(|(f, a, b)| format!("{f}({a}, {b})"));
    let numeric = (
        prop_oneof![
            string_expr().prop_map(|e| format!("length({e})")),
            (string_expr(), string_value()).prop_map(|(e, s)| format!("indexof({e}, {})", lit(&s))),
        ],
        cmp_op(),
        -1i64..5,
    )
        .prop_map(|(e, op, n)| format!("{e} {op} {n}"));
    let null = (
        prop::sample::select(
            &[
                "machineId",
                "requestor",
                "tolower(machineId)",
                "concat(machineId, 'a')",
            ][..],
        ),
        prop::sample::select(&["eq", "ne"][..]),
        any::<bool>(),
    )
        .prop_map(|(p, op, flip)| {
            if flip {
                format!("null {op} {p}")
            } else {
                format!("{p} {op} null")
            }
        });
    let enums = prop_oneof![
        (cmp_op(), prop::sample::select(status_members()))
            .prop_map(|(op, m)| format!("status {op} '{m}'")),
        (cmp_op(), prop::sample::select(type_members()))
            .prop_map(|(op, m)| format!("type {op} '{m}'")),
        prop::collection::vec(prop::sample::select(status_members()), 0..4).prop_map(|v| format!(
            "status in ({})",
            v.iter()
                .map(|m| format!("'{m}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
        prop::collection::vec(prop::sample::select(type_members()), 1..4).prop_map(|v| format!(
            "type in ({})",
            v.iter()
                .map(|m| format!("'{m}'"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    ];
    let in_strings = (
        prop::sample::select(&["machineId", "requestor", "tolower(requestor)"][..]),
        prop::collection::vec(
            prop_oneof![4 => string_value().prop_map(|s| lit(&s)), 1 => Just("null".to_string())],
            0..4,
        ),
    )
        .prop_map(|(p, v)| format!("{p} in ({})", v.join(", ")));
    let dates = prop_oneof![
            (cmp_op(), prop::sample::select(DATETIMES))
                .prop_map(|(op, d)| format!("creationDateTimeUtc {op} {d}")),
            (
                prop::sample::select(
                    &[
                        "year",
                        "month",
                        "day",
                        "hour",
                        "minute",
                        "second",
                        "totaloffsetminutes"
                    ][..]
                ),
                cmp_op(),
                prop::sample::select(
                    &[
                        0i64, 1, 2, 3, 10, 12, 15, 18, 23, 29, 30, 59, 120, 330, 840, -300, 1969,
                        2024
                    ][..]
                ),
            )
                .prop_map(|(f, op, n)| format!("{f}(creationDateTimeUtc) {op} {n}")),
            prop::collection::vec(prop::sample::select(DATETIMES), 1..3)
                .prop_map(|v| format!("creationDateTimeUtc in ({})", v.join(", "))),
        ];
    let guids = (cmp_op(), any::<bool>(), 0usize..240).prop_map(|(op, upper, i)| {
        let id = odata_filter::mde::sample::machine_actions(240, 11)[i]
            .id
            .to_string();
        let id = if upper { id.to_uppercase() } else { id };
        format!("id {op} {}", if upper { lit(&id) } else { id })
    });
    // Int64 arithmetic, checked: overflow and division by zero make the operand null.
    let int_operand = prop_oneof![
        3 => string_expr().prop_map(|e| format!("length({e})")),
        1 => (string_expr(), string_value()).prop_map(|(e, s)| format!("indexof({e}, {})", lit(&s))),
        1 => Just("year(creationDateTimeUtc)".to_string()),
        1 => Just("-length(machineId)".to_string()),
    ];
    let int_literal = prop_oneof![
        4 => -3i64..5,
        1 => prop::sample::select(&[i64::MAX, i64::MIN, i64::MAX / 2, -1, 0][..]),
    ];
    let arithmetic = (
        int_operand.clone(),
        prop::sample::select(&["add", "sub", "mul", "div", "mod"][..]),
        prop_oneof![
            3 => int_literal.clone().prop_map(|n| n.to_string()),
            1 => int_operand.clone(),
        ],
        cmp_op(),
        int_literal,
        any::<bool>(),
    )
        .prop_map(|(a, op, b, cmp, n, nested)| {
            if nested {
                format!("({a} {op} {b}) mul 2 {cmp} {n}")
            } else {
                format!("{a} {op} {b} {cmp} {n}")
            }
        });
    let has = prop::sample::select(status_members()).prop_map(|m| format!("status has '{m}'"));
    let date_time = prop_oneof![
        (
            cmp_op(),
            prop::sample::select(
                &[
                    "2024-03-01",
                    "2023-12-31",
                    "2024-01-01",
                    "1969-12-31",
                    "2024-02-29"
                ][..]
            )
        )
            .prop_map(|(op, d)| format!("date(creationDateTimeUtc) {op} {d}")),
        (
            cmp_op(),
            prop::sample::select(
                &[
                    "10:15:30.1234567",
                    "12:15:30.1234567",
                    "23:59:59.9999999",
                    "00:00:00",
                    "18:00:00"
                ][..]
            )
        )
            .prop_map(|(op, t)| format!("time(creationDateTimeUtc) {op} {t}")),
        (
            cmp_op(),
            prop::sample::select(
                &[
                    "0",
                    "0.5",
                    "0.1234567",
                    "0.12345675",
                    "0.9999999",
                    "1",
                    "0.1234568"
                ][..]
            ),
            any::<bool>()
        )
            .prop_map(|(op, d, flip)| if flip {
                format!("{d} {op} fractionalseconds(creationDateTimeUtc)")
            } else {
                format!("fractionalseconds(creationDateTimeUtc) {op} {d}")
            }),
    ];
    let types = prop_oneof![
        prop::sample::select(
            &[
                "isof(requestor, Edm.String)",
                "isof(machineId, Edm.String)",
                "isof(machineId, Edm.Int32)",
                "isof(length(machineId), Edm.Byte)",
                "isof(indexof(requestor, 'a'), Edm.Byte)",
                "isof(status, Microsoft.WindowsDefenderATP.Api.MachineActionStatus)",
                "cast(status, Edm.String) eq 'Failed'",
                "cast(machineId, Edm.String) eq null",
                "cast(creationDateTimeUtc, Edm.DateTimeOffset) gt 2024-01-01T00:00:00Z",
            ][..]
        )
        .prop_map(String::from),
        (0usize..240).prop_map(|i| {
            let id = odata_filter::mde::sample::machine_actions(240, 11)[i]
                .id
                .to_string();
            format!("cast(id, Edm.String) eq {}", lit(&id))
        }),
    ];
    // SQLite through registered functions (the crate's own); PostgreSQL: "not supported".
    let sqlite_only = prop_oneof![
        (
            prop::sample::select(&["requestor", "machineId", "concat(requestor, machineId)"][..]),
            prop::sample::select(
                &["^a", "a$", "^$", "[%_]", "\\d", "(?i)svc", "ß|İ", "^.{2,3}$", "("][..]
            ),
        )
            .prop_map(|(e, p)| format!("matchesPattern({e}, {})", lit(p))),
        (
            prop::sample::select(&["tolower", "toupper", "trim"][..]),
            string_expr(),
            string_value()
        )
            .prop_map(|(f, e, s)| format!("{f}(concat({e}, {})) eq {}", lit(&s), lit(&s))),
    ];
    prop_oneof![
        2 => arithmetic,
        1 => has,
        2 => date_time,
        1 => types,
        1 => sqlite_only,
        3 => string_cmp,
        1 => string_string,
        3 => string_fn,
        2 => numeric,
        2 => null,
        3 => enums,
        2 => in_strings,
        3 => dates,
        1 => guids,
        1 => prop::sample::select(&["true", "false"][..]).prop_map(String::from),
    ]
}

fn filter() -> impl Strategy<Value = String> {
    atom().prop_recursive(4, 24, 3, |inner| {
        prop_oneof![
            inner.clone().prop_map(|x| format!("not ({x})")),
            (
                inner.clone(),
                prop::sample::select(&["and", "or"][..]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a}) {op} ({b})")),
            (inner.clone(), inner.clone(), inner)
                .prop_map(|(a, b, c)| format!("{a} and {b} or {c}")),
        ]
    })
}

pub(super) fn query_string() -> impl Strategy<Value = String> {
    let orderby = prop::option::of(
        prop::collection::vec(
            (
                prop::sample::select(
                    &[
                        "requestor",
                        "machineId",
                        "status",
                        "type",
                        "creationDateTimeUtc",
                        "id",
                        "tolower(requestor)",
                        "length(machineId)",
                    ][..],
                ),
                any::<bool>(),
            ),
            1..3,
        )
        .prop_map(|keys| {
            keys.iter()
                .map(|(k, d)| {
                    if *d {
                        format!("{k} desc")
                    } else {
                        k.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        }),
    );
    (
        filter(),
        orderby,
        prop::option::of(0u64..30),
        prop::option::of(0u64..30),
    )
        .prop_map(|(f, o, top, skip)| {
            let enc = |s: &str| {
                percent_encoding::utf8_percent_encode(s, percent_encoding::NON_ALPHANUMERIC)
                    .to_string()
            };
            let mut q = format!("$filter={}", enc(&f));
            if let Some(o) = o {
                q.push_str(&format!("&$orderby={}", enc(&o)));
            }
            if let Some(t) = top {
                q.push_str(&format!("&$top={t}"));
            }
            if let Some(s) = skip {
                q.push_str(&format!("&$skip={s}"));
            }
            q
        })
}
