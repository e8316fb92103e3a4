//! Typed filter → SQL text + bound parameters; validated query → `SELECT` and `COUNT` statements.
//!
//! The rules (the crate's semantics, §6 and §9), and how each is kept:
//! - values are only ever bound parameters (numbered placeholders); identifiers are quoted; the text
//!   depends only on the filter's shape (node kinds, operators, properties, list lengths, where a
//!   `null` literal stands), never on a value;
//! - OData comparisons are two-valued (`null eq null` is true, `gt` with a null operand is false):
//!   a nullable operand is guarded (`(a = ?1 AND a IS NOT NULL)`, `(a <> ?1 OR a IS NULL)`,
//!   `COALESCE(a = b, a IS NULL AND b IS NULL)`), so that SQL's three-valued `AND`/`OR`/`NOT` — which
//!   are exactly OData's `and`/`or`/`not` — see the same truth values as the evaluator;
//! - functions with a null argument are null in both;
//! - strings compare by code point (see [`Dialect::ordinal`]); `contains`/`startswith`/`endswith` use
//!   character positions and `substr`, never `LIKE`, so no pattern escaping is needed;
//!   `tolower`/`toupper`/`trim` of a property read columns computed at load time with the evaluator's
//!   own Unicode functions (see [`Layout`]);
//! - enums order by declared member position (`CASE … END`); Guids are stored and bound lower-case;
//!   instants are nanosecond integers; date parts read the stored offset;
//! - collections are JSON array text; `any`/`all` fold each element's truth (coded once) with
//!   `MAX`/`MIN`; Int64 arithmetic is checked ([`Dialect::checked_int`]);
//! - anything else is an [`ErrorKind::Unsupported`] error, with a span into the normalized filter
//!   (the error's source text; the typed IR keeps no source positions) and the message "… is not
//!   supported by SQLite" — never an approximation.

use std::sync::Arc;

use crate::ast::LambdaKind;
use crate::ast::{Function, Span};
use crate::error::{Error, ErrorKind, Errors};
use crate::eval::execute::DEFAULT_PAGE_SIZE;
use crate::query::ValidatedQuery;
use crate::schema::EdmType;
use crate::schema::{EnumType, StructuredType};
use crate::semantics::ArithmeticOp;
use crate::sql::layout::{instant_param, sql_string, ColumnKind, Layout, DOC_COLUMN, SEQ_COLUMN};
use crate::sql::{Dialect, Param, SqlType};
use crate::validate::TypedFilter;
use crate::validate::{
    expr_to_string, Base, CompareOp, InSet, LogicalOp, PropertyRef, TypedExpr, TypedLambda,
};
use crate::value::Value;

/// SQL text with its bound parameters, in placeholder order.
#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    /// The SQL text (placeholders only, no values).
    pub sql: String,
    /// The values of placeholders 1, 2, ….
    pub params: Vec<Param>,
}

/// A compiled query: the page's `SELECT` (of the stored documents, in result order) and the `COUNT`
/// of all matches.
#[derive(Clone, Debug, PartialEq)]
pub struct SqlQuery {
    /// `SELECT "@doc" FROM … WHERE … ORDER BY … LIMIT … OFFSET …`.
    pub select: Statement,
    /// `SELECT COUNT(*) FROM … WHERE …`.
    pub count: Statement,
}

/// Compiles a validated filter to a `WHERE` condition (without the keyword).
///
/// ```
/// use odata_filter::{query::Query, mde::machine_actions, sql::{compile_filter, Layout, Param, Sqlite}};
/// let q = Query::from_query_string("$filter=machineId ne 'a''b' and status gt 'Pending'", machine_actions()).unwrap();
/// let layout = Layout::new(machine_actions());
/// let w = compile_filter(q.filter().unwrap(), &layout, &Sqlite).unwrap();
/// assert_eq!(w.sql, "((\"machineId\" <> ?1 OR \"machineId\" IS NULL) AND CASE \"status\" WHEN 'Pending' THEN 0 \
///     WHEN 'InProgress' THEN 1 WHEN 'Succeeded' THEN 2 WHEN 'Failed' THEN 3 WHEN 'TimeOut' THEN 4 \
///     WHEN 'Cancelled' THEN 5 END > CASE ?2 WHEN 'Pending' THEN 0 WHEN 'InProgress' THEN 1 \
///     WHEN 'Succeeded' THEN 2 WHEN 'Failed' THEN 3 WHEN 'TimeOut' THEN 4 WHEN 'Cancelled' THEN 5 END)");
/// assert_eq!(w.params, [Param::Text("a'b".into()), Param::Text("Pending".into())]);
/// ```
pub fn compile_filter(
    filter: &TypedFilter,
    layout: &Layout,
    dialect: &dyn Dialect,
) -> Result<Statement, Errors> {
    let mut c = Compiler::new(layout, dialect, filter.entity_type(), filter.to_string());
    let sql = c.boolean(filter.root()).map_err(Errors::from)?;
    Ok(Statement {
        sql,
        params: c.params,
    })
}

