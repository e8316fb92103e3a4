//! Issue "nothing silently lost or misread": every case through the CLI, with its exit code and a
//! snapshot of stderr; the normalized query does not depend on how a filter was sent; hostile inputs
//! finish within a time bound measured here.

use std::process::Command;
use std::time::{Duration, Instant};

use odata_filter::mde::machine_actions;
use odata_filter::query::Query;
use proptest::prelude::*;

fn cli(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_odata-filter"))
        .args(args)
        .output()
        .expect("run odata-filter");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `(snapshot name, arguments, exit code)`.
const CASES: &[(&str, &[&str], i32)] = &[
    ("ampersand_for_and", &["check", "$filter=status eq 'Pending' && type eq 'Isolate'"], 2),
    ("ampersand_in_string", &["check", "$filter=requestor eq 'a&b'"], 2),
    ("bare_filter", &["check", "status eq 'Pending'"], 2),
    ("custom_option_warns", &["check", "$top=1&foo=bar"], 0),
    ("url_accepted", &["check", "https://api.security.microsoft.com/api/machineactions?$top=2"], 0),
    ("url_v1", &["check", "https://api.security.microsoft.com/api/v1.0/machineactions?$top=2"], 0),
    ("url_wrong_set", &["check", "https://api.security.microsoft.com/api/alerts?$top=2"], 2),
    ("plus_offset", &["check", "$filter=creationDateTimeUtc ge 2024-01-01T00:00:00+01:00"], 0),
    ("plus_in_string", &["check", "$filter=requestor eq 'a+b@contoso.com'"], 0),
    ("no_offset", &["check", "$filter=creationDateTimeUtc ge 2024-01-01T00:00:00"], 2),
    ("unpadded_date", &["check", "$filter=creationDateTimeUtc ge 2024-1-1"], 2),
    ("v3_datetime", &["check", "$filter=creationDateTimeUtc ge datetime'2024-01-01T00:00:00'"], 2),
    ("v3_guid", &["check", "$filter=id eq guid'69dc3630-1ccc-4342-acf3-35286eec741d'"], 2),
    ("unquoted_enum", &["check", "$filter=status eq Pending"], 2),
    ("orderby_descending", &["check", "$orderby=creationDateTimeUtc descending"], 2),
    ("not_filterable", &["check", "$filter=computerDnsName eq 'x'"], 2),
    ("unclosed_paren_quoted", &["check", "$filter=(status eq 'x'"], 2),
    ("all_errors_sorted", &["check", "$stop=1&$filter=foo eq 1&$top=99999"], 2),
    ("percent_plus", &["check", "$filter=requestor eq '%+5'"], 2),
    ("leap_second", &["check", "$filter=creationDateTimeUtc eq 2024-12-31T23:59:60Z"], 2),
    ("bad_pattern", &["check", "$filter=matchesPattern(requestor, '(')"], 2),
    ("oversize_pattern", &["check", "$filter=matchesPattern(requestor, '\\w{1000}')"], 2),
    ("lambda_nesting", &["check", "$filter=machineTags/any(a: machineTags/any(b: machineTags/any(c: machineTags/any(d: d eq 'x'))))", "--entity", "machines"], 2),
    ("control_bytes", &["check", "$filter=\u{1b}[31m eq 1"], 2),
    ("records_cap", &["query", "$top=1", "--records", "99999999999"], 64),
    ("usage_error", &["check"], 64),
    ("hyphen_argument", &["parse", "-1 eq length(requestor)"], 0),
    ("max_nodes_flag", &["check", "$filter=status eq 'a' or status eq 'b'", "--max-nodes", "3"], 2),
    ("query_machines", &["query", "$top=1", "--entity", "machines"], 64),
];

#[test]
fn every_case_through_the_cli() {
    for (name, args, code) in CASES {
        let (got, _out, err) = cli(args);
        assert_eq!(got, *code, "{name}: {args:?}\n{err}");
        insta::assert_snapshot!(format!("cli_{name}"), err);
    }
}

#[test]
fn schema_subcommand_text_and_json() {
    let (code, out, _) = cli(&["schema"]);
    assert_eq!(code, 0);
    assert!(out.contains(
        "MachineActions (microsoft.windowsDefenderATP.api.MachineAction), $top cap 10000"
    ));
    let (code, out, _) = cli(&["schema", "--json"]);
    assert_eq!(code, 0);
    let sets: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(sets[0]["name"], "MachineActions");
    assert_eq!(sets[0]["topCap"], 10000);
    let status = sets[0]["properties"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "status")
        .unwrap();
    assert_eq!(status["filterable"], true);
    assert_eq!(status["members"][0], "Pending");
}

#[test]
fn many_errors_share_the_source_and_are_capped() {
    let qs = "$top=1&".repeat(17_000);
    let started = Instant::now();
    let errors = Query::from_query_string(&qs, machine_actions()).unwrap_err();
    let shown = errors.to_string();
    assert_eq!(errors.len(), 16_999);
    assert!(
        shown.ends_with("… and 16989 more errors\n"),
        "{}",
        &shown[shown.len() - 80..]
    );
    assert!(shown.len() < 10_000, "{}", shown.len());
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

/// The 402-byte query string of the issue: seven levels of aliases, each used five times.
fn alias_bomb(levels: usize) -> String {
    let mut qs = String::from("$filter=@a0 or @a0 or @a0 or @a0 or @a0");
    for i in 0..levels {
        let next = format!("@a{}", i + 1);
        qs.push_str(&format!(
            "&@a{i}={next} or {next} or {next} or {next} or {next}"
        ));
    }
    qs.push_str(&format!(
        "&@a{levels}=(requestor eq 'x') or (requestor eq 'x') or (requestor eq 'x') or (requestor eq 'x') or (requestor eq 'x')"
    ));
    qs
}

#[test]
fn alias_expansion_is_bounded_before_the_work() {
    for levels in [6, 7, 9] {
        let qs = alias_bomb(levels);
        let started = Instant::now();
        let errors = Query::from_query_string(&qs, machine_actions()).unwrap_err();
        assert_eq!(
            errors.as_slice()[0].kind(),
            odata_filter::ErrorKind::LimitExceeded
        );
        assert!(errors.as_slice()[0].exceeded().is_some());
        assert!(
            started.elapsed() < Duration::from_millis(500),
            "{levels}: {:?}",
            started.elapsed()
        );
    }
    // Aliases within the limits still work.
    let q = Query::from_query_string(
        "$filter=@a or @a&@a=@b&@b=status eq 'Pending'",
        machine_actions(),
    )
    .unwrap();
    assert_eq!(
        q.to_string(),
        "$filter=status%20eq%20%27Pending%27%20or%20status%20eq%20%27Pending%27"
    );
}

/// The length limit holds for the filter with its aliases substituted, checked before the copies are
/// made: 200 references to a 4 KiB string are 800 KB of text from a 7 KB query string.
#[test]
fn alias_substitution_is_bounded_by_the_length_limit() {
    let limit = odata_filter::Limits::default().max_length;
    let refs = vec!["requestor eq @s"; 200].join(" or ");
    let qs = format!("$filter={refs}&@s='{}'", "x".repeat(4096));
    let started = Instant::now();
    let errors = Query::from_query_string(&qs, machine_actions()).unwrap_err();
    assert!(
        started.elapsed() < Duration::from_millis(500),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(errors.len(), 1, "{errors}");
    let e = &errors.as_slice()[0];
    assert_eq!(e.kind(), odata_filter::ErrorKind::LimitExceeded);
    let normalized = refs.len() + 200 * (4098 - 2);
    assert_eq!(
        e.exceeded().map(|x| (x.limit, x.value)),
        Some((limit as u64, normalized as u64))
    );
    assert!(e.message().contains("aliases substituted"), "{e}");
    // Just within the limit: accepted, and printed within it.
    let value = "x".repeat(limit - "requestor eq ''".len());
    let q = Query::from_query_string(
        &format!("$filter=requestor eq @s&@s='{value}'"),
        machine_actions(),
    )
    .unwrap();
    assert_eq!(q.filter().unwrap().to_string().len(), limit);
    let one_more = format!("$filter=requestor eq @s&@s='{value}x'");
    let e = Query::from_query_string(&one_more, machine_actions()).unwrap_err();
    assert_eq!(
        e.as_slice()[0].kind(),
        odata_filter::ErrorKind::LimitExceeded
    );
}

#[test]
fn patterns_compile_once_and_within_limits() {
    let records = odata_filter::mde::sample::machine_actions(1_000, 1);
    let q = Query::from_query_string(
        "$filter=matchesPattern(tolower(requestor), '\\w{100}')",
        machine_actions(),
    );
    let started = Instant::now();
    match q {
        Ok(q) => {
            let _ = q.response(&records);
        }
        Err(e) => assert_eq!(
            e.as_slice()[0].kind(),
            odata_filter::ErrorKind::InvalidLiteral
        ),
    }
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    // 200 patterns: refused by count, quickly.
    let many: Vec<String> = (0..200)
        .map(|i| format!("matchesPattern(requestor, '[a-z]{{{}}}x')", 10 + i % 20))
        .collect();
    let qs = format!("$filter={}", many.join(" or "));
    let started = Instant::now();
    let errors = Query::from_query_string(&qs, machine_actions()).unwrap_err();
    assert!(errors
        .iter()
        .any(|e| e.kind() == odata_filter::ErrorKind::LimitExceeded));
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
}

fn filters() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "status eq 'Pending'",
        "requestor eq 'a b'",
        "creationDateTimeUtc ge 2024-01-01T00:00:00+01:00",
        "creationDateTimeUtc lt 2024-01-01T00:00:00Z",
        "contains(requestor, 'x y')",
        "type in ('Isolate', 'Offboard')",
        "not (machineId eq 'abc')",
    ]);
    prop::collection::vec(atoms, 1..4).prop_flat_map(|atoms| {
        let n = atoms.len();
        (Just(atoms), prop::collection::vec(prop::bool::ANY, n)).prop_map(|(atoms, ors)| {
            let mut text = atoms[0].to_string();
            for (a, or) in atoms.iter().zip(ors).skip(1) {
                text.push_str(if or { " or " } else { " and " });
                text.push_str(a);
            }
            text
        })
    })
}

