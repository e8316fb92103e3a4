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

use crate::ast::Span;
use crate::error::{Error, ErrorKind, Errors};
use crate::query::ValidatedQuery;
use crate::schema::{EnumType, StructuredType};
use crate::sql::layout::{sql_string, ColumnKind, Layout, DOC_COLUMN, SEQ_COLUMN};
use crate::sql::{Dialect, Param};
use crate::validate::TypedFilter;
use crate::validate::{expr_to_string, TypedExpr};

mod predicate;
mod scalar;

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
        for (index, col, desc) in layout.default_order() {
            let Some(col) = col else {
                let name = layout
                    .entity_type()
                    .properties()
                    .get(index)
                    .map_or("?", |p| p.name());
                return Err(Errors::from(Error::for_reason(
                    ErrorKind::Unsupported,
                    Span::new(0, 0),
                    crate::Reason::NotSupportedByEngine {
                        construct: format!("the default order by '{name}' (not a column)"),
                        engine: dialect.name().to_string(),
                    },
                    c.text.as_str(),
                )));
            };
            let s = c.column_scalar(col);
            keys.push(c.order_key(s, desc));
        }
    } else {
        for k in query.orderby() {
            let s = c.scalar(k.expr()).map_err(wrap)?;
            keys.push(c.order_key(s, k.descending()));
        }
    }
    keys.push(format!("{} ASC", dialect.quote_ident(SEQ_COLUMN)));
    // The page as the evaluator takes it: `$top`, else the set's page size, else the default.
    let (skip, top) = query.skip_and_page_size();
    let limit = c.bind(Param::Int(i64::try_from(top).unwrap_or(i64::MAX)));
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
        Error::for_reason(
            ErrorKind::Unsupported,
            span,
            crate::Reason::NotSupportedByEngine {
                construct: what.to_string(),
                engine: self.d.name().to_string(),
            },
            self.text.as_str(),
        )
        .with_help(
            "the caret points into the normalized filter shown above, not into the text as typed",
        )
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::query::Query;
    use crate::schema::{EdmType, EntitySet, StructuredType};
    use crate::sql::Sqlite;

    /// A set of the same shape as MachineActions (it has `creationDateTimeUtc` and `id`) whose default
    /// order is by `name`: SQL orders as the evaluator does, by the set's own default order.
    fn set(default_by_name: bool) -> EntitySet {
        let ty = StructuredType::entity("Ns", "Item")
            .property("id", EdmType::Guid)
            .property("name", EdmType::String)
            .property("creationDateTimeUtc", EdmType::DateTimeOffset)
            .build()
            .unwrap();
        let b = EntitySet::builder("Items", ty).filterable(["id", "name", "creationDateTimeUtc"]);
        let b = if default_by_name {
            b.default_order_key("name", false)
        } else {
            b
        };
        b.build().unwrap()
    }

    #[test]
    fn the_default_order_is_the_entity_sets() {
        for (by_name, order) in [
            (true, "ORDER BY \"name\" ASC, \"@seq\" ASC"),
            (false, "ORDER BY \"@seq\" ASC"),
        ] {
            let set = set(by_name);
            let q = Query::from_query_string("$top=2", &set).unwrap();
            let layout = Layout::new(&set);
            let s = compile_query(&q, &layout, &Sqlite).unwrap();
            assert!(s.select.sql.contains(order), "{}", s.select.sql);
            let default_index = layout
                .indexes(&Sqlite)
                .into_iter()
                .find(|(name, _)| name.contains("default-order"));
            assert_eq!(default_index.is_some(), by_name, "{default_index:?}");
        }
    }
}
