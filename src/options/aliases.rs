//! Parameter aliases (`@p=…`): their values, their substitution into `$filter` and `$orderby`, and the
//! limits (nodes, depth, length) computed for the substituted text before any copy is made.

use super::*;

/// An alias value is an expression, or a parenthesised list for use with `in` (`@s=('a','b')`).
pub(super) fn parse_alias_value(value: &str, parser: &Parser) -> Result<Expr, Error> {
    match parser.parse(value) {
        Ok(expr) => Ok(expr),
        Err(err) if value.trim_start().starts_with('(') => {
            // Read the list as the right side of `in`; spans are replaced at substitution anyway.
            match parser.parse(&format!("x in {value}")) {
                Ok(Expr {
                    kind: ExprKind::In { set, .. },
                    ..
                }) => Ok(*set),
                _ => Err(err),
            }
        }
        Err(err) => Err(err),
    }
}

/// Nesting of aliases in alias values, bounded so that `@a=@b&@b=@a` ends.
pub(super) const MAX_ALIAS_DEPTH: usize = 8;

/// Replaces every `@name` in `expr` by a copy of the alias value, re-spanned to the `@name` it
/// replaces.
pub(super) fn substitute_aliases(
    expr: &mut Expr,
    aliases: &[(String, Expr)],
    source: &Arc<str>,
    depth: usize,
) -> Result<(), Error> {
    let mut result = Ok(());
    visit_mut(expr, &mut |e| {
        if result.is_err() {
            return;
        }
        let ExprKind::Alias(name) = &e.kind else {
            return;
        };
        let Some((_, value)) = aliases.iter().find(|(n, _)| *n == name.name) else {
            result = Err(Error::for_reason(
                ErrorKind::UndefinedAlias,
                e.span,
                Reason::UndefinedAlias {
                    alias: name.name.clone(),
                },
                source.clone(),
            ));
            return;
        };
        if depth >= MAX_ALIAS_DEPTH {
            result = Err(Error::for_reason(
                ErrorKind::UndefinedAlias,
                e.span,
                Reason::AliasRefersToItself {
                    alias: name.name.clone(),
                },
                source.clone(),
            ));
            return;
        }
        let span = e.span;
        let mut replacement = value.clone();
        if let Err(err) = substitute_aliases(&mut replacement, aliases, source, depth + 1) {
            result = Err(err);
            return;
        }
        set_spans(&mut replacement, span);
        *e = replacement;
    });
    result
}

/// The node count and depth of `expr` once its aliases are substituted, computed without substituting
/// (each alias's cost is computed once), saturating; `None` for an alias that refers to itself
/// (substitution reports it).
pub(super) fn expanded_cost(
    expr: &Expr,
    aliases: &[(String, Expr)],
    memo: &mut Vec<Option<(usize, usize)>>,
    active: &mut Vec<usize>,
) -> (usize, usize) {
    fn walk(
        e: &Expr,
        aliases: &[(String, Expr)],
        memo: &mut Vec<Option<(usize, usize)>>,
        active: &mut Vec<usize>,
    ) -> (usize, usize) {
        if let ExprKind::Alias(name) = &e.kind {
            let Some(i) = aliases.iter().position(|(n, _)| *n == name.name) else {
                return (1, 1);
            };
            if let Some(cost) = memo[i] {
                return cost;
            }
            if active.contains(&i) {
                return (1, 1);
            }
            active.push(i);
            let cost = walk(&aliases[i].1, aliases, memo, active);
            active.pop();
            memo[i] = Some(cost);
            return cost;
        }
        let mut nodes = 1usize;
        let mut depth = 0usize;
        let mut child = |c: &Expr, nodes: &mut usize, depth: &mut usize| {
            let (n, d) = walk(c, aliases, memo, active);
            *nodes = nodes.saturating_add(n);
            *depth = (*depth).max(d);
        };
        let mut children: Vec<&Expr> = Vec::new();
        children_of(e, &mut children);
        for c in children {
            child(c, &mut nodes, &mut depth);
        }
        // A chain of `and`/`or` is walked in loops, not recursion: it costs no nesting level.
        let chain = matches!(
            e.kind,
            ExprKind::Binary {
                op: crate::ast::BinaryOp::And | crate::ast::BinaryOp::Or,
                ..
            }
        );
        (nodes, depth.saturating_add(usize::from(!chain)))
    }
    walk(expr, aliases, memo, active)
}

