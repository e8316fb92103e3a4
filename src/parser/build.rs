//! From pest pairs to the AST: operator precedence (precedence climbing), literal conversion, arity and node limits,
//! and the translation of pest's errors into OData terms.

use std::cell::Cell;

use pest::iterators::{Pair, Pairs};
use pest::Parser as _;

use super::grammar::{ODataGrammar, Rule};
use super::Limits;
use crate::ast::*;
use crate::error::{Error, ErrorKind};

/// How an operator in the flat `expr` sequence combines with its operands.
#[derive(Clone, Copy)]
enum Affix {
    Prefix,
    Infix,
    Postfix,
}

/// The operators' binding power, loosest first: `or`, `and`, `eq ne`, `gt ge lt le`, `add sub`,
/// `mul div divby mod`, prefix `-` and `not`, then `has` and postfix `in`. All binary operators are
/// left-associative. `None` for an operand. (This is the table pest's `PrattParser` was given before; the
/// fold below is the same algorithm without its boxed closures and map look-ups, which cost about a fifth
/// of the time of parsing a short filter.)
fn binding(rule: Rule) -> Option<(Affix, u8)> {
    use Affix::*;
    Some(match rule {
        Rule::op_or => (Infix, 1),
        Rule::op_and => (Infix, 2),
        Rule::op_eq | Rule::op_ne => (Infix, 3),
        Rule::op_gt | Rule::op_ge | Rule::op_lt | Rule::op_le => (Infix, 4),
        Rule::op_add | Rule::op_sub => (Infix, 5),
        Rule::op_mul | Rule::op_div | Rule::op_divby | Rule::op_mod => (Infix, 6),
        Rule::neg | Rule::not => (Prefix, 7),
        Rule::op_has => (Infix, 8),
        Rule::in_set => (Postfix, 8),
        _ => return None,
    })
}

