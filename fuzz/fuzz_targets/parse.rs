//! No input makes the parser panic, with default limits or tiny ones, and every accepted tree prints.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odata_filter::{parse_filter, Limits, Parser};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(expr) = parse_filter(input) {
        let _ = expr.to_string();
        let _ = expr.to_url();
    }
    // Tiny limits exercise every limit error path, including those hit half-way through building.
    let tiny = Parser::new().limits(Limits {
        max_length: 64,
        max_depth: 3,
        max_nodes: 5,
        max_in_list_items: 2,
    });
    if let Ok(expr) = tiny.parse(input) {
        let _ = expr.to_string();
    }
});
