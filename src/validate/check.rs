//! The type checker: AST in, typed IR out, every error of the query collected with its span.

use std::sync::Arc;

use chrono::{FixedOffset, NaiveTime};

use super::ir::*;
use super::{InvalidNode, ValidateOptions};
use crate::ast::{
    self, BinaryOp, Expr, ExprKind, Function, LambdaKind, PathRoot, SegmentKind, Span, UnaryOp,
};
use crate::error::{Error, ErrorKind};
use crate::schema::{EdmType, EntitySet, EnumType, Lookup, StructuredType};
use crate::semantics::{arithmetic_type, compare_type, promote, scalar::int_arith};
use crate::suggest::closest;
use crate::value::{parse_duration, Decimal, EnumValue, Uuid, Value};

/// The result of checking one node.
struct Checked {
    expr: TypedExpr,
    /// The value of a constant integer expression (for overflow detection).
    constant: Option<i64>,
}

impl Checked {
    fn ty(&self) -> Option<&EdmType> {
        self.expr.ty()
    }

    fn plain(expr: TypedExpr) -> Checked {
        Checked {
            expr,
            constant: None,
        }
    }
}

struct Var<'a> {
    name: &'a str,
    elem: EdmType,
}

pub(super) struct Checker<'a> {
    set: &'a EntitySet,
    options: &'a ValidateOptions,
    vars: Vec<Var<'a>>,
    /// The query option being checked, for messages: `$filter` or `$orderby`.
    option: &'static str,
    /// Current recursion depth of [`Checker::check`].
    depth: usize,
    pub(super) errors: Vec<Error>,
}

/// The deepest expression nesting the checker recurses into. Parsed trees are already bounded by the
/// parser's limits (default depth 100); this guards trees built in code and parsers configured deeper.
/// A level costs about 6 KiB of stack in debug builds (measured: 300 levels fit a 2 MiB thread, 400 do
/// not), so 200 keeps a wide margin on a spawned thread's 2 MiB stack.
pub(super) const MAX_DEPTH: usize = 200;

/// OData's name for an operator in "incompatible types" messages.
fn operator_kind(op: BinaryOp) -> &'static str {
    match op {
        BinaryOp::Eq => "Equal",
        BinaryOp::Ne => "NotEqual",
        BinaryOp::Gt => "GreaterThan",
        BinaryOp::Ge => "GreaterThanOrEqual",
        BinaryOp::Lt => "LessThan",
        BinaryOp::Le => "LessThanOrEqual",
        BinaryOp::Has => "Has",
        BinaryOp::And => "And",
        BinaryOp::Or => "Or",
        BinaryOp::Add => "Add",
        BinaryOp::Sub => "Subtract",
        BinaryOp::Mul => "Multiply",
        BinaryOp::Div => "Divide",
        BinaryOp::DivBy => "DivideBy",
        BinaryOp::Mod => "Modulo",
    }
}

fn type_name(ty: Option<&EdmType>) -> String {
    ty.map_or_else(|| "null".to_string(), |t| t.to_string())
}

fn int_literal_type(i: i64) -> EdmType {
    if i32::try_from(i).is_ok() {
        EdmType::Int32
    } else {
        EdmType::Int64
    }
}

fn midnight_utc(d: chrono::NaiveDate) -> Option<chrono::DateTime<FixedOffset>> {
    d.and_time(NaiveTime::MIN)
        .and_local_timezone(FixedOffset::east_opt(0)?)
        .single()
}

/// True for expressions whose type comes from context: literals and negated numeric literals.
fn is_literal(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Literal(_) => true,
        ExprKind::Unary {
            op: UnaryOp::Neg,
            operand,
        } => matches!(operand.kind, ExprKind::Literal(_)),
        _ => false,
    }
}

fn is_guid_text(s: &str) -> Option<Uuid> {
    if s.len() != 36 {
        return None;
    }
    Uuid::try_parse(s).ok()
}

/// A suggestion for a literal of the wrong type, if the fix is obvious from the literal.
fn mismatch_hint(lit: &Expr, expected: Option<&EdmType>) -> Option<String> {
    let ExprKind::Literal(l) = &lit.kind else {
        return None;
    };
    let expected = expected?;
    match (l, expected) {
        (ast::Literal::String(s), EdmType::DateTimeOffset) => {
            let parsed = crate::parse_filter(s).ok()?;
            let text = match parsed.kind {
                ExprKind::Literal(ast::Literal::DateTimeOffset(dt)) => {
                    Value::DateTimeOffset(dt.to_chrono()?).to_string()
                }
                ExprKind::Literal(ast::Literal::Date(d)) => {
                    Value::DateTimeOffset(midnight_utc(d.to_naive()?)?).to_string()
                }
                _ => return None,
            };
            Some(format!(
                "Drop the quotes to write a date-time literal: {text}"
            ))
        }
        (ast::Literal::String(s), EdmType::Date) => {
            let parsed = crate::parse_filter(s).ok()?;
            matches!(parsed.kind, ExprKind::Literal(ast::Literal::Date(_)))
                .then(|| format!("Drop the quotes to write a date literal: {s}"))
        }
        (ast::Literal::String(s), t) if t.is_numeric() => {
            let parsed = crate::parse_filter(s).ok()?;
            matches!(
                parsed.kind,
                ExprKind::Literal(
                    ast::Literal::Int(_) | ast::Literal::Decimal(_) | ast::Literal::Double(_)
                )
            )
            .then(|| format!("Drop the quotes to write a number: {s}"))
        }
        (ast::Literal::Int(i), EdmType::Enum(e)) => {
            let member = e
                .member_by_value(*i)
                .or_else(|| e.members().first())
                .map(|m| m.name())?;
            Some(format!(
                "Enum values are written as quoted member names, e.g. '{member}'."
            ))
        }
        (
            ast::Literal::Int(_)
            | ast::Literal::Decimal(_)
            | ast::Literal::Double(_)
            | ast::Literal::Guid(_)
            | ast::Literal::Date(_)
            | ast::Literal::DateTimeOffset(_)
            | ast::Literal::TimeOfDay(_)
            | ast::Literal::Boolean(_),
            EdmType::String,
        ) => {
            let shown = match l {
                ast::Literal::Int(i) => i.to_string(),
                ast::Literal::Decimal(d) => d.clone(),
                ast::Literal::Double(d) => d.to_string(),
                ast::Literal::Guid(g) => g.to_string(),
                ast::Literal::Boolean(b) => b.to_string(),
                ast::Literal::Date(d) => Value::Date(d.to_naive()?).to_string(),
                ast::Literal::DateTimeOffset(dt) => {
                    Value::DateTimeOffset(dt.to_chrono()?).to_string()
                }
                _ => return None,
            };
            Some(format!("String values are quoted: '{shown}'"))
        }
        _ => None,
    }
}

