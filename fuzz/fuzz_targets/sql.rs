//! Any query string the validator accepts compiles to SQL for both dialects without a panic (or is
//! an "… is not supported by …" error), and compiling twice gives the same statement.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odata_filter::mde::{machine_actions, machines};
use odata_filter::query::Query;
use odata_filter::sql::{compile_query, layout::Layout, Dialect, Postgres, Sqlite};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    for set in [machine_actions(), machines()] {
        let Ok(q) = Query::from_query_string(input, set) else {
            continue;
        };
        let layout = Layout::new(set);
        let dialects: [&dyn Dialect; 2] = [&Sqlite, &Postgres];
        for d in dialects {
            let a = compile_query(&q, &layout, d);
            if let Ok(a) = &a {
                let b = compile_query(&q, &layout, d).ok();
                assert_eq!(Some(&a.select.sql), b.as_ref().map(|b| &b.select.sql));
            }
            let _ = layout.create_statements(d);
        }
    }
});
