//! `$select`: property names (paths keep their `/`) or `*`.

use super::decode::split_top_level;
use super::*;

pub(super) fn parse_select(text: &Arc<str>) -> Result<Select, Error> {
    let mut items = Vec::new();
    for (at, item) in split_top_level(text) {
        let lead = item.len() - item.trim_start().len();
        let name = item.trim();
        let span = Span::new(at + lead, at + lead + name.len());
        let valid = name == "*"
            || (!name.is_empty()
                && name.split('/').all(|seg| {
                    let mut chars = seg.chars();
                    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
                        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '.')
                }));
        if !valid {
            return Err(Error::for_reason(
                ErrorKind::InvalidQueryOptionValue,
                span,
                Reason::BadSelectItem {
                    name: name.to_string(),
                },
                text.clone(),
            ));
        }
        items.push(Ident::new(name, span));
    }
    Ok(Select {
        text: text.clone(),
        items,
    })
}