/// Compiles a validated query (`$filter`, `$orderby`, `$top`, `$skip`; `$select` and `$count` are
/// applied to the fetched page by [`ValidatedQuery::response_for`]) to its statements.
///
/// ```
/// use odata_filter::{query::Query, mde::machine_actions, sql::{compile_query, Layout, Postgres}};
/// let q = Query::from_query_string("$filter=requestor eq 'x'&$top=2", machine_actions()).unwrap();
/// let s = compile_query(&q, &Layout::new(machine_actions()), &Postgres).unwrap();
/// assert_eq!(s.select.sql, "SELECT \"@doc\" FROM \"MachineActions\" WHERE \"requestor\" = $1 \
///     ORDER BY \"creationDateTimeUtc\" DESC, \"id\" ASC, \"@seq\" ASC LIMIT $2 OFFSET $3");
/// assert_eq!(s.count.sql, "SELECT COUNT(*) FROM \"MachineActions\" WHERE \"requestor\" = $1");
/// ```
pub fn compile_query(
    query: &ValidatedQuery,
    layout: &Layout,
    dialect: &dyn Dialect,
) -> Result<SqlQuery, Errors> {
    let text = query.filter().map(|f| f.to_string()).unwrap_or_default();
    let mut c = Compiler::new(layout, dialect, query.entity_type(), text);
    let table = dialect.quote_ident(layout.table());
    let wrap = |e: Error| Errors::from(e);
    let condition = match query.filter() {
        Some(f) => Some(c.boolean(f.root()).map_err(wrap)?),
        None => None,
    };
    let where_params = c.params.len();
    let mut keys = Vec::new();
    if query.orderby().is_empty() {
        if let (Some(created), Some(id)) =
            (layout.column("creationDateTimeUtc"), layout.column("id"))
        {
            for (col, desc) in [(created, true), (id, false)] {
                let s = c.column_scalar(col);
                keys.push(c.order_key(s, desc));
            }
        }
    } else {
        for k in query.orderby() {
            let s = c.scalar(k.expr()).map_err(wrap)?;
            keys.push(c.order_key(s, k.descending()));
        }
    }
    keys.push(format!("{} ASC", dialect.quote_ident(SEQ_COLUMN)));
    let top = query.top().unwrap_or(DEFAULT_PAGE_SIZE);
    let limit = c.bind(Param::Int(i64::try_from(top).unwrap_or(i64::MAX)));
    let skip = query.skip().unwrap_or(0);
    let offset = c.bind(Param::Int(i64::try_from(skip).unwrap_or(i64::MAX)));
    let where_sql = condition.map(|w| format!(" WHERE {w}")).unwrap_or_default();
    let select = Statement {
        sql: format!(
            "SELECT {} FROM {table}{where_sql} ORDER BY {} LIMIT {limit} OFFSET {offset}",
            dialect.quote_ident(DOC_COLUMN),
            keys.join(", ")
        ),
        params: c.params.clone(),
    };
    let count = Statement {
        sql: format!("SELECT COUNT(*) FROM {table}{where_sql}"),
        params: c.params[..where_params].to_vec(),
    };
    Ok(SqlQuery { select, count })
}

/// The kind of value an SQL expression yields.
#[derive(Clone, Debug)]
enum Kind {
    Str,
    Guid,
    Enum(Arc<EnumType>),
    /// Nanoseconds since the epoch.
    Instant,
    Int,
    Bool,
    /// `Edm.Date`: days since 1970-01-01.
    Date,
    /// `Edm.TimeOfDay`: nanoseconds since midnight.
    TimeOfDay,
    /// `fractionalseconds()`: nanoseconds within the second (an `Edm.Decimal` in OData, compared
    /// with literals only).
    Fraction,
    /// A stored collection (JSON array text) of elements of a kind.
    Collection(Box<Kind>),
}

impl Kind {
    fn same(&self, other: &Kind) -> bool {
        match (self, other) {
            (Kind::Enum(a), Kind::Enum(b)) => a == b,
            (Kind::Collection(a), Kind::Collection(b)) => a.same(b),
            (a, b) => std::mem::discriminant(a) == std::mem::discriminant(b),
        }
    }
}

/// A compiled value expression.
#[derive(Clone, Debug)]
struct Scalar {
    sql: String,
    nullable: bool,
    kind: Kind,
    /// A plain column reference (keeps its column collation and indexes).
    column: bool,
    /// For a stored instant: the SQL of its offset in minutes.
    offset: Option<String>,
}

struct Compiler<'a> {
    d: &'a dyn Dialect,
    layout: &'a Layout,
    entity_type: &'a Arc<StructuredType>,
    /// The normalized filter text: error spans point into it.
    text: String,
    params: Vec<Param>,
    /// The lambda range variables in scope, outermost first: the element kind of each (its SQL is
    /// `j{depth}.value`).
    vars: Vec<Kind>,
}

const FALSE: &str = "(1 = 0)";
const TRUE: &str = "(1 = 1)";

impl<'a> Compiler<'a> {
    fn new(
        layout: &'a Layout,
        d: &'a dyn Dialect,
        entity_type: &'a Arc<StructuredType>,
        text: String,
    ) -> Self {
        Compiler {
            d,
            layout,
            entity_type,
            text,
            params: Vec::new(),
            vars: Vec::new(),
        }
    }

    fn bind(&mut self, p: Param) -> String {
        self.params.push(p);
        self.d.placeholder(self.params.len())
    }

