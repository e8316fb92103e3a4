//! Evaluation benchmarks. Compare within one run, as ratios:
//!
//! - `typed_*`: the compiled filter `status eq 'Succeeded' and type eq 'Isolate' and
//!   creationDateTimeUtc ge …` over typed records vs a hand-written closure of the same predicate,
//!   over 1,000,000 records and over 8,192 (cache-resident); `compiled` is `CompiledFilter` (any
//!   record type), `compiled_for` the filter compiled for the record type (`compile_for`), each
//!   batched and one record at a time (`_per_record`);
//! - `json*`: the same over JSON records (`serde_json::Value`) vs a hand-written closure, over
//!   200,000 records and over 8,192 (cache-resident), batched and one record at a time;
//! - `in_*`: `id in (…)` with 10 and with 10,000 Guids (per-record cost should not grow with the list);
//! - `derived_1M`: the same filter over a user's own `#[derive(EntityType)]` struct of the same shape
//!   vs over the built-in `MachineAction` (same data, same run: the ratio shows a derived struct runs
//!   as fast as the built-in one);
//! - `query_e2e`: parse + validate + filter + order + page + serialize 100 rows over 1,000,000 records.
//!
//! Sizes can be lowered with `EVAL_BENCH_RECORDS` (default 1,000,000) and `EVAL_BENCH_JSON_RECORDS`
//! (default 200,000: a JSON object of this shape takes a few KiB in memory).

use std::hint::black_box;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, Utc};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use odata_filter::mde::machine_actions;
use odata_filter::mde::{MachineAction, MachineActionStatus, MachineActionType};
use odata_filter::query::Query;
use odata_filter::typed::{Entity, Enum};
use odata_filter::validate::{validate, validate_text, ValidateOptions};

const FILTER: &str =
    "status eq 'Succeeded' and type eq 'Isolate' and creationDateTimeUtc ge 2024-06-01T00:00:00Z";

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn cutoff() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("2024-06-01T00:00:00Z")
        .unwrap()
        .with_timezone(&Utc)
}

fn typed(c: &mut Criterion) {
    let n = env_usize("EVAL_BENCH_RECORDS", 1_000_000);
    let records = odata_filter::mde::sample::machine_actions(n, 1);
    let typed_filter =
        validate_text(FILTER, machine_actions(), &ValidateOptions::default()).unwrap();
    let filter = typed_filter.compile();
    // The same filter compiled for the record type (`compile_for`): what the crate docs show.
    let own = typed_filter.compile_for::<MachineAction>();
    let t = cutoff();
    let closure = |r: &MachineAction| {
        r.status == MachineActionStatus::Succeeded
            && r.action_type == MachineActionType::Isolate
            && r.creation_date_time_utc >= t
    };
    let expected = records.iter().filter(|r| closure(r)).count();
    assert_eq!(filter.count_matches(&records), expected);
    for (label, slice) in [("1M", &records[..]), ("8k", &records[..8192.min(n)])] {
        let mut g = c.benchmark_group(format!("typed_{label}"));
        g.throughput(Throughput::Elements(slice.len() as u64));
        // Batched (selection vectors): what query execution uses.
        g.bench_function("compiled", |b| {
            b.iter(|| filter.count_matches(black_box(slice)))
        });
        // One record at a time through `matches`.
        g.bench_function("compiled_per_record", |b| {
            b.iter(|| {
                black_box(slice)
                    .iter()
                    .filter(|r| filter.matches(*r))
                    .count()
            })
        });
        g.bench_function("compiled_for", |b| {
            b.iter(|| own.count_matches(black_box(slice)))
        });
        g.bench_function("compiled_for_per_record", |b| {
            b.iter(|| black_box(slice).iter().filter(|r| own.matches(r)).count())
        });
        g.bench_function("closure", |b| {
            b.iter(|| black_box(slice).iter().filter(|r| closure(r)).count())
        });
        g.finish();
    }
}

