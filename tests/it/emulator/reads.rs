//! Reads, once per store: paging over 25,000 matches, bodies byte for byte as the library writes
//! them, lambdas over machine tags, and what SQL cannot express answered by the evaluator.

use odata_filter::client::{ApiErrorKind, Client};
use odata_filter::mde::handles::machine_actions as ma;
use odata_filter::mde::machine_actions;
use odata_filter::mde::sample::DOCS_MACHINE_ID;
use odata_filter::mde::MachineActionType as Type;
use odata_filter::query::Query;
use odata_filter::server::{RunningEmulator, ALL_ROLES};

use super::{api_kind, app, client, lifted, start_on, store, Backend};

over_each_store!(
    paging_follows_next_links_over_25000_matches,
    bodies_are_the_librarys_byte_for_byte,
    machine_lambdas_answer_like_the_library,
    what_sql_cannot_express_is_answered_by_the_evaluator,
);

fn paging_follows_next_links_over_25000_matches(backend: Backend) {
    let Some((store, _scratch)) = store(backend, "paging", 30_000) else {
        return;
    };
    let server = start_on(lifted(vec![app("all", ALL_ROLES)]), store);
    let c = client(&server, "all");
    let filter = ma::type_().ne(Type::Offboard);
    let expected = {
        let records = odata_filter::mde::sample::machine_actions(30_000, 11);
        let compiled = filter.clone().into_typed().compile();
        records.iter().filter(|r| compiled.matches(*r)).count()
    };
    assert!(expected > 25_000, "{expected}");
    let mut pages = c.machine_actions(&filter.clone().query().unwrap());
    let mut seen = std::collections::HashSet::new();
    let mut last = None;
    for a in pages.by_ref() {
        let a = a.unwrap();
        assert_ne!(a.action_type, Type::Offboard);
        assert!(seen.insert(a.id), "duplicate {}", a.id);
        if let Some(prev) = last {
            assert!(
                a.creation_date_time_utc <= prev,
                "newest first across pages"
            );
        }
        last = Some(a.creation_date_time_utc);
    }
    assert_eq!(seen.len(), expected);
    assert_eq!(pages.pages_fetched(), expected.div_ceil(10_000));
    // With $top the service sends no next link: one page.
    let mut top = c.machine_actions(&filter.query().unwrap().top(3).unwrap());
    assert_eq!(top.by_ref().count(), 3);
    assert_eq!(top.pages_fetched(), 1);
}

fn bodies_are_the_librarys_byte_for_byte(backend: Backend) {
    let Some((store, _scratch)) = store(backend, "bodies", 2_000) else {
        return;
    };
    let server = start_on(lifted(vec![app("all", ALL_ROLES)]), store);
    let c = client(&server, "all");
    let records = odata_filter::mde::sample::machine_actions(2_000, 11);
    for qs in [
        "$filter=machineId eq 'f46b9bb259ed4a7fb9981b73510e3cc7aa81ec1f'&$top=2",
        "$filter=status in ('Failed','TimeOut') and creationDateTimeUtc ge 2024-03-01Z&$orderby=requestor&$top=50&$skip=3&$count=true",
        "$select=id,status,type&$filter=startswith(requestor,'a')&$top=5",
    ] {
        let q = Query::from_query_string(qs, machine_actions()).unwrap();
        let want = q
            .response(&records)
            .to_string()
            .replace(
                "https://api.security.microsoft.com/api/",
                &format!("{}/api/", server.url()),
            );
        let got = c.get_raw("/api/machineactions", &q.to_string()).unwrap();
        assert_eq!(got.to_string(), want, "{qs}");
        // The bytes on the wire too (stored JSON text goes into the body as it is).
        let wire = reqwest::blocking::Client::new()
            .get(format!("{}/api/machineactions?{q}", server.url()))
            .bearer_auth(c.token().unwrap())
            .send()
            .unwrap()
            .text()
            .unwrap();
        assert_eq!(wire, want, "bytes of {qs}");
        let v1 = c.get_raw("/api/v1.0/machineactions", &q.to_string()).unwrap();
        assert_eq!(
            v1["@odata.context"].as_str().unwrap(),
            want_context(&server, &q, "/api/v1.0")
        );
    }
    let docs = c
        .machine_action("69dc3630-1ccc-4342-acf3-35286eec741d".parse().unwrap())
        .unwrap();
    assert_eq!(docs, records[0]);
    let missing = c.machine_action(uuid::Uuid::nil());
    assert_eq!(api_kind(missing).0, ApiErrorKind::NotFound);
    let (kind, code, message) = api_kind(c.get_raw("/api/machineactions", "$stop=2"));
    assert_eq!(
        (kind, code.as_str()),
        (ApiErrorKind::InvalidQuery, "ODataError")
    );
    assert!(message.starts_with(
        "The query specified in the URI is not valid. Custom query option '$stop' that starts with '$' is not supported."
    ));
    let machine = c
        .get_raw(&format!("/api/machines/{DOCS_MACHINE_ID}"), "")
        .unwrap();
    assert_eq!(machine["computerDnsName"], "desktop-39g9tgl");
    let high: Vec<_> = c
        .machines("$filter=riskScore eq 'High'")
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(!high.is_empty() && high.iter().all(|m| m["riskScore"] == "High"));
}