    fn unsupported(&self, e: &TypedExpr, what: &str) -> Error {
        let shown = expr_to_string(e, self.entity_type);
        let span = match self.text.find(&shown) {
            Some(start) => Span::new(start, start + shown.len()),
            None => Span::new(0, self.text.len()),
        };
        Error::new(
            ErrorKind::Unsupported,
            span,
            format!("{what} is not supported by {}", self.d.name()),
            self.text.as_str(),
        )
        .with_help(
            "the caret points into the normalized filter shown above, not into the text as typed",
        )
    }

    /// A Boolean expression whose SQL truth (true / false / NULL) is the evaluator's.
    fn boolean(&mut self, e: &TypedExpr) -> Result<String, Error> {
        match e {
            TypedExpr::Logical(l) => {
                let op = l.op();
                let mut parts = Vec::with_capacity(l.operands().len());
                for operand in l.operands() {
                    parts.push(self.boolean(operand)?);
                }
                let sep = match op {
                    LogicalOp::And => " AND ",
                    LogicalOp::Or => " OR ",
                };
                Ok(format!("({})", parts.join(sep)))
            }
            TypedExpr::Not(u) => Ok(format!("(NOT {})", self.boolean(u.operand())?)),
            TypedExpr::Literal(l) => Ok(match l.value() {
                Value::Boolean(b) => self.bind(Param::Bool(*b)),
                Value::Null => self.bind(Param::Null(SqlType::Bool)),
                _ => return Err(self.unsupported(e, "this literal")),
            }),
            TypedExpr::Property(_) => {
                let s = self.scalar(e)?;
                match s.kind {
                    Kind::Bool => Ok(s.sql),
                    _ => Err(self.unsupported(e, "this property as a condition")),
                }
            }
            TypedExpr::Compare(c) => self.compare(e, c.op(), c.left(), c.right()),
            TypedExpr::In(i) => self.in_list(e, i.operand(), i.set()),
            TypedExpr::Call(c) => match c.function() {
                Function::Contains | Function::StartsWith | Function::EndsWith => {
                    let [a, b] = c.args() else {
                        return Err(self.unsupported(e, "this call"));
                    };
                    let a = self.string(a)?;
                    let b = self.string(b)?;
                    Ok(match c.function() {
                        Function::Contains => format!("({} > 0)", self.d.position(&a.sql, &b.sql)),
                        Function::StartsWith => {
                            format!("(substr({}, 1, length({})) = {})", a.sql, b.sql, b.sql)
                        }
                        _ => format!(
                            "(length({a}) >= length({b}) AND substr({a}, length({a}) - length({b}) + 1) = {b})",
                            a = a.sql,
                            b = b.sql
                        ),
                    })
                }
                Function::MatchesPattern => {
                    let [a, b] = c.args() else {
                        return Err(self.unsupported(e, "this call"));
                    };
                    let a = self.string(a)?;
                    let b = self.string(b)?;
                    match self.d.matches_pattern(&a.sql, &b.sql) {
                        Some(sql) => Ok(sql),
                        None => Err(self.unsupported(
                            e,
                            "matchesPattern() (its regular expressions differ from the engine's)",
                        )),
                    }
                }
                _ => {
                    let s = self.scalar(e)?;
                    match s.kind {
                        Kind::Bool => Ok(s.sql),
                        _ => Err(self.unsupported(e, "this call as a condition")),
                    }
                }
            },
            TypedExpr::Has(h) => {
                let x = self.scalar(h.operand())?;
                let (Kind::Enum(ty), false) = (&x.kind, h.flags().ty.is_flags()) else {
                    return Err(self.unsupported(e, "'has' on this value"));
                };
                // The member's underlying value (schema text) AND the bound flags.
                let mut values = format!("CASE {}", x.sql);
                for m in ty.members() {
                    values.push_str(&format!(
                        " WHEN {} THEN {}",
                        sql_string(m.name()),
                        m.value()
                    ));
                }
                values.push_str(" END");
                let flags = self.bind(Param::Int(h.flags().value));
                Ok(format!("(({values}) & {flags}) = {flags}"))
            }
            TypedExpr::Lambda(l) => self.lambda(e, l),
            TypedExpr::IsOf(c) => self.is_of(e, c.operand(), c.target()),
            _ => Err(self.unsupported(e, "this expression")),
        }
    }

    fn string(&mut self, e: &TypedExpr) -> Result<Scalar, Error> {
        let s = self.scalar(e)?;
        match s.kind {
            Kind::Str => Ok(s),
            _ => Err(self.unsupported(e, "this argument")),
        }
    }