fn json(c: &mut Criterion) {
    let n = env_usize("EVAL_BENCH_JSON_RECORDS", 200_000);
    let records: Vec<serde_json::Value> = odata_filter::mde::sample::Generator::new(1)
        .take(n)
        .map(|r| serde_json::to_value(r).unwrap())
        .collect();
    let typed_filter =
        validate_text(FILTER, machine_actions(), &ValidateOptions::default()).unwrap();
    let filter = typed_filter.compile();
    let own = typed_filter.compile_for::<serde_json::Value>();
    let t: DateTime<FixedOffset> = cutoff().fixed_offset();
    let closure = |v: &serde_json::Value| {
        v.get("status").and_then(|s| s.as_str()) == Some("Succeeded")
            && v.get("type").and_then(|s| s.as_str()) == Some("Isolate")
            && v.get("creationDateTimeUtc")
                .and_then(|s| s.as_str())
                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                .is_some_and(|d| d >= t)
    };
    let expected = records.iter().filter(|r| closure(r)).count();
    assert_eq!(filter.count_matches(&records), expected);
    let mut g = c.benchmark_group("json");
    g.throughput(Throughput::Elements(records.len() as u64));
    g.bench_function("compiled", |b| {
        b.iter(|| filter.count_matches(black_box(&records)))
    });
    g.bench_function("closure", |b| {
        b.iter(|| black_box(&records).iter().filter(|r| closure(r)).count())
    });
    g.finish();
    // Cache-resident: 8,192 JSON records, batched and one record at a time.
    let slice = &records[..8192.min(records.len())];
    let mut g = c.benchmark_group("json_8k");
    g.throughput(Throughput::Elements(slice.len() as u64));
    g.bench_function("compiled", |b| {
        b.iter(|| filter.count_matches(black_box(slice)))
    });
    g.bench_function("compiled_per_record", |b| {
        b.iter(|| {
            black_box(slice)
                .iter()
                .filter(|r| filter.matches(*r))
                .count()
        })
    });
    g.bench_function("compiled_for", |b| {
        b.iter(|| own.count_matches(black_box(slice)))
    });
    g.bench_function("compiled_for_per_record", |b| {
        b.iter(|| black_box(slice).iter().filter(|r| own.matches(r)).count())
    });
    g.bench_function("closure", |b| {
        b.iter(|| black_box(slice).iter().filter(|r| closure(r)).count())
    });
    g.finish();
}

fn in_list(c: &mut Criterion) {
    let n = env_usize("EVAL_BENCH_RECORDS", 1_000_000).min(1_000_000);
    let records = odata_filter::mde::sample::machine_actions(n, 2);
    let parser = odata_filter::Parser::new().limits(odata_filter::Limits::generous(1 << 20));
    let list = |k: usize| {
        // Every hundredth record's id, so a few match.
        let ids: Vec<String> = records
            .iter()
            .step_by(100)
            .take(k)
            .map(|r| format!("{}", r.id))
            .collect();
        let expr = parser.parse(&format!("id in ({})", ids.join(","))).unwrap();
        validate(&expr, machine_actions(), &ValidateOptions::default()).unwrap()
    };
    let (small_typed, large_typed) = (list(10), list(10_000));
    let (small, large) = (small_typed.compile(), large_typed.compile());
    let small_for = small_typed.compile_for::<MachineAction>();
    let large_for = large_typed.compile_for::<MachineAction>();
    let mut g = c.benchmark_group("in");
    g.throughput(Throughput::Elements(records.len() as u64));
    assert_eq!(
        small.count_matches(&records),
        records.iter().filter(|r| small.matches(*r)).count()
    );
    g.bench_function("10_ids", |b| {
        b.iter(|| small.count_matches(black_box(&records)))
    });
    g.bench_function("10000_ids", |b| {
        b.iter(|| large.count_matches(black_box(&records)))
    });
    g.bench_function("10_ids_for", |b| {
        b.iter(|| small_for.count_matches(black_box(&records)))
    });
    g.bench_function("10000_ids_for", |b| {
        b.iter(|| large_for.count_matches(black_box(&records)))
    });
    g.finish();
}