type PairIter<'i> = std::iter::Peekable<Pairs<'i, Rule>>;

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
    fn error(&self, kind: ErrorKind, span: Span, message: impl Into<String>) -> Error {
        Error::new(kind, span, message, self.input)
    }

    /// Counts one node against [`Limits::max_nodes`].
    fn node(&self, kind: ExprKind, span: Span) -> Result<Expr, Error> {
        let n = self.nodes.get() + 1;
        self.nodes.set(n);
        if n > self.limits.max_nodes {
            return Err(self.error(
                ErrorKind::LimitExceeded,
                span,
                format!(
                    "the filter has more than {} expression nodes",
                    self.limits.max_nodes
                ),
            ));
        }
        Ok(Expr::new(kind, span))
    }

    fn expr(&self, pair: Pair<'_, Rule>) -> Result<Expr, Error> {
        debug_assert_eq!(pair.as_rule(), Rule::expr);
        self.fold(&mut pair.into_inner().peekable(), 0)
    }

    /// Precedence climbing over the flat sequence of operands and operators of one `expr`: folds while
    /// the next operator binds more tightly than `min`. Recursion depth is bounded by the pre-scan (each
    /// prefix operator counts as a nesting level; binary operators recurse at most once per level).
    fn fold(&self, pairs: &mut PairIter<'_>, min: u8) -> Result<Expr, Error> {
        let first = pairs.next().expect("an expression starts with an operand");
        let mut lhs = match binding(first.as_rule()) {
            Some((Affix::Prefix, power)) => {
                // The operand of a prefix operator takes only what binds more tightly than the prefix.
                let rhs = self.fold(pairs, power - 1)?;
                self.prefix(first, rhs)?
            }
            Some(_) => unreachable!("an operand or prefix operator, not {:?}", first.as_rule()),
            None => self.operand(first)?,
        };
        while let Some(next) = pairs.peek() {
            let (affix, power) = binding(next.as_rule()).expect("an operator between operands");
            if power <= min {
                break;
            }
            let op = pairs.next().expect("peeked");
            lhs = match affix {
                Affix::Infix => {
                    let rhs = self.fold(pairs, power)?;
                    self.infix(lhs, op, rhs)?
                }
                Affix::Postfix => self.postfix(lhs, op)?,
                Affix::Prefix => unreachable!("a prefix operator after an operand"),
            };
        }
        Ok(lhs)
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
    fn infix(&self, lhs: Expr, op: Pair<'_, Rule>, rhs: Expr) -> Result<Expr, Error> {
        let op = match op.as_rule() {
            Rule::op_or => BinaryOp::Or,
            Rule::op_and => BinaryOp::And,
            Rule::op_eq => BinaryOp::Eq,
            Rule::op_ne => BinaryOp::Ne,
            Rule::op_gt => BinaryOp::Gt,
            Rule::op_ge => BinaryOp::Ge,
            Rule::op_lt => BinaryOp::Lt,
            Rule::op_le => BinaryOp::Le,
            Rule::op_has => BinaryOp::Has,
            Rule::op_add => BinaryOp::Add,
            Rule::op_sub => BinaryOp::Sub,
            Rule::op_mul => BinaryOp::Mul,
            Rule::op_div => BinaryOp::Div,
            Rule::op_divby => BinaryOp::DivBy,
            Rule::op_mod => BinaryOp::Mod,
            other => unreachable!("not an infix operator: {other:?}"),
        };
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
            return Err(self.error(
                ErrorKind::Syntax,
                span_of(bad),
                "an 'in' list holds only literals and parameter aliases; this item is a property \
                 or another expression",
            ));
        }
        if items.len() > self.limits.max_in_list_items {
            return Err(self.error(
                ErrorKind::LimitExceeded,
                list_span,
                format!(
                    "the 'in' list has {} items; the limit is {}",
                    items.len(),
                    self.limits.max_in_list_items
                ),
            ));
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
            Rule::path | Rule::name_path => self.path(pair),
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
            self.error(
                ErrorKind::InvalidLiteral,
                span_of(pair),
                format!("invalid JSON string: {e}"),
            )
        })
    }

    fn call(&self, pair: Pair<'_, Rule>) -> Result<Expr, Error> {
        let span = span_of(&pair);
        let mut inner = pair.into_inner();
        let name_pair = inner.next().expect("function name");
        let name = name_pair.as_str();
        let Some(function) = Function::from_name(name) else {
            let hint = did_you_mean(name, Function::ALL.iter().map(|f| f.name()));
            let stop = if hint.is_empty() { "" } else { "." };
            return Err(self.error(
                ErrorKind::UnknownFunction,
                span_of(&name_pair),
                format!("unknown function '{name}'{stop}{hint}"),
            ));
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
            let expected = if min == max {
                format!("{min}")
            } else {
                format!("{min} or {max}")
            };
            let plural = if max == 1 { "" } else { "s" };
            return Err(self.error(
                ErrorKind::ArgumentCount,
                span,
                format!(
                    "{}() takes {expected} argument{plural}, found {}",
                    function.name(),
                    args.len()
                ),
            ));
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
                    format!(
                        "the last argument of {}() must be a type name such as Edm.String",
                        function.name()
                    ),
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
                format!(
                    "a type name such as Edm.String can only be the last argument of cast() or \
                     isof(), not of {}()",
                    function.name()
                ),
            ));
        }
        self.node(ExprKind::Call { function, args }, span)
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
                    "nothing may follow an any() or all() lambda in a path",
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
                    let ident = Ident::new(name.clone(), part_span);
                    segments.push(Segment {
                        kind: SegmentKind::Function { name, params },
                        ident,
                    });
                    continue;
                }
                other => unreachable!("not a path part: {other:?}"),
            };
            segments.push(Segment {
                kind,
                ident: Ident::new(text, part_span),
            });
        }
        if let (PathRoot::Implicit, [seg], None) = (root, segments.as_slice(), &lambda) {
            if let SegmentKind::TypeCast(name) = &seg.kind {
                // ABNF `memberExpr`: a qualified name is a call `Ns.F()` or a cast followed by `/`.
                return Err(self.error(
                    ErrorKind::Syntax,
                    Span::new(span.end, span.end),
                    format!(
                        "expected '(' or '/' after '{name}': a qualified name is a function call \
                         such as {name}() or a type cast followed by '/'"
                    ),
                ));
            }
            if seg.ident.name.eq_ignore_ascii_case("not") {
                // A lone `not` is the operator with its operand missing, not a property.
                return Err(self.error(
                    ErrorKind::Syntax,
                    Span::new(span.end, span.end),
                    "expected a value, property or function call after 'not'",
                ));
            }
            if super::errors::is_keyword_operator(&seg.ident.name) {
                // `a eq 1 and and`: a binary operator where an operand belongs, not a property.
                return Err(self.error(
                    ErrorKind::Syntax,
                    span,
                    format!(
                        "expected a value, property or function call, found the operator '{}'",
                        seg.ident.name
                    ),
                ));
            }
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
                "all() needs a range variable and a predicate, such as all(c: c/commandStatus eq 'Completed')",
            ));
        }
        Ok(Lambda { kind, predicate })
    }

    /// Parses the quoted part of `text` (a literal at `span`) with the grammar rule `rule`; on failure
    /// the error points at the first character that does not fit.
    fn check_inside(
        &self,
        rule: Rule,
        text: &str,
        span: Span,
        message: impl FnOnce() -> String,
    ) -> Result<(), Error> {
        let body = quoted_part(text);
        let Err(e) = ODataGrammar::parse(rule, body) else {
            return Ok(());
        };
        let at = match e.location {
            pest::error::InputLocation::Pos(p) => p,
            pest::error::InputLocation::Span((s, _)) => s,
        };
        let start = span.start + (text.len() - 1 - body.len()) + at;
        Err(self.error(
            ErrorKind::InvalidLiteral,
            Span::new(start, self.char_end(start).min(span.end)),
            message(),
        ))
    }

    /// The end of the character starting at byte `at` (so that a span never splits a character).
    fn char_end(&self, at: usize) -> usize {
        self.input
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(at, |c| at + c.len_utf8())
    }

    /// The error for a malformed literal at `span` whose part at `offset` (from the literal's start) plus
    /// `bad.at` is wrong.
    fn bad(&self, span: Span, offset: usize, bad: Bad) -> Error {
        let start = (span.start + offset + bad.at.start).min(span.end);
        let end = (span.start + offset + bad.at.end).clamp(start, span.end);
        let end = if self.input.is_char_boundary(end) {
            end
        } else {
            self.char_end(start).min(span.end)
        };
        self.error(
            ErrorKind::InvalidLiteral,
            Span::new(start, end),
            bad.message,
        )
    }

    fn literal(&self, pair: &Pair<'_, Rule>) -> Result<Literal, Error> {
        let text = pair.as_str();
        let span = span_of(pair);
        let invalid = |message: String| self.error(ErrorKind::InvalidLiteral, span, message);
        Ok(match pair.as_rule() {
            Rule::null => Literal::Null,
            Rule::boolean => Literal::Boolean(text.eq_ignore_ascii_case("true")),
            Rule::nan_inf => Literal::Double(if text == "INF" {
                f64::INFINITY
            } else {
                f64::NAN
            }),
            Rule::string => Literal::String(unquote(&text[1..text.len() - 1])),
            Rule::number => {
                if text == "-INF" {
                    Literal::Double(f64::NEG_INFINITY)
                } else if text.contains(['e', 'E']) {
                    match text.parse::<f64>() {
                        Ok(v) if v.is_finite() => Literal::Double(v),
                        _ => {
                            return Err(invalid(format!(
                                "the number {text} is out of the range of Edm.Double"
                            )))
                        }
                    }
                } else if text.contains('.') {
                    Literal::Decimal(text.strip_prefix('+').unwrap_or(text).to_string())
                } else {
                    match text.parse::<i64>() {
                        Ok(v) => Literal::Int(v),
                        Err(_) => {
                            return Err(invalid(format!(
                                "the integer {text} is out of the Int64 range \
                                 (-9223372036854775808 to 9223372036854775807)"
                            )))
                        }
                    }
                }
            }
            Rule::guid => Literal::Guid(
                Uuid::parse_str(text).map_err(|e| invalid(format!("invalid Guid {text}: {e}")))?,
            ),
            Rule::date => Literal::Date(parse_date(text).map_err(|b| self.bad(span, 0, b))?),
            Rule::date_time_offset => Literal::DateTimeOffset(
                parse_date_time_offset(text).map_err(|b| self.bad(span, 0, b))?,
            ),
            Rule::time_of_day => {
                Literal::TimeOfDay(parse_time(text).map_err(|b| self.bad(span, 0, b))?)
            }
            Rule::duration => {
                let value = quoted_part(text);
                let value_start = text.len() - 1 - value.len();
                check_duration(value).map_err(|b| self.bad(span, value_start, b))?;
                Literal::Duration(value.to_string())
            }
            Rule::binary => {
                use base64::Engine as _;
                let value = quoted_part(text);
                let engine = base64::engine::GeneralPurpose::new(
                    &base64::alphabet::URL_SAFE,
                    base64::engine::GeneralPurposeConfig::new()
                        .with_decode_padding_mode(base64::engine::DecodePaddingMode::Indifferent)
                        .with_decode_allow_trailing_bits(true),
                );
                Literal::Binary(engine.decode(value).map_err(|e| {
                    invalid(format!("invalid binary literal (base64url expected): {e}"))
                })?)
            }
            Rule::geo => {
                let geography = text[..9].eq_ignore_ascii_case("geography");
                let body = quoted_part(text);
                let kind = if geography { "geography" } else { "geometry" };
                self.check_inside(Rule::geo_text, text, span, || {
                    format!("the {kind} literal {text} is not well-known text such as SRID=0;Point(142.1 64.1)")
                })?;
                Literal::Geo {
                    geography,
                    text: body.to_string(),
                }
            }
            Rule::enum_literal => {
                let quote = text.find('\'').expect("enum literal has a quote");
                let value = &text[quote + 1..text.len() - 1];
                if value.is_empty() {
                    return Err(invalid(format!("the enum literal {text} names no member")));
                }
                self.check_inside(Rule::enum_text, text, span, || {
                    format!(
                        "the enum literal {text} must hold member names or integers separated by \
                         commas, such as Ns.Color'Red,Blue'"
                    )
                })?;
                Literal::Enum {
                    type_name: text[..quote].to_string(),
                    value: value.to_string(),
                }
            }
            other => unreachable!("not a literal: {other:?}"),
        })
    }
}