    fn compare(
        &mut self,
        e: &TypedExpr,
        op: CompareOp,
        left: &TypedExpr,
        right: &TypedExpr,
    ) -> Result<String, Error> {
        let is_null =
            |x: &TypedExpr| matches!(x.as_literal().map(|l| l.value()), Some(Value::Null));
        let equality = matches!(op, CompareOp::Eq | CompareOp::Ne);
        match (is_null(left), is_null(right)) {
            (true, true) => return Ok(if op == CompareOp::Eq { TRUE } else { FALSE }.into()),
            (true, false) | (false, true) => {
                if !equality {
                    // `gt`/`lt`/… with a null operand is false.
                    return Ok(FALSE.into());
                }
                let other = self.scalar(if is_null(left) { right } else { left })?;
                let test = if op == CompareOp::Eq {
                    "IS NULL"
                } else {
                    "IS NOT NULL"
                };
                return Ok(format!("({} {test})", other.sql));
            }
            (false, false) => {}
        }
        if let Some(sql) = self.compare_fraction(e, op, left, right)? {
            return Ok(sql);
        }
        let a = self.scalar(left)?;
        let b = self.scalar(right)?;
        if !a.kind.same(&b.kind) {
            return Err(self.unsupported(e, "comparing these types"));
        }
        let (x, y) = if equality {
            (a.sql.clone(), b.sql.clone())
        } else {
            (self.ordered(&a), self.ordered(&b))
        };
        let sym = match op {
            CompareOp::Eq => "=",
            CompareOp::Ne => "<>",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
        };
        let cmp = format!("{x} {sym} {y}");
        let (an, bn) = (&a.sql, &b.sql);
        Ok(match (op, a.nullable, b.nullable) {
            (_, false, false) => cmp,
            (CompareOp::Eq, true, true) => {
                format!("COALESCE({an} = {bn}, {an} IS NULL AND {bn} IS NULL)")
            }
            (CompareOp::Ne, true, true) => {
                format!("(NOT COALESCE({an} = {bn}, {an} IS NULL AND {bn} IS NULL))")
            }
            (CompareOp::Ne, true, false) => format!("({cmp} OR {an} IS NULL)"),
            (CompareOp::Ne, false, true) => format!("({cmp} OR {bn} IS NULL)"),
            (_, true, false) => format!("({cmp} AND {an} IS NOT NULL)"),
            (_, false, true) => format!("({cmp} AND {bn} IS NOT NULL)"),
            (_, true, true) => format!("({cmp} AND {an} IS NOT NULL AND {bn} IS NOT NULL)"),
        })
    }

    /// `fractionalseconds(x) op d` (either side) with a numeric literal `d`: the stored
    /// nanoseconds `n` against `k = d × 10⁹`, exactly: `n = k` is `n = floor(k) AND n = ceil(k)`,
    /// `n > k` is `n > floor(k)`, `n >= k` is `n >= ceil(k)`, and so on (the text does not depend
    /// on whether `k` is whole).
    fn compare_fraction(
        &mut self,
        e: &TypedExpr,
        op: CompareOp,
        left: &TypedExpr,
        right: &TypedExpr,
    ) -> Result<Option<String>, Error> {
        let is_fraction = |x: &TypedExpr| matches!(x, TypedExpr::Call(c) if c.function() == Function::FractionalSeconds);
        let (x, lit, op) = match (left, right) {
            (l, TypedExpr::Literal(r)) if is_fraction(l) => (l, r, op),
            (TypedExpr::Literal(l), r) if is_fraction(r) => (r, l, op.flip()),
            _ if is_fraction(left) || is_fraction(right) => {
                return Err(self.unsupported(e, "fractionalseconds() compared with a non-literal"))
            }
            _ => return Ok(None),
        };
        let k = match lit.value() {
            Value::Decimal(d) => d.checked_mul(rust_decimal::Decimal::from(1_000_000_000)),
            Value::Int(i) => rust_decimal::Decimal::from(*i).checked_mul(1_000_000_000.into()),
            _ => return Err(self.unsupported(e, "fractionalseconds() compared with this literal")),
        };
        let Some(k) = k else {
            return Err(self.unsupported(e, "fractionalseconds() compared with this literal"));
        };
        let clamp = |d: rust_decimal::Decimal| {
            use rust_decimal::prelude::ToPrimitive;
            d.to_i64().unwrap_or(if d.is_sign_negative() {
                i64::MIN
            } else {
                i64::MAX
            })
        };
        let (floor, ceil) = (clamp(k.floor()), clamp(k.ceil()));
        let n = self.scalar(x)?;
        let (n_sql, nullable) = (n.sql, n.nullable);
        let mut bound = |v: i64| self.bind(Param::Int(v));
        let cmp = match op {
            CompareOp::Eq | CompareOp::Ne => {
                let (f, c) = (bound(floor), bound(ceil));
                format!("({n_sql} = {f} AND {n_sql} = {c})")
            }
            CompareOp::Gt => format!("{n_sql} > {}", bound(floor)),
            CompareOp::Ge => format!("{n_sql} >= {}", bound(ceil)),
            CompareOp::Lt => format!("{n_sql} < {}", bound(ceil)),
            CompareOp::Le => format!("{n_sql} <= {}", bound(floor)),
        };
        Ok(Some(match (op, nullable) {
            (CompareOp::Ne, false) => format!("(NOT {cmp})"),
            (CompareOp::Ne, true) => format!("(NOT COALESCE({cmp}, {FALSE}))"),
            (_, false) => cmp,
            (_, true) => format!("({cmp} AND {n_sql} IS NOT NULL)"),
        }))
    }

    /// The SQL that orders `s` as the evaluator does.
    fn ordered(&self, s: &Scalar) -> String {
        match &s.kind {
            Kind::Enum(ty) => enum_position(ty, &s.sql),
            Kind::Str | Kind::Guid if !s.column => self.d.ordinal(&s.sql),
            _ => s.sql.clone(),
        }
    }

