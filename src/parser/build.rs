//! From pest pairs to the AST: operator precedence (precedence climbing), function arity and the node
//! limits. Literal text is converted by [`literal`](super::literal), pest's errors are put in OData
//! terms by `errors`.

use std::cell::Cell;

use pest::iterators::{Pair, Pairs};
use pest::Parser as _;

use super::grammar::{ODataGrammar, Rule};
use super::literal::{self, LiteralFault};
use super::Limits;
use crate::ast::*;
use crate::error::{Error, ErrorKind, Reason};

/// How an operator in the flat `expr` sequence combines with its operands.
#[derive(Clone, Copy)]
enum Affix {
    Prefix,
    Infix(BinaryOp),
    Postfix,
}

/// The operators' binding power, from the one precedence table ([`BinaryOp::precedence`],
/// [`UNARY_PRECEDENCE`], [`MEMBERSHIP_PRECEDENCE`]) that the printers use too. All binary operators
/// are left-associative. `None` for an operand. A binary operator's keyword is read here once.
fn binding(pair: &Pair<'_, Rule>) -> Option<(Affix, u8)> {
    Some(match pair.as_rule() {
        Rule::binary_op => {
            let op = BinaryOp::from_keyword(pair.as_str())
                .expect("the grammar matched an operator keyword");
            (Affix::Infix(op), op.precedence())
        }
        Rule::neg | Rule::not => (Affix::Prefix, UNARY_PRECEDENCE),
        Rule::in_set => (Affix::Postfix, MEMBERSHIP_PRECEDENCE),
        _ => return None,
    })
}

/// The flat sequence of one `expr`: pest's pairs, where a `comparison` token stands for three items.
struct Items<'i> {
    pairs: std::iter::Peekable<Pairs<'i, Rule>>,
    /// The binding of the operator that `pairs.peek()` holds, once read: the folds of every level
    /// look at the same operator before one of them takes it.
    peeked: Option<(Affix, u8)>,
    /// What is left of the last `comparison` read: its operator and literal, then the literal alone.
    pending: Pending,
}

/// The items of a `comparison` token not folded yet.
enum Pending {
    None,
    Infix(BinaryOp, Expr),
    Operand(Expr),
}

/// Which literal rule of `comparison` matched `text`: a string starts with a quote; a date-time has a
/// `-` right after its year (four digits or more), which no number has (the `-` of a number is its sign
/// or its exponent's).
fn comparison_literal(text: &str) -> Rule {
    let b = text.as_bytes();
    if b.first() == Some(&b'\'') {
        return Rule::string;
    }
    let body = b.strip_prefix(b"-").unwrap_or(b);
    match body.iter().position(|c| !c.is_ascii_digit()) {
        Some(i) if i >= 4 && body[i] == b'-' => Rule::date_time_offset,
        _ => Rule::number,
    }
}

/// Parses `input` (already pre-scanned) into an expression.
pub(super) fn parse(input: &str, limits: &Limits) -> Result<Expr, Error> {
    let mut pairs = match ODataGrammar::parse(Rule::filter, input) {
        Ok(p) => p,
        Err(e) => return Err(super::errors::translate_error(input, &e)),
    };
    let filter = pairs.next().expect("filter rule matched");
    let expr = filter
        .into_inner()
        .find(|p| p.as_rule() == Rule::expr)
        .expect("filter contains an expression");
    let builder = Builder {
        input,
        limits,
        nodes: Cell::new(0),
    };
    builder.expr(expr)
}

struct Builder<'a> {
    input: &'a str,
    limits: &'a Limits,
    nodes: Cell<usize>,
}

fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    Span::new(s.start(), s.end())
}