/// The text between the first quote and the closing one: `duration'P1D'` → `P1D`.
fn quoted_part(text: &str) -> &str {
    let start = text.find('\'').expect("quoted literal") + 1;
    &text[start..text.len() - 1]
}

/// Turns `''` into `'` in the body of a string literal.
fn unquote(body: &str) -> String {
    if body.contains('\'') {
        body.replace("''", "'")
    } else {
        body.to_string()
    }
}

/// What is wrong with a literal, and where inside its text (byte range).
struct Bad {
    message: String,
    at: std::ops::Range<usize>,
}

impl Bad {
    fn new(message: String, at: std::ops::Range<usize>) -> Self {
        Bad { message, at }
    }

    /// The same problem in a larger text where this one starts at `offset` and reads `whole`.
    fn within(mut self, offset: usize, part: &str, whole: &str) -> Self {
        self.at = self.at.start + offset..self.at.end + offset;
        self.message = self.message.replace(part, whole);
        self
    }
}

fn parse_date(text: &str) -> Result<DateLiteral, Bad> {
    // Year may be negative and longer than four digits: split from the right.
    let malformed = || {
        Bad::new(
            format!("{text} is not a date such as 2024-01-31"),
            0..text.len(),
        )
    };
    let (rest, day_text) = text.rsplit_once('-').ok_or_else(malformed)?;
    let (year_text, month_text) = rest.rsplit_once('-').ok_or_else(malformed)?;
    let (month_at, day_at) = (rest.len() - 2, text.len() - 2);
    let year: i32 = year_text.parse().map_err(|_| {
        Bad::new(
            format!("the year {year_text} is out of range"),
            0..year_text.len(),
        )
    })?;
    let month: u8 = month_text.parse().map_err(|_| malformed())?;
    let day: u8 = day_text.parse().map_err(|_| malformed())?;
    let date = DateLiteral { year, month, day };
    if !(1..=12).contains(&month) {
        return Err(Bad::new(
            format!("{text} is not a valid date: month {month_text} is not 01 to 12"),
            month_at..month_at + 2,
        ));
    }
    if date.to_naive().is_none() {
        return Err(Bad::new(
            format!("{text} is not a valid date: day {day_text} does not exist in that month"),
            day_at..day_at + 2,
        ));
    }
    Ok(date)
}