    fn order_key(&self, s: Scalar, descending: bool) -> String {
        let key = self.ordered(&s);
        // Nulls sort first ascending (the evaluator's order); non-null keys get no NULLS clause so
        // that the engine can read an index in order.
        match (descending, s.nullable) {
            (false, false) => format!("{key} ASC"),
            (true, false) => format!("{key} DESC"),
            (false, true) => format!("{key} ASC NULLS FIRST"),
            (true, true) => format!("{key} DESC NULLS LAST"),
        }
    }

    fn in_list(
        &mut self,
        e: &TypedExpr,
        operand: &TypedExpr,
        set: &InSet,
    ) -> Result<String, Error> {
        let x = self.scalar(operand)?;
        let values = match set {
            InSet::Values(values) => values,
            InSet::Collection(p) => {
                let c = self.property(e, p)?;
                let Kind::Collection(elem) = &c.kind else {
                    return Err(self.unsupported(e, "'in' with this collection"));
                };
                if !elem.same(&x.kind) {
                    return Err(self.unsupported(e, "'in' with this collection"));
                }
                // Membership by `eq`, so a null value is found when the collection holds a null.
                let alias = format!("j{}", self.vars.len());
                let v = format!("{alias}.value");
                let test = if x.nullable {
                    format!(
                        "COALESCE({v} = {x}, {v} IS NULL AND {x} IS NULL)",
                        x = x.sql
                    )
                } else {
                    format!("{v} = {}", x.sql)
                };
                return Ok(format!(
                    "EXISTS (SELECT 1 FROM {} WHERE {test})",
                    self.d.json_elements(&c.sql, &alias)
                ));
            }
        };
        let mut items = Vec::new();
        let mut null = false;
        for v in values {
            if v.is_null() {
                null = true;
                continue;
            }
            let s = self.value(e, v)?;
            if !s.kind.same(&x.kind) {
                return Err(self.unsupported(e, "this 'in' list"));
            }
            items.push(s.sql);
        }
        let member = match (items.is_empty(), x.nullable) {
            (true, _) => None,
            (false, false) => Some(format!("{} IN ({})", x.sql, items.join(", "))),
            (false, true) => Some(format!(
                "({} IN ({}) AND {} IS NOT NULL)",
                x.sql,
                items.join(", "),
                x.sql
            )),
        };
        Ok(match (member, null) {
            (None, false) => FALSE.into(),
            (None, true) => format!("({} IS NULL)", x.sql),
            (Some(m), false) => m,
            (Some(m), true) => format!("({m} OR {} IS NULL)", x.sql),
        })
    }

    fn column_scalar(&self, col: &crate::sql::layout::Column) -> Scalar {
        let q = self.d.quote_ident(&col.name);
        let (kind, offset) = match &col.kind {
            ColumnKind::String { .. } => (Kind::Str, None),
            ColumnKind::Guid => (Kind::Guid, None),
            ColumnKind::Enum(e) => (Kind::Enum(Arc::clone(e)), None),
            ColumnKind::DateTimeOffset => (
                Kind::Instant,
                Some(self.d.quote_ident(&format!("{}@offset", col.name))),
            ),
            ColumnKind::Integer => (Kind::Int, None),
            ColumnKind::Boolean => (Kind::Bool, None),
            ColumnKind::Collection(elem) => (Kind::Collection(Box::new(element_kind(elem))), None),
        };
        Scalar {
            sql: q,
            nullable: col.nullable,
            kind,
            column: true,
            offset,
        }
    }

    /// A bound literal value.
    fn value(&mut self, e: &TypedExpr, v: &Value) -> Result<Scalar, Error> {
        let (param, kind) = match v {
            Value::String(s) => (Param::Text(s.clone()), Kind::Str),
            Value::Guid(g) => (Param::Text(g.to_string()), Kind::Guid),
            Value::Enum(en) => match en.member_name() {
                Some(n) => (Param::Text(n.to_string()), Kind::Enum(Arc::clone(&en.ty))),
                None => return Err(self.unsupported(e, "a flags combination")),
            },
            Value::DateTimeOffset(t) => (Param::Int(instant_param(t)), Kind::Instant),
            Value::Int(i) => (Param::Int(*i), Kind::Int),
            Value::Boolean(b) => (Param::Bool(*b), Kind::Bool),
            Value::Date(d) => (Param::Int(days_since_epoch(d)), Kind::Date),
            Value::TimeOfDay(t) => (Param::Int(nanos_since_midnight(t)), Kind::TimeOfDay),
            _ => return Err(self.unsupported(e, "a literal of this type")),
        };
        Ok(Scalar {
            sql: self.bind(param),
            nullable: false,
            kind,
            column: false,
            offset: None,
        })
    }