impl<'a> Checker<'a> {
    pub(super) fn new(set: &'a EntitySet, options: &'a ValidateOptions) -> Self {
        Checker {
            set,
            options,
            vars: Vec::new(),
            option: "$filter",
            depth: 0,
            errors: Vec::new(),
        }
    }

    fn error(&mut self, kind: ErrorKind, span: Span, message: impl Into<String>) {
        self.errors.push(Error::new(kind, span, message, ""));
    }

    /// A node from a checked constructor. The checks before it make a refusal impossible; should one
    /// happen anyway, it is reported as a type error at `span` rather than lost.
    fn built(&mut self, node: Result<TypedExpr, InvalidNode>, span: Span) -> Option<Checked> {
        match node {
            Ok(expr) => Some(Checked::plain(expr)),
            Err(e) => {
                let msg = format!("The expression is not well typed: {e}.");
                self.error(ErrorKind::TypeMismatch, span, msg);
                None
            }
        }
    }

    /// Checks the whole filter, which must be Boolean.
    pub(super) fn filter(&mut self, e: &'a Expr) -> Option<TypedExpr> {
        let c = self.check(e, None)?;
        match c.ty() {
            None | Some(EdmType::Boolean) => Some(c.expr),
            Some(t) => {
                let msg = format!(
                    "The $filter expression must be of type 'Edm.Boolean', but it is of type '{t}'."
                );
                self.error(ErrorKind::TypeMismatch, e.span, msg);
                None
            }
        }
    }

    /// Checks an `$orderby` key: a value of a primitive or enum type.
    pub(super) fn sort_key(&mut self, e: &'a Expr) -> Option<TypedExpr> {
        self.option = "$orderby";
        let c = self.check(e, None)?;
        match c.ty() {
            Some(t) if t.is_primitive() || matches!(t, EdmType::Enum(_)) => Some(c.expr),
            t => {
                let msg = format!(
                    "The $orderby key must be of a primitive or enum type, but it is of type '{}'.",
                    type_name(t)
                );
                self.error(ErrorKind::TypeMismatch, e.span, msg);
                None
            }
        }
    }

    /// Checks `e`; `hint` is the type of the operand it is compared or combined with, which gives an
    /// untyped literal (a quoted enum member, a Guid in quotes, a date for a date-time) its type.
    fn check(&mut self, e: &'a Expr, hint: Option<&EdmType>) -> Option<Checked> {
        if self.depth >= MAX_DEPTH {
            let msg = format!("The expression is nested more than {MAX_DEPTH} levels deep.");
            self.error(ErrorKind::LimitExceeded, e.span, msg);
            return None;
        }
        self.depth += 1;
        let result = self.check_inner(e, hint);
        self.depth -= 1;
        result
    }

    fn check_inner(&mut self, e: &'a Expr, hint: Option<&EdmType>) -> Option<Checked> {
        match &e.kind {
            ExprKind::Literal(l) => self.literal(l, e.span, hint),
            ExprKind::Path(p) => self.path(p, e.span),
            ExprKind::Alias(name) => {
                let msg = format!(
                    "The parameter alias '@{}' is not defined in the query string.",
                    name.name
                );
                self.error(ErrorKind::UndefinedAlias, e.span, msg);
                None
            }
            ExprKind::Call { function, args } => self.call(*function, args, e.span),
            ExprKind::TypeName(name) => {
                let msg = format!(
                    "The type name '{name}' can only be used as the last argument of cast or isof."
                );
                self.error(ErrorKind::Unsupported, e.span, msg);
                None
            }
            ExprKind::Unary { op, operand } => self.unary(*op, operand, e.span, hint, None),
            ExprKind::Binary { op, left, right } => self.binary(*op, left, right, e.span),
            ExprKind::In { operand, set } => self.in_set(operand, set, e.span),
            ExprKind::List(_) => {
                self.error(
                    ErrorKind::Unsupported,
                    e.span,
                    "A parenthesised list of values can only be used on the right of 'in'.",
                );
                None
            }
            ExprKind::Array(_) | ExprKind::Object(_) => {
                self.error(
                    ErrorKind::Unsupported,
                    e.span,
                    "JSON array and object literals are not supported in $filter.",
                );
                None
            }
        }
    }

    fn lit(&mut self, span: Span, value: Value, ty: Option<EdmType>) -> Option<Checked> {
        let constant = match value {
            Value::Int(i) => Some(i),
            _ => None,
        };
        let mut c = self.built(TypedExpr::literal(value, ty), span)?;
        c.constant = constant;
        Some(c)
    }

