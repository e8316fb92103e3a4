//! Option names: the system options by their canonical name, and the errors of a name that cannot be
//! an option's or is given twice.

use super::*;

/// The error for a part of the query string whose name cannot be an option's: most often the rest of
/// a `$filter` cut off by an `&` typed for "and" or inside a string.
#[allow(clippy::too_many_arguments)]
pub(super) fn bad_option_name(
    raw: &Arc<str>,
    base: usize,
    at: usize,
    name: &str,
    name_span: Span,
    previous: Option<&str>,
    no_option_at_all: bool,
    parser: &Parser,
) -> Error {
    let previous_option = previous
        .and_then(|p| system_name(p.split('=').next().unwrap_or("")))
        .filter(|_| at > base);
    if let Some(option) = previous_option {
        return Error::for_reason(
            ErrorKind::InvalidQueryString,
            Span::new(at - 1, at),
            Reason::AmpersandEndsOption {
                option: option.to_string(),
            },
            raw.clone(),
        );
    }
    if at == base && no_option_at_all {
        let text = decode(&raw[base..], base, raw)
            .map(|d| d.text)
            .unwrap_or_default();
        if parser.parse(&text).is_ok() {
            let fixed = format!("$filter={text}");
            return Error::for_reason(
                ErrorKind::InvalidQueryString,
                Span::new(base, raw.len()),
                Reason::NoOption { fixed },
                raw.clone(),
            );
        }
    }
    Error::for_reason(
        ErrorKind::InvalidQueryString,
        name_span,
        Reason::BadOptionName {
            name: name.to_string(),
        },
        raw.clone(),
    )
}

pub(super) fn duplicate(opt: &RawOption<'_>, raw: &Arc<str>) -> Error {
    Error::for_reason(
        ErrorKind::DuplicateQueryOption,
        opt.name_span,
        Reason::DuplicateOption {
            option: opt.name.clone(),
        },
        raw.clone(),
    )
}

/// The canonical system option name for `name` (case-insensitive, `$` optional).
pub(super) fn system_name(name: &str) -> Option<&'static str> {
    let bare = name.strip_prefix('$').unwrap_or(name);
    SYSTEM_OPTIONS
        .iter()
        .copied()
        .find(|s| s.eq_ignore_ascii_case(bare))
}