/// The direct sub-expressions of `e`.
pub(super) fn children_of<'e>(e: &'e Expr, out: &mut Vec<&'e Expr>) {
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Alias(_) | ExprKind::TypeName(_) => {}
        ExprKind::Path(path) => {
            for seg in &path.segments {
                if let crate::ast::SegmentKind::Function { params, .. } = &seg.kind {
                    out.extend(params.iter().map(|(_, v)| v));
                }
            }
            if let Some((_, body)) = path.lambda.as_ref().and_then(|l| l.predicate.as_ref()) {
                out.push(body);
            }
        }
        ExprKind::Call { args, .. } => out.extend(args.iter()),
        ExprKind::Unary { operand, .. } => out.push(operand),
        ExprKind::Binary { left, right, .. } => {
            out.push(left);
            out.push(right);
        }
        ExprKind::In { operand, set } => {
            out.push(operand);
            out.push(set);
        }
        ExprKind::List(items) | ExprKind::Array(items) => out.extend(items.iter()),
        ExprKind::Object(members) => out.extend(members.iter().map(|(_, v)| v)),
    }
}

/// The parser's node and depth limits hold for `expr` after alias substitution: checked before the
/// substitution copies anything, so that aliases referring to aliases cannot grow a small query string
/// into an exponentially large tree.
pub(super) fn check_expansion(
    expr: &Expr,
    aliases: &[(String, Expr)],
    parser: &Parser,
    source: &Arc<str>,
) -> Result<(), Error> {
    let has_alias = {
        let mut stack = vec![expr];
        let mut found = false;
        while let Some(e) = stack.pop() {
            if matches!(e.kind, ExprKind::Alias(_)) {
                found = true;
                break;
            }
            children_of(e, &mut stack);
        }
        found
    };
    if !has_alias {
        return Ok(());
    }
    let limits = parser.current_limits();
    let mut memo = vec![None; aliases.len()];
    let (nodes, depth) = expanded_cost(expr, aliases, &mut memo, &mut Vec::new());
    let span = Span::new(0, source.len());
    if nodes > limits.max_nodes {
        return Err(Error::for_reason(
            ErrorKind::LimitExceeded,
            span,
            Reason::ExpandedTooManyNodes {
                nodes: nodes as u64,
                limit: limits.max_nodes as u64,
            },
            source.clone(),
        ));
    }
    if depth > limits.max_depth {
        return Err(Error::for_reason(
            ErrorKind::LimitExceeded,
            span,
            Reason::ExpandedTooDeep {
                depth: depth as u64,
                limit: limits.max_depth as u64,
            },
            source.clone(),
        ));
    }
    let length = expanded_length(
        expr,
        aliases,
        &mut vec![None; aliases.len()],
        &mut Vec::new(),
    );
    if length > limits.max_length {
        return Err(Error::for_reason(
            ErrorKind::LimitExceeded,
            span,
            Reason::ExpandedTooLong {
                length: length as u64,
                limit: limits.max_length as u64,
            },
            source.clone(),
        ));
    }
    Ok(())
}

/// Counts the bytes written to it, storing none.
#[derive(Default)]
pub(super) struct ByteCount(usize);

impl fmt::Write for ByteCount {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = self.0.saturating_add(s.len());
        Ok(())
    }
}