    fn literal(&mut self, l: &ast::Literal, span: Span, hint: Option<&EdmType>) -> Option<Checked> {
        use ast::Literal as L;
        let hint = hint.filter(|h| !matches!(h, EdmType::Collection(_) | EdmType::Complex(_)));
        match (l, hint) {
            (L::Null, _) => self.lit(span, Value::Null, hint.cloned()),
            (L::String(s), Some(EdmType::Enum(e))) => {
                let e = Arc::clone(e);
                let v = self.enum_members(&e, s, span)?;
                self.lit(span, Value::Enum(v), Some(EdmType::Enum(e)))
            }
            (L::Enum { type_name, value }, _) => {
                let e = match hint {
                    Some(EdmType::Enum(e)) if self.names_enum(e, type_name) => Arc::clone(e),
                    _ => match self.find_enum(type_name) {
                        Some(e) => e,
                        None => {
                            let msg = format!("Unknown enum type '{type_name}'.");
                            self.error(ErrorKind::UnknownType, span, msg);
                            return None;
                        }
                    },
                };
                let v = self.enum_members(&e, value, span)?;
                self.lit(span, Value::Enum(v), Some(EdmType::Enum(e)))
            }
            (L::String(s), Some(EdmType::Guid)) => match is_guid_text(s) {
                Some(g) => self.lit(span, Value::Guid(g), Some(EdmType::Guid)),
                None => {
                    let msg = format!(
                        "The string '{s}' is not a valid Edm.Guid (expected the form 05c7bba5-828c-4451-9867-1191919f897e)."
                    );
                    self.error(ErrorKind::InvalidLiteral, span, msg);
                    None
                }
            },
            (L::String(s), _) => self.lit(span, Value::String(s.clone()), Some(EdmType::String)),
            (L::Boolean(b), _) => self.lit(span, Value::Boolean(*b), Some(EdmType::Boolean)),
            (L::Int(i), Some(h)) if h.is_numeric() => {
                let natural = int_literal_type(*i);
                match promote(&natural, h) {
                    Some(EdmType::Decimal) => self.lit(
                        span,
                        Value::Decimal(Decimal::from(*i)),
                        Some(EdmType::Decimal),
                    ),
                    Some(EdmType::Double) => {
                        self.lit(span, Value::Double(*i as f64), Some(EdmType::Double))
                    }
                    _ => self.lit(span, Value::Int(*i), Some(natural)),
                }
            }
            (L::Int(i), _) => self.lit(span, Value::Int(*i), Some(int_literal_type(*i))),
            (L::Decimal(text), _) => {
                let as_double = matches!(hint, Some(EdmType::Double | EdmType::Single));
                match text.parse::<Decimal>() {
                    Ok(d) if !as_double => {
                        self.lit(span, Value::Decimal(d), Some(EdmType::Decimal))
                    }
                    _ => match text.parse::<f64>() {
                        Ok(f) => self.lit(span, Value::Double(f), Some(EdmType::Double)),
                        Err(_) => {
                            let msg = format!("'{text}' is not a valid number.");
                            self.error(ErrorKind::InvalidLiteral, span, msg);
                            None
                        }
                    },
                }
            }
            (L::Double(d), _) => self.lit(span, Value::Double(*d), Some(EdmType::Double)),
            (L::Guid(g), _) => self.lit(span, Value::Guid(*g), Some(EdmType::Guid)),
            (L::Date(d), Some(EdmType::DateTimeOffset)) => {
                match d.to_naive().and_then(midnight_utc) {
                    Some(dt) => self.lit(
                        span,
                        Value::DateTimeOffset(dt),
                        Some(EdmType::DateTimeOffset),
                    ),
                    None => self.bad_literal(span),
                }
            }
            (L::Date(d), _) => match d.to_naive() {
                Some(d) => self.lit(span, Value::Date(d), Some(EdmType::Date)),
                None => self.bad_literal(span),
            },
            (L::DateTimeOffset(dt), _) => match dt.to_chrono() {
                Some(v) => self.lit(
                    span,
                    Value::DateTimeOffset(v),
                    Some(EdmType::DateTimeOffset),
                ),
                None => self.bad_literal(span),
            },
            (L::TimeOfDay(t), _) => {
                let nanos = t.nanos_since_midnight();
                let secs = u32::try_from(nanos / 1_000_000_000).ok();
                let frac = (nanos % 1_000_000_000) as u32;
                match secs.and_then(|s| NaiveTime::from_num_seconds_from_midnight_opt(s, frac)) {
                    Some(v) => self.lit(span, Value::TimeOfDay(v), Some(EdmType::TimeOfDay)),
                    None => self.bad_literal(span),
                }
            }
            (L::Duration(text), _) => match parse_duration(text) {
                Some(n) => self.lit(span, Value::Duration(n), Some(EdmType::Duration)),
                None => {
                    let msg = format!(
                        "'{text}' is not a valid Edm.Duration (expected days, hours, minutes and seconds, e.g. P1DT2H30M)."
                    );
                    self.error(ErrorKind::InvalidLiteral, span, msg);
                    None
                }
            },
            (L::Binary(b), _) => self.lit(span, Value::Binary(b.clone()), Some(EdmType::Binary)),
            (L::Geo { .. }, _) => {
                self.error(
                    ErrorKind::Unsupported,
                    span,
                    "Geography and geometry literals are not supported by this entity set.",
                );
                None
            }
        }
    }

    fn bad_literal(&mut self, span: Span) -> Option<Checked> {
        self.error(
            ErrorKind::InvalidLiteral,
            span,
            "The date or time literal is out of range.",
        );
        None
    }

    /// Resolves `'A'` or `'A,B'` (flags) to a value of `e`.
    fn enum_members(&mut self, e: &Arc<EnumType>, text: &str, span: Span) -> Option<EnumValue> {
        let mut value = 0i64;
        let parts: Vec<&str> = if e.is_flags() {
            text.split(',').map(str::trim).collect()
        } else {
            vec![text]
        };
        for part in parts {
            match e.member(part) {
                Some(m) => value |= m.value(),
                None => {
                    let mut msg = format!(
                        "The string '{part}' is not a valid member of enum type '{}'.",
                        e.qualified_name()
                    );
                    match closest(part, e.members().iter().map(|m| m.name())) {
                        Some(s) => msg.push_str(&format!(" Did you mean '{s}'?")),
                        None => {
                            let all: Vec<&str> = e.members().iter().map(|m| m.name()).collect();
                            msg.push_str(&format!(" Valid members: {}.", all.join(", ")));
                        }
                    }
                    self.error(ErrorKind::UnknownEnumMember, span, msg);
                    return None;
                }
            }
        }
        Some(EnumValue {
            ty: Arc::clone(e),
            value,
        })
    }