    fn scalar(&mut self, e: &TypedExpr) -> Result<Scalar, Error> {
        match e {
            TypedExpr::Literal(l) => {
                if l.value().is_null() {
                    let ty = match l.ty() {
                        Some(crate::schema::EdmType::String) => SqlType::Text,
                        _ => return Err(self.unsupported(e, "null here")),
                    };
                    return Ok(Scalar {
                        sql: self.bind(Param::Null(ty)),
                        nullable: true,
                        kind: Kind::Str,
                        column: false,
                        offset: None,
                    });
                }
                self.value(e, l.value())
            }
            TypedExpr::Property(p) => self.property(e, p),
            TypedExpr::Call(c) => self.call(e, c.function(), c.args()),
            TypedExpr::Compare(_)
            | TypedExpr::Logical(_)
            | TypedExpr::Not(_)
            | TypedExpr::In(_) => Ok(Scalar {
                sql: self.boolean(e)?,
                nullable: true,
                kind: Kind::Bool,
                column: false,
                offset: None,
            }),
            TypedExpr::Arithmetic(a) => {
                let x = self.scalar(a.left())?;
                let y = self.scalar(a.right())?;
                match (&x.kind, &y.kind, a.op()) {
                    (Kind::Int, Kind::Int, op) if op != ArithmeticOp::DivBy => Ok(Scalar {
                        sql: self.d.checked_int(op, &x.sql, &y.sql),
                        nullable: true,
                        kind: Kind::Int,
                        column: false,
                        offset: None,
                    }),
                    _ => Err(self.unsupported(
                        e,
                        &format!(
                            "'{}' on these types (only Int64 arithmetic is)",
                            a.op().keyword()
                        ),
                    )),
                }
            }
            TypedExpr::Neg(u) => {
                let x = self.scalar(u.operand())?;
                match x.kind {
                    Kind::Int => {
                        let zero = self.bind(Param::Int(0));
                        Ok(Scalar {
                            sql: self.d.checked_int(ArithmeticOp::Sub, &zero, &x.sql),
                            nullable: true,
                            kind: Kind::Int,
                            column: false,
                            offset: None,
                        })
                    }
                    _ => Err(self.unsupported(e, "negation of this type (only Int64 is)")),
                }
            }
            TypedExpr::Count(p) => {
                let c = self.property(e, p)?;
                match c.kind {
                    Kind::Collection(_) => Ok(Scalar {
                        sql: self.d.json_length(&c.sql),
                        // NULL when the record holds no array, whatever the schema says.
                        nullable: true,
                        kind: Kind::Int,
                        column: false,
                        offset: None,
                    }),
                    _ => Err(self.unsupported(e, "$count of this collection")),
                }
            }
            TypedExpr::Cast(c) => self.cast(e, c.operand(), c.target()),
            _ => Err(self.unsupported(e, "this expression")),
        }
    }

    /// A property path: a stored column of the record, or a lambda variable's element.
    fn property(&self, e: &TypedExpr, p: &PropertyRef) -> Result<Scalar, Error> {
        match (p.base(), p.path()) {
            (Base::Root, [id]) => match self.layout.column_at(id.index()) {
                Some(col) => Ok(self.column_scalar(col)),
                None => Err(self.unsupported(e, "this property")),
            },
            (Base::Variable(v), []) => match self.vars.get(v.index()) {
                Some(kind) => Ok(Scalar {
                    sql: format!("j{}.value", v.index()),
                    nullable: true,
                    kind: kind.clone(),
                    column: false,
                    offset: None,
                }),
                None => Err(self.unsupported(e, "this lambda variable")),
            },
            _ => Err(self.unsupported(e, "this property path")),
        }
    }

    /// `any`/`all` over a stored collection, three-valued as the evaluator folds `or`/`and` over
    /// the elements: each element's truth is coded 0 (false), 1 (null), 2 (true) once, and `MAX`
    /// (any) or `MIN` (all) combines them, so the predicate's text appears once.
    fn lambda(&mut self, e: &TypedExpr, l: &TypedLambda) -> Result<String, Error> {
        let c = self.property(e, l.collection())?;
        let Kind::Collection(elem) = c.kind else {
            return Err(self.unsupported(e, "any()/all() over this collection"));
        };
        let alias = format!("j{}", self.vars.len());
        let from = self.d.json_elements(&c.sql, &alias);
        let Some(body) = l.predicate() else {
            return Ok(match l.kind() {
                LambdaKind::Any => format!("EXISTS (SELECT 1 FROM {from})"),
                LambdaKind::All => TRUE.into(),
            });
        };
        if l.variable().index() != self.vars.len() {
            return Err(self.unsupported(e, "this lambda variable"));
        }
        self.vars.push(*elem);
        let p = self.boolean(body);
        self.vars.pop();
        let p = p?;
        let code = format!("COALESCE(CAST({p} AS INTEGER) * 2, 1)");
        Ok(match l.kind() {
            LambdaKind::Any => format!(
                "CASE (SELECT MAX({code}) FROM {from}) WHEN 2 THEN {TRUE} WHEN 1 THEN NULL ELSE {FALSE} END"
            ),
            LambdaKind::All => format!(
                "CASE (SELECT MIN({code}) FROM {from}) WHEN 0 THEN {FALSE} WHEN 1 THEN NULL ELSE {TRUE} END"
            ),
        })
    }

