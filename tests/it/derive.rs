//! A user's own struct, one derive away from being filtered: schema, validation, compiled evaluation
//! over typed and JSON records, the typed builder, and query execution.

use chrono::{DateTime, TimeZone, Utc};
use odata_filter::builder::Handle;
use odata_filter::query::Query;
use odata_filter::schema::EdmType;
use odata_filter::typed::{Entity, Structured};
use odata_filter::validate::{validate_text, ValidateOptions};
use odata_filter::{ComplexType, EntityType, EnumType};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize, EnumType)]
#[odata(namespace = "Helpdesk")]
enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ComplexType)]
#[serde(rename_all = "camelCase")]
#[odata(namespace = "Helpdesk")]
struct Reporter {
    display_name: String,
    email: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, ComplexType)]
#[serde(rename_all = "camelCase")]
#[odata(namespace = "Helpdesk")]
struct Note {
    author: String,
    minutes_spent: i32,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, EntityType)]
#[serde(rename_all = "camelCase")]
#[odata(
    namespace = "Helpdesk",
    entity_set = "Tickets",
    top_cap = 100,
    default_order = "opened desc"
)]
struct Ticket {
    #[odata(filterable)]
    id: Uuid,
    #[odata(filterable)]
    severity: Severity,
    #[odata(filterable)]
    title: String,
    #[odata(filterable)]
    opened: DateTime<Utc>,
    #[odata(filterable)]
    closed: Option<DateTime<Utc>>,
    #[odata(filterable)]
    reporter: Reporter,
    #[odata(filterable)]
    labels: Vec<String>,
    #[odata(filterable)]
    notes: Vec<Note>,
    #[serde(rename = "cost")]
    cost_estimate: f64,
    reopened: bool,
}

fn tickets(n: usize) -> Vec<Ticket> {
    let severities = [
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];
    (0..n)
        .map(|i| Ticket {
            id: Uuid::from_u128(i as u128 + 1),
            severity: severities[i % 4],
            title: format!("ticket {i}"),
            opened: Utc.with_ymd_and_hms(2024, 1, 1, 0, 0, 0).unwrap()
                + chrono::TimeDelta::hours(i as i64),
            closed: (i % 3 == 0).then(|| Utc.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap()),
            reporter: Reporter {
                display_name: if i % 5 == 0 {
                    "Ada".into()
                } else {
                    "Bob".into()
                },
                email: (i % 2 == 0).then(|| format!("u{i}@example.com")),
            },
            labels: if i % 7 == 0 {
                vec!["vip".into(), "network".into()]
            } else {
                vec![]
            },
            notes: (0..i % 4)
                .map(|k| Note {
                    author: "ops".into(),
                    minutes_spent: (k as i32 + 1) * 10,
                })
                .collect(),
            cost_estimate: i as f64 * 1.5,
            reopened: i % 11 == 0,
        })
        .collect()
}

#[test]
fn the_derived_schema_states_the_struct() {
    let set = Ticket::entity_set();
    assert_eq!(set.name(), "Tickets");
    assert_eq!(set.top_cap(), Some(100));
    let ty = set.entity_type();
    assert_eq!(ty.qualified_name(), "Helpdesk.Ticket");
    let props: Vec<(String, String, bool)> = ty
        .properties()
        .iter()
        .map(|p| (p.name().to_string(), p.ty().to_string(), p.is_nullable()))
        .collect();
    let expected = [
        ("id", "Edm.Guid", false),
        ("severity", "Helpdesk.Severity", false),
        ("title", "Edm.String", false),
        ("opened", "Edm.DateTimeOffset", false),
        ("closed", "Edm.DateTimeOffset", true),
        ("reporter", "Helpdesk.Reporter", false),
        ("labels", "Collection(Edm.String)", false),
        ("notes", "Collection(Helpdesk.Note)", false),
        ("cost", "Edm.Double", false),
        ("reopened", "Edm.Boolean", false),
    ];
    let expected: Vec<(String, String, bool)> = expected
        .iter()
        .map(|(n, t, b)| (n.to_string(), t.to_string(), *b))
        .collect();
    assert_eq!(props, expected);
    assert_eq!(Ticket::PROPERTY_NAMES[8], "cost");
    assert_eq!(set.filterable_properties().count(), 8);
    let EdmType::Enum(severity) = ty.properties()[1].ty() else {
        panic!("severity is an enum")
    };
    let members: Vec<&str> = severity.members().iter().map(|m| m.name()).collect();
    assert_eq!(members, ["Low", "Medium", "High", "Critical"]);
}

