//! Parses one filter N times: a fixed workload for `valgrind --tool=callgrind` (`benches/callgrind.sh`
//! runs it with N = 0 and N > 0 and divides the difference by N, which removes the start-up cost).
//!
//! ```text
//! cargo run --release --example parse_n -- "status eq 'Pending'" 100
//! ```
//!
//! Exits with status 1 when the filter is rejected, so that a case the parser does not accept is not
//! measured as a fast rejection.

use std::hint::black_box;

use odata_filter::{Limits, Parser};

fn main() {
    let mut args = std::env::args().skip(1);
    let (Some(filter), Some(n)) = (args.next(), args.next()) else {
        eprintln!("usage: parse_n FILTER N");
        std::process::exit(2);
    };
    let n: usize = n.parse().expect("N is a number");
    let parser = Parser::new().limits(Limits::generous(1 << 20));
    if let Err(e) = parser.parse(&filter) {
        eprintln!("rejected: {e}");
        std::process::exit(1);
    }
    for _ in 0..n {
        drop(black_box(parser.parse(black_box(&filter))));
    }
}
