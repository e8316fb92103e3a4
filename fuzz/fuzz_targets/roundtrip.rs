//! Printing is the serializer: for every accepted input, `parse(print(e)) == e` and printing the
//! re-parsed tree gives the same text again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odata_filter::{parse_filter, Limits, Parser};

fuzz_target!(|data: &[u8]| {
    let Ok(input) = std::str::from_utf8(data) else {
        return;
    };
    let Ok(first) = parse_filter(input) else {
        return;
    };
    let printed = first.to_string();
    // The canonical text may be longer than the input and one level deeper (`- 5` and `-(5)` print as
    // `-(5)`, whose parentheses are a level of their own), so it is read back with limits that allow that.
    let reparser = Parser::new().limits(Limits {
        max_depth: Limits::default().max_depth + 1,
        ..Limits::generous(usize::MAX)
    });
    let second = match reparser.parse(&printed) {
        Ok(e) => e,
        Err(e) => panic!("input {input:?} printed as {printed:?}, which does not parse:\n{e}"),
    };
    assert_eq!(
        first, second,
        "input {input:?} printed as {printed:?}, which parses to a different tree"
    );
    let again = second.to_string();
    assert_eq!(
        printed, again,
        "printing is not idempotent for input {input:?}"
    );
});