/// The length of `value`'s `Display` text, without building it.
pub(crate) fn printed_length(value: &impl fmt::Display) -> usize {
    let mut count = ByteCount::default();
    // Writing to a counter cannot fail; a `Display` that fails prints nothing more.
    let _ = fmt::write(&mut count, format_args!("{value}"));
    count.0
}

/// The length of `expr`'s normalized text once its aliases are substituted, computed without
/// substituting (each alias's text is measured once), saturating. Parentheses that substitution may add
/// around a value are not counted: this is the least the substituted text can be, enough to refuse a
/// query string before copying; the exact length is checked on the substituted tree.
pub(super) fn expanded_length(
    expr: &Expr,
    aliases: &[(String, Expr)],
    memo: &mut Vec<Option<usize>>,
    active: &mut Vec<usize>,
) -> usize {
    let mut length = printed_length(expr);
    let mut stack = vec![expr];
    while let Some(e) = stack.pop() {
        let ExprKind::Alias(name) = &e.kind else {
            children_of(e, &mut stack);
            continue;
        };
        let Some(i) = aliases.iter().position(|(n, _)| *n == name.name) else {
            continue;
        };
        if active.contains(&i) {
            continue;
        }
        let value = match memo[i] {
            Some(l) => l,
            None => {
                active.push(i);
                let l = expanded_length(&aliases[i].1, aliases, memo, active);
                active.pop();
                memo[i] = Some(l);
                l
            }
        };
        // `@name` is replaced by the value's text.
        length = length
            .saturating_sub(name.name.len() + 1)
            .saturating_add(value);
    }
    length
}

/// The length limit holds for the text the query prints, not only for the text as written: normalizing
/// puts `, ` between list items and one space around operators, and substitutes aliases, so a filter
/// accepted near the limit could otherwise print as text that is refused when read back.
pub(super) fn check_normalized_length(
    expr: &Expr,
    parser: &Parser,
    source: &Arc<str>,
) -> Result<(), Error> {
    let limit = parser.current_limits().max_length;
    let length = printed_length(expr);
    if length <= limit {
        return Ok(());
    }
    Err(Error::for_reason(
        ErrorKind::LimitExceeded,
        Span::new(0, source.len()),
        Reason::NormalizedTooLong {
            length: length as u64,
            limit: limit as u64,
        },
        source.clone(),
    ))
}

/// Calls `f` on `expr` and, unless `f` replaced it, on its children (pre-order).
pub(super) fn visit_mut(expr: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    f(expr);
    match &mut expr.kind {
        ExprKind::Literal(_) | ExprKind::Alias(_) | ExprKind::TypeName(_) => {}
        ExprKind::Path(path) => {
            for seg in &mut path.segments {
                if let crate::ast::SegmentKind::Function { params, .. } = &mut seg.kind {
                    for (_, v) in params {
                        visit_mut(v, f);
                    }
                }
            }
            if let Some(lambda) = &mut path.lambda {
                if let Some((_, body)) = &mut lambda.predicate {
                    visit_mut(body, f);
                }
            }
        }
        ExprKind::Call { args, .. } => args.iter_mut().for_each(|a| visit_mut(a, f)),
        ExprKind::Unary { operand, .. } => visit_mut(operand, f),
        ExprKind::Binary { left, right, .. } => {
            visit_mut(left, f);
            visit_mut(right, f);
        }
        ExprKind::In { operand, set } => {
            visit_mut(operand, f);
            visit_mut(set, f);
        }
        ExprKind::List(items) | ExprKind::Array(items) => {
            items.iter_mut().for_each(|a| visit_mut(a, f))
        }
        ExprKind::Object(members) => members.iter_mut().for_each(|(_, v)| visit_mut(v, f)),
    }
}

pub(super) fn set_spans(expr: &mut Expr, span: Span) {
    visit_mut(expr, &mut |e| e.span = span);
}

pub(super) fn shift_spans(expr: &mut Expr, offset: usize) {
    visit_mut(expr, &mut |e| e.span = e.span.shift(offset));
}
