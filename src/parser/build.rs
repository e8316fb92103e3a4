//! From pest pairs to the AST: operator precedence (Pratt), literal conversion, arity and node limits,
//! and the translation of pest's errors into OData terms.

use std::cell::Cell;
use std::sync::LazyLock;

use pest::iterators::Pair;
use pest::pratt_parser::{Assoc, Op, PrattParser};
use pest::Parser as _;

use super::grammar::{ODataGrammar, Rule};
use super::Limits;
use crate::ast::*;
use crate::error::{Error, ErrorKind};

static PRATT: LazyLock<PrattParser<Rule>> = LazyLock::new(|| {
    use Assoc::Left;
    PrattParser::new()
        .op(Op::infix(Rule::op_or, Left))
        .op(Op::infix(Rule::op_and, Left))
        .op(Op::infix(Rule::op_eq, Left) | Op::infix(Rule::op_ne, Left))
        .op(Op::infix(Rule::op_gt, Left)
            | Op::infix(Rule::op_ge, Left)
            | Op::infix(Rule::op_lt, Left)
            | Op::infix(Rule::op_le, Left))
        .op(Op::infix(Rule::op_add, Left) | Op::infix(Rule::op_sub, Left))
        .op(Op::infix(Rule::op_mul, Left)
            | Op::infix(Rule::op_div, Left)
            | Op::infix(Rule::op_divby, Left)
            | Op::infix(Rule::op_mod, Left))
        .op(Op::prefix(Rule::neg) | Op::prefix(Rule::not))
        .op(Op::infix(Rule::op_has, Left) | Op::postfix(Rule::in_set))
});

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
        PRATT
            .map_primary(|p| self.operand(p))
            .map_prefix(|op, rhs| {
                let rhs = rhs?;
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
            })
            .map_postfix(|lhs, op| {
                let lhs = lhs?;
                let span = lhs.span.to(span_of(&op));
                let set = op.into_inner().next().expect("in has a set");
                let set = match set.as_rule() {
                    Rule::list => {
                        let list_span = span_of(&set);
                        let items = set
                            .into_inner()
                            .map(|p| self.expr(p))
                            .collect::<Result<Vec<_>, _>>()?;
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
                        Expr::new(ExprKind::List(items), list_span)
                    }
                    _ => self.operand(set)?,
                };
                self.node(
                    ExprKind::In {
                        operand: Box::new(lhs),
                        set: Box::new(set),
                    },
                    span,
                )
            })
            .map_infix(|lhs, op, rhs| {
                let (lhs, rhs) = (lhs?, rhs?);
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
            })
            .parse(pair.into_inner())
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
            return Err(self.error(
                ErrorKind::UnknownFunction,
                span_of(&name_pair),
                format!("unknown function '{name}'{hint}"),
            ));
        };
        let mut args = inner.map(|p| self.expr(p)).collect::<Result<Vec<_>, _>>()?;
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
                    Literal::Decimal(text.to_string())
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
            Rule::date => Literal::Date(parse_date(text).map_err(invalid)?),
            Rule::date_time_offset => {
                Literal::DateTimeOffset(parse_date_time_offset(text).map_err(invalid)?)
            }
            Rule::time_of_day => Literal::TimeOfDay(parse_time(text).map_err(invalid)?),
            Rule::duration => {
                let value = quoted_part(text);
                check_duration(value).map_err(invalid)?;
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
            Rule::geo => Literal::Geo {
                geography: text[..9].eq_ignore_ascii_case("geography"),
                text: quoted_part(text).to_string(),
            },
            Rule::enum_literal => {
                let quote = text.find('\'').expect("enum literal has a quote");
                let value = &text[quote + 1..text.len() - 1];
                if value.is_empty() {
                    return Err(invalid(format!("the enum literal {text} names no member")));
                }
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

fn parse_date(text: &str) -> Result<DateLiteral, String> {
    // Year may be negative and longer than four digits: split from the right.
    let (rest, day) = text.rsplit_once('-').ok_or("malformed date")?;
    let (year, month) = rest.rsplit_once('-').ok_or("malformed date")?;
    let year: i32 = year
        .parse()
        .map_err(|_| format!("the year {year} is out of range"))?;
    let month: u8 = month.parse().map_err(|_| "malformed month".to_string())?;
    let day: u8 = day.parse().map_err(|_| "malformed day".to_string())?;
    let date = DateLiteral { year, month, day };
    if !(1..=12).contains(&month) {
        return Err(format!(
            "{text} is not a valid date: month {month} is not 01 to 12"
        ));
    }
    if date.to_naive().is_none() {
        return Err(format!(
            "{text} is not a valid date: day {day} does not exist in that month"
        ));
    }
    Ok(date)
}

fn parse_time(text: &str) -> Result<TimeOfDayLiteral, String> {
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
        return Err(format!(
            "{text} is not a valid time: hour {hour} is not 00 to 23"
        ));
    }
    if minute > 59 {
        return Err(format!(
            "{text} is not a valid time: minute {minute} is not 00 to 59"
        ));
    }
    if let Some(s) = second {
        if s > 59 {
            return Err(format!(
                "{text} is not a valid time: second {s} is not 00 to 59"
            ));
        }
    }
    if let Some(f) = &fraction {
        if f.len() > 12 {
            return Err(format!(
                "{text} has {} fractional-second digits; at most 12 are allowed",
                f.len()
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

fn parse_date_time_offset(text: &str) -> Result<DateTimeOffsetLiteral, String> {
    // Offset: trailing Z, or ±hh:mm (six bytes).
    let (body, offset) = if text.ends_with(['Z', 'z']) {
        (&text[..text.len() - 1], UtcOffset::Z)
    } else {
        let (body, off) = text.split_at(text.len() - 6);
        let ob = off.as_bytes();
        let hours = (ob[1] - b'0') * 10 + (ob[2] - b'0');
        let minutes = (ob[4] - b'0') * 10 + (ob[5] - b'0');
        if hours > 23 || minutes > 59 {
            return Err(format!("{text} has an invalid offset {off}"));
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
        Some(t) => (&body[..t], Some(&body[t + 1..])),
        None => (body, None),
    };
    let date = parse_date(date).map_err(|e| e.replace(date, text))?;
    let time = match time {
        Some(t) => Some(parse_time(t).map_err(|e| e.replace(t, text))?),
        None => None,
    };
    Ok(DateTimeOffsetLiteral { date, time, offset })
}

/// Checks an ISO 8601 duration `[-]P[nD][T[nH][nM][n[.n]S]]` with at least one component.
fn check_duration(value: &str) -> Result<(), String> {
    let bad = || format!("'{value}' is not a duration such as P1DT2H30M or PT0.5S");
    let rest = value.strip_prefix('-').unwrap_or(value);
    let rest = rest.strip_prefix('P').ok_or_else(bad)?;
    let (date_part, time_part) = match rest.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (rest, None),
    };
    let mut components = 0;
    if !date_part.is_empty() {
        let days = date_part.strip_suffix('D').ok_or_else(bad)?;
        if days.is_empty() || !days.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        components += 1;
    }
    if let Some(mut t) = time_part {
        let mut time_components = 0;
        for unit in ['H', 'M', 'S'] {
            if let Some(pos) = t.find(unit) {
                let num = &t[..pos];
                let ok = if unit == 'S' {
                    let (int, frac) = num.split_once('.').unwrap_or((num, "0"));
                    !int.is_empty()
                        && !frac.is_empty()
                        && int.bytes().all(|b| b.is_ascii_digit())
                        && frac.bytes().all(|b| b.is_ascii_digit())
                } else {
                    !num.is_empty() && num.bytes().all(|b| b.is_ascii_digit())
                };
                if !ok {
                    return Err(bad());
                }
                t = &t[pos + 1..];
                time_components += 1;
            }
        }
        if !t.is_empty() || time_components == 0 {
            return Err(bad());
        }
        components += time_components;
    }
    if components == 0 {
        return Err(bad());
    }
    Ok(())
}

/// " (did you mean 'x'?)" for the closest candidate within a small edit distance, or "".
pub(crate) fn did_you_mean<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> String {
    crate::suggest::closest(name, candidates)
        .map(|c| format!(" (did you mean '{c}'?)"))
        .unwrap_or_default()
}