    /// True when `written` names enum type `e` (ignoring case unless names are strict).
    fn names_enum(&self, e: &EnumType, written: &str) -> bool {
        e.is_named(written) || !self.options.strict_case && e.is_named_ignore_case(written)
    }

    /// An enum type of the entity set's model, by qualified or bare name.
    fn find_enum(&self, name: &str) -> Option<Arc<EnumType>> {
        if let Some(e) = self.find_enum_by(name, false) {
            return Some(e);
        }
        if self.options.strict_case {
            return None;
        }
        self.find_enum_by(name, true)
    }

    fn find_enum_by(&self, name: &str, ignore_case: bool) -> Option<Arc<EnumType>> {
        fn walk(
            ty: &StructuredType,
            name: &str,
            ignore_case: bool,
            depth: u8,
        ) -> Option<Arc<EnumType>> {
            for p in ty.properties() {
                let mut t = p.ty();
                if let EdmType::Collection(inner) = t {
                    t = inner;
                }
                match t {
                    EdmType::Enum(e)
                        if e.is_named(name) || ignore_case && e.is_named_ignore_case(name) =>
                    {
                        return Some(Arc::clone(e))
                    }
                    EdmType::Complex(c) if depth < 8 => {
                        if let Some(e) = walk(c, name, ignore_case, depth + 1) {
                            return Some(e);
                        }
                    }
                    _ => {}
                }
            }
            None
        }
        walk(self.set.entity_type(), name, ignore_case, 0)
    }

    /// Resolves a type name used by `cast`/`isof`: a primitive `Edm.X` or an enum of the model.
    fn find_type(&self, name: &str) -> Option<EdmType> {
        EdmType::primitive_from_name(name).or_else(|| self.find_enum(name).map(EdmType::Enum))
    }

    fn path(&mut self, p: &'a ast::Path, span: Span) -> Option<Checked> {
        let mut segments = p.segments.as_slice();
        let (base, mut ty, mut structured) = match p.root {
            PathRoot::Implicit | PathRoot::This => {
                let var = match (p.root, segments.first()) {
                    (PathRoot::This, _) => match self.vars.len().checked_sub(1) {
                        Some(i) => Some(i),
                        None => {
                            self.error(
                                ErrorKind::Unsupported,
                                span,
                                "'$this' can only be used inside an any or all lambda.",
                            );
                            return None;
                        }
                    },
                    (_, Some(first)) => match &first.kind {
                        SegmentKind::Property(name) => {
                            let found = self.vars.iter().rposition(|v| v.name == name.as_str());
                            if found.is_some() {
                                segments = &segments[1..];
                            }
                            found
                        }
                        _ => None,
                    },
                    _ => None,
                };
                match var {
                    Some(i) => {
                        let elem = self.vars[i].elem.clone();
                        let s = elem.as_complex().cloned();
                        (Base::Variable(VarId::new(i)), elem, s)
                    }
                    None => (
                        Base::Root,
                        EdmType::Boolean,
                        Some(Arc::clone(self.set.entity_type())),
                    ),
                }
            }
            PathRoot::It => (
                Base::Root,
                EdmType::Boolean,
                Some(Arc::clone(self.set.entity_type())),
            ),
            PathRoot::Root => {
                self.error(
                    ErrorKind::Unsupported,
                    span,
                    "'$root' paths are not supported in $filter.",
                );
                return None;
            }
        };
        if base == Base::Root && segments.is_empty() {
            self.error(
                ErrorKind::Unsupported,
                span,
                "'$it' on its own (the whole entity) cannot be used in an expression; name a property: $it/status.",
            );
            return None;
        }
        let mut ids = Vec::with_capacity(segments.len());
        let mut count = false;
        for (i, seg) in segments.iter().enumerate() {
            if count {
                self.error(
                    ErrorKind::Syntax,
                    seg.ident.span,
                    "Nothing may follow '$count' in a path.",
                );
                return None;
            }
            match &seg.kind {
                SegmentKind::Property(name) => {
                    let Some(st) = structured.clone() else {
                        let msg = if let EdmType::Collection(_) = ty {
                            format!(
                                "The property '{name}' cannot be read from a collection of type '{ty}': use any() or all(), e.g. {}/any(x: x/{name} eq …).",
                                i.checked_sub(1)
                                    .and_then(|j| segments.get(j))
                                    .map_or("collection", |s| s.ident.name.as_str())
                            )
                        } else {
                            format!(
                                "The property '{name}' cannot be read from a value of type '{ty}'."
                            )
                        };
                        self.error(ErrorKind::TypeMismatch, seg.ident.span, msg);
                        return None;
                    };
                    let id = match st.lookup(name, !self.options.strict_case) {
                        Lookup::Found(id) => id,
                        Lookup::Ambiguous => {
                            let msg = format!(
                                "The property name '{name}' is ambiguous on type '{}': several properties differ from it only in case.",
                                st.name()
                            );
                            self.error(ErrorKind::UnknownProperty, seg.ident.span, msg);
                            return None;
                        }
                        Lookup::NotFound => {
                            let mut msg = format!(
                                "Could not find a property named '{name}' on type '{}'.",
                                st.name()
                            );
                            if let Some(s) = closest(name, st.properties().iter().map(|p| p.name()))
                            {
                                msg.push_str(&format!(" Did you mean '{s}'?"));
                            }
                            self.error(ErrorKind::UnknownProperty, seg.ident.span, msg);
                            return None;
                        }
                    };
                    let prop = st.property(id)?;
                    if base == Base::Root
                        && i == 0
                        && !self.options.allow_all_properties
                        && !self.set.is_filterable(id)
                    {
                        let msg = format!(
                            "The property '{}' cannot be used in the {} query option.",
                            prop.name(),
                            self.option
                        );
                        self.error(ErrorKind::PropertyNotFilterable, seg.ident.span, msg);
                        return None;
                    }
                    ids.push(id);
                    ty = prop.ty().clone();
                    structured = ty.as_complex().cloned();
                }
                SegmentKind::Count => {
                    if !matches!(ty, EdmType::Collection(_))
                        || (ids.is_empty() && base == Base::Root)
                    {
                        let msg = format!("'$count' needs a collection, found '{ty}'.");
                        self.error(ErrorKind::TypeMismatch, seg.ident.span, msg);
                        return None;
                    }
                    count = true;
                }
                SegmentKind::TypeCast(name) => {
                    let msg = format!("Type cast segments ('{name}') are not supported.");
                    self.error(ErrorKind::Unsupported, seg.ident.span, msg);
                    return None;
                }
                SegmentKind::Annotation(name) => {
                    let msg = format!("Annotations ('@{name}') are not supported in $filter.");
                    self.error(ErrorKind::Unsupported, seg.ident.span, msg);
                    return None;
                }
                SegmentKind::Function { name, .. } => {
                    let msg = format!("The function '{name}' is not defined for this entity set.");
                    self.error(ErrorKind::Unsupported, seg.ident.span, msg);
                    return None;
                }
            }
        }
        let built = match base {
            Base::Root => PropertyRef::root(self.set, ids, self.options.allow_all_properties),
            Base::Variable(v) => PropertyRef::variable(v, &self.vars[v.index()].elem, ids),
        };
        let prop = match built {
            Ok(prop) => prop,
            Err(e) => {
                let msg = format!("The expression is not well typed: {e}.");
                self.error(ErrorKind::TypeMismatch, span, msg);
                return None;
            }
        };
        if count {
            if p.lambda.is_some() {
                self.error(
                    ErrorKind::InvalidLambda,
                    span,
                    "A lambda cannot follow '$count'.",
                );
                return None;
            }
            return self.built(TypedExpr::count(prop), span);
        }
        match &p.lambda {
            None => Some(Checked::plain(TypedExpr::property(prop))),
            Some(l) => self.lambda(prop, l, span),
        }
    }

