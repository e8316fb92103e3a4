//! Whole query strings (options, aliases, `$orderby`, `$select`, URLs): no input panics, and every valid
//! one executes over sample records within the time and memory bounds (run with `-timeout=2`).
#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use odata_filter::mde::machine_actions;
use odata_filter::mde::MachineAction;
use odata_filter::query::Query;

fn records() -> &'static [MachineAction] {
    static RECORDS: OnceLock<Vec<MachineAction>> = OnceLock::new();
    RECORDS.get_or_init(|| odata_filter::mde::sample::machine_actions(50, 1))
}

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let set = machine_actions();
    let validated = if Query::is_url(input) {
        Query::from_url(input, set)
    } else {
        Query::from_query_string(input, set)
    };
    match validated {
        Ok(q) => {
            // The normalized form validates back to itself, with the same (default) limits: the
            // length limit holds for the normalized text too.
            let printed = q.to_string();
            let again = Query::from_query_string(&printed, set)
                .unwrap_or_else(|e| panic!("{printed:?} does not validate: {e}"));
            assert_eq!(again.to_string(), printed);
            let _ = q.response(records());
        }
        Err(errors) => {
            let _ = errors.to_string();
            let _ = odata_filter::mde::error_body(&errors, None);
        }
    }
});
