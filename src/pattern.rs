//! `matchesPattern` regular expressions: compiled with a size limit, and cached, so that a pattern costs
//! one compilation per query however many records it is matched against.

use std::cell::RefCell;
use std::collections::HashMap;

use regex::{Regex, RegexBuilder};

/// The most memory one compiled pattern may take (the `regex` crate's size limit), 256 KiB: ample for
/// the patterns a filter needs (`^[a-z0-9.-]+@contoso\.com$` takes a few KiB), small enough that a
/// handful of hostile ones (`\w{1000}`) cannot cost seconds or gigabytes.
pub const MAX_PATTERN_SIZE: usize = 256 * 1024;

/// The most `matchesPattern` calls one filter may contain.
pub const MAX_PATTERNS: usize = 16;

/// Compiles `pattern` within [`MAX_PATTERN_SIZE`].
pub(crate) fn compile(pattern: &str) -> Result<Regex, regex::Error> {
    RegexBuilder::new(pattern)
        .size_limit(MAX_PATTERN_SIZE)
        .dfa_size_limit(MAX_PATTERN_SIZE)
        .build()
}

/// How many compiled patterns a thread keeps.
const CACHE_ENTRIES: usize = 64;

thread_local! {
    static CACHE: RefCell<HashMap<String, Option<Regex>>> = RefCell::new(HashMap::new());
}

/// [`compile`], remembered per thread: a pattern computed per record (`matchesPattern(tolower(x), p)`)
/// is compiled once, not once per record. `None` for an invalid or over-size pattern.
pub(crate) fn cached(pattern: &str) -> Option<Regex> {
    CACHE.with(|cache| {
        let mut cache = cache.borrow_mut();
        if let Some(re) = cache.get(pattern) {
            return re.clone();
        }
        if cache.len() >= CACHE_ENTRIES {
            cache.clear();
        }
        let re = compile(pattern).ok();
        cache.insert(pattern.to_string(), re.clone());
        re
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oversize_patterns_are_refused() {
        assert!(compile(r"^[a-z0-9.-]+@contoso\.com$").is_ok());
        assert!(compile(r"\w{1000}").is_err());
        assert!(cached(r"\w{1000}").is_none());
        assert!(cached("a+").is_some_and(|re| re.is_match("aa")));
    }
}