    fn lambda(
        &mut self,
        collection: PropertyRef,
        l: &'a ast::Lambda,
        span: Span,
    ) -> Option<Checked> {
        let kw = match l.kind {
            LambdaKind::Any => "any",
            LambdaKind::All => "all",
        };
        let Some(elem) = collection.ty().element_type().cloned() else {
            let msg = format!(
                "The '{kw}' operator needs a collection, but '{}' is of type '{}'.",
                collection.path_text(),
                collection.ty()
            );
            self.error(ErrorKind::TypeMismatch, span, msg);
            return None;
        };
        let variable = VarId::new(self.vars.len());
        let (name, predicate) = match &l.predicate {
            None => (String::new(), None),
            Some((ident, body)) => {
                self.vars.push(Var {
                    name: &ident.name,
                    elem,
                });
                let checked = self.check(body, None);
                self.vars.pop();
                let checked = checked?;
                if !matches!(checked.ty(), None | Some(EdmType::Boolean)) {
                    let msg = format!(
                        "The predicate of '{kw}' must be Boolean, but it is of type '{}'.",
                        type_name(checked.ty())
                    );
                    self.error(ErrorKind::TypeMismatch, body.span, msg);
                    return None;
                }
                (ident.name.clone(), Some(checked.expr))
            }
        };
        self.built(
            TypedExpr::lambda(l.kind, collection, variable, name, predicate),
            span,
        )
    }

    fn unary(
        &mut self,
        op: UnaryOp,
        operand: &'a Expr,
        span: Span,
        hint: Option<&EdmType>,
        compared: Option<(BinaryOp, &Expr)>,
    ) -> Option<Checked> {
        match op {
            UnaryOp::Neg => {
                let c = self.check(operand, hint)?;
                if let TypedExpr::Literal(l) = &c.expr {
                    let negated = match l.value() {
                        Value::Int(i) => match i.checked_neg() {
                            Some(n) => Some(Value::Int(n)),
                            None => {
                                self.error(
                                    ErrorKind::Overflow,
                                    span,
                                    "Negating this constant overflows Edm.Int64.",
                                );
                                return None;
                            }
                        },
                        Value::Decimal(d) => Some(Value::Decimal(-*d)),
                        Value::Double(d) => Some(Value::Double(-*d)),
                        Value::Duration(d) => Some(Value::Duration(-*d)),
                        _ => None,
                    };
                    if let Some(v) = negated {
                        let ty = l.ty().cloned();
                        return self.lit(span, v, ty);
                    }
                }
                if c.constant.is_some_and(|k| k.checked_neg().is_none()) {
                    self.error(
                        ErrorKind::Overflow,
                        span,
                        "Negating this constant overflows Edm.Int64.",
                    );
                    return None;
                }
                match c.ty() {
                    None => Some(c),
                    Some(t) if t.is_numeric() || *t == EdmType::Duration => {
                        let constant = c.constant.and_then(i64::checked_neg);
                        let mut n = self.built(TypedExpr::neg(c.expr), span)?;
                        n.constant = constant;
                        Some(n)
                    }
                    Some(t) => {
                        let msg = format!(
                            "The operand of '-' must be a number or a duration, but it is of type '{t}'."
                        );
                        self.error(ErrorKind::TypeMismatch, span, msg);
                        None
                    }
                }
            }
            UnaryOp::Not => {
                let c = self.check(operand, None)?;
                match c.ty() {
                    None | Some(EdmType::Boolean) => self.built(TypedExpr::not(c.expr), span),
                    Some(t) => {
                        let what = match &operand.kind {
                            ExprKind::Path(_) | ExprKind::Call { .. } => {
                                format!("'{operand}' is of type '{t}'")
                            }
                            _ => format!("its operand is of type '{t}'"),
                        };
                        let msg = match compared {
                            Some((op, right)) => format!(
                                "The 'not' operator needs a Boolean operand, but {what}. 'not' binds tighter than '{op}': \"not {operand} {op} {right}\" reads as \"(not {operand}) {op} {right}\". To negate the comparison write \"not ({operand} {op} {right})\"."
                            ),
                            None => format!("The 'not' operator needs a Boolean operand, but {what}."),
                        };
                        self.error(ErrorKind::TypeMismatch, span, msg);
                        None
                    }
                }
            }
        }
    }