fn parse_time(text: &str) -> Result<TimeOfDayLiteral, Bad> {
    let b = text.as_bytes();
    let two = |i: usize| (b[i] - b'0') * 10 + (b[i + 1] - b'0');
    let hour = two(0);
    let minute = two(3);
    let (second, fraction) = if b.len() > 5 {
        let second = two(6);
        let fraction = if b.len() > 8 {
            Some(text[9..].to_string())
        } else {
            None
        };
        (Some(second), fraction)
    } else {
        (None, None)
    };
    if hour > 23 {
        return Err(Bad::new(
            format!("{text} is not a valid time: hour {hour} is not 00 to 23"),
            0..2,
        ));
    }
    if minute > 59 {
        return Err(Bad::new(
            format!("{text} is not a valid time: minute {minute} is not 00 to 59"),
            3..5,
        ));
    }
    if let Some(s) = second {
        // 60 is a leap second, as the ABNF's `second` allows.
        if s > 60 {
            return Err(Bad::new(
                format!("{text} is not a valid time: second {s} is not 00 to 60"),
                6..8,
            ));
        }
    }
    if let Some(f) = &fraction {
        if f.len() > 12 {
            return Err(Bad::new(
                format!(
                    "{text} has {} fractional-second digits; at most 12 are allowed",
                    f.len()
                ),
                9 + 12..text.len(),
            ));
        }
    }
    Ok(TimeOfDayLiteral {
        hour,
        minute,
        second,
        fraction,
    })
}