/// `any`/`all` over a machine's tags, from every store: the body the library writes for the same
/// records (lambdas go through the SQL compiler in the SQL stores).
fn machine_lambdas_answer_like_the_library(backend: Backend) {
    let Some((store, _scratch)) = store(backend, "lambdas", 2_000) else {
        return;
    };
    let server = start_on(lifted(vec![app("all", ALL_ROLES)]), store);
    let c = client(&server, "all");
    let machines = odata_filter::mde::sample::machines_for(
        &odata_filter::mde::sample::machine_actions(2_000, 11),
        11,
    );
    let mut matched = 0;
    for qs in [
        "$filter=machineTags/any(t: t eq 'ExampleTag')&$count=true",
        "$filter=machineTags/any(t: t eq 'Finance') and riskScore ne 'None'&$top=5",
        "$filter=machineTags/all(t: t ne 'Server')&$count=true&$select=id,machineTags",
        "$filter=not machineTags/any()&$count=true",
    ] {
        let q = Query::from_query_string(qs, odata_filter::mde::machines()).unwrap();
        matched += answers_as_the_library(&server, &c, "/api/machines", &q, q.response(&machines));
    }
    assert!(matched > 10, "the queries match machines: {matched}");
}

/// Valid queries holding a construct the store's engine cannot express (date-time arithmetic,
/// a computed `substring` position; `matchesPattern` on PostgreSQL) are answered as the service
/// answers them, by the evaluator over the stored records: the library's body, not a 400.
fn what_sql_cannot_express_is_answered_by_the_evaluator(backend: Backend) {
    let Some((store, _scratch)) = store(backend, "fallback", 1_000) else {
        return;
    };
    let server = start_on(lifted(vec![app("all", ALL_ROLES)]), store);
    let c = client(&server, "all");
    let records = odata_filter::mde::sample::machine_actions(1_000, 11);
    let mut matched = 0;
    for qs in [
        "$filter=creationDateTimeUtc add duration'P30D' ge 2024-06-01T00:00:00Z&$count=true&$top=20",
        "$filter=substring(requestor, length(requestor) sub 3) eq 'com'&$orderby=requestor&$top=7",
        "$filter=matchesPattern(requestor, '^[a-m]') and status eq 'Succeeded'&$count=true",
    ] {
        let q = Query::from_query_string(qs, machine_actions()).unwrap();
        #[cfg(feature = "sql")]
        {
            // The case this test is about: neither engine compiles the first two.
            let layout = odata_filter::sql::Layout::new(machine_actions());
            let sqlite = odata_filter::sql::compile_query(&q, &layout, &odata_filter::sql::Sqlite);
            assert_eq!(sqlite.is_err(), !qs.contains("matchesPattern"), "{qs}");
            let pg = odata_filter::sql::compile_query(&q, &layout, &odata_filter::sql::Postgres);
            assert!(pg.is_err(), "{qs}");
        }
        matched += answers_as_the_library(&server, &c, "/api/machineactions", &q, q.response(&records));
    }
    assert!(matched > 10, "the queries match actions: {matched}");
}

/// Asserts that the emulator answers `q` at `path` with `want` (the library's body for the same
/// records, on the emulator's host); returns the number of records in the page.
fn answers_as_the_library(
    server: &RunningEmulator,
    c: &Client,
    path: &str,
    q: &odata_filter::query::ValidatedQuery,
    want: serde_json::Value,
) -> usize {
    let want = want.to_string().replace(
        "https://api.security.microsoft.com/api/",
        &format!("{}/api/", server.url()),
    );
    let got = c
        .get_raw(path, &q.to_string())
        .unwrap_or_else(|e| panic!("{q}: {e:?}"));
    assert_eq!(got.to_string(), want, "{q}");
    got["value"].as_array().unwrap().len()
}

fn want_context(
    server: &RunningEmulator,
    q: &odata_filter::query::ValidatedQuery,
    prefix: &str,
) -> String {
    let body = q.response(&Vec::<odata_filter::mde::MachineAction>::new());
    body["@odata.context"].as_str().unwrap().replace(
        "https://api.security.microsoft.com/api",
        &format!("{}{prefix}", server.url()),
    )
}
