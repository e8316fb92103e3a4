//! Driver of `benches/eval_callgrind.sh`: runs one evaluation case ROUNDS times over 8,192 records
//! (cache-resident) and prints the number of matches. Run with ROUNDS = 0 and ROUNDS = N under
//! `valgrind --tool=callgrind`, the difference over N × 8,192 is the cost of one record.
//!
//! `cargo run --release --example eval_n -- CASE ROUNDS`; CASE is one of the names below.
//!
//! The filter is `status eq 'Succeeded' and type eq 'Isolate' and creationDateTimeUtc ge
//! 2024-06-01T00:00:00Z` (as in `benches/eval.rs`), the `in_*` cases `id in (…)` with 10 or 10,000
//! Guids (every hundredth record's, so a few match, then made-up ones).

use std::hint::black_box;

use chrono::{DateTime, FixedOffset};
use odata_filter::mde::{machine_actions, MachineAction, MachineActionStatus, MachineActionType};
use odata_filter::validate::{validate, validate_text, TypedFilter, ValidateOptions};

const FILTER: &str =
    "status eq 'Succeeded' and type eq 'Isolate' and creationDateTimeUtc ge 2024-06-01T00:00:00Z";
const RECORDS: usize = 8192;

const CASES: &[&str] = &[
    "typed_closure",
    "typed_matches",
    "typed_matches_for",
    "typed_batched",
    "typed_batched_for",
    "json_closure",
    "json_matches",
    "json_matches_for",
    "json_batched",
    "json_batched_for",
    "in10_batched_for",
    "in10000_batched_for",
    "in10_matches_for",
    "in10000_matches_for",
];

fn typed_filter() -> TypedFilter {
    validate_text(FILTER, machine_actions(), &ValidateOptions::default()).unwrap()
}

fn cutoff() -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339("2024-06-01T00:00:00Z").unwrap()
}

fn in_filter(records: &[MachineAction], k: usize) -> TypedFilter {
    let parser = odata_filter::Parser::new().limits(odata_filter::Limits::generous(1 << 20));
    // Every hundredth record's id, then made-up ones (a fixed sequence) up to k.
    let mut x: u128 = 0x9E37_79B9_7F4A_7C15_F39C_C060_5CED_C834;
    let made_up = std::iter::repeat_with(|| {
        x = x
            .wrapping_mul(0x2360_ED05_1FC6_5DA4_4385_DF64_9FCC_F645)
            .wrapping_add(1);
        uuid::Uuid::from_u128(x)
    });
    let ids: Vec<String> = records
        .iter()
        .step_by(100)
        .map(|r| r.id)
        .chain(made_up)
        .take(k)
        .map(|g| g.to_string())
        .collect();
    let expr = parser.parse(&format!("id in ({})", ids.join(","))).unwrap();
    validate(&expr, machine_actions(), &ValidateOptions::default()).unwrap()
}

fn rounds(n: usize, mut f: impl FnMut() -> usize) -> usize {
    (0..n).map(|_| f()).sum()
}

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(case), Some(n)) = (args.next(), args.next().and_then(|s| s.parse().ok())) else {
        eprintln!("usage: eval_n CASE ROUNDS; cases: {}", CASES.join(" "));
        std::process::exit(2);
    };
    let records = odata_filter::mde::sample::machine_actions(RECORDS, 1);
    let t = cutoff();
    let count = if let Some(json_case) = case.strip_prefix("json_") {
        let json: Vec<serde_json::Value> = records
            .iter()
            .map(|r| serde_json::to_value(r).unwrap())
            .collect();
        let typed = typed_filter();
        let any = typed.compile();
        let own = typed.compile_for::<serde_json::Value>();
        let json = &json[..];
        match json_case {
            "closure" => rounds(n, || {
                black_box(json)
                    .iter()
                    .filter(|v| {
                        v.get("status").and_then(|s| s.as_str()) == Some("Succeeded")
                            && v.get("type").and_then(|s| s.as_str()) == Some("Isolate")
                            && v.get("creationDateTimeUtc")
                                .and_then(|s| s.as_str())
                                .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
                                .is_some_and(|d| d >= t)
                    })
                    .count()
            }),
            "matches" => rounds(n, || {
                black_box(json).iter().filter(|r| any.matches(*r)).count()
            }),
            "matches_for" => rounds(n, || {
                black_box(json).iter().filter(|r| own.matches(r)).count()
            }),
            "batched" => rounds(n, || any.count_matches(black_box(json))),
            "batched_for" => rounds(n, || own.count_matches(black_box(json))),
            _ => usage(&case),
        }
    } else if let Some(rest) = case.strip_prefix("in") {
        let (k, how) = rest.split_once('_').unwrap_or_else(|| usage(&case));
        let k: usize = k.parse().unwrap_or_else(|_| usage(&case));
        let own = in_filter(&records, k).compile_for::<MachineAction>();
        let records = &records[..];
        match how {
            "batched_for" => rounds(n, || own.count_matches(black_box(records))),
            "matches_for" => rounds(n, || {
                black_box(records).iter().filter(|r| own.matches(r)).count()
            }),
            _ => usage(&case),
        }
    } else {
        let typed = typed_filter();
        let any = typed.compile();
        let own = typed.compile_for::<MachineAction>();
        let records = &records[..];
        match case.as_str() {
            "typed_closure" => rounds(n, || {
                black_box(records)
                    .iter()
                    .filter(|r| {
                        r.status == MachineActionStatus::Succeeded
                            && r.action_type == MachineActionType::Isolate
                            && r.creation_date_time_utc >= t
                    })
                    .count()
            }),
            "typed_matches" => rounds(n, || {
                black_box(records)
                    .iter()
                    .filter(|r| any.matches(*r))
                    .count()
            }),
            "typed_matches_for" => rounds(n, || {
                black_box(records).iter().filter(|r| own.matches(r)).count()
            }),
            "typed_batched" => rounds(n, || any.count_matches(black_box(records))),
            "typed_batched_for" => rounds(n, || own.count_matches(black_box(records))),
            _ => usage(&case),
        }
    };
    println!("{count}");
}

fn usage(case: &str) -> ! {
    eprintln!("unknown case {case}; cases: {}", CASES.join(" "));
    std::process::exit(2)
}