    /// Checks both operands, the literal one last so that it takes the other's type.
    fn operands(
        &mut self,
        op: BinaryOp,
        left: &'a Expr,
        right: &'a Expr,
    ) -> (Option<Checked>, Option<Checked>) {
        let not_left = |c: &mut Self, e: &'a Expr, hint: Option<&EdmType>| match &e.kind {
            ExprKind::Unary {
                op: UnaryOp::Not,
                operand,
            } if op != BinaryOp::And && op != BinaryOp::Or => {
                c.unary(UnaryOp::Not, operand, e.span, hint, Some((op, right)))
            }
            _ => c.check(e, hint),
        };
        if is_literal(left) && !is_literal(right) {
            let r = self.check(right, None);
            let hint = r.as_ref().and_then(|r| r.ty().cloned());
            let l = self.check(left, hint.as_ref());
            (l, r)
        } else {
            let l = not_left(self, left, None);
            let hint = if is_literal(right) {
                l.as_ref().and_then(|l| l.ty().cloned())
            } else {
                None
            };
            let r = self.check(right, hint.as_ref());
            (l, r)
        }
    }

    fn mismatch(
        &mut self,
        op: BinaryOp,
        left: &Expr,
        lt: Option<&EdmType>,
        right: &Expr,
        rt: Option<&EdmType>,
        span: Span,
    ) {
        let mut msg = format!(
            "A binary operator with incompatible types was detected. Found operand types '{}' and '{}' for operator kind '{}'.",
            type_name(lt),
            type_name(rt),
            operator_kind(op)
        );
        let hint = mismatch_hint(right, lt).or_else(|| mismatch_hint(left, rt));
        if let Some(h) = hint {
            msg.push(' ');
            msg.push_str(&h);
        }
        self.error(ErrorKind::TypeMismatch, span, msg);
    }

    fn binary(
        &mut self,
        op: BinaryOp,
        left: &'a Expr,
        right: &'a Expr,
        span: Span,
    ) -> Option<Checked> {
        if op == BinaryOp::Has {
            return self.has(left, right, span);
        }
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            return self.logical_chain(op, left, right, span);
        }
        let (l, r) = self.operands(op, left, right);
        let (l, r) = (l?, r?);
        let (lt, rt) = (l.ty().cloned(), r.ty().cloned());
        match op {
            BinaryOp::Eq
            | BinaryOp::Ne
            | BinaryOp::Gt
            | BinaryOp::Ge
            | BinaryOp::Lt
            | BinaryOp::Le => {
                let cop = CompareOp::from_binary(op).unwrap_or(CompareOp::Le);
                if compare_type(cop, lt.as_ref(), rt.as_ref()).is_none() {
                    self.mismatch(op, left, lt.as_ref(), right, rt.as_ref(), span);
                    return None;
                }
                self.built(TypedExpr::compare(cop, l.expr, r.expr), span)
            }
            _ => self.arithmetic(op, l, r, left, right, span),
        }
    }

    /// `a or b or c …` (left-nested in the tree): checked as a list, so that a long chain, which the
    /// parser's depth limit does not bound, costs no recursion depth. Errors are the ones the recursive
    /// walk would report, with the spans of the same nodes.
    fn logical_chain(
        &mut self,
        op: BinaryOp,
        left: &'a Expr,
        right: &'a Expr,
        span: Span,
    ) -> Option<Checked> {
        // The chain's binary nodes, innermost first, as (left, right, span).
        let mut nodes: Vec<(&'a Expr, &'a Expr, Span)> = vec![(left, right, span)];
        let mut first = left;
        while let ExprKind::Binary {
            op: o,
            left: l,
            right: r,
        } = &first.kind
        {
            if *o != op {
                break;
            }
            nodes.push((l, r, first.span));
            first = l;
        }
        nodes.reverse();
        let logical = if op == BinaryOp::And {
            LogicalOp::And
        } else {
            LogicalOp::Or
        };
        let ok = |t: Option<&EdmType>| matches!(t, None | Some(EdmType::Boolean));
        let mut acc = self.check(first, None).map(|c| c.expr);
        for (l_expr, r_expr, node_span) in nodes {
            let r = self.check(r_expr, None).map(|c| c.expr);
            acc = match (acc, r) {
                (Some(l), Some(r)) => {
                    if !ok(l.ty()) || !ok(r.ty()) {
                        let (lt, rt) = (l.ty().cloned(), r.ty().cloned());
                        self.mismatch(op, l_expr, lt.as_ref(), r_expr, rt.as_ref(), node_span);
                        None
                    } else {
                        self.built(TypedExpr::logical(logical, vec![l, r]), node_span)
                            .map(|c| c.expr)
                    }
                }
                _ => None,
            };
        }
        acc.map(Checked::plain)
    }

    fn arithmetic(
        &mut self,
        op: BinaryOp,
        l: Checked,
        r: Checked,
        left: &Expr,
        right: &Expr,
        span: Span,
    ) -> Option<Checked> {
        use EdmType as T;
        let (lt, rt) = (l.ty(), r.ty());
        let aop = ArithmeticOp::from_binary(op).unwrap_or(ArithmeticOp::Mod);
        let ty = arithmetic_type(aop, lt, rt);
        let Some(ty) = ty else {
            self.mismatch(op, left, lt, right, rt, span);
            return None;
        };
        let constant = match (l.constant, r.constant) {
            (Some(a), Some(b)) if matches!(ty, Some(T::Int32 | T::Int64)) => {
                let v = int_arith(aop, a, b);
                match v {
                    Some(v) => Some(v),
                    None => {
                        let msg = if b == 0 && matches!(op, BinaryOp::Div | BinaryOp::Mod) {
                            format!(
                                "Division by zero in a constant expression ({a} {} 0).",
                                op.keyword()
                            )
                        } else {
                            format!(
                                "The constant expression {a} {} {b} overflows Edm.Int64.",
                                op.keyword()
                            )
                        };
                        self.error(ErrorKind::Overflow, span, msg);
                        return None;
                    }
                }
            }
            _ => None,
        };
        let mut c = self.built(TypedExpr::arithmetic(aop, l.expr, r.expr), span)?;
        c.constant = constant;
        Some(c)
    }

    fn has(&mut self, left: &'a Expr, right: &'a Expr, span: Span) -> Option<Checked> {
        let l = self.check(left, None);
        let hint = l.as_ref().and_then(|l| l.ty().cloned());
        let r = self.check(right, hint.as_ref());
        let (l, r) = (l?, r?);
        let flags = match r.expr.as_literal().map(|l| l.value()) {
            Some(Value::Enum(v)) => Some(v.clone()),
            _ => None,
        };
        match (l.ty(), flags) {
            (Some(EdmType::Enum(e)), Some(v)) if Arc::ptr_eq(e, &v.ty) || **e == *v.ty => {
                self.built(TypedExpr::has(l.expr, v), span)
            }
            (Some(EdmType::Enum(_)), _) => {
                let msg = format!(
                    "The right operand of 'has' must be a member of the left operand's enum type (a quoted member name), found '{}'.",
                    type_name(r.ty())
                );
                self.error(ErrorKind::TypeMismatch, right.span, msg);
                None
            }
            (lt, _) => {
                let lt = lt.cloned();
                self.mismatch(BinaryOp::Has, left, lt.as_ref(), right, r.ty(), span);
                None
            }
        }
    }

    fn in_set(&mut self, operand: &'a Expr, set: &'a Expr, span: Span) -> Option<Checked> {
        let o = self.check(operand, None);
        let ot = o.as_ref().and_then(|o| o.ty().cloned());
        let items = match &set.kind {
            ExprKind::List(items) | ExprKind::Array(items) => items,
            ExprKind::Path(_) => {
                let s = self.check(set, None);
                let (o, s) = (o?, s?);
                let TypedExpr::Property(p) = s.expr else {
                    self.error(
                        ErrorKind::TypeMismatch,
                        set.span,
                        "The right side of 'in' must be a list of values or a collection property.",
                    );
                    return None;
                };
                let fits = match (p.ty().element_type(), o.ty()) {
                    (Some(_), None) => true,
                    (Some(e), Some(t)) => e == t || promote(e, t).is_some(),
                    (None, _) => false,
                };
                if !fits {
                    let msg = format!(
                        "The right side of 'in' must be a collection of '{}', but '{}' is of type '{}'.",
                        type_name(o.ty()),
                        p.path_text(),
                        p.ty()
                    );
                    self.error(ErrorKind::TypeMismatch, set.span, msg);
                    return None;
                }
                return self.built(TypedExpr::in_collection(o.expr, p), span);
            }
            _ => {
                self.check(set, None);
                self.error(
                    ErrorKind::TypeMismatch,
                    set.span,
                    "The right side of 'in' must be a parenthesised list of values or a collection property.",
                );
                return None;
            }
        };
        if let Some(t) = &ot {
            if matches!(t, EdmType::Complex(_) | EdmType::Collection(_)) {
                let msg = format!("'in' needs a primitive or enum operand, found '{t}'.");
                self.error(ErrorKind::TypeMismatch, span, msg);
                return None;
            }
        }
        let mut values = Vec::with_capacity(items.len());
        let mut ok = true;
        for item in items {
            if !is_literal(item) {
                self.error(
                    ErrorKind::Unsupported,
                    item.span,
                    "The items of an 'in' list must be literal values.",
                );
                ok = false;
                continue;
            }
            let Some(c) = self.check(item, ot.as_ref()) else {
                ok = false;
                continue;
            };
            let it = c.ty().cloned();
            let fits = match (&ot, &it) {
                (_, None) | (None, _) => true,
                (Some(a), Some(b)) => a == b || promote(a, b).is_some(),
            };
            if !fits {
                let mut msg = format!(
                    "The 'in' list item of type '{}' does not match the operand type '{}'.",
                    type_name(it.as_ref()),
                    type_name(ot.as_ref())
                );
                if let Some(h) = mismatch_hint(item, ot.as_ref()) {
                    msg.push(' ');
                    msg.push_str(&h);
                }
                self.error(ErrorKind::TypeMismatch, item.span, msg);
                ok = false;
                continue;
            }
            if let Some(l) = c.expr.as_literal() {
                values.push(l.value().clone());
            }
        }
        let o = o?;
        if !ok {
            return None;
        }
        self.built(TypedExpr::in_values(o.expr, values), span)
    }

    fn call(&mut self, function: Function, args: &'a [Expr], span: Span) -> Option<Checked> {
        use EdmType as T;
        let (min, max) = function.arity();
        if args.len() < min || args.len() > max {
            let msg = if min == max {
                format!(
                    "The function '{}' takes {min} argument(s), but {} were given.",
                    function.name(),
                    args.len()
                )
            } else {
                format!(
                    "The function '{}' takes {min} to {max} arguments, but {} were given.",
                    function.name(),
                    args.len()
                )
            };
            self.error(ErrorKind::ArgumentCount, span, msg);
            return None;
        }
        match function {
            Function::Cast | Function::IsOf => return self.cast(function, args, span),
            Function::HasSubset
            | Function::HasSubsequence
            | Function::GeoDistance
            | Function::GeoIntersects
            | Function::GeoLength => {
                let msg = format!(
                    "The function '{}' is not supported by this entity set.",
                    function.name()
                );
                self.error(ErrorKind::Unsupported, span, msg);
                return None;
            }
            _ => {}
        }
        // Which argument types each position accepts, and the hint for a literal there.
        #[derive(Clone, Copy)]
        enum Param {
            Str,
            Int,
            DateLike,
            TimeLike,
            Dto,
            Dur,
            Num,
        }
        let params: &[Param] = match function {
            Function::Contains
            | Function::StartsWith
            | Function::EndsWith
            | Function::IndexOf
            | Function::Concat
            | Function::MatchesPattern => &[Param::Str, Param::Str],
            Function::Length | Function::ToLower | Function::ToUpper | Function::Trim => {
                &[Param::Str]
            }
            Function::Substring => &[Param::Str, Param::Int, Param::Int],
            Function::Year | Function::Month | Function::Day => &[Param::DateLike],
            Function::Hour | Function::Minute | Function::Second | Function::FractionalSeconds => {
                &[Param::TimeLike]
            }
            Function::Date | Function::Time | Function::TotalOffsetMinutes => &[Param::Dto],
            Function::TotalSeconds => &[Param::Dur],
            Function::Round | Function::Floor | Function::Ceiling => &[Param::Num],
            _ => &[],
        };
        let mut checked = Vec::with_capacity(args.len());
        let mut ok = true;
        for (arg, p) in args.iter().zip(params.iter().copied()) {
            let hint = match p {
                Param::Str => Some(T::String),
                Param::Int => Some(T::Int32),
                Param::Dto => Some(T::DateTimeOffset),
                Param::Dur => Some(T::Duration),
                _ => None,
            };
            let Some(c) = self.check(arg, hint.as_ref()) else {
                ok = false;
                continue;
            };
            let fits = match c.ty() {
                None => true,
                Some(t) => match p {
                    Param::Str => *t == T::String,
                    Param::Int => t.is_integer(),
                    Param::DateLike => matches!(t, T::Date | T::DateTimeOffset),
                    Param::TimeLike => matches!(t, T::DateTimeOffset | T::TimeOfDay),
                    Param::Dto => *t == T::DateTimeOffset,
                    Param::Dur => *t == T::Duration,
                    Param::Num => t.is_numeric(),
                },
            };
            if !fits {
                let expected = match p {
                    Param::Str => "'Edm.String'",
                    Param::Int => "an integer",
                    Param::DateLike => "'Edm.Date' or 'Edm.DateTimeOffset'",
                    Param::TimeLike => "'Edm.DateTimeOffset' or 'Edm.TimeOfDay'",
                    Param::Dto => "'Edm.DateTimeOffset'",
                    Param::Dur => "'Edm.Duration'",
                    Param::Num => "a number",
                };
                let mut msg = format!(
                    "The function '{}' expects {expected} here, but the argument is of type '{}'.",
                    function.name(),
                    type_name(c.ty())
                );
                if let Some(h) = mismatch_hint(arg, hint.as_ref()) {
                    msg.push(' ');
                    msg.push_str(&h);
                } else if let (Param::Str, Some(EdmType::Enum(e))) = (p, c.ty()) {
                    let member = e.members().first().map_or("Member", |m| m.name());
                    msg.push_str(&format!(
                        " Compare the enum by member instead ({arg} eq '{member}'), or convert it first: cast({arg}, Edm.String)."
                    ));
                }
                self.error(ErrorKind::TypeMismatch, arg.span, msg);
                ok = false;
                continue;
            }
            checked.push(c);
        }
        if !ok {
            return None;
        }
        let ty = match function {
            Function::Contains
            | Function::StartsWith
            | Function::EndsWith
            | Function::MatchesPattern => T::Boolean,
            Function::Length
            | Function::IndexOf
            | Function::Year
            | Function::Month
            | Function::Day
            | Function::Hour
            | Function::Minute
            | Function::Second
            | Function::TotalOffsetMinutes => T::Int32,
            Function::Substring
            | Function::ToLower
            | Function::ToUpper
            | Function::Trim
            | Function::Concat => T::String,
            Function::FractionalSeconds | Function::TotalSeconds => T::Decimal,
            Function::Date => T::Date,
            Function::Time => T::TimeOfDay,
            Function::Now | Function::MaxDateTime | Function::MinDateTime => T::DateTimeOffset,
            Function::Round | Function::Floor | Function::Ceiling => {
                match checked.first().and_then(|c| c.ty()) {
                    Some(T::Double | T::Single) => T::Double,
                    _ => T::Decimal,
                }
            }
            _ => return None,
        };
        let args = checked.into_iter().map(|c| c.expr).collect();
        self.built(TypedExpr::call(function, args, ty), span)
    }

    fn cast(&mut self, function: Function, args: &'a [Expr], span: Span) -> Option<Checked> {
        let name = function.name();
        let [operand, target] = args else {
            let msg = format!(
                "The one-argument form {name}(Type) applies to the entity itself and is not supported; write {name}(property, Type)."
            );
            self.error(ErrorKind::Unsupported, span, msg);
            return None;
        };
        let o = self.check(operand, None);
        let ExprKind::TypeName(type_text) = &target.kind else {
            let msg =
                format!("The last argument of {name} must be a type name such as Edm.String.");
            self.error(ErrorKind::TypeMismatch, target.span, msg);
            return None;
        };
        let Some(target_ty) = self.find_type(type_text) else {
            let msg = format!(
                "Unknown type '{type_text}': {name} accepts primitive types (Edm.String, Edm.Int32, …) and the enum types of the model."
            );
            self.error(ErrorKind::UnknownType, target.span, msg);
            return None;
        };
        let o = o?;
        if function == Function::Cast {
            let allowed = match o.ty() {
                None => true,
                Some(t) if t == &target_ty => true,
                Some(t) if !t.is_primitive() && !matches!(t, EdmType::Enum(_)) => false,
                Some(_) if target_ty == EdmType::String => true,
                Some(EdmType::String) => true,
                Some(t) if t.is_numeric() && target_ty.is_numeric() => true,
                Some(EdmType::Date) => target_ty == EdmType::DateTimeOffset,
                Some(EdmType::DateTimeOffset) => target_ty == EdmType::Date,
                _ => false,
            };
            if !allowed {
                let msg = format!(
                    "A value of type '{}' cannot be cast to '{target_ty}'.",
                    type_name(o.ty())
                );
                self.error(ErrorKind::TypeMismatch, span, msg);
                return None;
            }
        }
        let node = if function == Function::Cast {
            TypedExpr::cast(o.expr, target_ty)
        } else {
            TypedExpr::is_of(o.expr, target_ty)
        };
        self.built(node, span)
    }
}