/// What a filter text should select, written in Rust.
type Predicate = fn(&Ticket) -> bool;

#[test]
fn typed_and_json_records_filter_alike() {
    let records = tickets(500);
    let json: Vec<serde_json::Value> = records
        .iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect();
    let back: Vec<Ticket> = json
        .iter()
        .map(|v| serde_json::from_value(v.clone()).unwrap())
        .collect();
    assert_eq!(back, records);
    let cases: [(&str, Predicate); 6] = [
        ("severity ge 'High' and closed eq null", |t| {
            t.severity as u8 >= 2 && t.closed.is_none()
        }),
        (
            "reporter/displayName eq 'Ada' and reporter/email ne null",
            |t| t.reporter.display_name == "Ada" && t.reporter.email.is_some(),
        ),
        ("labels/any(l: l eq 'vip')", |t| {
            t.labels.iter().any(|l| l == "vip")
        }),
        ("notes/all(n: n/minutesSpent lt 30) and notes/any()", |t| {
            !t.notes.is_empty() && t.notes.iter().all(|n| n.minutes_spent < 30)
        }),
        (
            "opened ge 2024-01-10T00:00:00Z and startswith(title, 'ticket 3')",
            |t| {
                t.opened >= Utc.with_ymd_and_hms(2024, 1, 10, 0, 0, 0).unwrap()
                    && t.title.starts_with("ticket 3")
            },
        ),
        ("id eq 00000000-0000-0000-0000-000000000007", |t| {
            t.id == Uuid::from_u128(7)
        }),
    ];
    for (text, expected) in cases {
        let typed = validate_text(text, Ticket::entity_set(), &ValidateOptions::default())
            .unwrap_or_else(|e| panic!("{text}: {e}"));
        let filter = typed.compile();
        let want: Vec<usize> = (0..records.len())
            .filter(|&i| expected(&records[i]))
            .collect();
        assert!(
            !want.is_empty(),
            "{text}: a case that matches nothing tests little"
        );
        assert_eq!(filter.matching_indices(&records), want, "{text} (typed)");
        assert_eq!(filter.matching_indices(&json), want, "{text} (JSON)");
        let one_by_one: Vec<usize> = (0..records.len())
            .filter(|&i| filter.matches(&records[i]))
            .collect();
        assert_eq!(one_by_one, want, "{text} (one record at a time)");
        // Compiled for the derived struct (its typed accessors: nested paths, collections).
        let own = typed.compile_for::<Ticket>();
        assert_eq!(own.matching_indices(&records), want, "{text} (compile_for)");
        let one_by_one: Vec<usize> = (0..records.len())
            .filter(|&i| own.matches(&records[i]))
            .collect();
        assert_eq!(one_by_one, want, "{text} (compile_for, one at a time)");
        let own_json = typed.compile_for::<serde_json::Value>();
        assert_eq!(
            own_json.matching_indices(&json),
            want,
            "{text} (compile_for JSON)"
        );
    }
}

#[test]
fn the_derived_set_rejects_what_the_struct_does_not_allow() {
    let opts = ValidateOptions::default();
    // `cost` is not filterable, `severity` has no member `Urgent`, `$top` is capped at 100.
    assert!(validate_text("cost gt 1", Ticket::entity_set(), &opts).is_err());
    assert!(validate_text("severity eq 'Urgent'", Ticket::entity_set(), &opts).is_err());
    assert!(Query::from_query_string("$top=101", Ticket::entity_set()).is_err());
}

#[test]
fn the_builder_takes_derived_enums_and_queries_use_the_default_order() {
    let severity = Handle::<Severity>::new(Ticket::entity_set(), "severity").unwrap();
    let f = severity.ge(Severity::High);
    assert_eq!(f.to_string(), "severity ge 'High'");
    let typed = validate_text(
        &f.to_string(),
        Ticket::entity_set(),
        &ValidateOptions::default(),
    )
    .unwrap();
    assert_eq!(typed, f.into_typed());

    let records = tickets(40);
    let q = Query::from_query_string(
        "$filter=severity eq 'Critical'&$top=3",
        Ticket::entity_set(),
    )
    .unwrap();
    let result = q.execute(&records);
    let page: Vec<*const Ticket> = result.page().iter().map(|t| *t as *const Ticket).collect();
    // Newest first: the last Critical tickets.
    assert_eq!(
        page,
        [&records[39], &records[35], &records[31]].map(|t| t as *const Ticket)
    );
}