fn end_to_end(c: &mut Criterion) {
    let n = env_usize("EVAL_BENCH_RECORDS", 1_000_000);
    let records = odata_filter::mde::sample::machine_actions(n, 3);
    let qs = "$filter=status eq 'Succeeded' and creationDateTimeUtc ge 2024-03-01T00:00:00Z&$top=100&$count=true";
    let mut g = c.benchmark_group("query_e2e");
    g.throughput(Throughput::Elements(records.len() as u64));
    g.bench_function("filter_order_page_100", |b| {
        b.iter(|| {
            let q = Query::from_query_string(black_box(qs), machine_actions()).unwrap();
            let body = q.response(&records);
            serde_json::to_string(&body).unwrap().len()
        })
    });
    g.finish();
}

/// A user's own entity: the properties the filter reads, and a few it does not.
#[derive(odata_filter::EnumType, Clone, Copy)]
#[allow(dead_code)]
enum Kind {
    RunAntiVirusScan,
    Offboard,
    LiveResponse,
    CollectInvestigationPackage,
    Isolate,
    Unisolate,
    StopAndQuarantineFile,
    RestrictCodeExecution,
    UnrestrictCodeExecution,
}

#[derive(odata_filter::EnumType, Clone, Copy)]
#[allow(dead_code)]
enum State {
    Pending,
    InProgress,
    Succeeded,
    Failed,
    TimeOut,
    Cancelled,
}

#[derive(odata_filter::EntityType)]
#[odata(entity_set = "Actions")]
#[allow(dead_code)]
struct Action {
    #[odata(filterable)]
    id: uuid::Uuid,
    #[odata(filterable)]
    kind: Kind,
    title: Option<String>,
    #[odata(filterable)]
    requestor: String,
    #[odata(filterable)]
    state: State,
    machine: Option<String>,
    #[odata(filterable)]
    created: DateTime<Utc>,
}

fn derived(c: &mut Criterion) {
    let n = env_usize("EVAL_BENCH_RECORDS", 1_000_000);
    let builtin = odata_filter::mde::sample::machine_actions(n, 1);
    let own: Vec<Action> = builtin
        .iter()
        .map(|r| Action {
            id: r.id,
            kind: Kind::MEMBERS[r.action_type.ordinal() as usize],
            title: r.title.clone(),
            requestor: r.requestor.clone(),
            state: State::MEMBERS[r.status.ordinal() as usize],
            machine: r.machine_id.clone(),
            created: r.creation_date_time_utc.to_utc(),
        })
        .collect();
    let builtin_filter_typed =
        validate_text(FILTER, machine_actions(), &ValidateOptions::default()).unwrap();
    let builtin_filter = builtin_filter_typed.compile();
    let own_filter_typed = validate_text(
        "state eq 'Succeeded' and kind eq 'Isolate' and created ge 2024-06-01T00:00:00Z",
        Action::entity_set(),
        &ValidateOptions::default(),
    )
    .unwrap();
    let own_filter = own_filter_typed.compile();
    assert_eq!(
        own_filter.count_matches(&own),
        builtin_filter.count_matches(&builtin)
    );
    let mut g = c.benchmark_group("derived_1M");
    g.throughput(Throughput::Elements(n as u64));
    g.bench_function("machine_action", |b| {
        b.iter(|| builtin_filter.count_matches(black_box(&builtin[..])))
    });
    g.bench_function("own_struct", |b| {
        b.iter(|| own_filter.count_matches(black_box(&own[..])))
    });
    // Filters compiled for each type (typed accessors from the derive): the same speed.
    let builtin_for = builtin_filter_typed.compile_for::<MachineAction>();
    let own_for = own_filter_typed.compile_for::<Action>();
    assert_eq!(
        own_for.count_matches(&own),
        builtin_for.count_matches(&builtin)
    );
    g.bench_function("machine_action_for", |b| {
        b.iter(|| builtin_for.count_matches(black_box(&builtin[..])))
    });
    g.bench_function("own_struct_for", |b| {
        b.iter(|| own_for.count_matches(black_box(&own[..])))
    });
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_millis(500))
        .measurement_time(Duration::from_secs(2));
    targets = typed, json, in_list, end_to_end, derived
}
criterion_main!(benches);
