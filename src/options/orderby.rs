//! `$orderby`: comma-separated keys with an optional direction, each parsed as an expression.

use super::aliases::shift_spans;
use super::decode::split_top_level;
use super::*;

pub(super) fn parse_orderby(
    text: &Arc<str>,
    parser: &Parser,
    aliases: &[(String, Expr)],
    max_keys: usize,
) -> Result<OrderBy, Error> {
    let mut items = Vec::new();
    let parts = split_top_level(text);
    if parts.len() > max_keys {
        let (at, _) = parts[max_keys];
        return Err(Error::for_reason(
            ErrorKind::LimitExceeded,
            Span::new(at, text.len()),
            Reason::TooManyOrderbyKeys {
                keys: parts.len() as u64,
                limit: max_keys as u64,
            },
            text.clone(),
        ));
    }
    for (at, item) in parts {
        let trimmed_start = item.len() - item.trim_start().len();
        let body = item.trim();
        let body_at = at + trimmed_start;
        if body.is_empty() {
            return Err(Error::for_reason(
                ErrorKind::InvalidQueryOptionValue,
                Span::new(at, at + item.len()),
                Reason::EmptyOrderbyItem,
                text.clone(),
            ));
        }
        let (key, descending) = match body.rsplit_once([' ', '\t']) {
            Some((k, dir)) if dir.eq_ignore_ascii_case("desc") => (k.trim_end(), true),
            Some((k, dir)) if dir.eq_ignore_ascii_case("asc") => (k.trim_end(), false),
            Some((_, dir))
                if dir.eq_ignore_ascii_case("descending")
                    || dir.eq_ignore_ascii_case("ascending") =>
            {
                let short = if dir.len() > 9 { "desc" } else { "asc" };
                let dir_at = body_at + body.len() - dir.len();
                return Err(Error::for_reason(
                    ErrorKind::InvalidQueryOptionValue,
                    Span::new(dir_at, dir_at + dir.len()),
                    Reason::BadSortDirection {
                        found: dir.to_string(),
                        fix: short.to_string(),
                    },
                    text.clone(),
                ));
            }
            _ => (body, false),
        };
        let mut expr = parser.parse(key).map_err(|e| e.relocate(body_at, text))?;
        shift_spans(&mut expr, body_at);
        check_expansion(&expr, aliases, parser, text)?;
        substitute_aliases(&mut expr, aliases, text, 0)?;
        check_normalized_length(&expr, parser, text)?;
        items.push(OrderByItem { expr, descending });
    }
    Ok(OrderBy {
        text: text.clone(),
        items,
    })
}