    /// `isof(x, T)`: true for a non-null value of type `T` (integers: in `T`'s range).
    fn is_of(&mut self, e: &TypedExpr, x: &TypedExpr, target: &EdmType) -> Result<String, Error> {
        let s = self.scalar(x)?;
        let same = match (&s.kind, target) {
            (Kind::Str, EdmType::String)
            | (Kind::Guid, EdmType::Guid)
            | (Kind::Instant, EdmType::DateTimeOffset)
            | (Kind::Bool, EdmType::Boolean)
            | (Kind::Date, EdmType::Date)
            | (Kind::TimeOfDay, EdmType::TimeOfDay)
            | (Kind::Int, EdmType::Int64 | EdmType::Decimal | EdmType::Double | EdmType::Single) => {
                Some(true)
            }
            (Kind::Enum(a), EdmType::Enum(b)) => Some(a == b),
            (Kind::Int, t) if t.is_integer() => None,
            (Kind::Str | Kind::Guid | Kind::Instant | Kind::Bool | Kind::Enum(_), _) => Some(false),
            _ => return Err(self.unsupported(e, "isof() of this value")),
        };
        Ok(match same {
            Some(true) => format!("({} IS NOT NULL)", s.sql),
            Some(false) => FALSE.into(),
            None => {
                let (lo, hi) = match target {
                    EdmType::Byte => (0, i64::from(u8::MAX)),
                    EdmType::SByte => (i64::from(i8::MIN), i64::from(i8::MAX)),
                    EdmType::Int16 => (i64::from(i16::MIN), i64::from(i16::MAX)),
                    EdmType::Int32 => (i64::from(i32::MIN), i64::from(i32::MAX)),
                    _ => (i64::MIN, i64::MAX),
                };
                // The type's range is a schema fact, not a user value; `isof` is two-valued.
                format!("COALESCE({} BETWEEN {lo} AND {hi}, {FALSE})", s.sql)
            }
        })
    }

    /// `cast(x, T)` where the engine's value is already `T`'s (to the same type, a Guid or an
    /// enum to its text).
    fn cast(&mut self, e: &TypedExpr, x: &TypedExpr, target: &EdmType) -> Result<Scalar, Error> {
        let s = self.scalar(x)?;
        match (&s.kind, target) {
            (Kind::Str, EdmType::String)
            | (Kind::Instant, EdmType::DateTimeOffset)
            | (Kind::Bool, EdmType::Boolean)
            | (Kind::Int, EdmType::Int64)
            | (Kind::Date, EdmType::Date)
            | (Kind::TimeOfDay, EdmType::TimeOfDay) => Ok(s),
            (Kind::Enum(a), EdmType::Enum(b)) if a == b => Ok(s),
            (Kind::Guid | Kind::Enum(_), EdmType::String) => Ok(Scalar {
                kind: Kind::Str,
                column: false,
                ..s
            }),
            _ => Err(self.unsupported(e, &format!("cast() of this value to {target}"))),
        }
    }