impl Builder<'_> {
    /// The error for `reason` at `span` of the input; its message is made by [`Reason`].
    fn error(&self, kind: ErrorKind, span: Span, reason: Reason) -> Error {
        Error::for_reason(kind, span, reason, self.input)
    }

    /// Counts one node against [`Limits::max_nodes`].
    fn node(&self, kind: ExprKind, span: Span) -> Result<Expr, Error> {
        let n = self.nodes.get() + 1;
        self.nodes.set(n);
        if n > self.limits.max_nodes {
            let limit = self.limits.max_nodes as u64;
            return Err(self.error(
                ErrorKind::LimitExceeded,
                span,
                Reason::TooManyNodes { limit },
            ));
        }
        Ok(Expr::new(kind, span))
    }

    fn expr(&self, pair: Pair<'_, Rule>) -> Result<Expr, Error> {
        debug_assert_eq!(pair.as_rule(), Rule::expr);
        let mut items = Items {
            pairs: pair.into_inner().peekable(),
            peeked: None,
            pending: Pending::None,
        };
        self.fold(&mut items, 0)
    }

    /// Precedence climbing over the flat sequence of operands and operators of one `expr`: folds while
    /// the next operator binds more tightly than `min`. Recursion depth is bounded by the pre-scan (each
    /// prefix operator counts as a nesting level; binary operators recurse at most once per level).
    fn fold(&self, items: &mut Items<'_>, min: u8) -> Result<Expr, Error> {
        let mut lhs = match std::mem::replace(&mut items.pending, Pending::None) {
            Pending::Operand(operand) => operand,
            Pending::Infix(..) => unreachable!("an operand, not the operator of a comparison"),
            Pending::None => {
                let first = items
                    .pairs
                    .next()
                    .expect("an expression starts with an operand");
                match binding(&first) {
                    Some((Affix::Prefix, power)) => {
                        // The operand of a prefix operator takes only what binds more tightly than
                        // the prefix.
                        let rhs = self.fold(items, power - 1)?;
                        self.prefix(first, rhs)?
                    }
                    Some(_) => {
                        unreachable!("an operand or prefix operator, not {:?}", first.as_rule())
                    }
                    None if first.as_rule() == Rule::comparison => {
                        let (property, op, literal) = self.comparison(&first)?;
                        items.pending = Pending::Infix(op, literal);
                        property
                    }
                    None => self.operand(first)?,
                }
            }
        };
        loop {
            let (affix, power) = match &items.pending {
                Pending::Infix(op, _) => (Affix::Infix(*op), op.precedence()),
                _ => match (items.peeked, items.pairs.peek()) {
                    (Some(peeked), _) => peeked,
                    (None, Some(next)) => {
                        let op = binding(next).expect("an operator between operands");
                        items.peeked = Some(op);
                        op
                    }
                    (None, None) => break,
                },
            };
            if power <= min {
                break;
            }
            lhs = match affix {
                Affix::Infix(op) => {
                    match std::mem::replace(&mut items.pending, Pending::None) {
                        Pending::Infix(_, literal) => items.pending = Pending::Operand(literal),
                        _ => {
                            items.peeked = None;
                            drop(items.pairs.next());
                        }
                    }
                    let rhs = self.fold(items, power)?;
                    self.infix(lhs, op, rhs)?
                }
                Affix::Postfix => {
                    items.peeked = None;
                    let op = items.pairs.next().expect("peeked");
                    self.postfix(lhs, op)?
                }
                Affix::Prefix => unreachable!("a prefix operator after an operand"),
            };
        }
        Ok(lhs)
    }

    /// The three parts of a `comparison` token, `name op literal`: the name as `name_path` reads it,
    /// the operator, and the literal, with their own spans.
    fn comparison(&self, pair: &Pair<'_, Rule>) -> Result<(Expr, BinaryOp, Expr), Error> {
        let text = pair.as_str();
        let at = pair.as_span().start();
        let bytes = text.as_bytes();
        let is_ws = |b: &u8| matches!(b, b' ' | b'\t' | b'\r' | b'\n');
        // The grammar put whitespace between the parts and none inside the name or the keyword.
        let skip = |from: usize, ws: bool| {
            from + bytes[from..]
                .iter()
                .position(|b| is_ws(b) != ws)
                .expect("a comparison has three parts")
        };
        let name_end = skip(0, false);
        let op_start = skip(name_end, true);
        let op_end = skip(op_start, false);
        let literal_start = skip(op_end, true);
        let op = BinaryOp::from_keyword(&text[op_start..op_end])
            .expect("the grammar matched an operator keyword");
        let property = self.lone_name(&text[..name_end], Span::new(at, at + name_end))?;
        let literal_text = &text[literal_start..];
        let span = Span::new(at + literal_start, at + text.len());
        let literal = literal::convert(comparison_literal(literal_text), literal_text)
            .map_err(|f| self.literal_error(span, 0, f))?;
        let literal = self.node(ExprKind::Literal(literal), span)?;
        Ok((property, op, literal))
    }

    /// `-x` or `not x`.
    fn prefix(&self, op: Pair<'_, Rule>, rhs: Expr) -> Result<Expr, Error> {
        let span = span_of(&op).to(rhs.span);
        let op = if op.as_rule() == Rule::neg {
            UnaryOp::Neg
        } else {
            UnaryOp::Not
        };
        self.node(
            ExprKind::Unary {
                op,
                operand: Box::new(rhs),
            },
            span,
        )
    }

    /// `x in set`.
    fn postfix(&self, lhs: Expr, op: Pair<'_, Rule>) -> Result<Expr, Error> {
        let span = lhs.span.to(span_of(&op));
        let set = op.into_inner().next().expect("in has a set");
        let set = match set.as_rule() {
            Rule::list => self.in_list(set)?,
            _ => self.operand(set)?,
        };
        self.node(
            ExprKind::In {
                operand: Box::new(lhs),
                set: Box::new(set),
            },
            span,
        )
    }

    /// `x op y` for the binary operators.
    fn infix(&self, lhs: Expr, op: BinaryOp, rhs: Expr) -> Result<Expr, Error> {
        let span = lhs.span.to(rhs.span);
        self.node(
            ExprKind::Binary {
                op,
                left: Box::new(lhs),
                right: Box::new(rhs),
            },
            span,
        )
    }

    /// The parenthesised right side of `in`: a list of literals and aliases (ABNF `listExpr`), or a
    /// parenthesised expression when it holds one item that is neither (`x in (path)`).
    fn in_list(&self, list: Pair<'_, Rule>) -> Result<Expr, Error> {
        let list_span = span_of(&list);
        let items: Vec<Pair<'_, Rule>> = list.into_inner().collect();
        let is_expr = |p: &Pair<'_, Rule>| p.as_rule() == Rule::expr;
        match items.as_slice() {
            [only] if is_expr(only) => {
                let mut e = self.expr(only.clone())?;
                e.span = list_span;
                return Ok(e);
            }
            _ => {}
        }
        if let Some(bad) = items.iter().find(|p| is_expr(p)) {
            return Err(self.error(ErrorKind::Syntax, span_of(bad), Reason::NonLiteralInList));
        }
        if items.len() > self.limits.max_in_list_items {
            let reason = Reason::TooManyListItems {
                items: items.len() as u64,
                limit: self.limits.max_in_list_items as u64,
            };
            return Err(self.error(ErrorKind::LimitExceeded, list_span, reason));
        }
        // Items count against `max_in_list_items`, not `max_nodes` (see `Limits`).
        let items = items
            .iter()
            .map(|p| {
                let span = span_of(p);
                Ok(Expr::new(
                    match p.as_rule() {
                        Rule::alias => ExprKind::Alias(Ident::new(
                            &p.as_str()[1..],
                            Span::new(span.start + 1, span.end),
                        )),
                        _ => ExprKind::Literal(self.literal(p)?),
                    },
                    span,
                ))
            })
            .collect::<Result<Vec<_>, Error>>()?;
        Ok(Expr::new(ExprKind::List(items), list_span))
    }

    fn operand(&self, pair: Pair<'_, Rule>) -> Result<Expr, Error> {
        let span = span_of(&pair);
        match pair.as_rule() {
            Rule::paren => {
                let inner = pair.into_inner().next().expect("paren holds an expression");
                let mut e = self.expr(inner)?;
                e.span = span;
                Ok(e)
            }
            Rule::call => self.call(pair),
            Rule::name_path => self.name_path(pair),
            Rule::path => self.path(pair),
            Rule::alias => {
                let name = &pair.as_str()[1..];
                self.node(
                    ExprKind::Alias(Ident::new(name, Span::new(span.start + 1, span.end))),
                    span,
                )
            }
            Rule::array => {
                let items = pair
                    .into_inner()
                    .map(|p| self.array_item(p))
                    .collect::<Result<Vec<_>, _>>()?;
                self.node(ExprKind::Array(items), span)
            }
            Rule::object => {
                let mut members = Vec::new();
                for member in pair.into_inner() {
                    let mut inner = member.into_inner();
                    let name = inner.next().expect("member name");
                    let name = self.json_string(&name)?;
                    let value = self.array_item(inner.next().expect("member value"))?;
                    members.push((name, value));
                }
                self.node(ExprKind::Object(members), span)
            }
            Rule::expr => self.expr(pair),
            _ => {
                let lit = self.literal(&pair)?;
                self.node(ExprKind::Literal(lit), span)
            }
        }
    }

    fn array_item(&self, pair: Pair<'_, Rule>) -> Result<Expr, Error> {
        if pair.as_rule() == Rule::json_string {
            let span = span_of(&pair);
            let s = self.json_string(&pair)?;
            return self.node(ExprKind::Literal(Literal::String(s)), span);
        }
        self.expr(pair)
    }

    fn json_string(&self, pair: &Pair<'_, Rule>) -> Result<String, Error> {
        serde_json::from_str::<String>(pair.as_str()).map_err(|e| {
            let problem = e.to_string();
            self.error(
                ErrorKind::InvalidLiteral,
                span_of(pair),
                Reason::InvalidJsonString { problem },
            )
        })
    }

    fn call(&self, pair: Pair<'_, Rule>) -> Result<Expr, Error> {
        let span = span_of(&pair);
        let mut inner = pair.into_inner();
        let name_pair = inner.next().expect("function name");
        let name = name_pair.as_str();
        let Some(function) = Function::from_name(name) else {
            let reason = Reason::UnknownFunction {
                name: name.to_string(),
                suggestion: crate::suggest::closest(name, Function::ALL.iter().map(|f| f.name()))
                    .map(str::to_string),
            };
            return Err(self.error(ErrorKind::UnknownFunction, span_of(&name_pair), reason));
        };
        let mut args = inner
            .map(|p| match p.as_rule() {
                Rule::type_arg => Ok(Expr::new(
                    ExprKind::TypeName(p.as_str().to_string()),
                    span_of(&p),
                )),
                _ => self.expr(p),
            })
            .collect::<Result<Vec<_>, _>>()?;
        let (min, max) = function.arity();
        if args.len() < min || args.len() > max {
            let reason = Reason::ArgumentCount {
                function,
                min,
                max,
                found: args.len(),
            };
            return Err(self.error(ErrorKind::ArgumentCount, span, reason));
        }
        if matches!(function, Function::Cast | Function::IsOf) {
            let last = args.pop().expect("arity at least 1");
            let type_name = match &last.kind {
                ExprKind::TypeName(name) => Some(name.clone()),
                ExprKind::Path(p) if p.root == PathRoot::Implicit && p.lambda.is_none() => {
                    match p.segments.as_slice() {
                        [seg] => match &seg.kind {
                            SegmentKind::Property(n) | SegmentKind::TypeCast(n) => Some(n.clone()),
                            _ => None,
                        },
                        _ => None,
                    }
                }
                _ => None,
            };
            let Some(type_name) = type_name else {
                return Err(self.error(
                    ErrorKind::Syntax,
                    last.span,
                    Reason::TypeNameExpected { function },
                ));
            };
            args.push(Expr::new(ExprKind::TypeName(type_name), last.span));
        } else if let Some(arg) = args
            .iter()
            .find(|a| matches!(a.kind, ExprKind::TypeName(_)))
        {
            return Err(self.error(
                ErrorKind::Syntax,
                arg.span,
                Reason::TypeNameNotLast { function },
            ));
        }
        self.node(ExprKind::Call { function, args }, span)
    }

    /// A path that starts with a name. The grammar reads `null`, `true`, `false`, `INF` and `NaN` as such
    /// a name (cheaper than testing for them before every name); alone they are literals, and nothing
    /// may follow them.
    fn name_path(&self, pair: Pair<'_, Rule>) -> Result<Expr, Error> {
        let span = span_of(&pair);
        let text = pair.as_str();
        // The first name ends at the first `/` (a name holds none): read from the text, not the pairs.
        let slash = text.bytes().position(|b| b == b'/');
        let first = &text[..slash.unwrap_or(text.len())];
        if let Some(literal) = literal::keyword(first) {
            if first.len() < text.len() {
                let at = span.start + first.len();
                let reason = Reason::LiteralHasNoMembers {
                    literal: first.to_string(),
                };
                return Err(self.error(ErrorKind::Syntax, Span::new(at, at + 1), reason));
            }
            return self.node(ExprKind::Literal(literal), span);
        }
        if slash.is_none() {
            return self.lone_name(first, span);
        }
        self.path(pair)
    }

    /// A name alone, `status` (one property, the most frequent operand) or a keyword literal.
    fn lone_name(&self, name: &str, span: Span) -> Result<Expr, Error> {
        if let Some(literal) = literal::keyword(name) {
            return self.node(ExprKind::Literal(literal), span);
        }
        self.check_lone_name(name, span)?;
        let segment = Segment::new(SegmentKind::Property(name.to_string()), span);
        self.node(
            ExprKind::Path(Path {
                root: PathRoot::Implicit,
                segments: vec![segment],
                lambda: None,
            }),
            span,
        )
    }

    /// A path of one name that is an operator keyword is that operator with an operand missing.
    fn check_lone_name(&self, name: &str, span: Span) -> Result<(), Error> {
        if name.eq_ignore_ascii_case("not") {
            // A lone `not` is the operator with its operand missing, not a property.
            return Err(self.error(
                ErrorKind::Syntax,
                Span::new(span.end, span.end),
                Reason::NotWithoutOperand,
            ));
        }
        if name.len() <= 5 && super::errors::is_keyword_operator(name) {
            // `a eq 1 and and`: a binary operator where an operand belongs, not a property.
            let reason = Reason::OperatorAsOperand {
                operator: name.to_string(),
                after: None,
            };
            return Err(self.error(ErrorKind::Syntax, span, reason));
        }
        Ok(())
    }

    fn path(&self, pair: Pair<'_, Rule>) -> Result<Expr, Error> {
        let span = span_of(&pair);
        let mut root = PathRoot::Implicit;
        let mut segments = Vec::new();
        let mut lambda = None;
        for part in pair.into_inner() {
            if lambda.is_some() {
                return Err(self.error(
                    ErrorKind::InvalidLambda,
                    span_of(&part),
                    Reason::AfterLambda,
                ));
            }
            let part_span = span_of(&part);
            let text = part.as_str();
            let kind = match part.as_rule() {
                Rule::path_root => {
                    root = match text {
                        "$it" => PathRoot::It,
                        "$this" => PathRoot::This,
                        _ => PathRoot::Root,
                    };
                    continue;
                }
                Rule::lambda => {
                    lambda = Some(Box::new(self.lambda(part)?));
                    continue;
                }
                Rule::count_segment => SegmentKind::Count,
                Rule::annotation_segment => SegmentKind::Annotation(text[1..].to_string()),
                Rule::type_segment => SegmentKind::TypeCast(text.to_string()),
                Rule::property_segment => SegmentKind::Property(text.to_string()),
                Rule::function_segment => {
                    let mut inner = part.into_inner();
                    let name = inner.next().expect("function name").as_str().to_string();
                    let mut params = Vec::new();
                    for arg in inner {
                        let mut kv = arg.into_inner();
                        let key = kv.next().expect("parameter name");
                        let key = Ident::new(key.as_str(), span_of(&key));
                        let value = self.expr(kv.next().expect("parameter value"))?;
                        params.push((key, value));
                    }
                    segments.push(Segment::new(
                        SegmentKind::Function { name, params },
                        part_span,
                    ));
                    continue;
                }
                other => unreachable!("not a path part: {other:?}"),
            };
            segments.push(Segment::new(kind, part_span));
        }
        if let (PathRoot::Implicit, [seg], None) = (root, segments.as_slice(), &lambda) {
            if let SegmentKind::TypeCast(name) = &seg.kind {
                // ABNF `memberExpr`: a qualified name is a call `Ns.F()` or a cast followed by `/`.
                let reason = Reason::QualifiedNameAlone { name: name.clone() };
                return Err(self.error(ErrorKind::Syntax, Span::new(span.end, span.end), reason));
            }
            self.check_lone_name(seg.name(), span)?;
        }
        self.node(
            ExprKind::Path(Path {
                root,
                segments,
                lambda,
            }),
            span,
        )
    }

    fn lambda(&self, pair: Pair<'_, Rule>) -> Result<Lambda, Error> {
        let mut inner = pair.into_inner();
        let kind_pair = inner.next().expect("lambda kind");
        let kind = if kind_pair.as_str().eq_ignore_ascii_case("any") {
            LambdaKind::Any
        } else {
            LambdaKind::All
        };
        let predicate = match (inner.next(), inner.next()) {
            (Some(var), Some(body)) => {
                Some((Ident::new(var.as_str(), span_of(&var)), self.expr(body)?))
            }
            _ => None,
        };
        if kind == LambdaKind::All && predicate.is_none() {
            return Err(self.error(
                ErrorKind::InvalidLambda,
                span_of(&kind_pair),
                Reason::AllWithoutPredicate,
            ));
        }
        Ok(Lambda { kind, predicate })
    }

    /// The error for a malformed literal at `span`: `fault.at` is where inside the literal's text
    /// (bytes from `offset`), widened to whole characters.
    fn literal_error(&self, span: Span, offset: usize, fault: LiteralFault) -> Error {
        let start = (span.start + offset + fault.at.start).min(span.end);
        let end = (span.start + offset + fault.at.end).clamp(start, span.end);
        let end = if self.input.is_char_boundary(end) {
            end
        } else {
            self.char_end(start).min(span.end)
        };
        let reason = Reason::MalformedLiteral {
            problem: fault.problem,
        };
        self.error(ErrorKind::InvalidLiteral, Span::new(start, end), reason)
    }

    /// The end of the character starting at byte `at` (so that a span never splits a character).
    fn char_end(&self, at: usize) -> usize {
        self.input
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(at, |c| at + c.len_utf8())
    }

    fn literal(&self, pair: &Pair<'_, Rule>) -> Result<Literal, Error> {
        literal::convert(pair.as_rule(), pair.as_str())
            .map_err(|f| self.literal_error(span_of(pair), 0, f))
    }
}
