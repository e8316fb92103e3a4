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
    // The canonical text may be longer than the input and have more nodes (an alias list, say), but it
    // never nests deeper: it is read back with the default depth and no length or node limit.
    let reparser = Parser::new().limits(Limits::generous(usize::MAX));
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