    fn call(&mut self, e: &TypedExpr, f: Function, args: &[TypedExpr]) -> Result<Scalar, Error> {
        let int = |sql: String, nullable: bool| Scalar {
            sql,
            nullable,
            kind: Kind::Int,
            column: false,
            offset: None,
        };
        let text = |sql: String, nullable: bool| Scalar {
            sql,
            nullable,
            kind: Kind::Str,
            column: false,
            offset: None,
        };
        match (f, args) {
            (Function::Length, [a]) => {
                let a = self.string(a)?;
                Ok(int(format!("length({})", a.sql), a.nullable))
            }
            (Function::IndexOf, [a, b]) => {
                let a = self.string(a)?;
                let b = self.string(b)?;
                Ok(int(
                    format!("({} - 1)", self.d.position(&a.sql, &b.sql)),
                    a.nullable || b.nullable,
                ))
            }
            (Function::Substring, [a, rest @ ..]) => {
                let a = self.string(a)?;
                // Start and length must be literals: bound already clamped to the evaluator's
                // rules (a negative start counts from 0, a negative length gives '').
                let mut parts = vec![a.sql.clone()];
                for (i, arg) in rest.iter().enumerate() {
                    let Some(Value::Int(n)) = arg.as_literal().map(|l| l.value()) else {
                        return Err(self.unsupported(e, "substring() with a computed position"));
                    };
                    let n = (*n).clamp(0, i64::from(i32::MAX) - 1);
                    let n = if i == 0 { n + 1 } else { n };
                    parts.push(self.bind(Param::Int32(n as i32)));
                }
                Ok(text(format!("substr({})", parts.join(", ")), a.nullable))
            }
            (Function::ToLower | Function::ToUpper | Function::Trim, [a]) => {
                let suffix = match f {
                    Function::ToLower => "lower",
                    Function::ToUpper => "upper",
                    _ => "trim",
                };
                if let Some(Value::String(s)) = a.as_literal().map(|l| l.value()) {
                    let v = match f {
                        Function::ToLower => s.to_lowercase(),
                        Function::ToUpper => s.to_uppercase(),
                        _ => crate::semantics::scalar::trim(s).to_string(),
                    };
                    return Ok(text(self.bind(Param::Text(v)), false));
                }
                let col = match a {
                    TypedExpr::Property(p) => match (p.base(), p.path()) {
                        (Base::Root, [id]) => self.layout.column_at(id.index()),
                        _ => None,
                    },
                    _ => None,
                };
                match col {
                    Some(col) if col.kind == (ColumnKind::String { derived: true }) => Ok(Scalar {
                        sql: self.d.quote_ident(&format!("{}@{suffix}", col.name)),
                        nullable: col.nullable,
                        kind: Kind::Str,
                        column: true,
                        offset: None,
                    }),
                    _ => {
                        let x = self.string(a)?;
                        match self.d.text_function(f, &x.sql) {
                            Some(sql) => Ok(text(sql, x.nullable)),
                            None => Err(self.unsupported(
                                e,
                                &format!(
                                    "{}() of anything but a filterable property or a literal",
                                    f.name()
                                ),
                            )),
                        }
                    }
                }
            }
            (Function::Concat, [a, b]) => {
                let a = self.string(a)?;
                let b = self.string(b)?;
                Ok(text(
                    format!("({} || {})", a.sql, b.sql),
                    a.nullable || b.nullable,
                ))
            }
            (
                Function::Year
                | Function::Month
                | Function::Day
                | Function::Hour
                | Function::Minute
                | Function::Second,
                [a],
            ) => {
                let s = self.scalar(a)?;
                let (Kind::Instant, Some(offset)) = (&s.kind, &s.offset) else {
                    return Err(self.unsupported(e, &format!("{}() of this value", f.name())));
                };
                let ns = &s.sql;
                let local = format!(
                    "(({ns} - ((({ns} % 1000000000) + 1000000000) % 1000000000)) / 1000000000 + {offset} * 60)"
                );
                let field = f.name().to_ascii_uppercase();
                Ok(int(self.d.date_part(&field, &local), s.nullable))
            }
            (Function::Date | Function::Time | Function::FractionalSeconds, [a]) => {
                let s = self.scalar(a)?;
                let (Kind::Instant, Some(offset)) = (&s.kind, &s.offset) else {
                    return Err(self.unsupported(e, &format!("{}() of this value", f.name())));
                };
                let ns = &s.sql;
                const DAY: i64 = 86_400_000_000_000;
                let (sql, kind) = match f {
                    // Floor division of the local seconds (the value's own offset) by a day.
                    Function::Date => {
                        let local = format!(
                            "(({ns} - ((({ns} % 1000000000) + 1000000000) % 1000000000)) / 1000000000 + {offset} * 60)"
                        );
                        (
                            format!("(({local} - ((({local} % 86400) + 86400) % 86400)) / 86400)"),
                            Kind::Date,
                        )
                    }
                    // Both terms reduced modulo a day first, so nothing overflows 64 bits.
                    Function::Time => (
                        format!(
                            "((((({ns} % {DAY}) + {DAY}) % {DAY}) + (((({offset} * 60000000000) % {DAY}) + {DAY}) % {DAY})) % {DAY})"
                        ),
                        Kind::TimeOfDay,
                    ),
                    _ => (
                        format!("((({ns} % 1000000000) + 1000000000) % 1000000000)"),
                        Kind::Fraction,
                    ),
                };
                Ok(Scalar {
                    sql,
                    nullable: s.nullable,
                    kind,
                    column: false,
                    offset: None,
                })
            }
            (Function::TotalOffsetMinutes, [a]) => {
                let s = self.scalar(a)?;
                match (&s.kind, &s.offset) {
                    (Kind::Instant, Some(offset)) => Ok(int(offset.clone(), s.nullable)),
                    _ => Err(self.unsupported(e, "totaloffsetminutes() of this value")),
                }
            }
            (Function::Now | Function::MaxDateTime | Function::MinDateTime, []) => {
                let t = match f {
                    Function::Now => crate::semantics::scalar::now(),
                    Function::MaxDateTime => crate::semantics::scalar::max_datetime(),
                    _ => crate::semantics::scalar::min_datetime(),
                };
                Ok(Scalar {
                    sql: self.bind(Param::Int(instant_param(&t))),
                    nullable: false,
                    kind: Kind::Instant,
                    column: false,
                    offset: None,
                })
            }
            _ => Err(self.unsupported(e, &format!("{}()", f.name()))),
        }
    }
}

/// The kind of a stored collection's element.
fn element_kind(k: &ColumnKind) -> Kind {
    match k {
        ColumnKind::Guid => Kind::Guid,
        ColumnKind::Enum(e) => Kind::Enum(Arc::clone(e)),
        _ => Kind::Str,
    }
}

/// An `Edm.Date` as days since 1970-01-01.
fn days_since_epoch(d: &chrono::NaiveDate) -> i64 {
    d.signed_duration_since(chrono::NaiveDate::default())
        .num_days()
}

/// An `Edm.TimeOfDay` as nanoseconds since midnight.
fn nanos_since_midnight(t: &chrono::NaiveTime) -> i64 {
    use chrono::Timelike;
    i64::from(t.num_seconds_from_midnight()) * 1_000_000_000 + i64::from(t.nanosecond())
}

/// `CASE x WHEN 'First' THEN 0 … END`: an enum's declared member position (schema text only).
fn enum_position(ty: &EnumType, sql: &str) -> String {
    let mut out = format!("CASE {sql}");
    for (i, m) in ty.members().iter().enumerate() {
        out.push_str(&format!(" WHEN {} THEN {i}", sql_string(m.name())));
    }
    out.push_str(" END");
    out
}
