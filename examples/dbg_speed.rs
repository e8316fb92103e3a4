use odata_filter::model::*;
use std::time::Instant;
fn main() {
    let records = odata_filter::sample::machine_actions(8192, 1);
    let t0 = chrono::DateTime::parse_from_rfc3339("2024-06-01T00:00:00Z")
        .unwrap()
        .to_utc();
    let t = Instant::now();
    let mut n = 0;
    for _ in 0..2000 {
        n += std::hint::black_box(&records)
            .iter()
            .filter(|r| {
                r.status == MachineActionStatus::Succeeded
                    && r.action_type == MachineActionType::Isolate
                    && r.creation_date_time_utc >= t0
            })
            .count();
    }
    println!(
        "closure: {:.2} ns/record ({n})",
        t.elapsed().as_nanos() as f64 / (2000.0 * 8192.0)
    );
    for text in ["status eq 'Succeeded'", "type eq 'Isolate'", "creationDateTimeUtc ge 2024-06-01T00:00:00Z", "requestor eq 'x'",
        "status eq 'Succeeded' and type eq 'Isolate' and creationDateTimeUtc ge 2024-06-01T00:00:00Z"] {
        let f = odata_filter::validate::validate_text(text, odata_filter::schema::machine_actions(), &Default::default()).unwrap().compile();
        let t = Instant::now();
        let mut n = 0;
        for _ in 0..2000 { n += f.count_matches(std::hint::black_box(&records)); }
        println!("{text}: {:.2} ns/record ({n})", t.elapsed().as_nanos() as f64 / (2000.0 * 8192.0));
    }
}