fn parse_date_time_offset(text: &str) -> Result<DateTimeOffsetLiteral, Bad> {
    // Offset: trailing Z, or ±hh:mm (six bytes).
    let (body, offset) = if text.ends_with(['Z', 'z']) {
        (&text[..text.len() - 1], UtcOffset::Z)
    } else {
        let (body, off) = text.split_at(text.len() - 6);
        let ob = off.as_bytes();
        let hours = (ob[1] - b'0') * 10 + (ob[2] - b'0');
        let minutes = (ob[4] - b'0') * 10 + (ob[5] - b'0');
        if hours > 23 || minutes > 59 {
            return Err(Bad::new(
                format!("{text} has an invalid offset {off}"),
                body.len()..text.len(),
            ));
        }
        (
            body,
            UtcOffset::Fixed {
                negative: ob[0] == b'-',
                hours,
                minutes,
            },
        )
    };
    let (date, time) = match body.find(['T', 't']) {
        Some(t) => (&body[..t], Some((t + 1, &body[t + 1..]))),
        None => (body, None),
    };
    let date = parse_date(date).map_err(|e| e.within(0, date, text))?;
    let time = match time {
        Some((at, t)) => Some(parse_time(t).map_err(|e| e.within(at, t, text))?),
        None => None,
    };
    Ok(DateTimeOffsetLiteral { date, time, offset })
}

/// Checks an ISO 8601 duration `[-]P[nD][T[nH][nM][n[.n]S]]` with at least one component; the error
/// points at the first character that does not fit.
fn check_duration(value: &str) -> Result<(), Bad> {
    let b = value.as_bytes();
    let bad = |at: usize| {
        let unit = b.get(at).copied();
        let hint = match unit {
            Some(b'Y' | b'W') => ": years and weeks are not allowed in an Edm.Duration, use days",
            Some(b'M') if !value[..at].contains('T') => {
                ": months are not allowed in an Edm.Duration, use days (PT…M are minutes)"
            }
            _ => "",
        };
        Bad::new(
            format!("'{value}' is not a duration such as P1DT2H30M or PT0.5S{hint}"),
            at..(at + 1).min(b.len()).max(at),
        )
    };
    let digits = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let mut i = usize::from(b.first() == Some(&b'-'));
    if b.get(i) != Some(&b'P') {
        return Err(bad(i));
    }
    i += 1;
    let mut components = 0;
    let n = digits(i);
    if n > 0 {
        if b.get(i + n) != Some(&b'D') {
            return Err(bad(i + n));
        }
        i += n + 1;
        components += 1;
    }
    if b.get(i) == Some(&b'T') {
        i += 1;
        let mut units: &[u8] = b"HMS";
        let time_start = i;
        while i < b.len() {
            let n = digits(i);
            if n == 0 {
                return Err(bad(i));
            }
            let mut j = i + n;
            if b.get(j) == Some(&b'.') {
                let f = digits(j + 1);
                if f == 0 {
                    return Err(bad(j + 1));
                }
                j += 1 + f;
                // Only seconds may have a fraction.
                if b.get(j) != Some(&b'S') {
                    return Err(bad(j));
                }
            }
            match units.iter().position(|u| b.get(j) == Some(u)) {
                Some(p) => units = &units[p + 1..],
                None => return Err(bad(j)),
            }
            i = j + 1;
            components += 1;
        }
        if i == time_start {
            return Err(bad(i));
        }
    }
    if i < b.len() || components == 0 {
        return Err(bad(i));
    }
    Ok(())
}

/// " Did you mean 'x'?" for the closest candidate within a small edit distance, or "".
pub(crate) fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    crate::suggest::closest(name, candidates)
        .map(crate::suggest::did_you_mean)
        .unwrap_or_default()
}