proptest! {
    #![proptest_config(crate::proptest_config(64))]

    /// Raw, with `+` for spaces, with `%20`, or as a whole URL: the same normalized query.
    #[test]
    fn the_way_a_filter_is_sent_does_not_change_the_query(filter in filters()) {
        let set = machine_actions();
        let raw = Query::from_query_string(&format!("$filter={filter}"), set).unwrap().to_string();
        // `+` only for the spaces (the offsets' `+` stay raw, as users type them).
        let plus = filter.replace(' ', "+");
        let pct = filter.replace(' ', "%20").replace('+', "%2B");
        let url = format!("https://api.security.microsoft.com/api/machineactions?$filter={filter}");
        prop_assert_eq!(&Query::from_query_string(&format!("$filter={plus}"), set).unwrap().to_string(), &raw);
        prop_assert_eq!(&Query::from_query_string(&format!("$filter={pct}"), set).unwrap().to_string(), &raw);
        let from_url = Query::from_url(&url, set).unwrap();
        prop_assert_eq!(&from_url.to_string(), &raw);
        prop_assert_eq!(from_url.host(), Some("https://api.security.microsoft.com"));
    }
}

fn built_queries() -> impl Strategy<Value = odata_filter::builder::QueryBuilder> {
    use odata_filter::builder::QueryBuilder;
    use odata_filter::mde::handles::machine_actions as ma;
    let requestor = "[a-z@. +&'%]{0,12}";
    (
        requestor,
        prop::option::of(0u64..=10_000),
        prop::option::of(0u64..100),
        prop::bool::ANY,
        prop::option::of(prop::bool::ANY),
    )
        .prop_map(|(r, top, skip, desc, count)| {
            let mut q = QueryBuilder::new()
                .filter(
                    ma::requestor()
                        .eq(r.as_str())
                        .or(ma::requestor().starts_with(r)),
                )
                .unwrap();
            q = if desc {
                q.orderby_desc(ma::creation_date_time_utc())
            } else {
                q.orderby_asc(ma::creation_date_time_utc())
            };
            q = q.select(ma::id()).select(ma::status());
            if let Some(t) = top {
                q = q.top(t).unwrap();
            }
            if let Some(s) = skip {
                q = q.skip(s);
            }
            if let Some(c) = count {
                q = q.count(c);
            }
            q
        })
}

proptest! {
    #![proptest_config(crate::proptest_config(128))]

    /// Every query the builder emits validates, and normalizes to exactly what was built.
    #[test]
    fn built_queries_validate_back_to_themselves(q in built_queries()) {
        let built = q.to_query_string();
        let validated = q.build(machine_actions());
        prop_assert!(validated.is_ok(), "{built}: {}", validated.unwrap_err());
        prop_assert_eq!(validated.unwrap().to_string(), built);
    }
}
